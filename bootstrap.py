"""The one place that wires the assistant: knowledge base → calculators → normaliser, matcher → engine → front ends.

`bot.py`, the staff `/reload`, the tests and the scripts all build the engine here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from calculators import REGISTRY
from config import Config
from core.engine import Engine
from core.kb import KnowledgeBase, KnowledgeBaseError, load
from core.matcher import Matcher
from core.normalize import Normaliser


def load_knowledge(knowledge_dir: Path) -> KnowledgeBase:
    """Load and validate the knowledge base (raises KnowledgeBaseError naming every problem)."""
    return load(knowledge_dir, REGISTRY)


def build_engine(kb: KnowledgeBase) -> Engine:
    """The answering core over a validated knowledge base: its rule definitions (and the Python calculators not yet
    moved into them) as the calculators."""
    normaliser = Normaliser(kb.glossary, kb.institutions)
    calculators: dict[str, Any] = {**REGISTRY, **kb.rules}
    return Engine(kb, normaliser, Matcher(kb, normaliser), calculators)


def engine_from(knowledge_dir: Path) -> Engine:
    """Load, validate and build in one step (raises KnowledgeBaseError)."""
    return build_engine(load_knowledge(knowledge_dir))


def engine_or_exit(config: Config, err: TextIO = sys.stderr) -> Engine:
    """The engine for the configured knowledge base; on an invalid one, print the problems and exit with status 1."""
    try:
        return engine_from(config.knowledge_dir)
    except KnowledgeBaseError as exc:
        for problem in exc.problems[:50]:
            print(problem, file=err)
        print(f"the knowledge base is invalid ({len(exc.problems)} problem(s)); refusing to start. Run: python bot.py check", file=err)
        raise SystemExit(1) from exc


def calculator_names() -> list[str]:
    """The names `check` accepts in entries' `calculators:`."""
    return sorted(REGISTRY)


def run(config: Config, console: bool = False) -> int:
    """Run the front ends the configuration asks for: Telegram when its token is set, otherwise the console chat."""
    engine = engine_or_exit(config)
    if config.token and not console:
        from frontends.telegram.app import run_telegram

        return run_telegram(config, engine, lambda: engine_from(config.knowledge_dir))
    from frontends.console import run_console

    return run_console(engine)
