"""Domain enumerations shared by every layer (docs/policy.md §2 glossary names)."""
from __future__ import annotations

from enum import Enum


class NodeKind(str, Enum):
    DISTRICT = "DISTRICT"
    NEW_TOWN = "NEW_TOWN"
    SUBDISTRICT = "SUBDISTRICT"
    COMMUNITY = "COMMUNITY"
    VILLAGE = "VILLAGE"
    COMPOUND = "COMPOUND"
    VILLAGE_GROUP = "VILLAGE_GROUP"
    BUILDING = "BUILDING"


class SubdistrictKind(str, Enum):
    TOWN = "TOWN"  # 镇
    STREET = "STREET"  # 街道


class Chain(str, Enum):
    """Which chain a community or village follows below it (docs/policy.md §3)."""

    URBAN = "URBAN"  # → Compound → Building
    RURAL = "RURAL"  # → VillageGroup


class Gender(str, Enum):
    MALE = "MALE"
    FEMALE = "FEMALE"


class Violation(str, Enum):
    """A-3 §2.4: what disqualifies an applicant besides unpaid fees."""

    LOAD_BEARING_DAMAGE = "LOAD_BEARING_DAMAGE"  # 破坏承重结构
    ILLEGAL_CONSTRUCTION = "ILLEGAL_CONSTRUCTION"  # 违章搭建
    RULE_BREACH = "RULE_BREACH"  # 不遵守小区管理规约


class StaffKind(str, Enum):
    COMMUNITY_WORKER = "COMMUNITY_WORKER"  # 社区工作者
    GRID_WORKER_FULL_TIME = "GRID_WORKER_FULL_TIME"  # 专职网格员
    GRID_WORKER_PART_TIME = "GRID_WORKER_PART_TIME"  # 兼职网格员
    COMMUNITY_POLICE = "COMMUNITY_POLICE"  # 社区民警


class PremisesKind(str, Enum):
    PROPERTY_OFFICE = "PROPERTY_OFFICE"  # 物业用房
    COMMUNITY_ROOM = "COMMUNITY_ROOM"  # 社区用房
    ACTIVITY_ROOM = "ACTIVITY_ROOM"  # 活动室
    RENTED = "RENTED"  # 租用
    TEMPORARY = "TEMPORARY"  # 临时用房


class PlanStatus(str, Enum):
    DRAFT = "DRAFT"
    APPROVED = "APPROVED"  # by the subdistrict
    FILED = "FILED"  # recorded with the new-town office


class StationHeadSource(str, Enum):
    COMMUNITY_WORKER = "COMMUNITY_WORKER"
    GRID_WORKER = "GRID_WORKER"
    BUILDING_HEAD = "BUILDING_HEAD"


class HeadKind(str, Enum):
    BUILDING_HEAD = "BUILDING_HEAD"  # 楼栋长
    GROUP_LEADER = "GROUP_LEADER"  # 村民小组长, treated exactly like a building head


class TermStatus(str, Enum):
    ACTIVE = "ACTIVE"
    ENDED = "ENDED"


class Role(str, Enum):
    """Roles a user (or API key) holds, each scoped to a tree node (docs/policy.md §13)."""

    ADMIN = "ADMIN"
    DISTRICT_OFFICE = "DISTRICT_OFFICE"
    NEW_TOWN_OFFICE = "NEW_TOWN_OFFICE"
    SUBDISTRICT_OFFICER = "SUBDISTRICT_OFFICER"
    COMMUNITY_STAFF = "COMMUNITY_STAFF"
    STATION_HEAD = "STATION_HEAD"
    BUILDING_HEAD = "BUILDING_HEAD"
    COMMUNITY_POLICE = "COMMUNITY_POLICE"
    HOTLINE = "HOTLINE"  # partner agency: the 12345 hotline
    FINANCE = "FINANCE"  # partner agency: finance
    INSURER = "INSURER"  # partner agency: the insurer


PARTNER_ROLES = frozenset({Role.HOTLINE, Role.FINANCE, Role.INSURER})
