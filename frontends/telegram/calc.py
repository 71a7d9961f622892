"""/calc: choose a calculator, answer its parameters one by one, get the result with its steps, citations and the
same buttons as any answer.

The conversation runs in its own handler group before all others. A message it takes (the answer to the pending
step) stops there; anything else during a flow (a question, a command, a reply to another message) leaves the flow
with a short note and goes on to the usual handlers, so nothing traps. Flows time out after 10 minutes. In groups a
flow only takes replies to its own prompt from the user who started it. Every keyboard carries its flow id and step
inside the signed button data: a button of another step or of an ended flow has expired.
"""

from __future__ import annotations

import re
import secrets
import time
import warnings

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, TypeHandler, filters
from telegram.warnings import PTBUserWarning

from frontends.telegram.buttons import Expired, Press, button, pattern
from frontends.telegram.chats import Target, is_addressed, send, send_answer
from frontends.telegram.context import App, Ctx, Flow
from frontends.telegram.render import QUESTION_LABEL, rows_of, short_label
from frontends.telegram.services import session_key
from frontends.telegram.texts import EN, Raw, allowed, choice_label, esc, label, param_help, t, unit
from rules.base import CalcError, Param
from rules.evaluate import Rule

CHOOSING, ASKING = range(2)
END = ConversationHandler.END
FLOW_TIMEOUT_S = 600.0
VALUE_MAX = 64  # characters of a typed value worth parsing; longer text is a question, or refused
SKIP = "s"
# A value that does not parse and reads like a question leaves the flow and is answered as one.
_QUESTION = re.compile(r"[?？]|幾|多少|什麼|甚麼|嗎|怎麼|怎樣|如何|哪|是否|能否|可否|可以|\b(how|what|which|when|where|why|who|can|could|does|do|is|are|should)\b", re.I)


def looks_like_question(text: str) -> bool:
    """A question rather than a value: a question mark or word, or a long sentence."""
    return bool(_QUESTION.search(text)) or len(text.strip()) > VALUE_MAX


# --- flows ----------------------------------------------------------------------------------------------------------


def _flow_here(update: Update, context: Ctx) -> Flow | None:
    chat = update.effective_chat
    return context.user_data.flows.get(chat.id) if chat is not None and context.user_data is not None else None


def _flow_of(context: Ctx, press: Press) -> Flow:
    """The flow a press belongs to: the one running in its chat with the same id."""
    flow = context.user_data.flows.get(press.chat_id) if context.user_data is not None else None
    if flow is None or flow.id != press.args[0]:
        raise Expired
    return flow


def _end(context: Ctx, flow: Flow) -> int:
    if context.user_data is not None and context.user_data.flows.get(flow.chat_id) is flow:
        del context.user_data.flows[flow.chat_id]
    return END


def _new_flow(context: Ctx, target: Target, lang: str, calculator: str | None = None, params: dict[str, str] | None = None, question: str = "") -> Flow:
    flow = Flow(secrets.token_urlsafe(3), target.chat_id, target.user_id, target.private, lang, calculator, dict(params or {}), question=question)
    assert context.user_data is not None
    context.user_data.flows[target.chat_id] = flow
    return flow


def _title(calc: Rule | None, lang: str) -> str:
    if calc is None:
        return t(lang, "calc_menu_title")
    return calc.title_en if lang == EN else calc.title_zh


def _who(update: Update, flow: Flow) -> Raw:
    """In groups a prompt names its user (a selective reply keyboard reaches them)."""
    user = update.effective_user
    return Raw("" if flow.private or user is None else user.mention_html() + " ")


# --- asking and computing ---------------------------------------------------------------------------------------------


def _choices(p: Param) -> list[str]:
    if p.kind == "choice":
        return [c.value for c in p.choices]
    return ["yes", "no"] if p.kind == "bool" else []


