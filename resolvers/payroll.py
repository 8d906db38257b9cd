"""The monthly payroll per subdistrict (docs/policy.md §9, §12, §14): computed set-wise in SQL.

``compute_payrolls`` writes each subdistrict's DRAFT lines with ONE ``INSERT … SELECT`` (after a
``DELETE`` of the draft's old lines, in one transaction per subdistrict, the payroll row locked):
the building-head, station-head, top-up, excellence-bonus and adjustment lines. The rules are
policy/payroll.py's (the reference a property test compares the SQL with).

How the SQL does the arithmetic, the same on SQLite and PostgreSQL:
- **Rates in force on each day**: a small table of the month's days and their rates, in fen, per
  *rate node* (``rates(scope_id, d, bh, sh)``, at most 31 rows per node) is built here in Python
  from the parameter rows (``policy.parameters.value_in_force``) and inlined as ``VALUES``. Rate
  nodes: the subdistrict (whose values come from the subdistrict, its new town and the district),
  and every community/village and compound under it that sets one of the two subsidies itself —
  a line uses the rates of its compound if that has its own rows, else of its community, else of
  the subdistrict. (Rows set on a building or village group are not used for pay.)
- **Days served and segments**: each term/appointment is joined with the days of the month it
  covers; a day's rate is summed per line and rounded once: ``fen = (2·Σrate + D) div (2·D)``
  (half-up, integers only, D = days in the month) — the same as Σ rate×days÷D over the segments.
- **Higher rate, not both**: a day on which a person is a paid station head and a building head is
  dropped from the line with the lower rate (the building-head line on a tie).

Every literal inlined in the statement is an int, an ISO date or a tree path (digits and '/')
made by this module — never a client's text.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError

from models.money import Payroll, PayrollAdjustment, PayrollLine, TopUp
from models.parameters import PolicyParameter
from models.tree import Node
from policy import parameters as params
from policy.access import Capability
from policy.dates import days_in_month, month_bounds
from policy.kinds import NodeKind
from policy.money import PayrollStatus, to_fen
from policy.payroll import PAID_STAFF_KINDS
from resolvers import sql
from resolvers.business_dates import not_future
from resolvers.clock import today
from resolvers.errors import Problem
from resolvers.rows import ancestor_ids
from resolvers.scope import node_in_scope, obtain
from resolvers.uow import snapshot, unit_of_work
from resolvers.viewer import Viewer

RATE_KEYS = ("building_head_subsidy", "station_head_subsidy")
RATE_NODE_KINDS = frozenset({NodeKind.COMMUNITY, NodeKind.VILLAGE, NodeKind.COMPOUND})
TOP_UP_NODE_KINDS = frozenset({NodeKind.SUBDISTRICT, NodeKind.COMMUNITY, NodeKind.VILLAGE, NodeKind.COMPOUND})
_PAID_STAFF = ", ".join(f"'{k.value}'" for k in sorted(PAID_STAFF_KINDS))


def first_of_month(d: date) -> date:
    return d.replace(day=1)


def _fen(value: Decimal | int) -> int:
    return int(to_fen(Decimal(value)) * 100)


def _money_of_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------------------------
# rates per node and day


async def month_rates(sd: Node, month: date) -> dict[int, list[tuple[date, int, int]]]:
    """Rate node id → the month's days with (building-head, station-head) rates in fen."""
    under = await PolicyParameter.filter(key__in=RATE_KEYS, path__startswith=sd.path).exclude(node_id=sd.id) \
        .values_list("node_id", flat=True)
    nodes = {n.id: n for n in await Node.filter(id__in=set(under), kind__in=list(RATE_NODE_KINDS))} if under else {}
    chain_ids = set(ancestor_ids(sd.path)) | set(nodes)
    rows = [params.ParameterRow(r["node_id"], r["key"], r["value"], r["effective_from"])
            for r in await PolicyParameter.filter(key__in=RATE_KEYS, node_id__in=chain_ids)
            .order_by("id").values("node_id", "key", "value", "effective_from")]
    first, last = month_bounds(month.year, month.month)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    out: dict[int, list[tuple[date, int, int]]] = {}
    for node in [sd, *nodes.values()]:
        chain = list(reversed(ancestor_ids(node.path)))
        out[node.id] = [(d, _fen(params.value_in_force(RATE_KEYS[0], chain, rows, d)),  # type: ignore[arg-type]
                         _fen(params.value_in_force(RATE_KEYS[1], chain, rows, d))) for d in days]  # type: ignore[arg-type]
    return out


