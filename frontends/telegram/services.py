"""What every Telegram handler shares: the engine and storage, the flood limit, button signing, dialogue sessions and
the worker threads that answer off the event loop."""

from __future__ import annotations

import asyncio
import base64
import functools
import hmac
import time
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from config import Config
from core.dialogue import DialogueState, Sessions
from core.engine import Engine
from core.model import Answer, AnswerContext
from frontends.answering import AnswerProcesses
from storage.keys import derive, log_id
from storage.repository import SafeRepository

T = TypeVar("T")

ANSWER_BUDGET_S = 10.0  # one answer may take this long before the asker is told to rephrase
RELOAD_BUDGET_S = 60.0  # /reload gives up (keeping the old knowledge base) after this long
ANSWER_WORKERS = 4


@dataclass
class FloodLimiter:
    """At most `limit` updates per user per `window` seconds."""

    limit: int
    window: float
    _seen: dict[int, deque[float]] = field(default_factory=dict)
    _warned: dict[int, float] = field(default_factory=dict)

    def allow(self, user_id: int, now: float | None = None) -> bool:
        """Record an update; False when the user is over the limit."""
        t = time.monotonic() if now is None else now
        q = self._seen.setdefault(user_id, deque())
        while q and t - q[0] > self.window:
            q.popleft()
        if len(q) >= self.limit:
            return False
        q.append(t)
        if len(self._seen) > 50_000:  # forget idle users
            for uid in [u for u, d in self._seen.items() if not d or t - d[-1] > self.window][:10_000]:
                self._seen.pop(uid, None)
                self._warned.pop(uid, None)
        return True

    def should_warn(self, user_id: int, now: float | None = None) -> bool:
        """Warn once per window, not for every dropped update."""
        t = time.monotonic() if now is None else now
        if t - self._warned.get(user_id, -1e9) > self.window:
            self._warned[user_id] = t
            return True
        return False


class ButtonSigner:
    """Callback data bound to the user and chat a keyboard was sent to: `kind:payload:mac`.

    The MAC is HMAC-SHA256 (with the install's "button" key) over user, chat, kind and payload, cut to 12 bytes
    (16 base64url characters): a button pressed by anyone else, in another chat, or with altered data fails.
    """

    MAC_BYTES = 12
    MAX_BYTES = 64  # Telegram's limit on callback data

    def __init__(self, secret: bytes):
        self._key = derive(secret, "button")

    def _mac(self, user_id: int, chat_id: int, data: str) -> str:
        mac = hmac.digest(self._key, f"{user_id}:{chat_id}:{data}".encode(), "sha256")[: self.MAC_BYTES]  # one call into OpenSSL
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def sign(self, user_id: int, chat_id: int, kind: str, *args: str | int) -> str:
        """The callback data for a button of `kind` with `args` (no ':' or '|' in them)."""
        payload = "|".join([str(a) for a in args])
        if not kind or ":" in kind or "|" in kind or ":" in payload or payload.count("|") != max(len(args) - 1, 0):
            raise ValueError("button fields may not contain ':' or '|'")
        data = f"{kind}:{payload}"
        out = f"{data}:{self._mac(user_id, chat_id, data)}"
        if len(out.encode()) > self.MAX_BYTES:
            raise ValueError(f"callback data over {self.MAX_BYTES} bytes: {kind}")
        return out

    def verify(self, data: object, user_id: int, chat_id: int) -> tuple[str, tuple[str, ...]] | None:
        """(kind, args) when `data` was signed for this user and chat; None when forged, altered or another's."""
        if not isinstance(data, str) or len(data.encode()) > self.MAX_BYTES:
            return None
        body, sep, mac = data.rpartition(":")
        if not sep or ":" not in body or not hmac.compare_digest(mac, self._mac(user_id, chat_id, body)):
            return None
        kind, _, payload = body.partition(":")
        return kind, tuple(payload.split("|")) if payload else ()


