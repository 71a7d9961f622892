"""Inline mode: `@bot 學分` in any chat lists the top matches; each sends the answer with its citation."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.ext import Application, ContextTypes, InlineQueryHandler

from frontends.telegram.common import render, services

MAX_RESULTS = 5


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the best-matching entries for an inline query."""
    iq = update.inline_query
    if iq is None:
        return
    svc = services(context)
    engine = svc.engine
    query = (iq.query or "").strip()[:256]
    results = []
    if query:
        nq = engine.norm.question(query)
        lang = "en" if nq.lang == "en" else "zh"
        ranked = [] if (nq.uncovered and not nq.schools) else engine.matcher.rank(nq.content or nq.text, nq.schools or None, limit=MAX_RESULTS)
        for s in ranked:
            if s.score < 0.25:
                continue
            ans = engine.answer_entry(s.entry.id, lang)
            doc = engine.kb.documents[s.document]
            html = render(ans.text)[0]
            results.append(
                InlineQueryResultArticle(
                    id=s.entry.id[:64],
                    title=f"{doc.short_zh} {s.entry.clause} {s.entry.title}"[:100],
                    description=(s.entry.answer_en if lang == "en" else s.entry.answer_zh)[:120],
                    input_message_content=InputTextMessageContent(html, parse_mode="HTML", disable_web_page_preview=True),
                )
            )
    await iq.answer(results, cache_time=60, is_personal=False)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Inline queries."""
    app.add_handler(InlineQueryHandler(on_inline))
