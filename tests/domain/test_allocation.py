from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.domain.allocation import (
    Allocation,
    OpenInvoice,
    allocate_payment,
    check_allocations,
    natural_key,
)
from creditdesk.domain.errors import LedgerError, ValidationError

JAN = date(2026, 1, 1)


def inv(id_: int, number: str, issue: date, due: date, open_amount: str) -> OpenInvoice:
    return OpenInvoice(id_, number, issue, due, D(open_amount))


def test_named_invoice_takes_up_to_its_open_amount_and_the_rest_stays_on_account() -> None:
    invoices = [inv(1, "INV-1", JAN, JAN, "100.00"), inv(2, "INV-2", JAN, JAN, "50.00")]
    result = allocate_payment(D("130.00"), JAN, invoices, named_invoice_id=2)
    assert result.allocations == (Allocation(2, D("50.00")),)
    assert result.on_account == D("80.00")  # never spread silently to INV-1


def test_oldest_first_by_due_date_then_issue_date_then_number() -> None:
    invoices = [
        inv(1, "INV-10", date(2026, 1, 5), date(2026, 2, 1), "10.00"),
        inv(2, "INV-9", date(2026, 1, 5), date(2026, 2, 1), "10.00"),
        inv(3, "INV-3", date(2026, 1, 9), date(2026, 1, 20), "10.00"),
        inv(4, "INV-1", date(2026, 1, 1), date(2026, 2, 1), "10.00"),
    ]
    result = allocate_payment(D("35.00"), date(2026, 3, 1), invoices)
    assert [a.invoice_id for a in result.allocations] == [3, 4, 2, 1]
    assert [a.amount for a in result.allocations] == [D(10), D(10), D(10), D(5)]
    assert result.on_account == D(0)


def test_invoices_issued_after_the_payment_are_not_paid_by_it() -> None:
    invoices = [inv(1, "INV-1", date(2026, 2, 1), date(2026, 2, 1), "10.00")]
    result = allocate_payment(D("10.00"), date(2026, 1, 31), invoices)
    assert result.allocations == ()
    assert result.on_account == D("10.00")
    # ...but an invoice issued on the payment day is.
    assert allocate_payment(D("10.00"), date(2026, 2, 1), invoices).on_account == D(0)


def test_overpayment_leaves_money_on_account() -> None:
    result = allocate_payment(D("25.00"), JAN, [inv(1, "A", JAN, JAN, "20.00")])
    assert result.allocated == D("20.00")
    assert result.on_account == D("5.00")


def test_paid_invoices_are_skipped_and_zero_payments_refused() -> None:
    result = allocate_payment(D("5.00"), JAN, [inv(1, "A", JAN, JAN, "0.00"), inv(2, "B", JAN, JAN, "9.00")])
    assert result.allocations == (Allocation(2, D("5.00")),)
    with pytest.raises(ValidationError):
        allocate_payment(D(0), JAN, [])


def test_natural_key_sorts_numbers_as_numbers() -> None:
    assert sorted(["INV-10", "INV-9", "INV-100"], key=natural_key) == ["INV-9", "INV-10", "INV-100"]


def test_manual_allocations_are_checked() -> None:
    open_amounts = {1: D("10.00"), 2: D("20.00")}
    assert check_allocations(D(25), open_amounts, [Allocation(1, D(10)), Allocation(2, D(5))]) == D(10)
    with pytest.raises(LedgerError, match="open amount"):
        check_allocations(D(50), open_amounts, [Allocation(1, D(6)), Allocation(1, D(6))])
    with pytest.raises(LedgerError, match="available"):
        check_allocations(D(10), open_amounts, [Allocation(2, D(11))])
    with pytest.raises(LedgerError, match="open invoice"):
        check_allocations(D(10), open_amounts, [Allocation(3, D(1))])


cents = st.integers(min_value=1, max_value=500_000).map(lambda c: D(c) / 100)


@st.composite
def open_invoices(draw: st.DrawFn) -> list[OpenInvoice]:
    count = draw(st.integers(min_value=0, max_value=12))
    result = []
    for i in range(count):
        issue = JAN + timedelta(days=draw(st.integers(0, 90)))
        due = issue + timedelta(days=draw(st.integers(0, 60)))
        result.append(OpenInvoice(i + 1, f"INV-{i + 1}", issue, due, draw(cents)))
    return result


@given(cents, st.integers(0, 120), open_invoices(), st.data())
def test_no_allocation_exceeds_its_invoice_or_the_payment(
    amount: D, offset: int, invoices: list[OpenInvoice], data: st.DataObject
) -> None:
    named = data.draw(st.sampled_from([None, *[i.id for i in invoices]]))
    paid_on = JAN + timedelta(days=offset)
    result = allocate_payment(amount, paid_on, invoices, named)
    by_id = {i.id: i for i in invoices}
    assert all(D(0) < a.amount <= by_id[a.invoice_id].open_amount for a in result.allocations)
    assert len({a.invoice_id for a in result.allocations}) == len(result.allocations)
    assert result.allocated + result.on_account == amount
    assert result.on_account >= 0
    if named is not None:
        assert {a.invoice_id for a in result.allocations} <= {named}
    else:
        assert all(by_id[a.invoice_id].issue_date <= paid_on for a in result.allocations)
        # Money stays on account only when every eligible invoice is fully paid.
        eligible = sum((i.open_amount for i in invoices if i.issue_date <= paid_on), D(0))
        assert result.on_account == max(D(0), amount - eligible)
