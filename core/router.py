"""Find the figures a question gives and feed them to a calculator's parameters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_NUM = r"(\d+(?:\.\d+)?)"


@dataclass(frozen=True)
class Slot:
    """How to find one parameter in a question: a number before a unit, near some context words."""

    param: str
    unit: str  # a regex that follows the number
    near: tuple[str, ...] = ()  # context words, any of which must be within `window` characters
    avoid: tuple[str, ...] = ()  # context words that rule the number out
    window: int = 10  # characters before the number where a context word may stand
    after: int = 4  # and after it (words usually precede the figure they govern: 補助 200萬, 自籌 30萬)


HOURS = r"\s*(?:個)?(?:多|餘)?\s*(?:小時|h\b|hrs?\b)"
WEEKS = r"\s*(?:個)?(?:多|餘)?\s*週"
PEOPLE = r"\s*(?:多|餘)?\s*(?:人|位|名|學生|註冊\s*learners?|learners?|people|registrants?|on-campus 學生)"
MONTHS = r"\s*(?:個)?(?:多|餘)?\s*月"
MONEY = r"\s*(?:元|塊)?"
COURSES = r"\s*門"
SERIES = r"\s*(?:個)?系列"

SLOTS: dict[str, tuple[Slot, ...]] = {
    "nkust_credits": (Slot("hours", HOURS), Slot("weeks", WEEKS)),
    "nkust_production_subsidy": (
        Slot("video_hours", HOURS),
        Slot("expert_units", r"\s*(?:個)?(?:單元|支|部)", near=("業師", "專家", "校外", "協同")),
        Slot("other_costs_requested", MONEY, near=("其他業務費", "其他")),
        Slot("courses_this_year", COURSES, near=("今年", "每年", "一年", "申請")),
    ),
    "nkust_operation_ta": (Slot("course_weeks", WEEKS),),
    "fcu_recording_fee": (Slot("video_hours", HOURS), Slot("hourly_rate", r"\s*元", near=("鐘點", "每小時", "時薪", "費率"))),
    "fcu_tutoring_hours": (Slot("course_weeks", WEEKS), Slot("online_enrolment", PEOPLE)),
    "fcu_video_hours": (Slot("video_hours", HOURS),),
    "fcu_tier_upgrade": (Slot("video_hours", HOURS), Slot("course_weeks", WEEKS), Slot("online_enrolment", PEOPLE), Slot("months", MONTHS)),
    "fcu_teaching_assistants": (
        Slot("online_enrolment", PEOPLE, near=("線上", "註冊", "online"), avoid=("實體", "課堂", "教室")),
        Slot("classroom_students", PEOPLE, near=("實體", "課堂", "教室", "修課", "選課", "on-campus", "classroom"), after=0),
        Slot("classroom_students", PEOPLE, avoid=("線上", "註冊")),
        Slot("weeks", WEEKS),
    ),
    "fcu_material_assistants": (Slot("months", MONTHS), Slot("hourly_wage", r"\s*元")),
    "moe_budget_check": (
        Slot("self_funding", MONEY, near=("自籌",), after=0),
        Slot("personnel_costs", MONEY, near=("人事", "人力", "薪資"), after=0),
        Slot("equipment", MONEY, near=("設備費", "設備"), avoid=("最多", "上限", "多少"), after=0),
        Slot("staff_count", PEOPLE, near=("助理", "人員", "聘")),
        Slot("refine_courses", COURSES, near=("精進", "調整", "已開發")),
        Slot("subsidy", MONEY, near=("補助", "申請", "經費", "預算", "計畫", "核定", "撥", "from moe", "gets")),
    ),
    "moe_series_eligibility": (
        Slot("new_course_hours", HOURS),
        Slot("new_courses", COURSES, near=("新製", "新開", "新課")),
        Slot("courses", COURSES, avoid=("新製",)),
        Slot("series_participating", SERIES, near=("參與", "參加", "總共")),
        Slot("series_applied", SERIES),
    ),
    "ndhu_teaching_assistants": (
        Slot("tas", PEOPLE, near=("教學助理", "ta"), avoid=("修課", "選課", "人數")),
        Slot("enrolment", PEOPLE),
        Slot("months", MONTHS),
        Slot("monthly_amount", MONEY, near=("每月", "月薪", "一個月")),
    ),
    "ndhu_budget": (
        Slot("work_study_hours", HOURS, near=("工讀", "工作費")),
        Slot("recording_hours", HOURS),
    ),
}

_TIER_WORDS = (("spoc", "spoc"), ("標竿", "benchmark"), ("benchmark", "benchmark"), ("錄取", "accepted"), ("accepted", "accepted"))

_DATE = re.compile(r"(\d{2,4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})\s*日?")


_CLAUSE_END = re.compile(r"[，,。；;！!？?\n]")


@dataclass(frozen=True)
class DateSlot:
    """A calculator's date parameter and the words near a question's date that bind it there or rule it out."""

    param: str
    cues: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()


def _bind_dates(text: str, dates: tuple[DateSlot, ...]) -> dict[str, str]:
    """Each date the question writes, in order, to the date parameter its neighbouring words name (cues), else to the
    first parameter still free that no neighbouring word rules out. A date's neighbourhood is its clause: it stops at
    punctuation and at the next date (「114.03.01 核可，115.09.14 開課」: 核可 is the first date's, 開課 the second's)."""
    found: dict[str, str] = {}
    free = list(dates)
    matches = list(_DATE.finditer(text))
    for i, m in enumerate(matches):
        if not free:
            break
        low = max(matches[i - 1].end() if i else 0, m.start() - 12)
        high = min(matches[i + 1].start() if i + 1 < len(matches) else len(text), m.end() + 8)
        before, after = text[low : m.start()], text[m.end() : high]
        cut = _CLAUSE_END.search(after)
        ctx = _CLAUSE_END.split(before)[-1] + (after[: cut.start()] if cut else after)
        allowed = [d for d in free if not any(w in ctx for w in d.avoid)]
        cued = [d for d in allowed if any(w in ctx for w in d.cues)]
        pick = cued[0] if cued else (allowed[0] if allowed else None)
        if pick is None:
            continue
        found[pick.param] = f"{m.group(1)}.{m.group(2)}.{m.group(3)}"
        free.remove(pick)
    return found


def _context(text: str, start: int, end: int, before: int, after: int) -> str:
    return text[max(0, start - before) : end + after]


def extract(calculator: str, text: str, schools: tuple[str, ...] = (), dates: tuple[DateSlot, ...] = ()) -> dict[str, Any]:
    """Parameters for `calculator` found in normalised question text (numbers already in digits).

    `dates` are the calculator's date parameters with their cue words: the question's dates bind to them by cue.
    """
    found: dict[str, Any] = dict(_bind_dates(text, dates)) if dates else {}
    used: set[int] = set()
    for slot in SLOTS.get(calculator, ()):
        if slot.param in found:
            continue
        for m in re.finditer(_NUM + slot.unit, text):
            if m.start() in used:
                continue
            ctx = _context(text, m.start(), m.end(), slot.window, slot.after)
            if slot.near and not any(w in ctx for w in slot.near):
                continue
            if slot.avoid and any(w in ctx for w in slot.avoid):
                continue
            found[slot.param] = m.group(1)
            used.add(m.start())
            break
    # Choices written as words.
    if calculator.startswith("fcu_"):
        if re.search(r"spoc", text):
            found["tier"] = "spoc"
        elif "標竿" in text or "benchmark" in text:
            found["tier"] = "benchmark"
        elif "錄取" in text or "accepted" in text:
            found["tier"] = "accepted"
    if calculator == "fcu_tier_upgrade":
        # Two tiers in the order written: the former one, then the one the course moved up to.
        found.pop("tier", None)
        named = sorted((m.start(), tier) for word, tier in _TIER_WORDS for m in re.finditer(word, text))
        tiers = list(dict.fromkeys(tier for _, tier in named))
        if len(tiers) >= 2:
            found["old_tier"], found["new_tier"] = tiers[0], tiers[1]
    if calculator == "nkust_operation_ta" and "自學" in text:
        found["self_study"] = True
    if calculator == "moe_budget_check":
        if "新南向" in text:
            found["series_type"] = "new_southbound"
        elif any(w in text for w in ("精進", "已開發完成", "調整")) and "refine_courses" in found:
            found["series_type"] = "refine"
        if any(w in text for w in ("地方政府", "市立", "縣立", "直轄市", "縣市政府", "county", "city-run", "municipal", "local government")):
            found["local_government"] = True
    return found


def has_figures(found: Mapping[str, Any]) -> bool:
    """True when at least one number (or date) was found for the calculator."""
    return any(k not in ("tier", "self_study", "series_type", "local_government") for k in found)
