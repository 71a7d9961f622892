"""Properties over arbitrary input: the normaliser, the binding of figures to rule inputs, the calculators through the engine, and HTML output."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
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


def _reference_last_end(hay: str, word: str) -> int:
    """What the cue-word scan replaced: a regular expression per Latin cue word."""
    import re

    if not re.search(r"[a-z]", word):
        at = hay.rfind(word)
        return at + len(word) if at >= 0 else -1
    head = r"(?<![a-z])" if word[0].isalpha() else ""
    tail = r"(?:s|es|d|ed|ing|er|ers)?(?![a-z])" if word[-1].isalpha() else ""
    end = -1
    for m in re.finditer(head + re.escape(word) + tail, hay):
        end = m.start() + len(word)
    return end


_cue_text = st.text(alphabet="atesdingr 3-時數", max_size=30)
_cue_word = st.sampled_from(["ta", "tas", "record", "es", "te", "3d", "a-t", "t-", "時數", "ing", "rate", "d"]) | st.text(alphabet="atesdr3-", min_size=1, max_size=4)


@FUZZ
@given(_cue_text, _cue_word)
@example("recording fees", "record").via("an ending")
@example("the tas said ta-ing", "ta").via("endings and a hyphen")
@example("rates, a rater, raters", "rate").via("er and ers")
@example("dataset data", "data").via("a longer word")
def test_cue_word_scan_finds_what_a_whole_word_pattern_finds(hay: str, word: str) -> None:
    from core.planner import _last_end, _word_at

    assert _last_end(hay, word) == _reference_last_end(hay, word)
    for at in range(len(hay) + 1):
        import re

        head = r"(?<![a-z])" if word[0].isalpha() else ""
        tail = r"(?:s|es|d|ed|ing|er|ers)?(?![a-z])" if word[-1].isalpha() else ""
        expected = (re.compile(head + re.escape(word) + tail).match(hay, at) is not None) if re.search(r"[a-z]", word) else hay.startswith(word, at)
        assert _word_at(hay, word, at) == expected
