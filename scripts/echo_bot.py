#!/usr/bin/env python3
"""A trivial echo bot on python-telegram-bot, the yardstick for scripts/load.py (same server, same load).

usage: python scripts/echo_bot.py [--concurrent N]

Without --concurrent it handles one update at a time (python-telegram-bot's default); with --concurrent N it
handles up to N at once. Either way it uses python-telegram-bot's stock HTTP layer (httpx, a pool of 256).
"""

from __future__ import annotations

import argparse
import logging
import os
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back."""
    if update.effective_message and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text[:4000], do_quote=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--concurrent", type=int, default=0, help="updates handled at once (0: one at a time)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    b: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"])
    if args.concurrent > 0:
        b = b.concurrent_updates(args.concurrent)
    if (os.environ.get("RATE_LIMITER") or "on").lower() not in ("off", "0", "false", "no"):
        b = b.rate_limiter(AIORateLimiter(max_retries=3))  # the same Telegram limits as the assistant
    if os.environ.get("TELEGRAM_BASE_URL"):
        b = b.base_url(os.environ["TELEGRAM_BASE_URL"])
    app = b.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
