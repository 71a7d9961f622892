"""Personal data in free text: phone numbers, e-mail addresses and national id numbers, masked before anything
users typed is stored (questions, comments).

`mask_personal(text)` replaces each with a placeholder — 「0912-345-678」→「[電話]」, 「a@b.tw」→「[電子郵件]」,
「A123456789」→「[身分證號]」 — and keeps every other character as typed. It reads half- and full-width forms alike
(０９１２…, ＋８８６, Ａ１２３…). Every pattern is linear: fixed-width pieces, separators of one character, and an
e-mail pattern that is tried only at an @.
"""

from __future__ import annotations

import re

PHONE = "[電話]"
EMAIL = "[電子郵件]"
NATIONAL_ID = "[身分證號]"

_D = r"[0-9０-９]"  # a digit, half- or full-width
_SEP = r"[-－‐‑–—.．\s\u3000]?"  # at most one separator between groups
_NOT_DIGIT_BEFORE = r"(?<![0-9０-９])"
_NOT_DIGIT_AFTER = r"(?![0-9０-９])"
_PLUS = r"[+＋]"
_OPEN = r"[(（]"
_CLOSE = r"[)）]"
_EXT = rf"(?:\s?(?:#|＃|ext\.?|分機|轉)\s?{_D}{{1,6}})?"

# +886 / 886 / (+886) followed by the number without its leading 0: mobiles 9xx-xxx-xxx, landlines (area code 2-8x).
_INTERNATIONAL = (
    rf"(?:{_OPEN}?{_PLUS}?{_CLOSE}?[8８][8８][6６]{_CLOSE}?{_SEP}{_OPEN}?[0０]?{_CLOSE}?{_SEP}"
    rf"(?:[9９]{_D}{{2}}{_SEP}{_D}{{3}}{_SEP}{_D}{{3}}|[2-8２-８]{_D}?{_CLOSE}?{_SEP}{_D}{{3,4}}{_SEP}{_D}{{4}}))"
)
# Mobiles: 09xx-xxx-xxx, 09xx-xxxxxx, 09xxxxxxxx.
_MOBILE = rf"(?:[0０][9９]{_D}{{2}}{_SEP}{_D}{{3}}{_SEP}{_D}{{3}})"
# Landlines: (02)2345-6789, 02-23456789, 07-1234567, 049-2345678, with an optional extension.
_LANDLINE = rf"(?:{_OPEN}[0０][1-8１-８]{_D}{{0,2}}{_CLOSE}{_SEP}{_D}{{3,4}}{_SEP}{_D}{{4}}|[0０][1-8１-８]{_D}{{0,2}}{_SEP}{_D}{{3,4}}{_SEP}{_D}{{3,4}})"

_PHONE_RE = re.compile(rf"{_NOT_DIGIT_BEFORE}(?:{_INTERNATIONAL}|{_MOBILE}|{_LANDLINE}){_EXT}{_NOT_DIGIT_AFTER}", re.IGNORECASE)

_L = r"[A-Za-zＡ-Ｚａ-ｚ]"
_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"
# National id (A123456789) and resident certificate numbers: new (A800000014, a letter and 9 digits) and old
# (AB12345678, two letters and 8 digits).
_ID_RE = re.compile(rf"{_NOT_ALNUM_BEFORE}{_L}(?:{_D}|[A-Da-dＡ-Ｄａ-ｄ]){_D}{{8}}{_NOT_ALNUM_AFTER}")

# E-mail: the local part and the domain around one @; searched from each @ outwards, so long runs of word
# characters without an @ cost one scan.
_LOCAL_TAIL = re.compile(r"[A-Za-z0-9._%+\-]{1,64}$")
_DOMAIN_HEAD = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}")
_AT = re.compile(r"[@＠]")


def _mask_emails(text: str) -> str:
    out: list[str] = []
    done = 0  # text[:done] is settled
    for at in _AT.finditer(text):
        if at.start() < done:
            continue
        local = _LOCAL_TAIL.search(text, max(done, at.start() - 64), at.start())
        domain = _DOMAIN_HEAD.match(text, at.end())
        if local is None or domain is None:
            continue
        out.append(text[done : local.start()])
        out.append(EMAIL)
        done = domain.end()
    out.append(text[done:])
    return "".join(out)


def mask_personal(text: str) -> str:
    """The text with phone numbers, e-mail addresses and national id / resident certificate numbers replaced by
    「[電話]」, 「[電子郵件]」 and 「[身分證號]」; everything else as typed."""
    if not text:
        return text
    text = _mask_emails(text)
    text = _ID_RE.sub(NATIONAL_ID, text)
    return _PHONE_RE.sub(PHONE, text)
