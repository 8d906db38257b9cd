"""Limits and abuse: request-body bounds, cost of unpaged lists, execution time."""
from __future__ import annotations

import json

from tests.factory import PASSWORD, build_world, gid


# --- request bodies are bounded before parsing -------------------------------------------------

async def test_oversized_json_body_is_refused_before_parsing(api):
    big = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * (2 * 1024 * 1024)}})
    r = await api.http.post("/graphql", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    body = r.json()
    assert body["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert body["errors"][0]["extensions"]["limit"] == 1024 * 1024
    # a normal request on a new connection still works
    r = await api.http.post("/graphql", json={"query": "{ __typename }"})
    assert r.status_code == 200 and r.json()["data"] == {"__typename": "Query"}


async def test_streamed_body_without_length_is_counted(api):
    async def chunks():
        yield b'{"query": "{ __typename }", "variables": {"pad": "'
        for _ in range(40):
            yield b"y" * 65536
        yield b'"}}'

    r = await api.http.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

    async def small():
        yield b'{"query": "{ __typename }"}'

    r = await api.http.post("/graphql", content=small(), headers={"Content-Type": "application/json"})
    assert r.status_code == 200 and r.json()["data"] == {"__typename": "Query"}


async def test_oversized_upload_is_refused_and_a_normal_upload_is_not(api):
    from grassroots.bodylimit import DEFAULT_MAX_UPLOAD_BYTES

    await build_world()
    admin = await api.as_user("admin", PASSWORD)
    mutation = "mutation($f: Upload!){ treeImport(districtId: \"x\", file: $f){ created errors { code } } }"
    operations = json.dumps({"query": mutation, "variables": {"f": None}})
    files = {"0": ("big.csv", b"a" * (DEFAULT_MAX_UPLOAD_BYTES + 1), "text/csv")}
    r = await admin.http.post("/graphql", data={"operations": operations, "map": json.dumps({"0": ["variables.f"]})},
                              files=files, headers={"Authorization": f"Bearer {admin.token}"})
    assert r.status_code == 413
    assert r.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    # 2 MiB is over the JSON bound but fine for an upload
    files = {"0": ("mid.csv", b"a" * (2 * 1024 * 1024), "text/csv")}
    r = await admin.http.post("/graphql", data={"operations": operations, "map": json.dumps({"0": ["variables.f"]})},
                              files=files, headers={"Authorization": f"Bearer {admin.token}"})
    assert r.status_code == 200, r.text


async def test_huge_declared_length_is_answered_without_reading_the_body(api):
    import asyncio
    from urllib.parse import urlsplit

    url = urlsplit(api.base)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 104857600\r\n\r\n{\"query\":")  # 100 MB announced, a few bytes sent
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    assert head.startswith(b"HTTP/1.1 413")
    writer.close()


# --- cost: lists without first/last count at their bound ----------------------------------------

DEEP_UNPAGED = """query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Compound { name serviceAreas { name
  members { name } activeBuildingHeads { person { name buildingHeadTerms { serviceArea { name
    members { name } activeBuildingHeads { person { name staffRoles { id } } } } } } } } } } }"""


async def hotline_key(api, node_gid: str) -> dict:
    admin = await api.as_user("admin", PASSWORD)
    made = await admin.gql(
        "mutation($n: ID!){ apiKeyCreate(name: \"12345\", role: HOTLINE, nodeId: $n){ secret errors { code } } }",
        {"n": node_gid})
    return {"Authorization": f"ApiKey {made['apiKeyCreate']['secret']}"}


async def test_deep_unpaged_lists_are_refused_by_cost_before_execution(api, sql_counter):
    w = await build_world()
    headers = await hotline_key(api, gid(w.district))
    ids = [gid(w.compound_a)] * 100
    sql_counter.count = 0
    body = await api.raw(DEEP_UNPAGED, {"ids": ids}, token="", headers=headers)
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] > error["extensions"]["limit"] == 3_000_000
    assert sql_counter.count <= 3  # the key's lookup at most: nothing of the query ran


async def test_list_bounds_in_the_estimate(api):
    w = await build_world()
    headers = await hotline_key(api, gid(w.district))
    one = "{ nodes(ids: [%s]) { ... on Compound { serviceAreas { members { name } } } } }"
    body = await api.raw(one % f'"{gid(w.compound_a)}"', token="", headers=headers)
    assert not body.get("errors"), body  # one id, small lists: fine
    # the estimate grows with the literal list of ids and with every unpaged list
    from graphql import parse

    from schema.guardrails import query_stats
    from schema.schema import build_schema

    schema = build_schema()._schema
    def cost(q: str) -> int:
        doc = parse(q)
        frags = {d.name.value: d for d in doc.definitions[1:]}
        return query_stats(doc.definitions[0].selection_set, frags.get, schema=schema, root_type=schema.query_type).cost
    one_id = cost(one % '"a"')
    three_ids = cost(one % '"a","b","c"')
    assert three_ids - 1 == 3 * (one_id - 1)
    assert cost("{ nodes(ids: $x) { id } }") == 1 + 100
    # serviceAreas (≤200) × members (≤100)
    assert one_id == 1 + (1 + 200 * (1 + 100 * 1))
    # a connection's nodes are counted by its page, not again as a list
    assert cost("{ people(first: 10) { nodes { id } } }") == 1 + 10 * (1 + 1)


async def test_every_list_of_objects_has_a_bound():
    """Each list of objects without first/last is counted at a documented bound."""
    from graphql import GraphQLList, GraphQLNonNull, get_named_type, is_composite_type, is_object_type

    from schema.guardrails import DEFAULT_LIST_BOUND, LIST_BOUNDS
    from schema.schema import build_schema

    schema = build_schema()._schema
    unbounded = []
    for type_ in schema.type_map.values():
        if not is_object_type(type_) or type_.name.startswith("__") or type_.name.endswith("Connection"):
            continue
        for name, field in type_.fields.items():
            t = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if isinstance(t, GraphQLList) and is_composite_type(get_named_type(t)) and "first" not in field.args:
                if name not in LIST_BOUNDS and not (type_.name == "Query" and name == "nodes"):
                    unbounded.append(f"{type_.name}.{name}")
    # what is left counts at the default bound: admin-only registers of modest size
    assert sorted(unbounded) == sorted([
        "Query.users", "Query.apiKeys", "Query.workingDayYears", "Query.recruitmentCampaigns",
        "Query.recruitmentNeeds", "Query.policyParameters", "TreeImportPayload.nodes",
    ]), unbounded
    assert DEFAULT_LIST_BOUND == 100


# --- a time limit on execution ------------------------------------------------------------------

async def test_an_operation_past_the_time_limit_gets_a_typed_timeout(database, tmp_path, monkeypatch):
    import asyncio

    import httpx

    from grassroots.settings import Settings
    from tests.conftest import serve

    url, redis_url = database
    started = asyncio.Event()

    async def stuck(info, gid):  # a resolver that never finishes
        started.set()
        await asyncio.Event().wait()

    monkeypatch.setattr("schema.schema.resolve_node", stuck)
    settings = Settings(database_url=url, redis_url=redis_url, data_dir=tmp_path / "data", production=False,
                        execution_timeout_seconds=0.5)
    async with serve(settings) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        await build_world()
        login = await http.post("/graphql", json={"query": 'mutation { sessionCreate(username: "admin", '
                                                           f'password: "{PASSWORD}") {{ token }} }}'})
        token = login.json()["data"]["sessionCreate"]["token"]
        r = await http.post("/graphql", json={"query": '{ nodes(ids: ["a"]) { id } }'},
                            headers={"Authorization": f"Bearer {token}"})
        assert started.is_set()
        body = r.json()
        assert body["data"] is None
        assert body["errors"][0]["extensions"] == {"code": "TIMEOUT", "limit": 0.5}
        # the server is still there for the next request
        r = await http.post("/graphql", json={"query": "{ __typename }"})
        assert r.json()["data"] == {"__typename": "Query"}
