"""Load the knowledge base once into frozen objects and validate it, reporting every problem as `file:line: message`."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any, TypeVar

from lang.numbers import NumberError, parse_number
from core.compact import Sharer
from core.schema import (
    ConversationFile,
    Document,
    GazetteerFile,
    Institution,
    SmallTalkFile,
    DocumentsFile,
    Entry,
    EntryFile,
    Fact,
    Glossary,
    clause_to_path,
)
from lang.textnorm import fold, fold_with_lines
from core.yamlload import Problem, UnsafeFileError, line_of, load_yaml, read_knowledge_file
from rules.evaluate import PRECISION, Rule
from rules.spec import RuleFile

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"


@dataclass(frozen=True)
class Coverage:
    """Which non-blank source lines no entry quotes, per document."""

    total_lines: dict[str, int]
    covered_lines: dict[str, frozenset[int]]
    uncovered: dict[str, tuple[int, ...]]  # not covered and not allowed to stay uncovered
    allowed: dict[str, tuple[int, ...]]  # not covered but listed in uncovered_ok


@dataclass(frozen=True)
class KnowledgeBase:
    """Documents, entries and glossary, validated."""

    documents: dict[str, Document]
    entries: tuple[Entry, ...]
    glossary: Glossary
    sources: dict[str, str]
    entry_document: dict[str, str]
    by_id: dict[str, Entry] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)  # rule definitions bound to their facts, by name
    institutions: tuple[Institution, ...] = ()  # knowledge/gazetteer.yaml
    conversation: ConversationFile = field(default_factory=ConversationFile)  # knowledge/conversation.yaml
    smalltalk: SmallTalkFile | None = None  # knowledge/smalltalk.yaml
    rule_coverage: dict[str, tuple[str, ...]] = field(default_factory=dict)  # entry id → rules that apply it
    cache_key: str = ""  # the key of the on-disk cache it was stored under (core/cache.py); empty when not cached

    def document_of(self, entry: Entry) -> Document:
        """The document an entry belongs to."""
        return self.documents[self.entry_document[entry.id]]


class KnowledgeBaseError(Exception):
    """The knowledge base is invalid; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge base; first: {problems[0]}")


