"""Issue 14's Telegram findings through python-telegram-bot's own machinery: buttons bound to their user and chat,
staff commands kept out of groups, one flood limit for every update, answers and /reload off the event loop,
ids in logs only as keyed hashes."""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from core.dialogue import DialogueState
from core.engine import Engine
from core.kb import KnowledgeBaseError
from core.model import Answer, AnswerContext
from frontends.telegram.context import App
from storage.keys import log_id
from tests.botapi import BOT_USERNAME, FakeBotApi, Sent
from tests.tgkit import ADMIN, GROUP, OTHER, USER, answers, bot, buttons, feed, last, make_app, press, services, texts  # noqa: F401 - bot is a fixture

Bot = tuple[App, FakeBotApi]


async def _one_of_each_kind(app: App, api: FakeBotApi, chat: int = USER) -> dict[str, tuple[str, Sent]]:
    """USER collects a button of every kind (callback data, and the message it is under)."""
    found: dict[str, tuple[str, Sent]] = {}
    extra: dict[str, Any] = {} if chat == USER else {"chat_id": chat, "chat_type": "group"}
    mention = "" if chat == USER else f"@{BOT_USERNAME} "

    def keep(sent: Sent) -> None:
        for _, d in buttons(sent):
            found.setdefault(d.split(":")[0], (d, sent))

    for text in ("高科大學習 9 小時可以拿幾學分？", "助教可以有幾位", "東華遠距教學課程老師多久內要回覆學生問題？", "逢甲標竿課程的線上輔導鐘點總共幾小時？註冊 300 人"):
        await feed(app, api.message(USER, mention + text, **extra))
        keep(last(api, chat))
    await press(app, api, USER, found["S"][1], "S")
    for command in ("/school", "/lang", "/start"):
        await feed(app, api.message(USER, f"{command}@{BOT_USERNAME}" if chat != USER else command, **extra))
        keep(last(api, chat))
    await feed(app, api.message(USER, "/calc" if chat == USER else f"/calc@{BOT_USERNAME}", **extra))
    keep(last(api, chat))
    await press(app, api, USER, last(api, chat), "m", "逢甲線上輔導鐘點費時數")
    keep(last(api, chat))
    assert set(found) >= {"s", "S", "f", "g", "o", "r", "d", "l", "m", "c"}, sorted(found)
    return found


async def _state(app: App) -> tuple[Any, ...]:
    repo = services(app).repo
    stats = await repo.stats(30)
    assert stats is not None
    return stats["total"], stats["thumbs_up"], stats["thumbs_down"], await repo.settings(OTHER), await repo.settings(USER)


async def test_every_button_kind_replayed_by_another_user_changes_nothing(bot: Bot) -> None:
    app, api = bot
    found = await _one_of_each_kind(app, api)
    before_state, sent_before = await _state(app), len(api.sent)
    for kind, (d, sent) in sorted(found.items()):
        await feed(app, api.callback(OTHER, d))  # in OTHER's own chat
        await feed(app, api.callback(OTHER, d, message=sent.result))  # under USER's message (as if forwarded or shared)
    replies = [s for s in api.sent[sent_before:]]
    assert all(s.method == "answercallbackquery" and s.params.get("text") == "此按鈕已過期" for s in replies), [(s.method, s.params.get("text")) for s in replies if s.params.get("text") != "此按鈕已過期"]
    assert len(replies) == 2 * len(found)
    assert await _state(app) == before_state


async def test_every_button_kind_replayed_by_another_member_of_a_group_changes_nothing(bot: Bot) -> None:
    app, api = bot
    found = await _one_of_each_kind(app, api, GROUP)
    before_state, sent_before = await _state(app), len(api.sent)
    for kind, (d, sent) in sorted(found.items()):
        await feed(app, api.callback(OTHER, d, message=sent.result))
        await feed(app, api.callback(USER, d, chat_id=-999))  # the owner, but in another chat
    replies = api.sent[sent_before:]
    assert all(s.method == "answercallbackquery" and s.params.get("text") == "此按鈕已過期" for s in replies)
    assert len(replies) == 2 * len(found) and await _state(app) == before_state


