"""The matcher's inverted index: the same ranking as scoring every entry densely, and a bounded fuzzy fallback."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rapidfuzz import fuzz, process

import core.matcher as matcher_module
from core.engine import Engine
from core.kb import KnowledgeBase
from core.matcher import _DIGITS, FUZZY_FALLBACK, FUZZY_FLOOR, FUZZY_POOL, K1, UNKNOWN_BIGRAM_IDF, Matcher
from core.normalize import Normaliser

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [json.loads(line)["q"] for line in (ROOT / "tests" / "data" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
NO_TERM = ["嗨", "😀😀😀", "asdfqwer zxcv", "ㄅㄆㄇㄈ", "wat is teh purpse of teh guidlines", "？？？"]


def dense_rank(m: Matcher, content: str, documents: tuple[str, ...] | None, limit: int) -> list[tuple[str, float, float, float, float]]:
    """The ranking as the matcher computed it before it had candidates: every entry scored, the fuzzy fallback over
    every entry (of the documents asked for) when none shares a term."""
    q_terms = list(dict.fromkeys(m.terms(content)))
    stripped = m.strip(content)
    if not q_terms and not stripped:
        return []
    n = len(m.entries)
    q_idf = {t: m.idf.get(t, UNKNOWN_BIGRAM_IDF) for t in q_terms}
    total = sum(q_idf.values()) * (K1 + 1) or 1.0
    cover = np.zeros(n)
    specific = np.zeros(n)
    for t in q_terms:
        k = m._term_slot.get(t)
        if k is None:
            continue
        lo, hi = m._offsets[k], m._offsets[k + 1]
        idx = m._post_idx[lo:hi]
        freq = m._post_freq[lo:hi].astype(np.float64)  # the BM25 term-frequency part, computed as at build time
        cover[idx] += q_idf[t] * (freq * (K1 + 1) / (freq + np.array(m.norm_len)[idx]))
        if q_idf[t] >= m.specific_idf:
            specific[idx] += q_idf[t]
    mask = np.array([d in documents for d in m.doc_of]) if documents else np.ones(n, dtype=bool)
    plain = _DIGITS.sub("", stripped)
    fuzzy = np.zeros(n)
    if plain:
        pool = np.flatnonzero((cover > 0) & mask)
        if pool.size > FUZZY_POOL:
            pool = pool[np.argpartition(-cover[pool], FUZZY_POOL)[:FUZZY_POOL]]
        elif pool.size == 0:
            pool = np.flatnonzero(mask)
        for i in pool:
            sims = process.cdist([plain], m._choices_of(i), scorer=fuzz.ratio, dtype=np.uint8)[0]
            best = float(sims.max()) / 100.0
            fuzzy[i] = best if best >= FUZZY_FLOOR else 0.0
    c = np.minimum(1.0, cover / total)
    score = (m.w_cover * c + (1 - m.w_cover) * fuzzy) * m._heading
    cand = np.flatnonzero(((cover > 0) | (fuzzy > 0)) & mask)
    order = np.lexsort((m._rank_of_id[cand], -score[cand]))[:limit]
    return [(m.entries[i].id, float(score[i]), float(c[i]), float(fuzzy[i]), float(specific[i])) for i in cand[order]]


def ranked(m: Matcher, content: str, documents: tuple[str, ...] | None, limit: int) -> list[tuple[str, float, float, float, float]]:
    """The ranking of one text (`rank` also ranks a long message's sentences one by one, each through `_rank`)."""
    return [(s.entry.id, s.score, s.cover, s.fuzzy, s.specific) for s in m._rank(content, documents, limit)]


@pytest.fixture(scope="module")
def parts(kb: KnowledgeBase) -> tuple[Normaliser, Matcher]:
    norm = Normaliser(kb.glossary, kb.institutions)
    return norm, Matcher(kb, norm)


def test_inverted_index_ranks_every_evaluation_question_as_dense_scoring(parts: tuple[Normaliser, Matcher]) -> None:
    norm, m = parts
    compared = 0
    for q in QUESTIONS + NO_TERM:
        nq = norm.question(q)
        content = nq.content or nq.text
        for documents, limit in ((nq.schools or None, 40), (None, 3)):
            assert ranked(m, content, documents, limit) == dense_rank(m, content, documents, limit), (q, documents)
            compared += 1
    assert compared == 2 * (len(QUESTIONS) + len(NO_TERM))


def test_the_bound_on_other_documents_is_never_below_their_best_score(parts: tuple[Normaliser, Matcher]) -> None:
    """`best_elsewhere` lets the engine skip ranking every document for a question about one school: it must be at
    least the best score `rank` gives any entry of another document, for every question and every document (long
    messages included, whose sentences are ranked on their own), and it must be tight enough to be of use."""
    norm, m = parts
    documents = sorted(set(m.doc_of))
    useful = 0
    context = "我們系上老師最近在討論很多事情，大家意見很多，行政流程也很複雜。"  # a long message: its last sentence is the question
    for q in QUESTIONS + NO_TERM + [context + q for q in QUESTIONS[100:140]]:
        nq = norm.question(q)
        content = nq.content or nq.text
        ranking = m.rank(content, None, limit=len(m.entries))
        for doc in documents:
            best = max((s.score for s in ranking if s.document != doc), default=0.0)
            bound = m.best_elsewhere(content, doc)
            assert best <= bound, (q, doc, best, bound)
            useful += bound < 1.0
    assert useful > len(QUESTIONS)  # most short questions are bounded below 1


class _CountingProcess:
    """rapidfuzz's `process`, counting the stored questions each fuzzy comparison reads."""

    def __init__(self) -> None:
        self.compared: list[int] = []

    def cdist(self, queries: Any, choices: list[str], **kwargs: Any) -> Any:
        self.compared.append(len(choices))
        return process.cdist(queries, choices, **kwargs)


def _scaled(kb: KnowledgeBase, copies: int) -> KnowledgeBase:
    """The knowledge base with every entry repeated `copies` times under new ids (in memory)."""
    entries = list(kb.entries)
    entry_document = dict(kb.entry_document)
    for k in range(1, copies):
        for e in kb.entries:
            new = dataclasses.replace(e, id=f"{e.id}-x{k}")
            entries.append(new)
            entry_document[new.id] = kb.entry_document[e.id]
    return KnowledgeBase(
        documents=kb.documents, entries=tuple(entries), glossary=kb.glossary, sources=kb.sources, entry_document=entry_document,
        by_id={e.id: e for e in entries}, rules=kb.rules, institutions=kb.institutions,
    )


@pytest.fixture(scope="module")
def scaled(kb: KnowledgeBase) -> tuple[Normaliser, Matcher]:
    big = _scaled(kb, 4)
    norm = Normaliser(big.glossary, big.institutions)
    return norm, Matcher(big, norm)


@pytest.mark.parametrize("question", NO_TERM)
def test_a_question_sharing_no_term_compares_a_bounded_number_of_entries(
    scaled: tuple[Normaliser, Matcher], question: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    norm, m = scaled
    counting = _CountingProcess()
    monkeypatch.setattr(matcher_module, "process", counting)
    nq = norm.question(question)
    content = nq.content or nq.text
    assert not any(t in m._term_slot for t in m.terms(content))  # no indexed term: the fallback
    m.rank(content, None, 40)
    largest = sorted(len(m._choices_of(i)) for i in range(len(m.entries)))[-FUZZY_FALLBACK:]
    stored = sum(len(m._choices_of(i)) for i in range(len(m.entries)))
    assert sum(counting.compared) <= sum(largest) < stored  # at most FUZZY_FALLBACK entries, far from all
    if not any(ch in m.kb_chars or ch.isascii() for ch in question):
        assert counting.compared == []  # nothing shares a character: nothing to compare


def test_the_fallback_is_bounded_whatever_the_size(kb: KnowledgeBase, scaled: tuple[Normaliser, Matcher], monkeypatch: pytest.MonkeyPatch) -> None:
    counting = _CountingProcess()
    monkeypatch.setattr(matcher_module, "process", counting)
    _, big = scaled
    norm = Normaliser(kb.glossary, kb.institutions)
    small = Matcher(kb, norm)
    content = norm.question("wat is teh purpse of teh guidlines").content
    big._memo_rank.clear()  # a ranking another test remembered would compare nothing
    small.rank(content, None, 40)
    big.rank(content, None, 40)
    at_1x, at_4x = counting.compared
    assert len(big.entries) == 4 * len(small.entries)
    assert at_4x <= at_1x * 1.5  # four times the entries, not four times the comparisons


def test_a_named_school_without_shared_terms_is_compared_with_its_own_entries(parts: tuple[Normaliser, Matcher]) -> None:
    norm, m = parts
    nq = norm.question("高科大 asdfqwer")
    assert nq.schools
    for s in m.rank(nq.content or nq.text, nq.schools, 40):
        assert s.document in nq.schools


def test_english_words_for_disbursement_read_as_the_chinese_term(parts: tuple[Normaliser, Matcher]) -> None:
    """「paid out」 and 撥款 mean 撥付 (the MOE instalments clause's word); 「paid」 alone (a fee paid) is left as written."""
    norm, m = parts
    canon = norm.base("撥付")
    for text in ("paid out", "pay out", "disbursed", "disbursement", "撥款"):
        assert norm.base(text) == canon, text
    assert canon not in norm.base("the fee is paid after production")
    assert canon in m.terms(norm.question("How is the MOE subsidy paid out?").content)


def test_words_with_a_glue_character_that_mean_something_are_kept_whole(parts: tuple[Normaliser, Matcher]) -> None:
    _, m = parts
    assert "要求" in m.strip("磨課師課程又有什麼要求")  # 要 is glue elsewhere; a requirement is a word
    assert "要" not in m.strip("要準備什麼")


def test_a_table_named_by_its_label_finds_its_rows(kb: KnowledgeBase) -> None:
    # 「4月25號」 is written 「4月25日」 in the report; the rows of 表一 carry its label.
    norm = Normaliser(kb.glossary, kb.institutions)
    assert norm.base("4月25號下午") == norm.base("4月25日下午") and norm.base("第3號") == "第3號"
    m = Matcher(kb, norm)
    q = norm.question("北京會議報告的表一行程，4月25號下午去拜訪誰？")
    assert m.rank(q.content, q.schools, limit=1)[0].entry.path[0] == "表一"


def test_a_table_row_is_indexed_with_its_clause_label(kb: KnowledgeBase) -> None:
    # The row's clause 「表一：4月25日下午」 names its table: indexed with the keywords' weight, beyond the answer's mention.
    norm = Normaliser(kb.glossary, kb.institutions)
    m = Matcher(kb, norm)
    row = next(i for i, e in enumerate(m.entries) if e.id == "nthu-table1-0425")
    k = m._term_slot["表一"]
    lo, hi = int(m._offsets[k]), int(m._offsets[k + 1])
    weights = {int(m._post_idx[p]): float(m._post_freq[p]) for p in range(lo, hi)}
    assert weights.get(row, 0.0) >= 3.0


def test_a_remembered_ranking_is_the_ranking_and_its_shorter_forms_are_its_first_entries(parts: tuple[Normaliser, Matcher]) -> None:
    norm, m = parts
    for q in ("高科大學分怎麼算", "東華遠距教學課程老師多久內要回覆學生問題？", "補助經費可以用在哪些項目"):
        content = norm.question(q).content
        m._memo_rank.clear()
        fresh = {limit: m.rank(content, None, limit) for limit in (1, 3, 40, 60)}
        again = {limit: m.rank(content, None, limit) for limit in (60, 40, 3, 1)}  # from memory
        assert again == fresh and fresh[3] == fresh[40][:3] and fresh[1] == fresh[60][:1]
        mine = m.rank(content, (fresh[1][0].document,), 5)
        assert all(s.document == fresh[1][0].document for s in mine)  # the schools are part of what is remembered


def test_a_ranking_for_one_school_and_one_for_all_compare_each_entry_once(parts: tuple[Normaliser, Matcher], monkeypatch: pytest.MonkeyPatch) -> None:
    """The two rankings of one question (its school's clauses, then every document's) share the cover and the fuzzy
    similarities the first worked out; each still equals dense scoring."""
    norm, m = parts
    seen: list[int] = []
    real = m._fuzzy

    def spy(plain: str, entries: np.ndarray) -> np.ndarray:
        seen.extend(entries.tolist())
        return real(plain, entries)

    monkeypatch.setattr(m, "_fuzzy", spy)
    for q in ("高科大線上學習 9 小時可以拿幾學分？", "東華的課程可以申請幾個助教？", "逢甲標竿課程的線上輔導鐘點怎麼算"):
        m.forget()
        seen.clear()
        nq = norm.question(q)
        for documents, limit in ((nq.schools, 40), (None, 3), (nq.schools, 40)):
            assert ranked(m, nq.content, documents, limit) == dense_rank(m, nq.content, documents, limit)
        assert seen and len(seen) == len(set(seen)), q


@pytest.mark.parametrize("digits, words", [("第1期加第2期一共", "第一期加第二期一共"), ("第 3 期款", "第三期款"), ("第10屆", "第十屆")])
def test_an_ordinal_written_with_a_digit_has_the_terms_of_the_word(parts: tuple[Normaliser, Matcher], digits: str, words: str) -> None:
    """「第1期」 is the word 「第一期」 (the instalment), not a number to leave out: without this, 「第1期加第2期」 keeps only
    「第」 and 「期加」 of what it asks about."""
    norm, m = parts
    assert m.terms(norm.base(digits)) == m.terms(norm.base(words))
    assert "一期" in m.terms(norm.base("第1期")) and "第12期" not in m.terms(norm.base("第12期"))


def test_the_first_two_instalments_asked_with_digits_are_the_instalment_rule(engine: Engine) -> None:
    ans = engine.answer("教育部系列計畫核定 200 萬，第 1 期跟第 2 期合計可以領多少？")
    assert ans.kind == "calculation" and ans.citations[0].document == "moe-mooc-series" and ans.citations[0].clause == "十一、(一)2."
    assert "NT$1,800,000" in ans.text
