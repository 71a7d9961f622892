"""Calculators: hand-computed cases, boundaries, caps, monotonicity, robustness and citations.

Every expected figure below was worked out by hand from the rule text in knowledge/sources/, not by
calling the code.
"""

from __future__ import annotations

import functools
import math
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bootstrap import engine_from
from rules.base import CalcError, CalcResult, Param
from lang.dates import period_end

D = Decimal
ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
# The calculators the assistant runs: rule definitions of the knowledge base (and Python ones not yet moved).
REGISTRY: dict[str, Any] = {c.name: c for c in engine_from(ROOT / "knowledge").calculators()}
ALL = tuple(REGISTRY.values())
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The robustness properties run once per calculator (13 ×), so 100 examples each is 1,300 per property.
PER_CALC = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(name: str, **raw: Any) -> CalcResult:
    return REGISTRY[name].run(raw)


# --------------------------------------------------------------------------------------------------
# Hand-computed cases: (calculator, input, expected figures)
# --------------------------------------------------------------------------------------------------

CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    # nkust_credits (三、): 4 h → 0.2, 9 h → 0.5, 18 h → 1
    ("nkust_credits", {"hours": "3.99"}, {"credits": D(0)}),
    ("nkust_credits", {"hours": 4}, {"credits": D("0.2")}),
    ("nkust_credits", {"hours": "8.99"}, {"credits": D("0.2")}),
    ("nkust_credits", {"hours": 9}, {"credits": D("0.5")}),
    ("nkust_credits", {"hours": "17.99"}, {"credits": D("0.5")}),
    ("nkust_credits", {"hours": 18}, {"credits": D(1)}),
    ("nkust_credits", {"weeks": 9}, {"hours": D(18), "credits": D(1)}),
    # nkust_production_subsidy (四、(一)2.)
    ("nkust_production_subsidy", {"video_hours": "2.5"}, {"recording_max": D(12500), "recording_granted": D(12500), "total_granted": D(12500)}),
    ("nkust_production_subsidy", {"video_hours": "0.5"}, {"recording_max": D(2500), "total_granted": D(2500)}),
    ("nkust_production_subsidy", {"video_hours": 28}, {"total_granted": D(140000), "course_cap_applied": False, "course_cap": 140000}),
    ("nkust_production_subsidy", {"video_hours": 28, "other_costs_requested": 1},
     {"subtotal_after_item_caps": D(140001), "total_granted": D(140000), "course_cap_applied": True}),
    ("nkust_production_subsidy", {"video_hours": 1, "expert_units": 3},
     {"expert_max": D(6000), "expert_requested": D(6000), "expert_granted": D(6000), "total_granted": D(11000)}),
    ("nkust_production_subsidy", {"video_hours": 1, "expert_units": 6}, {"expert_max": D(10000), "expert_requested": D(12000), "expert_granted": D(10000)}),
    ("nkust_production_subsidy", {"video_hours": 1, "expert_units": 3, "expert_fee_requested": 5000}, {"expert_granted": D(5000)}),
    ("nkust_production_subsidy", {"video_hours": 1, "other_costs_requested": 30000}, {"other_max": D(20000), "other_granted": D(20000), "total_granted": D(25000)}),
    ("nkust_production_subsidy", {"video_hours": 8, "staff_fee_requested": 100000}, {"staff_granted": D(100000), "total_granted": D(140000), "course_cap_applied": False}),
    ("nkust_production_subsidy", {"video_hours": 8, "staff_fee_requested": 100000, "other_costs_requested": 5000},
     {"total_requested": D(145000), "total_granted": D(140000), "course_cap_applied": True}),
    ("nkust_production_subsidy", {"video_hours": 3, "recording_fee_requested": 10000}, {"recording_max": D(15000), "recording_granted": D(10000)}),
    ("nkust_production_subsidy", {"video_hours": 40, "expert_units": 10, "staff_fee_requested": 50000, "other_costs_requested": 25000},
     {"recording_granted": D(200000), "expert_granted": D(10000), "other_granted": D(20000), "total_requested": D(295000), "total_granted": D(140000)}),
    ("nkust_production_subsidy", {"video_hours": 1, "courses_this_year": 3}, {"yearly_course_limit_ok": True}),
    ("nkust_production_subsidy", {"video_hours": 1, "courses_this_year": 4}, {"yearly_course_limit_ok": False}),
    # a plan checked item by item: 6 h allow 30,000; other costs at most 20,000
    ("nkust_production_subsidy", {"video_hours": 6, "recording_fee_requested": 30000, "other_costs_requested": 20000}, {"all_checks_pass": True, "total_granted": D(50000)}),
    ("nkust_production_subsidy", {"video_hours": 6, "recording_fee_requested": 30000, "other_costs_requested": 30000}, {"all_checks_pass": False, "other_granted": D(20000)}),
    # nkust_operation_ta (四、(一)3.): (weeks + 2) × 10 h
    ("nkust_operation_ta", {"course_weeks": 6}, {"weeks_paid": 8, "max_ta_hours": D(80)}),
    ("nkust_operation_ta", {"course_weeks": 9}, {"weeks_paid": 11, "max_ta_hours": D(110)}),
    ("nkust_operation_ta", {"course_weeks": 2}, {"weeks_paid": 4, "max_ta_hours": D(40)}),
    ("nkust_operation_ta", {"course_weeks": 6, "self_study": "是"}, {"max_ta_hours": D(0), "weeks_paid": 0}),
    ("nkust_operation_ta", {"course_weeks": 6, "hourly_wage": 190}, {"max_ta_hours": D(80), "amount": D(15200)}),
    ("nkust_operation_ta", {"course_weeks": 4, "other_course_weeks": 8}, {"max_ta_hours": D(60), "both_courses_ta_hours": D(160)}),
    # one item of 四、(一)2. on its own: 5,000 an hour (pro rata, within the 140,000 course cap); 2,000 a unit up to 10,000; other costs up to 20,000
    ("nkust_recording_fee", {"video_hours": 9}, {"recording_fee": D(45000)}),
    ("nkust_recording_fee", {"video_hours": "6.5"}, {"recording_fee": D(32500)}),
    ("nkust_recording_fee", {"video_hours": 29}, {"fee_by_hours": D(145000), "recording_fee": D(140000), "remaining_under_cap": D(0)}),
    ("nkust_expert_fee", {"expert_units": 4}, {"expert_fee": D(8000)}),
    ("nkust_expert_fee", {"expert_units": 6}, {"fee_by_units": D(12000), "expert_fee": D(10000)}),
    ("nkust_other_costs", {"requested": 22000}, {"other_granted": D(20000), "excess": D(2000), "within_other_cap": False}),
    ("nkust_other_costs", {"requested": 15000}, {"other_granted": D(15000), "excess": D(0), "within_other_cap": True}),
    ("nkust_yearly_total", {"courses": 3}, {"yearly_total": D(420000), "yearly_courses_ok": True}),
    ("nkust_yearly_total", {"courses": 4}, {"courses_counted": D(3), "yearly_total": D(420000), "yearly_courses_ok": False}),
    # nkust_weekly_video (二、(一)): 50–60 minutes a week, 2–9 weeks and ≤ 10-minute units as a rule, no recorded lectures
    ("nkust_weekly_video", {"weekly_minutes": 40, "course_weeks": 11}, {"short_by_minutes": D(10), "weekly_minutes_ok": False, "weeks_ok": False}),
    ("nkust_weekly_video", {"videos_per_week": 6, "video_minutes": 9, "course_weeks": 8}, {"weekly_minutes": D(54), "nkust_ok": True}),
    ("nkust_weekly_video", {"videos_per_week": 4, "video_minutes": 15}, {"weekly_minutes": D(60), "weekly_minutes_ok": True, "video_length_ok": False}),
    ("nkust_weekly_video", {"weekly_minutes": 61}, {"over_by_minutes": D(1), "weekly_minutes_ok": False}),
    ("nkust_weekly_video", {"lectures_per_week": 2, "video_minutes": 50}, {"weekly_minutes": D(100), "no_lecture_capture": False}),
    # nkust_review_committee (四、(三)): ⌈members × 2/3⌉ exactly: 3 → 2, 4 → 3, 5 → 4, 6 → 4
    ("nkust_review_committee", {"members": 3}, {"min_recommendations": 2, "committee_size_ok": True}),
    ("nkust_review_committee", {"members": 4}, {"min_recommendations": 3}),
    ("nkust_review_committee", {"members": 5, "recommending": 3}, {"min_recommendations": 4, "eligible": False}),
    ("nkust_review_committee", {"members": 6, "recommending": 4}, {"min_recommendations": 4, "eligible": True, "committee_size_ok": False}),
    ("nkust_review_committee", {"members": 3, "recommending": 2}, {"eligible": True}),
    # nkust_credit_certificate (三、(三)1.–2.): 18 on the 18th birthday; born 29 Feb → 1 Mar in a common year
    ("nkust_credit_certificate", {"age": 18, "passed": "是"}, {"age_ok": True, "passed_ok": True}),
    ("nkust_credit_certificate", {"age": 17}, {"age_ok": False}),
    ("nkust_credit_certificate", {"birth_date": "2008-03-01", "on_date": "115.03.01"}, {"age": 18, "age_ok": True}),
    ("nkust_credit_certificate", {"birth_date": "2008-03-01", "on_date": "115.02.28"}, {"age": 17, "age_ok": False}),
    ("nkust_credit_certificate", {"birth_date": "2008-02-29", "on_date": "2026-03-01"}, {"age": 18}),
    # nkust_graduation_credits (三、(一)2.): at most 9 count
    ("nkust_graduation_credits", {"courses": 4, "credits_each": 3}, {"total_credits": D(12), "counted_credits": D(9), "excess_credits": D(3), "within_cap": False}),
    ("nkust_graduation_credits", {"course_credits": "2,2,3,2"}, {"total_credits": D(9), "counted_credits": D(9), "within_cap": True}),
    ("nkust_graduation_credits", {"course_credits": "0.5,0.2,1"}, {"counted_credits": D("1.7"), "excess_credits": D(0)}),
    ("nkust_graduation_credits", {"credits_total": 10}, {"total_credits": D(10), "counted_credits": D(9), "excess_credits": D(1)}),
    ("nkust_credits", {"hours": 9}, {"credits": D("0.5"), "weeks_equivalent": D(5)}),
    # nkust_award (四、(二)): by 31 January, courses completed the previous calendar year; NT$30,000 at most; once per course
    ("nkust_award", {"year": 115}, {"deadline": "2026-01-31", "results_from": "2025-01-01", "results_to": "2025-12-31"}),
    ("nkust_award", {"completed_on": "2025-12-20"}, {"deadline": "2026-01-31", "completed_last_year": True}),
    ("nkust_award", {"apply_on": "2026-02-01", "completed_on": "2025-06-30"}, {"on_time": False, "completed_last_year": True}),
    ("nkust_award", {"year": 2026, "award_amount": 30000, "previously_awarded": "否"}, {"amount_ok": True, "first_award": True}),
    ("nkust_award", {"year": 2026, "award_amount": 30001}, {"amount_ok": False}),
    # nkust_credit_course (二、(二)2.; 五、(二)): three committee levels, the Academic Affairs Meeting, from the second run
    ("nkust_credit_course", {"levels_passed": 3, "academic_meeting": "是", "run_number": 2}, {"may_grant_credit": True}),
    ("nkust_credit_course", {"levels_passed": 2, "run_number": 1}, {"committees_ok": False, "run_ok": False, "may_grant_credit": False}),
    # nthu_icourse_enrolments (表二): 79,909 + 64,776 + 28,884 + 16,540 + 16,007 + 10,498 = 216,614
    ("nthu_icourse_enrolments", {}, {"total": 216614, "largest_course": "finance", "largest": 79909, "smallest_course": "systems_neuroscience",
                                     "smallest": 10498, "average": D("36102.33"), "matches_summary": True}),
    ("nthu_icourse_enrolments", {"course": "細讀張愛玲", "other_course": "物聯網概論"}, {"difference": 35892}),
    ("nthu_icourse_enrolments", {"course": "系統神經科學"}, {"enrolment": 10498, "share": D("4.85")}),
    ("nthu_icourse_enrolments", {"course": "財務管理", "other_course": "資料結構"}, {"difference": 63902, "pair_total": 95916}),
    ("nthu_icourse_enrolments", {"over": 20000}, {"courses_over": 3, "over_stated_total": 6614}),
    # nthu_icourse_partners (貳、4 月 25 日): 19 / 80 = 23.75%
    ("nthu_icourse_partners", {}, {"share_over": D("23.75"), "under": 61, "nthu_over": True}),
    ("nthu_icourse_partners", {"enrolment": 99999}, {"above_threshold": False}),
    # nthu_trip (封面、表一): 105.04.25–26 = 2 days; 4/26 → 5/10 = 14 days
    ("nthu_trip", {}, {"trip_start": "2016-04-25", "trip_end": "2016-04-26", "days": 2, "units_visited": 2, "days_to_forum": 14}),
    # nthu_timeline (摘要、貳): 2016 − 2013 = 3 years; Sep 2014 → Apr 2016 = 19 months (31 from Sep 2013)
    ("nthu_timeline", {}, {"years_of_moocs": 3, "xuetangx_months": 19, "xuetangx_months_as_stated_in_account": 31, "icourse_months": 3}),
    # fcu_recording_fee (附表; 第二條)
    ("fcu_recording_fee", {"tier": "錄取", "video_hours": 12}, {"multiple": 6, "hourly_fee_count": D(72), "video_hours_in_range": True}),
    ("fcu_recording_fee", {"tier": "標竿", "video_hours": 12}, {"multiple": 8, "hourly_fee_count": D(96)}),
    ("fcu_recording_fee", {"tier": "SPOC", "video_hours": 12}, {"multiple": 4, "hourly_fee_count": D(48), "fee_name": "教材錄製獎勵金"}),
    ("fcu_recording_fee", {"tier": "accepted", "video_hours": "2.5"}, {"hourly_fee_count": D(15), "video_hours_in_range": False}),
    ("fcu_recording_fee", {"tier": "benchmark", "video_hours": 10, "hourly_rate": 1000}, {"hourly_fee_count": D(80), "amount": D(80000)}),
    ("fcu_recording_fee", {"tier": "教育部標竿", "video_hours": 6}, {"tier": "benchmark", "video_hours_in_range": True}),
    ("fcu_recording_fee", {"tier": "教育部磨課師錄取課程", "video_hours": 18}, {"tier": "accepted", "video_hours_in_range": True}),
    ("fcu_recording_fee", {"tier": "逢甲大學SPOC錄取課程", "video_hours": "18.5"}, {"tier": "spoc", "video_hours_in_range": False}),
    ("fcu_recording_fee", {"tier": "spoc", "video_hours": "5.99"}, {"video_hours_in_range": False}),
    # fcu_tutoring_hours (附表 線上輔導鐘點費)
    ("fcu_tutoring_hours", {"tier": "benchmark", "course_weeks": 4, "online_enrolment": 300}, {"weeks_paid": 6, "hours_per_week": 6, "total_hours": D(36)}),
    ("fcu_tutoring_hours", {"tier": "benchmark", "course_weeks": 4, "online_enrolment": 1000}, {"hours_per_week": 6, "total_hours": D(36)}),
    ("fcu_tutoring_hours", {"tier": "benchmark", "course_weeks": 4, "online_enrolment": 1001}, {"hours_per_week": 12, "total_hours": D(72)}),
    ("fcu_tutoring_hours", {"tier": "accepted", "course_weeks": 18, "online_enrolment": 1000}, {"weeks_paid": 20, "hours_per_week": 4, "total_hours": D(80)}),
    ("fcu_tutoring_hours", {"tier": "accepted", "course_weeks": 18, "online_enrolment": 1001}, {"hours_per_week": 8, "total_hours": D(160)}),
    ("fcu_tutoring_hours", {"tier": "accepted", "course_weeks": 4, "online_enrolment": 500, "hourly_rate": 1000}, {"total_hours": D(24), "amount": D(24000)}),
    ("fcu_tutoring_hours", {"tier": "spoc", "course_weeks": 4, "online_enrolment": 5000}, {"total_hours": 0, "hours_per_week": 0}),
    # fcu_teaching_assistants (附表 教學助理 1., 2.)
    ("fcu_teaching_assistants", {"classroom_students": 0, "weeks": 18}, {"teaching_assistants": 0, "ta_total_hours": 0}),
    ("fcu_teaching_assistants", {"classroom_students": 1, "weeks": 18}, {"teaching_assistants": 1}),
    ("fcu_teaching_assistants", {"classroom_students": 39, "weeks": 18}, {"teaching_assistants": 1}),
    ("fcu_teaching_assistants", {"classroom_students": 40, "weeks": 18}, {"teaching_assistants": 1, "ta_hours_per_week": 5, "ta_total_hours": 90}),
    ("fcu_teaching_assistants", {"classroom_students": 41, "weeks": 18}, {"teaching_assistants": 2, "ta_hours_per_week": 10}),
    ("fcu_teaching_assistants", {"classroom_students": 80, "weeks": 18}, {"teaching_assistants": 2}),
    ("fcu_teaching_assistants", {"classroom_students": 81, "weeks": 18}, {"teaching_assistants": 3}),
    ("fcu_teaching_assistants", {"classroom_students": 100, "weeks": 18}, {"teaching_assistants": 3, "ta_hours_per_week": 15, "ta_total_hours": 270}),
    ("fcu_teaching_assistants", {"online_enrolment": 0, "weeks": 9}, {"online_tutors": 0}),
    ("fcu_teaching_assistants", {"online_enrolment": 499, "weeks": 9}, {"online_tutors": 1}),
    ("fcu_teaching_assistants", {"online_enrolment": 500, "weeks": 9}, {"online_tutors": 1, "tutor_hours_per_week": 5, "tutor_total_hours": 45}),
    ("fcu_teaching_assistants", {"online_enrolment": 501, "weeks": 9}, {"online_tutors": 2, "tutor_hours_per_week": 10, "tutor_total_hours": 90}),
    ("fcu_teaching_assistants", {"online_enrolment": 1001, "weeks": 9}, {"online_tutors": 3}),
    # without weeks: counts and weekly hours only (100 → ⌈100/40⌉ = 3 TAs, 15 h; 1200 → ⌈1200/500⌉ = 3 tutors, 15 h)
    ("fcu_teaching_assistants", {"classroom_students": 100, "online_enrolment": 1200},
     {"teaching_assistants": 3, "ta_hours_per_week": 15, "online_tutors": 3, "tutor_hours_per_week": 15}),
    ("fcu_teaching_assistants", {"classroom_students": 41}, {"teaching_assistants": 2, "ta_hours_per_week": 10, "online_tutors": 0, "tutor_hours_per_week": 0}),
    # online_weeks alone still gives the tutors' total: 501 → 2 tutors × 5 h × 9 weeks = 90 h
    ("fcu_teaching_assistants", {"classroom_students": 39, "online_enrolment": 501, "online_weeks": 9},
     {"teaching_assistants": 1, "ta_hours_per_week": 5, "online_tutors": 2, "tutor_hours_per_week": 10, "tutor_total_hours": 90, "online_weeks": 9}),
    ("fcu_teaching_assistants", {"classroom_students": 100, "online_enrolment": 501, "weeks": 18, "online_weeks": 9},
     {"ta_total_hours": 270, "tutor_total_hours": 90, "online_weeks": 9}),
    # fcu_material_assistants (附表 教材製作助理與支援團隊, 備註 2.)
    ("fcu_material_assistants", {"tier": "benchmark", "months": 4}, {"assistants": 2, "total_hours": 344}),
    ("fcu_material_assistants", {"tier": "spoc", "months": 3}, {"assistants": 1, "total_hours": 129}),
    ("fcu_material_assistants", {"tier": "accepted", "months": 6}, {"months_paid": 4, "total_hours": 344, "months_capped": True}),
    ("fcu_material_assistants", {"tier": "spoc"}, {"months_paid": 4, "total_hours": 172}),
    ("fcu_material_assistants", {"tier": "spoc", "months": 4, "hourly_wage": 200}, {"amount": D(34400)}),
    # both MOE columns give 2 assistants, so 「教育部課程」 is enough: 2 × 43 × 4 = 344 h × NT$183 = 62,952
    ("fcu_material_assistants", {"tier": "教育部課程", "months": 4, "hourly_wage": 183}, {"total_hours": D(344), "amount": D(62952)}),
    ("fcu_material_assistants", {"tier": "accepted", "other_tier": "spoc", "months": 4}, {"total_hours": D(344), "other_tier_total_hours": D(172), "tier_difference": D(172)}),
    # two tiers side by side: 6 h × (8 − 4) = 24; (8 + 2) weeks × (12 − 8) = 40 above 1,000 registrants
    ("fcu_recording_fee", {"tier": "benchmark", "other_tier": "spoc", "video_hours": 6}, {"hourly_fee_count": D(48), "other_tier_hourly_fee_count": D(24), "tier_difference": D(24)}),
    ("fcu_recording_fee", {"tier": "spoc", "video_list": "6,8,10"}, {"video_hours": D(24), "hourly_fee_count": D(96)}),
    ("fcu_recording_fee", {"tier": "accepted", "video_hours": "3.75", "more_video_hours": "4.25"}, {"video_hours": D(8), "hourly_fee_count": D(48)}),
    ("fcu_tutoring_compare", {"tier": "benchmark", "other_tier": "accepted", "course_weeks": 8, "online_enrolment": 1500}, {"total_hours": D(120), "other_tier_total_hours": D(80), "tier_difference": D(40)}),
    # 附表: benchmark 8 × and accepted 6 × the hourly fee, SPOC 4 ×: 2 and 4 apart; 10 h of video, 80 against 40
    ("fcu_recording_compare", {"tier": "accepted", "other_tier": "benchmark"}, {"multiple_difference": D(2), "tier_multiple": D(6), "other_tier_multiple": D(8)}),
    ("fcu_recording_compare", {"tier": "benchmark", "other_tier": "spoc", "video_hours": 10}, {"multiple_difference": D(4), "hours_difference": D(40)}),
    ("fcu_teaching_assistants", {"classroom_students": 130, "online_enrolment": 2600, "weeks": 16}, {"ta_total_hours": D(320), "tutor_total_hours": D(480), "total_hours": D(800)}),
    # fcu_hours_total (附表): recording 9 × 8 = 72; tutoring (6 + 2) × 6 = 48; assistants 2 × 43 × 4 = 344; in all 464
    ("fcu_hours_total", {"tier": "benchmark", "video_hours": 9, "course_weeks": 6, "online_enrolment": 700, "assistants_full": True},
     {"recording_hours": D(72), "tutoring_hours": D(48), "assistant_hours": D(344), "total_hours": D(464)}),
    ("fcu_hours_total", {"tier": "accepted", "video_hours": 12, "course_weeks": 8, "online_enrolment": 1300}, {"tutoring_hours": D(80), "total_hours": D(152)}),
    # fcu_shared_reward (【說明】4.) from the tier and video hours: 12 × 6 = 72 shared by 2 → 36; 15 × 8 = 120 at 60/40 → 72 and 48
    ("fcu_shared_reward", {"teachers": 2, "tier": "accepted", "video_hours": 12}, {"fee_hours_total": D(72), "fee_hours_each": D(36)}),
    ("fcu_shared_reward", {"lead_pct": 60, "co_pct": 40, "tier": "benchmark", "video_hours": 15}, {"fee_hours_total": D(120), "fee_hour_shares": "72,48"}),
    # fcu_tier_upgrade with the assistants at the cap: 20 + 40 + 172 = 232
    ("fcu_tier_upgrade", {"old_tier": "spoc", "new_tier": "accepted", "video_hours": 10, "course_weeks": 8, "online_enrolment": 600, "assistants_full": True},
     {"recording_difference": D(20), "tutoring_difference": D(40), "assistant_hours_difference": D(172), "total_difference": D(232)}),
    # fcu_video_hours (第二條: 6 至 18 小時為原則 = 360 to 1,080 minutes)
    ("fcu_video_hours", {"videos": "360"}, {"total_hours": D(6), "fcu_total_hours_ok": True}),
    ("fcu_video_hours", {"videos": "359"}, {"fcu_total_hours_ok": False}),
    ("fcu_video_hours", {"videos": "540,540"}, {"total_hours": D(18), "fcu_total_hours_ok": True}),
    ("fcu_video_hours", {"videos": "540,541"}, {"fcu_total_hours_ok": False}),
    ("fcu_video_hours", {"video_hours": 20}, {"total_minutes": D(1200), "fcu_total_hours_ok": False}),
    ("fcu_video_hours", {"weeks": "10,10,10,10,10;9,9,9,9,9,9"}, {"total_minutes": D(104), "fcu_total_hours_ok": False}),
    # fcu_trial_period (第七條: 至 107 年 7 月 31 日止)
    ("fcu_trial_period", {"date": "107.07.31"}, {"trial_end": "2018-07-31", "within_trial": True}),
    ("fcu_trial_period", {"date": "107.08.01"}, {"within_trial": False}),
    # fcu_higher_tier (【說明】1.): the higher tier, not both added: 10 h × 6, not × (6 + 4)
    ("fcu_higher_tier", {"tier": "spoc", "other_tier": "accepted", "video_hours": 10}, {"applied_tier": "accepted", "hourly_fee_count": D(60)}),
    ("fcu_higher_tier", {"tier": "benchmark", "other_tier": "spoc"}, {"applied_tier": "benchmark"}),
    # fcu_tier_upgrade (【說明】3.): each item's new-tier amount minus the former tier's
    ("fcu_tier_upgrade", {"old_tier": "spoc", "new_tier": "accepted", "video_hours": 10}, {"recording_old": D(40), "recording_new": D(60), "recording_difference": D(20)}),
    ("fcu_tier_upgrade", {"old_tier": "spoc", "new_tier": "benchmark", "video_hours": 10, "course_weeks": 4, "online_enrolment": 1001},
     {"recording_difference": D(40), "tutoring_new": D(72), "tutoring_old": D(0), "hourly_fee_difference": D(112)}),
    ("fcu_tier_upgrade", {"old_tier": "accepted", "new_tier": "benchmark", "course_weeks": 4, "online_enrolment": 1000}, {"tutoring_difference": D(12)}),
    ("fcu_tier_upgrade", {"old_tier": "accepted", "new_tier": "benchmark", "course_weeks": 4, "online_enrolment": 1001}, {"tutoring_difference": D(24)}),
    ("fcu_tier_upgrade", {"old_tier": "spoc", "new_tier": "accepted", "months": 5}, {"assistant_hours_difference": D(172), "evaluation_items_difference": D(2)}),
    # fcu_funding_times (【說明】2.): SPOC once per teacher per course
    ("fcu_funding_times", {"tier": "spoc", "times_funded": 0}, {"can_be_funded": True}),
    ("fcu_funding_times", {"tier": "spoc", "times_funded": 1}, {"can_be_funded": False}),
    ("fcu_funding_times", {"tier": "accepted", "times_funded": 4, "within_period": True}, {"can_be_funded": True}),
    # fcu_shared_reward (【說明】4.): split by shares, to the dollar, remainders to the largest
    ("fcu_shared_reward", {"shares": "6,4", "amount": 100000}, {"teachers": 2, "shared": True, "amount_shares": "60000,40000"}),
    ("fcu_shared_reward", {"shares": "1,1,1", "amount": 100000}, {"amount_shares": "33334,33333,33333"}),
    ("fcu_shared_reward", {"shares": "1", "fee_hours": 72}, {"shared": False, "fee_hour_shares": "72"}),
    # fcu_teacher_evaluation (附表 教師評鑑 1.–3.)
    ("fcu_teacher_evaluation", {"tier": "accepted"}, {"optional_items": D(5), "deemed_passed": False}),
    ("fcu_teacher_evaluation", {"tier": "spoc", "years": 2}, {"optional_items": D(3), "one_year_ok": False}),
    ("fcu_teacher_evaluation", {"tier": "benchmark", "prior_credits": 1}, {"deemed_passed": True, "once_per_tier_ok": False}),
    # fcu_material_award (附表 教材優良獎: 相同教材在同一課程等級限推薦一次)
    ("fcu_material_award", {"tier": "accepted", "prior_nominations": 0}, {"can_be_nominated": True}),
    ("fcu_material_award", {"tier": "spoc", "prior_nominations": 1}, {"can_be_nominated": False, "nomination_discretionary": True}),
    # fcu_research_credit (附表 教學研究計畫: SPOC none; the MOE grant counts as the project amount)
    ("fcu_research_credit", {"tier": "spoc"}, {"eligible": False}),
    ("fcu_research_credit", {"tier": "accepted", "moe_grant": "120萬"}, {"eligible": True, "project_amount": D(1200000)}),
    # moe_budget_check (九、(一); 九、(二)2.(1); 九、(二)3.; 十一、(一)2.)
    ("moe_budget_check", {"subsidy": "200萬", "local_government": True}, {"min_self_funding": D(352942)}),
    ("moe_budget_check", {"subsidy": 2000000, "local_government": True, "self_funding": 352941}, {"self_funding_ok": False, "all_checks_pass": False}),
    ("moe_budget_check", {"subsidy": 2000000, "local_government": True, "self_funding": 352942}, {"self_funding_ok": True, "plan_total": D(2352942)}),
    ("moe_budget_check", {"subsidy": "100萬"},
     {"max_equipment": D(50000), "max_personnel": D(600000), "min_self_funding": D(100000), "cap": D(3000000),
      "instalment_1": D(500000), "instalment_2": D(400000), "instalment_3": D(100000), "all_checks_pass": True}),
    ("moe_budget_check", {"subsidy": 1000001}, {"min_self_funding": D(100001)}),
    ("moe_budget_check", {"subsidy": 85, "local_government": True}, {"min_self_funding": D(15)}),
    ("moe_budget_check", {"subsidy": 17, "local_government": True}, {"min_self_funding": D(3)}),
    ("moe_budget_check", {"subsidy": 1, "local_government": True}, {"min_self_funding": D(1)}),
    ("moe_budget_check", {"subsidy": 3000000}, {"subsidy_within_cap": True}),
    ("moe_budget_check", {"subsidy": 3000001}, {"subsidy_within_cap": False, "all_checks_pass": False}),
    ("moe_budget_check", {"subsidy": "400萬", "series_type": "新南向"}, {"cap": D(4000000), "subsidy_within_cap": True}),
    ("moe_budget_check", {"subsidy": 4000001, "series_type": "new_southbound"}, {"subsidy_within_cap": False}),
    ("moe_budget_check", {"subsidy": 400000, "series_type": "精進", "refine_courses": 2}, {"cap": D(400000), "subsidy_within_cap": True}),
    ("moe_budget_check", {"subsidy": 400001, "series_type": "refine", "refine_courses": 2}, {"subsidy_within_cap": False}),
    ("moe_budget_check", {"subsidy": 2000000, "personnel_costs": 1200000, "equipment": 100000, "staff_count": 10},
     {"personnel_ok": True, "equipment_ok": True, "staff_ok": True}),
    ("moe_budget_check", {"subsidy": 2000000, "personnel_costs": 1200001, "equipment": 100001, "staff_count": 11},
     {"personnel_ok": False, "equipment_ok": False, "staff_ok": False, "all_checks_pass": False}),
    ("moe_budget_check", {"subsidy": 1000001}, {"instalment_1": D("500000.5"), "instalment_2": D("400000.4"), "instalment_3": D("100000.1")}),
    # moe_series_eligibility (八、(三))
    ("moe_series_eligibility", {"courses": 3, "new_courses": 2, "new_course_hours": 12}, {"eligible": True}),
    ("moe_series_eligibility", {"courses": 2, "new_courses": 2, "new_course_hours": 12}, {"courses_ok": False, "eligible": False}),
    ("moe_series_eligibility", {"courses": 3, "new_courses": 1, "new_course_hours": 12}, {"new_courses_ok": False}),
    ("moe_series_eligibility", {"courses": 3, "new_courses": 2, "new_course_hours": "11.99"}, {"new_course_hours_ok": False}),
    ("moe_series_eligibility", {"courses": 5, "new_courses": 3, "new_course_hours": 20, "series_applied": 2, "series_participating": 4},
     {"series_applied_ok": True, "series_participating_ok": True, "eligible": True}),
    ("moe_series_eligibility", {"courses": 5, "new_courses": 3, "new_course_hours": 20, "series_applied": 3}, {"series_applied_ok": False, "eligible": False}),
    ("moe_series_eligibility", {"courses": 5, "new_courses": 3, "new_course_hours": 20, "series_participating": 5}, {"series_participating_ok": False}),
    ("moe_series_eligibility", {"courses": 3, "new_courses": 2, "new_course_hours": 12}, {"checks_run": 3, "checks_not_run": ""}),
    ("moe_series_eligibility", {"courses": 5, "new_courses": 3, "new_course_hours": 20, "series_applied": 2, "series_participating": 4},
     {"checks_run": 5, "eligible": True}),
    # partial figures: each check runs only with its figure; eligible covers the checks run
    ("moe_series_eligibility", {"courses": 4}, {"courses_ok": True, "eligible": True, "checks_run": 1, "checks_not_run": "new_courses_ok,new_course_hours_ok"}),
    # 2 own + 3 others' = 5 > 4; new courses of 3 + 4 + 4 = 11 < 12 (1 short); 12 − 7.5 = 4.5 short
    ("moe_series_eligibility", {"series_applied": 2, "series_of_others": 3}, {"series_participating": D(5), "series_participating_ok": False}),
    ("moe_series_eligibility", {"courses": 5, "new_courses": 3, "new_course_hours_list": "3,4,4"}, {"new_course_hours": D(11), "new_course_hours_short": D(1)}),
    ("moe_series_eligibility", {"new_course_hours": "7.5"}, {"new_course_hours_short": D("4.5")}),
    # moe_budget_check without a subsidy: worked out from the self-funding (÷ 10%; × 85/15 locally), staff pay (÷ 60%), equipment (÷ 5%)
    ("moe_budget_check", {"self_funding": 250000}, {"max_subsidy_for_self_funding": D(2500000)}),
    ("moe_budget_check", {"self_funding": 300000, "local_government": True}, {"max_subsidy_for_self_funding": D(1700000)}),
    ("moe_budget_check", {"personnel_costs": 1500000}, {"min_subsidy_for_personnel": D(2500000)}),
    ("moe_budget_check", {"equipment": 120000}, {"min_subsidy_for_equipment": D(2400000)}),
    ("moe_budget_check", {"series_type": "refine", "refine_courses": 4}, {"cap": D(800000)}),
    ("moe_budget_check", {"subsidy": 2500000, "personnel_pct": 60, "equipment_pct": 5}, {"personnel_and_equipment": D(1625000), "left_for_other_items": D(875000)}),
    ("moe_budget_check", {"subsidy": 2000000, "personnel_costs": 1100000, "equipment": 80000}, {"personnel_room": D(100000), "equipment_room": D(20000)}),
    ("moe_budget_check", {"subsidy": 850000, "local_government": True}, {"min_self_funding": D(150000), "min_plan_total": D(1000000)}),
    # moe_subsidy_cap (九、(一) with 九、(二)2.(1), 九、(二)3.): the caps and the limits at the cap
    ("moe_subsidy_cap", {}, {"cap": D(3000000), "max_equipment": D(150000), "max_personnel": D(1800000), "min_self_funding": D(300000)}),
    ("moe_subsidy_cap", {"series_type": "新南向"}, {"cap": D(4000000), "max_equipment": D(200000), "min_self_funding": D(400000)}),
    ("moe_subsidy_cap", {"series_type": "standard", "local_government": True}, {"min_self_funding": D(529412)}),  # 3,000,000 × 15/85 = 529,411.76
    ("moe_subsidy_cap", {"series_type": "refine", "refine_courses": 2}, {"cap": D(400000), "max_equipment": D(20000)}),
    # moe_staff_limit (九、(二)1.(2)): at most 10
    ("moe_staff_limit", {"staff_count": 10}, {"staff_ok": True}),
    ("moe_staff_limit", {"staff_count": 12}, {"staff_ok": False, "over_by": D(2)}),
    ("moe_series_eligibility", {"courses": 2}, {"courses_ok": False, "eligible": False, "checks_run": 1}),
    ("moe_series_eligibility", {"new_courses": 1}, {"new_courses_ok": False, "eligible": False, "checks_run": 1, "checks_not_run": "courses_ok,new_course_hours_ok"}),
    ("moe_series_eligibility", {"new_courses": 2}, {"new_courses_ok": True, "eligible": True, "checks_run": 1}),
    ("moe_series_eligibility", {"new_course_hours": 12}, {"new_course_hours_ok": True, "eligible": True, "checks_run": 1}),
    ("moe_series_eligibility", {"new_courses": 2, "new_course_hours": "11.99"},
     {"new_courses_ok": True, "new_course_hours_ok": False, "eligible": False, "checks_run": 2, "checks_not_run": "courses_ok"}),
    ("moe_series_eligibility", {"courses": 3, "new_courses": 0}, {"courses_ok": True, "new_courses_ok": False, "eligible": False, "checks_run": 2}),
    ("moe_series_eligibility", {"courses": 4, "new_course_hours": 15}, {"courses_ok": True, "new_course_hours_ok": True, "eligible": True, "checks_run": 2}),
    # cross-checks need both figures: 5 new courses with no course total is not refused
    ("moe_series_eligibility", {"new_courses": 5, "new_course_hours": 20}, {"new_courses_ok": True, "new_course_hours_ok": True, "eligible": True, "checks_run": 2}),
    ("moe_series_eligibility", {"new_course_hours": 5, "courses": 3}, {"new_course_hours_ok": False, "courses_ok": True, "eligible": False}),
    ("moe_series_eligibility", {"series_applied": 2}, {"series_applied_ok": True, "eligible": True, "checks_run": 1}),
    ("moe_series_eligibility", {"series_participating": 5}, {"series_participating_ok": False, "eligible": False, "checks_run": 1}),
    ("moe_series_eligibility", {"courses": 3, "series_applied": 3}, {"courses_ok": True, "series_applied_ok": False, "eligible": False, "checks_run": 2}),
    # moe_series_totals (八、(三)1.–2.; 九、(一)): N series × 3 courses, × 2 new, × 12 h; N × NT$3,000,000 (4,000,000 New Southbound)
    ("moe_series_totals", {"series": 2}, {"cases": 2, "min_courses": 6, "min_new_courses": 4, "min_new_course_hours": D(24), "max_subsidy": D(6000000)}),
    ("moe_series_totals", {"series": 2, "series_type": "新南向"}, {"max_subsidy": D(8000000), "series_applied_ok": True}),
    ("moe_series_totals", {"series": 3}, {"min_courses": 9, "series_applied_ok": False}),
    ("moe_series_totals", {"series": 1, "refine_courses": 4}, {"refine_cap": D(800000)}),
    # moe_programme_period (四、): 106.07.01–107.12.31 = 18 months, 184 + 365 = 549 days
    ("moe_programme_period", {}, {"programme_start": "2017-07-01", "programme_end": "2018-12-31", "months": 18, "days": 549}),
    ("moe_programme_period", {"on_date": "107.12.31"}, {"within_period": True, "days_left": 0}),
    ("moe_programme_period", {"on_date": "2019-01-01"}, {"within_period": False}),
    # moe_course_schedule (七、(一)): first new course by 107.02.28, series completed by 107.10.31, one of three platforms
    ("moe_course_schedule", {"first_course_start": "107.02.28", "series_completed_on": "107.10.31"},
     {"first_new_course_deadline": "2018-02-28", "series_completion_deadline": "2018-10-31", "first_on_time": True, "completed_on_time": True}),
    ("moe_course_schedule", {"first_course_start": "107.03.01", "series_completed_on": "107.11.01"}, {"first_on_time": False, "completed_on_time": False}),
    ("moe_course_schedule", {"platforms": 2, "platform": "OpenEdu"}, {"one_platform_ok": False, "platform_ok": True}),
    # moe_southbound_plan (七、(二)1.–2.)
    ("moe_southbound_plan", {"target_countries": 1, "partner_universities": 2, "themes": 1, "language_learning": "否"}, {"eligible": True}),
    ("moe_southbound_plan", {"target_countries": 2, "language_learning": "是"}, {"one_country_ok": False, "not_language_ok": False, "eligible": False}),
    # moe_progress_report_due (七、(二)5.): August's progress on 9/5; December's on 1/5 of the next year
    ("moe_progress_report_due", {"work_month": 8}, {"due_month": 9, "due_day": 5}),
    ("moe_progress_report_due", {"work_month": 12, "year": 106}, {"due_month": 1, "due_date": "2018-01-05"}),
    ("moe_progress_report_due", {"work_month_of_year": "106.09.01"}, {"due_date": "2017-10-05"}),
    # moe_southbound_registrants (七、(二)5.): 4 courses × 300 = 1,200; 350 + 280 + 420 = 1,050 ≥ 900 but course 2 is short
    ("moe_southbound_registrants", {"courses": 4}, {"min_total": 1200}),
    ("moe_southbound_registrants", {"registrants": "350,280,420"}, {"total": 1050, "min_total": 900, "every_course_ok": False, "lowest_course": 2}),
    ("moe_southbound_registrants", {"registrants": "300,301"}, {"every_course_ok": True}),
    # moe_instalments (十一、(一)2.): 50/40/10 of the approved amount; claim within 40 days (106.07.01 → 106.08.10)
    ("moe_instalments", {"approved_amount": "250萬"}, {"instalment_1": D(1250000), "instalment_2": D(1000000), "instalment_3": D(250000)}),
    ("moe_instalments", {"approval_date": "106.07.01", "claimed_on": "106.08.10"}, {"first_claim_by": "2017-08-10", "claimed_in_time": True}),
    # an instalment stands for the approved funding: 900,000 ÷ 50% = 1,800,000 (third 10% = 180,000); 1,000,000 ÷ 40% = 2,500,000
    ("moe_instalments", {"first_instalment": 900000}, {"approved_amount": D(1800000), "instalment_3": D(180000)}),
    ("moe_instalments", {"second_instalment": 1000000}, {"approved_amount": D(2500000)}),
    ("moe_instalments", {"approved_amount": 1800000, "spent": 700000}, {"instalment_1": D(900000), "first_instalment_left": D(200000), "instalment_2": D(720000)}),
    ("moe_instalments", {"approval_date": "106.07.01", "claimed_on": "106.08.11"}, {"claimed_in_time": False}),
    # moe_reviews (十二、(一)): month 8 and month 16 after approval
    ("moe_reviews", {"approval_date": "106.07.01"}, {"midterm_from": "2018-02-01", "midterm_to": "2018-02-28", "final_from": "2018-10-01", "final_to": "2018-10-31"}),
    ("moe_reviews", {"approval_date": "114.09.01", "new_courses_online": 0}, {"midterm_from": "2026-04-01", "midterm_ready": False}),
    # moe_quarterly_report (十二、(三)): the last 7 days of the quarter
    ("moe_quarterly_report", {"on_date": "107.05.20"}, {"quarter": 2, "window_start": "2018-06-24", "window_end": "2018-06-30"}),
    ("moe_quarterly_report", {"quarter": 1, "year": 107}, {"window_start": "2018-03-25", "window_end": "2018-03-31"}),
    # moe_review_score (十、(二)): 50% + 40% + 10%
    ("moe_review_score", {"plan_score": 80, "course_score": 70, "presentation_score": 90}, {"score": D(77)}),
    ("moe_review_score", {"plan_score": 90, "course_score": 85, "presentation_score": 75}, {"score": D("86.5")}),
    # ndhu_teaching_assistants (3、(三)1.)
    # ndhu_teaching_assistants: a second course (150 → 2 TAs 60,000; 60 → 1 TA 30,000; 90,000) and a second semester (60,000 × 2)
    # ndhu_application_term (2、(1)1.): a distance course the semester before, a MOOC a year before; terms Aug–Jan and Feb–Jul
    ("ndhu_application_term", {"planned_start": "2025-09-01", "course_type": "distance"}, {"ndhu_application_semester": "113-2", "ndhu_latest_application_reading": "2025-07-31"}),
    ("ndhu_application_term", {"planned_start": "2026-09-01"}, {"ndhu_application_semester": "114-1", "ndhu_latest_application_reading": "2026-01-31"}),
    ("ndhu_application_term", {"opening_year": 115, "opening_term": "second"}, {"ndhu_application_semester": "114-2"}),
    # ndhu_distance_plan minimums: 18 weeks → 9 sessions of an hour; 48 h in all → 24 online; 10 units → 10 quizzes; replies in 2 weeks are late
    ("ndhu_distance_plan", {"semester_weeks": 18}, {"min_sync_sessions": D(9), "min_sync_hours": D(9)}),
    ("ndhu_distance_plan", {"total_hours": 48}, {"min_online_hours": D(24)}),
    ("ndhu_distance_plan", {"units": 10}, {"min_unit_quizzes": D(10)}),
    ("ndhu_distance_plan", {"reply_weeks": 2}, {"reply_ok": False}),
    # ndhu_course_structure from figures: 45 min a week is under an hour; a 20-minute video is over 15
    ("ndhu_course_structure", {"weekly_minutes": 45}, {"ndhu_weekly_time_ok": False}),
    ("ndhu_course_structure", {"video_minutes": 20}, {"ndhu_one_video_ok": False}),
    ("ndhu_teaching_assistants", {"enrolment": 150, "other_enrolment": 60}, {"max_semester_amount": D(60000), "both_courses_amount": D(90000)}),
    ("ndhu_teaching_assistants", {"enrolment": 180, "tas": 2, "months": 5, "other_semester_months": 5}, {"year_amount": D(120000)}),
    # ndhu_ta_budget_total: 2 × 6,000 × 5 = 60,000 + 8 h × 1,021.1 = 68,168.8; 30,000 + 6 × 1,021.1 + 40 × 190 = 43,726.6
    ("ndhu_ta_budget_total", {"enrolment": 140, "tas": 2, "recording_hours": 8}, {"ta_total": D(60000), "total": D("68168.8")}),
    ("ndhu_ta_budget_total", {"enrolment": 100, "months": 5, "recording_hours": 6, "work_study_hours": 40}, {"total": D("43726.6")}),
    # one budget line on its own: 30 × (1,000 + 21.1) = 30,633; 80 × 190 = 15,200
    ("ndhu_recording_budget", {"recording_hours": 30}, {"recording_fee": D(30000), "supplementary_premium": D(633), "recording_total": D(30633)}),
    ("ndhu_work_study_pay", {"work_study_hours": 80}, {"work_study_pay": D(15200)}),
    # ndhu_work_hours: ≤ 8 h a day, ≤ 5 days in a row, ≤ 5 days in 7
    ("ndhu_work_hours", {"daily_hours": 9}, {"daily_hours_ok": False, "min_break_minutes": D(60)}),
    ("ndhu_work_hours", {"daily_hours": 4, "days_in_row": 6}, {"consecutive_days_ok": False}),
    ("ndhu_work_hours", {"days_worked": 6, "period_days": 7}, {"window_days_ok": False}),
    ("ndhu_work_hours", {"daily_hours": 8, "days_in_row": 5, "days_worked": 5}, {"hours_ok": True}),
    # a schedule by days (週一到週五 8 小時、週六 4 小時): six days in a row break 3. and 4.
    ("ndhu_work_hours", {"schedule": "8,8,8,8,8,4"}, {"schedule_daily_ok": True, "schedule_run_ok": False, "schedule_window_ok": False, "longest_working_run": D(6)}),
    ("ndhu_teaching_assistants", {"enrolment": 0}, {"teaching_assistants": 1}),
    ("ndhu_teaching_assistants", {"enrolment": 120}, {"teaching_assistants": 1, "max_semester_amount": D(30000)}),
    ("ndhu_teaching_assistants", {"enrolment": 121}, {"teaching_assistants": 2, "max_semester_amount": D(60000)}),
    ("ndhu_teaching_assistants", {"enrolment": 120, "months": 3}, {"max_semester_amount": D(18000)}),
    ("ndhu_teaching_assistants", {"enrolment": 121, "months": 7}, {"months_paid": 5, "max_semester_amount": D(60000)}),
    ("ndhu_teaching_assistants", {"enrolment": 121, "months": 4, "monthly_amount": 5000}, {"max_semester_amount": D(40000)}),
    ("ndhu_teaching_assistants", {"enrolment": 121, "months": 5, "monthly_amount": 7000}, {"monthly_amount_each": D(6000), "max_semester_amount": D(60000)}),
    # without enrolment: tas (default 1) × 6,000 × months (≤ 5)
    ("ndhu_teaching_assistants", {"tas": 2}, {"teaching_assistants": 2, "months_paid": 5, "max_semester_amount": D(60000), "semester_cap_amount": D(60000)}),
    ("ndhu_teaching_assistants", {"tas": 1, "months": 4}, {"teaching_assistants": 1, "months_paid": 4, "max_semester_amount": D(24000)}),
    ("ndhu_teaching_assistants", {"tas": 2, "months": 3}, {"teaching_assistants": 2, "max_semester_amount": D(36000), "semester_cap_amount": D(60000)}),
    ("ndhu_teaching_assistants", {}, {"teaching_assistants": 1, "max_semester_amount": D(30000)}),
    ("ndhu_teaching_assistants", {"months": 2}, {"teaching_assistants": 1, "max_semester_amount": D(12000)}),
    ("ndhu_teaching_assistants", {"tas": 2, "months": 8, "monthly_amount": 9000}, {"months_paid": 5, "monthly_amount_each": D(6000), "max_semester_amount": D(60000)}),
    ("ndhu_teaching_assistants", {"tas": 1, "months": 2, "monthly_amount": 5000}, {"max_semester_amount": D(10000)}),
    # with enrolment: tas above what it allows is capped; tas below it is used
    ("ndhu_teaching_assistants", {"enrolment": 100, "tas": 2}, {"teaching_assistants": 1, "allowed_teaching_assistants": 1, "max_semester_amount": D(30000)}),
    ("ndhu_teaching_assistants", {"enrolment": 120, "tas": 2, "months": 3}, {"teaching_assistants": 1, "max_semester_amount": D(18000)}),
    ("ndhu_teaching_assistants", {"enrolment": 121, "tas": 2, "months": 3}, {"teaching_assistants": 2, "max_semester_amount": D(36000)}),
    ("ndhu_teaching_assistants", {"enrolment": 150, "tas": 1, "months": 4},
     {"teaching_assistants": 1, "allowed_teaching_assistants": 2, "max_semester_amount": D(24000), "semester_cap_amount": D(30000)}),
    # ndhu_budget (預算表)
    ("ndhu_budget", {"recording_hours": 3},
     {"recording_fee": D(3000), "supplementary_premium": D("63.3"), "recording_total": D("3063.3"), "supplementary_premium_rounded": D(63),
      "recording_total_rounded": D(3063)}),
    ("ndhu_budget", {"recording_hours": 1}, {"recording_total": D("1021.1")}),
    ("ndhu_budget", {"recording_hours": "0.5"}, {"recording_fee": D(500), "supplementary_premium": D("10.55"), "supplementary_premium_rounded": D(11)}),
    ("ndhu_budget", {"work_study_hours": 10}, {"work_study_pay": D(1900), "budget_total": D(1900)}),
    ("ndhu_budget", {"recording_hours": 3, "work_study_hours": 10}, {"budget_total": D("4963.3"), "budget_total_rounded": D(4963)}),
    ("ndhu_budget", {"recording_hours": 3, "labour_insurance": 500, "items_cost": 2000}, {"budget_total": D("5563.3"), "budget_total_rounded": D(5563)}),
    ("ndhu_budget", {"schedule": "4,8,8,0,6,5,5"},
     {"work_study_hours": D(36), "work_study_pay": D(6840), "min_break_minutes": "30,60,60,0,30,30,30", "daily_hours_ok": True,
      "longest_working_run": 3, "consecutive_days_ok": True, "max_working_days_in_7": 6, "seven_day_ok": False, "schedule_ok": False}),
    ("ndhu_budget", {"schedule": "8,8,8,8,8,0,0"}, {"daily_hours_ok": True, "consecutive_days_ok": True, "seven_day_ok": True, "schedule_ok": True}),
    ("ndhu_budget", {"schedule": "8,8,8,8,8,8"}, {"longest_working_run": 6, "consecutive_days_ok": False, "seven_day_ok": False}),
    ("ndhu_budget", {"schedule": "9,2"}, {"daily_hours_ok": False, "days_over_8_hours": "1"}),
    ("ndhu_budget", {"schedule": "3.99,4,7.99,8"}, {"min_break_minutes": "0,30,30,60"}),
    ("ndhu_budget", {"schedule": "4", "prior_consecutive_days": 5}, {"longest_working_run": 6, "consecutive_days_ok": False}),
    ("ndhu_budget", {"schedule": "4,4,0,4", "prior_consecutive_days": 3},
     {"longest_working_run": 5, "consecutive_days_ok": True, "max_working_days_in_7": 6, "seven_day_ok": False}),
    # deadlines, one rule per school (ndhu 2、(三)1.–2., 2、(1)1.; nkust 五、(一)): the same hand-computed dates
    ("ndhu_deadlines", {"approval_date": "114.03.01"},
     {"ndhu_production_deadline": "2026-03-01", "ndhu_production_deadline_roc": "115.03.01", "ndhu_extended_deadline": "2026-09-01"}),
    ("nkust_deadlines", {"approval_date": "114.03.01"},
     {"nkust_first_run_deadline": "2026-03-01", "nkust_three_runs_deadline": "2028-03-01", "nkust_three_runs_deadline_roc": "117.03.01"}),
    ("ndhu_deadlines", {"approval_date": "2024-02-29"}, {"ndhu_production_deadline": "2025-02-28"}),
    ("ndhu_deadlines", {"approval_date": "2023-02-28"}, {"ndhu_production_deadline": "2024-02-29"}),
    ("ndhu_deadlines", {"approval_date": "2025-08-31"}, {"ndhu_production_deadline": "2026-08-31", "ndhu_extended_deadline": "2027-02-28"}),
    ("ndhu_deadlines", {"approval_date": "2025-03-01", "planned_start": "2026-09-14"},
     {"ndhu_opening_semester": "115-1", "ndhu_application_semester": "114-1", "ndhu_application_semester_start": "2025-08-01",
      "ndhu_latest_application_reading": "2026-01-31"}),
    ("ndhu_deadlines", {"approval_date": "2025-03-01", "planned_start": "2026-02-23", "course_type": "遠距"},
     {"ndhu_opening_semester": "114-2", "ndhu_application_semester": "114-1", "ndhu_latest_application_reading": "2026-01-31"}),
    ("ndhu_deadlines", {"approval_date": "2025-03-01", "planned_start": "2026-09-14", "course_type": "distance"},
     {"ndhu_application_semester": "114-2", "ndhu_application_semester_start": "2026-02-01", "ndhu_latest_application_reading": "2026-07-31"}),
    ("ndhu_deadlines", {"approval_date": "2025-03-01", "planned_start": "2027-03-01"}, {"ndhu_opening_semester": "115-2", "ndhu_application_semester": "114-2"}),
    ("ndhu_deadlines", {"approval_date": "2025-03-01", "planned_start": "2026-01-15", "course_type": "distance"},
     {"ndhu_opening_semester": "114-1", "ndhu_application_semester": "113-2", "ndhu_latest_application_reading": "2025-07-31"}),
    # a term instead of a date: 116 學年度上學期 MOOC → submit in 115-1 (2026-08-01 to 2027-01-31); distance course → 115-2
    ("ndhu_deadlines", {"opening_year": 116, "opening_term": "上學期"},
     {"ndhu_opening_semester": "116-1", "ndhu_application_semester": "115-1", "ndhu_latest_application_reading": "2027-01-31"}),
    ("ndhu_deadlines", {"opening_year": 116, "opening_term": "上學期", "course_type": "遠距"}, {"ndhu_application_semester": "115-2"}),
    # the extension from a deadline the plan states: 115.03.01 + half a year → 115.09.01
    ("ndhu_deadlines", {"current_deadline": "115.03.01"}, {"ndhu_extended_deadline": "2026-09-01"}),
    # nkust: 113.08.01 → 114.08.01; a first run a day late and the two-year bar from that deadline
    ("nkust_deadlines", {"approval_date": "113.08.01"}, {"nkust_first_run_deadline": "2025-08-01", "nkust_three_runs_deadline": "2027-08-01"}),
    ("nkust_deadlines", {"approval_date": "114.03.01", "first_run_on": "115.03.01", "runs": 3}, {"first_run_ok": True, "runs_ok": True}),
    ("nkust_deadlines", {"approval_date": "114.03.01", "first_run_on": "115.03.02"}, {"first_run_ok": False, "nkust_bar_until": "2028-03-01"}),
    # nkust_course_structure (二、(一)1.: 單元影片不超過十分鐘為宜; 二、(一)2.: 每週 50 分鐘至 1 小時, 二至九週為原則)
    ("nkust_course_structure", {"weeks": "10,10,10,10,10;9,9,9,9,9,9"},
     {"weeks": 2, "videos": 11, "total_minutes": D(104), "weekly_minutes": "50,54", "nkust_video_length_ok": True, "nkust_weekly_minutes_ok": True,
      "nkust_weeks_ok": True, "nkust_ok": True}),
    ("nkust_course_structure", {"weeks": "10,10,12;15,15;20,20,20"}, {"weekly_minutes": "32,30,60", "nkust_video_length_ok": False, "nkust_weekly_minutes_ok": False}),
    ("nkust_course_structure", {"videos": "8,9,12"}, {"videos": 3, "total_minutes": D(29), "nkust_video_length_ok": False}),
    ("nkust_course_structure", {"weeks": "49"}, {"nkust_weekly_minutes_ok": False, "nkust_weeks_ok": False}),
    ("nkust_course_structure", {"weeks": "10,10,10,10,10;10,10,10,10,10,10"}, {"weekly_minutes": "50,60", "nkust_weekly_minutes_ok": True}),
    ("nkust_course_structure", {"weeks": "10,10,10,10,10;10,10,10,10,10,10,1"}, {"nkust_weekly_minutes_ok": False}),
    ("nkust_course_structure", {"weeks": ";".join(["10,10,10,10,10"] * 9)}, {"nkust_weeks_ok": True}),
    ("nkust_course_structure", {"weeks": ";".join(["10,10,10,10,10"] * 10)}, {"nkust_weeks_ok": False, "nkust_required_ok": True}),
    ("nkust_course_structure", {"videos": "10"}, {"nkust_video_length_ok": True}),
    ("nkust_course_structure", {"videos": "10.5"}, {"nkust_video_length_ok": False}),
    # ndhu_course_structure (2、(2)2.: 每週課程章節時數至少 1 小時; 每段影片 5 至 15 分鐘為宜)
    ("ndhu_course_structure", {"weeks": "10,10,10,10,10;9,9,9,9,9,9"}, {"weekly_minutes": "50,54", "ndhu_weekly_minutes_ok": False, "ndhu_video_length_ok": True}),
    ("ndhu_course_structure", {"weeks": "10,10,12;15,15;20,20,20"}, {"ndhu_video_length_ok": False}),
    ("ndhu_course_structure", {"weeks": [[10, 10, 10, 10, 10, 10], [12, 12, 12, 12, 12]]},
     {"weekly_minutes": "60,60", "ndhu_weekly_minutes_ok": True, "ndhu_video_length_ok": True, "ndhu_ok": True}),
    ("ndhu_course_structure", {"weeks": "15,15,15,14"}, {"ndhu_weekly_minutes_ok": False}),
    ("ndhu_course_structure", {"videos": "8,9,12"}, {"ndhu_video_length_ok": True}),
    ("ndhu_course_structure", {"videos": "5,15"}, {"ndhu_video_length_ok": True}),
    ("ndhu_course_structure", {"videos": "4.9"}, {"ndhu_video_length_ok": False}),
    ("ndhu_course_structure", {"videos": "15.1"}, {"ndhu_video_length_ok": False}),
    # ndhu_distance_plan (2、(2)表: 線上 ≥ 二分之一; 每單元後單元評量; ≥ 6 次議題、一週內回覆; 每兩週 ≥ 1 小時同步、不與面授衝突)
    ("ndhu_distance_plan", {"online_hours": 18, "total_hours": 36}, {"online_share_percent": D(50), "online_share_ok": True}),
    ("ndhu_distance_plan", {"online_hours": "17.5", "total_hours": 36}, {"online_share_ok": False}),
    ("ndhu_distance_plan", {"online_hours": 16, "classroom_hours": 20}, {"online_share_ok": False}),
    ("ndhu_distance_plan", {"discussion_topics": 6, "reply_days": 7}, {"topics_ok": True, "reply_ok": True, "plan_ok": True}),
    ("ndhu_distance_plan", {"discussion_topics": 5, "reply_days": 8}, {"topics_ok": False, "reply_ok": False, "plan_ok": False}),
    ("ndhu_distance_plan", {"sync_every_weeks": 2, "sync_hours": 1, "sync_conflicts": False}, {"sync_interval_ok": True, "sync_hours_ok": True, "no_conflict_ok": True}),
    ("ndhu_distance_plan", {"sync_every_weeks": 3, "sync_hours": "0.5"}, {"sync_interval_ok": False, "sync_hours_ok": False}),
    ("ndhu_distance_plan", {"units": 8, "unit_quizzes": 7}, {"unit_quiz_ok": False}),
    # ndhu_report_self_rating (附件四: 自評成效 1 至 5 由低至高)
    ("ndhu_report_self_rating", {"ratings": "5,4,4,3,5,4"}, {"items": 6, "total": D(25), "average": D("4.2"), "ratings_in_range": True}),
    ("ndhu_report_self_rating", {"ratings": "1,5"}, {"ratings_in_range": True}),
    ("ndhu_report_self_rating", {"ratings": "5,6"}, {"ratings_in_range": False}),
    ("ndhu_report_self_rating", {"ratings": "0,3"}, {"ratings_in_range": False}),
]


