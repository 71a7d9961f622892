"""The planner through the engine: which rule a question's figures go to, and what it does with figures given
roughly, with a confirmation, or beside the result asked for."""

from __future__ import annotations

import pytest

from core.engine import Engine


def test_a_rough_figure_is_used_and_said_to_be_rough(engine: Engine) -> None:
    ans = engine.answer("高科大磨課師線上學習時數大概 8 小時，可以拿幾學分？")
    assert ans.kind == "calculation" and ans.inputs.get("hours") == "8"
    assert any(n.kind == "reading" and "約略" in n.text for n in ans.notes)
    exact = engine.answer("高科大磨課師線上學習 8 小時，可以拿幾學分？")
    assert not any("約略" in n.text for n in exact.notes)


def test_almost_a_figure_is_not_that_figure(engine: Engine) -> None:
    # 「快 9 小時」 is under 9: computing 0.5 credit from it would be wrong.
    ans = engine.answer("高科大磨課師我快 9 小時了，可以拿幾學分？")
    assert ans.inputs.get("hours") != "9"


def test_a_confirmation_is_answered_by_the_clause_and_a_question_for_a_figure_is_computed(engine: Engine) -> None:
    confirm = engine.answer("高科大磨課師每門課補助上限是 14 萬嗎？")
    assert confirm.kind == "answer"
    asked = engine.answer("高科大磨課師學生每週上 2 小時，開了 4 週，學分是？")
    assert asked.kind == "calculation" and asked.calculator == "nkust_credits"


@pytest.mark.parametrize(
    ("question", "rule"),
    [
        ("高科大磨客師開5周 助教時數最多多少", "nkust_operation_ta"),
        ("高科大 9 週的磨課帥，TA 時數上限是多少？", "nkust_operation_ta"),
        ("高科大磨課師開 9 週，學分是多少？", "nkust_credits"),
    ],
)
def test_the_rule_whose_result_is_asked_for_is_chosen(engine: Engine, question: str, rule: str) -> None:
    ans = engine.answer(question)
    assert ans.kind == "calculation" and ans.calculator == rule


def test_figures_bound_by_cue_words_are_a_calculation_before_a_checklist(engine: Engine) -> None:
    ans = engine.answer("東華磨課師 115 學年度第 2 學期要開，申請要在哪個學期？")
    assert ans.kind == "calculation" and ans.citations[0].document == "ndhu-elearning"
    assert "114" in ans.direct


@pytest.mark.parametrize("question", ["宿舍 2 人一間，一個月多少錢？", "停車位一個月 1,500 元，可以用磨課師補助付嗎？"])
def test_figures_about_what_the_documents_never_deal_with_are_not_computed(engine: Engine, question: str) -> None:
    assert engine.answer(question).kind == "unknown"


def test_a_named_tier_alone_is_computed_when_the_question_asks_for_a_result(engine: Engine) -> None:
    ans = engine.answer("逢甲教育部录取课程，教材助理可以补几人？最多补多少小时？")
    assert ans.kind == "calculation" and ans.calculator == "fcu_material_assistants" and "344" in ans.text
    assert engine.answer("逢甲標竿課程對教師評鑑有什麼幫助？").kind == "answer"  # asks for no figure


def test_one_named_row_is_answered_by_the_row_and_work_over_rows_is_computed(engine: Engine) -> None:
    row = engine.answer("清華財務管理在中國大學MOOC有多少人修？")
    assert row.kind == "answer" and row.citations[0].path[:1] == ("表二",) and len(row.citations[0].path) == 2
    share = engine.answer("清華財務管理的修課人數占六門課總數的百分之幾？")
    assert share.kind == "calculation"


def test_a_count_and_an_amount_each_bind_apart_when_the_rule_takes_both(engine: Engine) -> None:
    ans = engine.answer("東華遠距課 130 人，兩位助教每月各 4,500 元、聘 4 個月，總共多少？")
    assert ans.inputs.get("tas") == "2" and ans.inputs.get("monthly_amount") == "4500" and "36,000" in ans.text
    product = engine.answer("高科大請了 3 位業師，每位各錄 2 個單元影片，業師協同錄製鐘點費最多補助多少？")
    assert product.inputs.get("expert_units") == "6"  # no input takes the 3 experts: 3 × 2 units


@pytest.mark.parametrize(
    ("question", "values"),
    [
        ("逢甲標竿課程開 5 週，註冊 1,000 人和 1,001 人，線上輔導時數差多少？", ("1000", "1001")),
        ("我在逢甲開教育部錄取的磨課師，課程 7 週，現在線上註冊 980 人，線上輔導鐘點費幾小時？如果再多 30 人註冊會變多少？", ("980", "1010")),
    ],
)
def test_two_values_of_one_figure_are_computed_side_by_side(engine: Engine, question: str, values: tuple[str, str]) -> None:
    ans = engine.answer(question)
    assert ans.kind == "calculation" and ans.calculator == "fcu_tutoring_hours"
    assert len(ans.details) == 2 and "difference" in ans.result
    shown = [format(int(v), ",") for v in values]
    assert all(v in ans.direct for v in shown)


def test_the_unknown_solved_for_is_the_input_the_question_names(engine: Engine) -> None:
    # 「線上註冊一千人以下時，每週線上輔導鐘點差幾小時」 asks for tutoring hours, never a count of classroom students.
    ans = engine.answer("逢甲標竿跟錄取課程，線上註冊一千人以下時，每週線上輔導鐘點差幾小時？超過一千人呢？")
    assert ans.citations and "線上輔導鐘點費" in ans.citations[0].path


