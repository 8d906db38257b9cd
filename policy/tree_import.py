"""Bulk import of a governance tree under one district: row validation. Pure: no I/O.

File format (CSV or XLSX; reading it is ``resolvers.spreadsheets.read_rows``)
-----------------------------------------------------------------------------
The first row holds the column headers, every further row describes one new
node of the district's tree. Surrounding whitespace is ignored everywhere and
entirely blank rows are skipped. Row numbers in messages are the ones a person
sees in Excel (the header is row 1).

======== ============== =============================================================
header   key            content
======== ============== =============================================================
编码     ``code``        required; unique in the file; must not already exist in the
                        district.
类型     ``kind``        required; one of 新城 (NEW_TOWN), 镇 (SUBDISTRICT, TOWN),
                        街道 (SUBDISTRICT, STREET), 社区 (COMMUNITY), 行政村 (VILLAGE),
                        小区 (COMPOUND), 村民小组 / 村组 (VILLAGE_GROUP), 楼栋 (BUILDING).
                        The English names NEW_TOWN, TOWN, STREET, COMMUNITY, VILLAGE,
                        COMPOUND, VILLAGE_GROUP, BUILDING are accepted too (any case).
                        A bare ``SUBDISTRICT`` is refused: say 镇/TOWN or 街道/STREET.
名称     ``name``        required, at most 100 characters.
上级编码 ``parent_code`` required, except for 新城 rows, whose parent is the district
                        (leave it blank). It names an existing node of the district or
                        another row of the file, in any order (a child row may come
                        before its parent row). The parent's kind must be able to hold
                        the child (``policy.tree.can_hold``; a new 社区 / 行政村 row
                        follows its default chain: 社区 → 小区 → 楼栋, 行政村 → 村民小组).
户数     ``households``  for 楼栋 and 村民小组: required whole number, 0 to 100000
                        ("1,200", "120.0" and "120户" are read as whole numbers); must
                        be blank for every other kind.
地址     ``address``     optional.
======== ============== =============================================================

Header synonyms (see ``resolvers.spreadsheets.HEADER_SYNONYMS``): 编号 / 代码 for
编码, 层级 / 级别 for 类型, 上级 / 上级编号 / 上级代码 for 上级编码, 住户数 for 户数,
详细地址 for 地址, the English keys above, and a header may carry a remark in
brackets or a required-marker star (``户数（户）``, ``*编码``). 序号 and 备注 columns
are ignored; any other unknown column, or a missing 编码 / 类型 / 名称 / 上级编码
column, rejects the whole file.

Validation is of the file as a whole: ``validate_rows`` reports every bad row
(row number, column, code and the message's parameters; the catalogue words them) and the caller
writes nothing unless the error list is empty. Error codes: REQUIRED,
UNKNOWN_KIND, DUPLICATE_CODE, CODE_EXISTS, PARENT_NOT_FOUND, PARENT_CANNOT_HOLD,
HOUSEHOLDS_INVALID, HOUSEHOLDS_NOT_ALLOWED, NAME_TOO_LONG, CYCLE.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from policy.kinds import Chain, NodeKind, SubdistrictKind
from policy.tree import LEAF_KINDS, allowed_child_kinds, can_hold, default_chain

COLUMNS: tuple[str, ...] = ("code", "kind", "name", "parent_code", "households", "address")
COLUMN_LABELS: dict[str, str] = {
    "code": "编码",
    "kind": "类型",
    "name": "名称",
    "parent_code": "上级编码",
    "households": "户数",
    "address": "地址",
}
MAX_NAME_LENGTH = 100
MAX_HOUSEHOLDS = 100_000


@dataclass(frozen=True)
class ExistingNode:
    code: str
    kind: NodeKind
    chain: Chain | None


@dataclass(frozen=True)
class NodeSpec:
    row: int
    code: str
    kind: NodeKind
    subdistrict_kind: SubdistrictKind | None
    name: str
    parent_code: str | None  # None = the district
    households: int | None
    address: str | None


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None  # a key of COLUMNS
    code: str  # the code the client sees
    params: dict[str, object]  # the message's parameters (values, kind and chain names, row numbers)
    wording: str | None = None  # the catalogue entry wording it, when not the code itself

    @property
    def entry(self) -> str:
        return self.wording or self.code


_Kind = tuple[NodeKind, SubdistrictKind | None]

_KIND_WORDS: dict[str, _Kind] = {
    "新城": (NodeKind.NEW_TOWN, None),
    "镇": (NodeKind.SUBDISTRICT, SubdistrictKind.TOWN),
    "街道": (NodeKind.SUBDISTRICT, SubdistrictKind.STREET),
    "社区": (NodeKind.COMMUNITY, None),
    "行政村": (NodeKind.VILLAGE, None),
    "小区": (NodeKind.COMPOUND, None),
    "村民小组": (NodeKind.VILLAGE_GROUP, None),
    "村组": (NodeKind.VILLAGE_GROUP, None),
    "楼栋": (NodeKind.BUILDING, None),
    "NEW_TOWN": (NodeKind.NEW_TOWN, None),
    "TOWN": (NodeKind.SUBDISTRICT, SubdistrictKind.TOWN),
    "STREET": (NodeKind.SUBDISTRICT, SubdistrictKind.STREET),
    "COMMUNITY": (NodeKind.COMMUNITY, None),
    "VILLAGE": (NodeKind.VILLAGE, None),
    "COMPOUND": (NodeKind.COMPOUND, None),
    "VILLAGE_GROUP": (NodeKind.VILLAGE_GROUP, None),
    "BUILDING": (NodeKind.BUILDING, None),
}
_HOUSEHOLDS_RE = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?\s*户?$")


def _clean(value: object) -> str:
    if value is None:
        return ""
    return str(value).strip().strip("\ufeff\u200b").strip()


def _show(value: str, limit: int = 30) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def _token(kind: NodeKind, sub: SubdistrictKind | None = None) -> str:
    """A kind's name in messages: the subdistrict's kind when there is one (TOWN, STREET)."""
    return sub.name if sub is not None else kind.name


def parse_kind(text: str) -> _Kind | None:
    """类型 cell → (kind, subdistrict kind), or None when not recognised."""
    word = re.sub(r"\s+", "", text)
    if word in _KIND_WORDS:
        return _KIND_WORDS[word]
    return _KIND_WORDS.get(re.sub(r"[\s\-]+", "_", text.strip()).upper())


def parse_households(text: str) -> int | None:
    """户数 cell → a whole number in 0..MAX_HOUSEHOLDS, or None when invalid."""
    match = _HOUSEHOLDS_RE.match(text.strip())
    if match is None:
        return None
    value = int(match.group(1).replace(",", ""))
    return value if value <= MAX_HOUSEHOLDS else None


@dataclass
class _Row:
    row: int
    code: str
    kind: _Kind | None
    name: str
    parent_code: str | None
    households: int | None
    address: str | None


class _Errors:
    def __init__(self) -> None:
        self.items: list[RowError] = []

    def add(self, row: int, column: str, code: str, wording: str | None = None, **params: object) -> None:
        self.items.append(RowError(row, column, code, params, wording))

    def sorted(self) -> list[RowError]:
        order = {key: i for i, key in enumerate(COLUMNS)}
        return sorted(self.items, key=lambda e: (e.row, order.get(e.column or "", len(order))))


def _parse_row(number: int, cells: Mapping[str, str], errors: _Errors) -> _Row | None:
    values = {key: _clean(cells.get(key)) for key in COLUMNS}
    if not any(values.values()):
        return None
    code, kind_text, name = values["code"], values["kind"], values["name"]
    parent_text, households_text = values["parent_code"], values["households"]

    if not code:
        errors.add(number, "code", "REQUIRED", "IMPORT_REQUIRED")

    kind: _Kind | None = None
    if not kind_text:
        errors.add(number, "kind", "REQUIRED", "IMPORT_REQUIRED")
    else:
        kind = parse_kind(kind_text)
        if kind is None:
            upper = kind_text.strip().upper()
            if upper == "SUBDISTRICT" or kind_text in ("镇街", "镇/街道"):
                hint = "SUBDISTRICT"  # say which
            elif upper == "DISTRICT" or kind_text == "新区":
                hint = "DISTRICT"  # not importable
            else:
                hint = "KINDS"  # the list of kinds
            errors.add(number, "kind", "UNKNOWN_KIND", value=_show(kind_text), hint=hint)

    if not name:
        errors.add(number, "name", "REQUIRED", "IMPORT_REQUIRED")
    elif len(name) > MAX_NAME_LENGTH:
        errors.add(number, "name", "NAME_TOO_LONG", value=_show(name), length=len(name), max=MAX_NAME_LENGTH)

    parent_code: str | None = parent_text or None
    if parent_code is None and kind is not None and kind[0] != NodeKind.NEW_TOWN:
        errors.add(number, "parent_code", "REQUIRED", "IMPORT_PARENT_REQUIRED", kind=_token(*kind))

    households: int | None = None
    is_leaf = kind is not None and kind[0] in LEAF_KINDS
    if kind is not None and not is_leaf:
        if households_text:
            errors.add(number, "households", "HOUSEHOLDS_NOT_ALLOWED", "IMPORT_HOUSEHOLDS_NOT_ALLOWED",
                       value=_show(households_text), kind=_token(*kind))
    elif is_leaf and not households_text:
        assert kind is not None
        errors.add(number, "households", "REQUIRED", "IMPORT_HOUSEHOLDS_REQUIRED", kind=_token(*kind))
    elif households_text:
        households = parse_households(households_text)
        if households is None:
            errors.add(number, "households", "HOUSEHOLDS_INVALID", value=_show(households_text), max=MAX_HOUSEHOLDS)

    return _Row(number, code, kind, name, parent_code, households, values["address"] or None)


def _holding_params(
    child: _Kind, parent_kind: NodeKind, parent_sub: SubdistrictKind | None, parent_chain: Chain | None
) -> dict[str, object]:
    """PARENT_CANNOT_HOLD's parameters: the child's and the parent's kind, the parent's chain when
    not its kind's default (else None), and the kinds the parent can hold."""
    allowed = sorted(allowed_child_kinds(parent_kind, parent_chain), key=list(NodeKind).index)
    chain = parent_chain or default_chain(parent_kind)
    shown_chain = None
    if parent_kind in (NodeKind.COMMUNITY, NodeKind.VILLAGE) and chain is not None and chain != default_chain(parent_kind):
        shown_chain = chain.name
    return {"child": _token(*child), "parent": _token(parent_kind, parent_sub), "chain": shown_chain,
            "allowed": [k.name for k in allowed]}


