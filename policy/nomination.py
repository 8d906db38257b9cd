"""Resident nomination of a building-head candidate (docs/policy.md §5, A3-§3.1). Pure: no I/O.

At least ``minimum`` (10) residents of the nominee's building sign; a signer
counts once, must live in that building and cannot be the nominee.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Signer", "SignerProblem", "check_signers", "valid_signer_ids"]


@dataclass(frozen=True)
class Signer:
    """One signature line: who signed and the building they live in (None: unknown)."""

    person_id: int
    name: str
    building_id: int | None


@dataclass(frozen=True)
class SignerProblem:
    """Why a signature does not count, or (person_id None) why the whole list fails."""

    code: str
    person_id: int | None
    message_zh: str
    message_en: str


def _classify(nominee_id: int, building_id: int, signers: Sequence[Signer]) -> tuple[list[SignerProblem], list[int]]:
    problems: list[SignerProblem] = []
    valid: list[int] = []
    seen: set[int] = set()
    for s in signers:
        who_zh = f"{s.name}（编号{s.person_id}）"
        who_en = f"{s.name} (#{s.person_id})"
        if s.person_id == nominee_id:
            problems.append(SignerProblem(
                "SIGNER_IS_NOMINEE", s.person_id,
                f"签名人{who_zh}是被推荐人本人，不能为自己签名",
                f"signer {who_en} is the nominee and cannot sign for themselves",
            ))
        elif s.person_id in seen:
            problems.append(SignerProblem(
                "SIGNER_DUPLICATE", s.person_id,
                f"签名人{who_zh}重复签名，只计一次",
                f"signer {who_en} signed more than once; counted once",
            ))
        elif s.building_id != building_id:
            where_zh = "未登记居住楼栋" if s.building_id is None else f"居住在其他楼栋（编号{s.building_id}）"
            where_en = "has no recorded building" if s.building_id is None else f"lives in another building (#{s.building_id})"
            problems.append(SignerProblem(
                "SIGNER_OTHER_BUILDING", s.person_id,
                f"签名人{who_zh}{where_zh}，不是本楼栋（编号{building_id}）居民",
                f"signer {who_en} {where_en}, not in building #{building_id}",
            ))
        else:
            valid.append(s.person_id)
        seen.add(s.person_id)
    return problems, valid


def valid_signer_ids(nominee_id: int, building_id: int, signers: Sequence[Signer]) -> list[int]:
    """Ids of the signatures that count, in signing order."""
    return _classify(nominee_id, building_id, signers)[1]


def check_signers(
    nominee_id: int, building_id: int, signers: Sequence[Signer], minimum: int = 10
) -> list[SignerProblem]:
    """Problems with a resident nomination (empty: valid), docs/policy.md §5 A3-§3.1.

    One problem per signature that does not count (priority: is the nominee,
    duplicate, other building), then TOO_FEW_SIGNERS when fewer than
    ``minimum`` signatures count. ValueError if minimum < 1.
    """
    if minimum < 1:
        raise ValueError(f"minimum must be at least 1, got {minimum}")
    problems, valid = _classify(nominee_id, building_id, signers)
    if len(valid) < minimum:
        problems.append(SignerProblem(
            "TOO_FEW_SIGNERS", None,
            f"有效签名{len(valid)}人，少于本楼栋居民至少{minimum}人联名的要求",
            f"{len(valid)} valid signers; at least {minimum} residents of the building are required",
        ))
    return problems
