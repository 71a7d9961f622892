"""Conversations turn by turn through `Engine.converse`: what a follow-up carries, what starts afresh, and the
dialogue state's own rules (expiry, the session store). Figures asserted here are computed by the rules from the
knowledge base's facts; none is written in the code."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.dialogue import EMPTY, DialogueState, Sessions
from core.engine import Engine
from core.model import Answer, AnswerContext


def talk(engine: Engine, *turns: str, lang: str | None = None) -> list[Answer]:
    """The answers of one conversation, a turn a second."""
    state = EMPTY
    out = []
    for i, text in enumerate(turns):
        ans, state = engine.converse(text, AnswerContext(lang=lang), state, float(i + 1))
        out.append(ans)
    return out


def docs(ans: Answer) -> list[str]:
    return list(dict.fromkeys(c.document for c in ans.citations))


def test_a_figure_change_keeps_the_rule_and_the_clause_asked_about(engine: Engine) -> None:
    first, second = talk(engine, "教育部补助 200 万，设备费最多能编多少？", "那 400 万呢？")
    assert first.kind == second.kind == "calculation"
    assert second.citations[0].path == first.citations[0].path  # the equipment clause leads again
    assert "200,000" in second.text and "延续上一题" in second.text


def test_a_new_figure_replaces_the_carried_figure_it_is_most_like_and_the_verdict_is_given_again(engine: Engine) -> None:
    first, second = talk(engine, "教育部計畫補助 200 萬，設備費編 12 萬可以嗎？", "改成 9 萬呢？")
    assert first.direct.startswith("不符合")
    assert second.inputs["equipment"] == "90000" and second.inputs["subsidy"] == "2000000"
    assert second.direct.startswith("符合")
    assert "設備費 NT$90,000" in second.text  # what was carried over, figures as people write them


def test_naming_another_school_runs_that_schools_rule_on_the_same_figures(engine: Engine) -> None:
    first, second = talk(engine, "逢甲磨課師教材用在實體課，修課 100 人，可以有幾名教學助理？", "改成東華呢？")
    assert docs(first) == ["fcu-mooc-reward"] and first.kind == "calculation"
    assert second.kind == "calculation" and docs(second)[0] == "ndhu-elearning"
    assert second.inputs.get("enrolment") == "100"
    assert "1 位" in second.direct


@pytest.mark.parametrize("turns", [
    ("高科大學習 9 小時可以拿幾學分？", "那東華呢？"),
    ("How many credits for 9 hours of learning at NKUST?", "and NDHU?"),
    # a form's 「授課學分」 field (on the topic, stating no rule) or the clause the other words find does not answer it
    ("At NKUST, how many credits does 20 hours of online learning give?", "what about NDHU?"),
    ("請問高科大的學生上完 12 小時的磨課師，可以抵多少學分", "東華也可以這樣算嗎？"),
])
def test_a_calculation_asked_of_a_school_without_that_rule_is_not_another_rule_on_the_same_figures(engine: Engine, turns: tuple[str, str]) -> None:
    # 東華 has no rule on credits: its weekly-hours check also takes hours, but 9 hours of learning are not 9 a week.
    first, second = talk(engine, *turns)
    assert first.kind == "calculation" and docs(first) == ["nkust-mooc"]
    assert second.kind == "unknown" and not second.citations
    assert "東華" in second.direct or "NDHU" in second.direct


def test_an_off_topic_message_after_a_calculation_is_not_that_calculation_again(engine: Engine) -> None:
    first, second = talk(engine, "How many TAs can an FCU benchmark course with 300 students have?", "宿舍怎麼申請？")
    assert first.kind == "calculation"
    assert second.kind == "unknown" and not second.citations  # not 「延續上一題：」 and the TAs again, in Chinese


def test_the_thread_survives_an_off_topic_message(engine: Engine) -> None:
    answers = talk(engine, "高科大學習 9 小時可以拿幾學分？", "那宿舍呢？", "那 20 小時呢？")
    assert [a.kind for a in answers] == ["calculation", "unknown", "calculation"]
    assert answers[2].inputs.get("hours") == "20" and docs(answers[2]) == ["nkust-mooc"]


@pytest.mark.parametrize("second", ["那要怎麼申請？", "太少了吧", "學費多少？"])
def test_a_message_that_changes_nothing_of_a_calculation_is_not_that_calculation_again(engine: Engine, second: str) -> None:
    first, again = talk(engine, "高科大學習 9 小時可以拿幾學分？", second)
    assert first.kind == "calculation"
    assert again.kind != "calculation" and not any(n.kind == "carried" for n in again.notes)


def test_the_procedure_asked_in_a_thread_is_the_threads_school(engine: Engine) -> None:
    _, procedure = talk(engine, "高科大學習 9 小時可以拿幾學分？", "那要怎麼申請？")
    assert procedure.kind == "answer" and docs(procedure) == ["nkust-mooc"] and procedure.details


def test_another_school_with_a_topic_of_its_own_is_a_question_of_its_own(engine: Engine) -> None:
    _, other = talk(engine, "高科大學習 9 小時可以拿幾學分？", "那東華的助教呢？")
    assert other.kind == "answer" and docs(other)[0] == "ndhu-elearning" and "教學助理" in other.text


def test_a_school_change_with_a_new_figure_keeps_the_topic(engine: Engine) -> None:
    answers = talk(engine, "東華遠距課修課 80 人，一學期助教經費最多多少？", "換成高科大開 7 週的磨課師呢？", "那東華呢？")
    assert [a.kind for a in answers] == ["calculation"] * 3
    assert docs(answers[1])[0] == "nkust-mooc" and "90" in answers[1].direct  # (7 + 2) weeks × 10 hours
    # Back to the first school: its figures come from the first question of the thread.
    assert docs(answers[2])[0] == "ndhu-elearning" and answers[2].inputs.get("enrolment") == "80"


def test_figures_after_schools_side_by_side_go_through_each_schools_rule(engine: Engine) -> None:
    first, second = talk(engine, "逢甲跟東華的教學助理名額各怎麼算？", "如果實體課 200 人呢？")
    assert set(docs(first)) == {"fcu-mooc-reward", "ndhu-elearning"}
    assert second.kind == "calculation"
    assert {s.document for s in second.sections} == {"fcu-mooc-reward", "ndhu-elearning"}
    by_school = {s.document: s.direct for s in second.sections}
    assert "5 名" in by_school["fcu-mooc-reward"] and "2 位" in by_school["ndhu-elearning"]


def test_a_refusal_for_an_uncovered_school_names_it_and_a_covered_school_then_gets_the_question(engine: Engine) -> None:
    refused, answered = talk(engine, "Does NTU give credits for MOOCs?", "ok, what about NKUST?")
    assert refused.kind == "unknown" and "National Taiwan University" in refused.text
    assert answered.kind == "answer" and docs(answered) == ["nkust-mooc"] and "18" in answered.text


def test_a_question_of_its_own_naming_a_covered_school_after_a_refusal_is_asked_as_it_stands(engine: Engine) -> None:
    # The refused question's topic (an award) is not in the covered document; this message asks something it has.
    refused, answered = talk(engine, "北京大學的磨課師獎勵辦法是什麼？", "那清華在中國大學MOOC哪門課最多人修？")
    assert refused.kind == "unknown"
    assert answered.kind in ("answer", "calculation") and docs(answered) == ["nthu-beijing-2016"]
    assert answered.citations[0].path[0] == "表二"
    # A bare school change still carries the refused question, and says the document does not address it.
    _, bare = talk(engine, "北京大學的磨課師獎勵辦法是什麼？", "那清華呢？")
    assert bare.kind == "unknown" and "清華" in bare.text


def test_an_acknowledgement_before_a_follow_up_does_not_hide_it(engine: Engine) -> None:
    first, second = talk(engine, "高科大磨課師 9 小時可以拿幾學分？", "好的，那 18 小時呢？")
    assert second.kind == "calculation" and second.calculator == first.calculator
    assert "1 學分" in second.direct


def test_a_follow_up_marked_by_if_before_chinese_words_is_a_follow_up(engine: Engine) -> None:
    _, second = talk(engine, "高科大、東華的教學助理補助有什麼不一樣？", "如果課程 6 週、修課 130 人，各能補多少？")
    assert {s.document for s in second.sections} == {"nkust-mooc", "ndhu-elearning"}


def test_a_complete_new_question_starts_afresh(engine: Engine) -> None:
    _, second = talk(engine, "高科大磨課師 9 小時可以拿幾學分？", "東華遠距教學課程一門課可以有幾位教學助理？")
    assert docs(second) == ["ndhu-elearning"]
    assert "延續" not in second.text


def test_references_point_at_the_last_answer(engine: Engine) -> None:
    first, which, quote = talk(engine, "逢甲標竿課程錄製鐘點費怎麼算？", "這是哪一條規定？", "原文")
    assert which.citations[0].entry == first.citations[0].entry
    assert quote.citations[0].entry == first.citations[0].entry


def test_asked_to_say_it_again_the_bot_repeats_the_last_answer_in_the_language_asked(engine: Engine) -> None:
    first, again, hans = talk(engine, "高科大學習 9 小時可以拿幾學分？", "可以再說一次嗎？", "请再说一遍")
    assert again.kind == first.kind == "calculation" and again.direct == first.direct and again.figures == first.figures
    assert [c.entry for c in again.citations] == [c.entry for c in first.citations]
    assert "再說一次" in again.text and "再说一次" in hans.text and [f.value for f in hans.figures] == [f.value for f in first.figures]
    clause, en = talk(engine, "逢甲標竿課程錄製鐘點費怎麼算？", "sorry, could you say that again?")
    assert en.lang == "en" and [c.entry for c in en.citations] == [c.entry for c in clause.citations]


@pytest.mark.parametrize("text", ["可以再說一次嗎", "再講一遍", "say that again"])
def test_asked_to_say_it_again_with_nothing_said_the_bot_says_so_and_cites_nothing(engine: Engine, text: str) -> None:
    (ans,) = talk(engine, text)
    assert ans.kind == "chat" and not ans.citations and not ans.figures


@pytest.mark.parametrize("text", ["可以再說一次嗎", "不好意思可以再說一次嗎", "抱歉，我沒看懂，可以再講一遍嗎", "沒看懂，再講一遍", "再一次", "請重新說明一次", "Could you repeat that?", "again"])
def test_a_request_to_say_it_again_is_read_as_one(text: str) -> None:
    from core.talk import reference

    assert reference(text) == "repeat"


@pytest.mark.parametrize("text", ["再加 3 小時呢", "再多 30 人", "再說，補助多少？", "一次可以申請幾門？", "repeat courses count?"])
def test_a_message_that_asks_something_else_is_no_request_to_repeat(text: str) -> None:
    from core.talk import reference

    assert reference(text) != "repeat"


@pytest.mark.parametrize("more", ["再加 3 小時呢？", "如果再多三小時呢", "那多 3 小時呢", "what about 3 more hours?", "and another 3 hours?"])
def test_a_figure_said_as_more_is_added_to_the_last_one_and_the_reading_is_stated(engine: Engine, more: str) -> None:
    first, second = talk(engine, "高科大學習 9 小時可以拿幾學分？", more)
    assert second.kind == "calculation" and second.calculator == first.calculator
    assert second.inputs["hours"] == "12" and first.inputs["hours"] == "9"
    assert any(n.kind == "reading" and "9 + 3 = 12" in n.text for n in second.notes)


def test_figures_added_turn_after_turn_add_up_and_a_figure_without_more_replaces(engine: Engine) -> None:
    _, more, again, most = talk(engine, "逢甲標竿課程開 8 週、線上註冊 1200 人，線上輔導鐘點費有幾小時？", "那多 300 人呢", "再多 500 人呢？", "那最多 300 人呢？")
    assert more.inputs["online_enrolment"] == "1500" and again.inputs["online_enrolment"] == "2000"
    assert most.inputs["online_enrolment"] == "300" and not any("+" in n.text for n in most.notes if n.kind == "reading")
    _, rough = talk(engine, "高科大學習 9 小時可以拿幾學分？", "那差不多 3 小時呢？")
    assert rough.inputs["hours"] == "3"


def test_the_state_expires_after_fifteen_minutes_of_silence(engine: Engine) -> None:
    _, state = engine.converse("高科大磨課師 9 小時可以拿幾學分？", AnswerContext(), EMPTY, 0.0)
    assert state.fresh(60.0) and not state.fresh(15 * 60 + 1.0)
    late, _ = engine.converse("那 18 小時呢？", AnswerContext(), state, 15 * 60 + 1.0)
    assert late.kind != "calculation" or "延續" not in late.text


def test_sessions_forget_idle_conversations_and_keep_a_bounded_number() -> None:
    s = Sessions(ttl=10, limit=2)
    st = replace(DialogueState(question="q"), at=0.0)
    s.put("a", st)
    assert s.get("a", 5.0) == st and s.get("a", 11.0) == EMPTY
    for key in ("a", "b", "c"):
        s.put(key, st)
    assert len(s) == 2 and s.get("a", 1.0) == EMPTY  # the oldest conversation went first


@pytest.mark.parametrize("text", ["你好", "謝謝", "好的", "👍", "hello", "thanks"])
def test_small_talk_mid_conversation_keeps_the_context(engine: Engine, text: str) -> None:
    _, chat, follow = talk(engine, "高科大磨課師 9 小時可以拿幾學分？", text, "那 18 小時呢？")
    assert chat.kind == "chat" and not chat.citations
    assert follow.kind == "calculation" and "1 學分" in follow.direct


def test_another_tier_of_the_same_table_row_quotes_that_tiers_cell(engine: Engine) -> None:
    first, second = talk(engine, "逢甲標竿課程對教師評鑑有什麼幫助？", "錄取課程呢？")
    assert second.citations[0].entry == first.citations[0].entry
    assert "錄取課程" in second.citations[0].label and "標竿課程" not in second.citations[0].label
    assert "延續上一題" in second.text


def test_a_ministry_named_as_a_universitys_tier_is_a_tier_change_and_the_difference_is_computed(engine: Engine) -> None:
    first, second, gap = talk(engine, "逢甲 SPOC 課程錄了 9 小時，可以領幾小時的獎勵金？", "如果換成教育部錄取課程呢？", "差多少")
    assert first.calculator == second.calculator and docs(second) == ["fcu-mooc-reward"]
    assert first.result["hourly_fee_count"] == 36 and second.result["hourly_fee_count"] == 54
    assert gap.kind == "calculation" and "相差 18" in gap.direct


def test_the_difference_between_two_schools_results(engine: Engine) -> None:
    _, gap = talk(engine, "錄 10 小時影片，高科大跟東華的錄製鐘點費各可以編多少？", "差多少")
    assert gap.kind == "calculation" and set(docs(gap)) == {"nkust-mooc", "ndhu-elearning"}
    assert "NT$40,000" in gap.direct


def test_how_much_at_most_is_not_a_difference(engine: Engine) -> None:
    _, second = talk(engine, "錄 10 小時影片，高科大跟東華的錄製鐘點費各可以編多少？", "那東華最多多少錢")
    assert "相差" not in second.direct


def test_a_question_naming_no_school_stays_with_the_conversations_school_unless_another_answers_it_much_better(engine: Engine) -> None:
    alone = engine.answer("成果報告要寫哪些內容？")
    assert len(docs(alone)) >= 2  # on its own it fits several documents
    first, second, third = talk(engine, "東華課程結束後要填成果報告嗎？", "成果報告要寫哪些內容？", "SPOC 錄取課程的錄製獎勵金是幾倍鐘點費？")
    assert docs(first) == docs(second) == ["ndhu-elearning"]
    assert docs(third) == ["fcu-mooc-reward"]  # only another document deals with it


def test_a_marked_follow_up_finds_its_clause_with_the_last_questions_words_breaking_ties(engine: Engine) -> None:
    alone = engine.answer("新南向系列呢？")
    _, second = talk(engine, "教育部系列計畫每案補助上限多少？", "新南向系列呢？")
    assert second.citations[0].entry == "moe-9-1" != alone.citations[0].entry  # the cap, now for the New Southbound series
    assert "400" in second.text
    _, what_if = talk(engine, "What are my obligations after getting an NKUST MOOC grant?", "what if I don't make it?", lang="en")
    assert docs(what_if) == ["nkust-mooc"] and "2 years" in what_if.text


def test_a_short_message_on_the_clause_the_last_rule_applies_continues_the_calculation(engine: Engine) -> None:
    first, last = talk(engine, "教育部核定補助 250 萬，第一期撥多少？", "最後一期？")
    assert first.kind == last.kind == "calculation" and last.calculator == first.calculator
    assert last.inputs.get("approved_amount") == "2500000"


def test_a_figure_that_restates_the_carried_one_is_not_the_change(engine: Engine) -> None:
    q = "逢甲標竿課程開 10 週，註冊 400 人，線上輔導鐘點幾小時？"
    _, english = talk(engine, q, "that's for 10 weeks, what about 12?", lang="en")
    assert english.kind == "calculation" and english.inputs["course_weeks"] == "12" and english.inputs["online_enrolment"] == "400"
    _, chinese = talk(engine, q, "10 週是這樣，那 14 週呢？")
    assert chinese.inputs["course_weeks"] == "14" and "96" in chinese.direct  # (14 + 2) weeks × 6 hours


def test_a_follow_up_marked_mid_message_is_one(engine: Engine) -> None:
    first, second = talk(engine, "逢甲SPOC課程的教學助理怎麼補助？", "標竿課程呢？一樣嗎？")
    assert second.citations[0].entry == first.citations[0].entry  # the same table row, for the other tier


def test_a_kind_of_university_in_a_follow_up_is_no_uncovered_school_but_a_named_one_is(engine: Engine) -> None:
    first, second = talk(engine, "教育部磨課師計畫補助 170 萬，我們是市立大學（地方政府所屬），自籌至少要多少？", "如果是一般國立大學呢？")
    assert second.kind == "calculation" and second.inputs.get("local_government") == "no"
    assert first.result["min_self_funding"] == 300000 and second.result["min_self_funding"] == 170000
    _, named = talk(engine, "教育部磨課師計畫補助 170 萬，自籌至少要多少？", "那臺北市立大學呢？")
    assert named.kind == "unknown" and "臺北市立大學" in named.text


def test_a_school_added_to_a_comparison_joins_the_schools_compared(engine: Engine) -> None:
    first, added, alone = talk(engine, "高科大和逢甲的磨課師教材著作權歸誰？比較一下", "東華也加進來一起比", "那東華呢？")
    assert set(docs(first)) == {"nkust-mooc", "fcu-mooc-reward"}
    assert set(docs(added)) == {"nkust-mooc", "fcu-mooc-reward", "ndhu-elearning"}
    assert docs(alone) == ["ndhu-elearning"]  # naming a school without adding it asks about that school alone
    _, english = talk(engine, "Compare who owns the copyright of MOOC materials at NKUST and FCU.", "add NDHU too, side by side", lang="en")
    assert set(docs(english)) == {"nkust-mooc", "fcu-mooc-reward", "ndhu-elearning"}


def test_schools_compared_keep_their_sections_when_one_rule_needs_more_and_figures_added_for_one_go_through_each(engine: Engine) -> None:
    first, second = talk(engine, "開 8 週的磨課師，高科大的助教補助和逢甲的線上輔導鐘點費各算幾週？", "那逢甲如果是錄取課程、註冊 200 人，各是幾小時？")
    # A school whose rule still needs a figure is shown with what it needs and cited, not dropped.
    assert set(docs(first)) == {"nkust-mooc", "fcu-mooc-reward"}
    assert "課程等級" in {s.document: s.direct for s in first.sections}["fcu-mooc-reward"]
    # Figures for one of the schools compared, asked for each: both schools again, with the 8 weeks carried.
    assert second.kind == "calculation" and {s.document for s in second.sections} == {"nkust-mooc", "fcu-mooc-reward"}
    by_school = {s.document: s.direct for s in second.sections}
    assert "100" in by_school["nkust-mooc"] and "40" in by_school["fcu-mooc-reward"]  # 10 weeks × 10 h; (8 + 2) weeks × 4 h


def test_a_changed_figure_keeps_the_carried_figure_of_the_same_unit(engine: Engine) -> None:
    # Online hours changed: the total class hours (also hours) stay; 22 of 40 is over half.
    first, second = talk(engine, "東華遠距課總上課40小時、線上授課15小時，這樣可以嗎", "線上改成 22 小時呢？")
    assert first.direct.startswith("不符合")
    assert second.inputs.get("total_hours") == "40" and second.direct.startswith("符合")
    # Hours instead of weeks (another unit) still replace them.
    _, weeks = talk(engine, "高科大磨課師線上學習 8 小時可以拿幾學分？", "改成 9 週呢？")
    assert weeks.inputs.get("weeks") == "9" and "hours" not in weeks.inputs


def test_online_hours_alone_give_the_most_class_hours_in_all(engine: Engine) -> None:
    ans = engine.answer("東華遠距課程線上做了 16 小時，總上課時數最多能排幾小時？")
    assert ans.kind == "calculation" and ans.result.get("max_total_hours") is not None and "32" in ans.text


def test_another_school_with_a_topic_of_its_own_and_figures_is_a_question_of_its_own(engine: Engine) -> None:
    budget, tas = talk(engine, "请问教育部磨课师系列补助 300 万，设备费最多多少", "what about FCU TAs for 120 students?")
    assert budget.kind == "calculation" and docs(budget) == ["moe-mooc-series"]
    assert tas.kind == "calculation" and docs(tas) == ["fcu-mooc-reward"] and "Same question" not in tas.text
    assert tas.figures and any(f.value == "3" for f in tas.figures)


def test_a_change_of_school_and_figures_said_as_a_change_keeps_the_question(engine: Engine) -> None:
    first, changed = talk(engine, "東華遠距課修課 80 人，一學期助教經費最多多少？", "換成高科大開 7 週的磨課師呢？")
    assert docs(first) == ["ndhu-elearning"] and changed.kind == "calculation" and docs(changed) == ["nkust-mooc"]
    assert first.calculator != changed.calculator and "延續上一題" in changed.text


def test_a_changed_figure_keeps_the_other_figures_of_a_plan_checked_against_several_conditions(engine: Engine) -> None:
    first, second = talk(engine, "我們系要申請教育部的磨課師系列計畫，三門課裡面有兩門新製，新製課程加起來10小時，這樣可以嗎", "那如果新製加到 14 小時呢")
    assert first.inputs == {"courses": "3", "new_courses": "2", "new_course_hours": "10"} and any(not c.passed for c in first.checks)
    assert second.inputs == {"courses": "3", "new_courses": "2", "new_course_hours": "14"}
    assert len(second.checks) == len(first.checks) and all(c.passed for c in second.checks)


def test_a_figure_given_instead_of_its_alternative_replaces_it(engine: Engine) -> None:
    _, weeks = talk(engine, "高科大學習 9 小時可以拿幾學分？", "那開 10 週呢？")
    assert "hours" not in weeks.inputs and weeks.inputs.get("weeks") == "10"


def test_figures_after_a_clause_answer_run_that_schools_rule_on_the_clauses_topic(engine: Engine) -> None:
    clause, fee = talk(engine, "高科大錄製費怎麼算", "如果我錄了 5 小時")
    assert clause.kind == "answer" and fee.kind == "calculation" and docs(fee) == ["nkust-mooc"]
    assert fee.inputs == {"video_hours": "5"} and "25,000" in fee.direct
    _, tas = talk(engine, "東華遠距課程助教補助多少", "如果請 2 位呢")
    assert tas.kind == "calculation" and docs(tas) == ["ndhu-elearning"] and tas.inputs == {"tas": "2"}



def test_a_follow_up_of_words_every_clause_shares_is_read_with_the_last_question(engine: Engine) -> None:
    first, teachers = talk(engine, "教育部磨课师计划主持人可以是兼任老师吗", "课程老师呢")
    assert first.kind == "answer" and teachers.kind == "answer"
    assert [c.entry for c in teachers.citations][:1] == [c.entry for c in first.citations][:1]
    (alone,) = talk(engine, "课程老师呢")
    assert alone.kind == "unknown"


@pytest.mark.parametrize("first, then", [
    ("東華的課程可以申請幾個助教？", "外校的學生可以嗎"),
    ("NDHU: how many TAs can a distance course have?", "can they be students from another university?"),
])
def test_a_short_yes_no_question_leaving_out_its_subject_stays_with_the_threads_school(engine: Engine, first: str, then: str) -> None:
    """Whether the TAs may be students of another school is asked of the thread's school: its own words alone would find
    another school's cross-school enrolment clause."""
    tas, other = talk(engine, first, then)
    assert docs(tas) == docs(other) == ["ndhu-elearning"]
    assert [c.entry for c in other.citations][:1] == [c.entry for c in tas.citations][:1]
    (alone,) = talk(engine, then)
    assert docs(alone) != ["ndhu-elearning"]  # on its own, the words point elsewhere


