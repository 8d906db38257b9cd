"""Scope: a community officer sees nothing of another community — by list, by node(id:),
by mutation. Personal data masking, login, API keys, the audit log."""
from __future__ import annotations

from models.people import Person
from tests.factory import PASSWORD, build_world, gid, id_number
from schema.common import to_global_id


async def _person(home, name: str, seq: str, phone: str = "13812345678") -> Person:
    idn = id_number(seq=seq)
    from policy.idnumber import parse_id_number

    r = parse_id_number(idn)
    return await Person.create(name=name, gender=r.gender, id_number=idn, birth_date=r.birth_date, phone=phone,
                               home_id=home.id, path=home.path)


async def test_community_officer_sees_nothing_of_another_community(api):
    w = await build_world()
    other = await _person(w.community_b, "锦华居民", "201")
    mine = await _person(w.community_a, "翠苑居民", "301")
    a = await api.as_user("cuiyuan", PASSWORD)
    # lists
    data = await a.gql("{ treeNodes(first: 100) { nodes { name } } people { nodes { name } } workstations { nodes { name } } districts { name } }")
    names = {n["name"] for n in data["treeNodes"]["nodes"]}
    assert "翠苑社区" in names and "翠苑一区" in names
    assert not names & {"锦华社区", "锦绣华庭", "临湖街道", "测试新区"}
    assert [p["name"] for p in data["people"]["nodes"]] == ["翠苑居民"]
    assert [w_["name"] for w_ in data["workstations"]["nodes"]] == ["翠苑一区小区网格工作站"]
    assert data["districts"] == []
    # node(id:) on the other community, its compound, its person, its workstation
    from models.workstations import Workstation

    ws_b = await Workstation.get(compound_id=w.compound_b.id)
    for hidden in (gid(w.community_b), gid(w.compound_b), to_global_id("Person", other.id), to_global_id("Workstation", ws_b.id)):
        got = await a.gql("query($id: ID!){ node(id: $id){ id } }", {"id": hidden})
        assert got["node"] is None, hidden
    seen = await a.gql("query($id: ID!){ node(id: $id){ id } }", {"id": to_global_id("Person", mine.id)})
    assert seen["node"] is not None
    # the parent of my community is outside my scope: null, not leaked
    up = await a.gql("query($id: ID!){ node(id: $id){ ... on Community { parent { name } } } }", {"id": gid(w.community_a)})
    assert up["node"]["parent"] is None
    # mutations on the other community are refused as access denials, and change nothing
    body = await a.raw("mutation($i: TreeNodeUpdateInput!){ treeNodeUpdate(input: $i){ node { name } errors { code } } }",
                       {"i": {"id": gid(w.community_b), "name": "被改名"}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await a.raw("mutation($i: TreeNodeCreateInput!){ treeNodeCreate(input: $i){ node { name } errors { code } } }",
                       {"i": {"parentId": gid(w.compound_b), "kind": "BUILDING", "name": "9栋", "households": 10}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await a.raw("mutation($i: PersonUpdateInput!){ personUpdate(input: $i){ person { name } errors { code } } }",
                       {"i": {"id": to_global_id("Person", other.id), "phone": "13900000000"}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    from models.tree import Node

    assert (await Node.get(id=w.community_b.id)).name == "锦华社区"
    assert not await Node.filter(parent_id=w.compound_b.id, name="9栋").exists()
    assert (await Person.get(id=other.id)).phone == "13812345678"


async def test_anonymous_callers_are_refused(api):
    await build_world()
    body = await api.raw("{ districts { name } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = await api.raw("{ treeNodes { nodes { name } } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = await api.raw("{ districts { name } }", token="not-a-token")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_login_errors_are_typed_and_localised(api):
    await build_world()
    q = "mutation($u:String!,$p:String!){ sessionCreate(username:$u,password:$p){ token errors { code field message } } }"
    zh = await api.gql(q, {"u": "admin", "p": "wrong"})
    assert zh["sessionCreate"]["token"] is None
    assert zh["sessionCreate"]["errors"] == [{"code": "BAD_CREDENTIALS", "field": ["password"], "message": "用户名或密码错误"}]
    en = await api.gql(q, {"u": "nobody", "p": "wrong"}, lang="en-GB,en;q=0.9")
    assert en["sessionCreate"]["errors"][0]["message"] == "wrong username or password"


async def test_personal_data_is_masked_for_roles_that_do_not_need_it(api):
    w = await build_world()
    p = await _person(w.community_a, "张三", "401", phone="13912345678")
    q = "query($id: ID!){ node(id: $id){ ... on Person { idNumber phone personalDataMasked } } }"
    officer = await api.as_user("cuiyuan", PASSWORD)
    full = (await officer.gql(q, {"id": to_global_id("Person", p.id)}))["node"]
    assert full == {"idNumber": p.id_number, "phone": "13912345678", "personalDataMasked": False}
    office = await api.as_user("district", PASSWORD)
    masked = (await office.gql(q, {"id": to_global_id("Person", p.id)}))["node"]
    assert masked["personalDataMasked"] is True
    assert masked["idNumber"] != p.id_number and masked["idNumber"].startswith(p.id_number[:3]) and "*" in masked["idNumber"]
    assert masked["phone"] == "139****5678"


async def test_partner_api_keys_are_scoped_revocable_and_audited(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    made = await admin.gql(
        "mutation($n: ID!){ apiKeyCreate(name: \"12345热线\", role: HOTLINE, nodeId: $n){ secret apiKey { id prefix } errors { code } } }",
        {"n": gid(w.community_a)},
    )
    secret = made["apiKeyCreate"]["secret"]
    key_id = made["apiKeyCreate"]["apiKey"]["id"]
    assert secret.startswith(made["apiKeyCreate"]["apiKey"]["prefix"])
    bad_role = await admin.gql("mutation($n: ID!){ apiKeyCreate(name: \"x\", role: ADMIN, nodeId: $n){ secret errors { code } } }",
                               {"n": gid(w.community_a)})
    assert bad_role["apiKeyCreate"] == {"secret": None, "errors": [{"code": "NOT_A_PARTNER_ROLE"}]}
    seen = await api.gql("{ treeNodes(first: 100) { nodes { name } } }", token="", headers={"Authorization": f"ApiKey {secret}"})
    names = {n["name"] for n in seen["treeNodes"]["nodes"]}
    assert "翠苑社区" in names and "锦华社区" not in names
    # a partner key may not write
    body = await api.raw("mutation($i: TreeNodeUpdateInput!){ treeNodeUpdate(input: $i){ errors { code } } }",
                         {"i": {"id": gid(w.community_a), "name": "x"}}, token="", headers={"X-API-Key": secret})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    revoked = await admin.gql("mutation($id: ID!){ apiKeyRevoke(id: $id){ apiKey { revokedAt } errors { code } } }", {"id": key_id})
    assert revoked["apiKeyRevoke"]["apiKey"]["revokedAt"]
    body = await api.raw("{ treeNodes { nodes { name } } }", token="", headers={"Authorization": f"ApiKey {secret}"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    log = await admin.gql("{ auditEntries(action: \"apiKeyCreate\") { nodes { actor action objectType after } } }")
    [entry] = log["auditEntries"]["nodes"]
    assert entry["actor"] == "admin" and entry["objectType"] == "ApiKey" and entry["after"]["role"] == "HOTLINE"


async def test_audit_log_records_before_and_after_and_filters(api):
    w = await build_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    await officer.gql("mutation($i: TreeNodeUpdateInput!){ treeNodeUpdate(input: $i){ errors { code } } }",
                      {"i": {"id": gid(w.buildings_a[0]), "households": 130}})
    admin = await api.as_user("admin", PASSWORD)
    log = await admin.gql("query($o: ID){ auditEntries(actor: \"cuiyuan\", objectType: \"Node\", objectId: $o) { totalCount nodes { action before after } } }",
                          {"o": str(w.buildings_a[0].id)})
    [e] = log["auditEntries"]["nodes"]
    assert e["action"] == "treeNodeUpdate" and e["before"]["households"] == 120 and e["after"]["households"] == 130
    none = await admin.gql("{ auditEntries(actor: \"jinhua\") { totalCount } }")
    assert none["auditEntries"]["totalCount"] == 0
    logins = await admin.gql("{ auditEntries(action: \"sessionCreate\") { nodes { actor } } }")
    assert {e["actor"] for e in logins["auditEntries"]["nodes"]} == {"cuiyuan", "admin"}
    # a community officer may not read the audit log
    body = await officer.raw("{ auditEntries { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_failed_mutation_leaves_nothing_half_written(api):
    """An error raised after a first write rolls the whole mutation back."""
    w = await build_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    from models.tree import ServiceArea

    res = await officer.gql(
        "mutation($i: ServiceAreaInput!){ serviceAreaCreate(input: $i){ serviceArea { id } errors { code field } } }",
        {"i": {"containerId": gid(w.compound_a), "name": "1-2栋片区", "memberIds": [gid(w.buildings_a[0]), gid(w.building_b)]}},
    )
    assert res["serviceAreaCreate"]["serviceArea"] is None
    assert res["serviceAreaCreate"]["errors"] == [{"code": "NOT_IN_CONTAINER", "field": ["input", "memberIds", "1"]}]
    assert await ServiceArea.all().count() == 0


async def test_admin_manages_users_and_grants(api):
    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    made = await admin.gql("""mutation($n: ID!){ userCreate(input: {username: "wang", displayName: "王干事", password: "long-enough-pw",
        grants: [{role: COMMUNITY_STAFF, nodeId: $n}]}){ user { id grants { role node { name } } } errors { code } } }""",
                           {"n": gid(w.community_a)})
    user = made["userCreate"]["user"]
    assert user["grants"] == [{"role": "COMMUNITY_STAFF", "node": {"name": "翠苑社区"}}]
    weak = await admin.gql("""mutation($n: ID!){ userCreate(input: {username: "x", displayName: "x", password: "short",
        grants: [{role: COMMUNITY_STAFF, nodeId: $n}]}){ errors { code field } } }""", {"n": gid(w.community_a)})
    assert weak["userCreate"]["errors"] == [{"code": "WEAK_PASSWORD", "field": ["input", "password"]}]
    wang = await api.as_user("wang", "long-enough-pw")
    assert (await wang.gql("{ viewer { username grants { role } } }"))["viewer"]["grants"] == [{"role": "COMMUNITY_STAFF"}]
    added = await admin.gql("mutation($u: ID!, $n: ID!){ roleGrantAdd(userId: $u, role: COMMUNITY_STAFF, nodeId: $n){ user { grants { node { name } } } } }",
                            {"u": user["id"], "n": gid(w.community_b)})
    assert [g["node"]["name"] for g in added["roleGrantAdd"]["user"]["grants"]] == ["翠苑社区", "锦华社区"]
    # a community officer can administer nobody
    officer = await api.as_user("cuiyuan", PASSWORD)
    body = await officer.raw("mutation($u: ID!){ userDeactivate(id: $u){ errors { code } } }", {"u": user["id"]})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    off = await admin.gql("mutation($u: ID!){ userDeactivate(id: $u){ user { isActive } } }", {"u": user["id"]})
    assert off["userDeactivate"]["user"]["isActive"] is False
    body = await wang.raw("{ viewer { username } treeNodes { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    listed = await admin.gql("{ users { username } }")
    assert "wang" in [u["username"] for u in listed["users"]]


async def test_scope_roots_and_nodes_respect_scope(api):
    w = await build_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    roots = await officer.gql("{ scopeRoots { name } }")
    assert roots["scopeRoots"] == [{"name": "翠苑社区"}]
    got = await officer.gql("query($ids: [ID!]!){ nodes(ids: $ids){ ... on TreeNode { name } } }",
                            {"ids": [gid(w.compound_a), gid(w.compound_b), "not-an-id"]})
    assert got["nodes"] == [{"name": "翠苑一区"}, None, None]
