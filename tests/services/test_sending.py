"""Sending the approved outbox to a real SMTP server (aiosmtpd, STARTTLS, AUTH), never twice.

The ledger is built and the reminders queued and approved through the services,
as the window and ``creditdesk reminders queue`` do; the server is the one the
mail tests use, with the client trusting only its throwaway CA.
"""

from __future__ import annotations

import asyncio
import io
import os
import ssl
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import keyring
import pytest
import trustme
from aiosmtpd.smtp import SMTP, Envelope, Session
from pypdf import PdfReader
from sqlalchemy import select, update

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.domain.terms import PaymentTerms
from creditdesk.mail.smtp import Security
from creditdesk.services.chasing import outbox, reminders, schedules
from creditdesk.services.chasing.mail_account import NOT_SET_UP, SmtpForm, save_smtp_settings
from creditdesk.services.chasing.sending import (
    ACTIVITY_KIND,
    INTERRUPTED,
    AlreadySending,
    OneSender,
    SendRunSummary,
    describe,
    recover_interrupted,
    send_approved,
)
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.store.database import Database
from creditdesk.store.models import Activity, Client, Company, Reminder
from creditdesk.store.unit_of_work import UnitOfWork
from tests.mail.smtp_server import (
    FROM_ADDRESS,
    HOST,
    PASSWORD,
    USERNAME,
    Handler,
    Received,
    Server,
    client_context,
    make_ca,
    smtp_server,
)

AS_OF = date(2026, 3, 9)
NOW = datetime(2026, 3, 9, 9, 30, tzinfo=UTC)
ACME, BRICK, CRATE, DUNE = "pay@acme.test", "ap@brick.test", "", "d@dune.test"


# --- the pieces -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return make_ca()


@pytest.fixture
def tls(ca: trustme.CA) -> ssl.SSLContext:
    return client_context(ca)


@pytest.fixture(autouse=True)
def _test_keyring(file_keyring: Path) -> Path:
    return file_keyring


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[Server]:
    with smtp_server(ca) as running:
        yield running


def account(db: Database, server: Server, *, password: str | None = PASSWORD, bcc_me: bool = False) -> None:
    form = SmtpForm(
        host=HOST,
        port=server.port,
        security=Security.STARTTLS,
        username=USERNAME,
        from_address=FROM_ADDRESS,
        from_name="Test Co Accounts",
        bcc_me=bcc_me,
    )
    save_smtp_settings(db, form, password)


def invoice(db: Database, client: int, due: date, amount: str) -> int:
    return create_invoice(
        db,
        InvoiceInput(client, due - timedelta(days=30), [InvoiceLine("Work", D(1), D(amount))], due_date=due),
    )


def build_ledger(db: Database, as_of: date) -> None:
    """Four clients, four stages due on ``as_of``: three by email, one a letter (no email address)."""
    with UnitOfWork(db, write=True) as uow:
        company = uow.session.get(Company, 1)
        assert company is not None
        company.email, company.bank_iban, company.bank_bic = (
            "accounts@shop.test",
            "GB29NWBK60161331926819",
            "X",
        )
        uow.commit()
    terms = PaymentTerms(30)
    acme = add_client(db, ClientInput("ACME", "Acme Ltd", email=ACME, contact_name="Ann Acme", terms=terms))
    invoice(db, acme, as_of - timedelta(days=2), "100.00")  # INV-00001
    invoice(db, acme, as_of - timedelta(days=5), "250.00")  # INV-00002, due first
    brick = add_client(db, ClientInput("BRICK", "Brick & Co", email=BRICK, terms=terms))
    late = invoice(db, brick, as_of - timedelta(days=35), "900.00")  # INV-00003, entered late
    schedules.set_start_stage(db, late, 3)  # the final notice: invoices and a statement attached
    crate = add_client(db, ClientInput("CRATE", "Crate plc", terms=terms))
    invoice(db, crate, as_of - timedelta(days=3), "40.00")  # INV-00004: a letter
    dune = add_client(db, ClientInput("DUNE", "Dune GmbH", email=DUNE, terms=terms))
    invoice(db, dune, as_of + timedelta(days=3), "70.00")  # INV-00005: a friendly heads-up


