"""knowledge/gazetteer.yaml: institutions the knowledge base does not cover, found in the questions that name them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.kb import KnowledgeBase
from core.normalize import Normaliser, WordSet
from core.schema import GazetteerFile, Institution
from core.validation import validate
from core.yamlload import load_yaml

GAZETTEER = Path(__file__).resolve().parent.parent / "knowledge" / "gazetteer.yaml"


def names(inst: Institution) -> tuple[str, ...]:
    """Every name an institution is known by: the official names and the aliases."""
    return tuple(n for n in (inst.name_zh, inst.name_en, *inst.aliases) if n)


def occurs(alias: str, text: str) -> bool:
    """A normalised name in a normalised text; Latin names only on word boundaries (NTU is not inside NTUST)."""
    if re.fullmatch(r"[a-z0-9 .'()\-]+", alias):
        return re.search(rf"(?<![a-z0-9]){re.escape(alias)}(?![a-z0-9])", text) is not None
    return alias in text


@pytest.fixture(scope="module")
def norm(kb: KnowledgeBase) -> Normaliser:
    return Normaliser(kb.glossary)


@pytest.fixture(scope="module")
def by_name(kb: KnowledgeBase) -> dict[str, Institution]:
    return {i.name_zh: i for i in kb.institutions}


def test_the_gazetteer_loads_with_the_knowledge_base(kb: KnowledgeBase) -> None:
    data, problems = load_yaml(GAZETTEER, "knowledge/gazetteer.yaml")
    assert problems == []
    parsed = validate(GazetteerFile, data)
    assert kb.institutions == parsed.institutions
    taiwan = [i for i in kb.institutions if i.region == "taiwan" and i.kind in ("university", "college")]
    assert len(taiwan) >= 140, "every university and college in Taiwan"
    assert {i.region for i in kb.institutions} == {"taiwan", "mainland", "hongkong", "abroad"}
    assert {i.kind for i in kb.institutions} == {"university", "college", "body", "platform"}


def test_official_names_are_unique(kb: KnowledgeBase) -> None:
    seen: set[str] = set()
    for inst in kb.institutions:
        assert inst.name_zh not in seen, inst.name_zh
        seen.add(inst.name_zh)


def test_no_name_is_shared_by_two_institutions(kb: KnowledgeBase, norm: Normaliser) -> None:
    owner: dict[str, str] = {}
    clashes = []
    for inst in kb.institutions:
        for name in names(inst):
            key = norm.base(name)
            if key in owner and owner[key] != inst.name_zh:
                clashes.append(f"{name!r}: {owner[key]} and {inst.name_zh}")
            owner.setdefault(key, inst.name_zh)
    assert clashes == []


def test_no_name_is_a_covered_schools_name(kb: KnowledgeBase, norm: Normaliser) -> None:
    covered = {norm.base(n): doc for doc, ns in kb.glossary.schools.items() for n in ns}
    clashes = [
        f"{name!r} ({inst.name_zh}) is a name of {covered[norm.base(name)]}"
        for inst in kb.institutions
        for name in names(inst)
        if norm.base(name) in covered
    ]
    assert clashes == []


@pytest.mark.parametrize(
    "name", ["國立高雄科技大學", "高雄第一科技大學", "高雄應用科技大學", "高應大", "第一科大", "逢甲大學", "教育部", "東華大學", "花蓮教育大學", "清華大學", "清華", "新竹教育大學", "竹教大"]
)
def test_covered_schools_and_their_predecessors_are_not_listed(kb: KnowledgeBase, norm: Normaliser, name: str) -> None:
    assert all(norm.base(name) != norm.base(n) for inst in kb.institutions for n in names(inst))


def test_every_name_survives_normalisation_inside_a_question(kb: KnowledgeBase, norm: Normaliser) -> None:
    # The engine normalises the whole question; a name must still be found there as it is found on its own.
    lost = []
    for inst in kb.institutions:
        for name in names(inst):
            for frame in ("請問{}的磨課師學分怎麼算", "Does {} give credits for MOOCs?"):
                if not occurs(norm.base(name), norm.base(frame.format(name))):
                    lost.append((name, frame))
    assert lost == []


def test_documents_that_mention_an_institution_exist(kb: KnowledgeBase) -> None:
    for inst in kb.institutions:
        for doc in inst.mentioned_by:
            assert doc in kb.documents, (inst.name_zh, doc)
    # The report's mainland partners, the two 清華s kept apart.
    beijing = {i.name_zh: i for i in kb.institutions}["清華大學（北京）"]
    assert beijing.region == "mainland" and beijing.mentioned_by == ("nthu-beijing-2016",)


# Questions teachers type, naming an institution the knowledge base does not cover, and that institution.
QUESTIONS: list[tuple[str, str]] = [
    ("北科磨課師課程週數", "國立臺北科技大學"),
    ("北科大的磨課師一門課可以補助多少", "國立臺北科技大學"),
    ("Does NTU give credits for MOOCs?", "國立臺灣大學"),
    ("台大磨課師學分可以抵畢業學分嗎", "國立臺灣大學"),
    ("臺大的磨課師錄製鐘點費多少", "國立臺灣大學"),
    ("台科大的磨課師補助", "國立臺灣科技大學"),
    ("臺科的教學助理一週幾小時", "國立臺灣科技大學"),
    ("NTUST MOOC subsidy cap", "國立臺灣科技大學"),
    ("北京清華的磨課師學分怎麼算", "清華大學（北京）"),
    ("北京清華大學的磨課師規定是什麼", "清華大學（北京）"),
    ("What are Tsinghua University in Beijing's MOOC credit rules?", "清華大學（北京）"),
    ("成大磨課師獎勵金多少", "國立成功大學"),
    ("NCKU MOOC teaching assistant hours", "國立成功大學"),
    ("中興大學開磨課師要準備什麼", "國立中興大學"),
    ("中正大學的數位學習課程申請流程", "國立中正大學"),
    ("高醫的磨課師影片要幾分鐘", "高雄醫學大學"),
    ("KMU MOOC video length", "高雄醫學大學"),
    ("政大磨課師課程補助多少錢", "國立政治大學"),
    ("陽明交大磨課師可以抵幾學分", "國立陽明交通大學"),
    ("交大的磨課師獎勵辦法", "國立陽明交通大學"),
    ("NYCU MOOC copyright", "國立陽明交通大學"),
    ("北醫磨課師助教怎麼申請", "臺北醫學大學"),
    ("高師大的磨課師製作期限", "國立高雄師範大學"),
    ("彰師大開設磨課師要經過哪些委員會", "國立彰化師範大學"),
    ("海大磨課師鐘點費", "國立臺灣海洋大學"),
    ("中山大學的磨課師學分上限", "國立中山大學"),
    ("NSYSU MOOC credits", "國立中山大學"),
    ("中央大學磨課師補助上限", "國立中央大學"),
    ("NCU online tutoring fee for MOOCs", "國立中央大學"),
    ("師大磨課師的教學助理", "國立臺灣師範大學"),
    ("輔大磨課師課程怎麼開", "輔仁大學"),
    ("淡江的磨課師課程週數規定", "淡江大學"),
    ("東海大學的磨課師補助", "東海大學"),
    ("長庚大學磨課師學分採認", "長庚大學"),
    ("中原大學有磨課師獎勵嗎", "中原大學"),
    ("元智磨課師課程要幾週", "元智大學"),
    ("雲科大的磨課師申請書", "國立雲林科技大學"),
    ("屏科大磨課師教學助理費", "國立屏東科技大學"),
    ("臺北大學磨課師學分", "國立臺北大學"),
    ("高雄大學的磨課師開課次數", "國立高雄大學"),
    ("空大的磨課師學分怎麼算", "國立空中大學"),
    ("文化大學磨課師補助", "中國文化大學"),
    ("南臺科大磨課師影片長度", "南臺科技大學"),
    ("北京大学的慕课学分怎么认定", "北京大學"),
    ("Peking University MOOC credits", "北京大學"),
    ("复旦的慕课怎么申请", "復旦大學"),
    ("浙大磨課師學分", "浙江大學"),
    ("上海交大的MOOC规定", "上海交通大學"),
    ("南京大學的磨課師補助", "南京大學"),
    ("港大的MOOC學分", "香港大學"),
    ("CUHK MOOC credit transfer", "香港中文大學"),
    ("港科大磨課師補助", "香港科技大學"),
    ("HKUST online course subsidy", "香港科技大學"),
    ("Coursera 的課可以抵學分嗎", "Coursera"),
    ("Can I get credits for an edX course?", "edX"),
    ("Udemy 課程算磨課師嗎", "Udemy"),
    ("Harvard MOOC rules", "哈佛大學"),
    ("MIT 的開放式課程規定", "麻省理工學院"),
    ("史丹佛的線上課程學分", "史丹佛大學"),
    ("國科會的計畫補助上限多少", "國家科學及技術委員會"),
    ("科技部計畫可以跟磨課師一起申請嗎", "國家科學及技術委員會"),
    ("勞動部規定工讀生一天工作幾小時", "勞動部"),
    ("文化部有補助磨課師嗎", "文化部"),
    ("學堂在線的課程怎麼上架", "學堂在線"),
    ("中國大學MOOC的修課人數", "中國大學MOOC"),
    ("高等教育出版社和清華合作什麼", "高等教育出版社"),
    ("教學實踐研究計畫的補助", "教學實踐研究計畫"),
]


def test_the_question_table_is_large_enough() -> None:
    assert len(QUESTIONS) >= 40
    assert len({q for q, _ in QUESTIONS}) == len(QUESTIONS)


@pytest.mark.parametrize("question, expected", QUESTIONS)
def test_a_question_names_its_institution(norm: Normaliser, by_name: dict[str, Institution], question: str, expected: str) -> None:
    text = norm.base(question)
    inst = by_name[expected]
    found = [n for n in names(inst) if occurs(norm.base(n), text)]
    assert found, f"no name of {expected} in {text!r}"


_WORD_CHARS = "abc .-1大學台"


@settings(max_examples=300, deadline=None)
@given(st.sets(st.text(alphabet=_WORD_CHARS, min_size=1, max_size=5), min_size=1, max_size=12), st.text(alphabet=_WORD_CHARS + "xy，", max_size=40))
def test_the_names_pattern_finds_what_a_longest_first_alternation_finds(words: set[str], text: str) -> None:
    """The pattern of names (a trie for Chinese names, a trie of whole words for Latin ones), and the word set walked
    in Python that finds institutions' names, match what the plain alternation of the names, longest first, matches:
    the same spans in the same order."""
    latin = sorted((w for w in words if re.fullmatch(r"[a-z0-9 .\-]+", w)), key=lambda w: (-len(w), w))
    other = sorted((w for w in words if w not in latin), key=lambda w: (-len(w), w))
    parts = [f"(?:{'|'.join(map(re.escape, other))})"] if other else []
    if latin:
        parts.append(r"(?<![a-z])(?:" + "|".join(map(re.escape, latin)) + r")(?![a-z])")
    plain = re.compile("|".join(parts))
    ours = Normaliser._alternation(sorted(words))
    expected = [m.span() for m in plain.finditer(text)]
    assert [m.span() for m in ours.finditer(text)] == expected
    found = WordSet(sorted(words))
    assert found.spans(text) == expected
    assert found.sub(lambda w: f"<{w}>", text) == plain.sub(lambda m: f"<{m.group(0)}>", text)
