"""Secrets live outside the database: the hashing key comes from USER_ID_SECRET or a 0600 key file beside the
database; an old database's key is moved out and erased; database files are owner-only; stored text is masked."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.keys import install_secret, key_file, load_secret, log_id, user_hash
from storage.repository import Repository, SafeRepository

OLD_SECRET = bytes.fromhex("f9e9d62deebd3e9b783f7145b58597808972c59f1ca2228c07b8642b940ad02d")


@pytest.fixture()
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _raw(path: Path) -> bytes:
    """Every byte of the database on disk: the file, its WAL and its shared memory."""
    out = b""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if p.exists():
            out += p.read_bytes()
    return out


def _old_database(path: Path) -> None:
    """A database as versions before the key file left it: schema 1, the secret in meta, questions as typed."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE users (user_hash TEXT PRIMARY KEY, lang TEXT, school TEXT, updated_at REAL NOT NULL);
        CREATE TABLE questions (id INTEGER PRIMARY KEY AUTOINCREMENT, ts REAL NOT NULL, user_hash TEXT NOT NULL,
            chat_type TEXT NOT NULL, question TEXT NOT NULL, kind TEXT NOT NULL, entries TEXT NOT NULL, score REAL NOT NULL,
            latency_ms REAL NOT NULL, lang TEXT NOT NULL);
        CREATE INDEX questions_ts ON questions (ts);
        CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, ts REAL NOT NULL, user_hash TEXT NOT NULL,
            question_id INTEGER NOT NULL, value INTEGER NOT NULL CHECK (value IN (-1, 1)), comment TEXT);
        CREATE INDEX feedback_q ON feedback (question_id);
        PRAGMA user_version = 1;
        """
    )
    db.execute("INSERT INTO meta VALUES ('hash_secret', ?)", (OLD_SECRET.hex(),))
    db.execute("INSERT INTO users VALUES (?, 'en', 'nkust-mooc', 0)", (user_hash(OLD_SECRET, 4242),))
    db.execute(
        "INSERT INTO questions (ts, user_hash, chat_type, question, kind, entries, score, latency_ms, lang) VALUES (1e9, 'h', 'private', ?, 'unknown', '', 0, 0, 'zh')",
        ("請打 0912-345-678 給我",),
    )
    db.execute("INSERT INTO feedback (ts, user_hash, question_id, value, comment) VALUES (1e9, 'h', 1, -1, ?)", ("寄到 me@example.com",))
    db.commit()
    db.close()
    os.chmod(path, 0o644)


async def test_the_secret_is_never_stored_in_the_database(tmp_path: Path, umask_022: None) -> None:
    db = tmp_path / "data" / "bot.sqlite3"
    secret = load_secret(db)
    repo = await Repository.open(db, secret)
    await repo.set_lang(123456789, "en")
    await repo.log_question(123456789, "private", "高科大學分", "answer", [], 0.5, 1.0, "zh")
    raw = _raw(db)
    await repo.close()
    raw += _raw(db)
    assert secret.hex().encode() not in raw and secret not in raw
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM meta").fetchone()[0] == 0
    # The key file lives beside the database, owner-only, and gives the same secret on the next start.
    assert key_file(db).parent == db.parent and _mode(key_file(db)) == 0o600
    assert load_secret(db) == secret


async def test_database_and_wal_files_are_owner_only(tmp_path: Path, umask_022: None) -> None:
    db = tmp_path / "bot.sqlite3"
    repo = await Repository.open(db, bytes(32))
    await repo.log_question(1, "private", "q", "answer", [], 0.0, 0.0, "zh")
    wal, shm = db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")
    assert wal.exists() and shm.exists()
    assert {p.name: _mode(p) for p in (db, wal, shm)} == {db.name: 0o600, wal.name: 0o600, shm.name: 0o600}
    await repo.close()


async def test_an_old_world_readable_database_is_tightened(tmp_path: Path, umask_022: None) -> None:
    db = tmp_path / "bot.sqlite3"
    sqlite3.connect(db).close()
    os.chmod(db, 0o644)
    repo = await Repository.open(db, bytes(32))
    assert _mode(db) == 0o600
    await repo.close()


async def test_an_old_database_is_migrated_and_its_secret_moved_out_and_erased(tmp_path: Path, umask_022: None) -> None:
    db = tmp_path / "bot.sqlite3"
    _old_database(db)
    assert OLD_SECRET.hex().encode() in _raw(db)
    secret = load_secret(db)  # adopts the database's secret into the key file
    assert secret == OLD_SECRET and _mode(key_file(db)) == 0o600
    repo = await Repository.open(db, secret)
    # Users keep their settings: their hashes were made with the same secret.
    assert (await repo.settings(4242)).lang == "en"
    row = await repo.question(1)
    assert row is not None and row.question == "請打 [電話] 給我"
    assert (await repo.unanswered())[0].comment == "寄到 [電子郵件]"
    await repo.close()
    raw = _raw(db)
    assert OLD_SECRET.hex().encode() not in raw and b"0912-345-678" not in raw and b"me@example.com" not in raw
    assert _mode(db) == 0o600
    assert load_secret(db) == OLD_SECRET  # from the key file now


async def test_with_user_id_secret_set_the_old_secret_is_erased_and_no_key_file_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "bot.sqlite3"
    _old_database(db)
    configured = "ab" * 32
    secret = load_secret(db, configured)
    assert secret == bytes.fromhex(configured) and not key_file(db).exists()
    with caplog.at_level(logging.WARNING):
        repo = await Repository.open(db, secret)
    assert "different user-id secret" in caplog.text
    assert (await repo.settings(4242)).lang is None  # hashed with the old secret: no longer matches
    await repo.close()
    assert OLD_SECRET.hex().encode() not in _raw(db)


def test_a_short_configured_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        load_secret(tmp_path / "db", "short")


def test_an_unwritable_key_folder_leaves_a_secret_for_this_run(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    a = install_secret(blocker / "db.sqlite3")
    assert len(a) == 32 and install_secret(blocker / "db.sqlite3") != a


async def test_stored_questions_and_comments_are_masked(tmp_path: Path) -> None:
    safe = SafeRepository(tmp_path / "bot.sqlite3", bytes(32))
    qid = await safe.log_question(7, "private", "我是王老師 0912345678，信箱 wang@nkust.edu.tw，身分證 A123456789", "unknown", [], 0.0, 0.0, "zh")
    assert await safe.add_feedback(7, qid, -1, "請回電 (02)2345-6789")
    row = await safe.question(qid)
    assert row is not None and row.question == "我是王老師 [電話]，信箱 [電子郵件]，身分證 [身分證號]"
    assert await safe.add_comment(7, qid, "或 +886 912 345 678")
    rows = await safe.unanswered()
    assert rows is not None and rows[0].comment == "或 [電話]"
    await safe.close()
    raw = _raw(tmp_path / "bot.sqlite3")
    assert b"0912345678" not in raw and b"A123456789" not in raw


def test_log_ids_are_keyed_hashes() -> None:
    a, b = log_id(bytes(32), 123456789), log_id(bytes(range(32)), 123456789)
    assert a != b and "123456789" not in a and len(a) == 12
