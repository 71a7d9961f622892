"""The vocabulary of operations rule definitions compute with: each a short pure function on exact values.

Values are Decimal, bool, str, datetime.date, lang.dates.Term, tuples of values, or records (dict) from primitives.
Every arithmetic operation runs under a 120-digit decimal context (inputs are bounded, so +, −, × never round).
An operation's arguments are evaluated before the call, except for the lazy ones (`if`, `and`, `or`, `given`,
`missing`, `str`, `const`, `table`, `tiers`), which the evaluator handles itself.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from lang.dates import ROC_OFFSET, Term, add_months, period_end, term_of

Value = Any


class OpError(ValueError):
    """An operation got values it cannot work on (a definition error, reported by `check`)."""


class ArgError(ValueError):
    """A primitive refuses the value of its `index`-th argument (bad input, not a bad definition).

    The evaluator turns it into a CalcError naming the input written at that argument, so the asker is told which
    figure to fix (e.g. a week structure that cannot be read).
    """

    def __init__(self, index: int, message_zh: str, message_en: str, allowed: str):
        self.index = index
        self.message_zh = message_zh
        self.message_en = message_en
        self.allowed = allowed
        super().__init__(message_en)


@dataclass(frozen=True)
class Outcome:
    """What a primitive may return instead of a bare value: the value, plus bilingual texts the evaluator merges into
    the result where the step that called it stands (steps as (zh, en); notes as (kind, zh, en), kind as in NoteSpec)."""

    value: Any
    steps: tuple[tuple[str, str], ...] = ()
    notes: tuple[tuple[str, str, str], ...] = ()


def _dec(x: Value) -> Decimal:
    if isinstance(x, bool) or not isinstance(x, (Decimal, int)):
        raise OpError(f"expected a number, got {type(x).__name__}")
    return Decimal(x)


def _int(x: Value) -> int:
    d = _dec(x)
    if d != d.to_integral_value():
        raise OpError(f"expected a whole number, got {d}")
    return int(d)


def _date(x: Value) -> date:
    if not isinstance(x, date):
        raise OpError(f"expected a date, got {type(x).__name__}")
    return x


def _term(x: Value) -> Term:
    if not isinstance(x, Term):
        raise OpError(f"expected an academic term, got {type(x).__name__}")
    return x


def _seq(x: Value) -> tuple[Decimal, ...]:
    if not isinstance(x, tuple):
        raise OpError(f"expected a list, got {type(x).__name__}")
    return tuple(_dec(v) for v in x)


def _truth(x: Value) -> bool:
    if not isinstance(x, bool):
        raise OpError(f"expected yes/no, got {type(x).__name__}")
    return x


def _round(x: Value, places: Value = 0, mode: str = ROUND_HALF_UP) -> Decimal:
    q = Decimal(1).scaleb(-_int(places))
    return _dec(x).quantize(q, rounding=mode)


def _div(a: Value, b: Value) -> Decimal:
    d = _dec(b)
    if d == 0:
        raise OpError("division by zero")
    return _dec(a) / d


def _ceil_div(a: Value, b: Value) -> Decimal:
    """⌈a / b⌉ exactly."""
    return _div(a, b).to_integral_value(rounding=ROUND_CEILING)


def _groups(people: Value, per: Value) -> Decimal:
    """How many groups of `per` for `people`, rounding up, fewer than `per` counted as `per` (不滿 N 人以 N 人計); nobody → 0."""
    p, n = _dec(people), _dec(per)
    if p <= 0:
        return Decimal(0)
    return _ceil_div(max(p, n), n)


def _between(x: Value, low: Value, high: Value) -> bool:
    return _dec(low) <= _dec(x) <= _dec(high)


def _compare(name: str, f: Callable[[Any, Any], bool]) -> Callable[[Value, Value], bool]:
    def op(a: Value, b: Value) -> bool:
        if isinstance(a, date) and isinstance(b, date):
            return f(a, b)
        if isinstance(a, Term) and isinstance(b, Term):
            return f(a, b)
        if isinstance(a, str) and isinstance(b, str):
            if name not in ("eq", "ne"):
                raise OpError("text can only be compared for equality")
            return f(a, b)
        return f(_dec(a), _dec(b))

    return op


def _date_of(year: Value, month: Value, day: Value) -> date:
    """A date from a western or ROC year (< 1000 is ROC), month and day; a day past the month's end is its last day."""
    y, m, d = _int(year), _int(month), _int(day)
    if y < 1000:
        y += 1911
    while m > 12:
        y, m = y + 1, m - 12
    while m < 1:
        y, m = y - 1, m + 12
    return date(y, m, min(d, calendar.monthrange(y, m)[1]))


