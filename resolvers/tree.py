"""Queries and mutations of the governance tree (docs/policy.md §3)."""
from __future__ import annotations

from datetime import date

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info
from tortoise.exceptions import IntegrityError

from models.access import ApiKey, RoleGrant
from models.parameters import PolicyParameter
from models.people import Person, StaffRole, district_of
from models.recruitment import BuildingHead
from models.tree import ChainChange, Node, ServiceArea
from models.workstations import StationHeadAppointment, Workstation, WorkstationCampaign, WorkstationPlan
from policy.access import Capability
from policy.idnumber import mask_id_number
from policy.kinds import Chain, NodeKind, TermStatus
from policy.tree import (
    CHAIN_NODES, LEAF_KINDS, allowed_child_kinds, can_hold, chain_children, default_chain, is_area_container,
    workstation_name,
)
from policy.tree_import import ExistingNode, sibling_name_errors, validate_rows
from resolvers.clock import today
from resolvers.errors import Denied, Problem, Problems
from resolvers.locks import locked, violates
from resolvers.uow import audit, snapshot
from schema.payloads import run
from schema.nodes import decode, fetcher
from resolvers.rows import NODE_FIELDS, NodeRow, node_row
from schema.common import Connection, paginate, check_search
from schema.tree import (
    KIND_BY_TYPE_NAME, TYPE_NAMES, ChainChangeInput, NodeKindEnum, ServiceArea as ServiceAreaType,
    ServiceAreaInput, ServiceAreaPayload, TreeError, TreeImportError, TreeImportPayload, TreeNode,
    TreeNodeCreateInput, TreeNodePayload, TreeNodeUpdateInput, tree_node,
)

KIND_ZH = {
    NodeKind.DISTRICT: "新区", NodeKind.NEW_TOWN: "新城", NodeKind.SUBDISTRICT: "镇街", NodeKind.COMMUNITY: "社区",
    NodeKind.VILLAGE: "行政村", NodeKind.COMPOUND: "小区", NodeKind.VILLAGE_GROUP: "村民小组", NodeKind.BUILDING: "楼栋",
}
TREE_TYPES = tuple(TYPE_NAMES.values())
MAX_IMPORT_BYTES = 10 * 1024 * 1024
# every table that keeps a copy of a node's path for scoping
PATH_MODELS = (
    Node, ServiceArea, Person, StaffRole, Workstation, WorkstationPlan, WorkstationCampaign,
    StationHeadAppointment, BuildingHead, PolicyParameter, RoleGrant, ApiKey,
)


@fetcher(*TREE_TYPES)
async def fetch_tree_node(info: Info, pk: int) -> TreeNode | None:
    row = await info.context.loaders.node.load(pk)
    if row is None or not info.context.viewer.can_read(row.path):
        return None
    return tree_node(row)


@fetcher("ServiceArea")
async def fetch_area(info: Info, pk: int) -> ServiceAreaType | None:
    a = await info.context.loaders.area.load(pk)
    if a is None or not info.context.viewer.can_read(a.path):
        return None
    return ServiceAreaType.of(a)


async def node_for(info: Info, gid: str | None, field: str, capability: Capability, types=TREE_TYPES) -> Node:
    """Load a node named in an input and check the caller may act on it; a node outside
    the caller's scope is refused exactly like a missing one."""
    pk = decode(gid, field, types)
    node = await Node.get_or_none(id=pk)
    if node is None or not info.context.viewer.can_read(node.path):
        raise Denied()
    info.context.viewer.require(capability, node.path)
    return node


def _row(node: Node) -> NodeRow:
    return node_row({f: getattr(node, f) for f in NODE_FIELDS})


def _check_households(kind: NodeKind, households: int | None, field: str, required: bool) -> None:
    if kind in LEAF_KINDS:
        if households is None:
            if required:
                raise Problem("REQUIRED", ["input", field], label="户数")
            return
        if households < 0:
            raise Problem("NEGATIVE_HOUSEHOLDS", ["input", field])
    elif households is not None:
        raise Problem("HOUSEHOLDS_NOT_ALLOWED", ["input", field])


