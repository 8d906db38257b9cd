"""The demo district loads into an empty database once, and is internally consistent."""
from __future__ import annotations

import math
from collections import Counter
from datetime import date

import pytest

from grassroots import db
from grassroots.demo import DEMO_USERS, load_demo
from resolvers.passwords import verify_password
from models.access import RoleGrant, User
from models.parameters import PolicyParameter
from models.people import Person
from models.recruitment import (
    Application,
    ApplicationEvent,
    BuildingHead,
    CampaignArea,
    HeadChangeFiling,
    NominationSigner,
    Objection,
    RecruitmentCampaign,
)
from models.tree import Node, ServiceArea
from models.workstations import StationHeadAppointment, Workstation, WorkstationCampaign
from policy.calendar import default_calendar
from policy.dates import age_on, term_end
from policy.idnumber import parse_id_number
from policy.kinds import Chain, NodeKind, Role, TermStatus
from policy.notice import notice_window
from policy.parameters import PARAMETERS
from policy.recruitment import (
    STEPS,
    ApplicationStatus,
    Channel,
    ObjectionStatus,
    Organisation,
    check_step,
)
from policy.seats import required_heads


@pytest.fixture
async def demo_db(database):
    url = database[0]
    await db.start(url)
    try:
        assert await load_demo() is True
        yield
    finally:
        await db.stop()


async def test_loads_only_into_an_empty_database(demo_db) -> None:
    nodes = await Node.all().count()
    people = await Person.all().count()
    assert await load_demo() is False
    assert await Node.all().count() == nodes
    assert await Person.all().count() == people


async def test_tree_paths_are_consistent(demo_db) -> None:
    nodes = {n.id: n for n in await Node.all()}
    districts = [n for n in nodes.values() if n.kind == NodeKind.DISTRICT]
    assert [d.name for d in districts] == ["临江新区"]
    district = districts[0]
    assert district.path == f"/{district.id}/" and district.depth == 0 and district.parent_id is None
    for n in nodes.values():
        assert n.district_id == district.id
        if n.parent_id is None:
            assert n.path == f"/{n.id}/"
        else:
            parent = nodes[n.parent_id]
            assert n.path == f"{parent.path}{n.id}/", n.name
            assert n.depth == parent.depth + 1
    taoyuan = next(n for n in nodes.values() if n.name == "桃源社区")
    assert taoyuan.kind == NodeKind.COMMUNITY and taoyuan.chain == Chain.RURAL
    params = await PolicyParameter.filter(node_id=district.id).values_list("key", "path")
    assert {k for k, _ in params} == set(PARAMETERS) and {p for _, p in params} == {district.path}


async def test_every_compound_has_exactly_one_workstation(demo_db) -> None:
    compounds = await Node.filter(kind=NodeKind.COMPOUND)
    assert len(compounds) >= 7
    campaign = await WorkstationCampaign.get()
    for c in compounds:
        stations = await Workstation.filter(compound_id=c.id)
        assert len(stations) == 1, c.name
        assert stations[0].path == c.path and stations[0].campaign_id == campaign.id


async def test_station_heads_head_at_most_one_station(demo_db) -> None:
    active = await StationHeadAppointment.filter(ended_on__isnull=True)
    assert active
    per_person = Counter(a.person_id for a in active)
    assert max(per_person.values()) == 1
    per_station = Counter(a.workstation_id for a in active)
    assert max(per_station.values()) == 1
    stations = {w.id: w for w in await Workstation.all()}
    for a in active:
        assert a.active_person_id == a.person_id and a.active_workstation_id == a.workstation_id
        assert a.path == stations[a.workstation_id].path
    assert len(active) < len(stations)  # one station is still waiting for its head


async def test_some_service_area_has_vacancies(demo_db) -> None:
    areas = await ServiceArea.all()
    containers = {a.container_id for a in areas}
    short = 0
    for area in areas:
        members = await Node.filter(service_area_id=area.id)
        assert members and all(m.parent_id == area.container_id for m in members)
        seats = required_heads(sum(m.households or 0 for m in members), 100)
        active = await BuildingHead.filter(service_area_id=area.id, status=TermStatus.ACTIVE).count()
        assert active <= seats
        short += active < seats
    assert short >= 1
    # a compound without any service area
    assert await Node.filter(kind=NodeKind.COMPOUND).exclude(id__in=list(containers)).exists()
    for term in await BuildingHead.all():
        assert term.ends_on == term_end(term.starts_on, 5, None)
        # every term is from the paper register, except those begun by a published application
        assert term.recorded_from_register == (term.application_id is None)


