"""Engine calls answered in forked processes, so that a chat server's event loop (python-telegram-bot's, LINE's
aiohttp) keeps one core to itself while answers use another, and an answer that overruns its budget is stopped.

Each process is forked from the server after its engine is built, so it holds that very engine (copy-on-write, no
second load). Requests and results go as length-prefixed pickles over a socket pair: the server writes through
asyncio (never blocking its loop) and reads in a task; the process answers its requests one at a time, in the order
sent. Pickle is safe here: both ends are this program, over a socket pair no other process can reach.

A request that overruns its budget gets TimeoutError; its process is killed and replaced, and the requests queued
behind it are sent again to the replacement (engine calls have no side effects: the dialogue state is an argument
and a result). A process that dies is replaced the same way. `replace(engine)` (staff /reload) forks processes
holding the new engine; the old ones finish what they were sent, then exit.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import itertools
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import time
import zlib
from collections import OrderedDict
from typing import Any

from rules.pickling import RestrictedUnpickler

log = logging.getLogger(__name__)

_HEADER = struct.Struct("!IQ?")  # the pickle's length, the request's id, whether the call succeeded (results)
MAX_FRAME = 64 * 1024 * 1024  # a frame's length above this means a broken stream
BUSY_S = 0.03  # a process busy this long with one request (answers take a few ms) is passed over by new requests
STALL_S = 0.25  # and the requests queued behind one busy this long move to another process
AFFINITY_SLACK = 4  # a request with an affinity goes to its own process unless that one holds this many more than another


class ProcessGone(RuntimeError):
    """The answering process ended before it answered."""


class _Unpickler(RestrictedUnpickler):
    """Plain values, and the classes of the project's own packages; nothing else is looked up."""

    where = "between the answering processes"


def _loads(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()


def _frame(rid: int, ok: bool, value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data), rid, ok) + data


def _serve(engine: Any, sock: socket.socket) -> None:
    """The answering process: requests (id, method, args) in, (id, ok, result or error text) out, until EOF."""
    # Signals belong to the server: it stops this process by closing the socket (or killing it). The event loop's
    # wake-up descriptor is the server's: a signal here must not wake the server's loop.
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    reader = sock.makefile("rb")
    try:
        while True:
            head = reader.read(_HEADER.size)
            if len(head) < _HEADER.size:
                return
            n, rid, _ = _HEADER.unpack(head)
            body = reader.read(n)
            if len(body) < n:
                return
            try:
                method, args = _loads(body)
                frame = _frame(rid, True, getattr(engine, method)(*args))
            except Exception as exc:  # noqa: BLE001 - reported to the caller, who raises it
                frame = _frame(rid, False, f"{type(exc).__name__}: {exc}")
            sock.sendall(frame)
    except (OSError, EOFError, KeyboardInterrupt):
        return


