"""Households as records through the API: generated from the count, imported from a register
(all or nothing), visited; scoped to a building head's service area; contacts masked."""
from __future__ import annotations

import base64
import io
from datetime import timedelta

from models.access import User
from models.duties import Household, HouseholdVisit
from models.people import Person
from models.recruitment import BuildingHead
from models.tree import Node, ServiceArea
from grassroots.demo import create_user
from policy.idnumber import parse_id_number
from policy.kinds import HeadKind, Role
from resolvers.clock import today
from schema.common import to_global_id
from tests.factory import PASSWORD, World, build_world, gid, id_number

GENERATE = """mutation($b: ID!){ householdsGenerate(input: {buildingId: $b}){
  created households { id doorNumber } errors { code field message } } }"""
IMPORT = """mutation($i: HouseholdsImportInput!){ householdsImport(input: $i){
  created updated households { doorNumber contactName contactPhone personalDataMasked form { occupants } }
  errors { code field message row column } } }"""
VISIT = """mutation($i: HouseholdVisitInput!){ householdVisitRecord(input: $i){
  visit { id visitedOn occupants byBuildingHead } household { form { occupants vulnerableMembers needs updatedOn } }
  errors { code field message } } }"""
LIST = """query($b: ID, $a: ID, $c: ID, $n: ID){ households(buildingId: $b, serviceAreaId: $a, compoundId: $c, nodeId: $n, first: 100){
  totalCount nodes { id doorNumber contactName contactPhone personalDataMasked building { name }
  visits { totalCount nodes { visitedOn occupants } } } } }"""
NODE = "query($id: ID!){ node(id: $id){ id ... on Household { doorNumber } } }"


def hid(h: Household) -> str:
    return to_global_id("Household", h.id)


def csv_input(w: World, text: str, name: str = "住户.csv") -> dict:
    return {"i": {"communityId": gid(w.community_a), "content": base64.b64encode(text.encode("utf-8")).decode(),
                  "fileName": name}}


async def building_head(w: World, building: Node, username: str, seq: str = "401") -> tuple[ServiceArea, Person]:
    """A user linked to a person with an ACTIVE term for a service area holding ``building``."""
    area = await ServiceArea.create(container_id=building.parent_id, name=f"{building.name}片区", path=w.compound_a.path
                                    if building.parent_id == w.compound_a.id else w.compound_b.path)
    await Node.filter(id=building.id).update(service_area_id=area.id)
    idn = id_number(seq=seq)
    r = parse_id_number(idn)
    p = await Person.create(name="王楼长", gender=r.gender, id_number=idn, birth_date=r.birth_date, home_id=w.community_a.id,
                            path=w.community_a.path, residence_id=building.id, permanent_resident=True)
    await BuildingHead.create(person_id=p.id, service_area_id=area.id, path=area.path, kind=HeadKind.BUILDING_HEAD,
                              starts_on=today() - timedelta(days=30), ends_on=today() + timedelta(days=1000))
    await create_user(username, "王楼长", PASSWORD, [])
    await User.filter(username=username).update(person_id=p.id)
    return area, p


async def households_everywhere(w: World) -> dict[int, list[Household]]:
    """Three households in each of buildings_a[0], buildings_a[1] and building_b."""
    out = {}
    for b in (w.buildings_a[0], w.buildings_a[1], w.building_b):
        out[b.id] = [await Household.create(building_id=b.id, path=b.path, door_number=str(n), contact_name="张三",
                                            contact_phone="13812345678") for n in (1, 2, 3)]
    return out


async def test_generating_households_from_the_count_twice_creates_each_once(api):
    w = await build_world()
    staff = await api.as_user("cuiyuan", PASSWORD)
    first = (await staff.gql(GENERATE, {"b": gid(w.buildings_a[1])}))["householdsGenerate"]
    assert first["errors"] == [] and first["created"] == 80
    assert [h["doorNumber"] for h in first["households"][:3]] == ["1", "2", "3"]  # numeric order
    again = (await staff.gql(GENERATE, {"b": gid(w.buildings_a[1])}))["householdsGenerate"]
    assert (again["created"], again["errors"]) == (0, [])
    doors = await Household.filter(building_id=w.buildings_a[1].id).values_list("door_number", flat=True)
    assert sorted(doors, key=int) == [str(n) for n in range(1, 81)]
    hh = await Household.get(building_id=w.buildings_a[1].id, door_number="1")
    assert hh.path == w.buildings_a[1].path and hh.workstation_id is not None
    # another community's staff cannot: out of scope is a GraphQL error, nothing written
    other = await api.as_user("jinhua", PASSWORD)
    body = await other.raw(GENERATE, {"b": gid(w.buildings_a[0])})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await Household.filter(building_id=w.buildings_a[0].id).count() == 0


