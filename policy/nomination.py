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

    @property
    def params(self) -> dict[str, int]:
        """The message's parameters (its catalogue entry is the code): the signer's 1-based number."""
        return {"number": self.index + 1}


@dataclass(frozen=True)
class Tally:
    counted: tuple[int, ...]  # person ids of the signatures that count, in signing order
    warnings: tuple[SignerWarning, ...]
    minimum: int

    @property
    def accepted(self) -> bool:
        return len(self.counted) >= self.minimum

    @property
    def shortfall(self) -> dict[str, int]:
        """The parameters of TOO_FEW_SIGNERS when not accepted."""
        return {"counted": len(self.counted), "minimum": self.minimum}


def _warning(index: int, code: str) -> SignerWarning:
    return SignerWarning(index, code)


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
