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