# --------------------------------------------------------------------------------------------
# the statement


def _lit_date(d: date, pg: bool) -> str:
    return f"DATE '{d.isoformat()}'" if pg else f"'{d.isoformat()}'"


def _money(expr: str, pg: bool) -> str:
    """A whole number of fen as the DECIMAL column's value (text on SQLite, exact)."""
    if pg:
        return f"(CAST(({expr}) AS NUMERIC) / 100)"
    return f"printf('%d.%02d', ({expr}) / 100, ({expr}) % 100)"


def lines_statement(*, payroll_id: str, sd_id: str, path_like: str, month: date,
                    rates: dict[int, list[tuple[date, int, int]]], pg: bool) -> str:
    """``INSERT INTO payroll_line … SELECT`` of every line of a month (see the module's doc).

    ``payroll_id``/``sd_id``: the ids as SQL literals; ``path_like``: the subdistrict's path."""
    first, last = month_bounds(month.year, month.month)
    dim = days_in_month(month.year, month.month)
    f, l_ = _lit_date(first, pg), _lit_date(last, pg)
    values = ", ".join(f"({node_id}, {_lit_date(d, pg)}, {bh}, {sh})"
                       for node_id, days in rates.items() for d, bh, sh in days)
    default = sd_id
    lower = [n for n in rates if str(n) != default]
    if lower:
        scope_join = ("LEFT JOIN (SELECT DISTINCT scope_id FROM rates) s1 ON s1.scope_id = k.id "
                      "LEFT JOIN (SELECT DISTINCT scope_id FROM rates) s2 ON s2.scope_id = c.id")
        scope_expr = f"COALESCE(s1.scope_id, s2.scope_id, {default})"
    else:
        scope_join, scope_expr = "", default
    like = f"'{sql.like_prefix(path_like)}'" if path_like else None
    head_where = f"t.path LIKE {like}" if like else "1 = 1"
    app_where = f"sa.path LIKE {like}" if like else "1 = 1"

    def rounded(s: str) -> str:
        return _money(f"(2 * {s} + {dim}) / {2 * dim}", pg)

    cols = "payroll_id, path, community_id, person_id, term_id, appointment_id, kind, source, days, amount, note"
    return f"""
INSERT INTO payroll_line ({cols})
WITH rates(scope_id, d, bh, sh) AS (VALUES {values}),
heads AS (
  SELECT t.id, t.person_id, c.id AS community_id, c.path AS cpath, t.path AS tpath, c.parent_id AS sd,
         {scope_expr} AS scope_id, t.starts_on, t.ended_on
  FROM building_head t
  JOIN service_area a ON a.id = t.service_area_id
  JOIN node k ON k.id = a.container_id
  JOIN node c ON c.id = CASE WHEN k.depth = 3 THEN k.id ELSE k.parent_id END
  {scope_join}
  WHERE {head_where}
),
terms AS (SELECT * FROM heads WHERE starts_on <= {l_} AND (ended_on IS NULL OR ended_on >= {f})),
bh_days AS (
  SELECT t.id, t.person_id, r.d, r.bh FROM terms t
  JOIN rates r ON r.scope_id = t.scope_id AND r.d >= t.starts_on AND (t.ended_on IS NULL OR r.d <= t.ended_on)
),
apps AS (
  SELECT sa.id, sa.person_id, c.id AS community_id, c.path AS cpath, c.parent_id AS sd,
         {scope_expr} AS scope_id, sa.appointed_on, sa.ended_on
  FROM station_head_appointment sa
  JOIN workstation w ON w.id = sa.workstation_id
  JOIN node k ON k.id = w.compound_id
  JOIN node c ON c.id = k.parent_id
  {scope_join}
  WHERE {app_where} AND sa.appointed_on <= {l_} AND (sa.ended_on IS NULL OR sa.ended_on >= {f})
),
sh_days AS (
  SELECT a.id, a.person_id, r.d, r.sh FROM apps a
  JOIN rates r ON r.scope_id = a.scope_id AND r.d >= a.appointed_on AND (a.ended_on IS NULL OR r.d <= a.ended_on)
  WHERE NOT EXISTS (SELECT 1 FROM staff_role s WHERE s.person_id = a.person_id AND s.kind IN ({_PAID_STAFF})
                    AND s.started_on <= r.d AND (s.ended_on IS NULL OR s.ended_on >= r.d))
),
bh_sum AS (
  SELECT b.id, COUNT(*) AS days, SUM(b.bh) AS s FROM bh_days b
  WHERE NOT EXISTS (SELECT 1 FROM sh_days x WHERE x.person_id = b.person_id AND x.d = b.d AND x.sh >= b.bh)
  GROUP BY b.id
),
sh_sum AS (
  SELECT x.id, COUNT(*) AS days, SUM(x.sh) AS s FROM sh_days x
  WHERE NOT EXISTS (SELECT 1 FROM bh_days b WHERE b.person_id = x.person_id AND b.d = x.d AND b.bh > x.sh)
  GROUP BY x.id
),
tu AS (
  SELECT u.id AS tu_id, t.person_id, MAX(t.id) AS term_id FROM top_up u
  JOIN terms t ON t.tpath LIKE u.path || '%'
  WHERE u.month = {f} {f"AND u.path LIKE {like}" if like else ""}
  GROUP BY u.id, t.person_id
)
SELECT {payroll_id}, t.cpath, t.community_id, t.person_id, t.id, NULL, 'BUILDING_HEAD', 'BH:' || t.id, b.days,
       {rounded('b.s')}, ''
FROM bh_sum b JOIN terms t ON t.id = b.id
UNION ALL
SELECT {payroll_id}, a.cpath, a.community_id, a.person_id, NULL, a.id, 'STATION_HEAD', 'SH:' || a.id, x.days,
       {rounded('x.s')}, ''
FROM sh_sum x JOIN apps a ON a.id = x.id
UNION ALL
SELECT {payroll_id}, t.cpath, t.community_id, t.person_id, t.id, NULL, 'TOP_UP', 'TU:' || u.id || ':' || t.id, 0,
       u.amount, ''
FROM tu JOIN terms t ON t.id = tu.term_id JOIN top_up u ON u.id = tu.tu_id
UNION ALL
SELECT {payroll_id}, t.cpath, t.community_id, t.person_id, t.id, NULL, 'EXCELLENCE_BONUS', 'EX:' || e.id, 0,
       {_money('r.bh', pg)}, ''
FROM excellence_selection e JOIN heads t ON t.id = e.term_id
JOIN rates r ON r.scope_id = t.scope_id AND r.d = {f}
WHERE e.status = 'SIGNED_OFF'
  AND NOT EXISTS (SELECT 1 FROM payroll_line l WHERE l.kind = 'EXCELLENCE_BONUS' AND l.source = 'EX:' || e.id)
UNION ALL
SELECT {payroll_id}, j.path, j.community_id, j.person_id, j.term_id, NULL, 'ADJUSTMENT', 'ADJ:' || j.id, 0,
       j.amount, ''
FROM payroll_adjustment j JOIN payroll p0 ON p0.id = j.corrects_payroll_id
WHERE j.subdistrict_id = {sd_id} AND p0.month < {f}
  AND NOT EXISTS (SELECT 1 FROM payroll_line l WHERE l.kind = 'ADJUSTMENT' AND l.source = 'ADJ:' || j.id)
"""


