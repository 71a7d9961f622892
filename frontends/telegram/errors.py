"""The one error handler: log the exception with the update, answer politely."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, ContextTypes

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log and apologise; never raise."""
    where = ""
    if isinstance(update, Update):
        chat = update.effective_chat
        where = f"update {update.update_id} chat {chat.id if chat else '-'} type {chat.type if chat else '-'}"
    log.error("error while handling %s", where or type(update).__name__, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, "抱歉，處理時發生錯誤，請再試一次。 Sorry, something went wrong; please try again.")
        except Exception:  # noqa: BLE001 - the apology is best effort
            log.warning("could not send the apology", exc_info=True)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Install the error handler."""
    app.add_error_handler(on_error)
