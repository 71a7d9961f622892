"""Engine calls answered in forked processes (frontends/answering.py): results and errors come back to their callers,
an overrun is stopped without holding up the requests behind it, a process that dies is replaced, a new engine is
taken up by new processes while the old ones finish, and nothing is left running."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from frontends.answering import AFFINITY_SLACK, AnswerProcesses


class FakeEngine:
    """What the processes call: answers that say which engine gave them and in which process."""

    def __init__(self, name: str = "one") -> None:
        self.name = name

    def echo(self, text: str) -> tuple[str, str, int]:
        return self.name, text, os.getpid()

    def sleep(self, seconds: float) -> str:
        time.sleep(seconds)
        return "slept"

    def fail(self) -> None:
        raise ValueError("no such clause")

    def die(self) -> None:
        os._exit(3)

    def odd(self) -> object:
        return os.getcwd  # a function: not something an answer is made of


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not running: reap it if it is our child
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


async def _gone(pids: list[int], within: float = 5.0) -> bool:
    end = time.monotonic() + within
    while time.monotonic() < end:
        if not any(_alive(p) for p in pids):
            return True
        await asyncio.sleep(0.02)
    return False


async def test_answers_come_back_to_their_callers_from_another_process() -> None:
    pool = AnswerProcesses(FakeEngine(), 2)
    try:
        got = await asyncio.gather(*(pool.call("echo", f"q{i}", budget=5) for i in range(40)))
        assert [g[1] for g in got] == [f"q{i}" for i in range(40)]
        assert {g[2] for g in got} <= set(pool.pids) and os.getpid() not in {g[2] for g in got}
        assert len(pool.pids) == 2
    finally:
        pool.close()


async def test_an_error_in_the_engine_reaches_the_caller_and_the_process_goes_on() -> None:
    pool = AnswerProcesses(FakeEngine(), 1)
    try:
        with pytest.raises(RuntimeError, match="ValueError: no such clause"):
            await pool.call("fail", budget=5)
        assert (await pool.call("echo", "after", budget=5))[1] == "after"
        assert pool.restarts == 0
    finally:
        pool.close()


async def test_only_plain_values_and_the_projects_classes_are_read_between_the_processes() -> None:
    pool = AnswerProcesses(FakeEngine(), 1)
    try:
        with pytest.raises(RuntimeError, match="not allowed"):
            await pool.call("odd", budget=5)
        with pytest.raises(RuntimeError, match="not allowed"):
            await pool.call("echo", os.getcwd, budget=5)  # nor is such a request read by the process
        from core.model import AnswerContext

        assert (await pool.call("echo", AnswerContext(lang="en"), budget=5))[1] == AnswerContext(lang="en")
        assert pool.restarts == 0
    finally:
        pool.close()


async def test_an_overrun_is_stopped_and_the_requests_behind_it_are_answered() -> None:
    pool = AnswerProcesses(FakeEngine(), 1)
    try:
        first = (await pool.call("echo", "warm", budget=5))[2]
        slow = asyncio.ensure_future(pool.call("sleep", 30, budget=0.5))
        await asyncio.sleep(0.05)
        behind = asyncio.ensure_future(pool.call("echo", "behind", budget=5))  # queued behind the stuck one
        with pytest.raises(TimeoutError):
            await slow
        name, text, pid = await behind
        assert text == "behind" and pid != first  # answered by the replacement, well before the 30 s
        assert pool.restarts == 1 and await _gone([first])
    finally:
        pool.close()


async def test_a_process_that_dies_is_replaced_and_its_other_requests_answered() -> None:
    pool = AnswerProcesses(FakeEngine(), 1)
    try:
        first = (await pool.call("echo", "warm", budget=5))[2]
        dying = asyncio.ensure_future(pool.call("die", budget=1))
        behind = asyncio.ensure_future(pool.call("echo", "behind", budget=5))
        assert (await behind)[1] == "behind"
        with pytest.raises(TimeoutError):  # the request that killed it is not run again
            await dying
        assert pool.restarts >= 1 and first not in pool.pids
    finally:
        pool.close()


async def test_a_new_engine_is_answered_by_new_processes_and_the_old_ones_finish_then_exit() -> None:
    pool = AnswerProcesses(FakeEngine("old"), 1)
    try:
        old_pid = (await pool.call("echo", "x", budget=5))[2]
        in_flight = asyncio.ensure_future(pool.call("sleep", 0.3, budget=5))
        await asyncio.sleep(0.05)
        pool.replace(FakeEngine("new"))
        name, _, pid = await pool.call("echo", "y", budget=5)
        assert name == "new" and pid != old_pid
        assert await in_flight == "slept"  # the old process finished what it was sent
        assert await _gone([old_pid])
    finally:
        pool.close()


async def test_close_stops_every_process() -> None:
    pool = AnswerProcesses(FakeEngine(), 2)
    await pool.call("echo", "x", budget=5)
    pids = pool.pids
    assert len(pids) == 2
    pool.close()
    assert await _gone(pids)


async def test_a_signal_to_an_answering_process_leaves_the_server_alone() -> None:
    """Ctrl-C reaches every process of the terminal's group: the answering process ignores it (the server decides)."""
    import signal

    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal: Ctrl-C raises KeyboardInterrupt
    pool = AnswerProcesses(FakeEngine(), 1)
    try:
        pid = (await pool.call("echo", "x", budget=5))[2]
        os.kill(pid, signal.SIGINT)
        await asyncio.sleep(0.1)
        assert (await pool.call("echo", "still", budget=5))[2] == pid
    finally:
        pool.close()
        signal.signal(signal.SIGINT, before)


