"""Command-line subcommands: check, kb, ask, calc."""

from __future__ import annotations

import itertools
import json
import os
import sys
import threading
import traceback
import zlib
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
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

    `workers` > 1 answers standard input in that many forked processes, each given a line whenever it has room (see
    _Dispatch), the answers written in input order as soon as each is ready (a driver that writes one line and waits
    for its answer still gets it); the turns of one session go to the same process, identical lines are answered once."""
    answer = _Answerer(engine, as_json)
    if questions:
        out.write(answer(" ".join(questions), 0.0))
        out.flush()
        return 0
    lines = (line.rstrip("\r\n") for line in _lines(stdin))
    if workers > 1:
        first = next(lines, None)
        if first is None:
            return 0  # no input: nothing to prepare, no process to start
        engine.prepare(converters=False)  # once here rather than in every process forked to answer
        return _ask_parallel(answer, _clocked(itertools.chain((first,), lines)), out, workers, engine.needs_converters)
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


PREFETCH = 2  # lines in a worker's pipe: the one it answers and the next, so it never waits on the parent
READ_AHEAD = 4096  # lines read beyond the last answer written: bounds the memory of a batch (and of a slow line)
HOMES = 100_000  # sessions remembered with their process; past this many, a new session's process is a hash of it


@dataclass
class _Task:
    """A line to answer: its index in the input, its session (None: a plain question, answered once per text), and
    the later turns of its session read before a process took it."""

    index: int
    line: str
    clock: float
    session: str | None
    follow: list[_Task] = field(default_factory=list)


class _Dispatch:
    """The parent's side of a parallel batch, under one lock: lines read, lines waiting for a process, answers waiting
    for the lines before them.

    A worker process is fed by its own thread taking the next line it may answer whenever it has fewer than PREFETCH
    lines in its pipe, so the load balances itself (a slow line holds up no other process) and no full pipe to one
    process stops the others. A line is taken, in input order, from its process's own queue (the later turns of a
    session stay with the process that took its first turn, so they are answered in order and in context), else from
    the common queue. A line whose answer may need the Simplified/Traditional converters (`converting`) goes, with
    its session, to process 0: only that process loads them (a tenth of a second or more), and the parent, which
    forked the processes without them, never does. An identical plain line is answered once: the parent writes the
    first answer again (a memo of the recent ones, and the lines awaiting an answer in flight)."""

    def __init__(self, conns: list[_Channel], out: IO[str], converting: Callable[[str], bool]):
        n = len(conns)
        self.conns = conns
        self.out = out
        self.converting = converting
        self.lock = threading.Lock()
        self.wake = [threading.Condition(self.lock) for _ in range(n)]  # where process w's feeder waits for a line or room
        self.room = threading.Condition(self.lock)  # where the reader waits while READ_AHEAD lines are unanswered
        self.own: list[deque[_Task]] = [deque() for _ in range(n)]
        self.common: deque[_Task] = deque()
        self.unplaced: dict[str, _Task] = {}  # session -> its first turn, still in the common queue
        self.home: dict[str, int] = {}  # session -> the process answering its turns
        self.busy = [0] * n  # lines in each process's pipe
        self.memo: OrderedDict[str, str] = OrderedDict()  # plain line -> its answer (the most recent)
        self.memo_size = BATCH_MEMO * n
        self.awaiting: dict[str, list[int]] = {}  # plain line in flight -> the indices answered by it
        self.sent_line: dict[int, str] = {}  # index of a plain line in flight -> the line
        self.ready: dict[int, str] = {}
        self.read = 0  # lines read
        self.written = 0  # answers written
        self.eof = False
        self.failed = False
        self.why = ""  # what stopped the batch

    # --- the reader (the calling thread) -------------------------------------------------------------------------------

    def add(self, line: str, clock: float) -> bool:
        """Take one line of input; False when a process has failed (stop reading)."""
        turn = _turn(line)
        session = turn[1] if turn is not None else None
        with self.lock:
            while self.read - self.written >= READ_AHEAD and not self.failed:
                self.room.wait()
            if self.failed:
                return False
            i = self.read
            self.read += 1
            if session is None:
                text = self.memo.get(line)
                if text is not None:
                    self.memo.move_to_end(line)
                    self.ready[i] = text
                    self._write()
                    return True
                waiting = self.awaiting.get(line)
                if waiting is not None:
                    waiting.append(i)
                    return True
                self.awaiting[line] = [i]
                self.sent_line[i] = line
            task = _Task(i, line, clock, session)
            if session is not None and session in self.unplaced:
                self.unplaced[session].follow.append(task)
            elif session is not None and (session in self.home or len(self.home) >= HOMES):
                w = self.home.get(session, zlib.crc32(session.encode("utf-8", "surrogatepass")) % len(self.own))
                self.own[w].append(task)
                self.wake[w].notify()
            elif self.converting(line if turn is None else turn[0]):
                if session is not None:
                    self.home[session] = 0
                self.own[0].append(task)
                self.wake[0].notify()
            else:
                if session is not None:
                    self.unplaced[session] = task
                self.common.append(task)
                for w, wake in enumerate(self.wake):
                    if self.busy[w] < PREFETCH:
                        wake.notify()
        return True

    def close(self) -> None:
        """The input has ended."""
        with self.lock:
            self.eof = True
            self._wake_all()

    # --- a process's feeder and collector threads ----------------------------------------------------------------------

    def _take(self, w: int) -> _Task | None:
        if self.own[w]:
            return self.own[w].popleft()
        if not self.common:
            return None
        task = self.common.popleft()
        if task.session is not None:  # the first turn of its session: the others follow it here
            del self.unplaced[task.session]
            self.home[task.session] = w
            self.own[w].extend(task.follow)
        return task

    def _drained(self, w: int) -> bool:
        return self.eof and not self.own[w] and not self.common

    def feed(self, w: int) -> None:
        """Send process w the next line it may answer whenever it has room; then None, its signal to stop."""
        conn = self.conns[w]
        while True:
            with self.lock:
                task = None
                while not self.failed:
                    if self.busy[w] < PREFETCH:
                        task = self._take(w)
                        if task is not None or self._drained(w):
                            break
                    self.wake[w].wait()
                if task is None:
                    break
                self.busy[w] += 1
            try:
                conn.send(f"{task.index} {task.clock!r} {task.line}")
            except OSError:  # the process died (its traceback is on standard error)
                self.fail("a worker process failed")
                return
        try:
            conn.send("")
        except OSError:
            pass

    def collect(self, w: int) -> None:
        """Receive process w's answers and write every one whose turn has come."""
        conn = self.conns[w]
        try:
            while True:
                head, _, text = conn.recv().partition(" ")
                i = int(head)
                with self.lock:
                    self.busy[w] -= 1
                    line = self.sent_line.pop(i, None)
                    if line is None:
                        self.ready[i] = text
                    else:
                        for j in self.awaiting.pop(line):
                            self.ready[j] = text
                        self.memo[line] = text
                        if len(self.memo) > self.memo_size:
                            self.memo.popitem(last=False)
                    if self._write():
                        self.room.notify()
                    self.wake[w].notify()
        except EOFError:  # the process has ended: failed, if it still had lines
            if self.busy[w]:
                self.fail("a worker process failed")
        except OSError as exc:  # the output (or the pipe from the process) broke: stop everything
            self.fail(f"the output was closed ({exc})")

    def fail(self, why: str) -> None:
        with self.lock:
            self.failed = True
            self.why = self.why or why
            self._wake_all()

    def _wake_all(self) -> None:
        for wake in self.wake:
            wake.notify()
        self.room.notify()

    def _write(self) -> bool:
        """Write the answers whose turn has come; True when there were some."""
        if self.written not in self.ready:
            return False
        while self.written in self.ready:
            self.out.write(self.ready.pop(self.written))
            self.written += 1
        self.out.flush()
        return True


