"""knowledge/conversation.yaml (procedures, definitions) and knowledge/smalltalk.yaml: the data the conversation features use."""

from __future__ import annotations

import re

import pytest

from core.engine import Engine
from core.kb import KnowledgeBase, _number_tokens
from core.normalize import Normaliser
from lang.textnorm import fold, looks_simplified, to_traditional, unify_variants


# --- procedures -----------------------------------------------------------------------------------


def test_every_regulation_has_an_application_checklist(kb: KnowledgeBase) -> None:
    regulations = {d.id for d in kb.documents.values() if d.role != "report"}
    applying = {p.document for p in kb.conversation.procedures if "怎麼申請" in p.triggers and "how do i apply" in p.triggers}
    assert applying == regulations
    # Several checklists per document: applying, after approval, reporting.
    assert len(kb.conversation.procedures) >= 2 * len(regulations)
    ids = [p.id for p in kb.conversation.procedures]
    assert len(ids) == len(set(ids))


def test_checklists_cover_what_the_issue_names(kb: KnowledgeBase) -> None:
    by_doc: dict[str, set[str]] = {}
    for p in kb.conversation.procedures:
        by_doc.setdefault(p.document, set()).update(i.entry for i in p.items)
    # NDHU: the three forms, the committees, the deadline, production within a year, the report afterwards.
    assert {"ndhu-2-1-1", "ndhu-2-1-3", "ndhu-att5-2-1", "ndhu-att5-2-3", "ndhu-2-1-4", "ndhu-2-3-1", "ndhu-4-2"} <= by_doc["ndhu-elearning"]
    # NKUST: the call, the committee, one year to produce, three runs, the first run as a general course, results.
    assert {"nkust-4-1-1", "nkust-4-3", "nkust-5-1", "nkust-5-2", "nkust-5-5"} <= by_doc["nkust-mooc"]
    # FCU: recommendation, materials plan, advisory committee, requests under the table.
    assert {"fcu-3", "fcu-4"} <= by_doc["fcu-mooc-reward"]
    # MOE: by school, one series one proposal, needs analysis and expert review, online application, formats, platforms.
    assert {"moe-8-3", "moe-8-3-1", "moe-8-4", "moe-8-5", "moe-8-6", "moe-7-1"} <= by_doc["moe-mooc-series"]


def test_every_figure_of_a_checklist_item_is_in_its_clause(kb: KnowledgeBase) -> None:
    wrong = []
    for p in kb.conversation.procedures:
        for item in p.items:
            quote = kb.by_id[item.entry].quote
            in_quote = _number_tokens(quote)
            # Annex and clause labels (附件二, 五、) are names, not figures.
            text = re.sub(r"NT\$|附件\s*[一二三四五六七八九十\d~]+|[一二三四五六七八九十]+、|圖\s*\d", "", item.zh)
            for number in _number_tokens(text):
                if number not in in_quote:
                    wrong.append(f"{p.id}: {number} of {item.zh!r} is not in {item.entry}")
    assert wrong == []


def test_checklist_items_are_written_in_both_languages(kb: KnowledgeBase) -> None:
    for p in kb.conversation.procedures:
        assert any(re.search(r"[\u4e00-\u9fff]", t) for t in p.triggers) and any(t.isascii() for t in p.triggers), p.id
        for item in p.items:
            assert item.zh and item.en and not looks_simplified(item.zh), (p.id, item.entry)
            assert re.search(r"[\u4e00-\u9fff]", item.en) is None or "附件" in item.en or "、" in item.en, (p.id, item.en)


# --- definitions ----------------------------------------------------------------------------------

TERMS = ["磨課師", "磨課師一般課程", "磨課師學分課程", "磨課師自學課程", "遠距教學課程", "數位學習課程", "SPOC", "標竿課程", "錄取課程", "系列課程", "新南向系列課程", "O2O", "學堂在線", "中國大學MOOC"]
UNDEFINED = {"數位學習課程", "SPOC", "標竿課程", "錄取課程", "系列課程", "學堂在線", "中國大學MOOC"}


