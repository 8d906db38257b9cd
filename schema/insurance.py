"""GraphQL of the insurance domain (docs/policy.md §9, §10): the three-month insurance check and
the purchases, the workstation fund and the subdistrict's budget, and the payroll exports for
the finance office (also served as files at /exports/payroll/<id>.xlsx|.csv)."""
from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from models import money as models_money
from policy.kinds import NodeKind
from policy.money import InsuranceOutcome
from resolvers import budget as budget_ops
from resolvers import exports as export_ops
from resolvers import insurance as ops
from resolvers.errors import Problem, Problems
from schema.common import Connection, Node, UserError, error_codes, paginate, to_global_id
from schema.nodes import decode, fetcher, register
from schema.payloads import payload_errors
from schema.tree import TYPE_NAMES

InsuranceOutcomeEnum = strawberry.enum(InsuranceOutcome, name="InsuranceOutcome")
TREE_TYPES = tuple(TYPE_NAMES.values())
MIN_YEAR, MAX_YEAR = 2000, 2100


def _community_gid(pk: int | None, kind: str | None) -> strawberry.ID | None:
    if pk is None:
        return None
    return to_global_id(TYPE_NAMES[NodeKind(kind)] if kind else "Community", pk)


def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Problem("YEAR_OUT_OF_RANGE", "year", year=year)
    return year


@strawberry.type(description="The accident insurance bought by the community for an eligible head.")
class InsurancePurchase(Node):
    term_id: strawberry.ID
    insurer: str
    policy_number: str
    cover_from: date
    cover_to: date
    premium: Decimal
    recorded_by: str

    @classmethod
    def of(cls, p) -> "InsurancePurchase":
        return cls(id=to_global_id("InsurancePurchase", p.id), term_id=to_global_id("BuildingHeadTerm", p.term_id),
                   insurer=p.insurer, policy_number=p.policy_number, cover_from=p.cover_from, cover_to=p.cover_to,
                   premium=p.premium, recorded_by=p.recorded_by)


@strawberry.type(description=(
    "The check three months after a term's start (§10). ASSESSMENT_OVERDUE is raised to the community "
    "(`raisedToCommunity`) and checked again every day until the probation result is in."))
class InsuranceCheck(Node):
    term_id: strawberry.ID
    person_id: strawberry.ID
    name: str
    id_number: str = strawberry.field(description="Masked without PERSON_PII at the term's place.")
    starts_on: date
    due_on: date | None
    outcome: InsuranceOutcomeEnum | None  # type: ignore[valid-type]
    checked_at: datetime | None
    community_id: strawberry.ID | None
    community_name: str | None
    purchase: InsurancePurchase | None

    @strawberry.field(description="The probation assessment is missing: the community must assess the head.")
    def raised_to_community(self) -> bool:
        return self.outcome == InsuranceOutcome.ASSESSMENT_OVERDUE

    @classmethod
    def of(cls, r: ops.InsuranceRow) -> "InsuranceCheck":
        return cls(id=to_global_id("InsuranceCheck", r.id), term_id=to_global_id("BuildingHeadTerm", r.term_id),
                   person_id=to_global_id("Person", r.person_id), name=r.name, id_number=r.id_number,
                   starts_on=r.starts_on, due_on=r.due_on, outcome=r.outcome, checked_at=r.checked_at,
                   community_id=_community_gid(r.community_id, r.community_kind),
                   community_name=r.community_name,
                   purchase=InsurancePurchase.of(r.purchase) if r.purchase else None)


@strawberry.type(description="Spending from a workstation's yearly operating fund.")
class FundEntry(Node):
    workstation_id: strawberry.ID
    year: int
    spent_on: date
    amount: Decimal
    description: str
    recorded_by: str

    @classmethod
    def of(cls, e) -> "FundEntry":
        return cls(id=to_global_id("FundEntry", e.id), workstation_id=to_global_id("Workstation", e.workstation_id),
                   year=e.year, spent_on=e.spent_on, amount=e.amount, description=e.description,
                   recorded_by=e.recorded_by)


@strawberry.type(description="A workstation's operating fund of a year (the parameter in force on 1 January).")
class WorkstationFund:
    workstation_id: strawberry.ID
    year: int
    fund: Decimal
    spent: Decimal
    remaining: Decimal
    entries: list[FundEntry]


@strawberry.type
class BudgetLines:
    building_head_subsidies: Decimal
    station_head_subsidies: Decimal
    workstation_funds: Decimal
    insurance_premiums: Decimal
    total: Decimal


@strawberry.type
class BudgetMonth:
    month: date = strawberry.field(description="The first day of the month.")
    payroll_paid: Decimal = strawberry.field(description="Lines of the month's approved or paid payroll.")
    fund_spent: Decimal
    total: Decimal


