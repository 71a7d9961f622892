"""SQLite storage behind a small repository: user settings, the question log and feedback. Parameterised SQL only.

What users typed is stored with phone numbers, e-mail addresses and national id numbers masked
(`lang.personal.mask_personal`). User ids are stored as keyed hashes; the key is handed in (`storage.keys`), never
kept in the database. The database file and its WAL and shared-memory files are readable by their owner only.

Writes can be batched (`SafeRepository(commit_every_s=…)`, what the servers use): a write runs at once on the one
connection (so its row id is known and later reads on the connection see it) but is committed with the others of a
short interval in one transaction, and whatever is pending is committed when the repository closes (the servers
close it on SIGTERM and SIGINT).
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import aiosqlite

from lang.personal import mask_personal
from storage.keys import LEGACY_META_KEY, user_hash

log = logging.getLogger(__name__)

MAX_STORED_QUESTION = 4000
MAX_STORED_COMMENT = 2000
MAX_PENDING_WRITES = 500  # a batch this large is committed at once, interval or not

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: the first schema
    (
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS users (user_hash TEXT PRIMARY KEY, lang TEXT, school TEXT, updated_at REAL NOT NULL)",
        """CREATE TABLE IF NOT EXISTS questions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ts REAL NOT NULL,
            user_hash TEXT NOT NULL,
            chat_type TEXT NOT NULL,
            question TEXT NOT NULL,
            kind TEXT NOT NULL,
            entries TEXT NOT NULL,
            score REAL NOT NULL,
            latency_ms REAL NOT NULL,
            lang TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS questions_ts ON questions (ts)",
        """CREATE TABLE IF NOT EXISTS feedback (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ts REAL NOT NULL,
            user_hash TEXT NOT NULL,
            question_id INTEGER NOT NULL,
            value INTEGER NOT NULL CHECK (value IN (-1, 1)),
            comment TEXT
        )""",
        "CREATE INDEX IF NOT EXISTS feedback_q ON feedback (question_id)",
    ),
    # 2: the hashing secret leaves the database (storage.keys moved it to the key file before this runs), and what
    # was stored as typed is masked (mask_personal is registered on the connection as an SQL function).
    (
        "DELETE FROM meta WHERE key = 'hash_secret'",  # storage.keys.LEGACY_META_KEY
        "UPDATE questions SET question = mask_personal(question)",
        "UPDATE feedback SET comment = mask_personal(comment) WHERE comment IS NOT NULL",
    ),
    # 3: one vote per user per answer (a later press changes it), and 👎 comment prompts that outlive a restart
    (
        "DELETE FROM feedback WHERE id NOT IN (SELECT MAX(id) FROM feedback GROUP BY question_id, user_hash)",
        "CREATE UNIQUE INDEX IF NOT EXISTS feedback_vote ON feedback (question_id, user_hash)",
        """CREATE TABLE IF NOT EXISTS prompts (
            prompt_key TEXT PRIMARY KEY,
            ts REAL NOT NULL,
            user_hash TEXT NOT NULL,
            question_id INTEGER NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS prompts_ts ON prompts (ts)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class Settings:
    """A user's settings."""

    lang: str | None = None
    school: str | None = None


Vote = Literal["new", "changed", "same", "missing", "failed"]


@dataclass(frozen=True)
class PromptOwner:
    """A 👎 comment prompt: the logged question it asks about, and whether it was sent to the user who replies."""

    question_id: int
    mine: bool


@dataclass(frozen=True)
class LoggedQuestion:
    """One row of the question log."""

    id: int
    ts: float
    question: str
    kind: str
    entries: str
    score: float
    latency_ms: float
    lang: str
    feedback: int | None = None
    comment: str | None = None


class Repository:
    """All SQL of the bot. Open with `await Repository.open(path, secret)`; ":memory:" for tests.

    With `batch` true a write is not committed by itself: `pending` counts the writes since the last `commit`, and
    `close` commits them."""

    def __init__(self, db: aiosqlite.Connection, secret: bytes, batch: bool = False):
        self._db = db
        self._secret = secret
        self._batch = batch
        self.pending = 0

    @classmethod
    async def open(cls, path: str | Path, secret: bytes, batch: bool = False) -> Repository:
        """Open (creating and migrating) the database; `secret` hashes user ids (see storage.keys.load_secret);
        `batch`: writes wait for `commit` (or `close`)."""
        if str(path) != ":memory:":
            _create_private(Path(path))
        old_umask = os.umask(0o077)  # whatever SQLite creates while opening: owner-only
        try:
            db = await aiosqlite.connect(str(path), timeout=5.0)
            try:
                if str(path) != ":memory:":
                    await db.execute("PRAGMA journal_mode=WAL")
            except BaseException:
                await db.close()
                raise
        finally:
            os.umask(old_umask)
        try:
            await db.create_function("mask_personal", 1, _sql_mask, deterministic=True)
            await db.execute("PRAGMA secure_delete=ON")  # deleted rows (retention, the old secret) are overwritten
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.execute("PRAGMA busy_timeout=3000")
            await cls._migrate(db, secret)
        except BaseException:
            await db.close()
            raise
        if str(path) != ":memory:":
            _tighten(Path(path))
        return cls(db, secret, batch)

    @staticmethod
    async def _migrate(db: aiosqlite.Connection, secret: bytes) -> None:
        async with db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        version = int(row[0]) if row else 0
        for number, statements in enumerate(MIGRATIONS, start=1):
            if number <= version:
                continue
            if number == 2:
                await _warn_on_a_replaced_secret(db, secret)
            for sql in statements:
                await db.execute(sql)
            # PRAGMA takes no parameters; the number is our own constant.
            await db.execute(f"PRAGMA user_version = {int(number)}")
            await db.commit()
            if number == 2:
                # Copy the overwritten pages into the database file now, and empty the WAL that held the old ones.
                await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def close(self) -> None:
        """Commit what is pending and close the connection (closed even when the commit fails)."""
        try:
            await self.commit()
        finally:
            await self._db.close()

    async def commit(self) -> int:
        """Commit the pending writes; returns how many there were."""
        n = self.pending
        if n or self._db.in_transaction:
            await self._db.commit()
        self.pending = 0
        return n

    async def _written(self) -> None:
        """After a write: commit it now, or count it for the next `commit` when batching."""
        if self._batch:
            self.pending += 1
        else:
            await self._db.commit()

    def user_hash(self, user_id: int | str) -> str:
        """The stored form of a user id: HMAC-SHA256 with this install's secret. Telegram ids are integers; other
        platforms pass a prefixed string ("line:U…"), so users of two platforms never share a row."""
        return user_hash(self._secret, user_id)

    async def schema_version(self) -> int:
        """The database's schema version."""
        async with self._db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    # --- settings --------------------------------------------------------------------------------

    async def settings(self, user_id: int | str) -> Settings:
        """A user's settings (defaults when none are stored)."""
        async with self._db.execute("SELECT lang, school FROM users WHERE user_hash = ?", (self.user_hash(user_id),)) as cur:
            row = await cur.fetchone()
        return Settings(lang=row[0], school=row[1]) if row else Settings()

    async def set_lang(self, user_id: int | str, lang: str | None) -> None:
        """Store a user's language."""
        await self._db.execute(
            "INSERT INTO users (user_hash, lang, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(user_hash) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at",
            (self.user_hash(user_id), lang, time.time()),
        )
        await self._written()

    async def set_school(self, user_id: int | str, school: str | None) -> None:
        """Store a user's default school."""
        await self._db.execute(
            "INSERT INTO users (user_hash, school, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(user_hash) DO UPDATE SET school = excluded.school, updated_at = excluded.updated_at",
            (self.user_hash(user_id), school, time.time()),
        )
        await self._written()

    # --- question log and feedback -----------------------------------------------------------------

    async def log_question(
        self, user_id: int | str, chat_type: str, question: str, kind: str, entries: list[str], score: float, latency_ms: float, lang: str, ts: float | None = None
    ) -> int:
        """Record one answered question; returns its id."""
        cur = await self._db.execute(
            "INSERT INTO questions (ts, user_hash, chat_type, question, kind, entries, score, latency_ms, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (time.time() if ts is None else ts, self.user_hash(user_id), chat_type, mask_personal(question[:MAX_STORED_QUESTION]), kind, ",".join(entries), float(score), float(latency_ms), lang),
        )
        await self._written()
        return int(cur.lastrowid or 0)

    async def question(self, question_id: int) -> LoggedQuestion | None:
        """One logged question."""
        async with self._db.execute(
            "SELECT id, ts, question, kind, entries, score, latency_ms, lang FROM questions WHERE id = ?", (int(question_id),)
        ) as cur:
            row = await cur.fetchone()
        return LoggedQuestion(*row) if row else None

    async def vote(self, user_id: int | str, question_id: int, value: int) -> Vote:
        """Record a user's 👍 (1) or 👎 (-1) on a logged question: one vote per user and question, which a later
        press changes ("new", "changed", "same"; "missing" when the question is unknown)."""
        if value not in (-1, 1):
            raise ValueError("feedback is 1 or -1")
        if await self.question(question_id) is None:
            return "missing"
        user = self.user_hash(user_id)
        async with self._db.execute("SELECT value FROM feedback WHERE question_id = ? AND user_hash = ?", (int(question_id), user)) as cur:
            row = await cur.fetchone()
        if row is not None and int(row[0]) == value:
            return "same"
        await self._db.execute(
            "INSERT INTO feedback (ts, user_hash, question_id, value) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(question_id, user_hash) DO UPDATE SET value = excluded.value, ts = excluded.ts",
            (time.time(), user, int(question_id), value),
        )
        await self._written()
        return "new" if row is None else "changed"

    async def add_feedback(self, user_id: int | str, question_id: int, value: int, comment: str | None = None) -> bool:
        """Record 👍 (1) or 👎 (-1) for a logged question (see `vote`), with an optional comment; False when the question is unknown."""
        if await self.vote(user_id, question_id, value) == "missing":
            return False
        if comment:
            await self.add_comment(user_id, question_id, comment)
        return True

    async def remember_prompt(self, chat_id: int | str, message_id: int, user_id: int | str, question_id: int) -> None:
        """Keep which logged question a 👎 comment prompt (a bot message) asks about, and for whom."""
        await self._db.execute(
            "INSERT OR REPLACE INTO prompts (prompt_key, ts, user_hash, question_id) VALUES (?, ?, ?, ?)",
            (self.user_hash(f"prompt:{chat_id}:{int(message_id)}"), time.time(), self.user_hash(user_id), int(question_id)),
        )
        await self._written()

    async def prompt_owner(self, chat_id: int | str, message_id: int, user_id: int | str) -> PromptOwner | None:
        """The comment prompt a message replies to, if it is one."""
        async with self._db.execute(
            "SELECT question_id, user_hash FROM prompts WHERE prompt_key = ?", (self.user_hash(f"prompt:{chat_id}:{int(message_id)}"),)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else PromptOwner(int(row[0]), str(row[1]) == self.user_hash(user_id))

    async def add_comment(self, user_id: int | str, question_id: int, comment: str) -> bool:
        """Attach a comment to the user's latest 👎 on a question."""
        cur = await self._db.execute(
            "UPDATE feedback SET comment = ? WHERE id = (SELECT MAX(id) FROM feedback WHERE question_id = ? AND user_hash = ?)",
            (mask_personal(comment[:MAX_STORED_COMMENT]), int(question_id), self.user_hash(user_id)),
        )
        await self._written()
        return (cur.rowcount or 0) > 0

    async def stats(self, days: int = 30, now: float | None = None) -> dict[str, Any]:
        """Questions a day, share unanswered, top entries and feedback counts over the last `days` days."""
        since = (time.time() if now is None else now) - days * 86400
        per_day: list[tuple[str, int, int]] = []
        async with self._db.execute(
            "SELECT date(ts, 'unixepoch', ?) AS d, COUNT(*), SUM(kind = 'unknown') FROM questions WHERE ts >= ? GROUP BY d ORDER BY d",
            ("+8 hours", since),
        ) as cur:
            async for d, n, unk in cur:
                per_day.append((str(d), int(n), int(unk or 0)))
        counts: dict[str, int] = {}
        async with self._db.execute("SELECT entries FROM questions WHERE ts >= ? AND entries != ''", (since,)) as cur:
            async for (entries,) in cur:
                first = str(entries).split(",")[0]
                counts[first] = counts.get(first, 0) + 1
        async with self._db.execute("SELECT SUM(value = 1), SUM(value = -1) FROM feedback WHERE ts >= ?", (since,)) as cur:
            row = await cur.fetchone()
        up, down = (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)
        total = sum(n for _, n, _ in per_day)
        unknown = sum(u for _, _, u in per_day)
        return {
            "days": days,
            "total": total,
            "unknown": unknown,
            "unknown_share": unknown / total if total else 0.0,
            "per_day": per_day,
            "top_entries": sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10],
            "thumbs_up": up,
            "thumbs_down": down,
        }

    async def unanswered(self, limit: int = 500) -> list[LoggedQuestion]:
        """Recent `unknown` questions and questions with a 👎, newest first."""
        rows: list[LoggedQuestion] = []
        async with self._db.execute(
            "SELECT q.id, q.ts, q.question, q.kind, q.entries, q.score, q.latency_ms, q.lang, f.value, f.comment "
            "FROM questions q LEFT JOIN feedback f ON f.question_id = q.id "
            "WHERE q.kind = 'unknown' OR f.value = -1 ORDER BY q.ts DESC, q.id DESC LIMIT ?",
            (int(limit),),
        ) as cur:
            async for row in cur:
                rows.append(LoggedQuestion(*row))
        return rows

    async def purge(self, older_than_days: int, now: float | None = None) -> int:
        """Delete log rows and feedback older than the retention; returns the number of questions deleted."""
        cutoff = (time.time() if now is None else now) - older_than_days * 86400
        await self._db.execute("DELETE FROM feedback WHERE ts < ?", (cutoff,))
        await self._db.execute("DELETE FROM prompts WHERE ts < ?", (cutoff,))
        cur = await self._db.execute("DELETE FROM questions WHERE ts < ?", (cutoff,))
        await self._written()
        return int(cur.rowcount or 0)


def _sql_mask(value: object) -> object:
    return mask_personal(value) if isinstance(value, str) else value


def _create_private(path: Path) -> None:
    """Create the folder (0700) and the database file (0600) when they do not exist yet; SQLite gives its WAL and
    shared-memory files the database file's permissions."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _tighten(path: Path) -> None:
    """An existing database (and its WAL and shared-memory files) left readable by others is made owner-only."""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = stat.S_IMODE(p.stat().st_mode)
            if mode & 0o077:
                os.chmod(p, mode & 0o700)
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("cannot make %s owner-only: %s", p.name, exc.strerror or exc)


async def _warn_on_a_replaced_secret(db: aiosqlite.Connection, secret: bytes) -> None:
    """Before the secret stored by an earlier version is deleted: say so when it is not the one in use (USER_ID_SECRET
    was set, or a key file already existed), since the user hashes stored with it no longer match anyone."""
    try:
        async with db.execute("SELECT value FROM meta WHERE key = ?", (LEGACY_META_KEY,)) as cur:
            row = await cur.fetchone()
    except aiosqlite.Error:
        return
    if row and str(row[0]) != secret.hex():
        log.warning("the database held a different user-id secret; it is deleted, and users' stored settings start afresh")


T = TypeVar("T")


class SafeRepository:
    """The repository as the bot uses it: a storage fault is logged and the bot goes on (defaults returned).

    `commit_every_s` > 0 batches writes: the first write after a commit schedules the next commit that much later,
    so a burst of questions costs one transaction per interval instead of one each (MAX_PENDING_WRITES commits at
    once); `flush` commits now, and `close` commits what is pending before closing."""

    def __init__(self, path: str | Path, secret: bytes, commit_every_s: float = 0.0):
        self.path = path
        self._secret = secret
        self._repo: Repository | None = None
        self._last_failure = 0.0
        self.failures = 0
        self._settings: dict[int | str, Settings] = {}  # read-through cache; our own writes keep it current
        self.commit_every_s = commit_every_s
        self._timer: asyncio.TimerHandle | None = None
        self._flushes: set[asyncio.Task[int]] = set()
        self._opening: asyncio.Lock | None = None

    async def _get(self) -> Repository | None:
        if self._repo is not None:
            return self._repo
        if time.monotonic() - self._last_failure < 5.0:
            return None
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:  # one connection: callers that come while it opens wait for it
            if self._repo is not None or time.monotonic() - self._last_failure < 5.0:
                return self._repo
            try:
                self._repo = await Repository.open(self.path, self._secret, batch=self.commit_every_s > 0)
            except Exception as exc:  # noqa: BLE001 - any storage fault must not stop answers
                self._fail("open", exc)
                return None
        return self._repo

    def _fail(self, what: str, exc: BaseException) -> None:
        self.failures += 1
        self._last_failure = time.monotonic()
        log.error("storage fault during %s: %s: %s", what, type(exc).__name__, exc)

    async def _call(self, what: str, fn: Callable[[Repository], Awaitable[T]], default: T) -> T:
        repo = await self._get()
        if repo is None:
            return default
        try:
            return await fn(repo)
        except Exception as exc:  # noqa: BLE001
            self._fail(what, exc)
            # Reopen next time: the file may have been deleted, locked or made read-only.
            try:
                await repo.close()
            except Exception:  # noqa: BLE001
                pass
            self._repo = None
            return default

    async def open(self) -> None:
        """Open now (faults are logged, not raised)."""
        await self._get()

    async def _write(self, what: str, fn: Callable[[Repository], Awaitable[T]], default: T) -> T:
        """A write through `_call`, committed now or within `commit_every_s` (batched)."""
        out = await self._call(what, fn, default)
        repo = self._repo
        if repo is not None and repo.pending:
            if repo.pending >= MAX_PENDING_WRITES:
                await self.flush()
            elif self._timer is None:
                self._timer = asyncio.get_running_loop().call_later(self.commit_every_s, self._due)
        return out

    def _due(self) -> None:
        self._timer = None
        task = asyncio.ensure_future(self.flush())
        self._flushes.add(task)
        task.add_done_callback(self._flushes.discard)

    async def flush(self) -> int:
        """Commit the pending writes now; returns how many were committed (a fault is logged, with the number lost)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        repo = self._repo
        if repo is None or not repo.pending:
            return 0
        pending = repo.pending
        done = await self._call("commit", lambda r: r.commit(), 0)
        if done < pending:
            log.error("storage: %d write(s) not stored", pending - done)
        return done

    async def close(self) -> None:
        """Commit what is pending and close, if open."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._flushes:
            await asyncio.gather(*self._flushes, return_exceptions=True)
        if self._repo is not None:
            try:
                await self._repo.close()
            except Exception as exc:  # noqa: BLE001
                self._fail("close", exc)
            self._repo = None

    async def settings(self, user_id: int | str) -> Settings:
        cached = self._settings.get(user_id)
        if cached is not None:
            return cached
        value = await self._call("settings", lambda r: r.settings(user_id), None)
        if value is None:
            return Settings()
        if len(self._settings) >= 50_000:
            self._settings.clear()
        self._settings[user_id] = value
        return value

    async def set_lang(self, user_id: int | str, lang: str | None) -> bool:
        async def go(r: Repository) -> bool:
            await r.set_lang(user_id, lang)
            return True

        self._settings.pop(user_id, None)
        return await self._write("set_lang", go, False)

    async def set_school(self, user_id: int | str, school: str | None) -> bool:
        async def go(r: Repository) -> bool:
            await r.set_school(user_id, school)
            return True

        self._settings.pop(user_id, None)
        return await self._write("set_school", go, False)

    async def log_question(self, *args: Any, **kwargs: Any) -> int:
        return await self._write("log_question", lambda r: r.log_question(*args, **kwargs), 0)

    async def question(self, question_id: int) -> LoggedQuestion | None:
        return await self._call("question", lambda r: r.question(question_id), None)

    async def add_feedback(self, user_id: int | str, question_id: int, value: int, comment: str | None = None) -> bool:
        return await self._write("add_feedback", lambda r: r.add_feedback(user_id, question_id, value, comment), False)

    async def add_comment(self, user_id: int | str, question_id: int, comment: str) -> bool:
        return await self._write("add_comment", lambda r: r.add_comment(user_id, question_id, comment), False)

    async def vote(self, user_id: int | str, question_id: int, value: int) -> Vote:
        failed: Vote = "failed"
        return await self._write("vote", lambda r: r.vote(user_id, question_id, value), failed)

    async def remember_prompt(self, chat_id: int | str, message_id: int, user_id: int | str, question_id: int) -> bool:
        async def go(r: Repository) -> bool:
            await r.remember_prompt(chat_id, message_id, user_id, question_id)
            return True

        return await self._write("remember_prompt", go, False)

    async def prompt_owner(self, chat_id: int | str, message_id: int, user_id: int | str) -> PromptOwner | None:
        return await self._call("prompt_owner", lambda r: r.prompt_owner(chat_id, message_id, user_id), None)

    async def stats(self, days: int = 30) -> dict[str, Any] | None:
        return await self._call("stats", lambda r: r.stats(days), None)

    async def unanswered(self, limit: int = 500) -> list[LoggedQuestion] | None:
        return await self._call("unanswered", lambda r: r.unanswered(limit), None)

    async def purge(self, older_than_days: int) -> int:
        return await self._write("purge", lambda r: r.purge(older_than_days), 0)
