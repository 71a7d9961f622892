"""A small Telegram Bot API for tests: the same logic behind an in-process request (offline bot) and an HTTP server on 127.0.0.1.

It checks what Telegram checks in what the bot sends: HTML with allowed tags only, balanced, entities escaped,
and at most 4,096 characters of text; callback data of at most 64 bytes.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_ID = 900000001
BOT_USERNAME = "mooc_regs_test_bot"
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler", "span", "blockquote", "tg-emoji"}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)")


class BadRequest(Exception):
    """What Telegram answers with 400."""


def check_html(text: str) -> str:
    """Validate Telegram HTML like the Bot API does; return the plain text it renders to."""
    stack: list[str] = []
    plain: list[str] = []
    pos = 0
    for m in _TAG.finditer(text):
        chunk = text[pos : m.start()]
        if "<" in chunk or ">" in chunk:
            raise BadRequest("Bad Request: can't parse entities: unescaped < or > in text")
        if _ENTITY.search(chunk):
            raise BadRequest("Bad Request: can't parse entities: unescaped & in text")
        plain.append(chunk)
        closing, tag = m.group(1) == "/", m.group(2).lower()
        if tag not in ALLOWED_TAGS:
            raise BadRequest(f"Bad Request: can't parse entities: unsupported start tag \"{tag}\"")
        if closing:
            if not stack or stack[-1] != tag:
                raise BadRequest(f"Bad Request: can't parse entities: unexpected end tag \"{tag}\"")
            stack.pop()
        else:
            stack.append(tag)
        pos = m.end()
    rest = text[pos:]
    if "<" in rest or ">" in rest:
        raise BadRequest("Bad Request: can't parse entities: unescaped < or > in text")
    if _ENTITY.search(rest):
        raise BadRequest("Bad Request: can't parse entities: unescaped & in text")
    plain.append(rest)
    if stack:
        raise BadRequest(f"Bad Request: can't parse entities: can't find end tag corresponding to start tag \"{stack[-1]}\"")
    return unescape("".join(plain))


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Sent:
    """One call the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    result: dict[str, Any] | None = None  # the message the API answered with (send and edit calls)


