"""Helpers the calculators share: a result builder, exact decimal context and integer ceilings."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import Any, TypeVar

from rules.base import CalcResult, Figure, money, num

PRECISION = 120  # digits: every input is bounded, so sums and products of them stay exact

F = TypeVar("F", bound=Callable[..., CalcResult])


def exact(func: F) -> F:
    """Run a calculator under a high-precision decimal context, so +, − and × never round."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> CalcResult:
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def ceil_div(a: Decimal | int, b: Decimal | int) -> int:
    """⌈a / b⌉ for a ≥ 0, b > 0, computed exactly (no rounded quotient)."""
    a, b = Decimal(a), Decimal(b)
    q = int(a // b)
    return q + (1 if a - q * b > 0 else 0)


def tidy(value: Decimal) -> Decimal:
    """The same value without trailing zeros or exponent form: 12500.0 → 12500, 3063.300 → 3063.3."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def ok_zh(passed: bool) -> str:
    """✔ 符合 / ✘ 不符合."""
    return "✔ 符合" if passed else "✘ 不符合"


def ok_en(passed: bool) -> str:
    """✔ pass / ✘ fail."""
    return "✔ pass" if passed else "✘ fail"


class Out:
    """Collects steps, warnings and citations (ordered, without repeats) and builds the CalcResult."""

    def __init__(self, calculator: str):
        self.calculator = calculator
        self.steps_zh: list[str] = []
        self.steps_en: list[str] = []
        self.warnings_zh: list[str] = []
        self.warnings_en: list[str] = []
        self.citations: list[str] = []
        self.reading_zh: list[str] = []
        self.reading_en: list[str] = []

    def step(self, zh: str, en: str) -> None:
        self.steps_zh.append(zh)
        self.steps_en.append(en)

    def warn(self, zh: str, en: str) -> None:
        self.warnings_zh.append(zh)
        self.warnings_en.append(en)

    def read(self, zh: str, en: str) -> None:
        """A reading taken where the rule is ambiguous."""
        self.reading_zh.append(zh)
        self.reading_en.append(en)

    def cite(self, *ids: str) -> None:
        for i in ids:
            if i not in self.citations:
                self.citations.append(i)

    def result(self, figures: dict[str, Figure], summary_zh: str, summary_en: str) -> CalcResult:
        return CalcResult(
            calculator=self.calculator,
            figures={k: tidy(v) if isinstance(v, Decimal) else v for k, v in figures.items()},
            summary_zh=summary_zh,
            summary_en=summary_en,
            steps_zh=tuple(self.steps_zh),
            steps_en=tuple(self.steps_en),
            citations=tuple(self.citations),
            warnings_zh=tuple(self.warnings_zh),
            warnings_en=tuple(self.warnings_en),
            reading_zh="".join(self.reading_zh),
            reading_en=" ".join(self.reading_en),
        )


__all__ = ["Out", "ceil_div", "exact", "money", "num", "ok_en", "ok_zh"]
