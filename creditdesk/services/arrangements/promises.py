"""Promises to pay: recorded against invoices, judged open, kept or broken as of any day.

Nothing about a promise's state is stored: it is worked out each time from the
money applied to its invoices (``domain.promises``), so a payment entered late
or a report run for a past day always gives the right answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from creditdesk.domain.errors import LedgerError, NotFoundError, ValidationError
from creditdesk.domain.money import currency_exponent, from_minor, to_minor
from creditdesk.domain.promises import (
    Promise,
    PromiseCheck,
    PromiseRecord,
    PromiseStatus,
    check_promises,
    promise_record,
)
from creditdesk.domain.ranges import check_amount, check_date
from creditdesk.domain.validation import check_text
from creditdesk.services.company.settings import company_in
from creditdesk.store.activity import log_activity, on_day
from creditdesk.store.database import Database
from creditdesk.store.models import Client, PromiseInvoice, PromiseRow
from creditdesk.store.queries.arrangements import InvoiceFacts, invoice_amounts, money_applied_to
from creditdesk.store.queries.company import company_exponent
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)
NOTES_MAX_LENGTH = 1000


@dataclass(frozen=True)
class PromiseInput:
    client_id: int
    invoice_ids: Sequence[int]
    amount: Decimal
    promised_date: date
    made_on: date
    notes: str = ""


@dataclass(frozen=True)
class PromiseView:
    id: int
    client_id: int
    client_name: str
    invoice_ids: tuple[int, ...]
    invoice_numbers: tuple[str, ...]
    amount: Decimal
    promised_date: date
    made_on: date
    notes: str
    status: PromiseStatus
    received: Decimal  # counted towards the promise so far
    open_amount: Decimal  # what the covered invoices still owe on the day
    kept_on: date | None
    broken_on: date | None


def checked_invoices(session: Session, client_id: int, invoice_ids: Sequence[int], what: str) -> list[int]:
    """The invoice ids, each an issued invoice of the client, or a message saying which is not."""
    ids = sorted(set(invoice_ids))
    if not ids:
        raise ValidationError(f"choose at least one invoice for the {what}")
    conn = session.connection()
    found = invoice_amounts(conn, ids, company_exponent(conn))
    for iid in ids:
        if iid not in found:
            raise NotFoundError("one of the invoices chosen no longer exists")
        if found[iid].client_id != client_id:
            raise LedgerError(f"invoice {found[iid].number} belongs to another client")
        if found[iid].status != "issued":
            raise LedgerError(f"invoice {found[iid].number} is {found[iid].status}, not issued")
    return ids


def record_promise(db: Database, data: PromiseInput) -> int:
    """Record "we will pay ``amount`` by ``promised_date``"; its invoices are not chased while it is open."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        exponent = currency_exponent(company_in(session).currency)
        client = session.get(Client, data.client_id)
        if client is None:
            raise NotFoundError("this client no longer exists")
        ids = checked_invoices(session, client.id, data.invoice_ids, "promise")
        check_amount(data.amount, field="the promised amount")
        check_date(data.made_on, field="the day the promise is made")
        check_date(data.promised_date, field="the promised date")
        Promise(0, client.id, frozenset(ids), data.amount, data.promised_date, data.made_on)  # the rules
        if data.amount != from_minor(to_minor(data.amount, exponent), exponent):
            raise ValidationError(
                f"the promised amount {data.amount} has more than {exponent} decimal places"
            )
        row = PromiseRow(
            client_id=client.id,
            amount=to_minor(data.amount, exponent),
            promised_date=data.promised_date,
            made_on=data.made_on,
            notes=check_text(data.notes, field="the notes", max_length=NOTES_MAX_LENGTH),
            invoices=[PromiseInvoice(invoice_id=i) for i in ids],
        )
        session.add(row)
        session.flush()
        numbers = invoice_amounts(session.connection(), ids, exponent)
        log_activity(
            session,
            client.id,
            "promise",
            f"Promised to pay {from_minor(row.amount, exponent):f} by {data.promised_date.isoformat()} "
            f"for {', '.join(numbers[i].number for i in ids)}" + (f". {row.notes}" if row.notes else ""),
            at=on_day(data.made_on),
        )
        uow.commit()
        return row.id


