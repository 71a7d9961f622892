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
        ("高科大今年兩門磨課師都補到頂，學校一共要出多少業務費？", "nkust_yearly_total"),
        ("我在高科大修了好幾門磨課師學分課程，加起來有 11 學分，最多能認幾學分", "nkust_graduation_credits"),  # 好幾門: several, asked of none
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


def test_a_list_written_with_a_unit_goes_to_the_list_input_of_that_unit(engine: Engine) -> None:
    # Hours are a work schedule, not video minutes; the single-day rule cannot take seven figures.
    hours = engine.answer("NDHU work-study schedule for one week: 6, 6, 0, 8, 8, 8, 0 hours. Does it follow the budget table's work-hour rules?")
    assert hours.kind == "calculation" and hours.calculator == "ndhu_work_hours"  # the budget table's work-hour rules
    assert hours.inputs.get("schedule") == "6,6,0,8,8,8,0"
    minutes = engine.answer("東華磨課師一週放 3 段影片，各 12、15、18 分鐘，哪裡不符合？")
    assert minutes.calculator == "ndhu_course_structure" and minutes.inputs.get("videos") == "12,15,18"
    # 「各」 before a list is one figure for each video, not 3 × 12 minutes.
    assert "weekly_minutes" not in minutes.inputs


def test_a_tables_rows_as_a_whole_are_computed_and_the_table_is_cited_first(engine: Engine) -> None:
    total = engine.answer("清華表二六門課的修課人數合計是多少？")
    assert total.kind == "calculation" and total.citations[0].path == ("表二",)
    assert format(total.result["total"], ",") in total.direct
    average = engine.answer("清華中國大學MOOC六門課平均每門幾人？")
    assert average.kind == "calculation" and average.citations[0].path == ("表二",) and average.inputs.get("per_course") == "yes"
    assert format(int(average.result["average"]), ",") in average.direct
    # A bare total is stated by the summary: its clause answers, as before.
    stated = engine.answer("清華那六門課總共多少人修？")
    assert stated.kind == "answer" and stated.citations[0].path[0] == "摘要"


@pytest.mark.parametrize("question", ["清華修課人數前三名的課加起來多少人？", "Top 3 NTHU courses on China University MOOC: how many learners together?"])
def test_a_count_after_top_is_how_many_of_the_largest_rows(engine: Engine, question: str) -> None:
    ans = engine.answer(question)
    assert ans.kind == "calculation" and ans.calculator == "nthu_icourse_enrolments" and ans.inputs.get("top") == "3"
    assert ans.citations[0].path == ("表二",)


def test_a_total_set_against_the_table_binds_to_it_not_to_a_threshold(engine: Engine) -> None:
    ans = engine.answer("清華摘要說達 21 萬人，表二合計比它多幾人？")
    assert ans.kind == "calculation" and ans.inputs == {"claimed": "210000"} and ans.citations[0].path == ("表二",)


def test_zeros_of_two_figures_are_no_shared_word() -> None:
    from core.planner import _longest_shared

    assert _longest_shared("破100000的比例", "加總比210000多") == 0
    assert _longest_shared("教學助理時數", "助教時數最多") == 2


def test_two_named_rows_taken_by_the_rules_two_inputs_are_compared_by_the_rule(engine: Engine) -> None:
    ans = engine.answer("In the NTHU report (Table 2), how many fewer learners did 系統神經科學 have than 物聯網概論?")
    assert ans.kind == "calculation" and ans.intent == "forward"
    assert ans.inputs == {"course": "systems_neuroscience", "other_course": "iot"}
    assert format(ans.result["difference"], ",") in ans.direct


def test_english_cue_words_are_counted_in_words_not_characters(engine: Engine) -> None:
    # 「of other costs」 follows the figure by three words, past the eight characters a Chinese cue window holds.
    ans = engine.answer("NKUST production subsidy: 10 hours of recording and NT$30,000 of other costs — how much?")
    assert ans.kind == "calculation" and ans.inputs.get("other_costs_requested") == "30000"
    assert "70,000" in ans.direct


def test_an_english_cue_word_is_a_whole_word(engine: Engine) -> None:
    # 「distance」 holds the letters of the cue 「TA」: the 140 students are the enrolment, the two TAs the TAs.
    ans = engine.answer("NDHU distance course with 140 students and two TAs: how much for the semester?")
    assert ans.kind == "calculation" and ans.inputs.get("enrolment") == "140" and ans.inputs.get("tas") == "2"


