"""The evaluator of rule definitions: a `Rule` is a definition bound to its facts, run on raw inputs.

`Rule` has the calculator interface front ends use (`name`, `title_zh/en`, `document`, `params`, `param`, `missing`,
`run`), and what the planner needs to bind a question's figures (`inputs` with units and cue words, `outputs`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from lang.dates import Term, both, roc
from lang.numbers import format_number
from rules.base import CalcError, CalcResult, Choice, Param
from rules import primitives as _primitives  # noqa: F401 - registers the primitives into the operation table
from rules.ops import LAZY, OPS, ArgError, OpError, Outcome
from rules.spec import ChoiceSpec, InputSpec, RuleSpec

PRECISION = 120
_TEMPLATE = re.compile(r"\{([a-z_][a-z0-9_]*)(?::([a-z_]+))?\}")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
MONEY_UNITS = frozenset({"TWD", "twd", "money"})
PERCENT_UNITS = frozenset({"percent", "%"})


class Missing(Exception):
    """A name has no value here (an optional input not given, or a step skipped)."""


@dataclass(frozen=True)
class CheckOutcome:
    """One condition checked: passed or not, with its texts in both languages."""

    id: str
    passed: bool
    guideline: bool
    label_zh: str
    label_en: str
    detail_zh: str
    detail_en: str
    entry: str | None


@dataclass(frozen=True)
class Shown:
    """A figure of the result, formatted in both languages."""

    name: str
    label_zh: str
    label_en: str
    display_zh: str
    display_en: str
    unit: str | None
    value: Any = None  # the figure itself (Decimal for numbers), for comparing two results


@dataclass(frozen=True)
class RuleResult(CalcResult):
    """A calculator result with the checks run, the figures to show and the notes the document leaves unstated."""

    checks: tuple[CheckOutcome, ...] = ()
    shown: tuple[Shown, ...] = ()
    worked: tuple[str, ...] = ()  # the clauses the rule and its shown steps and checks work with; the rest of `citations` notes only mention
    unstated_zh: tuple[str, ...] = ()
    unstated_en: tuple[str, ...] = ()
    notes_zh: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()


@dataclass
class _Env:
    values: dict[str, Any]
    units: dict[str, str | None]
    choices: dict[str, dict[str, ChoiceSpec]]
    cited: list[str] = field(default_factory=list)
    worked: list[str] = field(default_factory=list)  # the cited clauses the rule, its shown steps and its checks work with


def _lit(x: Any) -> Decimal:
    return Decimal(str(x))


def evaluate(expr: Any, env: _Env) -> Any:
    """The value of an expression; raises Missing for a name without a value, OpError for a bad operation."""
    if isinstance(expr, bool):
        return expr
    if isinstance(expr, (int, float, Decimal)):
        return _lit(expr)
    if isinstance(expr, str):
        if expr in env.values and env.values[expr] is not None:
            return env.values[expr]
        raise Missing(expr)
    if isinstance(expr, dict) and len(expr) == 1:
        op, args = next(iter(expr.items()))
        if op in LAZY:
            return _lazy(op, args, env)
        func = OPS.get(op)
        if func is None:
            raise OpError(f"unknown operation {op!r}")
        items = args if isinstance(args, list) else [args]
        values = [_plain(evaluate(a, env)) for a in items]
        try:
            return func(*values)
        except ArgError as err:
            # A primitive refused a value: name the input written at that argument.
            name = items[err.index] if 0 <= err.index < len(items) else None
            if not isinstance(name, str):
                raise OpError(f"{op}: argument {err.index + 1}: {err}") from err
            raise CalcError(name, err.message_zh, err.message_en, err.allowed) from err
    raise OpError(f"not an expression: {expr!r}")


def _lazy(op: str, args: Any, env: _Env) -> Any:
    if op == "str":
        return str(args)
    if op == "const":
        return _lit(args[0] if isinstance(args, list) else args)
    if op in ("given", "missing"):
        present = isinstance(args, str) and env.values.get(args) is not None
        return present if op == "given" else not present
    if op in ("all_given", "any_given"):
        names = args if isinstance(args, list) else [args]
        flags = [env.values.get(n) is not None for n in names]
        return all(flags) if op == "all_given" else any(flags)
    if op == "if":
        cond, yes, no = args
        return evaluate(yes if _bool(evaluate(cond, env)) else no, env)
    if op == "and":
        return all(_bool(evaluate(a, env)) for a in args)
    if op == "or":
        return any(_bool(evaluate(a, env)) for a in args)
    if op == "table":
        key = evaluate(args["by"], env)
        rows = args["rows"]
        if key not in rows:
            raise OpError(f"table has no row {key!r}")
        return evaluate(rows[key], env)
    if op == "tiers":
        value = evaluate(args["value"], env)
        strict = args.get("op", "ge") == "gt"
        result = args.get("below", 0)
        best: Decimal | None = None
        for threshold, out in args["at"]:
            t = evaluate(threshold, env)
            if (value > t if strict else value >= t) and (best is None or t >= best):
                best, result = t, out
        return evaluate(result, env)
    raise OpError(f"unknown operation {op!r}")  # pragma: no cover - LAZY lists exactly the cases above


def _plain(x: Any) -> Any:
    """A primitive's Outcome used inside another operation counts as its value (its texts are merged only at a step)."""
    return x.value if isinstance(x, Outcome) else x


