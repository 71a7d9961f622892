"""Issue 12 through python-telegram-bot's own machinery (offline bot, process_update): flows that never trap,
buttons bound to their step, feedback that is kept, one language, replies that read well, groups, /start, /stats."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from pathlib import Path

import pytest

import frontends.telegram.admin as admin
import frontends.telegram.calc as calc
from core.engine import Engine
from core.model import Answer, Citation
from frontends.telegram.context import App
from frontends.telegram.render import answer_html, rows_of, short_label
from tests.botapi import BOT_USERNAME, FakeBotApi, check_html
from tests.tgkit import ADMIN, GROUP, OTHER, USER, answers, bot, buttons, data, feed, last, make_app, markup_of, press, rows, services, texts  # noqa: F401 - bot is a fixture

Bot = tuple[App, FakeBotApi]
CJK = re.compile(r"[\u3400-\u9fff]")


async def _fcu_tutoring_at_weeks(app: App, api: FakeBotApi, user: int = USER) -> None:
    """/calc → FCU online tutoring hours → tier 標竿; the flow now asks for the course weeks."""
    await feed(app, api.message(user, "/calc"))
    await press(app, api, user, last(api, user), "m", "逢甲線上輔導鐘點費時數")
    await press(app, api, user, last(api, user), "c", "標竿")
    assert "開課週數" in texts(api, user)[-1]


# --- nothing traps ----------------------------------------------------------------------------------------------


async def test_a_question_typed_mid_flow_leaves_it_and_is_answered(bot: Bot) -> None:
    app, api = bot
    await _fcu_tutoring_at_weeks(app, api)
    await feed(app, api.message(USER, "東華遠距教學課程老師多久內要回覆學生問題？"))
    note, answer = texts(api, USER)[-2:]
    assert "已離開" in note and "/calc" in note
    assert "一週內回覆" in answer and "出處" in answer
    await feed(app, api.message(USER, "4"))  # the flow is over: a bare figure is a question now, not the weeks
    assert "線上註冊" not in texts(api, USER)[-1]


async def test_a_command_mid_flow_leaves_it_and_is_handled_as_usual(bot: Bot) -> None:
    app, api = bot
    await _fcu_tutoring_at_weeks(app, api)
    await feed(app, api.message(USER, "/sources"))
    assert "已離開" in texts(api, USER)[-2] and "國立東華大學數位學習實施作業規範" in texts(api, USER)[-1]
    await feed(app, api.message(USER, "4"))
    assert "線上註冊" not in texts(api, USER)[-1]


async def test_a_bad_value_is_explained_in_one_language_without_internal_codes(bot: Bot) -> None:
    app, api = bot
    await _fcu_tutoring_at_weeks(app, api)
    await feed(app, api.message(USER, "四週半"))
    reply = texts(api, USER)[-1]
    assert "「四週半」不能作為開課週數" in reply and "1–520" in reply
    assert not re.search(r"[A-Za-z]{2,}", reply.replace("/cancel", "")), reply  # no English, no internal codes
    await feed(app, api.message(USER, "/calc"))
    await press(app, api, USER, last(api, USER), "m", "東華數位學習補助經費預算表")
    for value in ("2", "10"):
        await feed(app, api.message(USER, value))
    await feed(app, api.message(USER, "4,8,30"))  # a list item out of range
    reply = texts(api, USER)[-1]
    assert "以逗號分隔的數字，每項 0–24" in reply and not re.search(r"[A-Za-z]{2,}", reply.replace("/cancel", "")), reply


async def test_in_english_validation_says_it_in_english(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "/calc", lang="en"))
    await press(app, api, USER, last(api, USER), "m", "FCU online tutoring", lang="en")
    prompt = texts(api, USER)[-1]
    assert "Choose the course tier" in prompt and [b for b, _ in buttons(last(api, USER))] == ["MOE MOOC benchmark course", "MOE MOOC accepted course", "FCU SPOC accepted course"]
    await press(app, api, USER, last(api, USER), "c", "benchmark", lang="en")
    await feed(app, api.message(USER, "four and a half", lang="en"))
    reply = texts(api, USER)[-1]
    assert "cannot be used as the course weeks" in reply and not CJK.search(reply), reply


async def test_flows_time_out_with_a_notice(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calc, "FLOW_TIMEOUT_S", 0.5)
    api = FakeBotApi()
    app = make_app(engine, tmp_path / "db.sqlite3", api)
    await app.initialize()
    await app.start()
    try:
        await feed(app, api.message(USER, "/calc"))
        menu = last(api, USER)
        await press(app, api, USER, menu, "m", "高科大磨課師學分")
        await asyncio.sleep(1.5)
        assert "逾時" in texts(api, USER)[-1] and "/calc" in texts(api, USER)[-1]
        before = len(api.messages_to(USER))
        await press(app, api, USER, api.messages_to(USER)[-2], "c", "略過")  # the keyboard of the timed-out step
        assert answers(api)[-1] == "此按鈕已過期" and len(api.messages_to(USER)) == before
        await feed(app, api.message(USER, "東華遠距教學課程老師多久內要回覆學生問題？"))
        assert "一週內回覆" in texts(api, USER)[-1]
    finally:
        await app.stop()
        await services(app).repo.close()
        await app.shutdown()


async def test_in_groups_a_flow_takes_only_its_starters_replies_to_its_prompt(bot: Bot) -> None:
    app, api = bot
    g = {"chat_id": GROUP, "chat_type": "group"}
    await feed(app, api.message(USER, f"/calc@{BOT_USERNAME}", **g))
    await press(app, api, USER, last(api, GROUP), "m", "高科大磨課師學分")
    prompt = last(api, GROUP)
    assert "線上學習時數" in prompt.params["text"]
    n = len(api.messages_to(GROUP))
    await feed(app, api.message(USER, "大家好，今天下午開會", **g))  # the starter's ordinary chatter
    await feed(app, api.message(OTHER, "謝謝", reply_to=prompt.result, **g))  # another member replying to the prompt
    await feed(app, api.message(OTHER, "27", reply_to=prompt.result, **g))
    assert len(api.messages_to(GROUP)) == n, texts(api, GROUP)[n:]
    await feed(app, api.message(USER, "27", reply_to=prompt.result, **g))
    assert "課程週數" in texts(api, GROUP)[-1]
    await press(app, api, USER, last(api, GROUP), "c", "略過")
    assert "1.5" in texts(api, GROUP)[-1]


# --- buttons bound to their step --------------------------------------------------------------------------------


async def test_stale_buttons_of_another_step_or_an_ended_flow_change_nothing(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "/calc"))
    menu = last(api, USER)
    await press(app, api, USER, menu, "m", "逢甲線上輔導鐘點費時數")
    tiers = last(api, USER)
    await press(app, api, USER, tiers, "c", "標竿")
    await press(app, api, USER, tiers, "c", "錄取")  # the tier keyboard again, while the weeks are asked
    assert answers(api)[-1] == "此按鈕已過期" and "開課週數" in texts(api, USER)[-1]
    await feed(app, api.message(USER, "4"))
    enrolment = last(api, USER)
    assert "線上註冊" in enrolment.params["text"]
    await feed(app, api.message(USER, "300"))
    assert "鐘點費單價" in texts(api, USER)[-1]
    await press(app, api, USER, enrolment, "c", "略過")  # an old 略過 must not skip the hourly rate
    assert answers(api)[-1] == "此按鈕已過期" and "鐘點費單價" in texts(api, USER)[-1]
    await press(app, api, USER, last(api, USER), "c", "略過")
    result = texts(api, USER)[-1]
    assert "36" in result and "標竿" in result
    await press(app, api, USER, menu, "m", "高科大磨課師學分")  # the menu of the ended flow
    assert answers(api)[-1] == "此按鈕已過期" and texts(api, USER)[-1] == result
    await feed(app, api.message(USER, "/calc"))  # a new flow at the same step as the old menu
    await press(app, api, USER, menu, "m", "高科大磨課師學分")
    assert answers(api)[-1] == "此按鈕已過期" and texts(api, USER)[-1].startswith("請選擇計算器")


# --- feedback is kept --------------------------------------------------------------------------------------------


async def _thumbs_down(app: App, api: FakeBotApi, question: str = "教育部磨課師補助經費分幾期撥付？") -> tuple[int, object]:
    await feed(app, api.message(USER, question))
    await press(app, api, USER, last(api, USER), "f", "👎")
    prompt = last(api, USER)
    assert "回饋" in prompt.params["text"] and markup_of(prompt)["force_reply"]
    rows_ = await services(app).repo.unanswered()
    assert rows_ is not None
    return next(r.id for r in rows_ if r.question == question), prompt.result


async def test_a_thumbs_down_comment_is_kept_while_a_calculation_is_pending(bot: Bot) -> None:
    app, api = bot
    qid, prompt = await _thumbs_down(app, api)
    await _fcu_tutoring_at_weeks(app, api)
    await feed(app, api.message(USER, "答案少了第三期的比例", reply_to=prompt))  # type: ignore[arg-type]
    assert "已收到您的意見" in texts(api, USER)[-1]
    rows_ = await services(app).repo.unanswered()
    assert rows_ is not None and any(r.id == qid and r.comment == "答案少了第三期的比例" and r.feedback == -1 for r in rows_)


async def test_a_thumbs_down_comment_is_kept_after_a_restart(engine: Engine, tmp_path: Path) -> None:
    api = FakeBotApi()
    first = make_app(engine, tmp_path / "db.sqlite3", api)
    await first.initialize()
    qid, prompt = await _thumbs_down(first, api)
    await services(first).repo.close()
    await first.shutdown()
    second = make_app(engine, tmp_path / "db.sqlite3", api)  # the same database and key; nothing in memory
    await second.initialize()
    try:
        await feed(second, api.message(USER, "答案少了第三期的比例", reply_to=prompt))  # type: ignore[arg-type]
        assert "已收到您的意見" in texts(api, USER)[-1]
        await feed(second, api.message(ADMIN, "/unanswered"))
        assert api.messages_to(ADMIN)[-1].method == "senddocument"
        rows_ = await services(second).repo.unanswered()
        assert rows_ is not None and any(r.id == qid and r.comment == "答案少了第三期的比例" for r in rows_)
    finally:
        await services(second).repo.close()
        await second.shutdown()


async def test_one_vote_per_user_per_answer_changeable_and_counted_once(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "高科大學習 9 小時可以拿幾學分？"))
    answer = last(api, USER)
    for _ in range(3):
        await press(app, api, USER, answer, "f", "👍")
    assert answers(api)[-3:] == ["謝謝！", "已經記錄過了", "已經記錄過了"]
    stats = await services(app).repo.stats(30)
    assert stats is not None and (stats["thumbs_up"], stats["thumbs_down"]) == (1, 0)
    await press(app, api, USER, answer, "f", "👎")
    assert "回饋" in texts(api, USER)[-1]
    n = len(api.messages_to(USER))
    await press(app, api, USER, answer, "f", "👎")
    assert answers(api)[-1] == "已經記錄過了" and len(api.messages_to(USER)) == n  # no second prompt
    stats = await services(app).repo.stats(30)
    assert stats is not None and (stats["thumbs_up"], stats["thumbs_down"]) == (0, 1)


# --- one language throughout -------------------------------------------------------------------------------------


async def test_english_throughout_after_lang(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "/lang"))
    await press(app, api, USER, last(api, USER), "l", "English")
    await feed(app, api.message(USER, "/start"))
    assert texts(api, USER)[-1].startswith("Hello") and all(not CJK.search(b) for b, _ in buttons(last(api, USER)))
    await feed(app, api.message(USER, "/help"))
    await feed(app, api.message(USER, "/school"))
    assert not CJK.search(texts(api, USER)[-2].replace("中文", "")) and not CJK.search(texts(api, USER)[-1])  # (/lang offers 中文 by name)
    assert [b for b, _ in buttons(last(api, USER))][:2] == ["NKUST", "MOE"]
    await feed(app, api.message(USER, "/calc"))
    assert all(not CJK.search(b) for b, _ in buttons(last(api, USER)))
    await press(app, api, USER, last(api, USER), "m", "NKUST MOOC credits")
    await feed(app, api.message(USER, "27"))
    assert texts(api, USER)[-1].startswith("Enter the course weeks")
    await press(app, api, USER, last(api, USER), "c", "Skip")
    result = last(api, USER)
    assert "1.5 credit" in result.params["text"] and "Steps:" in result.params["text"]
    await press(app, api, USER, result, "s", "Source text")
    assert "Guidelines for MOOC Courses" in texts(api, USER)[-1]
    await feed(app, api.message(USER, "高科大磨課師課程內容要包含哪些東西？"))  # typed in Chinese, answered in English
    answer = last(api, USER)
    assert "Source:" in answer.params["text"]
    await press(app, api, USER, answer, "r")  # a related question
    assert "Source:" in texts(api, USER)[-1]


async def test_an_english_client_gets_english_before_any_lang(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "/start", lang="en-GB"))
    assert texts(api, USER)[-1].startswith("Hello")
    await feed(app, api.message(OTHER, "/start", lang="zh-hant"))
    assert texts(api, OTHER)[-1].startswith("您好")


# --- /start and inline --------------------------------------------------------------------------------------------


async def test_start_examples_are_buttons_that_ask_the_question(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "/start"))
    welcome = last(api, USER)
    examples = buttons(welcome)
    assert len(examples) >= 4 and all(d.startswith("x:") for _, d in examples)
    for label, _ in examples:
        await press(app, api, USER, welcome, "x", label)
        reply = texts(api, USER)[-1]
        assert "出處" in reply and "找不到" not in reply


async def test_inline_shows_the_computed_figure_for_a_calculation(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.inline(USER, "逢甲標竿課程開 4 週，註冊 300 人，線上輔導鐘點總共幾小時？"))
    results = [s for s in api.sent if s.method == "answerinlinequery"][-1].params["results"]
    results = json.loads(results) if isinstance(results, str) else [r if isinstance(r, dict) else r.to_dict() for r in results]
    assert "36" in results[0]["title"] and "36 小時" in results[0]["input_message_content"]["message_text"]
    assert api.errors == []


# --- groups -------------------------------------------------------------------------------------------------------


async def test_group_replies_are_threaded_and_others_replies_are_ignored(bot: Bot) -> None:
    app, api = bot
    g = {"chat_id": GROUP, "chat_type": "group"}
    asked = api.message(USER, f"@{BOT_USERNAME} 教育部磨課師補助經費分幾期撥付？", **g)
    await feed(app, asked)
    answer = last(api, GROUP)
    assert answer.params["reply_parameters"]["message_id"] == asked["message"]["message_id"]
    await press(app, api, USER, answer, "f", "👎")
    prompt = last(api, GROUP)
    assert prompt.params["reply_parameters"]["message_id"] == answer.result["message_id"]  # type: ignore[index]
    n = len(api.messages_to(GROUP))
    await feed(app, api.message(OTHER, "謝謝", reply_to=answer.result, **g))
    await feed(app, api.message(OTHER, "我覺得沒問題", reply_to=prompt.result, **g))
    assert len(api.messages_to(GROUP)) == n
    await feed(app, api.message(OTHER, f"@{BOT_USERNAME} 東華遠距教學課程老師多久內要回覆學生問題？", reply_to=prompt.result, **g))
    assert "一週內回覆" in texts(api, GROUP)[-1]  # addressed to the bot: a question


# --- replies that read well --------------------------------------------------------------------------------------


async def test_the_direct_answer_comes_first_in_bold(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "東華遠距教學課程老師多久內要回覆學生問題？"))
    first_line = texts(api, USER)[0].split("\n")[0]
    assert first_line.startswith("<b>") and first_line.endswith("</b>") and "1 週內回覆" in first_line


def test_steps_are_one_numbered_list(engine: Engine) -> None:
    ans = engine.run_calculator("nkust_production_subsidy", {"video_hours": "9", "expert_units": "2"})
    assert ans.steps and re.match(r"\(\d+\)", ans.steps[0])  # the rule numbers its own steps: (1), (2)
    html = "\n".join(answer_html(ans))
    assert not re.search(r"^\d+\. *(?:\d+\.|\(\d+\))\s", html, re.M) and "\n1. 教師錄製鐘點費" in html
    assert "\n1. " in ans.text and not re.search(r"^\d+\. *(?:\d+\.|\(\d+\))\s", ans.text, re.M)


def test_long_replies_split_between_lines_never_inside_one() -> None:
    steps = tuple(f"第 {i} 週：2025-03-{i % 28 + 1:02d} 至 2025-04-{i % 28 + 1:02d}，補助 NT${i * 1000:,}，{'說明' * 20}" for i in range(1, 160))
    long_note = "。".join(f"第{i}句說明到 114.03.01 為止" for i in range(400)) + "。"
    ans = Answer(question="q", kind="calculation", direct="總計 NT$1,234,567。", steps=steps, details=(long_note,),
                 citations=(Citation("d", "文件", "一、", ("1",), "原文" * 10, "e", "114.01.01"),))
    parts = answer_html(ans)
    assert len(parts) > 2
    for part in parts:
        check_html(part)
        assert len(part.encode("utf-16-le")) // 2 <= 4096
    plain_lines = [check_html(line) for part in parts for line in part.split("\n")]
    for i, step in enumerate(steps, start=1):
        assert f"{i}. {step}" in plain_lines  # every step line whole, in one message
    pieces = [line for line in plain_lines if "句說明" in line]
    assert len(pieces) > 1 and all(p.endswith("。") for p in pieces)  # a line longer than a message: cut after sentences
    assert "".join(pieces) == long_note


def test_button_labels_are_short_and_whole() -> None:
    label = short_label("How many hours of video should an FCU MOOC course have, and who can get the reward?", 40)
    assert label.endswith("…") and len(label) <= 40
    head = label[:-1]
    assert "How many hours of video should an FCU MOOC course have".startswith(head) and head.split()[-1] in ("FCU", "MOOC", "course", "should", "video")
    from telegram import InlineKeyboardButton

    short = [InlineKeyboardButton(x, callback_data="x") for x in ("只看東華", "只看逢甲", "只看高科大")]
    long = [InlineKeyboardButton(x, callback_data="x") for x in ("Only National Dong Hwa University", "Only Feng Chia University")]
    assert len(rows_of(short)) == 1 and len(rows_of(long)) == 2


async def test_several_schools_get_short_name_buttons_and_each_schools_clause(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "助教可以有幾位"))
    answer = last(api, USER)
    only = [b for b, d in buttons(answer) if d.startswith("o:")]
    assert len(only) >= 2 and all(len(b) <= 8 for b in only), only  # 只看東華, not a document's full title
    await press(app, api, USER, answer, "S", "原文")
    offer = last(api, USER)
    schools = [b for b, d in buttons(offer) if d.startswith("s:")]
    assert len(schools) == len(only)
    await press(app, api, USER, offer, "s", schools[1])
    assert schools[1].split()[0] in texts(api, USER)[-1] or "逢甲" in texts(api, USER)[-1]
    assert "<blockquote" in texts(api, USER)[-1]


async def test_calculator_results_carry_the_answer_buttons_and_are_logged(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "/calc"))
    await press(app, api, USER, last(api, USER), "m", "高科大磨課師學分")
    await feed(app, api.message(USER, "9"))
    await press(app, api, USER, last(api, USER), "c", "略過")
    result = last(api, USER)
    kinds = [d.split(":")[0] for _, d in buttons(result)]
    assert kinds[:3] == ["s", "f", "f"]
    await press(app, api, USER, result, "f", "👍")
    stats = await services(app).repo.stats(30)
    assert stats is not None and stats["total"] == 1 and stats["thumbs_up"] == 1


async def test_hints_are_telegram_commands_and_buttons(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "助教可以有幾位"))
    assert "/school" in texts(api, USER)[-1]
    await feed(app, api.message(USER, "今天天氣如何"))
    assert "/sources" in texts(api, USER)[-1]
    await feed(app, api.message(USER, "逢甲標竿課程的線上輔導鐘點總共幾小時？註冊 300 人"))
    needs = last(api, USER)
    assert "一步步計算" in needs.params["text"] and any(d.startswith("g:") for _, d in buttons(needs))
    await press(app, api, USER, needs, "g")
    assert "開課週數" in texts(api, USER)[-1]  # the figures the question gave are kept; the missing one is asked


# --- /stats ---------------------------------------------------------------------------------------------------------


async def test_stats_chart_is_drawn_off_the_event_loop_and_kept_for_a_minute(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    app, api = bot
    drawn: list[str] = []
    real = admin.stats_chart

    def spy(*args: object) -> bytes:
        drawn.append(threading.current_thread().name)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(admin, "stats_chart", spy)
    await feed(app, api.message(USER, "高科大學分怎麼算"))
    await feed(app, api.message(ADMIN, "/stats"))
    await feed(app, api.message(ADMIN, "/stats"))
    assert len(drawn) == 1 and drawn[0] != threading.main_thread().name
    assert [s.method for s in api.messages_to(ADMIN)].count("sendphoto") == 2


def test_stats_chart_shows_every_day_and_a_legend() -> None:
    now = time.time()
    today = time.strftime("%Y-%m-%d", time.gmtime(now + 8 * 3600))
    days = admin.full_days([(today, 4, 1)], 30, now)
    assert len(days) == 31 and days[-1] == (today, 4, 1) and sum(n for _, n, _ in days) == 4
    fig = admin.chart_figure(days, "en", 4, "25%")
    ax = fig.axes[0]
    assert len(ax.patches) == 31 and ax.get_legend() is not None and len(ax.get_legend().get_texts()) == 2


async def test_stats_names_the_top_entries_by_clause_and_title(bot: Bot) -> None:
    app, api = bot
    await feed(app, api.message(USER, "高科大學習 9 小時可以拿幾學分？"))
    await feed(app, api.message(ADMIN, "/stats"))
    text = texts(api, ADMIN)[0]
    assert "1. 高科大 三、 學分授予與修習證明 ×1" in text and "nkust-3" not in text


async def test_a_failed_chart_upload_is_logged_and_the_text_stands(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    app, api = bot
    api.fail_method["sendphoto"] = (400, {"ok": False, "error_code": 400, "description": "Bad Request: PHOTO_INVALID_DIMENSIONS"})
    with caplog.at_level(logging.WARNING):
        await feed(app, api.message(ADMIN, "/stats"))
    assert [s.method for s in api.messages_to(ADMIN)] == ["sendmessage"] and "近 30 天" in texts(api, ADMIN)[0]
    assert "chart" in caplog.text and not any("抱歉" in t for t in texts(api, ADMIN))