def test_a_result_the_asked_input_does_not_change_is_not_solved_for(engine: Engine) -> None:
    # The first instalment follows from the subsidy alone: no pay figure makes it reach NT$700,000.
    ans = engine.answer("Hi! MOE series question — our approved subsidy is NT$1.8M. Once the first instalment arrives we will already have "
                        "spent NT$700,000 of it. How much of the first instalment is left, and how big are the other two instalments?")
    assert ans.kind == "calculation" and ans.calculator == "moe_instalments" and "200,000" in ans.direct


@pytest.mark.parametrize(
    ("question", "name", "value"),
    [
        ("東華遠距課選課超過 120 人，可以請幾位教學助理？", "enrolment", "121"),
        ("FCU benchmark course, 6 weeks, more than 1,000 online registrants: online tutoring hours?", "online_enrolment", "1001"),
        ("逢甲標竿課程 6 週、線上註冊不到 1,000 人，線上輔導鐘點幾小時？", "online_enrolment", "999"),
    ],
)
def test_a_count_past_a_threshold_of_the_rule_takes_that_side_of_it(engine: Engine, question: str, name: str, value: str) -> None:
    ans = engine.answer(question)
    assert ans.kind == "calculation" and ans.inputs.get(name) == value
    assert any(n.kind == "reading" and value in n.text.replace(",", "") for n in ans.notes)


def test_a_count_past_a_figure_that_is_no_threshold_is_taken_as_written(engine: Engine) -> None:
    ans = engine.answer("東華遠距課選課超過 100 人，可以請幾位教學助理？")
    assert ans.inputs.get("enrolment") == "100"


def test_a_figure_whose_words_name_a_result_is_the_result_wanted(engine: Engine) -> None:
    # 「100 hourly fees」 is in hours like the video, but its words name the result: the video hours are solved for.
    ans = engine.answer("FCU benchmark course: how many hours of finished video would give 100 hourly fees for recording?")
    assert ans.kind == "calculation" and ans.inputs.get("video_hours") == "12.5"


@pytest.mark.parametrize(
    ("question", "hours"),
    [
        ("高科大其他業務費 2 萬，錄幾小時會到每門課 14 萬上限？", "24"),
        ("NKUST: if I also claim the full expert fee (NT$10,000) and the full other costs (NT$20,000), how many hours of my own "
         "recording would reach the NT$140,000 course cap?", "22"),
    ],
)
def test_a_cap_named_as_the_target_is_reached_by_the_result_it_caps(engine: Engine, question: str, hours: str) -> None:
    # The course total reaches NT$140,000, not the recording fee alone (which would take 28 hours).
    ans = engine.answer(question)
    assert ans.kind == "calculation" and ans.calculator == "nkust_production_subsidy" and ans.inputs.get("video_hours") == hours


def test_an_amount_said_to_include_the_premium_is_reached_by_the_total_with_it(engine: Engine) -> None:
    # The words after the figure name the total with the premium (1,021.1 an hour), not the fee alone (1,000 an hour).
    ans = engine.answer("NDHU: with NT$30,633 for recording (fee plus supplementary premium), how many hours can be recorded?")
    assert ans.kind == "calculation" and ans.inputs.get("recording_hours") == "30"


def test_english_words_before_and_belong_to_the_figure_before_it(engine: Engine) -> None:
    # 「of other costs and NT$25,000 for student assistants」: the other costs are the NT$30,000, the assistants the 25,000;
    # "how much is left under the cap" asks for a result, not for the request that reaches the cap.
    ans = engine.answer("NKUST production subsidy: 10 hours of my own recording, 6 unit videos with an industry expert, NT$30,000 of other "
                        "costs and NT$25,000 for student assistants. What is the most I can get, and how much room is left under the course cap?")
    assert ans.kind == "calculation" and ans.intent == "forward"
    assert ans.inputs.get("other_costs_requested") == "30000" and ans.inputs.get("staff_fee_requested") == "25000"
    assert "105,000" in ans.direct and "35,000" in ans.direct


@pytest.mark.parametrize(
    ("question", "name", "value"),
    [
        ("逢甲線上註冊多少人以上，就需要第 3 位線上輔導助教？", "online_enrolment", "1001"),
        ("東華遠距課想要第二位教學助理，選課人數至少要幾人？", "enrolment", "121"),
        ("FCU: how many online registrants before we need a third online tutor?", "online_enrolment", "1001"),
        ("NDHU distance course: how many students do we need for a second TA?", "enrolment", "121"),
    ],
)
def test_an_ordinal_is_a_count_to_reach_and_the_input_asked_is_solved_for(engine: Engine, question: str, name: str, value: str) -> None:
    # 「第 3 位線上輔導助教」 is three tutors wanted, never three persons given; 「線上註冊多少人」 names the input solved for.
    ans = engine.answer(question)
    assert ans.kind == "calculation" and f"solved_{name}" in ans.result and ans.inputs.get(name) == value


