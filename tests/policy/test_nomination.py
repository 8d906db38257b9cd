"""Resident nomination signatures (docs/policy.md §5, A3-§3.1, as updated: signatures that do not
count are warnings; the nomination stands when at least 10 count)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy.nomination import Signer, count_signatures
from resolvers.messages import render

NOMINEE = 1
BUILDING = 7


def residents(n: int, start: int = 100) -> list[Signer]:
    return [Signer(person_id=start + i, building_id=BUILDING) for i in range(n)]


def warned(tally) -> list[tuple[int, str]]:
    return [(w.index, w.code) for w in tally.warnings]


def test_ten_residents_of_the_building_suffice() -> None:
    t = count_signatures(NOMINEE, BUILDING, residents(10))
    assert t.accepted and t.warnings == () and len(t.counted) == 10


def test_nine_are_too_few() -> None:
    t = count_signatures(NOMINEE, BUILDING, residents(9))
    assert not t.accepted and t.warnings == ()
    assert "9 valid" in render("TOO_FEW_SIGNERS", "en", t.shortfall) and "at least 10" in render("TOO_FEW_SIGNERS", "en", t.shortfall)
    assert "9人" in render("TOO_FEW_SIGNERS", "zh", t.shortfall) and "10人" in render("TOO_FEW_SIGNERS", "zh", t.shortfall)


def test_ten_valid_and_a_repeat_are_accepted_with_a_warning() -> None:
    t = count_signatures(NOMINEE, BUILDING, [*residents(10), residents(1)[0]])
    assert t.accepted and len(t.counted) == 10
    assert warned(t) == [(10, "SIGNER_DUPLICATE")]


def test_a_repeat_counts_once() -> None:
    t = count_signatures(NOMINEE, BUILDING, residents(9) + [residents(1)[0]])  # 10 lines, 9 people
    assert not t.accepted and warned(t) == [(9, "SIGNER_DUPLICATE")]


def test_every_kind_of_signature_that_does_not_count() -> None:
    t = count_signatures(NOMINEE, BUILDING, [
        Signer(NOMINEE, BUILDING), None, Signer(200, 8), Signer(201, None), *residents(10), residents(1)[0],
    ])
    assert t.accepted
    assert warned(t) == [(0, "SIGNER_IS_NOMINEE"), (1, "SIGNER_UNKNOWN"), (2, "SIGNER_OTHER_BUILDING"),
                         (3, "SIGNER_OTHER_BUILDING"), (14, "SIGNER_DUPLICATE")]


def test_warnings_name_the_position_not_the_person_or_the_building() -> None:
    t = count_signatures(NOMINEE, BUILDING, [Signer(200, 8), None, *residents(3)])
    other, unknown = t.warnings
    assert "第1个" in render(other.code, "zh", other.params) and "#1" in render(other.code, "en", other.params)
    assert "第2个" in render(unknown.code, "zh", unknown.params) and "#2" in render(unknown.code, "en", unknown.params)
    for w in t.warnings:
        for text in (render(w.code, "zh", w.params), render(w.code, "en", w.params)):
            assert "200" not in text and "8" not in text and str(BUILDING) not in text


def test_a_nominee_without_a_building_has_no_valid_signature() -> None:
    t = count_signatures(NOMINEE, None, residents(10))
    assert not t.accepted and {c for _, c in warned(t)} == {"SIGNER_OTHER_BUILDING"}


def test_custom_minimum() -> None:
    assert count_signatures(NOMINEE, BUILDING, residents(3), minimum=3).accepted
    t = count_signatures(NOMINEE, BUILDING, residents(3), minimum=5)
    assert not t.accepted and "3 valid" in render("TOO_FEW_SIGNERS", "en", t.shortfall) and "at least 5" in render("TOO_FEW_SIGNERS", "en", t.shortfall)
    with pytest.raises(ValueError):
        count_signatures(NOMINEE, BUILDING, residents(3), minimum=0)


def test_the_nominee_signing_twice_is_reported_as_nominee_each_time() -> None:
    me = Signer(NOMINEE, BUILDING)
    t = count_signatures(NOMINEE, BUILDING, [me, *residents(10), me])
    assert warned(t) == [(0, "SIGNER_IS_NOMINEE"), (11, "SIGNER_IS_NOMINEE")]


# a person lives in one building (or none recorded): derived from the id
signer = st.one_of(st.none(), st.integers(1, 30).map(lambda i: Signer(i, (BUILDING, 8, None)[i % 3])))


@settings(max_examples=300, deadline=None)
@given(st.lists(signer, max_size=40), st.integers(1, 12))
def test_every_signature_either_counts_or_is_warned_about(signers, minimum) -> None:
    t = count_signatures(NOMINEE, BUILDING, signers, minimum=minimum)
    assert len(t.counted) + len(t.warnings) == len(signers)
    assert len(set(t.counted)) == len(t.counted) and NOMINEE not in t.counted
    assert sorted(w.index for w in t.warnings) == [w.index for w in t.warnings]
    assert t.accepted == (len(t.counted) >= minimum)
    valid = {s.person_id for s in signers if s is not None and s.building_id == BUILDING and s.person_id != NOMINEE}
    assert set(t.counted) == valid