@pytest.mark.parametrize(("name", "raw", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_hand_computed(name: str, raw: dict[str, Any], expected: dict[str, Any]) -> None:
    result = REGISTRY[name].run(raw)
    for key, want in expected.items():
        assert key in result.figures, f"{name}: no figure {key}"
        got = result.figures[key]
        assert got == want and type(got) is not float, f"{name} {raw}: {key} = {got!r}, expected {want!r}"
        if isinstance(want, bool):
            assert isinstance(got, bool), f"{name}: {key} should be a bool"


def test_every_calculator_has_hand_computed_cases() -> None:
    assert {c.name for c in ALL} <= {case[0] for case in CASES}


# --------------------------------------------------------------------------------------------------
# Named boundaries (brief)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("hours", "credits"), [("3.99", "0"), ("4", "0.2"), ("9", "0.5"), ("18", "1")])
def test_credit_boundaries(hours: str, credits: str) -> None:
    assert run("nkust_credits", hours=hours).figures["credits"] == D(credits)


@pytest.mark.parametrize(("enrolment", "per_week"), [(1000, 6), (1001, 12)])
def test_tutoring_enrolment_boundary(enrolment: int, per_week: int) -> None:
    assert run("fcu_tutoring_hours", tier="benchmark", course_weeks=4, online_enrolment=enrolment).figures["hours_per_week"] == per_week


@pytest.mark.parametrize(("students", "tas", "online", "tutors"), [(40, 1, 500, 1), (41, 2, 501, 2), (0, 0, 0, 0), (100, 3, 1000, 2)])
def test_fcu_assistant_boundaries(students: int, tas: int, online: int, tutors: int) -> None:
    f = run("fcu_teaching_assistants", classroom_students=students, online_enrolment=online, weeks=10).figures
    assert (f["teaching_assistants"], f["online_tutors"]) == (tas, tutors)


@pytest.mark.parametrize(("enrolment", "tas"), [(120, 1), (121, 2)])
def test_ndhu_ta_boundary(enrolment: int, tas: int) -> None:
    result = run("ndhu_teaching_assistants", enrolment=enrolment)
    assert result.figures["teaching_assistants"] == tas
    assert "120" in result.reading_zh and "more than 120" in result.reading_en


def test_fcu_assistants_without_weeks_omit_totals_and_warn() -> None:
    result = run("fcu_teaching_assistants", classroom_students=100, online_enrolment=1200)
    for key in ("ta_total_hours", "tutor_total_hours", "weeks", "online_weeks"):
        assert key not in result.figures, key
    assert any("週數" in w for w in result.warnings_zh) and any("weeks" in w for w in result.warnings_en)
    assert "共" not in result.summary_zh and "in all" not in result.summary_en
    assert "每週 15 小時" in result.summary_zh
    # with weeks the figures stay as they were and no weeks warning is given
    with_weeks = run("fcu_teaching_assistants", classroom_students=100, online_enrolment=1200, weeks=18)
    assert (with_weeks.figures["ta_total_hours"], with_weeks.figures["tutor_total_hours"]) == (270, 270)  # 15 h × 18 weeks
    assert not any("週數" in w for w in with_weeks.warnings_zh)


def test_fcu_assistants_online_weeks_without_weeks() -> None:
    result = run("fcu_teaching_assistants", classroom_students=100, online_enrolment=1200, online_weeks=6)
    assert result.figures["tutor_total_hours"] == 90  # 3 tutors × 5 h × 6 weeks
    assert "ta_total_hours" not in result.figures and "weeks" not in result.figures
    assert any("weeks" in w for w in result.warnings_en)


def test_ndhu_without_enrolment_warns_about_the_120_threshold() -> None:
    for raw in ({}, {"tas": 1}, {"tas": 2}):
        result = run("ndhu_teaching_assistants", **raw)
        assert "enrolment" not in result.figures and "allowed_teaching_assistants" not in result.figures
        assert any("120" in w for w in result.warnings_zh) and any("more than 120" in w for w in result.warnings_en), raw
    with_enrolment = run("ndhu_teaching_assistants", enrolment=150)
    assert not any("120" in w for w in with_enrolment.warnings_zh + with_enrolment.warnings_en)


def test_ndhu_tas_above_enrolment_allowance_warns() -> None:
    result = run("ndhu_teaching_assistants", enrolment=100, tas=2)
    assert result.figures["teaching_assistants"] == 1
    assert any("以 1 位計" in w for w in result.warnings_zh) and any("count as 1" in w for w in result.warnings_en)
    assert not any("count as" in w for w in run("ndhu_teaching_assistants", enrolment=121, tas=2).warnings_en)
    assert not any("count as" in w for w in run("ndhu_teaching_assistants", enrolment=150, tas=1).warnings_en)


def test_moe_series_summary_names_the_checks_run() -> None:
    partial = run("moe_series_eligibility", courses=4)
    assert "已檢查 1 項" in partial.summary_zh and "全部符合" in partial.summary_zh and "未提供" in partial.summary_zh
    assert "1 check(s) run" in partial.summary_en and "all met" in partial.summary_en
    for key in ("new_courses_ok", "new_course_hours_ok", "new_courses", "new_course_hours"):
        assert key not in partial.figures, key
    assert any("新製課程門數" in w and "新製課程時數" in w for w in partial.warnings_zh)
    full = run("moe_series_eligibility", courses=3, new_courses=2, new_course_hours="11.99")
    assert "已檢查 3 項" in full.summary_zh and "有 1 項不符合" in full.summary_zh and "未提供" not in full.summary_zh
    assert "3 check(s) run" in full.summary_en and "1 not met" in full.summary_en
    assert not full.warnings_zh
    only_caps = run("moe_series_eligibility", series_applied=1, series_participating=2)
    assert only_caps.figures["checks_run"] == 2 and only_caps.figures["eligible"] is True
    assert only_caps.citations[0] == "moe-8-3-2" and "moe-8-3-3" in only_caps.citations


def test_recording_part_hours_pro_rata() -> None:
    assert run("nkust_production_subsidy", video_hours="2.5").figures["recording_granted"] == D(12500)
    assert run("nkust_production_subsidy", video_hours="0.5").figures["recording_granted"] == D(2500)


def test_local_government_self_funding_algebra() -> None:
    result = run("moe_budget_check", subsidy="200萬", local_government="是")
    assert result.figures["min_self_funding"] == D(352942)
    # 352,942 is the least whole-dollar amount with S ≥ 15% of (A + S); one dollar less is not enough.
    assert D(352942) / (D(2000000) + D(352942)) >= D("0.15") > D(352941) / (D(2000000) + D(352941))
    assert any("15A" in s and "352,942" in s for s in result.steps_zh)


def test_moe_maxima_reported_without_optional_amounts() -> None:
    f = run("moe_budget_check", subsidy=1000000).figures
    for key in ("max_personnel", "max_equipment", "min_self_funding", "max_staff", "instalment_1", "instalment_2", "instalment_3"):
        assert key in f
    assert f["instalment_1"] + f["instalment_2"] + f["instalment_3"] == D(1000000)


def test_course_cap_says_which_cap_bit() -> None:
    result = run("nkust_production_subsidy", video_hours=28, other_costs_requested=30000)
    assert result.figures["total_granted"] == D(140000)
    assert any("140,000" in w for w in result.warnings_zh) and any("其他業務費" in w for w in result.warnings_zh)


def test_staff_fee_has_no_cap_and_says_so() -> None:
    result = run("nkust_production_subsidy", video_hours=0, staff_fee_requested=130000)
    assert result.figures["staff_granted"] == D(130000)
    assert any("未訂此項上限" in s for s in result.steps_zh)


def test_spoc_tutoring_says_none() -> None:
    result = run("fcu_tutoring_hours", tier="spoc", course_weeks=10, online_enrolment=2000)
    assert result.figures["total_hours"] == 0 and "SPOC" in result.summary_zh


def test_fcu_recording_warns_outside_6_to_18() -> None:
    assert any("六至十八小時" in w for w in run("fcu_recording_fee", tier="accepted", video_hours=5).warnings_zh)
    assert not any("六至十八小時" in w for w in run("fcu_recording_fee", tier="accepted", video_hours=6).warnings_zh)


def test_material_months_capped_with_warning() -> None:
    result = run("fcu_material_assistants", tier="accepted", months=5)
    assert result.figures["months_paid"] == 4 and result.warnings_zh


def test_courses_this_year_warns() -> None:
    assert any("3 門" in w for w in run("nkust_production_subsidy", video_hours=1, courses_this_year=4).warnings_zh)


def test_schedule_failures_name_the_day() -> None:
    result = run("ndhu_budget", schedule="4,8,8,0,6,5,5")
    assert any("第 1 天至第 7 天" in s and "✘" in s for s in result.steps_zh)
    over = run("ndhu_budget", schedule="8,8,9", start_date="114.03.01")
    assert any("第 3 天（2025-03-03） 9 小時" in s for s in over.steps_zh)
    run6 = run("ndhu_budget", schedule="1,1,1,1,1,1")
    assert any("第 6 天為連續第 6 個工作日" in s for s in run6.steps_zh)


def test_budget_premium_keeps_exact_decimals_and_shows_rounding() -> None:
    result = run("ndhu_budget", recording_hours=3)
    assert result.figures["supplementary_premium"] == D("63.3")
    assert any("63.3" in s for s in result.steps_zh) and any("四捨五入" in s for s in result.steps_zh)
    assert "進位" in result.reading_zh


@pytest.mark.parametrize("name", ["ndhu_deadlines", "nkust_deadlines"])
def test_deadlines_both_calendars(name: str) -> None:
    result = run(name, approval_date="2025-03-01")
    assert any("115.03.01" in s and "2026-03-01" in s for s in result.steps_zh)
    assert result.figures["approval_date"] == "2025-03-01" and result.figures["approval_date_roc"] == "114.03.01"


def test_application_timing_is_guidance() -> None:
    result = run("ndhu_deadlines", approval_date="2025-03-01", planned_start="2026-09-14")
    assert any("指引" in w for w in result.warnings_zh)
    assert not any("指引" in w for w in run("ndhu_deadlines", approval_date="2025-03-01").warnings_zh)


def test_each_school_deadline_rule_cites_only_its_school() -> None:
    ndhu = run("ndhu_deadlines", approval_date="2025-03-01", planned_start="2026-09-14")
    nkust = run("nkust_deadlines", approval_date="2025-03-01", first_run_on="2026-03-02", runs=1)
    assert ndhu.citations and all(c.startswith("ndhu-") for c in ndhu.citations)
    assert nkust.citations and all(c.startswith("nkust-") for c in nkust.citations)
    assert not any(k.startswith("nkust_") for k in ndhu.figures) and not any(k.startswith("ndhu_") for k in nkust.figures)


def test_structure_names_offending_video_and_week() -> None:
    result = run("nkust_course_structure", weeks="10,10,12;15,15")
    assert any("第 1 週第 3 支（12 分鐘）" in s for s in result.steps_zh)
    assert any("第 2 週 30 分鐘" in s for s in result.steps_zh)
    ndhu = run("ndhu_course_structure", weeks="10,10,12;4,15")
    assert any("第 2 週第 1 支（4 分鐘）" in s for s in ndhu.steps_zh) and not any("12 分鐘）" in s for s in ndhu.steps_zh)
    assert any("week 1: 32 min" in s and "week 2: 19 min" in s for s in ndhu.steps_en)


def test_structure_rules_apply_only_their_own_school() -> None:
    # One week of 50 minutes in 12-minute videos: NKUST's 50–60 minutes a week holds and its 10-minute videos do not;
    # NDHU's hour a week does not and its 5–15-minute videos do; FCU checks only the total.
    weeks = "12,12,12,14"
    nkust, ndhu, fcu = (run(name, weeks=weeks).figures for name in ("nkust_course_structure", "ndhu_course_structure", "fcu_video_hours"))
    assert (nkust["nkust_weekly_minutes_ok"], nkust["nkust_video_length_ok"]) == (True, False)
    assert (ndhu["ndhu_weekly_minutes_ok"], ndhu["ndhu_video_length_ok"]) == (False, True)
    assert fcu["fcu_total_hours_ok"] is False
    assert not any(k.startswith(("ndhu", "fcu")) for k in nkust) and not any(k.startswith(("nkust", "fcu")) for k in ndhu)
    assert not any(k.startswith(("nkust", "ndhu")) for k in fcu)


# --------------------------------------------------------------------------------------------------
# Dates and the text kind
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2025, 3, 1), 12, date(2026, 3, 1)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2023, 2, 28), 12, date(2024, 2, 29)),
        (date(2025, 4, 30), 6, date(2025, 10, 31)),
        (date(2025, 8, 30), 6, date(2026, 2, 28)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 12, 31), 12, date(2026, 12, 31)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
    ],
)
def test_period_end_civil_code(start: date, months: int, end: date) -> None:
    assert period_end(start, months) == end


