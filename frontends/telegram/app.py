"""Build the Telegram application: typed context, defaults, services, handler groups in the order that decides who
answers, the command menu, the retention job; run it.

Handler groups: -1 the flood limit (every update, before anything else); 0 the /calc conversation (it stops the
updates it takes and lets everything else through); 1 everything else.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TimedOut
from telegram.ext import AIORateLimiter, ApplicationBuilder, CallbackQueryHandler, Defaults, TypeHandler

from config import Config
from core.engine import Engine
from frontends.answering import AnswerProcesses
from frontends.telegram import admin, calc, errors, feedback, inline, questions, start
from frontends.telegram.buttons import on_stale
from frontends.telegram.chats import NO_PREVIEW, PerChatOrder, flood_guard
from frontends.telegram.context import CONTEXT_TYPES, App, Ctx
from frontends.telegram.network import PatientRequest, reach
from frontends.telegram.services import FloodLimiter, Services
from frontends.telegram.texts import TAIPEI_TZ
from storage.keys import install_secret
from storage.repository import SafeRepository

log = logging.getLogger(__name__)

FLOOD, FLOWS, HANDLERS = -1, 0, 1  # handler groups, in the order they run
CONCURRENT_UPDATES = 64  # updates handled at once (those of one chat one at a time, in order)
POOL = 64  # connections to the Bot API for everything but getUpdates

COMMANDS_ZH = [
    BotCommand("start", "開始與範例問題"),
    BotCommand("help", "使用說明"),
    BotCommand("calc", "計算器：學分、補助、鐘點、助教、預算、期限"),
    BotCommand("sources", "涵蓋的文件與日期"),
    BotCommand("school", "設定預設學校"),
    BotCommand("lang", "回覆語言 中文／English"),
    BotCommand("cancel", "取消計算"),
]
COMMANDS_EN = [
    BotCommand("start", "Welcome and example questions"),
    BotCommand("help", "How to use the bot"),
    BotCommand("calc", "Calculators: credits, subsidies, hours, TAs, budgets, deadlines"),
    BotCommand("sources", "The documents covered"),
    BotCommand("school", "Set a default school"),
    BotCommand("lang", "Reply language"),
    BotCommand("cancel", "Cancel a calculation"),
]


def build_application(
    config: Config, engine: Engine, rebuild: Callable[[], Engine], repo: SafeRepository | None = None, builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] | None = None,
    installed: Callable[[Engine], None] | None = None, answers: AnswerProcesses | None = None,
) -> App:
    """The application with every handler registered. `builder`: one with its requests already set (tests)."""
    b: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = builder or ApplicationBuilder().request(PatientRequest(connection_pool_size=POOL)).get_updates_request(PatientRequest(connection_pool_size=1))
    b = b.context_types(CONTEXT_TYPES).token(config.token or "").concurrent_updates(PerChatOrder(CONCURRENT_UPDATES))
    b = b.defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, do_quote=False, allow_sending_without_reply=True, tzinfo=TAIPEI_TZ))
    if config.rate_limiter:
        b = b.rate_limiter(AIORateLimiter(max_retries=3))
    if config.base_url:
        b = b.base_url(config.base_url).base_file_url(config.base_url.replace("/bot", "/file/bot"))
    app: App = b.post_init(_post_init).post_shutdown(_post_shutdown).build()
    secret = install_secret(config.db_path, config.user_id_secret)
    app.bot_data.services = Services(
        config=config,
        engine=engine,
        repo=repo or SafeRepository(config.db_path, secret, commit_every_s=config.db_commit_ms / 1000),
        flood=FloodLimiter(config.flood_limit, config.flood_window_s),
        rebuild=rebuild,
        installed=installed,
        secret=secret,
        answer_processes=config.answer_processes,
        shared_answers=answers,
    )
    app.add_handler(TypeHandler(Update, flood_guard), FLOOD)
    calc.register(app, FLOWS, HANDLERS)
    start.register(app, HANDLERS)
    admin.register(app, HANDLERS)
    feedback.register(app, HANDLERS)
    questions.register(app, HANDLERS)
    inline.register(app, HANDLERS)
    start.register_last(app, HANDLERS)
    app.add_handler(CallbackQueryHandler(on_stale), HANDLERS)
    errors.register(app)
    return app


async def _post_init(app: App) -> None:
    """Open storage and set the command menu once the bot is reachable (as the maintainers' rules bot does)."""
    svc = app.bot_data.services
    assert svc is not None
    await svc.repo.open()
    try:
        await app.bot.set_my_commands(COMMANDS_ZH)
        await app.bot.set_my_commands(COMMANDS_EN, language_code="en")
    except Exception:  # noqa: BLE001 - a menu is nice to have, not a reason to stop
        log.warning("could not set the command menu", exc_info=True)
    if app.job_queue is not None:
        app.job_queue.run_repeating(_purge, interval=86400, first=30, name="retention")


async def _post_shutdown(app: App) -> None:
    svc = app.bot_data.services
    if svc is not None:
        await svc.repo.close()
        svc.close()


async def _purge(context: Ctx) -> None:
    svc = context.svc
    n = await svc.repo.purge(svc.config.log_retention_days)
    if n:
        log.info("retention: deleted %d logged questions older than %d days", n, svc.config.log_retention_days)


def run_telegram(config: Config, engine: Engine, rebuild: Callable[[], Engine]) -> int:
    """Run the bot by long polling, or by webhook when WEBHOOK_URL is set."""
    app = build_application(config, engine, rebuild)
    log.info("starting Telegram bot (%s)", "webhook" if config.webhook_url else "polling")
    # Reach the Bot API first, saying so at WARNING while it cannot be reached; run_polling (or run_webhook) then
    # goes on in the same event loop with the bot already initialised.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(reach(app.initialize))
    if config.webhook_url:
        path = secrets.token_urlsafe(16)
        app.run_webhook(
            listen="0.0.0.0",
            port=config.webhook_port,
            url_path=path,
            webhook_url=config.webhook_url.rstrip("/") + "/" + path,
            secret_token=secrets.token_urlsafe(24),
            allowed_updates=Update.ALL_TYPES,
            bootstrap_retries=-1,
        )
    else:
        # bootstrap_retries=-1: a Bot API that fails at start-up (502, time-outs) is retried, not fatal.
        app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False, bootstrap_retries=-1)
    return 0


