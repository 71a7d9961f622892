"""MOE (教育部磨課師系列課程計畫徵件須知, 106) calculators."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from rules.base import D, CalcError, CalcResult, Calculator, Choice, Param, money, num
from calculators.common import Out, ceil_div, exact, ok_en, ok_zh

MONEY_MAX = D(10) ** 10

STANDARD, NEW_SOUTHBOUND, REFINE = "standard", "new_southbound", "refine"
SERIES_TYPES = (
    Choice(STANDARD, "一般系列課程", "standard series", ("一般", "一般系列", "系列課程", "standard", "regular", "每案", "300萬")),
    Choice(NEW_SOUTHBOUND, "新南向系列課程", "New Southbound series", ("新南向", "新南向系列", "new southbound", "southbound", "nsp", "400萬")),
    Choice(REFINE, "已開發完成需調整精進之課程", "already-developed courses being refined",
           ("精進", "調整精進", "已開發完成", "精進課程", "refine", "refined", "refinement", "20萬")),
)
CAP = {STANDARD: D(3_000_000), NEW_SOUTHBOUND: D(4_000_000)}
REFINE_PER_COURSE = D(200_000)
PERSONNEL_SHARE = D("0.60")  # 九、(二)2.(1): 課程發展人力相關薪資總合不超過本部補助經費總額之 60%
EQUIPMENT_SHARE = D("0.05")  # 九、(二)3.: 每系列以不超過補助金額 5% 為原則
MAX_STAFF = 10  # 九、(二)1.(2): 每系列以 10 人為限
INSTALMENTS = (D("0.50"), D("0.40"), D("0.10"))  # 十一、(一)2.


@dataclass(frozen=True)
class BudgetInput:
    subsidy: Decimal
    series_type: str = STANDARD
    refine_courses: int | None = None
    local_government: bool = False
    self_funding: Decimal | None = None
    personnel_costs: Decimal | None = None
    equipment: Decimal | None = None
    staff_count: int | None = None


def _cents(value: Decimal) -> Decimal:
    """For display only (shown with ≈): rounded half up to 2 decimals."""
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@exact
def moe_budget_check(inp: BudgetInput) -> CalcResult:
    """The MOE series budget rules: subsidy cap, self-funding, 60% personnel, 5% equipment, 10 staff, 50/40/10 instalments."""
    out = Out("moe_budget_check")
    out.cite("moe-9-1")
    a = inp.subsidy
    figures: dict[str, Decimal | int | bool | str] = {"subsidy": a, "series_type": inp.series_type, "local_government": inp.local_government}
    checks: list[bool] = []

    # cap
    if inp.series_type == REFINE:
        if inp.refine_courses is None:
            raise CalcError("refine_courses", "已開發課程調整精進須提供課程數", "give the number of courses being refined", "1–1000 courses")
        cap = REFINE_PER_COURSE * inp.refine_courses
        cap_zh = f"已開發完成需調整精進之課程每課程 {money(REFINE_PER_COURSE)} × {inp.refine_courses} 門 = {money(cap)}"
        cap_en = f"{money(REFINE_PER_COURSE)} per refined course × {inp.refine_courses} = {money(cap)}"
        figures["refine_courses"] = inp.refine_courses
    else:
        cap = CAP[inp.series_type]
        if inp.refine_courses is not None:
            out.warn(
                "已填調整精進課程數，但系列類型不是「已開發完成需調整精進之課程」，課程數未納入計算。",
                "refine_courses was given but the series type is not 'refine', so it is not used.",
            )
        cap_zh = ("新南向系列課程每系列最高 " if inp.series_type == NEW_SOUTHBOUND else "每案最高 ") + money(cap)
        cap_en = ("New Southbound series: at most " if inp.series_type == NEW_SOUTHBOUND else "Each case: at most ") + money(cap)
    within = a <= cap
    checks.append(within)
    figures["cap"] = cap
    figures["subsidy_within_cap"] = within
    out.step(f"補助上限：{cap_zh}（為原則）；申請 {money(a)} → {ok_zh(within)}", f"Cap: {cap_en} (as a rule); requested {money(a)} → {ok_en(within)}")
    if not within:
        out.warn(f"申請補助 {money(a)} 超過上限 {money(cap)}（九、(一)，以此為原則）。", f"The requested {money(a)} exceeds the {money(cap)} cap (9(1), as a rule).")

    # self-funding
    if inp.local_government:
        min_self = ceil_div(a * 15, 85)
        out.step(
            f"地方政府所屬學校：自籌 S 不得少於計畫總經費（補助 A + 自籌 S）之 15%："
            f"S ≥ 0.15 × (A + S) ⇔ 0.85 S ≥ 0.15 A ⇔ S ≥ 15A／85 = 3A／17 = 3 × {num(a)}／17 ≈ {num(_cents(a * 3 / 17))} → 進位到元 {money(D(min_self))}",
            f"Local-government school: self-funding S must be at least 15% of the plan total (subsidy A + S): "
            f"S ≥ 0.15 (A + S) ⇔ 0.85 S ≥ 0.15 A ⇔ S ≥ 15A/85 = 3A/17 = 3 × {num(a)}/17 ≈ {num(_cents(a * 3 / 17))} → rounded up to the dollar {money(D(min_self))}",
        )
        out.read(
            "「計畫總經費」解讀為本部補助加學校自籌；最低自籌額無條件進位到元（少 1 元即不足 15%）。",
            "The plan total is read as MOE subsidy plus self-funding; the minimum is rounded up to the dollar (one dollar less falls short of 15%).",
        )
    else:
        min_self = ceil_div(a * 10, 100)
        out.step(
            f"自籌經費不得少於本部補助額度之 10%：{num(a)} × 10% = {num(a / 10)} → 至少 {money(D(min_self))}",
            f"Self-funding at least 10% of the MOE subsidy: {num(a)} × 10% = {num(a / 10)} → at least {money(D(min_self))}",
        )
    figures["min_self_funding"] = D(min_self)
    if inp.self_funding is not None:
        s = inp.self_funding
        ok = (s * 85 >= a * 15) if inp.local_government else (s * 100 >= a * 10)
        checks.append(ok)
        figures["self_funding"] = s
        figures["plan_total"] = a + s
        figures["self_funding_ok"] = ok
        if inp.local_government:
            share = _cents(s * 100 / (a + s)) if a + s else D(0)
            out.step(
                f"自籌 {money(s)}，計畫總經費 {money(a + s)}，自籌比率 ≈ {num(share)}%（須 ≥ 15%）→ {ok_zh(ok)}",
                f"Self-funding {money(s)}, plan total {money(a + s)}, share ≈ {num(share)}% (needs ≥ 15%) → {ok_en(ok)}",
            )
        else:
            out.step(f"自籌 {money(s)}（須 ≥ {money(D(min_self))}）→ {ok_zh(ok)}", f"Self-funding {money(s)} (needs ≥ {money(D(min_self))}) → {ok_en(ok)}")

    # personnel 60 %
    out.cite("moe-9-2-2-1")
    max_personnel = a * PERSONNEL_SHARE
    figures["max_personnel"] = max_personnel
    line_zh = f"課程發展人力相關薪資總合（共同主持人費、助理及專業人員薪資、錄製鐘點費、工讀金、工作費等）≤ 補助 60%：{num(a)} × 60% = {money(max_personnel)}"
    line_en = f"Course-development pay (co-PI fees, assistants and professionals, recording fees, student work, work fees) ≤ 60% of the subsidy: {num(a)} × 60% = {money(max_personnel)}"
    if inp.personnel_costs is not None:
        ok = inp.personnel_costs <= max_personnel
        checks.append(ok)
        figures["personnel_costs"] = inp.personnel_costs
        figures["personnel_ok"] = ok
        line_zh += f"；編列 {money(inp.personnel_costs)} → {ok_zh(ok)}"
        line_en += f"; budgeted {money(inp.personnel_costs)} → {ok_en(ok)}"
    out.step(line_zh, line_en)

    # equipment 5 %
    out.cite("moe-9-2-3")
    max_equipment = a * EQUIPMENT_SHARE
    figures["max_equipment"] = max_equipment
    line_zh = f"設備費每系列不超過補助金額 5%（為原則）：{num(a)} × 5% = {money(max_equipment)}"
    line_en = f"Equipment at most 5% of the subsidy per series (as a rule): {num(a)} × 5% = {money(max_equipment)}"
    if inp.equipment is not None:
        ok = inp.equipment <= max_equipment
        checks.append(ok)
        figures["equipment"] = inp.equipment
        figures["equipment_ok"] = ok
        line_zh += f"；編列 {money(inp.equipment)} → {ok_zh(ok)}"
        line_en += f"; budgeted {money(inp.equipment)} → {ok_en(ok)}"
    out.step(line_zh, line_en)

    # staff
    out.cite("moe-11-1-2", "moe-9-2-1-2")
    figures["max_staff"] = MAX_STAFF
    if inp.staff_count is not None:
        ok = inp.staff_count <= MAX_STAFF
        checks.append(ok)
        figures["staff_count"] = inp.staff_count
        figures["staff_ok"] = ok
        out.step(
            f"人事費聘用人員每系列以 {MAX_STAFF} 人為限：{inp.staff_count} 人 → {ok_zh(ok)}",
            f"Staff hired under personnel costs: at most {MAX_STAFF} per series; {inp.staff_count} → {ok_en(ok)}",
        )

    # instalments
    parts = [a * share for share in INSTALMENTS]
    for i, part in enumerate(parts, start=1):
        figures[f"instalment_{i}"] = part
    out.step(
        f"分 3 期撥付：第 1 期 50% = {money(parts[0])}（核定日起 40 日內請領）、第 2 期 40% = {money(parts[1])}（通過期中報告）、第 3 期 10% = {money(parts[2])}（通過期末報告）",
        f"Three instalments: 50% = {money(parts[0])} (within 40 days of approval), 40% = {money(parts[1])} (after the mid-term report), "
        f"10% = {money(parts[2])} (after the final report)",
    )
    out.read(
        "分期金額以申請補助額計；實際以教育部核定額度為準（十一、(一)1.）。",
        "Instalments are computed on the requested subsidy; the amount MOE approves governs (11(1)1).",
    )
    if inp.series_type == REFINE:
        out.read(
            "已開發完成課程的上限解讀為每門 20 萬元乘以課程數；須知未說明同一系列兼有新製與精進課程時如何合併。",
            "For refined courses the cap is read as NT$200,000 times the number of courses; the notice does not say how to combine it with new courses in one series.",
        )
    all_ok = all(checks)
    figures["all_checks_pass"] = all_ok
    given = len(checks)
    return out.result(
        figures,
        f"教育部磨課師系列計畫：補助 {money(a)}（上限 {money(cap)}），自籌至少 {money(D(min_self))}，人力薪資至多 {money(max_personnel)}，"
        f"設備費至多 {money(max_equipment)}；已檢查 {given} 項，{'全部符合' if all_ok else '有項目不符合'}。",
        f"MOE MOOC series: subsidy {money(a)} (cap {money(cap)}), self-funding at least {money(D(min_self))}, staff pay at most {money(max_personnel)}, "
        f"equipment at most {money(max_equipment)}; {given} check(s), {'all pass' if all_ok else 'some fail'}.",
    )


BUDGET = Calculator(
    name="moe_budget_check",
    title_zh="教育部磨課師系列計畫經費檢核",
    title_en="MOE MOOC series budget check",
    document="moe-mooc-series",
    params=(
        Param("subsidy", "申請教育部補助額度", "MOE subsidy requested", "number", D(1), MONEY_MAX, unit_zh="元", unit_en="NT$"),
        Param("series_type", "系列類型", "series type", "choice", choices=SERIES_TYPES, required=False, default=STANDARD,
              help_zh="一般（300 萬）／新南向（400 萬）／已開發課程調整精進（每門 20 萬）", help_en="standard (3M) / New Southbound (4M) / refine (200k a course)"),
        Param("refine_courses", "調整精進課程數", "courses being refined", "int", D(1), D(1000), required=False, unit_zh="門", unit_en="courses"),
        Param("local_government", "是否為地方政府所屬學校", "local-government school", "bool", required=False, default=False),
        Param("self_funding", "學校自籌經費", "self-funding", "number", D(0), MONEY_MAX, required=False, unit_zh="元", unit_en="NT$"),
        Param("personnel_costs", "課程發展人力相關薪資合計", "course-development pay in total", "number", D(0), MONEY_MAX, required=False, unit_zh="元", unit_en="NT$"),
        Param("equipment", "設備費", "equipment", "number", D(0), MONEY_MAX, required=False, unit_zh="元", unit_en="NT$"),
        Param("staff_count", "聘用人員數", "staff hired", "int", D(0), D(10000), required=False, unit_zh="人", unit_en="people"),
    ),
    input_type=BudgetInput,
    func=moe_budget_check,
    description_zh="教育部九、十一、：補助上限、自籌比率（10%；地方政府學校占總經費 15%）、人力薪資 60%、設備費 5%、人員 10 人、分期 50/40/10。",
    description_en="MOE 9 and 11: subsidy cap, self-funding (10%; 15% of the total for local-government schools), 60% staff pay, 5% equipment, 10 staff, 50/40/10 instalments.",
    examples=("補助 200 萬、地方政府學校要自籌多少？", "How much equipment can a NT$1M series budget?"),
)


# --- 八、(三) 系列申請條件 -----------------------------------------------------------------------------

MIN_COURSES, MIN_NEW, MIN_NEW_HOURS, MAX_APPLIED, MAX_PARTICIPATING = 3, 2, D(12), 2, 4


@dataclass(frozen=True)
class SeriesInput:
    courses: int | None = None
    new_courses: int | None = None
    new_course_hours: Decimal | None = None
    series_applied: int | None = None
    series_participating: int | None = None


# Each check: its figure name and short labels for the summary.
CHECK_LABELS = {
    "courses_ok": (f"至少 {MIN_COURSES} 門課程", f"at least {MIN_COURSES} courses"),
    "new_courses_ok": (f"至少 {MIN_NEW} 門新製課程", f"at least {MIN_NEW} new courses"),
    "new_course_hours_ok": (f"新製時數至少 {num(MIN_NEW_HOURS)} 小時", f"new-course hours at least {num(MIN_NEW_HOURS)}"),
    "series_applied_ok": (f"申請至多 {MAX_APPLIED} 個系列", f"at most {MAX_APPLIED} series applied for"),
    "series_participating_ok": (f"參與至多 {MAX_PARTICIPATING} 個系列", f"at most {MAX_PARTICIPATING} series in all"),
}
# The series' own conditions (八、(三)2.), each needing one figure: (figure, check, label zh, label en).
CORE_FIGURES = (
    ("courses", "courses_ok", "系列課程門數", "courses in the series"),
    ("new_courses", "new_courses_ok", "新製課程門數", "new courses"),
    ("new_course_hours", "new_course_hours_ok", "新製課程時數合計", "new-course hours"),
)


@exact
def moe_series_eligibility(inp: SeriesInput) -> CalcResult:
    """八、(三)2.–3.: ≥ 3 courses, ≥ 2 new, new hours ≥ 12, ≤ 2 series applied, ≤ 4 series in all.

    Each check runs only when its figure is given; `eligible` covers the checks run.
    """
    given = {
        "courses": inp.courses, "new_courses": inp.new_courses, "new_course_hours": inp.new_course_hours,
        "series_applied": inp.series_applied, "series_participating": inp.series_participating,
    }
    if all(v is None for v in given.values()):
        raise CalcError(
            "courses",
            "請提供系列課程門數（或新製課程門數、新製課程時數、申請／參與系列數）",
            "give the number of courses in the series (or new courses, new-course hours, series applied for / taken part in)",
            "courses 0–1000, new_courses 0–1000, new_course_hours 0–1000 hours, series_applied 0–100, series_participating 0–100",
        )
    if inp.courses is not None and inp.new_courses is not None and inp.new_courses > inp.courses:
        raise CalcError("new_courses", "新製課程數不能多於課程總數", "new courses cannot exceed the courses in the series", f"0–{inp.courses}")
    if inp.new_courses is not None and inp.new_course_hours is not None and inp.new_courses == 0 and inp.new_course_hours > 0:
        raise CalcError("new_course_hours", "沒有新製課程時，新製課程時數應為 0", "with no new courses the new-course hours must be 0", "0")
    if inp.series_applied is not None and inp.series_participating is not None and inp.series_participating < inp.series_applied:
        raise CalcError(
            "series_participating",
            "參與系列總數（含申請與參與他案）不能少於本校申請的系列數",
            "the series taken part in (own applications included) cannot be fewer than the series applied for",
            f"{inp.series_applied}–100",
        )
    out = Out("moe_series_eligibility")
    out.cite("moe-8-3-2")
    figures: dict[str, Decimal | int | bool | str] = {}
    checks: list[bool] = []
    run: list[str] = []

    def check(name: str, passed: bool, zh: str, en: str) -> None:
        figures[name] = passed
        checks.append(passed)
        run.append(name)
        out.step(f"{zh} → {ok_zh(passed)}", f"{en} → {ok_en(passed)}")

    if inp.courses is not None:
        check("courses_ok", inp.courses >= MIN_COURSES, f"每系列至少 {MIN_COURSES} 門課程（八、(三)2.）：{inp.courses} 門",
              f"At least {MIN_COURSES} courses per series (8(3)2): {inp.courses}")
    if inp.new_courses is not None:
        check("new_courses_ok", inp.new_courses >= MIN_NEW, f"至少 {MIN_NEW} 門新製課程（八、(三)2.）：{inp.new_courses} 門",
              f"At least {MIN_NEW} new courses (8(3)2): {inp.new_courses}")
    if inp.new_course_hours is not None:
        check("new_course_hours_ok", inp.new_course_hours >= MIN_NEW_HOURS,
              f"新製課程時數合計不得少於 {num(MIN_NEW_HOURS)} 小時（八、(三)2.）：{num(inp.new_course_hours)} 小時",
              f"New courses total at least {num(MIN_NEW_HOURS)} hours (8(3)2): {num(inp.new_course_hours)} h")
    if inp.series_applied is not None:
        check("series_applied_ok", inp.series_applied <= MAX_APPLIED, f"每校至多申請 {MAX_APPLIED} 個系列（八、(三)2.）：{inp.series_applied} 個",
              f"At most {MAX_APPLIED} series applied for per school (8(3)2): {inp.series_applied}")
        out.read("「本校申請系列數」含本案。", "series_applied counts this application.")
    if inp.series_participating is not None:
        out.cite("moe-8-3-3")
        check("series_participating_ok", inp.series_participating <= MAX_PARTICIPATING,
              f"每校至多參與 {MAX_PARTICIPATING} 個系列，含申請與參與他案（八、(三)3.）：{inp.series_participating} 個",
              f"At most {MAX_PARTICIPATING} series in all, own applications and others' included (8(3)3): {inp.series_participating}")
        out.read("「參與系列總數」含本校申請的系列及參與他校申請的系列。", "series_participating counts the school's own applications and the other schools' series it joins.")
    missing = [(zh, en) for name, _, zh, en in CORE_FIGURES if given[name] is None]
    if missing:
        out.warn(
            "未提供" + "、".join(zh for zh, _ in missing) + "，相關條件未檢查；結果只就已檢查的項目判斷，不代表已符合全部申請條件（八、(三)2.）。",
            "Not given: " + ", ".join(en for _, en in missing) + "; those conditions were not checked, so the result covers only the checks run, "
            "not every condition (8(3)2).",
        )
    for name, _, _, _ in CORE_FIGURES:
        value = given[name]
        if value is not None:
            figures[name] = value
    figures.update({
        "min_courses": MIN_COURSES, "min_new_courses": MIN_NEW, "min_new_course_hours": MIN_NEW_HOURS,
        "max_series_applied": MAX_APPLIED, "max_series_participating": MAX_PARTICIPATING,
    })
    all_ok = all(checks)
    figures["eligible"] = all_ok
    figures["checks_run"] = len(run)
    figures["checks_not_run"] = ",".join(c for _, c, _, _ in CORE_FIGURES if c not in run)
    failed = [name for name in run if figures[name] is False]
    names_zh = "、".join(CHECK_LABELS[name][0] for name in run)
    names_en = "; ".join(CHECK_LABELS[name][1] for name in run)
    verdict_zh = "全部符合" if all_ok else f"有 {len(failed)} 項不符合（" + "、".join(CHECK_LABELS[name][0] for name in failed) + "）"
    verdict_en = "all met" if all_ok else f"{len(failed)} not met (" + "; ".join(CHECK_LABELS[name][1] for name in failed) + ")"
    not_run_zh = "；未提供" + "、".join(zh for zh, _ in missing) + "，其餘條件未檢查" if missing else ""
    not_run_en = "; not given: " + ", ".join(en for _, en in missing) + ", so the other conditions were not checked" if missing else ""
    return out.result(
        figures,
        f"教育部磨課師系列申請條件：已檢查 {len(run)} 項（{names_zh}），{verdict_zh}{not_run_zh}。",
        f"MOE MOOC series eligibility: {len(run)} check(s) run ({names_en}), {verdict_en}{not_run_en}.",
    )


SERIES = Calculator(
    name="moe_series_eligibility",
    title_zh="教育部磨課師系列申請條件",
    title_en="MOE MOOC series eligibility",
    document="moe-mooc-series",
    params=(
        Param("courses", "系列課程門數", "courses in the series", "int", D(0), D(1000), required=False, unit_zh="門", unit_en="courses",
              help_zh="不填則不檢查至少 3 門", help_en="without it the 3-course minimum is not checked"),
        Param("new_courses", "新製課程門數", "new courses", "int", D(0), D(1000), required=False, unit_zh="門", unit_en="courses",
              help_zh="不填則不檢查至少 2 門新製", help_en="without it the 2-new-course minimum is not checked"),
        Param("new_course_hours", "新製課程時數合計", "new-course hours in total", "number", D(0), D(1000), required=False, unit_zh="小時", unit_en="hours",
              help_zh="不填則不檢查至少 12 小時", help_en="without it the 12-hour minimum is not checked"),
        Param("series_applied", "本校申請系列數（含本案）", "series this school applies for (incl. this one)", "int", D(0), D(100), required=False, unit_zh="個", unit_en="series"),
        Param("series_participating", "本校參與系列總數（含申請與參與他案）", "series taken part in (own and others')", "int", D(0), D(100), required=False, unit_zh="個",
              unit_en="series"),
    ),
    input_type=SeriesInput,
    func=moe_series_eligibility,
    description_zh="教育部八、(三)：每系列至少 3 門課、至少 2 門新製課程且新製時數合計至少 12 小時；每校至多申請 2 個、參與 4 個系列。",
    description_en="MOE 8(3): at least 3 courses a series, at least 2 new ones totalling at least 12 hours; a school applies for at most 2 and joins at most 4 series.",
    examples=("4 門課其中 2 門新製共 10 小時可以申請嗎？",),
)

ALL = (BUDGET, SERIES)
