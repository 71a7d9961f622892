"""LINE handlers in process: signed webhook bodies through aiohttp's test client, the bot talking to tests/lineapi.py."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from core.dialogue import DialogueState
from core.engine import Engine
from core.model import Answer, AnswerContext, Citation, Followup, Note, Option, Section
from frontends.line import render
from frontends.line.api import LineApi
from frontends.line.app import MAX_BODY, build_app
from frontends.line.buttons import Buttons
from frontends.line.events import LineBot, _keyword
from frontends.line.flows import Flows, take_text
from frontends.line.richmenu import BUTTONS, FONT, draw_menu, menu_request, setup
from storage.keys import log_id
from storage.repository import SafeRepository
from tests.lineapi import (
    CHANNEL_SECRET,
    TOKEN,
    FakeLineApi,
    Invalid,
    LineApiServer,
    body,
    follow_event,
    join_event,
    plain,
    postback_event,
    postbacks,
    sign,
    sticker_event,
    text_event,
    unfollow_event,
)

ROOT = Path(__file__).resolve().parent.parent
SECRET = b"s" * 32
ALICE = "U" + "a" * 32
BOB = "U" + "0" * 31 + "b"
GROUP = "C" + "1" * 32


class SlowEngine(Engine):
    """The real engine, slower for questions that contain 「慢」 (a fake for a heavy question)."""

    delay = 1.5

    def converse(self, question: str, context: AnswerContext | None, state: DialogueState, now: float) -> tuple[Answer, DialogueState]:
        if "慢" in question:
            time.sleep(self.delay)
        return super().converse(question, context, state, now)


class Harness:
    def __init__(self, engine: Engine, tmp: Path, server: LineApiServer, push_fallback: bool = False, flood_limit: int = 1000):
        self.server = server
        self.api = server.api
        self.now = time.time()
        self.repo = SafeRepository(tmp / "bot.sqlite3", SECRET)
        self.db = tmp / "bot.sqlite3"
        self.line = LineApi(TOKEN, server.base_url, delays=(0.05, 0.05))
        self.bot = LineBot(engine, self.repo, self.line, SECRET, flood_limit=flood_limit, push_fallback=push_fallback, clock=lambda: self.now)
        self.client: TestClient[Any, Any] | None = None

    async def start(self) -> None:
        await self.repo.open()
        await self.line.open()
        self.client = TestClient(TestServer(build_app(self.bot, CHANNEL_SECRET)))
        await self.client.start_server()

    async def stop(self) -> None:
        assert self.client is not None
        await self.client.close()
        await self.bot.drain()
        self.bot.close()
        await self.line.close()
        await self.repo.close()

    async def post(self, *events: dict[str, Any], signature: str | None = None, raw: bytes | None = None) -> int:
        assert self.client is not None
        data = raw if raw is not None else body(*events)
        headers = {"Content-Type": "application/json", "x-line-signature": signature if signature is not None else sign(data)}
        resp = await self.client.post("/line/webhook", data=data, headers=headers)
        await self.bot.drain()
        return resp.status

    async def say(self, user: str, text: str, group: str | None = None, mention: bool = False, quoted: str | None = None) -> list[dict[str, Any]]:
        chat = group or user
        before = len(self.api.messages_to(chat))
        token = self.api.reply_token(chat)
        assert await self.post(text_event(user, text, token, group=group, mention_self=mention, quoted=quoted)) == 200
        return self.api.messages_to(chat)[before:]

    async def press(self, user: str, data: str, group: str | None = None) -> list[dict[str, Any]]:
        chat = group or user
        before = len(self.api.messages_to(chat))
        assert await self.post(postback_event(user, data, self.api.reply_token(chat), group=group)) == 200
        return self.api.messages_to(chat)[before:]


@pytest.fixture
def line_server() -> Iterator[LineApiServer]:
    with LineApiServer() as server:
        yield server


@pytest.fixture
async def h(engine: Engine, tmp_path: Path, line_server: LineApiServer) -> AsyncIterator[Harness]:
    harness = Harness(engine, tmp_path, line_server)
    await harness.start()
    yield harness
    await harness.stop()
    assert line_server.api.errors == [], line_server.api.errors


def _data(messages: list[dict[str, Any]], label_part: str) -> str:
    return next(d for label, d in postbacks(messages) if label_part in label)


# --- the webhook ------------------------------------------------------------------------------------


async def test_signature_is_checked_before_anything_else(h: Harness) -> None:
    token = h.api.reply_token(ALICE)
    ev = text_event(ALICE, "高科大學分怎麼算", token)
    assert await h.post(ev, signature="") == 400
    assert await h.post(ev, signature=sign(body(ev), "another-secret")) == 400
    assert await h.post(ev, signature="not base64 at all ✗") == 400
    assert h.api.calls == [] and h.bot.handled == 0
    assert await h.post(ev) == 200
    assert len(h.api.messages_to(ALICE)) == 1


async def test_a_body_over_one_megabyte_is_refused_and_nothing_processed(h: Harness) -> None:
    big = body(text_event(ALICE, "x" * (MAX_BODY + 10), h.api.reply_token(ALICE)))
    assert await h.post(raw=big, signature=sign(big)) == 413
    assert h.api.calls == [] and h.bot.handled == 0
    # Malformed JSON with a valid signature is refused too; an empty event list (LINE's "Verify") is fine.
    assert await h.post(raw=b"{not json", signature=sign(b"{not json")) == 400
    assert await h.post(raw=b'{"events": []}', signature=sign(b'{"events": []}')) == 200
    assert h.api.calls == []


async def test_healthz(h: Harness) -> None:
    assert h.client is not None
    resp = await h.client.get("/healthz")
    assert resp.status == 200 and await resp.text() == "ok"


async def test_a_redelivered_event_is_answered_once(h: Harness) -> None:
    ev = text_event(ALICE, "高科大學分怎麼算", h.api.reply_token(ALICE), event_id="01REDELIVERED0000000000000")
    assert await h.post(ev) == 200
    again = dict(ev, replyToken=h.api.reply_token(ALICE), deliveryContext={"isRedelivery": True})
    assert await h.post(again) == 200
    assert await h.post(ev, ev) == 200
    assert len(h.api.to(ALICE)) == 1 and h.bot.handled == 1


# --- answers ------------------------------------------------------------------------------------------


async def test_a_question_gets_a_flex_bubble_with_citation_buttons_and_quick_replies(h: Harness, engine: Engine) -> None:
    q = "逢甲標竿課程開 4 週，註冊 300 人，線上輔導鐘點總共幾小時？"
    msgs = await h.say(ALICE, q)
    expected = engine.answer(q)
    assert len(msgs) == 1 and msgs[0]["type"] == "flex"
    flex = msgs[0]
    assert flex["altText"] == expected.direct
    text = plain(msgs)
    assert expected.direct in text and expected.citations[0].short in text and expected.citations[0].date in text
    labels = [label for label, _ in postbacks(msgs)]
    assert {"原文", "👍", "👎"} <= set(labels)
    # Logged under the LINE user's own key; the raw id is stored nowhere.
    with sqlite3.connect(h.db) as con:
        rows = con.execute("SELECT user_hash, chat_type, question FROM questions").fetchall()
    assert rows and rows[0][1] == "line-user" and rows[0][2] == q and ALICE not in json.dumps(rows)


async def test_source_button_feedback_and_comment(h: Harness) -> None:
    msgs = await h.say(ALICE, "高科大學分怎麼算")
    src = await h.press(ALICE, _data(msgs, "原文"))
    assert "「" in plain(src) and "」" in plain(src)
    up = await h.press(ALICE, _data(msgs, "👍"))
    assert "謝謝" in plain(up)
    down = await h.press(ALICE, _data(msgs, "👎"))
    assert "意見" in plain(down) and any("略過" in label for label, _ in postbacks(down))
    done = await h.say(ALICE, "引用的條文不是我問的那一條")
    assert "已收到您的意見" in plain(done)
    with sqlite3.connect(h.db) as con:
        rows = con.execute("SELECT value, comment FROM feedback ORDER BY id").fetchall()
    assert rows == [(-1, "引用的條文不是我問的那一條")]  # one vote per user and answer: the 👎 replaced the 👍


async def test_after_thumbs_down_only_the_next_message_is_a_comment(h: Harness) -> None:
    msgs = await h.say(ALICE, "高科大學分怎麼算")
    await h.press(ALICE, _data(msgs, "👎"))
    q = "東華修課 80 人的遠距課程可以有幾位助教？"
    assert "請再傳一次" in plain(await h.say(ALICE, q))
    assert (await h.say(ALICE, q))[0]["type"] == "flex"
    # 略過, a menu word, or ten minutes of silence end the prompt too.
    await h.press(ALICE, _data(msgs, "👎"))
    assert "好的" in plain(await h.press(ALICE, _data(h.api.messages_to(ALICE)[-1:], "略過")))
    assert (await h.say(ALICE, q))[0]["type"] == "flex"
    await h.press(ALICE, _data(msgs, "👎"))
    h.now += 11 * 60
    assert (await h.say(ALICE, q))[0]["type"] == "flex"


async def test_every_button_kind_pressed_by_another_user_or_forged_changes_nothing(h: Harness) -> None:
    multi = await h.say(ALICE, "助教怎麼算")  # several schools: per-school quick replies
    calc = await h.say(ALICE, "逢甲線上輔導鐘點幾小時？開 4 週")  # lacks a figure: 一步步計算
    menu = await h.press(ALICE, "menu:calc")
    school = await h.press(ALICE, "menu:school")
    lang = await h.press(ALICE, "menu:lang")
    started = await h.press(ALICE, _data(menu, "高科大"))
    data = [d for _, d in postbacks(multi + calc + menu + school + lang + started) if not d.startswith("menu:")]
    kinds = {d.split("|")[0] for d in data}
    assert {"src", "fb", "sch", "calcgo", "calc", "setschool", "setlang", "fl"} <= kinds, kinds
    before_calls = len(h.api.calls_to("/message/"))
    for d in data:
        reply = await h.press(BOB, d)
        assert plain(reply).startswith("此按鈕已過期"), (d, plain(reply))
    # Forged: a changed payload with Alice's signature, a truncated signature, junk.
    fb = _data(multi, "👍")
    payload, issued, sig = fb.rsplit("|", 2)
    flipped = sig[:-1] + ("B" if sig.endswith("A") else "A")
    for forged in (f"fb|999|1|{issued}|{sig}", f"{payload}|{issued}|{flipped}", f"{payload}|{issued}", "x" * 300, "fb|1|1", "src|../../etc/passwd|0|0"):
        assert plain(await h.press(ALICE, forged)).startswith("此按鈕已過期")
    assert len(h.api.calls_to("/message/")) == before_calls + len(data) + 6
    with sqlite3.connect(h.db) as con:
        assert con.execute("SELECT COUNT(*) FROM feedback").fetchone() == (0,)
        assert con.execute("SELECT COUNT(*) FROM users").fetchone() == (0,)
    # The same data pressed by Alice works.
    assert "謝謝" in plain(await h.press(ALICE, fb))


async def test_in_a_group_only_the_asker_may_press_the_buttons_of_an_answer(h: Harness) -> None:
    msgs = await h.say(ALICE, "高科大學分怎麼算", group=GROUP, mention=True)
    up = _data(msgs, "👍")
    assert plain(await h.press(BOB, up, group=GROUP)).startswith("此按鈕已過期")
    assert plain(await h.press(ALICE, up)).startswith("此按鈕已過期")  # the same user elsewhere
    assert "謝謝" in plain(await h.press(ALICE, up, group=GROUP))


async def test_buttons_expire_after_their_age(h: Harness) -> None:
    msgs = await h.say(ALICE, "高科大學分怎麼算")
    h.now += 31 * 86400
    assert plain(await h.press(ALICE, _data(msgs, "原文"))).startswith("此按鈕已過期")


async def test_button_signatures_bind_user_chat_and_payload() -> None:
    clock = [1_000_000.0]
    b = Buttons(SECRET, lambda: clock[0])
    d = b.data(ALICE, ALICE, "fb|12|1")
    assert len(d) <= 300 and b.verify(ALICE, ALICE, d) == "fb|12|1"
    assert b.verify(BOB, ALICE, d) is None and b.verify(ALICE, GROUP, d) is None
    assert Buttons(b"t" * 32, lambda: clock[0]).verify(ALICE, ALICE, d) is None
    clock[0] += 31 * 86400
    assert b.verify(ALICE, ALICE, d) is None


async def test_related_and_per_school_buttons(h: Harness) -> None:
    multi = await h.say(ALICE, "助教怎麼算")
    only = [(label, d) for label, d in postbacks(multi) if label.startswith("只看")]
    assert len(only) >= 2
    label, data = only[0]
    one = await h.press(ALICE, data)
    assert one[0]["type"] == "flex" and "您沒有指明學校" not in plain(one)
    related = [(label, d) for label, d in postbacks(one) if d.split("|")[0] == "rel"]
    if related:
        assert (await h.press(ALICE, related[0][1]))[0]["type"] == "flex"


async def test_other_message_types_follow_unfollow_join(h: Harness) -> None:
    assert await h.post(sticker_event(ALICE, h.api.reply_token(ALICE))) == 200
    assert "請用文字提問" in plain(h.api.messages_to(ALICE))
    assert await h.post(follow_event(BOB, h.api.reply_token(BOB))) == 200
    welcome = h.api.messages_to(BOB)
    assert "磨課師法規助理" in plain(welcome) and welcome[0].get("quickReply")
    n = len(h.api.calls)
    assert await h.post(unfollow_event(BOB)) == 200
    assert len(h.api.calls) == n
    assert await h.post(join_event(GROUP, h.api.reply_token(GROUP))) == 200
    assert "@我" in plain(h.api.messages_to(GROUP))


async def test_groups_answer_mentions_and_replies_to_the_bot_only(h: Harness) -> None:
    assert await h.say(ALICE, "高科大學分怎麼算", group=GROUP) == []
    assert await h.post(sticker_event(ALICE, h.api.reply_token(GROUP)) | {"source": {"type": "group", "groupId": GROUP, "userId": ALICE}}) == 200
    assert h.api.messages_to(GROUP) == []
    answered = await h.say(ALICE, "高科大學分怎麼算", group=GROUP, mention=True)
    assert len(answered) == 1 and answered[0]["type"] == "flex"
    bot_message = h.api.to(GROUP)[-1].ids[0]
    follow = await h.say(BOB, "那東華呢？", group=GROUP, quoted=bot_message)
    assert follow, "a reply quoting the bot's message is answered"
    assert await h.say(BOB, "午餐吃什麼", group=GROUP, quoted="999") == []


# --- settings -------------------------------------------------------------------------------------------


async def test_school_and_language_by_typing_and_by_menu(h: Harness, engine: Engine) -> None:
    school_menu = await h.press(ALICE, "menu:school")
    assert len(school_menu[0]["quickReply"]["items"]) == len(engine.documents()) + 1
    doc = engine.documents()[0]
    assert doc.name_zh in plain(await h.say(ALICE, f"設定學校 {doc.name_zh}"))
    assert (await h.repo.settings(f"line:{ALICE}")).school == doc.id
    assert "English" in plain(await h.say(ALICE, "English"))
    en = await h.say(ALICE, "高科大學分怎麼算")
    assert en[0]["type"] == "flex" and any(label == "Source text" for label, _ in postbacks(en))
    lang = await h.press(ALICE, "menu:lang")
    await h.press(ALICE, _data(lang, "中文"))
    assert (await h.repo.settings(f"line:{ALICE}")).lang == "zh"
    # A Telegram user whose id has the same digits shares nothing with the LINE user.
    assert (await h.repo.settings(f"line:{BOB}")).school is None
    assert h.repo._settings.get(int("1" * 9)) is None  # noqa: SLF001


async def test_typed_menu_words() -> None:
    assert _keyword("計算機") == ("calc", "")
    assert _keyword("计算机") == ("calc", "")
    assert _keyword("English") == ("lang", "en")
    assert _keyword("設定學校：東華") == ("school", "東華")
    assert _keyword("學校的學分怎麼算") is None
    assert _keyword("高科大學分怎麼算") is None


async def test_sources_and_help(h: Harness, engine: Engine) -> None:
    docs = plain(await h.press(ALICE, "menu:docs"))
    assert all(d.title_zh in docs for d in engine.documents())
    assert "怎麼用" in plain(await h.press(ALICE, "menu:help"))
    ask = await h.press(ALICE, "menu:ask")
    assert ask[0]["quickReply"]["items"]


# --- calculator flows ------------------------------------------------------------------------------------


async def test_a_calculation_flow_to_its_result(h: Harness, engine: Engine) -> None:
    menu = await h.press(ALICE, "menu:calc")
    assert menu[0]["type"] == "flex" and len(postbacks(menu)) == len(engine.calculators())
    started = await h.press(ALICE, _data(menu, "高科大磨課師學分"))
    assert "請輸入" in plain(started)
    step = await h.say(ALICE, "27")
    assert "請輸入" in plain(step)
    result = await h.press(ALICE, _data(step, "略過"))
    expected = engine.run_calculator("nkust_credits", {"hours": "27"})
    assert result[0]["type"] == "flex" and expected.direct in plain(result)
    assert "1.5" in plain(result)


async def test_nothing_traps_a_question_leaves_the_flow_invalid_values_are_asked_again(h: Harness) -> None:
    menu = await h.press(ALICE, "menu:calc")
    await h.press(ALICE, _data(menu, "高科大磨課師學分"))
    again = await h.say(ALICE, "-5")
    assert "請再輸入" in plain(again) and "請輸入" in plain(again)
    left = await h.say(ALICE, "東華修課 80 人的遠距課程可以有幾位助教？")
    assert "已離開計算" in plain(left) and any(m["type"] == "flex" for m in left)
    # The old flow's buttons have expired.
    assert plain(await h.press(ALICE, _data(again, "略過"))).startswith("此按鈕已過期")


async def test_flows_time_out_after_ten_minutes_and_a_new_flow_expires_old_buttons(h: Harness) -> None:
    menu = await h.press(ALICE, "menu:calc")
    first = await h.press(ALICE, _data(menu, "高科大磨課師學分"))
    second = await h.press(ALICE, _data(menu, "高科大磨課師學分"))
    assert plain(await h.press(ALICE, _data(first, "略過"))).startswith("此按鈕已過期")
    h.now += 11 * 60
    assert plain(await h.press(ALICE, _data(second, "略過"))).startswith("此按鈕已過期")
    assert (await h.say(ALICE, "27"))[0]["type"] == "flex" or "請輸入" not in plain(h.api.messages_to(ALICE)[-1:])


async def test_cancel_and_step_by_step_from_an_answer(h: Harness) -> None:
    msgs = await h.say(ALICE, "逢甲線上輔導鐘點幾小時？開 4 週")
    go = _data(msgs, "一步步計算")
    flow = await h.press(ALICE, go)
    assert "請輸入" in plain(flow)
    assert "已取消計算" in plain(await h.say(ALICE, "取消"))


def test_take_text_tells_answers_from_questions(engine: Engine) -> None:
    calc = engine.calculator("nkust_credits")
    assert calc is not None
    p = calc.param("hours")
    assert take_text(p, "27").verdict == "value"
    assert take_text(p, "-5").verdict == "invalid"
    assert take_text(p, "東華助教怎麼算").verdict == "leave"
    assert take_text(p, "cancel").verdict == "cancel"
    assert take_text(p, "9" * 5000).verdict == "leave"


def test_flows_forget_after_the_timeout() -> None:
    flows = Flows(ttl=600)
    flows.start("k", "c", {}, now=0)
    assert flows.get("k", 599) is not None and flows.get("k", 1200) is None


# --- limits ------------------------------------------------------------------------------------------


def _sign(payload: str) -> str:
    return Buttons(SECRET).data(ALICE, ALICE, payload)


def _huge_answer() -> Answer:
    cite = Citation("doc", "標題" * 50, "三、(一)1.", ("3", "1", "1"), "條文" * 2000, "e" * 60, "109.06.17", short="學校" * 20, label="標籤" * 40, status="注意" * 300)
    steps = tuple(f"第 {i} 步：" + "算" * 400 for i in range(60))
    sections = tuple(Section(f"doc{i}", "學校" * 30, "答案" * 800, details=("細節" * 500,), steps=steps[:5], notes=(Note("note", "說明" * 300),), citations=(cite,)) for i in range(8))
    return Answer(
        question="q" * 100, kind="answer", direct="直接" * 3000, details=tuple("細" * 1200 for _ in range(10)), steps=steps,
        notes=tuple(Note("warning", "提醒" * 500) for _ in range(5)), sections=sections, citations=(cite,) * 8,
        options=tuple(Option("選項" * 30, f"doc{i}", entry="e" * 80) for i in range(20)),
        followups=tuple(Followup("相關" * 40, "問題" * 200, entry="r" * 80) for i in range(20)), hints=("set_school", "sources"),
        needs=("x",), calculator="c" * 60, covered=tuple("文件" * 100 for _ in range(30)),
    )


def test_every_limit_is_kept_for_an_oversized_answer() -> None:
    fake = FakeLineApi()
    r = render.render_answer(_huge_answer(), _sign, question_id=123456789)
    assert r.overflow and 1 < len(r.messages) <= 5
    fake.check_messages(r.messages)  # raises Invalid on any limit
    assert render.bubble_size(r.messages[0]["contents"]) <= render.MAX_BUBBLE
    quick = r.messages[-1]["quickReply"]["items"]
    assert len(quick) <= 13 and all(render.units(i["action"]["label"]) <= 20 for i in quick)
    assert all(len(d) <= 300 for _, d in postbacks(r.messages))
    assert "其餘省略" in r.messages[-1]["text"]


def test_a_bubble_of_many_small_parts_over_30_kb_moves_them_to_text() -> None:
    steps = tuple(f"第 {i} 步：" + "算" * 300 for i in range(40))
    ans = Answer(question="q", kind="calculation", direct="結果", steps=steps)
    r = render.render_answer(ans, _sign, question_id=1)
    assert r.overflow and render.bubble_size(r.messages[0]["contents"]) <= render.MAX_BUBBLE
    FakeLineApi().check_messages(r.messages)
    assert steps[-1] in "".join(m.get("text", "") for m in r.messages[1:])


def test_quick_replies_stop_at_thirteen() -> None:
    items = render.quick_reply([render.say(f"問題 {i}", f"問題 {i}") for i in range(30)])
    assert items is not None and len(items["items"]) == 13


def test_the_test_server_rejects_what_line_rejects() -> None:
    fake = FakeLineApi()
    ok = {"type": "text", "text": "hi"}
    for bad in (
        [ok] * 6,
        [{"type": "text", "text": "字" * 5001}],
        [{"type": "text", "text": "😀" * 2501}],
        [{"type": "flex", "altText": "a" * 1501, "contents": {"type": "bubble"}}],
        [{"type": "flex", "altText": "a", "contents": {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": [{"type": "text", "text": "字" * 6000}]}}}],
        [dict(ok, quickReply={"items": [{"type": "action", "action": {"type": "message", "label": "x", "text": "x"}}] * 14})],
        [dict(ok, quickReply={"items": [{"type": "action", "action": {"type": "message", "label": "字" * 21, "text": "x"}}]})],
        [dict(ok, quickReply={"items": [{"type": "action", "action": {"type": "postback", "label": "x", "data": "d" * 301}}]})],
    ):
        with pytest.raises(Invalid):
            fake.check_messages(bad)
    fake.check_messages([ok])


def test_real_answers_render_within_the_limits(engine: Engine) -> None:
    fake = FakeLineApi()
    questions = [json.loads(line)["q"] if line.startswith("{") else line for line in (ROOT / "tests" / "data" / "questions.jsonl").read_text().splitlines()[:400] if line.strip()]
    for q in questions:
        for lang in ("zh", "en"):
            ans = engine.answer(q, AnswerContext(lang=lang))
            r = render.render_answer(ans, _sign, question_id=99)
            fake.check_messages(r.messages)
            assert not r.overflow, q
            assert r.messages[0]["altText"].strip()


def test_long_text_splits_between_blocks_then_lines() -> None:
    text = "\n\n".join(["甲" * 3000, "乙" * 3000, "\n".join(["丙" * 100] * 80), "丁" * 12000])
    pieces = render.split_text(text)
    assert all(render.units(p) <= 5000 for p in pieces)
    assert pieces[0] == "甲" * 3000 and pieces[1] == "乙" * 3000
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


# --- delivery ------------------------------------------------------------------------------------------


async def test_an_expired_reply_token_is_pushed_only_when_allowed(engine: Engine, tmp_path: Path, line_server: LineApiServer, caplog: pytest.LogCaptureFixture) -> None:
    for fallback in (False, True):
        hh = Harness(engine, tmp_path / str(fallback), line_server, push_fallback=fallback)
        (tmp_path / str(fallback)).mkdir()
        await hh.start()
        try:
            user = ALICE if fallback else BOB
            token = hh.api.reply_token(user)
            hh.api.expire(token)
            with caplog.at_level(logging.WARNING):
                assert await hh.post(text_event(user, "高科大學分怎麼算", token)) == 200
            pushes = [d for d in hh.api.to(user) if d.via == "push"]
            assert len(pushes) == (1 if fallback else 0)
            assert ("pushed instead" if fallback else "not pushed") in caplog.text
        finally:
            await hh.stop()
        line_server.api.errors.clear()  # the refused reply was the point
    assert ALICE not in caplog.text and BOB not in caplog.text
    assert log_id(SECRET, f"line:{ALICE}") in caplog.text


async def test_an_unreachable_line_api_is_logged_at_warning_with_the_delay(caplog: pytest.LogCaptureFixture) -> None:
    api = LineApi(TOKEN, "http://127.0.0.1:9", delays=(0.05, 0.1))
    await api.open()
    try:
        with caplog.at_level(logging.WARNING):
            res = await api.reply("t", [{"type": "text", "text": "hi"}])
    finally:
        await api.close()
    assert res.status == "failed"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "unreachable" in r.getMessage()]
    assert any("retrying in 0.1 s" in r.getMessage() for r in warnings), caplog.text


async def test_5xx_and_429_are_retried(h: Harness) -> None:
    h.api.fail_next += [500, 429]
    msgs = await h.say(ALICE, "高科大學分怎麼算")
    assert len(msgs) == 1


async def test_a_slow_answer_shows_the_loading_animation_and_never_delays_another_user(engine: Engine, tmp_path: Path, line_server: LineApiServer) -> None:
    slow = copy.copy(engine)
    slow.__class__ = SlowEngine
    hh = Harness(slow, tmp_path, line_server)
    await hh.start()
    try:
        assert hh.client is not None
        ta, tb = hh.api.reply_token(ALICE), hh.api.reply_token(BOB)
        data_a = body(text_event(ALICE, "慢 高科大學分怎麼算", ta))
        data_b = body(text_event(BOB, "高科大學分怎麼算", tb))
        started = time.monotonic()
        resp_a = await hh.client.post("/line/webhook", data=data_a, headers={"x-line-signature": sign(data_a)})
        assert resp_a.status == 200 and time.monotonic() - started < 1.0, "the webhook answers at once"
        await asyncio.sleep(0.05)
        resp_b = await hh.client.post("/line/webhook", data=data_b, headers={"x-line-signature": sign(data_b)})
        assert resp_b.status == 200
        assert await asyncio.to_thread(hh.api.wait_for, lambda: bool(hh.api.to(BOB)), 5)
        assert not hh.api.to(ALICE), "Bob's answer came while Alice's slow one was still being computed"
        await hh.bot.drain()
        assert hh.api.to(ALICE)
        loading = hh.api.calls_to("/chat/loading/start")
        assert [c.body["chatId"] for c in loading] == [ALICE]
    finally:
        await hh.stop()


async def test_an_answer_over_the_time_budget_gets_a_polite_note(engine: Engine, tmp_path: Path, line_server: LineApiServer) -> None:
    slow = copy.copy(engine)
    slow.__class__ = SlowEngine
    hh = Harness(slow, tmp_path, line_server)
    hh.bot.answer_budget = 0.3
    await hh.start()
    try:
        msgs = await hh.say(ALICE, "慢 高科大學分怎麼算")
        assert "時間太長" in plain(msgs)
    finally:
        await hh.stop()


async def test_one_flood_limit_for_every_event(engine: Engine, tmp_path: Path, line_server: LineApiServer) -> None:
    hh = Harness(engine, tmp_path, line_server, flood_limit=3)
    await hh.start()
    try:
        msgs = await hh.say(ALICE, "高科大學分怎麼算")
        await hh.press(ALICE, "menu:help")
        await hh.press(ALICE, _data(msgs, "原文"))
        warned = await hh.press(ALICE, _data(msgs, "原文"))
        assert "太快" in plain(warned)
        assert await hh.press(ALICE, "menu:docs") == []
        assert await hh.say(ALICE, "高科大學分怎麼算") == []
        assert (await hh.say(BOB, "高科大學分怎麼算"))[0]["type"] == "flex"
        hh.now += 61
        assert (await hh.say(ALICE, "高科大學分怎麼算"))[0]["type"] == "flex"
    finally:
        await hh.stop()


async def test_user_ids_reach_logs_only_as_hashes(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        await h.say(ALICE, "高科大學分怎麼算")
        await h.press(ALICE, "fb|1|1|0|forged")
        await h.post(unfollow_event(ALICE))
    assert ALICE not in caplog.text and log_id(SECRET, f"line:{ALICE}") in caplog.text


# --- rich menu --------------------------------------------------------------------------------------------


def test_the_menu_font_has_every_glyph_and_the_image_fits() -> None:
    from fontTools.ttLib import TTFont
    from PIL import Image
    import io

    cmap = TTFont(str(FONT)).getBestCmap()
    for label, english, _ in BUTTONS:
        assert all(ord(ch) in cmap for ch in label + english), label
    png = draw_menu()
    img = Image.open(io.BytesIO(png))
    assert img.size == (2500, 1686) and len(png) <= 1024 * 1024
    FakeLineApi._check_menu(menu_request())  # noqa: SLF001


async def test_line_setup_creates_and_replaces_the_default_menu(line_server: LineApiServer) -> None:
    import io

    fake = line_server.api
    fake.menus["richmenu-someone-else"] = dict(menu_request(), name="another menu")
    api = LineApi(TOKEN, line_server.base_url)
    await api.open()
    try:
        for _ in range(2):
            out = io.StringIO()
            assert await setup(api, out) == 0
        assert "deleted the earlier rich menu" in out.getvalue() and "default" in out.getvalue()
    finally:
        await api.close()
    ours = [k for k, v in fake.menus.items() if v.get("name") == menu_request()["name"]]
    assert len(ours) == 1 and fake.default_menu == ours[0] and ours[0] in fake.menu_images
    assert "richmenu-someone-else" in fake.menus
    areas = fake.menus[ours[0]]["areas"]
    assert [a["action"]["data"] for a in areas] == [f"menu:{b[2]}" for b in BUTTONS]


async def test_questions_answered_in_answering_processes_are_the_same_answers(engine: Engine, tmp_path: Path, line_server: LineApiServer) -> None:
    """As bootstrap runs LINE: typed questions go to forked processes (shared with Telegram); a follow-up keeps its
    conversation across them."""
    from frontends.answering import AnswerProcesses

    harness = Harness(engine, tmp_path, line_server)
    slow_engine = copy.copy(engine)
    slow_engine.__class__ = SlowEngine
    pool = AnswerProcesses(slow_engine, 2)
    harness.bot.answers = pool
    harness.bot.answer_budget = 1.0
    await harness.start()
    try:
        q = "逢甲標竿課程開 4 週，註冊 300 人，線上輔導鐘點總共幾小時？"
        msgs = await harness.say(ALICE, q)
        assert msgs[0]["altText"] == engine.answer(q).direct
        assert len(pool.pids) == 2
        follow = await harness.say(ALICE, "那 600 人呢？")
        assert "600" in plain(follow)
        slow = await harness.say(BOB, "慢慢問：東華助教幾位")  # over the budget: told so, and its process replaced
        assert "時間太長" in plain(slow)
        assert pool.restarts == 1
    finally:
        await harness.stop()
        pool.close()


def test_the_also_line_of_a_flex_answer_names_each_clause_once(engine: Engine) -> None:
    ans = engine.answer("How many TAs can an FCU course with 130 classroom students have?")
    assert len({c.label for c in ans.citations}) < len(ans.citations)  # the items of one table row share a label
    dumped = json.dumps(render.render_answer(ans, _sign, question_id=1).messages, ensure_ascii=False)
    line = next(part for part in dumped.split('"text": "')[1:] if part.startswith("Also: ")).split('"')[0]
    names = line.removeprefix("Also: ").split(", ")
    assert len(names) == len(set(names)) and ans.citations[0].label not in names
