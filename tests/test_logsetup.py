"""Logs never show a secret: the redacting formatter covers the message, its arguments and tracebacks."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from config import Config
from logsetup import REDACTED, configure_logging

TOKEN = "123456789:AAHfakeTokenFakeToken_fakeTOKEN-123"
LINE_SECRET = "0123456789abcdef0123456789abcdef"


@pytest.fixture()
def root_stream() -> Iterator[io.StringIO]:
    """The root logger with one stream handler (as basicConfig leaves it); restored afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("httpx").level)
    stream = io.StringIO()
    root.handlers = [logging.StreamHandler(stream)]
    yield stream
    root.handlers, root.level = saved[0], saved[1]
    logging.getLogger("httpx").setLevel(saved[2])


def test_token_is_redacted_from_message_args_and_traceback(root_stream: io.StringIO) -> None:
    configure_logging(Config(token=TOKEN, user_id_secret="cd" * 32), secrets=[LINE_SECRET])
    log = logging.getLogger("test.redaction")
    log.warning("token in the message %s", "x")
    log.warning("GET https://api.telegram.org/bot" + TOKEN + "/getMe")
    log.warning("token in the args: %s and %r", TOKEN, {"url": f"https://x/bot{TOKEN}/send", "line": LINE_SECRET})
    try:
        raise RuntimeError(f"Telegram said Unauthorized for https://api.telegram.org/bot{TOKEN}/getUpdates")
    except RuntimeError:
        log.exception("request failed")
    try:
        url = "https://api.telegram.org/bot" + TOKEN.replace(":", "%3A")
        raise ValueError(url)
    except ValueError:
        log.error("encoded", exc_info=True)
    log.warning("stack", stack_info=True)
    out = root_stream.getvalue()
    assert "Traceback" in out and "RuntimeError" in out and out.count(REDACTED) >= 6
    assert TOKEN not in out and TOKEN.split(":")[1] not in out and LINE_SECRET not in out and "cd" * 32 not in out


def test_httpx_is_quietened_and_reconfiguring_updates_the_secrets(root_stream: io.StringIO) -> None:
    logging.getLogger("httpx").setLevel(logging.INFO)
    configure_logging(Config(token=TOKEN))
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    configure_logging(Config(token=TOKEN), secrets=[LINE_SECRET])  # again: still one formatter, both secrets
    logging.getLogger("t").warning("%s %s", TOKEN, LINE_SECRET)
    assert root_stream.getvalue().count(REDACTED) == 2
