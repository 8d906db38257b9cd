"""Every "at most one" rule, raced: 20 concurrent copies of one mutation through the HTTP API.

RULES below is the catalogue: one line per rule, naming the mutation, the rule and the
typed payload error every losing request gets. Exactly one copy succeeds; the other 19
get that error (the same one a sequential request would get) — never a raw database
message, never a GraphQL error. On PostgreSQL (GRASSROOTS_TEST_BACKEND=postgres) the
copies really run at once; on SQLite, which serialises writers, the same test checks
the sequential answers.

How each rule is held: a unique index (models/migrations/0003_integrity.py and the
unique keys of 0001/0002), or a row lock taken before the check (resolvers/locks.py)
where the rule is a count or a change of state of one row.
"""
from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from models.access import ApiKey, RoleGrant, User
from models.parameters import PolicyParameter
from models.people import Person, StaffRole
from models.recruitment import (
    Application, BuildingHead, CampaignArea, HeadChangeFiling, Objection, RecruitmentCampaign,
)
from models.tree import ChainChange, Node, ServiceArea
from models.workstations import StationHeadAppointment, Workstation, WorkstationPlan
from policy.idnumber import parse_id_number
from policy.kinds import HeadKind, NodeKind, Role, StaffKind, TermStatus
from policy.recruitment import ApplicationStatus as S, Channel
from resolvers.clock import today
from resolvers.tree import create_node
from schema.common import to_global_id
from tests.factory import PASSWORD, World, build_world, gid, id_number

N = 20
_seq = itertools.count(100)


@dataclass
class Race:
    send: Callable[[int], Awaitable[dict]]  # copy i → the mutation's payload
    count: Callable[[], Awaitable[int]] | None = None  # rows that must number exactly one afterwards


@dataclass
class Ctx:
    w: World
    admin: object  # tests.conftest.Api


@dataclass
class Rule:
    mutation: str
    rule: str
    code: str  # the typed error of every losing copy
    arrange: Callable[[Ctx], Awaitable[Race]] = field(repr=False)

    def __str__(self) -> str:
        return f"{self.mutation}: {self.rule}"


# ---- arranging the world ---------------------------------------------------------------

async def person(w: World, residence: Node | None = None, home: Node | None = None) -> Person:
    idn = id_number(birth="19800101", seq=f"{next(_seq):03d}")
    r = parse_id_number(idn)
    home = home or w.community_a
    return await Person.create(name="竞争者", gender=r.gender, id_number=idn, birth_date=r.birth_date, home_id=home.id,
                               path=home.path, residence_id=(residence or w.buildings_a[0]).id, permanent_resident=True)


async def worker(w: World) -> Person:
    p = await person(w)
    await StaffRole.create(person_id=p.id, kind=StaffKind.COMMUNITY_WORKER, node_id=w.community_a.id,
                           path=w.community_a.path, started_on=date(2024, 1, 1))
    return p


async def area(w: World, building: Node, name: str = "片区") -> ServiceArea:
    a = await ServiceArea.create(container_id=w.compound_a.id, name=name, path=w.compound_a.path)
    await Node.filter(id=building.id).update(service_area_id=a.id)
    return a


async def campaign(w: World, *areas: ServiceArea) -> RecruitmentCampaign:
    c = await RecruitmentCampaign.create(community_id=w.community_a.id, path=w.community_a.path, name="补选",
                                         opened_on=date(2025, 1, 2))
    for a in areas:
        await CampaignArea.create(campaign_id=c.id, service_area_id=a.id)
    return c


async def application(w: World, status: S, a: ServiceArea | None = None, **fields) -> Application:
    a = a or await area(w, w.buildings_a[0])
    c = await campaign(w, a)
    p = await person(w)
    return await Application.create(campaign_id=c.id, service_area_id=a.id, person_id=p.id, path=a.path,
                                    channel=Channel.SELF, applied_on=date(2025, 1, 6), status=status, **fields)


