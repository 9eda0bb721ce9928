"""The outbox on a real company file: listing, preview, edits and every move between statuses."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import select, update

from creditdesk.domain.chasing import Attachment, Channel, Schedule, Stage
from creditdesk.domain.errors import NotFoundError, ValidationError
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.services.chasing.outbox import (
    MessageDetail,
    OutboxFilters,
    ReminderStatus,
    approve,
    approve_all_drafts,
    cancel,
    counts_by_status,
    edit_message,
    mark_done,
    message_detail,
    message_problems,
    outbox_rows,
    retry,
)
from creditdesk.services.chasing.reminders import queue
from creditdesk.services.chasing.schedules import save_schedule, set_client_schedule
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.store.database import Database
from creditdesk.store.models import Activity, Reminder
from creditdesk.store.unit_of_work import UnitOfWork
from tests.services.test_reminders import AS_OF, DUE, Ledger, build_ledger

DONE_AT = datetime(2026, 6, 11, 9, 30, 15, 123456)


@pytest.fixture
def ledger(db: Database) -> Ledger:
    built = build_ledger(db)
    assert queue(db, AS_OF).queued == 4
    return built


def message_id(db: Database, client_id: int, stage_key: str) -> int:
    with UnitOfWork(db) as uow:
        found = uow.session.scalar(
            select(Reminder.id).where(Reminder.client_id == client_id, Reminder.stage_key == stage_key)
        )
    assert found is not None
    return found


def status_of(db: Database, reminder_id: int) -> str:
    with UnitOfWork(db) as uow:
        reminder = uow.session.get(Reminder, reminder_id)
        assert reminder is not None
        return reminder.status


def force(db: Database, reminder_id: int, **values: object) -> None:
    """Put a message in a state only sending reaches (sent, failed)."""
    with UnitOfWork(db, write=True) as uow:
        uow.session.execute(update(Reminder).where(Reminder.id == reminder_id).values(**values))
        uow.commit()


def activities(db: Database, client_id: int) -> list[tuple[str, str, datetime, int | None]]:
    with UnitOfWork(db) as uow:
        rows = uow.session.execute(
            select(Activity.kind, Activity.text, Activity.at, Activity.invoice_id)
            .where(Activity.client_id == client_id, Activity.kind.in_(["reminder_sent", "call"]))
            .order_by(Activity.id)
        ).all()
        return [(kind, text, at, invoice_id) for kind, text, at, invoice_id in rows]


# --- listing ------------------------------------------------------------------------------------------


def test_rows_and_filters(db: Database, ledger: Ledger) -> None:
    rows = outbox_rows(db)
    assert [(r.client_code, r.stage_name, r.channel) for r in rows] == [
        ("ACME", "Friendly heads-up", Channel.EMAIL),
        ("ACME", "Just a reminder", Channel.EMAIL),
        ("BETA", "Just a reminder", Channel.EMAIL),
        ("EPS", "Just a reminder", Channel.LETTER),
    ]
    beta = rows[2]
    assert (beta.client_name, beta.recipient, beta.total, beta.status) == (
        "Beta plc",
        "ledger@beta.example",
        D("60.00"),
        ReminderStatus.DRAFT,
    )
    assert beta.subject == "Just a reminder: €60.00 now due to Test Co"
    assert (beta.planned_on, beta.error, beta.sent_at) == (AS_OF, "", None)

    def codes(**filters: object) -> list[str]:
        return [r.client_code for r in outbox_rows(db, OutboxFilters(**filters))]  # type: ignore[arg-type]

    assert codes(channel=Channel.LETTER) == ["EPS"]
    assert codes(text="acme") == ["ACME", "ACME"]
    assert codes(text="ledger@beta") == ["BETA"]  # the recipient too
    assert codes(text="Farm") == ["EPS"]
    assert codes(text="%") == []  # a wildcard is searched for as typed
    assert codes(statuses=frozenset({ReminderStatus.APPROVED})) == []
    assert codes(start=AS_OF + timedelta(days=1)) == []
    assert len(codes(start=AS_OF, end=AS_OF)) == 4
    counts = counts_by_status(db)
    assert counts[ReminderStatus.DRAFT] == 4
    assert set(counts) == set(ReminderStatus) and sum(counts.values()) == 4


# --- moving between statuses --------------------------------------------------------------------------


def test_legal_and_illegal_transitions(db: Database, ledger: Ledger) -> None:
    first = message_id(db, ledger.acme, "reminder")
    heads_up = message_id(db, ledger.acme, "heads-up")
    beta = message_id(db, ledger.beta, "reminder")

    approve(db, [first])
    approve(db, [first])  # already approved: nothing to do
    assert status_of(db, first) == "approved"
    cancel(db, [heads_up])
    cancel(db, [heads_up])
    assert status_of(db, heads_up) == "cancelled"
    with pytest.raises(ValidationError, match="was cancelled, so it cannot be approved"):
        approve(db, [heads_up])

    force(db, beta, status="sent", sent_at=datetime(2026, 6, 10, 12, 0))
    with pytest.raises(ValidationError, match=r"'Just a reminder' email to Beta plc is already sent"):
        approve(db, [beta])
    with pytest.raises(ValidationError, match="already sent, so it cannot be cancelled"):
        cancel(db, [beta])
    with pytest.raises(ValidationError, match="only failed messages can be"):
        retry(db, [first])

    force(db, first, status="failed", error="550 5.1.1 no such user", attempts=1)
    with pytest.raises(
        ValidationError, match="failed to send, so it cannot be approved; use Retry to send it again"
    ):
        approve(db, [first])
    retry(db, [first])
    assert status_of(db, first) == "approved"
    assert (
        outbox_rows(db, OutboxFilters(text="acme", statuses=frozenset({ReminderStatus.APPROVED})))[0].error
        == ""
    )
    counts = counts_by_status(db)
    assert (counts[ReminderStatus.APPROVED], counts[ReminderStatus.SENT]) == (1, 1)
    assert (counts[ReminderStatus.CANCELLED], counts[ReminderStatus.DRAFT]) == (1, 1)


def test_an_action_is_all_or_nothing(db: Database, ledger: Ledger) -> None:
    draft = message_id(db, ledger.acme, "reminder")
    sent = message_id(db, ledger.beta, "reminder")
    force(db, sent, status="sent")
    with pytest.raises(ValidationError):
        approve(db, [draft, sent])
    assert status_of(db, draft) == "draft"
    with pytest.raises(NotFoundError, match="1 of the chosen messages is no longer in the outbox"):
        cancel(db, [draft, 999])
    assert status_of(db, draft) == "draft"


def test_approve_all_drafts(db: Database, ledger: Ledger) -> None:
    cancel(db, [message_id(db, ledger.acme, "heads-up")])
    assert approve_all_drafts(db) == 3
    assert approve_all_drafts(db) == 0
    assert counts_by_status(db)[ReminderStatus.APPROVED] == 3


def test_a_letter_marked_printed_is_sent_and_on_the_timeline(db: Database, ledger: Ledger) -> None:
    letter = message_id(db, ledger.epsilon, "reminder")
    email = message_id(db, ledger.acme, "reminder")
    with pytest.raises(ValidationError, match="is an email; send it rather than marking it done"):
        mark_done(db, [letter, email], DONE_AT)
    assert status_of(db, letter) == "draft"
    mark_done(db, [letter], DONE_AT)
    assert status_of(db, letter) == "sent"
    (entry,) = activities(db, ledger.epsilon)
    kind, text, at, invoice_id = entry
    assert kind == "reminder_sent"
    assert text.startswith(
        "Reminder letter printed. Just a reminder: INV-00006 (€75.00)\n\nDear Epsilon Farm,"
    )
    assert (at, invoice_id) == (DONE_AT.replace(microsecond=0), ledger.epsilon_invoice)
    assert outbox_rows(db, OutboxFilters(text="EPS"))[0].sent_at == DONE_AT.replace(microsecond=0)
    with pytest.raises(ValidationError, match="already sent, so it cannot be marked done"):
        mark_done(db, [letter], DONE_AT)


def test_a_call_marked_made_is_on_the_timeline(db: Database) -> None:
    ledger = build_ledger(db)
    calls = Schedule("Calls", (Stage("ring", "Phone reminder", 1, Channel.PHONE, "", "Ask about it"),))
    set_client_schedule(db, ledger.beta, save_schedule(db, None, calls))
    queue(db, AS_OF)
    call = message_id(db, ledger.beta, "ring")
    (row,) = outbox_rows(db, OutboxFilters(channel=Channel.PHONE))
    assert (row.id, row.recipient, row.subject) == (call, "", "")
    mark_done(db, [call], DONE_AT)
    assert [(kind, text) for kind, text, _, _ in activities(db, ledger.beta)] == [
        ("call", "Reminder call made. Phone reminder: INV-00003 (€60.00)")
    ]


# --- editing ------------------------------------------------------------------------------------------


def test_edit_is_validated_and_a_refusal_changes_nothing(db: Database, ledger: Ledger) -> None:
    email = message_id(db, ledger.acme, "reminder")
    before = message_detail(db, email)

    def refused(recipient: str, subject: str, body: str, match: str) -> None:
        with pytest.raises(ValidationError, match=match):
            edit_message(db, email, recipient, subject, body)
        assert message_detail(db, email) == before

    refused("ap@acme.example", "Two\nlines", "Hello", "subject must be one line")
    refused("ap@acme.example", "Bcc sneak\u2028Bcc: x@evil.example", "Hello", "subject must be one line")
    refused("ap@acme.example", "  ", "Hello", "subject is empty")
    refused("not an address", "Subject", "Hello", "recipient 'not an address' is not a valid email address")
    refused("", "Subject", "Hello", "recipient is empty")
    refused("ap@acme.example\nBcc: x@evil.example", "Subject", "Hello", "recipient must be one line")
    refused("ap@acme.example", "Subject", " \n ", "message is empty")
    assert [p.field for p in message_problems(Channel.EMAIL, "x", "a\nb", "")] == [
        "recipient",
        "subject",
        "body",
    ]

    edit_message(db, email, " boss@acme.example ", " A kinder subject ", "Hello Ada,\n\nThanks.\n\n\n")
    after = message_detail(db, email)
    assert (after.recipient, after.subject, after.body) == (
        "boss@acme.example",
        "A kinder subject",
        "Hello Ada,\n\nThanks.\n",
    )
    assert after.status is ReminderStatus.DRAFT

    letter = message_id(db, ledger.epsilon, "reminder")
    edit_message(db, letter, "", "", "Dear Epsilon Farm,\n\nPlease pay.")  # a letter needs no address
    force(db, letter, status="sent")
    with pytest.raises(ValidationError, match="already sent, so it cannot be changed"):
        edit_message(db, letter, "", "", "Too late")


# --- the preview --------------------------------------------------------------------------------------


def test_message_detail_shows_what_goes_out(db: Database, ledger: Ledger) -> None:
    zed = add_client(db, ClientInput("ZED", "Zed & Co", "pay@zed.example"))
    line = [InvoiceLine("Doors", D(1), D("120.00"))]
    older = create_invoice(db, InvoiceInput(zed, date(2026, 4, 1), line, due_date=DUE - timedelta(days=5)))
    newer = create_invoice(db, InvoiceInput(zed, date(2026, 4, 20), line, due_date=DUE))
    final = Stage(
        "final",
        "Final notice",
        1,
        Channel.EMAIL,
        "Final notice: {{ total_overdue }}",
        "Dear {{ client.name }},\n\n{% for invoice in invoices %}- {{ invoice.number }}\n{% endfor %}",
        frozenset({Attachment.INVOICES, Attachment.STATEMENT}),
        fee=D("25.00"),
    )
    set_client_schedule(db, zed, save_schedule(db, None, Schedule("Short", (final,))))
    assert queue(db, AS_OF).queued == 1
    record_payment(db, PaymentInput(zed, AS_OF + timedelta(days=1), D("20.00"), invoice_id=newer))

    detail: MessageDetail = message_detail(db, message_id(db, zed, "final"))
    numbers = [i.number for i in detail.invoices]
    assert numbers == ["INV-00007", "INV-00008"]  # by due date
    assert [i.id for i in detail.invoices] == [older, newer]
    assert detail.attachments == (
        "Invoice INV-00007.pdf",
        "Invoice INV-00008.pdf",
        "Statement ZED 2026-06-10.pdf",
    )
    assert (detail.recipient, detail.subject) == ("pay@zed.example", "Final notice: €240.00")
    assert detail.body == "Dear Zed & Co,\n\n- INV-00007\n- INV-00008\n"
    assert "Dear Zed &amp; Co," in detail.html and "<li" in detail.html
    assert (detail.total, detail.fee, detail.channel, detail.editable) == (
        D("240.00"),
        D("25.00"),
        Channel.EMAIL,
        True,
    )
    newer_line = detail.invoices[1]
    assert (newer_line.amount, newer_line.open_amount, newer_line.open_now) == (
        D("120.00"),
        D("120.00"),  # what the message says
        D("100.00"),  # paid in part since
    )
    plain = message_detail(db, message_id(db, ledger.acme, "reminder"))
    assert plain.attachments == ("Invoice INV-00001.pdf",)
    with pytest.raises(NotFoundError):
        message_detail(db, 999)
