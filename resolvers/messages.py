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
    # a tree import (resolvers.tree.imports; the payload's code is the ``error`` parameter, and the
    # kind, chain and list parameters come in both languages from resolvers.tree.import_words)
    # - the file as a whole (resolvers.spreadsheets.ImportFileError)
    "TOO_LARGE": ("文件超过{mb}MB的上限", "the file exceeds the {mb} MB limit"),
    "UNSUPPORTED_FORMAT": ("不支持的文件格式 {shown}，{hint}", "unsupported file format {shown_en}: {hint_en}"),
    "EMPTY_FILE": ("文件中没有数据行", "the file has no data rows"),
    "IMPORT_NO_WORKSHEET": ("工作簿中没有工作表", "the workbook has no worksheet"),
    "UNREADABLE": ("无法识别文件编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后重试",
                   "the text encoding is not recognised; save the file as 'CSV UTF-8 (comma delimited)' or .xlsx"),
    "IMPORT_CSV_MALFORMED": ("CSV 文件格式错误：{reason}", "the CSV file is malformed: {reason}"),
    "IMPORT_XLSX_UNREADABLE": ("无法读取该 Excel 文件，请确认文件未损坏并另存为 .xlsx 后重试",
                               "the Excel file cannot be read ({exception}); check it and save it again as .xlsx"),
    "TOO_MANY_ROWS": ("文件超过{max}行的上限（空行也计入），请拆分后分批导入",
                      "the file has more than {max} rows (blank rows count); split it and import the parts"),
    "TOO_MANY_COLUMNS": ("第{position}列有内容，超过{max}列的上限，请删除多余的列",
                         "column {position} has content, beyond the limit of {max} columns; delete the extra columns"),
    "MISSING_COLUMN": ("缺少必需的列：{missing}{extra}（第一行应为列名：{known}）",
                       "missing required columns: {missing_en}{extra_en} (the first row must hold the column headers)"),
    "UNKNOWN_COLUMN": ("无法识别的列：{unknown}（可用的列：{known}；序号、备注列会被忽略）",
                       "unrecognised columns: {unknown_en} (known columns: {known})"),
    "DUPLICATE_COLUMN": ("列重复：{duplicate}", "columns given twice: {duplicate_en}"),
    # - a row (policy.tree_import.RowError): where, then what
    "IMPORT_REQUIRED": ("第{row}行「{label}」：{label}为必填项，不能为空", "Row {row}, column {label} ({column}): the {column} is required"),
    "IMPORT_PARENT_REQUIRED": ("第{row}行「{label}」：{kind}的上级编码为必填项（只有新城直接隶属于新区，可留空）",
                               "Row {row}, column {label} ({column}): the parent code is required for a {kind_en} "
                               "(only a new town sits directly under the district and leaves it blank)"),
    "IMPORT_HOUSEHOLDS_REQUIRED": ("第{row}行「{label}」：{kind}的户数为必填项", "Row {row}, column {label} ({column}): the number of households is required for a {kind_en}"),
    "IMPORT_HOUSEHOLDS_NOT_ALLOWED": ("第{row}行「{label}」：户数“{value}”只能填在楼栋或村民小组行，{kind}行应留空",
                                      "Row {row}, column {label} ({column}): households '{value}' are only given for a building or village group; "
                                      "leave it blank for a {kind_en}"),
    "HOUSEHOLDS_INVALID": ("第{row}行「{label}」：户数“{value}”无效，应为0到{max}之间的整数",
                           "Row {row}, column {label} ({column}): households '{value}' is not a whole number from 0 to {max}"),
    "UNKNOWN_KIND": ("第{row}行「{label}」：无法识别的类型“{value}”，{hint}", "Row {row}, column {label} ({column}): unknown kind '{value}'; {hint_en}"),
    "NAME_TOO_LONG": ("第{row}行「{label}」：名称“{value}”共{length}个字，超过{max}个字的上限",
                      "Row {row}, column {label} ({column}): the name '{value}' has {length} characters, more than {max}"),
    "DUPLICATE_CODE": ("第{row}行「{label}」：编码“{value}”与第{earlier}行重复", "Row {row}, column {label} ({column}): the code '{value}' is also used by row {earlier}"),
    "CODE_EXISTS": ("第{row}行「{label}」：编码“{value}”已被本新区现有的{kind}使用",
                    "Row {row}, column {label} ({column}): the code '{value}' already belongs to an existing {kind_en} of the district"),
    "PARENT_NOT_FOUND": ("第{row}行「{label}」：上级编码“{value}”既不是本新区现有节点，也不是本文件中的任何一行",
                         "Row {row}, column {label} ({column}): the parent code '{value}' is neither an existing node of the district nor a row of this file"),
    "PARENT_CANNOT_HOLD": ("第{row}行「{label}」：“{value}”：{child}不能直接隶属于{parent}（{parent}下只能设{allowed}）",
                           "Row {row}, column {label} ({column}): parent code '{value}': a {child_en} cannot be placed directly under a {parent_en} "
                           "(a {parent_en} holds only: {allowed_en})"),
    "CYCLE": ("第{row}行「{label}」：“{value}”：第{rows}行的上级关系构成循环（{codes}）",
              "Row {row}, column {label} ({column}): parent code '{value}': rows {rows_en} are each other's parents in a loop ({codes})"),
    "IMPORT_NAME_TAKEN": ("第{row}行：{under}下已有名为“{name}”的下级", "row {row}: {under_en} already has a child named {name!r}"),
    "IMPORT_NAME_REPEATED": ("第{row}行：与第{earlier}行同名（同一上级下名称不能重复）",
                             "row {row}: same name as row {earlier} under the same parent"),
    # - parts of the messages above, passed as parameters
    "IMPORT_UNRECOGNISED_EXTRA": ("；无法识别的列：{unknown}", "; unrecognised columns: {unknown_en}"),
    "IMPORT_NO_EXTENSION": ("（无扩展名）", "(no extension)"),
    "IMPORT_HINT_SAVE_AS": ("请在 Excel 中另存为 .xlsx 或 CSV", "save it from Excel as .xlsx or CSV"),
    "IMPORT_HINT_SUPPORTED": ("仅支持 CSV (.csv) / Excel (.xlsx)", "only CSV (.csv) / Excel (.xlsx) are supported"),
    "IMPORT_HINT_SUBDISTRICT": ("请写明“镇”或“街道”", "say TOWN (镇) or STREET (街道)"),
    "IMPORT_HINT_DISTRICT": ("新区本身不能导入，导入的是其下的节点", "the district itself cannot be imported"),
    "IMPORT_HINT_KINDS": ("应为 新城、镇、街道、社区、行政村、小区、村民小组、楼栋 之一",
                          "expected one of NEW_TOWN, TOWN, STREET, COMMUNITY, VILLAGE, COMPOUND, VILLAGE_GROUP, BUILDING "
                          "or 新城/镇/街道/…"),
    "IMPORT_UNDER_DISTRICT": ("本区", "the district"),
    "IMPORT_UNDER_PARENT": ("上级“{parent_code}”", "parent {parent_code!r}"),
    "IMPORT_WITH_CHAIN": ("{kind}（{chain}）", "{kind_en} ({chain_en})"),
    "IMPORT_NOTHING": ("无", "nothing"),
    "KIND_DISTRICT": ("新区", "district"),
    "KIND_NEW_TOWN": ("新城", "new town"),
    "KIND_SUBDISTRICT": ("镇街", "subdistrict"),
    "KIND_TOWN": ("镇", "town"),
    "KIND_STREET": ("街道", "street"),
    "KIND_COMMUNITY": ("社区", "community"),
    "KIND_VILLAGE": ("行政村", "village"),
    "KIND_COMPOUND": ("小区", "compound"),
    "KIND_VILLAGE_GROUP": ("村民小组", "village group"),
    "KIND_BUILDING": ("楼栋", "building"),
    "CHAIN_URBAN": ("城市模式", "urban chain"),
    "CHAIN_RURAL": ("农村模式", "rural chain"),
    "IMPORT_PARENT_OUT_OF_SCOPE": ("第{row}行：上级“{parent_code}”不在您的管理范围内",
                                   "row {row}: parent {parent_code!r} is outside your scope"),
    "IMPORT_NAME_RACE": ("同一上级下已有同名的下级（并发写入），请重新导入",
                         "a parent already has a child of that name (written concurrently): import again"),
    "IMPORT_CODE_RACE": ("编码已被使用（并发写入），请重新导入", "a code is already used (written concurrently): import again"),
}

