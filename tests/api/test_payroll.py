"""The monthly payroll through the API (docs/policy.md §9, §14), figures computed by hand, and the
set-wise SQL compared with the pure rules (policy/payroll.py) on a generated mix of cases."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from models.money import ExcellenceSelection, PayrollLine
from models.parameters import PolicyParameter
from models.people import StaffRole
from models.recruitment import BuildingHead
from models.tree import Node
from models.workstations import StationHeadAppointment, Workstation
from policy.kinds import HeadKind, StaffKind, StationHeadSource, TermStatus
from policy.money import AssessmentStatus, LineKind
from policy.payroll import Appointment, StaffSpan, Term, TopUpGrant, month_lines
from resolvers import clock
from resolvers.payroll import compute_payrolls, month_rates
from resolvers.viewer import SYSTEM
from schema.common import to_global_id
from tests.api.test_ledger import make_area, make_person, make_term
from tests.factory import PASSWORD, build_world, gid

D = Decimal
PAYROLL = """id status month total
  lines(first: 100) { totalCount nodes { kind source days amount personId } }
  totalsByCommunity { name depth lines total }"""
COMPUTE = f"""mutation($s: ID!, $m: Date!){{ payrollCompute(input: {{subdistrictId: $s, month: $m}}) {{
  errors {{ code field message }} payroll {{ {PAYROLL} }} }} }}"""
APPROVE = """mutation($id: ID!){ payrollApprove(input: {id: $id}) { errors { code field } payroll { status } } }"""
PAID = """mutation($id: ID!, $on: Date){ payrollMarkPaid(input: {id: $id, paidOn: $on}) {
  errors { code field } payroll { status paidOn } } }"""
TOP_UP = """mutation($n: ID!, $m: Date!, $a: Decimal!){ topUpCreate(input: {nodeId: $n, month: $m, amount: $a,
  reason: "人口普查", approvedOn: "2026-03-02"}) { errors { code field } topUp { amount month } } }"""
ADJUST = """mutation($p: ID!, $person: ID!, $a: Decimal!){ payrollAdjustmentCreate(input: {payrollId: $p,
  personId: $person, amount: $a, reason: "三月天数少算"}) { errors { code field } adjustment { amount } } }"""
TOTALS = """query($n: ID!, $m: Date!){ payrollTotals(nodeId: $n, month: $m) { name depth lines total } }"""


def by_source(payroll: dict) -> dict[str, tuple[str, int, str]]:
    return {n["source"]: (n["kind"], n["days"], n["amount"]) for n in payroll["lines"]["nodes"]}


async def station(compound: Node, person, appointed_on: date, ended_on: date | None = None):
    ws = await Workstation.get(compound_id=compound.id)
    return await StationHeadAppointment.create(
        workstation_id=ws.id, person_id=person.id, path=ws.path, source=StationHeadSource.COMMUNITY_WORKER,
        letter_number=f"聘-{person.id}", filing_reference="备-1", appointed_on=appointed_on, ended_on=ended_on,
        active_person_id=None if ended_on else person.id, active_workstation_id=None if ended_on else ws.id)


async def march_world(w):
    area_x = await make_area(w.compound_a, "一号片区", [w.buildings_a[0]])
    area_y = await make_area(w.compound_a, "二号片区", [w.buildings_a[1]])
    area_b = await make_area(w.compound_b, "锦绣片区", [w.building_b])
    pa = await make_person(w.community_a, "张卫东", "301")  # building head from 17 March
    pg = await make_person(w.community_a, "李组长", "302")  # group leader, the whole month
    ps = await make_person(w.community_a, "王网格", "303")  # station head, a grid worker
    pt = await make_person(w.community_b, "赵站长", "304")  # building head and station head
    a = await make_term(pa, area_x, date(2026, 3, 17))
    g = await make_term(pg, area_y, date(2025, 6, 1))
    g.kind = HeadKind.GROUP_LEADER
    await g.save()
    t = await make_term(pt, area_b, date(2025, 6, 1))
    await station(w.compound_a, ps, date(2025, 1, 1))
    await StaffRole.create(person_id=ps.id, kind=StaffKind.GRID_WORKER_FULL_TIME, node_id=w.community_a.id,
                           path=w.community_a.path, started_on=date(2024, 1, 1))
    sh = await station(w.compound_b, pt, date(2025, 1, 1))
    sel = await ExcellenceSelection.create(compound_id=w.compound_a.id, path=w.compound_a.path, year=2025, term_id=g.id,
                                           rank=1, status=AssessmentStatus.SIGNED_OFF)
    return {"a": a, "g": g, "t": t, "sh": sh, "pa": pa, "sel": sel}


async def test_march_payroll_by_hand_approval_and_adjustment(api):
    w = await build_world()
    x = await march_world(w)
    api.token = await api.login("linhu", PASSWORD)
    r = await api.gql(TOP_UP, {"n": gid(w.community_a), "m": "2026-03-01", "a": "200.00"})
    assert r["topUpCreate"] == {"errors": [], "topUp": {"amount": "200.00", "month": "2026-03-01"}}
    r = await api.gql(TOP_UP, {"n": gid(w.community_a), "m": "2026-03-01", "a": "-5"})
    assert r["topUpCreate"]["errors"] == [{"code": "MONEY_NOT_POSITIVE", "field": ["input", "amount"]}]

    body = (await api.gql(COMPUTE, {"s": gid(w.subdistrict), "m": "2026-03-31"}))["payrollCompute"]
    assert body["errors"] == []
    p = body["payroll"]
    a, g, t, sh, sel = x["a"], x["g"], x["t"], x["sh"], x["sel"]
    assert by_source(p) == {
        f"BH:{a.id}": ("BUILDING_HEAD", 15, "145.16"),  # 17..31 March = 15 of 31 days: 300 × 15/31 = 145.161 → 145.16
        f"BH:{g.id}": ("BUILDING_HEAD", 31, "300.00"),  # a group leader is paid as a building head
        # the grid worker heading compound A's station: no line; 赵站长 is both: 500 only, no BH line
        f"SH:{sh.id}": ("STATION_HEAD", 31, "500.00"),
        f"TU:{(await _top_up_id())}:{a.id}": ("TOP_UP", 0, "200.00"),  # whole, not pro rata
        f"TU:{(await _top_up_id())}:{g.id}": ("TOP_UP", 0, "200.00"),  # community B's head is not under the node
        f"EX:{sel.id}": ("EXCELLENCE_BONUS", 0, "300.00"),  # one month at the rate of 1 March
    }
    assert f"BH:{t.id}" not in by_source(p)
    # 145.16 + 300 + 500 + 200 + 200 + 300 = 1645.16; community A 1145.16 (5 lines), B 500.00 (1 line)
    assert p["total"] == "1645.16" and p["status"] == "DRAFT" and p["month"] == "2026-03-01"
    assert p["totalsByCommunity"] == [
        {"name": "临湖街道", "depth": 2, "lines": 6, "total": "1645.16"},
        {"name": "翠苑社区", "depth": 3, "lines": 5, "total": "1145.16"},
        {"name": "锦华社区", "depth": 3, "lines": 1, "total": "500.00"},
    ]
    # computing again gives the same lines (the bonus once)
    again = (await api.gql(COMPUTE, {"s": gid(w.subdistrict), "m": "2026-03-01"}))["payrollCompute"]["payroll"]
    assert by_source(again) == by_source(p) and again["id"] == p["id"]
    assert await PayrollLine.filter(kind=LineKind.EXCELLENCE_BONUS).count() == 1

    # the roll-up from the district: district, new town, subdistrict, communities
    district = await api.as_user("district", PASSWORD)
    rows = (await district.gql(TOTALS, {"n": gid(w.district), "m": "2026-03-01"}))["payrollTotals"]
    assert [(r["depth"], r["total"]) for r in rows] == [(0, "1645.16"), (1, "1645.16"), (2, "1645.16"),
                                                        (3, "1145.16"), (3, "500.00")]
    # community staff cannot approve (no PAYROLL_APPROVE), the subdistrict can, once
    staff = await api.as_user("cuiyuan", PASSWORD)
    denied = await staff.raw(APPROVE, {"id": p["id"]})
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await api.gql(APPROVE, {"id": p["id"]}))["payrollApprove"] == {"errors": [], "payroll": {"status": "APPROVED"}}
    twice = (await api.gql(APPROVE, {"id": p["id"]}))["payrollApprove"]
    assert twice["errors"] == [{"code": "PAYROLL_NOT_DRAFT", "field": ["input", "id"]}]
    recompute = (await api.gql(COMPUTE, {"s": gid(w.subdistrict), "m": "2026-03-01"}))["payrollCompute"]
    assert recompute["errors"][0]["code"] == "PAYROLL_NOT_DRAFT" and recompute["payroll"] is None
    # a top-up for an approved month is refused
    late = (await api.gql(TOP_UP, {"n": gid(w.community_a), "m": "2026-03-01", "a": "50.00"}))["topUpCreate"]
    assert late["errors"] == [{"code": "PAYROLL_NOT_DRAFT", "field": ["input", "month"]}]

    # a correction: 张卫东 started on the 16th, not the 17th: + 300/31 = 9.68 in the next payroll
    person = to_global_id("Person", x["pa"].id)
    r = (await api.gql(ADJUST, {"p": p["id"], "person": person, "a": "9.68"}))["payrollAdjustmentCreate"]
    assert r == {"errors": [], "adjustment": {"amount": "9.68"}}
    paid = (await api.gql(PAID, {"id": p["id"], "on": "2026-04-10"}))["payrollMarkPaid"]
    assert paid == {"errors": [], "payroll": {"status": "PAID", "paidOn": "2026-04-10"}}
    april = (await api.gql(COMPUTE, {"s": gid(w.subdistrict), "m": "2026-04-01"}))["payrollCompute"]["payroll"]
    lines = by_source(april)
    assert [v for k, v in lines.items() if k.startswith("ADJ:")] == [("ADJUSTMENT", 0, "9.68")]
    assert not [k for k in lines if k.startswith(("EX:", "TU:"))]  # the bonus was paid in March; no April top-up
    # April (30 days): 张卫东 300.00, 李组长 300.00, 赵站长 500.00, the adjustment 9.68 → 1109.68
    assert lines[f"BH:{a.id}"] == ("BUILDING_HEAD", 30, "300.00")
    assert april["total"] == "1109.68"
    # the adjustment is paid once: recomputing April keeps one, computing May has none
    again = (await api.gql(COMPUTE, {"s": gid(w.subdistrict), "m": "2026-04-01"}))["payrollCompute"]["payroll"]
    assert sum(1 for k in by_source(again) if k.startswith("ADJ:")) == 1
    may = (await api.gql(COMPUTE, {"s": gid(w.subdistrict), "m": "2026-05-01"}))["payrollCompute"]["payroll"]
    assert not [k for k in by_source(may) if k.startswith(("ADJ:", "EX:"))]
    # a draft is recomputed, not adjusted
    r = (await api.gql(ADJUST, {"p": april["id"], "person": person, "a": "1.00"}))["payrollAdjustmentCreate"]
    assert r["errors"] == [{"code": "ADJUSTMENT_OF_DRAFT", "field": ["input", "payrollId"]}]
    # finance reads payrolls (money as strings); a future month cannot be computed
    listed = (await district.gql("""{ payrolls(first: 10) { totalCount nodes { month status total } } }"""))["payrolls"]
    assert listed["totalCount"] == 3 and listed["nodes"][-1] == {"month": "2026-03-01", "status": "PAID", "total": "1645.16"}
    future = (await api.gql(COMPUTE, {"s": gid(w.subdistrict), "m": "2099-01-01"}))["payrollCompute"]
    assert future["errors"][0]["code"] == "FUTURE_DATE"


async def _top_up_id() -> int:
    from models.money import TopUp

    return (await TopUp.all().order_by("id").first()).id  # type: ignore[union-attr]


async def test_rate_change_mid_month_and_community_override(api):
    # April 2026 (30 days): the district raises the building-head rate to 360 from the 16th:
    # 300 × 15/30 + 360 × 15/30 = 150 + 180 = 330.00. Community B sets 310 from 1 April: 310.00.
    w = await build_world()
    area_a = await make_area(w.compound_a, "一号片区", [w.buildings_a[0]])
    area_b = await make_area(w.compound_b, "锦绣片区", [w.building_b])
    ta = await make_term(await make_person(w.community_a, "甲", "401"), area_a, date(2025, 1, 1))
    tb = await make_term(await make_person(w.community_b, "乙", "402"), area_b, date(2025, 1, 1))
    await PolicyParameter.create(node_id=w.district.id, path=w.district.path, key="building_head_subsidy",
                                 value="360.00", effective_from=date(2026, 4, 16))
    await PolicyParameter.create(node_id=w.community_b.id, path=w.community_b.path, key="building_head_subsidy",
                                 value="310.00", effective_from=date(2026, 4, 1))
    api.token = await api.login("linhu", PASSWORD)
    p = (await api.gql(COMPUTE, {"s": gid(w.subdistrict), "m": "2026-04-01"}))["payrollCompute"]["payroll"]
    assert by_source(p) == {f"BH:{ta.id}": ("BUILDING_HEAD", 30, "330.00"),
                            f"BH:{tb.id}": ("BUILDING_HEAD", 30, "310.00")}
    # March: 300 for both (community B's 310 is not yet in force), 31 days each
    m = (await api.gql(COMPUTE, {"s": gid(w.subdistrict), "m": "2026-03-01"}))["payrollCompute"]["payroll"]
    assert {v for v in by_source(m).values()} == {("BUILDING_HEAD", 31, "300.00")}


async def test_leap_february(api):
    # February 2028 has 29 days: from the 15th = 15 days: 300 × 15/29 = 155.1724… → 155.17
    w = await build_world()
    area = await make_area(w.compound_a, "一号片区", [w.buildings_a[0]])
    t = await make_term(await make_person(w.community_a, "甲", "501"), area, date(2028, 2, 15))
    clock.set_today(date(2028, 3, 5))
    try:
        api.token = await api.login("linhu", PASSWORD)
        p = (await api.gql(COMPUTE, {"s": gid(w.subdistrict), "m": "2028-02-01"}))["payrollCompute"]["payroll"]
    finally:
        clock.set_today(None)
    assert by_source(p) == {f"BH:{t.id}": ("BUILDING_HEAD", 15, "155.17")}


async def test_sql_lines_equal_the_pure_rules_on_a_generated_mix(api):
    w = await build_world()
    rng = random.Random(20260317)
    await PolicyParameter.create(node_id=w.district.id, path=w.district.path, key="building_head_subsidy",
                                 value="333.33", effective_from=date(2026, 3, 12))
    await PolicyParameter.create(node_id=w.subdistrict.id, path=w.subdistrict.path, key="station_head_subsidy",
                                 value="450.50", effective_from=date(2026, 3, 20))
    await PolicyParameter.create(node_id=w.compound_b.id, path=w.compound_b.path, key="building_head_subsidy",
                                 value="280.07", effective_from=date(2026, 3, 5))
    areas = [await make_area(w.compound_a, "一号片区", [w.buildings_a[0]]),
             await make_area(w.compound_a, "二号片区", [w.buildings_a[1]]),
             await make_area(w.compound_b, "锦绣片区", [w.building_b])]
    people = [await make_person(w.community_a if i % 2 else w.community_b, f"人{i}", f"{600 + i}") for i in range(24)]

    def day() -> date:
        return date(2026, 2, 20) + timedelta(days=rng.randrange(0, 50))

    terms = []
    for i, person in enumerate(people):
        start = day()
        end = start + timedelta(days=rng.randrange(0, 40)) if rng.random() < 0.5 else None
        area = areas[i % 3]
        t = await BuildingHead.create(person_id=person.id, service_area_id=area.id, path=area.path,
                                      kind=HeadKind.GROUP_LEADER if i % 5 == 0 else HeadKind.BUILDING_HEAD,
                                      status=TermStatus.ENDED if end else TermStatus.ACTIVE, starts_on=start,
                                      ends_on=date(2030, 1, 1), ended_on=end)
        terms.append(t)
    apps = []
    for compound, chosen in ((w.compound_a, people[1:4]), (w.compound_b, people[4:7])):
        start = date(2026, 2, 25)
        for person in chosen:  # consecutive appointments, some of building heads
            end = start + timedelta(days=rng.randrange(3, 15))
            apps.append(await station(compound, person, start, end))
            start = end + timedelta(days=1)
    staff = []
    for person in rng.sample(people[1:7], 3):
        s = day()
        staff.append(await StaffRole.create(person_id=person.id, kind=rng.choice(list(StaffKind)),
                                            node_id=w.community_a.id, path=w.community_a.path, started_on=s,
                                            ended_on=s + timedelta(days=rng.randrange(0, 20))))
    from models.money import TopUp
    tu = await TopUp.create(node_id=w.compound_a.id, path=w.compound_a.path, month=date(2026, 3, 1),
                            amount=D("123.45"), reason="普查", approved_on=date(2026, 3, 1), approved_by="t")

    month = date(2026, 3, 1)
    counts = await compute_payrolls(SYSTEM, month=month)
    assert counts["computed"] == 1
    got = {(ln.source, ln.kind, ln.days, ln.amount, ln.person_id) for ln in await PayrollLine.all()}

    sd = await Node.get(id=w.subdistrict.id)
    fen = await month_rates(sd, month)
    table = {(node, d): (D(bh) / 100, D(sh) / 100) for node, days in fen.items() for d, bh, sh in days}
    area_container = {a.id: a.container_id for a in areas}
    community = {w.compound_a.id: w.community_a.id, w.compound_b.id: w.community_b.id}

    def rate(node: int, d: date):
        return table.get((node, d)) or table[(sd.id, d)]

    ws = {x.id: x.compound_id for x in await Workstation.all()}
    pure_terms = [Term(t.id, t.person_id, community[area_container[t.service_area_id]],
                       area_container[t.service_area_id], t.starts_on, t.ended_on) for t in terms]
    pure_apps = [Appointment(a.id, a.person_id, community[ws[a.workstation_id]], ws[a.workstation_id],
                             a.appointed_on, a.ended_on) for a in apps]
    pure_staff = [StaffSpan(s.person_id, s.kind, s.started_on, s.ended_on) for s in staff]
    grant = TopUpGrant(tu.id, tu.amount, lambda t: t.rate_node_id == w.compound_a.id)
    expected = {(ln.source, ln.kind, ln.days, ln.amount, ln.person_id)
                for ln in month_lines(month, terms=pure_terms, appointments=pure_apps, staff=pure_staff, rates=rate,
                                      top_ups=[grant])}
    assert len(expected) > 20
    assert got == expected
    # both rates changed inside the month and compound B has its own: some line is not a round figure
    assert any(amount % 1 for _, kind, _, amount, _ in got if kind == LineKind.BUILDING_HEAD)