def _months_between(a: Value, b: Value) -> Decimal:
    """Whole calendar months from date a to date b (b's day not before a's)."""
    x, y = _date(a), _date(b)
    months = (y.year - x.year) * 12 + (y.month - x.month)
    if y.day < x.day:
        months -= 1
    return Decimal(months)


def _month_span(a: Value, b: Value) -> Decimal:
    """Months a period covers counting both ends (106年7月1日至107年12月31日 → 18)."""
    x, y = _date(a), _date(b)
    months = (y.year - x.year) * 12 + (y.month - x.month)
    end_of_month = y.day == calendar.monthrange(y.year, y.month)[1]
    return Decimal(months + (1 if x.day == 1 and end_of_month else 0))


def _wsum(values: Value, weights: Value) -> Decimal:
    v, w = _seq(values), _seq(weights)
    if len(v) != len(w):
        raise OpError("values and weights differ in length")
    return sum((a * b for a, b in zip(v, w)), Decimal(0))


def _index_of_max(values: Value) -> Decimal:
    v = _seq(values)
    if not v:
        raise OpError("empty list")
    return Decimal(max(range(len(v)), key=lambda i: (v[i], -i)) + 1)


def _item(values: Value, index: Value) -> Decimal:
    """The index-th item (1-based)."""
    v = _seq(values)
    i = _int(index)
    if not 1 <= i <= len(v):
        raise OpError(f"item {i} of {len(v)}")
    return v[i - 1]


def _index_of_min(values: Value) -> Decimal:
    v = _seq(values)
    if not v:
        raise OpError("empty list")
    return Decimal(min(range(len(v)), key=lambda i: (v[i], i)) + 1)


def _count_over(values: Value, limit: Value) -> Decimal:
    """How many values exceed `limit` (超過: strictly more)."""
    x = _dec(limit)
    return Decimal(sum(1 for v in _seq(values) if v > x))


def _mean(values: Value) -> Decimal:
    """The arithmetic mean of a non-empty list (平均每門)."""
    v = _seq(values)
    if not v:
        raise OpError("empty list")
    return sum(v, Decimal(0)) / len(v)


def _ranked(values: Value) -> list[int]:
    """Positions (0-based) from the largest value down; equal values keep their order."""
    v = _seq(values)
    return sorted(range(len(v)), key=lambda i: (-v[i], i))


def _how_many(values: Value, n: Value) -> int:
    """`n` as a count of a list's items: whole and 1..len (refused as the asker's figure otherwise)."""
    size = len(_seq(values))
    k = _dec(n)
    if k != k.to_integral_value() or not 1 <= k <= size:
        raise ArgError(1, f"只能是 1 到 {size} 的整數（共 {size} 項）", f"must be a whole number from 1 to {size} ({size} items in all)", f"1–{size}")
    return int(k)


def _largest(values: Value, n: Value) -> tuple[Decimal, ...]:
    """The `n` largest values, largest first (前兩名的人數)."""
    v = _seq(values)
    return tuple(v[i] for i in _ranked(values)[: _how_many(values, n)])


