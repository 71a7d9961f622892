"""The answer object of the answer contract (../shared/docs/answer-contract.md), and the context it is asked in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["answer", "calculation", "clarify", "unknown"]


@dataclass(frozen=True)
class Citation:
    """A clause the reply rests on."""

    document: str
    title: str
    clause: str
    path: tuple[str, ...]
    quote: str
    entry: str  # the entry id (an added field)
    date: str  # the document's citation date (an added field)

    def to_json(self) -> dict[str, Any]:
        """The contract's citation object."""
        return {
            "document": self.document,
            "title": self.title,
            "clause": self.clause,
            "path": list(self.path),
            "quote": self.quote,
            "entry": self.entry,
            "date": self.date,
        }


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
class Answer:
    """One answer to one question: exactly the contract's object, plus a few added fields."""

    question: str
    kind: Kind
    text: str
    citations: tuple[Citation, ...] = ()
    options: tuple[Option, ...] = ()
    result: dict[str, Any] = field(default_factory=dict)
    lang: str = "zh"
    score: float = 0.0
    matched: tuple[str, ...] = ()
    calculator: str | None = None
    needs: tuple[str, ...] = ()  # parameters a calculation still needs
    related: tuple[str, ...] = ()  # related entry ids, for follow-up buttons
    steps: tuple[str, ...] = ()

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
        }
        if self.calculator:
            out["calculator"] = self.calculator
        if self.needs:
            out["needs"] = list(self.needs)
        return out


@dataclass(frozen=True)
class AnswerContext:
    """Who is asking: a default school settles ambiguous questions; a language setting overrides detection."""

    default_school: str | None = None
    lang: str | None = None  # "zh" or "en"
    only_school: str | None = None  # answer from this document only (a per-school button)
