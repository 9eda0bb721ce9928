"""How a client pays: average days to pay, share paid on time, and the company's DSO."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class InvoiceHistory:
    """One issued invoice and the payments applied to it (credit notes excluded)."""

    issue_date: date
    due_date: date
    gross: Decimal
    payments: tuple[tuple[date, Decimal], ...] = field(default=())
    settled_on: date | None = None  # the day nothing was left to pay, by any means


@dataclass(frozen=True)
class PaymentBehaviour:
    average_days_to_pay: Decimal | None  # amount-weighted, one decimal place
    paid_on_time_share: Decimal | None  # 0..1, two decimal places
    invoices_considered: int


def payment_behaviour(history: Iterable[InvoiceHistory], as_of: date) -> PaymentBehaviour:
    """Judge only what is known by ``as_of``.

    Days to pay are weighted by the money paid (a late 10,000 matters more than
    a late 10). An invoice counts towards the on-time share once it is settled
    or once it is past due unpaid, the latter as not on time.
    """
    weighted_days = ZERO
    paid = ZERO
    considered = on_time = 0
    for inv in history:
        for paid_on, amount in inv.payments:
            if paid_on <= as_of:
                weighted_days += amount * max(0, (paid_on - inv.issue_date).days)
                paid += amount
        settled = inv.settled_on is not None and inv.settled_on <= as_of
        if settled:
            considered += 1
            assert inv.settled_on is not None
            on_time += inv.settled_on <= inv.due_date
        elif inv.due_date < as_of:
            considered += 1
    average = (weighted_days / paid).quantize(ONE_PLACE, ROUND_HALF_UP) if paid > ZERO else None
    share = (Decimal(on_time) / considered).quantize(Decimal("0.01"), ROUND_HALF_UP) if considered else None
    return PaymentBehaviour(average, share, considered)


def days_sales_outstanding(
    receivables: Decimal, credit_sales: Decimal, period_days: int = 90
) -> Decimal | None:
    """DSO by the standard method: receivables / credit sales in the period x days in the period."""
    if credit_sales <= ZERO:
        return None
    return (max(receivables, ZERO) / credit_sales * period_days).quantize(ONE_PLACE, ROUND_HALF_UP)
