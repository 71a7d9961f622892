#!/usr/bin/env python3
"""Load: drive the real bot process through the project's Bot API test server (tests/botapi.py) on 127.0.0.1.

usage: python scripts/load.py [--questions 1000] [--users 200] [--delay-ms 0,50] [--repeat 3]

Queues N questions from U users at once and waits for every answer; checks that each of our answers is exactly
the one the core gives in that chat's conversation, once, in order; reports answers per second, update → reply
p50/p99 and the CPU time per answer of the bot's processes (with the answering processes it forks). The same load runs, in the same run and through the same
server, against a trivial echo bot (scripts/echo_bot.py) handling one update at a time ("echo-seq") and 64 at once
("echo-64"). Each regime adds its delay to every Bot API call but getUpdates (the server sleeps before answering);
bots alternate within a regime and medians are reported. The ratios the issue sets targets for are printed last:
with no delay ours against echo-seq (≥ 0.8), with a delay ours against echo-64 (≥ 1.5).
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.botapi import BotApiServer, FakeBotApi, Sent  # noqa: E402

ECHO_CONCURRENT = 64
Questions = list[tuple[int, str]]  # (user, question) in the order they are queued
Expected = dict[int, list[list[str]]]  # user → the messages of each answer, in order


@dataclass(frozen=True)
class Result:
    """One run of one bot."""

    answered_all: bool
    in_order: bool | None  # every answer exactly the expected one, once, in order (None: not checked, the echo bot)
    answers_per_s: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # the bot's CPU time per answer (user + system, its answering processes included)
    main_cpu_ms: float  # of which the bot's own process (its event loop: Telegram's work)
    server_cpu_ms: float  # the test server's (this process's) CPU time per answer
    errors: int  # Bot API 400s
    connections: int  # connections the bot opened to the Bot API during the load
    hints: int  # typing hints (sendChatAction) sent during the load


@dataclass(frozen=True)
class Bot:
    name: str
    cmd: list[str]
    expected: Expected | None


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[max(0, min(len(v) - 1, round(p / 100 * (len(v) - 1))))]


def _cpu_s(pid: int, own: bool = False) -> float:
    """User + system CPU seconds so far of a process and of its live descendants (the answering processes it forked),
    with those of its children that have ended and been reaped; `own`: the process's alone (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    if own:
        return (int(fields[11]) + int(fields[12])) / tick
    total = sum(int(f) for f in fields[11:15]) / tick  # utime, stime, cutime, cstime
    try:
        children = {int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()}
    except OSError:
        children = set()
    return total + sum(_cpu_s(c) for c in children)


