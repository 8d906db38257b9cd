"""Redis faults and shared Redis servers, against real redis-servers started and stopped here:
a committed mutation never fails because Redis is down, the separate worker comes back after a
Redis restart, and two deployments on one Redis server do not hear each other."""
from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect

from grassroots.settings import Settings
from tests.conftest import Api, serve
from tests.factory import PASSWORD, build_world, gid
from tests.processes import GrassrootsProcess, RedisServer, free_port, wait_for
from workers import queue

UPDATE = "mutation($i: TreeNodeUpdateInput!){ treeNodeUpdate(input: $i){ errors { code message } } }"
HOUSEHOLDS = "query($id: ID!){ node(id: $id){ ... on Building { households } } }"


async def test_a_mutation_while_redis_is_down_is_committed_and_answered_as_such(database, tmp_path):
    url, _ = database
    redis = RedisServer().start()
    try:
        settings = Settings(database_url=url, redis_url=redis.url, data_dir=tmp_path / "data", production=False)
        async with serve(settings) as base:
            w = await build_world()
            api = Api(base)
            officer = await api.as_user("cuiyuan", PASSWORD)
            redis.stop()
            body = await officer.raw(UPDATE, {"i": {"id": gid(w.buildings_a[0]), "households": 133}})
            assert "errors" not in body, body  # not "Error 111 connecting to 127.0.0.1:…"
            assert body["data"]["treeNodeUpdate"]["errors"] == []
            assert str(redis.port) not in json.dumps(body)
            assert (await officer.gql(HOUSEHOLDS, {"id": gid(w.buildings_a[0])}))["node"]["households"] == 133
            await officer.close()
            await api.close()
    finally:
        redis.stop()


async def test_the_separate_worker_reconnects_after_a_redis_restart(database, tmp_path):
    url, _ = database
    redis = RedisServer()
    namespace = Settings(database_url=url, redis_url=redis.url, data_dir=tmp_path, production=False).namespace
    redis.start()
    worker = GrassrootsProcess(["worker"], {"DATABASE_URL": url, "REDIS_URL": redis.url,
                                            "GRASSROOTS_DATA_DIR": str(tmp_path / "data")})

    async def ping() -> dict:
        pool = await queue.open_pool(queue.redis_settings(redis.url), namespace)
        try:
            return await queue.run_and_wait(pool, "ping", timeout=30)
        finally:
            await pool.aclose()

    try:
        assert (await ping())["pong"] is True
        redis.stop()
        await asyncio.to_thread(wait_for, lambda: "lost Redis" in worker.output, 30, "the worker to notice")
        redis.start()  # same port, empty
        assert (await ping())["pong"] is True, worker.output
        assert worker.proc.poll() is None, worker.output
        # the worker says what it does: arq's job start (→) and finish (●) lines at INFO
        assert "ping()" in worker.output and "●" in worker.output, worker.output
    finally:
        worker.kill()
        redis.stop()


async def test_two_deployments_on_one_redis_do_not_hear_each_other(database, tmp_path):
    """Both have a district 1 (pub/sub ignores the database index)."""
    url, _ = database
    redis = RedisServer().start()
    other_db = f"sqlite://{tmp_path / 'other.sqlite3'}"
    env = {"DATABASE_URL": other_db, "REDIS_URL": redis.url, "GRASSROOTS_DATA_DIR": str(tmp_path / "other"),
           "GRASSROOTS_ADMIN_PASSWORD": PASSWORD}
    other = None
    try:
        for args in (["migrate"], ["bootstrap", "--district", "另一新区", "--code", "OT", "--admin", "other-admin"]):
            step = GrassrootsProcess(args, env)
            assert step.proc.wait(60) == 0, step.output
        port = free_port()
        other = GrassrootsProcess(["serve", "--port", str(port)], env)
        await asyncio.to_thread(other.wait_healthy, f"http://127.0.0.1:{port}")
        other_api = Api(f"http://127.0.0.1:{port}")
        other_admin = await other_api.as_user("other-admin", PASSWORD)
        district = (await other_admin.gql("{ districts { id } }"))["districts"][0]["id"]
        settings = Settings(database_url=url, redis_url=redis.url, data_dir=tmp_path / "data", production=False)
        async with serve(settings) as base:
            w = await build_world()
            assert gid(w.district) == district  # the same district 1 in both deployments
            api = Api(base)
            admin = await api.as_user("admin", PASSWORD)
            ws = await connect(base.replace("http://", "ws://") + "/graphql", subprotocols=["graphql-transport-ws"])
            try:
                await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {admin.token}"}}))
                assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
                await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
                    "query": "subscription($n: ID!){ changes(nodeId: $n){ action objectId actor } }",
                    "variables": {"n": gid(w.district)}}}))
                msg = None
                for i in range(40):  # each round: the other deployment's change first, then ours
                    await other_admin.gql(UPDATE, {"i": {"id": district, "name": f"另一新区{i}"}})
                    await admin.gql(UPDATE, {"i": {"id": gid(w.buildings_a[0]), "households": 121}})
                    try:
                        msg = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                        break
                    except TimeoutError:
                        continue
                assert msg is not None and msg["type"] == "next", msg
                assert msg["payload"]["data"]["changes"] == {"action": "treeNodeUpdate", "objectId": str(w.buildings_a[0].id),
                                                             "actor": "admin"}, msg
            finally:
                await ws.close()
            for client in (admin, api):
                await client.close()
        await other_admin.close()
        await other_api.close()
    finally:
        if other is not None:
            other.kill()
        redis.stop()
