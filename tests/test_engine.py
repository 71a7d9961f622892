"""The answering core: the contract's object, schools, ambiguity, unknowns, languages, calculations."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.engine import Engine
from core.kb import KnowledgeBase
from core.model import Answer, AnswerContext
from frontends.cli import ask_command, calc_command
from frontends.console import run_console
from lang.textnorm import fold, to_simplified

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT.parent / "shared" / "examples" / "questions.jsonl"


def _prefix(path: list[str] | tuple[str, ...], want: list[str]) -> bool:
    return list(path)[: len(want)] == want


def _check(case: dict[str, Any], ans: Any) -> list[str]:
    problems = []
    want = case.get("kind")
    if want == "multi":
        docs = {c.document for c in ans.citations} if ans.kind == "answer" else {o.document for o in ans.options}
        if len(docs) < 2:
            problems.append(f"wanted several documents, got {ans.kind} {docs}")
    elif want == "unknown":
        if ans.kind != "unknown" or ans.citations:
            problems.append(f"wanted unknown, got {ans.kind}")
    elif want and ans.kind != want:
        problems.append(f"kind {ans.kind} != {want}")
    if "doc" in case:
        first = ans.citations[0] if ans.citations else None
        if first is None or first.document != case["doc"] or not _prefix(first.path, case["path"]):
            problems.append(f"first citation {first and (first.document, first.path)}")
    for item in case.get("expect", []):
        if not any(alt in ans.text for alt in item.split("|")):
            problems.append(f"text lacks {item}")
    return problems


def _examples() -> list[dict[str, Any]]:
    if not EXAMPLES.exists():
        return []
    return [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.skipif(not EXAMPLES.exists(), reason="../shared/examples is not beside this checkout")
@pytest.mark.parametrize("case", _examples(), ids=lambda c: c["q"][:20])
def test_shared_examples_hold(engine: Engine, case: dict[str, Any]) -> None:
    assert _check(case, engine.answer(case["q"])) == []


def test_answer_matches_the_contract(engine: Engine, kb) -> None:  # type: ignore[no-untyped-def]
    ans = engine.answer("高科大磨課師外聘業師每個單元可以領多少？").to_json()
    assert set(ans) >= {"question", "kind", "text", "citations", "options", "result"}
    assert ans["kind"] == "answer" and isinstance(ans["text"], str) and "<" not in ans["text"]
    c = ans["citations"][0]
    assert set(c) >= {"document", "title", "clause", "path", "quote"}
    assert c["document"] in kb.documents and c["title"] == kb.documents[c["document"]].title_zh
    assert all(isinstance(p, str) for p in c["path"])
    assert fold(c["quote"]) in fold(kb.sources[c["document"]])
    assert c["quote"] in ans["text"]


@pytest.mark.parametrize(
    "question",
    ["", "   ", "今天天氣如何？", "宿舍怎麼申請", "asdfgh", "幫我寫一首詩", "Is it going to rain tomorrow?", "？？？", "1234567"],
)
def test_out_of_scope_is_unknown_with_covered_documents(engine: Engine, question: str) -> None:
    ans = engine.answer(question)
    assert ans.kind == "unknown" and not ans.citations
    assert "國立東華大學數位學習實施作業規範" in ans.text or "Dong Hwa" in ans.text


@pytest.mark.parametrize("question", ["政大的磨課師獎勵辦法是什麼？", "台大磨課師學分怎麼算", "復旦大學慕課補助多少？", "交通大學磨課師助教鐘點費"])
def test_a_school_we_do_not_cover_is_unknown_never_another_schools_rule(engine: Engine, question: str) -> None:
    ans = engine.answer(question)
    assert ans.kind == "unknown" and not ans.citations
    assert "沒有收錄" in ans.text


@pytest.mark.parametrize("question", ["補助 100", "磨課師 18", "9 小時", "100 元", "3 週 40 人", "課程 補助 磨課師"])
def test_numbers_and_common_words_alone_never_carry_a_match(engine: Engine, question: str) -> None:
    # A figure with a unit or a word every clause shares says nothing of the rule asked about: no calculation, no clause.
    ans = engine.answer(question)
    assert ans.kind == "unknown" and not ans.citations and ans.calculator is None, (question, ans.kind, ans.matched)


def test_common_words_alone_get_suggestions(engine: Engine) -> None:
    ans = engine.answer("補助")
    assert ans.kind == "unknown" and ans.options and all(o.entry for o in ans.options)


def test_named_school_answers_from_that_document_only(engine: Engine) -> None:
    for q, doc in (("東華的助教怎麼補助？", "ndhu-elearning"), ("逢甲的助教怎麼補助？", "fcu-mooc-reward"), ("高科大助教怎麼補助", "nkust-mooc")):
        ans = engine.answer(q)
        assert ans.citations and {c.document for c in ans.citations} == {doc}, (q, ans.citations)


def test_ambiguous_question_cites_every_school_and_a_default_school_settles_it(engine: Engine) -> None:
    q = "磨課師課程的智慧財產權歸誰？"
    ans = engine.answer(q)
    assert len({c.document for c in ans.citations}) >= 2
    assert len(ans.options) >= 2
    mine = engine.answer(q, AnswerContext(default_school="ndhu-elearning"))
    assert {c.document for c in mine.citations} == {"ndhu-elearning"}


def test_the_ministry_named_beside_a_university_is_compared_unless_it_names_that_universitys_tier(engine: Engine) -> None:
    # 「教育部磨課師系列計畫」 next to a university whose document has no tier table: both documents are compared.
    both = engine.answer("教育部磨課師系列計畫跟高科大的補助上限差在哪？")
    assert {c.document for c in both.citations} == {"moe-mooc-series", "nkust-mooc"}, both.citations
    # 「教育部錄取課程」 next to the university whose table has that tier: the tier, not the ministry's document.
    tier = engine.answer("逢甲的教育部錄取課程，教學助理怎麼補助？")
    assert {c.document for c in tier.citations} == {"fcu-mooc-reward"}, tier.citations
    # The ministry as the university's matter, nothing compared: the university's document alone.
    matter = engine.answer("If I want Ministry of Education certification for my NDHU course, will the school help?")
    assert {c.document for c in matter.citations} == {"ndhu-elearning"}, matter.citations


def test_a_comparison_of_where_courses_run_cites_each_schools_platform_clause(engine: Engine) -> None:
    ans = engine.answer("教育部磨課師計畫跟高科大，分別規定要在哪裡開課？")
    assert {c.document for c in ans.citations} == {"moe-mooc-series", "nkust-mooc"}, ans.citations
    assert "OpenEdu" in ans.text and "指定" in ans.text


def test_a_comparison_of_figures_cites_the_clause_that_sets_each_schools_rule(engine: Engine) -> None:
    more = engine.answer("逢甲跟高科大的錄製鐘點費誰比較高？")
    cited = {c.document: c.entry for c in more.citations}
    assert cited["fcu-mooc-reward"] == "fcu-table-recording-fee" and "倍" in more.text  # the row of multiples, not its footnote
    each = engine.answer("逢甲跟東華的教學助理名額各怎麼算？")
    assert {c.document: c.entry for c in each.citations}["fcu-mooc-reward"] == "fcu-table-ta-1" and "40" in each.text


def test_a_checklists_lead_item_is_pointed_at_by_the_questions_words_but_not_by_the_documents_title(engine: Engine) -> None:
    # 「教材製作獎勵」 is what FCU's whole document is about: the checklist starts where it starts (the nomination).
    apply = engine.answer("逢甲的教材製作獎勵要怎麼申請？")
    assert apply.citations[0].entry == "fcu-3", apply.citations[:2]
    # 「期中考核」, 「結報」 point at one item of MOE's reporting checklist; the words 要交什麼 help find it.
    assert engine.answer("教育部計畫期中考核要交什麼？").citations[0].entry == "moe-12-2-1"
    assert engine.answer("教育部结报要交什么？").citations[0].entry == "moe-11-2"


def test_words_shared_with_a_title_are_taken_out_whole() -> None:
    from core.engine import _without_words_of

    out = _without_words_of("老師想拿磨課師教材製作獎勵 want the excellence 獎勵", ("逢甲大學磨課師課程教材製作獎勵要點", "guidelines for the excellence award"))
    assert "教材製作獎勵" not in out and "磨課師" not in out and "老師想拿" in out
    assert "excellence" not in out and "want" in out and "the" not in out
    assert _without_words_of("期中要交什麼", ("教育部磨課師系列課程計畫徵件須知",)) == "期中要交什麼"


def test_self_fund_reads_as_self_funding(engine: Engine) -> None:
    ans = engine.answer("How much do we need to self-fund in the MOE MOOC series plan?")
    assert ans.citations and ans.citations[0].entry == "moe-9-1" and "10%" in ans.text


def test_typos_and_chinese_numerals(engine: Engine) -> None:
    ans = engine.answer("高科大磨課帥一學份要上幾小時")
    assert ans.citations and ans.citations[0].entry == "nkust-3"
    calc = engine.answer("高科大線上學習十八小時可以拿幾學分")
    assert calc.kind == "calculation" and calc.result["credits"] == 1
    east = engine.answer("東化遠距課程修課一百二十一人可以有幾位助教")
    assert east.kind == "calculation" and east.result["teaching_assistants"] == 2, (east.kind, east.result)


def test_simplified_question_gets_a_simplified_reply(engine: Engine) -> None:
    ans = engine.answer("高雄科技大学慕课课程要开几周？")
    assert ans.lang == "zh" and ans.citations[0].document == "nkust-mooc"
    # The bot's own words are Simplified; the quote stays verbatim, in the source's Traditional characters.
    quote = ans.citations[0].quote
    assert "课程" in ans.direct and "課程" not in ans.direct
    assert "課程" in quote and f"「{quote}」" in ans.text
    assert "課程" not in ans.text.replace(quote, "").replace(ans.citations[0].title, "")


def test_english_question_gets_the_english_answer(engine: Engine) -> None:
    ans = engine.answer("What is the maximum subsidy per course at NKUST?")
    assert ans.lang == "en" and "140,000" in ans.text and "Source:" in ans.text


def test_ended_documents_say_so_wherever_cited(engine: Engine) -> None:
    moe = engine.answer("教育部磨課師補助經費分幾期撥付？")
    assert moe.citations[0].document == "moe-mooc-series" and "已經結束" in moe.text
    fcu = engine.answer("逢甲磨課師的著作權歸誰？")
    assert fcu.citations[0].document == "fcu-mooc-reward" and "107年7月31日" in fcu.text


def test_nthu_report_states_its_own_disagreement(engine: Engine) -> None:
    ans = engine.answer("清華跟學堂在線第一次合作是哪一年？")
    assert "2014" in ans.text and "2013" in ans.text


def test_a_question_s_figures_reach_the_rule_s_inputs(engine: Engine) -> None:
    ans = engine.answer("高科大學習 20 小時可以拿幾學分？")
    assert ans.kind == "calculation" and ans.calculator == "nkust_credits" and ans.inputs == {"hours": "20"}
    assert ans.result["credits"] == 1 and ans.citations[0].entry == "nkust-3"


def test_each_figure_lives_once_a_changed_fact_changes_the_result(tmp_path: Path) -> None:
    # The rule reads its figures from the entries' verified facts: amend the clause and its fact, and the same
    # question computes with the new figure (no Python constant restates it).
    import shutil

    from bootstrap import engine_from

    copy = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", copy)
    src = copy / "sources" / "nkust-mooc.txt"
    src.write_text(src.read_text(encoding="utf-8").replace("達九小時授予零點五學分", "達八小時授予零點五學分"), encoding="utf-8")
    entries = copy / "entries" / "nkust-mooc.yaml"
    text = entries.read_text(encoding="utf-8").replace("達九小時授予零點五學分", "達八小時授予零點五學分")
    text = text.replace("{name: half_credit_hours, value: 9, unit: hours, text: 達九小時}", "{name: half_credit_hours, value: 8, unit: hours, text: 達八小時}")
    entries.write_text(text, encoding="utf-8")
    before = engine_from(ROOT / "knowledge").run_calculator("nkust_credits", {"hours": "8"})
    after = engine_from(copy).run_calculator("nkust_credits", {"hours": "8"})
    assert before.result["credits"] == 0.2 and after.result["credits"] == 0.5


def test_calculation_missing_a_figure_asks_for_it(engine: Engine) -> None:
    # The course tier decides the hours a week; without it the reply asks for exactly that, and computes nothing.
    ans = engine.answer("逢甲磨課師開 4 週，線上輔導鐘點費總共幾小時？")
    assert ans.kind != "calculation" and ans.needs == ("tier",) and "請再提供：課程等級" in ans.text, (ans.kind, ans.needs)
    assert ans.calculator == "fcu_tutoring_hours" and not ans.result.get("total_hours")
    # With the tier given, the same question is computed: (4 + 2) weeks × 6 hours.
    full = engine.answer("逢甲標竿課程開 4 週，線上輔導鐘點費總共幾小時？")
    assert full.kind == "calculation" and full.result["total_hours"] == 36


def test_tier_upgrade_and_video_hours_questions_run_their_rules(engine: Engine) -> None:
    # The tiers in the order written: former, then new. 12 h × (8 − 6) = 24 hourly fees owed.
    ans = engine.answer("逢甲原本是錄取課程、影片 12 小時，後來獲選標竿課程，可以補多少差額？")
    assert ans.kind == "calculation" and ans.calculator == "fcu_tier_upgrade" and ans.result["recording_difference"] == 24
    # 5 hours is under FCU's 6 to 18 hours (art. 2): a check, not a fee.
    check = engine.answer("逢甲磨課師影片只有 5 小時，符合第二條嗎？")
    assert check.calculator == "fcu_video_hours" and check.result["fcu_total_hours_ok"] is False and "不符合" in check.direct


def test_answers_are_deterministic(engine: Engine) -> None:
    q = "磨課師影片每段要多長？"
    assert engine.answer(q).to_json() == engine.answer(q).to_json()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_gets_a_contract_answer(engine: Engine, text: str) -> None:
    ans = engine.answer(text)
    data = json.loads(json.dumps(ans.to_json(), ensure_ascii=False))
    assert data["kind"] in ("answer", "calculation", "clarify", "unknown", "chat")  # the contract's kinds ("CHINESE" is small talk)
    assert isinstance(data["text"], str) and data["text"]
    if data["kind"] == "chat":  # small talk (knowledge/smalltalk.yaml) cites nothing
        assert not data["citations"]
    else:
        assert (data["kind"] == "unknown") == (not data["citations"]) or data["kind"] == "clarify"


def test_ask_jsonl_keeps_order_and_sessions_in_process(engine: Engine) -> None:
    lines = [
        "高科大學習 9 小時可以拿幾學分？",
        "今天天氣如何",
        json.dumps({"q": "高科大磨課師 9 小時可以拿幾學分？", "session": "a"}, ensure_ascii=False),
        json.dumps({"q": "What is the maximum subsidy per course at NKUST?", "session": "b"}),
        json.dumps({"q": "那 18 小時呢？", "session": "a"}, ensure_ascii=False),
    ]
    out = io.StringIO()
    assert ask_command(engine, [], True, stdin=io.StringIO("\n".join(lines) + "\n"), out=out) == 0
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [r["question"] for r in rows[:2]] == lines[:2] and rows[1]["kind"] == "unknown"
    assert rows[4]["kind"] == "calculation" and "1 學分" in rows[4]["direct"]  # session a's context, across b's turn


class _CountingEngine:
    """A fake that counts the questions the real engine answers (identical lines of a batch are answered once)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.asked: list[str] = []

    def answer(self, question: str, context: AnswerContext | None = None) -> Any:
        self.asked.append(question)
        return self.engine.answer(question, context)

    def converse(self, question: str, *rest: Any) -> Any:
        self.asked.append(question)
        return self.engine.converse(question, *rest)


