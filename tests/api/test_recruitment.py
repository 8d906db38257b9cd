"""Building-head recruitment through the API, from campaign to first day, and end of service."""
from __future__ import annotations

from datetime import timedelta

from grassroots.demo import create_user
from models.people import Person
from models.recruitment import BuildingHead
from policy.idnumber import parse_id_number
from policy.kinds import Role, TermStatus
from schema.common import to_global_id
from tests.factory import PASSWORD, build_world, gid, id_number

APP_FIELDS = "id status nextStep eligibilityFailures { code message } notice { postedOn minLastDay confirmableFrom }"
RESULT = f"application {{ {APP_FIELDS} }} errors {{ code field message missingStep }}"
SUBMIT_RESULT = RESULT + " warnings { code field message }"


async def _resident(w, name: str, seq: str, building, birth: str = "19800101", **kw) -> Person:
    idn = id_number(birth=birth, seq=seq)
    r = parse_id_number(idn)
    return await Person.create(name=name, gender=r.gender, id_number=idn, birth_date=r.birth_date, phone="13800000000",
                               home_id=w.community_a.id, path=w.community_a.path, residence_id=building.id,
                               permanent_resident=True, **kw)


def pid(p: Person) -> str:
    return to_global_id("Person", p.id)


async def _setup(api):
    w = await build_world()
    await create_user("police", "社区民警", PASSWORD, [(Role.COMMUNITY_POLICE, w.community_a)])
    officer = await api.as_user("cuiyuan", PASSWORD)
    area = await officer.gql(
        "mutation($i: ServiceAreaInput!){ serviceAreaCreate(input: $i){ serviceArea { id } errors { code } } }",
        {"i": {"containerId": gid(w.compound_a), "name": "1栋片区", "memberIds": [gid(w.buildings_a[0])]}},
    )
    return w, officer, area["serviceAreaCreate"]["serviceArea"]["id"]


async def _call(client, name: str, args: str, variables: dict, result: str = RESULT) -> dict:
    sig = ", ".join(f"${k}: {t}" for k, t in variables.pop("__types").items())
    call = ", ".join(f"{k}: ${k}" for k in variables)
    data = await client.gql(f"mutation({sig}){{ {name}({call}{args}){{ {result} }} }}", variables)
    return data[name]


async def step(client, name: str, app_id: str, **extra) -> dict:
    types = {"id": "ID!", **{k: t for k, (t, _) in extra.items()}}
    variables = {"id": app_id, **{k: v for k, (_, v) in extra.items()}, "__types": types}
    return await _call(client, name, "", variables)