@pytest.mark.parametrize("first, then, clause, unsaid", [
    ("高科大的教學助理要怎麼申請？", "可以請外校的嗎", "四、(一)3.", "「外校」"),
    ("逢甲的教學助理補助怎麼算", "研究生可以當嗎", "附表：教學助理 1.", "「研究生」"),
    ("東華的課程可以申請幾個助教？", "外校的學生可以嗎", "3、(三)1.", "「外校」"),
])
def test_a_yes_no_follow_up_on_something_the_clause_never_mentions_says_so(
        engine: Engine, first: str, then: str, clause: str, unsaid: str) -> None:
    """「可以請外校的嗎」 after a school's TAs is asked of the TA clause (not of the school's credit recognition for other
    schools' students, nor of a research-plan remark); the clause does not say 外校, and the answer says that rather
    than letting the quote pass for a yes."""
    tas, other = talk(engine, first, then)
    assert docs(other) == docs(tas) and other.citations[0].clause == clause
    said = [n.text for n in other.notes if n.kind == "unstated"]
    assert said and f"條文沒有直接提到{unsaid}" in said[0]


def test_a_yes_no_follow_up_the_clause_answers_gets_no_such_note(engine: Engine) -> None:
    # 高科大 三、(二): 外校 students may take its MOOCs for credit; the clause names them
    _, other = talk(engine, "高科大的磨課師外校學生可以修嗎", "外校的學生可以嗎")
    assert not [n for n in other.notes if n.kind == "unstated" and "外校" in n.text]


