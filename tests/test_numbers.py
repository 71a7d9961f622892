"""Numbers as people write them."""

from __future__ import annotations

from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lang.numbers import NumberError, numerals_to_digits, parse_number


@pytest.mark.parametrize(
    "text, value",
    [
        ("9", 9), ("九", 9), ("十八", 18), ("1,500", 1500), ("1500", 1500), ("一千二百", 1200), ("1.2千", 1200),
        ("200萬", 2_000_000), ("NT$140,000", 140_000), ("2.5", Decimal("2.5")), ("兩", 2), ("陸仟", 6000),
        ("十四萬", 140_000), ("一百二十一", 121), ("二分之一", Decimal("0.5")), ("10%", Decimal("0.1")),
        ("零點五", Decimal("0.5")), ("-0", 0), ("９", 9), ("三百萬", 3_000_000), ("一二〇", 120),
    ],
)
def test_parse_number(text: str, value: object) -> None:
    assert parse_number(text) == Decimal(str(value))


@pytest.mark.parametrize("text", ["十萬萬", "1e309", "NaN", "", "abc", "萬萬萬", "inf"])
def test_bad_numbers_raise(text: str) -> None:
    with pytest.raises(NumberError):
        parse_number(text)


@pytest.mark.parametrize(
    "text, want",
    [
        ("學習十八小時", "學習18小時"),
        ("一千二百人", "1200人"),
        ("兩週", "2週"),
        ("補助200萬", "補助2000000"),
        ("NT$140,000", "NT$140000"),
        ("1.2千人", "1200人"),
        ("一般課程", "一般課程"),
        ("2.5小時", "2.5小時"),
    ],
)
def test_numerals_next_to_units_become_digits(text: str, want: str) -> None:
    assert numerals_to_digits(text) == want


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=99_999_999))
def test_chinese_numerals_round_trip_with_cn2an(n: int) -> None:
    # cn2an writes the numeral; we must read back the same number.
    assert parse_number(cn2an.an2cn(n)) == n


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_numerals_to_digits_never_raises(text: str) -> None:
    assert isinstance(numerals_to_digits(text), str)