async def term(w: World, **fields) -> BuildingHead:
    a = await area(w, w.buildings_a[0])
    p = await person(w)
    values = dict(starts_on=date(2021, 3, 1), ends_on=date(2026, 2, 28)) | fields
    return await BuildingHead.create(person_id=p.id, service_area_id=a.id, path=a.path, kind=HeadKind.BUILDING_HEAD, **values)


def gql(ctx: Ctx, mutation: str, signature: str, call: str, variables: Callable[[int], dict]) -> Callable[[int], Awaitable[dict]]:
    """A sender: copy i runs ``mutation(call)`` with ``variables(i)`` and returns its payload."""
    query = f"mutation{signature}{{ {mutation}({call}){{ errors {{ code field message }} }} }}"

    async def send(i: int) -> dict:
        body = await ctx.admin.raw(query, variables(i))
        assert not body.get("errors"), body  # a loser gets a payload error, never a GraphQL error
        return body["data"][mutation]

    return send


def same(v: dict) -> Callable[[int], dict]:
    return lambda i: v


def step(ctx: Ctx, mutation: str, app: Application, extra: str = "", **dates: str) -> Callable[[int], Awaitable[dict]]:
    sig = "($id: ID!" + "".join(f", ${k}: {'String' if k == 'filingReference' else 'Date'}!" for k in dates) + ")"
    call = "id: $id" + "".join(f", {k}: ${k}" for k in dates) + extra
    return gql(ctx, mutation, sig, call, same({"id": to_global_id("Application", app.id), **dates}))


# ---- the rules, one arrangement each ----------------------------------------------------

async def submit_twice(ctx: Ctx) -> Race:
    w = ctx.w
    a = await area(w, w.buildings_a[0])
    c = await campaign(w, a)
    p = await person(w)
    i = {"campaignId": to_global_id("RecruitmentCampaign", c.id), "serviceAreaId": to_global_id("ServiceArea", a.id),
         "personId": to_global_id("Person", p.id), "channel": "SELF", "appliedOn": "2025-01-06"}
    return Race(gql(ctx, "applicationSubmit", "($i: ApplicationSubmitInput!)", "input: $i", same({"i": i})),
                lambda: Application.filter(campaign_id=c.id, person_id=p.id).count())


def app_step(mutation: str, status: S, fields: dict | None = None, extra: str = "", **dates: str):
    async def arrange(ctx: Ctx) -> Race:
        app = await application(ctx.w, status, **(fields or {}))
        return Race(step(ctx, mutation, app, extra, **dates))
    return arrange


async def publish_once(ctx: Ctx) -> Race:
    app = await application(ctx.w, S.TRAINED)
    return Race(step(ctx, "applicationPublish", app, publishedOn="2025-02-20"),
                lambda: BuildingHead.filter(application_id=app.id, status=TermStatus.ACTIVE).count())


async def publish_one_seat(ctx: Ctx) -> Race:
    w = ctx.w
    a = await area(w, w.buildings_a[1])  # 80 households: one seat
    c = await campaign(w, a)
    apps = [await Application.create(campaign_id=c.id, service_area_id=a.id, person_id=(await person(w)).id, path=a.path,
                                     channel=Channel.SELF, applied_on=date(2025, 1, 6), status=S.TRAINED) for _ in range(N)]
    send = gql(ctx, "applicationPublish", "($id: ID!)", 'id: $id, publishedOn: "2025-02-20"',
               lambda i: {"id": to_global_id("Application", apps[i].id)})
    return Race(send, lambda: BuildingHead.filter(service_area_id=a.id, status=TermStatus.ACTIVE).count())


async def withdraw_once(ctx: Ctx) -> Race:
    app = await application(ctx.w, S.APPLIED)
    return Race(gql(ctx, "applicationWithdraw", "($id: ID!)", 'id: $id, reason: "本人撤回"',
                    same({"id": to_global_id("Application", app.id)})))


