"""Shared fixtures: the shipped knowledge base and an engine on it, built once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from calculators import REGISTRY  # noqa: E402
from core.engine import Engine  # noqa: E402
from core.kb import KnowledgeBase, load  # noqa: E402


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load(ROOT / "knowledge", REGISTRY)


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb, REGISTRY)