def test_decimal_places_are_bounded() -> None:
    assert run("nkust_production_subsidy", video_hours="2.123456").figures["recording_max"] == D("10617.28")
    with pytest.raises(CalcError) as err:
        run("nkust_production_subsidy", video_hours=1, expert_fee_requested=6.02351586105602e-67)
    assert err.value.param == "expert_fee_requested" and err.value.allowed
    with pytest.raises(CalcError):
        run("ndhu_budget", schedule="1,0.00000000001")  # 11 places
    # 10 places: 2 h 10 min carried as 2.1666666667 h is within a cent of 13/6 h × NT$5,000
    assert abs(run("nkust_production_subsidy", video_hours="2.1666666667").figures["recording_max"] - D(65000) / 6) < D("0.001")


def test_text_kind() -> None:
    p = Param("weeks", "每週影片", "videos by week", "text")
    assert p.coerce([[10, 10], [15]]) == "10,10;15"
    assert p.coerce(" １０,１０ ") == "10,10"  # NFKC
    for bad in ("", "   ", "x" * 6000):
        with pytest.raises(CalcError) as err:
            p.coerce(bad)
        assert err.value.param == "weeks" and err.value.allowed


# --------------------------------------------------------------------------------------------------
# Errors name a real parameter and its allowed range
# --------------------------------------------------------------------------------------------------

