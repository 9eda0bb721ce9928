"""The bank entries the user works through: confirm a suggestion, assign a payer, ignore, undo.

Each action is one transaction. Confirming or assigning records the payment
exactly as an applied entry would have been; undoing removes that payment and
everything it was applied to in one step, so the invoices are open again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from creditdesk.domain.allocation import Allocation
from creditdesk.domain.errors import LedgerError, NotFoundError
from creditdesk.domain.matching import Outcome, iban_key, payer_name_key
from creditdesk.domain.money import currency_exponent, format_plain, from_minor, to_minor
from creditdesk.services.bank.reasons import UNDONE
from creditdesk.services.bank.statement_import import BANK_METHOD
from creditdesk.services.company.settings import company_in
from creditdesk.services.ledger.invoices import formats_of
from creditdesk.services.ledger.payments import EARLY_PAYMENT_DISCOUNT_REASON, PaymentInput, record_payment_in
from creditdesk.store.activity import log_activity
from creditdesk.store.database import Database
from creditdesk.store.models import (
    AllocationRow,
    BankEntry,
    BankEntryInvoice,
    Client,
    CreditNote,
    KnownPayer,
    Payment,
)
from creditdesk.store.queries.bank import bank_entries, entries_to_look_at
from creditdesk.store.unit_of_work import UnitOfWork

WAITING = (Outcome.SUGGESTED.value, Outcome.UNMATCHED.value)
IGNORED = "ignored"  # the user's word for an entry that is not a customer's payment
IN_THE_BOOKS = (Outcome.APPLIED.value, Outcome.LINKED.value)  # its money is a payment in the books


@dataclass(frozen=True)
class BankEntryView:
    id: int
    booked: date
    amount: Decimal
    payer_name: str
    payer_iban: str
    text: str
    status: Outcome | str  # "ignored" is the user's, not the matcher's
    reason: str
    client_id: int | None
    client_name: str
    payment_id: int | None
    invoices: str


def list_bank_entries(db: Database, status: str | Sequence[str] | None = None) -> list[BankEntryView]:
    """Every entry, newest first, or those of one status or of several (``WAITING``, say)."""
    statuses = (status,) if isinstance(status, str) else status
    with UnitOfWork(db) as uow:
        exponent = currency_exponent(company_in(uow.session).currency)
        rows = bank_entries(uow.session.connection(), statuses)
    return [
        BankEntryView(
            row.id,
            row.booked,
            from_minor(row.amount, exponent),
            row.payer_name,
            row.payer_iban,
            row.text,
            row.status,
            row.reason,
            row.client_id,
            row.client_name or "",
            row.payment_id,
            row.invoices,
        )
        for row in rows
    ]


def count_entries_to_look_at(db: Database) -> int:
    with UnitOfWork(db) as uow:
        return entries_to_look_at(uow.session.connection())


def confirm_entries(db: Database, entry_ids: Sequence[int]) -> int:
    """Record the payment each suggestion proposed; all or none. Returns how many were confirmed."""
    with UnitOfWork(db, write=True) as uow:
        for entry_id in entry_ids:
            entry = _entry(uow.session, entry_id)
            if entry.status != Outcome.SUGGESTED.value or entry.client_id is None:
                raise LedgerError(
                    f"{_described(uow.session, entry)} is not a suggestion waiting to be confirmed "
                    f"(it is {entry.status}); refresh the list to see what was done with it"
                )
            try:
                _record(uow.session, entry, entry.client_id, _proposed(uow.session, entry))
            except LedgerError as exc:  # the invoices changed since the statement was read
                raise LedgerError(
                    f"{_described(uow.session, entry)} can no longer be confirmed as suggested "
                    f"({exc.message}); assign it to the client instead, to apply it to what is open now"
                ) from exc
        uow.commit()
    return len(entry_ids)


def assign_entry(db: Database, entry_id: int, client_id: int, *, remember: bool = True) -> None:
    """The payer is this client: record the payment by the house rules and, if asked, remember the payer."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        entry = _entry(session, entry_id)
        if entry.status not in WAITING:
            raise LedgerError(
                f"{_described(session, entry)} is {entry.status}; only a waiting entry can be assigned"
            )
        if session.get(Client, client_id) is None:
            raise NotFoundError(f"there is no client {client_id}")
        session.execute(delete(BankEntryInvoice).where(BankEntryInvoice.bank_entry_id == entry.id))
        _record(session, entry, client_id, None)
        if remember:
            _remember(session, entry, client_id)
        uow.commit()


def ignore_entry(db: Database, entry_id: int) -> None:
    """Not a customer's payment (a refund, a transfer between accounts): kept, but no longer waiting."""
    ignore_entries(db, [entry_id])


