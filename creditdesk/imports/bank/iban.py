"""Telling an IBAN from another account number, by its shape and its ISO 13616 check digits."""

from __future__ import annotations

import re
from functools import lru_cache

_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")


def compact(text: str) -> str:
    """The account written without spaces, upper case, as banks compare them."""
    return "".join(text.split()).upper()


@lru_cache(maxsize=4096)  # a statement names its payers' accounts again and again
def is_iban(text: str) -> bool:
    """Whether ``text`` (spaces allowed) is an IBAN whose check digits hold (mod 97 is 1)."""
    value = compact(text)
    if not _SHAPE.fullmatch(value):
        return False
    moved = value[4:] + value[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


def iban_or_empty(text: str) -> str:
    """The IBAN compacted, or "" when ``text`` is some other kind of account number."""
    return compact(text) if is_iban(text) else ""
