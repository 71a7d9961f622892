"""Command-line subcommands: check, kb, ask, calc."""

from __future__ import annotations

import json
import multiprocessing
import sys
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

from multiprocessing.connection import Connection
from typing import IO, Any

from core.engine import Engine
from core.kb import check as check_kb
from core.dialogue import EMPTY, Sessions
from core.model import AnswerContext


def check_command(knowledge_dir: Path, calculator_names: list[str], out: IO[str] = sys.stdout) -> int:
    """Validate the knowledge base; print every problem as file:line: message and a coverage report."""
    report = check_kb(knowledge_dir, calculator_names)
    for problem in report.problems:
        print(problem, file=out)
    cov = report.coverage
    if cov is not None:
        print("coverage (non-blank source lines quoted by some entry):", file=out)
        for doc_id in sorted(cov.total_lines):
            src = report.kb.sources[doc_id] if report.kb else ""
            nonblank = sum(1 for line in src.split("\n") if line.strip()) if src else 0
            covered = len(cov.covered_lines.get(doc_id, ()))
            allowed = cov.allowed.get(doc_id, ())
            missing = cov.uncovered.get(doc_id, ())
            print(f"  {doc_id}: {covered} covered, {len(allowed)} allowed uncovered (titles, images, forms), {len(missing)} uncovered", file=out)
            if missing:
                print(f"    uncovered lines: {_ranges(missing)}", file=out)
    applied, exempt, missing_rules = report.rule_coverage()
    total = len(applied) + len(exempt) + len(missing_rules)
    print(f"rules: {len(report.kb.rules) if report.kb else 0} definitions; of {total} clauses that state a figure or condition, "
          f"{len(applied)} applied by a definition, {len(exempt)} exempt (no_rule), {len(missing_rules)} not yet", file=out)
    if missing_rules:
        print("    not yet applied: " + ", ".join(missing_rules), file=out)
    n = len(report.kb.entries) if report.kb else 0
    if report.problems:
        print(f"{len(report.problems)} problem(s); {n} entries", file=out)
        return 1
    print(f"ok: {n} entries, no problems", file=out)
    return 0


def _ranges(lines: tuple[int, ...]) -> str:
    parts: list[str] = []
    start = prev = -2
    for n in lines:
        if start < 0:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            parts.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = n
    if start >= 0:
        parts.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(parts)


def kb_command(knowledge_dir: Path, calculator_names: list[str], as_json: bool, out: IO[str] = sys.stdout) -> int:
    """Print every entry (JSON with --json)."""
    report = check_kb(knowledge_dir, calculator_names)
    if report.kb is None:
        for problem in report.problems:
            print(problem, file=sys.stderr)
        return 1
    kb = report.kb
    rows = [
        {
            "id": e.id,
            "document": kb.entry_document[e.id],
            "clause": e.clause,
            "path": list(e.path),
            "title": e.title,
            "quote": e.quote,
            "answer_zh": e.answer_zh,
            "answer_en": e.answer_en,
        }
        for e in kb.entries
    ]
    if as_json:
        json.dump(rows, out, ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        for r in rows:
            print(f"{r['id']}\t{r['document']}\t{r['clause']}\t{r['title']}", file=out)
    return 0


BATCH_MEMO = 2048  # identical question lines of a batch answered once (the most recent this many)


class _Answerer:
    """Answers one input line at a time: a plain question on its own, a JSON turn within its session. Identical lines
    without a session are answered once (an answer depends only on the line and the knowledge base)."""

    def __init__(self, engine: Engine, as_json: bool):
        self._engine = engine
        self._as_json = as_json
        self._sessions = Sessions()
        self._memo: OrderedDict[str, str] = OrderedDict()

    def __call__(self, line: str, clock: float) -> str:
        turn = _turn(line)
        session = turn[1] if turn is not None else None
        if session is None:
            hit = self._memo.get(line)
            if hit is not None:
                self._memo.move_to_end(line)
                return hit
        if turn is None:
            ans = self._engine.answer(line, AnswerContext())
        else:
            q, session, ctx = turn
            state = self._sessions.get(session, clock) if session is not None else EMPTY
            ans, state = self._engine.converse(q, ctx, state, clock)
            if session is not None:
                self._sessions.put(session, state)
        text = json.dumps(ans.to_json(), ensure_ascii=False) + "\n" if self._as_json else ans.text + "\n\n"
        if session is None:
            self._memo[line] = text
            if len(self._memo) > BATCH_MEMO:
                self._memo.popitem(last=False)
        return text


def ask_command(engine: Engine, questions: list[str], as_json: bool, stdin: IO[str] = sys.stdin, out: IO[str] = sys.stdout,
                workers: int = 1) -> int:
    """Answer questions from the arguments, or one a line from standard input (JSONL out with --json).

    `workers` > 1 answers standard input in that many forked processes, the answers written in input order as soon as
    each is ready (a driver that writes one line and waits for its answer still gets it); the turns of one session, and
    identical lines, go to the same process."""
    answer = _Answerer(engine, as_json)
    if questions:
        out.write(answer(" ".join(questions), 0.0))
        out.flush()
        return 0
    lines = (line.rstrip("\r\n") for line in _lines(stdin))
    if workers > 1:
        return _ask_parallel(answer, _clocked(lines), out, workers)
    for line, clock in _clocked(lines):
        out.write(answer(line, clock))
        out.flush()
    return 0


def _clocked(lines: Iterator[str]) -> Iterator[tuple[str, float]]:
    """Each line with the logical clock of the conversation turns: turns of a session are answered in input order, and
    the clock keeps them within the session's lifetime."""
    clock = 0.0
    for line in lines:
        if line.lstrip().startswith("{"):
            clock += 1.0
        yield line, clock


def _route(line: str, workers: int) -> int:
    """The process for a line: by its session when it has one (a session's turns stay in order), else by its text."""
    turn = _turn(line)
    key = f"session:{turn[1]}" if turn is not None and turn[1] is not None else line
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % workers


def _serve(answer: _Answerer, conn: Connection) -> None:
    """A worker process: (index, line, clock) in, (index, text) out, until None."""
    try:
        while (task := conn.recv()) is not None:
            i, line, clock = task
            conn.send((i, answer(line, clock)))
    except (EOFError, KeyboardInterrupt, BrokenPipeError):
        pass
    finally:
        conn.close()


def _ask_parallel(answer: _Answerer, lines: Iterator[tuple[str, float]], out: IO[str], workers: int) -> int:
    ctx = multiprocessing.get_context("fork")
    conns: list[Connection] = []
    procs = []
    for _ in range(workers):
        mine, theirs = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(answer, theirs), daemon=True)
        proc.start()
        theirs.close()
        conns.append(mine)
        procs.append(proc)
    ready: dict[int, str] = {}
    lock = threading.Lock()
    state = {"next": 0}

    def collect(conn: Connection) -> None:
        try:
            while True:
                i, text = conn.recv()
                with lock:
                    ready[i] = text
                    while state["next"] in ready:
                        out.write(ready.pop(state["next"]))
                        state["next"] += 1
                    out.flush()
        except (EOFError, OSError):
            return

    collectors = [threading.Thread(target=collect, args=(c,), daemon=True) for c in conns]
    for t in collectors:
        t.start()
    sent = 0
    try:
        for line, clock in lines:
            try:
                conns[_route(line, workers)].send((sent, line, clock))
            except OSError:  # the process died (its traceback is on standard error): stop reading
                break
            sent += 1
    finally:
        for c in conns:
            try:
                c.send(None)
            except OSError:
                pass
        for p in procs:
            p.join()
        for t in collectors:
            t.join()
    if state["next"] != sent:
        sys.stderr.write(f"錯誤 error: {sent - state['next']} questions were not answered (a worker process failed)\n")
        return 1
    return 0


