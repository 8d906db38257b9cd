"""Accident insurance at three months (docs/policy.md §10): the daily check of every head whose
check is due (``check_insurance``, the job's operation), the purchase the community records for
an eligible head, and the lists the community and the insurer read.

Decisions:
- The check of a term falls ``insurance_after_months`` (in force at the term's place on its
  start date) months after the start, month ends clamped (policy/insurance.py).
- A renewed term (``renewed_from``) and a term entered from a paper register are not checked:
  the head took up the post before, and was insured (or not) then.
- ASSESSMENT_OVERDUE is raised to the community once (an audit entry at the community's path,
  and the check listed by ``insuranceChecks``); every later run looks again, and the row turns
  into the final outcome once the probation result is in. Final outcomes never change.
- NOT_ELIGIBLE ends the service on the day of the check (reason PROBATION_FAILED), filed with
  the subdistrict like every end of service.
- A second run finds nothing to do (one check per term: a unique key). Two runs at the same
  moment: the loser's unit of work is refused by that key and rolled back, and it runs once
  more, finding the winner's rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from tortoise.exceptions import IntegrityError

from models.money import InsuranceCheck, InsurancePurchase
from models.parameters import PolicyParameter
from models.recruitment import BuildingHead
from policy import parameters as params
from policy.access import Capability
from policy.dates import add_months
from policy.idnumber import mask_id_number
from policy.insurance import check_due_on, insurance_outcome, probation_result, purchase_problems, serving_on
from policy.kinds import TermStatus
from policy.money import InsuranceOutcome
from policy.terms import EndReason
from resolvers import sql
from resolvers.clock import SHANGHAI
from resolvers.errors import Problem, Problems
from resolvers.locks import locked
from resolvers.recruitment.terms import end_term
from resolvers.rows import ancestor_ids
from resolvers.scope import node_in_scope, obtain
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer

_COMMUNITY_JOIN = "LEFT JOIN node c ON c.kind IN ('COMMUNITY', 'VILLAGE') AND {path} LIKE c.path || '%'"


def _scope_sql(paths: list[str], column: str, first: int) -> tuple[str, list[str]]:
    """``column`` under one of ``paths`` ("/" is everything), as SQL from placeholder ``first`` on."""
    if "/" in paths:
        return "1 = 1", []
    if not paths:
        return "1 = 0", []
    parts = [f"{column} LIKE ${first + i}" for i in range(len(paths))]
    return "(" + " OR ".join(parts) + ")", [sql.like_prefix(p) for p in paths]


_DUE_SQL = (
    "SELECT bh.id, bh.path, bh.status, bh.starts_on, bh.ended_on, ic.id AS check_id, ic.outcome AS check_outcome, "
    "a.grade, a.status AS a_status, a.proposed_grade, c.id AS community_id, c.path AS community_path "
    "FROM building_head bh "
    "LEFT JOIN insurance_check ic ON ic.term_id = bh.id "
    "LEFT JOIN assessment a ON a.term_id = bh.id AND a.kind = 'PROBATION' AND a.year = 0 "
    + _COMMUNITY_JOIN.format(path="bh.path") + " "
    "WHERE (ic.id IS NULL OR ic.outcome = 'ASSESSMENT_OVERDUE') AND bh.starts_on <= $1 "
    "AND bh.renewed_from_id IS NULL AND NOT bh.recorded_from_register AND {scope} ORDER BY bh.id"
)


async def _months_rule() -> list[params.ParameterRow]:
    rows = await PolicyParameter.filter(key="insurance_after_months").values("node_id", "key", "value", "effective_from")
    return [params.ParameterRow(r["node_id"], r["key"], r["value"], r["effective_from"]) for r in rows]


async def check_insurance(caller: Viewer, *, on: date) -> dict[str, int]:
    """The daily check (§10) of every term whose check is due on or before ``on`` and not final
    yet, within the caller's RECRUITMENT scope (SYSTEM: everywhere). Returns how many checks of
    each outcome it recorded or settled this run, and how many terms it ended."""
    try:
        return await _check_insurance(caller, on)
    except IntegrityError:  # a concurrent run recorded some of the same checks first: look again
        return await _check_insurance(caller, on)


async def _check_insurance(caller: Viewer, on: date) -> dict[str, int]:
    counts = {o.value.lower(): 0 for o in InsuranceOutcome} | {"ended": 0}
    caller.require_authenticated()
    async with unit_of_work(caller) as uow:
        scope, scope_args = _scope_sql(caller.scope_paths(Capability.RECRUITMENT), "bh.path", 2)
        # every term that can be due (the rule is at least one month): one statement
        rows = await sql.fetch(_DUE_SQL.format(scope=scope), add_months(on, -1), *scope_args)
        rule = await _months_rule()
        now = datetime.now(SHANGHAI)
        for r in rows:
            starts_on = sql.as_date(r["starts_on"])
            months = int(params.value_in_force("insurance_after_months", list(reversed(ancestor_ids(r["path"]))),
                                               rule, starts_on))
            due = check_due_on(starts_on, months)
            if due > on:
                continue
            serving = serving_on(due, active=r["status"] == TermStatus.ACTIVE.value, ended_on=sql.as_date(r["ended_on"]))
            outcome = insurance_outcome(serving, probation_result(r["grade"], r["a_status"], r["proposed_grade"]))
            if r["check_id"] is not None:
                if outcome == InsuranceOutcome.ASSESSMENT_OVERDUE:
                    continue  # still overdue: raised already
                check = await InsuranceCheck.get(id=r["check_id"])
                before = snapshot(check)
                check.outcome, check.checked_at = outcome, now
                await check.save(update_fields=["outcome", "checked_at"])
                await uow.audit("insuranceCheck", "InsuranceCheck", check.id, check.path, before, snapshot(check))
            else:
                check = await InsuranceCheck.create(term_id=r["id"], path=r["path"], due_on=due, outcome=outcome,
                                                    checked_at=now)
                await uow.audit("insuranceCheck", "InsuranceCheck", check.id, check.path, None, snapshot(check))
                if outcome == InsuranceOutcome.ASSESSMENT_OVERDUE:
                    # raised to the community: an entry its staff find under their own node
                    await uow.audit("insuranceAssessmentOverdue", "InsuranceCheck", check.id,
                                    r["community_path"] or r["path"], None, snapshot(check))
            counts[outcome.value.lower()] += 1
            if outcome == InsuranceOutcome.NOT_ELIGIBLE:
                t = await locked(BuildingHead, id=r["id"])
                if t is not None and t.status == TermStatus.ACTIVE:
                    before = snapshot(t)
                    await end_term(t, on, EndReason.PROBATION_FAILED.value, caller.label, "insurance check")
                    await uow.audit("buildingHeadEnd", "BuildingHead", t.id, t.path, before, snapshot(t))
                    counts["ended"] += 1
    return counts


# ---------------------------------------------------------------- the purchase


def _purchase_conflict(_exc: IntegrityError) -> Problem:
    return Problem("INSURANCE_ALREADY_PURCHASED", ["input", "termId"])


async def record_purchase(caller: Viewer, *, term_id: int, insurer: str, policy_number: str, cover_from: date,
                          cover_to: date, premium: Decimal) -> InsurancePurchase:
    """The community records the policy it bought for an eligible head (one per term)."""
    async with unit_of_work(caller, integrity=_purchase_conflict) as uow:
        term = await obtain(caller, BuildingHead, term_id, Capability.INSURANCE_RECORD, for_update=True)
        check = await InsuranceCheck.get_or_none(term_id=term.id)
        found = purchase_problems(outcome=check.outcome if check else None, cover_from=cover_from, cover_to=cover_to,
                                  premium=premium, insurer=insurer, policy_number=policy_number)
        if await InsurancePurchase.filter(term_id=term.id).exists():
            found.insert(0, ("INSURANCE_ALREADY_PURCHASED", "termId"))
        if found:
            raise Problems([Problem(code, ["input", f]) for code, f in found])
        p = await InsurancePurchase.create(term_id=term.id, path=term.path, insurer=insurer.strip(),
                                           policy_number=policy_number.strip(), cover_from=cover_from,
                                           cover_to=cover_to, premium=premium, recorded_by=caller.label)
        await uow.audit("insurancePurchaseRecord", "InsurancePurchase", p.id, p.path, None, snapshot(p))
    return p


# ---------------------------------------------------------------- the lists


@dataclass(frozen=True)
class InsuranceRow:
    """One check (or purchase) with the head's name, ID number (masked without PERSON_PII there)
    and community, for the lists."""

    id: int
    term_id: int
    path: str
    person_id: int
    name: str
    id_number: str
    starts_on: date
    due_on: date | None
    outcome: InsuranceOutcome | None
    checked_at: datetime | None
    community_id: int | None
    community_name: str | None
    community_kind: str | None
    purchase: InsurancePurchase | None = None


_LIST_SQL = (
    "SELECT ic.id, ic.term_id, ic.path, ic.due_on, ic.outcome, ic.checked_at, bh.starts_on, bh.person_id, "
    "p.name, p.id_number, c.id AS community_id, c.name AS community_name, c.kind AS community_kind "
    "FROM insurance_check ic JOIN building_head bh ON bh.id = ic.term_id JOIN person p ON p.id = bh.person_id "
    "LEFT JOIN insurance_purchase ip ON ip.term_id = ic.term_id "
    + _COMMUNITY_JOIN.format(path="ic.path") + " "
    "WHERE ic.path LIKE $1 AND {where} ORDER BY ic.due_on, ic.id"
)


def _row(caller: Viewer, r, purchase: InsurancePurchase | None = None) -> InsuranceRow:
    number = r["id_number"] or ""
    return InsuranceRow(
        id=r["id"], term_id=r["term_id"], path=r["path"], person_id=r["person_id"], name=r["name"],
        id_number=number if caller.can_pii(r["path"]) else mask_id_number(number),
        starts_on=sql.as_date(r["starts_on"]), due_on=sql.as_date(r["due_on"]),
        outcome=InsuranceOutcome(r["outcome"]) if r["outcome"] else None,
        checked_at=sql.as_datetime(r["checked_at"]), community_id=r["community_id"],
        community_name=r["community_name"], community_kind=r["community_kind"], purchase=purchase,
    )


async def purchases_due(caller: Viewer, node_id: int) -> list[InsuranceRow]:
    """Eligible heads still serving for whom no purchase is recorded yet, under the node (the
    insurer's key reads it: it holds PERSON_PII, so it sees the ID numbers it insures)."""
    node = await node_in_scope(caller, node_id)
    rows = await sql.fetch(_LIST_SQL.format(where="ic.outcome = 'ELIGIBLE' AND ip.id IS NULL AND bh.status = 'ACTIVE'"),
                           sql.like_prefix(node.path))
    return [_row(caller, r) for r in rows]


async def insurance_checks(caller: Viewer, node_id: int, outcome: InsuranceOutcome | None = None) -> list[InsuranceRow]:
    """The checks under the node (ASSESSMENT_OVERDUE: what the community must assess)."""
    node = await node_in_scope(caller, node_id)
    if outcome is None:
        rows = await sql.fetch(_LIST_SQL.format(where="1 = 1"), sql.like_prefix(node.path))
    else:
        rows = await sql.fetch(_LIST_SQL.format(where="ic.outcome = $2"), sql.like_prefix(node.path),
                               InsuranceOutcome(outcome).value)
    return [_row(caller, r) for r in rows]


async def insurance_purchases(caller: Viewer, node_id: int) -> list[tuple[InsurancePurchase, InsuranceRow]]:
    """The purchases recorded under the node, each with its check's row (two statements)."""
    node = await node_in_scope(caller, node_id)
    rows = await sql.fetch(_LIST_SQL.format(where="ip.id IS NOT NULL"), sql.like_prefix(node.path))
    purchases = {p.term_id: p for p in await InsurancePurchase.filter(path__startswith=node.path)}
    return [(purchases[r["term_id"]], _row(caller, r, purchases[r["term_id"]]))
            for r in rows if r["term_id"] in purchases]


async def check_by_id(caller: Viewer, pk: int) -> InsuranceRow | None:
    """One check for node(id:): None when missing or out of the caller's scope."""
    caller.require_authenticated()
    rows = await sql.fetch(_LIST_SQL.format(where="ic.id = $2"), "/%", pk)
    return _row(caller, rows[0]) if rows and caller.can_read(rows[0]["path"]) else None
