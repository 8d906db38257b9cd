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
    PERSON_CONTACT = "PERSON_CONTACT"  # phone numbers of the people holding roles there (not ID numbers)
    MEETING_WRITE = "MEETING_WRITE"  # meetings, attendance, concerns
    DUTY_RECORD = "DUTY_RECORD"  # inspections, household visits, help given, requests, incident reports
    HOUSEHOLD_WRITE = "HOUSEHOLD_WRITE"  # household records: created, imported, closed; the vulnerable register
    REQUEST_HANDLE = "REQUEST_HANDLE"  # resolve requests and work orders, mediate disputes
    INCIDENT_ACK = "INCIDENT_ACK"  # acknowledge an incident at one's level
    WORK_ORDER_INTAKE = "WORK_ORDER_INTAKE"  # the 12345 hotline sends its work orders in
    RESIDENT_READ = "RESIDENT_READ"  # the people living in those buildings (a building head's area), masked
    ASSESSMENT_CONFIRM = "ASSESSMENT_CONFIRM"  # performance notes, freezing a month, probation, confirming grades and excellence
    ASSESSMENT_SIGN_POLICE = "ASSESSMENT_SIGN_POLICE"  # the community police officer signs annual assessments and excellence
    ASSESSMENT_SIGN_UNITS = "ASSESSMENT_SIGN_UNITS"  # the units (the subdistrict's competent section) sign annual assessments
    JOB_RUN = "JOB_RUN"  # start a scheduled job's run for a period by hand; read the runs (system-wide jobs)
    INSURANCE_RECORD = "INSURANCE_RECORD"  # record the accident insurance bought for an eligible head
    PAYROLL_EXPORT = "PAYROLL_EXPORT"  # download a payroll as XLSX/CSV (the finance office, the offices)
    PAYROLL_APPROVE = "PAYROLL_APPROVE"  # the subdistrict computes, approves and pays payrolls; top-ups, adjustments


C = Capability
# Held by no role: the system administrator's (a user flag set by the operator, not a grant at a
# node), because what they govern is shared by every district (the working-day calendar).
SYSTEM_CAPABILITIES = frozenset({C.CALENDAR_WRITE})
_ALL = frozenset(Capability) - SYSTEM_CAPABILITIES
ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMIN: _ALL,
    Role.DISTRICT_OFFICE: frozenset(
        {C.READ, C.TREE_WRITE, C.CAMPAIGN_WRITE, C.PLAN_FILE, C.PARAMETER_WRITE, C.API_KEY_ADMIN, C.AUDIT_READ,
         C.INCIDENT_ACK, C.WORK_ORDER_INTAKE,
         C.PAYROLL_EXPORT}
    ),
    Role.NEW_TOWN_OFFICE: frozenset({C.READ, C.TREE_WRITE, C.CAMPAIGN_WRITE, C.PLAN_FILE, C.AUDIT_READ, C.INCIDENT_ACK,
                                     C.PAYROLL_EXPORT}),
    Role.SUBDISTRICT_OFFICER: frozenset(
        {
            C.READ, C.TREE_WRITE, C.PERSON_WRITE, C.PERSON_PII, C.WORKSTATION_WRITE, C.CAMPAIGN_WRITE,
            C.PLAN_APPROVE, C.STATION_HEAD_APPOINT, C.BUILDING_HEAD_RECORD, C.PARAMETER_WRITE,
            C.RECRUITMENT, C.HEAD_FILING, C.PERSON_CONTACT, C.MEETING_WRITE, C.DUTY_RECORD, C.HOUSEHOLD_WRITE,
            C.REQUEST_HANDLE, C.INCIDENT_ACK, C.WORK_ORDER_INTAKE,
            C.ASSESSMENT_CONFIRM, C.ASSESSMENT_SIGN_UNITS,
            C.JOB_RUN,
            C.PAYROLL_EXPORT,
            C.PAYROLL_APPROVE,
        }
    ),
    Role.COMMUNITY_STAFF: frozenset(
        {C.READ, C.TREE_WRITE, C.PERSON_WRITE, C.PERSON_PII, C.WORKSTATION_WRITE, C.BUILDING_HEAD_RECORD, C.RECRUITMENT,
         C.PERSON_CONTACT, C.MEETING_WRITE, C.DUTY_RECORD, C.HOUSEHOLD_WRITE, C.REQUEST_HANDLE, C.INCIDENT_ACK,
         C.WORK_ORDER_INTAKE,
         C.ASSESSMENT_CONFIRM, C.INSURANCE_RECORD}
    ),
    # a station head works their compound: meetings, attendance, requests, the first level of
    # an incident; sees their building heads' phones but no ID numbers
    Role.STATION_HEAD: frozenset(
        {C.READ, C.WORKSTATION_WRITE, C.PERSON_CONTACT, C.MEETING_WRITE, C.DUTY_RECORD, C.REQUEST_HANDLE, C.INCIDENT_ACK}
    ),
    # a building head works the buildings of their service area (the grant follows the term)
    Role.BUILDING_HEAD: frozenset({C.READ, C.DUTY_RECORD, C.REQUEST_HANDLE, C.RESIDENT_READ}),
    Role.COMMUNITY_POLICE: frozenset({C.READ, C.PERSON_PII, C.POLICE_OPINION,
                                      C.ASSESSMENT_SIGN_POLICE}),
    Role.HOTLINE: frozenset({C.READ, C.WORK_ORDER_INTAKE}),
    Role.FINANCE: frozenset({C.READ, C.PAYROLL_EXPORT}),
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