def _keys_of_largest(values: Value, n: Value, *keys: Value) -> tuple[str, ...]:
    """The keys (one per value, in the values' order) of the `n` largest values, largest first (前兩名是哪幾門)."""
    k = _how_many(values, n)
    return tuple(_keys(values, keys)[i] for i in _ranked(values)[:k])


def _keys_over(values: Value, limit: Value, *keys: Value) -> tuple[str, ...]:
    """The keys (one per value, in the values' order) of the values that exceed `limit` (超過: strictly more), in order."""
    x = _dec(limit)
    names = _keys(values, keys)
    return tuple(names[i] for i, v in enumerate(_seq(values)) if v > x)


def _keys(values: Value, keys: tuple[Value, ...]) -> tuple[str, ...]:
    if len(keys) != len(_seq(values)) or not all(isinstance(k, str) for k in keys):
        raise OpError("one text key per value")
    return tuple(str(k) for k in keys)


def _pick(index: Value, *values: Value) -> Value:
    """The index-th of the values that follow (1-based), of any kind: picks a choice's key by a computed position."""
    i = _int(index)
    if not 1 <= i <= len(values):
        raise OpError(f"pick {i} of {len(values)}")
    return values[i - 1]


def _join(sep: Value, *parts: Value) -> str:
    """The non-empty texts joined by `sep` (a list of what is missing, for a message)."""
    if not isinstance(sep, str) or not all(isinstance(p, str) for p in parts):
        raise OpError("join takes texts")
    return sep.join(p for p in parts if p)


def _roc_text(d: Value) -> str:
    """A date in ROC form as text (115.03.01), for figures people copy into forms."""
    x = _date(d)
    return f"{x.year - ROC_OFFSET}.{x.month:02d}.{x.day:02d}"


def _term_op(year: Value, n: Value) -> Term:
    """The academic term `n` (1 or 2) of an academic year (ROC when < 1000): 116 學年度上學期 → Term(116, 1)."""
    y, t = _int(year), _int(n)
    if t not in (1, 2):
        raise OpError(f"term {t} is neither 1 nor 2")
    return Term(y if y < 1000 else y - ROC_OFFSET, t)


def _get(record: Value, key: Value) -> Value:
    if not isinstance(record, dict) or not isinstance(key, str) or key not in record:
        raise OpError(f"no field {key!r}")
    return record[key]


