"""Planning reminders from the ledger and queueing them in the outbox.

The rules are ``domain.chasing.plan_reminders``; this module reads what they
need from the file in three set-based queries (open invoices as of the day,
clients, the outbox) and writes the plan into the outbox in one transaction.

What counts as history. Every reminder in the outbox counts, whatever its
status: a draft or approved message is on its way, so planning it again
would send it twice; a failed one waits in the outbox for the user to retry
or cancel it, and planning a fresh copy beside it would do the same; a
cancelled one counts as handled, so the user's "no" to a stage for those
invoices sticks and the invoices move on to the next stage when it falls due
(to chase one again from an earlier stage, set its start stage). Every
status also counts for the minimum gap between reminders to a client, from
the day the reminder was sent, else the day it was planned: a cancelled
reminder therefore also buys the client a quiet week, erring on the side of
fewer messages.

Nothing is written on the client's timeline here: a queued message has not
been said to anyone yet. Sending (or marking a letter printed) records it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session, selectinload

from creditdesk.domain.chasing import (
    Attachment,
    Channel,
    ChaseClient,
    ChaseInvoice,
    PlannedReminder,
    Schedule,
    SentReminder,
    plan_reminders,
)
from creditdesk.domain.errors import ValidationError
from creditdesk.domain.formats import Formats
from creditdesk.domain.money import currency_exponent, to_minor
from creditdesk.mail.default_schedule import DEFAULT_SCHEDULE, PLAN_NUDGES
from creditdesk.mail.templates import (
    ClientContext,
    CompanyContext,
    InvoiceContext,
    ReminderContext,
    TemplateError,
    render_reminder,
)
from creditdesk.services.arrangements.payment_plans import plan_nudges_in
from creditdesk.services.chasing.pauses import paused_invoice_ids_in
from creditdesk.services.chasing.schedules import default_schedule_in, schedule_of
from creditdesk.services.company.settings import company_in
from creditdesk.services.ledger.interest import uncharged_interest_in
from creditdesk.services.ledger.invoices import formats_of
from creditdesk.store.database import Database
from creditdesk.store.dialect import dialect_of
from creditdesk.store.models import ChaseSchedule, Client, Company, Reminder, ReminderInvoice
from creditdesk.store.queries.chasing import (
    ReminderHistoryRow,
    chase_clients,
    chase_open_invoices,
    reminder_history,
)
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)


@dataclass(frozen=True)
class PlanItem:
    """One reminder due as of the plan's day, as the outbox and the CLI show it."""

    client_id: int
    client_code: str
    client_name: str
    stage_key: str
    stage_name: str
    channel: Channel  # after the letter fallback for a client without an email address
    automatic: bool  # queued ready to go, without the user approving it
    invoice_ids: tuple[int, ...]  # in the order the reminder lists them: by due date
    invoice_numbers: tuple[str, ...]
    total: Decimal  # open amount of those invoices on the day
    fee: Decimal | None
    recipient: str  # the billing email for an email; empty for a letter or a call
    dedupe_key: str


@dataclass(frozen=True)
class QueueSummary:
    queued: int
    skipped_existing: int  # planned, but a reminder with the same dedupe key was already in the outbox
    approved: int = 0  # of those queued, how many from automatic stages (ready to go)

    def describe(self) -> str:
        noun = "reminder" if self.queued == 1 else "reminders"
        return f"Queued {self.queued} {noun} ({self.skipped_existing} already in the outbox)"


@dataclass(frozen=True)
class ClientDetails:
    code: str
    name: str
    contact_name: str


@dataclass(frozen=True)
class PlanningInputs:
    """Everything ``plan_reminders`` reads, loaded from the file as of one day."""

    as_of: date
    exponent: int
    default_schedule: Schedule
    clients: tuple[ChaseClient, ...]  # in the order the plan lists them (by name)
    invoices: dict[int, ChaseInvoice]  # open on the day and due early enough to be at a stage
    history: tuple[SentReminder, ...]
    details: dict[int, ClientDetails]

    def plan(self) -> tuple[PlannedReminder, ...]:
        return plan_reminders(
            self.as_of, self.clients, self.invoices.values(), self.history, self.default_schedule
        )


