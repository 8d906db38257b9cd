"""What an operator meets: production serves the API only, settings are refused rather than
guessed, the data directory is the working directory's ./var."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from grassroots.cli import main
from grassroots.settings import Settings, SettingsError
from tests.conftest import serve


async def test_production_serves_no_ide_assets_and_no_redirect_to_a_404(database, tmp_path):
    url, redis_url = database
    settings = Settings(database_url=url, redis_url=redis_url, data_dir=tmp_path / "d", production=True)
    async with serve(settings) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        home = await http.get("/", follow_redirects=False)
        assert home.status_code == 404, home.headers  # not a redirect to /graphql, which is 404 here
        assert (await http.get("/static/graphiql/graphiql.min.js")).status_code == 404
        assert (await http.get("/graphql", headers={"Accept": "text/html"})).status_code == 404
        r = await http.post("/graphql", json={"query": "{ __typename }"})
        assert r.json() == {"data": {"__typename": "Query"}}
    settings = Settings(database_url=url, redis_url=redis_url, data_dir=tmp_path / "e", production=False)
    async with serve(settings) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        assert (await http.get("/", follow_redirects=False)).headers["location"] == "/graphql"
        assert (await http.get("/static/graphiql/graphiql.min.js")).status_code == 200


@pytest.mark.parametrize("value", ["prod", "Production", "staging", "dev"])
def test_an_unknown_environment_is_refused(monkeypatch, capsys, value):
    monkeypatch.setenv("GRASSROOTS_ENV", value)
    with pytest.raises(SettingsError, match="GRASSROOTS_ENV must be one of development, production"):
        Settings.from_env()
    assert main(["migrate"]) == 2
    assert f"GRASSROOTS_ENV must be one of development, production, not '{value}'" in capsys.readouterr().err


@pytest.mark.parametrize("value,production", [("production", True), ("development", False), (None, False)])
def test_known_environments(monkeypatch, value, production):
    if value is None:
        monkeypatch.delenv("GRASSROOTS_ENV", raising=False)
    else:
        monkeypatch.setenv("GRASSROOTS_ENV", value)
    assert Settings.from_env().production is production


def test_the_data_directory_defaults_to_var_in_the_working_directory(monkeypatch, tmp_path):
    import grassroots

    monkeypatch.delenv("GRASSROOTS_DATA_DIR", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    s = Settings.from_env()
    assert s.data_dir == (tmp_path / "var").resolve()
    assert s.database_url == f"sqlite://{(tmp_path / 'var' / 'grassroots.sqlite3').resolve()}"
    package = Path(grassroots.__file__).resolve().parent.parent
    assert package not in s.data_dir.parents  # never inside an installed package (site-packages)


def test_deployments_get_distinct_namespaces(monkeypatch):
    a = Settings(database_url="postgres://u:secret@db:5432/town_a", redis_url="redis://r:6379/0", data_dir=Path("."), production=True)
    b = Settings(database_url="postgres://u:secret@db:5432/town_b", redis_url="redis://r:6379/0", data_dir=Path("."), production=True)
    c = Settings(database_url="postgres://u:secret@db:5432/town_a", redis_url="redis://r:6379/1", data_dir=Path("."), production=True)
    assert len({a.namespace, b.namespace, c.namespace}) == 3 and "secret" not in a.namespace
    monkeypatch.setenv("GRASSROOTS_CHANNEL_PREFIX", "lj")
    monkeypatch.setenv("GRASSROOTS_ENV", "production")
    assert Settings.from_env().namespace == "lj"