# people: codes raised by that domain's operations (kept apart so domains edit their own part)
_PEOPLE: dict[str, tuple[str, str]] = {
    "STAFF_ROLE_ENDED": ("该职务已于{on}结束", "this role ended on {on}"),
    "STAFF_ROLE_HELD": ("该人员在此已担任该职务（未结束）", "this person already holds this role here (not ended)"),
    "ALREADY_SERVING": ("{person}已在该片区任职", "{person_en} already serves this area"),
    "FUTURE_DATE": ("日期{on}晚于今天{detail}", "the date {on} is after today{detail_en}"),
    # parts of messages, passed as parameters of the codes above
    "THIS_PERSON": ("该人员", "this person"),
    "FUTURE_TERM": ("，不能登记尚未开始的任期", ": a term is recorded once it has begun"),
    # INVALID_ID_NUMBER's reason (policy.idnumber.IdNumberError.reason); in English the rule's own sentence
    "ID_NUMBER_LENGTH": ("长度应为18位", "an ID number has 18 characters"),
    "ID_NUMBER_CHARACTERS": ("含有非法字符", "an ID number is 17 digits followed by a digit or the letter X"),
    "ID_NUMBER_REGION": ("地区码不存在", "the region code is not a real region"),
    "ID_NUMBER_BIRTH_DATE": ("出生日期无效", "the birth date is not a real date, or is in the future or before 1900"),
    "ID_NUMBER_CHECK_DIGIT": ("校验码不正确", "the check digit is wrong"),
}

