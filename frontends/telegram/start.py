"""/start, /help, /sources, /school, /lang, and unknown commands; all in the asker's language."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from frontends.telegram.buttons import Expired, Press, button, pattern
from frontends.telegram.chats import Target, names_us, send
from frontends.telegram.context import App, Ctx
from frontends.telegram.render import QUESTION_LABEL, pack, rows_of, short_label
from frontends.telegram.texts import EN, Raw, esc, t

NONE = "-"


async def start(update: Update, context: Ctx) -> None:
    """A short welcome: what the bot covers, and example questions as buttons that ask them."""
    target = Target.of(update)
    if target is None:
        return
    lang, engine = await context.lang(update), context.svc.engine
    docs = "\n".join(esc(line) for line in engine.covered_list(lang))
    sign = target.sign(context.svc)
    rows = [[InlineKeyboardButton(short_label(f.label, QUESTION_LABEL), callback_data=sign("x", i))] for i, f in enumerate(engine.examples(lang))]
    await send(context, target, t(lang, "start", n=len(engine.documents()), docs=Raw(docs)), InlineKeyboardMarkup(rows))


async def help_command(update: Update, context: Ctx) -> None:
    """Commands and tips."""
    target = Target.of(update)
    if target is None:
        return
    lang, engine = await context.lang(update), context.svc.engine
    names = (", " if lang == EN else "、").join(d.name_en if lang == EN else d.name_zh for d in engine.documents())
    examples = engine.examples(lang, 1)
    await send(context, target, t(lang, "help", example=examples[0].question if examples else "", names=names))


async def sources(update: Update, context: Ctx) -> None:
    """The documents with their dates and status notes."""
    target = Target.of(update)
    if target is None:
        return
    lang = await context.lang(update)
    en = lang == EN
    units: list[tuple[str, list[str]]] = []
    for d in context.svc.engine.documents():
        dates = (", " if en else "、").join(x.roc for x in d.dates)
        lines = [f"<b>{esc(d.title_en if en else d.title_zh)}</b>", esc(f"{d.issuer_en if en else d.issuer_zh} · {dates}")]
        status = d.status_en if en else d.status_zh
        units.append(("\n\n", lines + ([f"<i>{esc(status)}</i>"] if status else [])))
    for part in pack(units):
        await send(context, target, part)


async def school(update: Update, context: Ctx) -> None:
    """/school [name]: set a default school (it settles questions that fit several schools), or choose from buttons."""
    target, user = Target.of(update), update.effective_user
    if target is None or user is None:
        return
    svc, lang = context.svc, await context.lang(update)
    arg = " ".join(context.args or []).strip()[:100]
    named = svc.engine.document(svc.engine.school_of(arg) or "") if arg else None
    if named is not None:
        saved = await svc.repo.set_school(user.id, named.id)
        await send(context, target, t(lang, "school_set", name=named.name_en if lang == EN else named.name_zh) + ("" if saved else t(lang, "not_saved")))
        return
    current = svc.engine.document((await context.settings(update)).school or "")
    now = t(lang, "school_none") if current is None else esc(current.name_en if lang == EN else current.name_zh)
    sign = target.sign(svc)
    buttons = [InlineKeyboardButton(d.name_en if lang == EN else d.name_zh, callback_data=sign("d", d.id)) for d in svc.engine.documents()]
    rows = rows_of(buttons) + [[InlineKeyboardButton(t(lang, "btn_none"), callback_data=sign("d", NONE))]]
    await send(context, target, t(lang, "school_menu", name=Raw(now)), InlineKeyboardMarkup(rows))


@button("d", 1)
async def on_set_school(update: Update, context: Ctx, press: Press) -> None:
    """The /school keyboard."""
    svc = context.svc
    doc = svc.engine.document(press.args[0]) if press.args[0] != NONE else None
    if press.args[0] != NONE and doc is None:
        raise Expired
    saved = await svc.repo.set_school(press.user_id, None if doc is None else doc.id)
    await press.query.answer()
    text = t(press.lang, "school_cleared") if doc is None else t(press.lang, "school_set", name=doc.name_en if press.lang == EN else doc.name_zh)
    await press.query.edit_message_text(text + ("" if saved else t(press.lang, "not_saved")))


async def lang(update: Update, context: Ctx) -> None:
    """中文 or English."""
    target = Target.of(update)
    if target is None:
        return
    sign = target.sign(context.svc)
    kb = InlineKeyboardMarkup([[InlineKeyboardButton("中文", callback_data=sign("l", "zh")), InlineKeyboardButton("English", callback_data=sign("l", EN))]])
    await send(context, target, t(await context.lang(update), "lang_menu"), kb)


@button("l", 1)
async def on_set_lang(update: Update, context: Ctx, press: Press) -> None:
    """The /lang keyboard."""
    if press.args[0] not in ("zh", EN):
        raise Expired
    await context.svc.repo.set_lang(press.user_id, press.args[0])
    await press.query.answer()
    await press.query.edit_message_text(t(press.args[0], "lang_set"))


async def unknown_command(update: Update, context: Ctx) -> None:
    """A command we do not have (staff commands look like this to everyone else); in groups only when it names us
    (`/x@bot`: a bare `/x` may be for another bot)."""
    target, msg = Target.of(update), update.effective_message
    if target is not None and msg is not None and (target.private or names_us(msg, context.bot.username)):
        await send(context, target, t(await context.lang(update), "unknown_command"))


def register(app: App, group: int) -> None:
    """/start, /help, /sources, /school, /lang and their buttons."""
    app.add_handler(CommandHandler("start", start), group)
    app.add_handler(CommandHandler("help", help_command), group)
    app.add_handler(CommandHandler("sources", sources), group)
    app.add_handler(CommandHandler("school", school), group)
    app.add_handler(CommandHandler("lang", lang), group)
    app.add_handler(CallbackQueryHandler(on_set_school, pattern=pattern("d")), group)
    app.add_handler(CallbackQueryHandler(on_set_lang, pattern=pattern("l")), group)


def register_last(app: App, group: int) -> None:
    """Unknown commands, after every real one."""
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command), group)
