"""The tree through the API: the single walk with roll-ups, mutations, scope, query counts."""
from __future__ import annotations

from tests.factory import PASSWORD, build_world, gid

WALK = """
query {
  districts {
    name
    rollup { households requiredBuildingHeads activeBuildingHeads vacancies workstations workstationsSetUp }
    ... on District { newTowns(first: 5) { nodes { name rollup { households }
      subdistricts(first: 10) { nodes { name subdistrictKind rollup { households requiredBuildingHeads }
        communities(first: 10) { nodes { name chain rollup { households requiredBuildingHeads vacancies }
          compounds(first: 10) { nodes { name rollup { households requiredBuildingHeads }
            workstation { name stationHead { letterNumber person { name } } }
            buildings(first: 20) { nodes { name households rollup { households requiredBuildingHeads } } }
          } }
        } }
      } }
    } } }
  }
}
"""


async def test_single_query_walks_the_tree_with_rollups(api):
    await build_world()
    admin = await api.as_user("admin", PASSWORD)
    data = await admin.gql(WALK)
    [district] = data["districts"]
    # 120 + 80 + 0 in 翠苑一区, 150 in 锦绣华庭; one implicit area per compound
    assert district["rollup"]["households"] == 350
    assert district["rollup"]["requiredBuildingHeads"] == 2 + 2  # ceil(200/100) + ceil(150/100)
    assert district["rollup"]["vacancies"] == 4
    assert district["rollup"]["workstations"] == 2
    sub = district["newTowns"]["nodes"][0]["subdistricts"]["nodes"][0]
    assert sub["subdistrictKind"] == "STREET"
    comms = {c["name"]: c for c in sub["communities"]["nodes"]}
    assert comms["翠苑社区"]["rollup"]["households"] == 200
    compound = comms["翠苑社区"]["compounds"]["nodes"][0]
    assert compound["workstation"]["name"] == "翠苑一区小区网格工作站"
    assert [b["households"] for b in compound["buildings"]["nodes"]] == [120, 80, 0]


async def test_tree_query_statement_count_does_not_grow_with_nodes(api, sql_counter):
    from models.tree import Node
    from policy.kinds import NodeKind
    from resolvers.tree import create_node

    w = await build_world()
    admin = await api.as_user("admin", PASSWORD)
    sql_counter.count = 0
    await admin.gql(WALK)
    small = sql_counter.count
    # grow the tree: 3 more compounds with 4 buildings each, in both communities
    for community in (w.community_a, w.community_b):
        for i in range(3):
            c = await create_node(community, NodeKind.COMPOUND, f"新建小区{i}")
            for j in range(4):
                await create_node(c, NodeKind.BUILDING, f"{j}栋", households=50 + j)
    assert await Node.filter(kind=NodeKind.BUILDING).count() == 4 + 24
    sql_counter.count = 0
    data = await admin.gql(WALK)
    assert data["districts"][0]["rollup"]["households"] == 350 + 2 * 3 * (50 + 51 + 52 + 53)
    assert sql_counter.count == small, (small, sql_counter.count)


async def test_create_update_move_close(api):
    w = await build_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    create = """mutation($i: TreeNodeCreateInput!){ treeNodeCreate(input:$i){
        node { id name ... on Building { households } } errors { code field message } } }"""
    data = await officer.gql(create, {"i": {"parentId": gid(w.compound_a), "kind": "BUILDING", "name": "4栋", "households": 90}})
    assert data["treeNodeCreate"]["errors"] == []
    new_id = data["treeNodeCreate"]["node"]["id"]
    # a building cannot hang under a community
    bad = await officer.gql(create, {"i": {"parentId": gid(w.community_a), "kind": "BUILDING", "name": "x", "households": 1}})
    [err] = bad["treeNodeCreate"]["errors"]
    assert err["code"] == "WRONG_PARENT_KIND" and err["field"] == ["input", "kind"]
    assert "楼栋不能隶属于社区" in err["message"]
    neg = await officer.gql(create, {"i": {"parentId": gid(w.compound_a), "kind": "BUILDING", "name": "y", "households": -5}},
                            lang="en")
    assert neg["treeNodeCreate"]["errors"][0]["code"] == "NEGATIVE_HOUSEHOLDS"
    assert neg["treeNodeCreate"]["errors"][0]["message"] == "households cannot be negative"
    upd = await officer.gql("""mutation($i: TreeNodeUpdateInput!){ treeNodeUpdate(input:$i){ node { name } errors { code } } }""",
                            {"i": {"id": new_id, "name": "四栋", "households": 95}})
    assert upd["treeNodeUpdate"] == {"node": {"name": "四栋"}, "errors": []}
    close = "mutation($id: ID!){ treeNodeClose(id:$id){ node { closedOn } errors { code message } } }"
    refused = await officer.gql(close, {"id": gid(w.compound_a)})
    assert refused["treeNodeClose"]["errors"][0]["code"] == "HAS_OPEN_CHILDREN"
    closed = await officer.gql(close, {"id": new_id})
    assert closed["treeNodeClose"]["errors"] == [] and closed["treeNodeClose"]["node"]["closedOn"]
    # moving a compound to the other community: the subdistrict officer reaches both
    sub = await api.as_user("linhu", PASSWORD)
    mv = await sub.gql("mutation($id:ID!,$p:ID!){ treeNodeMove(id:$id,newParentId:$p){ node { parent { name } } errors { code } } }",
                       {"id": gid(w.compound_a), "p": gid(w.community_b)})
    assert mv["treeNodeMove"] == {"node": {"parent": {"name": "锦华社区"}}, "errors": []}
    from models.tree import Node
    from models.workstations import Workstation

    b = await Node.get(id=w.buildings_a[0].id)
    assert b.path.startswith(f"{w.community_b.path}")
    ws = await Workstation.get(compound_id=w.compound_a.id)
    assert ws.path == f"{w.community_b.path}{w.compound_a.id}/"
    # and the community officer of 翠苑 no longer sees the moved compound
    hidden = await officer.gql("query($id:ID!){ node(id:$id){ id } }", {"id": gid(w.compound_a)})
    assert hidden["node"] is None