@strawberry.type(description=(
    "A subdistrict's yearly budget derived from the tree (heads, paid station heads, stations, insurance) with the "
    "parameters in force on 1 January, compared with what was paid by month."))
class SubdistrictBudget:
    subdistrict_id: strawberry.ID
    year: int
    reference_day: date = strawberry.field(description="The day whose tree the budget is derived from.")
    building_heads: int
    subsidised_building_heads: int = strawberry.field(description="Building heads not paid as station heads.")
    paid_station_heads: int
    workstations: int
    budget: BudgetLines
    months: list[BudgetMonth]
    payroll_paid: Decimal
    fund_spent: Decimal
    spent: Decimal
    remaining: Decimal


@strawberry.enum
class ExportFormat(Enum):
    XLSX = "xlsx"
    CSV = "csv"


@strawberry.type
class ExportCommunityTotal:
    community_id: strawberry.ID | None
    community: str
    lines: int
    total: Decimal


@strawberry.type(description="A payroll as a file for the finance office (also at /exports/payroll/<id>.xlsx|.csv).")
class ExportFile:
    file_name: str
    content_type: str
    content_base64: str
    total: Decimal
    line_count: int
    names_masked: bool
    communities: list[ExportCommunityTotal]


@strawberry.enum
class InsuranceErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    FUTURE_DATE = "FUTURE_DATE"
    INSURANCE_ALREADY_PURCHASED = "INSURANCE_ALREADY_PURCHASED"
    NOT_ELIGIBLE_FOR_INSURANCE = "NOT_ELIGIBLE_FOR_INSURANCE"
    INSURER_REQUIRED = "INSURER_REQUIRED"
    POLICY_NUMBER_REQUIRED = "POLICY_NUMBER_REQUIRED"
    COVER_DATES_ORDER = "COVER_DATES_ORDER"
    PREMIUM_NEGATIVE = "PREMIUM_NEGATIVE"
    MONEY_DECIMALS = "MONEY_DECIMALS"
    AMOUNT_NOT_POSITIVE = "AMOUNT_NOT_POSITIVE"
    FUND_DESCRIPTION_REQUIRED = "FUND_DESCRIPTION_REQUIRED"
    FUND_DESCRIPTION_TOO_LONG = "FUND_DESCRIPTION_TOO_LONG"
    FUND_EXCEEDED = "FUND_EXCEEDED"
    REQUIRED = "REQUIRED"


@error_codes(InsuranceErrorCode)
@strawberry.type
class InsuranceError(UserError):
    code: InsuranceErrorCode


@strawberry.input
class InsurancePurchaseRecordInput:
    term_id: strawberry.ID
    insurer: str
    policy_number: str
    cover_from: date
    cover_to: date
    premium: Decimal


@strawberry.type
class InsurancePurchasePayload:
    purchase: InsurancePurchase | None = None
    errors: list[InsuranceError] = strawberry.field(default_factory=list)


@strawberry.input
class FundEntryRecordInput:
    workstation_id: strawberry.ID
    spent_on: date
    amount: Decimal
    description: str


@strawberry.type
class FundEntryPayload:
    entry: FundEntry | None = None
    errors: list[InsuranceError] = strawberry.field(default_factory=list)


register("InsurancePurchase", models_money.InsurancePurchase, InsurancePurchase.of)
register("FundEntry", models_money.FundEntry, FundEntry.of)


@fetcher("InsuranceCheck")
async def fetch_check(info: Info, pk: int) -> InsuranceCheck | None:
    row = await ops.check_by_id(info.context.viewer, pk)
    return InsuranceCheck.of(row) if row else None


TYPES: list[type] = [InsuranceCheck, InsurancePurchase, FundEntry]  # concrete Node types of this module


def _node(node_id: strawberry.ID) -> int:
    return decode(node_id, "nodeId", TREE_TYPES)