def test_a_long_cue_word_that_begins_before_the_window_still_binds(engine: Engine) -> None:
    # "equipment" ends 11 characters before the figure but begins 20 before it.
    ans = engine.answer("MOE MOOC series: subsidy NT$2,000,000 with an equipment budget of NT$120,000. Is that within the rules?")
    assert ans.inputs.get("equipment") == "120000" and "self_funding" not in ans.inputs
    dated = engine.answer("NDHU: our plan has the execution date 2025-03-01. By when must the materials be finished?")
    assert dated.kind == "calculation" and dated.inputs.get("approval_date") == "2025-03-01"


def test_a_plan_checked_cites_the_clause_of_the_condition_it_fails_first(engine: Engine) -> None:
    ans = engine.answer("教育部磨課師系列補助 200 萬，設備費編 12 萬，這樣符合規定嗎？")
    assert ans.kind == "calculation" and ans.direct.startswith("不符合")
    assert ans.citations[0].path == ("9", "2", "3")


@pytest.mark.parametrize("joined", ["350, 280 and 420", "350、280 和 420", "350, 280, and 420"])
def test_a_list_whose_last_figure_is_joined_by_and_is_read_whole(engine: Engine, joined: str) -> None:
    ans = engine.answer(f"教育部新南向系列三門課期末目標國註冊分別 {joined} 人，每門都有達標嗎？")
    assert ans.kind == "calculation" and ans.inputs.get("registrants") == "350,280,420"
    assert ans.direct.startswith("不符合") and "280" in ans.text


@pytest.mark.parametrize("question", ["Is that enough?", "Does each course meet the requirement?", "有達標嗎？"])
def test_asking_whether_a_plan_is_enough_or_meets_a_rule_asks_for_a_check(question: str) -> None:
    from core.talk import asks_check

    assert asks_check(question)
    assert not asks_check("Who did NTHU meet at the Higher Education Press?")


def test_a_figure_without_a_unit_binds_where_a_cue_word_says_what_it_counts(engine: Engine) -> None:
    # The reader knows no unit "topics", nor 5,000 without 元: the words beside them say what they are.
    topics = engine.answer("NDHU distance course: we will post 5 discussion topics this semester. Is that enough?")
    assert topics.kind == "calculation" and topics.inputs.get("discussion_topics") == "5" and topics.direct.startswith("Does not comply")
    amount = engine.answer("東華遠距課程 100 人，助教每月 4,000，聘 5 個月總共多少？")
    assert amount.inputs.get("monthly_amount") == "4000" and "20,000" in amount.text
    # A count in Chinese with an unread unit (十八歲) is not taken by a cue word further on (學分課).
    age = engine.answer("高中生未滿十八歲可以修高科大磨課師學分課嗎")
    assert "credits_total" not in age.inputs


def test_asking_whether_a_plan_is_allowed_checks_it_even_when_its_figure_is_one_of_the_rules(engine: Engine) -> None:
    # 3 is also the rule's minimum of courses a series; the question still asks about the plan, not the rule.
    ans = engine.answer("We plan to apply for 3 MOE MOOC series this year. Is that allowed?")
    assert ans.kind == "calculation" and ans.direct.startswith("Does not comply") and ans.citations[0].path[:2] == ("8", "3")


def test_a_year_of_the_calendar_fills_a_year_input_and_the_cue_beside_it_picks_which(engine: Engine) -> None:
    ans = engine.answer("高科大磨課師課程民國 113 年完課，卓越獎最晚哪天要申請？")
    assert ans.kind == "calculation" and ans.inputs.get("completed_year") == "2024" and "114.01.31" in ans.text
    assert "year" not in ans.inputs  # the year the course was completed, not the year of the application


def test_a_series_type_alone_gives_its_cap_and_the_limits_at_the_cap(engine: Engine) -> None:
    # No amount is given: the budget check cannot run, the caps rule computes the limits at the cap.
    ans = engine.answer("新南向系列最多補助多少？人事費最多可以編多少？")
    assert ans.kind == "calculation" and ans.calculator == "moe_subsidy_cap" and ans.citations[0].path == ("9", "1")
    assert "4,000,000" in ans.text and "2,400,000" in ans.text


def test_an_amount_asked_of_the_ministry_is_the_subsidy(engine: Engine) -> None:
    ans = engine.answer("A county university asks MOE for NT$2 million. What is the least self-funding?")
    assert ans.kind == "calculation" and ans.inputs.get("subsidy") == "2000000" and "352,942" in ans.text


def test_sessions_once_a_month_are_checked_against_every_two_weeks(engine: Engine) -> None:
    ans = engine.answer("東華遠距課每月一次同步討論，每次兩小時，這樣可以嗎？")
    assert ans.inputs.get("sync_monthly") == "yes" and ans.direct.startswith("不符合")


def test_hours_by_days_of_the_week_are_a_schedule_of_consecutive_days(engine: Engine) -> None:
    ans = engine.answer("東華工讀生星期二到星期日每天 4 小時，這樣排班可以嗎？")
    assert ans.inputs.get("schedule") == "0,4,4,4,4,4,4" and ans.direct.startswith("不符合")
    assert ans.citations[0].path[:2] == ("預算表", "工作費、工讀費")
    five = engine.answer("東華工讀生排班：週一到週五每天 8 小時，週末休息，符合規定嗎？")
    assert five.inputs.get("schedule") == "8,8,8,8,8" and five.direct.startswith("符合")


def test_a_long_cue_word_that_begins_just_after_the_figure_binds_it(engine: Engine) -> None:
    # "total" begins 4 characters after "36 hours" and ends 9 after it.
    ans = engine.answer("NDHU distance course with 36 hours in total: at least how many hours must be online?")
    assert ans.inputs.get("total_hours") == "36" and "online_hours" not in ans.inputs and "18" in ans.direct
