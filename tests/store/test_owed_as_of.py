"""Every query built on ``store.queries.owed`` agrees with ``domain.aging.open_amounts``.

Random ledgers are built through the services: part payments, credit notes,
money dated after the day asked about, and voided invoices.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, select

from creditdesk.domain.aging import Basis, LedgerInvoice, open_amounts
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.domain.money import ZERO, from_minor
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice, void_invoice
from creditdesk.services.ledger.payments import (
    CreditNoteInput,
    PaymentInput,
    issue_credit_note,
    record_payment,
)
from creditdesk.store.database import Database, open_database
from creditdesk.store.models import AllocationRow
from creditdesk.store.queries.chasing import chase_open_invoices
from creditdesk.store.queries.clients import oldest_overdue_due_dates, risk_sums
from creditdesk.store.queries.ledger import invoice_list_chunks
from creditdesk.store.queries.reports import aging_sums, client_open_items
from creditdesk.store.unit_of_work import UnitOfWork
from tests.random_ledger import START, Action, action_or_void, allocations, build, issued_invoices


def domain_owed(db: Database, as_of: date) -> tuple[dict[int, D], dict[int, LedgerInvoice]]:
    """What the domain says is owed per invoice on ``as_of``, and the invoices it read."""
    with UnitOfWork(db) as uow:
        s = uow.session
        invoices = {invoice.id: invoice for invoice in issued_invoices(s)}
        applied = allocations(s)
    return open_amounts(invoices.values(), applied, as_of), invoices


def check_queries(conn: Connection, clients: list[int], as_of: date, expected: dict[int, D]) -> None:
    owing = {iid: owed for iid, owed in expected.items() if owed != ZERO}

    per_client: dict[int, D] = {}
    for client in clients:
        for item in client_open_items(conn, client, as_of, 2):
            per_client[item.id] = item.open
    assert per_client == owing

    chased = {row.id: row.owed for row in chase_open_invoices(conn, as_of, date(2100, 1, 1), 2)}
    assert chased == {iid: owed for iid, owed in owing.items() if owed > ZERO}

    listed: dict[int, D] = {}
    for chunk in invoice_list_chunks(conn, as_of, size=7):
        for iid, gross, applied in zip(chunk.ids, chunk.gross, chunk.applied, strict=True):
            if iid in expected:
                listed[iid] = from_minor(gross - applied)
    assert listed == expected

    for basis in Basis:
        open_rows, _on_account = aging_sums(conn, as_of, basis, 2)
        assert sum((row.open for row in open_rows), ZERO) == sum(expected.values(), ZERO)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(action_or_void, max_size=25), st.lists(st.integers(0, 300), min_size=1, max_size=3))
def test_every_query_on_the_block_agrees_with_the_domain(actions: list[Action], offsets: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "owed.sqlite", create=True)
        try:
            clients = build(db, actions, "Owed Co")
            with UnitOfWork(db) as uow:  # a day money was applied on: the rule's edge
                applied_on = uow.session.scalars(select(AllocationRow.date).limit(1)).all()
            for as_of in [*(START + timedelta(days=offset) for offset in offsets), *applied_on]:
                expected, invoices = domain_owed(db, as_of)
                with UnitOfWork(db) as uow:
                    conn = uow.session.connection()
                    check_queries(conn, clients, as_of, expected)

                    oldest: dict[int, date] = {}
                    client_open: dict[int, D] = defaultdict(lambda: ZERO)
                    for iid, owed in expected.items():
                        invoice = invoices[iid]
                        client_open[invoice.client_id] += owed
                        if owed > ZERO and invoice.due_date < as_of:
                            known = oldest.get(invoice.client_id, invoice.due_date)
                            oldest[invoice.client_id] = min(known, invoice.due_date)
                    assert oldest_overdue_due_dates(conn, as_of) == oldest
                    risk_open = {
                        cid: from_minor(open_) for cid, _j, _t, _inv, open_, _o, _d in risk_sums(conn, as_of)
                    }
                    assert risk_open == dict(client_open)
        finally:
            db.close()


def test_a_fixed_ledger_owes_what_the_domain_says() -> None:
    """Part payment, a credit, money after the day, and a voided invoice, checked by hand too."""
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "owed.sqlite", create=True)
        try:
            create_company(db, "Owed Co", "EUR", "en_GB")
            client = add_client(db, ClientInput("C1", "Client 1", terms=PaymentTerms(30)))
            line = InvoiceLine("x", D(1), D("100.00"))
            first = create_invoice(db, InvoiceInput(client, START, [line]))
            second = create_invoice(db, InvoiceInput(client, START, [line]))
            voided = create_invoice(db, InvoiceInput(client, START, [line]))
            record_payment(db, PaymentInput(client, START + timedelta(days=5), D("30.00"), invoice_id=first))
            issue_credit_note(
                db, CreditNoteInput(client, START + timedelta(days=6), D("20.00"), invoice_id=first)
            )
            record_payment(
                db, PaymentInput(client, START + timedelta(days=50), D("40.00"), invoice_id=second)
            )
            void_invoice(db, voided)
            as_of = START + timedelta(days=10)
            expected, _invoices = domain_owed(db, as_of)
            assert expected == {first: D("50.00"), second: D("100.00")}
            with UnitOfWork(db) as uow:
                check_queries(uow.session.connection(), [client], as_of, expected)
        finally:
            db.close()
