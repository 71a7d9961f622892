"""What every calculator shares: parameter specs, the result, the domain error and the registry entry."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, Literal, TypeVar

from lang.dates import DateError, parse_date
from lang.numbers import NumberError, format_number, parse_number

INPUT_PLACES = 10  # decimal places of a number input by default: a duration in minutes carried to hours (13/6 h as
# 2.1666666667) stays within a cent of the exact amount, and every sum and product stays exact

Figure = Decimal | int | bool | str

TEXT_MAX_CHARS = 5000  # longest free-text parameter ("text" kind)


class CalcError(ValueError):
    """Bad input for a calculator: names the parameter and its allowed range, in both languages."""

    def __init__(self, param: str, message_zh: str, message_en: str, allowed: str = ""):
        self.param = param
        self.message_zh = message_zh
        self.message_en = message_en
        self.allowed = allowed
        super().__init__(f"{param}: {message_en}" + (f" (allowed: {allowed})" if allowed else ""))


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice parameter."""

    value: str
    label_zh: str
    label_en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Param:
    """One input of a calculator."""

    name: str
    label_zh: str
    label_en: str
    kind: Literal["number", "int", "choice", "bool", "date", "list", "text"]
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[Choice, ...] = ()
    required: bool = True
    default: Any = None
    unit_zh: str = ""
    unit_en: str = ""
    help_zh: str = ""
    help_en: str = ""
    places: int = INPUT_PLACES  # most decimal places a number may have (keeps every sum and product exact)

    def allowed(self) -> str:
        """The allowed range or values, for error messages."""
        if self.kind == "choice":
            return " | ".join(c.value for c in self.choices)
        if self.kind == "bool":
            return "yes | no"
        if self.kind == "date":
            return "ROC 114.03.01 or ISO 2025-03-01"
        if self.kind == "list":
            return "comma-separated numbers"
        if self.kind == "text":
            return self.help_en or f"text of at most {TEXT_MAX_CHARS} characters"
        low = "" if self.minimum is None else format_number(self.minimum)
        high = "" if self.maximum is None else format_number(self.maximum)
        return f"{low}–{high}" + (f" {self.unit_en}" if self.unit_en else "")

    def _check_places(self, value: Decimal) -> None:
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.places:
            raise CalcError(
                self.name,
                f"{self.label_zh}的小數位數太多（至多 {self.places} 位）",
                f"{self.label_en} has too many decimal places (at most {self.places})",
                self.allowed(),
            )

    def coerce(self, raw: Any) -> Any:
        """Turn raw input (text or number) into this parameter's type, or raise CalcError."""
        if self.kind == "number" or self.kind == "int":
            value = to_decimal(raw, self)
            self._check_places(value)
            if self.kind == "int" and value != value.to_integral_value():
                raise CalcError(self.name, f"{self.label_zh}必須是整數", f"{self.label_en} must be a whole number", self.allowed())
            if self.minimum is not None and value < self.minimum or self.maximum is not None and value > self.maximum:
                raise CalcError(
                    self.name,
                    f"{self.label_zh}必須介於 {self.allowed()}",
                    f"{self.label_en} must be within {self.allowed()}",
                    self.allowed(),
                )
            return int(value) if self.kind == "int" else value
        if self.kind == "choice":
            text = unicodedata.normalize("NFKC", str(raw)).strip().lower()
            for choice in self.choices:
                names = (choice.value, choice.label_zh, choice.label_en, *choice.aliases)
                if text in {unicodedata.normalize("NFKC", n).strip().lower() for n in names}:
                    return choice.value
            raise CalcError(self.name, f"{self.label_zh}只能是：{self.allowed()}", f"{self.label_en} must be one of: {self.allowed()}", self.allowed())
        if self.kind == "bool":
            if isinstance(raw, bool):
                return raw
            text = unicodedata.normalize("NFKC", str(raw)).strip().lower()
            if text in {"yes", "y", "true", "1", "是", "有", "對", "on"}:
                return True
            if text in {"no", "n", "false", "0", "否", "不是", "沒有", "無", "off"}:
                return False
            raise CalcError(self.name, f"{self.label_zh}請回答「是」或「否」", f"{self.label_en} must be yes or no", self.allowed())
        if self.kind == "date":
            try:
                return parse_date(raw, self.label_zh, self.label_en)
            except DateError as exc:
                raise CalcError(self.name, exc.message_zh, exc.message_en, exc.allowed) from exc
        if self.kind == "list":
            if isinstance(raw, (list, tuple)):
                items = list(raw)
            else:
                items = [p for p in re.split(r"[,，、;；\s]+", unicodedata.normalize("NFKC", str(raw)).strip()) if p]
            if not items:
                raise CalcError(self.name, f"{self.label_zh}不可為空", f"{self.label_en} must not be empty", self.allowed())
            if len(items) > 500:
                raise CalcError(self.name, f"{self.label_zh}項目太多（至多 500）", f"{self.label_en} has too many items (at most 500)", "at most 500 items")
            out = []
            for item in items:
                value = to_decimal(item, self)
                self._check_places(value)
                if self.minimum is not None and value < self.minimum or self.maximum is not None and value > self.maximum:
                    raise CalcError(self.name, f"{self.label_zh}每項必須介於 {self.allowed()}", f"each {self.label_en} must be within {self.allowed()}", self.allowed())
                out.append(value)
            return tuple(out)
        if self.kind == "text":
            # Free text the calculator parses itself (e.g. a week structure "10,10;15,15").
            # Lists (of lists) are joined as items ';' and sub-items ',' so the calculator sees one form.
            if isinstance(raw, (list, tuple)):
                text = ";".join(",".join(str(x) for x in item) if isinstance(item, (list, tuple)) else str(item) for item in raw)
            else:
                text = str(raw)
            text = unicodedata.normalize("NFKC", text).strip()
            if not text:
                raise CalcError(self.name, f"{self.label_zh}不可為空", f"{self.label_en} must not be empty", self.allowed())
            if len(text) > TEXT_MAX_CHARS:
                raise CalcError(
                    self.name,
                    f"{self.label_zh}太長（至多 {TEXT_MAX_CHARS} 字元）",
                    f"{self.label_en} is too long (at most {TEXT_MAX_CHARS} characters)",
                    self.allowed(),
                )
            return text
        raise AssertionError(self.kind)  # pragma: no cover


