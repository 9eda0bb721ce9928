"""Payment terms: when an invoice falls due and what early payment earns."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.money import round_money


class TermsBasis(StrEnum):
    NET = "net"  # due N days after the issue date
    END_OF_MONTH = "eom"  # due N days after the end of the month of issue


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class PaymentTerms:
    days: int = 30
    basis: TermsBasis = TermsBasis.NET
    discount_percent: Decimal | None = None
    discount_days: int | None = None

    def __post_init__(self) -> None:
        if self.days < 0:
            raise ValidationError(f"payment terms cannot be negative ({self.days} days)")
        if (self.discount_percent is None) != (self.discount_days is None):
            raise ValidationError("an early-payment discount needs both a percentage and a number of days")
        if self.discount_percent is not None and not Decimal(0) < self.discount_percent < Decimal(100):
            raise ValidationError(
                f"an early-payment discount of {self.discount_percent} % is not between 0 and 100"
            )
        if self.discount_days is not None and self.discount_days < 0:
            raise ValidationError("the early-payment discount period cannot be negative")

    def due_date(self, issue_date: date) -> date:
        start = issue_date if self.basis is TermsBasis.NET else end_of_month(issue_date)
        return start + timedelta(days=self.days)

    def discount_deadline(self, issue_date: date) -> date | None:
        if self.discount_days is None:
            return None
        return issue_date + timedelta(days=self.discount_days)

    def discount_amount(self, gross: Decimal, exponent: int = 2) -> Decimal:
        if self.discount_percent is None:
            return Decimal(0)
        return round_money(gross * self.discount_percent / 100, exponent)

    def describe(self) -> str:
        """Short wording for lists and documents: ``Net 30``, ``2 % 10, net 30``."""
        if self.basis is TermsBasis.NET:
            text = "Due on receipt" if self.days == 0 else f"Net {self.days}"
        else:
            text = f"{self.days} days after end of month"
        if self.discount_percent is not None:
            pct = f"{self.discount_percent.normalize():f}"
            text = f"{pct} % {self.discount_days}, {text[0].lower()}{text[1:]}"
        return text


def resolve_due_date(issue_date: date, due_date: date | None, terms: PaymentTerms) -> date:
    """The due date given, or the one the terms give; never before the issue date."""
    due = terms.due_date(issue_date) if due_date is None else due_date
    if due < issue_date:
        raise ValidationError(f"due date {due.isoformat()} is before the issue date {issue_date.isoformat()}")
    return due