def validate_rows(
    rows: Sequence[tuple[int, Mapping[str, str]]],
    existing: Mapping[str, ExistingNode],
) -> tuple[list[NodeSpec], list[RowError]]:
    """Validate an import file as a whole.

    ``rows`` are (spreadsheet row number, {column key: cell text}); ``existing``
    maps the codes of the district's current nodes (the district itself may be
    among them: naming it as a parent means "the district").

    Returns (specs, errors). Every error is reported, sorted by row. When errors
    is non-empty the spec list is empty and nothing may be written; otherwise the
    specs are in creation order: a depth-first walk of the new nodes, parents
    before children, siblings in file order.
    """
    errors = _Errors()
    parsed: list[_Row] = []
    for number, cells in rows:
        row = _parse_row(number, cells, errors)
        if row is not None:
            parsed.append(row)

    # Codes: unique in the file, new to the district.
    first: dict[str, int] = {}  # code → index in parsed of its first row
    for i, row in enumerate(parsed):
        if not row.code:
            continue
        if row.code in first:
            earlier = parsed[first[row.code]].row
            errors.add(row.row, "code", "DUPLICATE_CODE", value=_show(row.code), earlier=earlier)
        else:
            first[row.code] = i
        if row.code in existing:
            node = existing[row.code]
            errors.add(row.row, "code", "CODE_EXISTS", value=_show(row.code), kind=node.kind.name)

    # Parents: exist, and can hold the child.
    parent_of: dict[int, int] = {}  # index in parsed → index of its parent row in the file
    spec_parent: dict[int, str | None] = {}
    for i, row in enumerate(parsed):
        spec_parent[i] = row.parent_code
        if row.parent_code is None:
            continue
        p_kind: NodeKind | None
        p_sub: SubdistrictKind | None = None
        if row.parent_code in existing:
            node = existing[row.parent_code]
            p_kind, p_chain = node.kind, node.chain
            if node.kind == NodeKind.DISTRICT:
                spec_parent[i] = None
        elif row.parent_code in first:
            j = first[row.parent_code]
            parent_of[i] = j
            parent_kind = parsed[j].kind
            p_kind, p_sub = parent_kind if parent_kind is not None else (None, None)
            p_chain = default_chain(p_kind) if p_kind is not None else None
        else:
            errors.add(row.row, "parent_code", "PARENT_NOT_FOUND", value=_show(row.parent_code))
            continue
        if p_kind is None or row.kind is None or can_hold(p_kind, p_chain, row.kind[0]):
            continue
        errors.add(row.row, "parent_code", "PARENT_CANNOT_HOLD", value=_show(row.parent_code),
                   **_holding_params(row.kind, p_kind, p_sub, p_chain))

    # Loops among the file's rows.
    state: dict[int, int] = {}  # 1 = on the current path, 2 = done
    for start in range(len(parsed)):
        path: list[int] = []
        i: int | None = start
        while i is not None and i not in state:
            state[i] = 1
            path.append(i)
            i = parent_of.get(i)
        if i is not None and state[i] == 1:
            loop = path[path.index(i):]
            rows = [parsed[k].row for k in loop]
            codes = [_show(parsed[k].code) for k in [*loop, loop[0]]]
            for k in loop:
                errors.add(parsed[k].row, "parent_code", "CYCLE", value=_show(parsed[k].parent_code or ""),
                           rows=rows, codes=codes)
        for k in path:
            state[k] = 2

    if errors.items:
        return [], errors.sorted()

    children: dict[int | None, list[int]] = {}
    for i in range(len(parsed)):
        children.setdefault(parent_of.get(i), []).append(i)
    specs: list[NodeSpec] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        i = stack.pop()
        row = parsed[i]
        assert row.kind is not None
        specs.append(
            NodeSpec(
                row=row.row,
                code=row.code,
                kind=row.kind[0],
                subdistrict_kind=row.kind[1],
                name=row.name,
                parent_code=spec_parent[i],
                households=row.households,
                address=row.address,
            )
        )
        stack.extend(reversed(children.get(i, [])))
    return specs, []


def sibling_name_errors(specs: list[NodeSpec], taken: dict[str | None, set[str]]) -> list[RowError]:
    """Rows that would give a parent two open children of one name: a name already used
    under that parent (``taken``: parent code, None for the district → names of its open
    children) or used by an earlier row under the same parent."""
    errors: list[RowError] = []
    seen: dict[tuple[str | None, str], int] = {}
    for spec in specs:
        key = (spec.parent_code, spec.name)
        if spec.name in taken.get(spec.parent_code, set()):
            errors.append(RowError(spec.row, "name", "NAME_TAKEN", {"name": spec.name, "parent_code": spec.parent_code},
                                   "IMPORT_NAME_TAKEN"))
        elif key in seen:
            errors.append(RowError(spec.row, "name", "NAME_TAKEN", {"earlier": seen[key]}, "IMPORT_NAME_REPEATED"))
        else:
            seen[key] = spec.row
    return errors