BAD: list[tuple[str, dict[str, Any], str]] = [
    ("nkust_production_subsidy", {"video_hours": -1}, "video_hours"),
    ("nkust_production_subsidy", {"video_hours": "nan"}, "video_hours"),
    ("nkust_production_subsidy", {"video_hours": 1001}, "video_hours"),
    ("nkust_production_subsidy", {"video_hours": 1, "other_costs_requested": "1e20"}, "other_costs_requested"),
    ("nkust_production_subsidy", {"video_hours": 1, "expert_units": "2.5"}, "expert_units"),
    ("nkust_production_subsidy", {}, "video_hours"),
    ("nkust_operation_ta", {"course_weeks": 0}, "course_weeks"),
    ("nkust_operation_ta", {"course_weeks": 6, "self_study": "maybe"}, "self_study"),
    ("fcu_recording_fee", {"tier": "gold", "video_hours": 1}, "tier"),
    ("fcu_recording_fee", {"tier": "spoc", "video_hours": float("inf")}, "video_hours"),
    ("fcu_tutoring_hours", {"tier": "spoc", "course_weeks": 4, "online_enrolment": 10**8}, "online_enrolment"),
    ("fcu_teaching_assistants", {"weeks": 521}, "weeks"),
    ("fcu_material_assistants", {"tier": "spoc", "months": 0}, "months"),
    ("moe_budget_check", {"subsidy": 0}, "subsidy"),
    ("moe_budget_check", {"subsidy": 1000, "series_type": "refine"}, "refine_courses"),
    ("moe_budget_check", {"subsidy": 1000, "local_government": "也許"}, "local_government"),
    ("moe_series_eligibility", {"courses": 3, "new_courses": 4, "new_course_hours": 12}, "new_courses"),
    ("moe_series_eligibility", {"courses": 3, "new_courses": 0, "new_course_hours": 12}, "new_course_hours"),
    ("moe_series_eligibility", {"courses": 3, "new_courses": 2, "new_course_hours": 12, "series_applied": 2, "series_participating": 1}, "series_participating"),
    ("moe_series_eligibility", {}, "courses"),
    ("moe_series_eligibility", {"courses": 3, "new_courses": 4}, "new_courses"),
    ("moe_series_eligibility", {"new_courses": 0, "new_course_hours": 5}, "new_course_hours"),
    ("moe_series_eligibility", {"series_applied": 3, "series_participating": 2}, "series_participating"),
    ("ndhu_teaching_assistants", {"enrolment": -1}, "enrolment"),
    ("ndhu_teaching_assistants", {"tas": 3}, "tas"),
    ("ndhu_teaching_assistants", {"tas": 0}, "tas"),
    ("ndhu_teaching_assistants", {"enrolment": 200, "tas": "1.5"}, "tas"),
    ("ndhu_budget", {}, "recording_hours"),
    ("ndhu_budget", {"schedule": "4,25"}, "schedule"),
    ("ndhu_budget", {"prior_consecutive_days": 3}, "schedule"),
    ("ndhu_deadlines", {"approval_date": "114.02.30"}, "approval_date"),
    ("ndhu_deadlines", {"approval_date": "tomorrow"}, "approval_date"),
    ("ndhu_deadlines", {"approval_date": "2025-03-01", "course_type": "ntu"}, "course_type"),
    ("ndhu_deadlines", {}, "approval_date"),
    ("ndhu_deadlines", {"opening_year": 116}, "opening_term"),
    ("nkust_deadlines", {"approval_date": "114.02.30"}, "approval_date"),
    ("nkust_deadlines", {}, "approval_date"),
    ("nkust_deadlines", {"approval_date": "114.03.01", "runs": -1}, "runs"),
    ("nkust_course_structure", {}, "weeks"),
    ("nkust_course_structure", {"weeks": ";;"}, "weeks"),
    ("ndhu_course_structure", {"weeks": "10,0"}, "weeks"),
    ("ndhu_course_structure", {"weeks": "10,abc"}, "weeks"),
    ("nkust_course_structure", {"weeks": "10,10", "videos": "10,11"}, "videos"),
    ("ndhu_course_structure", {"videos": "601"}, "videos"),
    ("nkust_course_structure", {"weeks": ";".join(["1"] * 521)}, "weeks"),
    ("fcu_video_hours", {}, "video_hours"),
    ("fcu_video_hours", {"video_hours": 12, "videos": "60"}, "video_hours"),
    ("fcu_video_hours", {"weeks": "0"}, "weeks"),
    ("fcu_tier_upgrade", {"old_tier": "benchmark", "new_tier": "accepted", "video_hours": 10}, "new_tier"),
    ("fcu_tier_upgrade", {"old_tier": "spoc", "new_tier": "accepted"}, "video_hours"),
    ("fcu_shared_reward", {"shares": "0,0", "amount": 100}, "shares"),
    ("fcu_shared_reward", {"shares": "1,1"}, "amount"),
    ("fcu_higher_tier", {"tier": "spoc"}, "other_tier"),
    ("fcu_trial_period", {"date": "107.02.30"}, "date"),
    ("ndhu_distance_plan", {}, "online_hours"),
    ("ndhu_distance_plan", {"online_hours": 0, "classroom_hours": 0}, "total_hours"),
    ("ndhu_distance_plan", {"online_hours": 40, "total_hours": 36}, "online_hours"),
    ("ndhu_distance_plan", {"units": 3, "unit_quizzes": 4}, "unit_quizzes"),
    ("ndhu_report_self_rating", {}, "ratings"),
]


