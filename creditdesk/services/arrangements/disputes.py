"""Disputed invoices: opened with a reason, listed with their age, resolved with an outcome.

An open dispute takes its invoice out of the chasing schedule (``Invoice.disputed``
mirrors it, and planning as of a past day reads the dispute rows); resolving it
puts the invoice back, at the stage it had reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditdesk.domain.disputes import Dispute, DisputeOutcome, DisputeReason, disputed_invoice_ids
from creditdesk.domain.errors import LedgerError, NotFoundError, ValidationError
from creditdesk.domain.money import currency_exponent, format_plain, from_minor
from creditdesk.domain.validation import check_text
from creditdesk.services.company.settings import company_in
from creditdesk.services.ledger.payments import CreditNoteInput, issue_credit_note_in
from creditdesk.store.activity import log_activity, on_day
from creditdesk.store.database import Database
from creditdesk.store.models import Client, DisputeRow, Invoice
from creditdesk.store.queries.ledger import invoice_applied
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)
NOTES_MAX_LENGTH = 2000


@dataclass(frozen=True)
class DisputeView:
    id: int
    invoice_id: int
    invoice_number: str
    client_id: int
    client_name: str
    reason: DisputeReason
    notes: str
    opened_on: date
    resolved_on: date | None
    outcome: DisputeOutcome | None
    age_days: int  # open: to the day asked about; resolved: to the day it was resolved
    open_amount: Decimal  # what the invoice still owes now


def _dispute_of(row: DisputeRow) -> Dispute:
    return Dispute(
        row.id,
        row.invoice_id,
        DisputeReason(row.reason),
        row.opened_on,
        row.notes,
        row.resolved_on,
        None if row.outcome is None else DisputeOutcome(row.outcome),
    )


def open_dispute(db: Database, invoice_id: int, reason: DisputeReason, notes: str, on: date) -> int:
    """Mark an invoice disputed: it leaves the chasing schedule until the dispute is resolved."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFoundError("this invoice no longer exists")
        if invoice.status != "issued":
            raise LedgerError(
                f"invoice {invoice.number} is {invoice.status}; only issued invoices are disputed"
            )
        if on < invoice.issue_date:
            raise ValidationError(
                f"a dispute cannot open on {on.isoformat()}, before invoice {invoice.number} was issued"
            )
        already = session.scalar(
            select(DisputeRow.id).where(DisputeRow.invoice_id == invoice_id, DisputeRow.resolved_on.is_(None))
        )
        if already is not None:
            raise LedgerError(f"invoice {invoice.number} is already disputed; resolve that dispute first")
        text = check_text(notes, field="the notes", max_length=NOTES_MAX_LENGTH)
        Dispute(0, invoice_id, reason, on, text)  # the rules (another reason needs a note)
        row = DisputeRow(
            invoice_id=invoice_id, client_id=invoice.client_id, reason=reason.value, notes=text, opened_on=on
        )
        session.add(row)
        invoice.disputed = True
        session.flush()
        log_activity(
            session,
            invoice.client_id,
            "dispute",
            f"Invoice {invoice.number} disputed ({reason.label})" + (f": {text}" if text else ""),
            invoice_id=invoice_id,
            at=on_day(on),
        )
        uow.commit()
        return row.id


