"""The answer of the answer contract (../shared/docs/answer-contract.md) as structured parts, its plain rendering, and
the context it is asked in.

The core fills the parts (the direct answer, details, figures, steps, checks, notes, per-school sections, citations,
follow-ups, hints); `text`, the contract's plain reply, is rendered from them (core.render). Front ends render the
same parts their own way and never parse `text`.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Literal

from lang.textnorm import to_simplified

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
    label: str = ""  # a readable label of the clause; a table row with the columns that apply (added)
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
    value: str = ""  # a number's exact value (Decimal as text); empty for dates, labels and checks
    unit: str = ""  # the figure's unit as the rule names it (TWD, hours, person)


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
    inputs: dict[str, str] = field(default_factory=dict)  # the figures a calculation used, by parameter (raw)
    related: tuple[str, ...] = ()  # related entry ids, for follow-up buttons
    intent: str = ""  # a calculation's intent: "forward", "inverse", "compare" or "check" (a follow-up keeps it)

    @cached_property
    def text(self) -> str:
        """The reply as a person reads it, plain text, rendered from the parts."""
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
        if self.inputs:
            out["inputs"] = dict(self.inputs)
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


# --- plain rendering ---------------------------------------------------------------------------------------
# An answer's parts as blocks of lines, and the contract's plain text built from them. Front ends may style the
# blocks (Telegram: the direct answer in bold, quotes in italics) or build their own layout from the parts (LINE
# Flex); every block is whole, so a long reply can be split between blocks or lines only.

BlockKind = Literal["direct", "details", "figures", "steps", "checks", "notes", "heading", "citation", "quote", "status", "also", "covered", "options", "hint"]

_WORDS = {
    "zh": {
        "steps": "計算步驟：",
        "source": "出處：",
        "status": "注意：",
        "also": "另見：",
        "note": "說明：",
        "reading": "採用的解讀：",
        "warning": "提醒：",
        "carried": "",
        "unstated": "",
        "covered": "目前涵蓋的文件：",
        "options": "您是不是想問：",
        "guideline": "（非硬性規定）",
        "pass": "✔ 符合",
        "fail": "✘ 不符合",
        "set_school": "可在問題中加上校名，或設定預設學校。",
        "sources": "可查看涵蓋的文件清單。",
        "step_by_step": "也可以一步步輸入數字來計算。",
        "examples": "",
    },
    "en": {
        "steps": "Steps:",
        "source": "Source: ",
        "status": "Note: ",
        "also": "Also: ",
        "note": "Note: ",
        "reading": "Reading taken: ",
        "warning": "Note: ",
        "carried": "",
        "unstated": "",
        "covered": "Covered documents:",
        "options": "Perhaps you meant:",
        "guideline": " (a guideline, not a hard rule)",
        "pass": "✔ complies",
        "fail": "✘ does not comply",
        "set_school": "Name a school in the question, or set a default school.",
        "sources": "You can list the documents covered.",
        "step_by_step": "You can also enter the figures step by step.",
        "examples": "",
    },
}


@dataclass(frozen=True)
class Block:
    """Lines that belong together; `kind` says what they are."""

    kind: BlockKind
    lines: tuple[str, ...]


@lru_cache(maxsize=4)
def words(lang: str) -> dict[str, str]:
    """The bot's own fixed words in a language ("zh", "zh-Hans" or "en")."""
    if lang == "zh-Hans":
        return {k: to_simplified(v) for k, v in _WORDS["zh"].items()}
    return _WORDS["en" if lang == "en" else "zh"]


def _lang(ans: Answer) -> str:
    return "zh-Hans" if ans.simplified and ans.lang != "en" else ans.lang


def source_lines(c: Citation, lang: str) -> tuple[str, ...]:
    """The citation as people read it: document, clause and date on one line, then the verbatim quote."""
    w = words(lang)
    head = c.label or c.clause
    if lang == "en":
        line = f"{w['source']}{c.short or c.title} ({c.title}), {head} ({c.date})" if c.short else f"{w['source']}{c.title}, {head} ({c.date})"
    else:
        line = f"{w['source']}{c.title}（{c.date}）{head}"
    return (line, f"「{c.excerpt or c.quote}」")