async def resolve_once(ctx: Ctx) -> Race:
    app = await application(ctx.w, S.ON_NOTICE, notice_posted_on=date(2025, 1, 24), notice_max_last_day=date(2025, 2, 10))
    o = await Objection.create(application_id=app.id, path=app.path, raised_by="住户", text="异议", raised_on=date(2025, 1, 27))
    return Race(gql(ctx, "objectionResolve", "($id: ID!)", 'id: $id, upheld: false, resolution: "经核实不成立"',
                    same({"id": to_global_id("Objection", o.id)})))


async def close_campaign_once(ctx: Ctx) -> Race:
    c = await campaign(ctx.w, await area(ctx.w, ctx.w.buildings_a[0]))
    return Race(gql(ctx, "recruitmentCampaignClose", "($id: ID!)", 'id: $id, closedOn: "2025-03-01"',
                    same({"id": to_global_id("RecruitmentCampaign", c.id)})))


async def record_head_once(ctx: Ctx) -> Race:
    w = ctx.w
    a = await area(w, w.buildings_a[0])
    p = await person(w)
    send = gql(ctx, "buildingHeadRecord", "($p: ID!, $a: ID!)", 'personId: $p, serviceAreaId: $a, startsOn: "2024-03-01"',
               same({"p": to_global_id("Person", p.id), "a": to_global_id("ServiceArea", a.id)}))
    return Race(send, lambda: BuildingHead.filter(person_id=p.id, service_area_id=a.id, status=TermStatus.ACTIVE).count())


async def resign_once(ctx: Ctx) -> Race:
    t = await term(ctx.w, ends_on=date(2030, 2, 28))
    send = gql(ctx, "buildingHeadResign", "($id: ID!, $r: Date!)", "id: $id, requestedOn: $r",
               same({"id": to_global_id("BuildingHeadTerm", t.id), "r": today().isoformat()}))
    return Race(send, lambda: HeadChangeFiling.filter(term_id=t.id, change="RESIGNATION").count())


async def terminate_once(ctx: Ctx) -> Race:
    t = await term(ctx.w, ends_on=date(2030, 2, 28))
    send = gql(ctx, "buildingHeadTerminate", "($id: ID!)", 'id: $id, reason: UNEXCUSED_ABSENCES, endedOn: "2025-06-01"',
               same({"id": to_global_id("BuildingHeadTerm", t.id)}))
    return Race(send, lambda: HeadChangeFiling.filter(term_id=t.id, change="END").count())


async def renew_once(ctx: Ctx) -> Race:
    t = await term(ctx.w, ends_on=today() + timedelta(days=30))
    send = gql(ctx, "buildingHeadRenew", "($id: ID!, $r: Date!)", 'id: $id, renewedOn: $r, assessmentNote: "届满考核合格"',
               same({"id": to_global_id("BuildingHeadTerm", t.id), "r": today().isoformat()}))
    return Race(send, lambda: BuildingHead.filter(renewed_from_id=t.id).count())


def appoint_input(ws: Workstation, p: Person, i: int) -> dict:
    return {"i": {"workstationId": to_global_id("Workstation", ws.id), "personId": to_global_id("Person", p.id),
                  "source": "COMMUNITY_WORKER", "letterNumber": f"临湖街聘〔2026〕{i}号", "filingReference": "东湖新城备〔2026〕1号",
                  "appointedOn": "2026-03-01"}}


async def appoint_one_person(ctx: Ctx) -> Race:
    w = ctx.w
    p = await worker(w)
    stations = []
    for i in range(N):
        c = await create_node(w.community_a, NodeKind.COMPOUND, f"竞争小区{i}")
        stations.append(await Workstation.get(compound_id=c.id))
    send = gql(ctx, "stationHeadAppoint", "($i: StationHeadAppointInput!)", "input: $i", lambda i: appoint_input(stations[i], p, i))
    return Race(send, lambda: StationHeadAppointment.filter(active_person_id=p.id).count())


async def appoint_one_station(ctx: Ctx) -> Race:
    w = ctx.w
    ws = await Workstation.get(compound_id=w.compound_a.id)
    people = [await worker(w) for _ in range(N)]
    send = gql(ctx, "stationHeadAppoint", "($i: StationHeadAppointInput!)", "input: $i", lambda i: appoint_input(ws, people[i], i))
    return Race(send, lambda: StationHeadAppointment.filter(active_workstation_id=ws.id).count())


