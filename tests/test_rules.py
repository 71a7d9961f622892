"""Rule definitions: exact fraction facts, the operations added for dates, tables and texts, and the evaluator's
names for the checks run. Expected figures are worked out by hand."""

from __future__ import annotations

import functools
import shutil
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path

import pytest

from bootstrap import load_knowledge
from core.kb import check
from core.schema import Fact
from core.validation import ValidationError, validate
from lang.dates import Term
from rules.base import CalcError
from rules.evaluate import PRECISION, Rule, format_value
from rules.ops import OPS, ArgError, OpError

D = Decimal
ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


# --- fractions: 三分之二 is "2/3", bound as its quotient at the evaluator's precision -------------------------


def _bound(value: str) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return Fact(name="share", value=value, unit="fraction", text="三分之二").decimal()


def test_fraction_fact_is_exact_where_it_matters() -> None:
    two_thirds = _bound("2/3")
    with localcontext() as ctx:
        ctx.prec = PRECISION
        # 3 members × 2/3 = 2 exactly (0.6667 × 3 = 2.0001 would ask for 3 of 3), 6 × 2/3 = 4, 300 × 2/3 = 200
        assert 3 * two_thirds == 2 and 6 * two_thirds == 4 and 300 * two_thirds == 200
        assert (5 * two_thirds).to_integral_value(rounding="ROUND_CEILING") == 4
        assert (4 * two_thirds).to_integral_value(rounding="ROUND_CEILING") == 3
    assert _bound("1/2") == D("0.5") and _bound(" 3 / 4 ") == D("0.75")


@pytest.mark.parametrize("bad", ["2/0", "x/3", "2/3/4", "-2/3", "two thirds", ""])
def test_malformed_fraction_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError):
        validate(Fact, {"name": "share", "value": bad, "unit": "fraction"})
    assert validate(Fact, {"name": "share", "value": " 2 / 3 ", "unit": "fraction"}).value == "2 / 3"


def test_plain_numbers_are_unchanged() -> None:
    assert Fact(name="x", value=0.2, unit="credits").decimal() == D("0.2")
    assert Fact(name="x", value=140000, unit="TWD").decimal() == D(140000)


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    dest = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, dest)
    return dest


def _mutate(root: Path, rel: str, old: str, new: str) -> int:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    pos = text.index(old)
    path.write_text(text[:pos] + new + text[pos + len(old):], encoding="utf-8")
    return text[:pos].count("\n") + 1


def test_a_fraction_not_in_its_text_is_reported(broken: Path) -> None:
    line = _mutate(broken, "entries/nkust-mooc.yaml", 'value: "2/3"', 'value: "3/4"')
    msgs = [str(p) for p in check(broken, ()).problems]
    assert any(m.startswith(f"knowledge/entries/nkust-mooc.yaml:{line}:") and "fact value 3/4 does not appear" in m for m in msgs), msgs[:5]


def test_a_malformed_fraction_is_reported_with_its_line(broken: Path) -> None:
    line = _mutate(broken, "entries/nkust-mooc.yaml", 'value: "2/3"', 'value: "2/0"')
    msgs = [str(p) for p in check(broken, ()).problems]
    assert any(m.startswith(f"knowledge/entries/nkust-mooc.yaml:{line}:") and "fraction" in m for m in msgs), msgs[:5]


# --- operations added for dates, tables and texts --------------------------------------------------------------


def test_table_operations() -> None:
    values = (D(5), D(2), D(9), D(2))
    assert OPS["index_of_min"](values) == 2 and OPS["index_of_max"](values) == 3  # the first of equal values
    assert OPS["pick"](D(2), "finance", "iot", "data_structures") == "iot"
    assert OPS["pick"](D(1), date(2016, 4, 25)) == date(2016, 4, 25)
    assert OPS["count_over"]((D(79909), D(28884), D(16540), D(10498)), D(16540)) == 1 + 1  # 超過: 16,540 itself is not over
    for bad in (D(0), D(4), D("1.5")):
        with pytest.raises(OpError):
            OPS["pick"](bad, "a", "b", "c")
    with pytest.raises(OpError):
        OPS["index_of_min"](())


def test_operations_over_a_tables_rows() -> None:
    values = (D(16540), D(79909), D(10498), D(64776))
    keys = ("cognitive", "finance", "systems", "eileen")
    assert OPS["mean"](values) == D(171723) / 4
    assert OPS["largest"](values, D(2)) == (D(79909), D(64776))  # largest first
    assert OPS["largest"](values, D(4)) == (D(79909), D(64776), D(16540), D(10498))
    assert OPS["keys_of_largest"](values, D(2), *keys) == ("finance", "eileen")
    assert OPS["keys_of_largest"]((D(5), D(9), D(5)), D(2), "a", "b", "c") == ("b", "a")  # equal values keep their order
    assert OPS["keys_over"](values, D(16540), *keys) == ("finance", "eileen")  # 超過: 16,540 itself is not over
    assert OPS["keys_over"](values, D(80000), *keys) == ()
    for bad in (D(0), D(5), D("1.5")):
        with pytest.raises(ArgError) as err:
            OPS["largest"](values, bad)
        assert err.value.index == 1 and "4" in err.value.allowed
    with pytest.raises(OpError):
        OPS["mean"](())
    with pytest.raises(OpError):
        OPS["keys_over"](values, D(1), "a", "b")  # one key per value


def test_a_list_of_choice_keys_is_shown_by_the_labels() -> None:
    rule = _rule("nthu_icourse_enrolments")
    res = rule.run({"over": "20000"})
    assert "財務管理、細讀張愛玲、物聯網概論" in "".join(res.steps_zh)
    assert "Financial Management, Reading Eileen Chang, Introduction to the Internet of Things" in "".join(res.steps_en)
    top = rule.run({"top": "2"})
    assert top.figures["top_total"] == 79909 + 64776 and "財務管理、細讀張愛玲" in top.summary_zh
    with pytest.raises(CalcError) as err:
        rule.run({"top": "7"})
    assert err.value.param == "top"


