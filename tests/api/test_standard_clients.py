"""What standard clients expect: text websocket frames (npm graphql-ws, GraphiQL) and the
GraphQL-over-HTTP media type application/graphql-response+json (the graphql-http audit)."""
from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect

from tests.factory import PASSWORD, build_world, gid

GRJ = "application/graphql-response+json"


async def test_every_subscription_frame_is_a_text_frame(api):
    w = await build_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    frames: list[object] = []

    async def recv(ws, timeout: float) -> dict:
        frame = await asyncio.wait_for(ws.recv(), timeout)
        frames.append(frame)
        assert isinstance(frame, str), f"binary frame: {frame!r}"  # standard clients close with 4004 here
        return json.loads(frame)

    ws = await connect(api.base.replace("http://", "ws://") + "/graphql", subprotocols=["graphql-transport-ws"])
    try:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {officer.token}"}}))
        assert (await recv(ws, 10))["type"] == "connection_ack"
        await ws.send(json.dumps({"type": "ping"}))
        assert (await recv(ws, 10))["type"] == "pong"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription($n: ID!){ changes(nodeId: $n){ action objectId } }",
            "variables": {"n": gid(w.compound_a)}}}))
        update = "mutation($i: TreeNodeUpdateInput!){ treeNodeUpdate(input: $i){ errors { code } } }"
        msg = None
        for _ in range(40):  # the subscription is live a moment after "subscribe"
            await officer.gql(update, {"i": {"id": gid(w.buildings_a[0]), "households": 121}})
            try:
                msg = await recv(ws, 0.5)
                if msg["type"] in ("ping", "pong"):
                    continue
                break
            except TimeoutError:
                continue
        assert msg is not None and msg["type"] == "next", msg
        await ws.send(json.dumps({"id": "1", "type": "complete"}))
    finally:
        await ws.close()
    assert len(frames) >= 3 and all(isinstance(f, str) for f in frames)


async def _post(api, body: dict, accept: str | None):
    headers = {"Accept": accept} if accept else {}
    return await api.http.post("/graphql", json=body, headers=headers)


async def test_graphql_response_json_is_negotiated_with_its_status_codes(api):
    await build_world()
    # asked for: the media type, 200 for a good request
    r = await _post(api, {"query": "{ __typename }"}, f"{GRJ}, application/json")
    assert r.status_code == 200 and r.headers["content-type"].startswith(GRJ) and r.json() == {"data": {"__typename": "Query"}}
    # request errors are 400 without a data entry: parse, validation, variable coercion
    for body in ({"query": "{"}, {"query": "{ noSuchField }"},
                 {"query": "query($f: Int){ treeNodes(first: $f){ totalCount } }", "variables": {"f": "x"}}):
        r = await _post(api, body, GRJ)
        assert r.status_code == 400, (body, r.status_code, r.text)
        assert r.headers["content-type"].startswith(GRJ)
        assert "data" not in r.json() and r.json()["errors"], r.text
    # a field error is an execution result: 200 with data
    r = await _post(api, {"query": "{ viewer { username } }"}, GRJ)
    assert r.status_code == 200 and "data" in r.json()
    # application/json (or no Accept, or */*): as before, 200 for everything
    for accept in ("application/json", None, "*/*", f"application/json, {GRJ};q=0.5"):
        r = await _post(api, {"query": "{"}, accept)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), (accept, r.headers)
        assert r.json()["errors"]
