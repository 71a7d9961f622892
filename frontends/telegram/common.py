"""What the Telegram handlers share: services, HTML rendering and splitting, keyboards, flood limit, chat rules."""

from __future__ import annotations

import asyncio
import html
import logging
import time
from collections.abc import Awaitable, Callable
from collections import deque
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import BaseUpdateProcessor, ContextTypes

from config import Config
from core.engine import Engine
from core.model import Answer
from core.render import blocks
from lang.textnorm import to_simplified
from storage.repository import SafeRepository

log = logging.getLogger(__name__)

MAX_MESSAGE = 4096
_SAFE_CHUNK = 700  # plain characters per piece of an over-long line (escaping may grow it up to 5x)


@dataclass
class FloodLimiter:
    """At most `limit` messages per user per `window` seconds."""

    limit: int
    window: float
    _seen: dict[int, deque[float]] = field(default_factory=dict)
    _warned: dict[int, float] = field(default_factory=dict)

    def allow(self, user_id: int, now: float | None = None) -> bool:
        """Record a message; False when the user is over the limit."""
        t = time.monotonic() if now is None else now
        q = self._seen.setdefault(user_id, deque())
        while q and t - q[0] > self.window:
            q.popleft()
        if len(q) >= self.limit:
            return False
        q.append(t)
        if len(self._seen) > 50_000:  # forget idle users
            for uid in [u for u, d in self._seen.items() if not d or t - d[-1] > self.window][:10_000]:
                self._seen.pop(uid, None)
        return True

    def should_warn(self, user_id: int, now: float | None = None) -> bool:
        """Warn once per window, not for every dropped message."""
        t = time.monotonic() if now is None else now
        if t - self._warned.get(user_id, -1e9) > self.window:
            self._warned[user_id] = t
            return True
        return False


class PerChatOrder(BaseUpdateProcessor):
    """Updates of different chats run concurrently; those of one chat run one at a time, in order."""

    def __init__(self, max_concurrent_updates: int = 64):
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}  # chat → (lock, [updates holding or waiting])

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = None
        if isinstance(update, Update):
            if update.effective_chat is not None:
                key = update.effective_chat.id
            elif update.effective_user is not None:
                key = update.effective_user.id
        if key is None:
            await coroutine
            return
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                await coroutine
        finally:
            users[0] -= 1
            if users[0] == 0:
                self._locks.pop(key, None)


@dataclass
class Services:
    """What handlers need, kept in application.bot_data['services']."""

    config: Config
    engine: Engine
    repo: SafeRepository
    flood: FloodLimiter
    rebuild: Callable[[], Engine]  # a fresh engine from the knowledge folder (staff /reload); raises KnowledgeBaseError

    def is_admin(self, user_id: int | None) -> bool:
        """Staff tools are for ADMIN_USER_IDS only (compared as integers)."""
        return isinstance(user_id, int) and not isinstance(user_id, bool) and user_id in self.config.admin_ids


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The services of this application."""
    return context.application.bot_data["services"]  # type: ignore[no-any-return]


# --- HTML ---------------------------------------------------------------------------------------


def esc(text: str) -> str:
    """Escape dynamic text for Telegram HTML."""
    return html.escape(text, quote=False)


def _line_html(line: str) -> str:
    e = esc(line)
    if line.startswith(("出處：", "Source:", "出处：")):
        return f"<b>{e}</b>"
    if line.startswith("【") and line.endswith("】"):
        return f"<b>{e}</b>"
    if line.startswith("「") and line.endswith("」"):
        return f"<i>{e}</i>"
    if line.startswith(("注意：", "Note:")):
        return f"<i>{e}</i>"
    return e


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def to_html_lines(text: str) -> list[str]:
    """Plain text → one HTML line per line; a line too long for a message is cut into self-contained pieces."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= _SAFE_CHUNK:
            out.append(_line_html(line))
        else:
            out += [esc(line[i : i + _SAFE_CHUNK]) for i in range(0, len(line), _SAFE_CHUNK)]
    return out