class _Channel:
    """Text messages over a pair of pipes, each message its length in 4 bytes and its UTF-8 (multiprocessing's
    connections, without importing multiprocessing: a hundredth of a second at start-up, and without pickle)."""

    def __init__(self, read_fd: int, write_fd: int):
        self._in = open(read_fd, "rb")
        self._out = open(write_fd, "wb")

    def send(self, message: str) -> None:
        data = message.encode("utf-8", "surrogatepass")
        self._out.write(len(data).to_bytes(4, "big") + data)
        self._out.flush()

    def recv(self) -> str:
        head = self._in.read(4)
        if len(head) < 4:
            raise EOFError
        size = int.from_bytes(head, "big")
        data = self._in.read(size)
        if len(data) < size:
            raise EOFError
        return data.decode("utf-8", "surrogatepass")

    def close(self) -> None:
        for f in (self._in, self._out):
            try:
                f.close()
            except OSError:
                pass


def _serve(answer: _Answerer, channel: _Channel) -> None:
    """A worker process: "index clock line" in, "index answer" out, until an empty message."""
    try:
        while task := channel.recv():
            i, clock, line = task.split(" ", 2)
            channel.send(f"{i} {answer(line, float(clock))}")
    except (EOFError, KeyboardInterrupt, BrokenPipeError):
        pass


def _fork(answer: _Answerer, others: list[_Channel]) -> tuple[int, _Channel]:
    """A forked worker process and the parent's channel to it. The worker closes the parent's channels to the ones
    forked before it (so each sees the end of its input when the parent goes) and leaves by os._exit, running none
    of the parent's exit handlers."""
    down_r, down_w = os.pipe()
    up_r, up_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(down_w)
            os.close(up_r)
            for other in others:
                other.close()
            _serve(answer, _Channel(down_r, up_w))
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(down_r)
    os.close(up_w)
    return pid, _Channel(up_r, down_w)


def _ask_parallel(answer: _Answerer, lines: Iterator[tuple[str, float]], out: IO[str], workers: int,
                  converting: Callable[[str], bool]) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    conns: list[_Channel] = []
    pids = []
    for _ in range(workers):
        pid, channel = _fork(answer, conns)
        pids.append(pid)
        conns.append(channel)
    dispatch = _Dispatch(conns, out, converting)
    threads = [threading.Thread(target=f, args=(w,), daemon=True) for w in range(workers) for f in (dispatch.feed, dispatch.collect)]
    for t in threads:
        t.start()
    try:
        for line, clock in lines:
            if not dispatch.add(line, clock):
                break
    finally:
        dispatch.close()
        for t in threads[::2]:  # the feeders end when the input is drained (or a process failed) ...
            t.join()
        for pid in pids:  # ... the processes once they have answered every line sent ...
            os.waitpid(pid, 0)
        for t in threads[1::2]:  # ... and the collectors with them
            t.join()
        for c in conns:
            c.close()
    if dispatch.written != dispatch.read:
        sys.stderr.write(f"錯誤 error: {dispatch.read - dispatch.written} questions were not answered ({dispatch.why or 'a worker process failed'})\n")
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