def ignore_entries(db: Database, entry_ids: Sequence[int]) -> int:
    """Ignore several waiting entries; all or none. Returns how many were ignored."""
    with UnitOfWork(db, write=True) as uow:
        for entry_id in entry_ids:
            entry = _entry(uow.session, entry_id)
            if entry.status not in WAITING:
                raise LedgerError(
                    f"{_described(uow.session, entry)} is {entry.status}; only a waiting entry can be ignored"
                )
            entry.status = IGNORED
        uow.commit()
    return len(entry_ids)


def undo_entry(db: Database, entry_id: int) -> None:
    """Take back what was done with an entry: its payment and allocations go, and it waits again.

    A linked entry's payment was entered by hand, so it stays; only the link goes.
    """
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        entry = _entry(session, entry_id)
        payment_id = entry.payment_id
        entry.payment_id = None
        session.flush()  # the entry lets go of the payment before the payment goes
        if entry.status == Outcome.APPLIED.value and payment_id is not None:
            _remove_payment(session, payment_id)
        elif entry.status not in (Outcome.LINKED.value, IGNORED):
            raise LedgerError(f"{_described(session, entry)} is {entry.status}; there is nothing to undo")
        session.execute(delete(BankEntryInvoice).where(BankEntryInvoice.bank_entry_id == entry.id))
        entry.client_id = None
        entry.status = Outcome.UNMATCHED.value
        entry.reason = UNDONE
        uow.commit()


def _entry(session: Session, entry_id: int) -> BankEntry:
    entry = session.get(BankEntry, entry_id)
    if entry is None:
        raise NotFoundError(f"there is no bank entry {entry_id}")
    return entry


def _described(session: Session, entry: BankEntry) -> str:
    """The entry as the user knows it from the Bank view: amount, payer and day, not its id."""
    fmt = formats_of(company_in(session))
    amount = fmt.money(from_minor(entry.amount, fmt.exponent))
    payer = entry.payer_name or entry.payer_iban
    if payer:
        return f"the bank payment of {amount} from {payer} on {fmt.day(entry.booked)}"
    return f"the bank payment of {amount} on {fmt.day(entry.booked)}"


def _proposed(session: Session, entry: BankEntry) -> list[Allocation] | None:
    exponent = currency_exponent(company_in(session).currency)
    rows = session.scalars(select(BankEntryInvoice).where(BankEntryInvoice.bank_entry_id == entry.id)).all()
    return [Allocation(row.invoice_id, from_minor(row.amount, exponent)) for row in rows] or None


def _record(session: Session, entry: BankEntry, client_id: int, allocations: list[Allocation] | None) -> None:
    exponent = currency_exponent(company_in(session).currency)
    receipt = record_payment_in(
        session,
        PaymentInput(
            client_id,
            entry.booked,
            from_minor(entry.amount, exponent),
            method=BANK_METHOD,
            reference=entry.bank_reference[:100],
        ),
        allocations,
    )
    session.execute(delete(BankEntryInvoice).where(BankEntryInvoice.bank_entry_id == entry.id))
    session.flush()
    for allocation in receipt.result.allocations:
        session.add(
            BankEntryInvoice(
                bank_entry_id=entry.id,
                invoice_id=allocation.invoice_id,
                amount=to_minor(allocation.amount, exponent),
            )
        )
    entry.client_id = client_id
    entry.payment_id = receipt.id
    entry.status = Outcome.APPLIED.value


def _remember(session: Session, entry: BankEntry, client_id: int) -> None:
    """The payer's IBAN, else its name, now means this client for the next statement."""
    iban = iban_key(entry.payer_iban)
    name_key = "" if iban else payer_name_key(entry.payer_name)
    if not iban and not name_key:
        return
    found = session.scalars(
        select(KnownPayer).where(KnownPayer.iban == iban, KnownPayer.name_key == name_key)
    ).first()
    if found is None:
        session.add(KnownPayer(client_id=client_id, iban=iban, name_key=name_key))
    else:
        found.client_id = client_id


def _remove_payment(session: Session, payment_id: int) -> None:
    payment = session.get(Payment, payment_id)
    if payment is None:
        return
    exponent = currency_exponent(company_in(session).currency)
    invoices = set(
        session.scalars(select(AllocationRow.invoice_id).where(AllocationRow.payment_id == payment_id))
    )
    # The early-payment discount this payment earned goes with it: it was issued for this money only.
    discounts = session.scalars(
        select(CreditNote).where(
            CreditNote.client_id == payment.client_id,
            CreditNote.date == payment.date,
            CreditNote.reason == EARLY_PAYMENT_DISCOUNT_REASON,
            CreditNote.invoice_id.in_(invoices),
        )
    ).all()
    for note in discounts:
        session.execute(delete(AllocationRow).where(AllocationRow.credit_note_id == note.id))
        session.delete(note)
    session.execute(delete(AllocationRow).where(AllocationRow.payment_id == payment_id))
    log_activity(
        session,
        payment.client_id,
        "payment",
        f"Payment of {format_plain(from_minor(payment.amount, exponent), exponent)} from the bank undone",
    )
    session.delete(payment)
    session.flush()
