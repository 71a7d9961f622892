"""/calc: choose a calculator, answer its parameters one by one (validated), get the result with steps and citations."""

from __future__ import annotations

import warnings
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.warnings import PTBUserWarning
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, ConversationHandler, MessageHandler, filters

from rules.base import CalcError, Param
from frontends.telegram.common import callback_parts, esc, expired, parse_int, render_answer, services

CHOOSING, ASKING = range(2)
SKIP = "__skip__"


def _menu(svc) -> InlineKeyboardMarkup:  # type: ignore[no-untyped-def]
    rows = [[InlineKeyboardButton(c.title_zh, callback_data=f"calc:{c.name}")] for c in svc.engine.calculators()]
    return InlineKeyboardMarkup(rows)


async def calc_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Show the calculators."""
    msg = update.effective_message
    if msg is None:
        return ConversationHandler.END
    await msg.reply_text("請選擇計算器（隨時輸入 /cancel 取消）：\nChoose a calculator (/cancel to stop):", reply_markup=_menu(services(context)), do_quote=False)
    return CHOOSING


def _state(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    assert context.user_data is not None
    return context.user_data.setdefault("calc", {})  # type: ignore[no-any-return]


async def _ask_next(message: Message, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Ask for the next parameter, or compute when none is left."""
    svc = services(context)
    st = _state(context)
    calc = svc.engine.calculator(st.get("name", ""))
    if calc is None:
        await message.reply_text("這個計算已失效，請重新輸入 /calc。 This calculation expired; send /calc again.", do_quote=False)
        return ConversationHandler.END
    done: dict[str, Any] = st.setdefault("params", {})
    skipped: set[str] = set(st.setdefault("skipped", []))
    for p in calc.params:
        if p.name in done or p.name in skipped:
            continue
        st["pending"] = p.name
        await message.reply_text(_question(p), reply_markup=_param_keyboard(p), do_quote=False)
        return ASKING
    try:
        ans = svc.engine.run_calculator(calc.name, {k: v for k, v in done.items()}, "zh", question=f"/calc {calc.name}")
    except CalcError as err:
        # A rule that involves several parameters failed: start this calculator over.
        st["params"] = {}
        st["skipped"] = []
        await message.reply_text(f"無法計算：{err.message_zh}\n{err.message_en}\n請重新輸入。", do_quote=False)
        return await _ask_next(message, context)
    for part in render_answer(ans):
        await message.reply_html(part, do_quote=False)
    context.user_data.pop("calc", None)  # type: ignore[union-attr]
    return ConversationHandler.END


def _question(p: Param) -> str:
    unit = f"（{p.unit_zh}）" if p.unit_zh else ""
    rng = "" if p.kind in ("choice", "bool") else f"\n範圍 Range: {p.allowed()}"
    opt = "" if p.required else "\n（可略過 optional）"
    return f"請輸入{p.label_zh}{unit}\nEnter {p.label_en}{rng}{opt}"


def _param_keyboard(p: Param) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    if p.kind == "choice":
        rows = [[InlineKeyboardButton(c.label_zh[:40], callback_data=f"ch:{c.value}")] for c in p.choices]
    elif p.kind == "bool":
        rows = [[InlineKeyboardButton("是 Yes", callback_data="ch:yes"), InlineKeyboardButton("否 No", callback_data="ch:no")]]
    if not p.required:
        rows.append([InlineKeyboardButton("略過 Skip", callback_data=f"ch:{SKIP}")])
    return InlineKeyboardMarkup(rows) if rows else None