@pytest.mark.parametrize("text, asks", [
    ("研究生可以當嗎", True),
    ("可以請外校的嗎", True),
    ("兼任老師也行嗎", True),
    ("高科大的教學助理可以請外校的學生擔任嗎？有沒有規定資格", False),
    ("可以申請補助嗎", False),
])
def test_a_short_yes_no_question_that_leaves_out_its_subject(text: str, asks: bool) -> None:
    from core.talk import asks_if_also

    assert asks_if_also(text) is asks


@pytest.mark.parametrize("text, asks", [
    ("兩邊的影片錄製鐘點費哪一邊比較多啊？", True),
    ("高科大跟東華哪間比較優渥", True),
    ("哪家學校給的比較高", True),
    ("which one pays more, NKUST or NDHU?", True),
    ("高科大跟東華的錄製鐘點費有什麼不同？", False),
    ("哪一邊規定要交成果報告", False),
])
def test_asking_which_gives_more(text: str, asks: bool) -> None:
    from core.talk import asks_which_more

    assert asks_which_more(text) is asks


@pytest.mark.parametrize("then", ["and what's the cap per course?", "and what's the ceiling per course?"])
def test_a_marked_follow_up_that_changes_no_figure_asks_the_threads_school_another_clause_on_the_topic(engine: Engine, then: str) -> None:
    """After a school's recording fee worked out, "and what's the cap per course?" changes nothing of the calculation:
    it asks that school's cap on what a course gets (NT$140,000), not its cap on credits counted for graduation."""
    fee, cap = talk(engine, "NKUST: I recorded 2.5 hours of video, how much recording fee can I get?", then)
    assert fee.kind == "calculation"
    assert cap.citations[0].document == "nkust-mooc" and cap.citations[0].clause == "四、(一)2." and "140,000" in cap.text


