"""Sending the approved outbox: crash-safe, and never the same message twice.

Each message is marked ``sending`` in its own committed transaction just before
it goes to the server, and its outcome is committed the moment the server has
answered. A process killed in between leaves at most one message ``sending``;
it may have reached the server, so the next run marks it failed for a person to
check instead of sending it again. Only one run at a time may send from one set
of books, so that clean-up never mistakes another run's message for a crashed
one: for a company file a lock file beside it, released by the OS even when the
process is killed; for books on a server a lock the database server holds for
the run's connection, so two computers share it too.

The password is passed in and handed straight to the SMTP session: it is never
stored, logged or put into a message here. An OAuth2 account needs none: its
access tokens come from the keyring's refresh token, and a revoked grant stops the
run with "Sign in again" instead of waiting for a browser.
"""

from __future__ import annotations

import ssl
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import IO, Self, TypeVar

from sqlalchemy import CursorResult, select, update

from creditdesk.documents.model import StatementStyle
from creditdesk.domain.errors import CreditDeskError
from creditdesk.mail.message import Attachment, OutgoingMessage, build_email, message_bytes, new_message_id
from creditdesk.mail.smtp import CANCELLED, Outcome, SendStatus, SmtpConfig, send_batch
from creditdesk.mail.templates import text_to_html
from creditdesk.services.chasing.mail_account import login_for, smtp_config
from creditdesk.services.reports.invoice_print import invoice_file_name, invoice_pdf
from creditdesk.services.reports.statements import StatementRequest, statement_file_name, statement_pdf
from creditdesk.store.activity import log_activity
from creditdesk.store.database import CompanyFileBusy, Database
from creditdesk.store.models import Client, Invoice, Reminder, ReminderInvoice
from creditdesk.store.server import SENDING_LOCK_KEY, SessionLock
from creditdesk.store.unit_of_work import UnitOfWork

INTERRUPTED = "Sending was interrupted; check your Sent folder before retrying"
ACTIVITY_KIND = "reminder_sent"


class AlreadySending(CreditDeskError):
    """Another run (the window or a scheduled command) is sending from this company file."""


# --- one sender per company file ------------------------------------------------------------------


def lock_path(db: Database) -> Path:
    """Beside the real file: ``db.path`` is resolved, so every name of one file shares one lock."""
    return db.path.with_name(db.path.name + ".sending-lock")


# How long the record of a message the server accepted waits for a busy company file: far beyond
# the busy timeout, because giving up would leave a delivered message looking undelivered.
RECORD_PATIENCE_S = 120.0
T = TypeVar("T")


def _patiently(action: Callable[[], T], sleep: Callable[[float], object] = time.sleep) -> T:
    deadline = time.monotonic() + RECORD_PATIENCE_S
    while True:
        try:
            return action()
        except CompanyFileBusy:
            if time.monotonic() >= deadline:
                raise
            sleep(0.05)