# --------------------------------------------------------------------------------------------
# computing


@dataclass
class ComputeResult:
    payroll: Payroll | None
    computed: bool
    lines: int


def _d(value: date) -> Any:
    return value.isoformat() if sql.is_sqlite() else value


async def _payroll_total(payroll_id: int) -> Decimal:
    rows = await sql.fetch("SELECT COALESCE(SUM(CAST(ROUND(amount * 100) AS BIGINT)), 0) AS fen "
                           "FROM payroll_line WHERE payroll_id = $1", payroll_id)
    return _money_of_fen(int(rows[0]["fen"]))


async def _compute_one(caller: Viewer, sd: Node, month: date, *, refuse_closed: bool) -> ComputeResult:
    """One subdistrict's draft, (re)computed in the current unit of work."""
    pg = not sql.is_sqlite()
    now = datetime.now(timezone.utc)
    if pg:  # one computation of a subdistrict at a time, whatever the month (bonuses, adjustments paid once)
        await sql.fetch("SELECT id FROM node WHERE id = $1 FOR NO KEY UPDATE", sd.id)
    await sql.fetch(
        "INSERT INTO payroll (subdistrict_id, path, month, status, total, created_at) VALUES ($1, $2, $3, $4, $5, $6) "
        "ON CONFLICT (subdistrict_id, month) DO NOTHING",
        sd.id, sd.path, _d(month), PayrollStatus.DRAFT.value, "0.00" if not pg else Decimal("0.00"),
        now if pg else now.isoformat())
    payroll = await Payroll.select_for_update().get(subdistrict_id=sd.id, month=month)
    if payroll.status != PayrollStatus.DRAFT:
        if refuse_closed:
            raise Problem("PAYROLL_NOT_DRAFT", ["input", "month"], status=payroll.status.value)
        return ComputeResult(payroll, False, 0)
    before = snapshot(payroll, ["status", "total"])
    await sql.fetch("DELETE FROM payroll_line WHERE payroll_id = $1", payroll.id)
    rates = await month_rates(sd, month)
    await sql.fetch(lines_statement(payroll_id=str(payroll.id), sd_id=str(sd.id), path_like=sd.path, month=month,
                                    rates=rates, pg=pg))
    count = await PayrollLine.filter(payroll_id=payroll.id).count()
    payroll.total = await _payroll_total(payroll.id)
    payroll.computed_at = now
    await payroll.save(update_fields=["total", "computed_at"])
    from resolvers.uow import current

    await current().audit("payrollCompute", "Payroll", payroll.id, payroll.path, before,
                          {**snapshot(payroll, ["status", "total"]), "lines": count}, live=False)
    return ComputeResult(payroll, True, count)


