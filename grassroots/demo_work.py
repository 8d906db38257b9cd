"""A year of a workstation's work for the demo (翠苑一区小区网格工作站): weekly meetings with
attendance and concerns, households with a monthly visit each, weekly inspections with findings,
the vulnerable people register, resident requests and 12345 work orders, and one incident passed
up a level because the station head did not acknowledge it in time.

Deterministic like the rest of the demo: fixed dates (December 2025 to November 2026), no
randomness. The rows are what the operations would have written under the rules of
policy/meetings.py, policy/duties.py and policy/requests.py (the second unexcused absence of a
head leaves a live warning, a safety hazard stays open until a closing follow-up, a level passed
over is recorded on its step)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.duties import Finding, FindingFollowUp, HelpGiven, Household, HouseholdVisit, Inspection, VulnerablePerson
from models.meetings import AbsenceAction, Attendance, Concern, Meeting
from models.people import Person, StaffRole
from models.recruitment import BuildingHead
from models.requests import Incident, IncidentStep, ResidentRequest
from models.tree import Node
from models.workstations import StationHeadAppointment, Workstation
from policy.duties import FindingKind, FindingStatus, VulnerableCategory
from policy.kinds import StaffKind, TermStatus
from policy.meetings import AbsenceActionKind, AttendanceStatus, ConcernStatus, MeetingKind, is_monthly, week_of
from policy.requests import DisputeOutcome, EscalationLevel, IncidentStatus, RequestChannel, RequestStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
COMPOUND = "翠苑一区"
FIRST_MONTH = date(2025, 12, 1)
LAST_DAY = date(2026, 11, 30)
MONTHS = [date(2025 + (11 + i) // 12, (11 + i) % 12 + 1, 1) for i in range(12)]  # 2025-12 … 2026-11
BY = "demo"

CONCERNS = [
    ("3栋电梯频繁停运", "联系物业与维保单位检修，每周通报进度", "物业项目经理"),
    ("小区南门夜间照明不足", "增设两盏路灯，物业负责安装", "物业项目经理"),
    ("电动自行车楼道充电", "开展入户宣传，增设集中充电桩", "站长"),
    ("5栋楼顶防水层破损", "申请维修资金，雨季前完成修补", "社区居委会"),
    ("垃圾分类投放点异味", "调整清运时间为每日两次", "物业保洁主管"),
    ("绿化带被占用种菜", "楼栋长逐户劝导，限期恢复", "楼栋长"),
]
REQUESTS = [
    ("楼道灯不亮", "2栋二单元三楼楼道灯损坏"), ("下水道堵塞", "1栋一楼公共下水管反味"),
    ("邻里噪音纠纷", "楼上夜间装修噪音"), ("停车位被占", "固定车位长期被外来车辆占用"),
    ("外墙渗水", "雨后卧室外墙渗水"), ("宠物扰民", "犬只夜间吠叫"),
]
HOTLINE = [
    ("12345：小区门口占道经营", "市民反映南门外流动摊贩占道"), ("12345：物业费公示", "市民要求公示物业费收支"),
    ("12345：高空抛物", "市民反映5栋有高空抛物现象"),
]
VULNERABLE = [
    ("独居老人", VulnerableCategory.ELDERLY_ALONE, "85岁，子女在外地，行动不便", "每周电话问候，每月上门送餐一次"),
    ("低保户", VulnerableCategory.LOW_INCOME, "一家三口，户主因病失业", "协助办理低保年审"),
    ("残疾人", VulnerableCategory.DISABLED, "肢体二级残疾，轮椅出行", "协调物业加装单元坡道扶手"),
    ("困境儿童", VulnerableCategory.CHILD_IN_DIFFICULTY, "父母在外务工，随祖母生活", "联系社工开展课业辅导"),
]


def _at(d: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute), SHANGHAI)


async def load_work(nodes: dict[str, Node]) -> None:
    compound = nodes[COMPOUND]
    ws = await Workstation.get(compound_id=compound.id)
    buildings = await Node.filter(parent_id=compound.id).order_by("id")
    terms = await BuildingHead.filter(path=compound.path, status=TermStatus.ACTIVE).order_by("id")
    head_of_area = {}
    for t in terms:
        head_of_area.setdefault(t.service_area_id, []).append(t)

    def serving(area_id: int | None, on: date) -> BuildingHead | None:
        for t in head_of_area.get(area_id, []):
            if t.starts_on <= on and (t.ended_on is None or t.ended_on >= on):
                return t
        return None

    # public contact numbers for the notice boards
    appointment = await StationHeadAppointment.get_or_none(active_workstation_id=ws.id)
    if appointment is not None:
        appointment.public_phone = "0571-86001001"
        await appointment.save(update_fields=["public_phone"])
    for i, t in enumerate(terms):
        t.public_phone = f"0571-860012{i:02d}"
        await t.save(update_fields=["public_phone"])

    await _households_and_visits(ws, buildings, serving)
    await _inspections(ws, buildings, serving)
    await _meetings(ws, compound, terms, appointment)
    await _requests(ws, compound, buildings, serving)
    await _incident(ws, compound, buildings, terms)


async def _households_and_visits(ws: Workstation, buildings: list[Node], serving) -> None:
    households: list[Household] = []
    for b in buildings:
        for n in range(1, (b.households or 0) + 1):
            households.append(Household(
                building_id=b.id, path=b.path, workstation_id=ws.id, door_number=f"{(n - 1) // 4 + 1}0{(n - 1) % 4 + 1}",
                occupants=1 + n % 5, vulnerable_members=1 if n % 37 == 0 else 0, needs="",
            ))
    await Household.bulk_create(households, batch_size=500)
    rows = await Household.filter(workstation_id=ws.id).order_by("id")
    area_of = {b.id: b.service_area_id for b in buildings}
    visits: list[HouseholdVisit] = []
    for month in MONTHS:
        for i, h in enumerate(rows):
            on = month + timedelta(days=(i * 7) % 26)
            term = serving(area_of[h.building_id], on)
            if term is None or on > LAST_DAY:
                continue
            visits.append(HouseholdVisit(
                household_id=h.id, path=h.path, workstation_id=ws.id, term_id=term.id, visited_on=on,
                occupants=h.occupants, vulnerable_members=h.vulnerable_members,
                needs="希望增设楼道扶手" if i % 53 == 0 else "", note="", recorded_by=BY,
            ))
    await HouseholdVisit.bulk_create(visits, batch_size=1000)
    last = {}
    for v in visits:
        last[v.household_id] = v.visited_on
    for on in sorted(set(last.values())):
        await Household.filter(id__in=[h for h, d in last.items() if d == on]).update(form_updated_on=on)
    # the vulnerable people register, with the help given
    for i, (label, category, details, help_text) in enumerate(VULNERABLE):
        b = buildings[i % len(buildings)]
        h = next(x for x in rows if x.building_id == b.id)
        person = await VulnerablePerson.create(
            building_id=b.id, household_id=h.id, path=b.path, workstation_id=ws.id,
            name=["王秀英", "李建国", "陈美华", "刘子轩"][i], category=category, details=details,
            registered_on=date(2026, 1, 12) + timedelta(days=7 * i),
        )
        for m in MONTHS[2:]:
            await HelpGiven.create(vulnerable_person_id=person.id, path=b.path, helped_on=m + timedelta(days=9 + i),
                                   help=help_text, recorded_by=BY)


async def _inspections(ws: Workstation, buildings: list[Node], serving) -> None:
    monday = week_of(FIRST_MONTH)
    k = 0
    while monday <= LAST_DAY:
        for b in buildings:
            on = monday + timedelta(days=2)
            term = serving(b.service_area_id, on)
            if term is None or on > LAST_DAY:
                continue
            k += 1
            insp = await Inspection.create(building_id=b.id, path=b.path, workstation_id=ws.id, term_id=term.id,
                                           inspected_on=on, note="例行巡查", recorded_by=BY)
            if k % 9 == 0:
                kind = [FindingKind.HYGIENE, FindingKind.RULE_BREACH, FindingKind.PROPERTY_FAILING,
                        FindingKind.SAFETY_HAZARD][(k // 9) % 4]
                f = await Finding.create(
                    inspection_id=insp.id, path=b.path, kind=kind,
                    description={FindingKind.HYGIENE: "楼道堆放杂物", FindingKind.RULE_BREACH: "楼道内违规停放电动车",
                                 FindingKind.PROPERTY_FAILING: "单元门禁损坏未及时维修",
                                 FindingKind.SAFETY_HAZARD: "消防通道被占用"}[kind],
                    status=FindingStatus.OPEN if kind == FindingKind.SAFETY_HAZARD else FindingStatus.CLOSED,
                )
                if kind == FindingKind.SAFETY_HAZARD:
                    closes = on < date(2026, 10, 1)  # the latest hazards are still open
                    await FindingFollowUp.create(finding_id=f.id, on=on + timedelta(days=3), note="已通知物业清理",
                                                 recorded_by=BY)
                    if closes:
                        await FindingFollowUp.create(finding_id=f.id, on=on + timedelta(days=10),
                                                     note="复查已清理完毕", closes=True, recorded_by=BY)
                        f.status, f.closed_on = FindingStatus.CLOSED, on + timedelta(days=10)
                        await f.save()
        monday += timedelta(days=7)


async def _meetings(ws: Workstation, compound: Node, terms: list[BuildingHead],
                    appointment: StationHeadAppointment | None) -> None:
    community_id = compound.parent_id
    police = await StaffRole.filter(node_id=community_id, kind=StaffKind.COMMUNITY_POLICE).first()
    monday = week_of(ws.in_use_on) + timedelta(days=7) if ws.in_use_on else None
    week = 0
    unexcused: dict[int, int] = {}
    while monday is not None and monday <= LAST_DAY:
        week += 1
        for kind in (MeetingKind.WORKSTATION, MeetingKind.BUILDING_HEADS):
            monthly = is_monthly(kind, monday)
            m = await Meeting.create(
                workstation_id=ws.id, path=ws.path, kind=kind, week_of=monday, monthly=monthly, held_on=monday,
                agenda="本周居民诉求梳理与办理进度" if kind == MeetingKind.WORKSTATION else "楼栋巡查、入户走访情况交流",
                minutes="会议按议程进行，形成纪要。", police_person_id=police.person_id if monthly and police else None,
                attendance_recorded_at=_at(monday, 17),
            )
            if kind == MeetingKind.WORKSTATION and week % 6 == 1:
                title, measures, owner = CONCERNS[(week // 6) % len(CONCERNS)]
                deadline = monday + timedelta(days=21)
                status = (ConcernStatus.RESOLVED if deadline < date(2026, 10, 1)
                          else ConcernStatus.IN_PROGRESS if week % 2 else ConcernStatus.OPEN)
                await Concern.create(
                    meeting_id=m.id, workstation_id=ws.id, path=ws.path, title=title, measures=measures, owner=owner,
                    deadline=deadline, status=status, public=week % 4 != 3, raised_on=monday,
                    resolved_on=deadline - timedelta(days=2) if status == ConcernStatus.RESOLVED else None,
                )
            if kind != MeetingKind.BUILDING_HEADS:
                continue
            if appointment is not None:
                await Attendance.create(meeting_id=m.id, person_id=appointment.person_id, path=ws.path,
                                        status=AttendanceStatus.PRESENT)
            if monthly and police is not None:
                await Attendance.create(meeting_id=m.id, person_id=police.person_id, path=ws.path,
                                        status=AttendanceStatus.PRESENT)
            for i, t in enumerate(terms):
                if t.starts_on > monday:
                    continue
                # the first head missed two meetings without leave (a live warning); some asked for leave
                if i == 0 and week in (9, 27):
                    status, reason = AttendanceStatus.UNEXCUSED, None
                elif (week + 3 * i) % 13 == 0:
                    status, reason = AttendanceStatus.EXCUSED, "因病请假" if i % 2 else "外出请假"
                else:
                    status, reason = AttendanceStatus.PRESENT, None
                await Attendance.create(meeting_id=m.id, person_id=t.person_id, term_id=t.id, path=ws.path,
                                        status=status, leave_reason=reason)
                if status == AttendanceStatus.UNEXCUSED:
                    unexcused[t.id] = unexcused.get(t.id, 0) + 1
                    if unexcused[t.id] == 2:
                        await AbsenceAction.create(term_id=t.id, path=t.path, workstation_id=ws.id,
                                                   kind=AbsenceActionKind.WARNING, meeting_id=m.id, absences=2,
                                                   effective_on=monday)
        monday += timedelta(days=7)


async def _requests(ws: Workstation, compound: Node, buildings: list[Node], serving) -> None:
    district_id = int(compound.path.split("/")[1])
    k = 0
    for mi, month in enumerate(MONTHS):
        for j in range(4):
            k += 1
            b = buildings[k % len(buildings)]
            raised = month + timedelta(days=3 + 7 * j)
            hotline = j == 3
            title, description = (HOTLINE[k % len(HOTLINE)] if hotline else REQUESTS[k % len(REQUESTS)])
            term = serving(b.service_area_id, raised)
            resolved = raised < date(2026, 11, 10) and k % 7 != 0
            await ResidentRequest.create(
                building_id=b.id, path=b.path, district_id=district_id, workstation_id=ws.id,
                service_area_id=b.service_area_id,
                channel=RequestChannel.HOTLINE if hotline else (RequestChannel.BUILDING_HEAD if k % 2 else RequestChannel.RESIDENT),
                ticket_number=f"12345-{raised:%Y%m%d}-{k:04d}" if hotline else None,
                title=title, description=description, resident_name=["张桂兰", "赵强", "孙丽", "周建华"][k % 4],
                resident_phone=f"1390571{k:04d}", raised_on=raised,
                status=RequestStatus.RESOLVED if resolved else (RequestStatus.IN_PROGRESS if k % 2 else RequestStatus.OPEN),
                resolution="已协调处理并回访居民" if resolved else None,
                resolved_on=raised + timedelta(days=3 + k % 5) if resolved else None,
                handled_by_term_id=term.id if term and resolved else None,
                satisfaction=3 + k % 3 if resolved else None,
                dispute=title == "邻里噪音纠纷",
                dispute_outcome=DisputeOutcome.SETTLED if title == "邻里噪音纠纷" and resolved else None,
                recorded_by=BY,
            )


async def _incident(ws: Workstation, compound: Node, buildings: list[Node], terms: list[BuildingHead]) -> None:
    """3栋 reports smoke in the stairwell; the station head does not acknowledge within 30
    minutes, so the report is passed over to the community, which acknowledges and reports up."""
    ancestors = [int(x) for x in compound.path.strip("/").split("/")]
    paths = {depth: "/" + "/".join(str(i) for i in ancestors[:depth + 1]) + "/" for depth in range(len(ancestors))}
    b = buildings[2]
    reported = _at(date(2026, 7, 14), 21, 5)
    incident = await Incident.create(
        building_id=b.id, path=b.path, workstation_id=ws.id, term_id=terms[0].id if terms else None,
        title="3栋楼道冒烟", description="3栋二单元楼道内电动车电池冒烟，已疏散本单元居民", reported_on=reported.date(),
        reported_at=reported, level=EscalationLevel.NEW_TOWN, level_due_at=None, status=IncidentStatus.CLOSED,
        closed_on=date(2026, 7, 15), recorded_by=BY,
    )
    steps = [
        (EscalationLevel.STATION, paths[4], reported, 30, None, reported + timedelta(minutes=30)),
        (EscalationLevel.COMMUNITY, paths[3], reported + timedelta(minutes=30), 60, 12, None),
        (EscalationLevel.SUBDISTRICT, paths[2], reported + timedelta(minutes=42), 120, 20, None),
        (EscalationLevel.NEW_TOWN, paths[1], reported + timedelta(minutes=62), 240, 35, None),
    ]
    for level, path, reached, minutes, ack_after, passed in steps:
        await IncidentStep.create(
            incident_id=incident.id, level=level, level_path=path, reached_at=reached,
            due_at=reached + timedelta(minutes=minutes),
            acknowledged_at=reached + timedelta(minutes=ack_after) if ack_after is not None else None,
            acknowledged_by=None if ack_after is None else {"COMMUNITY": "cuiyuan", "SUBDISTRICT": "linhu",
                                                              "NEW_TOWN": "dongbu"}[level.value],
            passed_over_at=passed, note="未在时限内确认，已上报上一级" if passed else "已确认并逐级上报",
        )
