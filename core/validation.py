"""Validation of a knowledge file's data into the frozen schema models (core/schema.py, rules/spec.py), by pydantic.

pydantic is imported here only, and only when a knowledge base is validated (`check`, or a start whose knowledge
files the cache does not hold): the models are plain dataclasses, which a knowledge base loaded from the cache uses
without it. Their constraints are written in their annotations with pydantic's `Field` and `AfterValidator`, which
the schema modules import for type checking only; they are given to them here, before pydantic reads the
annotations.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import AfterValidator, Field, TypeAdapter, ValidationError

import core.schema
import rules.spec

__all__ = ["ValidationError", "validate"]

for _module in (core.schema, rules.spec):
    vars(_module).setdefault("Field", Field)
    vars(_module).setdefault("AfterValidator", AfterValidator)

M = TypeVar("M")


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}  # built once per model: building one reads every annotation


def validate(model: type[M], data: Any) -> M:
    """`data` (a knowledge file's, as read from YAML) as a `model`; raises pydantic's ValidationError naming every
    problem, each with its location in the data."""
    adapter = _ADAPTERS.get(model)
    if adapter is None:
        adapter = _ADAPTERS[model] = TypeAdapter(model)
    out: M = adapter.validate_python(data)
    return out
