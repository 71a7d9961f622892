"""Answer builders: the parts of each kind of reply, from entries, rule results and the knowledge base's own words.

No matching and no state here: the engine decides what to answer, these functions say it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from core.kb import KnowledgeBase
from core.model import Answer, Check, Citation, Figure, Followup, Note, Option, Section
from core.schema import Document, Entry
from lang.textnorm import collapse_ws, to_simplified
from rules.evaluate import RuleResult

_SENTENCE = re.compile(r"^(.+?[。！？]|.+?[.!?](?=\s|$))")


def first_sentence(text: str, limit: int = 90) -> str:
    """An answer's first sentence (for side-by-side comparisons), whole."""
    m = _SENTENCE.match(text.strip())
    s = m.group(1) if m else text.strip()
    return s if len(s) <= limit or not m else s


class Composer:
    """Builds answers over one knowledge base."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        # A grouping heading's sub-clauses: an answer from a heading cites the clauses that state the rules.
        self.children: dict[str, list[Entry]] = {}
        by_path = {(kb.entry_document[e.id], e.path): e for e in kb.entries}
        for e in kb.entries:
            parent = by_path.get((kb.entry_document[e.id], e.path[:-1])) if len(e.path) > 1 else None
            if parent is not None and parent.heading:
                self.children.setdefault(parent.id, []).append(e)

    def citations_of(self, e: Entry, lang: str, columns: tuple[str, ...] = ()) -> tuple[Citation, ...]:
        """The clauses an entry's answer rests on: itself, or for a grouping heading the sub-clauses it summarises."""
        kids = self.children.get(e.id)
        if e.heading and kids:
            return tuple(self.citation(k, lang, columns) for k in kids[:6])
        return (self.citation(e, lang, columns),)

    # --- pieces -------------------------------------------------------------------------------------

    def doc_name(self, doc_id: str, lang: str) -> str:
        """A document's issuer as people say it: 高科大, NKUST."""
        d = self.kb.documents[doc_id]
        return d.name_en if lang == "en" else d.name_zh

    def citation(self, entry: Entry, lang: str, columns: tuple[str, ...] = ()) -> Citation:
        """The citation of one entry; a table row is quoted cell by cell with its headers, only the cells that apply."""
        doc = self.kb.document_of(entry)
        en = lang == "en"
        label = entry.clause
        excerpt = ""
        if entry.cells:
            row = entry.row_label or entry.title
            name = entry.path[0] if entry.path else ""
            applying = [c for c in columns if c in entry.cells]
            if applying:
                label = f"{name} {row} · {'、'.join(applying)}"
                excerpt = "；".join(f"{c}：{collapse_ws(entry.cells[c])}" for c in applying)
                notes = [c for c in entry.cells if c not in applying and c in ("備註", "說明", "規範")]
                excerpt += "".join(f"；{c}：{collapse_ws(entry.cells[c])}" for c in notes)
            else:
                label = f"{name} {row}"
                excerpt = "；".join(f"{c}：{collapse_ws(t)}" for c, t in entry.cells.items())
        return Citation(
            document=doc.id,
            title=doc.title_zh,
            clause=entry.clause,
            path=entry.path,
            quote=collapse_ws(entry.quote),
            entry=entry.id,
            date=doc.citation_date,
            short=doc.name_en if en else doc.name_zh,
            label=label,
            excerpt=excerpt,
            status=(doc.status_en if en else doc.status_zh) or "",
        )

    def entry_parts(self, e: Entry, lang: str) -> tuple[str, tuple[Note, ...]]:
        """An entry's answer and its note for users (maintainers' notes are never shown)."""
        en = lang == "en"
        note = e.note_en if en else e.note_zh
        return (e.answer_en if en else e.answer_zh), ((Note("note", note),) if note else ())

    def followups(self, ids: tuple[str, ...], lang: str) -> tuple[Followup, ...]:
        """Related entries as suggested questions."""
        out: list[Followup] = []
        for rid in ids:
            e = self.kb.by_id.get(rid)
            if e is not None:
                q = e.questions_en[0] if lang == "en" else e.questions_zh[0]
                out.append(Followup(label=q, question=q, entry=rid))
        return tuple(out)

    # --- kinds of answer ----------------------------------------------------------------------------

    def single(self, question: str, e: Entry, score: float, lang: str, columns: tuple[str, ...] = ()) -> Answer:
        """One clause's answer, cited."""
        direct, notes = self.entry_parts(e, lang)
        related = tuple(r for r in e.related if r in self.kb.by_id)[:3]
        return Answer(
            question=question,
            kind="answer",
            direct=direct,
            notes=notes,
            citations=self.citations_of(e, lang, columns),
            followups=self.followups(related, lang),
            lang=lang,
            score=score,
            matched=(e.id,),
            related=related,
        )

    def section(self, e: Entry, lang: str, heading: str | None = None, columns: tuple[str, ...] = ()) -> Section:
        """One school's part of a several-school answer."""
        doc_id = self.kb.entry_document[e.id]
        direct, notes = self.entry_parts(e, lang)
        doc = self.kb.documents[doc_id]
        return Section(
            document=doc_id,
            heading=heading or (doc.short_en if lang == "en" else doc.short_zh),
            direct=direct,
            notes=notes,
            citations=self.citations_of(e, lang, columns),
        )

    def several(self, question: str, entries: list[tuple[Entry, float]], lang: str, direct: str, hints: tuple[Any, ...] = (), columns: tuple[str, ...] = ()) -> Answer:
        """Each document's rule side by side, each cited."""
        sections = tuple(self.section(e, lang, columns=columns) for e, _ in entries)
        return Answer(
            question=question,
            kind="answer",
            direct=direct,
            sections=sections,
            citations=tuple(c for s in sections for c in s.citations),
            options=tuple(Option(label=self.doc_name(s.document, lang), document=s.document, entry=s.citations[0].entry) for s in sections),
            hints=hints,
            lang=lang,
            score=entries[0][1] if entries else 0.0,
            matched=tuple(e.id for e, _ in entries),
        )

    def calculation(self, question: str, name: str, res: Any, lang: str, lead: str | None = None, carried: str = "") -> Answer:
        """A rule's result: the result first, then figures, steps, checks, notes, and every clause used (the rule first)."""
        ids = list(dict.fromkeys(([lead] if lead else []) + list(res.citations)))
        entries = [self.kb.by_id[i] for i in ids if i in self.kb.by_id]
        en = lang == "en"
        notes: list[Note] = []
        if carried:
            notes.append(Note("carried", carried))
        reading = res.reading_en if en else res.reading_zh
        if reading:
            notes.append(Note("reading", reading))
        notes += [Note("warning", w) for w in (res.warnings_en if en else res.warnings_zh)]
        checks: tuple[Check, ...] = ()
        figures: tuple[Figure, ...] = ()
        if isinstance(res, RuleResult):
            notes += [Note("unstated", t) for t in (res.unstated_en if en else res.unstated_zh)]
            notes += [Note("note", t) for t in (res.notes_en if en else res.notes_zh)]
            checks = tuple(
                Check(label=c.label_en if en else c.label_zh, passed=c.passed, detail=c.detail_en if en else c.detail_zh, guideline=c.guideline, entry=c.entry)
                for c in res.checks
            )
            figures = tuple(Figure(f.name, f.label_en if en else f.label_zh, f.display_en if en else f.display_zh) for f in res.shown)
        return Answer(
            question=question,
            kind="calculation",
            direct=res.summary_en if en else res.summary_zh,
            figures=figures,
            steps=tuple(res.steps_en if en else res.steps_zh),
            checks=checks,
            notes=tuple(notes),
            citations=tuple(self.citation(e, lang) for e in entries),
            result=res.json_figures(),
            lang=lang,
            score=1.0,
            matched=tuple(ids),
            calculator=name,
            related=tuple(e.id for e in entries[1:4]),
        )

    def chat(self, question: str, reply: str, examples: tuple[str, ...], lang: str) -> Answer:
        """Small talk: a short friendly reply and a few example questions; never a clause."""
        return Answer(
            question=question,
            kind="chat",
            direct=reply,
            details=tuple(f"• {q}" for q in examples),
            followups=tuple(Followup(label=q, question=q) for q in examples),
            lang=lang,
        )

    def unknown(self, question: str, head: str, lang: str, options: tuple[Option, ...] = (), covered: bool = True, hints: tuple[Any, ...] = ("sources",)) -> Answer:
        """Nothing answers it (or it names a body not covered): say so, list what is covered, suggest questions."""
        return Answer(
            question=question,
            kind="unknown",
            direct=head,
            covered=self.covered_list(lang) if covered else (),
            options=options,
            followups=tuple(Followup(label=o.question or o.label, question=o.question or o.label, entry=o.entry) for o in options),
            hints=hints,
            lang=lang,
        )

    def covered_list(self, lang: str) -> tuple[str, ...]:
        """The documents the knowledge base covers, one a line."""
        docs: list[Document] = list(self.kb.documents.values())
        if lang == "en":
            return tuple(f"• {d.title_en} ({d.citation_date})" for d in docs)
        return tuple(f"• {d.title_zh}（{d.citation_date}）" for d in docs)

    def suggestion(self, e: Entry, lang: str) -> Option:
        """An entry offered as a question to ask instead."""
        doc_id = self.kb.entry_document[e.id]
        en = lang == "en"
        q = e.questions_en[0] if en else e.questions_zh[0]
        return Option(label=f"{self.doc_name(doc_id, lang)}：{e.title_en if en else e.title}", document=doc_id, entry=e.id, question=q)