def _month(month: date, field: list[str]) -> date:
    m = first_of_month(month)
    not_future(m, field)
    return m


async def compute_payrolls(caller: Viewer, *, month: date, subdistrict_id: int | None = None) -> dict[str, int]:
    """The month's DRAFT payroll of every subdistrict in the caller's scope (or the one given),
    (re)computed: one transaction per subdistrict; an APPROVED or PAID one is skipped."""
    month = first_of_month(month)
    if subdistrict_id is not None:
        ids = [subdistrict_id]
    else:
        q = Node.filter(kind=NodeKind.SUBDISTRICT, closed_on__isnull=True)
        if not caller.system:
            q = q.filter(caller.scope_q(Capability.PAYROLL_APPROVE))
        ids = list(await q.order_by("id").values_list("id", flat=True))
    counts = {"computed": 0, "skipped": 0, "lines": 0}
    for sd_id in ids:
        async with unit_of_work(caller):
            sd = await node_in_scope(caller, sd_id, Capability.PAYROLL_APPROVE, [NodeKind.SUBDISTRICT])
            r = await _compute_one(caller, sd, month, refuse_closed=False)
        counts["computed" if r.computed else "skipped"] += 1
        counts["lines"] += r.lines
    return counts


async def payroll_compute(caller: Viewer, subdistrict_id: int, month: date) -> Payroll:
    """The mutation: one subdistrict's draft of a month; an approved or paid payroll is refused."""
    m = _month(month, ["input", "month"])
    sd = await node_in_scope(caller, subdistrict_id, Capability.PAYROLL_APPROVE, [NodeKind.SUBDISTRICT])
    r = await _compute_one(caller, sd, m, refuse_closed=True)
    assert r.payroll is not None
    return r.payroll


# --------------------------------------------------------------------------------------------
# states


