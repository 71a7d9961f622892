"""A small LINE Messaging API for tests (as tests/botapi.py is for Telegram): aiohttp on 127.0.0.1 in its own thread.

It records every call, hands out reply tokens that are single-use and expire (after `token_ttl` seconds or by
`expire`), and checks every message object against the Messaging API's limits, answering 400 like LINE does: at most
5 messages, text at most 5,000 characters, altText at most 1,500, a bubble at most 30 KB of JSON (10 bubbles and
50 KB for a carousel), at most 13 quick-reply items with labels at most 20 characters, postback data at most 300
characters, Flex button labels at most 40. It also serves the rich-menu endpoints with the image upload, the loading
animation and push. Helpers build signed webhook bodies like LINE's.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import struct
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "test-channel-access-token"
CHANNEL_SECRET = "test-channel-secret-0123456789"
BOT_USER_ID = "U" + "b" * 32


class Invalid(Exception):
    """What LINE answers with 400."""


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    """One request the bot made."""

    method: str
    path: str
    body: Any
    at: float = field(default_factory=time.monotonic)


@dataclass
class Delivered:
    """Messages that reached a chat, by reply or push."""

    chat: str
    via: str  # "reply" or "push"
    messages: list[dict[str, Any]]
    ids: list[str]


class FakeLineApi:
    """The Messaging API's state: reply tokens, what was delivered, rich menus, failures to inject."""

    def __init__(self, token_ttl: float = 60.0) -> None:
        self.lock = threading.Condition()
        self.token_ttl = token_ttl
        self.calls: list[Call] = []
        self.delivered: list[Delivered] = []
        self.errors: list[str] = []  # every 400 we answered, with its reason
        self.tokens: dict[str, tuple[str, float]] = {}  # reply token → (chat, issued)
        self.used: set[str] = set()
        self.fail_next: list[int] = []  # statuses to answer the next reply/push calls with
        self.delay_s = 0.0
        self.menus: dict[str, dict[str, Any]] = {}
        self.menu_images: dict[str, bytes] = {}
        self.default_menu: str | None = None

    # --- test controls --------------------------------------------------------------------------

    def reply_token(self, chat: str) -> str:
        """A fresh reply token for an event in `chat`."""
        token = secrets.token_hex(16)
        with self.lock:
            self.tokens[token] = (chat, time.monotonic())
        return token

    def expire(self, token: str) -> None:
        with self.lock:
            chat, _ = self.tokens.get(token, ("", 0.0))
            self.tokens[token] = (chat, -1e9)

    def to(self, chat: str) -> list[Delivered]:
        with self.lock:
            return [d for d in self.delivered if d.chat == chat]

    def messages_to(self, chat: str) -> list[dict[str, Any]]:
        return [m for d in self.to(chat) for m in d.messages]

    def calls_to(self, path_part: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if path_part in c.path]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 15.0) -> bool:
        deadline = time.monotonic() + timeout
        with self.lock:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.lock.wait(min(left, 0.1))
        return True

    # --- validation -----------------------------------------------------------------------------

    def check_messages(self, messages: Any) -> None:
        if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
            raise Invalid("The request body has 1 error(s): messages must be 1 to 5 items")
        for i, m in enumerate(messages):
            self.check_message(m, f"messages[{i}]")

    def check_message(self, m: Any, where: str) -> None:
        if not isinstance(m, dict):
            raise Invalid(f"{where}: not an object")
        kind = m.get("type")
        if kind == "text":
            text = m.get("text")
            if not isinstance(text, str) or not text.strip():
                raise Invalid(f"{where}.text: must not be empty")
            if _units(text) > 5000:
                raise Invalid(f"{where}.text: Length must be between 0 and 5000")
        elif kind == "flex":
            alt = m.get("altText")
            if not isinstance(alt, str) or not alt.strip() or _units(alt) > 1500:
                raise Invalid(f"{where}.altText: Length must be between 1 and 1500")
            self.check_container(m.get("contents"), f"{where}.contents")
        else:
            raise Invalid(f"{where}.type: unsupported {kind!r}")
        quick = m.get("quickReply")
        if quick is not None:
            items = quick.get("items") if isinstance(quick, dict) else None
            if not isinstance(items, list) or not 1 <= len(items) <= 13:
                raise Invalid(f"{where}.quickReply.items: Size must be between 1 and 13")
            for j, item in enumerate(items):
                self.check_action(item.get("action"), f"{where}.quickReply.items[{j}].action", label_max=20)

    def check_container(self, c: Any, where: str) -> None:
        if not isinstance(c, dict):
            raise Invalid(f"{where}: not an object")
        size = len(json.dumps(c, ensure_ascii=True, separators=(",", ":")))
        if c.get("type") == "bubble":
            if size > 30_000:
                raise Invalid(f"{where}: size of the bubble must be 30 KB or less ({size})")
            self._walk(c, where)
        elif c.get("type") == "carousel":
            bubbles = c.get("contents") or []
            if not 1 <= len(bubbles) <= 12 or size > 50_000:
                raise Invalid(f"{where}: carousel too large")
            for i, b in enumerate(bubbles):
                self.check_container(b, f"{where}.contents[{i}]")
        else:
            raise Invalid(f"{where}.type: must be bubble or carousel")

    def _walk(self, node: Any, where: str) -> None:
        if isinstance(node, dict):
            t = node.get("type")
            if t == "text" and (not isinstance(node.get("text"), str) or not node["text"]):
                raise Invalid(f"{where}.text: must not be empty")
            if t == "button":
                self.check_action(node.get("action"), f"{where}.action", label_max=40)
            if t == "box" and not isinstance(node.get("contents"), list):
                raise Invalid(f"{where}.contents: required")
            for k, v in node.items():
                if k != "action":
                    self._walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                self._walk(v, f"{where}[{i}]")

    def check_action(self, a: Any, where: str, label_max: int) -> None:
        if not isinstance(a, dict):
            raise Invalid(f"{where}: required")
        label = a.get("label")
        if not isinstance(label, str) or not label or _units(label) > label_max:
            raise Invalid(f"{where}.label: Length must be between 1 and {label_max}")
        if a.get("type") == "postback":
            data = a.get("data")
            if not isinstance(data, str) or not data or _units(data) > 300:
                raise Invalid(f"{where}.data: Length must be between 1 and 300")
            if "displayText" in a and _units(str(a["displayText"])) > 300:
                raise Invalid(f"{where}.displayText: Length must be between 1 and 300")
        elif a.get("type") == "message":
            text = a.get("text")
            if not isinstance(text, str) or not text or _units(text) > 300:
                raise Invalid(f"{where}.text: Length must be between 1 and 300")
        else:
            raise Invalid(f"{where}.type: unsupported {a.get('type')!r}")

    # --- answering ------------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any, str]:
        """(status, JSON body or bytes, content type)."""
        body: Any = None
        if raw and headers.get("content-type", "").startswith("application/json"):
            body = json.loads(raw)
        with self.lock:
            self.calls.append(Call(method, path, body if body is not None else f"<{len(raw)} bytes>"))
            self.lock.notify_all()
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {"message": "Authentication failed"}, "application/json"
        try:
            return self._route(method, path, headers, body, raw)
        except Invalid as exc:
            with self.lock:
                self.errors.append(f"{method} {path}: {exc}")
                self.lock.notify_all()
            return 400, {"message": "The request body has 1 error(s)", "details": [{"message": str(exc)}]}, "application/json"

    def _route(self, method: str, path: str, headers: dict[str, str], body: Any, raw: bytes) -> tuple[int, Any, str]:
        js = "application/json"
        if path in ("/v2/bot/message/reply", "/v2/bot/message/push"):
            with self.lock:
                if self.fail_next:
                    status = self.fail_next.pop(0)
                    return status, {"message": "injected failure"}, js
            self.check_messages(body.get("messages") if isinstance(body, dict) else None)
            if path.endswith("reply"):
                token = str(body.get("replyToken", ""))
                with self.lock:
                    entry = self.tokens.get(token)
                    if entry is None or token in self.used or time.monotonic() - entry[1] > self.token_ttl:
                        raise Invalid("Invalid reply token")
                    self.used.add(token)
                chat, via = entry[0], "reply"
            else:
                chat, via = str(body.get("to", "")), "push"
                if not chat:
                    raise Invalid("to: required")
            ids = [str(uuid.uuid4().int)[:18] for _ in body["messages"]]
            with self.lock:
                self.delivered.append(Delivered(chat, via, body["messages"], ids))
                self.lock.notify_all()
            return 200, {"sentMessages": [{"id": i, "quoteToken": secrets.token_hex(8)} for i in ids]}, js
        if path == "/v2/bot/chat/loading/start":
            seconds = body.get("loadingSeconds", 20) if isinstance(body, dict) else 0
            if not isinstance(body, dict) or not str(body.get("chatId", "")).startswith("U") or seconds % 5 or not 5 <= seconds <= 60:
                raise Invalid("chatId or loadingSeconds invalid")
            return 202, {}, js
        if path == "/v2/bot/info":
            return 200, {"userId": BOT_USER_ID, "basicId": "@000test", "displayName": "MOOC 法規助理", "chatMode": "bot", "markAsReadMode": "auto"}, js
        if path == "/v2/bot/richmenu" and method == "POST":
            self._check_menu(body)
            menu_id = "richmenu-" + secrets.token_hex(16)
            with self.lock:
                self.menus[menu_id] = body
            return 200, {"richMenuId": menu_id}, js
        if path == "/v2/bot/richmenu/list":
            with self.lock:
                return 200, {"richmenus": [{"richMenuId": k, **v} for k, v in self.menus.items()]}, js
        if path.startswith("/v2/bot/richmenu/") and path.endswith("/content") and method == "POST":
            menu_id = path.split("/")[4]
            with self.lock:
                menu = self.menus.get(menu_id)
            if menu is None:
                return 404, {"message": "Not found"}, js
            if headers.get("content-type") not in ("image/png", "image/jpeg") or len(raw) > 1024 * 1024:
                raise Invalid("image must be PNG or JPEG of at most 1 MB")
            if raw[:8] != b"\x89PNG\r\n\x1a\n":
                raise Invalid("not a PNG image")
            w, h = struct.unpack(">II", raw[16:24])
            if (w, h) != (menu["size"]["width"], menu["size"]["height"]):
                raise Invalid(f"image size {w}x{h} does not match the rich menu's")
            with self.lock:
                if menu_id in self.menu_images:
                    raise Invalid("An image has already been uploaded to the richmenu")
                self.menu_images[menu_id] = raw
            return 200, {}, js
        if path.startswith("/v2/bot/richmenu/") and method == "DELETE":
            menu_id = path.split("/")[4]
            with self.lock:
                if self.menus.pop(menu_id, None) is None:
                    return 404, {"message": "Not found"}, js
                self.menu_images.pop(menu_id, None)
                if self.default_menu == menu_id:
                    self.default_menu = None
            return 200, {}, js
        if path.startswith("/v2/bot/user/all/richmenu/") and method == "POST":
            menu_id = path.rsplit("/", 1)[1]
            with self.lock:
                if menu_id not in self.menus:
                    return 404, {"message": "Not found"}, js
                if menu_id not in self.menu_images:
                    raise Invalid("must upload richmenu image before applying it to user")
                self.default_menu = menu_id
            return 200, {}, js
        if path == "/v2/bot/user/all/richmenu" and method == "GET":
            with self.lock:
                if self.default_menu is None:
                    return 404, {"message": "no default richmenu"}, js
                return 200, {"richMenuId": self.default_menu}, js
        return 404, {"message": "Not found"}, js

    @staticmethod
    def _check_menu(m: Any) -> None:
        if not isinstance(m, dict):
            raise Invalid("rich menu: not an object")
        size = m.get("size") or {}
        if size.get("width") != 2500 or size.get("height") not in (1686, 843):
            raise Invalid("size must be 2500x1686 or 2500x843")
        if not isinstance(m.get("name"), str) or not 1 <= len(m["name"]) <= 300:
            raise Invalid("name: 1 to 300 characters")
        if not isinstance(m.get("chatBarText"), str) or not 1 <= len(m["chatBarText"]) <= 14:
            raise Invalid("chatBarText: 1 to 14 characters")
        areas = m.get("areas") or []
        if not 1 <= len(areas) <= 20:
            raise Invalid("areas: 1 to 20")
        for a in areas:
            b = a.get("bounds") or {}
            if b.get("x", -1) < 0 or b.get("y", -1) < 0 or b["x"] + b["width"] > size["width"] or b["y"] + b["height"] > size["height"]:
                raise Invalid("area out of bounds")
            act = a.get("action") or {}
            if act.get("type") == "postback" and not 1 <= len(str(act.get("data", ""))) <= 300:
                raise Invalid("postback data: 1 to 300 characters")


