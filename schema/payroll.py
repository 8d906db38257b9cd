"""GraphQL of the payroll domain (docs/policy.md §9, §14): the monthly payroll per subdistrict, its
lines (paginated), totals rolled up community → subdistrict → new town → district, top-ups and
adjustments. Money is the Decimal scalar (a string in JSON), never a float."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from models import money as m
from policy.money import LineKind, PayrollStatus
from resolvers import payroll as ops
from resolvers.errors import Problem, Problems
from schema.common import Connection, Node, UserError, error_codes, paginate, to_global_id
from schema.nodes import decode, register
from schema.payloads import payload_errors
from schema.tree import TYPE_NAMES
from resolvers.uow import unit_of_work

PayrollStatusEnum = strawberry.enum(PayrollStatus, name="PayrollStatus")
LineKindEnum = strawberry.enum(LineKind, name="PayrollLineKind")

TREE_TYPES = tuple(TYPE_NAMES.values())
TOP_UP_TYPES = ("Subdistrict", "Community", "Village", "Compound")


@strawberry.type(description="One line of a payroll: what one person is paid for one reason.")
class PayrollLine(Node):
    id: strawberry.ID
    kind: LineKindEnum  # type: ignore[valid-type]
    source: str = strawberry.field(description='What the line comes from: "BH:<term>", "SH:<appointment>", '
                                               '"TU:<top-up>:<term>", "EX:<selection>", "ADJ:<adjustment>".')
    person_id: strawberry.ID
    community_id: strawberry.ID
    days: int = strawberry.field(description="Days of the month paid (0 for top-ups, bonuses and adjustments).")
    amount: Decimal

    @classmethod
    def of(cls, line: m.PayrollLine, community_type: str = "Community") -> "PayrollLine":
        return cls(id=to_global_id("PayrollLine", line.id), kind=line.kind, source=line.source,
                   person_id=to_global_id("Person", line.person_id),
                   community_id=to_global_id(community_type, line.community_id), days=line.days,
                   amount=line.amount)


@strawberry.type(description="A payroll figure of one node of the tree for a month.")
class PayrollTotal:
    node_id: strawberry.ID
    kind: str
    name: str
    depth: int
    lines: int
    total: Decimal

    @classmethod
    def of(cls, r: ops.TotalRow) -> "PayrollTotal":
        return cls(node_id=to_global_id(TYPE_NAMES[r.kind], r.node_id), kind=r.kind.value, name=r.name,
                   depth=r.depth, lines=r.lines, total=r.total)


@strawberry.type(description="A subdistrict's monthly payroll: DRAFT → APPROVED (never edited again) → PAID.")
class Payroll(Node):
    id: strawberry.ID
    pk: strawberry.Private[int]
    subdistrict_id: strawberry.ID
    month: date
    status: PayrollStatusEnum  # type: ignore[valid-type]
    total: Decimal
    computed_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None
    paid_on: date | None

    @strawberry.field(description="The lines, by community, kind and person (paginated: thousands per subdistrict).")
    async def lines(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[PayrollLine]:
        payroll = await m.Payroll.get(id=self.pk)
        rows = await ops.payroll_lines(info.context.viewer, payroll)
        return paginate(rows, first=first, after=after, wrap=PayrollLine.of)

    @strawberry.field(description="Totals of each community of the payroll (and the subdistrict's).")
    async def totals_by_community(self, info: Info) -> list[PayrollTotal]:
        payroll = await m.Payroll.get(id=self.pk)
        rows = await ops.payroll_totals(info.context.viewer, payroll.subdistrict_id, payroll.month, payroll_id=payroll.id)
        return [PayrollTotal.of(r) for r in rows]

    @classmethod
    def of(cls, p: m.Payroll) -> "Payroll":
        return cls(id=to_global_id("Payroll", p.id), pk=p.id, subdistrict_id=to_global_id("Subdistrict", p.subdistrict_id),
                   month=p.month, status=p.status, total=p.total, computed_at=p.computed_at,
                   approved_at=p.approved_at, approved_by=p.approved_by, paid_on=p.paid_on)


@strawberry.type(description="An approved major-task top-up: an amount per building head serving in the month.")
class TopUp(Node):
    id: strawberry.ID
    month: date
    amount: Decimal
    reason: str
    approved_on: date

    @classmethod
    def of(cls, t: m.TopUp) -> "TopUp":
        return cls(id=to_global_id("TopUp", t.id), month=t.month, amount=t.amount,
                   reason=t.reason, approved_on=t.approved_on)


@strawberry.type(description="A correction of an approved payroll, paid once as a line of a later payroll.")
class PayrollAdjustment(Node):
    id: strawberry.ID
    corrects_payroll_id: strawberry.ID
    person_id: strawberry.ID
    amount: Decimal
    reason: str
    recorded_on: date

    @classmethod
    def of(cls, a: m.PayrollAdjustment) -> "PayrollAdjustment":
        return cls(id=to_global_id("PayrollAdjustment", a.id),
                   corrects_payroll_id=to_global_id("Payroll", a.corrects_payroll_id),
                   person_id=to_global_id("Person", a.person_id), amount=a.amount, reason=a.reason,
                   recorded_on=a.recorded_on)


TYPES: list[type] = [Payroll, PayrollLine, TopUp, PayrollAdjustment]  # concrete Node types of this module

register("Payroll", m.Payroll, Payroll.of)
register("TopUp", m.TopUp, TopUp.of)
register("PayrollAdjustment", m.PayrollAdjustment, PayrollAdjustment.of)
register("PayrollLine", m.PayrollLine, PayrollLine.of)


# ---------------------------------------------------------------- errors, inputs, payloads

@strawberry.enum
class PayrollErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    FUTURE_DATE = "FUTURE_DATE"
    PAYROLL_NOT_DRAFT = "PAYROLL_NOT_DRAFT"
    PAYROLL_NOT_COMPUTED = "PAYROLL_NOT_COMPUTED"
    PAYROLL_NOT_APPROVED = "PAYROLL_NOT_APPROVED"
    PAYROLL_PAID_BEFORE_MONTH = "PAYROLL_PAID_BEFORE_MONTH"
    TOP_UP_NODE_KIND = "TOP_UP_NODE_KIND"
    MONEY_NOT_POSITIVE = "MONEY_NOT_POSITIVE"
    REASON_REQUIRED = "REASON_REQUIRED"
    ADJUSTMENT_OF_DRAFT = "ADJUSTMENT_OF_DRAFT"
    ADJUSTMENT_AMOUNT = "ADJUSTMENT_AMOUNT"
    ADJUSTMENT_PERSON_NOT_ON_PAYROLL = "ADJUSTMENT_PERSON_NOT_ON_PAYROLL"
    PAYROLL_CONCURRENT = "PAYROLL_CONCURRENT"


@error_codes(PayrollErrorCode)
@strawberry.type
class PayrollError(UserError):
    code: PayrollErrorCode


@strawberry.input
class PayrollComputeInput:
    subdistrict_id: strawberry.ID
    month: date = strawberry.field(description="Any day of the month (its first day is kept).")


@strawberry.input
class PayrollIdInput:
    id: strawberry.ID


@strawberry.input
class PayrollMarkPaidInput:
    id: strawberry.ID
    paid_on: date | None = None


@strawberry.input
class TopUpCreateInput:
    node_id: strawberry.ID
    month: date
    amount: Decimal
    reason: str
    approved_on: date | None = None


@strawberry.input
class PayrollAdjustmentCreateInput:
    payroll_id: strawberry.ID
    person_id: strawberry.ID
    amount: Decimal
    reason: str


@strawberry.type
class PayrollPayload:
    errors: list[PayrollError] = strawberry.field(default_factory=list)
    payroll: Payroll | None = None


@strawberry.type
class TopUpPayload:
    errors: list[PayrollError] = strawberry.field(default_factory=list)
    top_up: TopUp | None = None


@strawberry.type
class PayrollAdjustmentPayload:
    errors: list[PayrollError] = strawberry.field(default_factory=list)
    adjustment: PayrollAdjustment | None = None


async def _run(info: Info, body):
    async with unit_of_work(info.context.viewer, integrity=ops.integrity_problem):
        return await body()


@strawberry.type
class PayrollQuery:
    @strawberry.field(description="Payrolls under a node (a community: its subdistrict's), newest month first.")
    async def payrolls(self, info: Info, node_id: strawberry.ID | None = None, month: date | None = None,
                       status: PayrollStatusEnum | None = None,  # type: ignore[valid-type]
                       first: int | None = None, after: str | None = None) -> Connection[Payroll]:
        pk = decode(node_id, "nodeId", TREE_TYPES) if node_id is not None else None
        rows = await ops.payrolls(info.context.viewer, pk, month, status)
        return paginate(rows, first=first, after=after, wrap=Payroll.of)

    @strawberry.field(description="A month's payroll totals under a node, rolled up community → subdistrict → "
                                  "new town → district (outermost first).")
    async def payroll_totals(self, info: Info, node_id: strawberry.ID, month: date) -> list[PayrollTotal]:
        rows = await ops.payroll_totals(info.context.viewer, decode(node_id, "nodeId", TREE_TYPES), month)
        return [PayrollTotal.of(r) for r in rows]


@strawberry.type
class PayrollMutation:
    @strawberry.mutation(description="(Re)compute a subdistrict's DRAFT payroll of a month; an approved one is refused.")
    async def payroll_compute(self, info: Info, input: PayrollComputeInput) -> PayrollPayload:
        try:
            pk = decode(input.subdistrict_id, ["input", "subdistrictId"], ("Subdistrict",))
            p = await _run(info, lambda: ops.payroll_compute(info.context.viewer, pk, input.month))
        except (Problem, Problems) as exc:
            return PayrollPayload(errors=payload_errors(PayrollError, exc, info.context.locale))
        return PayrollPayload(payroll=Payroll.of(p))

    @strawberry.mutation(description="The subdistrict approves a draft: never edited again.")
    async def payroll_approve(self, info: Info, input: PayrollIdInput) -> PayrollPayload:
        try:
            pk = decode(input.id, ["input", "id"], ("Payroll",))
            p = await _run(info, lambda: ops.payroll_approve(info.context.viewer, pk))
        except (Problem, Problems) as exc:
            return PayrollPayload(errors=payload_errors(PayrollError, exc, info.context.locale))
        return PayrollPayload(payroll=Payroll.of(p))

    @strawberry.mutation(description="Record that an approved payroll was paid.")
    async def payroll_mark_paid(self, info: Info, input: PayrollMarkPaidInput) -> PayrollPayload:
        try:
            pk = decode(input.id, ["input", "id"], ("Payroll",))
            p = await _run(info, lambda: ops.payroll_mark_paid(info.context.viewer, pk, input.paid_on))
        except (Problem, Problems) as exc:
            return PayrollPayload(errors=payload_errors(PayrollError, exc, info.context.locale))
        return PayrollPayload(payroll=Payroll.of(p))

    @strawberry.mutation(description="Record an approved major-task top-up of a month (paid whole to each building "
                                     "head serving in that month under the node).")
    async def top_up_create(self, info: Info, input: TopUpCreateInput) -> TopUpPayload:
        try:
            pk = decode(input.node_id, ["input", "nodeId"], TOP_UP_TYPES)
            t = await _run(info, lambda: ops.top_up_create(info.context.viewer, pk, input.month, input.amount,
                                                           input.reason, input.approved_on))
        except (Problem, Problems) as exc:
            return TopUpPayload(errors=payload_errors(PayrollError, exc, info.context.locale))
        return TopUpPayload(top_up=TopUp.of(t))

    @strawberry.mutation(description="Correct an approved or paid payroll: an adjustment line of the next draft computed.")
    async def payroll_adjustment_create(self, info: Info, input: PayrollAdjustmentCreateInput) -> PayrollAdjustmentPayload:
        try:
            pk = decode(input.payroll_id, ["input", "payrollId"], ("Payroll",))
            person = decode(input.person_id, ["input", "personId"], ("Person",))
            a = await _run(info, lambda: ops.payroll_adjustment_create(info.context.viewer, pk, person, input.amount,
                                                                       input.reason))
        except (Problem, Problems) as exc:
            return PayrollAdjustmentPayload(errors=payload_errors(PayrollError, exc, info.context.locale))
        return PayrollAdjustmentPayload(adjustment=PayrollAdjustment.of(a))
