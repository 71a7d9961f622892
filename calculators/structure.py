"""Course structure against each school's format rules: NKUST 二、(一)1.–2., NDHU 2、(2)2., FCU 第二條."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from rules.base import D, CalcError, CalcResult, Calculator, Choice, Param, num, to_decimal
from calculators.common import Out, exact, ok_en, ok_zh

ALL_SCHOOLS, NKUST, NDHU, FCU = "all", "nkust", "ndhu", "fcu"
SCHOOLS = (
    Choice(ALL_SCHOOLS, "全部學校", "all schools", ("全部", "都", "三校", "all", "every", "both")),
    Choice(NKUST, "高雄科技大學", "NKUST", ("高科大", "高雄科大", "國立高雄科技大學", "nkust", "高科")),
    Choice(NDHU, "東華大學", "NDHU", ("東華", "國立東華大學", "ndhu", "東華大學")),
    Choice(FCU, "逢甲大學", "FCU", ("逢甲", "逢甲大學", "fcu", "feng chia")),
)
MAX_VIDEO_MINUTES = D(600)
MAX_WEEKS = 520
MAX_VIDEOS = 500

NKUST_VIDEO_MAX = D(10)  # 二、(一)1.: 長度不超過十分鐘為宜
NKUST_WEEK_MIN, NKUST_WEEK_MAX = D(50), D(60)  # 二、(一)2.: 每週之教學影片總和時數須符合五十分鐘至一小時
NKUST_WEEKS_MIN, NKUST_WEEKS_MAX = 2, 9  # 二、(一)2.: 每門課程以二至九週為原則
NDHU_VIDEO_MIN, NDHU_VIDEO_MAX = D(5), D(15)  # 2、(2)2.: 每段影片長度以 5 至 15 分鐘為宜
NDHU_WEEK_MIN = D(60)  # 2、(2)2.: 每週課程章節時數至少 1 小時
FCU_TOTAL_MIN, FCU_TOTAL_MAX = D(360), D(1080)  # 第二條: 影音教材時數以六至十八小時為原則

_VIDEO_PARAM = Param("videos", "影片長度", "video lengths", "list", D(0), MAX_VIDEO_MINUTES, unit_zh="分鐘", unit_en="minutes")
_WEEKS_PARAM = Param("weeks", "每週影片", "videos by week", "text", required=False, unit_zh="分鐘", unit_en="minutes",
                     help_zh="每週以 ; 或 | 分隔、影片以 , 分隔，例如 10,10,12;15,15", help_en="weeks separated by ';' or '|', videos by ',', e.g. 10,10,12;15,15")


@dataclass(frozen=True)
class StructureInput:
    weeks: str | None = None
    videos: tuple[Decimal, ...] | None = None
    school: str = ALL_SCHOOLS


def parse_weeks(text: str) -> tuple[tuple[Decimal, ...], ...]:
    """'10,10,12;15,15' → ((10, 10, 12), (15, 15)); empty weeks inside count as weeks without video."""
    parts = re.split(r"[;；|｜\n]", text)
    while parts and not parts[-1].strip():
        parts.pop()
    while parts and not parts[0].strip():
        parts.pop(0)
    if not parts:
        raise CalcError("weeks", "每週影片不可為空", "the week structure is empty", _WEEKS_PARAM.allowed())
    if len(parts) > MAX_WEEKS:
        raise CalcError("weeks", f"週數太多（至多 {MAX_WEEKS} 週）", f"too many weeks (at most {MAX_WEEKS})", _WEEKS_PARAM.allowed())
    weeks: list[tuple[Decimal, ...]] = []
    count = 0
    for part in parts:
        items = [p for p in re.split(r"[,，、+\s]+", part.strip().strip("[]()")) if p.strip("[]() ")]
        values: list[Decimal] = []
        for item in items:
            count += 1
            if count > MAX_VIDEOS:
                raise CalcError("weeks", f"影片太多（至多 {MAX_VIDEOS} 支）", f"too many videos (at most {MAX_VIDEOS})", _WEEKS_PARAM.allowed())
            value = to_decimal(item.strip("[]() "), _WEEKS_PARAM)
            _check_length(value, "weeks")
            values.append(value)
        weeks.append(tuple(values))
    return tuple(weeks)


def _check_length(value: Decimal, param: str) -> None:
    if not D(0) < value <= MAX_VIDEO_MINUTES:
        raise CalcError(param, f"每支影片長度必須大於 0 且不超過 {num(MAX_VIDEO_MINUTES)} 分鐘", f"each video must be longer than 0 and at most {num(MAX_VIDEO_MINUTES)} minutes",
                        f"0–{num(MAX_VIDEO_MINUTES)} minutes (exclusive of 0)")


def _where(week: int | None, index: int, length: Decimal) -> tuple[str, str]:
    if week is None:
        return f"第 {index + 1} 支（{num(length)} 分鐘）", f"video {index + 1} ({num(length)} min)"
    return f"第 {week + 1} 週第 {index + 1} 支（{num(length)} 分鐘）", f"week {week + 1} video {index + 1} ({num(length)} min)"


def _list(items: list[tuple[str, str]], lang: int, limit: int = 8) -> str:
    shown = [i[lang] for i in items[:limit]]
    more = len(items) - limit
    sep = "、" if lang == 0 else ", "
    return sep.join(shown) + ((f" 等共 {len(items)} 項" if lang == 0 else f" and {more} more") if more > 0 else "")


@exact
def course_structure(inp: StructureInput) -> CalcResult:
    """Check video lengths, weekly minutes, weeks and total hours against NKUST, NDHU and FCU."""
    if inp.weeks is None and inp.videos is None:
        raise CalcError("weeks", "請提供每週影片（例如 10,10,12;15,15）或影片長度清單", "give the videos by week (e.g. 10,10,12;15,15) or a list of video lengths",
                        _WEEKS_PARAM.allowed())
    weeks = parse_weeks(inp.weeks) if inp.weeks is not None else None
    if inp.videos is not None:
        for v in inp.videos:
            _check_length(v, "videos")
    if weeks is not None and inp.videos is not None and Counter(v for w in weeks for v in w) != Counter(inp.videos):
        raise CalcError("videos", "影片長度清單與每週影片不一致；只提供其中一項即可", "the video list does not match the videos by week; give only one of them",
                        "the same videos as in weeks")
    flat: list[tuple[int | None, int, Decimal]]
    if weeks is not None:
        flat = [(wi, vi, v) for wi, w in enumerate(weeks) for vi, v in enumerate(w)]
    else:
        assert inp.videos is not None
        flat = [(None, vi, v) for vi, v in enumerate(inp.videos)]
    if not flat:
        raise CalcError("weeks", "沒有任何影片", "there are no videos", _WEEKS_PARAM.allowed())
    out = Out("course_structure")
    total = sum((v for _, _, v in flat), D(0))
    hours = (total / 60).quantize(D("0.01"), rounding=ROUND_HALF_UP)  # for people; the rules are checked in exact minutes
    approx = "" if hours * 60 == total else "約 "
    approx_en = "" if hours * 60 == total else "≈ "
    weekly = [sum(w, D(0)) for w in weeks] if weeks is not None else None
    figures: dict[str, Decimal | int | bool | str] = {
        "videos": len(flat),
        "total_minutes": total,
        "total_hours": hours,
        "longest_video_minutes": max(v for _, _, v in flat),
        "shortest_video_minutes": min(v for _, _, v in flat),
    }
    if weeks is not None and weekly is not None:
        figures["weeks"] = len(weeks)
        figures["weekly_minutes"] = ",".join(num(m) for m in weekly)
        out.step(
            f"共 {len(weeks)} 週、{len(flat)} 支影片，每週分鐘數：{'、'.join(num(m) for m in weekly)}；總長 {num(total)} 分鐘（{approx}{num(hours)} 小時）",
            f"{len(weeks)} weeks, {len(flat)} videos, minutes a week: {', '.join(num(m) for m in weekly)}; {num(total)} min in all ({approx_en}{num(hours)} h)",
        )
    else:
        out.step(
            f"共 {len(flat)} 支影片，總長 {num(total)} 分鐘（{approx}{num(hours)} 小時）；未提供分週，每週規定無法檢查",
            f"{len(flat)} videos, {num(total)} min in all ({approx_en}{num(hours)} h); no weeks given, so the weekly rules cannot be checked",
        )
    verdicts: dict[str, list[tuple[bool, bool]]] = {}  # school → [(passed, advisory)]

    def rule(school: str, name: str, passed: bool, zh: str, en: str, advisory: str) -> None:
        """advisory: "" for a binding rule, else the source's hedge word (為宜 / 為原則)."""
        figures[name] = passed
        verdicts.setdefault(school, []).append((passed, bool(advisory)))
        tag_zh = f"［「{advisory}」：建議性］" if advisory else "［必要］"
        tag_en = f" [advisory: {advisory}]" if advisory else " [required]"
        out.step(f"{zh}{tag_zh} → {ok_zh(passed)}", f"{en}{tag_en} → {ok_en(passed)}")

    schools = (NKUST, NDHU, FCU) if inp.school == ALL_SCHOOLS else (inp.school,)
    if NKUST in schools:
        out.cite("nkust-2-1-1")
        long_ = [_where(w, i, v) for w, i, v in flat if v > NKUST_VIDEO_MAX]
        rule(NKUST, "nkust_video_length_ok", not long_,
             "高科大：單元影片長度不超過 10 分鐘為宜" + (f"；超過者：{_list(long_, 0)}" if long_ else ""),
             "NKUST: unit videos no longer than 10 minutes" + (f"; longer: {_list(long_, 1)}" if long_ else ""), "為宜")
        if weekly is not None and weeks is not None:
            out.cite("nkust-2-1-2")
            bad = [(f"第 {i + 1} 週 {num(m)} 分鐘", f"week {i + 1}: {num(m)} min") for i, m in enumerate(weekly) if not NKUST_WEEK_MIN <= m <= NKUST_WEEK_MAX]
            rule(NKUST, "nkust_weekly_minutes_ok", not bad,
                 "高科大：每週教學影片總和須為 50 分鐘至 1 小時" + (f"；不符：{_list(bad, 0)}" if bad else ""),
                 "NKUST: 50 to 60 minutes of video each week" + (f"; outside: {_list(bad, 1)}" if bad else ""), "")
            n = len(weeks)
            rule(NKUST, "nkust_weeks_ok", NKUST_WEEKS_MIN <= n <= NKUST_WEEKS_MAX,
                 f"高科大：每門課程以 2 至 9 週為原則；本課程 {n} 週", f"NKUST: 2 to 9 weeks as a rule; this course has {n}", "為原則")
    if NDHU in schools:
        out.cite("ndhu-2-2-2")
        off = [_where(w, i, v) for w, i, v in flat if not NDHU_VIDEO_MIN <= v <= NDHU_VIDEO_MAX]
        rule(NDHU, "ndhu_video_length_ok", not off,
             "東華：每段影片長度以 5 至 15 分鐘為宜" + (f"；不在範圍：{_list(off, 0)}" if off else ""),
             "NDHU: videos 5 to 15 minutes" + (f"; outside: {_list(off, 1)}" if off else ""), "為宜")
        if weekly is not None:
            short = [(f"第 {i + 1} 週 {num(m)} 分鐘", f"week {i + 1}: {num(m)} min") for i, m in enumerate(weekly) if m < NDHU_WEEK_MIN]
            rule(NDHU, "ndhu_weekly_minutes_ok", not short,
                 "東華：每週課程章節時數至少 1 小時（60 分鐘）" + (f"；不足：{_list(short, 0)}" if short else ""),
                 "NDHU: at least 1 hour (60 minutes) a week" + (f"; short: {_list(short, 1)}" if short else ""), "")
            out.read(
                "東華「每週課程章節時數」此處以影片分鐘數計；章節若另含測驗、討論等活動，實際時數可能較多。",
                "NDHU's weekly chapter time is taken as video minutes here; chapters with quizzes or discussion may count more.",
            )
    if FCU in schools:
        out.cite("fcu-2")
        rule(FCU, "fcu_total_hours_ok", FCU_TOTAL_MIN <= total <= FCU_TOTAL_MAX,
             f"逢甲：每門課程影音教材時數以 6 至 18 小時為原則；本課程 {num(total)} 分鐘 = {approx}{num(hours)} 小時",
             f"FCU: 6 to 18 hours of video per course as a rule; this course has {num(total)} min = {approx_en}{num(hours)} h", "為原則")
    summary_zh: list[str] = []
    summary_en: list[str] = []
    names = {NKUST: ("高科大", "NKUST"), NDHU: ("東華", "NDHU"), FCU: ("逢甲", "FCU")}
    for school in schools:
        results = verdicts.get(school, [])
        required_ok = all(p for p, adv in results if not adv)
        advisory_failed = sum(1 for p, adv in results if adv and not p)
        figures[f"{school}_required_ok"] = required_ok
        figures[f"{school}_ok"] = required_ok and advisory_failed == 0
        zh, en = names[school]
        if not any(not adv for _, adv in results):
            part_zh, part_en = "", ""
        else:
            part_zh = "必要規定" + ("符合" if required_ok else "不符合")
            part_en = "required rules " + ("pass" if required_ok else "fail")
        adv_zh = f"建議性規定 {advisory_failed} 項未符合" if advisory_failed else "建議性規定均符合"
        adv_en = f"{advisory_failed} advisory rule(s) not met" if advisory_failed else "advisory rules met"
        summary_zh.append(f"{zh}：" + "，".join(x for x in (part_zh, adv_zh) if x))
        summary_en.append(f"{en}: " + ", ".join(x for x in (part_en, adv_en) if x))
    if weekly is None:
        out.warn("未提供分週影片，週數與每週分鐘數的規定未檢查。", "No week structure was given, so the week rules were not checked.")
    return out.result(
        figures,
        f"課程結構（{len(flat)} 支影片、{num(total)} 分鐘）：" + "；".join(summary_zh) + "。",
        f"Course structure ({len(flat)} videos, {num(total)} min): " + "; ".join(summary_en) + ".",
    )


