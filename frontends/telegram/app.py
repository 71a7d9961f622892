"""Build the Telegram application: services, handlers in order, the command menu, the retention job; run it."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable

from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TimedOut
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from config import Config
from core.engine import Engine
from frontends.telegram import admin, calc, errors, inline, questions, start
from frontends.telegram.common import FloodLimiter, PerChatOrder, Services
from storage.repository import SafeRepository

log = logging.getLogger(__name__)

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


class RedactToken(logging.Filter):
    """Keep the bot token out of every log line (httpx logs request URLs)."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            msg = record.getMessage()
            if self.token in msg:
                record.msg = msg.replace(self.token, "<token>")
                record.args = ()
        return True


def install_log_redaction(token: str | None) -> None:
    """Redact the token in all handlers' output and quieten httpx."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not token:
        return
    flt = RedactToken(token)
    root = logging.getLogger()
    for h in root.handlers:
        h.addFilter(flt)
    root.addFilter(flt)


def build_application(
    config: Config, engine: Engine, rebuild: Callable[[], Engine], repo: SafeRepository | None = None, builder: ApplicationBuilder | None = None  # type: ignore[type-arg]
) -> Application:  # type: ignore[type-arg]
    """The application with every handler registered, in the order that decides who answers."""
    b = builder or ApplicationBuilder()
    b = b.token(config.token or "").concurrent_updates(PerChatOrder(64))
    if config.rate_limiter:
        b = b.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    if config.base_url:
        b = b.base_url(config.base_url).base_file_url(config.base_url.replace("/bot", "/file/bot"))
    b = b.post_init(_post_init).post_shutdown(_post_shutdown)
    app = b.build()
    app.bot_data["services"] = Services(
        config=config,
        engine=engine,
        repo=repo or SafeRepository(config.db_path),
        flood=FloodLimiter(config.flood_limit, config.flood_window_s),
        rebuild=rebuild,
    )
    calc.register(app)  # first: a pending calculation takes the user's next message
    start.register(app)
    admin.register(app)
    inline.register(app)
    questions.register(app)
    start.register_last(app)
    questions.register_last(app)
    errors.register(app)
    return app


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    svc: Services = app.bot_data["services"]
    await svc.repo.open()
    try:
        await app.bot.set_my_commands(COMMANDS_ZH)
        await app.bot.set_my_commands(COMMANDS_EN, language_code="en")
    except Exception:  # noqa: BLE001 - a menu is nice to have, not a reason to stop
        log.warning("could not set the command menu", exc_info=True)
    if app.job_queue is not None:
        app.job_queue.run_repeating(_purge, interval=86400, first=30, name="retention")


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    svc: Services = app.bot_data["services"]
    await svc.repo.close()


async def _purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc: Services = context.application.bot_data["services"]
    n = await svc.repo.purge(svc.config.log_retention_days)
    if n:
        log.info("retention: deleted %d logged questions older than %d days", n, svc.config.log_retention_days)


def run_telegram(config: Config, engine: Engine, rebuild: Callable[[], Engine]) -> int:
    """Run the bot by long polling, or by webhook when WEBHOOK_URL is set."""
    install_log_redaction(config.token)
    app = build_application(config, engine, rebuild)
    log.info("starting Telegram bot (%s)", "webhook" if config.webhook_url else "polling")
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


async def serve_telegram(config: Config, engine: Engine, rebuild: Callable[[], Engine], repo: SafeRepository, stop: asyncio.Event) -> None:
    """Run the bot inside an event loop shared with other front ends, until `stop` is set.

    PTB's manual lifecycle (initialize, start, updater, then stop and shutdown) instead of `run_polling`, which
    owns the loop and the signals. The repository belongs to the caller: it is opened here (idempotent) but not
    closed. A Bot API that cannot be reached at start-up is retried, each attempt logged at WARNING with its delay.
    """
    install_log_redaction(config.token)
    app = build_application(config, engine, rebuild, repo)
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