@strawberry.type
class InsuranceQuery:
    @strawberry.field(description=(
        "Eligible heads still serving for whom no insurance purchase is recorded yet, under the node "
        "(the insurer's partner key reads it)."))
    async def insurance_purchases_due(self, info: Info, node_id: strawberry.ID, first: int | None = None,
                                      after: str | None = None) -> Connection[InsuranceCheck]:
        rows = await ops.purchases_due(info.context.viewer, _node(node_id))
        return paginate(rows, first=first, after=after, wrap=InsuranceCheck.of)

    @strawberry.field(description="The insurance checks under the node; outcome ASSESSMENT_OVERDUE: what the community must assess.")
    async def insurance_checks(self, info: Info, node_id: strawberry.ID,
                               outcome: InsuranceOutcomeEnum | None = None,  # type: ignore[valid-type]
                               first: int | None = None, after: str | None = None) -> Connection[InsuranceCheck]:
        rows = await ops.insurance_checks(info.context.viewer, _node(node_id), outcome)
        return paginate(rows, first=first, after=after, wrap=InsuranceCheck.of)

    @strawberry.field(description="The insurance purchases recorded under the node.")
    async def insurance_purchases(self, info: Info, node_id: strawberry.ID, first: int | None = None,
                                  after: str | None = None) -> Connection[InsuranceCheck]:
        found = await ops.insurance_purchases(info.context.viewer, _node(node_id))
        return paginate([row for _, row in found], first=first, after=after, wrap=InsuranceCheck.of)

    @strawberry.field(description="A workstation's operating fund of a year: the fund, what was spent, what remains.")
    async def workstation_fund(self, info: Info, workstation_id: strawberry.ID, year: int) -> WorkstationFund:
        f = await budget_ops.workstation_fund(info.context.viewer, decode(workstation_id, "workstationId",
                                                                          ("Workstation",)), _year(year))
        return WorkstationFund(workstation_id=to_global_id("Workstation", f.workstation.id), year=f.year, fund=f.fund,
                               spent=f.spent, remaining=f.remaining, entries=[FundEntry.of(e) for e in f.entries])

    @strawberry.field(description="A subdistrict's budget of a year, derived from the tree, against what was paid.")
    async def subdistrict_budget(self, info: Info, subdistrict_id: strawberry.ID, year: int) -> SubdistrictBudget:
        b = await budget_ops.subdistrict_budget(info.context.viewer, decode(subdistrict_id, "subdistrictId", TREE_TYPES),
                                                _year(year))
        lines = b.lines
        return SubdistrictBudget(
            subdistrict_id=subdistrict_id, year=b.year, reference_day=b.reference_day, building_heads=b.building_heads,
            subsidised_building_heads=b.subsidised_building_heads, paid_station_heads=b.paid_station_heads,
            workstations=b.workstations,
            budget=BudgetLines(building_head_subsidies=lines.building_heads, station_head_subsidies=lines.station_heads,
                               workstation_funds=lines.workstation_funds, insurance_premiums=lines.insurance,
                               total=lines.total),
            months=[BudgetMonth(month=m.month, payroll_paid=m.payroll_paid, fund_spent=m.fund_spent, total=m.total)
                    for m in b.months],
            payroll_paid=b.payroll_paid, fund_spent=b.fund_spent, spent=b.spent, remaining=b.remaining,
        )

    @strawberry.field(description=(
        "A payroll as XLSX (Chinese headers, a sheet per community and a 汇总 summary) or CSV (UTF-8 with BOM), "
        "base64-encoded. Payees' names are masked unless you hold PERSON_PII there or are the finance office."))
    async def payroll_export(self, info: Info, payroll_id: strawberry.ID, format: ExportFormat) -> ExportFile:
        f = await export_ops.payroll_file(info.context.viewer, decode(payroll_id, "payrollId", ("Payroll",)),
                                          format.value)
        e = f.export
        return ExportFile(
            file_name=f.file_name, content_type=f.content_type, content_base64=base64.b64encode(f.content).decode(),
            total=e.total, line_count=e.line_count, names_masked=e.names_masked,
            communities=[ExportCommunityTotal(community_id=_community_gid(c.community_id, c.community_kind),
                                              community=c.community, lines=len(c.lines), total=c.total)
                         for c in e.communities],
        )


@strawberry.type
class InsuranceMutation:
    @strawberry.mutation(description="Record the accident insurance bought for a head found eligible (one per term).")
    async def insurance_purchase_record(self, info: Info, input: InsurancePurchaseRecordInput) -> InsurancePurchasePayload:
        try:
            p = await ops.record_purchase(
                info.context.viewer, term_id=decode(input.term_id, ["input", "termId"], ("BuildingHeadTerm",)),
                insurer=input.insurer, policy_number=input.policy_number, cover_from=input.cover_from,
                cover_to=input.cover_to, premium=input.premium)
        except (Problem, Problems) as exc:
            return InsurancePurchasePayload(errors=payload_errors(InsuranceError, exc, info.context.locale))
        return InsurancePurchasePayload(purchase=InsurancePurchase.of(p), errors=[])

    @strawberry.mutation(description="Record spending from a workstation's yearly fund (refused beyond what remains).")
    async def fund_entry_record(self, info: Info, input: FundEntryRecordInput) -> FundEntryPayload:
        try:
            e = await budget_ops.record_fund_entry(
                info.context.viewer, workstation_id=decode(input.workstation_id, ["input", "workstationId"], ("Workstation",)),
                spent_on=input.spent_on, amount=input.amount, description=input.description)
        except (Problem, Problems) as exc:
            return FundEntryPayload(errors=payload_errors(InsuranceError, exc, info.context.locale))
        return FundEntryPayload(entry=FundEntry.of(e), errors=[])
