"""Bounded work per message: long runs of numerals, units and random text get a contract answer within a second,
and the normaliser's time stays bounded over random strings up to its cut (MAX_QUESTION_CHARS).

Time is CPU time (what one message costs, whatever else the machine is doing). Each case runs in a forked child
under a CPU limit that kills it when it overruns, so a super-linear parser fails the test in seconds instead of
stalling the run (a regular expression cannot be interrupted from inside the process).
"""

from __future__ import annotations

import multiprocessing
import random
import resource
import time
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from core.engine import Engine
from core.kb import KnowledgeBase
from core.normalize import MAX_QUESTION_CHARS, Normaliser
from lang.numbers import BIG_UNITS, DIGITS, SMALL_UNITS

BOUND_S = 1.0  # one answer, however long and strange the question
RUN = 10_000  # characters of each run: five times the cut

UNITS = ["小時", "分鐘", "週", "周", "學分", "元", "萬元", "人", "位", "門", "個月", "月", "年", "日", "天", "次", "%", "％", "分之", "倍", "成"]
MARKS = ["點", "点", ",", "，", ".", "、", "-", "/", ":", "$", "NT$", "+", "e", "E"]
ASCII_DIGITS = list("0123456789")
NUMERALS = sorted(set(DIGITS) | set(SMALL_UNITS) | set(BIG_UNITS))

# Before lang/numbers.py read numerals in one linear scan, 10,000 characters of one Chinese numeral (九, 十, 百, 兩,
# 零, 壹 …) took 15-45 s each, and 2,000 of them 31 s in the normaliser: one message stalled every user.


