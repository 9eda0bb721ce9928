"""The outbox: reviewing, editing, approving and cancelling reminders before they go out.

A message moves draft → approved → sending → sent, or to failed (with the
server's reason) or cancelled. Only the user's moves are here; sending (which
sets sending, sent and failed) belongs to the sending service. Which move is
allowed from which status is ``domain.outbox.MOVES``, the table the Outbox tab
also follows. Every action is one transaction and all-or-nothing: one illegal
message in a selection refuses the whole action, with a message naming it.

Letters and phone calls never go through SMTP: the user prints or makes them
and marks them done, which records them on the client's timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from creditdesk.domain.aging import sort_key
from creditdesk.domain.allocation import natural_key
from creditdesk.domain.chasing import Channel
from creditdesk.domain.errors import NotFoundError, ValidationError
from creditdesk.domain.money import currency_exponent, from_minor
from creditdesk.domain.outbox import (
    BY_HAND,
    OutboxAction,
    allowed_actions,
    next_status,
    statuses_allowing,
    statuses_moved_by,
)
from creditdesk.domain.outbox import ReminderStatus as ReminderStatus
from creditdesk.domain.validation import check_email
from creditdesk.mail.templates import text_to_html
from creditdesk.services.clients.records import FieldProblem
from creditdesk.services.company.settings import company_in
from creditdesk.services.ledger.invoices import formats_of
from creditdesk.services.reports.invoice_print import invoice_file_name
from creditdesk.services.reports.statements import statement_file_name
from creditdesk.store.activity import log_activity
from creditdesk.store.database import Database
from creditdesk.store.models import AllocationRow, Client, Invoice, Reminder, ReminderInvoice
from creditdesk.store.unit_of_work import UnitOfWork

SUBJECT_MAX_LENGTH = 500
BODY_MAX_LENGTH = 100_000
RECIPIENT_MAX_LENGTH = 254
_LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # what str.splitlines() splits on


EDITABLE = statuses_allowing(OutboxAction.EDIT)  # draft, approved, failed
CANCELLABLE = statuses_moved_by(OutboxAction.CANCEL)  # the same: not gone out, not cancelled already

# How a message in each status is described when an action is refused.
_STATE_WORDS = {
    ReminderStatus.DRAFT: "is still a draft",
    ReminderStatus.APPROVED: "is already approved",
    ReminderStatus.SENDING: "is being sent right now",
    ReminderStatus.SENT: "is already sent",
    ReminderStatus.FAILED: "failed to send",
    ReminderStatus.CANCELLED: "was cancelled",
}

# How a refusal names each action, and what it says is allowed instead.
_ACTION_WORDS = {
    OutboxAction.EDIT: "changed",
    OutboxAction.APPROVE: "approved",
    OutboxAction.CANCEL: "cancelled",
    OutboxAction.RETRY: "retried",
    OutboxAction.MARK_DONE: "marked done",
}
_ALLOWED_WORDS = {
    OutboxAction.EDIT: "only drafts, approved and failed messages can be",
    OutboxAction.APPROVE: "only drafts can be",
    OutboxAction.CANCEL: "only messages not yet sent can be",
    OutboxAction.RETRY: "only failed messages can be",
    OutboxAction.MARK_DONE: "only drafts and approved ones can be",
}
_INSTEAD_WORDS = {(ReminderStatus.FAILED, OutboxAction.APPROVE): "use Retry to send it again"}


@dataclass(frozen=True)
class OutboxFilters:
    """What the outbox tab shows; every field left empty shows everything."""

    statuses: frozenset[ReminderStatus] = frozenset()
    channel: Channel | None = None
    text: str = ""  # part of a client's code or name, or of the recipient
    start: date | None = None  # planned on or after
    end: date | None = None  # planned on or before


@dataclass(frozen=True)
class OutboxRow:
    id: int
    planned_on: date
    client_id: int
    client_code: str
    client_name: str
    stage_name: str
    channel: Channel
    recipient: str
    subject: str
    total: Decimal
    status: ReminderStatus
    error: str
    sent_at: datetime | None


@dataclass(frozen=True)
class MessageInvoice:
    id: int
    number: str
    issue_date: date
    due_date: date
    amount: Decimal  # the invoice total
    open_amount: Decimal  # still owed on the day the reminder was planned, as the message says
    open_now: Decimal  # still owed today, counting every payment (nil once void): paid since?


@dataclass(frozen=True)
class MessageDetail:
    """One message exactly as it will go out, for the preview."""

    id: int
    client_id: int
    client_code: str
    client_name: str
    stage_key: str
    stage_name: str
    channel: Channel
    status: ReminderStatus
    planned_on: date
    recipient: str
    subject: str
    body: str
    html: str
    attachments: tuple[str, ...]  # file names, e.g. "Invoice INV-00012.pdf"
    invoices: tuple[MessageInvoice, ...]
    total: Decimal
    fee: Decimal | None
    error: str
    attempts: int
    sent_at: datetime | None

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


# --- reading ----------------------------------------------------------------------------------------


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(filters: OutboxFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.statuses:
        conditions.append(Reminder.status.in_([s.value for s in filters.statuses]))
    if filters.channel is not None:
        conditions.append(Reminder.channel == filters.channel.value)
    if filters.start is not None:
        conditions.append(Reminder.planned_on >= filters.start)
    if filters.end is not None:
        conditions.append(Reminder.planned_on <= filters.end)
    needle = filters.text.strip()
    if needle:
        pattern = _like(needle)
        conditions.append(
            or_(
                Client.code.ilike(pattern, escape="\\"),
                Client.name.ilike(pattern, escape="\\"),
                Reminder.recipient.ilike(pattern, escape="\\"),
            )
        )
    return conditions


def outbox_rows(db: Database, filters: OutboxFilters | None = None) -> list[OutboxRow]:
    """The messages the filters select, newest day first, then by client name."""
    filters = filters or OutboxFilters()
    with UnitOfWork(db) as uow:
        session = uow.session
        exponent = currency_exponent(company_in(session).currency)
        query = (
            select(
                Reminder.id,
                Reminder.planned_on,
                Reminder.client_id,
                Client.code,
                Client.name,
                Reminder.stage_name,
                Reminder.channel,
                Reminder.recipient,
                Reminder.subject,
                Reminder.total,
                Reminder.status,
                Reminder.error,
                Reminder.sent_at,
            )
            .join(Client, Client.id == Reminder.client_id)
            .where(*_conditions(filters))
            .order_by(Reminder.planned_on.desc(), Reminder.id)
        )
        rows = [
            OutboxRow(
                row.id,
                row.planned_on,
                row.client_id,
                row.code,
                row.name,
                row.stage_name,
                Channel(row.channel),
                row.recipient,
                row.subject,
                from_minor(row.total, exponent),
                ReminderStatus(row.status),
                row.error,
                row.sent_at,
            )
            for row in session.execute(query)
        ]
    # Newest day first, then names as people sort them (Böhm beside Bohm, not after Brückner).
    rows.sort(key=lambda r: (-r.planned_on.toordinal(), sort_key(r.client_name), r.id))
    return rows


def counts_by_status(db: Database) -> dict[ReminderStatus, int]:
    """How many messages are in each status (every status present), for the tab's title and badge."""
    with UnitOfWork(db) as uow:
        found = dict(
            uow.session.execute(
                select(Reminder.status, func.count(Reminder.id)).group_by(Reminder.status)
            ).all()
        )
    return {status: int(found.get(status.value, 0)) for status in ReminderStatus}


