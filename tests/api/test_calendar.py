"""Chinese working days and public-notice windows through the API (docs/policy.md §5 step 5)."""
from __future__ import annotations

from datetime import date

import pytest

from models.audit import AuditEntry
from models.calendar import WorkingDayYear
from policy.calendar import UnknownYearError, default_calendar
from tests.factory import PASSWORD, build_world

WINDOW = """query($p: Date!, $min: Int! = 5, $max: Int! = 7){ noticeWindow(postedOn: $p, minDays: $min, maxDays: $max){
  window { postedOn firstDay minLastDay maxLastDay confirmableFrom } errors { code field message year day } } }"""

SET = """mutation($i: WorkingDayYearSetInput!){ workingDayYearSet(input: $i){
  workingDayYear { year holidays makeupWorkdays source note } errors { code field message year day } } }"""

YEARS = "{ workingDayYears { year holidays makeupWorkdays source note } }"

# An arrangement for 2029 as an administrator would enter it: New Year Mon 1 Jan;
# Spring Festival Sat 10 – Sun 18 Feb, Sun 4 Feb and Sat 24 Feb worked.
HOLIDAYS_2029 = ["2029-01-01"] + [f"2029-02-{day:02d}" for day in range(10, 19)]
MAKEUP_2029 = ["2029-02-04", "2029-02-24"]


def _d(s: str) -> date:
    return date.fromisoformat(s)


async def test_seeded_arrangement_gives_the_domain_example(api):
    await build_world()
    admin = await api.as_user("admin", PASSWORD)
    data = await admin.gql(WINDOW, {"p": "2025-01-24"})
    assert data["noticeWindow"] == {
        "window": {"postedOn": "2025-01-24", "firstDay": "2025-01-24", "minLastDay": "2025-02-06",
                   "maxLastDay": "2025-02-08", "confirmableFrom": "2025-02-07"},
        "errors": [],
    }
    # a notice posted today (2026, the package's last year) can be counted
    today = await admin.gql(WINDOW, {"p": "2026-11-25"})
    assert today["noticeWindow"]["window"]["confirmableFrom"] == "2026-12-02"
    years = (await admin.gql(YEARS))["workingDayYears"]
    assert [y["year"] for y in years] == default_calendar().known_years()
    assert {y["source"] for y in years} == {"SEED"}
    y2025 = next(y for y in years if y["year"] == 2025)
    assert "2025-01-28" in y2025["holidays"] and y2025["makeupWorkdays"] == ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]