async def test_an_import_with_a_bad_row_writes_nothing_and_names_the_row_and_column(api):
    w = await build_world()
    staff = await api.as_user("cuiyuan", PASSWORD)
    bad = ("楼栋,门牌号,联系人,联系电话,居住人数\n"
           "1栋,101,张三,13812345678,3\n"
           "2栋,201,李四,13900001111,很多\n"
           "9栋,901,赵六,,2\n")
    r = (await staff.gql(IMPORT, csv_input(w, bad)))["householdsImport"]
    assert r["created"] == 0
    found = {(e["row"], e["column"], e["code"]) for e in r["errors"]}
    assert found == {(3, "occupants", "OCCUPANTS_INVALID"), (4, "building", "BUILDING_NOT_FOUND")}
    assert any("第3行" in e["message"] and "居住人数" in e["message"] for e in r["errors"])
    assert await Household.all().count() == 0
    # a missing column is the whole file's problem
    r = (await staff.gql(IMPORT, csv_input(w, "楼栋,联系人\n1栋,张三\n")))["householdsImport"]
    assert [e["code"] for e in r["errors"]] == ["MISSING_COLUMN"] and "门牌号" in r["errors"][0]["message"]
    # the good file: by name or code, and a repeat of a door number updates it
    good = ("楼栋,门牌号,联系人,联系电话,居住人数\n"
            "1栋,101,张三,13812345678,3\n"
            "T-PA-2,201,李四,13900001111,2\n")
    r = (await staff.gql(IMPORT, csv_input(w, good)))["householdsImport"]
    assert (r["created"], r["errors"]) == (2, [])
    # community staff hold PERSON_PII: the contact in full
    assert {(h["doorNumber"], h["contactName"], h["contactPhone"], h["personalDataMasked"]) for h in r["households"]} == {
        ("101", "张三", "13812345678", False), ("201", "李四", "13900001111", False)}
    r = (await staff.gql(IMPORT, csv_input(w, "楼栋,门牌号,居住人数\n1栋,101,5\n")))["householdsImport"]
    assert (r["created"], r["updated"]) == (0, 1)
    assert (await Household.get(door_number="101")).occupants == 5
    assert await Household.all().count() == 2


async def test_an_xlsx_register_imports_and_a_station_head_sees_contacts_masked(api):
    from openpyxl import Workbook

    w = await build_world()
    book = Workbook()
    sheet = book.active
    sheet.append(["小区", "楼栋", "门牌号", "联系人", "联系电话", "居住人数"])
    sheet.append(["翠苑一区", "1栋", "102", "欧阳娜娜", "13700002222", 4])
    buf = io.BytesIO()
    book.save(buf)
    staff = await api.as_user("cuiyuan", PASSWORD)
    r = (await staff.gql(IMPORT, {"i": {"communityId": gid(w.community_a), "fileName": "登记表.xlsx",
                                        "content": base64.b64encode(buf.getvalue()).decode()}}))["householdsImport"]
    assert (r["created"], r["errors"]) == (1, [])
    await create_user("zhanzhang", "站长", PASSWORD, [(Role.STATION_HEAD, w.compound_a)])
    head = await api.as_user("zhanzhang", PASSWORD)
    nodes = (await head.gql(LIST, {"c": gid(w.compound_a)}))["households"]["nodes"]
    assert [(n["contactName"], n["contactPhone"], n["personalDataMasked"]) for n in nodes] == [
        ("欧***", "137****2222", True)]


