"""Operations on service areas: a seat's buildings (in a compound) or village groups (in a
rural-chain community or village)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from models.recruitment import BuildingHead
from models.tree import Node, ServiceArea
from policy.access import Capability
from policy.kinds import TermStatus
from policy.tree import LEAF_KINDS, is_area_container
from resolvers.clock import today
from resolvers.errors import Problem, Problems
from resolvers.scope import node_in_scope, obtain
from resolvers.uow import unit_of_work
from resolvers.viewer import Viewer


async def _assign_members(caller: Viewer, container: Node, area: ServiceArea, member_ids: Sequence[int],
                          invalid: Sequence[Problem] = (), labels: Sequence[str] | None = None,
                          field: str = "memberIds") -> None:
    """Make ``member_ids`` (open buildings or village groups of ``container``) the area's members.
    ``invalid``: problems the caller already found with member IDs it could not read (reported with
    these); ``labels``: how the caller named the members (shown for one that does not exist)."""
    problems = list(invalid)
    members = {n.id: n for n in await Node.filter(id__in=list(member_ids))}
    for i, pk in enumerate(member_ids):
        n = members.get(pk)
        if n is None or n.parent_id != container.id or n.kind not in LEAF_KINDS or n.closed_on is not None:
            # a node the caller cannot read is named as the caller named it: out of scope is missing
            readable = n is not None and caller.can_read(n.path)
            shown = n.name if readable else (str(labels[i]) if labels is not None and i < len(labels) else str(pk))
            problems.append(Problem("NOT_IN_CONTAINER", ["input", field, str(i)], name=shown, container=container.name))
    if problems:
        raise Problems(problems)
    if member_ids:
        await Node.filter(id__in=list(member_ids)).update(service_area_id=area.id)


async def create_service_area(
    caller: Viewer, *, container_id: int, name: str, member_ids: Sequence[int],
    invalid_members: Sequence[Problem] = (), member_labels: Sequence[str] | None = None,
) -> ServiceArea:
    """Define a service area in a compound or a rural-chain community/village."""
    async with unit_of_work(caller) as uow:
        container = await node_in_scope(caller, container_id, Capability.TREE_WRITE)
        if not is_area_container(container.kind, container.chain):
            raise Problem("NOT_AN_AREA_CONTAINER", ["input", "containerId"])
        if not name.strip():
            raise Problem("REQUIRED", ["input", "name"], label="名称")
        area = await ServiceArea.create(container_id=container.id, name=name.strip(), path=container.path)
        await _assign_members(caller, container, area, member_ids, invalid_members, member_labels)
        await uow.audit("serviceAreaCreate", "ServiceArea", area.id, area.path, None,
                        {"name": area.name, "members": list(member_labels if member_labels is not None else member_ids)})
    return area


async def _area_in_scope(caller: Viewer, pk: int) -> ServiceArea:
    """The area, locked until the end of the unit of work, within the caller's TREE_WRITE scope."""
    return await obtain(caller, ServiceArea, pk, Capability.TREE_WRITE, for_update=True)


async def update_service_area(
    caller: Viewer, pk: int, *, name: str | None = None, member_ids: Sequence[int] | None = None,
    invalid_members: Sequence[Problem] = (), member_labels: Sequence[str] | None = None,
) -> ServiceArea:
    """Rename a service area and/or replace its members (``None`` leaves them as they are)."""
    async with unit_of_work(caller) as uow:
        area = await _area_in_scope(caller, pk)
        container = await Node.get(id=area.container_id)
        before = {"name": area.name, "members": await Node.filter(service_area_id=area.id).values_list("id", flat=True)}
        if name is not None:
            if not name.strip():
                raise Problem("REQUIRED", ["name"], label="名称")
            area.name = name.strip()
            await area.save(update_fields=["name"])
        if member_ids is not None:
            await Node.filter(service_area_id=area.id).update(service_area_id=None)
            await _assign_members(caller, container, area, member_ids, invalid_members, member_labels)
        after = {"name": area.name, "members": await Node.filter(service_area_id=area.id).values_list("id", flat=True)}
        await uow.audit("serviceAreaUpdate", "ServiceArea", area.id, area.path, before, after)
    return area


async def close_service_area(caller: Viewer, pk: int, closed_on: date | None = None) -> ServiceArea:
    """Close a service area that no building head serves any more; its members leave it."""
    async with unit_of_work(caller) as uow:
        area = await _area_in_scope(caller, pk)
        if area.closed_on is not None:
            raise Problem("ALREADY_CLOSED", ["id"], name=area.name, on=area.closed_on)
        if await BuildingHead.filter(service_area_id=area.id, status=TermStatus.ACTIVE).exists():
            raise Problem("AREA_HAS_HEADS", ["id"])
        area.closed_on = closed_on or today()
        await area.save(update_fields=["closed_on"])
        await Node.filter(service_area_id=area.id).update(service_area_id=None)
        await uow.audit("serviceAreaClose", "ServiceArea", area.id, area.path, None, {"closed_on": area.closed_on})
    return area
