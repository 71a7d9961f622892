"""Text folding for quote verification and normalisation for matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Conversion artefacts in the source texts that carry no words of the document.
_ARTEFACTS = re.compile(
    r"<ol[^>]*>|</ol>|\[bookmark:[^\]]*\]|\[image:[^\]]*\]|^\s*\|?[-| ]{3,}\|?\s*$|^\s*-\s+|\|"
)
_WS = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold text for verbatim comparison: NFKC, artefacts dropped, no whitespace."""
    out = []
    for line in text.split("\n"):
        out.append(_fold_line(line))
    return "".join(out)


def _fold_line(line: str) -> str:
    line = _ARTEFACTS.sub("", line)
    line = unicodedata.normalize("NFKC", line)
    # Markdown list markers can follow NFKC (non-breaking spaces become spaces).
    line = re.sub(r"^\s*-\s+", "", line)
    return _WS.sub("", line)


def fold_with_lines(text: str) -> tuple[str, list[int]]:
    """Fold a source text and return, for each folded character, its 1-based line."""
    chars: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        folded = _fold_line(line)
        chars.append(folded)
        lines.extend([number] * len(folded))
    return "".join(chars), lines


def collapse_ws(text: str) -> str:
    """Collapse whitespace runs to one space and trim, for display."""
    return _WS.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _s2t():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("s2tw")


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("tw2s")


def to_traditional(text: str) -> str:
    """Convert Simplified characters to Traditional, Taiwan forms (character level, OpenCC s2tw)."""
    return str(_s2t().convert(text))


def to_simplified(text: str) -> str:
    """Convert Traditional characters to Simplified (OpenCC t2s)."""
    return str(_t2s().convert(text))


# Variants that must match as one character.
_VARIANTS = str.maketrans({"台": "臺", "周": "週", "佔": "占", "裏": "裡", "着": "著", "麽": "麼", "么": "麼"})


def unify_variants(text: str) -> str:
    """Map interchangeable characters (台/臺, 周/週...) to one form."""
    return text.translate(_VARIANTS)


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def looks_simplified(text: str) -> bool:
    """True when converting to Traditional changes the text (it held Simplified forms)."""
    if not _CJK.search(text):
        return False
    return unify_variants(to_traditional(text)) != unify_variants(text)


def is_mostly_english(text: str) -> bool:
    """True for a question written in English (Latin letters dominate, few CJK)."""
    letters = sum(1 for c in text if c.isascii() and c.isalpha())
    cjk = len(_CJK.findall(text))
    return letters >= 3 and cjk * 3 <= letters // 2 + 1 and cjk <= 2
