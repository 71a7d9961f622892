#!/usr/bin/env python3
"""The container's HEALTHCHECK: GET /healthz on the LINE webhook port when LINE is configured, otherwise the
heartbeat file that a running bot touches every 30 s (stale after 120 s). Exit 0 when healthy, 1 when not."""

from __future__ import annotations

import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import Config, ConfigError  # noqa: E402

STALE_S = 120.0


def main() -> int:
    try:
        config = Config.from_env()
    except ConfigError as exc:
        print(f"unhealthy: configuration error: {exc}")
        return 1
    if config.line_enabled:
        url = f"http://127.0.0.1:{config.line_port}/healthz"
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - our own loopback address
                ok = resp.status == 200
        except OSError as exc:
            print(f"unhealthy: {url}: {exc}")
            return 1
        print("healthy" if ok else f"unhealthy: {url} answered {resp.status}")
        return 0 if ok else 1
    beat = config.heartbeat_path
    try:
        age = time.time() - beat.stat().st_mtime
    except OSError:
        print(f"unhealthy: no heartbeat at {beat}")
        return 1
    if age > STALE_S:
        print(f"unhealthy: heartbeat {age:.0f} s old")
        return 1
    print(f"healthy (heartbeat {age:.0f} s old)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
