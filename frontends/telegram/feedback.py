"""👍 / 👎 under answers (one vote per user and answer, changeable) and the optional comment after 👎: a reply to the
bot's prompt, matched to its question through the database so that it also works after a restart."""

from __future__ import annotations

import logging

from telegram import ForceReply, Update
from telegram.ext import CallbackQueryHandler

from frontends.telegram.buttons import Expired, Press, button, pattern
from frontends.telegram.chats import Target, reply_to_bot, send
from frontends.telegram.context import App, Ctx, Prompt
from frontends.telegram.texts import Raw, t

log = logging.getLogger(__name__)


@button("f", 2)
async def on_vote(update: Update, context: Ctx, press: Press) -> None:
    """Record the vote; a new or changed 👎 asks for a comment."""
    qid, value = press.int_arg(0), press.int_arg(1)
    if qid <= 0 or value not in (1, -1):
        raise Expired
    result = await context.svc.repo.vote(press.user_id, qid, value)
    if result == "missing":
        raise Expired  # the logged question is gone (retention)
    if result in ("failed", "same") or value == 1:
        key = {"failed": "vote_failed", "same": "vote_same", "changed": "vote_changed"}.get(result, "thanks")
        await press.query.answer(t(press.lang, key))
        return
    await press.query.answer()
    await _ask_comment(context, press, qid)


async def _ask_comment(context: Ctx, press: Press, question_id: int) -> None:
    who = "" if press.private else press.query.from_user.mention_html() + " "
    prompt = await send(context, press.target, t(press.lang, "comment_prompt", who=Raw(who)), ForceReply(selective=True))
    if context.chat_data is not None:
        context.chat_data.prompt(prompt, Prompt(press.user_id, question_id))
    await context.svc.repo.remember_prompt(press.chat_id, prompt, press.user_id, question_id)


async def take_comment(update: Update, context: Ctx) -> bool:
    """True when the message replies to a 👎 comment prompt and is dealt with here: stored when it is the prompted
    user's; ignored when another member's (unless it mentions the bot, then it is a question)."""
    msg, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if msg is None or user is None or chat is None or not msg.text or not reply_to_bot(msg, context.bot.id):
        return False
    assert msg.reply_to_message is not None
    found = await _prompt_of(context, chat.id, msg.reply_to_message.message_id, user.id)
    if found is None:
        return False
    question_id, mine = found
    if not mine:
        return f"@{context.bot.username}".lower() not in msg.text.lower()
    ok = await context.svc.repo.add_comment(user.id, question_id, msg.text)
    target = Target.of(update)
    if target is not None:
        await send(context, target, t(await context.lang(update), "comment_saved" if ok else "comment_failed"))
    return True


async def _prompt_of(context: Ctx, chat_id: int, message_id: int, user_id: int) -> tuple[int, bool] | None:
    """(question id, sent to this user) of a comment prompt: from memory, else from the database (after a restart)."""
    known = context.chat_data.prompts.get(message_id) if context.chat_data is not None else None
    if known is not None:
        return known.question_id, known.user_id == user_id
    stored = await context.svc.repo.prompt_owner(chat_id, message_id, user_id)
    return None if stored is None else (stored.question_id, stored.mine)


def register(app: App, group: int) -> None:
    """The vote buttons (comments arrive through the text handler)."""
    app.add_handler(CallbackQueryHandler(on_vote, pattern=pattern("f")), group)