# workstations: codes raised by that domain's operations (kept apart so domains edit their own part)
_WORKSTATIONS: dict[str, tuple[str, str]] = {
}

# access: codes raised by that domain's operations (kept apart so domains edit their own part)
_ACCESS: dict[str, tuple[str, str]] = {
    "AUDIT_READ_NEEDED": ("查看审计日志需要管理员或办公室角色", "reading the audit log needs an administrator's or office's role"),
    "USER_LIST_NEEDS_ADMIN": ("查看用户列表需要管理员角色", "listing users needs an administrator's role"),
    "TOO_MANY_ATTEMPTS": ("登录尝试过于频繁，请{retry_after}秒后再试", "too many login attempts: try again in {retry_after} seconds"),
    "CAPABILITY_NOT_HELD": ("不能授予超出自身权限的角色：{role}在该节点含有您不具备的权限（{missing}）",
                            "cannot confer {role} here: it carries capabilities you do not hold at this node ({missing_en})"),
    "NOT_A_PARTNER_ROLE": ("API密钥只发给合作单位（12345热线、财政、保险公司）",
                           "API keys are for partner agencies only (HOTLINE, FINANCE, INSURER)"),
}

# calendar: codes raised by that domain's operations (kept apart so domains edit their own part)
_CALENDAR: dict[str, tuple[str, str]] = {
    "SYSTEM_CALENDAR_ONLY": ("工作日安排全国通用，各新区共享：只有系统管理员可以录入某一年的安排",
                             "the working-day calendar is shared by every district: only the system administrator "
                             "enters a year's arrangement"),
    "UNKNOWN_YEAR": ("系统尚无{year}年的工作日安排（法定节假日和调休），不能推算；请管理员先录入{year}年的安排",
                     "no working-day arrangement for {year} (holidays and make-up working days): an administrator must enter it"),
    "INVALID_LENGTH": ("公示天数须满足 1 ≤ 最少天数 ≤ 最多天数 ≤ {max}",
                       "need 1 <= minDays <= maxDays <= {max}, got {min_days} and {max_days}"),
    "INVALID_YEAR": ("年份{year}无效", "not a valid year: {year}"),
    "DATE_OUTSIDE_YEAR": ("{label}{day}不在{year}年内", "{label_en} {day} is not in {year}"),
    "BOTH_HOLIDAY_AND_MAKEUP": ("{day}不能既是放假日又是调休上班日", "{day} cannot be both a holiday and a make-up working day"),
    "MAKEUP_NOT_WEEKEND": ("调休上班日必须是星期六或星期日，{day}不是", "make-up working days are Saturdays or Sundays; {day} is not"),
    "TOO_LONG": ("{label}不能超过{max}个字", "the {label_en} may have at most {max} characters"),
    "CONFLICT": ("该年份的安排正被同时录入，请重试", "this year's arrangement is being entered at the same time; try again"),
}

