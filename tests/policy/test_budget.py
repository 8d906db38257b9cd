from datetime import date
from decimal import Decimal

import pytest

from policy.access import Grant, payee_names_visible
from policy.budget import budget_lines, budget_reference_day, fund_remaining, mask_name
from policy.kinds import Role


def test_budget_lines_are_exact_decimals():
    lines = budget_lines(building_heads=7, paid_station_heads=2, workstations=3, insured_heads=8,
                         building_head_subsidy=Decimal("300.00"), station_head_subsidy=Decimal("500.00"),
                         workstation_fund=Decimal("10000.00"), insurance_premium=Decimal("100.00"))
    assert lines.building_heads == Decimal("25200.00")
    assert lines.station_heads == Decimal("12000.00")
    assert lines.workstation_funds == Decimal("30000.00")
    assert lines.insurance == Decimal("800.00")
    assert lines.total == Decimal("68000.00")
    odd = budget_lines(building_heads=3, paid_station_heads=0, workstations=0, insured_heads=3,
                       building_head_subsidy=Decimal("0.10"), station_head_subsidy=Decimal("500.00"),
                       workstation_fund=Decimal("0"), insurance_premium=Decimal("0.10"))
    assert odd.building_heads == Decimal("3.60") and odd.insurance == Decimal("0.30")  # no 0.30000000000000004
    with pytest.raises(ValueError):
        budget_lines(building_heads=-1, paid_station_heads=0, workstations=0, insured_heads=0,
                     building_head_subsidy=Decimal(1), station_head_subsidy=Decimal(1), workstation_fund=Decimal(1),
                     insurance_premium=Decimal(1))


def test_reference_day():
    today = date(2026, 6, 15)
    assert budget_reference_day(2025, today) == date(2025, 12, 31)
    assert budget_reference_day(2026, today) == today
    assert budget_reference_day(2027, today) == date(2027, 1, 1)


def test_fund_remaining_and_masking():
    assert fund_remaining(Decimal("10000.00"), Decimal("9999.99")) == Decimal("0.01")
    assert mask_name("张三丰") == "张**"
    assert mask_name("李四") == "李*"
    assert mask_name("王") == "*"


def test_payee_names_for_the_finance_office_and_personal_data_holders():
    sub, community, other = "/1/2/3/", "/1/2/3/4/", "/1/2/9/"
    assert payee_names_visible([Grant(Role.FINANCE, 3, sub)], community)
    assert not payee_names_visible([Grant(Role.FINANCE, 3, sub)], other)
    assert payee_names_visible([Grant(Role.SUBDISTRICT_OFFICER, 3, sub)], community)
    assert not payee_names_visible([Grant(Role.DISTRICT_OFFICE, 1, "/1/")], community)
    assert not payee_names_visible([Grant(Role.HOTLINE, 1, "/1/")], community)
