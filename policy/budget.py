"""Budgets: the workstation operating fund and the subdistrict's yearly budget (docs/policy.md
§9, §10, §12), and how payees' names appear in the finance office's exports. Pure: no I/O.

Decisions:
- The workstation fund of a year is the ``workstation_fund`` parameter in force on 1 January at
  the station; spending beyond what remains of it is refused (the fund is the subdistrict's
  budget line: overspending needs a new decision, not a silent negative balance).
- The subdistrict's budget of a year is derived from the tree as it stands on the reference day
  (31 December of a past year, today for the current year, 1 January for a future one), with the
  parameters in force on 1 January: building heads serving × 12 × building_head_subsidy (a head
  who is also a paid station head is counted once, at the station head's higher rate, §9),
  paid station heads (appointed from the building heads, not community or grid workers, who are
  already paid) × 12 × station_head_subsidy, workstations × workstation_fund, building heads
  serving × insurance_premium.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from policy.money import to_fen

__all__ = ["BudgetLines", "budget_lines", "budget_reference_day", "fund_remaining", "mask_name", "MONTHS"]

MONTHS = 12


@dataclass(frozen=True)
class BudgetLines:
    building_heads: Decimal
    station_heads: Decimal
    workstation_funds: Decimal
    insurance: Decimal

    @property
    def total(self) -> Decimal:
        return self.building_heads + self.station_heads + self.workstation_funds + self.insurance


def budget_reference_day(year: int, today: date) -> date:
    """The day whose tree a year's budget is derived from."""
    if year < today.year:
        return date(year, 12, 31)
    if year > today.year:
        return date(year, 1, 1)
    return today


def budget_lines(*, building_heads: int, paid_station_heads: int, workstations: int, insured_heads: int,
                 building_head_subsidy: Decimal, station_head_subsidy: Decimal, workstation_fund: Decimal,
                 insurance_premium: Decimal) -> BudgetLines:
    """A year's budget lines in CNY (each rounded to the fen once)."""
    for n in (building_heads, paid_station_heads, workstations, insured_heads):
        if n < 0:
            raise ValueError("counts cannot be negative")
    return BudgetLines(
        building_heads=to_fen(Decimal(building_heads) * MONTHS * building_head_subsidy),
        station_heads=to_fen(Decimal(paid_station_heads) * MONTHS * station_head_subsidy),
        workstation_funds=to_fen(Decimal(workstations) * workstation_fund),
        insurance=to_fen(Decimal(insured_heads) * insurance_premium),
    )


def fund_remaining(fund: Decimal, spent: Decimal) -> Decimal:
    """What remains of a year's fund (negative only if the fund was lowered after spending)."""
    return to_fen(fund - spent)


def mask_name(name: str) -> str:
    """A payee's name for a reader who may not see it: the surname kept, the rest starred
    ("张三丰" → "张**"); a one-character name becomes "*"."""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)
