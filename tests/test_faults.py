"""Faults end to end: the Bot API failing for a while, the database going away or locked, SIGTERM mid-load."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.botapi import BotApiServer

ROOT = Path(__file__).resolve().parent.parent


def _start(server: BotApiServer, db: Path, **extra: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=server.token, TELEGRAM_BASE_URL=server.base_url, BOT_DB_PATH=str(db), FLOOD_LIMIT="10000", LOG_LEVEL="WARNING", **extra)
    env.pop("WEBHOOK_URL", None)
    proc = subprocess.Popen([sys.executable, "bot.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    polls = server.api.polls
    assert server.api.wait_for(lambda: server.api.polls > polls, 60), "the bot did not start polling"
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=30)


def test_429_502_and_slow_server_still_get_every_answer(tmp_path: Path) -> None:
    with BotApiServer() as server:
        api = server.api
        proc = _start(server, tmp_path / "db.sqlite3")
        try:
            with api.lock:
                api.fail_next += [
                    (429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}}),
                    (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}),
                    (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}),
                ]
            api.delay_s = 0.2
            for u in range(20):
                api.message(600 + u, "高科大學分怎麼算")
            assert api.wait_for(lambda: all(api.messages_to(600 + u) for u in range(20)), 90)
            assert proc.poll() is None
        finally:
            api.delay_s = 0
            assert _stop(proc) == 0


def test_database_deleted_or_locked_while_running_answers_go_on(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    with BotApiServer() as server:
        api = server.api
        proc = _start(server, db)
        try:
            api.message(700, "/school 東華")
            assert api.wait_for(lambda: bool(api.messages_to(700)), 20)
            # Locked by another process for a while.
            locker = sqlite3.connect(db, timeout=1)
            locker.execute("BEGIN EXCLUSIVE")
            api.message(701, "高科大學分怎麼算")
            assert api.wait_for(lambda: bool(api.messages_to(701)), 30)
            locker.rollback()
            locker.close()
            # Deleted.
            for p in tmp_path.glob("db.sqlite3*"):
                p.unlink()
            api.message(702, "東華遠距教學課程老師多久內要回覆學生問題？")
            assert api.wait_for(lambda: bool(api.messages_to(702)), 30)
            assert "出處" in str(api.messages_to(702)[-1].params.get("text"))
            assert proc.poll() is None
        finally:
            assert _stop(proc) == 0


def test_sigterm_mid_load_then_restart_answers_everything_and_keeps_settings(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    users = list(range(900, 1100))
    with BotApiServer() as server:
        api = server.api
        proc = _start(server, db, RATE_LIMITER="off")
        api.message(899, "/lang")
        assert api.wait_for(lambda: bool(api.messages_to(899)), 20)
        menu = api.messages_to(899)[-1]
        api.callback(899, next(b["callback_data"] for row in json.loads(menu.params["reply_markup"])["inline_keyboard"] for b in row if b["text"] == "English"), message=menu.result)
        assert api.wait_for(lambda: any(s.method == "editmessagetext" for s in api.sent), 20)
        api.delay_s = 0.05
        for u in users:
            api.message(u, "高科大學分怎麼算")
        killer = threading.Timer(0.5, proc.send_signal, args=(signal.SIGTERM,))
        killer.start()
        assert proc.wait(timeout=60) == 0
        killer.cancel()
        api.delay_s = 0
        proc = _start(server, db, RATE_LIMITER="off")
        try:
            assert api.wait_for(lambda: all(api.messages_to(u) for u in users), 90)
            assert all(len(api.messages_to(u)) == 1 for u in users), "a question was answered twice"
            api.message(899, "高科大學分怎麼算")
            assert api.wait_for(lambda: len(api.messages_to(899)) >= 2, 20)
            assert "Source:" in str(api.messages_to(899)[-1].params.get("text"))  # the English setting survived
        finally:
            assert _stop(proc) == 0
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n = con.execute("SELECT COUNT(*) FROM questions WHERE question = ?", ("高科大學分怎麼算",)).fetchone()[0]
        assert n == len(users) + 1


def test_sigterm_commits_the_writes_of_the_pending_batch(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    users = list(range(1200, 1230))
    with BotApiServer() as server:
        api = server.api
        proc = _start(server, db, RATE_LIMITER="off", DB_COMMIT_MS="10000")  # no interval commit during the test
        for u in users:
            api.message(u, "高科大學分怎麼算")
        api.message(users[0], "/lang")
        try:
            assert api.wait_for(lambda: all(api.messages_to(u) for u in users) and len(api.messages_to(users[0])) == 2, 60)
            menu = api.messages_to(users[0])[-1]
            api.callback(users[0], next(b["callback_data"] for row in json.loads(menu.params["reply_markup"])["inline_keyboard"] for b in row if b["text"] == "English"), message=menu.result)
            assert api.wait_for(lambda: any(s.method == "editmessagetext" for s in api.sent), 20)
            with sqlite3.connect(db) as con:  # answered, logged on the bot's connection, not yet committed
                assert con.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 0
        finally:
            assert _stop(proc) == 0
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM questions WHERE question = ?", ("高科大學分怎麼算",)).fetchone()[0] == len(users)
        assert con.execute("SELECT COUNT(*) FROM users WHERE lang = 'en'").fetchone()[0] == 1


def _chattr(flag: str, paths: list[Path]) -> bool:
    try:
        return subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True).returncode == 0
    except FileNotFoundError:
        return False


def test_database_made_read_only_while_running_answers_go_on(tmp_path: Path) -> None:
    import pytest

    db = tmp_path / "db.sqlite3"
    with BotApiServer() as server:
        api = server.api
        proc = _start(server, db)
        files: list[Path] = []
        try:
            api.message(710, "高科大學分怎麼算")
            assert api.wait_for(lambda: bool(api.messages_to(710)), 20)
            # The database and its write-ahead log become read-only. (Immutable files refuse writes even to
            # root, where chmod would not. The -shm index is memory-mapped by SQLite: freezing it is not a
            # read-only database but a broken mapping, which kills any SQLite process with SIGBUS.)
            files = [p for p in sorted(tmp_path.glob("db.sqlite3*")) if not p.name.endswith("-shm")]
            if not _chattr("+i", files + [tmp_path]):
                pytest.skip("chattr is not available on this filesystem")
            api.message(711, "東華遠距教學課程老師多久內要回覆學生問題？")
            assert api.wait_for(lambda: bool(api.messages_to(711)), 30)
            assert "出處" in str(api.messages_to(711)[-1].params.get("text"))
            assert proc.poll() is None
        finally:
            _chattr("-i", files + [tmp_path])
            assert _stop(proc) == 0


def test_an_unreachable_bot_api_is_logged_at_warning_with_the_retry_delay(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port with nothing listening (yet)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log_path = tmp_path / "bot.log"
    env = dict(os.environ, TELEGRAM_BOT_TOKEN="123456:TEST-TOKEN", TELEGRAM_BASE_URL=f"http://127.0.0.1:{port}/bot", BOT_DB_PATH=str(tmp_path / "db.sqlite3"))
    env.pop("WEBHOOK_URL", None)
    env.pop("LOG_LEVEL", None)  # the default level
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "bot.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not ("WARNING" in log_path.read_text() and "retrying in" in log_path.read_text()) and time.monotonic() < deadline:
            time.sleep(0.2)
        text = log_path.read_text()
        line = next(ln for ln in text.splitlines() if "retrying in" in ln)
        assert "WARNING" in line and "Bot API unreachable" in line and " s" in line and "TEST-TOKEN" not in text
        with BotApiServer(port=port) as server:  # the API comes back: the bot starts and answers
            api = server.api
            assert api.wait_for(lambda: api.polls > 0, 60), log_path.read_text()
            api.message(720, "高科大學分怎麼算")
            assert api.wait_for(lambda: bool(api.messages_to(720)), 30)
            api.down = True  # it goes away while the bot polls, and comes back
            deadline = time.monotonic() + 60
            while "during getUpdates" not in log_path.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
            line = next(ln for ln in log_path.read_text().splitlines() if "during getUpdates" in ln)
            assert "WARNING" in line and "retrying in" in line
            api.down = False
            api.message(721, "東華遠距教學課程老師多久內要回覆學生問題？")
            assert api.wait_for(lambda: bool(api.messages_to(721)), 60), log_path.read_text()
            assert proc.poll() is None
            assert _stop(proc) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_client_resetting_its_connection_prints_no_traceback_and_the_server_goes_on(capsys: pytest.CaptureFixture[str]) -> None:
    """A bot stopped with a keep-alive connection open resets it: the test server says nothing and keeps serving."""
    import socket
    import struct
    import urllib.request

    with BotApiServer() as server:
        s = socket.create_connection(("127.0.0.1", server.port))
        s.sendall(b"POST /bot")  # half a request line: the handler is reading when the reset comes
        time.sleep(0.1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with RST
        s.close()
        time.sleep(0.2)
        with urllib.request.urlopen(f"{server.base_url}123456:TEST-TOKEN/getMe", data=b"{}", timeout=5) as r:
            assert r.status == 200
    assert "Traceback" not in capsys.readouterr().err
