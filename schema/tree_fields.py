"""The tree's root fields: decode the arguments, call one operation of resolvers/tree, wrap what
comes back (node rows in ``TreeNode`` types, problems in the payload's typed errors)."""
from __future__ import annotations

from datetime import date

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from policy.kinds import Chain, NodeKind
from resolvers import tree
from resolvers.errors import Problem, Problems
from resolvers.messages import render
from schema.common import Connection, check_search, paginate
from schema.nodes import decode, fetcher
from schema.payloads import payload_errors
from schema.tree import (
    TREE_TYPES, ChainChangeInput, NodeKindEnum, ServiceArea, ServiceAreaInput, ServiceAreaPayload, TreeError,
    TreeImportError, TreeImportErrorCode, TreeImportPayload, TreeNode, TreeNodeCreateInput, TreeNodePayload,
    TreeNodeUpdateInput, tree_node,
)

MEMBER_TYPES = ("Building", "VillageGroup")


@fetcher(*TREE_TYPES)
async def fetch_tree_node(info: Info, pk: int) -> TreeNode | None:
    row = await info.context.loaders.node.load(pk)
    if row is None or not info.context.viewer.can_read(row.path):
        return None
    return tree_node(row)


@fetcher("ServiceArea")
async def fetch_area(info: Info, pk: int) -> ServiceArea | None:
    a = await info.context.loaders.area.load(pk)
    if a is None or not info.context.viewer.can_read(a.path):
        return None
    return ServiceArea.of(a)


def _node_payload(node) -> TreeNodePayload:
    return TreeNodePayload(node=tree_node(tree.row_of(node)), errors=[])


def _node_errors(exc: Problem | Problems, info: Info) -> TreeNodePayload:
    return TreeNodePayload(errors=payload_errors(TreeError, exc, info.context.locale))


def _area_errors(exc: Problem | Problems, info: Info) -> ServiceAreaPayload:
    return ServiceAreaPayload(errors=payload_errors(TreeError, exc, info.context.locale))


def _members(member_ids: list[strawberry.ID], field: str = "memberIds") -> tuple[list[int], list[Problem]]:
    """The member IDs decoded, and a problem for each one that is not a building's or a village group's."""
    pks, problems = [], []
    for i, gid in enumerate(member_ids):
        try:
            pks.append(decode(gid, ["input", field, str(i)], MEMBER_TYPES))
        except Problem as p:
            problems.append(p)
    return pks, problems


def _import_errors(exc: Problem | Problems, locale: str) -> list[TreeImportError]:
    """An import's problems as typed errors: the code is the problem's ``error`` parameter when it
    has one (its catalogue entry words the message), its row and column when it names them."""
    problems = exc.problems if isinstance(exc, Problems) else [exc]
    if not any("error" in p.params for p in problems):
        return payload_errors(TreeImportError, exc, locale)
    return [
        TreeImportError(
            code=TreeImportErrorCode(p.params.get("error", p.code)), field=p.field,
            message=render(p.code, locale, p.params), row=p.params.get("row"), column=p.params.get("column"),
        )
        for p in problems
    ]


@strawberry.type
class TreeQuery:
    @strawberry.field(description="Your scope roots: the nodes your roles are held at.")
    async def scope_roots(self, info: Info) -> list[TreeNode]:
        rows = await tree.scope_roots(info.context.viewer)
        for r in rows:  # later parent look-ups find them loaded
            info.context.loaders.node.prime(r.id, r)
        return [tree_node(r) for r in rows]

    @strawberry.field(description="Districts within your scope.")
    async def districts(self, info: Info) -> list[TreeNode]:
        return [tree_node(r) for r in await tree.districts(info.context.viewer)]

    @strawberry.field(description="Search the tree within your scope, by kind and name.")
    async def tree_nodes(
        self, info: Info, kind: NodeKindEnum | None = None, name_contains: str | None = None,  # type: ignore[valid-type]
        include_closed: bool = False, first: int | None = None, after: str | None = None,
        last: int | None = None, before: str | None = None,
    ) -> Connection[TreeNode]:
        info.context.viewer.require_authenticated()
        rows = await tree.tree_nodes(
            info.context.viewer, kind=NodeKind(kind) if kind is not None else None,
            name_contains=check_search(name_contains, "nameContains"), include_closed=include_closed,
        )
        return paginate([tree_node(r) for r in rows], first=first, after=after, last=last, before=before)


