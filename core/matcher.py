"""Rank knowledge entries for a question: fuzzy similarity to their questions plus an IDF-weighted lexical index of character bigrams."""

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
# Single characters that only glue a sentence together.
_GLUE = "的了嗎呢吧啊呀喔哦嘛麼？?，,。.!！、；;：:「」『』（）()【】《》〈〉~～…·“”\"'"

# Weights of the score's parts and the acceptance threshold (tuned on tests/data/questions.jsonl by scripts/evaluate.py).
W_COVER = 0.55
W_FUZZY = 0.45
THRESHOLD = 0.42
FIELD_WEIGHT = {"title": 1.0, "keywords": 1.0, "questions": 1.0, "answer": 0.7, "quote": 0.6}


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
    """Index built once per knowledge base; `rank` is pure and deterministic."""

    def __init__(self, kb: KnowledgeBase, normaliser: Normaliser):
        self.kb = kb
        self.norm = normaliser
        self._stop = sorted(normaliser.stopwords, key=len, reverse=True)
        self._stop_re = re.compile("|".join(re.escape(w) for w in self._stop if len(w) > 1 and not w.isascii()) or r"(?!x)x")
        self._stop_ascii = {w for w in self._stop if w.isascii()}
        entries = kb.entries
        self.entries = entries
        self.doc_of = [kb.entry_document[e.id] for e in entries]
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for i, e in enumerate(entries):
            fields = {
                "title": [e.title, e.title_en],
                "keywords": list(e.keywords) + list(e.aliases),
                "questions": list(e.questions_zh) + list(e.questions_en),
                "answer": [e.answer_zh, e.answer_en],
                "quote": [e.quote],
            }
            weights: dict[str, float] = {}
            for name, texts in fields.items():
                for t in self.terms(" ".join(self.norm.base(x) for x in texts)):
                    weights[t] = max(weights.get(t, 0.0), FIELD_WEIGHT[name])
            for t, w in weights.items():
                postings[t][i] = w
        self.postings = dict(postings)
        n = len(entries)
        self.idf = {t: math.log((n + 1) / (len(p) + 0.5)) for t, p in self.postings.items()}
        self.idf_unknown = math.log((n + 1) / 0.5)
        # Fuzzy choices: every stored question and title, normalised, pointing at its entry.
        self._choices: list[str] = []
        self._choice_entry: list[int] = []
        for i, e in enumerate(entries):
            for q in (*e.questions_zh, *e.questions_en, e.title, e.title_en):
                s = self.strip(self.norm.base(q))
                if s:
                    self._choices.append(s)
                    self._choice_entry.append(i)

    def strip(self, text: str) -> str:
        """Remove school names are already gone; remove stopwords and glue, keep content words."""
        t = self._stop_re.sub(" ", text)
        t = "".join(" " if c in _GLUE else c for c in t)
        words = [w for w in t.split() if w not in self._stop_ascii]
        return " ".join(words)

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
        q_idf = {t: self.idf.get(t, self.idf_unknown) for t in q_terms}
        total = sum(q_idf.values()) or 1.0
        cover: dict[int, float] = defaultdict(float)
        specific: dict[int, float] = defaultdict(float)
        for t in q_terms:
            post = self.postings.get(t)
            if not post:
                continue
            w_idf = q_idf[t]
            for i, w in post.items():
                cover[i] += w * w_idf
                if w_idf >= 2.0:
                    specific[i] += w * w_idf
        fuzzy: dict[int, float] = {}
        if stripped:
            for _, sc, idx in process.extract(stripped, self._choices, scorer=fuzz.ratio, limit=None, score_cutoff=30):
                i = self._choice_entry[idx]
                if sc / 100 > fuzzy.get(i, 0.0):
                    fuzzy[i] = sc / 100
        allowed = set(documents) if documents else None
        out: list[Scored] = []
        for i in set(cover) | set(fuzzy):
            if allowed is not None and self.doc_of[i] not in allowed:
                continue
            c = cover.get(i, 0.0) / total
            f = fuzzy.get(i, 0.0)
            score = W_COVER * c + W_FUZZY * f
            out.append(Scored(self.entries[i], self.doc_of[i], score, c, f, specific.get(i, 0.0)))
        out.sort(key=lambda s: (-s.score, s.entry.id))
        return out[:limit]

    @staticmethod
    def confident(s: Scored) -> bool:
        """A match we stand behind: above the threshold and resting on specific words, not common ones."""
        return s.score >= THRESHOLD and (s.specific > 0 or s.fuzzy >= 0.75)
