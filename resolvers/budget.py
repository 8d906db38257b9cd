"""Budgets (docs/policy.md §9): the workstation operating fund with its spending entries, and the
subdistrict's yearly budget derived from the tree, compared with what was paid, by month.
The rules (what counts, which parameters, refusing overspending) are in policy/budget.py."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from models.money import FundEntry
from models.workstations import Workstation
from policy.access import Capability
from policy.budget import BudgetLines, budget_lines, budget_reference_day, fund_remaining
from policy.kinds import NodeKind
from policy.money import FEN
from resolvers import sql
from resolvers.business_dates import not_future
from resolvers.clock import today
from resolvers.errors import Problem, Problems
from resolvers.parameters import parameters_in_force
from resolvers.scope import node_in_scope, obtain
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer

MAX_DESCRIPTION = 300


def _fen_sum(column: str) -> str:
    """An exact sum of a money column on either backend: SQLite keeps decimals as text (its SUM
    would add floats), so it adds whole fen there."""
    if sql.is_sqlite():
        return f"SUM(CAST(ROUND({column} * 100) AS INTEGER))"
    return f"SUM({column} * 100)"


def _yuan(fen: object) -> Decimal:
    return (Decimal(str(fen or 0)) / 100).quantize(FEN)


@dataclass
class WorkstationFund:
    workstation: Workstation
    year: int
    fund: Decimal
    spent: Decimal
    remaining: Decimal
    entries: list[FundEntry] = field(default_factory=list)


async def _fund_of(ws: Workstation, year: int) -> Decimal:
    return Decimal(str((await parameters_in_force(ws.path, date(year, 1, 1)))["workstation_fund"]))


async def _spent(workstation_id: int, year: int) -> Decimal:
    rows = await sql.fetch(f"SELECT {_fen_sum('amount')} AS s FROM fund_entry WHERE workstation_id = $1 AND year = $2",
                           workstation_id, year)
    return _yuan(rows[0]["s"])


async def record_fund_entry(caller: Viewer, *, workstation_id: int, spent_on: date, amount: Decimal,
                            description: str) -> FundEntry:
    """Spending from the station's fund of ``spent_on``'s year; refused beyond what remains."""
    async with unit_of_work(caller) as uow:
        # the station's row is locked: two entries at once are checked one after the other
        ws = await obtain(caller, Workstation, workstation_id, Capability.WORKSTATION_WRITE, for_update=True)
        not_future(spent_on, ["input", "spentOn"])
        problems = []
        if not amount.is_finite() or amount <= 0:
            problems.append(Problem("AMOUNT_NOT_POSITIVE", ["input", "amount"]))
        elif amount != amount.quantize(FEN):
            problems.append(Problem("MONEY_DECIMALS", ["input", "amount"]))
        if not description.strip():
            problems.append(Problem("FUND_DESCRIPTION_REQUIRED", ["input", "description"]))
        elif len(description.strip()) > MAX_DESCRIPTION:
            problems.append(Problem("FUND_DESCRIPTION_TOO_LONG", ["input", "description"], limit=MAX_DESCRIPTION))
        if problems:
            raise Problems(problems)
        year = spent_on.year
        fund = await _fund_of(ws, year)
        remaining = fund_remaining(fund, await _spent(ws.id, year))
        if amount > remaining:
            raise Problem("FUND_EXCEEDED", ["input", "amount"], remaining=remaining, year=year)
        e = await FundEntry.create(workstation_id=ws.id, path=ws.path, year=year, spent_on=spent_on, amount=amount,
                                   description=description.strip(), recorded_by=caller.label)
        await uow.audit("fundEntryRecord", "FundEntry", e.id, e.path, None, snapshot(e))
    return e


async def workstation_fund(caller: Viewer, workstation_id: int, year: int) -> WorkstationFund:
    ws = await obtain(caller, Workstation, workstation_id)
    entries = await FundEntry.filter(workstation_id=ws.id, year=year).order_by("spent_on", "id")
    fund = await _fund_of(ws, year)
    spent = sum((e.amount for e in entries), Decimal("0.00"))
    return WorkstationFund(ws, year, fund, spent.quantize(FEN), fund_remaining(fund, spent), list(entries))


@dataclass(frozen=True)
class BudgetMonth:
    month: date
    payroll_paid: Decimal
    fund_spent: Decimal

    @property
    def total(self) -> Decimal:
        return self.payroll_paid + self.fund_spent


@dataclass(frozen=True)
class SubdistrictBudget:
    subdistrict_id: int
    year: int
    reference_day: date
    building_heads: int  # serving on the reference day
    subsidised_building_heads: int  # of them, those not paid as station heads
    paid_station_heads: int
    workstations: int
    lines: BudgetLines
    months: list[BudgetMonth]

    @property
    def payroll_paid(self) -> Decimal:
        return sum((m.payroll_paid for m in self.months), Decimal("0.00"))

    @property
    def fund_spent(self) -> Decimal:
        return sum((m.fund_spent for m in self.months), Decimal("0.00"))

    @property
    def spent(self) -> Decimal:
        return self.payroll_paid + self.fund_spent

    @property
    def remaining(self) -> Decimal:
        return self.lines.total - self.spent


_SERVING = "bh.path LIKE ${} AND bh.starts_on <= ${} AND (bh.ended_on IS NULL OR bh.ended_on >= ${})"
_PAID_SH = ("a.source = 'BUILDING_HEAD' AND a.appointed_on <= ${} AND (a.ended_on IS NULL OR a.ended_on >= ${})")
_COUNTS_SQL = (
    "SELECT (SELECT COUNT(*) FROM building_head bh WHERE " + _SERVING.format(1, 2, 3) + ") AS heads, "
    "(SELECT COUNT(*) FROM building_head bh WHERE " + _SERVING.format(4, 5, 6) + " AND NOT EXISTS ("
    "SELECT 1 FROM station_head_appointment a WHERE a.person_id = bh.person_id AND " + _PAID_SH.format(7, 8) + ")) "
    "AS subsidised, "
    "(SELECT COUNT(*) FROM station_head_appointment a WHERE a.path LIKE $9 AND " + _PAID_SH.format(10, 11) + ") "
    "AS station_heads, "
    "(SELECT COUNT(*) FROM workstation w WHERE w.path LIKE $12) AS stations"
)


async def subdistrict_budget(caller: Viewer, subdistrict_id: int, year: int) -> SubdistrictBudget:
    """The year's budget derived from the tree (policy/budget.py), and what was paid by month:
    payroll lines of the approved or paid payrolls of each month, and the stations' fund
    spending. Three statements whatever the size of the subdistrict."""
    node = await node_in_scope(caller, subdistrict_id, kinds=(NodeKind.SUBDISTRICT,))
    day = budget_reference_day(year, today())
    like = sql.like_prefix(node.path)
    c = (await sql.fetch(_COUNTS_SQL, like, day, day, like, day, day, day, day, like, day, day, like))[0]
    values = await parameters_in_force(node.path, date(year, 1, 1))
    lines = budget_lines(
        building_heads=int(c["subsidised"]), paid_station_heads=int(c["station_heads"]),
        workstations=int(c["stations"]), insured_heads=int(c["heads"]),
        building_head_subsidy=Decimal(str(values["building_head_subsidy"])),
        station_head_subsidy=Decimal(str(values["station_head_subsidy"])),
        workstation_fund=Decimal(str(values["workstation_fund"])),
        insurance_premium=Decimal(str(values["insurance_premium"])),
    )
    paid_rows = await sql.fetch(
        f"SELECT p.month AS month, {_fen_sum('l.amount')} AS fen FROM payroll p JOIN payroll_line l ON l.payroll_id = p.id "
        "WHERE p.subdistrict_id = $1 AND p.status IN ('APPROVED', 'PAID') AND p.month >= $2 AND p.month <= $3 "
        "GROUP BY p.month", node.id, date(year, 1, 1), date(year, 12, 31))
    paid = {sql.as_date(r["month"]).month: _yuan(r["fen"]) for r in paid_rows}
    fund_rows = await sql.fetch(
        f"SELECT substr(CAST(spent_on AS TEXT), 6, 2) AS m, {_fen_sum('amount')} AS fen FROM fund_entry "
        "WHERE path LIKE $1 AND year = $2 GROUP BY substr(CAST(spent_on AS TEXT), 6, 2)", like, year)
    spent = {int(r["m"]): _yuan(r["fen"]) for r in fund_rows}
    months = [BudgetMonth(date(year, m, 1), paid.get(m, Decimal("0.00")), spent.get(m, Decimal("0.00")))
              for m in range(1, 13)]
    return SubdistrictBudget(node.id, year, day, int(c["heads"]), int(c["subsidised"]), int(c["station_heads"]),
                             int(c["stations"]), lines, months)
