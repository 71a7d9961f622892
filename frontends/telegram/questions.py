"""Questions in free text, and the buttons under answers that answer again (related questions and examples,
per-school answers) or show the clause verbatim (原文); non-text messages."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from telegram import InlineKeyboardButton, Update
from telegram.constants import ChatAction
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from core.model import Answer, AnswerContext
from frontends.telegram import feedback
from frontends.telegram.buttons import Expired, Press, button, pattern
from frontends.telegram.chats import Target, addressed_text, send, send_all, send_answer
from frontends.telegram.context import App, Ctx
from frontends.telegram.render import QUESTION_LABEL, buttons_markup, rows_of, short_label, source_html
from frontends.telegram.services import session_key
from frontends.telegram.texts import EN, t

log = logging.getLogger(__name__)

TYPING_AFTER_S = 0.3


async def answer_question(context: Ctx, target: Target, text: str, lang: str, school: str | None) -> None:
    """Answer a typed question in its conversation's context (off the event loop), log it, send it with buttons."""
    svc = context.svc
    key, now = session_key(target.chat_id, target.user_id, target.private), time.time()
    typing = Typing(context, target.chat_id)
    try:
        started = time.perf_counter()
        ans, state = await svc.converse(text, AnswerContext(default_school=school, lang=lang), svc.sessions.get(key, now), now)
        svc.sessions.put(key, state)
        qid = await _log(context, target, text, ans, (time.perf_counter() - started) * 1000)
    except TimeoutError:
        log.warning("an answer took over %.0f s in chat %s; the asker was told to rephrase", svc.answer_budget_s, svc.log_id(target.chat_id))
        await typing.stop()
        await send(context, target, t(lang, "slow"))
        return
    except BaseException:
        typing.cancel()
        raise
    await typing.stop()
    await send_answer(context, target, ans, qid)


async def answer_by_button(context: Ctx, press: Press, logged_as: str, make: Callable[[], Answer | None]) -> None:
    """A button that answers (a related question, an example, one school): the answer, the dialogue state after it,
    the log; the button expires when there is nothing to answer."""
    svc = context.svc
    ans = await svc.work(make)
    if ans is None:
        raise Expired
    await press.query.answer()
    now = time.time()
    svc.sessions.put(session_key(press.chat_id, press.user_id, press.private), svc.engine.state_after(ans, now))
    qid = await _log(context, press.target, logged_as, ans, 0.0)
    await send_answer(context, press.target, ans, qid)


async def _log(context: Ctx, target: Target, question: str, ans: Answer, latency_ms: float) -> int:
    chat_type = "private" if target.private else "group"
    return await context.svc.repo.log_question(target.user_id, chat_type, question, ans.kind, list(ans.matched), ans.score, latency_ms, ans.lang)


class Typing:
    """「typing…」 when an answer takes longer than TYPING_AFTER_S (a slow disk, a busy machine): a timer, not a task
    per question. `stop` before the answer is sent: the timer is cancelled, and a typing request already on its way is
    let finish first (cancelling a request in flight would cost its connection, and the hint could follow the answer)."""

    _sending: set[asyncio.Task[None]] = set()  # requests in flight, kept from the garbage collector

    def __init__(self, context: Ctx, chat_id: int):
        self._context, self._chat_id = context, chat_id
        self._task: asyncio.Task[None] | None = None
        self._timer = asyncio.get_running_loop().call_later(TYPING_AFTER_S, self._start)

    def _start(self) -> None:
        self._task = task = asyncio.ensure_future(self._send())
        Typing._sending.add(task)
        task.add_done_callback(Typing._sending.discard)

    async def _send(self) -> None:
        try:
            await self._context.bot.send_chat_action(self._chat_id, ChatAction.TYPING)
        except Exception:  # noqa: BLE001 - a typing hint is never worth an error
            pass

    def cancel(self) -> None:
        """No hint from now on (a request on its way finishes by itself)."""
        self._timer.cancel()

    async def stop(self) -> None:
        """No hint from now on, and the one on its way (if any) delivered first."""
        self._timer.cancel()
        if self._task is not None:
            await asyncio.shield(self._task)


# --- handlers -------------------------------------------------------------------------------------------------------