async def test_altered_button_data_is_refused(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "高科大學習 9 小時可以拿幾學分？"))
    answer = last(api, USER)
    vote = next(d for _, d in buttons(answer) if d.startswith("f:"))
    kind, payload, mac = vote.split(":")
    qid, value = payload.split("|")
    for forged in (f"{kind}:{int(qid) + 1}|{value}:{mac}", f"{kind}:{qid}|{-int(value)}:{mac}", f"{kind}:{payload}:{mac[:-1]}A", f"{kind}:{payload}"):
        await feed(app, api.callback(USER, forged, message=answer.result))
    assert answers(api) == ["此按鈕已過期"] * 4
    stats = await services(app).repo.stats(30)
    assert stats is not None and stats["thumbs_up"] == stats["thumbs_down"] == 0


async def test_staff_commands_in_groups_post_nothing(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "今天天氣如何"))  # something for /unanswered to list
    for command in ("/unanswered", "/stats", "/reload"):
        await feed(app, api.message(ADMIN, f"{command}@{BOT_USERNAME}", chat_id=GROUP, chat_type="supergroup"))
        assert texts(api, GROUP)[-1].startswith("不認識這個指令")
        await feed(app, api.message(ADMIN, command, chat_id=GROUP, chat_type="group"))
    assert [s.method for s in api.messages_to(GROUP)] == ["sendmessage"] * 3
    assert services(app).engine is not None and not any("已重新載入" in t for t in texts(api, GROUP))


async def test_one_flood_limit_for_messages_commands_buttons_and_inline_queries(engine: Engine, tmp_path: Path) -> None:
    api = FakeBotApi()
    app = make_app(engine, tmp_path / "db.sqlite3", api, flood_limit=4)
    await app.initialize()
    try:
        await feed(app, api.message(USER, "高科大學分怎麼算"))  # 1
        answer = last(api, USER)
        for _ in range(3):  # 2-4: buttons that replay questions
            await press(app, api, USER, answer, "r")
        n = len(api.messages_to(USER))
        await press(app, api, USER, answer, "r")  # 5: over the limit
        await feed(app, api.message(USER, "/school 東華" + "九" * 1000))  # text sent as a command
        await feed(app, api.message(USER, "東華助教幾位"))
        assert answers(api)[-1] == "太快了，請稍候"
        assert len(api.messages_to(USER)) == n + 1 and "太快" in texts(api, USER)[-1]  # one note, nothing answered
        assert (await services(app).repo.settings(USER)).school is None
        for _ in range(6):
            await feed(app, api.inline(OTHER, "高科大 學分"))
        assert len([s for s in api.sent if s.method == "answerinlinequery"]) == 4
    finally:
        await services(app).repo.close()
        await app.shutdown()


class SlowEngine:
    """The real engine, except that questions containing 「慢」 take `seconds` to answer."""

    def __init__(self, engine: Engine, seconds: float):
        self._engine = engine
        self.seconds = seconds

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def converse(self, question: str, context: AnswerContext | None, state: DialogueState, now: float) -> tuple[Answer, DialogueState]:
        if "慢" in question:
            time.sleep(self.seconds)
        return self._engine.converse(question, context, state, now)


@pytest.mark.parametrize("processes", [0, 2], ids=["threads", "processes"])
async def test_a_slow_answer_never_delays_other_chats(engine: Engine, tmp_path: Path, processes: int) -> None:
    api = FakeBotApi()
    app = make_app(engine, tmp_path / "db.sqlite3", api, answer_processes=processes)
    services(app).engine = SlowEngine(engine, 1.5)  # type: ignore[assignment]
    await app.initialize()
    try:
        started = time.monotonic()
        slow = asyncio.create_task(feed(app, api.message(USER, "慢慢問：高科大學分怎麼算")))
        await asyncio.sleep(0.05)
        await feed(app, api.message(OTHER, "東華遠距教學課程老師多久內要回覆學生問題？"))
        other_done = time.monotonic() - started
        await slow
        assert other_done < 1.0, f"another chat waited {other_done:.1f} s"
        assert api.messages_to(OTHER)[0].at < api.messages_to(USER)[0].at
        services(app).answer_budget_s = 0.3  # past the budget the asker hears so, and nothing else waits
        await feed(app, api.message(USER, "慢慢問：東華助教幾位"))
        assert "處理太久" in texts(api, USER)[-1]
        await feed(app, api.message(USER, "東華助教幾位"))  # and the next question is answered (by a new process)
        assert "處理太久" not in texts(api, USER)[-1] and "助教" in texts(api, USER)[-1]
    finally:
        await services(app).repo.close()
        await app.shutdown()


