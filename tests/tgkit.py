"""What the Telegram tests share: an offline application (python-telegram-bot's own machinery against tests/botapi.py),
feeding updates, reading what the bot sent and pressing its buttons."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import ApplicationBuilder

from bootstrap import engine_from
from config import Config
from core.engine import Engine
from frontends.telegram.app import build_application
from frontends.telegram.context import App
from frontends.telegram.services import Services
from storage.repository import SafeRepository
from tests.botapi import FakeBotApi, Sent, make_request
from tests.conftest import ROOT

ADMIN = 4242
USER = 1001
OTHER = 1002
GROUP = -5001


def make_app(engine: Engine, db: Path, api: FakeBotApi, rebuild: Callable[[], Engine] | None = None, **config: Any) -> App:
    cfg = Config(token="123456:TEST-TOKEN", admin_ids=frozenset({ADMIN}), db_path=db, user_id_secret="0123456789abcdef0123456789abcdef", **{"flood_limit": 40, "answer_processes": 0, **config})
    builder = ApplicationBuilder().request(make_request(api)).get_updates_request(make_request(api)).updater(None)
    return build_application(cfg, engine, rebuild or (lambda: engine_from(ROOT / "knowledge")), SafeRepository(cfg.db_path, bytes(32)), builder=builder)


@pytest.fixture()
async def bot(engine: Engine, tmp_path: Path) -> AsyncIterator[tuple[App, FakeBotApi]]:
    api = FakeBotApi()
    app = make_app(engine, tmp_path / "bot.sqlite3", api)
    await app.initialize()
    await app.start()  # the job queue runs (conversation time-outs); updates are fed with process_update
    try:
        yield app, api
    finally:
        await app.stop()
        await services(app).repo.close()
        await app.shutdown()


def services(app: App) -> Services:
    svc = app.bot_data.services
    assert svc is not None
    return svc


async def feed(app: App, update: dict[str, Any]) -> None:
    await app.process_update(Update.de_json(update, app.bot))


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [str(s.params.get("text", "")) for s in api.messages_to(chat_id)]


def last(api: FakeBotApi, chat_id: int) -> Sent:
    return api.messages_to(chat_id)[-1]


def markup_of(sent: Sent) -> dict[str, Any]:
    markup = sent.params.get("reply_markup")
    if not markup:
        return {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return markup if isinstance(markup, dict) else markup.to_dict()


def buttons(sent: Sent) -> list[tuple[str, str]]:
    """(label, callback data or inline-query text) of every button under a message."""
    return [(b["text"], b.get("callback_data") or b.get("switch_inline_query_current_chat") or "") for row in markup_of(sent).get("inline_keyboard", []) for b in row]


def rows(sent: Sent) -> list[list[str]]:
    return [[b["text"] for b in row] for row in markup_of(sent).get("inline_keyboard", [])]


def data(sent: Sent, kind: str | None = None, label: str | None = None) -> str:
    """The callback data of the first button of a kind ("s", "f", …) or with a label."""
    for text, d in buttons(sent):
        if (kind is None or d.startswith(kind + ":")) and (label is None or label in text):
            return d
    raise AssertionError(f"no button {kind or ''} {label or ''} in {buttons(sent)}")


def answers(api: FakeBotApi) -> list[str]:
    """The texts of every answerCallbackQuery so far."""
    return [str(s.params.get("text", "")) for s in api.sent if s.method == "answercallbackquery"]


async def press(app: App, api: FakeBotApi, user: int, under: Sent, kind: str | None = None, label: str | None = None, lang: str = "zh-hant") -> None:
    """Press a button of a message the bot sent (the press carries that message, as Telegram's does)."""
    assert under.result is not None
    await feed(app, api.callback(user, data(under, kind, label), message=under.result, lang=lang))
