"""An on-disk cache of the validated knowledge base and its built index, so that a start takes a blink.

A cache is keyed by a hash of every file under the knowledge folder (names, sizes and contents), of the code that
validates and indexes it, of the Python and library versions, and of this file format: any change gives another key,
so a stale cache is never used, and the directory is safe to delete at any time.

The files are pickles, and unpickling can run code: a file is read only when this process's user owns it and its
mode is exactly 0600 (checked on the open descriptor, symbolic links refused), which only this program creates in
its own directory (mode 0700); only classes of the project and a short list of numpy and standard types may appear
in it. Anything unexpected — missing, foreign, corrupt, another version — is a miss, never an error: the caller
validates and builds afresh.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import stat
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from core.kb import KnowledgeBase
from core.matcher import Matcher
from core.normalize import Normaliser

log = logging.getLogger(__name__)

FORMAT = b"mooc-knowledge-cache 1\n"
KEEP = 3  # keys kept in a directory (the newest); older ones are removed when a new one is written
_OUR_PACKAGES = ("core", "rules", "lang", "calculators")
_SAFE_GLOBALS = {
    "builtins": {"set", "frozenset", "slice", "range", "complex", "bytearray", "bytes"},
    "collections": {"OrderedDict", "defaultdict", "deque"},
    "copyreg": {"_reconstructor"},
    "decimal": {"Decimal"},
    "datetime": {"date", "datetime", "time", "timedelta", "timezone"},
    "re": {"_compile"},
    "numpy": {"dtype", "ndarray"},
    "numpy._core.numeric": {"_frombuffer"},
    "numpy._core.multiarray": {"_reconstruct", "scalar"},
    "numpy.core.numeric": {"_frombuffer"},
    "numpy.core.multiarray": {"_reconstruct", "scalar"},
}
_FLAGS_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_FLAGS_WRITE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _hash_files(h: Any, root: Path, paths: Iterable[Path]) -> None:
    for path in sorted(paths, key=lambda p: p.relative_to(root).as_posix()):
        name = path.relative_to(root).as_posix().encode("utf-8", "surrogateescape")
        data = path.read_bytes()
        h.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big"))
        h.update(data)


def knowledge_hash(folder: Path) -> str:
    """A hash of every file under the knowledge folder: its name, its size and its contents."""
    h = hashlib.sha256()
    _hash_files(h, folder, (p for p in folder.rglob("*") if p.is_file()))
    return h.hexdigest()


def code_version(root: Path, parts: Iterable[str]) -> str:
    """A hash of the project's .py files under `parts` (folders or single files, relative to `root`), of this Python
    and of the libraries whose objects the cache holds."""
    import numpy
    import pydantic
    import rapidfuzz

    from lang.textnorm import opencc_fingerprint

    h = hashlib.sha256(FORMAT)
    h.update(f"{sys.implementation.cache_tag} {sys.version} {pickle.HIGHEST_PROTOCOL}".encode())
    h.update(f"numpy {numpy.__version__} pydantic {pydantic.VERSION} rapidfuzz {rapidfuzz.__version__} opencc {opencc_fingerprint()}".encode())
    files: list[Path] = []
    for part in parts:
        path = root / part
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.is_file() else [])
    _hash_files(h, root, files)
    return h.hexdigest()


def cache_key(knowledge_dir: Path, code: str) -> str:
    """The key of a knowledge folder's cache for a code version."""
    return hashlib.sha256(f"{knowledge_hash(knowledge_dir)} {code}".encode()).hexdigest()


class _Unpickler(pickle.Unpickler):
    """Only the project's classes and a few numpy and standard types; knowledge-base objects by reference."""

    def __init__(self, data: bytes, kb: KnowledgeBase | None = None):
        super().__init__(io.BytesIO(data))
        self._kb = kb

    def find_class(self, module: str, name: str) -> Any:
        if module.split(".")[0] in _OUR_PACKAGES:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        elif name in _SAFE_GLOBALS.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a knowledge cache")

    def persistent_load(self, pid: Any) -> Any:
        kb = self._kb
        if kb is not None and isinstance(pid, tuple) and pid:
            if pid == ("kb",):
                return kb
            if pid == ("entries",):
                return kb.entries
            if len(pid) == 2 and pid[0] == "entry" and isinstance(pid[1], int) and 0 <= pid[1] < len(kb.entries):
                return kb.entries[pid[1]]
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


