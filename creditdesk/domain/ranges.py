"""The largest amount and the range of dates CreditDesk accepts, stated once.

Amounts are stored as 64-bit integer minor units and summed in SQL, and dates
are moved by terms, offsets and weeks in reports; both overflow long before a
real business gets near these limits. Refusing such values where a person
types or imports them keeps every report computable, and ``check`` finds any
that reached a file by another way.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR, Decimal

from creditdesk.domain.errors import ValidationError

MAX_AMOUNT = Decimal("99999999999.99")  # in major units of any currency, either sign
MAX_AMOUNT_TEXT = "99,999,999,999.99"
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)
INT64_MAX = 2**63 - 1
MAX_RATE = Decimal(100)  # percent a year: interest and base rates


def max_minor(exponent: int) -> int:
    """The largest amount in integer minor units of a currency with ``exponent`` decimals.

    Whole minor units at or below ``MAX_AMOUNT`` (JPY: 99,999,999,999; EUR:
    9,999,999,999,999; KWD: 99,999,999,999,990).
    """
    return int(MAX_AMOUNT.scaleb(exponent).to_integral_value(rounding=ROUND_FLOOR))


def amount_in_range(amount: Decimal) -> bool:
    return amount.is_finite() and -MAX_AMOUNT <= amount <= MAX_AMOUNT


def check_amount(amount: Decimal, *, field: str = "amount") -> Decimal:
    """``amount`` itself, or a ``ValidationError`` naming the field when it is beyond the maximum."""
    if not amount.is_finite():
        raise ValidationError(f"{field} '{amount}' is not a number")
    if amount > MAX_AMOUNT:
        raise ValidationError(
            f"{field} {amount:f} is larger than the largest amount CreditDesk accepts ({MAX_AMOUNT_TEXT})"
        )
    if amount < -MAX_AMOUNT:
        raise ValidationError(
            f"{field} {amount:f} is below the smallest amount CreditDesk accepts (-{MAX_AMOUNT_TEXT})"
        )
    return amount


def date_in_range(value: date) -> bool:
    return MIN_DATE <= value <= MAX_DATE


def check_date(value: date, *, field: str = "date") -> date:
    """``value`` itself, or a ``ValidationError`` naming the field when it is outside the range."""
    if not date_in_range(value):
        raise ValidationError(
            f"{field} {value.isoformat()} is outside {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}"
        )
    return value


def check_rate(rate: Decimal, *, field: str = "the interest rate") -> Decimal:
    """An annual rate in percent from 0 to ``MAX_RATE``, so interest stays within the largest amount."""
    if not rate.is_finite() or not Decimal(0) <= rate <= MAX_RATE:
        raise ValidationError(f"{field} {rate} % must be between 0 and {MAX_RATE} % a year")
    return rate
