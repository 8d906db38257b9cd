"""The system administrator is named on the command line only: the first bootstrap makes one,
`grassroots system-admin` names or removes another."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GRASSROOTS = [sys.executable, "-m", "grassroots.cli"]


@pytest.mark.skipif(os.environ.get("GRASSROOTS_TEST_BACKEND", "sqlite") != "sqlite", reason="runs on its own SQLite file")
def test_bootstrap_names_the_first_system_administrator_and_the_operator_names_others(tmp_path) -> None:
    db = tmp_path / "fresh.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite://{db}", "GRASSROOTS_ADMIN_PASSWORD": "a-long-password"}
    run = lambda *a: subprocess.run([*GRASSROOTS, *a], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: E731
    assert run("migrate").returncode == 0
    first = run("bootstrap", "--district", "临江新区", "--code", "LJ", "--admin", "boss")
    assert first.returncode == 0 and "system administrator" in first.stdout, first.stderr
    second = run("bootstrap", "--district", "西岭新区", "--code", "XL", "--admin", "boss2")
    assert second.returncode == 0 and "system administrator" not in second.stdout, second.stderr

    def marked() -> dict[str, int]:
        with sqlite3.connect(db) as c:
            return dict(c.execute("select username, is_system_admin from app_user order by id"))

    assert marked() == {"boss": 1, "boss2": 0}
    assert run("system-admin", "boss2").returncode == 0
    assert run("system-admin", "boss", "--revoke").returncode == 0
    assert marked() == {"boss": 0, "boss2": 1}
    missing = run("system-admin", "nobody")
    assert missing.returncode == 2 and "no user" in missing.stderr
