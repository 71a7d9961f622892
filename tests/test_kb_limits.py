"""Knowledge files are loaded safely: hostile files (alias bombs, huge strings, FIFOs, devices, links out of the
folder, deep nesting) are refused quickly, in bounded memory, each as one `file:line: message` problem."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

REGISTRY: tuple[str, ...] = ()  # every calculator is a rule definition of the knowledge base
from core.kb import check
from core.yamlload import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_DOCUMENT_CHARS,
    MAX_FILE_BYTES,
    MAX_NODES,
    MAX_STRING_CHARS,
    UnsafeFileError,
    load_yaml,
    read_knowledge_file,
)

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


@pytest.fixture()
def kdir(tmp_path: Path) -> Path:
    dest = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, dest)
    return dest


def _bounded(fn: Callable[[], object], seconds: float = 3.0, megabytes: float = 64.0) -> object:
    """Run fn; fail when it takes longer than `seconds` or its peak Python allocation passes `megabytes`."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        out = fn()
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert peak < megabytes * 2**20, f"peak {peak / 2**20:.0f} MB"
    return out


def _problems(root: Path) -> list[str]:
    start = time.perf_counter()
    report = check(root, REGISTRY)
    assert time.perf_counter() - start < 20
    return [str(p) for p in report.problems]