async def _check_code(district_id: int | None, code: str | None, exclude_id: int | None = None) -> None:
    if not code:
        return
    q = Node.filter(district_id=district_id, code=code)
    if exclude_id is not None:
        q = q.exclude(id=exclude_id)
    if await q.exists():
        raise Problem("CODE_TAKEN", ["input", "code"], value=code)


async def _check_sibling_name(parent: Node, name: str, field: list[str], exclude_id: int | None = None) -> None:
    """No two open nodes under one parent share a name (held by uq_node_open_sibling_name).
    The parent's row is locked first, so concurrent requests naming its children queue up."""
    await locked(Node, id=parent.id)
    q = Node.filter(parent_id=parent.id, name=name, closed_on__isnull=True)
    if exclude_id is not None:
        q = q.exclude(id=exclude_id)
    if await q.exists():
        raise _name_taken(field, name, parent.name)


def _name_taken(field: list[str], name: str, parent: str) -> Problem:
    return Problem("NAME_TAKEN", field, zh=f"{parent}下已有名为“{name}”的下级", en=f"{parent} already has a child named {name!r}")


async def create_node(
    parent: Node, kind: NodeKind, name: str, *, code: str | None = None, address: str | None = None,
    subdistrict_kind=None, households: int | None = None, election_cycle_ends_on: date | None = None,
    opened_on: date | None = None,
) -> Node:
    """Create one node under ``parent`` (rules already checked), with a compound's workstation."""
    node = await Node.create(
        kind=kind, name=name, code=code or None, district_id=parent.district_id, parent_id=parent.id,
        path="", depth=parent.depth + 1, subdistrict_kind=subdistrict_kind, chain=default_chain(kind),
        households=households if kind in LEAF_KINDS else None, address=address,
        election_cycle_ends_on=election_cycle_ends_on, opened_on=opened_on or today(),
    )
    node.path = f"{parent.path}{node.id}/"
    await node.save(update_fields=["path"])
    if kind == NodeKind.COMPOUND:
        await Workstation.create(compound_id=node.id, path=node.path, name=workstation_name(name))
    return node


def _node_integrity(code: str | None, name: str | None, name_field: list[str]):
    """Two requests racing for one code or one sibling name: the database's unique key refuses
    the second, which gets the error a sequential request would."""
    def problem(exc: IntegrityError) -> Problem:
        if violates(exc, "uq_node_open_sibling_name"):
            return _name_taken(name_field, name or "", "上级")
        if "code" in str(exc):
            return Problem("CODE_TAKEN", ["input", "code"], value=code or "")
        raise exc
    return problem


async def _rewrite_paths(old: str, new: str) -> None:
    """Move every row under ``old`` to ``new``; a person's district follows their path."""
    if district_of(old) != district_of(new):
        # a register record belongs to one district: the moved people must not meet their
        # number there (answered like personCreate's duplicate, naming nobody)
        numbers = Person.filter(path__startswith=old).values_list("id_number", flat=True)
        taken = await Person.filter(district_id=district_of(new), id_number__in=await numbers).first()
        if taken is not None:
            raise Problem("ID_NUMBER_TAKEN", ["newParentId"], masked=mask_id_number(taken.id_number))
    for model in PATH_MODELS:
        rows = await model.filter(path__startswith=old)
        for r in rows:
            r.path = new + r.path[len(old):]
            if model is Person:
                r.district_id = district_of(r.path)
        if rows:
            fields = ["path", "district_id"] if model is Person else ["path"]
            await model.bulk_update(rows, fields=fields, batch_size=500)


async def _close_subtree(node: Node, on: date) -> int:
    """Close a node's open descendants (deepest first); returns how many were closed."""
    return await Node.filter(path__startswith=node.path, closed_on__isnull=True).exclude(id=node.id).update(closed_on=on)


