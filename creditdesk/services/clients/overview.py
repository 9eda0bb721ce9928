"""What the Clients tab shows: the list of every client and one client in detail.

The list's balance and overdue figures come from ``run_aging``, so they agree
with the Aging tab to the cent. One client's detail is read with indexed
per-client queries and its balance is worked out by the domain's reference
aging over that client's ledger alone (the SQL aging is tested to agree with
it), so opening a client stays quick however big the company file is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from creditdesk.domain.aging import (
    AgingReport,
    ClientRef,
    LedgerAllocation,
    LedgerInvoice,
    LedgerReceipt,
    aging_report,
    sort_key,
)
from creditdesk.domain.behaviour import InvoiceHistory, PaymentBehaviour, payment_behaviour
from creditdesk.domain.errors import NotFoundError
from creditdesk.domain.formats import Formats
from creditdesk.domain.invoice import InvoiceState, InvoiceStatus, invoice_state
from creditdesk.domain.money import from_minor
from creditdesk.services.company.settings import company_in, terms_of
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database
from creditdesk.store.models import Client, PaymentTermsRow
from creditdesk.store.queries.clients import (
    client_activities,
    client_allocations,
    client_credit_notes,
    client_invoices,
    client_ledger_balance,
    client_list,
    client_payments,
    last_contact_of,
    last_contacts,
    oldest_overdue_due_dates,
)
from creditdesk.store.queries.company import company_exponent
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)
USAGE_PLACES = Decimal("0.01")  # whole percent: the figure shown, rounded once


@dataclass(frozen=True)
class ClientRow:
    """One line of the client list, as of a date."""

    id: int
    code: str
    name: str
    email: str
    balance: Decimal  # what the Aging tab shows as the client's total (money on account netted off)
    overdue: Decimal
    oldest_overdue_days: int | None  # days past due of the oldest overdue invoice; None: nothing overdue
    credit_limit: Decimal | None  # None: no limit
    credit_usage: Decimal | None  # balance owed / limit (1 = at the limit); None: no limit or a zero limit
    terms: str
    last_contact: date | None  # the latest logged note, call, email or meeting
    on_hold: bool
    do_not_chase: bool
    archived: bool

    @property
    def over_limit(self) -> bool:
        return self.credit_limit is not None and self.balance > self.credit_limit


def credit_usage(balance: Decimal, limit: Decimal | None) -> Decimal | None:
    """Share of the limit in use; money on account does not make it negative."""
    if limit is None or limit <= ZERO:
        return None
    return (max(balance, ZERO) / limit).quantize(USAGE_PLACES, ROUND_HALF_UP)


def client_rows(db: Database, as_of: date, aging: Callable[[], AgingReport] | None = None) -> list[ClientRow]:
    """Every client (archived ones too, flagged), sorted by name as people expect.

    ``aging`` hands over the due-basis aging as of the same day when the caller
    shares one; it is asked for last, so these queries run while another thread
    may still be working it out.
    """
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        exponent = company_exponent(conn)
        clients = client_list(conn)
        oldest = oldest_overdue_due_dates(conn, as_of)
        contacts = last_contacts(conn)
    report = aging() if aging is not None else run_aging(db, as_of)
    figures = {row.client_id: (row.total, row.overdue) for row in report.rows}
    rows = []
    for client in clients:
        cid = client.id
        balance, overdue = figures.get(cid, (ZERO, ZERO))
        limit = None if client.credit_limit is None else from_minor(client.credit_limit, exponent)
        oldest_due = oldest.get(cid)
        contact = contacts.get(cid)
        rows.append(
            ClientRow(
                id=cid,
                code=client.code,
                name=client.name,
                email=client.email,
                balance=balance,
                overdue=overdue,
                oldest_overdue_days=None if oldest_due is None else (as_of - oldest_due).days,
                credit_limit=limit,
                credit_usage=credit_usage(balance, limit),
                terms=client.terms_name,
                last_contact=None if contact is None else contact.date(),
                on_hold=client.on_hold,
                do_not_chase=client.do_not_chase,
                archived=client.archived,
            )
        )
    rows.sort(key=lambda r: (sort_key(r.name), sort_key(r.code)))
    return rows


# --- one client -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenInvoiceItem:
    """An invoice with money still owed on it on the day asked about."""

    id: int
    number: str
    issue_date: date
    due_date: date
    reference: str
    gross: Decimal
    open: Decimal
    days_overdue: int  # 0 when not yet past due
    state: InvoiceState  # open, overdue or disputed


@dataclass(frozen=True)
class TimelineEntry:
    """Something that happened with a client: a document, money received or a logged note."""

    day: date
    at: datetime | None  # the time, for logged notes
    kind: str  # "invoice", "payment", "credit_note", or the logged activity's kind ("note", ...)
    label: str  # the kind in words: "Invoice", "Payment", "Credit note", "Note"
    number: str  # the document number, or ""
    text: str  # payment method, credit note reason or the note itself
    amount: Decimal | None
    reference: str = ""  # invoices: the client's reference; payments: the payer's reference
    invoice_id: int | None = None  # the invoice it is (or names)
    due_date: date | None = None  # invoices
    state: InvoiceState | None = None  # invoices, as of the day asked about
    applied_to: tuple[str, ...] = ()  # payments and credit notes: invoice numbers the money went to
    on_account: Decimal = ZERO  # payments and credit notes: what was not applied to any invoice


@dataclass(frozen=True)
class ClientDetail:
    id: int
    code: str
    name: str
    contact_name: str
    email: str
    phone: str
    address: str
    notes: str
    terms: str
    credit_limit: Decimal | None
    credit_used: Decimal  # the balance owed, never below zero
    credit_remaining: Decimal | None  # negative when over the limit; None: no limit
    credit_usage: Decimal | None  # as in the list: used / limit; None: no limit or a zero limit
    on_hold: bool
    do_not_chase: bool
    archived: bool
    as_of: date
    balance: Decimal
    overdue: Decimal
    on_account: Decimal  # money received and not yet applied, as a positive figure
    behaviour: PaymentBehaviour
    open_invoices: tuple[OpenInvoiceItem, ...]  # oldest due first
    timeline: tuple[TimelineEntry, ...]  # newest first
    last_contact: date | None
    archive_blocker: str | None  # why the client cannot be archived now; None: it can

    @property
    def over_limit(self) -> bool:
        return self.credit_remaining is not None and self.credit_remaining < ZERO


def kind_label(kind: str) -> str:
    return {"credit_note": "Credit note"}.get(kind, kind.replace("_", " ").capitalize())


def archive_blocker(balance_minor: int, formats: Formats) -> str | None:
    """Archived clients drop out of the list, so one who still owes or is owed money cannot be."""
    if balance_minor == 0:
        return None
    amount = formats.money(from_minor(abs(balance_minor), formats.exponent))
    if balance_minor > 0:
        return (
            f"This client still owes {amount}. Archived clients are hidden from the client list, "
            "so record the payment or issue a credit note before archiving."
        )
    return (
        f"This client has {amount} on account. Archived clients are hidden from the client list, "
        "so refund or use the money before archiving."
    )


@dataclass(frozen=True)
class _Who:
    code: str
    name: str
    contact_name: str
    email: str
    phone: str
    address: str
    notes: str
    credit_limit: int | None
    on_hold: bool
    do_not_chase: bool
    archived: bool


def client_detail(db: Database, client_id: int, as_of: date) -> ClientDetail:
    """One client as of a date: who they are, what they owe, how they pay and what happened."""
    with UnitOfWork(db) as uow:
        session = uow.session
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError("this client no longer exists; it may have been removed by an import")
        company = company_in(session)
        conn = session.connection()
        exponent = company_exponent(conn)
        terms_row = session.get(PaymentTermsRow, client.terms_id)
        assert terms_row is not None
        invoices = client_invoices(conn, client_id)
        allocations = client_allocations(conn, client_id)
        payments = client_payments(conn, client_id)
        notes = client_credit_notes(conn, client_id)
        activities = client_activities(conn, client_id)
        contact = last_contact_of(conn, client_id)
        ledger_balance = client_ledger_balance(conn, client_id)
        formats = Formats(company.currency, company.locale, exponent)
        terms_name = terms_row.name or terms_of(terms_row).describe()
        # Read now: the unit of work's rollback on exit expires the row.
        who = _Who(
            client.code,
            client.name,
            client.contact_name,
            client.email,
            client.phone,
            client.address,
            client.notes,
            client.credit_limit,
            client.on_hold,
            client.do_not_chase,
            client.archived,
        )

    amounts: dict[int, Decimal] = {}

    def money(minor: int) -> Decimal:
        value = amounts.get(minor)  # the same amounts recur (an invoice, its payment, its allocation)
        if value is None:
            value = amounts[minor] = from_minor(minor, exponent)
        return value

    issued = [inv for inv in invoices if inv.status == InvoiceStatus.ISSUED.value]
    number_of = {inv.id: inv.number for inv in invoices}

    # Balance and overdue: the reference aging over this client's ledger alone.
    report = aging_report(
        (LedgerInvoice(i.id, client_id, i.issue_date, i.due_date, money(i.gross)) for i in issued),
        (LedgerAllocation(a.invoice_id, a.date, money(a.amount)) for a in allocations),
        [LedgerReceipt(client_id, p.date, money(p.amount)) for p in payments]
        + [LedgerReceipt(client_id, n.date, money(n.amount)) for n in notes],
        {client_id: ClientRef(client_id, who.code, who.name)},
        as_of,
    )
    row = report.row_for(client_id)
    balance = ZERO if row is None else row.total
    overdue = ZERO if row is None else row.overdue
    on_account = ZERO if row is None else -row.unallocated

    # Per invoice: what was applied by the day asked about, payments and when it was settled.
    applied_by_as_of: dict[int, int] = defaultdict(int)
    paid_by: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    settled_on: dict[int, date] = {}
    running: dict[int, int] = defaultdict(int)
    gross_of = {i.id: i.gross for i in issued}
    applied_from: dict[tuple[str, int], list[str]] = defaultdict(list)
    applied_total: dict[tuple[str, int], int] = defaultdict(int)
    for alloc in allocations:  # oldest first
        iid, day, amount = alloc.invoice_id, alloc.date, alloc.amount
        if day <= as_of:
            applied_by_as_of[iid] += amount
        if alloc.payment_id is not None:
            paid_by[iid].append((day, money(amount)))
            source = ("payment", alloc.payment_id)
        else:
            assert alloc.credit_note_id is not None
            source = ("credit_note", alloc.credit_note_id)
        if number_of[iid] not in applied_from[source]:
            applied_from[source].append(number_of[iid])
        applied_total[source] += amount
        running[iid] += amount
        if iid not in settled_on and running[iid] >= gross_of[iid]:
            settled_on[iid] = day

    behaviour = payment_behaviour(
        (
            InvoiceHistory(
                issue_date=i.issue_date,
                due_date=i.due_date,
                gross=money(i.gross),
                payments=tuple(paid_by.get(i.id, ())),
                settled_on=i.issue_date if i.gross == 0 else settled_on.get(i.id),
            )
            for i in issued
        ),
        as_of,
    )

    open_items = []
    states: dict[int, InvoiceState] = {}
    for inv in invoices:
        is_issued = inv.status == InvoiceStatus.ISSUED.value
        open_minor = inv.gross - applied_by_as_of.get(inv.id, 0) if is_issued else 0
        state = invoice_state(InvoiceStatus(inv.status), money(open_minor), inv.due_date, inv.disputed, as_of)
        states[inv.id] = state
        if is_issued and inv.issue_date <= as_of and open_minor > 0:
            open_items.append(
                OpenInvoiceItem(
                    id=inv.id,
                    number=inv.number,
                    issue_date=inv.issue_date,
                    due_date=inv.due_date,
                    reference=inv.reference,
                    gross=money(inv.gross),
                    open=money(open_minor),
                    days_overdue=max(0, (as_of - inv.due_date).days),
                    state=state,
                )
            )
    open_items.sort(key=lambda item: (item.due_date, item.issue_date, item.number))

    # The timeline, newest first; within a day, in the order things were recorded.
    keyed: list[tuple[date, datetime, int, int, TimelineEntry]] = []
    for inv in invoices:
        entry = TimelineEntry(
            day=inv.issue_date,
            at=None,
            kind="invoice",
            label="Invoice",
            number=inv.number,
            text="",
            reference=inv.reference,
            amount=money(inv.gross),
            invoice_id=inv.id,
            due_date=inv.due_date,
            state=states[inv.id],
        )
        keyed.append((inv.issue_date, inv.created_at, 0, inv.id, entry))
    for pay in payments:
        source = ("payment", pay.id)
        entry = TimelineEntry(
            day=pay.date,
            at=None,
            kind="payment",
            label="Payment",
            number="",
            text=pay.method,
            reference=pay.reference,
            amount=money(pay.amount),
            applied_to=tuple(applied_from.get(source, ())),
            on_account=money(pay.amount - applied_total.get(source, 0)),
        )
        keyed.append((pay.date, pay.created_at, 2, pay.id, entry))
    for note in notes:
        source = ("credit_note", note.id)
        entry = TimelineEntry(
            day=note.date,
            at=None,
            kind="credit_note",
            label="Credit note",
            number=note.number,
            text=note.reason,
            amount=money(note.amount),
            invoice_id=note.invoice_id,
            applied_to=tuple(applied_from.get(source, ())),
            on_account=money(note.amount - applied_total.get(source, 0)),
        )
        keyed.append((note.date, note.created_at, 1, note.id, entry))
    for act in activities:
        entry = TimelineEntry(
            day=act.at.date(),
            at=act.at,
            kind=act.kind,
            label=kind_label(act.kind),
            number=number_of.get(act.invoice_id, "") if act.invoice_id is not None else "",
            text=act.text,
            amount=None,
            invoice_id=act.invoice_id,
        )
        keyed.append((act.at.date(), act.at, 3, act.id, entry))
    keyed.sort(key=lambda k: k[:4], reverse=True)

    limit = None if who.credit_limit is None else money(who.credit_limit)
    used = max(balance, ZERO)
    return ClientDetail(
        id=client_id,
        code=who.code,
        name=who.name,
        contact_name=who.contact_name,
        email=who.email,
        phone=who.phone,
        address=who.address,
        notes=who.notes,
        terms=terms_name,
        credit_limit=limit,
        credit_used=used,
        credit_remaining=None if limit is None else limit - used,
        credit_usage=credit_usage(balance, limit),
        on_hold=who.on_hold,
        do_not_chase=who.do_not_chase,
        archived=who.archived,
        as_of=as_of,
        balance=balance,
        overdue=overdue,
        on_account=on_account,
        behaviour=behaviour,
        open_invoices=tuple(open_items),
        timeline=tuple(k[4] for k in keyed),
        last_contact=None if contact is None else contact.date(),
        archive_blocker=None if who.archived else archive_blocker(ledger_balance, formats),
    )
