"""HTTP requests to the Bot API that say so when it cannot be reached.

python-telegram-bot retries start-up and polling quietly (at DEBUG). Here an unreachable Bot API (no connection,
time-outs, 5xx answers) is logged at WARNING with the delay before the next try: the calls that feed the bot (a
long poll, and the webhook set-up that precedes polling or a webhook) wait and retry here, doubling the delay up to
30 s, and stop when python-telegram-bot stops them. Other calls fail to their caller: `reach` below for the first
call (getMe), chats.with_retry for messages, else the error handler. (The last getUpdates at shutdown, with no long
poll, never waits.)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.error import InvalidToken, NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger(__name__)

WAITING_CALLS = frozenset({"getupdates", "deletewebhook", "setwebhook"})
FIRST_DELAY_S = 1.0
MAX_DELAY_S = 30.0


class PatientRequest(HTTPXRequest):
    """An HTTPX request that reports an unreachable Bot API at WARNING, with the retry delay."""

    def __init__(self, *args: Any, first_delay_s: float = FIRST_DELAY_S, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._first_delay = first_delay_s

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        write_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: Any = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        call = url.rsplit("/", 1)[-1]  # the method name only: the URL holds the token
        waits = call.lower() in WAITING_CALLS and _long_poll_or_setup(call, request_data)
        delay = self._first_delay
        while True:
            try:
                status, body = await super().do_request(url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout)
            except (NetworkError, TimedOut) as exc:
                if not waits:
                    raise  # the caller retries and logs (chats.with_retry), or the error handler does
                problem = type(exc).__name__
            else:
                if status < 500 or not waits:
                    return status, body
                problem = f"HTTP {status}"
            log.warning("Bot API unreachable during %s (%s); retrying in %.1f s", call, problem, delay)
            await asyncio.sleep(delay)
            delay = min(MAX_DELAY_S, delay * 2)


def _long_poll_or_setup(call: str, request_data: RequestData | None) -> bool:
    if call.lower() != "getupdates":
        return True
    timeout = (request_data.parameters if request_data is not None else {}).get("timeout")
    try:
        return isinstance(timeout, (int, float, str)) and float(timeout) > 0
    except ValueError:
        return False


async def reach(call: Callable[[], Awaitable[object]], first_delay_s: float = FIRST_DELAY_S) -> None:
    """Run the first call to the Bot API (initialising the bot: getMe) until it answers, each failure logged at WARNING
    with the delay before the next try (doubling up to 30 s). An invalid token is not retried."""
    delay = first_delay_s
    while True:
        try:
            await call()
            return
        except InvalidToken:
            raise
        except (NetworkError, TimedOut) as exc:
            log.warning("Bot API unreachable at start-up (%s); retrying in %.1f s", type(exc).__name__, delay)
        await asyncio.sleep(delay)
        delay = min(MAX_DELAY_S, delay * 2)
