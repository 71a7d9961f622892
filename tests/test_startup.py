"""Start-up: the command line imports nothing of the chat front ends or plotting, and loading leaves the garbage
collector as it found it."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import bootstrap

ROOT = Path(__file__).resolve().parent.parent
HEAVY = {"telegram", "linebot", "aiohttp", "matplotlib", "PIL", "httpx", "aiosqlite", "jieba", "asyncio", "multiprocessing"}
PROBE = "import json, sys, bot; rc = bot.main(sys.argv[1:]); print(); print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"


@pytest.mark.parametrize("argv", [["ask", "高科大學分怎麼算"], ["ask", "--json"], ["check"], ["calc", "--list"], ["calc", "nkust_credits", "hours=9"]])
def test_the_command_line_imports_nothing_it_does_not_use(argv: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "CACHE_DIR": str(tmp_path / "cache")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    run = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=ROOT, env=env, input="高科大學分怎麼算\n", capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    modules = set(json.loads(run.stdout.strip().splitlines()[-1]))
    assert "core" in modules
    assert not modules & HEAVY, sorted(modules & HEAVY)


def test_loading_pauses_the_collector_and_restores_it(tmp_path: Path) -> None:
    collections: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    assert gc.isenabled()
    gc.callbacks.append(seen)
    try:
        kb = bootstrap.load_knowledge(ROOT / "knowledge", tmp_path / "cache")  # validates (a cold cache): ~10⁶ objects
        bootstrap.build_engine(kb, tmp_path / "cache")
    finally:
        gc.callbacks.remove(seen)
    assert collections == []
    assert gc.isenabled()
    gc.disable()
    try:
        bootstrap.engine_from(ROOT / "knowledge", tmp_path / "cache")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_start_from_the_cache_validates_nothing_imports_no_pydantic_parses_no_yaml_and_loads_no_opencc_for_a_traditional_question(tmp_path: Path) -> None:
    env = {**os.environ, "CACHE_DIR": str(tmp_path / "cache")}
    probe = [sys.executable, "-c", PROBE, "ask", "高科大學習 9 小時可以拿幾學分？"]
    first = subprocess.run(probe, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "rules" in json.loads(first.stdout.strip().splitlines()[-1])
    again = subprocess.run(probe, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "0.5" in again.stdout
    code = ("import sys, bot; bot.main(sys.argv[1:]); print(); "
            "print(sorted(m for m in sys.modules if m in ('rules.validate', 'core.validation', 'pydantic', 'opencc', 'jieba', 'yaml')))")
    again = subprocess.run([sys.executable, "-c", code, "ask", "高科大學習 9 小時可以拿幾學分？"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stdout.strip().splitlines()[-1] == "[]"  # no validation (no pydantic), no YAML, no OpenCC: a Traditional question needs none


def test_traditional_questions_load_no_opencc_for_the_knowledge_bases_own_words(tmp_path: Path) -> None:
    """Procedure triggers (核定後, 考核) and rule labels (設備費占補助的比例) are kept in normal form in the cache: a batch
    of Traditional questions that reach them loads no OpenCC (each answering process would otherwise load it)."""
    env = {**os.environ, "CACHE_DIR": str(tmp_path / "cache")}
    lines = "東華磨課師計畫申請要準備哪些文件？\n逢甲磨課師計畫的申請流程是什麼？\n高科大補助 200 萬，設備費 50 萬，設備費佔補助的比例符合規定嗎？\n"
    code = ("import sys, bot; bot.main(sys.argv[1:]); print(); print(sorted(m for m in sys.modules if m == 'opencc'))")
    for _ in range(2):  # the first run writes the cache, the second reads it
        run = subprocess.run([sys.executable, "-c", code, "ask", "--workers", "1"], cwd=ROOT, env=env, input=lines, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_a_parallel_batch_loads_opencc_only_in_the_process_given_the_simplified_lines(tmp_path: Path) -> None:
    """The parent prepares the engine without OpenCC's dictionaries and forks; the one process sent the lines that
    need them loads them. The Simplified line is still answered in Simplified."""
    env = {**os.environ, "CACHE_DIR": str(tmp_path / "cache")}
    lines = "高科大學習 9 小時可以拿幾學分？\n东华的课程可以申请几个助教？\nHow many credits for 18 hours at NKUST?\n"
    code = ("import sys, bot; bot.main(sys.argv[1:]); print(json.dumps(sorted(m for m in sys.modules if m == 'opencc')))")
    for _ in range(2):  # the first run writes the cache (building the index converts the knowledge base), the second reads it
        run = subprocess.run([sys.executable, "-c", "import json; " + code, "ask", "--json", "--workers", "2"], cwd=ROOT, env=env, input=lines,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
    *answers, parent = run.stdout.strip().splitlines()
    assert parent == "[]"
    assert len(answers) == 3 and "可申请 1 位教学助理" in json.loads(answers[1])["text"]  # answered in Simplified


def test_importing_the_engine_starts_no_thread() -> None:
    """numpy's OpenBLAS would start a thread per core on import (CPU at every start, for linear algebra the matcher
    never does): bootstrap limits it to the calling thread."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    code = "import bootstrap, numpy; print(open('/proc/self/status').read().split('Threads:')[1].split()[0])"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "1"


def _bot(argv: list[str], tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CACHE_DIR": str(tmp_path / "cache")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("PYTHONUNBUFFERED", None)  # output to a pipe written in blocks, as in production
    return subprocess.run([sys.executable, "bot.py", *argv], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=300)


def test_a_command_that_ends_itself_writes_all_its_output_and_keeps_its_status(tmp_path: Path) -> None:
    questions = ["高科大學習 9 小時可以拿幾學分？", "逢甲一門課最多補助多少", "How many credits for 18 hours at NKUST?"] * 7
    run = _bot(["ask", "--json"], tmp_path, "".join(q + "\n" for q in questions))
    assert run.returncode == 0, run.stderr[-2000:]
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    assert [a["question"] for a in answers] == questions
    assert _bot(["calc", "no_such_calculator"], tmp_path).returncode == 2
    listed = _bot(["calc", "--list"], tmp_path)  # a pipe: written in blocks, the last of them by the flush before leaving
    env = {**os.environ, "CACHE_DIR": str(tmp_path / "cache")}
    whole = subprocess.run([sys.executable, "-c", "import sys, bot; sys.exit(bot.main(sys.argv[1:]))", "calc", "--list"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert listed.returncode == 0 and len(listed.stdout) > 10_000 and listed.stdout == whole.stdout


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "CACHE_DIR": str(tmp_path / "cache")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "bot.py", "calc", "--list"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # `bot.py calc --list | head -0`: gone before the first line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 1
    assert "Traceback" not in err and "BrokenPipe" not in err, err
