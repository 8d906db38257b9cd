"""The workstation fund and the subdistrict's budget (docs/policy.md §9) through the API."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.money import FundEntry, Payroll, PayrollLine
from models.parameters import PolicyParameter
from models.workstations import StationHeadAppointment, Workstation
from policy.kinds import Role
from resolvers.clock import today
from schema.common import to_global_id
from tests.api.test_insurance import make_term, partner_key
from tests.factory import PASSWORD, gid, build_world

RECORD = ("mutation($i: FundEntryRecordInput!){ fundEntryRecord(input: $i){ entry { id amount year spentOn } "
          "errors { code field message } } }")
FUND = ("query($w: ID!, $y: Int!){ workstationFund(workstationId: $w, year: $y){ fund spent remaining "
        "entries { amount description } } }")


async def test_fund_entries_are_refused_beyond_what_remains(api):
    w = await build_world()
    ws = await Workstation.get(compound_id=w.compound_a.id)
    wid = to_global_id("Workstation", ws.id)
    year = today().year
    jan1 = date(year, 1, 1)
    staff = await api.as_user("cuiyuan", PASSWORD)

    def entry(amount: str, description: str = "办公用品", on: date = jan1) -> dict:
        return {"i": {"workstationId": wid, "spentOn": on.isoformat(), "amount": amount, "description": description}}

    first = (await staff.gql(RECORD, entry("9999.90")))["fundEntryRecord"]
    assert first["errors"] == [] and first["entry"]["amount"] == "9999.90" and first["entry"]["year"] == year
    over = (await staff.gql(RECORD, entry("0.11"), lang="en"))["fundEntryRecord"]
    assert [(e["code"], e["field"]) for e in over["errors"]] == [("FUND_EXCEEDED", ["input", "amount"])]
    assert "0.10" in over["errors"][0]["message"]
    assert (await staff.gql(RECORD, entry("0.10")))["fundEntryRecord"]["errors"] == []
    bad = (await staff.gql(RECORD, entry("0", " ")))["fundEntryRecord"]["errors"]
    assert {e["code"] for e in bad} == {"AMOUNT_NOT_POSITIVE", "FUND_DESCRIPTION_REQUIRED"}
    assert [e["code"] for e in (await staff.gql(RECORD, entry("1.001")))["fundEntryRecord"]["errors"]] == ["MONEY_DECIMALS"]
    future = (await staff.gql(RECORD, entry("1.00", on=date(year + 1, 1, 1))))["fundEntryRecord"]["errors"]
    assert [e["code"] for e in future] == ["FUTURE_DATE"]
    other = await api.as_user("jinhua", PASSWORD)
    assert (await other.raw(RECORD, entry("1.00")))["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    fund = (await staff.gql(FUND, {"w": wid, "y": year}))["workstationFund"]
    assert (fund["fund"], fund["spent"], fund["remaining"]) == ("10000.00", "10000.00", "0.00")
    assert [e["amount"] for e in fund["entries"]] == ["9999.90", "0.10"]
    # a fund raised at the station's node from 1 January is the year's fund
    await PolicyParameter.create(node_id=w.compound_a.id, key="workstation_fund", value="12000.00", effective_from=jan1,
                                 path=w.compound_a.path)
    fund = (await staff.gql(FUND, {"w": wid, "y": year}))["workstationFund"]
    assert (fund["fund"], fund["remaining"]) == ("12000.00", "2000.00")
    assert (await staff.gql(FUND, {"w": wid, "y": year - 1}))["workstationFund"]["fund"] == "10000.00"


async def test_the_subdistrict_budget_is_derived_from_the_tree_and_compared_with_what_was_paid(api):
    w = await build_world()
    year = today().year
    ws_a = await Workstation.get(compound_id=w.compound_a.id)
    assert await Workstation.filter(path__startswith=w.subdistrict.path).count() == 2
    heads = [await make_term(w, w.buildings_a[i % 3], f"5{i:02d}", date(year - 1, 6, 1)) for i in range(3)]
    await make_term(w, w.buildings_a[0], "510", date(year - 1, 6, 1), status="ENDED", ended_on=date(year - 1, 12, 1))
    # one head is also the station head (paid the higher rate once); a worker station head is not paid
    await StationHeadAppointment.create(workstation_id=ws_a.id, person_id=heads[0].person_id, path=ws_a.path,
                                        source="BUILDING_HEAD", letter_number="L1", filing_reference="F1",
                                        appointed_on=date(year - 1, 7, 1))
    payroll = await Payroll.create(subdistrict_id=w.subdistrict.id, path=w.subdistrict.path, month=date(year, 1, 1),
                                   status="APPROVED")
    draft = await Payroll.create(subdistrict_id=w.subdistrict.id, path=w.subdistrict.path, month=date(year, 2, 1))
    for i, amount in enumerate(["300.00", "0.10", "0.20"]):
        await PayrollLine.create(payroll_id=payroll.id, path=w.community_a.path, community_id=w.community_a.id,
                                 person_id=heads[i].person_id, kind="BUILDING_HEAD", source=f"BH:{i}", amount=amount)
    await PayrollLine.create(payroll_id=draft.id, path=w.community_a.path, community_id=w.community_a.id,
                             person_id=heads[0].person_id, kind="BUILDING_HEAD", source="BH:0", amount="300.00")
    await FundEntry.create(workstation_id=ws_a.id, path=ws_a.path, year=year, spent_on=date(year, 1, 5),
                           amount=Decimal("123.45"), description="打印", recorded_by="t")

    q = ("query($s: ID!, $y: Int!){ subdistrictBudget(subdistrictId: $s, year: $y){ buildingHeads "
         "subsidisedBuildingHeads paidStationHeads workstations budget { buildingHeadSubsidies stationHeadSubsidies "
         "workstationFunds insurancePremiums total } months { month payrollPaid fundSpent total } payrollPaid "
         "fundSpent spent remaining } }")
    officer = await api.as_user("linhu", PASSWORD)
    b = (await officer.gql(q, {"s": gid(w.subdistrict), "y": year}))["subdistrictBudget"]
    assert (b["buildingHeads"], b["subsidisedBuildingHeads"], b["paidStationHeads"], b["workstations"]) == (3, 2, 1, 2)
    assert b["budget"] == {"buildingHeadSubsidies": "7200.00", "stationHeadSubsidies": "6000.00",
                           "workstationFunds": "20000.00", "insurancePremiums": "300.00", "total": "33500.00"}
    assert b["months"][0] == {"month": f"{year}-01-01", "payrollPaid": "300.30", "fundSpent": "123.45",
                              "total": "423.75"}
    assert b["months"][1]["payrollPaid"] == "0.00"  # a draft is not paid
    assert len(b["months"]) == 12
    assert (b["payrollPaid"], b["fundSpent"], b["spent"], b["remaining"]) == ("300.30", "123.45", "423.75", "33076.25")
    finance = await partner_key(Role.FINANCE, w.subdistrict)
    assert (await api.raw(q, {"s": gid(w.subdistrict), "y": year}, headers={"X-Api-Key": finance}))["data"][
        "subdistrictBudget"]["budget"]["total"] == "33500.00"
    staff = await api.as_user("jinhua", PASSWORD)
    assert (await staff.raw(q, {"s": gid(w.subdistrict), "y": year}))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad_year = await officer.raw(q, {"s": gid(w.subdistrict), "y": 1900})
    assert bad_year["errors"][0]["extensions"]["code"] == "YEAR_OUT_OF_RANGE"
