"""Questions in free text, the buttons under answers (原文, 👍/👎, related, per school) and non-text messages."""

from __future__ import annotations

import asyncio
import time

from telegram import ForceReply, Update
from telegram.constants import ChatAction, ChatType
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from core.model import AnswerContext
from frontends.telegram.common import addressed_text, callback_parts, expired, parse_int, render, send_answer, services

TYPING_AFTER_S = 0.3
COMMENT_PROMPT_ZH = "謝謝回饋！哪裡不對或不清楚？請直接回覆這則訊息（可略過）。"
COMMENT_PROMPT_EN = "Thanks! What was wrong or unclear? Reply to this message (optional)."


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a question typed in chat (private chats, or mentions and replies in groups)."""
    svc = services(context)
    msg = update.effective_message
    user = update.effective_user
    chat = update.effective_chat
    if msg is None or user is None or chat is None:
        return
    # A reply to our comment prompt is a comment on a 👎, not a question.
    prompts: dict[int, int] = context.user_data.setdefault("comment_prompts", {}) if context.user_data is not None else {}
    reply = msg.reply_to_message
    if reply is not None and reply.message_id in prompts and msg.text:
        qid = prompts.pop(reply.message_id)
        ok = await svc.repo.add_comment(user.id, qid, msg.text)
        await msg.reply_text("已收到您的意見，謝謝！ Comment received, thank you." if ok else "已收到，謝謝！ Thank you.", do_quote=False)
        return
    text = addressed_text(update, context.bot.username if context.bot else None, context.bot.id if context.bot else None)
    if text is None:
        return
    if not svc.flood.allow(user.id):
        if svc.flood.should_warn(user.id):
            await msg.reply_text("您問得太快了，請稍候一分鐘再問。 You are sending questions too quickly; please wait a minute.", do_quote=False)
        return
    if not text.strip():
        await msg.reply_text("請輸入問題，例如：高科大學習 9 小時可以拿幾學分？ Type a question, e.g. How many credits do 9 hours earn at NKUST?", do_quote=False)
        return
    typing = asyncio.create_task(_typing_later(context, chat.id))
    try:
        settings = await svc.repo.settings(user.id)
        started = time.perf_counter()
        ans = svc.engine.answer(text, AnswerContext(default_school=settings.school, lang=settings.lang))
        latency = (time.perf_counter() - started) * 1000
        qid = await svc.repo.log_question(user.id, str(chat.type), text, ans.kind, list(ans.matched), ans.score, latency, ans.lang)
    finally:
        typing.cancel()
    await send_answer(msg, svc.engine, ans, qid, ans.lang)


async def _typing_later(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """Show 「typing…」 when an answer takes longer than a moment (a slow disk, a busy machine)."""
    await asyncio.sleep(TYPING_AFTER_S)
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    except Exception:  # noqa: BLE001 - a typing hint is never worth an error
        pass


async def on_source(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """「原文」: show the cited clause verbatim with its document, label and date."""
    q = update.callback_query
    if q is None:
        return
    svc = services(context)
    parts = callback_parts(q.data, "src", 1)
    src = svc.engine.source(parts[0]) if parts else None
    if src is None:
        await expired(q)
        return
    await q.answer()
    text = f"{src.title_zh}\n{src.title_en}\n{src.clause} {src.heading}（{src.date}）\n\n「{src.quote}」"
    if src.status:
        text += f"\n\n注意：{src.status}"
    if q.message is not None:
        for part in render(text):
            await context.bot.send_message(q.message.chat.id, part, parse_mode="HTML")


async def on_feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍 / 👎: record feedback; 👎 asks for an optional comment."""
    q = update.callback_query
    if q is None or q.from_user is None:
        return
    svc = services(context)
    parts = callback_parts(q.data, "fb", 2)
    qid = parse_int(parts[0]) if parts else None
    value = parse_int(parts[1]) if parts else None
    if qid is None or value not in (1, -1) or qid <= 0:
        await expired(q)
        return
    ok = await svc.repo.add_feedback(q.from_user.id, qid, int(value))
    if not ok:
        await q.answer("這個按鈕已失效或暫時無法記錄。 Could not record this now.", show_alert=False)
        return
    if value == 1:
        await q.answer("謝謝！ Thanks!")
        return
    await q.answer()
    if q.message is not None:
        prompt = await context.bot.send_message(
            q.message.chat.id, f"{COMMENT_PROMPT_ZH}\n{COMMENT_PROMPT_EN}", reply_markup=ForceReply(selective=True)
        )
        if context.user_data is not None:
            prompts = context.user_data.setdefault("comment_prompts", {})
            prompts[prompt.message_id] = qid
            while len(prompts) > 20:
                prompts.pop(next(iter(prompts)))