def _batch() -> list[str]:
    lines = []
    for k in range(6):
        lines += [
            "高科大學習 9 小時可以拿幾學分？",
            json.dumps({"q": f"逢甲標竿課程開 {k + 3} 週，註冊 300 人，線上輔導鐘點總共幾小時？", "session": f"s{k % 3}"}, ensure_ascii=False),
            "今天天氣如何",
            json.dumps({"q": "那 18 小時呢？" if k % 2 else "那 5 週呢？", "session": f"s{k % 3}"}, ensure_ascii=False),
            f"What is the maximum subsidy per course at NKUST? ({k % 2})",
        ]
    return lines


def test_identical_lines_of_a_batch_are_answered_once_and_alike(engine: Engine) -> None:
    fake = _CountingEngine(engine)
    lines = _batch()
    out = io.StringIO()
    assert ask_command(fake, [], True, stdin=io.StringIO("\n".join(lines) + "\n"), out=out) == 0  # type: ignore[arg-type]
    rows = out.getvalue().splitlines()
    assert len(rows) == len(lines)
    assert rows[0] == rows[5] == rows[25]  # the same line, the same answer
    assert fake.asked.count("高科大學習 9 小時可以拿幾學分？") == 1
    turns = sum(1 for line in lines if line.startswith("{"))
    assert len(fake.asked) == turns + 1 + 1 + 2  # every session turn, each distinct plain line once


