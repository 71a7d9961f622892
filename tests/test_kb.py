"""The knowledge base: the shipped one is valid; broken ones are reported as file:line: message."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REGISTRY: tuple[str, ...] = ()  # every calculator is a rule definition of the knowledge base
from core.kb import check
from core.schema import clause_to_path
from core.yamlload import load_yaml

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


def test_shipped_knowledge_base_passes_check() -> None:
    report = check(KNOWLEDGE, REGISTRY)
    assert [str(p) for p in report.problems] == []
    assert report.kb is not None
    assert {report.kb.entry_document[e.id] for e in report.kb.entries} == set(report.kb.documents)
    # Coverage: nothing left but allowed lines.
    assert report.coverage is not None
    assert all(not lines for lines in report.coverage.uncovered.values())


def test_every_entry_has_the_required_content(kb) -> None:  # type: ignore[no-untyped-def]
    for e in kb.entries:
        assert len(e.questions_zh) >= 3 and len(e.questions_en) >= 1, e.id
        assert e.answer_zh.strip() and e.answer_en.strip(), e.id
        assert clause_to_path(e.clause) == e.path, e.id


def test_documents_carry_dates_and_status_notes(kb) -> None:  # type: ignore[no-untyped-def]
    moe = kb.documents["moe-mooc-series"]
    assert "106年7月1日" in (moe.status_zh or "") and "107年12月31日" in (moe.status_zh or "")
    fcu = kb.documents["fcu-mooc-reward"]
    assert "107年7月31日" in (fcu.status_zh or "")
    assert [d.iso for d in kb.documents["nkust-mooc"].dates] == ["2020-06-17"]
    assert kb.documents["ndhu-elearning"].dates[-1].roc == "114.04.21"


@pytest.mark.parametrize(
    "clause, path",
    [
        ("三、(一)1.", ("3", "1", "1")),
        ("第二條", ("2",)),
        ("壹、", ("1",)),
        ("參、1.", ("3", "1")),
        ("2、(2)2.", ("2", "2", "2")),
        ("四、(一)2.(1)", ("4", "1", "2", "1")),
        ("十一、(一)2.", ("11", "1", "2")),
        ("附表：線上輔導鐘點費", ("附表", "線上輔導鐘點費")),
        ("附表：教學助理 1.", ("附表", "教學助理", "1")),
        ("附表【說明】3.", ("附表", "說明", "3")),
        ("表二", ("表二",)),
        ("附件五二、1.", ("附件五", "2", "1")),
        ("預算表：工作費、工讀費 2.", ("預算表", "工作費、工讀費", "2")),
        ("2、(2)表4.", ("2", "2", "表", "4")),
        ("摘要", ("摘要",)),
    ],
)
def test_clause_labels_give_contract_paths(clause: str, path: tuple[str, ...]) -> None:
    assert clause_to_path(clause) == path


def test_clause_label_that_cannot_be_read() -> None:
    with pytest.raises(ValueError):
        clause_to_path("Article two")


def test_yaml_keeps_dates_as_strings_and_flags_duplicate_keys(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text("a: 2020-06-17\nb: 1\nb: 2\n", encoding="utf-8")
    data, problems = load_yaml(f, "x.yaml")
    assert data["a"] == "2020-06-17"
    assert [str(p) for p in problems] == ["x.yaml:3: duplicate key 'b' (first on line 2)"]


# --- broken fixtures: a copy of the knowledge base with one defect each -------------------------------


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    dest = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, dest)
    return dest


def _mutate(root: Path, doc: str, old: str, new: str) -> tuple[str, int]:
    """Replace the first `old` in an entry file; return the file's display name and the line of the change."""
    path = root / "entries" / f"{doc}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    pos = text.index(old)
    path.write_text(text[:pos] + new + text[pos + len(old):], encoding="utf-8")
    return f"knowledge/entries/{doc}.yaml", text[:pos].count("\n") + 1


def _messages(root: Path) -> list[str]:
    return [str(p) for p in check(root, REGISTRY).problems]


def test_bad_yaml_is_reported_with_file_and_line(broken: Path) -> None:
    name, line = _mutate(broken, "nkust-mooc", "  - id: nkust-3-1-2\n", "  - id: nkust-3-1-2\n    clause: [unclosed\n")
    msgs = _messages(broken)
    assert any(m.startswith(f"{name}:") and "YAML syntax error" in m for m in msgs), msgs[:5]
    bad = [m for m in msgs if "YAML syntax error" in m][0]
    assert abs(int(bad.split(":")[1]) - (line + 1)) <= 2


def test_missing_field_is_reported(broken: Path) -> None:
    name, line = _mutate(broken, "fcu-mooc-reward", "    answer_en:", "    answer_en_typo:")
    msgs = _messages(broken)
    assert any(m.startswith(f"{name}:") and "answer_en" in m for m in msgs), msgs[:5]
    assert any(m.startswith(f"{name}:{line}:") and "answer_en_typo" in m for m in msgs), msgs[:5]


def test_non_verbatim_quote_is_reported(broken: Path) -> None:
    name, line = _mutate(broken, "nkust-mooc", "每一學分授予以十八小時為原則", "每一學分授予以十六小時為原則")
    msgs = _messages(broken)
    hits = [m for m in msgs if "not verbatim" in m]
    assert hits and hits[0].startswith(f"{name}:")
    reported = int(hits[0].split(":")[1])
    lines = (broken / "entries" / "nkust-mooc.yaml").read_text(encoding="utf-8").splitlines()
    # The line of the entry's `quote:` key, just above the changed text.
    assert "quote:" in lines[reported - 1] and 0 <= line - reported <= 5


