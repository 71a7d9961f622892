"""Inline mode: `@bot 學分` in any chat. A query that makes a calculation comes first with its computed figure; then
the best-matching entries, each sending its answer with its citation."""

from __future__ import annotations

import hashlib

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.ext import InlineQueryHandler

from core.model import AnswerContext
from frontends.telegram.context import App, Ctx
from frontends.telegram.render import answer_html

MAX_RESULTS = 5
QUERY_MAX = 256


async def on_inline(update: Update, context: Ctx) -> None:
    """The results for an inline query (worked out off the event loop)."""
    iq = update.inline_query
    if iq is None:
        return
    svc, query = context.svc, (iq.query or "").strip()[:QUERY_MAX]
    results: list[InlineQueryResultArticle] = []
    if query:
        ans = await svc.work(svc.engine.answer, query, AnswerContext(lang=await context.lang(update)))
        if ans.kind == "calculation":
            key = hashlib.sha256(query.encode()).hexdigest()[:16]
            results.append(_article(f"calc-{key}", ans.direct, ans.citations[0].label if ans.citations else "", answer_html(ans)[0]))
        for s in await svc.work(svc.engine.suggest, query, MAX_RESULTS):
            results.append(_article(s.entry, s.title, s.description, answer_html(s.answer)[0]))
    await iq.answer(results[:MAX_RESULTS], cache_time=60, is_personal=False)


def _article(result_id: str, title: str, description: str, html: str) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=result_id[:64], title=title[:100], description=description[:120], input_message_content=InputTextMessageContent(html)
    )


def register(app: App, group: int) -> None:
    """Inline queries."""
    app.add_handler(InlineQueryHandler(on_inline), group)
