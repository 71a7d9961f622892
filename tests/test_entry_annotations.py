"""Entries' readable citations (table rows' cells), users' notes kept apart from maintainers' notes, and topics."""

from __future__ import annotations

import re
from pathlib import Path

from core.kb import KnowledgeBase
from lang.textnorm import fold

AUTHORING = Path(__file__).resolve().parent.parent / "knowledge" / "AUTHORING.md"

# A table row's clause: the FCU 附表 rows and their 備註, the NDHU 遠距 table rows, the budget rows, NTHU 表一/表二 rows.
TABLE_ROW = re.compile(r"^(附表：|預算表：|表[一二]：|2、\(2\)表\d)")
COLUMNS = {
    "fcu-mooc-reward": {"教育部磨課師標竿課程", "教育部磨課師錄取課程", "逢甲大學SPOC錄取課程", "備註"},
    "ndhu-elearning": {"教學活動與內容", "規範", "項目", "單價(元)", "數量", "總價(元)", "說明"},
    "nthu-beijing-2016": {"會議時間", "地點", "拜訪對象", "課程"},
}


def test_every_table_row_is_quoted_cell_by_cell(kb: KnowledgeBase) -> None:
    rows = [e for e in kb.entries if TABLE_ROW.match(e.clause)]
    assert len(rows) >= 45
    for e in rows:
        doc = kb.entry_document[e.id]
        assert e.cells, e.id
        assert set(e.cells) <= COLUMNS[doc], (e.id, set(e.cells) - COLUMNS[doc])
        for text in e.cells.values():
            assert "|" not in text and fold(text) in fold(e.quote), e.id
        # Only a row whose label cell is blank goes without a label.
        assert e.row_label or e.id == "ndhu-budget-teaching-items", e.id


def test_an_empty_column_has_no_cell(kb: KnowledgeBase) -> None:
    # FCU: the SPOC column is empty for online tutoring and the research-plan credit.
    assert "逢甲大學SPOC錄取課程" not in kb.by_id["fcu-table-tutoring"].cells
    assert "逢甲大學SPOC錄取課程" not in kb.by_id["fcu-table-research"].cells
    assert "8 倍" in kb.by_id["fcu-table-recording-fee"].cells["教育部磨課師標竿課程"]
    assert "4 倍" in kb.by_id["fcu-table-recording-fee"].cells["逢甲大學SPOC錄取課程"]


# Words of notes about the conversion, the source file or how answers are built: maintainers' business.
MAINTAINERS = re.compile(r"轉檔|文字檔|文字版|欄位標題|標題遺失|回答時|照列|conversion|text version|headers? (were|was) lost|answers (quote|mention|do not)|the text file", re.I)


def test_users_notes_say_nothing_about_the_conversion(kb: KnowledgeBase) -> None:
    leaks = [e.id for e in kb.entries for note in (e.note_zh, e.note_en) if note and MAINTAINERS.search(note)]
    assert leaks == []
    assert sum(1 for e in kb.entries if e.maint_note) >= 10


def _topic_list() -> set[str]:
    text = AUTHORING.read_text(encoding="utf-8")
    block = text.split("### Topics", 1)[1].split("Leave `topic` out", 1)[0]
    return set(re.findall(r"[a-z][a-z-]+[a-z]", block.split("\n", 1)[1]))


def test_topics_are_names_of_the_list(kb: KnowledgeBase) -> None:
    names = _topic_list()
    assert {"credits", "platform", "student-assessment"} <= names
    for e in kb.entries:
        for t in (e.topic, *e.topics):
            if t is not None:
                assert t in names, (e.id, t)
        assert e.topic not in e.topics and len(set(e.topics)) == len(e.topics), e.id


def test_every_document_that_rules_on_a_shared_topic_is_found(kb: KnowledgeBase) -> None:
    def docs(topic: str) -> set[str]:
        return {kb.entry_document[e.id] for e in kb.entries if topic == e.topic or topic in e.topics}

    assert docs("subsidy-cap") >= {"nkust-mooc", "moe-mooc-series"}
    assert docs("recording-fee") >= {"nkust-mooc", "fcu-mooc-reward", "ndhu-elearning", "moe-mooc-series"}
    assert docs("weekly-video-time") >= {"nkust-mooc", "ndhu-elearning"}
    assert docs("total-video-hours") >= {"fcu-mooc-reward", "moe-mooc-series"}
    assert docs("online-tutoring") >= {"nkust-mooc", "fcu-mooc-reward", "ndhu-elearning"}
    assert docs("course-runs") >= {"nkust-mooc", "fcu-mooc-reward", "moe-mooc-series"}
    assert docs("definition") >= {"nkust-mooc", "ndhu-elearning"}
    # 考核 of a funded project (MOE) is not 評量 of students (NKUST, NDHU).
    assert docs("assessment") == {"moe-mooc-series"}
    assert docs("student-assessment") == {"nkust-mooc", "ndhu-elearning"}