def _turn(line: str) -> tuple[str, str | None, AnswerContext] | None:
    """A JSON object line `{"q": ..., "session": ..., "lang": ..., "school": ...}` as a conversation turn; None for plain text."""
    if not line.lstrip().startswith("{"):
        return None
    try:
        obj: Any = json.loads(line)
    except ValueError:
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("q"), str):
        return None
    session = obj.get("session")
    lang = obj.get("lang") if obj.get("lang") in ("zh", "en") else None
    school = obj.get("school") if isinstance(obj.get("school"), str) else None
    return obj["q"], (str(session) if session is not None and not isinstance(session, (dict, list)) else None), AnswerContext(default_school=school, lang=lang)


def _lines(stdin: IO[str]) -> Iterator[str]:
    """Lines of standard input, decoding invalid UTF-8 with replacement instead of failing."""
    buf = getattr(stdin, "buffer", None)
    if buf is None:
        yield from stdin
        return
    for raw in buf:
        yield raw.decode("utf-8", errors="replace")


def calc_command(engine: Engine, name: str | None, pairs: list[str], as_json: bool, list_only: bool, out: IO[str] = sys.stdout) -> int:
    """Run one calculator with key=value parameters, or list them."""
    from rules.base import CalcError

    if list_only or not name:
        for calc in engine.calculators():
            print(f"{calc.name}: {calc.title_zh} / {calc.title_en}", file=out)
            for p in calc.params:
                req = "required" if p.required else "optional"
                print(f"    {p.name} ({p.kind}, {req}; {p.allowed()}): {p.label_zh} / {p.label_en}", file=out)
        return 0 if list_only else 2
    if engine.calculator(name) is None:
        print(f"unknown calculator {name!r}; try: python bot.py calc --list", file=sys.stderr)
        return 2
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            print(f"parameters are key=value, got {pair!r}", file=sys.stderr)
            return 2
        params[key.strip()] = value.strip()
    try:
        ans = engine.run_calculator(name, params, "zh", question=f"calc {name} " + " ".join(pairs))
    except CalcError as err:
        if as_json:
            out.write(json.dumps({"error": {"param": err.param, "message_zh": err.message_zh, "message_en": err.message_en, "allowed": err.allowed}}, ensure_ascii=False) + "\n")
        else:
            print(f"錯誤 error: {err.message_zh} / {err.message_en}" + (f" (allowed: {err.allowed})" if err.allowed else ""), file=sys.stderr)
        return 1
    if as_json:
        out.write(json.dumps(ans.to_json(), ensure_ascii=False) + "\n")
    else:
        out.write(ans.text + "\n")
    return 0