def simplified(ans: Answer) -> Answer:
    """The bot's own words in Simplified characters; quotes, titles and clause labels stay as the source writes them."""
    t = to_simplified

    def cite(c: Citation) -> Citation:
        return replace(c, short=t(c.short), status=t(c.status))

    def notes(ns: tuple[Note, ...]) -> tuple[Note, ...]:
        return tuple(Note(n.kind, t(n.text)) for n in ns)

    return replace(
        ans,
        direct=t(ans.direct),
        details=tuple(t(x) for x in ans.details),
        figures=tuple(replace(f, label=t(f.label)) for f in ans.figures),
        steps=tuple(t(x) for x in ans.steps),
        checks=tuple(replace(c, label=t(c.label), detail=t(c.detail)) for c in ans.checks),
        notes=notes(ans.notes),
        sections=tuple(
            replace(s, heading=t(s.heading), direct=t(s.direct), details=tuple(t(x) for x in s.details), steps=tuple(t(x) for x in s.steps),
                    notes=notes(s.notes), checks=tuple(replace(c, label=t(c.label), detail=t(c.detail)) for c in s.checks),
                    citations=tuple(cite(c) for c in s.citations))
            for s in ans.sections
        ),
        citations=tuple(cite(c) for c in ans.citations),
        options=tuple(replace(o, label=t(o.label), question=t(o.question) if o.question else None) for o in ans.options),
        followups=tuple(replace(f, label=t(f.label), question=t(f.question)) for f in ans.followups),
        simplified=True,
    )
