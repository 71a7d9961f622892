"""The answer of the answer contract (../shared/docs/answer-contract.md) as structured parts, and the context it is asked in.

The core fills the parts (the direct answer, details, figures, steps, checks, notes, per-school sections, citations,
follow-ups, hints); `text`, the contract's plain reply, is rendered from them (core.render). Front ends render the
same parts their own way and never parse `text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

Kind = Literal["answer", "calculation", "clarify", "unknown", "chat"]
NoteKind = Literal["note", "reading", "warning", "carried", "unstated"]
Hint = Literal["set_school", "sources", "step_by_step", "examples"]


@dataclass(frozen=True)
class Citation:
    """A clause the reply rests on."""

    document: str
    title: str
    clause: str
    path: tuple[str, ...]
    quote: str  # the clause verbatim (whitespace folded), in the source's own characters
    entry: str  # the entry id (an added field)
    date: str  # the document's citation date (an added field)
    short: str = ""  # the document's short name, in the answer's language (added)
    label: str = ""  # a readable label of the clause: 「三、學分授予與修習證明」, 「附表 線上輔導鐘點費 · 教育部磨課師標竿課程」 (added)
    excerpt: str = ""  # the part of the quote that applies (table cells), verbatim; empty when the whole quote applies (added)
    status: str = ""  # the document's status note (an ended programme, a report), in the answer's language (added)

    def to_json(self) -> dict[str, Any]:
        """The contract's citation object."""
        out: dict[str, Any] = {
            "document": self.document,
            "title": self.title,
            "clause": self.clause,
            "path": list(self.path),
            "quote": self.quote,
            "entry": self.entry,
            "date": self.date,
        }
        if self.short:
            out["short"] = self.short
        if self.label:
            out["label"] = self.label
        if self.excerpt:
            out["excerpt"] = self.excerpt
        if self.status:
            out["status"] = self.status
        return out


@dataclass(frozen=True)
class Option:
    """A choice offered by `clarify`, or a suggestion offered by `unknown`."""

    label: str
    document: str
    entry: str | None = None
    question: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The contract's option object."""
        out: dict[str, Any] = {"label": self.label, "document": self.document}
        if self.entry:
            out["entry"] = self.entry
        if self.question:
            out["question"] = self.question
        return out


@dataclass(frozen=True)
class Figure:
    """One computed figure, ready to show: `display` is formatted (NT$ with separators, ROC and ISO dates)."""

    name: str
    label: str
    display: str


@dataclass(frozen=True)
class Check:
    """One condition of a rule checked against the asker's plan."""

    label: str
    passed: bool
    detail: str  # what is required and what the plan has
    guideline: bool = False  # 為原則 / 為宜: guidance, not a hard rule
    entry: str | None = None


@dataclass(frozen=True)
class Note:
    """A note beside the answer: a clarification, the reading taken, a warning, what was carried over, a figure not stated."""

    kind: NoteKind
    text: str


@dataclass(frozen=True)
class Followup:
    """A suggested next question (a button in chat)."""

    label: str
    question: str
    entry: str | None = None


@dataclass(frozen=True)
class Section:
    """One school's part of an answer that spans several documents."""

    document: str
    heading: str  # the document's short name
    direct: str
    details: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    steps: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    notes: tuple[Note, ...] = ()
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Answer:
    """One answer to one question: the contract's object as parts, plus a few added fields."""

    question: str
    kind: Kind
    direct: str = ""  # one or two sentences that answer the question itself
    details: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    steps: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    notes: tuple[Note, ...] = ()
    sections: tuple[Section, ...] = ()
    citations: tuple[Citation, ...] = ()
    options: tuple[Option, ...] = ()
    followups: tuple[Followup, ...] = ()
    hints: tuple[Hint, ...] = ()
    covered: tuple[str, ...] = ()  # for `unknown`: the documents the knowledge base covers, one a line
    result: dict[str, Any] = field(default_factory=dict)
    lang: str = "zh"
    simplified: bool = False  # the bot's own words are in Simplified characters (quotes stay as the source writes them)
    score: float = 0.0
    matched: tuple[str, ...] = ()
    calculator: str | None = None
    needs: tuple[str, ...] = ()  # parameters a calculation still needs
    related: tuple[str, ...] = ()  # related entry ids, for follow-up buttons

    @cached_property
    def text(self) -> str:
        """The reply as a person reads it, plain text, rendered from the parts."""
        from core.render import plain

        return plain(self)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of `python bot.py ask --json`."""
        out: dict[str, Any] = {
            "question": self.question,
            "kind": self.kind,
            "text": self.text,
            "citations": [c.to_json() for c in self.citations],
            "options": [o.to_json() for o in self.options],
            "result": self.result,
            "lang": self.lang,
            "score": round(self.score, 4),
            "matched": list(self.matched),
            "direct": self.direct,
        }
        if self.calculator:
            out["calculator"] = self.calculator
        if self.needs:
            out["needs"] = list(self.needs)
        if self.steps:
            out["steps"] = list(self.steps)
        if self.checks:
            out["checks"] = [{"label": c.label, "passed": c.passed, "detail": c.detail, "guideline": c.guideline} for c in self.checks]
        if self.notes:
            out["notes"] = [{"kind": n.kind, "text": n.text} for n in self.notes]
        return out


@dataclass(frozen=True)
class AnswerContext:
    """Who is asking: a default school settles ambiguous questions; a language setting overrides detection."""

    default_school: str | None = None
    lang: str | None = None  # "zh" or "en"
    only_school: str | None = None  # answer from this document only (a per-school button)
