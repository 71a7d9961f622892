#!/usr/bin/env python3
"""Speed of the answering core: on the real knowledge base beside the BM25 baseline, or on a synthetic one N× its size.

usage: python scripts/benchmark.py [--passes N]
       python scripts/benchmark.py --scale N [--json] [--keep DIR] [--passes N]

Without --scale (or with --scale 1 and no --json): knowledge-base load and index build time; answer latency p50/p99
in process over the evaluation questions; in-process throughput of ours and of the BM25 baseline (jieba +
rank-bm25); batch throughput of `python bot.py ask --json` on the evaluation set ×10; peak memory of that process;
then, in the same run and alternating, the start-up of `bot.py ask "…"` for one question (warm cache) against the
baseline's (a fresh process that builds it and answers one question), and `ask --json` on 1,000 questions against
the baseline answering the same 1,000 in one process.

With --scale N: builds a knowledge base N× the real one (scripts/synthetic.py: N copies of every document under
new ids, lightly varied; it passes `check`) in a temporary folder and prints, as one JSON object with --json:
`entries`, `load_s` (validation, in a fresh process, writing the cache), `index_s` (normaliser and matcher, writing
the cache), `cold_start_s` (a fresh `bot.py ask "…"` answering one question with a warm cache; median of 3),
`p50_ms`/`p99_ms` (answer latency in a process started from the cache, over the evaluation questions, the same
questions asked of the copies and questions sharing no indexed word; each as if asked for the first time: what the
engine remembers of recent questions is cleared before each), `rss_mb` (peak memory of that process),
and CPU-time figures beside the wall-clock ones (the machine may be shared: `loadavg` says how busy it was).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

ONE_QUESTION = "高科大學習 9 小時可以拿幾學分？"
NO_TERM = ["嗨", "😀😀😀", "asdfqwer zxcv", "ㄅㄆㄇㄈ", "？？？", "wat is teh purpse of teh guidlines"]

BASELINE_ONE = """
import sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/scripts"]
import evaluate
print(evaluate.BM25Baseline().predict(sys.argv[2]).kind)
"""
BASELINE_BATCH = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/scripts"]
import evaluate
b = evaluate.BM25Baseline()
for line in sys.stdin:
    p = b.predict(line.rstrip("\\n"))
    sys.stdout.write(json.dumps({"kind": p.kind, "text": p.text, "cited": p.cited}, ensure_ascii=False) + "\\n")
"""


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def _env(knowledge: Path | None, cache: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "CACHE_DIR": str(cache), **extra}
    if knowledge is not None:
        env["KNOWLEDGE_DIR"] = str(knowledge)
    else:
        env.pop("KNOWLEDGE_DIR", None)
    return env


def _timed(cmd: list[str], env: dict[str, str] | None = None, stdin: str = "") -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run a process to the end: its wall-clock seconds, its CPU seconds (user + system) and the result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    run = subprocess.run(cmd, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert run.returncode == 0, run.stderr[-3000:]
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), run


# --- the real knowledge base against the baseline -------------------------------------------------------------------


