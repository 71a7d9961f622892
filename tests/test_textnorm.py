"""Converting to Traditional without OpenCC when OpenCC would change nothing: the same result, always."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lang.textnorm as textnorm
from lang.textnorm import looks_simplified, to_simplified, to_traditional

ROOT = Path(__file__).resolve().parent.parent


def _opencc(text: str) -> str:
    return str(textnorm._s2t().convert(text))


def _texts() -> Iterator[str]:
    for path in sorted((ROOT / "knowledge").rglob("*")):
        if path.suffix in (".yaml", ".txt", ".md"):
            yield from path.read_text(encoding="utf-8").splitlines()
    for path in sorted((ROOT / "tests" / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                yield from [case["q"]] if "q" in case else [t["q"] for t in case.get("turns", [])]


def test_the_table_is_in_use() -> None:
    assert textnorm._s2tw_changes() is not None


def test_the_table_matches_the_installed_opencc() -> None:
    tool = Path(textnorm.__file__).resolve().parent.parent / "scripts" / "opencc_table.py"
    run = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True, timeout=300)
    if "opencc_dict" in run.stderr and "No such file" in run.stderr:
        pytest.skip("this OpenCC has no opencc_dict tool")
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]


def test_every_knowledge_text_and_question_converts_as_opencc_does() -> None:
    texts = list(_texts())
    skipped = [t for t in texts if textnorm._unchanged_by_s2tw(t)]
    assert len(texts) > 10_000 and len(skipped) > len(texts) // 2  # the shortcut is taken, mostly
    for text in texts:
        assert to_traditional(text) == _opencc(text), text


_TABLE = textnorm._s2tw_changes()
_TRICKY = sorted(_TABLE[1]) if _TABLE else []  # characters that only some phrases change (面, 制, 只, 系 ...)
_PHRASE_PARTS = sorted({c for chars in (_TABLE[1].values() if _TABLE else ()) for phrase, _ in chars for c in phrase})
_ALPHABET = st.sampled_from(_TRICKY + _PHRASE_PARTS + list("學習課程補助磨課師高科大東華逢甲清華教育部，。？ 0123456789abc"))


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_ALPHABET, min_size=1, max_size=12))
def test_any_text_of_tricky_characters_converts_as_opencc_does(text: str) -> None:
    assert to_traditional(text) == _opencc(text)


def test_a_table_read_from_other_dictionaries_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = textnorm._TABLE.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    lines[at] = "0" * 64
    lines[at + 1] = ""  # a table that says nothing ever changes
    stale = tmp_path / "s2tw_changes.txt"
    stale.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(textnorm, "_TABLE", stale)
    textnorm._s2tw_changes.cache_clear()
    try:
        assert textnorm._s2tw_changes() is None
        assert to_traditional("高科大学习") == "高科大學習"
    finally:
        monkeypatch.undo()
        textnorm._s2tw_changes.cache_clear()


def test_a_traditional_question_does_not_load_opencc() -> None:
    probe = "import sys; from lang.textnorm import to_traditional as t; t('高科大學習 9 小時可以拿幾學分？'); print('opencc' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.stdout.strip() == "False", run.stderr
    probe = "import sys; from lang.textnorm import to_traditional as t; print(t('高科大学习'), 'opencc' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.stdout.strip() == "高科大學習 True", run.stderr


@pytest.mark.parametrize("text", ["請問高科大磨課師的學分可以抵免系上必修嗎", "我在系上開課，後面的規定是什麼？"])
def test_traditional_text_with_a_character_opencc_reads_as_simplified_is_still_traditional(text: str) -> None:
    """OpenCC turns 「系上」 (the department) into 「繫上」: the text changes, yet it is Traditional, and so is the reply."""
    assert to_traditional(text) != text
    assert not looks_simplified(text)
    assert looks_simplified(to_simplified(text))


def test_recent_conversions_are_remembered_within_a_bound_and_forgotten_on_request() -> None:
    from lang import textnorm

    textnorm.forget_conversions()
    assert textnorm.to_traditional("东华的课程") == textnorm.to_traditional("东华的课程") == "東華的課程"
    assert textnorm._traditional == {"东华的课程": "東華的課程"}
    for k in range(textnorm.TRADITIONAL_MEMO + 10):
        textnorm.to_traditional(f"第 {k} 門課")
    assert 0 < len(textnorm._traditional) <= textnorm.TRADITIONAL_MEMO
    textnorm.forget_conversions()
    assert textnorm._traditional == {}