def delete_promise(db: Database, promise_id: int) -> None:
    """Withdraw a promise recorded by mistake; the timeline keeps the entry that it was made."""
    with UnitOfWork(db, write=True) as uow:
        row = uow.session.get(PromiseRow, promise_id)
        if row is None:
            raise NotFoundError("this promise no longer exists")
        log_activity(uow.session, row.client_id, "promise", "Promise to pay withdrawn")
        uow.session.delete(row)
        uow.commit()


@dataclass(frozen=True)
class _Loaded:
    promises: list[Promise]
    notes: dict[int, str]
    checks: dict[int, PromiseCheck]
    open_by_invoice: dict[int, Decimal]
    invoices: dict[int, InvoiceFacts]


def _load(session: Session, as_of: date, client_id: int | None = None) -> _Loaded:
    exponent = currency_exponent(company_in(session).currency)
    query = select(PromiseRow).options(selectinload(PromiseRow.invoices)).where(PromiseRow.made_on <= as_of)
    if client_id is not None:
        query = query.where(PromiseRow.client_id == client_id)
    rows = session.scalars(query).all()
    promises = [
        Promise(
            r.id,
            r.client_id,
            frozenset(link.invoice_id for link in r.invoices),
            from_minor(r.amount, exponent),
            r.promised_date,
            r.made_on,
        )
        for r in rows
    ]
    ids = sorted({i for p in promises for i in p.invoice_ids})
    conn = session.connection()
    invoices = invoice_amounts(conn, ids, exponent)
    receipts: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    applied: dict[int, Decimal] = defaultdict(Decimal)
    for money in money_applied_to(conn, ids, exponent):
        receipts[money.invoice_id].append((money.date, money.amount))
        if money.date <= as_of:
            applied[money.invoice_id] += money.amount
    open_by_invoice = {iid: inv.gross - applied[iid] for iid, inv in invoices.items()}
    checks = check_promises(promises, receipts, open_by_invoice, as_of)
    return _Loaded(promises, {r.id: r.notes for r in rows}, checks, open_by_invoice, invoices)


def open_promise_invoice_ids_in(session: Session, as_of: date) -> frozenset[int]:
    """Invoices under a promise still open on ``as_of``: reminders leave them alone."""
    loaded = _load(session, as_of)
    return frozenset(
        iid
        for p in loaded.promises
        if loaded.checks[p.id].status is PromiseStatus.OPEN
        for iid in p.invoice_ids
    )


def promise_views_in(session: Session, as_of: date, client_id: int | None = None) -> list[PromiseView]:
    loaded = _load(session, as_of, client_id)
    names = dict(session.execute(select(Client.id, Client.name)).all())
    views = []
    for p in loaded.promises:
        check = loaded.checks[p.id]
        ids = tuple(sorted(p.invoice_ids))
        views.append(
            PromiseView(
                id=p.id,
                client_id=p.client_id,
                client_name=names.get(p.client_id, ""),
                invoice_ids=ids,
                invoice_numbers=tuple(loaded.invoices[i].number for i in ids),
                amount=p.amount,
                promised_date=p.promised_date,
                made_on=p.made_on,
                notes=loaded.notes[p.id],
                status=check.status,
                received=check.received,
                open_amount=sum((loaded.open_by_invoice[i] for i in ids), ZERO),
                kept_on=check.kept_on,
                broken_on=check.broken_on,
            )
        )
    views.sort(key=lambda v: (v.promised_date, v.id))
    return views


def promises(db: Database, as_of: date, client_id: int | None = None) -> list[PromiseView]:
    """Every promise made by ``as_of`` (one client's when given), by promised date, as of that day."""
    with UnitOfWork(db) as uow:
        return promise_views_in(uow.session, as_of, client_id)


def promise_records_in(session: Session, as_of: date) -> dict[int, PromiseRecord]:
    """Kept against broken per client, for payment behaviour and the risk rating."""
    loaded = _load(session, as_of)
    statuses: dict[int, list[PromiseStatus]] = defaultdict(list)
    for p in loaded.promises:
        statuses[p.client_id].append(loaded.checks[p.id].status)
    return {cid: promise_record(found) for cid, found in statuses.items()}
