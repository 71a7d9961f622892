"""Command-line subcommands: check, kb, ask, calc."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from typing import IO, Any

from core.engine import Engine
from core.kb import check as check_kb
from core.dialogue import EMPTY, Sessions
from core.model import AnswerContext


def check_command(knowledge_dir: Path, calculator_names: list[str], out: IO[str] = sys.stdout) -> int:
    """Validate the knowledge base; print every problem as file:line: message and a coverage report."""
    report = check_kb(knowledge_dir, calculator_names)
    for problem in report.problems:
        print(problem, file=out)
    cov = report.coverage
    if cov is not None:
        print("coverage (non-blank source lines quoted by some entry):", file=out)
        for doc_id in sorted(cov.total_lines):
            src = report.kb.sources[doc_id] if report.kb else ""
            nonblank = sum(1 for line in src.split("\n") if line.strip()) if src else 0
            covered = len(cov.covered_lines.get(doc_id, ()))
            allowed = cov.allowed.get(doc_id, ())
            missing = cov.uncovered.get(doc_id, ())
            print(f"  {doc_id}: {covered} covered, {len(allowed)} allowed uncovered (titles, images, forms), {len(missing)} uncovered", file=out)
            if missing:
                print(f"    uncovered lines: {_ranges(missing)}", file=out)
    applied, exempt, missing_rules = report.rule_coverage()
    total = len(applied) + len(exempt) + len(missing_rules)
    print(f"rules: {len(report.kb.rules) if report.kb else 0} definitions; of {total} clauses that state a figure or condition, "
          f"{len(applied)} applied by a definition, {len(exempt)} exempt (no_rule), {len(missing_rules)} not yet", file=out)
    if missing_rules:
        print("    not yet applied: " + ", ".join(missing_rules), file=out)
    n = len(report.kb.entries) if report.kb else 0
    if report.problems:
        print(f"{len(report.problems)} problem(s); {n} entries", file=out)
        return 1
    print(f"ok: {n} entries, no problems", file=out)
    return 0


def _ranges(lines: tuple[int, ...]) -> str:
    parts: list[str] = []
    start = prev = -2
    for n in lines:
        if start < 0:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            parts.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = n
    if start >= 0:
        parts.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(parts)


def kb_command(knowledge_dir: Path, calculator_names: list[str], as_json: bool, out: IO[str] = sys.stdout) -> int:
    """Print every entry (JSON with --json)."""
    report = check_kb(knowledge_dir, calculator_names)
    if report.kb is None:
        for problem in report.problems:
            print(problem, file=sys.stderr)
        return 1
    kb = report.kb
    rows = [
        {
            "id": e.id,
            "document": kb.entry_document[e.id],
            "clause": e.clause,
            "path": list(e.path),
            "title": e.title,
            "quote": e.quote,
            "answer_zh": e.answer_zh,
            "answer_en": e.answer_en,
        }
        for e in kb.entries
    ]
    if as_json:
        json.dump(rows, out, ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        for r in rows:
            print(f"{r['id']}\t{r['document']}\t{r['clause']}\t{r['title']}", file=out)
    return 0


def ask_command(engine: Engine, questions: list[str], as_json: bool, stdin: IO[str] = sys.stdin, out: IO[str] = sys.stdout) -> int:
    """Answer questions from the arguments, or one a line from standard input (JSONL out with --json)."""
    if questions:
        items = [" ".join(questions)]
        stream = iter(items)
    else:
        stream = (line.rstrip("\r\n") for line in _lines(stdin))
    sessions = Sessions()
    clock = 0.0  # turns of a session are answered in input order; a logical clock keeps them within the session's lifetime
    for line in stream:
        turn = _turn(line)
        if turn is None:
            ans = engine.answer(line, AnswerContext())
        else:
            q, session, ctx = turn
            clock += 1.0
            state = sessions.get(session, clock) if session is not None else EMPTY
            ans, state = engine.converse(q, ctx, state, clock)
            if session is not None:
                sessions.put(session, state)
        if as_json:
            out.write(json.dumps(ans.to_json(), ensure_ascii=False) + "\n")
        else:
            out.write(ans.text + "\n\n")
        out.flush()
    return 0


def _turn(line: str) -> tuple[str, str | None, AnswerContext] | None:
    """A JSON object line `{"q": ..., "session": ..., "lang": ..., "school": ...}` as a conversation turn; None for plain text."""
    if not line.lstrip().startswith("{"):
        return None
    try:
        obj: Any = json.loads(line)
    except ValueError:
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("q"), str):
        return None
    session = obj.get("session")
    lang = obj.get("lang") if obj.get("lang") in ("zh", "en") else None
    school = obj.get("school") if isinstance(obj.get("school"), str) else None
    return obj["q"], (str(session) if session is not None and not isinstance(session, (dict, list)) else None), AnswerContext(default_school=school, lang=lang)


def _lines(stdin: IO[str]) -> Iterator[str]:
    """Lines of standard input, decoding invalid UTF-8 with replacement instead of failing."""
    buf = getattr(stdin, "buffer", None)
    if buf is None:
        yield from stdin
        return
    for raw in buf:
        yield raw.decode("utf-8", errors="replace")


def calc_command(engine: Engine, name: str | None, pairs: list[str], as_json: bool, list_only: bool, out: IO[str] = sys.stdout) -> int:
    """Run one calculator with key=value parameters, or list them."""
    from rules.base import CalcError

    if list_only or not name:
        for calc in engine.calculators():
            print(f"{calc.name}: {calc.title_zh} / {calc.title_en}", file=out)
            for p in calc.params:
                req = "required" if p.required else "optional"
                print(f"    {p.name} ({p.kind}, {req}; {p.allowed()}): {p.label_zh} / {p.label_en}", file=out)
        return 0 if list_only else 2
    if engine.calculator(name) is None:
        print(f"unknown calculator {name!r}; try: python bot.py calc --list", file=sys.stderr)
        return 2
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            print(f"parameters are key=value, got {pair!r}", file=sys.stderr)
            return 2
        params[key.strip()] = value.strip()
    try:
        ans = engine.run_calculator(name, params, "zh", question=f"calc {name} " + " ".join(pairs))
    except CalcError as err:
        if as_json:
            out.write(json.dumps({"error": {"param": err.param, "message_zh": err.message_zh, "message_en": err.message_en, "allowed": err.allowed}}, ensure_ascii=False) + "\n")
        else:
            print(f"錯誤 error: {err.message_zh} / {err.message_en}" + (f" (allowed: {err.allowed})" if err.allowed else ""), file=sys.stderr)
        return 1
    if as_json:
        out.write(json.dumps(ans.to_json(), ensure_ascii=False) + "\n")
    else:
        out.write(ans.text + "\n")
    return 0
