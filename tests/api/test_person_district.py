"""A person's register record belongs to one district: the ID number is unique per district
(person.district_id, migration 0005), so nothing a district is told depends on what another
district registers — a number registered elsewhere is simply a fresh number here."""
from __future__ import annotations

from grassroots.demo import create_district, create_user
from models.people import Person
from policy.idnumber import mask_id_number
from policy.kinds import NodeKind, Role, SubdistrictKind
from resolvers.tree import create_node
from tests.factory import PASSWORD, build_world, gid, id_number

CREATE = """mutation($i: PersonCreateInput!){ personCreate(input: $i){
  person { name gender birthDate idNumber } errors { code field message } } }"""
MOVE = "mutation($id: ID!, $p: ID!){ treeNodeMove(id: $id, newParentId: $p){ node { name } errors { code field message } } }"


def _shape(res: dict, number: str) -> dict:
    """An answer with the number itself (and its mask) taken out, to compare answers for two numbers."""
    text = str(res).replace(number, "<n>").replace(mask_id_number(number), "<m>")
    return {"text": text}


async def _other_district():
    other = await create_district("西岭新区", "X")
    await create_user("xiling", "西岭新区管理员", PASSWORD, [(Role.ADMIN, other)])
    return other


async def test_a_number_registered_in_another_district_is_a_fresh_number_here(api):
    w = await build_world()
    other = await _other_district()
    cuiyuan = await api.as_user("cuiyuan", PASSWORD)
    xiling = await api.as_user("xiling", PASSWORD)
    shared, fresh = id_number(birth="19700303", seq="511"), id_number(birth="19700303", seq="513")
    first = await cuiyuan.gql(CREATE, {"i": {"homeId": gid(w.community_a), "name": "甲", "idNumber": shared}})
    assert first["personCreate"]["errors"] == []
    # district X registers the same number: a separate register record, answered as a fresh number is
    answers = []
    for number in (shared, fresh):
        res = await xiling.gql(CREATE, {"i": {"homeId": gid(other), "name": "乙", "idNumber": number}})
        assert res["personCreate"]["errors"] == [] and res["personCreate"]["person"]["idNumber"] == number
        answers.append(_shape(res, number))
    assert answers[0] == answers[1]
    rows = await Person.filter(id_number=shared).order_by("id").values_list("district_id", "home_id")
    assert rows == [(w.district.id, w.community_a.id), (other.id, other.id)]
    # and the other way round: A registers a number X holds, as it would a fresh one
    x_only, fresh2 = id_number(birth="19700303", seq="515"), id_number(birth="19700303", seq="517")
    assert (await xiling.gql(CREATE, {"i": {"homeId": gid(other), "name": "丙", "idNumber": x_only}}))["personCreate"]["errors"] == []
    answers = []
    for number in (x_only, fresh2):
        res = await cuiyuan.gql(CREATE, {"i": {"homeId": gid(w.community_a), "name": "丁", "idNumber": number}})
        assert res["personCreate"]["errors"] == []
        answers.append(_shape(res, number))
    assert answers[0] == answers[1]


async def test_within_a_district_the_duplicate_is_refused_and_names_nothing(api):
    w = await build_world()
    other = await _other_district()
    xiling = await api.as_user("xiling", PASSWORD)
    jinhua = await api.as_user("jinhua", PASSWORD)
    cuiyuan = await api.as_user("cuiyuan", PASSWORD)
    number = id_number(birth="19700303", seq="521")
    assert (await jinhua.gql(CREATE, {"i": {"homeId": gid(w.community_b), "name": "任国庆", "idNumber": number}}))["personCreate"]["errors"] == []
    assert (await xiling.gql(CREATE, {"i": {"homeId": gid(other), "name": "西岭居民", "idNumber": number}}))["personCreate"]["errors"] == []
    # 翠苑 (same district as 锦华, whose record it cannot read): ID_NUMBER_TAKEN naming nobody and nowhere
    res = await cuiyuan.gql(CREATE, {"i": {"homeId": gid(w.community_a), "name": "新登记", "idNumber": number}})
    [e] = res["personCreate"]["errors"]
    assert e["code"] == "ID_NUMBER_TAKEN" and e["field"] == ["input", "idNumber"]
    for word in ("任国庆", "锦华", "西岭", "测试新区", number):
        assert word not in e["message"], word
    # within X the same
    res = await xiling.gql(CREATE, {"i": {"homeId": gid(other), "name": "重复", "idNumber": number}})
    assert [x["code"] for x in res["personCreate"]["errors"]] == ["ID_NUMBER_TAKEN"]
    assert await Person.filter(id_number=number).count() == 2


async def test_a_move_across_districts_takes_the_register_along(api):
    w = await build_world()
    other = await _other_district()
    sd = await create_node(other, NodeKind.SUBDISTRICT, "西岭街道", code="X-SD", subdistrict_kind=SubdistrictKind.STREET)
    await create_user("both", "两区管理员", PASSWORD, [(Role.ADMIN, w.district), (Role.ADMIN, other)])
    both = await api.as_user("both", PASSWORD)
    xiling = await api.as_user("xiling", PASSWORD)
    number = id_number(birth="19700303", seq="531")
    assert (await both.gql(CREATE, {"i": {"homeId": gid(w.community_b), "name": "锦华居民", "idNumber": number}}))["personCreate"]["errors"] == []
    clash = await xiling.gql(CREATE, {"i": {"homeId": gid(other), "name": "西岭居民", "idNumber": number}})
    assert clash["personCreate"]["errors"] == []
    # X already registers the number: the move is refused, nothing moves
    res = await both.gql(MOVE, {"id": gid(w.community_b), "p": gid(sd)})
    assert [(e["code"], e["field"]) for e in res["treeNodeMove"]["errors"]] == [("ID_NUMBER_TAKEN", ["newParentId"])]
    assert "西岭居民" not in str(res)
    assert (await Person.get(name="锦华居民")).district_id == w.district.id
    # without the clash the community moves, and its people's register records with it
    await Person.filter(name="西岭居民").delete()
    res = await both.gql(MOVE, {"id": gid(w.community_b), "p": gid(sd)})
    assert res["treeNodeMove"]["errors"] == []
    moved = await Person.get(name="锦华居民")
    assert moved.path.startswith(f"/{other.id}/") and moved.district_id == other.id
    # the number is now X's: taken there, fresh in the first district
    again = await xiling.gql(CREATE, {"i": {"homeId": gid(other), "name": "重复", "idNumber": number}})
    assert [x["code"] for x in again["personCreate"]["errors"]] == ["ID_NUMBER_TAKEN"]
    back = await both.gql(CREATE, {"i": {"homeId": gid(w.community_a), "name": "翠苑居民", "idNumber": number}})
    assert back["personCreate"]["errors"] == []