async def test_unknown_year_then_entered_by_the_administrator(api):
    await build_world()
    admin = await api.as_user("admin", PASSWORD)
    unknown = (await admin.gql(WINDOW, {"p": "2029-03-01"}))["noticeWindow"]
    assert unknown["window"] is None
    [err] = unknown["errors"]
    assert err["code"] == "UNKNOWN_YEAR" and err["year"] == 2029 and err["field"] == ["postedOn"]
    assert "2029" in err["message"] and "管理员" in err["message"]
    en = (await admin.gql(WINDOW, {"p": "2029-03-01"}, lang="en"))["noticeWindow"]["errors"][0]
    assert en["message"].startswith("no working-day arrangement for 2029")
    # a notice posted in a known year that runs into an unknown one names that year
    late = (await admin.gql(WINDOW, {"p": "2026-12-29"}))["noticeWindow"]
    assert late["window"] is None and late["errors"][0]["year"] == 2027 and "2027" in late["errors"][0]["message"]

    entered = await admin.gql(SET, {"i": {"year": 2029, "holidays": list(reversed(HOLIDAYS_2029)),
                                          "makeupWorkdays": MAKEUP_2029, "note": " 国办发明电〔2028〕1号 "}})
    assert entered["workingDayYearSet"] == {
        "workingDayYear": {"year": 2029, "holidays": HOLIDAYS_2029, "makeupWorkdays": MAKEUP_2029,
                           "source": "ENTERED", "note": "国办发明电〔2028〕1号"},
        "errors": [],
    }
    # the same question now has an answer: Thu 1, Fri 2, Mon 5, Tue 6, Wed 7 Mar; Thu 8, Fri 9
    ok = (await admin.gql(WINDOW, {"p": "2029-03-01"}))["noticeWindow"]
    assert ok["errors"] == []
    assert ok["window"] == {"postedOn": "2029-03-01", "firstDay": "2029-03-01", "minLastDay": "2029-03-07",
                            "maxLastDay": "2029-03-09", "confirmableFrom": "2029-03-08"}
    # the entered holidays: Thu 8, Fri 9 Feb, (10–18 Feb off), Mon 19, Tue 20, Wed 21; Thu 22, Fri 23
    spring = (await admin.gql(WINDOW, {"p": "2029-02-08"}))["noticeWindow"]["window"]
    assert (spring["minLastDay"], spring["confirmableFrom"], spring["maxLastDay"]) == ("2029-02-21", "2029-02-22", "2029-02-23")
    # posted on a holiday: the first working day after it
    on_holiday = (await admin.gql(WINDOW, {"p": "2029-02-13"}))["noticeWindow"]["window"]
    assert on_holiday["firstDay"] == "2029-02-19"
    # the entered make-up day: Tue 20, Wed 21, Thu 22, Fri 23, Sat 24 Feb; Mon 26, Tue 27
    makeup = (await admin.gql(WINDOW, {"p": "2029-02-20"}))["noticeWindow"]["window"]
    assert (makeup["minLastDay"], makeup["confirmableFrom"], makeup["maxLastDay"]) == ("2029-02-24", "2029-02-25", "2029-02-27")
    makeup_sunday = (await admin.gql(WINDOW, {"p": "2029-02-03", "min": 1, "max": 2}))["noticeWindow"]["window"]
    assert (makeup_sunday["firstDay"], makeup_sunday["maxLastDay"]) == ("2029-02-04", "2029-02-05")
    years = (await admin.gql(YEARS))["workingDayYears"]
    assert years[-1]["year"] == 2029 and years[-1]["source"] == "ENTERED"
    assert 2027 not in [y["year"] for y in years]  # never guessed

    # entering it again replaces the year (one row), and the audit log has both entries
    again = await admin.gql(SET, {"i": {"year": 2029, "holidays": ["2029-01-01", "2029-03-01"], "makeupWorkdays": []}})
    assert again["workingDayYearSet"]["errors"] == []
    assert await WorkingDayYear.filter(year=2029).count() == 1
    moved = (await admin.gql(WINDOW, {"p": "2029-03-01"}))["noticeWindow"]["window"]
    assert moved["firstDay"] == "2029-03-02"
    log = await admin.gql('{ auditEntries(action: "workingDayYearSet") { nodes { actor objectType objectId before after } } }')
    second, first = log["auditEntries"]["nodes"]
    row = await WorkingDayYear.get(year=2029)
    assert first["actor"] == "admin" and first["objectType"] == "WorkingDayYear" and first["objectId"] == str(row.id)
    assert first["before"] is None
    assert first["after"]["year"] == 2029 and first["after"]["holidays"] == HOLIDAYS_2029
    assert first["after"]["makeup_workdays"] == MAKEUP_2029
    assert second["before"]["holidays"] == HOLIDAYS_2029 and second["after"]["holidays"] == ["2029-01-01", "2029-03-01"]


async def test_a_seeded_year_can_be_replaced(api):
    """E.g. the package's last year re-entered with late-December days of the next New Year."""
    await build_world()
    admin = await api.as_user("admin", PASSWORD)
    seeded = default_calendar().arrangement(2025)
    holidays = sorted(d.isoformat() for d in seeded.holidays | {_d("2025-03-10")})  # a Monday off
    res = await admin.gql(SET, {"i": {"year": 2025, "holidays": holidays,
                                      "makeupWorkdays": sorted(d.isoformat() for d in seeded.makeup_workdays)}})
    assert res["workingDayYearSet"]["errors"] == []
    w = (await admin.gql(WINDOW, {"p": "2025-03-07"}))["noticeWindow"]["window"]
    assert w["minLastDay"] == "2025-03-14"  # Fri 7, Tue 11, Wed 12, Thu 13, Fri 14
    years = {y["year"]: y["source"] for y in (await admin.gql(YEARS))["workingDayYears"]}
    assert years[2025] == "ENTERED" and years[2024] == "SEED"
    [entry] = (await admin.gql('{ auditEntries(action: "workingDayYearSet") { nodes { before after } } }'))["auditEntries"]["nodes"]
    assert entry["before"]["source"] == "SEED" and "2025-03-10" not in entry["before"]["holidays"]
    assert "2025-03-10" in entry["after"]["holidays"]


