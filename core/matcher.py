"""Rank knowledge entries for a question: fuzzy similarity to their questions plus a BM25-style inverted index of character
bigrams (only the entries sharing a term with the question are scored)."""

from __future__ import annotations

import math
import re
from array import array
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from core.kb import KnowledgeBase
from core.normalize import Normaliser
from core.schema import Entry

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z][a-z0-9\-]+")
_DATE = re.compile(r"(?<!\d)(?:\d+\s*年\s*\d+\s*月(?:\s*\d+\s*日)?|\d+\s*[./-]\s*\d+\s*[./-]\s*\d+)")  # (?<!\d): one try per run of digits, linear
_DIGITS = re.compile(r"[\d.,:/%$-]+")
_ORDINAL = re.compile(r"第 ?(10|[1-9]) ?(?=[\u3400-\u9fff])")  # 「第1期」, 「第 2 期」: an ordinal before what it counts
_ORDINAL_WORDS = "〇一二三四五六七八九十"
# A figure with its unit (「9 小時」, "100 people"): no evidence of what is asked about.
_UNITS = re.compile(r"\d[\d.,]*\s*(?:個)?(?:小時|分鐘|週|周|人|元|萬|個月|月|門|位|名|學分|天|日|年|次)(?![\u4e00-\u9fff])|\d[\d.,]*\s*(?:hours?|weeks?|people|ntd?|credits?)\b")
# Single characters that only glue a sentence together (removed on both sides, so both are cut the same way).
_GLUE = "的了嗎呢吧啊呀喔哦嘛麼要是在和與及或會能還都也就該把讓幾哪誰什怎啦我你他們這那些？?，,。.!！、；;：:「」『』（）()【】《》〈〉~～…·“”\"'"

# Words that contain a glue character but mean something here: kept whole.
_KEEP = ("目的", "要點", "要求", "是否", "會議", "委員會", "能力", "可能", "何時", "哪一年", "什麼時候", "在線", "能量", "自我", "其他")
_HIDE = {w: chr(0xE000 + i) for i, w in enumerate(_KEEP)}  # private-use placeholders while glue is removed
_GLUE_TABLE = str.maketrans({**{c: " " for c in _GLUE}, **{v: k for k, v in _HIDE.items()}})
MEMO = 512  # recent questions whose stripped text, terms and rankings are kept (several steps of an answer ask again)
RANK_MEMO_LIMIT = 40  # a remembered ranking is at least this long
RANK_MEMO = 1024  # rankings remembered (a few megabytes)
COVER_MEMO = 8  # questions whose cover over every document is kept (a ranking for one school, then for all)
FUZZY_POOL = 60  # entries compared by fuzzy similarity: the best covered ones
FUZZY_FALLBACK = 400  # at most this many when the question shares no indexed term, whatever the knowledge base's size
FALLBACK_POSTINGS = 20_000  # and at most this many character postings read to choose them
LONG_MESSAGE = 30  # characters: a longer message is also scored sentence by sentence
MAX_PIECES = 12
_SENTENCES = re.compile(r"[，。？！；,.?!;\n]+")
FUZZY_FLOOR = 0.2  # a weaker resemblance than this is noise

# Weights of the score's parts and the acceptance threshold (tuned on tests/data/questions.jsonl with scripts/evaluate.py).
W_COVER = 0.5  # BM25 over bigrams, normalised to 0..1 by the question's own best possible score
THRESHOLD = 0.26
OOV_PENALTY = 0.08  # added to the threshold for each character or English word the knowledge base never uses
SPECIFIC_IDF = 2.0  # a matched term this rare is evidence; common words (補助, 課程) alone are not
HEADING_FACTOR = 0.88  # a grouping heading yields to the sub-point that says the same thing
BARE_TOPIC = 8  # characters: a question this short, once stripped, names a topic and says nothing of a table row's remarks
FIELD_TF = {"title": 3.0, "keywords": 2.0, "questions": 2.0, "answer": 1.0, "quote": 1.0}
K1 = 1.2
B = 0.6
UNKNOWN_BIGRAM_IDF = 1.5  # a bigram the knowledge base never uses is mostly a join of two words (要多, 久內)