class _Worker:
    """One answering process and the requests sent to it, oldest first."""

    def __init__(self, engine: Any) -> None:
        mine, theirs = socket.socketpair()
        self.process = multiprocessing.get_context("fork").Process(target=_serve, args=(engine, theirs), daemon=True, name="answer")
        self.process.start()
        theirs.close()
        self.sock = mine
        self.waiting: OrderedDict[int, tuple[bytes, asyncio.Future[Any]]] = OrderedDict()  # id → (frame, future)
        self.retiring = False
        self.head_since = 0.0  # when the process began the oldest request it holds (about: when the one before ended)
        self.writer: asyncio.StreamWriter | None = None
        self.reading: asyncio.Task[None] | None = None

    async def open(self, owner: AnswerProcesses) -> None:
        reader, self.writer = await asyncio.open_unix_connection(sock=self.sock, limit=MAX_FRAME)
        self.reading = asyncio.ensure_future(self._read(reader, owner))

    async def _read(self, reader: asyncio.StreamReader, owner: AnswerProcesses) -> None:
        try:
            while True:
                n, rid, ok = _HEADER.unpack(await reader.readexactly(_HEADER.size))
                if n > MAX_FRAME:
                    raise ProcessGone("a frame too long")
                body = await reader.readexactly(n)
                item = self.waiting.pop(rid, None)
                self.head_since = time.monotonic()
                if item is not None and not item[1].done():
                    _settle(item[1], ok, body)
                if self.retiring and not self.waiting:
                    owner.retired(self)
                    return
        except (asyncio.IncompleteReadError, ConnectionError, ProcessGone, OSError):
            owner.lost(self)
        except asyncio.CancelledError:
            pass

    def send(self, rid: int, frame: bytes, fut: asyncio.Future[Any]) -> None:
        if not self.waiting:
            self.head_since = time.monotonic()
        self.waiting[rid] = (frame, fut)
        assert self.writer is not None
        self.writer.write(frame)

    def stalled(self, now: float, limit: float = STALL_S) -> bool:
        """Busy with one request for over `limit` seconds."""
        return bool(self.waiting) and now - self.head_since > limit

    def stop(self, kill: bool = False) -> None:
        """Shut the connection (the process reads its end and exits; a shutdown, unlike a close, reaches it even where
        a later fork holds a copy of this socket); `kill`: stop it now."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        if self.writer is not None:
            self.writer.close()
        else:
            self.sock.close()
        if kill and self.process.is_alive():
            self.process.kill()
        if self.reading is not None and self.reading is not asyncio.current_task():
            self.reading.cancel()
        self.process.join(0)  # reap it if it has ended (a daemon process is reaped at exit otherwise)


FIRST_ANSWERS = 1024  # answers to a conversation's first question remembered here (a few megabytes)


class AnswerProcesses:
    """A few forked processes answering engine calls: `await call("converse", text, ctx, state, now, budget=10)`.

    `converse` remembers the answers to questions that open a conversation (no earlier turn still in force): the
    answer then depends only on the text, the asker's settings (default school, language) and the conversation's
    language choice, so the same question from another chat is answered here, without a process, from the last
    FIRST_ANSWERS ones. Forgotten when the engine is replaced."""

    def __init__(self, engine: Any, processes: int) -> None:
        self._engine = engine
        self._firsts: OrderedDict[Any, tuple[Any, Any]] = OrderedDict()
        self.first_hits = 0
        self._size = max(1, processes)
        self._workers: list[_Worker] = []
        self._retiring: list[_Worker] = []  # processes of an engine replaced, finishing what they were sent
        self._ids = itertools.count(1)
        self._starting: asyncio.Lock | None = None
        self.restarts = 0  # processes replaced after a death or an overrun

    async def _ensure(self) -> None:
        if len(self._workers) >= self._size:
            return
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            prepare = getattr(self._engine, "prepare", None)
            if callable(prepare) and len(self._workers) < self._size:
                prepare()  # what the engine loads on first use, loaded once here for every process forked below
            while len(self._workers) < self._size:
                w = _Worker(self._engine)
                await w.open(self)
                self._workers.append(w)

    def _pick(self, avoid: _Worker | None = None, affinity: str | None = None) -> _Worker:
        """The process with the fewest requests, passing over one busy with a request for over BUSY_S (and `avoid`)
        when others are not. With an `affinity` (the question's text), the same process each time while it is not much busier than
        another: what it remembers of recent questions (rankings, plans) then serves the same question again."""
        now = time.monotonic()
        best = min(self._workers, key=lambda w: (w is avoid or w.stalled(now, BUSY_S), len(w.waiting)))
        if affinity is not None and len(self._workers) > 1:
            own = self._workers[zlib.crc32(affinity.encode("utf-8", "surrogatepass")) % len(self._workers)]
            if own is not avoid and not own.stalled(now, BUSY_S) and len(own.waiting) <= len(best.waiting) + AFFINITY_SLACK:
                return own
        return best

    def lost(self, w: _Worker, skip: int | None = None) -> None:
        """A process died, or overran (`skip`: the request it is stuck on): it is stopped, and the other requests it
        held go to the live processes (a replacement is started)."""
        if w in self._workers:
            self._workers.remove(w)
        elif w in self._retiring:
            self._retiring.remove(w)
        else:
            return
        if skip is None:
            log.warning("an answering process ended (exit code %s); starting another", w.process.exitcode)
        pending = [(rid, frame, fut) for rid, (frame, fut) in w.waiting.items() if rid != skip and not fut.done()]
        w.waiting.clear()
        w.stop(kill=True)
        self.restarts += 1
        task = asyncio.ensure_future(self._resend(pending))
        task.add_done_callback(_log_failure)

    def retired(self, w: _Worker) -> None:
        """A process of a replaced engine has answered all it was sent: it exits."""
        if w in self._retiring:
            self._retiring.remove(w)
        w.stop()

    async def _resend(self, pending: list[tuple[int, bytes, asyncio.Future[Any]]]) -> None:
        await self._ensure()
        for rid, frame, fut in pending:
            if not fut.done():
                self._pick().send(rid, frame, fut)

    async def converse(self, text: str, ctx: Any, state: Any, now: float, budget: float) -> tuple[Any, Any]:
        """`engine.converse(text, ctx, state, now)` in a process, or a remembered answer to the same first question."""
        key = None if state.fresh(now) else (text, ctx, state.lang, state.simplified)
        hit = self._firsts.get(key) if key is not None else None
        if hit is not None:
            self._firsts.move_to_end(key)
            self.first_hits += 1
            ans, after = hit
            return ans, dataclasses.replace(after, at=now)
        ans, after = await self.call("converse", text, ctx, state, now, budget=budget, affinity=text)
        if key is not None and after.at == now:
            self._firsts[key] = (ans, after)
            if len(self._firsts) > FIRST_ANSWERS:
                self._firsts.popitem(last=False)
        return ans, after

    async def call(self, method: str, *args: Any, budget: float, affinity: str | None = None) -> Any:
        """`engine.method(*args)` in a process; TimeoutError after `budget` seconds (its process is then replaced).
        `affinity`: calls with the same one go to the same process when it is not much busier (see `_pick`)."""
        await self._ensure()
        rid = next(self._ids)
        frame = _frame(rid, True, (method, args))
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pick(affinity=affinity).send(rid, frame, fut)
        started = time.monotonic()
        try:
            if budget > STALL_S:
                done, _ = await asyncio.wait((fut,), timeout=STALL_S)
                if not done:
                    self._move_if_queued(rid, frame, fut)
            return await asyncio.wait_for(asyncio.shield(fut), max(0.0, budget - (time.monotonic() - started)))
        except TimeoutError:
            holder = self._holder(rid)
            if holder is not None:
                log.warning("an answer overran %.0f s; its process is replaced", budget)
                self.lost(holder, skip=rid)
            fut.cancel()
            raise

    def _holder(self, rid: int) -> _Worker | None:
        return next((w for w in (*self._workers, *self._retiring) if rid in w.waiting), None)

    def _move_if_queued(self, rid: int, frame: bytes, fut: asyncio.Future[Any]) -> None:
        """A request still queued behind another after STALL_S goes to a process that is not stalled, if there is one
        (its first process may still answer it: that answer is dropped)."""
        holder = self._holder(rid)
        if holder is None or next(iter(holder.waiting)) == rid:
            return  # being answered (or gone): moving it would not be sooner
        other = self._pick(avoid=holder)
        if other is holder or other.stalled(time.monotonic()):
            return
        del holder.waiting[rid]
        other.send(rid, frame, fut)

    def replace(self, engine: Any) -> None:
        """Answer with this engine from now on: new processes hold it; the old ones finish their requests and exit."""
        self._engine = engine
        self._firsts.clear()
        for w in self._workers:
            w.retiring = True
            if w.waiting:
                self._retiring.append(w)
            else:
                w.stop()
        self._workers = []

    def close(self) -> None:
        """Stop every process now."""
        for w in (*self._workers, *self._retiring):
            w.stop(kill=True)
            for _, fut in w.waiting.values():
                if not fut.done():
                    fut.cancel()
        self._workers, self._retiring = [], []

    @property
    def pids(self) -> list[int]:
        """The live answering processes."""
        return [w.process.pid for w in self._workers if w.process.pid is not None]


def _settle(fut: asyncio.Future[Any], ok: bool, body: bytes) -> None:
    """The caller's result, or its error (the engine's, or a result that could not be read)."""
    try:
        value = _loads(body)
    except Exception as exc:  # noqa: BLE001 - a result we do not read is that caller's error
        fut.set_exception(RuntimeError(f"{type(exc).__name__}: {exc}"))
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(RuntimeError(value))


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("could not start an answering process", exc_info=task.exception())

