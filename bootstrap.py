"""The one place that wires the assistant: knowledge base → calculators → normaliser, matcher → engine → front ends.

`bot.py`, the staff `/reload`, the tests and the scripts all build the engine here.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

# numpy's bundled OpenBLAS starts a thread per core when numpy is imported; the matcher uses no linear algebra, so one
# thread: a tenth of a second less CPU at every start, and no idle threads beside the event loop.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from config import Config  # noqa: E402
from core.cache import KnowledgeCache, cache_key, code_version  # noqa: E402
from core.engine import Engine  # noqa: E402
from core.kb import KnowledgeBase, KnowledgeBaseError, load  # noqa: E402
from core.matcher import Matcher  # noqa: E402
from core.normalize import Normaliser  # noqa: E402
from logsetup import configure_logging  # noqa: E402
import regexcache  # noqa: E402

if TYPE_CHECKING:
    import asyncio  # imported where a server runs: the command line does without it

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent
CODE = ("core", "rules", "lang", "bootstrap.py")  # what validates and indexes: part of the cache key
HEARTBEAT_S = 30.0  # how often a running server touches its heartbeat file (scripts/healthcheck.py reads it)


@lru_cache(maxsize=1)
def _code() -> str:
    return code_version(ROOT, CODE)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The garbage collector off while the knowledge base is read and indexed (hundreds of thousands of new objects,
    none of them garbage, rescanned at every collection otherwise); what was built is then frozen, so that later
    collections never walk it again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def load_knowledge(knowledge_dir: Path, cache_dir: Path | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base (raises KnowledgeBaseError naming every problem).

    With a cache directory, a knowledge base validated earlier from exactly these files by exactly this code is read
    back from it instead, and a freshly validated one is written to it (core/cache.py). `check` never comes here.
    """
    with _gc_paused():
        if cache_dir is None:
            return load(knowledge_dir, ())
        key = cache_key(knowledge_dir, _code())
        store = KnowledgeCache(cache_dir, key)
        cached = store.load_kb()
        if cached is not None:
            log.debug("knowledge base from the cache (%s)", key[:12])
            return cached
        kb = replace(load(knowledge_dir, ()), cache_key=key)
        if cache_key(knowledge_dir, _code()) == key:  # not edited while it was being read
            store.store_kb(kb)
        return kb


def build_engine(kb: KnowledgeBase, cache_dir: Path | None = None) -> Engine:
    """The answering core over a validated knowledge base; its rule definitions are the calculators. With a cache
    directory and a knowledge base loaded through it, the engine built earlier (normaliser, index and all) is read
    back from it, or built and written to it."""
    with _gc_paused():
        store = KnowledgeCache(cache_dir, kb.cache_key) if cache_dir is not None and kb.cache_key else None
        cached = store.load_engine(kb) if store is not None else None
        if cached is not None:
            log.debug("engine from the cache (%s)", kb.cache_key[:12])
            return cached
        normaliser = Normaliser(kb.glossary, kb.institutions)
        engine = Engine(kb, normaliser, Matcher(kb, normaliser), kb.rules)
        if store is not None:
            store.store_engine(kb, engine)
        return engine


def engine_from(knowledge_dir: Path, cache_dir: Path | None = None) -> Engine:
    """Load, validate and build in one step (raises KnowledgeBaseError)."""
    return build_engine(load_knowledge(knowledge_dir, cache_dir), cache_dir)


def engine_or_exit(config: Config, err: TextIO = sys.stderr) -> Engine:
    """The engine for the configured knowledge base (through the configured cache); on an invalid one, print the
    problems and exit with status 1."""
    try:
        engine = engine_from(config.knowledge_dir, config.cache_dir)
    except KnowledgeBaseError as exc:
        for problem in exc.problems[:50]:
            print(problem, file=err)
        print(f"the knowledge base is invalid ({len(exc.problems)} problem(s)); refusing to start. Run: python bot.py check", file=err)
        raise SystemExit(1) from exc
    if config.cache_dir is not None:
        regexcache.store(config.cache_dir)  # what the imports and the engine compiled, for the next start (bot.py)
    return engine


