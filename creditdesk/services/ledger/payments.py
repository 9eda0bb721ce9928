"""Recording money received (payments and credit notes) and applying it to invoices.

Money is applied by the house rules (the invoice the payer named, otherwise
oldest first) or exactly as a person chose in the payment dialog; either way
``check_allocations`` has the last word. Money on account is applied later
only when someone asks, dated the day they do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditdesk.domain.allocation import (
    Allocation,
    AllocationResult,
    OpenInvoice,
    allocate_payment,
    check_allocations,
)
from creditdesk.domain.discounts import discount_applies
from creditdesk.domain.errors import LedgerError, NotFoundError, ValidationError
from creditdesk.domain.formats import Formats
from creditdesk.domain.money import currency_exponent, format_plain, from_minor, to_minor
from creditdesk.domain.ranges import check_amount, check_date
from creditdesk.domain.validation import check_text
from creditdesk.services.clients.records import client_terms
from creditdesk.services.company.settings import company_in
from creditdesk.store.activity import log_activity
from creditdesk.store.database import Database
from creditdesk.store.models import AllocationRow, Client, Company, CreditNote, Invoice, Payment
from creditdesk.store.queries.ledger import open_invoices_of, unapplied_receipts_of
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)
METHOD_MAX_LENGTH = 30
REFERENCE_MAX_LENGTH = 100
REASON_MAX_LENGTH = 500


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
    return [OpenInvoice(r.id, r.number, r.issue_date, r.due_date, from_minor(r.open, exponent)) for r in rows]


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


def _formats(company: Company) -> Formats:
    return Formats(company.currency, company.locale, currency_exponent(company.currency))


def _check_chosen(
    chosen: Sequence[Allocation],
    open_by_id: dict[int, OpenInvoice],
    available: Decimal,
    what: str,
    formats: Formats,
) -> Decimal:
    """``check_allocations`` with messages that name the invoice; returns what stays on account."""
    per_invoice: dict[int, Decimal] = {}
    for alloc in chosen:
        per_invoice[alloc.invoice_id] = per_invoice.get(alloc.invoice_id, ZERO) + alloc.amount
    for invoice_id, amount in per_invoice.items():
        invoice = open_by_id.get(invoice_id)
        if invoice is not None and amount > invoice.open_amount:
            raise LedgerError(
                f"{formats.money(amount)} for invoice {invoice.number} is more than the "
                f"{formats.money(invoice.open_amount)} still owed on it"
            )
    total = sum(per_invoice.values(), ZERO)
    if total > available:
        raise LedgerError(
            f"{formats.money(total)} allocated is more than the {formats.money(available)} {what}"
        )
    return check_allocations(available, {i: inv.open_amount for i, inv in open_by_id.items()}, chosen)


def take_credit_note_number(company: Company) -> str:
    """The next credit note number, counted on (the caller's transaction keeps it if it commits)."""
    number = (
        f"{company.credit_note_prefix}{company.credit_note_next_number:0{company.invoice_number_digits}d}"
    )
    company.credit_note_next_number += 1
    return number


def record_payment_in(
    session: Session, data: PaymentInput, allocations: Sequence[Allocation] | None = None
) -> Receipt:
    """Record a payment; ``allocations`` None applies it by the house rules, else exactly as chosen."""
    company = company_in(session)
    exponent = currency_exponent(company.currency)
    client = session.get(Client, data.client_id)
    if client is None:
        raise ValidationError("choose the client who paid")
    if data.amount <= 0:
        raise ValidationError(f"a payment must be more than zero (got {data.amount})")
    check_amount(data.amount, field="the payment's amount")
    check_date(data.date, field="the payment's date")
    if allocations is not None and data.invoice_id is not None:
        raise ValidationError("either name the invoice paid or choose the allocations, not both")
    named = _named_invoice(session, client, data.invoice_id)
    payment = Payment(
        client_id=client.id,
        date=data.date,
        amount=to_minor(data.amount, exponent),
        method=check_text(data.method, field="method", max_length=METHOD_MAX_LENGTH),
        reference=check_text(data.reference, field="reference", max_length=REFERENCE_MAX_LENGTH),
    )
    session.add(payment)
    session.flush()
    source = {"payment_id": payment.id}
    if allocations is None:
        result = _apply(session, client, data.date, data.amount, exponent, named, source)
    else:
        open_by_id = {i.id: i for i in open_invoices(session, client.id, exponent)}
        left = _check_chosen(allocations, open_by_id, data.amount, "received", _formats(company))
        for alloc in allocations:
            session.add(
                AllocationRow(
                    invoice_id=alloc.invoice_id,
                    date=max(data.date, open_by_id[alloc.invoice_id].issue_date),
                    amount=to_minor(alloc.amount, exponent),
                    **source,
                )
            )
        result = AllocationResult(tuple(allocations), left)
    text = f"Payment of {format_plain(data.amount, exponent)} received"
    if result.on_account > 0:
        text += f"; {format_plain(result.on_account, exponent)} on account"
    log_activity(session, client.id, "payment", text)
    session.flush()
    for invoice_id in dict.fromkeys(a.invoice_id for a in result.allocations):
        apply_early_payment_discount_in(session, invoice_id, payment.id)
    return Receipt(payment.id, result)


def record_payment(
    db: Database, data: PaymentInput, allocations: Sequence[Allocation] | None = None
) -> Receipt:
    """One payment, one transaction; see ``record_payment_in`` for ``allocations``."""
    with UnitOfWork(db, write=True) as uow:
        receipt = record_payment_in(uow.session, data, allocations)
        uow.commit()
        return receipt


def suggest_allocations(amount: Decimal, on: date, invoices: Sequence[OpenInvoice]) -> dict[int, Decimal]:
    """How ``amount`` would be applied by the house rules (oldest first), to pre-fill a dialog."""
    if amount <= ZERO:
        return {}
    return {a.invoice_id: a.amount for a in allocate_payment(amount, on, invoices).allocations}


@dataclass
class _Source:
    """A payment or credit note with money left, while it is being applied (minor units)."""

    kind: str
    id: int
    left: int


def allocate_on_account(
    db: Database, client_id: int, allocations: Sequence[Allocation], on: date
) -> AllocationResult:
    """Apply a client's money on account to invoices they choose, dated ``on`` (the day it is done).

    Money received by ``on`` is used oldest first, payments and credit notes
    alike; one allocation may draw on several of them. Past reports do not
    change: before ``on`` the money was on account, and stays so in them.
    """
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        company = company_in(session)
        formats = _formats(company)
        exponent = formats.exponent
        client = session.get(Client, client_id)
        if client is None:
            raise ValidationError("choose the client whose money on account to allocate")
        if not allocations:
            raise ValidationError("enter an amount against at least one invoice")
        sources = [
            _Source(r.kind, r.id, r.left)
            for r in unapplied_receipts_of(session.connection(), client_id)
            if r.date <= on
        ]
        available = from_minor(sum(s.left for s in sources), exponent)
        if available <= ZERO:
            raise LedgerError(f"{client.name} has no money on account to allocate")
        open_by_id = {i.id: i for i in open_invoices(session, client.id, exponent)}
        left = _check_chosen(allocations, open_by_id, available, "on account", formats)
        for alloc in allocations:
            need = to_minor(alloc.amount, exponent)
            invoice = open_by_id[alloc.invoice_id]
            while need > 0:
                source = sources[0]
                take = min(need, source.left)
                session.add(
                    AllocationRow(
                        invoice_id=invoice.id,
                        date=max(on, invoice.issue_date),
                        amount=take,
                        payment_id=source.id if source.kind == "payment" else None,
                        credit_note_id=source.id if source.kind == "credit_note" else None,
                    )
                )
                need -= take
                source.left -= take
                if source.left == 0:
                    sources.pop(0)
        total = sum((a.amount for a in allocations), ZERO)
        numbers = ", ".join(dict.fromkeys(open_by_id[a.invoice_id].number for a in allocations))
        log_activity(
            session, client.id, "allocation", f"{formats.money(total)} on account applied to {numbers}"
        )
        uow.commit()
        return AllocationResult(tuple(allocations), left)


# --- reading allocation tables as people type ---------------------------------------------------


@dataclass(frozen=True)
class AllocationForm:
    """An allocation table as typed: what reads correctly and what does not."""

    allocations: tuple[Allocation, ...]  # the non-zero amounts, in the table's order
    allocated: Decimal
    left_over: Decimal  # stays on account (never negative: over-allocation is a problem)
    problems: tuple[tuple[int | None, str], ...]  # (row or None for the whole table, message)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_amount(text: str, formats: Formats, *, field: str = "amount") -> Decimal:
    """A money amount typed in the company's locale, more than zero."""
    amount = formats.parse_amount(text, field=field)
    if amount <= ZERO:
        raise ValidationError(f"{field} must be more than zero")
    return amount


def read_allocation_form(
    available: Decimal,
    invoices: Sequence[OpenInvoice],
    texts: Sequence[str],
    formats: Formats,
    *,
    what: str = "received",
) -> AllocationForm:
    """Read one amount per open invoice (blank means none) against the money ``available``."""
    problems: list[tuple[int | None, str]] = []
    chosen: list[Allocation] = []
    for row, (invoice, text) in enumerate(zip(invoices, texts, strict=True)):
        if not text.strip():
            continue
        try:
            amount = formats.parse_amount(text, field=f"the amount for {invoice.number}")
        except ValidationError as exc:
            problems.append((row, exc.message))
            continue
        if amount < ZERO:
            problems.append((row, f"the amount for {invoice.number} cannot be negative"))
        elif amount > invoice.open_amount:
            problems.append(
                (
                    row,
                    f"{formats.money(amount)} for {invoice.number} is more than the "
                    f"{formats.money(invoice.open_amount)} still owed on it",
                )
            )
        elif amount > ZERO:
            chosen.append(Allocation(invoice.id, amount))
    allocated = sum((a.amount for a in chosen), ZERO)
    if allocated > available:
        problems.append(
            (None, f"{formats.money(allocated)} allocated is more than the {formats.money(available)} {what}")
        )
    return AllocationForm(tuple(chosen), allocated, max(available - allocated, ZERO), tuple(problems))


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
    check_amount(data.amount, field="the credit note's amount")
    check_date(data.date, field="the credit note's date")
    named = _named_invoice(session, client, data.invoice_id)
    number = data.number
    if number is None:
        number = take_credit_note_number(company)
    note = CreditNote(
        number=number,
        client_id=client.id,
        invoice_id=None if named is None else named.id,
        date=data.date,
        amount=to_minor(data.amount, exponent),
        reason=check_text(data.reason, field="the reason", max_length=REASON_MAX_LENGTH),
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
    with UnitOfWork(db, write=True) as uow:
        receipt = issue_credit_note_in(uow.session, data)
        uow.commit()
        return receipt


# --- early-payment discounts -----------------------------------------------------------------------

EARLY_PAYMENT_DISCOUNT_REASON = "Early-payment discount"


def apply_early_payment_discount_in(session: Session, invoice_id: int, payment_id: int) -> Decimal | None:
    """Write off the discount a payment earned on an invoice, as a credit note applied to it.

    ``domain.discounts.discount_applies`` decides: the payment is dated by the
    deadline of the client's terms and settles the discounted amount. The
    open amount is what the invoice owed before this payment's money; the
    credit note is dated the payment's day. Returns the discount, or None.
    """
    invoice = session.get(Invoice, invoice_id)
    payment = session.get(Payment, payment_id)
    if invoice is None or payment is None or invoice.client_id != payment.client_id:
        raise NotFoundError("the invoice or the payment no longer exists")
    client = session.get(Client, invoice.client_id)
    assert client is not None
    exponent = currency_exponent(invoice.currency)
    session.flush()
    rows = session.execute(
        select(AllocationRow.payment_id, AllocationRow.amount).where(AllocationRow.invoice_id == invoice.id)
    ).all()
    from_this = sum(amount for pid, amount in rows if pid == payment.id)
    from_others = sum(amount for pid, amount in rows if pid != payment.id)
    if from_this <= 0:
        return None
    open_before = from_minor(invoice.gross - from_others, exponent)
    discount = discount_applies(
        client_terms(session, client),
        invoice.issue_date,
        payment.date,
        open_before,
        from_minor(from_this, exponent),
        exponent,
        gross=from_minor(invoice.gross, exponent),
    )
    if discount is None:
        return None
    issue_credit_note_in(
        session,
        CreditNoteInput(client.id, payment.date, discount, invoice.id, EARLY_PAYMENT_DISCOUNT_REASON),
    )
    return discount


def apply_early_payment_discount(db: Database, invoice_id: int, payment_id: int) -> Decimal | None:
    """``apply_early_payment_discount_in`` in its own transaction (record_payment calls it itself)."""
    with UnitOfWork(db, write=True) as uow:
        discount = apply_early_payment_discount_in(uow.session, invoice_id, payment_id)
        uow.commit()
        return discount
