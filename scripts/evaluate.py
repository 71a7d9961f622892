#!/usr/bin/env python3
"""Evaluate the answering core on tests/data/questions.jsonl, side by side with a plain BM25 baseline.

usage: python scripts/evaluate.py [--data FILE] [--misses N] [--json] [--no-baseline]

Prints top-1 and top-3 citation accuracy, kind accuracy, expected-fact accuracy, unknown precision and
recall, and the misses. The baseline is what an engineer would build first: jieba words + BM25 (rank-bm25)
over the clauses' quotes, answering the best clause, or unknown below a score threshold tuned for it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data" / "questions.jsonl"


@dataclass
class Prediction:
    """What a system said for one question, reduced to what is scored."""

    kind: str
    text: str
    cited: list[tuple[str, list[str]]]  # (document, path) in order
    top3: list[tuple[str, list[str]]]  # candidates, best first
    options: list[str] = field(default_factory=list)  # documents offered by clarify


@dataclass
class Scores:
    """Figures for one system."""

    name: str
    n: int = 0
    cited_cases: int = 0
    top1: int = 0
    top3: int = 0
    kind_ok: int = 0
    fact_cases: int = 0
    facts_ok: int = 0
    unknown_tp: int = 0
    unknown_fp: int = 0
    unknown_fn: int = 0
    oos_answered: int = 0
    multi_cases: int = 0
    multi_ok: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    def rate(self, a: int, b: int) -> float:
        return a / b if b else 1.0

    def summary(self) -> dict[str, Any]:
        return {
            "questions": self.n,
            "top1": round(self.rate(self.top1, self.cited_cases), 4),
            "top3": round(self.rate(self.top3, self.cited_cases), 4),
            "kind": round(self.rate(self.kind_ok, self.n), 4),
            "facts": round(self.rate(self.facts_ok, self.fact_cases), 4),
            "multi": round(self.rate(self.multi_ok, self.multi_cases), 4),
            "unknown_precision": round(self.rate(self.unknown_tp, self.unknown_tp + self.unknown_fp), 4),
            "unknown_recall": round(self.rate(self.unknown_tp, self.unknown_tp + self.unknown_fn), 4),
            "out_of_scope_answered": self.oos_answered,
            "questions_per_second": round(self.n / self.seconds, 1) if self.seconds else 0.0,
        }


def load_cases(path: Path = DATA) -> list[dict[str, Any]]:
    """The evaluation questions."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _prefix(path: list[str], want: list[str]) -> bool:
    return [str(p) for p in path][: len(want)] == [str(p) for p in want]


def score(name: str, cases: list[dict[str, Any]], predict: Callable[[str], Prediction]) -> Scores:
    """Run `predict` on every case and score it."""
    s = Scores(name)
    start = time.perf_counter()
    preds = [predict(c["q"]) for c in cases]
    s.seconds = time.perf_counter() - start
    for case, p in zip(cases, preds):
        s.n += 1
        want = case.get("kind", "answer")
        problems: list[str] = []
        is_unknown = p.kind == "unknown"
        if want == "unknown":
            if is_unknown and not p.cited:
                s.unknown_tp += 1
                s.kind_ok += 1
            else:
                s.unknown_fn += 1
                s.oos_answered += 1
                problems.append(f"answered ({p.kind}) but should be unknown: {p.cited[:1]}")
        else:
            if is_unknown:
                s.unknown_fp += 1
            if want == "multi":
                s.multi_cases += 1
                docs = set(p.options) if p.kind == "clarify" else {d for d, _ in p.cited}
                if p.kind in ("clarify", "answer") and len(docs) >= 2:
                    s.multi_ok += 1
                    s.kind_ok += 1
                else:
                    problems.append(f"wanted several documents, got {p.kind} {sorted(docs)}")
            elif p.kind == want:
                s.kind_ok += 1
            else:
                problems.append(f"kind {p.kind}, wanted {want}")
        if "doc" in case:
            s.cited_cases += 1
            want_doc, want_path = case["doc"], case.get("path", [])
            first = p.cited[0] if p.cited else None
            if first and first[0] == want_doc and _prefix(first[1], want_path):
                s.top1 += 1
            else:
                problems.append(f"cited {first}, wanted {want_doc} {want_path}")
            if any(d == want_doc and _prefix(pp, want_path) for d, pp in (p.cited[:3] + p.top3[:3])):
                s.top3 += 1
        if case.get("expect"):
            s.fact_cases += 1
            missing = [item for item in case["expect"] if not any(alt in p.text for alt in item.split("|"))]
            if missing:
                problems.append(f"text lacks {missing}")
            else:
                s.facts_ok += 1
        if problems:
            s.misses.append(f"{case['q']}\n      " + "; ".join(problems))
    return s


