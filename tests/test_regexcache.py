"""The compiled regular expressions kept between starts (regexcache.py): put back exactly as `re` compiles them,
written only when a pattern is new, and ignored — never an error — when the file is not ours, of another Python,
corrupt, or holds a compiled form the engine refuses."""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import regexcache

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = [
    (r"(?P<n>\d+)\s*(?:小時|分鐘)", 0),
    (r"[\u4e00-\u9fff]{1,3}?(?:大學|科大)", 0),
    (r"\b(?:per|each)\s+(?P<what>[a-z]+)", re.IGNORECASE),
    (r"^(?:好|謝謝)[！!。.]*$", re.MULTILINE),
]


@pytest.fixture
def fresh_re() -> Iterator[None]:
    """`re`'s cache and the module's record of what it loaded, emptied for the test and restored after it."""
    saved = dict(re._cache)  # type: ignore[attr-defined]
    loaded = set(regexcache._loaded)
    re.purge()
    regexcache._loaded.clear()
    try:
        yield
    finally:
        re.purge()
        re._cache.update(saved)  # type: ignore[attr-defined]
        regexcache._loaded.clear()
        regexcache._loaded.update(loaded)


def _compile_all() -> None:
    for pattern, flags in PATTERNS:
        re.compile(pattern, flags)


def _fresh(pattern: str, flags: int) -> re.Pattern[str]:
    return re._compiler.compile(pattern, flags)  # type: ignore[attr-defined,no-any-return]


def _cached(pattern: str, flags: int) -> re.Pattern[str] | None:
    return re._cache.get((str, pattern, int(flags)))  # type: ignore[attr-defined,no-any-return]


def _rewrite(path: Path, entries: object) -> None:
    """The file with other entries and a matching digest, as this process (still ours and 0600)."""
    head, version, _digest, _ = path.read_bytes().split(b"\n", 3)
    payload = marshal.dumps(entries)
    path.write_bytes(head + b"\n" + version + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)


def test_stored_patterns_come_back_identical_to_a_fresh_compilation(tmp_path: Path, fresh_re: None) -> None:
    _compile_all()
    assert regexcache.store(tmp_path)
    path = regexcache.path_in(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    re.purge()
    regexcache._loaded.clear()
    assert regexcache.preload(tmp_path) == len(PATTERNS)
    for pattern, flags in PATTERNS:
        cached = _cached(pattern, flags)
        assert cached is not None, pattern
        assert cached == _fresh(pattern, flags)  # same flags, pattern and engine code
        assert re.compile(pattern, flags) is cached  # what `re.compile` now returns
    m = re.compile(PATTERNS[2][0], PATTERNS[2][1]).search("EACH Course")
    assert m is not None and m.group("what") == "Course"


def test_a_file_is_written_only_when_a_pattern_is_new(tmp_path: Path, fresh_re: None) -> None:
    _compile_all()
    assert regexcache.store(tmp_path)
    assert not regexcache.store(tmp_path)  # nothing new
    re.purge()
    regexcache._loaded.clear()
    regexcache.preload(tmp_path)
    assert not regexcache.store(tmp_path)
    re.compile(r"新的(?:樣式)+", 0)
    assert regexcache.store(tmp_path)
    re.purge()
    regexcache._loaded.clear()
    assert regexcache.preload(tmp_path) == len(PATTERNS) + 1


def test_a_file_not_ours_or_not_0600_is_ignored(tmp_path: Path, fresh_re: None) -> None:
    _compile_all()
    regexcache.store(tmp_path)
    path = regexcache.path_in(tmp_path)
    os.chmod(path, 0o644)
    re.purge()
    assert regexcache.preload(tmp_path) == 0
    assert _cached(*PATTERNS[0]) is None


@pytest.mark.parametrize("damage", ["digest", "version", "truncated", "not a list"])
def test_a_corrupt_or_foreign_file_is_a_miss(tmp_path: Path, fresh_re: None, damage: str) -> None:
    _compile_all()
    regexcache.store(tmp_path)
    path = regexcache.path_in(tmp_path)
    data = path.read_bytes()
    if damage == "digest":
        data = data.replace("分鐘".encode(), "分钟".encode())  # still well-formed: only the digest tells
    elif damage == "version":
        data = data.replace(b"sre ", b"sre 1", 1)
    elif damage == "truncated":
        data = data[: len(data) // 2]
    path.write_bytes(data)
    if damage == "not a list":
        _rewrite(path, {"a": 1})
    re.purge()
    assert regexcache.preload(tmp_path) == 0
    assert re.compile(*PATTERNS[0]).search("90 分鐘") is not None  # compiled as usual


def test_a_compiled_form_the_engine_refuses_is_skipped(tmp_path: Path, fresh_re: None) -> None:
    _compile_all()
    regexcache.store(tmp_path)
    path = regexcache.path_in(tmp_path)
    entries = marshal.loads(path.read_bytes().split(b"\n", 3)[3])
    bad = list(entries[0])
    bad[3] = [1, 2, 3]  # not engine code
    odd = list(entries[1])
    odd[1] = "0"  # flags not a number
    _rewrite(path, [tuple(bad), tuple(odd), ("too", "short"), *entries[2:]])
    re.purge()
    assert regexcache.preload(tmp_path) == len(PATTERNS) - 2
    assert _cached(*PATTERNS[0]) is None and _cached(*PATTERNS[1]) is None
    assert _cached(*PATTERNS[2]) == _fresh(*PATTERNS[2])
    assert re.compile(*PATTERNS[0]).search("3 小時") is not None


def test_a_start_writes_the_file_and_the_next_start_uses_it(tmp_path: Path) -> None:
    env = {**os.environ, "CACHE_DIR": str(tmp_path / "cache")}
    probe = ("import re, sys, bot; rc = bot.main(sys.argv[1:]); "
             "print(len(regexcache._loaded) if (regexcache := sys.modules.get('regexcache')) else -1)")
    first = subprocess.run([sys.executable, "-c", probe, "ask", "高科大學習 9 小時可以拿幾學分？"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr[-2000:]
    assert regexcache.path_in(tmp_path / "cache").is_file()
    again = subprocess.run([sys.executable, "-c", probe, "ask", "高科大學習 9 小時可以拿幾學分？"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    *answer, loaded = again.stdout.strip().splitlines()
    assert "0.5" in "\n".join(answer)
    assert int(loaded) > 100  # the project's patterns came from the file