async def test_the_whole_path_from_campaign_to_first_day(api):
    w, officer, area_id = await _setup(api)
    b1, b2 = w.buildings_a[0], w.buildings_a[1]
    self_nominee = await _resident(w, "王秀英", "111", b1, party_member=True)
    resident_nominee = await _resident(w, "李建国", "121", b1)
    old = await _resident(w, "赵老伯", "131", b1, birth="19640301")  # 60 on the application date below
    signers = [await _resident(w, f"居民{i}", f"2{i:02d}", b1) for i in range(10)]
    outsider = await _resident(w, "外楼居民", "301", b2)

    # before: the compound has 2 seats (120 + 80 households, one named area of 120 and the rest implicit) and no heads
    roll_q = "query($id: ID!){ node(id: $id){ ... on Compound { rollup { requiredBuildingHeads activeBuildingHeads vacancies } } } }"
    before = (await officer.gql(roll_q, {"id": gid(w.compound_a)}))["node"]["rollup"]
    assert before == {"requiredBuildingHeads": 3, "activeBuildingHeads": 0, "vacancies": 3}

    # 1. campaign
    camp = await officer.gql("""mutation($i: RecruitmentCampaignOpenInput!){ recruitmentCampaignOpen(input: $i){
        campaign { id seats { serviceArea { name } rollup { requiredBuildingHeads vacancies } } } errors { code } } }""",
        {"i": {"communityId": gid(w.community_a), "name": "2025年楼栋长招募", "openedOn": "2025-01-02", "noticeText": "招募公告"}})
    campaign = camp["recruitmentCampaignOpen"]["campaign"]
    assert campaign["seats"] == [{"serviceArea": {"name": "1栋片区"}, "rollup": {"requiredBuildingHeads": 2, "vacancies": 2}}]

    submit = f"""mutation($i: ApplicationSubmitInput!){{ applicationSubmit(input: $i){{ {SUBMIT_RESULT} }} }}"""
    base = {"campaignId": campaign["id"], "serviceAreaId": area_id, "appliedOn": "2025-01-06"}
    # 2. three channels; first the resident nomination's failures
    nine = await officer.gql(submit, {"i": {**base, "personId": pid(resident_nominee), "channel": "RESIDENT",
                                            "signerIds": [pid(s) for s in signers[:9]]}})
    assert [e["code"] for e in nine["applicationSubmit"]["errors"]] == ["TOO_FEW_SIGNERS"]
    elsewhere = await officer.gql(submit, {"i": {**base, "personId": pid(resident_nominee), "channel": "RESIDENT",
                                                 "signerIds": [pid(s) for s in signers[:9]] + [pid(outsider)]}})
    # (docs/policy.md §5 as updated: a signature that does not count is a warning naming its position, not the signer)
    assert [e["code"] for e in elsewhere["applicationSubmit"]["errors"]] == ["TOO_FEW_SIGNERS"]
    [warning] = elsewhere["applicationSubmit"]["warnings"]
    assert warning["code"] == "SIGNER_OTHER_BUILDING" and warning["field"] == ["input", "signerIds", "9"]
    assert "外楼居民" not in warning["message"]
    res = await officer.gql(submit, {"i": {**base, "personId": pid(resident_nominee), "channel": "RESIDENT",
                                           "signerIds": [pid(s) for s in signers]}})
    assert res["applicationSubmit"]["errors"] == []
    by_residents = res["applicationSubmit"]["application"]["id"]
    res = await officer.gql(submit, {"i": {**base, "personId": pid(self_nominee), "channel": "SELF"}})
    by_self = res["applicationSubmit"]["application"]["id"]
    no_org = await officer.gql(submit, {"i": {**base, "personId": pid(old), "channel": "ORGANISATION"}})
    assert no_org["applicationSubmit"]["errors"][0]["code"] == "ORGANISATION_REQUIRED"
    res = await officer.gql(submit, {"i": {**base, "personId": pid(old), "channel": "ORGANISATION", "organisation": "RESIDENTS_COMMITTEE"}})
    by_org = res["applicationSubmit"]["application"]["id"]

    # steps out of order are refused, naming the missing step
    early = await step(officer, "applicationInterview", by_self, interviewedOn=("Date!", "2025-01-10"), score=("Decimal!", "90"))
    assert early["errors"][0]["code"] == "STEP_OUT_OF_ORDER" and early["errors"][0]["missingStep"] == "REVIEW"

    # 3. eligibility: the organisational nominee fails on age, with that reason
    review = """mutation($id: ID!){ applicationReview(id: $id, reviewedOn: "2025-01-08", judgements: [
        {item: CONDUCT, passed: true, note: "遵纪守法"}, {item: STANDING, passed: true}]){ %s } }""" % RESULT
    failed = (await officer.gql(review, {"id": by_org}))["applicationReview"]["application"]
    assert failed["status"] == "INELIGIBLE"
    assert [f["code"] for f in failed["eligibilityFailures"]] == ["AGE_OVER_LIMIT"]
    assert "60" in failed["eligibilityFailures"][0]["message"]
    for app_id in (by_self, by_residents):
        ok = (await officer.gql(review, {"id": app_id}))["applicationReview"]
        assert ok["application"]["status"] == "ELIGIBLE", ok

    # 4. interview; shortlisting needs the police officer's opinion first
    for app_id, score in ((by_self, "92"), (by_residents, "85")):
        r = await step(officer, "applicationInterview", app_id, interviewedOn=("Date!", "2025-01-13"), score=("Decimal!", score))
        assert r["errors"] == []
    r = await step(officer, "applicationShortlist", by_self, shortlistedOn=("Date!", "2025-01-15"))
    assert r["errors"][0]["code"] == "POLICE_OPINION_REQUIRED" and r["errors"][0]["missingStep"] == "POLICE_OPINION"
    police = await api.as_user("police", PASSWORD)
    r = await police.gql("mutation($id: ID!){ applicationPoliceOpinionRecord(id: $id, favourable: true, opinion: \"无违法犯罪记录\"){ errors { code } } }",
                         {"id": by_self})
    assert r["applicationPoliceOpinionRecord"]["errors"] == []
    # the officer of the community may not write the police opinion
    body = await officer.raw("mutation($id: ID!){ applicationPoliceOpinionRecord(id: $id, favourable: true, opinion: \"x\"){ errors { code } } }",
                             {"id": by_residents})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    r = await step(officer, "applicationShortlist", by_self, shortlistedOn=("Date!", "2025-01-15"))
    assert r["errors"] == [] and r["application"]["status"] == "SHORTLISTED"

    # seats rank applicants: higher interview score first
    seats = await officer.gql("query($id: ID!){ node(id: $id){ ... on RecruitmentCampaign { seats { applications { id } } } } }",
                              {"id": campaign["id"]})
    assert [a["id"] for a in seats["node"]["seats"][0]["applications"]][:2] == [by_self, by_residents]

    # 5. public notice, posted Friday 24 Jan 2025: 5 working days across the Spring Festival
    r = await step(officer, "applicationNoticePost", by_self, postedOn=("Date!", "2025-01-24"))
    assert r["application"]["notice"] == {"postedOn": "2025-01-24", "minLastDay": "2025-02-06", "confirmableFrom": "2025-02-07"}
    obj = await officer.gql("""mutation($a: ID!){ objectionRaise(applicationId: $a, raisedBy: "3单元住户", text: "对其时间精力有疑虑", raisedOn: "2025-01-27"){
        objection { id status } errors { code } } }""", {"a": by_self})
    objection_id = obj["objectionRaise"]["objection"]["id"]
    # 6. confirmation refused one working day too early, and while the objection is open
    r = await step(officer, "applicationConfirm", by_self, confirmedOn=("Date!", "2025-02-06"))
    assert r["errors"][0]["code"] == "NOTICE_TOO_SHORT" and "2025-02-07" in r["errors"][0]["message"]
    r = await step(officer, "applicationConfirm", by_self, confirmedOn=("Date!", "2025-02-07"))
    assert r["errors"][0]["code"] == "OBJECTION_OPEN"
    res = await officer.gql("mutation($id: ID!){ objectionResolve(id: $id, upheld: false, resolution: \"经走访核实，本人已退休时间充裕\"){ objection { status } errors { code } } }",
                            {"id": objection_id})
    assert res["objectionResolve"]["objection"]["status"] == "DISMISSED"
    r = await step(officer, "applicationConfirm", by_self, confirmedOn=("Date!", "2025-02-07"))
    assert r["errors"] == [] and r["application"]["status"] == "CONFIRMED"
    # then, in order: filing with the subdistrict, agreement, training, publication
    r = await step(officer, "applicationAgreementSign", by_self, signedOn=("Date!", "2025-02-10"))
    assert r["errors"][0]["missingStep"] == "FILE"
    sub = await api.as_user("linhu", PASSWORD)
    r = await step(sub, "applicationFile", by_self, filedOn=("Date!", "2025-02-08"), filingReference=("String!", "临湖街备〔2025〕7号"))
    assert r["errors"] == []
    r = await step(officer, "applicationAgreementSign", by_self, signedOn=("Date!", "2025-02-10"))
    assert r["errors"] == []
    r = await step(officer, "applicationTrainingRecord", by_self, trainedOn=("Date!", "2025-02-15"))
    assert r["errors"] == []
    r = await step(officer, "applicationPublish", by_self, publishedOn=("Date!", "2025-02-20"))
    assert r["errors"] == [] and r["application"]["status"] == "PUBLISHED" and r["application"]["nextStep"] is None

    # the head is active, for five years, and coverage of the compound rose
    term = await officer.gql("query($id: ID!){ node(id: $id){ ... on Application { term { status startsOn endsOn kind person { name } } history { step by } } } }",
                             {"id": by_self})
    t = term["node"]["term"]
    assert t == {"status": "ACTIVE", "startsOn": "2025-02-20", "endsOn": "2030-02-19", "kind": "BUILDING_HEAD", "person": {"name": "王秀英"}}
    steps = [h["step"] for h in term["node"]["history"]]
    assert steps == ["APPLY", "REVIEW", "INTERVIEW", "POLICE_OPINION", "SHORTLIST", "NOTICE", "OBJECTION_RAISED",
                     "OBJECTION_DISMISSED", "CONFIRM", "FILE", "AGREEMENT", "TRAINING", "PUBLISH"]
    assert {h["by"] for h in term["node"]["history"]} == {"cuiyuan", "police", "linhu"}
    after = (await officer.gql(roll_q, {"id": gid(w.compound_a)}))["node"]["rollup"]
    assert after == {"requiredBuildingHeads": 3, "activeBuildingHeads": 1, "vacancies": 2}
    filings = await officer.gql("query($id: ID!){ node(id: $id){ ... on Application { term { filings { change effectiveOn } } } } }", {"id": by_self})
    assert filings["node"]["term"]["filings"] == [{"change": "START", "effectiveOn": "2025-02-20"}]

    # 7. the subdistrict has no community or grid workers for its 2 compounds: the new head may head the station
    from models.workstations import Workstation

    ws = await Workstation.get(compound_id=w.compound_a.id)
    appointed = await sub.gql("""mutation($i: StationHeadAppointInput!){ stationHeadAppoint(input: $i){
        appointment { source person { name } } errors { code } } }""",
        {"i": {"workstationId": to_global_id("Workstation", ws.id), "personId": pid(self_nominee), "source": "BUILDING_HEAD",
               "letterNumber": "临湖街聘〔2025〕3号", "filingReference": "东湖新城备〔2025〕2号", "appointedOn": "2025-03-01"}})
    assert appointed["stationHeadAppoint"] == {"appointment": {"source": "BUILDING_HEAD", "person": {"name": "王秀英"}}, "errors": []}


