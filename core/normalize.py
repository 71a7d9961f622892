"""Question normalisation for matching: NFKC, Simplified → Traditional, variants, typos, numerals, synonyms, schools."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

from lang.numbers import numerals_to_digits
from core.schema import Glossary, Institution
from lang.textnorm import is_mostly_english, looks_simplified, to_traditional, unify_variants

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# A question is cut to its first MAX_QUESTION_CHARS characters before any parsing (numerals, dates, synonyms,
# schools, matching), so the work one message causes is bounded whatever its length; `Normalised.truncated` says
# when it was cut. (A calculator's own values are bounded separately, by their parameters.)
MAX_QUESTION_CHARS = 2000
_OTHER_UNIVERSITY = re.compile(r"([\u4e00-\u9fff]{1,4}?)(?:大學|科大|醫大)(?!生|部|校院)")
_NOT_A_NAME = {"本", "各", "他", "該", "其他", "合作", "頂尖", "姊妹", "一般", "國內", "國外", "外", "哪", "哪所", "哪些", "在", "的", "所", "各個"}
# A kind of university, not a name (一般國立大學, 我們是市立大學): these words at the end, with nothing or a word
# that is no name's end before them (臺北市立大學 is a name).
_KIND_OF_UNIVERSITY = re.compile(r"(?:^|[是的個所間])(?:一般|國立|私立|公立|市立|縣立|技職)+$")


# 「4月25號」 is the 25th of April as 「4月25日」 writes it (a day of a month, not a number 號).
_DAY_MARK = re.compile(r"(?<!\d)(\d{1,2}\s*月\s*\d{1,2})\s*號")


@dataclass(frozen=True)
class Normalised:
    """A question ready for matching."""

    original: str
    text: str  # normalised, schools still in
    content: str  # normalised with school names removed
    lang: str  # "zh", "zh-Hans" or "en"
    schools: tuple[str, ...]  # document ids named
    uncovered: tuple[str, ...]  # names of bodies the knowledge base does not cover
    off_topic: tuple[str, ...]  # words of topics the documents never deal with
    truncated: bool
    uncovered_en: tuple[str, ...] = ()  # the same bodies' English names


def _trie_pattern(words: set[str]) -> str:
    """A regex for a set of words built from their trie, so that the longest word wins and shared prefixes are tried once."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


_Trie = dict[str, "_Trie"]  # a word's characters one level each; the key "" marks a word's end


