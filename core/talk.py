"""What a chat message is besides a question: small talk, a request for another language, a reference to the last
answer (「原文」, 「這是哪一條」), a follow-up that changes one thing, a request for a checklist or a comparison.

Pure functions over text; the words that mark each kind live here (language, not knowledge), the small-talk phrases
and replies in knowledge/smalltalk.yaml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from core.schema import SmallTalk, SmallTalkFile
from lang.textnorm import to_traditional

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_FILLERS = re.compile(r"(?:啊|呀|喔|哦|噢|啦|囉|唷|耶|嘛|欸|吧|呢|～|~)+$")
_EMOJI = re.compile(
    "^(?:[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u3030\u303D\u3297\u3299\uFE0F\u200D\U000E0020-\U000E007F]|\\s)+$"
)

LangRequest = Literal["en", "zh", "zh-Hans"]
_LANG_WORDS: tuple[tuple[LangRequest, re.Pattern[str]], ...] = (
    ("en", re.compile(r"^(?:(?:can you |could you |please )?(?:say|answer|reply|repeat|put) (?:that|this|it) in english|(?:in|reply in|answer in|use|switch to|speak)?\s*english(?:\s*please)?|english,? please|please (?:reply|answer) in english|請?(?:用|改用|換成|以)英文(?:回答|回覆|說|講)?(?:好嗎|可以嗎)?|英文版?|換成英文)$", re.I)),
    ("zh-Hans", re.compile(r"^(?:請?(?:用|改用|換成|以)?簡體(?:中文|字)?(?:回答|回覆|說)?|请?(?:用|改用|换成|以)?简体(?:中文|字)?(?:回答|回复|说)?|simplified(?: chinese)?(?: please)?|(?:in|reply in|answer in) simplified chinese)$", re.I)),
    ("zh", re.compile(r"^(?:請?(?:用|改用|換成|以)?(?:繁體)?中文(?:回答|回覆|說)?|中文(?:版|就好)?|請?(?:用|改用|換成|以)?繁體(?:中文|字)?(?:回答|回覆|說)?|(?:in|reply in|answer in)?\s*(?:traditional )?chinese(?: please)?)$", re.I)),
)

# The last answer, asked about again: its clause, its text verbatim, who handles it.
_REF_CLAUSE = re.compile(r"^(?:這是|那是|是)?(?:哪一?條|哪條|第幾條|哪個條文|什麼條文|出處|根據|依據)(?:規定|條文|呢|是什麼|在哪)?|^(?:which|what) (?:clause|article|rule)|^(?:source|where does (?:it|this) say)", re.I)
_REF_SOURCE = re.compile(r"^(?:給我|看|請給|顯示)?(?:原文|條文原文|全文|完整條文)|^(?:show me )?(?:the )?(?:original|full) text|^quote", re.I)
# 「可以再說一次嗎」, 「沒看懂，再講一遍」, "say that again": the last answer once more (a whole message, nothing else asked).
_REF_REPEAT = re.compile(
    r"^(?:(?:不好意思|抱歉|歹勢|對不起)[，,、 ]*)?(?:我?(?:沒聽清楚|沒看清楚|沒看懂|看不懂|聽不懂)[，,、 ]*)?(?:可以|能|能不能|可不可以|請|麻煩|拜託)?[你您]?"
    r"(?:再|重新|重)(?:(?:說明|說|講|回答|答|解釋|講解|貼|發|傳)(?:一次|一遍|一下)?|一次|一遍)(?:好嗎|好不好|可以嗎|嗎|吧|呢)?$"
    r"|^(?:sorry,? )?(?:(?:can|could|would) you |please )?(?:please )?(?:say (?:that|it) again|repeat(?: that| it| the (?:last )?answer)?)(?: please)?$"
    r"|^(?:come again|again)$",
    re.I,
)
# 「為什麼」 alone after an answer: the reason for the rule just cited.
_REF_WHY = re.compile(r"^(?:可是|但是?|那)?(?:為什麼|為何|為啥|幹嘛|怎麼會這樣|原因是什麼|原因呢|理由是什麼|理由呢|是什麼原因)(?:要|會)?(?:這樣)?(?:規定)?(?:呢|啊|阿|嗎)?$|^(?:but )?(?:why|why is that|why so|why not|how come|what is the reason|what's the reason)$", re.I)
_REF_OFFICE = re.compile(r"(?:要?找|問|洽)(?:哪個|哪一個|什麼)?(?:單位|處室|窗口|人)|承辦(?:單位)?|聯絡(?:誰|窗口)|(?:who|which office) (?:handles|do i contact|to contact)", re.I)

# A follow-up that changes one thing of the last question (「那 27 小時呢？」, 「換成另一校的話呢？」, "what about 12?").
_FOLLOW = re.compile(r"^(?:那|那麼|那如果|如果|要是|假如|改成|換成|換|改|若|可是|但是|還有|再|加上|加入|也加|連同)|^(?:add|also|include|plus)\b|^(?:what about|how about|and if|and for|if|instead|what if|same for|and|then|so)\b|[,;]\s*(?:what|how) about\b|呢(?:[？?，,。]|$)|的話[？?呢]*$", re.I)
# An acknowledgement before the follow-up itself: 「好，那…」, 「謝謝～那…」, "ok, what about", "thanks. And …".
_ACK = re.compile(r"^(?:(?:ok(?:ay)?|thanks?(?: you)?|thx|great|cool|got it|i see|alright|好的?|嗯+|喔+|哦+|噢|謝謝|感謝|了解|瞭解|收到|明白|原來如此)[\s,.!~，。！～、]*){1,3}", re.I)
# A checklist, not a rule: 要準備哪些東西, 步驟, 流程, 要交哪些文件.
_PROCEDURE = re.compile(r"準備(?:哪些|什麼|甚麼|那些|些什麼)|要準備|需要準備|步驟|流程|程序|要交(?:哪些|什麼)|繳交(?:哪些|什麼)|哪些文件|什麼文件|哪些表|什麼表|文件清單|表單|怎麼申請|如何申請|申請方式|申請要|checklist|what (?:do i|should i) (?:need|prepare|submit)|which (?:forms|documents)|how (?:do|can) i apply|steps|procedure|process", re.I)
# A comparison between schools or tiers.
_COMPARE = re.compile(r"比較|相比|比起|差別|差異|差在哪|差在那|不同|一樣嗎|相同嗎|哪個(?:比較|較)?(?:多|少|高|低|好|長|短)|哪一個|哪間|誰(?:比較)?(?:多|高)|差多少|差額|compare|comparison|difference|differ|which (?:is|one|gives|pays) (?:more|higher|less)|more than|versus|\bvs\.?\b", re.I)
# A definition: 磨課師是什麼, what is a SPOC.
_DEFINE = re.compile(r"(?:是什麼|是甚麼|是啥|的定義|指的是什麼|是指什麼|什麼是|何謂|意思是|定義)|^(?:what is|what's|what are|define|meaning of)\b", re.I)
# A plan to check: 符合嗎, 可以嗎, 有沒有超過.
_CHECK = re.compile(r"符合|合規|合乎|可以嗎|可以[^，。？?]{0,12}嗎|能不能|可不可以|行不行|行嗎|ok\s*嗎|有沒有超過|超過了嗎|會不會超過|夠不夠|夠嗎|達到了嗎|有達到|過關|達標|違反|違規|comply|compliant|allowed|enough\b|meets? (?:the|our|its|this|that|these) (?:[a-z-]+ )?(?:requirements?|rules?|conditions?|minimum|limits?|cap)|is (?:it|that|this) ok|within the (?:rules|limit)|exceed", re.I)


def _key(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).strip().lower()
    t = to_traditional(t)
    t = _PUNCT.sub("", t)
    return _FILLERS.sub("", t)


@dataclass(frozen=True)
class SmallTalkMatch:
    """A message that is small talk, and which kind."""

    kind: SmallTalk


class SmallTalkBook:
    """Recognises small talk from knowledge/smalltalk.yaml: a message is small talk when nothing else is left in it."""

    def __init__(self, data: SmallTalkFile | None):
        self.data = data
        # By first character, longest first: the phrases a text can start with are those of its first character.
        self._by_first: dict[str, list[tuple[str, SmallTalk]]] = {}
        self._emoji: SmallTalk | None = None
        if data is None:
            return
        phrases: list[tuple[str, SmallTalk]] = []
        for kind in data.kinds:
            for phrase in kind.phrases:
                k = _key(phrase)
                if k:
                    phrases.append((k, kind))
                elif _EMOJI.match(phrase) and self._emoji is None:
                    self._emoji = kind
            if kind.id in ("emoji", "emoji-only") and self._emoji is None:
                self._emoji = kind
        phrases.sort(key=lambda p: -len(p[0]))
        for phrase, kind in phrases:
            self._by_first.setdefault(phrase[0], []).append((phrase, kind))

    def match(self, text: str) -> SmallTalk | None:
        """The kind of small talk a whole message is, or None when it asks something."""
        if self.data is None:
            return None
        raw = text.strip()
        if not raw:
            return None
        if _EMOJI.match(raw):
            return self._emoji or self._first_kind("ack")
        rest = _key(raw)
        if not rest:
            return None
        found: SmallTalk | None = None
        # Strip known phrases from the message; small talk only when nothing is left (「你好，謝謝」 yes; 「你好，學分怎麼算」 no).
        changed = True
        while rest and changed:
            changed = False
            for phrase, kind in self._by_first.get(rest[0], ()):
                if rest.startswith(phrase):
                    rest = _FILLERS.sub("", rest[len(phrase):])
                    found = found or kind
                    changed = True
                    break
        return found if not rest else None

    def _first_kind(self, kind_id: str) -> SmallTalk | None:
        if self.data is None:
            return None
        for kind in self.data.kinds:
            if kind.id == kind_id:
                return kind
        return None


def language_request(text: str) -> LangRequest | None:
    """「English please」, 「請用中文」, 「简体」: the language the user asks for, when that is all the message says."""
    t = unicodedata.normalize("NFKC", text).strip().strip("。.!！?？~～ ")
    for lang, rx in _LANG_WORDS:
        if rx.match(t):
            return lang
    return None


Reference = Literal["clause", "source", "office", "repeat", "why"]


def reference(text: str) -> Reference | None:
    """A message that asks about the last answer itself (its clause, its text, who handles it) or for it again."""
    t = to_traditional(unicodedata.normalize("NFKC", text).strip().strip("。.!！?？~～ "))
    if len(t) > 60:
        return None
    if _REF_REPEAT.match(t):
        return "repeat"
    if len(t) > 30:
        return None
    if _REF_SOURCE.match(t):
        return "source"
    if _REF_CLAUSE.match(t):
        return "clause"
    if _REF_OFFICE.search(t):
        return "office"
    if _REF_WHY.match(t):
        return "why"
    return None


_CHANGE = re.compile(r"^(?:那|那麼|好，?|ok,? )?(?:換成|改成|換到|改為|換|改)|\binstead\b|\bswitch(?:ing)? to\b", re.I)


def asks_change(text: str) -> bool:
    """Says it changes the last question (「換成某校…呢」, 「改成…」, "instead", "switch to"): the same question, changed."""
    return bool(_CHANGE.search(to_traditional(text.strip())))


# 「外校的學生可以嗎」, 「兼任老師也行嗎」, "can they be from another school?": a short yes/no question that asks whether
# something else will do, leaving out what it is about (the last question's subject).
_ELLIPTICAL = re.compile(r"^.{1,12}?(?:也|還|就)?(?:可以嗎|可不可以|行嗎|行不行|能嗎|算嗎|可以否|ok嗎|符合嗎)$|"
                         r"^.{0,12}?(?:也|還|就)?(?:可以|能|可)(?:當|擔任|做|請|找|聘|用)(?:.{0,8}?)嗎$|"
                         r"^(?:can|could|may|does|do|is|are) (?:it|they|that|this|those|these|he|she|i|we|one) (?:\S+ ){0,5}\S+$", re.I)


def asks_if_also(text: str) -> bool:
    """A short yes/no question leaving out its subject: whether something else will do (see _ELLIPTICAL)."""
    t = to_traditional(unicodedata.normalize("NFKC", text).strip()).rstrip("？?!！。. ")
    return len(t) <= 60 and bool(_ELLIPTICAL.match(t))


def looks_like_follow_up(text: str) -> bool:
    """Marked as a follow-up (那…呢, 如果…, 換成…, what about …), after any acknowledgement (「好，那…」, "ok, what about")."""
    t = to_traditional(unicodedata.normalize("NFKC", text).strip())
    t = _ACK.sub("", t, count=1)
    return bool(_FOLLOW.search(t))


def without_follow_up_words(text: str) -> str:
    """The text without the words that mark a follow-up (那…呢, what about): what it asks of its own."""
    return _FOLLOW.sub(" ", text).strip()


def asks_procedure(text: str) -> bool:
    """Asks for a checklist: what to prepare, the steps, the forms."""
    return bool(_PROCEDURE.search(text))


def without_procedure_words(text: str) -> str:
    """The question with its checklist words (要準備哪些, 流程, 怎麼申請) taken out: what else it asks about."""
    return _PROCEDURE.sub(" ", text)


# What may stand beside a term in a question that only asks what the term means (「某校的遠距教學課程是什麼意思？」).
_DEFINE_FILLER = re.compile(r"請問|想問|一下|所謂|意思|是指|指的是|的|之|嗎|呢|啊|呀|喔|是|什麼|甚麼|啥|何謂|定義|\b(?:a|an|the|does|do|mean|means|meaning|of|in)\b", re.I)


def defines_only(text: str, term: str) -> bool:
    """The question asks what `term` means and nothing more (「SPOC 是什麼」, not 「學分課程的規定是什麼」)."""
    rest = _DEFINE.sub(" ", text.replace(term, " ", 1))
    rest = _PUNCT.sub(" ", _DEFINE_FILLER.sub(" ", rest))
    return len(re.findall(r"[\u3400-\u9fff]", rest)) <= 3 and len(re.findall(r"[a-z]{2,}", rest, re.I)) <= 2


# How far apart two results are: 差多少, 相差幾小時, 多了多少, how much more.
_DIFFERENCE = re.compile(r"差(?:多少|幾|了多少|距|額)|相差|差別是多少|(?<![最至])多了?多少|(?<![最至])少了?多少|(?<![最至])多幾|(?<![最至])少幾|(?:the )?difference|how much (?:more|less)|how many more|how many fewer", re.I)


def asks_difference(text: str) -> bool:
    """Asks how far apart two results are (「差多少？」 after two figures)."""
    t = to_traditional(unicodedata.normalize("NFKC", text))
    return bool(_DIFFERENCE.search(t)) and len(t.strip()) <= 30


# How a figure is worked out: 怎麼算, 如何計算, how is it calculated.
_HOW_COMPUTED = re.compile(r"怎麼算|怎麼計算|如何計算|如何算|怎樣算|怎樣計算|怎麼換算|算法|計算方式|how (?:is|are|do|does) [^?]{0,40}(?:calculated|computed|counted|worked out)|how to (?:calculate|compute|count)", re.I)


def asks_how_computed(text: str) -> bool:
    """Asks how a figure is worked out (「學分怎麼算？」): the clause a rule applies answers it."""
    return bool(_HOW_COMPUTED.search(text))


def asks_comparison(text: str) -> bool:
    """Asks to compare (比較, 哪個多, 差多少, versus)."""
    return bool(_COMPARE.search(text))


_WHICH_MORE = re.compile(r"哪一?(?:個|間|校|邊|家|所)(?:學校)?(?:給的|付的|的)?(?:比較|較|會)?(?:多|少|高|低|划算|優渥)|誰(?:比較|較)?(?:多|少|高|低)|(?:which|who) (?:is|one|school|gives|pays|offers) (?:\w+ )?(?:more|higher|less|lower|bigger|better)", re.I)


def asks_which_more(text: str) -> bool:
    """Asks which of the things named gives more (「哪個比較多」, "which pays more"): a verdict, not only the rules."""
    return bool(_WHICH_MORE.search(to_traditional(text)))


# Each of several named things asked about: 分別, 各自, 各怎麼, respectively, each, both.
_EACH = re.compile(r"分別|各自|各(?:是|有|要|能|可|怎|為|多|幾)|兩者|兩邊|respectively|\beach\b|\bboth\b", re.I)


def asks_each(text: str) -> bool:
    """Asks about each of several things named (「分別規定…」, 「各怎麼算」, "each")."""
    return bool(_EACH.search(text))


# Another school added to the schools just compared: 「把某校也加進來」, 「加上某校一起比」, "add that school too".
_ADD = re.compile(r"加上|加入|加進|也加|再加|一起比|一併|並列|連同|\badd\b|\btoo\b|\bas well\b|\binclude\b|side by side", re.I)


def asks_to_add(text: str) -> bool:
    """Asks to add something to what was just compared (「某校也加進來」, "add that school too")."""
    return bool(_ADD.search(text))


# What a whole document is about: 「這份要點在講什麼」, 「報告的重點是什麼」, "what is the report about?".
_OVERVIEW = re.compile(r"(?:是)?在?(?:講|說|寫)(?:些)?(?:什麼|甚麼|啥)|寫了(?:什麼|甚麼|啥)|(?:主要)?內容(?:是|為)?(?:什麼|甚麼|何|啥)|主要內容|"
                       r"(?:大概|主要)?(?:大意|概要)(?:是|為)?(?:什麼|甚麼|何|啥)?|摘要|"
                       r"(?:報告|要點|須知|規範|文件|辦法)的?(?:主要|大概)?重點(?:是|為)?(?:什麼|甚麼|何|啥)?|"
                       r"\bwhat (?:is|'s) (?:it|this|that|the [\w\s-]{1,40}?) about\b|\bwhat does (?:it|this|that|the [\w\s-]{1,40}?) (?:say|cover)\b|"
                       r"\b(?:summary|gist|overview)\b", re.I)


def asks_overview(text: str) -> str:
    """The words that ask what a whole document is about (「在講什麼」, "what is the report about"), or empty. `text`: a
    normalised question (Traditional already: converting it again could load OpenCC for a character it would change)."""
    m = _OVERVIEW.search(text)
    return m.group(0) if m else ""


def asks_definition(text: str) -> bool:
    """Asks what a term means."""
    return bool(_DEFINE.search(text))


def asks_check(text: str) -> bool:
    """Asks whether a plan complies (符合嗎, 可以嗎, 有沒有超過)."""
    return bool(_CHECK.search(text))