def _bool(x: Any) -> bool:
    if not isinstance(x, bool):
        raise OpError(f"expected yes/no, got {type(x).__name__}")
    return x


# --- formatting -----------------------------------------------------------------------------------------


# A figure with more decimals than this came out of a division that does not end (9 小時 20 分鐘 = 9.333… hours):
# it is shown to SHOWN_PLACES places, so 9.333… × 6 reads 56, not 55.99999….
INEXACT_PLACES = 5
SHOWN_PLACES = 4


MONEY_PLACES = 2  # an amount of money is shown to the cent at most (13/6 h × NT$5,000 → NT$10,833.33)


def _shown(value: Any, most: int = INEXACT_PLACES, places: int = SHOWN_PLACES) -> Any:
    """A figure with more than `most` decimals rounded (half up) to `places` for display; any other value as it is."""
    if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent < -most:  # type: ignore[operator]
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP).normalize()
    return value


def format_value(value: Any, fmt: str | None, unit: str | None, lang: str, choices: dict[str, ChoiceSpec] | None = None) -> str:
    """A value as people read it: NT$ with separators, ROC and ISO dates, percentages, a choice's label, ✔/✘."""
    en = lang == "en"
    if fmt is None:
        if isinstance(value, bool):
            fmt = "check"
        elif isinstance(value, date):
            fmt = "date"
        elif isinstance(value, Term):
            fmt = "term"
        elif isinstance(value, tuple):
            fmt = "list"
        elif isinstance(value, str):
            fmt = "label" if choices else "text"
        elif unit in MONEY_UNITS:
            fmt = "money"
        elif unit in PERCENT_UNITS:
            fmt = "pct"
        else:
            fmt = "num"
    if fmt == "money":
        return "NT$" + format_number(_shown(value, MONEY_PLACES, MONEY_PLACES))
    if fmt == "num":
        return format_number(_shown(value))
    if fmt == "int":
        return format_number(Decimal(value).to_integral_value())
    if fmt == "year":
        return str(int(Decimal(value).to_integral_value()))
    if fmt == "pct":
        return format_number(value) + "%"
    if fmt == "date":
        return f"{value.isoformat()} (ROC {roc(value)})" if en else both(value)
    if fmt == "roc":
        return roc(value)
    if fmt == "iso":
        return str(value.isoformat())
    if fmt == "term":
        return str(value.label_en() if en else value.label_zh())
    if fmt == "label":
        spec = (choices or {}).get(str(value))
        return (spec.en if en else spec.zh) if spec else str(value)
    if fmt == "check":
        return ("✔ complies" if value else "✘ does not comply") if en else ("✔ 符合" if value else "✘ 不符合")
    if fmt == "yesno":
        return ("yes" if value else "no") if en else ("是" if value else "否")
    if fmt == "list":
        # Numbers with separators; texts (a choice's keys, e.g. the courses over a threshold) by their labels.
        items = [format_value(v, "label", None, lang, choices) if isinstance(v, str) else format_number(v) for v in value]
        return ", ".join(items) if en else "、".join(items)
    return str(value)