@pytest.mark.parametrize(("name", "raw", "param"), BAD, ids=[f"{b[0]}-{b[2]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_names_the_parameter(name: str, raw: dict[str, Any], param: str) -> None:
    with pytest.raises(CalcError) as err:
        REGISTRY[name].run(raw)
    assert err.value.param == param
    assert err.value.param in {p.name for p in REGISTRY[name].params}
    assert err.value.allowed and err.value.message_zh and err.value.message_en


@pytest.mark.parametrize("calc", ALL, ids=[c.name for c in ALL])
def test_unknown_parameter_is_refused(calc: Any) -> None:
    with pytest.raises(CalcError) as err:
        calc.run({"no_such_param": 1})
    assert err.value.param == "no_such_param" and err.value.allowed


def test_matching_videos_and_weeks_are_accepted() -> None:
    assert run("nkust_course_structure", weeks="10,12;15", videos="15,10,12").figures["videos"] == 3


# --------------------------------------------------------------------------------------------------
# Registry and parameter metadata
# --------------------------------------------------------------------------------------------------

NUMBER_LIMITS = {"money": D(10) ** 10, "enrolment": D(10_000_000), "weeks": D(520), "hours": D(100000)}


def test_registry() -> None:
    names = [c.name for c in ALL]
    assert len(names) == len(set(names)) == len(REGISTRY)
    # The calculators users had keep their names (the deadlines split into one rule per school); rule definitions add to them.
    assert set(names) >= {
        "nkust_credits", "nkust_production_subsidy", "nkust_operation_ta", "fcu_recording_fee", "fcu_tutoring_hours", "fcu_teaching_assistants",
        "fcu_material_assistants", "fcu_video_hours", "fcu_trial_period", "fcu_higher_tier", "fcu_tier_upgrade", "fcu_funding_times", "fcu_shared_reward",
        "fcu_teacher_evaluation", "fcu_material_award", "fcu_research_credit", "moe_budget_check", "moe_series_eligibility", "ndhu_teaching_assistants", "ndhu_budget",
        "nkust_course_structure", "ndhu_course_structure", "ndhu_distance_plan", "ndhu_report_self_rating", "ndhu_deadlines", "nkust_deadlines",
        # dates, tables and totals users asked for (issue 10)
        "moe_series_totals", "moe_programme_period", "moe_course_schedule", "moe_southbound_plan", "moe_progress_report_due", "moe_southbound_registrants",
        "moe_instalments", "moe_reviews", "moe_quarterly_report", "moe_review_score", "nkust_review_committee", "nkust_credit_certificate",
        "nkust_graduation_credits", "nkust_award", "nkust_credit_course", "nthu_icourse_enrolments", "nthu_icourse_partners", "nthu_trip", "nthu_timeline",
    }
    assert "deadlines" not in names


@pytest.mark.parametrize("calc", ALL, ids=[c.name for c in ALL])
def test_params_are_described_and_bounded(calc: Any) -> None:
    assert calc.description_zh and calc.description_en and calc.title_zh and calc.title_en
    input_type = getattr(calc, "input_type", None)
    fields = set(input_type.__dataclass_fields__) if input_type else {p.name for p in calc.params}
    for p in calc.params:
        assert p.name in fields, f"{calc.name}.{p.name} is not an input field"
        assert p.label_zh and p.label_en
        if p.kind in ("number", "int", "list"):
            assert p.minimum is not None and p.maximum is not None, f"{calc.name}.{p.name} is unbounded"
            assert p.minimum >= 0 and p.maximum <= NUMBER_LIMITS["money"]
        if p.kind == "choice":
            assert p.choices
            for c in p.choices:
                assert p.coerce(c.value) == c.value and p.coerce(c.label_zh) == c.value
                for alias in c.aliases:
                    assert p.coerce(alias) == c.value, f"{calc.name}.{p.name}: alias {alias!r}"


@pytest.mark.parametrize(
    ("alias", "tier"),
    [("標竿", "benchmark"), ("錄取", "accepted"), ("spoc", "spoc"), ("SPOC", "spoc"), ("教育部標竿", "benchmark"), ("教育部錄取", "accepted"),
     ("Benchmark", "benchmark"), ("逢甲SPOC", "spoc"), ("教育部磨課師標竿課程", "benchmark")],
)
def test_tier_aliases(alias: str, tier: str) -> None:
    assert REGISTRY["fcu_recording_fee"].param("tier").coerce(alias) == tier


# --------------------------------------------------------------------------------------------------
# Citations exist in the knowledge base
# --------------------------------------------------------------------------------------------------

CITATION_INPUTS: list[tuple[str, dict[str, Any]]] = [
    ("nkust_credits", {"weeks": 12}),
    ("nkust_production_subsidy", {"video_hours": "2.5", "expert_units": 6, "staff_fee_requested": 100000, "other_costs_requested": 30000, "courses_this_year": 4}),
    ("nkust_operation_ta", {"course_weeks": 12, "self_study": True}),
    ("nkust_operation_ta", {"course_weeks": 6}),
    ("nkust_operation_ta", {"course_weeks": 6, "other_course_weeks": 4, "hourly_wage": 190}),
    ("nkust_recording_fee", {"video_hours": 30}),
    ("nkust_expert_fee", {"expert_units": 6}),
    ("nkust_other_costs", {"requested": 25000}),
    ("nkust_yearly_total", {"courses": 4}),
    ("nkust_weekly_video", {"lectures_per_week": 2, "video_minutes": 50, "course_weeks": 12, "lecture_capture": True}),
    *[("fcu_recording_fee", {"tier": t, "video_hours": 5, "hourly_rate": 1000}) for t in ("benchmark", "accepted", "spoc")],
    *[("fcu_tutoring_hours", {"tier": t, "course_weeks": 4, "online_enrolment": 1000, "hourly_rate": 1}) for t in ("benchmark", "accepted", "spoc")],
    ("fcu_teaching_assistants", {"classroom_students": 41, "online_enrolment": 501, "weeks": 18}),
    ("fcu_material_assistants", {"tier": "spoc", "months": 9, "hourly_wage": 190}),
    ("fcu_hours_total", {"tier": "spoc", "video_hours": 10, "course_weeks": 4, "months": 6}),
    ("fcu_tutoring_compare", {"tier": "spoc", "other_tier": "benchmark", "course_weeks": 4, "online_enrolment": 1001}),
    ("fcu_recording_compare", {"tier": "spoc", "other_tier": "accepted", "video_hours": 1.5}),
    ("fcu_recording_fee", {"tier": "accepted", "video_hours": 3, "run": 3, "projects": 2}),
    ("fcu_recording_fee", {"tier": "spoc", "video_hours": 3, "run": 2}),
    ("fcu_video_hours", {"weeks": "60,60;60", "used_in_course": False}),
    ("fcu_trial_period", {"date": "108.01.01"}),
    ("fcu_higher_tier", {"tier": "spoc", "other_tier": "benchmark", "video_hours": 6}),
    ("fcu_tier_upgrade", {"old_tier": "spoc", "new_tier": "accepted", "video_hours": 6, "course_weeks": 4, "months": 2, "upgraded": False}),
    ("fcu_funding_times", {"tier": "spoc", "times_funded": 1}),
    ("fcu_funding_times", {"tier": "benchmark", "within_period": False}),
    ("fcu_shared_reward", {"shares": "2,1", "amount": 3000, "special": True}),
    ("fcu_teacher_evaluation", {"tier": "spoc", "prior_credits": 0, "years": 1}),
    ("fcu_material_award", {"tier": "spoc", "prior_nominations": 1}),
    ("fcu_research_credit", {"tier": "benchmark", "moe_grant": 1000000, "prior_credits": 0}),
    ("moe_budget_check", {"subsidy": 2000000, "local_government": True, "self_funding": 1, "personnel_costs": 1, "equipment": 1, "staff_count": 1}),
    ("moe_budget_check", {"subsidy": 2000000, "series_type": "refine", "refine_courses": 3}),
    ("moe_budget_check", {"self_funding": 300000, "local_government": True, "personnel_costs": 1, "equipment": 1}),
    ("moe_staff_limit", {"staff_count": 12}),
    ("moe_subsidy_cap", {"series_type": "new_southbound", "local_government": True}),
    ("moe_series_eligibility", {"courses": 3, "new_courses": 2, "new_course_hours": 12, "series_applied": 1, "series_participating": 2}),
    ("moe_series_totals", {"series": 2, "refine_courses": 1}),
    ("moe_programme_period", {"on_date": "107.01.01"}),
    ("moe_course_schedule", {"first_course_start": "107.03.01", "series_completed_on": "107.10.01", "platforms": 1, "platform": "ewant"}),
    ("moe_southbound_plan", {"target_countries": 1, "partner_universities": 1, "themes": 2, "language_learning": True}),
    ("moe_progress_report_due", {"work_month": 12, "year": 107}),
    ("moe_southbound_registrants", {"registrants": "100,400"}),
    ("moe_instalments", {"approved_amount": 1000000, "approval_date": "106.07.01", "claimed_on": "106.09.01"}),
    ("moe_reviews", {"approval_date": "106.07.01", "new_courses_online": 1, "series_completions": 0}),
    ("moe_quarterly_report", {"on_date": "107.05.20"}),
    ("moe_review_score", {"plan_score": 80, "course_score": 70, "presentation_score": 90}),
    ("nkust_review_committee", {"members": 5, "recommending": 4}),
    ("nkust_credit_certificate", {"birth_date": "2008-03-01", "on_date": "2026-02-28", "passed": True}),
    ("nkust_credit_certificate", {"age": 20, "passed": True}),
    ("nkust_graduation_credits", {"course_credits": "3,3,3,3"}),
    ("nkust_award", {"apply_on": "2026-01-10", "completed_on": "2025-03-01", "previously_awarded": True, "award_amount": 30000}),
    ("nkust_credit_course", {"levels_passed": 3, "academic_meeting": True, "run_number": 2}),
    ("nthu_icourse_enrolments", {"course": "finance", "other_course": "iot"}),
    ("nthu_icourse_partners", {"enrolment": 120000}),
    ("nthu_trip", {}),
    ("nthu_timeline", {}),
    ("ndhu_teaching_assistants", {"enrolment": 200, "months": 9, "monthly_amount": 9000}),
    ("ndhu_budget", {"recording_hours": 3, "work_study_hours": 4, "schedule": "4,8", "prior_consecutive_days": 1}),
    ("ndhu_deadlines", {"approval_date": "114.03.01", "planned_start": "115.09.14"}),
    ("nkust_deadlines", {"approval_date": "114.03.01", "first_run_on": "115.03.02", "runs": 2}),
    ("ndhu_course_structure", {"weeks": "10;12"}),
    ("ndhu_course_structure", {"videos": "3,20"}),
    ("fcu_video_hours", {"weeks": "10;12"}),
    ("ndhu_distance_plan", {"online_hours": 10, "classroom_hours": 20, "discussion_topics": 3, "reply_days": 9, "sync_hours": 1, "sync_every_weeks": 4,
                            "sync_conflicts": True, "units": 5, "unit_quizzes": 5}),
    ("ndhu_report_self_rating", {"ratings": "5,4,6"}),
    ("ndhu_teaching_assistants", {"tas": 2, "current_student": False}),
    ("ndhu_budget", {"work_study_hours": 4, "schedule": "4,8", "labour_insurance": 10, "labour_pension": 10, "items_cost": 10}),
    ("ndhu_ta_budget_total", {"tas": 2, "months": 3, "recording_hours": 1, "work_study_hours": 1}),
    ("ndhu_recording_budget", {"recording_hours": 2}),
    ("ndhu_work_study_pay", {"work_study_hours": 2}),
    ("ndhu_work_hours", {"daily_hours": 9, "days_in_row": 6, "days_worked": 6}),
    ("ndhu_work_hours", {"schedule": "9,8,8,8,8,8"}),
    ("ndhu_application_term", {"opening_year": 116, "opening_term": "first", "course_type": "distance"}),
    ("nkust_course_structure", {"weeks": "10;12"}),
    ("nkust_course_structure", {"videos": "12,8"}),
]


@functools.cache
def _report() -> Any:
    from core.kb import check

    return check(calculator_names=REGISTRY)


def _kb() -> Any:
    report = _report()
    if report.kb is None:
        pytest.skip("knowledge base not loadable yet")
    return report.kb


def test_every_citation_exists_in_the_knowledge_base() -> None:
    kb = _kb()
    emitted: set[str] = set()
    for name, raw in CITATION_INPUTS:
        result = REGISTRY[name].run(raw)
        assert result.citations, f"{name} cites nothing"
        emitted.update(result.citations)
    # Ids a rule definition names but cites only on some paths count too: its clause, the clauses it applies, the
    # entries of its facts and every `cite` of its steps, checks and notes.
    for rule in kb.rules.values():
        spec = rule.spec
        emitted.update((spec.entry, *spec.applies, *(ref.partition(".")[0] for ref in spec.facts.values())))
        for part in (*spec.steps, *spec.checks, *spec.notes):
            emitted.update((part.cite,) if isinstance(part.cite, str) else (part.cite or ()))
    missing = sorted(cid for cid in emitted if cid not in kb.by_id)
    assert not missing, f"citations not in the knowledge base: {missing}"


def test_schedule_only_budget_cites_the_work_rules_only() -> None:
    # The budget table is the rule's clause (cited first); a schedule alone brings in the work rows, not the recording fee.
    citations = run("ndhu_budget", schedule="4,4").citations
    assert citations[0] == "ndhu-budget" and citations[1] == "ndhu-budget-work-study" and "ndhu-budget-work-study-4" in citations
    assert "ndhu-budget-recording-fee" not in citations


def test_citations_of_every_calculator_are_covered() -> None:
    assert {name for name, _ in CITATION_INPUTS} == set(REGISTRY)


def test_knowledge_base_names_only_real_calculators() -> None:
    report = _report()
    unknown = [str(p) for p in report.problems if "unknown calculator" in str(p)]
    assert not unknown


def test_rule_clause_is_cited_first() -> None:
    first = {
        "nkust_production_subsidy": "nkust-4-1-2",
        "nkust_operation_ta": "nkust-4-1-3",
        "fcu_recording_fee": "fcu-table-recording-fee",
        "fcu_tutoring_hours": "fcu-table-tutoring",
        "fcu_teaching_assistants": "fcu-table-ta-1",
        "fcu_material_assistants": "fcu-table-material-assistant-2",
        "fcu_hours_total": "fcu-table",
        "fcu_tutoring_compare": "fcu-table-tutoring",
        "fcu_recording_compare": "fcu-table-recording-fee",
        "fcu_video_hours": "fcu-2",
        "fcu_trial_period": "fcu-7",
        "fcu_higher_tier": "fcu-notes-1",
        "fcu_tier_upgrade": "fcu-notes-3",
        "fcu_funding_times": "fcu-notes-2",
        "fcu_shared_reward": "fcu-notes-4",
        "fcu_teacher_evaluation": "fcu-table-evaluation",
        "fcu_material_award": "fcu-table-material-award",
        "fcu_research_credit": "fcu-table-research",
        "moe_budget_check": "moe-9-1",
        "moe_subsidy_cap": "moe-9-1",
        "moe_staff_limit": "moe-9-2-1-2",
        "moe_series_eligibility": "moe-8-3-2",
        "ndhu_teaching_assistants": "ndhu-3-3-1",
        "ndhu_ta_budget_total": "ndhu-3-3-1",
        "ndhu_recording_budget": "ndhu-budget-recording-fee",
        "ndhu_work_study_pay": "ndhu-budget-work-study",
        "ndhu_work_hours": "ndhu-budget-work-study-2",
        "ndhu_application_term": "ndhu-2-1-1",
        "ndhu_budget": "ndhu-budget",
        "nkust_course_structure": "nkust-2-1-1",
        "nkust_recording_fee": "nkust-4-1-2-1",
        "nkust_expert_fee": "nkust-4-1-2-2",
        "nkust_other_costs": "nkust-4-1-2-4",
        "nkust_yearly_total": "nkust-4-1-2",
        "nkust_weekly_video": "nkust-2-1-2",
        "ndhu_course_structure": "ndhu-2-2-2",
        "ndhu_distance_plan": "ndhu-2-2-table",
        "ndhu_report_self_rating": "ndhu-att4",
        "ndhu_deadlines": "ndhu-2-3-1",
        "nkust_deadlines": "nkust-5-1",
        "moe_series_totals": "moe-8-3-2",
        "moe_programme_period": "moe-4",
        "moe_course_schedule": "moe-7-1",
        "moe_southbound_plan": "moe-7-2-1",
        "moe_progress_report_due": "moe-7-2-5",
        "moe_southbound_registrants": "moe-7-2-5",
        "moe_instalments": "moe-11-1-2",
        "moe_reviews": "moe-12-1",
        "moe_quarterly_report": "moe-12-3",
        "moe_review_score": "moe-10-2-1",
        "nkust_review_committee": "nkust-4-3",
        "nkust_credit_certificate": "nkust-3-3-1",
        "nkust_graduation_credits": "nkust-3-1-2",
        "nkust_award": "nkust-4-2-1",
        "nkust_credit_course": "nkust-2-2-2",
        "nthu_icourse_enrolments": "nthu-table2",
        "nthu_icourse_partners": "nthu-2-0425-icourse",
        "nthu_trip": "nthu-cover-period",
        "nthu_timeline": "nthu-summary-xuetangx",
    }
    for name, raw in CITATION_INPUTS:
        if name in first:
            assert REGISTRY[name].run(raw).citations[0] == first[name], name


# --------------------------------------------------------------------------------------------------
# Properties: no crash on arbitrary input; caps; monotonicity
# --------------------------------------------------------------------------------------------------

ODD_TEXT = st.sampled_from([
    "-0.0", "nan", "NaN", "inf", "-inf", "1e400", "1E-400", "十八", "二百萬", "200萬", "NT$140,000", "2.5", "０.５", "114.03.01", "2025-02-29",
    "是", "否", "標竿", "spoc", "10,10;15", "4,8,8,0,6,5,5", "", " ", "-1", "1" * 40, "---------1", "負負負1", "1,2,,3", "[[1,2],[3]]",
    "99999999999999999999999999999999", "0.0000000000000000000000000000001", "%", "百分之", "二分之一", "萬萬", "1;2|3", "；", "12小時", "3週",
])
_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    ODD_TEXT,
)
ANY_VALUE = st.one_of(_SCALAR, st.lists(_SCALAR, max_size=4), st.lists(st.lists(_SCALAR, max_size=3), max_size=3))


def plausible(p: Param) -> st.SearchStrategy[Any]:
    """Values near a parameter's valid range, in the forms people and the core send."""
    if p.kind in ("number", "int"):
        lo = int(p.minimum if p.minimum is not None else 0)
        hi = int(min(p.maximum if p.maximum is not None else 10**6, D(10**7)))
        ints = st.integers(min_value=lo - 2, max_value=hi + 2)
        nums = st.one_of(ints, ints.map(str), st.decimals(min_value=lo - 1, max_value=hi + 1, places=2, allow_nan=False, allow_infinity=False))
        return nums if p.kind == "number" else st.one_of(ints, ints.map(str))
    if p.kind == "choice":
        return st.sampled_from([c.value for c in p.choices] + [a for c in p.choices for a in c.aliases] + ["??"])
    if p.kind == "bool":
        return st.sampled_from([True, False, "是", "否", "yes", "no", "maybe"])
    if p.kind == "date":
        return st.one_of(st.dates(min_value=date(1900, 1, 1), max_value=date(2300, 1, 1)).map(lambda d: d.isoformat()),
                         st.builds(lambda y, m, d: f"{y}.{m:02d}.{d:02d}", st.integers(1, 300), st.integers(1, 13), st.integers(1, 32)))
    if p.kind == "list":
        return st.lists(st.decimals(min_value=0, max_value=30, places=2, allow_nan=False, allow_infinity=False), min_size=0, max_size=20).map(
            lambda xs: ",".join(str(x) for x in xs))
    if p.kind == "text":
        week = st.lists(st.integers(min_value=0, max_value=30), min_size=0, max_size=6)
        return st.one_of(st.lists(week, max_size=12), st.lists(week, max_size=12).map(lambda ws: ";".join(",".join(map(str, w)) for w in ws)))
    raise AssertionError(p.kind)


def _check_result(calc: Any, raw: dict[str, Any]) -> None:
    names = {p.name for p in calc.params}
    try:
        result = calc.run(raw)
    except CalcError as err:
        assert err.param in names, f"{calc.name}: CalcError names {err.param!r}"
        assert err.allowed and err.message_zh and err.message_en
        return
    assert isinstance(result, CalcResult) and result.calculator == calc.name
    assert result.steps_zh and len(result.steps_zh) == len(result.steps_en)
    assert len(result.warnings_zh) == len(result.warnings_en)
    assert result.citations and result.summary_zh and result.summary_en
    for key, value in result.figures.items():
        assert isinstance(value, (Decimal, int, bool, str)) and not isinstance(value, float), f"{calc.name}.{key} = {value!r}"
        if isinstance(value, Decimal):
            assert value.is_finite() and len(str(value)) < 80, f"{calc.name}.{key} = {value!r}"


def _raw(calc: Any, values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    names = [p.name for p in calc.params]
    if not names:  # a rule that computes from the document's figures alone (e.g. the NTHU trip's length)
        return st.just({})
    return st.dictionaries(st.sampled_from(names), values, max_size=len(names))


@pytest.mark.parametrize("calc", ALL, ids=[c.name for c in ALL])
@PER_CALC
@given(data=st.data())
def test_arbitrary_input_never_crashes(calc: Any, data: st.DataObject) -> None:
    _check_result(calc, data.draw(_raw(calc, ANY_VALUE)))


@pytest.mark.parametrize("calc", ALL, ids=[c.name for c in ALL])
@PER_CALC
@given(data=st.data())
def test_plausible_input_never_crashes(calc: Any, data: st.DataObject) -> None:
    raw = {p.name: data.draw(plausible(p), label=p.name) for p in calc.params if p.required or data.draw(st.booleans())}
    _check_result(calc, raw)


money_st = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
hours_st = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)


@FAST
@given(hours=hours_st, units=st.integers(0, 50), expert=st.one_of(st.none(), money_st), staff=money_st, other=money_st, rec=st.one_of(st.none(), money_st))
def test_production_subsidy_caps(hours: Decimal, units: int, expert: Decimal | None, staff: Decimal, other: Decimal, rec: Decimal | None) -> None:
    raw: dict[str, Any] = {"video_hours": hours, "expert_units": units, "staff_fee_requested": staff, "other_costs_requested": other}
    if expert is not None:
        raw["expert_fee_requested"] = expert
    if rec is not None:
        raw["recording_fee_requested"] = rec
    f = run("nkust_production_subsidy", **raw).figures
    assert f["total_granted"] <= 140000 and f["total_granted"] <= f["total_requested"]
    assert f["recording_granted"] <= 5000 * hours
    assert f["expert_granted"] <= min(2000 * units, 10000)
    assert f["other_granted"] <= 20000
    assert f["total_granted"] == min(f["recording_granted"] + f["expert_granted"] + f["staff_granted"] + f["other_granted"], D(140000))


@FAST
@given(a=hours_st, b=hours_st, other=money_st, staff=money_st)
def test_production_subsidy_monotonic(a: Decimal, b: Decimal, other: Decimal, staff: Decimal) -> None:
    lo, hi = sorted((a, b))
    f_lo = run("nkust_production_subsidy", video_hours=lo, other_costs_requested=other, staff_fee_requested=staff).figures
    f_hi = run("nkust_production_subsidy", video_hours=hi, other_costs_requested=other, staff_fee_requested=staff).figures
    assert f_lo["recording_max"] <= f_hi["recording_max"] and f_lo["total_granted"] <= f_hi["total_granted"]


@FAST
@given(a=st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False),
       b=st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False))
