"""Policy parameters with effective dates: the district's value, overridden lower in the tree
from a date on, read as "the value in force for this node on this date"."""
from __future__ import annotations

from tests.factory import PASSWORD, build_world, gid

Q = """query($n: ID!, $on: Date){ policyParameters(nodeId: $n, on: $on){ key value isDefault effectiveFrom setAt { name } } }"""
SET = """mutation($n: ID!, $k: String!, $v: String!, $f: Date!){ policyParameterSet(nodeId: $n, key: $k, value: $v, effectiveFrom: $f){
  parameter { key value effectiveFrom } errors { code field message } } }"""


def value(params: list[dict], key: str) -> dict:
    return next(p for p in params if p["key"] == key)


async def test_override_applies_below_its_node_from_its_date(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    district = (await admin.gql(Q, {"n": gid(w.compound_a)}))["policyParameters"]
    assert value(district, "households_per_head")["value"] == "100"
    assert value(district, "building_head_subsidy")["value"] == "300.00"
    assert value(district, "households_per_head")["setAt"] == {"name": "测试新区"}
    sub = await api.as_user("linhu", PASSWORD)
    res = await sub.gql(SET, {"n": gid(w.subdistrict), "k": "households_per_head", "v": "80", "f": "2026-01-01"})
    assert res["policyParameterSet"]["errors"] == []
    before = (await admin.gql(Q, {"n": gid(w.compound_a), "on": "2025-12-31"}))["policyParameters"]
    after = (await admin.gql(Q, {"n": gid(w.compound_a), "on": "2026-01-01"}))["policyParameters"]
    assert value(before, "households_per_head")["value"] == "100"
    assert value(after, "households_per_head") == {"key": "households_per_head", "value": "80", "isDefault": False,
                                                   "effectiveFrom": "2026-01-01", "setAt": {"name": "临湖街道"}}
    # the roll-ups use the value in force today: 翠苑一区 has 200 households → ceil(200/80) = 3 seats
    roll = await admin.gql("query($id: ID!){ node(id: $id){ ... on Compound { rollup { requiredBuildingHeads } } } }", {"id": gid(w.compound_a)})
    assert roll["node"]["rollup"]["requiredBuildingHeads"] == 3


async def test_bad_parameters_are_refused_with_the_rule(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    unknown = await admin.gql(SET, {"n": gid(w.district), "k": "households_per_heads", "v": "90", "f": "2026-01-01"})
    assert unknown["policyParameterSet"]["errors"][0]["code"] == "UNKNOWN_PARAMETER"
    bad = await admin.gql(SET, {"n": gid(w.district), "k": "building_head_subsidy", "v": "300.123", "f": "2026-01-01"}, lang="en")
    err = bad["policyParameterSet"]["errors"][0]
    assert err["code"] == "INVALID_PARAMETER" and err["field"] == ["value"] and "building_head_subsidy" in err["message"]
    neg = await admin.gql(SET, {"n": gid(w.district), "k": "households_per_head", "v": "0", "f": "2026-01-01"})
    assert neg["policyParameterSet"]["errors"][0]["code"] == "INVALID_PARAMETER"
    # a community officer may not change parameters
    officer = await api.as_user("cuiyuan", PASSWORD)
    body = await officer.raw(SET, {"n": gid(w.community_a), "k": "households_per_head", "v": "90", "f": "2026-01-01"})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