def compare(passes: int) -> int:
    import evaluate

    from bootstrap import build_engine, load_knowledge

    questions = [c["q"] for c in evaluate.load_cases()]
    work = Path(tempfile.mkdtemp(prefix="mooc-bench-"))
    cache = work / "cache"
    try:
        loads, builds, cached_loads, cached_builds = [], [], [], []
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
        build_engine(load_knowledge(ROOT / "knowledge", cache), cache)  # writes the cache
        for _ in range(3):
            t0 = time.perf_counter()
            kb = load_knowledge(ROOT / "knowledge", cache)
            t1 = time.perf_counter()
            build_engine(kb, cache)
            t2 = time.perf_counter()
            cached_loads.append(t1 - t0)
            cached_builds.append(t2 - t1)
        assert engine is not None

        for q in questions:  # warm-up
            engine.answer(q)
        first: list[float] = []  # each question as if asked for the first time: nothing remembered of recent ones
        for q in questions:
            engine.forget_recent()
            s = time.perf_counter()
            engine.answer(q)
            first.append((time.perf_counter() - s) * 1000)
        lat: list[float] = []
        t0 = time.perf_counter()
        for _ in range(passes):
            for q in questions:
                s = time.perf_counter()
                engine.answer(q)
                lat.append((time.perf_counter() - s) * 1000)
        ours_qps = len(lat) / (time.perf_counter() - t0)

        base = evaluate.BM25Baseline()
        for q in questions:
            base.predict(q)
        t0 = time.perf_counter()
        for _ in range(passes):
            for q in questions:
                base.predict(q)
        bm25_qps = passes * len(questions) / (time.perf_counter() - t0)

        env = _env(None, cache)
        batch = [q.replace("\n", " ") for q in questions] * 10
        stdin = "".join(q + "\n" for q in batch)
        starts = [_timed([sys.executable, "bot.py", "ask", "--json"], env)[0] for _ in range(3)]
        startup = statistics.median(starts)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        wall, _, run = _timed([sys.executable, "bot.py", "ask", "--json"], env, stdin)
        lines = [json.loads(x) for x in run.stdout.splitlines() if x.strip()]
        assert len(lines) == len(batch)
        peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024

        print(f"questions: {len(questions)} × {passes} passes")
        print(f"knowledge base load + validation: {statistics.median(loads) * 1000:.0f} ms (median of 3); from the cache {statistics.median(cached_loads) * 1000:.0f} ms")
        print(f"index build (matcher, normaliser):  {statistics.median(builds) * 1000:.0f} ms (median of 3); from the cache {statistics.median(cached_builds) * 1000:.0f} ms")
        print(f"answer latency in process, a question asked for the first time (the engine's memos cleared): p50 {_pct(first, 50):.2f} ms, p99 {_pct(first, 99):.2f} ms, "
              f"max {max(first):.2f} ms; asked again: p50 {_pct(lat, 50):.2f} ms, p99 {_pct(lat, 99):.2f} ms")
        print(f"throughput in process (the set asked {passes} times over): ours {ours_qps:.0f} q/s, BM25 baseline {bm25_qps:.0f} q/s ({ours_qps / bm25_qps:.2f}×)")
        print(f"ask --json batch of {len(batch)} (the set ×10): {len(batch) / wall:.0f} q/s with start-up ({wall:.2f} s); "
              f"start-up alone {startup:.2f} s (median of 3), so {len(batch) / max(wall - startup, 1e-9):.0f} q/s once running")
        print(f"peak memory of the ask process: {peak_mb:.0f} MB")
        _against_baseline(questions, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _against_baseline(questions: list[str], env: dict[str, str]) -> None:
    """Start-up for one question and `ask --json` on 1,000 questions, ours and the baseline's, alternating."""
    root = str(ROOT)
    thousand = [q.replace("\n", " ") for q in (questions * (1000 // len(questions) + 1))[:1000]]
    stdin = "".join(q + "\n" for q in thousand)
    ours_one = [sys.executable, "bot.py", "ask", ONE_QUESTION]
    base_one = [sys.executable, "-c", BASELINE_ONE, root, ONE_QUESTION]
    _timed(ours_one, env)  # warm the cache (and the disk) for both
    _timed(base_one, env)
    one: dict[str, list[tuple[float, float]]] = {"ours": [], "bm25": []}
    for _ in range(5):
        one["ours"].append(_timed(ours_one, env)[:2])
        one["bm25"].append(_timed(base_one, env)[:2])
    many: dict[str, list[tuple[float, float]]] = {"ours": [], "bm25": []}
    for _ in range(3):
        w, c, run = _timed([sys.executable, "bot.py", "ask", "--json"], env, stdin)
        assert len(run.stdout.splitlines()) == 1000
        many["ours"].append((w, c))
        w, c, run = _timed([sys.executable, "-c", BASELINE_BATCH, root], env, stdin)
        assert len(run.stdout.splitlines()) == 1000
        many["bm25"].append((w, c))

    def med(runs: list[tuple[float, float]], i: int) -> float:
        return statistics.median(r[i] for r in runs)

    o, b = med(one["ours"], 0), med(one["bm25"], 0)
    print(f"start-up, `bot.py ask` one question (warm cache): ours {o:.2f} s, BM25 baseline {b:.2f} s (fresh process: "
          f"imports, knowledge base, jieba, index, one answer) → {o / b:.2f} of the baseline's (target ≤ 0.25); "
          f"CPU {med(one['ours'], 1):.2f} s vs {med(one['bm25'], 1):.2f} s (medians of 5, alternating)")
    o, b = med(many["ours"], 0), med(many["bm25"], 0)
    print(f"`ask --json` on 1,000 questions: ours {o:.2f} s ({1000 / o:.0f} q/s), BM25 baseline {b:.2f} s ({1000 / b:.0f} q/s) "
          f"→ {b / o:.2f}× the baseline's throughput (target ≥ 3); CPU {med(many['ours'], 1):.2f} s vs {med(many['bm25'], 1):.2f} s "
          f"(medians of 3, alternating); load average {os.getloadavg()[0]:.1f}")


# --- a synthetic knowledge base N× the real one -----------------------------------------------------------------------


def _question_mix(n: int) -> list[str]:
    """The evaluation questions, the same asked of the copies (each of a random copy of its document), and questions
    that share no indexed word with any entry."""
    import evaluate
    import synthetic

    cases = evaluate.load_cases()
    mix = [c["q"] for c in cases]
    if n > 1:
        src = synthetic.Source(ROOT / "knowledge")
        rng = random.Random(n)
        for c in cases:
            if c.get("doc"):
                mix.append(synthetic.Variant(rng.randrange(1, n), src).question(c["q"], c["doc"]))
    return mix + NO_TERM


def scale(n: int, passes: int, keep: Path | None) -> dict[str, Any]:
    import synthetic

    load_before = os.getloadavg()[0]
    work = keep or Path(tempfile.mkdtemp(prefix="mooc-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        if n == 1:
            knowledge = ROOT / "knowledge"
        else:
            knowledge = work / f"knowledge-{n}x"
            if not (knowledge / ".complete").exists():
                shutil.rmtree(knowledge, ignore_errors=True)
                synthetic.build(n, knowledge)
                (knowledge / ".complete").write_text(str(n), encoding="utf-8")  # a reusable copy (--keep)
        generate_s = time.perf_counter() - t0
        cache = work / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        me = [sys.executable, str(Path(__file__).resolve()), "--worker"]
        _, _, run = _timed(me + ["build", str(knowledge), str(cache)])
        built = json.loads(run.stdout)

        env = _env(knowledge, cache, LOG_LEVEL="DEBUG")
        cold = []
        for _ in range(3):
            wall, cpu, run = _timed([sys.executable, "bot.py", "ask", ONE_QUESTION], env)
            assert "engine from the cache" in run.stderr, "the cold start did not use the cache"
            cold.append((wall, cpu))
        questions = work / "questions.json"
        questions.write_text(json.dumps(_question_mix(n), ensure_ascii=False), encoding="utf-8")
        _, _, run = _timed(me + ["serve", str(knowledge), str(cache), str(questions), str(passes)])
        served = json.loads(run.stdout)
        cache_mb = sum(p.stat().st_size for p in cache.glob("*.pickle")) / 1e6
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return {
        "scale": n,
        "entries": built["entries"],
        "documents": built["documents"],
        "load_s": round(built["load_s"], 2),
        "index_s": round(built["index_s"], 2),
        "cold_start_s": round(statistics.median(w for w, _ in cold), 2),
        "p50_ms": round(served["p50_ms"], 2),
        "p99_ms": round(served["p99_ms"], 2),
        "rss_mb": round(served["rss_mb"]),
        "load_cpu_s": round(built["load_cpu_s"], 2),
        "index_cpu_s": round(built["index_cpu_s"], 2),
        "cold_start_cpu_s": round(statistics.median(c for _, c in cold), 2),
        "p50_cpu_ms": round(served["p50_cpu_ms"], 2),
        "p99_cpu_ms": round(served["p99_cpu_ms"], 2),
        "max_ms": round(served["max_ms"], 2),
        "no_term_max_ms": round(served["no_term_max_ms"], 2),
        "build_rss_mb": round(built["rss_mb"]),
        "cache_mb": round(cache_mb, 1),
        "questions": served["questions"],
        "generate_s": round(generate_s, 1),
        "loadavg": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def _worker(args: list[str]) -> int:
    """Measurements that need a process of their own (peak memory, a cold cache)."""
    import bootstrap

    kind, knowledge, cache = args[0], Path(args[1]), Path(args[2])
    if kind == "build":
        t0, c0 = time.perf_counter(), time.process_time()
        kb = bootstrap.load_knowledge(knowledge, cache)
        t1, c1 = time.perf_counter(), time.process_time()
        bootstrap.build_engine(kb, cache)
        t2, c2 = time.perf_counter(), time.process_time()
        out: dict[str, Any] = {
            "entries": len(kb.entries), "documents": len(kb.documents),
            "load_s": t1 - t0, "load_cpu_s": c1 - c0, "index_s": t2 - t1, "index_cpu_s": c2 - c1,
        }
    else:
        questions: list[str] = json.loads(Path(args[3]).read_text(encoding="utf-8"))
        passes = int(args[4])
        engine = bootstrap.engine_from(knowledge, cache)
        for q in questions:  # warm-up: OpenCC's dictionaries, memos
            engine.answer(q)
        lat: list[float] = []
        cpu: list[float] = []
        no_term: list[float] = []
        for _ in range(passes):
            for q in questions:
                engine.forget_recent()  # each question as if asked for the first time
                t, c = time.perf_counter(), time.process_time()
                engine.answer(q)
                cpu.append((time.process_time() - c) * 1000)
                lat.append((time.perf_counter() - t) * 1000)
                if q in NO_TERM:
                    no_term.append(lat[-1])
        out = {
            "questions": len(questions), "p50_ms": _pct(lat, 50), "p99_ms": _pct(lat, 99), "max_ms": max(lat),
            "p50_cpu_ms": _pct(cpu, 50), "p99_cpu_ms": _pct(cpu, 99), "no_term_max_ms": max(no_term),
        }
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))
    return 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        return _worker(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--passes", type=int, default=None, help="passes over the questions (default 5; 2 with --scale)")
    ap.add_argument("--scale", type=int, default=None, help="a synthetic knowledge base N× the real one")
    ap.add_argument("--json", action="store_true", help="one JSON object (with --scale)")
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it (the generated knowledge base is reused)")
    args = ap.parse_args()
    if args.scale is None or (args.scale == 1 and not args.json):
        return compare(args.passes or 5)
    figures = scale(max(1, args.scale), args.passes or 2, args.keep)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for k, v in figures.items():
            print(f"{k:>18}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
