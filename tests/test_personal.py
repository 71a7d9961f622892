"""Personal data is masked before storage: phone numbers, e-mail addresses, national id and resident certificate numbers."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lang.personal import EMAIL, NATIONAL_ID, PHONE, mask_personal


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我的手機 0912-345-678 請回電", f"我的手機 {PHONE} 請回電"),
        ("0912345678", PHONE),
        ("0912 345 678", PHONE),
        ("０９１２－３４５－６７８", PHONE),
        ("+886 912 345 678", PHONE),
        ("+886-912-345-678", PHONE),
        ("886912345678", PHONE),
        ("(+886)0912-345-678", PHONE),
        ("電話(02)2345-6789分機123", f"電話{PHONE}"),
        ("02-23456789", PHONE),
        ("07-1234567", PHONE),
        ("049-2345678", PHONE),
        ("+886-2-2345-6789", PHONE),
        ("寄信到 teacher.wang@mail.nkust.edu.tw 謝謝", f"寄信到 {EMAIL} 謝謝"),
        ("a_b+c@example.com.", f"{EMAIL}."),
        ("ｘｘ＠ｙｙ no; abc＠example.org", f"ｘｘ＠ｙｙ no; {EMAIL}"),
        ("身分證 A123456789", f"身分證 {NATIONAL_ID}"),
        ("f223456789", NATIONAL_ID),
        ("Ａ１２３４５６７８９", NATIONAL_ID),
        ("居留證 A800000014 與 AC01234567", f"居留證 {NATIONAL_ID} 與 {NATIONAL_ID}"),
        ("聯絡 0912-345-678 或 wang@nkust.edu.tw，身分證 A123456789", f"聯絡 {PHONE} 或 {EMAIL}，身分證 {NATIONAL_ID}"),
    ],
)
def test_personal_data_is_masked(text: str, expected: str) -> None:
    assert mask_personal(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "高科大學習 9 小時可以拿幾學分？",
        "補助 170 萬，自籌款 30 萬",
        "NT$140,000 的 2.11% 是多少",
        "109.06.17 通過，2020-06-17 施行",
        "114.04.21 修正；106年7月1日至107年12月31日",
        "上課時間 08:00-12:00，共 18 週",
        "2020-2021 學年度",
        "課程代碼 MOOC2024",
        "ABC123456789",  # too long for an id
        "A12345678",  # too short
        "1234567890",  # ten digits not starting with 0
        "email me at @home",
        "",
    ],
)
def test_figures_dates_and_ordinary_text_are_kept(text: str) -> None:
    assert mask_personal(text) == text


def test_masking_is_linear_on_hostile_text() -> None:
    for text in ("a" * 100_000 + "@", "@" * 100_000, "0" * 100_000, "a@" * 50_000, "A1" * 50_000, "0912-" * 20_000, "x." * 50_000 + "@b"):
        start = time.perf_counter()
        mask_personal(text)
        assert time.perf_counter() - start < 1.0, text[:10]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_masking_keeps_text_without_digits_or_at_signs(text: str) -> None:
    out = mask_personal(text)
    if not any(c.isdigit() or c in "@＠" for c in text):
        assert out == text
    assert isinstance(out, str)
