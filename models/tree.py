"""The governance tree (docs/policy.md §3): one table of nodes with a materialised path.

``path`` is "/<id>/<id>/.../" from the district down to the node itself, so a
node's subtree is every row whose path starts with the node's path: scope
checks and roll-ups are one indexed prefix match.
"""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from policy.kinds import Chain, NodeKind, SubdistrictKind


class Node(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(NodeKind, max_length=16)
    name = fields.CharField(max_length=100)
    code = fields.CharField(max_length=32, null=True)
    district_id = fields.BigIntField(null=True)  # root of the tree this node is in (itself for a district)
    parent: fields.ForeignKeyNullableRelation["Node"] = fields.ForeignKeyField(
        "grassroots.Node", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, db_index=True)
    depth = fields.SmallIntField(default=0)
    subdistrict_kind = fields.CharEnumField(SubdistrictKind, max_length=8, null=True)
    chain = fields.CharEnumField(Chain, max_length=8, null=True)  # communities and villages
    households = fields.IntField(null=True)  # buildings and village groups
    address = fields.CharField(max_length=200, null=True)
    election_cycle_ends_on = fields.DateField(null=True)  # communities and villages
    service_area: fields.ForeignKeyNullableRelation["ServiceArea"] = fields.ForeignKeyField(
        "grassroots.ServiceArea", related_name="members", null=True, on_delete=fields.SET_NULL
    )
    opened_on = fields.DateField(null=True)
    closed_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    parent_id: int | None
    service_area_id: int | None

    class Meta:
        table = "node"
        # uq_node_open_sibling_name (parent, name) WHERE closed_on IS NULL (migration 0003)
        unique_together = (("district_id", "code"),)


class ChainChange(Model):
    """History of a community's or village's switches between the urban and rural chains."""

    id = fields.BigIntField(primary_key=True)
    node: fields.ForeignKeyRelation[Node] = fields.ForeignKeyField(
        "grassroots.Node", related_name="chain_changes", on_delete=fields.CASCADE
    )
    from_chain = fields.CharEnumField(Chain, max_length=8)
    to_chain = fields.CharEnumField(Chain, max_length=8)
    effective_on = fields.DateField()
    reason = fields.CharField(max_length=500)
    closed_children = fields.IntField(default=0)
    changed_by_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    node_id: int

    class Meta:
        table = "chain_change"


class ServiceArea(Model):
    """A seat's service area: a named set of buildings (or village groups) in one container
    (a compound, or a community/village on the rural chain). docs/policy.md §5."""

    id = fields.BigIntField(primary_key=True)
    container: fields.ForeignKeyRelation[Node] = fields.ForeignKeyField(
        "grassroots.Node", related_name="service_areas", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=100)
    path = fields.CharField(max_length=255, db_index=True)  # the container's path
    closed_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    container_id: int

    class Meta:
        table = "service_area"
