"""The knowledge base's schema: documents, entries, facts and the glossary, as frozen typed objects."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lang.numbers import NumberError, parse_chinese_integer
from rules.pickling import CompactPickle

_ID = r"^[a-z0-9][a-z0-9-]*$"
_SNAKE = r"^[a-z][a-z0-9_]*$"


class _Frozen(CompactPickle, BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True)


class DocDate(_Frozen):
    """One date a document carries, as written and in ROC and ISO form."""

    event: Literal["passed", "amended", "promulgated", "issued", "approved", "trip", "reported"]
    roc: str = Field(pattern=r"^\d{2,3}\.\d{2}(\.\d{2})?$")
    iso: str = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$")
    text: str = Field(min_length=1)


class LineRange(_Frozen):
    """Source lines that no entry needs to cover, and why."""

    lines: str = Field(pattern=r"^\d+(-\d+)?$")
    reason: Literal["blank", "title", "signature", "image", "form-blank", "date-line"]

    def span(self) -> range:
        first, _, last = self.lines.partition("-")
        return range(int(first), int(last or first) + 1)


class Document(_Frozen):
    """A source document."""

    id: str = Field(pattern=_ID)
    role: Literal["university", "ministry", "report"] = Field(description="who issues it: a university's rules, a ministry's call, or a report")
    name_zh: str = Field(min_length=1, description="the issuer's short name as people say it")
    name_en: str = Field(min_length=1, description="the same in English")
    title_zh: str
    title_en: str
    short_zh: str
    short_en: str
    issuer_zh: str
    issuer_en: str
    kind: str = Field(min_length=1, description="the kind of document as it calls itself")
    dates: tuple[DocDate, ...] = Field(min_length=1)
    citation_date: str = Field(description="the date shown in citations, ROC form as written")
    status_zh: str | None = None
    status_en: str | None = None
    source: str


class DocumentsFile(_Frozen):
    """knowledge/documents.yaml."""

    documents: tuple[Document, ...]


_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class Fact(_Frozen):
    """A number a clause states, by name: a plain number, or a fraction written "2/3" (三分之二) kept exact."""

    name: str = Field(pattern=_SNAKE)
    value: int | float | str = Field(description='a number (140000, 0.5) or a fraction "numerator/denominator" (三分之二 → "2/3")')
    unit: str = Field(min_length=1)
    text: str | None = Field(default=None, description="the figure as written in the quote")

    @field_validator("value")
    @classmethod
    def _number_or_fraction(cls, value: int | float | str) -> int | float | str:
        if isinstance(value, str):
            m = _FRACTION.match(value)
            if not m or int(m.group(2)) == 0:
                raise ValueError(f'{value!r} is neither a number nor a fraction such as "2/3"')
        return value

    def decimal(self) -> Decimal:
        """The value as a Decimal; a fraction is the quotient in the current decimal context (the evaluator binds facts
        under its 120-digit context, where a whole number times the quotient rounds back exactly: 3 × 2/3 = 2)."""
        if isinstance(self.value, str):
            m = _FRACTION.match(self.value)
            assert m is not None  # checked by the validator
            return Decimal(int(m.group(1))) / Decimal(int(m.group(2)))
        return Decimal(str(self.value))


class Entry(_Frozen):
    """One clause of a document with its answer, questions and facts."""

    id: str = Field(pattern=_ID)
    clause: str = Field(min_length=1)
    path: tuple[str, ...] = Field(min_length=1)
    title: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    heading: bool = False
    quote: str = Field(min_length=2)
    answer_zh: str = Field(min_length=2)
    answer_en: str = Field(min_length=2)
    questions_zh: tuple[str, ...] = Field(min_length=3)
    questions_en: tuple[str, ...] = Field(min_length=1)
    keywords: tuple[str, ...] = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    related: tuple[str, ...] = ()
    calculators: tuple[str, ...] = ()
    topic: str | None = Field(default=None, pattern=_ID)
    note_zh: str | None = None
    note_en: str | None = None
    topics: tuple[str, ...] = Field(default=(), description="further topics the clause rules on, besides `topic`")
    row_label: str | None = Field(default=None, description="a table row's label as the source writes it")
    cells: dict[str, str] = Field(default={}, description="a table row's cells by column header, each verbatim from the quote; empty cells left out")
    maint_note: str | None = Field(default=None, description="a note for maintainers (sources, conversion artefacts); never shown to users")
    condition: bool = Field(default=False, description="the clause states a condition a plan can be checked against (even without a figure)")
    no_rule: str | None = Field(default=None, description="maintainers' reason why no rule definition applies this clause's figures")

    @field_validator("questions_zh", "questions_en", "keywords", "aliases")
    @classmethod
    def _no_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not item.strip() for item in value):
            raise ValueError("blank item")
        return value


class EntryFile(_Frozen):
    """knowledge/entries/<document>.yaml."""

    document: str = Field(pattern=_ID)
    uncovered_ok: tuple[LineRange, ...] = ()
    entries: tuple[Entry, ...] = Field(min_length=1)


class Institution(_Frozen):
    """A university, college or body the knowledge base does not cover (or covers only as a report's subject)."""

    name_zh: str = Field(min_length=1, description="the official or usual name")
    name_en: str = ""
    aliases: tuple[str, ...] = Field(default=(), description="short names, English names, abbreviations (北科, NTUT)")
    kind: Literal["university", "college", "body", "platform"] = "university"
    region: Literal["taiwan", "mainland", "hongkong", "abroad"] = "taiwan"
    mentioned_by: tuple[str, ...] = Field(default=(), description="documents that talk about it (a report on a cooperation with it)")


class GazetteerFile(_Frozen):
    """knowledge/gazetteer.yaml: institutions the knowledge base does not cover, so that a question naming one is refused by name."""

    institutions: tuple[Institution, ...]


class ProcedureItem(_Frozen):
    """One step or document of a procedure, resting on a clause."""

    zh: str
    en: str
    entry: str


class Procedure(_Frozen):
    """An ordered checklist of one document: what to prepare, the steps, the deadlines, the committees."""

    id: str = Field(pattern=_ID)
    document: str = Field(pattern=_ID)
    title_zh: str
    title_en: str
    triggers: tuple[str, ...] = Field(default=(), description="words of a question that ask for this checklist (要準備, 步驟, 流程, 文件)")
    items: tuple[ProcedureItem, ...] = Field(min_length=1)


class Definition(_Frozen):
    """A term a document defines itself, with the clauses that define it."""

    term_zh: str
    term_en: str
    aliases: tuple[str, ...] = ()
    entries: tuple[str, ...] = Field(min_length=0, description="the defining clauses, one per document at most; empty when no document defines it")
    undefined_zh: str = ""
    undefined_en: str = ""


class ConversationFile(_Frozen):
    """knowledge/conversation.yaml: procedures and definitions the documents spell out."""

    procedures: tuple[Procedure, ...] = ()
    definitions: tuple[Definition, ...] = ()


class SmallTalk(_Frozen):
    """A kind of small talk: the phrases that are it, and replies in both languages."""

    id: str = Field(pattern=_ID)
    phrases: tuple[str, ...] = Field(min_length=1)
    reply_zh: str
    reply_en: str
    examples: bool = Field(default=True, description="add two or three example questions to the reply")


class SmallTalkFile(_Frozen):
    """knowledge/smalltalk.yaml."""

    kinds: tuple[SmallTalk, ...]
    examples_zh: tuple[str, ...] = Field(min_length=2)
    examples_en: tuple[str, ...] = Field(min_length=2)


class Glossary(_Frozen):
    """Synonyms and names the matcher uses."""

    schools: dict[str, tuple[str, ...]]
    mentions: dict[str, tuple[str, ...]] = {}
    uncovered_bodies: tuple[str, ...]
    out_of_scope: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, ...], ...]
    typos: dict[str, str] = {}
    stopwords: tuple[str, ...] = ()