class FakeBotApi:
    """The Bot API's state: queued updates, what the bot sent, failures to inject."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.next_message_id = 1000
        self.sent: list[Sent] = []
        self.errors: list[str] = []
        self.fail_next: list[tuple[int, dict[str, Any]]] = []  # (status, body) for the next calls
        self.fail_method: dict[str, tuple[int, dict[str, Any]]] = {}  # lower-case method → (status, body), every call
        self.delay_s = 0.0
        self.polls = 0  # getUpdates calls so far
        self.down = False  # the HTTP server hangs up on every request without an answer (an outage)
        self.connections = 0  # connections the HTTP server has accepted

    # --- building updates ------------------------------------------------------------------------

    def _push(self, update: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            update["update_id"] = self.next_update_id
            self.next_update_id += 1
            self.updates.append(update)
            self.lock.notify_all()
        return update

    def new_message_id(self) -> int:
        with self.lock:
            self.next_message_id += 1
            return self.next_message_id

    @staticmethod
    def user(user_id: int, lang: str = "zh-hant") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": lang}

    @staticmethod
    def chat(chat_id: int, chat_type: str = "private") -> dict[str, Any]:
        out: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type != "private":
            out["title"] = "MOOC staff"
        return out

    def message(self, user_id: int, text: str | None, chat_id: int | None = None, chat_type: str = "private",
                reply_to: dict[str, Any] | None = None, extra: dict[str, Any] | None = None, edited: bool = False,
                lang: str = "zh-hant") -> dict[str, Any]:
        """Queue a message (or an edited message) from a user."""
        msg: dict[str, Any] = {
            "message_id": self.new_message_id(),
            "date": int(time.time()),
            "chat": self.chat(chat_id if chat_id is not None else user_id, chat_type),
            "from": self.user(user_id, lang),
        }
        if text is not None:
            msg["text"] = text
            entities = []
            m = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
            if m:
                entities.append({"type": "bot_command", "offset": 0, "length": _utf16(m.group(0))})
            for mm in re.finditer(r"@[A-Za-z0-9_]{5,}", text):
                if m and mm.start() < m.end():
                    continue
                entities.append({"type": "mention", "offset": _utf16(text[: mm.start()]), "length": _utf16(mm.group(0))})
            if entities:
                msg["entities"] = entities
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        if extra:
            msg.update(extra)
        if edited:
            msg["edit_date"] = int(time.time())
            return self._push({"edited_message": msg})
        return self._push({"message": msg})

    def callback(self, user_id: int, data: str, message: dict[str, Any] | None = None, chat_id: int | None = None, lang: str = "zh-hant") -> dict[str, Any]:
        """Queue a button press (under `message`, e.g. a Sent.result, or a fresh bot message in `chat_id`)."""
        chat = chat_id if chat_id is not None else user_id
        msg = message or {
            "message_id": self.new_message_id(),
            "date": int(time.time()),
            "chat": self.chat(chat, "private" if chat > 0 else "group"),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "MOOC", "username": BOT_USERNAME},
            "text": "…",
        }
        return self._push({"callback_query": {"id": str(self.new_message_id()), "from": self.user(user_id, lang), "chat_instance": "ci", "data": data, "message": msg}})

    def inline(self, user_id: int, query: str, lang: str = "zh-hant") -> dict[str, Any]:
        """Queue an inline query."""
        return self._push({"inline_query": {"id": str(self.new_message_id()), "from": self.user(user_id, lang), "query": query, "offset": ""}})

    # --- answering the bot ------------------------------------------------------------------------

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID, "is_bot": True, "first_name": "MOOC", "username": BOT_USERNAME,
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True,
        }

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call: (status, JSON body)."""
        method_l = method.lower()
        if method_l != "getupdates":
            with self.lock:
                if self.fail_next:
                    status, body = self.fail_next.pop(0)
                    return status, body
                if method_l in self.fail_method:
                    return self.fail_method[method_l]
        try:
            result = self._result(method_l, params)
        except BadRequest as exc:
            with self.lock:
                self.errors.append(f"{method}: {exc}")
            return 400, {"ok": False, "error_code": 400, "description": str(exc)}
        return 200, {"ok": True, "result": result}

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getme":
            return self.bot_user()
        if method == "getupdates":
            with self.lock:
                self.polls += 1
                self.lock.notify_all()
            offset = int(params.get("offset") or 0)
            timeout = float(params.get("timeout") or 0)
            deadline = time.monotonic() + min(timeout, 2.0)
            with self.lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                while not self.updates and time.monotonic() < deadline:
                    self.lock.wait(deadline - time.monotonic())
                return list(self.updates[: int(params.get("limit") or 100)])
        if method in ("deletewebhook", "setmycommands", "deletemycommands", "sendchataction", "answercallbackquery", "setwebhook", "close", "logout"):
            self._record(method, params)
            return True
        if method == "answerinlinequery":
            results = params.get("results")
            if isinstance(results, str):
                results = json.loads(results)
            for r in results or []:
                content = r.get("input_message_content") or {}
                if content.get("parse_mode") == "HTML":
                    plain = check_html(content.get("message_text", ""))
                    if _utf16(plain) > 4096:
                        raise BadRequest("Bad Request: MESSAGE_TOO_LONG")
            self._record(method, params)
            return True
        if method in ("sendmessage", "editmessagetext"):
            text = str(params.get("text", ""))
            plain = check_html(text) if params.get("parse_mode") == "HTML" else text
            if not plain.strip():
                raise BadRequest("Bad Request: message text is empty")
            if _utf16(plain) > 4096:
                raise BadRequest("Bad Request: message is too long")
            self._check_markup(params.get("reply_markup"))
            result = self._bot_message(params, text=plain)
            self._record(method, params, result)
            return result
        if method in ("senddocument", "sendphoto"):
            result = self._bot_message(params, text=None)
            self._record(method, params, result)
            return result
        self._record(method, params)
        return True

    def _check_markup(self, markup: Any) -> None:
        if not markup:
            return
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and len(str(data).encode()) > 64:
                    raise BadRequest("Bad Request: BUTTON_DATA_INVALID")

    def _record(self, method: str, params: dict[str, Any], result: dict[str, Any] | None = None) -> None:
        with self.lock:
            self.sent.append(Sent(method, params, result=result))
            self.lock.notify_all()

    def _bot_message(self, params: dict[str, Any], text: str | None) -> dict[str, Any]:
        chat_id = int(params.get("chat_id") or 0)
        msg: dict[str, Any] = {
            "message_id": self.new_message_id(),
            "date": int(time.time()),
            "chat": self.chat(chat_id, "private" if chat_id > 0 else "group"),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "MOOC", "username": BOT_USERNAME},
        }
        if text is not None:
            msg["text"] = text
        return msg

    # --- reading what was sent ----------------------------------------------------------------------

    def messages_to(self, chat_id: int) -> list[Sent]:
        with self.lock:
            return [s for s in self.sent if s.method in ("sendmessage", "senddocument", "sendphoto") and int(s.params.get("chat_id") or 0) == chat_id]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 15.0) -> bool:
        """Wait until `predicate()` holds (checked whenever the bot calls us)."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.lock.wait(min(left, 0.2))
        return True


# --- the in-process request: an offline bot ---------------------------------------------------------


def make_request(api: FakeBotApi):  # type: ignore[no-untyped-def]
    """A python-telegram-bot request object answered by `api` without any network."""
    from telegram.request import BaseRequest, RequestData

    class OfflineRequest(BaseRequest):
        async def initialize(self) -> None:
            return None

        async def shutdown(self) -> None:
            return None

        @property
        def read_timeout(self) -> float | None:
            return 1.0

        async def do_request(self, url: str, method: str, request_data: RequestData | None = None, read_timeout: Any = None,
                             write_timeout: Any = None, connect_timeout: Any = None, pool_timeout: Any = None) -> tuple[int, bytes]:
            name = url.rsplit("/", 1)[-1]
            params = dict(request_data.parameters) if request_data is not None else {}
            params = {k: (v if not isinstance(v, (dict, list)) else v) for k, v in params.items()}
            status, body = api.handle(name, params)
            return status, json.dumps(body).encode()

    return OfflineRequest()


# --- the HTTP server ---------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: a bot opening dozens of connections at once would see SYNs dropped
    # and retried a second or more later (connect time-outs, lost messages), which Telegram's servers never do.
    request_queue_size = 256

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A bot stopped with a keep-alive connection open resets it while the handler waits for its next request:
        # that is how bots stop, not an error worth a traceback in the load report.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class BotApiServer:
    """`FakeBotApi` served over HTTP on 127.0.0.1 (base URL http://127.0.0.1:PORT/bot)."""

    def __init__(self, api: FakeBotApi | None = None, token: str = "123456:TEST-TOKEN", port: int = 0):
        self.api = api or FakeBotApi()
        self.token = token
        api_ref = self.api
        token_ref = token

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # TCP_NODELAY, as real servers set it: the headers and the body go out in two writes, and with Nagle's
            # algorithm the body would wait for the client's delayed ACK (40 ms on Linux) on every call.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # quiet
                return None

            def setup(self) -> None:
                super().setup()
                with api_ref.lock:
                    api_ref.connections += 1

            def do_POST(self) -> None:  # noqa: N802
                self._serve()

            def do_GET(self) -> None:  # noqa: N802
                self._serve()

            def _serve(self) -> None:
                if api_ref.down:
                    self.close_connection = True
                    return
                path = self.path.split("?")[0]
                prefix = f"/bot{token_ref}/"
                if not path.startswith(prefix):
                    self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                method = path[len(prefix):]
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                params = _parse_body(raw, self.headers.get("Content-Type") or "")
                if "?" in self.path:
                    params.update({k: v[0] for k, v in parse_qs(self.path.split("?", 1)[1]).items()})
                if api_ref.delay_s and method.lower() != "getupdates":
                    time.sleep(api_ref.delay_s)
                status, body = api_ref.handle(method, params)
                self._reply(status, body)

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot hung up (it is shutting down)

        self.httpd = _Server(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def __enter__(self) -> BotApiServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "application/json" in content_type:
        return dict(json.loads(raw.decode()))
    if "multipart/form-data" in content_type:
        boundary = content_type.split("boundary=")[-1].strip('"').encode()
        out: dict[str, Any] = {}
        for part in raw.split(b"--" + boundary):
            head, _, body = part.partition(b"\r\n\r\n")
            m = re.search(rb'name="([^"]+)"', head)
            if not m:
                continue
            name = m.group(1).decode()
            value = body[:-2] if body.endswith(b"\r\n") else body
            out[name] = value.decode(errors="replace") if b"filename=" not in head else f"<file {len(value)} bytes>"
        return out
    return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
