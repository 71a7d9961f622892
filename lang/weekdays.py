"""Days of the week named in a question (週一到週五, 星期一、三、五, Monday to Friday): which days each mention covers.

Only the days are read here; the figures beside them (8 小時) are the quantity reader's. Every pattern is a plain
alternation without nested repetition, so a search runs in linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CJK_DAY = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_EN_DAY = {"mon": 1, "tue": 2, "tues": 2, "wed": 3, "thu": 4, "thur": 4, "thurs": 4, "fri": 5, "sat": 6, "sun": 7}

_PREFIX = r"(?:週|周|星期|禮拜|礼拜)"
_CJK = _PREFIX + r"[一二三四五六日天]"
_CJK_TAIL = _PREFIX + r"?[一二三四五六日天]"  # 週一至五: the second day may drop its prefix
_EN = r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?\b"
_RANGE = r"\s*(?:到|至|~|～|-|–|—|to|through|thru)\s*"
_AND = r"\s*(?:、|和|及|與|跟|/|,|&|and)\s*"
_CJK_GROUP = re.compile(f"(?P<first>{_CJK})(?:(?P<range>{_RANGE})(?P<last>{_CJK_TAIL})|(?P<list>(?:{_AND}{_CJK_TAIL})+))?")
_EN_GROUP = re.compile(f"(?P<first>{_EN})(?:(?P<range>{_RANGE})(?P<last>{_EN})|(?P<list>(?:{_AND}{_EN})+))?", re.I)
_ONE_CJK = re.compile(_CJK_TAIL)
_ONE_EN = re.compile(_EN, re.I)


@dataclass(frozen=True)
class Days:
    """A mention of days of the week: where it stands and the days it covers (1 = Monday … 7 = Sunday)."""

    start: int
    end: int
    days: tuple[int, ...]


def _day(word: str) -> int:
    word = word.lower()
    if word[-1] in _CJK_DAY:
        return _CJK_DAY[word[-1]]
    for n in (5, 4, 3):  # thurs, thur/tues, mon/…: the longest abbreviation the word begins with
        if word[:n] in _EN_DAY:
            return _EN_DAY[word[:n]]
    return 0


def weekdays(text: str) -> list[Days]:
    """Each mention of days of the week in `text`, in order: a day, a range (到, to) or a list (、, and)."""
    found: list[Days] = []
    for pattern, one in ((_CJK_GROUP, _ONE_CJK), (_EN_GROUP, _ONE_EN)):
        for m in pattern.finditer(text):
            first = _day(m.group("first"))
            if m.group("range"):
                low, high = first, _day(m.group("last"))
                # 週五到週一 wraps over the weekend
                days = tuple(range(low, high + 1)) if low <= high else (*range(low, 8), *range(1, high + 1))
            elif m.group("list"):
                days = tuple(dict.fromkeys((first, *(_day(w.group(0)) for w in one.finditer(m.group("list"))))))
            else:
                days = (first,)
            found.append(Days(m.start(), m.end(), days))
    return sorted(found, key=lambda d: d.start)
