"""The one message catalogue: every error code's Chinese (default) and English text, with named
parameters. Payload errors, GraphQL-level errors and job outcomes all render through ``render``."""
from __future__ import annotations

_SHARED: dict[str, tuple[str, str]] = {
    "NOT_FOUND": ("找不到{what}", "{what} not found"),
    "FORBIDDEN": ("无权在此范围内执行该操作", "not allowed in this scope"),
    "REQUIRED": ("{label}不能为空", "{label} is required"),
    "INVALID_ID": ("无效的编号：{value}", "not a valid ID: {value}"),
    "WRONG_PARENT_KIND": ("{child}不能隶属于{parent}", "a {child_en} cannot be placed under a {parent_en}"),
    "CODE_TAKEN": ("编码“{value}”在本区已被使用", "code {value!r} is already used in this district"),
    "NEGATIVE_HOUSEHOLDS": ("户数不能为负数", "households cannot be negative"),
    "HOUSEHOLDS_NOT_ALLOWED": ("只有楼栋和村民小组有户数", "only buildings and village groups have households"),
    "HAS_OPEN_CHILDREN": ("{name}下还有{count}个未撤销的下级，不能撤销", "{name} still has {count} open children"),
    "ALREADY_CLOSED": ("{name}已于{on}撤销", "{name} was closed on {on}"),
    "MOVE_INTO_SELF": ("不能把节点移到它自己的下级", "a node cannot be moved under itself"),
    "SAME_CHAIN": ("已经是{chain}", "already on the {chain_en} chain"),
    "OLD_CHAIN_CHILDREN": (
        "{name}下还有{count}个原模式的下级未撤销；如需一并撤销，请设置 closeChildren",
        "{name} still has {count} open children of the old chain; set closeChildren to close them",
    ),
    "NOT_A_CHAIN_NODE": ("只有社区和行政村可以切换模式", "only communities and villages switch chains"),
    "INVALID_ID_NUMBER": ("身份证号码无效：{reason}", "invalid resident ID number: {reason_en}"),
    "ID_NUMBER_TAKEN": ("身份证号码{masked}已登记", "resident ID number {masked} is already registered"),
    "INVALID_PHONE": ("手机号码格式不正确：{value}", "not a valid phone number: {value}"),
    "NOT_A_RESIDENCE": ("居住地必须是楼栋或村民小组", "a residence must be a building or a village group"),
    "NOT_A_COMPOUND": ("{name}不是小区", "{name} is not a compound"),
    "WORKSTATION_EXISTS": ("{name}已设有工作站", "{name} already has a workstation"),
    "STATION_HEAD_BUSY": (
        "{person}已担任其他工作站站长，一人最多担任一个站的站长",
        "{person} already heads another workstation; one person heads at most one station",
    ),
    "STATION_HAS_HEAD": ("该工作站已有在任站长", "this workstation already has a station head"),
    "NOT_A_WORKER": ("{person}不是本镇街的社区工作者或网格员", "{person} is not a community or grid worker of this subdistrict"),
    "NOT_A_BUILDING_HEAD": ("{person}不是在任楼栋长", "{person} is not a serving building head"),
    "ENOUGH_WORKERS": (
        "本镇街社区工作者和网格员（{workers}人）不少于小区数（{compounds}个），站长应从中选任",
        "the subdistrict has {workers} workers for {compounds} compounds: station heads come from the workers",
    ),
    "NOT_APPOINTED": ("该任命已结束", "this appointment has already ended"),
    "WRONG_STATUS": ("当前状态为{status}，不能{action}", "cannot {action_en} in status {status}"),
    "INVALID_DATE_ORDER": ("{later}不能早于{earlier}", "{later_en} cannot be before {earlier_en}"),
    "UNKNOWN_PARAMETER": ("未知的政策参数：{key}", "unknown policy parameter: {key}"),
    "INVALID_PARAMETER": ("参数{key}的值“{value}”无效：{reason}", "invalid value {value!r} for {key}: {reason_en}"),
    "BAD_CREDENTIALS": ("用户名或密码错误", "wrong username or password"),
    "USERNAME_TAKEN": ("用户名{username}已被使用", "username {username} is taken"),
    "WEAK_PASSWORD": ("密码至少需要{min}位", "the password needs at least {min} characters"),
    "NOT_AN_AREA_CONTAINER": ("服务片区只能设在小区或农村模式的社区/行政村", "service areas live in a compound or a rural-chain community/village"),
    "NOT_IN_CONTAINER": ("{name}不属于{container}", "{name} is not in {container}"),
    "AREA_HAS_HEADS": ("该片区还有在任楼栋长", "the service area still has serving building heads"),
    "IMPORT_INVALID": ("导入文件有{count}处错误，未写入任何数据", "the import file has {count} errors; nothing was written"),
    "IMPORT_FILE": ("{detail}", "{detail_en}"),
    "ALREADY_REVOKED": ("已撤销", "already revoked"),
}

