#!/usr/bin/env python3
"""A synthetic knowledge base N times the real one, for measuring how the assistant scales.

usage: python scripts/synthetic.py N OUT_DIR

Copy k (1 ≤ k < N) of every document gets a new id (`<id>-s<k>`), a new school name (two characters no real
text uses in front of each of its names: 瑤琪高科大, `kavo nkust`) and a light variation of its wording: three
frequent characters of the knowledge base are replaced by characters it never uses, the same way in the source
text, the quotes, the facts' and cells' texts, titles, answers, questions and keywords (so that every quote stays
verbatim and every figure stays in its quote), and one question of each entry is left out in turn. Clause labels,
paths and figures are unchanged, so the copy passes `bot.py check`; rule definitions are copied with their ids
and the entries they cite renamed. The real files are copied as they are (copy 0).

`Variant(k).question(text, document)` rewrites a question about a real document into the same question about
its copy k, for a realistic question mix at scale.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.yamlload import load_yaml  # noqa: E402
from lang.textnorm import to_traditional  # noqa: E402

# Characters that write numbers (a figure must stay in its quote) or glue a sentence (the matcher removes them).
_KEEP_CHARS = set("零〇一二兩三四五六七八九十百千萬億壹貳參肆伍陸柒捌玖拾佰仟點分之半") | set(
    "的了嗎呢吧啊呀喔哦嘛麼要是在和與及或會能還都也就該把讓幾哪誰什怎啦我你他們這那些"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SYLLABLES = ["ka", "vo", "te", "bi", "ru", "mo", "li", "za", "pe", "no", "gu", "fi", "sa", "do", "ye", "wu"]
SUBSTITUTIONS = 3  # characters replaced in each copy


def _plain(data: Any) -> Any:
    """Loaded YAML (with line-number containers) as plain dicts and lists."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def _load(path: Path) -> Any:
    data, problems = load_yaml(path)
    if data is None or problems:
        raise SystemExit(f"{path}: {problems}")
    return _plain(data)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Writes shared objects out in full: the loader refuses files with many aliases (core/yamlload.py)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(data: Any, path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        yaml.dump(data, f, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100_000)


class Source:
    """The real knowledge base, read once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.documents = _load(root / "documents.yaml")
        self.glossary = _load(root / "glossary.yaml")
        self.entry_files = {p.stem: _load(p) for p in sorted((root / "entries").glob("*.yaml"))}
        self.rule_texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted((root / "rules").glob("*.yaml"))} if (root / "rules").is_dir() else {}
        self.sources = {d["id"]: (root / "sources" / d["source"]).read_text(encoding="utf-8") for d in self.documents["documents"]}

    @cached_property
    def used_chars(self) -> set[str]:
        """Every character of every knowledge file (names, glossary and all)."""
        used: set[str] = set()
        for path in self.root.rglob("*"):
            if path.is_file() and path.suffix in (".yaml", ".txt", ".md"):
                used.update(path.read_text(encoding="utf-8"))
        return used

    @cached_property
    def frequent(self) -> list[str]:
        """The 120 most frequent CJK characters of the entries that are safe to replace (no numerals, glue, names or glossary words)."""
        reserved = set(_KEEP_CHARS)
        reserved.update("".join(str(x) for x in _walk_strings(self.glossary)))
        counts: Counter[str] = Counter()
        for data in self.entry_files.values():
            for e in data["entries"]:
                for field in ("quote", "answer_zh", "title"):
                    counts.update(c for c in e[field] if _CJK.match(c))
        return [c for c, _ in counts.most_common() if c not in reserved][:120]

    @cached_property
    def unused(self) -> list[str]:
        """CJK characters no knowledge file uses and that every normalisation leaves as they are, in code-point order."""
        out: list[str] = []
        used = self.used_chars
        for cp in range(0x5000, 0x9FA0):
            c = chr(cp)
            if c in used or c in _KEEP_CHARS or unicodedata.normalize("NFKC", c) != c:
                continue
            out.append(c)
        block = "".join(out)
        stable = to_traditional(block)
        return [c for c, t in zip(block, stable) if c == t] if len(stable) == len(block) else [c for c in out if to_traditional(c) == c]


def _walk_strings(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in _walk_strings(k) + _walk_strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _walk_strings(v)]
    return []


@dataclass(frozen=True)
class Variant:
    """How copy k of every document is written."""

    k: int
    src: Source

    @cached_property
    def prefix_zh(self) -> str:
        pool = self.src.unused[: 64]  # the first 64 unused characters name the copies (64² > any N here)
        return pool[self.k % 64] + pool[(self.k // 64) % 64 + 1 if (self.k // 64) % 64 + 1 < 64 else 0]

    @cached_property
    def prefix_en(self) -> str:
        n = len(_SYLLABLES)
        return _SYLLABLES[self.k % n] + _SYLLABLES[(self.k // n) % n] + _SYLLABLES[(self.k // (n * n)) % n]

    @cached_property
    def table(self) -> dict[int, str]:
        rng = random.Random(self.k)
        originals = rng.sample(self.src.frequent, SUBSTITUTIONS)
        pool = self.src.unused[64:]
        replacements = [pool[(self.k * SUBSTITUTIONS + i) % len(pool)] for i in range(SUBSTITUTIONS)]
        return str.maketrans(dict(zip(originals, replacements)))

    def doc_id(self, doc: str) -> str:
        return f"{doc}-s{self.k}"

    def names(self, doc: str) -> dict[str, str]:
        """The document's names in the glossary → the copy's names."""
        out: dict[str, str] = {}
        for name in self.src.glossary["schools"].get(doc, []):
            out[name] = f"{self.prefix_en} {name}" if name.isascii() else f"{self.prefix_zh}{name}"
        return out

    def _name_re(self, doc: str) -> tuple[re.Pattern[str], dict[str, str]]:
        names = self.names(doc)
        alts = sorted(names, key=len, reverse=True)
        # A name may run across a line break of the source (清\n華): the pattern allows whitespace between characters.
        parts = [r"\s*".join(map(re.escape, n)) if not n.isascii() else r"(?<![A-Za-z])" + re.escape(n) + r"(?![A-Za-z])" for n in alts]
        return re.compile("|".join(parts), re.IGNORECASE) if parts else re.compile(r"(?!x)x"), {n.lower(): v for n, v in names.items()}

    def text(self, s: str, doc: str) -> str:
        """A text of document `doc` as copy k writes it: its names and three characters changed."""
        rx, names = self._name_re(doc)

        def repl(m: re.Match[str]) -> str:
            found = m.group(0)
            return f"{self.prefix_en.capitalize()} {found}" if found.isascii() else self.prefix_zh + found

        return rx.sub(repl, s).translate(self.table)

    def question(self, q: str, doc: str) -> str:
        """A question about a real document, asked about its copy k."""
        return self.text(q, doc)


def _entry_copy(e: dict[str, Any], v: Variant, doc: str, ids: dict[str, str], rules: dict[str, str]) -> dict[str, Any]:
    def t(s: str) -> str:
        return v.text(s, doc)

    out = dict(e)
    out["id"] = ids[e["id"]]
    for f in ("title", "quote", "answer_zh", "note_zh", "row_label"):
        if isinstance(out.get(f), str):
            out[f] = t(out[f])
    for f in ("answer_en", "title_en", "note_en"):
        if isinstance(out.get(f), str):
            out[f] = v.text(out[f], doc)
    qs = [t(q) for q in e["questions_zh"]]
    if len(qs) > 3:
        del qs[v.k % len(qs)]
    out["questions_zh"] = list(dict.fromkeys(qs))
    out["questions_en"] = list(dict.fromkeys(t(q) for q in e["questions_en"]))
    out["keywords"] = [t(w) for w in e["keywords"]]
    if e.get("aliases"):
        out["aliases"] = [t(w) for w in e["aliases"]]
    if e.get("facts"):
        out["facts"] = [{**f, **({"text": t(f["text"])} if f.get("text") else {})} for f in e["facts"]]
    if e.get("cells"):
        out["cells"] = {col: t(cell) for col, cell in e["cells"].items()}
    if e.get("related"):
        out["related"] = [ids.get(r, r) for r in e["related"]]
    if e.get("calculators"):
        out["calculators"] = [rules.get(c, c) for c in e["calculators"]]
    return out


def build(n: int, out: Path, knowledge: Path = ROOT / "knowledge") -> Path:
    """Write a knowledge base `n` times the real one into `out` (created; must not exist or be empty)."""
    src = Source(knowledge)
    out.mkdir(parents=True, exist_ok=True)
    for path in knowledge.rglob("*"):
        if path.is_file():
            dest = out / path.relative_to(knowledge)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    if n <= 1:
        return out
    documents = src.documents
    glossary = src.glossary
    docs_out = list(documents["documents"])
    rule_ids: dict[str, list[str]] = {}
    for doc in src.rule_texts:
        rule_ids[doc] = [r["id"] for r in _load(knowledge / "rules" / f"{doc}.yaml").get("rules", [])]
    for k in range(1, n):
        v = Variant(k, src)
        for d in documents["documents"]:
            doc = d["id"]
            new_id = v.doc_id(doc)
            copy = {key: (v.text(val, doc) if isinstance(val, str) and key not in ("id", "role", "kind", "citation_date", "source", "overview") else val) for key, val in d.items()}
            copy["id"] = new_id
            copy["source"] = f"{new_id}.txt"
            copy["dates"] = d["dates"]
            if d.get("overview"):
                copy["overview"] = f"{d['overview']}-s{k}"  # the copy's own entry (entry ids are copied the same way)
            docs_out.append(copy)
            glossary["schools"][new_id] = list(v.names(doc).values())
            (out / "sources" / copy["source"]).write_text(v.text(src.sources[doc], doc), encoding="utf-8")
            data = src.entry_files.get(doc)
            if data is None:
                continue
            ids = {e["id"]: f"{e['id']}-s{k}" for e in data["entries"]}
            rules = {r: f"{r}_s{k}" for r in rule_ids.get(doc, [])}
            entries = [_entry_copy(e, v, doc, ids, rules) for e in data["entries"]]
            _dump({"document": new_id, "uncovered_ok": data.get("uncovered_ok", []), "entries": entries}, out / "entries" / f"{new_id}.yaml")
            if doc in src.rule_texts:
                text = src.rule_texts[doc]
                text = re.sub(r"(?m)^document:\s*" + re.escape(doc) + r"\s*$", f"document: {new_id}", text)
                id_re = re.compile(r"(?<![\w-])(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r")(?![\w-])")
                text = id_re.sub(lambda m: ids[m.group(1)], text)
                if rules:
                    rule_re = re.compile(r"(?<![\w])(" + "|".join(re.escape(r) for r in sorted(rules, key=len, reverse=True)) + r")(?![\w])")
                    text = rule_re.sub(lambda m: rules[m.group(1)], text)
                (out / "rules" / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    _dump({"documents": docs_out}, out / "documents.yaml")
    _dump(glossary, out / "glossary.yaml")
    return out


def main() -> int:
    n, dest = int(sys.argv[1]), Path(sys.argv[2])
    build(n, dest)
    print(dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