async def test_id_numbers_match_birth_date_and_gender(demo_db) -> None:
    people = await Person.all()
    assert len(people) > 40
    for p in people:
        parsed = parse_id_number(p.id_number)
        assert parsed.number == p.id_number
        assert parsed.birth_date == p.birth_date, p.name
        assert parsed.gender == p.gender, p.name
        assert p.path == (await Node.get(id=p.home_id)).path


async def test_demo_users_log_in_with_scoped_grants(demo_db) -> None:
    users = {u.username: u for u in await User.all()}
    assert set(users) == {u for u, _, _ in DEMO_USERS}
    for username, role, _ in DEMO_USERS:
        user = users[username]
        assert verify_password("demo-pass-2026", user.password_hash)
        grants = await RoleGrant.filter(user_id=user.id)
        if role == Role.BUILDING_HEAD.value:  # the reach follows the term: no stored grant
            assert not grants and await BuildingHead.filter(person_id=user.person_id, status=TermStatus.ACTIVE).exists()
            continue
        assert grants and all(g.role == Role(role) for g in grants)
        for g in grants:
            assert g.path == (await Node.get(id=g.node_id)).path
    head = await StationHeadAppointment.get(person_id=users["zhanzhang"].person_id, ended_on__isnull=True)
    compound = await Node.get(id=(await Workstation.get(id=head.workstation_id)).compound_id)
    assert compound.name == "翠苑一区"


async def test_a_failure_half_way_leaves_nothing_behind(database, monkeypatch) -> None:
    import grassroots.demo as demo

    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(demo, "create_user", broken)
    await db.start(database[0])
    try:
        with pytest.raises(RuntimeError, match="boom"):
            await load_demo()
        assert await Node.all().count() == 0
        assert await Person.all().count() == 0
        monkeypatch.undo()
        assert await load_demo() is True
    finally:
        await db.stop()


S = ApplicationStatus
ORDER_INDEX = {to: i for i, (_, to) in enumerate(STEPS.values())}  # status → how far along the process


async def test_no_service_area_has_more_active_heads_than_seats(demo_db) -> None:
    for area in await ServiceArea.all():
        households = sum(m.households or 0 for m in await Node.filter(service_area_id=area.id))
        active = await BuildingHead.filter(service_area_id=area.id, status=TermStatus.ACTIVE).count()
        assert active <= math.ceil(households / 100), area.name


async def test_recruitment_campaign_for_the_vacant_areas_of_jiangjing(demo_db) -> None:
    campaign = await RecruitmentCampaign.get(name="2026年江景社区楼栋长补选")
    community = await Node.get(id=campaign.community_id)
    assert (campaign.name, community.name, campaign.opened_on) == ("2026年江景社区楼栋长补选", "江景社区", date(2026, 10, 20))
    assert campaign.path == community.path and campaign.closed_on is None
    assert (await User.get(id=campaign.opened_by_id)).username == "jiangjing"
    area_ids = set(await CampaignArea.filter(campaign_id=campaign.id).values_list("service_area_id", flat=True))
    assert area_ids
    for area in await ServiceArea.filter(id__in=list(area_ids)):
        assert area.path.startswith(community.path)
        # every campaign area had a vacancy when the campaign opened (before any of its terms began)
        households = sum(m.households or 0 for m in await Node.filter(service_area_id=area.id))
        before = await BuildingHead.filter(service_area_id=area.id, status=TermStatus.ACTIVE,
                                           application_id__isnull=True).count()
        assert before < required_heads(households, 100), area.name
    apps = await Application.filter(campaign_id=campaign.id)
    assert {a.status for a in apps} >= {S.PUBLISHED, S.ON_NOTICE, S.INELIGIBLE, S.ELIGIBLE, S.SHORTLISTED}
    for a in apps:
        area = await ServiceArea.get(id=a.service_area_id)
        assert a.service_area_id in area_ids and a.path == area.path


