"""LINE events: text questions, postbacks (buttons), follow/unfollow, groups, other message types.

Every event passes the same steps: a redelivered one (same webhookEventId) is dropped, one flood limit per user
comes first, events of one chat run one at a time in order (different chats concurrently), and answers are computed
off the event loop under a time budget, so one slow answer never delays another user. Replies go by reply token; a
push (billed) is sent instead only when LINE_PUSH_FALLBACK allows it. User ids reach logs only as keyed hashes.
"""

from __future__ import annotations

import asyncio
import logging
import time
import unicodedata
import uuid
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    GroupSource,
    JoinEvent,
    MemberJoinedEvent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)

from core.dialogue import Sessions
from core.engine import Engine
from core.model import Answer, AnswerContext
from frontends.answering import AnswerProcesses
from frontends.line import render
from frontends.line.api import LineApi, Sent
from frontends.line.buttons import MENU_PREFIX, Buttons
from frontends.line.flows import Flow, Flows, next_param, take_choice, take_text
from frontends.line.render import Message, cut, postback, quick_reply, say, text_message, texts, tr
from lang.textnorm import to_simplified
from rules.base import CalcError, Param
from storage.keys import log_id
from storage.repository import SafeRepository

log = logging.getLogger(__name__)

EXPIRED_ZH = "此按鈕已過期"
EXPIRED_EN = "This button has expired."
ANSWER_BUDGET_S = 15.0  # an answer that takes longer is given up (its thread finishes on its own)
ANSWER_WORKERS = 4  # answers computed at once, off the event loop
LOADING_AFTER_S = 0.3  # the loading animation appears when an answer takes longer than this
COMMENT_TTL_S = 10 * 60
SEEN_EVENTS = 20_000  # webhookEventIds remembered (redeliveries come within minutes)
SENT_IDS = 20_000  # ids of our own messages remembered (a group message quoting one is addressed to us)
T = TypeVar("T")


# --- small state ------------------------------------------------------------------------------------


@dataclass
class FloodLimiter:
    """At most `limit` events per user per `window` seconds; a warning once per window."""

    limit: int
    window: float
    _seen: dict[str, deque[float]] = field(default_factory=dict)
    _warned: dict[str, float] = field(default_factory=dict)

    def allow(self, key: str, now: float) -> bool:
        q = self._seen.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        if len(q) >= self.limit:
            return False
        q.append(now)
        if len(self._seen) > 50_000:
            for k in [k for k, d in self._seen.items() if not d or now - d[-1] > self.window][:10_000]:
                self._seen.pop(k, None)
                self._warned.pop(k, None)
        return True

    def should_warn(self, key: str, now: float) -> bool:
        if now - self._warned.get(key, -1e18) > self.window:
            self._warned[key] = now
            return True
        return False


class Recent:
    """A bounded set of recently seen strings (oldest forgotten first)."""

    def __init__(self, limit: int):
        self._limit = limit
        self._items: OrderedDict[str, None] = OrderedDict()

    def add(self, item: str) -> bool:
        """Remember `item`; False when it was already there."""
        if item in self._items:
            return False
        self._items[item] = None
        while len(self._items) > self._limit:
            self._items.popitem(last=False)
        return True

    def __contains__(self, item: object) -> bool:
        return item in self._items


@dataclass
class Ctx:
    """Who an event comes from and where replies go."""

    user: str | None  # LINE userId (absent for some group members)
    chat: str  # where a push would go: the user, group or room id
    chat_type: str  # "user", "group" or "room"
    reply_token: str | None
    lang: str = "zh"
    school: str | None = None
    log: str = ""  # the user's (or chat's) hashed id, for logs

    @property
    def ukey(self) -> str:
        """The repository's key: LINE users never share a row with Telegram users."""
        return f"line:{self.user or self.chat}"

    @property
    def private(self) -> bool:
        return self.chat_type == "user"


# --- the bot ----------------------------------------------------------------------------------------


