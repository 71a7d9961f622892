"""Inline mode: `@bot 學分` in any chat lists the top matches; each sends the answer with its citation."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.ext import Application, ContextTypes, InlineQueryHandler

from frontends.telegram.common import render_answer, services

MAX_RESULTS = 5


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the best-matching entries for an inline query."""
    iq = update.inline_query
    if iq is None:
        return
    svc = services(context)
    query = (iq.query or "").strip()[:256]
    results = []
    if query:
        for s in svc.engine.suggest(query, MAX_RESULTS):
            html = render_answer(s.answer)[0]
            results.append(
                InlineQueryResultArticle(
                    id=s.entry[:64],
                    title=s.title[:100],
                    description=s.description[:120],
                    input_message_content=InputTextMessageContent(html, parse_mode="HTML", disable_web_page_preview=True),
                )
            )
    await iq.answer(results, cache_time=60, is_personal=False)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Inline queries."""
    app.add_handler(InlineQueryHandler(on_inline))