async def payroll_approve(caller: Viewer, payroll_id: int) -> Payroll:
    from resolvers.uow import current

    p = await obtain(caller, Payroll, payroll_id, Capability.PAYROLL_APPROVE, for_update=True)
    if p.status != PayrollStatus.DRAFT:
        raise Problem("PAYROLL_NOT_DRAFT", ["input", "id"], status=p.status.value)
    if p.computed_at is None:
        raise Problem("PAYROLL_NOT_COMPUTED", ["input", "id"])
    before = snapshot(p, ["status", "total"])
    p.status = PayrollStatus.APPROVED
    p.approved_at = datetime.now(timezone.utc)
    p.approved_by = caller.label
    await p.save(update_fields=["status", "approved_at", "approved_by"])
    await current().audit("payrollApprove", "Payroll", p.id, p.path, before, snapshot(p, ["status", "total"]))
    return p


async def payroll_mark_paid(caller: Viewer, payroll_id: int, paid_on: date | None) -> Payroll:
    from resolvers.uow import current

    paid_on = paid_on or today()
    not_future(paid_on, ["input", "paidOn"])
    p = await obtain(caller, Payroll, payroll_id, Capability.PAYROLL_APPROVE, for_update=True)
    if p.status != PayrollStatus.APPROVED:
        raise Problem("PAYROLL_NOT_APPROVED", ["input", "id"], status=p.status.value)
    if paid_on < p.month:
        raise Problem("PAYROLL_PAID_BEFORE_MONTH", ["input", "paidOn"], month=p.month.isoformat()[:7])
    before = snapshot(p, ["status", "paid_on"])
    p.status, p.paid_on, p.paid_by = PayrollStatus.PAID, paid_on, caller.label
    await p.save(update_fields=["status", "paid_on", "paid_by"])
    await current().audit("payrollMarkPaid", "Payroll", p.id, p.path, before, snapshot(p, ["status", "paid_on"]))
    return p


async def top_up_create(caller: Viewer, node_id: int, month: date, amount: Decimal, reason: str,
                        approved_on: date | None) -> TopUp:
    from resolvers.uow import current

    node = await node_in_scope(caller, node_id, Capability.PAYROLL_APPROVE)
    if node.kind not in TOP_UP_NODE_KINDS:
        raise Problem("TOP_UP_NODE_KIND", ["input", "nodeId"])
    approved_on = approved_on or today()
    not_future(approved_on, ["input", "approvedOn"])
    if amount <= 0 or to_fen(amount) != amount:
        raise Problem("MONEY_NOT_POSITIVE", ["input", "amount"])
    reason = reason.strip()
    if not reason or len(reason) > 200:
        raise Problem("REASON_REQUIRED", ["input", "reason"], max=200)
    m = first_of_month(month)
    sd_id = ancestor_ids(node.path)[2]
    closed = await Payroll.filter(subdistrict_id=sd_id, month=m).exclude(status=PayrollStatus.DRAFT).exists()
    if closed:
        raise Problem("PAYROLL_NOT_DRAFT", ["input", "month"], status="APPROVED")
    t = await TopUp.create(node_id=node.id, path=node.path, month=m, amount=amount, reason=reason,
                           approved_on=approved_on, approved_by=caller.label)
    await current().audit("topUpCreate", "TopUp", t.id, t.path, None, snapshot(t))
    return t


async def payroll_adjustment_create(caller: Viewer, payroll_id: int, person_id: int, amount: Decimal,
                                    reason: str, recorded_on: date | None = None) -> PayrollAdjustment:
    """A correction of an approved (or paid) payroll: paid as a line of the next draft computed."""
    from resolvers.uow import current

    p = await obtain(caller, Payroll, payroll_id, Capability.PAYROLL_APPROVE, for_update=True)
    if p.status == PayrollStatus.DRAFT:
        raise Problem("ADJUSTMENT_OF_DRAFT", ["input", "payrollId"])
    if amount == 0 or to_fen(amount) != amount:
        raise Problem("ADJUSTMENT_AMOUNT", ["input", "amount"])
    reason = reason.strip()
    if not reason or len(reason) > 300:
        raise Problem("REASON_REQUIRED", ["input", "reason"], max=300)
    recorded_on = recorded_on or today()
    line = await PayrollLine.filter(payroll_id=p.id, person_id=person_id).order_by("id").first()
    if line is None:
        raise Problem("ADJUSTMENT_PERSON_NOT_ON_PAYROLL", ["input", "personId"])
    adj = await PayrollAdjustment.create(
        path=line.path, community_id=line.community_id, subdistrict_id=p.subdistrict_id, person_id=person_id,
        term_id=line.term_id, corrects_payroll_id=p.id, amount=amount, reason=reason, recorded_on=recorded_on,
        recorded_by=caller.label)
    await current().audit("payrollAdjustmentCreate", "PayrollAdjustment", adj.id, adj.path, None, snapshot(adj))
    return adj


