"""The schema of rule definitions (knowledge/rules/<document>.yaml), as frozen typed objects.

A rule definition names the clause that sets it (`entry`), reads its figures from entries' verified facts by name
(`facts`), declares its inputs (type, unit, range, cue words that bind a figure of a question to it), computes with
a fixed vocabulary of operations (`steps`), checks a plan against conditions (`checks`), and carries bilingual texts
and test rows. See knowledge/AUTHORING.md, "Rules".

An expression (`Expr`) is a number, a name (an input, a fact's local name, or an earlier step's `let`), or a mapping
with one key, the operation, whose value is its argument list (or a mapping of named arguments for a few
operations). Strings that are not names are written `{str: text}`.
"""

from __future__ import annotations

from dataclasses import field
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from rules.base import INPUT_PLACES
from rules.pickling import CompactPickle, schema as _schema

if TYPE_CHECKING:  # the constraints are read by pydantic when validating (core/validation.py), never at run time
    from pydantic import Field

Expr = Any  # validated by rules.validate: number | name | {op: args}

_SNAKE = r"^[a-z][a-z0-9_]*$"
_ENTRY = r"^[a-z0-9][a-z0-9-]*$"
_FACT_REF = r"^[a-z0-9][a-z0-9-]*\.[a-z][a-z0-9_]*$"

InputType = Literal["number", "int", "choice", "bool", "date", "list", "text"]
NoteKind = Literal["reading", "warning", "note", "unstated"]


class _Frozen(CompactPickle):
    """A frozen schema model: a plain dataclass at run time; pydantic validates it from YAML (core/validation.py)."""


@_schema
class ChoiceSpec(_Frozen):
    """One allowed value of a choice input: its labels and the words that name it in a question."""

    zh: str
    en: str
    aliases: tuple[str, ...] = ()


@_schema
class InputSpec(_Frozen):
    """One input of a rule."""

    type: InputType
    unit: Annotated[str | None, Field(description="canonical unit for binding a question's figure: hour, week, month, TWD, person, course, ...")] = None
    label_zh: str
    label_en: str
    unit_zh: str = ""
    unit_en: str = ""
    min: Decimal | None = None
    max: Decimal | None = None
    places: int = INPUT_PLACES
    optional: bool = False
    default: Any = None
    help_zh: str = ""
    help_en: str = ""
    cues: Annotated[tuple[str, ...], Field(description="words near a figure that bind it to this input")] = ()
    avoid: Annotated[tuple[str, ...], Field(description="words near a figure that rule it out for this input; for a yes/no input, words that say no")] = ()
    choices: Annotated[str | dict[str, ChoiceSpec] | None, Field(description="a choice set's name (choice_sets) or the choices inline")] = None


@_schema
class StepSpec(_Frozen):
    """One computation: binds `let` to the value of an expression; its text is shown as a step when given."""

    let: Annotated[str, Field(pattern=_SNAKE)]
    value: Expr
    when: Expr = None
    show: Expr = None
    unit: str | None = None
    choices: Annotated[str | None, Field(description="a choice set (choice_sets) whose labels show this step's value, a choice's key")] = None
    cite: str | tuple[str, ...] | None = None
    zh: str | None = None
    en: str | None = None


@_schema
class CheckSpec(_Frozen):
    """A condition of the rule checked against the asker's plan; runs only when its inputs are given."""

    id: Annotated[str, Field(pattern=_SNAKE)]
    test: Expr
    when: Expr = None
    guideline: Annotated[bool, Field(description="為原則 / 為宜: guidance, not a hard rule")] = False
    cite: str | tuple[str, ...] | None = None
    label_zh: Annotated[str, Field(description="the condition in a few words; may fill {name} from facts and inputs")]
    label_en: str
    zh: Annotated[str, Field(description="what is required and what the plan has")]
    en: str


@_schema
class NoteSpec(_Frozen):
    """A note shown with the result: the reading taken, a warning, a figure the document does not state."""

    kind: NoteKind
    when: Expr = None
    cite: str | tuple[str, ...] | None = None
    zh: str
    en: str


@_schema
class ConstraintSpec(_Frozen):
    """A condition on the inputs themselves; when it fails the rule cannot run and names the input."""

    test: Expr
    param: str
    zh: str
    en: str
    allowed: str = ""


@_schema
class OutputSpec(_Frozen):
    """A figure of the result."""

    value: Expr
    unit: str | None = None
    label_zh: str = ""
    label_en: str = ""
    show: bool = True


@_schema
class AnswerSpec(_Frozen):
    """The one-sentence result; the first whose names are all known (and whose `when` holds) is used."""

    when: Expr = None
    zh: str
    en: str


@_schema
class TestRow(_Frozen):
    """Inputs and the figures they must give, or the input a CalcError must name."""

    given: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    note: str = ""


@_schema
class RuleSpec(_Frozen):
    """One rule definition."""

    id: Annotated[str, Field(pattern=_SNAKE)]
    entry: Annotated[str, Field(pattern=_ENTRY, description="the clause that sets the rule; cited first")]
    applies: Annotated[tuple[str, ...], Field(description="other clauses whose figures or conditions this rule applies")] = ()
    title_zh: str
    title_en: str
    description_zh: str = ""
    description_en: str = ""
    examples: tuple[str, ...] = ()
    facts: Annotated[dict[str, str], Field(description="local name → entry-id.fact_name")] = field(default_factory=dict)
    inputs: dict[str, InputSpec] = field(default_factory=dict)
    require: Annotated[tuple[tuple[str, ...], ...], Field(description="groups of inputs of which at least one must be given")] = ()
    require_zh: str = ""
    require_en: str = ""
    constraints: tuple[ConstraintSpec, ...] = ()
    steps: tuple[StepSpec, ...] = ()
    checks: tuple[CheckSpec, ...] = ()
    notes: tuple[NoteSpec, ...] = ()
    outputs: dict[str, OutputSpec] = field(default_factory=dict)
    answer: Annotated[tuple[AnswerSpec, ...], Field(min_length=1)]
    tests: Annotated[tuple[TestRow, ...], Field(min_length=1)]


@_schema
class RuleFile(_Frozen):
    """knowledge/rules/<document>.yaml."""

    document: Annotated[str, Field(pattern=_ENTRY)]
    choice_sets: dict[str, dict[str, ChoiceSpec]] = field(default_factory=dict)
    rules: Annotated[tuple[RuleSpec, ...], Field(min_length=1)]