async def on_text(update: Update, context: Ctx) -> None:
    """A typed message: a 👎 comment when it replies to the bot's prompt, else a question if it is for the bot."""
    if await feedback.take_comment(update, context):
        return
    text = addressed_text(update, context)
    target = Target.of(update)
    if text is None or target is None:
        return
    settings = await context.settings(update)
    await answer_question(context, target, text, await context.lang(update), settings.school)


@button("r", 1)
async def on_related(update: Update, context: Ctx, press: Press) -> None:
    """A related question, a suggestion or a /start example: that entry's answer."""
    entry = press.args[0]
    engine = context.svc.engine
    question = engine.question_of(entry, press.lang) or entry
    await answer_by_button(context, press, f"[button] {question}", lambda: engine.answer_entry(entry, press.lang))


@button("x", 1)
async def on_example(update: Update, context: Ctx, press: Press) -> None:
    """A /start or small-talk example: that question asked and answered."""
    engine = context.svc.engine
    examples = engine.examples(press.lang)
    index = press.int_arg(0)
    if not 0 <= index < len(examples):
        raise Expired
    question = examples[index].question
    await answer_by_button(context, press, question, lambda: engine.answer(question, AnswerContext(lang=press.lang)))


@button("o", 2)
async def on_school_choice(update: Update, context: Ctx, press: Press) -> None:
    """「只看某校」: the logged question answered again for one school."""
    logged = await context.svc.repo.question(press.int_arg(0))
    doc = press.args[1]
    engine = context.svc.engine
    if logged is None or engine.document(doc) is None:
        raise Expired
    ctx = AnswerContext(default_school=doc, lang=press.lang, only_school=doc)
    await answer_by_button(context, press, logged.question, lambda: engine.answer(logged.question, ctx))


@button("s", 1)
async def on_source(update: Update, context: Ctx, press: Press) -> None:
    """「原文」: the cited clause verbatim with its document, label and date."""
    src = context.svc.engine.source(press.args[0], press.lang)
    if src is None:
        raise Expired
    await press.query.answer()
    parts = source_html(press.lang, src.title_zh, src.title_en, src.short, src.clause, src.heading, src.date, src.quote, src.status)
    await send_all(context, press.target, parts)


@button("S", 1)
async def on_sources_of(update: Update, context: Ctx, press: Press) -> None:
    """「原文」 under an answer that spans several schools: offer each school's clause."""
    svc = context.svc
    logged = await svc.repo.question(press.int_arg(0))
    entries = [e for e in (logged.entries.split(",") if logged else []) if svc.engine.source(e, press.lang) is not None]
    if not entries:
        raise Expired
    await press.query.answer()
    sign = press.target.sign(svc)
    choices = [InlineKeyboardButton(short_label(_school_name(context, e, press.lang), QUESTION_LABEL), callback_data=sign("s", e)) for e in entries]
    await send(context, press.target, t(press.lang, "source_pick"), buttons_markup(rows_of(choices)))


def _school_name(context: Ctx, entry: str, lang: str) -> str:
    src = context.svc.engine.source(entry, lang)
    doc = context.svc.engine.document(src.document) if src else None
    if doc is None or src is None:
        return entry
    return f"{doc.name_en if lang == EN else doc.name_zh} {src.clause}"


async def on_non_text(update: Update, context: Ctx) -> None:
    """Stickers, photos, voice, documents: a polite 'text only' in private chats."""
    target = Target.of(update)
    if target is not None and target.private:
        await send(context, target, t(await context.lang(update), "non_text"))


def register(app: App, group: int) -> None:
    """Free text, answer buttons and non-text messages."""
    app.add_handler(CallbackQueryHandler(on_source, pattern=pattern("s")), group)
    app.add_handler(CallbackQueryHandler(on_sources_of, pattern=pattern("S")), group)
    app.add_handler(CallbackQueryHandler(on_related, pattern=pattern("r")), group)
    app.add_handler(CallbackQueryHandler(on_example, pattern=pattern("x")), group)
    app.add_handler(CallbackQueryHandler(on_school_choice, pattern=pattern("o")), group)
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGES & filters.TEXT & ~filters.COMMAND, on_text), group)
    media = (filters.Sticker.ALL | filters.PHOTO | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.Document.ALL | filters.ANIMATION
             | filters.LOCATION | filters.CONTACT | filters.VIDEO_NOTE)
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGES & media, on_non_text), group)
