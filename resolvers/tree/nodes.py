"""Operations on the tree's nodes (docs/policy.md §3): create, update, move, close, switch chains.

Each takes the caller and primary keys (``schema/`` decodes global IDs), runs as one unit of work
and returns the node as saved."""
from __future__ import annotations

from datetime import date

from tortoise.exceptions import IntegrityError

from models.access import ApiKey, RoleGrant
from models.parameters import PolicyParameter
from models.people import Person, StaffRole, district_of
from models.recruitment import BuildingHead
from models.tree import ChainChange, Node, ServiceArea
from models.workstations import StationHeadAppointment, Workstation, WorkstationCampaign, WorkstationPlan
from policy.access import Capability
from policy.kinds import Chain, NodeKind, SubdistrictKind
from policy.tree import CHAIN_NODES, LEAF_KINDS, can_hold, chain_children, default_chain, workstation_name
from resolvers.clock import today
from policy.idnumber import mask_id_number
from resolvers.errors import Problem
from resolvers.locks import locked, violates
from resolvers.rows import NODE_FIELDS, NodeRow, node_row
from resolvers.scope import node_in_scope
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer

KIND_ZH = {
    NodeKind.DISTRICT: "新区", NodeKind.NEW_TOWN: "新城", NodeKind.SUBDISTRICT: "镇街", NodeKind.COMMUNITY: "社区",
    NodeKind.VILLAGE: "行政村", NodeKind.COMPOUND: "小区", NodeKind.VILLAGE_GROUP: "村民小组", NodeKind.BUILDING: "楼栋",
}
# every table that keeps a copy of a node's path for scoping
PATH_MODELS = (
    Node, ServiceArea, Person, StaffRole, Workstation, WorkstationPlan, WorkstationCampaign,
    StationHeadAppointment, BuildingHead, PolicyParameter, RoleGrant, ApiKey,
)


def row_of(node: Node) -> NodeRow:
    """The plain row of a node instance (what the schema wraps)."""
    return node_row({f: getattr(node, f) for f in NODE_FIELDS})


async def create_node(
    parent: Node, kind: NodeKind, name: str, *, code: str | None = None, address: str | None = None,
    subdistrict_kind=None, households: int | None = None, election_cycle_ends_on: date | None = None,
    opened_on: date | None = None,
) -> Node:
    """Insert one node under ``parent`` (rules already checked), with a compound's workstation.
    The building block of ``create_tree_node`` and the import (and of the demo and test worlds)."""
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


def _name_taken(field: list[str], name: str, parent: str) -> Problem:
    return Problem("NAME_TAKEN", field, parent=parent, name=name)


async def _check_sibling_name(parent: Node, name: str, field: list[str], exclude_id: int | None = None) -> None:
    """No two open nodes under one parent share a name (held by uq_node_open_sibling_name).
    The parent's row is locked first, so concurrent requests naming its children queue up."""
    await locked(Node, id=parent.id)
    q = Node.filter(parent_id=parent.id, name=name, closed_on__isnull=True)
    if exclude_id is not None:
        q = q.exclude(id=exclude_id)
    if await q.exists():
        raise _name_taken(field, name, parent.name)


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


def _wrong_parent(field: list[str], child: NodeKind, parent: NodeKind) -> Problem:
    return Problem("WRONG_PARENT_KIND", field, child=KIND_ZH[child], parent=KIND_ZH[parent],
                   child_en=child.value.lower(), parent_en=parent.value.lower())


async def create_tree_node(
    caller: Viewer, *, parent_id: int, kind: NodeKind, name: str, code: str | None = None,
    address: str | None = None, subdistrict_kind: SubdistrictKind | None = None, households: int | None = None,
    election_cycle_ends_on: date | None = None, opened_on: date | None = None,
) -> Node:
    """A new node under a parent that can hold it (a compound gets its workstation)."""
    stripped = name.strip() if name else None
    async with unit_of_work(caller, integrity=_node_integrity(code, stripped, ["input", "name"])) as uow:
        parent = await node_in_scope(caller, parent_id, Capability.TREE_WRITE)
        kind = NodeKind(kind)
        if parent.closed_on is not None:
            raise Problem("ALREADY_CLOSED", ["input", "parentId"], name=parent.name, on=parent.closed_on)
        if not can_hold(parent.kind, parent.chain, kind):
            raise _wrong_parent(["input", "kind"], kind, parent.kind)
        if not stripped:
            raise Problem("REQUIRED", ["input", "name"], label="名称")
        if kind == NodeKind.SUBDISTRICT and subdistrict_kind is None:
            raise Problem("REQUIRED", ["input", "subdistrictKind"], label="镇街类型")
        _check_households(kind, households, "households", required=True)
        await _check_code(parent.district_id, code)
        await _check_sibling_name(parent, stripped, ["input", "name"])
        node = await create_node(
            parent, kind, stripped, code=code, address=address,
            subdistrict_kind=subdistrict_kind if kind == NodeKind.SUBDISTRICT else None,
            households=households, election_cycle_ends_on=election_cycle_ends_on, opened_on=opened_on,
        )
        await uow.audit("treeNodeCreate", "Node", node.id, node.path, None, snapshot(node))
    return node


