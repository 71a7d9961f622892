#!/usr/bin/env python3
"""Load: drive the real bot process through the project's Bot API test server on 127.0.0.1.

usage: python scripts/load.py [--questions 1000] [--users 200]

Queues N questions from U users as fast as the server accepts them, then checks that every question got
exactly one answer, in order per chat, and reports answers per second and p50/p99 time from update to
reply. The same load runs against a trivial echo bot (scripts/echo_bot.py) through the same server, and
our throughput is reported as a fraction of the echo bot's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.botapi import BotApiServer  # noqa: E402


def _pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[max(0, min(len(v) - 1, round(p / 100 * (len(v) - 1))))]


def run(cmd: list[str], questions: list[tuple[int, str]], env_extra: dict[str, str], expected: dict[str, list[str]] | None) -> dict[str, float]:
    """Start `cmd` against a fresh server, push the questions, wait for every answer; return the figures."""
    server = BotApiServer()
    with server, tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TELEGRAM_BOT_TOKEN=server.token, TELEGRAM_BASE_URL=server.base_url, BOT_DB_PATH=os.environ.get("LOAD_DB") or str(Path(tmp) / "load.sqlite3"), FLOOD_LIMIT="10000", LOG_LEVEL="WARNING", **env_extra)
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        api = server.api
        try:
            ready = api.wait_for(lambda: any(s.method in ("getupdates", "setmycommands", "deletewebhook") for s in api.sent) or bool(api.sent), 60)
            # Polling has begun when the bot first asks for updates; give it a moment.
            time.sleep(1.0)
            if not ready:
                raise SystemExit("the bot did not start")
            sent_at: dict[int, list[float]] = {}
            t0 = time.monotonic()
            for user, q in questions:
                api.message(user, q)
                sent_at.setdefault(user, []).append(time.monotonic())
            want = {u: len(v) for u, v in sent_at.items()}
            parts = {u: [len(expected[q]) for uu, q in questions if uu == u] if expected else None for u in sent_at}
            total = {u: sum(parts[u]) if parts[u] else want[u] for u in sent_at}

            def answered() -> bool:
                return all(len(api.messages_to(u)) >= total[u] for u in want)

            ok = api.wait_for(answered, timeout=600)
            t1 = time.monotonic()
            lat: list[float] = []
            per_chat_ok = True
            for user, times in sent_at.items():
                answers = _answers(api, user, parts[user])
                if len(answers) != len(times) or len(api.messages_to(user)) != total[user]:
                    per_chat_ok = False
                for t_sent, s in zip(times, answers):
                    lat.append((s.at - t_sent) * 1000)
                if expected is None:
                    continue  # the echo bot is a throughput yardstick; its order is not ours to check
                mine = [q for u, q in questions if u == user]
                texts = [str(s.params.get("text")) for s in answers]
                want_texts = [expected[q][0] for q in mine] if expected else mine
                if texts != want_texts and os.environ.get("LOAD_DEBUG"):
                    print("USER", user, file=sys.stderr)
                    for q in mine:
                        print("   Q", q[:50], len(expected[q]), file=sys.stderr)
                    for m in api.messages_to(user):
                        print("   A", str(m.params.get("text"))[:60].replace("\n", " "), file=sys.stderr)
                per_chat_ok &= texts == want_texts
            return {
                "answered_all": float(ok),
                "exactly_one_in_order": float(per_chat_ok),
                "answers_per_s": len(questions) / (t1 - t0),
                "p50_ms": _pct(lat, 50),
                "p99_ms": _pct(lat, 99),
                "errors": float(len(api.errors)),
            }
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _answers(api, user, parts: list[int] | None):  # type: ignore[no-untyped-def]
    """Each answer's first message. `parts` says how many messages each answer has (ours splits long ones)."""
    msgs = [s for s in api.messages_to(user) if s.method == "sendmessage"]
    if parts is None:
        return msgs
    out, i = [], 0
    for n in parts:
        if i >= len(msgs):
            break
        out.append(msgs[i])
        i += n
    return out if i <= len(msgs) else out[:-1]


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    out = {k: sorted(r[k] for r in runs)[len(runs) // 2] for k in runs[0]}
    out["answered_all"] = float(all(r["answered_all"] for r in runs))
    out["exactly_one_in_order"] = float(all(r["exactly_one_in_order"] for r in runs))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--questions", type=int, default=1000)
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--only-ours", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each bot, alternating; medians are reported")
    ap.add_argument("--rate-limiter", action="store_true", help="both bots with AIORateLimiter (Telegram's 30 messages/s); off by default against the test server")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pool = [json.loads(line)["q"] for line in (ROOT / "tests" / "data" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    pool = [q for q in pool if q.strip()]
    questions = [(100000 + rng.randrange(args.users), rng.choice(pool)) for _ in range(args.questions)]
    # What each answer must be, message by message, from the same core in process.
    from bootstrap import engine_from
    from frontends.telegram.render import answer_html as render_answer

    engine = engine_from(ROOT / "knowledge")
    expected = {q: render_answer(engine.answer(q)) for _, q in questions}
    limiter = {"RATE_LIMITER": "on" if args.rate_limiter else "off"}
    prof = ["-m", "cProfile", "-o", os.environ["LOAD_PROFILE"]] if os.environ.get("LOAD_PROFILE") else []
    if args.only_ours:
        ours = run([sys.executable, *prof, "bot.py"], questions, limiter, expected)
        print(ours)
        return 0 if ours["answered_all"] and ours["exactly_one_in_order"] else 1
    # Alternate the two bots and take medians: both share this 2-core machine with the test server.
    ours_runs, echo_runs = [], []
    for _ in range(args.repeat):
        ours_runs.append(run([sys.executable, *prof, "bot.py"], questions, limiter, expected))
        echo_runs.append(run([sys.executable, "scripts/echo_bot.py"], questions, limiter, None))
    ours = _median(ours_runs)
    echo = _median(echo_runs)
    print(f"load: {args.questions} questions from {len({u for u, _ in questions})} users, queued at once; rate limiter {'on' if args.rate_limiter else 'off'} for both bots; medians of {args.repeat} alternating runs")
    for name, r in (("ours", ours), ("echo", echo)):
        order = bool(r["exactly_one_in_order"]) if name == "ours" else "n/a"
        print(f"{name:>5}: answered all {bool(r['answered_all'])}, exactly one in order {order}, "
              f"{r['answers_per_s']:.0f} answers/s, p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, Bot API errors {int(r['errors'])}")
    print(f"ours / echo throughput: {ours['answers_per_s'] / echo['answers_per_s']:.2f}")
    return 0 if ours["answered_all"] and ours["exactly_one_in_order"] else 1


if __name__ == "__main__":
    sys.exit(main())
