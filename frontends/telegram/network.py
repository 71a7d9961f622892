"""HTTP requests to the Bot API: python-telegram-bot's requests over aiohttp, and saying so when the Bot API cannot
be reached.

`AiohttpRequest` replaces python-telegram-bot's HTTPX request. httpcore's connection pool looks at every connection
for every request it places (and asks each one's socket for its peer address while doing so: a system call), so
its cost per request grows with the connections open and its total with their square (encode/httpcore#1035); with
64 updates in flight it took 43% of the bot's main thread. aiohttp's pool hands out an idle connection or queues the
request, whatever the number open. What can be done once is done once: the parsed URL of each method (the proxy
from the environment decided with it), the session's headers, each set of time-outs.

python-telegram-bot retries start-up and polling quietly (at DEBUG). Here an unreachable Bot API (no connection,
time-outs, 5xx answers) is logged at WARNING with the delay before the next try: the calls that feed the bot (a
long poll, and the webhook set-up that precedes polling or a webhook) wait and retry here, doubling the delay up to
30 s, and stop when python-telegram-bot stops them. Other calls fail to their caller: `reach` below for the first
call (getMe), chats.with_retry for messages, else the error handler. (The last getUpdates at shutdown, with no long
poll, never waits.)
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.request
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from telegram.error import InvalidToken, NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

log = logging.getLogger(__name__)

WAITING_CALLS = frozenset({"getupdates", "deletewebhook", "setwebhook"})
FIRST_DELAY_S = 1.0
MAX_DELAY_S = 30.0
JSON = {"Content-Type": "application/json"}
MAX_URLS = 512  # parsed URLs kept (one per Bot API method, and file downloads)

Timeout = float | None
_DEFAULT = type(BaseRequest.DEFAULT_NONE)  # python-telegram-bot's marker of a time-out not given


class AiohttpRequest(BaseRequest):
    """python-telegram-bot's `BaseRequest` over one aiohttp session: at most `connection_pool_size` connections,
    kept alive; requests beyond them wait (up to `pool_timeout`) in line, first come first served.

    Parameters go as a JSON object of python-telegram-bot's JSON-encoded values (`RequestData.json_parameters`,
    what its HTTPX request form-encodes): the Bot API reads a string member of a JSON body as it reads a form
    field (td's HttpReader::parse_json_parameters), and json.dumps is C where urllib's form encoding handles each
    byte of a Chinese answer in Python. With files: multipart, as there. Time-outs mean what they mean there
    (aiohttp has no write time-out of its own: the write, connect, pool and read time-outs add up to a total),
    and failures raise the same errors (`TimedOut`, `NetworkError`). The proxy comes from `proxy`, else from the
    environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY) as with HTTPX."""

    def __init__(
        self,
        connection_pool_size: int = 64,
        read_timeout: Timeout = 5.0,
        write_timeout: Timeout = 5.0,
        connect_timeout: Timeout = 5.0,
        pool_timeout: Timeout = 1.0,
        media_write_timeout: Timeout = 20.0,
        proxy: str | None = None,
    ):
        self._pool_size = connection_pool_size
        self._timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._media_write_timeout = media_write_timeout
        self._proxy = proxy
        self._env_proxies = urllib.request.getproxies_environment() if proxy is None else {}
        self._session: aiohttp.ClientSession | None = None
        self._urls: dict[str, tuple[URL, str | None]] = {}
        self._client_timeouts: dict[tuple[Timeout, Timeout, Timeout, Timeout], aiohttp.ClientTimeout] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts[0]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0)
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT}, trust_env=False)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _url(self, url: str) -> tuple[URL, str | None]:
        """The parsed URL and the proxy to reach it through, worked out once per URL."""
        hit = self._urls.get(url)
        if hit is None:
            parsed = URL(url)
            proxy = self._proxy
            if proxy is None and self._env_proxies and not urllib.request.proxy_bypass(parsed.host or ""):
                proxy = self._env_proxies.get(parsed.scheme) or self._env_proxies.get("all")
            if len(self._urls) >= MAX_URLS:
                self._urls.clear()
            hit = self._urls[url] = (parsed, proxy)
        return hit

    def _timeout(self, read: Timeout, write: Timeout, connect: Timeout, pool: Timeout) -> aiohttp.ClientTimeout:
        key = (read, write, connect, pool)
        timeout = self._client_timeouts.get(key)
        if timeout is None:
            parts = (read, write, connect, pool)
            timeout = aiohttp.ClientTimeout(
                total=None if any(p is None for p in parts) else sum(p for p in parts if p is not None),
                connect=None if connect is None or pool is None else connect + pool,  # a free connection, or a new one
                sock_connect=connect,
                sock_read=read,
            )
            if len(self._client_timeouts) >= 64:
                self._client_timeouts.clear()
            self._client_timeouts[key] = timeout
        return timeout

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data is not None else None
        read, write, connect, pool = self._timeouts
        if files:
            write = self._media_write_timeout
        timeout = self._timeout(
            read if isinstance(read_timeout, _DEFAULT) else read_timeout,
            write if isinstance(write_timeout, _DEFAULT) else write_timeout,
            connect if isinstance(connect_timeout, _DEFAULT) else connect_timeout,
            pool if isinstance(pool_timeout, _DEFAULT) else pool_timeout,
        )
        body: Any = None
        headers: dict[str, str] | None = None
        if request_data is not None:
            params = request_data.json_parameters
            if files:
                form = aiohttp.FormData()
                for name, value in params.items():
                    form.add_field(name, value)
                for name, (filename, content, mime) in files.items():
                    form.add_field(name, content, filename=filename or name, content_type=mime)
                body = form
            elif params:
                body, headers = json.dumps(params).encode(), JSON
        target, proxy = self._url(url)
        try:
            async with session.request(method, target, data=body, headers=headers, timeout=timeout, proxy=proxy) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError as err:  # aiohttp's time-outs are TimeoutErrors too
            raise TimedOut("Timed out (the Bot API did not answer in time, or no connection of the pool was free)") from err
        except (aiohttp.ClientError, OSError) as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err


class PatientRequest(AiohttpRequest):
    """A request that reports an unreachable Bot API at WARNING, with the retry delay."""

    def __init__(self, *args: Any, first_delay_s: float = FIRST_DELAY_S, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._first_delay = first_delay_s

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
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