async def on_choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A calculator was chosen from the menu."""
    q = update.callback_query
    if q is None or q.message is None:
        return ConversationHandler.END
    svc = services(context)
    parts = callback_parts(q.data, "calc", 1)
    calc = svc.engine.calculator(parts[0]) if parts else None
    if calc is None:
        await expired(q)
        return ConversationHandler.END
    await q.answer()
    context.user_data["calc"] = {"name": calc.name, "params": {}, "skipped": []}  # type: ignore[index]
    await q.message.reply_text(f"{calc.title_zh} / {calc.title_en}\n{calc.description_zh}", do_quote=False)  # type: ignore[union-attr,attr-defined]
    return await _ask_next(q.message, context)  # type: ignore[arg-type]


async def on_continue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """「一步步計算」 under an answer: continue a free-text calculation that lacked a figure."""
    q = update.callback_query
    if q is None or q.message is None:
        return ConversationHandler.END
    svc = services(context)
    parts = callback_parts(q.data, "calcgo", 2)
    qid = parse_int(parts[1]) if parts else None
    logged = await svc.repo.question(qid) if qid and qid > 0 else None
    calc = svc.engine.calculator(parts[0]) if parts else None
    if calc is None:
        await expired(q)
        return ConversationHandler.END
    await q.answer()
    params: dict[str, Any] = svc.engine.prefill(calc.name, logged.question) if logged is not None else {}
    context.user_data["calc"] = {"name": calc.name, "params": params, "skipped": []}  # type: ignore[index]
    await q.message.reply_text(f"{calc.title_zh} / {calc.title_en}", do_quote=False)  # type: ignore[union-attr,attr-defined]
    return await _ask_next(q.message, context)  # type: ignore[arg-type]


async def on_value(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A typed value for the pending parameter: validated, or explained and asked again."""
    msg = update.effective_message
    if msg is None or msg.text is None:
        return ASKING
    return await _take(msg, context, msg.text)


async def on_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A keyboard choice for the pending parameter."""
    q = update.callback_query
    if q is None or q.message is None:
        return ASKING
    parts = callback_parts(q.data, "ch", 1)
    if not parts:
        await expired(q)
        return ASKING
    await q.answer()
    return await _take(q.message, context, parts[0])  # type: ignore[arg-type]


async def _take(message: Message, context: ContextTypes.DEFAULT_TYPE, raw: str) -> int:
    svc = services(context)
    st = _state(context)
    calc = svc.engine.calculator(st.get("name", ""))
    pending = st.get("pending")
    if calc is None or pending is None:
        await message.reply_text("這個計算已失效，請重新輸入 /calc。 This calculation expired; send /calc again.", do_quote=False)
        return ConversationHandler.END
    p = calc.param(pending)
    if raw == SKIP:
        if p.required:
            await message.reply_text("這一項必填。 This one is required.", do_quote=False)
            return ASKING
        st["skipped"].append(p.name)
        return await _ask_next(message, context)
    try:
        p.coerce(raw)
    except CalcError as err:
        await message.reply_html(
            f"「{esc(raw[:80])}」不行：{esc(err.message_zh)}\n{esc(err.message_en)}\n請再輸入一次（/cancel 取消）。", do_quote=False
        )
        return ASKING
    st["params"][p.name] = raw
    return await _ask_next(message, context)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Leave the calculation."""
    if context.user_data is not None:
        context.user_data.pop("calc", None)
    if update.effective_message:
        await update.effective_message.reply_text("已取消計算。 Calculation cancelled.", do_quote=False)
    return ConversationHandler.END


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The /calc conversation (registered first, so that it sees values before the question handler)."""
    with warnings.catch_warnings():
        # Buttons are tracked per user and chat on purpose; PTB's per_message hint does not apply.
        warnings.simplefilter("ignore", PTBUserWarning)
        conv = _conversation()
    app.add_handler(conv)
    app.add_handler(CommandHandler("cancel", cancel))


def _conversation() -> ConversationHandler:  # type: ignore[type-arg]
    return ConversationHandler(
        entry_points=[
            CommandHandler("calc", calc_start),
            CallbackQueryHandler(on_continue, pattern=r"^calcgo:"),
            CallbackQueryHandler(on_choose, pattern=r"^calc:"),
        ],
        states={
            CHOOSING: [CallbackQueryHandler(on_choose, pattern=r"^calc:")],
            ASKING: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, on_value),
                CallbackQueryHandler(on_choice, pattern=r"^ch:"),
            ],
        },
        fallbacks=[CommandHandler("cancel", cancel), CommandHandler("calc", calc_start)],
        allow_reentry=True,
        name="calc",
    )
