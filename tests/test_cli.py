"""The command line: bootstrap a fresh installation, print the schema."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GRASSROOTS = [sys.executable, "-m", "grassroots.cli"]


@pytest.mark.skipif(os.environ.get("GRASSROOTS_TEST_BACKEND", "sqlite") != "sqlite", reason="runs on its own SQLite file")
def test_bootstrap_creates_a_district_and_an_admin_once(tmp_path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'fresh.sqlite3'}", "GRASSROOTS_ADMIN_PASSWORD": "a-long-password"}
    run = lambda *a: subprocess.run([*GRASSROOTS, *a], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: E731
    assert run("migrate").returncode == 0
    first = run("bootstrap", "--district", "临江新区", "--code", "LJ", "--admin", "boss")
    assert first.returncode == 0, first.stderr
    assert "LJ" in first.stdout
    again = run("bootstrap", "--district", "临江新区", "--code", "LJ", "--admin", "boss2")
    assert again.returncode == 2 and "exists already" in again.stderr
    demo = run("demo")
    assert "not empty" in demo.stdout


def test_schema_command_prints_the_sdl() -> None:
    out = subprocess.run([*GRASSROOTS, "schema"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "type Mutation" in out.stdout and "recruitmentCampaignOpen" in out.stdout
