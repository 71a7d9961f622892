"""Deadlines: NDHU production deadline and application timing (2、(三)1.–2., 2、(1)1.); NKUST first run and three runs (五、(一))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rules.base import CalcResult, Calculator, Choice, Param
from calculators.common import Out
from lang.dates import ROC_OFFSET, add_months, both, period_end, roc

NDHU, NKUST, BOTH = "ndhu", "nkust", "both"
SCHOOLS = (
    Choice(NDHU, "東華大學", "NDHU", ("東華", "國立東華大學", "ndhu", "dong hwa", "東華大學")),
    Choice(NKUST, "高雄科技大學", "NKUST", ("高科大", "高雄科大", "國立高雄科技大學", "nkust", "高科")),
    Choice(BOTH, "兩校", "both", ("全部", "都要", "兩者", "all", "both schools")),
)
MOOC, DISTANCE = "mooc", "distance"
COURSE_TYPES = (
    Choice(MOOC, "磨課師課程", "MOOC", ("磨課師", "mooc", "moocs", "磨課師課")),
    Choice(DISTANCE, "遠距教學課程（一般數位學習課程）", "distance-learning course", ("遠距", "遠距教學", "遠距教學課程", "數位學習課程", "distance", "online course", "一般")),
)


@dataclass(frozen=True)
class DeadlinesInput:
    approval_date: date
    school: str = BOTH
    planned_start: date | None = None
    course_type: str = MOOC


def semester_of(d: date) -> tuple[int, int, date, date]:
    """(ROC academic year, term 1 or 2, first day, last day), with term 1 = Aug 1–Jan 31 and term 2 = Feb 1–Jul 31."""
    if d.month >= 8:
        return d.year - ROC_OFFSET, 1, date(d.year, 8, 1), date(d.year + 1, 1, 31)
    if d.month == 1:
        return d.year - 1 - ROC_OFFSET, 1, date(d.year - 1, 8, 1), date(d.year, 1, 31)
    return d.year - 1 - ROC_OFFSET, 2, date(d.year, 2, 1), date(d.year, 7, 31)


def _label_zh(year: int, term: int) -> str:
    return f"{year} 學年度第 {term} 學期"


def _label_en(year: int, term: int) -> str:
    return f"academic year {year} (ROC), term {term}"


def deadlines(inp: DeadlinesInput) -> CalcResult:
    """Dates counted from the approval / announcement date, in ROC and ISO."""
    out = Out("deadlines")
    a = inp.approval_date
    figures: dict[str, Decimal | int | bool | str] = {"approval_date": a.isoformat(), "approval_date_roc": roc(a)}
    summary_zh: list[str] = []
    summary_en: list[str] = []
    if inp.school in (NDHU, BOTH):
        out.cite("ndhu-2-3-1", "ndhu-2-3-2")
        due = period_end(a, 12)
        extended = period_end(due, 6)
        figures.update({
            "ndhu_production_deadline": due.isoformat(),
            "ndhu_production_deadline_roc": roc(due),
            "ndhu_extended_deadline": extended.isoformat(),
            "ndhu_extended_deadline_roc": roc(extended),
        })
        out.step(
            f"東華：自計畫書核可之執行日 {both(a)} 起壹年內完成教材製作 → 最遲 {both(due)}",
            f"NDHU: materials finished within one year of the approved execution date {a.isoformat()} → by {due.isoformat()} (ROC {roc(due)})",
        )
        out.step(
            f"無法如期完成須申請延長，延長以壹次半年為限 → 延長後最遲 {both(extended)}",
            f"If that cannot be met, apply for an extension: one extension of six months at most → by {extended.isoformat()} (ROC {roc(extended)})",
        )
        summary_zh.append(f"東華教材製作期限 {roc(due)}（延長一次半年至 {roc(extended)}）")
        summary_en.append(f"NDHU production deadline {due.isoformat()} (one six-month extension to {extended.isoformat()})")
        if inp.planned_start is not None:
            _application(out, inp, figures, summary_zh, summary_en)
    if inp.school in (NKUST, BOTH):
        out.cite("nkust-5-1")
        first = period_end(a, 12)
        three = period_end(a, 36)
        figures.update({
            "nkust_first_run_deadline": first.isoformat(),
            "nkust_first_run_deadline_roc": roc(first),
            "nkust_three_runs_deadline": three.isoformat(),
            "nkust_three_runs_deadline_roc": roc(three),
            "nkust_min_runs": 3,
        })
        out.step(
            f"高科大：自審核結果公告日 {both(a)} 起一年內完成教材製作並開課 → 最遲 {both(first)}",
            f"NKUST: production finished and the course run within one year of the announcement {a.isoformat()} → by {first.isoformat()} (ROC {roc(first)})",
        )
        out.step(
            f"三年內開課至少三次 → {both(three)} 前至少開課 3 次",
            f"At least three runs within three years → 3 runs by {three.isoformat()} (ROC {roc(three)})",
        )
        out.warn(
            "高科大未依規定完成製作及開課者，除情形特殊簽請教務長核准外，二年內不得申請校內創新教學相關補助與獎勵。",
            "At NKUST, missing these without the Dean of Academic Affairs' approval bars the teacher from internal innovative-teaching grants for two years.",
        )
        summary_zh.append(f"高科大須於 {roc(first)} 前完成製作並開課、{roc(three)} 前開課至少 3 次")
        summary_en.append(f"NKUST: produced and run by {first.isoformat()}, at least 3 runs by {three.isoformat()}")
    if inp.school == NKUST and inp.planned_start is not None:
        out.warn(
            "預定開課日只用於東華的申請時程；高科大申請時間依教務處每年公告（四、(一)1.）。",
            "planned_start is used for NDHU's application timing only; NKUST applications follow the Academic Affairs Office's yearly announcement (4(1)1).",
        )
    out.read(
        "期間依民法第 120、121 條計算：始日不算入，自次日起算，以最後之月與起算日相當日之前一日為末日，"
        "故核可日 114.03.01 起一年內 = 至 115.03.01（含）止；最後之月無相當日者以該月末日為期限。日期以民國與西元並列。",
        "Periods follow Civil Code arts. 120–121: the first day is not counted and the period ends the day before the day corresponding to the day "
        "counting began, so one year from 2025-03-01 runs to 2026-03-01 inclusive; with no corresponding day the month's last day is used.",
    )
    return out.result(figures, "；".join(summary_zh) + "。", "; ".join(summary_en) + ".")


def _application(out: Out, inp: DeadlinesInput, figures: dict[str, Decimal | int | bool | str], summary_zh: list[str], summary_en: list[str]) -> None:
    """NDHU 2、(1)1.: submit one semester before the course opens (MOOCs one academic year before)."""
    out.cite("ndhu-2-1-1")
    start = inp.planned_start
    assert start is not None
    year, term, _, _ = semester_of(start)
    if inp.course_type == MOOC:
        a_year, a_term = year - 1, term
        rule_zh, rule_en = "磨課師課程需提前一學年提送", "MOOCs are submitted one academic year ahead"
        earliest_safe = add_months(start, -12)
    else:
        a_year, a_term = (year, 1) if term == 2 else (year - 1, 2)
        rule_zh, rule_en = "於開課前一學期提送", "submitted in the semester before the course opens"
        earliest_safe = add_months(start, -6)
    west = a_year + ROC_OFFSET
    s_start, s_end = (date(west, 8, 1), date(west + 1, 1, 31)) if a_term == 1 else (date(west + 1, 2, 1), date(west + 1, 7, 31))
    figures.update({
        "ndhu_opening_semester": f"{year}-{term}",
        "ndhu_application_semester": f"{a_year}-{a_term}",
        "ndhu_application_semester_start": s_start.isoformat(),
        "ndhu_application_semester_end": s_end.isoformat(),
        "ndhu_latest_application_reading": s_end.isoformat(),
        "ndhu_latest_application_reading_roc": roc(s_end),
        "ndhu_conservative_application_by": earliest_safe.isoformat(),
    })
    out.step(
        f"東華申請時程：預定 {both(start)} 開課，屬{_label_zh(year, term)}；{rule_zh} → 應於{_label_zh(a_year, a_term)}"
        f"（{both(s_start)} 至 {both(s_end)}）提送數位學習推動委員會審查，審查通過後方可開課",
        f"NDHU application: the course opens {start.isoformat()}, in {_label_en(year, term)}; {rule_en} → submit during {_label_en(a_year, a_term)} "
        f"({s_start.isoformat()} to {s_end.isoformat()}) to the E-Learning Promotion Committee; the course opens only after approval",
    )
    out.warn(
        f"申請時程為指引而非確切截止日：本計算以學期末 {both(s_end)} 為最遲讀法；委員會多在學期中開會（本規範歷次修訂見 10、11、4 月），"
        f"請配合委員會開會時程提早提送；最保守的做法是在開課日前{'一年' if inp.course_type == MOOC else '六個月'}（{both(earliest_safe)}）前提送。",
        f"This is guidance, not an exact deadline: the latest reading is the end of that semester, {s_end.isoformat()}; the committee usually meets mid-semester "
        f"(the rules were amended in October, November and April meetings), so submit in time for a meeting; the most cautious date is "
        f"{'one year' if inp.course_type == MOOC else 'six months'} before the start, {earliest_safe.isoformat()}.",
    )
    out.read(
        "學期以第 1 學期 8 月 1 日至翌年 1 月 31 日、第 2 學期 2 月 1 日至 7 月 31 日計（以東華行事曆為準）；"
        "「前一學期」指開課學期的前一個學期，「提前一學年」指前一學年度的同一學期。",
        "Terms are taken as 1 August–31 January and 1 February–31 July (the NDHU calendar governs); \"the semester before\" is the term before the opening term, "
        "and \"one academic year ahead\" the same term of the previous academic year.",
    )
    if start <= inp.approval_date:
        out.warn(
            "預定開課日不晚於核可日：東華規定審查通過後方可開課。",
            "The planned start is not after the approval date: NDHU courses open only after approval.",
        )
    summary_zh.append(f"東華{'磨課師' if inp.course_type == MOOC else '遠距教學'}課程應於{_label_zh(a_year, a_term)}（最遲 {roc(s_end)}）提送審查")
    summary_en.append(f"NDHU: submit during {_label_en(a_year, a_term)} (by {s_end.isoformat()} at the latest)")


DEADLINES = Calculator(
    name="deadlines",
    title_zh="製作與開課期限",
    title_en="Production and course-run deadlines",
    document="ndhu-elearning",
    params=(
        Param("approval_date", "核可執行日／審核結果公告日", "approval (execution) / announcement date", "date",
              help_zh="民國 114.03.01 或西元 2025-03-01", help_en="ROC 114.03.01 or ISO 2025-03-01"),
        Param("school", "學校", "school", "choice", choices=SCHOOLS, required=False, default=BOTH),
        Param("planned_start", "預定開課日", "planned course start", "date", required=False),
        Param("course_type", "課程類型（東華申請時程）", "course type (NDHU application timing)", "choice", choices=COURSE_TYPES, required=False, default=MOOC),
    ),
    input_type=DeadlinesInput,
    func=deadlines,
    description_zh="東華：核可執行日起 1 年內完成製作，可延長一次半年；開課前一學期（磨課師前一學年）送審。高科大：公告日起 1 年內完成並開課，3 年內開課至少 3 次。",
    description_en="NDHU: production within 1 year of approval, one 6-month extension; apply a semester ahead (MOOCs a year). NKUST: produced and run within "
    "1 year of the announcement, 3 runs within 3 years.",
    examples=("114.03.01 核定，什麼時候要做完？",),
)

ALL = (DEADLINES,)
