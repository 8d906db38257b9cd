"""Resident nomination signers (docs/policy.md §5, A3-§3.1)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy.nomination import Signer, SignerProblem, check_signers, valid_signer_ids

NOMINEE = 1
BUILDING = 7


def residents(n: int, start: int = 100) -> list[Signer]:
    return [Signer(person_id=start + i, name=f"居民{start + i}", building_id=BUILDING) for i in range(n)]


def codes(ps: list[SignerProblem]) -> list[str]:
    return [p.code for p in ps]


def test_ten_residents_of_the_building_suffice() -> None:
    assert check_signers(NOMINEE, BUILDING, residents(10)) == []
    assert len(valid_signer_ids(NOMINEE, BUILDING, residents(10))) == 10


def test_nine_are_too_few() -> None:
    [p] = check_signers(NOMINEE, BUILDING, residents(9))
    assert p.code == "TOO_FEW_SIGNERS"
    assert p.person_id is None
    assert "9" in p.message_en and "10" in p.message_en
    assert "9人" in p.message_zh and "10人" in p.message_zh


def test_duplicate_counts_once() -> None:
    signers = residents(9) + [residents(1)[0]]  # 10 lines, 9 people
    ps = check_signers(NOMINEE, BUILDING, signers)
    assert codes(ps) == ["SIGNER_DUPLICATE", "TOO_FEW_SIGNERS"]
    assert ps[0].person_id == 100
    assert "居民100" in ps[0].message_zh and "居民100" in ps[0].message_en


def test_nominee_cannot_sign_for_themselves() -> None:
    me = Signer(NOMINEE, "王芳", BUILDING)
    ps = check_signers(NOMINEE, BUILDING, [me, *residents(10)])
    assert codes(ps) == ["SIGNER_IS_NOMINEE"]
    assert ps[0].person_id == NOMINEE
    assert "王芳" in ps[0].message_zh and "王芳" in ps[0].message_en


def test_signer_from_another_building_is_named() -> None:
    other = Signer(200, "李强", 8)
    unknown = Signer(201, "赵敏", None)
    ps = check_signers(NOMINEE, BUILDING, [*residents(9), other, unknown])
    assert codes(ps) == ["SIGNER_OTHER_BUILDING", "SIGNER_OTHER_BUILDING", "TOO_FEW_SIGNERS"]
    assert ps[0].person_id == 200 and "李强" in ps[0].message_zh and "李强" in ps[0].message_en
    assert "#8" in ps[0].message_en and "#7" in ps[0].message_en
    assert ps[1].person_id == 201 and "赵敏" in ps[1].message_en and "no recorded building" in ps[1].message_en
    assert "9 valid" in ps[2].message_en


def test_per_signer_problems_without_too_few_when_enough_remain() -> None:
    ps = check_signers(NOMINEE, BUILDING, [*residents(10), Signer(300, "外楼", 9), residents(1)[0]])
    assert codes(ps) == ["SIGNER_OTHER_BUILDING", "SIGNER_DUPLICATE"]


def test_custom_minimum() -> None:
    assert check_signers(NOMINEE, BUILDING, residents(3), minimum=3) == []
    [p] = check_signers(NOMINEE, BUILDING, residents(3), minimum=5)
    assert p.code == "TOO_FEW_SIGNERS" and "3 valid" in p.message_en and "at least 5" in p.message_en
    with pytest.raises(ValueError):
        check_signers(NOMINEE, BUILDING, residents(3), minimum=0)


def test_nominee_signing_twice_is_reported_as_nominee_each_time() -> None:
    me = Signer(NOMINEE, "王芳", BUILDING)
    assert codes(check_signers(NOMINEE, BUILDING, [me, *residents(10), me])) == [
        "SIGNER_IS_NOMINEE",
        "SIGNER_IS_NOMINEE",
    ]


def test_empty_list() -> None:
    assert codes(check_signers(NOMINEE, BUILDING, [])) == ["TOO_FEW_SIGNERS"]


# People live in one building each (None: unknown); signature lists draw from them.
people = st.dictionaries(
    keys=st.integers(min_value=1, max_value=30),
    values=st.one_of(st.none(), st.sampled_from([BUILDING, BUILDING, BUILDING, 8])),
    min_size=1,
)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), building_of=people, minimum=st.integers(min_value=1, max_value=12))
def test_signer_properties(data: st.DataObject, building_of: dict[int, int | None], minimum: int) -> None:
    ids = data.draw(st.lists(st.sampled_from(sorted(building_of)), max_size=25))
    signers = [Signer(i, f"p{i}", building_of[i]) for i in ids]
    ps = check_signers(NOMINEE, BUILDING, signers, minimum)
    per_signer = [p for p in ps if p.person_id is not None]
    expected_valid = {i for i in ids if i != NOMINEE and building_of[i] == BUILDING}
    # each signature line either counts or has exactly one problem
    assert len(per_signer) + len(expected_valid) == len(signers)
    assert set(valid_signer_ids(NOMINEE, BUILDING, signers)) == expected_valid
    assert ("TOO_FEW_SIGNERS" in codes(ps)) == (len(expected_valid) < minimum)
    others = [i for i in ids if i != NOMINEE]
    assert sum(p.code == "SIGNER_DUPLICATE" for p in ps) == len(others) - len(set(others))
    assert sum(p.code == "SIGNER_IS_NOMINEE" for p in ps) == ids.count(NOMINEE)
    for p in per_signer:
        assert f"p{p.person_id}" in p.message_zh and f"p{p.person_id}" in p.message_en
