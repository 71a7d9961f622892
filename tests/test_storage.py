"""Storage: the repository on an in-memory database, and the safe wrapper when the disk fails."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

import pytest

from storage.repository import SCHEMA_VERSION, Repository, SafeRepository, Settings

ROOT = Path(__file__).resolve().parent.parent
SECRET = bytes(range(32))


@pytest.fixture()
async def repo():  # type: ignore[no-untyped-def]
    r = await Repository.open(":memory:", SECRET)
    yield r
    await r.close()


async def test_schema_is_migrated(repo: Repository) -> None:
    assert await repo.schema_version() == SCHEMA_VERSION


async def test_settings_round_trip_and_ids_are_hashed(repo: Repository) -> None:
    assert await repo.settings(123456789) == Settings()
    await repo.set_lang(123456789, "en")
    await repo.set_school(123456789, "ndhu-elearning")
    assert await repo.settings(123456789) == Settings(lang="en", school="ndhu-elearning")
    assert await repo.settings(987654321) == Settings()
    h = repo.user_hash(123456789)
    assert "123456789" not in h and len(h) == 32 and h == repo.user_hash(123456789)


async def test_log_feedback_stats_unanswered_and_purge(repo: Repository) -> None:
    now = time.time()
    q1 = await repo.log_question(1, "private", "高科大學分", "answer", ["nkust-3"], 0.8, 1.2, "zh", ts=now)
    q2 = await repo.log_question(2, "private", "天氣", "unknown", [], 0.1, 0.9, "zh", ts=now)
    old = await repo.log_question(3, "private", "舊問題", "unknown", [], 0.1, 0.9, "zh", ts=now - 400 * 86400)
    assert await repo.add_feedback(1, q1, -1)
    assert await repo.add_comment(1, q1, "少了上限")
    assert not await repo.add_feedback(1, 999999, 1)
    with pytest.raises(ValueError):
        await repo.add_feedback(1, q1, 5)
    stats = await repo.stats(30, now=now)
    assert stats["total"] == 2 and stats["unknown"] == 1 and stats["thumbs_down"] == 1
    assert stats["top_entries"][0] == ("nkust-3", 1)
    rows = await repo.unanswered()
    assert {r.id for r in rows} == {q1, q2, old}
    assert next(r for r in rows if r.id == q1).comment == "少了上限"
    assert await repo.purge(180, now=now) == 1
    assert await repo.question(old) is None and await repo.question(q1) is not None


async def test_hostile_text_is_stored_verbatim(repo: Repository) -> None:
    evil = "'); DROP TABLE questions; -- <b>&</b>\x00"
    qid = await repo.log_question(1, "private", evil, "unknown", [], 0.0, 0.0, "zh")
    row = await repo.question(qid)
    assert row is not None and row.question == evil


async def test_safe_repository_keeps_going_when_the_disk_fails(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    safe = SafeRepository(blocker / "db.sqlite3", SECRET)
    assert await safe.settings(1) == Settings()
    assert await safe.log_question(1, "private", "q", "answer", [], 0.0, 0.0, "zh") == 0
    assert safe.failures >= 1
    await safe.close()


async def test_safe_repository_reopens_after_the_file_is_deleted(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    safe = SafeRepository(path, SECRET)
    await safe.set_lang(5, "en")
    assert (await safe.settings(5)).lang == "en"
    await safe.close()
    for p in tmp_path.iterdir():
        p.unlink()
    safe2 = SafeRepository(path, SECRET)
    assert await safe2.settings(5) == Settings()  # a new, empty database; no crash
    assert await safe2.log_question(5, "private", "q", "answer", [], 0.0, 0.0, "zh") > 0
    await safe2.close()


def test_sql_is_only_parameterised() -> None:
    """No SQL is built from strings: f-strings, % or + next to SQL keywords."""
    bad = []
    for path in list((ROOT / "storage").glob("*.py")) + list((ROOT / "frontends").rglob("*.py")) + list((ROOT / "core").glob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"""(f["'].*\b(SELECT|INSERT|UPDATE|DELETE|WHERE)\b)|(\b(SELECT|INSERT|UPDATE|DELETE)\b.*["']\s*(%|\+|\.format))""", line):
                if "PRAGMA user_version" in line:
                    continue  # PRAGMA takes no parameters; the value is our own integer constant
                bad.append(f"{path.name}:{n}: {line.strip()}")
    assert bad == []


def test_wal_mode_on_disk(tmp_path: Path) -> None:
    import asyncio

    async def go() -> None:
        r = await Repository.open(tmp_path / "x.sqlite3", SECRET)
        await r.close()

    asyncio.run(go())
    with sqlite3.connect(tmp_path / "x.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _committed(path: Path, sql: str = "SELECT COUNT(*) FROM questions") -> int:
    """What another connection sees: committed rows only."""
    with sqlite3.connect(path) as db:
        return int(db.execute(sql).fetchone()[0])


async def test_batched_writes_a_burst_lands_in_one_commit_per_interval(tmp_path: Path) -> None:
    import asyncio

    path = tmp_path / "db.sqlite3"
    safe = SafeRepository(path, SECRET, commit_every_s=0.3)
    await safe.open()
    commits = 0
    repo = safe._repo
    assert repo is not None
    real_commit = repo.commit

    async def counting() -> int:
        nonlocal commits
        commits += 1
        return await real_commit()

    repo.commit = counting  # type: ignore[method-assign]
    ids = await asyncio.gather(*(safe.log_question(u, "private", f"問題 {u}", "answer", ["e-1"], 0.5, 1.0, "zh") for u in range(300)))
    assert len(set(ids)) == 300 and min(ids) > 0
    assert (await safe.question(ids[-1])) is not None  # the connection that wrote sees its rows at once
    assert _committed(path) == 0  # nobody else does until the interval's commit
    await asyncio.sleep(0.6)
    assert _committed(path) == 300
    assert commits == 1
    assert await safe.flush() == 0  # nothing left
    await safe.close()


async def test_batched_writes_commit_at_once_past_the_pending_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.repository as repository

    monkeypatch.setattr(repository, "MAX_PENDING_WRITES", 10)
    path = tmp_path / "db.sqlite3"
    safe = SafeRepository(path, SECRET, commit_every_s=60)
    for u in range(25):
        await safe.log_question(u, "private", "q", "answer", [], 0.0, 0.0, "zh")
    assert _committed(path) == 20
    await safe.close()
    assert _committed(path) == 25


async def test_closing_commits_every_pending_write(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    safe = SafeRepository(path, SECRET, commit_every_s=60)  # no interval commit within this test
    qids = [await safe.log_question(u, "private", "高科大學分", "answer", ["e-1"], 0.5, 1.0, "zh") for u in range(40)]
    await safe.set_lang(7, "en")
    assert await safe.vote(7, qids[0], -1) == "new"
    assert await safe.add_comment(7, qids[0], "少了上限")
    assert _committed(path) == 0 and _committed(path, "SELECT COUNT(*) FROM users") == 0
    await safe.close()
    assert _committed(path) == 40
    assert _committed(path, "SELECT COUNT(*) FROM users WHERE lang = 'en'") == 1
    assert _committed(path, "SELECT COUNT(*) FROM feedback WHERE value = -1 AND comment = '少了上限'") == 1


async def test_unbatched_writes_are_committed_each_at_once(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    safe = SafeRepository(path, SECRET)
    await safe.log_question(1, "private", "q", "answer", [], 0.0, 0.0, "zh")
    assert _committed(path) == 1
    await safe.close()


async def test_a_write_fault_keeps_the_batch_before_it(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    safe = SafeRepository(path, SECRET, commit_every_s=60)
    for u in range(5):
        await safe.log_question(u, "private", "q", "answer", [], 0.0, 0.0, "zh")
    assert await safe.vote(1, 1, 7) == "failed"  # a write that raises: the repository is reopened next time
    assert safe.failures == 1
    assert _committed(path) == 5
    await safe.close()


async def test_callers_at_once_on_a_closed_repository_share_one_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    opened: list[Repository] = []
    real_open = Repository.open

    async def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        repo = await real_open(*args, **kwargs)
        opened.append(repo)
        return repo

    monkeypatch.setattr(Repository, "open", counting)
    path = tmp_path / "db.sqlite3"
    safe = SafeRepository(path, SECRET, commit_every_s=0.05)
    ids = await asyncio.wait_for(asyncio.gather(*(safe.log_question(u, "private", "q", "answer", [], 0.0, 0.0, "zh") for u in range(50))), 20)
    assert len(opened) == 1, f"{len(opened)} connections opened"  # (each holding its own uncommitted batch)
    assert len(set(ids)) == 50 and min(ids) > 0
    await asyncio.wait_for(safe.close(), 20)
    assert _committed(path) == 50
