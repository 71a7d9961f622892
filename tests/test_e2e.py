"""End to end: the real `bot.py` process against the project's Bot API test server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.botapi import BOT_USERNAME, BotApiServer, FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
USER = 7001
ADMIN = 7999
GROUP = -7100


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeBotApi, subprocess.Popen[str]]]:
    tmp = tmp_path_factory.mktemp("e2e")
    server = BotApiServer()
    with server:
        env = dict(os.environ)
        env.update(
            TELEGRAM_BOT_TOKEN=server.token,
            TELEGRAM_BASE_URL=server.base_url,
            ADMIN_USER_IDS=str(ADMIN),
            BOT_DB_PATH=str(tmp / "bot.sqlite3"),
            LOG_LEVEL="INFO",
        )
        env.pop("WEBHOOK_URL", None)
        log = (tmp / "bot.log").open("w")
        proc = subprocess.Popen([sys.executable, "bot.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        api = server.api
        try:
            started = api.wait_for(lambda: any(s.method == "setmycommands" for s in api.sent), timeout=60)
            assert started, (tmp / "bot.log").read_text()
            yield api, proc
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
            text = (tmp / "bot.log").read_text()
            assert server.token not in text, "the token leaked into the log"


def _texts(api: FakeBotApi, chat: int) -> list[str]:
    return [str(s.params.get("text", "")) for s in api.messages_to(chat)]


def _wait_count(api: FakeBotApi, chat: int, n: int, timeout: float = 20) -> list[str]:
    assert api.wait_for(lambda: len(api.messages_to(chat)) >= n, timeout), _texts(api, chat)
    return _texts(api, chat)


def _buttons(api: FakeBotApi, chat: int) -> list[str]:
    markup = api.messages_to(chat)[-1].params.get("reply_markup") or "{}"
    markup = json.loads(markup) if isinstance(markup, str) else markup
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


def test_start_question_button_calc_inline_group_and_admin(running) -> None:  # type: ignore[no-untyped-def]
    api, proc = running
    api.message(USER, "/start")
    assert "磨課師法規助理" in _wait_count(api, USER, 1)[-1]
    # A question with its citation.
    api.message(USER, "逢甲標竿課程開 4 週，註冊 300 人，線上輔導鐘點總共幾小時？")
    reply = _wait_count(api, USER, 2)[-1]
    assert "36" in reply and "逢甲大學雲端學院試辦磨課師課程教材製作獎勵要點" in reply and "107年7月31日" in reply
    # A button press: the cited clause verbatim.
    src = next(b for b in _buttons(api, USER) if b.startswith("src:"))
    api.callback(USER, src)
    assert "線上輔導鐘點費" in _wait_count(api, USER, 3)[-1]
    # A /calc flow to its result.
    api.message(USER, "/calc")
    _wait_count(api, USER, 4)
    api.callback(USER, "calc:nkust_credits")
    _wait_count(api, USER, 6)  # description, then the first question
    api.message(USER, "27")
    _wait_count(api, USER, 7)
    api.callback(USER, "ch:__skip__")
    result = _wait_count(api, USER, 8)[-1]
    assert "1.5" in result and "學分" in result
    # An inline query.
    api.inline(USER, "東華 助教")
    assert api.wait_for(lambda: any(s.method == "answerinlinequery" for s in api.sent))
    # A group message that must be ignored, then one that mentions the bot.
    api.message(USER, "高科大學分怎麼算", chat_id=GROUP, chat_type="group")
    api.message(USER, f"@{BOT_USERNAME} 高科大學分怎麼算", chat_id=GROUP, chat_type="group")
    group_replies = _wait_count(api, GROUP, 1)
    assert len(group_replies) == 1 and "出處" in group_replies[0]
    # An admin command from a non-admin.
    api.message(USER, "/stats")
    assert "不認識這個指令" in _wait_count(api, USER, 9)[-1]
    api.message(ADMIN, "/stats")
    assert "近 30 天" in _wait_count(api, ADMIN, 1)[0]
    assert api.errors == [], api.errors
    assert proc.poll() is None
