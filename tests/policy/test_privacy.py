"""Who sees a person and what of their personal data (policy/privacy.py)."""
from __future__ import annotations

from datetime import date

from policy.access import Grant
from policy.kinds import Role
from policy.privacy import (
    decided_without_places, hide_recruitment_details, mask_person, person_access, recruitment_details_visible,
)

COMMUNITY, COMPOUND, OTHER = "/1/2/3/4/", "/1/2/3/4/5/", "/1/2/3/9/"
STATION_HEAD = (Grant(Role.STATION_HEAD, 5, COMPOUND),)
STAFF = (Grant(Role.COMMUNITY_STAFF, 4, COMMUNITY),)
OTHER_STAFF = (Grant(Role.COMMUNITY_STAFF, 9, OTHER),)
OFFICE = (Grant(Role.DISTRICT_OFFICE, 1, "/1/"),)


def test_register_or_a_place_of_an_active_role_makes_a_person_readable() -> None:
    assert person_access(STATION_HEAD, COMMUNITY, []).readable is False
    seen = person_access(STATION_HEAD, COMMUNITY, [COMPOUND])
    assert seen.readable and seen.masked
    assert person_access(STAFF, COMMUNITY, []).full
    # a head registered elsewhere, serving in my community: the right held where they serve
    assert person_access(STAFF, OTHER, [COMPOUND]).full
    assert person_access(OTHER_STAFF, COMMUNITY, [COMPOUND]).readable is False


def test_the_register_alone_decides_when_it_can() -> None:
    assert decided_without_places(STAFF, COMMUNITY).full
    assert decided_without_places(OFFICE, COMMUNITY).masked  # readable, no personal-data right anywhere
    assert decided_without_places(STATION_HEAD, COMMUNITY) is None  # may still serve in the compound
    assert decided_without_places(OTHER_STAFF, COMMUNITY) is None  # may serve in the other community


def test_masking_nulls_birth_date_gender_and_residence_and_gives_age() -> None:
    values = {"name": "张三", "id_number": "11010519800101123X", "phone": "13912345678", "birth_date": "1980-01-01",
              "gender": "MALE", "residence_id": 7}
    assert mask_person(values, full=True, on=date(2026, 1, 1)) == values
    masked = mask_person(values, full=False, on=date(2026, 1, 1))
    assert masked == {"name": "张三", "id_number": "110***********123X", "phone": "139****5678", "birth_date": None,
                      "gender": None, "residence_id": None, "age": 46}
    assert mask_person({**values, "birth_date": date(1980, 1, 2), "phone": None}, full=False, on=date(2026, 1, 1))["age"] == 45


def test_recruitment_details_are_for_recruitment_and_police_roles_only() -> None:
    police = (Grant(Role.COMMUNITY_POLICE, 4, COMMUNITY),)
    hotline = (Grant(Role.HOTLINE, 1, "/1/"),)
    assert recruitment_details_visible(STAFF, COMPOUND) and recruitment_details_visible(police, COMPOUND)
    assert not any(recruitment_details_visible(g, COMPOUND) for g in (OFFICE, hotline, STATION_HEAD, OTHER_STAFF))
    snap = {"status": "ELIGIBLE", "judgements": {"HEALTH": {"passed": False}}, "police_opinion": "x", "interview_notes": "y"}
    assert hide_recruitment_details("Application", snap) == {"status": "ELIGIBLE", "judgements": None,
                                                             "police_opinion": None, "interview_notes": None}
    assert hide_recruitment_details("Objection", {"text": "t", "raised_by": "r", "status": "OPEN"}) == {
        "text": None, "raised_by": None, "status": "OPEN"}
