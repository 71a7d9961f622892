"""Compact pickling of the frozen schema models, for the knowledge cache (core/cache.py), and the restricted
unpickler both of the project's pickle readers share (the cache; the answering processes, frontends/answering.py).

Pydantic pickles a model as a state dictionary of four items (its fields, the set of the fields that were set, its
extra and private values) restored by a Python `__setstate__`; a knowledge base holds hundreds of thousands of small
frozen models (entries, facts, rule steps, test rows), each with its own set of field names. Here a model is pickled
as its class, its field values and the names of the fields that were set; when restored, models of one class with the
same names share one set of names (pydantic copies that set before changing it, in `model_copy`, and frozen models
never change it otherwise), which saves a tenth of the memory and of the time to read a large knowledge base.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Any, ClassVar

OUR_PACKAGES = ("core", "rules", "lang")
STANDARD_GLOBALS: Mapping[str, frozenset[str]] = {
    "builtins": frozenset({"set", "frozenset", "slice", "range", "complex", "bytearray", "bytes"}),
    "collections": frozenset({"OrderedDict", "defaultdict", "deque"}),
    "decimal": frozenset({"Decimal"}),
    "datetime": frozenset({"date", "datetime", "time", "timedelta", "timezone"}),
    "rules.pickling": frozenset({"restore"}),  # the frozen schema models (below)
}

_NAMES: dict[tuple[type, tuple[str, ...]], set[str]] = {}


def restore(cls: Any, values: dict[str, Any], names: tuple[str, ...]) -> Any:
    """A frozen model from what `CompactPickle.__reduce__` wrote."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    shared = _NAMES.get((cls, names))
    if shared is None:
        shared = _NAMES.setdefault((cls, names), set(names))
    object.__setattr__(obj, "__pydantic_fields_set__", shared)
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class CompactPickle:
    """Mixed into a frozen pydantic model (extra fields forbidden, no private attributes): pickled compactly."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (restore, (type(self), self.__dict__, tuple(sorted(self.__pydantic_fields_set__))))  # type: ignore[attr-defined]


class RestrictedUnpickler(pickle.Unpickler):
    """Builds plain values, the classes of the project's own packages and the globals of `safe_globals`; looks up
    nothing else (no function of the standard library or a package is ever called by the data)."""

    safe_globals: ClassVar[Mapping[str, frozenset[str]]] = STANDARD_GLOBALS
    where: ClassVar[str] = "here"

    def find_class(self, module: str, name: str) -> Any:
        if name in self.safe_globals.get(module, ()):
            return super().find_class(module, name)
        if module.split(".")[0] in OUR_PACKAGES:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed {self.where}")