def run(bot: Bot, questions: Questions, delay_s: float, env_extra: dict[str, str]) -> Result:
    """Start the bot against a fresh server, queue the questions, wait for every answer; return the figures."""
    server = BotApiServer()
    with server, tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TELEGRAM_BOT_TOKEN=server.token, TELEGRAM_BASE_URL=server.base_url, BOT_DB_PATH=os.environ.get("LOAD_DB") or str(Path(tmp) / "load.sqlite3"),
                   CACHE_DIR=os.environ.get("CACHE_DIR") or str(ROOT / "data" / "cache"), FLOOD_LIMIT="10000", LOG_LEVEL="WARNING", **env_extra)
        env.pop("WEBHOOK_URL", None)
        proc = subprocess.Popen(bot.cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        api = server.api
        try:
            if not api.wait_for(lambda: api.polls > 0, 60):
                raise SystemExit(f"{bot.name} did not start polling")
            time.sleep(1.0)  # let the start-up calls (the command menu) finish
            api.delay_s = delay_s
            per_user: dict[int, int] = {}
            for user, _ in questions:
                per_user[user] = per_user.get(user, 0) + 1
            want = {u: sum(len(a) for a in bot.expected[u]) if bot.expected else n for u, n in per_user.items()}
            sent_at: dict[int, list[float]] = {}
            conn0, sent0, cpu0, mcpu0, scpu0, t0 = api.connections, len(api.sent), _cpu_s(proc.pid), _cpu_s(proc.pid, own=True), time.process_time(), time.monotonic()
            for user, q in questions:
                api.message(user, q)
                sent_at.setdefault(user, []).append(time.monotonic())
            ok = _wait_all(api, want)
            t1, cpu1, mcpu1, scpu1 = time.monotonic(), _cpu_s(proc.pid), _cpu_s(proc.pid, own=True), time.process_time()
            lat: list[float] = []
            in_order = True
            for user, times in sent_at.items():
                msgs = api.messages_to(user)
                firsts = _firsts(msgs, [len(a) for a in bot.expected[user]] if bot.expected else [1] * len(times))
                lat += [(s.at - t) * 1000 for t, s in zip(times, firsts)]
                if bot.expected is not None:
                    got = [str(s.params.get("text")) for s in msgs]
                    exp = [m for a in bot.expected[user] for m in a]
                    if got != exp and os.environ.get("LOAD_DEBUG"):
                        _explain(api, user, exp)
                    in_order &= got == exp
            return Result(
                answered_all=ok,
                in_order=in_order if bot.expected is not None else None,
                answers_per_s=len(questions) / (t1 - t0),
                p50_ms=_pct(lat, 50),
                p99_ms=_pct(lat, 99),
                cpu_ms=(cpu1 - cpu0) * 1000 / len(questions),
                main_cpu_ms=(mcpu1 - mcpu0) * 1000 / len(questions),
                server_cpu_ms=(scpu1 - scpu0) * 1000 / len(questions),
                errors=len(api.errors),
                connections=api.connections - conn0,
                hints=sum(1 for s in api.sent[sent0:] if s.method == "sendchataction"),
            )
        finally:
            api.delay_s = 0.0
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_all(api: FakeBotApi, want: dict[int, int], stall_s: float = 30.0) -> bool:
    """Wait until every user has their messages; False once nothing new has been sent for `stall_s` (a bot that lost
    some answers, as the echo bot does when a call fails: it does not retry). Counted as they come, polling outside
    the server's lock (`FakeBotApi.wait_for` would scan every message on every call the bot makes, slowing the server
    more the more it has answered)."""
    got: dict[int, int] = {}
    missing = sum(want.values())
    seen, last = 0, time.monotonic()
    while missing > 0:
        with api.lock:
            new = api.sent[seen:]
        for s in new:
            if s.method in ("sendmessage", "senddocument", "sendphoto"):
                chat = int(s.params.get("chat_id") or 0)
                if got.get(chat, 0) < want.get(chat, 0):
                    missing -= 1
                got[chat] = got.get(chat, 0) + 1
        seen += len(new)
        now = time.monotonic()
        if new:
            last = now
        elif now - last > stall_s:
            return False
        if missing > 0:
            time.sleep(0.005)
    return True


def _firsts(msgs: list[Sent], parts: list[int]) -> list[Sent]:
    """Each answer's first message, when each answer has `parts[i]` messages."""
    out: list[Sent] = []
    i = 0
    for n in parts:
        if i >= len(msgs):
            break
        out.append(msgs[i])
        i += n
    return out


def _explain(api: FakeBotApi, user: int, expected: list[str]) -> None:
    print("USER", user, file=sys.stderr)
    for m in expected:
        print("   want", m[:60].replace("\n", " "), file=sys.stderr)
    for s in api.messages_to(user):
        print("    got", str(s.params.get("text"))[:60].replace("\n", " "), file=sys.stderr)


def _median(runs: list[Result]) -> Result:
    def mid(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    orders = [r.in_order for r in runs]
    return Result(
        answered_all=all(r.answered_all for r in runs),
        in_order=None if orders[0] is None else all(bool(o) for o in orders),
        answers_per_s=mid([r.answers_per_s for r in runs]),
        p50_ms=mid([r.p50_ms for r in runs]),
        p99_ms=mid([r.p99_ms for r in runs]),
        cpu_ms=mid([r.cpu_ms for r in runs]),
        main_cpu_ms=mid([r.main_cpu_ms for r in runs]),
        server_cpu_ms=mid([r.server_cpu_ms for r in runs]),
        errors=max(r.errors for r in runs),
        connections=max(r.connections for r in runs),
        hints=max(r.hints for r in runs),
    )


def expected_answers(questions: Questions) -> Expected:
    """What the bot must send each user: the core's answers to that user's questions as one conversation, rendered
    as the bot renders them (users of the test server have a Chinese Telegram client and no settings)."""
    from core.dialogue import EMPTY, DialogueState
    from core.model import AnswerContext
    from frontends.telegram.render import answer_html
    from frontends.telegram.texts import ZH

    from bootstrap import engine_from

    engine = engine_from(ROOT / "knowledge")
    states: dict[int, DialogueState] = {}
    out: Expected = {}
    now = time.time()
    for user, q in questions:
        ans, states[user] = engine.converse(q, AnswerContext(lang=ZH), states.get(user, EMPTY), now)
        out.setdefault(user, []).append(answer_html(ans))
    return out


def _line(name: str, r: Result) -> str:
    order = "n/a" if r.in_order is None else ("yes" if r.in_order else "NO")
    return (f"  {name:>8}: answered all {'yes' if r.answered_all else 'NO'}, exactly once in order {order}, {r.answers_per_s:6.1f} answers/s, "
            f"p50 {r.p50_ms:6.0f} ms, p99 {r.p99_ms:6.0f} ms, CPU {r.cpu_ms:5.2f} ms/answer (main process {r.main_cpu_ms:4.2f}; server {r.server_cpu_ms:4.2f}), Bot API errors {r.errors}, connections opened {r.connections}, typing hints {r.hints}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=int, default=1000)
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--delay-ms", default="0,50", help="the regimes: milliseconds added to every Bot API call, comma-separated")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each bot per regime, alternating; medians are reported")
    ap.add_argument("--only-ours", action="store_true", help="no echo bots (profiling: LOAD_PROFILE=file runs ours under cProfile)")
    ap.add_argument("--rate-limiter", action="store_true", help="every bot with AIORateLimiter (Telegram's 30 messages/s); off by default against the test server")
    ap.add_argument("--json", action="store_true", help="print the medians as JSON too")
    args = ap.parse_args()
    try:
        delays = [float(x) for x in args.delay_ms.split(",") if x.strip()]
    except ValueError:
        ap.error("--delay-ms: comma-separated numbers")
    rng = random.Random(args.seed)
    pool = [str(json.loads(line)["q"]) for line in (ROOT / "tests" / "data" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    pool = [q for q in pool if q.strip()]
    questions = [(100000 + rng.randrange(args.users), rng.choice(pool)) for _ in range(args.questions)]
    expected = expected_answers(questions)
    env = {"RATE_LIMITER": "on" if args.rate_limiter else "off"}
    prof = ["-m", "cProfile", "-o", os.environ["LOAD_PROFILE"]] if os.environ.get("LOAD_PROFILE") else []
    bots = [Bot("ours", [sys.executable, *prof, "bot.py"], expected)]
    if not args.only_ours:
        bots += [Bot("echo-seq", [sys.executable, "scripts/echo_bot.py"], None),
                 Bot(f"echo-{ECHO_CONCURRENT}", [sys.executable, "scripts/echo_bot.py", "--concurrent", str(ECHO_CONCURRENT)], None)]
    print(f"load: {args.questions} questions from {len({u for u, _ in questions})} users, queued at once; rate limiter {'on' if args.rate_limiter else 'off'}; "
          f"medians of {args.repeat} alternating runs per regime", flush=True)
    medians: dict[float, dict[str, Result]] = {}
    for delay in delays:
        runs: dict[str, list[Result]] = {b.name: [] for b in bots}
        for _ in range(args.repeat):
            for b in bots:
                runs[b.name].append(run(b, questions, delay / 1000, env))
        medians[delay] = {name: _median(rs) for name, rs in runs.items()}
        print(f"{delay:g} ms added to every Bot API call:")
        for name, r in medians[delay].items():
            print(_line(name, r), flush=True)
    ok = all(m["ours"].answered_all and m["ours"].in_order for m in medians.values())
    if not args.only_ours:
        for delay, m in medians.items():
            base, target = ("echo-seq", 0.8) if delay == 0 else (f"echo-{ECHO_CONCURRENT}", 1.5)
            ratio = m["ours"].answers_per_s / m[base].answers_per_s
            print(f"ours / {base} throughput at {delay:g} ms: {ratio:.2f} (target ≥ {target}{'' if ratio >= target else ', NOT MET'})")
    if args.json:
        print(json.dumps({f"{d:g}": {n: r.__dict__ for n, r in m.items()} for d, m in medians.items()}, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