def _check_line(c: Check, lang: str) -> str:
    w = words(lang)
    verdict = w["pass"] if c.passed else w["fail"]
    return f"{verdict}{w['guideline'] if c.guideline else ''}：{c.label} — {c.detail}" if lang != "en" else f"{verdict}{w['guideline'] if c.guideline else ''}: {c.label} — {c.detail}"


def _note_line(n: Note, lang: str) -> str:
    return words(lang)[n.kind] + n.text


_OWN_NUMBER = re.compile(r"^\s*(?:\d{1,2}[.、](?!\d)|[（(]\d{1,2}[)）])\s*")  # a step that numbers itself ("1. …", "(1) …"): one list, not 「1. 1.」


def _body(direct: str, details: tuple[str, ...], steps: tuple[str, ...], checks: tuple[Check, ...], notes: tuple[Note, ...], lang: str) -> list[Block]:
    out: list[Block] = []
    carried = [n for n in notes if n.kind == "carried"]
    if carried:
        out.append(Block("notes", tuple(_note_line(n, lang) for n in carried)))
    if direct:
        out.append(Block("direct", (direct,)))
    if details:
        out.append(Block("details", details))
    if steps:
        out.append(Block("steps", (words(lang)["steps"], *(f"{i}. {_OWN_NUMBER.sub('', s, count=1)}" for i, s in enumerate(steps, start=1)))))
    if checks:
        out.append(Block("checks", tuple(_check_line(c, lang) for c in checks)))
    rest = [n for n in notes if n.kind != "carried"]
    if rest:
        out.append(Block("notes", tuple(_note_line(n, lang) for n in rest)))
    return out


def also_names(citations: tuple[Citation, ...], most: int = 3) -> list[str]:
    """How the clauses cited after the first are named in an "Also:" line (at most `most`), each once: by its label,
    or by the clause itself when another cited clause shares the label (the items of one table row)."""
    if not citations:
        return []
    rest = citations[1:1 + most]
    labels = [citations[0].label or citations[0].clause, *(c.label or c.clause for c in rest)]
    names = [c.clause if labels.count(label) > 1 and c.clause else label for c, label in zip(rest, labels[1:])]
    return list(dict.fromkeys(names))


def _citation_blocks(citations: tuple[Citation, ...], lang: str, also: bool = True) -> list[Block]:
    if not citations:
        return []
    first = citations[0]
    head, quote = source_lines(first, lang)
    out = [Block("citation", (head,)), Block("quote", (quote,))]
    if first.status:
        out.append(Block("status", (words(lang)["status"] + first.status,)))
    if also and len(citations) > 1:
        sep = ", " if lang == "en" else "、"
        out.append(Block("also", (words(lang)["also"] + sep.join(also_names(citations)),)))
    return out


def _section_blocks(s: Section, lang: str) -> list[Block]:
    out = [Block("heading", (f"【{s.heading}】",))]
    out += _body(s.direct, s.details, s.steps, s.checks, s.notes, lang)
    out += _citation_blocks(s.citations, lang, also=False)
    return out


def blocks(ans: Answer) -> list[Block]:
    """The answer's parts in reading order: the direct answer first, then details, steps, checks, notes, sources."""
    lang = _lang(ans)
    out = _body(ans.direct, ans.details, ans.steps, ans.checks, ans.notes, lang)
    if ans.sections:
        for s in ans.sections:
            out += _section_blocks(s, lang)
    else:
        out += _citation_blocks(ans.citations, lang)
    if ans.covered:
        out.append(Block("covered", (words(lang)["covered"], *ans.covered)))
    if ans.options and ans.kind == "unknown":
        out.append(Block("options", (words(lang)["options"], *(f"• {o.question or o.label}" for o in ans.options))))
    hints = tuple(words(lang)[h] for h in ans.hints if words(lang)[h])
    if hints:
        out.append(Block("hint", hints))
    return out


def plain(ans: Answer) -> str:
    """The contract's `text`: blocks separated by blank lines, except a quote that follows its source line."""
    parts: list[str] = []
    prev: BlockKind | None = None
    for b in blocks(ans):
        body = "\n".join(b.lines)
        if parts and not (b.kind in ("quote", "status", "also") and prev in ("citation", "quote", "status")) and not (prev == "heading"):
            parts.append("\n\n")
        elif parts:
            parts.append("\n")
        parts.append(body)
        prev = b.kind
    return "".join(parts).strip()
