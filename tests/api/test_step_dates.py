"""Step dates are business dates of things that happened: a date after today is refused
(FUTURE_DATE naming the argument), and the steps that used to stamp today take a date too."""
from __future__ import annotations

from datetime import date, timedelta

from models.people import StaffRole
from models.recruitment import Application, ApplicationEvent, BuildingHead, Objection
from models.workstations import StationHeadAppointment, Workstation
from policy.kinds import StaffKind, TermStatus
from policy.recruitment import ApplicationStatus as S
from resolvers.clock import today
from schema.common import to_global_id
from tests.api.test_races import application, area, campaign, person, term
from tests.factory import PASSWORD, build_world, gid


def app_gid(app: Application) -> str:
    return to_global_id("Application", app.id)


async def test_confirmation_dated_two_days_ahead_is_refused(api):
    """The reproducer: applicationConfirm(confirmedOn:) two days ahead skipped the minimum notice."""
    w = await build_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    ahead = today() + timedelta(days=2)
    app = await application(w, S.ON_NOTICE, confirmable_from=ahead, notice_min_last_day=ahead - timedelta(days=1))
    res = await officer.gql("mutation($id: ID!, $d: Date!){ applicationConfirm(id: $id, confirmedOn: $d){ application { status } errors { code field message } } }",
                            {"id": app_gid(app), "d": ahead.isoformat()})
    [e] = res["applicationConfirm"]["errors"]
    assert e["code"] == "FUTURE_DATE" and e["field"] == ["confirmedOn"] and ahead.isoformat() in e["message"]
    assert (await Application.get(id=app.id)).status == S.ON_NOTICE


# mutation, status it needs, its date argument, other arguments
STEPS = [
    ("applicationReview", S.APPLIED, "reviewedOn", ", judgements: []"),
    ("applicationInterview", S.ELIGIBLE, "interviewedOn", ', score: "80"'),
    ("applicationShortlist", S.INTERVIEWED, "shortlistedOn", ""),
    ("applicationNoticePost", S.SHORTLISTED, "postedOn", ""),
    ("applicationConfirm", S.ON_NOTICE, "confirmedOn", ""),
    ("applicationFile", S.CONFIRMED, "filedOn", ', filingReference: "备〔2026〕1号"'),
    ("applicationAgreementSign", S.FILED, "signedOn", ""),
    ("applicationTrainingRecord", S.AGREEMENT_SIGNED, "trainedOn", ""),
    ("applicationPublish", S.TRAINED, "publishedOn", ""),
    ("applicationPoliceOpinionRecord", S.ELIGIBLE, "recordedOn", ', favourable: true, opinion: "无违法记录"'),
    ("applicationWithdraw", S.APPLIED, "withdrawnOn", ', reason: "本人撤回"'),
]