def test_ask_in_parallel_processes_writes_what_one_process_writes_in_input_order(engine: Engine) -> None:
    lines = _batch()
    one, two = io.StringIO(), io.StringIO()
    assert ask_command(engine, [], True, stdin=io.StringIO("\n".join(lines) + "\n"), out=one) == 0
    assert ask_command(engine, [], True, stdin=io.StringIO("\n".join(lines) + "\n"), out=two, workers=3) == 0
    assert two.getvalue() == one.getvalue()
    rows = [json.loads(x) for x in two.getvalue().splitlines()]
    assert [r["question"] for r in rows] == [json.loads(x)["q"] if x.startswith("{") else x for x in lines]
    assert any("延續上一題" in r["text"] for r in rows)  # sessions kept their context across processes


@pytest.mark.e2e
def test_ask_command_smoke_survives_bad_bytes() -> None:
    """The one subprocess test of `bot.py ask`: real standard input with bytes that are not UTF-8."""
    lines = ["高科大學習 9 小時可以拿幾學分？", "今天天氣如何", "What is the maximum subsidy per course at NKUST?"]
    data = ("\n".join(lines) + "\n").encode() + b"\xff\xfe bad bytes \x00\n"
    run = subprocess.run([sys.executable, "bot.py", "ask", "--json"], cwd=ROOT, input=data, capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr.decode()
    out = [json.loads(x) for x in run.stdout.decode().splitlines() if x.strip()]
    assert [o["question"] for o in out[:3]] == lines
    assert len(out) == 4 and out[1]["kind"] == "unknown"


@pytest.mark.e2e
def test_console_smoke_survives_invalid_utf8_and_control_characters() -> None:
    """The one subprocess test of `bot.py console`."""
    data = "高科大學分怎麼算\n".encode() + b"\xff\xfe\x00\x1b[31m\n" + "/quit\n".encode()
    run = subprocess.run([sys.executable, "bot.py", "console"], cwd=ROOT, input=data, capture_output=True, timeout=120)
    out = run.stdout.decode()
    assert run.returncode == 0 and "出處" in out and "再見" in out


def test_console_chat_answers_and_quits(engine: Engine) -> None:
    out = io.StringIO()
    assert run_console(engine, stdin=io.StringIO("/help\n高科大學分怎麼算\n/school 東華\n/quit\n不會被讀到\n"), out=out) == 0
    text = out.getvalue()
    assert "出處" in text and "預設學校：東華" in text and "再見" in text
    assert "不會被讀到" not in text


def test_calc_command_computes_lists_and_names_bad_parameters(engine: Engine) -> None:
    out = io.StringIO()
    assert calc_command(engine, "fcu_tutoring_hours", ["tier=benchmark", "course_weeks=4", "online_enrolment=300"], True, False, out=out) == 0
    res = json.loads(out.getvalue())
    assert res["kind"] == "calculation" and 36 in res["result"].values() and res["citations"][0]["document"] == "fcu-mooc-reward"
    bad = io.StringIO()
    assert calc_command(engine, "nkust_credits", ["hours=-3"], True, False, out=bad) == 1
    assert json.loads(bad.getvalue())["error"]["param"] == "hours"
    listing = io.StringIO()
    assert calc_command(engine, None, [], False, True, out=listing) == 0
    assert "moe_budget_check" in listing.getvalue() and "subsidy" in listing.getvalue()


@pytest.mark.e2e
def test_calc_command_smoke() -> None:
    """The one subprocess test of `bot.py calc`."""
    run = subprocess.run([sys.executable, "bot.py", "calc", "nkust_credits", "hours=9", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["result"]["credits"] == 0.5


def test_the_extension_clause_says_the_longest_period_in_all(engine: Engine) -> None:
    # One extension of half a year after the 1-year period: 18 months at most, said by the clause's answer.
    ans = engine.answer("東華教材一年內做不完申請延長，總共最長可以做多久？")
    assert ans.citations[0].path[:2] == ("2", "3") and "18 個月" in ans.text


def test_forgetting_recent_questions_changes_no_answer(engine: Engine) -> None:
    q = "高科大磨課師學生每週上 2 小時，開了 4 週，學分是？"
    remembered = engine.answer(q)
    assert engine._matcher._memo_rank and engine._planner._plans and engine._norm._memo_light
    engine.forget_recent()
    assert not engine._matcher._memo_rank and not engine._planner._plans and not engine._norm._memo_light
    assert engine.answer(q) == remembered


@pytest.mark.parametrize("question", ["高科大 9 小時幾學分？", "How many credits for 9 hours at NKUST?", "NKUST: 9 hours, how many credits?"])
def test_a_terse_question_for_one_figure_from_another_is_computed(engine: Engine, question: str) -> None:
    """Only figures and units (「9 小時」「幾學分」), yet one figure is asked from another: the rule applies."""
    ans = engine.answer(question)
    assert ans.kind == "calculation" and ans.inputs.get("hours") == "9" and "0.5" in ans.direct


@pytest.mark.parametrize("question", ["9 小時", "補助 100", "高科大 9 小時"])
def test_figures_and_units_asking_nothing_are_still_not_a_topic(engine: Engine, question: str) -> None:
    assert engine.answer(question).kind != "calculation"


def test_a_question_of_its_own_after_another_schools_calculation_is_not_a_follow_up(engine: Engine) -> None:
    from core.dialogue import EMPTY
    from core.model import AnswerContext

    _, state = engine.converse("逢甲標竿課程開4週，註冊300人，線上輔導鐘點總共幾小時？", AnswerContext(), EMPTY, 100.0)
    ans, _ = engine.converse("How many credits for 9 hours at NKUST?", AnswerContext(), state, 101.0)
    assert ans.kind == "calculation" and "0.5" in ans.direct
    assert not any(n.kind == "carried" for n in ans.notes)  # not 「Same question for NKUST:」


@pytest.mark.parametrize("question, amount", [
    ("高科大錄製 2 小時 10 分鐘的影片，最多可以補助多少錄製費？", "10,833.33"),  # 13/6 h × 5,000 = 10,833.333…
    ("How much recording fee for 3 hours 20 minutes of video at NKUST?", "16,666.67"),  # 10/3 h × 5,000
])
def test_a_duration_in_minutes_gives_the_amount_to_the_nearest_cent(engine: Engine, question: str, amount: str) -> None:
    ans = engine.answer(question)
    assert ans.kind == "calculation" and amount in ans.direct


def test_a_rate_that_restates_the_rules_own_is_no_amount_requested(engine: Engine) -> None:
    ans = engine.answer("高科大錄製 2 小時 10 分鐘的影片，每小時 5000 元，可以補助多少？")
    assert ans.kind == "calculation" and "10,833.33" in ans.direct
    assert set(ans.inputs) == {"video_hours"}  # 「每小時 5000 元」 is the clause's rate, not a fee applied for


@pytest.mark.parametrize("question, inputs, figure", [
    ("NDHU distance course, 3 credits with 54 class hours in total. At least how many hours must be online?", {"total_hours": "54"}, "27"),
    ("東華遠距教學課程 3 學分共 54 小時，至少要幾小時線上？", {"total_hours": "54"}, "27"),
    ("NDHU distance course with one TA: at most how much a semester?", {"tas": "1"}, "30,000"),
    ("東華遠距課程一位助教，一學期最多多少？", {"tas": "1"}, "30,000"),
])
def test_a_count_said_in_words_and_a_total_said_with_its_figure_are_the_askers(engine: Engine, question: str, inputs: dict[str, str], figure: str) -> None:
    # 「一位助教」 and "one TA" count persons (a unit named with 一 otherwise is the rule's: 「一年最多幾門」);
    # 「共 54 小時」 and "54 class hours in total" are the total, not online hours
    ans = engine.answer(question)
    assert ans.kind == "calculation" and dict(ans.inputs) == inputs and figure in ans.direct


@pytest.mark.parametrize("question", ["逢甲標竿課程 300 人，TA 可以有幾個？", "逢甲標竿課程 300 人，助教可以有幾個？"])
def test_a_courses_enrolment_is_no_count_of_assistants_hired(engine: Engine, question: str) -> None:
    # 「標竿課程 300 人」 is the course's students: the TA rule (one per 40), not 300 material assistants recruited
    ans = engine.answer(question)
    assert ans.kind == "calculation" and ans.calculator == "fcu_teaching_assistants" and ans.inputs.get("classroom_students") == "300"
    assert "8" in ans.direct


def test_prepare_answers_the_examples_once_then_forgets_them(kb: KnowledgeBase) -> None:
    from bootstrap import build_engine

    fresh = build_engine(kb)
    asked: list[str] = []
    real = fresh.answer

    def spy(question: str, context: AnswerContext | None = None) -> Answer:
        asked.append(question)
        return real(question, context)

    fresh.answer = spy  # type: ignore[method-assign]
    fresh.prepare()
    fresh.prepare()  # once per engine
    del fresh.answer
    assert kb.smalltalk is not None and set(kb.smalltalk.examples_zh) <= set(asked) and set(kb.smalltalk.examples_en) <= set(asked)
    assert any(to_simplified(q) != q and to_simplified(q) in asked for q in kb.smalltalk.examples_zh)
    assert len(asked) == len(set(asked)) and not fresh._matcher._memo_rank  # what they left in the memos is forgotten
    assert fresh.answer("高科大學習 9 小時可以拿幾學分？").direct == build_engine(kb).answer("高科大學習 9 小時可以拿幾學分？").direct


def test_the_also_line_names_each_clause_once_and_tells_a_table_rows_items_apart(engine: Engine) -> None:
    ans = engine.answer("How many TAs can an FCU course with 130 classroom students have?")
    also = next(line for line in ans.text.splitlines() if line.startswith("Also: "))
    names = also.removeprefix("Also: ").split(", ")
    assert len(names) == len(set(names)) == len(ans.citations[1:4])
    assert ans.citations[0].label not in names  # not the cited clause's shared label again


@pytest.mark.parametrize("question, shown, hidden", [
    ("How many TAs can an FCU course with 130 classroom students have?", "4 teaching assistant", "online tutor"),
    ("逢甲線上註冊 1200 人，線上輔導助教幾名？", "線上輔導助教 3 名", "教學助理"),
])
def test_fcu_tas_for_one_kind_of_student_say_nothing_of_the_other(engine: Engine, question: str, shown: str, hidden: str) -> None:
    # Only classroom students given: no "0 online tutors" (and the other way round)
    ans = engine.answer(question)
    assert ans.kind == "calculation" and shown in ans.direct
    assert hidden not in ans.direct and not any(hidden in step for step in ans.steps)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_guideline_the_clause_writes_as_preferable_is_marked_not_binding_without_misquoting_it(engine: Engine, lang: str) -> None:
    """「長度不超過十分鐘為宜」 is a guideline: the verdict says it is not a hard rule, and never calls it 「為原則」."""
    q = "高科大磨課師一支單元影片錄 15 分鐘可以嗎？" if lang == "zh" else "NKUST MOOC: is a 15-minute unit video OK?"
    ans = engine.answer(q)
    failed = [c for c in ans.checks if not c.passed]
    assert ans.kind == "calculation" and failed and all(c.guideline for c in failed)
    quoted = "".join(c.quote for c in ans.citations)
    assert "為宜" in quoted and "為原則" not in ans.text.replace(quoted, "").replace("每門課程以 2 至 9 週為原則", "")
    assert ("非硬性規定" in ans.text) if lang == "zh" else ("not a hard rule" in ans.text)


@pytest.mark.parametrize("q", ["高科大跟逢甲的錄製鐘點費哪個比較多？", "Which pays more for recording videos, NKUST or FCU?"])
def test_which_is_more_where_a_document_leaves_out_the_rate_says_it_cannot_be_told_and_why(engine: Engine, q: str) -> None:
    ans = engine.answer(q)
    assert {c.document for c in ans.citations} == {"nkust-mooc", "fcu-mooc-reward"}
    fcu = "逢甲" if ans.lang == "zh" else "FCU"
    verdict = ans.direct.split("比較：" if ans.lang == "zh" else "Compared:")[0]
    assert fcu in verdict and ("無法" in verdict or "cannot be told" in verdict)
    assert ("單價" in verdict) if ans.lang == "zh" else ("hourly rate" in verdict)


def test_a_comparison_that_asks_no_verdict_gets_none(engine: Engine) -> None:
    ans = engine.answer("高科大跟逢甲的錄製鐘點費有什麼不同？")
    assert ans.direct.startswith("比較：") and "無法" not in ans.direct


def test_a_first_sentence_runs_past_an_abbreviation() -> None:
    from core.compose import first_sentence

    assert first_sentence("Up to NT$5,000 an hour (e.g. 30 minutes: NT$2,500). It counts.") == "Up to NT$5,000 an hour (e.g. 30 minutes: NT$2,500)."
    assert first_sentence("每小時至多 5,000 元。另有上限。") == "每小時至多 5,000 元。"


def test_a_traditional_question_opencc_would_change_gets_a_traditional_answer(engine: Engine) -> None:
    ans = engine.answer("請問高科大磨課師的學分可以抵免系上必修嗎")
    assert ans.citations and "學分" in ans.direct and "学分" not in ans.direct


def test_a_school_and_one_of_its_clauses_own_keywords_is_answered_and_a_shared_word_alone_is_not(engine: Engine) -> None:
    """「我想問高科大磨課師的補助」: 補助 is a word many clauses share, but with the school named it is the keyword of that
    school's clause on its subsidies; without a school, or with only a figure, nothing is guessed."""
    ans = engine.answer("我想問高科大磨課師的補助")
    assert ans.kind == "answer" and ans.citations[0].document == "nkust-mooc" and "140,000" in ans.text
    assert engine.answer("補助").kind == "unknown"
    assert engine.answer("高科大 100").kind == "unknown"


@pytest.mark.parametrize("q", ["Which universities does this bot cover?", "哪些學校？", "涵蓋哪些文件"])
def test_asking_what_the_bot_covers_gets_its_documents_not_a_clause(engine: Engine, q: str) -> None:
    ans = engine.answer(q)
    assert ans.kind == "chat" and not ans.citations


def test_an_english_enrolment_after_the_word_tas_is_the_enrolment(engine: Engine) -> None:
    ans = engine.answer("NDHU: how many TAs can a distance course with 130 students have, and how much money per semester?")
    assert ans.kind == "calculation" and ans.inputs.get("enrolment") == "130" and "tas" not in ans.inputs


@pytest.mark.parametrize("q, said", [
    ("高科大跟東華的錄製鐘點費哪個比較多？", "高科大的上限較高"),
    ("Which pays more for recording, NKUST or NDHU?", "NKUST's cap is higher"),
])
def test_which_is_more_of_two_figures_per_the_same_thing_names_the_higher_with_both_figures_quoted(
        engine: Engine, q: str, said: str) -> None:
    """高科大 「每小時至多支給新臺幣五千元」 against 東華 「以每小時1,000元計」: both per hour, so the verdict names the higher,
    says it is a cap (「至多」), and quotes each figure as its clause writes it."""
    ans = engine.answer(q)
    assert {c.document for c in ans.citations} == {"nkust-mooc", "ndhu-elearning"}
    assert ans.direct.startswith(("依條文數字", "By the figures"))
    verdict = ans.direct.split("比較：" if ans.lang == "zh" else "Compared:")[0]
    assert said in verdict and "五千元" in verdict and "1,000元" in verdict


def test_which_is_more_of_figures_per_different_things_gives_no_verdict(engine: Engine) -> None:
    # 東華: TAs per course (「每門課程最多 2 位」); 逢甲: one per 40 students: not comparable as they stand
    ans = engine.answer("東華跟逢甲的助教哪個比較多")
    assert {c.document for c in ans.citations} == {"ndhu-elearning", "fcu-mooc-reward"}
    assert "依條文數字" not in ans.direct and "較多" not in ans.direct.split("比較：")[0]


def test_what_a_figure_is_per() -> None:
    from core.engine import _per

    assert _per("每小時至多支給新臺幣五千元") == "小時" and _per("以每小時1,000元計") == "小時"
    assert _per("每一位至多") == "人" and _per("每 40 位學生") == "" and _per("補助新臺幣十萬元") == ""


def test_figures_are_set_side_by_side_only_when_each_clause_states_one_per_the_same_thing() -> None:
    from core.engine import side_by_side
    from core.schema import Fact

    hour_a = Fact(name="a", value=5000, unit="TWD", text="每小時至多五千元")
    hour_b = Fact(name="b", value=1000, unit="TWD", text="以每小時1,000元計")
    course = Fact(name="c", value=140000, unit="TWD", text="每門課程補助十四萬元")
    month = Fact(name="d", value=6000, unit="TWD", text="每月新台幣陸仟元")
    assert side_by_side([(hour_a,), (hour_b, course)]) == [hour_a, hour_b]
    assert side_by_side([(hour_a,), (course,)]) == [] and side_by_side([(month,), (hour_b,)]) == []
    assert side_by_side([(hour_a, hour_b), (hour_b,)]) == []  # two per hour in one clause: which is meant is unknown


@pytest.mark.parametrize("q, clause", [
    ("逢甲的錄製鐘點費", "附表：教材錄製鐘點費"),
    ("逢甲錄製鐘點費的錢從哪裡來？", "附表：教材錄製鐘點費 備註2."),
    ("逢甲錄製鐘點費什麼時候發", "附表：教材錄製鐘點費 備註1."),
    # Not a row of a table: a summary's part still leads; and a question saying more than the topic gets the remark
    ("清大是從什麼時候開始做磨課師的", "摘要：發展"),
    ("逢甲線上註冊 1,200 人，線上輔導助教可以補幾名？", "附表：教學助理 2."),
])
def test_a_question_naming_only_a_table_rows_topic_gets_the_row_not_one_of_its_remarks(engine: Engine, q: str, clause: str) -> None:
    """The row (8, 6 and 4 times the hourly fee) answers 「逢甲的錄製鐘點費」; a remark split out of it (where the money
    comes from), shorter and so scoring higher on the same words, answers only when the question asks what it says."""
    ans = engine.answer(q)
    assert ans.citations[0].clause == clause


@pytest.mark.parametrize("q, document, clause", [
    ("清華去北京開會的心得報告是在講什麼", "nthu-beijing-2016", "摘要"),
    ("What is the NTHU report about?", "nthu-beijing-2016", "摘要"),
    ("高科大的磨課師要點在講什麼", "nkust-mooc", "一、"),
    ("逢甲那個獎勵要點大概在講啥", "fcu-mooc-reward", "第一條"),
])
def test_what_a_whole_document_is_about_is_its_overview_entry(engine: Engine, q: str, document: str, clause: str) -> None:
    """The entry documents.yaml names as the document's overview (a report's summary, a guideline's purpose); it cited
    the report's cover (who wrote it)."""
    ans = engine.answer(q)
    assert ans.kind == "answer" and (ans.citations[0].document, ans.citations[0].clause) == (document, clause)


@pytest.mark.parametrize("q, clause", [
    ("教育部磨課師系列課程的執行重點是什麼？", "六、"),  # the key points of carrying it out, not the call's purpose
    ("逢甲助教的工作內容是什麼", "附表"),
])
def test_a_question_on_a_topic_inside_a_document_is_not_its_overview(engine: Engine, q: str, clause: str) -> None:
    ans = engine.answer(q)
    assert all(c.clause not in ("一、", "二、", "第一條") for c in ans.citations[:1])
    assert not ans.citations or ans.citations[0].clause.startswith(clause)


@pytest.mark.parametrize("q, clause, figure", [
    ("教育部磨課師計畫的人事費可以佔多少比例", "九、(二)2.(1)", "60%"),
    ("NKUST: how much is the MOOC excellence award?", "四、(二)2.", "30,000"),
])
def test_a_clause_stating_the_figure_in_the_unit_asked_leads(engine: Engine, q: str, clause: str, figure: str) -> None:
    """「佔多少比例」 asks for a percentage: 人力薪資 at most 60% of the subsidy leads over the clause allowing a PI's fee,
    which matched 人事費 a little better but states no share."""
    ans = engine.answer(q)
    assert ans.citations[0].clause == clause and figure in ans.text


@pytest.mark.parametrize("q, clause", [
    ("逢甲 SPOC 錄取課程的教學研究計畫獎勵多少錢", "附表：教學研究計畫"),  # the row has the column: blank, no such award
    ("逢甲第二次執行的教育部磨課師，錄製鐘點費怎麼給？", "附表：教材錄製鐘點費 備註3."),  # the remark the words pick out
])
def test_a_table_column_asked_is_answered_from_the_row_unless_a_remark_is_what_is_asked(engine: Engine, q: str, clause: str) -> None:
    ans = engine.answer(q)
    assert ans.citations[0].clause == clause


def test_a_schools_award_asked_by_another_name_is_that_schools_award(engine: Engine) -> None:
    """高科大 calls it 磨課師卓越獎; a teacher asking for its 「優良課程獎」 gets it (it was told the guidelines do not
    mention it, while 東華's excellent-course reward was offered instead)."""
    ans = engine.answer("高科大磨課師的優良課程獎可以拿多少")
    assert ans.kind == "answer" and ans.citations[0].clause == "四、(二)2." and "30,000" in ans.text


@pytest.mark.parametrize("question, hours, credits", [
    ("高科大磨課師開 6 週，每週線上學習 2 小時，可以拿幾學分？", "12 小時", "0.5 學分"),
    ("NKUST: a MOOC runs 9 weeks and each week counts as 2 learning hours. How many credits can it award?", "18 hours", "1 credit"),
])
def test_weeks_given_with_hours_are_counted_as_the_regulation_counts_them(engine: Engine, question: str, hours: str, credits: str) -> None:
    """高科大 二、(一)2. counts every week as 2 learning hours: 「開 6 週，每週線上學習 2 小時」 is 12 hours (0.5 credit),
    not 2 hours (no credit); the reading is stated."""
    ans = engine.answer(question)
    assert ans.kind == "calculation" and hours in ans.direct and credits in ans.direct
    assert any(n.kind == "reading" for n in ans.notes) or "2 learning hours" in question


@pytest.mark.parametrize("question, title", [
    ("高科大課程結束要交什麼", "高科大：授課後的成果發表與資料保存"),
    ("東華課程結束要交什麼？", "東華：授課後的成果報告與評鑑"),
    ("高科大磨課師要準備什麼", "高科大：申請磨課師課程補助要準備的事項與步驟"),
])
def test_what_to_hand_in_when_the_course_ends_is_the_after_teaching_checklist(engine: Engine, question: str, title: str) -> None:
    """「課程結束要交什麼」 is asked after teaching: the checklist for then, not the application's (which a question
    naming no phase still gets)."""
    assert engine.answer(question).direct == title
