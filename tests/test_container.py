"""The container and the dependencies: the Dockerfile pins its base by digest, runs tini as PID 1, installs only
from the lock file with hashes, compiles bytecode, copies every package the bot imports, prints the knowledge base's
problems when it refuses to build and ships its health check; `./run`, `./test` and the Docker build install from lock
files that pin every package with hashes; the test environment holds nothing the lock does not list."""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
INSTRUCTIONS = [line.strip() for line in re.sub(r"\\\n", " ", DOCKERFILE).splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _lock(name: str) -> dict[str, tuple[str, frozenset[str]]]:
    """name -> (version, hashes) of a lock file."""
    text = (ROOT / name).read_text(encoding="utf-8")
    out: dict[str, tuple[str, frozenset[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        m = re.match(r"([A-Za-z0-9_.\-]+)==([^\s;\\]+)", block)
        if m:
            out[_canonical(m.group(1))] = (m.group(2), frozenset(re.findall(r"--hash=sha256:([0-9a-f]{64})", block)))
    return out


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        m = re.match(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)", line.strip())
        if m:
            out[_canonical(m.group(1))] = m.group(2)
    return out


def test_base_image_is_pinned_by_digest() -> None:
    froms = [i for i in INSTRUCTIONS if i.upper().startswith("FROM ")]
    assert froms and all(re.fullmatch(r"FROM \S+:\S+@sha256:[0-9a-f]{64}( AS \S+)?", f, flags=re.I) for f in froms), froms


def test_tini_is_pid_1_and_the_bot_its_child() -> None:
    assert any(re.search(r"apt-get install .*\btini\b", i) for i in INSTRUCTIONS)
    assert 'ENTRYPOINT ["tini", "--"]' in INSTRUCTIONS
    assert 'CMD ["python", "bot.py"]' in INSTRUCTIONS


def test_dependencies_come_only_from_the_lock_file_with_hashes() -> None:
    installs = [i for i in INSTRUCTIONS if "pip install" in i]
    assert installs == ["RUN pip install --require-hashes --no-deps -r requirements.lock"]
    assert "COPY requirements.lock ." in INSTRUCTIONS


def test_bytecode_is_compiled_and_every_package_is_copied() -> None:
    assert any(i.startswith("RUN python -m compileall") for i in INSTRUCTIONS)
    copied = " ".join(i for i in INSTRUCTIONS if i.startswith("COPY "))
    modules = [p.name for p in ROOT.glob("*.py")]
    packages = [p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in ("tests", "scripts")]
    missing = [m for m in modules + packages + ["knowledge"] if not re.search(rf"(^|\s){re.escape(m)}(\s|$)", copied)]
    assert missing == []
    # Every source a COPY names exists (a removed package left in the Dockerfile breaks the build).
    sources = [src for i in INSTRUCTIONS if i.startswith("COPY ") and "--from" not in i for src in i.split()[1:-1]]
    assert sources and [s for s in sources if not (ROOT / s).exists()] == []


def test_the_build_shows_the_knowledge_base_problems_and_checks_health() -> None:
    checks = [i for i in INSTRUCTIONS if "bot.py check" in i]
    assert checks and all(">" not in c and "/dev/null" not in c for c in checks), checks  # the problems reach the log
    health = [i for i in INSTRUCTIONS if i.startswith("HEALTHCHECK ")]
    assert health and 'CMD ["python", "scripts/healthcheck.py"]' in health[0]
    # The build context leaves scripts/ out, except the health check the image runs.
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "COPY scripts/healthcheck.py ./scripts/healthcheck.py" in INSTRUCTIONS and "!scripts/healthcheck.py" in ignored


def test_lock_files_pin_every_requirement_with_hashes() -> None:
    runtime, dev = _lock("requirements.lock"), _lock("requirements-dev.lock")
    assert runtime and dev
    for name, (version, hashes) in {**runtime, **dev}.items():
        assert hashes, f"{name} has no hash"
    for name, version in _requirements("requirements.txt").items():
        assert runtime.get(name, ("",))[0] == version, f"{name}=={version} is not in requirements.lock"
    for name, version in _requirements("requirements-dev.txt").items():
        assert dev.get(name, ("",))[0] == version, f"{name}=={version} is not in requirements-dev.lock"
    for name, (version, _) in runtime.items():
        assert dev.get(name, ("",))[0] == version, f"{name}: the dev lock has another version than the runtime lock"


def test_run_and_test_install_from_the_lock_files() -> None:
    setup = (ROOT / "scripts" / "setup-venv.sh").read_text(encoding="utf-8")
    assert "--require-hashes" in setup
    assert "scripts/setup-venv.sh requirements.lock" in (ROOT / "run").read_text(encoding="utf-8")
    assert "scripts/setup-venv.sh requirements-dev.lock" in (ROOT / "test").read_text(encoding="utf-8")
    assert "pip-compile" in (ROOT / "scripts" / "lock.sh").read_text(encoding="utf-8")


@pytest.mark.skipif(Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(), reason="runs in the project's .venv (./test)")
def test_every_installed_package_is_in_the_lock() -> None:
    dev = _lock("requirements-dev.lock")
    stray = []
    for dist in metadata.distributions():
        name = _canonical(dist.metadata["Name"])
        if name in ("pip", "setuptools", "wheel"):
            continue
        if dev.get(name, ("",))[0] != dist.version:
            stray.append(f"{name}=={dist.version}")
    assert stray == []
