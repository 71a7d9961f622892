"""Adding a school's document is a data change: a sixth, made-up document (documents.yaml, the glossary, an entries
file and its source text; no rule definitions, no Python) is validated, answered from, refused for what it does not
say, and listed wherever the documents are listed."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
import yaml

from bootstrap import build_engine, load_knowledge
from core.engine import Engine
from frontends.console import run_console

ROOT = Path(__file__).resolve().parent.parent

SOURCE = """範例科技大學磨課師課程實施要點
一、本校為推動磨課師課程，特訂定本要點。
二、磨課師課程每一學分之線上學習時數以二十小時為原則。
三、教師製作磨課師課程，每門課程補助新臺幣八萬元為上限。
"""

DOCUMENT = {
    "id": "example-mooc",
    "role": "university",
    "name_zh": "範科大",
    "name_en": "EUT",
    "title_zh": "範例科技大學磨課師課程實施要點",
    "title_en": "Example University of Technology (EUT) MOOC Guidelines",
    "short_zh": "範科大磨課師課程實施要點",
    "short_en": "EUT MOOC guidelines",
    "issuer_zh": "範例科技大學",
    "issuer_en": "Example University of Technology (EUT)",
    "kind": "要點",
    "dates": [{"event": "passed", "roc": "115.01.05", "iso": "2026-01-05", "text": "115年1月5日行政會議通過"}],
    "citation_date": "115.01.05",
    "source": "example-mooc.txt",
}


def _entry(n: str, quote: str, zh: str, en: str, questions: list[str], keywords: list[str], facts: list[dict[str, object]], topic: str) -> dict[str, object]:
    return {
        "id": f"example-{n}",
        "clause": f"{'一二三'[int(n) - 1]}、",
        "path": [n],
        "title": keywords[0],
        "title_en": en.split(".")[0],
        "quote": quote,
        "answer_zh": zh,
        "answer_en": en,
        "questions_zh": questions,
        "questions_en": [f"EUT: {en.split('.')[0]}?"],
        "keywords": keywords,
        "facts": facts,
        "topic": topic,
    }


ENTRIES = {
    "document": "example-mooc",
    "uncovered_ok": [{"lines": "1", "reason": "title"}],
    "entries": [
        _entry("1", "一、本校為推動磨課師課程，特訂定本要點。", "範科大訂定本要點以推動磨課師課程。", "EUT made these guidelines to promote MOOCs.",
               ["範科大為什麼訂這個要點？", "範科大磨課師要點的目的", "這份要點是做什麼的"], ["推動", "目的"], [], "purpose"),
        _entry("2", "二、磨課師課程每一學分之線上學習時數以二十小時為原則。", "範科大磨課師每 1 學分原則上要 20 小時線上學習。",
               "At EUT one MOOC credit takes 20 hours of online learning as a rule.",
               ["範科大一學分要幾小時？", "範科大磨課師學分怎麼算", "線上學習幾小時算一學分"], ["學分", "線上學習時數"],
               [{"name": "hours_per_credit", "value": 20, "unit": "hours", "text": "二十小時"}], "credits"),
        _entry("3", "三、教師製作磨課師課程，每門課程補助新臺幣八萬元為上限。", "範科大每門磨課師課程製作補助上限 NT$80,000。",
               "EUT funds producing a MOOC up to NT$80,000 per course.",
               ["範科大磨課師補助多少？", "一門課最多補助多少錢", "製作補助上限"], ["補助", "上限", "製作"],
               [{"name": "cap", "value": 80000, "unit": "TWD", "text": "新臺幣八萬元"}], "subsidy-cap"),
    ],
}


@pytest.fixture(scope="module")
def six(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("six") / "knowledge"
    shutil.copytree(ROOT / "knowledge", root)
    (root / "sources" / "example-mooc.txt").write_text(SOURCE, encoding="utf-8")
    (root / "entries" / "example-mooc.yaml").write_text(yaml.safe_dump(ENTRIES, allow_unicode=True, sort_keys=False), encoding="utf-8")
    docs = yaml.safe_load((root / "documents.yaml").read_text(encoding="utf-8"))
    docs["documents"].append(DOCUMENT)
    (root / "documents.yaml").write_text(yaml.safe_dump(docs, allow_unicode=True, sort_keys=False), encoding="utf-8")
    glossary = (root / "glossary.yaml").read_text(encoding="utf-8")
    glossary = glossary.replace("schools:\n", "schools:\n  example-mooc: [範例科技大學, 範科大, eut, example university]\n", 1)
    (root / "glossary.yaml").write_text(glossary, encoding="utf-8")
    return build_engine(load_knowledge(root))


def test_the_sixth_document_is_answered_from_its_own_clause(six: Engine) -> None:
    ans = six.answer("範科大磨課師一學分要線上學習幾小時？")
    assert ans.kind == "answer" and ans.citations[0].document == "example-mooc" and ans.citations[0].path == ("2",)
    assert "20" in ans.text and "二十小時" in ans.text
    cap = six.answer("範科大一門磨課師最多補助多少錢？")
    assert cap.citations[0].document == "example-mooc" and "80,000" in cap.text


def test_the_other_schools_still_answer_and_the_new_one_is_never_another_schools_answer(six: Engine) -> None:
    assert six.answer("高科大磨課師學分怎麼算？").citations[0].document == "nkust-mooc"
    refused = six.answer("範科大的教學助理怎麼申請？")  # its document says nothing about TAs
    assert refused.kind == "unknown" and not any(c.document != "example-mooc" for c in refused.citations)


def test_the_new_document_is_listed_wherever_documents_are(six: Engine) -> None:
    assert "example-mooc" in [d.id for d in six.documents()]
    assert any("範例科技大學" in line for line in six.covered_list("zh"))
    assert six.school_of("範科大") == "example-mooc"
    out = io.StringIO()
    run_console(six, stdin=io.StringIO("/school 範科大\n/quit\n"), out=out)
    assert "範科大" in out.getvalue()
