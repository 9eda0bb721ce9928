"""Late-payment interest on a real company file: policies, base rates, accrual and the interest invoice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from creditdesk.domain.errors import LedgerError, ValidationError
from creditdesk.domain.interest import InterestKind, InterestPolicy
from creditdesk.services.ledger.interest import (
    base_rates,
    client_interest,
    client_interest_policy,
    company_interest_policy,
    delete_base_rate,
    invoice_interest,
    raise_interest_invoice,
    set_base_rate,
    set_client_interest_policy,
    set_company_interest_policy,
)
from creditdesk.store.database import Database
from creditdesk.store.models import Invoice, InvoiceLineRow
from creditdesk.store.queries.ledger import client_exposure
from creditdesk.store.unit_of_work import UnitOfWork
from tests.services.workflow_ledger import client, invoice, pay

TEN_PERCENT = InterestPolicy.contractual(D("10"))


def exposure(db: Database, client_id: int, as_of: date) -> int:
    with UnitOfWork(db) as uow:
        return client_exposure(uow.session.connection(), client_id, as_of)


def lines_of(db: Database, invoice_id: int) -> list[tuple[str, int]]:
    with UnitOfWork(db) as uow:
        rows = uow.session.scalars(
            select(InvoiceLineRow)
            .where(InvoiceLineRow.invoice_id == invoice_id)
            .order_by(InvoiceLineRow.position)
        )
        return [(r.description, r.unit_price) for r in rows]


def test_policies_default_to_none_and_a_client_may_have_its_own(db: Database) -> None:
    acme = client(db, "ACME")
    assert company_interest_policy(db) == InterestPolicy.none()
    set_company_interest_policy(db, InterestPolicy.statutory_uk())
    assert client_interest_policy(db, acme).kind is InterestKind.STATUTORY_UK
    set_client_interest_policy(db, acme, TEN_PERCENT)
    assert client_interest_policy(db, acme) == TEN_PERCENT
    set_client_interest_policy(db, acme, None)
    assert client_interest_policy(db, acme) == InterestPolicy.statutory_uk()


def test_contractual_interest_is_simple_interest_per_day_overdue(db: Database) -> None:
    acme = client(db, "ACME")
    inv = invoice(db, acme, date(2026, 1, 1), "100.00")
    assert client_interest(db, acme, date(2026, 1, 16)).invoices == ()  # no policy: nothing accrues
    set_client_interest_policy(db, acme, TEN_PERCENT)
    item = invoice_interest(db, inv, date(2026, 1, 16))
    assert item is not None
    assert (item.figure.interest, item.figure.days, item.figure.compensation) == (D("0.41"), 15, D(0))
    assert invoice_interest(db, inv, date(2026, 1, 1)) is None  # due that day: not late yet


def test_a_part_payment_stops_interest_on_what_it_paid_from_the_next_day(db: Database) -> None:
    acme = client(db, "ACME")
    set_client_interest_policy(db, acme, TEN_PERCENT)
    inv = invoice(db, acme, date(2026, 1, 1), "1000.00")
    pay(db, acme, date(2026, 1, 11), "500.00")
    item = invoice_interest(db, inv, date(2026, 1, 21))
    assert item is not None
    # 10 days on 1,000.00 and 10 days on 500.00 at 10 %: 2.739... + 1.369... = 4.11
    assert item.figure.interest == D("4.11")


def test_statutory_interest_with_the_compensation_bands(db: Database) -> None:
    acme = client(db, "ACME")
    set_company_interest_policy(db, InterestPolicy.statutory_uk())
    with pytest.raises(ValidationError, match="no Bank of England base rate"):
        invoice(db, acme, date(2026, 3, 1), "999.99")
        client_interest(db, acme, date(2026, 3, 11))
    set_base_rate(db, date(2024, 1, 1), D("5.00"))
    set_base_rate(db, date(2026, 2, 1), D("3.50"))  # not in force on 31 Dec: the half-year keeps 5.00
    for amount in ("1000.00", "9999.99", "10000.00"):
        invoice(db, acme, date(2026, 3, 1), amount)
    found = client_interest(db, acme, date(2026, 3, 11))
    figures = [(i.number, i.figure.interest, i.figure.compensation) for i in found.invoices]
    assert figures == [
        ("INV-00001", D("3.56"), D("40.00")),
        ("INV-00002", D("3.56"), D("70.00")),
        ("INV-00003", D("35.62"), D("70.00")),
        ("INV-00004", D("35.62"), D("100.00")),
    ]
    assert (found.interest, found.compensation) == (D("78.36"), D("280.00"))
    assert [r.effective_from for r in base_rates(db)] == [date(2024, 1, 1), date(2026, 2, 1)]
    delete_base_rate(db, date(2026, 2, 1))
    assert len(base_rates(db)) == 1


def test_interest_is_charged_only_on_command_and_never_twice(db: Database) -> None:
    acme = client(db, "ACME")
    set_client_interest_policy(db, acme, TEN_PERCENT)
    invoice(db, acme, date(2026, 1, 1), "100.00")
    before = exposure(db, acme, date(2026, 1, 31))
    assert client_interest(db, acme, date(2026, 1, 16)).uncharged == D("0.41")
    assert exposure(db, acme, date(2026, 1, 31)) == before  # working it out changes nothing

    first = raise_interest_invoice(db, acme, date(2026, 1, 16))
    assert lines_of(db, first) == [
        ("Late-payment interest on invoice INV-00001 (due 2026-01-01), 15 days to 2026-01-16", 41)
    ]
    assert exposure(db, acme, date(2026, 1, 31)) == before + 41
    with pytest.raises(LedgerError, match="no interest is due"):
        raise_interest_invoice(db, acme, date(2026, 1, 16))

    second = raise_interest_invoice(db, acme, date(2026, 1, 31))  # 30 days: 0.82, of which 0.41 charged
    assert lines_of(db, second) == [
        ("Late-payment interest on invoice INV-00001 (due 2026-01-01), 30 days to 2026-01-31", 41)
    ]
    with UnitOfWork(db) as uow:
        numbers = uow.session.scalars(select(Invoice.number).where(Invoice.client_id == acme)).all()
    assert sorted(numbers) == ["INV-00001", "INV-00002", "INV-00003"]
    # Interest invoices bear no interest themselves.
    later = client_interest(db, acme, date(2026, 6, 30))
    assert [i.number for i in later.invoices] == ["INV-00001"]


def test_statutory_charge_has_compensation_lines_once(db: Database) -> None:
    acme = client(db, "ACME")
    set_client_interest_policy(db, acme, InterestPolicy.statutory_uk())
    set_base_rate(db, date(2024, 1, 1), D("5.00"))
    invoice(db, acme, date(2026, 3, 1), "1000.00")
    first = raise_interest_invoice(db, acme, date(2026, 3, 11))
    assert lines_of(db, first) == [
        ("Late-payment interest on invoice INV-00001 (due 2026-03-01), 10 days to 2026-03-11", 356),
        ("Fixed compensation for late payment of invoice INV-00001", 7000),
    ]
    second = raise_interest_invoice(db, acme, date(2026, 3, 21))
    assert lines_of(db, second) == [
        ("Late-payment interest on invoice INV-00001 (due 2026-03-01), 20 days to 2026-03-21", 356)
    ]
