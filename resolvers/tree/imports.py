"""Importing part of a tree from a CSV or XLSX register (the format: policy/tree_import.py).

Problems of the file or its rows are raised as ``Problem``s whose catalogue entry words them
(resolvers/tree/import_words.py: the rules' codes and parameters) and whose ``error`` parameter is the
code the client sees; ``row`` and ``column`` say where."""
from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.exceptions import IntegrityError

from models.tree import Node
from policy.access import Capability
from policy.kinds import Chain, NodeKind
from policy.tree_import import ExistingNode, sibling_name_errors, validate_rows
from resolvers.errors import Problem, Problems
from resolvers.locks import locked, violates
from resolvers.scope import node_in_scope
from resolvers.spreadsheets import ImportFileError, read_rows
from resolvers.tree.import_words import file_problem, row_problem
from resolvers.tree.nodes import create_node
from resolvers.uow import unit_of_work
from resolvers.viewer import Viewer

MAX_IMPORT_BYTES = 10 * 1024 * 1024


@dataclass
class ImportResult:
    created: int = 0
    nodes: list[Node] = field(default_factory=list)  # the first 100 created


def _integrity(exc: IntegrityError) -> Problem:
    # a concurrent request took a name or a code between the check and the write
    if violates(exc, "uq_node_open_sibling_name"):
        return Problem("IMPORT_NAME_RACE", ["file"], error="NAME_TAKEN")
    return Problem("IMPORT_CODE_RACE", ["file"], error="CODE_EXISTS")


async def import_tree(caller: Viewer, district_id: int, filename: str | None, content: bytes) -> ImportResult:
    """Validate the whole file, then create every row's node under the district — or, when any
    row is bad, write nothing and raise every row's problem."""
    async with unit_of_work(caller, integrity=_integrity) as uow:
        district = await node_in_scope(caller, district_id, Capability.TREE_WRITE)
        if len(content) > MAX_IMPORT_BYTES:
            raise Problem("TOO_LARGE", ["file"], error="TOO_LARGE", mb=MAX_IMPORT_BYTES // 1048576)
        try:
            rows = read_rows(filename or "upload.csv", content)
        except ImportFileError as e:
            raise file_problem(e) from None
        existing_rows = await Node.filter(district_id=district.id, code__isnull=False).values("code", "kind", "chain", "id", "path")
        existing = {
            r["code"]: ExistingNode(r["code"], NodeKind(r["kind"]), Chain(r["chain"]) if r["chain"] else None)
            for r in existing_rows
        }
        by_code = {r["code"]: r["id"] for r in existing_rows}
        specs, errors = validate_rows(rows, existing)
        if not errors:
            # the district's row is locked: concurrent imports and creations in it queue up
            await locked(Node, id=district.id)
            parent_ids = {None: district.id, **{c: by_code[c] for c in {s.parent_code for s in specs} if c in by_code}}
            taken: dict[str | None, set[str]] = {}
            for code, pk in parent_ids.items():
                taken[code] = set(await Node.filter(parent_id=pk, closed_on__isnull=True).values_list("name", flat=True))
            errors = sibling_name_errors(specs, taken)
        if errors:
            raise Problems([row_problem(e) for e in errors])
        nodes_by_code: dict[str, Node] = {}
        parents: dict[int, Node] = {}
        created = []
        for spec in specs:
            if spec.parent_code is None:
                parent = district
            elif spec.parent_code in nodes_by_code:
                parent = nodes_by_code[spec.parent_code]
            else:
                pid = by_code[spec.parent_code]
                parent = parents.get(pid) or await Node.get(id=pid)
                parents[pid] = parent
            if not caller.can(Capability.TREE_WRITE, parent.path):
                raise Problem("IMPORT_PARENT_OUT_OF_SCOPE", ["file"], error="NOT_FOUND", row=spec.row,
                              column="parent_code", parent_code=spec.parent_code)
            node = await create_node(
                parent, spec.kind, spec.name, code=spec.code, address=spec.address,
                subdistrict_kind=spec.subdistrict_kind, households=spec.households,
            )
            nodes_by_code[spec.code] = node
            created.append(node)
        await uow.audit("treeImport", "Node", district.id, district.path, None,
                        {"file": filename, "created": len(created), "codes": [n.code for n in created]})
    return ImportResult(created=len(created), nodes=created[:100])