def test_the_terms_users_ask_about_are_there(kb: KnowledgeBase) -> None:
    terms = {d.term_zh for d in kb.conversation.definitions}
    assert set(TERMS) <= terms
    undefined = {d.term_zh for d in kb.conversation.definitions if d.undefined_zh}
    assert UNDEFINED <= undefined
    assert "磨課師一般課程" not in undefined and "新南向系列課程" not in undefined and "O2O" not in undefined


def test_every_clause_of_a_definition_names_its_term(kb: KnowledgeBase) -> None:
    for d in kb.conversation.definitions:
        assert d.entries, d.term_zh
        names = [fold(n).lower() for n in (d.term_zh, *d.aliases)]
        for entry in d.entries:
            quote = fold(kb.by_id[entry].quote).lower()
            assert any(n in quote for n in names), f"{entry} does not name {d.term_zh}"


def test_an_undefined_term_says_so_in_both_languages(kb: KnowledgeBase) -> None:
    for d in kb.conversation.definitions:
        assert bool(d.undefined_zh) == bool(d.undefined_en), d.term_zh
        if d.undefined_zh:
            assert "沒有" in d.undefined_zh and re.search(r"\b(not|without|no)\b", d.undefined_en), d.term_zh


# --- small talk -----------------------------------------------------------------------------------

PHRASES = {
    "greeting": ["你好", "您好", "嗨", "哈囉", "早安", "午安", "晚安", "hi", "hello", "hey", "你好呀", "安安"],
    "thanks": ["謝謝", "感謝", "謝啦", "3q", "thx", "thanks", "thank you", "多謝"],
    "bye": ["再見", "掰掰", "bye", "下次見", "先這樣"],
    "who": ["你是誰", "你是什麼", "who are you", "你是機器人嗎"],
    "capabilities": ["你可以做什麼", "你會什麼", "能幫我什麼", "what can you do", "help", "幫助", "說明"],
    "howto": ["怎麼用", "如何使用", "使用方法", "how do i use this"],
    "ack": ["好的", "好", "了解", "知道了", "ok", "okay", "收到", "👌", "👍", "嗯", "喔"],
    "emoji": ["😀", "🙏", "❤️"],
    "laugh": ["哈哈", "笑死", "lol"],
}


@pytest.fixture(scope="module")
def norm(kb: KnowledgeBase) -> Normaliser:
    return Normaliser(kb.glossary)


def test_small_talk_has_every_kind_and_phrase(kb: KnowledgeBase) -> None:
    assert kb.smalltalk is not None
    kinds = {k.id: k for k in kb.smalltalk.kinds}
    assert set(PHRASES) <= set(kinds)
    for kind, phrases in PHRASES.items():
        assert set(phrases) <= set(kinds[kind].phrases), kind


def test_no_phrase_is_of_two_kinds(kb: KnowledgeBase, norm: Normaliser) -> None:
    assert kb.smalltalk is not None
    owner: dict[str, str] = {}
    for kind in kb.smalltalk.kinds:
        for phrase in kind.phrases:
            key = norm.base(phrase)
            assert owner.setdefault(key, kind.id) == kind.id, f"{phrase!r}: {owner[key]} and {kind.id}"


def test_small_talk_replies_state_no_rule(kb: KnowledgeBase) -> None:
    assert kb.smalltalk is not None
    for kind in kb.smalltalk.kinds:
        assert kind.reply_zh and kind.reply_en, kind.id
        assert not looks_simplified(kind.reply_zh), kind.id
        # A figure would be a rule stated without its clause.
        assert not re.search(r"\d|NT\$|新臺幣|萬元", kind.reply_zh + kind.reply_en), kind.id


def test_emoji_phrases_are_emoji_only(kb: KnowledgeBase) -> None:
    assert kb.smalltalk is not None
    emoji = next(k for k in kb.smalltalk.kinds if k.id == "emoji")
    for phrase in emoji.phrases:
        assert not re.search(r"[\w]", phrase), phrase