@strawberry.type
class TreeMutation:
    @strawberry.mutation(description="Create a node under a parent that can hold it. A compound gets its workstation.")
    async def tree_node_create(self, info: Info, input: TreeNodeCreateInput) -> TreeNodePayload:
        try:
            node = await tree.create_tree_node(
                info.context.viewer, parent_id=decode(input.parent_id, "parentId", TREE_TYPES), kind=NodeKind(input.kind),
                name=input.name, code=input.code, address=input.address, subdistrict_kind=input.subdistrict_kind,
                households=input.households, election_cycle_ends_on=input.election_cycle_ends_on,
                opened_on=input.opened_on,
            )
        except (Problem, Problems) as exc:
            return _node_errors(exc, info)
        return _node_payload(node)

    @strawberry.mutation(description="Change a node's name, code, address, households or election-cycle end.")
    async def tree_node_update(self, info: Info, input: TreeNodeUpdateInput) -> TreeNodePayload:
        try:
            node = await tree.update_tree_node(
                info.context.viewer, decode(input.id, "id", TREE_TYPES), name=input.name, code=input.code,
                address=input.address, households=input.households, subdistrict_kind=input.subdistrict_kind,
                election_cycle_ends_on=input.election_cycle_ends_on,
            )
        except (Problem, Problems) as exc:
            return _node_errors(exc, info)
        return _node_payload(node)

    @strawberry.mutation(description="Move a node (with its subtree) under another parent that can hold it.")
    async def tree_node_move(self, info: Info, id: strawberry.ID, new_parent_id: strawberry.ID) -> TreeNodePayload:
        try:
            node = await tree.move_tree_node(info.context.viewer, decode(id, "id", TREE_TYPES),
                                             decode(new_parent_id, "newParentId", TREE_TYPES))
        except (Problem, Problems) as exc:
            return _node_errors(exc, info)
        return _node_payload(node)

    @strawberry.mutation(description="Close a node (history is kept). Its children must be closed first.")
    async def tree_node_close(self, info: Info, id: strawberry.ID, closed_on: date | None = None) -> TreeNodePayload:
        try:
            node = await tree.close_tree_node(info.context.viewer, decode(id, "id", TREE_TYPES), closed_on)
        except (Problem, Problems) as exc:
            return _node_errors(exc, info)
        return _node_payload(node)

    @strawberry.mutation(description="Switch a community or village between the urban and rural chains, keeping history.")
    async def tree_node_chain_change(self, info: Info, input: ChainChangeInput) -> TreeNodePayload:
        try:
            node = await tree.change_chain(
                info.context.viewer, decode(input.id, "id", TREE_TYPES), chain=Chain(input.chain),
                effective_on=input.effective_on, reason=input.reason, close_children=input.close_children,
            )
        except (Problem, Problems) as exc:
            return _node_errors(exc, info)
        return _node_payload(node)

    @strawberry.mutation(description="Define a service area (a seat's buildings or village groups) in a compound or rural-chain community/village.")
    async def service_area_create(self, info: Info, input: ServiceAreaInput) -> ServiceAreaPayload:
        try:
            container_id = decode(input.container_id, "containerId", TREE_TYPES)
            pks, invalid = _members(input.member_ids)
            area = await tree.create_service_area(
                info.context.viewer, container_id=container_id, name=input.name, member_ids=pks,
                invalid_members=invalid, member_labels=[str(m) for m in input.member_ids],
            )
        except (Problem, Problems) as exc:
            return _area_errors(exc, info)
        return ServiceAreaPayload(service_area=ServiceArea.of(area), errors=[])

    @strawberry.mutation(description="Replace the members of a service area.")
    async def service_area_update(self, info: Info, id: strawberry.ID, name: str | None = None,
                                  member_ids: list[strawberry.ID] | None = None) -> ServiceAreaPayload:
        try:
            pk = decode(id, "id", ("ServiceArea",))
            pks, invalid = _members(member_ids) if member_ids is not None else (None, [])
            area = await tree.update_service_area(
                info.context.viewer, pk, name=name, member_ids=pks, invalid_members=invalid,
                member_labels=[str(m) for m in member_ids] if member_ids is not None else None,
            )
        except (Problem, Problems) as exc:
            return _area_errors(exc, info)
        return ServiceAreaPayload(service_area=ServiceArea.of(area), errors=[])

    @strawberry.mutation(description="Close a service area that no building head serves any more.")
    async def service_area_close(self, info: Info, id: strawberry.ID, closed_on: date | None = None) -> ServiceAreaPayload:
        try:
            area = await tree.close_service_area(info.context.viewer, decode(id, "id", ("ServiceArea",)), closed_on)
        except (Problem, Problems) as exc:
            return _area_errors(exc, info)
        return ServiceAreaPayload(service_area=ServiceArea.of(area), errors=[])

    @strawberry.mutation(description=(
        "Import part of a tree from a CSV or XLSX register with Chinese headers "
        "(编码, 类型, 名称, 上级编码, 户数, 地址). The file is validated as a whole: every bad row is "
        "reported with its row number and reason, and nothing is written unless all rows are good."
    ))
    async def tree_import(self, info: Info, district_id: strawberry.ID, file: Upload) -> TreeImportPayload:
        try:
            pk = decode(district_id, "districtId", ("District",))
            content = await file.read()  # type: ignore[attr-defined]
            result = await tree.import_tree(info.context.viewer, pk, getattr(file, "filename", None), content)
        except (Problem, Problems) as exc:
            return TreeImportPayload(errors=_import_errors(exc, info.context.locale))
        return TreeImportPayload(created=result.created, nodes=[tree_node(tree.row_of(n)) for n in result.nodes], errors=[])