# recruitment: codes raised by that domain's operations (kept apart so domains edit their own part)
_RECRUITMENT: dict[str, tuple[str, str]] = {
    "STEP_OUT_OF_ORDER": ("还不能{step_zh}：须先完成“{missing_zh}”", "{step} is not possible yet: {missing_step} must come first"),
    "NO_SERVICE_AREAS": ("没有需要招募的服务片区（请先划分片区，或所有席位已满）",
                         "no service area to recruit for (define areas first, or every seat is filled)"),
    "CAMPAIGN_CLOSED": ("招募已结束", "the campaign is closed"),
    "NOT_IN_CAMPAIGN": ("该片区不在本次招募范围内", "this service area is not part of the campaign"),
    "ALREADY_APPLIED": ("{name}已在本次招募中报名", "{name_en} has already applied in this campaign"),
    "ORGANISATION_REQUIRED": ("组织推荐须写明推荐组织", "an organisational nomination names the organisation"),
    "TOO_FEW_SIGNERS": ("有效签名{counted}人，少于本楼栋居民至少{minimum}人联名的要求",
                        "{counted} valid signers; at least {minimum} residents of the building are required"),
    "POLICE_OPINION_REQUIRED": ("须先取得社区民警意见，才能确定人选", "the community police officer's opinion is required first"),
    "POLICE_OPINION_UNFAVOURABLE": ("社区民警意见为不同意，不能确定为人选", "the police officer's opinion is unfavourable"),
    "NOTICE_CLOSED": ("不在公示期内，不能提出异议", "objections are raised during the public notice only"),
    "ALREADY_RESOLVED": ("该异议已处理", "this objection is already resolved"),
    "NOTICE_TOO_SHORT": ("公示期未满：最短公示期至{min_last_day}，{confirmable_from}起方可确认",
                         "the notice has not run its minimum: it lasts until {min_last_day}; confirmable from {confirmable_from}"),
    "OBJECTION_OPEN": ("还有{count}条异议未处理", "{count} objection(s) still open"),
    "AREA_FULL": ("该片区席位已满", "every seat of this service area is filled"),
    "RESIGNATION_PENDING": ("已于{requested_on}提出辞职，于{ended_on}离任",
                            "a resignation was requested on {requested_on}; the term ends on {ended_on}"),
    "RESIGNATION_TOO_EARLY": ("辞职须提前{months}个月提出，最早于{earliest}离任",
                              "resignation needs {months} months' notice: the earliest end is {earliest}"),
    "WRONG_REASON": ("辞职和任期届满有各自的办理方式", "resignation and term expiry have their own mutations"),
    "NOT_AT_TERM_END": ("任期于{ends_on}届满，届满前三个月内方可续任",
                        "the term ends on {ends_on}: renewal is possible in its last three months"),
    "TERM_ENDED": ("该任期已结束", "this term has already ended"),
    # the wording of a code in one situation (codes shared with other domains keep their own entry
    # there): rendered by resolvers.recruitment.common.worded under the code the client sees
    "RECRUITMENT_STEP_IN_STATUS": ("申请当前状态为{status}，不能{step_zh}", "{step} is not possible in status {status}"),
    "RECRUITMENT_WITHDRAW_IN_STATUS": ("申请当前状态为{status}，不能撤回", "cannot withdraw in status {status}"),
    "RECRUITMENT_POLICE_IN_STATUS": ("申请当前状态为{status}，不能记录民警意见",
                                     "a police opinion cannot be recorded in status {status}"),
    "RECRUITMENT_CAMPAIGN_ALREADY_CLOSED": ("招募已结束", "the campaign is already closed"),
    "RECRUITMENT_NO_RESIDENCE": ("{name}没有登记居住楼栋，无法由居民推荐",
                                 "{name} has no registered building for a resident nomination"),
    "RECRUITMENT_SCORE_RANGE": ("评分应在0到100之间", "the score is between 0 and 100"),
    "RECRUITMENT_UNKNOWN_YEAR": ("系统还没有{year}年的节假日安排，请管理员先录入",
                                 "no working-day arrangement for {year}: an administrator must enter it"),
    "RECRUITMENT_FUTURE_DATE": ("日期{on}晚于今天（{now}），不能登记尚未发生的事项",
                                "the date {on} is after today ({now}): a step is recorded once it has happened"),
    "RECRUITMENT_ALREADY_SERVING": ("该人员已在该片区任职", "this person already serves this area"),
    # warnings of a resident nomination (policy.nomination.SignerWarning: the signer's 1-based number)
    "SIGNER_UNKNOWN": ("第{number}个签名人查无此人或不在您的管理范围内，不计入有效签名",
                       "signer #{number} is unknown or outside your scope: not counted"),
    "SIGNER_IS_NOMINEE": ("第{number}个签名人是被推荐人本人，不能为自己签名，不计入有效签名",
                          "signer #{number} is the nominee, who cannot sign for themselves: not counted"),
    "SIGNER_DUPLICATE": ("第{number}个签名人与前面的签名重复，只计一次，不计入有效签名",
                         "signer #{number} repeats an earlier signature; counted once: not counted"),
    "SIGNER_OTHER_BUILDING": ("第{number}个签名人不是被推荐人所在楼栋的居民，不计入有效签名",
                              "signer #{number} does not live in the nominee's building: not counted"),
}