async def test_each_application_status_agrees_with_its_history(demo_db) -> None:
    users = {u.username: u for u in await User.all()}
    apps = await Application.all()
    assert len(apps) >= 5
    for app in apps:
        events = await ApplicationEvent.filter(application_id=app.id).order_by("id")
        assert events[0].step == "APPLY" and events[0].on == app.applied_on, app.id
        assert [e.on for e in events] == sorted(e.on for e in events)
        for e in events:
            assert e.by_label in users and users[e.by_label].id == e.by_user_id
        # replay the history through the state machine
        status = S.APPLIED
        for e in events:
            if e.step == "POLICE_OPINION":
                assert status in (S.ELIGIBLE, S.INTERVIEWED) and e.by_label == app.police_by
            elif e.step in STEPS:
                status = check_step(e.step, status)
                if e.step == "REVIEW" and app.eligibility_failures:
                    status = S.INELIGIBLE
            else:
                assert e.step in ("APPLY", "OBJECTION_RAISED", "OBJECTION_DISMISSED", "OBJECTION_UPHELD")
        assert status == app.status, app.id
        steps = [e.step for e in events if e.step in STEPS]
        if steps:
            last = steps[-1]
            assert STEPS[last][1] == app.status or (last == "REVIEW" and app.status == S.INELIGIBLE)
        else:
            assert app.status == S.APPLIED
        # who did what
        for e in events:
            role = (await RoleGrant.filter(user_id=users[e.by_label].id).first()).role
            expected = {"POLICE_OPINION": Role.COMMUNITY_POLICE, "FILE": Role.SUBDISTRICT_OFFICER}
            assert role == expected.get(e.step, Role.COMMUNITY_STAFF), (e.step, e.by_label)
        if app.status not in (S.APPLIED, S.INELIGIBLE, S.ELIGIBLE):  # interviewed or further
            assert app.interview_score is not None
        if ORDER_INDEX.get(app.status, -1) >= ORDER_INDEX[S.SHORTLISTED]:
            # the officer serving the community: 江景 (police2) or 翠苑 (police)
            assert app.police_favourable is True and app.police_by == ("police2" if "江景" in (
                await RecruitmentCampaign.get(id=app.campaign_id)).name else "police")


async def test_resident_nomination_signed_by_its_building(demo_db) -> None:
    app = await Application.get(channel=Channel.RESIDENT)
    nominee = await Person.get(id=app.person_id)
    signers = await Person.filter(signatures__application_id=app.id)
    assert await NominationSigner.filter(application_id=app.id).count() == len(signers) >= 10
    assert nominee.id not in {s.id for s in signers}
    building = await Node.get(id=nominee.residence_id)
    assert building.kind == NodeKind.BUILDING and building.service_area_id == app.service_area_id
    assert all(s.residence_id == building.id for s in signers)


async def test_application_on_notice_with_an_open_objection(demo_db) -> None:
    app = await Application.get(status=S.ON_NOTICE)
    assert app.channel == Channel.RESIDENT and app.notice_posted_on == date(2026, 11, 20)
    w = notice_window(default_calendar(), app.notice_posted_on, 5, 7)
    assert (app.notice_min_last_day, app.notice_max_last_day, app.confirmable_from) == (
        w.min_last_day, w.max_last_day, w.confirmable_from)
    assert app.confirmed_on is None
    objections = await Objection.filter(application_id=app.id)
    assert [o.status for o in objections] == [ObjectionStatus.OPEN]
    assert w.posted_on <= objections[0].raised_on <= w.max_last_day and objections[0].path == app.path


async def test_ineligible_organisational_nomination_is_over_age(demo_db) -> None:
    app = await Application.get(status=S.INELIGIBLE)
    assert app.channel == Channel.ORGANISATION and app.organisation == Organisation.RESIDENTS_COMMITTEE
    person = await Person.get(id=app.person_id)
    assert age_on(person.birth_date, app.applied_on) == 61
    assert [f["code"] for f in app.eligibility_failures] == ["AGE_OVER_LIMIT"]
    assert all(f["message_zh"] and f["message_en"] for f in app.eligibility_failures)


async def test_eligible_and_shortlisted_applications(demo_db) -> None:
    waiting = await Application.get(status=S.ELIGIBLE)
    assert waiting.eligibility_failures == [] and waiting.judgements
    assert all(j["passed"] and j["by"] == "jiangjing" for j in waiting.judgements.values())
    assert (waiting.police_favourable, waiting.police_opinion, waiting.police_by, waiting.police_at) == (
        None, None, None, None)
    shortlisted = await Application.get(status=S.SHORTLISTED)
    assert shortlisted.police_favourable is True and shortlisted.police_by == "police2"
    assert shortlisted.police_opinion and shortlisted.interview_score is not None
    assert shortlisted.notice_posted_on is None


async def test_published_application_began_a_term(demo_db) -> None:
    jiangjing = await RecruitmentCampaign.get(name="2026年江景社区楼栋长补选")
    app = await Application.get(status=S.PUBLISHED, campaign_id=jiangjing.id)
    assert app.confirmed_on >= app.confirmable_from
    assert not await Objection.filter(application_id=app.id, status=ObjectionStatus.OPEN).exists()
    assert await Objection.filter(application_id=app.id, status=ObjectionStatus.DISMISSED).exists()
    assert app.confirmed_on <= app.filed_on <= app.agreement_signed_on <= app.trained_on <= app.published_on
    assert app.filing_reference
    term = await BuildingHead.get(application_id=app.id)
    assert (term.person_id, term.service_area_id, term.path) == (app.person_id, app.service_area_id, app.path)
    assert term.status == TermStatus.ACTIVE and term.starts_on == app.published_on
    filing = await HeadChangeFiling.get(term_id=term.id)
    assert (filing.change, filing.effective_on, filing.path) == ("START", app.published_on, term.path)


