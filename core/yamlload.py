"""YAML loading that remembers line numbers, reports duplicate keys instead of dropping them, and refuses files that
are not plain files of the knowledge folder or that go beyond fixed limits of size (alias bombs, huge strings, deep nesting).
The parser itself is in core/yamlparse.py (PyYAML, imported only when a file is read), what it makes and the limits
in core/yamldata.py."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from core.yamldata import (
    MAX_ALIASES,
    MAX_ANCHORS,
    MAX_DEPTH,
    MAX_DOCUMENT_CHARS,
    MAX_FILE_BYTES,
    MAX_NODES,
    MAX_STRING_CHARS,
    LineDict,
    LineList,
    Problem,
)

__all__ = [
    "MAX_ALIASES",
    "MAX_ANCHORS",
    "MAX_DEPTH",
    "MAX_DOCUMENT_CHARS",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "MAX_STRING_CHARS",
    "LineDict",
    "LineList",
    "Problem",
    "UnsafeFileError",
    "line_of",
    "load_yaml",
    "read_knowledge_file",
]


class UnsafeFileError(Exception):
    """A knowledge file that is not a regular file inside its folder, or too large; the message says which."""


def read_knowledge_file(path: Path, folder: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a regular file inside `folder` (symbolic links allowed only when they resolve inside it).

    Refuses FIFOs, devices, sockets, directories, links out of the folder and files over `max_bytes` without
    blocking: the file is inspected with lstat/stat first, opened with O_NONBLOCK (a FIFO swapped in meanwhile
    cannot hang the open) and checked again on the open descriptor. Raises UnsafeFileError or UnicodeDecodeError.
    """
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise UnsafeFileError(f"cannot read: {exc.strerror or exc}") from exc
    base = os.path.realpath(folder)
    real = os.path.realpath(path)
    if os.path.commonpath([base, real]) != base:
        raise UnsafeFileError(f"refused: resolves outside {folder.name}/ (to {real})")
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(real)
        except OSError as exc:
            raise UnsafeFileError(f"cannot read: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFileError(f"refused: not a regular file ({_kind(st.st_mode)})")
    if st.st_size > max_bytes:
        raise UnsafeFileError(f"refused: {st.st_size:,} bytes, over the limit of {max_bytes:,}")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise UnsafeFileError(f"cannot read: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):  # swapped since the check above
            raise UnsafeFileError(f"refused: not a regular file ({_kind(st.st_mode)})")
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnsafeFileError(f"refused: over the limit of {max_bytes:,} bytes")
    return data.decode("utf-8")


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a plain file"


def load_yaml(path: Path, display: str | None = None, folder: Path | None = None) -> tuple[Any, list[Problem]]:
    """Load one YAML file; return its data (None when it cannot be loaded) and every problem found.

    The file must be a regular file inside `folder` (default: its own folder) no larger than MAX_FILE_BYTES, and its
    document must stay within the limits of core/yamldata.py; anything else is one problem, never an exception or a hang.
    """
    name = display or str(path)
    try:
        text = read_knowledge_file(path, path.parent if folder is None else folder)
    except UnsafeFileError as exc:
        return None, [Problem(name, 1, str(exc))]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, 1, f"cannot read: not UTF-8 ({exc.reason} at byte {exc.start})")]
    from core.yamlparse import parse  # PyYAML, imported only when a file is read (not for a start from the cache)

    return parse(text, name)


def line_of(data: Any, loc: tuple[Any, ...]) -> int:
    """The line of the node at `loc` (a pydantic error location) in loaded data, as deep as it goes."""
    node = data
    line = getattr(data, "line", 1) or 1
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line
