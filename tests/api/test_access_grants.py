"""Conferring rights (keys, roles) and where entries about users and the national calendar are filed."""
from __future__ import annotations

from grassroots.demo import create_district, create_user
from models.access import ApiKey, User
from policy.kinds import Role
from tests.factory import PASSWORD, build_world, gid

KEY = "mutation($r: Role!, $n: ID!){ apiKeyCreate(name: \"合作单位\", role: $r, nodeId: $n){ secret errors { code field message } } }"


async def test_the_district_office_cannot_issue_a_key_stronger_than_itself(api):
    w = await build_world()
    office = await api.as_user("district", PASSWORD)
    for node in (w.district, w.community_a):
        got = (await office.gql(KEY, {"r": "INSURER", "n": gid(node)}, lang="en"))["apiKeyCreate"]
        assert got["secret"] is None
        [err] = got["errors"]
        assert err["code"] == "CAPABILITY_NOT_HELD" and err["field"] == ["role"] and "PERSON_PII" in err["message"]
    assert await ApiKey.filter(role=Role.INSURER).count() == 0
    # what the office holds itself it may pass on
    hotline = (await office.gql(KEY, {"r": "HOTLINE", "n": gid(w.district)}))["apiKeyCreate"]
    assert hotline["errors"] == [] and hotline["secret"]
    # the administrator holds personal data, so issues the insurer's key
    admin = await api.as_user("admin", PASSWORD)
    insurer = (await admin.gql(KEY, {"r": "INSURER", "n": gid(w.district)}))["apiKeyCreate"]
    assert insurer["errors"] == [] and insurer["secret"]


async def test_user_entries_are_filed_where_administrators_find_them(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    made = await admin.gql("""mutation { userCreate(input: {username: "lonely", displayName: "无角色", password: "long-enough-pw",
        grants: []}){ user { id } errors { code } } }""")
    lonely = made["userCreate"]["user"]["id"]
    staff = await admin.gql("""mutation($n: ID!){ userCreate(input: {username: "wang", displayName: "王干事", password: "long-enough-pw",
        grants: [{role: COMMUNITY_STAFF, nodeId: $n}]}){ user { id } errors { code } } }""", {"n": gid(w.community_a)})
    wang = staff["userCreate"]["user"]["id"]
    for uid in (lonely, wang):
        off = await admin.gql("mutation($u: ID!){ userDeactivate(id: $u){ user { isActive } errors { code } } }", {"u": uid})
        assert off["userDeactivate"]["errors"] == []
    log = await admin.gql('{ auditEntries(objectType: "User") { nodes { action after } } }')
    actions = [(e["action"], (e["after"] or {}).get("username"), (e["after"] or {}).get("is_active"))
               for e in log["auditEntries"]["nodes"]]
    assert ("userCreate", "lonely", None) in actions
    assert actions.count(("userDeactivate", None, False)) == 2
    # the district office (audit reader of the whole district) finds them as well
    office = await api.as_user("district", PASSWORD)
    seen = await office.gql('{ auditEntries(action: "userDeactivate") { totalCount } }')
    assert seen["auditEntries"]["totalCount"] == 2
    # nothing is filed under "/", which is nobody's scope
    from models.audit import AuditEntry

    assert not await AuditEntry.filter(path="/").exists()


YEAR = """mutation($i: WorkingDayYearSetInput!){ workingDayYearSet(input: $i){ workingDayYear { year source } errors { code } } }"""
ARRANGEMENT = {"year": 2031, "holidays": ["2031-01-01"], "makeupWorkdays": [], "note": "国务院办公厅通知"}


async def test_the_national_calendar_belongs_to_the_system_administrator_and_every_district_sees_changes(api):
    await build_world()
    other = await create_district("西岭新区", "X")
    await create_user("xiling", "西岭新区管理员", PASSWORD, [(Role.ADMIN, other)])
    await create_user("xiling-office", "西岭新区办公室", PASSWORD, [(Role.DISTRICT_OFFICE, other)])
    # a district's administrator no longer rewrites every district's calendar
    xiling = await api.as_user("xiling", PASSWORD)
    body = await xiling.raw(YEAR, {"i": ARRANGEMENT}, lang="en")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "system administrator" in body["errors"][0]["message"]
    assert (await xiling.gql("{ viewer { systemAdministrator } }"))["viewer"]["systemAdministrator"] is False
    # the system administrator enters it; every district's administrators and offices see the entry
    admin = await api.as_user("admin", PASSWORD)
    assert (await admin.gql("{ viewer { systemAdministrator } }"))["viewer"]["systemAdministrator"] is True
    done = await admin.gql(YEAR, {"i": ARRANGEMENT})
    assert done["workingDayYearSet"] == {"workingDayYear": {"year": 2031, "source": "ENTERED"}, "errors": []}
    q = '{ auditEntries(action: "workingDayYearSet") { nodes { actor objectType after } } }'
    for reader in (xiling, await api.as_user("xiling-office", PASSWORD), admin, await api.as_user("district", PASSWORD)):
        [entry] = (await reader.gql(q))["auditEntries"]["nodes"]
        assert entry["actor"] == "admin" and entry["objectType"] == "WorkingDayYear" and entry["after"]["year"] == 2031
    # the system administrator's right is not a role: it cannot be granted through the API
    assert await User.filter(is_system_admin=True).count() == 1
