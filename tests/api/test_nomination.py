"""Resident nominations and personCreate leak nothing about people outside the caller's scope;
signatures that do not count are warnings (docs/policy.md §5 as updated)."""
from __future__ import annotations

from datetime import date

from models.people import Person
from models.recruitment import CampaignArea, NominationSigner, RecruitmentCampaign
from models.tree import Node, ServiceArea
from policy.idnumber import mask_id_number, parse_id_number
from schema.common import from_global_id, to_global_id
from tests.factory import PASSWORD, build_world, gid, id_number

SUBMIT = """mutation($i: ApplicationSubmitInput!){ applicationSubmit(input: $i){
  application { id status } errors { code field message } warnings { code field message } } }"""
PERSON_CREATE = """mutation($i: PersonCreateInput!){ personCreate(input: $i){ person { id } errors { code field message } } }"""


async def resident(home: Node, building: Node, name: str, seq: str) -> Person:
    idn = id_number(birth="19800101", seq=seq)
    r = parse_id_number(idn)
    return await Person.create(name=name, gender=r.gender, id_number=idn, birth_date=r.birth_date, home_id=home.id,
                               path=home.path, residence_id=building.id, permanent_resident=True)


async def _nomination_world():
    w = await build_world()
    b1 = w.buildings_a[0]
    a = await ServiceArea.create(container_id=w.compound_a.id, name="1栋片区", path=w.compound_a.path)
    await Node.filter(id=b1.id).update(service_area_id=a.id)
    c = await RecruitmentCampaign.create(community_id=w.community_a.id, path=w.community_a.path, name="补选", opened_on=date(2025, 1, 2))
    await CampaignArea.create(campaign_id=c.id, service_area_id=a.id)
    signers = [await resident(w.community_a, b1, f"居民{i}", f"2{i:02d}") for i in range(10)]
    # 任国庆 lives in 锦华社区 (building_b): outside 翠苑社区's scope
    stranger = await resident(w.community_b, w.building_b, "任国庆", "315")
    base = {"campaignId": to_global_id("RecruitmentCampaign", c.id), "serviceAreaId": to_global_id("ServiceArea", a.id),
            "channel": "RESIDENT", "appliedOn": "2025-01-06"}
    return w, b1, base, signers, stranger


async def test_ten_valid_signatures_and_a_repeat_are_accepted_with_a_warning(api):
    w, b1, base, signers, _ = await _nomination_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    nominee = await resident(w.community_a, b1, "李建国", "121")
    ids = [to_global_id("Person", s.id) for s in signers]
    res = (await officer.gql(SUBMIT, {"i": {**base, "personId": to_global_id("Person", nominee.id),
                                             "signerIds": ids + [ids[3]]}}))["applicationSubmit"]
    assert res["errors"] == [] and res["application"]["status"] == "APPLIED"
    [warning] = res["warnings"]
    assert warning["code"] == "SIGNER_DUPLICATE" and warning["field"] == ["input", "signerIds", "10"]
    app_id = int(from_global_id(res["application"]["id"])[1])
    assert await NominationSigner.filter(application_id=app_id).count() == 10  # the repeat is stored once


async def test_a_signer_outside_scope_is_the_same_as_a_missing_one(api):
    w, b1, base, signers, stranger = await _nomination_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    nominee = await resident(w.community_a, b1, "李建国", "121")
    nine = [to_global_id("Person", s.id) for s in signers[:9]]
    answers = []
    for extra in (to_global_id("Person", stranger.id), to_global_id("Person", 987654)):
        for lang in (None, "en"):
            body = await officer.raw(SUBMIT, {"i": {**base, "personId": to_global_id("Person", nominee.id),
                                                    "signerIds": nine + [extra]}}, lang=lang)
            assert "任国庆" not in str(body) and str(w.building_b.id) not in str(body["data"]["applicationSubmit"]["warnings"])
            answers.append(body["data"]["applicationSubmit"])
    out_of_scope_zh, out_of_scope_en, missing_zh, missing_en = answers
    assert out_of_scope_zh == missing_zh and out_of_scope_en == missing_en
    assert [e["code"] for e in out_of_scope_zh["errors"]] == ["TOO_FEW_SIGNERS"]
    assert out_of_scope_zh["warnings"] == [{"code": "SIGNER_UNKNOWN", "field": ["input", "signerIds", "9"],
                                            "message": out_of_scope_zh["warnings"][0]["message"]}]
    assert "第10个" in out_of_scope_zh["warnings"][0]["message"]
    # the nominee signing, and a resident of another building in scope, are warnings too
    other = await resident(w.community_a, w.buildings_a[1], "外楼居民", "331")
    ids = [to_global_id("Person", s.id) for s in signers]
    res = (await officer.gql(SUBMIT, {"i": {**base, "personId": to_global_id("Person", nominee.id),
                                             "signerIds": [to_global_id("Person", nominee.id), to_global_id("Person", other.id), *ids]}}))["applicationSubmit"]
    assert res["errors"] == []
    assert [(x["code"], x["field"][-1]) for x in res["warnings"]] == [("SIGNER_IS_NOMINEE", "0"), ("SIGNER_OTHER_BUILDING", "1")]
    assert "外楼居民" not in str(res)


async def test_person_create_does_not_tell_where_an_id_number_is_registered(api):
    w = await build_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    elsewhere = await resident(w.community_b, w.building_b, "任国庆", "315")  # 锦华社区: not cuiyuan's
    here = await resident(w.community_a, w.buildings_a[0], "王芳", "316")
    answers = {}
    for who in (elsewhere, here):
        res = await officer.gql(PERSON_CREATE, {"i": {"homeId": gid(w.community_a), "name": "新登记", "idNumber": who.id_number}})
        [e] = res["personCreate"]["errors"]
        assert e["code"] == "ID_NUMBER_TAKEN" and e["field"] == ["input", "idNumber"]
        assert who.name not in e["message"] and "锦华" not in e["message"] and "翠苑" not in e["message"]
        answers[who.name] = e["message"].replace(mask_id_number(who.id_number), "<number>")
    assert answers["任国庆"] == answers["王芳"]
