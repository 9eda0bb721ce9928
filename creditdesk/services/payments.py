"""Recording money received (payments and credit notes) and applying it to invoices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditdesk.domain.allocation import AllocationResult, OpenInvoice, allocate_payment
from creditdesk.domain.errors import LedgerError, ValidationError
from creditdesk.domain.money import currency_exponent, format_plain, from_minor, to_minor
from creditdesk.domain.validation import check_text
from creditdesk.services.company import company_in
from creditdesk.store.activity import log_activity
from creditdesk.store.database import Database
from creditdesk.store.models import AllocationRow, Client, CreditNote, Invoice, Payment
from creditdesk.store.queries import open_invoices_of
from creditdesk.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class PaymentInput:
    client_id: int
    date: date
    amount: Decimal
    method: str = ""
    reference: str = ""
    invoice_id: int | None = None  # the invoice the payer named, if any


@dataclass(frozen=True)
class Receipt:
    """What became of money received: where it went and what stays on account."""

    id: int
    result: AllocationResult


def open_invoices(session: Session, client_id: int, exponent: int) -> list[OpenInvoice]:
    rows = open_invoices_of(session.connection(), client_id)
    return [OpenInvoice(i, n, iss, due, from_minor(amt, exponent)) for i, n, iss, due, amt in rows]


def _named_invoice(session: Session, client: Client, invoice_id: int | None) -> Invoice | None:
    if invoice_id is None:
        return None
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise ValidationError("the invoice named does not exist")
    if invoice.client_id != client.id:
        raise LedgerError(f"invoice {invoice.number} belongs to another client")
    if invoice.status != "issued":
        raise LedgerError(f"invoice {invoice.number} is {invoice.status}; money cannot be applied to it")
    return invoice


def _apply(
    session: Session,
    client: Client,
    received_on: date,
    amount: Decimal,
    exponent: int,
    named: Invoice | None,
    source: dict[str, int],
) -> AllocationResult:
    result = allocate_payment(
        amount, received_on, open_invoices(session, client.id, exponent), None if named is None else named.id
    )
    issued = {}
    if result.allocations:
        ids = [a.invoice_id for a in result.allocations]
        issued = dict(
            session.execute(select(Invoice.id, Invoice.issue_date).where(Invoice.id.in_(ids))).all()
        )
    for alloc in result.allocations:
        session.add(
            AllocationRow(
                invoice_id=alloc.invoice_id,
                # Money cannot take effect on an invoice before the invoice exists.
                date=max(received_on, issued[alloc.invoice_id]),
                amount=to_minor(alloc.amount, exponent),
                **source,
            )
        )
    return result


def record_payment_in(session: Session, data: PaymentInput) -> Receipt:
    company = company_in(session)
    exponent = currency_exponent(company.currency)
    client = session.get(Client, data.client_id)
    if client is None:
        raise ValidationError("choose the client who paid")
    if data.amount <= 0:
        raise ValidationError(f"a payment must be more than zero (got {data.amount})")
    named = _named_invoice(session, client, data.invoice_id)
    payment = Payment(
        client_id=client.id,
        date=data.date,
        amount=to_minor(data.amount, exponent),
        method=check_text(data.method, field="method", max_length=30),
        reference=check_text(data.reference, field="reference", max_length=100),
    )
    session.add(payment)
    session.flush()
    result = _apply(session, client, data.date, data.amount, exponent, named, {"payment_id": payment.id})
    text = f"Payment of {format_plain(data.amount, exponent)} received"
    if result.on_account > 0:
        text += f"; {format_plain(result.on_account, exponent)} on account"
    log_activity(session, client.id, "payment", text)
    session.flush()
    return Receipt(payment.id, result)


def record_payment(db: Database, data: PaymentInput) -> Receipt:
    with UnitOfWork(db) as uow:
        receipt = record_payment_in(uow.session, data)
        uow.commit()
        return receipt


@dataclass(frozen=True)
class CreditNoteInput:
    client_id: int
    date: date
    amount: Decimal
    invoice_id: int | None = None  # the invoice it reduces; None: on account
    reason: str = ""
    number: str | None = None


def issue_credit_note_in(session: Session, data: CreditNoteInput) -> Receipt:
    company = company_in(session)
    exponent = currency_exponent(company.currency)
    client = session.get(Client, data.client_id)
    if client is None:
        raise ValidationError("choose the client to credit")
    if data.amount <= 0:
        raise ValidationError(f"a credit note must be more than zero (got {data.amount})")
    named = _named_invoice(session, client, data.invoice_id)
    number = data.number
    if number is None:
        number = (
            f"{company.credit_note_prefix}{company.credit_note_next_number:0{company.invoice_number_digits}d}"
        )
        company.credit_note_next_number += 1
    note = CreditNote(
        number=number,
        client_id=client.id,
        invoice_id=None if named is None else named.id,
        date=data.date,
        amount=to_minor(data.amount, exponent),
        reason=data.reason,
    )
    session.add(note)
    session.flush()
    result = (
        _apply(session, client, data.date, data.amount, exponent, named, {"credit_note_id": note.id})
        if named is not None
        else AllocationResult((), data.amount)  # a credit note naming no invoice sits on account
    )
    log_activity(
        session, client.id, "credit_note", f"Credit note {number} for {format_plain(data.amount, exponent)}"
    )
    session.flush()
    return Receipt(note.id, result)


def issue_credit_note(db: Database, data: CreditNoteInput) -> Receipt:
    with UnitOfWork(db) as uow:
        receipt = issue_credit_note_in(uow.session, data)
        uow.commit()
        return receipt
