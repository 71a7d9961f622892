"""`ask` reading standard input in parallel processes (frontends/cli.py): the load balanced by what each process has
in hand, answers in input order as soon as they are ready, a session's turns on one process, identical lines answered
once. A fake engine answers with the process that answered and how many questions that process had been asked."""

from __future__ import annotations

import io
import json
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from core.dialogue import EMPTY
from frontends import cli
from frontends.cli import PREFETCH, ask_command


class _Answer:
    def __init__(self, text: str):
        self.text = text

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text}


class _Turns:
    """A session's state: how many turns it has had."""

    def __init__(self, turns: int):
        self.turns = turns

    def fresh(self, now: float, ttl: float) -> bool:
        return True


class _Fake:
    """Answers `question | pid #n`: n counts the questions this process was asked. A question starting with "slow"
    takes a while, one starting with "die" ends the process; the others take `delay` seconds."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.asked = 0
        self.prepared = 0  # in the process that calls `prepare` (the parent, before it forks)
        self.converters: list[bool] = []  # whether each `prepare` loaded the converters

    def prepare(self, converters: bool = True) -> None:
        self.prepared += 1
        self.converters.append(converters)

    @staticmethod
    def needs_converters(text: str) -> bool:
        return "简" in text

    def answer(self, question: str, context: Any = None) -> _Answer:
        self.asked += 1
        if question.startswith("die"):
            os._exit(3)
        time.sleep(1.5 if question.startswith("slow") else self.delay)
        return _Answer(f"{question} | {os.getpid()} #{self.asked}")

    def converse(self, question: str, context: Any, state: Any, clock: float) -> tuple[_Answer, _Turns]:
        turns = 1 if state is EMPTY else state.turns + 1
        ans = self.answer(question)
        return _Answer(f"{ans.text} turn {turns}"), _Turns(turns)


def _ask(lines: list[str], workers: int, fake: _Fake | None = None) -> list[str]:
    out = io.StringIO()
    assert ask_command(fake or _Fake(), [], False, stdin=io.StringIO("".join(x + "\n" for x in lines)), out=out, workers=workers) == 0  # type: ignore[arg-type]
    answers = out.getvalue().split("\n\n")[:-1]
    assert len(answers) == len(lines)
    return answers


def _who(answer: str) -> tuple[str, str, int]:
    """(question, pid, n) of an answer."""
    question, _, rest = answer.partition(" | ")
    pid, n = rest.split(" ")[:2]
    return question, pid, int(n.lstrip("#"))


def test_a_slow_line_holds_up_no_other_process_and_answers_stay_in_input_order() -> None:
    lines = ["slow one"] + [f"quick {k}" for k in range(40)]
    answers = [_who(a) for a in _ask(lines, 2, _Fake(delay=0.01))]
    assert [q for q, _, _ in answers] == lines
    slow = answers[0][1]
    behind = [q for q, pid, _ in answers[1:] if pid == slow]
    assert len(behind) <= PREFETCH - 1, behind  # at most the one already in its pipe waited for the slow line


def test_the_turns_of_a_session_stay_on_one_process_in_order() -> None:
    lines = []
    for k in range(8):
        for s in "abcd":
            lines.append(json.dumps({"q": f"{s} {k}", "session": s}))
        lines.append(f"plain {k}")
    answers = _ask(lines, 3, _Fake(delay=0.005))
    by_session: dict[str, list[tuple[str, int]]] = {}
    for line, answer in zip(lines, answers):
        if line.startswith("{"):
            question, pid, _ = _who(answer)
            assert question == json.loads(line)["q"]
            by_session.setdefault(question.split(" ")[0], []).append((pid, int(answer.rsplit(" ", 1)[1])))
    assert len(by_session) == 4
    for turns in by_session.values():
        assert len({pid for pid, _ in turns}) == 1  # one process
        assert [n for _, n in turns] == list(range(1, 9))  # every turn saw the ones before it
    assert len({turns[0][0] for turns in by_session.values()}) > 1  # sessions were spread over the processes


def test_identical_lines_are_answered_once_across_processes() -> None:
    distinct = [f"question {k}" for k in range(12)] + [json.dumps({"q": "no session"})]
    lines = [distinct[(k * 5) % len(distinct)] for k in range(len(distinct) * 4)]
    answers = _ask(lines, 2, _Fake(delay=0.01))
    by_line: dict[str, set[str]] = {}
    for line, answer in zip(lines, answers):
        by_line.setdefault(line, set()).add(answer)
    assert set(by_line) == set(distinct)
    assert all(len(texts) == 1 for texts in by_line.values()), by_line  # the same answer each time ...
    assert len({_who(a)[1:] for a in answers}) == len(distinct)  # ... asked of an engine once
    assert len({_who(a)[1] for a in answers}) == 2  # both processes answered


class _Driver:
    """Standard input written by a driver that sends the next line only once it has read the previous one's answer."""

    def __init__(self, lines: list[str], out: _Out):
        self.lines = lines
        self.out = out

    def __iter__(self) -> Iterator[str]:
        for k, line in enumerate(self.lines):
            assert self.out.wait_for(k), f"no answer to line {k} while the driver waited for it"
            yield line + "\n"