def render(template: str, env: _Env, lang: str) -> str:
    """Fill `{name}` and `{name:fmt}` from the environment; raises Missing when a name has no value."""

    def one(m: re.Match[str]) -> str:
        name, fmt = m.group(1), m.group(2)
        value = env.values.get(name)
        if value is None:
            raise Missing(name)
        return format_value(value, fmt, env.units.get(name), lang, env.choices.get(name))

    return _TEMPLATE.sub(one, template)


def template_names(template: str) -> list[str]:
    """The names a template refers to."""
    return [m.group(1) for m in _TEMPLATE.finditer(template)]


# --- the rule --------------------------------------------------------------------------------------------


def _param(name: str, spec: InputSpec, choices: dict[str, ChoiceSpec] | None) -> Param:
    return Param(
        name=name,
        label_zh=spec.label_zh,
        label_en=spec.label_en,
        kind=spec.type,
        minimum=spec.min,
        maximum=spec.max,
        choices=tuple(Choice(value, c.zh, c.en, c.aliases) for value, c in (choices or {}).items()),
        required=not spec.optional,
        default=spec.default,
        unit_zh=spec.unit_zh,
        unit_en=spec.unit_en,
        help_zh=spec.help_zh,
        help_en=spec.help_en,
        places=spec.places,
    )


