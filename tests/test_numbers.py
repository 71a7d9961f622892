"""Numbers as people write them."""

from __future__ import annotations

import time
from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lang.numbers import NumberError, numerals_to_digits, parse_chinese_integer, parse_number


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


# --- colloquial numerals, malformed figures, linear time ---------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("兩千五", 2500), ("一千五", 1500), ("一萬二", 12000), ("三百五", 350), ("一億五", 150_000_000),
        ("十萬五", 105_000), ("三萬二千五", 32500), ("一千零五", 1005), ("一萬零五", 10005), ("十五", 15),
        ("二十五", 25), ("一點五萬", 15000), ("1,500.5", Decimal("1500.5")), ("12,345,678", 12_345_678),
        (".5", Decimal("0.5")),
    ],
)
def test_colloquial_and_mixed_numbers(text: str, value: object) -> None:
    assert parse_number(text) == Decimal(str(value))


@pytest.mark.parametrize("text", ["9,5", "1,5000", "12,34", "1,2,3", "十百", "五五十", "百百", "1.2.3", "九" * 41, "9" * 16])
def test_malformed_numbers_raise(text: str) -> None:
    with pytest.raises(NumberError):
        parse_number(text)


@pytest.mark.parametrize("text, value", [("兩千五", 2500), ("一二〇", 120), ("十八", 18), ("一萬二", 12000)])
def test_parse_chinese_integer(text: str, value: int) -> None:
    assert parse_chinese_integer(text) == value


@pytest.mark.parametrize(
    "text, want",
    [
        ("兩千五元", "2500元"),
        ("補助兩千五", "補助2500"),
        ("一萬二", "12000"),
        ("一點五萬人", "15000人"),
        ("兩萬一般課程", "20000一般課程"),
        ("百分之六十", "60%"),
        ("一小時多少", "一小時多少"),
        ("3 萬", "30000"),
        ("1,500萬", "15000000"),
        ("千萬不要", "千萬不要"),
    ],
)
def test_numerals_to_digits_more(text: str, want: str) -> None:
    assert numerals_to_digits(text) == want


@pytest.mark.parametrize("run", ["九", "兩", "〇"])
def test_over_long_runs_are_left_as_written(run: str) -> None:
    # A run of numerals longer than any number is not a number, with or without a unit after it.
    text = run * 50
    assert numerals_to_digits(text) == text
    assert numerals_to_digits(text + "小時") == text + "小時"
    with pytest.raises(NumberError):
        parse_number(text)


def to_chinese(n: int, two: str = "二") -> str:
    """A whole number below 10^12 as a formal Chinese numeral: 1500 → 一千五百, 1005 → 一千零五."""
    digits = "零一二三四五六七八九"

    def section(g: int) -> str:
        out, zero = "", False
        for size, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = g // size % 10
            if d == 0:
                zero = bool(out)
                continue
            out += ("零" if zero else "") + (two if d == 2 and size >= 100 else digits[d]) + name
            zero = False
        return out

    out, zero = "", False
    for size, name in ((10**8, "億"), (10**4, "萬"), (1, "")):
        group = n // size % 10_000 if size < 10**8 else n // size
        if group == 0:
            zero = bool(out)
            continue
        out += ("零" if out and (zero or group < 1000) else "") + section(group) + name
        zero = False
    return out or "零"


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=999_999_999_999), st.sampled_from(["二", "兩"]))
def test_own_numerals_round_trip(n: int, two: str) -> None:
    text = to_chinese(n, two)
    assert parse_chinese_integer(text) == n
    assert parse_number(text) == n
    if n >= 2:
        assert numerals_to_digits(text + "元") == f"{n}元"


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 9), st.integers(1, 9), st.sampled_from([(2, "百"), (3, "千"), (4, "萬"), (8, "億")]))
def test_colloquial_numerals_round_trip(a: int, b: int, place: tuple[int, str]) -> None:
    power, name = place
    text = "零一二三四五六七八九"[a] + name + "零一二三四五六七八九"[b]
    value = a * 10**power + b * 10 ** (power - 1)
    assert parse_chinese_integer(text) == value
    assert numerals_to_digits(text + "人") == f"{value}人"


@pytest.mark.parametrize("run", ["九", "萬", "億", "點", "十", "兩", "9", "0", ",", ".", "小時", "分鐘", "週", "人", "元", "一小時", "1萬", "百分之", "1,", "1."])
def test_long_runs_take_linear_time(run: str) -> None:
    text = (run * (10_000 // len(run) + 1))[:10_000]
    started = time.perf_counter()
    numerals_to_digits(text)
    for parse in (parse_number, parse_chinese_integer):
        try:
            parse(text)
        except NumberError:
            pass
    assert time.perf_counter() - started < 0.5