# --- clause labels -------------------------------------------------------------------------------

_CN = "一二三四五六七八九十"
_FIN = "壹貳參肆伍陸柒捌玖拾"
_FIN_MAP = dict(zip(_FIN, "一二三四五六七八九十"))
_SEGMENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("num", re.compile(rf"第([{_CN}百]+)條")),
    ("fin", re.compile(rf"([{_FIN}]+)、")),
    ("num", re.compile(rf"([{_CN}]+)、")),
    ("num", re.compile(r"(\d+)、")),
    ("num", re.compile(rf"[（(]([{_CN}]+|\d+)[)）]")),
    ("num", re.compile(r"(\d+)\.")),
    ("name", re.compile(rf"(附表|表[{_CN}]|附件[{_CN}]|附錄\d+|預算表|摘要|封面|【說明】|說明|備註|表)")),
    ("row", re.compile(r"[^\s：]*：([^\s：]+)")),
)


def clause_to_path(clause: str) -> tuple[str, ...]:
    """Derive a clause's path from its label: `三、(一)1.` → ("3","1","1"); `附表：線上輔導鐘點費` → ("附表","線上輔導鐘點費")."""
    rest = clause.strip()
    out: list[str] = []
    while rest:
        rest = rest.lstrip()
        for kind, rx in _SEGMENTS:
            m = rx.match(rest)
            if not m:
                continue
            token = m.group(1)
            if kind == "fin":
                token = "".join(_FIN_MAP[c] for c in token)
                out.append(str(parse_chinese_integer(token)))
            elif kind == "num":
                try:
                    out.append(token if token.isdigit() else str(parse_chinese_integer(token)))
                except NumberError as exc:  # pragma: no cover - the pattern admits numerals only
                    raise ValueError(str(exc)) from exc
            elif kind == "name":
                out.append(token.strip("【】"))
            else:
                out.append(token)
            rest = rest[m.end():]
            break
        else:
            raise ValueError(f"cannot read the clause label at {rest!r}")
    if not out:
        raise ValueError("empty clause label")
    return tuple(out)
