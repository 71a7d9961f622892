"""Telegram handlers through python-telegram-bot's own machinery: an offline bot and process_update (see tests/tgkit.py)."""

from __future__ import annotations

import json
from typing import Any
from pathlib import Path

import pytest
from telegram.ext import ApplicationBuilder

from bootstrap import engine_from
from config import Config
from core.engine import Engine
from frontends.telegram.app import build_application
from frontends.telegram.chats import PerChatOrder
from frontends.telegram.context import App
from storage.repository import SafeRepository
from tests.botapi import BOT_USERNAME, BadRequest, FakeBotApi, check_html, make_request
from tests.conftest import ROOT
from tests.tgkit import ADMIN, GROUP, USER, bot, buttons, data, feed, last, make_app, press, services, texts  # noqa: F401 - bot is a fixture

Bot = tuple[App, FakeBotApi]


async def test_start_welcomes_with_documents_and_example_buttons(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "/start"))
    sent = api.messages_to(USER)
    assert len(sent) == 1
    assert "磨課師法規助理" in sent[0].params["text"] and "國立東華大學數位學習實施作業規範" in sent[0].params["text"]
    assert [d for _, d in buttons(sent[0])] and all(d.startswith("x:") for _, d in buttons(sent[0]))
    assert api.errors == []


async def test_question_gets_answer_with_citation_and_buttons(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "高科大學習 9 小時可以拿幾學分？"))
    sent = api.messages_to(USER)
    assert sent, "no reply"
    body = "\n".join(texts(api, USER))
    assert "0.5" in body and "國立高雄科技大學磨課師課程作業要點" in body and "出處" in body
    kinds = {d.split(":")[0] for _, d in buttons(sent[-1])}
    assert {"s", "f"} <= kinds
    assert api.errors == []


async def test_typing_action_when_an_answer_takes_a_while(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    import frontends.telegram.questions

    monkeypatch.setattr(frontends.telegram.questions, "TYPING_AFTER_S", 0.0)
    app, api = bot
    await feed(app, api.message(USER, "高科大學分怎麼算"))
    assert any(s.method == "sendchataction" and s.params.get("action") == "typing" for s in api.sent)


async def test_source_button_shows_the_clause_verbatim(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "東華遠距教學課程老師多久內要回覆學生問題？"))
    before = len(api.messages_to(USER))
    await press(app, api, USER, last(api, USER), "s")
    new = texts(api, USER)[before:]
    assert new and "一週內回覆" in new[0] and "114.04.21" in new[0] and "<blockquote" in new[0]


async def test_cancel_leaves_the_calculation(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "/calc"))
    await press(app, api, USER, last(api, USER), "m", "東華遠距教學課程教學助理")
    await feed(app, api.message(USER, "/cancel"))
    assert "取消" in texts(api, USER)[-1]
    await feed(app, api.message(USER, "東華遠距教學課程老師多久內要回覆學生問題？"))
    assert "出處" in "\n".join(texts(api, USER)[-2:])
    await feed(app, api.message(USER, "/cancel"))
    assert "沒有進行中的計算" in texts(api, USER)[-1]


async def test_inline_query_lists_top_matches(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.inline(USER, "高科大 學分"))
    calls = [s for s in api.sent if s.method == "answerinlinequery"]
    assert calls and calls[-1].params["results"]
    results = calls[-1].params["results"]
    results = json.loads(results) if isinstance(results, str) else results
    first = results[0] if isinstance(results[0], dict) else results[0].to_dict()
    assert "nkust" in first["id"] and "出處" in first["input_message_content"]["message_text"]
    assert api.errors == []


async def test_group_messages_are_ignored_unless_addressed(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "高科大學分怎麼算", chat_id=GROUP, chat_type="group"))
    assert api.messages_to(GROUP) == []
    await feed(app, api.message(USER, f"@{BOT_USERNAME} 高科大學分怎麼算", chat_id=GROUP, chat_type="group"))
    assert api.messages_to(GROUP) and "出處" in "\n".join(texts(api, GROUP))