async def test_reload_runs_off_the_loop_within_a_time_limit_and_keeps_the_old_engine(engine: Engine, tmp_path: Path) -> None:
    outcomes: list[Any] = []

    def rebuild() -> Engine:
        outcome = outcomes.pop(0)
        if isinstance(outcome, float):
            time.sleep(outcome)
            return engine
        raise outcome

    api = FakeBotApi()
    app = make_app(engine, tmp_path / "db.sqlite3", api, rebuild=rebuild)
    svc = services(app)
    svc.reload_budget_s = 0.5
    await app.initialize()
    try:
        old = svc.engine
        outcomes.append(2.0)  # a knowledge base that takes too long
        started = time.monotonic()
        reload = asyncio.create_task(feed(app, api.message(ADMIN, "/reload")))
        await asyncio.sleep(0.05)
        await feed(app, api.message(USER, "東華遠距教學課程老師多久內要回覆學生問題？"))
        assert time.monotonic() - started < 0.5 and "一週內回覆" in texts(api, USER)[-1]
        await reload
        assert "超過 0.5 秒" in texts(api, ADMIN)[-1] and svc.engine is old
        await feed(app, api.message(ADMIN, "/reload"))  # the overrunning rebuild still runs in its thread
        assert "正在重新載入" in texts(api, ADMIN)[-1]
        await asyncio.sleep(1.6)  # it ends; its result is dropped
        assert svc.engine is old
        outcomes += [KnowledgeBaseError(["glossary.yaml:1: too many aliases"]), MemoryError()]
        await feed(app, api.message(ADMIN, "/reload"))
        assert "1 個問題" in texts(api, ADMIN)[-1] and "too many aliases" in texts(api, ADMIN)[-1] and svc.engine is old
        await feed(app, api.message(ADMIN, "/reload"))
        assert "重新載入失敗" in texts(api, ADMIN)[-1] and svc.engine is old
    finally:
        await services(app).repo.close()
        await app.shutdown()


class TaggedEngine:
    """The real engine, its answers marked (to tell which engine answered)."""

    def __init__(self, engine: Engine, tag: str):
        self._engine = engine
        self.tag = tag

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def converse(self, question: str, context: AnswerContext | None, state: DialogueState, now: float) -> tuple[Answer, DialogueState]:
        ans, state = self._engine.converse(question, context, state, now)
        return replace(ans, direct=f"{ans.direct} {self.tag}"), state


async def test_a_reload_reaches_the_answering_processes(engine: Engine, tmp_path: Path) -> None:
    api = FakeBotApi()
    app = make_app(TaggedEngine(engine, "[old]"), tmp_path / "db.sqlite3", api, rebuild=lambda: TaggedEngine(engine, "[new]"), answer_processes=1)  # type: ignore[arg-type]
    await app.initialize()
    try:
        await feed(app, api.message(USER, "高科大學分怎麼算"))
        assert "[old]" in texts(api, USER)[-1]
        await feed(app, api.message(ADMIN, "/reload"))
        await feed(app, api.message(USER, "高科大學分怎麼算"))
        assert "[new]" in texts(api, USER)[-1]
    finally:
        await services(app).repo.close()
        await app.shutdown()


