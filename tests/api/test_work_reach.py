"""Reach that follows the work (docs/policy.md §13): a building head's user reads the buildings of
their active term's service area from the day the term starts until it ends; a station head's
user reads their compound while the appointment runs, and sees their building heads' names and
phone numbers but not their ID numbers — and nothing of another compound."""
from __future__ import annotations

from datetime import date, timedelta

from grassroots.demo import create_user
from models.access import User
from models.people import Person
from models.recruitment import BuildingHead
from models.tree import Node, ServiceArea
from models.workstations import StationHeadAppointment, Workstation
from policy.idnumber import parse_id_number
from policy.kinds import HeadKind, StationHeadSource, TermStatus
from resolvers.clock import today
from schema.common import to_global_id
from tests.factory import PASSWORD, World, build_world, gid, id_number

PERSON = "query($id: ID!){ node(id: $id){ ... on Person { name phone idNumber personalDataMasked } } }"
NODE = "query($id: ID!){ node(id: $id){ id } }"


async def _person(w: World, seq: str, building: Node, phone: str) -> Person:
    idn = id_number(seq=seq)
    r = parse_id_number(idn)
    home = w.community_a if building.path.startswith(w.community_a.path) else w.community_b
    return await Person.create(name=f"楼长{seq}", gender=r.gender, id_number=idn, birth_date=r.birth_date, phone=phone,
                               home_id=home.id, path=home.path, residence_id=building.id, permanent_resident=True)


async def _head(w: World, building: Node, seq: str, phone: str, **values) -> BuildingHead:
    compound = await Node.get(id=building.parent_id)
    area = await ServiceArea.create(container_id=compound.id, name=f"{building.name}片区{seq}", path=compound.path)
    await Node.filter(id=building.id).update(service_area_id=area.id)
    p = await _person(w, seq, building, phone)
    return await BuildingHead.create(person_id=p.id, service_area_id=area.id, path=compound.path,
                                     kind=HeadKind.BUILDING_HEAD, **({"starts_on": date(2025, 3, 1),
                                                                      "ends_on": date(2030, 2, 28)} | values))


async def _world():
    w = await build_world()
    mine = await _head(w, w.buildings_a[0], "401", "13900000401")
    other = await _head(w, w.building_b, "402", "13900000402")
    ws = await Workstation.get(compound_id=w.compound_a.id)
    station = await _person(w, "403", w.buildings_a[1], "13900000403")
    await StationHeadAppointment.create(
        workstation_id=ws.id, person_id=station.id, path=ws.path, source=StationHeadSource.COMMUNITY_WORKER,
        letter_number="L-1", filing_reference="F-1", appointed_on=date(2026, 1, 6),
        active_person_id=station.id, active_workstation_id=ws.id)
    await create_user("zhan", "站长", PASSWORD, [], station)
    await create_user("lou", "楼栋长", PASSWORD, [], await Person.get(id=mine.person_id))
    return w, mine, other, station


async def test_station_head_sees_their_heads_names_and_phones_not_id_numbers(database, api) -> None:
    w, mine, other, _ = await _world()
    zhan = await api.as_user("zhan", PASSWORD)
    seen = (await zhan.gql(PERSON, {"id": to_global_id("Person", mine.person_id)}))["node"]
    assert seen["name"] == "楼长401" and seen["phone"] == "13900000401"
    full = (await Person.get(id=mine.person_id)).id_number
    assert seen["idNumber"] != full and "*" in seen["idNumber"] and seen["personalDataMasked"] is True
    # nothing of another compound: its head, its buildings, its workstation
    assert (await zhan.gql(PERSON, {"id": to_global_id("Person", other.person_id)}))["node"] is None
    assert (await zhan.gql(NODE, {"id": gid(w.building_b)}))["node"] is None
    assert (await zhan.gql(NODE, {"id": gid(w.buildings_a[2])}))["node"] is not None
    # community staff see the phone and the ID number in full
    staff = await api.as_user("cuiyuan", PASSWORD)
    assert (await staff.gql(PERSON, {"id": to_global_id("Person", mine.person_id)}))["node"]["idNumber"] == full


async def test_station_head_reach_ends_with_the_appointment(database, api) -> None:
    w, _, _, station = await _world()
    zhan = await api.as_user("zhan", PASSWORD)
    assert (await zhan.gql(NODE, {"id": gid(w.buildings_a[0])}))["node"] is not None
    await StationHeadAppointment.filter(person_id=station.id).update(ended_on=today(), active_person_id=None,
                                                                      active_workstation_id=None)
    assert (await zhan.gql(NODE, {"id": gid(w.buildings_a[0])}))["node"] is None


