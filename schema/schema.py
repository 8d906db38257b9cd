"""Assembles Query and Mutation from every domain, with the guardrails."""
from __future__ import annotations

import asyncio
import datetime
import decimal

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from schema.access import AccessMutation, AccessQuery
from schema.calendar import CalendarMutation, CalendarQuery
from schema.changes import Subscription
from schema.nodes import resolve_node
from schema.people import PeopleMutation, PeopleQuery
from schema.recruitment_fields import RecruitmentMutation, RecruitmentQuery
from schema.tree_fields import TreeMutation, TreeQuery
from schema.workstations import WorkstationMutation, WorkstationQuery
from schema.meetings import MeetingMutation, MeetingQuery
from schema.duties import DutyMutation, DutyQuery
from schema.requests import RequestMutation, RequestQuery
from schema.ledger import LedgerMutation, LedgerQuery
from schema.runs import RunMutation, RunQuery
from schema.payroll import PayrollMutation, PayrollQuery
from schema.assessment import AssessmentMutation, AssessmentQuery
from schema.insurance import InsuranceMutation, InsuranceQuery
from schema import (
    assessment, duties, insurance, ledger, meetings, payroll, people, recruitment, requests, runs, tree, workstations,
)
from schema.auth import RequireCredentials
from schema.common import Node
from schema.execution import FastExecutionContext
from schema.guardrails import build_extensions