async def _published_head(api, starts_on: str = "2025-03-01"):
    """A head already serving, recorded from the register (the recruitment path is tested above)."""
    w, officer, area_id = await _setup(api)
    head = await _resident(w, "孙楼长", "411", w.buildings_a[0])
    rec = await officer.gql("mutation($p: ID!, $a: ID!, $s: Date!){ buildingHeadRecord(personId: $p, serviceAreaId: $a, startsOn: $s){ term { id } errors { code } } }",
                            {"p": pid(head), "a": area_id, "s": starts_on})
    return w, officer, area_id, rec["buildingHeadRecord"]["term"]["id"]


async def test_resignation_needs_two_months_and_frees_the_seat(api):
    w, officer, area_id, term_id = await _published_head(api)
    from policy.dates import add_months
    from resolvers.clock import today
    from resolvers.recruitment import end_due_terms

    q = "mutation($id: ID!, $r: Date!, $e: Date){ buildingHeadResign(id: $id, requestedOn: $r, endsOn: $e){ term { status endedOn } errors { code message } } }"
    requested = today()
    earliest = add_months(requested, 2)
    early = await officer.gql(q, {"id": term_id, "r": requested.isoformat(), "e": (earliest - timedelta(days=1)).isoformat()})
    assert early["buildingHeadResign"]["errors"][0]["code"] == "RESIGNATION_TOO_EARLY"
    assert earliest.isoformat() in early["buildingHeadResign"]["errors"][0]["message"]
    ok = await officer.gql(q, {"id": term_id, "r": requested.isoformat(), "e": None})
    assert ok["buildingHeadResign"]["term"] == {"status": "ACTIVE", "endedOn": earliest.isoformat()}  # serves out the notice
    # the daily job ends the term once its end date has come, and only once
    assert await end_due_terms(earliest - timedelta(days=1)) == 0
    assert await end_due_terms(earliest) == 1
    assert await end_due_terms(earliest) == 0
    t = await BuildingHead.get(id=int(__import__("schema.common", fromlist=["x"]).from_global_id(term_id)[1]))
    assert t.status == TermStatus.ENDED and t.end_reason == "RESIGNATION"
    needs = await officer.gql("query($n: ID!){ recruitmentNeeds(nodeId: $n){ serviceArea { name } rollup { vacancies } } }",
                              {"n": gid(w.community_a)})
    assert needs["recruitmentNeeds"] == [{"serviceArea": {"name": "1栋片区"}, "rollup": {"vacancies": 2}}]


