"""Text folding for quote verification and normalisation for matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

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


def needs_opencc(text: str) -> bool:
    """Whether converting the text to Traditional takes OpenCC's dictionaries (it may change the text)."""
    return not _unchanged_by_s2tw(text)


def load_converters() -> None:
    """Load OpenCC's dictionaries now (both ways) rather than at the first Simplified question: processes forked
    afterwards share them instead of each loading its own."""
    _s2t()
    _t2s()
    _s2tw_changes()


_TABLE = Path(__file__).with_name("s2tw_changes.txt")
_CHECK_UP_TO = 4000  # longer texts (the knowledge base's, while indexing) go to OpenCC without looking first


@lru_cache(maxsize=1)
def opencc_fingerprint() -> str:
    """A SHA-256 of the installed OpenCC's data folder (configurations and dictionaries), read without loading OpenCC;
    empty when it cannot be found. What OpenCC converts, and so the index built from converted text, depends on it."""
    import hashlib
    import importlib.util

    try:
        spec = importlib.util.find_spec("opencc")
        if spec is None or spec.origin is None:
            return ""
        share = Path(spec.origin).resolve().parent / "clib" / "share" / "opencc"
        h = hashlib.sha256()
        for path in sorted(share.iterdir()):
            if path.is_file():
                data = path.read_bytes()
                h.update(f"{path.name} {len(data)}\n".encode() + data)
        return h.hexdigest()
    except (OSError, ImportError, ValueError):
        return ""


@lru_cache(maxsize=1)
def _s2tw_changes() -> tuple[frozenset[str], dict[str, tuple[tuple[str, int], ...]], re.Pattern[str]] | None:
    """What OpenCC's s2tw can change (lang/s2tw_changes.txt, written by scripts/opencc_table.py): the characters it
    converts wherever they stand, and by character the phrases that change a character otherwise left alone, with
    its position in them. None when the table is missing or was read from another OpenCC data folder than the
    installed one (see opencc_fingerprint): then every text is converted."""
    try:
        lines = [line for line in _TABLE.read_text(encoding="utf-8").split("\n") if line and not line.startswith("#")]
    except OSError:
        return None
    if len(lines) < 2 or not lines[0] or lines[0] != opencc_fingerprint():
        return None
    index: dict[str, list[tuple[str, int]]] = {}
    for line in lines[2:]:
        phrase, _, at = line.partition("\t")
        j = int(at)
        index.setdefault(phrase[j], []).append((phrase, j))
    chars = re.compile("[" + "".join(re.escape(c) for c in index) + "]") if index else re.compile(r"(?!x)x")
    return frozenset(lines[1]), {c: tuple(v) for c, v in index.items()}, chars


def _unchanged_by_s2tw(text: str) -> bool:
    """True when OpenCC's s2tw would return the text as it is: no character it always converts, and no phrase it
    converts. (OpenCC changes text only where an entry whose value differs from its key matches, so that key, with
    its changed character, is in the text.)"""
    table = _s2tw_changes()
    if table is None or len(text) > _CHECK_UP_TO:
        return False
    always, phrases, chars = table
    if not always.isdisjoint(text):
        return False
    for m in chars.finditer(text):
        p = m.start()
        for phrase, j in phrases[m.group(0)]:
            if p >= j and text.startswith(phrase, p - j):
                return False
    return True


TRADITIONAL_MEMO = 1024  # recent texts converted (an answer's steps convert its question several times)
_traditional: dict[str, str] = {}


def to_traditional(text: str) -> str:
    """Convert Simplified characters to Traditional, Taiwan forms (OpenCC s2tw). Text that OpenCC would leave as it
    is (most questions, written in Traditional) is returned without loading OpenCC's dictionaries."""
    done = _traditional.get(text)
    if done is not None:
        return done
    done = text if _unchanged_by_s2tw(text) else str(_s2t().convert(text))
    if len(text) <= _CHECK_UP_TO:
        if len(_traditional) >= TRADITIONAL_MEMO:
            _traditional.clear()
        _traditional[text] = done
    return done


def forget_conversions() -> None:
    """Clear the recent texts converted to Traditional."""
    _traditional.clear()


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
    """True when the text is written in Simplified: converting it to Traditional changes it, and changes more of its
    characters than converting it to Simplified would. (Traditional text can hold a character OpenCC reads as
    Simplified: 「抵免系上必修」 becomes 「繫上」; it still has far more characters that only Traditional writes.)"""
    if not _CJK.search(text):
        return False
    base = unify_variants(text)
    traditional = unify_variants(to_traditional(text))
    if traditional == base:
        return False
    simplified = unify_variants(to_simplified(text))
    if len(traditional) != len(base) or len(simplified) != len(base):
        return True  # a phrase converted to another length: counted as before, Simplified
    return _changed(base, traditional) > _changed(base, simplified)


def _changed(a: str, b: str) -> int:
    return sum(1 for x, y in zip(a, b) if x != y)


def is_mostly_english(text: str) -> bool:
    """True for a question written in English (Latin letters dominate, few CJK)."""
    letters = sum(1 for c in text if c.isascii() and c.isalpha())
    cjk = len(_CJK.findall(text))
    return letters >= 3 and cjk * 3 <= letters // 2 + 1 and cjk <= 2
