"""An answer's parts as blocks of lines, and the plain text of the contract built from them.

Front ends may style the blocks (Telegram: the direct answer in bold, quotes in italics) or build their own layout
from the parts (LINE Flex); every block is whole, so a long reply can be split between blocks or lines only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from core.model import Answer, Check, Citation, Note, Section
from lang.textnorm import to_simplified

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
        "guideline": "（為原則）",
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
        "guideline": " (as a rule)",
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
        out.append(Block("also", (words(lang)["also"] + sep.join(c.label or c.clause for c in citations[1:4]),)))
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