def _prompt(p: Param, flow: Flow, who: Raw) -> str:
    lang = flow.lang
    u = unit(p, lang)
    lines = [t(lang, "calc_choose" if _choices(p) else "calc_ask", who=who, label=label(p, lang), unit=f" ({u})" if u and lang == EN else (f"（{u}）" if u else ""))]
    if not _choices(p):  # choices are buttons
        lines.append(t(lang, "calc_allowed", allowed=allowed(p, lang)))
        if param_help(p, lang) and p.kind != "text":  # a text parameter's help is what it allows
            lines.append(esc(param_help(p, lang)))
    if not p.required:
        lines.append(t(lang, "calc_optional"))
    if not flow.private and not _choices(p):
        lines.append(t(lang, "calc_reply_here"))
    return "\n".join(lines)


def _keyboard(p: Param, flow: Flow, target: Target, context: Ctx) -> InlineKeyboardMarkup | ForceReply | None:
    sign = target.sign(context.svc)
    labels = [t(flow.lang, "btn_yes"), t(flow.lang, "btn_no")] if p.kind == "bool" else [choice_label(p, v, flow.lang) for v in _choices(p)]
    buttons = [InlineKeyboardButton(short_label(x), callback_data=sign("c", flow.id, flow.step, i)) for i, x in enumerate(labels)]
    rows = rows_of(buttons) if buttons else []
    if not p.required:
        rows.append([InlineKeyboardButton(t(flow.lang, "btn_skip"), callback_data=sign("c", flow.id, flow.step, SKIP))])
    if rows:
        return InlineKeyboardMarkup(rows)
    return None if flow.private else ForceReply(selective=True)


async def _ask_next(update: Update, context: Ctx, flow: Flow, target: Target) -> int:
    """Ask for the next parameter (a new step), or compute when every one is given or skipped."""
    calc = context.svc.engine.calculator(flow.calculator or "")
    if calc is None:
        await send(context, target, t(flow.lang, "calc_gone"))
        return _end(context, flow)
    p = next((p for p in calc.params if p.name not in flow.params and p.name not in flow.skipped), None)
    if p is None:
        return await _compute(update, context, flow, target, calc)
    flow.pending, flow.step = p.name, flow.step + 1
    flow.prompt_id = await send(context, target, _prompt(p, flow, _who(update, flow)), _keyboard(p, flow, target, context))
    return ASKING


async def _compute(update: Update, context: Ctx, flow: Flow, target: Target, calc: Rule) -> int:
    """Run the calculator; send the result as an answer (logged, with 原文 and 👍/👎); a rule across several
    parameters that fails starts the figures over."""
    svc, question = context.svc, flow.question or f"/calc {calc.name}"
    try:
        ans = await svc.work(svc.engine.run_calculator, calc.name, dict(flow.params), flow.lang, None, question)
    except CalcError as err:
        flow.params.clear()
        flow.skipped.clear()
        await send(context, target, t(flow.lang, "calc_cannot", message=err.message_en if flow.lang == EN else err.message_zh))
        return await _ask_next(update, context, flow, target)
    _end(context, flow)
    now = time.time()
    svc.sessions.put(session_key(flow.chat_id, flow.user_id, flow.private), svc.engine.state_after(ans, now))
    qid = await svc.repo.log_question(flow.user_id, "private" if flow.private else "group", question, ans.kind, list(ans.matched), ans.score, 0.0, ans.lang)
    await send_answer(context, target, ans, qid)
    return END


def _invalid(p: Param, text: str, lang: str) -> str | None:
    """Why a typed value cannot be used (in the user's language), or None when it can."""
    if p.kind != "text" and len(text) > VALUE_MAX:
        return t(lang, "calc_too_long")
    try:
        p.coerce(text)
    except CalcError:
        return t(lang, "calc_bad_reason", allowed=allowed(p, lang))
    return None


