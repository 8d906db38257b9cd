"""Pure validation of a tree import (policy/tree_import.py)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from policy.kinds import Chain, NodeKind, SubdistrictKind
from policy.tree_import import ExistingNode, NodeSpec, RowError, validate_rows
from resolvers.messages import render
from resolvers.tree.import_words import row_params

HEAD = ("code", "kind", "name", "parent_code", "households", "address")


def r(row: int, code: str, kind: str, name: str, parent: str = "", households: str = "", address: str = ""):
    return (row, dict(zip(HEAD, (code, kind, name, parent, households, address), strict=True)))


GOOD = [
    r(2, "NT", "新城", "东湖新城"),
    r(3, "S1", "街道", "临湖街道", "NT"),
    r(4, "T1", "镇", "柳河镇", "NT"),
    r(5, "C1", "社区", "翠苑社区", "S1", address="翠苑路88号"),
    r(6, "Q1", "小区", "翠苑一区", "C1"),
    r(7, "B1", "楼栋", "1号楼", "Q1", "96"),
    r(8, "B2", "楼栋", "2号楼", "Q1", "0"),
    r(9, "V1", "行政村", "柳河村", "T1"),
    r(10, "G1", "村民小组", "第一村民小组", "V1", "63"),
]


def worded(e: RowError, locale: str) -> str:
    """The row's message as the client sees it: its code and parameters worded by the catalogue."""
    return render(e.entry, locale, {**row_params(e), "row": e.row, "column": e.column})


def only(errors: list[RowError]) -> RowError:
    assert len(errors) == 1, errors
    return errors[0]


def check_order(specs: list[NodeSpec], existing: frozenset[str] = frozenset()) -> None:
    seen: set[str | None] = {None, *existing}
    for spec in specs:
        assert spec.parent_code in seen, f"{spec.code} before its parent {spec.parent_code}"
        seen.add(spec.code)


def test_good_file_gives_specs_in_creation_order() -> None:
    specs, errors = validate_rows(GOOD, {})
    assert errors == []
    assert [s.code for s in specs] == ["NT", "S1", "C1", "Q1", "B1", "B2", "T1", "V1", "G1"]
    by_code = {s.code: s for s in specs}
    assert by_code["NT"] == NodeSpec(2, "NT", NodeKind.NEW_TOWN, None, "东湖新城", None, None, None)
    assert by_code["S1"].kind == NodeKind.SUBDISTRICT and by_code["S1"].subdistrict_kind == SubdistrictKind.STREET
    assert by_code["T1"].subdistrict_kind == SubdistrictKind.TOWN
    assert by_code["B1"].households == 96 and by_code["B2"].households == 0
    assert by_code["G1"].households == 63 and by_code["G1"].kind == NodeKind.VILLAGE_GROUP
    assert by_code["C1"].address == "翠苑路88号" and by_code["Q1"].address is None
    assert by_code["C1"].households is None


def test_children_before_parents_in_the_file_are_reordered() -> None:
    specs, errors = validate_rows(list(reversed(GOOD)), {})
    assert errors == []
    check_order(specs)
    assert {s.code for s in specs} == {code for _, row in GOOD for code in [row["code"]]}


@settings(max_examples=40, deadline=None)
@given(st.permutations(GOOD))
def test_any_row_order_is_accepted(rows: list) -> None:
    specs, errors = validate_rows(rows, {})
    assert errors == []
    assert len(specs) == len(GOOD)
    check_order(specs)


def test_english_kinds_whitespace_and_number_forms() -> None:
    rows = [
        r(2, " NT ", "new_town", " 东湖新城 "),
        r(3, "S1", "Street", "临湖街道", " NT"),
        r(4, "C1", "COMMUNITY", "翠苑社区", "S1"),
        r(5, "Q1", "compound", "翠苑一区", "C1"),
        r(6, "B1", "BUILDING", "1号楼", "Q1", "1,200"),
        r(7, "B2", "楼栋", "2号楼", "Q1", "120.0"),
        r(8, "B3", "楼栋", "3号楼", "Q1", "84户"),
        r(9, "", "", ""),  # blank row: skipped
    ]
    specs, errors = validate_rows(rows, {})
    assert errors == []
    assert [s.code for s in specs] == ["NT", "S1", "C1", "Q1", "B1", "B2", "B3"]
    assert specs[0].name == "东湖新城" and specs[1].subdistrict_kind == SubdistrictKind.STREET
    assert [s.households for s in specs[4:]] == [1200, 120, 84]


