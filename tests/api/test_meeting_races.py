"""Absences raced: 20 concurrent copies of the same attendance submission through the HTTP API.

On PostgreSQL (GRASSROOTS_TEST_BACKEND=postgres) the copies really run at once: the meeting row
and then the touched terms (in id order) are locked before counting, and the partial unique
indexes (one live action of each kind per term, one filing per action and change) are the
backstop. On SQLite, which serialises writers, the same test sends the copies one after another.
Either way: exactly one live action, filings consistent with it, never a raw database error."""
from __future__ import annotations

import asyncio

from models.meetings import AbsenceAction
from models.recruitment import BuildingHead, HeadChangeFiling
from policy.kinds import TermStatus
from resolvers.clock import fixed_today
from tests.api.test_meetings import (
    MONDAYS, RECORD_SHORT, TODAY, MeetingWorld, create_meeting, entries, meeting_world, record,
)
from tests.conftest import BACKEND
from tests.factory import PASSWORD

N = 20
TYPED = {"ATTENDANCE_RACED", "ABSENCE_ACTION_RACED"}  # what a loser of a lost race may get, typed


async def _send_all(api, meeting_id: str, items: list[dict], n: int = N) -> list[dict]:
    async def one(_: int) -> dict:
        body = await api.raw(RECORD_SHORT, {"i": {"meetingId": meeting_id, "entries": items}})
        assert not body.get("errors"), body  # never a GraphQL (raw) error
        return body["data"]["attendanceRecord"]

    if BACKEND == "postgres":
        return list(await asyncio.gather(*(one(i) for i in range(n))))
    return [await one(i) for i in range(n)]


def _outcomes(payloads: list[dict]) -> list[dict]:
    for p in payloads:
        assert {e["code"] for e in p["errors"]} <= TYPED, p
    return [a for p in payloads if not p["errors"] for a in p["absenceActions"]]


async def _consistent(term_id: int) -> tuple[int, TermStatus]:
    """Live endings, and the term's status; checks the filings agree with the actions."""
    live_endings = await AbsenceAction.filter(term_id=term_id, kind="ENDING", reversed_at__isnull=True).count()
    assert live_endings <= 1
    all_endings = await AbsenceAction.filter(term_id=term_id, kind="ENDING").order_by("id")
    filings = await HeadChangeFiling.filter(term_id=term_id).order_by("id")
    ends = [f.absence_action_id for f in filings if f.change == "END"]
    back = [f.absence_action_id for f in filings if f.change == "REINSTATEMENT"]
    assert ends == [a.id for a in all_endings]  # one END filing per ending
    assert back == [a.id for a in all_endings if a.reversed_at is not None]  # one REINSTATEMENT per reversal
    t = await BuildingHead.get(id=term_id)
    assert t.status == (TermStatus.ENDED if live_endings else TermStatus.ACTIVE)
    return live_endings, t.status


async def _two_absences(api) -> tuple[MeetingWorld, object, list[dict], int]:
    mw = await meeting_world(heads=3)
    sh = await api.as_user("zhanzhang", PASSWORD)
    ms = [await create_meeting(sh, mw, d) for d in MONDAYS]
    for m in ms[:2]:
        await record(sh, m["id"], entries(mw, unexcused={1}))
    return mw, sh, ms, mw.terms[1].id


async def test_twenty_copies_of_the_ending_and_of_its_correction_act_once(api):
    with fixed_today(TODAY):
        mw, sh, ms, term_id = await _two_absences(api)

        # the third unexcused absence, submitted 20 times at once: one ending
        done = _outcomes(await _send_all(sh, ms[2]["id"], entries(mw, unexcused={1})))
        assert [(a["kind"], a["live"]) for a in done] == [("ENDING", True)]
        assert await _consistent(term_id) == (1, TermStatus.ENDED)
        assert await HeadChangeFiling.filter(term_id=term_id, change="END").count() == 1

        # the correction (the second absence was excused), submitted 20 times at once: one reversal
        done = _outcomes(await _send_all(sh, ms[1]["id"], entries(mw, excused={1})))
        assert [(a["kind"], a["live"]) for a in done] == [("ENDING", False)]
        assert await _consistent(term_id) == (0, TermStatus.ACTIVE)
        assert await HeadChangeFiling.filter(term_id=term_id, change="REINSTATEMENT").count() == 1
        assert await AbsenceAction.filter(term_id=term_id, kind="WARNING", reversed_at__isnull=True).count() == 1


async def test_a_correction_racing_a_new_absence_leaves_the_count_and_the_actions_in_step(api):
    with fixed_today(TODAY):
        mw, sh, ms, term_id = await _two_absences(api)
        # ten copies correct the first absence while ten record a new one at another meeting
        correct = {"meetingId": ms[0]["id"], "entries": entries(mw)}
        absent = {"meetingId": ms[2]["id"], "entries": entries(mw, unexcused={1})}

        async def one(i: int) -> dict:
            body = await sh.raw(RECORD_SHORT, {"i": correct if i % 2 else absent})
            assert not body.get("errors"), body
            return body["data"]["attendanceRecord"]

        if BACKEND == "postgres":
            payloads = list(await asyncio.gather(*(one(i) for i in range(N))))
        else:
            payloads = [await one(i) for i in range(N)]
        _outcomes(payloads)
        # whatever the order, two unexcused absences remain: a live warning and no live ending
        assert await _consistent(term_id) == (0, TermStatus.ACTIVE)
        assert await AbsenceAction.filter(term_id=term_id, kind="WARNING", reversed_at__isnull=True).count() == 1
