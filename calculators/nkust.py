"""NKUST (國立高雄科技大學磨課師課程作業要點) calculators."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rules.base import D, CalcError, CalcResult, Calculator, Param, money, num
from calculators.common import Out, exact, ok_en, ok_zh

HOURS_PER_WEEK = D(2)  # 二、(一)2.: 學生每週線上學習時數列計為二小時


@dataclass(frozen=True)
class CreditsInput:
    """Learning hours, or course weeks at 2 hours a week."""

    hours: Decimal | None = None
    weeks: Decimal | None = None


def _step(hours: Decimal) -> Decimal:
    if hours >= 18:
        return D(1)
    if hours >= 9:
        return D("0.5")
    if hours >= 4:
        return D("0.2")
    return D(0)


def nkust_credits(inp: CreditsInput) -> CalcResult:
    """Credits from online learning hours (三、): 4 h → 0.2, 9 h → 0.5, 18 h → 1; above 18 h one credit per full 18 h plus the step for the rest."""
    if inp.hours is None and inp.weeks is None:
        raise CalcError("hours", "請提供學習時數或課程週數", "give learning hours or course weeks", "hours 0–1000 or weeks 0–500")
    steps_zh: list[str] = []
    steps_en: list[str] = []
    warnings_zh: list[str] = []
    warnings_en: list[str] = []
    citations = ["nkust-3"]
    if inp.hours is not None:
        hours = inp.hours
    else:
        assert inp.weeks is not None
        hours = inp.weeks * HOURS_PER_WEEK
        steps_zh.append(f"每週線上學習時數列計 2 小時：{num(inp.weeks)} 週 × 2 = {num(hours)} 小時")
        steps_en.append(f"Each week counts as 2 learning hours: {num(inp.weeks)} weeks × 2 = {num(hours)} hours")
        citations.append("nkust-2-1-2")
        if not D(2) <= inp.weeks <= D(9):
            warnings_zh.append("高科大磨課師課程以 2 至 9 週為原則（二、(一)2.）。")
            warnings_en.append("NKUST MOOCs run 2 to 9 weeks as a rule (2(1)2).")
    full = int(hours // 18)
    rest = hours - full * 18
    step = _step(rest)
    credits = D(full) + step
    if hours < 18:
        steps_zh.append(f"{num(hours)} 小時：未滿 4 小時不授予學分，達 4 小時 0.2、達 9 小時 0.5、達 18 小時 1 學分 → {num(credits)} 學分")
        steps_en.append(f"{num(hours)} h: under 4 h no credit; 4 h → 0.2, 9 h → 0.5, 18 h → 1 → {num(credits)} credit(s)")
    else:
        steps_zh.append(f"{num(hours)} 小時 = {full} × 18 小時 + {num(rest)} 小時 → {full} 學分 + 餘數 {num(rest)} 小時 {num(step)} 學分 = {num(credits)} 學分")
        steps_en.append(f"{num(hours)} h = {full} × 18 h + {num(rest)} h → {full} credit(s) + {num(step)} for the remaining {num(rest)} h = {num(credits)}")
    reading_zh = reading_en = ""
    if hours > 18:
        reading_zh = "要點只寫到 18 小時 1 學分；超過 18 小時採「每滿 18 小時 1 學分，餘數再依 4／9 小時級距」的解讀。"
        reading_en = "The rule stops at 18 h = 1 credit; above that we read it as one credit per full 18 h plus the 4 h / 9 h step for the remainder."
    warnings_zh.append("磨課師課程畢業學分至多採認 9 學分（三、(一)2.）。")
    warnings_en.append("At most 9 MOOC credits count towards graduation (3(1)2).")
    citations.append("nkust-3-1-2")
    return CalcResult(
        calculator="nkust_credits",
        figures={"hours": hours, "credits": credits, "graduation_cap_credits": 9},
        summary_zh=f"高科大磨課師線上學習 {num(hours)} 小時可授予 {num(credits)} 學分。",
        summary_en=f"At NKUST, {num(hours)} hours of online learning earn {num(credits)} credit(s).",
        steps_zh=tuple(steps_zh),
        steps_en=tuple(steps_en),
        citations=tuple(citations),
        warnings_zh=tuple(warnings_zh),
        warnings_en=tuple(warnings_en),
        reading_zh=reading_zh,
        reading_en=reading_en,
    )


CREDITS = Calculator(
    name="nkust_credits",
    title_zh="高科大磨課師學分",
    title_en="NKUST MOOC credits",
    document="nkust-mooc",
    params=(
        Param("hours", "線上學習時數", "learning hours", "number", D(0), D(1000), required=False, unit_zh="小時", unit_en="hours"),
        Param("weeks", "課程週數", "course weeks", "number", D(0), D(500), required=False, unit_zh="週", unit_en="weeks"),
    ),
    input_type=CreditsInput,
    func=nkust_credits,
    description_zh="由線上學習時數（或週數 × 2 小時）計算可授予的學分。",
    description_en="Credits from online learning hours (or weeks × 2 hours).",
)


# --- 四、(一)2. 磨課師課程補助（教材製作期間） ---------------------------------------------------------

RECORDING_PER_HOUR = D(5000)  # 四、(一)2.(1): 每小時至多支給新臺幣五千元，未滿一小時者，依比例補助
EXPERT_PER_UNIT = D(2000)  # 四、(一)2.(2): 每單元影片至多支給新臺幣二千元
EXPERT_PER_COURSE = D(10000)  # 四、(一)2.(2): 每門課至多補助新臺幣一萬元
OTHER_PER_COURSE = D(20000)  # 四、(一)2.(4): 每門課程至多補助新臺幣二萬元
COURSE_CAP = D(140000)  # 四、(一)2.: 每門課至多補助業務費新臺幣十四萬元
COURSES_PER_YEAR = 3  # 四、(一)2.: 每年至多補助三門課程為原則
MONEY_MAX = D(10) ** 10


@dataclass(frozen=True)
class ProductionSubsidyInput:
    """The amounts a teacher asks for while producing a subsidised MOOC."""

    video_hours: Decimal
    recording_fee_requested: Decimal | None = None
    expert_units: int = 0
    expert_fee_requested: Decimal | None = None
    staff_fee_requested: Decimal = D(0)
    other_costs_requested: Decimal = D(0)
    courses_this_year: int | None = None


@exact
def nkust_production_subsidy(inp: ProductionSubsidyInput) -> CalcResult:
    """Each subsidy line requested vs granted (四、(一)2.(1)–(4)), then the NT$140,000 course cap."""
    out = Out("nkust_production_subsidy")
    out.cite("nkust-4-1-2", "nkust-4-1-2-1")
    hours = inp.video_hours
    units = inp.expert_units

    recording_max = RECORDING_PER_HOUR * hours
    recording_req = recording_max if inp.recording_fee_requested is None else inp.recording_fee_requested
    recording = min(recording_req, recording_max)
    out.step(
        f"(1) 教師錄製鐘點費：{num(hours)} 小時 × {money(RECORDING_PER_HOUR)}／小時（未滿一小時依比例）= 上限 {money(recording_max)}；"
        f"申請 {money(recording_req)} → 核算 {money(recording)}",
        f"(1) Teacher recording fee: {num(hours)} h × {money(RECORDING_PER_HOUR)}/h (part hours pro rata) = at most {money(recording_max)}; "
        f"requested {money(recording_req)} → {money(recording)}",
    )

    expert_by_units = EXPERT_PER_UNIT * units
    expert_max = min(expert_by_units, EXPERT_PER_COURSE)
    expert_req = expert_by_units if inp.expert_fee_requested is None else inp.expert_fee_requested
    expert = min(expert_req, expert_max)
    if units or expert_req:
        out.cite("nkust-4-1-2-2")
        out.step(
            f"(2) 業師／專家協同錄製鐘點費：{units} 單元 × {money(EXPERT_PER_UNIT)} = {money(expert_by_units)}，每門課至多 {money(EXPERT_PER_COURSE)} "
            f"→ 上限 {money(expert_max)}；申請 {money(expert_req)} → 核算 {money(expert)}",
            f"(2) External expert co-recording fee: {units} unit video(s) × {money(EXPERT_PER_UNIT)} = {money(expert_by_units)}, at most "
            f"{money(EXPERT_PER_COURSE)} a course → at most {money(expert_max)}; requested {money(expert_req)} → {money(expert)}",
        )
        if units == 0 and expert_req > 0:
            out.warn(
                "申請了業師／專家鐘點費但單元影片數為 0：此項以每單元影片計算，無單元影片即無法核給。",
                "An expert fee was requested but no unit videos with experts were given: the fee is paid per unit video, so nothing can be granted.",
            )

    staff = inp.staff_fee_requested
    if staff:
        out.cite("nkust-4-1-2-3")
        out.step(
            f"(3) 教材製作費（學生助理工讀費或校外人士工作費）：要點未訂此項上限，依申請額列計 {money(staff)}（仍受每門課總額上限限制）",
            f"(3) Material production (student assistants or outside workers): the rules set no cap for this line, so the requested {money(staff)} counts "
            "in full (still within the course total cap)",
        )

    other_req = inp.other_costs_requested
    other = min(other_req, OTHER_PER_COURSE)
    if other_req:
        out.cite("nkust-4-1-2-4")
        out.step(
            f"(4) 其他業務費：每門課程至多 {money(OTHER_PER_COURSE)}；申請 {money(other_req)} → 核算 {money(other)}",
            f"(4) Other costs: at most {money(OTHER_PER_COURSE)} a course; requested {money(other_req)} → {money(other)}",
        )

    subtotal = recording + expert + staff + other
    total_req = recording_req + expert_req + staff + other_req
    capped = subtotal > COURSE_CAP
    total = min(subtotal, COURSE_CAP)
    trimmed_lines_zh = [n for n, r, g in (("教師錄製鐘點費", recording_req, recording), ("業師鐘點費", expert_req, expert), ("其他業務費", other_req, other)) if r > g]
    trimmed_lines_en = [n for n, r, g in (("teacher recording", recording_req, recording), ("expert fee", expert_req, expert), ("other costs", other_req, other)) if r > g]
    out.step(
        f"各項核算合計 {money(recording)} + {money(expert)} + {money(staff)} + {money(other)} = {money(subtotal)}"
        + (f"，超過每門課 {money(COURSE_CAP)} 上限 → 核給總額 {money(total)}" if capped else f"，未超過每門課 {money(COURSE_CAP)} 上限 → {money(total)}"),
        f"Lines after their own caps: {money(recording)} + {money(expert)} + {money(staff)} + {money(other)} = {money(subtotal)}"
        + (f", over the {money(COURSE_CAP)} course cap → total {money(total)}" if capped else f", within the {money(COURSE_CAP)} course cap → {money(total)}"),
    )
    if capped:
        out.warn(
            f"每門課總額上限 {money(COURSE_CAP)}（四、(一)2.）生效：合計 {money(subtotal)} 調減為 {money(total)}；各項如何調減由審查委員會決定。",
            f"The {money(COURSE_CAP)} per-course cap (4(1)2) applies: {money(subtotal)} is trimmed to {money(total)}; the review committee decides which lines are reduced.",
        )
    if trimmed_lines_zh:
        out.warn(
            "以下項目超過該項上限，已調減：" + "、".join(trimmed_lines_zh) + "。",
            "These lines exceeded their own caps and were trimmed: " + ", ".join(trimmed_lines_en) + ".",
        )
    out.warn(
        "以上均為「至多」金額：實際補助視學校當年度經費，由審查委員會決議補助名單及金額（四、(三)）。",
        "These are maxima: the actual grant depends on the year's budget and is decided by the review committee (4(3)).",
    )
    out.cite("nkust-4-3")

    figures: dict[str, Decimal | int | bool | str] = {
        "recording_max": recording_max,
        "recording_requested": recording_req,
        "recording_granted": recording,
        "expert_max": expert_max,
        "expert_requested": expert_req,
        "expert_granted": expert,
        "staff_requested": staff,
        "staff_granted": staff,
        "other_max": OTHER_PER_COURSE,
        "other_requested": other_req,
        "other_granted": other,
        "subtotal_after_item_caps": subtotal,
        "total_requested": total_req,
        "total_granted": total,
        "course_cap": int(COURSE_CAP),
        "course_cap_applied": capped,
        "yearly_course_limit": COURSES_PER_YEAR,
    }
    if inp.courses_this_year is not None:
        within = inp.courses_this_year <= COURSES_PER_YEAR
        figures["yearly_course_limit_ok"] = within
        out.step(
            f"本年度補助課程數 {inp.courses_this_year} 門（含本課程），每年至多 {COURSES_PER_YEAR} 門為原則 → {ok_zh(within)}",
            f"Courses subsidised this year: {inp.courses_this_year} (including this one); at most {COURSES_PER_YEAR} a year as a rule → {ok_en(within)}",
        )
        if not within:
            out.warn(
                f"每年至多補助 {COURSES_PER_YEAR} 門課程為原則（四、(一)2.），本年度已達 {inp.courses_this_year} 門，超過部分原則上不予補助。",
                f"At most {COURSES_PER_YEAR} courses are subsidised a year as a rule (4(1)2); {inp.courses_this_year} exceeds that.",
            )
        out.read(
            "「本年度課程數」解讀為本年度獲補助的課程數（含本課程）。",
            "courses_this_year is read as the number of courses subsidised this year, including this one.",
        )
    if hours != hours.to_integral_value():
        out.read(
            f"未滿一小時的部分依比例補助：{num(hours)} 小時 × {money(RECORDING_PER_HOUR)} = {money(recording_max)}。",
            f"Part hours are paid pro rata: {num(hours)} h × {money(RECORDING_PER_HOUR)} = {money(recording_max)}.",
        )
    return out.result(
        figures,
        f"高科大磨課師教材製作補助：申請 {money(total_req)}，依各項上限及每門課 {money(COURSE_CAP)} 總額上限，至多核給 {money(total)}。",
        f"NKUST MOOC production subsidy: {money(total_req)} requested; with each line's cap and the {money(COURSE_CAP)} course cap, at most {money(total)}.",
    )


PRODUCTION_SUBSIDY = Calculator(
    name="nkust_production_subsidy",
    title_zh="高科大磨課師教材製作補助",
    title_en="NKUST MOOC production subsidy",
    document="nkust-mooc",
    params=(
        Param("video_hours", "完成之影音教材時數", "finished video hours (teacher recording)", "number", D(0), D(1000), unit_zh="小時", unit_en="hours"),
        Param("recording_fee_requested", "申請之教師錄製鐘點費", "teacher recording fee requested", "number", D(0), MONEY_MAX, required=False, unit_zh="元", unit_en="NT$",
              help_zh="不填則以上限（每小時 5,000 元）計", help_en="defaults to the maximum (NT$5,000 an hour)"),
        Param("expert_units", "業師／專家協同錄製之單元影片數", "unit videos with external experts", "int", D(0), D(1000), required=False, default=0, unit_zh="單元", unit_en="units"),
        Param("expert_fee_requested", "申請之業師協同錄製鐘點費", "expert fee requested", "number", D(0), MONEY_MAX, required=False, unit_zh="元", unit_en="NT$",
              help_zh="不填則以每單元 2,000 元計", help_en="defaults to NT$2,000 a unit video"),
        Param("staff_fee_requested", "申請之教材製作費（工讀費、工作費）", "material production fee requested (assistants, outside workers)", "number", D(0), MONEY_MAX,
              required=False, default=D(0), unit_zh="元", unit_en="NT$"),
        Param("other_costs_requested", "申請之其他業務費", "other costs requested", "number", D(0), MONEY_MAX, required=False, default=D(0), unit_zh="元", unit_en="NT$"),
        Param("courses_this_year", "本年度獲補助課程數（含本課程）", "courses subsidised this year (incl. this one)", "int", D(1), D(1000), required=False, unit_zh="門", unit_en="courses"),
    ),
    input_type=ProductionSubsidyInput,
    func=nkust_production_subsidy,
    description_zh="高科大四、(一)2.：教師錄製每小時至多 5,000 元、業師每單元 2,000 元（每門 1 萬）、其他業務費 2 萬、每門課總額 14 萬、每年至多 3 門。",
    description_en="NKUST 4(1)2: teacher recording up to NT$5,000 an hour, experts NT$2,000 a unit video (NT$10,000 a course), other costs NT$20,000, NT$140,000 a course, 3 courses a year.",
    examples=("錄了 2.5 小時影片可以補助多少？", "How much production subsidy for 8 hours of video?"),
)


# --- 四、(一)3. 磨課師課程經營補助（教學助理） --------------------------------------------------------

TA_HOURS_PER_WEEK = D(10)  # 四、(一)3.: 每週至多補助十小時教學助理費用


@dataclass(frozen=True)
class OperationTaInput:
    """Weeks the course runs on the platform, and whether it is a self-study course."""

    course_weeks: int
    self_study: bool = False


@exact
def nkust_operation_ta(inp: OperationTaInput) -> CalcResult:
    """TA hours while the course runs: (weeks + preparation week + grading week) × 10 h; none for self-study courses."""
    out = Out("nkust_operation_ta")
    out.cite("nkust-4-1-3")
    weeks = inp.course_weeks
    paid = weeks + 2
    if inp.self_study:
        out.cite("nkust-2-2-3")
        out.step(
            "磨課師自學課程不適用經營補助（「除自學課程外」）→ 0 小時",
            "Self-study MOOCs are excluded from the operation subsidy (除自學課程外) → 0 hours",
        )
        hours = D(0)
        paid_weeks = 0
    else:
        hours = TA_HOURS_PER_WEEK * paid
        paid_weeks = paid
        out.step(
            f"補助週數 = 課程週數 {weeks} + 預備週 1 + 成績結算週 1 = {paid} 週",
            f"Weeks paid = {weeks} course weeks + 1 preparation week + 1 grading week = {paid}",
        )
        out.step(
            f"{paid} 週 × 每週至多 {num(TA_HOURS_PER_WEEK)} 小時 = 至多 {num(hours)} 小時教學助理費用",
            f"{paid} weeks × at most {num(TA_HOURS_PER_WEEK)} h a week = at most {num(hours)} TA hours",
        )
    if not 2 <= weeks <= 9:
        out.cite("nkust-2-1-2")
        out.warn(
            f"高科大磨課師課程以 2 至 9 週為原則（二、(一)2.），{weeks} 週不在此範圍。",
            f"NKUST MOOCs run 2 to 9 weeks as a rule (2(1)2); {weeks} weeks is outside that.",
        )
    out.warn(
        "時數為「至多」補助額度；時薪依學校工讀／助理支給標準，要點未規定。",
        "The hours are a maximum; the hourly pay follows the university's assistant pay scale, which the rules do not state.",
    )
    return out.result(
        {
            "course_weeks": weeks,
            "weeks_paid": paid_weeks,
            "max_hours_per_week": 0 if inp.self_study else int(TA_HOURS_PER_WEEK),
            "max_ta_hours": hours,
            "self_study": inp.self_study,
        },
        f"高科大磨課師經營補助：{'自學課程不補助教學助理。' if inp.self_study else f'{paid} 週 × 10 小時，至多 {num(hours)} 小時教學助理費用。'}",
        f"NKUST MOOC operation subsidy: {'none for a self-study course.' if inp.self_study else f'{paid} weeks × 10 h, at most {num(hours)} TA hours.'}",
    )


OPERATION_TA = Calculator(
    name="nkust_operation_ta",
    title_zh="高科大磨課師經營補助（教學助理時數）",
    title_en="NKUST MOOC operation subsidy (TA hours)",
    document="nkust-mooc",
    params=(
        Param("course_weeks", "課程週數", "course weeks", "int", D(1), D(520), unit_zh="週", unit_en="weeks"),
        Param("self_study", "是否為磨課師自學課程", "self-study course", "bool", required=False, default=False),
    ),
    input_type=OperationTaInput,
    func=nkust_operation_ta,
    description_zh="高科大四、(一)3.：課程週數加預備週及成績結算週，每週至多 10 小時教學助理；自學課程除外。",
    description_en="NKUST 4(1)3: course weeks plus a preparation and a grading week, up to 10 TA hours a week; not for self-study courses.",
    examples=("6 週的磨課師可以請多少小時助教？",),
)
