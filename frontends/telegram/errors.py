"""The one error handler: log the exception (ids only as keyed hashes), apologise in the asker's language."""

from __future__ import annotations

import logging

from telegram import Update

from frontends.telegram.context import App, Ctx
from frontends.telegram.texts import t

log = logging.getLogger(__name__)


async def on_error(update: object, context: Ctx) -> None:
    """Log and apologise; never raise."""
    where = type(update).__name__
    if isinstance(update, Update):
        chat, user = update.effective_chat, update.effective_user
        svc = context.svc
        where = f"update {update.update_id} chat {svc.log_id(chat.id) if chat else '-'} user {svc.log_id(user.id) if user else '-'} type {chat.type if chat else '-'}"
    log.error("error while handling %s", where, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, t(await context.lang(update), "error"))
        except Exception:  # noqa: BLE001 - the apology is best effort
            log.warning("could not send the apology", exc_info=False)


def register(app: App) -> None:
    """Install the error handler."""
    app.add_error_handler(on_error)
