"""People: the resident ID number is validated by its check digit; birth date and gender come from it."""
from __future__ import annotations

from models.people import Person
from tests.factory import PASSWORD, build_world, gid, id_number

CREATE = """mutation($i: PersonCreateInput!){ personCreate(input: $i){
  person { name gender birthDate idNumber residence { name } } errors { code field message } } }"""


async def test_invalid_id_number_is_refused_with_a_clear_error(api):
    w = await build_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    good = id_number(birth="19750615", seq="122")
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    res = await officer.gql(CREATE, {"i": {"homeId": gid(w.community_a), "name": "李四", "idNumber": wrong_check}})
    assert res["personCreate"]["person"] is None
    [err] = res["personCreate"]["errors"]
    assert err["code"] == "INVALID_ID_NUMBER" and err["field"] == ["input", "idNumber"]
    assert "校验码" in err["message"]
    res = await officer.gql(CREATE, {"i": {"homeId": gid(w.community_a), "name": "李四", "idNumber": "12345"}}, lang="en")
    assert res["personCreate"]["errors"][0]["code"] == "INVALID_ID_NUMBER"
    assert "invalid resident ID number" in res["personCreate"]["errors"][0]["message"]
    assert await Person.all().count() == 0


async def test_person_create_derives_birth_date_and_gender(api):
    w = await build_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    idn = id_number(birth="19750615", seq="122")  # 17th digit 2: female
    res = await officer.gql(CREATE, {"i": {"homeId": gid(w.community_a), "name": "王芳", "idNumber": idn.lower(),
                                           "residenceId": gid(w.buildings_a[0]), "phone": "13812345678"}})
    assert res["personCreate"]["errors"] == []
    assert res["personCreate"]["person"] == {"name": "王芳", "gender": "FEMALE", "birthDate": "1975-06-15",
                                             "idNumber": idn, "residence": {"name": "1栋"}}
    again = await officer.gql(CREATE, {"i": {"homeId": gid(w.community_a), "name": "重复", "idNumber": idn}})
    assert again["personCreate"]["errors"][0]["code"] == "ID_NUMBER_TAKEN"
    phone = await officer.gql(CREATE, {"i": {"homeId": gid(w.community_a), "name": "赵六", "idNumber": id_number(seq="131"), "phone": "12345"}})
    assert phone["personCreate"]["errors"][0]["code"] == "INVALID_PHONE"
    res = await officer.gql(CREATE, {"i": {"homeId": gid(w.community_a), "name": "钱七", "idNumber": id_number(seq="141"),
                                           "residenceId": gid(w.compound_a)}})
    assert res["personCreate"]["errors"][0]["code"] == "NOT_A_RESIDENCE"