async def test_every_step_date_in_the_future_is_refused(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    for mutation, status, arg, extra in STEPS:
        app = await application(w, status, police_favourable=True, confirmable_from=date(2025, 1, 1))
        res = await admin.gql(f"mutation($id: ID!, $d: Date!){{ {mutation}(id: $id, {arg}: $d{extra}){{ errors {{ code field }} }} }}",
                              {"id": app_gid(app), "d": tomorrow})
        assert res[mutation]["errors"] == [{"code": "FUTURE_DATE", "field": [arg]}], mutation
        assert (await Application.get(id=app.id)).status == status, mutation
    # and the dates of the other recruitment and term steps
    a = await area(w, w.buildings_a[1])
    c = await campaign(w, a)
    p = await person(w)
    on_notice = await application(w, S.ON_NOTICE, notice_posted_on=date(2025, 1, 1), notice_max_last_day=today() + timedelta(days=5))
    t = await term(w, ends_on=date(2030, 2, 28))
    others = [
        ("recruitmentCampaignOpen", "($d: Date!, $c: ID!)", 'input: {communityId: $c, name: "招募", openedOn: $d}',
         {"c": gid(w.community_a)}, ["input", "openedOn"]),
        ("recruitmentCampaignClose", "($d: Date!, $c: ID!)", "id: $c, closedOn: $d",
         {"c": to_global_id("RecruitmentCampaign", c.id)}, ["closedOn"]),
        ("applicationSubmit", "($d: Date!, $c: ID!, $a: ID!, $p: ID!)",
         "input: {campaignId: $c, serviceAreaId: $a, personId: $p, channel: SELF, appliedOn: $d}",
         {"c": to_global_id("RecruitmentCampaign", c.id), "a": to_global_id("ServiceArea", a.id), "p": to_global_id("Person", p.id)},
         ["input", "appliedOn"]),
        ("objectionRaise", "($d: Date!, $c: ID!)", 'applicationId: $c, raisedBy: "住户", text: "异议", raisedOn: $d',
         {"c": app_gid(on_notice)}, ["raisedOn"]),
        ("buildingHeadResign", "($d: Date!, $c: ID!)", "id: $c, requestedOn: $d",
         {"c": to_global_id("BuildingHeadTerm", t.id)}, ["requestedOn"]),
        ("buildingHeadRecord", "($d: Date!, $c: ID!, $a: ID!)", "personId: $c, serviceAreaId: $a, startsOn: $d",
         {"c": to_global_id("Person", p.id), "a": to_global_id("ServiceArea", a.id)}, ["startsOn"]),
    ]
    for mutation, sig, call, variables, field in others:
        res = await admin.gql(f"mutation{sig}{{ {mutation}({call}){{ errors {{ code field }} }} }}", {"d": tomorrow, **variables})
        assert res[mutation]["errors"] == [{"code": "FUTURE_DATE", "field": field}], mutation
    assert await Objection.all().count() == 0 and await BuildingHead.filter(person_id=p.id).count() == 0
    assert (await BuildingHead.get(id=t.id)).resignation_requested_on is None


async def test_end_of_service_dated_after_today_is_refused(api):
    """Ending a term, a staff role or a station head's appointment, and renewing a term, are
    recorded once they have happened: a date after today is FUTURE_DATE naming the argument."""
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    t = await term(w, ends_on=today() + timedelta(days=30))  # in its renewal window
    role = await StaffRole.create(person_id=(await person(w)).id, kind=StaffKind.COMMUNITY_WORKER, node_id=w.community_a.id,
                                  path=w.community_a.path, started_on=date(2024, 1, 1))
    ws = await Workstation.get(compound_id=w.compound_a.id)
    head = await person(w)
    appointment = await StationHeadAppointment.create(
        workstation_id=ws.id, person_id=head.id, path=ws.path, source="COMMUNITY_WORKER", letter_number="1",
        filing_reference="1", appointed_on=date(2024, 1, 1),
        active_person_id=head.id, active_workstation_id=ws.id)
    steps = [
        ("buildingHeadTerminate", "id: $c, reason: UNEXCUSED_ABSENCES, endedOn: $d", to_global_id("BuildingHeadTerm", t.id), "endedOn"),
        ("buildingHeadRenew", 'id: $c, renewedOn: $d, assessmentNote: "届满考核合格"', to_global_id("BuildingHeadTerm", t.id), "renewedOn"),
        ("staffRoleEnd", "id: $c, endedOn: $d", to_global_id("StaffRole", role.id), "endedOn"),
        ("stationHeadEnd", 'id: $c, endedOn: $d, reason: "调任"', to_global_id("StationHeadAppointment", appointment.id), "endedOn"),
    ]
    for mutation, call, target, arg in steps:
        res = await admin.gql(f"mutation($d: Date!, $c: ID!){{ {mutation}({call}){{ errors {{ code field }} }} }}",
                              {"d": tomorrow, "c": target})
        assert res[mutation]["errors"] == [{"code": "FUTURE_DATE", "field": [arg]}], mutation
    t = await BuildingHead.get(id=t.id)
    assert t.status == TermStatus.ACTIVE and t.ended_on is None
    assert await BuildingHead.filter(renewed_from_id=t.id).count() == 0
    assert (await StaffRole.get(id=role.id)).ended_on is None
    assert (await StationHeadAppointment.get(id=appointment.id)).ended_on is None
    # today itself is a date that has come
    res = await admin.gql("mutation($d: Date!, $c: ID!){ buildingHeadTerminate(id: $c, reason: UNEXCUSED_ABSENCES, endedOn: $d){ term { status } errors { code } } }",
                          {"d": today().isoformat(), "c": to_global_id("BuildingHeadTerm", t.id)})
    assert res["buildingHeadTerminate"] == {"term": {"status": "ENDED"}, "errors": []}


async def test_police_opinion_objection_and_withdrawal_take_the_date_of_the_step(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    history = "query($id: ID!){ node(id: $id){ ... on Application { history { step on } } } }"

    eligible = await application(w, S.ELIGIBLE)
    res = await admin.gql('mutation($id: ID!){ applicationPoliceOpinionRecord(id: $id, favourable: true, opinion: "无违法记录", recordedOn: "2025-01-09"){ errors { code } } }',
                          {"id": app_gid(eligible)})
    assert res["applicationPoliceOpinionRecord"]["errors"] == []
    on_notice = await application(w, S.ON_NOTICE, notice_posted_on=date(2025, 1, 24), notice_max_last_day=date(2025, 2, 10))
    o = await Objection.create(application_id=on_notice.id, path=on_notice.path, raised_by="住户", text="异议", raised_on=date(2025, 1, 27))
    early = await admin.gql('mutation($id: ID!){ objectionResolve(id: $id, upheld: false, resolution: "不成立", resolvedOn: "2025-01-26"){ errors { code field } } }',
                            {"id": to_global_id("Objection", o.id)})
    assert early["objectionResolve"]["errors"] == [{"code": "INVALID_DATE_ORDER", "field": ["resolvedOn"]}]
    res = await admin.gql('mutation($id: ID!){ objectionResolve(id: $id, upheld: false, resolution: "不成立", resolvedOn: "2025-01-29"){ errors { code } } }',
                          {"id": to_global_id("Objection", o.id)})
    assert res["objectionResolve"]["errors"] == []
    applied = await application(w, S.APPLIED)
    res = await admin.gql('mutation($id: ID!){ applicationWithdraw(id: $id, reason: "本人撤回", withdrawnOn: "2025-01-07"){ errors { code } } }',
                          {"id": app_gid(applied)})
    assert res["applicationWithdraw"]["errors"] == []
    for app, step, on in ((eligible, "POLICE_OPINION", "2025-01-09"), (on_notice, "OBJECTION_DISMISSED", "2025-01-29"),
                          (applied, "WITHDRAW", "2025-01-07")):
        steps = (await admin.gql(history, {"id": app_gid(app)}))["node"]["history"]
        assert {"step": step, "on": on} in steps, steps
    # without a date, today (Asia/Shanghai)
    other = await application(w, S.APPLIED)
    await admin.gql('mutation($id: ID!){ applicationWithdraw(id: $id, reason: "本人撤回"){ errors { code } } }', {"id": app_gid(other)})
    assert (await ApplicationEvent.get(application_id=other.id, step="WITHDRAW")).on == today()