def resolve_dispute(
    db: Database,
    dispute_id: int,
    outcome: DisputeOutcome,
    on: date,
    notes: str = "",
    credit_amount: Decimal | None = None,
) -> int | None:
    """Close a dispute with its outcome; the invoice goes back to the schedule.

    A credit-note outcome credits what the invoice still owes; a partial
    credit credits ``credit_amount``; either way the credit note is issued
    and applied to the invoice in the same transaction. Returns its id.
    """
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        row = session.get(DisputeRow, dispute_id)
        if row is None:
            raise NotFoundError("this dispute no longer exists")
        if row.resolved_on is not None:
            raise LedgerError("this dispute is already resolved")
        invoice = session.get(Invoice, row.invoice_id)
        assert invoice is not None
        exponent = currency_exponent(company_in(session).currency)
        text = check_text(notes, field="the notes", max_length=NOTES_MAX_LENGTH)
        Dispute(row.id, row.invoice_id, DisputeReason(row.reason), row.opened_on, row.notes, on, outcome)
        owed = from_minor(invoice.gross - invoice_applied(session.connection(), invoice.id), exponent)
        amount: Decimal | None = None
        if outcome is DisputeOutcome.CREDIT_NOTE:
            amount = owed
            if amount <= ZERO:
                raise LedgerError(f"invoice {invoice.number} owes nothing, so there is nothing to credit")
        elif outcome is DisputeOutcome.PARTIAL_CREDIT:
            if credit_amount is None or credit_amount <= ZERO:
                raise ValidationError("a partial credit needs the amount to credit")
            if credit_amount > owed:
                raise LedgerError(
                    f"a credit of {format_plain(credit_amount, exponent)} is more than the "
                    f"{format_plain(owed, exponent)} invoice {invoice.number} still owes"
                )
            amount = credit_amount
        elif credit_amount is not None:
            raise ValidationError("a dispute resolved in our favour raises no credit note")
        note_id: int | None = None
        if amount is not None:
            reason = f"Dispute on {invoice.number} resolved: {outcome.label.lower()}"
            note_id = issue_credit_note_in(
                session, CreditNoteInput(invoice.client_id, on, amount, invoice.id, reason)
            ).id
        row.resolved_on = on
        row.outcome = outcome.value
        row.resolution_notes = text
        row.credit_note_id = note_id
        invoice.disputed = False
        log_activity(
            session,
            invoice.client_id,
            "dispute",
            f"Dispute on invoice {invoice.number} resolved: {outcome.label}" + (f". {text}" if text else ""),
            invoice_id=invoice.id,
            at=on_day(on),
        )
        uow.commit()
        return note_id


def open_dispute_invoice_ids_in(session: Session, as_of: date) -> frozenset[int]:
    """Invoices with a dispute open on ``as_of`` (for planning as of a past day)."""
    rows = session.scalars(select(DisputeRow).where(DisputeRow.opened_on <= as_of)).all()
    return disputed_invoice_ids((_dispute_of(r) for r in rows), as_of)


def open_disputes_by_client_in(session: Session, as_of: date) -> dict[int, int]:
    """How many disputes each client has open on ``as_of``."""
    counts: dict[int, int] = {}
    for row in session.scalars(select(DisputeRow).where(DisputeRow.opened_on <= as_of)):
        if _dispute_of(row).is_open(as_of):
            counts[row.client_id] = counts.get(row.client_id, 0) + 1
    return counts


def dispute_views_in(session: Session, as_of: date, *, include_resolved: bool = False) -> list[DisputeView]:
    exponent = currency_exponent(company_in(session).currency)
    query = (
        select(DisputeRow, Invoice.number, Invoice.gross, Client.name)
        .join(Invoice, Invoice.id == DisputeRow.invoice_id)
        .join(Client, Client.id == DisputeRow.client_id)
        .where(DisputeRow.opened_on <= as_of)
    )
    views = []
    conn = session.connection()
    for row, number, gross, name in session.execute(query):
        dispute = _dispute_of(row)
        if not include_resolved and not dispute.is_open(as_of):
            continue
        views.append(
            DisputeView(
                id=row.id,
                invoice_id=row.invoice_id,
                invoice_number=number,
                client_id=row.client_id,
                client_name=name,
                reason=dispute.reason,
                notes=row.notes,
                opened_on=row.opened_on,
                resolved_on=dispute.resolved_on
                if dispute.resolved_on and dispute.resolved_on <= as_of
                else None,
                outcome=dispute.outcome if dispute.resolved_on and dispute.resolved_on <= as_of else None,
                age_days=dispute.age_days(as_of),
                open_amount=from_minor(gross - invoice_applied(conn, row.invoice_id), exponent),
            )
        )
    views.sort(key=lambda v: (v.opened_on, v.id))
    return views


def disputes(db: Database, as_of: date, *, include_resolved: bool = False) -> list[DisputeView]:
    """The disputes list: open on ``as_of`` (and resolved ones when asked), oldest first, with their age."""
    with UnitOfWork(db) as uow:
        return dispute_views_in(uow.session, as_of, include_resolved=include_resolved)


def waiting_disputes_in(session: Session, as_of: date, days: int) -> list[DisputeView]:
    """Open disputes at least ``days`` old (``domain.disputes.waiting_too_long``), oldest first."""
    return [v for v in dispute_views_in(session, as_of) if v.age_days >= days]
