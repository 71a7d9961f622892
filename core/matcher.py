"""Rank knowledge entries for a question: fuzzy similarity to their questions plus a BM25-style index of character bigrams."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from core.kb import KnowledgeBase
from core.normalize import Normaliser
from core.schema import Entry

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z][a-z0-9\-]+")
_DATE = re.compile(r"(?<!\d)(?:\d+\s*年\s*\d+\s*月(?:\s*\d+\s*日)?|\d+\s*[./-]\s*\d+\s*[./-]\s*\d+)")  # (?<!\d): one try per run of digits, linear
_DIGITS = re.compile(r"[\d.,:/%$-]+")
# A figure with its unit (「9 小時」, "100 people"): no evidence of what is asked about.
_UNITS = re.compile(r"\d[\d.,]*\s*(?:個)?(?:小時|分鐘|週|周|人|元|萬|個月|月|門|位|名|學分|天|日|年|次)(?![\u4e00-\u9fff])|\d[\d.,]*\s*(?:hours?|weeks?|people|ntd?|credits?)\b")
# Single characters that only glue a sentence together (removed on both sides, so both are cut the same way).
_GLUE = "的了嗎呢吧啊呀喔哦嘛麼要是在和與及或會能還都也就該把讓幾哪誰什怎啦我你他們這那些？?，,。.!！、；;：:「」『』（）()【】《》〈〉~～…·“”\"'"

# Words that contain a glue character but mean something here: kept whole.
_KEEP = ("目的", "要點", "是否", "會議", "委員會", "能力", "可能", "何時", "哪一年", "什麼時候", "在線", "能量", "自我", "其他")
_HIDE = {w: chr(0xE000 + i) for i, w in enumerate(_KEEP)}  # private-use placeholders while glue is removed
_GLUE_TABLE = str.maketrans({**{c: " " for c in _GLUE}, **{v: k for k, v in _HIDE.items()}})
FUZZY_POOL = 60
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
FIELD_TF = {"title": 3.0, "keywords": 2.0, "questions": 2.0, "answer": 1.0, "quote": 1.0}
K1 = 1.2
B = 0.6
UNKNOWN_BIGRAM_IDF = 1.5  # a bigram the knowledge base never uses is mostly a join of two words (要多, 久內)


@dataclass(frozen=True)
class Scored:
    """One entry's score for a question, with the parts that made it."""

    entry: Entry
    document: str
    score: float
    cover: float
    fuzzy: float
    specific: float  # IDF mass of matched terms that are not common words


