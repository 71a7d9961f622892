"""Primitives and how the evaluator merges what they return: Outcome texts, ArgError as a named input error, splits."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.validation import validate
from rules.base import CalcError
from rules.evaluate import Rule
from rules.ops import ARITY, OPS, ArgError, OpError, Outcome, register
from rules.primitives import split, video_structure, work_schedule
from rules.spec import RuleSpec

D = Decimal


def _probe(x: object) -> Outcome:
    """A test primitive: doubles a number, says so in a step and a note; refuses a negative one."""
    assert isinstance(x, Decimal)
    if x < 0:
        raise ArgError(0, "不可為負", "must not be negative", "0 or more")
    return Outcome(x * 2, (("加倍", "doubled"),), (("reading", "讀法", "a reading"),))


@pytest.fixture
def probe() -> Iterator[None]:
    register("probe", _probe, (1, 1))
    try:
        yield
    finally:
        OPS.pop("probe")
        ARITY.pop("probe")


def _rule(steps: list[dict[str, Any]], outputs: dict[str, Any]) -> Rule:
    spec = validate(RuleSpec, {
        "id": "probe_rule", "entry": "x-1", "title_zh": "測試", "title_en": "probe",
        "inputs": {"n": {"type": "number", "min": -10, "max": 10, "label_zh": "數", "label_en": "n"}},
        "steps": steps, "outputs": outputs, "answer": [{"zh": "結果 {out}", "en": "result {out}"}], "tests": [{"given": {"n": 1}}],
    })
    return Rule(spec, "doc", {}, {}, {})


def test_an_outcome_is_bound_to_its_value_and_its_texts_follow_its_step(probe: None) -> None:
    rule = _rule(
        [{"let": "twice", "value": {"probe": ["n"]}, "zh": "先 {n}", "en": "first {n}"},
         {"let": "out", "value": {"add": ["twice", 1]}, "zh": "再 {out}", "en": "then {out}"}],
        {"out": {"value": "out"}},
    )
    res = rule.run({"n": 3})
    assert res.figures["out"] == 7
    assert res.steps_zh == ("先 3", "加倍", "再 7") and res.steps_en == ("first 3", "doubled", "then 7")
    assert res.reading_zh == "讀法" and res.reading_en == "a reading"


def test_an_outcome_inside_another_operation_counts_as_its_value_without_texts(probe: None) -> None:
    rule = _rule([{"let": "out", "value": {"add": [{"probe": ["n"]}, 1]}, "zh": "得 {out}", "en": "got {out}"}], {"out": {"value": "out"}})
    res = rule.run({"n": 2})
    assert res.figures["out"] == 5 and res.steps_zh == ("得 5",) and res.reading_zh == ""


def test_an_outcome_of_a_hidden_step_shows_nothing(probe: None) -> None:
    rule = _rule([{"let": "out", "value": {"probe": ["n"]}, "show": {"gt": ["n", 1]}}], {"out": {"value": "out"}})
    assert rule.run({"n": 1}).steps_zh == () and rule.run({"n": 2}).steps_zh == ("加倍",)


def test_an_argument_refused_by_a_primitive_names_the_input_behind_it(probe: None) -> None:
    rule = _rule([{"let": "out", "value": {"probe": ["n"]}}], {"out": {"value": "out"}})
    with pytest.raises(CalcError) as err:
        rule.run({"n": -1})
    assert err.value.param == "n" and err.value.message_zh == "不可為負" and err.value.allowed == "0 or more"
    # A refused value that is not an input's is the definition's fault, not the asker's.
    computed = _rule([{"let": "out", "value": {"probe": [{"neg": ["n"]}]}}], {"out": {"value": "out"}})
    with pytest.raises(OpError):
        computed.run({"n": 1})


@settings(max_examples=300, deadline=None)
@given(total=st.integers(0, 10**9), shares=st.lists(st.integers(0, 1000), min_size=1, max_size=8).filter(lambda xs: sum(xs) > 0),
       places=st.integers(0, 2))
def test_split_adds_up_exactly_and_each_part_is_within_one_unit(total: int, shares: list[int], places: int) -> None:
    parts = split(D(total), tuple(D(s) for s in shares), D(places))
    unit = D(1).scaleb(-places)
    assert sum(parts) == total and len(parts) == len(shares)
    for part, share in zip(parts, shares):
        exact = D(total) * share / sum(shares)
        assert part == (part / unit).to_integral_value() * unit and abs(part - exact) < unit
        if share == 0:
            assert part == 0


def test_split_gives_the_units_left_to_the_largest_remainders_earlier_first() -> None:
    assert split(D(10), (D(1), D(2))) == (D(3), D(7))  # 3.33 and 6.67: the unit left goes to 6.67
    assert split(D(100), (D(1), D(1), D(1))) == (D(34), D(33), D(33))  # a tie: the earlier share
    assert split(D(10), (D(2), D(1)), D(1)) == (D("6.7"), D("3.3"))


def test_split_refuses_shares_that_add_up_to_nothing() -> None:
    with pytest.raises(ArgError) as err:
        split(D(100), (D(0), D(0)))
    assert err.value.index == 1


def test_a_run_of_working_days_ends_only_after_the_rest_days_required() -> None:
    week = tuple(D(h) for h in (4, 4, 4, 0, 4, 4, 4))
    one = work_schedule(week, D(0), D(4), D(30), D(8), D(5), D(1), D(7), D(5)).value
    two = work_schedule(week, D(0), D(4), D(30), D(8), D(5), D(2), D(7), D(5)).value
    assert (one["longest_run"], one["consecutive_ok"]) == (3, True)
    assert (two["longest_run"], two["consecutive_ok"]) == (6, False)  # one day off is not the two days required


def test_video_structure_reads_minutes_with_units_and_names_the_mismatched_list() -> None:
    record = video_structure("10分鐘,12 分鐘;15").value
    assert record["total_minutes"] == 37 and record["weekly_minutes"] == (D(22), D(15))
    with pytest.raises(ArgError) as err:
        video_structure("10;12", (D(10), D(13)))
    assert err.value.index == 1