async def test_staff_commands_are_refused_to_others_and_work_for_admins(bot: Bot) -> None:
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


async def test_non_text_messages_get_a_text_only_reply(bot: Bot) -> None:
    app, api = bot
    sticker = {"sticker": {"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1, "is_animated": False, "is_video": False, "type": "regular"}}
    await feed(app, api.message(USER, None, extra=sticker))
    assert "文字" in texts(api, USER)[-1]


async def test_forged_and_stale_buttons_say_expired(bot: Bot) -> None:
    app, api = bot
    forged = ("src:no-such-entry", "fb:abc:1", "fb:999999:1", "rel:../../etc", "sch:nkust-mooc:77777", "zzz", "calc:nope",
              "s:nkust-3:AAAAAAAAAAAAAAAAAAAAAA", "f:1|1:" + "A" * 16, "r:nkust-3", "x" * 64)
    for d in forged:
        await feed(app, api.callback(USER, d))
    answered = [s for s in api.sent if s.method == "answercallbackquery"]
    assert len(answered) == len(forged)
    assert all("此按鈕已過期" == str(a.params.get("text")) for a in answered)
    assert api.messages_to(USER) == []


async def test_answers_survive_storage_failure(engine: Engine, tmp_path: Path) -> None:
    api = FakeBotApi()
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    config = Config(token="123456:TEST-TOKEN", db_path=blocker / "sub" / "bot.sqlite3")  # nor can the key file be written there
    builder = ApplicationBuilder().request(make_request(api)).get_updates_request(make_request(api)).updater(None)
    app = build_application(config, engine, lambda: engine_from(ROOT / "knowledge"), SafeRepository(config.db_path, bytes(32)), builder=builder)
    await app.initialize()
    try:
        await feed(app, api.message(USER, "高科大學分怎麼算"))
        assert "出處" in "\n".join(texts(api, USER))
        assert services(app).repo.failures >= 1
    finally:
        await app.shutdown()


def test_html_checker_rejects_what_telegram_rejects() -> None:
    for bad in ("<b>x", "<script>x</script>", "a < b", "a & b", "<i>x</b>"):
        with pytest.raises(BadRequest):
            check_html(bad)
    assert check_html("<b>a &amp; b</b>") == "a & b"


async def test_per_chat_order_keeps_each_chats_updates_in_order() -> None:
    import asyncio
    import random

    from telegram import Update as U

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


async def test_calculator_values_with_markup_are_echoed_safely(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "/calc"))
    await press(app, api, USER, last(api, USER), "m", "高科大磨課師學分")
    await feed(app, api.message(USER, "<b>9</b> & <script>"))
    reply = texts(api, USER)[-1]
    assert "&lt;b&gt;9&lt;/b&gt; &amp; &lt;script&gt;" in reply and "不能作為" in reply
    assert api.errors == []


def _obj(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def test_an_answer_is_sent_as_html_without_link_previews_with_its_keyboard_and_in_groups_as_a_reply(bot: tuple[App, FakeBotApi]) -> None:
    app, api = bot
    await feed(app, api.message(USER, "高科大學分怎麼算"))
    sent = [s for s in api.sent if s.method == "sendmessage"][-1]
    assert sent.params["parse_mode"] == "HTML" and _obj(sent.params["link_preview_options"]) == {"is_disabled": True}
    assert _obj(sent.params["reply_markup"])["inline_keyboard"] and "reply_parameters" not in sent.params
    asked = api.message(USER, f"@{BOT_USERNAME} 高科大學分怎麼算", chat_id=GROUP, chat_type="group")
    await feed(app, asked)
    sent = [s for s in api.sent if s.method == "sendmessage"][-1]
    reply = _obj(sent.params["reply_parameters"])
    assert reply["message_id"] == asked["message"]["message_id"] and reply["allow_sending_without_reply"] is True
    assert data(last(api, GROUP), "s")  # with its buttons