def calculator_names() -> list[str]:
    """Names `check` accepts in entries' `calculators:` besides the knowledge base's own rule definitions (none: every
    calculator is a rule definition)."""
    return []


def run(config: Config, console: bool = False) -> int:
    """Run the front ends the configuration asks for: LINE when its channel secret and access token are set,
    Telegram when its token is set, both in one event loop when both are, the console chat when neither is."""
    import asyncio

    configure_logging(config)  # before anything can log a secret (idempotent: bot.py has done it already)
    engine = engine_or_exit(config)
    line = config.line_enabled and not console
    telegram = bool(config.token) and not console
    if not line and not telegram:
        from frontends.console import run_console

        return run_console(engine)
    return asyncio.run(serve(config, engine, line=line, telegram=telegram))


async def serve(config: Config, engine: Engine, line: bool, telegram: bool) -> int:
    """The servers in one loop with one engine and one repository, until SIGTERM or SIGINT."""
    import asyncio

    from storage.keys import install_secret
    from storage.repository import SafeRepository

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not on this platform or not the main thread
            pass
    # The key first: on an old database it moves out of the database into the key file before the repository's
    # migration erases it there.
    secret = install_secret(config.db_path, config.user_id_secret)
    repo = SafeRepository(config.db_path, secret, commit_every_s=config.db_commit_ms / 1000)
    await repo.open()
    answers = None
    if config.answer_processes > 0:
        from frontends.answering import AnswerProcesses

        answers = AnswerProcesses(engine, config.answer_processes)  # both front ends' questions, forked at the first
    jobs: list[Awaitable[None]] = [_heartbeat(config.heartbeat_path, stop)]
    line_bots: list[Any] = []  # LINE's event handler, once started: a staff /reload through Telegram replaces its engine too
    if line:
        from frontends.line.app import serve_line

        jobs.append(serve_line(config, engine, repo, secret, stop, started=line_bots.append, answers=answers))
    if telegram:
        from frontends.telegram.app import serve_telegram

        def installed(new: Engine) -> None:
            for bot in line_bots:
                bot.engine = new

        jobs.append(serve_telegram(config, engine, lambda: engine_from(config.knowledge_dir, config.cache_dir), repo, stop, installed=installed, answers=answers))
    tasks = [asyncio.ensure_future(j) for j in jobs]
    status = 0
    try:
        # Any front end that ends on its own (a fault) stops the others too.
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in done:
            if not t.cancelled() and t.exception() is not None:
                log.error("a front end stopped", exc_info=t.exception())
                status = 1
        stop.set()
        for t in tasks:
            try:
                await t
            except Exception:  # noqa: BLE001 - already logged above, or logged now
                log.exception("a front end failed while stopping")
                status = 1
    finally:
        await repo.close()
        if answers is not None:
            answers.close()
    return status


async def _heartbeat(path: Path, stop: asyncio.Event) -> None:
    """Touch `path` every 30 s while running (the container's HEALTHCHECK when no webhook port is served)."""
    import asyncio

    while not stop.is_set():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
        except OSError as exc:
            log.warning("heartbeat %s not written: %s", path, exc)
        try:
            await asyncio.wait_for(stop.wait(), timeout=HEARTBEAT_S)
        except asyncio.TimeoutError:
            pass


def line_setup(config: Config) -> int:
    """`python bot.py line-setup`: create or replace the default rich menu."""
    import asyncio

    if not config.line_channel_access_token:
        print("line-setup needs LINE_CHANNEL_ACCESS_TOKEN (and LINE_API_BASE_URL for a test server)", file=sys.stderr)
        return 2
    from frontends.line.richmenu import setup_command

    return asyncio.run(setup_command(config.line_channel_access_token, config.line_api_base_url))
