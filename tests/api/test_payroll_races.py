"""20 concurrent ``payrollCompute`` of one subdistrict and month through the HTTP API: one payroll, each
line once, every request answered with that payroll (none with a database error). On PostgreSQL the
copies really run at once (the payroll row and the subdistrict are locked before the lines are
replaced); on SQLite, which serialises writers, the same test checks the sequential answers. A
concurrent approval ends with the approved payroll's lines intact."""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date

from models.money import ExcellenceSelection, Payroll, PayrollLine
from policy.money import AssessmentStatus, PayrollStatus
from tests.api.test_ledger import make_area, make_person, make_term
from tests.api.test_payroll import COMPUTE, march_world
from tests.factory import PASSWORD, build_world, gid

APPROVE = """mutation($id: ID!){ payrollApprove(input: {id: $id}) { errors { code } payroll { status } } }"""


async def test_twenty_concurrent_computations_one_set_of_lines(api):
    w = await build_world()
    x = await march_world(w)
    area = await make_area(w.compound_b, "二号片区", [])
    for i in range(30):
        await make_term(await make_person(w.community_b, f"楼栋长{i}", f"{700 + i}"), area, date(2026, 3, 1 + i % 28))
    api.token = await api.login("linhu", PASSWORD)
    clients = [await api.as_user("linhu", PASSWORD) for _ in range(4)]

    async def one(i: int):
        return await clients[i % 4].raw(COMPUTE, {"s": gid(w.subdistrict), "m": "2026-03-01"})

    bodies = await asyncio.gather(*(one(i) for i in range(20)))
    for c in clients:
        await c.close()
    assert all(not b.get("errors") for b in bodies), [b.get("errors") for b in bodies][:3]
    payloads = [b["data"]["payrollCompute"] for b in bodies]
    assert all(p["errors"] == [] for p in payloads), [p["errors"] for p in payloads if p["errors"]][:3]
    assert len({p["payroll"]["id"] for p in payloads}) == 1
    assert await Payroll.all().count() == 1
    lines = await PayrollLine.all()
    counts = Counter(ln.source for ln in lines)
    assert counts and max(counts.values()) == 1
    # 30 extra heads + 張, 李 + the station + the bonus (no top-up here)
    assert len(lines) == 34
    assert sum(1 for ln in lines if ln.source == f"EX:{x['sel'].id}") == 1
    payroll = await Payroll.get()
    assert payroll.total == sum(ln.amount for ln in lines)
    assert all(p["payroll"]["total"] in {str(payroll.total)} for p in payloads)

    # recomputations racing an approval: the approved payroll keeps exactly its lines
    async def compute():
        return (await api.raw(COMPUTE, {"s": gid(w.subdistrict), "m": "2026-03-01"}))["data"]["payrollCompute"]

    async def approve():
        return (await api.raw(APPROVE, {"id": payloads[0]["payroll"]["id"]}))["data"]["payrollApprove"]

    results = await asyncio.gather(*(compute() for _ in range(5)), approve(), *(compute() for _ in range(5)))
    assert results[5] == {"errors": [], "payroll": {"status": "APPROVED"}}
    refused = [r for r in results[:5] + results[6:] if r["errors"]]
    assert all(r["errors"][0]["code"] == "PAYROLL_NOT_DRAFT" for r in refused)
    assert (await Payroll.get()).status == PayrollStatus.APPROVED
    after = Counter(ln.source for ln in await PayrollLine.all())
    assert after == counts
    assert await ExcellenceSelection.filter(status=AssessmentStatus.SIGNED_OFF).count() == 1
