"""Read the figures a person typed — durations, money, counts, percentages, scores, dates, academic terms — exactly,
or say what is wrong with them so the assistant can ask back. Never a guess.

API
---
``read(text: str) -> Reading``
    Read every figure in ``text`` (Traditional or Simplified Chinese, English, or a mix; full-width forms too).
    Pure and total: never raises, runs in time linear in ``len(text)``; text longer than ``MAX_TEXT`` (2,000)
    characters is cut first (``Reading.truncated``).

``Reading(quantities, asked, problems, truncated=False)``
    ``quantities``: tuple of ``Quantity`` in text order; ``asked``: tuple of ``Asked``, the units the text asks for;
    ``problems``: tuple of ``Problem``, figures written so that they cannot be read safely. A figure is either a
    quantity or a problem, never both. ``of_kind(kind)`` and ``of_unit(unit)`` filter the quantities.

``Quantity``
    ``value: Decimal`` (exact: the value as written, converted to the canonical unit), ``kind``, ``unit``,
    ``start``/``end`` (span in the input text), ``raw`` (``text[start:end]``), and

    - ``kind == "duration"``: ``unit`` ``"hour"`` for every length of time in hours and minutes (90 分鐘 → 1.5,
      3 小時 15 分鐘 → 3.25, 半小時 → 0.5, 一個半小時 → 1.5, 1h30m, 2 hrs, 45 min → 0.75), with ``minutes`` the
      exact length in minutes; ``exact`` is False when the hours do not end (10 分鐘 → 0.1666…, rounded to 28
      significant digits; use ``minutes`` then). ``unit`` ``"day"`` for days (天, 工作天, days).
    - ``kind == "money"``: ``unit`` ``"TWD"``: 元, 塊, NT$, NTD, 新臺幣, 千/萬/億, k, M, million, billion;
      a bare number with a multiplier (千, 萬, 億, k, M, million; or a Chinese numeral with 百 or more:
      一千五 = 1,500, 三百五 = 350) is money unless another measure word follows (1 萬人 is 10,000 people).
    - ``kind == "count"``: ``unit`` one of ``COUNT_UNITS``: week, month, semester, academic_year, year, course,
      person, time, unit_video, series, school, multiple, credit, item.
    - ``kind == "percent"``: ``unit`` ``"percent"``, ``value`` the percentage (60% → 60, 六成 → 60, 千分之五 → 0.5).
    - ``kind == "score"``: ``unit`` ``"point"`` (85 分).
    - ``kind == "date"``: ``unit`` ``"date"``; ``year`` (Gregorian), ``month``, ``day`` (None when the text leaves
      them out: 3月1日 has ``year=None``); ``date`` a ``datetime.date`` when all three are known; ``value`` is
      YYYYMMDD with 0 for a missing part. ROC (114.03.01, 114/3/1, 114年3月1日, 民國114年3月1日) and ISO
      (2025-03-01, 2025/3/1) forms, English (March 1, 2025; 1 March 2025; September 2025), month/day (3/15),
      year alone (114年, 2026 年, 2026 學年度, in 2026, the year 2026; 116 學年度 alone is no figure), a month
      named with 份 (三月份: ``month`` only).
    - ``kind == "term"``: ``unit`` ``"term"``; ``term`` ``(roc_year, term)`` with term 1 (Aug–Jan) or 2 (Feb–Jul),
      as ``lang.dates.Term``; ``value`` roc_year*10 + term. 116 學年度第 1 學期, 116 學年度上學期, 116-1,
      2027 學年度第 1 學期,
      fall 2027 / spring 2028, first semester of 2027-2028.
    - ``kind == "number"``: ``unit`` ``""``: an arabic number (or a Chinese numeral with a unit character) with no
      measure word, or a fraction (三分之一, ``exact`` False).

    ``approximate`` is True when the text says the figure is not exact (約, 大約, 左右, 30 多人, about...).
    Ranges give one quantity per end, both in the unit written once (2 至 9 週 → 2 weeks and 9 weeks;
    10 到 20 萬元 → 100,000 and 200,000 TWD). Ordinals (第 3 週, 1st), labels (附件 1, 圖 2, Table 1), times of
    day (3:30), grades (4 年級), a month alone without 份 (6 月) and figures inside words (mp4, COVID-19) are not quantities.

``Asked(unit, start, end)``
    A question for a figure: ``unit`` is a canonical unit above (幾週 → week, 幾個鐘頭 → hour, 多少錢 → TWD,
    幾位 → person, 幾學分 → credit, 百分之幾 → percent...), ``"date"`` (哪天, 何時, 什麼時候, 幾月幾號, when),
    ``"term"`` (哪個學期, which semester) or ``"duration"`` (多久, how long: a length of time in no set unit).

``Problem(start, end, raw, message_zh, message_en)``
    A figure that is malformed or ambiguous — a decimal comma (9,5 小時), a sign (-9 小時, 負 9 小時), a fraction
    (1/2 小時), scientific notation (1e5 人), superscripts (9²), several points (1.2.3 週), more than 15 digits,
    an approximate count (十幾人, 兩三週), an impossible date (114.02.30), an ambiguous term (first semester of 2027)
    or m (3.5m: minutes or million?) — with a question back to the user in both languages.

Limits: ``MAX_TEXT`` characters read; a figure has at most ``MAX_DIGITS`` (15) digits before or after its point;
a run of Chinese numerals longer than ``MAX_NUMERAL`` characters is not a number (a problem).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date as Date
from decimal import Decimal, localcontext
from fractions import Fraction

from lang.numbers import BIG_UNITS, CN_NUMERAL_CHARS, DIGITS, SMALL_UNITS, NumberError, Part, combine

MAX_TEXT = 2000
MAX_DIGITS = 15
MAX_NUMERAL = 24
MAX_VALUE = Decimal(10) ** 15
ROC_OFFSET = 1911

KINDS = ("duration", "money", "count", "percent", "score", "date", "term", "number")
COUNT_UNITS = (
    "week", "month", "semester", "academic_year", "year", "course", "person", "time", "unit_video", "series",
    "school", "multiple", "credit", "item",
)


@dataclass(frozen=True)
class Quantity:
    """One figure read from the text (see the module docstring)."""

    value: Decimal
    kind: str
    unit: str
    start: int
    end: int
    raw: str
    date: Date | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    term: tuple[int, int] | None = None
    minutes: Decimal | None = None
    exact: bool = True
    approximate: bool = False


@dataclass(frozen=True)
class Asked:
    """A unit the text asks for (幾週 → week) and where."""

    unit: str
    start: int
    end: int


@dataclass(frozen=True)
class Problem:
    """A figure that cannot be read safely, with a question back in both languages."""

    start: int
    end: int
    raw: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class Reading:
    """Everything `read` found in one text."""

    quantities: tuple[Quantity, ...]
    asked: tuple[Asked, ...]
    problems: tuple[Problem, ...]
    truncated: bool = False

    def of_kind(self, kind: str) -> tuple[Quantity, ...]:
        """The quantities of one kind, in text order."""
        return tuple(q for q in self.quantities if q.kind == kind)

    def of_unit(self, unit: str) -> tuple[Quantity, ...]:
        """The quantities in one unit, in text order."""
        return tuple(q for q in self.quantities if q.unit == unit)


def read(text: str) -> Reading:
    """Read the figures, the asked units and the problems in `text` (see the module docstring)."""
    truncated = len(text) > MAX_TEXT
    if truncated:
        text = text[:MAX_TEXT]
    reader = _Reader(text)
    reader.run()
    return reader.result(truncated)


# ---------------------------------------------------------------------------------------------------------------
# Folding: one pass, each folded character remembers the input character it came from.

_SUPERSCRIPTS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉")
_VULGAR = frozenset("½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞⅟↉⁄")
_VULGAR_VALUES = {
    "½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅖": (2, 5), "⅗": (3, 5),
    "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8), "⅞": (7, 8),
}
_KEEP = _SUPERSCRIPTS | _VULGAR | frozenset("，")
# Simplified forms of the characters the reader looks at (and 台/周 → 臺/週), one character each.
_S2T = str.maketrans(
    "时钟头万亿两个学门块钱点几号课单视频项么国币台周礼数间长负约余参陆贰补经费预额奖"
    "励筹贴劳报价员师讲级纪资后内际线岁圆园区为绩这开说满该阶称于读职计划务种节场笔张"
    "条双对组类别执获领给应实现须设备办",
    "時鐘頭萬億兩個學門塊錢點幾號課單視頻項麼國幣臺週禮數間長負約餘參陸貳補經費預額獎"
    "勵籌貼勞報價員師講級紀資後內際線歲圓園區為績這開說滿該階稱於讀職計劃務種節場筆張"
    "條雙對組類別執獲領給應實現須設備辦",
)


def _fold(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    where: list[int] = []
    for index, c in enumerate(text):
        if c in _KEEP:
            f = c
        elif c < "\x80":
            f = c.lower()
        else:
            f = unicodedata.normalize("NFKC", c).lower().translate(_S2T)
        for ch in f:
            chars.append(ch)
            where.append(index)
    where.append(len(text))
    return "".join(chars), where


# ---------------------------------------------------------------------------------------------------------------
# Lexicon.

_ONE = Decimal(1)
Entry = tuple[str, str, Decimal]  # kind, unit, factor
_HOUR: Entry = ("duration", "hour", _ONE)
_MINUTE: Entry = ("duration", "minute", _ONE)
_DAY: Entry = ("duration", "day", _ONE)
_MONEY: Entry = ("money", "TWD", _ONE)
_PERCENT: Entry = ("percent", "percent", _ONE)
_TENTHS: Entry = ("percent", "percent", Decimal(10))
_SCORE: Entry = ("score", "point", _ONE)
_AMBIGUOUS_M: Entry = ("duration", "m?", _ONE)


def _count(unit: str) -> Entry:
    return ("count", unit, _ONE)


_PERSON_NOUNS = (
    "學生", "人", "同學", "學員", "助教", "助理", "老師", "教師", "講師", "教授", "工讀生", "員工", "職員", "人員",
    "修課學生", "學習者", "註冊者", "位學生",
    "專任助理", "兼任助理", "教學助理", "研究助理", "專任人員", "兼任人員", "專業人員", "工讀學生",  # 「幾個專任助理」
)
_CJK_UNITS: dict[str, Entry] = {
    "小時": _HOUR, "鐘頭": _HOUR, "鐘點": _HOUR, "分鐘": _MINUTE, "天": _DAY, "工作天": _DAY, "工作日": _DAY,
    "週": _count("week"), "星期": _count("week"), "禮拜": _count("week"),
    "月": _count("month"), "日": _DAY,  # 月 and 日 only after 個 (3個月, 3個工作日); see _unit
    "學期": _count("semester"), "學年": _count("academic_year"), "年": _count("year"),
    "門": _count("course"), "門課": _count("course"), "門課程": _count("course"), "堂課": _count("course"),
    "人": _count("person"), "人次": _count("person"), "名": _count("person"), "位": _count("person"),
    "票": _count("person"),  # 「拿到 2 票推薦」: each vote is one member's
    "次": _count("time"), "回": _count("time"),
    "單元": _count("unit_video"), "支": _count("unit_video"), "支影片": _count("unit_video"),
    "部": _count("unit_video"), "部影片": _count("unit_video"), "部片": _count("unit_video"),
    "段影片": _count("unit_video"), "集": _count("unit_video"), "影片": _count("unit_video"),
    "支視頻": _count("unit_video"), "視頻": _count("unit_video"), "個單元": _count("unit_video"),
    "系列": _count("series"),
    "所": _count("school"), "所學校": _count("school"), "所大學": _count("school"), "間學校": _count("school"),
    "間大學": _count("school"), "校": _count("school"),
    "倍": _count("multiple"), "學分": _count("credit"),
    "項": _count("item"), "件": _count("item"), "份": _count("item"),
    "分": _SCORE,
    "元": _MONEY, "塊": _MONEY, "塊錢": _MONEY, "圓": _MONEY, "元整": _MONEY,
    "成": _TENTHS, "%": _PERCENT,
}
for _noun in _PERSON_NOUNS:
    _CJK_UNITS.setdefault(_noun, _count("person"))
    _CJK_UNITS.setdefault("名" + _noun, _count("person"))
    _CJK_UNITS.setdefault("位" + _noun, _count("person"))
_MAX_UNIT = max(len(u) for u in _CJK_UNITS)
# A unit is not one when followed by one of these characters (週年, 年級, 位數, 支付, 所以, 元素...).
_GUARDS: dict[str, str] = {
    "週": "年末報刊記遭", "星期": "一二三四五六日天", "禮拜": "一二三四五六日天堂", "年": "級度代紀底初中終資假薪",
    "名": "單稱字次", "位": "數置於址元", "門": "檻口牌", "人": "民", "次": "方要", "回": "饋覆答收來去應合",
    "支": "付持出援票撐配", "部": "分門份署會長屬落隊", "集": "合中團體資", "所": "以有得在屬謂長",
    "校": "園區長內外方務友正級際", "份": "子額", "元": "素首旦月宵件", "票": "價據房選務券", "圓": "形周圈",
    "成": "為績功本員立長果效熟就人不了全交語份分", "分": "之鐘析別配享類組段數開成攤布佈散子工鐘",
    "天": "然數下", "倍": "數", "學年": "度",
}
_EN_UNITS: dict[str, Entry] = {}
for _words, _entry in (
    (("h", "hr", "hrs", "hour", "hours"), _HOUR),
    (("min", "mins", "minute", "minutes"), _MINUTE),
    (("m",), _AMBIGUOUS_M),
    (("day", "days"), _DAY),
    (("wk", "wks", "week", "weeks"), _count("week")),
    (("month", "months", "mo", "mos"), _count("month")),
    (("semester", "semesters", "term", "terms"), _count("semester")),
    (("year", "years", "yr", "yrs"), _count("year")),
    (("course", "courses", "class", "classes"), _count("course")),
    (("credit", "credits"), _count("credit")),
    (
        ("person", "persons", "people", "student", "students", "learner", "learners", "registrant", "registrants",
         "participant", "participants", "user", "users", "enrollee", "enrollees", "ta", "tas", "teacher",
         "teachers", "assistant", "assistants", "member", "members", "reviewer", "reviewers", "tutor", "tutors",
         "vote", "votes"),
        _count("person"),
    ),
    (("time", "times"), _count("time")),
    (("video", "videos", "unit", "units", "module", "modules", "episode", "episodes"), _count("unit_video")),
    (("series",), _count("series")),
    (("school", "schools", "university", "universities"), _count("school")),
    (("x",), _count("multiple")),
    (("point", "points", "pts"), _SCORE),
    (("item", "items"), _count("item")),
    (("percent", "pct"), _PERCENT),
    (("ntd", "twd", "dollars", "dollar"), _MONEY),
):
    for _w in _words:
        _EN_UNITS[_w] = _entry
_EN_MULTIPLIERS = {
    "k": Decimal(1000), "thousand": Decimal(1000), "thousands": Decimal(1000),
    "mn": Decimal(10) ** 6, "million": Decimal(10) ** 6, "millions": Decimal(10) ** 6,
    "bn": Decimal(10) ** 9, "billion": Decimal(10) ** 9, "billions": Decimal(10) ** 9,
}
_EN_NUMBERS = {
    w: Decimal(v)
    for v, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
_EN_TENS = {w: Decimal(10 * (i + 2)) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
# Words that end the search for a unit a few words after a number ("6 more weeks", "300 registered students" read on;
# "5 of the students", "3 or more weeks" do not: more and less stop nothing, than does).
_EN_STOP = frozenset(
    "of the a an in on at for to and or from by with per each is are was were be been this that these those "
    "than over under about around after before during".split()
)
_EN_COMPARATIVES = frozenset({"more", "fewer", "less", "extra", "additional"})
_NUMBER_OF_WORDS = frozenset("is s the minimum maximum least smallest largest lowest highest total required needed max min".split())
_EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_ASCII_DIGITS = frozenset("0123456789")
_CN_DIGITS = frozenset(DIGITS)
_CN_UNIT_CHARS = frozenset(SMALL_UNITS) | frozenset(BIG_UNITS)
_BIG_MULT = frozenset("千仟萬万億亿")
_MONEY_SIZE = frozenset("百佰千仟萬万億亿")
_CONNECTORS = frozenset({"至", "到", "~", "〜", "-", "–", "—", "或", "或是", "to", "or", "and", "through"})
_DAY_JOINERS = frozenset({"和", "及", "與", "跟", "、", "，", ","})
# Between the figures of a list (310, 295 and 500 students; 310、295 和 500 人), spaces taken out.
_LIST_AND = frozenset({"and", "or", "和", "及", "與", "跟", "或", "以及"})
_LIST_GAPS = _LIST_AND | frozenset({",", "，", "、"}) | frozenset(
    sep + word for sep in (",", "，", "、") for word in _LIST_AND
)
_COMPOUND_GAPS = frozenset({"", "又", "and", ",", "，", "零"})
_ONE_WORDS = frozenset("般定起樣些直下旦致切律併同向再邊面方流齊貫共")
_NOT_ONE_AFTER = frozenset("哪那這同唯統單每任其另之擇")
_FINANCIAL = frozenset("壹貳參叁叄肆伍陸柒捌玖弌贰拾佰仟")
_LABELS = frozenset("圖表錄件條款號第")  # 圖1, 附件2, 附錄3: a label, not a figure
_EN_LABELS = frozenset({"table", "annex", "appendix", "figure", "fig", "step", "article", "section", "no", "item", "form", "chapter", "part"})
_PEOPLE_WORDS = ("人數", "註冊", "修課", "選課", "學生", "學員", "learners", "students", "registr", "enrol")
_APPROX_BEFORE = ("約莫", "大約", "大概", "約", "差不多", "將近", "about", "around", "approximately", "approx.", "approx", "roughly", "nearly")
_APPROX_AFTER = ("左右", "上下")
_MONEY_WORDS = (
    "補助", "經費", "預算", "費用", "費", "薪", "錢", "金額", "獎金", "獎勵", "自籌", "津貼", "酬勞", "報酬", "價",
    "支付", "支出", "收入", "成本", "款", "budget", "subsidy", "funding", "fee", "grant", "cost", "salary", "wage",
)
_MONEY_PREFIXES = ("nt$", "新臺幣", "臺幣", "ntd", "twd", "nt", "$")
_DATE_ASKS = (
    "哪幾天", "哪幾日", "幾月幾號", "幾月幾日", "幾號", "哪一天", "哪天", "哪一日", "哪日", "哪個日期", "哪一個日期", "何時", "何日",
    "什麼時候", "甚麼時候", "什麼日期", "啥時候", "幾月", "哪個月", "哪一年", "哪年",
)
_TERM_ASKS = (
    "哪個學期", "哪一個學期", "哪一學期", "哪學期", "哪個學年度", "哪一學年度", "哪學年度", "哪一個學年", "哪個學年",
    "哪一學年", "第幾學期",
)
_DURATION_ASKS = ("多久", "多長時間", "多少時間", "多長的時間")

_NUM_DATE = re.compile(r"(\d{2,4})([./-])(\d{1,2})\2(\d{1,2})(?!\d|[./-]\d)")
_NUM_TERM = re.compile(r"(1\d\d)-([12])(?![\d./-])")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?!\d)")
_EN_DATE_MD = re.compile(r"([a-z]{3,9})\.? {0,2}(\d{1,2})(?:st|nd|rd|th)?(?:,? {0,2}(\d{4}))?(?![\d])")
_EN_DATE_MY = re.compile(r"([a-z]{3,9})\.?,? {0,2}(?:of )?(\d{4})(?![\d])")
_EN_DATE_DM = re.compile(r"(\d{1,2})(?:st|nd|rd|th)? {0,2}(?:of )?([a-z]{3,9})\.?(?:,? {0,2}(\d{4}))?(?![\d])")
_EN_SEASON = re.compile(
    r"(fall|autumn|spring)(?: (?:semester|term))?(?: of)?(?: the)?(?: academic year)? {0,2}(\d{4})(?![\d])"
)
_EN_ORDINAL_TERM = re.compile(
    r"(?:(first|second|1st|2nd) (?:semester|term)|(?:semester|term) ([12]))(?: of| in|,)?(?: the)?"
    r"(?: (academic year|school year|ay))? {0,2}(\d{2,4})(?: ?[-/–] ?(\d{2,4}))?(?![\d])"
    r"(?: {0,2}(academic year|school year))?"
)


def _is_letter(c: str) -> bool:
    return "a" <= c <= "z"


def _is_cjk(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


def _quote(raw: str) -> str:
    raw = " ".join(raw.split())
    return raw if len(raw) <= 30 else raw[:30] + "…"


def _fmt(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _tidy(value: Decimal) -> Decimal:
    """The same value without trailing zeros (3500000.0 → 3500000, 2.50 → 2.5)."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