def test_the_items_of_a_list_are_not_a_result_wanted(engine: Engine) -> None:
    ans = engine.answer("逢甲 3 門 SPOC 課程，影片分別 6、8、10 小時，錄製獎勵金合計幾個鐘點？")
    assert ans.kind == "calculation" and ans.calculator == "fcu_recording_fee" and "96" in ans.direct


def test_figures_of_each_item_are_added_up_for_a_total_and_kept_for_one_item(engine: Engine) -> None:
    # "2 new courses of 4 hours each": 2 new courses (not 2 courses in all: 'new' qualifies them) and 8 hours in total.
    ans = engine.answer("Our MOE series has 2 new courses of 4 hours each. How many more new-course hours do we need?")
    assert ans.inputs.get("new_courses") == "2" and ans.inputs.get("new_course_hours") == "8" and "courses" not in ans.inputs
    assert any("4 hours short" in n.text for n in ans.notes)
    # "7 videos of 9 minutes each": each video is 9 minutes; the week's 63 minutes are worked out by the rule.
    per_video = engine.answer("NKUST MOOC plan: 7 videos of 9 minutes each per week. Does that meet the weekly video rule?")
    assert per_video.inputs.get("video_minutes") == "9" and "63" in per_video.text


def test_courses_described_one_by_one_are_worked_out_each_and_added_up(engine: Engine) -> None:
    # Each course's own words only: the self-study course gets no TA hours, the general one 80; the wage is for both.
    ans = engine.answer("高科大磨課師兩門課：一門 6 週的一般課程、一門 9 週的自學課程，經營補助的助教時數合計多少？時薪算 200 的話總共多少錢？")
    assert ans.kind == "calculation" and ans.result.get("max_ta_hours_total") == 80 and ans.result.get("amount_total") == 16000
    en = engine.answer("NKUST: I plan two MOOCs this year. Course A has 8 hours of my own recording and 3 expert unit videos; course B has 14 hours "
                       "of recording, 6 expert unit videos and NT$20,000 of other costs. What is the maximum subsidy for each course and in total?")
    assert en.result.get("total_granted_1") == 46000 and en.result.get("total_granted_2") == 100000 and en.result.get("total_granted_total") == 146000
    assert "Course A" in en.text and "146,000" in en.direct
    # 「一門 150 人」 is that course's enrolment, not "the other course's".
    ndhu = engine.answer("東華兩門遠距教學課，一門 150 人、一門 60 人，一學期教學助理補助合計最多多少？")
    assert ndhu.result.get("max_semester_amount_total") == 90000


@pytest.mark.parametrize(
    "question",
    ["FCU: three MOE accepted courses, each running 5 weeks with under 1,000 registrants. Total online tutoring hours?",
     "逢甲教育部錄取課程 3 門課每門都開 5 週、線上註冊 800 人，線上輔導鐘點合計幾小時？"],
)
def test_courses_alike_are_worked_out_once_and_multiplied(engine: Engine, question: str) -> None:
    # (5 + 2) weeks × 4 h = 28 a course, × 3 = 84 (not 3 × 5 = 15 weeks in one course: (15 + 2) × 4 = 68).
    ans = engine.answer(question)
    assert ans.kind == "calculation" and ans.inputs.get("course_weeks") == "5" and ans.result.get("total_hours_total") == 84


def test_a_yes_no_input_is_no_by_its_avoid_words(engine: Engine) -> None:
    local = engine.answer("教育部磨課師計畫補助 170 萬，我們是市立大學，自籌至少要多少？")
    national = engine.answer("教育部磨課師計畫補助 170 萬，我們是一般國立大學，自籌至少要多少？")
    assert local.inputs.get("local_government") == "yes" and national.inputs.get("local_government") == "no"
    assert local.result["min_self_funding"] == 300000 and national.result["min_self_funding"] == 170000


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


def test_the_words_naming_a_bare_figure_are_read_whole(engine: Engine) -> None:
    # "asynchronous discussion topics" is longer than a short window: its last word must not be cut to "topic".
    ans = engine.answer("NDHU distance-learning course: I'm only planning 4 asynchronous discussion topics this semester. Is that OK under the rules?")
    assert ans.kind == "calculation" and ans.inputs.get("discussion_topics") == "4" and ans.direct.startswith("Does not comply")


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


