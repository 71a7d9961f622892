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

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rules.base import INPUT_PLACES
from rules.pickling import CompactPickle

Expr = Any  # validated by rules.validate: number | name | {op: args}

_SNAKE = r"^[a-z][a-z0-9_]*$"
_ENTRY = r"^[a-z0-9][a-z0-9-]*$"
_FACT_REF = r"^[a-z0-9][a-z0-9-]*\.[a-z][a-z0-9_]*$"

InputType = Literal["number", "int", "choice", "bool", "date", "list", "text"]
NoteKind = Literal["reading", "warning", "note", "unstated"]


class _Frozen(CompactPickle, BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True)


class ChoiceSpec(_Frozen):
    """One allowed value of a choice input: its labels and the words that name it in a question."""

    zh: str
    en: str
    aliases: tuple[str, ...] = ()


class InputSpec(_Frozen):
    """One input of a rule."""

    type: InputType
    unit: str | None = Field(default=None, description="canonical unit for binding a question's figure: hour, week, month, TWD, person, course, ...")
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
    cues: tuple[str, ...] = Field(default=(), description="words near a figure that bind it to this input")
    avoid: tuple[str, ...] = Field(default=(), description="words near a figure that rule it out for this input; for a yes/no input, words that say no")
    choices: str | dict[str, ChoiceSpec] | None = Field(default=None, description="a choice set's name (choice_sets) or the choices inline")


class StepSpec(_Frozen):
    """One computation: binds `let` to the value of an expression; its text is shown as a step when given."""

    let: str = Field(pattern=_SNAKE)
    value: Expr
    when: Expr = None
    show: Expr = None
    unit: str | None = None
    choices: str | None = Field(default=None, description="a choice set (choice_sets) whose labels show this step's value, a choice's key")
    cite: str | tuple[str, ...] | None = None
    zh: str | None = None
    en: str | None = None


class CheckSpec(_Frozen):
    """A condition of the rule checked against the asker's plan; runs only when its inputs are given."""

    id: str = Field(pattern=_SNAKE)
    test: Expr
    when: Expr = None
    guideline: bool = Field(default=False, description="為原則 / 為宜: guidance, not a hard rule")
    cite: str | tuple[str, ...] | None = None
    label_zh: str = Field(description="the condition in a few words; may fill {name} from facts and inputs")
    label_en: str
    zh: str = Field(description="what is required and what the plan has")
    en: str


class NoteSpec(_Frozen):
    """A note shown with the result: the reading taken, a warning, a figure the document does not state."""

    kind: NoteKind
    when: Expr = None
    cite: str | tuple[str, ...] | None = None
    zh: str
    en: str


class ConstraintSpec(_Frozen):
    """A condition on the inputs themselves; when it fails the rule cannot run and names the input."""

    test: Expr
    param: str
    zh: str
    en: str
    allowed: str = ""


class OutputSpec(_Frozen):
    """A figure of the result."""

    value: Expr
    unit: str | None = None
    label_zh: str = ""
    label_en: str = ""
    show: bool = True


class AnswerSpec(_Frozen):
    """The one-sentence result; the first whose names are all known (and whose `when` holds) is used."""

    when: Expr = None
    zh: str
    en: str


class TestRow(_Frozen):
    """Inputs and the figures they must give, or the input a CalcError must name."""

    given: dict[str, Any] = {}
    expect: dict[str, Any] = {}
    error: str | None = None
    note: str = ""


class RuleSpec(_Frozen):
    """One rule definition."""

    id: str = Field(pattern=_SNAKE)
    entry: str = Field(pattern=_ENTRY, description="the clause that sets the rule; cited first")
    applies: tuple[str, ...] = Field(default=(), description="other clauses whose figures or conditions this rule applies")
    title_zh: str
    title_en: str
    description_zh: str = ""
    description_en: str = ""
    examples: tuple[str, ...] = ()
    facts: dict[str, str] = Field(default={}, description="local name → entry-id.fact_name")
    inputs: dict[str, InputSpec] = {}
    require: tuple[tuple[str, ...], ...] = Field(default=(), description="groups of inputs of which at least one must be given")
    require_zh: str = ""
    require_en: str = ""
    constraints: tuple[ConstraintSpec, ...] = ()
    steps: tuple[StepSpec, ...] = ()
    checks: tuple[CheckSpec, ...] = ()
    notes: tuple[NoteSpec, ...] = ()
    outputs: dict[str, OutputSpec] = {}
    answer: tuple[AnswerSpec, ...] = Field(min_length=1)
    tests: tuple[TestRow, ...] = Field(min_length=1)


class RuleFile(_Frozen):
    """knowledge/rules/<document>.yaml."""

    document: str = Field(pattern=_ENTRY)
    choice_sets: dict[str, dict[str, ChoiceSpec]] = {}
    rules: tuple[RuleSpec, ...] = Field(min_length=1)