def test_text_and_date_operations() -> None:
    assert OPS["join"]("、", "系列課程門數", "", "新製課程時數合計") == "系列課程門數、新製課程時數合計"
    assert OPS["join"](",") == ""
    with pytest.raises(OpError):
        OPS["join"](",", D(1))
    assert OPS["roc_text"](date(2026, 3, 1)) == "115.03.01"
    assert OPS["term"](D(116), D(1)) == Term(116, 1) and OPS["term"](D(2027), D(2)) == Term(116, 2)
    assert OPS["term"](D(116), D(2)).start == date(2028, 2, 1)
    with pytest.raises(OpError):
        OPS["term"](D(116), D(3))


def test_year_format_has_no_separator() -> None:
    assert format_value(D(2016), "year", None, "zh") == "2016" and format_value(D(2016), "int", None, "zh") == "2,016"


# --- the evaluator: check labels from facts, names for the checks run and failed, a picked choice shown by its label ---


@functools.cache
def _rule(name: str) -> Rule:
    return load_knowledge(KNOWLEDGE).rules[name]


def test_check_labels_read_their_figures_from_facts() -> None:
    result = _rule("moe_series_eligibility").run({"courses": 2, "new_courses": 2})
    labels = [c.label_zh for c in result.checks]
    assert labels == ["至少 3 門課程", "至少 2 門新製課程"]
    assert "{" not in "".join(c.label_en for c in result.checks)


def test_the_answer_names_the_checks_failed() -> None:
    result = _rule("moe_series_eligibility").run({"courses": 2, "new_courses": 1, "new_course_hours": 12})
    assert "有 2 項不符合（至少 3 門課程、至少 2 門新製課程）" in result.summary_zh
    assert "2 not met (at least 3 courses; at least 2 new courses)" in result.summary_en


def test_a_picked_choice_shows_as_its_label() -> None:
    result = _rule("nthu_icourse_enrolments").run({})
    assert result.figures["largest_course"] == "finance"
    assert "財務管理" in result.summary_zh and "Financial Management" in result.summary_en
    shown = {s.name: s for s in result.shown}
    assert shown["largest_course"].display_zh == "財務管理" and shown["smallest_course"].display_en == "Systems Neuroscience"


def test_a_rule_without_inputs_refuses_any_parameter() -> None:
    with pytest.raises(CalcError) as err:
        _rule("nthu_trip").run({"days": 3})
    assert err.value.param == "days" and err.value.allowed == "no parameters"


# --- dates in a question bind to date parameters by their cue words, clause by clause --------------------------


@pytest.mark.parametrize(
    ("rule", "text", "want"),
    [
        ("ndhu_deadlines", "東華 114.03.01 核可，115.09.14 開課", {"approval_date": "2025-03-01", "planned_start": "2026-09-14"}),
        ("ndhu_deadlines", "115.09.14 開課，114.03.01 核可", {"planned_start": "2026-09-14", "approval_date": "2025-03-01"}),
        ("ndhu_deadlines", "114年3月1日核可的計畫", {"approval_date": "2025-03-01"}),
        ("nkust_award", "課程 113.12.20 完課，最晚什麼時候申請", {"completed_on": "2024-12-20"}),
        ("nkust_award", "2025-01-10 送件，2024-06-30 完課", {"apply_on": "2025-01-10", "completed_on": "2024-06-30"}),
        ("ndhu_deadlines", "沒有日期", {}),
        ("ndhu_deadlines", "預計 115.09.14 開課", {"planned_start": "2026-09-14"}),
    ],
)
def test_dates_bind_by_cue(engine, rule: str, text: str, want: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    planner = engine._planner  # the binding itself, below the engine's interface
    light, reading = planner.read(text)
    bound = planner.bind(planner.rules[rule], light, reading).params
    assert {k: v for k, v in bound.items() if k in want or engine.calculator(rule).param(k).kind == "date"} == want


def test_a_question_with_two_dates_runs_the_rule_with_both(engine) -> None:  # type: ignore[no-untyped-def]
    ans = engine.answer("東華 114.03.01 核可，115.09.14 開課的磨課師，什麼時候要送審？")
    assert ans.kind == "calculation" and ans.calculator == "ndhu_deadlines"
    assert ans.result["ndhu_production_deadline"] == "2026-03-01" and ans.result["ndhu_application_semester"] == "114-1"
    late = engine.answer("教育部磨課師 106年7月1日核定，第一期款 106.08.15 才送領據來得及嗎？")
    assert late.calculator == "moe_instalments" and late.result["claimed_in_time"] is False


# --- the clauses a calculation works with, beside those its notes only mention ------------------------------------------


def test_a_result_names_the_clauses_its_shown_steps_work_with_apart_from_those_a_note_mentions() -> None:
    """The recording fee under the course's cap: the cap's clause is cited by the note only; over the cap, the step that
    caps it is shown and works with that clause."""
    rule = _rule("nkust_recording_fee")
    under = rule.run({"video_hours": "1.5"})
    assert under.worked == ("nkust-4-1-2-1",) and "nkust-4-1-2" in under.citations
    over = rule.run({"video_hours": "30"})
    assert over.worked == ("nkust-4-1-2-1", "nkust-4-1-2")
    deadline = _rule("ndhu_deadlines").run({"approval_date": "2025-03-01"})  # the extension is a step of its own
    assert deadline.worked[:2] == ("ndhu-2-3-1", "ndhu-2-3-2") and "ndhu-2-1-1" not in deadline.worked
