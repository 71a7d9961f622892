"""Figures the planner binds that need more than a unit: bare scores beside their cue words, hours and minutes
that do not divide evenly, a count of people the table caps, and the weeks a material is used."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.engine import Engine
from rules.evaluate import format_value


@pytest.mark.parametrize(
    "question",
    [
        "教育部系列課程審查，推動規劃80、課程發展90、簡報70，加權總分幾分？",
        "MOE series review: 80 on promotion planning, 90 on series course development and 70 on the presentation; weighted score?",
    ],
)
def test_bare_scores_bind_to_the_parts_their_cue_words_name(engine: Engine, question: str) -> None:
    ans = engine.answer(question)
    assert ans.kind == "calculation" and ans.calculator == "moe_review_score"
    assert ans.inputs.get("plan_score") == "80" and ans.inputs.get("course_score") == "90" and ans.inputs.get("presentation_score") == "70"
    assert "83" in ans.text


def test_hours_and_minutes_that_do_not_divide_evenly_give_a_whole_multiple(engine: Engine) -> None:
    ans = engine.answer("逢甲教育部磨課師錄取課程，影片成品總共 9 小時 20 分鐘，教材錄製鐘點費算幾小時？")
    assert ans.kind == "calculation" and ans.calculator == "fcu_recording_fee"
    assert "= 56 小時" in ans.text and "55.99" not in ans.text


def test_a_figure_from_a_division_that_does_not_end_is_shown_rounded() -> None:
    assert format_value(Decimal("55.999998"), None, "hour", "zh") == "56"
    assert format_value(Decimal("9.333333"), "num", None, "zh") == "9.3333"
    assert format_value(Decimal("0.12345"), "num", None, "zh") == "0.12345"  # five places are shown as they are
    assert format_value(Decimal("10833.335"), None, "TWD", "zh") == "NT$10,833.34"
    assert format_value(Decimal("3063.3"), None, "TWD", "zh") == "NT$3,063.3"


def test_the_count_of_material_assistants_is_theirs_not_a_classroom_count(engine: Engine) -> None:
    ans = engine.answer("逢甲錄取課程的教材助理，兩個人都補滿月數的話，津貼一共幾小時？")
    assert ans.kind == "calculation" and ans.calculator == "fcu_material_assistants"
    assert "344" in ans.text


def test_the_weeks_a_mooc_material_is_used_are_not_the_mooc_course_weeks(engine: Engine) -> None:
    ans = engine.answer("逢甲 實體課堂 80 個學生，用磨課師教材上了 9 週，教學助理可以補幾名、共幾小時？")
    assert ans.kind == "calculation" and ans.calculator == "fcu_teaching_assistants"
    assert ans.inputs.get("weeks") == "9" and "online_weeks" not in ans.inputs
    assert "90" in ans.text


def test_two_tiers_a_rule_refuses_in_that_order_go_to_the_rule_that_compares_them(engine: Engine) -> None:
    # Bound as an upgrade, benchmark → SPOC is refused (an upgrade goes to a higher tier): the question compares them.
    ans = engine.answer("逢甲標竿課程和SPOC課程，教材助理都補滿4個月，兩個等級的津貼時數差幾小時？")
    assert ans.kind == "calculation" and ans.calculator == "fcu_material_assistants"
    assert "相差 172 小時" in ans.text
    upgrade = engine.answer("我的課原本是逢甲 SPOC（影片 9 小時、已領獎勵金），後來錄取教育部磨課師，依說明第 3 點可以補差額幾小時的鐘點費？")
    assert upgrade.calculator == "fcu_tier_upgrade"  # named in the upgrade's order, the same rule is kept


def test_the_ministry_named_before_a_figure_does_not_make_it_the_subsidy(engine: Engine) -> None:
    ans = engine.answer("MOE series: we plan NT$100,000 of equipment. What is the least subsidy that keeps it within the share?")
    assert ans.calculator == "moe_budget_check" and ans.inputs.get("equipment") == "100000" and "subsidy" not in ans.inputs
    assert "2,000,000" in ans.text
    asked = engine.answer("A city-run university asks MOE for NT$3 million for a MOOC series. What is the minimum self-funding?")
    assert asked.inputs.get("subsidy") == "3000000"


def test_a_longer_avoid_word_ending_where_a_cue_ends_rules_the_input_out(engine: Engine) -> None:
    # 「計畫總經費」 ends where the subsidy's cue 「經費」 ends: the figure is the plan total, not the subsidy.
    ans = engine.answer("我們是縣立的學校，教育部系列計畫總經費要編 400 萬，自籌至少多少？")
    assert ans.calculator == "moe_budget_check"
    assert "總經費 NT$4,000,000" in ans.text or "总经费 NT$4,000,000" in ans.text
    assert "600,000" in ans.text and "705,883" not in ans.text  # not 15/85 of a subsidy of 400 萬
    plain = engine.answer("教育部系列計畫經費 200 萬，地方政府學校自籌最少多少？")
    assert plain.inputs.get("subsidy") == "2000000"  # 「經費」 alone still names the subsidy


def test_a_month_of_the_year_fills_a_month_input(engine: Engine) -> None:
    ans = engine.answer("新南向系列的工作進度，五月份的要在哪天前交？")
    assert ans.kind == "calculation" and ans.calculator == "moe_progress_report_due"
    assert ans.inputs.get("work_month") == "5" and "6 月 5 日" in ans.text


def test_stipend_and_support_team_are_the_tables_allowance_and_support_team(engine: Engine) -> None:
    ans = engine.answer("Feng Chia: how is a material assistant's stipend worked out?")
    assert ans.citations[0].document == "fcu-mooc-reward" and tuple(ans.citations[0].path[:2]) == ("附表", "教材製作助理與支援團隊")
    assert "43" in ans.text
    team = engine.answer(
        "FCU accepted course: which support team do we get (project manager, material assistants, filming crew), "
        "and how are the assistants' stipends worked out?"
    )
    assert "43" in team.text and "4 months" in team.text
