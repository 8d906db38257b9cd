"""One message catalogue: every code raised anywhere has its Chinese and English text there, and
no call site carries its own text."""
from __future__ import annotations

import ast
import string
from pathlib import Path

from resolvers.messages import CATALOG, render

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("resolvers", "schema", "workers", "policy", "grassroots")
RAISERS = {"Problem": 0, "Denied": 0, "Unauthenticated": 0}


def _calls():
    """(file, line, class name, code, keyword names) of every Problem/Denied/Unauthenticated call
    whose code is a literal."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if name not in RAISERS:
                    continue
                code = None
                if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    code = node.args[0].value
                yield path.relative_to(ROOT), node.lineno, name, code, {k.arg for k in node.keywords}


def test_every_raised_code_has_both_messages():
    calls = list(_calls())
    assert len(calls) > 100  # the scan finds the call sites
    missing = [(str(f), line, code) for f, line, _, code, _ in calls if code is not None and code not in CATALOG]
    assert missing == []


def test_no_call_site_carries_its_own_text():
    inline = [(str(f), line, code) for f, line, _, code, kw in _calls() if kw & {"zh", "en"}]
    assert inline == []


def test_every_entry_has_two_usable_templates():
    for code, (zh, en) in CATALOG.items():
        assert zh.strip() and en.strip(), code
        for template in (zh, en):
            names = [f for _, f, _, _ in string.Formatter().parse(template) if f]
            rendered = template.format(**{n.split("!")[0].split(".")[0]: "X" for n in names})
            assert "{" not in rendered or "{" in template.replace("{{", ""), code


def test_every_error_code_enum_value_has_both_messages():
    from graphql import GraphQLEnumType

    from schema.schema import build_schema

    missing = []
    for name, t in build_schema()._schema.type_map.items():
        if isinstance(t, GraphQLEnumType) and name.endswith("ErrorCode"):
            missing += [(name, v) for v in t.values if v not in CATALOG]
    assert missing == []


def test_render_speaks_the_asked_language():
    assert render("OUT_OF_SCOPE", "en", {}) == "not found or not in your scope"
    assert render("OUT_OF_SCOPE", "zh", {}) != render("OUT_OF_SCOPE", "en", {})
