"""No raw database or Python text reaches a client; every GraphQL error carries extensions.code."""
from __future__ import annotations

import base64
import json
import logging
import re

import pytest

from tests.factory import PASSWORD, build_world, gid, id_number

RAW = re.compile(r"Traceback|isoformat|sqlite|asyncpg|psycopg|int64|codec|InvalidOperation|invalid literal|"
                 r"object has no attribute|duplicate key|Length of|too complex|byte sequence|decimal\.", re.I)


def raw_gid(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def check_clean(body: dict) -> list[dict]:
    """Every error has a code and no raw text; returns the errors."""
    errors = body.get("errors") or []
    for error in errors:
        assert error.get("extensions", {}).get("code"), error
        assert not RAW.search(error["message"]), error
    return errors


async def test_ids_out_of_range_or_not_ascii_are_not_found_not_database_errors(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    for bad in ("Building:99999999999999999999", "Building:9223372036854775808", "Building:2147483648",
                "Building:²", "Building:-1", "Building:0", "Building:１"):
        body = await admin.raw("query($id: ID!){ node(id: $id){ id } }", {"id": raw_gid(bad)})
        assert check_clean(body) == [] and body["data"] == {"node": None}, (bad, body)
        body = await admin.raw("mutation($i: TreeNodeUpdateInput!){ treeNodeUpdate(input: $i){ errors { code field } } }",
                               {"i": {"id": raw_gid(bad), "name": "x"}})
        check_clean(body)
        assert body["data"]["treeNodeUpdate"]["errors"][0]["code"] == "NOT_FOUND", (bad, body)
    body = await admin.raw("{ nodes(ids: [\"%s\"]) { id } }" % raw_gid("Person:99999999999999999999999"))
    assert check_clean(body) == [] and body["data"] == {"nodes": [None]}
    assert w.district


async def test_audit_filter_with_a_non_numeric_id_is_a_typed_input_error(api):
    await build_world()
    admin = await api.as_user("admin", PASSWORD)
    body = await admin.raw('{ auditEntries(objectId: "abc") { nodes { action } } }')
    [error] = check_clean(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["extensions"]["field"] == "objectId"
    body = await admin.raw('{ auditEntries(objectId: "99999999999999999999") { nodes { action } } }')
    assert check_clean(body)[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_too_long_text_names_the_field_and_the_limit_without_echoing(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    secret = "秘" * 101
    body = await admin.raw("mutation($n: String!, $node: ID!){ apiKeyCreate(name: $n, role: HOTLINE, nodeId: $node)"
                           "{ secret errors { code } } }", {"n": secret, "node": gid(w.district)})
    text = str(body)
    assert secret not in text
    errors = check_clean(body)
    if errors:
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT" and "100" in errors[0]["message"]
    else:
        assert body["data"]["apiKeyCreate"]["errors"], body


@pytest.mark.parametrize("text", ["a\x00b", "a\ud800b", "\udfff"])
async def test_nul_and_lone_surrogates_are_refused_before_execution(api, text):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    payload = {"query": "mutation($i: TreeNodeUpdateInput!){ treeNodeUpdate(input: $i){ errors { code } } }",
               "variables": {"i": {"id": gid(w.community_a), "name": text}}}
    r = await admin.http.post("/graphql", content=json.dumps(payload),  # ASCII escapes: \u0000, \ud800
                              headers={"Content-Type": "application/json", "Authorization": f"Bearer {admin.token}"})
    body = r.json()
    [error] = check_clean(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "NUL" in error["message"]
    assert body["data"] is None
    # also as escapes inside the document
    for escape in ("\\u0000", "\\ud800", "\\uDC00x"):
        body = await admin.raw('{ treeNodes(nameContains: "a%sb") { totalCount } }' % escape)
        assert check_clean(body)[0]["extensions"]["code"] == "BAD_USER_INPUT"
    # a proper surrogate pair (an emoji) is fine
    body = await admin.raw('{ treeNodes(nameContains: "\\ud83d\\ude00") { totalCount } }')
    assert check_clean(body) == [] and body["data"]["treeNodes"]["totalCount"] == 0


async def test_long_search_patterns_are_bounded(api):
    await build_world()
    admin = await api.as_user("admin", PASSWORD)
    for query in ('query($s: String){ treeNodes(nameContains: $s) { totalCount } }',
                  'query($s: String){ people(nameContains: $s) { totalCount } }'):
        body = await admin.raw(query, {"s": "%_" * 30000})
        [error] = check_clean(body)
        assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["extensions"]["maxLength"] == 100
        body = await admin.raw(query, {"s": "%_翠"})
        assert check_clean(body) == []


async def test_decimal_inputs_that_are_not_finite_numbers(api):
    await build_world()
    admin = await api.as_user("admin", PASSWORD)
    mutation = ("mutation($s: Decimal!){ applicationInterview(id: \"x\", interviewedOn: \"2026-01-05\", score: $s)"
                "{ errors { code } } }")
    for value in ("abc", "1e99999999999", "--1", "NaN", "-Infinity", "sNaN", 1e308):
        body = await admin.raw(mutation, {"s": value})
        [error] = check_clean(body)
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (value, body)
    body = await admin.raw(mutation, {"s": "87.5"})
    assert check_clean(body) == [] and body["data"]["applicationInterview"]["errors"] == [{"code": "NOT_FOUND"}]


async def test_id_number_needs_a_real_region(api):
    w = await build_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    body = await officer.raw("""mutation($i: PersonCreateInput!){ personCreate(input: $i){ errors { code field message } } }""",
                             {"i": {"homeId": gid(w.community_a), "name": "王芳", "idNumber": id_number(region="000000"),
                                    "residenceId": gid(w.buildings_a[0])}}, lang="en")
    check_clean(body)
    [err] = body["data"]["personCreate"]["errors"]
    assert err["code"] == "INVALID_ID_NUMBER" and "region" in err["message"]


async def test_graphql_errors_all_carry_a_code(api):
    await build_world()
    admin = await api.as_user("admin", PASSWORD)
    cases = {
        "{ nope }": "GRAPHQL_VALIDATION_FAILED",
        "{ treeNodes(": "GRAPHQL_PARSE_FAILED",
        "query($n: Int!){ treeNodes(first: $n){ totalCount } }": "BAD_USER_INPUT",
        '{ treeNodes(first: 1, after: "zz") { totalCount } }': "BAD_USER_INPUT",
        "{ treeNodes(first: 1000) { totalCount } }": "BAD_USER_INPUT",
        'mutation { applicationNoticePost(id: "x", postedOn: "soon") { errors { code } } }': "BAD_USER_INPUT",
        'mutation($d: Date!) { applicationNoticePost(id: "x", postedOn: $d) { errors { code } } }': "BAD_USER_INPUT",
    }
    for query, code in cases.items():
        body = await admin.raw(query, {"d": "soon"} if "$d" in query else None)
        assert check_clean(body)[0]["extensions"]["code"] == code, (query, body)


async def test_unexpected_exceptions_become_internal_with_an_id_in_the_log(api, monkeypatch, caplog):
    await build_world()
    admin = await api.as_user("admin", PASSWORD)

    async def broken(info, gid):
        raise RuntimeError("sqlite3.OperationalError: no such column: secret_thing")

    monkeypatch.setattr("schema.schema.resolve_node", broken)
    with caplog.at_level(logging.ERROR, logger="grassroots.errors"):
        body = await admin.raw('{ node(id: "x") { id } }')
    [error] = check_clean(body)
    assert error["extensions"]["code"] == "INTERNAL"
    error_id = error["extensions"]["errorId"]
    assert error_id in error["message"] and "secret_thing" not in str(body)
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info and "secret_thing" in str(logged[0].exc_info[1])


async def test_a_bad_id_in_a_query_argument_is_a_typed_not_found(api):
    await build_world()
    admin = await api.as_user("admin", PASSWORD)
    for query in ('{ recruitmentCampaigns(communityId: "bad") { id } }', '{ policyParameters(nodeId: "bad") { key } }'):
        body = await admin.raw(query, lang="en")
        [error] = check_clean(body)
        assert error["extensions"]["code"] == "NOT_FOUND", body
        assert error["message"] != "NOT_FOUND" and "not found" in error["message"]
