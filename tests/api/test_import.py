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
