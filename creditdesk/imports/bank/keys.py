"""Stable names for entries that a file gives no reference of its own (some MT940 and CSV exports).

The key is made of the account, the booking date, the amount, the text and
the entry's place among identical entries of that day (the first, the
second, ...). Two statements that overlap list a day's entries in the same
order, so each entry gets the same key in both; two identical payments on
one day stay two entries. The key is a digest, so no text of the entry is
kept in it twice.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

DERIVED_PREFIX = "derived:"


class DerivedKeys:
    """Hands out keys for one account, counting entries that are alike in every other respect."""

    def __init__(self, account: str) -> None:
        self._account = account
        self._seen: dict[tuple[date, Decimal, str], int] = {}

    def key(self, booked: date, amount: Decimal, text: str) -> str:
        words = " ".join(text.split()).casefold()
        alike = (booked, amount, words)
        occurrence = self._seen.get(alike, 0) + 1
        self._seen[alike] = occurrence
        source = f"{self._account}|{booked.isoformat()}|{amount:f}|{words}|{occurrence}"
        return DERIVED_PREFIX + hashlib.sha256(source.encode("utf-8")).hexdigest()[:24]
