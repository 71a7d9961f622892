"""Properties over arbitrary input: the normaliser, the binding of figures to rule inputs, the calculators through the engine, and HTML output."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bootstrap import engine_from
from rules.base import CalcError
from tests.conftest import ROOT
from core.engine import Engine
from core.kb import KnowledgeBase
from core.normalize import Normaliser
from frontends.telegram.render import answer_html, text_html
from tests.botapi import check_html

REGISTRY = {c.name: c for c in engine_from(ROOT / "knowledge").calculators()}
_NORMALISERS: dict[int, Normaliser] = {}


def _normaliser(kb: KnowledgeBase) -> Normaliser:
    return _NORMALISERS.setdefault(id(kb), Normaliser(kb.glossary))


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
nasty = st.text(alphabet=st.characters(codec="utf-8"), max_size=200) | st.sampled_from(
    ["<b>", "</i>", "&", "&amp;", "<script>", "*_[]()~`>#+-=|{}.!", "'; DROP TABLE x; --", "\x00", "1e309", "-0", "NaN", "９", "十萬萬", "\ud800"]
)


@FUZZ
@given(nasty)
def test_normaliser_never_raises(kb: KnowledgeBase, text: str) -> None:
    nq = _normaliser(kb).question(text)
    assert isinstance(nq.text, str) and nq.lang in ("zh", "zh-Hans", "en")


@FUZZ
@given(st.sampled_from(sorted(REGISTRY)), nasty)
def test_binding_fills_only_real_parameters(engine: Engine, name: str, text: str) -> None:
    planner = engine._planner  # the binding itself, below the engine's interface
    light, reading = planner.read(text)
    params = planner.bind(planner.rules[name], light, reading).params
    for key in params:
        REGISTRY[name].param(key)  # every bound key is a real parameter


@FUZZ
@given(st.sampled_from(sorted(REGISTRY)), st.dictionaries(st.sampled_from(["hours", "weeks", "tier", "subsidy", "enrolment", "video_hours", "course_weeks", "approval_date", "schedule", "weeks_text", "x"]), nasty, max_size=4))
def test_calculators_through_the_engine_give_an_answer_or_a_domain_error(engine: Engine, name: str, params: dict[str, str]) -> None:
    try:
        ans = engine.run_calculator(name, params)
    except CalcError as err:
        assert err.param and err.message_zh and err.message_en
        return
    assert ans.kind == "calculation" and ans.citations


@FUZZ
@given(nasty)
def test_every_reply_renders_to_valid_telegram_html(engine: Engine, text: str) -> None:
    for part in answer_html(engine.answer(text)) + text_html(text):
        check_html(part)
        assert len(part.encode("utf-16-le", "surrogatepass")) // 2 <= 4096
