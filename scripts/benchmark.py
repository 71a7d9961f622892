#!/usr/bin/env python3
"""Speed of the answering core, measured in one run beside the BM25 baseline.

usage: python scripts/benchmark.py [--passes N]

Prints: knowledge-base load and index build time; answer latency p50/p99 in process over the evaluation
questions; in-process throughput of ours and of the BM25 baseline (jieba + rank-bm25); batch throughput of
`python bot.py ask --json` on the evaluation set (whole process, start-up included, and without start-up);
peak memory (max RSS) of that process.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--passes", type=int, default=5)
    args = ap.parse_args()

    import evaluate
    from bootstrap import build_engine, load_knowledge

    questions = [c["q"] for c in evaluate.load_cases()]

    loads, builds = [], []
    engine = None
    for _ in range(3):
        t0 = time.perf_counter()
        kb = load_knowledge(ROOT / "knowledge")
        t1 = time.perf_counter()
        engine = build_engine(kb)
        engine.answer("高科大學分怎麼算")  # first call loads OpenCC's dictionaries
        t2 = time.perf_counter()
        loads.append(t1 - t0)
        builds.append(t2 - t1)
    assert engine is not None

    for q in questions:  # warm-up
        engine.answer(q)
    lat: list[float] = []
    t0 = time.perf_counter()
    for _ in range(args.passes):
        for q in questions:
            s = time.perf_counter()
            engine.answer(q)
            lat.append((time.perf_counter() - s) * 1000)
    ours_qps = len(lat) / (time.perf_counter() - t0)

    base = evaluate.BM25Baseline()
    for q in questions:
        base.predict(q)
    t0 = time.perf_counter()
    for _ in range(args.passes):
        for q in questions:
            base.predict(q)
    bm25_qps = args.passes * len(questions) / (time.perf_counter() - t0)

    batch = [q.replace("\n", " ") for q in questions] * 10
    stdin = "".join(q + "\n" for q in batch)
    starts = []
    for _ in range(3):
        t0 = time.perf_counter()
        empty = subprocess.run([sys.executable, "bot.py", "ask", "--json"], cwd=ROOT, input="", capture_output=True, text=True)
        starts.append(time.perf_counter() - t0)
        assert empty.returncode == 0, empty.stderr[-2000:]
    startup = statistics.median(starts)
    t0 = time.perf_counter()
    run = subprocess.run([sys.executable, "bot.py", "ask", "--json"], cwd=ROOT, input=stdin, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    assert run.returncode == 0, run.stderr[-2000:]
    lines = [json.loads(x) for x in run.stdout.splitlines() if x.strip()]
    assert len(lines) == len(batch)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"questions: {len(questions)} × {args.passes} passes")
    print(f"knowledge base load + validation: {statistics.median(loads) * 1000:.0f} ms (median of 3)")
    print(f"index build (matcher, normaliser):  {statistics.median(builds) * 1000:.0f} ms (median of 3)")
    print(f"answer latency in process: p50 {_pct(lat, 50):.2f} ms, p99 {_pct(lat, 99):.2f} ms, max {max(lat):.2f} ms")
    print(f"throughput in process: ours {ours_qps:.0f} q/s, BM25 baseline {bm25_qps:.0f} q/s ({ours_qps / bm25_qps:.2f}×)")
    print(f"ask --json batch of {len(batch)} (the set ×10): {len(batch) / wall:.0f} q/s with start-up ({wall:.2f} s); "
          f"start-up alone {startup:.2f} s (median of 3), so {len(batch) / max(wall - startup, 1e-9):.0f} q/s once running")
    print(f"peak memory of the ask process: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