async def update_tree_node(
    caller: Viewer, pk: int, *, name: str | None = None, code: str | None = None, address: str | None = None,
    households: int | None = None, subdistrict_kind: SubdistrictKind | None = None,
    election_cycle_ends_on: date | None = None,
) -> Node:
    """Change a node's name, code, address, households, subdistrict kind or election-cycle end
    (``None`` leaves a field as it is; an empty code clears it)."""
    stripped = name.strip() if name else None
    async with unit_of_work(caller, integrity=_node_integrity(code, stripped, ["input", "name"])) as uow:
        node = await node_in_scope(caller, pk, Capability.TREE_WRITE)
        before = snapshot(node)
        if name is not None:
            if not stripped:
                raise Problem("REQUIRED", ["input", "name"], label="名称")
            if node.parent_id is not None and stripped != node.name and node.closed_on is None:
                await _check_sibling_name(await Node.get(id=node.parent_id), stripped, ["input", "name"], node.id)
            node.name = stripped
        if code is not None:
            await _check_code(node.district_id, code, node.id)
            node.code = code or None
        if address is not None:
            node.address = address
        if households is not None:
            _check_households(node.kind, households, "households", required=False)
            node.households = households
        if subdistrict_kind is not None and node.kind == NodeKind.SUBDISTRICT:
            node.subdistrict_kind = subdistrict_kind
        if election_cycle_ends_on is not None and node.kind in CHAIN_NODES:
            node.election_cycle_ends_on = election_cycle_ends_on
        await node.save()
        if name is not None and node.kind == NodeKind.COMPOUND:
            await Workstation.filter(compound_id=node.id).update(name=workstation_name(node.name))
        await uow.audit("treeNodeUpdate", "Node", node.id, node.path, before, snapshot(node))
    return node


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


async def move_tree_node(caller: Viewer, pk: int, new_parent_id: int) -> Node:
    """Move a node, with its subtree, under another parent that can hold it."""
    async with unit_of_work(caller, integrity=_node_integrity(None, None, ["newParentId"])) as uow:
        node = await node_in_scope(caller, pk, Capability.TREE_WRITE)
        if node.parent_id is None:
            raise Problem("WRONG_PARENT_KIND", ["newParentId"], child=KIND_ZH[node.kind], parent="-",
                          child_en=node.kind.value, parent_en="-")
        old_parent = await Node.get(id=node.parent_id)
        caller.require(Capability.TREE_WRITE, old_parent.path)
        parent = await node_in_scope(caller, new_parent_id, Capability.TREE_WRITE)
        if parent.path.startswith(node.path):
            raise Problem("MOVE_INTO_SELF", ["newParentId"])
        if not can_hold(parent.kind, parent.chain, node.kind):
            raise _wrong_parent(["newParentId"], node.kind, parent.kind)
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
        await uow.audit("treeNodeMove", "Node", node.id, node.path, before, snapshot(node))
    return node


async def close_tree_node(caller: Viewer, pk: int, closed_on: date | None = None) -> Node:
    """Close a node (history is kept) once its children are closed; ``closed_on`` defaults to today."""
    async with unit_of_work(caller) as uow:
        node = await node_in_scope(caller, pk, Capability.TREE_WRITE)
        node = await locked(Node, id=node.id)  # a concurrent close waits and then finds it closed
        if node.parent_id is not None:
            parent = await Node.get(id=node.parent_id)
            caller.require(Capability.TREE_WRITE, parent.path)
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
        await uow.audit("treeNodeClose", "Node", node.id, node.path, before, snapshot(node))
    return node


async def _close_subtree(node: Node, on: date) -> int:
    """Close a node's open descendants (deepest first); returns how many were closed."""
    return await Node.filter(path__startswith=node.path, closed_on__isnull=True).exclude(id=node.id).update(closed_on=on)


async def change_chain(
    caller: Viewer, pk: int, *, chain: Chain, effective_on: date, reason: str, close_children: bool = False,
) -> Node:
    """Switch a community or village between the urban and rural chains, keeping history
    (``close_children``: close the old chain's children, with their subtrees)."""
    async with unit_of_work(caller) as uow:
        node = await node_in_scope(caller, pk, Capability.TREE_WRITE)
        node = await locked(Node, id=node.id)  # a concurrent switch waits and then finds the new chain
        if node.kind not in CHAIN_NODES:
            raise Problem("NOT_A_CHAIN_NODE", ["input", "id"])
        to_chain = Chain(chain)
        if node.chain == to_chain:
            raise Problem("SAME_CHAIN", ["input", "chain"], chain="城镇模式" if to_chain == Chain.URBAN else "农村模式",
                          chain_en=to_chain.value.lower())
        if not reason.strip():
            raise Problem("REQUIRED", ["input", "reason"], label="原因")
        old_kinds = chain_children(node.chain or default_chain(node.kind))
        old_children = await Node.filter(parent_id=node.id, kind__in=list(old_kinds), closed_on__isnull=True)
        closed = 0
        if old_children and not close_children:
            raise Problem("OLD_CHAIN_CHILDREN", ["input", "closeChildren"], name=node.name, count=len(old_children))
        for child in old_children:
            closed += await _close_subtree(child, effective_on)
            child.closed_on = effective_on
            await child.save(update_fields=["closed_on"])
            closed += 1
        if node.chain == Chain.RURAL:  # its village-level service areas go with the old chain
            await ServiceArea.filter(container_id=node.id, closed_on__isnull=True).update(closed_on=effective_on)
        before = snapshot(node)
        await ChainChange.create(
            node_id=node.id, from_chain=node.chain, to_chain=to_chain, effective_on=effective_on,
            reason=reason.strip(), closed_children=closed, changed_by_id=caller.user_id,
        )
        node.chain = to_chain
        await node.save(update_fields=["chain"])
        await uow.audit("treeNodeChainChange", "Node", node.id, node.path, before, snapshot(node))
    return node
