"""Structured answers → LINE messages: a Flex bubble (the direct answer, figures, steps, the citation, buttons
原文 👍 👎), text messages for what does not fit, quick replies for related questions, per-school choices and
calculator steps. Every Messaging API limit is kept here (see the constants), never by parsing the plain text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from core.model import Answer, Citation, Note, Section, also_names
from core.render import blocks
from lang.textnorm import to_simplified

MAX_MESSAGES = 5  # messages in one reply or push
MAX_TEXT = 5000  # characters in a text message
MAX_ALT = 1500  # characters in a Flex message's altText
MAX_BUBBLE = 30_000  # bytes of a bubble's JSON (LINE: 30 KB; measured with every non-ASCII character escaped)
MAX_QUICK = 13  # quick-reply items
MAX_QUICK_LABEL = 20  # characters in a quick-reply label
MAX_BUTTON_LABEL = 40  # characters in a Flex button's label
MAX_ACTION_TEXT = 300  # characters in a message action's text or a postback's displayText
MAX_POSTBACK = 300  # characters in postback data
_PIECE = 1000  # a bubble's own text components stay under this; longer parts go to text messages

Message = dict[str, Any]
Sign = Callable[[str], str]  # payload → postback data bound to the user and chat


def units(text: str) -> int:
    """Length as LINE counts it (UTF-16 code units: an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int) -> str:
    """`text` within `limit` units, an ellipsis marking a cut."""
    if units(text) <= limit:
        return text
    out = ""
    for ch in text:
        if units(out + ch) > limit - 1:
            break
        out += ch
    return out + "…"


def bubble_size(container: dict[str, Any]) -> int:
    """The bytes a container's JSON takes as the SDK sends it (ASCII-escaped)."""
    return len(json.dumps(container, ensure_ascii=True, separators=(",", ":")))


def tr(lang: str, zh: str, en: str, simplified: bool = False) -> str:
    """The bot's own words in the user's language (Simplified when the user writes it)."""
    if lang == "en":
        return en
    return to_simplified(zh) if simplified else zh


# --- actions and quick replies ------------------------------------------------------------------------


def postback(label: str, data: str, display: str | None = None, limit: int = MAX_QUICK_LABEL) -> dict[str, Any]:
    """A postback action (label cut to `limit`, displayText to 300)."""
    if len(data) > MAX_POSTBACK:
        raise ValueError("postback data too long")
    out: dict[str, Any] = {"type": "postback", "label": cut(label, limit), "data": data}
    if display:
        out["displayText"] = cut(display, MAX_ACTION_TEXT)
    return out


def say(label: str, text: str, limit: int = MAX_QUICK_LABEL) -> dict[str, Any]:
    """A message action: pressing it sends `text` as the user."""
    return {"type": "message", "label": cut(label, limit), "text": cut(text, MAX_ACTION_TEXT)}


