"""The workstation operations called directly, without HTTP: the same functions the root fields
and the daily deadline job call (resolvers/workstations.py)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from grassroots import db
from models.audit import AuditEntry
from models.workstations import Workstation
from policy.access import Grant
from policy.kinds import PremisesKind, Role
from resolvers import workstations as ops
from resolvers.clock import fixed_today
from resolvers.errors import Denied, Problem, Unauthenticated
from resolvers.viewer import ANONYMOUS, SYSTEM, Viewer
from tests.factory import World, build_world
from workers import jobs


@pytest.fixture
async def world(database) -> AsyncIterator[World]:
    await db.start(database[0])
    try:
        yield await build_world()
    finally:
        await db.stop()


def staff_of(node) -> Viewer:
    return Viewer(user_id=0, label="staff", grants=(Grant(Role.COMMUNITY_STAFF, node.id, node.path),))


async def _campaign_with_one_station_on_time(w: World) -> tuple[Workstation, Workstation]:
    done = await ops.create_campaign(SYSTEM, node_id=w.district.id, name="2026年小区工作站建设",
                                     premises_deadline=date(2026, 2, 15), in_use_deadline=date(2026, 2, 28))
    assert done.attached == 2
    ws_a = await Workstation.get(compound_id=w.compound_a.id)
    ws_b = await Workstation.get(compound_id=w.compound_b.id)
    await ops.update_workstation(SYSTEM, ws_a.id, premises_kind=PremisesKind.PROPERTY_OFFICE,
                                 premises_ready_on=date(2026, 2, 10), in_use_on=date(2026, 2, 20))
    return ws_a, ws_b


async def test_late_workstations_is_one_operation_for_any_caller(world: World) -> None:
    w = world
    ws_a, ws_b = await _campaign_with_one_station_on_time(w)
    # before the first deadline nobody is late; after it, the station without premises is
    assert await ops.late_workstations(SYSTEM, date(2026, 2, 10)) == []
    assert [x.id for x in await ops.late_workstations(SYSTEM, date(2026, 3, 1))] == [ws_b.id]
    # a caller sees only the late stations within its scope
    assert [x.id for x in await ops.late_workstations(staff_of(w.community_b), date(2026, 3, 1))] == [ws_b.id]
    assert await ops.late_workstations(staff_of(w.community_a), date(2026, 3, 1)) == []
    assert [x.id for x in await ops.workstations_in_scope(staff_of(w.community_a))] == [ws_a.id]
    with pytest.raises(Unauthenticated):
        await ops.late_workstations(ANONYMOUS, date(2026, 3, 1))


async def test_the_deadline_job_counts_what_the_operation_finds(world: World) -> None:
    await _campaign_with_one_station_on_time(world)
    with fixed_today(date(2026, 2, 10)):
        assert await jobs.workstation_deadline_check({}) == {"late": 0}
    with fixed_today(date(2026, 3, 1)):
        assert await jobs.workstation_deadline_check({}) == {"late": 1}
        assert await jobs.workstation_deadline_check({}) == {"late": 1}  # idempotent: it only reads


async def test_a_refused_update_writes_nothing_and_out_of_scope_is_denied(world: World) -> None:
    w = world
    ws_a = await Workstation.get(compound_id=w.compound_a.id)
    audited = await AuditEntry.filter(action="workstationUpdate").count()
    with pytest.raises(Problem) as refused:
        await ops.update_workstation(SYSTEM, ws_a.id, layout="一室一厅",
                                     premises_ready_on=date(2026, 3, 1), in_use_on=date(2026, 2, 1))
    assert (refused.value.code, refused.value.field) == ("INVALID_DATE_ORDER", ["input", "inUseOn"])
    again = await Workstation.get(id=ws_a.id)
    assert (again.layout, again.premises_ready_on) == (ws_a.layout, None)
    assert await AuditEntry.filter(action="workstationUpdate").count() == audited
    with pytest.raises(Denied):
        await ops.update_workstation(staff_of(w.community_b), ws_a.id, layout="x")


def test_every_workstation_error_code_has_both_messages() -> None:
    from resolvers.messages import CATALOG
    from schema.workstations import WorkstationErrorCode

    for code in WorkstationErrorCode:
        zh, en = CATALOG[code.value]
        assert zh.strip() and en.strip(), code
