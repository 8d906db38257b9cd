"""Meetings, attendance and what unexcused absences lead to (docs/policy.md §7), through the API:
the scheduling job, a whole meeting's attendance in one call, warnings, endings, reversals."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from grassroots.demo import create_user
from models.audit import AuditEntry
from models.meetings import AbsenceAction, Attendance, Meeting
from models.people import Person, StaffRole
from models.recruitment import BuildingHead, HeadChangeFiling
from models.tree import Node, ServiceArea
from models.workstations import StationHeadAppointment, Workstation
from policy.idnumber import parse_id_number
from policy.kinds import HeadKind, StaffKind, StationHeadSource, TermStatus
from resolvers.clock import fixed_today
from schema.common import to_global_id
from tests.factory import PASSWORD, World, build_world, gid, id_number

TODAY = date(2026, 3, 27)  # a Friday
MONDAYS = [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23)]
_seq = itertools.count(500)


@dataclass
class MeetingWorld:
    w: World
    ws: Workstation
    station_head: Person
    police: Person
    heads: list[Person]
    terms: list[BuildingHead]
    areas: list[ServiceArea]
    outsider: Person


async def make_person(w: World, name: str, residence: Node | None = None) -> Person:
    idn = id_number(birth="19750101", seq=f"{next(_seq):03d}")
    r = parse_id_number(idn)
    return await Person.create(name=name, gender=r.gender, id_number=idn, birth_date=r.birth_date,
                               home_id=w.community_a.id, path=w.community_a.path,
                               residence_id=(residence or w.buildings_a[0]).id, permanent_resident=True)


async def meeting_world(heads: int = 8) -> MeetingWorld:
    """Compound A's workstation in use, its station head (a user, ``zhanzhang``), the community's
    police officer, and ``heads`` building heads each serving an area of the compound (the areas
    of the first three hold its buildings: 120, 80 and 0 households)."""
    w = await build_world()
    ws = await Workstation.get(compound_id=w.compound_a.id)
    ws.in_use_on = date(2026, 1, 5)
    await ws.save()
    sh = await make_person(w, "王站长")
    await StationHeadAppointment.create(workstation_id=ws.id, person_id=sh.id, path=ws.path,
                                        source=StationHeadSource.COMMUNITY_WORKER, letter_number="聘-1",
                                        filing_reference="备-1", appointed_on=date(2025, 6, 1),
                                        active_person_id=sh.id, active_workstation_id=ws.id)
    await create_user("zhanzhang", "王站长", PASSWORD, [], person=sh)
    police = await make_person(w, "李警官")
    await StaffRole.create(person_id=police.id, kind=StaffKind.COMMUNITY_POLICE, node_id=w.community_a.id,
                           path=w.community_a.path, started_on=date(2024, 1, 1))
    people, terms, areas = [], [], []
    for i in range(heads):
        a = await ServiceArea.create(container_id=w.compound_a.id, name=f"片区{i + 1}", path=w.compound_a.path)
        if i < len(w.buildings_a):
            await Node.filter(id=w.buildings_a[i].id).update(service_area_id=a.id)
        p = await make_person(w, f"楼长{i + 1}")
        t = await BuildingHead.create(person_id=p.id, service_area_id=a.id, path=a.path, kind=HeadKind.BUILDING_HEAD,
                                      starts_on=date(2025, 1, 1), ends_on=date(2029, 12, 31))
        people.append(p)
        terms.append(t)
        areas.append(a)
    outsider = await make_person(w, "路人")
    return MeetingWorld(w, ws, sh, police, people, terms, areas, outsider)


def pid(p: Person) -> str:
    return to_global_id("Person", p.id)


CREATE = """mutation($i: MeetingCreateInput!){ meetingCreate(input: $i){
  meeting { id kind weekOf heldOn monthly invitedPolice { name } } errors { code field message meetingId } } }"""
RECORD = """mutation($i: AttendanceRecordInput!){ attendanceRecord(input: $i){
  meeting { id attendance { person { name } status leaveReason term { id status } } }
  absenceActions { id kind live absences effectiveOn } errors { code field message } } }"""
RECORD_SHORT = """mutation($i: AttendanceRecordInput!){ attendanceRecord(input: $i){
  absenceActions { id kind live } errors { code field message } } }"""
ABSENCES = """query($t: ID!){ absenceRecord(termId: $t){ unexcused warningAt limit term { status endedOn endReason }
  warning { id kind live } ending { id kind live } } }"""


async def create_meeting(api, mw: MeetingWorld, held_on: date, kind: str = "BUILDING_HEADS") -> dict:
    data = await api.gql(CREATE, {"i": {"workstationId": to_global_id("Workstation", mw.ws.id), "kind": kind,
                                        "heldOn": held_on.isoformat(), "agenda": "例会"}})
    assert data["meetingCreate"]["errors"] == [], data
    return data["meetingCreate"]["meeting"]


def entries(mw: MeetingWorld, unexcused: set[int] = frozenset(), excused: set[int] = frozenset(), *,
            staff: bool = True) -> list[dict]:
    """Every building head, PRESENT unless their index is in ``unexcused`` or ``excused``, and the
    station head."""
    out = []
    for i, p in enumerate(mw.heads):
        status = "UNEXCUSED" if i in unexcused else "EXCUSED" if i in excused else "PRESENT"
        out.append({"personId": pid(p), "status": status, **({"leaveReason": "住院"} if status == "EXCUSED" else {})})
    if staff:
        out.append({"personId": pid(mw.station_head), "status": "PRESENT"})
    return out


async def record(api, meeting_id: str, items: list[dict], query: str = RECORD) -> dict:
    body = await api.raw(query, {"i": {"meetingId": meeting_id, "entries": items}})
    assert not body.get("errors"), body
    return body["data"]["attendanceRecord"]


# ---------------------------------------------------------------- the scheduling job

async def test_the_job_run_twice_creates_each_meeting_once_and_the_monthly_one_invites_the_police(api):
    from workers import jobs

    mw = await meeting_world(heads=2)
    with fixed_today(date(2026, 3, 4)):  # a Wednesday in the month's first week
        assert await jobs.schedule_meetings({}) == {"created": 2}  # compound B's station is not in use
        assert await jobs.schedule_meetings({}) == {"created": 0}
    rows = await Meeting.filter(workstation_id=mw.ws.id).order_by("kind")
    assert [(m.kind.value, m.week_of, m.held_on, m.monthly, m.police_person_id) for m in rows] == [
        ("BUILDING_HEADS", MONDAYS[0], MONDAYS[0], True, mw.police.id),
        ("WORKSTATION", MONDAYS[0], MONDAYS[0], False, None),
    ]
    assert await AuditEntry.filter(action="meetingSchedule", actor_label="system").count() == 2
    with fixed_today(date(2026, 3, 9)):
        assert await jobs.schedule_meetings({}) == {"created": 2}
    second = await Meeting.get(workstation_id=mw.ws.id, kind="BUILDING_HEADS", week_of=MONDAYS[1])
    assert (second.monthly, second.police_person_id) == (False, None)

    staff = await api.as_user("cuiyuan", PASSWORD)  # the police officer's register is the community's
    with fixed_today(TODAY):
        data = await staff.gql("""query($w: ID!){ meetings(workstationId: $w, from: "2026-03-01"){ totalCount
            nodes { kind weekOf monthly invitedPolice { name } expectedAttendees { role person { name } } } } }""",
                            {"w": to_global_id("Workstation", mw.ws.id)})
    nodes = data["meetings"]["nodes"]
    assert data["meetings"]["totalCount"] == 4
    assert [n["weekOf"] for n in nodes] == ["2026-03-09", "2026-03-09", "2026-03-02", "2026-03-02"]  # newest first
    monthly = [n for n in nodes if n["monthly"]]
    assert len(monthly) == 1 and monthly[0]["invitedPolice"] == {"name": "李警官"}
    assert [e["role"] for e in monthly[0]["expectedAttendees"]] == ["STATION_HEAD", "BUILDING_HEAD", "BUILDING_HEAD",
                                                                   "COMMUNITY_POLICE"]
    # another community's staff cannot list them
    other = await api.as_user("jinhua", PASSWORD)
    body = await other.raw("query($w: ID!){ meetings(workstationId: $w){ totalCount } }",
                           {"w": to_global_id("Workstation", mw.ws.id)})
    assert body["errors"] and body["data"] is None


async def test_racing_job_runs_create_each_meeting_once(api):
    import asyncio

    from resolvers.meetings import schedule_meetings
    from resolvers.viewer import SYSTEM
    from tests.conftest import BACKEND

    mw = await meeting_world(heads=1)
    on = date(2026, 3, 4)
    if BACKEND == "postgres":
        created = await asyncio.gather(*(schedule_meetings(SYSTEM, on=on) for _ in range(5)))
    else:
        created = [await schedule_meetings(SYSTEM, on=on) for _ in range(5)]
    assert sum(created) == 2
    assert await Meeting.filter(workstation_id=mw.ws.id).count() == 2


# ---------------------------------------------------------------- meetings from paper

async def test_meeting_create_refuses_the_future_and_names_the_weeks_meeting(api):
    mw = await meeting_world(heads=1)
    api.token = await api.login("cuiyuan", PASSWORD)
    with fixed_today(TODAY):
        first = await create_meeting(api, mw, MONDAYS[0])
        assert (first["monthly"], first["invitedPolice"]) == (True, {"name": "李警官"})
        ws = to_global_id("Workstation", mw.ws.id)
        again = await api.gql(CREATE, {"i": {"workstationId": ws, "kind": "BUILDING_HEADS", "heldOn": "2026-03-04"}})
        [err] = again["meetingCreate"]["errors"]
        assert (err["code"], err["field"], err["meetingId"]) == ("MEETING_EXISTS", ["input", "heldOn"], first["id"])
        future = await api.gql(CREATE, {"i": {"workstationId": ws, "kind": "WORKSTATION", "heldOn": "2026-03-30"}})
        assert [e["code"] for e in future["meetingCreate"]["errors"]] == ["FUTURE_DATE"]
        upd = await api.gql("""mutation($i: MeetingUpdateInput!){ meetingUpdate(input: $i){ meeting { heldOn minutes }
            errors { code field } } }""", {"i": {"id": first["id"], "heldOn": "2026-03-10", "minutes": "纪要"}})
        assert [e["code"] for e in upd["meetingUpdate"]["errors"]] == ["MEETING_OTHER_WEEK"]
        upd = await api.gql("""mutation($i: MeetingUpdateInput!){ meetingUpdate(input: $i){ meeting { heldOn minutes }
            errors { code field } } }""", {"i": {"id": first["id"], "heldOn": "2026-03-03", "minutes": "纪要"}})
        assert upd["meetingUpdate"] == {"meeting": {"heldOn": "2026-03-03", "minutes": "纪要"}, "errors": []}
    assert await Meeting.filter(workstation_id=mw.ws.id).count() == 1


async def test_concerns_at_a_workstation_meeting(api):
    mw = await meeting_world(heads=1)
    sh = await api.as_user("zhanzhang", PASSWORD)
    with fixed_today(TODAY):
        m = await create_meeting(sh, mw, MONDAYS[2], kind="WORKSTATION")
        bh = await create_meeting(sh, mw, MONDAYS[2])
        q = """mutation($i: ConcernCreateInput!){ concernCreate(input: $i){ concern { id title status public deadline
            meeting { id } } errors { code field } } }"""
        base = {"title": "3栋楼道堆物", "owner": "王站长", "measures": "通知物业清理", "deadline": "2026-03-31",
                "public": True, "raisedOn": "2026-03-16"}
        wrong = await sh.gql(q, {"i": {**base, "meetingId": bh["id"]}})
        assert [e["code"] for e in wrong["concernCreate"]["errors"]] == ["CONCERN_NOT_WORKSTATION_MEETING"]
        bad = await sh.gql(q, {"i": {**base, "meetingId": m["id"], "title": " ", "deadline": "2026-03-01"}})
        assert sorted(e["code"] for e in bad["concernCreate"]["errors"]) == ["INVALID_DATE_ORDER", "REQUIRED"]
        made = (await sh.gql(q, {"i": {**base, "meetingId": m["id"]}}))["concernCreate"]
        assert made["errors"] == [] and made["concern"]["status"] == "OPEN" and made["concern"]["meeting"]["id"] == m["id"]
        u = """mutation($i: ConcernUpdateInput!){ concernUpdate(input: $i){ concern { status resolvedOn }
            errors { code field } } }"""
        done = await sh.gql(u, {"i": {"id": made["concern"]["id"], "status": "RESOLVED", "resolvedOn": "2026-03-20"}})
        assert done["concernUpdate"] == {"concern": {"status": "RESOLVED", "resolvedOn": "2026-03-20"}, "errors": []}
        reopened = await sh.gql(u, {"i": {"id": made["concern"]["id"], "status": "IN_PROGRESS"}})
        assert reopened["concernUpdate"]["concern"] == {"status": "IN_PROGRESS", "resolvedOn": None}
        listed = await sh.gql("query($id: ID!){ node(id: $id){ ... on Meeting { concerns { title owner } } } }",
                              {"id": m["id"]})
        assert listed["node"]["concerns"] == [{"title": "3栋楼道堆物", "owner": "王站长"}]


# ---------------------------------------------------------------- attendance and absences

async def test_a_whole_meeting_in_one_call_and_an_unexpected_person_refused_with_nothing_written(api):
    mw = await meeting_world(heads=8)
    sh = await api.as_user("zhanzhang", PASSWORD)
    with fixed_today(TODAY):
        m = await create_meeting(sh, mw, MONDAYS[0])  # monthly: the police are expected too
        items = entries(mw, unexcused={3}, excused={5}) + [{"personId": pid(mw.police), "status": "PRESENT"}]
        done = await record(sh, m["id"], items)
        assert done["errors"] == [] and done["absenceActions"] == []
        att = done["meeting"]["attendance"]
        assert len(att) == 10
        by_name = {a["person"]["name"]: a for a in att if a["person"]}
        assert by_name["楼长4"]["status"] == "UNEXCUSED" and by_name["楼长4"]["term"]["status"] == "ACTIVE"
        assert (by_name["楼长6"]["status"], by_name["楼长6"]["leaveReason"]) == ("EXCUSED", "住院")
        assert by_name["王站长"]["term"] is None
        # the police officer is on the community's register: out of the station head's scope, so null
        # there (as any Person), named to the community's staff
        assert [a["status"] for a in att if a["person"] is None] == ["PRESENT"]
        staff = await api.as_user("cuiyuan", PASSWORD)
        shown = await staff.gql("query($id: ID!){ node(id: $id){ ... on Meeting { attendance { person { name } status } } } }",
                                {"id": m["id"]})
        assert {"person": {"name": "李警官"}, "status": "PRESENT"} in shown["node"]["attendance"]
        # a leave reason (it may be about health) is shown to those who record attendance, not to every reader
        office = await api.as_user("district", PASSWORD)
        seen = await office.gql("query($id: ID!){ node(id: $id){ ... on Meeting { attendance { status leaveReason } } } }",
                                {"id": m["id"]})
        assert [a["leaveReason"] for a in seen["node"]["attendance"] if a["status"] == "EXCUSED"] == [None]

        m2 = await create_meeting(sh, mw, MONDAYS[1])
        audited = await AuditEntry.filter(action="attendanceRecord").count()
        refused = await record(sh, m2["id"], [
            {"personId": pid(mw.heads[0]), "status": "PRESENT"},
            {"personId": pid(mw.outsider), "status": "PRESENT"},
            {"personId": pid(mw.police), "status": "PRESENT"},  # not a monthly meeting: not invited
            {"personId": pid(mw.heads[1]), "status": "EXCUSED"},
        ])
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [
            ("ATTENDEE_NOT_EXPECTED", ["input", "entries", "1", "personId"]),
            ("ATTENDEE_NOT_EXPECTED", ["input", "entries", "2", "personId"]),
            ("LEAVE_REASON_REQUIRED", ["input", "entries", "3", "leaveReason"]),
        ]
        assert "路人" not in refused["errors"][0]["message"]  # the entry is named, not the person
        assert await Attendance.filter(meeting_id=int(_pk(m2["id"]))).count() == 0
        assert await AuditEntry.filter(action="attendanceRecord").count() == audited
        # another community's staff cannot record it
        other = await api.as_user("jinhua", PASSWORD)
        body = await other.raw(RECORD_SHORT, {"i": {"meetingId": m2["id"], "entries": entries(mw)}})
        assert body["errors"] and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def _pk(global_id: str) -> int:
    from schema.common import from_global_id

    return from_global_id(global_id)[1]


async def _rollup(api, mw: MeetingWorld) -> dict:
    q = "query($id: ID!){ node(id: $id){ ... on Compound { rollup { activeBuildingHeads vacancies } } } }"
    return (await api.gql(q, {"id": gid(mw.w.compound_a)}))["node"]["rollup"]


async def _needs(api, mw: MeetingWorld) -> list[str]:
    q = "query($id: ID!){ recruitmentNeeds(nodeId: $id){ serviceArea { name } } }"
    return [n["serviceArea"]["name"] for n in (await api.gql(q, {"id": gid(mw.w.compound_a)}))["recruitmentNeeds"]]


async def test_warning_ending_reversal_and_ending_again(api):
    mw = await meeting_world(heads=8)
    x, term = 1, mw.terms[1]  # the head of 2栋 (80 households: one seat)
    term_gid = to_global_id("BuildingHeadTerm", term.id)
    sh = await api.as_user("zhanzhang", PASSWORD)
    staff = await api.as_user("cuiyuan", PASSWORD)
    with fixed_today(TODAY):
        ms = [await create_meeting(sh, mw, d) for d in MONDAYS]
        assert (await record(sh, ms[0]["id"], entries(mw, unexcused={x})))["absenceActions"] == []
        before = await _rollup(staff, mw)
        assert "片区2" not in await _needs(staff, mw)

        # the second unexcused absence: the station head is warned
        second = await record(sh, ms[1]["id"], entries(mw, unexcused={x}))
        [warning] = second["absenceActions"]
        assert (warning["kind"], warning["live"], warning["absences"], warning["effectiveOn"]) == (
            "WARNING", True, 2, "2026-03-09")
        assert await AuditEntry.filter(action="absenceWarning", path=mw.ws.path).count() == 1  # published on the compound
        rec = (await sh.gql(ABSENCES, {"t": term_gid}))["absenceRecord"]
        assert (rec["unexcused"], rec["warningAt"], rec["limit"], rec["warning"]["id"], rec["ending"]) == (
            2, 2, 3, warning["id"], None)

        # the third ends the service, once
        third = await record(sh, ms[2]["id"], entries(mw, unexcused={x}))
        [ending] = third["absenceActions"]
        assert ending["kind"] == "ENDING" and ending["absences"] == 3
        again = await record(sh, ms[2]["id"], entries(mw, unexcused={x}))  # the same sheet submitted twice
        assert again["errors"] == [] and again["absenceActions"] == []
        t = await BuildingHead.get(id=term.id)
        assert (t.status, t.ended_on, t.end_reason) == (TermStatus.ENDED, MONDAYS[2], "UNEXCUSED_ABSENCES")
        ends = await HeadChangeFiling.filter(term_id=term.id, change="END")
        assert [(f.absence_action_id, f.effective_on) for f in ends] == [(_pk(ending["id"]), MONDAYS[2])]
        after = await _rollup(staff, mw)
        assert after["activeBuildingHeads"] == before["activeBuildingHeads"] - 1
        assert after["vacancies"] == before["vacancies"] + 1
        assert "片区2" in await _needs(staff, mw)
        # the ended head is no longer expected at the next meeting
        late = await record(sh, ms[3]["id"], [{"personId": pid(mw.heads[x]), "status": "UNEXCUSED"}])
        assert [e["code"] for e in late["errors"]] == ["ATTENDEE_NOT_EXPECTED"]

        # a correction (the second absence was in fact excused) reverses the ending: the term is active again
        fixed = await record(sh, ms[1]["id"], entries(mw, excused={x}))
        assert [(a["kind"], a["live"], a["id"]) for a in fixed["absenceActions"]] == [("ENDING", False, ending["id"])]
        t = await BuildingHead.get(id=term.id)
        assert (t.status, t.ended_on, t.end_reason) == (TermStatus.ACTIVE, None, None)
        [reinstated] = await HeadChangeFiling.filter(term_id=term.id, change="REINSTATEMENT")
        assert reinstated.absence_action_id == _pk(ending["id"])
        rec = (await sh.gql(ABSENCES, {"t": term_gid}))["absenceRecord"]
        assert (rec["unexcused"], rec["warning"]["id"], rec["ending"], rec["term"]["status"]) == (
            2, warning["id"], None, "ACTIVE")
        assert "片区2" not in await _needs(staff, mw)
        reversed_ = await AbsenceAction.get(id=_pk(ending["id"]))
        assert reversed_.reversed_at is not None and reversed_.reversed_by == "zhanzhang"

        # a third unexcused absence again ends it again: a new action, never two live endings
        fourth = await record(sh, ms[3]["id"], entries(mw, unexcused={x}))
        [ending2] = fourth["absenceActions"]
        assert ending2["kind"] == "ENDING" and ending2["id"] != ending["id"]
        assert await AbsenceAction.filter(term_id=term.id, kind="ENDING", reversed_at__isnull=True).count() == 1
        assert await AbsenceAction.filter(term_id=term.id, kind="ENDING").count() == 2
        assert await AbsenceAction.filter(term_id=term.id, kind="WARNING").count() == 1
        assert sorted(f.change for f in await HeadChangeFiling.filter(term_id=term.id)) == ["END", "END", "REINSTATEMENT"]
        t = await BuildingHead.get(id=term.id)
        assert (t.status, t.ended_on) == (TermStatus.ENDED, MONDAYS[3])

        # corrections that take the count below each threshold reverse what it led to
        cleared = await record(sh, ms[0]["id"], entries(mw))  # 2 left: the ending is reversed, the warning stays
        assert [(a["kind"], a["live"]) for a in cleared["absenceActions"]] == [("ENDING", False)]
        cleared = await record(sh, ms[2]["id"], entries(mw))  # 1 left: the warning is reversed
        assert [(a["kind"], a["live"]) for a in cleared["absenceActions"]] == [("WARNING", False)]
        rec = (await sh.gql(ABSENCES, {"t": term_gid}))["absenceRecord"]
        assert (rec["unexcused"], rec["warning"], rec["ending"], rec["term"]["status"]) == (1, None, None, "ACTIVE")
        assert await AbsenceAction.filter(term_id=term.id, reversed_at__isnull=True).count() == 0
        assert sorted(f.change for f in await HeadChangeFiling.filter(term_id=term.id)) == [
            "END", "END", "REINSTATEMENT", "REINSTATEMENT"]
        # the meeting shows the actions its absences led to, reversed ones too
        shown = await sh.gql("query($id: ID!){ node(id: $id){ ... on Meeting { absenceActions { kind live term { id } } } } }",
                             {"id": ms[2]["id"]})
        assert shown["node"]["absenceActions"] == [{"kind": "ENDING", "live": False, "term": {"id": term_gid}}]
        assert await AuditEntry.filter(action="buildingHeadReinstate").count() == 2
