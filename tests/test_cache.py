"""The on-disk cache of the knowledge base and the engine built over it: used when valid, rebuilt when any knowledge or code file
changes, ignored when its file is not ours or not 0600, safe to delete, and never a way to run code."""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import stat
import subprocess
import sys
import dataclasses
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import bootstrap
from core.cache import FORMAT, KnowledgeCache, cache_key, code_version
from core.kb import KnowledgeBase
from frontends.cli import check_command

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
MARK = "（取自快取的答案）"


def _files(cache: Path, kind: str) -> list[Path]:
    return sorted(cache.glob(f"{kind}-*.pickle"))


def _tamper(cache: Path, knowledge: Path, keep: int | None = None) -> KnowledgeBase:
    """Rewrite the cached knowledge base (as this process, so the file is still ours and 0600) with a marked answer
    (and only the first `keep` entries): a load that returns the mark read the cache; one that does not, validated the
    files again."""
    key = cache_key(knowledge, bootstrap._code())
    store = KnowledgeCache(cache, key)
    kb = store.load_kb()
    assert kb is not None
    first = kb.entries[0]
    marked = replace(first, answer_zh=first.answer_zh + MARK)
    entries = (marked, *kb.entries[1:keep])
    tampered = replace(kb, entries=entries, by_id={e.id: e for e in entries})
    store.store_kb(tampered)
    return tampered


@pytest.fixture()
def knowledge(tmp_path: Path) -> Path:
    dest = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, dest)
    return dest