class LineApiServer:
    """`FakeLineApi` over HTTP on 127.0.0.1 (base URL http://127.0.0.1:PORT), in a thread with its own loop."""

    def __init__(self, api: FakeLineApi | None = None):
        self.api = api or FakeLineApi()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        if self.api.delay_s:
            await asyncio.sleep(self.api.delay_s)
        headers = {k.lower(): v for k, v in request.headers.items()}
        status, body, ctype = self.api.handle(request.method, request.path, headers, raw)
        return web.Response(status=status, body=json.dumps(body).encode(), content_type=ctype)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        server = site._server  # noqa: SLF001 - the port the OS chose
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self._loop.run_forever()

    def __enter__(self) -> LineApiServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: Any) -> None:
        async def stop() -> None:
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


# --- webhook bodies like LINE's -------------------------------------------------------------------


def sign(body: bytes, secret: str = CHANNEL_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _source(user: str | None, group: str | None = None, room: str | None = None) -> dict[str, Any]:
    if group:
        return {"type": "group", "groupId": group, **({"userId": user} if user else {})}
    if room:
        return {"type": "room", "roomId": room, **({"userId": user} if user else {})}
    return {"type": "user", "userId": user}


def _base(kind: str, user: str | None, group: str | None = None, room: str | None = None, event_id: str | None = None) -> dict[str, Any]:
    return {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": _source(user, group, room),
        "webhookEventId": event_id or ("01" + secrets.token_hex(12).upper()),
        "deliveryContext": {"isRedelivery": False},
    }


def text_event(user: str, text: str, token: str | None = None, group: str | None = None, mention_self: bool = False,
               quoted: str | None = None, event_id: str | None = None) -> dict[str, Any]:
    ev = _base("message", user, group, event_id=event_id)
    message: dict[str, Any] = {"type": "text", "id": str(uuid.uuid4().int)[:18], "text": text, "quoteToken": secrets.token_hex(8)}
    if mention_self:
        message["text"] = "@MOOC 法規助理 " + text
        message["mention"] = {"mentionees": [{"index": 0, "length": len("@MOOC 法規助理"), "type": "user", "isSelf": True, "userId": BOT_USER_ID}]}
    if quoted:
        message["quotedMessageId"] = quoted
    ev["message"] = message
    if token:
        ev["replyToken"] = token
    return ev


def sticker_event(user: str, token: str) -> dict[str, Any]:
    ev = _base("message", user)
    ev["message"] = {"type": "sticker", "id": "1", "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC", "quoteToken": "q"}
    ev["replyToken"] = token
    return ev


def postback_event(user: str, data: str, token: str, group: str | None = None) -> dict[str, Any]:
    ev = _base("postback", user, group)
    ev["postback"] = {"data": data}
    ev["replyToken"] = token
    return ev


def follow_event(user: str, token: str) -> dict[str, Any]:
    ev = _base("follow", user)
    ev["follow"] = {"isUnblocked": False}
    ev["replyToken"] = token
    return ev


def unfollow_event(user: str) -> dict[str, Any]:
    return _base("unfollow", user)


def join_event(group: str, token: str) -> dict[str, Any]:
    ev = _base("join", None, group)
    ev["replyToken"] = token
    return ev


def body(*events: dict[str, Any]) -> bytes:
    return json.dumps({"destination": BOT_USER_ID, "events": list(events)}, ensure_ascii=False).encode()


def postbacks(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Every (label, data) of the postback actions in messages: Flex buttons and quick replies."""
    out: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "postback" and "data" in node:
                out.append((str(node.get("label", "")), str(node["data"])))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(messages)
    return out


def plain(messages: list[dict[str, Any]]) -> str:
    """The text a person reads in messages (text messages and every Flex text component)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text" and isinstance(node.get("text"), str):
                parts.append(node["text"])
            for k, v in node.items():
                if k not in ("quickReply", "action"):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(messages)
    return "\n".join(parts)