@strawberry.type
class TreeQuery:
    @strawberry.field(description="Your scope roots: the nodes your roles are held at.")
    async def scope_roots(self, info: Info) -> list[TreeNode]:
        v = info.context.viewer
        v.require_authenticated()
        rows = await info.context.loaders.node.load_many(sorted({g.node_id for g in v.grants}))
        return [tree_node(r) for r in rows if r is not None]

    @strawberry.field(description="Districts within your scope.")
    async def districts(self, info: Info) -> list[TreeNode]:
        v = info.context.viewer
        rows = await Node.filter(v.scope_q(), kind=NodeKind.DISTRICT).order_by("id").values(*NODE_FIELDS)
        return [tree_node(node_row(r)) for r in rows]

    @strawberry.field(description="Search the tree within your scope, by kind and name.")
    async def tree_nodes(
        self, info: Info, kind: NodeKindEnum | None = None, name_contains: str | None = None,  # type: ignore[valid-type]
        include_closed: bool = False, first: int | None = None, after: str | None = None,
        last: int | None = None, before: str | None = None,
    ) -> Connection[TreeNode]:
        v = info.context.viewer
        v.require_authenticated()
        q = Node.filter(v.scope_q())
        if kind is not None:
            q = q.filter(kind=kind)
        if check_search(name_contains, "nameContains"):
            q = q.filter(name__contains=name_contains)
        if not include_closed:
            q = q.filter(closed_on__isnull=True)
        rows = await q.order_by("id").limit(5000).values(*NODE_FIELDS)
        return paginate([tree_node(node_row(r)) for r in rows], first=first, after=after, last=last, before=before)


