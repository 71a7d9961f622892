"""The install's secret: from USER_ID_SECRET, or a key file beside (never inside) the database, created with mode 0600.

Purposes derive their own keys from it (signing buttons, ids in logs), so one key never serves two uses. User ids are
hashed with the secret itself, as before the secret left the database, so that hashes stored earlier still match.

Earlier versions kept the secret in the database's `meta` table; the first start of this version moves it to the key
file (unless USER_ID_SECRET is set) and the repository's schema migration then deletes it from the database.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)

KEY_BYTES = 32
MIN_SECRET_BYTES = 16
LEGACY_META_KEY = "hash_secret"  # where versions before the key file kept the secret, in the database's meta table


def key_file(db_path: Path) -> Path:
    """Where the key lives when the environment does not give one: next to the database file."""
    return db_path.with_name(db_path.name + ".key")


def parse_secret(configured: str) -> bytes:
    """USER_ID_SECRET as bytes: hex when it is hex, else its UTF-8 text; at least 16 bytes (ValueError otherwise)."""
    text = configured.strip()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = text.encode()
    if len(raw) < MIN_SECRET_BYTES:
        raise ValueError(f"USER_ID_SECRET must be at least {MIN_SECRET_BYTES} bytes (32 hex digits)")
    return raw


def legacy_secret(db_path: Path) -> bytes | None:
    """The secret an earlier version stored inside the database, if it is still there (the database is only read;
    a database that does not exist yet is not created)."""
    if str(db_path) == ":memory:" or not Path(db_path).is_file():
        return None
    try:
        db = sqlite3.connect(str(db_path), timeout=5.0)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (LEGACY_META_KEY,)).fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None  # no meta table (a new database), or not a database at all: nothing to adopt
    try:
        return bytes.fromhex(str(row[0])) if row else None
    except ValueError:
        return None


def load_secret(db_path: Path, configured: str | None = None) -> bytes:
    """The configured secret, else the key file's; on first use the key file is created (mode 0600) holding the
    secret an earlier version kept in the database, or a new random one. Raises OSError when it cannot be written."""
    if configured:
        return parse_secret(configured)
    path = key_file(Path(db_path))
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    old = legacy_secret(Path(db_path))
    new = old if old is not None else secrets.token_bytes(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it meanwhile: use theirs
        return _read_key(path)
    with os.fdopen(fd, "w") as f:
        f.write(new.hex())
    if old is not None:
        log.info("moved the user-id secret out of the database into %s", path)
    return new


def _read_key(path: Path) -> bytes:
    raw = bytes.fromhex(path.read_text().strip())
    if len(raw) < MIN_SECRET_BYTES:
        raise ValueError(f"{path}: the key is shorter than {MIN_SECRET_BYTES} bytes")
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        try:
            os.chmod(path, 0o600)  # a key file others could read is tightened
        except OSError as exc:
            log.warning("the key file %s is readable by others and cannot be tightened: %s", path, exc.strerror or exc)
    return raw


def install_secret(db_path: Path, configured: str | None = None) -> bytes:
    """`load_secret`, except that a key file that cannot be written leaves a secret for this run only (logged):
    the bot keeps answering, as it does when its database cannot be opened."""
    try:
        return load_secret(db_path, configured)
    except OSError as exc:
        log.error("cannot keep the user-id secret in %s (%s); using one for this run only", key_file(Path(db_path)), exc.strerror or exc)
        return secrets.token_bytes(KEY_BYTES)


def derive(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose ("button", "log"), derived from the install's secret."""
    return hmac.new(secret, purpose.encode(), hashlib.sha256).digest()


def user_hash(secret: bytes, user_id: int | str) -> str:
    """The stored form of a user id: HMAC-SHA256 with the install's secret (Telegram ids are integers; other
    platforms pass a prefixed string such as "line:U…", so users of two platforms never share a row)."""
    key = str(int(user_id)) if isinstance(user_id, int) else str(user_id)
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()[:32]


def log_id(secret: bytes, raw: object) -> str:
    """How a user or chat id appears in logs: a short keyed hash, never the id itself."""
    return hmac.new(derive(secret, "log"), str(raw).encode(), hashlib.sha256).hexdigest()[:12]
