"""The people operations called directly, without HTTP or GraphQL: a caller and plain arguments in,
rows out; the same scope rules and typed problems as the API."""
from __future__ import annotations

from datetime import date

import pytest

from models.audit import AuditEntry
from models.people import Person
from policy.kinds import Gender, StaffKind
from resolvers import people
from resolvers.errors import Denied, Problem
from resolvers.viewer import SYSTEM, viewer_from_headers
from tests.factory import PASSWORD, build_world, id_number


async def test_operations_run_without_graphql(api):
    w = await build_world()
    officer = await viewer_from_headers({"authorization": f"Bearer {await api.login('cuiyuan', PASSWORD)}"})

    p = await people.create_person(officer, home_id=w.community_a.id, data=people.PersonData(
        name=" 王芳 ", id_number=id_number(birth="19750615", seq="122"), residence_id=w.buildings_a[0].id))
    assert (p.name, p.gender, p.birth_date, p.residence_id) == ("王芳", Gender.FEMALE, date(1975, 6, 15), w.buildings_a[0].id)
    assert await AuditEntry.filter(action="personCreate", object_id=p.id).exists()

    with pytest.raises(Problem) as taken:
        await people.create_person(officer, home_id=w.community_a.id, data=people.PersonData(name="重复", id_number=p.id_number))
    assert (taken.value.code, taken.value.field) == ("ID_NUMBER_TAKEN", ["input", "idNumber"])
    with pytest.raises(Denied):  # another community's register: out of the officer's scope
        await people.create_person(officer, home_id=w.community_b.id,
                                   data=people.PersonData(name="赵六", id_number=id_number(seq="131")))
    assert await Person.all().count() == 1

    role = await people.assign_staff_role(SYSTEM, person_id=p.id, kind=StaffKind.COMMUNITY_WORKER,
                                          node_id=w.community_a.id, started_on=date(2026, 1, 5))
    ended = await people.end_staff_role(officer, role.id, ended_on=date(2026, 3, 1))
    assert ended.ended_on == date(2026, 3, 1)
    with pytest.raises(Problem) as closed:
        await people.end_staff_role(officer, role.id, ended_on=date(2026, 3, 2))
    assert closed.value.code == "ALREADY_CLOSED"

    changed = await people.update_person(officer, p.id, people.PersonChanges(phone="13812345678", party_member=True))
    assert (changed.phone, changed.party_member, changed.name) == ("13812345678", True, "王芳")
    assert [x.id for x in await people.list_people(officer, name_contains="王")] == [p.id]


async def test_ending_a_staff_role_twice_names_the_day_it_ended(api):
    """The second end of a staff role says when it ended (the message is filled, not a template)."""
    from datetime import date

    from policy.kinds import StaffKind
    from resolvers import people
    from resolvers.errors import Problem
    from resolvers.viewer import SYSTEM
    from tests.factory import build_world

    w = await build_world()
    p = await people.create_person(SYSTEM, home_id=w.community_a.id,
                                   data=people.PersonData(name="钱七", id_number=id_number(seq="141")))
    role = await people.assign_staff_role(SYSTEM, person_id=p.id, kind=StaffKind.COMMUNITY_WORKER,
                                          node_id=w.community_a.id, started_on=date(2025, 1, 1))
    await people.end_staff_role(SYSTEM, role.id, ended_on=date(2025, 6, 30))
    try:
        await people.end_staff_role(SYSTEM, role.id, ended_on=date(2025, 7, 1))
    except Problem as e:
        assert e.code == "ALREADY_CLOSED"
        assert e.render("zh") == "该职务已于2025-06-30结束" and e.render("en") == "this role ended on 2025-06-30"
    else:
        raise AssertionError("a staff role ended twice")