def in_child(fn: Callable[[], Any], cpu_seconds: int) -> Any:
    """fn() in a forked child; its result, or a test failure when it raises or uses more than `cpu_seconds` of CPU
    (the kernel stops it with SIGXCPU, even inside a regular expression)."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def target() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        try:
            send.send(("ok", fn()))
        except BaseException:  # noqa: BLE001 - report anything to the parent
            send.send(("error", traceback.format_exc()))

    child = ctx.Process(target=target, daemon=True)
    child.start()
    send.close()  # the child's end only: its death is then an end of file here
    try:
        if not receive.poll(cpu_seconds * 20 + 30):
            pytest.fail("no result in time (the machine is overloaded or the child hangs)")
        try:
            status, value = receive.recv()
        except EOFError:
            pytest.fail(f"stopped after {cpu_seconds} s of CPU")
    finally:
        child.kill()
        child.join()
    if status != "ok":
        pytest.fail(value)
    return value


def _timed_answer(engine: Engine, text: str) -> tuple[float, dict[str, Any]]:
    start = time.process_time()
    ans = engine.answer(text)
    return time.process_time() - start, ans.to_json()


def _assert_contract(data: dict[str, Any]) -> None:
    assert set(data) >= {"question", "kind", "text", "citations", "options", "result"}
    assert data["kind"] in ("answer", "calculation", "clarify", "unknown", "chat")
    assert isinstance(data["text"], str) and data["text"]
    assert (data["kind"] == "unknown") == (not data["citations"]) or data["kind"] in ("clarify", "chat")


def _case(piece: str) -> Any:
    return pytest.param(piece, id=f"U+{ord(piece[0]):04X}{piece}")


def _random_texts() -> list[Any]:
    rng = random.Random(14)
    pools = {
        "mixed": NUMERALS + UNITS + MARKS + ASCII_DIGITS + list("磨課師高科大補助學分的嗎？ abcxyz"),
        "cjk": [chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(3000)],
        "unicode": [chr(rng.randrange(0x20, 0x2FFFF)) for _ in range(3000)],
        "digits-and-units": ASCII_DIGITS + UNITS + MARKS,
    }
    out = []
    for name, pool in pools.items():
        text = "".join(rng.choice(pool) for _ in range(RUN))[:RUN]
        out.append(pytest.param(text, id=f"random-{name}"))
    for name, pattern in (("numeral+unit", "九小時"), ("decimal", "九點九"), ("thousands", "1,000,"), ("money", "NT$1,200萬元"), ("date", "109.06.17 "), ("fraction", "三分之二"), ("weekdays", "工讀排班週一到週五每天8小時、")):
        out.append(pytest.param((pattern * RUN)[:RUN], id=f"pattern-{name}"))
    return out


@pytest.mark.parametrize("piece", [_case(p) for p in NUMERALS + UNITS + MARKS + ASCII_DIGITS])
def test_a_run_of_one_numeral_or_unit_is_answered_fast(engine: Engine, piece: str) -> None:
    text = (piece * RUN)[:RUN]
    elapsed, data = in_child(lambda: _timed_answer(engine, text), cpu_seconds=int(BOUND_S))
    _assert_contract(data)
    assert elapsed < BOUND_S, f"{elapsed:.2f} s"


@pytest.mark.parametrize("text", _random_texts())
def test_random_and_repeated_text_is_answered_fast(engine: Engine, text: str) -> None:
    elapsed, data = in_child(lambda: _timed_answer(engine, text), cpu_seconds=int(BOUND_S))
    _assert_contract(data)
    assert elapsed < BOUND_S, f"{elapsed:.2f} s"


def test_questions_are_cut_at_the_documented_maximum(kb: KnowledgeBase) -> None:
    normaliser = Normaliser(kb.glossary)
    long = "磨課師學分" * MAX_QUESTION_CHARS
    nq = normaliser.question(long)
    assert nq.truncated and nq.original == long
    assert nq.text == normaliser.question(long[:MAX_QUESTION_CHARS]).text
    assert not normaliser.question(long[:MAX_QUESTION_CHARS]).truncated


def test_a_cut_question_is_answered_with_a_polite_note(engine: Engine) -> None:
    filler = "啊" * MAX_QUESTION_CHARS
    cut = engine.answer("高科大學習 9 小時可以拿幾學分？" + filler)
    assert "0.5" in cut.direct  # the part read is answered
    assert any(n.kind == "warning" and f"{MAX_QUESTION_CHARS:,}" in n.text for n in cut.notes), cut.notes
    whole = engine.answer("高科大學習 9 小時可以拿幾學分？")
    assert not any(f"{MAX_QUESTION_CHARS:,}" in n.text for n in whole.notes)
    en = engine.answer("How many credits for 9 hours at NKUST? " + "a " * MAX_QUESTION_CHARS)
    assert any("first 2,000 characters" in n.text for n in en.notes), en.notes


_PIECES = NUMERALS + UNITS + MARKS + ASCII_DIGITS + ["磨課師", "高科大", " ", "a", "的"]
# Random text, and random runs of numerals, units and marks (how a super-linear parser is found), up to the cut.
_NORMALISER_TEXT = st.one_of(
    st.text(max_size=MAX_QUESTION_CHARS),
    st.lists(st.tuples(st.sampled_from(_PIECES), st.integers(1, MAX_QUESTION_CHARS)), min_size=1, max_size=8).map(
        lambda runs: "".join(piece * count for piece, count in runs)[:MAX_QUESTION_CHARS]
    ),
)


def _normaliser_property(kb: KnowledgeBase) -> float:
    """The slowest normalisation over random strings (run in a child: see in_child)."""
    normaliser = Normaliser(kb.glossary)
    worst = [0.0]

    @settings(max_examples=100, deadline=None, phases=[Phase.generate], derandomize=True, suppress_health_check=list(HealthCheck))
    @given(_NORMALISER_TEXT)
    def prop(text: str) -> None:
        start = time.process_time()
        normaliser.question(text)
        elapsed = time.process_time() - start
        worst[0] = max(worst[0], elapsed)
        assert elapsed < 0.25, f"{elapsed:.2f} s on {text[:40]!r}… ({len(text)} characters)"

    prop()
    return worst[0]


def test_normaliser_time_is_bounded_over_random_strings(kb: KnowledgeBase) -> None:
    worst = in_child(lambda: _normaliser_property(kb), cpu_seconds=20)
    assert worst < 0.25


def test_matcher_date_pattern_is_linear_on_digit_runs(kb: KnowledgeBase) -> None:
    # The matcher's date pattern retried a run of digits from each of its positions: 4,000 digits took 1 s.
    from core.matcher import Matcher

    matcher = Matcher(kb, Normaliser(kb.glossary))

    def strip_digits() -> float:
        start = time.process_time()
        matcher.strip("1" * 20_000 + " 2020-06-17 " + "9" * 20_000)
        return time.process_time() - start

    assert in_child(strip_digits, cpu_seconds=1) < 0.2
