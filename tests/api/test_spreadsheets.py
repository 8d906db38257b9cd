"""Reading tree-import files (resolvers/spreadsheets.py)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from resolvers.spreadsheets import ImportFileError, read_rows
from policy.kinds import NodeKind
from policy.tree_import import validate_rows
from resolvers.messages import render
from resolvers.tree.import_words import file_params


def worded(e: ImportFileError, locale: str) -> str:
    """The file problem's message as the client sees it (worded by the catalogue)."""
    return render(e.entry, locale, file_params(e))


EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "tree-import.csv"

CSV_TEXT = (
    "编码,类型,名称,上级编码,户数,地址\n"
    "NT,新城,东湖新城,,,湖滨大道1号\n"
    "S1,街道,临湖街道,NT,,\n"
    "Q1,小区,翠苑一区,C1,,\"翠苑路90号\"\n"
    "B1,楼栋,1号楼,Q1,96,\n"
    "C1,社区,翠苑社区,S1,,\n"
)
EXPECTED_FIRST = (2, {"code": "NT", "kind": "新城", "name": "东湖新城", "parent_code": "",
                      "households": "", "address": "湖滨大道1号"})


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("其他").append(["不读这一页"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_csv_utf8() -> None:
    rows = read_rows("register.csv", CSV_TEXT.encode("utf-8"))
    assert [n for n, _ in rows] == [2, 3, 4, 5, 6]
    assert rows[0] == EXPECTED_FIRST
    assert rows[3][1]["households"] == "96"
    assert rows[2][1]["address"] == "翠苑路90号"


def test_csv_with_bom_and_crlf() -> None:
    content = b"\xef\xbb\xbf" + CSV_TEXT.replace("\n", "\r\n").encode("utf-8")
    rows = read_rows("REGISTER.CSV", content)
    assert rows[0] == EXPECTED_FIRST
    assert rows[-1][1]["code"] == "C1" and rows[-1][1]["address"] == ""


def test_csv_gb18030() -> None:
    content = CSV_TEXT.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    rows = read_rows("台账.csv", content)
    assert rows[0] == EXPECTED_FIRST
    assert rows[1][1]["name"] == "临湖街道"


def test_xlsx_first_sheet_numbers_and_blank_rows() -> None:
    content = xlsx([
        ["编码", "类型", "名称", "上级编码", "户数", "地址"],
        ["NT", "新城", "东湖新城", None, None, "湖滨大道1号"],
        [None, None, None, None, None, None],
        [1001, "楼栋", "1号楼", "Q1", 120.0, None],
        ["B2", "楼栋", "  2号楼 ", "Q1", 96, "  "],
    ])
    rows = read_rows("register.xlsx", content)
    assert [n for n, _ in rows] == [2, 4, 5]
    assert rows[0] == EXPECTED_FIRST
    assert rows[1][1]["code"] == "1001" and rows[1][1]["households"] == "120"
    assert rows[2][1]["name"] == "2号楼" and rows[2][1]["households"] == "96" and rows[2][1]["address"] == ""


def test_header_synonyms_whitespace_and_ignored_columns() -> None:
    text = (
        "序号, 编号 ,层级,名称,上级编号,住户数（户）,备注\n"
        "1,B1,楼栋,1号楼,Q1,96,东侧\n"
        "2,B2,楼栋,2号楼,Q1,84,\n"
    )
    rows = read_rows("x.csv", text.encode("utf-8"))
    assert rows[0] == (2, {"code": "B1", "kind": "楼栋", "name": "1号楼", "parent_code": "Q1",
                           "households": "96", "address": ""})
    rows = read_rows("x.csv", "*编码,类型,名称,上级\nNT,新城,东湖新城,\n".encode())
    assert rows == [(2, {"code": "NT", "kind": "新城", "name": "东湖新城", "parent_code": "",
                         "households": "", "address": ""})]


def test_blank_rows_are_skipped_but_counted() -> None:
    text = "编码,类型,名称,上级编码\n\n , ,\u3000,\nNT,新城,东湖新城,\n,,,\n7,,,\n"
    rows = read_rows("x.csv", text.encode("utf-8"))
    assert [(n, r["code"]) for n, r in rows] == [(4, "NT"), (6, "7")]


def test_missing_column() -> None:
    with pytest.raises(ImportFileError) as info:
        read_rows("x.csv", "编码,类型,名称\nNT,新城,东湖新城\n".encode())
    assert info.value.code == "MISSING_COLUMN"
    assert info.value.columns == ("parent_code",)
    assert "上级编码" in worded(info.value, "zh") and "parent_code" in worded(info.value, "en")


def test_unknown_column() -> None:
    with pytest.raises(ImportFileError) as info:
        read_rows("x.csv", "编码,类型,名称,上级编码,楼长电话\nNT,新城,东湖新城,,\n".encode())
    assert info.value.code == "UNKNOWN_COLUMN" and info.value.columns == ("楼长电话",)
    assert "楼长电话" in worded(info.value, "zh")


def test_duplicate_column() -> None:
    with pytest.raises(ImportFileError) as info:
        read_rows("x.csv", "编码,编号,类型,名称,上级编码\nA,B,新城,东湖新城,\n".encode())
    assert info.value.code == "DUPLICATE_COLUMN"


@pytest.mark.parametrize("name", ["register.xls", "register.txt", "register", "register.csv.pdf"])
def test_unsupported_extension(name: str) -> None:
    with pytest.raises(ImportFileError) as info:
        read_rows(name, CSV_TEXT.encode())
    assert info.value.code == "UNSUPPORTED_FORMAT"
    assert worded(info.value, "zh") and worded(info.value, "en")
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("content", [b"", b"  \r\n", "编码,类型,名称,上级编码\n,,,\n".encode()])
def test_empty_file(content: bytes) -> None:
    with pytest.raises(ImportFileError) as info:
        read_rows("x.csv", content)
    assert info.value.code == "EMPTY_FILE"


def test_unreadable_xlsx_and_legacy_xls_content() -> None:
    with pytest.raises(ImportFileError) as info:
        read_rows("x.xlsx", b"PK\x03\x04 this is not really a zip")
    assert info.value.code == "UNREADABLE"
    with pytest.raises(ImportFileError) as info:
        read_rows("x.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert info.value.code == "UNSUPPORTED_FORMAT" and ".xlsx" in worded(info.value, "zh")


def test_example_file_passes_validation() -> None:
    rows = read_rows(EXAMPLE.name, EXAMPLE.read_bytes())
    specs, errors = validate_rows(rows, {})
    assert errors == []
    kinds = [s.kind for s in specs]
    assert kinds.count(NodeKind.NEW_TOWN) == 1 and kinds.count(NodeKind.SUBDISTRICT) == 1
    assert kinds.count(NodeKind.COMMUNITY) == 1 and kinds.count(NodeKind.COMPOUND) == 2
    assert kinds.count(NodeKind.BUILDING) == 5 and kinds.count(NodeKind.VILLAGE) == 1
    assert kinds.count(NodeKind.VILLAGE_GROUP) == 2
    assert all(s.households and s.households > 0 for s in specs if s.kind == NodeKind.BUILDING)
    assert all(s.address for s in specs)


def test_example_file_as_xlsx_gives_the_same_specs() -> None:
    import csv

    records = list(csv.reader(io.StringIO(EXAMPLE.read_text(encoding="utf-8"))))
    converted = [[int(c) if c.isdigit() else (c or None) for c in record] for record in records]
    from_csv = validate_rows(read_rows("a.csv", EXAMPLE.read_bytes()), {})
    from_xlsx = validate_rows(read_rows("a.xlsx", xlsx(converted)), {})
    assert from_xlsx == from_csv and from_csv[1] == []