# --- loading ----------------------------------------------------------------------------------------


def _paused_invoice_ids(session: Session, as_of: date) -> frozenset[int]:
    """Invoices under an open promise, a kept plan or an open dispute, or handed over, on ``as_of``."""
    return paused_invoice_ids_in(session, as_of)


def _stored_schedules(session: Session, exponent: int) -> dict[int, Schedule]:
    rows = session.scalars(select(ChaseSchedule).options(selectinload(ChaseSchedule.stages))).all()
    return {row.id: schedule_of(row, exponent) for row in rows}


def planning_inputs_in(session: Session, as_of: date) -> PlanningInputs:
    """Read the day's plan inputs; the default schedule is the stored one, else the shipped one."""
    company = company_in(session)
    exponent = currency_exponent(company.currency)
    schedules = _stored_schedules(session, exponent)
    default = schedules.get(company.chase_schedule_id or 0, DEFAULT_SCHEDULE)
    conn = session.connection()

    clients: list[ChaseClient] = []
    details: dict[int, ClientDetails] = {}
    for client in chase_clients(conn):
        own = None if client.schedule_id is None else schedules.get(client.schedule_id)
        clients.append(ChaseClient(client.id, client.name, client.email, client.do_not_chase, own))
        details[client.id] = ClientDetails(client.code, client.name, client.contact_name)

    # No invoice can be at any stage before the earliest first stage of any schedule.
    earliest = min((s.stages[0].offset_days for s in (default, *schedules.values()) if s.stages), default=0)
    paused = _paused_invoice_ids(session, as_of)
    invoices = {
        row.id: ChaseInvoice(
            row.id,
            row.client_id,
            row.number,
            row.issue_date,
            row.due_date,
            row.gross,
            row.owed,
            row.disputed,
            row.id in paused,
            row.start_stage,
        )
        for row in chase_open_invoices(conn, as_of, as_of - timedelta(days=earliest), exponent)
    }

    covered: dict[int, tuple[ReminderHistoryRow, list[int]]] = {}  # per reminder: its first row, its invoices
    for sent in reminder_history(conn):
        _, ids = covered.setdefault(sent.reminder_id, (sent, []))
        if sent.invoice_id is not None:
            ids.append(sent.invoice_id)
    history = tuple(
        SentReminder(first.client_id, first.stage_key, frozenset(ids), first.day)
        for first, ids in covered.values()
    )
    return PlanningInputs(as_of, exponent, default, tuple(clients), invoices, history, details)


def planning_inputs(db: Database, as_of: date) -> PlanningInputs:
    with UnitOfWork(db) as uow:
        return planning_inputs_in(uow.session, as_of)


# --- planning ---------------------------------------------------------------------------------------


def _in_listing_order(invoices: list[ChaseInvoice]) -> list[ChaseInvoice]:
    """By due date, then as issued (ids follow the order invoices were entered)."""
    if len(invoices) < 2:
        return invoices
    return sorted(invoices, key=lambda i: (i.due_date, i.issue_date, i.id))


def _covered(inputs: PlanningInputs, planned: PlannedReminder) -> list[ChaseInvoice]:
    return _in_listing_order([inputs.invoices[i] for i in planned.invoice_ids])


def _item(inputs: PlanningInputs, planned: PlannedReminder, emails: dict[int, str]) -> PlanItem:
    client = inputs.details[planned.client_id]
    covered = _covered(inputs, planned)
    return PlanItem(
        client_id=planned.client_id,
        client_code=client.code,
        client_name=client.name,
        stage_key=planned.stage.key,
        stage_name=planned.stage.name,
        channel=planned.channel,
        automatic=planned.stage.automatic,
        invoice_ids=tuple(i.id for i in covered),
        invoice_numbers=tuple(i.number for i in covered),
        total=planned.total,
        fee=planned.stage.fee,
        recipient=emails[planned.client_id].strip() if planned.channel is Channel.EMAIL else "",
        dedupe_key=planned.dedupe_key,
    )


