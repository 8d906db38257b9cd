"""GraphQL of the assessment domain (docs/policy.md §8–§10): types, AssessmentQuery and AssessmentMutation mixins.

Each root field is a few lines around one operation of resolvers/assessment.py."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from models import money as models_money
from models.recruitment import BuildingHead
from models.tree import Node as NodeRow
from policy.assessment import SignRole
from policy.duties import parse_month
from policy.money import AssessmentKind, AssessmentStatus, Grade
from resolvers import assessment as ops
from resolvers.clock import today
from resolvers.errors import Problem, Problems
from schema.common import Connection, Node, UserError, error_codes, paginate, to_global_id
from schema.nodes import decode, register
from schema.payloads import to_error
from schema.people import BuildingHeadTerm
from schema.tree import TYPE_NAMES, TreeNode, tree_node

AssessmentKindEnum = strawberry.enum(AssessmentKind, name="AssessmentKind")
AssessmentStatusEnum = strawberry.enum(AssessmentStatus, name="AssessmentStatus")
GradeEnum = strawberry.enum(Grade, name="Grade")
SignRoleEnum = strawberry.enum(SignRole, name="AssessmentSignRole",
                               description="Who signs an annual assessment: the community police officer, or the units "
                                           "(the subdistrict's competent section).")
_NODE_TYPES = tuple(TYPE_NAMES.values())


def _v(value):
    return value.value if isinstance(value, Enum) else value


async def _term(info: Info, term_id: int) -> BuildingHeadTerm | None:
    t = await BuildingHead.get_or_none(id=term_id)
    return BuildingHeadTerm.of(t) if t is not None and info.context.viewer.can_read(t.path) else None


@strawberry.type(description="The duty figures a monthly score comes from, with the requests still pending at the month's end.")
class PerformanceFigures:
    weeks_served: int
    weeks_inspected: int
    inspections: int
    households: int
    households_visited: int
    meetings_held: int
    meetings_attended: int
    requests_handled: int
    requests_pending: int
    work_orders_handled: int
    work_orders_pending: int
    satisfaction_marks: int
    satisfaction_total: int

    @classmethod
    def of(cls, d: dict) -> "PerformanceFigures":
        keys = ("weeksServed weeksInspected inspections households householdsVisited meetingsHeld meetingsAttended "
                "requestsHandled requestsPending workOrdersHandled workOrdersPending satisfactionMarks "
                "satisfactionTotal").split()
        names = [f.name for f in cls.__strawberry_definition__.fields]  # type: ignore[attr-defined]
        return cls(**{n: int(d.get(k, 0)) for n, k in zip(names, keys)})


@strawberry.type(description="A building head's monthly performance record: computed from the month's duties, with the "
                             "community's own notes; frozen once the month is assessed.")
class PerformanceRecord(Node):
    term_id: strawberry.Private[int]
    month: str = strawberry.field(description="The month, like \"2026-03\".")
    score: Decimal = strawberry.field(description="0–100, from the weighted figures.")
    figures: PerformanceFigures
    notes: str
    computed_at: datetime
    frozen_at: datetime | None

    @classmethod
    def of(cls, r) -> "PerformanceRecord":
        return cls(id=to_global_id("PerformanceRecord", r.id), term_id=r.term_id, month=r.month.strftime("%Y-%m"),
                   score=Decimal(r.score), figures=PerformanceFigures.of(r.figures or {}), notes=r.notes,
                   computed_at=r.computed_at, frozen_at=r.frozen_at)

    @strawberry.field
    def frozen(self) -> bool:
        return self.frozen_at is not None

    @strawberry.field
    async def term(self, info: Info) -> BuildingHeadTerm | None:
        return await _term(info, self.term_id)


@strawberry.type(description="A probation (year 0) or annual assessment of a building-head term: proposed from the "
                             "records, confirmed by the community, signed off by the police officer and the units.")
class Assessment(Node):
    term_id: strawberry.Private[int]
    kind: AssessmentKindEnum  # type: ignore[valid-type]
    year: int = strawberry.field(description="The year assessed (0 for probation).")
    proposed_grade: GradeEnum | None  # type: ignore[valid-type]
    grade: GradeEnum | None = strawberry.field(description="The confirmed grade.")  # type: ignore[valid-type]
    score: Decimal | None = strawberry.field(description="The mean of the year's monthly scores.")
    status: AssessmentStatusEnum  # type: ignore[valid-type]
    assessed_on: date | None
    confirmed_by: str | None
    confirmed_at: datetime | None
    police_signed_by: str | None
    police_signed_at: datetime | None
    units_signed_by: str | None
    units_signed_at: datetime | None
    note: str

    @classmethod
    def of(cls, a) -> "Assessment":
        return cls(id=to_global_id("Assessment", a.id), term_id=a.term_id, kind=a.kind, year=a.year,
                   proposed_grade=a.proposed_grade, grade=a.grade,
                   score=Decimal(a.score) if a.score is not None else None, status=a.status, assessed_on=a.assessed_on,
                   confirmed_by=a.confirmed_by, confirmed_at=a.confirmed_at, police_signed_by=a.police_signed_by,
                   police_signed_at=a.police_signed_at, units_signed_by=a.units_signed_by,
                   units_signed_at=a.units_signed_at, note=a.note)

    @strawberry.field
    async def term(self, info: Info) -> BuildingHeadTerm | None:
        return await _term(info, self.term_id)


@strawberry.type(description="A compound's excellent building head of a year (ranked proposal, confirmed by the "
                             "community, signed off by the police); once signed off, paid one extra month of subsidy once.")
class ExcellenceSelection(Node):
    term_id: strawberry.Private[int]
    compound_id: strawberry.Private[int]
    year: int
    rank: int
    status: AssessmentStatusEnum  # type: ignore[valid-type]
    confirmed_by: str | None
    confirmed_at: datetime | None
    signed_by: str | None
    signed_at: datetime | None

    @classmethod
    def of(cls, s) -> "ExcellenceSelection":
        return cls(id=to_global_id("ExcellenceSelection", s.id), term_id=s.term_id, compound_id=s.compound_id,
                   year=s.year, rank=s.rank, status=s.status, confirmed_by=s.confirmed_by,
                   confirmed_at=s.confirmed_at, signed_by=s.signed_by, signed_at=s.signed_at)

    @strawberry.field(description="The compound (or rural-chain area container) it belongs to.")
    async def compound(self, info: Info) -> TreeNode | None:
        row = await NodeRow.get_or_none(id=self.compound_id)
        return tree_node(row) if row is not None and info.context.viewer.can_read(row.path) else None

    @strawberry.field
    async def term(self, info: Info) -> BuildingHeadTerm | None:
        return await _term(info, self.term_id)


@strawberry.enum
class AssessmentErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID_ID = "INVALID_ID"
    INVALID_MONTH = "INVALID_MONTH"
    FUTURE_DATE = "FUTURE_DATE"
    INVALID_DATE_ORDER = "INVALID_DATE_ORDER"
    TOO_LONG = "TOO_LONG"
    TERM_ENDED = "TERM_ENDED"
    PERFORMANCE_RECORD_FROZEN = "PERFORMANCE_RECORD_FROZEN"
    PERFORMANCE_MONTH_NOT_OVER = "PERFORMANCE_MONTH_NOT_OVER"
    PROBATION_ALREADY_ASSESSED = "PROBATION_ALREADY_ASSESSED"
    ASSESSMENT_ALREADY_CONFIRMED = "ASSESSMENT_ALREADY_CONFIRMED"
    ASSESSMENT_BEFORE_YEAR = "ASSESSMENT_BEFORE_YEAR"
    ASSESSMENT_NOT_ANNUAL = "ASSESSMENT_NOT_ANNUAL"
    ASSESSMENT_NOT_CONFIRMED = "ASSESSMENT_NOT_CONFIRMED"
    ASSESSMENT_ALREADY_SIGNED = "ASSESSMENT_ALREADY_SIGNED"


@error_codes(AssessmentErrorCode)
@strawberry.type
class AssessmentError(UserError):
    code: AssessmentErrorCode


def _errors(exc: Problem | Problems, locale: str) -> list[AssessmentError]:
    problems = exc.problems if isinstance(exc, Problems) else [exc]
    return [to_error(AssessmentError, p, locale) for p in problems]


def _month(text: str, field: list[str]) -> date:
    try:
        y, m = parse_month(text)
    except ValueError:
        raise Problem("INVALID_MONTH", field) from None
    return date(y, m, 1)


@strawberry.input
class PerformanceNoteSetInput:
    record_id: strawberry.ID
    notes: str


@strawberry.type
class PerformanceRecordPayload:
    record: PerformanceRecord | None = None
    errors: list[AssessmentError] = strawberry.field(default_factory=list)


@strawberry.input
class PerformanceMonthFreezeInput:
    node_id: strawberry.ID
    month: str = strawberry.field(description="Like \"2026-03\"; the month must be over.")


@strawberry.type
class PerformanceMonthFreezePayload:
    frozen: int = strawberry.field(default=0, description="Records frozen by this call.")
    errors: list[AssessmentError] = strawberry.field(default_factory=list)


@strawberry.input
class ProbationAssessInput:
    term_id: strawberry.ID
    passed: bool
    assessed_on: date | None = strawberry.field(default=None, description="Default: today (Asia/Shanghai).")
    note: str = ""


@strawberry.input
class AssessmentConfirmInput:
    id: strawberry.ID
    grade: GradeEnum  # type: ignore[valid-type]
    note: str = ""
    assessed_on: date | None = strawberry.field(default=None, description="Default: today (Asia/Shanghai).")


@strawberry.input
class AssessmentSignOffInput:
    id: strawberry.ID
    role: SignRoleEnum  # type: ignore[valid-type]


@strawberry.type
class AssessmentPayload:
    assessment: Assessment | None = None
    ended_term: BuildingHeadTerm | None = strawberry.field(
        default=None, description="The term an UNQUALIFIED signed-off annual assessment ended.")
    errors: list[AssessmentError] = strawberry.field(default_factory=list)


@strawberry.input
class ExcellenceInput:
    id: strawberry.ID


@strawberry.type
class ExcellencePayload:
    selection: ExcellenceSelection | None = None
    errors: list[AssessmentError] = strawberry.field(default_factory=list)


TYPES: list[type] = [PerformanceRecord, Assessment, ExcellenceSelection]  # concrete Node types of this module

register("PerformanceRecord", models_money.PerformanceRecord, PerformanceRecord.of)
register("Assessment", models_money.Assessment, Assessment.of)
register("ExcellenceSelection", models_money.ExcellenceSelection, ExcellenceSelection.of)


def _node(gid: strawberry.ID, field: str) -> int | None:
    try:
        return decode(gid, field, _NODE_TYPES)
    except Problem:
        return None


@strawberry.type
class AssessmentQuery:
    @strawberry.field(description="The monthly performance records of the building heads under a node for a month.")
    async def performance_records(self, info: Info, node_id: strawberry.ID, month: str, first: int | None = None,
                                  after: str | None = None) -> Connection[PerformanceRecord]:
        pk = _node(node_id, "nodeId")
        try:
            m = _month(month, ["month"])
        except Problem:
            m = None
        if pk is None or m is None:
            return paginate([], first=first, after=after)
        rows = await ops.performance_records(info.context.viewer, pk, m)
        return paginate(rows, first=first, after=after, wrap=PerformanceRecord.of)

    @strawberry.field(description="Probation and annual assessments under a node.")
    async def assessments(
        self, info: Info, node_id: strawberry.ID, kind: AssessmentKindEnum | None = None,  # type: ignore[valid-type]
        year: int | None = None, status: AssessmentStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None, after: str | None = None,
    ) -> Connection[Assessment]:
        pk = _node(node_id, "nodeId")
        if pk is None:
            return paginate([], first=first, after=after)
        rows = await ops.assessments(info.context.viewer, pk, _v(kind), year, _v(status))
        return paginate(rows, first=first, after=after, wrap=Assessment.of)

    @strawberry.field(description="The excellent building heads of a year under a node, by compound and rank.")
    async def excellence(self, info: Info, node_id: strawberry.ID, year: int) -> list[ExcellenceSelection]:
        pk = _node(node_id, "nodeId")
        if pk is None:
            return []
        return [ExcellenceSelection.of(s) for s in await ops.excellence(info.context.viewer, pk, year)]


@strawberry.type
class AssessmentMutation:
    @strawberry.mutation(description="The community's own notes on a monthly performance record (not once frozen).")
    async def performance_note_set(self, info: Info, input: PerformanceNoteSetInput) -> PerformanceRecordPayload:
        try:
            r = await ops.set_performance_note(
                info.context.viewer, decode(input.record_id, ["input", "recordId"], ("PerformanceRecord",)), input.notes)
        except (Problem, Problems) as exc:
            return PerformanceRecordPayload(errors=_errors(exc, info.context.locale))
        return PerformanceRecordPayload(record=PerformanceRecord.of(r))

    @strawberry.mutation(description="The month is assessed: its performance records under the node are frozen.")
    async def performance_month_freeze(self, info: Info, input: PerformanceMonthFreezeInput) -> PerformanceMonthFreezePayload:
        try:
            n = await ops.freeze_month(info.context.viewer, decode(input.node_id, ["input", "nodeId"], _NODE_TYPES),
                                       _month(input.month, ["input", "month"]))
        except (Problem, Problems) as exc:
            return PerformanceMonthFreezePayload(errors=_errors(exc, info.context.locale))
        return PerformanceMonthFreezePayload(frozen=n)

    @strawberry.mutation(description="The probation assessment within three months of taking up the post (once per term).")
    async def probation_assess(self, info: Info, input: ProbationAssessInput) -> AssessmentPayload:
        try:
            a = await ops.assess_probation(
                info.context.viewer, decode(input.term_id, ["input", "termId"], ("BuildingHeadTerm",)), input.passed,
                input.assessed_on or today(), input.note)
        except (Problem, Problems) as exc:
            return AssessmentPayload(errors=_errors(exc, info.context.locale))
        return AssessmentPayload(assessment=Assessment.of(a))

    @strawberry.mutation(description="The community confirms an annual assessment's grade.")
    async def assessment_confirm(self, info: Info, input: AssessmentConfirmInput) -> AssessmentPayload:
        try:
            a = await ops.confirm_assessment(
                info.context.viewer, decode(input.id, ["input", "id"], ("Assessment",)), Grade(_v(input.grade)),
                input.note, input.assessed_on or today())
        except (Problem, Problems) as exc:
            return AssessmentPayload(errors=_errors(exc, info.context.locale))
        return AssessmentPayload(assessment=Assessment.of(a))

    @strawberry.mutation(description="The police officer's or the units' signature on a confirmed annual assessment; with "
                                     "both it is SIGNED_OFF, and an UNQUALIFIED one ends the service.")
    async def assessment_sign_off(self, info: Info, input: AssessmentSignOffInput) -> AssessmentPayload:
        try:
            a, ended = await ops.sign_off_assessment(
                info.context.viewer, decode(input.id, ["input", "id"], ("Assessment",)), SignRole(_v(input.role)))
        except (Problem, Problems) as exc:
            return AssessmentPayload(errors=_errors(exc, info.context.locale))
        return AssessmentPayload(assessment=Assessment.of(a), ended_term=BuildingHeadTerm.of(ended) if ended else None)

    @strawberry.mutation(description="The community confirms a proposed excellent building head.")
    async def excellence_confirm(self, info: Info, input: ExcellenceInput) -> ExcellencePayload:
        try:
            s = await ops.confirm_excellence(info.context.viewer,
                                             decode(input.id, ["input", "id"], ("ExcellenceSelection",)))
        except (Problem, Problems) as exc:
            return ExcellencePayload(errors=_errors(exc, info.context.locale))
        return ExcellencePayload(selection=ExcellenceSelection.of(s))

    @strawberry.mutation(description="The police officer signs off a confirmed excellent building head (then paid once).")
    async def excellence_sign_off(self, info: Info, input: ExcellenceInput) -> ExcellencePayload:
        try:
            s = await ops.sign_off_excellence(info.context.viewer,
                                              decode(input.id, ["input", "id"], ("ExcellenceSelection",)))
        except (Problem, Problems) as exc:
            return ExcellencePayload(errors=_errors(exc, info.context.locale))
        return ExcellencePayload(selection=ExcellenceSelection.of(s))
