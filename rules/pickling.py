"""The frozen schema models (core/schema.py, rules/spec.py) as plain dataclasses, their compact pickling for the
knowledge cache (core/cache.py), and the restricted unpickler both of the project's pickle readers share (the cache;
the answering processes, frontends/answering.py).

A schema model is a frozen, keyword-only dataclass: answering only reads its fields, so a process that loads a
validated knowledge base from the cache never imports pydantic (a tenth of a second at every start). pydantic
validates the same classes from the YAML files (core/validation.py), reading the constraints written in their
annotations and the configuration set here. A model is pickled as its class and its field values.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar, dataclass_transform

OUR_PACKAGES = ("core", "rules", "lang")
STANDARD_GLOBALS: Mapping[str, frozenset[str]] = {
    "builtins": frozenset({"set", "frozenset", "slice", "range", "complex", "bytearray", "bytes"}),
    "collections": frozenset({"OrderedDict", "defaultdict", "deque"}),
    "decimal": frozenset({"Decimal"}),
    "datetime": frozenset({"date", "datetime", "time", "timedelta", "timezone"}),
    "rules.pickling": frozenset({"restore"}),  # the frozen schema models (below)
}

# pydantic's configuration of every schema model (a ConfigDict, read only when validating): no field the schema does
# not name, and text fields stripped of surrounding whitespace.
PYDANTIC_CONFIG: Mapping[str, Any] = {"extra": "forbid", "str_strip_whitespace": True}

_T = TypeVar("_T")


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(field,))
def schema(cls: type[_T]) -> type[_T]:
    """Make a class a frozen schema model: a frozen, keyword-only dataclass that pydantic validates with
    PYDANTIC_CONFIG."""
    setattr(cls, "__pydantic_config__", PYDANTIC_CONFIG)
    return dataclass(frozen=True, kw_only=True)(cls)


def restore(cls: Any, values: dict[str, Any]) -> Any:
    """A frozen model from what `CompactPickle.__reduce__` wrote."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    return obj


class CompactPickle:
    """The base of the frozen schema models: pickled as their class and field values."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (restore, (type(self), self.__dict__))


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