def test_a_follow_up_on_the_same_topic_stays_with_a_clause_the_last_answer_cited_over_a_neighbours(engine: Engine) -> None:
    """「那每門課的上限呢」 after 高科大's recording fee asks the cap of the course the fee counts towards (its parent clause,
    cited beside the fee: NT$140,000), not the cap of the item beside it (the external expert's NT$10,000 a course),
    which the two questions' words find a little better."""
    fee, cap = talk(engine, "高科大錄製影片 90 分鐘鐘點費多少", "那每門課的上限呢")
    assert fee.kind == "calculation" and "四、(一)2." in [c.clause for c in fee.citations]
    assert cap.citations[0].document == "nkust-mooc" and cap.citations[0].clause == "四、(一)2." and "140,000" in cap.text
    assert "10,000" not in cap.direct


def test_a_follow_up_asking_another_facet_moves_from_the_clause_just_answered_to_another_it_cited(engine: Engine) -> None:
    """"and what is the upper limit per course?" after 高科大's recording fee: the fee's clause leads only by the first
    question's words (its answer mentions the cap in passing); the parent clause the fee answer cited beside it, which
    the message's own words fit better, states the course's cap (NT$140,000)."""
    fee, cap = talk(engine, "How much is the recording fee at NKUST for 90 minutes of video?", "and what is the upper limit per course?")
    assert fee.kind == "calculation" and [c.clause for c in fee.citations][:2] == ["四、(一)2.(1)", "四、(一)2."]
    assert cap.citations[0].document == "nkust-mooc" and cap.citations[0].clause == "四、(一)2." and "140,000" in cap.direct