def _reminder(session: Session, reminder_id: int) -> Reminder:
    reminder = session.get(Reminder, reminder_id)
    if reminder is None:
        raise NotFoundError("this message is no longer in the outbox; refresh the list")
    return reminder


def attachment_names(
    client_code: str, planned_on: date, numbers: Iterable[str], *, invoices: bool, statement: bool
) -> tuple[str, ...]:
    """The files a message carries, named as the documents name them."""
    names = [invoice_file_name(number) for number in numbers] if invoices else []
    if statement:
        names.append(statement_file_name(client_code, planned_on))
    return tuple(names)


def message_detail(db: Database, reminder_id: int) -> MessageDetail:
    with UnitOfWork(db) as uow:
        session = uow.session
        reminder = _reminder(session, reminder_id)
        client = session.get(Client, reminder.client_id)
        assert client is not None  # a foreign key
        exponent = currency_exponent(company_in(session).currency)
        applied_by_then = (
            select(func.coalesce(func.sum(AllocationRow.amount), 0))
            .where(AllocationRow.invoice_id == Invoice.id, AllocationRow.date <= reminder.planned_on)
            .scalar_subquery()
        )
        applied = (
            select(func.coalesce(func.sum(AllocationRow.amount), 0))
            .where(AllocationRow.invoice_id == Invoice.id)
            .scalar_subquery()
        )
        rows = session.execute(
            select(
                Invoice.id,
                Invoice.number,
                Invoice.issue_date,
                Invoice.due_date,
                Invoice.gross,
                Invoice.status,
                applied_by_then,
                applied,
            )
            .join(ReminderInvoice, ReminderInvoice.invoice_id == Invoice.id)
            .where(ReminderInvoice.reminder_id == reminder.id)
        ).all()
        invoices = sorted(
            (
                MessageInvoice(
                    iid,
                    number,
                    issued,
                    due,
                    from_minor(gross, exponent),
                    from_minor(gross - then, exponent),
                    from_minor(0 if status == "void" else gross - now, exponent),
                )
                for iid, number, issued, due, gross, status, then, now in rows
            ),
            key=lambda i: (i.due_date, i.issue_date, natural_key(i.number)),
        )
        return MessageDetail(
            id=reminder.id,
            client_id=client.id,
            client_code=client.code,
            client_name=client.name,
            stage_key=reminder.stage_key,
            stage_name=reminder.stage_name,
            channel=Channel(reminder.channel),
            status=ReminderStatus(reminder.status),
            planned_on=reminder.planned_on,
            recipient=reminder.recipient,
            subject=reminder.subject,
            body=reminder.body,
            html=text_to_html(reminder.body, reminder.subject),
            attachments=attachment_names(
                client.code,
                reminder.planned_on,
                (i.number for i in invoices),
                invoices=reminder.attach_invoices,
                statement=reminder.attach_statement,
            ),
            invoices=tuple(invoices),
            total=from_minor(reminder.total, exponent),
            fee=None if reminder.fee is None else from_minor(reminder.fee, exponent),
            error=reminder.error,
            attempts=reminder.attempts,
            sent_at=reminder.sent_at,
        )