async def test_requests_queued_behind_a_slow_one_move_to_another_process() -> None:
    pool = AnswerProcesses(FakeEngine(), 2)
    try:
        await pool.call("echo", "warm", budget=5)
        started = time.monotonic()
        slow = asyncio.ensure_future(pool.call("sleep", 3, budget=10))
        await asyncio.sleep(0.05)
        # Both processes get requests; those queued behind the slow one are moved once it has run STALL_S.
        quick = [asyncio.ensure_future(pool.call("echo", f"q{i}", budget=10)) for i in range(6)]
        done = await asyncio.gather(*quick)
        assert [d[1] for d in done] == [f"q{i}" for i in range(6)]
        assert time.monotonic() - started < 2.5, "a request waited for the slow one"
        assert await slow == "slept" and pool.restarts == 0
    finally:
        pool.close()


async def test_the_same_question_goes_to_the_same_process_unless_it_is_much_busier() -> None:
    pool = AnswerProcesses(FakeEngine(), 2)
    try:
        await pool.call("echo", "warm", budget=5)
        texts = [f"問題 {i}" for i in range(12)]
        first = {t: (await pool.call("echo", t, budget=5, affinity=t))[2] for t in texts}
        assert len(set(first.values())) == 2  # the questions are spread over both
        again = {t: (await pool.call("echo", t, budget=5, affinity=t))[2] for t in texts}
        assert again == first
        # Its own process busy with more than AFFINITY_SLACK requests: the question goes to the other.
        t = texts[0]
        busy = asyncio.ensure_future(asyncio.gather(*(pool.call("sleep", 0.2, budget=5, affinity=t) for _ in range(AFFINITY_SLACK + 1))))
        await asyncio.sleep(0.05)
        assert (await pool.call("echo", t, budget=5, affinity=t))[2] != first[t]
        await busy
    finally:
        pool.close()


class ConversingEngine(FakeEngine):
    """`converse` as the engine's: an answer saying which process gave it, and the state it leaves (answered at `now`)."""

    def converse(self, text: str, ctx: object, state: object, now: float) -> tuple[tuple[str, int], object]:
        from dataclasses import replace

        from core.dialogue import DialogueState

        return (f"{self.name}: {text}", os.getpid()), replace(DialogueState(question=text), at=now)


async def test_a_first_question_asked_again_is_answered_from_memory_and_a_follow_up_never_is() -> None:
    from dataclasses import replace

    from core.dialogue import EMPTY, DialogueState
    from core.model import AnswerContext

    pool = AnswerProcesses(ConversingEngine(), 1)
    try:
        ctx = AnswerContext()
        first, after = await pool.converse("高科大學分怎麼算", ctx, EMPTY, 100.0, budget=5)
        again, after2 = await pool.converse("高科大學分怎麼算", ctx, EMPTY, 200.0, budget=5)  # another chat
        assert again == first and pool.first_hits == 1 and after2.at == 200.0 and after.at == 100.0
        expired = replace(DialogueState(question="earlier"), at=0.0)  # a conversation over: a first question again
        assert (await pool.converse("高科大學分怎麼算", ctx, expired, 5000.0, budget=5))[0] == first and pool.first_hits == 2
        # in a conversation, in another setting, or another language asked for: answered by the engine
        going = replace(DialogueState(question="earlier"), at=190.0)
        await pool.converse("高科大學分怎麼算", ctx, going, 200.0, budget=5)
        await pool.converse("高科大學分怎麼算", AnswerContext(lang="en"), EMPTY, 200.0, budget=5)
        await pool.converse("高科大學分怎麼算", ctx, replace(EMPTY, lang="en"), 200.0, budget=5)
        assert pool.first_hits == 2
        pool.replace(ConversingEngine("two"))  # a new knowledge base: nothing remembered of the old one
        newer, _ = await pool.converse("高科大學分怎麼算", ctx, EMPTY, 300.0, budget=5)
        assert newer[0] == "two: 高科大學分怎麼算" and pool.first_hits == 2
    finally:
        pool.close()
