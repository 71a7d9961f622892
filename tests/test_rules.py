"""Rule definitions: exact fraction facts, the operations added for dates, tables and texts, and the evaluator's
names for the checks run. Expected figures are worked out by hand."""

from __future__ import annotations

import shutil
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from pydantic import ValidationError

from calculators import REGISTRY
from core.kb import check
from core.schema import Fact
from rules.evaluate import PRECISION

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
        Fact(name="share", value=bad, unit="fraction")


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
    msgs = [str(p) for p in check(broken, REGISTRY).problems]
    assert any(m.startswith(f"knowledge/entries/nkust-mooc.yaml:{line}:") and "fact value 3/4 does not appear" in m for m in msgs), msgs[:5]


def test_a_malformed_fraction_is_reported_with_its_line(broken: Path) -> None:
    line = _mutate(broken, "entries/nkust-mooc.yaml", 'value: "2/3"', 'value: "2/0"')
    msgs = [str(p) for p in check(broken, REGISTRY).problems]
    assert any(m.startswith(f"knowledge/entries/nkust-mooc.yaml:{line}:") and "fraction" in m for m in msgs), msgs[:5]
