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
WHERE: dict[str, Path] = {}  # the running bot's folder (database, key file, heartbeat, log)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeBotApi, subprocess.Popen[str]]]:
    tmp = tmp_path_factory.mktemp("e2e")
    WHERE["tmp"] = tmp
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
            import sqlite3

            with sqlite3.connect(tmp / "bot.sqlite3") as con:
                hashes = {row[0] for row in con.execute("SELECT DISTINCT user_hash FROM questions")}
            assert hashes and not any(h in text for h in hashes), "a hashed user id leaked into the log"


def _texts(api: FakeBotApi, chat: int) -> list[str]:
    return [str(s.params.get("text", "")) for s in api.messages_to(chat)]


def _wait_count(api: FakeBotApi, chat: int, n: int, timeout: float = 20) -> list[str]:
    assert api.wait_for(lambda: len(api.messages_to(chat)) >= n, timeout), _texts(api, chat)
    return _texts(api, chat)


def _press(api: FakeBotApi, chat: int, kind: str, label: str | None = None) -> None:
    """Press a button of the last message to `chat` (signed data, pressed under its own message)."""
    sent = api.messages_to(chat)[-1]
    markup = sent.params.get("reply_markup") or "{}"
    markup = json.loads(markup) if isinstance(markup, str) else markup
    data = next(b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row
                if b.get("callback_data", "").startswith(kind + ":") and (label is None or label in b["text"]))
    api.callback(chat, data, message=sent.result)


def test_start_question_button_calc_inline_group_and_admin(running) -> None:  # type: ignore[no-untyped-def]
    api, proc = running
    api.message(USER, "/start")
    assert "磨課師法規助理" in _wait_count(api, USER, 1)[-1]
    # A question with its citation.
    api.message(USER, "逢甲標竿課程開 4 週，註冊 300 人，線上輔導鐘點總共幾小時？")
    reply = _wait_count(api, USER, 2)[-1]
    assert "36" in reply and "逢甲大學雲端學院試辦磨課師課程教材製作獎勵要點" in reply and "107年7月31日" in reply
    # A button press (under the message it came with): the cited clause verbatim.
    _press(api, USER, "s")
    assert "線上輔導鐘點費" in _wait_count(api, USER, 3)[-1]
    # A /calc flow to its result.
    api.message(USER, "/calc")
    _wait_count(api, USER, 4)
    _press(api, USER, "m", "高科大磨課師學分")
    _wait_count(api, USER, 6)  # description, then the first question
    api.message(USER, "27")
    _wait_count(api, USER, 7)
    _press(api, USER, "c", "略過")
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


BAD_INPUTS = [
    "   \t  ",  # Telegram never sends empty text; whitespace and invisible characters come closest
    "\u200b\u200b",
    ("磨課師學分" * 20000)[:100_000],  # a 100,000-character paste (Telegram caps at 4,096; a self-hosted server may not)
    "高科大\x00學分\x07怎麼算\u202e",
    "<b>高科大</b> 學分 <script>alert(1)</script> & *bold* _x_ [a](b) `c`",
    "'; DROP TABLE questions; -- 高科大學分",
    "高科大學習 1e309 小時可以拿幾學分？",
    "高科大學習 -0 小時可以拿幾學分？",
    "高科大學習 NaN 小時可以拿幾學分？",
    "高科大學習 ９ 小時可以拿幾學分？",
    "東華修課十萬萬人可以有幾位助教？",
    "😀🎉👍",
]


@pytest.mark.parametrize("n, text", list(enumerate(BAD_INPUTS)))
def test_bad_input_gets_one_clear_reply_and_the_bot_goes_on(running, n: int, text: str) -> None:  # type: ignore[no-untyped-def]
    api, proc = running
    user = 8000 + n
    api.message(user, text)
    replies = _wait_count(api, user, 1)
    assert replies[0].strip()
    assert "<script>" not in replies[0]
    assert api.errors == [], api.errors
    assert proc.poll() is None


def test_stickers_photos_voice_documents_edited_and_forged_buttons(running) -> None:  # type: ignore[no-untyped-def]
    api, proc = running
    kinds = {
        "sticker": {"file_id": "s", "file_unique_id": "s1", "width": 1, "height": 1, "is_animated": False, "is_video": False, "type": "regular"},
        "photo": [{"file_id": "p", "file_unique_id": "p1", "width": 1, "height": 1}],
        "voice": {"file_id": "v", "file_unique_id": "v1", "duration": 1},
        "document": {"file_id": "d", "file_unique_id": "d1", "file_name": "a.pdf"},
    }
    for i, (kind, payload) in enumerate(kinds.items()):
        api.message(8100 + i, None, extra={kind: payload})
        assert "文字" in _wait_count(api, 8100 + i, 1)[0]
    api.message(8200, "高科大學分怎麼算", edited=True)
    assert "出處" in _wait_count(api, 8200, 1)[0]
    before = len([s for s in api.sent if s.method == "answercallbackquery"])
    for data in ("src:../../etc/passwd", "fb:1:1; DROP TABLE", "sch:nkust-mooc:-5", "calcgo:nkust_credits:99999999", "x" * 64):
        api.callback(8300, data)
    assert api.wait_for(lambda: len([s for s in api.sent if s.method == "answercallbackquery"]) >= before + 5)
    assert api.errors == [] and proc.poll() is None


def test_staff_commands_refused_to_non_admins_in_every_chat_type(running) -> None:  # type: ignore[no-untyped-def]
    api, proc = running
    api.message(8400, "/unanswered")
    assert "不認識這個指令" in _wait_count(api, 8400, 1)[0]
    group = -8401
    api.message(8400, f"/reload@{BOT_USERNAME}", chat_id=group, chat_type="supergroup")
    replies = _wait_count(api, group, 1)
    assert "不認識這個指令" in replies[0] and "已重新載入" not in replies[0]
    assert proc.poll() is None


def test_running_bot_keeps_its_secret_outside_the_database(running: tuple[FakeBotApi, subprocess.Popen[str]]) -> None:
    import sqlite3
    import stat

    tmp = WHERE["tmp"]
    db = tmp / "bot.sqlite3"
    key = tmp / "bot.sqlite3.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(db.stat().st_mode) == 0o600
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM meta").fetchone()[0] == 0