@dataclass
class Services:
    """What handlers need, kept in the typed bot data (`context.svc`)."""

    config: Config
    engine: Engine
    repo: SafeRepository
    flood: FloodLimiter
    rebuild: Callable[[], Engine]  # a fresh engine from the knowledge folder (staff /reload); raises KnowledgeBaseError
    secret: bytes
    signer: ButtonSigner = field(init=False)
    sessions: Sessions = field(default_factory=Sessions)
    installed: Callable[[Engine], None] | None = None  # told of an engine /reload put in place (other front ends share it)
    answer_budget_s: float = ANSWER_BUDGET_S
    reload_budget_s: float = RELOAD_BUDGET_S
    answer_processes: int = 0  # typed questions answered in this many forked processes (0: in worker threads)
    shared_answers: AnswerProcesses | None = None  # processes shared with another front end (bootstrap's; not closed here)
    _answers: AnswerProcesses | None = field(default=None, init=False, repr=False)
    _pool: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _reload_pool: ThreadPoolExecutor | None = field(default=None, init=False, repr=False)
    _reload: asyncio.Future[Engine] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.signer = ButtonSigner(self.secret)

    def is_admin(self, user_id: int | None) -> bool:
        """Staff tools are for ADMIN_USER_IDS only (compared as integers)."""
        return isinstance(user_id, int) and not isinstance(user_id, bool) and user_id in self.config.admin_ids

    def log_id(self, raw: object) -> str:
        """How a user or chat id appears in logs: a keyed hash."""
        return log_id(self.secret, raw)

    async def converse(self, text: str, ctx: AnswerContext, state: DialogueState, now: float) -> tuple[Answer, DialogueState]:
        """A turn of a conversation answered in an answering process (the event loop keeps its core; an overrun is
        stopped; the processes remember first questions' answers), or in a worker thread when there are none. Raises
        TimeoutError after `answer_budget_s`."""
        pool = self.shared_answers or self._answers
        if pool is None and self.answer_processes > 0:
            pool = self._answers = AnswerProcesses(self.engine, self.answer_processes)
        if pool is not None:
            found: tuple[Answer, DialogueState] = await pool.converse(text, ctx, state, now, budget=self.answer_budget_s)
            return found
        return await self.work(self.engine.converse, text, ctx, state, now)

    def install(self, engine: Engine) -> None:
        """Answer from this engine from now on (staff /reload): here, in the answering processes, and in the other
        front ends."""
        self.engine = engine
        for pool in (self.shared_answers, self._answers):
            if pool is not None:
                pool.replace(engine)
        if self.installed is not None:
            self.installed(engine)

    async def work(self, fn: Callable[..., T], *args: Any) -> T:
        """Run engine work in a worker thread, so one slow answer never holds up other chats.

        Raises TimeoutError after `answer_budget_s` (the thread finishes on its own; its result is dropped)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(ANSWER_WORKERS, thread_name_prefix="answer")
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(self._pool, functools.partial(fn, *args)), self.answer_budget_s)

    @property
    def reloading(self) -> bool:
        """A rebuild is still running (also one whose caller gave up waiting)."""
        return self._reload is not None and not self._reload.done()

    async def rebuilt(self) -> Engine:
        """A fresh engine built in its own thread within `reload_budget_s` (TimeoutError, or whatever `rebuild`
        raises). A rebuild that overruns goes on in its thread; `reloading` stays true until it ends."""
        if self._reload_pool is None:
            self._reload_pool = ThreadPoolExecutor(1, thread_name_prefix="reload")
        self._reload = asyncio.get_running_loop().run_in_executor(self._reload_pool, self.rebuild)
        return await asyncio.wait_for(asyncio.shield(self._reload), self.reload_budget_s)

    def close(self) -> None:
        """Let the worker threads go (without waiting for an answer nobody will read); stop the answering processes."""
        if self._answers is not None:
            self._answers.close()
            self._answers = None
        for pool in (self._pool, self._reload_pool):
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._reload_pool = None


def session_key(chat_id: int, user_id: int, private: bool) -> Hashable:
    """One dialogue per private chat; in groups one per member."""
    return chat_id if private else (chat_id, user_id)


def join(parts: Sequence[str], sep: str = "\n") -> str:
    """Join non-empty parts."""
    return sep.join(p for p in parts if p)
