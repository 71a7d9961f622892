"""HTTP requests to the Bot API that say so when it cannot be reached.

python-telegram-bot retries start-up and polling quietly (at DEBUG). Here an unreachable Bot API (no connection,
time-outs, 5xx answers) is logged at WARNING with the delay before the next try: the calls that start and feed the
bot (getMe, getUpdates, deleteWebhook, setWebhook) wait and retry here, doubling the delay up to 30 s; other calls
fail to their caller, which retries and logs (chats.with_retry) or reaches the error handler.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger(__name__)

WAITING_CALLS = frozenset({"getme", "getupdates", "deletewebhook", "setwebhook"})
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
        waits = call.lower() in WAITING_CALLS
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