def plan(db: Database, as_of: date) -> list[PlanItem]:
    """The reminders due as of ``as_of`` and not yet in the outbox, by client name then stage."""
    inputs = planning_inputs(db, as_of)
    emails = {c.id: c.email for c in inputs.clients}
    return [_item(inputs, planned, emails) for planned in inputs.plan()]


# --- queueing ---------------------------------------------------------------------------------------


def bank_details_text(company: Company) -> str:
    """The company's bank details as lines for a reminder, or empty when it has none to pay into."""
    if not (company.bank_account_number.strip() or company.bank_iban.strip()):
        return ""
    lines = [f"Account name: {company.bank_account_name.strip() or company.name}"]
    if company.bank_sort_code.strip():
        lines.append(f"Sort code: {company.bank_sort_code.strip()}")
    if company.bank_account_number.strip():
        lines.append(f"Account number: {company.bank_account_number.strip()}")
    if company.bank_iban.strip():
        iban = "".join(company.bank_iban.split()).upper()
        lines.append("IBAN: " + " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)))
    if company.bank_bic.strip():
        lines.append(f"BIC: {company.bank_bic.strip().upper()}")
    return "\n".join(lines)


def company_context(company: Company) -> CompanyContext:
    bank = bank_details_text(company)
    return CompanyContext(company.name, bank, company.email.strip(), company.phone.strip())


def reminder_context(
    client: ClientDetails,
    email: str,
    invoices: list[ChaseInvoice],
    total: Decimal,
    as_of: date,
    formats: Formats,
    company: CompanyContext,
    interest: Decimal | None = None,
) -> ReminderContext:
    """What a reminder's templates see: amounts and dates already in the company's locale."""
    return ReminderContext(
        client=ClientContext(client.name, client.contact_name, client.code, email),
        invoices=tuple(
            InvoiceContext(
                number=i.number,
                issue_date=formats.day(i.issue_date),
                due_date=formats.day(i.due_date),
                amount=formats.money(i.gross),
                open_amount=formats.money(i.open_amount),
                days_overdue=(as_of - i.due_date).days,
            )
            for i in invoices
        ),
        total_overdue=formats.money(total),
        company=company,
        payment_reference=client.code,
        statement_date=formats.day(as_of),
        interest_accrued=formats.money(interest) if interest else "",
    )


def _hold_write_lock(session: Session) -> None:
    """Take the file's write lock before reading, so the plan and its inserts see one ledger.

    Without it a sender committing between the two would make SQLite refuse the
    inserts; with it the other writer simply waits its turn (the busy timeout).
    """
    session.execute(text("UPDATE company SET id = id WHERE id = 1"))


def _mentions_interest(*templates: str) -> bool:
    """Only stages that print the interest pay for working it out."""
    return any("interest_accrued" in text for text in templates)


def _interest(
    session: Session, client_id: int, as_of: date, known: dict[int, Decimal | None]
) -> Decimal | None:
    if client_id not in known:
        client = session.get(Client, client_id)
        known[client_id] = None if client is None else uncharged_interest_in(session, client, as_of)
    return known[client_id]


def _nudge_rows(
    session: Session,
    as_of: date,
    formats: Formats,
    sender: CompanyContext,
    links: dict[str, tuple[int, ...]],
    exponent: int,
) -> list[dict[str, object]]:
    """Payment-plan instalment nudges as outbox drafts: by email, or by letter without an address."""
    rows: list[dict[str, object]] = []
    for planned in plan_nudges_in(session, as_of):
        nudge = planned.nudge
        client = session.get(Client, planned.client_id)
        if client is None:
            continue
        words = PLAN_NUDGES[nudge.kind]
        email = client.email.strip()
        fields = {
            "name": client.contact_name.strip() or client.name,
            "company": sender.name,
            "number": str(nudge.number),
            "due_date": formats.day(nudge.due_date),
            "amount": formats.money(nudge.outstanding),
            "reference": client.code,
            "how_to_pay": (
                f"You can pay by bank transfer to {sender.bank_details}, quoting {client.code}.\n\n"
                if sender.bank_details
                else f"Please quote {client.code} with your payment.\n\n"
            ),
            "signature": "\n".join(part for part in (sender.name, sender.phone, sender.email) if part),
        }
        rows.append(
            {
                "client_id": client.id,
                "dedupe_key": nudge.dedupe_key,
                "stage_key": f"plan-{nudge.kind.value.replace('_', '-')}",
                "stage_name": words.stage_name,
                "channel": (Channel.EMAIL if email else Channel.LETTER).value,
                "planned_on": as_of,
                "status": "draft",
                "recipient": email,
                "subject": words.subject.format_map(fields),
                "body": words.body.format_map(fields),
                "attach_invoices": False,
                "attach_statement": False,
                "total": to_minor(nudge.outstanding, exponent),
                "fee": None,
            }
        )
        links[nudge.dedupe_key] = planned.invoice_ids
    return rows


def queue(db: Database, as_of: date) -> QueueSummary:
    """Put the day's plan into the outbox: drafts to review, or approved for automatic stages.

    One transaction: a stage whose template cannot be filled in stops the
    whole queue with a message naming it, and nothing is queued. A reminder
    whose dedupe key is already in the outbox is skipped, never queued twice
    (the unique key guards this even against another process queueing too).
    Payment-plan instalment nudges (coming up, missed) are queued with them, as
    drafts to review.
    """
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        _hold_write_lock(session)
        default_schedule_in(session)
        inputs = planning_inputs_in(session, as_of)
        planned = inputs.plan()
        company = company_in(session)
        formats = formats_of(company)
        sender = company_context(company)
        emails = {c.id: c.email.strip() for c in inputs.clients}
        rows: list[dict[str, object]] = []
        links: dict[str, tuple[int, ...]] = {}
        automatic: set[str] = set()
        interests: dict[int, Decimal | None] = {}
        for reminder in planned:
            stage = reminder.stage
            client = inputs.details[reminder.client_id]
            email = emails[reminder.client_id]
            interest = (
                _interest(session, reminder.client_id, as_of, interests)
                if _mentions_interest(stage.subject_template, stage.body_template)
                else None
            )
            context = reminder_context(
                client, email, _covered(inputs, reminder), reminder.total, as_of, formats, sender, interest
            )
            try:
                message = render_reminder(stage.subject_template, stage.body_template, context)
            except TemplateError as exc:
                raise ValidationError(
                    f"the stage '{stage.name}' cannot be filled in for {client.name}: {exc.message}. "
                    "Correct it in the schedule; nothing was queued"
                ) from None
            rows.append(
                {
                    "client_id": reminder.client_id,
                    "dedupe_key": reminder.dedupe_key,
                    "stage_key": stage.key,
                    "stage_name": stage.name,
                    "channel": reminder.channel.value,
                    "planned_on": as_of,
                    "status": "approved" if stage.automatic else "draft",
                    "recipient": email if reminder.channel is Channel.EMAIL else "",
                    "subject": message.subject,
                    "body": message.text,
                    "attach_invoices": Attachment.INVOICES in stage.attachments,
                    "attach_statement": Attachment.STATEMENT in stage.attachments,
                    "total": to_minor(reminder.total, inputs.exponent),
                    "fee": None if stage.fee is None else to_minor(stage.fee, inputs.exponent),
                }
            )
            links[reminder.dedupe_key] = reminder.invoice_ids
            if stage.automatic:
                automatic.add(reminder.dedupe_key)
        rows.extend(_nudge_rows(session, as_of, formats, sender, links, inputs.exponent))
        inserted: dict[str, int] = {}
        if rows:
            statement = (
                dialect_of(session.connection())
                .insert_skipping_duplicates(Reminder.__table__, [Reminder.dedupe_key])
                .returning(Reminder.id, Reminder.dedupe_key)
            )
            inserted = {key: rid for rid, key in session.execute(statement, rows)}
            covered = [
                {"reminder_id": rid, "invoice_id": invoice_id}
                for key, rid in inserted.items()
                for invoice_id in links[key]
            ]
            if covered:
                session.execute(insert(ReminderInvoice), covered)
        uow.commit()
    return QueueSummary(len(inserted), len(rows) - len(inserted), len(automatic & inserted.keys()))