def _check_cli(root: Path) -> subprocess.CompletedProcess[str]:
    """`bot.py check` on a folder, in its own process: a hang becomes a time-out, never a stuck test run."""
    env = dict(os.environ, KNOWLEDGE_DIR=str(root))
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run([sys.executable, "bot.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def _billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_in_the_glossary_is_refused_fast_in_small_memory(kdir: Path) -> None:
    glossary = kdir / "glossary.yaml"
    glossary.write_text(_billion_laughs() + glossary.read_text(encoding="utf-8"), encoding="utf-8")
    # Before: 12 s and 1 GB, then a 312 MB line and MemoryError.
    data, found = _bounded(lambda: load_yaml(glossary, "glossary.yaml"), seconds=0.5, megabytes=16)  # type: ignore[misc]
    assert data is None and len(found) == 1 and "refused" in str(found[0])
    msgs = _problems(kdir)
    hits = [m for m in msgs if m.startswith("knowledge/glossary.yaml:") and "refused" in m]
    assert hits and f"more than {MAX_NODES:,} nodes" in hits[0], msgs[:5]
    line = int(hits[0].split(":")[1])
    assert 2 <= line <= 9  # the line where the expansion passed the limit
    assert all(len(m) < 500 for m in msgs)  # no 312 MB line


def test_alias_bomb_through_the_check_command(kdir: Path) -> None:
    (kdir / "glossary.yaml").write_text(_billion_laughs(), encoding="utf-8")
    run = _check_cli(kdir)
    assert run.returncode == 1 and "knowledge/glossary.yaml:" in run.stdout and "refused" in run.stdout
    assert len(run.stdout) < 100_000 and "Traceback" not in run.stderr


def _entry_with_strings(kdir: Path, value_line: str) -> None:
    """Put one hostile `questions_zh` into the first entry of nkust-mooc.yaml."""
    path = kdir / "entries" / "nkust-mooc.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    questions_zh:\n      - 高科大為什麼要訂磨課師課程作業要點？\n"
    assert old in text
    path.write_text(text.replace(old, f"    questions_zh: {value_line}\n" + "    questions_zh_old:\n      - 高科大為什麼要訂磨課師課程作業要點？\n", 1), encoding="utf-8")


def test_long_string_referenced_5000_times_is_refused(kdir: Path) -> None:
    big = "九" * 100_000
    _entry_with_strings(kdir, f'[&q "{big}"' + ", *q" * 5000 + "]")
    path = kdir / "entries" / "nkust-mooc.yaml"
    # Before: accepted, and 143 s and 1.1 GB to start.
    data, _ = _bounded(lambda: load_yaml(path, "x.yaml"), seconds=1.0, megabytes=64)  # type: ignore[misc]
    assert data is None
    msgs = _problems(kdir)
    assert any(m.startswith("knowledge/entries/nkust-mooc.yaml:21: refused: the document expands to more than") for m in msgs), msgs[:5]


def test_more_aliases_than_the_limit_are_refused(kdir: Path) -> None:
    _entry_with_strings(kdir, '[&q "短"' + ", *q" * (MAX_ALIASES + 1) + "]")
    msgs = _problems(kdir)
    assert any(m.startswith("knowledge/entries/nkust-mooc.yaml:21: refused:") and f"more than {MAX_ALIASES} aliases" in m for m in msgs), msgs[:5]


def test_aliases_within_the_count_still_cannot_blow_up_the_characters(kdir: Path) -> None:
    big = "九" * MAX_STRING_CHARS
    _entry_with_strings(kdir, f'[&q "{big}"' + ", *q" * MAX_ALIASES + "]")
    msgs = _problems(kdir)
    assert any("nkust-mooc.yaml:" in m and f"more than {MAX_DOCUMENT_CHARS:,} characters" in m for m in msgs), msgs[:5]


def test_a_string_over_the_limit_is_refused_with_its_line(kdir: Path) -> None:
    _entry_with_strings(kdir, '["' + "x" * (MAX_STRING_CHARS + 1) + '"]')
    msgs = _problems(kdir)
    hit = [m for m in msgs if "nkust-mooc.yaml:" in m and "refused" in m]
    assert hit and f"a string of {MAX_STRING_CHARS + 1:,} characters" in hit[0]
    lines = (kdir / "entries" / "nkust-mooc.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[int(hit[0].split(":")[1]) - 1].startswith("    questions_zh: [")


def test_deep_nesting_is_refused_not_a_crash(tmp_path: Path) -> None:
    # libyaml's own composer recurses in C: 100,000 brackets killed the process with a segmentation fault.
    f = tmp_path / "deep.yaml"
    f.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    script = "import sys; from pathlib import Path; from core.yamlload import load_yaml; print(load_yaml(Path(sys.argv[1]))[1][0])"
    run = subprocess.run([sys.executable, "-c", script, str(f)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-500:]
    assert f"nested more than {MAX_DEPTH} deep" in run.stdout


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "loop.yaml"
    f.write_text("a: &x\n  - b\n  - *x\n", encoding="utf-8")
    data, problems = load_yaml(f, "loop.yaml")
    assert data is None and [str(p) for p in problems] == ["loop.yaml:3: refused: alias *x refers to a collection that contains it (a recursive structure)"]


def test_a_few_aliases_are_still_fine(tmp_path: Path) -> None:
    f = tmp_path / "ok.yaml"
    f.write_text("base: &b [1, 2]\nmore: *b\nm: &m {k: v}\nn: {<<: *m, j: w}\n", encoding="utf-8")
    data, problems = load_yaml(f, "ok.yaml")
    assert problems == [] and data == {"base": [1, 2], "more": [1, 2], "m": {"k": "v"}, "n": {"k": "v", "j": "w"}}


def test_a_file_over_the_size_limit_is_refused(kdir: Path) -> None:
    path = kdir / "entries" / "nkust-mooc.yaml"
    with path.open("a", encoding="utf-8") as f:
        f.write(("# " + "x" * 1000 + "\n") * (MAX_FILE_BYTES // 1000 + 1))
    msgs = _problems(kdir)
    assert any(m.startswith("knowledge/entries/nkust-mooc.yaml:1:") and "over the limit" in m for m in msgs), msgs[:5]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_named_yaml_is_refused_without_hanging(kdir: Path) -> None:
    os.mkfifo(kdir / "entries" / "zz-pipe.yaml")
    os.unlink(kdir / "glossary.yaml")
    os.mkfifo(kdir / "glossary.yaml")
    run = _check_cli(kdir)  # before: blocked forever opening the FIFO
    assert run.returncode == 1
    assert "knowledge/entries/zz-pipe.yaml:1: refused: not a regular file (a FIFO)" in run.stdout
    assert "knowledge/glossary.yaml:1: refused: not a regular file (a FIFO)" in run.stdout


def test_symlink_to_dev_zero_is_refused(kdir: Path) -> None:
    os.symlink("/dev/zero", kdir / "entries" / "zero.yaml")
    source = kdir / "sources" / "nkust-mooc.txt"
    source.unlink()
    os.symlink("/dev/zero", source)
    msgs = _problems(kdir)
    assert any(m.startswith("knowledge/entries/zero.yaml:1: refused: resolves outside") for m in msgs), msgs[:5]
    assert any(m.startswith("knowledge/sources/nkust-mooc.txt:1:") and "resolves outside" in m for m in msgs), msgs[:5]


def test_symlink_out_of_the_folder_is_refused_and_one_inside_is_followed(kdir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    shutil.copy(kdir / "entries" / "fcu-mooc-reward.yaml", outside)
    (kdir / "entries" / "fcu-mooc-reward.yaml").unlink()
    os.symlink(outside, kdir / "entries" / "fcu-mooc-reward.yaml")
    inside = kdir / "shared-copy.yaml"
    shutil.move(str(kdir / "entries" / "nkust-mooc.yaml"), inside)
    os.symlink(inside, kdir / "entries" / "nkust-mooc.yaml")
    msgs = _problems(kdir)
    assert any(m.startswith("knowledge/entries/fcu-mooc-reward.yaml:1: refused: resolves outside") for m in msgs), msgs[:5]
    assert not any("nkust-mooc.yaml" in m for m in msgs), msgs[:5]


def test_a_source_path_out_of_the_folder_is_refused(kdir: Path) -> None:
    docs = kdir / "documents.yaml"
    docs.write_text(docs.read_text(encoding="utf-8").replace("source: nkust-mooc.txt", "source: ../../../../../../etc/passwd", 1), encoding="utf-8")
    msgs = _problems(kdir)
    assert any("etc/passwd:1: source of nkust-mooc: refused: resolves outside" in m for m in msgs), msgs[:5]


def test_every_refusal_is_reported_in_one_check_run(kdir: Path, tmp_path: Path) -> None:
    (kdir / "glossary.yaml").write_text(_billion_laughs(), encoding="utf-8")
    os.symlink("/dev/zero", kdir / "entries" / "zero.yaml")
    os.symlink(tmp_path, kdir / "entries" / "dir.yaml")
    if hasattr(os, "mkfifo"):
        os.mkfifo(kdir / "entries" / "pipe.yaml")
    _entry_with_strings(kdir, '["' + "x" * (MAX_STRING_CHARS + 1) + '"]')
    run = _check_cli(kdir)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    out = run.stdout
    for needle in ("glossary.yaml:", "entries/zero.yaml:1: refused", "entries/dir.yaml:1: refused", "nkust-mooc.yaml:"):
        assert needle in out, (needle, out[:2000])
    if hasattr(os, "mkfifo"):
        assert "entries/pipe.yaml:1: refused: not a regular file (a FIFO)" in out


def test_read_knowledge_file_refuses_devices_and_directories(tmp_path: Path) -> None:
    os.symlink("/dev/null", tmp_path / "null.txt")
    with pytest.raises(UnsafeFileError, match="resolves outside"):
        read_knowledge_file(tmp_path / "null.txt", tmp_path)
    with pytest.raises(UnsafeFileError, match="not a regular file"):
        read_knowledge_file(Path("/dev/null"), Path("/dev"))
    (tmp_path / "d.yaml").mkdir()
    with pytest.raises(UnsafeFileError, match="a directory"):
        read_knowledge_file(tmp_path / "d.yaml", tmp_path)
    with pytest.raises(UnsafeFileError, match="cannot read"):
        read_knowledge_file(tmp_path / "missing.yaml", tmp_path)
    (tmp_path / "ok.txt").write_text("好", encoding="utf-8")
    assert read_knowledge_file(tmp_path / "ok.txt", tmp_path) == "好"
