"""The knowledge base's schema: documents, entries, facts and the glossary, as frozen typed objects."""

from __future__ import annotations

import re
from dataclasses import field
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from lang.numbers import NumberError, parse_chinese_integer
from rules.pickling import CompactPickle, schema as _schema

if TYPE_CHECKING:  # the constraints are read by pydantic when validating (core/validation.py), never at run time
    from pydantic import AfterValidator, Field

_ID = r"^[a-z0-9][a-z0-9-]*$"
_SNAKE = r"^[a-z][a-z0-9_]*$"


class _Frozen(CompactPickle):
    """A frozen schema model: a plain dataclass at run time; pydantic validates it from YAML (core/validation.py)."""


@_schema
class DocDate(_Frozen):
    """One date a document carries, as written and in ROC and ISO form."""

    event: Literal["passed", "amended", "promulgated", "issued", "approved", "trip", "reported"]
    roc: Annotated[str, Field(pattern=r"^\d{2,3}\.\d{2}(\.\d{2})?$")]
    iso: Annotated[str, Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$")]
    text: Annotated[str, Field(min_length=1)]


@_schema
class LineRange(_Frozen):
    """Source lines that no entry needs to cover, and why."""

    lines: Annotated[str, Field(pattern=r"^\d+(-\d+)?$")]
    reason: Literal["blank", "title", "signature", "image", "form-blank", "date-line"]

    def span(self) -> range:
        first, _, last = self.lines.partition("-")
        return range(int(first), int(last or first) + 1)


@_schema
class Document(_Frozen):
    """A source document."""

    id: Annotated[str, Field(pattern=_ID)]
    role: Annotated[Literal["university", "ministry", "report"], Field(description="who issues it: a university's rules, a ministry's call, or a report")]
    name_zh: Annotated[str, Field(min_length=1, description="the issuer's short name as people say it")]
    name_en: Annotated[str, Field(min_length=1, description="the same in English")]
    title_zh: str
    title_en: str
    short_zh: str
    short_en: str
    issuer_zh: str
    issuer_en: str
    kind: Annotated[str, Field(min_length=1, description="the kind of document as it calls itself")]
    dates: Annotated[tuple[DocDate, ...], Field(min_length=1)]
    citation_date: Annotated[str, Field(description="the date shown in citations, ROC form as written")]
    status_zh: str | None = None
    status_en: str | None = None
    source: str
    overview: Annotated[str | None, Field(description="the id of the entry that says what the whole document is about (its purpose or summary), for 「這份要點在講什麼」")] = None


@_schema
class DocumentsFile(_Frozen):
    """knowledge/documents.yaml."""

    documents: tuple[Document, ...]


_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def _number_or_fraction(value: int | float | str) -> int | float | str:
    if isinstance(value, str):
        m = _FRACTION.match(value)
        if not m or int(m.group(2)) == 0:
            raise ValueError(f'{value!r} is neither a number nor a fraction such as "2/3"')
    return value


def _no_blank(value: tuple[str, ...]) -> tuple[str, ...]:
    if any(not item.strip() for item in value):
        raise ValueError("blank item")
    return value


@_schema
class Fact(_Frozen):
    """A number a clause states, by name: a plain number, or a fraction written "2/3" (三分之二) kept exact."""

    name: Annotated[str, Field(pattern=_SNAKE)]
    value: Annotated[int | float | str, Field(description='a number (140000, 0.5) or a fraction "numerator/denominator" (三分之二 → "2/3")'),
                     AfterValidator(_number_or_fraction)]
    unit: Annotated[str, Field(min_length=1)]
    text: Annotated[str | None, Field(description="the figure as written in the quote")] = None

    def decimal(self) -> Decimal:
        """The value as a Decimal; a fraction is the quotient in the current decimal context (the evaluator binds facts
        under its 120-digit context, where a whole number times the quotient rounds back exactly: 3 × 2/3 = 2)."""
        if isinstance(self.value, str):
            m = _FRACTION.match(self.value)
            assert m is not None  # checked by the validator
            return Decimal(int(m.group(1))) / Decimal(int(m.group(2)))
        return Decimal(str(self.value))


@_schema
class Entry(_Frozen):
    """One clause of a document with its answer, questions and facts."""

    id: Annotated[str, Field(pattern=_ID)]
    clause: Annotated[str, Field(min_length=1)]
    path: Annotated[tuple[str, ...], Field(min_length=1)]
    title: Annotated[str, Field(min_length=1)]
    title_en: Annotated[str, Field(min_length=1)]
    heading: bool = False
    quote: Annotated[str, Field(min_length=2)]
    answer_zh: Annotated[str, Field(min_length=2)]
    answer_en: Annotated[str, Field(min_length=2)]
    questions_zh: Annotated[tuple[str, ...], Field(min_length=3), AfterValidator(_no_blank)]
    questions_en: Annotated[tuple[str, ...], Field(min_length=1), AfterValidator(_no_blank)]
    keywords: Annotated[tuple[str, ...], Field(min_length=1), AfterValidator(_no_blank)]
    aliases: Annotated[tuple[str, ...], AfterValidator(_no_blank)] = ()
    facts: tuple[Fact, ...] = ()
    related: tuple[str, ...] = ()
    calculators: tuple[str, ...] = ()
    topic: Annotated[str | None, Field(pattern=_ID)] = None
    note_zh: str | None = None
    note_en: str | None = None
    topics: Annotated[tuple[str, ...], Field(description="further topics the clause rules on, besides `topic`")] = ()
    row_label: Annotated[str | None, Field(description="a table row's label as the source writes it")] = None
    cells: Annotated[dict[str, str], Field(description="a table row's cells by column header, each verbatim from the quote; empty cells left out")] = field(default_factory=dict)
    maint_note: Annotated[str | None, Field(description="a note for maintainers (sources, conversion artefacts); never shown to users")] = None
    condition: Annotated[bool, Field(description="the clause states a condition a plan can be checked against (even without a figure)")] = False
    no_rule: Annotated[str | None, Field(description="maintainers' reason why no rule definition applies this clause's figures")] = None


@_schema
class EntryFile(_Frozen):
    """knowledge/entries/<document>.yaml."""

    document: Annotated[str, Field(pattern=_ID)]
    uncovered_ok: tuple[LineRange, ...] = ()
    entries: Annotated[tuple[Entry, ...], Field(min_length=1)]


@_schema
class Institution(_Frozen):
    """A university, college or body the knowledge base does not cover (or covers only as a report's subject)."""

    name_zh: Annotated[str, Field(min_length=1, description="the official or usual name")]
    name_en: str = ""
    aliases: Annotated[tuple[str, ...], Field(description="short names, English names, abbreviations (北科, NTUT)")] = ()
    kind: Literal["university", "college", "body", "platform"] = "university"
    region: Literal["taiwan", "mainland", "hongkong", "abroad"] = "taiwan"
    mentioned_by: Annotated[tuple[str, ...], Field(description="documents that talk about it (a report on a cooperation with it)")] = ()


@_schema
class GazetteerFile(_Frozen):
    """knowledge/gazetteer.yaml: institutions the knowledge base does not cover, so that a question naming one is refused by name."""

    institutions: tuple[Institution, ...]


@_schema
class ProcedureItem(_Frozen):
    """One step or document of a procedure, resting on a clause."""

    zh: str
    en: str
    entry: str


@_schema
class Procedure(_Frozen):
    """An ordered checklist of one document: what to prepare, the steps, the deadlines, the committees."""

    id: Annotated[str, Field(pattern=_ID)]
    document: Annotated[str, Field(pattern=_ID)]
    title_zh: str
    title_en: str
    triggers: Annotated[tuple[str, ...], Field(description="words of a question that ask for this checklist (要準備, 步驟, 流程, 文件)")] = ()
    items: Annotated[tuple[ProcedureItem, ...], Field(min_length=1)]


@_schema
class Definition(_Frozen):
    """A term a document defines itself, with the clauses that define it."""

    term_zh: str
    term_en: str
    aliases: tuple[str, ...] = ()
    entries: Annotated[tuple[str, ...], Field(min_length=0, description="the defining clauses, one per document at most; empty when no document defines it")]
    undefined_zh: str = ""
    undefined_en: str = ""


@_schema
class ConversationFile(_Frozen):
    """knowledge/conversation.yaml: procedures and definitions the documents spell out."""

    procedures: tuple[Procedure, ...] = ()
    definitions: tuple[Definition, ...] = ()


@_schema
class SmallTalk(_Frozen):
    """A kind of small talk: the phrases that are it, and replies in both languages."""

    id: Annotated[str, Field(pattern=_ID)]
    phrases: Annotated[tuple[str, ...], Field(min_length=1)]
    reply_zh: str
    reply_en: str
    examples: Annotated[bool, Field(description="add two or three example questions to the reply")] = True


@_schema
class SmallTalkFile(_Frozen):
    """knowledge/smalltalk.yaml."""

    kinds: tuple[SmallTalk, ...]
    examples_zh: Annotated[tuple[str, ...], Field(min_length=2)]
    examples_en: Annotated[tuple[str, ...], Field(min_length=2)]


@_schema
class Glossary(_Frozen):
    """Synonyms and names the matcher uses."""

    schools: dict[str, tuple[str, ...]]
    mentions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    uncovered_bodies: tuple[str, ...]
    out_of_scope: tuple[str, ...] = ()
    synonyms: tuple[tuple[str, ...], ...]
    typos: dict[str, str] = field(default_factory=dict)
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