async def end_appointment_once(ctx: Ctx) -> Race:
    w = ctx.w
    ws = await Workstation.get(compound_id=w.compound_a.id)
    p = await worker(w)
    a = await StationHeadAppointment.create(workstation_id=ws.id, person_id=p.id, path=ws.path, source="COMMUNITY_WORKER",
                                            letter_number="1", filing_reference="1", appointed_on=date(2025, 3, 1),
                                            active_person_id=p.id, active_workstation_id=ws.id)
    return Race(gql(ctx, "stationHeadEnd", "($id: ID!)", 'id: $id, endedOn: "2026-01-01", reason: "调任"',
                    same({"id": to_global_id("StationHeadAppointment", a.id)})))


async def assign_role_once(ctx: Ctx) -> Race:
    w = ctx.w
    p = await person(w)
    send = gql(ctx, "staffRoleAssign", "($p: ID!, $n: ID!)", 'personId: $p, kind: GRID_WORKER_FULL_TIME, nodeId: $n, startedOn: "2025-01-01"',
               same({"p": to_global_id("Person", p.id), "n": gid(w.community_a)}))
    return Race(send, lambda: StaffRole.filter(person_id=p.id, ended_on__isnull=True).count())


async def end_role_once(ctx: Ctx) -> Race:
    p = await worker(ctx.w)
    r = await StaffRole.get(person_id=p.id)
    return Race(gql(ctx, "staffRoleEnd", "($id: ID!)", 'id: $id, endedOn: "2025-12-31"', same({"id": to_global_id("StaffRole", r.id)})))


async def create_person_once(ctx: Ctx) -> Race:
    idn = id_number(birth="19900202", seq="777")
    i = {"homeId": gid(ctx.w.community_a), "name": "重复登记", "idNumber": idn}
    return Race(gql(ctx, "personCreate", "($i: PersonCreateInput!)", "input: $i", same({"i": i})),
                lambda: Person.filter(id_number=idn).count())


def building(parent: Node, name: str, code: str | None = None) -> dict:
    return {"i": {"parentId": gid(parent), "kind": "BUILDING", "name": name, "households": 10, "code": code}}


async def create_same_name(ctx: Ctx) -> Race:
    w = ctx.w
    send = gql(ctx, "treeNodeCreate", "($i: TreeNodeCreateInput!)", "input: $i", lambda i: building(w.compound_a, "9栋", f"R-{i}"))
    return Race(send, lambda: Node.filter(parent_id=w.compound_a.id, name="9栋").count())


async def create_same_code(ctx: Ctx) -> Race:
    w = ctx.w
    parents = [w.compound_a, w.compound_b]
    send = gql(ctx, "treeNodeCreate", "($i: TreeNodeCreateInput!)", "input: $i", lambda i: building(parents[i % 2], f"楼{i}", "R-SAME"))
    return Race(send, lambda: Node.filter(code="R-SAME").count())


async def rename_to_same(ctx: Ctx) -> Race:
    w = ctx.w
    nodes = [await create_node(w.compound_a, NodeKind.BUILDING, f"旧{i}", households=1) for i in range(N)]
    send = gql(ctx, "treeNodeUpdate", "($i: TreeNodeUpdateInput!)", "input: $i", lambda i: {"i": {"id": gid(nodes[i]), "name": "新名"}})
    return Race(send, lambda: Node.filter(parent_id=w.compound_a.id, name="新名").count())


async def move_same_name(ctx: Ctx) -> Race:
    w = ctx.w
    nodes = []
    for i in range(N):
        c = await create_node(w.community_a, NodeKind.COMPOUND, f"搬迁小区{i}")
        nodes.append(await create_node(c, NodeKind.BUILDING, "迁入楼", households=1))
    send = gql(ctx, "treeNodeMove", "($id: ID!, $p: ID!)", "id: $id, newParentId: $p", lambda i: {"id": gid(nodes[i]), "p": gid(w.compound_a)})
    return Race(send, lambda: Node.filter(parent_id=w.compound_a.id, name="迁入楼").count())