@strawberry.type
class Query(TreeQuery, PeopleQuery, WorkstationQuery, AccessQuery, CalendarQuery, RecruitmentQuery,
            MeetingQuery, DutyQuery, RequestQuery, LedgerQuery, RunQuery, PayrollQuery, AssessmentQuery, InsuranceQuery):
    @strawberry.field(description="Any object by its global ID; null when missing or outside your scope.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field(description="Several objects by global ID (at most 100).")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > 100:
            from graphql import GraphQLError

            raise GraphQLError("`ids` takes at most 100 IDs", extensions={"code": "BAD_USER_INPUT", "field": "ids"})
        return list(await asyncio.gather(*(resolve_node(info, i) for i in ids)))  # one batched load per type


@strawberry.type
class Mutation(TreeMutation, PeopleMutation, WorkstationMutation, AccessMutation, CalendarMutation, RecruitmentMutation,
               MeetingMutation, DutyMutation, RequestMutation, LedgerMutation, RunMutation, PayrollMutation,
               AssessmentMutation, InsuranceMutation):
    pass


CONCRETE_TYPES = [
    tree.District, tree.NewTown, tree.Subdistrict, tree.Community, tree.Village, tree.Compound, tree.Building,
    tree.VillageGroup, tree.ServiceArea, people.Person, people.StaffRole, people.BuildingHeadTerm,
    workstations.Workstation, workstations.StationHeadAppointment, workstations.WorkstationPlan,
    workstations.WorkstationCampaign, recruitment.RecruitmentCampaign, recruitment.Application, recruitment.Objection,
    *meetings.TYPES, *duties.TYPES, *requests.TYPES, *ledger.TYPES,
    *runs.TYPES, *payroll.TYPES, *assessment.TYPES, *insurance.TYPES,
]


def _finite_decimal(value: object) -> decimal.Decimal:
    """Decimal inputs are plain finite numbers (no NaN, Infinity or 1e999999 exponents)."""
    from strawberry.exceptions import StrawberryGraphQLError

    text = str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None
    try:
        number = decimal.Decimal(text) if text is not None and len(text) <= 40 else None
    except decimal.DecimalException:
        number = None
    if number is None or not number.is_finite() or abs(number.adjusted()) > 20:
        raise StrawberryGraphQLError(f"Value cannot represent a Decimal: {str(value)[:40]!r}; expected a finite "
                                     "decimal number such as \"87.5\"", extensions={"code": "BAD_USER_INPUT"})
    return number


def _plain_parser(type_name: str, parse, example: str):
    """A date/time parser whose error names the expected form, not Python's exception text."""
    from strawberry.exceptions import StrawberryGraphQLError

    def parse_value(value: object):
        if isinstance(value, str) and len(value) <= 40:
            try:
                return parse(value)
            except (ValueError, OverflowError):
                pass
        raise StrawberryGraphQLError(f"Value cannot represent a {type_name}: expected e.g. \"{example}\"",
                                     extensions={"code": "BAD_USER_INPUT"})

    return parse_value


def _datetime(text: str) -> datetime.datetime:
    import dateutil.parser

    return dateutil.parser.isoparse(text)


PlainDate = strawberry.scalar(name="Date", description="Date (isoformat)", serialize=lambda v: v.isoformat(),
                              parse_value=_plain_parser("Date", datetime.date.fromisoformat, "2026-03-01"))
PlainDateTime = strawberry.scalar(name="DateTime", description="Date with time (isoformat)",
                                  serialize=lambda v: v.isoformat(),
                                  parse_value=_plain_parser("DateTime", _datetime, "2026-03-01T09:30:00+08:00"))

FiniteDecimal = strawberry.scalar(
    name="Decimal", description="Decimal (fixed-point)", serialize=str, parse_value=_finite_decimal)


class GrassrootsSchema(strawberry.Schema):
    """The schema, with a time limit on every operation executed over HTTP: past
    ``timeout_seconds`` the operation is cancelled (a mutation's transaction rolls back)
    and the answer is one error with ``extensions.code = "TIMEOUT"``."""

    timeout_seconds: float | None = None

    async def execute(self, *args, **kwargs):  # type: ignore[override]
        """Execute with the time limit, refuse NUL / unpaired surrogates first, and mask what
        a client may not see (schema.errors)."""
        from strawberry.types import ExecutionResult

        from schema.errors import mask_errors, refuse_bad_text

        query = args[0] if args else kwargs.get("query")
        variables = args[1] if len(args) > 1 else kwargs.get("variable_values")
        context = args[2] if len(args) > 2 else kwargs.get("context_value")
        locale = getattr(context, "locale", "zh")
        bad = refuse_bad_text(query, variables if isinstance(variables, dict) else None)
        if bad is not None:
            return ExecutionResult(data=None, errors=[bad])
        result = await self._execute_with_time_limit(*args, **kwargs)
        if result.errors:
            result.errors = mask_errors(result.errors, locale)
        return result

    async def stream(self, query, variable_values=None, context_value=None, *args, **kwargs):  # type: ignore[override]
        """Subscriptions (and other streams): every result's errors masked like execute's, so a
        denial inside a live stream reaches the client typed and in its language."""
        from schema.errors import mask_errors

        locale = getattr(context_value, "locale", "zh")
        inner = await super().stream(query, variable_values, context_value, *args, **kwargs)

        async def masked():
            try:
                async for result in inner:
                    if getattr(result, "errors", None):
                        result.errors = mask_errors(result.errors, locale)
                    yield result
            finally:
                await inner.aclose()

        return masked()

    async def _execute_with_time_limit(self, *args, **kwargs):
        if not self.timeout_seconds:
            return await super().execute(*args, **kwargs)
        try:
            return await asyncio.wait_for(super().execute(*args, **kwargs), self.timeout_seconds)
        except TimeoutError:
            from graphql import GraphQLError
            from strawberry.types import ExecutionResult

            limit = self.timeout_seconds
            return ExecutionResult(data=None, errors=[GraphQLError(
                f"the operation took longer than {limit:g} s and was stopped; ask for less (smaller pages, fewer fields)",
                extensions={"code": "TIMEOUT", "limit": limit})])


def build_schema(*, production: bool = False, max_cost: int = 3_000_000,
                 timeout_seconds: float | None = 30.0) -> strawberry.Schema:
    schema = GrassrootsSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=CONCRETE_TYPES,
        extensions=[RequireCredentials, *build_extensions(production=production, max_cost=max_cost, list_bounds=True)],
        execution_context_class=FastExecutionContext,
        config=StrawberryConfig(disable_field_suggestions=production, scalar_map={
            decimal.Decimal: FiniteDecimal, datetime.date: PlainDate, datetime.datetime: PlainDateTime}),
    )
    schema.timeout_seconds = timeout_seconds
    return schema


def sdl() -> str:
    return build_schema().as_str() + "\n"
