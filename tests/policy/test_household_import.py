"""The pure rules of the duty records: masking, door numbers from a count, visit forms,
follow-ups, and the household register's rows."""
from __future__ import annotations

from datetime import date

import pytest

from policy.duties import (
    BuildingRef, FindingKind, FindingStatus, FollowUpRefusal, doors_to_generate, finding_status, follow_up_refusal,
    form_follows_visit, mask_household, mask_name, mask_vulnerable, match_building, validate_household_rows,
    visit_form_problems,
)

BUILDINGS = [
    BuildingRef(1, "1栋", "T-PA-1", "翠苑一区"),
    BuildingRef(2, "2栋", "T-PA-2", "翠苑一区"),
    BuildingRef(3, "1栋", "T-PC-1", "翠苑二区"),
]


@pytest.mark.parametrize("name, masked", [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "*"), ("", ""), (None, None)])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_masking_of_households_and_register_entries():
    values = {"contact_name": "张三", "contact_phone": "13812345678", "door_number": "101"}
    assert mask_household(values, full=True) == values
    assert mask_household(values, full=False) == {"contact_name": "张*", "contact_phone": "138****5678", "door_number": "101"}
    assert mask_household({"contact_name": None, "contact_phone": ""}, full=False) == {"contact_name": None, "contact_phone": ""}
    entry = {"name": "刘桂芳", "details": "独居", "category": "ELDERLY_ALONE", "help": "送药"}
    assert mask_vulnerable(entry, full=False) == {"name": "刘**", "details": None, "category": "ELDERLY_ALONE", "help": None}
    assert mask_vulnerable(entry, full=True) == entry


def test_doors_to_generate():
    assert doors_to_generate(3, []) == ["1", "2", "3"]
    assert doors_to_generate(3, ["1", "2", "3"]) == []
    assert doors_to_generate(5, ["1", "2", "3"]) == ["4", "5"]  # the count grew
    assert doors_to_generate(3, ["101"]) == []  # a register's doors are kept, never doubled
    assert doors_to_generate(3, ["01"]) == []
    assert doors_to_generate(0, []) == [] and doors_to_generate(None, []) == []


def test_visit_forms_and_which_visit_updates_the_form():
    assert visit_form_problems(3, 1, "", "") == []
    assert [(p.code, p.field) for p in visit_form_problems(-1, 0, "", "")] == [("NUMBER_OUT_OF_RANGE", "occupants")]
    assert [(p.code, p.field) for p in visit_form_problems(2, 3, "", "")] == [("NUMBER_OUT_OF_RANGE", "vulnerableMembers")]
    assert [(p.code, p.field) for p in visit_form_problems(1, 0, "x" * 2001, "")] == [("TOO_LONG", "needs")]
    assert form_follows_visit(date(2026, 3, 2), None)
    assert form_follows_visit(date(2026, 3, 2), date(2026, 3, 2))
    assert not form_follows_visit(date(2026, 3, 1), date(2026, 3, 2))


def test_findings_and_follow_ups():
    assert finding_status(FindingKind.SAFETY_HAZARD) == FindingStatus.OPEN
    assert {finding_status(k) for k in FindingKind if k != FindingKind.SAFETY_HAZARD} == {FindingStatus.CLOSED}
    d = date(2026, 3, 2)
    assert follow_up_refusal(FindingStatus.OPEN, d, d) is None
    assert follow_up_refusal(FindingStatus.OPEN, d, date(2026, 3, 1)) == FollowUpRefusal.BEFORE_INSPECTION
    assert follow_up_refusal(FindingStatus.CLOSED, d, date(2026, 3, 5)) == FollowUpRefusal.FINDING_CLOSED


def test_match_building_by_code_name_and_compound():
    assert [b.id for b in match_building("T-PA-2", "", BUILDINGS)] == [2]
    assert [b.id for b in match_building("2栋", "", BUILDINGS)] == [2]
    assert [b.id for b in match_building("1栋", "", BUILDINGS)] == [1, 3]  # ambiguous
    assert [b.id for b in match_building("1栋", "翠苑二区", BUILDINGS)] == [3]
    assert [b.id for b in match_building("翠苑一区 1栋", "", BUILDINGS)] == [1]
    assert [b.id for b in match_building("翠苑一区/1栋", "", BUILDINGS)] == [1]
    assert match_building("9栋", "", BUILDINGS) == []


def _rows(*cells: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
    return [(n, c) for n, c in enumerate(cells, start=2)]


def test_validate_household_rows_reports_every_bad_row():
    specs, errors = validate_household_rows(_rows(
        {"building": "2栋", "door_number": "201", "contact_name": "李四", "contact_phone": "139 0000 1111", "occupants": "3人"},
        {"building": "1栋", "door_number": "101"},
        {"building": "", "door_number": ""},
        {"building": "2栋", "door_number": "201", "contact_phone": "12345", "occupants": "-1"},
        {"building": "9栋", "door_number": "x" * 33, "contact_name": "名" * 51},
    ), BUILDINGS)
    assert specs == [] or all(s.row == 2 for s in specs)
    assert [(e.row, e.column, e.code) for e in errors] == [
        (3, "building", "BUILDING_AMBIGUOUS"),
        (4, "building", "REQUIRED"), (4, "door_number", "REQUIRED"),
        (5, "door_number", "DUPLICATE_DOOR"), (5, "contact_phone", "PHONE_INVALID"), (5, "occupants", "OCCUPANTS_INVALID"),
        (6, "building", "BUILDING_NOT_FOUND"), (6, "door_number", "TOO_LONG"), (6, "contact_name", "TOO_LONG"),
    ]
    assert errors[3].earlier == 2


def test_validate_household_rows_gives_specs_for_good_rows():
    specs, errors = validate_household_rows(_rows(
        {"building": "T-PA-1", "door_number": "101", "contact_name": "张三", "contact_phone": "13812345678", "occupants": "3.0"},
        {"building": "1栋", "compound": "翠苑二区", "door_number": "101", "occupants": ""},
    ), BUILDINGS)
    assert errors == []
    assert [(s.row, s.building_id, s.door_number, s.contact_name, s.contact_phone, s.occupants) for s in specs] == [
        (2, 1, "101", "张三", "13812345678", 3), (3, 3, "101", None, None, None)]
