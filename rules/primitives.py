"""Primitives: the few rules a vocabulary of operations cannot say, as short pure functions registered by name.

A rule definition calls them like any operation (`{work_schedule: [schedule, prior, ...]}`) and hands them every
figure of the rule as an argument, read from the entries' facts: nothing here restates a figure of a rule. The bounds
below are limits on what a question may contain, not rules. A primitive returns a value or an `Outcome` (a value plus
bilingual steps the evaluator shows where the step stands), and refuses unreadable input with `ArgError` (the
evaluator names the input behind the argument).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from lang.numbers import NumberError, format_number, parse_number
from rules.ops import ArgError, OpError, Outcome, register

MAX_VIDEO_MINUTES = Decimal(600)  # one video longer than 10 hours is a typing error
MAX_WEEKS = 520
MAX_VIDEOS = 500
LIST_LIMIT = 8  # offenders named in one step before "and N more"
WEEKS_ALLOWED = "weeks separated by ';' or '|', video minutes by ',', e.g. 10,10,12;15,15"
VIDEOS_ALLOWED = "comma-separated video minutes, each above 0 and at most 600"


def _num(x: Decimal) -> str:
    return format_number(x)


def _dec(x: object) -> Decimal:
    if isinstance(x, bool) or not isinstance(x, (Decimal, int)):
        raise OpError(f"expected a number, got {type(x).__name__}")
    return Decimal(x)


def _whole(x: object) -> int:
    d = _dec(x)
    if d != d.to_integral_value() or d < 0:
        raise OpError(f"expected a whole number ≥ 0, got {d}")
    return int(d)


def _numbers(x: object) -> tuple[Decimal, ...]:
    if not isinstance(x, tuple):
        raise OpError(f"expected a list, got {type(x).__name__}")
    return tuple(_dec(v) for v in x)


def _names(items: Sequence[tuple[str, str]], lang: int) -> str:
    """'a、b、c' (zh) or 'a, b, c' (en), at most LIST_LIMIT named."""
    shown = [i[lang] for i in items[:LIST_LIMIT]]
    more = len(items) - LIST_LIMIT
    if lang == 0:
        return "、".join(shown) + (f" 等共 {len(items)} 項" if more > 0 else "")
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


# --- a work-schedule check (a budget table's four work-hour rules) -----------------------------------------------------


def _day(i: int, start: date | None) -> tuple[str, str]:
    """Day i (0-based) of a schedule, in zh and en."""
    if start is None:
        return f"第 {i + 1} 天", f"day {i + 1}"
    d = (start + timedelta(days=i)).isoformat()
    return f"第 {i + 1} 天（{d}）", f"day {i + 1} ({d})"


def _ok(passed: bool) -> tuple[str, str]:
    return ("✔ 符合", "✔ pass") if passed else ("✘ 不符合", "✘ fail")


def work_schedule(
    schedule: object,
    prior: object,
    hours_before_break: object,
    break_minutes: object,
    max_daily_hours: object,
    max_consecutive_days: object,
    rest_days: object,
    window_days: object,
    max_days_in_window: object,
    start: object = None,
) -> Outcome:
    """Check consecutive daily working hours against four work-hour rules; a record of figures and one step per rule.

    Days with hours > 0 are working days; `prior` days just before day 1 were worked (the ones before those were not);
    a run of working days ends after `rest_days` days off in a row.
    Rule 1 (a break of `break_minutes` per `hours_before_break` worked) can only be shown as the minimum break a day.
    """
    hours = _numbers(schedule)
    before = _whole(prior)
    every, rest = _dec(hours_before_break), _dec(break_minutes)
    daily_cap = _dec(max_daily_hours)
    run_cap, rest_needed = _whole(max_consecutive_days), _whole(rest_days)
    window, window_cap = _whole(window_days), _whole(max_days_in_window)
    if start is not None and not isinstance(start, date):
        raise OpError(f"expected a date, got {type(start).__name__}")
    first = start if isinstance(start, date) else None
    if every <= 0 or window < 1 or rest_needed < 1 or not hours:
        raise OpError("work_schedule: empty schedule or a non-positive period")
    steps: list[tuple[str, str]] = []
    # 1. breaks: ⌊hours / every⌋ × rest minutes at least
    breaks = tuple((h / every).to_integral_value(rounding=ROUND_FLOOR) * rest for h in hours)
    needs = [(f"{_day(i, first)[0]} {_num(h)} 小時 → 至少休息 {_num(b)} 分鐘", f"{_day(i, first)[1]} {_num(h)} h → at least {_num(b)} min break")
             for i, (h, b) in enumerate(zip(hours, breaks)) if b]
    steps.append((
        f"每工作 {_num(every)} 小時必需休息 {_num(rest)} 分鐘以上（提示：最少休息分鐘 = ⌊工時／{_num(every)}⌋ × {_num(rest)}）："
        + ("；".join(n[0] for n in needs) if needs else f"每日工時均未滿 {_num(every)} 小時，不需強制休息"),
        f"A break of at least {_num(rest)} minutes per {_num(every)} hours worked (hint: minimum break = ⌊hours/{_num(every)}⌋ × {_num(rest)} min): "
        + ("; ".join(n[1] for n in needs) if needs else f"no day reaches {_num(every)} hours, so no break is required"),
    ))
    # 2. at most `daily_cap` hours a day
    over = [i for i, h in enumerate(hours) if h > daily_cap]
    daily_ok = not over
    zh, en = _ok(daily_ok)
    steps.append((
        f"每日不得超過 {_num(daily_cap)} 小時："
        + (f"每日皆 ≤ {_num(daily_cap)} 小時" if daily_ok else "、".join(f"{_day(i, first)[0]} {_num(hours[i])} 小時" for i in over) + " 超過") + f" → {zh}",
        f"At most {_num(daily_cap)} hours a day: "
        + (f"every day ≤ {_num(daily_cap)} h" if daily_ok else ", ".join(f"{_day(i, first)[1]} {_num(hours[i])} h" for i in over) + " over") + f" → {en}",
    ))
    # 3. at most `run_cap` working days in a row
    working = [h > 0 for h in hours]
    run = longest = before
    off = 0
    breaches: list[tuple[int, int]] = []
    for i, w in enumerate(working):
        if w:
            run, off = run + 1, 0
        else:
            off += 1
            run = 0 if off >= rest_needed else run
        longest = max(longest, run)
        if run > run_cap and (run == run_cap + 1 or i == 0):
            breaches.append((i, run))
    run_ok = longest <= run_cap
    zh, en = _ok(run_ok)
    prior_zh = f"（含排班前已連續工作 {before} 天）" if before else ""
    prior_en = f" (including {before} working days just before the schedule)" if before else ""
    steps.append((
        f"連續工作 {run_cap} 天一定要休 {rest_needed} 天：最長連續工作 {longest} 天{prior_zh}"
        + ("" if run_ok else "；" + "、".join([f"{_day(i, first)[0]}為連續第 {r} 個工作日" for i, r in breaches] or [f"排班前已連續工作 {before} 天"]))
        + f" → {zh}",
        f"{rest_needed} day(s) off after {run_cap} working days in a row: longest run {longest} day(s){prior_en}"
        + ("" if run_ok else "; " + ", ".join([f"{_day(i, first)[1]} is working day {r} in a row" for i, r in breaches] or [f"{before} days in a row before the schedule"]))
        + f" → {en}",
    ))
    # 4. at most `window_cap` working days in any `window` consecutive days
    history = [True] * min(before, window - 1)
    timeline = [False] * (window - 1 - len(history)) + history + working
    offset = window - 1  # timeline index of schedule day 0
    worst = 0
    bad: list[tuple[int, int, int]] = []
    for end in range(len(hours)):
        count = sum(timeline[end + offset - (window - 1): end + offset + 1])
        worst = max(worst, count)
        if count > window_cap:
            bad.append((end - (window - 1), end, count))

    def span(a: int, b: int, lang: int) -> str:
        if a >= 0:
            first_day = _day(a, first)[lang]
        else:
            first_day = f"排班前 {-a} 天" if lang == 0 else f"{-a} day(s) before the schedule"
        return f"{first_day}至{_day(b, first)[0]}" if lang == 0 else f"{first_day} to {_day(b, first)[1]}"

    window_ok = not bad
    zh, en = _ok(window_ok)
    more = "…" if len(bad) > LIST_LIMIT else ""
    steps.append((
        f"{window} 天內不得工作超過 {window_cap} 天：任 {window} 天最多工作 {worst} 天"
        + ("" if window_ok else "；" + "、".join(f"{span(a, b, 0)}工作 {c} 天" for a, b, c in bad[:LIST_LIMIT]) + more) + f" → {zh}",
        f"At most {window_cap} working days in any {window}: at most {worst} in a {window}-day window"
        + ("" if window_ok else "; " + ", ".join(f"{span(a, b, 1)}: {c} days" for a, b, c in bad[:LIST_LIMIT]) + more) + f" → {en}",
    ))
    record = {
        "total_hours": sum(hours, Decimal(0)),
        "min_break_minutes": breaks,
        "daily_ok": daily_ok,
        "days_over": tuple(Decimal(i + 1) for i in over),
        "longest_run": Decimal(longest),
        "consecutive_ok": run_ok,
        "max_in_window": Decimal(worst),
        "window_ok": window_ok,
        "ok": daily_ok and run_ok and window_ok,
    }
    return Outcome(record, tuple(steps))


# --- video and week structure (each school's format rules, with its own figures) -----------------------------------


_UNIT_WORDS = re.compile(r"\s*(?:分鐘|分钟|minutes|minute|mins|min|分)", re.IGNORECASE)


def _length(text: str, index: int, allowed: str) -> Decimal:
    try:
        value = parse_number(text)
    except (NumberError, InvalidOperation, ArithmeticError, RecursionError):
        raise ArgError(index, f"「{text[:20]}」不是影片分鐘數", f"{text[:20]!r} is not a number of minutes", allowed) from None
    return _check_length(value, index, allowed)


def _check_length(value: Decimal, index: int, allowed: str) -> Decimal:
    if not (value.is_finite() and Decimal(0) < value <= MAX_VIDEO_MINUTES):
        raise ArgError(index, f"每支影片長度必須大於 0 且不超過 {_num(MAX_VIDEO_MINUTES)} 分鐘",
                       f"each video must be longer than 0 and at most {_num(MAX_VIDEO_MINUTES)} minutes", allowed)
    return value


def _parse_weeks(text: str, index: int) -> tuple[tuple[Decimal, ...], ...]:
    """'10,10,12;15,15' → ((10, 10, 12), (15, 15)); empty weeks inside count as weeks without video."""
    parts = re.split(r"[;；|｜\n]", unicodedata.normalize("NFKC", text))
    while parts and not parts[-1].strip():
        parts.pop()
    while parts and not parts[0].strip():
        parts.pop(0)
    if not parts:
        raise ArgError(index, "每週影片不可為空", "the week structure is empty", WEEKS_ALLOWED)
    if len(parts) > MAX_WEEKS:
        raise ArgError(index, f"週數太多（至多 {MAX_WEEKS} 週）", f"too many weeks (at most {MAX_WEEKS})", WEEKS_ALLOWED)
    weeks: list[tuple[Decimal, ...]] = []
    count = 0
    for part in parts:
        part = _UNIT_WORDS.sub("", part)
        items = [p.strip("[]() ") for p in re.split(r"[,，、+\s]+", part.strip().strip("[]()"))]
        values: list[Decimal] = []
        for item in (i for i in items if i):
            count += 1
            if count > MAX_VIDEOS:
                raise ArgError(index, f"影片太多（至多 {MAX_VIDEOS} 支）", f"too many videos (at most {MAX_VIDEOS})", WEEKS_ALLOWED)
            values.append(_length(item, index, WEEKS_ALLOWED))
        weeks.append(tuple(values))
    return tuple(weeks)


def video_structure(*given: object) -> Outcome:
    """Read a course's videos: a week structure (text '10,10;15') and/or a list of video minutes, in either order.

    The record: videos, total_minutes, total_hours (2 places, for people), longest, shortest, and with weeks: weeks,
    weekly_minutes, and the layout the checks below name offenders by.
    """
    weeks: tuple[tuple[Decimal, ...], ...] | None = None
    videos: tuple[Decimal, ...] | None = None
    weeks_at = videos_at = 0
    for i, arg in enumerate(given):
        if isinstance(arg, str):
            weeks, weeks_at = _parse_weeks(arg, i), i
        elif isinstance(arg, tuple):
            videos, videos_at = tuple(_check_length(_dec(v), i, VIDEOS_ALLOWED) for v in arg), i
        else:
            raise OpError(f"video_structure takes a week text or a list, got {type(arg).__name__}")
    if weeks is not None and videos is not None and sorted(v for w in weeks for v in w) != sorted(videos):
        raise ArgError(videos_at, "影片長度清單與每週影片不一致；只提供其中一項即可", "the video list does not match the videos by week; give only one of them",
                       "the same videos as in the week structure")
    if weeks is not None:
        layout = tuple((wi, vi, v) for wi, w in enumerate(weeks) for vi, v in enumerate(w))
    elif videos is not None:
        layout = tuple((-1, vi, v) for vi, v in enumerate(videos))
    else:
        raise OpError("video_structure needs a week text or a list of videos")
    if not layout:
        raise ArgError(weeks_at, "沒有任何影片", "there are no videos", WEEKS_ALLOWED)
    total = sum((v for _, _, v in layout), Decimal(0))
    hours = (total / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    approx_zh, approx_en = ("", "") if hours * 60 == total else ("約 ", "≈ ")
    record: dict[str, object] = {
        "videos": Decimal(len(layout)),
        "total_minutes": total,
        "total_hours": hours,
        "longest": max(v for _, _, v in layout),
        "shortest": min(v for _, _, v in layout),
        "layout": layout,
    }
    if weeks is not None:
        weekly = tuple(sum(w, Decimal(0)) for w in weeks)
        record.update({"weeks": Decimal(len(weeks)), "weekly_minutes": weekly})
        step = (
            f"共 {len(weeks)} 週、{len(layout)} 支影片，每週分鐘數：{'、'.join(_num(m) for m in weekly)}；總長 {_num(total)} 分鐘（{approx_zh}{_num(hours)} 小時）",
            f"{len(weeks)} weeks, {len(layout)} videos, minutes a week: {', '.join(_num(m) for m in weekly)}; {_num(total)} min in all ({approx_en}{_num(hours)} h)",
        )
    else:
        step = (
            f"共 {len(layout)} 支影片，總長 {_num(total)} 分鐘（{approx_zh}{_num(hours)} 小時）；未提供分週，每週規定無法檢查",
            f"{len(layout)} videos, {_num(total)} min in all ({approx_en}{_num(hours)} h); no weeks given, so the weekly rules cannot be checked",
        )
    return Outcome(record, (step,))


def _layout(structure: object) -> tuple[tuple[int, int, Decimal], ...]:
    if not isinstance(structure, dict) or "layout" not in structure:
        raise OpError("expected the record of video_structure")
    layout = structure["layout"]
    assert isinstance(layout, tuple)
    return layout


def _video(week: int, index: int, length: Decimal) -> tuple[str, str]:
    if week < 0:
        return f"第 {index + 1} 支（{_num(length)} 分鐘）", f"video {index + 1} ({_num(length)} min)"
    return f"第 {week + 1} 週第 {index + 1} 支（{_num(length)} 分鐘）", f"week {week + 1} video {index + 1} ({_num(length)} min)"


def videos_outside(structure: object, low: object, high: object) -> Outcome:
    """How many videos are shorter than `low` or longer than `high` minutes (low 0: only an upper bound), naming them."""
    lo, hi = _dec(low), _dec(high)
    off = [_video(w, i, v) for w, i, v in _layout(structure) if v < lo or v > hi]
    if not off:
        return Outcome(Decimal(0))
    if lo == 0:
        step = (f"長度超過 {_num(hi)} 分鐘的影片：{_names(off, 0)}", f"videos longer than {_num(hi)} min: {_names(off, 1)}")
    else:
        step = (f"長度不在 {_num(lo)} 至 {_num(hi)} 分鐘的影片：{_names(off, 0)}", f"videos outside {_num(lo)}–{_num(hi)} min: {_names(off, 1)}")
    return Outcome(Decimal(len(off)), (step,))


def weeks_outside(structure: object, low: object, high: object = None) -> Outcome:
    """How many weeks have fewer than `low` or (when given) more than `high` minutes of video, naming them."""
    if not isinstance(structure, dict) or "weekly_minutes" not in structure:
        raise OpError("weeks_outside needs a structure with weeks")
    weekly = _numbers(structure["weekly_minutes"])
    lo = _dec(low)
    hi = None if high is None else _dec(high)
    off = [(f"第 {i + 1} 週 {_num(m)} 分鐘", f"week {i + 1}: {_num(m)} min") for i, m in enumerate(weekly) if m < lo or (hi is not None and m > hi)]
    if not off:
        return Outcome(Decimal(0))
    if hi is None:
        step = (f"每週未滿 {_num(lo)} 分鐘：{_names(off, 0)}", f"weeks under {_num(lo)} min: {_names(off, 1)}")
    else:
        step = (f"每週不在 {_num(lo)} 至 {_num(hi)} 分鐘：{_names(off, 0)}", f"weeks outside {_num(lo)}–{_num(hi)} min: {_names(off, 1)}")
    return Outcome(Decimal(len(off)), (step,))


# --- a split by shares (FCU 【說明】4.) -------------------------------------------------------------------------


def split(total: object, weights: object, places: object = 0) -> tuple[Decimal, ...]:
    """`total` shared in proportion to `weights`, each part rounded down to `places` decimals and the units left over
    given one each to the largest remainders (earlier first on ties), so the parts add up to the total exactly."""
    amount, shares, digits = _dec(total), _numbers(weights), _whole(places)
    whole = sum(shares, Decimal(0))
    if not shares or any(w < 0 for w in shares) or whole <= 0:
        raise ArgError(1, "比例須為非負數且合計大於 0", "the shares must be 0 or more and add up to more than 0", "comma-separated shares, e.g. 6,4")
    unit = Decimal(1).scaleb(-digits)
    exact = [amount * w / whole for w in shares]
    parts = [(x / unit).to_integral_value(rounding=ROUND_FLOOR) * unit for x in exact]
    left = int(((amount - sum(parts, Decimal(0))) / unit).to_integral_value(rounding=ROUND_FLOOR))
    for i in sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))[:left]:
        parts[i] += unit
    return tuple(parts)


register("work_schedule", work_schedule, (9, 10))
register("split", split, (2, 3))
register("video_structure", video_structure, (1, 2))
register("videos_outside", videos_outside, (3, 3))
register("weeks_outside", weeks_outside, (2, 3))