async def import_same_names(ctx: Ctx) -> Race:
    w = ctx.w
    query = "mutation($d: ID!, $f: Upload!){ treeImport(districtId: $d, file: $f){ created errors { code field message } } }"

    async def send(i: int) -> dict:
        csv = f"编码,类型,名称,上级编码,户数,地址\nIMP-{i},新城,南湖新城,,,\nIMP-{i}-1,街道,南湖街道,IMP-{i},,\n"
        r = await ctx.admin.http.post(
            "/graphql", headers={"Authorization": f"Bearer {ctx.admin.token}"},
            data={"operations": json.dumps({"query": query, "variables": {"d": gid(w.district), "f": None}}),
                  "map": json.dumps({"0": ["variables.f"]})},
            files={"0": (f"r{i}.csv", csv.encode(), "text/csv")},
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert not body.get("errors"), body
        return body["data"]["treeImport"]

    return Race(send, lambda: Node.filter(parent_id=w.district.id, name="南湖新城").count())


async def close_node_once(ctx: Ctx) -> Race:
    b = ctx.w.buildings_a[2]
    return Race(gql(ctx, "treeNodeClose", "($id: ID!)", "id: $id", same({"id": gid(b)})))


async def chain_change_once(ctx: Ctx) -> Race:
    i = {"id": gid(ctx.w.community_b), "chain": "RURAL", "effectiveOn": "2025-06-01", "reason": "居民尚未回迁", "closeChildren": True}
    return Race(gql(ctx, "treeNodeChainChange", "($i: ChainChangeInput!)", "input: $i", same({"i": i})),
                lambda: ChainChange.filter(node_id=ctx.w.community_b.id).count())


async def close_area_once(ctx: Ctx) -> Race:
    a = await area(ctx.w, ctx.w.buildings_a[0])
    return Race(gql(ctx, "serviceAreaClose", "($id: ID!)", "id: $id", same({"id": to_global_id("ServiceArea", a.id)})))


def plan_step(mutation: str, status: str, call: str):
    async def arrange(ctx: Ctx) -> Race:
        plan = await WorkstationPlan.create(community_id=ctx.w.community_a.id, path=ctx.w.community_a.path, status=status)
        return Race(gql(ctx, mutation, "($id: ID!)", call, same({"id": to_global_id("WorkstationPlan", plan.id)})))
    return arrange


async def create_user_once(ctx: Ctx) -> Race:
    i = {"username": "racer", "displayName": "竞争", "password": "long-enough-password", "grants": [{"role": "COMMUNITY_STAFF", "nodeId": gid(ctx.w.community_a)}]}
    return Race(gql(ctx, "userCreate", "($i: UserCreateInput!)", "input: $i", same({"i": i})),
                lambda: User.filter(username="racer").count())


async def revoke_key_once(ctx: Ctx) -> Race:
    k = await ApiKey.create(name="热线", role=Role.HOTLINE, node_id=ctx.w.district.id, path=ctx.w.district.path, prefix="gr_x",
                            key_hash="0" * 64)
    return Race(gql(ctx, "apiKeyRevoke", "($id: ID!)", "id: $id", same({"id": to_global_id("ApiKey", k.id)})))


RULES: list[Rule] = [
    # recruitment (docs/policy.md §5)
    Rule("applicationSubmit", "one live application per person per campaign", "ALREADY_APPLIED", submit_twice),
    Rule("applicationReview", "an application is reviewed once", "STEP_OUT_OF_ORDER",
         app_step("applicationReview", S.APPLIED, extra=", judgements: []", reviewedOn="2025-01-08")),
    Rule("applicationInterview", "interviewed once", "STEP_OUT_OF_ORDER",
         app_step("applicationInterview", S.ELIGIBLE, extra=", score: \"80\"", interviewedOn="2025-01-10")),
    Rule("applicationShortlist", "shortlisted once", "STEP_OUT_OF_ORDER",
         app_step("applicationShortlist", S.INTERVIEWED, {"police_favourable": True}, shortlistedOn="2025-01-15")),
    Rule("applicationNoticePost", "one public notice", "STEP_OUT_OF_ORDER",
         app_step("applicationNoticePost", S.SHORTLISTED, postedOn="2025-01-24")),
    Rule("applicationConfirm", "confirmed once", "STEP_OUT_OF_ORDER",
         app_step("applicationConfirm", S.ON_NOTICE, {"confirmable_from": date(2025, 2, 7), "notice_min_last_day": date(2025, 2, 6)},
                  confirmedOn="2025-02-10")),
    Rule("applicationFile", "filed once", "STEP_OUT_OF_ORDER",
         app_step("applicationFile", S.CONFIRMED, filedOn="2025-02-11", filingReference="临湖街备〔2025〕7号")),
    Rule("applicationAgreementSign", "one agreement", "STEP_OUT_OF_ORDER",
         app_step("applicationAgreementSign", S.FILED, signedOn="2025-02-12")),
    Rule("applicationTrainingRecord", "trained once", "STEP_OUT_OF_ORDER",
         app_step("applicationTrainingRecord", S.AGREEMENT_SIGNED, trainedOn="2025-02-15")),
    Rule("applicationPublish", "one publication (one term) per application", "STEP_OUT_OF_ORDER", publish_once),
    Rule("applicationPublish", "no more active heads than seats in an area", "AREA_FULL", publish_one_seat),
    Rule("applicationWithdraw", "withdrawn once", "STEP_OUT_OF_ORDER", withdraw_once),
    Rule("objectionResolve", "one resolution per objection", "ALREADY_RESOLVED", resolve_once),
    Rule("recruitmentCampaignClose", "a campaign is closed once", "CAMPAIGN_CLOSED", close_campaign_once),
    # terms of service (§11)
    Rule("buildingHeadRecord", "one active term per person per area", "ALREADY_SERVING", record_head_once),
    Rule("buildingHeadResign", "one resignation request per term", "RESIGNATION_PENDING", resign_once),
    Rule("buildingHeadTerminate", "a term ends once", "TERM_ENDED", terminate_once),
    Rule("buildingHeadRenew", "a term is renewed once", "TERM_ENDED", renew_once),
    # workstations and station heads (§4)
    Rule("stationHeadAppoint", "one person heads at most one station", "STATION_HEAD_BUSY", appoint_one_person),
    Rule("stationHeadAppoint", "a station has at most one head", "STATION_HAS_HEAD", appoint_one_station),
    Rule("stationHeadEnd", "an appointment ends once", "NOT_APPOINTED", end_appointment_once),
    Rule("workstationPlanApprove", "a plan is approved once", "WRONG_STATUS", plan_step("workstationPlanApprove", "DRAFT", "id: $id")),
    Rule("workstationPlanFile", "a plan is filed once", "WRONG_STATUS",
         plan_step("workstationPlanFile", "APPROVED", 'id: $id, filingReference: "东湖新城备〔2026〕9号"')),
    # people (§2)
    Rule("personCreate", "one person per ID number", "ID_NUMBER_TAKEN", create_person_once),
    Rule("staffRoleAssign", "one open role of a kind per person and node", "STAFF_ROLE_HELD", assign_role_once),
    Rule("staffRoleEnd", "a staff role ends once", "ALREADY_CLOSED", end_role_once),
    # the tree (§3)
    Rule("treeNodeCreate", "no two open siblings of one name", "NAME_TAKEN", create_same_name),
    Rule("treeNodeCreate", "a code is unique in its district", "CODE_TAKEN", create_same_code),
    Rule("treeNodeUpdate", "no rename onto an open sibling's name", "NAME_TAKEN", rename_to_same),
    Rule("treeNodeMove", "no move beside an open sibling of the same name", "NAME_TAKEN", move_same_name),
    Rule("treeImport", "no import beside an open sibling of the same name", "NAME_TAKEN", import_same_names),
    Rule("treeNodeClose", "a node is closed once", "ALREADY_CLOSED", close_node_once),
    Rule("treeNodeChainChange", "one switch per change of chain", "SAME_CHAIN", chain_change_once),
    Rule("serviceAreaClose", "a service area is closed once", "ALREADY_CLOSED", close_area_once),
    # access (§13)
    Rule("userCreate", "a username is unique", "USERNAME_TAKEN", create_user_once),
    Rule("apiKeyRevoke", "a key is revoked once", "ALREADY_REVOKED", revoke_key_once),
]


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.mutation}-{r.code}" for r in RULES])
async def test_twenty_racing_copies_one_wins_the_rest_get_the_typed_error(api, rule: Rule):
    w = await build_world()
    ctx = Ctx(w, await api.as_user("admin", PASSWORD))
    race = await rule.arrange(ctx)
    payloads = await asyncio.gather(*(race.send(i) for i in range(N)))
    won = [p for p in payloads if not p["errors"]]
    lost = [p for p in payloads if p["errors"]]
    assert len(won) == 1, (str(rule), payloads)
    assert [[e["code"] for e in p["errors"]] for p in lost] == [[rule.code]] * (N - 1), (str(rule), lost)
    for p in lost:
        for e in p["errors"]:
            assert "duplicate key" not in e["message"] and "UNIQUE constraint" not in e["message"], e
    if race.count is not None:
        assert await race.count() == 1, str(rule)