class WordSet:
    """Finds the words of a set in a text as one regular expression of them would, longest first and left to right,
    a word of Latin letters, digits, spaces, dots and hyphens only where no letter a-z stands either side of it.

    A trie walked in Python rather than a compiled pattern: nothing to compile when a process loads it from the
    cache (the pattern of a thousand institutions' names took ~25 ms to compile at every start). Linear in the text's
    length times the longest word's; meant for questions (MAX_QUESTION_CHARS)."""

    def __init__(self, words: list[str]):
        self._other: _Trie = {}
        self._latin: _Trie = {}
        for w in words:
            if not w:
                continue
            node = self._latin if _LATIN_WORD.fullmatch(w) else self._other
            for ch in w:
                node = node.setdefault(ch, {})
            node[""] = {}

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each word found."""
        out: list[tuple[int, int]] = []
        other, latin = self._other, self._latin
        n = len(text)
        p = 0
        while p < n:
            end = _longest(other, text, p, False) if text[p] in other else None
            if end is None and text[p] in latin and (p == 0 or not "a" <= text[p - 1] <= "z"):
                end = _longest(latin, text, p, True)
            if end is None:
                p += 1
            else:
                out.append((p, end))
                p = end
        return out

    def words(self, text: str) -> list[str]:
        """The words found, in order."""
        return [text[a:b] for a, b in self.spans(text)]

    def sub(self, repl: str | Callable[[str], str], text: str) -> str:
        """The text with each word found replaced by `repl` (or what `repl` returns for it)."""
        parts: list[str] = []
        last = 0
        for a, b in self.spans(text):
            parts.append(text[last:a])
            parts.append(repl if isinstance(repl, str) else repl(text[a:b]))
            last = b
        parts.append(text[last:])
        return "".join(parts)


_LATIN_WORD = re.compile(r"[a-z0-9 .\-]+")


def _longest(trie: _Trie, text: str, p: int, whole: bool) -> int | None:
    """The end of the longest word of the trie at text[p:] (`whole`: not followed by a letter a-z), or None."""
    node = trie
    best = None
    i = p
    n = len(text)
    while i < n:
        nxt = node.get(text[i])
        if nxt is None:
            break
        node = nxt
        i += 1
        if "" in node and not (whole and i < n and "a" <= text[i] <= "z"):
            best = i
    return best


def clean(text: str) -> str:
    """Drop control characters and lone surrogates; keep the rest."""
    text = _SURROGATE.sub("", text)
    return _CONTROL.sub(" ", text)


LIGHT_MEMO = 4096  # texts whose light form is remembered


class Normaliser:
    """Rewrites text the same way for questions and for the knowledge base's own strings."""

    def __init__(self, glossary: Glossary, institutions: tuple[Institution, ...] = ()):
        self._memo_light: dict[tuple[str, bool], str] = {}
        self._typos = sorted(
            ((self._base(k), self._base(v)) for k, v in glossary.typos.items()), key=lambda kv: -len(kv[0])
        )
        pairs: list[tuple[str, str]] = []
        for group in glossary.synonyms:
            canon = self._base(group[0])
            for member in group:
                # The canonical form maps to itself, so that 磨課 never matches inside 磨課師.
                pairs.append((self._base(member), canon))
        pairs.sort(key=lambda kv: -len(kv[0]))
        self._synonyms = pairs
        self._syn_re = self._alternation([m for m, _ in pairs])
        self._syn_map = dict(pairs)
        school_pairs: list[tuple[str, str]] = []
        for doc_id, names in glossary.schools.items():
            for name in names:
                school_pairs.append((self.base(name), doc_id))
        school_pairs.sort(key=lambda kv: -len(kv[0]))
        self._schools = school_pairs
        self._school_re = self._alternation([n for n, _ in school_pairs])
        mention_pairs: list[tuple[str, str]] = [(self.base(name), str(doc_id)) for doc_id, names in glossary.mentions.items() for name in names]
        self._school_map = dict(school_pairs + mention_pairs)
        self._mention_names = frozenset(n for n, _ in mention_pairs)
        # Names of bodies the knowledge base does not cover, each pointing at how it is named in a refusal.
        # (Chinese, English) for a refusal in either language; the gazetteer's full names first.
        self._uncovered_names: dict[str, tuple[str, str]] = {}
        for inst in institutions:
            for name in (inst.name_zh, inst.name_en, *inst.aliases):
                key = self.base(name)
                if key and key not in self._school_map:
                    self._uncovered_names.setdefault(key, (inst.name_zh, inst.name_en or inst.name_zh))
        for n in glossary.uncovered_bodies:
            self._uncovered_names.setdefault(self.base(n), (n, n))
        # One pass over covered and uncovered names together, longest first, so that an uncovered name that contains a
        # covered one is not read as the covered one.
        self._any_name = WordSet(list(self._school_map) + list(self._uncovered_names))
        self._off_re = self._alternation([self.base(w) for w in glossary.out_of_scope])
        self.stopwords = frozenset(self._base(w) for w in glossary.stopwords)

    @staticmethod
    def _alternation(words: list[str]) -> re.Pattern[str]:
        """One pattern matching any of the words, longest first; a trie keeps it fast on long texts."""
        latin = {w for w in words if re.fullmatch(r"[a-z0-9 .\-]+", w)}
        other = {w for w in words if w and w not in latin}
        parts = []
        if other:
            parts.append(_trie_pattern(other))
        if latin:  # whole words: the longest that is not followed by a letter (the trie tries longer ones first)
            parts.append(r"(?<![a-z])" + _trie_pattern(latin) + r"(?![a-z])")
        return re.compile("|".join(parts) if parts else r"(?!x)x")

    @staticmethod
    def _base(text: str) -> str:
        t = unicodedata.normalize("NFKC", text).lower()
        t = to_traditional(t)
        return unify_variants(t)

    def __getstate__(self) -> dict[str, Any]:
        """What is pickled (core/cache.py): everything but the memo of recent texts."""
        state = dict(self.__dict__)
        state["_memo_light"] = {}
        return state

    def forget(self) -> None:
        """Clear what is remembered of recent texts."""
        self._memo_light.clear()

    def light(self, text: str, keep_case: bool = False) -> str:
        """NFKC, lower case, Traditional, unified variants and typos fixed, but figures and words as written: the
        form the quantity reader and the rules' cue words read. `keep_case` keeps letters' case (3.5M is millions,
        3.5m minutes) and every character's position. Recent texts are remembered (a question, and the rules' labels
        and cue words, are read again by several steps of an answer)."""
        memo = self._memo_light
        key = (text, keep_case)
        done = memo.get(key)
        if done is None:
            if len(memo) >= LIGHT_MEMO:
                memo.clear()
            done = memo[key] = self._light(text, keep_case)
        return done

    def _light(self, text: str, keep_case: bool) -> str:
        t = unicodedata.normalize("NFKC", clean(text))
        t = unify_variants(to_traditional(t if keep_case else t.lower()))[:MAX_QUESTION_CHARS]
        for wrong, right in self._typos:
            if wrong in t:
                t = t.replace(wrong, right)
        return t

    def base(self, text: str) -> str:
        """NFKC, lower case, Traditional, unified variants, typos fixed, numerals as digits, synonyms canonical."""
        t = self._base(clean(text))
        for wrong, right in self._typos:
            if wrong in t:
                t = t.replace(wrong, right)
        t = _DAY_MARK.sub(r"\1日", numerals_to_digits(t))
        t = self._syn_re.sub(lambda m: self._syn_map[m.group(0)], t)
        return re.sub(r"\s+", " ", t).strip()

    def base_many(self, texts: list[str] | tuple[str, ...]) -> list[str]:
        """`base` of many short texts at once (one pass of each pattern over the joined text)."""
        if not texts:
            return []
        joined = self._base(clean("\n".join(t.replace("\n", " ") for t in texts)))
        for wrong, right in self._typos:
            if wrong in joined:
                joined = joined.replace(wrong, right)
        joined = _DAY_MARK.sub(r"\1日", numerals_to_digits(joined))
        joined = self._syn_re.sub(lambda m: self._syn_map[m.group(0)], joined)
        return [" ".join(part.split()) for part in joined.split("\n")]

    def without_schools(self, normalised: str) -> str:
        """Normalised text with the names of schools and bodies taken out (as questions are matched)."""
        return re.sub(r"\s+", " ", self._school_re.sub(" ", normalised)).strip()

    def without_names(self, normalised: str) -> str:
        """Normalised text with every name of a school or body taken out, covered or not."""
        return re.sub(r"\s+", " ", self._any_name.sub(" ", normalised)).strip()

    def question(self, text: str) -> Normalised:
        """Normalise a user's question and find the schools it names."""
        raw = clean(text)
        truncated = len(raw) > MAX_QUESTION_CHARS
        if truncated:
            raw = raw[:MAX_QUESTION_CHARS]
        if is_mostly_english(raw):
            lang = "en"
        elif looks_simplified(raw):
            lang = "zh-Hans"
        else:
            lang = "zh"
        t = self.base(raw)
        found: list[str] = []
        uncovered: list[str] = []
        uncovered_en: list[str] = []
        for name in self._any_name.words(t):
            if name in self._school_map:
                found.append(self._school_map[name])
            else:
                zh, en = self._uncovered_names[name]
                uncovered.append(zh)
                uncovered_en.append(en)
        schools = tuple(dict.fromkeys(found))
        content = self._any_name.sub(lambda name: " " if name in self._school_map and name not in self._mention_names else name, t)
        content = re.sub(r"\s+", " ", content)
        if not schools:
            # Any other university named (X大學, X科大) is one the knowledge base does not cover.
            others = [m.group(0) for m in _OTHER_UNIVERSITY.finditer(content) if m.group(1) not in _NOT_A_NAME and not _KIND_OF_UNIVERSITY.search(m.group(1))]
            uncovered += others
            uncovered_en += others
        off = tuple(dict.fromkeys(m.group(0) for m in self._off_re.finditer(t)))
        return Normalised(
            original=text,
            text=t,
            content=re.sub(r"\s+", " ", content).strip(),
            lang=lang,
            schools=schools,
            uncovered=tuple(dict.fromkeys(uncovered)),
            uncovered_en=tuple(dict.fromkeys(uncovered_en)),
            off_topic=off,
            truncated=truncated,
        )