STRUCTURE = Calculator(
    name="course_structure",
    title_zh="磨課師課程結構檢查",
    title_en="MOOC course structure check",
    document="nkust-mooc",
    params=(
        _WEEKS_PARAM,
        Param("videos", "影片長度清單", "video lengths", "list", D(0), MAX_VIDEO_MINUTES, required=False, unit_zh="分鐘", unit_en="minutes",
              help_zh="不分週時使用，例如 8,9,12", help_en="when weeks are not given, e.g. 8,9,12"),
        Param("school", "學校", "school", "choice", choices=SCHOOLS, required=False, default=ALL_SCHOOLS),
    ),
    input_type=StructureInput,
    func=course_structure,
    description_zh="檢查影片長度、每週分鐘數、週數與總時數：高科大單元 ≤ 10 分鐘、每週 50–60 分鐘、2–9 週；東華每段 5–15 分鐘、每週至少 1 小時；逢甲總時數 6–18 小時。",
    description_en="Checks video length, minutes a week, weeks and total hours: NKUST ≤ 10 min a unit, 50–60 min a week, 2–9 weeks; NDHU 5–15 min a video, "
    "at least 1 h a week; FCU 6–18 h in all.",
    examples=("每週影片 10,10,12;15,15 符合規定嗎？",),
)

ALL = (STRUCTURE,)