async def test_building_head_reads_only_the_buildings_of_their_area(database, api) -> None:
    w, mine, _, _ = await _world()
    lou = await api.as_user("lou", PASSWORD)
    assert (await lou.gql(NODE, {"id": gid(w.buildings_a[0])}))["node"] == {"id": gid(w.buildings_a[0])}
    for outside in (w.buildings_a[1], w.building_b, w.compound_b, w.community_a):
        assert (await lou.gql(NODE, {"id": gid(outside)}))["node"] is None
    viewer = await lou.gql("{ viewer { grants { role node { id } } } }")
    assert viewer["viewer"]["grants"] == [{"role": "BUILDING_HEAD", "node": {"id": gid(w.buildings_a[0])}}]


async def test_building_head_reach_follows_the_term(database, api) -> None:
    w, mine, _, _ = await _world()
    lou = await api.as_user("lou", PASSWORD)
    # a term that has not started yet gives nothing (it starts when published, on its start date)
    await BuildingHead.filter(id=mine.id).update(starts_on=today() + timedelta(days=1))
    assert (await lou.gql(NODE, {"id": gid(w.buildings_a[0])}))["node"] is None
    await BuildingHead.filter(id=mine.id).update(starts_on=date(2025, 3, 1))
    assert (await lou.gql(NODE, {"id": gid(w.buildings_a[0])}))["node"] is not None
    # the term ends: so does the reach, at the next request, with the same token
    await BuildingHead.filter(id=mine.id).update(status=TermStatus.ENDED, ended_on=today())
    assert (await lou.gql(NODE, {"id": gid(w.buildings_a[0])}))["node"] is None
    assert await User.filter(username="lou").exists()


async def test_user_linked_to_a_person_through_the_api(database, api) -> None:
    """An administrator links a new user to a building head on their register; the user then
    reaches that head's area. A person outside the administrator's scope is refused like a
    missing one."""
    w, mine, other, _ = await _world()
    admin = await api.as_user("admin", PASSWORD)
    create = ("mutation($p: ID){ userCreate(input: {username: \"head2\", displayName: \"楼长\", password: \"%s\", "
              "grants: [], personId: $p}){ user { username } errors { code field } } }" % PASSWORD)
    done = (await admin.gql(create, {"p": to_global_id("Person", mine.person_id)}))["userCreate"]
    assert done["errors"] == [] and done["user"]["username"] == "head2"
    head2 = await api.as_user("head2", PASSWORD)
    assert (await head2.gql(NODE, {"id": gid(w.buildings_a[0])}))["node"] is not None
    assert (await head2.gql(NODE, {"id": gid(w.buildings_a[1])}))["node"] is None
    # community staff of 翠苑 hold no USER_ADMIN: refused; an unknown person: NOT_FOUND on personId
    body = await admin.gql(create.replace("head2", "head3"), {"p": to_global_id("Person", 999999)})
    assert body["userCreate"]["errors"][0] == {"code": "NOT_FOUND", "field": ["input", "personId"]}
    assert not await User.filter(username="head3").exists()


async def test_building_head_reads_the_residents_of_their_area_masked(database, api) -> None:
    """The residents of the head's buildings are readable (name, masked numbers); a resident of
    another building of the same compound is not."""
    w, mine, _, _ = await _world()
    inside = await _person(w, "411", w.buildings_a[0], "13900000411")
    outside = await _person(w, "412", w.buildings_a[1], "13900000412")
    lou = await api.as_user("lou", PASSWORD)
    seen = (await lou.gql(PERSON, {"id": to_global_id("Person", inside.id)}))["node"]
    assert seen["name"] == "楼长411" and seen["phone"] != "13900000411" and seen["personalDataMasked"] is True
    assert seen["idNumber"] != inside.id_number
    assert (await lou.gql(PERSON, {"id": to_global_id("Person", outside.id)}))["node"] is None
    listed = await lou.gql("{ people(first: 50) { edges { node { name } } } }")
    names = {e["node"]["name"] for e in listed["people"]["edges"]}
    assert "楼长411" in names and "楼长412" not in names
    # the station head reads their building heads, not every resident of the compound
    zhan = await api.as_user("zhan", PASSWORD)
    assert (await zhan.gql(PERSON, {"id": to_global_id("Person", outside.id)}))["node"] is None