def test_parents_may_be_existing_nodes() -> None:
    existing = {
        "D": ExistingNode("D", NodeKind.DISTRICT, None),
        "C9": ExistingNode("C9", NodeKind.COMMUNITY, None),
        "V9": ExistingNode("V9", NodeKind.VILLAGE, Chain.URBAN),  # village laid out as compounds
        "C8": ExistingNode("C8", NodeKind.COMMUNITY, Chain.RURAL),  # residents not yet moved back
    }
    rows = [
        r(2, "Q1", "小区", "锦绣华庭", "C9"),
        r(3, "B1", "楼栋", "A座", "Q1", "210"),
        r(4, "Q2", "小区", "柳河新苑", "V9"),
        r(5, "G1", "村民小组", "第三村民小组", "C8", "40"),
        r(6, "NT", "新城", "西山新城", "D"),  # naming the district = the district
    ]
    specs, errors = validate_rows(rows, existing)
    assert errors == []
    assert {s.code: s.parent_code for s in specs} == {"Q1": "C9", "B1": "Q1", "Q2": "V9", "G1": "C8", "NT": None}
    check_order(specs, frozenset(existing))


def test_existing_chain_decides_what_a_community_holds() -> None:
    existing = {"C8": ExistingNode("C8", NodeKind.COMMUNITY, Chain.RURAL)}
    specs, errors = validate_rows([r(4, "Q1", "小区", "翠苑一区", "C8")], existing)
    error = only(errors)
    assert specs == []
    assert (error.row, error.column, error.code) == (4, "parent_code", "PARENT_CANNOT_HOLD")
    assert "小区不能直接隶属于社区（农村模式）" in worded(error, "zh")
    assert "village group" in worded(error, "en")


def test_required() -> None:
    rows = [r(2, "", "社区", "翠苑社区", "S1"), r(3, "X", "", ""), r(4, "C2", "社区", "锦苑社区", "")]
    _, errors = validate_rows(rows, {"S1": ExistingNode("S1", NodeKind.SUBDISTRICT, None)})
    assert [(e.row, e.column, e.code) for e in errors] == [
        (2, "code", "REQUIRED"),
        (3, "kind", "REQUIRED"),
        (3, "name", "REQUIRED"),
        (4, "parent_code", "REQUIRED"),
    ]
    assert "第2行「编码」" in worded(errors[0], "zh") and "Row 2, column 编码 (code)" in worded(errors[0], "en")


def test_unknown_kind() -> None:
    rows = [r(2, "NT", "新城", "东湖新城"), r(3, "X", "楼", "1号楼", "NT"), r(4, "S", "SUBDISTRICT", "临湖", "NT")]
    _, errors = validate_rows(rows, {})
    assert [(e.row, e.column, e.code) for e in errors] == [(3, "kind", "UNKNOWN_KIND"), (4, "kind", "UNKNOWN_KIND")]
    assert "“楼”" in worded(errors[0], "zh") and "'楼'" in worded(errors[0], "en")
    assert "街道" in worded(errors[1], "zh") and "STREET" in worded(errors[1], "en")


def test_duplicate_code_names_both_rows() -> None:
    rows = [r(2, "NT", "新城", "东湖新城"), r(3, "NT", "新城", "西山新城")]
    specs, errors = validate_rows(rows, {})
    error = only(errors)
    assert specs == []
    assert (error.row, error.column, error.code) == (3, "code", "DUPLICATE_CODE")
    assert "第3行" in worded(error, "zh") and "第2行" in worded(error, "zh") and "“NT”" in worded(error, "zh")
    assert "Row 3" in worded(error, "en") and "row 2" in worded(error, "en")


def test_code_exists() -> None:
    existing = {"NT": ExistingNode("NT", NodeKind.NEW_TOWN, None)}
    _, errors = validate_rows([r(7, "NT", "新城", "东湖新城")], existing)
    error = only(errors)
    assert (error.row, error.column, error.code) == (7, "code", "CODE_EXISTS")
    assert "NT" in worded(error, "zh") and "新城" in worded(error, "zh")


def test_parent_not_found() -> None:
    _, errors = validate_rows([r(2, "C1", "社区", "翠苑社区", "S404")], {})
    error = only(errors)
    assert (error.row, error.column, error.code) == (2, "parent_code", "PARENT_NOT_FOUND")
    assert "S404" in worded(error, "zh") and "S404" in worded(error, "en")


def test_parent_cannot_hold_names_both_kinds() -> None:
    rows = [r(2, "NT", "新城", "东湖新城"), r(3, "S1", "街道", "临湖街道", "NT"), r(4, "C1", "社区", "翠苑社区", "S1"),
            r(5, "B1", "楼栋", "1号楼", "C1", "96"), r(6, "S2", "镇", "柳河镇", "")]
    _, errors = validate_rows(rows, {})
    assert [(e.row, e.code) for e in errors] == [(5, "PARENT_CANNOT_HOLD"), (6, "REQUIRED")]
    assert "楼栋不能直接隶属于社区" in worded(errors[0], "zh")
    assert "building" in worded(errors[0], "en") and "community" in worded(errors[0], "en")


