"""Missing or revoked credentials answer UNAUTHENTICATED on every root field — never FORBIDDEN,
never a silent null — and a live subscription ends once its credential is revoked."""
from __future__ import annotations

import json

import pytest
from graphql import (
    GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLList, GraphQLNonNull, GraphQLObjectType,
    GraphQLUnionType, Undefined,
)

from schema.schema import build_schema
from tests.api.test_changes import SUB, _next, _open
from tests.factory import PASSWORD, build_world, gid

from schema.auth import PUBLIC_BOARD_FIELDS  # noqa: E402

PUBLIC = {"sessionCreate", "viewer"} | set(PUBLIC_BOARD_FIELDS)  # the notice boards need no login (tests/api/test_boards.py)
SCALARS = {"ID": "Q29tcG91bmQ6MQ", "String": "x", "Int": 1, "Float": 1.0, "Boolean": False, "Date": "2026-01-05",
           "DateTime": "2026-01-05T08:00:00+08:00", "Decimal": "1", "JSON": {}, "Upload": "x"}


def _value(t):
    if isinstance(t, GraphQLNonNull):
        return _value(t.of_type)
    if isinstance(t, GraphQLList):
        return [_value(t.of_type)]
    if isinstance(t, GraphQLEnumType):
        return next(iter(t.values))
    if isinstance(t, GraphQLInputObjectType):
        return {n: _value(f.type) for n, f in t.fields.items()
                if isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined}
    return SCALARS.get(t.name, "x")


def _operations() -> list[tuple[str, str, str, dict]]:
    """(kind, field, document, variables) for every query and mutation root field."""
    schema = build_schema()._schema
    ops = []
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        for name, field in root.fields.items():
            if name in PUBLIC:
                continue
            decls, args, variables = [], [], {}
            for i, (arg_name, arg) in enumerate(field.args.items()):
                if not isinstance(arg.type, GraphQLNonNull):
                    continue
                decls.append(f"$v{i}: {arg.type}")
                args.append(f"{arg_name}: $v{i}")
                variables[f"v{i}"] = _value(arg.type)
            named = field.type
            while isinstance(named, (GraphQLNonNull, GraphQLList)):
                named = named.of_type
            sel = " { __typename }" if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType, GraphQLUnionType)) else ""
            doc = (f"{kind}{'(' + ', '.join(decls) + ')' if decls else ''} "
                   f"{{ {name}{'(' + ', '.join(args) + ')' if args else ''}{sel} }}")
            ops.append((kind, name, doc, variables))
    return ops


OPERATIONS = _operations()


def test_every_root_field_is_covered():
    names = {name for _, name, _, _ in OPERATIONS}
    assert {"node", "nodes", "districts", "people", "auditEntries", "treeNodeCreate", "apiKeyCreate",
            "workingDayYearSet", "sessionRevoke", "userDeactivate"} <= names
    assert len(OPERATIONS) > 50


async def test_every_field_answers_unauthenticated_without_valid_credentials(api):
    await build_world()
    revoked = await api.login("cuiyuan", PASSWORD)
    out = await api.raw("mutation { sessionRevoke { errors { code } } }", token=revoked)
    assert out["data"]["sessionRevoke"]["errors"] == []
    wrong: list[tuple[str, str, object]] = []
    for credential in ("", revoked, "forged-token"):
        for _kind, name, doc, variables in OPERATIONS:
            body = await api.raw(doc, variables, token=credential)
            codes = [(e.get("path"), (e.get("extensions") or {}).get("code")) for e in body.get("errors") or []]
            if codes != [([name], "UNAUTHENTICATED")] or (body.get("data") or {}).get(name) is not None:
                wrong.append((credential or "none", name, codes or body.get("data")))
    assert wrong == []


async def test_public_fields_still_answer_and_the_gate_names_every_refused_field(api):
    await build_world()
    body = await api.raw("{ viewer { username } }")
    assert body == {"data": {"viewer": None}}
    body = await api.raw("query Q { viewer { username } ...F alias: scopeRoots { name } } fragment F on Query { districts { name } }")
    assert body["data"] is None
    assert sorted((e["path"][0], e["extensions"]["code"]) for e in body["errors"]) == [
        ("alias", "UNAUTHENTICATED"), ("districts", "UNAUTHENTICATED")]
    body = await api.raw("{ districts { name } }", token="forged", lang="en")
    assert body["errors"][0]["message"] == "invalid or expired token"
    # GraphQL-level errors speak the caller's language, from the same catalogue as payload errors
    body = await api.raw("{ districts { name } }", token="forged")
    assert body["errors"][0]["message"] == "令牌无效或已过期，请重新登录"


async def _subscribe_and_see_first_change(api, watcher, w):
    ws = await _open(api.base, watcher.token)
    assert (await _next(ws))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUB, "variables": {"n": gid(w.compound_a)}}}))
    update = "mutation($i: TreeNodeUpdateInput!){ treeNodeUpdate(input: $i){ errors { code } } }"
    officer = await api.as_user("linhu", PASSWORD)
    for _ in range(40):  # the subscription is live once a change comes through
        await officer.gql(update, {"i": {"id": gid(w.buildings_a[0]), "households": 121}})
        try:
            msg = await _next(ws, timeout=0.5)
            break
        except TimeoutError:
            continue
    else:
        raise AssertionError("no change delivered")
    assert msg["type"] == "next"
    return ws, officer, update


async def _assert_stream_ends_unauthenticated(ws, officer, update, w):
    await officer.gql(update, {"i": {"id": gid(w.buildings_a[1]), "households": 81}})
    while True:
        msg = await _next(ws)
        if msg["type"] == "next" and not msg["payload"].get("errors"):
            # a repeat of the change that proved the stream live, delivered before the revocation
            assert msg["payload"]["data"]["changes"]["objectId"] == str(w.buildings_a[0].id), msg
            continue
        break
    errors = msg["payload"] if msg["type"] == "error" else msg["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED", msg
    assert "请重新登录" in errors[0]["message"]  # "log in again", in the default language
    # nothing more arrives on that subscription
    if msg["type"] == "next":
        assert (await _next(ws))["type"] in ("complete", "error")


@pytest.mark.parametrize("how", ["sessionRevoke", "userDeactivate"])
async def test_a_live_subscription_ends_when_its_credential_is_revoked(api, how):
    w = await build_world()
    watcher = await api.as_user("cuiyuan", PASSWORD)
    ws, officer, update = await _subscribe_and_see_first_change(api, watcher, w)
    try:
        if how == "sessionRevoke":
            out = await watcher.gql("mutation { sessionRevoke { errors { code } } }")
            assert out["sessionRevoke"]["errors"] == []
        else:
            admin = await api.as_user("admin", PASSWORD)
            users = (await admin.gql("{ users { id username } }"))["users"]
            uid = next(u["id"] for u in users if u["username"] == "cuiyuan")
            out = await admin.gql("mutation($u: ID!){ userDeactivate(id: $u){ errors { code } } }", {"u": uid})
            assert out["userDeactivate"]["errors"] == []
        await _assert_stream_ends_unauthenticated(ws, officer, update, w)
    finally:
        await ws.close()
