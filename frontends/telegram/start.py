"""/start, /help, /sources, /school, /lang, and unknown commands."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from frontends.telegram.common import callback_parts, esc, expired, services

EXAMPLES = (
    "高科大學習 9 小時可以拿幾學分？",
    "逢甲標竿課程開 4 週，註冊 300 人，線上輔導鐘點總共幾小時？",
    "教育部補助 100 萬，設備費最多多少？",
    "東華修課 80 人的遠距課程可以有幾位助教？",
)

HELP_ZH = """<b>怎麼用</b>
直接輸入問題，例如「高科大學習 9 小時可以拿幾學分？」。每個回答都附上條文出處與原文。
/calc 計算器（學分、補助上限、鐘點、助教、預算、期限）
/sources 涵蓋的文件與日期
/school 設定預設學校（問題沒寫校名時使用）
/lang 中文或 English
/cancel 取消計算
小技巧：問題裡寫上校名（{names}）最準確；群組中請 @我 或回覆我的訊息。"""

HELP_EN = """<b>How to use</b>
Type a question, e.g. "How many credits do 9 learning hours earn at NKUST?". Every answer cites its clause.
/calc calculators · /sources documents · /school default school · /lang language · /cancel stop a calculation
In groups, mention me or reply to my message."""


def _school_keyboard(svc) -> InlineKeyboardMarkup:  # type: ignore[no-untyped-def]
    rows = [[InlineKeyboardButton(d.name_zh, callback_data=f"setschool:{d.id}")] for d in svc.engine.documents()]
    rows.append([InlineKeyboardButton("不設定 None", callback_data="setschool:none")])
    return InlineKeyboardMarkup(rows)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A short welcome with what the bot covers and example questions as buttons."""
    svc = services(context)
    msg = update.effective_message
    if msg is None:
        return
    documents = svc.engine.documents()
    docs = "\n".join(f"• {esc(d.title_zh)}（{esc(d.citation_date)}）" for d in documents)
    text = (
        f"您好！我是<b>磨課師法規助理</b>，回答 {len(documents)} 份磨課師相關文件的問題，並附上條文原文。\n"
        f"Hello! I answer questions on {len(documents)} Taiwanese MOOC documents, always citing the clause.\n\n"
        f"{docs}\n\n試試這些問題 Try:"
    )
    rows = [[InlineKeyboardButton(q, switch_inline_query_current_chat=q)] for q in EXAMPLES]
    await msg.reply_html(text, reply_markup=InlineKeyboardMarkup(rows), do_quote=False)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Commands and tips."""
    if update.effective_message:
        names = "、".join(esc(d.name_zh) for d in services(context).engine.documents())
        await update.effective_message.reply_html(HELP_ZH.format(names=names) + "\n\n" + HELP_EN, do_quote=False)


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The documents with their dates and status notes."""
    svc = services(context)
    if update.effective_message is None:
        return
    lines = []
    for d in svc.engine.documents():
        dates = "、".join(f"{x.roc}" for x in d.dates)
        lines.append(f"<b>{esc(d.title_zh)}</b>\n{esc(d.title_en)}\n{esc(d.issuer_zh)}｜{esc(d.kind)}｜{esc(dates)}")
        if d.status_zh:
            lines.append(f"<i>{esc(d.status_zh)}</i>")
        lines.append("")
    await update.effective_message.reply_html("\n".join(lines).strip(), do_quote=False)


async def school(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set a default school, used to settle questions that fit several schools."""
    svc = services(context)
    msg, user = update.effective_message, update.effective_user
    if msg is None or user is None:
        return
    arg = " ".join(context.args or []).strip()
    if arg:
        if arg.lower() in ("none", "無", "取消"):
            await svc.repo.set_school(user.id, None)
            await msg.reply_text("已取消預設學校。 Default school cleared.", do_quote=False)
            return
        named = svc.engine.school_of(arg)
        d = svc.engine.document(named) if named else None
        if d is not None:
            saved = await svc.repo.set_school(user.id, d.id)
            await msg.reply_text(f"預設學校：{d.name_zh}。 Default: {d.name_en}." + ("" if saved else "（暫時無法儲存 not saved now）"), do_quote=False)
            return
    current = (await svc.repo.settings(user.id)).school
    cur_doc = svc.engine.document(current) if current else None
    now = cur_doc.name_zh if cur_doc else "未設定 none"
    await msg.reply_text(f"目前預設：{now}\n請選擇預設學校 Choose a default school:", reply_markup=_school_keyboard(svc), do_quote=False)


async def on_set_school(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The /school keyboard."""
    q = update.callback_query
    if q is None or q.from_user is None:
        return
    svc = services(context)
    parts = callback_parts(q.data, "setschool", 1)
    value = parts[0] if parts else None
    doc = svc.engine.document(value) if value and value != "none" else None
    if value != "none" and doc is None:
        await expired(q)
        return
    await svc.repo.set_school(q.from_user.id, None if doc is None else doc.id)
    await q.answer("已設定 Saved")
    label = "未設定 none" if doc is None else doc.name_zh
    await q.edit_message_text(f"預設學校：{label}")


async def lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """中文 or English replies."""
    msg = update.effective_message
    if msg is None:
        return
    kb = InlineKeyboardMarkup([[InlineKeyboardButton("中文", callback_data="setlang:zh"), InlineKeyboardButton("English", callback_data="setlang:en")]])
    await msg.reply_text("請選擇回覆語言 Choose the reply language:", reply_markup=kb, do_quote=False)


async def on_set_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The /lang keyboard."""
    q = update.callback_query
    if q is None or q.from_user is None:
        return
    parts = callback_parts(q.data, "setlang", 1)
    if not parts or parts[0] not in ("zh", "en"):
        await expired(q)
        return
    await services(context).repo.set_lang(q.from_user.id, parts[0])
    await q.answer("已設定 Saved")
    await q.edit_message_text("之後以中文回覆。" if parts[0] == "zh" else "Replies will be in English.")


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command we do not have (staff commands look like this to everyone else)."""
    msg, chat = update.effective_message, update.effective_chat
    if msg is None or chat is None:
        return
    if chat.type != ChatType.PRIVATE:
        text = msg.text or ""
        name = context.bot.username or ""
        if not name or f"@{name}".lower() not in text.split()[0].lower():
            return
    await msg.reply_text("不認識這個指令，輸入 /help 查看可用指令。 Unknown command; see /help.", do_quote=False)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/start, /help, /sources, /school, /lang."""
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", help_command))
    app.add_handler(CommandHandler("sources", sources))
    app.add_handler(CommandHandler("school", school))
    app.add_handler(CommandHandler("lang", lang))
    app.add_handler(CallbackQueryHandler(on_set_school, pattern=r"^setschool:"))
    app.add_handler(CallbackQueryHandler(on_set_lang, pattern=r"^setlang:"))


def register_last(app: Application) -> None:  # type: ignore[type-arg]
    """Unknown commands, after every real one."""
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
