"""A tree import's problems as ``Problem``s worded by the catalogue (resolvers/messages.py).

The rules (policy/tree_import.py, resolvers/spreadsheets.py) give a code, the catalogue entry
wording it and plain parameters: values, row numbers, kind and chain names (``COMMUNITY``,
``RURAL``…), lists. Here the names and lists become the Chinese and English parameters the
entry's two templates use (``kind``/``kind_en``, ``allowed``/``allowed_en``…)."""
from __future__ import annotations

from collections.abc import Sequence

from policy.tree_import import COLUMN_LABELS, COLUMNS, RowError
from resolvers.errors import Problem
from resolvers.messages import render
from resolvers.spreadsheets import ImportFileError


def _both(entry: str, **params: object) -> tuple[str, str]:
    return render(entry, "zh", params), render(entry, "en", params)


def _put(params: dict[str, object], name: str, texts: tuple[str, str]) -> None:
    params[name], params[f"{name}_en"] = texts


def _listed(items: Sequence[object]) -> tuple[str, str]:
    return "、".join(map(str, items)), ", ".join(map(str, items))


def _kind(token: str) -> tuple[str, str]:
    return _both(f"KIND_{token}")


def row_params(e: RowError) -> dict[str, object]:
    """The parameters of a row's message, in both languages where they differ."""
    p = dict(e.params)
    if "kind" in p:
        _put(p, "kind", _kind(str(p["kind"])))
    if "hint" in p:
        _put(p, "hint", _both(f"IMPORT_HINT_{p['hint']}"))
    if "child" in p:
        _put(p, "child", _kind(str(p["child"])))
    if "parent" in p:
        parent = _kind(str(p["parent"]))
        if p.get("chain"):
            chain = _both(f"CHAIN_{p['chain']}")
            parent = _both("IMPORT_WITH_CHAIN", kind=parent[0], kind_en=parent[1], chain=chain[0], chain_en=chain[1])
        _put(p, "parent", parent)
        p.pop("chain", None)
    if "allowed" in p:
        kinds = [_kind(str(k)) for k in p["allowed"]]  # type: ignore[attr-defined]
        nothing = _both("IMPORT_NOTHING")
        _put(p, "allowed", ("、".join(k[0] for k in kinds) or nothing[0], ", ".join(k[1] for k in kinds) or nothing[1]))
    if "rows" in p:
        _put(p, "rows", _listed(p["rows"]))  # type: ignore[arg-type]
    if "codes" in p:
        p["codes"] = " → ".join(map(str, p["codes"]))  # type: ignore[call-overload]
    if "parent_code" in p:
        under = _both("IMPORT_UNDER_DISTRICT") if p["parent_code"] is None else _both("IMPORT_UNDER_PARENT", parent_code=p["parent_code"])
        _put(p, "under", under)
    if e.column is not None:
        p["label"] = COLUMN_LABELS[e.column]
    return p


def row_problem(e: RowError) -> Problem:
    return Problem(e.entry, ["file"], error=e.code, **{**row_params(e), "row": e.row, "column": e.column})


def file_params(e: ImportFileError) -> dict[str, object]:
    """The parameters of a file's message, in both languages where they differ."""
    p = dict(e.params)
    known = "、".join(COLUMN_LABELS[key] for key in COLUMNS)
    if e.code == "UNSUPPORTED_FORMAT":
        extension = str(p.pop("extension", ""))
        _put(p, "shown", (f".{extension}", f".{extension}") if extension else _both("IMPORT_NO_EXTENSION"))
        _put(p, "hint", _both(f"IMPORT_HINT_{p['hint']}"))
    if "missing" in p:
        missing = list(p["missing"])  # type: ignore[call-overload]
        p["missing"] = "、".join(COLUMN_LABELS[k] for k in missing)
        p["missing_en"] = ", ".join(f"{COLUMN_LABELS[k]} ({k})" for k in missing)
        unknown = _listed(p.pop("unknown"))  # type: ignore[arg-type]
        extra = _both("IMPORT_UNRECOGNISED_EXTRA", unknown=unknown[0], unknown_en=unknown[1]) if unknown[0] else ("", "")
        _put(p, "extra", extra)
        p["known"] = known
    for name in ("unknown", "duplicate"):
        if name in p:
            _put(p, name, _listed(p[name]))  # type: ignore[arg-type]
            p["known"] = known
    return p


def file_problem(e: ImportFileError) -> Problem:
    return Problem(e.entry, ["file"], error=e.code, **file_params(e))