async def test_a_reload_reaches_the_processes_shared_with_line(engine: Engine, tmp_path: Path) -> None:
    """bootstrap gives both front ends one set of answering processes: a /reload through Telegram reaches LINE's
    questions too."""
    from core.dialogue import EMPTY
    from frontends.answering import AnswerProcesses

    shared = AnswerProcesses(TaggedEngine(engine, "[old]"), 1)
    api = FakeBotApi()
    app = make_app(TaggedEngine(engine, "[old]"), tmp_path / "db.sqlite3", api, rebuild=lambda: TaggedEngine(engine, "[new]"))  # type: ignore[arg-type]
    services(app).shared_answers = shared
    await app.initialize()
    try:
        await feed(app, api.message(USER, "高科大學分怎麼算"))
        assert "[old]" in texts(api, USER)[-1]
        await feed(app, api.message(ADMIN, "/reload"))
        ans, _ = await shared.call("converse", "高科大學分怎麼算", AnswerContext(), EMPTY, 0.0, budget=5)  # as LINE asks
        assert ans.direct.endswith("[new]")
    finally:
        await services(app).repo.close()
        await app.shutdown()
        shared.close()


async def test_a_reload_reaches_the_front_ends_sharing_the_engine_and_a_failed_one_does_not(engine: Engine, tmp_path: Path) -> None:
    fresh = copy.copy(engine)  # another engine object, as a rebuild makes
    outcomes: list[Any] = [KnowledgeBaseError(["glossary.yaml:1: bad"]), fresh]
    told: list[Engine] = []

    def rebuild() -> Engine:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome  # type: ignore[no-any-return]

    api = FakeBotApi()
    app = make_app(engine, tmp_path / "db.sqlite3", api, rebuild=rebuild)
    services(app).installed = told.append  # what bootstrap does for LINE's event handler
    await app.initialize()
    try:
        await feed(app, api.message(ADMIN, "/reload"))
        assert told == [] and services(app).engine is engine
        await feed(app, api.message(ADMIN, "/reload"))
        assert told == [fresh] and services(app).engine is fresh
    finally:
        await services(app).repo.close()
        await app.shutdown()


async def test_user_and_chat_ids_reach_logs_only_as_keyed_hashes(engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    api = FakeBotApi()
    app = make_app(engine, tmp_path / "db.sqlite3", api)
    await app.initialize()
    user, group = 7_654_321_987, -1_009_876_543_210
    try:
        api.fail_method["sendmessage"] = (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
        with caplog.at_level(logging.INFO):  # the default level (python-telegram-bot's own DEBUG lines show whole updates)
            await feed(app, api.message(user, f"@{BOT_USERNAME} 高科大學分怎麼算", chat_id=group, chat_type="group"))
        assert "error while handling" in caplog.text
        assert str(user) not in caplog.text and str(group) not in caplog.text
        assert log_id(services(app).secret, group) in caplog.text and log_id(services(app).secret, user) in caplog.text
    finally:
        await services(app).repo.close()
        await app.shutdown()


def test_button_signatures_are_hmac_sha256_of_user_chat_and_data_and_fields_stay_separable() -> None:
    import base64
    import hashlib
    import hmac

    from frontends.telegram.services import ButtonSigner
    from storage.keys import derive

    secret = bytes(range(32))
    signer = ButtonSigner(secret)
    data = signer.sign(USER, GROUP, "o", 17, "nkust-mooc")
    body, _, mac = data.rpartition(":")
    assert body == "o:17|nkust-mooc"
    want = hmac.new(derive(secret, "button"), f"{USER}:{GROUP}:{body}".encode(), hashlib.sha256).digest()[:12]
    assert mac == base64.urlsafe_b64encode(want).decode().rstrip("=")
    assert signer.verify(data, USER, GROUP) == ("o", ("17", "nkust-mooc"))
    assert signer.verify(data, OTHER, GROUP) is None and signer.verify(data, USER, USER) is None
    assert signer.verify(signer.sign(USER, USER, "x"), USER, USER) == ("x", ())
    for kind, args in (("o", ("a|b",)), ("o", ("a:b",)), ("o:", ()), ("o|", ()), ("", ()), ("o", ("", "|"))):
        with pytest.raises(ValueError):
            signer.sign(USER, USER, kind, *args)
    with pytest.raises(ValueError):
        signer.sign(USER, USER, "r", "x" * 60)  # over Telegram's 64 bytes
