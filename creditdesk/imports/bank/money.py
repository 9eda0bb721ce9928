"""Amounts as bank files write them, read to exact Decimals with the currency's places; never a float."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.money import check_currency, currency_exponent, quantum
from creditdesk.imports.numbers import check_minor_unit

# Digits with at most one decimal mark; bank formats never group thousands.
_POINT = re.compile(r"[+-]?\d{1,18}(?:\.\d*)?|[+-]?\.\d+")
_COMMA = re.compile(r"[+-]?\d{1,18}(?:,\d*)?")


def read_money(text: str, currency: str, marks: str = ".") -> Decimal | str:
    """``text`` as an amount of ``currency`` written with one of ``marks`` as the decimal mark.

    Returns why it is not money when it is not (a message for the user).
    """
    value = text.strip()
    plain = value
    if "," in marks and _COMMA.fullmatch(value):
        plain = value.replace(",", ".")
    elif "." not in marks or not _POINT.fullmatch(value):
        example = "1234,50" if marks == "," else "1234.50"
        return f"expected an amount like {example}, got '{text}'"
    if plain.endswith("."):
        plain += "0"
    amount = Decimal(plain)
    exponent = _exponent(currency) if currency else 2
    wrong = check_minor_unit(amount, exponent)
    if wrong is not None:
        return wrong
    return amount.quantize(quantum(exponent))


@cache  # every entry names its currency; there are few of them
def _exponent(currency: str) -> int:
    return currency_exponent(currency)


@cache
def currency_code(text: str) -> str | None:
    """The ISO 4217 code, upper case, or None when ``text`` is not one."""
    try:
        return check_currency(text)
    except ValidationError:
        return None
