"""Logging for every front end: one format, every configured secret redacted from whatever is written, quiet HTTP logs.

Redaction is done by a Formatter on the root logger's handlers: the record is formatted first (message, arguments,
traceback, stack) and the secrets replaced in the result, so a token inside an exception's text or a request URL
in a traceback is caught too (a filter on the message alone misses those).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import quote

from config import Config

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "<redacted>"
QUIET = ("httpx",)  # httpx logs every request URL at INFO, and Telegram's URLs carry the token


class RedactingFormatter(logging.Formatter):
    """Formats with an inner formatter, then replaces every secret (and its URL-encoded form) by <redacted>."""

    def __init__(self, secrets: Iterable[str], inner: logging.Formatter | None = None):
        super().__init__(FORMAT)
        self.inner = inner or logging.Formatter(FORMAT)
        self.secrets = _variants(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(self.inner.format(record))

    def redact(self, text: str) -> str:
        """The text with every secret replaced."""
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text


def _variants(secrets: Iterable[str]) -> tuple[str, ...]:
    """Each secret as written and URL-encoded, longest first (so that no part of a longer one is left behind)."""
    out: set[str] = set()
    for s in secrets:
        if s and len(s) >= 4:
            out.add(s)
            out.add(quote(s, safe=""))
    return tuple(sorted(out, key=len, reverse=True))


def configure_logging(config: Config, secrets: Iterable[str] = ()) -> None:
    """Set the level and the format, install the redacting formatter on every root handler (adding a standard
    error handler when there is none) and quieten HTTP client logs. Calling it again updates the secrets."""
    root = logging.getLogger()
    root.setLevel(config.log_level)
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    every = [*config.secrets(), *secrets]
    for handler in root.handlers:
        current = handler.formatter
        inner = current.inner if isinstance(current, RedactingFormatter) else current
        handler.setFormatter(RedactingFormatter(every, inner or logging.Formatter(FORMAT)))
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