def test_cache_is_written_0600_and_used_when_valid(knowledge: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = tmp_path / "cache"
    kb = bootstrap.load_knowledge(knowledge, cache)
    engine = bootstrap.build_engine(kb, cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    for kind in ("kb", "engine"):
        (path,) = _files(cache, kind)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_bytes().startswith(FORMAT)
    _tamper(cache, knowledge)
    again = bootstrap.load_knowledge(knowledge, cache)
    assert again.entries[0].answer_zh.endswith(MARK)
    with caplog.at_level(logging.DEBUG, logger="bootstrap"):
        cached = bootstrap.build_engine(again, cache)
    assert "engine from the cache" in caplog.text
    question = "高科大學習 9 小時可以拿幾學分？"
    assert cached.answer(question).text == engine.answer(question).text
    # The cached engine points at the knowledge base it was given, not at a copy of the one it was built over.
    assert cached.answer_entry(again.entries[0].id, "zh").text.count(MARK) == 1


@pytest.mark.parametrize("change", ["edit", "add", "rename", "delete-note"])
def test_any_change_to_a_knowledge_file_rebuilds(knowledge: Path, tmp_path: Path, change: str) -> None:
    cache = tmp_path / "cache"
    bootstrap.load_knowledge(knowledge, cache)
    _tamper(cache, knowledge)
    if change == "edit":
        with (knowledge / "glossary.yaml").open("a", encoding="utf-8") as f:
            f.write("\n# a comment changes nothing but the bytes\n")
    elif change == "add":
        (knowledge / "NOTES.txt").write_text("notes", encoding="utf-8")
    elif change == "rename":
        (knowledge / "AUTHORING.md").rename(knowledge / "AUTHORING.txt")
    else:
        (knowledge / "AUTHORING.md").unlink()
    kb = bootstrap.load_knowledge(knowledge, cache)
    assert not kb.entries[0].answer_zh.endswith(MARK)
    assert len(_files(cache, "kb")) == 2  # the new key's file beside the old one


def test_a_changed_code_file_changes_the_code_version(tmp_path: Path) -> None:
    for part in ("core", "rules", "lang"):
        (tmp_path / part).mkdir()
        (tmp_path / part / "a.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "bootstrap.py").write_text("y = 1\n", encoding="utf-8")
    parts = ("core", "rules", "lang", "bootstrap.py")
    first = code_version(tmp_path, parts)
    assert code_version(tmp_path, parts) == first
    seen = {first}
    for path in (tmp_path / "core" / "a.py", tmp_path / "rules" / "a.py", tmp_path / "lang" / "a.py", tmp_path / "bootstrap.py"):
        path.write_text(path.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
        seen.add(code_version(tmp_path, parts))
    (tmp_path / "core" / "new.py").write_text("", encoding="utf-8")
    seen.add(code_version(tmp_path, parts))
    assert len(seen) == 6
    assert {"core", "rules", "lang", "bootstrap.py"} <= set(bootstrap.CODE)


def _project_copy(dest: Path) -> Path:
    for path in ROOT.glob("*.py"):
        shutil.copy(path, dest / path.name)
    for name in ("core", "rules", "lang", "frontends", "knowledge"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def _ask(project: Path, cache: Path) -> str:
    env = {**os.environ, "CACHE_DIR": str(cache), "LOG_LEVEL": "DEBUG", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("KNOWLEDGE_DIR", None)
    run = subprocess.run([sys.executable, "bot.py", "ask", "高科大學分怎麼算"], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "學分" in run.stdout
    return run.stderr


def test_a_changed_code_file_rebuilds_the_cache_of_the_real_command(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    project = _project_copy(tmp_path / "project")
    cache = tmp_path / "cache"
    first = _ask(project, cache)
    assert "knowledge base from the cache" not in first
    second = _ask(project, cache)
    assert "knowledge base from the cache" in second and "engine from the cache" in second
    with (project / "core" / "matcher.py").open("a", encoding="utf-8") as f:
        f.write("\n# a new version of the code\n")
    third = _ask(project, cache)
    assert "knowledge base from the cache" not in third and "engine from the cache" not in third
    assert len(_files(cache, "kb")) == 2 and len(_files(cache, "engine")) == 2


def test_a_file_not_0600_is_ignored(knowledge: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = tmp_path / "cache"
    bootstrap.load_knowledge(knowledge, cache)
    _tamper(cache, knowledge)
    (path,) = _files(cache, "kb")
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        kb = bootstrap.load_knowledge(knowledge, cache)
    assert not kb.entries[0].answer_zh.endswith(MARK)
    assert "not a regular file of this user with mode 0600" in caplog.text
    path.chmod(0o640)
    assert not bootstrap.load_knowledge(knowledge, cache).entries[0].answer_zh.endswith(MARK)


def test_a_file_of_another_user_is_ignored(knowledge: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    bootstrap.load_knowledge(knowledge, cache)
    _tamper(cache, knowledge)
    (path,) = _files(cache, "kb")
    try:
        os.chown(path, os.geteuid() + 4242, -1)
    except PermissionError:
        pytest.skip("only root can give a file to another user")
    assert not bootstrap.load_knowledge(knowledge, cache).entries[0].answer_zh.endswith(MARK)


def test_a_symbolic_link_is_not_followed(knowledge: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    bootstrap.load_knowledge(knowledge, cache)
    _tamper(cache, knowledge)
    (path,) = _files(cache, "kb")
    elsewhere = tmp_path / "elsewhere.pickle"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    assert not bootstrap.load_knowledge(knowledge, cache).entries[0].answer_zh.endswith(MARK)


class _Payload:
    """What a hostile cache file would hold: unpickling it would run a command."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_cache_file_cannot_run_code(knowledge: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    bootstrap.load_knowledge(knowledge, cache)
    key = cache_key(knowledge, bootstrap._code())
    (path,) = _files(cache, "kb")
    marker = tmp_path / "ran"
    # A hostile pickle in a file that is ours, 0600, with the right header and key: only the allow-list stands in the way.
    path.write_bytes(FORMAT + key.encode() + b"\n" + pickle.dumps(_Payload(marker)))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kb = bootstrap.load_knowledge(knowledge, cache)
    assert not marker.exists()
    assert len(kb.entries) > 100


@pytest.mark.parametrize("damage", ["directory", "index", "truncated", "garbage", "header"])
def test_the_cache_is_safe_to_delete_or_damage(knowledge: Path, tmp_path: Path, damage: str) -> None:
    cache = tmp_path / "cache"
    expected = bootstrap.engine_from(knowledge, cache).answer("高科大學分怎麼算").text
    (kb_file,) = _files(cache, "kb")
    (index_file,) = _files(cache, "engine")
    if damage == "directory":
        shutil.rmtree(cache)
    elif damage == "index":
        index_file.unlink()
    elif damage == "truncated":
        data = kb_file.read_bytes()
        kb_file.write_bytes(data[: len(data) // 2])
        index_file.write_bytes(index_file.read_bytes()[:-100])
    elif damage == "garbage":
        kb_file.write_bytes(FORMAT + b"not a key\n" + os.urandom(1000))
        index_file.write_bytes(os.urandom(1000))
    else:
        data = kb_file.read_bytes()
        kb_file.write_bytes(b"mooc-knowledge-cache 0\n" + data[len(FORMAT):])
    assert bootstrap.engine_from(knowledge, cache).answer("高科大學分怎麼算").text == expected
    # ...and the next start has a usable cache again.
    assert _files(cache, "kb") and _files(cache, "engine")
    assert bootstrap.engine_from(knowledge, cache).answer("高科大學分怎麼算").text == expected


def test_an_unwritable_cache_directory_only_costs_speed(knowledge: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-a-directory"
    blocked.write_text("", encoding="utf-8")
    engine = bootstrap.engine_from(knowledge, blocked / "cache")
    assert "學分" in engine.answer("高科大學分怎麼算").text


def test_check_validates_the_files_never_the_cache(knowledge: Path, tmp_path: Path) -> None:
    import io

    cache = tmp_path / "cache"
    full = len(bootstrap.load_knowledge(knowledge, cache).entries)
    _tamper(cache, knowledge, keep=10)
    assert len(bootstrap.load_knowledge(knowledge, cache).entries) == 10  # the cache holds 10 entries...
    out = io.StringIO()
    assert check_command(knowledge, bootstrap.calculator_names(), out) == 0
    assert f"ok: {full} entries" in out.getvalue()  # ...check read all of them from the files
    # And an error in a file is found, whatever the cache held.
    path = knowledge / "entries" / "nkust-mooc.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("quote: 二、磨課師課程定義", "quote: 二、磨課師課程的定義", 1), encoding="utf-8")
    out = io.StringIO()
    assert check_command(knowledge, bootstrap.calculator_names(), out) == 1
    assert "not verbatim" in out.getvalue()


def test_an_engine_from_the_cache_answers_as_a_fresh_one(engine: Any, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    bootstrap.engine_from(KNOWLEDGE, cache)  # writes the cache
    cached = bootstrap.engine_from(KNOWLEDGE, cache)
    assert _files(cache, "engine")
    cases = [json.loads(line) for line in (ROOT / "tests" / "data" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    for case in cases:
        assert cached.answer(case["q"]).to_json() == engine.answer(case["q"]).to_json(), case["q"]


class _CallsOurFunction:
    """A pickle that would call a function of the project (not a class): refused like any other callable."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        from lang.textnorm import to_traditional

        return (to_traditional, ("学",))


def test_only_classes_of_the_project_and_listed_helpers_may_be_named() -> None:
    import io

    from core.cache import _Unpickler

    with pytest.raises(pickle.UnpicklingError, match="not allowed"):
        _Unpickler(io.BytesIO(pickle.dumps(_CallsOurFunction()))).load()
    with pytest.raises(pickle.UnpicklingError, match="not allowed"):
        _Unpickler(io.BytesIO(pickle.dumps(_Payload(Path("/nonexistent/marker"))))).load()
    kb_like = bootstrap.load_knowledge(KNOWLEDGE).entries[0]
    assert _Unpickler(io.BytesIO(pickle.dumps(kb_like))).load() == kb_like  # schema models load
    # Methods come back only as a normaliser's or matcher's public ones (what an engine holds), never another's.
    from core.cache import bound_method
    from core.normalize import Normaliser

    kb = bootstrap.load_knowledge(KNOWLEDGE)
    norm = Normaliser(kb.glossary, kb.institutions)
    assert _Unpickler(io.BytesIO(pickle.dumps(_Method(norm, "light")))).load()("臺灣") == norm.light("臺灣")
    fact = next(f for e in kb.entries for f in e.facts)
    for owner, name in ((norm, "_base"), (norm, "__init__"), (fact, "decimal")):
        with pytest.raises(pickle.UnpicklingError, match="may be read back"):
            _Unpickler(io.BytesIO(pickle.dumps(_Method(owner, name)))).load()
    assert bound_method is not None


class _Method:
    """A pickle that asks for a bound method by name."""

    def __init__(self, owner: Any, name: str):
        self.owner, self.name = owner, name

    def __reduce__(self) -> tuple[object, tuple[Any, str]]:
        from core.cache import bound_method

        return (bound_method, (self.owner, self.name))


def test_models_read_back_are_the_validated_ones_and_stay_frozen(knowledge: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    bootstrap.load_knowledge(knowledge, cache)
    kb = bootstrap.load_knowledge(knowledge, cache)
    fresh = bootstrap.load_knowledge(knowledge)
    assert kb.entries == fresh.entries and kb.documents == fresh.documents
    assert {n: r.spec for n, r in kb.rules.items()} == {n: r.spec for n, r in fresh.rules.items()}
    entry = kb.entries[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.answer_zh = "changed"  # type: ignore[misc]
    changed = replace(entry, maint_note="changed")
    assert changed.maint_note == "changed" and entry.maint_note != "changed" and changed.id == entry.id