"""Codes are unique in a district and sibling names among a parent's open children:
typed errors for a single request (the database holds both rules under races too,
see test_races.py)."""
from __future__ import annotations

from pathlib import Path

from tests.api.test_import import upload
from tests.factory import PASSWORD, build_world, gid

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "tree-import.csv"
CREATE = """mutation($i: TreeNodeCreateInput!){ treeNodeCreate(input: $i){ node { id name } errors { code field message } } }"""
UPDATE = """mutation($i: TreeNodeUpdateInput!){ treeNodeUpdate(input: $i){ node { name } errors { code field message } } }"""
MOVE = """mutation($id: ID!, $p: ID!){ treeNodeMove(id: $id, newParentId: $p){ node { name } errors { code field message } } }"""
CLOSE = """mutation($id: ID!){ treeNodeClose(id: $id){ errors { code } } }"""


def building(parent, name: str, code: str | None = None) -> dict:
    return {"i": {"parentId": parent, "kind": "BUILDING", "name": name, "households": 10, **({"code": code} if code else {})}}


async def test_a_duplicate_code_is_code_taken_naming_the_code(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    res = await admin.gql(CREATE, building(gid(w.compound_a), "9栋", "T-PA-1"))
    [e] = res["treeNodeCreate"]["errors"]
    assert e["code"] == "CODE_TAKEN" and e["field"] == ["input", "code"] and "T-PA-1" in e["message"]
    en = await admin.gql(UPDATE, {"i": {"id": gid(w.buildings_a[1]), "code": "T-PA-1"}}, lang="en")
    [e] = en["treeNodeUpdate"]["errors"]
    assert e["code"] == "CODE_TAKEN" and "'T-PA-1'" in e["message"]


async def test_a_sibling_of_the_same_name_is_refused_on_create_rename_and_move(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    res = await admin.gql(CREATE, building(gid(w.compound_a), "1栋"))
    [e] = res["treeNodeCreate"]["errors"]
    assert e["code"] == "NAME_TAKEN" and e["field"] == ["input", "name"] and "1栋" in e["message"]
    # the same name under another parent is fine (锦绣华庭 has a 1栋 too)
    assert (await admin.gql(CREATE, building(gid(w.compound_b), "2栋")))["treeNodeCreate"]["errors"] == []
    res = await admin.gql(UPDATE, {"i": {"id": gid(w.buildings_a[1]), "name": " 1栋 "}})
    assert [e["code"] for e in res["treeNodeUpdate"]["errors"]] == ["NAME_TAKEN"]
    # renaming a node to its own name is no conflict
    assert (await admin.gql(UPDATE, {"i": {"id": gid(w.buildings_a[0]), "name": "1栋"}}))["treeNodeUpdate"]["errors"] == []
    res = await admin.gql(MOVE, {"id": gid(w.building_b), "p": gid(w.compound_a)})
    [e] = res["treeNodeMove"]["errors"]
    assert e["code"] == "NAME_TAKEN" and e["field"] == ["newParentId"]
    # once the first is closed, its name is free again (history keeps the closed one)
    assert (await admin.gql(CLOSE, {"id": gid(w.buildings_a[0])}))["treeNodeClose"]["errors"] == []
    assert (await admin.gql(CREATE, building(gid(w.compound_a), "1栋")))["treeNodeCreate"]["errors"] == []


async def test_the_example_import_twice_does_not_create_a_second_new_town(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    first = await upload(admin, gid(w.district), "register.csv", EXAMPLE.read_bytes())
    assert first["errors"] == [] and first["created"] > 0
    again = EXAMPLE.read_text(encoding="utf-8-sig").replace("NHXC", "NHXC2")  # new codes, the same names
    second = await upload(admin, gid(w.district), "register.csv", again.encode())
    assert second["created"] == 0
    [e] = second["errors"]  # the new town clashes; its children would be under the (refused) new one
    assert e["code"] == "NAME_TAKEN" and e["row"] == 2 and e["column"] == "name" and "南湖新城" in e["message"]
    # the factory's district already has 东湖新城, and two rows of one file may not share a parent and name
    clash = "编码,类型,名称,上级编码,户数,地址\nX1,新城,东湖新城,,,\nX2,新城,北湖新城,,,\nX3,新城,北湖新城,,,\n"
    res = await upload(admin, gid(w.district), "clash.csv", clash.encode())
    assert [(e["code"], e["row"]) for e in res["errors"]] == [("NAME_TAKEN", 2), ("NAME_TAKEN", 4)]
    assert res["created"] == 0