def _terminating(numerator: int, denominator: int) -> Decimal | None:
    """numerator/denominator as an exact decimal, or None when it does not end."""
    d = denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        return Decimal(numerator) / Decimal(denominator)


def _divide(a: Decimal, b: Decimal | int) -> tuple[Decimal, bool]:
    """a / b, and whether the quotient is exact (else rounded to 28 significant digits)."""
    q = Fraction(a) / Fraction(b)
    d = q.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    with localcontext() as ctx:
        ctx.prec = 28 if d != 1 else 80
        return Decimal(q.numerator) / Decimal(q.denominator), d == 1


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        Date(year, month, day)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------------------------------
# The reader.


@dataclass
class _Num:
    """A number as written, before its unit."""

    start: int
    end: int
    value: Decimal
    arabic: bool  # starts with an arabic digit
    integer_text: str  # the digits of a plain arabic integer ("" otherwise)
    base: Decimal  # the number before a trailing multiplier (20 in 20萬)
    mult: Decimal  # the trailing multiplier (10000 in 20萬), 1 when none
    size_unit: bool  # written with 百, 千, 萬 or 億 (a bare Chinese numeral is then an amount)
    cn_units: bool  # a Chinese numeral with a unit character (十, 百...)
    single_cn_digit: bool  # one Chinese digit (三)
    digit_string: bool  # Chinese digits one by one (一一四)
    approximate_pair: bool  # 兩三, 七八: one or the other