def quick_reply(actions: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """At most 13 quick-reply buttons (duplicates by label dropped)."""
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for a in actions:
        if a["label"] in seen or not a["label"]:
            continue
        seen.add(a["label"])
        items.append({"type": "action", "action": a})
        if len(items) == MAX_QUICK:
            break
    return {"items": items} if items else None


def text_message(text: str, quick: dict[str, Any] | None = None) -> Message:
    """One text message (the caller keeps it within 5,000 units; `split_text` does)."""
    msg: Message = {"type": "text", "text": cut(text, MAX_TEXT) if text.strip() else "…"}
    if quick:
        msg["quickReply"] = quick
    return msg


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Text in pieces of at most `limit` units, broken between blank-line blocks, then lines, then characters."""
    pieces: list[str] = []
    cur = ""
    for block in text.split("\n\n"):
        for part in _fit(block, limit):
            joined = f"{cur}\n\n{part}" if cur else part
            if units(joined) <= limit:
                cur = joined
            else:
                pieces.append(cur)
                cur = part
    if cur:
        pieces.append(cur)
    return [p for p in pieces if p.strip()] or ["…"]


def _fit(block: str, limit: int) -> list[str]:
    """A block whole, or its lines joined up to `limit`, a line longer than that cut into pieces."""
    if units(block) <= limit:
        return [block]
    out: list[str] = []
    cur = ""
    for line in block.split("\n"):
        chunks = [line] if units(line) <= limit else _chunks(line, limit)
        for ch in chunks:
            joined = f"{cur}\n{ch}" if cur else ch
            if units(joined) <= limit:
                cur = joined
            else:
                out.append(cur)
                cur = ch
    if cur:
        out.append(cur)
    return out


def _chunks(line: str, limit: int) -> list[str]:
    out: list[str] = []
    cur = ""
    for ch in line:
        if units(cur + ch) > limit:
            out.append(cur)
            cur = ""
        cur += ch
    return out + ([cur] if cur else [])


def texts(text: str, max_messages: int, quick: dict[str, Any] | None = None, lang: str = "zh") -> list[Message]:
    """Long text as at most `max_messages` text messages, the quick replies on the last; a remainder is cut with a note."""
    pieces = split_text(text)
    if len(pieces) > max_messages:
        note = tr(lang, "（內容過長，其餘省略）", "(too long; the rest is left out)")
        pieces = pieces[:max_messages]
        pieces[-1] = cut(pieces[-1], MAX_TEXT - units(note) - 1) + "\n" + note
    out = [text_message(p) for p in pieces]
    if quick and out:
        out[-1]["quickReply"] = quick
    return out


# --- the answer ---------------------------------------------------------------------------------------

GRAY = "#6B7280"
ACCENT = "#0F766E"
WARN = "#B45309"


def _t(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "text", "text": cut(text, _PIECE) if text.strip() else "…", "wrap": True, **style}


def _sep() -> dict[str, Any]:
    return {"type": "separator", "margin": "md"}


def citation_line(c: Citation, lang: str) -> str:
    """Document short name, clause label, date: 「<short name> 三、(一)1. · 109.06.17」."""
    return f"{c.short or c.title} {c.label or c.clause} · {c.date}"


def _note(n: Note, lang: str, simplified: bool) -> dict[str, Any]:
    lead = {
        "note": tr(lang, "說明：", "Note: ", simplified),
        "reading": tr(lang, "採用的解讀：", "Reading taken: ", simplified),
        "warning": tr(lang, "提醒：", "Note: ", simplified),
        "carried": "",
        "unstated": "",
    }[n.kind]
    return _t(lead + n.text, size="xs", color=WARN if n.kind == "warning" else GRAY)


def _body(direct: str, details: Sequence[str], steps: Sequence[str], notes: Sequence[Note], lang: str, simplified: bool, checks: Sequence[Any] = (), figures: Sequence[Any] = ()) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [_note(n, lang, simplified) for n in notes if n.kind == "carried"]
    if direct:
        out.append(_t(direct, weight="bold", size="md"))
    out += [_t(d, size="sm") for d in details]
    for f in figures:
        out.append({"type": "box", "layout": "baseline", "spacing": "sm", "contents": [
            _t(f.label, size="sm", color=GRAY, flex=3), _t(f.display, size="sm", weight="bold", flex=4)]})
    if steps:
        out.append(_t(tr(lang, "計算步驟：", "Steps:", simplified), size="sm", weight="bold", color=ACCENT, margin="md"))
        out += [_t(f"{i}. {s}", size="xs") for i, s in enumerate(steps, start=1)]
    for c in checks:
        verdict = tr(lang, "✔ 符合" if c.passed else "✘ 不符合", "✔ complies" if c.passed else "✘ does not comply", simplified)
        out.append(_t(f"{verdict}：{c.label} — {c.detail}" if lang != "en" else f"{verdict}: {c.label} — {c.detail}", size="xs"))
    out += [_note(n, lang, simplified) for n in notes if n.kind != "carried"]
    return out


def _citation(c: Citation, lang: str, simplified: bool, also: Sequence[Citation] = ()) -> list[dict[str, Any]]:
    out = [_t(tr(lang, "出處：", "Source: ", simplified) + citation_line(c, lang), size="xs", color=ACCENT)]
    if c.status:
        out.append(_t(tr(lang, "注意：", "Note: ", simplified) + c.status, size="xxs", color=WARN))
    if also:
        sep = ", " if lang == "en" else "、"
        out.append(_t(tr(lang, "另見：", "Also: ", simplified) + sep.join(also_names((c, *also))), size="xxs", color=GRAY))
    return out


def _section(s: Section, lang: str, simplified: bool) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [_sep(), _t(f"【{s.heading}】", weight="bold", size="sm", color=ACCENT)]
    out += _body(s.direct, s.details, s.steps, s.notes, lang, simplified, s.checks, s.figures)
    if s.citations:
        out += _citation(s.citations[0], lang, simplified)
    return out


_HINTS = {
    "set_school": ("可在問題中加上校名，或點選單「學校」設定預設學校。", "Name a school in the question, or set a default with 「School」 in the menu."),
    "sources": ("點選單「文件」可查看涵蓋的文件。", "Tap 「Documents」 in the menu for the documents covered."),
    "step_by_step": ("點下方「一步步計算」逐項輸入數字。", "Tap 「Step by step」 below to enter the figures one by one."),
    "examples": ("", ""),
}


def hint_lines(ans: Answer, lang: str) -> list[str]:
    """The answer's neutral hints in LINE's own words (menu buttons instead of commands)."""
    return [tr(lang, *_HINTS[h], ans.simplified) for h in ans.hints if _HINTS[h][0]]


@dataclass(frozen=True)
class Rendered:
    """An answer as messages, with what the bubble left to text messages (for tests and logs)."""

    messages: list[Message]
    overflow: bool


def answer_buttons(ans: Answer, lang: str, sign: Sign, question_id: int) -> list[dict[str, Any]]:
    """The bubble's footer: 原文 (one per school when the answer spans several), 👍, 👎."""
    rows: list[dict[str, Any]] = []
    simplified = ans.simplified
    sources = [s.citations[0] for s in ans.sections if s.citations] if ans.sections else list(ans.citations[:1])
    for c in sources[:5]:
        label = tr(lang, "原文", "Source text", simplified) + (f"：{c.short}" if ans.sections and lang != "en" else (f": {c.short}" if ans.sections else ""))
        rows.append({"type": "button", "style": "secondary", "height": "sm", "action": postback(label, sign(f"src|{c.entry}"), limit=MAX_BUTTON_LABEL)})
    if question_id > 0 and ans.kind != "unknown":
        rows.append({"type": "box", "layout": "horizontal", "spacing": "sm", "contents": [
            {"type": "button", "style": "link", "height": "sm", "action": postback("👍", sign(f"fb|{question_id}|1"), limit=MAX_BUTTON_LABEL)},
            {"type": "button", "style": "link", "height": "sm", "action": postback("👎", sign(f"fb|{question_id}|-1"), limit=MAX_BUTTON_LABEL)},
        ]})
    return rows


def answer_quick(ans: Answer, lang: str, sign: Sign, question_id: int) -> list[dict[str, Any]]:
    """Quick replies under an answer: a calculation to continue, one school only, related questions, menu shortcuts."""
    simplified = ans.simplified
    out: list[dict[str, Any]] = []
    if ans.needs and ans.calculator and question_id > 0:
        out.append(postback(tr(lang, "🧮 一步步計算", "🧮 Step by step", simplified), sign(f"calcgo|{ans.calculator}|{question_id}"), tr(lang, "一步步計算", "Step by step", simplified)))
    if len({c.document for c in ans.citations}) > 1 and question_id > 0:
        for o in ans.options[:5]:
            label = tr(lang, f"只看{o.label}", f"Only {o.label}", simplified)
            out.append(postback(label, sign(f"sch|{o.document}|{question_id}"), label))
    elif ans.kind == "unknown":
        for o in ans.options[:5]:
            if o.entry:
                q = o.question or o.label
                out.append(postback(q, sign(f"rel|{o.entry}"), q))
    else:
        for f in ans.followups[:5]:
            if f.entry:
                out.append(postback(f.label, sign(f"rel|{f.entry}"), f.question))
    if "set_school" in ans.hints:
        out.append(postback(tr(lang, "設定學校", "Set school", simplified), "menu:school", tr(lang, "設定學校", "Set school", simplified)))
    if "sources" in ans.hints:
        out.append(postback(tr(lang, "文件清單", "Documents", simplified), "menu:docs", tr(lang, "文件", "Documents", simplified)))
    return out


def render_answer(ans: Answer, sign: Sign, question_id: int = 0, lang: str | None = None, max_messages: int = MAX_MESSAGES) -> Rendered:
    """One answer → at most `max_messages` messages: a Flex bubble first, then text for what did not fit."""
    lang = lang or ans.lang
    lang = "en" if ans.lang == "en" else lang
    simplified = ans.simplified
    quick = quick_reply(answer_quick(ans, lang, sign, question_id))
    footer = answer_buttons(ans, lang, sign, question_id)
    alt = cut(ans.direct or ans.text or "…", MAX_ALT)

    contents = _body(ans.direct, ans.details, ans.steps, ans.notes, lang, simplified, ans.checks, ans.figures)
    if ans.sections:
        for s in ans.sections:
            contents += _section(s, lang, simplified)
    elif ans.citations:
        contents += [_sep()] + _citation(ans.citations[0], lang, simplified, ans.citations[1:])
    if ans.covered:
        contents += [_sep(), _t(tr(lang, "目前涵蓋的文件：", "Covered documents:", simplified), size="xs", weight="bold")]
        contents += [_t(line, size="xxs", color=GRAY) for line in ans.covered]
    hints = hint_lines(ans, lang)
    if hints:
        contents += [_t(h, size="xxs", color=GRAY) for h in hints]
    bubble = _bubble(contents, footer)
    full_text = ans.text
    # Parts that the bubble had to cut (a piece over _PIECE) or a bubble over the limit: the rest goes as text.
    overflow = bubble_size(bubble) > MAX_BUBBLE or _was_cut(ans)
    if not overflow:
        msg: Message = {"type": "flex", "altText": alt, "contents": bubble}
        if quick:
            msg["quickReply"] = quick
        return Rendered([msg], False)
    small: list[dict[str, Any]] = [_t(cut(ans.direct or "…", _PIECE), weight="bold", size="md")]
    if ans.citations:
        small += [_sep()] + _citation(ans.citations[0], lang, simplified)
    small.append(_t(tr(lang, "完整內容見下方訊息。", "The full answer follows.", simplified), size="xxs", color=GRAY))
    head: Message = {"type": "flex", "altText": alt, "contents": _bubble(small, footer)}
    rest = texts(_plain_rest(ans, full_text), max_messages - 1, quick, lang)
    if not rest and quick:
        head["quickReply"] = quick
    return Rendered([head, *rest], True)


def _was_cut(ans: Answer) -> bool:
    parts = [ans.direct, *ans.details, *ans.steps, *(n.text for n in ans.notes)]
    for s in ans.sections:
        parts += [s.direct, *s.details, *s.steps, *(n.text for n in s.notes)]
    return any(units(p) > _PIECE for p in parts)


def _plain_rest(ans: Answer, full: str) -> str:
    """The answer's blocks (core.render) as plain text, for the messages after a shortened bubble."""
    return "\n\n".join("\n".join(b.lines) for b in blocks(ans)) or full


def _bubble(contents: list[dict[str, Any]], footer: list[dict[str, Any]]) -> dict[str, Any]:
    bubble: dict[str, Any] = {"type": "bubble", "size": "giga", "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": contents}}
    if footer:
        bubble["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": footer}
    return bubble