def missing_capabilities(grants: Iterable[Grant], role: Role, path: str) -> frozenset[Capability]:
    """The capabilities ``role`` would carry at ``path`` that the holder of ``grants`` lacks there.
    Nobody confers (grants a role, issues a key) more than they hold themselves at that node."""
    grants = tuple(grants)
    return frozenset(c for c in ROLE_CAPABILITIES[role] if not can(grants, c, path))


def can_grant(grants: Iterable[Grant], role: Role, path: str) -> bool:
    """Only an administrator grants roles, within the subtree of their own grant, and only
    roles that carry nothing the administrator does not hold there."""
    grants = tuple(grants)
    return can(grants, Capability.USER_ADMIN, path) and not missing_capabilities(grants, role, path)


def can_issue_key(grants: Iterable[Grant], role: Role, path: str) -> bool:
    """A partner key is issued by a key administrator at the node, and carries nothing the
    issuer does not hold there (the district office issues no INSURER key: it lacks PERSON_PII)."""
    grants = tuple(grants)
    return can(grants, Capability.API_KEY_ADMIN, path) and not missing_capabilities(grants, role, path)


def fold_paths(paths: Iterable[str]) -> list[str]:
    """The minimal set of subtree roots covering ``paths`` (a path inside another is dropped)."""
    kept: list[str] = []
    for p in sorted(set(paths), key=lambda p: (len(p), p)):
        if not any(covers(k, p) for k in kept):
            kept.append(p)
    return kept


def user_audit_paths(user_grant_paths: Iterable[str], actor_admin_paths: Iterable[str]) -> list[str]:
    """Where an entry about a user (created, deactivated) is filed so that administrators find it:
    under every scope the user holds (or held) a role in; a user with no role under the acting
    administrator's own scope. Never "/" (that is nobody's scope)."""
    paths = fold_paths(p for p in user_grant_paths if p and p != "/")
    if not paths:
        paths = fold_paths(p for p in actor_admin_paths if p and p != "/")
    return paths


#: partner roles that see payees' names in the payroll exports without PERSON_PII: the finance
#: office pays the people on the payroll and needs their names to do it (docs/policy.md §13)
PAYEE_NAME_ROLES = frozenset({Role.FINANCE})


def payee_names_visible(grants: Iterable[Grant], path: str) -> bool:
    """Whether the payees' names of a payroll line at ``path`` are shown to the holder of
    ``grants`` (PERSON_PII there, or a finance-office key covering it); otherwise masked."""
    grants = tuple(grants)
    return can(grants, Capability.PERSON_PII, path) or any(
        g.role in PAYEE_NAME_ROLES and covers(g.path, path) for g in grants)
