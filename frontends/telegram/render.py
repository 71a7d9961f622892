"""Answers as Telegram HTML: rendered from the answer's blocks (the direct answer first, in bold), split into messages
only between blocks or lines (an over-long line at a sentence or word boundary), with keyboards of short, whole labels."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.model import Answer
from core.render import Block, blocks
from frontends.telegram.texts import esc, lang_key, t, tp
from lang.textnorm import to_simplified

MAX_MESSAGE = 4096
EXPANDABLE_QUOTE = 300  # quotes longer than this fold (Telegram's expandable blockquote)
LABEL_MAX = 40  # characters of a button label
QUESTION_LABEL = 56  # characters of a question's button (a related question, an example)
ROW_LABELS = 24  # school buttons share a row while their labels together stay this short

_SENTENCE = "。！？!?；;"
_CLAUSE = "，、,：:）)」』"
_WORD = re.compile(r"[0-9A-Za-z]")


class Sign(Protocol):
    """Signs a button for the user and chat the keyboard goes to (see ButtonSigner)."""

    def __call__(self, kind: str, *args: str | int) -> str: ...


def utf16(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# --- one line of HTML, and lines too long for a message ------------------------------------------------------------


def _wrapper(kind: str, line: str) -> Callable[[str], str]:
    if kind in ("direct", "heading"):
        return lambda s: f"<b>{esc(s)}</b>"
    if kind == "quote":
        tag = "blockquote expandable" if len(line) > EXPANDABLE_QUOTE else "blockquote"
        return lambda s: f"<{tag}>{esc(s)}</blockquote>"
    if kind == "status":
        return lambda s: f"<i>{esc(s)}</i>"
    return esc


def _cut(text: str, fits: Callable[[str], bool]) -> int:
    """Where to cut `text` so that the head fits: at a sentence end, else a clause mark or space, never inside a
    number or a word."""
    lo, hi = 1, len(text)
    while lo < hi:  # the longest head that fits
        mid = (lo + hi + 1) // 2
        if fits(text[:mid]):
            lo = mid
        else:
            hi = mid - 1
    n = lo
    for marks in (_SENTENCE, _CLAUSE, " \t"):
        best = max(text.rfind(m, 0, n) for m in marks)
        if best >= n // 2:
            return best + 1
    while n > 1 and _WORD.match(text[n - 1]) and n < len(text) and _WORD.match(text[n]):
        n -= 1  # step out of a run of digits or letters (a date, a figure, a word)
    return n if n > 1 else lo


def line_pieces(kind: str, line: str, room: int = MAX_MESSAGE) -> list[str]:
    """One line as HTML; as several self-contained pieces when it cannot fit in one message."""
    wrap = _wrapper(kind, line)
    out: list[str] = []
    rest = line
    while rest:
        whole = wrap(rest)
        if utf16(whole) <= room:
            out.append(whole)
            break
        n = _cut(rest, lambda head: utf16(wrap(head)) <= room)
        out.append(wrap(rest[:n]))
        rest = rest[n:].lstrip(" ")
    return out


# --- messages -----------------------------------------------------------------------------------------------------


def pack(units: Sequence[tuple[str, Sequence[str]]], limit: int = MAX_MESSAGE) -> list[str]:
    """Join units (separator, HTML lines) into messages under `limit`: a unit moves whole to the next message when it
    does not fit; only a unit longer than a whole message is split, between its lines."""
    messages: list[str] = []
    cur = ""

    def flush() -> None:
        nonlocal cur
        if cur.strip():
            messages.append(cur.strip("\n"))
        cur = ""

    for sep, lines in units:
        body = "\n".join(lines)
        if not cur:
            candidate = body
        else:
            candidate = cur + sep + body
        if utf16(candidate) <= limit:
            cur = candidate
            continue
        flush()
        for line in lines:  # the unit starts a message; one longer than a message goes on between its lines
            candidate = line if not cur else cur + "\n" + line
            if utf16(candidate) > limit:
                flush()
                candidate = line
            cur = candidate
    flush()
    return messages or [""]


_HINT_KEYS = {"set_school": "hint_set_school", "sources": "hint_sources", "step_by_step": "hint_step_by_step", "examples": "hint_examples"}


def _hint_lines(ans: Answer) -> tuple[str, ...]:
    out = tuple(t(ans.lang, _HINT_KEYS[h]) for h in ans.hints if h in _HINT_KEYS)
    return tuple(to_simplified(x) for x in out) if ans.simplified and ans.lang != "en" else out


def _html_block(block: Block, ans: Answer, in_section: bool) -> list[str]:
    if block.kind == "hint":
        return list(_hint_lines(ans))  # Telegram's own: /school, /sources, the step-by-step button
    kind = "details" if block.kind == "direct" and in_section else block.kind  # only the answer's own direct is bold
    out: list[str] = []
    for line in block.lines:
        out += line_pieces(kind, line)
    return out


def answer_html(ans: Answer, limit: int = MAX_MESSAGE) -> list[str]:
    """A structured answer as HTML messages: the direct answer in bold, then details, steps, checks, notes, sources
    (the clause in a quote block); split between blocks, else between lines."""
    units: list[tuple[str, list[str]]] = []
    prev: str | None = None
    in_section = False
    for block in blocks(ans):
        in_section = in_section or block.kind == "heading"
        lines = _html_block(block, ans, in_section)
        if not lines:
            continue
        tight = (block.kind in ("quote", "status", "also") and prev in ("citation", "quote", "status")) or prev == "heading"
        units.append(("\n" if tight else "\n\n", lines))
        prev = block.kind
    return pack(units, limit)


def text_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Plain text (one unit per paragraph) as escaped HTML messages."""
    units = [("\n\n", [p for line in para.split("\n") for p in line_pieces("plain", line, limit)]) for para in text.split("\n\n")]
    return pack(units, limit)