def test_credits_monotonic(a: Decimal, b: Decimal) -> None:
    lo, hi = sorted((a, b))
    assert run("nkust_credits", hours=lo).figures["credits"] <= run("nkust_credits", hours=hi).figures["credits"]


@FAST
@given(tier=st.sampled_from(["benchmark", "accepted", "spoc"]), w1=st.integers(1, 520), w2=st.integers(1, 520),
       e1=st.integers(0, 10**7), e2=st.integers(0, 10**7))
def test_tutoring_monotonic(tier: str, w1: int, w2: int, e1: int, e2: int) -> None:
    (wl, wh), (el, eh) = sorted((w1, w2)), sorted((e1, e2))
    lo = run("fcu_tutoring_hours", tier=tier, course_weeks=wl, online_enrolment=el).figures["total_hours"]
    hi = run("fcu_tutoring_hours", tier=tier, course_weeks=wh, online_enrolment=eh).figures["total_hours"]
    assert lo <= hi
    assert hi <= (wh + 2) * 12


@FAST
@given(s1=st.integers(0, 10**7), s2=st.integers(0, 10**7), o1=st.integers(0, 10**7), o2=st.integers(0, 10**7), weeks=st.integers(0, 520))
def test_fcu_assistants_monotonic(s1: int, s2: int, o1: int, o2: int, weeks: int) -> None:
    (sl, sh), (ol, oh) = sorted((s1, s2)), sorted((o1, o2))
    lo = run("fcu_teaching_assistants", classroom_students=sl, online_enrolment=ol, weeks=weeks).figures
    hi = run("fcu_teaching_assistants", classroom_students=sh, online_enrolment=oh, weeks=weeks).figures
    assert lo["teaching_assistants"] <= hi["teaching_assistants"] and lo["online_tutors"] <= hi["online_tutors"]
    assert hi["teaching_assistants"] == (0 if sh == 0 else math.ceil(max(sh, 40) / 40))