# --------------------------------------------------------------------------------------------
# reads


async def payrolls(caller: Viewer, node_id: int | None, month: date | None,
                   status: PayrollStatus | None) -> list[Payroll]:
    caller.require_authenticated()
    q = Payroll.filter(caller.scope_q(Capability.READ))
    if node_id is not None:
        node = await node_in_scope(caller, node_id)
        if node.kind in (NodeKind.DISTRICT, NodeKind.NEW_TOWN, NodeKind.SUBDISTRICT):
            q = q.filter(path__startswith=node.path)
        else:  # a community or below: the payroll of its subdistrict
            q = q.filter(subdistrict_id=ancestor_ids(node.path)[2])
    if month is not None:
        q = q.filter(month=first_of_month(month))
    if status is not None:
        q = q.filter(status=status)
    return await q.order_by("-month", "path", "id").limit(1000)


async def payroll_lines(caller: Viewer, payroll: Payroll) -> list[PayrollLine]:
    q = PayrollLine.filter(payroll_id=payroll.id)
    if not caller.can_read(payroll.path):
        q = q.filter(caller.scope_q(Capability.READ))
    return await q.order_by("path", "kind", "person_id", "id")


@dataclass(frozen=True)
class TotalRow:
    node_id: int
    kind: NodeKind
    name: str
    path: str
    depth: int
    lines: int
    total: Decimal


async def payroll_totals(caller: Viewer, node_id: int, month: date, *, payroll_id: int | None = None) -> list[TotalRow]:
    """The month's totals rolled up community → subdistrict → new town → district under the node
    (in SQL: each line's community joined with its ancestors on the path prefix), outermost first."""
    node = await node_in_scope(caller, node_id)
    if payroll_id is None:
        where = "p.month = $2"
        arg: Any = _d(first_of_month(month))
    else:
        where = "p.id = $2"
        arg = payroll_id
    like = sql.like_prefix(node.path)
    rows = await sql.fetch(
        "SELECT n.id, n.kind, n.name, n.path, n.depth, COUNT(l.id) AS lines, "
        "COALESCE(SUM(CAST(ROUND(l.amount * 100) AS BIGINT)), 0) AS fen "
        "FROM payroll_line l JOIN payroll p ON p.id = l.payroll_id "
        "JOIN node n ON l.path LIKE n.path || '%' AND n.depth <= 3 "
        f"WHERE l.path LIKE $1 AND {where} AND n.path LIKE $3 "
        "GROUP BY n.id, n.kind, n.name, n.path, n.depth ORDER BY n.depth, n.path",
        like, arg, like)
    # the node's ancestors above it are not in the LIKE $3 subtree: a community node gets its own row
    return [TotalRow(int(r["id"]), NodeKind(r["kind"]), r["name"], r["path"], int(r["depth"]), int(r["lines"]),
                     _money_of_fen(int(r["fen"]))) for r in rows if caller.can_read(r["path"])]


def integrity_problem(exc: IntegrityError) -> Problem:
    """A lost race on a line paid once (a bonus or an adjustment taken by another run)."""
    return Problem("PAYROLL_CONCURRENT", ["input"])


__all__ = [
    "compute_payrolls", "payroll_compute", "payroll_approve", "payroll_mark_paid", "top_up_create",
    "payroll_adjustment_create", "payrolls", "payroll_lines", "payroll_totals", "lines_statement", "month_rates",
]