@dataclass
class CheckReport:
    """Everything `bot.py check` prints."""

    problems: list[Problem]
    coverage: Coverage | None
    kb: KnowledgeBase | None

    def rule_coverage(self) -> tuple[list[str], list[str], list[str]]:
        """Clauses that state a figure or a condition: (applied by a rule definition, exempt with a reason, not yet)."""
        applied: list[str] = []
        exempt: list[str] = []
        missing: list[str] = []
        if self.kb is None:
            return applied, exempt, missing
        for e in self.kb.entries:
            if not (e.facts or e.condition):
                continue
            if e.id in self.kb.rule_coverage:
                applied.append(e.id)
            elif e.no_rule:
                exempt.append(e.id)
            else:
                missing.append(e.id)
        return applied, exempt, missing


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _validate(model: type[Any], data: Any, name: str) -> tuple[Any, list[Problem]]:
    from core.validation import ValidationError, validate  # pydantic: only when validating

    try:
        return validate(model, data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = ".".join(str(p) for p in loc) or "(top)"
            problems.append(Problem(name, line_of(data, loc), f"{where}: {err['msg']}"))
        return None, problems


def _number_tokens(text: str) -> set[Decimal]:
    """Every number written in a text: arabic, Chinese numerals, fractions (三分之二), percentages."""
    out: set[Decimal] = set()
    folded = fold(text)
    for m in re.finditer(r"([一二三四五六七八九十百千]+)分之([一二三四五六七八九十百千]+)", folded):
        try:
            out.add(parse_number(m.group(0)))
        except NumberError:
            pass
    for m in re.finditer(
        r"\d[\d,]*(?:\.\d+)?(?:[十百千萬億]+)?|[零〇一二兩三四五六七八九十百千萬億壹貳參肆伍陸柒捌玖拾佰仟點]+", folded
    ):
        token = m.group(0)
        candidates = [token]
        if not token[0].isdigit():
            # A run of Chinese numerals may join words (十八小時 vs 一般); try each sub-run too.
            candidates += [token[i:j] for i in range(len(token)) for j in range(i + 1, len(token) + 1)]
        for cand in candidates:
            try:
                out.add(parse_number(cand))
            except (NumberError, ArithmeticError):
                continue
    return out


def _fact_in_quote(fact: Fact, quote: str) -> str | None:
    """None when the fact's value is written in the quote (a fraction within 0.001), else a message."""
    want, unit, text = fact.decimal(), fact.unit, fact.text
    if text is not None and fold(text) not in fold(quote):
        return f"fact text {text!r} is not in the quote"
    pool = _number_tokens(text if text is not None else quote)
    percent_forms = {want, want / 100} if unit in ("percent", "%") else {want}
    if any(abs(p - w) < Decimal("0.001") for p in pool for w in percent_forms):
        return None
    where = "its text" if text is not None else "the quote"
    return f"fact value {fact.value} does not appear in {where}"


def load_documents(root: Path, problems: list[Problem]) -> dict[str, Document]:
    """Read documents.yaml."""
    path = root / "documents.yaml"
    data, found = load_yaml(path, _rel(path, root), root)
    problems.extend(found)
    if data is None:
        return {}
    parsed, found = _validate(DocumentsFile, data, _rel(path, root))
    problems.extend(found)
    if parsed is None:
        return {}
    docs: dict[str, Document] = {}
    for i, doc in enumerate(parsed.documents):
        if doc.id in docs:
            problems.append(Problem(_rel(path, root), line_of(data, ("documents", i, "id")), f"duplicate document id {doc.id}"))
        docs[doc.id] = doc
    return docs


def load_glossary(root: Path, problems: list[Problem], documents: dict[str, Document]) -> Glossary | None:
    """Read glossary.yaml; every document it names must be described in documents.yaml, and every document needs a name."""
    path = root / "glossary.yaml"
    name = _rel(path, root)
    data, found = load_yaml(path, name, root)
    problems.extend(found)
    if data is None:
        return None
    parsed, found = _validate(Glossary, data, name)
    problems.extend(found)
    if parsed is None:
        return None
    glossary: Glossary = parsed
    for section in ("schools", "mentions"):
        for doc_id in getattr(glossary, section):
            if doc_id not in documents:
                problems.append(Problem(name, line_of(data, (section, doc_id)), f"{section}: unknown document {doc_id} (not in documents.yaml)"))
    for doc_id in documents:
        if doc_id not in glossary.schools:
            problems.append(Problem(name, line_of(data, ("schools",)), f"schools: document {doc_id} has no names"))
    return glossary


def check(root: Path = KNOWLEDGE_DIR, calculator_names: Iterable[str] | None = None) -> CheckReport:
    """Load and validate everything under `root`; never raises for bad data."""
    problems: list[Problem] = []
    documents = load_documents(root, problems)
    glossary = load_glossary(root, problems, documents)

    sources: dict[str, str] = {}
    folded_sources: dict[str, tuple[str, list[int]]] = {}
    for doc in documents.values():
        src = root / "sources" / doc.source
        try:
            sources[doc.id] = read_knowledge_file(src, root)
        except UnsafeFileError as exc:
            problems.append(Problem(_rel(src, root), 1, f"source of {doc.id}: {exc}"))
            continue
        except UnicodeDecodeError as exc:
            problems.append(Problem(_rel(src, root), 1, f"source of {doc.id}: not UTF-8 ({exc.reason} at byte {exc.start})"))
            continue
        folded_sources[doc.id] = fold_with_lines(sources[doc.id])

    entries: list[Entry] = []
    entry_document: dict[str, str] = {}
    entry_where: dict[str, tuple[str, int]] = {}
    raw_for_lines: dict[str, tuple[str, Any, int]] = {}
    covered: dict[str, set[int]] = {d: set() for d in documents}
    allowed_uncovered: dict[str, set[int]] = {d: set() for d in documents}

    entry_files = sorted((root / "entries").glob("*.yaml"))
    if not entry_files:
        problems.append(Problem(_rel(root / "entries", root), 1, "no entry files"))
    for path in entry_files:
        name = _rel(path, root)
        data, found = load_yaml(path, name, root)
        problems.extend(found)
        if data is None:
            continue
        parsed, found = _validate(EntryFile, data, name)
        problems.extend(found)
        if parsed is None:
            continue
        if path.stem != parsed.document:
            problems.append(Problem(name, line_of(data, ("document",)), f"file name should be {parsed.document}.yaml"))
        doc_id = parsed.document
        if doc_id not in documents:
            problems.append(Problem(name, line_of(data, ("document",)), f"unknown document {doc_id} (not in documents.yaml)"))
            continue
        for rng in parsed.uncovered_ok:
            allowed_uncovered.setdefault(doc_id, set()).update(rng.span())
        for i, entry in enumerate(parsed.entries):

            def at(*loc: str | int, i: int = i) -> int:
                return line_of(data, ("entries", i, *loc))

            if entry.id in entry_where:
                first = entry_where[entry.id]
                problems.append(Problem(name, at("id"), f"duplicate entry id {entry.id} (first at {first[0]}:{first[1]})"))
                continue
            entry_where[entry.id] = (name, at("id"))
            raw_for_lines[entry.id] = (name, data, i)
            entries.append(entry)
            entry_document[entry.id] = doc_id
            # clause and path
            try:
                derived = clause_to_path(entry.clause)
                if derived != entry.path:
                    problems.append(
                        Problem(name, at("path"), f"path {list(entry.path)} does not match clause {entry.clause!r} (expected {list(derived)})")
                    )
            except ValueError as exc:
                problems.append(Problem(name, at("clause"), f"clause {entry.clause!r}: {exc}"))
            # quote verbatim
            if doc_id in folded_sources:
                folded_src, line_map = folded_sources[doc_id]
                q = fold(entry.quote)
                pos = folded_src.find(q) if q else -1
                if pos < 0:
                    problems.append(Problem(name, at("quote"), f"quote of {entry.id} is not verbatim in {doc_id}: {_first_difference(q, folded_src)}"))
                else:
                    while pos >= 0:
                        covered[doc_id].update(line_map[pos : pos + len(q)])
                        pos = folded_src.find(q, pos + 1)
            # facts
            for j, fact in enumerate(entry.facts):
                with localcontext() as ctx:
                    ctx.prec = PRECISION
                    msg = _fact_in_quote(fact, entry.quote)
                if msg:
                    problems.append(Problem(name, at("facts", j), f"{entry.id}: {fact.name}: {msg}"))
            # table cells verbatim
            for col, cell in entry.cells.items():
                if not fold(cell) or fold(cell) not in fold(entry.quote):
                    problems.append(Problem(name, at("cells", col), f"{entry.id}: cell {col!r} is not verbatim in the quote"))
            # questions must not repeat
            seen_q: set[str] = set()
            for j, q_text in enumerate(entry.questions_zh + entry.questions_en):
                if q_text in seen_q:
                    problems.append(Problem(name, at("questions_zh" if j < len(entry.questions_zh) else "questions_en"), f"repeated question {q_text!r}"))
                seen_q.add(q_text)

    ids = set(entry_where)
    rules, rule_coverage = _load_rules(root, documents, entries, entry_document, problems)
    names = (set(calculator_names) | set(rules)) if calculator_names is not None else None
    for entry in entries:
        name, data, i = raw_for_lines[entry.id]
        for j, rel in enumerate(entry.related):
            if rel not in ids:
                problems.append(Problem(name, line_of(data, ("entries", i, "related", j)), f"{entry.id}: related id {rel} does not exist"))
            elif rel == entry.id:
                problems.append(Problem(name, line_of(data, ("entries", i, "related", j)), f"{entry.id}: related to itself"))
        if names is not None:
            for j, calc in enumerate(entry.calculators):
                if calc not in names:
                    problems.append(Problem(name, line_of(data, ("entries", i, "calculators", j)), f"{entry.id}: unknown calculator {calc}"))

    with_entries = set(entry_document.values())
    for doc_id in documents:
        if doc_id in sources and doc_id not in with_entries:
            problems.append(Problem(f"knowledge/entries/{doc_id}.yaml", 1, f"no entries for {doc_id}"))
    _check_overviews(root, documents, entry_document, problems)

    coverage = _coverage(sources, covered, allowed_uncovered)
    for doc_id, lines in coverage.uncovered.items():
        for line in lines:
            text = sources[doc_id].split("\n")[line - 1].strip()
            problems.append(Problem(f"knowledge/sources/{documents[doc_id].source}", line, f"no entry covers this line: {text[:40]}"))

    institutions = _load_optional(root / "gazetteer.yaml", root, GazetteerFile, problems)
    conversation = _load_optional(root / "conversation.yaml", root, ConversationFile, problems)
    if conversation is not None:
        _check_conversation(conversation, root, entry_document, problems)
    smalltalk = _load_optional(root / "smalltalk.yaml", root, SmallTalkFile, problems)

    kb = None
    if glossary is not None and documents:
        kb = KnowledgeBase(
            documents=documents,
            entries=tuple(entries),
            glossary=glossary,
            sources=sources,
            entry_document=entry_document,
            by_id={e.id: e for e in entries},
            rules=rules,
            rule_coverage=rule_coverage,
            institutions=institutions.institutions if institutions is not None else (),
            conversation=conversation or ConversationFile(),
            smalltalk=smalltalk,
        )
    return CheckReport(problems=problems, coverage=coverage, kb=kb)


M = TypeVar("M")


def _load_optional(path: Path, root: Path, model: type[M], problems: list[Problem]) -> M | None:
    """An optional knowledge file: None when absent; problems as file:line when invalid."""
    if not path.exists():
        return None
    name = _rel(path, root)
    data, found = load_yaml(path, name, root)
    problems.extend(found)
    if data is None:
        return None
    parsed, found = _validate(model, data, name)
    problems.extend(found)
    return parsed  # type: ignore[no-any-return]


def _check_overviews(root: Path, documents: dict[str, Document], entry_document: dict[str, str], problems: list[Problem]) -> None:
    """A document's `overview` names one of its own entries."""
    path = root / "documents.yaml"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    for doc in documents.values():
        if doc.overview is None or entry_document.get(doc.overview) == doc.id:
            continue
        line = next((n for n, text in enumerate(lines, 1) if text.strip() == f"overview: {doc.overview}"), 1)
        where = "does not exist" if doc.overview not in entry_document else f"is an entry of {entry_document[doc.overview]}"
        problems.append(Problem(_rel(path, root), line, f"{doc.id}: overview {doc.overview} {where}"))


def _check_conversation(conv: ConversationFile, root: Path, entry_document: dict[str, str], problems: list[Problem]) -> None:
    path = root / "conversation.yaml"
    name = _rel(path, root)
    data, _ = load_yaml(path, name, root)
    for i, proc in enumerate(conv.procedures):
        for j, item in enumerate(proc.items):
            if item.entry not in entry_document:
                problems.append(Problem(name, line_of(data, ("procedures", i, "items", j, "entry")), f"{proc.id}: unknown entry {item.entry}"))
            elif entry_document[item.entry] != proc.document:
                problems.append(Problem(name, line_of(data, ("procedures", i, "items", j, "entry")), f"{proc.id}: {item.entry} is not in {proc.document}"))
    for i, d in enumerate(conv.definitions):
        docs: set[str] = set()
        for j, entry in enumerate(d.entries):
            if entry not in entry_document:
                problems.append(Problem(name, line_of(data, ("definitions", i, "entries", j)), f"{d.term_zh}: unknown entry {entry}"))
            elif entry_document[entry] in docs:
                problems.append(Problem(name, line_of(data, ("definitions", i, "entries", j)), f"{d.term_zh}: two defining clauses in {entry_document[entry]}"))
            else:
                docs.add(entry_document[entry])


def _load_rules(
    root: Path, documents: dict[str, Document], entries: list[Entry], entry_document: dict[str, str], problems: list[Problem]
) -> tuple[dict[str, Rule], dict[str, tuple[str, ...]]]:
    """Read knowledge/rules/*.yaml: validate each definition against the entries' facts, bind it, run its test rows."""
    from rules.validate import check_spec, run_tests  # only when validating (a start from the cache does not)

    with localcontext() as ctx:
        ctx.prec = PRECISION  # a fraction fact ("2/3") is bound as its quotient to the evaluator's precision
        facts: dict[str, dict[str, tuple[Decimal, str]]] = {e.id: {f.name: (f.decimal(), f.unit) for f in e.facts} for e in entries}
    ids = set(facts)
    rules: dict[str, Rule] = {}
    applied: dict[str, list[str]] = {}
    folder = root / "rules"
    share = Sharer()
    by_document: dict[str, set[str]] = {}
    for entry_id in ids:
        by_document.setdefault(entry_document[entry_id], set()).add(entry_id)
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        name = _rel(path, root)
        data, found = load_yaml(path, name, root)
        problems.extend(found)
        if data is None:
            continue
        parsed, found = _validate(RuleFile, data, name)
        problems.extend(found)
        if parsed is None:
            continue
        rule_file: RuleFile = parsed
        doc_id = rule_file.document
        if doc_id not in documents:
            problems.append(Problem(name, line_of(data, ("document",)), f"unknown document {doc_id} (not in documents.yaml)"))
            continue
        if path.stem != doc_id:
            problems.append(Problem(name, line_of(data, ("document",)), f"file name should be {doc_id}.yaml"))
        own = by_document.get(doc_id, set())
        for i, spec in enumerate(rule_file.rules):
            loc: tuple[Any, ...] = ("rules", i)
            if spec.id in rules:
                problems.append(Problem(name, line_of(data, loc + ("id",)), f"duplicate rule {spec.id}"))
                continue
            found_problems = check_spec(spec, loc, facts, own, rule_file.choice_sets)
            for where, message in found_problems:
                problems.append(Problem(name, line_of(data, where), message))
            if found_problems:
                continue
            bound = {local: facts[ref.partition(".")[0]][ref.partition(".")[2]][0] for local, ref in spec.facts.items()}
            units = {local: facts[ref.partition(".")[0]][ref.partition(".")[2]][1] for local, ref in spec.facts.items()}
            rule = Rule(spec, doc_id, bound, units, rule_file.choice_sets)
            failures = run_tests(rule, loc)
            for where, message in failures:
                problems.append(Problem(name, line_of(data, where), message))
            if failures:
                continue
            # kept for answering: without its test rows (run above, and by every `check`), its parts shared
            rules[spec.id] = Rule(share(dataclasses.replace(spec, tests=())), doc_id, bound, units, share(rule_file.choice_sets))
            for entry_id in (spec.entry, *spec.applies, *(ref.partition(".")[0] for ref in spec.facts.values())):
                applied.setdefault(entry_id, [])
                if spec.id not in applied[entry_id]:
                    applied[entry_id].append(spec.id)
    return rules, {k: tuple(v) for k, v in applied.items()}


def _first_difference(quote: str, source: str) -> str:
    """Say how far the quote matches the source, to help fix it."""
    best = 0
    for size in range(len(quote), 0, -1):
        if quote[:size] in source:
            best = size
            break
    if best == 0:
        return "its first character is not in the source"
    return f"matches up to {quote[:best][-12:]!r}, then {quote[best:best + 12]!r} differs"


def _coverage(sources: dict[str, str], covered: dict[str, set[int]], allowed_lines: dict[str, set[int]]) -> Coverage:
    total: dict[str, int] = {}
    uncovered: dict[str, tuple[int, ...]] = {}
    allowed: dict[str, tuple[int, ...]] = {}
    for doc_id, text in sources.items():
        lines = text.split("\n")
        total[doc_id] = len(lines)
        ok = allowed_lines.get(doc_id, set())
        bad: list[int] = []
        good: list[int] = []
        for number, line in enumerate(lines, start=1):
            if not fold(line) or number in covered.get(doc_id, set()):
                continue
            (good if number in ok else bad).append(number)
        uncovered[doc_id] = tuple(bad)
        allowed[doc_id] = tuple(good)
    return Coverage(
        total_lines=total,
        covered_lines={d: frozenset(c) for d, c in covered.items()},
        uncovered=uncovered,
        allowed=allowed,
    )


def load(root: Path = KNOWLEDGE_DIR, calculator_names: Iterable[str] | None = None) -> KnowledgeBase:
    """Load a valid knowledge base or raise KnowledgeBaseError naming every problem."""
    report = check(root, calculator_names)
    if report.problems or report.kb is None:
        raise KnowledgeBaseError(report.problems or [Problem(str(root), 1, "knowledge base incomplete")])
    return report.kb
