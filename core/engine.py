"""answer(question, context) -> Answer: normalise, detect schools, match, route to calculators, build the parts.

Front ends use only the methods of `Engine` (answer, converse, answer_entry, run_calculator, suggest, prefill,
source, documents, document, calculators, calculator, school_of, question_of, covered_list); they never reach the
knowledge base, the normaliser or the matcher.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from rules.base import CalcError, Calculator, Param
from core.kb import KnowledgeBase
from core.dialogue import DialogueState
from core.matcher import Matcher, Scored
from core.model import Answer, AnswerContext, Citation, Followup, Note, Option, Section
from core.normalize import Normalised, Normaliser
from core.router import extract, has_figures
from core.schema import Document, Entry
from lang.textnorm import collapse_ws, to_simplified

SUGGESTION_FLOOR = 0.22
INLINE_FLOOR = 0.25
MULTI_RATIO = 0.6  # another school's entry on the same topic within this share of the top score joins the answer
CLOSE_RATIO = 0.85  # without a shared topic, another school's entry must score this close to the best
OFF_TOPIC_WEIGHT = 2  # an off-topic word counts as this many unknown words


@dataclass(frozen=True)
class Source:
    """A clause verbatim with its document, label and date (「原文」)."""

    entry: str
    document: str
    title_zh: str
    title_en: str
    short: str
    clause: str
    heading: str  # the entry's title in the asked language
    date: str
    quote: str
    status: str


@dataclass(frozen=True)
class Suggestion:
    """An entry that fits a partial query (inline mode), with its answer."""

    entry: str
    document: str
    title: str
    description: str
    answer: Answer


class Engine:
    """The answering core. Built once (see bootstrap) from a validated knowledge base; `answer` never raises for any input text."""

    def __init__(self, kb: KnowledgeBase, normaliser: Normaliser, matcher: Matcher, calculators: Mapping[str, Calculator[Any]]):
        self._kb = kb
        self._norm = normaliser
        self._matcher = matcher
        self._calculators = dict(calculators)
        self._universities = frozenset(d.id for d in kb.documents.values() if d.role == "university")
        self._ministries = frozenset(d.id for d in kb.documents.values() if d.role == "ministry")

    # --- what front ends use ---------------------------------------------------------------------

    def answer(self, question: str, context: AnswerContext | None = None) -> Answer:
        """Answer one question."""
        ctx = context or AnswerContext()
        nq = self._norm.question(question if isinstance(question, str) else str(question))
        lang = "en" if nq.lang == "en" else (ctx.lang or "zh")
        ans = self._answer(nq, ctx, lang)
        if nq.lang == "zh-Hans" and lang != "en":
            ans = _simplified(ans)
        return ans

    def converse(self, question: str, context: AnswerContext | None, state: DialogueState, now: float) -> tuple[Answer, DialogueState]:
        """Answer one turn of a conversation with the context of the earlier turns; returns the answer and the next state.

        A follow-up that changes one thing of the last question (a figure, a school, a tier, the language) is
        answered as that question with the change; a complete new question starts afresh.
        """
        ans = self.answer(question, context)
        return ans, self.state_after(ans, now)

    def state_after(self, ans: Answer, now: float) -> DialogueState:
        """The dialogue state an answer leaves behind (for front ends that answer outside `converse`, e.g. a button)."""
        return DialogueState(
            question=ans.question,
            kind=ans.kind,
            schools=tuple(dict.fromkeys(c.document for c in ans.citations)),
            entries=tuple(c.entry for c in ans.citations),
            calculator=ans.calculator,
            lang=ans.lang,
            simplified=ans.simplified,
            at=now,
        )

    def answer_entry(self, entry_id: str, lang: str = "zh") -> Answer | None:
        """The answer of one entry, as if it had matched (related-question buttons); None for an unknown id."""
        e = self._kb.by_id.get(entry_id)
        if e is None:
            return None
        s = Scored(e, self._kb.entry_document[e.id], 1.0, 1.0, 1.0, 1.0)
        nq = self._norm.question(e.questions_en[0] if lang == "en" else e.questions_zh[0])
        return self._single(nq, s, lang)

    def run_calculator(self, name: str, params: Mapping[str, Any], lang: str = "zh", lead: str | None = None, question: str = "") -> Answer:
        """Run a calculator on raw parameters and build a `calculation` answer (CalcError propagates; KeyError for an unknown name)."""
        calc = self._calculators[name]
        res = calc.run(params)
        ids = list(dict.fromkeys(([lead] if lead else []) + list(res.citations)))
        entries = [self._kb.by_id[i] for i in ids if i in self._kb.by_id]
        en = lang == "en"
        notes: list[Note] = []
        reading = res.reading_en if en else res.reading_zh
        if reading:
            notes.append(Note("reading", reading))
        notes += [Note("warning", w) for w in (res.warnings_en if en else res.warnings_zh)]
        return Answer(
            question=question,
            kind="calculation",
            direct=res.summary_en if en else res.summary_zh,
            steps=tuple(res.steps_en if en else res.steps_zh),
            notes=tuple(notes),
            citations=tuple(self._citation(e, lang) for e in entries),
            result=res.json_figures(),
            lang=lang,
            score=1.0,
            matched=tuple(ids),
            calculator=name,
            related=tuple(e.id for e in entries[1:4]),
        )

    def suggest(self, query: str, k: int = 5) -> list[Suggestion]:
        """The best entries for a partial query (inline mode), each with its answer; none for an uncovered school."""
        nq = self._norm.question(query)
        if nq.uncovered and not nq.schools:
            return []
        lang = "en" if nq.lang == "en" else "zh"
        out: list[Suggestion] = []
        for s in self._matcher.rank(nq.content or nq.text, nq.schools or None, limit=k):
            if s.score < INLINE_FLOOR:
                continue
            ans = self.answer_entry(s.entry.id, lang)
            assert ans is not None
            doc = self._kb.documents[s.document]
            out.append(
                Suggestion(
                    entry=s.entry.id,
                    document=s.document,
                    title=f"{doc.name_en if lang == 'en' else doc.name_zh} {s.entry.clause} {s.entry.title_en if lang == 'en' else s.entry.title}",
                    description=s.entry.answer_en if lang == "en" else s.entry.answer_zh,
                    answer=ans,
                )
            )
        return out

    def prefill(self, calculator: str, question: str) -> dict[str, str]:
        """The parameters of `calculator` that a question already gives, each valid (for the step-by-step flow)."""
        calc = self._calculators.get(calculator)
        if calc is None:
            return {}
        nq = self._norm.question(question)
        out: dict[str, str] = {}
        for k, v in extract(calc.name, nq.text, nq.schools).items():
            try:
                calc.param(k).coerce(v)
            except (CalcError, KeyError):
                continue
            out[k] = str(v)
        return out

    def source(self, entry_id: str, lang: str = "zh") -> Source | None:
        """A clause verbatim with its document, label, date and the document's status; None for an unknown id."""
        e = self._kb.by_id.get(entry_id)
        if e is None:
            return None
        doc = self._kb.document_of(e)
        en = lang == "en"
        return Source(
            entry=e.id,
            document=doc.id,
            title_zh=doc.title_zh,
            title_en=doc.title_en,
            short=doc.name_en if en else doc.name_zh,
            clause=e.clause,
            heading=e.title_en if en else e.title,
            date=doc.citation_date,
            quote=collapse_ws(e.quote),
            status=(doc.status_en if en else doc.status_zh) or "",
        )

    def documents(self) -> tuple[Document, ...]:
        """The documents covered, in the order of documents.yaml."""
        return tuple(self._kb.documents.values())

    def document(self, doc_id: str) -> Document | None:
        """One document by id."""
        return self._kb.documents.get(doc_id)

    def calculators(self) -> tuple[Calculator[Any], ...]:
        """Every calculator."""
        return tuple(self._calculators.values())

    def calculator(self, name: str) -> Calculator[Any] | None:
        """One calculator by name."""
        return self._calculators.get(name)

    def school_of(self, text: str) -> str | None:
        """The one document a short text names (「東華」, "NKUST"), or None."""
        nq = self._norm.question(text)
        return nq.schools[0] if len(nq.schools) == 1 else None

    def question_of(self, entry_id: str, lang: str = "zh") -> str | None:
        """An entry's first natural question (a related-question button's label)."""
        e = self._kb.by_id.get(entry_id)
        if e is None:
            return None
        return e.questions_en[0] if lang == "en" else e.questions_zh[0]

    def covered_list(self, lang: str) -> tuple[str, ...]:
        """The documents the knowledge base covers, one a line."""
        docs = self._kb.documents.values()
        if lang == "en":
            return tuple(f"• {d.title_en} ({d.citation_date})" for d in docs)
        return tuple(f"• {d.title_zh}（{d.citation_date}）" for d in docs)

    def candidates(self, question: str, k: int = 3) -> list[tuple[str, tuple[str, ...]]]:
        """The k best-scoring clauses for a question (document, path), for evaluation."""
        nq = self._norm.question(question)
        return [(s.document, s.entry.path) for s in self._matcher.rank(nq.content or nq.text, nq.schools or None, limit=k)]

    def entry_count(self) -> int:
        """How many entries the knowledge base holds."""
        return len(self._kb.entries)

    def describe(self, entry_id: str, lang: str = "zh") -> str | None:
        """An entry as people name it: the document's short name, the clause and its title (staff statistics)."""
        e = self._kb.by_id.get(entry_id)
        if e is None:
            return None
        doc = self._kb.document_of(e)
        return f"{doc.name_en} {e.clause} {e.title_en}" if lang == "en" else f"{doc.name_zh} {e.clause} {e.title}"

    def examples(self, lang: str = "zh", k: int = 4) -> tuple[Followup, ...]:
        """Questions to try (a welcome's buttons): one per document in documents.yaml's order, at most `k`; each an
        entry's own question that names its school, preferring entries with a calculator."""
        out: list[Followup] = []
        for doc in self._kb.documents.values():
            if len(out) >= k:
                break
            mine = [e for e in self._kb.entries if self._kb.entry_document[e.id] == doc.id and not e.heading]
            mine.sort(key=lambda e: not e.calculators)  # stable: calculator entries first, in file order
            asked = [(e, q) for e in mine for q in (e.questions_en if lang == "en" else e.questions_zh)]
            pick = next(((e, q) for e, q in asked if self.school_of(q) == doc.id), asked[0] if asked else None)
            if pick is not None:
                out.append(Followup(label=pick[1], question=pick[1], entry=pick[0].id))
        return tuple(out)

    # --- the steps ------------------------------------------------------------------------------------

    def _answer(self, nq: Normalised, ctx: AnswerContext, lang: str) -> Answer:
        if not self._matcher.strip(nq.content) and not nq.schools:
            return self._unknown(nq, lang, [], reason="empty")
        schools = (ctx.only_school,) if ctx.only_school in self._kb.documents else nq.schools
        if any(s in self._ministries for s in schools) and any(s in self._universities for s in schools):
            # 教育部 next to a university's name describes that university's course tiers (教育部磨課師錄取課程).
            schools = tuple(s for s in schools if s not in self._ministries)
        if nq.uncovered and not schools:
            return self._unknown(nq, lang, [], reason="uncovered", bodies=nq.uncovered)
        ranked = self._matcher.rank(nq.content or nq.text, schools or None, limit=40)
        # Words of topics the documents never deal with (天氣, 宿舍) raise the bar a lot, like unknown words.
        unknown_words = self._matcher.oov(nq.content) + OFF_TOPIC_WEIGHT * len(nq.off_topic)
        if not ranked or not self._matcher.confident(ranked[0], unknown_words) or not self._matcher.has_topic(nq.content, ranked[0]):
            return self._unknown(nq, lang, ranked, reason="no-match")
        top = ranked[0]
        calc = self._route(nq, ranked, lang)
        if calc is not None:
            return calc
        group = [top]
        if len(schools) != 1:
            group = self._same_topic(top, ranked, schools)
            if len(group) > 1 and ctx.default_school in self._kb.documents and not schools:
                # The user's default school settles a question that fits several schools.
                mine = self._matcher.rank(nq.content or nq.text, (str(ctx.default_school),), limit=1)
                if mine and self._matcher.confident(mine[0]) and mine[0].entry.topic == top.entry.topic:
                    group = mine
        if len(group) > 1:
            return self._multi(nq, group, lang)
        return self._single(nq, group[0], lang)

    def _same_topic(self, top: Scored, ranked: list[Scored], schools: tuple[str, ...]) -> list[Scored]:
        """The best entry of each other document on the top entry's topic, when close enough to the top score."""
        topic = top.entry.topic
        best: dict[str, Scored] = {top.document: top}
        floor = max(self._matcher.threshold * 0.85, top.score * MULTI_RATIO)
        close = max(self._matcher.threshold, top.score * CLOSE_RATIO)
        for s in ranked[1:]:
            if s.document in best or s.score < floor:
                continue
            # Another school's rule on the same topic, or one that fits the question just as well.
            if not ((topic is not None and s.entry.topic == topic) or s.score >= close):
                continue
            if schools and s.document not in schools:
                continue
            best[s.document] = s
        return list(best.values())

    def _route(self, nq: Normalised, ranked: list[Scored], lang: str) -> Answer | None:
        """A calculation when a matched entry has a calculator and the question gives its figures."""
        for s in ranked[:3]:
            if s.score < self._matcher.threshold:
                break
            for name in s.entry.calculators:
                if name not in self._calculators:
                    continue
                params = extract(name, nq.text, nq.schools)
                if not has_figures(params):
                    continue
                calc = self._calculators[name]
                missing = calc.missing(params)
                if missing:
                    return self._needs(nq, s, name, missing, lang)
                try:
                    return self.run_calculator(name, params, lang, lead=s.entry.id, question=nq.original)
                except CalcError as err:
                    return self._calc_error(nq, s, name, err, lang)
            if s is ranked[0] and ranked[0].entry.calculators:
                break
        return None

    # --- reply builders ---------------------------------------------------------------------------

    def _citation(self, entry: Entry, lang: str) -> Citation:
        """The contract's citation of one entry, with its readable label and the document's status."""
        doc = self._kb.document_of(entry)
        en = lang == "en"
        return Citation(
            document=doc.id,
            title=doc.title_zh,
            clause=entry.clause,
            path=entry.path,
            quote=collapse_ws(entry.quote),
            entry=entry.id,
            date=doc.citation_date,
            short=doc.name_en if en else doc.name_zh,
            label=entry.clause,
            status=(doc.status_en if en else doc.status_zh) or "",
        )

    def _entry_parts(self, e: Entry, lang: str) -> tuple[str, tuple[Note, ...]]:
        en = lang == "en"
        note = e.note_en if en else e.note_zh
        return (e.answer_en if en else e.answer_zh), ((Note("note", note),) if note else ())

    def _single(self, nq: Normalised, s: Scored, lang: str) -> Answer:
        e = s.entry
        direct, notes = self._entry_parts(e, lang)
        related = tuple(r for r in e.related if r in self._kb.by_id)[:3]
        return Answer(
            question=nq.original,
            kind="answer",
            direct=direct,
            notes=notes,
            citations=(self._citation(e, lang),),
            followups=self._followups(related, lang),
            lang=lang,
            score=s.score,
            matched=(e.id,),
            related=related,
        )

    def _followups(self, ids: tuple[str, ...], lang: str) -> tuple[Followup, ...]:
        out: list[Followup] = []
        for rid in ids:
            q = self.question_of(rid, lang)
            if q:
                out.append(Followup(label=q, question=q, entry=rid))
        return tuple(out)

    def _multi(self, nq: Normalised, group: list[Scored], lang: str) -> Answer:
        en = lang == "en"
        sections: list[Section] = []
        for s in group:
            doc = self._kb.documents[s.document]
            direct, notes = self._entry_parts(s.entry, lang)
            sections.append(
                Section(document=s.document, heading=doc.short_en if en else doc.short_zh, direct=direct, notes=notes, citations=(self._citation(s.entry, lang),))
            )
        return Answer(
            question=nq.original,
            kind="answer",
            direct="You did not name a school, and their rules differ; here is each one's rule:" if en else "您沒有指明學校，各校規定不同，分列如下：",
            sections=tuple(sections),
            citations=tuple(self._citation(s.entry, lang) for s in group),
            options=tuple(
                Option(label=self._kb.documents[s.document].name_en if en else self._kb.documents[s.document].name_zh, document=s.document, entry=s.entry.id)
                for s in group
            ),
            hints=("set_school",),
            lang=lang,
            score=group[0].score,
            matched=tuple(s.entry.id for s in group),
        )

    def _needs(self, nq: Normalised, s: Scored, name: str, missing: list[Param], lang: str) -> Answer:
        en = lang == "en"
        labels = ", ".join(p.label_en for p in missing) if en else "、".join(p.label_zh for p in missing)
        lead = f"To calculate this, please also give: {labels}." if en else f"若要幫您計算，請再提供：{labels}。"
        return self._led(nq, s, lang, lead, name, tuple(p.name for p in missing))

    def _calc_error(self, nq: Normalised, s: Scored, name: str, err: CalcError, lang: str) -> Answer:
        en = lang == "en"
        msg = err.message_en if en else err.message_zh
        if en:
            lead = f"I could not calculate this: {msg}" + (f" (allowed: {err.allowed})" if err.allowed else "")
        else:
            lead = f"無法計算：{msg}" + (f"（可用範圍：{err.allowed}）" if err.allowed else "")
        return self._led(nq, s, lang, lead, name, (err.param,))

    def _led(self, nq: Normalised, s: Scored, lang: str, lead: str, calculator: str, needs: tuple[str, ...]) -> Answer:
        """The entry's answer, led by a note on the calculation it could not do yet."""
        base = self._single(nq, s, lang)
        return replace(base, direct=lead, details=(base.direct,), calculator=calculator, needs=needs, hints=("step_by_step",))

    def _unknown(self, nq: Normalised, lang: str, ranked: list[Scored], reason: str, bodies: tuple[str, ...] = ()) -> Answer:
        en = lang == "en"
        if reason == "uncovered":
            names = ", ".join(bodies) if en else "、".join(bodies)
            head = (f"The knowledge base does not include the rules of {names}; I cannot answer for it." if en
                    else f"知識庫沒有收錄「{names}」的規定，無法回答，也不會拿其他學校的規定來猜。")
        elif reason == "empty":
            head = ("Please type a question about the MOOC rules, e.g. how many credits 9 learning hours earn at NKUST." if en
                    else "請輸入和磨課師規定有關的問題，例如「高科大學習 9 小時可以拿幾學分？」")
        else:
            head = ("I could not find a rule in the knowledge base that answers this, so I won't guess." if en
                    else "抱歉，知識庫裡找不到能回答這個問題的條文，我不會用猜的。")
        suggestions: list[Option] = []
        seen: set[str] = set()
        for s in ranked:
            if s.score < SUGGESTION_FLOOR or len(suggestions) >= 3 or s.entry.id in seen or reason == "uncovered":
                continue
            seen.add(s.entry.id)
            doc = self._kb.documents[s.document]
            q = s.entry.questions_en[0] if en else s.entry.questions_zh[0]
            suggestions.append(Option(label=f"{doc.name_en if en else doc.name_zh}：{s.entry.title_en if en else s.entry.title}", document=s.document, entry=s.entry.id, question=q))
        return Answer(
            question=nq.original,
            kind="unknown",
            direct=head,
            covered=self.covered_list(lang),
            options=tuple(suggestions),
            followups=tuple(Followup(label=o.question or o.label, question=o.question or o.label, entry=o.entry) for o in suggestions),
            hints=("sources",),
            lang=lang,
            score=ranked[0].score if ranked else 0.0,
        )


def _simplified(ans: Answer) -> Answer:
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
        steps=tuple(t(x) for x in ans.steps),
        checks=tuple(replace(c, label=t(c.label), detail=t(c.detail)) for c in ans.checks),
        notes=notes(ans.notes),
        sections=tuple(
            replace(s, heading=t(s.heading), direct=t(s.direct), details=tuple(t(x) for x in s.details), steps=tuple(t(x) for x in s.steps),
                    notes=notes(s.notes), citations=tuple(cite(c) for c in s.citations))
            for s in ans.sections
        ),
        citations=tuple(cite(c) for c in ans.citations),
        options=tuple(replace(o, label=t(o.label), question=t(o.question) if o.question else None) for o in ans.options),
        followups=tuple(replace(f, label=t(f.label), question=t(f.question)) for f in ans.followups),
        simplified=True,
    )