async def test_invalid_arrangement_is_refused_and_nothing_stored(api):
    await build_world()
    admin = await api.as_user("admin", PASSWORD)
    bad = await admin.gql(SET, {"i": {
        "year": 2029,
        "holidays": ["2029-01-01", "2028-12-31", "2029-02-11"],
        "makeupWorkdays": ["2029-02-24", "2029-02-26", "2029-02-11", "2030-01-05"],
    }})
    payload = bad["workingDayYearSet"]
    assert payload["workingDayYear"] is None
    errors = {(e["code"], tuple(e["field"]), e["day"]) for e in payload["errors"]}
    assert errors == {
        ("DATE_OUTSIDE_YEAR", ("input", "holidays", "1"), "2028-12-31"),
        ("DATE_OUTSIDE_YEAR", ("input", "makeupWorkdays", "3"), "2030-01-05"),
        ("MAKEUP_NOT_WEEKEND", ("input", "makeupWorkdays", "1"), "2029-02-26"),
        ("BOTH_HOLIDAY_AND_MAKEUP", ("input", "makeupWorkdays", "2"), "2029-02-11"),
    }
    messages = {e["day"]: e["message"] for e in payload["errors"]}
    assert "2028-12-31" in messages["2028-12-31"] and "2029" in messages["2028-12-31"]
    assert "2029-02-26" in messages["2029-02-26"] and "星期六或星期日" in messages["2029-02-26"]
    en = await admin.gql(SET, {"i": {"year": 2029, "holidays": [], "makeupWorkdays": ["2029-02-26"]}}, lang="en")
    [e] = en["workingDayYearSet"]["errors"]
    assert e["message"] == "make-up working days are Saturdays or Sundays; 2029-02-26 is not"
    assert e["field"] == ["input", "makeupWorkdays", "0"]
    too_long = await admin.gql(SET, {"i": {"year": 2029, "holidays": [], "makeupWorkdays": [], "note": "x" * 201}})
    assert too_long["workingDayYearSet"]["errors"][0]["code"] == "TOO_LONG"
    bad_year = await admin.gql(SET, {"i": {"year": 0, "holidays": [], "makeupWorkdays": []}})
    assert bad_year["workingDayYearSet"]["errors"][0]["field"] == ["input", "year"]
    assert await WorkingDayYear.all().count() == 0
    assert await AuditEntry.filter(action="workingDayYearSet").count() == 0
    still = (await admin.gql(WINDOW, {"p": "2029-03-01"}))["noticeWindow"]
    assert still["errors"][0]["code"] == "UNKNOWN_YEAR"


async def test_notice_lengths_are_checked(api):
    await build_world()
    admin = await api.as_user("admin", PASSWORD)
    for lo, hi, field in ((0, 7, "minDays"), (6, 5, "maxDays"), (5, 100_000, "maxDays")):
        res = (await admin.gql(WINDOW, {"p": "2025-03-03", "min": lo, "max": hi}))["noticeWindow"]
        assert res["window"] is None
        assert res["errors"][0]["code"] == "INVALID_LENGTH" and res["errors"][0]["field"] == [field]


async def test_only_an_administrator_sets_a_year(api):
    await build_world()
    officer = await api.as_user("cuiyuan", PASSWORD)
    body = await officer.raw(SET, {"i": {"year": 2029, "holidays": HOLIDAYS_2029, "makeupWorkdays": MAKEUP_2029}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    office = await api.as_user("district", PASSWORD)
    body = await office.raw(SET, {"i": {"year": 2029, "holidays": HOLIDAYS_2029, "makeupWorkdays": MAKEUP_2029}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await api.raw(SET, {"i": {"year": 2029, "holidays": [], "makeupWorkdays": []}}, token="")
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await WorkingDayYear.all().count() == 0
    # anyone logged in may read the calendar and count a notice
    ok = await officer.gql(WINDOW, {"p": "2025-01-24"})
    assert ok["noticeWindow"]["window"]["confirmableFrom"] == "2025-02-07"
    anonymous = await api.raw(WINDOW, {"p": "2025-01-24"}, token="")
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# --- load_calendar: the seed overlaid with the stored years --------------------------------------


async def test_load_calendar_overlays_stored_years_in_one_query(database, sql_counter):
    from grassroots import db
    from resolvers.calendar import load_calendar

    await db.start(database[0])
    try:
        seed = default_calendar()
        cal = await load_calendar()
        assert cal.known_years() == seed.known_years()
        # a stored year replaces the seed's year as a whole (not merged), a new year is added
        await WorkingDayYear.create(year=2025, holidays=["2025-03-10"], makeup_workdays=[])
        await WorkingDayYear.create(year=2029, holidays=["2029-01-01"], makeup_workdays=["2029-02-24"], note="x")
        sql_counter.count = 0
        cal = await load_calendar()
        assert sql_counter.count == 1
        assert cal.known_years() == seed.known_years() + [2029]
        assert not cal.is_working_day(_d("2025-03-10"))
        assert cal.is_working_day(_d("2025-01-28"))  # Spring Festival of the seed: replaced
        assert not cal.is_working_day(_d("2025-01-26"))  # the seed's make-up Sunday: replaced
        assert cal.arrangement(2024) == seed.arrangement(2024)
        assert not cal.is_working_day(_d("2029-01-01")) and cal.is_working_day(_d("2029-02-24"))
        with pytest.raises(UnknownYearError):
            cal.is_working_day(_d("2028-06-01"))
    finally:
        await db.stop()
