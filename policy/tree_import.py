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
(row number, column, value and reason in Chinese and English) and the caller
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
    code: str
    message_zh: str
    message_en: str


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
_KIND_LIST_ZH = "新城、镇、街道、社区、行政村、小区、村民小组、楼栋"
_KIND_LIST_EN = "NEW_TOWN, TOWN, STREET, COMMUNITY, VILLAGE, COMPOUND, VILLAGE_GROUP, BUILDING"

_KIND_ZH = {
    NodeKind.DISTRICT: "新区",
    NodeKind.NEW_TOWN: "新城",
    NodeKind.SUBDISTRICT: "镇街",
    NodeKind.COMMUNITY: "社区",
    NodeKind.VILLAGE: "行政村",
    NodeKind.COMPOUND: "小区",
    NodeKind.VILLAGE_GROUP: "村民小组",
    NodeKind.BUILDING: "楼栋",
}
_KIND_EN = {
    NodeKind.DISTRICT: "district",
    NodeKind.NEW_TOWN: "new town",
    NodeKind.SUBDISTRICT: "subdistrict",
    NodeKind.COMMUNITY: "community",
    NodeKind.VILLAGE: "village",
    NodeKind.COMPOUND: "compound",
    NodeKind.VILLAGE_GROUP: "village group",
    NodeKind.BUILDING: "building",
}
_SUB_ZH = {SubdistrictKind.TOWN: "镇", SubdistrictKind.STREET: "街道"}
_SUB_EN = {SubdistrictKind.TOWN: "town", SubdistrictKind.STREET: "street"}
_CHAIN_ZH = {Chain.URBAN: "城市模式", Chain.RURAL: "农村模式"}
_CHAIN_EN = {Chain.URBAN: "urban chain", Chain.RURAL: "rural chain"}

_HOUSEHOLDS_RE = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?\s*户?$")


def _clean(value: object) -> str:
    if value is None:
        return ""
    return str(value).strip().strip("\ufeff\u200b").strip()


def _show(value: str, limit: int = 30) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def _kind_zh(kind: NodeKind, sub: SubdistrictKind | None = None) -> str:
    return _SUB_ZH[sub] if sub is not None else _KIND_ZH[kind]


def _kind_en(kind: NodeKind, sub: SubdistrictKind | None = None) -> str:
    return _SUB_EN[sub] if sub is not None else _KIND_EN[kind]


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

    def add(self, row: int, column: str | None, code: str, zh: str, en: str) -> None:
        if column is None:
            prefix_zh, prefix_en = f"第{row}行：", f"Row {row}: "
        else:
            label = COLUMN_LABELS[column]
            prefix_zh, prefix_en = f"第{row}行「{label}」：", f"Row {row}, column {label} ({column}): "
        self.items.append(RowError(row, column, code, prefix_zh + zh, prefix_en + en))

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
        errors.add(number, "code", "REQUIRED", "编码为必填项，不能为空", "the code is required")

    kind: _Kind | None = None
    if not kind_text:
        errors.add(number, "kind", "REQUIRED", "类型为必填项，不能为空", "the kind is required")
    else:
        kind = parse_kind(kind_text)
        if kind is None:
            upper = kind_text.strip().upper()
            if upper == "SUBDISTRICT" or kind_text in ("镇街", "镇/街道"):
                hint_zh, hint_en = "请写明“镇”或“街道”", "say TOWN (镇) or STREET (街道)"
            elif upper == "DISTRICT" or kind_text == "新区":
                hint_zh, hint_en = "新区本身不能导入，导入的是其下的节点", "the district itself cannot be imported"
            else:
                hint_zh, hint_en = f"应为 {_KIND_LIST_ZH} 之一", f"expected one of {_KIND_LIST_EN} or 新城/镇/街道/…"
            errors.add(
                number, "kind", "UNKNOWN_KIND",
                f"无法识别的类型“{_show(kind_text)}”，{hint_zh}",
                f"unknown kind '{_show(kind_text)}'; {hint_en}",
            )

    if not name:
        errors.add(number, "name", "REQUIRED", "名称为必填项，不能为空", "the name is required")
    elif len(name) > MAX_NAME_LENGTH:
        errors.add(
            number, "name", "NAME_TOO_LONG",
            f"名称“{_show(name)}”共{len(name)}个字，超过{MAX_NAME_LENGTH}个字的上限",
            f"the name '{_show(name)}' has {len(name)} characters, more than {MAX_NAME_LENGTH}",
        )

    parent_code: str | None = parent_text or None
    if parent_code is None and kind is not None and kind[0] != NodeKind.NEW_TOWN:
        errors.add(
            number, "parent_code", "REQUIRED",
            f"{_kind_zh(*kind)}的上级编码为必填项（只有新城直接隶属于新区，可留空）",
            f"the parent code is required for a {_kind_en(*kind)} "
            "(only a new town sits directly under the district and leaves it blank)",
        )

    households: int | None = None
    is_leaf = kind is not None and kind[0] in LEAF_KINDS
    if kind is not None and not is_leaf:
        if households_text:
            errors.add(
                number, "households", "HOUSEHOLDS_NOT_ALLOWED",
                f"户数“{_show(households_text)}”只能填在楼栋或村民小组行，{_kind_zh(*kind)}行应留空",
                f"households '{_show(households_text)}' are only given for a building or village group; "
                f"leave it blank for a {_kind_en(*kind)}",
            )
    elif is_leaf and not households_text:
        assert kind is not None
        errors.add(
            number, "households", "REQUIRED",
            f"{_kind_zh(*kind)}的户数为必填项",
            f"the number of households is required for a {_kind_en(*kind)}",
        )
    elif households_text:
        households = parse_households(households_text)
        if households is None:
            errors.add(
                number, "households", "HOUSEHOLDS_INVALID",
                f"户数“{_show(households_text)}”无效，应为0到{MAX_HOUSEHOLDS}之间的整数",
                f"households '{_show(households_text)}' is not a whole number from 0 to {MAX_HOUSEHOLDS}",
            )

    return _Row(number, code, kind, name, parent_code, households, values["address"] or None)