class Matcher:
    """Index built once per knowledge base; `rank` is pure and deterministic (ties broken by entry id)."""

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
        entries = kb.entries
        self.entries = entries
        self.doc_of = [kb.entry_document[e.id] for e in entries]
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        lengths: list[float] = []
        chars: set[str] = set()
        words: set[str] = set()
        normalised: list[list[str]] = []  # per entry: its questions and titles, normalised (for fuzzy matching)
        for i, e in enumerate(entries):
            fields = {
                "title": [e.title, e.title_en],
                "keywords": list(e.keywords) + list(e.aliases),
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
                for t in self.terms(text):
                    tf[t] += FIELD_TF[name]
            lengths.append(sum(tf.values()))
            for t, w in tf.items():
                postings[t][i] = w
        self.postings = dict(postings)
        self.kb_chars = frozenset(chars)
        self.kb_words = frozenset(words)
        avg = sum(lengths) / len(lengths) if lengths else 1.0
        self.norm_len = [K1 * (1 - B + B * n / avg) for n in lengths]
        n = len(entries)
        self.idf = {t: math.log((n + 1) / (len(p) + 0.5)) for t, p in self.postings.items()}
        # Per term: the entries that use it and the BM25 term-frequency part, as arrays.
        self._post_idx: dict[str, np.ndarray] = {}
        self._post_tf: dict[str, np.ndarray] = {}
        norm_len = np.array(self.norm_len)
        for t, p in self.postings.items():
            idx = np.fromiter(p.keys(), dtype=np.int64, count=len(p))
            freq = np.fromiter(p.values(), dtype=np.float64, count=len(p))
            self._post_idx[t] = idx
            self._post_tf[t] = freq * (K1 + 1) / (freq + norm_len[idx])
        # A clause with sub-clauses (a heading, a table, a form, a summary split into parts) yields to a sub-clause that fits as well.
        parents = {(kb.entry_document[e.id], e.path[:k]) for e in entries for k in range(1, len(e.path))}
        self._heading = np.array([HEADING_FACTOR if e.heading or (kb.entry_document[e.id], e.path) in parents else 1.0 for e in entries])
        self._doc_arr = np.array(self.doc_of)
        self._order = sorted(range(n), key=lambda i: entries[i].id)  # for deterministic ties
        self._rank_of_id = np.empty(n, dtype=np.int64)
        for r, i in enumerate(self._order):
            self._rank_of_id[i] = r
        # Fuzzy choices: every stored question and title, normalised, pointing at its entry.
        self._choices: list[str] = []
        self._choice_entry: list[int] = []
        starts: list[int] = []
        for i, e in enumerate(entries):
            starts.append(len(self._choices))
            for q in normalised[i]:
                s = _DIGITS.sub("", self.strip(self.norm.without_schools(q))) or e.id
                self._choices.append(s)
                self._choice_entry.append(i)
        self._choice_starts = np.array(starts, dtype=np.int64)
        self._choice_ends = np.array(starts[1:] + [len(self._choices)], dtype=np.int64)
        self._doc_masks: dict[tuple[str, ...], np.ndarray] = {}

    def strip(self, text: str) -> str:
        """Remove stopwords and glue characters, keep content words (school names are already gone)."""
        t = self._stop_re.sub(" ", _DATE.sub(" ", text))
        for word, mark in _HIDE.items():
            if word in t:
                t = t.replace(word, mark)
        t = t.translate(_GLUE_TABLE)
        return " ".join(w for w in t.split() if w not in self._stop_ascii)

    def terms(self, text: str) -> list[str]:
        """Lexical terms: CJK character bigrams (a lone character as itself) and English words; numbers are left out."""
        t = self.strip(text)
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
        then the question) is also scored sentence by sentence, and each entry keeps its best score."""
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
        q_terms = list(dict.fromkeys(self.terms(content)))
        stripped = self.strip(content)
        if not q_terms and not stripped:
            return []
        n = len(self.entries)
        q_idf = {t: self.idf.get(t, UNKNOWN_BIGRAM_IDF) for t in q_terms}
        total = sum(q_idf.values()) * (K1 + 1) or 1.0
        cover = np.zeros(n)
        specific = np.zeros(n)
        for t in q_terms:
            idx = self._post_idx.get(t)
            if idx is None:
                continue
            w_idf = q_idf[t]
            cover[idx] += w_idf * self._post_tf[t]
            if w_idf >= self.specific_idf:
                specific[idx] += w_idf
        plain = _DIGITS.sub("", stripped)
        fuzzy = np.zeros(n)
        mask = self._mask(documents)
        if plain:
            pool = np.flatnonzero(cover > 0) if mask is None else np.flatnonzero((cover > 0) & mask)
            if pool.size > FUZZY_POOL:
                pool = pool[np.argpartition(-cover[pool], FUZZY_POOL)[:FUZZY_POOL]]
            elif pool.size == 0:
                pool = np.arange(n) if mask is None else np.flatnonzero(mask)
            pool.sort()
            choices: list[str] = []
            starts: list[int] = []
            for i in pool:
                starts.append(len(choices))
                choices.extend(self._choices[self._choice_starts[i] : self._choice_ends[i]])
            sims = process.cdist([plain], choices, scorer=fuzz.ratio, dtype=np.uint8)[0]
            best = np.maximum.reduceat(sims, np.array(starts, dtype=np.int64)).astype(np.float64) / 100.0
            best[best < FUZZY_FLOOR] = 0.0
            fuzzy[pool] = best
        c = np.minimum(1.0, cover / total)
        score = (self.w_cover * c + (1 - self.w_cover) * fuzzy) * self._heading
        live = (cover > 0) | (fuzzy > 0)
        if mask is not None:
            live &= mask
        cand = np.flatnonzero(live)
        if cand.size == 0:
            return []
        # Best first; equal scores in entry-id order.
        order = np.lexsort((self._rank_of_id[cand], -score[cand]))[:limit]
        return [
            Scored(self.entries[i], self.doc_of[i], float(score[i]), float(c[i]), float(fuzzy[i]), float(specific[i]))
            for i in cand[order]
        ]

    def _mask(self, documents: tuple[str, ...] | None) -> np.ndarray | None:
        if not documents:
            return None
        key = tuple(sorted(documents))
        mask = self._doc_masks.get(key)
        if mask is None:
            mask = np.isin(self._doc_arr, list(key))
            self._doc_masks[key] = mask
        return mask

    def oov(self, content: str) -> int:
        """How many characters and English words of the question the knowledge base never uses."""
        t = self.strip(content)
        n = sum(1 for c in set("".join(_CJK_RUN.findall(t))) if c not in self.kb_chars)
        n += sum(1 for w in set(_WORD.findall(t)) if len(w) > 2 and w not in self.kb_words)
        return n

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
