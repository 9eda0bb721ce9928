"""An import's open book gives, payment after payment, what allocate_payment gives on the same amounts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.domain.allocation import OpenBook, OpenInvoice, allocate_payment
from creditdesk.domain.errors import ValidationError

START = date(2026, 1, 1)
money = st.integers(min_value=1, max_value=50_000).map(lambda cents: D(cents) / 100)
invoice = st.tuples(st.integers(0, 90), st.integers(0, 60), money)
payment = st.tuples(st.integers(0, 150), money, st.one_of(st.none(), st.integers(0, 9)))


@given(st.lists(invoice, max_size=10), st.lists(payment, max_size=15))
def test_each_payment_goes_where_allocate_payment_sends_it(
    invoices: list[tuple[int, int, D]], payments: list[tuple[int, D, int | None]]
) -> None:
    ledger = [
        OpenInvoice(
            n + 1,
            f"INV-{n + 1}",
            START + timedelta(days=issued),
            START + timedelta(days=issued + terms),
            gross,
        )
        for n, (issued, terms, gross) in enumerate(invoices)
    ]
    book = OpenBook(ledger)
    for day, amount, named in payments:
        on = START + timedelta(days=day)
        named_id = named + 1 if named is not None and named < len(ledger) else None
        expected = allocate_payment(amount, on, ledger, named_id)
        assert book.pay(amount, on, named_id) == expected
        paid = {a.invoice_id: a.amount for a in expected.allocations}
        ledger = [replace(i, open_amount=i.open_amount - paid.get(i.id, D(0))) for i in ledger]
    assert book.open == {i.id: i.open_amount for i in ledger if i.id in book.open}


def test_a_settled_invoice_takes_nothing_more_and_the_rest_stays_on_account() -> None:
    book = OpenBook(
        [OpenInvoice(1, "A-1", START, START, D("100.00")), OpenInvoice(2, "A-2", START, START, D("50.00"))]
    )
    assert book.pay(D("120.00"), START).on_account == D(0)
    result = book.pay(D("40.00"), START, 1)
    assert (result.allocations, result.on_account) == ((), D("40.00"))
    assert book.open == {1: D(0), 2: D("30.00")}
    with pytest.raises(ValidationError):
        book.pay(D(0), START)