def _holding_message(
    child: _Kind, parent_kind: NodeKind, parent_sub: SubdistrictKind | None, parent_chain: Chain | None
) -> tuple[str, str]:
    allowed = sorted(allowed_child_kinds(parent_kind, parent_chain), key=list(NodeKind).index)
    parent_zh, parent_en = _kind_zh(parent_kind, parent_sub), _kind_en(parent_kind, parent_sub)
    chain = parent_chain or default_chain(parent_kind)
    if parent_kind in (NodeKind.COMMUNITY, NodeKind.VILLAGE) and chain is not None and chain != default_chain(parent_kind):
        parent_zh += f"（{_CHAIN_ZH[chain]}）"
        parent_en += f" ({_CHAIN_EN[chain]})"
    allowed_zh = "、".join(_KIND_ZH[k] for k in allowed) or "无"
    allowed_en = ", ".join(_KIND_EN[k] for k in allowed) or "nothing"
    return (
        f"{_kind_zh(*child)}不能直接隶属于{parent_zh}（{parent_zh}下只能设{allowed_zh}）",
        f"a {_kind_en(*child)} cannot be placed directly under a {parent_en} "
        f"(a {parent_en} holds only: {allowed_en})",
    )


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
            errors.add(
                row.row, "code", "DUPLICATE_CODE",
                f"编码“{_show(row.code)}”与第{earlier}行重复",
                f"the code '{_show(row.code)}' is also used by row {earlier}",
            )
        else:
            first[row.code] = i
        if row.code in existing:
            node = existing[row.code]
            errors.add(
                row.row, "code", "CODE_EXISTS",
                f"编码“{_show(row.code)}”已被本新区现有的{_KIND_ZH[node.kind]}使用",
                f"the code '{_show(row.code)}' already belongs to an existing {_KIND_EN[node.kind]} of the district",
            )

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
            errors.add(
                row.row, "parent_code", "PARENT_NOT_FOUND",
                f"上级编码“{_show(row.parent_code)}”既不是本新区现有节点，也不是本文件中的任何一行",
                f"the parent code '{_show(row.parent_code)}' is neither an existing node of the district "
                "nor a row of this file",
            )
            continue
        if p_kind is None or row.kind is None or can_hold(p_kind, p_chain, row.kind[0]):
            continue
        zh, en = _holding_message(row.kind, p_kind, p_sub, p_chain)
        errors.add(
            row.row, "parent_code", "PARENT_CANNOT_HOLD",
            f"“{_show(row.parent_code)}”：{zh}",
            f"parent code '{_show(row.parent_code)}': {en}",
        )

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
            rows_zh = "、".join(str(parsed[k].row) for k in loop)
            rows_en = ", ".join(str(parsed[k].row) for k in loop)
            codes = " → ".join(_show(parsed[k].code) for k in [*loop, loop[0]])
            for k in loop:
                errors.add(
                    parsed[k].row, "parent_code", "CYCLE",
                    f"“{_show(parsed[k].parent_code or '')}”：第{rows_zh}行的上级关系构成循环（{codes}）",
                    f"parent code '{_show(parsed[k].parent_code or '')}': rows {rows_en} are each other's "
                    f"parents in a loop ({codes})",
                )
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
        under = "本区" if spec.parent_code is None else f"上级“{spec.parent_code}”"
        under_en = "the district" if spec.parent_code is None else f"parent {spec.parent_code!r}"
        if spec.name in taken.get(spec.parent_code, set()):
            errors.append(RowError(spec.row, "name", "NAME_TAKEN", f"第{spec.row}行：{under}下已有名为“{spec.name}”的下级",
                                   f"row {spec.row}: {under_en} already has a child named {spec.name!r}"))
        elif key in seen:
            errors.append(RowError(spec.row, "name", "NAME_TAKEN",
                                   f"第{spec.row}行：与第{seen[key]}行同名（同一上级下名称不能重复）",
                                   f"row {spec.row}: same name as row {seen[key]} under the same parent"))
        else:
            seen[key] = spec.row
    return errors
