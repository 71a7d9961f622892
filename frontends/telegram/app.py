"""Build the Telegram application: services, handlers in order, the command menu, the retention job; run it."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from telegram import BotCommand, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from config import Config
from core.engine import Engine
from frontends.telegram import admin, calc, errors, inline, questions, start
from frontends.telegram.common import FloodLimiter, PerChatOrder, Services
from storage import heartbeat
from storage.keys import install_secret
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
        repo=repo or SafeRepository(config.db_path, install_secret(config.db_path, config.user_id_secret)),
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
        # A late beat still runs (a busy loop is alive); only a stalled loop lets the heartbeat go stale.
        app.job_queue.run_repeating(
            _heartbeat, interval=heartbeat.INTERVAL_S, first=1, name="heartbeat", job_kwargs={"misfire_grace_time": None, "coalesce": True}
        )


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    svc: Services = app.bot_data["services"]
    await svc.repo.close()


async def _heartbeat(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Touch the heartbeat file that `bot.py health` (the Docker HEALTHCHECK) reads: the event loop is alive."""
    try:
        heartbeat.beat(context.application.bot_data["services"].config.db_path)
    except OSError as exc:
        log.warning("cannot write the heartbeat: %s", exc.strerror or exc)


async def _purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc: Services = context.application.bot_data["services"]
    n = await svc.repo.purge(svc.config.log_retention_days)
    if n:
        log.info("retention: deleted %d logged questions older than %d days", n, svc.config.log_retention_days)


def run_telegram(config: Config, engine: Engine, rebuild: Callable[[], Engine]) -> int:
    """Run the bot by long polling, or by webhook when WEBHOOK_URL is set."""
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
