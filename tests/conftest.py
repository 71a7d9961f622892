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


# Every test is in one of three groups, selected with -m: by its file, unless marked itself (a subprocess smoke test
# in a unit file is e2e).
HANDLERS = frozenset({"test_answering.py", "test_telegram.py", "test_telegram_network.py", "test_telegram_flows.py", "test_telegram_security.py", "test_line.py"})
E2E = frozenset({"test_e2e.py", "test_line_e2e.py", "test_faults.py", "test_startup.py"})
GROUPS = ("unit", "handlers", "e2e")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if any(m.name in GROUPS for m in item.iter_markers()):
            continue
        name = item.path.name
        item.add_marker(pytest.mark.e2e if name in E2E else pytest.mark.handlers if name in HANDLERS else pytest.mark.unit)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase) -> Engine:
    return build_engine(kb)