@pytest.mark.parametrize("hours, cap_clause_first", [("90 分鐘", True), ("30 小時", False)])
def test_a_question_on_a_clause_the_calculation_only_mentions_asks_that_clause(engine: Engine, hours: str, cap_clause_first: bool) -> None:
    """「每門課上限是多少」 after a recording fee well under the course's cap (the cap only in a note) asks the cap's clause
    (四、(一)2., NT$140,000), not the same fee again; after a fee over the cap, a step of the calculation works the cap
    and the calculation again answers it."""
    fee, cap = talk(engine, f"高科大錄製影片 {hours}鐘點費最多多少", "每門課上限是多少")
    assert fee.kind == "calculation" and "四、(一)2." in [c.clause for c in fee.citations]
    assert "140,000" in cap.direct
    if cap_clause_first:
        assert cap.kind == "answer" and cap.citations[0].clause == "四、(一)2." and "7,500" not in cap.text
    else:
        assert cap.kind == "calculation" and cap.citations[0].clause == "四、(一)2.(1)"


def test_a_question_whose_words_tie_two_clauses_of_the_threads_school_takes_the_one_the_last_answer_cited(engine: Engine) -> None:
    """"what's the cap per course?" after 高科大's recording fee: its words find the credit cap (at most 9 credits) and
    the course's cap on costs equally well; the fee's answer cited the second (NT$140,000)."""
    fee, cap = talk(engine, "NKUST recording fee for 2 hours of video?", "what's the cap per course?")
    assert "四、(一)2." in [c.clause for c in fee.citations]
    assert cap.citations[0].clause == "四、(一)2." and "140,000" in cap.direct
    alone = engine.answer("what's the cap per course at NKUST?")
    assert alone.citations[0].clause != "四、(一)2."  # without the conversation the tie goes the other way


