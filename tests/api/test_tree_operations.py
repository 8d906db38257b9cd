"""The tree's operations called directly, without HTTP or GraphQL (as a job would, with SYSTEM)."""
from __future__ import annotations

import pytest

from tests.factory import build_world


async def test_tree_operations_run_without_http(api):
    from models.audit import AuditEntry
    from policy.kinds import NodeKind
    from resolvers import tree
    from resolvers.errors import Denied, Problem, Problems
    from resolvers.viewer import SYSTEM, Viewer

    w = await build_world()
    node = await tree.create_tree_node(SYSTEM, parent_id=w.compound_a.id, kind=NodeKind.BUILDING, name=" 9栋 ", households=30)
    assert node.name == "9栋" and node.path == f"{w.compound_a.path}{node.id}/"
    entry = await AuditEntry.filter(action="treeNodeCreate", object_id=node.id).first()
    assert entry is not None and entry.actor_label == "system"

    with pytest.raises(Problem) as taken:
        await tree.create_tree_node(SYSTEM, parent_id=w.compound_a.id, kind=NodeKind.BUILDING, name="9栋", households=1)
    assert taken.value.code == "NAME_TAKEN" and taken.value.field == ["input", "name"]

    nobody = Viewer(user_id=10**6, label="nobody")  # no grants: the node is out of scope
    with pytest.raises(Denied):
        await tree.close_tree_node(nobody, node.id)

    area = await tree.create_service_area(SYSTEM, container_id=w.compound_a.id, name="9栋片区", member_ids=[node.id])
    with pytest.raises(Problems) as wrong:
        await tree.update_service_area(SYSTEM, area.id, member_ids=[w.building_b.id])
    assert [p.code for p in wrong.value.problems] == ["NOT_IN_CONTAINER"]
    await tree.close_service_area(SYSTEM, area.id)

    closed = await tree.close_tree_node(SYSTEM, node.id)
    assert closed.closed_on is not None
    found = await tree.tree_nodes(SYSTEM, kind=NodeKind.BUILDING, name_contains="9栋", include_closed=True)
    assert [r.id for r in found] == [node.id]
    assert await tree.tree_nodes(SYSTEM, kind=NodeKind.BUILDING, name_contains="9栋") == []


async def test_a_member_outside_scope_is_named_as_the_caller_named_it(api):
    """serviceAreaCreate with a building of another community: refused like a missing one, and the
    error does not name the building the caller cannot read."""
    from tests.factory import PASSWORD, gid

    w = await build_world()
    cuiyuan = await api.as_user("cuiyuan", PASSWORD)
    outside = gid(w.building_b)
    out = await cuiyuan.gql(
        "mutation($i: ServiceAreaInput!){ serviceAreaCreate(input: $i){ errors { code field message } } }",
        {"i": {"containerId": gid(w.compound_a), "name": "混合片区", "memberIds": [outside]}})
    errors = out["serviceAreaCreate"]["errors"]
    assert [e["code"] for e in errors] == ["NOT_IN_CONTAINER"]
    assert w.building_b.name not in errors[0]["message"] and outside in errors[0]["message"]
