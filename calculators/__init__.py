"""Deterministic calculators: pure functions on frozen dataclasses returning figures, steps and citations."""

from __future__ import annotations

from calculators import deadlines as _deadlines
from calculators import fcu as _fcu
from calculators import moe as _moe
from calculators import ndhu as _ndhu
from calculators import structure as _structure
from rules.base import CalcError, CalcResult, Calculator, Param

ALL: tuple[Calculator, ...] = (  # type: ignore[type-arg]
    *_fcu.ALL,
    *_moe.ALL,
    *_ndhu.ALL,
    *_deadlines.ALL,
    *_structure.ALL,
)
REGISTRY: dict[str, Calculator] = {c.name: c for c in ALL}  # type: ignore[type-arg]

__all__ = ["ALL", "REGISTRY", "CalcError", "CalcResult", "Calculator", "Param"]
