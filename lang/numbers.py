"""Numbers as people write them in Chinese and English: 十八, 一千二百, 兩千五, 1.2千, 200萬, NT$140,000, 2.11%.

Every function here runs in time linear in the length of its input: numerals are read by one left-to-right scan,
never by patterns that can backtrack, and a numeral longer than `MAX_NUMERAL_CHARS` characters (or with more than
`MAX_DIGITS` digits) is not a number — `parse_*` raise `NumberError` for it and `numerals_to_digits` leaves it as
written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0,
    "一": 1, "壹": 1, "弌": 1,
    "二": 2, "貳": 2, "贰": 2, "兩": 2, "两": 2, "倆": 2,
    "三": 3, "參": 3, "叁": 3, "参": 3, "叄": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陸": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"萬": 10_000, "万": 10_000, "億": 100_000_000, "亿": 100_000_000}

_CN_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)
CN_NUMERAL_CHARS = frozenset(_CN_CHARS)
_UNIT_CHARS = frozenset(SMALL_UNITS) | frozenset(BIG_UNITS)
_ASCII_DIGITS = frozenset("0123456789")
_POINTS = frozenset("點点")

MAX_SANE = Decimal(10) ** 15
MAX_DIGITS = 15  # digits in one figure, before or after the decimal point
MAX_NUMERAL_CHARS = 40  # characters in one Chinese numeral (一千二百三十四萬五千六百七十八 has 15)
_MAX_TOKEN = 64  # characters parse_number looks at; longer text is not one number


class NumberError(ValueError):
    """A string that is not a number we can read."""


# One part of a numeral: ("d", value, written as one character) or ("u", unit value, False).
Part = tuple[str, Decimal, bool]


def combine(parts: Sequence[Part], text: str = "") -> Decimal:
    """The value of a numeral given as digits-or-numbers and units, in order.

    The numbers may be arabic (1萬2000 → ("d",1),("u",10000),("d",2000)) or Chinese digits. Colloquial forms read as
    people mean them: a single digit right after a unit of 100 or more stands for the next lower place
    (一千五 = 1,500, 兩千五 = 2,500, 一萬二 = 12,000, 三百五 = 350), but not after 零 (一千零五 = 1,005).
    Raise NumberError for digits in a row (五五十), units out of order (十百, 十萬萬) and repeated units.
    """
    total = Decimal(0)  # completed groups of 萬 and 億
    section = Decimal(0)  # the current group below 萬
    number: Decimal | None = None
    single = False  # the pending number was written as one digit character
    after_unit = False  # the pending number came right after a unit (not after 零)
    last_unit = 0
    small_floor = 0  # the smallest small unit used in this section; the next must be smaller
    previous = ""  # kind of the previous part
    for kind, value, one_char in parts:
        if kind == "d":
            if number is not None:
                if number != 0:
                    raise NumberError(f"two numbers in a row in {text!r}")
                # 零 then a digit: 一千零五
                after_unit = False
            else:
                after_unit = previous == "u"
            number = value
            single = one_char
        else:
            unit = int(value)
            if unit < 10_000:
                if small_floor and unit >= small_floor:
                    raise NumberError(f"units out of order in {text!r}")
                if number is not None and number == 0:
                    raise NumberError(f"零 before a unit in {text!r}")
                section += (Decimal(1) if number is None else number) * unit
                small_floor = unit
            else:
                section += number or 0
                if section == 0:
                    if total:
                        raise NumberError(f"repeated unit in {text!r}")
                    section = Decimal(1)
                if unit == 100_000_000:
                    total = (total + section) * unit
                elif total and total % 100_000_000 == 0:
                    total += section * unit
                else:
                    if total >= unit:
                        raise NumberError(f"units out of order in {text!r}")
                    total = (total + section) * unit
                section = Decimal(0)
                small_floor = 0
            number = None
            last_unit = unit
        previous = kind
    if number is not None:
        if after_unit and single and last_unit >= 100 and 1 <= number <= 9:
            number *= last_unit // 10
        section += number
    return total + section


def _cn_parts(text: str) -> list[Part]:
    parts: list[Part] = []
    for c in text:
        if c in DIGITS:
            parts.append(("d", Decimal(DIGITS[c]), True))
        elif c in SMALL_UNITS:
            parts.append(("u", Decimal(SMALL_UNITS[c]), False))
        elif c in BIG_UNITS:
            parts.append(("u", Decimal(BIG_UNITS[c]), False))
        else:
            raise NumberError(f"not a numeral character {c!r}")
    return parts


def parse_chinese_integer(text: str) -> int:
    """Parse a Chinese numeral (一千二百, 十八, 兩萬, 兩千五, 一二〇) into an int."""
    if not text:
        raise NumberError("empty numeral")
    if len(text) > MAX_NUMERAL_CHARS:
        raise NumberError(f"numeral too long ({len(text)} characters)")
    if all(c in DIGITS for c in text):
        # Digit-by-digit form: 一二〇 = 120; a lone digit is itself.
        if len(text) > MAX_DIGITS:
            raise NumberError(f"numeral too long ({len(text)} digits)")
        return int("".join(str(DIGITS[c]) for c in text))
    return int(combine(_cn_parts(text), text))


_ARABIC = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?")


def _arabic(s: str, text: str) -> Decimal | None:
    """The value of an arabic number with optional thousands commas and decimals, or None when `s` is not one."""
    m = _ARABIC.fullmatch(s)
    if not m or not (m.group(1) or m.group(2)):
        if "," in s and re.fullmatch(r"[\d,.]+", s):
            raise NumberError(f"a comma that does not separate thousands: {text!r}")
        return None
    whole = (m.group(1) or "0").replace(",", "")
    frac = m.group(2) or ""
    if len(whole.lstrip("0")) > MAX_DIGITS or len(frac) > MAX_DIGITS:
        raise NumberError(f"too many digits: {text!r}")
    return Decimal(whole + ("." + frac if frac else ""))


def parse_number(text: str) -> Decimal:
    """Parse one number token: 18, 1,500, 2.5, 十八, 一千二百, 兩千五, 1.2千, 200萬, 陸仟, 二分之一, 2.11%, 一點五萬."""
    s = unicodedata.normalize("NFKC", text).strip()
    if len(s) > _MAX_TOKEN:
        raise NumberError(f"too long to be a number ({len(s)} characters)")
    s = s.replace("NT$", "").replace("新臺幣", "").replace("新台幣", "").strip()
    negative = s.startswith(("-", "−", "負"))
    if negative:
        return -parse_number(s[1:])
    if re.fullmatch(r"\d+(?:\.\d+)?[eE][+-]?\d+", s):
        exponent = s.lower().split("e")[1]
        if abs(int(exponent)) > 15:
            raise NumberError(f"number out of range: {text!r}")
        raise NumberError(f"scientific notation is not accepted: {text!r}")
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    if s.startswith("百分之"):
        percent = True
        s = s[3:]
    if "分之" in s:
        den, _, num = s.partition("分之")
        denominator = parse_number(den)
        if denominator == 0:
            raise NumberError(f"zero denominator: {text!r}")
        return parse_number(num) / denominator
    if not s:
        raise NumberError("empty number")
    m = re.fullmatch(r"([\d,.]*)\s*([十拾百佰千仟萬万億亿]*)", s)
    if m and any(c.isdigit() for c in m.group(1)):
        try:
            number = _arabic(m.group(1), text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits digits only
            raise NumberError(f"not a number: {text!r}") from exc
        if number is None:
            raise NumberError(f"not a number: {text!r}")
        value = number
        for c in m.group(2):
            value *= SMALL_UNITS.get(c) or BIG_UNITS[c]
    elif any(c in _POINTS for c in s):
        whole, _, frac = s.replace("点", "點").partition("點")
        multiplier = Decimal(1)
        while frac and frac[-1] in _UNIT_CHARS:
            # 一點五萬 = 15,000
            multiplier *= SMALL_UNITS.get(frac[-1]) or BIG_UNITS[frac[-1]]
            frac = frac[:-1]
        if not frac or not all(c in DIGITS for c in frac) or len(frac) > MAX_DIGITS:
            raise NumberError(f"not a decimal numeral: {text!r}")
        value = Decimal(parse_chinese_integer(whole) if whole else 0) + Decimal(
            "0." + "".join(str(DIGITS[c]) for c in frac)
        )
        value *= multiplier
    else:
        value = Decimal(parse_chinese_integer(s))
    if percent:
        value = value / 100
    if not value.is_finite() or abs(value) > MAX_SANE:
        raise NumberError(f"number out of range: {text!r}")
    return value


# Units and counters after which a Chinese numeral is read as a number.
UNITS = (
    "個小時", "小時", "鐘頭", "分鐘", "個月", "個人", "學分", "學年", "學期", "單元", "系列", "週", "周", "星期",
    "年", "月", "天", "日", "時", "人", "位", "名", "門", "元", "塊", "次", "倍", "期", "堂", "支", "部", "段",
    "h", "hr", "hrs", "hours", "hour", "weeks", "week", "credits",
)
_UNITS_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _u in sorted(UNITS, key=len, reverse=True):
    _UNITS_BY_FIRST[_u[0]] = _UNITS_BY_FIRST.get(_u[0], ()) + (_u,)
_BIGGISH = frozenset("千仟萬万億亿")
_COUNTABLE = frozenset(DIGITS) | frozenset("十拾百佰")
_ONE = frozenset("一壹")
# Words that begin with 一 and are not a figure: 兩萬一般 is 20,000 then 一般, not 21,000.
_ONE_WORDS = frozenset("般定起樣些直下旦致切律併同向再邊面方流齊貫共")


def _unit_follows(text: str, i: int) -> bool:
    """True when a unit of UNITS starts at i, after optional spaces and one of 個, 多, 餘 (bounded look-ahead)."""
    n = len(text)
    j = i
    while j < n and j - i < 8 and text[j].isspace():
        j += 1
    if j < n and text[j] in "個多餘":
        j += 1
        k = j
        while j < n and j - k < 8 and text[j].isspace():
            j += 1
    if j >= n:
        return False
    return any(text.startswith(u, j) for u in _UNITS_BY_FIRST.get(text[j], ()))


def _is_cjk(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


def numerals_to_digits(text: str) -> str:
    """Rewrite numbers next to a unit or count as arabic digits (十八小時 → 18小時, 200萬 → 2000000).

    One left-to-right scan. Thousands commas go (1,500 → 1500); an arabic number followed by 十 百 千 萬 億 becomes
    its value (1.2千 → 1200); 百分之六十 → 60%; a run of Chinese numerals followed by a unit (UNITS) becomes digits,
    except a lone 一 (「一小時多少」 asks for a rate); an amount ending in 千 萬 億 needs no unit (兩百萬 → 2000000).
    A run longer than MAX_NUMERAL_CHARS characters, or a figure that does not parse, is left as written.
    """
    out: list[str] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c in _ASCII_DIGITS:
            i = _arabic_run(text, i, out)
        elif c in CN_NUMERAL_CHARS:
            i = _chinese_run(text, i, out)
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _arabic_run(text: str, i: int, out: list[str]) -> int:
    """Copy or convert the arabic number starting at i; return where the scan goes on."""
    n = len(text)
    j = i
    while j < n and text[j] in _ASCII_DIGITS:
        j += 1
    whole = text[i:j]
    k = j
    after_point = i > 0 and text[i - 1] == "."
    starts_run = i == 0 or text[i - 1] not in _ASCII_DIGITS
    if starts_run and not after_point and j - i <= 3:
        groups: list[int] = []
        while k + 3 < n and text[k] == "," and all(ch in _ASCII_DIGITS for ch in text[k + 1 : k + 4]):
            groups.append(k)
            k += 4
        if groups and k < n and text[k] in _ASCII_DIGITS:
            groups.pop()
            k = groups[-1] + 4 if groups else j
        if groups:
            whole = text[i:k].replace(",", "")
    # An optional decimal part, then an optional run of Chinese units: 1.2千, 200萬, 3 萬.
    m = k
    frac = ""
    if m + 1 < n and text[m] == "." and text[m + 1] in _ASCII_DIGITS:
        f = m + 1
        while f < n and text[f] in _ASCII_DIGITS:
            f += 1
        frac = text[m:f]
        m = f
    s = m
    while s < n and s - m < 8 and text[s].isspace():
        s += 1
    u = s
    while u < n and text[u] in _UNIT_CHARS:
        u += 1
    if u > s:
        if u - s <= 4 and len(whole) + len(frac) <= MAX_DIGITS + 1:
            value = Decimal(whole + frac)
            for ch in text[s:u]:
                value *= SMALL_UNITS.get(ch) or BIG_UNITS[ch]
            if value <= MAX_SANE:
                out.append(_fmt(value))
                return u
        out.append(whole + frac)
        out.append(text[m:s])
        return s
    out.append(whole)
    return k


def _chinese_run(text: str, i: int, out: list[str]) -> int:
    """Copy or convert the run of Chinese numerals starting at i; return where the scan goes on."""
    n = len(text)
    j = i
    while j < n and text[j] in CN_NUMERAL_CHARS:
        j += 1
    run = text[i:j]
    if j - i > MAX_NUMERAL_CHARS:
        # An over-long run of numerals is not a number.
        out.append(run)
        return j
    # 百分之六十 → 60%
    if run == "百" and text.startswith("分之", j):
        p = j + 2
        q = p
        while q < n and q - p <= MAX_NUMERAL_CHARS and text[q] in CN_NUMERAL_CHARS:
            q += 1
        if q > p and (q >= n or text[q] not in CN_NUMERAL_CHARS):
            try:
                out.append(_fmt(parse_number(text[p:q])) + "%")
                return q
            except NumberError:
                pass
        out.append(run)
        return j
    # An optional decimal part: 一點五, then optional units: 一點五萬.
    end = j
    if j + 1 < n and text[j] in _POINTS and text[j + 1] in DIGITS:
        f = j + 1
        while f < n and f - j <= MAX_DIGITS and text[f] in DIGITS:
            f += 1
        g = f
        while g < n and g - f < 4 and text[g] in _BIGGISH:
            g += 1
        if f - j <= MAX_DIGITS and (g >= n or text[g] not in CN_NUMERAL_CHARS):
            end = g
    numeral = text[i:end]
    if _unit_follows(text, end):
        if numeral in _ONE:
            out.append(numeral)
            return end
        out.append(_convert(numeral))
        return end
    if end > j and numeral[-1] in _BIGGISH:
        out.append(_convert(numeral))
        return end
    # An amount ending in 千, 萬 or 億 (after a digit, 十 or 百) needs no unit: 兩百萬, 三千.
    last = -1
    seen = False
    for index, ch in enumerate(run):
        if ch in _BIGGISH and seen:
            last = index
        if ch in _COUNTABLE:
            seen = True
    if last < 0:
        out.append(run)
        return j
    head, rest = run[: last + 1], run[last + 1 :]
    if len(rest) == 1 and rest in DIGITS and DIGITS[rest] != 0:
        following = text[j] if j < n else ""
        if rest not in _ONE or not (following in _ONE_WORDS or _is_cjk(following)):
            # Colloquial: 兩千五 = 2500, 一萬二 = 12000.
            head, rest = run, ""
    out.append(_convert(head))
    out.append(rest)
    return j


def _convert(numeral: str) -> str:
    try:
        return _fmt(parse_number(numeral))
    except (NumberError, ArithmeticError):
        return numeral


def _fmt(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def format_number(value: Decimal | float | int, money: bool = False) -> str:
    """Format a figure for people: 140,000 and 3,063.3; no trailing zeros."""
    d = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if d == d.to_integral_value():
        s = f"{int(d):,}"
    else:
        s = f"{d.normalize():,f}"
    return s