# --- editing ----------------------------------------------------------------------------------------


def _has_line_break(value: str) -> bool:
    return any(char in _LINE_BREAKS for char in value)


def _recipient_problem(channel: Channel, recipient: str) -> str | None:
    if _has_line_break(recipient):
        return "the recipient must be one line; remove the line break"
    if len(recipient.strip()) > RECIPIENT_MAX_LENGTH:
        return f"the recipient is longer than {RECIPIENT_MAX_LENGTH} characters"
    if channel is Channel.EMAIL:
        if not recipient.strip():
            return "the recipient is empty; an email needs the client's address"
        try:
            check_email(recipient, field="the recipient")
        except ValidationError as exc:
            return exc.message
    return None


def _subject_problem(channel: Channel, subject: str) -> str | None:
    if _has_line_break(subject):
        return "the subject must be one line; remove the line break"
    if len(subject.strip()) > SUBJECT_MAX_LENGTH:
        return f"the subject is longer than {SUBJECT_MAX_LENGTH} characters"
    if channel is Channel.EMAIL and not subject.strip():
        return "the subject is empty; an email needs one"
    return None


def _body_problem(body: str) -> str | None:
    if not body.strip():
        return "the message is empty; write what the client should read"
    if len(body) > BODY_MAX_LENGTH:
        return f"the message is longer than {BODY_MAX_LENGTH:,} characters"
    return None


def message_problems(channel: Channel, recipient: str, subject: str, body: str) -> list[FieldProblem]:
    """Every rule an edited message breaks (fields "recipient", "subject", "body"), as people type."""
    checks: list[tuple[str, Callable[[], str | None]]] = [
        ("recipient", lambda: _recipient_problem(channel, recipient)),
        ("subject", lambda: _subject_problem(channel, subject)),
        ("body", lambda: _body_problem(body)),
    ]
    return [FieldProblem(name, message) for name, check in checks if (message := check()) is not None]


def _describe(reminder: Reminder, client_name: str) -> str:
    """``The 'Final notice' email to Acme Ltd``: how a refusal names the message."""
    return f"The '{reminder.stage_name}' {_noun(reminder)} to {client_name}"


def _noun(reminder: Reminder) -> str:
    return {"email": "email", "letter": "letter", "phone": "call"}.get(reminder.channel, "reminder")


def _refuse(reminder: Reminder, client_name: str, action: str, allowed: str) -> ValidationError:
    state = _STATE_WORDS[ReminderStatus(reminder.status)]
    return ValidationError(f"{_describe(reminder, client_name)} {state}, so it cannot be {action}; {allowed}")


def _allowed(reminder: Reminder, client_name: str, action: OutboxAction) -> ReminderStatus:
    """The status ``action`` leaves ``reminder`` in, or the refusal naming it (``domain.outbox``)."""
    status = ReminderStatus(reminder.status)
    if action not in allowed_actions(status):
        allowed = _INSTEAD_WORDS.get((status, action), _ALLOWED_WORDS[action])
        raise _refuse(reminder, client_name, _ACTION_WORDS[action], allowed)
    return next_status(status, action)


def _client_name(session: Session, client_id: int) -> str:
    return session.scalar(select(Client.name).where(Client.id == client_id)) or "a removed client"


