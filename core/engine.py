"""answer(question, context) -> Answer: normalise, detect schools, match, route to calculators, build the reply."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from calculators.base import CalcError
from core.kb import KnowledgeBase
from core.matcher import Matcher, Scored
from core.model import Answer, AnswerContext, Citation, Option
from core.normalize import Normalised, Normaliser
from core.router import extract, has_figures
from core.schema import Entry
from lang.textnorm import collapse_ws, to_simplified

UNIVERSITIES = ("nkust-mooc", "fcu-mooc-reward", "ndhu-elearning", "nthu-beijing-2016")
SUGGESTION_FLOOR = 0.22
MULTI_RATIO = 0.6
CLOSE_RATIO = 0.85
OFF_TOPIC_WEIGHT = 2  # an off-topic word counts as this many unknown words  # without a shared topic, another school's entry must score this close to the best  # another school's entry on the same topic within this share of the top score joins the answer


class Engine:
    """The answering core. Built once from a validated knowledge base; `answer` never raises for any input text."""

    def __init__(self, kb: KnowledgeBase, calculators: Mapping[str, Any] | None = None):
        self.kb = kb
        self.norm = Normaliser(kb.glossary)
        self.matcher = Matcher(kb, self.norm)
        if calculators is None:
            from calculators import REGISTRY

            calculators = REGISTRY
        self.calculators = dict(calculators)

    # --- public ----------------------------------------------------------------------------------

    def answer(self, question: str, context: AnswerContext | None = None) -> Answer:
        """Answer one question."""
        ctx = context or AnswerContext()
        nq = self.norm.question(question if isinstance(question, str) else str(question))
        lang = "en" if nq.lang == "en" else (ctx.lang or "zh")
        simplified = nq.lang == "zh-Hans" and lang != "en"
        ans = self._answer(nq, ctx, lang)
        if simplified:
            ans = _replace_text(ans, to_simplified(ans.text))
        return ans

    def answer_entry(self, entry_id: str, lang: str = "zh") -> Answer:
        """The answer of one entry, as if it had matched (for related-question buttons)."""
        e = self.kb.by_id[entry_id]
        s = Scored(e, self.kb.entry_document[e.id], 1.0, 1.0, 1.0, 1.0)
        nq = self.norm.question(e.questions_en[0] if lang == "en" else e.questions_zh[0])
        return self._single(nq, s, lang)

    def candidates(self, question: str, k: int = 3) -> list[tuple[str, tuple[str, ...]]]:
        """The k best-scoring clauses for a question (document, path), for evaluation and suggestions."""
        nq = self.norm.question(question)
        return [(s.document, s.entry.path) for s in self.matcher.rank(nq.content or nq.text, nq.schools or None, limit=k)]

    def citation(self, entry: Entry) -> Citation:
        """The contract's citation of one entry."""
        doc = self.kb.document_of(entry)
        return Citation(
            document=doc.id,
            title=doc.title_zh,
            clause=entry.clause,
            path=entry.path,
            quote=collapse_ws(entry.quote),
            entry=entry.id,
            date=doc.citation_date,
        )

    def source_block(self, entry: Entry, lang: str) -> str:
        """The citation as people read it: document, clause, date, the verbatim quote, a status note."""
        doc = self.kb.document_of(entry)
        quote = collapse_ws(entry.quote)
        if lang == "en":
            lines = [f"Source: {doc.title_en} ({doc.title_zh}), {entry.clause} ({doc.citation_date})", f"「{quote}」"]
            if doc.status_en:
                lines.append(f"Note: {doc.status_en}")
        else:
            lines = [f"出處：{doc.title_zh}（{doc.citation_date}）{entry.clause}", f"「{quote}」"]
            if doc.status_zh:
                lines.append(f"注意：{doc.status_zh}")
        return "\n".join(lines)

    def run_calculator(self, name: str, params: Mapping[str, Any], lang: str = "zh", lead: Entry | None = None, question: str = "") -> Answer:
        """Run a calculator on raw parameters and build a `calculation` answer (CalcError propagates)."""
        calc = self.calculators[name]
        res = calc.run(params)
        ids = list(dict.fromkeys(([lead.id] if lead else []) + list(res.citations)))
        entries = [self.kb.by_id[i] for i in ids if i in self.kb.by_id]
        en = lang == "en"
        parts = [res.summary_en if en else res.summary_zh, ""]
        steps = res.steps_en if en else res.steps_zh
        parts.append("Steps:" if en else "計算步驟：")
        parts += [f"{i}. {s}" for i, s in enumerate(steps, start=1)]
        reading = res.reading_en if en else res.reading_zh
        if reading:
            parts += ["", ("Reading taken: " if en else "採用的解讀：") + reading]
        warnings = res.warnings_en if en else res.warnings_zh
        if warnings:
            parts += [""] + [("Note: " if en else "提醒：") + w for w in warnings]
        if entries:
            parts += ["", self.source_block(entries[0], lang)]
            if len(entries) > 1:
                parts.append(("Also: " if en else "另見：") + "、".join(f"{e.clause} {e.title}" for e in entries[1:4]))
        return Answer(
            question=question,
            kind="calculation",
            text="\n".join(parts).strip(),
            citations=tuple(self.citation(e) for e in entries),
            result=res.json_figures(),
            lang=lang,
            score=1.0,
            matched=tuple(ids),
            calculator=name,
            steps=tuple(steps),
            related=tuple(e.id for e in entries[1:4]),
        )

    # --- the steps ------------------------------------------------------------------------------------

    def _answer(self, nq: Normalised, ctx: AnswerContext, lang: str) -> Answer:
        if not self.matcher.strip(nq.content) and not nq.schools:
            return self._unknown(nq, lang, [], reason="empty")
        schools = (ctx.only_school,) if ctx.only_school in self.kb.documents else nq.schools
        if "moe-mooc-series" in schools and any(s in UNIVERSITIES for s in schools):
            # 教育部 next to a university's name describes that university's course tiers (教育部磨課師錄取課程).
            schools = tuple(s for s in schools if s != "moe-mooc-series")
        if nq.uncovered and not schools:
            return self._unknown(nq, lang, [], reason="uncovered", bodies=nq.uncovered)
        ranked = self.matcher.rank(nq.content or nq.text, schools or None, limit=40)
        # Words of topics the documents never deal with (天氣, 宿舍) raise the bar a lot, like unknown words.
        unknown_words = self.matcher.oov(nq.content) + OFF_TOPIC_WEIGHT * len(nq.off_topic)
        if not ranked or not self.matcher.confident(ranked[0], unknown_words):
            return self._unknown(nq, lang, ranked, reason="no-match")
        top = ranked[0]
        calc = self._route(nq, ranked, lang)
        if calc is not None:
            return calc
        group = [top]
        if len(schools) != 1:
            group = self._same_topic(top, ranked, schools)
            if len(group) > 1 and ctx.default_school in self.kb.documents and not schools:
                # The user's default school settles a question that fits several schools.
                mine = self.matcher.rank(nq.content or nq.text, (ctx.default_school,), limit=1)  # type: ignore[arg-type]
                if mine and self.matcher.confident(mine[0]) and mine[0].entry.topic == top.entry.topic:
                    group = mine
        if len(group) > 1:
            return self._multi(nq, group, lang)
        return self._single(nq, group[0], lang)

    def _same_topic(self, top: Scored, ranked: list[Scored], schools: tuple[str, ...]) -> list[Scored]:
        """The best entry of each other document on the top entry's topic, when close enough to the top score."""
        topic = top.entry.topic
        best: dict[str, Scored] = {top.document: top}
        floor = max(self.matcher.threshold * 0.85, top.score * MULTI_RATIO)
        close = max(self.matcher.threshold, top.score * CLOSE_RATIO)
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
            if s.score < self.matcher.threshold:
                break
            for name in s.entry.calculators:
                if name not in self.calculators:
                    continue
                params = extract(name, nq.text, nq.schools)
                if not has_figures(params):
                    continue
                calc = self.calculators[name]
                missing = calc.missing(params)
                if missing:
                    return self._needs(nq, s, name, missing, lang)
                try:
                    return self.run_calculator(name, params, lang, lead=s.entry, question=nq.original)
                except CalcError as err:
                    return self._calc_error(nq, s, name, err, lang)
            if s is ranked[0] and ranked[0].entry.calculators:
                break
        return None

    # --- reply builders ---------------------------------------------------------------------------

    def _single(self, nq: Normalised, s: Scored, lang: str) -> Answer:
        e = s.entry
        en = lang == "en"
        parts = [e.answer_en if en else e.answer_zh]
        note = e.note_en if en else e.note_zh
        if note:
            parts.append(("Note: " if en else "說明：") + note)
        parts += ["", self.source_block(e, lang)]
        return Answer(
            question=nq.original,
            kind="answer",
            text="\n".join(parts).strip(),
            citations=(self.citation(e),),
            lang=lang,
            score=s.score,
            matched=(e.id,),
            related=tuple(r for r in e.related if r in self.kb.by_id)[:3],
        )

    def _multi(self, nq: Normalised, group: list[Scored], lang: str) -> Answer:
        en = lang == "en"
        parts = [
            "You did not name a school, and their rules differ; here is each one's rule:"
            if en
            else "您沒有指明學校，各校規定不同，分列如下（可在問題中加上校名，或用 /school 設定預設學校）："
        ]
        for s in group:
            doc = self.kb.documents[s.document]
            e = s.entry
            parts += ["", f"【{doc.short_en if en else doc.short_zh}】", e.answer_en if en else e.answer_zh, self.source_block(e, lang)]
        return Answer(
            question=nq.original,
            kind="answer",
            text="\n".join(parts).strip(),
            citations=tuple(self.citation(s.entry) for s in group),
            options=tuple(
                Option(label=self.kb.documents[s.document].short_en if en else self.kb.documents[s.document].short_zh, document=s.document, entry=s.entry.id)
                for s in group
            ),
            lang=lang,
            score=group[0].score,
            matched=tuple(s.entry.id for s in group),
        )

    def _needs(self, nq: Normalised, s: Scored, name: str, missing: list[Any], lang: str) -> Answer:
        en = lang == "en"
        labels = "、".join(p.label_en if en else p.label_zh for p in missing)
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
        return replace(base, text=lead + "\n\n" + base.text, calculator=calculator, needs=needs)

    def covered_list(self, lang: str) -> str:
        """The documents the knowledge base covers, one a line."""
        docs = self.kb.documents.values()
        if lang == "en":
            return "\n".join(f"• {d.title_en} ({d.citation_date})" for d in docs)
        return "\n".join(f"•{d.title_zh}（{d.citation_date}）" for d in docs)

    def _unknown(self, nq: Normalised, lang: str, ranked: list[Scored], reason: str, bodies: tuple[str, ...] = ()) -> Answer:
        en = lang == "en"
        if reason == "uncovered":
            names = "、".join(bodies)
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
            doc = self.kb.documents[s.document]
            q = s.entry.questions_en[0] if en else s.entry.questions_zh[0]
            suggestions.append(Option(label=f"{doc.short_en if en else doc.short_zh}：{s.entry.title_en if en else s.entry.title}", document=s.document, entry=s.entry.id, question=q))
        parts = [head, "", "Covered documents:" if en else "目前涵蓋的文件：", self.covered_list(lang)]
        if suggestions:
            parts += ["", "Perhaps you meant:" if en else "您是不是想問："] + [f"• {o.question}" for o in suggestions]
        parts += ["", "Send /sources for the list of documents." if en else "輸入 /sources 可查看文件清單。"]
        return Answer(
            question=nq.original,
            kind="unknown",
            text="\n".join(parts).strip(),
            options=tuple(suggestions),
            lang=lang,
            score=ranked[0].score if ranked else 0.0,
        )


def _replace_text(ans: Answer, text: str) -> Answer:
    return replace(ans, text=text)
