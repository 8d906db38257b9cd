"""Emergencies reported "level by level at once" (docs/policy.md §6, §3.4.3) through the HTTP API, and
the every-minute job that passes an unacknowledged level up, run through the real queue."""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from models.parameters import PolicyParameter
from models.recruitment import BuildingHead
from models.tree import Node
from models.workstations import Workstation
from models.requests import Incident, IncidentStep
from policy.kinds import NodeKind
from resolvers import clock
from resolvers.clock import today
from resolvers.tree import create_node
from grassroots.settings import Settings
from tests.api import test_requests as rq
from tests.conftest import Api, serve
from tests.factory import PASSWORD, World, build_world, gid
from tests.processes import RedisServer
from workers import queue

REPORT = """mutation($i: IncidentReportInput!){ incidentReport(input: $i){
  incident { id level levelDueAt status reportedAt overdue building { name }
             steps { level reachedAt dueAt acknowledgedAt acknowledgedBy passedOverAt levelNode { name } } }
  errors { code field message } } }"""
ACK = """mutation($i: IncidentAcknowledgeInput!){ incidentAcknowledge(input: $i){
  incident { id level levelDueAt steps { level acknowledgedBy passedOverAt note levelNode { name } } }
  errors { code field message } } }"""
CLOSE = """mutation($i: IncidentCloseInput!){ incidentClose(input: $i){
  incident { status closedOn levelDueAt } errors { code field } } }"""
LIST = """query($n: ID!, $o: Boolean){ incidents(nodeId: $n, openOnly: $o){ totalCount nodes { id title level } } }"""


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def _world_with_heads(api) -> tuple[World, dict[str, Api]]:
    w = await build_world()
    await rq.building_head(w)
    await rq.station_head(w, w.compound_a, "zhanzhang", "601")
    await rq.station_head(w, w.compound_b, "zhanzhang_b", "602")
    users = {}
    for name in ("louzhang", "zhanzhang", "zhanzhang_b", "cuiyuan", "jinhua", "linhu", "district"):
        users[name] = await api.as_user(name, PASSWORD)
    return w, users


async def _report(client: Api, w: World, title: str = "3单元燃气泄漏") -> dict:
    out = (await client.gql(REPORT, {"i": {"buildingId": gid(w.buildings_a[0]), "title": title,
                                           "description": "住户闻到燃气味"}}))["incidentReport"]
    assert out["errors"] == []
    return out["incident"]


