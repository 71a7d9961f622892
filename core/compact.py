"""One object for each distinct value a validated knowledge base repeats, and no loader's bookkeeping kept.

The loader's mappings and sequences carry the line of each key and item (for `file:line` problems); once a
knowledge file is validated, nothing needs them, yet an expression of a rule definition kept them all (a rule
weighed about 50 kB). `Sharer` rebuilds validated values bottom-up as plain values: mappings as `dict`, sequences
as `list`, frozen schema models as models of the same class; equal strings, numbers, expressions and models become
one object, shared by every place that holds an equal one (a rule's `{var: hours}`, the cue words and units every
rule of a kind repeats, the same condition in the rules of several schools). Values are compared with their type
(1 and 1.0, `Decimal("1")` and `Decimal("1.0")`, True and 1 stay apart), and only values nothing changes once
loaded may be shared: the validated knowledge base is read-only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rules.pickling import CompactPickle, restore

_ATOMS = (str, int, float, bool, Decimal)


class Sharer:
    """Rebuilds values with equal parts shared; one sharer's memo spans every value it is given (a knowledge base)."""

    def __init__(self) -> None:
        self._memo: dict[Any, Any] = {}  # key → the one object; keys of containers hold their parts' ids, and the
        # memo keeps every part alive, so an id is never reused while the sharer lives

    def __call__(self, value: Any) -> Any:
        return self._share(value)

    def _one(self, key: Any, build: Any) -> Any:
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = build()
        return found

    def _share(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, _ATOMS):
            if isinstance(value, (float, Decimal)):
                key: Any = (type(value), repr(value))
            else:
                key = (type(value), value)
            return self._one(key, lambda: value)
        if isinstance(value, CompactPickle):
            fields = {name: self._share(v) for name, v in value.__dict__.items()}
            key = (type(value), tuple((name, id(v)) for name, v in fields.items()))
            return self._one(key, lambda: restore(type(value), fields))
        if isinstance(value, dict):
            items = [(self._share(k), self._share(v)) for k, v in value.items()]
            key = (dict, tuple((id(k), id(v)) for k, v in items))
            return self._one(key, lambda: dict(items))
        if isinstance(value, list):
            parts = [self._share(v) for v in value]
            key = (list, tuple(id(v) for v in parts))
            return self._one(key, lambda: parts)
        if isinstance(value, tuple) and type(value) is tuple:
            parts = [self._share(v) for v in value]
            key = (tuple, tuple(id(v) for v in parts))
            return self._one(key, lambda: tuple(parts))
        return value  # anything else (dates, sets) as it is
