"""Apply rules to the asker's situation: bind a question's figures to a rule's inputs, then compute forward, solve for
the asked unknown, compare tiers, or check a plan.

Figures are read by lang.quantities (durations, money, counts, dates, terms, in three scripts); each figure binds to
the input whose unit it has, and where several inputs share a unit, to the one whose cue words stand near it (cues
and units are declared on the inputs of the rule definitions, not here). The school and tier words pick the rule.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from core.talk import asks_check, asks_comparison
from lang.quantities import Asked, Quantity, Reading, read
from lang.textnorm import needs_opencc
from lang.weekdays import weekdays
from rules.base import INPUT_PLACES, CalcError
from rules.evaluate import Rule

Intent = Literal["forward", "inverse", "compare", "check", "sum"]

CUE_BEFORE = 14  # characters before a figure where a cue word binds it
ASKED_OUTPUT = 1.0  # a rule whose result is what the question asks for (「幾學分」) is the likelier one
COMMON_RULE_WORD = 0.2  # an English word in the titles of more than this share of the rules names none of them
COMMON_DOCUMENT_WORD = 0.5  # nor one in more than this share of one document's rules
MAX_CUE = 24  # the longest cue word looked for before a figure
BARE_AHEAD, BARE_WORDS = 40, 3  # the words after a figure without a unit that may say what it counts
CUE_AFTER = 8  # and after it (words usually precede the figure they govern: 補助 200萬, 自籌 30萬)
MAX_SEARCH = 100_000  # the largest value an inverse search tries
PLAN_MEMO = 1024  # recent plans remembered

# Words that mark a figure as the result wanted, not an input (「想拿到 100 小時」, "to reach 100 hours").
_TARGET = re.compile(r"(?:想要?|希望|要|才能|才可以|可以|能|達到|到達|拿到|領到|湊到|湊滿|到|達|至少|滿|超過|reach|get|to|at least)\s*$")
# Words that ask for the point where a cap binds (「錄幾小時就到補助上限」).
_SATURATE = re.compile(r"上限|封頂|領滿|拿滿|補滿|頂到|最多能領|全額|max(?:imum)? out|(?<![a-z])cap(?![a-z])|the maximum(?! (?:[a-z]+ )?(?:rate|amount)\b)")
_CONFIRM = re.compile(r"是(?:不是)?[^，。？?]{1,12}(?:嗎|吗|吧|\?|？)|對嗎|對不對|没错吧|沒錯吧|right\?|is (?:it|that|the)\b.*\?|correct\?")
_ROUGHLY = re.compile(r"(?:快|將近|接近|近|almost|nearly|close to|just under)\s*$")  # less than the figure: not the figure
_ABOUT = re.compile(r"(?:差不多|大約|大概|約莫|約|估計|預估|預計|about|around|roughly|approximately|estimated)\s*$")  # the figure, roughly
_CLAUSE_END = re.compile(r"[，。；;,、？！?!\n]")
_HOW_MUCH = re.compile(r"多少|(?<!好)幾|是(?=\s*[？?]?\s*$)|how (?:many|much|long)")
_NEGATED = re.compile(r"(?:不是|非|沒有|不算|不屬於|not|no|non-)\s*$")
# Three or more figures in a row (「350、280、420」, "310, 295 and 500"): the last may be joined by 和/及/與/跟/and.
_LIST = re.compile(r"\d+(?:\.\d+)?(?:(?:\s*[,，、]\s*(?:and\s+)?|\s*(?:和|及|與|跟)\s*|\s+and\s+)\d+(?:\.\d+)?){2,}")
_EN_WORDS = re.compile(r"(?:\s+[a-z][a-z'-]*){1,%d}" % BARE_WORDS)
_LIST_JOIN = re.compile(r"\s*(?:[,，、]\s*(?:and\s+)?|和|及|與|跟|\s+and\s+)\s*")
_WEEKS_TEXT = re.compile(r"\d+(?:\.\d+)?(?:\s*[,，、+]\s*\d+(?:\.\d+)?)*(?:\s*[;；|｜]\s*\d+(?:\.\d+)?(?:\s*[,，、+]\s*\d+(?:\.\d+)?)*)+")

# Input units a question's quantity may fill: a count in 個 (item) fills any count input a cue word points at.
RAW_PLACES = INPUT_PLACES  # an inexact duration's places: as many as a number input takes
_COUNT_UNITS = frozenset({"course", "person", "time", "unit_video", "series", "school", "multiple", "credit", "item"})
# Bare figures that a cue word on either side binds: an amount (「每月 5,000」), a score (「推動規劃 80」, "80 on planning").
_CUED_EITHER_SIDE = frozenset({"TWD", "point"})


@dataclass(frozen=True)
class Bound:
    """A question's figures bound to one rule's inputs."""

    rule: Rule
    params: dict[str, str]
    used: frozenset[int]  # indexes of the reading's quantities consumed
    cued: int  # figures bound thanks to a cue word
    figures: int  # figures bound in all (choices and yes/no included)
    unused: int  # figures of the question the rule does not take
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # every value named for a choice input
    missing: int = 0  # required inputs the question leaves out
    rough: tuple[str, ...] = ()  # figures the asker gave as rough ones (大概 8 小時), as written
    beyond: tuple[tuple[str, str], ...] = ()  # (as written, value used): 「超過 1,000 人」 worked out as 1,001
    added: tuple[tuple[str, str, str, str], ...] = ()  # (as written, carried, added, total): 「再加 3 小時」 on 9 is 12

    @property
    def score(self) -> float:
        # A figure bound by a cue word is strong evidence; one bound by its unit alone, weaker; one left over, or a
        # required input left out, counts against.
        return 0.6 * self.figures + 0.8 * self.cued - 0.75 * self.unused - 1.0 * self.missing


@dataclass(frozen=True)
class Plan:
    """What to do with a rule: its binding and the intent."""

    bound: Bound
    intent: Intent
    target: tuple[str, str, Decimal] | None = None  # inverse: (input to solve for, output, value to reach); value None = the cap
    compare: tuple[str, tuple[str, ...]] | None = None  # compare: (choice input, values)
    parts: tuple[Part, ...] = ()  # sum: the courses worked out one by one, then added up


@dataclass(frozen=True)
class Part:
    """One of several courses a question describes (「一門 6 週、一門 9 週」), or each of N alike ("three courses, each
    running 5 weeks": `times` 3), with the figures that are its own."""

    label_zh: str
    label_en: str
    params: dict[str, str]
    times: int = 1


@dataclass(frozen=True)
class Solved:
    """An inverse answer: the least input value that reaches the target, and the output there and one step below."""

    input: str
    output: str
    value: Decimal
    reached: Decimal
    below: Decimal | None
    target: Decimal
    reachable: bool
    best: Decimal  # the output at the largest input tried (what can be reached at most)
    saturate: bool = False  # the target was the cap itself (「到上限」)
    integral: bool = True


class Planner:
    """Binds figures to rule inputs for the rules of one knowledge base."""

    def __init__(self, rules: Mapping[str, Rule], light: Callable[..., str], base: Callable[[str], str] | None = None):
        self.rules = dict(rules)
        self._light = light  # text → lower-case Traditional text (the normaliser's light form)
        self._base = base or light  # text → the matcher's form (synonyms canonical: 助教 → 教學助理)
        self._out_labels: dict[str, tuple[str, ...]] = {}  # per rule: its shown results' labels, in the matcher's form
        self._out_words: dict[str, frozenset[str]] = {}  # per rule: the English words of its title and results' labels
        self._cues: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._aliases: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._out_units: dict[tuple[str, str], str | None] = {}
        self._title_terms: dict[str, frozenset[str]] = {}
        self._read: dict[str, tuple[str, Reading]] = {}  # the last few questions read (an answer reads its question twice)
        self._plans: dict[Hashable, Plan | None] = {}  # recent plans (an answer may plan twice; a question asked again)
        self._kb_light: dict[str, str] = {}  # the rules' labels and units that only OpenCC converts, in light form
        self._kb_base: dict[str, str] = {}  # and in the matcher's form
        self._needs_figure: dict[str, bool] = {}
        self._input_words: dict[tuple[str, str], tuple[str, ...]] = {}  # a figure input's labels and units, light form, of 2+ characters
        for rule in self.rules.values():
            for name, spec in rule.inputs.items():
                self._cues[(rule.name, name)] = (
                    tuple(c for c in (light(w) for w in spec.cues) if c),
                    tuple(c for c in (light(w) for w in spec.avoid) if c),
                )
                if spec.type == "choice":
                    words: list[tuple[str, str]] = []
                    for value, choice in rule.choices.get(name, {}).items():
                        for w in (value, choice.zh, choice.en, *choice.aliases):
                            lw = light(w)
                            # A one-character or all-digit alias (上, 1) names a choice only in the step-by-step flow.
                            if lw and len(lw) >= 2 and not lw.isdigit():
                                words.append((lw, value))
                    words.sort(key=lambda wv: -len(wv[0]))
                    self._aliases[(rule.name, name)] = words
            title = light(rule.title_zh)
            # A rule that cannot run without a figure of the asker's: a required number, or a group of numbers one of
            # which is required. No choice or yes/no named makes it a calculation for a question that gives none.
            numbers = {n for n, spec in rule.inputs.items() if spec.type in ("number", "int")}
            self._needs_figure[rule.name] = any(n in numbers and not rule.inputs[n].optional for n in rule.inputs) or any(
                set(group) <= numbers for group in rule.spec.require)
            self._title_terms[rule.name] = frozenset(title[k:k + 2] for k in range(len(title) - 1)) | frozenset(
                w for w in re.findall(r"[a-z]{3,}", light(rule.title_en)))
            self._out_labels[rule.name] = tuple(b for b in (self._base(o.label_zh) for o in rule.spec.outputs.values() if o.label_zh) if len(b) >= 2)
            self._out_words[rule.name] = frozenset(_stems(" ".join([rule.title_en, *(o.label_en for o in rule.spec.outputs.values() if o.label_en and o.show)])))
            # The knowledge base's own words that answering reads in normal form and that only OpenCC converts (占),
            # worked out once and kept in the cache: converting them on a question would load OpenCC's dictionaries in
            # every process, for a Traditional question too. (The others convert without OpenCC, when asked.)
            words_of: list[tuple[str, ...]] = [(i.label_zh, i.label_en, i.unit_zh, i.unit_en) for i in rule.inputs.values()]
            words_of += [(o.label_zh, o.label_en) for o in rule.spec.outputs.values()]
            for w in (w for ws in words_of for w in ws):
                if w and needs_opencc(w.lower()):
                    self._kb_light.setdefault(w, light(w))
                    self._kb_base.setdefault(w, self._base(w))
            for name, spec in rule.inputs.items():
                if spec.type in ("number", "int") and spec.unit:
                    self._input_words[(rule.name, name)] = tuple(
                        lw for lw in (self._fixed_light(w) for w in (spec.label_zh, spec.label_en, spec.unit_zh, spec.unit_en) if w and len(w) >= 2) if lw)
            for out_name, out in rule.spec.outputs.items():
                unit = out.unit
                if unit is None and isinstance(out.value, str):
                    unit = _unit_of(rule, out.value)
                self._out_units[(rule.name, out_name)] = unit
        # Words that many rules share, or many of one document's rules (its school's short name), tell no rule's
        # result apart.
        counts = Counter(w for words in self._out_words.values() for w in words)
        common = {w for w, n in counts.items() if n > COMMON_RULE_WORD * len(self._out_words)}
        by_document: dict[str, list[str]] = {}
        for rule in self.rules.values():
            by_document.setdefault(rule.document, []).append(rule.name)
        for names in by_document.values():
            own = Counter(w for n in names for w in self._out_words[n])
            mine = {w for w, n in own.items() if len(names) >= 3 and n > COMMON_DOCUMENT_WORD * len(names)}
            for n in names:
                self._out_words[n] -= common | mine

    # --- reading --------------------------------------------------------------------------------------

    def read(self, text: str) -> tuple[str, Reading]:
        """The light form of a question (lower case, for cue words) and the figures in it (read with case kept:
        3.5M is millions); both have the same length, so spans agree."""
        hit = self._read.get(text)
        if hit is not None:
            return hit
        if len(self._read) >= 16:
            self._read.clear()
        self._read[text] = out = self._reading(text)
        return out

    def _reading(self, text: str) -> tuple[str, Reading]:
        cased = self._light(text, keep_case=True)
        light = cased.lower()
        if len(light) != len(cased):
            light = cased = self._light(text)
        return light, read(cased)

    # --- binding ----------------------------------------------------------------------------------------

    def bind(self, rule: Rule, text: str, reading: Reading, carried: Mapping[str, str] | None = None, products: bool = True) -> Bound:
        """Bind the question's figures to the rule's inputs: by unit, and by cue words where several inputs share a unit.
        `products`: 「2 位業師各錄 3 個單元」 is read as 6 units (else as 2 persons and 3 units)."""
        reading = _without_ones(_without_rates(text, _with_products(text, reading) if products else reading))
        params: dict[str, str] = {}
        used: set[int] = set()
        cued = 0
        figures = 0
        choices: dict[str, tuple[str, ...]] = {}
        pairs: list[tuple[float, float, int, int, str]] = []  # (score, likeness to a carried figure, input order, quantity index, input name)
        mentions: dict[tuple[str, ...], list[str]] = {}  # choice set → values named, in order, not yet given to an input
        for rank, (name, spec) in enumerate(rule.inputs.items()):
            if spec.type == "choice":
                key = tuple(sorted(rule.choices.get(name, {})))
                if key not in mentions:
                    mentions[key] = list(self._choices_named(rule, name, text))
                    if mentions[key]:
                        choices[name] = tuple(mentions[key])
                # Two inputs with the same choices (old and new tier) take the values named in turn.
                if mentions[key]:
                    params[name] = mentions[key].pop(0)
                    figures += 1
                continue
            if spec.type == "bool":
                value = self._flag(rule, name, text)
                if value is not None:
                    params[name] = "yes" if value else "no"
                    figures += 1
                continue
            if spec.type in ("list", "text"):
                m = (_WEEKS_TEXT if spec.type == "text" else _LIST).search(text)
                if m and self._cue_near(rule, name, text, m.start(), m.end()) >= 0 and _list_fits(spec.unit, reading, m.start(), m.end()):
                    params[name] = m.group(0) if spec.type == "text" else ",".join(_LIST_JOIN.split(m.group(0)))
                    figures += 1
                    used.update(i for i, q in enumerate(reading.quantities) if m.start() <= q.start < m.end())
                elif spec.type == "list" and spec.unit == "hour":
                    # Hours by days of the week (「週一到週五每天 8 小時，週六 4 小時」), where a cue word says so.
                    week = _week_schedule(text, reading)
                    if week is not None and self._cue_near(rule, name, text, week[1], week[2]) > 0:
                        params[name] = week[0]
                        figures += 1
                        cued += 1
                        used.update(week[3])
                continue
            for i, q in enumerate(reading.quantities):
                if _confirms_fact(rule, text, q):
                    continue  # 「每週線上學習是算 2 小時對吧」 repeats the rule's figure: no figure of the asker's
                if q.kind == "money" and _restates_rate(rule, text, q) and not _PER_ITEM.search(f"{spec.label_zh} {spec.label_en}".lower()):
                    continue  # 「每小時 5000 元」 restates the rule's rate: no amount requested (a rate input takes it)
                bare = _bare_fits(spec.type, spec.unit, q)
                if (not (bare or _fits(spec.type, spec.unit, q) or _ranks(spec.unit, q, text) or _calendar_year(spec.type, spec.unit, spec.max, q))
                        or _ROUGHLY.search(text[max(0, q.start - 3):q.start])):
                    continue
                if _ALL_OF_EACH.search(q.raw) and _PER_ITEM.search(f"{spec.label_zh} {spec.label_en}".lower()):
                    continue  # "4 hours each" taken for 2 courses is their total, not one course's figure
                low = reading.quantities[i - 1].end if i > 0 else 0
                high = reading.quantities[i + 1].start if i + 1 < len(reading.quantities) else None
                near = self._cue_near(rule, name, text, q.start, q.end, low, high)
                if near < 0:
                    continue
                if bare:
                    # An amount needs a cue word either side (「每月 5,000」); a count, the English words after it to
                    # name what it counts (the reader knows no unit "topics").
                    after = self._named_after(rule, name, text, q.end, high)
                    near = max(near, after) if spec.unit in _CUED_EITHER_SIDE else after
                if (q.unit == "item" or bare) and near == 0:
                    continue  # 「3 個」, "4 discussion topics": a figure binds only where a cue word says what it counts
                pairs.append((near, _likeness(q, (carried or {}).get(name)) if near == 0 else 0.0, -rank, i, name))
        # An academic term (116 學年度第 1 學期) fills a year input and the term choice that names 第 N 學期.
        for i, q in enumerate(reading.quantities):
            if q.kind != "term" or q.term is None:
                continue
            year, term = q.term
            for name, spec in rule.inputs.items():
                if spec.unit == "academic_year" and name not in params:
                    params[name] = str(year)
                    used.add(i)
                    figures += 1
                    cued += 1
                elif spec.type == "choice" and name not in params:
                    chosen = next((v for v, c in rule.choices.get(name, {}).items() if f"第{term}學期" in c.aliases), None)
                    if chosen is not None:
                        params[name] = chosen
                        figures += 1
        taken: set[str] = set()
        rough: list[str] = []
        beyond: list[tuple[str, str]] = []
        added: list[tuple[str, str, str, str]] = []
        alternatives = {n: set(g) - {n} for g in rule.spec.require for n in g}
        # Without cue words, a figure in a follow-up replaces the carried figure it is most like (「改成 9 萬」 after a
        # budget of 200 萬 with 12 萬 of equipment is the equipment).
        for near, _, _, i, name in sorted(pairs, key=lambda p: (-p[0], -p[1], -p[2], p[3])):
            if name in taken or i in used or (near == 0 and alternatives.get(name, set()) & taken):
                continue
            q = reading.quantities[i]
            params[name] = _raw(q, rule.inputs[name].type, rule.inputs[name].unit)
            base = (carried or {}).get(name)
            if base is not None and rule.inputs[name].type in ("number", "int") and _increases(text, q):
                # 「再加 3 小時呢」, "3 more hours?" after 9 hours: the carried figure and this one, added up.
                total = _sum(base, params[name])
                if total is not None:
                    added.append((q.raw, base, params[name], total))
                    params[name] = total
            if _ABOUT.search(text[max(0, q.start - 4):q.start]):
                rough.append(q.raw)
            past = _past_threshold(rule, name, q, text)
            if past is not None:
                params[name] = past[1]
                beyond.append(past)
            taken.add(name)
            used.add(i)
            figures += 1
            cued += near > 0
        if carried:
            fresh = set(params)
            # A figure given now replaces the carried one it is an alternative to: the other of a pair required one or
            # the other (hours instead of weeks, a birth date instead of an age). One of the same unit is another figure
            # of the plan (online hours changed, the total hours stay), and so is any figure of a longer list of which
            # one at least is required (the new courses' hours changed, the series' courses stay).
            dropped = {n for group in rule.spec.require if len(group) == 2 and fresh & set(group) for n in group
                       if rule.inputs[n].unit not in {rule.inputs[f].unit for f in fresh & set(group)}} - fresh
            for k, v in carried.items():
                if k in rule.inputs and k not in params and k not in dropped:
                    params[k] = v
        unused = sum(1 for i, q in enumerate(reading.quantities) if i not in used and q.kind != "number")
        missing = len(rule.missing(params))
        return Bound(rule, params, frozenset(used), cued, figures, unused, choices, missing, tuple(rough), tuple(beyond), tuple(added))

    def _named_after(self, rule: Rule, name: str, text: str, end: int, high: int | None) -> float:
        """1.5 when one of the few words after a figure without a unit is a cue word or the unit of this input ("4
        discussion topics", "3 MOE MOOC series"), else 0."""
        cues, _ = self._cues[(rule.name, name)]
        spec = rule.inputs[name]
        words = [self._fixed_light(w) for w in (spec.unit_en, spec.unit_zh) if w]
        limit = min(end + BARE_AHEAD, len(text) if high is None else high)
        m = _EN_WORDS.match(text, end, limit)
        ahead = m.group(0).split() if m else []
        if ahead and m is not None and m.end() < len(text) and text[m.end()].isalpha():
            ahead.pop()  # a word the window cut ("topic|s") is not the word written
        return 1.5 if any(w in ahead for w in (*cues, *words)) else 0.0

    def _choices_named(self, rule: Rule, name: str, text: str) -> tuple[str, ...]:
        found: list[tuple[int, str]] = []
        spans: list[tuple[int, int]] = []
        for word, value in self._aliases.get((rule.name, name), []):
            start = text.find(word)
            while start >= 0:
                end = start + len(word)
                if not any(a < end and start < b for a, b in spans):
                    spans.append((start, end))
                    found.append((start, value))
                start = text.find(word, start + 1)
        return tuple(dict.fromkeys(v for _, v in sorted(found)))

    def _flag(self, rule: Rule, name: str, text: str) -> bool | None:
        """A yes/no input: yes by a cue word (no when negated), no by an avoid word (「一般國立大學」 is no
        local-government school); None when neither is there."""
        cues, avoid = self._cues[(rule.name, name)]
        for cue in cues:
            at = text.find(cue)
            if at >= 0:
                return not _NEGATED.search(text[max(0, at - 4):at])
        if any(w in text for w in avoid):
            return False
        return None

    def _cue_near(self, rule: Rule, name: str, text: str, start: int, end: int, low: int = 0, high: int | None = None) -> float:
        """How strongly the words around a figure point at this input: > 0 a cue, 0 none, < 0 an avoid word nearer
        than any cue (「自籌 30 萬」 is not the subsidy). Words beyond the neighbouring figures (`low`, `high`) belong
        to those figures, not to this one."""
        cues, avoid = self._cues[(rule.name, name)]
        latin = _latin(text)
        hi = len(text) if high is None else high
        if latin:  # windows in words (a question without Chinese)
            before = text[max(low, _back(text, start, CUE_BEFORE)):start]
            after = text[end:min(_ahead(text, end, CUE_AFTER), hi)]
        else:
            # A word before a figure counts when it ends within CUE_BEFORE characters of it, though it may begin
            # earlier; after it, one that begins within CUE_AFTER characters ("54 hours in total").
            before = text[max(low, start - CUE_BEFORE - MAX_CUE):start]
            after = text[end:min(end + CUE_AFTER + MAX_CUE, hi)]
        # A cue belongs to the figure of its own clause: words past a comma or stop are the next figure's. The
        # figure's own words count as following it (「兩位助教」 is a count of TAs).
        before = _CLAUSE_END.split(before)[-1]
        if _latin(text):
            before = _AND.split(before)[-1]  # "NT$30,000 of other costs and NT$25,000 ...": those words are the first figure's
        after = text[start:end] + _CLAUSE_END.split(after)[0]
        reach = end - start + CUE_AFTER  # where a cue after the figure must begin

        def nearest(words: tuple[str, ...]) -> int | None:
            dist = [len(before) - e for e in (_last_end(before, w) for w in words) if e >= 0]
            return min((d for d in dist if latin or d < CUE_BEFORE), default=None)

        if any(_last_end(text[start:end], w) >= 0 for w in avoid if len(w) >= 2):
            return -1.0  # 「兩位助教」 is no enrolment, "2 new courses" no count of all courses
        def longest(words: tuple[str, ...], at: int) -> int:
            return max((len(w) for w in words if len(before) - _last_end(before, w) == at), default=0)

        cue_at, avoid_at = nearest(cues), nearest(avoid)
        # An avoid word ending where a cue word ends and longer than it names something else (「總經費」 is no 「經費」).
        covers = avoid_at is not None and avoid_at == cue_at and longest(avoid, avoid_at) > longest(cues, avoid_at)
        if avoid_at is not None and (cue_at is None or avoid_at < cue_at or covers) and avoid_at <= 6:
            return -1.0
        if any(_word_at(after, w, 0) for w in avoid if len(w) >= 2) and cue_at is None:
            return -1.0
        if cue_at is None and _covered_after(after, end - start, reach, cues, avoid):
            return -1.0  # "a 15-minute unit video": the cue 「video」 after it is part of an avoid word 「unit video」
        best = 0.0
        if cue_at is not None:
            best = 2.0 + 1.0 / (1 + cue_at)  # nearer is stronger
        if any(_last_end(after, w) >= 0 for w in cues) if latin else any(0 <= after.find(w) < reach for w in cues):
            best = max(best, 1.5)
        return best

    # --- planning ---------------------------------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        """What is pickled (core/cache.py): everything but the memos of recent questions."""
        state = dict(self.__dict__)
        state["_read"], state["_plans"] = {}, {}
        return state

    def forget(self) -> None:
        """Clear what is remembered of recent questions."""
        self._read.clear()
        self._plans.clear()

    def _fixed_light(self, word: str) -> str:
        """A rule's label or unit in light form (worked out when the planner was built)."""
        done = self._kb_light.get(word)
        return self._light(word) if done is None else done

    def _fixed_base(self, word: str) -> str:
        """A rule's label or unit in the matcher's form (worked out when the planner was built)."""
        done = self._kb_base.get(word)
        return self._base(word) if done is None else done

    def plan(self, text: str, reading: Reading, candidates: Iterable[tuple[Rule, float]], carried: Mapping[str, Mapping[str, str]] | None = None,
             over_rows: Collection[str] = ()) -> Plan | None:
        """The best rule for a question's figures and what to do with it; None when the figures fit no candidate.

        Each candidate is tried forward (the figures are its inputs) and, when the question asks for a figure one of
        its inputs holds, inverse (one figure is the result wanted, the input is solved for). `over_rows`: rules over a
        table whose rows the question works over as a whole (an average, the table's total): computed without figures.
        Recent plans are remembered by all of these (planning is pure; a plan is not changed by its users)."""
        candidates = list(candidates)
        key = (text, reading, tuple((r.name, p) for r, p in candidates),
               tuple((k, tuple(sorted(v.items()))) for k, v in sorted((carried or {}).items())), frozenset(over_rows))
        try:
            return self._plans[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable figure: planned without remembering
            return self._plan(text, reading, candidates, carried, over_rows)
        out = self._plan(text, reading, candidates, carried, over_rows)
        if len(self._plans) >= PLAN_MEMO:
            self._plans.clear()
        self._plans[key] = out
        return out

    def _plan(self, text: str, reading: Reading, candidates: list[tuple[Rule, float]], carried: Mapping[str, Mapping[str, str]] | None,
              over_rows: Collection[str]) -> Plan | None:
        given = reading
        split = _without_ones(_without_rates(text, reading))
        merged = _without_ones(_without_rates(text, _with_products(text, reading)))
        candidates = list(candidates)
        top_prior = max((p for _, p in candidates), default=0.0)
        confirming = _confirms(text) and not asks_check(text)  # 「是 300 萬嗎」 confirms a rule; "is that allowed?" checks a plan
        # No figure, no ordinal and no cap: nothing to solve for (see _inverse), and a rule runs on named choices alone
        # only when it needs no figure and is close to the best candidate (below).
        figureless = not merged.quantities and not split.quantities and not _SATURATE.search(text) and not _ordinals(text)
        options: list[tuple[float, Plan]] = []
        for rule, prior in candidates:
            mine = (carried or {}).get(rule.name)
            if not mine and prior < 0.35 * top_prior:
                continue  # a cue word in passing does not bring in a rule the question is not about
            if not mine and figureless and (prior < 0.6 * top_prior or self._needs_figure[rule.name]):
                continue  # what binding it would find cannot make it a calculation
            reading = merged
            b = self.bind(rule, text, merged, mine)
            if merged is not split:
                # 「兩位助教每月各 4,500 元」: a rule that takes the count and the amount each binds them apart.
                apart = self.bind(rule, text, split, mine, products=False)
                if apart.score > b.score:
                    b, reading = apart, split
            if not mine and _choices_refused(b):
                continue  # 「標竿跟 SPOC 差多少」 bound as an upgrade from the higher tier: the rule is not what is asked
            named = self._named(rule, text)
            inverse = self._inverse(rule, text, reading, mine, b)
            if inverse is not None:
                inv, target = inverse
                options.append((inv.score + 4.0 * prior + named + 1.5, Plan(inv, "inverse", target=target)))
            numeric = bool(b.used)
            if not numeric and not mine:
                # Only named choices (「錄取課程，教材助理可以補幾人？」): a calculation when the rule needs nothing
                # more and one of its results is what the question asks for.
                if b.missing != 0 or prior < 0.6 * top_prior:
                    continue
                if b.choices:
                    asked = self._gives_asked(rule, text, reading)
                    if asked > 0:
                        options.append((b.score + 4.0 * prior + named + asked, self._intent(b, text)))
                elif rule.name in over_rows:
                    # The rows as a whole (「表二的修課人數加起來」, 「平均每門」): the rule needs no figure of the asker.
                    options.append((b.score + 4.0 * prior + named + self._gives_asked(rule, text, reading), self._intent(b, text)))
                continue
            asked = self._gives_asked(rule, text, reading)
            if b.cued == 0 and not mine and prior < 0.6 * top_prior:
                continue  # figures bound by their unit alone, to a rule the question is not about
            if confirming and numeric and all(reading.quantities[i].value in set(rule.facts.values()) for i in b.used):
                continue  # 「上限是 300 萬嗎」 asks whether the rule says so: the clause answers it
            options.append((b.score + 4.0 * prior + named + asked, self._intent(b, text)))
            what_if = self._what_if(b, text, reading)
            if what_if is not None:
                # 「註冊 1,000 人和 1,001 人」, 「再多 30 人會變多少」: the same calculation for both figures, side by side.
                options.append((b.score + 0.75 + 4.0 * prior + named + asked, Plan(b, "compare", compare=what_if)))
            listed = self._respectively(rule, text, given, mine)
            if listed is not None:
                first, parts = listed
                options.append((first.score + 0.75 + 4.0 * prior + named + asked, Plan(first, "sum", parts=parts)))
        if not options:
            return None
        best = max(options, key=lambda o: o[0])[1]
        if best.intent == "forward":
            # Several courses described one by one, or N courses alike: each worked out, then added up.
            mine = (carried or {}).get(best.bound.rule.name)
            parts = self._courses(best.bound.rule, text, given, mine) or self._alike(best.bound.rule, text, given, mine)
            if parts:
                return replace(best, intent="sum", parts=parts)
        return best

    def _bind_best(self, rule: Rule, text: str, reading: Reading, carried: Mapping[str, str] | None) -> tuple[Bound, list[tuple[int, int]]]:
        """The binding with products read (「2 位業師各錄 3 個單元」) or apart, whichever takes the figures better, and
        the spans of the figures it used."""
        b = self.bind(rule, text, reading, carried)
        apart = self.bind(rule, text, reading, carried, products=False)
        products = not apart.score > b.score
        read = _without_ones(_without_rates(text, _with_products(text, reading) if products else reading))
        best = b if products else apart
        return best, [(read.quantities[i].start, read.quantities[i].end) for i in best.used]

    def _courses(self, rule: Rule, text: str, reading: Reading, carried: Mapping[str, str] | None) -> tuple[Part, ...]:
        """「一門 6 週的一般課程、一門 9 週的自學課程」, "course A has …; course B has …": each course's words, with the
        words before and after the courses (the school, a wage for all), bound to the rule on their own; () unless
        every course's figures fill the rule."""
        spans = _course_spans(text)
        if len(spans) < 2:
            return ()
        parts: list[Part] = []
        for k, (a, b, letter) in enumerate(spans, 1):
            # The course's words without the word that begins them (「一門」 would cue an input of "the other course").
            m = _COURSE.match(text, a)
            a = m.end() if m else a
            part_text, part_reading = _cut(text, reading, ((0, spans[0][0]), (a, b), (spans[-1][1], len(text))))
            shift = spans[0][0] - a  # where the course's words stand in its own text
            own = [(q.start + shift, q.end + shift) for q in _without_ones(reading).quantities if a <= q.start and q.end <= b]
            bound, used = self._bind_best(rule, part_text, part_reading, carried)
            if not own or bound.missing or not all(any(x < e and s < y for x, y in used) for s, e in own):
                return ()  # a figure of the course the rule does not take: not this rule's courses
            name = letter.upper() if letter else str(k)
            parts.append(Part(f"課程 {name}" if letter else f"第 {k} 門", f"Course {name}", dict(bound.params)))
        return tuple(parts)

    def _respectively(self, rule: Rule, text: str, reading: Reading, carried: Mapping[str, str] | None) -> tuple[Bound, tuple[Part, ...]] | None:
        """「三門課，分別是 4 週、5 週、9 週」, "three courses of 4, 5 and 9 weeks respectively": one course for each figure
        of the list, each worked out on its own (with the words outside the list), then added up; None unless every
        figure fills the same input and the rule needs nothing more."""
        items = _respective_items(text, reading)
        if not items or any(spec.type == "list" for spec in rule.inputs.values()):
            return None  # a rule that takes a list (「影片分別 6、8、10 小時」) reads it itself
        listed = set(items)
        count = len(items)
        # The number of courses the list spells out (三門) is said by the list itself.
        drop = listed | {i for i, q in enumerate(reading.quantities) if q.unit == "course" and q.value == count}
        parts: list[Part] = []
        first: Bound | None = None
        name: str | None = None
        for k, i in enumerate(items, 1):
            own = Reading(tuple(q for j, q in enumerate(reading.quantities) if j == i or j not in drop), reading.asked, reading.problems, reading.truncated)
            at = next(j for j, q in enumerate(own.quantities) if q is reading.quantities[i])
            b = self.bind(rule, text, own, carried, products=False)
            if b.missing or at not in b.used:
                return None
            took = next((n for n, v in b.params.items() if n in rule.inputs and v == _raw(reading.quantities[i], rule.inputs[n].type, rule.inputs[n].unit)), None)
            if took is None or (name is not None and took != name):
                return None
            name = took
            first = first or b
            parts.append(Part(f"第 {k} 門", f"Course {k}", dict(b.params)))
        assert first is not None
        return replace(first, figures=first.figures + count - 1), tuple(parts)

    def _alike(self, rule: Rule, text: str, reading: Reading, carried: Mapping[str, str] | None) -> tuple[Part, ...]:
        """"three MOE accepted courses, each running 5 weeks", 「3 門課每門都開 5 週」: one course worked out, times the
        number of courses (only for a rule that takes no count of courses itself)."""
        if any(spec.unit == "course" for spec in rule.inputs.values()):
            return ()
        for q in reading.quantities:
            if q.kind == "count" and q.unit == "course" and 2 <= q.value <= 100 and q.value == q.value.to_integral_value() and _ALIKE.match(text, q.end):
                rest = Reading(tuple(x for x in reading.quantities if x is not q), reading.asked, reading.problems, reading.truncated)
                bound = self.bind(rule, text, rest, carried, products=False)
                if bound.missing or not bound.used:
                    return ()
                n = int(q.value)
                return (Part(f"每門（共 {n} 門）", f"each of {n} courses", dict(bound.params), n),)
        return ()

    def _gives_asked(self, rule: Rule, text: str, reading: Reading) -> float:
        """How surely one of the rule's results is what the question asks for: fully when the reader saw the unit asked
        (「幾學分」), else by the longest run of a result's label beside 多少 / 是？ (「助教時數最多多少」 shares
        「教學助理時數」 with one rule's result, only 「時數」 with another's)."""
        asked = {a.unit for a in reading.asked}
        if any(self._out_units.get((rule.name, name)) in asked for name in rule.spec.outputs):
            return ASKED_OUTPUT
        best = 0.0
        if _latin(text):
            # "how much more recording fee …": English words of the rule's title or a result's label beside the
            # question word (two say much, three all).
            words = self._out_words.get(rule.name, frozenset())
            for m in _HOW_MUCH.finditer(text):
                shared = len(words & _stems(text[_back(text, m.start(), 12):_ahead(text, m.end(), 16)]))
                if shared >= 2:
                    best = max(best, min(1.0, shared / 3))
            return ASKED_OUTPUT * best
        for m in _HOW_MUCH.finditer(text):
            window = self._base(_CLAUSE_END.split(text[_back(text, m.start(), 12):m.start()])[-1] + " " + _CLAUSE_END.split(text[m.end():_ahead(text, m.end(), 16)])[0])
            for label in self._out_labels.get(rule.name, ()):
                shared = _longest_shared(label, window)
                if shared >= 2:
                    best = max(best, min(1.0, shared / 3))  # a word of two characters (學分) says much; three or more, all
        return ASKED_OUTPUT * best

    def _what_if(self, b: Bound, text: str, reading: Reading) -> tuple[str, tuple[str, ...]] | None:
        """A figure left over that is an alternative to a bound one: joined to it by 和/或/and (「1,000 人和 1,001 人」),
        or an increase on it (「再多 30 人」). Returns the input and its two values."""
        qs = reading.quantities
        for j, q in enumerate(qs):
            if j in b.used:
                continue
            for i in (j - 1, j + 1):
                if i not in b.used or not 0 <= i < len(qs):
                    continue
                p = qs[i]
                if p.kind != q.kind or p.unit != q.unit:
                    continue
                name = next((n for n, spec in b.rule.inputs.items() if spec.type in ("number", "int") and b.params.get(n) == _raw(p, spec.type, spec.unit)), None)
                if name is None:
                    continue
                spec = b.rule.inputs[name]
                lo, hi = (p, q) if i < j else (q, p)
                between = text[lo.end:hi.start]
                if _OR.match(between):
                    return name, (_raw(p, spec.type, spec.unit), _raw(q, spec.type, spec.unit))
                if i < j and _MORE.search(text[max(p.end, q.start - 6):q.start]):
                    more = replace(q, value=p.value + q.value)
                    return name, (_raw(p, spec.type, spec.unit), _raw(more, spec.type, spec.unit))
        return None

    def _named(self, rule: Rule, text: str) -> float:
        """How much of the rule's own name the question uses (「線上輔導鐘點費」 names the tutoring rule, not the TAs')."""
        terms = self._title_terms.get(rule.name, frozenset())
        if not terms:
            return 0.0
        return sum(1 for t in terms if t in text) / len(terms)

    def _intent(self, b: Bound, text: str) -> Plan:
        # Values of one choice set named for side-by-side runs; not when inputs of that set took them all (a course and
        # the course compared with it: the rule compares them itself).
        multi = {k: v for k, v in b.choices.items() if len(v) > 1 and not set(v) <= set(_same_set_values(b, k))}
        if multi:
            name, values = next(iter(multi.items()))
            return Plan(b, "compare", compare=(name, values))
        if asks_check(text) and b.rule.spec.checks:
            return Plan(b, "check")
        return Plan(b, "forward")

    def _asked(self, rule: Rule, text: str, reading: Reading) -> list[tuple[str, frozenset[str] | None]]:
        """The units the question asks for, each with the inputs that may hold the answer: 「幾週」 (read by the
        reader: any input of that unit), and an input's own label, unit or cue word beside 多少 / how many
        (「線上學習時數至少要多少」, "how many course weeks": that input only; 「線上註冊多少人」 is read by the reader and
        names the input too)."""
        found: dict[str, set[str] | None] = {a.unit: None for a in reading.asked}
        seen = set(found)
        for m in _HOW_MUCH.finditer(text):
            window = _CLAUSE_END.split(text[_back(text, m.start(), 12):m.start()])[-1] + " " + _CLAUSE_END.split(text[m.end():_ahead(text, m.end(), 16)])[0]
            for name, spec in rule.inputs.items():
                if spec.type not in ("number", "int") or not spec.unit:
                    continue
                if any(w in window for w in self._input_words[(rule.name, name)]) or any(c in window for c in self._cues[(rule.name, name)][0] if len(c) >= 2):
                    if spec.unit not in found or (spec.unit in seen and found[spec.unit] is None):
                        found[spec.unit] = set()
                    names = found[spec.unit]
                    if names is not None:
                        names.add(name)
        return [(u, frozenset(n) if n is not None else None) for u, n in found.items()]

    def _inverse(self, rule: Rule, text: str, reading: Reading, carried: Mapping[str, str] | None, forward: Bound) -> tuple[Bound, tuple[str, str, Decimal]] | None:
        """When the question asks for a figure an input holds and gives a result wanted (「想拿到 100 小時，要開幾週」,
        「錄幾小時就到上限」): the binding of the other figures and (input, output, target; target < 0 = the cap).
        The input asked for is one no figure of the question fills; the result is a figure no cue word binds."""
        ordinals = _ordinals(text)
        if not reading.quantities and not ordinals and not _SATURATE.search(text):
            return None  # no figure to take as the result wanted, and no cap to reach
        # A figure whose own words are a result's label (「100 hourly fees」) is that result, whatever input its unit fits.
        named = {i for i, q in enumerate(reading.quantities) if self._names_result(rule, text, q)}
        given = forward.params
        if named & forward.used:
            rest = Reading(tuple(x for k, x in enumerate(reading.quantities) if k not in named), reading.asked, reading.problems, reading.truncated)
            given = self.bind(rule, text, rest, carried).params
        cued = self._cued_quantities(rule, text, reading, forward) - named
        if any(rule.inputs[n].type in ("list", "text") for n in forward.params if n in rule.inputs):
            # 「影片分別 6、8、10 小時」: the figures of a list the rule took are its items, not a result wanted.
            spans = [m.span() for m in (*_LIST.finditer(text), *_WEEKS_TEXT.finditer(text))]
            cued |= {i for i in forward.used if any(a <= reading.quantities[i].start < b for a, b in spans)}
        alternative = self._what_if(forward, text, reading)
        # 「需要第 3 位線上輔導助教」: the third one is a count to reach, never an input (after the figures, so that the
        # forward binding's indexes stand).
        first_ordinal = len(reading.quantities)
        if ordinals:
            reading = Reading(reading.quantities + ordinals, reading.asked, reading.problems, reading.truncated)
        for unit, names in self._asked(rule, text, reading):
            unknown = [n for n, spec in rule.inputs.items() if spec.type in ("number", "int") and spec.unit == unit and n not in given
                       and (names is None or n in names)]
            if not unknown:
                continue
            for i, q in enumerate(reading.quantities):
                outs = [o for o, spec in rule.spec.outputs.items() if spec.label_zh and self._out_units.get((rule.name, o)) == q.unit]
                if not outs or i in cued or _restates_rate(rule, text, q):
                    continue
                if alternative is not None and i not in forward.used and _raw(q, "number") in alternative[1]:
                    continue  # 「1,000 人和 1,001 人」: the second is another value of the same input, not a result wanted
                if i >= first_ordinal:
                    if not self._label_hits(rule, self._output_near(rule, outs, text, q), text, q):
                        continue  # the count of something the rule does not give
                elif q.unit == unit and i not in named:
                    # Same unit as the asked input (hours of video for hours of fees): a result only when the words
                    # beside it name the output and none names the input.
                    low = reading.quantities[i - 1].end if i > 0 else 0
                    high = reading.quantities[i + 1].start if i + 1 < len(reading.quantities) else None
                    if self._cue_near(rule, unknown[0], text, q.start, q.end, low, high) > 0 or not self._label_hits(rule, self._output_near(rule, outs, text, q), text, q):
                        continue
                rest = Reading(tuple(x for k, x in enumerate(reading.quantities) if k != i and k < first_ordinal), reading.asked, reading.problems, reading.truncated)
                b = self.bind(rule, text, rest, carried)
                params = {k: v for k, v in b.params.items() if k != unknown[0]}
                output = self._output_near(rule, outs, text, q)
                if _SATURATE.search(text[_back(text, q.start, 14):_ahead(text, q.end, 10)]):
                    # 「到每門課 14 萬上限」: the result whose most is that figure (the course total, not one item of it).
                    output = self._capped_at(rule, params, unknown[0], outs, q.value) or output
                if not self._moves(rule, params, unknown[0], output):
                    continue  # the result named does not depend on the input asked for: not what is solved
                b = replace(b, params=params, figures=b.figures + 1, cued=b.cued + 1, missing=len(rule.missing({**params, unknown[0]: "1"})))
                return b, (unknown[0], output, q.value)
            results = {self._out_units.get((rule.name, o)) for o, spec in rule.spec.outputs.items() if spec.label_zh and spec.show}
            if _SATURATE.search(text) and unit not in results:
                # 「錄幾小時就到上限」 asks for an input's figure; "how much is left under the cap" for a result.
                b = self.bind(rule, text, reading, carried)
                params = {k: v for k, v in b.params.items() if k != unknown[0]}
                out = self._saturating(rule, params, unknown[0])
                if out is not None:
                    b = replace(b, params=params, figures=b.figures + 1, cued=b.cued + 1, missing=len(rule.missing({**params, unknown[0]: "1"})))
                    return b, (unknown[0], out, Decimal(-1))
        return None

    def _cued_quantities(self, rule: Rule, text: str, reading: Reading, b: Bound) -> set[int]:
        """The figures the forward binding gave to an input by a cue word (they are inputs, not results)."""
        out: set[int] = set()
        for i in b.used:
            q = reading.quantities[i]
            low = reading.quantities[i - 1].end if i > 0 else 0
            high = reading.quantities[i + 1].start if i + 1 < len(reading.quantities) else None
            if any(self._cue_near(rule, n, text, q.start, q.end, low, high) > 0 for n in b.params if n in rule.inputs):
                out.add(i)
        return out

    def _label_hits(self, rule: Rule, out: str, text: str, q: Quantity) -> int:
        """How many two-character pieces of an output's label, or words of its English label, stand near a figure (both
        in the matcher's form, where synonyms are one word)."""
        near = self._base(text[_back(text, q.start, 14):_ahead(text, q.end, 10)])  # synonyms canonical: TA, 助教 → 教學助理
        spec = rule.spec.outputs[out]
        label = self._fixed_base(spec.label_zh)
        words = set(_LATIN_WORDS.findall(self._fixed_light(spec.label_en))) - _EN_STOP
        return sum(1 for k in range(len(label) - 1) if label[k:k + 2] in near) + len(words & set(_LATIN_WORDS.findall(near)))

    def _output_near(self, rule: Rule, outs: list[str], text: str, q: Quantity) -> str:
        """Of the outputs in a figure's unit, the one whose label's words stand nearest it."""
        return max(outs, key=lambda o: (self._label_hits(rule, o, text, q), -outs.index(o)))

    def _names_result(self, rule: Rule, text: str, q: Quantity) -> bool:
        """The words of a figure after its number are a labelled result's English label (「100 hourly fees」)."""
        own = set(_LATIN_WORDS.findall(q.raw))
        for o, spec in rule.spec.outputs.items():
            if spec.label_en and self._out_units.get((rule.name, o)) == q.unit:
                words = set(_LATIN_WORDS.findall(self._fixed_light(spec.label_en))) - _EN_STOP
                if len(words) >= 2 and words <= own:
                    return True
        return False

    def _capped_at(self, rule: Rule, params: Mapping[str, str], name: str, outs: list[str], value: Decimal) -> str | None:
        """Of `outs`, the one that grows with input `name` up to exactly `value` and no further (the cap it names)."""
        p = rule.param(name)
        high = min(p.maximum if p.maximum is not None else Decimal(MAX_SEARCH), Decimal(MAX_SEARCH))
        low = p.minimum if p.minimum is not None else Decimal(0)
        try:
            at_low, at_high = (rule.run({**params, name: plain(x)}).figures for x in (low, high))
        except CalcError:
            return None
        return next((o for o in outs if at_high.get(o) == value and at_low.get(o) != value), None)

    def _moves(self, rule: Rule, params: Mapping[str, str], name: str, output: str) -> bool:
        """Whether `output` changes between the least and the largest value of input `name` (True when the rule
        cannot be run without more figures: the question may still give them)."""
        p = rule.param(name)
        high = min(p.maximum if p.maximum is not None else Decimal(MAX_SEARCH), Decimal(MAX_SEARCH))
        low = p.minimum if p.minimum is not None else Decimal(0)
        try:
            ends = [rule.run({**params, name: plain(x)}).figures.get(output) for x in (low, high)]
        except CalcError:
            return True
        return ends[0] != ends[1]

    def _saturating(self, rule: Rule, params: dict[str, str], name: str) -> str | None:
        """The labelled output that grows with `name` and then stops at a cap (the one 「到上限」 asks about)."""
        p = rule.param(name)
        high = min(p.maximum if p.maximum is not None else Decimal(MAX_SEARCH), Decimal(MAX_SEARCH))
        low = p.minimum if p.minimum is not None else Decimal(0)
        try:
            at_high = rule.run({**params, name: plain(high)}).figures
            at_half = rule.run({**params, name: plain((high / 2).to_integral_value())}).figures
            at_low = rule.run({**params, name: plain(low)}).figures
        except CalcError:
            return None
        for o, spec in rule.spec.outputs.items():
            a, m, z = at_high.get(o), at_half.get(o), at_low.get(o)
            if spec.label_zh and all(isinstance(v, (int, Decimal)) and not isinstance(v, bool) for v in (a, m, z)) and a == m and a > z:  # type: ignore[operator]
                return o
        return None

    # --- solving ----------------------------------------------------------------------------------------

    def solve(self, rule: Rule, params: Mapping[str, str], name: str, output: str, target: Decimal) -> Solved | None:
        """The least value of input `name` for which `output` reaches `target` (the cap when target < 0), by bisection
        over a non-decreasing rule; None when the rule cannot be run."""
        p = rule.param(name)
        low = p.minimum if p.minimum is not None else Decimal(0)
        high = min(p.maximum if p.maximum is not None else Decimal(MAX_SEARCH), Decimal(MAX_SEARCH))
        integral = p.kind == "int" or rule.inputs[name].unit in ("week", "month", "person", "course", "unit_video", "series", "time")

        def f(x: Decimal) -> Decimal | None:
            try:
                v = rule.run({**params, name: plain(x)}).figures.get(output)
            except CalcError:
                return None
            return Decimal(v) if isinstance(v, (Decimal, int)) and not isinstance(v, bool) else None

        top = f(high)
        if top is None:
            return None
        goal = top if target < 0 else target
        if top < goal:
            return Solved(name, output, high, top, None, goal, False, top, target < 0, integral)
        lo, hi = (low, high)
        if integral:
            lo_i, hi_i = int(lo), int(hi)
            while lo_i < hi_i:
                mid = (lo_i + hi_i) // 2
                v = f(Decimal(mid))
                if v is not None and v >= goal:
                    hi_i = mid
                else:
                    lo_i = mid + 1
            x = Decimal(lo_i)
            step = Decimal(1)
        else:
            step = Decimal("0.01")
            lo_c, hi_c = int(lo / step), int(hi / step)
            while lo_c < hi_c:
                mid = (lo_c + hi_c) // 2
                v = f(mid * step)
                if v is not None and v >= goal:
                    hi_c = mid
                else:
                    lo_c = mid + 1
            x = (lo_c * step).normalize()
        reached = f(x)
        below = f(x - step) if x - step >= low else None
        return Solved(name, output, x, reached if reached is not None else goal, below, goal, True, top, target < 0, integral)


_EACH = re.compile(r"(?:各|每位|每人|每名|每門|每個|每一位|每一門|each|per (?:person|teacher|expert|course))\s*[\u4e00-\u9fff]{0,4}\s*$")


_LIST_GAP = re.compile(r"\s{0,3}(?:[,，、]\s{0,3})?(?:and|or|和|及|與|或)?\s{0,3}$")
_ALL_OF_EACH = re.compile(r"(?:each|apiece|a piece)$")  # how a product of "2 courses of 4 hours each" ends
_PER_ITEM = re.compile(r"(?<![a-z])(?:per|each)(?![a-z])|每(?![週周月年學天日])|各")  # an input of one item's figure
_OF = re.compile(r"^\s*(?:of|with|at|for|,)\s*$")
_EACH_AFTER = re.compile(r"\s*(?:each|apiece|a piece)(?![a-z])")


def _choices_refused(b: Bound) -> bool:
    """Whether the rule refuses the choices the question named, as they were bound (two tiers taken as an upgrade
    from the higher one): a wrong reading of the question, not a figure of the asker to report."""
    if sum(1 for n in b.params if n in b.rule.inputs and b.rule.inputs[n].type == "choice") < 2:
        return False  # one choice named cannot be bound in the wrong order
    try:
        b.rule.run(b.params)
    except CalcError as exc:
        spec = b.rule.inputs.get(exc.param)
        return spec is not None and spec.type == "choice" and exc.param in b.params
    return False


def _with_products(text: str, reading: Reading) -> Reading:
    """「2 位業師各錄 3 個單元」 is 6 unit videos: a count followed within a few words by 各/每位 and another count
    becomes their product (the first count is consumed); "2 courses of 4 hours each" is 2 courses and 8 hours."""
    qs = list(reading.quantities)
    out: list[Quantity] = []
    skip: set[int] = set()
    for i, q in enumerate(qs):
        if i in skip:
            continue
        if i + 1 < len(qs):
            nxt = qs[i + 1]
            between = text[q.end:nxt.start]
            listed = i + 2 < len(qs) and (qs[i + 2].kind, qs[i + 2].unit) == (nxt.kind, nxt.unit) and bool(
                _LIST_GAP.match(text[nxt.end:qs[i + 2].start])
            )  # 3 段影片，各 12、15、18 分鐘: one figure for each, not a product
            if q.kind == "count" and nxt.kind in ("count", "duration", "money") and len(between) <= 10 and _EACH.search(between) and not listed:
                out.append(replace(nxt, value=q.value * nxt.value, start=q.start, raw=text[q.start:nxt.end], minutes=(nxt.minutes * q.value if nxt.minutes is not None else None)))
                skip.add(i + 1)
                continue
            each = _EACH_AFTER.match(text, nxt.end)
            if q.kind == "count" and nxt.kind in ("count", "duration", "money") and _OF.match(between) and each:
                # "2 new courses of 4 hours each": 8 hours in all (the figure takes in "each"), and the 2 courses still counted.
                out.append(q)
                out.append(replace(nxt, value=q.value * nxt.value, end=each.end(), raw=text[nxt.start:each.end()],
                                   minutes=(nxt.minutes * q.value if nxt.minutes is not None else None)))
                skip.add(i + 1)
                continue
        out.append(q)
    if not skip:
        return reading
    return Reading(tuple(out), reading.asked, reading.problems, reading.truncated)


_LATIN_WORDS = re.compile(r"[a-z]{3,}")
_EN_STOP = frozenset("the and for with from that this under over per each all".split())
_ASKING = frozenset("how many much long".split())  # the question word, beside which the words are read
_CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = 2  # in a question without Chinese, a word weighs as two characters (a Chinese word is about two)
SHORT_WORD = 4  # and a short one (for, of, the, plus, fee) as one


_ENDINGS = ("s", "es", "d", "ed", "ing", "er", "ers", "")  # in the order a regex `(?:s|es|d|ed|ing|er|ers)?` tries them


@lru_cache(maxsize=4096)
def _is_latin_word(word: str) -> bool:
    return any("a" <= c <= "z" for c in word)


def _az(hay: str, i: int) -> bool:
    return 0 <= i < len(hay) and "a" <= hay[i] <= "z"


def _whole_word_end(hay: str, word: str, at: int) -> int:
    """Where a Latin cue word standing at `at` ends as a whole word, with an ending (record → recording, TA → TAs);
    -1 when it is part of another word. (A scan, not a regular expression: no pattern is compiled per cue word.)"""
    if word[0].isalpha() and _az(hay, at - 1):
        return -1
    end = at + len(word)
    if not word[-1].isalpha():
        return end
    for ending in _ENDINGS:
        if hay.startswith(ending, end) and not _az(hay, end + len(ending)):
            return end + len(ending)
    return -1


def _last_end(hay: str, word: str) -> int:
    """The end of the last occurrence of a cue word in `hay` (a Latin word only as a whole word), or -1."""
    if not _is_latin_word(word):
        at = hay.rfind(word)
        return at + len(word) if at >= 0 else -1
    last = -1
    at = hay.find(word)
    while at >= 0:
        end = _whole_word_end(hay, word, at)
        if end >= 0:
            last = at + len(word)
            at = hay.find(word, max(end, at + 1))
        else:
            at = hay.find(word, at + 1)
    return last


def _word_at(hay: str, word: str, at: int) -> bool:
    """A cue word starts at `at` of `hay` (a Latin word only as a whole word)."""
    if not hay.startswith(word, at):
        return False
    return not _is_latin_word(word) or _whole_word_end(hay, word, at) >= 0


_AND = re.compile(r"(?<![a-z])(?:and|plus|or)(?![a-z])")


def _stems(text: str) -> set[str]:
    """English words of three letters or more, lower case, a plural's final s dropped, common words left out."""
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in _LATIN_WORDS.findall(text.lower())} - _EN_STOP - _ASKING


def _latin(text: str) -> bool:
    return _CJK.search(text) is None


def _back(text: str, start: int, size: int) -> int:
    """Where a window of `size` characters before `start` begins; in a question without Chinese, of about `size` / 2
    words (a word of up to four letters counts one, a longer one two; spaces nothing)."""
    if not _latin(text):
        return max(0, start - size)
    k, left = start, size
    while k > 0 and left > 0:
        if text[k - 1].isalnum():
            stop = k
            while k > 0 and text[k - 1].isalnum():
                k -= 1
            left -= LATIN_WORD if stop - k > SHORT_WORD else 1
        else:
            left -= text[k - 1] != " "
            k -= 1
    return k


def _ahead(text: str, end: int, size: int) -> int:
    """Where a window of `size` characters after `end` ends (in words as in `_back`)."""
    if not _latin(text):
        return min(len(text), end + size)
    k, left = end, size
    while k < len(text) and left > 0:
        if text[k].isalnum():
            begin = k
            while k < len(text) and text[k].isalnum():
                k += 1
            left -= LATIN_WORD if k - begin > SHORT_WORD else 1
        else:
            left -= text[k] != " "
            k += 1
    return k


def plain(value: Decimal) -> str:
    """A Decimal as plain digits (never 1.625E+4)."""
    return format(value, "f")


_RATE = re.compile(r"^(?:每|一|1)\s*(?:個)?\s*(?:小時|鐘頭|週|星期|月|人|位|門|單元)")
_RATE_AFTER = re.compile(r"^\s*(?:算|可以|能|可|要|給|領|拿|支給|補助)?\s*(?:多少|幾|how much)")


_ONE = re.compile(r"^(?:一|壹|單|one\b|an?\b)", re.I)


_PER_BEFORE = re.compile(r"每\s*(?:個|一)?\s*[\u4e00-\u9fff]{1,3}\s*(?:至多|最多|可|能|給|支給|補助|是|算)?\s*$")
_PER_AFTER = re.compile(r"^\s*(?:an?|per|each|every)\s+[a-z]", re.IGNORECASE)


def _restates_rate(rule: Rule, text: str, q: Quantity) -> bool:
    """「每單元兩千」, "NT$5,000 per hour": a figure said as a rate that is one of the rule's own figures restates the
    rule; it is no result the asker wants reached (a cap named as one is: 「到每門課 14 萬上限」)."""
    if q.value not in set(rule.facts.values()) or _SATURATE.search(text, q.end, q.end + 5):
        return False  # 「到每門課 14 萬上限」: the cap named as the result to reach
    return bool(_PER_BEFORE.search(text[max(0, q.start - 12):q.start]) or _PER_AFTER.match(text[q.end:q.end + 12]))


_CONFIRM_TAIL = re.compile(r"[^，,。；;？?！!（）()\n]{0,8}?(?:對吧|對嗎|對不對|沒錯吧|沒錯嗎|是嗎|是吧)|[^.;?!()\n]{0,24}?,?\s*(?:right|correct)\s*\?", re.IGNORECASE)


def _confirms_fact(rule: Rule, text: str, q: Quantity) -> bool:
    """「（每週線上學習是算 2 小時對吧）」: a figure of the rule's own the asker asks to have confirmed, in a clause that
    ends with 對吧 / right?, is the rule's figure, not one of the asker's."""
    return q.value in set(rule.facts.values()) and bool(_CONFIRM_TAIL.match(text, q.end, min(len(text), q.end + 30)))


_RESPECTIVELY = re.compile(r"(?:分別|各自|依序|依次)(?:是|為|有|開|修)?\s*")
_RESPECTIVELY_EN = re.compile(r"\brespectively\b")
_LIST_GAP = re.compile(r"\s*(?:[,，、]\s*(?:and\s+)?|和|及|與|跟|\s+and\s+)\s*$")


def _respective_items(text: str, reading: Reading) -> list[int]:
    """The figures of a list said one a course (「分別是 4 週、5 週、9 週」): two or more figures of one unit right after
    分別 / before "respectively", joined only by 、, 和, and; [] when there is none."""
    qs = reading.quantities
    m = _RESPECTIVELY.search(text)
    en = _RESPECTIVELY_EN.search(text) if m is None else None
    if m is None and en is None:
        return []
    if m is not None:
        start = next((k for k, q in enumerate(qs) if q.start >= m.end()), None)
        if start is None or qs[start].start != m.end():
            return []
        items = [start]
        while items[-1] + 1 < len(qs) and _LIST_GAP.match(text, qs[items[-1]].end, qs[items[-1] + 1].start):
            items.append(items[-1] + 1)
    else:
        assert en is not None
        last = max((k for k, q in enumerate(qs) if q.end <= en.start()), default=None)
        if last is None:
            return []
        items = [last]
        while items[0] > 0 and _LIST_GAP.match(text, qs[items[0] - 1].end, qs[items[0]].start):
            items.insert(0, items[0] - 1)
    unit = {(qs[k].kind, qs[k].unit) for k in items}
    return items if len(items) >= 2 and len(unit) == 1 else []


def _without_ones(reading: Reading) -> Reading:
    """「一年最多幾門」, 「一個系列」, "one credit": a unit named with 一/one is the unit of a rule, not the asker's figure
    (an arabic 1 still counts)."""
    keep = tuple(q for q in reading.quantities if not (q.value == 1 and _ONE.match(q.raw) and q.unit != "person"))
    if len(keep) == len(reading.quantities):
        return reading
    return Reading(keep, reading.asked, reading.problems, reading.truncated)


def _without_rates(text: str, reading: Reading) -> Reading:
    """「一個鐘頭算多少」, 「每小時多少錢」 ask for a rate: the 1 in them is not a figure to compute with."""
    keep = tuple(q for q in reading.quantities
                 if not (q.value == 1 and _RATE.match(text[q.start:q.end]) and _RATE_AFTER.match(text[q.end:q.end + 8])))
    if len(keep) == len(reading.quantities):
        return reading
    return Reading(keep, reading.asked, reading.problems, reading.truncated)


_OVER = re.compile(r"(?:超過|多於|大於|高於|逾|over|more than|above|exceeding)\s*$")
_UNDER = re.compile(r"(?:未滿|不滿|不到|少於|低於|未達|under|fewer than|less than|below)\s*$")
_THINGS = frozenset({"person", "course", "unit_video", "time", "series", "school"})  # counts of things (not durations)


def _past_threshold(rule: Rule, name: str, q: Quantity, text: str) -> tuple[str, str] | None:
    """「超過 1,000 人」, "under 1,000 registrants" where 1,000 is a threshold of the rule: a count of things just past
    it (1,001; 999), so that the rule's strict comparison takes the side the asker means. Returns (as written, value)."""
    spec = rule.inputs[name]
    if spec.type != "int" or spec.unit not in _THINGS or q.value not in set(rule.facts.values()):
        return None
    before = text[max(0, q.start - 12):q.start]
    step = 1 if _OVER.search(before) else -1 if _UNDER.search(before) else 0
    if not step or q.value + step < 0:
        return None
    m = (_OVER if step > 0 else _UNDER).search(before)
    assert m is not None
    return text[q.start - len(before) + m.start():q.end].strip(), plain(q.value + step)


_ORDINAL = re.compile(r"第\s*([0-9]{1,2}|[一二三四五六七八九十兩]{1,3})\s*(?=[位名個門次支所])"
                      r"|(?<![a-z])(?:the|a|an)\s+(second|third|fourth|fifth|2nd|3rd|4th|5th)\s+(?=[a-z])")
_EN_ORDINALS = {"second": "2", "third": "3", "fourth": "4", "fifth": "5", "2nd": "2", "3rd": "3", "4th": "4", "5th": "5"}


@lru_cache(maxsize=256)
def _ordinals(text: str) -> tuple[Quantity, ...]:
    """The counts an ordinal names (「第 3 位線上輔導助教」, 「第二位教學助理」, "the third TA"): read as the cardinal with the
    words after it (3 位線上輔導助教 → 3 persons), spanning the ordinal and its measure word."""
    out: list[Quantity] = []
    for m in _ORDINAL.finditer(text):
        number = m.group(1) or _EN_ORDINALS[m.group(2)]
        tail = text[m.end():m.end() + 16]
        found = read(number + " " + tail).quantities
        if not found or found[0].start != 0 or found[0].kind != "count":
            continue
        q = found[0]
        end = m.end() + q.end - len(number) - 1
        out.append(replace(q, start=m.start(), end=end, raw=text[m.start():end]))
    return tuple(out)


# Where a course of several begins: 「一門」, 「另一門」, 「第二門」, "course A", "the other course".
_COURSE = re.compile(r"(?<![每同任哪單這那])(?:另外一|另一|第[一二三四五1-5]|一)門"
                     r"|(?<![a-z])(?:course|class|mooc)\s+([a-d])(?![a-z0-9])"
                     r"|(?<![a-z])(?:the\s+)?(?:first|second|third|other|another)\s+(?:course|one|mooc)(?![a-z])")
_LEVEL = {"、": 1, "，": 2, ",": 2, "；": 3, ";": 3, "：": 3, ":": 3, "。": 4, "？": 4, "?": 4, "！": 4, "!": 4, "\n": 4}
# After a count of courses: each of them alike (「3 門課每門都開」, "three courses, each running").
_ALIKE = re.compile(r"[\s,，、]*(?:[\u4e00-\u9fff]{0,3}?(?:每一?門|各門|都)|each(?![a-z]))")


_AND_GAP = re.compile(r"(?<![a-z])and(?![a-z])|以及|和|及|跟|與")
_JOINERS = ("and", "以及", "和", "及", "跟", "與")


def _gap_start(text: str, a: int, b: int) -> int:
    """Where the separators and joining words before `b` (「、」, ", and ", 「；」) begin, not before `a`."""
    end = b
    while end > a:
        if text[end - 1].isspace() or _level(text, end - 1):
            end -= 1
            continue
        word = next((w for w in _JOINERS if text.endswith(w, a, end) and not (w == "and" and end - 4 >= a and text[end - 4].isalpha())), None)
        if word is None:
            break
        end -= len(word)
    return end


def _level(text: str, k: int) -> int:
    """How strongly the character at k separates: 、 1, ， 2, ； 3, 。 4 (a full stop only before a space or the end)."""
    c = text[k]
    if c == ".":
        return 4 if k + 1 == len(text) or text[k + 1] == " " else 0
    return _LEVEL.get(c, 0)


def _course_spans(text: str) -> list[tuple[int, int, str]]:
    """The spans of the courses a question describes one by one, each with its letter ("course A") or "": a course
    runs to where the next begins, the last to the first separator as strong as the one between the courses."""
    marks = [(m.start(), m.group(1) or "") for m in _COURSE.finditer(text)]
    if len(marks) < 2 or len(marks) > 6:
        return []
    spans: list[tuple[int, int, str]] = []
    strength = 1
    for (a, letter), (b, _) in zip(marks, marks[1:]):
        end = _gap_start(text, a, b)
        if end <= a:
            return []
        gap = max([0, *(_level(text, k) for k in range(end, b))])
        # 「、」 between courses ends the last at 「，」; ", and" (a list's comma) at a semicolon or a full stop.
        strength = max(strength, gap + 1 if _AND_GAP.search(text, end, b) else gap)
        spans.append((a, end, letter))
    last, letter = marks[-1]
    end = next((k for k in range(last, len(text)) if _level(text, k) >= strength), len(text))
    spans.append((last, end, letter))
    return spans


def _cut(text: str, reading: Reading, keep: tuple[tuple[int, int], ...]) -> tuple[str, Reading]:
    """The text of the kept spans joined, and the figures and asks inside them, moved to their place there."""
    pieces: list[str] = []
    moved: list[Quantity] = []
    asked: list[Asked] = []
    at = 0
    for a, b in keep:
        if b <= a:
            continue
        shift = at - a
        pieces.append(text[a:b])
        moved += [replace(q, start=q.start + shift, end=q.end + shift) for q in reading.quantities if a <= q.start and q.end <= b]
        asked += [replace(x, start=x.start + shift, end=x.end + shift) for x in reading.asked if a <= x.start and x.end <= b]
        at += b - a
    return "".join(pieces), Reading(tuple(moved), tuple(asked), (), reading.truncated)


def _unit_of(rule: Rule, name: str) -> str | None:
    if name in rule.inputs:
        return rule.inputs[name].unit
    for step in rule.spec.steps:
        if step.let == name:
            return step.unit
    return rule.fact_units.get(name)


_OR = re.compile(r"^\s*(?:和|與|跟|或|或是|還是|對比|比|vs\.?|versus|and|or|compared with)\s*$", re.I)
_MORE = re.compile(r"(?:再多|多了|再加|增加|加上|又多|more|another|extra)\s*$", re.I)
_WH = re.compile(r"多少|幾|什麼|甚麼|哪|如何|怎麼|\b(?:what|how|which|when|where|who)\b", re.I)


def _confirms(text: str) -> bool:
    """「上限是 300 萬嗎？」 asks whether the rule says so; 「上限是多少？」, "What is the minimum…?" ask for a figure."""
    for m in _CONFIRM.finditer(text):
        clause = _CLAUSE_END.split(text[: m.start()])[-1] + m.group(0)
        if not _WH.search(clause):
            return True
    return False


def _longest_shared(label: str, window: str) -> int:
    """The length of the longest run of `label` that `window` contains (labels and windows are a few words); a run
    needs two letters at least (the zeros of 100000 and 210000 are no shared word)."""
    for n in range(len(label), 1, -1):
        if any(label[k:k + n] in window and sum(ch.isalpha() for ch in label[k:k + n]) >= 2 for k in range(len(label) - n + 1)):
            return n
    return 0


_INCREASE = re.compile(r"(?:再多|又多|再加|多加|增加|(?<![最至頂不很許太])多|another|additional|extra|(?<![a-z])add)\s*$", re.I)
_INCREASE_IN = re.compile(r"^\S+\s*(?:more|extra|additional)\b", re.I)  # "3 more hours" (read as one figure)


def _covered_after(after: str, own: int, reach: int, cues: tuple[str, ...], avoid: tuple[str, ...]) -> bool:
    """Every cue word after a figure (beyond its own words, within reach) lies inside an avoid word found there: the
    words name something else (「單元影片」 is no weekly total of 「影片」)."""
    spans = [(a, a + len(w)) for w in avoid if len(w) >= 2 and own <= (a := after.find(w, own)) < reach]
    if not spans:
        return False
    found = [(c, c + len(w)) for w in cues if own <= (c := after.find(w, own)) < reach]
    return bool(found) and all(any(a <= c and e <= b for a, b in spans) for c, e in found)


def _increases(text: str, q: Quantity) -> bool:
    """The figure is an amount added to one given before (「再加 3 小時」, 「多 30 人」, "3 more hours", "another 2 weeks")."""
    return bool(_INCREASE.search(text[max(0, q.start - 12):q.start]) or _INCREASE_IN.match(q.raw))


def _sum(a: str, b: str) -> str | None:
    """Two raw input figures added up, as a raw figure; None when either is no number."""
    try:
        total = Decimal(a) + Decimal(b)
    except ArithmeticError:
        return None
    return format(total.normalize(), "f") if total == total.to_integral_value() else format(total, "f")


def _likeness(q: Quantity, carried: str | None) -> float:
    """How alike a new figure and a carried one are in size: 1 for equal, towards 0 as they are orders of magnitude
    apart; 0 without a carried figure."""
    if carried is None:
        return 0.0
    try:
        old = abs(Decimal(carried))
    except ArithmeticError:
        return 0.0
    new = abs(Decimal(q.value))
    if old == 0 or new == 0:
        return 0.5 if old == new else 0.0
    ratio = max(old, new) / min(old, new)
    return float(1 / (1 + ratio.log10()))


def _same_set_values(b: Bound, name: str) -> list[str]:
    """The values bound to the inputs that take the same choices as input `name`."""
    key = b.rule.choices.get(name, {}).keys()
    return [b.params[n] for n, spec in b.rule.inputs.items() if spec.type == "choice" and b.rule.choices.get(n, {}).keys() == key and n in b.params]


_RANK = re.compile(r"(?:前|\btop)\s*$")


def _ranks(unit: str | None, q: Quantity, text: str) -> bool:
    """「前兩名」, 「前三門課」, "top 2": a count right after 前 / top says how many of the largest rows, whatever it
    counts; it fills an input in the unit `rank`."""
    return unit == "rank" and q.kind == "count" and bool(_RANK.search(text[max(0, q.start - 5):q.start]))


def _bare_fits(kind: str, unit: str | None, q: Quantity) -> bool:
    """A figure the reader found no unit for ("4 discussion topics") may fill a count or an amount input, where a cue
    word says so; never one that looks like a year."""
    if q.kind != "number" or kind not in ("number", "int") or unit not in _COUNT_UNITS | _CUED_EITHER_SIDE:
        return False
    return not (q.value == q.value.to_integral_value() and 1900 <= q.value <= 2200)


_STOP = re.compile(r"[。；;？?！!\n]")


def _week_schedule(text: str, reading: Reading) -> tuple[str, int, int, frozenset[int]] | None:
    """「週一到週五每天 8 小時，週六再來 4 小時」: the hours of each day, Monday first up to the last day worked (a day
    not named is a day off), with the span read and the figures used; each mention of days takes the first hours after
    it in the same sentence."""
    mentions = weekdays(text)
    hours: dict[int, Decimal] = {}
    used: set[int] = set()
    end = 0
    qs = reading.quantities
    i = 0  # both are in text order: one pass over the figures
    for k, days in enumerate(mentions):
        limit = mentions[k + 1].start if k + 1 < len(mentions) else len(text)
        while i < len(qs) and qs[i].start < days.end:
            i += 1
        while i < len(qs) and qs[i].start < limit and not (qs[i].kind == "duration" and qs[i].unit == "hour"):
            i += 1
        if i >= len(qs) or qs[i].start >= limit or _STOP.search(text, days.end, qs[i].start):
            continue
        for day in days.days:
            hours[day] = qs[i].value
        used.add(i)
        end = qs[i].end
    if not hours:
        return None
    schedule = ",".join(plain(hours.get(day, Decimal(0)).normalize()) for day in range(1, max(hours) + 1))
    return schedule, mentions[0].start, end, frozenset(used)


def _calendar_year(kind: str, unit: str | None, most: Decimal | None, q: Quantity) -> bool:
    """A year of the calendar alone (2025 年, 民國 114 年) fills a year input whose range holds it (the year a course
    was completed), not an age or a count of years."""
    return (q.kind == "date" and q.year is not None and q.month is None and kind == "int" and unit == "year"
            and (most is None or most >= q.year))


def _fits(kind: str, unit: str | None, q: Quantity) -> bool:
    """A quantity can fill an input of this type and unit."""
    if kind == "date":
        # A month of a year (2025 年 9 月, February 2027) stands for its first day.
        return q.kind == "date" and (q.date is not None or (q.year is not None and q.month is not None))
    if kind not in ("number", "int"):
        return False
    if q.kind == "date" and q.year is None and q.day is None and q.month is not None:
        return kind == "int" and unit == "month"  # 「3 月份」: the month of the year
    if q.kind in ("date", "term", "number"):
        return False
    if unit is None:
        return False
    if q.unit == unit:
        return True
    if unit == "minute":
        return q.kind == "duration" and q.unit == "hour" and q.minutes is not None
    if unit == "percent":
        return q.kind == "percent"
    return q.unit == "item" and unit in _COUNT_UNITS


_IN_MINUTES = re.compile(r"分|min", re.IGNORECASE)


def _list_fits(unit: str | None, reading: Reading, start: int, end: int) -> bool:
    """A list of figures written with a unit (6, 6, 0, 8 hours; 310、295 和 500 人) fills only a list input of that
    unit: hours are not video minutes. The unit is written after the last figure; a list of bare figures fits any
    list input."""
    inside = [q for q in reading.quantities if start <= q.start < end]
    if not inside or inside[-1].kind == "number":
        return True
    q = inside[-1]
    if unit in ("minute", "hour"):
        return q.kind == "duration" and q.unit == "hour" and bool(_IN_MINUTES.search(q.raw)) == (unit == "minute")
    return _fits("number", unit, q)


def _raw(q: Quantity, kind: str, unit: str | None = None) -> str:
    """A quantity as the raw text a rule input takes (durations in the input's unit; hours whose minutes do not divide
    evenly to RAW_PLACES places, 9 小時 20 分鐘 → 9.3333333333, so that × 6 shows as 56 and 2 小時 10 分鐘 × NT$5,000 as
    NT$10,833.33: the rule's texts round such figures for display)."""
    if kind == "date":
        if q.date is not None:
            return q.date.isoformat()
        return f"{q.year:04d}-{q.month:02d}-01"
    if q.kind == "date" and q.year is not None:
        return str(q.year)  # a calendar year for a year input
    if q.kind == "date" and q.month is not None:
        return str(q.month)  # 「3 月份」 for a month input
    value = q.value
    if unit == "minute" and q.minutes is not None:
        value = q.minutes
    elif q.kind == "duration" and not q.exact:
        value = round(value, RAW_PLACES)
    return format(value.normalize(), "f")