async def test_termination_and_renewal(api):
    # the term began in 2021, so its renewal window (its last three months) is already past:
    # renewal and termination are recorded once they have happened, never ahead of today
    w, officer, area_id, term_id = await _published_head(api, "2021-03-01")
    wrong = await officer.gql("mutation($id: ID!){ buildingHeadTerminate(id: $id, reason: RESIGNATION, endedOn: \"2026-05-01\"){ errors { code } } }",
                              {"id": term_id})
    assert wrong["buildingHeadTerminate"]["errors"] == [{"code": "WRONG_REASON"}]
    early = await officer.gql("mutation($id: ID!){ buildingHeadRenew(id: $id, renewedOn: \"2025-05-01\", assessmentNote: \"合格\"){ errors { code } } }",
                              {"id": term_id})
    assert early["buildingHeadRenew"]["errors"] == [{"code": "NOT_AT_TERM_END"}]
    renewed = await officer.gql("mutation($id: ID!){ buildingHeadRenew(id: $id, renewedOn: \"2026-01-15\", assessmentNote: \"届满考核合格\"){ term { id startsOn endsOn status } errors { code } } }",
                                {"id": term_id})
    new = renewed["buildingHeadRenew"]["term"]
    assert new["startsOn"] == "2026-03-01" and new["endsOn"] == "2031-02-28" and new["status"] == "ACTIVE"
    gone = await officer.gql("mutation($id: ID!){ buildingHeadTerminate(id: $id, reason: UNEXCUSED_ABSENCES, endedOn: \"2026-04-01\", note: \"无故缺席三次\"){ term { status endReason } errors { code } } }",
                             {"id": new["id"]})
    assert gone["buildingHeadTerminate"]["term"] == {"status": "ENDED", "endReason": "UNEXCUSED_ABSENCES"}
    again = await officer.gql("mutation($id: ID!){ buildingHeadTerminate(id: $id, reason: UNEXCUSED_ABSENCES, endedOn: \"2026-04-01\"){ errors { code } } }",
                              {"id": new["id"]})
    assert again["buildingHeadTerminate"]["errors"] == [{"code": "TERM_ENDED"}]
    from models.recruitment import HeadChangeFiling

    assert sorted(await HeadChangeFiling.all().values_list("change", flat=True)) == ["END", "RENEWAL"]
