"""Who may confer what: nobody grants a role or issues a key carrying a capability they lack
at that node; entries about users are filed where an administrator finds them."""
from __future__ import annotations

import pytest

from policy.access import (
    ROLE_CAPABILITIES, SYSTEM_CAPABILITIES, Capability as C, Grant, can, can_grant, can_issue_key, fold_paths,
    missing_capabilities, user_audit_paths,
)
from policy.kinds import PARTNER_ROLES, Role

DISTRICT, TOWN, STREET, COMMUNITY = "/1/", "/1/2/", "/1/2/3/", "/1/2/3/4/"
OTHER_DISTRICT = "/9/"

admin = (Grant(Role.ADMIN, 1, DISTRICT),)
office = (Grant(Role.DISTRICT_OFFICE, 1, DISTRICT),)
office_and_officer = office + (Grant(Role.SUBDISTRICT_OFFICER, 3, STREET),)
community_admin = (Grant(Role.ADMIN, 4, COMMUNITY),)


def test_the_district_office_issues_no_insurer_key_it_lacks_personal_data_for():
    assert missing_capabilities(office, Role.INSURER, DISTRICT) == {C.PERSON_PII}
    assert not can_issue_key(office, Role.INSURER, DISTRICT)
    assert not can_issue_key(office, Role.INSURER, COMMUNITY)
    assert can_issue_key(office, Role.HOTLINE, DISTRICT) and can_issue_key(office, Role.FINANCE, COMMUNITY)


def test_capabilities_held_lower_down_count_only_there():
    # the same office, also subdistrict officer of one street, has personal data in that street only
    assert can_issue_key(office_and_officer, Role.INSURER, STREET)
    assert can_issue_key(office_and_officer, Role.INSURER, COMMUNITY)
    assert not can_issue_key(office_and_officer, Role.INSURER, TOWN)


@pytest.mark.parametrize("role", sorted(PARTNER_ROLES, key=lambda r: r.value))
def test_an_administrator_issues_every_partner_key_in_scope_only(role):
    assert can_issue_key(admin, role, COMMUNITY)
    assert not can_issue_key(admin, role, OTHER_DISTRICT)
    assert not can_issue_key(community_admin, role, DISTRICT)


def test_keys_need_the_key_administrators_capability():
    officer = (Grant(Role.SUBDISTRICT_OFFICER, 3, STREET),)
    assert not missing_capabilities(officer, Role.HOTLINE, STREET)
    assert not can_issue_key(officer, Role.HOTLINE, STREET)


@pytest.mark.parametrize("role", list(Role))
def test_an_administrator_grants_any_role_within_scope_and_none_outside(role):
    assert can_grant(admin, role, COMMUNITY)
    assert not can_grant(admin, role, OTHER_DISTRICT)
    assert not can_grant(community_admin, role, STREET)


def test_granting_needs_user_administration_and_every_capability_of_the_role():
    # a role with USER_ADMIN but not every capability of the role granted (a narrower admin)
    narrow = (Grant(Role.ADMIN, 4, COMMUNITY),)
    assert can_grant(narrow, Role.INSURER, COMMUNITY)
    # holding what the role carries is not enough without USER_ADMIN
    assert not can_grant((Grant(Role.SUBDISTRICT_OFFICER, 3, STREET),), Role.COMMUNITY_STAFF, COMMUNITY)
    assert not can_grant(office, Role.HOTLINE, DISTRICT)


def test_no_role_carries_the_system_administrators_capabilities():
    assert SYSTEM_CAPABILITIES == {C.CALENDAR_WRITE}
    for role, caps in ROLE_CAPABILITIES.items():
        assert not caps & SYSTEM_CAPABILITIES, role
    assert not can(admin, C.CALENDAR_WRITE, DISTRICT)


def test_fold_paths_keeps_the_outermost():
    assert fold_paths([COMMUNITY, STREET, OTHER_DISTRICT, STREET]) == [OTHER_DISTRICT, STREET]
    assert fold_paths([]) == []


def test_user_entries_are_filed_under_the_users_scopes_else_the_administrators():
    assert user_audit_paths([COMMUNITY, "/1/2/3/5/"], [DISTRICT]) == [COMMUNITY, "/1/2/3/5/"]
    assert user_audit_paths([COMMUNITY, STREET], [DISTRICT]) == [STREET]
    assert user_audit_paths([], [DISTRICT, OTHER_DISTRICT]) == [DISTRICT, OTHER_DISTRICT]
    assert user_audit_paths(["/"], [TOWN]) == [TOWN]
    assert "/" not in user_audit_paths([], [])
