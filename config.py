"""The one place that reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent


class ConfigError(ValueError):
    """An environment variable holds a value we cannot use."""


@dataclass(frozen=True)
class Config:
    """Settings read once at start-up."""

    token: str | None = None
    base_url: str | None = None
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    db_path: Path = ROOT / "data" / "bot.sqlite3"
    knowledge_dir: Path = ROOT / "knowledge"
    webhook_url: str | None = None
    webhook_port: int = 8443
    log_retention_days: int = 180
    flood_limit: int = 20
    flood_window_s: float = 60.0
    log_level: str = "INFO"
    rate_limiter: bool = True  # AIORateLimiter for Telegram's limits; off only against a test server
    user_id_secret: str | None = None  # USER_ID_SECRET: the install's secret (else a 0600 key file beside the database)
    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    line_host: str = "0.0.0.0"
    line_port: int = 8080
    line_api_base_url: str | None = None  # the Messaging API (and its data API) at another address, e.g. a test server
    line_push_fallback: bool = False  # push (billed) when a reply token has expired or was refused
    cache_dir: Path | None = ROOT / "data" / "cache"  # the validated knowledge base and its index (None: no cache)
    db_commit_ms: int = 100  # DB_COMMIT_MS: the servers' writes are committed together this often (0: each at once)
    answer_processes: int = 2  # ANSWER_PROCESSES: typed questions answered in this many forked processes (0: in threads)

    @property
    def heartbeat_path(self) -> Path:
        """The file a running server touches every 30 s (beside the database: a writable place); the HEALTHCHECK reads it."""
        return self.db_path.with_name("heartbeat")

    @property
    def line_enabled(self) -> bool:
        """LINE is served when both its channel secret and its access token are set."""
        return bool(self.line_channel_secret and self.line_channel_access_token)

    def __repr__(self) -> str:  # never show a token or a secret
        return (
            f"Config(token={'set' if self.token else 'unset'}, base_url={self.base_url!r}, admins={len(self.admin_ids)}, db={self.db_path}, "
            f"line={'set' if self.line_enabled else 'unset'}, line_port={self.line_port}, line_api_base_url={self.line_api_base_url!r})"
        )

    def secrets(self) -> list[str]:
        """Every secret value configured (fields named *token or *secret): what logs must never show."""
        out: list[str] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith(("token", "secret")) and isinstance(value, str) and value:
                out.append(value)
        return out

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Config:
        """Read the environment (or a given mapping)."""
        e = dict(os.environ if env is None else env)
        admins: set[int] = set()
        for part in (e.get("ADMIN_USER_IDS") or "").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                raise ConfigError(f"ADMIN_USER_IDS: {part!r} is not an integer user id")
            admins.add(int(part))
        def _int(name: str, default: int, low: int, high: int) -> int:
            raw = e.get(name)
            if raw is None or raw.strip() == "":
                return default
            try:
                value = int(raw)
            except ValueError as exc:
                raise ConfigError(f"{name}: {raw!r} is not an integer") from exc
            if not low <= value <= high:
                raise ConfigError(f"{name}: {value} is outside {low}..{high}")
            return value
        def _flag(name: str, default: bool) -> bool:
            raw = (e.get(name) or "").strip().lower()
            if not raw:
                return default
            if raw in ("1", "on", "true", "yes"):
                return True
            if raw in ("0", "off", "false", "no"):
                return False
            raise ConfigError(f"{name}: {raw!r} is not on or off")
        db_path = Path(e["BOT_DB_PATH"]) if e.get("BOT_DB_PATH") else ROOT / "data" / "bot.sqlite3"
        # CACHE_DIR: where the validated knowledge base and its built index are kept between starts (safe to delete);
        # default `cache/` beside the database; "off" for none.
        raw_cache = (e.get("CACHE_DIR") or "").strip()
        cache_dir = None if raw_cache.lower() in ("off", "none", "0", "false", "no") else Path(raw_cache) if raw_cache else db_path.parent / "cache"
        return cls(
            token=(e.get("TELEGRAM_BOT_TOKEN") or "").strip() or None,
            base_url=(e.get("TELEGRAM_BASE_URL") or "").strip() or None,
            admin_ids=frozenset(admins),
            db_path=db_path,
            knowledge_dir=Path(e["KNOWLEDGE_DIR"]) if e.get("KNOWLEDGE_DIR") else ROOT / "knowledge",
            webhook_url=(e.get("WEBHOOK_URL") or "").strip() or None,
            webhook_port=_int("WEBHOOK_PORT", 8443, 1, 65535),
            log_retention_days=_int("LOG_RETENTION_DAYS", 180, 1, 36500),
            flood_limit=_int("FLOOD_LIMIT", 20, 1, 10_000),
            log_level=(e.get("LOG_LEVEL") or "INFO").upper(),
            rate_limiter=(e.get("RATE_LIMITER") or "on").strip().lower() not in ("off", "0", "false", "no"),
            user_id_secret=_secret(e.get("USER_ID_SECRET")),
            line_channel_secret=(e.get("LINE_CHANNEL_SECRET") or "").strip() or None,
            line_channel_access_token=(e.get("LINE_CHANNEL_ACCESS_TOKEN") or "").strip() or None,
            line_host=(e.get("LINE_HOST") or "").strip() or "0.0.0.0",
            line_port=_int("LINE_PORT", 8080, 1, 65535),
            line_api_base_url=(e.get("LINE_API_BASE_URL") or "").strip().rstrip("/") or None,
            line_push_fallback=_flag("LINE_PUSH_FALLBACK", False),
            cache_dir=cache_dir,
            db_commit_ms=_int("DB_COMMIT_MS", 100, 0, 10_000),
            answer_processes=_int("ANSWER_PROCESSES", 2, 0, 16),
        )


def _secret(raw: str | None) -> str | None:
    """USER_ID_SECRET: unset, or at least 16 bytes (32 hex digits, or 16 characters or more of text)."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        size = len(bytes.fromhex(text))
    except ValueError:
        size = len(text.encode())
    if size < 16:
        raise ConfigError("USER_ID_SECRET: too short; use at least 32 hex digits (e.g. the output of: openssl rand -hex 32)")
    return text
