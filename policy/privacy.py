"""Who sees a person, and what of their personal data (docs/policy.md §13). Pure: grants and
paths in, decisions and masked values out. One masking for every place a person's data
appears (the Person type, nested edges, audit snapshots).

Reach. A person is readable by a caller whose READ scope covers the person's register
(the community, or higher node, whose register holds them), OR the building they live in for
a caller with RESIDENT_READ there (a building head reads the residents of their area, masked;
a station head does not read every resident of the compound), OR a place where the person
now holds a role: an active building-head term (its service area's container), a running
station-head appointment (its workstation's compound) or a running staff role (its node).
So a station head sees the building heads of their compound although those are on the
community's register.

Personal data. Shown in full only to a caller holding PERSON_PII at one of those same
places. Otherwise:
- ID number and phone are masked (``110***********123X``, ``139****5678``): a partial
  number still lets a clerk match a paper form;
- birth date, gender and residence are null: together with a masked ID number they would
  undo the masking; ``age`` (completed years) is given instead;
- the name stays (it is on the public boards);
- a station head (PERSON_CONTACT at the compound) sees the phone numbers of the people holding
  roles there (their building heads), the rest masked as above.

Recruitment details. Reviewers' judgements (health included), the police officer's
opinion, objections (who raised them, what they say, how they were resolved), interview
notes and the notes of those steps in an application's history are for the roles that
handle recruitment: RECRUITMENT or POLICE_OPINION at the application's place. For anyone
else (offices, station heads, partner agencies) they are null.

Rule for hidden values: a hidden value is null, never an empty string or a made-up
placeholder, and the object says that it hid something (``personalDataMasked``,
``recruitmentDetailsHidden``); only ID numbers and phones are masked rather than nulled.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from policy.access import Capability, Grant, can, scope_paths
from policy.dates import age_on
from policy.idnumber import mask_id_number, mask_phone

# the person fields that are personal data, and what becomes of them when masked
MASKED_PERSON_FIELDS = ("id_number", "phone")
HIDDEN_PERSON_FIELDS = ("birth_date", "gender", "residence_id")

# application fields and history steps that are recruitment details
HIDDEN_APPLICATION_FIELDS = (
    "judgements", "police_opinion", "police_favourable", "police_by", "police_at", "interview_notes", "withdrawn_reason",
)
HIDDEN_OBJECTION_FIELDS = ("raised_by", "text", "resolution", "resolved_by")
CONFIDENTIAL_STEPS = frozenset({
    "REVIEW", "POLICE_OPINION", "OBJECTION_RAISED", "OBJECTION_UPHELD", "OBJECTION_DISMISSED", "WITHDRAW",
})


@dataclass(frozen=True)
class PersonAccess:
    readable: bool
    full: bool  # personal data unmasked
    contact: bool = False  # the phone number unmasked (a station head's view of their building heads)

    @property
    def masked(self) -> bool:
        return not self.full


NO_ACCESS = PersonAccess(False, False)


class Residence(str):
    """A place path that is where the person lives (their building), not where they hold a role:
    it makes the person readable (a building head sees the residents of their area) but carries
    no personal data (no phone, no ID number)."""


def person_access(grants: Iterable[Grant], register_path: str, place_paths: Iterable[str] = ()) -> PersonAccess:
    """What a caller may see of a person on ``register_path`` who holds roles at ``place_paths``
    (and lives at the ``Residence`` among them)."""
    grants = tuple(grants)
    every = (register_path, *place_paths)
    paths = tuple(p for p in every if not isinstance(p, Residence))
    readable = (any(can(grants, Capability.READ, p) for p in paths)
                or any(can(grants, Capability.RESIDENT_READ, p) for p in every if isinstance(p, Residence)))
    if not readable:
        return NO_ACCESS
    full = any(can(grants, Capability.PERSON_PII, p) for p in paths)
    return PersonAccess(True, full, full or any(can(grants, Capability.PERSON_CONTACT, p) for p in paths))


def decided_without_places(grants: Iterable[Grant], register_path: str) -> PersonAccess | None:
    """The access when the register alone settles it (no need to load the person's places):
    full data there, or readable there and no personal-data grant anywhere."""
    grants = tuple(grants)
    if can(grants, Capability.PERSON_PII, register_path):
        return PersonAccess(True, True, True)
    if not scope_paths(grants, Capability.PERSON_PII) and not scope_paths(grants, Capability.PERSON_CONTACT):
        return PersonAccess(True, False) if can(grants, Capability.READ, register_path) else None
    return None


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def mask_person(values: Mapping[str, Any], *, full: bool, on: date, contact: bool = False) -> dict[str, Any]:
    """A person's values (model fields or an audit snapshot) as a caller may see them;
    when masking, ``age`` on ``on`` replaces the birth date (``contact``: the phone is kept)."""
    out = dict(values)
    if full:
        return out
    phone = out.get("phone")
    born = _as_date(values.get("birth_date"))
    if born is not None and "age" not in out:
        out["age"] = age_on(born, on) if born <= on else 0
    for f in MASKED_PERSON_FIELDS:
        if out.get(f):
            out[f] = (mask_id_number if f == "id_number" else mask_phone)(str(out[f]))
    for f in HIDDEN_PERSON_FIELDS:
        if f in out:
            out[f] = None
    if contact and phone:
        out["phone"] = phone
    return out


def recruitment_details_visible(grants: Iterable[Grant], path: str) -> bool:
    """Judgements, police opinions, objections: for the roles that handle recruitment there."""
    grants = tuple(grants)
    return can(grants, Capability.RECRUITMENT, path) or can(grants, Capability.POLICE_OPINION, path)


def hide_fields(values: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    out = dict(values)
    for f in names:
        if f in out:
            out[f] = None
    return out


def hide_recruitment_details(object_type: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """An Application or Objection snapshot without its recruitment details."""
    if object_type == "Application":
        return hide_fields(values, HIDDEN_APPLICATION_FIELDS)
    if object_type == "Objection":
        return hide_fields(values, HIDDEN_OBJECTION_FIELDS)
    return dict(values)