@dataclass
class _Item:
    """A figure found, in folded coordinates, before the last pass."""

    start: int
    end: int
    value: Decimal
    kind: str  # "" for a bare number
    unit: str
    base: Decimal
    mult: Decimal
    approximate: bool = False
    minus: int = -1  # index of a '-' right before the number
    negative: bool = False  # 負 before the number
    emit_bare: bool = True
    prefix_money: bool = False
    label: bool = False  # 附件1: a label, and so is the other end of 附件1~5
    exact: bool = True
    year: int | None = None
    month: int | None = None
    day: int | None = None
    term: tuple[int, int] | None = None
    num_end: int = 0


@dataclass
class _Prob:
    start: int
    end: int
    zh: str
    en: str


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.t, self.where = _fold(text)
        self.n = len(self.t)
        self.items: list[_Item] = []
        self.problems: list[_Prob] = []
        self.asked: list[tuple[str, int, int]] = []

    # -- small helpers -------------------------------------------------------------------------------------------

    def ch(self, k: int) -> str:
        """The folded character at k, or NUL outside the text (so that `ch(k) in "..."` is False there)."""
        return self.t[k] if 0 <= k < self.n else "\0"

    def orig(self, a: int, b: int) -> str:
        if b <= a:
            return ""
        return self.text[self.where[a] : self.where[b - 1] + 1]

    def skip_spaces(self, k: int, limit: int = 2) -> int:
        j = k
        while j < self.n and j - k < limit and self.t[j] in " \t\u00a0":
            j += 1
        return j

    def back_spaces(self, k: int, limit: int = 2) -> int:
        j = k
        while j > 0 and k - j < limit and self.t[j - 1] in " \t\u00a0":
            j -= 1
        return j

    def word_at(self, k: int) -> tuple[str, int]:
        """The run of ASCII letters starting at k (at most 24; a longer run is no word of ours)."""
        j = k
        while j < self.n and j - k <= 24 and _is_letter(self.t[j]):
            j += 1
        if j - k > 24:
            return "", k
        return self.t[k:j], j

    def word_before(self, k: int) -> str:
        """The run of ASCII letters ending at k (at most 12)."""
        j = k
        while j > 0 and k - j < 12 and _is_letter(self.t[j - 1]):
            j -= 1
        return self.t[j:k]

    def problem(self, a: int, b: int, zh: str, en: str) -> None:
        self.problems.append(_Prob(a, b, zh, en))

    def problem_quoted(self, a: int, b: int, zh: str, en: str) -> None:
        """A problem whose messages quote the text: {q} in the messages."""
        q = _quote(self.orig(a, b))
        self.problem(a, b, zh.replace("{q}", q), en.replace("{q}", q))

    # -- the scan ------------------------------------------------------------------------------------------------

    def run(self) -> None:
        t = self.t
        i = 0
        while i < self.n:
            c = t[i]
            if c in _ASCII_DIGITS or (c == "." and self.ch(i + 1) in _ASCII_DIGITS and not self.ch(i - 1).isalnum()):
                nxt = self.number(i)
            elif c in CN_NUMERAL_CHARS:
                nxt = self.number(i)
            elif c == "半":
                nxt = self.half(i)
            elif c in _VULGAR_VALUES:
                end = self.unit_after(i + 1) or i + 1
                numerator, denominator = _VULGAR_VALUES[c]
                self.fraction_problem(i, end, _terminating(numerator, denominator), self.orig(i + 1, end))
                nxt = end
            elif c in "幾多哪何什甚啥第":
                nxt = self.ask_cjk(i)
            elif _is_letter(c) and not _is_letter(self.ch(i - 1)):
                nxt = self.english(i)
            else:
                nxt = i + 1
            i = max(nxt, i + 1)

    # -- numbers -------------------------------------------------------------------------------------------------

    def number(self, i: int) -> int:
        t = self.t
        arabic = t[i] not in CN_NUMERAL_CHARS
        if arabic:
            before = self.word_before(i)
            if before and before not in _EN_UNITS and before not in _EN_MULTIPLIERS and before not in ("nt", "ntd", "twd"):
                return self.skip_alnum(i)  # mp4, h1n1, v2
            if self.ch(i - 1) == "-" and _is_letter(self.ch(i - 2)):
                return self.skip_alnum(i)  # covid-19
            special = self.numeric_shape(i)
            if special is not None:
                return special
        else:
            skip = self.cn_word(i)
            if skip:
                return skip
            label = self.ch(self.back_spaces(i, 1) - 1)
            if (
                label in _LABELS and label != "第" and t[i] in _CN_DIGITS and self.ch(i + 1) in _CN_DIGITS
                and self.ch(i + 2) not in CN_NUMERAL_CHARS
            ):
                return i + 1  # 表二六門課: 表二 names a table, 六門課 is the figure (26 would be 二十六)
        num, end = self.numeral(i)
        if num is None:
            return end
        return self.after(num)

    def skip_alnum(self, i: int) -> int:
        j = i
        while j < self.n and (self.t[j] in _ASCII_DIGITS or _is_letter(self.t[j])):
            j += 1
        return j

    def cn_word(self, i: int) -> int:
        """The end of a word that starts with a numeral and is no figure (萬一, 千萬不要, 一般, 十分重要), else 0."""
        t = self.t
        nxt = self.ch(i + 1)
        if t[i] in _FINANCIAL and not (nxt in _FINANCIAL or nxt in "萬億元圓整"):
            return i + 1  # 大陸, 參加, 隊伍: a financial numeral stands only in an amount (陸仟, 參萬, 伍佰元)
        if t[i] == "一" and self.ch(i - 1) in _NOT_ONE_AFTER:
            return i + 1  # 哪一, 同一, 唯一, 每一: no figure
        if t.startswith("萬一", i):
            return i + 2
        if t.startswith("千萬", i) and self.ch(i + 2) not in CN_NUMERAL_CHARS and not self.unit_at(i + 2, False):
            return i + 2
        if t[i] == "一" and (nxt in _ONE_WORDS or t.startswith("點點", i + 1)):
            return i + 2
        if t[i] == "十" and nxt == "分" and _is_cjk(self.ch(i + 2)) and self.ch(i + 2) not in "鐘之":
            return i + 2
        return 0

    def numeral(self, i: int) -> tuple[_Num | None, int]:
        """Read a number: arabic (1,500.5), Chinese (一千五, 十八點五), or both (1萬2000, 3.5 萬)."""
        t = self.t
        parts: list[Part] = []
        k = i
        arabic = t[i] not in CN_NUMERAL_CHARS
        integer_text = ""
        cn_units = False
        size_unit = False
        cn_digits = 0
        cn_chars = 0
        while k < self.n:
            c = t[k]
            if c == " " and parts and parts[-1][0] == "u" and parts[-1][1] >= 10_000 and self.ch(k + 1) in _ASCII_DIGITS:
                # 1 萬 2 千人: go on only when the digits are followed by a unit character.
                h = k + 1
                while h < self.n and t[h] in _ASCII_DIGITS:
                    h += 1
                if self.ch(h) in _CN_UNIT_CHARS or (self.ch(h) == " " and self.ch(h + 1) in _CN_UNIT_CHARS):
                    k += 1
                    continue
                break
            if c in _ASCII_DIGITS or (c == "." and not parts and self.ch(k + 1) in _ASCII_DIGITS):
                if parts and parts[-1][0] == "d":
                    break
                value_or_none, end, plain = self.arabic_piece(k)
                if value_or_none is None:
                    return None, end
                value = value_or_none
                if k == i and plain:
                    integer_text = t[k:end]
                parts.append(("d", value, end - k == 1))
                k = end
                if self.ch(k) == " " and self.ch(k + 1) in _CN_UNIT_CHARS:
                    k += 1
            elif c in CN_NUMERAL_CHARS:
                if parts and parts[-1][0] == "d" and c in _CN_DIGITS:
                    break
                j = k
                while j < self.n and t[j] in CN_NUMERAL_CHARS:
                    j += 1
                if j - k > MAX_NUMERAL:
                    self.problem_quoted(
                        k, j,
                        "「{q}」太長了，不是一個可以讀的數字；請用阿拉伯數字寫，例如 1500。",
                        "“{q}” is too long to be a number; please write it in digits, e.g. 1500.",
                    )
                    return None, j
                # 兩萬一般: the 一 starts a word.
                trimmed = j - k >= 2 and t[j - 1] == "一" and self.ch(j) in _ONE_WORDS
                if trimmed:
                    j -= 1
                for ch in t[k:j]:
                    cn_chars += 1
                    if ch in _CN_DIGITS:
                        parts.append(("d", Decimal(DIGITS[ch]), True))
                        cn_digits += 1
                    else:
                        unit = SMALL_UNITS.get(ch) or BIG_UNITS[ch]
                        parts.append(("u", Decimal(unit), False))
                        cn_units = True
                        if unit >= 100:
                            size_unit = True
                k = j
                # 一點五, 十八點五
                if self.ch(k) in "點" and self.ch(k + 1) in _CN_DIGITS and parts:
                    f = k + 1
                    while f < self.n and f - k <= MAX_DIGITS and t[f] in _CN_DIGITS:
                        f += 1
                    if self.ch(f) not in _CN_DIGITS:
                        fraction = Decimal("0." + "".join(str(DIGITS[ch]) for ch in t[k + 1 : f]))
                        if parts[-1][0] == "d":
                            parts[-1] = ("d", parts[-1][1] + fraction, False)
                        else:
                            parts.append(("d", fraction, False))  # 十點五 = 10.5
                        k = f
                if trimmed:
                    break
            else:
                break
        if not parts:
            return None, i + 1
        end = k
        digits_only = all(p[0] == "d" for p in parts)
        digit_string = False
        pair = False
        if digits_only and len(parts) > 1:
            # Chinese digits one by one: 一一四 (a year) or 兩三 (two or three).
            digit_string = True
            values = [int(p[1]) for p in parts]
            pair = len(values) == 2 and values[1] == values[0] + 1
            value = Decimal("".join(str(v) for v in values)) if len(values) <= MAX_DIGITS else Decimal(-1)
        else:
            try:
                value = combine(parts, t[i:end])
            except NumberError:
                if self.unit_after(end):
                    self.problem_quoted(
                        i, self.unit_after(end),
                        "「{q}」的數字看不懂；請用阿拉伯數字寫，例如 1500。",
                        "The number in “{q}” cannot be read; please write it in digits, e.g. 1500.",
                    )
                    return None, self.unit_after(end)
                return None, end
        if value < 0 or value > MAX_VALUE:
            self.problem_quoted(
                i, end,
                "「{q}」太大了，不是一個可以讀的數字；請再確認。",
                "“{q}” is too large to be a figure here; please check it.",
            )
            return None, end
        base, mult = value, _ONE
        if len(parts) >= 2 and parts[-1][0] == "u" and parts[-1][1] >= 1000 and parts[-2][0] == "d":
            mult = parts[-1][1]
            base = value / mult
        return (
            _Num(
                start=i, end=end, value=value, arabic=arabic, integer_text=integer_text, base=base, mult=mult,
                size_unit=size_unit, cn_units=cn_units,
                single_cn_digit=cn_chars == 1 and cn_digits == 1 and len(parts) == 1,
                digit_string=digit_string, approximate_pair=pair,
            ),
            end,
        )

    def figure_end(self, k: int) -> int:
        """The end of the run of digits, points and commas at k (what a malformed figure spans)."""
        j = k
        while j < self.n and (self.t[j] in _ASCII_DIGITS or (self.t[j] in ".,/" and self.ch(j + 1) in _ASCII_DIGITS)):
            j += 1
        return j

    def arabic_piece(self, p: int) -> tuple[Decimal | None, int, bool]:
        """An arabic number at p: (value, end, plain integer); (None, where to go on) after recording a problem."""
        t = self.t
        j = p
        while j < self.n and t[j] in _ASCII_DIGITS:
            j += 1
        whole = t[p:j] or "0"
        k = j
        if len(whole.lstrip("0")) > MAX_DIGITS:
            return None, self.report(p, self.figure_end(j), "long"), False
        plain = True
        # Commas: 1,500 and 12,345,678 separate thousands; 9,5 and 1,5000 do not.
        if self.ch(k) == "," and self.ch(k + 1) in _ASCII_DIGITS:
            groups: list[int] = []
            g = k
            while self.ch(g) == "," and self.ch(g + 1) in _ASCII_DIGITS:
                h = g + 1
                while h < self.n and t[h] in _ASCII_DIGITS:
                    h += 1
                groups.append(h - g - 1)
                g = h
            if 1 <= j - p <= 3 and all(size == 3 for size in groups):
                whole = t[p:g].replace(",", "")
                k = g
                plain = False
                if len(whole.lstrip("0")) > MAX_DIGITS:
                    return None, self.report(p, self.figure_end(g), "long"), False
            else:
                end = self.figure_end(g)
                kind = "comma" if len(groups) == 1 and t.find(".", p, end) < 0 else "commas"
                return None, self.report(p, end, kind), False
        elif self.ch(k) == "，" and all(self.ch(k + d) in _ASCII_DIGITS for d in (1, 2, 3)) and 1 <= j - p <= 3:
            # Typed in full-width mode (３，０００): thousands. Half-width digits around a full-width comma: ask.
            g = k
            while self.ch(g) == "，" and all(self.ch(g + d) in _ASCII_DIGITS for d in (1, 2, 3)):
                g += 4
            wide = all("\uff10" <= self.text[self.where[x]] <= "\uff19" for x in range(p, g) if self.t[x] != "，")
            if self.ch(g) in _ASCII_DIGITS or not wide:
                return None, self.report(p, self.figure_end(g) if self.ch(g) in _ASCII_DIGITS else g, "wide_comma"), False
            whole = t[p:g].replace("，", "")
            k = g
            plain = False
        frac = ""
        if self.ch(k) == "." and self.ch(k + 1) in _ASCII_DIGITS:
            f = k + 1
            while f < self.n and t[f] in _ASCII_DIGITS:
                f += 1
            if self.ch(f) == "." and self.ch(f + 1) in _ASCII_DIGITS:
                return None, self.report(p, self.figure_end(f), "points"), False
            if f - k - 1 > MAX_DIGITS:
                return None, self.report(p, f, "long"), False
            frac = t[k:f]
            k = f
            plain = False
        return Decimal(whole + frac), k, plain and p < j

    def report(self, a: int, b: int, what: str) -> int:
        """A malformed arabic figure from a to b; the problem takes in the unit after it. Return its end."""
        end = self.unit_after(b) or b
        raw = self.orig(a, end)
        q = _quote(raw)
        figure = self.orig(a, b)
        rest = self.orig(b, end)
        if what == "comma":
            fixed = _quote(figure.replace(",", ".") + rest)
            zh = f"「{q}」是 {fixed}嗎？請用小數點寫。"
            en = f"Did you mean {fixed} for “{q}”? Please write decimals with a point."
        elif what == "commas":
            zh = f"「{q}」的逗號位置不對，看不出是多少；千分位請每三位一個逗號（1,500），小數請用小數點（9.5）。"
            en = f"The commas in “{q}” do not separate thousands; write 1,500 for thousands and 9.5 for decimals."
        elif what == "wide_comma":
            digits = figure.replace("，", "")
            zh = f"「{q}」是 {digits} 還是兩個數字？千分位請用半形逗號（1,500）或不加逗號。"
            en = f"Is “{q}” {digits} or two numbers? Write thousands as 1,500 or 1500."
        elif what == "points":
            zh = f"「{q}」有不只一個小數點，不是一個數字；請只用一個小數點，日期請寫成 114.03.01。"
            en = f"“{q}” has more than one point, so it is not a number; use one decimal point (dates: 114.03.01)."
        else:
            zh = f"「{q}」的位數太多（超過 {MAX_DIGITS} 位），不是可以讀的數字；請再確認。"
            en = f"“{q}” has too many digits (more than {MAX_DIGITS}) to be a figure; please check it."
        self.problem(a, end, zh, en)
        return end

    # -- special shapes: dates, terms, times of day -----------------------------------------------------------------

    def numeric_shape(self, i: int) -> int | None:
        t = self.t
        if self.ch(i - 1) in _ASCII_DIGITS:
            return None
        m = _NUM_DATE.match(t, i)
        if m:
            y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4))
            start = self.roc_prefix(i)
            if len(m.group(1)) == 4:
                return self.add_date(start, m.end(), y, mo, d)
            if len(m.group(1)) >= 2 and (y >= 30 or start < i):
                return self.add_date(start, m.end(), y + ROC_OFFSET, mo, d)
        m = _NUM_TERM.match(t, i)
        if m and not self.unit_after(m.end()):
            self.add_term(i, m.end(), int(m.group(1)), int(m.group(2)))
            return m.end()
        m = _TIME.match(t, i)
        if m and int(m.group(1)) <= 24 and int(m.group(2)) < 60:
            return m.end()  # a time of day is no quantity
        m = _EN_DATE_DM.match(t, i)
        if m and not _is_letter(self.ch(m.end(2))):
            word = m.group(2)
            month = _EN_MONTHS.get(word)
            if month and (word != "may" or self.text[self.where[m.start(2)]] == "M"):
                year = int(m.group(3)) if m.group(3) else None
                return self.add_date(i, m.end(), year, month, int(m.group(1)))
        if t[i] in "12" and self.ch(i + 1) in "sn":
            done = self.english_term(i)
            if done:
                return done
        j = i
        while j < self.n and t[j] in _ASCII_DIGITS:
            j += 1
        if t.startswith(("st", "nd", "rd", "th"), j) and not _is_letter(self.ch(j + 2)):
            return j + 2  # 1st, 2nd: an ordinal is no quantity
        return None

    def roc_prefix(self, i: int) -> int:
        """Where 民國 / 中華民國 before i starts, or i."""
        q = self.back_spaces(i, 1)
        for prefix in ("中華民國", "民國", "roc"):
            if self.t.startswith(prefix, q - len(prefix)) and q - len(prefix) >= 0:
                return q - len(prefix)
        return i

    def add_date(self, start: int, end: int, year: int | None, month: int | None, day: int | None) -> int:
        if year is not None and not 1912 <= year <= 2200:
            self.problem_quoted(
                start, end,
                "「{q}」的年份看起來不對；請寫成民國 114.03.01 或西元 2025-03-01。",
                "The year in “{q}” does not look right; write ROC 114.03.01 or ISO 2025-03-01.",
            )
            return end
        ok = True
        if month is not None and not 1 <= month <= 12:
            ok = False
        elif month is not None and day is not None:
            ok = _valid_date(year if year is not None else 2000, month, day)
        if not ok:
            self.problem_quoted(
                start, end,
                "「{q}」不是有效的日期；請再確認年、月、日。",
                "“{q}” is not a real calendar date; please check the year, month and day.",
            )
            return end
        value = Decimal((year or 0) * 10000 + (month or 0) * 100 + (day or 0))
        self.items.append(
            _Item(start, end, value, "date", "date", value, _ONE, year=year, month=month, day=day, num_end=end)
        )
        return end

    def add_term(self, start: int, end: int, roc_year: int, term: int) -> None:
        value = Decimal(roc_year * 10 + term)
        self.items.append(_Item(start, end, value, "term", "term", value, _ONE, term=(roc_year, term), num_end=end))

    def year_of(self, num: _Num) -> int | None:
        """A calendar year (Gregorian) from the number before 年, or None."""
        if num.value != num.value.to_integral_value() or num.mult != 1:
            return None
        y = int(num.value)
        if num.digit_string or y >= 1000:
            return y if y >= 1000 else y + ROC_OFFSET
        return y + ROC_OFFSET

    def small_number(self, k: int, limit: int = 3) -> tuple[int, int] | None:
        """A small whole number at k (arabic or Chinese, up to `limit` characters): (value, end)."""
        t = self.t
        j = k
        if self.ch(k) in _ASCII_DIGITS:
            while j < self.n and j - k < limit and t[j] in _ASCII_DIGITS:
                j += 1
            if self.ch(j) in _ASCII_DIGITS:
                return None
            return int(t[k:j]), j
        while j < self.n and j - k < limit and t[j] in CN_NUMERAL_CHARS:
            j += 1
        if j == k or self.ch(j) in CN_NUMERAL_CHARS:
            return None
        word = t[k:j]
        try:
            if all(c in _CN_DIGITS for c in word):
                return int("".join(str(DIGITS[c]) for c in word)), j
            return int(combine([("d", Decimal(DIGITS[c]), True) if c in _CN_DIGITS else ("u", Decimal(SMALL_UNITS.get(c) or BIG_UNITS[c]), False) for c in word], word)), j
        except (NumberError, KeyError):
            return None

    def date_after_year(self, num: _Num, f: int) -> int | None:
        """114年3月1日, 2025 年 3 月, 114年: t[f] is 年. None when this is no date (3 年 is a length)."""
        t = self.t
        start = self.roc_prefix(num.start)
        g = self.skip_spaces(f + 1, 1)
        month = self.small_number(g, 2)
        if month is not None:
            h = self.skip_spaces(month[1], 1)
            if self.ch(h) == "月":
                day_at = self.skip_spaces(h + 1, 1)
                day = self.small_number(day_at, 3)
                if day is not None:
                    e = self.skip_spaces(day[1], 1)
                    if self.ch(e) in "日號":
                        year = self.year_of(num)
                        if year is None:
                            return None
                        return self.add_date(start, e + 1, year, month[0], day[0])
                year = self.year_of(num)
                if year is None:
                    return None
                end = h + 2 if t.startswith("份", h + 1) else h + 1
                return self.add_date(start, end, year, month[0], None)
        if (num.value >= 100 or start < num.start or num.digit_string) and num.mult == 1:
            year = self.year_of(num)
            if year is None:
                return None
            if t.startswith("度", f + 1):
                return f + 2  # 114年度: a fiscal year, no date
            return self.add_date(start, f + 1, year, None, None)
        return None

    def date_after_month(self, num: _Num, f: int) -> int | None:
        """3月1日, 三月一號: t[f] is 月. A month named with 份 (3 月份, 三月份: the month of March) is a date with its
        month only; a month alone (3 月) is skipped: no quantity."""
        if num.value != num.value.to_integral_value() or not 1 <= num.value <= 12 or num.mult != 1:
            return None
        day_at = self.skip_spaces(f + 1, 1)
        day = self.small_number(day_at, 3)
        if day is not None:
            e = self.skip_spaces(day[1], 1)
            if self.ch(e) in "日號":
                return self.add_date(num.start, e + 1, None, int(num.value), day[0])
        if self.ch(f + 1) == "份":
            return self.add_date(num.start, f + 2, None, int(num.value), None)
        return f + 1

    def term_after(self, num: _Num, f: int) -> int | None:
        """116 學年度第 1 學期, 116學年度上學期: t[f:] starts with 學年."""
        t = self.t
        g = f + 2
        degree = t.startswith("度", g)
        if degree:
            g += 1
        if num.value != num.value.to_integral_value():
            return None
        year = int(num.value)
        h = self.skip_spaces(g, 2)
        term = 0
        end = h
        if t.startswith("上學期", h) or t.startswith("上半學期", h):
            term, end = 1, h + (3 if t.startswith("上學期", h) else 4)
        elif t.startswith("下學期", h) or t.startswith("下半學期", h):
            term, end = 2, h + (3 if t.startswith("下學期", h) else 4)
        else:
            k = h
            if self.ch(k) == "第":
                k = self.skip_spaces(k + 1, 1)
            n = self.small_number(k, 2)
            if n is not None:
                e = self.skip_spaces(n[1], 1)
                if t.startswith("學期", e) and n[0] in (1, 2):
                    term, end = n[0], e + 2
        start = self.roc_prefix(num.start)
        if term and (start < num.start or 1 <= year <= 300):
            self.add_term(start, end, year, term)
            return end
        if len(num.integer_text) == 4 and 1912 <= year <= 2200 and start == num.start:
            # 2026 學年度 (第 1 學期): a Gregorian academic year is ROC year - 1911; alone, the year it starts in.
            if term:
                self.add_term(start, end, year - ROC_OFFSET, term)
                return end
            if degree:
                return self.add_date(start, g, year, None, None)
        if degree or year >= 100:
            return g  # 116 學年度: a whole academic year, no figure
        return None

    # -- after a number: its unit ----------------------------------------------------------------------------------

    def after(self, num: _Num) -> int:
        t = self.t
        s, e = num.start, num.end
        q = self.back_spaces(s)
        before = self.ch(q - 1)
        if before == "第" and not num.digit_string:
            return self.ordinal(num)
        # Malformed tails.
        if self.ch(e) in _SUPERSCRIPTS:
            j = e
            while j < self.n and t[j] in _SUPERSCRIPTS:
                j += 1
            end = self.unit_after(j) or j
            self.problem_quoted(
                s, end,
                "「{q}」有上標數字，看不出是幾；請寫成一般數字。",
                "“{q}” has superscript digits; please write the number plainly.",
            )
            return end
        if num.arabic and self.ch(e) == "e" and (
            self.ch(e + 1) in _ASCII_DIGITS or (self.ch(e + 1) in "+-" and self.ch(e + 2) in _ASCII_DIGITS)
        ):
            j = e + 2
            while j < self.n and t[j] in _ASCII_DIGITS:
                j += 1
            end = self.unit_after(j) or j
            self.problem_quoted(
                s, end,
                "「{q}」是科學記號；請寫成一般數字，例如 100000。",
                "“{q}” is in scientific notation; please write the number plainly, e.g. 100000.",
            )
            return end
        if self.ch(e) in _VULGAR:
            end = self.unit_after(e + 1) or e + 1
            self.fraction_problem(s, end)  # 1½: ask for a decimal
            return end
        if self.ch(e) == "幾" or (num.approximate_pair and self.unit_after(e)):
            j = e + 1 if self.ch(e) == "幾" else e
            end = self.unit_after(j) or j
            self.problem_quoted(
                s, end,
                "「{q}」不是確切的數字；請給一個確切的數字。",
                "“{q}” is not an exact figure; please give the exact number.",
            )
            return end
        if num.arabic and self.ch(e) == "/" and self.ch(e + 1) in _ASCII_DIGITS:
            return self.slash(num)
        f = self.skip_spaces(e, 1)
        if t.startswith("年級", f):
            return f + 2  # 4 年級: a grade, no quantity
        if self.ch(f) in "日號" and num.integer_text and 1 <= num.value <= 31:
            return self.day_after_range(num, f)
        if t.startswith("分之", f):
            return self.fraction(num, f + 2)
        if self.ch(f) == "年" and self.ch(f + 1) not in _GUARDS["年"].replace("度", ""):
            done = self.date_after_year(num, f)
            if done is not None:
                return done
        if t.startswith("學年", f):
            done = self.term_after(num, f)
            if done is not None:
                return done
        if self.ch(f) == "月":
            done = self.date_after_month(num, f)
            if done is not None:
                return done
        return self.measure(num)

    def day_after_range(self, num: _Num, f: int) -> int:
        """4月25日到26日: a day alone right after a date and a connector is a date in the same month; else nothing."""
        previous = self.items[-1] if self.items else None
        if previous is not None and previous.kind == "date" and previous.month is not None and previous.day is not None:
            gap = self.t[previous.end : num.start].strip() if 0 <= num.start - previous.end <= 4 else "?"
            if gap in _CONNECTORS or gap in _DAY_JOINERS:
                return self.add_date(num.start, f + 1, previous.year, previous.month, int(num.value))
        return f + 1

    def ordinal(self, num: _Num) -> int:
        """第 3 週, 第一名: an ordinal is no quantity; step over its unit."""
        found = self.unit_after(num.end)
        return found or num.end

    def measure(self, num: _Num) -> int:
        """The unit after a number: multipliers, 個/多/半, the measure word, then 半, 多, 左右."""
        t = self.t
        s = num.start
        value = num.value
        base, mult = num.base, num.mult
        k = num.end
        money_mult = num.size_unit
        # English multipliers: 20k, 3.5M, 2 million.
        g = self.skip_spaces(k, 1)
        if _is_letter(self.ch(g)) and num.arabic:
            word, w_end = self.word_at(g)
            factor = _EN_MULTIPLIERS.get(word)
            if word == "m" and self.text[self.where[g]] == "M":
                factor = Decimal(10) ** 6
            if factor is not None:
                value, base, mult = value * factor, value, factor
                money_mult = True
                k = w_end
                if value > MAX_VALUE:
                    self.problem_quoted(
                        s, k,
                        "「{q}」太大了，不是一個可以讀的數字；請再確認。",
                        "“{q}” is too large to be a figure here; please check it.",
                    )
                    return k
        approximate = self.approximate_before(s)
        prefix_start = self.money_prefix(s)
        # 個, 多, 餘, 來, 半 between the number and the unit.
        j = self.skip_spaces(k, 3)
        had_ge = False
        half = False
        for _ in range(3):
            c = self.ch(j)
            if c == "個":
                had_ge = True
            elif c in "多餘來" and not t.startswith("多少", j) and not t.startswith("來源", j):
                if c == "來" and not self.unit_at(j + 1, had_ge):
                    break
                approximate = True
            elif c == "半" and value == value.to_integral_value() and self.unit_at(j + 1, had_ge):
                half = True
            else:
                break
            j = self.skip_spaces(j + 1, 2)
        found = self.unit_at(j, had_ge)
        if found is None and had_ge:
            found = (_count("item"), self.back_to_ge(k, j))
        if found is None and _is_letter(self.ch(j)) and num.arabic:
            found = self.english_unit_ahead(j, 2)  # 45 online learning hours
        if (
            found is not None and prefix_start < s and found[0][0] != "money" and found[0][1] != "m?"
            and not (t.startswith("nt", prefix_start) and self.ch(prefix_start + 2) not in "$d")
        ):
            found = None  # NT$5,000 student fee, NTD 30,000 students: the currency makes it money; the noun is what it pays
        if found is not None:
            entry, end = found
            kind, unit, factor = entry
            # 十分重要: 十分 is "very".
            if unit == "point" and not num.arabic and num.value == 10 and _is_cjk(self.ch(end)):
                return end
            if unit == "percent" and factor == 10 and self.ch(end) in _CN_DIGITS and DIGITS[self.ch(end)] != 0:
                # 六成五 = 65%
                value = value * 10 + DIGITS[self.ch(end)]
                end += 1
                factor = _ONE
            if half:
                value += Decimal("0.5")
            if self.ch(end) == "半" and value == value.to_integral_value() and kind in ("duration", "count"):
                value += Decimal("0.5")
                end += 1
            if self.ch(end) == "多" and self.ch(end + 1) != "少":
                approximate = True
                end += 1
            a = self.skip_spaces(end, 1)
            for word in _APPROX_AFTER:
                if t.startswith(word, a):
                    approximate = True
            item = _Item(
                start=prefix_start if kind == "money" else s, end=end, value=value * factor, kind=kind, unit=unit,
                base=base, mult=mult, approximate=approximate, num_end=num.end,
                prefix_money=prefix_start < s,
            )
            self.sign(item, s)
            self.items.append(item)
            return end
        # No measure word: a year after "in" or "year" (in 2026, the year 2026), money, or a bare number.
        if (
            len(num.integer_text) == 4 and num.end == k and 1912 <= value <= 2200
            and self.word_before(self.back_spaces(s, 1)) in ("in", "year")
        ):
            return self.add_date(s, k, int(value), None, None)
        kind = ""
        context = num.value > 0 and not num.single_cn_digit and not num.digit_string
        if prefix_start < s or (context and self.money_context(s)):
            kind = "money"
        elif money_mult and num.value > 0 and not self.people_context(s):
            kind = "money"
        a = self.skip_spaces(k, 1)
        for word in _APPROX_AFTER:
            if t.startswith(word, a):
                approximate = True
        emit = num.arabic or (num.cn_units and num.end - num.start >= 2)
        if num.digit_string and not num.arabic:
            emit = False
        label = not kind and (
            self.ch(self.back_spaces(s, 1) - 1) in _LABELS or self.word_before(self.back_spaces(s, 1)) in _EN_LABELS
        )
        if label:
            emit = False
        item = _Item(
            start=prefix_start if kind else s, end=k, value=value, kind=kind, unit="TWD" if kind else "",
            base=base, mult=mult, approximate=approximate, emit_bare=emit, prefix_money=prefix_start < s,
            num_end=num.end, label=label,
        )
        self.sign(item, s)
        self.items.append(item)
        return k

    def back_to_ge(self, k: int, j: int) -> int:
        """After 3 個 with no known unit: the item count ends after 個."""
        g = j
        while g > k and self.t[g - 1] != "個":
            g -= 1
        return g

    def sign(self, item: _Item, s: int) -> None:
        """Note a '-' or 負 before the number (the last pass decides: a range's dash, or a negative number)."""
        q = self.back_spaces(s, 1)
        c = self.ch(q - 1)
        if c in "-−":
            item.minus = q - 1
        elif c == "負":
            item.negative = True
            item.minus = q - 1

    def approximate_before(self, s: int) -> bool:
        q = self.back_spaces(s, 1)
        for word in _APPROX_BEFORE:
            if q - len(word) >= 0 and self.t.startswith(word, q - len(word)):
                return True
        return False

    def money_prefix(self, s: int) -> int:
        """Where NT$, $, NTD, 新臺幣 before s start, or s."""
        q = self.back_spaces(s, 1)
        for prefix in _MONEY_PREFIXES:
            p = q - len(prefix)
            if p >= 0 and self.t.startswith(prefix, p) and not (prefix[0].isalpha() and _is_letter(self.ch(p - 1))):
                return p
        return s

    def money_context(self, s: int) -> bool:
        window = self.t[max(0, s - 8) : s]
        return any(w in window for w in _MONEY_WORDS)

    def people_context(self, s: int) -> bool:
        window = self.t[max(0, s - 8) : s]
        return any(w in window for w in _PEOPLE_WORDS)

    def unit_at(self, k: int, had_ge: bool) -> tuple[Entry, int] | None:
        """The measure word starting at k: (entry, end)."""
        t = self.t
        c = self.ch(k)
        if c == "\0":
            return None
        if c == "%":
            return _PERCENT, k + 1
        if c == "-" and _is_letter(self.ch(k + 1)):
            # "a 5-week course", "a 90-minute lecture": a unit joined to its figure by a hyphen
            word, end = self.word_at(k + 1)
            entry = _EN_UNITS.get(word)
            return (entry, end) if entry is not None and entry[1] != "person" else None
        if _is_letter(c):
            word, end = self.word_at(k)
            if word == "academic":
                g = self.skip_spaces(end, 1)
                second, e2 = self.word_at(g)
                if second in ("year", "years"):
                    return _count("academic_year"), e2
                return None
            if word == "hourly":
                g = self.skip_spaces(end, 1)
                second, e2 = self.word_at(g)
                return (_HOUR, e2) if second in ("fee", "fees") else None  # 100 hourly fees: 100 鐘點
            if word == "per":
                g = self.skip_spaces(end, 1)
                second, e2 = self.word_at(g)
                return (_PERCENT, e2) if second == "cent" else None
            entry = _EN_UNITS.get(word)
            if entry is not None and entry[1] in ("person", "course", "unit_video"):
                # "90 TA hours", "3 student weeks", "54 class hours", "10 video hours": a word that qualifies the unit
                # after it (a course or a video, only a duration)
                g = self.skip_spaces(end, 1)
                second, e2 = self.word_at(g)
                following = _EN_UNITS.get(second) if second else None
                if following is not None and following[1] != "person" and (entry[1] == "person" or following in (_HOUR, _MINUTE)):
                    return following, e2
            return (entry, end) if entry else None
        for length in range(min(_MAX_UNIT, self.n - k), 0, -1):
            word = t[k : k + length]
            entry = _CJK_UNITS.get(word)
            if entry is None:
                continue
            if self.ch(k + length) in _GUARDS.get(word, ""):
                continue
            if word in ("月", "日") and not had_ge:
                continue
            if word == "成" and had_ge:
                continue
            return entry, k + length
        return None

    def unit_after(self, k: int) -> int:
        """The end of the measure word after k (with 個 between), or 0."""
        found = self.unit_entry_after(k)
        return found[1] if found else 0

    def unit_entry_after(self, k: int) -> tuple[Entry, int] | None:
        """The measure word after k (with 個 between): (entry, end); 個 alone is an item."""
        j = self.skip_spaces(k, 2)
        had_ge = False
        if self.ch(j) == "個":
            had_ge = True
            j += 1
        found = self.unit_at(j, had_ge)
        if found:
            return found
        return (_count("item"), j) if had_ge else None

    # -- fractions -----------------------------------------------------------------------------------------------

    def fraction_problem(self, a: int, b: int, value: Decimal | None = None, rest: str = "") -> None:
        q = _quote(self.orig(a, b))
        if value is not None:
            shown = _fmt(value)
            unit = rest.strip()
            spaced = f" {unit}" if unit else ""
            zh = f"「{q}」是 {shown}{spaced}嗎？請寫成小數，例如 {shown}。"
            en = f"Did you mean {shown}{spaced} for “{q}”? Please write it as a decimal, e.g. {shown}."
        else:
            zh = f"「{q}」是分數；請寫成小數，或換一個單位（例如分鐘）。"
            en = f"“{q}” is a fraction; please write it as a decimal or in a smaller unit (e.g. minutes)."
        self.problem(a, b, zh, en)

    def slash(self, num: _Num) -> int:
        """1/2 小時 (a fraction: ask), 3/15 (a month and day), 1/2 alone (ask which)."""
        t = self.t
        s, e = num.start, num.end
        j = e + 1
        while j < self.n and t[j] in _ASCII_DIGITS:
            j += 1
        if self.ch(j) == "/" or (self.ch(j) in ".," and self.ch(j + 1) in _ASCII_DIGITS):
            end = self.figure_end(j)
            self.problem_quoted(
                s, end,
                "「{q}」看不出是日期還是數字；日期請寫成 114.03.01 或 2025-03-01。",
                "“{q}” is neither a clear date nor a number; write dates as 114.03.01 or 2025-03-01.",
            )
            return end
        numerator = num.value
        denominator = t[e + 1 : j]
        unit_end = self.unit_after(j)
        if len(denominator) > MAX_DIGITS or numerator != numerator.to_integral_value():
            self.fraction_problem(s, unit_end or j)
            return unit_end or j
        a, b = int(numerator), int(denominator)
        if unit_end or b == 0:
            rest = self.orig(j, unit_end) if unit_end else ""
            self.fraction_problem(s, unit_end or j, _terminating(a, b) if b else None, rest)
            return unit_end or j
        if 1 <= a <= 12 and 1 <= b <= 31 and _valid_date(2000, a, b):
            if a < b <= 10:
                q = _quote(self.orig(s, j))
                half = _terminating(a, b)
                shown = f"，分數寫成 {_fmt(half)}" if half is not None else ""
                shown_en = f", a fraction as {_fmt(half)}" if half is not None else ""
                self.problem(
                    s, j,
                    f"「{q}」是 {a} 月 {b} 日，還是分數？日期請寫成 {a}月{b}日{shown}。",
                    f"Is “{q}” a date ({a} month {b} day) or a fraction? Write the date as {a}月{b}日{shown_en}.",
                )
                return j
            return self.add_date(s, j, None, a, b)
        return j

    def fraction(self, num: _Num, k: int) -> int:
        """百分之六十, 三分之一, 千分之五: the denominator is `num`, the numerator starts at k."""
        t = self.t
        s = num.start
        den = num.value
        g = self.skip_spaces(k, 1)
        if self.ch(g) == "幾":
            if den == 100:
                self.asked.append(("percent", s, g + 1))
            return g + 1
        if not (self.ch(g) in _ASCII_DIGITS or self.ch(g) in CN_NUMERAL_CHARS):
            return g
        if self.ch(g) in _ASCII_DIGITS:
            top_value, end, _ = self.arabic_piece(g)
            if top_value is None:
                return end
            value = top_value
        else:
            top, end = self.numeral(g)
            if top is None:
                return end
            value = top.value
        if den == 0:
            self.problem_quoted(
                s, end, "「{q}」的分母是 0，不是一個數字。", "“{q}” divides by zero, so it is no number."
            )
            return end
        approximate = self.approximate_before(s)
        if den in (100, 1000) and num.mult == 1:
            percent = value if den == 100 else value / 10
            item = _Item(s, end, percent, "percent", "percent", percent, _ONE, approximate=approximate, num_end=end)
            self.sign(item, s)
            self.items.append(item)
            return end
        ratio, exact = _divide(value, den)
        found = self.unit_entry_after(end)
        if found is not None and found[0][0] in ("duration", "count", "money"):
            (kind, unit, factor), u_end = found
            if not exact or unit == "m?":
                self.fraction_problem(s, u_end, None)
                return u_end
            item = _Item(s, u_end, ratio * factor, kind, unit, ratio, _ONE, approximate=approximate, num_end=end)
        else:
            item = _Item(s, end, ratio, "", "", ratio, _ONE, approximate=approximate, exact=exact, num_end=end)
        self.sign(item, s)
        self.items.append(item)
        return item.end

    # -- 半小時 --------------------------------------------------------------------------------------------------

    def half(self, i: int) -> int:
        """半小時, 半個月, 半年: half of one unit of time."""
        prev = self.ch(i - 1)
        if prev in CN_NUMERAL_CHARS or prev in _ASCII_DIGITS:
            return i + 1
        j = i + 1
        had_ge = False
        if self.ch(j) == "個":
            had_ge = True
            j += 1
        found = self.unit_at(j, had_ge)
        if found is None:
            return i + 1
        entry, end = found
        kind, unit, _ = entry
        if kind not in ("duration", "count") or unit in ("person", "item", "course", "school", "series", "time", "unit_video", "credit", "multiple"):
            return end
        half = Decimal("0.5")
        self.items.append(_Item(i, end, half, kind, unit, half, _ONE, num_end=i + 1))
        return end

    # -- questions: 幾週, 多少錢, 哪天 ---------------------------------------------------------------------------------

    def ask_unit(self, kind: str, unit: str) -> str:
        if kind == "duration" and unit == "minute":
            return "hour"
        return unit

    def ask_cjk(self, i: int) -> int:
        t = self.t
        for phrase in _TERM_ASKS:
            if t.startswith(phrase, i):
                self.asked.append(("term", i, i + len(phrase)))
                return i + len(phrase)
        for phrase in _DATE_ASKS:
            if t.startswith(phrase, i):
                self.asked.append(("date", i, i + len(phrase)))
                return i + len(phrase)
        for phrase in _DURATION_ASKS:
            if t.startswith(phrase, i):
                self.asked.append(("duration", i, i + len(phrase)))
                return i + len(phrase)
        c = t[i]
        if c == "幾":
            before = self.ch(i - 1)
            if (before in CN_NUMERAL_CHARS and before not in _FINANCIAL) or before in _ASCII_DIGITS or before == "好":
                return i + 1  # 十幾人, 3幾; 好幾門 is "several courses", no question
            j = i + 1
            if self.ch(j) in _CN_UNIT_CHARS:
                # 幾十人, 幾萬人: asks for a number of people (no figure is given).
                while j < self.n and j - i < 4 and t[j] in _CN_UNIT_CHARS:
                    j += 1
            return self.ask_after(i, j)
        if t.startswith("多少", i):
            return self.ask_after(i, i + 2, money_default=True)
        return i + 1

    def ask_after(self, i: int, j: int, money_default: bool = False) -> int:
        t = self.t
        g = self.skip_spaces(j, 1)
        if t.startswith("錢", g):
            self.asked.append(("TWD", i, g + 1))
            return g + 1
        if t.startswith("百分比", g) or t.startswith("比例", g):
            end = g + (3 if t.startswith("百分比", g) else 2)
            self.asked.append(("percent", i, end))
            return end
        had_ge = self.ch(g) == "個"
        found = self.unit_at(g + 1 if had_ge else g, had_ge)
        if found is not None:
            (kind, unit, _), end = found
            self.asked.append((self.ask_unit(kind, unit), i, end))
            return end
        if had_ge:
            self.asked.append(("item", i, g + 1))
            return g + 1
        if money_default and self.money_context(i):
            self.asked.append(("TWD", i, j))
        return j

    # -- English -------------------------------------------------------------------------------------------------

    def english(self, i: int) -> int:
        t = self.t
        word, end = self.word_at(i)
        if not word:
            j = i
            while j < self.n and _is_letter(t[j]):
                j += 1
            return j
        if word in ("how", "when", "which", "what"):
            return self.english_ask(i, word, end)
        if word in ("fall", "autumn", "spring"):
            m = _EN_SEASON.match(t, i)
            if m:
                calendar_year = int(m.group(2))
                if m.group(1) == "spring":
                    self.add_term(i, m.end(), calendar_year - ROC_OFFSET - 1, 2)
                else:
                    self.add_term(i, m.end(), calendar_year - ROC_OFFSET, 1)
                return m.end()
            return end
        if word in ("first", "second", "semester", "term"):
            return self.english_term(i) or end
        month = _EN_MONTHS.get(word)
        if month and (word != "may" or self.text[self.where[i]] == "M"):
            m = _EN_DATE_MD.match(t, i)
            if m and m.group(1) == word:
                year = int(m.group(3)) if m.group(3) else None
                return self.add_date(i, m.end(), year, month, int(m.group(2)))
            m = _EN_DATE_MY.match(t, i)
            if m and m.group(1) == word and 1912 <= int(m.group(2)) <= 2200:
                return self.add_date(i, m.end(), int(m.group(2)), month, None)  # September 2025
            return end
        if word == "half":
            g = self.skip_spaces(end, 1)
            article, a_end = self.word_at(g)
            if article in ("a", "an"):
                found = self.unit_at(self.skip_spaces(a_end, 1), False)
                if found is not None:
                    (kind, unit, _), u_end = found
                    if kind == "duration" or unit in ("week", "month", "semester", "year", "academic_year"):
                        half = Decimal("0.5")
                        self.items.append(_Item(i, u_end, half, kind, unit, half, _ONE, num_end=end))
                        return u_end
            return end
        value = _EN_NUMBERS.get(word) or _EN_TENS.get(word)
        if value is not None:
            w_end = end
            if word in _EN_TENS and self.ch(end) == "-":
                second, s_end = self.word_at(end + 1)
                ones = _EN_NUMBERS.get(second)
                if ones is not None and 1 <= ones <= 9:
                    value, w_end = value + ones, s_end
            g = self.skip_spaces(w_end, 1)
            extra = Decimal(0)
            if self.t.startswith("and a half", g):
                extra, g = Decimal("0.5"), self.skip_spaces(g + len("and a half"), 1)
            found = self.unit_at(g, False)
            if found is None and not extra and _is_letter(self.ch(g)):
                found = self.english_unit_ahead(g, 2)  # two more weeks, three MOE accepted courses
            if found is not None:
                (kind, unit, factor), u_end = found
                if unit != "m?":
                    if self.t.startswith(" and a half", u_end):
                        extra, u_end = Decimal("0.5"), u_end + len(" and a half")
                    self.items.append(
                        _Item(i, u_end, (value + extra) * factor, kind, unit, value, _ONE, num_end=w_end,
                              approximate=self.approximate_before(i))
                    )
                    return u_end
            return w_end
        return end

    def english_ask(self, i: int, word: str, end: int) -> int:
        g = self.skip_spaces(end, 1)
        second, s_end = self.word_at(g)
        if word == "when":
            self.asked.append(("date", i, end))
            return end
        if word == "how" and second == "long":
            self.asked.append(("duration", i, s_end))
            return s_end
        if word == "how" and second == "much":
            h = self.skip_spaces(s_end, 1)
            third, t_end = self.word_at(h)
            if third == "time":
                self.asked.append(("duration", i, t_end))
                return t_end
            self.asked.append(("TWD", i, s_end))
            return s_end
        if word == "how" and second == "many":
            h = self.skip_spaces(s_end, 1)
            third, t_end = self.word_at(h)
            if third in _EN_COMPARATIVES:
                h = self.skip_spaces(t_end, 1)  # how many more learners: still a number of learners
            if self.t.startswith("percent", h):
                self.asked.append(("percent", i, h + 7))
                return h + 7
            found = self.english_unit_ahead(h)
            if found is not None:
                (kind, unit, _), u_end = found
                self.asked.append((self.ask_unit(kind, unit), i, u_end))
                return u_end
            return s_end
        if word == "what":
            found = self.number_of(g)
            if found is not None:
                (kind, unit, _), u_end = found
                self.asked.append((self.ask_unit(kind, unit), i, u_end))
                return u_end
        if word in ("what", "which"):
            if second in ("date", "day"):
                self.asked.append(("date", i, s_end))
                return s_end
            if second in ("semester", "term"):
                self.asked.append(("term", i, s_end))
                return s_end
            if second in ("percentage", "percent", "proportion", "share"):
                self.asked.append(("percent", i, s_end))
                return s_end
        return end

    def number_of(self, k: int) -> tuple[Entry, int] | None:
        """After "what": "is the minimum number of online learning hours" asks for the unit named (a few words of
        this kind between)."""
        for _ in range(5):
            if self.ch(k) in "'’":
                k += 1
            word, end = self.word_at(k)
            if word == "number":
                g = self.skip_spaces(end, 1)
                of, o_end = self.word_at(g)
                return self.english_unit_ahead(self.skip_spaces(o_end, 1)) if of == "of" else None
            if word not in _NUMBER_OF_WORDS:
                return None
            k = self.skip_spaces(end, 1)
        return None

    def english_unit_ahead(self, k: int, words: int = 2) -> tuple[Entry, int] | None:
        """An English unit at k, or after up to `words` other words (1,200 online registrants, TA hours)."""
        for _ in range(words + 1):
            found = self.unit_at(k, False)
            if found is not None and found[0][1] != "m?":
                (_, unit, _), end = found
                then = self.unit_at(self.skip_spaces(end, 1), False)
                if then is not None and then[0][1] not in ("m?", "person") and unit != "credit":
                    return then  # TA hours, video hours, course weeks: the second unit is what is counted
                return found
            j = k
            while j < self.n and j - k <= 24 and (_is_letter(self.t[j]) or (self.t[j] == "-" and j > k)):
                j += 1
            word = self.t[k:j]
            if not word or j - k > 24 or word in _EN_STOP or word in _EN_NUMBERS or word in _EN_TENS:
                return None
            k = self.skip_spaces(j, 1)
        return None

    def english_term(self, i: int) -> int:
        m = _EN_ORDINAL_TERM.match(self.t, i)
        if not m:
            return 0
        ordinal = m.group(1) or m.group(2)
        term = 1 if ordinal in ("first", "1st", "1") else 2
        first, second = m.group(4), m.group(5)
        y1 = int(first)
        if second is not None:
            y2 = int(second)
            if len(first) == 4 and (y2 == y1 + 1 or (len(second) == 2 and y2 == (y1 + 1) % 100)):
                self.add_term(i, m.end(), y1 - ROC_OFFSET, term)
                return m.end()
            if len(first) <= 3 and len(second) <= 3 and y2 == y1 + 1:
                self.add_term(i, m.end(), y1, term)
                return m.end()
        elif len(first) <= 3:
            self.add_term(i, m.end(), y1, term)
            return m.end()
        q = _quote(self.orig(i, m.end()))
        if second is None and len(first) == 4:
            a, b = y1 - ROC_OFFSET, y1 - ROC_OFFSET - 1
            if term == 1:
                zh = (
                    f"「{q}」是 {a} 學年度第 1 學期（{y1} 年秋季開始），還是 {b} 學年度第 2 學期（{y1} 年春季）？"
                    "請寫成例如「116 學年度第 1 學期」。"
                )
                en = (
                    f"Is “{q}” ROC academic year {a}, term 1 (from autumn {y1}), or year {b}, term 2 (spring {y1})? "
                    "Please write e.g. “fall 2027” or “116 學年度第 1 學期”."
                )
            else:
                zh = (
                    f"「{q}」是 {a} 學年度第 2 學期（{y1 + 1} 年春季），還是 {a} 學年度第 1 學期（{y1} 年秋季）？"
                    "請寫成例如「116 學年度第 2 學期」。"
                )
                en = (
                    f"Is “{q}” ROC academic year {a}, term 2 (spring {y1 + 1}), or year {a}, term 1 (autumn {y1})? "
                    "Please write e.g. “spring 2028” or “116 學年度第 2 學期”."
                )
        else:
            zh = f"「{q}」看不出是哪個學期；請寫成例如「116 學年度第 1 學期」。"
            en = f"Which term is “{q}”? Please write e.g. “116 學年度第 1 學期” or “fall 2027”."
        self.problem(i, m.end(), zh, en)
        return m.end()

    # -- the last pass -------------------------------------------------------------------------------------------

    def result(self, truncated: bool) -> Reading:
        t = self.t
        items = sorted(self.items, key=lambda it: it.start)
        problem_ends = {p.end for p in self.problems}
        # Signs: a '-' right after another figure joins a range; anywhere else it makes a negative number.
        kept: list[_Item] = []
        for it in items:
            if it.minus >= 0:
                previous_end = kept[-1].end if kept else -10
                joined = not it.negative and any(
                    (e == previous_end or e in problem_ends) and not t[e : it.minus].strip()
                    for e in range(it.minus - 2, it.minus + 1)
                )
                if not joined:
                    q = _quote(self.orig(it.minus, it.end))
                    self.problem(
                        it.minus, it.end,
                        f"「{q}」是負數；這裡的數字不能是負的，請寫正數。",
                        f"“{q}” is negative; a figure here cannot be negative. Please write a positive number.",
                    )
                    continue
            kept.append(it)
        # Hours then minutes: 3 小時 15 分鐘, 1h30m, 3 hours and 15 minutes.
        merged: list[_Item] = []
        for it in kept:
            if merged:
                prev = merged[-1]
                gap = t[prev.end : it.start].strip() if 0 <= it.start - prev.end <= 5 else "?"
                if (
                    prev.kind == "duration" and prev.unit == "hour" and gap in _COMPOUND_GAPS
                    and (it.unit in ("minute", "m?") or it.kind == "score") and it.value < 60
                ):
                    minutes = prev.value * 60 + it.value
                    merged[-1] = _Item(
                        prev.start, it.end, minutes, "duration", "minute", minutes, _ONE,
                        approximate=prev.approximate or it.approximate, num_end=it.num_end,
                    )
                    continue
            merged.append(it)
        # Ranges: 2 至 9 週, 10 到 20 萬元, 60-70%: the bare end takes the other's unit.
        for a, b in zip(merged, merged[1:]):
            if not 0 <= b.start - a.end <= 12:
                continue
            gap = t[a.end : b.start].strip()
            if gap not in _CONNECTORS:
                continue
            if a.label and b.kind == "":
                b.label, b.emit_bare = True, False
            elif a.kind == "" and b.kind not in ("", "date", "term"):
                a.kind, a.unit = b.kind, b.unit
                if a.mult == 1 and b.mult > 1 and a.value < b.base:
                    a.value = a.value * b.mult
                a.emit_bare = True
            elif b.kind == "" and a.prefix_money:
                b.kind, b.unit = "money", "TWD"
        self.lists(merged)
        # A figure inside a problem's span is no quantity (both lists are in text order: one sweep).
        spans = sorted((p.start, p.end) for p in self.problems)
        quantities: list[Quantity] = []
        index = 0
        reach = -1  # the furthest end of the problems that start before the current item ends
        for it in merged:
            while index < len(spans) and spans[index][0] < it.end:
                reach = max(reach, spans[index][1])
                index += 1
            if reach > it.start:
                continue  # the problem reaching furthest starts before the item ends and ends after it starts
            if it.unit == "m?":
                q = _quote(self.orig(it.start, it.end))
                self.problem(
                    it.start, it.end,
                    f"「{q}」的 m 是分鐘還是百萬？請寫清楚，例如「30 分鐘」或「350 萬元」。",
                    f"Is the m in “{q}” minutes or million? Please write e.g. “30 minutes” or “NT$3.5 million”.",
                )
                continue
            if it.kind == "" and not it.emit_bare:
                continue
            quantities.append(self.quantity(it))
        out_problems: list[Problem] = []
        last_end = -1
        for p in sorted(self.problems, key=lambda p: (p.start, p.end)):
            if p.start < last_end:
                continue
            start, end = self.span(p.start, p.end)
            out_problems.append(Problem(start, end, self.text[start:end], p.zh, p.en))
            last_end = p.end
        asked = tuple(Asked(unit, *self.span(a, b)) for unit, a, b in self.asked)
        return Reading(tuple(quantities), asked, tuple(out_problems), truncated)

    def lists(self, items: list[_Item]) -> None:
        """310, 295 and 500 students; 310、295 和 500 人: bare arabic figures listed before a figure with a unit take
        that unit. A list has three figures or more, or an and/和 (or a 、 not after a heading's number) before its
        last figure; two figures with a comma alone (In 2024, 300 students) are no list. One sweep from the end."""
        t = self.t
        i = len(items) - 1
        while i > 0:
            last = items[i]
            if last.kind in ("", "date", "term"):
                i -= 1
                continue
            bare: list[_Item] = []
            gaps: list[str] = []
            j = i
            while j > 0:
                a, b = items[j - 1], items[j]
                gap = "".join(t[a.end : b.start].split()) if 0 <= b.start - a.end <= 8 else "?"
                if gap not in _LIST_GAPS:
                    break
                if a.kind == "" and not a.label and a.emit_bare and t[a.start] in _ASCII_DIGITS:
                    bare.append(a)
                elif (a.kind, a.unit) != (last.kind, last.unit):
                    break
                gaps.append(gap)
                j -= 1
            heading = items[j].value < 100 and self.line_start(items[j].start)  # 1、300 人: a heading's number
            listed = len(gaps) >= 2 or any(g.lstrip(",，、") in _LIST_AND for g in gaps) or (gaps == ["、"] and not heading)
            if listed:
                for a in bare:
                    a.kind, a.unit = last.kind, last.unit
                    if a.mult == 1 and last.mult > 1 and a.value < last.base:
                        a.value = a.value * last.mult
            i = j if j < i else i - 1

    def line_start(self, k: int) -> bool:
        """Whether only spaces stand between the start of the line and k."""
        j = k
        while j > 0 and self.t[j - 1] in " \t\u00a0\u3000":
            j -= 1
        return j == 0 or self.t[j - 1] in "\n\r"

    def span(self, a: int, b: int) -> tuple[int, int]:
        """The span in the input text of the folded span [a, b)."""
        start = self.where[a]
        return start, (self.where[b - 1] + 1 if b > a else start)

    def quantity(self, it: _Item) -> Quantity:
        start, end = self.span(it.start, it.end)
        raw = self.text[start:end]
        kind, unit, value = it.kind or "number", it.unit, it.value
        minutes: Decimal | None = None
        exact = it.exact
        if kind == "duration" and unit in ("hour", "minute"):
            minutes = value * 60 if unit == "hour" else value
            if unit == "minute":
                value, exact = _divide(minutes, 60)
            unit = "hour"
        when: Date | None = None
        if kind == "date" and it.year is not None and it.month is not None and it.day is not None:
            when = Date(it.year, it.month, it.day)
        return Quantity(
            value=_tidy(value), kind=kind, unit=unit, start=start, end=end, raw=raw, date=when, year=it.year,
            month=it.month, day=it.day, term=it.term, minutes=None if minutes is None else _tidy(minutes), exact=exact, approximate=it.approximate,
        )