async def _leave(context: Ctx, flow: Flow, target: Target) -> int:
    """Leave the flow with a short note; the message goes on to the usual handlers."""
    calc = context.svc.engine.calculator(flow.calculator or "")
    await send(context, target, t(flow.lang, "calc_left", title=_title(calc, flow.lang)) if calc else t(flow.lang, "calc_left_menu"))
    return _end(context, flow)


def _relation(update: Update, context: Ctx, flow: Flow) -> str:
    """"answer" (a value for the pending step), "leave" (a message for the bot about something else) or "ignore"
    (group chatter that is not for the bot)."""
    msg = update.effective_message
    reply = msg.reply_to_message if msg is not None else None
    if reply is not None and reply.message_id == flow.prompt_id:
        return "answer"
    if flow.private:
        return "answer" if reply is None else "leave"
    return "leave" if is_addressed(update, context) else "ignore"


# --- handlers -------------------------------------------------------------------------------------------------------


async def calc_start(update: Update, context: Ctx) -> int:
    """/calc: the calculator menu (a new flow; a flow before it ends)."""
    target = Target.of(update)
    if target is None:
        return END
    lang = await context.lang(update)
    flow = _new_flow(context, target, lang)
    sign = target.sign(context.svc)
    rows = [[InlineKeyboardButton(short_label(_title(c, lang), QUESTION_LABEL), callback_data=sign("m", flow.id, c.name))] for c in context.svc.engine.calculators()]
    flow.prompt_id = await send(context, target, t(lang, "calc_menu"), InlineKeyboardMarkup(rows))
    raise ApplicationHandlerStop(CHOOSING)


@button("m", 2, stop=True)
async def on_choose(update: Update, context: Ctx, press: Press) -> int:
    """A calculator chosen from this flow's menu."""
    flow = _flow_of(context, press)
    calc = context.svc.engine.calculator(press.args[1])
    if calc is None or flow.calculator is not None:
        raise Expired
    await press.query.answer()
    flow.calculator = calc.name
    await send(context, press.target, t(flow.lang, "calc_title", title=_title(calc, flow.lang), description=calc.description_en if flow.lang == EN else calc.description_zh))
    raise ApplicationHandlerStop(await _ask_next(update, context, flow, press.target))


@button("g", 2, stop=True)
async def on_continue(update: Update, context: Ctx, press: Press) -> int:
    """「一步步計算」 under an answer: that calculator, with the figures the question already gave."""
    svc = context.svc
    calc = svc.engine.calculator(press.args[0])
    qid = press.int_arg(1)
    logged = await svc.repo.question(qid) if qid > 0 else None
    if calc is None:
        raise Expired
    await press.query.answer()
    params = await svc.work(svc.engine.prefill, calc.name, logged.question) if logged is not None else {}
    flow = _new_flow(context, press.target, press.lang, calc.name, params, logged.question if logged is not None else "")
    await send(context, press.target, t(flow.lang, "calc_title", title=_title(calc, flow.lang), description=""))
    raise ApplicationHandlerStop(await _ask_next(update, context, flow, press.target))


@button("c", 3, stop=True)
async def on_choice(update: Update, context: Ctx, press: Press) -> int:
    """A keyboard answer to this flow's pending step (a choice, yes/no, or skip)."""
    flow = _flow_of(context, press)
    calc = context.svc.engine.calculator(flow.calculator or "")
    if calc is None or flow.pending is None or press.int_arg(1) != flow.step:
        raise Expired
    p = calc.param(flow.pending)
    if press.args[2] == SKIP and not p.required:
        flow.skipped.add(p.name)
    elif press.args[2] != SKIP and 0 <= press.int_arg(2) < len(_choices(p)):
        flow.params[p.name] = _choices(p)[press.int_arg(2)]
    else:
        raise Expired
    await press.query.answer()
    raise ApplicationHandlerStop(await _ask_next(update, context, flow, press.target))