async def test_chain_change_keeps_history(api):
    w = await build_world()
    sub = await api.as_user("linhu", PASSWORD)
    q = """mutation($i: ChainChangeInput!){ treeNodeChainChange(input:$i){
        node { ... on Community { chain chainHistory { fromChain toChain reason closedChildren } } } errors { code } } }"""
    inp = {"id": gid(w.community_b), "chain": "RURAL", "effectiveOn": "2026-03-01", "reason": "回迁前按村组管理"}
    refused = await sub.gql(q, {"i": inp})
    assert refused["treeNodeChainChange"]["errors"][0]["code"] == "OLD_CHAIN_CHILDREN"
    done = await sub.gql(q, {"i": {**inp, "closeChildren": True}})
    node = done["treeNodeChainChange"]["node"]
    assert node["chain"] == "RURAL"
    assert node["chainHistory"] == [{"fromChain": "URBAN", "toChain": "RURAL", "reason": "回迁前按村组管理", "closedChildren": 2}]
    # now it can hold village groups, not compounds
    create = """mutation($i: TreeNodeCreateInput!){ treeNodeCreate(input:$i){ node { name } errors { code } } }"""
    ok = await sub.gql(create, {"i": {"parentId": gid(w.community_b), "kind": "VILLAGE_GROUP", "name": "一组", "households": 60}})
    assert ok["treeNodeCreate"]["errors"] == []
    no = await sub.gql(create, {"i": {"parentId": gid(w.community_b), "kind": "COMPOUND", "name": "新小区"}})
    assert no["treeNodeCreate"]["errors"][0]["code"] == "WRONG_PARENT_KIND"


async def test_a_buildings_seat_figures_are_those_of_its_service_area(api):
    w = await build_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    await officer.gql("mutation($i: ServiceAreaInput!){ serviceAreaCreate(input: $i){ errors { code } } }",
                      {"i": {"containerId": gid(w.compound_a), "name": "1-2栋", "memberIds": [gid(w.buildings_a[0]), gid(w.buildings_a[1])]}})
    q = """query($id: ID!){ node(id: $id){ ... on Compound { buildings { nodes { name rollup { households requiredBuildingHeads } } } } } }"""
    got = (await officer.gql(q, {"id": gid(w.compound_a)}))["node"]["buildings"]["nodes"]
    # 1栋 and 2栋 share one area of 200 households (2 seats); 3栋 (0 households) is alone in the implicit area
    assert got == [
        {"name": "1栋", "rollup": {"households": 120, "requiredBuildingHeads": 2}},
        {"name": "2栋", "rollup": {"households": 80, "requiredBuildingHeads": 2}},
        {"name": "3栋", "rollup": {"households": 0, "requiredBuildingHeads": 0}},
    ]
    closed = await officer.gql("mutation($id: ID!){ treeNodeClose(id: $id, closedOn: \"1999-01-01\"){ errors { code field } } }",
                               {"id": gid(w.buildings_a[2])})
    assert closed["treeNodeClose"]["errors"] == [{"code": "INVALID_DATE_ORDER", "field": ["closedOn"]}]
