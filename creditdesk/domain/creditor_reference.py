"""ISO 11649 structured creditor references (``RF`` + two check digits + up to 21 letters and digits).

CreditDesk builds an invoice's reference from its number alone, so the same
number always gives the same reference and nothing needs storing to recognise
it when a bank file quotes it back. The body keeps the number's letters
(capitalised) and digits in order and drops every other character (``-``,
``/``, ``.``, ``_``): ``INV-2026/0042`` becomes ``RF…INV20260042``. A number
with more than 21 letters and digits keeps its first 15 and ends with six
characters of a digest of the whole number, so long numbers stay distinct.
"""

from __future__ import annotations

import hashlib
import re
from typing import NamedTuple

from stdnum import iso11649
from stdnum.exceptions import ValidationError as NumberError
from stdnum.iso7064 import mod_97_10

MAX_BODY = 21
_KEPT = 15
_DIGEST_LENGTH = MAX_BODY - _KEPT
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NOT_ALLOWED = re.compile(r"[^A-Z0-9]")
# In free text a reference may be written in groups of four ("RF18 5390 0754 7034").
_START = re.compile(r"(?<![A-Z0-9])RF ?[0-9]{2}")
_GROUP = re.compile(r" ?([A-Z0-9]+)")


def creditor_reference(invoice_number: str) -> str:
    """The reference for an invoice, in its compact electronic form (no spaces)."""
    body = _NOT_ALLOWED.sub("", invoice_number.upper())
    if not body:
        raise ValueError(f"'{invoice_number}' has no letters or digits to build a creditor reference from")
    if len(body) > MAX_BODY:
        body = body[:_KEPT] + _digest(invoice_number)
    check = mod_97_10.calc_check_digits(body + "RF")
    return f"RF{check}{body}"


def normalise_creditor_reference(text: str) -> str | None:
    """A reference as read from a bank file, compact and capitalised, or None when it is not valid."""
    try:
        value = iso11649.validate(text)
    except NumberError:
        return None
    return str(value)


def printed_creditor_reference(reference: str) -> str:
    """The reference in groups of four, as people read and type it."""
    return str(iso11649.format(reference))


class QuotedReference(NamedTuple):
    """A place in free text that may hold a reference: its readings, longest first, each with its end."""

    start: int
    readings: tuple[tuple[str, int], ...]


def references_in_text(text: str) -> list[QuotedReference]:
    """The valid references that free text may hold.

    A reference written in groups of four runs into the words after it, so every
    reading that ends between two groups is kept; more than one may pass the
    check digits by chance, and the caller takes the one it issued.
    """
    places: list[QuotedReference] = []
    upper = text.upper()
    for start in _START.finditer(upper):
        body = ""
        readings: list[tuple[str, int]] = []
        position = start.end()
        while group := _GROUP.match(upper, position):
            body += group.group(1)
            if len(body) > MAX_BODY:
                break
            position = group.end()
            candidate = normalise_creditor_reference(start.group(0) + body)
            if candidate is not None:
                readings.append((candidate, position))
        if readings:
            places.append(QuotedReference(start.start(), tuple(reversed(readings))))
    return places


def _digest(invoice_number: str) -> str:
    value = int.from_bytes(hashlib.sha256(invoice_number.encode("utf-8")).digest()[:8], "big")
    chars = []
    for _ in range(_DIGEST_LENGTH):
        value, digit = divmod(value, 36)
        chars.append(_BASE36[digit])
    return "".join(chars)
