"""Compiled regular expressions kept on disk between starts.

The project compiles a few hundred regular expressions as its modules are imported; Python's `re` compiles each in
pure Python, about a fifth of a start. The compiled form of a pattern is a list of integers for the regular-expression
engine (`_sre`), the same for the same pattern, flags and Python: `store` writes the compiled form of every pattern
`re` holds, `preload` puts them back into `re`'s own cache before the modules are imported, so `re.compile` finds them
there instead of compiling.

The file is keyed by Python's version and the engine's (`_sre.MAGIC`) in its name and first lines, and by a SHA-256 of
its contents; it is marshal data (loading it runs no code), read only when this user owns it with mode 0600 (written by
this module in the cache directory, mode 0700), as the knowledge cache's files are; the engine checks every compiled
form it is given. Anything unexpected is a miss: the pattern is compiled as usual. The cache only
makes a start faster; the directory is safe to delete.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FORMAT = b"mooc-regex-cache 1\n"
_FLAGS_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_FLAGS_WRITE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
MAX_BYTES = 8 << 20  # a larger file is not ours

_loaded: set[tuple[str, int]] = set()  # the patterns this process found in the file


def _engine() -> Any:
    import _sre  # the engine `re` compiles for (CPython's; absent elsewhere, where nothing is cached)

    return _sre


def _version() -> bytes:
    sre = _engine()
    return f"{sys.implementation.cache_tag} {sys.version} sre {sre.MAGIC} {sre.CODESIZE} {sre.MAXREPEAT} {sre.MAXGROUPS}".encode()


def path_in(directory: Path) -> Path:
    """The file of this Python in a cache directory."""
    return directory / f"regex-{sys.implementation.cache_tag}-{_engine().MAGIC}.marshal"


def _cache() -> dict[Any, Any] | None:
    cache = getattr(re, "_cache", None)
    return cache if isinstance(cache, dict) else None


def preload(directory: Path) -> int:
    """Put the compiled patterns of the file in `directory` into `re`'s cache; how many (0 on any miss)."""
    try:
        return _preload(directory)
    except Exception as exc:  # noqa: BLE001 — a cache only: whatever goes wrong, patterns compile as usual
        log.debug("regex cache not used (%s: %s)", type(exc).__name__, exc)
        return 0


def _preload(directory: Path) -> int:
    cache = _cache()
    if cache is None:
        return 0
    path = path_in(directory)
    try:
        fd = os.open(path, _FLAGS_READ)
    except OSError:
        return 0
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or stat.S_IMODE(st.st_mode) != 0o600 or st.st_size > MAX_BYTES:
            log.warning("regex cache %s ignored: not a regular file of this user with mode 0600", path)
            return 0
        if f.readline() != FORMAT or f.readline() != _version() + b"\n":
            return 0
        digest = f.readline().strip()
        payload = f.read()
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        log.info("regex cache %s is corrupt; it will be written again", path.name)
        return 0
    entries = marshal.loads(payload)
    if not isinstance(entries, list):
        return 0
    compile_code = _engine().compile
    room = getattr(re, "_MAXCACHE", 512) - len(cache)
    n = 0
    for item in entries[: max(0, room)]:
        try:
            pattern, flags, final, code, groups, groupindex, indexgroup = item
            if not (isinstance(pattern, str) and isinstance(flags, int) and isinstance(code, list)):
                continue
            compiled = compile_code(pattern, final, code, groups, groupindex, indexgroup)  # the engine checks the code
        except Exception:  # noqa: BLE001 — a malformed entry: that pattern compiles as usual
            continue
        cache.setdefault((str, pattern, flags), compiled)
        _loaded.add((pattern, flags))
        n += 1
    return n


def store(directory: Path) -> bool:
    """Write the compiled form of every pattern in `re`'s cache when it holds one the file did not (the code changed,
    or no file yet); whether a file was written. A failure is logged and otherwise ignored."""
    try:
        return _store(directory)
    except Exception as exc:  # noqa: BLE001 — a cache only
        log.warning("regex cache not written to %s (%s: %s)", directory, type(exc).__name__, exc)
        return False


def _store(directory: Path) -> bool:
    cache = _cache()
    if cache is None:
        return False
    keys = [(k[1], int(k[2])) for k in list(cache) if isinstance(k, tuple) and len(k) == 3 and k[0] is str and isinstance(k[1], str)]
    if all(k in _loaded for k in keys):
        return False
    from re import _compiler, _parser  # type: ignore[attr-defined]

    entries = []
    for pattern, flags in keys:
        parsed = _parser.parse(pattern, flags)
        groupindex = {str(k): int(v) for k, v in parsed.state.groupdict.items()}
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        code = [int(c) for c in _compiler._code(parsed, flags)]
        entries.append((pattern, flags, int(flags | parsed.state.flags), code, int(parsed.state.groups - 1), groupindex, tuple(indexgroup)))
    payload = marshal.dumps(entries)
    path = path_in(directory)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(tmp, _FLAGS_WRITE, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(FORMAT + _version() + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _loaded.update(keys)
    log.debug("regex cache: wrote %d patterns to %s", len(entries), path.name)
    return True
