"""The shape of the code: imports run one way, no cycles, and no Python file names a school or a document id."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lang", "rules", "core", "frontends", "storage")
TOP_MODULES = ("bot", "bootstrap", "config", "logsetup", "regexcache")

# What each layer may import of ours (besides itself).
ALLOWED: dict[str, set[str]] = {
    "lang": set(),
    "rules": {"lang"},
    "core": {"lang", "rules"},
    "storage": {"lang"},
    "frontends": {"lang", "rules", "core", "storage", "config"},
    "config": set(),
    "logsetup": {"config", "storage"},
    "regexcache": set(),
    "bootstrap": {"lang", "rules", "core", "frontends", "storage", "config", "logsetup", "regexcache"},
    "bot": {"config", "bootstrap", "frontends", "logsetup", "regexcache"},
}


def _sources() -> dict[str, Path]:
    """Our modules by dotted name."""
    out: dict[str, Path] = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    for name in TOP_MODULES:
        if (ROOT / f"{name}.py").exists():
            out[name] = ROOT / f"{name}.py"
    return out


def _imports(path: Path, module: str) -> set[str]:
    """Every module of ours a file imports (at the top or inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level] if not path.name == "__init__.py" else module.split(".")[: len(module.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)
    roots = set(PACKAGES) | set(TOP_MODULES)
    return {m for m in found if m.split(".")[0] in roots}


def _layer(module: str) -> str:
    return module.split(".")[0]


def test_imports_run_one_way() -> None:
    bad: list[str] = []
    for module, path in _sources().items():
        layer = _layer(module)
        for imported in _imports(path, module):
            other = _layer(imported)
            if other != layer and other not in ALLOWED[layer]:
                bad.append(f"{module} imports {imported}")
    assert bad == []


def test_front_ends_do_not_import_each_other_or_the_engine_internals() -> None:
    bad: list[str] = []
    internals = ("core.matcher", "core.normalize", "core.planner", "core.compose", "core.talk")
    for module, path in _sources().items():
        if not module.startswith("frontends."):
            continue
        own = ".".join(module.split(".")[:2])
        for imported in _imports(path, module):
            if imported.startswith("frontends.") and not imported.startswith(own) and imported.split(".")[1] in ("telegram", "line", "console", "cli"):
                bad.append(f"{module} imports {imported}")
            if imported.startswith(internals):
                bad.append(f"{module} reaches inside the core: {imported}")
    assert bad == []


def test_no_import_cycles() -> None:
    sources = _sources()
    graph = {m: {i for i in _imports(p, m) if i in sources} for m, p in sources.items()}
    # A package's __init__ and its modules are one node for cycles between packages' modules only.
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt == node or nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue  # a package importing its own modules (re-exports)
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif state.get(nxt) is None:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert cycles == []


def _school_words() -> set[str]:
    docs = yaml.safe_load((ROOT / "knowledge" / "documents.yaml").read_text(encoding="utf-8"))["documents"]
    words: set[str] = set()
    for d in docs:
        words.update({d["id"], d["name_zh"], d["title_zh"], d["short_zh"]})
        if len(d["name_en"]) > 3:
            words.add(d["name_en"])
    glossary = yaml.safe_load((ROOT / "knowledge" / "glossary.yaml").read_text(encoding="utf-8"))
    for names in glossary["schools"].values():
        words.update(n for n in names if len(n) >= 2 and not n.isascii())
    return {w for w in words if w}


def test_no_python_file_outside_tests_names_a_school_or_a_document() -> None:
    words = _school_words()
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    bad: list[str] = []
    for path in list(ROOT.glob("*.py")) + [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            m = pattern.search(line)
            if m:
                bad.append(f"{path.relative_to(ROOT)}:{n}: {m.group(0)}")
    assert bad == []