def test_a_rate_of_the_rule_restated_is_no_result_to_reach(engine: Engine) -> None:
    # 「每單元兩千」 repeats the rule's own rate: the units are computed forward, not solved for NT$2,000.
    ans = engine.answer("高科大請校外業師協同錄製，總共錄了6個單元的影片，業師鐘點費可以報多少？每單元兩千乘6是不是就能全部報")
    assert ans.kind == "calculation" and ans.calculator == "nkust_expert_fee" and ans.inputs.get("expert_units") == "6"
    assert "10,000" in ans.text


def test_a_list_said_one_a_course_is_worked_out_for_each_and_added_up(engine: Engine) -> None:
    # 「分別是 3 週和 6 週」: one course of 3 weeks (6 h → 0.2) and one of 6 weeks (12 h → 0.5).
    ans = engine.answer("高科大兩門磨課師學分課，分別是3週和6週，總共可以拿幾學分？")
    assert ans.kind == "calculation" and ans.calculator == "nkust_credits" and ans.intent == "sum"
    assert "0.7" in ans.text
    en = engine.answer("NKUST: I passed two MOOC credit courses of 4 weeks and 6 weeks respectively. How many credits in all?")
    assert en.intent == "sum" and "0.7" in en.text
    from core.planner import _respective_items
    from lang.quantities import read

    assert _respective_items("修了 4 週的課，另一門 5 週", read("修了 4 週的課，另一門 5 週")) == []


def test_a_figure_of_the_rule_asked_to_be_confirmed_is_not_the_askers(engine: Engine) -> None:
    # 「每週是算 2 小時對吧」 repeats the rule's 2 hours a week: the weeks are solved for 1 credit (18 h → 9 weeks).
    ans = engine.answer("高科大磨課師要讓學生拿到1學分，最少要開幾週？（每週線上學習是算2小時對吧）")
    assert ans.kind == "calculation" and ans.calculator == "nkust_credits"
    assert "9 週" in ans.text


def test_the_maximum_rate_is_no_cap_to_reach(engine: Engine) -> None:
    # "at the maximum hourly rate" says how the fee is paid; the NT$30,000 is the result wanted, by its own rule.
    ans = engine.answer("NKUST: I have NT$30,000 for my teacher recording fee. At the maximum hourly rate, how many hours of finished video does that pay for?")
    assert ans.kind == "calculation" and ans.calculator == "nkust_recording_fee" and "6 hours" in ans.text


def test_words_of_degree_in_a_side_remark_do_not_hide_the_question(engine: Engine) -> None:
    # 「比較輕鬆一點」 is a remark: 比較 and 一點 are stopwords, and the weeks are checked.
    ans = engine.answer("高科大磨課師想開10週，比較輕鬆一點，符合規定嗎？")
    assert ans.kind == "calculation" and ans.direct.startswith("不符合")


def test_a_remembered_plan_is_the_plan_and_is_not_stored_in_the_cache(engine: Engine) -> None:
    import pickle

    planner = engine._planner
    questions = ["高科大磨課師學生每週上 2 小時，開了 4 週，學分是？", "逢甲標竿課程開六週，註冊一千人，線上輔導鐘點費幾小時？", "東華遠距課兩位助教，一學期最多補助多少？"]
    for q in questions:
        first = engine.answer(q)
        assert planner._plans  # remembered
        assert engine.answer(q) == first  # from memory: the same answer
        planner._plans.clear()
        assert engine.answer(q) == first  # planned afresh: the same answer
    light, reading = planner.read(questions[0])
    credits = [(r, 1.0) for r in planner.rules.values() if r.name == "nkust_credits"]
    fees = [(r, 1.0) for r in planner.rules.values() if r.name == "nkust_operation_ta"]
    first = planner.plan(light, reading, credits)
    assert first is not None and first == planner._plan(light, reading, credits, None, ())
    other = planner.plan(light, reading, fees)  # other candidates: planned again, not taken from memory
    assert other == planner._plan(light, reading, fees, None, ()) and other != first
    assert pickle.loads(pickle.dumps(planner))._plans == {}


@pytest.mark.parametrize("question", [
    "how much more recording fee does a benchmark course get than an accepted one at FCU?",
    "At FCU, how many more hourly fees for recording does a benchmark course get compared with a SPOC course?",
])
def test_english_words_of_a_rules_title_beside_how_much_name_what_is_asked(engine: Engine, question: str) -> None:
    """Named tiers and no figure: a calculation when the English words beside "how much" are the rule's own (its
    title, its results' labels), as 「多多少」 beside 鐘點費 is in Chinese."""
    ans = engine.answer(question)
    assert ans.kind == "calculation" and ans.calculator == "fcu_recording_compare", (ans.kind, ans.calculator)
