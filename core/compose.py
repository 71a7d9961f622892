"""Answer builders: the parts of each kind of reply, from entries, rule results and the knowledge base's own words.

No matching and no state here: the engine decides what to answer, these functions say it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from core.kb import KnowledgeBase
from core.model import Answer, Check, Citation, Figure, Followup, Note, Option, Section
from core.schema import Document, Entry
from lang.numbers import format_number
from lang.textnorm import collapse_ws, to_simplified
from rules.evaluate import RuleResult, format_value, template_names

_SENTENCE = re.compile(r"^(.+?[。！？]|.+?(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)(?<!\bNo)[.!?](?=\s|$))")  # "e.g. 30 minutes" goes on


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

    def citations_of(self, e: Entry, lang: str, columns: tuple[str, ...] = (), scores: dict[str, float] | None = None) -> tuple[Citation, ...]:
        """The clauses an entry's answer rests on: itself, or for a grouping heading the sub-clauses it summarises,
        the ones the question is most about first."""
        kids = self.children.get(e.id)
        if e.heading and kids:
            order = sorted(kids, key=lambda k: -(scores or {}).get(k.id, 0.0))
            return tuple(self.citation(k, lang, columns) for k in order[:6])
        return (self.citation(e, lang, columns),)

    # --- pieces -------------------------------------------------------------------------------------

    def doc_name(self, doc_id: str, lang: str) -> str:
        """A document's issuer as people say it (its short name)."""
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

    def single(self, question: str, e: Entry, score: float, lang: str, columns: tuple[str, ...] = (), scores: dict[str, float] | None = None) -> Answer:
        """One clause's answer, cited."""
        direct, notes = self.entry_parts(e, lang)
        related = tuple(r for r in e.related if r in self.kb.by_id)[:3]
        return Answer(
            question=question,
            kind="answer",
            direct=direct,
            notes=notes,
            citations=self.citations_of(e, lang, columns, scores),
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
        head = self.kb.by_id.get(ids[0]) if ids else None
        if head is not None and head.heading:
            # A rule set by a table or a grouping heading: the row it applied is the clause that states the rule.
            doc = self.kb.entry_document[head.id]
            rows = [i for i in ids[1:] if i in self.kb.by_id and self.kb.entry_document[i] == doc and self.kb.by_id[i].path[: len(head.path)] == head.path]
            if rows:
                ids = [rows[0], head.id] + [i for i in ids[1:] if i != rows[0]]
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
            figures = tuple(
                Figure(f.name, f.label_en if en else f.label_zh, f.display_en if en else f.display_zh,
                       value=format(f.value, "f") if isinstance(f.value, Decimal) else "", unit=f.unit or "")
                for f in res.shown
            )
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

    def solved(self, question: str, rule: Any, params: dict[str, str], solved: Any, lang: str, note: str = "") -> Answer:
        """An inverse question answered: the least input that reaches the target, shown with the calculation there."""
        en = lang == "en"
        p = rule.param(solved.input)
        out = rule.spec.outputs[solved.output]
        unit = p.unit_en if en else p.unit_zh
        label_in = p.label_en if en else p.label_zh
        label_out = (out.label_en if en else out.label_zh) or solved.output
        at = dict(params)
        at[solved.input] = format(solved.value, "f")
        res = rule.run(at)
        base = self.calculation(question, rule.name, res, lang, rule.entry, carried=note)
        x = format_number(solved.value)
        if not solved.reachable:
            direct = (f"Even at {x} {unit}, {label_out} reaches only {_display(rule, solved.output, solved.best, lang)}, short of {_display(rule, solved.output, solved.target, lang)}."
                      if en else f"即使{label_in}到 {x} {unit}，{label_out}最多只有 {_display(rule, solved.output, solved.best, lang)}，達不到 {_display(rule, solved.output, solved.target, lang)}。")
        elif solved.saturate:
            reached = _display(rule, solved.output, solved.reached, lang)
            direct = (f"The cap is reached at {x} {unit} of {label_in}: {label_out} is then {reached}, and more does not raise it."
                      if en else f"{label_in}到 {x} {unit} 即達上限：{label_out}為 {reached}，再多也不會增加。")
        else:
            reached = _display(rule, solved.output, solved.reached, lang)
            one_less = format_number(solved.value - 1)
            below = "" if solved.below is None or not solved.integral else (
                f" ({one_less} {unit} gives only {_display(rule, solved.output, solved.below, lang)})" if en
                else f"（{one_less} {unit} 只有 {_display(rule, solved.output, solved.below, lang)}）")
            direct = (f"At least {x} {unit} of {label_in}: {label_out} is then {reached}, reaching {_display(rule, solved.output, solved.target, lang)}{below}."
                      if en else f"{label_in}至少要 {x} {unit}：{label_out}為 {reached}，達到 {_display(rule, solved.output, solved.target, lang)}{below}。")
        return replace(base, direct=direct, details=(base.direct,), result={**base.result, f"solved_{solved.input}": _json_number(solved.value)},
                       inputs={**at})


    def compared(self, question: str, rule: Any, choice: str, runs: list[tuple[str, Any]], lang: str, note: str = "") -> Answer:
        """The same calculation for each tier named, side by side, and the difference."""
        en = lang == "en"
        labelled = [n for n, o in rule.spec.outputs.items() if o.label_zh and o.show]
        differing = [n for n in labelled if len({str(r.figures.get(n)) for _, r in runs}) > 1]
        primary = (differing or labelled or list(rule.spec.outputs))[0]
        choices = rule.choices.get(choice, {})

        def name(v: str) -> str:
            c = choices.get(v)
            if c is not None:
                return str(c.en if en else c.zh)
            p = rule.param(choice)  # a figure compared with another (「1,000 人和 1,001 人」)
            try:
                shown = format_value(Decimal(v), "num", None, lang)
            except ArithmeticError:
                shown = v
            return f"{p.label_en if en else p.label_zh} {shown} {p.unit_en if en else p.unit_zh}".strip()

        parts = [f"{name(v)}: {_display(rule, primary, r.figures.get(primary), lang)}" if en else f"{name(v)}：{_display(rule, primary, r.figures.get(primary), lang)}"
                 for v, r in runs if primary in r.figures]
        result: dict[str, Any] = {f"{primary}_{v}": _json_number(r.figures[primary]) for v, r in runs if primary in r.figures}
        values = [r.figures.get(primary) for _, r in runs]
        direct = ("; " if en else "；").join(parts)
        if len(runs) == 2 and all(isinstance(v, (int, Decimal)) and not isinstance(v, bool) for v in values):
            diff = abs(Decimal(values[0]) - Decimal(values[1]))
            result["difference"] = _json_number(diff)
            direct += (f"; the difference is {_display(rule, primary, diff, lang)}." if en else f"；相差 {_display(rule, primary, diff, lang)}。")
        base = self.calculation(question, rule.name, runs[0][1], lang, rule.entry, carried=note)
        details = tuple((r.summary_en if en else r.summary_zh) for _, r in runs)
        return replace(base, direct=direct, details=details, steps=(), result=result)

    def summed(self, question: str, rule: Any, runs: list[tuple[Any, Any]], lang: str, note: str = "") -> Answer:
        """Several courses worked out one by one (or one course times N alike), then added up: each course's result,
        and the totals of the figures the rule's answer names (of all its figures when it names none)."""
        en = lang == "en"
        said = {n for a in rule.spec.answer for n in template_names(a.en if en else a.zh)}
        numeric = [n for n, o in rule.spec.outputs.items() if o.show and o.label_zh
                   and all(isinstance(r.figures.get(n), (int, Decimal)) and not isinstance(r.figures.get(n), bool) for _, r in runs)]
        named = [n for n in numeric if isinstance(rule.spec.outputs[n].value, str) and rule.spec.outputs[n].value in said] or numeric
        totals = {n: sum((Decimal(r.figures[n]) * part.times for part, r in runs), Decimal(0)) for n in named}
        courses = sum(part.times for part, _ in runs)
        label = {n: (rule.spec.outputs[n].label_en if en else rule.spec.outputs[n].label_zh) for n in named}
        shown = [f"{label[n]} {_display(rule, n, v, lang)}" if en else f"{label[n]} {_display(rule, n, v, lang)}" for n, v in totals.items()]
        direct = (f"{courses} courses in all: " + "; ".join(shown) + "." if en else f"{courses} 門課合計：" + "、".join(shown) + "。")
        details: list[str] = []
        steps: list[str] = []
        notes: list[Note] = []
        for part, r in runs:
            head = part.label_en if en else part.label_zh
            details.append(f"{head}: {r.summary_en}" if en else f"{head}：{r.summary_zh}")
            steps += [f"{head}: {x}" if en else f"{head}｜{x}" for x in (r.steps_en if en else r.steps_zh)]
            one = self.calculation(question, rule.name, r, lang, rule.entry, carried=note)
            notes += [n for n in one.notes if n not in notes]
        if len(runs) == 1 and runs[0][0].times > 1:
            n0 = runs[0][0].times
            details.append("; ".join(f"{label[n]}: {_display(rule, n, runs[0][1].figures[n], lang)} × {n0} = {_display(rule, n, v, lang)}" for n, v in totals.items())
                           if en else "；".join(f"{label[n]}：{_display(rule, n, runs[0][1].figures[n], lang)} × {n0} = {_display(rule, n, v, lang)}" for n, v in totals.items()))
        else:
            details.append("; ".join(f"{label[n]}: " + " + ".join(_display(rule, n, r.figures[n], lang) for _, r in runs) + f" = {_display(rule, n, totals[n], lang)}" for n in named)
                           if en else "；".join(f"{label[n]}：" + " + ".join(_display(rule, n, r.figures[n], lang) for _, r in runs) + f" = {_display(rule, n, totals[n], lang)}" for n in named))
        base = self.calculation(question, rule.name, runs[0][1], lang, rule.entry, carried=note)
        figures = tuple(Figure(n, label[n], _display(rule, n, v, lang), value=format(v, "f"), unit=rule.spec.outputs[n].unit or "") for n, v in totals.items())
        result: dict[str, Any] = {f"{n}_total": _json_number(v) for n, v in totals.items()}
        for k, (_, r) in enumerate(runs, 1):
            result.update({f"{n}_{k}": _json_number(r.figures[n]) for n in named})
        return replace(base, direct=direct, details=tuple(details), figures=figures, steps=tuple(steps), checks=(), notes=tuple(notes), result=result)

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


def _display(rule: Any, name: str, value: Any, lang: str) -> str:
    """An output's value formatted by its unit."""
    out = rule.spec.outputs.get(name)
    unit = out.unit if out is not None else None
    if unit is None and out is not None and isinstance(out.value, str):
        unit = rule.inputs[out.value].unit if out.value in rule.inputs else next((s.unit for s in rule.spec.steps if s.let == out.value), None)
    return str(format_value(Decimal(value) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else value, None, unit, lang))


def _json_number(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v

