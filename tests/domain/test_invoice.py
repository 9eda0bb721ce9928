from datetime import date
from decimal import Decimal as D

import pytest

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.invoice import (
    InvoiceLine,
    InvoiceState,
    InvoiceStatus,
    invoice_state,
    invoice_totals,
)


def test_totals_are_rounded_per_line() -> None:
    lines = [InvoiceLine("a", D(1), D("0.125"), D(20)), InvoiceLine("b", D(3), D("0.333"), D(20))]
    totals = invoice_totals(lines)
    # 0.125 -> 0.13 (tax 0.03); 0.999 -> 1.00 (tax 0.20)
    assert (totals.net, totals.tax, totals.gross) == (D("1.13"), D("0.23"), D("1.36"))


def test_zero_decimal_currency() -> None:
    totals = invoice_totals([InvoiceLine("x", D("2.5"), D(101), D(10))], exponent=0)
    assert (totals.net, totals.tax) == (D(253), D(25))


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        (("x", D(0), D(1), D(0)), "quantity"),
        (("x", D(1), D(-1), D(0)), "unit price"),
        (("x", D(1), D(1), D(101)), "tax rate"),
    ],
)
def test_bad_lines_are_refused(line: tuple[str, D, D, D], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        InvoiceLine(*line)


def test_state_on_a_given_day() -> None:
    due = date(2026, 3, 1)
    issued = InvoiceStatus.ISSUED
    assert invoice_state(issued, D(10), due, False, date(2026, 3, 1)) is InvoiceState.OPEN
    assert invoice_state(issued, D(10), due, False, date(2026, 3, 2)) is InvoiceState.OVERDUE
    assert invoice_state(issued, D(0), due, False, date(2026, 3, 2)) is InvoiceState.PAID
    assert invoice_state(issued, D(10), due, True, date(2026, 3, 2)) is InvoiceState.DISPUTED
    assert invoice_state(InvoiceStatus.VOID, D(10), due, False, due) is InvoiceState.VOID
    assert invoice_state(InvoiceStatus.DRAFT, D(10), due, False, due) is InvoiceState.DRAFT
