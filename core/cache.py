"""An on-disk cache of the validated knowledge base and the engine built over it, so that a start takes a blink.

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
import logging
import os
import pickle
import stat
import sys
import types
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.engine import Engine
from core.kb import KnowledgeBase
from core.matcher import Matcher
from core.normalize import Normaliser
from rules.pickling import STANDARD_GLOBALS, RestrictedUnpickler

log = logging.getLogger(__name__)

FORMAT = b"mooc-knowledge-cache 3\n"
KEEP = 3  # keys kept in a directory (the newest); older ones are removed when a new one is written
_SAFE_GLOBALS = {
    **STANDARD_GLOBALS,
    "re": frozenset({"_compile"}),
    "core.cache": frozenset({"bound_method"}),
    "numpy": frozenset({"dtype", "ndarray"}),
    "numpy._core.numeric": frozenset({"_frombuffer"}),
    "numpy._core.multiarray": frozenset({"_reconstruct", "scalar"}),
    "numpy.core.numeric": frozenset({"_frombuffer"}),
    "numpy.core.multiarray": frozenset({"_reconstruct", "scalar"}),
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
    import rapidfuzz

    from lang.textnorm import opencc_fingerprint

    h = hashlib.sha256(FORMAT)
    h.update(f"{sys.implementation.cache_tag} {sys.version} {pickle.HIGHEST_PROTOCOL}".encode())
    h.update(f"numpy {numpy.__version__} rapidfuzz {rapidfuzz.__version__} opencc {opencc_fingerprint()}".encode())
    h.update(f"pydantic {_package_file('pydantic', 'version.py')}".encode())  # it validated what is kept: not imported
    files: list[Path] = []
    for part in parts:
        path = root / part
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.is_file() else [])
    _hash_files(h, root, files)
    return h.hexdigest()


def _package_file(package: str, name: str) -> str:
    """A SHA-256 of one file of an installed package, found without importing the package; empty if not found."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            return ""
        return hashlib.sha256((Path(spec.origin).parent / name).read_bytes()).hexdigest()
    except (OSError, ImportError, ValueError):
        return ""


def cache_key(knowledge_dir: Path, code: str) -> str:
    """The key of a knowledge folder's cache for a code version."""
    return hashlib.sha256(f"{knowledge_hash(knowledge_dir)} {code}".encode()).hexdigest()


_ATOMS = (str, bytes, int, float, bool, type(None), Decimal)
REF_DEPTH = 3  # knowledge-base objects the engine may point at: kb → a field → an item → its fields


def _kb_refs(kb: KnowledgeBase) -> dict[int, tuple[tuple[str, Any], ...]]:
    """The objects of a knowledge base down to REF_DEPTH, by identity: the path from the knowledge base to each
    (attributes, items and keys), so that an engine pickled beside it points at them instead of copying them."""
    refs: dict[int, tuple[tuple[str, Any], ...]] = {}

    def walk(obj: Any, path: tuple[tuple[str, Any], ...]) -> None:
        if isinstance(obj, _ATOMS) or isinstance(obj, type) or id(obj) in refs:
            return
        refs[id(obj)] = path
        if len(path) >= REF_DEPTH:
            return
        if isinstance(obj, (tuple, list)):
            for i, v in enumerate(obj):
                walk(v, path + (("i", i),))
        elif isinstance(obj, dict):
            for k, v in obj.items():
                if isinstance(k, (str, int)):
                    walk(v, path + (("k", k),))
        elif hasattr(obj, "__dict__"):
            for name, v in vars(obj).items():
                walk(v, path + (("a", name),))

    walk(kb, ())
    return refs


def _resolve(kb: KnowledgeBase, path: Any) -> Any:
    obj: Any = kb
    for kind, step in path:
        if kind == "a" and isinstance(step, str) and hasattr(obj, "__dict__") and step in vars(obj):
            obj = vars(obj)[step]
        elif kind == "i" and isinstance(obj, (tuple, list)) and isinstance(step, int) and 0 <= step < len(obj):
            obj = obj[step]
        elif kind == "k" and isinstance(obj, dict) and step in obj:
            obj = obj[step]
        else:
            raise pickle.UnpicklingError(f"no {kind} {step!r} in the knowledge base")
    return obj


_METHOD_OWNERS = (Normaliser, Matcher)  # whose public methods an engine may hold as functions (the planner's `light`)


def bound_method(owner: Any, name: str) -> Any:
    """A public method of a normaliser or matcher of the engine, as written by _EnginePickler: nothing else."""
    if not isinstance(owner, _METHOD_OWNERS) or name.startswith("_") or not isinstance(getattr(type(owner), name, None), types.FunctionType):
        raise pickle.UnpicklingError(f"no method {name!r} may be read back on {type(owner).__name__}")
    return getattr(owner, name)


class _Unpickler(RestrictedUnpickler):
    """Only the project's classes and a few numpy and standard types; knowledge-base objects by reference."""

    safe_globals = _SAFE_GLOBALS
    where = "in a knowledge cache"

    def __init__(self, file: Any, kb: KnowledgeBase | None = None):
        super().__init__(file)
        self._kb = kb

    def persistent_load(self, pid: Any) -> Any:
        if self._kb is None or not isinstance(pid, tuple):
            raise pickle.UnpicklingError(f"unknown reference {pid!r}")
        return _resolve(self._kb, pid)


class _EnginePickler(pickle.Pickler):
    """Writes the engine with its knowledge base's objects as references (they are in the knowledge base's own file)."""

    def __init__(self, file: Any, kb: KnowledgeBase):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._refs = _kb_refs(kb)

    def persistent_id(self, obj: Any) -> Any:
        return self._refs.get(id(obj))

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, types.MethodType) and isinstance(obj.__self__, _METHOD_OWNERS):
            return bound_method, (obj.__self__, obj.__func__.__name__)
        return NotImplemented


class KnowledgeCache:
    """The cache files of one key in one directory: the validated knowledge base, and the engine built over it (its
    normaliser, the matcher's index, and what the engine derives from the knowledge base when it is built)."""

    def __init__(self, directory: Path, key: str):
        self.directory = directory
        self.key = key

    def _path(self, kind: str) -> Path:
        return self.directory / f"{kind}-{self.key[:32]}.pickle"

    def load_kb(self) -> KnowledgeBase | None:
        """The knowledge base stored under this key, or None."""
        kb = self._load("kb", None)
        return kb if isinstance(kb, KnowledgeBase) and kb.cache_key == self.key else None

    def store_kb(self, kb: KnowledgeBase) -> None:
        """Write the knowledge base (validated, with `cache_key` set to this key)."""
        self._write("kb", lambda f: pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump(kb))

    def load_engine(self, kb: KnowledgeBase) -> Engine | None:
        """The engine built over this knowledge base (normaliser, matcher and all it derives), or None."""
        engine = self._load("engine", kb)
        return engine if isinstance(engine, Engine) else None

    def store_engine(self, kb: KnowledgeBase, engine: Engine) -> None:
        """Write the engine (references to the knowledge base's objects, not copies)."""
        self._write("engine", lambda f: _EnginePickler(f, kb).dump(engine))

    def _load(self, kind: str, kb: KnowledgeBase | None) -> Any:
        """What a file of ours holds, read as it streams in (never the whole file in memory at once), or None."""
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
                found = _Unpickler(f, kb).load()
            except Exception as exc:  # unreadable, corrupt or incompatible: a miss
                log.info("knowledge cache %s unusable (%s: %s); rebuilding", path.name, type(exc).__name__, exc)
                return None
        log.debug("knowledge cache: read %s (%d bytes)", path.name, st.st_size)
        return found

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
