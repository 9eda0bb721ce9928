"""Money leaves the store as Decimal: integer minor units in the file, converted here once."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from creditdesk.domain.money import from_minor


def money_reader(exponent: int) -> Callable[[int], Decimal]:
    """``from_minor`` at the company's exponent, each distinct amount converted once per query.

    Amounts recur in a ledger (an invoice, its payment, its allocation), so the
    cache spares most of the conversions on a large result.
    """
    seen: dict[int, Decimal] = {}

    def money(units: int) -> Decimal:
        value = seen.get(units)
        if value is None:
            value = seen[units] = from_minor(units, exponent)
        return value

    return money