@FAST
@given(h1=st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
       h2=st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False), tier=st.sampled_from(["benchmark", "accepted", "spoc"]))
def test_recording_fee_monotonic(h1: Decimal, h2: Decimal, tier: str) -> None:
    lo, hi = sorted((h1, h2))
    assert run("fcu_recording_fee", tier=tier, video_hours=lo).figures["hourly_fee_count"] <= run("fcu_recording_fee", tier=tier, video_hours=hi).figures["hourly_fee_count"]


@FAST
@given(tier=st.sampled_from(["benchmark", "accepted", "spoc"]), m1=st.integers(1, 120), m2=st.integers(1, 120))
def test_material_assistants_cap_and_monotonic(tier: str, m1: int, m2: int) -> None:
    lo, hi = sorted((m1, m2))
    f_lo = run("fcu_material_assistants", tier=tier, months=lo).figures
    f_hi = run("fcu_material_assistants", tier=tier, months=hi).figures
    assert f_lo["total_hours"] <= f_hi["total_hours"] <= 2 * 43 * 4
    assert f_hi["months_paid"] <= 4


@FAST
@given(a=st.decimals(min_value=1, max_value=10**10, places=2, allow_nan=False, allow_infinity=False),
       b=st.decimals(min_value=1, max_value=10**10, places=2, allow_nan=False, allow_infinity=False), local=st.booleans())
