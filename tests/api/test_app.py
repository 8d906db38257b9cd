"""The running application: health through the worker, GraphiQL served locally, guardrails on."""
from __future__ import annotations

import re

from tests.factory import PASSWORD, build_world


async def test_health_goes_through_the_queue_and_the_worker(api):
    await build_world()
    r = await api.http.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["ok"] is True and body["worker"]["pong"] is True and body["worker"]["nodes"] == 11


async def test_health_failure_names_no_address_and_logs_an_error_id(api, monkeypatch, caplog):
    """A broken queue answers 503 with a fixed message and an error id; the exception itself
    (here with a Redis address in it) is only in the log, with its traceback, under that id."""
    from workers import queue

    async def broken(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 10.1.2.3:6390. Connection refused.")

    monkeypatch.setattr(queue, "run_and_wait", broken)
    with caplog.at_level("ERROR", logger="grassroots"):
        r = await api.http.get("/healthz")
    assert r.status_code == 503
    body = r.json()
    assert "10.1.2.3" not in r.text and "6390" not in r.text and "ConnectionError" not in r.text
    assert re.fullmatch(r"[0-9a-f]{12}", body["errorId"])
    assert body == {"ok": False, "error": f"the worker queue is unavailable (error id {body['errorId']})", "errorId": body["errorId"]}
    [record] = [r for r in caplog.records if body["errorId"] in r.getMessage()]
    assert record.exc_info and "10.1.2.3:6390" in str(record.exc_info[1])


async def test_graphiql_is_served_without_a_cdn(api):
    r = await api.http.get("/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "graphiql" in r.text.lower()
    assert not re.search(r"(src|href)=\"https?://", r.text)
    for asset in re.findall(r"(?:src|href)=\"(/static/graphiql/[^\"]+)\"", r.text):
        got = await api.http.get(asset)
        assert got.status_code == 200 and got.content, asset


async def test_costly_and_deep_queries_are_refused(api):
    await build_world()
    admin = await api.as_user("admin", PASSWORD)
    nested = "{ districts { " + "children(first: 100) { nodes { " * 5 + "name" + " } }" * 5 + " } }"
    body = await admin.raw(nested)
    assert body["errors"] and "cost" in body["errors"][0]["message"]
    deep = "{ districts { " + "parent { " * 14 + "name" + " }" * 14 + " } }"
    body = await admin.raw(deep)
    assert body["errors"] and "depth" in body["errors"][0]["message"].lower()
    body = await admin.raw("{ treeNodes(first: 101) { totalCount } }")
    assert "between 0 and 100" in body["errors"][0]["message"]


async def test_health_fails_clearly_when_no_worker_runs(database, tmp_path):
    import httpx

    from grassroots.settings import Settings
    from tests.conftest import serve

    url, redis_url = database
    settings = Settings(database_url=url, redis_url=redis_url, data_dir=tmp_path / "d2", production=False, embedded_worker=False)
    async with serve(settings) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        r = await http.get("/healthz")
    assert r.status_code == 503
    assert r.json() == {"ok": False, "error": "no worker answered within 5 s"}


async def test_production_mode_has_no_introspection_and_no_graphiql(database, tmp_path):
    import httpx

    from grassroots.settings import Settings
    from tests.conftest import serve

    url, redis_url = database
    settings = Settings(database_url=url, redis_url=redis_url, data_dir=tmp_path / "d3", production=True)
    async with serve(settings) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        body = (await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
        typo = (await http.post("/graphql", json={"query": "{ districtz { name } }"})).json()
    assert page.status_code in (404, 405) or "graphiql" not in page.text.lower()
    assert body.get("errors") and "introspection" in body["errors"][0]["message"].lower()
    assert typo["errors"] and "Did you mean" not in typo["errors"][0]["message"]