class LineBot:
    """Handles webhook events with the shared engine and repository; `accept` schedules, `drain` waits."""

    def __init__(
        self,
        engine: Engine,
        repo: SafeRepository,
        api: LineApi,
        secret: bytes,
        flood_limit: int = 20,
        flood_window: float = 60.0,
        push_fallback: bool = False,
        clock: Callable[[], float] = time.time,
        answer_budget: float = ANSWER_BUDGET_S,
        answers: AnswerProcesses | None = None,
    ):
        self.engine = engine
        self.answers = answers  # typed questions answered in these processes (None: in worker threads)
        self.repo = repo
        self.api = api
        self.push_fallback = push_fallback
        self.clock = clock
        self.answer_budget = answer_budget
        self._secret = secret
        self.buttons = Buttons(secret, clock)
        self.flood = FloodLimiter(flood_limit, flood_window)
        self.sessions = Sessions()
        self.flows = Flows()
        self.comments: dict[str, tuple[int, float]] = {}
        self.prompts = Recent(SENT_IDS)  # ids of our comment prompts (a quote of one is a comment)
        self.seen = Recent(SEEN_EVENTS)
        self.sent_ids = Recent(SENT_IDS)
        self.handled = 0  # events handled (tests and logs)
        self._pool = ThreadPoolExecutor(max_workers=ANSWER_WORKERS, thread_name_prefix="line-answer")
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._examples: dict[str, list[str]] = {}

    # --- scheduling -------------------------------------------------------------------------------

    def accept(self, payload: dict[str, Any]) -> int:
        """Schedule the events of one verified webhook body in the background; returns how many were new."""
        events = payload.get("events")
        if not isinstance(events, list):
            return 0
        count = 0
        for raw in events:
            if not isinstance(raw, dict):
                continue
            event_id = raw.get("webhookEventId")
            if isinstance(event_id, str) and event_id and not self.seen.add(event_id):
                log.info("LINE event %s redelivered; already handled", event_id[:26])
                continue
            src = raw.get("source")
            source: dict[str, Any] = src if isinstance(src, dict) else {}
            key = str(source.get("groupId") or source.get("roomId") or source.get("userId") or "")
            task = asyncio.get_running_loop().create_task(self._ordered(key, raw))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            count += 1
        return count

    async def _ordered(self, key: str, raw: dict[str, Any]) -> None:
        """Events of one chat one at a time, in the order they came (asyncio.Lock wakes waiters in order)."""
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                await self.handle_raw(raw)
        except Exception:  # noqa: BLE001 - one event's fault never stops the others
            log.exception("LINE event failed")
        finally:
            users[0] -= 1
            if users[0] == 0:
                self._locks.pop(key, None)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for the events in hand (on shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # --- one event --------------------------------------------------------------------------------

    async def handle_raw(self, raw: dict[str, Any]) -> None:
        """Parse and handle one event (unknown kinds and malformed events are logged and skipped)."""
        try:
            event = Event.from_dict(raw)
        except Exception as exc:  # noqa: BLE001 - pydantic's errors for unknown or malformed events
            log.info("LINE event of type %r skipped (%s)", str(raw.get("type"))[:40], type(exc).__name__)
            return
        if event is None:
            return
        await self.handle(event)

    def _ctx(self, event: Event) -> Ctx | None:
        src = event.source
        token = getattr(event, "reply_token", None)
        if isinstance(src, UserSource) and src.user_id:
            return Ctx(src.user_id, src.user_id, "user", token, log=log_id(self._secret, f"line:{src.user_id}"))
        if isinstance(src, GroupSource):
            return Ctx(src.user_id, src.group_id, "group", token, log=log_id(self._secret, f"line:{src.user_id or src.group_id}"))
        if isinstance(src, RoomSource):
            return Ctx(src.user_id, src.room_id, "room", token, log=log_id(self._secret, f"line:{src.user_id or src.room_id}"))
        return None

    async def handle(self, event: Event) -> None:
        c = self._ctx(event)
        if c is None:
            return
        question: str | None = None
        if isinstance(event, MessageEvent) and not c.private:
            # In groups and rooms: only mentions of the bot and replies quoting its messages; the rest is not for us.
            question = self._addressed(event.message)
            if question is None:
                return
        now = self.clock()
        # One flood limit for every event a user sends us, before anything else is done.
        if not self.flood.allow(c.ukey, now):
            log.info("LINE flood limit for %s", c.log)
            if self.flood.should_warn(c.ukey, now) and c.reply_token:
                await self.send(c, [text_message("您傳得太快了，請稍候一分鐘再試。\nYou are sending too quickly; please wait a minute.")])
            return
        self.handled += 1
        settings = await self.repo.settings(c.ukey)
        c.lang, c.school = settings.lang or "zh", settings.school
        if isinstance(event, MessageEvent):
            if isinstance(event.message, TextMessageContent):
                await self.on_text(c, question if question is not None else event.message.text, event.message.quoted_message_id)
            elif c.private:
                await self.send(c, [text_message(tr(c.lang, "請用文字提問，例如：" + self._example(c.lang), "Please type your question as text, e.g. " + self._example(c.lang)))])
        elif isinstance(event, PostbackEvent):
            await self.on_postback(c, event.postback.data)
        elif isinstance(event, FollowEvent):
            await self.on_follow(c)
        elif isinstance(event, UnfollowEvent):
            log.info("LINE user %s unfollowed; settings kept for the retention period", c.log)
        elif isinstance(event, JoinEvent):
            await self.send(c, [text_message(
                "大家好！我是磨課師法規助理。在群組中請 @我 提問，或回覆我的訊息。\n"
                "Hello! I answer questions on MOOC regulations. In groups, mention me or reply to my message.")])
        elif isinstance(event, MemberJoinedEvent):
            await self.send(c, [text_message("歡迎！要問磨課師規定，請 @我 並輸入問題。\nWelcome! Mention me with a question on the MOOC rules.")])

    def _addressed(self, message: Any) -> str | None:
        """The question of a group message meant for the bot (mention removed), or None."""
        if not isinstance(message, TextMessageContent):
            return None
        text = str(message.text)
        mention = getattr(message, "mention", None)
        spans = []
        for m in (getattr(mention, "mentionees", None) or []):
            if getattr(m, "is_self", False):
                spans.append((int(m.index), int(m.length)))
        if spans:
            # Mention positions count UTF-16 code units (an emoji before the mention counts twice).
            raw = text.encode("utf-16-le")
            for index, length in sorted(spans, reverse=True):
                raw = raw[: 2 * index] + raw[2 * (index + length):]
            return raw.decode("utf-16-le", errors="ignore").strip()
        if message.quoted_message_id and message.quoted_message_id in self.sent_ids:
            return text
        return None

    # --- sending ----------------------------------------------------------------------------------

    async def send(self, c: Ctx, messages: Sequence[Message]) -> tuple[str, ...] | None:
        """Reply (at most 5 messages); a refused or failed reply is logged, and pushed only when allowed.

        Returns the ids of the messages sent, or None when nothing was delivered."""
        msgs = list(messages)[: render.MAX_MESSAGES]
        if not msgs:
            return ()
        res: Sent | None = None
        if c.reply_token:
            token, c.reply_token = c.reply_token, None  # a reply token is single-use
            res = await self.api.reply(token, msgs)
            if res.ok:
                self._remember(res)
                return res.message_ids
        why = "no reply token" if res is None else f"{res.status} ({res.http_status or '-'} {res.detail})".strip()
        if not self.push_fallback:
            log.warning("LINE reply for %s not delivered: %s; not pushed (LINE_PUSH_FALLBACK is off)", c.log, why)
            return None
        pushed = await self.api.push(c.chat, msgs, retry_key=str(uuid.uuid4()))
        if pushed.ok:
            self._remember(pushed)
            log.warning("LINE reply for %s not delivered: %s; pushed instead", c.log, why)
            return pushed.message_ids
        log.warning("LINE reply for %s not delivered: %s; push failed too: %s (%s %s)", c.log, why, pushed.status, pushed.http_status or "-", pushed.detail)
        return None

    def _remember(self, res: Sent) -> None:
        for mid in res.message_ids:
            self.sent_ids.add(mid)

    async def off_loop(self, fn: Callable[[], T]) -> T:
        """Run engine work in a worker thread under the time budget (raises TimeoutError)."""
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(self._pool, fn), timeout=self.answer_budget)

    async def _with_loading(self, c: Ctx, work: Awaitable[T]) -> T:
        """Await `work`, showing the loading animation in a one-on-one chat when it takes longer than a moment."""
        task = asyncio.ensure_future(work)
        if c.private and c.user:
            done, _ = await asyncio.wait({task}, timeout=LOADING_AFTER_S)
            if not done:
                await self.api.loading(c.user, 20)
        return await task

    def _too_slow(self, c: Ctx) -> Message:
        return text_message(tr(c.lang, "這個問題需要的時間太長，請縮短或分成幾個問題再問。", "This question takes too long; please shorten it or split it up."))

    # --- text -------------------------------------------------------------------------------------

    async def on_text(self, c: Ctx, text: str, quoted: str | None = None) -> None:
        now = self.clock()
        pending = self.comments.get(c.ukey)
        if pending is not None and _keyword(text) is None and (quoted in self.prompts or 0 <= now - pending[1] <= COMMENT_TTL_S):
            # After 👎 the next message is the comment (the prompt says so and offers 略過); a question sent by
            # mistake is answered when sent again, since the prompt is used up.
            self.comments.pop(c.ukey, None)
            ok = await self.repo.add_comment(c.ukey, pending[0], text)
            await self.send(c, [text_message(tr(c.lang, ("已收到您的意見，謝謝！" if ok else "已收到，謝謝！") + "若這是新的問題，請再傳一次。",
                                                ("Comment received, thank you." if ok else "Thank you.") + " If this was a new question, please send it again."))])
            return
        self.comments.pop(c.ukey, None)
        prefix: list[Message] = []
        flow_key = (c.ukey, c.chat)
        flow = self.flows.get(flow_key, now)
        if flow is not None:
            calc = self.engine.calculator(flow.calculator)
            p = calc.param(flow.pending) if calc is not None and flow.pending else None
            if calc is None or p is None:
                self.flows.drop(flow_key)
            else:
                taken = take_text(p, text)
                if taken.verdict == "cancel":
                    self.flows.drop(flow_key)
                    await self.send(c, [text_message(tr(c.lang, "已取消計算。", "Calculation cancelled."))])
                    return
                if taken.verdict == "invalid":
                    flow.updated = now
                    await self.send(c, [self._invalid(c, taken.value, taken.error), self._ask(c, flow, p)])
                    return
                if taken.verdict == "value":
                    flow.params[p.name] = taken.value
                    flow.updated = now
                    await self.send(c, await self._step(c, flow))
                    return
                self.flows.drop(flow_key)
                prefix = [text_message(tr(c.lang, "（已離開計算，改為回答您的問題。）", "(Left the calculation to answer your message.)"))]
        action = _keyword(text)
        if action is not None:
            await self.send(c, prefix + await self.menu(c, action[0], action[1]))
            return
        await self.ask(c, text, prefix)

    async def ask(self, c: Ctx, text: str, prefix: Sequence[Message] = ()) -> None:
        """Answer a question with the conversation's context, log it, reply with the rendered answer."""
        if not text.strip():
            await self.send(c, [*prefix, text_message(tr(c.lang, "請輸入問題，例如：" + self._example(c.lang), "Please type a question, e.g. " + self._example(c.lang)))])
            return
        now = self.clock()
        state = self.sessions.get(c.ukey, now)
        ctx = AnswerContext(default_school=c.school, lang=c.lang if c.lang == "en" else None)
        started = time.perf_counter()
        try:
            if self.answers is not None:
                work = self.answers.converse(text, ctx, state, now, budget=self.answer_budget)
            else:
                work = self.off_loop(lambda: self.engine.converse(text, ctx, state, now))
            ans, new_state = await self._with_loading(c, work)
        except (TimeoutError, asyncio.TimeoutError):
            log.warning("LINE answer for %s over the %.0f s budget", c.log, self.answer_budget)
            await self.send(c, [*prefix, self._too_slow(c)])
            return
        latency = (time.perf_counter() - started) * 1000
        self.sessions.put(c.ukey, new_state)
        qid = await self.repo.log_question(c.ukey, f"line-{c.chat_type}", text, ans.kind, list(ans.matched), ans.score, latency, ans.lang)
        await self.send(c, [*prefix, *self.render(c, ans, qid, render.MAX_MESSAGES - len(prefix))])

    def render(self, c: Ctx, ans: Answer, qid: int, max_messages: int = render.MAX_MESSAGES) -> list[Message]:
        return render.render_answer(ans, self._signer(c), qid, ans.lang, max_messages).messages

    def _signer(self, c: Ctx) -> Callable[[str], str]:
        user, chat = c.user or "", c.chat
        return lambda payload: self.buttons.data(user, chat, payload)

    # --- postbacks --------------------------------------------------------------------------------

    async def on_postback(self, c: Ctx, data: str) -> None:
        if data.startswith(MENU_PREFIX):
            self.comments.pop(c.ukey, None)
            await self.send(c, await self.menu(c, data[len(MENU_PREFIX):], ""))
            return
        payload = self.buttons.verify(c.user or "", c.chat, data)
        if payload is None:
            log.info("LINE postback from %s refused (foreign, forged or stale)", c.log)
            await self.expired(c)
            return
        kind, _, rest = payload.partition("|")
        args = rest.split("|") if rest else []
        handler = {
            "src": self._pb_source,
            "fb": self._pb_feedback,
            "rel": self._pb_related,
            "sch": self._pb_school_only,
            "calcgo": self._pb_calc_continue,
            "calc": self._pb_calc_start,
            "fl": self._pb_flow,
            "setschool": self._pb_set_school,
            "setlang": self._pb_set_lang,
            "nocomment": self._pb_no_comment,
        }.get(kind)
        if handler is None or not await handler(c, args):
            await self.expired(c)

    async def expired(self, c: Ctx) -> None:
        await self.send(c, [text_message(tr(c.lang, EXPIRED_ZH, EXPIRED_EN) if c.lang == "en" else f"{EXPIRED_ZH}。{EXPIRED_EN}")])

    async def _pb_source(self, c: Ctx, args: list[str]) -> bool:
        if len(args) != 1:
            return False
        src = self.engine.source(args[0], c.lang)
        if src is None:
            return False
        head = f"{src.title_zh}\n{src.title_en}\n{src.clause} {src.heading}（{src.date}）"
        body = f"{head}\n\n「{src.quote}」" + (f"\n\n{tr(c.lang, '注意：', 'Note: ')}{src.status}" if src.status else "")
        await self.send(c, texts(body, render.MAX_MESSAGES, lang=c.lang))
        return True

    async def _pb_feedback(self, c: Ctx, args: list[str]) -> bool:
        if len(args) != 2 or args[1] not in ("1", "-1") or not args[0].isdigit():
            return False
        qid, value = int(args[0]), int(args[1])
        ok = await self.repo.add_feedback(c.ukey, qid, value)
        if not ok:
            await self.send(c, [text_message(tr(c.lang, "暫時無法記錄，請稍後再試。", "Could not record this now; please try later."))])
            return True
        if value == 1:
            await self.send(c, [text_message(tr(c.lang, "謝謝您的回饋！", "Thanks for the feedback!"))])
            return True
        self.comments[c.ukey] = (qid, self.clock())
        prompt = text_message(
            tr(c.lang, "謝謝回饋！哪裡不對或不清楚？請直接輸入您的意見（下一則訊息會記為意見，可略過）。", "Thanks! What was wrong or unclear? Your next message is taken as the comment (optional)."),
            quick_reply([postback(tr(c.lang, "略過", "Skip"), self._signer(c)("nocomment"), tr(c.lang, "略過", "Skip"))]),
        )
        for mid in await self.send(c, [prompt]) or ():
            self.prompts.add(mid)
        return True

    async def _pb_no_comment(self, c: Ctx, args: list[str]) -> bool:
        self.comments.pop(c.ukey, None)
        await self.send(c, [text_message(tr(c.lang, "好的，謝謝！", "OK, thank you!"))])
        return True

    async def _pb_related(self, c: Ctx, args: list[str]) -> bool:
        if len(args) != 1:
            return False
        entry = args[0]
        try:
            ans = await self.off_loop(lambda: self.engine.answer_entry(entry, c.lang))
        except (TimeoutError, asyncio.TimeoutError):
            await self.send(c, [self._too_slow(c)])
            return True
        if ans is None:
            return False
        self.sessions.put(c.ukey, self.engine.state_after(ans, self.clock()))
        qid = await self.repo.log_question(c.ukey, f"line-{c.chat_type}", f"[button] {self.engine.question_of(entry, c.lang) or ''}", ans.kind, list(ans.matched), ans.score, 0.0, ans.lang)
        await self.send(c, self.render(c, ans, qid))
        return True

    async def _pb_school_only(self, c: Ctx, args: list[str]) -> bool:
        if len(args) != 2 or not args[1].isdigit() or self.engine.document(args[0]) is None:
            return False
        logged = await self.repo.question(int(args[1]))
        if logged is None:
            return False
        doc, question = args[0], logged.question
        ctx = AnswerContext(default_school=doc, lang=c.lang if c.lang == "en" else None, only_school=doc)
        try:
            ans = await self.off_loop(lambda: self.engine.answer(question, ctx))
        except (TimeoutError, asyncio.TimeoutError):
            await self.send(c, [self._too_slow(c)])
            return True
        self.sessions.put(c.ukey, self.engine.state_after(ans, self.clock()))
        qid = await self.repo.log_question(c.ukey, f"line-{c.chat_type}", question, ans.kind, list(ans.matched), ans.score, 0.0, ans.lang)
        await self.send(c, self.render(c, ans, qid))
        return True

    async def _pb_calc_continue(self, c: Ctx, args: list[str]) -> bool:
        if len(args) != 2 or not args[1].isdigit():
            return False
        calc = self.engine.calculator(args[0])
        logged = await self.repo.question(int(args[1]))
        if calc is None:
            return False
        params = self.engine.prefill(calc.name, logged.question) if logged is not None else {}
        await self.send(c, await self.start_flow(c, calc.name, params))
        return True

    async def _pb_calc_start(self, c: Ctx, args: list[str]) -> bool:
        if len(args) != 1 or self.engine.calculator(args[0]) is None:
            return False
        await self.send(c, await self.start_flow(c, args[0], {}))
        return True

    async def _pb_flow(self, c: Ctx, args: list[str]) -> bool:
        if len(args) != 2:
            return False
        now = self.clock()
        flow = self.flows.get((c.ukey, c.chat), now)
        if flow is None or flow.nonce != args[0] or flow.pending is None:
            return False  # an older flow's button, or the flow timed out
        calc = self.engine.calculator(flow.calculator)
        if calc is None:
            return False
        p = calc.param(flow.pending)
        value = args[1]
        flow.updated = now
        if value == "__cancel__":
            self.flows.drop((c.ukey, c.chat))
            await self.send(c, [text_message(tr(c.lang, "已取消計算。", "Calculation cancelled."))])
            return True
        if value == "__skip__":
            if p.required:
                await self.send(c, [text_message(tr(c.lang, "這一項必填。", "This one is required.")), self._ask(c, flow, p)])
                return True
            flow.skipped.add(p.name)
            await self.send(c, await self._step(c, flow))
            return True
        taken = take_choice(p, value)
        if taken.verdict != "value":
            await self.send(c, [self._invalid(c, value, taken.error), self._ask(c, flow, p)])
            return True
        flow.params[p.name] = taken.value
        await self.send(c, await self._step(c, flow))
        return True

    async def _pb_set_school(self, c: Ctx, args: list[str]) -> bool:
        if len(args) != 1:
            return False
        if args[0] == "none":
            await self.repo.set_school(c.ukey, None)
            await self.send(c, [text_message(tr(c.lang, "已取消預設學校。", "Default school cleared."))])
            return True
        doc = self.engine.document(args[0])
        if doc is None:
            return False
        saved = await self.repo.set_school(c.ukey, doc.id)
        note = "" if saved else tr(c.lang, "（暫時無法儲存）", " (not saved now)")
        await self.send(c, [text_message(tr(c.lang, f"預設學校：{doc.name_zh}。", f"Default school: {doc.name_en}.") + note)])
        return True

    async def _pb_set_lang(self, c: Ctx, args: list[str]) -> bool:
        if len(args) != 1 or args[0] not in ("zh", "en"):
            return False
        await self.send(c, await self._set_lang(c, args[0]))
        return True

    async def _set_lang(self, c: Ctx, lang: str) -> list[Message]:
        saved = await self.repo.set_lang(c.ukey, lang)
        c.lang = lang
        self.sessions.forget(c.ukey)
        note = "" if saved else tr(lang, "（暫時無法儲存）", " (not saved now)")
        return [text_message(("之後以中文回覆。" if lang == "zh" else "Replies will be in English.") + note)]

    # --- calculator flows -------------------------------------------------------------------------

    async def start_flow(self, c: Ctx, name: str, params: dict[str, str]) -> list[Message]:
        calc = self.engine.calculator(name)
        assert calc is not None
        flow = self.flows.start((c.ukey, c.chat), name, params, self.clock())
        intro = text_message(tr(c.lang, f"{calc.title_zh}\n{calc.description_zh}", f"{calc.title_en}\n{calc.description_en}"))
        return [intro, *await self._step(c, flow)]

    async def _step(self, c: Ctx, flow: Flow) -> list[Message]:
        """Ask the next parameter, or run the calculator when every one is answered or skipped."""
        calc = self.engine.calculator(flow.calculator)
        if calc is None:
            self.flows.drop((c.ukey, c.chat))
            return [text_message(tr(c.lang, "這個計算已失效，請重新開始。", "This calculation has expired; please start again."))]
        p = next_param(flow, calc)
        if p is not None:
            flow.pending = p.name
            return [self._ask(c, flow, p)]
        params = dict(flow.params)
        lang = c.lang
        try:
            ans = await self.off_loop(lambda: self.engine.run_calculator(calc.name, params, lang, question=f"[calc] {calc.name}"))
        except CalcError as err:
            # A rule over several figures failed: start this calculator over.
            flow.params, flow.skipped = {}, set()
            first = next_param(flow, calc)
            msg = text_message(tr(c.lang, f"無法計算：{err.message_zh}\n請重新輸入。", f"Cannot calculate: {err.message_en}\nPlease enter the figures again."))
            if first is None:
                self.flows.drop((c.ukey, c.chat))
                return [msg]
            flow.pending = first.name
            return [msg, self._ask(c, flow, first)]
        except (TimeoutError, asyncio.TimeoutError):
            self.flows.drop((c.ukey, c.chat))
            return [self._too_slow(c)]
        self.flows.drop((c.ukey, c.chat))
        self.sessions.put(c.ukey, self.engine.state_after(ans, self.clock()))
        qid = await self.repo.log_question(c.ukey, f"line-{c.chat_type}", f"[calc] {calc.name}", ans.kind, list(ans.matched), ans.score, 0.0, ans.lang)
        return self.render(c, ans, qid, render.MAX_MESSAGES - 1)

    def _ask(self, c: Ctx, flow: Flow, p: Param) -> Message:
        en = c.lang == "en"
        unit = (p.unit_en if en else p.unit_zh)
        label = p.label_en if en else p.label_zh
        lines = [f"Enter {label}" + (f" ({unit})" if unit else "") if en else f"請輸入{label}" + (f"（{unit}）" if unit else "")]
        if p.kind not in ("choice", "bool"):
            lines.append(tr(c.lang, f"範圍：{p.allowed()}", f"Range: {p.allowed()}"))
        if not p.required:
            lines.append(tr(c.lang, "（可略過）", "(optional)"))
        lines.append(tr(c.lang, "輸入「取消」可離開計算。", "Type \"cancel\" to stop."))
        sign = self._signer(c)
        actions: list[dict[str, Any]] = []
        if p.kind == "choice":
            for ch in p.choices[:10]:
                lab = ch.label_en if en else ch.label_zh
                actions.append(postback(lab, sign(f"fl|{flow.nonce}|{ch.value}"), lab))
        elif p.kind == "bool":
            actions += [postback(tr(c.lang, "是", "Yes"), sign(f"fl|{flow.nonce}|yes"), tr(c.lang, "是", "Yes")),
                        postback(tr(c.lang, "否", "No"), sign(f"fl|{flow.nonce}|no"), tr(c.lang, "否", "No"))]
        if not p.required:
            actions.append(postback(tr(c.lang, "略過", "Skip"), sign(f"fl|{flow.nonce}|__skip__"), tr(c.lang, "略過", "Skip")))
        actions.append(postback(tr(c.lang, "取消計算", "Cancel"), sign(f"fl|{flow.nonce}|__cancel__"), tr(c.lang, "取消計算", "Cancel")))
        return text_message("\n".join(lines), quick_reply(actions))

    def _invalid(self, c: Ctx, raw: str, err: CalcError | None) -> Message:
        msg = (err.message_en if c.lang == "en" else err.message_zh) if err else ""
        return text_message(tr(c.lang, f"「{cut(raw, 80)}」不行：{msg}\n請再輸入一次。", f"\"{cut(raw, 80)}\" won't do: {msg}\nPlease try again."))

    # --- menus (rich menu buttons and typed words) ------------------------------------------------

    async def menu(self, c: Ctx, action: str, arg: str) -> list[Message]:
        """The reply to a rich-menu button or a typed menu word."""
        if action == "ask":
            return [text_message(tr(c.lang, "請直接輸入問題，例如：", "Type your question, for example:") + "\n" + "\n".join(f"• {q}" for q in self.examples(c.lang)),
                                 quick_reply([say(q, q) for q in self.examples(c.lang)]))]
        if action == "calc":
            return [self._calculator_menu(c)]
        if action == "docs":
            return self._sources(c)
        if action == "school":
            if arg:
                named = self.engine.school_of(arg)
                doc = self.engine.document(named) if named else None
                if doc is not None:
                    saved = await self.repo.set_school(c.ukey, doc.id)
                    note = "" if saved else tr(c.lang, "（暫時無法儲存）", " (not saved now)")
                    return [text_message(tr(c.lang, f"預設學校：{doc.name_zh}。", f"Default school: {doc.name_en}.") + note)]
                if arg.lower() in ("none", "無", "取消", "不設定"):
                    await self.repo.set_school(c.ukey, None)
                    return [text_message(tr(c.lang, "已取消預設學校。", "Default school cleared."))]
            return [self._school_menu(c)]
        if action == "lang":
            if arg in ("zh", "en"):
                return await self._set_lang(c, arg)
            sign = self._signer(c)
            return [text_message(tr(c.lang, "請選擇回覆語言：", "Choose the reply language:"),
                                 quick_reply([postback("中文", sign("setlang|zh"), "中文"), postback("English", sign("setlang|en"), "English")]))]
        if action == "cancel":
            dropped = self.flows.drop((c.ukey, c.chat))
            return [text_message(tr(c.lang, "已取消計算。" if dropped else "目前沒有進行中的計算。", "Calculation cancelled." if dropped else "No calculation in progress."))]
        return [self._help(c)]

    def _calculator_menu(self, c: Ctx) -> Message:
        sign = self._signer(c)
        en = c.lang == "en"
        buttons = [
            {"type": "button", "style": "secondary", "height": "sm", "margin": "sm",
             "action": postback(calc.title_en if en else calc.title_zh, sign(f"calc|{calc.name}"), calc.title_en if en else calc.title_zh, limit=render.MAX_BUTTON_LABEL)}
            for calc in self.engine.calculators()
        ]
        bubble = {"type": "bubble", "size": "giga", "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
            {"type": "text", "text": tr(c.lang, "請選擇計算機", "Choose a calculator"), "weight": "bold", "size": "md", "wrap": True},
            {"type": "text", "text": tr(c.lang, "逐項輸入數字；隨時輸入「取消」可離開。", "Enter the figures one by one; type \"cancel\" to stop."), "size": "xs", "color": render.GRAY, "wrap": True},
            *buttons]}}
        return {"type": "flex", "altText": tr(c.lang, "計算機選單", "Calculators"), "contents": bubble}

    def _school_menu(self, c: Ctx) -> Message:
        sign = self._signer(c)
        en = c.lang == "en"
        actions = [postback(d.name_en if en else d.name_zh, sign(f"setschool|{d.id}"), d.name_en if en else d.name_zh) for d in self.engine.documents()]
        actions.append(postback(tr(c.lang, "不設定", "None"), sign("setschool|none"), tr(c.lang, "不設定", "None")))
        current = self.engine.document(c.school) if c.school else None
        now = (current.name_en if en else current.name_zh) if current else tr(c.lang, "未設定", "none")
        return text_message(tr(c.lang, f"目前預設學校：{now}\n請選擇預設學校（問題沒寫校名時使用）：", f"Default school: {now}\nChoose a default school (used when a question names none):"), quick_reply(actions))

    def _sources(self, c: Ctx) -> list[Message]:
        en = c.lang == "en"
        parts = []
        for d in self.engine.documents():
            dates = "、".join(x.roc for x in d.dates)
            status = d.status_en if en else d.status_zh
            parts.append(f"{d.title_en if en else d.title_zh}\n{d.issuer_zh}｜{dates}" + (f"\n{tr(c.lang, '注意：', 'Note: ')}{status}" if status else ""))
        head = tr(c.lang, "涵蓋的文件：", "Documents covered:")
        return texts(head + "\n\n" + "\n\n".join(parts), render.MAX_MESSAGES, lang=c.lang)

    def _help(self, c: Ctx) -> Message:
        docs = self.engine.documents()
        names = "、".join(d.name_zh for d in docs)
        first_zh, first_en = (docs[0].name_zh, docs[0].name_en) if docs else ("", "")
        text = tr(
            c.lang,
            "怎麼用：直接輸入問題，每個回答都附上條文出處；點「原文」看條文全文，👍／👎 告訴我們答得好不好。\n"
            "選單：問問題（範例）、計算機（逐項計算）、文件（涵蓋的文件）、學校（預設學校）、語言（中文／English）、說明。\n"
            f"也可以輸入「設定學校 {first_zh}」或「English」。問題裡寫上校名（{names}）最準確。群組中請 @我 或回覆我的訊息。",
            "How to use: type a question; every answer cites its clause. 「Source text」 shows the clause, 👍/👎 tell us how it went.\n"
            "Menu: Ask (examples), Calculator (step by step), Documents, School (default school), Language, Help.\n"
            f"You can also type \"中文\" or \"設定學校 {first_en}\". In groups, mention me or reply to my message.",
        )
        return text_message(text, quick_reply([postback(tr(c.lang, "計算機", "Calculator"), "menu:calc", tr(c.lang, "計算機", "Calculator")),
                                              postback(tr(c.lang, "文件", "Documents"), "menu:docs", tr(c.lang, "文件", "Documents")),
                                              postback(tr(c.lang, "學校", "School"), "menu:school", tr(c.lang, "學校", "School"))]))

    async def on_follow(self, c: Ctx) -> None:
        docs = self.engine.documents()
        lines = "\n".join(f"• {d.title_zh}（{d.citation_date}）" for d in docs)
        text = (f"您好！我是磨課師法規助理，回答 {len(docs)} 份磨課師相關文件的問題，並附上條文原文。\n"
                f"Hello! I answer questions on {len(docs)} Taiwanese MOOC documents, always citing the clause.\n\n{lines}\n\n"
                "試試下方的問題，或用選單的計算機、學校與語言設定。\nTry a question below, or the menu.")
        examples = self.examples("zh") + self.examples("en")[:2]
        await self.send(c, [text_message(text, quick_reply([say(q, q) for q in examples]))])

    def examples(self, lang: str) -> list[str]:
        """Example questions from the knowledge base: one entry's question per document (no names in code)."""
        key = "en" if lang == "en" else "zh"
        if key not in self._examples:
            out: list[str] = []
            for d in self.engine.documents():
                for s in self.engine.suggest(d.name_en if key == "en" else d.name_zh, 1):
                    q = self.engine.question_of(s.entry, key)
                    if q and q not in out and len(q) <= 60:
                        out.append(q)
            self._examples[key] = out[:4]
        return self._examples[key]

    def _example(self, lang: str) -> str:
        ex = self.examples(lang)
        return ex[0] if ex else ""


