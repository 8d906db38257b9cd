"""The workstation's ledger (台账) through the API: mixed records newest first, keyset pages without
gaps or repeats, filters by kind and dates, scope (out of scope is missing), no personal data.

The helpers here (people, service areas, terms, records) are shared by the other read-side tests
(test_duty_figures, test_week, test_boards)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from grassroots.demo import create_user
from models.duties import Household, HouseholdVisit, Inspection
from models.meetings import Concern, Meeting
from models.people import Person
from models.recruitment import BuildingHead
from models.requests import Incident, ResidentRequest
from models.tree import Node, ServiceArea
from models.workstations import Workstation
from policy.idnumber import parse_id_number
from policy.kinds import HeadKind, Role, TermStatus
from policy.meetings import MeetingKind, week_of
from policy.requests import EscalationLevel, RequestChannel
from resolvers.clock import SHANGHAI
from schema.common import to_global_id
from tests.factory import PASSWORD, build_world, id_number

D = date

# ---------------------------------------------------------------- shared helpers


async def make_person(home: Node, name: str, seq: str, phone: str | None = None, birth: str = "19700101") -> Person:
    idn = id_number(birth=birth, seq=seq)
    r = parse_id_number(idn)
    return await Person.create(name=name, gender=r.gender, id_number=idn, birth_date=r.birth_date, phone=phone,
                               home_id=home.id, path=home.path)


async def make_area(container: Node, name: str, buildings: list[Node]) -> ServiceArea:
    area = await ServiceArea.create(container_id=container.id, name=name, path=container.path)
    await Node.filter(id__in=[b.id for b in buildings]).update(service_area_id=area.id)
    return area


async def make_term(person: Person, area: ServiceArea, starts_on: date, ended_on: date | None = None,
                    public_phone: str | None = None) -> BuildingHead:
    return await BuildingHead.create(
        person_id=person.id, service_area_id=area.id, path=area.path, kind=HeadKind.BUILDING_HEAD,
        status=TermStatus.ENDED if ended_on else TermStatus.ACTIVE, starts_on=starts_on, ends_on=D(2030, 12, 31),
        ended_on=ended_on, public_phone=public_phone)


async def user(username: str, role: Role, node: Node) -> str:
    await create_user(username, username, PASSWORD, [(role, node)])
    return username


async def meeting(ws: Workstation, kind: MeetingKind, held_on: date, recorded: bool = True) -> Meeting:
    return await Meeting.create(workstation_id=ws.id, path=ws.path, kind=kind, week_of=week_of(held_on),
                                monthly=kind == MeetingKind.BUILDING_HEADS and held_on.day <= 7, held_on=held_on,
                                attendance_recorded_at=datetime.now(SHANGHAI) if recorded else None)


async def concern(ws: Workstation, m: Meeting, title: str, raised_on: date, **kw) -> Concern:
    return await Concern.create(meeting_id=m.id, workstation_id=ws.id, path=ws.path, title=title, owner="物业",
                                deadline=kw.pop("deadline", raised_on + timedelta(days=14)), raised_on=raised_on, **kw)


async def request(ws: Workstation | None, building: Node, title: str, raised_on: date,
                  channel: RequestChannel = RequestChannel.RESIDENT, **kw) -> ResidentRequest:
    return await ResidentRequest.create(
        building_id=building.id, path=building.path, district_id=int(building.path.split("/")[1]),
        workstation_id=ws.id if ws else None, service_area_id=building.service_area_id, channel=channel,
        title=title, raised_on=raised_on, recorded_by="test", **kw)


async def inspection(ws: Workstation, building: Node, on: date, term: BuildingHead | None = None) -> Inspection:
    return await Inspection.create(building_id=building.id, path=building.path, workstation_id=ws.id,
                                   term_id=term.id if term else None, inspected_on=on, recorded_by="test")


async def household(ws: Workstation, building: Node, door: str, **kw) -> Household:
    return await Household.create(building_id=building.id, path=building.path, workstation_id=ws.id,
                                  door_number=door, **kw)


async def visit(ws: Workstation, h: Household, on: date, term: BuildingHead | None = None) -> HouseholdVisit:
    return await HouseholdVisit.create(household_id=h.id, path=h.path, workstation_id=ws.id,
                                       term_id=term.id if term else None, visited_on=on, occupants=2,
                                       vulnerable_members=0, recorded_by="test")


async def incident(ws: Workstation, building: Node, title: str, on: date, **kw) -> Incident:
    return await Incident.create(building_id=building.id, path=building.path, workstation_id=ws.id, title=title,
                                 reported_on=on, reported_at=datetime(on.year, on.month, on.day, 9, tzinfo=SHANGHAI),
                                 level=EscalationLevel.STATION, recorded_by="test", **kw)


# ---------------------------------------------------------------- the ledger

LEDGER = """query($w: ID!, $k: [LedgerKind!], $f: Date, $t: Date, $n: Int, $a: String){
  ledger(workstationId: $w, kinds: $k, from: $f, to: $t, first: $n, after: $a){
    edges { cursor node { kind date title recordId } } pageInfo { hasNextPage endCursor } } }"""
RANK = {"MEETING": 0, "CONCERN": 1, "REQUEST": 2, "WORK_ORDER": 3, "INSPECTION": 4, "VISIT": 5, "INCIDENT": 6}


async def _mixed_ledger(w):
    """Records of every kind at workstation A, several on one day, and some at B."""
    ws = await Workstation.get(compound_id=w.compound_a.id)
    other = await Workstation.get(compound_id=w.compound_b.id)
    b1, b2 = w.buildings_a[0], w.buildings_a[1]
    expected: list[tuple[str, date, str, str]] = []  # (kind, date, type, pk)

    def add(kind: str, on: date, type_name: str, pk: int) -> None:
        expected.append((kind, on, type_name, pk))

    for i, start in enumerate((D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16))):
        m = await meeting(ws, MeetingKind.WORKSTATION, start)
        add("MEETING", start, "Meeting", m.id)
        m2 = await meeting(ws, MeetingKind.BUILDING_HEADS, start)
        add("MEETING", start, "Meeting", m2.id)
        c = await concern(ws, m, f"楼道堆物{i}", start)
        add("CONCERN", start, "Concern", c.id)
    for day in (D(2026, 3, 2), D(2026, 3, 5), D(2026, 3, 5), D(2026, 3, 9)):
        r = await request(ws, b1, "电梯异响", day, resident_name="王秀英", resident_phone="13912345678")
        add("REQUEST", day, "ResidentRequest", r.id)
        o = await request(ws, b2, "路灯不亮", day, RequestChannel.HOTLINE, ticket_number=f"12345-{r.id}",
                          resident_name="李桂兰")
        add("WORK_ORDER", day, "ResidentRequest", o.id)
        i = await inspection(ws, b1, day)
        add("INSPECTION", day, "Inspection", i.id)
    h = await household(ws, b1, "1-502", contact_name="赵建国", contact_phone="13700001111")
    for day in (D(2026, 3, 3), D(2026, 3, 5), D(2026, 3, 5), D(2026, 3, 16), D(2026, 3, 17)):
        v = await visit(ws, h, day)
        add("VISIT", day, "HouseholdVisit", v.id)
    for day in (D(2026, 3, 5), D(2026, 3, 17)):
        x = await incident(ws, b2, "独居老人摔倒", day)
        add("INCIDENT", day, "Incident", x.id)
    # workstation B's records never show in A's ledger
    await meeting(other, MeetingKind.WORKSTATION, D(2026, 3, 5))
    await inspection(other, w.building_b, D(2026, 3, 5))
    expected.sort(key=lambda e: (-e[1].toordinal(), RANK[e[0]], -e[3]))
    return ws, [(k, d.isoformat(), to_global_id(t, pk)) for k, d, t, pk in expected]


async def _all_pages(client, ws, size: int, **filters) -> tuple[list[tuple[str, str, str]], list[dict], int]:
    got, nodes, pages, after = [], [], 0, None
    while True:
        data = await client.gql(LEDGER, {"w": to_global_id("Workstation", ws.id), "n": size, "a": after, **filters})
        page = data["ledger"]
        pages += 1
        got += [(e["node"]["kind"], e["node"]["date"], e["node"]["recordId"]) for e in page["edges"]]
        nodes += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return got, nodes, pages
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
        assert pages < 100


async def test_the_ledger_pages_through_mixed_records_newest_first_without_gaps_or_repeats(api):
    w = await build_world()
    ws, expected = await _mixed_ledger(w)
    staff = await api.as_user("cuiyuan", PASSWORD)
    for size in (1, 3, 7, 100):
        got, nodes, pages = await _all_pages(staff, ws, size)
        assert got == expected, size
        assert pages == -(-len(expected) // size) or (len(expected) % size == 0 and pages == len(expected) // size + 1)
    assert len(set(got)) == len(got) == 28
    titles = {n["kind"]: n["title"] for n in nodes}
    assert titles["MEETING"] in ("工作站例会", "楼栋长例会")
    assert titles["INSPECTION"] == "1栋 楼栋巡查" and titles["VISIT"] == "1栋 入户走访"
    assert titles["WORK_ORDER"].startswith("12345-") and titles["WORK_ORDER"].endswith("路灯不亮")
    # personal data of residents never reaches a ledger summary
    body = str(await staff.raw(LEDGER, {"w": to_global_id("Workstation", ws.id), "n": 100}))
    for secret in ("王秀英", "李桂兰", "13912345678", "赵建国", "13700001111", "1-502"):
        assert secret not in body


async def test_the_ledger_filters_by_kind_and_date_range(api):
    w = await build_world()
    ws, expected = await _mixed_ledger(w)
    staff = await api.as_user("cuiyuan", PASSWORD)
    got, _, _ = await _all_pages(staff, ws, 2, k=["VISIT", "WORK_ORDER"])
    assert got == [e for e in expected if e[0] in ("VISIT", "WORK_ORDER")] and len(got) == 9
    got, _, _ = await _all_pages(staff, ws, 4, f="2026-03-05", t="2026-03-09")
    assert got == [e for e in expected if "2026-03-05" <= e[1] <= "2026-03-09"] and got
    got, _, _ = await _all_pages(staff, ws, 4, k=["INCIDENT"], f="2026-03-06")
    assert [e[1] for e in got] == ["2026-03-17"]
    empty = await staff.gql(LEDGER, {"w": to_global_id("Workstation", ws.id), "f": "2026-04-01", "t": "2026-03-01"})
    assert empty["ledger"]["edges"] == [] and not empty["ledger"]["pageInfo"]["hasNextPage"]


async def test_the_ledger_refuses_an_out_of_scope_workstation_like_a_missing_one(api):
    w = await build_world()
    ws, _ = await _mixed_ledger(w)
    other = await api.as_user("jinhua", PASSWORD)  # community B's staff
    out = await other.raw(LEDGER, {"w": to_global_id("Workstation", ws.id)})
    missing = await other.raw(LEDGER, {"w": to_global_id("Workstation", 999999)})
    assert out["data"] is None and missing["data"] is None
    assert [(e["extensions"]["code"], e["message"]) for e in out["errors"]] == \
        [(e["extensions"]["code"], e["message"]) for e in missing["errors"]]
    assert out["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "电梯" not in str(out)
    # a station head of compound A reads it; anonymous callers are refused before anything runs
    head = await api.as_user(await user("zhanzhang", Role.STATION_HEAD, w.compound_a), PASSWORD)
    assert (await head.gql(LEDGER, {"w": to_global_id("Workstation", ws.id), "n": 1}))["ledger"]["edges"]
    anon = await api.raw(LEDGER, {"w": to_global_id("Workstation", ws.id)}, token="")
    assert anon["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_bad_cursor_or_page_size_is_a_typed_input_error(api):
    w = await build_world()
    ws = await Workstation.get(compound_id=w.compound_a.id)
    staff = await api.as_user("cuiyuan", PASSWORD)
    for variables in ({"a": "bm9wZQ"}, {"a": "o:3"}, {"n": 101}, {"n": -1}):
        body = await staff.raw(LEDGER, {"w": to_global_id("Workstation", ws.id), **variables})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
        assert "Traceback" not in str(body)


def test_a_deep_page_walks_each_kind_from_the_cursor_without_offset() -> None:
    """The cursor, not an offset: a deep page's statement is as small as the first's (kinds ranked
    before the cursor's start strictly below its date, its own kind below (date, id))."""
    from resolvers.ledger import ledger_sql

    deep = ledger_sql(["MEETING", "VISIT"], bounded_from=False, bounded_to=False, cursor=(D(2026, 3, 5), 5, 10),
                      sqlite=False)
    assert "OFFSET" not in deep.upper()
    assert "(t.visited_on, t.id) < ($5, $6)" in deep and "t.held_on < $2" in deep
    assert deep.count("LIMIT") == 3