async def test_police_users_serve_their_communities(demo_db) -> None:
    jiangjing = await Node.get(name="江景社区")
    for username, role in (("police2", Role.COMMUNITY_POLICE), ("jiangjing", Role.COMMUNITY_STAFF)):
        user = await User.get(username=username)
        grants = await RoleGrant.filter(user_id=user.id)
        assert [(g.role, g.node_id) for g in grants] == [(role, jiangjing.id)]


async def test_a_year_of_workstation_work(demo_db) -> None:
    """翠苑一区's workstation: weekly meetings of both kinds since it came into use, the monthly
    ones inviting the police, attendance with one live warning, every household visited each
    month its area had a head, requests and work orders, one incident passed over a level."""
    from models.duties import Household, HouseholdVisit, Inspection
    from models.meetings import AbsenceAction, Attendance, Meeting
    from models.requests import Incident, IncidentStep, ResidentRequest
    from policy.meetings import MeetingKind

    compound = await Node.get(name="翠苑一区")
    ws = await Workstation.get(compound_id=compound.id)
    meetings = await Meeting.filter(workstation_id=ws.id)
    weeks = {m.week_of for m in meetings}
    assert len(weeks) >= 44 and len(meetings) == 2 * len(weeks)
    assert all(m.held_on.weekday() == 0 and m.held_on >= ws.in_use_on for m in meetings)
    monthly = [m for m in meetings if m.monthly]
    assert monthly and all(m.kind == MeetingKind.BUILDING_HEADS and m.held_on.day <= 7 and m.police_person_id
                           for m in monthly)
    assert await Attendance.filter(status="UNEXCUSED").count() == 2
    warning = await AbsenceAction.get(kind="WARNING", reversed_at__isnull=True)
    assert warning.absences == 2
    households = await Household.filter(workstation_id=ws.id).count()
    assert households == sum(b.households or 0 for b in await Node.filter(parent_id=compound.id))
    november = await HouseholdVisit.filter(workstation_id=ws.id, visited_on__gte=date(2026, 11, 1)).count()
    assert november == households  # every area has a head by then: every household visited once
    assert await Inspection.filter(workstation_id=ws.id).count() > 200
    assert await ResidentRequest.filter(workstation_id=ws.id, channel="HOTLINE", ticket_number__isnull=False).count() == 12
    incident = await Incident.get(workstation_id=ws.id)
    steps = await IncidentStep.filter(incident_id=incident.id).order_by("reached_at")
    assert steps[0].level == "STATION" and steps[0].passed_over_at and steps[0].acknowledged_at is None
    assert steps[1].level == "COMMUNITY" and steps[1].acknowledged_at is not None


async def test_the_background_work_of_2026(demo_db) -> None:
    """Payrolls approved and paid for past months and a draft for December, the excellence bonus
    paid once in January, an insurance purchase due, an assessment overdue, last year's excellence."""
    from decimal import Decimal

    from models.money import ExcellenceSelection, InsuranceCheck, Payroll, PayrollLine, PerformanceRecord
    from policy.money import AssessmentStatus, InsuranceOutcome, LineKind, PayrollStatus

    subdistricts = await Node.filter(kind=NodeKind.SUBDISTRICT).count()
    statuses = {(p.month, p.status) for p in await Payroll.all()}
    assert {m for m, s in statuses if s == PayrollStatus.PAID} == {date(2026, m, 1) for m in range(1, 11)}
    assert (date(2026, 11, 1), PayrollStatus.APPROVED) in statuses and (date(2026, 12, 1), PayrollStatus.DRAFT) in statuses
    assert await Payroll.all().count() == 12 * subdistricts
    for p in await Payroll.all():  # every total is the sum of its lines
        amounts = await PayrollLine.filter(payroll_id=p.id).values_list("amount", flat=True)
        assert p.total == sum(amounts, Decimal("0"))
    excellent = await ExcellenceSelection.filter(year=2025, status=AssessmentStatus.SIGNED_OFF)
    assert len(excellent) == 2
    bonuses = await PayrollLine.filter(kind=LineKind.EXCELLENCE_BONUS).prefetch_related("payroll")
    assert sorted(b.term_id for b in bonuses) == sorted(e.term_id for e in excellent)
    assert {b.payroll.month for b in bonuses} == {date(2026, 1, 1)}  # the next payroll, once
    outcomes = {c.outcome for c in await InsuranceCheck.all()}
    assert outcomes == {InsuranceOutcome.ELIGIBLE, InsuranceOutcome.ASSESSMENT_OVERDUE}
    assert await PerformanceRecord.filter(month=date(2026, 11, 1)).count() > 0