async def test_a_visit_updates_the_form_and_a_future_date_is_refused(api):
    w = await build_world()
    h = await Household.create(building_id=w.buildings_a[0].id, path=w.buildings_a[0].path, door_number="101")
    staff = await api.as_user("cuiyuan", PASSWORD)
    r = (await staff.gql(VISIT, {"i": {"householdId": hid(h), "visitedOn": str(today()), "occupants": 4,
                                       "vulnerableMembers": 1, "needs": "需要更换楼道灯", "note": "户主在家"}}))["householdVisitRecord"]
    assert r["errors"] == []
    assert r["household"]["form"] == {"occupants": 4, "vulnerableMembers": 1, "needs": "需要更换楼道灯", "updatedOn": str(today())}
    assert r["visit"]["byBuildingHead"] is False  # community staff, not a head
    # a visit recorded late does not overwrite the newer form, but keeps what it found
    older = str(today() - timedelta(days=20))
    r = (await staff.gql(VISIT, {"i": {"householdId": hid(h), "visitedOn": older, "occupants": 2}}))["householdVisitRecord"]
    assert r["household"]["form"]["occupants"] == 4
    assert await HouseholdVisit.filter(household_id=h.id).count() == 2
    tomorrow = str(today() + timedelta(days=1))
    r = (await staff.gql(VISIT, {"i": {"householdId": hid(h), "visitedOn": tomorrow, "occupants": 9}}))["householdVisitRecord"]
    assert [(e["code"], e["field"]) for e in r["errors"]] == [("FUTURE_DATE", ["input", "visitedOn"])]
    r = (await staff.gql(VISIT, {"i": {"householdId": hid(h), "occupants": 2, "vulnerableMembers": 3}}))["householdVisitRecord"]
    assert [(e["code"], e["field"]) for e in r["errors"]] == [("NUMBER_OUT_OF_RANGE", ["input", "vulnerableMembers"])]
    assert await HouseholdVisit.filter(household_id=h.id).count() == 2
    listed = (await staff.gql(LIST, {"b": gid(w.buildings_a[0])}))["households"]["nodes"][0]["visits"]
    assert [v["visitedOn"] for v in listed["nodes"]] == [str(today()), older]  # newest first


async def test_a_building_head_sees_only_their_own_areas_households(api, sql_counter):
    w = await build_world()
    homes = await households_everywhere(w)
    area, person = await building_head(w, w.buildings_a[0], "wanglouzhang")
    head = await api.as_user("wanglouzhang", PASSWORD)
    mine = {h.id for h in homes[w.buildings_a[0].id]}
    for variables in ({"c": gid(w.compound_a)}, {"a": to_global_id("ServiceArea", area.id)}, {"b": gid(w.buildings_a[0])},
                      {"n": gid(w.community_a)}):
        listed = (await head.gql(LIST, variables))["households"]
        assert {int(base64.urlsafe_b64decode(n["id"] + "==").decode().split(":")[1]) for n in listed["nodes"]} == mine
        assert all(n["personalDataMasked"] and n["contactName"] == "张*" for n in listed["nodes"])
    # the other building of the same compound and the other compound: refused like missing ones
    for variables in ({"b": gid(w.buildings_a[1])}, {"c": gid(w.compound_b)}):
        body = await head.raw(LIST, variables)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    other = homes[w.buildings_a[1].id][0]
    assert (await head.gql(NODE, {"id": hid(other)}))["node"] is None
    assert (await head.gql(NODE, {"id": hid(homes[w.buildings_a[0].id][0])}))["node"]["doorNumber"] == "1"
    visit = {"householdId": hid(other), "occupants": 1}
    missing = {"householdId": to_global_id("Household", 999999), "occupants": 1}
    there, nowhere = await head.raw(VISIT, {"i": visit}), await head.raw(VISIT, {"i": missing})
    assert there["errors"][0]["message"] == nowhere["errors"][0]["message"]
    assert there["errors"][0]["extensions"] == nowhere["errors"][0]["extensions"]
    assert await HouseholdVisit.all().count() == 0
    # their own: recorded with their term
    r = (await head.gql(VISIT, {"i": {"householdId": hid(homes[w.buildings_a[0].id][0]), "occupants": 3}}))["householdVisitRecord"]
    assert r["errors"] == [] and r["visit"]["byBuildingHead"] is True
    term = await BuildingHead.get(person_id=person.id)
    assert (await HouseholdVisit.get()).term_id == term.id
    # set-based: the list with its buildings and visits costs the same for 3 or 30 households
    sql_counter.count = 0
    await head.gql(LIST, {"c": gid(w.compound_a)})
    few = sql_counter.count
    for n in range(4, 31):
        await Household.create(building_id=w.buildings_a[0].id, path=w.buildings_a[0].path, door_number=str(n))
    sql_counter.count = 0
    await head.gql(LIST, {"c": gid(w.compound_a)})
    assert sql_counter.count == few