@pytest.mark.parametrize("first, then, total", [
    ("東華遠距課程選課150人，可以申請幾位助教？", "那兩學期合計最多多少", "120,000"),
    ("NDHU distance course with 150 students, how much can the TAs get?", "and for both semesters?", "120,000"),
])
def test_both_semesters_asked_after_a_semesters_tas_adds_the_other_semester(engine: Engine, first: str, then: str, total: str) -> None:
    """「那兩學期合計最多多少」 after 東華's TAs a semester: the same TAs in the other semester too (NT$60,000 each), not the
    semester's figure again; the note on the change reads as a sentence (no raw "yes")."""
    tas, year = talk(engine, first, then)
    assert tas.kind == year.kind == "calculation" and "60,000" in tas.direct and total not in tas.direct
    assert total in year.direct and "yes" not in year.text.replace("Same", "")
    assert year.notes[0].kind == "carried" and year.notes[0].text.rstrip("：:").strip() in ("延續上一題，改為兩學期合計", "Same calculation with both semesters together")


def test_a_marked_follow_up_in_one_schools_thread_is_not_answered_across_schools(engine: Engine) -> None:
    """"and the hourly rate?" after 逢甲's tutoring hours: 逢甲's table does not state the rate, and other schools'
    documents state theirs (東華's recording fee); the follow-up stays with 逢甲 and says so, rather than "you did not
    name a school"."""
    *_, rate = talk(engine, "I teach at FCU, benchmark course, 6 weeks. How many tutoring hours?", "what about an accepted course?", "and the hourly rate?")
    assert docs(rate) == ["fcu-mooc-reward"] and "does not state the hourly rate" in rate.text
    assert "did not name a school" not in rate.text