def test_moe_budget_monotonic_and_exact(a: Decimal, b: Decimal, local: bool) -> None:
    lo, hi = sorted((a, b))
    f_lo = run("moe_budget_check", subsidy=lo, local_government=local).figures
    f_hi = run("moe_budget_check", subsidy=hi, local_government=local).figures
    for key in ("min_self_funding", "max_personnel", "max_equipment", "instalment_1"):
        assert f_lo[key] <= f_hi[key]
    m = f_hi["min_self_funding"]
    assert m == m.to_integral_value()
    if local:  # the least whole dollar with m ≥ 15% of (A + m)
        assert m * 85 >= hi * 15 > (m - 1) * 85
        assert run("moe_budget_check", subsidy=hi, local_government=True, self_funding=m).figures["self_funding_ok"] is True
    else:
        assert m * 10 >= hi > (m - 1) * 10
    assert f_hi["instalment_1"] + f_hi["instalment_2"] + f_hi["instalment_3"] == hi


@FAST
@given(e1=st.integers(0, 10**7), e2=st.integers(0, 10**7), months=st.one_of(st.none(), st.integers(1, 120)),
       amount=st.one_of(st.none(), st.decimals(min_value=0, max_value=10**6, places=0, allow_nan=False, allow_infinity=False)))
def test_ndhu_ta_caps_and_monotonic(e1: int, e2: int, months: int | None, amount: Decimal | None) -> None:
    lo, hi = sorted((e1, e2))
    raw: dict[str, Any] = {}
    if months is not None:
        raw["months"] = months
    if amount is not None:
        raw["monthly_amount"] = amount
    f_lo = run("ndhu_teaching_assistants", enrolment=lo, **raw).figures
    f_hi = run("ndhu_teaching_assistants", enrolment=hi, **raw).figures
    assert f_lo["max_semester_amount"] <= f_hi["max_semester_amount"] <= 2 * 6000 * 5
    assert f_hi["teaching_assistants"] <= 2 and f_hi["months_paid"] <= 5


@FAST
@given(tas=st.one_of(st.none(), st.integers(1, 2)), enrolment=st.one_of(st.none(), st.integers(0, 10**7)), months=st.one_of(st.none(), st.integers(1, 120)),
       amount=st.one_of(st.none(), st.decimals(min_value=0, max_value=10**6, places=0, allow_nan=False, allow_infinity=False)))
def test_ndhu_ta_count_from_enrolment_or_tas(tas: int | None, enrolment: int | None, months: int | None, amount: Decimal | None) -> None:
    raw: dict[str, Any] = {k: v for k, v in {"tas": tas, "enrolment": enrolment, "months": months, "monthly_amount": amount}.items() if v is not None}
    f = run("ndhu_teaching_assistants", **raw).figures
    allowed = None if enrolment is None else (2 if enrolment > 120 else 1)
    want = (tas or 1) if allowed is None else (allowed if tas is None else min(tas, allowed))
    assert f["teaching_assistants"] == want
    m = 5 if months is None else min(months, 5)
    a = D(6000) if amount is None else min(amount, D(6000))
    assert f["max_semester_amount"] == want * a * m <= 60000


@FAST
@given(schedule=st.lists(st.integers(0, 12), min_size=1, max_size=30), prior=st.integers(0, 8))
def test_schedule_rules_agree_with_brute_force(schedule: list[int], prior: int) -> None:
    f = run("ndhu_budget", schedule=",".join(map(str, schedule)), prior_consecutive_days=prior).figures
    days = [True] * prior + [h > 0 for h in schedule]
    longest = run_ = 0
    for w in days:
        run_ = run_ + 1 if w else 0
        longest = max(longest, run_)
    assert f["consecutive_days_ok"] == (longest <= 5)
    padded = [False] * 6 + days
    windows = [sum(padded[i - 6:i + 1]) for i in range(6 + prior, len(padded))]
    assert f["seven_day_ok"] == (max(windows) <= 5)
    assert f["daily_hours_ok"] == all(h <= 8 for h in schedule)
    assert f["min_break_minutes"] == ",".join(str(h // 4 * 30) for h in schedule)


@FAST
@given(d=st.dates(min_value=date(1912, 1, 1), max_value=date(2200, 12, 31)))
def test_deadlines_are_ordered(d: date) -> None:
    f = run("ndhu_deadlines", approval_date=d.isoformat()).figures
    g = run("nkust_deadlines", approval_date=d.isoformat()).figures
    assert d.isoformat() < f["ndhu_production_deadline"] < f["ndhu_extended_deadline"]
    assert f["ndhu_production_deadline"] == g["nkust_first_run_deadline"] < g["nkust_three_runs_deadline"]
