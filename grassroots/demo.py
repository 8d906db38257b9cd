"""A realistic demo district (临江新区) for an empty database.

Everything here is deterministic: the same database content every time, no
randomness and no dependence on today's date. ``load_demo`` is what the command
line and the README use; ``create_district`` and ``create_user`` are also useful
on their own (a first district and its first administrator on a fresh install).

The demo shows every state the screens have to deal with: service areas with
vacancies, a compound with no service areas at all, a community on the rural
chain, late workstations (one with late premises, one not yet in use), a
workstation without a station head, a station head who is a building head,
plans in each status, residents who would fail the eligibility checks, and a
building-head recruitment campaign (江景社区) with applications at every interesting
step of the process, each with its history.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from models.access import RoleGrant, User
from models.parameters import PolicyParameter
from models.people import Person, StaffRole
from models.recruitment import (
    Application, ApplicationEvent, BuildingHead, CampaignArea, HeadChangeFiling, NominationSigner, Objection,
    RecruitmentCampaign,
)
from models.tree import Node, ServiceArea
from models.workstations import StationHeadAppointment, Workstation, WorkstationCampaign, WorkstationPlan
from policy.calendar import default_calendar
from policy.dates import age_on, term_end
from policy.idnumber import check_digit
from policy.kinds import (
    Chain, Gender, HeadKind, NodeKind, PlanStatus, PremisesKind, Role, StaffKind, StationHeadSource, SubdistrictKind,
    TermStatus, Violation,
)
from policy.nomination import Signer, count_signatures
from policy.notice import notice_window
from policy.parameters import default_rows
from policy.recruitment import ApplicationStatus, Channel, ObjectionStatus, Organisation, check_step
from policy.seats import required_heads
from policy.terms import EndReason
from resolvers.parameters import parameters_in_force
from resolvers.passwords import hash_password
from resolvers.recruitment.steps import automatic_checks
from resolvers.tree import create_node

__all__ = ["DEMO_USERS", "DEMO_PASSWORD", "create_district", "create_user", "load_demo"]

DEMO_PASSWORD = "demo-pass-2026"
SHANGHAI = ZoneInfo("Asia/Shanghai")
AGES_AS_OF = date(2026, 3, 1)  # people's ages below are their ages on this date
TERM_YEARS = 5
HOUSEHOLDS_PER_HEAD = 100

# (username, role, scope) — for the README and the login screen's hint.
DEMO_USERS: list[tuple[str, str, str]] = [
    ("admin", Role.ADMIN.value, "临江新区（系统管理员，全区）"),
    ("district", Role.DISTRICT_OFFICE.value, "临江新区领导小组办公室（全区）"),
    ("dongbu", Role.NEW_TOWN_OFFICE.value, "东湖新城办公室（东湖新城及下辖街道）"),
    ("linhu", Role.SUBDISTRICT_OFFICER.value, "临湖街道业务主管科室（临湖街道）"),
    ("wangjiang", Role.SUBDISTRICT_OFFICER.value, "望江街道业务主管科室（望江街道）"),
    ("cuiyuan", Role.COMMUNITY_STAFF.value, "翠苑社区工作人员（翠苑社区）"),
    ("jinhua", Role.COMMUNITY_STAFF.value, "锦华社区工作人员（锦华社区）"),
    ("jiangjing", Role.COMMUNITY_STAFF.value, "江景社区工作人员（江景社区）"),
    ("zhanzhang", Role.STATION_HEAD.value, "翠苑一区小区网格工作站站长（翠苑一区）"),
    ("police", Role.COMMUNITY_POLICE.value, "临湖街道社区民警（翠苑社区、锦华社区）"),
    ("police2", Role.COMMUNITY_POLICE.value, "望江街道社区民警（江景社区）"),
    ("hotline", Role.HOTLINE.value, "12345热线（全区工单）"),
    ("loudong", Role.BUILDING_HEAD.value, "翠苑一区1-2栋片区楼栋长（随任期：本人片区的楼栋）"),
]


# ---------------------------------------------------------------------------
# The shape of the district
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaSpec:
    name: str
    members: tuple[str, ...]  # building / village group names
    heads: int  # active heads on record (fewer than the seats leaves vacancies)


@dataclass(frozen=True)
class CompoundSpec:
    code: str
    name: str
    address: str
    opened_on: date
    buildings: tuple[tuple[str, int], ...]  # (name, households)
    areas: tuple[AreaSpec, ...]
    premises_kind: PremisesKind
    layout: str
    setup: str  # "on_time" | "premises_late" | "not_in_use"


@dataclass(frozen=True)
class CommunitySpec:
    code: str
    name: str
    address: str
    compounds: tuple[CompoundSpec, ...] = ()
    kind: NodeKind = NodeKind.COMMUNITY
    chain: Chain = Chain.URBAN
    groups: tuple[tuple[str, int, str], ...] = ()  # rural chain: (name, households, address)
    areas: tuple[AreaSpec, ...] = ()  # rural chain: areas of village groups


def _a(name: str, members: str, heads: int) -> AreaSpec:
    return AreaSpec(name, tuple(members.split()), heads)


CUIYUAN = CommunitySpec(
    "LJ-DH-LH-CY", "翠苑社区", "临湖街道翠苑路88号",
    compounds=(
        CompoundSpec(
            "LJ-DH-LH-CY-01", "翠苑一区", "临湖街道翠苑路18号", date(2021, 1, 1),
            (("1栋", 120), ("2栋", 96), ("3栋", 180), ("4栋", 64), ("5栋", 210)),
            (_a("1-2栋片区", "1栋 2栋", 3), _a("3栋片区", "3栋", 2), _a("4-5栋片区", "4栋 5栋", 2)),
            PremisesKind.PROPERTY_OFFICE, "物业服务中心一楼东侧，约45平方米，设接待区和议事区", "on_time",
        ),
        CompoundSpec(
            "LJ-DH-LH-CY-02", "翠苑二区", "临湖街道翠苑路66号", date(2021, 1, 1),
            (("1栋", 88), ("2栋", 88), ("3栋", 132), ("4栋", 45)),
            (_a("1-2栋片区", "1栋 2栋", 2), _a("3-4栋片区", "3栋 4栋", 2)),
            PremisesKind.ACTIVITY_ROOM, "小区老年活动室西间，与活动室错时共用", "on_time",
        ),
        CompoundSpec(
            "LJ-DH-LH-CY-03", "星河湾", "临湖街道星河路9号", date(2021, 6, 1),
            (("1栋", 240), ("2栋", 256), ("3栋", 160), ("5栋", 72), ("6栋", 118)),
            (_a("1栋片区", "1栋", 3), _a("2栋片区", "2栋", 1), _a("3-6栋片区", "3栋 5栋 6栋", 4)),
            PremisesKind.COMMUNITY_ROOM, "社区用房二楼203室，约30平方米", "on_time",
        ),
    ),
)

JINHUA = CommunitySpec(
    "LJ-DH-LH-JH", "锦华社区", "临湖街道锦华路36号",
    compounds=(
        CompoundSpec(
            "LJ-DH-LH-JH-01", "锦绣华庭", "临湖街道锦华路128号", date(2021, 1, 1),
            (("1栋", 150), ("2栋", 150), ("3栋", 96), ("4栋", 102)),
            (_a("1栋片区", "1栋", 2), _a("2栋片区", "2栋", 2), _a("3-4栋片区", "3栋 4栋", 2)),
            PremisesKind.PROPERTY_OFFICE, "物业用房南侧两间，约50平方米", "on_time",
        ),
        CompoundSpec(
            "LJ-DH-LH-JH-02", "华府名邸", "临湖街道锦华路200号", date(2022, 3, 1),
            (("1栋", 60), ("2栋", 60), ("3栋", 84)),
            (_a("1-3栋片区", "1栋 2栋 3栋", 2),),
            PremisesKind.RENTED, "租用小区沿街商铺一间（锦华路200-6号），约25平方米", "on_time",
        ),
    ),
)

JIANGJING = CommunitySpec(
    "LJ-DH-WJ-JJ", "江景社区", "望江街道滨江大道1666号",
    compounds=(
        CompoundSpec(
            "LJ-DH-WJ-JJ-01", "江畔花园", "望江街道滨江大道1888号", date(2021, 1, 1),
            (("1栋", 110), ("2栋", 110), ("3栋", 220), ("4栋", 48), ("5栋", 52), ("6栋", 90)),
            # 3栋片区: two of its three seats are vacant; the 2026 recruitment campaign fills them
            (_a("1-2栋片区", "1栋 2栋", 3), _a("3栋片区", "3栋", 1), _a("4-6栋片区", "4栋 5栋 6栋", 2)),
            PremisesKind.PROPERTY_OFFICE, "物业服务中心二楼会议室隔出一间，约35平方米", "on_time",
        ),
        CompoundSpec(
            "LJ-DH-WJ-JJ-02", "望江府", "望江街道望江路55号", date(2021, 9, 1),
            (("1栋", 180), ("2栋", 180), ("3栋", 98)),
            (_a("1栋片区", "1栋", 2), _a("2栋片区", "2栋", 1), _a("3栋片区", "3栋", 1)),
            PremisesKind.COMMUNITY_ROOM, "会所一楼社区用房，约40平方米，装修延期", "premises_late",
        ),
        CompoundSpec(  # newly delivered: no service areas, no building heads, no station head yet
            "LJ-DH-WJ-JJ-03", "滨江公寓", "望江街道滨江大道2100号", date(2025, 6, 30),
            (("1栋", 260), ("2栋", 230), ("3栋", 40)),
            (),
            PremisesKind.TEMPORARY, "临时使用售楼处旧址一间，待交付物业用房后迁入", "not_in_use",
        ),
    ),
)

LIUHE = CommunitySpec(
    "LJ-XL-QS-LH", "柳河村", "青山镇柳河村村委会（柳河路1号）",
    kind=NodeKind.VILLAGE, chain=Chain.RURAL,
    groups=(
        ("第一村民小组", 86, "青山镇柳河村一组"),
        ("第二村民小组", 132, "青山镇柳河村二组"),
        ("第三村民小组", 97, "青山镇柳河村三组"),
    ),
    areas=(_a("一组片区", "第一村民小组", 1), _a("二组片区", "第二村民小组", 1), _a("三组片区", "第三村民小组", 1)),
)

TAOYUAN = CommunitySpec(  # former village whose residents have not moved back yet: rural chain
    "LJ-XL-QS-TY", "桃源社区", "青山镇桃源路9号（原桃源村村委会）",
    kind=NodeKind.COMMUNITY, chain=Chain.RURAL,
    groups=(("桃源一组", 118, "青山镇桃源社区一组"), ("桃源二组", 74, "青山镇桃源社区二组")),
    areas=(_a("一组片区", "桃源一组", 2), _a("二组片区", "桃源二组", 1)),
)

# new town → subdistricts → communities
TREE = (
    ("LJ-DH", "东湖新城", "东湖新城管委会（湖滨大道1号）", (
        ("LJ-DH-LH", "临湖街道", SubdistrictKind.STREET, "临湖路168号", (CUIYUAN, JINHUA)),
        ("LJ-DH-WJ", "望江街道", SubdistrictKind.STREET, "望江路8号", (JIANGJING,)),
    )),
    ("LJ-XL", "西岭新城", "西岭新城管委会（西岭大道66号）", (
        ("LJ-XL-QS", "青山镇", SubdistrictKind.TOWN, "青山镇青山街2号", (LIUHE, TAOYUAN)),
    )),
)

# Paid staff: (key, community, kind, started_on, heads the station of this compound or None)
STAFF = (
    ("cy-cw1", "翠苑社区", StaffKind.COMMUNITY_WORKER, date(2019, 7, 1), "翠苑一区"),
    ("cy-cw2", "翠苑社区", StaffKind.COMMUNITY_WORKER, date(2021, 3, 15), "星河湾"),
    ("cy-gw1", "翠苑社区", StaffKind.GRID_WORKER_FULL_TIME, date(2022, 5, 1), "翠苑二区"),
    ("cy-gw2", "翠苑社区", StaffKind.GRID_WORKER_PART_TIME, date(2024, 9, 1), None),
    ("jh-cw1", "锦华社区", StaffKind.COMMUNITY_WORKER, date(2018, 4, 1), "锦绣华庭"),
    ("jh-gw1", "锦华社区", StaffKind.GRID_WORKER_FULL_TIME, date(2023, 2, 20), "华府名邸"),
    ("jh-gw2", "锦华社区", StaffKind.GRID_WORKER_PART_TIME, date(2025, 3, 1), None),
    # 望江街道: two workers for three compounds, so a building head may head a station (§3.1.1)
    ("jj-cw1", "江景社区", StaffKind.COMMUNITY_WORKER, date(2020, 8, 1), None),
    ("jj-gw1", "江景社区", StaffKind.GRID_WORKER_FULL_TIME, date(2022, 10, 1), "江畔花园"),
    ("lh-cw1", "柳河村", StaffKind.COMMUNITY_WORKER, date(2017, 5, 1), None),
    ("ty-gw1", "桃源社区", StaffKind.GRID_WORKER_PART_TIME, date(2023, 6, 1), None),
)
# the compound whose station is headed by one of its own building heads (source BUILDING_HEAD)
BUILDING_HEAD_STATION = "望江府"

# Community police: (key, subdistrict (home), communities served, started_on)
POLICE = (
    ("lh-police", "临湖街道", ("翠苑社区", "锦华社区"), date(2020, 3, 1)),
    ("wj-police", "望江街道", ("江景社区",), date(2021, 7, 1)),
    ("qs-police", "青山镇", ("柳河村", "桃源社区"), date(2019, 11, 1)),
)

# Appointment letters and the new-town office's record of each subdistrict's list
LETTERS = {"临湖街道": ("临湖街聘〔2026〕{}号", 12), "望江街道": ("望江街聘〔2026〕{}号", 3)}
HEAD_LIST_FILINGS = {"临湖街道": "东湖新城备〔2026〕2号", "望江街道": "东湖新城备〔2026〕5号"}

PLANS = {
    "翠苑社区": (PlanStatus.APPROVED, None,
             "翠苑社区三个小区各设一个网格工作站：翠苑一区用物业服务中心一楼，翠苑二区与老年活动室共用，"
             "星河湾用社区用房203室。统一挂牌，配齐电脑、打印机和资料柜，工作制度上墙。"),
    "锦华社区": (PlanStatus.FILED, "东湖新城备〔2026〕3号",
             "锦绣华庭使用物业用房南侧两间；华府名邸无物业用房，租用沿街商铺一间，租金由社区公益金列支。"),
    "江景社区": (PlanStatus.DRAFT, None,
             "江畔花园使用物业服务中心二楼；望江府使用会所社区用房（装修中）；滨江公寓交付前暂用售楼处旧址，"
             "待物业用房移交后迁入。方案待街道审批。"),
}

CAMPAIGN = ("2026年小区工作站建设", date(2026, 2, 15), date(2026, 2, 28))

# 江景社区's by-election of building heads (docs/policy.md §5): name, community, opened on, notice.
# Its areas are the community's service areas with vacancies; its applications are in _Loader._recruitment.
RECRUITMENT = (
    "2026年江景社区楼栋长补选", "江景社区", date(2026, 10, 20),
    ("江景社区部分楼栋长岗位空缺，现面向本社区居民公开补选楼栋长。报名条件：遵纪守法、热心公益，为本小区常住居民，"
     "申请之日未满60周岁（特别优秀的可放宽至未满65周岁），身体健康，按时缴纳物业费，无违章搭建、无破坏房屋承重结构行为。"
     "可本人自荐、本楼栋10名以上居民联名推荐或由社区党组织、居委会、物业企业、业委会推荐，"
     "请到社区居委会或小区网格工作站领取报名表。"),
)

# ---------------------------------------------------------------------------
# Deterministic people
# ---------------------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
)
_MALE = (
    "建国 志强 伟 国华 海涛 文斌 俊杰 明辉 晓东 立新 永胜 宏伟 家豪 振华 浩然 德明 庆丰 春生 金龙 学军 "
    "卫东 鹏飞 成刚 宇航 建平 国庆 锦程 一鸣 长青 耀祖 志远 少华 红军 斌 涛"
).split()
_FEMALE = (
    "秀英 桂芳 丽娟 淑珍 海燕 美玲 晓红 静 雪梅 慧敏 婷婷 欣怡 玉兰 春梅 红霞 丹丹 凤英 小燕 佳琪 梦瑶 "
    "雅琴 秋菊 琳 晓燕 翠华 素芬 月娥 思雨 颖 可馨 亚萍 建英 丽华 玉珍 爱华"
).split()
# birth-registration region codes (Zhejiang), as found on local residents' ID cards
_REGIONS = ("330106", "330102", "330105", "330108", "330110", "330109", "330182", "330183", "330521", "330381")
_PHONE_PREFIXES = ("138", "139", "137", "135", "158", "159", "186", "188", "150", "151", "133", "177")


class _People:
    """Makes people one after the other; the n-th person is always the same."""

    def __init__(self) -> None:
        self.n = 0
        self.names: set[str] = set()
        self.id_numbers: set[str] = set()

    def _name(self, gender: Gender) -> str:
        given = _MALE if gender == Gender.MALE else _FEMALE
        i = self.n
        for k in range(len(_SURNAMES) * len(given)):
            name = _SURNAMES[(i * 7 + k) % len(_SURNAMES)] + given[(i * 11 + k * 3) % len(given)]
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("ran out of demo names")  # pragma: no cover

    def _birth_date(self, age: int, as_of: date) -> date:
        i = self.n
        month, day = 1 + (i * 5) % 12, 1 + (i * 11) % 28
        year = as_of.year - age - (1 if (month, day) > (as_of.month, as_of.day) else 0)
        born = date(year, month, day)
        assert age_on(born, as_of) == age
        return born

    def _id_number(self, born: date, gender: Gender) -> str:
        i = self.n
        region = _REGIONS[i % len(_REGIONS)]
        digits = "13579" if gender == Gender.MALE else "02468"
        for k in range(100):
            seq = (i * 37 + k * 13) % 100
            first17 = f"{region}{born:%Y%m%d}{seq:02d}{digits[(i + k) % 5]}"
            number = first17 + check_digit(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number
        raise RuntimeError("ran out of demo ID numbers")  # pragma: no cover

    def _phone(self) -> str:
        i = self.n
        return _PHONE_PREFIXES[i % len(_PHONE_PREFIXES)] + f"{(12345678 + i * 7331) % 100_000_000:08d}"

    async def make(
        self, *, age: int, home: Node, residence: Node | None, gender: Gender | None = None,
        permanent_resident: bool = True, property_fee_paid: bool = True, violations: tuple[Violation, ...] = (),
        party_member: bool = False, retired_cadre: bool = False, model_worker: bool = False,
        as_of: date = AGES_AS_OF,
    ) -> Person:
        """A person aged ``age`` on ``as_of``."""
        self.n += 1
        if gender is None:
            gender = Gender.FEMALE if self.n % 2 == 0 else Gender.MALE
        born = self._birth_date(age, as_of)
        return await Person.create(
            name=self._name(gender), gender=gender, id_number=self._id_number(born, gender), birth_date=born,
            phone=self._phone(), home_id=home.id, path=home.path, residence_id=residence.id if residence else None,
            permanent_resident=permanent_resident, property_fee_paid=property_fee_paid,
            violations=[v.value for v in violations], party_member=party_member, retired_cadre=retired_cadre,
            model_worker=model_worker,
        )


def _at(d: date, hour: int = 10) -> datetime:
    return datetime(d.year, d.month, d.day, hour, 0, tzinfo=SHANGHAI)


# ---------------------------------------------------------------------------
# Building blocks, usable on their own
# ---------------------------------------------------------------------------


async def create_district(name: str, code: str | None = None, effective_from: date = date(2020, 1, 1)) -> Node:
    """A district (the root of a tree) with every policy parameter at its default (§12)."""
    district = await Node.create(
        kind=NodeKind.DISTRICT, name=name, code=code or None, parent_id=None, path="", depth=0,
        opened_on=effective_from,
    )
    district.district_id = district.id
    district.path = f"/{district.id}/"
    await district.save(update_fields=["district_id", "path"])
    await PolicyParameter.bulk_create([
        PolicyParameter(node_id=district.id, path=district.path, key=r.key, value=r.value,
                        effective_from=r.effective_from)
        for r in default_rows(district.id, effective_from)
    ])
    return district


async def create_user(
    username: str, display_name: str, password: str, grants: list[tuple[Role, Node]], person: Person | None = None,
    *, system_admin: bool = False,
) -> User:
    """A user with a hashed password and one role grant per (role, node), scoped to the node's path
    (``system_admin``: also the system administrator, who owns the national working-day calendar)."""
    user = await User.create(
        username=username, display_name=display_name, password_hash=hash_password(password),
        person_id=person.id if person is not None else None, is_system_admin=system_admin,
    )
    for role, node in grants:
        await RoleGrant.create(user_id=user.id, role=role, node_id=node.id, path=node.path)
    return user


# ---------------------------------------------------------------------------
# The demo
# ---------------------------------------------------------------------------


async def load_demo(*, password: str = DEMO_PASSWORD) -> bool:
    """Load the demo district into an empty database; False (and nothing done) if any node exists."""
    async with in_transaction():
        if await Node.exists():
            return False
        await _Loader(password).run()
    return True


class _Loader:
    def __init__(self, password: str) -> None:
        self.password = password
        self.people = _People()
        self.nodes: dict[str, Node] = {}  # communities, subdistricts, new towns, compounds by name
        self.leaves: dict[tuple[str, str], Node] = {}  # (container name, leaf name) → node
        self.heads_by_compound: dict[str, list[Person]] = {}
        self.workers: dict[str, Person] = {}

    async def run(self) -> None:
        self.district = await create_district("临江新区", "LJ", date(2020, 1, 1))
        self.district.address = "临江新区管委会（江城大道100号）"
        await self.district.save(update_fields=["address"])
        await self._tree()
        await self._staff()
        await self._residents()
        await self._building_heads()
        users = await self._users()
        await self._workstations(users)
        await self._recruitment(users)
        await self._cuiyuan_by_election(users)
        from grassroots.demo_money import load_money
        from grassroots.demo_work import load_work

        await load_work(self.nodes)
        await load_money(self.nodes)

    # -- tree ---------------------------------------------------------------

    async def _tree(self) -> None:
        for nt_code, nt_name, nt_address, subdistricts in TREE:
            new_town = await create_node(self.district, NodeKind.NEW_TOWN, nt_name, code=nt_code, address=nt_address,
                                         opened_on=date(2020, 3, 1))
            self.nodes[nt_name] = new_town
            for sd_code, sd_name, sd_kind, sd_address, communities in subdistricts:
                sd = await create_node(new_town, NodeKind.SUBDISTRICT, sd_name, code=sd_code, address=sd_address,
                                       subdistrict_kind=sd_kind, opened_on=date(2020, 6, 1))
                self.nodes[sd_name] = sd
                for spec in communities:
                    await self._community(sd, spec)

    async def _community(self, subdistrict: Node, spec: CommunitySpec) -> None:
        community = await create_node(subdistrict, spec.kind, spec.name, code=spec.code, address=spec.address,
                                      opened_on=date(2021, 1, 1))
        if community.chain != spec.chain:
            community.chain = spec.chain
            await community.save(update_fields=["chain"])
        self.nodes[spec.name] = community
        for cs in spec.compounds:
            compound = await create_node(community, NodeKind.COMPOUND, cs.name, code=cs.code, address=cs.address,
                                         opened_on=cs.opened_on)
            self.nodes[cs.name] = compound
            for i, (b_name, households) in enumerate(cs.buildings, start=1):
                self.leaves[(cs.name, b_name)] = await create_node(
                    compound, NodeKind.BUILDING, b_name, code=f"{cs.code}-{i:02d}", address=f"{cs.address}{b_name}",
                    households=households, opened_on=cs.opened_on,
                )
            await self._areas(compound, cs.areas)
        for i, (g_name, households, address) in enumerate(spec.groups, start=1):
            self.leaves[(spec.name, g_name)] = await create_node(
                community, NodeKind.VILLAGE_GROUP, g_name, code=f"{spec.code}-{i:02d}", address=address,
                households=households, opened_on=date(2021, 1, 1),
            )
        await self._areas(community, spec.areas)

    async def _areas(self, container: Node, areas: tuple[AreaSpec, ...]) -> None:
        for a in areas:
            area = await ServiceArea.create(container_id=container.id, name=a.name, path=container.path)
            ids = [self.leaves[(container.name, m)].id for m in a.members]
            await Node.filter(id__in=ids).update(service_area_id=area.id)
            for i in ids:
                leaf = next(n for n in self.leaves.values() if n.id == i)
                leaf.service_area_id = area.id

    def _buildings_of(self, container_name: str) -> list[Node]:
        return [n for (c, _), n in self.leaves.items() if c == container_name]

    def _community_buildings(self, community_name: str) -> list[Node]:
        out: list[Node] = []
        for spec in (CUIYUAN, JINHUA, JIANGJING, LIUHE, TAOYUAN):
            if spec.name == community_name:
                for cs in spec.compounds:
                    out += self._buildings_of(cs.name)
                out += self._buildings_of(spec.name)
        return out

    # -- people -------------------------------------------------------------

    async def _staff(self) -> None:
        for i, (key, community_name, kind, started_on, _) in enumerate(STAFF):
            community = self.nodes[community_name]
            buildings = self._community_buildings(community_name)
            residence = buildings[(i * 3) % len(buildings)] if i % 3 != 2 else None  # some live elsewhere
            person = await self.people.make(
                age=29 + (i * 5) % 19, home=community, residence=residence,
                party_member=i % 2 == 0 or kind == StaffKind.COMMUNITY_WORKER,
            )
            self.workers[key] = person
            await StaffRole.create(person_id=person.id, kind=kind, node_id=community.id, path=community.path,
                                   started_on=started_on)
        for i, (key, subdistrict_name, communities, started_on) in enumerate(POLICE):
            home = self.nodes[subdistrict_name]
            person = await self.people.make(age=34 + i * 6, home=home, residence=None, gender=Gender.MALE,
                                            party_member=True)
            self.workers[key] = person
            for c in communities:
                node = self.nodes[c]
                await StaffRole.create(person_id=person.id, kind=StaffKind.COMMUNITY_POLICE, node_id=node.id,
                                       path=node.path, started_on=started_on)

    async def _residents(self) -> None:
        """A few residents per community who are not (yet) building heads: some would pass
        the eligibility checks, some would not (fees unpaid, a violation, a tenant, too old)."""
        profiles = (
            dict(age=45, party_member=True),
            dict(age=52, property_fee_paid=False),
            dict(age=41, violations=(Violation.ILLEGAL_CONSTRUCTION,)),
            dict(age=33, permanent_resident=False),
            dict(age=63, retired_cadre=True, party_member=True),
            dict(age=58, violations=(Violation.LOAD_BEARING_DAMAGE, Violation.RULE_BREACH)),
        )
        for c, spec in enumerate((CUIYUAN, JINHUA, JIANGJING, LIUHE, TAOYUAN)):
            community = self.nodes[spec.name]
            buildings = self._community_buildings(spec.name)
            for j in range(4):
                profile = profiles[(c + j) % len(profiles)]
                await self.people.make(home=community, residence=buildings[(c + j * 2) % len(buildings)],
                                       **profile)  # type: ignore[arg-type]

    async def _building_heads(self) -> None:
        starts = (date(2025, 3, 1), date(2025, 6, 1), date(2025, 9, 1), date(2025, 12, 1), date(2026, 1, 5),
                  date(2026, 2, 2))
        k = 0
        for spec in (CUIYUAN, JINHUA, JIANGJING, LIUHE, TAOYUAN):
            community = self.nodes[spec.name]
            containers = [(cs.name, cs.areas) for cs in spec.compounds] + [(spec.name, spec.areas)]
            for container_name, areas in containers:
                container = self.nodes[container_name]
                rural = container.kind != NodeKind.COMPOUND
                db_areas = {a.name: a for a in await ServiceArea.filter(container_id=container.id)}
                for a in areas:
                    members = [self.leaves[(container_name, m)] for m in a.members]
                    seats = required_heads(sum(m.households or 0 for m in members), HOUSEHOLDS_PER_HEAD)
                    assert a.heads <= seats, (container_name, a.name)
                    area = db_areas[a.name]
                    for j in range(a.heads):
                        k += 1
                        person = await self.people.make(
                            age=38 + (k * 7) % 22 if k % 9 else 61 + k % 3,  # a few outstanding elders (<65)
                            home=community, residence=members[j % len(members)],
                            party_member=k % 3 == 0, retired_cadre=k % 9 == 0, model_worker=k % 11 == 5,
                        )
                        starts_on = starts[k % len(starts)]
                        await BuildingHead.create(
                            person_id=person.id, service_area_id=area.id, path=container.path,
                            kind=HeadKind.GROUP_LEADER if rural else HeadKind.BUILDING_HEAD,
                            status=TermStatus.ACTIVE, starts_on=starts_on,
                            ends_on=term_end(starts_on, TERM_YEARS, community.election_cycle_ends_on),
                            recorded_from_register=True,
                        )
                        self.heads_by_compound.setdefault(container_name, []).append(person)
                    if a.heads < seats and not rural and a.heads > 0:
                        # a head who resigned: history, and the reason of the vacancy
                        k += 1
                        person = await self.people.make(age=47 + k % 10, home=community,
                                                        residence=members[-1])
                        await BuildingHead.create(
                            person_id=person.id, service_area_id=area.id, path=container.path,
                            kind=HeadKind.BUILDING_HEAD, status=TermStatus.ENDED, starts_on=date(2025, 3, 1),
                            ends_on=term_end(date(2025, 3, 1), TERM_YEARS, community.election_cycle_ends_on),
                            ended_on=date(2025, 12, 31), end_reason=EndReason.RESIGNATION.value,
                            recorded_from_register=True,
                        )

    # -- users --------------------------------------------------------------

    async def _users(self) -> dict[str, User]:
        n = self.nodes
        d = self.district
        spec: list[tuple[str, str, list[tuple[Role, Node]], Person | None]] = [
            ("admin", "系统管理员", [(Role.ADMIN, d)], None),
            ("district", "临江新区领导小组办公室", [(Role.DISTRICT_OFFICE, d)], None),
            ("dongbu", "东湖新城领导小组办公室", [(Role.NEW_TOWN_OFFICE, n["东湖新城"])], None),
            ("linhu", "临湖街道业务主管科室", [(Role.SUBDISTRICT_OFFICER, n["临湖街道"])], None),
            ("wangjiang", "望江街道业务主管科室", [(Role.SUBDISTRICT_OFFICER, n["望江街道"])], None),
            ("cuiyuan", "翠苑社区居委会", [(Role.COMMUNITY_STAFF, n["翠苑社区"])], None),
            ("jinhua", "锦华社区居委会", [(Role.COMMUNITY_STAFF, n["锦华社区"])], None),
            ("jiangjing", "江景社区居委会", [(Role.COMMUNITY_STAFF, n["江景社区"])], None),
            ("zhanzhang", f"{self.workers['cy-cw1'].name}（翠苑一区站长）",
             [(Role.STATION_HEAD, n["翠苑一区"])], self.workers["cy-cw1"]),
            ("police", f"{self.workers['lh-police'].name}（临湖街道社区民警）",
             [(Role.COMMUNITY_POLICE, n["翠苑社区"]), (Role.COMMUNITY_POLICE, n["锦华社区"])],
             self.workers["lh-police"]),
            ("police2", f"{self.workers['wj-police'].name}（望江街道社区民警）",
             [(Role.COMMUNITY_POLICE, n["江景社区"])], self.workers["wj-police"]),
            ("hotline", "12345市民服务热线", [(Role.HOTLINE, d)], None),
            # no grant: a building head's reach follows their active term (resolvers/viewer.py)
            ("loudong", f"{self.heads_by_compound['翠苑一区'][0].name}（翠苑一区楼栋长）", [],
             self.heads_by_compound["翠苑一区"][0]),
        ]
        assert [s[0] for s in spec] == [u[0] for u in DEMO_USERS]
        return {username: await create_user(username, name, self.password, grants, person,
                                            system_admin=username == "admin")
                for username, name, grants, person in spec}

    # -- recruitment --------------------------------------------------------

    async def _recruitment(self, users: dict[str, User]) -> None:
        """江景社区's 2026 by-election: one application at each interesting step, each with its history.

        Every step goes through policy.recruitment.check_step, and the eligibility checks, the resident
        nomination and the notice window are computed by the policy functions the API uses, so the rows
        are what the screens would have recorded (by jiangjing, police2 and wangjiang)."""
        name, community_name, opened_on, notice_text = RECRUITMENT
        community = self.nodes[community_name]
        staff, officer, police = users["jiangjing"], users["wangjiang"], users["police2"]
        names = {n.id: k for k, n in self.nodes.items()}
        areas: dict[tuple[str, str], ServiceArea] = {}
        vacancies: dict[int, int] = {}
        for area in await ServiceArea.filter(path__startswith=community.path).order_by("id"):
            households = sum(m.households or 0 for m in await Node.filter(service_area_id=area.id))
            active = await BuildingHead.filter(service_area_id=area.id, status=TermStatus.ACTIVE).count()
            if active < required_heads(households, HOUSEHOLDS_PER_HEAD):
                areas[(names[area.container_id], area.name)] = area
                vacancies[area.id] = required_heads(households, HOUSEHOLDS_PER_HEAD) - active
        campaign = await RecruitmentCampaign.create(
            community_id=community.id, path=community.path, name=name, notice_text=notice_text, opened_on=opened_on,
            opened_by_id=staff.id, created_at=_at(opened_on, 9),
        )
        for area in areas.values():
            await CampaignArea.create(campaign_id=campaign.id, service_area_id=area.id)

        wjf_area, wjf_2 = areas[("望江府", "2栋片区")], self.leaves[("望江府", "2栋")]
        jp_area, jp_3 = areas[("江畔花园", "3栋片区")], self.leaves[("江畔花园", "3栋")]
        judged = {"CONDUCT": "遵纪守法，邻里口碑好", "STANDING": "常住本小区，时间充裕，热心公益，有一定组织能力",
                  "HEALTH": "身体健康"}

        # 1. Self-nomination, through every step: published, the term has begun (望江府 2栋片区's vacancy).
        #    An objection during its notice was dismissed before confirmation.
        p = await self.people.make(age=46, home=community, residence=wjf_2, gender=Gender.MALE, party_member=True,
                                   as_of=date(2026, 10, 21))
        app = await self._apply(campaign, wjf_area, p, Channel.SELF, date(2026, 10, 21), staff)
        await self._review(app, p, date(2026, 10, 26), staff, judged)
        await self._police(app, date(2026, 10, 27), police, "经查询，本人无违法犯罪记录，无不良信访记录，邻里关系和睦。")
        await self._interview(app, date(2026, 10, 29), staff, Decimal("88.50"),
                              "面谈表达清楚，对楼栋情况熟悉；入户走访三户，邻居评价热心可靠。")
        await self._step(app, "SHORTLIST", date(2026, 10, 30), staff)
        await self._notice(app, date(2026, 11, 2), staff)
        await self._objection(app, "2栋3单元住户（匿名）", "听说他工作经常出差，担心没有时间履职。", date(2026, 11, 4), staff,
                              dismissed=(("经入户走访核实，本人工作时间固定，晚间和周末可参与楼栋事务，"
                                          "已书面承诺履职时间，异议不成立。"), date(2026, 11, 6)))
        assert app.confirmable_from is not None and date(2026, 11, 9) >= app.confirmable_from
        await self._step(app, "CONFIRM", date(2026, 11, 9), staff, confirmed_on=date(2026, 11, 9))
        await self._step(app, "FILE", date(2026, 11, 11), officer, "望江街备〔2026〕21号",
                         filed_on=date(2026, 11, 11), filing_reference="望江街备〔2026〕21号")
        await self._step(app, "AGREEMENT", date(2026, 11, 13), staff, agreement_signed_on=date(2026, 11, 13))
        await self._step(app, "TRAINING", date(2026, 11, 17), staff, trained_on=date(2026, 11, 17))
        await self._publish(app, wjf_area, date(2026, 11, 18), staff, vacancies)

        # 2. Organisational nomination by the residents' committee of a resident aged 61 on the application
        #    date, without the outstanding-candidate waiver: ineligible (AGE_OVER_LIMIT).
        p = await self.people.make(age=61, home=community, residence=wjf_2, gender=Gender.MALE, party_member=True,
                                   retired_cadre=True, as_of=date(2026, 10, 22))
        app = await self._apply(campaign, wjf_area, p, Channel.ORGANISATION, date(2026, 10, 22), staff,
                                organisation=Organisation.RESIDENTS_COMMITTEE)
        codes = await self._review(app, p, date(2026, 10, 26), staff, judged)
        assert codes == ["AGE_OVER_LIMIT"] and app.status == ApplicationStatus.INELIGIBLE

        # 3. Resident nomination by ten residents of the nominee's building (江畔花园 3栋): on public notice
        #    (posted Friday 20 Nov 2026), with an objection still open.
        p = await self.people.make(age=52, home=community, residence=jp_3, gender=Gender.FEMALE, model_worker=True,
                                   as_of=date(2026, 10, 23))
        signers = [await self.people.make(age=age, home=community, residence=jp_3)
                   for age in (34, 67, 45, 58, 29, 71, 50, 62, 41, 55)]
        objector = await self.people.make(age=39, home=community, residence=jp_3)
        app = await self._apply(campaign, jp_area, p, Channel.RESIDENT, date(2026, 10, 23), staff, signers=signers)
        await self._review(app, p, date(2026, 10, 28), staff, judged)
        await self._police(app, date(2026, 10, 29), police, "经查询，本人无违法犯罪记录，平时积极参与小区治安巡逻。")
        await self._interview(app, date(2026, 11, 5), staff, Decimal("91.00"),
                              "长期担任楼道志愿者，熟悉3栋住户情况；家访时家人支持其参与楼栋工作。")
        await self._step(app, "SHORTLIST", date(2026, 11, 18), staff)
        await self._notice(app, date(2026, 11, 20), staff)
        await self._objection(app, f"{objector.name}（3栋住户）",
                              "被推荐人家阳台封闭外扩，疑似违章搭建，请社区核实后再确认。", date(2026, 11, 24), staff)

        # 4. Self-nomination, interviewed with a favourable police opinion: shortlisted, notice not yet posted.
        p = await self.people.make(age=38, home=community, residence=jp_3, gender=Gender.MALE, as_of=date(2026, 10, 26))
        app = await self._apply(campaign, jp_area, p, Channel.SELF, date(2026, 10, 26), staff)
        await self._review(app, p, date(2026, 11, 2), staff, judged)
        await self._police(app, date(2026, 11, 4), police, "经查询，本人无违法犯罪记录，同意推荐。")
        await self._interview(app, date(2026, 11, 12), staff, Decimal("85.50"),
                              "年轻、有网格志愿服务经历，熟悉线上群组管理；入户走访邻居评价较好。")
        await self._step(app, "SHORTLIST", date(2026, 11, 19), staff)

        # 5. Organisational nomination by the community party organisation: eligible, waiting for the
        #    community police officer's opinion.
        p = await self.people.make(age=43, home=community, residence=jp_3, gender=Gender.FEMALE, party_member=True,
                                   as_of=date(2026, 11, 16))
        app = await self._apply(campaign, jp_area, p, Channel.ORGANISATION, date(2026, 11, 16), staff,
                                organisation=Organisation.PARTY_ORGANISATION)
        await self._review(app, p, date(2026, 11, 23), staff, judged)
        assert app.status == ApplicationStatus.ELIGIBLE and app.police_favourable is None

        # candidates on their way to a seat never outnumber the seats left
        bound = {ApplicationStatus.SHORTLISTED, ApplicationStatus.ON_NOTICE, ApplicationStatus.CONFIRMED,
                 ApplicationStatus.FILED, ApplicationStatus.AGREEMENT_SIGNED, ApplicationStatus.TRAINED}
        for area_id, left in vacancies.items():
            assert await Application.filter(service_area_id=area_id, status__in=list(bound)).count() <= left

    async def _event(self, app: Application, step: str, on: date, by: User, note: str = "") -> None:
        await ApplicationEvent.create(application_id=app.id, step=step, on=on, at=_at(on, 15), by_user_id=by.id,
                                      by_label=by.username, note=note)

    async def _apply(
        self, campaign: RecruitmentCampaign, area: ServiceArea, person: Person, channel: Channel, applied_on: date,
        by: User, organisation: Organisation | None = None, signers: list[Person] | None = None,
    ) -> Application:
        if channel == Channel.RESIDENT:
            values = await parameters_in_force(area.path, applied_on)
            assert person.residence_id is not None
            tally = count_signatures(person.id, person.residence_id, [Signer(s.id, s.residence_id) for s in signers or []],
                                     minimum=int(values["nomination_min_signers"]))
            assert tally.accepted and not tally.warnings, tally
        app = await Application.create(
            campaign_id=campaign.id, service_area_id=area.id, person_id=person.id, path=area.path, channel=channel,
            organisation=organisation, applied_on=applied_on, created_at=_at(applied_on, 9),
        )
        for s in signers or []:
            await NominationSigner.create(application_id=app.id, person_id=s.id)
        await self._event(app, "APPLY", applied_on, by, channel.value)
        return app

    async def _step(self, app: Application, step: str, on: date, by: User, note: str = "", **fields: object) -> None:
        """One step of the process, only in the order policy.recruitment allows."""
        app.status = check_step(step, app.status)
        for k, v in fields.items():
            setattr(app, k, v)
        await app.save()
        await self._event(app, step, on, by, note)

    async def _review(self, app: Application, person: Person, on: date, by: User, judged: dict[str, str]) -> list[str]:
        """The eligibility review: the automatic checks as the API computes them, and the judgements."""
        failures = await automatic_checks(app, person)
        app.status = check_step("REVIEW", app.status)
        if failures:
            app.status = ApplicationStatus.INELIGIBLE
        app.eligibility_failures = [{"code": f.code, "message_zh": f.message_zh, "message_en": f.message_en}
                                    for f in failures]
        app.judgements = {item: {"passed": True, "note": note, "by": by.username} for item, note in judged.items()}
        await app.save()
        codes = [f.code for f in failures]
        await self._event(app, "REVIEW", on, by, "; ".join(codes) or "ELIGIBLE")
        return codes

    async def _police(self, app: Application, on: date, by: User, opinion: str) -> None:
        assert app.status in (ApplicationStatus.ELIGIBLE, ApplicationStatus.INTERVIEWED)
        app.police_favourable, app.police_opinion = True, opinion
        app.police_by, app.police_at = by.username, _at(on, 15)
        await app.save()
        await self._event(app, "POLICE_OPINION", on, by, "同意：" + opinion)

    async def _interview(self, app: Application, on: date, by: User, score: Decimal, notes: str) -> None:
        await self._step(app, "INTERVIEW", on, by, f"{score}", interview_score=score, interview_notes=notes)

    async def _notice(self, app: Application, posted_on: date, by: User) -> None:
        assert app.police_favourable  # shortlisted only with the police officer's favourable opinion
        values = await parameters_in_force(app.path, posted_on)
        w = notice_window(default_calendar(), posted_on, int(values["notice_min_working_days"]),
                          int(values["notice_max_working_days"]))
        await self._step(app, "NOTICE", posted_on, by, f"{w.min_last_day}..{w.max_last_day}",
                         notice_posted_on=w.posted_on, notice_min_last_day=w.min_last_day,
                         notice_max_last_day=w.max_last_day, confirmable_from=w.confirmable_from)

    async def _objection(
        self, app: Application, raised_by: str, text: str, raised_on: date, by: User,
        dismissed: tuple[str, date] | None = None,
    ) -> None:
        assert app.status == ApplicationStatus.ON_NOTICE
        assert app.notice_posted_on is not None and app.notice_max_last_day is not None
        assert app.notice_posted_on <= raised_on <= app.notice_max_last_day
        o = await Objection.create(application_id=app.id, path=app.path, raised_by=raised_by, text=text,
                                   raised_on=raised_on)
        await self._event(app, "OBJECTION_RAISED", raised_on, by, text)
        if dismissed:
            resolution, resolved_on = dismissed
            o.status, o.resolution = ObjectionStatus.DISMISSED, resolution
            o.resolved_by, o.resolved_at = by.username, _at(resolved_on, 16)
            await o.save()
            await self._event(app, "OBJECTION_DISMISSED", resolved_on, by, resolution)

    async def _cuiyuan_by_election(self, users: dict[str, User]) -> None:
        """翠苑社区's mid-2026 by-election, closed: two self-nominated heads walked through every step
        and published (翠苑一区 4-5栋片区 on 15 June, 星河湾 2栋片区 on 17 August), so the
        insurance check three months later has heads to look at (grassroots/demo_money.py)."""
        community = self.nodes["翠苑社区"]
        staff, officer, police = users["cuiyuan"], users["linhu"], users["police"]
        campaign = await RecruitmentCampaign.create(
            community_id=community.id, path=community.path, name="2026年翠苑社区楼栋长补选",
            notice_text="翠苑社区部分楼栋长岗位空缺，现面向本社区居民公开补选楼栋长。", opened_on=date(2026, 5, 11),
            closed_on=date(2026, 8, 31), opened_by_id=staff.id, created_at=_at(date(2026, 5, 11), 9),
        )
        judged = {"CONDUCT": "遵纪守法，邻里口碑好", "STANDING": "常住本小区，热心公益", "HEALTH": "身体健康"}
        for (compound, area_name, building), applied_on, age in (
            (("翠苑一区", "4-5栋片区", "5栋"), date(2026, 5, 13), 44),
            (("星河湾", "2栋片区", "2栋"), date(2026, 7, 1), 51),
        ):
            container = self.nodes[compound]
            area = await ServiceArea.get(container_id=container.id, name=area_name)
            await CampaignArea.create(campaign_id=campaign.id, service_area_id=area.id)
            households = sum(m.households or 0 for m in await Node.filter(service_area_id=area.id))
            active = await BuildingHead.filter(service_area_id=area.id, status=TermStatus.ACTIVE).count()
            vacancies = {area.id: required_heads(households, HOUSEHOLDS_PER_HEAD) - active}
            p = await self.people.make(age=age, home=community, residence=self.leaves[(compound, building)],
                                       as_of=applied_on)
            app = await self._apply(campaign, area, p, Channel.SELF, applied_on, staff)
            d = applied_on
            await self._review(app, p, d + timedelta(days=3), staff, judged)
            await self._police(app, d + timedelta(days=6), police, "经查询，本人无违法犯罪记录。")
            await self._interview(app, d + timedelta(days=8), staff, Decimal("85.00"), "熟悉楼栋情况，表达清楚。")
            await self._step(app, "SHORTLIST", d + timedelta(days=9), staff)
            await self._notice(app, d + timedelta(days=13), staff)
            confirm_on = d + timedelta(days=24)
            assert app.confirmable_from is not None and confirm_on >= app.confirmable_from
            await self._step(app, "CONFIRM", confirm_on, staff, confirmed_on=confirm_on)
            ref = f"临湖街备〔2026〕{app.id}号"
            await self._step(app, "FILE", confirm_on + timedelta(days=2), officer, ref,
                             filed_on=confirm_on + timedelta(days=2), filing_reference=ref)
            await self._step(app, "AGREEMENT", confirm_on + timedelta(days=4), staff,
                             agreement_signed_on=confirm_on + timedelta(days=4))
            await self._step(app, "TRAINING", confirm_on + timedelta(days=5), staff,
                             trained_on=confirm_on + timedelta(days=5))
            published = {"翠苑一区": date(2026, 6, 15), "星河湾": date(2026, 8, 17)}[compound]
            await self._publish(app, area, published, staff, vacancies)

    async def _publish(self, app: Application, area: ServiceArea, on: date, by: User, vacancies: dict[int, int]) -> None:
        """The term of service begins: it takes one of the area's vacant seats, and is filed (§11)."""
        assert vacancies[area.id] > 0
        vacancies[area.id] -= 1
        container = await Node.get(id=area.container_id)
        chain_node = container if container.kind != NodeKind.COMPOUND else await Node.get(id=container.parent_id)
        values = await parameters_in_force(area.path, on)
        ends = term_end(on, int(values["term_years"]), chain_node.election_cycle_ends_on)
        await self._step(app, "PUBLISH", on, by, f"term {on}..{ends}", published_on=on)
        term = await BuildingHead.create(
            person_id=app.person_id, service_area_id=area.id, path=area.path, kind=HeadKind.BUILDING_HEAD,
            status=TermStatus.ACTIVE, starts_on=on, ends_on=ends, application_id=app.id,
        )
        await HeadChangeFiling.create(term_id=term.id, path=term.path, change="START", effective_on=on,
                                      reason=f"application {app.id}", filed_by=by.username, filed_at=_at(on, 16))

    # -- workstations -------------------------------------------------------

    async def _workstations(self, users: dict[str, User]) -> None:
        d = self.district
        name, premises_deadline, in_use_deadline = CAMPAIGN
        campaign = await WorkstationCampaign.create(node_id=d.id, path=d.path, name=name,
                                                    premises_deadline=premises_deadline,
                                                    in_use_deadline=in_use_deadline)
        linhu, dongbu = users["linhu"].id, users["dongbu"].id
        for community_name, (status, filing, description) in PLANS.items():
            c = self.nodes[community_name]
            approved = status in (PlanStatus.APPROVED, PlanStatus.FILED)
            by_linhu = c.path.startswith(self.nodes["临湖街道"].path)
            await WorkstationPlan.create(
                community_id=c.id, path=c.path, description=description, status=status,
                approved_by_id=linhu if approved and by_linhu else None,
                approved_at=_at(date(2025, 12, 18)) if approved else None,
                filed_by_id=dongbu if status == PlanStatus.FILED else None,
                filed_at=_at(date(2025, 12, 26), 15) if status == PlanStatus.FILED else None,
                filing_reference=filing,
            )

        heads_by_station = {station: key for key, _, _, _, station in STAFF if station}
        letter_counters = {sd: start for sd, (_, start) in LETTERS.items()}
        for i, spec in enumerate(cs for c in (CUIYUAN, JINHUA, JIANGJING) for cs in c.compounds):
            compound = self.nodes[spec.name]
            ws = await Workstation.get(compound_id=compound.id)
            ws.campaign_id = campaign.id
            ws.premises_kind = spec.premises_kind
            ws.layout = spec.layout
            if spec.setup == "on_time":
                ready = date(2026, 1, 8) + timedelta(days=2 * i)
                ws.premises_ready_on = ws.office_on = ready
                ws.equipment_on = ready + timedelta(days=4)
                ws.sign_on = ready + timedelta(days=7)
                ws.rules_on = ready + timedelta(days=8)
                ws.in_use_on = ready + timedelta(days=12)
            elif spec.setup == "premises_late":
                ws.premises_ready_on = ws.office_on = date(2026, 2, 20)
                ws.equipment_on, ws.sign_on, ws.rules_on = date(2026, 2, 23), date(2026, 2, 25), date(2026, 2, 26)
                ws.in_use_on = date(2026, 2, 27)
            else:  # premises found, not yet in use: sign and rules still missing
                ws.premises_ready_on = ws.office_on = date(2026, 2, 12)
                ws.equipment_on = date(2026, 2, 24)
            await ws.save()

            subdistrict = self.nodes["临湖街道" if compound.path.startswith(self.nodes["临湖街道"].path) else "望江街道"]
            if spec.name in heads_by_station:
                key = heads_by_station[spec.name]
                person = self.workers[key]
                kind = next(k for kk, _, k, _, _ in STAFF if kk == key)
                source = (StationHeadSource.COMMUNITY_WORKER if kind == StaffKind.COMMUNITY_WORKER
                          else StationHeadSource.GRID_WORKER)
            elif spec.name == BUILDING_HEAD_STATION:
                person, source = self.heads_by_compound[spec.name][0], StationHeadSource.BUILDING_HEAD
            else:
                continue  # no station head yet
            template, _ = LETTERS[subdistrict.name]
            number = letter_counters[subdistrict.name]
            letter_counters[subdistrict.name] += 1
            await StationHeadAppointment.create(
                workstation_id=ws.id, person_id=person.id, path=ws.path, source=source,
                letter_number=template.format(number), filing_reference=HEAD_LIST_FILINGS[subdistrict.name],
                appointed_on=date(2026, 1, 6) if subdistrict.name == "临湖街道" else date(2026, 1, 13),
                appointed_by_id=linhu if subdistrict.name == "临湖街道" else None,
                active_person_id=person.id, active_workstation_id=ws.id,
            )
