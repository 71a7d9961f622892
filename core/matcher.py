"""Rank knowledge entries for a question: fuzzy similarity to their questions plus a BM25-style index of character bigrams."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from core.kb import KnowledgeBase
from core.normalize import Normaliser
from core.schema import Entry

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z][a-z0-9\-]+")
_DIGITS = re.compile(r"[\d.,:/%$-]+")
# Single characters that only glue a sentence together (removed on both sides, so both are cut the same way).
_GLUE = "的了嗎呢吧啊呀喔哦嘛麼要是在和與及或會能還都也就該把讓幾哪誰什怎啦我你他們這那些？?，,。.!！、；;：:「」『』（）()【】《》〈〉~～…·“”\"'"

# Weights of the score's parts and the acceptance threshold (tuned on tests/data/questions.jsonl with scripts/evaluate.py).
W_COVER = 0.5  # BM25 over bigrams, normalised to 0..1 by the question's own best possible score
THRESHOLD = 0.26
OOV_PENALTY = 0.08  # added to the threshold for each character or English word the knowledge base never uses
SPECIFIC_IDF = 2.0  # a matched term this rare is evidence; common words (補助, 課程) alone are not
HEADING_FACTOR = 0.94  # a grouping heading yields to the sub-point that says the same thing
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
        for i, e in enumerate(entries):
            fields = {
                "title": [e.title, e.title_en],
                "keywords": list(e.keywords) + list(e.aliases),
                "questions": list(e.questions_zh) + list(e.questions_en),
                "answer": [e.answer_zh, e.answer_en],
                "quote": [e.quote],
            }
            tf: dict[str, float] = defaultdict(float)
            for name, texts in fields.items():
                text = " ".join(self.norm.base(x) for x in texts)
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
        # Fuzzy choices: every stored question and title, normalised, pointing at its entry.
        self._choices: list[str] = []
        self._choice_entry: list[int] = []
        for i, e in enumerate(entries):
            for q in (*e.questions_zh, *e.questions_en, e.title, e.title_en):
                s = _DIGITS.sub("", self.strip(self.norm.base(q)))
                if s:
                    self._choices.append(s)
                    self._choice_entry.append(i)

    def strip(self, text: str) -> str:
        """Remove stopwords and glue characters, keep content words (school names are already gone)."""
        t = self._stop_re.sub(" ", text)
        t = "".join(" " if c in _GLUE else c for c in t)
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
        """Score entries (only those of `documents` when given) for normalised question content."""
        q_terms = list(dict.fromkeys(self.terms(content)))
        stripped = self.strip(content)
        if not q_terms and not stripped:
            return []
        q_idf = {t: self.idf.get(t, UNKNOWN_BIGRAM_IDF) for t in q_terms}
        total = sum(q_idf.values()) * (K1 + 1) or 1.0
        cover: dict[int, float] = defaultdict(float)
        specific: dict[int, float] = defaultdict(float)
        for t in q_terms:
            post = self.postings.get(t)
            if not post:
                continue
            w_idf = q_idf[t]
            for i, tf in post.items():
                cover[i] += w_idf * tf * (K1 + 1) / (tf + self.norm_len[i])
                if w_idf >= self.specific_idf:
                    specific[i] += w_idf
        fuzzy: dict[int, float] = {}
        plain = _DIGITS.sub("", stripped)
        if plain:
            for _, sc, idx in process.extract(plain, self._choices, scorer=fuzz.ratio, limit=None, score_cutoff=30):
                i = self._choice_entry[idx]
                if sc / 100 > fuzzy.get(i, 0.0):
                    fuzzy[i] = sc / 100
        allowed = set(documents) if documents else None
        out: list[Scored] = []
        for i in set(cover) | set(fuzzy):
            if allowed is not None and self.doc_of[i] not in allowed:
                continue
            c = min(1.0, cover.get(i, 0.0) / total)
            f = fuzzy.get(i, 0.0)
            score = self.w_cover * c + (1 - self.w_cover) * f
            if self.entries[i].heading:
                score *= HEADING_FACTOR
            out.append(Scored(self.entries[i], self.doc_of[i], score, c, f, specific.get(i, 0.0)))
        out.sort(key=lambda s: (-s.score, s.entry.id))
        return out[:limit]

    def oov(self, content: str) -> int:
        """How many characters and English words of the question the knowledge base never uses."""
        t = self.strip(content)
        n = sum(1 for c in set("".join(_CJK_RUN.findall(t))) if c not in self.kb_chars)
        n += sum(1 for w in set(_WORD.findall(t)) if len(w) > 2 and w not in self.kb_words)
        return n

    def confident(self, s: Scored, oov: int = 0) -> bool:
        """A match we stand behind: above the threshold (raised for unknown words) and resting on specific words."""
        return s.score >= self.threshold + self.oov_penalty * oov and (s.specific > 0 or s.fuzzy >= 0.75)