_LETTERS = re.compile(r"[a-z]+")
_SEP = "\x1f"  # between an entry's fuzzy choices (normalised text holds no control character)


def _grams(text: str) -> list[str]:
    """What the fuzzy fallback indexes: every character (a shared space is a resemblance too, if the faintest), and
    every pair of English letters within a word."""
    out = list(text)
    for w in _LETTERS.findall(text):
        out.extend(w[i : i + 2] for i in range(len(w) - 1))
    return out


def _per_entry(idx: np.ndarray, n: int, *weights: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The distinct entries of a concatenation of posting lists (ascending) and each weight summed per entry, in input
    order. A few postings among many entries are sorted; otherwise counted in one pass over an array of all entries
    (a memset, far cheaper than sorting as many postings)."""
    if idx.size * 16 < n:
        cand, inv = np.unique(idx, return_inverse=True)
        return cand, [np.bincount(inv, weights=w, minlength=cand.size) for w in weights]
    cand = np.flatnonzero(np.bincount(idx, minlength=n))
    return cand, [np.bincount(idx, weights=w, minlength=n)[cand] for w in weights]


class Scored(NamedTuple):
    """One entry's score for a question, with the parts that made it (a named tuple: rankings make many of them)."""

    entry: Entry
    document: str
    score: float
    cover: float
    fuzzy: float
    specific: float  # IDF mass of matched terms that are not common words


@dataclass(frozen=True)
class _Covered:
    """A question's BM25 cover over every document: its best possible cover (`total`), the candidate entries (indices
    ascending) with their cover and specific IDF mass, and the fuzzy similarities worked out so far (entry → value)."""

    total: float
    cand: np.ndarray
    cover: np.ndarray
    specific: np.ndarray
    fuzzy: dict[int, float]


class Matcher:
    """Index built once per knowledge base; `rank` is pure and deterministic (ties broken by entry id).

    Candidates come from an inverted index: only the entries on the posting lists of the question's terms are
    scored, so an answer costs what those lists hold, not the number of entries. A question that shares no indexed
    term with any entry is compared by fuzzy similarity with at most FUZZY_FALLBACK entries, chosen by the
    characters (and English letter pairs) they share with it.
    """

    def __init__(self, kb: KnowledgeBase, normaliser: Normaliser):
        self.threshold = THRESHOLD
        self.w_cover = W_COVER
        self.oov_penalty = OOV_PENALTY
        self.specific_idf = SPECIFIC_IDF
        self.kb = kb
        self.norm = normaliser
        stop = sorted(normaliser.stopwords, key=len, reverse=True)
        self._stop_re = re.compile("|".join(re.escape(w) for w in stop if len(w) > 1 and not w.isascii()) or r"(?!x)x")
        self._stop_ascii = {w for w in stop if w.isascii()}
        self._memo_strip: dict[str, str] = {}
        self._memo_terms: dict[str, tuple[str, ...]] = {}
        self._memo_choices: dict[int, list[str]] = {}
        self._memo_rank: dict[tuple[str, tuple[str, ...] | None], tuple[list[Scored], bool]] = {}
        self._memo_cover: dict[tuple[tuple[str, ...], str], _Covered] = {}
        entries = kb.entries
        self.entries = entries
        self.doc_of = [kb.entry_document[e.id] for e in entries]
        # Postings gathered flat (term number, entry, weighted frequency) and laid out per term below.
        slot: dict[str, int] = {}
        post_term = array("i")
        post_entry = array("i")
        post_freq = array("d")
        lengths: list[float] = []
        chars: set[str] = set()
        words: set[str] = set()
        normalised: list[list[str]] = []  # per entry: its questions and titles, normalised (for fuzzy matching)
        for i, e in enumerate(entries):
            fields = {
                "title": [e.title, e.title_en],
                # A row of a table carries its clause label, which names the table (「表一：4月25日下午」: a question
                # about 表一 finds its rows).
                "keywords": list(e.keywords) + list(e.aliases) + ([e.clause] if e.cells or e.row_label else []),
                "questions": list(e.questions_zh) + list(e.questions_en),
                "answer": [e.answer_zh, e.answer_en],
                "quote": [e.quote],
            }
            flat = [t for texts in fields.values() for t in texts]
            done = iter(self.norm.base_many(flat))  # one pass of the normaliser per entry
            tf: dict[str, float] = defaultdict(float)
            for name, texts in fields.items():
                parts = [next(done) for _ in texts]
                if name == "title":
                    normalised.append(list(parts))
                elif name == "questions":
                    normalised[-1].extend(parts)
                text = " ".join(parts)
                chars.update("".join(_CJK_RUN.findall(text)))
                words.update(_WORD.findall(text))
                for t in self._terms(self._strip(text)):
                    tf[t] += FIELD_TF[name]
            lengths.append(sum(tf.values()))
            for t, w in tf.items():
                post_term.append(slot.setdefault(t, len(slot)))
                post_entry.append(i)
                post_freq.append(w)
        self.kb_chars = frozenset(chars)
        self.kb_words = frozenset(words)
        avg = sum(lengths) / len(lengths) if lengths else 1.0
        self.norm_len = [K1 * (1 - B + B * n / avg) for n in lengths]
        n = len(entries)
        # Per term, contiguous: the entries that use it (ascending) and their weighted frequencies.
        terms_of = np.frombuffer(post_term, dtype=np.int32) if post_term else np.zeros(0, dtype=np.int32)
        order = np.argsort(terms_of, kind="stable")
        index_type = np.uint16 if n <= 1 << 16 else np.int32  # entry numbers: half the memory up to 65,536 entries
        self._post_idx = (np.frombuffer(post_entry, dtype=np.int32)[order] if post_entry else np.zeros(0, dtype=np.int32)).astype(index_type)
        freq = np.frombuffer(post_freq, dtype=np.float64)[order] if post_freq else np.zeros(0)
        # Weighted frequencies are small whole numbers (sums of FIELD_TF): kept in two bytes each, not the eight of
        # the BM25 part computed from them when a question reads them (exactly the same value).
        small = freq.astype(np.uint16)
        self._post_freq = small if np.array_equal(small, freq) else freq
        self._norm_len = np.array(self.norm_len)
        self._offsets = np.zeros(len(slot) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms_of, minlength=len(slot)), out=self._offsets[1:])
        self._term_slot = slot
        df = np.diff(self._offsets)
        self.idf = {t: math.log((n + 1) / (int(df[k]) + 0.5)) for t, k in slot.items()}
        # A clause with sub-clauses (a heading, a table, a form, a summary split into parts) yields to a sub-clause that fits as well.
        parents = {(kb.entry_document[e.id], e.path[:k]) for e in entries for k in range(1, len(e.path))}
        self._heading = np.array([HEADING_FACTOR if e.heading or (kb.entry_document[e.id], e.path) in parents else 1.0 for e in entries])
        doc_numbers: dict[str, int] = {}
        self._doc_num = np.array([doc_numbers.setdefault(d, len(doc_numbers)) for d in self.doc_of], dtype=np.int32)
        self._doc_number = doc_numbers
        self._doc_entries = {d: np.flatnonzero(self._doc_num == k) for d, k in doc_numbers.items()}
        self._doc_filters: dict[tuple[str, ...], np.ndarray] = {}
        self._order = sorted(range(n), key=lambda i: entries[i].id)  # for deterministic ties
        self._rank_of_id = np.empty(n, dtype=np.int64)
        for r, i in enumerate(self._order):
            self._rank_of_id[i] = r
        # Fuzzy choices: every stored question and title, normalised, pointing at its entry.
        self._entry_choices: list[str] = []  # per entry, joined by _SEP (one object instead of a dozen)
        gram_slot: dict[str, int] = {}
        gram_term = array("i")
        gram_entry = array("i")
        for i, e in enumerate(entries):
            mine = tuple(_DIGITS.sub("", self._strip(self.norm.without_schools(q))) or e.id for q in normalised[i])
            self._entry_choices.append(_SEP.join(mine))
            grams: set[str] = set()
            for s in mine:
                grams.update(_grams(s))
            for g in grams:
                gram_term.append(gram_slot.setdefault(g, len(gram_slot)))
                gram_entry.append(i)
        # The entries whose choices hold each character (and English letter pair), for the bounded fuzzy fallback.
        grams_of = np.frombuffer(gram_term, dtype=np.int32) if gram_term else np.zeros(0, dtype=np.int32)
        g_order = np.argsort(grams_of, kind="stable")
        self._gram_idx = (np.frombuffer(gram_entry, dtype=np.int32)[g_order] if gram_entry else np.zeros(0, dtype=np.int32)).astype(index_type)
        self._gram_offsets = np.zeros(len(gram_slot) + 1, dtype=np.int64)
        np.cumsum(np.bincount(grams_of, minlength=len(gram_slot)), out=self._gram_offsets[1:])
        self._gram_slot = gram_slot

    def __getstate__(self) -> dict[str, Any]:
        """What is pickled (core/cache.py): everything but the memos of recent questions."""
        state = dict(self.__dict__)
        state["_memo_strip"], state["_memo_terms"], state["_memo_choices"], state["_memo_rank"], state["_memo_cover"] = {}, {}, {}, {}, {}
        return state

    def forget(self) -> None:
        """Clear what is remembered of recent questions (not the entries' split choices: those are the index's)."""
        for memo in (self._memo_strip, self._memo_terms, self._memo_rank, self._memo_cover):
            memo.clear()

    def strip(self, text: str) -> str:
        """Remove stopwords and glue characters, keep content words (school names are already gone)."""
        memo = self._memo_strip  # the same question is stripped by several steps of an answer
        done = memo.get(text)
        if done is None:
            if len(memo) >= MEMO:
                memo.clear()
            done = memo[text] = self._strip(text)
        return done

    def _strip(self, text: str) -> str:
        t = self._stop_re.sub(" ", _DATE.sub(" ", text))
        for word, mark in _HIDE.items():
            if word in t:
                t = t.replace(word, mark)
        t = t.translate(_GLUE_TABLE)
        return " ".join(w for w in t.split() if w not in self._stop_ascii)

    def terms(self, text: str) -> list[str]:
        """Lexical terms: CJK character bigrams (a lone character as itself) and English words; numbers are left out."""
        memo = self._memo_terms
        done = memo.get(text)
        if done is None:
            if len(memo) >= MEMO:
                memo.clear()
            done = memo[text] = tuple(self._terms(self.strip(text)))
        return list(done)

    def _terms(self, t: str) -> list[str]:
        """The terms of stripped text. An ordinal written with a digit is a word: 「第1期」 has the terms of 「第一期」
        (numbers are otherwise left out, and would leave only 「第」 and 「期加」 of 「第1期加第2期」)."""
        if "第" in t:
            t = _ORDINAL.sub(lambda m: "第" + _ORDINAL_WORDS[int(m.group(1))], t)
        out: list[str] = []
        for run in _CJK_RUN.findall(t):
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
        out.extend(w for w in _WORD.findall(t) if w not in self._stop_ascii)
        return out

    def rank(self, content: str, documents: tuple[str, ...] | None = None, limit: int = 10) -> list[Scored]:
        """Score entries (only those of `documents` when given) for normalised question content. A long message (context,
        then the question) is also scored sentence by sentence, and each entry keeps its best score.

        Recent rankings are remembered (the steps of an answer, and a conversation's follow-ups, rank the same text
        for the same schools again). A ranking is computed at least RANK_MEMO_LIMIT long: entries are ordered by score,
        then id, so a shorter ranking is the first entries of a longer one."""
        key = (content, documents)
        hit = self._memo_rank.get(key)
        if hit is not None and (len(hit[0]) >= limit or hit[1]):
            return hit[0][:limit]
        longest = max(limit, RANK_MEMO_LIMIT)
        ranked = self._ranked(content, documents, longest)
        if len(self._memo_rank) >= RANK_MEMO:
            self._memo_rank.clear()
        self._memo_rank[key] = (ranked, len(ranked) < longest)  # (ranking, complete: every entry that scores is in it)
        return ranked[:limit]

    def _ranked(self, content: str, documents: tuple[str, ...] | None, limit: int) -> list[Scored]:
        whole = self._rank(content, documents, limit)
        if len(content) <= LONG_MESSAGE or (whole and whole[0].score >= self.threshold + 0.1):
            return whole
        parts = [p.strip() for p in _SENTENCES.split(content) if len(p.strip()) >= 4]
        if len(parts) < 2:
            return whole
        pieces = parts + [f"{a} {b}" for a, b in zip(parts, parts[1:])]
        best: dict[str, Scored] = {s.entry.id: s for s in whole}
        for piece in pieces[:MAX_PIECES]:
            for s in self._rank(piece, documents, limit):
                if s.entry.id not in best or s.score > best[s.entry.id].score:
                    best[s.entry.id] = s
        ordered = sorted(best.values(), key=lambda s: (-s.score, s.entry.id))
        return ordered[:limit]

    def _rank(self, content: str, documents: tuple[str, ...] | None = None, limit: int = 10) -> list[Scored]:
        query = self._query(content)
        return self._score(*query, documents, limit) if query is not None else []

    def _query(self, content: str) -> tuple[list[str], str] | None:
        """What a text is scored by: its terms (each once) and its stripped form; None when it has neither."""
        q_terms = list(dict.fromkeys(self.terms(content)))
        stripped = self.strip(content)
        return (q_terms, stripped) if q_terms or stripped else None

    def _score(self, q_terms: list[str], stripped: str, documents: tuple[str, ...] | None, limit: int) -> list[Scored]:
        """The scoring: BM25 cover over the candidates of the inverted index, fuzzy similarity for the best of them."""
        covered = self._covered(q_terms, stripped)
        total, cand, cover, specific = covered.total, covered.cand, covered.cover, covered.specific
        allowed = self._allowed(documents)
        if allowed is not None and cand.size:
            keep = allowed[self._doc_num[cand]]
            cand, cover, specific = cand[keep], cover[keep], specific[keep]
        plain = _DIGITS.sub("", stripped)
        fuzzy = np.zeros(cand.size)
        if plain:
            if cand.size:
                pos = np.arange(cand.size)
                if cand.size > FUZZY_POOL:
                    pos = np.argpartition(-cover, FUZZY_POOL)[:FUZZY_POOL]
                    pos.sort()
                fuzzy[pos] = self._fuzzy_of(plain, cand[pos], covered.fuzzy)
            else:
                cand = self._fallback(plain, documents, allowed)
                cover = specific = np.zeros(cand.size)
                fuzzy = self._fuzzy(plain, cand)
        c = np.minimum(1.0, cover / total)
        score = (self.w_cover * c + (1 - self.w_cover) * fuzzy) * self._heading[cand]
        live = np.flatnonzero((cover > 0) | (fuzzy > 0))
        if live.size == 0:
            return []
        # Best first; equal scores in entry-id order.
        best = live[np.lexsort((self._rank_of_id[cand[live]], -score[live]))[:limit]]
        entries, doc_of = self.entries, self.doc_of
        out = [
            Scored(entries[i], doc_of[i], sc, cv, fz, sp)
            for i, sc, cv, fz, sp in zip(cand[best].tolist(), score[best].tolist(), c[best].tolist(), fuzzy[best].tolist(), specific[best].tolist())
        ]
        return self._parent_first(out) if len(plain.replace(" ", "")) <= BARE_TOPIC else out

    def _parent_first(self, ranked: list[Scored]) -> list[Scored]:
        """A clause with parts yields to a part that fits as well (HEADING_FACTOR) — but a table row does not yield to one
        of its own remarks when the question only names the topic (BARE_TOPIC): when the row matches the question's rare
        words as much as the remark and resembles the question more (「某校的錄製鐘點費」: the row, not its remark on where
        the money comes from),
        and would have scored higher but for that factor, the row ties the part and comes first."""
        if len(ranked) < 2:
            return ranked
        top = ranked[0]
        doc, path = top.document, top.entry.path
        for k, s in enumerate(ranked[1:], 1):
            e = s.entry
            if (s.document == doc and len(e.path) < len(path) and path[:len(e.path)] == e.path and not e.heading
                    and e.row_label and e.row_label == top.entry.row_label and s.specific >= top.specific and s.fuzzy > top.fuzzy and s.score / HEADING_FACTOR > top.score):
                return [s._replace(score=top.score), *ranked[:k], *ranked[k + 1:]]
        return ranked

    def _covered(self, q_terms: list[str], stripped: str) -> _Covered:
        """The question's BM25 cover of every entry on its terms' posting lists, whatever the documents a ranking is
        restricted to (a ranking for one school and one for all score the same question: the second keeps the
        first's cover, and the fuzzy similarities it worked out)."""
        key = (tuple(q_terms), stripped)
        memo = self._memo_cover
        done = memo.get(key)
        if done is not None:
            return done
        q_idf = {t: self.idf.get(t, UNKNOWN_BIGRAM_IDF) for t in q_terms}
        total = sum(q_idf.values()) * (K1 + 1) or 1.0
        # Candidates: the entries on the posting lists of the question's terms, each list read once.
        slots: list[int] = []
        weights: list[float] = []
        for t in q_terms:
            k = self._term_slot.get(t)
            if k is not None:
                slots.append(k)
                weights.append(q_idf[t])
        if slots:
            ks = np.array(slots)
            lo = self._offsets[ks]
            lens = self._offsets[ks + 1] - lo
            w = np.array(weights)
            # The terms' posting lists one after another (several ranges gathered at once), each posting weighted by
            # its term's IDF; summed per entry in the order of the question's terms (np.bincount adds in input order).
            pos = np.arange(int(lens.sum())) + np.repeat(lo - (np.cumsum(lens) - lens), lens)
            cand, (cover, specific) = _per_entry(
                self._post_idx[pos], len(self.entries), np.repeat(w, lens) * self._tf(pos), np.repeat(np.where(w >= self.specific_idf, w, 0.0), lens)
            )
        else:
            cand = np.zeros(0, dtype=np.int32)
            cover = specific = np.zeros(0)
        if len(memo) >= COVER_MEMO:
            memo.clear()
        done = memo[key] = _Covered(total, cand, cover, specific, {})
        return done

    def _fuzzy_of(self, plain: str, entries: np.ndarray, known: dict[int, float]) -> np.ndarray:
        """`_fuzzy` of the entries, those already compared with this question taken from `known` (which is updated)."""
        wanted = entries.tolist()
        missing = [i for i in wanted if i not in known]
        if missing:
            known.update(zip(missing, self._fuzzy(plain, np.array(missing, dtype=np.int64)).tolist()))
        return np.array([known[i] for i in wanted])

    def _tf(self, pos: np.ndarray) -> np.ndarray:
        """The BM25 term-frequency part of the postings at `pos`."""
        freq: np.ndarray = self._post_freq[pos].astype(np.float64)
        out: np.ndarray = freq * (K1 + 1) / (freq + self._norm_len[self._post_idx[pos]])
        return out

    def _allowed(self, documents: tuple[str, ...] | None) -> np.ndarray | None:
        """Per document number: whether a ranking restricted to `documents` keeps it (None: every document)."""
        if not documents:
            return None
        key = tuple(sorted(documents))
        allowed = self._doc_filters.get(key)
        if allowed is None:
            allowed = np.zeros(len(self._doc_number), dtype=bool)
            allowed[[self._doc_number[d] for d in key if d in self._doc_number]] = True
            if len(self._doc_filters) < 1024:
                self._doc_filters[key] = allowed
        return allowed

    def _choices_of(self, i: int) -> list[str]:
        """An entry's questions and titles, normalised as for fuzzy matching (split once while in use)."""
        memo = self._memo_choices
        done = memo.get(i)
        if done is None:
            if len(memo) >= 4 * MEMO:
                memo.clear()
            done = memo[i] = self._entry_choices[i].split(_SEP)
        return done

    def _fuzzy(self, plain: str, entries: np.ndarray) -> np.ndarray:
        """Per entry (ascending indices): its best fuzzy similarity to the question, 0 below FUZZY_FLOOR."""
        if entries.size == 0:
            return np.zeros(0)
        choices: list[str] = []
        starts: list[int] = []
        memo = self._memo_choices
        for i in entries.tolist():
            starts.append(len(choices))
            choices += memo.get(i) or self._choices_of(i)
        sims = process.cdist([plain], choices, scorer=fuzz.ratio, dtype=np.uint8)[0]
        best = np.maximum.reduceat(sims, starts).astype(np.float64) / 100.0
        best[best < FUZZY_FLOOR] = 0.0
        return best

    def _fallback(self, plain: str, documents: tuple[str, ...] | None, allowed: np.ndarray | None) -> np.ndarray:
        """Entries to compare by fuzzy similarity when no indexed term is shared: at most FUZZY_FALLBACK of them.

        An entry that shares no character with the question has similarity 0, so these are the entries sharing the
        most characters and English letter pairs (weighted by rarity; the rarest read first, at most FALLBACK_POSTINGS
        postings in all, so a character every entry has is skipped in a large knowledge base). When the named
        documents are small enough, all their entries. On a knowledge base of fewer than FUZZY_FALLBACK entries this
        compares every entry that could resemble the question, as scoring them all would.
        """
        if documents is not None and allowed is not None:
            mine = [self._doc_entries[d] for d in dict.fromkeys(documents) if d in self._doc_entries]
            if sum(m.size for m in mine) <= FUZZY_FALLBACK:
                return np.sort(np.concatenate(mine)) if mine else np.zeros(0, dtype=np.int32)
        n = len(self.entries)
        lists = sorted(
            (int(self._gram_offsets[k + 1] - self._gram_offsets[k]), k) for g in set(_grams(plain)) if (k := self._gram_slot.get(g)) is not None
        )
        idx_parts: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        read = 0
        for df, k in lists:
            if read + df > FALLBACK_POSTINGS:
                break
            read += df
            idx_parts.append(self._gram_idx[self._gram_offsets[k] : self._gram_offsets[k + 1]])
            weights.append(np.full(df, math.log((n + 1) / (df + 0.5))))
        if not idx_parts:
            return np.zeros(0, dtype=np.int32)
        cand, (shared,) = _per_entry(np.concatenate(idx_parts), n, np.concatenate(weights))
        if allowed is not None:
            keep = allowed[self._doc_num[cand]]
            cand, shared = cand[keep], shared[keep]
        if cand.size > FUZZY_FALLBACK:
            cand = np.sort(cand[np.lexsort((cand, -shared))[:FUZZY_FALLBACK]])
        return cand

    def oov(self, content: str) -> int:
        """How many characters and English words of the question the knowledge base never uses."""
        t = self.strip(content)
        n = sum(1 for c in set("".join(_CJK_RUN.findall(t))) if c not in self.kb_chars)
        n += sum(1 for w in set(_WORD.findall(t)) if len(w) > 2 and w not in self.kb_words)
        return n

    def best_elsewhere(self, content: str, document: str) -> float:
        """An upper bound of the score `rank(content)` can give an entry of any other document than `document`,
        worked out from the question's cover alone (no fuzzy similarity: taken as 1; a heading's factor: taken as 1):
        a ranking over every document need not be computed when the named document's best clause is close enough
        to this. A long message's sentences are scored on their own words: any score up to 1."""
        if len(content) > LONG_MESSAGE:
            return 1.0
        query = self._query(content)
        if query is None:
            return 0.0  # nothing is ranked
        covered = self._covered(*query)
        cover = covered.cover
        k = self._doc_number.get(document)
        if k is not None and cover.size:
            cover = cover[self._doc_num[covered.cand] != k]
        c = min(1.0, float(cover.max()) / covered.total) if cover.size else 0.0
        return self.w_cover * c + (1 - self.w_cover)

    def has_topic(self, content: str, s: Scored) -> bool:
        """False when the question is only figures, units and a word or two every clause shares (「補助 100」, 「9 小時」)."""
        plain = _DIGITS.sub(" ", _UNITS.sub(" ", self.strip(content)))
        if len(plain.replace(" ", "")) >= 3:
            return True
        return any(self.idf.get(t, 0.0) >= self.specific_idf for t in self.terms(plain))

    def confident(self, s: Scored, oov: float = 0) -> bool:
        """A match we stand behind: above the threshold (raised for unknown words) and resting on specific words."""
        return s.score >= self.threshold + self.oov_penalty * oov and (s.specific > 0 or s.fuzzy >= 0.75)

    def oov_weight(self, content: str) -> float:
        """Unknown words weigh less in a long message (context around a question) than in a short one."""
        n = len(_CJK_RUN.findall(self.strip(content)) and "".join(_CJK_RUN.findall(self.strip(content))))
        return self.oov(content) * min(1.0, 16 / max(1, n))
