"""NDHU (國立東華大學數位學習實施作業規範) calculators: teaching assistants and the budget table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from rules.base import D, CalcError, CalcResult, Calculator, Param, money, num
from calculators.common import Out, exact, ok_en, ok_zh

# Knowledge-entry ids (knowledge/entries/ndhu-elearning.yaml).
E_TA = "ndhu-3-3-1"
E_TA_OTHER = "ndhu-3-3-2"
E_BUDGET = "ndhu-budget"
E_RECORDING = "ndhu-budget-recording-fee"
E_PREMIUM = "ndhu-budget-supplementary-premium"
E_WORK = "ndhu-budget-work-study"
E_WORK_RULES = ("ndhu-budget-work-study-1", "ndhu-budget-work-study-2", "ndhu-budget-work-study-3", "ndhu-budget-work-study-4")
E_LABOUR = ("ndhu-budget-labour-insurance", "ndhu-budget-labour-pension")

MONEY_MAX = D(10) ** 10
ENROLMENT_MAX = D(10_000_000)

# --- 3、(三)1. 教學助理 ------------------------------------------------------------------------------

TA_THRESHOLD = 120  # 選課人數超過120人以上得核加一位
MAX_TAS = 2
TA_MONTHLY_CAP = D(6000)  # 每人每月新台幣陸仟元為上限
TA_MAX_MONTHS = 5  # 每學期以五個月為限


@dataclass(frozen=True)
class TeachingAssistantsInput:
    enrolment: int | None = None
    months: int | None = None
    monthly_amount: Decimal | None = None
    tas: int | None = None


@exact
def ndhu_teaching_assistants(inp: TeachingAssistantsInput) -> CalcResult:
    """1 TA, 2 when enrolment exceeds 120; at most NT$6,000 a month each for at most 5 months a semester.

    With enrolment the TA count follows it (a `tas` above what it allows is capped); without enrolment
    `tas` is used (1 when not given).
    """
    out = Out("ndhu_teaching_assistants")
    out.cite(E_TA)
    allowed: int | None = None
    if inp.enrolment is not None:
        over = inp.enrolment > TA_THRESHOLD
        allowed = 2 if over else 1
        tas = allowed if inp.tas is None else min(inp.tas, allowed)
        out.step(
            f"遠距教學課程可申請 1 位教學助理；選課 {num(inp.enrolment)} 人{'超過' if over else '未超過'} 120 人 → {allowed} 位（每門課程最多 {MAX_TAS} 位）",
            f"A distance-learning course may have 1 TA; {num(inp.enrolment)} students {'exceed' if over else 'do not exceed'} 120 → {allowed} "
            f"(at most {MAX_TAS} a course)",
        )
        if inp.tas is not None and inp.tas > allowed:
            out.warn(
                f"選課 {num(inp.enrolment)} 人只可有 {allowed} 位教學助理（超過 120 人才可核加第 2 位，3、(三)1.），所填 {inp.tas} 位以 {allowed} 位計。",
                f"{num(inp.enrolment)} students allow only {allowed} TA (a second needs more than 120 students, 3(3)1); the {inp.tas} TAs given count as {allowed}.",
            )
            out.step(f"所填 {inp.tas} 位超過可核 {allowed} 位 → 以 {allowed} 位計", f"{inp.tas} TAs given exceed the {allowed} allowed → {allowed}")
        elif inp.tas is not None and inp.tas < allowed:
            out.step(f"所填聘用 {inp.tas} 位（可核 {allowed} 位）→ 以 {inp.tas} 位計", f"{inp.tas} TA given ({allowed} allowed) → {inp.tas}")
    else:
        tas = 1 if inp.tas is None else inp.tas
        if inp.tas is None:
            out.step(
                f"未填選課人數與教學助理人數 → 以遠距教學課程基本的 1 位計（每門課程最多 {MAX_TAS} 位）",
                f"No enrolment or TA count given → the basic 1 TA of a distance-learning course (at most {MAX_TAS} a course)",
            )
            out.warn(
                "未提供選課人數，以 1 位教學助理計；選課人數超過 120 人才可核加第 2 位（3、(三)1.）。",
                "No enrolment given, so 1 TA is assumed; a second TA needs more than 120 students (3(3)1).",
            )
        else:
            out.step(
                f"未填選課人數 → 以所填 {tas} 位教學助理計（每門課程最多 {MAX_TAS} 位）",
                f"No enrolment given → the {tas} TA(s) given (at most {MAX_TAS} a course)",
            )
            out.warn(
                "未提供選課人數，無法確認教學助理人數；2 位教學助理須選課人數超過 120 人（3、(三)1.），否則只有 1 位。",
                "No enrolment given, so the TA count is not checked: 2 TAs need more than 120 students (3(3)1), otherwise only 1.",
            )
    out.read(
        "「超過120人以上」解讀為多於 120 人（121 人起核加第 2 位；恰好 120 人為 1 位），因「超過」明確排除 120 本身；規範並註明此門檻「視情況修訂」。",
        "「超過120人以上」 is read as more than 120 (a second TA from 121; exactly 120 gets one), since 超過 excludes 120 itself; the rule also says the threshold may be revised.",
    )
    months_given = inp.months
    months = TA_MAX_MONTHS if months_given is None else min(months_given, TA_MAX_MONTHS)
    if months_given is None:
        out.step(f"未填月數 → 以每學期上限 {TA_MAX_MONTHS} 個月計", f"No months given → the semester maximum of {TA_MAX_MONTHS} months")
    elif months_given > TA_MAX_MONTHS:
        out.warn(
            f"每學期以 {TA_MAX_MONTHS} 個月為限（3、(三)1.），{months_given} 個月以 {TA_MAX_MONTHS} 個月計。",
            f"At most {TA_MAX_MONTHS} months a semester (3(3)1); {months_given} months count as {TA_MAX_MONTHS}.",
        )
        out.step(f"月數 {months_given} 超過上限 → {TA_MAX_MONTHS} 個月", f"{months_given} months exceed the cap → {TA_MAX_MONTHS}")
    amount_given = inp.monthly_amount
    amount = TA_MONTHLY_CAP if amount_given is None else min(amount_given, TA_MONTHLY_CAP)
    if amount_given is not None and amount_given > TA_MONTHLY_CAP:
        out.warn(
            f"補助經費以每人每月 {money(TA_MONTHLY_CAP)} 為上限，{money(amount_given)} 以 {money(TA_MONTHLY_CAP)} 計。",
            f"The subsidy is at most {money(TA_MONTHLY_CAP)} per TA a month; {money(amount_given)} counts as {money(TA_MONTHLY_CAP)}.",
        )
    total = amount * tas * months
    out.step(
        f"{tas} 位 × 每月 {money(amount)} × {months} 個月 = 每學期至多 {money(total)}",
        f"{tas} TA(s) × {money(amount)} a month × {months} months = at most {money(total)} a semester",
    )
    out.warn(
        "本項適用遠距教學課程，以授課教師自行聘請本校在學學生為原則；一般授課所需教學助理另依「教學助理助學金作業要點」辦理（3、(三)2.）。",
        "This applies to distance-learning courses, with current NDHU students hired by the teacher as a rule; TAs for ordinary teaching follow the TA grant rules (3(3)2).",
    )
    out.cite(E_TA_OTHER)
    figures: dict[str, Decimal | int | bool | str] = {}
    if inp.enrolment is not None:
        figures["enrolment"] = inp.enrolment
    figures["teaching_assistants"] = tas
    if allowed is not None:
        figures["allowed_teaching_assistants"] = allowed
    figures.update({
        "max_teaching_assistants": MAX_TAS,
        "max_monthly_amount_each": TA_MONTHLY_CAP,
        "monthly_amount_each": amount,
        "months_paid": months,
        "max_months": TA_MAX_MONTHS,
        "max_semester_amount": total,
        "semester_cap_amount": TA_MONTHLY_CAP * tas * TA_MAX_MONTHS,
    })
    if inp.enrolment is not None:
        lead_zh = f"選課 {num(inp.enrolment)} 人可有 {tas} 位教學助理" if allowed == tas else f"選課 {num(inp.enrolment)} 人可有 {allowed} 位，以聘用 {tas} 位計"
        lead_en = f"{num(inp.enrolment)} students → {tas} TA(s)" if allowed == tas else f"{num(inp.enrolment)} students allow {allowed}, {tas} hired"
    else:
        lead_zh = f"{tas} 位教學助理（未提供選課人數）"
        lead_en = f"{tas} TA(s) (no enrolment given)"
    return out.result(
        figures,
        f"東華遠距教學課程：{lead_zh}，每學期至多 {money(total)}。",
        f"NDHU distance course: {lead_en}, at most {money(total)} a semester.",
    )


TEACHING_ASSISTANTS = Calculator(
    name="ndhu_teaching_assistants",
    title_zh="東華遠距教學課程教學助理",
    title_en="NDHU distance-course teaching assistants",
    document="ndhu-elearning",
    params=(
        Param("enrolment", "選課人數", "enrolment", "int", D(0), ENROLMENT_MAX, required=False, unit_zh="人", unit_en="students",
              help_zh="超過 120 人可有 2 位教學助理；不填則依教學助理人數", help_en="more than 120 allows 2 TAs; without it the number of TAs is used"),
        Param("months", "聘用月數（本學期）", "months this semester", "int", D(1), D(120), required=False, unit_zh="個月", unit_en="months",
              help_zh="每學期至多 5 個月；不填以 5 個月計", help_en="at most 5 a semester; defaults to 5"),
        Param("monthly_amount", "每人每月金額", "monthly amount per TA", "number", D(0), MONEY_MAX, required=False, unit_zh="元", unit_en="NT$",
              help_zh="上限 6,000 元；不填以 6,000 元計", help_en="at most NT$6,000; defaults to 6,000"),
        Param("tas", "教學助理人數", "number of TAs", "int", D(1), D(MAX_TAS), required=False, unit_zh="位", unit_en="TAs",
              help_zh="1 或 2（2 位須選課超過 120 人）；不填則依選課人數，皆未填以 1 位計",
              help_en="1 or 2 (2 need more than 120 students); defaults to what enrolment allows, or 1"),
    ),
    input_type=TeachingAssistantsInput,
    func=ndhu_teaching_assistants,
    description_zh="東華 3、(三)1.：遠距教學課程 1 位教學助理，選課超過 120 人核加 1 位（最多 2 位），每人每月至多 6,000 元，每學期至多 5 個月。",
    description_en="NDHU 3(3)1: one TA per distance course, a second above 120 students (at most 2), at most NT$6,000 a month each for at most 5 months a semester.",
    examples=("東華遠距課 150 人可以請幾個助教？",),
)


# --- 數位學習補助經費預算表（業務費） -------------------------------------------------------------------

RECORDING_RATE = D(1000)  # 以每小時1,000元計
PREMIUM_RATE = D("0.0211")  # 補充保費 1,000*2.11%
WORK_STUDY_RATE = D(190)
BREAK_EVERY_HOURS = 4  # 每工作4小時必需休息30分鐘以上
BREAK_MINUTES = 30
MAX_DAILY_HOURS = D(8)  # 每日不得超過8小時
MAX_CONSECUTIVE_DAYS = 5  # 連續工作5天一定要休1天
WINDOW_DAYS, MAX_DAYS_IN_WINDOW = 7, 5  # 7天內不得工作超過5天


@dataclass(frozen=True)
class BudgetInput:
    recording_hours: Decimal | None = None
    work_study_hours: Decimal | None = None
    schedule: tuple[Decimal, ...] | None = None
    prior_consecutive_days: int = 0
    start_date: date | None = None


def _day(i: int, start: date | None) -> tuple[str, str]:
    """Day i (0-based) of the schedule, in zh and en."""
    if start is None:
        return f"第 {i + 1} 天", f"day {i + 1}"
    d = (start + timedelta(days=i)).isoformat()
    return f"第 {i + 1} 天（{d}）", f"day {i + 1} ({d})"


def _check_schedule(out: Out, schedule: tuple[Decimal, ...], prior: int, start: date | None, figures: dict[str, Decimal | int | bool | str]) -> None:
    out.cite(*E_WORK_RULES)
    n = len(schedule)
    # 1. breaks (a hint: we know hours, not breaks)
    breaks = [int(h // BREAK_EVERY_HOURS) * BREAK_MINUTES for h in schedule]
    figures["min_break_minutes"] = ",".join(str(b) for b in breaks)
    needs = [f"{_day(i, start)[0]} {num(h)} 小時 → 至少休息 {b} 分鐘" for i, (h, b) in enumerate(zip(schedule, breaks)) if b]
    needs_en = [f"{_day(i, start)[1]} {num(h)} h → at least {b} min break" for i, (h, b) in enumerate(zip(schedule, breaks)) if b]
    out.step(
        "1. 每工作 4 小時必需休息 30 分鐘以上（提示：最少休息分鐘 = ⌊工時／4⌋ × 30）：" + ("；".join(needs) if needs else "每日工時均未滿 4 小時，不需強制休息"),
        "1. A break of at least 30 minutes per 4 hours worked (hint: minimum break = ⌊hours/4⌋ × 30 min): "
        + ("; ".join(needs_en) if needs_en else "no day reaches 4 hours, so no break is required"),
    )
    # 2. at most 8 hours a day
    over = [i for i, h in enumerate(schedule) if h > MAX_DAILY_HOURS]
    ok2 = not over
    figures["daily_hours_ok"] = ok2
    figures["days_over_8_hours"] = ",".join(str(i + 1) for i in over)
    out.step(
        "2. 每日不得超過 8 小時：" + ("每日皆 ≤ 8 小時" if ok2 else "、".join(f"{_day(i, start)[0]} {num(schedule[i])} 小時" for i in over) + " 超過") + f" → {ok_zh(ok2)}",
        "2. At most 8 hours a day: " + ("every day ≤ 8 h" if ok2 else ", ".join(f"{_day(i, start)[1]} {num(schedule[i])} h" for i in over) + " over") + f" → {ok_en(ok2)}",
    )
    # 3. at most 5 consecutive working days
    working = [h > 0 for h in schedule]
    run = prior
    longest = prior
    breaches: list[tuple[int, int]] = []
    for i, w in enumerate(working):
        run = run + 1 if w else 0
        longest = max(longest, run)
        if run > MAX_CONSECUTIVE_DAYS and (run == MAX_CONSECUTIVE_DAYS + 1 or i == 0):
            breaches.append((i, run))
    ok3 = longest <= MAX_CONSECUTIVE_DAYS
    figures["longest_working_run"] = longest
    figures["consecutive_days_ok"] = ok3
    prior_zh = f"（含排班前已連續工作 {prior} 天）" if prior else ""
    prior_en = f" (including {prior} working days just before the schedule)" if prior else ""
    out.step(
        f"3. 連續工作 5 天一定要休 1 天：最長連續工作 {longest} 天{prior_zh}"
        + ("" if ok3 else "；" + "、".join([f"{_day(i, start)[0]}為連續第 {r} 個工作日" for i, r in breaches] or [f"排班前已連續工作 {prior} 天"]))
        + f" → {ok_zh(ok3)}",
        f"3. A day off after 5 consecutive working days: longest run {longest} day(s){prior_en}"
        + ("" if ok3 else "; " + ", ".join([f"{_day(i, start)[1]} is working day {r} in a row" for i, r in breaches] or [f"{prior} days in a row before the schedule"]))
        + f" → {ok_en(ok3)}",
    )
    # 4. at most 5 working days in any 7 consecutive days
    # Days before the schedule: the `prior` days just before day 1 worked, the ones before those did not.
    before = [True] * prior
    history = before[-(WINDOW_DAYS - 1):] if prior else []
    timeline = [False] * (WINDOW_DAYS - 1 - len(history)) + history + working
    offset = WINDOW_DAYS - 1  # timeline index of schedule day 0
    worst = 0
    bad_windows: list[tuple[int, int]] = []
    for end in range(n):
        window = timeline[end + offset - (WINDOW_DAYS - 1): end + offset + 1]
        count = sum(window)
        worst = max(worst, count)
        if count > MAX_DAYS_IN_WINDOW:
            bad_windows.append((end - (WINDOW_DAYS - 1), end))
    ok4 = not bad_windows
    figures["max_working_days_in_7"] = worst
    figures["seven_day_ok"] = ok4

    def span(a: int, b: int, lang: int) -> str:
        first = _day(a, start)[lang] if a >= 0 else (f"排班前 {-a} 天" if lang == 0 else f"{-a} day(s) before the schedule")
        return (f"{first}至{_day(b, start)[0]}" if lang == 0 else f"{first} to {_day(b, start)[1]}")

    out.step(
        f"4. 7 天內不得工作超過 5 天：任 7 天最多工作 {worst} 天"
        + ("" if ok4 else "；" + "、".join(f"{span(a, b, 0)}工作 {sum(timeline[a + offset:b + offset + 1])} 天" for a, b in bad_windows[:5])
           + ("…" if len(bad_windows) > 5 else "")) + f" → {ok_zh(ok4)}",
        f"4. At most 5 working days in any 7: at most {worst} in a 7-day window"
        + ("" if ok4 else "; " + ", ".join(f"{span(a, b, 1)}: {sum(timeline[a + offset:b + offset + 1])} days" for a, b in bad_windows[:5])
           + ("…" if len(bad_windows) > 5 else "")) + f" → {ok_en(ok4)}",
    )
    figures["schedule_ok"] = ok2 and ok3 and ok4
    out.read(
        "排班中工時大於 0 的日子算工作日；排班以外的日子視為休息，除非另填「排班前已連續工作天數」。"
        "工時指實際工作時數（不含休息）；休息時間只能提示最少分鐘數，無法由工時判斷是否已遵守。",
        "Days with hours > 0 count as working days; days outside the schedule count as days off unless prior_consecutive_days says otherwise. "
        "Hours are working hours (breaks excluded); the break rule can only be shown as the minimum minutes, not checked.",
    )


@exact
def ndhu_budget(inp: BudgetInput) -> CalcResult:
    """Recording fee NT$1,000/h plus 2.11% supplementary premium; work-study NT$190/h; the table's four work-hour rules."""
    if inp.prior_consecutive_days and inp.schedule is None:
        raise CalcError("schedule", "填了排班前連續工作天數，也請提供排班（每日工時）", "prior_consecutive_days needs a schedule of daily hours",
                        "comma-separated daily hours 0–24")
    if inp.recording_hours is None and inp.work_study_hours is None and inp.schedule is None:
        raise CalcError("recording_hours", "請提供課程錄製時數、工讀時數或工讀排班", "give recording hours, work-study hours or a work schedule",
                        "recording_hours 0–1000, work_study_hours 0–10000 or schedule")
    out = Out("ndhu_budget")
    figures: dict[str, Decimal | int | bool | str] = {}
    total = D(0)
    total_rounded = D(0)
    if inp.recording_hours is not None:
        out.cite(E_RECORDING, E_PREMIUM)
        h = inp.recording_hours
        fee = RECORDING_RATE * h
        premium = fee * PREMIUM_RATE
        premium_rounded = premium.quantize(D(1), rounding=ROUND_HALF_UP)
        fee_rounded = fee.quantize(D(1), rounding=ROUND_HALF_UP)
        figures.update({
            "recording_hours": h,
            "recording_fee": fee,
            "supplementary_premium": premium,
            "recording_total": fee + premium,
            "supplementary_premium_rounded": premium_rounded,
            "recording_total_rounded": fee_rounded + premium_rounded,
        })
        out.step(f"課程錄製鐘點費：{num(h)} 小時 × {money(RECORDING_RATE)} = {money(fee)}", f"Recording fee: {num(h)} h × {money(RECORDING_RATE)} = {money(fee)}")
        out.step(
            f"補充保費：{money(fee)} × 2.11% = {money(premium)}（精確值）；合計 {money(fee + premium)}",
            f"Supplementary premium: {money(fee)} × 2.11% = {money(premium)} (exact); total {money(fee + premium)}",
        )
        if premium != premium_rounded or fee != fee_rounded:
            out.step(
                f"如需以整數元編列：四捨五入至元 → 鐘點費 {money(fee_rounded)} + 補充保費 {money(premium_rounded)} = {money(fee_rounded + premium_rounded)}",
                f"In whole dollars (rounded half up): fee {money(fee_rounded)} + premium {money(premium_rounded)} = {money(fee_rounded + premium_rounded)}",
            )
        out.read(
            "預算表未規定補充保費的進位方式：精確值保留小數，另列四捨五入至元的金額供參考，實際扣繳以出納／健保規定為準。",
            "The table does not say how the premium is rounded: the exact figure keeps its decimals, and a rounded-to-the-dollar figure is shown for reference; "
            "payroll rules govern the actual deduction.",
        )
        total += fee + premium
        total_rounded += fee_rounded + premium_rounded
    work_hours = inp.work_study_hours
    if work_hours is None and inp.schedule is not None:
        work_hours = sum(inp.schedule, D(0))
        out.step(f"工讀時數取排班合計：{' + '.join(num(h) for h in inp.schedule)} = {num(work_hours)} 小時",
                 f"Work-study hours from the schedule: {' + '.join(num(h) for h in inp.schedule)} = {num(work_hours)} h")
    elif work_hours is not None and inp.schedule is not None and sum(inp.schedule, D(0)) != work_hours:
        out.warn(
            f"工讀時數 {num(work_hours)} 與排班合計 {num(sum(inp.schedule, D(0)))} 不同；工讀費以所填工讀時數計。",
            f"work_study_hours {num(work_hours)} differs from the schedule total {num(sum(inp.schedule, D(0)))}; the pay uses work_study_hours.",
        )
    if work_hours is not None:
        out.cite(E_WORK)
        pay = WORK_STUDY_RATE * work_hours
        pay_rounded = pay.quantize(D(1), rounding=ROUND_HALF_UP)
        figures.update({"work_study_hours": work_hours, "work_study_pay": pay})
        out.step(f"工作費、工讀費：{num(work_hours)} 小時 × {money(WORK_STUDY_RATE)} = {money(pay)}",
                 f"Work-study pay: {num(work_hours)} h × {money(WORK_STUDY_RATE)} = {money(pay)}")
        out.warn(
            "預算表另列勞保費、勞退金，但未給費率，本計算未包含；聘任工讀生須另行編列。",
            "The table also lists labour insurance and pension but gives no rates, so they are not included; budget them separately when hiring students.",
        )
        out.cite(*E_LABOUR)
        total += pay
        total_rounded += pay_rounded
    if inp.schedule is not None:
        _check_schedule(out, inp.schedule, inp.prior_consecutive_days, inp.start_date, figures)
    out.cite(E_BUDGET)  # the table as a whole, after the rows that set each rule
    figures["budget_total"] = total
    figures["budget_total_rounded"] = total_rounded
    summary_zh = f"東華數位學習預算（業務費）：合計 {money(total)}"
    summary_en = f"NDHU e-learning budget (operating costs): {money(total)}"
    if total != total_rounded:
        summary_zh += f"（四捨五入至元 {money(total_rounded)}）"
        summary_en += f" ({money(total_rounded)} rounded to the dollar)"
    if inp.schedule is not None:
        ok = bool(figures["schedule_ok"])
        summary_zh += "；工讀排班" + ("符合" if ok else "不符合") + "預算表的工時規定"
        summary_en += "; the work schedule " + ("meets" if ok else "breaks") + " the table's work-hour rules"
    return out.result(figures, summary_zh + "。", summary_en + ".")