def edit_message(db: Database, reminder_id: int, recipient: str, subject: str, body: str) -> None:
    """Change a message before it goes out: while it is a draft, approved, or failed.

    Its status stays as it is: an approved message edited is still approved.
    """
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        reminder = _reminder(session, reminder_id)
        _allowed(reminder, _client_name(session, reminder.client_id), OutboxAction.EDIT)  # the status stays
        problems = message_problems(Channel(reminder.channel), recipient, subject, body)
        if problems:
            raise ValidationError(problems[0].message)
        reminder.recipient = recipient.strip()
        reminder.subject = subject.strip()
        reminder.body = body.strip() + "\n"
        uow.commit()


# --- moving between statuses ------------------------------------------------------------------------


def _selected(session: Session, ids: Collection[int]) -> list[tuple[Reminder, str]]:
    wanted = set(ids)
    rows = session.execute(
        select(Reminder, Client.name)
        .join(Client, Client.id == Reminder.client_id)
        .where(Reminder.id.in_(wanted))
        .order_by(Reminder.id)
    ).all()
    if len(rows) != len(wanted):
        missing = len(wanted) - len(rows)
        raise NotFoundError(
            f"{missing} of the chosen messages {'is' if missing == 1 else 'are'} no longer in the outbox; "
            "refresh the list and try again"
        )
    return [(reminder, name) for reminder, name in rows]


def approve(db: Database, ids: Collection[int]) -> None:
    """Approve drafts: they go out with the next send. Approving an approved message changes nothing."""
    with UnitOfWork(db, write=True) as uow:
        for reminder, name in _selected(uow.session, ids):
            reminder.status = _allowed(reminder, name, OutboxAction.APPROVE).value
        uow.commit()


def approve_all_drafts(db: Database) -> int:
    """Approve every draft in the outbox; returns how many."""
    with UnitOfWork(db, write=True) as uow:
        result = uow.session.execute(
            update(Reminder)
            .where(Reminder.status == ReminderStatus.DRAFT.value)
            .values(status=next_status(ReminderStatus.DRAFT, OutboxAction.APPROVE).value)
        )
        uow.commit()
        return int(result.rowcount)  # type: ignore[attr-defined]


def cancel(db: Database, ids: Collection[int]) -> None:
    """Cancel messages that have not gone out; their stage counts as done for those invoices."""
    with UnitOfWork(db, write=True) as uow:
        for reminder, name in _selected(uow.session, ids):
            reminder.status = _allowed(reminder, name, OutboxAction.CANCEL).value  # cancelled stays so
        uow.commit()


def retry(db: Database, ids: Collection[int]) -> None:
    """Put failed messages back as approved, to go with the next send."""
    with UnitOfWork(db, write=True) as uow:
        for reminder, name in _selected(uow.session, ids):
            reminder.status = _allowed(reminder, name, OutboxAction.RETRY).value
            reminder.error = ""
        uow.commit()


def mark_done(db: Database, ids: Collection[int], at: datetime) -> None:
    """Record letters as printed and calls as made: sent, and written on the client's timeline.

    A letter is logged like a sent email (``reminder_sent``, with its text); a
    call as a ``call``, so it counts as the client's last contact.
    """
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        formats = formats_of(company_in(session))
        selected = _selected(session, ids)
        after: list[ReminderStatus] = []
        for reminder, name in selected:
            if Channel(reminder.channel) not in BY_HAND:
                raise ValidationError(
                    f"{_describe(reminder, name)} is an email; send it rather than marking it done"
                )
            after.append(_allowed(reminder, name, OutboxAction.MARK_DONE))
        moment = at.replace(microsecond=0)
        for (reminder, _), status in zip(selected, after, strict=True):
            numbers = sorted(
                session.scalars(
                    select(Invoice.number)
                    .join(ReminderInvoice, ReminderInvoice.invoice_id == Invoice.id)
                    .where(ReminderInvoice.reminder_id == reminder.id)
                ).all(),
                key=natural_key,
            )
            invoice_ids = [link.invoice_id for link in reminder.invoices]
            total = formats.money(from_minor(reminder.total, formats.exponent))
            about = f"{reminder.stage_name}: {', '.join(numbers)} ({total})"
            if reminder.channel == Channel.LETTER.value:
                kind, text = "reminder_sent", f"Reminder letter printed. {about}\n\n{reminder.body}".rstrip()
            else:
                kind, text = "call", f"Reminder call made. {about}"
            log_activity(
                session,
                reminder.client_id,
                kind,
                text,
                invoice_id=invoice_ids[0] if len(invoice_ids) == 1 else None,
                at=moment,
            )
            reminder.status = status.value
            reminder.sent_at = moment
        uow.commit()
