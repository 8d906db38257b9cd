"""The demo district loads into an empty database once, and is internally consistent."""
from __future__ import annotations

from collections import Counter

import pytest

from grassroots import db
from grassroots.demo import DEMO_USERS, load_demo
from grassroots.passwords import verify_password
from models.access import RoleGrant, User
from models.parameters import PolicyParameter
from models.people import Person
from models.recruitment import BuildingHead
from models.tree import Node, ServiceArea
from models.workstations import StationHeadAppointment, Workstation, WorkstationCampaign
from policy.dates import term_end
from policy.idnumber import parse_id_number
from policy.kinds import Chain, NodeKind, Role, TermStatus
from policy.parameters import PARAMETERS
from policy.seats import required_heads


@pytest.fixture
async def demo_db(database):
    url = database[0]
    await db.start(url)
    try:
        assert await load_demo() is True
        yield
    finally:
        await db.stop()


async def test_loads_only_into_an_empty_database(demo_db) -> None:
    nodes = await Node.all().count()
    people = await Person.all().count()
    assert await load_demo() is False
    assert await Node.all().count() == nodes
    assert await Person.all().count() == people


async def test_tree_paths_are_consistent(demo_db) -> None:
    nodes = {n.id: n for n in await Node.all()}
    districts = [n for n in nodes.values() if n.kind == NodeKind.DISTRICT]
    assert [d.name for d in districts] == ["临江新区"]
    district = districts[0]
    assert district.path == f"/{district.id}/" and district.depth == 0 and district.parent_id is None
    for n in nodes.values():
        assert n.district_id == district.id
        if n.parent_id is None:
            assert n.path == f"/{n.id}/"
        else:
            parent = nodes[n.parent_id]
            assert n.path == f"{parent.path}{n.id}/", n.name
            assert n.depth == parent.depth + 1
    taoyuan = next(n for n in nodes.values() if n.name == "桃源社区")
    assert taoyuan.kind == NodeKind.COMMUNITY and taoyuan.chain == Chain.RURAL
    params = await PolicyParameter.filter(node_id=district.id).values_list("key", "path")
    assert {k for k, _ in params} == set(PARAMETERS) and {p for _, p in params} == {district.path}


async def test_every_compound_has_exactly_one_workstation(demo_db) -> None:
    compounds = await Node.filter(kind=NodeKind.COMPOUND)
    assert len(compounds) >= 7
    campaign = await WorkstationCampaign.get()
    for c in compounds:
        stations = await Workstation.filter(compound_id=c.id)
        assert len(stations) == 1, c.name
        assert stations[0].path == c.path and stations[0].campaign_id == campaign.id


async def test_station_heads_head_at_most_one_station(demo_db) -> None:
    active = await StationHeadAppointment.filter(ended_on__isnull=True)
    assert active
    per_person = Counter(a.person_id for a in active)
    assert max(per_person.values()) == 1
    per_station = Counter(a.workstation_id for a in active)
    assert max(per_station.values()) == 1
    stations = {w.id: w for w in await Workstation.all()}
    for a in active:
        assert a.active_person_id == a.person_id and a.active_workstation_id == a.workstation_id
        assert a.path == stations[a.workstation_id].path
    assert len(active) < len(stations)  # one station is still waiting for its head


async def test_some_service_area_has_vacancies(demo_db) -> None:
    areas = await ServiceArea.all()
    containers = {a.container_id for a in areas}
    short = 0
    for area in areas:
        members = await Node.filter(service_area_id=area.id)
        assert members and all(m.parent_id == area.container_id for m in members)
        seats = required_heads(sum(m.households or 0 for m in members), 100)
        active = await BuildingHead.filter(service_area_id=area.id, status=TermStatus.ACTIVE).count()
        assert active <= seats
        short += active < seats
    assert short >= 1
    # a compound without any service area
    assert await Node.filter(kind=NodeKind.COMPOUND).exclude(id__in=list(containers)).exists()
    for term in await BuildingHead.all():
        assert term.ends_on == term_end(term.starts_on, 5, None)
        assert term.recorded_from_register


async def test_id_numbers_match_birth_date_and_gender(demo_db) -> None:
    people = await Person.all()
    assert len(people) > 40
    for p in people:
        parsed = parse_id_number(p.id_number)
        assert parsed.number == p.id_number
        assert parsed.birth_date == p.birth_date, p.name
        assert parsed.gender == p.gender, p.name
        assert p.path == (await Node.get(id=p.home_id)).path


async def test_demo_users_log_in_with_scoped_grants(demo_db) -> None:
    users = {u.username: u for u in await User.all()}
    assert set(users) == {u for u, _, _ in DEMO_USERS}
    for username, role, _ in DEMO_USERS:
        user = users[username]
        assert verify_password("demo-pass-2026", user.password_hash)
        grants = await RoleGrant.filter(user_id=user.id)
        assert grants and all(g.role == Role(role) for g in grants)
        for g in grants:
            assert g.path == (await Node.get(id=g.node_id)).path
    head = await StationHeadAppointment.get(person_id=users["zhanzhang"].person_id, ended_on__isnull=True)
    compound = await Node.get(id=(await Workstation.get(id=head.workstation_id)).compound_id)
    assert compound.name == "翠苑一区"


async def test_a_failure_half_way_leaves_nothing_behind(database, monkeypatch) -> None:
    import grassroots.demo as demo

    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(demo, "create_user", broken)
    await db.start(database[0])
    try:
        with pytest.raises(RuntimeError, match="boom"):
            await load_demo()
        assert await Node.all().count() == 0
        assert await Person.all().count() == 0
        monkeypatch.undo()
        assert await load_demo() is True
    finally:
        await db.stop()
