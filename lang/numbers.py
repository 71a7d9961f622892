"""Numbers as people write them in Chinese and English: 十八, 一千二百, 1.2千, 200萬, NT$140,000, 2.11%."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0,
    "一": 1, "壹": 1, "弌": 1,
    "二": 2, "貳": 2, "贰": 2, "兩": 2, "两": 2, "倆": 2,
    "三": 3, "參": 3, "叁": 3, "参": 3, "叄": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陸": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"萬": 10_000, "万": 10_000, "億": 100_000_000, "亿": 100_000_000}

_CN_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)
_NUM_TOKEN = re.compile(
    rf"(?:\d[\d,]*(?:\.\d+)?|\.\d+)[{''.join(SMALL_UNITS)}{''.join(BIG_UNITS)}]*|[{_CN_CHARS}點点]+"
)

MAX_SANE = Decimal(10) ** 15


class NumberError(ValueError):
    """A string that is not a number we can read."""


def parse_chinese_integer(text: str) -> int:
    """Parse a Chinese numeral (一千二百, 十八, 兩萬, 一二〇) into an int."""
    if not text:
        raise NumberError("empty numeral")
    if all(c in DIGITS for c in text):
        # Digit-by-digit form: 一二〇 = 120; a lone digit is itself.
        return int("".join(str(DIGITS[c]) for c in text))
    total = 0  # completed big-unit groups
    section = 0  # current group below 萬
    digit: int | None = None
    for c in text:
        if c in DIGITS:
            if digit is not None and DIGITS[c] != 0 and digit != 0:
                raise NumberError(f"two digits in a row in {text!r}")
            digit = DIGITS[c]
        elif c in SMALL_UNITS:
            unit = SMALL_UNITS[c]
            section += (1 if digit is None else digit) * unit
            digit = None
        elif c in BIG_UNITS:
            unit = BIG_UNITS[c]
            section += digit or 0
            digit = None
            if section == 0 and total == 0:
                section = 1
            if unit == 100_000_000:
                total = (total + section) * unit
            else:
                if total and total % 100_000_000 == 0 and total >= 100_000_000:
                    total += section * unit
                else:
                    if total and section == 0:
                        raise NumberError(f"repeated unit in {text!r}")
                    if total >= unit:
                        raise NumberError(f"units out of order in {text!r}")
                    total = (total + section) * unit
            section = 0
        else:
            raise NumberError(f"not a numeral character {c!r}")
    return total + section + (digit or 0)


def parse_number(text: str) -> Decimal:
    """Parse one number token: 18, 1,500, 2.5, 十八, 一千二百, 1.2千, 200萬, 陸仟, 二分之一, 2.11%."""
    s = unicodedata.normalize("NFKC", text).strip()
    s = s.replace("NT$", "").replace("新臺幣", "").replace("新台幣", "").strip()
    negative = s.startswith(("-", "−", "負"))
    if negative:
        return -parse_number(s[1:])
    if re.fullmatch(r"\d+(?:\.\d+)?[eE][+-]?\d+", s):
        raise NumberError(f"number out of range: {text!r}") if abs(int(s.lower().split("e")[1])) > 15 else NumberError(
            f"scientific notation is not accepted: {text!r}"
        )
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    if s.startswith("百分之"):
        percent = True
        s = s[3:]
    if "分之" in s:
        den, _, num = s.partition("分之")
        denominator = parse_number(den)
        if denominator == 0:
            raise NumberError(f"zero denominator: {text!r}")
        return parse_number(num) / denominator
    if not s:
        raise NumberError("empty number")
    m = re.fullmatch(r"([\d,]*\.?\d*)\s*([十拾百佰千仟萬万億亿]*)", s)
    if m and m.group(1) and re.search(r"\d", m.group(1)):
        digits = m.group(1).replace(",", "")
        try:
            value = Decimal(digits)
        except InvalidOperation as exc:
            raise NumberError(f"not a number: {text!r}") from exc
        for c in m.group(2):
            value *= SMALL_UNITS.get(c) or BIG_UNITS[c]
    elif any(c in "點点" for c in s):
        whole, _, frac = s.replace("点", "點").partition("點")
        if not frac or not all(c in DIGITS for c in frac):
            raise NumberError(f"not a decimal numeral: {text!r}")
        value = Decimal(parse_chinese_integer(whole) if whole else 0) + Decimal(
            "0." + "".join(str(DIGITS[c]) for c in frac)
        )
    else:
        value = Decimal(parse_chinese_integer(s))
    if percent:
        value = value / 100
    if not value.is_finite() or abs(value) > MAX_SANE:
        raise NumberError(f"number out of range: {text!r}")
    return value


# Units and counters after which a Chinese numeral is read as a number.
UNITS = (
    "個小時", "小時", "鐘頭", "分鐘", "個月", "個人", "學分", "學年", "學期", "單元", "系列", "週", "周", "星期",
    "年", "月", "天", "日", "時", "人", "位", "名", "門", "元", "塊", "次", "倍", "期", "堂", "支", "部", "段",
    "h", "hr", "hrs", "hours", "hour", "weeks", "week", "credits",
)
_UNIT_RE = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_CN_RUN = re.compile(rf"([{_CN_CHARS}]+(?:[點点][{''.join(DIGITS)}]+)?)(?=\s*[個多餘]?\s*(?:{_UNIT_RE}))")
# Amounts such as 兩百萬 or 三千 need no unit after them.
_CN_BIG = re.compile(rf"([{_CN_CHARS}]*[{''.join(DIGITS)}十拾百佰][{_CN_CHARS}]*[千仟萬万億亿])")
_PERCENT_CN = re.compile(rf"百分之([{_CN_CHARS}]+)")
_MIXED = re.compile(r"(\d+(?:\.\d+)?)\s*([十拾百佰千仟萬万億亿]+)")
_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+)(?![\d])")


def numerals_to_digits(text: str) -> str:
    """Rewrite numbers next to a unit or count as arabic digits (十八小時 → 18小時, 200萬 → 2000000)."""
    text = _THOUSANDS.sub(lambda m: m.group(1).replace(",", ""), text)

    def mixed(m: re.Match[str]) -> str:
        try:
            return _fmt(parse_number(m.group(1) + m.group(2)))
        except NumberError:
            return m.group(0)

    text = _MIXED.sub(mixed, text)

    def percent(m: re.Match[str]) -> str:
        try:
            return _fmt(parse_number(m.group(1))) + "%"
        except NumberError:
            return m.group(0)

    text = _PERCENT_CN.sub(percent, text)

    def cn(m: re.Match[str]) -> str:
        run = m.group(1)
        if run in ("一", "壹"):
            # 「一小時多少」 asks for a rate, not a calculation on one hour: leave a lone 一 as written.
            return run
        try:
            return _fmt(parse_number(run))
        except NumberError:
            return run

    text = _CN_RUN.sub(cn, text)
    return _CN_BIG.sub(cn, text)


def _fmt(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def format_number(value: Decimal | float | int, money: bool = False) -> str:
    """Format a figure for people: 140,000 and 3,063.3; no trailing zeros."""
    d = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if d == d.to_integral_value():
        s = f"{int(d):,}"
    else:
        s = f"{d.normalize():,f}"
    return s
