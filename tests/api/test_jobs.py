"""Operations a job needs, called directly (no HTTP): the caller is ``SYSTEM``, the operation owns
its unit of work and audits what it changes as "system"; the job is a thin call of the same one."""
from __future__ import annotations

from datetime import date

from grassroots import db
from models.audit import AuditEntry
from models.people import Person
from models.recruitment import BuildingHead, HeadChangeFiling
from models.tree import Node, ServiceArea
from policy.idnumber import parse_id_number
from policy.kinds import HeadKind, TermStatus
from resolvers import clock
from resolvers.recruitment import terms
from resolvers.viewer import SYSTEM
from tests.factory import World, build_world, id_number

DUE = date(2026, 3, 2)


async def _term(w: World, building: Node, seq: str, **values) -> BuildingHead:
    area = await ServiceArea.create(container_id=w.compound_a.id, name=f"{building.name}片区", path=w.compound_a.path)
    await Node.filter(id=building.id).update(service_area_id=area.id)
    idn = id_number(seq=seq)
    r = parse_id_number(idn)
    p = await Person.create(name="楼长", gender=r.gender, id_number=idn, birth_date=r.birth_date, home_id=w.community_a.id,
                            path=w.community_a.path, residence_id=building.id, permanent_resident=True)
    return await BuildingHead.create(person_id=p.id, service_area_id=area.id, path=area.path, kind=HeadKind.BUILDING_HEAD,
                                     **({"starts_on": date(2021, 3, 1), "ends_on": date(2026, 2, 28)} | values))


async def _world_with_due_terms():
    w = await build_world()
    resigned = await _term(w, w.buildings_a[0], "301", ends_on=date(2027, 2, 28), ended_on=DUE, end_reason="RESIGNATION",
                           resignation_requested_on=date(2026, 1, 2))
    expired = await _term(w, w.buildings_a[1], "302")  # its term ended on 2026-02-28
    serving = await _term(w, w.buildings_a[2], "303", ends_on=date(2030, 2, 28))
    return resigned, expired, serving


async def test_end_due_terms_ends_each_term_once_audited_as_system(database):
    await db.start(database[0])
    try:
        resigned, expired, serving = await _world_with_due_terms()
        assert await terms.end_due_terms(SYSTEM, on=date(2026, 2, 28)) == []  # nothing due yet

        ended = await terms.end_due_terms(SYSTEM, on=DUE)
        assert sorted(t.id for t in ended) == sorted([resigned.id, expired.id])
        rows = {t.id: t for t in await BuildingHead.all()}
        assert (rows[resigned.id].status, rows[resigned.id].ended_on, rows[resigned.id].end_reason) == (
            TermStatus.ENDED, DUE, "RESIGNATION")
        assert (rows[expired.id].status, rows[expired.id].ended_on, rows[expired.id].end_reason) == (
            TermStatus.ENDED, date(2026, 2, 28), "TERM_EXPIRED")
        assert rows[serving.id].status == TermStatus.ACTIVE
        entries = await AuditEntry.filter(action="buildingHeadEnd").order_by("object_id")
        assert [(e.actor_label, e.object_type, e.object_id) for e in entries] == [
            ("system", "BuildingHead", t) for t in sorted([resigned.id, expired.id])]
        assert all(e.before["status"] == "ACTIVE" and e.after["status"] == "ENDED" for e in entries)
        assert await HeadChangeFiling.filter(change="END").count() == 2

        # a second run (the job may run twice) changes nothing
        assert await terms.end_due_terms(SYSTEM, on=DUE) == []
        assert await AuditEntry.filter(action="buildingHeadEnd").count() == 2
        assert await HeadChangeFiling.filter(change="END").count() == 2
    finally:
        await db.stop()


async def test_the_daily_job_runs_the_same_operation_on_the_clocks_day(database):
    from workers import jobs

    await db.start(database[0])
    try:
        await _world_with_due_terms()
        with clock.fixed_today(DUE):
            assert await jobs.end_due_terms({}) == {"ended": 2}
            assert await jobs.end_due_terms({}) == {"ended": 0}
        assert await AuditEntry.filter(action="buildingHeadEnd", actor_label="system").count() == 2
    finally:
        await db.stop()
