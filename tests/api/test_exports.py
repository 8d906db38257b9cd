"""The payroll for the finance office as XLSX and CSV (HTTP downloads and the GraphQL field):
totals equal the API's, names for those who pay, out of scope answers like missing."""
from __future__ import annotations

import base64
import csv
import io
from datetime import date
from decimal import Decimal

import httpx
from openpyxl import load_workbook

from models.money import Payroll, PayrollLine
from policy.kinds import Role
from schema.common import to_global_id
from tests.api.test_insurance import make_term, partner_key
from tests.factory import PASSWORD, build_world

EXPORT = ("query($p: ID!, $f: ExportFormat!){ payrollExport(payrollId: $p, format: $f){ fileName contentType "
          "contentBase64 total lineCount namesMasked communities { community lines total } } }")


async def _payroll(w):
    a1 = await make_term(w, w.buildings_a[0], "601", date(2026, 1, 1), "张三丰")
    a2 = await make_term(w, w.buildings_a[1], "602", date(2026, 1, 1), "李四")
    b1 = await make_term(w, w.buildings_a[2], "603", date(2026, 1, 1), "王五")
    p = await Payroll.create(subdistrict_id=w.subdistrict.id, path=w.subdistrict.path, month=date(2026, 3, 1),
                             status="APPROVED", total=Decimal("600.30"))
    rows = [(w.community_a, a1, "BUILDING_HEAD", 31, "300.00", ""), (w.community_a, a2, "BUILDING_HEAD", 10, "0.10", "=1+1"),
            (w.community_b, b1, "TOP_UP", 0, "0.20", "人口普查"), (w.community_b, b1, "BUILDING_HEAD", 31, "300.00", "")]
    for i, (c, t, kind, days, amount, note) in enumerate(rows):
        await PayrollLine.create(payroll_id=p.id, path=c.path, community_id=c.id, person_id=t.person_id, term_id=t.id,
                                 kind=kind, source=f"S:{i}", days=days, amount=Decimal(amount), note=note)
    return p


async def _get(api, path: str, **headers) -> httpx.Response:
    return await api.http.get(path, headers=headers)


