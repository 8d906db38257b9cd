"""Who may do what, where (docs/policy.md §13). Pure: grants in, decisions out.

A grant is a role held at a tree node; it reaches the node's whole subtree.
Node paths are materialised ("/1/4/9/"), so "node X is in the scope of grant G"
is "X's path starts with G's path".
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from policy.kinds import Role


class Capability(str, Enum):
    READ = "READ"
    TREE_WRITE = "TREE_WRITE"  # create, update, move, close nodes; bulk import; service areas
    PERSON_WRITE = "PERSON_WRITE"
    PERSON_PII = "PERSON_PII"  # see ID numbers, phones, addresses unmasked
    WORKSTATION_WRITE = "WORKSTATION_WRITE"  # set-up dates, four-haves checklist, plan drafts
    CAMPAIGN_WRITE = "CAMPAIGN_WRITE"
    PLAN_APPROVE = "PLAN_APPROVE"  # the subdistrict approves a community's plan
    PLAN_FILE = "PLAN_FILE"  # the new-town office records it
    STATION_HEAD_APPOINT = "STATION_HEAD_APPOINT"
    BUILDING_HEAD_RECORD = "BUILDING_HEAD_RECORD"
    PARAMETER_WRITE = "PARAMETER_WRITE"
    USER_ADMIN = "USER_ADMIN"
    API_KEY_ADMIN = "API_KEY_ADMIN"
    AUDIT_READ = "AUDIT_READ"
    CALENDAR_WRITE = "CALENDAR_WRITE"
    RECRUITMENT = "RECRUITMENT"  # run campaigns, review, interview, notice, agreements, end of service
    POLICE_OPINION = "POLICE_OPINION"  # the community police officer's opinion on an applicant
    HEAD_FILING = "HEAD_FILING"  # the subdistrict's competent section records changes of heads


C = Capability
_ALL = frozenset(Capability)
ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMIN: _ALL,
    Role.DISTRICT_OFFICE: frozenset(
        {C.READ, C.TREE_WRITE, C.CAMPAIGN_WRITE, C.PLAN_FILE, C.PARAMETER_WRITE, C.API_KEY_ADMIN, C.AUDIT_READ}
    ),
    Role.NEW_TOWN_OFFICE: frozenset({C.READ, C.TREE_WRITE, C.CAMPAIGN_WRITE, C.PLAN_FILE, C.AUDIT_READ}),
    Role.SUBDISTRICT_OFFICER: frozenset(
        {
            C.READ, C.TREE_WRITE, C.PERSON_WRITE, C.PERSON_PII, C.WORKSTATION_WRITE, C.CAMPAIGN_WRITE,
            C.PLAN_APPROVE, C.STATION_HEAD_APPOINT, C.BUILDING_HEAD_RECORD, C.PARAMETER_WRITE,
            C.RECRUITMENT, C.HEAD_FILING,
        }
    ),
    Role.COMMUNITY_STAFF: frozenset(
        {C.READ, C.TREE_WRITE, C.PERSON_WRITE, C.PERSON_PII, C.WORKSTATION_WRITE, C.BUILDING_HEAD_RECORD, C.RECRUITMENT}
    ),
    Role.STATION_HEAD: frozenset({C.READ, C.WORKSTATION_WRITE}),
    Role.BUILDING_HEAD: frozenset({C.READ}),
    Role.COMMUNITY_POLICE: frozenset({C.READ, C.PERSON_PII, C.POLICE_OPINION}),
    Role.HOTLINE: frozenset({C.READ}),
    Role.FINANCE: frozenset({C.READ}),
    Role.INSURER: frozenset({C.READ, C.PERSON_PII}),
}


@dataclass(frozen=True)
class Grant:
    role: Role
    node_id: int
    path: str


def covers(scope_path: str, path: str) -> bool:
    return path.startswith(scope_path)


def scope_paths(grants: Iterable[Grant], capability: Capability) -> list[str]:
    """The minimal set of subtree roots where ``capability`` holds (nested roots folded)."""
    paths = sorted({g.path for g in grants if capability in ROLE_CAPABILITIES[g.role]}, key=len)
    kept: list[str] = []
    for p in paths:
        if not any(covers(k, p) for k in kept):
            kept.append(p)
    return kept


def can(grants: Iterable[Grant], capability: Capability, path: str) -> bool:
    return any(covers(p, path) for p in scope_paths(grants, capability))


def can_grant(grants: Iterable[Grant], role: Role, path: str) -> bool:
    """Only an administrator grants roles, within the subtree of their own grant."""
    return can(grants, Capability.USER_ADMIN, path)
