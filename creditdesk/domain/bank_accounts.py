"""IBAN and BIC rules, with each country's own IBAN length and form (python-stdnum keeps the registry).

A wrong IBAN printed on an invoice or in its QR code sends a client's money
nowhere, so each message says what was expected, not only that it is wrong.
"""

from __future__ import annotations

import re

from babel import Locale
from stdnum import bic as bic_rules
from stdnum import iban as iban_rules
from stdnum import numdb
from stdnum.exceptions import InvalidChecksum, InvalidComponent
from stdnum.exceptions import ValidationError as NumberError

from creditdesk.domain.errors import ValidationError

_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_BIC_SHAPE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$")
_BBAN_PART = re.compile(r"(\d+)!?[nac]")
# Country names for messages; English like every message today, and ready for the user's locale.
_NAMES = Locale.parse("en")


def compact(value: str) -> str:
    """An IBAN or BIC as banks store it: no spaces, capitals."""
    return "".join(value.split()).upper()


def grouped_iban(iban: str) -> str:
    """An IBAN as people read it: groups of four."""
    value = compact(iban)
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def iban_length(country: str) -> int | None:
    """How many characters an IBAN of the country has, or None when the country has no IBAN."""
    info = numdb.get("iban").info(country + "00")[0][1]
    structure = info.get("bban") if info else None
    if structure is None:
        return None
    return 4 + sum(int(size) for size in _BBAN_PART.findall(structure))


def check_iban(value: str) -> str:
    """An IBAN of the length and form its country gives, whose check digits agree; or empty."""
    iban = compact(value)
    if not iban:
        return ""
    if not _IBAN_SHAPE.match(iban):
        raise ValidationError(
            f"IBAN '{value.strip()}' is not an IBAN: it starts with two letters for the country and "
            "two check digits, followed by 11 to 30 letters and digits"
        )
    country = iban[:2]
    expected = iban_length(country)
    if expected is None:
        raise ValidationError(
            f"IBAN '{value.strip()}' starts with {country}, which is not the code of a country "
            "that uses IBANs; it starts with the bank's country, such as DE or GB"
        )
    name = _NAMES.territories.get(country, country)
    if len(iban) != expected:
        raise ValidationError(
            f"IBAN {grouped_iban(iban)} has {len(iban)} characters, but an IBAN from {name} "
            f"has {expected}; copy it again from a bank statement"
        )
    try:
        # Not the national checks: Belgium's, for one, refuses banks missing from the library's list.
        iban_rules.validate(iban, check_country=False)
    except InvalidChecksum:
        raise ValidationError(
            f"IBAN {grouped_iban(iban)} fails its check digits; copy it again from a bank statement"
        ) from None
    except NumberError:
        raise ValidationError(
            f"IBAN {grouped_iban(iban)} does not have the letters and digits of an IBAN from {name} "
            "in their places; copy it again from a bank statement"
        ) from None
    return iban


def check_bic(value: str) -> str:
    """A BIC (SWIFT code) of 8 or 11 characters naming a real country, or empty."""
    bic = compact(value)
    if not bic:
        return ""
    if not _BIC_SHAPE.match(bic):
        raise ValidationError(
            f"BIC '{value.strip()}' is not a BIC: it has 8 or 11 characters, 4 letters for the bank, "
            "2 for the country, 2 letters or digits for the place and optionally 3 for the branch"
        )
    try:
        bic_rules.validate(bic)
    except InvalidComponent:
        raise ValidationError(
            f"BIC {bic} names no country: its fifth and sixth letters are the bank's country code, "
            "such as DE or GB"
        ) from None
    except NumberError:  # pragma: no cover - the shape above is the library's whole format
        raise ValidationError(f"BIC {bic} is not a BIC; copy it again from a bank statement") from None
    return bic


def is_valid_iban(value: str) -> bool:
    try:
        check_iban(value)
    except ValidationError:
        return False
    return bool(compact(value))


def is_valid_bic(value: str) -> bool:
    try:
        check_bic(value)
    except ValidationError:
        return False
    return bool(compact(value))