async def on_value(update: Update, context: Ctx) -> int | None:
    """Typed text while a step is pending: the value (taken, or explained and asked again), else leave the flow."""
    flow, target, msg = _flow_here(update, context), Target.of(update), update.effective_message
    calc = context.svc.engine.calculator(flow.calculator or "") if flow is not None else None
    if flow is None or calc is None or flow.pending is None or target is None or msg is None or msg.text is None:
        return END
    relation = _relation(update, context, flow)
    if relation != "answer":
        return None if relation == "ignore" else await _leave(context, flow, target)
    p, text = calc.param(flow.pending), msg.text.strip()
    reason = _invalid(p, text, flow.lang)
    if (reason is not None or p.kind == "text") and looks_like_question(text):
        return await _leave(context, flow, target)
    if reason is None:
        flow.params[p.name] = text
        raise ApplicationHandlerStop(await _ask_next(update, context, flow, target))
    await send(context, target, t(flow.lang, "calc_bad_value", raw=text[:VALUE_MAX], label=label(p, flow.lang), reason=Raw(reason)))
    raise ApplicationHandlerStop(ASKING)


async def on_text_at_menu(update: Update, context: Ctx) -> int | None:
    """Typed text while the menu waits for a button: leave the menu (in groups only for text meant for the bot)."""
    flow, target = _flow_here(update, context), Target.of(update)
    if flow is None or target is None:
        return END
    if not flow.private and not is_addressed(update, context):
        return None
    return await _leave(context, flow, target)


async def on_command(update: Update, context: Ctx) -> int | None:
    """Another command during a flow: leave it; the command is handled as usual."""
    flow, target = _flow_here(update, context), Target.of(update)
    if flow is None or target is None:
        return END
    return await _leave(context, flow, target) if is_addressed(update, context) else None


async def cancel(update: Update, context: Ctx) -> int:
    """/cancel during a flow."""
    flow, target = _flow_here(update, context), Target.of(update)
    if flow is not None:
        _end(context, flow)
    if target is not None:
        await send(context, target, t(await context.lang(update), "calc_cancelled"))
    raise ApplicationHandlerStop(END)


async def no_flow(update: Update, context: Ctx) -> None:
    """/cancel with nothing to cancel."""
    target = Target.of(update)
    if target is not None:
        await send(context, target, t(await context.lang(update), "calc_none"))


async def on_timeout(update: object, context: Ctx) -> None:
    """Ten minutes without an answer: end the flow with a short notice."""
    if not isinstance(update, Update):
        return
    flow = _flow_here(update, context)
    if flow is None:
        return
    _end(context, flow)
    calc = context.svc.engine.calculator(flow.calculator or "")
    target = Target(flow.chat_id, flow.user_id, flow.private, flow.prompt_id)
    await send(context, target, t(flow.lang, "calc_timeout", who=_who(update, flow), title=_title(calc, flow.lang), minutes=round(FLOW_TIMEOUT_S / 60)))


def register(app: App, group: int, others: int) -> None:
    """The conversation in `group` (before the usual handlers); /cancel outside a flow in `others`."""
    texts = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():
        # Buttons are tracked per user and chat on purpose (their data names the flow and step); PTB's per_message hint does not apply.
        warnings.simplefilter("ignore", PTBUserWarning)
        conv: ConversationHandler[Ctx] = ConversationHandler(
            entry_points=[CommandHandler("calc", calc_start), CallbackQueryHandler(on_continue, pattern=pattern("g"))],
            states={
                CHOOSING: [CallbackQueryHandler(on_choose, pattern=pattern("m")), MessageHandler(texts, on_text_at_menu)],
                ASKING: [CallbackQueryHandler(on_choice, pattern=pattern("c")), MessageHandler(texts, on_value)],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, on_timeout)],
            },
            fallbacks=[CommandHandler("cancel", cancel), MessageHandler(filters.COMMAND, on_command)],
            allow_reentry=True,
            conversation_timeout=FLOW_TIMEOUT_S,
            name="calc",
        )
    app.add_handler(conv, group)
    app.add_handler(CommandHandler("cancel", no_flow), others)
