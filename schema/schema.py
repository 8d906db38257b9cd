"""Assembles Query and Mutation from every domain, with the guardrails."""
from __future__ import annotations

import asyncio

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from resolvers.access import AccessMutation, AccessQuery
from resolvers.calendar import CalendarMutation, CalendarQuery
from resolvers.changes import Subscription
from resolvers.nodes import resolve_node
from resolvers.people import PeopleMutation, PeopleQuery
from resolvers.recruitment import RecruitmentMutation, RecruitmentQuery
from resolvers.tree import TreeMutation, TreeQuery
from resolvers.workstations import WorkstationMutation, WorkstationQuery
from schema import people, recruitment, tree, workstations
from schema.common import Node
from schema.guardrails import build_extensions


@strawberry.type
class Query(TreeQuery, PeopleQuery, WorkstationQuery, AccessQuery, CalendarQuery, RecruitmentQuery):
    @strawberry.field(description="Any object by its global ID; null when missing or outside your scope.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field(description="Several objects by global ID (at most 100).")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > 100:
            from graphql import GraphQLError

            raise GraphQLError("at most 100 ids")
        return list(await asyncio.gather(*(resolve_node(info, i) for i in ids)))  # one batched load per type


@strawberry.type
class Mutation(TreeMutation, PeopleMutation, WorkstationMutation, AccessMutation, CalendarMutation, RecruitmentMutation):
    pass


CONCRETE_TYPES = [
    tree.District, tree.NewTown, tree.Subdistrict, tree.Community, tree.Village, tree.Compound, tree.Building,
    tree.VillageGroup, tree.ServiceArea, people.Person, people.StaffRole, people.BuildingHeadTerm,
    workstations.Workstation, workstations.StationHeadAppointment, workstations.WorkstationPlan,
    workstations.WorkstationCampaign, recruitment.RecruitmentCampaign, recruitment.Application, recruitment.Objection,
]


class GrassrootsSchema(strawberry.Schema):
    """The schema, with a time limit on every operation executed over HTTP: past
    ``timeout_seconds`` the operation is cancelled (a mutation's transaction rolls back)
    and the answer is one error with ``extensions.code = "TIMEOUT"``."""

    timeout_seconds: float | None = None

    async def execute(self, *args, **kwargs):  # type: ignore[override]
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
        extensions=build_extensions(production=production, max_cost=max_cost, list_bounds=True),
        config=StrawberryConfig(disable_field_suggestions=production),
    )
    schema.timeout_seconds = timeout_seconds
    return schema


def sdl() -> str:
    return build_schema().as_str() + "\n"
