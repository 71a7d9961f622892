"""The LINE webhook server: `POST /line/webhook` (signature checked before anything else) and `GET /healthz`.

The webhook answers 200 at once and handles the events in the background (events.LineBot). A missing or bad
`x-line-signature` gets 400 and nothing is processed; a body over 1 MB is refused (413).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Callable

from aiohttp import web

from config import Config
from frontends.answering import AnswerProcesses
from core.engine import Engine
from frontends.line.api import LineApi
from frontends.line.events import LineBot
from storage.repository import SafeRepository

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/line/webhook"
HEALTH_PATH = "/healthz"
MAX_BODY = 1024 * 1024  # 1 MB
BOT_KEY = web.AppKey("line_bot", LineBot)
SECRET_KEY = web.AppKey("line_secret", bytes)


def signature_ok(channel_secret: bytes, body: bytes, signature: str | None) -> bool:
    """The Base64 HMAC-SHA256 of the raw body with the channel secret, compared in constant time."""
    if not signature:
        return False
    expected = base64.b64encode(hmac.new(channel_secret, body, hashlib.sha256).digest())
    try:
        given = signature.strip().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected, given)


async def webhook(request: web.Request) -> web.Response:
    """Verify, acknowledge, and hand the events to the bot in the background."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        return web.Response(status=413, text="body too large")
    signature = request.headers.get("x-line-signature")
    if not signature:
        return web.Response(status=400, text="missing signature")
    try:
        body = await request.read()  # aiohttp refuses more than client_max_size (413), chunked bodies included
    except web.HTTPRequestEntityTooLarge:
        return web.Response(status=413, text="body too large")
    if not signature_ok(request.app[SECRET_KEY], body, signature):
        log.warning("LINE webhook with a bad signature refused")
        return web.Response(status=400, text="bad signature")
    try:
        payload = json.loads(body)
    except ValueError:
        return web.Response(status=400, text="bad body")
    if not isinstance(payload, dict):
        return web.Response(status=400, text="bad body")
    request.app[BOT_KEY].accept(payload)
    return web.Response(text="OK")


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def build_app(bot: LineBot, channel_secret: str) -> web.Application:
    """The aiohttp application of the webhook."""
    app = web.Application(client_max_size=MAX_BODY)
    app[BOT_KEY] = bot
    app[SECRET_KEY] = channel_secret.encode()
    app.router.add_post(WEBHOOK_PATH, webhook)
    app.router.add_get(HEALTH_PATH, healthz)
    return app


def make_bot(config: Config, engine: Engine, repo: SafeRepository, secret: bytes, api: LineApi, answers: AnswerProcesses | None = None) -> LineBot:
    """The event handler with the configured limits (`answers`: the processes that answer typed questions)."""
    return LineBot(engine, repo, api, secret, flood_limit=config.flood_limit, flood_window=config.flood_window_s, push_fallback=config.line_push_fallback,
                   answers=answers)


async def serve_line(config: Config, engine: Engine, repo: SafeRepository, secret: bytes, stop: asyncio.Event,
                     started: Callable[[LineBot], None] | None = None, answers: AnswerProcesses | None = None) -> None:
    """Serve the webhook on LINE_HOST:LINE_PORT until `stop` is set, then finish the events in hand."""
    assert config.line_channel_secret and config.line_channel_access_token
    api = LineApi(config.line_channel_access_token, config.line_api_base_url)
    await api.open()
    bot = make_bot(config, engine, repo, secret, api, answers)
    if started is not None:
        started(bot)  # e.g. so that a /reload through Telegram reaches this bot's engine too
    runner = web.AppRunner(build_app(bot, config.line_channel_secret), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, config.line_host, config.line_port)
        await site.start()
        log.info("LINE webhook listening on %s:%d%s", config.line_host, config.line_port, WEBHOOK_PATH)
        await stop.wait()
    finally:
        await runner.cleanup()
        await bot.drain()
        bot.close()
        await api.close()
        log.info("LINE webhook stopped")
