"""Bulk import of a tree from CSV and XLSX, validated as a whole."""
from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl

from models.audit import AuditEntry
from models.tree import Node
from tests.factory import PASSWORD, build_world, gid

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "tree-import.csv"
MUTATION = """mutation($d: ID!, $f: Upload!){ treeImport(districtId: $d, file: $f){
  created nodes { name } errors { code row column field message } } }"""


async def upload(client, district_gid: str, filename: str, content: bytes, lang: str | None = None) -> dict:
    operations = json.dumps({"query": MUTATION, "variables": {"d": district_gid, "f": None}})
    headers = {"Authorization": f"Bearer {client.token}"}
    if lang:
        headers["Accept-Language"] = lang
    r = await client.http.post(
        "/graphql",
        data={"operations": operations, "map": json.dumps({"0": ["variables.f"]})},
        files={"0": (filename, content, "application/octet-stream")},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert not body.get("errors"), body
    return body["data"]["treeImport"]


async def test_import_of_a_good_csv_creates_the_whole_tree(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    before = await Node.all().count()
    res = await upload(admin, gid(w.district), "register.csv", EXAMPLE.read_bytes())
    assert res["errors"] == []
    lines = [line for line in EXAMPLE.read_text(encoding="utf-8-sig").splitlines()[1:] if line.strip(",\n ")]
    assert res["created"] == len(lines)
    assert await Node.all().count() == before + len(lines)
    # compounds got their workstations, and roll-ups count the new households
    data = await admin.gql("{ districts { rollup { workstations households } } }")
    assert data["districts"][0]["rollup"]["workstations"] > 2
    assert await AuditEntry.filter(action="treeImport").count() == 1


async def test_import_with_one_bad_row_writes_nothing_and_names_the_row(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    text = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()
    header = text[0].split(",")
    # find a building row and break its households
    kind_col, hh_col = header.index("类型"), header.index("户数")
    for i, line in enumerate(text[1:], start=2):
        cells = line.split(",")
        if len(cells) > hh_col and cells[kind_col] == "楼栋":
            cells[hh_col] = "-3"
            text[i - 1] = ",".join(cells)
            bad_row = i
            break
    before = await Node.all().count()
    res = await upload(admin, gid(w.district), "register.csv", ("\n".join(text) + "\n").encode("utf-8"))
    assert res["created"] == 0 and res["nodes"] == []
    [err] = res["errors"]
    assert err["row"] == bad_row and err["code"] == "HOUSEHOLDS_INVALID" and err["column"] == "households"
    assert f"第{bad_row}行" in err["message"]
    assert await Node.all().count() == before
    assert await AuditEntry.filter(action="treeImport").count() == 0


async def test_import_xlsx_reports_every_bad_row(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编码", "类型", "名称", "上级编码", "户数"])
    ws.append(["X-NT", "新城", "西岭新城", "", ""])
    ws.append(["X-SD", "镇", "青山镇", "X-NT", ""])
    ws.append(["X-C", "社区", "桃源社区", "X-SD", ""])
    ws.append(["X-B", "楼栋", "1栋", "X-C", 80])  # a building under a community
    ws.append(["X-P", "小区", "", "X-C", ""])  # no name
    buf = io.BytesIO()
    wb.save(buf)
    before = await Node.all().count()
    res = await upload(admin, gid(w.district), "台账.xlsx", buf.getvalue(), lang="en")
    rows = sorted((e["row"], e["code"]) for e in res["errors"])
    assert rows == [(5, "PARENT_CANNOT_HOLD"), (6, "REQUIRED")]
    assert await Node.all().count() == before


async def test_import_refuses_unreadable_files_and_other_scopes(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    res = await upload(admin, gid(w.district), "notes.txt", b"\x00\x01binary")
    assert res["created"] == 0 and res["errors"][0]["code"] in ("UNSUPPORTED_FORMAT", "UNREADABLE", "MISSING_COLUMN")
    officer = await api.as_user("cuiyuan", PASSWORD)
    operations = json.dumps({"query": MUTATION, "variables": {"d": gid(w.district), "f": None}})
    r = await officer.http.post("/graphql", data={"operations": operations, "map": json.dumps({"0": ["variables.f"]})},
                                files={"0": ("r.csv", EXAMPLE.read_bytes(), "text/csv")},
                                headers={"Authorization": f"Bearer {officer.token}"})
    assert r.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- import bombs: bounded, streamed reading ---------------------------------------------------

def bomb_xlsx(extra_rows_xml: str) -> bytes:
    """A real workbook (header + one good row) whose sheet XML gets ``extra_rows_xml`` appended:
    a few bytes that claim cells far away (column XFD, row 1,048,576)."""
    import zipfile

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["编码", "类型", "名称", "上级编码", "户数", "地址"])
    sheet.append(["NT9", "新城", "西湖新城", "", "", ""])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", extra_rows_xml.encode() + b"</sheetData>")
                data = data.replace(b'<dimension ref="A1:F2"/>', b'<dimension ref="A1:XFD1048576"/>')
            dst.writestr(item, data)
    return out.getvalue()


async def test_import_refuses_an_xlsx_with_cells_in_column_xfd(api):
    from resolvers.spreadsheets import MAX_COLUMNS

    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    before = await Node.all().count()
    cells = "".join(f'<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>' for r in range(3, 3003))
    content = bomb_xlsx(cells)
    assert len(content) < 100_000
    res = await upload(admin, gid(w.district), "bomb.xlsx", content, lang="en")
    assert res["created"] == 0
    assert [e["code"] for e in res["errors"]] == ["TOO_MANY_COLUMNS"]
    assert "16384" in res["errors"][0]["message"] and str(MAX_COLUMNS) in res["errors"][0]["message"]
    assert await Node.all().count() == before


async def test_import_refuses_an_xlsx_reaching_past_the_row_bound(api):
    from resolvers.spreadsheets import MAX_ROWS

    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    # one cell at the last row Excel has: every row in between is blank
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    res = await upload(admin, gid(w.district), "far.xlsx", bomb_xlsx(far), lang="en")
    assert [e["code"] for e in res["errors"]] == ["TOO_MANY_ROWS"] and res["created"] == 0
    assert str(MAX_ROWS) in res["errors"][0]["message"]
    # and blank rows written out one by one count the same
    blank = "".join(f'<row r="{r}"/>' for r in range(3, MAX_ROWS + 10))
    res = await upload(admin, gid(w.district), "blank.xlsx", bomb_xlsx(blank), lang="en")
    assert [e["code"] for e in res["errors"]] == ["TOO_MANY_ROWS"]


async def test_import_refuses_a_csv_past_the_row_and_column_bounds(api):
    from resolvers.spreadsheets import MAX_COLUMNS, MAX_ROWS

    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    header = "编码,类型,名称,上级编码,户数,地址\n"
    res = await upload(admin, gid(w.district), "blank.csv", (header + "\n" * (MAX_ROWS + 5)).encode(), lang="en")
    assert [e["code"] for e in res["errors"]] == ["TOO_MANY_ROWS"]
    wide = header + "NT9,新城,西湖新城,,," + "," * MAX_COLUMNS + "x\n"
    res = await upload(admin, gid(w.district), "wide.csv", wide.encode(), lang="en")
    assert [e["code"] for e in res["errors"]] == ["TOO_MANY_COLUMNS"]
    # trailing empty cells past the bound are harmless
    ok = header + "NT9,新城,西湖新城,,," + "," * (MAX_COLUMNS + 20) + "\n"
    res = await upload(admin, gid(w.district), "ok.csv", ok.encode(), lang="en")
    assert res["errors"] == [] and res["created"] == 1