def to_decimal(raw: Any, param: Param) -> Decimal:
    """Read a number (int, float, Decimal or text such as 十八, 1,500, 200萬) or raise CalcError."""
    if isinstance(raw, bool):
        raise CalcError(param.name, f"{param.label_zh}必須是數字", f"{param.label_en} must be a number", param.allowed())
    if isinstance(raw, (int, Decimal)):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise CalcError(param.name, f"{param.label_zh}必須是有限的數字", f"{param.label_en} must be a finite number", param.allowed())
        value = Decimal(str(raw))
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        for unit in (param.unit_zh, param.unit_en, "小時", "週", "人", "元", "位", "個月", "分鐘", "hours", "h"):
            if unit and text.endswith(unit) and len(text) > len(unit):
                text = text[: -len(unit)].strip()
        try:
            value = parse_number(text)
        except (NumberError, InvalidOperation, ArithmeticError, RecursionError) as exc:
            raise CalcError(param.name, f"「{str(raw)[:40]}」不是{param.label_zh}可用的數字", f"{str(raw)[:40]!r} is not a number for {param.label_en}", param.allowed()) from exc
    if not value.is_finite():
        raise CalcError(param.name, f"{param.label_zh}必須是有限的數字", f"{param.label_en} must be a finite number", param.allowed())
    if value == 0:
        value = Decimal(0)  # -0 is 0
    return value


@dataclass(frozen=True)
class CalcResult:
    """What a calculator returns: figures by name, steps, citations (entry ids) and warnings."""

    calculator: str
    figures: Mapping[str, Figure]
    summary_zh: str
    summary_en: str
    steps_zh: tuple[str, ...]
    steps_en: tuple[str, ...]
    citations: tuple[str, ...]
    warnings_zh: tuple[str, ...] = ()
    warnings_en: tuple[str, ...] = ()
    reading_zh: str = ""
    reading_en: str = ""

    def json_figures(self) -> dict[str, Any]:
        """Figures as JSON values (numbers as numbers)."""
        out: dict[str, Any] = {}
        for k, v in self.figures.items():
            if isinstance(v, bool) or isinstance(v, str):
                out[k] = v
            elif isinstance(v, Decimal):
                out[k] = int(v) if v == v.to_integral_value() else float(v)
            else:
                out[k] = v
        return out


def money(value: Decimal) -> str:
    """NT$ with thousands separators."""
    return "NT$" + format_number(value)


def num(value: Decimal | int) -> str:
    """A figure for people."""
    return format_number(value)


D = Decimal