# --- keyboards ------------------------------------------------------------------------------------------------------


def short_label(text: str, limit: int = LABEL_MAX) -> str:
    """A button label of at most `limit` characters, cut at a word boundary (never mid-word) with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if _WORD.match(text[limit - 1]) and _WORD.match(head[-1]):
        space = head.rfind(" ")
        if space >= limit // 2:
            head = head[:space]
    return head.rstrip(" ,;:，、；：") + "…"


Keyboard = dict[str, list[list[dict[str, str]]]]  # an inline keyboard as the Bot API's JSON (answers: built per reply)
_B = TypeVar("_B", InlineKeyboardButton, dict[str, str])


def _label(b: InlineKeyboardButton | dict[str, str]) -> str:
    return b["text"] if isinstance(b, dict) else b.text


def rows_of(buttons: list[_B]) -> list[list[_B]]:
    """Short labels share rows (at most four, ROW_LABELS characters together); when any is long, one a row."""
    if any(len(_label(b)) > ROW_LABELS // 2 for b in buttons):
        return [[b] for b in buttons]
    rows: list[list[_B]] = []
    for b in buttons:
        if rows and len(rows[-1]) < 4 and sum(len(_label(x)) for x in rows[-1]) + len(_label(b)) <= ROW_LABELS:
            rows[-1].append(b)
        else:
            rows.append([b])
    return rows


def _button(text: str, data: str) -> dict[str, str]:
    return {"text": text, "callback_data": data}


def answer_keyboard(ans: Answer, question_id: int, lang: str, sign: Sign, names: Callable[[str], str]) -> Keyboard | None:
    """The buttons under an answer: 原文, 👍/👎; a calculation to continue; per-school answers; related questions.

    `names(document_id)` gives a document's short name (its short name) in `lang`. Built as the Bot API's JSON:
    python-telegram-bot's button objects, made and turned back into JSON for every reply, cost a tenth of the bot's
    work on an update under load."""
    rows: list[list[dict[str, str]]] = []
    first: list[dict[str, str]] = []
    documents = list(dict.fromkeys(c.document for c in ans.citations))
    if len(documents) == 1:
        first.append(_button(t(lang, "btn_source"), sign("s", ans.citations[0].entry)))
    elif len(documents) > 1 and question_id > 0:
        first.append(_button(t(lang, "btn_source"), sign("S", question_id)))
    if question_id > 0 and ans.kind not in ("unknown", "chat"):
        first += [_button("👍", sign("f", question_id, 1)), _button("👎", sign("f", question_id, -1))]
    if first:
        rows.append(first)
    if ans.needs and ans.calculator:
        rows.append([_button(t(lang, "btn_step_by_step"), sign("g", ans.calculator, max(question_id, 0)))])
    if len(documents) > 1 and question_id > 0 and ans.options:
        rows += rows_of([_button(short_label(t(lang, "btn_only", name=names(o.document))), sign("o", question_id, o.document)) for o in ans.options[:5]])
    elif ans.kind == "chat":
        # Small talk offers the example questions: each button asks one of them.
        for i, f in enumerate(ans.followups[:3]):
            rows.append([_button(short_label(f.label, QUESTION_LABEL), sign("x", i))])
    else:
        for f in ans.followups[:3]:
            if f.entry:
                rows.append([_button(short_label(f.label, QUESTION_LABEL), sign("r", f.entry))])
    return {"inline_keyboard": rows} if rows else None


def source_html(lang: str, title_zh: str, title_en: str, short: str, clause: str, heading: str, date: str, quote: str, status: str) -> list[str]:
    """「原文」: the document, clause and date, then the clause verbatim in a quote block."""
    head = [f"<b>{esc(title_en if lang_key(lang) == 'en' else title_zh)}</b>"]
    if lang_key(lang) == "en":
        head.append(esc(f"{title_zh} ({short})"))
        head.append(esc(f"{clause} {heading} ({date})"))
    else:
        head.append(esc(f"{clause} {heading}（{date}）"))
    units: list[tuple[str, list[str]]] = [("\n\n", head), ("\n\n", line_pieces("quote", f"「{quote}」"))]
    if status:
        units.append(("\n\n", line_pieces("status", tp(lang, "source_status", status=status))))
    return pack(units)


def buttons_markup(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    """A keyboard of rows."""
    return InlineKeyboardMarkup([list(r) for r in rows])
