"""Money as ``Decimal``, stored as integer minor units.

Amounts are rounded half-up to the currency's minor unit wherever a figure is
produced (a line, a tax amount, a discount), never left to binary floats.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import UnknownCurrencyError, get_currency_precision, is_currency

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.ranges import check_amount

ZERO = Decimal(0)

_PLAIN_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def currency_exponent(currency: str) -> int:
    """Number of decimal places of the currency's minor unit (EUR 2, JPY 0, KWD 3)."""
    try:
        return int(get_currency_precision(currency.upper()))
    except (UnknownCurrencyError, KeyError, ValueError) as exc:  # pragma: no cover - babel variants
        raise ValidationError(f"'{currency}' is not a known currency code") from exc


def check_currency(code: str) -> str:
    """Return the upper-cased ISO 4217 code, or explain why it is not one."""
    value = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise ValidationError(f"currency '{code}' must be a three-letter ISO code such as EUR or USD")
    if not is_currency(value):
        raise ValidationError(f"'{code}' is not a known currency code")
    return value


def quantum(exponent: int) -> Decimal:
    return Decimal(1).scaleb(-exponent)


def round_money(amount: Decimal, exponent: int = 2) -> Decimal:
    """Round half-up to the minor unit."""
    return amount.quantize(quantum(exponent), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, exponent: int = 2) -> int:
    """Decimal amount to integer minor units, rounding half-up."""
    return int(round_money(amount, exponent).scaleb(exponent))


def from_minor(units: int, exponent: int = 2) -> Decimal:
    """Integer minor units to a Decimal with exactly ``exponent`` places."""
    amount = Decimal(units).scaleb(-exponent)
    # An int's scaled Decimal has exactly those places already; anything else is made to.
    return amount if type(units) is int else amount.quantize(quantum(exponent))


def parse_amount(text: str, exponent: int = 2, *, field: str = "amount") -> Decimal:
    """Parse a plain decimal with a point (``1234.5``), refusing anything ambiguous.

    Thousands separators, currency symbols, commas as decimal marks and more
    places than the currency has are refused rather than guessed at, and so is
    an amount beyond ``ranges.MAX_AMOUNT``.
    """
    value = text.strip()
    if not value:
        raise ValidationError(f"{field} is empty")
    if not _PLAIN_DECIMAL.match(value):
        raise ValidationError(f"{field} '{text}' is not a plain number such as 1234.50")
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise ValidationError(f"{field} '{text}' is not a number") from exc
    check_amount(amount, field=field)  # before rounding: a huge number would overflow the context
    if amount != round_money(amount, exponent):
        raise ValidationError(f"{field} '{text}' has more than {exponent} decimal places")
    return round_money(amount, exponent)


def format_plain(amount: Decimal, exponent: int = 2) -> str:
    """Fixed-point text for files (CSV, JSON): ``-1234.50``, no grouping."""
    return f"{round_money(amount, exponent):.{exponent}f}"
