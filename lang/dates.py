"""Dates in ROC (114.03.01, 114年3月1日) and ISO (2025-03-01) form."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

ROC_OFFSET = 1911


class DateError(ValueError):
    """A text that is not a date we can read; carries a message in both languages and what is allowed."""

    def __init__(self, message_zh: str, message_en: str, allowed: str):
        self.message_zh = message_zh
        self.message_en = message_en
        self.allowed = allowed
        super().__init__(message_en)


def parse_date(raw: Any, label_zh: str = "日期", label_en: str = "date") -> date:
    """Parse a date written in ROC or ISO form; raise DateError."""
    if isinstance(raw, date):
        return raw
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    text = re.sub(r"^(民國|中華民國|roc)\s*", "", text, flags=re.I)
    m = re.fullmatch(r"(\d{2,4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?", text)
    if not m:
        raise DateError(f"{label_zh}格式不對，請寫成 114.03.01 或 2025-03-01", f"{label_en}: write it as ROC 114.03.01 or ISO 2025-03-01", "ROC 114.03.01 or ISO 2025-03-01")
    y, mo, d = (int(g) for g in m.groups())
    if y < 1000:
        y += ROC_OFFSET
    if not (1912 <= y <= 2200):
        raise DateError(f"{label_zh}的年份超出範圍", f"{label_en}: year out of range", "ROC 1–289 or ISO 1912–2200")
    try:
        return date(y, mo, d)
    except ValueError as exc:
        raise DateError(f"{label_zh}不是有效的日期", f"{label_en} is not a valid date", "a real calendar date") from exc


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (2025-08-31 + 6 months = 2026-02-28)."""
    total = start.month - 1 + months
    year = start.year + total // 12
    month = total % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def roc(d: date) -> str:
    """ROC form: 114.03.01."""
    return f"{d.year - ROC_OFFSET}.{d.month:02d}.{d.day:02d}"


def both(d: date) -> str:
    """ROC and ISO together: 114.03.01（2025-03-01）."""
    return f"{roc(d)}（{d.isoformat()}）"


def period_end(start: date, months: int) -> date:
    """Last day of a period of `months` counted from `start`, by Civil Code arts. 120–121 (民法第120、121條).

    The start day is not counted, so counting begins the next day (起算日); the period ends on the day before the
    day corresponding to 起算日 in the last month, or on that month's last day when it has no such day.
    114.03.01 + 12 months → 115.03.01; 2023-02-28 + 12 → 2024-02-29; 2025-04-30 + 6 → 2025-10-31; 2025-08-30 + 6 → 2026-02-28.
    """
    from datetime import timedelta

    first = start + timedelta(days=1)
    total = first.month - 1 + months
    year = first.year + total // 12
    month = total % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if first.day > last:
        return date(year, month, last)
    return date(year, month, first.day) - timedelta(days=1)


@dataclass(frozen=True, order=True)
class Term:
    """An academic term: ROC academic year and term 1 (1 Aug–31 Jan) or 2 (1 Feb–31 Jul)."""

    year: int
    term: int

    @property
    def start(self) -> date:
        """The term's first day."""
        west = self.year + ROC_OFFSET
        return date(west, 8, 1) if self.term == 1 else date(west + 1, 2, 1)

    @property
    def end(self) -> date:
        """The term's last day."""
        west = self.year + ROC_OFFSET
        return date(west + 1, 1, 31) if self.term == 1 else date(west + 1, 7, 31)

    def shift(self, terms: int) -> Term:
        """The term `terms` terms later (negative: earlier)."""
        index = self.year * 2 + (self.term - 1) + terms
        return Term(index // 2, index % 2 + 1)

    def label_zh(self) -> str:
        """114 學年度第 1 學期."""
        return f"{self.year} 學年度第 {self.term} 學期"

    def label_en(self) -> str:
        """academic year 114 (ROC), term 1."""
        return f"academic year {self.year} (ROC), term {self.term}"


def term_of(d: date) -> Term:
    """The academic term a day falls in (term 1 = Aug–Jan, term 2 = Feb–Jul)."""
    if d.month >= 8:
        return Term(d.year - ROC_OFFSET, 1)
    if d.month == 1:
        return Term(d.year - 1 - ROC_OFFSET, 1)
    return Term(d.year - 1 - ROC_OFFSET, 2)
