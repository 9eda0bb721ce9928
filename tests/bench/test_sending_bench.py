"""Sending benchmark: 500 queued reminders through ``send_approved`` to a local SMTP server.

Run with ``make bench``. Prints messages per second over one STARTTLS connection
with AUTH, against a baseline measured in this process: the bare transport
(``send_batch`` with ready-made messages, ``measure_send_rate``). The difference
is the outbox's own work: two committed transactions per message (marked
sending, then sent with its .eml and a timeline entry) and building each email.
A second run attaches each reminder's invoice PDF, as the default stages do.
Nothing is asserted on time.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

import keyring
import keyring.backends.null
from sqlalchemy import func, select, update

from creditdesk.domain.invoice import InvoiceLine
from creditdesk.domain.terms import PaymentTerms
from creditdesk.mail.smtp import Security
from creditdesk.services.chasing import outbox, reminders
from creditdesk.services.chasing.mail_account import SmtpForm, save_smtp_settings
from creditdesk.services.chasing.sending import SendRunSummary, send_approved
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.store.backup import copy_database
from creditdesk.store.database import Database, open_database
from creditdesk.store.models import Reminder
from creditdesk.store.unit_of_work import UnitOfWork
from tests.mail.smtp_server import (
    FROM_ADDRESS,
    HOST,
    PASSWORD,
    USERNAME,
    client_context,
    make_ca,
    measure_send_rate,
    smtp_server,
)

COUNT = 500
AS_OF = date(2026, 3, 9)


def build_outbox(path: Path) -> None:
    """COUNT clients, each one invoice a few days overdue: COUNT approved "just a reminder" emails."""
    db = open_database(path, create=True)
    try:
        create_company(db, "Bench Co", "EUR", "en_GB")
        for number in range(COUNT):
            client = add_client(
                db,
                ClientInput(
                    f"C{number:04d}",
                    f"Client {number:04d}",
                    email=f"client{number}@example.test",
                    terms=PaymentTerms(30),
                ),
            )
            due = AS_OF - timedelta(days=3)
            create_invoice(
                db,
                InvoiceInput(
                    client, due - timedelta(days=30), [InvoiceLine("Work", D(1), D("120.00"))], due_date=due
                ),
            )
        assert reminders.queue(db, AS_OF).queued == COUNT
        assert outbox.approve_all_drafts(db) == COUNT
    finally:
        db.close()


def attachments(db: Database, *, invoices: bool) -> None:
    with UnitOfWork(db, write=True) as uow:
        uow.session.execute(update(Reminder).values(attach_invoices=invoices, attach_statement=False))
        uow.commit()


def timed_send(path: Path, *, invoices: bool) -> tuple[SendRunSummary, float, int]:
    ca = make_ca()
    db = open_database(path)
    try:
        attachments(db, invoices=invoices)
        with smtp_server(ca) as server:
            form = SmtpForm(
                host=HOST,
                port=server.port,
                security=Security.STARTTLS,
                username=USERNAME,
                from_address=FROM_ADDRESS,
            )
            save_smtp_settings(db, form, None)
            start = time.perf_counter()
            summary = send_approved(
                db,
                as_of=AS_OF,
                now=lambda: datetime.now(UTC),
                password=PASSWORD,
                ssl_context=client_context(ca),
            )
            seconds = time.perf_counter() - start
            assert summary.sent == COUNT == len(server.handler.received), summary
            with UnitOfWork(db) as uow:
                sent = uow.session.scalar(select(func.count()).where(Reminder.status == "sent"))
            assert sent == COUNT
            return summary, seconds, server.connections
    finally:
        db.close()


def test_sending_500_reminders_over_one_connection(tmp_path: Path) -> None:
    original = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.null.Keyring())  # the password is passed in; no keyring needed
    try:
        start = time.perf_counter()
        build_outbox(tmp_path / "plain.sqlite")
        copy_database(tmp_path / "plain.sqlite", tmp_path / "pdf.sqlite")
        print(f"\n\nOutbox of {COUNT} approved reminders built in {time.perf_counter() - start:.1f} s")

        baseline = measure_send_rate(COUNT)
        print(
            f"  transport only (send_batch, emails built beforehand): {baseline.per_second:,.0f} messages/s "
            f"({baseline.seconds:.2f} s, {baseline.connections} connection)"
        )
        _, seconds, connections = timed_send(tmp_path / "plain.sqlite", invoices=False)
        rate = COUNT / seconds
        print(
            f"  send_approved, text and HTML:                       {rate:,.0f} messages/s "
            f"({seconds:.2f} s, {connections} connection; {rate / baseline.per_second:.2f} x transport)"
        )
        _, seconds, connections = timed_send(tmp_path / "pdf.sqlite", invoices=True)
        rate = COUNT / seconds
        print(
            f"  send_approved, with each invoice's PDF attached:    {rate:,.0f} messages/s "
            f"({seconds:.2f} s, {connections} connection; {rate / baseline.per_second:.2f} x transport)"
        )
    finally:
        keyring.set_keyring(original)
