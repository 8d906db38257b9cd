"""Resident nomination of a building-head candidate (docs/policy.md §5, A3-§3.1). Pure: no I/O.

At least ``minimum`` (10) residents of the nominee's building sign; a signer counts
once, must live in that building and cannot be the nominee. Signatures that do not
count are warnings, not refusals: the nomination is accepted when at least
``minimum`` signatures count. A signature is named by its position in the list,
never by the signer's name or building: an unknown signer and one outside the
caller's scope are the same (``None``) and look the same.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Signer", "SignerWarning", "Tally", "count_signatures"]


@dataclass(frozen=True)
class Signer:
    """A known signer: who and the building they live in (None: no building recorded)."""

    person_id: int
    building_id: int | None


@dataclass(frozen=True)
class SignerWarning:
    """Why the signature at ``index`` (0-based, in signing order) does not count."""

    index: int
    code: str  # SIGNER_UNKNOWN, SIGNER_IS_NOMINEE, SIGNER_DUPLICATE, SIGNER_OTHER_BUILDING
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class Tally:
    counted: tuple[int, ...]  # person ids of the signatures that count, in signing order
    warnings: tuple[SignerWarning, ...]
    minimum: int

    @property
    def accepted(self) -> bool:
        return len(self.counted) >= self.minimum

    @property
    def shortfall_zh(self) -> str:
        return f"有效签名{len(self.counted)}人，少于本楼栋居民至少{self.minimum}人联名的要求"

    @property
    def shortfall_en(self) -> str:
        return f"{len(self.counted)} valid signers; at least {self.minimum} residents of the building are required"


_WHY = {
    "SIGNER_UNKNOWN": ("查无此人或不在您的管理范围内", "is unknown or outside your scope"),
    "SIGNER_IS_NOMINEE": ("是被推荐人本人，不能为自己签名", "is the nominee, who cannot sign for themselves"),
    "SIGNER_DUPLICATE": ("与前面的签名重复，只计一次", "repeats an earlier signature; counted once"),
    "SIGNER_OTHER_BUILDING": ("不是被推荐人所在楼栋的居民", "does not live in the nominee's building"),
}


def _warning(index: int, code: str) -> SignerWarning:
    zh, en = _WHY[code]
    return SignerWarning(index, code, f"第{index + 1}个签名人{zh}，不计入有效签名",
                         f"signer #{index + 1} {en}: not counted")


def count_signatures(
    nominee_id: int, building_id: int | None, signers: Sequence[Signer | None], minimum: int = 10
) -> Tally:
    """Count a resident nomination's signatures (``None``: unknown or outside the caller's
    scope). One warning per signature that does not count, the first reason that applies
    in this order: unknown, the nominee, a repeat, another building (or none recorded).
    ValueError if minimum < 1."""
    if minimum < 1:
        raise ValueError(f"minimum must be at least 1, got {minimum}")
    counted: list[int] = []
    warnings: list[SignerWarning] = []
    seen: set[int] = set()
    for i, s in enumerate(signers):
        if s is None:
            warnings.append(_warning(i, "SIGNER_UNKNOWN"))
            continue
        if s.person_id == nominee_id:
            warnings.append(_warning(i, "SIGNER_IS_NOMINEE"))
        elif s.person_id in seen:
            warnings.append(_warning(i, "SIGNER_DUPLICATE"))
        elif building_id is None or s.building_id != building_id:
            warnings.append(_warning(i, "SIGNER_OTHER_BUILDING"))
        else:
            counted.append(s.person_id)
        seen.add(s.person_id)
    return Tally(tuple(counted), tuple(warnings), minimum)