def test_duplicate_id_is_reported(broken: Path) -> None:
    name, line = _mutate(broken, "nkust-mooc", "  - id: nkust-3-1-2\n", "  - id: nkust-3\n")
    msgs = _messages(broken)
    assert any(m.startswith(f"{name}:{line}:") and "duplicate entry id nkust-3" in m for m in msgs), msgs[:5]


def test_duplicate_key_is_reported(broken: Path) -> None:
    name, line = _mutate(broken, "moe-mooc-series", "    title_en:", "    title: again\n    title_en:")
    msgs = _messages(broken)
    assert any(m.startswith(f"{name}:{line}:") and "duplicate key 'title'" in m for m in msgs), msgs[:5]


def test_path_that_does_not_match_its_clause_is_reported(broken: Path) -> None:
    name, line = _mutate(broken, "nkust-mooc", 'path: ["3", "1", "2"]', 'path: ["3", "2", "2"]')
    msgs = _messages(broken)
    assert any(m.startswith(f"{name}:{line}:") and "does not match clause" in m for m in msgs), msgs[:5]


def _first(root: Path, doc: str, pattern: str) -> str:
    text = (root / "entries" / f"{doc}.yaml").read_text(encoding="utf-8")
    m = re.search(pattern, text, flags=re.M)
    assert m, pattern
    return m.group(0)


def test_missing_related_id_and_fact_not_in_quote_are_reported(broken: Path) -> None:
    related = _first(broken, "nkust-mooc", r"^    related: \[.*\]$")
    name, rel_line = _mutate(broken, "nkust-mooc", related, "    related: [nkust-99]")
    fact = _first(broken, "nkust-mooc", r"value: \d+,")
    _, fact_line = _mutate(broken, "nkust-mooc", fact, "value: 7777,")
    msgs = _messages(broken)
    assert any(m.startswith(f"{name}:{rel_line}:") and "related id nkust-99 does not exist" in m for m in msgs), msgs[:5]
    assert any(m.startswith(f"{name}:{fact_line}:") and "fact value 7777 does not appear" in m for m in msgs), msgs[:5]


def test_every_problem_is_reported_in_one_run(broken: Path) -> None:
    _mutate(broken, "nkust-mooc", "每一學分授予以十八小時為原則", "每一學分授予以十六小時為原則")
    _mutate(broken, "fcu-mooc-reward", "    answer_en:", "    answer_en_typo:")
    _mutate(broken, "ndhu-elearning", "document: ndhu-elearning", "document: ndhu-elearning\ndocument: again")
    msgs = _messages(broken)
    assert any("not verbatim" in m for m in msgs)
    assert any("fcu-mooc-reward.yaml" in m for m in msgs)
    assert any("ndhu-elearning.yaml" in m and "duplicate key" in m for m in msgs)


def _run(args: list[str], env_extra: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, **(env_extra or {}))
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run([sys.executable, "bot.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=120)


@pytest.mark.e2e
def test_bot_refuses_to_start_on_an_invalid_knowledge_base(broken: Path) -> None:
    name, _ = _mutate(broken, "nkust-mooc", "每一學分授予以十八小時為原則", "每一學分授予以十六小時為原則")
    run = _run(["ask", "高科大學分怎麼算"], {"KNOWLEDGE_DIR": str(broken)})
    assert run.returncode == 1
    assert name in run.stderr and "not verbatim" in run.stderr
    run = _run([], {"KNOWLEDGE_DIR": str(broken)}, stdin="hi\n")
    assert run.returncode == 1 and "refusing to start" in run.stderr


@pytest.mark.e2e
def test_check_command_exit_codes(broken: Path) -> None:
    ok = _run(["check"])
    assert ok.returncode == 0 and "coverage" in ok.stdout
    _mutate(broken, "nkust-mooc", "  - id: nkust-3-1-2\n", "  - id: nkust-3\n")
    bad = _run(["check"], {"KNOWLEDGE_DIR": str(broken)})
    assert bad.returncode == 1 and "duplicate entry id" in bad.stdout


@pytest.mark.e2e
def test_kb_json_lists_every_entry(kb) -> None:  # type: ignore[no-untyped-def]
    run = _run(["kb", "--json"])
    assert run.returncode == 0
    rows = json.loads(run.stdout)
    assert len(rows) == len(kb.entries)
    assert set(rows[0]) >= {"id", "document", "clause", "path", "quote", "answer_zh"}


@pytest.mark.parametrize("overview, says", [("nkust-9-9", "does not exist"), ("fcu-1", "is an entry of fcu-mooc-reward")])
def test_a_documents_overview_must_be_one_of_its_own_entries(broken: Path, overview: str, says: str) -> None:
    path = broken / "documents.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    overview: nkust-1\n", f"    overview: {overview}\n"), encoding="utf-8")
    line = text[:text.index("    overview: nkust-1\n")].count("\n") + 1
    assert f"knowledge/documents.yaml:{line}: nkust-mooc: overview {overview} {says}" in _messages(broken)
