"""Random ledgers built through the services, for the tests that hold SQL figures against the domain's."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from creditdesk.domain.aging import LedgerAllocation, LedgerInvoice
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.domain.money import from_minor
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
from creditdesk.store.database import Database
from creditdesk.store.models import AllocationRow, Invoice

START = date(2025, 10, 1)
amounts = st.integers(min_value=1, max_value=200_000).map(lambda c: D(c) / 100)
days = st.integers(min_value=0, max_value=240)

# (kind, client index, day offset, amount, extra): for an invoice, extra is its terms in days;
# for a payment or credit note, a non-zero extra names the client's latest invoice; a void
# voids the client's latest issued invoice.
Action = tuple[str, int, int, D, int]
_money_in = (
    st.tuples(st.just("invoice"), st.integers(0, 2), days, amounts, st.integers(0, 60)),
    st.tuples(st.sampled_from(["payment", "credit"]), st.integers(0, 2), days, amounts, st.integers(0, 1)),
)
action: st.SearchStrategy[Action] = st.one_of(*_money_in)
action_or_void: st.SearchStrategy[Action] = st.one_of(
    *_money_in, st.tuples(st.just("void"), st.integers(0, 2), days, amounts, st.just(0))
)


def build(db: Database, actions: list[Action], company: str) -> list[int]:
    """A company with three clients and the actions applied in order; the client ids."""
    create_company(db, company, "EUR", "en_GB")
    clients = [add_client(db, ClientInput(f"C{i}", f"Client {i}", terms=PaymentTerms(30))) for i in range(3)]
    invoices: dict[int, list[int]] = {c: [] for c in clients}
    for kind, who, offset, amount, extra in actions:
        client = clients[who]
        when = START + timedelta(days=offset)
        if kind == "invoice":
            line = InvoiceLine("x", D(1), amount)
            due = when + timedelta(days=extra)
            invoices[client].append(create_invoice(db, InvoiceInput(client, when, [line], due_date=due)))
        elif kind == "void":
            if invoices[client]:
                void_invoice(db, invoices[client].pop())
        else:
            named = invoices[client][-1] if extra and invoices[client] else None
            if kind == "payment":
                record_payment(db, PaymentInput(client, when, amount, invoice_id=named))
            else:
                issue_credit_note(db, CreditNoteInput(client, when, amount, invoice_id=named))
    return clients


def issued_invoices(session: Session) -> list[LedgerInvoice]:
    return [
        LedgerInvoice(i.id, i.client_id, i.issue_date, i.due_date, from_minor(i.gross))
        for i in session.scalars(select(Invoice).where(Invoice.status == "issued"))
    ]


def allocations(session: Session) -> list[LedgerAllocation]:
    return [
        LedgerAllocation(a.invoice_id, a.date, from_minor(a.amount))
        for a in session.scalars(select(AllocationRow))
    ]