def ours() -> Callable[[str], Prediction]:
    """The project's engine, in process."""
    from bootstrap import engine_from

    engine = engine_from(ROOT / "knowledge")

    def predict(q: str) -> Prediction:
        a = engine.answer(q)
        cands = engine.candidates(q, 3)
        return Prediction(
            kind=a.kind,
            text=a.text,
            cited=[(c.document, list(c.path)) for c in a.citations],
            top3=[(d, list(p)) for d, p in cands],
            options=[o.document for o in a.options] if a.kind == "clarify" else [],
        )

    return predict


class BM25Baseline:
    """jieba words + BM25 over the clauses' quotes: the first thing an engineer would build."""

    def __init__(self) -> None:
        import logging

        import jieba
        from rank_bm25 import BM25Okapi

        from bootstrap import load_knowledge

        jieba.setLogLevel(logging.WARNING)
        kb = load_knowledge(ROOT / "knowledge")
        self.kb = kb
        self.jieba = jieba
        self.entries = list(kb.entries)
        self.bm25 = BM25Okapi([self.tok(e.quote) for e in self.entries])
        self.threshold = 0.0

    def tok(self, text: str) -> list[str]:
        return [w for w in self.jieba.lcut(text.lower()) if w.strip() and w not in "，。、？?！!：:；;（）()「」"]

    def predict(self, q: str) -> Prediction:
        scores = self.bm25.get_scores(self.tok(q))
        order = sorted(range(len(self.entries)), key=lambda i: -scores[i])[:3]
        best = order[0]
        top3 = [(self.kb.entry_document[self.entries[i].id], list(self.entries[i].path)) for i in order]
        if scores[best] <= self.threshold:
            return Prediction("unknown", "", [], top3)
        e = self.entries[best]
        return Prediction("answer", e.answer_zh + "\n" + e.quote, [top3[0]], top3)

    def tune(self, cases: list[dict[str, Any]]) -> None:
        """Pick the unknown threshold that maximises the baseline's own top-1 + unknown accuracy (a fair baseline)."""
        best = (-1.0, 0.0)
        raw = [(c, self.bm25.get_scores(self.tok(c["q"]))) for c in cases]
        for t in [x * 0.5 for x in range(0, 60)]:
            ok = 0
            for c, sc in raw:
                i = max(range(len(sc)), key=lambda k: sc[k])
                if c.get("kind") == "unknown":
                    ok += sc[i] <= t
                elif "doc" in c:
                    e = self.entries[i]
                    ok += sc[i] > t and self.kb.entry_document[e.id] == c["doc"] and _prefix(list(e.path), c.get("path", []))
            if ok > best[0]:
                best = (ok, t)
        self.threshold = best[1]


def report(systems: Iterable[Scores], misses: int) -> str:
    """The side-by-side table and the misses of the first system."""
    systems = list(systems)
    rows = [s.summary() for s in systems]
    keys = list(rows[0])
    width = max(len(k) for k in keys)
    lines = [f"{'metric':<{width}}  " + "  ".join(f"{s.name:>12}" for s in systems)]
    for k in keys:
        lines.append(f"{k:<{width}}  " + "  ".join(f"{r[k]:>12}" for r in rows))
    if misses and systems[0].misses:
        lines.append("")
        lines.append(f"misses of {systems[0].name} ({len(systems[0].misses)}):")
        lines += [f"  - {m}" for m in systems[0].misses[:misses]]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--misses", type=int, default=200)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    cases = load_cases(args.data)
    systems = [score("ours", cases, ours())]
    if not args.no_baseline:
        base = BM25Baseline()
        base.tune(cases)
        systems.append(score("bm25", cases, base.predict))
    if args.json:
        print(json.dumps({s.name: s.summary() for s in systems}, ensure_ascii=False, indent=1))
    else:
        print(report(systems, args.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
