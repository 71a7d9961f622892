"""Python calculators not yet moved into rule definitions (knowledge/rules/); every calculator now is one, so none remain."""

from __future__ import annotations

from rules.base import CalcError, CalcResult, Calculator, Param

ALL: tuple[Calculator, ...] = ()  # type: ignore[type-arg]
REGISTRY: dict[str, Calculator] = {c.name: c for c in ALL}  # type: ignore[type-arg]

__all__ = ["ALL", "REGISTRY", "CalcError", "CalcResult", "Calculator", "Param"]
