"""The demo's background work (docs/policy.md §8–§10): last year's annual assessments and
excellence (翠苑一区), probation results and the insurance checks three months after each start
(one head still waiting for the probation assessment: "assessment overdue"; one eligible head
whose insurance is not bought yet: "purchase due"), the monthly performance records and the
payrolls of 2026 — January to October approved and paid (January with the excellence bonus),
November approved, December a draft; a major-task top-up in 临湖街道 in March.

The figures come from the operations the jobs run (compute_performance_records,
check_insurance, compute_payrolls) called as the system on fixed dates, so the demo shows what
the workers would have written; approvals and sign-offs are set as the officers would have."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from models.money import Assessment, ExcellenceSelection, Payroll, TopUp
from models.recruitment import BuildingHead
from models.tree import Node
from policy.kinds import TermStatus
from policy.money import AssessmentKind, AssessmentStatus, Grade, PayrollStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
BY = "demo"


def _at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour), SHANGHAI)


async def load_money(nodes: dict[str, Node]) -> None:
    from resolvers.assessment import compute_performance_records
    from resolvers.insurance import check_insurance
    from resolvers.payroll import compute_payrolls
    from resolvers.viewer import SYSTEM

    terms = await BuildingHead.filter(status=TermStatus.ACTIVE).order_by("id")
    # probation: every head passed within three months of starting — except the head published in
    # 星河湾 on 17 August 2026, whose assessment the community has not recorded: at the check on
    # 17 November it is "assessment overdue"; 翠苑一区's head of 15 June passed, so a purchase is due
    compound = nodes["翠苑一区"]
    waiting = next(t for t in terms if t.path == nodes["星河湾"].path and t.application_id is not None)
    for t in terms:
        if t.id == waiting.id:
            continue
        on = min(t.starts_on + timedelta(days=60), date(2026, 11, 30))
        await Assessment.create(term_id=t.id, path=t.path, kind=AssessmentKind.PROBATION, year=0,
                                proposed_grade=Grade.QUALIFIED, grade=Grade.QUALIFIED,
                                status=AssessmentStatus.CONFIRMED, assessed_on=on, confirmed_by="cuiyuan",
                                confirmed_at=_at(on), note="试用期考核合格")
    # the daily checks as they ran (the heads entered from the paper register are not checked)
    for day in (date(2026, 9, 15), date(2026, 11, 17)):
        await check_insurance(SYSTEM, on=day)

    # 2025: annual assessments of the heads who served then, and 翠苑一区's excellent heads
    served_2025 = [t for t in terms if t.starts_on <= date(2025, 12, 31)]
    for i, t in enumerate(served_2025):
        await Assessment.create(
            term_id=t.id, path=t.path, kind=AssessmentKind.ANNUAL, year=2025, proposed_grade=Grade.QUALIFIED,
            grade=Grade.QUALIFIED, score=Decimal("82.50") + i % 7, status=AssessmentStatus.SIGNED_OFF,
            assessed_on=date(2026, 1, 10), confirmed_by="cuiyuan", confirmed_at=_at(date(2026, 1, 10)),
            police_signed_by="police", police_signed_at=_at(date(2026, 1, 12)), units_signed_by="linhu",
            units_signed_at=_at(date(2026, 1, 13)), note="年度考核")
    best = [t for t in served_2025 if t.path == compound.path][:2]
    for rank, t in enumerate(best, start=1):
        await ExcellenceSelection.create(
            compound_id=compound.id, path=compound.path, year=2025, term_id=t.id, rank=rank,
            status=AssessmentStatus.SIGNED_OFF, confirmed_by="cuiyuan", confirmed_at=_at(date(2026, 1, 14)),
            signed_by="police", signed_at=_at(date(2026, 1, 15)))
    await Assessment.filter(term_id__in=[t.id for t in best], kind=AssessmentKind.ANNUAL,
                            year=2025).update(grade=Grade.EXCELLENT, proposed_grade=Grade.EXCELLENT)

    # a major-task top-up (the 2026 population census) in 临湖街道, March
    linhu = nodes["临湖街道"]
    await TopUp.create(node_id=linhu.id, path=linhu.path, month=date(2026, 3, 1), amount=Decimal("200.00"),
                       reason="第七次人口普查入户登记", approved_on=date(2026, 3, 5), approved_by="linhu")

    # the months of 2026: performance records, then the payroll, approved and paid
    OFFICERS = {nodes["临湖街道"].id: "linhu", nodes["望江街道"].id: "wangjiang"}
    for m in range(1, 12):
        month = date(2026, m, 1)
        await compute_performance_records(SYSTEM, month=month)
        await compute_payrolls(SYSTEM, month=month)
        paid = m <= 10
        for payroll in await Payroll.filter(month=month):
            officer = OFFICERS.get(payroll.subdistrict_id, "subdistrict")
            await Payroll.filter(id=payroll.id).update(
                status=PayrollStatus.PAID if paid else PayrollStatus.APPROVED,
                approved_at=_at(date(2026, m + 1, 3)), approved_by=officer,
                paid_on=date(2026, m + 1, 10) if paid else None, paid_by="财政所" if paid else None)
    # December 2026: the draft the subdistricts are working on
    await compute_payrolls(SYSTEM, month=date(2026, 12, 1))
