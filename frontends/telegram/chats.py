"""Chats: who a message is for, sending (threaded in groups, retried on passing network faults), the flood limit
that runs before every handler, and per-chat ordering of updates."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, MessageEntity, ReplyParameters, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import ApplicationHandlerStop, BaseUpdateProcessor

from core.model import Answer
from frontends.telegram.context import Ctx
from frontends.telegram.render import Keyboard, Sign, answer_html, answer_keyboard
from frontends.telegram.services import Services
from frontends.telegram.texts import EN, t

log = logging.getLogger(__name__)

T = TypeVar("T")

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # links in answers are sources: no preview cards


@dataclass(frozen=True)
class Target:
    """Where a reply goes: the chat, the user it is for, and (in groups) the message it answers."""

    chat_id: int
    user_id: int
    private: bool
    reply_to: int | None = None

    @classmethod
    def of(cls, update: Update) -> Target | None:
        """The reply to an update's message (threaded to it in groups)."""
        chat, user, msg = update.effective_chat, update.effective_user, update.effective_message
        if chat is None or user is None:
            return None
        private = chat.type == ChatType.PRIVATE
        return cls(chat.id, user.id, private, None if private or msg is None else msg.message_id)

    def sign(self, svc: Services) -> Sign:
        """Signs buttons for this user in this chat."""

        def sign(kind: str, *args: str | int) -> str:
            return svc.signer.sign(self.user_id, self.chat_id, kind, *args)

        return sign


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


async def send(context: Ctx, target: Target, html: str, markup: Any = None) -> int:
    """Send one HTML message (threaded to the asker's message in groups), remember whom it is for, return its id.

    Through the bot's request machinery (its rate limiter and retries of passing faults included) but without turning
    the message Telegram returns into python-telegram-bot objects: only its id is used, and parsing it cost as much
    as a third of handling an update under load."""
    reply = None if target.private or target.reply_to is None else ReplyParameters(target.reply_to, allow_sending_without_reply=True)
    data = {"chat_id": target.chat_id, "text": html, "parse_mode": ParseMode.HTML, "link_preview_options": NO_PREVIEW, "reply_markup": markup,
            "reply_parameters": reply}
    result = await with_retry(lambda: context.bot._post("sendMessage", dict(data)))
    message_id = int(result["message_id"])
    if not target.private and context.chat_data is not None:
        context.chat_data.own(message_id, target.user_id)
    return message_id


async def send_all(context: Ctx, target: Target, parts: Sequence[str], markup: InlineKeyboardMarkup | Keyboard | None = None) -> int | None:
    """Send messages in order, the keyboard under the last; the last one's id."""
    last = None
    for i, part in enumerate(parts):
        last = await send(context, target, part, markup if i == len(parts) - 1 else None)
    return last


async def send_answer(context: Ctx, target: Target, ans: Answer, question_id: int) -> None:
    """An answer as HTML messages with its buttons under the last one."""
    svc = context.svc
    lang = EN if ans.lang == EN else "zh"

    def name(doc_id: str) -> str:
        d = svc.engine.document(doc_id)
        return doc_id if d is None else (d.name_en if lang == EN else d.name_zh)

    await send_all(context, target, answer_html(ans), answer_keyboard(ans, question_id, lang, target.sign(svc), name))


# --- who a message is for -------------------------------------------------------------------------------------------


def _mentions_bot(msg: Message, username: str | None) -> bool:
    return bool(username) and f"@{username}".lower() in (msg.text or msg.caption or "").lower()


def _command_for_us(msg: Message, username: str | None) -> bool:
    entity = next((e for e in msg.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None)
    if entity is None:
        return False
    command = msg.parse_entity(entity)
    return "@" not in command or (bool(username) and command.lower().endswith(f"@{username}".lower()))


def names_us(msg: Message, username: str | None) -> bool:
    """The message starts with a command that names this bot (`/x@bot`)."""
    entity = next((e for e in msg.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None)
    return entity is not None and bool(username) and msg.parse_entity(entity).lower().endswith(f"@{username}".lower())


def reply_to_bot(msg: Message, bot_id: int) -> bool:
    """The message replies to one of the bot's."""
    reply = msg.reply_to_message
    return reply is not None and reply.from_user is not None and reply.from_user.id == bot_id


def owner_of(context: Ctx, message_id: int) -> int | None:
    """The user a bot message in this chat was for, when remembered."""
    return context.chat_data.owners.get(message_id) if context.chat_data is not None else None


def addressed_text(update: Update, context: Ctx) -> str | None:
    """The question in a message the bot should answer: any private text; in groups a mention of the bot, or a reply
    to a bot message that was for this user (other members' replies to someone's answer or prompt are not for us)."""
    msg, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if msg is None or chat is None or user is None:
        return None
    text = msg.text or msg.caption or ""
    if chat.type == ChatType.PRIVATE:
        return text
    username = context.bot.username
    if _mentions_bot(msg, username):
        mention = f"@{username}".lower()
        start = text.lower().index(mention)
        return (text[:start] + text[start + len(mention) :]).strip()
    if reply_to_bot(msg, context.bot.id):
        assert msg.reply_to_message is not None
        owner = owner_of(context, msg.reply_to_message.message_id)
        return text if owner in (None, user.id) else None
    return None


def is_addressed(update: Update, context: Ctx) -> bool:
    """The update asks the bot for something (what the flood limit counts): buttons, inline queries, private
    messages; in groups commands for this bot, mentions and replies to the bot."""
    if update.callback_query is not None or update.inline_query is not None:
        return True
    msg, chat = update.effective_message, update.effective_chat
    if msg is None or chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    username = context.bot.username
    return _command_for_us(msg, username) or _mentions_bot(msg, username) or reply_to_bot(msg, context.bot.id)


async def flood_guard(update: Update, context: Ctx) -> None:
    """Group -1, before every other handler: at most FLOOD_LIMIT updates per user a minute (messages, commands,
    buttons, inline queries alike); past it the update goes no further (a short note once a window)."""
    user = update.effective_user
    if user is None or not is_addressed(update, context):
        return
    svc = context.svc
    if svc.flood.allow(user.id):
        return
    log.debug("flood limit: dropping an update of %s", svc.log_id(user.id))
    lang = await context.lang(update)
    target = Target.of(update) if update.effective_message is not None and update.callback_query is None else None
    if update.callback_query is not None:
        await update.callback_query.answer(t(lang, "flood_short"))  # a press always gets an answer (its spinner stops)
    elif target is not None and svc.flood.should_warn(user.id):
        log.info("flood limit reached by %s", svc.log_id(user.id))
        await send(context, target, t(lang, "flood"))
    raise ApplicationHandlerStop


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