@strawberry.type
class TreeMutation:
    @strawberry.mutation(description="Create a node under a parent that can hold it. A compound gets its workstation.")
    async def tree_node_create(self, info: Info, input: TreeNodeCreateInput) -> TreeNodePayload:
        ctx = info.context

        async def body():
            parent = await node_for(info, input.parent_id, "parentId", Capability.TREE_WRITE)
            kind = NodeKind(input.kind)
            if parent.closed_on is not None:
                raise Problem("ALREADY_CLOSED", ["input", "parentId"], name=parent.name, on=parent.closed_on)
            if not can_hold(parent.kind, parent.chain, kind):
                raise Problem(
                    "WRONG_PARENT_KIND", ["input", "kind"], child=KIND_ZH[kind], parent=KIND_ZH[parent.kind],
                    child_en=kind.value.lower(), parent_en=parent.kind.value.lower(),
                )
            if not input.name or not input.name.strip():
                raise Problem("REQUIRED", ["input", "name"], label="名称")
            if kind == NodeKind.SUBDISTRICT and input.subdistrict_kind is None:
                raise Problem("REQUIRED", ["input", "subdistrictKind"], label="镇街类型")
            _check_households(kind, input.households, "households", required=True)
            await _check_code(parent.district_id, input.code)
            await _check_sibling_name(parent, input.name.strip(), ["input", "name"])
            node = await create_node(
                parent, kind, input.name.strip(), code=input.code, address=input.address,
                subdistrict_kind=input.subdistrict_kind if kind == NodeKind.SUBDISTRICT else None,
                households=input.households, election_cycle_ends_on=input.election_cycle_ends_on,
                opened_on=input.opened_on,
            )
            await audit(ctx, "treeNodeCreate", "Node", node.id, node.path, None, snapshot(node))
            return {"node": tree_node(_row(node))}

        return await run(ctx, TreeNodePayload, TreeError, body,
                         integrity=_node_integrity(input.code, input.name.strip() if input.name else None, ["input", "name"]))

    @strawberry.mutation(description="Change a node's name, code, address, households or election-cycle end.")
    async def tree_node_update(self, info: Info, input: TreeNodeUpdateInput) -> TreeNodePayload:
        ctx = info.context

        async def body():
            node = await node_for(info, input.id, "id", Capability.TREE_WRITE)
            before = snapshot(node)
            if input.name is not None:
                if not input.name.strip():
                    raise Problem("REQUIRED", ["input", "name"], label="名称")
                if node.parent_id is not None and input.name.strip() != node.name and node.closed_on is None:
                    await _check_sibling_name(await Node.get(id=node.parent_id), input.name.strip(), ["input", "name"], node.id)
                node.name = input.name.strip()
            if input.code is not None:
                await _check_code(node.district_id, input.code, node.id)
                node.code = input.code or None
            if input.address is not None:
                node.address = input.address
            if input.households is not None:
                _check_households(node.kind, input.households, "households", required=False)
                node.households = input.households
            if input.subdistrict_kind is not None and node.kind == NodeKind.SUBDISTRICT:
                node.subdistrict_kind = input.subdistrict_kind
            if input.election_cycle_ends_on is not None and node.kind in CHAIN_NODES:
                node.election_cycle_ends_on = input.election_cycle_ends_on
            await node.save()
            if input.name is not None and node.kind == NodeKind.COMPOUND:
                await Workstation.filter(compound_id=node.id).update(name=workstation_name(node.name))
            await audit(ctx, "treeNodeUpdate", "Node", node.id, node.path, before, snapshot(node))
            return {"node": tree_node(_row(node))}

        return await run(ctx, TreeNodePayload, TreeError, body,
                         integrity=_node_integrity(input.code, input.name.strip() if input.name else None, ["input", "name"]))

    @strawberry.mutation(description="Move a node (with its subtree) under another parent that can hold it.")
    async def tree_node_move(self, info: Info, id: strawberry.ID, new_parent_id: strawberry.ID) -> TreeNodePayload:
        ctx = info.context

        async def body():
            node = await node_for(info, id, "id", Capability.TREE_WRITE)
            if node.parent_id is None:
                raise Problem("WRONG_PARENT_KIND", ["newParentId"], child=KIND_ZH[node.kind], parent="-", child_en=node.kind.value, parent_en="-")
            old_parent = await Node.get(id=node.parent_id)
            ctx.viewer.require(Capability.TREE_WRITE, old_parent.path)
            parent = await node_for(info, new_parent_id, "newParentId", Capability.TREE_WRITE)
            if parent.path.startswith(node.path):
                raise Problem("MOVE_INTO_SELF", ["newParentId"])
            if not can_hold(parent.kind, parent.chain, node.kind):
                raise Problem(
                    "WRONG_PARENT_KIND", ["newParentId"], child=KIND_ZH[node.kind], parent=KIND_ZH[parent.kind],
                    child_en=node.kind.value.lower(), parent_en=parent.kind.value.lower(),
                )
            if node.closed_on is None:
                await _check_sibling_name(parent, node.name, ["newParentId"], node.id)
            before = snapshot(node)
            old_path, new_path = node.path, f"{parent.path}{node.id}/"
            depth_shift = parent.depth + 1 - node.depth
            await Node.filter(id=node.id).update(parent_id=parent.id)
            await _rewrite_paths(old_path, new_path)
            if depth_shift:
                moved = await Node.filter(path__startswith=new_path)
                for n in moved:
                    n.depth += depth_shift
                await Node.bulk_update(moved, fields=["depth"], batch_size=500)
            if node.service_area_id is not None:  # a building leaves its old compound's area
                await Node.filter(id=node.id).update(service_area_id=None)
            node = await Node.get(id=node.id)
            await audit(ctx, "treeNodeMove", "Node", node.id, node.path, before, snapshot(node))
            return {"node": tree_node(_row(node))}

        return await run(ctx, TreeNodePayload, TreeError, body, integrity=_node_integrity(None, None, ["newParentId"]))

    @strawberry.mutation(description="Close a node (history is kept). Its children must be closed first.")
    async def tree_node_close(self, info: Info, id: strawberry.ID, closed_on: date | None = None) -> TreeNodePayload:
        ctx = info.context

        async def body():
            node = await node_for(info, id, "id", Capability.TREE_WRITE)
            node = await locked(Node, id=node.id)  # a concurrent close waits and then finds it closed
            if node.parent_id is not None:
                parent = await Node.get(id=node.parent_id)
                ctx.viewer.require(Capability.TREE_WRITE, parent.path)
            if node.closed_on is not None:
                raise Problem("ALREADY_CLOSED", ["id"], name=node.name, on=node.closed_on)
            open_children = await Node.filter(parent_id=node.id, closed_on__isnull=True).count()
            if open_children:
                raise Problem("HAS_OPEN_CHILDREN", ["id"], name=node.name, count=open_children)
            when = closed_on or today()
            if node.opened_on is not None and when < node.opened_on:
                raise Problem("INVALID_DATE_ORDER", ["closedOn"], later="撤销日期", earlier="设立日期",
                              later_en="closedOn", earlier_en="openedOn")
            before = snapshot(node)
            node.closed_on = when
            await node.save(update_fields=["closed_on"])
            await audit(ctx, "treeNodeClose", "Node", node.id, node.path, before, snapshot(node))
            return {"node": tree_node(_row(node))}

        return await run(ctx, TreeNodePayload, TreeError, body)

    @strawberry.mutation(description="Switch a community or village between the urban and rural chains, keeping history.")
    async def tree_node_chain_change(self, info: Info, input: ChainChangeInput) -> TreeNodePayload:
        ctx = info.context

        async def body():
            node = await node_for(info, input.id, "id", Capability.TREE_WRITE)
            node = await locked(Node, id=node.id)  # a concurrent switch waits and then finds the new chain
            if node.kind not in CHAIN_NODES:
                raise Problem("NOT_A_CHAIN_NODE", ["input", "id"])
            to_chain = Chain(input.chain)
            if node.chain == to_chain:
                raise Problem("SAME_CHAIN", ["input", "chain"], chain="城镇模式" if to_chain == Chain.URBAN else "农村模式", chain_en=to_chain.value.lower())
            if not input.reason.strip():
                raise Problem("REQUIRED", ["input", "reason"], label="原因")
            old_kinds = chain_children(node.chain or default_chain(node.kind))
            old_children = await Node.filter(parent_id=node.id, kind__in=list(old_kinds), closed_on__isnull=True)
            closed = 0
            if old_children and not input.close_children:
                raise Problem("OLD_CHAIN_CHILDREN", ["input", "closeChildren"], name=node.name, count=len(old_children))
            for child in old_children:
                closed += await _close_subtree(child, input.effective_on)
                child.closed_on = input.effective_on
                await child.save(update_fields=["closed_on"])
                closed += 1
            if node.chain == Chain.RURAL:  # its village-level service areas go with the old chain
                await ServiceArea.filter(container_id=node.id, closed_on__isnull=True).update(closed_on=input.effective_on)
            before = snapshot(node)
            await ChainChange.create(
                node_id=node.id, from_chain=node.chain, to_chain=to_chain, effective_on=input.effective_on,
                reason=input.reason.strip(), closed_children=closed, changed_by_id=ctx.viewer.user_id,
            )
            node.chain = to_chain
            await node.save(update_fields=["chain"])
            await audit(ctx, "treeNodeChainChange", "Node", node.id, node.path, before, snapshot(node))
            return {"node": tree_node(_row(node))}

        return await run(ctx, TreeNodePayload, TreeError, body)

    @strawberry.mutation(description="Define a service area (a seat's buildings or village groups) in a compound or rural-chain community/village.")
    async def service_area_create(self, info: Info, input: ServiceAreaInput) -> ServiceAreaPayload:
        ctx = info.context

        async def body():
            container = await node_for(info, input.container_id, "containerId", Capability.TREE_WRITE)
            if not is_area_container(container.kind, container.chain):
                raise Problem("NOT_AN_AREA_CONTAINER", ["input", "containerId"])
            if not input.name.strip():
                raise Problem("REQUIRED", ["input", "name"], label="名称")
            area = await ServiceArea.create(container_id=container.id, name=input.name.strip(), path=container.path)
            await _assign_members(container, area, input.member_ids)
            await audit(ctx, "serviceAreaCreate", "ServiceArea", area.id, area.path, None,
                        {"name": area.name, "members": list(input.member_ids)})
            return {"service_area": ServiceAreaType.of(area)}

        return await run(ctx, ServiceAreaPayload, TreeError, body)

    @strawberry.mutation(description="Replace the members of a service area.")
    async def service_area_update(self, info: Info, id: strawberry.ID, name: str | None = None,
                                  member_ids: list[strawberry.ID] | None = None) -> ServiceAreaPayload:
        ctx = info.context

        async def body():
            area = await _area_for(info, id)
            container = await Node.get(id=area.container_id)
            before = {"name": area.name, "members": await Node.filter(service_area_id=area.id).values_list("id", flat=True)}
            if name is not None:
                if not name.strip():
                    raise Problem("REQUIRED", ["name"], label="名称")
                area.name = name.strip()
                await area.save(update_fields=["name"])
            if member_ids is not None:
                await Node.filter(service_area_id=area.id).update(service_area_id=None)
                await _assign_members(container, area, member_ids, field="memberIds")
            after = {"name": area.name, "members": await Node.filter(service_area_id=area.id).values_list("id", flat=True)}
            await audit(ctx, "serviceAreaUpdate", "ServiceArea", area.id, area.path, before, after)
            return {"service_area": ServiceAreaType.of(area)}

        return await run(ctx, ServiceAreaPayload, TreeError, body)

    @strawberry.mutation(description="Close a service area that no building head serves any more.")
    async def service_area_close(self, info: Info, id: strawberry.ID, closed_on: date | None = None) -> ServiceAreaPayload:
        ctx = info.context

        async def body():
            area = await _area_for(info, id)
            if area.closed_on is not None:
                raise Problem("ALREADY_CLOSED", ["id"], name=area.name, on=area.closed_on)
            if await BuildingHead.filter(service_area_id=area.id, status=TermStatus.ACTIVE).exists():
                raise Problem("AREA_HAS_HEADS", ["id"])
            area.closed_on = closed_on or today()
            await area.save(update_fields=["closed_on"])
            await Node.filter(service_area_id=area.id).update(service_area_id=None)
            await audit(ctx, "serviceAreaClose", "ServiceArea", area.id, area.path, None, {"closed_on": area.closed_on})
            return {"service_area": ServiceAreaType.of(area)}

        return await run(ctx, ServiceAreaPayload, TreeError, body)

    @strawberry.mutation(description=(
        "Import part of a tree from a CSV or XLSX register with Chinese headers "
        "(编码, 类型, 名称, 上级编码, 户数, 地址). The file is validated as a whole: every bad row is "
        "reported with its row number and reason, and nothing is written unless all rows are good."
    ))
    async def tree_import(self, info: Info, district_id: strawberry.ID, file: Upload) -> TreeImportPayload:
        ctx = info.context
        from grassroots.spreadsheets import ImportFileError, read_rows

        async def body():
            district = await node_for(info, district_id, "districtId", Capability.TREE_WRITE, ("District",))
            content = await file.read()  # type: ignore[attr-defined]
            if len(content) > MAX_IMPORT_BYTES:
                raise Problem("TOO_LARGE", ["file"], zh=f"文件超过{MAX_IMPORT_BYTES // 1048576}MB的上限",
                              en=f"the file exceeds the {MAX_IMPORT_BYTES // 1048576} MB limit")
            try:
                rows = read_rows(getattr(file, "filename", "") or "upload.csv", content)
            except ImportFileError as e:
                raise Problem(e.code, ["file"], zh=e.message_zh, en=e.message_en) from None
            existing_rows = await Node.filter(district_id=district.id, code__isnull=False).values("code", "kind", "chain", "id", "path")
            existing = {
                r["code"]: ExistingNode(r["code"], NodeKind(r["kind"]), Chain(r["chain"]) if r["chain"] else None)
                for r in existing_rows
            }
            by_code = {r["code"]: r["id"] for r in existing_rows}
            specs, errors = validate_rows(rows, existing)
            if not errors:
                # the district's row is locked: concurrent imports and creations in it queue up
                await locked(Node, id=district.id)
                parent_ids = {None: district.id, **{c: by_code[c] for c in {s.parent_code for s in specs} if c in by_code}}
                taken: dict[str | None, set[str]] = {}
                for code, pk in parent_ids.items():
                    taken[code] = set(await Node.filter(parent_id=pk, closed_on__isnull=True).values_list("name", flat=True))
                errors = sibling_name_errors(specs, taken)
            if errors:
                raise Problems([
                    Problem(e.code, ["file"], zh=e.message_zh, en=e.message_en, row=e.row, column=e.column)
                    for e in errors
                ])
            nodes_by_code: dict[str, Node] = {}
            parents: dict[int, Node] = {}
            created = []
            for spec in specs:
                if spec.parent_code is None:
                    parent = district
                elif spec.parent_code in nodes_by_code:
                    parent = nodes_by_code[spec.parent_code]
                else:
                    pid = by_code[spec.parent_code]
                    parent = parents.get(pid) or await Node.get(id=pid)
                    parents[pid] = parent
                if not ctx.viewer.can(Capability.TREE_WRITE, parent.path):
                    raise Problem("NOT_FOUND", ["file"], row=spec.row, column="parent_code",
                                  zh=f"第{spec.row}行：上级“{spec.parent_code}”不在您的管理范围内",
                                  en=f"row {spec.row}: parent {spec.parent_code!r} is outside your scope")
                node = await create_node(
                    parent, spec.kind, spec.name, code=spec.code, address=spec.address,
                    subdistrict_kind=spec.subdistrict_kind, households=spec.households,
                )
                nodes_by_code[spec.code] = node
                created.append(node)
            await audit(ctx, "treeImport", "Node", district.id, district.path, None,
                        {"file": getattr(file, "filename", None), "created": len(created),
                         "codes": [n.code for n in created]})
            return {"created": len(created), "nodes": [tree_node(_row(n)) for n in created[:100]]}

        def import_integrity(exc: IntegrityError) -> Problem:
            # a concurrent request took a name or a code between the check and the write
            if violates(exc, "uq_node_open_sibling_name"):
                return Problem("NAME_TAKEN", ["file"], zh="同一上级下已有同名的下级（并发写入），请重新导入",
                               en="a parent already has a child of that name (written concurrently): import again")
            return Problem("CODE_EXISTS", ["file"], zh="编码已被使用（并发写入），请重新导入",
                           en="a code is already used (written concurrently): import again")

        return await run(ctx, TreeImportPayload, TreeImportError, body, integrity=import_integrity)


