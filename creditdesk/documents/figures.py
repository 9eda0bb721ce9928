"""Figures that ``Formats`` does not cover: quantities, tax rates and the currency sign of a heading."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal, format_percent, get_currency_symbol

from creditdesk.domain.formats import Formats


def quantity(value: Decimal, formats: Formats) -> str:
    """``2``, ``2.5``, ``1,250``: as many places as the quantity has, never a float."""
    return str(format_decimal(value, format="#,##0.###", locale=formats.locale))


def rate(value: Decimal, formats: Formats) -> str:
    """A tax rate given in percent (``20`` → ``20%``, ``7.5`` → ``7,5 %`` in Germany)."""
    return str(format_percent(value / 100, locale=formats.locale, decimal_quantization=False))


def rate_number(value: Decimal, formats: Formats) -> str:
    """A tax rate under a "Tax %" heading, without the sign."""
    return str(format_decimal(value, format="#,##0.##", locale=formats.locale))


def currency_sign(formats: Formats) -> str:
    """The sign the locale writes with money (``£``, ``€``, ``US$``): shown in amount column headings."""
    return str(get_currency_symbol(formats.currency, locale=formats.locale))