class _IndexPickler(pickle.Pickler):
    """Writes the index with its knowledge base's objects as references (they are in the knowledge base's own file)."""

    def __init__(self, file: Any, kb: KnowledgeBase):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._refs: dict[int, tuple[Any, ...]] = {id(kb): ("kb",), id(kb.entries): ("entries",)}
        for i, e in enumerate(kb.entries):
            self._refs[id(e)] = ("entry", i)

    def persistent_id(self, obj: Any) -> Any:
        return self._refs.get(id(obj))


class KnowledgeCache:
    """The cache files of one key in one directory: the validated knowledge base, and its normaliser and matcher."""

    def __init__(self, directory: Path, key: str):
        self.directory = directory
        self.key = key

    def _path(self, kind: str) -> Path:
        return self.directory / f"{kind}-{self.key[:32]}.pickle"

    def load_kb(self) -> KnowledgeBase | None:
        """The knowledge base stored under this key, or None."""
        data = self._read("kb")
        if data is None:
            return None
        kb = self._loads(data, None, "kb")
        return kb if isinstance(kb, KnowledgeBase) and kb.cache_key == self.key else None

    def store_kb(self, kb: KnowledgeBase) -> None:
        """Write the knowledge base (validated, with `cache_key` set to this key)."""
        self._write("kb", lambda f: pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump(kb))

    def load_index(self, kb: KnowledgeBase) -> tuple[Normaliser, Matcher] | None:
        """The normaliser and matcher built for this knowledge base, or None."""
        data = self._read("index")
        if data is None:
            return None
        pair = self._loads(data, kb, "index")
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], Normaliser) and isinstance(pair[1], Matcher)):
            return None
        if pair[1].kb is not kb:
            return None
        return pair[0], pair[1]

    def store_index(self, kb: KnowledgeBase, normaliser: Normaliser, matcher: Matcher) -> None:
        """Write the normaliser and the matcher (references to the knowledge base's objects, not copies)."""
        self._write("index", lambda f: _IndexPickler(f, kb).dump((normaliser, matcher)))

    def _loads(self, data: bytes, kb: KnowledgeBase | None, kind: str) -> Any:
        try:
            return _Unpickler(data, kb).load()
        except Exception as exc:  # a corrupt or incompatible file is a miss
            log.info("knowledge cache %s unusable (%s: %s); rebuilding", self._path(kind).name, type(exc).__name__, exc)
            return None

    def _read(self, kind: str) -> bytes | None:
        path = self._path(kind)
        try:
            fd = os.open(path, _FLAGS_READ)
        except FileNotFoundError:
            log.debug("knowledge cache: no %s", path.name)
            return None
        except OSError as exc:
            log.info("knowledge cache %s unreadable (%s)", path, exc)
            return None
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or stat.S_IMODE(st.st_mode) != 0o600:
                log.warning("knowledge cache %s ignored: not a regular file of this user with mode 0600", path)
                return None
            try:
                if f.readline() != FORMAT or f.readline() != self.key.encode() + b"\n":
                    log.info("knowledge cache %s is of another version; rebuilding", path.name)
                    return None
                data = f.read()
            except OSError as exc:
                log.info("knowledge cache %s unreadable (%s)", path, exc)
                return None
        log.debug("knowledge cache: read %s (%d bytes)", path.name, len(data))
        return data

    def _write(self, kind: str, dump: Any) -> None:
        """Write atomically with mode 0600; a failure (read-only disk, full disk) is logged and otherwise ignored."""
        path = self._path(kind)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(tmp, _FLAGS_WRITE, 0o600)
            try:
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(FORMAT + self.key.encode() + b"\n")
                    dump(f)
                os.replace(tmp, path)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
        except Exception as exc:
            log.warning("knowledge cache not written to %s (%s: %s)", self.directory, type(exc).__name__, exc)
            return
        log.debug("knowledge cache: wrote %s", path.name)
        self._prune(kind)

    def _prune(self, kind: str) -> None:
        """Keep the newest KEEP files of this kind (other keys' files are old knowledge or old code)."""
        try:
            files = sorted(self.directory.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in files[KEEP:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass
