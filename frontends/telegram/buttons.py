"""The one guard for button presses: parse the callback data, check it was signed for this user in this chat, and
answer 「此按鈕已過期」 for anything forged, another user's, malformed or out of date (handlers raise `Expired`)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import CallbackQuery, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from frontends.telegram.chats import Target
from frontends.telegram.context import Ctx
from frontends.telegram.texts import t

R = TypeVar("R")


class Expired(Exception):
    """A press that no longer applies (a step that has passed, an ended flow, a logged question that is gone)."""


@dataclass(frozen=True)
class Press:
    """A verified button press."""

    query: CallbackQuery
    kind: str
    args: tuple[str, ...]
    user_id: int
    chat_id: int
    private: bool
    message_id: int  # the message the button is under
    lang: str

    def int_arg(self, i: int) -> int:
        """Argument `i` as an integer (Expired when it is not one: signed data of an older shape)."""
        try:
            return int(self.args[i])
        except (IndexError, ValueError) as exc:
            raise Expired from exc

    @property
    def target(self) -> Target:
        """Replies to a press go to its chat, threaded under the message with the button in groups."""
        return Target(self.chat_id, self.user_id, self.private, None if self.private else self.message_id)


Guarded = Callable[[Update, Ctx], Coroutine[Any, Any, R | None]]


def pattern(kind: str) -> str:
    """The callback-data pattern of a button kind."""
    return f"^{kind}:"


def button(kind: str, arity: int, stop: bool = False) -> Callable[[Callable[[Update, Ctx, Press], Awaitable[R]]], Guarded[R]]:
    """Wrap a handler of `kind` buttons with `arity` arguments: it runs only for a press signed for this user and
    chat. `stop`: an expired press ends the update's handling (inside a conversation that must not pass it on)."""

    def wrap(handler: Callable[[Update, Ctx, Press], Awaitable[R]]) -> Guarded[R]:
        @functools.wraps(handler)
        async def guarded(update: Update, context: Ctx) -> R | None:
            q = update.callback_query
            if q is None:
                return None
            lang = await context.lang(update)
            try:
                press = _verify(update, context, kind, arity, lang)
                return await handler(update, context, press)
            except Expired:
                await q.answer(t(lang, "expired"), show_alert=True)
                if stop:
                    raise ApplicationHandlerStop from None
                return None

        return guarded

    return wrap


def _verify(update: Update, context: Ctx, kind: str, arity: int, lang: str) -> Press:
    q = update.callback_query
    if q is None or q.message is None:
        raise Expired
    chat = q.message.chat
    checked = context.svc.signer.verify(q.data, q.from_user.id, chat.id)
    if checked is None or checked[0] != kind or len(checked[1]) != arity or not all(checked[1]):
        raise Expired
    return Press(q, kind, checked[1], q.from_user.id, chat.id, chat.type == ChatType.PRIVATE, q.message.message_id, lang)


async def on_stale(update: Update, context: Ctx) -> None:
    """Any press no handler took (forged, from an older version, or a flow that has ended)."""
    q = update.callback_query
    if q is not None:
        await q.answer(t(await context.lang(update), "expired"), show_alert=True)
