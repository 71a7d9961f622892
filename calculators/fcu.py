"""FCU (逢甲大學雲端學院試辦磨課師課程教材製作獎勵要點, 附表) calculators."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rules.base import D, CalcResult, Calculator, Choice, Param, money, num
from calculators.common import Out, ceil_div, exact, ok_en, ok_zh

# Knowledge-entry ids (knowledge/entries/fcu-mooc-reward.yaml).
E_ART2 = "fcu-2"
E_RECORDING = "fcu-table-recording-fee"
E_TUTORING = "fcu-table-tutoring"
E_TA = "fcu-table-ta"
E_TA_1 = "fcu-table-ta-1"
E_TA_2 = "fcu-table-ta-2"
E_MATERIAL = "fcu-table-material-assistant"
E_MATERIAL_2 = "fcu-table-material-assistant-2"
E_MATERIAL_1 = "fcu-table-material-assistant-1"
E_RECORDING_NOTES = ("fcu-table-recording-fee-note-1", "fcu-table-recording-fee-note-3", "fcu-table-recording-fee-note-4")
E_TUTORING_NOTE_1 = "fcu-table-tutoring-note-1"
E_NOTES_1 = "fcu-notes-1"  # 【說明】1.: a course meeting two tiers gets the higher one

MONEY_MAX = D(10) ** 10
RATE_MAX = D(10) ** 6  # an hourly rate above NT$1,000,000 is not a rate
ENROLMENT_MAX = D(10_000_000)

BENCHMARK, ACCEPTED, SPOC = "benchmark", "accepted", "spoc"
TIERS = (
    Choice(BENCHMARK, "教育部磨課師標竿課程", "MOE MOOC benchmark course",
           ("標竿", "標竿課程", "教育部標竿", "教育部標竿課程", "教育部磨課師標竿", "磨課師標竿課程", "moe benchmark", "benchmark course", "標竿級")),
    Choice(ACCEPTED, "教育部磨課師錄取課程", "MOE MOOC accepted course",
           ("錄取", "錄取課程", "教育部錄取", "教育部錄取課程", "教育部磨課師錄取", "磨課師錄取課程", "教育部磨課師", "moe accepted",
            "accepted course", "moe mooc")),
    Choice(SPOC, "逢甲大學SPOC錄取課程", "FCU SPOC accepted course",
           ("spoc課程", "spoc 課程", "逢甲spoc", "逢甲 spoc", "校內spoc", "spoc錄取", "spoc錄取課程", "逢甲大學spoc", "fcu spoc", "spoc course", "小型私人線上課程")),
)
TIER_ZH = {c.value: c.label_zh for c in TIERS}
TIER_EN = {c.value: c.label_en for c in TIERS}
# For "逢甲…" / "FCU …" summaries, without repeating the school's name.
TIER_SHORT_ZH = {BENCHMARK: "教育部磨課師標竿課程", ACCEPTED: "教育部磨課師錄取課程", SPOC: "SPOC錄取課程"}
TIER_SHORT_EN = {BENCHMARK: "MOE MOOC benchmark course", ACCEPTED: "MOE MOOC accepted course", SPOC: "SPOC accepted course"}


def _tier_param() -> Param:
    return Param("tier", "課程等級", "course tier", "choice", choices=TIERS,
                 help_zh="教育部磨課師標竿課程／教育部磨課師錄取課程／逢甲大學SPOC錄取課程",
                 help_en="MOE benchmark / MOE accepted / FCU SPOC")


def _rate_param(name: str = "hourly_rate") -> Param:
    return Param(name, "鐘點費單價（每小時）", "hourly rate", "number", D(0), RATE_MAX, required=False, unit_zh="元", unit_en="NT$")


# --- 附表：教材錄製鐘點費／獎勵金 ---------------------------------------------------------------------

RECORDING_MULTIPLE = {BENCHMARK: 8, ACCEPTED: 6, SPOC: 4}
VIDEO_HOURS_MIN, VIDEO_HOURS_MAX = D(6), D(18)  # 第二條: 每門課程之磨課師影音教材時數以六至十八小時為原則


@dataclass(frozen=True)
class RecordingFeeInput:
    tier: str
    video_hours: Decimal
    hourly_rate: Decimal | None = None


@exact
def fcu_recording_fee(inp: RecordingFeeInput) -> CalcResult:
    """Finished video hours × 8 / 6 / 4 hourly fees by tier; × the hourly rate when given."""
    out = Out("fcu_recording_fee")
    out.cite(E_RECORDING)
    multiple = RECORDING_MULTIPLE[inp.tier]
    hours = inp.video_hours
    count = hours * multiple
    name_zh = "教材錄製獎勵金" if inp.tier == SPOC else "教材錄製鐘點費"
    name_en = "recording reward (獎勵金)" if inp.tier == SPOC else "recording fee (鐘點費)"
    out.step(
        f"{TIER_ZH[inp.tier]}：依教材影片成品時數 {num(hours)} 小時 × {multiple} 倍鐘點費 = {num(count)} 小時鐘點費（{name_zh}）",
        f"{TIER_EN[inp.tier]}: {num(hours)} finished video hours × {multiple} = {num(count)} hourly fees ({name_en})",
    )
    figures: dict[str, Decimal | int | bool | str] = {
        "tier": inp.tier,
        "multiple": multiple,
        "video_hours": hours,
        "hourly_fee_count": count,
        "fee_name": name_zh,
    }
    in_range = VIDEO_HOURS_MIN <= hours <= VIDEO_HOURS_MAX
    figures["video_hours_in_range"] = in_range
    out.cite(E_ART2)
    out.step(
        f"影音教材時數以 6 至 18 小時為原則（第二條）：{num(hours)} 小時 → {ok_zh(in_range)}",
        f"Video hours should be 6 to 18 as a rule (art. 2): {num(hours)} h → {ok_en(in_range)}",
    )
    if not in_range:
        out.warn(
            f"每門課程之磨課師影音教材時數以六至十八小時為原則（第二條），{num(hours)} 小時不在此範圍。",
            f"FCU expects 6 to 18 hours of MOOC video per course as a rule (art. 2); {num(hours)} h is outside that.",
        )
    if inp.hourly_rate is not None:
        amount = count * inp.hourly_rate
        figures["hourly_rate"] = inp.hourly_rate
        figures["amount"] = amount
        out.step(
            f"{num(count)} × 單價 {money(inp.hourly_rate)} = {money(amount)}",
            f"{num(count)} × {money(inp.hourly_rate)} an hour = {money(amount)}",
        )
        summary_zh = f"逢甲{TIER_SHORT_ZH[inp.tier]}：{num(hours)} 小時影片 × {multiple} 倍 = {num(count)} 小時鐘點費，共 {money(amount)}（{name_zh}）。"
        summary_en = f"FCU {TIER_SHORT_EN[inp.tier]}: {num(hours)} video hours × {multiple} = {num(count)} hourly fees, {money(amount)} in all."
    else:
        out.warn(
            "附表只規定倍數，未規定鐘點費單價；金額 = 鐘點數 × 學校鐘點費標準。",
            "The table gives only the multiple, not the hourly rate; the amount = hourly fees × the university's standard rate.",
        )
        summary_zh = f"逢甲{TIER_SHORT_ZH[inp.tier]}：{num(hours)} 小時影片 × {multiple} 倍 = {num(count)} 小時鐘點費（{name_zh}）。"
        summary_en = f"FCU {TIER_SHORT_EN[inp.tier]}: {num(hours)} video hours × {multiple} = {num(count)} hourly fees."
    out.warn(
        "教材產出後由雲端學院簽請發給；第二次執行之教育部磨課師課程只就新增／修正影片給付；同一版本教材同時獲兩項以上專案補助時擇一。"
        "同一課程同時符合兩種等級，以較高等級為準（【說明】1.）。",
        "Paid after the materials are produced; a second run of an MOE course is paid only for new or revised videos; material funded by two "
        "projects is paid by one only. A course meeting two tiers gets the higher tier (notes 1).",
    )
    out.cite(*E_RECORDING_NOTES, E_NOTES_1)
    return out.result(figures, summary_zh, summary_en)


RECORDING_FEE = Calculator(
    name="fcu_recording_fee",
    title_zh="逢甲教材錄製鐘點費／獎勵金",
    title_en="FCU recording fee / reward",
    document="fcu-mooc-reward",
    params=(
        _tier_param(),
        Param("video_hours", "教材影片成品時數", "finished video hours", "number", D(0), D(1000), unit_zh="小時", unit_en="hours"),
        _rate_param(),
    ),
    input_type=RecordingFeeInput,
    func=fcu_recording_fee,
    description_zh="逢甲附表：影片成品時數 × 8 倍（標竿）／6 倍（教育部錄取）／4 倍（SPOC，獎勵金）鐘點費；第二條 6 至 18 小時為原則。",
    description_en="FCU table: finished video hours × 8 (benchmark) / 6 (MOE accepted) / 4 (SPOC, reward) hourly fees; art. 2 expects 6 to 18 hours.",
    examples=("逢甲教育部錄取課程 12 小時影片可以領幾倍鐘點費？",),
)


# --- 附表：線上輔導鐘點費 ----------------------------------------------------------------------------

TUTORING_HOURS = {BENCHMARK: (6, 12), ACCEPTED: (4, 8), SPOC: (0, 0)}
TUTORING_THRESHOLD = 1000  # 線上註冊學員超過一千人


@dataclass(frozen=True)
class TutoringInput:
    tier: str
    course_weeks: int
    online_enrolment: int = 0
    hourly_rate: Decimal | None = None


@exact
def fcu_tutoring_hours(inp: TutoringInput) -> CalcResult:
    """(weeks + 1 before + 1 after) × 6 or 12 h (benchmark) / 4 or 8 h (MOE accepted); SPOC none."""
    out = Out("fcu_tutoring_hours")
    out.cite(E_TUTORING)
    weeks = inp.course_weeks
    over = inp.online_enrolment > TUTORING_THRESHOLD
    figures: dict[str, Decimal | int | bool | str] = {"tier": inp.tier, "course_weeks": weeks, "online_enrolment": inp.online_enrolment,
                                                      "enrolment_over_1000": over}
    if inp.tier == SPOC:
        figures.update({"weeks_paid": 0, "hours_per_week": 0, "total_hours": 0})
        out.step(
            "附表「線上輔導鐘點費」在逢甲大學SPOC錄取課程欄空白：SPOC 課程沒有線上輔導鐘點費 → 0 小時",
            "The table's online-tutoring row is blank for FCU SPOC courses: no online tutoring fee → 0 hours",
        )
        if inp.hourly_rate is not None:
            figures["hourly_rate"] = inp.hourly_rate
            figures["amount"] = D(0)
        return out.result(figures, "逢甲SPOC錄取課程：附表未給線上輔導鐘點費（0 小時）。", "FCU SPOC course: the table gives no online tutoring fee (0 hours).")
    base, high = TUTORING_HOURS[inp.tier]
    per_week = high if over else base
    paid = weeks + 2
    total = D(paid * per_week)
    out.step(
        f"補助週數 = 開課週數 {weeks} + 開課前 1 週 + 開課後 1 週 = {paid} 週",
        f"Weeks paid = {weeks} course weeks + 1 week before + 1 week after = {paid}",
    )
    out.step(
        f"線上註冊學員 {num(inp.online_enrolment)} 人{'超過' if over else '未超過'} 1,000 人 → 每週 {per_week} 小時鐘點費"
        f"（{TIER_ZH[inp.tier]}：一般 {base} 小時，超過一千人 {high} 小時）",
        f"{num(inp.online_enrolment)} online registrants {'exceed' if over else 'do not exceed'} 1,000 → {per_week} hourly fees a week "
        f"({TIER_EN[inp.tier]}: {base}, or {high} above 1,000)",
    )
    out.step(f"{paid} 週 × {per_week} 小時 = {num(total)} 小時", f"{paid} weeks × {per_week} h = {num(total)} h")
    figures.update({"weeks_paid": paid, "hours_per_week": per_week, "total_hours": total})
    if inp.online_enrolment == TUTORING_THRESHOLD:
        out.read("「超過一千人」不含 1,000 人本身：恰好 1,000 人仍以一般時數計。", "\"More than 1,000\" excludes exactly 1,000, which gets the base hours.")
    if inp.hourly_rate is not None:
        amount = total * inp.hourly_rate
        figures["hourly_rate"] = inp.hourly_rate
        figures["amount"] = amount
        out.step(f"{num(total)} 小時 × {money(inp.hourly_rate)} = {money(amount)}", f"{num(total)} h × {money(inp.hourly_rate)} = {money(amount)}")
    out.warn(
        "附表未規定鐘點費單價；教材產出後由雲端學院簽請發給。",
        "The table does not give the hourly rate; the fee is requested by the Cloud College after the materials are produced.",
    )
    out.cite(E_TUTORING_NOTE_1)
    return out.result(
        figures,
        f"逢甲{TIER_SHORT_ZH[inp.tier]}線上輔導鐘點費：({weeks}+2) 週 × {per_week} 小時 = {num(total)} 小時。",
        f"FCU {TIER_SHORT_EN[inp.tier]} online tutoring: ({weeks}+2) weeks × {per_week} h = {num(total)} hours.",
    )


TUTORING = Calculator(
    name="fcu_tutoring_hours",
    title_zh="逢甲線上輔導鐘點費時數",
    title_en="FCU online tutoring hours",
    document="fcu-mooc-reward",
    params=(
        _tier_param(),
        Param("course_weeks", "開課週數", "course weeks", "int", D(1), D(520), unit_zh="週", unit_en="weeks"),
        Param("online_enrolment", "線上註冊學員人數", "online registrants", "int", D(0), ENROLMENT_MAX, required=False, default=0, unit_zh="人", unit_en="people"),
        _rate_param(),
    ),
    input_type=TutoringInput,
    func=fcu_tutoring_hours,
    description_zh="逢甲附表：開課週數加前後各一週；標竿每週 6 小時（超過一千人 12 小時）、教育部錄取 4 小時（8 小時）、SPOC 無。",
    description_en="FCU table: course weeks plus one before and one after; benchmark 6 h a week (12 above 1,000 registrants), MOE accepted 4 (8), SPOC none.",
    examples=("標竿課程 4 週、300 人，線上輔導鐘點費幾小時？",),
)


# --- 附表：教學助理 1.、2. -----------------------------------------------------------------------------

TA_STUDENTS_PER = 40
TUTOR_STUDENTS_PER = 500
ASSISTANT_HOURS_PER_WEEK = 5


@dataclass(frozen=True)
class TeachingAssistantsInput:
    weeks: int | None = None
    classroom_students: int = 0
    online_enrolment: int = 0
    online_weeks: int | None = None


def _groups(people: int, per: int) -> int:
    """ceil(people / per), with fewer than `per` counted as `per`; nobody → 0."""
    return 0 if people <= 0 else ceil_div(max(people, per), per)


@exact
def fcu_teaching_assistants(inp: TeachingAssistantsInput) -> CalcResult:
    """TAs per 40 classroom students and online tutors per 500 registrants, 5 h a week each.

    Without weeks only the counts and weekly hours are given; the online tutors' total still follows
    online_weeks when that is given (they follow the MOOC's weeks, not the classroom weeks).
    """
    out = Out("fcu_teaching_assistants")
    out.cite(E_TA_1, E_TA_2, E_TA)
    weeks = inp.weeks
    online_weeks = weeks if inp.online_weeks is None else inp.online_weeks
    tas = _groups(inp.classroom_students, TA_STUDENTS_PER)
    tutors = _groups(inp.online_enrolment, TUTOR_STUDENTS_PER)
    ta_week = tas * ASSISTANT_HOURS_PER_WEEK
    tutor_week = tutors * ASSISTANT_HOURS_PER_WEEK
    ta_total = None if weeks is None else ta_week * weeks
    tutor_total = None if online_weeks is None else tutor_week * online_weeks
    counted = 0 if inp.classroom_students == 0 else max(inp.classroom_students, TA_STUDENTS_PER)
    out.step(
        f"1. 教學助理：實體課堂修課 {num(inp.classroom_students)} 人"
        + (f"（不滿 40 人以 40 人計 → {counted}）" if 0 < inp.classroom_students < TA_STUDENTS_PER else "")
        + f"，每 40 位 1 名 → ⌈{counted}/40⌉ = {tas} 名；每名每週 5 小時 → 每週 {ta_week} 小時"
        + ("（未提供週數，不計總時數）" if ta_total is None else f" × {weeks} 週 = {ta_total} 小時"),
        f"1. Teaching assistants: {num(inp.classroom_students)} classroom students"
        + (f" (fewer than 40 count as 40 → {counted})" if 0 < inp.classroom_students < TA_STUDENTS_PER else "")
        + f", one per 40 → ⌈{counted}/40⌉ = {tas}; 5 h a week each → {ta_week} h a week"
        + (" (no weeks given, so no total)" if ta_total is None else f" × {weeks} weeks = {ta_total} h"),
    )
    counted_online = 0 if inp.online_enrolment == 0 else max(inp.online_enrolment, TUTOR_STUDENTS_PER)
    out.step(
        f"2. 線上輔導助教：線上註冊 {num(inp.online_enrolment)} 人"
        + (f"（不滿 500 人以 500 人計 → {counted_online}）" if 0 < inp.online_enrolment < TUTOR_STUDENTS_PER else "")
        + f"，每 500 位 1 名 → ⌈{num(counted_online)}/500⌉ = {tutors} 名；每名每週 5 小時 → 每週 {tutor_week} 小時"
        + ("（未提供週數，不計總時數）" if tutor_total is None else f" × {online_weeks} 週 = {num(tutor_total)} 小時"),
        f"2. Online tutors: {num(inp.online_enrolment)} online registrants"
        + (f" (fewer than 500 count as 500 → {counted_online})" if 0 < inp.online_enrolment < TUTOR_STUDENTS_PER else "")
        + f", one per 500 → ⌈{num(counted_online)}/500⌉ = {tutors}; 5 h a week each → {tutor_week} h a week"
        + (" (no weeks given, so no total)" if tutor_total is None else f" × {online_weeks} weeks = {num(tutor_total)} h"),
    )
    out.read(
        "「每 40 位學生 1 名」解讀為無條件進位（41 人 → 2 名），「不滿 40 人以 40 人計」即 1 至 39 人仍補助 1 名；0 人不補助。線上輔導助教同理（每 500 人）。",
        "\"One per 40 students\" is read as rounding up (41 → 2), and \"fewer than 40 count as 40\" gives 1 TA for 1–39 students; 0 students get none. "
        "Online tutors likewise per 500.",
    )
    if weeks is not None and inp.online_weeks is None and inp.online_enrolment:
        out.read(
            "線上輔導助教依「磨課師課程週數」、教學助理依「應用磨課師教材之週數」；未另給課程週數時兩者以同一週數計。",
            "Online tutors follow the MOOC's weeks and TAs the weeks the MOOC material is used in class; without online_weeks both use the same weeks.",
        )
    if weeks is None:
        if tutor_total is None:
            out.warn(
                "未提供週數，只列每週時數；請提供應用磨課師教材之週數（線上輔導另可提供磨課師課程週數），才能計算全期總時數。",
                "No weeks given, so only weekly hours are shown; give the weeks the MOOC material is used (and the MOOC's weeks for online tutoring) "
                "for the whole-course totals.",
            )
        else:
            out.warn(
                "未提供應用磨課師教材之週數，教學助理只列每週時數；線上輔導助教總時數依所填磨課師課程週數計算。",
                "No weeks given for the classroom use of the MOOC material, so TAs show weekly hours only; the online tutors' total uses the MOOC weeks given.",
            )
    out.warn("附表未規定津貼時薪，依學校標準。", "The table does not give the hourly allowance; the university's scale applies.")
    figures: dict[str, Decimal | int | bool | str] = {"teaching_assistants": tas, "ta_hours_per_week": ta_week}
    if ta_total is not None:
        figures["ta_total_hours"] = ta_total
    figures.update({"online_tutors": tutors, "tutor_hours_per_week": tutor_week})
    if tutor_total is not None:
        figures["tutor_total_hours"] = tutor_total
    if weeks is not None:
        figures["weeks"] = weeks
    if online_weeks is not None:
        figures["online_weeks"] = online_weeks
    ta_zh = f"每週 {ta_week} 小時" + ("" if ta_total is None else f"，共 {ta_total} 小時")
    ta_en = f"{ta_week} h a week" + ("" if ta_total is None else f", {ta_total} h in all")
    tutor_zh = f"每週 {tutor_week} 小時" + ("" if tutor_total is None else f"，共 {num(tutor_total)} 小時")
    tutor_en = f"{tutor_week} h a week" + ("" if tutor_total is None else f", {num(tutor_total)} h in all")
    return out.result(
        figures,
        f"逢甲：教學助理 {tas} 名（{ta_zh}）；線上輔導助教 {tutors} 名（{tutor_zh}）。",
        f"FCU: {tas} teaching assistant(s) ({ta_en}); {tutors} online tutor(s) ({tutor_en}).",
    )


TEACHING_ASSISTANTS = Calculator(
    name="fcu_teaching_assistants",
    title_zh="逢甲教學助理與線上輔導助教",
    title_en="FCU teaching assistants and online tutors",
    document="fcu-mooc-reward",
    params=(
        Param("weeks", "應用磨課師教材之週數", "weeks the MOOC material is used", "int", D(0), D(520), required=False, unit_zh="週", unit_en="weeks",
              help_zh="不填則只列人數與每週時數，不計總時數", help_en="without it only the counts and weekly hours are given, no totals"),
        Param("classroom_students", "實體課堂修課人數", "classroom students", "int", D(0), ENROLMENT_MAX, required=False, default=0, unit_zh="人", unit_en="students"),
        Param("online_enrolment", "線上註冊學員人數", "online registrants", "int", D(0), ENROLMENT_MAX, required=False, default=0, unit_zh="人", unit_en="people"),
        Param("online_weeks", "磨課師課程週數（線上輔導）", "MOOC course weeks (online tutoring)", "int", D(0), D(520), required=False, unit_zh="週", unit_en="weeks",
              help_zh="不填則與上面的週數相同", help_en="defaults to weeks"),
    ),
    input_type=TeachingAssistantsInput,
    func=fcu_teaching_assistants,
    description_zh="逢甲附表教學助理：每 40 位實體修課學生 1 名教學助理、每 500 位線上學員 1 名線上輔導助教，各每週 5 小時（不滿以 40／500 人計）。",
    description_en="FCU table: one TA per 40 classroom students and one online tutor per 500 online registrants, 5 h a week each (fewer count as 40 / 500).",
    examples=("實體 100 人、線上 1200 人、18 週，可以請幾個助教？",),
)


# --- 附表：教材製作助理與支援團隊（備註 2.） ------------------------------------------------------------

MATERIAL_ASSISTANTS = {BENCHMARK: 2, ACCEPTED: 2, SPOC: 1}
MATERIAL_HOURS_PER_MONTH = 43
MATERIAL_MAX_MONTHS = 4


@dataclass(frozen=True)
class MaterialAssistantsInput:
    tier: str
    months: int = MATERIAL_MAX_MONTHS
    hourly_wage: Decimal | None = None


@exact
def fcu_material_assistants(inp: MaterialAssistantsInput) -> CalcResult:
    """Material assistants (2 for MOE tiers, 1 for SPOC) × 43 h a month × at most 4 months."""
    out = Out("fcu_material_assistants")
    out.cite(E_MATERIAL_2, E_MATERIAL, E_MATERIAL_1)
    n = MATERIAL_ASSISTANTS[inp.tier]
    months = min(inp.months, MATERIAL_MAX_MONTHS)
    monthly = n * MATERIAL_HOURS_PER_MONTH
    total = monthly * months
    out.step(
        f"{TIER_ZH[inp.tier]}：教材助理 {n} 人（專案經理及拍攝團隊／助教由雲端學院支援，不另計津貼）",
        f"{TIER_EN[inp.tier]}: {n} material assistant(s) (the project manager and filming team are provided by the Cloud College)",
    )
    if inp.months > MATERIAL_MAX_MONTHS:
        out.warn(
            f"教材助理津貼至多補助 {MATERIAL_MAX_MONTHS} 個月（附表備註 2.），{inp.months} 個月以 {MATERIAL_MAX_MONTHS} 個月計。",
            f"The assistant allowance is paid for at most {MATERIAL_MAX_MONTHS} months (note 2); {inp.months} months are counted as {MATERIAL_MAX_MONTHS}.",
        )
        out.step(f"月數 {inp.months} 超過上限 → 以 {MATERIAL_MAX_MONTHS} 個月計", f"{inp.months} months exceed the cap → {MATERIAL_MAX_MONTHS} months")
    out.step(
        f"{n} 人 × 每月 {MATERIAL_HOURS_PER_MONTH} 小時 × {months} 個月 = {total} 小時",
        f"{n} × {MATERIAL_HOURS_PER_MONTH} h a month × {months} months = {total} h",
    )
    figures: dict[str, Decimal | int | bool | str] = {
        "tier": inp.tier,
        "assistants": n,
        "hours_per_month_each": MATERIAL_HOURS_PER_MONTH,
        "months_requested": inp.months,
        "months_paid": months,
        "max_months": MATERIAL_MAX_MONTHS,
        "monthly_hours": monthly,
        "total_hours": total,
        "months_capped": inp.months > MATERIAL_MAX_MONTHS,
    }
    summary_zh = f"逢甲{TIER_SHORT_ZH[inp.tier]}：教材助理 {n} 人 × 43 小時 × {months} 個月 = {total} 小時津貼"
    summary_en = f"FCU {TIER_SHORT_EN[inp.tier]}: {n} material assistant(s) × 43 h × {months} months = {total} allowance hours"
    if inp.hourly_wage is not None:
        amount = total * inp.hourly_wage
        figures["hourly_wage"] = inp.hourly_wage
        figures["amount"] = amount
        out.step(f"{total} 小時 × {money(inp.hourly_wage)} = {money(amount)}", f"{total} h × {money(inp.hourly_wage)} = {money(amount)}")
        summary_zh += f"，共 {money(amount)}"
        summary_en += f", {money(amount)} in all"
    else:
        out.warn("附表未規定津貼時薪，依學校標準。", "The table does not give the hourly allowance; the university's scale applies.")
    out.read(
        "「每名、每月 43 小時」解讀為每位教材助理每月最多以 43 小時計算津貼；教材助理由教師自行徵選。",
        "\"43 hours per assistant per month\" is read as the monthly allowance basis for each assistant; the teacher recruits the assistants.",
    )
    return out.result(figures, summary_zh + "。", summary_en + ".")


MATERIAL_ASSISTANTS_CALC = Calculator(
    name="fcu_material_assistants",
    title_zh="逢甲教材製作助理津貼時數",
    title_en="FCU material assistant hours",
    document="fcu-mooc-reward",
    params=(
        _tier_param(),
        Param("months", "補助月數", "months", "int", D(1), D(120), required=False, default=MATERIAL_MAX_MONTHS, unit_zh="個月", unit_en="months",
              help_zh="至多 4 個月；不填以 4 個月計", help_en="at most 4; defaults to 4"),
        Param("hourly_wage", "津貼時薪", "hourly allowance", "number", D(0), RATE_MAX, required=False, unit_zh="元", unit_en="NT$"),
    ),
    input_type=MaterialAssistantsInput,
    func=fcu_material_assistants,
    description_zh="逢甲附表：教育部課程教材助理 2 人、SPOC 1 人，每名每月 43 小時，至多 4 個月。",
    description_en="FCU table: 2 material assistants for MOE courses, 1 for SPOC, 43 h a month each, at most 4 months.",
    examples=("SPOC 課程教材助理可以補助幾小時？",),
)

ALL = (RECORDING_FEE, TUTORING, TEACHING_ASSISTANTS, MATERIAL_ASSISTANTS_CALC)