async def test_the_finance_office_downloads_xlsx_and_csv_whose_totals_are_the_apis(api):
    w = await build_world()
    p = await _payroll(w)
    pid = to_global_id("Payroll", p.id)
    lines_total = sum([x.amount for x in await PayrollLine.filter(payroll_id=p.id)], Decimal("0"))
    assert lines_total == p.total == Decimal("600.30")
    finance = await partner_key(Role.FINANCE, w.subdistrict)

    r = await _get(api, f"/exports/payroll/{pid}.xlsx", **{"X-Api-Key": finance})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "payroll-2026-03" in r.headers["content-disposition"] and "filename*=UTF-8''" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["汇总", "翠苑社区", "锦华社区"]
    summary = [row for row in wb["汇总"].iter_rows(values_only=True)]
    assert summary[1] == ("社区", "人次", "金额（元）")
    totals = {row[0]: Decimal(str(row[2])).quantize(Decimal("0.01")) for row in summary[2:]}
    assert totals == {"翠苑社区": Decimal("300.10"), "锦华社区": Decimal("300.20"), "合计": Decimal("600.30")}
    assert wb["汇总"].cell(len(summary), 3).number_format == "0.00"
    sheet = list(wb["翠苑社区"].iter_rows(values_only=True))
    assert sheet[0] == ("社区", "姓名", "类别", "服务天数", "金额（元）", "备注")
    assert {row[1] for row in sheet[1:-1]} == {"张三丰", "李四"}  # the finance office pays them: names shown
    assert ("翠苑社区", "李四", "楼栋长补贴", 10, 0.1, "'=1+1") in sheet  # no formula runs in the finance office
    assert sheet[-1][0] == "合计" and Decimal(str(sheet[-1][4])) == Decimal("300.1")
    assert wb["锦华社区"]["E2"].number_format == "0.00"

    body = await api.raw(EXPORT, {"p": pid, "f": "XLSX"}, headers={"X-Api-Key": finance})
    assert not body.get("errors"), body
    e = body["data"]["payrollExport"]
    assert (e["total"], e["lineCount"], e["namesMasked"]) == ("600.30", 4, False)
    assert Decimal(e["total"]) == totals["合计"] == lines_total
    assert [(c["community"], c["total"]) for c in e["communities"]] == [("翠苑社区", "300.10"), ("锦华社区", "300.20")]
    assert load_workbook(io.BytesIO(base64.b64decode(e["contentBase64"])))["汇总"]["C5"].value == 600.3

    r = await _get(api, f"/exports/payroll/{pid}.csv", Authorization=f"ApiKey {finance}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["社区", "姓名", "类别", "服务天数", "金额（元）", "备注"]
    assert rows[-1][0] == "合计" and rows[-1][4] == "600.30"
    assert sum(Decimal(row[4]) for row in rows[1:-1]) == Decimal("600.30") == Decimal(e["total"])
    assert ["锦华社区", "王五", "重大任务补贴", "0", "0.20", "人口普查"] in rows


async def test_names_are_masked_without_personal_data_and_out_of_scope_is_missing(api):
    w = await build_world()
    p = await _payroll(w)
    pid = to_global_id("Payroll", p.id)

    officer = await api.as_user("linhu", PASSWORD)  # the subdistrict holds PERSON_PII
    r = await _get(api, f"/exports/payroll/{pid}.csv", Authorization=f"Bearer {officer.token}")
    assert r.status_code == 200 and "张三丰" in r.content.decode("utf-8-sig")
    office = await api.as_user("district", PASSWORD)  # downloads, without personal data
    r = await _get(api, f"/exports/payroll/{pid}.csv", Authorization=f"Bearer {office.token}")
    text = r.content.decode("utf-8-sig")
    assert r.status_code == 200 and "张三丰" not in text and "张**" in text and "李*" in text
    assert text.splitlines()[-1].split(",")[4] == "600.30"  # the totals do not depend on who reads
    masked = (await office.gql(EXPORT, {"p": pid, "f": "CSV"}))["payrollExport"]
    assert masked["namesMasked"] is True and masked["total"] == "600.30"

    missing = to_global_id("Payroll", p.id + 1000)
    narrow = await partner_key(Role.FINANCE, w.community_b)  # a finance key of another node
    hotline = await partner_key(Role.HOTLINE, w.district)  # reads, but downloads no payroll
    staff = await api.as_user("cuiyuan", PASSWORD)
    for headers in ({"X-Api-Key": narrow}, {"X-Api-Key": hotline}, {"Authorization": f"Bearer {staff.token}"}):
        out = await _get(api, f"/exports/payroll/{pid}.xlsx", **headers)
        gone = await _get(api, f"/exports/payroll/{missing}.xlsx", **headers)
        assert (out.status_code, out.content) == (gone.status_code, gone.content) == (404, b'{"error":"NOT_FOUND"}')
    finance = await partner_key(Role.FINANCE, w.subdistrict)
    assert (await _get(api, f"/exports/payroll/{pid}.pdf", **{"X-Api-Key": finance})).status_code == 404
    wrong_type = await _get(api, f"/exports/payroll/{to_global_id('Node', p.id)}.csv", **{"X-Api-Key": finance})
    assert wrong_type.status_code == 404
    assert (await _get(api, f"/exports/payroll/{pid}.csv")).status_code == 401
    assert (await _get(api, f"/exports/payroll/{pid}.csv", **{"X-Api-Key": "gr_wrong"})).status_code == 401

    a = await api.raw(EXPORT, {"p": pid, "f": "CSV"}, headers={"X-Api-Key": narrow})
    b = await api.raw(EXPORT, {"p": missing, "f": "CSV"}, headers={"X-Api-Key": narrow})
    assert a["errors"][0]["message"] == b["errors"][0]["message"]
    assert a["errors"][0]["extensions"]["code"] == b["errors"][0]["extensions"]["code"] == "FORBIDDEN"
