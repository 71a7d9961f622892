"""The Messaging API as the bot uses it (line-bot-sdk v3, async): reply, push, the loading animation, rich menus.

Messages are built as plain dicts (render.py) and turned into the SDK's models here. Network faults, 429 and 5xx
answers are retried, each retry logged at WARNING with its delay; a 4xx answer is returned, never retried.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import aiohttp
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    Message,
    PushMessageRequest,
    ReplyMessageRequest,
    RichMenuRequest,
    ShowLoadingAnimationRequest,
)
from linebot.v3.messaging.exceptions import ApiException

log = logging.getLogger(__name__)

TIMEOUT_S = 10.0
RETRY_DELAYS = (1.0, 2.0, 4.0)
T = TypeVar("T")
Status = Literal["ok", "refused", "failed"]


@dataclass(frozen=True)
class Sent:
    """What became of one reply or push: ok (with the ids of the messages sent), refused (4xx), failed (unreachable)."""

    status: Status
    message_ids: tuple[str, ...] = ()
    http_status: int = 0
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class LineApi:
    """One Messaging API client (and its data-API twin for images), opened inside the running event loop."""

    access_token: str
    base_url: str | None = None  # LINE_API_BASE_URL: set the SDK's host only when given
    timeout: float = TIMEOUT_S
    delays: tuple[float, ...] = RETRY_DELAYS
    _client: AsyncApiClient | None = field(default=None, repr=False)

    def __repr__(self) -> str:  # the token stays out of logs and tracebacks
        return f"LineApi(base_url={self.base_url!r})"

    async def open(self) -> None:
        if self._client is None:
            conf = Configuration(access_token=self.access_token, host=self.base_url) if self.base_url else Configuration(access_token=self.access_token)
            self._client = AsyncApiClient(conf)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    def _messaging(self) -> AsyncMessagingApi:
        assert self._client is not None, "LineApi.open() first"
        return AsyncMessagingApi(self._client)

    def _blob(self) -> AsyncMessagingApiBlob:
        assert self._client is not None, "LineApi.open() first"
        return AsyncMessagingApiBlob(self._client)

    async def _call(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run one call, retrying network faults, 429 and 5xx (logged at WARNING with the delay)."""
        for delay in (*self.delays, None):
            try:
                return await call()
            except ApiException as exc:
                status = int(exc.status or 0)
                if status != 429 and status < 500 or delay is None:
                    raise
                log.warning("LINE API %s answered %d; retrying in %.1f s", what, status, delay)
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                if delay is None:
                    raise
                log.warning("LINE API unreachable during %s (%s); retrying in %.1f s", what, type(exc).__name__, delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _send(self, what: str, call: Callable[[], Awaitable[Any]]) -> Sent:
        try:
            res = await self._call(what, call)
        except ApiException as exc:
            body = exc.body if isinstance(exc.body, str) else ""
            return Sent("refused", http_status=int(exc.status or 0), detail=_message_of(body))
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            log.warning("LINE API unreachable during %s (%s); giving up", what, type(exc).__name__)
            return Sent("failed", detail=type(exc).__name__)
        ids = tuple(str(m.id) for m in (getattr(res, "sent_messages", None) or []) if getattr(m, "id", None))
        return Sent("ok", ids)

    async def reply(self, reply_token: str, messages: Sequence[dict[str, Any]]) -> Sent:
        """Reply with up to 5 messages (free); a used or expired token is `refused`."""
        req = ReplyMessageRequest(reply_token=reply_token, messages=[Message.from_dict(m) for m in messages])
        return await self._send("reply", lambda: self._messaging().reply_message(req, _request_timeout=self.timeout))

    async def push(self, to: str, messages: Sequence[dict[str, Any]], retry_key: str | None = None) -> Sent:
        """Push up to 5 messages (billed); `retry_key` makes a retried push deliver once."""
        req = PushMessageRequest(to=to, messages=[Message.from_dict(m) for m in messages])
        return await self._send("push", lambda: self._messaging().push_message(req, x_line_retry_key=retry_key, _request_timeout=self.timeout))

    async def loading(self, chat_id: str, seconds: int = 20) -> Sent:
        """The 「…」 animation in a one-on-one chat while an answer is on its way (5 to 60 s, a multiple of 5)."""
        seconds = max(5, min(60, seconds - seconds % 5))
        req = ShowLoadingAnimationRequest(chatId=chat_id, loadingSeconds=seconds)
        return await self._send("loading", lambda: self._messaging().show_loading_animation(req, _request_timeout=self.timeout))

    # --- rich menus (line-setup) -------------------------------------------------------------------------

    async def rich_menus(self) -> list[tuple[str, str]]:
        """(id, name) of every rich menu of the channel."""
        res = await self._call("richmenu list", lambda: self._messaging().get_rich_menu_list(_request_timeout=self.timeout))
        return [(m.rich_menu_id, m.name) for m in res.richmenus]

    async def create_rich_menu(self, menu: dict[str, Any]) -> str:
        res = await self._call("richmenu create", lambda: self._messaging().create_rich_menu(RichMenuRequest.from_dict(menu), _request_timeout=self.timeout))
        return str(res.rich_menu_id)

    async def delete_rich_menu(self, menu_id: str) -> None:
        await self._call("richmenu delete", lambda: self._messaging().delete_rich_menu(menu_id, _request_timeout=self.timeout))

    async def set_rich_menu_image(self, menu_id: str, png: bytes) -> None:
        await self._call(
            "richmenu image",
            lambda: self._blob().set_rich_menu_image(menu_id, body=png, _headers={"Content-Type": "image/png"}, _request_timeout=self.timeout),
        )

    async def set_default_rich_menu(self, menu_id: str) -> None:
        await self._call("richmenu default", lambda: self._messaging().set_default_rich_menu(menu_id, _request_timeout=self.timeout))

    async def default_rich_menu(self) -> str | None:
        try:
            res = await self._call("richmenu default", lambda: self._messaging().get_default_rich_menu_id(_request_timeout=self.timeout))
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise
        return str(res.rich_menu_id)


def _message_of(body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body[:200]
    return str(data.get("message", ""))[:200] if isinstance(data, dict) else ""