# graphql: codes raised by that domain's operations (kept apart so domains edit their own part)
_GRAPHQL: dict[str, tuple[str, str]] = {
    "OUT_OF_SCOPE": ("找不到该对象，或它不在您的权限范围内", "not found or not in your scope"),
    "AUTHENTICATION_REQUIRED": ("需要登录：请发送 'Authorization: Bearer <令牌>'",
                                "authentication required: send 'Authorization: Bearer <token>'"),
    "INVALID_TOKEN": ("令牌无效或已过期，请重新登录", "invalid or expired token"),
    "INVALID_API_KEY": ("API 密钥无效或已撤销", "invalid or revoked API key"),
    "CREDENTIAL_ENDED": ("会话已撤销或过期，或用户、密钥已停用：请重新登录",
                         "the session was revoked or has expired, or the user or key was deactivated: log in again"),
}

# tree: codes raised by that domain's operations (kept apart so domains edit their own part)
_TREE: dict[str, tuple[str, str]] = {
    "NAME_TAKEN": ("{parent}下已有名为“{name}”的下级", "{parent} already has a child named {name!r}"),
    # a tree import: the file's or a row's problems, worded by policy.tree_import / resolvers.spreadsheets
    # (the payload's code is the ``error`` parameter)
    "IMPORT_ROW": ("{detail}", "{detail_en}"),
    "IMPORT_TOO_LARGE": ("文件超过{mb}MB的上限", "the file exceeds the {mb} MB limit"),
    "IMPORT_PARENT_OUT_OF_SCOPE": ("第{row}行：上级“{parent_code}”不在您的管理范围内",
                                   "row {row}: parent {parent_code!r} is outside your scope"),
    "IMPORT_NAME_RACE": ("同一上级下已有同名的下级（并发写入），请重新导入",
                         "a parent already has a child of that name (written concurrently): import again"),
    "IMPORT_CODE_RACE": ("编码已被使用（并发写入），请重新导入", "a code is already used (written concurrently): import again"),
}

# people: codes raised by that domain's operations (kept apart so domains edit their own part)
_PEOPLE: dict[str, tuple[str, str]] = {
}

# workstations: codes raised by that domain's operations (kept apart so domains edit their own part)
_WORKSTATIONS: dict[str, tuple[str, str]] = {
}

# access: codes raised by that domain's operations (kept apart so domains edit their own part)
_ACCESS: dict[str, tuple[str, str]] = {
    "AUDIT_READ_NEEDED": ("查看审计日志需要管理员或办公室角色", "reading the audit log needs an administrator's or office's role"),
    "USER_LIST_NEEDS_ADMIN": ("查看用户列表需要管理员角色", "listing users needs an administrator's role"),
}

# calendar: codes raised by that domain's operations (kept apart so domains edit their own part)
_CALENDAR: dict[str, tuple[str, str]] = {
    "SYSTEM_CALENDAR_ONLY": ("工作日安排全国通用，各新区共享：只有系统管理员可以录入某一年的安排",
                             "the working-day calendar is shared by every district: only the system administrator "
                             "enters a year's arrangement"),
}

# recruitment: codes raised by that domain's operations (kept apart so domains edit their own part)
_RECRUITMENT: dict[str, tuple[str, str]] = {
}

# jobs: codes raised by that domain's operations (kept apart so domains edit their own part)
_JOBS: dict[str, tuple[str, str]] = {
}

CATALOG: dict[str, tuple[str, str]] = {
    **_SHARED, **_GRAPHQL, **_TREE, **_PEOPLE, **_WORKSTATIONS, **_ACCESS, **_CALENDAR, **_RECRUITMENT, **_JOBS,
}


def render(code: str, locale: str, params: dict[str, object]) -> str:
    zh, en = CATALOG.get(code, ("{code}", "{code}"))
    template = en if locale == "en" else zh
    try:
        return template.format(code=code, **params)
    except (KeyError, IndexError):
        return template


def locale_from(accept_language: str | None) -> str:
    """Chinese unless the request's most preferred language is English."""
    if not accept_language:
        return "zh"
    best, best_q = "zh", -1.0
    for part in accept_language.split(","):
        lang, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if weight > best_q:
            best, best_q = lang.strip().lower(), weight
    return "en" if best.startswith("en") else "zh"
