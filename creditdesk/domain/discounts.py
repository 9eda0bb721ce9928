"""When an early-payment discount is earned by a payment.

Terms such as "2 % 10, net 30" let the client pay less by a deadline. The
discount is earned by a payment dated on or before the deadline (the
deadline day counts, the day after does not) that settles the discounted
amount: ``payment >= open - discount``. What is then written off is just
what the payment leaves open, at most the discount, so the invoice ends
exactly settled and a client who pays in full is never credited extra.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from creditdesk.domain.terms import PaymentTerms

ZERO = Decimal(0)


def discount_applies(
    terms: PaymentTerms,
    issue_date: date,
    payment_date: date,
    open_amount: Decimal,
    payment_amount: Decimal,
    exponent: int = 2,
    *,
    gross: Decimal | None = None,
) -> Decimal | None:
    """The amount to write off as discount, or None when the payment does not earn it.

    The discount is a percentage of ``gross`` (the invoice total, as printed
    on the invoice) when given, else of ``open_amount``; so a client who
    pays the discounted total in two parts within the window still gets it.
    """
    deadline = terms.discount_deadline(issue_date)
    if deadline is None or payment_date > deadline:
        return None
    if open_amount <= ZERO or payment_amount <= ZERO:
        return None
    discount = terms.discount_amount(open_amount if gross is None else gross, exponent)
    if discount <= ZERO or payment_amount < open_amount - discount:
        return None
    write_off = min(discount, open_amount - payment_amount)
    return write_off if write_off > ZERO else None
