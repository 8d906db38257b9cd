"""The access and calendar operations called directly, without HTTP or GraphQL: a caller and plain
arguments in, models or dataclasses out, problems and denials as plain exceptions."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from models.audit import AuditEntry
from policy.kinds import Role
from resolvers import access, calendar
from resolvers.clock import SHANGHAI
from resolvers.errors import Denied, Problem, Problems
from resolvers.viewer import SYSTEM, viewer_from_token
from tests.factory import PASSWORD, build_world


@pytest.fixture
async def world(database):
    from grassroots import db

    await db.start(database[0])
    try:
        yield await build_world()
    finally:
        await db.stop()


async def _as(username: str):
    session = await access.create_session(SYSTEM, username=username, password=PASSWORD, address="test")
    return session.viewer


async def test_a_session_is_created_and_refused_without_http(world):
    session = await access.create_session(SYSTEM, username="cuiyuan", password=PASSWORD, address="test",
                                          token_ttl_hours=2)
    assert (await viewer_from_token(session.token)).label == "cuiyuan" == session.viewer.label
    assert 7100 < (session.expires_at - datetime.now(SHANGHAI)).total_seconds() <= 7200
    entry = await AuditEntry.filter(action="sessionCreate").order_by("-id").first()
    assert entry.actor_label == "cuiyuan"  # recorded for the user who logged in
    with pytest.raises(Problem) as wrong:
        await access.create_session(SYSTEM, username="cuiyuan", password="wrong-password", address="test")
    assert wrong.value.code == "BAD_CREDENTIALS" and wrong.value.field == ["password"]


async def test_user_administration_rules_hold_for_every_caller(world):
    admin = await _as("admin")
    created = await access.create_user(admin, username="zhang", display_name="张", password=PASSWORD,
                                       grants=[(Role.COMMUNITY_STAFF, world.community_a.id)])
    assert created.user.username == "zhang" and [g.role for g in created.grants] == [Role.COMMUNITY_STAFF]
    with pytest.raises(Problem) as weak:
        await access.create_user(admin, username="li", display_name="李", password="short", grants=[])
    assert weak.value.code == "WEAK_PASSWORD" and weak.value.params == {"min": access.MIN_PASSWORD}
    # whoever does not administer every node the user holds a role at may not touch the user
    with pytest.raises(Denied):
        await access.deactivate_user(await _as("cuiyuan"), created.user.id)
    assert not (await access.deactivate_user(admin, created.user.id)).user.is_active


async def test_audit_entries_are_masked_per_reader(world):
    office, admin = await _as("district"), await _as("admin")
    assert [e.action for e in await access.audit_entries(office, action="sessionCreate")] == ["sessionCreate"] * 2
    with pytest.raises(Denied) as refused:
        access.require_audit_reader(await _as("cuiyuan"))
    assert refused.value.reason == "AUDIT_READ_NEEDED"
    await AuditEntry.create(actor_label="cuiyuan", action="applicationReview", object_type="Application", object_id=1,
                            path=world.compound_a.path, before=None, after={"status": "REVIEWED", "judgements": "ok"})
    [entry] = await access.audit_entries(office, object_type="Application")
    [seen_by_office] = await access.shown_audit_entries(office, [entry])
    [seen_by_admin] = await access.shown_audit_entries(admin, [entry])
    assert seen_by_office.after == {"status": "REVIEWED", "judgements": None}  # not the office's to see
    assert seen_by_admin.after == {"status": "REVIEWED", "judgements": "ok"}


async def test_the_calendar_operations_work_for_the_system_caller(world):
    with pytest.raises(Problems) as bad:
        await calendar.set_working_day_year(SYSTEM, year=2029, holidays=[date(2030, 1, 1)], makeup_workdays=[])
    [problem] = bad.value.problems
    assert problem.code == "DATE_OUTSIDE_YEAR" and problem.field == ["input", "holidays", "0"]
    known = await calendar.set_working_day_year(SYSTEM, year=2029, holidays=[date(2029, 1, 1)],
                                                makeup_workdays=[date(2029, 2, 24)], note="x")
    assert known.row is not None and known.arrangement.year == 2029
    entry = await AuditEntry.filter(action="workingDayYearSet").first()
    assert entry.actor_label == "system"
    window = await calendar.notice_window(SYSTEM, posted_on=date(2025, 1, 24))
    assert window.confirmable_from == date(2025, 2, 7)
    with pytest.raises(Problem) as unknown:
        await calendar.notice_window(SYSTEM, posted_on=date(2031, 3, 3))
    assert unknown.value.code == "UNKNOWN_YEAR" and unknown.value.params == {"year": 2031}
