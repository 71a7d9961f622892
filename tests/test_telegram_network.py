"""The Bot API requests over aiohttp (frontends/telegram/network.py) against the HTTP test server: what arrives, how
many connections, errors and time-outs; and the whole application over it keeping each chat's order."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import ApplicationBuilder

from bootstrap import engine_from
from config import Config
from core.dialogue import EMPTY, DialogueState
from core.engine import Engine
from core.model import AnswerContext
from frontends.telegram.app import build_application
from frontends.telegram.context import App
from frontends.telegram.network import AiohttpRequest, PatientRequest
from frontends.telegram.render import answer_html
from frontends.telegram.texts import ZH
from storage.repository import SafeRepository
from tests.botapi import BotApiServer
from tests.conftest import ROOT


async def test_what_is_sent_arrives_as_python_telegram_bot_sends_it() -> None:
    with BotApiServer() as server:
        api = server.api
        async with Bot(server.token, base_url=server.base_url, request=AiohttpRequest(4)) as bot:
            assert bot.username == "mooc_regs_test_bot"
            text = "<b>高科大</b> 9 小時 &amp; 1+1=2 %20 ?&amp;x=y\n第二行 🎓"
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("原文", callback_data="s:nkust-3:abc")]])
            msg = await bot.send_message(42, text, parse_mode="HTML", reply_markup=markup)
            assert msg.message_id > 0 and msg.chat.id == 42
            sent = api.messages_to(42)[-1]
            assert sent.params["text"] == text and sent.params["parse_mode"] == "HTML"
            assert json.loads(sent.params["reply_markup"]) == {"inline_keyboard": [[{"text": "原文", "callback_data": "s:nkust-3:abc"}]]}
            await bot.send_document(42, b"\x89PNG fake bytes", filename="chart.png", caption="圖")
            doc = api.messages_to(42)[-1]
            assert doc.method == "senddocument" and doc.params["document"] == "<file 15 bytes>" and doc.params["caption"] == "圖"
            with pytest.raises(BadRequest, match="end tag"):
                await bot.send_message(42, "<b>unclosed", parse_mode="HTML")


async def test_connections_are_kept_alive_and_never_more_than_the_pool() -> None:
    with BotApiServer() as server:
        api = server.api
        async with Bot(server.token, base_url=server.base_url, request=AiohttpRequest(8)) as bot:
            for i in range(30):
                await bot.send_message(1, f"one at a time {i}")
            assert api.connections == 1
            api.delay_s = 0.01
            await asyncio.gather(*(bot.send_message(2 + i % 50, f"at once {i}") for i in range(400)))
            assert api.connections <= 8
            assert sum(len(api.messages_to(2 + c)) for c in range(50)) == 400


async def test_failures_raise_what_python_telegram_bot_expects() -> None:
    with BotApiServer() as server:
        api = server.api
        async with Bot(server.token, base_url=server.base_url, request=AiohttpRequest(1, read_timeout=0.3, connect_timeout=0.05, pool_timeout=0.05)) as bot:
            api.delay_s = 0.6
            with pytest.raises(TimedOut):
                await bot.send_message(1, "slow")
            api.delay_s = 0.25
            # One connection: the second call waits for it longer than the pool and connect time-outs together.
            results = await asyncio.gather(bot.send_message(1, "first"), bot.send_message(1, "second"), return_exceptions=True)
            assert any(isinstance(r, TimedOut) for r in results) and any(not isinstance(r, Exception) for r in results)
            api.delay_s = 0
            api.down = True
            with pytest.raises(NetworkError):
                await bot.send_message(1, "outage")
            api.down = False
            assert (await bot.send_message(1, "back")).text == "back"
    request = AiohttpRequest(1)
    with pytest.raises(RuntimeError):  # not initialised
        await request.do_request(f"{server.base_url}{server.token}/getMe", "POST")
    await request.initialize()
    with pytest.raises(NetworkError):  # the server has gone: connection refused
        await request.do_request(f"http://127.0.0.1:{server.port}/bot{server.token}/getMe", "POST")
    await request.shutdown()


def test_the_proxy_comes_from_the_environment_once_per_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    request = AiohttpRequest()
    assert request._url("https://api.telegram.org/bot1:x/sendMessage")[1] == "http://proxy.example:3128"
    assert request._url("http://127.0.0.1:8081/bot1:x/sendMessage")[1] is None
    parsed, _ = request._url("https://api.telegram.org/bot1:x/sendMessage")
    assert parsed is request._url("https://api.telegram.org/bot1:x/sendMessage")[0]  # parsed once
    assert AiohttpRequest(proxy="http://other:1")._url("https://api.telegram.org/bot1:x/getMe")[1] == "http://other:1"


async def test_patient_request_is_the_aiohttp_request() -> None:
    assert issubclass(PatientRequest, AiohttpRequest)


def _app_over_http(server: BotApiServer, engine: Engine, tmp_path: Path) -> App:
    """The application as build_application makes it, but its requests to the test server and without an updater
    (updates are put in its queue)."""
    cfg = Config(token=server.token, base_url=server.base_url, db_path=tmp_path / "db.sqlite3", flood_limit=1000, rate_limiter=False,
                 user_id_secret="0123456789abcdef0123456789abcdef")
    builder = ApplicationBuilder().request(PatientRequest(connection_pool_size=16)).get_updates_request(PatientRequest(connection_pool_size=1)).updater(None)
    return build_application(cfg, engine, lambda: engine_from(ROOT / "knowledge"), SafeRepository(cfg.db_path, bytes(32)), builder=builder)


async def test_a_typing_hint_on_its_way_arrives_before_the_answer_and_keeps_its_connection(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import frontends.telegram.questions

    monkeypatch.setattr(frontends.telegram.questions, "TYPING_AFTER_S", 0.0)  # every answer is "slow"
    with BotApiServer() as server:
        api = server.api
        app = _app_over_http(server, engine, tmp_path)
        async with app:
            api.delay_s = 0.05  # the hint is still on its way when the answer is ready
            for q in ("高科大學分怎麼算", "東華遠距教學課程老師多久內要回覆學生問題？", "高科大學習 9 小時可以拿幾學分？"):
                await app.process_update(Update.de_json(api.message(77, q), app.bot))
            svc = app.bot_data.services
            assert svc is not None
            await svc.repo.close()
        methods = [s.method for s in api.sent if s.params.get("chat_id") in (77, "77")]
        # Each answer: its hint, then its message(s); never a hint after an answer's first message.
        assert re.fullmatch(r"(T(M)+){3}", "".join("T" if m == "sendchataction" else "M" for m in methods)), methods
        assert api.connections == 1  # no request was cut short


async def test_the_application_over_http_answers_each_chat_in_order(engine: Engine, tmp_path: Path) -> None:
    """Many chats at once, several questions each, through python-telegram-bot's update queue and concurrency and
    the HTTP layer: every chat gets its answers exactly once, in the order it asked."""
    pool = [json.loads(line)["q"] for line in (ROOT / "tests" / "data" / "questions.jsonl").read_text(encoding="utf-8").splitlines()[:120] if line.strip()]
    chats = {3000 + c: [pool[(c * 7 + k * 13) % len(pool)] for k in range(5)] for c in range(24)}
    expected: dict[int, list[str]] = {}
    for chat, questions in chats.items():
        state: DialogueState = EMPTY
        for q in questions:
            ans, state = engine.converse(q, AnswerContext(lang=ZH), state, time.time())
            expected.setdefault(chat, []).extend(answer_html(ans))
    with BotApiServer() as server:
        api = server.api
        app = _app_over_http(server, engine, tmp_path)
        async with app:
            await app.start()
            api.delay_s = 0.005
            for k in range(5):
                for chat, questions in chats.items():
                    await app.update_queue.put(Update.de_json(api.message(chat, questions[k]), app.bot))
            want = sum(len(v) for v in expected.values())
            assert await asyncio.to_thread(api.wait_for, lambda: sum(len(api.messages_to(c)) for c in chats) >= want, 120)
            await app.stop()
            svc = app.bot_data.services
            assert svc is not None
            await svc.repo.close()
        for chat in chats:
            assert [str(s.params.get("text")) for s in api.messages_to(chat)] == expected[chat]
        assert api.errors == []