async def test_the_report_climbs_level_by_level_each_acknowledging_at_its_own_level(api):
    w, u = await _world_with_heads(api)
    inc = await _report(u["louzhang"], w)
    assert (inc["level"], inc["status"], inc["overdue"], inc["building"]["name"]) == ("STATION", "OPEN", False, "1栋")
    stored = await Incident.get(id=await _pk(inc["id"]))
    head_term = await BuildingHead.get(service_area_id=(await Node.get(id=w.buildings_a[0].id)).service_area_id)
    ws = await Workstation.get(compound_id=w.compound_a.id)
    assert (stored.term_id, stored.workstation_id, stored.recorded_by) == (head_term.id, ws.id, "louzhang")
    [step] = inc["steps"]
    assert step["levelNode"] is None  # a building head reads their buildings, not the compound
    seen = (await u["zhanzhang"].gql("query($id: ID!){ node(id: $id){ ... on Incident { steps { levelNode { name } } } } }",
                                     {"id": inc["id"]}))["node"]
    assert seen["steps"][0]["levelNode"]["name"] == "翠苑一区"
    # the station's time to acknowledge: the parameter ack_minutes_station (30 by default)
    assert _dt(step["dueAt"]) - _dt(step["reachedAt"]) == timedelta(minutes=30)
    assert _dt(inc["levelDueAt"]) == _dt(step["dueAt"])
    ack = {"i": {"id": inc["id"], "note": "已到场处置"}}

    # the station head of another compound cannot even see it; the building head may not acknowledge
    assert (await u["zhanzhang_b"].gql("query($id: ID!){ node(id: $id){ id } }", {"id": inc["id"]}))["node"] is None
    body = await u["zhanzhang_b"].raw(ACK, ack)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    not_head = (await u["louzhang"].gql(ACK, ack))["incidentAcknowledge"]
    assert [e["code"] for e in not_head["errors"]] == ["NOT_AT_LEVEL"]

    # the station head acknowledges at once: the report goes on up to the community with its own due time
    s = (await u["zhanzhang"].gql(ACK, ack))["incidentAcknowledge"]
    assert s["errors"] == [] and s["incident"]["level"] == "COMMUNITY"
    # (the community's node is outside the station head's scope: shown as null to them)
    assert [(x["level"], x["acknowledgedBy"], x["note"], (x["levelNode"] or {}).get("name")) for x in s["incident"]["steps"]] == [
        ("STATION", "zhanzhang", "已到场处置", "翠苑一区"), ("COMMUNITY", None, "", None)]
    row = await IncidentStep.get(incident_id=int(await _pk(inc["id"])), level="COMMUNITY")
    assert row.due_at - row.reached_at == timedelta(minutes=60)
    # the station head acknowledges only at their own level
    again = (await u["zhanzhang"].gql(ACK, ack))["incidentAcknowledge"]
    assert [e["code"] for e in again["errors"]] == ["NOT_AT_LEVEL"]
    assert (await u["jinhua"].raw(ACK, ack))["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    c = (await u["cuiyuan"].gql(ACK, ack))["incidentAcknowledge"]
    assert c["errors"] == [] and c["incident"]["level"] == "SUBDISTRICT"
    d = (await u["linhu"].gql(ACK, ack))["incidentAcknowledge"]
    assert d["errors"] == [] and d["incident"]["level"] == "NEW_TOWN"
    top = (await u["district"].gql(ACK, ack))["incidentAcknowledge"]
    assert top["errors"] == [] and (top["incident"]["level"], top["incident"]["levelDueAt"]) == ("NEW_TOWN", None)
    assert [x["acknowledgedBy"] for x in top["incident"]["steps"]] == ["zhanzhang", "cuiyuan", "linhu", "district"]
    assert [x["levelNode"]["name"] for x in top["incident"]["steps"]] == ["翠苑一区", "翠苑社区", "临湖街道", "东湖新城"]
    assert [e["code"] for e in (await u["district"].gql(ACK, ack))["incidentAcknowledge"]["errors"]] == ["ALREADY_ACKNOWLEDGED"]

    # listed within the compound; closed, it leaves the open list
    assert (await u["zhanzhang"].gql(LIST, {"n": gid(w.compound_a), "o": True}))["incidents"]["totalCount"] == 1
    assert (await u["zhanzhang_b"].gql(LIST, {"n": gid(w.compound_b)}))["incidents"]["totalCount"] == 0
    future = (await u["zhanzhang"].gql(CLOSE, {"i": {"id": inc["id"], "closedOn": str(today() + timedelta(days=1))}}))
    assert [e["code"] for e in future["incidentClose"]["errors"]] == ["FUTURE_DATE"]
    closed = (await u["zhanzhang"].gql(CLOSE, {"i": {"id": inc["id"], "note": "隐患已排除"}}))["incidentClose"]
    assert closed["errors"] == [] and closed["incident"] == {"status": "CLOSED", "closedOn": str(today()), "levelDueAt": None}
    assert (await u["zhanzhang"].gql(LIST, {"n": gid(w.compound_a), "o": True}))["incidents"]["totalCount"] == 0
    for c in u.values():
        await c.close()


async def _pk(global_id: str) -> int:
    from schema.common import from_global_id

    return from_global_id(global_id)[1]


async def test_on_the_rural_chain_without_a_workstation_the_report_starts_at_the_village(api):
    w = await build_world()
    village = await create_node(w.subdistrict, NodeKind.VILLAGE, "柳湾村", code="T-V")
    group = await create_node(village, NodeKind.VILLAGE_GROUP, "第一村民小组", code="T-V-1", households=60)
    officer = await api.as_user("linhu", PASSWORD)
    out = (await officer.gql(REPORT, {"i": {"buildingId": gid(group), "title": "山体滑坡隐患",
                                            "reportedOn": str(today() - timedelta(days=1))}}))["incidentReport"]
    assert out["errors"] == []
    assert out["incident"]["level"] == "COMMUNITY"
    assert [(s["level"], s["levelNode"]["name"]) for s in out["incident"]["steps"]] == [("COMMUNITY", "柳湾村")]
    future = (await officer.gql(REPORT, {"i": {"buildingId": gid(group), "title": "x",
                                               "reportedOn": str(today() + timedelta(days=1))}}))["incidentReport"]
    assert [(e["code"], e["field"]) for e in future["errors"]] == [("FUTURE_DATE", ["input", "reportedOn"])]
    assert await Incident.all().count() == 1
    await officer.close()


@contextlib.asynccontextmanager
async def _app_with_worker(database, tmp_path) -> AsyncIterator[tuple[str, object]]:
    """The app, and a worker started as the app starts its own (queue.run_worker) but without the
    cron schedule, so that only the jobs the test sends run; yields the base URL and a queue pool."""
    url, redis_url = database
    redis = None
    if redis_url is None:  # SQLite runs: a throwaway real redis-server
        redis = RedisServer().start()
        redis_url = redis.url
    settings = Settings(database_url=url, redis_url=redis_url, data_dir=tmp_path / "data", production=False,
                        embedded_worker=False)
    stop = asyncio.Event()
    try:
        async with serve(settings) as base:
            worker = asyncio.create_task(queue.run_worker(queue.redis_settings(redis_url), stop=stop,
                                                          namespace=settings.namespace, cron_jobs=[]))
            pool = await queue.open_pool(queue.redis_settings(redis_url), settings.namespace)
            try:
                yield base, pool
            finally:
                await pool.aclose()
                stop.set()
                await worker
    finally:
        clock.set_today(None)
        if redis is not None:
            redis.stop()


async def test_an_unacknowledged_level_is_passed_up_by_the_scheduled_job_once_and_an_acknowledged_one_is_not(database, tmp_path):
    async with _app_with_worker(database, tmp_path) as (base, pool):
        api = Api(base)
        w, u = await _world_with_heads(api)
        # the community has a week to acknowledge here; the station keeps its 30 minutes
        await PolicyParameter.create(node_id=w.district.id, path=w.district.path, key="ack_minutes_community",
                                     value="10080", effective_from=today() - timedelta(days=1))
        left = await _report(u["louzhang"], w, "楼顶广告牌松动")
        taken = await _report(u["louzhang"], w, "电梯困人")
        assert (await u["zhanzhang"].gql(ACK, {"i": {"id": taken["id"]}}))["incidentAcknowledge"]["errors"] == []
        # nothing is due yet
        assert await queue.run_and_wait(pool, "escalate_incidents", timeout=30) == {"escalated": 0}

        clock.set_today(today() + timedelta(days=1))  # a day later: the station's 30 minutes are long past
        shown = (await u["cuiyuan"].gql("query($id: ID!){ node(id: $id){ ... on Incident { overdue level } } }",
                                        {"id": left["id"]}))["node"]
        assert shown == {"overdue": True, "level": "STATION"}
        # several runs at once (two workers racing): the level is passed once
        results = await asyncio.gather(*(queue.run_and_wait(pool, "escalate_incidents", timeout=30) for _ in range(4)))
        assert sorted(r["escalated"] for r in results) == [0, 0, 0, 1]
        assert await queue.run_and_wait(pool, "escalate_incidents", timeout=30) == {"escalated": 0}

        a = await Incident.get(id=await _pk(left["id"]))
        steps = {s.level.value: s for s in await IncidentStep.filter(incident_id=a.id)}
        assert a.level.value == "COMMUNITY" and set(steps) == {"STATION", "COMMUNITY"}
        assert steps["STATION"].passed_over_at is not None and steps["STATION"].acknowledged_at is None
        assert steps["COMMUNITY"].passed_over_at is None
        assert steps["COMMUNITY"].due_at - steps["COMMUNITY"].reached_at == timedelta(minutes=10080)
        assert a.level_due_at == steps["COMMUNITY"].due_at
        # the acknowledged one stayed where its acknowledgement put it, its level not passed over
        b = await Incident.get(id=await _pk(taken["id"]))
        b_steps = await IncidentStep.filter(incident_id=b.id).order_by("reached_at", "id")
        assert b.level.value == "COMMUNITY" and [s.passed_over_at for s in b_steps] == [None, None]
        # the passing over is recorded (audited as the system) and shown on the incident
        from models.audit import AuditEntry

        assert await AuditEntry.filter(action="incidentPassedOver", actor_label="system", object_id=a.id).count() == 1
        seen = (await u["cuiyuan"].gql("query($id: ID!){ node(id: $id){ ... on Incident { level overdue steps { level passedOverAt } } } }",
                                       {"id": left["id"]}))["node"]
        assert seen["level"] == "COMMUNITY" and seen["overdue"] is False
        assert [s["level"] for s in seen["steps"]] == ["STATION", "COMMUNITY"] and seen["steps"][0]["passedOverAt"]
        # the station head, passed over, can no longer acknowledge it; the community can
        late = (await u["zhanzhang"].gql(ACK, {"i": {"id": left["id"]}}))["incidentAcknowledge"]
        assert [e["code"] for e in late["errors"]] == ["NOT_AT_LEVEL"]
        for c in [*u.values(), api]:
            await c.close()
