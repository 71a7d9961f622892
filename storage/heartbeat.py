"""A heartbeat file beside the database: the running bot touches it from its event loop; `bot.py health` (the Docker
HEALTHCHECK) reports unhealthy when it is missing or stale, i.e. when the bot is gone or its loop is stalled."""

from __future__ import annotations

import os
import time
from pathlib import Path

INTERVAL_S = 30.0  # how often a running front end beats
MAX_AGE_S = 120.0  # older than this: unhealthy


def heartbeat_file(db_path: Path) -> Path:
    """Where the heartbeat lives: next to the database (the data volume in Docker)."""
    return Path(db_path).with_name("heartbeat")


def beat(db_path: Path, now: float | None = None) -> None:
    """Touch the heartbeat (created owner-only); errors are the caller's to log."""
    path = heartbeat_file(db_path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"{time.time() if now is None else now:.0f}\n")
    if now is not None:
        os.utime(path, (now, now))


def age(db_path: Path, now: float | None = None) -> float | None:
    """Seconds since the last beat; None when there has been none."""
    try:
        mtime = heartbeat_file(db_path).stat().st_mtime
    except OSError:
        return None
    return (time.time() if now is None else now) - mtime


def health(db_path: Path, now: float | None = None) -> tuple[bool, str]:
    """Whether the running bot is healthy, and a line saying why."""
    seconds = age(db_path, now)
    if seconds is None:
        return False, "unhealthy: no heartbeat"
    if seconds > MAX_AGE_S:
        return False, f"unhealthy: last heartbeat {seconds:.0f} s ago"
    return True, f"healthy: last heartbeat {seconds:.0f} s ago"
