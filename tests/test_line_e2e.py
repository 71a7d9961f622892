"""End to end: the real `bot.py` process serving LINE on 127.0.0.1, its Messaging API pointed at tests/lineapi.py;
signed webhooks over HTTP. Also Telegram and LINE in one process, and `bot.py line-setup`."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.botapi import BotApiServer
from tests.lineapi import (
    CHANNEL_SECRET,
    TOKEN,
    FakeLineApi,
    LineApiServer,
    body,
    follow_event,
    plain,
    postback_event,
    postbacks,
    sign,
    text_event,
)

ROOT = Path(__file__).resolve().parent.parent
USER = "U" + "e" * 32
OTHER = "U" + "f" * 32
GROUP = "C" + "e" * 32


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(server: LineApiServer, port: int, db: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "LINE_PUSH_FALLBACK"):
        env.pop(name, None)
    env.update(
        LINE_CHANNEL_SECRET=CHANNEL_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=TOKEN,
        LINE_API_BASE_URL=server.base_url,
        LINE_PORT=str(port),
        LINE_HOST="127.0.0.1",
        BOT_DB_PATH=str(db),
        LOG_LEVEL="INFO",
        **extra,
    )
    return env


def _wait_healthy(port: int, proc: subprocess.Popen[Any], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the LINE webhook did not come up:\n" + log.read_text())


def _post(port: int, data: bytes, signature: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["x-line-signature"] = signature
    req = urllib.request.Request(f"http://127.0.0.1:{port}/line/webhook", data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (ConnectionResetError, BrokenPipeError):
        return -1  # the server closed on an oversized body before reading it all


class Line:
    """The running bot as a LINE user sees it."""

    def __init__(self, api: FakeLineApi, port: int):
        self.api = api
        self.port = port

    def send(self, *events: dict[str, Any]) -> int:
        data = body(*events)
        return _post(self.port, data, sign(data))

    def wait(self, chat: str, n: int, timeout: float = 20) -> list[dict[str, Any]]:
        assert self.api.wait_for(lambda: len(self.api.messages_to(chat)) >= n, timeout), plain(self.api.messages_to(chat))
        return self.api.messages_to(chat)

    def say(self, user: str, text: str, **kw: Any) -> list[dict[str, Any]]:
        chat = kw.get("group") or user
        before = len(self.api.messages_to(chat))
        assert self.send(text_event(user, text, self.api.reply_token(chat), **kw)) == 200
        return self.wait(chat, before + 1)[before:]

    def press(self, user: str, data: str) -> list[dict[str, Any]]:
        before = len(self.api.messages_to(user))
        assert self.send(postback_event(user, data, self.api.reply_token(user))) == 200
        return self.wait(user, before + 1)[before:]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Line, subprocess.Popen[str], Path]]:
    tmp = tmp_path_factory.mktemp("line-e2e")
    port = _free_port()
    with LineApiServer() as server:
        log_path = tmp / "bot.log"
        log = log_path.open("w")
        proc = subprocess.Popen([sys.executable, "bot.py"], cwd=ROOT, env=_env(server, port, tmp / "bot.sqlite3"), stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            _wait_healthy(port, proc, log_path)
            yield Line(server.api, port), proc, tmp
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                assert proc.wait(timeout=30) == 0, log_path.read_text()
            finally:
                if proc.poll() is None:
                    proc.kill()
                log.close()
            text = log_path.read_text()
            for secret in (TOKEN, CHANNEL_SECRET, USER, OTHER):
                assert secret not in text, f"{secret[:6]}… leaked into the log"
            with sqlite3.connect(tmp / "bot.sqlite3") as con:
                hashes = {row[0] for row in con.execute("SELECT DISTINCT user_hash FROM questions")}
            assert not any(h in text for h in hashes)
            assert server.api.errors == [], server.api.errors


def test_question_postback_follow_group_redelivery_and_a_calculation(running: tuple[Line, subprocess.Popen[str], Path]) -> None:
    line, proc, tmp = running
    # A text question: a Flex bubble with the citation and buttons.
    answer = line.say(USER, "逢甲標竿課程開 4 週，註冊 300 人，線上輔導鐘點總共幾小時？")
    assert answer[0]["type"] == "flex" and "36" in plain(answer) and "逢甲" in plain(answer)
    # A postback: 原文.
    src = line.press(USER, next(d for label, d in postbacks(answer) if label == "原文"))
    assert "線上輔導鐘點費" in plain(src)
    # The same button pressed by someone else.
    assert plain(line.press(OTHER, next(d for label, d in postbacks(answer) if label == "原文"))).startswith("此按鈕已過期")
    # A follow: the welcome with example questions.
    assert line.send(follow_event(OTHER, line.api.reply_token(OTHER))) == 200
    welcome = line.wait(OTHER, 2)[-1]
    assert "磨課師法規助理" in plain([welcome]) and welcome["quickReply"]["items"]
    # A group: a message without a mention is ignored, a mention is answered.
    assert line.send(text_event(USER, "高科大學分怎麼算", line.api.reply_token(GROUP), group=GROUP)) == 200
    mentioned = line.say(USER, "高科大學分怎麼算", group=GROUP, mention_self=True)
    assert len(line.api.messages_to(GROUP)) == 1 and mentioned[0]["type"] == "flex"
    # A redelivered event is answered once.
    ev = text_event(USER, "東華修課 80 人的遠距課程可以有幾位助教？", line.api.reply_token(USER), event_id="01E2EREDELIVERY00000000000")
    before = len(line.api.to(USER))
    count = len(line.api.messages_to(USER))
    assert line.send(ev) == 200
    line.wait(USER, count + 1)
    again = dict(ev, replyToken=line.api.reply_token(USER), deliveryContext={"isRedelivery": True})
    assert line.send(again) == 200
    # A calculation flow, started from the rich menu's postback.
    menu = line.press(USER, "menu:calc")
    started = line.press(USER, next(d for label, d in postbacks(menu) if label == "高科大磨課師學分"))
    assert "請輸入" in plain(started)
    step = line.say(USER, "27")
    result = line.press(USER, next(d for label, d in postbacks(step) if label == "略過"))
    assert "1.5" in plain(result) and result[0]["type"] == "flex"
    assert len(line.api.to(USER)) == before + 1 + 4, "the redelivered event was not answered again"
    assert proc.poll() is None


def test_bad_signature_and_oversized_body_process_nothing(running: tuple[Line, subprocess.Popen[str], Path]) -> None:
    line, proc, _ = running
    calls = len(line.api.calls)
    ev = text_event(USER, "高科大學分怎麼算", line.api.reply_token(USER))
    data = body(ev)
    assert _post(line.port, data, None) == 400
    assert _post(line.port, data, sign(data, "wrong-secret")) == 400
    big = body(text_event(USER, "學" * 400_000, line.api.reply_token(USER)))
    assert len(big) > 1024 * 1024
    assert _post(line.port, big, sign(big)) in (413, -1)
    time.sleep(1.0)
    assert len(line.api.calls) == calls
    assert proc.poll() is None


def test_healthcheck_script(running: tuple[Line, subprocess.Popen[str], Path]) -> None:
    line, proc, tmp = running
    env = dict(os.environ, LINE_CHANNEL_SECRET=CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN=TOKEN, LINE_PORT=str(line.port), BOT_DB_PATH=str(tmp / "bot.sqlite3"))
    assert subprocess.run([sys.executable, "scripts/healthcheck.py"], cwd=ROOT, env=env, capture_output=True).returncode == 0
    env["LINE_PORT"] = str(_free_port())
    assert subprocess.run([sys.executable, "scripts/healthcheck.py"], cwd=ROOT, env=env, capture_output=True).returncode == 1
    # Without LINE: the heartbeat file the running bot touches.
    env.pop("LINE_CHANNEL_SECRET")
    assert (tmp / "heartbeat").exists()
    assert subprocess.run([sys.executable, "scripts/healthcheck.py"], cwd=ROOT, env=env, capture_output=True).returncode == 0
    old = time.time() - 300
    os.utime(tmp / "heartbeat", (old, old))
    assert subprocess.run([sys.executable, "scripts/healthcheck.py"], cwd=ROOT, env=env, capture_output=True).returncode == 1


def test_telegram_and_line_in_one_process(tmp_path: Path) -> None:
    port = _free_port()
    with LineApiServer() as line_server, BotApiServer() as tg_server:
        env = _env(line_server, port, tmp_path / "bot.sqlite3", TELEGRAM_BOT_TOKEN=tg_server.token, TELEGRAM_BASE_URL=tg_server.base_url)
        log_path = tmp_path / "bot.log"
        with log_path.open("w") as log:
            proc = subprocess.Popen([sys.executable, "bot.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
            try:
                _wait_healthy(port, proc, log_path)
                tg = tg_server.api
                assert tg.wait_for(lambda: any(s.method == "setmycommands" for s in tg.sent), 60), log_path.read_text()
                line = Line(line_server.api, port)
                # The same school set on LINE is not the Telegram user's.
                line.say(USER, "設定學校 東華")
                tg.message(4242, "高科大學分怎麼算")
                assert tg.wait_for(lambda: bool(tg.messages_to(4242)), 20)
                assert "出處" in str(tg.messages_to(4242)[-1].params.get("text"))
                answer = line.say(USER, "高科大學分怎麼算")
                assert answer[0]["type"] == "flex"
                kinds: set[str] = set()
                deadline = time.monotonic() + 10
                while not {"private", "line-user"} <= kinds and time.monotonic() < deadline:  # committed within DB_COMMIT_MS
                    time.sleep(0.05)
                    with sqlite3.connect(tmp_path / "bot.sqlite3") as con:
                        kinds = {row[0] for row in con.execute("SELECT chat_type FROM questions")}
                assert {"private", "line-user"} <= kinds, kinds
            finally:
                proc.send_signal(signal.SIGTERM)
                code = proc.wait(timeout=30)
        assert code == 0, log_path.read_text()
        assert "LINE webhook stopped" in log_path.read_text() and "Telegram bot stopped" in log_path.read_text()
        assert line_server.api.errors == [] and tg_server.api.errors == []


def test_line_setup_command(tmp_path: Path) -> None:
    with LineApiServer() as server:
        env = _env(server, _free_port(), tmp_path / "bot.sqlite3")
        for _ in range(2):
            out = subprocess.run([sys.executable, "bot.py", "line-setup"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            assert out.returncode == 0, out.stderr
        assert "deleted the earlier rich menu" in out.stdout and "set richmenu-" in out.stdout
        assert len(server.api.menus) == 1 and server.api.default_menu in server.api.menu_images
        assert TOKEN not in out.stdout + out.stderr
    env.pop("LINE_CHANNEL_ACCESS_TOKEN")
    assert subprocess.run([sys.executable, "bot.py", "line-setup"], cwd=ROOT, env=env, capture_output=True, text=True).returncode == 2


def test_config_reads_the_line_variables() -> None:
    from config import Config, ConfigError

    c = Config.from_env({"LINE_CHANNEL_SECRET": "sec-ret", "LINE_CHANNEL_ACCESS_TOKEN": "acc-ess", "LINE_API_BASE_URL": "http://127.0.0.1:9/", "LINE_PUSH_FALLBACK": "on"})
    assert c.line_enabled and c.line_port == 8080 and c.line_host == "0.0.0.0" and c.line_push_fallback
    assert c.line_api_base_url == "http://127.0.0.1:9"
    assert "sec-ret" not in repr(c) and "acc-ess" not in repr(c)
    assert not Config.from_env({"LINE_CHANNEL_SECRET": "x"}).line_enabled and not Config.from_env({}).line_push_fallback
    for bad in ({"LINE_PORT": "0"}, {"LINE_PUSH_FALLBACK": "maybe"}):
        with pytest.raises(ConfigError):
            Config.from_env(bad)
    assert json.dumps(Config.from_env({"LINE_PORT": "9000"}).line_port) == "9000"