BUDGET = Calculator(
    name="ndhu_budget",
    title_zh="東華數位學習補助經費預算表",
    title_en="NDHU e-learning budget table",
    document="ndhu-elearning",
    params=(
        Param("recording_hours", "課程錄製時數", "recording hours", "number", D(0), D(1000), required=False, unit_zh="小時", unit_en="hours"),
        Param("work_study_hours", "工讀時數", "work-study hours", "number", D(0), D(10000), required=False, unit_zh="小時", unit_en="hours"),
        Param("schedule", "工讀排班（連續每日工時）", "work schedule (daily hours, consecutive days)", "list", D(0), D(24), required=False, unit_zh="小時", unit_en="hours",
              help_zh="例如 4,8,8,0,6,5,5", help_en="e.g. 4,8,8,0,6,5,5"),
        Param("prior_consecutive_days", "排班前已連續工作天數", "working days in a row just before the schedule", "int", D(0), D(366), required=False, default=0,
              unit_zh="天", unit_en="days"),
        Param("start_date", "排班第一天日期", "first day of the schedule", "date", required=False),
    ),
    input_type=BudgetInput,
    func=ndhu_budget,
    description_zh="東華預算表：錄製鐘點費每小時 1,000 元加 2.11% 補充保費；工讀費每小時 190 元；檢查工讀排班（每 4 小時休 30 分、每日 ≤ 8 小時、連續 ≤ 5 天、7 天內 ≤ 5 天）。",
    description_en="NDHU budget table: recording NT$1,000 an hour plus the 2.11% supplementary premium; work-study NT$190 an hour; checks a work schedule "
    "(30 min break per 4 h, ≤ 8 h a day, ≤ 5 days in a row, ≤ 5 days in any 7).",
    examples=("錄 3 小時課程要編多少錢？", "工讀排班 4,8,8,0,6,5,5 可以嗎？"),
)

ALL = (TEACHING_ASSISTANTS, BUDGET)
