"""Chinese resident ID numbers (GB 11643-1999) and masking of personal numbers.

Used for the age check of applicants (docs/policy.md §5, §14: age in completed
years) and for showing ID and phone numbers without exposing them. Pure: no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from policy.kinds import Gender

__all__ = [
    "IdNumberError",
    "ResidentId",
    "check_digit",
    "parse_id_number",
    "mask_id_number",
    "mask_phone",
]

_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_DIGITS = frozenset("0123456789")  # ASCII only; str.isdigit() would accept "１" or "٣"
_EARLIEST_BIRTH = date(1900, 1, 1)
# Business dates are in Asia/Shanghai (docs/policy.md §14), which is UTC+8 all year.
_SHANGHAI = timezone(timedelta(hours=8))


#: First two digits of the region code (GB/T 2260 provinces, plus 71 Taiwan, 81 Hong Kong,
#: 82 Macao, 83 residence permits for Taiwan residents).
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83",
})


class IdNumberError(ValueError):
    """An ID number that is not a valid GB 11643-1999 number.

    ``reason`` is one of "LENGTH", "CHARACTERS", "REGION", "BIRTH_DATE", "CHECK_DIGIT".
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class ResidentId:
    """A parsed, valid resident ID number (canonical form: 18 chars, upper-case X)."""

    number: str
    region_code: str
    birth_date: date
    gender: Gender


def check_digit(first17: str) -> str:
    """The 18th character for the given first 17 digits (ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not set(first17) <= _DIGITS:
        raise ValueError("check_digit needs exactly 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def _normalise(value: str) -> str:
    return "".join(value.split()).replace("x", "X")


def _today_in_shanghai() -> date:
    return datetime.now(_SHANGHAI).date()


def parse_id_number(value: str, today: date | None = None) -> ResidentId:
    """Validate and parse an 18-character resident ID number.

    Whitespace is ignored and a lower-case ``x`` is read as ``X``. The birth
    date must be a real date between 1900-01-01 and ``today`` (default: the
    current date in Asia/Shanghai, docs/policy.md §14). The 17th digit gives the
    gender: odd is male. Raises :class:`IdNumberError`.
    """
    number = _normalise(value)
    if len(number) != 18:
        raise IdNumberError(
            "LENGTH", f"An ID number has 18 characters; this one has {len(number)}."
        )
    if not set(number[:17]) <= _DIGITS or not (number[17] in _DIGITS or number[17] == "X"):
        raise IdNumberError(
            "CHARACTERS",
            "An ID number is 17 digits followed by a digit or the letter X.",
        )
    if number[:2] not in PROVINCE_CODES or number[2:6] == "0000":
        raise IdNumberError(
            "REGION", f"The region code {number[:6]} in the ID number is not a real region."
        )
    raw_birth = number[6:14]
    try:
        birth = date(int(raw_birth[:4]), int(raw_birth[4:6]), int(raw_birth[6:]))
    except ValueError:
        raise IdNumberError(
            "BIRTH_DATE", f"The birth date {raw_birth} in the ID number is not a real date."
        ) from None
    limit = today if today is not None else _today_in_shanghai()
    if birth > limit:
        raise IdNumberError(
            "BIRTH_DATE", f"The birth date {birth.isoformat()} in the ID number is in the future."
        )
    if birth < _EARLIEST_BIRTH:
        raise IdNumberError(
            "BIRTH_DATE",
            f"The birth date {birth.isoformat()} in the ID number is before 1900-01-01.",
        )
    expected = check_digit(number[:17])
    if number[17] != expected:
        raise IdNumberError(
            "CHECK_DIGIT",
            "The ID number's check digit is wrong; the number was probably mistyped.",
        )
    gender = Gender.MALE if int(number[16]) % 2 == 1 else Gender.FEMALE
    return ResidentId(number=number, region_code=number[:6], birth_date=birth, gender=gender)


def _mask_keep(text: str, head: int, tail: int) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters; mask everything if too short."""
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[len(text) - tail :]


def mask_id_number(number: str) -> str:
    """Keep the first 3 and last 4 characters, e.g. "110***********123X".

    Input is normalised like :func:`parse_id_number` (whitespace dropped,
    ``x`` → ``X``). A string of 7 characters or fewer is masked completely.
    """
    return _mask_keep(_normalise(number), 3, 4)


def mask_phone(phone: str) -> str:
    """Mask a phone number: an 11-digit mobile keeps its first 3 and last 4
    digits ("138****5678"); anything else keeps only its last 2 characters.

    Spaces and hyphens are ignored when recognising a mobile number.
    """
    text = phone.strip()
    compact = text.replace(" ", "").replace("-", "")
    if len(compact) == 11 and set(compact) <= _DIGITS and compact[0] == "1":
        return _mask_keep(compact, 3, 4)
    return _mask_keep(text, 0, 2)