async def on_related(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A related-question or suggestion button: answer from that entry."""
    q = update.callback_query
    if q is None or q.from_user is None or q.message is None:
        return
    svc = services(context)
    parts = callback_parts(q.data, "rel", 1)
    settings = await svc.repo.settings(q.from_user.id)
    ans = svc.engine.answer_entry(parts[0], settings.lang or "zh") if parts else None
    if ans is None:
        await expired(q)
        return
    await q.answer()
    qid = await svc.repo.log_question(q.from_user.id, str(q.message.chat.type), f"[button] {svc.engine.question_of(parts[0]) if parts else ''}", ans.kind, list(ans.matched), ans.score, 0.0, ans.lang)
    await send_answer(q.message, svc.engine, ans, qid, ans.lang)  # type: ignore[arg-type]


async def on_school_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """「只看某校」: answer the logged question again for one school."""
    q = update.callback_query
    if q is None or q.from_user is None or q.message is None:
        return
    svc = services(context)
    parts = callback_parts(q.data, "sch", 2)
    doc = parts[0] if parts else None
    qid = parse_int(parts[1]) if parts else None
    logged = await svc.repo.question(qid) if qid and qid > 0 else None
    if doc is None or svc.engine.document(doc) is None or logged is None:
        await expired(q)
        return
    await q.answer()
    settings = await svc.repo.settings(q.from_user.id)
    ans = svc.engine.answer(logged.question, AnswerContext(default_school=doc, lang=settings.lang, only_school=doc))
    new_qid = await svc.repo.log_question(q.from_user.id, str(q.message.chat.type), logged.question, ans.kind, list(ans.matched), ans.score, 0.0, ans.lang)
    await send_answer(q.message, svc.engine, ans, new_qid, ans.lang)  # type: ignore[arg-type]


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, documents: a polite 'text only' in private chats."""
    chat = update.effective_chat
    msg = update.effective_message
    if chat is None or msg is None or chat.type != ChatType.PRIVATE:
        return
    await msg.reply_text("目前只能讀文字訊息，請用文字輸入問題。 I can only read text; please type your question.", do_quote=False)


async def on_stale_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any other button (forged, or from an older version): say it has expired."""
    q = update.callback_query
    if q is not None:
        await expired(q)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Free text, answer buttons and non-text messages."""
    app.add_handler(CallbackQueryHandler(on_source, pattern=r"^src:"))
    app.add_handler(CallbackQueryHandler(on_feedback, pattern=r"^fb:"))
    app.add_handler(CallbackQueryHandler(on_related, pattern=r"^rel:"))
    app.add_handler(CallbackQueryHandler(on_school_choice, pattern=r"^sch:"))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGES & filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGES
            & (filters.Sticker.ALL | filters.PHOTO | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.Document.ALL | filters.ANIMATION | filters.LOCATION | filters.CONTACT | filters.VIDEO_NOTE),
            on_non_text,
        )
    )


def register_last(app: Application) -> None:  # type: ignore[type-arg]
    """Catch-all for buttons no other handler took."""
    app.add_handler(CallbackQueryHandler(on_stale_callback))