# ---- upserts: every copy succeeds, one row results -------------------------------------------

async def test_racing_upserts_leave_one_row(api):
    """workstationPlanSubmit (one plan per community), roleGrantAdd (one grant per user, role and
    node) and policyParameterSet (one value per node, key and date) are idempotent: every copy
    succeeds, and one row results."""
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    staff = await User.get(username="jinhua")

    async def all_ok(query: str, variables: dict, name: str) -> None:
        bodies = await asyncio.gather(*(admin.raw(query, variables) for _ in range(N)))
        assert all(not b.get("errors") and b["data"][name]["errors"] == [] for b in bodies), bodies

    await all_ok("mutation($c: ID!){ workstationPlanSubmit(communityId: $c, description: \"方案\"){ errors { code } } }",
                 {"c": gid(w.community_a)}, "workstationPlanSubmit")
    assert await WorkstationPlan.filter(community_id=w.community_a.id).count() == 1
    await all_ok("mutation($u: ID!, $n: ID!){ roleGrantAdd(userId: $u, role: COMMUNITY_STAFF, nodeId: $n){ errors { code } } }",
                 {"u": to_global_id("User", staff.id), "n": gid(w.community_a)}, "roleGrantAdd")
    assert await RoleGrant.filter(user_id=staff.id, node_id=w.community_a.id).count() == 1
    await all_ok("mutation($n: ID!){ policyParameterSet(nodeId: $n, key: \"term_years\", value: \"4\", effectiveFrom: \"2027-01-01\"){ errors { code } } }",
                 {"n": gid(w.community_a)}, "policyParameterSet")
    assert await PolicyParameter.filter(node_id=w.community_a.id, key="term_years").count() == 1


async def test_an_area_named_twice_in_a_campaign_is_one_campaign_area(api):
    """campaign_area is unique per (campaign, area): a repeated id in one request is one row,
    not a raw unique-key error."""
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    a = await area(w, w.buildings_a[0])
    res = await admin.gql("""mutation($i: RecruitmentCampaignOpenInput!){ recruitmentCampaignOpen(input: $i){
        campaign { id } errors { code } } }""", {"i": {"communityId": gid(w.community_a), "name": "补选", "openedOn": "2025-01-02",
                                                    "serviceAreaIds": [to_global_id("ServiceArea", a.id)] * 2}})
    assert res["recruitmentCampaignOpen"]["errors"] == []
    assert await CampaignArea.filter(service_area_id=a.id).count() == 1
