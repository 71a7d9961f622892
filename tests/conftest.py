"""Shared fixtures: the shipped knowledge base and an engine on it, built once per session (through bootstrap)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bootstrap import build_engine, load_knowledge  # noqa: E402
from core.engine import Engine  # noqa: E402
from core.kb import KnowledgeBase  # noqa: E402


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase) -> Engine:
    return build_engine(kb)