def split_messages(html_lines: list[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Join HTML lines into messages under `limit`, breaking only between lines (tags never span lines)."""
    messages: list[str] = []
    cur: list[str] = []
    size = 0
    for line in html_lines:
        n = _utf16(line) + 1
        if cur and size + n > limit:
            messages.append("\n".join(cur).strip("\n"))
            cur, size = [], 0
        cur.append(line)
        size += n
    if cur:
        messages.append("\n".join(cur).strip("\n"))
    return [m for m in messages if m.strip()] or [""]


def render(text: str) -> list[str]:
    """Plain reply text → HTML messages ready to send."""
    return split_messages(to_html_lines(text))


_HINTS = {
    "zh": {"set_school": "可在問題中加上校名，或用 /school 設定預設學校。", "sources": "輸入 /sources 可查看文件清單。", "step_by_step": "", "examples": ""},
    "en": {"set_school": "Name a school in the question, or set a default with /school.", "sources": "Send /sources for the list of documents.", "step_by_step": "", "examples": ""},
}


def render_answer(ans: Answer) -> list[str]:
    """A structured answer → HTML messages: the direct answer in bold, source lines in bold, quotes in italics; split between lines only."""
    lines: list[str] = []
    hints = _HINTS["en" if ans.lang == "en" else "zh"]
    for block in blocks(ans):
        if lines:
            lines.append("")
        if block.kind == "hint":
            text = [hints[h] for h in ans.hints if hints[h]]
            lines += [esc(t if not ans.simplified else to_simplified(t)) for t in text]
            continue
        for line in block.lines:
            if len(line) > _SAFE_CHUNK:
                lines += [esc(line[i : i + _SAFE_CHUNK]) for i in range(0, len(line), _SAFE_CHUNK)]
            elif block.kind in ("direct", "citation", "heading"):
                lines.append(f"<b>{esc(line)}</b>")
            elif block.kind in ("quote", "status"):
                lines.append(f"<i>{esc(line)}</i>")
            else:
                lines.append(esc(line))
    while lines and lines[-1] == "":
        lines.pop()
    return split_messages(lines)


# --- keyboards ----------------------------------------------------------------------------------


def answer_keyboard(ans: Answer, question_id: int, lang: str) -> InlineKeyboardMarkup | None:
    """Buttons under an answer: 原文, 👍/👎, per-school choices, related questions, a calculation to continue."""
    en = lang == "en"
    rows: list[list[InlineKeyboardButton]] = []
    first: list[InlineKeyboardButton] = []
    if ans.citations:
        first.append(InlineKeyboardButton("Source text" if en else "原文", callback_data=f"src:{ans.citations[0].entry}"))
    if question_id > 0 and ans.kind != "unknown":
        first += [
            InlineKeyboardButton("👍", callback_data=f"fb:{question_id}:1"),
            InlineKeyboardButton("👎", callback_data=f"fb:{question_id}:-1"),
        ]
    if first:
        rows.append(first)
    if ans.needs and ans.calculator and question_id > 0:
        rows.append([InlineKeyboardButton("Calculate step by step" if en else "🧮 一步步計算", callback_data=f"calcgo:{ans.calculator}:{question_id}")])
    if len({c.document for c in ans.citations}) > 1 and question_id > 0:
        rows.append(
            [
                InlineKeyboardButton((f"Only {o.label}" if en else f"只看{o.label}")[:40], callback_data=f"sch:{o.document}:{question_id}")
                for o in ans.options[:4]
            ]
        )
    elif ans.kind == "unknown":
        for o in ans.options[:3]:
            if o.entry:
                rows.append([InlineKeyboardButton((o.question or o.label)[:60], callback_data=f"rel:{o.entry}")])
    else:
        for f in ans.followups[:3]:
            if f.entry:
                rows.append([InlineKeyboardButton(f.label[:60], callback_data=f"rel:{f.entry}")])
    return InlineKeyboardMarkup(rows) if rows else None


async def send_answer(message: Message, engine: Engine, ans: Answer, question_id: int, lang: str) -> None:
    """Send an answer as HTML messages, the keyboard under the last one; a passing network fault is retried."""
    parts = render_answer(ans)
    markup = answer_keyboard(ans, question_id, lang)
    for i, part in enumerate(parts):
        keyboard = markup if i == len(parts) - 1 else None
        await with_retry(lambda: message.reply_html(part, reply_markup=keyboard, do_quote=False, disable_web_page_preview=True))


T = TypeVar("T")


async def with_retry(call: Callable[[], Awaitable[T]], delays: tuple[float, ...] = (0.5, 1.0, 2.0)) -> T:
    """Run a Bot API call, retrying network faults and 5xx answers (never a BadRequest, which would fail again)."""
    for delay in delays:
        try:
            return await call()
        except BadRequest:
            raise
        except (NetworkError, TimedOut) as exc:
            log.warning("Bot API call failed (%s); retrying in %.1f s", type(exc).__name__, delay)
            await asyncio.sleep(delay)
    return await call()


# --- chats ----------------------------------------------------------------------------------------


def addressed_text(update: Update, bot_username: str | None, bot_id: int | None) -> str | None:
    """The question in a message the bot should answer: any private text; in groups only a mention or a reply to the bot."""
    msg = update.effective_message
    chat = update.effective_chat
    if msg is None or chat is None:
        return None
    text = msg.text or msg.caption or ""
    if chat.type == ChatType.PRIVATE:
        return text
    mention = f"@{bot_username}".lower() if bot_username else None
    if mention and mention in text.lower():
        start = text.lower().index(mention)
        return (text[:start] + text[start + len(mention):]).strip()
    reply = msg.reply_to_message
    if reply is not None and reply.from_user is not None and bot_id is not None and reply.from_user.id == bot_id:
        return text
    return None


EXPIRED = "這個按鈕已失效，請重新提問。 This button has expired."


async def expired(q: Any) -> None:
    """Answer a forged or stale button press."""
    await q.answer(EXPIRED, show_alert=True)


def parse_int(text: str) -> int | None:
    """An integer from callback data, or None when forged."""
    try:
        value = int(text)
    except (TypeError, ValueError):
        return None
    if not -(2**62) < value < 2**62:
        return None
    return value


def callback_parts(data: Any, prefix: str, count: int) -> list[str] | None:
    """Split callback data `prefix:a:b` into `count` parts after the prefix, or None when it is malformed."""
    if not isinstance(data, str) or not data.startswith(prefix + ":") or len(data) > 64:
        return None
    parts = data[len(prefix) + 1 :].split(":")
    return parts if len(parts) == count and all(parts) else None
