"""The answering core: a turn of a conversation in, a structured answer and the next dialogue state out.

Front ends use only the methods of `Engine` (answer, converse, state_after, answer_entry, run_calculator, suggest,
prefill, source, documents, document, calculators, calculator, school_of, question_of, covered_list, describe,
entry_count); they never reach the knowledge base, the normaliser or the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from core.compose import Composer, first_sentence, simplified
from core.dialogue import EMPTY, DialogueState
from core.kb import KnowledgeBase
from core.matcher import Matcher, Scored
from core.model import Answer, AnswerContext, Check, Followup, Note, Option, Section
from core.normalize import MAX_QUESTION_CHARS, Normalised, Normaliser, clean
from core.planner import Plan, Planner
from core.schema import Definition, Document, Entry, Fact, Procedure, SmallTalk
from core.talk import (
    SmallTalkBook,
    asks_change,
    asks_comparison,
    asks_definition,
    asks_difference,
    asks_each,
    asks_how_computed,
    asks_if_also,
    asks_procedure,
    asks_to_add,
    asks_overview,
    asks_which_more,
    defines_only,
    language_request,
    looks_like_follow_up,
    reference,
    without_follow_up_words,
    without_procedure_words,
)
from lang.numbers import format_number
from lang.quantities import Quantity, Reading
from lang.textnorm import collapse_ws, forget_conversions, load_converters, needs_opencc, to_simplified
from rules.base import CalcError
from rules.evaluate import Rule, format_value

SUGGESTION_FLOOR = 0.22
INLINE_FLOOR = 0.25
MULTI_RATIO = 0.6  # another school's entry on the same topic within this share of the top score joins the answer
CLOSE_RATIO = 0.85  # without a shared topic, another school's entry must score this close to the best
OFF_TOPIC_WEIGHT = 2  # an off-topic word counts as this many unknown words
ELSEWHERE_RATIO = 0.75  # a named school's best clause this far below another document's best does not address the question
EXACT_KEYWORD = 0.999  # fuzzy similarity of a question that is, once stripped, one of a clause's own keywords or questions
LEAD_ITEM = 4.0  # a checklist item matched this specifically by the question's other words is cited first
SPECIFIC_CLAUSE = 10.0  # a question whose other words match one clause this specifically asks for that clause, not a checklist
ROW_LOOKUP = 0.6  # a table row matched this well answers a question that names only a choice
HOW_COMPUTED_RATIO = 0.8  # 「怎麼算」: a clause a rule applies, this close to the best, leads
TOPIC_BOOST = 1.5  # a rule on the last answer's topic, when a follow-up moves a calculation to another school
MAX_FIGURES = 12  # figures of an answer kept for 「差多少」
THREAD_RATIO = 0.75  # a question naming no school stays with the conversation's school when its best clause scores this close to the best
TIE_RATIO = 0.98  # a question naming no school in one school's thread: a clause the last answer cited this close to the best leads
CITED_RATIO = 0.9  # in a follow-up on the same topic, a clause the last answer cited leads over one scoring at most this much more
THREAD_WEIGHT = 0.3  # in a follow-up, the last question's score of a clause counts this much beside the message's own
MAX_THREAD = 4  # the messages of a thread whose figures a follow-up carries
ROW_RATIO = 0.9  # a table row whose column is asked leads over a remark split out of it scoring at most this much more
ASKED_RATIO = 0.85  # a clause stating a figure in the unit asked leads over a better one stating none, this close to it
ASKED_LOOK = 6  # among this many of the best
OVERVIEW_SLACK = 2  # characters or words beyond a document's titles a question for its overview may have (「去北京開會的」: 去, 開)
ASKS_FIGURE_WORDS = 10  # characters of its own a message asking for a figure may have and still continue the calculation


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


@dataclass(frozen=True)
class _Fig:
    """A numeric figure of an answer kept in the dialogue state (to say how far apart two results are)."""

    doc: str
    section: int
    name: str
    label: str
    value: str
    unit: str
    display: str

    def dump(self) -> str:
        return "\t".join((self.doc, str(self.section), self.name, self.label, self.value, self.unit, self.display))

    @staticmethod
    def parse(text: str) -> _Fig:
        doc, section, name, label, value, unit, display = text.split("\t")
        return _Fig(doc, int(section), name, label, value, unit, display)


def _figures_of(ans: Answer) -> tuple[str, ...]:
    """The numeric figures of a calculation (of each school's section), as state entries."""
    if ans.kind != "calculation":
        return ()
    out: list[str] = []
    parts = [(s.document, s.figures) for s in ans.sections] or [(ans.citations[0].document if ans.citations else "", ans.figures)]
    for i, (doc, figures) in enumerate(parts):
        for f in figures:
            if f.value:
                clean_label = f.label.replace("\t", " ")
                out.append(_Fig(doc, i, f.name, clean_label, f.value, f.unit, f.display.replace("\t", " ")).dump())
    return tuple(out[:MAX_FIGURES])


def _reading_notes(plan: Plan, ans: Answer) -> Answer:
    """Say how the figures were read where the plan changed them: past a threshold, or added to the last one."""
    return _added_notes(plan, _past_notes(plan, ans))


def _past_notes(plan: Plan, ans: Answer) -> Answer:
    """Say how a figure given as past a threshold of the rule (「超過 1,000 人」) was worked out (as 1,001)."""
    if not plan.bound.beyond:
        return ans
    en = ans.lang == "en"
    said = ("; " if en else "；").join(f"“{raw}” as {format_number(Decimal(v))}" if en else f"「{raw}」以 {format_number(Decimal(v))} 計" for raw, v in plan.bound.beyond)
    text = f"Worked out with {said}, the first figure on that side of the rule's threshold." if en else f"{said}（門檻另一側的第一個數字）。"
    return replace(ans, notes=(*ans.notes, Note("reading", text)))


def _added_notes(plan: Plan, ans: Answer) -> Answer:
    """Say how a figure added to the last one (「再加 3 小時」 after 9 hours) was worked out (9 + 3 = 12)."""
    if not plan.bound.added:
        return ans
    en = ans.lang == "en"
    said = ("; " if en else "；").join(
        f"“{raw}” as {format_number(Decimal(base))} + {format_number(Decimal(plus))} = {format_number(Decimal(total))}" if en
        else f"「{raw}」以 {format_number(Decimal(base))} + {format_number(Decimal(plus))} = {format_number(Decimal(total))} 計"
        for raw, base, plus, total in plan.bound.added)
    text = f"Worked out with {said}: added to the figure of the last question." if en else f"{said}（加在上一題的數字上）。"
    return replace(ans, notes=(*ans.notes, Note("reading", text)))


def _keep_previous(nxt: DialogueState, st: DialogueState) -> DialogueState:
    """The next state, remembering the last answer's figures as the previous ones."""
    before = tuple(("prev_fig", v) for k, v in st.extra if k == "fig")
    return replace(nxt, extra=tuple((k, v) for k, v in nxt.extra if k != "prev_fig") + before)


# Work over a table's rows, not a lookup of one: a share, a total, an average, a difference.
_OVER_ROWS = re.compile(r"百分|比例|佔|占|%|平均|合計|加起來|總共|總數|差|比.{0,8}多|比.{0,8}少|percent|share|average|total|sum|difference|more than|less than", re.I)
# An aggregate of a table's rows that no clause states (a total may be stated elsewhere, e.g. in a summary).
_ASKS_FIGURE = re.compile(r"多少|幾[個位名小週周月年學]|how (?:much|many)", re.I)
_AGGREGATE = re.compile(r"平均|average|\bmean\b", re.I)


_ASCII_WORD = re.compile(r"[a-z]+")


def _cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def _without_words_of(text: str, names: tuple[str, ...]) -> str:
    """The text with what it shares with `names` taken out: each run of two or more CJK characters found in a name
    (the longest at each place) and each whole English word found in one."""
    words = {w for n in names for w in _ASCII_WORD.findall(n.lower())}
    out: list[str] = []
    i = 0
    while i < len(text):
        m = _ASCII_WORD.match(text, i)
        if m:
            out.append(" " if m.group(0) in words else m.group(0))
            i = m.end()
            continue
        k = 0
        if _cjk(text[i]):
            end = i
            while end < len(text) and end - i < 16 and _cjk(text[end]):
                end += 1
            k = next((n for n in range(end - i, 1, -1) if any(text[i:i + n] in name for name in names)), 0)
        out.append(" " if k else text[i])
        i += k or 1
    return "".join(out)


def _said(st: DialogueState) -> tuple[str, ...]:
    """The messages of the conversation's current thread, oldest first."""
    return tuple(v for k, v in st.extra if k == "said")


class Engine:
    """The answering core. Built once (see bootstrap) from a validated knowledge base; never raises for any input text."""

    def __init__(self, kb: KnowledgeBase, normaliser: Normaliser, matcher: Matcher, calculators: Mapping[str, Rule]):
        self._kb = kb
        self._norm = normaliser
        self._matcher = matcher
        self._calculators = dict(calculators)
        self._compose = Composer(kb)
        self._talk = SmallTalkBook(kb.smalltalk)
        self._universities = frozenset(d.id for d in kb.documents.values() if d.role == "university")
        self._ministries = frozenset(d.id for d in kb.documents.values() if d.role == "ministry")
        self._definitions: list[tuple[str, Definition]] = sorted(
            ((normaliser.base(term), d) for d in kb.conversation.definitions for term in (d.term_zh, d.term_en, *d.aliases) if term),
            key=lambda td: -len(td[0]),
        )
        self._procedures: dict[str, list[Procedure]] = {}
        for p in kb.conversation.procedures:
            self._procedures.setdefault(p.document, []).append(p)
        # Their trigger words and the documents' titles in normal form, worked out once (kept in the cache).
        self._trigger_forms = {p.id: tuple(normaliser.base(t) for t in p.triggers) for p in kb.conversation.procedures}
        self._title_forms = {d: (normaliser.base(doc.title_zh), normaliser.base(doc.title_en)) for d, doc in kb.documents.items()}
        self._columns: list[tuple[str, str]] = []  # (normalised word, table column header) for readable table citations
        headers = {column for e in kb.entries for column in e.cells}
        for rule in calculators.values():
            for values in getattr(rule, "choices", {}).values():
                for spec in values.values():
                    if spec.zh not in headers:
                        continue  # a choice that is no table's column (a term, a platform)
                    for word in (spec.zh, spec.en, *spec.aliases):
                        if word:
                            self._columns.append((normaliser.base(word), spec.zh))
        self._columns = sorted(dict.fromkeys(self._columns), key=lambda wc: -len(wc[0]))  # each pair once: rules share words
        self._doc_columns: dict[str, set[str]] = {}  # per document, the column headers of its tables
        for e in kb.entries:
            self._doc_columns.setdefault(kb.entry_document[e.id], set()).update(e.cells)
        self._rules = dict(calculators)
        self._rule_homes = frozenset(r.entry for r in calculators.values())  # the clauses that set a rule
        self._planner = Planner(self._rules, normaliser.light, normaliser.base)
        # Per clause, the rules that apply it, their documents and weights (the clause that sets a rule counts most).
        self._applying: dict[str, tuple[tuple[str, str, float], ...]] = {}
        self._rows: dict[tuple[str, tuple[str, ...]], Entry] | None = None  # table rows by (document, path), on first use
        for e in kb.entries:
            found = tuple((n, self._rules[n].document, 1.0 if self._rules[n].entry == e.id else 0.85)
                          for n in (*kb.rule_coverage.get(e.id, ()), *e.calculators) if n in self._rules)
            if found:
                self._applying[e.id] = found

    # --- conversation -----------------------------------------------------------------------------------

    def forget_recent(self) -> None:
        """Clear what the engine remembers of recent questions (rankings, plans, normal forms): the next answer is
        worked out from scratch (benchmarks of a question asked for the first time)."""
        for part in (self._norm, self._matcher, self._planner):
            part.forget()
        forget_conversions()

    _prepared = False

    def prepare(self, converters: bool = True) -> None:
        """Load and build now what answering loads or builds on first use, so that processes forked from this one to
        answer start with it: the Simplified/Traditional converters (unless `converters` is False: a batch that sends
        every line needing them to one process, see `needs_converters`, leaves them to that process), and what
        answering a few of the knowledge base's own example questions makes (regular expressions compiled on first
        use, tables built lazily, the interpreter's specialised code); what those answers leave in the memos is then
        forgotten. Once per engine (the converters whenever asked); a forked process answered its first 238 distinct
        questions in 0.33 s instead of 0.6 s."""
        if converters:
            load_converters()
        if self._prepared:
            return
        self._prepared = True
        examples = (*self._examples("zh"), *self._examples("en"))
        for q in (*examples, *((to_simplified(q) for q in self._examples("zh")[:2]) if converters else ())):
            self.answer(q)
        self.forget_recent()

    @staticmethod
    def needs_converters(text: str) -> bool:
        """Whether answering the text may load the Simplified/Traditional converters (OpenCC's dictionaries, a tenth
        of a second or more): it is, or may be, written in Simplified. Traditional and English text never loads them."""
        return needs_opencc(text)

    def answer(self, question: str, context: AnswerContext | None = None) -> Answer:
        """Answer one question on its own (no conversation)."""
        return self.converse(question, context, EMPTY, 0.0)[0]

    def converse(self, question: str, context: AnswerContext | None, state: DialogueState, now: float) -> tuple[Answer, DialogueState]:
        """Answer one turn of a conversation with the context of the earlier turns; returns the answer and the next state.

        A follow-up that changes one thing of the last question (a figure, a school, the language) is answered as that
        question with the change; 「原文」, 「這是哪一條」 refer to the last answer; small talk gets a short reply; a
        complete new question starts afresh. The state is forgotten after 15 minutes of silence.
        """
        ctx = context or AnswerContext()
        text = question if isinstance(question, str) else str(question)
        said = clean(text)[:MAX_QUESTION_CHARS]  # what the talk markers read (no control characters or lone surrogates)
        st = state if state.fresh(now) else replace(EMPTY, lang=state.lang, simplified=state.simplified)
        wanted = language_request(said)
        if wanted is not None:
            return self._switch_language(text, wanted, st, ctx, now)
        nq = self._norm.question(text)
        lang, simple = self._language(nq, ctx, st)
        kind = self._talk.match(said)
        if kind is not None:
            ans = self._chat(text, kind, lang)
            return self._finish(ans, simple, nq.truncated), replace(st, at=now)
        ref = reference(said)
        if ref == "repeat":
            return self._finish(self._repeat(text, st, ctx, lang), simple, nq.truncated), replace(st, at=now)
        if ref is not None and st.entries:
            ans = self._reference(text, ref, st, lang)
            return self._finish(ans, simple, nq.truncated), replace(st, at=now)
        followed = bool(st.question) and self._is_follow_up(nq, said)
        if st.question and (followed or self._continues_calculation(nq, st)):
            carried = self._follow_up(nq, st, ctx, lang)
            if carried is not None:
                ans, next_state = carried
                return self._finish(ans, simple, nq.truncated), replace(_keep_previous(next_state, st), at=now, lang=st.lang, simplified=st.simplified)
        if st.question and asks_difference(said):
            diff = self._difference(text, st, lang)
            if diff is not None:
                return self._finish(diff, simple, nq.truncated), replace(st, at=now)
        ans = self._answer(nq, ctx, lang, thread=st.schools[0] if len(st.schools) == 1 else None, cited=st.entries)
        if self._leaves_thread(nq, st, ans, followed):
            # 「如果來不及可以延嗎」, "how many times?" in a school's thread: a follow-up, or a question too short to stand
            # on its own, is never answered with another school's rule (its words found another school's extension,
            # or every school's); the clause the thread rests on, if the two questions' words find it, else with a note
            # that it does not answer this as asked.
            same = self._same_clause_follow_up(nq, st, dict(st.extra).get("content", ""), lang)
            if same is not None:
                return self._finish(same[0], simple, nq.truncated), replace(_keep_previous(same[1], st), at=now, lang=st.lang, simplified=st.simplified)
            ans = self._not_in_thread(nq, st, lang)
        if ans.kind not in ("unknown", "chat"):
            next_state = _keep_previous(self.state_after(ans, now, nq), st)
        elif ans.kind == "unknown" and nq.uncovered and not nq.schools:
            # Refused for a school not covered: the question stays, so a follow-up naming a covered school asks it there.
            next_state = DialogueState(question=ans.question, kind=ans.kind, at=now, extra=(("content", self._norm.without_names(nq.content)),))
        else:
            next_state = replace(st, at=now)
        return self._finish(ans, simple, nq.truncated), replace(next_state, lang=st.lang, simplified=st.simplified)

    def _leaves_thread(self, nq: Normalised, st: DialogueState, ans: Answer, followed: bool) -> bool:
        """Whether an answer to a message naming no school leaves the one school the conversation is about: it cites only
        other schools, for a follow-up or a message too short to stand on its own; or, for a marked follow-up, it spreads
        over several schools ("and the hourly rate?" after 某校's tutoring)."""
        if len(st.schools) != 1 or not st.entries or nq.schools or nq.uncovered or not ans.citations:
            return False
        documents = {c.document for c in ans.citations}
        if st.schools[0] not in documents:
            return followed or self._says_little(nq)
        return followed and len(documents) > 1

    def state_after(self, ans: Answer, now: float, nq: Normalised | None = None, said: tuple[str, ...] = ()) -> DialogueState:
        """The dialogue state an answer leaves behind (also for front ends that answer outside `converse`, e.g. a button).
        `said`: the messages of the thread before this one (whose figures a follow-up to another school carries)."""
        q = nq or self._norm.question(ans.question)
        thread = (*said, q.original)
        if len(thread) > MAX_THREAD:
            thread = (thread[0], *thread[1 - MAX_THREAD:])  # the question that opened the thread, and the latest turns
        return DialogueState(
            question=ans.question,
            kind=ans.kind,
            schools=tuple(dict.fromkeys(c.document for c in ans.citations)),
            entries=tuple(c.entry for c in ans.citations),
            calculator=ans.calculator,
            params=tuple((k, str(v)) for k, v in ans.inputs.items() if k in self._param_names(ans.calculator)),
            lang=None,
            at=now,
            extra=(("content", q.content),) + ((("intent", ans.intent),) if ans.intent else ()) + tuple(("said", t) for t in thread)
            + tuple(("fig", f) for f in _figures_of(ans)),
        )

    def _param_names(self, calculator: str | None) -> set[str]:
        calc = self._calculators.get(calculator or "")
        return {p.name for p in calc.params} if calc else set()

    def _finish(self, ans: Answer, simple: bool, cut: bool = False) -> Answer:
        if cut:  # the message was longer than the part read: say so, politely
            en = ans.lang == "en"
            ans = replace(ans, notes=(*ans.notes, Note("warning", f"Your message was long: only its first {MAX_QUESTION_CHARS:,} characters were read."
                                                         if en else f"訊息較長，只讀了前 {MAX_QUESTION_CHARS:,} 個字。")))
        return simplified(ans) if simple and ans.lang != "en" else ans

    def _language(self, nq: Normalised, ctx: AnswerContext, st: DialogueState) -> tuple[str, bool]:
        """English when the message is English; else the conversation's requested language, the user's setting, Chinese."""
        if nq.lang == "en":
            return "en", False
        lang = st.lang or ctx.lang or "zh"
        return lang, (nq.lang == "zh-Hans" or st.simplified) and lang != "en"

    def _switch_language(self, text: str, wanted: str, st: DialogueState, ctx: AnswerContext, now: float) -> tuple[Answer, DialogueState]:
        lang = "en" if wanted == "en" else "zh"
        simple = wanted == "zh-Hans"
        nxt = replace(st, lang=lang, simplified=simple, at=now)
        again = self._rebuild(st, lang, ctx) if st.question else None
        if again is None:
            reply = "Sure, I'll reply in English." if lang == "en" else "好的，之後以中文回覆。"
            return self._finish(self._compose.chat(text, reply, self._examples(lang)[:2], lang), simple), nxt
        note = "Same question, in English:" if lang == "en" else "延續上一題，改以中文回答："
        again = replace(again, question=text, notes=(Note("carried", note), *again.notes))
        return self._finish(again, simple), nxt

    def _repeat(self, text: str, st: DialogueState, ctx: AnswerContext, lang: str) -> Answer:
        """「可以再說一次嗎」: the last answer again (rebuilt from what it rested on); with none, say so and offer examples
        (never a clause the words happen to match)."""
        en = lang == "en"
        again = self._rebuild(st, lang, ctx) if st.question else None
        if again is None:
            reply = ("There is no earlier answer in this conversation to repeat. Ask me a question, for example:" if en
                     else "這段對話還沒有可以再說一次的回答。請直接提問，例如：")
            return self._compose.chat(text, reply, self._examples(lang)[:3], lang)
        return replace(again, question=text, notes=(Note("carried", "Your last answer again:" if en else "上一題的回答，再說一次："), *again.notes))

    def _rebuild(self, st: DialogueState, lang: str, ctx: AnswerContext) -> Answer | None:
        """The last answer again, in another language (from what it rested on, not by re-reading its text)."""
        if st.calculator and st.calculator in self._calculators:
            try:
                return self.run_calculator(st.calculator, dict(st.params), lang, lead=st.entries[0] if st.entries else None, question=st.question)
            except CalcError:
                pass
        entries = [self._kb.by_id[i] for i in st.entries if i in self._kb.by_id]
        if len(entries) == 1 or (entries and len({self._kb.entry_document[e.id] for e in entries}) == 1):
            return self._compose.single(st.question, entries[0], 1.0, lang)
        if entries:
            return self._compose.several(st.question, [(e, 1.0) for e in entries], lang, self._several_head(lang, named=False))
        return self.answer(st.question, replace(ctx, lang=lang))

    # --- small talk, references, follow-ups --------------------------------------------------------------

    def _examples(self, lang: str) -> tuple[str, ...]:
        data = self._kb.smalltalk
        if data is None:
            return ()
        return data.examples_en if lang == "en" else data.examples_zh

    def _chat(self, text: str, kind: SmallTalk, lang: str) -> Answer:
        reply = kind.reply_en if lang == "en" else kind.reply_zh
        return self._compose.chat(text, reply, self._examples(lang)[:3] if kind.examples else (), lang)

    def _reference(self, text: str, ref: str, st: DialogueState, lang: str) -> Answer:
        """「這是哪一條」, 「原文」, 「要找哪個單位」 about the last answer."""
        entries = [self._kb.by_id[i] for i in st.entries if i in self._kb.by_id][:4]
        en = lang == "en"
        first = entries[0]
        doc = self._kb.document_of(first)
        if ref == "office":
            issuer = doc.issuer_en if en else doc.issuer_zh
            direct = (f"The clause is from {doc.title_en}, issued by {issuer}; the office it names handles it." if en
                      else f"這條出自{doc.title_zh}（{issuer}）；請洽條文所指的單位辦理。")
        elif ref == "source":
            direct = "The clause verbatim:" if en else "條文原文如下："
        elif ref == "why":
            # The documents state rules, seldom their reasons: what the clause says, and no reason it does not give.
            issuer = doc.issuer_en if en else doc.issuer_zh
            direct = (f"Here is the clause the last answer rests on, verbatim: any reason it gives is in its words; I won't guess one "
                      f"it doesn't give. For the intent behind it, ask {issuer}." if en else
                      f"以下是上一題依據的條文原文：條文寫到的理由以原文為準，沒寫的部分本助理不推測；想了解訂定的考量，請洽{issuer}。")
        else:
            labels = (", " if en else "、").join(f"{self._compose.doc_name(self._kb.entry_document[e.id], lang)} {e.clause}" for e in entries)
            direct = f"That answer rests on {labels}." if en else f"上一題依據的是{labels}。"
        return Answer(
            question=text,
            kind="answer",
            direct=direct,
            notes=(Note("carried", "About the last answer." if en else "延續上一題。"),),
            citations=tuple(self._compose.citation(e, lang) for e in entries),
            lang=lang,
            score=1.0,
            matched=tuple(e.id for e in entries),
        )

    def _is_follow_up(self, nq: Normalised, text: str) -> bool:
        """A message that only changes something of the last question: marked so (那…呢, 如果…, what about), or too
        short to be a question itself; a message that is a complete question on its own starts afresh."""
        if looks_like_follow_up(text) or (nq.schools and asks_to_add(text)) or (not nq.schools and asks_if_also(text)):
            return True
        if self._own_words(nq) > 4 or (asks_procedure(nq.text) and any(s in self._procedures for s in nq.schools)):
            return False  # 「某校課程結束要交什麼」 asks for that school's checklist: a question of its own
        ranked = self._matcher.rank(nq.content or nq.text, nq.schools or None, limit=1)
        topic = bool(ranked) and (self._matcher.has_topic(nq.content, ranked[0]) or (bool(nq.schools) and self._asks_figure_from_figure(nq)))
        return not (ranked and self._matcher.confident(ranked[0]) and topic)

    def _own_words(self, nq: Normalised) -> int:
        """How many characters of the message say what it asks, beyond schools, figures, words every clause shares and
        the words that mark a follow-up ("what about")."""
        rest = self._matcher.strip(without_follow_up_words(nq.content))
        return len("".join(ch for ch in rest if not ch.isdigit() and ch not in " .,%?？"))

    def _says_little(self, nq: Normalised) -> bool:
        """Too short to stand on its own: at most four characters of its own, an English word counting two ("how many
        times?": one word of its own)."""
        rest = self._matcher.strip(without_follow_up_words(nq.content))
        cjk = sum(1 for ch in rest if "\u4e00" <= ch <= "\u9fff")
        return cjk + 2 * len(_ASCII_WORD.findall(rest.lower())) <= 4

    def _continues_calculation(self, nq: Normalised, st: DialogueState) -> bool:
        """A short message naming no school whose best clause in the rule's document is one the last answer's rule
        applies (「最後一期？」 after the instalments were computed): the same calculation, asked about again."""
        rule = self._rules.get(st.calculator or "")
        if rule is None or nq.schools or nq.uncovered:
            return False
        rest = "".join(ch for ch in self._matcher.strip(nq.content) if not ch.isdigit() and ch not in " .,%")
        # A message asking for a figure may say a little more (「一學期總共最多可以領多少錢」 after the TAs worked out).
        if len(rest) > (ASKS_FIGURE_WORDS if _ASKS_FIGURE.search(nq.text) else 4):
            return False
        return self._about_rule(nq, rule, dict(st.params)) and self._stays_with(nq, rule.document)

    def _about_rule(self, nq: Normalised, rule: Rule, params: Mapping[str, str]) -> bool:
        """The message's best clause in the rule's document is the rule's own or one its calculation with these figures
        works with (「那如果申請延長呢？」 after a deadline worked out with its extension, a step of its own). A clause
        the calculation only mentions in a note is asked about itself: 「每門課上限是多少」 after a recording fee well
        under the course's cap asks the cap's clause, not the same fee again."""
        ranked = self._matcher.rank(nq.content or nq.text, (rule.document,), limit=1)
        if not ranked:
            return False
        best = ranked[0].entry.id
        if best == rule.entry:
            return True
        if best not in rule.spec.applies:
            return False
        try:
            return best in rule.run(params).worked
        except CalcError:
            return False

    def _follow_up(self, nq: Normalised, st: DialogueState, ctx: AnswerContext, lang: str) -> tuple[Answer, DialogueState] | None:
        """The last question with this message's change: another school, other figures."""
        content = dict(st.extra).get("content", "")
        named = tuple(s for s in nq.schools if s in self._kb.documents)
        en = lang == "en"
        if nq.uncovered and not named:
            return self._refuse(nq, lang), st
        if nq.off_topic and not named:
            return None  # 「宿舍怎麼申請？」 after a calculation is no change to it: a question of its own, off the documents' topics
        if named and self._only_tiers(named, st, nq):
            named = ()  # 「換成部定的錄取課程呢？」 names a tier of the university's own table, not the ministry's document
        if named and len(st.schools) >= 2 and not set(named) <= set(st.schools) and asks_to_add(nq.text):
            # 「某校也加進來」 after two schools side by side: the same question, all of them.
            every = tuple(dict.fromkeys((*st.schools, *named)))
            joined = self._compare_schools(replace(nq, content=content, text=f"{content} {nq.text}"), every, lang, self._columns_in(nq.text))
            if joined.kind != "unknown":
                note = "Same question, with {} added:" if en else "延續上一題，加入{}："
                names = (", " if en else "、").join(self._compose.doc_name(s, lang) for s in named)
                joined = replace(joined, notes=(Note("carried", note.format(names)), *joined.notes))
                return joined, self.state_after(joined, 0.0, replace(nq, content=content), _said(st))
        if len(st.schools) >= 2 and (not named or (set(named) <= set(st.schools) and asks_each(nq.text))):
            # After schools side by side, figures are worked through each school's rule, with the thread's earlier
            # figures (「如果 6 週、130 人，各能補多少？」, "how many hours each, if the second is an accepted course").
            light, reading = self._planner.read(nq.original)
            if reading.quantities and not reading.problems:
                both = replace(nq, content=f"{content} {nq.content}".strip())
                compared = self._compare_calculations(both, st.schools, lang, _said(st))
                if compared is not None:
                    compared = replace(compared, notes=(Note("carried", "Same schools, with these figures:" if en else "延續上一題的學校，代入這些數字："), *compared.notes))
                    return compared, self.state_after(compared, 0.0, replace(nq, content=content), _said(st))
        if named and set(named) != set(st.schools):
            school = named[0]
            last = self._topics_of(st.entries)
            if self._own_words(nq) >= 2 and (not asks_change(nq.original) or not self._planner.read(nq.original)[1].quantities):
                # 「那某校的助教呢？」 after credits, "what about 某校 TAs for 120 students?" after a budget: words of its
                # own name another topic there, a question of its own (「換成某校開 7 週的磨課師呢？」 says it changes the
                # figures of the same question).
                mine = self._matcher.rank(without_follow_up_words(nq.content), (school,), limit=1)
                if (mine and mine[0].specific > 0 and self._matcher.confident(mine[0]) and self._matcher.has_topic(nq.content, mine[0])
                        and not {mine[0].entry.topic, *mine[0].entry.topics} & last):
                    return None
            name = self._compose.doc_name(school, lang)
            carried = f"Same question for {name}:" if en else f"延續上一題，改問{name}："
            computed = st.kind == "calculation" and st.calculator in self._rules
            # A calculation asked again of another school is that school's rule on the same topic (credits are
            # credits), not whatever rule its figures fit (9 hours of learning are not 9 hours a week).
            topics = self._rule_topics(self._rules[str(st.calculator)]) if computed else last
            calc = self._calculate_for_school(nq, st, school, content, lang, carried, topics, same_topic_only=computed)
            if calc is not None:
                return calc, self.state_after(calc, 0.0, replace(nq, content=content), _said(st))
            ans = self._for_school(nq.original, content, school, lang, ctx, nq, topics, after_calculation=computed)
            if ans.kind == "unknown":
                if self._own_words(nq) > 4:
                    return None  # words of its own beyond the school (「那…哪門課最多人修？」): asked as it stands
                return ans, st
            ans = replace(ans, notes=(Note("carried", carried), *ans.notes))
            return ans, self.state_after(ans, 0.0, replace(nq, content=content), _said(st))
        if st.calculator and st.calculator in self._rules:
            rule = self._rules[st.calculator]
            light, reading = self._planner.read(nq.original)
            reading = self._without_restated(rule, light, reading, dict(st.params))
            if reading.problems:
                problem = reading.problems[0]
                return Answer(question=nq.original, kind="clarify", direct=problem.message_en if en else problem.message_zh, lang=lang), st
            plan = self._planner.plan(light, reading, [(rule, 1.0)], carried={rule.name: dict(st.params)})
            if plan is not None and plan.intent == "forward" and dict(st.extra).get("intent") == "check" and rule.spec.checks:
                plan = replace(plan, intent="check")  # 「改成 9 萬呢？」 after 「這樣可以嗎？」 asks for the verdict again
            if plan is not None:
                old = dict(st.params)
                changed = {k: v for k, v in plan.bound.params.items() if old.get(k) != v}
                if not changed and not reading.asked and plan.intent == dict(st.extra).get("intent", plan.intent) and not self._about_rule(nq, rule, dict(st.params)):
                    # 「那要怎麼申請？」, 「太少了吧」 change nothing of it, ask no figure and are about none of its clauses; but
                    # "and what's the cap per course?" asks the thread's school another clause on the same topic.
                    if not named and st.schools and content and looks_like_follow_up(nq.original):
                        return self._same_topic_follow_up(nq, st, content, lang)
                    return None
                what = ("、" if not en else ", ").join(f"{rule.param(k).label_en if en else rule.param(k).label_zh} {self._show_param(rule, k, v, lang)}".strip() for k, v in changed.items())
                carried = (f"Same calculation with {what}:" if en else f"延續上一題，改為{what}：") if what else ("Same calculation:" if en else "延續上一題：")
                done = self._execute(plan, nq.original, lang, light, note=carried, focus=st.entries[0] if st.entries else None)
                if done is not None:
                    return done, self.state_after(done, 0.0, replace(nq, content=content), _said(st))
        columns = self._columns_in(nq.text)
        lead = self._kb.by_id.get(st.entries[0]) if st.entries else None
        if columns and lead is not None and not any(c in lead.cells for c in columns) and lead.row_label:
            # 「標竿呢」 after a remark split out of a table row: the row itself has the column.
            lead = self._row_of(lead) or lead
        if columns and lead is not None and any(c in lead.cells for c in columns):
            # Another tier of the same table row (「錄取課程呢？」 after the benchmark course's column).
            name = "、".join(columns) if not en else ", ".join(columns)
            ans = self._compose.single(nq.original, lead, 1.0, lang, columns)
            ans = replace(ans, notes=(Note("carried", f"Same question, for {name}:" if en else f"延續上一題，改問{name}："), *ans.notes))
            return ans, self.state_after(ans, 0.0, replace(nq, content=content), _said(st))
        if not named and len(st.schools) == 1 and st.kind == "answer" and content and self._planner.read(nq.original)[1].quantities:
            # 「如果我錄了 5 小時」 after the clause on a school's recording fee: that school's rule on the clause's topic,
            # with these figures.
            last = self._topics_of(st.entries)
            note = "Same topic, with your figures:" if en else "延續上一題的主題，代入您的數字："
            calc = self._calculate_for_school(nq, st, st.schools[0], content, lang, note, last, same_topic_only=True) if last else None
            if calc is not None:
                return calc, self.state_after(calc, 0.0, replace(nq, content=content), _said(st))
        if not named and len(st.schools) == 1 and content and asks_if_also(nq.original):
            # "can I extend it?" after a school's production deadline: the clause beside it that the message's own
            # words find (the extension), when there is one.
            sibling = self._sibling_follow_up(nq, st, content, lang)
            if sibling is not None:
                return sibling
            # 「外校的學生可以嗎」 after a school's TAs: whether the last question's subject may be this, in that school's
            # clause the last answer rested on (its own words alone find another school's cross-school enrolment).
            same = self._same_clause_follow_up(nq, st, content, lang, yes_no=True)
            if same is not None:
                return same
        if not named and st.schools and content:
            # 「那總時數呢」 after a series' minimum courses: when its own words find nothing in the thread's school, the
            # last question's words with them may find the clause the last answer rested on (「時數合計不得少於 12 小時」).
            return self._same_topic_follow_up(nq, st, content, lang) or self._same_clause_follow_up(nq, st, content, lang)
        return None

    def _sibling_follow_up(self, nq: Normalised, st: DialogueState, content: str, lang: str) -> tuple[Answer, DialogueState] | None:
        """The clause the message's own words find confidently in the thread's school when it stands beside the clause
        the last answer rested on (the same parent: 2、(三)1. the deadline, 2、(三)2. its extension)."""
        last = self._kb.by_id.get(st.entries[0]) if st.entries else None
        if last is None or len(last.path) < 2:
            return None
        own = self._matcher.rank(nq.content, (st.schools[0],), limit=1)
        if not own or own[0].entry.id in st.entries or own[0].specific <= 0 or not self._matcher.confident(own[0]):
            return None
        near = own[0].entry
        if near.path[:-1] != last.path[:-1] or len(near.path) != len(last.path):
            return None
        en = lang == "en"
        ans = self._compose.single(nq.original, near, own[0].score, lang, self._columns_in(nq.text))
        ans = replace(ans, notes=(Note("carried", "Same topic as the last question:" if en else "延續上一題的主題："), *ans.notes))
        return ans, self.state_after(ans, 0.0, replace(nq, content=f"{content} {nq.content}"), _said(st))

    def _same_clause_follow_up(self, nq: Normalised, st: DialogueState, content: str, lang: str,
                               yes_no: bool = False) -> tuple[Answer, DialogueState] | None:
        """「课程老师呢」 after the PI's qualifications: a follow-up made only of words every clause shares, read with the
        last question's words in its one school; answered when that finds a clause the last answer rested on.

        A `yes_no` question whose subject is the last one's (「可以請外校的嗎」) is answered the same way, and when the
        clause never says the thing asked about (外校), a note says so rather than letting the quote pass for a yes."""
        if len(st.schools) != 1 or not st.entries:
            return None
        both = f"{content} {nq.content}".strip()
        ranked = self._matcher.rank(both, (st.schools[0],), limit=5 if yes_no else 1)
        # A yes/no question may rank the row or heading a clause belongs to a hair above the clause itself: the last
        # answer's clause within CLOSE_RATIO of such a best will do (another clause beside it is another answer).
        best = ranked[0] if ranked else None
        mine = [s for s in ranked if s.entry.id in st.entries and (s is best or (
            best is not None and s.document == best.document and s.entry.path[:len(best.entry.path)] == best.entry.path
            and s.score >= best.score * CLOSE_RATIO))]
        if not mine or not self._matcher.confident(mine[0]):
            return None
        en = lang == "en"
        notes = [Note("carried", "Same topic as the last question:" if en else "延續上一題的主題：")]
        entry, score = mine[0].entry, mine[0].score
        # What the clause addresses: its words and what its entry was written to answer (「外校生跨校選課」 for 跨校選課者).
        unsaid: list[str] = []
        if yes_no:
            said_by = " ".join((entry.quote, entry.answer_zh, entry.title, *entry.keywords, *entry.aliases, *entry.questions_zh))
            unsaid = [w for w in _asked_words(self._matcher.strip(nq.content)) if w not in said_by]
        if unsaid:
            said = _phrase(nq.text, unsaid)
            notes.append(Note("unstated", f"The clause does not mention {said}: what it says is below; ask the school's office to be sure."
                              if en else f"條文沒有直接提到{said}；以下是上一題依據的條文，是否可行請以學校承辦單位的認定為準。"))
        ans = self._compose.single(nq.original, entry, score, lang, self._columns_in(nq.text))
        ans = replace(ans, notes=(*notes, *ans.notes))
        return ans, self.state_after(ans, 0.0, replace(nq, content=both), _said(st))

    def _row_of(self, entry: Entry) -> Entry | None:
        """The table row a remark was split out of: the entry of the same document, same row label, whose path is the
        longest proper prefix of the remark's."""
        doc = self._kb.entry_document[entry.id]
        rows = self._rows
        if rows is None:  # built on first use: few questions need it
            rows = self._rows = {(self._kb.entry_document[e.id], e.path): e for e in self._kb.entries if e.row_label}
        for k in range(len(entry.path) - 1, 0, -1):
            other = rows.get((doc, entry.path[:k]))
            if other is not None and other.row_label == entry.row_label:
                return other
        return None

    def _not_in_thread(self, nq: Normalised, st: DialogueState, lang: str) -> Answer:
        """The clause the last answer rested on, with a note that it does not answer the follow-up as asked and that
        other schools' rules do not apply to this school."""
        entry = self._kb.by_id[st.entries[0]]
        doc = self._kb.documents[st.schools[0]]
        en = lang == "en"
        ans = self._compose.single(nq.original, entry, 0.0, lang, self._columns_in(nq.text))
        note = (f"The {doc.short_en} do not answer this as asked: below is the clause the last answer rests on. Other "
                f"schools' rules do not apply to {doc.name_en}; ask {doc.issuer_en} to be sure." if en else
                f"{doc.short_zh}沒有直接回答這一問；以下是上一題依據的條文。其他學校的規定不適用於{doc.name_zh}，"
                f"請以{doc.issuer_zh}的認定為準。")
        return replace(ans, notes=(Note("carried", "Same topic as the last question:" if en else "延續上一題的主題："), Note("unstated", note), *ans.notes))

    def _same_topic_follow_up(self, nq: Normalised, st: DialogueState, content: str, lang: str) -> tuple[Answer, DialogueState] | None:
        """「新南向系列呢？」, "what if I don't make it?": in each school the last answer was about, the clause this
        message's words find, with the last question's words breaking near ties (the cap asked about before, for the
        New Southbound series). A school whose document answers the message much worse than another document is left
        out; a checklist or a definition asked is left to the ordinary answer. None when no school has such a clause."""
        if asks_procedure(nq.text) or asks_definition(nq.text):
            return None
        if not self._matcher.strip(nq.content):
            return self._same_clause_follow_up(nq, st, content, lang)
        best_all = self._matcher.rank(nq.content, None, limit=1)
        found: list[tuple[Scored, float]] = []
        for school in st.schools:
            own = self._matcher.rank(nq.content, (school,), limit=40)
            before = {s.entry.id: s.score for s in self._matcher.rank(content, (school,), limit=40)}
            mixed = [(s, s.score + THREAD_WEIGHT * before.get(s.entry.id, 0.0)) for s in own if s.specific > 0]
            if not mixed:
                continue
            top, score = max(mixed, key=lambda sm: sm[1])
            if score < self._matcher.threshold + THREAD_WEIGHT * self._matcher.threshold or (best_all and own[0].score < best_all[0].score * THREAD_RATIO):
                continue
            if top.entry.id not in st.entries:
                # 「那每門課的上限呢」 after the recording fee: a clause the last answer cited (the fee's parent clause, with
                # the course's cap) fitting about as well as a neighbour's (the expert's fee, with its own cap) answers it.
                cited = [(s, sc) for s, sc in mixed if s.entry.id in st.entries and sc >= score * CITED_RATIO]
                if cited:
                    top = max(cited, key=lambda sm: sm[1])[0]
            elif st.entries and top.entry.id == st.entries[0]:
                # "and what is the upper limit per course?" after the recording fee: the clause just answered leads only
                # by the last question's words; another clause the last answer cited (the fee's parent clause, with the
                # course's cap) that the message's own words fit better, about as well mixed, answers what is asked now
                # rather than the same again. A clause it did not cite does not: 「新南向系列呢？」 after the caps asks
                # the series' cap, not the series' themes its words find first.
                better = [(s, sc) for s, sc in mixed if s.entry.id in st.entries[1:] and s.score > top.score and sc >= score * CITED_RATIO]
                if better:
                    top = max(better, key=lambda sm: sm[1])[0]
            found.append((top, score))
        if not found:
            return None
        en = lang == "en"
        note = Note("carried", "Same topic as the last question:" if en else "延續上一題的主題：")
        if len(found) == 1:
            top = found[0][0]
            ans = self._compose.single(nq.original, top.entry, top.score, lang, self._columns_in(nq.text))
        else:
            ans = self._compose.several(nq.original, [(s.entry, s.score) for s, _ in found], lang, self._several_head(lang, named=True))
        ans = replace(ans, notes=(note, *ans.notes))
        return ans, self.state_after(ans, 0.0, replace(nq, content=f"{content} {nq.content}"), _said(st))

    def _without_restated(self, rule: Rule, light: str, reading: Reading, carried: dict[str, str]) -> Reading:
        """A follow-up's figures without those that only restate a carried one ("that's for 10 weeks, what about 12?",
        「10 週是這樣，那 12 週呢？」); a bare number after a restated figure is in its unit."""
        restated: set[int] = set()
        for i, q in enumerate(reading.quantities):
            if q.kind == "number":
                continue
            bound = self._planner.bind(rule, light, replace(reading, quantities=(q,))).params
            numeric = {k: v for k, v in bound.items() if rule.inputs[k].type in ("number", "int")}
            if numeric and all(carried.get(k) == v for k, v in numeric.items()):
                restated.add(i)
        if not restated or len(restated) == len(reading.quantities):
            return reading
        kept: list[Quantity] = []
        last: Quantity | None = None
        for i, q in enumerate(reading.quantities):
            if i in restated:
                last = q
                continue
            if q.kind == "number" and last is not None:
                q, last = replace(q, kind=last.kind, unit=last.unit, approximate=False), None
            kept.append(q)
        return replace(reading, quantities=tuple(kept))

    def _only_tiers(self, named: tuple[str, ...], st: DialogueState, nq: Normalised) -> bool:
        """The ministry named in a follow-up about a university's answer names one of that university's course tiers."""
        if not all(s in self._ministries for s in named) or not st.schools or any(s in self._ministries for s in st.schools):
            return False
        return self._tiers_of(st.schools, nq.text)

    def _tiers_of(self, schools: tuple[str, ...], text: str) -> bool:
        """The text names a column of a table of one of these documents (a course tier of that university)."""
        return any(c in self._doc_columns.get(s, ()) for c in self._columns_in(text) for s in schools)

    def _difference(self, question: str, st: DialogueState, lang: str) -> Answer | None:
        """「差多少？」: how far apart the last two results are (two schools side by side, or this answer and the one
        before it), in the unit they share; None when there are no two such figures."""
        now = [_Fig.parse(v) for k, v in st.extra if k == "fig"]
        before = [_Fig.parse(v) for k, v in st.extra if k == "prev_fig"]
        pair: tuple[_Fig, _Fig] | None = None
        firsts = [next(f for f in now if f.section == i) for i in dict.fromkeys(f.section for f in now)]
        if len(firsts) >= 2 and firsts[0].unit == firsts[1].unit:
            pair = (firsts[0], firsts[1])
        else:
            for f in now:
                g = next((g for g in before if g.name == f.name and g.value != f.value), None)
                if g is not None:
                    pair = (f, g)
                    break
        if pair is None:
            return None
        a, b = pair
        gap = abs(Decimal(a.value) - Decimal(b.value))
        en = lang == "en"
        shown = format_value(gap, None, a.unit or None, lang)
        label = a.label
        name_a = self._compose.doc_name(a.doc, lang) if a.doc != b.doc else ""
        name_b = self._compose.doc_name(b.doc, lang) if a.doc != b.doc else ""
        side_a = f"{name_a} {a.display}".strip() if name_a else a.display
        side_b = f"{name_b} {b.display}".strip() if name_b else b.display
        if en:
            direct = f"The difference is {shown} ({label}: {side_a} vs {side_b})."
        else:
            direct = f"相差 {shown}（{label}：{side_a} 對 {side_b}）。"
        step = f"{format_value(Decimal(a.value), None, a.unit or None, lang)} − {format_value(Decimal(b.value), None, a.unit or None, lang)}"
        if Decimal(a.value) < Decimal(b.value):
            step = f"{format_value(Decimal(b.value), None, a.unit or None, lang)} − {format_value(Decimal(a.value), None, a.unit or None, lang)}"
        entries = [self._kb.by_id[i] for i in st.entries if i in self._kb.by_id][:4]
        return Answer(
            question=question,
            kind="calculation",
            direct=direct,
            steps=(f"{step} = {shown}",),
            notes=(Note("carried", "About the last two results." if en else "延續上一題的結果。"),),
            citations=tuple(self._compose.citation(e, lang) for e in entries),
            lang=lang,
            score=1.0,
            matched=tuple(e.id for e in entries),
        )

    def _calculate_for_school(self, nq: Normalised, st: DialogueState, school: str, content: str, lang: str, note: str, topics: set[str],
                              same_topic_only: bool = False) -> Answer | None:
        """The last calculation through another school's own rule: the figures of the last question, read again for
        that school's rule by their units and cue words (修課 100 人 is the enrolment there too), with this message's
        figures on top (「改成另一校呢？」, 「換成某校開 7 週呢？」); None when no rule of that school takes them.
        `same_topic_only`: only a rule on one of `topics` is the same calculation (the last answer computed one)."""
        ranked = self._matcher.rank(f"{content} {nq.content}".strip(), (school,), limit=40)
        candidates = self._candidate_rules(ranked, (school,))
        if not candidates:
            return None
        if same_topic_only and topics:
            candidates = [(r, p) for r, p in candidates if self._rule_topics(r) & topics]
            if not candidates:
                return None
        # The rule on the last answer's topic is the same calculation (TAs there are TAs here).
        candidates = sorted(((r, p * (TOPIC_BOOST if self._rule_topics(r) & topics else 1.0)) for r, p in candidates), key=lambda rp: -rp[1])
        light, reading = self._planner.read(nq.original)
        if reading.problems:
            return None
        carried: dict[str, dict[str, str]] = {rule.name: {} for rule, _ in candidates}
        for earlier in _said(st) or (st.question,):
            # Each earlier message's figures, later ones over earlier ones (「100 人」, then 「改成 130 人」).
            before_light, before = self._planner.read(earlier)
            for rule, _ in candidates:
                carried[rule.name].update(self._planner.bind(rule, before_light, before).params)
        if not reading.quantities and not (st.kind == "calculation" and any(carried.values())):
            return None  # no figures now, and the last answer computed nothing: the clause answers
        plan = self._planner.plan(light, reading, candidates, carried)
        if plan is None:
            return None
        done = self._execute(plan, nq.original, lang, light, note=note, focus=ranked[0].entry.id if ranked else None)
        return done if done is not None and done.kind == "calculation" else None

    def _rule_topics(self, rule: Rule) -> set[str]:
        return self._topics_of((rule.entry, *rule.spec.applies))

    def _topics_of(self, entry_ids: Iterable[str]) -> set[str]:
        """The topics the clauses rule on."""
        entries = [self._kb.by_id[i] for i in entry_ids if i in self._kb.by_id]
        return {t for e in entries for t in (e.topic, *e.topics) if t}

    def _show_param(self, rule: Rule, name: str, raw: str, lang: str) -> str:
        """A parameter's value as people read it (a tier's label, NT$ amounts)."""
        choice = rule.choices.get(name, {}).get(raw)
        if choice is not None:
            return choice.en if lang == "en" else choice.zh
        p = rule.param(name)
        if p.kind == "bool":  # 「改為兩學期合計」: a yes is the label alone
            return "" if raw == "yes" else ("no" if lang == "en" else "否")
        unit = p.unit_en if lang == "en" else p.unit_zh
        try:
            shown = format_value(Decimal(raw), "num", None, lang)  # 2.1666666667 hours shown as 2.1667
        except ArithmeticError:
            shown = raw
        return f"{shown} {unit}".strip() if unit not in ("元", "NT$") else f"NT${shown}"

    def _for_school(self, question: str, content: str, school: str, lang: str, ctx: AnswerContext, nq: Normalised, topics: set[str],
                    after_calculation: bool = False) -> Answer:
        """The last question about another school: its clause on the same topic, or a plain statement that its document
        does not address it. `after_calculation`: the last answer computed a figure, and that school has no rule on its
        topic: only a clause on the topic that states a figure or a condition answers (a form's 「授課學分」 field, or the
        best clause for the last question's other words, does not)."""
        every = self._matcher.rank(content, (school,), limit=40)
        ranked = [s for s in every if self._matcher.confident(s)]
        best_all = self._matcher.rank(content, None, limit=1)
        # The same topic in the other school's document is the same question, even in other words.
        same = [s for s in every if {s.entry.topic, *s.entry.topics} & topics and s.score >= self._matcher.threshold * 0.5]
        if after_calculation:
            same = [s for s in same if s.entry.facts or s.entry.condition]
            if not same:
                return self._not_addressed(question, school, lang, best_all)
        top = same[0] if same else (ranked[0] if ranked else None)
        if top is None or (not same and best_all and best_all[0].document != school and top.score < best_all[0].score * ELSEWHERE_RATIO):
            return self._not_addressed(question, school, lang, best_all)
        return self._compose.single(question, top.entry, top.score, lang, self._columns_in(nq.text))

    def _not_addressed(self, question: str, school: str, lang: str, elsewhere: list[Scored]) -> Answer:
        doc = self._kb.documents[school]
        en = lang == "en"
        head = (f"{doc.name_en}: {doc.title_en} does not address this, so I cannot answer it from that document." if en
                else f"{doc.name_zh}：{doc.title_zh}沒有提到這件事，無法回答；我不會拿其他文件來代替。")
        options = tuple(self._compose.suggestion(s.entry, lang) for s in elsewhere[:2] if s.document != school and self._matcher.confident(s))
        if options:
            head += " Questions other documents answer are below, for reference only." if en else "下面是其他文件能回答的問題，僅供參考。"
        return self._compose.unknown(question, head, lang, options=options, covered=False, hints=())

    # --- a question on its own ---------------------------------------------------------------------------

    def _answer(self, nq: Normalised, ctx: AnswerContext, lang: str, thread: str | None = None, cited: tuple[str, ...] = ()) -> Answer:
        """`thread`: the one school the conversation is about, which a question naming none stays with when its
        document answers it about as well as any other; `cited`: the clauses the last answer cited, one of which leads
        when the question's own words leave it tied with the best (TIE_RATIO)."""
        if not self._matcher.strip(nq.content) and not nq.schools:
            # 「磨課師是什麼？」 is made of words every clause shares: only a definition can answer it.
            return self._definition(nq, lang) or self._unknown(nq, lang, [], reason="empty")
        schools = (ctx.only_school,) if ctx.only_school in self._kb.documents else nq.schools
        if not schools and not nq.uncovered and thread in self._kb.documents and self._stays_with(nq, str(thread)):
            schools = (str(thread),)
        if any(s in self._ministries for s in schools) and any(s in self._universities for s in schools) and (
                self._tiers_of(tuple(s for s in schools if s in self._universities), nq.text) or not (asks_comparison(nq.text) or asks_each(nq.text))):
            # A ministry named next to a university describes that university's course tiers (a ministry-accepted
            # course) or its matter (a ministry certification); the ministry's own document is compared only when the
            # question compares or asks about each, and does not name a tier of that university's own table.
            schools = tuple(s for s in schools if s not in self._ministries)
        if nq.uncovered and not schools:
            return self._refuse(nq, lang)
        ranked = self._matcher.rank(nq.content or nq.text, schools or None, limit=40)
        # 「9 小時幾學分？」 is made of figures and units only, yet asks for one figure from another: a topic. So is a
        # word every clause shares when it is, as written, one of the named school's clause's own keywords
        # (「我想問某校磨課師的補助」: the clause on its subsidies).
        topic = bool(ranked) and (self._matcher.has_topic(nq.content, ranked[0]) or self._asks_figure_from_figure(nq)
                                  or (bool(schools) and ranked[0].fuzzy >= EXACT_KEYWORD))
        if len(schools) < 2 and not nq.off_topic and ranked and topic:
            # Figures that cue words bind to a rule of the school asked about are a calculation, whatever else the
            # words suggest (a checklist's 申請, a clause of another document that fits better).
            early = self._calculate(nq, ranked, schools, lang, cued_only=True)
            if early is not None and early.kind == "calculation":
                return early
        # 「那要怎麼申請？」 in a thread about one school asks for that school's procedure.
        procedure = self._procedure(nq, schools or ((str(thread),) if thread in self._kb.documents and not nq.uncovered else ()), ctx, lang)
        if procedure is not None:
            return procedure
        overview = self._overview(nq, schools, lang)
        if overview is not None:
            return overview
        definition = self._definition(nq, lang)
        if definition is not None:
            return definition
        unknown_words = self._matcher.oov_weight(nq.content) + OFF_TOPIC_WEIGHT * len(nq.off_topic)
        if not ranked or not self._matcher.confident(ranked[0], unknown_words) or not topic:
            if len(schools) == 1:
                elsewhere = self._matcher.rank(nq.content or nq.text, None, limit=3)
                if elsewhere and self._matcher.confident(elsewhere[0], unknown_words) and self._matcher.has_topic(nq.content, elsewhere[0]):
                    return self._not_addressed(nq.original, schools[0], lang, elsewhere)
            return self._unknown(nq, lang, ranked, reason="no-match")
        top = ranked[0]
        if len(schools) == 1 and top.score < self._matcher.best_elsewhere(nq.content or nq.text, schools[0]) * ELSEWHERE_RATIO:
            # (no other document's clause can score enough more than the school's best: no ranking over all needed)
            elsewhere = self._matcher.rank(nq.content or nq.text, None, limit=3)
            if elsewhere and elsewhere[0].document != schools[0] and top.score < elsewhere[0].score * ELSEWHERE_RATIO and top.entry.topic != elsewhere[0].entry.topic:
                return self._not_addressed(nq.original, schools[0], lang, elsewhere)
        if thread is not None and schools == (thread,) and cited and top.entry.id not in cited:
            # "what's the cap per course?" after 某校's recording fee: its words find the credit cap (at most 9 credits)
            # and the course's cap on costs, which the fee's answer cited, equally well; the conversation settles it.
            tied = next((s for s in ranked[1:ASKED_LOOK] if s.entry.id in cited and s.score >= top.score * TIE_RATIO), None)
            if tied is not None:
                ranked = [tied, *(s for s in ranked if s is not tied)]
                top = tied
        columns = self._columns_in(nq.text)
        if asks_how_computed(nq.text):
            # 「學分怎麼算？」 asks for the rule: a close clause that sets a rule leads.
            ruled = next((s for s in ranked if s.score >= ranked[0].score * HOW_COMPUTED_RATIO and s.entry.id in self._rule_homes), None)
            if ruled is not None and ruled is not ranked[0]:
                ranked = [ruled, *(s for s in ranked if s is not ruled)]
                top = ruled
        if len(schools) < 2:
            # 「人事費可以佔多少比例」 asks for a figure in a unit: a close clause of the same document that states one in
            # that unit (人力薪資 at most 60%) leads over one that states none (the PI's fee may be budgeted).
            asked = {a.unit for a in self._planner.read(nq.original)[1].asked}
            if asked and not any(f.unit in asked for f in top.entry.facts):
                stating = next((s for s in ranked[1:ASKED_LOOK] if s.document == top.document and s.score >= top.score * ASKED_RATIO
                                and self._matcher.confident(s) and any(f.unit in asked for f in s.entry.facts)), None)
                if stating is not None:
                    ranked = [stating, *(s for s in ranked if s is not stating)]
                    top = stating
        if columns and top.entry.row_label and not any(c in top.entry.cells for c in columns):
            # 「SPOC 錄取課程的教學研究計畫獎勵」: a column of the table asked, and a remark split out of its row found
            # first by a hair; the row, which has the column, leads (a remark the question's own words pick out by
            # more, 「第二次執行」, still leads).
            row = self._row_of(top.entry)
            lifted = next((s for s in ranked if row is not None and s.entry.id == row.id and any(c in row.cells for c in columns)
                           and s.score >= top.score * ROW_RATIO), None)
            if lifted is not None:
                ranked = [lifted, *(s for s in ranked if s is not lifted)]
                top = lifted
        if len(schools) >= 2:
            return self._compare_schools(nq, schools, lang, columns)
        calc = self._calculate(nq, ranked, schools, lang)
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
            return self._compose.several(nq.original, [(s.entry, s.score) for s in group], lang, self._several_head(lang, named=False), hints=("set_school",), columns=columns)
        scores = {s.entry.id: s.score for s in ranked}
        return self._compose.single(nq.original, group[0].entry, group[0].score, lang, columns, scores)

    def _asks_figure_from_figure(self, nq: Normalised) -> bool:
        """The question gives a figure and asks for a figure in another unit (「9 小時幾學分」, "credits for 9 hours")."""
        _, reading = self._planner.read(nq.original)
        given = {q.unit for q in reading.quantities}
        return bool(given) and any(a.unit not in given for a in reading.asked)

    def _stays_with(self, nq: Normalised, school: str) -> bool:
        """The school's document answers the question (confident, on a topic) about as well as the best of any document."""
        content = nq.content or nq.text
        best = self._matcher.rank(content, None, limit=1)
        mine = self._matcher.rank(content, (school,), limit=1)
        if not best or not mine:
            return False
        unknown_words = self._matcher.oov_weight(nq.content) + OFF_TOPIC_WEIGHT * len(nq.off_topic)
        return (self._matcher.confident(mine[0], unknown_words) and self._matcher.has_topic(nq.content, mine[0])
                and mine[0].score >= best[0].score * THREAD_RATIO)

    def _overview(self, nq: Normalised, schools: tuple[str, ...], lang: str) -> Answer | None:
        """「某校去北京開會的心得報告是在講什麼」: what one named document is about, from the entry its `overview` names
        (its purpose, or a report's summary). Only when the message says little beyond the document and the asking
        (OVERVIEW_SLACK characters or words that are not in its titles): 「某校的學分規定在講什麼」 asks about credits."""
        if len(schools) != 1 or schools[0] not in self._kb.documents:
            return None
        doc = self._kb.documents[schools[0]]
        asked = asks_overview(nq.text)
        if not doc.overview or doc.overview not in self._kb.by_id or not asked:
            return None
        rest = self._matcher.strip(nq.content.replace(asked, " "))
        titles = f"{doc.title_zh}{doc.short_zh}{doc.kind}出國報告文件這份那份".lower()
        title_words = set(_ASCII_WORD.findall(f"{doc.title_en} {doc.short_en} report document guidelines rules call".lower()))
        extra = [c for c in rest if "\u4e00" <= c <= "\u9fff" and c not in titles]
        extra += [w for w in _ASCII_WORD.findall(rest.lower()) if w not in title_words and w not in {"about", "say", "cover", "summary", "gist", "overview"}]
        if len(extra) > OVERVIEW_SLACK:
            return None
        entry = self._kb.by_id[doc.overview]
        return self._compose.single(nq.original, entry, 1.0, lang)

    def _several_head(self, lang: str, named: bool) -> str:
        if named:
            return "Each school's rule, side by side:" if lang == "en" else "各校規定分列如下："
        return "You did not name a school, and their rules differ; here is each one's rule:" if lang == "en" else "您沒有指明學校，各校規定不同，分列如下："

    def _compare_schools(self, nq: Normalised, schools: tuple[str, ...], lang: str, columns: tuple[str, ...]) -> Answer:
        """Two or more schools named: each school's rule side by side, each cited, and the comparison itself; with
        figures, each school's own rule applied to them."""
        en = lang == "en"
        computed = self._compare_calculations(nq, schools, lang)
        if computed is not None:
            return computed
        found: list[tuple[Entry, float]] = []
        missing: list[str] = []
        # 「哪個比較多」, 「各怎麼算」 ask for figures: in each school a close clause that sets a rule leads.
        figures = asks_comparison(nq.text) or asks_how_computed(nq.text)
        for school in schools:
            if school not in self._kb.documents:
                continue
            ranked = self._matcher.rank(nq.content or nq.text, (school,), limit=40 if figures else 1)
            ruled = next((s for s in ranked if s.entry.id in self._rule_homes and s.score >= ranked[0].score * HOW_COMPUTED_RATIO), None) if figures and ranked else None
            if ruled is not None and self._matcher.confident(ruled):
                ranked = [ruled]
            if ranked and self._matcher.confident(ranked[0]):
                found.append((ranked[0].entry, ranked[0].score))
            else:
                missing.append(school)
        if not found:
            return self._unknown(nq, lang, [], reason="no-match")
        parts = []
        for e, _ in found:
            name = self._compose.doc_name(self._kb.entry_document[e.id], lang)
            parts.append(f"{name}: {first_sentence(e.answer_en)}" if en else f"{name}：{first_sentence(e.answer_zh)}")
        for school in missing:
            name = self._compose.doc_name(school, lang)
            parts.append(f"{name}: its document does not address this." if en else f"{name}：文件沒有提到這件事。")
        head = ("Compared: " if en else "比較：") + ("; " if en else "；").join(p.rstrip("。.；; ") for p in parts)
        unstated = self._unstated(found, lang) if asks_which_more(nq.text) else []
        if unstated:
            # 「哪個比較多」 where a document leaves out a figure the amount depends on: no verdict, and why.
            why = ("; " if en else "；").join(u.rstrip("。. ") for u in unstated)
            head = (f"Which is more cannot be told from the documents ({why}). " if en else f"無法從文件直接判斷哪個較多（{why}）。") + head
        elif asks_which_more(nq.text) and len(found) >= 2:
            verdict = self._which_more(found, lang)
            if verdict:
                head = f"{verdict} {head}" if en else f"{verdict}{head}"
        ans = self._compose.several(nq.original, found, lang, head, columns=columns)
        if len(found) == 1:
            return replace(ans, kind="answer")
        return ans

    def _which_more(self, found: list[tuple[Entry, float]], lang: str) -> str:
        """「哪個比較多」 of clauses that each state one figure in the same unit and per the same thing (每小時, 每月):
        which is more, with each figure as its clause writes it; empty when the clauses' figures cannot be set side by
        side that way (one per hour, another per course)."""
        en = lang == "en"
        picked = side_by_side([e.facts for e, _ in found])
        if not picked:
            return ""
        sides = [(e, f) for (e, _), f in zip(found, picked)]
        values = [f.decimal() for _, f in sides]
        names = [self._compose.doc_name(self._kb.entry_document[e.id], lang) for e, _ in sides]
        shown = ("; " if en else "、").join(f"{n} 「{f.text}」" if en else f"{n}「{f.text}」" for n, (_, f) in zip(names, sides))
        caps = [bool(_CAP_WORD.search(str(f.text))) for _, f in sides]
        if len(set(values)) == 1:
            return f"By the figures the clauses state, they are the same: {shown}." if en else f"依條文數字，各校相同：{shown}。"
        k = values.index(max(values))
        if caps[k]:  # the higher figure is a cap: what is paid may be less
            return f"By the figures the clauses state, {names[k]}'s cap is higher: {shown}." if en else f"依條文數字，{names[k]}的上限較高：{shown}。"
        capped = "".join((f" ({n}'s figure is a cap, not a fixed amount)" if en else f"（{n}的數字是上限，不是定額）")
                         for n, cap in zip(names, caps) if cap)
        return f"By the figures the clauses state, {names[k]}'s is more: {shown}{capped}." if en else f"依條文數字，{names[k]}較多：{shown}{capped}。"

    def _unstated(self, found: list[tuple[Entry, float]], lang: str) -> list[str]:
        """For each clause, the figures it leaves out that the rules applying it say are unstated (「附表只規定倍數，
        未規定鐘點費單價」), with its document's name."""
        en = lang == "en"
        out: list[str] = []
        for e, _ in found:
            for name, _doc, _own in self._applying.get(e.id, ()):
                for note in self._rules[name].spec.notes:
                    text = note.en if en else note.zh
                    cited = note.cite if isinstance(note.cite, str) else (note.cite[0] if note.cite else self._rules[name].entry)
                    if note.kind == "unstated" and cited == e.id and "{" not in text:
                        said = f"{self._compose.doc_name(self._kb.entry_document[e.id], lang)}{': ' if en else '：'}{text}"
                        if said not in out:
                            out.append(said)
        return out[:2]

    def _compare_calculations(self, nq: Normalised, schools: tuple[str, ...], lang: str, said: tuple[str, ...] = ()) -> Answer | None:
        """The same figures through each named school's own rule, side by side; None when no school's rule takes them.
        `said`: earlier messages of the thread, whose figures each rule takes unless this message gives them anew."""
        en = lang == "en"
        runs: list[tuple[str, Answer | None]] = []
        for school in schools:
            ranked = self._matcher.rank(nq.content or nq.text, (school,), limit=40)
            carried: dict[str, dict[str, str]] = {}
            for rule, _ in self._candidate_rules(ranked, (school,)) if said else ():
                for earlier in said:
                    before_light, before = self._planner.read(earlier)
                    carried.setdefault(rule.name, {}).update(self._planner.bind(rule, before_light, before).params)
            runs.append((school, self._calculate(nq, ranked, (school,), lang, carried or None) if ranked else None))
        done = [(sch, a) for sch, a in runs if a is not None and a.kind == "calculation"]
        if not done:
            return None
        sections = []
        parts = []
        for school, a in runs:
            name = self._compose.doc_name(school, lang)
            doc = self._kb.documents[school]
            if a is None or a.kind != "calculation":
                # No result here: what the rule still needs, or the school's own clause on the question, or nothing.
                part = self._uncomputed_section(nq, school, a, lang)
                if part is None:
                    parts.append(f"{name}: its document has no rule for these figures" if en else f"{name}：文件沒有可套用這些數字的規定")
                    continue
                parts.append(f"{name}: {part.direct}" if en else f"{name}：{part.direct}")
                sections.append(part)
                continue
            parts.append(f"{name}: {a.direct}" if en else f"{name}：{a.direct}")
            sections.append(Section(document=school, heading=doc.short_en if en else doc.short_zh, direct=a.direct, figures=a.figures, steps=a.steps,
                                    checks=a.checks, notes=tuple(n for n in a.notes if n.kind in ("reading", "unstated")), citations=a.citations[:1]))
        head = ("Compared: " if en else "比較：") + ("; " if en else "；").join(p.rstrip("。.；; ") for p in parts)
        return Answer(
            question=nq.original,
            kind="calculation",
            direct=head,
            sections=tuple(sections),
            citations=tuple(c for sec in sections for c in sec.citations),
            lang=lang,
            score=1.0,
            matched=tuple(c.entry for sec in sections for c in sec.citations),
            calculator=done[0][1].calculator if done[0][1] else None,
        )

    def _uncomputed_section(self, nq: Normalised, school: str, run: Answer | None, lang: str) -> Section | None:
        """A school's part of figures compared side by side when its rule computed nothing: the figures the rule still
        needs with its clause, or its own clause on the question; None when its document does not address it."""
        doc = self._kb.documents[school]
        heading = doc.short_en if lang == "en" else doc.short_zh
        if run is not None and run.needs and run.citations:
            return Section(document=school, heading=heading, direct=run.direct, details=run.details, citations=run.citations[:1])
        ranked = self._matcher.rank(nq.content or nq.text, (school,), limit=1)
        if not ranked or not self._matcher.confident(ranked[0]) or not self._matcher.has_topic(nq.content, ranked[0]):
            return None
        e = ranked[0].entry
        return Section(document=school, heading=heading, direct=first_sentence(e.answer_en if lang == "en" else e.answer_zh),
                       citations=(self._compose.citation(e, lang),))

    def _procedure(self, nq: Normalised, schools: tuple[str, ...], ctx: AnswerContext, lang: str) -> Answer | None:
        """「要準備哪些東西」, 「申請流程」: the checklist of the school's document, each item cited."""
        if not self._procedures or nq.off_topic or not asks_procedure(nq.text):
            # 「宿舍怎麼申請」 asks how to apply for something the documents never deal with.
            return None
        docs = [s for s in schools if s in self._procedures] or ([ctx.default_school] if ctx.default_school in self._procedures else [])
        en = lang == "en"
        if not docs:
            if schools:
                return None
            options = tuple(Option(label=self._compose.doc_name(d, lang), document=d) for d in self._procedures)
            head = ("Which school's procedure? Each document has its own:" if en else "請問是哪一份文件（哪所學校或哪個計畫）的申請流程？各文件規定不同：")
            return Answer(question=nq.original, kind="clarify", direct=head, options=options, hints=("set_school",), lang=lang)
        doc = docs[0]
        # 「申請流程裡，授課規劃表是附件幾？」 asks for one clause; 「要準備哪些東西？」 for the checklist.
        rest = without_procedure_words(nq.content)
        top = self._matcher.rank(rest, (doc,), limit=1)
        if top and top[0].specific >= SPECIFIC_CLAUSE and self._matcher.confident(top[0], self._matcher.oov(rest)):
            return None
        procs = self._procedures[doc]
        proc = max(procs, key=lambda p: sum(1 for t in self._trigger_forms[p.id] if t in nq.text))
        # The item the question's other words point at (「結報要交什麼」 → the settlement clause) is cited first,
        # and picks the checklist it belongs to.
        # The words of the document's own title name the document, not an item (「教材製作獎勵要怎麼申請」 at the
        # university whose rules are the 教材製作獎勵要點).
        pointing = _without_words_of(nq.content, self._title_forms[doc])
        lead = next((s for s in self._matcher.rank(pointing, (doc,), limit=40) if any(s.entry.id == it.entry for p in procs for it in p.items)), None)
        if lead is not None and (lead.specific < LEAD_ITEM or not self._matcher.confident(lead, self._matcher.oov(rest))):
            lead = None
        if lead is not None and not any(it.entry == lead.entry.id for it in proc.items):
            proc = next(p for p in procs if any(it.entry == lead.entry.id for it in p.items))
        details = tuple(f"{i}. {it.en if en else it.zh}（{self._kb.by_id[it.entry].clause}）" if not en else f"{i}. {it.en} ({self._kb.by_id[it.entry].clause})"
                        for i, it in enumerate(proc.items, start=1))
        cited = list(dict.fromkeys(it.entry for it in proc.items))
        if lead is not None:
            cited.remove(lead.entry.id)
            cited.insert(0, lead.entry.id)
        return Answer(
            question=nq.original,
            kind="answer",
            direct=proc.title_en if en else proc.title_zh,
            details=details,
            citations=tuple(self._compose.citation(self._kb.by_id[i], lang) for i in cited),
            lang=lang,
            score=1.0,
            matched=tuple(cited),
        )

    def _definition(self, nq: Normalised, lang: str) -> Answer | None:
        """「磨課師是什麼」: the documents' own definitions, each cited; or that the documents use a term without defining it."""
        if not self._definitions or not asks_definition(nq.text):
            return None
        found = next(((t, d) for t, d in self._definitions if t and t in nq.text), None)
        if found is None or not defines_only(nq.content if found[0] in nq.content else nq.text, found[0]):
            return None
        term = found[1]
        entries = [self._kb.by_id[i] for i in term.entries if i in self._kb.by_id]
        if nq.schools:
            entries = [e for e in entries if self._kb.entry_document[e.id] in nq.schools] or entries
        en = lang == "en"
        if not entries:
            return None
        if term.undefined_zh:
            head = term.undefined_en if en else term.undefined_zh
            return self._compose.several(nq.original, [(e, 1.0) for e in entries], lang, head) if len(entries) > 1 else replace(
                self._compose.single(nq.original, entries[0], 1.0, lang), direct=head, details=(self._compose.entry_parts(entries[0], lang)[0],))
        if len(entries) == 1:
            return self._compose.single(nq.original, entries[0], 1.0, lang)
        head = f"How each document defines {term.term_en}:" if en else f"各文件對「{term.term_zh}」的定義："
        return self._compose.several(nq.original, [(e, 1.0) for e in entries], lang, head)

    def _columns_in(self, text: str) -> tuple[str, ...]:
        """The table columns a question names (a course tier), for quoting only the cells that apply."""
        out: list[str] = []
        for word, column in self._columns:
            if word and word in text and column not in out:
                out.append(column)
        return tuple(out)

    def _same_topic(self, top: Scored, ranked: list[Scored], schools: tuple[str, ...]) -> list[Scored]:
        """The best entry of each other document on the top entry's topics, when close enough to the top score."""
        topics = {top.entry.topic, *top.entry.topics} - {None}
        best: dict[str, Scored] = {top.document: top}
        floor = max(self._matcher.threshold * 0.85, top.score * MULTI_RATIO)
        close = max(self._matcher.threshold, top.score * CLOSE_RATIO)
        for s in ranked[1:]:
            if s.document in best or s.score < floor:
                continue
            # Another school's rule on the same topic, or one that fits the question just as well.
            if not (({s.entry.topic, *s.entry.topics} & topics) or s.score >= close):
                continue
            if schools and s.document not in schools:
                continue
            best[s.document] = s
        return list(best.values())

    # --- rules applied to the asker's figures ---------------------------------------------------------------

    def _candidate_rules(self, ranked: list[Scored], schools: tuple[str, ...]) -> list[tuple[Rule, float]]:
        """Rules that apply the best-matching clauses (the clause that sets a rule counts most), within the named schools."""
        prior: dict[str, float] = {}
        floor = self._matcher.threshold * 0.5
        for s in ranked[:40]:
            if s.score < floor:
                break
            for name, document, own in self._applying.get(s.entry.id, ()):
                if schools and document not in schools:
                    continue
                prior[name] = max(prior.get(name, 0.0), s.score * own)
        return [(self._rules[n], p) for n, p in sorted(prior.items(), key=lambda kv: -kv[1])]

    def _calculate(self, nq: Normalised, ranked: list[Scored], schools: tuple[str, ...], lang: str, carried: dict[str, dict[str, str]] | None = None,
                   cued_only: bool = False) -> Answer | None:
        """A rule applied to the figures of the question: forward, the asked unknown, tiers compared, or a plan checked.
        `cued_only`: only when cue words bound figures to the rule, and the rule is on the best clauses' topic."""
        light, reading = self._planner.read(nq.original)
        if cued_only and not reading.quantities and not reading.problems:
            return None  # no figure for a cue word to bind (what follows would come to the same)
        candidates = self._candidate_rules(ranked, schools)
        if not candidates:
            return None
        if reading.problems:
            problem = reading.problems[0]
            msg = problem.message_en if lang == "en" else problem.message_zh
            return Answer(question=nq.original, kind="clarify", direct=msg, lang=lang, score=ranked[0].score if ranked else 0.0)
        if cued_only and (not reading.quantities or candidates[0][1] < self._matcher.threshold):
            return None
        plan = self._planner.plan(light, reading, candidates, carried, over_rows=self._over_rows(light, candidates))
        if plan is None:
            return None
        if cued_only and plan.bound.cued == 0:
            return None
        if (not plan.bound.used and plan.intent == "forward" and ranked and ranked[0].score >= ROW_LOOKUP and (ranked[0].entry.cells or ranked[0].entry.row_label)
                and not _OVER_ROWS.search(light)):
            return None  # one named row of a table asked about (「財務管理有多少人修？」): the row itself answers
        return self._execute(plan, nq.original, lang, light, focus=ranked[0].entry.id if ranked else None)

    def _over_rows(self, light: str, candidates: list[tuple[Rule, float]]) -> frozenset[str]:
        """The rules over a table (a choice input names its rows) whose rows the question works over as a whole: an
        aggregate no clause states (平均每門), or a total of the table the question names by its label (表二…加起來);
        a total alone (「那六門課總共多少人」) is left to the clause that states it."""
        if not _OVER_ROWS.search(light):
            return frozenset()
        out: set[str] = set()
        for rule, _ in candidates:
            entry = self._kb.by_id.get(rule.entry)
            if entry is None or not any(spec.type == "choice" for spec in rule.inputs.values()):
                continue
            if _AGGREGATE.search(light) or (entry.clause and entry.clause.lower() in light):
                out.add(rule.name)
        return frozenset(out)

    def _execute(self, plan: Plan, question: str, lang: str, text: str, note: str = "", focus: str | None = None) -> Answer | None:
        rule = plan.bound.rule
        params = dict(plan.bound.params)
        en = lang == "en"
        # The clause the question is about leads, when the rule applies it (a budget check asked about equipment).
        own = {rule.entry, *rule.spec.applies}
        lead = focus if focus in own else rule.entry
        if plan.intent == "inverse" and plan.target is not None:
            name, output, target = plan.target
            solved = self._planner.solve(rule, params, name, output, target)
            if solved is not None:
                try:
                    return _reading_notes(plan, self._compose.solved(question, rule, params, solved, lang, note))
                except CalcError:
                    pass
        if plan.intent == "sum" and plan.parts:
            try:
                each = [(part, rule.run(part.params)) for part in plan.parts]
            except CalcError:
                each = []
            if each:
                summed = self._compose.summed(question, rule, each, lang, note)
                return replace(_reading_notes(plan, summed), inputs=dict(plan.parts[0].params), intent="sum")
        if plan.intent == "compare" and plan.compare is not None:
            choice, values = plan.compare
            runs = []
            for v in values:
                try:
                    runs.append((v, rule.run({**params, choice: v})))
                except CalcError:
                    continue
            if len(runs) >= 2:
                return self._compose.compared(question, rule, choice, runs, lang, note)
        missing = rule.missing(params)
        if missing and plan.bound.cued == 0 and not note:
            return None  # a figure in passing (「連續做五天要休息嗎」), not a calculation asked for: the clause answers
        if missing:
            labels = ", ".join(p.label_en for p in missing) if en else "、".join(p.label_zh for p in missing)
            entry = self._kb.by_id[lead]
            base = self._compose.single(question, entry, 1.0, lang)
            lead = f"To calculate this, please also give: {labels}." if en else f"若要幫您計算，請再提供：{labels}。"
            return replace(base, direct=lead, details=(base.direct,), calculator=rule.name, needs=tuple(p.name for p in missing), hints=("step_by_step",),
                           result={k: v for k, v in params.items()})
        try:
            res = rule.run(params)
        except CalcError as err:
            if plan.bound.cued == 0 and not note:
                return None  # figures in passing the rule cannot take: the clause answers
            if plan.intent == "check":
                # The plan breaks a condition the rule itself states (three TAs where two is the most): that is the verdict.
                base = self._compose.single(question, self._kb.by_id[lead], 1.0, lang)
                msg = err.message_en if en else err.message_zh
                broken = Check(label=rule.param(err.param).label_en if en else rule.param(err.param).label_zh, passed=False, detail=msg, entry=lead)
                return replace(base, kind="calculation", direct=("Does not comply: " if en else "不符合：") + msg, checks=(broken,), details=(base.direct,),
                               calculator=rule.name, inputs=dict(params))
            entry = self._kb.by_id[lead]
            base = self._compose.single(question, entry, 1.0, lang)
            msg = err.message_en if en else err.message_zh
            why = (f"I could not calculate this: {msg}" + (f" (allowed: {err.allowed})" if err.allowed else "")) if en else (
                f"無法計算：{msg}" + (f"（可用範圍：{err.allowed}）" if err.allowed else ""))
            return replace(base, direct=why, details=(base.direct,), calculator=rule.name, needs=(err.param,), hints=("step_by_step",))
        if plan.intent == "check":
            # A plan checked: the clause of the first condition it fails is the answer's ground, so it leads.
            lead = next((c.entry for c in res.checks if not c.passed and c.entry), lead)
        ans = self._compose.calculation(question, rule.name, res, lang, lead, carried=note)
        if plan.bound.rough:
            given = "、".join(plan.bound.rough) if not en else ", ".join(plan.bound.rough)
            ans = replace(ans, notes=(*ans.notes, Note("reading", f"Worked out with your rough figure ({given}) as it is; the result changes if the actual figure differs."
                                                     if en else f"依您提供的約略數字（{given}）計算；實際數字不同時，結果可能不同。")))
        ans = _reading_notes(plan, ans)
        if plan.intent == "check" and ans.checks:
            failed = [c for c in ans.checks if not c.passed]
            if failed:
                verdict = ("Does not comply: " if en else "不符合：") + ("; " if en else "；").join(c.label for c in failed)
            else:
                verdict = ("Complies: " if en else "符合：") + ("; " if en else "；").join(c.label for c in ans.checks)
            ans = replace(ans, direct=verdict, details=(ans.direct, *ans.details))
        return replace(ans, inputs=dict(params), intent=plan.intent)

    def _refuse(self, nq: Normalised, lang: str) -> Answer:
        """A question about a body the knowledge base does not cover: say so, naming it."""
        en = lang == "en"
        names = ", ".join(nq.uncovered_en or nq.uncovered) if en else "、".join(nq.uncovered)
        head = (f"The knowledge base does not include the rules of {names}; I cannot answer for it, and I won't answer with another school's rules." if en
                else f"知識庫沒有收錄「{names}」的規定，無法回答，也不會拿其他學校的規定來猜。")
        return self._compose.unknown(nq.original, head, lang)

    def _unknown(self, nq: Normalised, lang: str, ranked: list[Scored], reason: str) -> Answer:
        en = lang == "en"
        if reason == "empty":
            example = next(iter(self._examples(lang)), "")
            head = ("Please type a question about the MOOC rules" + (f', e.g. "{example}"' if example else "") + "." if en
                    else "請輸入和磨課師規定有關的問題" + (f"，例如「{example}」" if example else "") + "。")
        else:
            head = ("I could not find a rule in the knowledge base that answers this, so I won't guess." if en
                    else "抱歉，知識庫裡找不到能回答這個問題的條文，我不會用猜的。")
        suggestions: list[Option] = []
        seen: set[str] = set()
        for s in ranked:
            if s.score < SUGGESTION_FLOOR or len(suggestions) >= 3 or s.entry.id in seen:
                continue
            seen.add(s.entry.id)
            suggestions.append(self._compose.suggestion(s.entry, lang))
        ans = self._compose.unknown(nq.original, head, lang, options=tuple(suggestions))
        return replace(ans, score=ranked[0].score if ranked else 0.0)

    # --- what front ends use besides answers ---------------------------------------------------------------

    def answer_entry(self, entry_id: str, lang: str = "zh") -> Answer | None:
        """The answer of one entry, as if it had matched (related-question buttons); None for an unknown id."""
        e = self._kb.by_id.get(entry_id)
        if e is None:
            return None
        return self._compose.single(e.questions_en[0] if lang == "en" else e.questions_zh[0], e, 1.0, lang)

    def run_calculator(self, name: str, params: Mapping[str, Any], lang: str = "zh", lead: str | None = None, question: str = "") -> Answer:
        """Run a calculator on raw parameters and build a `calculation` answer (CalcError propagates; KeyError for an unknown name)."""
        calc = self._calculators[name]
        res = calc.run(params)
        return replace(self._compose.calculation(question, name, res, lang, lead), inputs={k: str(v) for k, v in params.items() if v not in (None, "")})

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
        rule = self._rules.get(calculator)
        if rule is None:
            return {}
        light, reading = self._planner.read(question)
        out: dict[str, str] = {}
        for k, v in self._planner.bind(rule, light, reading).params.items():
            try:
                rule.param(k).coerce(v)
            except CalcError:
                continue
            out[k] = v
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

    def describe(self, entry_id: str, lang: str = "zh") -> str | None:
        """An entry as people name it: the issuer's short name, the clause label and the entry's title."""
        e = self._kb.by_id.get(entry_id)
        if e is None:
            return None
        name = self._compose.doc_name(self._kb.entry_document[e.id], lang)
        return f"{name} {e.clause} {e.title_en if lang == 'en' else e.title}"

    def documents(self) -> tuple[Document, ...]:
        """The documents covered, in the order of documents.yaml."""
        return tuple(self._kb.documents.values())

    def document(self, doc_id: str) -> Document | None:
        """One document by id."""
        return self._kb.documents.get(doc_id)

    def calculators(self) -> tuple[Rule, ...]:
        """Every calculator."""
        return tuple(self._calculators.values())

    def calculator(self, name: str) -> Rule | None:
        """One calculator by name."""
        return self._calculators.get(name)

    def school_of(self, text: str) -> str | None:
        """The one document a short text names (a school's short or English name), or None."""
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
        return self._compose.covered_list(lang)

    def candidates(self, question: str, k: int = 3) -> list[tuple[str, tuple[str, ...]]]:
        """The k best-scoring clauses for a question (document, path), for evaluation."""
        nq = self._norm.question(question)
        return [(s.document, s.entry.path) for s in self._matcher.rank(nq.content or nq.text, nq.schools or None, limit=k)]

    def entry_count(self) -> int:
        """How many entries the knowledge base holds."""
        return len(self._kb.entries)

    def examples(self, lang: str = "zh", k: int = 4) -> tuple[Followup, ...]:
        """Questions to try (a welcome's buttons), at most `k`: the example questions of knowledge/smalltalk.yaml, or
        else one entry question per document that names its school, preferring entries with a calculator."""
        curated = self._examples(lang)
        if curated:
            return tuple(Followup(label=q, question=q) for q in curated[:k])
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


_PER = re.compile(r"每(?:一)?\s*(小時|時|月|人|位|門|週|周|學期|案|年|支)")
_CAP_WORD = re.compile(r"至多|最多|上限|最高|不超過|不得超過")


def side_by_side(factsets: list[tuple[Fact, ...]]) -> list[Fact]:
    """One figure from each clause that can be set against the others: the same unit, per the same thing (每小時), and the
    only such figure in its clause; empty when there is none (one per hour, another per course; or two per hour)."""
    common: set[tuple[str, str]] | None = None
    for facts in factsets:
        keys = {(f.unit, per) for f in facts if f.text and (per := _per(f.text))}
        common = keys if common is None else common & keys
    for unit, per in sorted(common or ()):
        mine = [[f for f in facts if f.unit == unit and f.text and _per(f.text) == per] for facts in factsets]
        if all(len(m) == 1 for m in mine):
            return [m[0] for m in mine]
    return []


_VERB_EDGE = re.compile(r"^[請當找用聘讓給]+|的+$")


def _asked_words(stripped: str) -> list[str]:
    """The Chinese words a short yes/no question asks about (「請外校」 → 外校, 「研究生 當」 → 研究生): its stripped words
    without a leading verb of hiring or serving or a trailing 的, two characters or more."""
    out = []
    for w in stripped.split():
        w = _VERB_EDGE.sub("", w)
        if len(w) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in w):
            out.append(w)
    return out


def _phrase(text: str, words: list[str]) -> str:
    """The words quoted as the message says them: one span when they stand close together (「外校的學生」), else each."""
    at = [(text.find(w), w) for w in words]
    if all(i >= 0 for i, _ in at):
        start, end = min(i for i, _ in at), max(i + len(w) for i, w in at)
        if end - start <= 12:
            return f"「{text[start:end]}」"
    return "、".join(f"「{w}」" for w in words)


def _per(text: str) -> str:
    """What a figure written in a clause is per (「每小時至多…」: 小時), or empty."""
    m = _PER.search(text)
    return {"時": "小時", "周": "週", "位": "人"}.get(m.group(1), m.group(1)) if m else ""