def test_a_checklist_asked_of_another_school_mid_thread_is_a_question_of_its_own(engine: Engine) -> None:
    """「高科大課程結束要交什麼」 after the ministry's instalments: a short message naming another school, but it asks for
    that school's after-teaching checklist, not the instalments there (which its document does not have)."""
    _, after = talk(engine, "教育部慕课系列补助300万，第1期加第2期一共能先拿到多少钱？", "高科大課程結束要交什麼")
    assert after.kind == "answer" and after.direct == "高科大：授課後的成果發表與資料保存" and docs(after) == ["nkust-mooc"]


def test_a_follow_up_naming_another_subject_keeps_the_facet_asked_rather_than_a_clause_the_last_answer_did_not_cite(engine: Engine) -> None:
    """「新南向系列呢？」 after the caps of the series and 高科大: the series' cap again (九、(一)), though the words
    新南向系列 alone find the series' themes first."""
    _, series = talk(engine, "教育部磨課師系列計畫跟高科大的補助上限差在哪？", "新南向系列呢？")
    assert series.citations[0].document == "moe-mooc-series" and series.citations[0].clause == "九、(一)"


@pytest.mark.parametrize("then", ["一學期總共最多可以領多少錢", "一學期最多領多少"])
def test_a_question_for_a_figure_of_the_last_calculation_continues_it(engine: Engine, then: str) -> None:
    """After 東華's TAs worked out for 100 students, 「一學期總共最多可以領多少錢」 asks the calculation's semester total
    (1 TA × NT$6,000 × 5 months), not the clause again."""
    _, _, total = talk(engine, "東華遠距課程選課150人，可以申請幾位助教？", "那如果只有100人呢", then)
    assert total.kind == "calculation" and "30,000" in total.direct


