"""Postback data bound to the user and chat it was sent to: an HMAC over user, chat, payload and issue time.

A button pressed by anyone else, replayed after it expired or forged fails `verify` and changes nothing. Rich-menu
postbacks are the same for every user and carry no ids; they are the only unsigned data (`menu:NAME`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable

from storage.keys import derive

MAX_DATA = 300  # the Messaging API's limit for postback data
MAX_AGE_S = 30 * 86400  # answer buttons (原文, 👍/👎, related, per school) stay usable for 30 days
MENU_PREFIX = "menu:"
_SIG_CHARS = 22  # 132 bits of the HMAC, base64url


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


class Buttons:
    """Signs and checks postback data with the install's secret (its own derived key)."""

    def __init__(self, secret: bytes, clock: Callable[[], float] = time.time):
        self._key = derive(secret, "line-button")
        self._clock = clock

    def _sig(self, user: str, chat: str, payload: str, issued: str) -> str:
        msg = "\x1f".join((user, chat, payload, issued)).encode()
        return base64.urlsafe_b64encode(hmac.new(self._key, msg, hashlib.sha256).digest()).decode()[:_SIG_CHARS]

    def data(self, user: str, chat: str, payload: str) -> str:
        """The postback data of `payload` (fields separated by "|") for this user in this chat."""
        issued = _b36(int(self._clock()))
        out = f"{payload}|{issued}|{self._sig(user, chat, payload, issued)}"
        if len(out) > MAX_DATA:
            raise ValueError(f"postback data over {MAX_DATA} characters")
        return out

    def verify(self, user: str, chat: str, data: str, max_age: float = MAX_AGE_S) -> str | None:
        """The payload when `data` was signed for this user and chat and is still fresh; None otherwise."""
        if not isinstance(data, str) or len(data) > MAX_DATA or data.count("|") < 2:
            return None
        payload, issued, sig = data.rsplit("|", 2)
        if not hmac.compare_digest(sig.encode(), self._sig(user, chat, payload, issued).encode()):
            return None
        try:
            at = int(issued, 36)
        except ValueError:
            return None
        if not -60 <= self._clock() - at <= max_age:
            return None
        return payload