async def test_a_station_head_and_community_staff_see_all_of_their_compound_or_community(api):
    w = await build_world()
    homes = await households_everywhere(w)
    await create_user("zhanzhang", "站长", PASSWORD, [(Role.STATION_HEAD, w.compound_a)])
    head = await api.as_user("zhanzhang", PASSWORD)
    listed = (await head.gql(LIST, {"c": gid(w.compound_a)}))["households"]
    assert listed["totalCount"] == 6
    assert {n["building"]["name"] for n in listed["nodes"]} == {"1栋", "2栋"}
    assert all(n["contactPhone"] == "138****5678" for n in listed["nodes"])
    staff = await api.as_user("cuiyuan", PASSWORD)
    listed = (await staff.gql(LIST, {"n": gid(w.community_a)}))["households"]
    assert listed["totalCount"] == 6 and all(n["contactPhone"] == "13812345678" for n in listed["nodes"])
    body = await staff.raw(LIST, {"c": gid(w.compound_b)})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert len(homes) == 3


async def test_a_batch_of_visits_is_all_or_nothing(api):
    w = await build_world()
    homes = await households_everywhere(w)
    staff = await api.as_user("cuiyuan", PASSWORD)
    batch = """mutation($i: HouseholdVisitsInput!){ householdVisitsRecord(input: $i){ visits { id } errors { code field } } }"""
    ours = homes[w.buildings_a[0].id]
    entries = [{"householdId": hid(h), "occupants": 2} for h in ours]
    entries[1]["occupants"] = -1
    r = (await staff.gql(batch, {"i": {"entries": entries}}))["householdVisitsRecord"]
    assert [(e["code"], e["field"]) for e in r["errors"]] == [("NUMBER_OUT_OF_RANGE", ["input", "entries", "1", "occupants"])]
    assert await HouseholdVisit.all().count() == 0
    entries[1]["occupants"] = 2
    r = (await staff.gql(batch, {"i": {"entries": entries}}))["householdVisitsRecord"]
    assert r["errors"] == [] and len(r["visits"]) == 3
    assert {h.occupants for h in await Household.filter(building_id=w.buildings_a[0].id)} == {2}
    # one household out of scope refuses the whole batch
    entries.append({"householdId": hid(homes[w.building_b.id][0]), "occupants": 1})
    body = await staff.raw(batch, {"i": {"entries": entries}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await HouseholdVisit.all().count() == 3
    too_many = [{"householdId": hid(ours[0]), "occupants": 1}] * 201
    r = (await staff.gql(batch, {"i": {"entries": too_many}}))["householdVisitsRecord"]
    assert [e["code"] for e in r["errors"]] == ["TOO_MANY_ENTRIES"]


async def test_concurrent_generations_create_each_door_number_once(api):
    import asyncio

    w = await build_world()
    staff = await api.as_user("cuiyuan", PASSWORD)
    results = await asyncio.gather(*(staff.gql(GENERATE, {"b": gid(w.buildings_a[1])}) for _ in range(10)))
    created = [r["householdsGenerate"]["created"] for r in results]
    assert sorted(created) == [0] * 9 + [80], results
    assert all(r["householdsGenerate"]["errors"] == [] for r in results)
    assert await Household.filter(building_id=w.buildings_a[1].id).count() == 80


async def test_a_register_uploaded_as_a_multipart_file_imports(api):
    import json

    w = await build_world()
    staff = await api.as_user("cuiyuan", PASSWORD)
    operations = json.dumps({"query": IMPORT, "variables": {"i": {"communityId": gid(w.community_a), "file": None}}})
    content = "楼栋,门牌号,联系人\n2栋,202,陈五\n".encode("gb18030")  # what Excel on Chinese Windows saves
    r = await staff.http.post("/graphql", data={"operations": operations, "map": json.dumps({"0": ["variables.i.file"]})},
                              files={"0": ("住户登记.csv", content, "text/csv")},
                              headers={"Authorization": f"Bearer {staff.token}"})
    body = r.json()
    assert not body.get("errors"), body
    assert (body["data"]["householdsImport"]["created"], body["data"]["householdsImport"]["errors"]) == (1, [])
    assert (await Household.get(door_number="202")).building_id == w.buildings_a[1].id
