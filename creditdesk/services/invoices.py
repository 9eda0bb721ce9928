"""Raising invoices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus, invoice_totals
from creditdesk.domain.money import currency_exponent, to_minor
from creditdesk.domain.terms import resolve_due_date
from creditdesk.domain.validation import check_code, check_text
from creditdesk.services.clients import client_terms
from creditdesk.services.company import company_in
from creditdesk.store.activity import log_activity
from creditdesk.store.database import Database
from creditdesk.store.models import Client, Company, Invoice, InvoiceLineRow
from creditdesk.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class InvoiceInput:
    client_id: int
    issue_date: date
    lines: Sequence[InvoiceLine]
    due_date: date | None = None  # None: from the client's terms
    number: str | None = None  # None: the company's next number
    reference: str = ""
    notes: str = ""
    status: InvoiceStatus = InvoiceStatus.ISSUED


def next_invoice_number(session: Session, company: Company) -> str:
    """The next free number in the company's series (skipping numbers taken by imports)."""
    while True:
        number = f"{company.invoice_prefix}{company.invoice_next_number:0{company.invoice_number_digits}d}"
        company.invoice_next_number += 1
        if session.scalar(select(Invoice.id).where(Invoice.number == number)) is None:
            return number


def invoice_number_taken(session: Session, number: str) -> bool:
    return session.scalar(select(Invoice.id).where(Invoice.number == number)) is not None


def create_invoice_in(session: Session, data: InvoiceInput) -> Invoice:
    company = company_in(session)
    client = session.get(Client, data.client_id)
    if client is None:
        raise ValidationError("choose a client for the invoice")
    if not data.lines:
        raise ValidationError("an invoice needs at least one line")
    if data.number is None:
        number = next_invoice_number(session, company)
    else:
        number = check_code(data.number, field="invoice number", max_length=40)
        if invoice_number_taken(session, number):
            raise ValidationError(f"invoice number '{number}' is already used")
    exponent = currency_exponent(company.currency)
    due = resolve_due_date(data.issue_date, data.due_date, client_terms(session, client))
    totals = invoice_totals(data.lines, exponent)
    invoice = Invoice(
        number=number,
        client_id=client.id,
        issue_date=data.issue_date,
        due_date=due,
        currency=company.currency,
        reference=check_text(data.reference, field="reference", max_length=100),
        status=data.status.value,
        notes=data.notes,
        net=to_minor(totals.net, exponent),
        tax=to_minor(totals.tax, exponent),
        gross=to_minor(totals.gross, exponent),
        lines=[
            InvoiceLineRow(
                position=pos,
                description=line.description,
                quantity=line.quantity,
                unit_price=to_minor(line.unit_price, exponent),
                tax_rate=line.tax_rate,
            )
            for pos, line in enumerate(data.lines, start=1)
        ],
    )
    session.add(invoice)
    session.flush()
    if data.status is InvoiceStatus.ISSUED:
        log_activity(session, client.id, "invoice", f"Invoice {number} issued", invoice_id=invoice.id)
    return invoice


def create_invoice(db: Database, data: InvoiceInput) -> int:
    with UnitOfWork(db) as uow:
        invoice = create_invoice_in(uow.session, data)
        uow.commit()
        return invoice.id