def test_new_town_under_a_file_row_cannot_be_held() -> None:
    rows = [r(2, "NT", "新城", "东湖新城"), r(3, "NT2", "新城", "西山新城", "NT")]
    error = only(validate_rows(rows, {})[1])
    assert error.code == "PARENT_CANNOT_HOLD" and "新城不能直接隶属于新城" in worded(error, "zh")


def test_households_rules() -> None:
    existing = {"Q": ExistingNode("Q", NodeKind.COMPOUND, None), "S": ExistingNode("S", NodeKind.SUBDISTRICT, None)}
    rows = [
        r(2, "B1", "楼栋", "1号楼", "Q", ""),
        r(3, "B2", "楼栋", "2号楼", "Q", "-3"),
        r(4, "B3", "楼栋", "3号楼", "Q", "12.5"),
        r(5, "B4", "楼栋", "4号楼", "Q", "很多"),
        r(6, "B5", "楼栋", "5号楼", "Q", "999999999"),
        r(7, "C1", "社区", "翠苑社区", "S", "300"),
    ]
    _, errors = validate_rows(rows, existing)
    assert [(e.row, e.column, e.code) for e in errors] == [
        (2, "households", "REQUIRED"),
        (3, "households", "HOUSEHOLDS_INVALID"),
        (4, "households", "HOUSEHOLDS_INVALID"),
        (5, "households", "HOUSEHOLDS_INVALID"),
        (6, "households", "HOUSEHOLDS_INVALID"),
        (7, "households", "HOUSEHOLDS_NOT_ALLOWED"),
    ]
    assert "“-3”" in worded(errors[1], "zh") and "'-3'" in worded(errors[1], "en")
    assert "社区" in worded(errors[5], "zh") and "“300”" in worded(errors[5], "zh")


def test_name_too_long() -> None:
    existing = {"S": ExistingNode("S", NodeKind.SUBDISTRICT, None)}
    ok, errors = validate_rows([r(2, "C1", "社区", "社" * 100, "S")], existing)
    assert errors == [] and len(ok) == 1
    error = only(validate_rows([r(2, "C1", "社区", "社" * 101, "S")], existing)[1])
    assert (error.column, error.code) == ("name", "NAME_TOO_LONG")
    assert "101" in worded(error, "zh") and "101" in worded(error, "en")


def test_cycle_reports_every_row_of_the_loop() -> None:
    rows = [
        r(2, "NT", "新城", "东湖新城"),
        r(3, "A", "XX", "甲", "B"),  # unknown kinds: only the loop catches it
        r(4, "B", "XX", "乙", "C"),
        r(5, "C", "XX", "丙", "A"),
        r(6, "D", "XX", "丁", "A"),  # hangs off the loop, is not in it
        r(7, "E", "XX", "戊", "E"),  # its own parent
    ]
    _, errors = validate_rows(rows, {})
    cycles = [e for e in errors if e.code == "CYCLE"]
    assert [e.row for e in cycles] == [3, 4, 5, 7]
    assert all(e.column == "parent_code" for e in cycles)
    assert "3、4、5" in worded(cycles[0], "zh") and "A → B → C → A" in worded(cycles[0], "en")


def test_cycle_with_valid_kinds_is_reported_too() -> None:
    rows = [r(2, "C1", "社区", "翠苑社区", "Q1"), r(3, "Q1", "小区", "翠苑一区", "C1")]
    _, errors = validate_rows(rows, {})
    assert [(e.row, e.code) for e in errors] == [(2, "PARENT_CANNOT_HOLD"), (2, "CYCLE"), (3, "CYCLE")]


def test_many_errors_at_once_sorted_by_row() -> None:
    existing = {"OLD": ExistingNode("OLD", NodeKind.COMMUNITY, None)}
    rows = [
        r(9, "B9", "楼栋", "9号楼", "NOPE", "x"),
        r(2, "NT", "新城", "东湖新城"),
        r(3, "OLD", "小区", "旧区", "OLD", "5"),
        r(4, "NT", "城", "名" * 101, "NT"),
    ]
    specs, errors = validate_rows(rows, existing)
    assert specs == []
    assert [(e.row, e.column, e.code) for e in errors] == [
        (3, "code", "CODE_EXISTS"),
        (3, "households", "HOUSEHOLDS_NOT_ALLOWED"),
        (4, "code", "DUPLICATE_CODE"),
        (4, "kind", "UNKNOWN_KIND"),
        (4, "name", "NAME_TOO_LONG"),
        (9, "parent_code", "PARENT_NOT_FOUND"),
        (9, "households", "HOUSEHOLDS_INVALID"),
    ]
    assert all(worded(e, "zh").startswith(f"第{e.row}行") and worded(e, "en").startswith(f"Row {e.row}") for e in errors)
