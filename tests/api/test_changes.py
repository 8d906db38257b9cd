"""Live changes over websockets (graphql-transport-ws), authenticated in the connection phase."""
from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect

from tests.factory import PASSWORD, build_world, gid

SUB = "subscription($n: ID!){ changes(nodeId: $n){ action objectType objectId actor } }"


async def _open(base: str, token: str | None):
    ws = await connect(base.replace("http://", "ws://") + "/graphql", subprotocols=["graphql-transport-ws"])
    await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"} if token else {}}))
    return ws


async def _next(ws, timeout: float = 10.0) -> dict:
    while True:
        msg = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if msg["type"] not in ("ping", "pong"):
            return msg


async def test_station_head_sees_changes_in_its_compound_and_nothing_else(api):
    w = await build_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    ws = await _open(api.base, officer.token)
    try:
        ack = await _next(ws)
        assert ack["type"] == "connection_ack" and ack["payload"] == {"username": "cuiyuan"}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUB, "variables": {"n": gid(w.compound_a)}}}))
        other = await api.as_user("jinhua", PASSWORD)
        update = "mutation($i: TreeNodeUpdateInput!){ treeNodeUpdate(input: $i){ errors { code } } }"
        # the subscription reaches Redis a moment after "subscribe" is sent: repeat the (idempotent)
        # changes until the first one arrives; a change in another community is never delivered
        msg = None
        for _ in range(40):
            await other.gql(update, {"i": {"id": gid(w.building_b), "households": 151}})
            await officer.gql(update, {"i": {"id": gid(w.buildings_a[0]), "households": 121}})
            try:
                msg = await _next(ws, timeout=0.5)
                break
            except TimeoutError:
                continue
        assert msg is not None, "no change delivered"
        assert msg["type"] == "next" and msg["id"] == "1"
        assert msg["payload"]["data"]["changes"] == {"action": "treeNodeUpdate", "objectType": "Node",
                                                     "objectId": str(w.buildings_a[0].id), "actor": "cuiyuan"}
        # a refused mutation publishes nothing: after any repeats of the first change, the next
        # change delivered is the later good one
        await officer.gql("mutation($i: TreeNodeCreateInput!){ treeNodeCreate(input: $i){ errors { code } } }",
                          {"i": {"parentId": gid(w.compound_a), "kind": "BUILDING", "name": "坏", "households": -1}})
        await officer.gql(update, {"i": {"id": gid(w.buildings_a[1]), "households": 81}})
        while True:
            change = (await _next(ws))["payload"]["data"]["changes"]
            assert change["objectId"] in (str(w.buildings_a[0].id), str(w.buildings_a[1].id)), change
            if change["objectId"] == str(w.buildings_a[1].id):
                break
    finally:
        await ws.close()


async def test_subscriptions_authenticate_in_the_connection_phase(api):
    w = await build_world()
    ws = await _open(api.base, None)
    try:
        await ws.recv()
    except Exception as exc:  # closed by the server
        assert getattr(exc, "rcvd", None) is not None and exc.rcvd.code == 4403
    else:
        raise AssertionError("an anonymous connection must be refused")
    ws = await _open(api.base, "forged-token")
    try:
        await ws.recv()
    except Exception as exc:
        assert exc.rcvd.code == 4403
    else:
        raise AssertionError("a bad token must be refused")
    # a valid connection cannot watch a node outside its scope
    officer = await api.as_user("cuiyuan", PASSWORD)
    ws = await _open(api.base, officer.token)
    try:
        assert (await _next(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "9", "type": "subscribe", "payload": {"query": SUB, "variables": {"n": gid(w.compound_b)}}}))
        msg = await _next(ws)
        assert msg["type"] in ("error", "next")
        errors = msg["payload"] if msg["type"] == "error" else msg["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    finally:
        await ws.close()
