"""What a loaded YAML knowledge file is made of (mappings and sequences that know their lines, problems found) and
the limits on what one file may hold: shared by core/yamlload.py and its parser, core/yamlparse.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One data problem, printed as `file:line: message`."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping that knows the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):  # type: ignore[type-arg]
    """A sequence that knows the line of itself and of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


# Limits on what one knowledge file may hold. A file over them is refused with a `file:line: message` problem
# before anything expensive happens: the limits bound the time and memory of loading whatever a file contains.
MAX_FILE_BYTES = 2 * 1024 * 1024  # one YAML or source file
MAX_ALIASES = 100  # alias uses (*name) per YAML file
MAX_ANCHORS = 100  # anchors (&name) per YAML file
MAX_NODES = 200_000  # nodes of the loaded document, counting each alias as a full copy of what it names
MAX_DOCUMENT_CHARS = 4_000_000  # characters of all strings of the loaded document, aliases counted as copies
MAX_STRING_CHARS = 100_000  # one string (a quote, an answer, a key)
MAX_DEPTH = 50  # nesting of collections (libyaml's composer is recursive in C and overflows on deep nesting)
