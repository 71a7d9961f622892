"""Static checks of rule definitions, each problem with the location of the offending node.

Run by `check` (core.kb) with the knowledge base's facts and entry ids; locations are tuples into the loaded YAML
(("rules", 3, "steps", 2, "value")) that the loader turns into line numbers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from rules.base import CalcError
from rules.evaluate import Rule, template_names
from rules.ops import ARITY, LAZY, OPS
from rules.spec import ChoiceSpec, RuleSpec

Loc = tuple[Any, ...]
# Numbers a definition may write itself: everything else is a figure of a rule and must come from a fact.
PLAIN_NUMBERS = frozenset({Decimal(0), Decimal(1), Decimal(100)})
SPECIAL = frozenset({
    "all_checks_pass", "checks_run", "checks_failed", "checks_run_zh", "checks_run_en", "checks_failed_zh", "checks_failed_en", "verdict_zh", "verdict_en",
})


class _Scope:
    def __init__(self, spec: RuleSpec):
        self.inputs = set(spec.inputs)
        self.facts = set(spec.facts)
        self.lets: set[str] = set()
        self.checks: set[str] = set()

    def known(self, name: str, after_checks: bool = False) -> bool:
        return name in self.inputs or name in self.facts or name in self.lets or (after_checks and (name in self.checks or name in SPECIAL))


def _walk(expr: Any, loc: Loc, scope: _Scope, choices: Mapping[str, Mapping[str, ChoiceSpec]], after_checks: bool) -> Iterator[tuple[Loc, str]]:
    if isinstance(expr, bool):
        return
    if isinstance(expr, (int, float, Decimal)):
        if Decimal(str(expr)) not in PLAIN_NUMBERS:
            yield loc, f"the figure {expr} is written in the rule: read it from an entry's fact (facts:), or write {{const: [{expr}, why]}} for a unit conversion"
        return
    if isinstance(expr, str):
        if not scope.known(expr, after_checks):
            yield loc, f"unknown name {expr!r} (not an input, a fact or an earlier step)"
        return
    if not isinstance(expr, dict) or len(expr) != 1:
        yield loc, f"not an expression: {expr!r} (a number, a name, or {{operation: [arguments]}})"
        return
    op, args = next(iter(expr.items()))
    here = loc + (op,)
    if op not in OPS and op not in LAZY:
        yield here, f"unknown operation {op!r}"
        return
    if op == "str":
        if not isinstance(args, str):
            yield here, "str takes a text"
        return
    if op == "const":
        if not (isinstance(args, list) and len(args) == 2 and isinstance(args[1], str) and args[1].strip()):
            yield here, "const takes [number, why]"
        return
    if op in ("given", "missing"):
        if not (isinstance(args, str) and scope.known(args, after_checks)):
            yield here, f"{op} takes the name of an input or step, got {args!r}"
        return
    if op in ("all_given", "any_given"):
        for a in args if isinstance(args, list) else [args]:
            if not (isinstance(a, str) and scope.known(a, after_checks)):
                yield here, f"{op}: unknown name {a!r}"
        return
    if op == "table":
        if not (isinstance(args, dict) and set(args) == {"by", "rows"} and isinstance(args["rows"], dict)):
            yield here, "table takes {by: choice input, rows: {choice: expression}}"
            return
        by = args["by"]
        wanted = set(choices.get(by, {})) if isinstance(by, str) else set()
        if not wanted:
            yield here + ("by",), f"table: {by!r} is not a choice input"
        for missing in sorted(wanted - set(args["rows"])):
            yield here + ("rows",), f"table: no row for the choice {missing!r} of {by}"
        for extra in sorted(set(args["rows"]) - wanted):
            yield here + ("rows", extra), f"table: {extra!r} is not a choice of {by}"
        for k, v in args["rows"].items():
            yield from _walk(v, here + ("rows", k), scope, choices, after_checks)
        return
    if op == "tiers":
        if not (isinstance(args, dict) and "value" in args and isinstance(args.get("at"), list) and set(args) <= {"value", "at", "below", "op"}):
            yield here, "tiers takes {value, at: [[threshold, result], ...], below, op: ge|gt}"
            return
        yield from _walk(args["value"], here + ("value",), scope, choices, after_checks)
        for i, pair in enumerate(args["at"]):
            if not (isinstance(pair, list) and len(pair) == 2):
                yield here + ("at", i), "each tier is [threshold, result]"
                continue
            yield from _walk(pair[0], here + ("at", i), scope, choices, after_checks)
            yield from _walk(pair[1], here + ("at", i), scope, choices, after_checks)
        if "below" in args:
            yield from _walk(args["below"], here + ("below",), scope, choices, after_checks)
        if args.get("op", "ge") not in ("ge", "gt"):
            yield here + ("op",), "tiers op is ge (達) or gt (超過)"
        return
    items = args if isinstance(args, list) else [args]
    if op in ARITY:
        low, high = ARITY[op]
        if len(items) < low or (high is not None and len(items) > high):
            yield here, f"{op} takes {low}{'' if high == low else '–' + (str(high) if high is not None else '…')} argument(s), got {len(items)}"
    if op == "if" and len(items) != 3:
        yield here, "if takes [condition, then, else]"
    for i, a in enumerate(items):
        yield from _walk(a, here + (i,), scope, choices, after_checks)


def _templates(text: str | None, loc: Loc, scope: _Scope, after_checks: bool) -> Iterator[tuple[Loc, str]]:
    for name in template_names(text or ""):
        if not scope.known(name, after_checks):
            yield loc, f"the text refers to unknown name {name!r}"


def _cites(cite: str | tuple[str, ...] | None, loc: Loc, entries: set[str]) -> Iterator[tuple[Loc, str]]:
    for c in (cite,) if isinstance(cite, str) else (cite or ()):
        if c not in entries:
            yield loc, f"cites unknown entry {c}"


def check_spec(spec: RuleSpec, loc: Loc, facts: Mapping[str, Mapping[str, tuple[Decimal, str]]], entries: set[str], choice_sets: Mapping[str, Mapping[str, ChoiceSpec]]) -> list[tuple[Loc, str]]:
    """Every problem of one definition (before it is bound to its facts)."""
    out: list[tuple[Loc, str]] = []
    if spec.entry not in entries:
        out.append((loc + ("entry",), f"{spec.id}: unknown entry {spec.entry}"))
    for i, a in enumerate(spec.applies):
        if a not in entries:
            out.append((loc + ("applies", i), f"{spec.id}: unknown entry {a}"))
    for local, ref in spec.facts.items():
        entry, _, fact = ref.partition(".")
        if entry not in facts:
            out.append((loc + ("facts", local), f"{spec.id}: {ref}: unknown entry {entry}"))
        elif fact not in facts[entry]:
            out.append((loc + ("facts", local), f"{spec.id}: {ref}: entry {entry} has no fact {fact}"))
        if local in spec.inputs:
            out.append((loc + ("facts", local), f"{spec.id}: {local} is both a fact and an input"))
    choices: dict[str, Mapping[str, ChoiceSpec]] = {}
    for name, inp in spec.inputs.items():
        if inp.type == "choice":
            if isinstance(inp.choices, str):
                if inp.choices not in choice_sets:
                    out.append((loc + ("inputs", name, "choices"), f"{spec.id}: unknown choice set {inp.choices}"))
                choices[name] = choice_sets.get(inp.choices, {})
            elif inp.choices:
                choices[name] = inp.choices
            else:
                out.append((loc + ("inputs", name), f"{spec.id}: choice input {name} has no choices"))
        if inp.min is not None and inp.max is not None and inp.min > inp.max:
            out.append((loc + ("inputs", name), f"{spec.id}: {name}: min above max"))
    for j, group in enumerate(spec.require):
        for n in group:
            if n not in spec.inputs:
                out.append((loc + ("require", j), f"{spec.id}: require names unknown input {n}"))
    scope = _Scope(spec)
    for j, con in enumerate(spec.constraints):
        where = loc + ("constraints", j)
        out += [(p, f"{spec.id}: {m}") for p, m in _walk(con.test, where + ("test",), scope, choices, False)]
        if con.param not in spec.inputs:
            out.append((where, f"{spec.id}: constraint names unknown input {con.param}"))
    for j, step in enumerate(spec.steps):
        where = loc + ("steps", j)
        for field, expr in (("value", step.value), ("when", step.when)):
            if expr is not None:
                out += [(p, f"{spec.id}: {m}") for p, m in _walk(expr, where + (field,), scope, choices, False)]
        if step.let in spec.inputs or step.let in spec.facts:
            out.append((where + ("let",), f"{spec.id}: step {step.let} hides an input or fact of that name"))
        if step.choices is not None and step.choices not in choice_sets:
            out.append((where + ("choices",), f"{spec.id}: unknown choice set {step.choices}"))
        scope.lets.add(step.let)
        if step.show is not None:
            out += [(p, f"{spec.id}: {m}") for p, m in _walk(step.show, where + ("show",), scope, choices, False)]
        for field, text in (("zh", step.zh), ("en", step.en)):
            out += [(p, f"{spec.id}: {m}") for p, m in _templates(text, where + (field,), scope, False)]
        if (step.zh is None) != (step.en is None):
            out.append((where, f"{spec.id}: a step's text needs both zh and en"))
        out += [(p, f"{spec.id}: {m}") for p, m in _cites(step.cite, where + ("cite",), entries)]
    for j, c in enumerate(spec.checks):
        where = loc + ("checks", j)
        for field, expr in (("test", c.test), ("when", c.when)):
            if expr is not None:
                out += [(p, f"{spec.id}: {m}") for p, m in _walk(expr, where + (field,), scope, choices, False)]
        for field, text in (("zh", c.zh), ("en", c.en), ("label_zh", c.label_zh), ("label_en", c.label_en)):
            out += [(p, f"{spec.id}: {m}") for p, m in _templates(text, where + (field,), scope, False)]
        out += [(p, f"{spec.id}: {m}") for p, m in _cites(c.cite, where + ("cite",), entries)]
        scope.checks.add(c.id)
    for j, note in enumerate(spec.notes):
        where = loc + ("notes", j)
        if note.when is not None:
            out += [(p, f"{spec.id}: {m}") for p, m in _walk(note.when, where + ("when",), scope, choices, True)]
        for field, text in (("zh", note.zh), ("en", note.en)):
            out += [(p, f"{spec.id}: {m}") for p, m in _templates(text, where + (field,), scope, True)]
        out += [(p, f"{spec.id}: {m}") for p, m in _cites(note.cite, where + ("cite",), entries)]
    for name, o in spec.outputs.items():
        out += [(p, f"{spec.id}: {m}") for p, m in _walk(o.value, loc + ("outputs", name, "value"), scope, choices, True)]
    for j, ans in enumerate(spec.answer):
        where = loc + ("answer", j)
        if ans.when is not None:
            out += [(p, f"{spec.id}: {m}") for p, m in _walk(ans.when, where + ("when",), scope, choices, True)]
        for field, text in (("zh", ans.zh), ("en", ans.en)):
            out += [(p, f"{spec.id}: {m}") for p, m in _templates(text, where + (field,), scope, True)]
    return out


def run_tests(rule: Rule, loc: Loc) -> list[tuple[Loc, str]]:
    """Run a bound rule's test rows; each row that fails is a problem."""
    out: list[tuple[Loc, str]] = []
    for j, row in enumerate(rule.spec.tests):
        where = loc + ("tests", j)
        try:
            res = rule.run(row.given)
        except CalcError as err:
            if row.error is None:
                out.append((where, f"{rule.name}: test row failed with an error on {err.param}: {err}"))
            elif row.error != err.param:
                out.append((where, f"{rule.name}: test row expected an error on {row.error}, got one on {err.param}"))
            continue
        except Exception as exc:  # noqa: BLE001 - a definition that crashes is reported, not raised
            out.append((where, f"{rule.name}: test row crashed: {type(exc).__name__}: {exc}"))
            continue
        if row.error is not None:
            out.append((where, f"{rule.name}: test row expected an error on {row.error}, got a result"))
            continue
        for name, want in row.expect.items():
            if name not in res.figures:
                out.append((where + ("expect", name), f"{rule.name}: test row: no figure {name}"))
                continue
            got = res.figures[name]
            if not _same(got, want):
                out.append((where + ("expect", name), f"{rule.name}: test row: {name} is {got}, expected {want}"))
    return out


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    if isinstance(want, (int, float, Decimal)) and isinstance(got, (int, Decimal)):
        return Decimal(str(want)) == Decimal(got)
    return str(got) == str(want)