START_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)  # between attempts to reach the Bot API at start-up (the last repeats)


async def serve_telegram(config: Config, engine: Engine, rebuild: Callable[[], Engine], repo: SafeRepository, stop: asyncio.Event,
                         installed: Callable[[Engine], None] | None = None, answers: AnswerProcesses | None = None) -> None:
    """Run the bot inside an event loop shared with other front ends, until `stop` is set.

    PTB's manual lifecycle (initialize, start, updater, then stop and shutdown) instead of `run_polling`, which
    owns the loop and the signals. The repository belongs to the caller: it is opened here (idempotent) but not
    closed. A Bot API that cannot be reached at start-up is retried, each attempt logged at WARNING with its delay.
    """
    app = build_application(config, engine, rebuild, repo, installed=installed, answers=answers)
    attempt = 0
    initialized = False
    while not stop.is_set():
        try:
            await app.initialize()
            initialized = True
            break
        except InvalidToken:
            raise
        except (NetworkError, TimedOut) as exc:
            delay = START_DELAYS[min(attempt, len(START_DELAYS) - 1)]
            attempt += 1
            log.warning("Telegram Bot API unreachable at start-up (%s); retrying in %.0f s", type(exc).__name__, delay)
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except asyncio.TimeoutError:
                pass
    if not initialized:  # stopped before the Bot API answered
        return
    try:
        if app.post_init is not None:
            await app.post_init(app)
        updater = app.updater
        assert updater is not None
        if config.webhook_url:
            path = secrets.token_urlsafe(16)
            await updater.start_webhook(
                listen="0.0.0.0",
                port=config.webhook_port,
                url_path=path,
                webhook_url=config.webhook_url.rstrip("/") + "/" + path,
                secret_token=secrets.token_urlsafe(24),
                allowed_updates=Update.ALL_TYPES,
                bootstrap_retries=-1,
            )
        else:
            await updater.start_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False, bootstrap_retries=-1)
        await app.start()
        log.info("Telegram bot started (%s)", "webhook" if config.webhook_url else "polling")
        await stop.wait()
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()  # waits for the updates in hand
        await app.shutdown()
        log.info("Telegram bot stopped")