# --- typed menu words ---------------------------------------------------------------------------------

_WORDS: dict[str, str] = {
    "問問題": "ask", "提問": "ask", "範例": "ask", "ask": "ask", "examples": "ask",
    "計算機": "calc", "計算": "calc", "計算器": "calc", "calc": "calc", "/calc": "calc", "calculator": "calc", "calculators": "calc",
    "文件": "docs", "文件清單": "docs", "documents": "docs", "sources": "docs", "/sources": "docs",
    "學校": "school", "設定學校": "school", "預設學校": "school", "school": "school", "/school": "school",
    "語言": "lang", "language": "lang", "lang": "lang", "/lang": "lang",
    "說明": "help", "使用說明": "help", "help": "help", "/help": "help", "/start": "help",
    "取消": "cancel", "cancel": "cancel", "/cancel": "cancel", "取消計算": "cancel",
}
_LANGS = {"english": "en", "英文": "en", "中文": "zh", "chinese": "zh", "繁體中文": "zh", "華語": "zh"}
_SCHOOL_PREFIXES = ("設定學校", "預設學校", "學校", "school", "/school")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().strip("。.!！?？ ").lower()


_FOLDED: dict[str, str] = {}
for _w, _a in _WORDS.items():
    _FOLDED[_norm(_w)] = _a
    _FOLDED[_norm(to_simplified(_w))] = _a


def _keyword(text: str) -> tuple[str, str] | None:
    """A typed menu word (「計算機」, "English", 「設定學校 <school>」) as (action, argument), or None for a question."""
    t = _norm(text)
    if len(t) > 40:
        return None
    if t in _FOLDED:
        return _FOLDED[t], ""
    if t in _LANGS or _norm(to_simplified(t)) in {_norm(to_simplified(k)) for k in _LANGS}:
        return "lang", _LANGS.get(t) or next(v for k, v in _LANGS.items() if _norm(to_simplified(k)) == _norm(to_simplified(t)))
    for prefix in _SCHOOL_PREFIXES:
        for p in {prefix, to_simplified(prefix)}:
            if t.startswith(p.lower()) and len(t) > len(p) and t[len(p)] in " ：:　":
                return "school", t[len(p) + 1:].strip()
    return None
