"""Money and dates as people read them, in the company's locale (Babel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import NumberFormatError, format_currency, format_decimal, parse_decimal

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.money import round_money
from creditdesk.domain.ranges import check_amount


@dataclass(frozen=True)
class Formats:
    currency: str
    locale: str
    exponent: int

    @property
    def _pattern(self) -> str:
        return "#,##0." + "0" * self.exponent if self.exponent else "#,##0"

    def amount(self, value: Decimal) -> str:
        """Grouped, fixed decimals, no symbol: for table columns under a currency heading."""
        return str(format_decimal(value, format=self._pattern, locale=self.locale))

    def money(self, value: Decimal) -> str:
        """With the currency symbol placed as the locale places it: ``£1,234.50``, ``1.234,50 €``."""
        return str(format_currency(value, self.currency, locale=self.locale))

    def count(self, value: int) -> str:
        """A whole number of things, grouped the locale's way: ``1,234``, ``1.234``."""
        return str(format_decimal(value, locale=self.locale))

    def day(self, value: date) -> str:
        return str(format_date(value, "medium", locale=self.locale))

    def long_day(self, value: date) -> str:
        """A date written out in running text: ``14 March 2026``, ``14. März 2026``."""
        return str(format_date(value, "long", locale=self.locale))

    def parse_amount(self, text: str, *, field: str = "amount") -> Decimal:
        """Read an amount typed in the locale's way (``1.234,50`` in Germany), refusing extra places."""
        cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
        if not cleaned:
            raise ValidationError(f"{field} is empty")
        try:
            value = Decimal(parse_decimal(cleaned, locale=self.locale, strict=True))
        except NumberFormatError:
            raise ValidationError(f"{field} '{text.strip()}' is not an amount") from None
        check_amount(value, field=field)  # before rounding: a huge number would overflow the context
        if value != round_money(value, self.exponent):
            raise ValidationError(f"{field} '{text.strip()}' has more than {self.exponent} decimal places")
        return round_money(value, self.exponent)