OPS: dict[str, Callable[..., Value]] = {
    # arithmetic
    "add": lambda *xs: sum((_dec(x) for x in xs), Decimal(0)),
    "sub": lambda a, b: _dec(a) - _dec(b),
    "mul": lambda *xs: _product(xs),
    "div": _div,
    "neg": lambda a: -_dec(a),
    "min": lambda *xs: min(_dec(x) for x in xs),
    "max": lambda *xs: max(_dec(x) for x in xs),
    "cap": lambda value, limit: min(_dec(value), _dec(limit)),
    "floor": lambda a: _dec(a).to_integral_value(rounding=ROUND_FLOOR),
    "ceil": lambda a: _dec(a).to_integral_value(rounding=ROUND_CEILING),
    "round": lambda a, places=0: _round(a, places),
    "floor_div": lambda a, b: _div(a, b).to_integral_value(rounding=ROUND_FLOOR),
    "ceil_div": _ceil_div,
    "groups": _groups,
    "pct": lambda base, percent: _dec(base) * _dec(percent) / 100,
    "share": lambda part, whole: _div(_dec(part) * 100, whole),
    # comparisons and logic (超過 gt, 達 ge, 未滿 lt, 不超過/至多 le)
    "gt": _compare("gt", lambda a, b: a > b),
    "ge": _compare("ge", lambda a, b: a >= b),
    "lt": _compare("lt", lambda a, b: a < b),
    "le": _compare("le", lambda a, b: a <= b),
    "eq": _compare("eq", lambda a, b: a == b),
    "ne": _compare("ne", lambda a, b: a != b),
    "between": _between,
    "not": lambda a: not _truth(a),
    # lists
    "sum": lambda xs: sum(_seq(xs), Decimal(0)),
    "count": lambda xs: Decimal(len(_seq(xs))),
    "count_over": _count_over,
    "mean": _mean,
    "largest": _largest,
    "keys_of_largest": _keys_of_largest,
    "keys_over": _keys_over,
    "max_of": lambda xs: max(_seq(xs)),
    "min_of": lambda xs: min(_seq(xs)),
    "index_of_max": _index_of_max,
    "index_of_min": _index_of_min,
    "item": _item,
    "pick": _pick,
    "wsum": _wsum,
    "list": lambda *xs: tuple(_dec(x) for x in xs),
    "get": _get,
    "join": _join,
    # dates and terms
    "add_days": lambda d, n: _date(d) + timedelta(days=_int(n)),
    "add_months": lambda d, n: add_months(_date(d), _int(n)),
    "period_end": lambda d, months: period_end(_date(d), _int(months)),
    "date_of": _date_of,
    "year_of": lambda d: Decimal(_date(d).year),
    "month_of": lambda d: Decimal(_date(d).month),
    "day_of": lambda d: Decimal(_date(d).day),
    "months_between": _months_between,
    "month_span": _month_span,
    "days_between": lambda a, b: Decimal((_date(b) - _date(a)).days),
    "term_of": lambda d: term_of(_date(d)),
    "term": _term_op,
    "term_shift": lambda t, n: _term(t).shift(_int(n)),
    "term_start": lambda t: _term(t).start,
    "term_end": lambda t: _term(t).end,
    "roc_text": _roc_text,
}

# Operations whose arguments the evaluator must not evaluate first.
LAZY = frozenset({"if", "and", "or", "given", "missing", "str", "const", "table", "tiers", "all_given", "any_given"})

# How many arguments each eager operation takes: (min, max); None = any.
ARITY: dict[str, tuple[int, int | None]] = {
    "add": (1, None), "mul": (1, None), "min": (1, None), "max": (1, None), "list": (0, None),
    "sub": (2, 2), "div": (2, 2), "cap": (2, 2), "floor_div": (2, 2), "ceil_div": (2, 2), "groups": (2, 2), "pct": (2, 2), "share": (2, 2),
    "gt": (2, 2), "ge": (2, 2), "lt": (2, 2), "le": (2, 2), "eq": (2, 2), "ne": (2, 2), "between": (3, 3),
    "neg": (1, 1), "floor": (1, 1), "ceil": (1, 1), "round": (1, 2), "not": (1, 1),
    "sum": (1, 1), "count": (1, 1), "max_of": (1, 1), "min_of": (1, 1), "index_of_max": (1, 1), "item": (2, 2), "wsum": (2, 2), "get": (2, 2),
    "index_of_min": (1, 1), "pick": (2, None), "count_over": (2, 2), "join": (1, None),
    "mean": (1, 1), "largest": (2, 2), "keys_of_largest": (3, None), "keys_over": (3, None), "roc_text": (1, 1),
    "add_days": (2, 2), "add_months": (2, 2), "period_end": (2, 2), "date_of": (3, 3), "year_of": (1, 1), "month_of": (1, 1), "day_of": (1, 1),
    "months_between": (2, 2), "month_span": (2, 2), "days_between": (2, 2), "term_of": (1, 1), "term": (2, 2), "term_shift": (2, 2), "term_start": (1, 1), "term_end": (1, 1),
}


def _product(xs: tuple[Value, ...]) -> Decimal:
    out = Decimal(1)
    for x in xs:
        out *= _dec(x)
    return out


def register(name: str, func: Callable[..., Value], arity: tuple[int, int | None]) -> None:
    """Add a primitive (real code a vocabulary of operations cannot say) under a name definitions can call."""
    OPS[name] = func
    ARITY[name] = arity