class Rule:
    """A rule definition bound to the values of its facts; `run` is pure and deterministic."""

    def __init__(self, spec: RuleSpec, document: str, facts: Mapping[str, Decimal], fact_units: Mapping[str, str], choice_sets: Mapping[str, dict[str, ChoiceSpec]]):
        self.spec = spec
        self.name = spec.id
        self.title_zh = spec.title_zh
        self.title_en = spec.title_en
        self.description_zh = spec.description_zh
        self.description_en = spec.description_en
        self.examples = spec.examples
        self.document = document
        self.entry = spec.entry
        self.facts = dict(facts)
        self.fact_units = dict(fact_units)
        self.choices: dict[str, dict[str, ChoiceSpec]] = {}
        for name, inp in spec.inputs.items():
            if isinstance(inp.choices, str):
                self.choices[name] = dict(choice_sets.get(inp.choices, {}))
            elif inp.choices:
                self.choices[name] = dict(inp.choices)
        for step in spec.steps:
            if step.choices:
                self.choices[step.let] = dict(choice_sets.get(step.choices, {}))
        self.inputs = spec.inputs
        self.params = tuple(_param(name, inp, self.choices.get(name)) for name, inp in spec.inputs.items())

    def __repr__(self) -> str:
        return f"Rule({self.name!r})"

    def param(self, name: str) -> Param:
        """The parameter called `name`."""
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def missing(self, raw: Mapping[str, Any]) -> list[Param]:
        """Required parameters not given (and, when none of a required group is given, that group's first)."""
        out = [p for p in self.params if p.required and raw.get(p.name) in (None, "")]
        for group in self.spec.require:
            if not any(raw.get(n) not in (None, "") for n in group):
                first = self.param(group[0])
                if first not in out:
                    out.append(first)
        return out

    def coerce(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Inputs as typed values (None for optional ones not given), or CalcError naming the first bad one."""
        known = {p.name for p in self.params}
        for key in raw:
            if key not in known:
                raise CalcError(str(key)[:40], f"未知的參數 {str(key)[:40]}", f"unknown parameter {str(key)[:40]!r}", ", ".join(sorted(known)) or "no parameters")
        values: dict[str, Any] = {}
        for p in self.params:
            given = raw.get(p.name)
            if given is None or given == "":
                if p.required:
                    raise CalcError(p.name, f"缺少{p.label_zh}", f"missing {p.label_en}", p.allowed())
                values[p.name] = p.coerce(p.default) if p.default is not None else None
            else:
                values[p.name] = p.coerce(given)
        for group in self.spec.require:
            if all(values.get(n) is None for n in group):
                first = self.param(group[0])
                zh = self.spec.require_zh or "請提供" + "或".join(self.param(n).label_zh for n in group)
                en = self.spec.require_en or "give " + " or ".join(self.param(n).label_en for n in group)
                raise CalcError(first.name, zh, en, "; ".join(f"{n} {self.param(n).allowed()}" for n in group))
        return values

    def _env(self, values: Mapping[str, Any]) -> _Env:
        env_values: dict[str, Any] = dict(self.facts)
        units: dict[str, str | None] = dict(self.fact_units)
        for name, inp in self.inputs.items():
            v = values.get(name)
            if isinstance(v, int) and not isinstance(v, bool):
                v = Decimal(v)
            env_values[name] = v
            units[name] = inp.unit
        for step in self.spec.steps:
            units.setdefault(step.let, step.unit)
        return _Env(env_values, units, self.choices)

    def run(self, raw: Mapping[str, Any]) -> RuleResult:
        """Validate raw inputs and compute (CalcError for bad input)."""
        values = self.coerce(raw)
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return self._compute(self._env(values))

    def _cite(self, env: _Env, cite: str | tuple[str, ...] | None, works: bool = False) -> None:
        for c in (cite,) if isinstance(cite, str) else (cite or ()):
            if c not in env.cited:
                env.cited.append(c)
            if works and c not in env.worked:
                env.worked.append(c)

    def _holds(self, cond: Any, env: _Env) -> bool:
        if cond is None:
            return True
        try:
            return _bool(evaluate(cond, env))
        except Missing:
            return False

    def _compute(self, env: _Env) -> RuleResult:
        spec = self.spec
        self._cite(env, spec.entry, works=True)
        for con in spec.constraints:
            try:
                ok = _bool(evaluate(con.test, env))
            except Missing:
                continue
            if not ok:
                raise CalcError(con.param, render(con.zh, env, "zh"), render(con.en, env, "en"), con.allowed)
        steps_zh: list[str] = []
        steps_en: list[str] = []
        notes: dict[str, list[tuple[str, str]]] = {"reading": [], "warning": [], "note": [], "unstated": []}
        for step in spec.steps:
            if not self._holds(step.when, env):
                continue
            try:
                value = evaluate(step.value, env)
            except Missing:
                continue
            # A primitive's Outcome: its value is bound; its steps follow the step's own text, its notes join the notes.
            extra: Outcome | None = value if isinstance(value, Outcome) else None
            env.values[step.let] = _plain(value)
            if not self._holds(step.show, env):
                continue
            if step.zh and step.en:
                try:
                    zh, en = render(step.zh, env, "zh"), render(step.en, env, "en")
                except Missing:
                    continue
                steps_zh.append(zh)
                steps_en.append(en)
            self._cite(env, step.cite, works=True)
            if extra is not None:
                steps_zh += [zh for zh, _ in extra.steps]
                steps_en += [en for _, en in extra.steps]
                for kind, zh, en in extra.notes:
                    notes[kind].append((zh, en))
        checks: list[CheckOutcome] = []
        for c in spec.checks:
            if not self._holds(c.when, env):
                continue
            try:
                passed = _bool(evaluate(c.test, env))
                detail_zh, detail_en = render(c.zh, env, "zh"), render(c.en, env, "en")
                label_zh, label_en = render(c.label_zh, env, "zh"), render(c.label_en, env, "en")
            except Missing:
                continue
            env.values[c.id] = passed
            checks.append(CheckOutcome(c.id, passed, c.guideline, label_zh, label_en, detail_zh, detail_en, c.cite if isinstance(c.cite, str) else (c.cite[0] if c.cite else None)))
            self._cite(env, c.cite, works=True)
        if checks:
            env.values["all_checks_pass"] = all(c.passed for c in checks)
            env.values["checks_run"] = Decimal(len(checks))
            _name_checks(env, checks)
        for n in spec.notes:
            if not self._holds(n.when, env):
                continue
            try:
                notes[n.kind].append((render(n.zh, env, "zh"), render(n.en, env, "en")))
            except Missing:
                continue
            self._cite(env, n.cite)
        figures: dict[str, Any] = {}
        shown: list[Shown] = []
        for name, out in spec.outputs.items():
            try:
                value = evaluate(out.value, env)
            except Missing:
                continue
            figures[name] = _tidy(value)
            unit = out.unit or (env.units.get(out.value) if isinstance(out.value, str) else None)
            labels = env.choices.get(out.value) if isinstance(out.value, str) else None
            if out.show and out.label_zh:
                shown.append(Shown(name, out.label_zh, out.label_en, format_value(value, None, unit, "zh", labels), format_value(value, None, unit, "en", labels), unit, _tidy(value)))
        if checks:
            figures.setdefault("all_checks_pass", all(c.passed for c in checks))
        summary_zh, summary_en = self._answer(env, checks)
        return RuleResult(
            calculator=self.name,
            figures=figures,
            summary_zh=summary_zh,
            summary_en=summary_en,
            steps_zh=tuple(steps_zh),
            steps_en=tuple(steps_en),
            citations=tuple(env.cited),
            warnings_zh=tuple(zh for zh, _ in notes["warning"]),
            warnings_en=tuple(en for _, en in notes["warning"]),
            reading_zh="".join(zh for zh, _ in notes["reading"]),
            reading_en=" ".join(en for _, en in notes["reading"]),
            checks=tuple(checks),
            shown=tuple(shown),
            worked=tuple(env.worked),
            unstated_zh=tuple(zh for zh, _ in notes["unstated"]),
            unstated_en=tuple(en for _, en in notes["unstated"]),
            notes_zh=tuple(zh for zh, _ in notes["note"]),
            notes_en=tuple(en for _, en in notes["note"]),
        )

    def _answer(self, env: _Env, checks: list[CheckOutcome]) -> tuple[str, str]:
        if checks:
            failed = [c for c in checks if not c.passed]
            if failed:
                env.values["verdict_zh"] = "不符合：" + "；".join(c.label_zh + ("（非硬性規定）" if c.guideline else "") for c in failed)
                env.values["verdict_en"] = "does not comply: " + "; ".join(c.label_en + (" (a guideline, not a hard rule)" if c.guideline else "") for c in failed)
            else:
                env.values["verdict_zh"] = "符合" + ("（" + "、".join(c.label_zh for c in checks) + "）")
                env.values["verdict_en"] = "complies (" + "; ".join(c.label_en for c in checks) + ")"
        for a in self.spec.answer:
            if not self._holds(a.when, env):
                continue
            try:
                return render(a.zh, env, "zh"), render(a.en, env, "en")
            except Missing:
                continue
        return self.title_zh, self.title_en


def _name_checks(env: _Env, checks: list[CheckOutcome]) -> None:
    """Names the texts after `checks` may use: how many failed, and the labels of those run and those failed."""
    failed = [c for c in checks if not c.passed]
    env.values["checks_failed"] = Decimal(len(failed))
    env.values["checks_run_zh"] = "、".join(c.label_zh for c in checks)
    env.values["checks_run_en"] = "; ".join(c.label_en for c in checks)
    env.values["checks_failed_zh"] = "、".join(c.label_zh for c in failed)
    env.values["checks_failed_en"] = "; ".join(c.label_en for c in failed)


def _tidy(value: Any) -> Any:
    """Figures without trailing zeros (12500.0 → 12500); dates as ISO strings; terms as 'year-term'; lists as '1500,2'."""
    if isinstance(value, Decimal):
        return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Term):
        return f"{value.year}-{value.term}"
    if isinstance(value, tuple):
        # Plain digits: thousands separators would be read as more items of the comma-joined list.
        return ",".join(f"{_tidy(v):f}" if isinstance(v, Decimal) else str(v) for v in value)
    return value