class SendingLock:
    """An OS lock on a file beside the company file; the OS drops it when the process dies.

    The file itself stays: removing it would let two processes lock two different
    files of the same name.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None

    def acquire(self) -> bool:
        handle = self.path.open("a+b")
        try:
            if sys.platform == "win32":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()  # closing the file releases its lock on every system


class OneSender:
    """Held while a run sends: the file's lock, or the server's for books on a server."""

    def __init__(self, db: Database) -> None:
        self._lock: SendingLock | SessionLock = (
            SessionLock(db.engine, SENDING_LOCK_KEY) if db.on_server else SendingLock(lock_path(db))
        )

    def acquire(self) -> bool:
        return self._lock.acquire()

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> Self:
        if not self.acquire():
            raise AlreadySending(
                "Reminders are already being sent from these books (by a window or a scheduled "
                "'creditdesk reminders send', here or on another computer). Wait until that has "
                "finished, then try again."
            )
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


# --- recovering from a crash ----------------------------------------------------------------------


def _mark_interrupted(db: Database) -> int:
    with UnitOfWork(db, write=True) as uow:
        result = uow.session.execute(
            update(Reminder).where(Reminder.status == "sending").values(status="failed", error=INTERRUPTED)
        )
        uow.commit()
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def recover_interrupted(db: Database) -> int:
    """Mark messages a killed process left ``sending`` as failed; never send them again by itself.

    Does nothing (returns 0) while another run holds the lock: its message in
    flight is not a leftover.
    """
    lock = OneSender(db)
    if not lock.acquire():
        return 0
    try:
        return _mark_interrupted(db)
    finally:
        lock.release()


# --- a run ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FailedMessage:
    reminder_id: int
    recipient: str
    reason: str

    def __str__(self) -> str:
        return f"to {self.recipient or '(no address)'}: {self.reason}"


@dataclass(frozen=True)
class SendRunSummary:
    sent: int
    failed: int
    deferred: int  # a passing problem (server busy, connection lost): still queued for the next run
    not_attempted: int  # the run stopped first: still queued, untouched
    stopped_reason: str | None = None  # why the run ended early, in the server's words
    failures: tuple[FailedMessage, ...] = ()
    interrupted: int = 0  # left "sending" by an earlier run that was killed, now marked failed
    cancelled: bool = False

    @property
    def still_queued(self) -> int:
        return self.deferred + self.not_attempted

    @property
    def ok(self) -> bool:
        """Nothing needs a person: a message put off by a busy server simply goes on the next run."""
        return not (self.failed or self.interrupted or self.stopped_reason)


@dataclass
class _Run:
    """The bookkeeping of one run, shared by the message generator and ``on_result``."""

    total: int
    progress: Callable[[int, int], None] | None
    done: int = 0
    counts: dict[SendStatus, int] = field(default_factory=lambda: dict.fromkeys(SendStatus, 0))
    failures: list[FailedMessage] = field(default_factory=list)
    pending: dict[int, EmailMessage] = field(default_factory=dict)
    stopped: bool = False
    untouched: list[int] = field(default_factory=list)  # never prepared: the run stopped first

    def step(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def approved_email_ids(db: Database, as_of: date) -> list[int]:
    """Approved email reminders planned up to ``as_of``, oldest first."""
    with UnitOfWork(db) as uow:
        return list(
            uow.session.scalars(
                select(Reminder.id)
                .where(
                    Reminder.status == "approved", Reminder.channel == "email", Reminder.planned_on <= as_of
                )
                .order_by(Reminder.planned_on, Reminder.id)
            )
        )


@dataclass(frozen=True)
class _Draft:
    reminder_id: int
    client_id: int
    client_code: str
    to_name: str
    recipient: str
    subject: str
    body: str
    message_id: str
    planned_on: date
    invoices: tuple[tuple[int, str], ...]  # id, number: by due date
    attach_invoices: bool
    attach_statement: bool


def _draft(db: Database, reminder_id: int, config: SmtpConfig) -> _Draft | None:
    with UnitOfWork(db) as uow:
        session = uow.session
        row = session.get(Reminder, reminder_id)
        if row is None or row.status != "approved":
            return None  # cancelled or edited back to draft since the run began
        client = session.get(Client, row.client_id)
        assert client is not None  # a foreign key
        invoices = session.execute(
            select(Invoice.id, Invoice.number)
            .join(ReminderInvoice, ReminderInvoice.invoice_id == Invoice.id)
            .where(ReminderInvoice.reminder_id == reminder_id)
            .order_by(Invoice.due_date, Invoice.issue_date, Invoice.id)
        ).all()
        return _Draft(
            reminder_id=row.id,
            client_id=client.id,
            client_code=client.code,
            to_name=client.contact_name.strip() or client.name.strip(),
            recipient=row.recipient.strip(),
            subject=row.subject,
            body=row.body,
            # Made once and kept: a retry carries the same Message-ID.
            message_id=row.message_id or new_message_id(config.from_address),
            planned_on=row.planned_on,
            invoices=tuple((iid, number) for iid, number in invoices),
            attach_invoices=row.attach_invoices,
            attach_statement=row.attach_statement,
        )


def _email(db: Database, draft: _Draft, config: SmtpConfig, date_header: datetime) -> EmailMessage:
    attachments: list[Attachment] = []
    if draft.attach_invoices:
        attachments.extend(
            Attachment(invoice_file_name(number), invoice_pdf(db, iid)) for iid, number in draft.invoices
        )
    if draft.attach_statement:
        request = StatementRequest(draft.planned_on, StatementStyle.OPEN_ITEMS)
        attachments.append(
            Attachment(
                statement_file_name(draft.client_code, draft.planned_on),
                statement_pdf(db, draft.client_id, request),
            )
        )
    return build_email(
        config.sender,
        OutgoingMessage(
            to=draft.recipient,
            to_name=draft.to_name,
            subject=draft.subject,
            text=draft.body,
            html=text_to_html(draft.body, draft.subject),
            message_id=draft.message_id,
            attachments=tuple(attachments),
        ),
        date_header,
    )


def _claim(db: Database, reminder_id: int, message_id: str) -> bool:
    """Mark the message ``sending`` (committed) if it is still approved; False if it is not."""
    with UnitOfWork(db, write=True) as uow:
        result = uow.session.execute(
            update(Reminder)
            .where(Reminder.id == reminder_id, Reminder.status == "approved")
            .values(status="sending", attempts=Reminder.attempts + 1, message_id=message_id, error="")
        )
        uow.commit()
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


def _fail_unprepared(db: Database, reminder_id: int, reason: str) -> str:
    with UnitOfWork(db, write=True) as uow:
        row = uow.session.get(Reminder, reminder_id)
        assert row is not None
        recipient = row.recipient
        if row.status == "approved":
            row.status, row.error = "failed", reason
        uow.commit()
    return recipient


def _local(moment: datetime) -> datetime:
    """The moment as the naive local time the rest of the file stores."""
    return moment.astimezone().replace(tzinfo=None, microsecond=0)


def _record(db: Database, run: _Run, reminder_id: int, outcome: Outcome, now: Callable[[], datetime]) -> None:
    """Commit one outcome at once, so a crash right after loses nothing that was known.

    Safe to repeat when the file was busy: nothing of the run changes until the commit is done.
    """
    email = run.pending.get(reminder_id)
    failure: FailedMessage | None = None
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        row = session.get(Reminder, reminder_id)
        assert row is not None
        if outcome.status is SendStatus.SENT:
            # What went out is the truth, whatever happened to the row meanwhile.
            assert email is not None
            at = _local(now())
            row.status, row.sent_at, row.error = "sent", at, ""
            row.eml = message_bytes(email)
            log_activity(session, row.client_id, ACTIVITY_KIND, f"{row.subject}\n\n{row.body}", at=at)
        elif row.status == "sending":
            if outcome.status is SendStatus.FAILED:
                row.status = "failed"
                failure = FailedMessage(reminder_id, row.recipient, outcome.detail)
            else:  # deferred or not attempted: still queued for the next run
                row.status = "approved"
                if outcome.attempts == 0:
                    row.attempts = max(row.attempts - 1, 0)  # it never reached the server
            row.error = outcome.detail
        uow.commit()
    run.pending.pop(reminder_id, None)
    if failure is not None:
        run.failures.append(failure)
    run.counts[outcome.status] += 1
    if outcome.status is SendStatus.NOT_ATTEMPTED or (outcome.still_queued and outcome.attempts == 0):
        run.stopped = True  # the batch has stopped: prepare nothing more
    run.step()


def _messages(
    db: Database,
    ids: list[int],
    run: _Run,
    config: SmtpConfig,
    now: Callable[[], datetime],
    cancelled: Callable[[], bool] | None,
) -> Iterator[tuple[int, EmailMessage]]:
    """Each message built and claimed only when the batch asks for it."""
    for index, reminder_id in enumerate(ids):
        if run.stopped or (cancelled is not None and cancelled()):
            run.untouched = ids[index:]
            return
        try:
            draft = _draft(db, reminder_id, config)
            email = None if draft is None else _email(db, draft, config, now())
        except CreditDeskError as error:
            reason = f"This message could not be prepared: {error.message}. Correct it and approve it again."
            recipient = _fail_unprepared(db, reminder_id, reason)
            run.counts[SendStatus.FAILED] += 1
            run.failures.append(FailedMessage(reminder_id, recipient, reason))
            run.step()
            continue
        claimed = (
            draft is not None
            and email is not None
            and _patiently(partial(_claim, db, reminder_id, draft.message_id))
        )
        if draft is None or email is None or not claimed:
            run.total -= 1  # no longer approved: someone changed it meanwhile
            continue
        run.pending[reminder_id] = email
        yield reminder_id, email


def _note_still_queued(db: Database, ids: list[int], reason: str) -> None:
    """Say on the messages the run never reached why they are still waiting."""
    with UnitOfWork(db, write=True) as uow:
        uow.session.execute(
            update(Reminder).where(Reminder.id.in_(ids), Reminder.status == "approved").values(error=reason)
        )
        uow.commit()


def send_approved(
    db: Database,
    *,
    as_of: date,
    now: Callable[[], datetime],
    password: str | None,
    ssl_context: ssl.SSLContext | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    sleep: Callable[[float], object] = time.sleep,
) -> SendRunSummary:
    """Send every approved email reminder planned up to ``as_of`` over one connection.

    ``now`` stamps the Date header and the time sent (it must carry a time zone);
    ``progress(done, total)`` follows each message; ``cancelled()`` is asked
    before each one and during waits between retries. A refused login or an
    unreachable server stops the run with the reason and leaves the rest queued.
    """
    with OneSender(db):
        interrupted = _mark_interrupted(db)
        ids = approved_email_ids(db, as_of)
        if not ids:
            return SendRunSummary(0, 0, 0, 0, interrupted=interrupted)
        config = smtp_config(db)
        run = _Run(total=len(ids), progress=progress)
        batch = send_batch(
            config,
            login_for(config, password),
            _messages(db, ids, run, config, now, cancelled),
            lambda reminder_id, outcome: _patiently(lambda: _record(db, run, reminder_id, outcome, now)),
            sleep=sleep,
            should_stop=cancelled,
            ssl_context=ssl_context,
        )
        was_cancelled = batch.cancelled or (bool(run.untouched) and batch.stopped_by is None)
        stopped_reason = None if batch.stopped_by is None else batch.stopped_by.reason
        if run.untouched:
            _note_still_queued(db, run.untouched, stopped_reason or CANCELLED)
    counts = run.counts
    return SendRunSummary(
        sent=counts[SendStatus.SENT],
        failed=counts[SendStatus.FAILED],
        deferred=counts[SendStatus.DEFERRED],
        not_attempted=counts[SendStatus.NOT_ATTEMPTED] + len(run.untouched),
        stopped_reason=stopped_reason,
        failures=tuple(run.failures),
        interrupted=interrupted,
        cancelled=was_cancelled,
    )


def describe(summary: SendRunSummary) -> str:
    """One line for people: "Sent 12, failed 1 (to …: reason), still queued 2"."""
    parts = [f"Sent {summary.sent}"]
    failed = f"failed {summary.failed}"
    if summary.failures:
        shown = "; ".join(str(f) for f in summary.failures[:3])
        more = len(summary.failures) - 3
        failed += f" ({shown}{f'; and {more} more' if more > 0 else ''})"
    parts += [failed, f"still queued {summary.still_queued}"]
    line = ", ".join(parts)
    if summary.stopped_reason:
        line += f". Stopped: {summary.stopped_reason}"
    elif summary.cancelled:
        line += ". Stopped at your request"
    if summary.interrupted:
        noun = "message was" if summary.interrupted == 1 else "messages were"
        line += f". {summary.interrupted} {noun} interrupted by an earlier run: {INTERRUPTED.lower()}"
    return line