class _Out(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.seen = threading.Condition()

    def write(self, s: str) -> int:
        with self.seen:
            n = super().write(s)
            self.seen.notify_all()
        return n

    def wait_for(self, answers: int, timeout: float = 20) -> bool:
        with self.seen:
            return self.seen.wait_for(lambda: self.getvalue().count("\n\n") >= answers, timeout)


def test_a_driver_writing_one_line_at_a_time_gets_each_answer() -> None:
    lines = ["first", json.dumps({"q": "second", "session": "s"}), "first", json.dumps({"q": "third", "session": "s"}), "fourth"]
    out = _Out()
    assert ask_command(_Fake(), [], False, stdin=_Driver(lines, out), out=out, workers=2) == 0  # type: ignore[arg-type]
    answers = out.getvalue().split("\n\n")[:-1]
    assert [_who(a)[0] for a in answers] == ["first", "second", "first", "third", "fourth"]
    assert answers[0] == answers[2] and answers[3].endswith("turn 2")


def test_a_process_that_dies_is_reported_and_the_rest_ends() -> None:
    lines = [f"quick {k}" for k in range(6)] + ["die now"] + [f"quick {k}" for k in range(6, 30)]
    out = io.StringIO()
    codes: list[int] = []
    stdin = io.StringIO("".join(x + "\n" for x in lines))
    run = threading.Thread(target=lambda: codes.append(ask_command(_Fake(delay=0.01), [], False, stdin=stdin, out=out, workers=2)), daemon=True)  # type: ignore[arg-type]
    run.start()
    run.join(30)
    assert not run.is_alive(), "the batch hung"
    assert codes == [1]
    written = [_who(a)[0] for a in out.getvalue().split("\n\n")[:-1]]
    assert written == lines[: len(written)] and len(written) < len(lines)  # in order, up to the line never answered


def test_reading_waits_while_read_ahead_lines_are_unanswered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "READ_AHEAD", 4)
    lines = ["slow one"] + [f"quick {k}" for k in range(20)]
    taken: list[int] = []

    class Counted:
        def __iter__(self) -> Iterator[str]:
            for k, line in enumerate(lines):
                taken.append(k)
                yield line + "\n"

    class Out(io.StringIO):
        read_at_first_answer = -1

        def write(self, s: str) -> int:
            if self.read_at_first_answer < 0:
                self.read_at_first_answer = len(taken)
            return super().write(s)

    out = Out()
    assert ask_command(_Fake(delay=0.001), [], False, stdin=Counted(), out=out, workers=2) == 0  # type: ignore[arg-type]
    assert [_who(a)[0] for a in out.getvalue().split("\n\n")[:-1]] == lines
    assert out.read_at_first_answer <= 4 + 1  # the slow line's answer came while the reader waited


def test_a_closed_output_stops_the_batch() -> None:
    class Closed(io.StringIO):
        def write(self, s: str) -> int:
            if self.getvalue().count("\n\n") >= 3:
                raise BrokenPipeError(32, "Broken pipe")
            return super().write(s)

    lines = [f"quick {k}" for k in range(200)]
    stdin = io.StringIO("".join(x + "\n" for x in lines))
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(ask_command(_Fake(delay=0.002), [], False, stdin=stdin, out=Closed(), workers=2))  # type: ignore[arg-type]
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the batch hung"
    assert outcome and outcome[0] != 0


def test_lines_reach_the_processes_as_they_were_read() -> None:
    lines = ["  two  spaces ", "a\ttab", "0.5 1 2", "surrogate \udcff here", "", "中文 問句？", "3 1.0 line"]
    answers = _ask(lines, 2, _Fake(delay=0.001))
    assert [a.rsplit(" | ", 1)[0] for a in answers] == lines


def test_the_engine_is_prepared_once_before_the_processes_are_forked() -> None:
    fake = _Fake()
    _ask(["a", "b", "c"], workers=2, fake=fake)
    assert fake.prepared == 1 and fake.asked == 0  # prepared in this process; the questions were answered in the forked ones
    assert fake.converters == [False]  # the converters are left to the process that gets the lines needing them
    one = _Fake()
    _ask(["a"], workers=1, fake=one)
    assert one.prepared == 0  # a single process answers as it reads: nothing to share
    idle = _Fake()
    assert ask_command(idle, [], False, stdin=io.StringIO(""), out=io.StringIO(), workers=2) == 0  # type: ignore[arg-type]
    assert idle.prepared == 0  # no input: nothing prepared, no process started


def test_every_line_that_needs_the_converters_goes_to_one_process_with_its_session() -> None:
    lines = [f"q{i}" for i in range(40)]
    lines[3] = "简 one"
    lines[17] = "简 two"
    lines[30] = json.dumps({"q": "简 turn", "session": "s"})
    lines[31] = json.dumps({"q": "next turn", "session": "s"})
    lines[35] = "简 three"
    answers = _ask(lines, 3, _Fake(delay=0.002))
    pids = {a.split(" | ")[1].split()[0] for a in answers}
    converting = {answers[i].split(" | ")[1].split()[0] for i in (3, 17, 30, 31, 35)}
    assert len(converting) == 1 and len(pids) > 1  # one process for those; the others shared the rest
    assert answers[31].endswith("turn 2")
