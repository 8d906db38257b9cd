"""A small world for API tests: one district, two communities in one subdistrict, users."""
from __future__ import annotations

from dataclasses import dataclass

from grassroots.demo import create_district, create_user
from models.tree import Node
from policy.idnumber import check_digit
from policy.kinds import NodeKind, Role, SubdistrictKind
from resolvers.tree import create_node
from schema.common import to_global_id
from schema.tree import TYPE_NAMES

PASSWORD = "test-password-123"


def gid(node: Node) -> str:
    return to_global_id(TYPE_NAMES[node.kind], node.id)


def id_number(birth: str = "19800101", seq: str = "123", region: str = "330106") -> str:
    first17 = f"{region}{birth}{seq}"
    return first17 + check_digit(first17)


@dataclass
class World:
    district: Node
    new_town: Node
    subdistrict: Node
    community_a: Node
    community_b: Node
    compound_a: Node
    compound_b: Node
    buildings_a: list[Node]
    building_b: Node


async def build_world() -> World:
    d = await create_district("测试新区", "T")
    nt = await create_node(d, NodeKind.NEW_TOWN, "东湖新城", code="T-NT")
    sd = await create_node(nt, NodeKind.SUBDISTRICT, "临湖街道", code="T-SD", subdistrict_kind=SubdistrictKind.STREET)
    ca = await create_node(sd, NodeKind.COMMUNITY, "翠苑社区", code="T-CA")
    cb = await create_node(sd, NodeKind.COMMUNITY, "锦华社区", code="T-CB")
    pa = await create_node(ca, NodeKind.COMPOUND, "翠苑一区", code="T-PA")
    pb = await create_node(cb, NodeKind.COMPOUND, "锦绣华庭", code="T-PB")
    ba = [
        await create_node(pa, NodeKind.BUILDING, f"{i}栋", code=f"T-PA-{i}", households=h)
        for i, h in ((1, 120), (2, 80), (3, 0))
    ]
    bb = await create_node(pb, NodeKind.BUILDING, "1栋", code="T-PB-1", households=150)
    await create_user("admin", "管理员", PASSWORD, [(Role.ADMIN, d)], system_admin=True)
    await create_user("linhu", "临湖街道办", PASSWORD, [(Role.SUBDISTRICT_OFFICER, sd)])
    await create_user("cuiyuan", "翠苑社区", PASSWORD, [(Role.COMMUNITY_STAFF, ca)])
    await create_user("jinhua", "锦华社区", PASSWORD, [(Role.COMMUNITY_STAFF, cb)])
    await create_user("district", "新区办", PASSWORD, [(Role.DISTRICT_OFFICE, d)])
    return World(d, nt, sd, ca, cb, pa, pb, ba, bb)
