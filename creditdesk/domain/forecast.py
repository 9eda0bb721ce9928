"""A cash-in forecast by week, from each client's own way of paying.

The rules, exactly as implemented:

1. Expected date. Each open invoice is expected on its due date plus its
   client's typical delay (the median of the days late of its past
   payments, negative for early payers); a client without history takes
   the company's typical delay.
2. Weeks. Buckets follow ISO weeks (Monday to Sunday). The first bucket
   runs from ``as_of`` to the coming Sunday (a short week when ``as_of``
   is not a Monday), so "this week" means what it says on the chart; the
   rest are whole weeks. ``weeks`` counts all buckets, the first included.
3. Overdue. An invoice whose expected date is before ``as_of`` is expected
   in the first week: money already late is the first hoped for. Its
   amount is also shown on its own as ``rolled_over``.
4. Later. What is expected after the last bucket goes to ``later``.
5. Every amount lands in exactly one place, so the weeks plus ``later``
   add up exactly to the open balance passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from statistics import median_low

from creditdesk.domain.errors import ValidationError

ZERO = Decimal(0)
DEFAULT_WEEKS = 13


@dataclass(frozen=True)
class ForecastInvoice:
    invoice_id: int
    client_id: int
    due_date: date
    open_amount: Decimal


@dataclass(frozen=True)
class WeekBucket:
    start: date
    end: date  # inclusive; a Sunday
    expected: Decimal
    invoice_count: int


@dataclass(frozen=True)
class Forecast:
    as_of: date
    weeks: tuple[WeekBucket, ...]
    later: Decimal  # expected after the last week
    rolled_over: Decimal  # part of the first week: expected dates already past

    @property
    def total(self) -> Decimal:
        return sum((w.expected for w in self.weeks), ZERO) + self.later


def typical_delay(days_late: Iterable[int]) -> int | None:
    """The median of past days late (the lower middle value for an even count); None without history.

    A median, not a mean: one invoice lost for a year should not push every
    forecast for that client months out.
    """
    values = list(days_late)
    return median_low(values) if values else None


def expected_payment_date(due_date: date, delay_days: int) -> date:
    return due_date + timedelta(days=delay_days)


def week_starts(as_of: date, weeks: int) -> tuple[date, ...]:
    """The first day of each bucket: ``as_of``, then the following Mondays."""
    monday = as_of - timedelta(days=as_of.weekday())
    return (as_of, *(monday + timedelta(weeks=n) for n in range(1, weeks)))


def cash_forecast(
    invoices: Iterable[ForecastInvoice],
    client_delays: Mapping[int, int],
    company_delay: int,
    as_of: date,
    weeks: int = DEFAULT_WEEKS,
) -> Forecast:
    if weeks < 1:
        raise ValidationError(f"a forecast needs at least one week (not {weeks})")
    starts = week_starts(as_of, weeks)
    monday = as_of - timedelta(days=as_of.weekday())
    last_day = monday + timedelta(weeks=weeks, days=-1)
    amounts = [ZERO] * weeks
    counts = [0] * weeks
    later = rolled = ZERO
    for invoice in invoices:
        delay = client_delays.get(invoice.client_id, company_delay)
        expected = expected_payment_date(invoice.due_date, delay)
        if expected > last_day:
            later += invoice.open_amount
            continue
        if expected < as_of:
            rolled += invoice.open_amount
            index = 0
        else:
            index = (expected - monday).days // 7
        amounts[index] += invoice.open_amount
        counts[index] += 1
    buckets = tuple(
        WeekBucket(start, start + timedelta(days=6 - start.weekday()), amounts[i], counts[i])
        for i, start in enumerate(starts)
    )
    return Forecast(as_of, buckets, later, rolled)
