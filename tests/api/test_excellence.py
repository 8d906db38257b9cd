"""Excellence: the ranked proposal per compound (1 place below 6 active heads, else 2; ties by the
preference flags, then seniority), confirmed by the community and signed off by the police."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.money import Assessment, ExcellenceSelection
from models.people import Person
from policy.kinds import Role
from resolvers import assessment as ops
from resolvers.viewer import SYSTEM
from schema.common import to_global_id
from tests.api.test_assessment import _heads
from tests.api.test_ledger import user
from tests.factory import PASSWORD, build_world, gid

D = date
LIST = """query($n: ID!, $y: Int!){ excellence(nodeId: $n, year: $y){ id rank status year term { id } compound { name } } }"""
CONFIRM = """mutation($i: ExcellenceInput!){ excellenceConfirm(input: $i){ selection { status confirmedBy } errors { code field } } }"""
SIGN = """mutation($i: ExcellenceInput!){ excellenceSignOff(input: $i){ selection { status signedBy } errors { code field } } }"""


def tid(t) -> str:
    return to_global_id("BuildingHeadTerm", t.id)


async def _annual(term, score: str, grade: str | None = None, confirmed: str | None = None):
    await Assessment.create(term_id=term.id, path=term.path, kind="ANNUAL", year=2025, score=Decimal(score),
                            proposed_grade=grade or ("EXCELLENT" if Decimal(score) >= 85 else "QUALIFIED"),
                            grade=confirmed, status="CONFIRMED" if confirmed else "PROPOSED")


async def _flags(term, *names):
    await Person.filter(id=term.person_id).update(**{n: True for n in names})


async def _world():
    w = await build_world()
    # 翠苑一区: 5 active heads → 1 place. A tie at 92 between a and b broken by seniority (a started first),
    # c scored higher but was confirmed UNQUALIFIED, d lower, e has no assessment
    a, b, c, d, e = await _heads(w, 5)  # started 2024-01-01 … 2024-01-05
    await _annual(a, "92")
    await _annual(b, "92")
    await _annual(c, "95", confirmed="UNQUALIFIED")
    await _annual(d, "70")
    # 锦绣华庭: 6 active heads → 2 places. A tie at 90 between p (one flag) and q (two flags, later start): q first;
    # r 88 third place, not selected
    p, q, r, s, t, u = await _heads(w, 6, compound=w.compound_b, seq0=600)
    await _flags(p, "party_member")
    await _flags(q, "retired_cadre", "model_worker")
    await _annual(p, "90")
    await _annual(q, "90")
    await _annual(r, "88")
    for x in (s, t, u):
        await _annual(x, "75")
    return w, (a, b, c, d, e), (p, q, r, s, t, u)


async def test_proposal_ranks_and_counts_per_compound_once(api):
    w, (a, b, *_), (p, q, r, *_) = await _world()
    assert await ops.propose_excellence(SYSTEM, year=2025) == {"compounds": 2, "proposed": 3, "kept": 0}
    assert await ops.propose_excellence(SYSTEM, year=2025) == {"compounds": 0, "proposed": 0, "kept": 2}
    assert await ExcellenceSelection.filter(year=2025).count() == 3

    staff_a = await api.as_user("cuiyuan", PASSWORD)
    rows = (await staff_a.gql(LIST, {"n": gid(w.community_a), "y": 2025}))["excellence"]
    assert [(x["rank"], x["term"]["id"], x["status"], x["compound"]["name"]) for x in rows] == [
        (1, tid(a), "PROPOSED", "翠苑一区")]
    staff_b = await api.as_user("jinhua", PASSWORD)
    rows = (await staff_b.gql(LIST, {"n": gid(w.community_b), "y": 2025}))["excellence"]
    assert [(x["rank"], x["term"]["id"]) for x in rows] == [(1, tid(q)), (2, tid(p))]
    # out of scope: nothing of the other community
    assert (await staff_a.raw(LIST, {"n": gid(w.community_b), "y": 2025}))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await staff_a.gql(LIST, {"n": gid(w.community_a), "y": 2024}))["excellence"] == []


async def test_confirm_and_sign_off(api):
    w, (a, *_), _ = await _world()
    await ops.propose_excellence(SYSTEM, year=2025)
    sel = await ExcellenceSelection.get(term_id=a.id)
    sid = to_global_id("ExcellenceSelection", sel.id)
    police = await api.as_user(await user("minjing", Role.COMMUNITY_POLICE, w.community_a), PASSWORD)
    early = (await police.gql(SIGN, {"i": {"id": sid}}))["excellenceSignOff"]
    assert early == {"selection": None, "errors": [{"code": "ASSESSMENT_NOT_CONFIRMED", "field": ["input", "id"]}]}
    # neither a station head nor a building head confirms
    head = await api.as_user(await user("zhanzhang", Role.STATION_HEAD, w.compound_a), PASSWORD)
    assert (await head.raw(CONFIRM, {"i": {"id": sid}}))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bh = await api.as_user(await user("loudong", Role.BUILDING_HEAD, w.buildings_a[0]), PASSWORD)
    assert (await bh.raw(CONFIRM, {"i": {"id": sid}}))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await police.raw(CONFIRM, {"i": {"id": sid}}))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    staff = await api.as_user("cuiyuan", PASSWORD)
    done = (await staff.gql(CONFIRM, {"i": {"id": sid}}))["excellenceConfirm"]
    assert done == {"selection": {"status": "CONFIRMED", "confirmedBy": "cuiyuan"}, "errors": []}
    again = (await staff.gql(CONFIRM, {"i": {"id": sid}}))["excellenceConfirm"]
    assert again["errors"][0]["code"] == "ASSESSMENT_ALREADY_CONFIRMED"
    # the community does not sign for the police
    assert (await staff.raw(SIGN, {"i": {"id": sid}}))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    signed = (await police.gql(SIGN, {"i": {"id": sid}}))["excellenceSignOff"]
    assert signed == {"selection": {"status": "SIGNED_OFF", "signedBy": "minjing"}, "errors": []}
    assert (await ExcellenceSelection.get(id=sel.id)).status == "SIGNED_OFF"
    twice = (await police.gql(SIGN, {"i": {"id": sid}}))["excellenceSignOff"]
    assert twice["errors"][0]["code"] == "ASSESSMENT_ALREADY_SIGNED"
    # the node interface finds it, within scope only
    q = """query($id: ID!){ node(id: $id){ ... on ExcellenceSelection { rank status } } }"""
    assert (await staff.gql(q, {"id": sid}))["node"] == {"rank": 1, "status": "SIGNED_OFF"}
    other = await api.as_user("jinhua", PASSWORD)
    assert (await other.gql(q, {"id": sid}))["node"] is None