async def _area_for(info: Info, gid: str) -> ServiceArea:
    pk = decode(gid, "id", ("ServiceArea",))
    area = await locked(ServiceArea, id=pk)
    if area is None or not info.context.viewer.can_read(area.path):
        raise Denied()
    info.context.viewer.require(Capability.TREE_WRITE, area.path)
    return area


async def _assign_members(container: Node, area: ServiceArea, member_ids, field: str = "memberIds") -> None:
    problems = []
    pks = []
    for i, gid in enumerate(member_ids):
        try:
            pks.append(decode(gid, ["input", field, str(i)], ("Building", "VillageGroup")))
        except Problem as p:
            problems.append(p)
    members = {n.id: n for n in await Node.filter(id__in=pks)}
    for i, pk in enumerate(pks):
        n = members.get(pk)
        if n is None or n.parent_id != container.id or n.kind not in LEAF_KINDS or n.closed_on is not None:
            problems.append(Problem("NOT_IN_CONTAINER", ["input", field, str(i)],
                                    name=n.name if n else str(member_ids[i]), container=container.name))
    if problems:
        raise Problems(problems)
    if pks:
        await Node.filter(id__in=pks).update(service_area_id=area.id)


__all__ = ["TreeQuery", "TreeMutation", "create_node", "node_for", "KIND_BY_TYPE_NAME", "allowed_child_kinds"]