# jobs: codes raised by that domain's operations (kept apart so domains edit their own part)
_JOBS: dict[str, tuple[str, str]] = {
}

# the day-to-day work (docs/policy.md §6, §7): one module per domain, so each edits its own part
from resolvers.messages_boards import MESSAGES as _BOARDS  # noqa: E402
from resolvers.messages_duties import MESSAGES as _DUTIES  # noqa: E402
from resolvers.messages_meetings import MESSAGES as _MEETINGS  # noqa: E402
from resolvers.messages_requests import MESSAGES as _REQUESTS  # noqa: E402
# the background work (docs/policy.md §8–§10)
from resolvers.messages_assessment import MESSAGES as _ASSESSMENT  # noqa: E402
from resolvers.messages_insurance import MESSAGES as _INSURANCE  # noqa: E402
from resolvers.messages_payroll import MESSAGES as _PAYROLL  # noqa: E402
from resolvers.messages_runs import MESSAGES as _RUNS  # noqa: E402

CATALOG: dict[str, tuple[str, str]] = {
    **_SHARED, **_GRAPHQL, **_TREE, **_PEOPLE, **_WORKSTATIONS, **_ACCESS, **_CALENDAR, **_RECRUITMENT, **_JOBS,
    **_MEETINGS, **_DUTIES, **_REQUESTS, **_BOARDS, **_RUNS, **_PAYROLL, **_ASSESSMENT, **_INSURANCE,
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
