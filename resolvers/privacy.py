"""Loading what policy/privacy.py decides on: the places where people hold roles, set-based
(one query per kind of role for a whole batch of people, never one per person)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from tortoise.expressions import Q, Subquery

from models.people import Person, StaffRole
from models.recruitment import BuildingHead
from models.workstations import StationHeadAppointment
from policy.access import Capability
from policy.kinds import TermStatus
from models.tree import Node
from policy.privacy import PersonAccess, Residence, decided_without_places, person_access
from resolvers.clock import today
from resolvers.viewer import Viewer


def _active_staff() -> Q:
    return Q(ended_on__isnull=True) | Q(ended_on__gte=today())


async def load_places(person_ids: Sequence[int]) -> dict[int, list[str]]:
    """Paths of the places where each person now holds a role: active building-head terms,
    running station-head appointments, running staff roles; and the building they live in
    (a ``Residence``: readable there, no personal data)."""
    ids = list(set(person_ids))
    places: dict[int, list[str]] = defaultdict(list)
    if not ids:
        return places
    for pid, path in await Person.filter(id__in=ids, residence_id__isnull=False).values_list("id", "residence__path"):
        places[pid].append(Residence(path))
    for pid, path in await BuildingHead.filter(person_id__in=ids, status=TermStatus.ACTIVE).values_list("person_id", "path"):
        places[pid].append(path)
    for pid, path in await StationHeadAppointment.filter(active_person_id__in=ids).values_list("person_id", "path"):
        places[pid].append(path)
    for pid, path in await StaffRole.filter(_active_staff(), person_id__in=ids).values_list("person_id", "path"):
        places[pid].append(path)
    return places


def readable_people_q(viewer: Viewer) -> Q:
    """People the caller may read, as one filter: on a register in scope, or holding a role
    at a place in scope (subqueries, so the database does it in one statement)."""
    scope = viewer.scope_q()
    return (
        scope
        | Q(residence_id__in=Subquery(Node.filter(viewer.scope_q(Capability.RESIDENT_READ)).values("id")))
        | Q(id__in=Subquery(BuildingHead.filter(scope, status=TermStatus.ACTIVE).values("person_id")))
        | Q(id__in=Subquery(StationHeadAppointment.filter(scope, active_person_id__isnull=False).values("person_id")))
        | Q(id__in=Subquery(StaffRole.filter(scope, _active_staff()).values("person_id")))
    )


async def access_for(viewer: Viewer, loaders: Any, people: Sequence[Person]) -> list[PersonAccess]:
    """What the caller may see of each person; the places are loaded (batched, through the
    request's loader) only for people whose register does not settle it."""
    quick = [decided_without_places(viewer.grants, p.path) for p in people]
    need = [p.id for p, q in zip(people, quick) if q is None]
    places = dict(zip(need, await loaders.person_places.load_many(need))) if need else {}
    return [q if q is not None else person_access(viewer.grants, p.path, places[p.id]) for p, q in zip(people, quick)]


__all__ = ["load_places", "readable_people_q", "access_for"]