EXAMPLE_DOCS = ["nkust-mooc", "nkust-mooc", "fcu-mooc-reward", "ndhu-elearning", "moe-mooc-series", "ndhu-elearning"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_example_questions_are_answered_from_their_school(kb: KnowledgeBase, engine: Engine, lang: str) -> None:
    assert kb.smalltalk is not None
    examples = kb.smalltalk.examples_zh if lang == "zh" else kb.smalltalk.examples_en
    assert len(examples) == len(EXAMPLE_DOCS)
    for question, doc in zip(examples, EXAMPLE_DOCS):
        ans = engine.answer(question)
        assert ans.kind in ("answer", "calculation"), (question, ans.kind)
        assert ans.citations and ans.citations[0].document == doc, (question, [c.entry for c in ans.citations])


@pytest.mark.parametrize("text", ["👍😂", "🙏", "嗨", "謝謝！", "好的", "thanks"])
def test_small_talk_is_chat_without_citations(engine: Engine, text: str) -> None:
    ans = engine.answer(text)
    assert ans.kind == "chat" and not ans.citations


@pytest.mark.parametrize("text", ["宿舍怎麼申請", "高科大宿舍怎麼申請？"])
def test_applying_for_something_the_documents_never_deal_with_gets_no_checklist(engine: Engine, text: str) -> None:
    assert engine.answer(text).kind == "unknown"


# --- the engine on this data: a checklist or a definition only when that is what is asked ----------


def _title(kb: KnowledgeBase, pid: str) -> str:
    return next(p.title_zh for p in kb.conversation.procedures if p.id == pid)


@pytest.mark.parametrize(
    "question, procedure, first",
    [
        ("我想在東華開磨課師耶，要準備哪些東西啊？", "ndhu-apply", "ndhu-2-1-1"),
        ("我是高科大老師，想申請磨課師補助，流程是什麼？", "nkust-apply", "nkust-4-1-1"),
        ("教育部磨课师计划结报要交什么？", "moe-reporting", "moe-11-2"),  # the item the question points at comes first
        ("高科大磨課師課程獎勵怎麼申請、獎什麼？", "nkust-award", "nkust-4-2-1"),
    ],
)
def test_a_checklist_question_gets_the_checklist(kb: KnowledgeBase, engine: Engine, question: str, procedure: str, first: str) -> None:
    ans = engine.answer(question)
    assert unify_variants(to_traditional(ans.direct)) == unify_variants(_title(kb, procedure))
    assert ans.citations[0].entry == first
    assert {c.entry for c in ans.citations} == {i.entry for p in kb.conversation.procedures if p.id == procedure for i in p.items}


@pytest.mark.parametrize(
    "question, entry",
    [
        ("東華申請流程裡，數位學習授課規劃表是附件幾？", "ndhu-att5-2-2"),
        ("教育部磨課師推動計畫管理系統的帳號要怎麼申請？", "moe-14"),
        ("逢甲這個獎勵要點修正要經過哪些程序？", "fcu-9"),
    ],
)
def test_a_question_on_one_clause_is_not_answered_with_a_checklist(kb: KnowledgeBase, engine: Engine, question: str, entry: str) -> None:
    ans = engine.answer(question)
    assert ans.direct not in {p.title_zh for p in kb.conversation.procedures}
    assert ans.citations[0].entry == entry


def test_a_term_no_document_defines_is_said_to_be_undefined(kb: KnowledgeBase, engine: Engine) -> None:
    spoc = next(d for d in kb.conversation.definitions if d.term_zh == "SPOC")
    ans = engine.answer("SPOC 是什麼？")
    # Cited: the clause listed for the term (the tier table), or one of its sub-clauses.
    listed = kb.by_id[spoc.entries[0]].path
    assert ans.direct == spoc.undefined_zh and kb.by_id[ans.citations[0].entry].path[: len(listed)] == listed
    assert engine.answer("What is a SPOC?").direct == spoc.undefined_en


@pytest.mark.parametrize("question", ["外校生修高科大磨課師學分課程，規定是什麼？", "教育部磨課師系列課程的執行重點是什麼？"])
def test_a_question_about_rules_on_a_term_is_not_a_definition(kb: KnowledgeBase, engine: Engine, question: str) -> None:
    ans = engine.answer(question)
    assert ans.direct not in {d.undefined_zh for d in kb.conversation.definitions}
    assert ans.citations and ans.citations[0].entry not in {"nkust-2-2-2", "moe-8-3-2"}
