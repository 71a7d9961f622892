"""Telegram handlers through python-telegram-bot's own machinery: an offline bot and process_update."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from bootstrap import engine_from
from tests.conftest import ROOT
from config import Config
from core.engine import Engine
from frontends.telegram.app import build_application
from frontends.telegram.common import render, split_messages, to_html_lines
from storage.repository import SafeRepository
from tests.botapi import BOT_USERNAME, BadRequest, FakeBotApi, check_html, make_request

ADMIN = 4242
USER = 1001


@pytest.fixture()
async def bot(engine: Engine, tmp_path: Path) -> AsyncIterator[tuple[Application, FakeBotApi]]:  # type: ignore[type-arg]
    api = FakeBotApi()
    config = Config(token="123456:TEST-TOKEN", admin_ids=frozenset({ADMIN}), db_path=tmp_path / "bot.sqlite3")
    builder = ApplicationBuilder().request(make_request(api)).get_updates_request(make_request(api)).updater(None)
    app = build_application(config, engine, lambda: engine_from(ROOT / "knowledge"), SafeRepository(config.db_path, bytes(32)), builder=builder)
    await app.initialize()
    try:
        yield app, api
    finally:
        await app.bot_data["services"].repo.close()
        await app.shutdown()


async def feed(app: Application, update: dict[str, Any]) -> None:  # type: ignore[type-arg]
    await app.process_update(Update.de_json(update, app.bot))


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [str(s.params.get("text", "")) for s in api.messages_to(chat_id)]


def keyboard(sent_params: dict[str, Any]) -> list[str]:
    markup = sent_params.get("reply_markup")
    if not markup:
        return []
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not isinstance(markup, dict):
        markup = markup.to_dict()
    return [b.get("callback_data") or b.get("switch_inline_query_current_chat") or "" for row in markup.get("inline_keyboard", []) for b in row]


async def test_start_welcomes_with_documents_and_example_buttons(bot) -> None:  # type: ignore[no-untyped-def]
    app, api = bot
    await feed(app, api.message(USER, "/start"))
    sent = api.messages_to(USER)
    assert len(sent) == 1
    assert "磨課師法規助理" in sent[0].params["text"] and "國立東華大學數位學習實施作業規範" in sent[0].params["text"]
    assert any("高科大" in b for b in keyboard(sent[0].params))
    assert api.errors == []


async def test_question_gets_answer_with_citation_and_buttons(bot) -> None:  # type: ignore[no-untyped-def]
    app, api = bot
    await feed(app, api.message(USER, "高科大學習 9 小時可以拿幾學分？"))
    sent = api.messages_to(USER)
    assert sent, "no reply"
    body = "\n".join(texts(api, USER))
    assert "0.5" in body and "國立高雄科技大學磨課師課程作業要點" in body and "出處" in body
    buttons = keyboard(sent[-1].params)
    assert any(b.startswith("src:") for b in buttons)
    assert any(b.startswith("fb:") for b in buttons)
    assert api.errors == []


async def test_typing_action_when_an_answer_takes_a_while(bot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import frontends.telegram.questions

    monkeypatch.setattr(frontends.telegram.questions, "TYPING_AFTER_S", 0.0)
    app, api = bot
    await feed(app, api.message(USER, "高科大學分怎麼算"))
    assert any(s.method == "sendchataction" and s.params.get("action") == "typing" for s in api.sent)


async def test_source_button_shows_the_clause_verbatim(bot) -> None:  # type: ignore[no-untyped-def]
    app, api = bot
    await feed(app, api.message(USER, "東華遠距教學課程老師多久內要回覆學生問題？"))
    src = next(b for b in keyboard(api.messages_to(USER)[-1].params) if b.startswith("src:"))
    before = len(api.messages_to(USER))
    await feed(app, api.callback(USER, src))
    new = texts(api, USER)[before:]
    assert new and "一週內回覆" in new[0] and "114.04.21" in new[0]


async def test_thumbs_down_asks_for_a_comment_and_stores_it(bot) -> None:  # type: ignore[no-untyped-def]
    app, api = bot
    await feed(app, api.message(USER, "教育部磨課師補助經費分幾期撥付？"))
    fb_down = next(b for b in keyboard(api.messages_to(USER)[-1].params) if b.startswith("fb:") and b.endswith(":-1"))
    await feed(app, api.callback(USER, fb_down))
    prompt = api.messages_to(USER)[-1]
    assert "回饋" in prompt.params["text"]
    prompt_msg = {"message_id": 999999, "date": 0, "chat": {"id": USER, "type": "private"}, "from": {"id": 900000001, "is_bot": True, "first_name": "MOOC"}, "text": "x"}
    # The bot remembers the prompt by its message id: answer it by replying to the same id.
    repo = app.bot_data["services"].repo
    prompts = app.user_data[USER]["comment_prompts"]
    (prompt_id, qid), = prompts.items()
    prompt_msg["message_id"] = prompt_id
    await feed(app, api.message(USER, "答案少了第三期的比例", reply_to=prompt_msg))
    assert "意見" in texts(api, USER)[-1]
    rows = await repo.unanswered()
    assert any(r.id == qid and r.comment == "答案少了第三期的比例" and r.feedback == -1 for r in rows)


async def test_calc_flow_asks_each_parameter_validates_and_computes(bot) -> None:  # type: ignore[no-untyped-def]
    app, api = bot
    await feed(app, api.message(USER, "/calc"))
    assert "calc:fcu_tutoring_hours" in keyboard(api.messages_to(USER)[-1].params)
    await feed(app, api.callback(USER, "calc:fcu_tutoring_hours"))
    assert "課程等級" in texts(api, USER)[-1]
    assert "ch:benchmark" in keyboard(api.messages_to(USER)[-1].params)
    await feed(app, api.callback(USER, "ch:benchmark"))
    assert "開課週數" in texts(api, USER)[-1]
    await feed(app, api.message(USER, "四週半"))  # not a whole number: explained and asked again
    assert "不行" in texts(api, USER)[-1]
    await feed(app, api.message(USER, "4"))
    assert "線上註冊" in texts(api, USER)[-1]
    await feed(app, api.message(USER, "三百"))
    await feed(app, api.callback(USER, "ch:__skip__"))  # the optional hourly rate
    result = texts(api, USER)[-1]
    assert "36" in result and "附表" in result
    assert api.errors == []


async def test_cancel_leaves_the_calculation(bot) -> None:  # type: ignore[no-untyped-def]
    app, api = bot
    await feed(app, api.message(USER, "/calc"))
    await feed(app, api.callback(USER, "calc:ndhu_teaching_assistants"))
    await feed(app, api.message(USER, "/cancel"))
    assert "取消" in texts(api, USER)[-1]
    await feed(app, api.message(USER, "東華遠距教學課程老師多久內要回覆學生問題？"))
    assert "出處" in "\n".join(texts(api, USER)[-2:])


async def test_inline_query_lists_top_matches(bot) -> None:  # type: ignore[no-untyped-def]
    app, api = bot
    await feed(app, api.inline(USER, "高科大 學分"))
    calls = [s for s in api.sent if s.method == "answerinlinequery"]
    assert calls and calls[-1].params["results"]
    results = calls[-1].params["results"]
    results = json.loads(results) if isinstance(results, str) else results
    first = results[0] if isinstance(results[0], dict) else results[0].to_dict()
    assert "nkust" in first["id"] and "出處" in first["input_message_content"]["message_text"]
    assert api.errors == []


async def test_group_messages_are_ignored_unless_addressed(bot) -> None:  # type: ignore[no-untyped-def]
    app, api = bot
    group = -5001
    await feed(app, api.message(USER, "高科大學分怎麼算", chat_id=group, chat_type="group"))
    assert api.messages_to(group) == []
    await feed(app, api.message(USER, f"@{BOT_USERNAME} 高科大學分怎麼算", chat_id=group, chat_type="group"))
    assert api.messages_to(group) and "出處" in texts(api, group)[-1]


async def test_staff_commands_are_refused_to_others_and_work_for_admins(bot) -> None:  # type: ignore[no-untyped-def]
    app, api = bot
    await feed(app, api.message(USER, "高科大學分怎麼算"))
    await feed(app, api.message(USER, "今天天氣如何"))
    for cmd in ("/stats", "/unanswered", "/reload"):
        await feed(app, api.message(USER, cmd))
        assert "不認識這個指令" in texts(api, USER)[-1]
    await feed(app, api.message(ADMIN, "/stats"))
    assert "近 30 天" in texts(api, ADMIN)[0]
    assert any(s.method == "sendphoto" for s in api.messages_to(ADMIN))
    await feed(app, api.message(ADMIN, "/unanswered"))
    assert api.messages_to(ADMIN)[-1].method == "senddocument"
    await feed(app, api.message(ADMIN, "/reload"))
    assert "已重新載入" in texts(api, ADMIN)[-1]


async def test_non_text_messages_get_a_text_only_reply(bot) -> None:  # type: ignore[no-untyped-def]
    app, api = bot
    sticker = {"sticker": {"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1, "is_animated": False, "is_video": False, "type": "regular"}}
    await feed(app, api.message(USER, None, extra=sticker))
    assert "文字" in texts(api, USER)[-1]


async def test_forged_and_stale_buttons_say_expired(bot) -> None:  # type: ignore[no-untyped-def]
    app, api = bot
    for data in ("src:no-such-entry", "fb:abc:1", "fb:999999:1", "rel:../../etc", "sch:nkust-mooc:77777", "zzz", "calc:nope"):
        await feed(app, api.callback(USER, data))
    answers = [s for s in api.sent if s.method == "answercallbackquery"]
    assert len(answers) == 7
    assert all("失效" in str(a.params.get("text", "")) for a in answers if a.params.get("text"))


async def test_answers_survive_storage_failure(engine: Engine, tmp_path: Path) -> None:
    api = FakeBotApi()
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    config = Config(token="123456:TEST-TOKEN", db_path=blocker / "sub" / "bot.sqlite3")
    builder = ApplicationBuilder().request(make_request(api)).get_updates_request(make_request(api)).updater(None)
    app = build_application(config, engine, lambda: engine_from(ROOT / "knowledge"), SafeRepository(config.db_path, bytes(32)), builder=builder)
    await app.initialize()
    try:
        await feed(app, api.message(USER, "高科大學分怎麼算"))
        assert "出處" in "\n".join(texts(api, USER))
        assert app.bot_data["services"].repo.failures >= 1
    finally:
        await app.shutdown()


def test_long_replies_split_under_the_limit_and_stay_valid_html() -> None:
    text = "\n".join(["出處：<b>&x</b> " + "很長的條文" * 50] * 40 + ["「" + "引" * 9000 + "」"])
    parts = render(text)
    assert len(parts) > 1
    for part in parts:
        plain = check_html(part)
        assert len(part.encode("utf-16-le")) // 2 <= 4096
        assert plain
    assert "&lt;b&gt;&amp;x&lt;/b&gt;" in parts[0]


def test_html_checker_rejects_what_telegram_rejects() -> None:
    for bad in ("<b>x", "<script>x</script>", "a < b", "a & b", "<i>x</b>"):
        with pytest.raises(BadRequest):
            check_html(bad)
    assert check_html("<b>a &amp; b</b>") == "a & b"


def test_split_never_cuts_inside_a_line() -> None:
    lines = to_html_lines("\n".join(f"<i>第{i}行</i>" for i in range(2000)))
    parts = split_messages(lines, limit=500)
    assert "\n".join(parts).split("\n") == [ln for ln in lines if ln]


async def test_per_chat_order_keeps_each_chats_updates_in_order() -> None:
    import asyncio
    import random

    from telegram import Update as U

    from frontends.telegram.common import PerChatOrder

    proc = PerChatOrder(32)
    seen: dict[int, list[int]] = {1: [], 2: [], 3: []}
    rng = random.Random(3)

    async def work(chat: int, n: int) -> None:
        await asyncio.sleep(rng.random() / 200)
        seen[chat].append(n)

    api = FakeBotApi()
    tasks = []
    for n in range(60):
        chat = 1 + n % 3
        upd = U.de_json(api.message(chat, f"q{n}"), None)
        tasks.append(asyncio.create_task(proc.process_update(upd, work(chat, n))))
    await asyncio.gather(*tasks)
    for chat, ns in seen.items():
        assert ns == sorted(ns) and len(ns) == 20
    assert proc._locks == {}


async def test_calculator_values_with_markup_are_echoed_safely(bot) -> None:  # type: ignore[no-untyped-def]
    app, api = bot
    await feed(app, api.message(USER, "/calc"))
    await feed(app, api.callback(USER, "calc:nkust_credits"))
    await feed(app, api.message(USER, "<b>9</b> & <script>"))
    reply = texts(api, USER)[-1]
    assert "&lt;b&gt;9&lt;/b&gt; &amp; &lt;script&gt;" in reply and "不行" in reply
    assert api.errors == []