def test_a_follow_up_whose_own_words_find_nothing_in_the_threads_school_stays_on_the_clause_it_rested_on(engine: Engine) -> None:
    """「那總時數呢」 after the series' minimum courses: 總時數 alone finds other schools' video hours (逢甲 6 to 18
    hours); with the last question's words it finds the clause just cited, which sets the total (12 hours)."""
    first, _, hours = talk(engine, "請問教育部磨課師計畫，一個系列最少要幾門課？", "新製課程至少幾門", "那總時數呢")
    assert docs(hours) == docs(first) == ["moe-mooc-series"]
    assert hours.citations[0].clause == first.citations[0].clause and "12 小時" in hours.text


@pytest.mark.parametrize("first, why", [
    ("高科大磨課師有沒有規定影片不能用隨堂錄影", "為什麼"),
    ("Can NKUST MOOC videos be lecture recordings?", "why?"),
])
def test_why_after_an_answer_quotes_the_clause_and_guesses_no_reason(engine: Engine, first: str, why: str) -> None:
    """The documents state rules, seldom their reasons: 「為什麼」 gets the clause just cited, verbatim, with a note that no
    reason it does not give is guessed (it got the document's purpose clause, as if that were the reason)."""
    ans, again = talk(engine, first, why)
    assert again.kind == "answer" and [c.entry for c in again.citations][:1] == [c.entry for c in ans.citations][:1]
    assert ("不推測" in again.direct) if again.lang == "zh" else ("won't guess" in again.direct)


@pytest.mark.parametrize("text, ref", [
    ("為什麼", "why"), ("可是為什麼要這樣規定", "why"), ("why not?", "why"),
    ("為什麼磨課師影片要分單元", None), ("why does NKUST cap credits at 9?", None),
])
def test_why_alone_refers_to_the_last_answer(text: str, ref: str | None) -> None:
    from core.talk import reference

    assert reference(text) == ref


def test_a_follow_up_in_one_schools_thread_is_never_answered_with_another_schools_rule(engine: Engine) -> None:
    """「如果來不及可以延嗎」 after 高科大's deadlines: its words find 東華's extension clause, which does not apply to 高科大;
    the answer stays on the clause the thread rests on and says it does not answer this as asked."""
    first, late = talk(engine, "我的高科大磨課師課程審核通過了，什麼時候要完成製作開課", "如果來不及可以延嗎")
    assert docs(first) == docs(late) == ["nkust-mooc"]
    assert any(n.kind == "unstated" and "不適用於高科大" in n.text for n in late.notes)
    (alone,) = talk(engine, "如果來不及可以延嗎")
    assert "nkust-mooc" not in docs(alone)  # on its own, the words point elsewhere


def test_another_column_after_a_remark_of_a_table_row_is_read_from_the_row(engine: Engine) -> None:
    """「標竿呢」 after the remark of 逢甲's research-plan award row (once per level): the benchmark course's column of that
    row (it went to the recording fee's row)."""
    once, benchmark = talk(engine, "逢甲教學研究計畫獎勵可以領幾次", "標竿呢")
    assert once.citations[0].clause == "附表：教學研究計畫 2."  # the remark: once per course level
    assert benchmark.citations[0].clause == "附表：教學研究計畫" and "科技部計畫" in benchmark.text


def test_a_yes_no_follow_up_finding_the_clause_beside_the_last_one_gets_it_and_a_short_question_stays_in_the_thread(engine: Engine) -> None:
    """"can I extend it?" after 東華's production deadline (2、(三)1.) is the extension beside it (2、(三)2.), not the
    deadline again; "how many times?" then stays with 東華 (it got every other school's rule on how many times)."""
    deadline, extend, times = talk(engine, "Hi! I teach at NDHU. How long do I have to finish making my course materials?",
                                   "can I extend it?", "how many times?")
    assert [c.clause for c in deadline.citations][:1] == ["2、(三)1."]
    assert [c.clause for c in extend.citations][:1] == ["2、(三)2."] and "half a year" in extend.text
    assert docs(times) == ["ndhu-elearning"]
