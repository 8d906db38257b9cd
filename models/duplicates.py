"""Rows that break an "at most one" rule before its unique index exists.

Migration 0003_integrity adds the unique indexes of the "at most one" rules; a database
written before them may already hold two rows one of which must go (a second 东湖新城 beside
the first, created by an old example import; two active terms of one person in one area).
Creating the index would then fail with the database's own error. The migration checks
first and stops with :class:`DuplicateRows`, naming every such group and what to do. It
never changes data itself: which of two rows is the right one is the operator's decision.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    index: str
    table: str
    columns: tuple[str, ...]
    where: str | None
    what: str  # the rule, for the message
    remedy: str  # what the operator does about a duplicate
    label: str  # SQL naming a row for a human (its name, or its person's)


_PERSON = "(SELECT p.name FROM person p WHERE p.id = t.person_id)"

RULES = [
    Rule("uq_application_person_campaign", "application", ("campaign_id", "person_id"), "status <> 'WITHDRAWN'",
         "one live application per person per campaign", "withdraw one of them", _PERSON),
    Rule("uq_building_head_active", "building_head", ("person_id", "service_area_id"), "status = 'ACTIVE'",
         "one active term per person per service area", "end one of the terms", _PERSON),
    Rule("uq_building_head_application", "building_head", ("application_id",), None,
         "one term per published application", "remove the term started twice", _PERSON),
    Rule("uq_building_head_renewed_from", "building_head", ("renewed_from_id",), None,
         "a term renewed at most once", "remove the second renewal", _PERSON),
    Rule("uq_head_change_filing_term_change", "head_change_filing", ("term_id", "change"), None,
         "one filing of each kind of change per term", "remove the repeated filing", "t.change"),
    Rule("uq_staff_role_open", "staff_role", ("person_id", "kind", "node_id"), "ended_on IS NULL",
         "one open staff role of a kind per person at a node", "end one of the roles", _PERSON),
    Rule("uq_node_open_sibling_name", "node", ("parent_id", "name"), "closed_on IS NULL",
         "no two open nodes under one parent share a name", "close or rename one of them", "t.name"),
]


@dataclass(frozen=True)
class Group:
    rule: Rule
    ids: tuple[int, ...]
    label: str

    def describe(self) -> str:
        return (f"{self.rule.table} ids {', '.join(map(str, self.ids))} ({self.label}): "
                f"{self.rule.what} — {self.rule.remedy}")


class DuplicateRows(Exception):
    """The database holds rows that a unique index about to be created would refuse."""

    def __init__(self, migration: str, groups: list[Group]) -> None:
        self.groups = groups
        lines = "\n".join(f"  - {g.describe()}" for g in groups)
        super().__init__(
            f"migration {migration} cannot apply: the database holds rows that break the rules it adds.\n"
            f"{lines}\n"
            "Resolve each (through the API, or by hand) and run `grassroots migrate` again. "
            "Nothing was changed."
        )


async def find_duplicates(client: Any, rules: list[Rule] = RULES) -> list[Group]:
    """Every group of rows that share the key of a rule (NULL keys never collide)."""
    groups: list[Group] = []
    for rule in rules:
        cols = ", ".join(rule.columns)
        cond = " AND ".join([f"{c} IS NOT NULL" for c in rule.columns] + ([f"({rule.where})"] if rule.where else []))
        keys = ", ".join(f"t.{c}" for c in rule.columns)
        # unqualified names in the outer WHERE are the outer table's (t), in the inner query its own
        sql = (
            f"SELECT t.id AS id, {rule.label} AS label, {keys} FROM {rule.table} t WHERE {cond} "
            f"AND ({keys}) IN (SELECT {cols} FROM {rule.table} WHERE {cond} GROUP BY {cols} HAVING COUNT(*) > 1) "
            f"ORDER BY {keys}, t.id"
        )
        _, rows = await client.execute_query(sql)
        current: tuple | None = None
        ids: list[int] = []
        label = ""
        for row in rows:
            row = dict(row)
            key = tuple(row[c] for c in rule.columns)
            if key != current:
                if ids:
                    groups.append(Group(rule, tuple(ids), label))
                current, ids, label = key, [], str(row["label"])
            ids.append(int(row["id"]))
        if ids:
            groups.append(Group(rule, tuple(ids), label))
    return groups


async def check_no_duplicates(client: Any, migration: str = "0003_integrity") -> None:
    """Raise :class:`DuplicateRows` naming every duplicate, or return if there are none."""
    groups = await find_duplicates(client)
    if groups:
        raise DuplicateRows(migration, groups)
