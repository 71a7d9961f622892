"""The install's secret: from USER_ID_SECRET, or a key file beside (never inside) the database, created with mode 0600.

Purposes derive their own keys from it (hashing user ids, signing buttons), so one key never serves two uses.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_BYTES = 32


def key_file(db_path: Path) -> Path:
    """Where the key lives when the environment does not give one: next to the database file."""
    return db_path.with_name(db_path.name + ".key")


def load_secret(db_path: Path, configured: str | None = None) -> bytes:
    """The configured secret (hex, or any text of 16 characters or more), else the key file's, created on first use."""
    if configured:
        text = configured.strip()
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            raw = text.encode()
        if len(raw) < 16:
            raise ValueError("USER_ID_SECRET must be at least 16 bytes (32 hex digits)")
        return raw
    path = key_file(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    new = secrets.token_bytes(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(new.hex())
    return new


def derive(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose ("user-id", "button"), derived from the install's secret."""
    return hmac.new(secret, purpose.encode(), hashlib.sha256).digest()


def log_id(secret: bytes, raw: object) -> str:
    """How a user or chat id appears in logs: a short keyed hash, never the id itself."""
    return hmac.new(derive(secret, "log"), str(raw).encode(), hashlib.sha256).hexdigest()[:12]
