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
    for cid, code, name, email, limit_minor, on_hold, no_chase, archived, terms in clients:
        balance, overdue = figures.get(cid, (ZERO, ZERO))
        limit = None if limit_minor is None else from_minor(limit_minor, exponent)
        oldest_due = oldest.get(cid)
        contact = contacts.get(cid)
        rows.append(
            ClientRow(
                id=cid,
                code=code,
                name=name,
                email=email,
                balance=balance,
                overdue=overdue,
                oldest_overdue_days=None if oldest_due is None else (as_of - oldest_due).days,
                credit_limit=limit,
                credit_usage=credit_usage(balance, limit),
                terms=terms,
                last_contact=None if contact is None else contact.date(),
                on_hold=on_hold,
                do_not_chase=no_chase,
                archived=archived,
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

    issued = [inv for inv in invoices if inv[5] == InvoiceStatus.ISSUED.value]
    number_of = {inv[0]: inv[1] for inv in invoices}

    # Balance and overdue: the reference aging over this client's ledger alone.
    report = aging_report(
        (LedgerInvoice(i[0], client_id, i[2], i[3], money(i[4])) for i in issued),
        (LedgerAllocation(inv, day, money(amount)) for inv, day, amount, _, _ in allocations),
        [LedgerReceipt(client_id, p[1], money(p[2])) for p in payments]
        + [LedgerReceipt(client_id, n[2], money(n[3])) for n in notes],
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
    gross_of = {i[0]: i[4] for i in issued}
    applied_from: dict[tuple[str, int], list[str]] = defaultdict(list)
    applied_total: dict[tuple[str, int], int] = defaultdict(int)
    for inv, day, amount, payment_id, note_id in allocations:  # oldest first
        if day <= as_of:
            applied_by_as_of[inv] += amount
        if payment_id is not None:
            paid_by[inv].append((day, money(amount)))
            source = ("payment", payment_id)
        else:
            assert note_id is not None
            source = ("credit_note", note_id)
        if number_of[inv] not in applied_from[source]:
            applied_from[source].append(number_of[inv])
        applied_total[source] += amount
        running[inv] += amount
        if inv not in settled_on and running[inv] >= gross_of[inv]:
            settled_on[inv] = day

    behaviour = payment_behaviour(
        (
            InvoiceHistory(
                issue_date=issue,
                due_date=due,
                gross=money(gross),
                payments=tuple(paid_by.get(iid, ())),
                settled_on=issue if gross == 0 else settled_on.get(iid),
            )
            for iid, _, issue, due, gross, *_ in issued
        ),
        as_of,
    )

    open_items = []
    states: dict[int, InvoiceState] = {}
    for iid, number, issue, due, gross, status, disputed, reference, _ in invoices:
        open_minor = gross - applied_by_as_of.get(iid, 0) if status == InvoiceStatus.ISSUED.value else 0
        state = invoice_state(InvoiceStatus(status), money(open_minor), due, disputed, as_of)
        states[iid] = state
        if status == InvoiceStatus.ISSUED.value and issue <= as_of and open_minor > 0:
            open_items.append(
                OpenInvoiceItem(
                    id=iid,
                    number=number,
                    issue_date=issue,
                    due_date=due,
                    reference=reference,
                    gross=money(gross),
                    open=money(open_minor),
                    days_overdue=max(0, (as_of - due).days),
                    state=state,
                )
            )
    open_items.sort(key=lambda item: (item.due_date, item.issue_date, item.number))

    # The timeline, newest first; within a day, in the order things were recorded.
    keyed: list[tuple[date, datetime, int, int, TimelineEntry]] = []
    for iid, number, issue, due, gross, _, _, reference, created in invoices:
        entry = TimelineEntry(
            day=issue,
            at=None,
            kind="invoice",
            label="Invoice",
            number=number,
            text="",
            reference=reference,
            amount=money(gross),
            invoice_id=iid,
            due_date=due,
            state=states[iid],
        )
        keyed.append((issue, created, 0, iid, entry))
    for pid, day, amount, method, reference, created in payments:
        source = ("payment", pid)
        entry = TimelineEntry(
            day=day,
            at=None,
            kind="payment",
            label="Payment",
            number="",
            text=method,
            reference=reference,
            amount=money(amount),
            applied_to=tuple(applied_from.get(source, ())),
            on_account=money(amount - applied_total.get(source, 0)),
        )
        keyed.append((day, created, 2, pid, entry))
    for nid, number, day, amount, reason, named, created in notes:
        source = ("credit_note", nid)
        entry = TimelineEntry(
            day=day,
            at=None,
            kind="credit_note",
            label="Credit note",
            number=number,
            text=reason,
            amount=money(amount),
            invoice_id=named,
            applied_to=tuple(applied_from.get(source, ())),
            on_account=money(amount - applied_total.get(source, 0)),
        )
        keyed.append((day, created, 1, nid, entry))
    for aid, at, kind, body, invoice_id in activities:
        entry = TimelineEntry(
            day=at.date(),
            at=at,
            kind=kind,
            label=kind_label(kind),
            number=number_of.get(invoice_id, "") if invoice_id is not None else "",
            text=body,
            amount=None,
            invoice_id=invoice_id,
        )
        keyed.append((at.date(), at, 3, aid, entry))
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