def queue_approved(db: Database, as_of: date = AS_OF) -> int:
    assert reminders.queue(db, as_of).queued == 4
    return outbox.approve_all_drafts(db)


@pytest.fixture
def queued(db: Database) -> Database:
    build_ledger(db, AS_OF)
    queue_approved(db)
    return db


@dataclass
class Sleeps:
    seconds: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def send(
    db: Database,
    tls: ssl.SSLContext,
    *,
    password: str = PASSWORD,
    sleep: Callable[[float], object] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SendRunSummary:
    return send_approved(
        db,
        as_of=AS_OF,
        now=lambda: NOW,
        password=password,
        ssl_context=tls,
        sleep=sleep or Sleeps(),
        progress=progress,
        cancelled=cancelled,
    )


def rows(db: Database) -> dict[str, Reminder]:
    """The outbox by recipient (the letter under "")."""
    with UnitOfWork(db) as uow:
        found = {r.recipient: r for r in uow.session.scalars(select(Reminder))}
        uow.session.expunge_all()  # plain snapshots: the rollback on leaving would expire them
    return found


def by_recipient(received: list[Received]) -> dict[str, EmailMessage]:
    found: dict[str, EmailMessage] = {}
    for item in received:
        message = item.message()
        found[str(message["To"].addresses[0].addr_spec)] = message
    return found


def message_ids(*handlers: Handler) -> Counter[str]:
    return Counter(str(item.message()["Message-ID"]) for h in handlers for item in h.received)


def attachments(message: EmailMessage) -> list[tuple[str, bytes]]:
    return [(str(part.get_filename()), part.get_content()) for part in message.iter_attachments()]


def counts(summary: SendRunSummary) -> tuple[int, int, int, int]:
    return summary.sent, summary.failed, summary.deferred, summary.not_attempted


# --- a day's queue --------------------------------------------------------------------------------


def test_a_days_queue_goes_out_as_one_message_per_client_per_stage(
    queued: Database, server: Server, tls: ssl.SSLContext
) -> None:
    db = queued
    account(db, server)
    progress: list[tuple[int, int]] = []
    summary = send(db, tls, progress=lambda done, total: progress.append((done, total)))

    assert counts(summary) == (3, 0, 0, 0) and summary.ok and summary.stopped_reason is None
    assert describe(summary) == "Sent 3, failed 0, still queued 0"
    assert progress == [(1, 3), (2, 3), (3, 3)]
    assert server.connections == 1  # one connection for the batch
    assert [r.rcpt_tos for r in server.handler.received] == [(ACME,), (BRICK,), (DUNE,)]

    outbox_rows = rows(db)
    messages = by_recipient(server.handler.received)
    expected_files = {
        ACME: ["Invoice INV-00002.pdf", "Invoice INV-00001.pdf"],  # by due date
        BRICK: ["Invoice INV-00003.pdf", "Statement BRICK 2026-03-09.pdf"],
        DUNE: ["Invoice INV-00005.pdf"],
    }
    for recipient, message in messages.items():
        row = outbox_rows[recipient]
        assert str(message["From"]) == f"Test Co Accounts <{FROM_ADDRESS}>"
        assert str(message["Subject"]) == row.subject
        assert str(message["Message-ID"]) == row.message_id
        assert message["Bcc"] is None
        plain = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert plain is not None and html is not None
        assert plain.get_content().replace("\r\n", "\n").rstrip() == row.body.rstrip()
        files = attachments(message)
        assert [name for name, _ in files] == expected_files[recipient]
        for _, content in files:
            assert content.startswith(b"%PDF")
            assert len(PdfReader(io.BytesIO(content)).pages) >= 1
        # Sent, with exactly what went out kept.
        assert (row.status, row.attempts, row.error) == ("sent", 1, "")
        assert row.sent_at == NOW.astimezone().replace(tzinfo=None)
        assert row.eml is not None
        kept = message_from_bytes(row.eml, policy=policy.default)
        assert str(kept["Message-ID"]) == row.message_id
        assert row.eml.rstrip(b"\r\n") == next(
            r.content for r in server.handler.received if r.rcpt_tos == (recipient,)
        ).rstrip(b"\r\n")
    assert str(messages[ACME]["To"]) == f"Ann Acme <{ACME}>"
    assert "INV-00001" in rows(db)[ACME].body and "INV-00002" in rows(db)[ACME].body
    statement = dict(attachments(messages[BRICK]))["Statement BRICK 2026-03-09.pdf"]
    assert "BRICK" in PdfReader(io.BytesIO(statement)).pages[0].extract_text()

    # The letter is not emailed: it stays in the outbox for printing.
    assert (outbox_rows[CRATE].channel, outbox_rows[CRATE].status) == ("letter", "approved")

    # Each sent message is on its client's timeline, with its text.
    with UnitOfWork(db) as uow:
        timeline = {
            code: text
            for code, text in uow.session.execute(
                select(Client.code, Activity.text)
                .join(Client, Client.id == Activity.client_id)
                .where(Activity.kind == ACTIVITY_KIND)
            )
        }
    assert timeline == {
        code: f"{outbox_rows[address].subject}\n\n{outbox_rows[address].body}"
        for code, address in (("ACME", ACME), ("BRICK", BRICK), ("DUNE", DUNE))
    }

    # Nothing goes twice: the next run finds nothing approved.
    assert counts(send(db, tls)) == (0, 0, 0, 0)
    assert len(server.handler.received) == 3


def test_bcc_me_sends_the_owner_a_copy_without_showing_it(
    queued: Database, server: Server, tls: ssl.SSLContext
) -> None:
    account(queued, server, bcc_me=True)
    assert send(queued, tls).sent == 3
    first = server.handler.received[0]
    assert first.rcpt_tos == (ACME, FROM_ADDRESS)
    assert first.message()["Bcc"] is None  # not on the wire
    eml = rows(queued)[ACME].eml
    assert eml is not None and f"Bcc: {FROM_ADDRESS}".encode() in eml  # but kept in the .eml


# --- refusals and failures ------------------------------------------------------------------------


def test_a_wrong_password_stops_with_the_servers_reason_and_loses_nothing(
    queued: Database, server: Server, tls: ssl.SSLContext
) -> None:
    account(queued, server)
    summary = send(queued, tls, password="not-the-password")

    assert summary.stopped_reason is not None and "535" in summary.stopped_reason
    assert "refused the user name or password" in summary.stopped_reason
    assert counts(summary) == (0, 0, 0, 3) and not summary.ok
    assert server.handler.received == []
    assert server.authenticator.attempts and not any(ok for _, _, ok in server.authenticator.attempts)
    for recipient in (ACME, BRICK, DUNE):
        row = rows(queued)[recipient]
        assert (row.status, row.attempts) == ("approved", 0)
        assert "535" in row.error

    # With the right password, everything goes: nothing was lost.
    assert counts(send(queued, tls)) == (3, 0, 0, 0)
    assert {row.status for row in rows(queued).values() if row.channel == "email"} == {"sent"}


def test_a_dropped_connection_leaves_the_rest_queued_for_the_next_run(
    queued: Database, ca: trustme.CA, tls: ssl.SSLContext
) -> None:
    sleeps = Sleeps()
    gone = Handler(drop_after=1, go_down_on_drop=True)  # one message, then the server goes away
    with smtp_server(ca, handler=gone) as first:
        account(queued, first)
        summary = send(queued, tls, sleep=sleeps)
    assert (summary.sent, summary.failed, summary.still_queued) == (1, 0, 2)
    assert summary.stopped_reason is not None and "refused the connection" in summary.stopped_reason
    assert sleeps.seconds == [2.0, 4.0, 8.0]  # retried with backoff before giving up
    after_first = rows(queued)
    assert after_first[ACME].status == "sent"
    assert (after_first[BRICK].status, after_first[DUNE].status) == ("approved", "approved")
    assert after_first[BRICK].attempts == 1 and after_first[BRICK].error
    brick_id = after_first[BRICK].message_id  # stored before the attempt
    assert brick_id

    back = Handler()
    with smtp_server(ca, handler=back) as second:
        account(queued, second, password=None)  # the new port; the password stays in the keyring
        assert counts(send(queued, tls)) == (2, 0, 0, 0)
    assert str(by_recipient(back.received)[BRICK]["Message-ID"]) == brick_id  # the retry reuses it
    assert set(message_ids(gone, back).values()) == {1}
    assert {row.status for row in rows(queued).values() if row.channel == "email"} == {"sent"}


def test_a_421_leaves_that_message_and_the_rest_queued(
    queued: Database, server: Server, tls: ssl.SSLContext
) -> None:
    account(queued, server)
    server.handler.refuse[BRICK] = "421 4.3.2 Service shutting down, try later"
    summary = send(queued, tls)

    assert (summary.sent, summary.failed, summary.still_queued) == (1, 0, 2)
    assert summary.stopped_reason is not None and "421 4.3.2 Service shutting down" in summary.stopped_reason
    assert describe(summary).startswith("Sent 1, failed 0, still queued 2. Stopped: ")
    state = rows(queued)
    assert (state[BRICK].status, state[DUNE].status) == ("approved", "approved")
    assert "421" in state[BRICK].error

    server.handler.refuse.clear()
    assert counts(send(queued, tls)) == (2, 0, 0, 0)
    assert set(message_ids(server.handler).values()) == {1}
    assert len(server.handler.received) == 3


def test_a_550_fails_that_message_only(queued: Database, server: Server, tls: ssl.SSLContext) -> None:
    account(queued, server)
    server.handler.refuse[BRICK] = "550 5.1.1 No such user here"
    summary = send(queued, tls)

    assert counts(summary) == (2, 1, 0, 0) and not summary.ok
    assert [(f.recipient, f.reason) for f in summary.failures] == [
        (BRICK, f"The server refused the recipient {BRICK}: 550 5.1.1 No such user here")
    ]
    assert describe(summary) == (
        f"Sent 2, failed 1 (to {BRICK}: The server refused the recipient {BRICK}: "
        "550 5.1.1 No such user here), still queued 0"
    )
    state = rows(queued)
    assert (state[ACME].status, state[BRICK].status, state[DUNE].status) == ("sent", "failed", "sent")
    assert state[BRICK].error.endswith("550 5.1.1 No such user here")
    assert server.connections == 1  # the refusal did not cost the connection

    # A failed message waits for a person: the next run does not try it again by itself.
    assert counts(send(queued, tls)) == (0, 0, 0, 0)
    assert server.handler.recipients() == [ACME, DUNE]


def test_a_line_lost_while_the_server_held_the_message_is_never_sent_again(
    queued: Database, server: Server, tls: ssl.SSLContext
) -> None:
    account(queued, server)
    server.handler.vanish.add(BRICK)  # the server keeps it, then the line goes dead before its answer
    summary = send(queued, tls)
    assert counts(summary) == (2, 1, 0, 0)
    brick = rows(queued)[BRICK]
    assert brick.status == "failed" and "may or may not have been delivered" in brick.error
    assert server.connections == 2  # the rest went over a new connection

    server.handler.vanish.clear()
    assert counts(send(queued, tls)) == (0, 0, 0, 0)
    assert server.handler.recipients() == [ACME, BRICK, DUNE]
    assert set(message_ids(server.handler).values()) == {1}


def test_a_message_that_cannot_be_built_fails_alone(
    queued: Database, server: Server, tls: ssl.SSLContext
) -> None:
    account(queued, server)
    with UnitOfWork(queued, write=True) as uow:  # as if the file had been edited by another program
        uow.session.execute(
            update(Reminder)
            .where(Reminder.recipient == BRICK)
            .values(recipient=f"{BRICK}\r\nBcc: x@evil.test")
        )
        uow.commit()
    summary = send(queued, tls)
    assert counts(summary) == (2, 1, 0, 0)
    assert "could not be prepared" in summary.failures[0].reason
    assert "line break" in summary.failures[0].reason
    assert "x@evil.test" not in server.handler.recipients()
    assert server.handler.recipients() == [ACME, DUNE]


# --- interrupted runs -----------------------------------------------------------------------------


def test_a_message_left_sending_is_marked_failed_and_never_sent_again(
    queued: Database, server: Server, tls: ssl.SSLContext
) -> None:
    account(queued, server)
    assert recover_interrupted(queued) == 0
    with UnitOfWork(queued, write=True) as uow:  # as a killed run leaves it
        uow.session.execute(update(Reminder).where(Reminder.recipient == DUNE).values(status="sending"))
        uow.commit()

    summary = send(queued, tls)
    assert summary.interrupted == 1 and not summary.ok
    assert counts(summary) == (2, 0, 0, 0)
    assert "1 message was interrupted by an earlier run" in describe(summary)
    dune = rows(queued)[DUNE]
    assert (dune.status, dune.error) == ("failed", INTERRUPTED)
    assert DUNE not in server.handler.recipients()


def test_only_one_run_sends_from_the_books_at_a_time(
    queued: Database, server: Server, tls: ssl.SSLContext
) -> None:
    account(queued, server)
    with UnitOfWork(queued, write=True) as uow:
        uow.session.execute(update(Reminder).where(Reminder.recipient == DUNE).values(status="sending"))
        uow.commit()
    with OneSender(queued):  # another run, busy sending DUNE's message
        assert recover_interrupted(queued) == 0  # its message in flight is not a leftover
        with pytest.raises(AlreadySending, match="already being sent"):
            send(queued, tls)
    assert rows(queued)[DUNE].status == "sending"
    assert server.handler.received == []
    assert recover_interrupted(queued) == 1


def test_cancelling_stops_before_the_next_message_and_keeps_the_rest_queued(
    queued: Database, server: Server, tls: ssl.SSLContext
) -> None:
    account(queued, server)
    stop = threading.Event()
    summary = send(queued, tls, progress=lambda done, total: stop.set(), cancelled=stop.is_set)
    assert summary.cancelled and counts(summary) == (1, 0, 0, 2)
    assert describe(summary) == "Sent 1, failed 0, still queued 2. Stopped at your request"
    state = rows(queued)
    assert [(state[r].status, state[r].attempts) for r in (BRICK, DUNE)] == [("approved", 0)] * 2
    assert server.handler.recipients() == [ACME]


def test_without_an_account_nothing_is_sent_and_the_user_is_told(db: Database, tls: ssl.SSLContext) -> None:
    assert counts(send(db, tls)) == (0, 0, 0, 0)  # nothing approved: no account needed
    build_ledger(db, AS_OF)
    queue_approved(db)
    with pytest.raises(ValidationError) as refused:
        send(db, tls)
    assert refused.value.message == NOT_SET_UP
    assert {row.status for row in rows(db).values()} == {"approved"}


def test_reminders_planned_for_a_later_day_wait_for_it(
    queued: Database, server: Server, tls: ssl.SSLContext
) -> None:
    account(queued, server)
    summary = send_approved(
        queued,
        as_of=AS_OF - timedelta(days=1),
        now=lambda: NOW,
        password=PASSWORD,
        ssl_context=tls,
    )
    assert counts(summary) == (0, 0, 0, 0) and server.handler.received == []


# --- killed mid-batch -----------------------------------------------------------------------------


@dataclass
class StallingHandler(Handler):
    """Keeps the ``stall_on``-th message without answering, until released (or the client dies)."""

    stall_on: int = 0
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if self.stall_on and len(self.received) == self.stall_on:
            self.reached.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        return reply


def run_cli(db_path: Path, env: dict[str, str], as_of: date) -> subprocess.Popen[str]:
    reading, writing = os.pipe()
    os.write(writing, (PASSWORD + "\n").encode())
    os.close(writing)
    try:
        return subprocess.Popen(
            [
                *(sys.executable, "-m", "creditdesk", "--db", str(db_path)),
                *("reminders", "send", "--approved-only", "--as-of", as_of.isoformat(), "--password-stdin"),
            ],
            stdin=reading,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
    finally:
        os.close(reading)


@pytest.mark.long
def test_killed_during_a_batch_and_started_again_delivers_nothing_twice(
    db: Database, db_path: Path, ca: trustme.CA, tmp_path: Path
) -> None:
    build_ledger(db, AS_OF)
    queue_approved(db)
    ca_file = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    env = os.environ | {
        "SSL_CERT_FILE": str(ca_file),  # the command trusts the test CA through the system's own mechanism
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",  # never the user's keyring
    }
    handler = StallingHandler(stall_on=2)
    outputs: list[str] = []
    with smtp_server(ca, handler=handler) as server:
        account(db, server)
        first = run_cli(db_path, env, AS_OF)
        try:
            assert handler.reached.wait(30), first.communicate(timeout=5)
            in_flight = rows(db)
            assert (in_flight[ACME].status, in_flight[BRICK].status) == ("sent", "sending")
        finally:
            first.kill()  # SIGKILL: no clean-up of any kind
            outputs += first.communicate(timeout=10)
            handler.release.set()
        assert first.returncode != 0

        handler.stall_on = 0
        second = run_cli(db_path, env, AS_OF)
        out, err = second.communicate(timeout=60)
        outputs += [out, err]
        assert second.returncode == 1, (out, err)  # the interrupted message needs a person
        assert "Sent 1, failed 0, still queued 0" in err
        assert "interrupted by an earlier run" in err

    assert message_ids(handler) == Counter({row.message_id: 1 for row in rows(db).values() if row.message_id})
    assert set(message_ids(handler).values()) == {1}
    assert handler.recipients() == [ACME, BRICK, DUNE]
    state = rows(db)
    assert (state[ACME].status, state[DUNE].status) == ("sent", "sent")
    assert (state[BRICK].status, state[BRICK].error) == ("failed", INTERRUPTED)

    secret = PASSWORD.encode()
    for text in outputs:
        assert PASSWORD not in text
    for row in state.values():
        assert secret not in (row.eml or b"") and PASSWORD not in row.error
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        if path.exists():
            assert secret not in path.read_bytes(), path


def test_the_password_is_never_written_to_the_file_or_the_mail(
    queued: Database,
    db_path: Path,
    server: Server,
    tls: ssl.SSLContext,
    file_keyring: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    account(queued, server)
    assert keyring.get_password("creditdesk", f"{USERNAME}@{HOST}") == PASSWORD  # in the (test) keyring
    send(queued, tls, password="Wrong-" + PASSWORD)
    send(queued, tls)
    out, err = capfd.readouterr()
    secret = PASSWORD.encode()
    for path in db_path.parent.iterdir():
        if path != file_keyring and path.is_file():
            assert secret not in path.read_bytes(), path.name
    for row in rows(queued).values():
        assert secret not in (row.eml or b"") and PASSWORD not in row.error
    assert PASSWORD not in out + err
