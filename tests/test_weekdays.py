"""Days of the week named in a question: a day, a range, a list, in Chinese and English."""

from __future__ import annotations

import pytest

from lang.weekdays import weekdays


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("週一到週五每天 8 小時", [(1, 2, 3, 4, 5)]),
        ("星期一至五", [(1, 2, 3, 4, 5)]),
        ("禮拜一、三、五各 4 小時", [(1, 3, 5)]),
        ("週五到週一", [(5, 6, 7, 1)]),  # over the weekend
        ("週一到週五 8 小時，週六再來 4 小時，星期日休息", [(1, 2, 3, 4, 5), (6,), (7,)]),
        ("Monday to Friday, 8 hours a day; Saturday 4 hours", [(1, 2, 3, 4, 5), (6,)]),
        ("Mon-Fri 8h", [(1, 2, 3, 4, 5)]),
        ("monday, wednesday and friday", [(1, 3, 5)]),
    ],
)
def test_days_of_the_week_are_read_as_days_ranges_and_lists(text: str, days: list[tuple[int, ...]]) -> None:
    assert [d.days for d in weekdays(text)] == days


@pytest.mark.parametrize("text", ["一週 3 次", "每週 2 小時", "週末", "this month", "monthly", "一學期 18 週"])
def test_weeks_and_words_that_only_look_like_days_are_not_days(text: str) -> None:
    assert weekdays(text) == []
