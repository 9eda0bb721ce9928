"""The client list and one client's detail agree with the aging, and read the ledger right."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest

from creditdesk.domain.errors import NotFoundError
from creditdesk.domain.invoice import InvoiceLine, InvoiceState
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.clients.overview import client_detail, client_rows, credit_usage
from creditdesk.services.clients.records import ClientInput, add_client, archive_client, log_note
from creditdesk.services.company.demo import generate_demo
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import (
    CreditNoteInput,
    PaymentInput,
    issue_credit_note,
    record_payment,
)
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database, open_database

TODAY = date(2026, 11, 22)


@pytest.fixture
def demo_db(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "demo.sqlite", create=True)
    generate_demo(db, clients=30, invoices=400, seed=7, as_of=TODAY)
    yield db
    db.close()


def invoice(db: Database, client: int, issued: date, amount: str, *, due: date | None = None) -> int:
    return create_invoice(
        db, InvoiceInput(client, issued, [InvoiceLine("Work", D(1), D(amount))], due_date=due)
    )


def pay(db: Database, client: int, day: date, amount: str, invoice_id: int | None = None) -> None:
    record_payment(db, PaymentInput(client, day, D(amount), "BACS", "remittance", invoice_id=invoice_id))


# --- the list ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", [TODAY, date(2026, 3, 1)])
def test_list_figures_are_the_aging_figures(demo_db: Database, as_of: date) -> None:
    rows = client_rows(demo_db, as_of)
    report = run_aging(demo_db, as_of)
    assert len(rows) == 30
    assert any(r.overdue > 0 for r in rows)
    for row in rows:
        aging = report.row_for(row.id)
        assert (row.balance, row.overdue) == ((aging.total, aging.overdue) if aging else (0, 0))
        assert (row.oldest_overdue_days is None) == (row.overdue == 0)


def test_list_and_detail_agree_on_every_client(demo_db: Database) -> None:
    for row in client_rows(demo_db, TODAY):
        detail = client_detail(demo_db, row.id, TODAY)
        assert (detail.balance, detail.overdue) == (row.balance, row.overdue)
        oldest = max((i.days_overdue for i in detail.open_invoices), default=0)
        assert row.oldest_overdue_days == (oldest or None)
        assert (row.code, row.name, row.email) == (detail.code, detail.name, detail.email)
        assert row.last_contact == detail.last_contact


def test_list_is_sorted_by_name_as_people_expect(demo_db: Database) -> None:
    names = [r.name for r in client_rows(demo_db, TODAY)]
    assert names.index("Björk & Åberg AB") < names.index("Cedar Ridge Homes LLC")
    assert names.index("Łódź Logistics Sp. z o.o.") < names.index("Müller & Söhne GmbH")


def test_credit_usage_and_limits(db: Database) -> None:
    assert credit_usage(D(250), D(1000)) == D("0.25")
    assert credit_usage(D("1825.86"), D(5000)) == D("0.37")  # rounded half-up once, to a whole percent
    assert credit_usage(D(-50), D(1000)) == D("0.00")  # money on account is no usage
    assert credit_usage(D(10), None) is None
    assert credit_usage(D(10), D(0)) is None
    within = add_client(db, ClientInput("IN", "Within", credit_limit=D(1000), terms=PaymentTerms(30)))
    over = add_client(db, ClientInput("OUT", "Over", credit_limit=D(100), terms=PaymentTerms(30)))
    free = add_client(db, ClientInput("FREE", "Free"))
    invoice(db, within, date(2026, 11, 1), "250")
    invoice(db, over, date(2026, 11, 1), "150")
    rows = {r.id: r for r in client_rows(db, TODAY)}
    assert (rows[within].credit_usage, rows[within].over_limit) == (D("0.25"), False)
    assert (rows[over].credit_usage, rows[over].over_limit) == (D("1.50"), True)
    assert rows[free].credit_limit is None and rows[free].credit_usage is None
    assert rows[free].balance == D(0)
    assert rows[within].terms == "Net 30"
    detail = client_detail(db, over, TODAY)
    assert (detail.credit_used, detail.credit_remaining, detail.over_limit) == (D(150), D(-50), True)
    assert detail.credit_usage == rows[over].credit_usage


def test_archived_clients_are_listed_and_flagged(db: Database) -> None:
    gone = add_client(db, ClientInput("GONE", "Gone Ltd"))
    add_client(db, ClientInput("HERE", "Here Ltd"))
    archive_client(db, gone)
    rows = {r.code: r for r in client_rows(db, TODAY)}
    assert rows["GONE"].archived and not rows["HERE"].archived


# --- one client ----------------------------------------------------------------------------------------


@pytest.fixture
def history(db: Database) -> dict[str, int]:
    """One client, three invoices with known payment histories, a credit note and notes."""
    client = add_client(db, ClientInput("HIST", "History Ltd", terms=PaymentTerms(30)))
    a = invoice(db, client, date(2026, 1, 1), "100")  # due 31 Jan
    b = invoice(db, client, date(2026, 2, 1), "200")  # due 3 Mar
    c = invoice(db, client, date(2026, 3, 1), "80")  # due 31 Mar, never paid
    pay(db, client, date(2026, 1, 11), "60", a)
    pay(db, client, date(2026, 2, 10), "40", a)  # settled after its due date: late
    issue_credit_note(db, CreditNoteInput(client, date(2026, 2, 5), D(50), b, "Price correction"))
    pay(db, client, date(2026, 2, 20), "150", b)  # settled before its due date: on time
    pay(db, client, date(2026, 3, 10), "25")  # nothing else open but C: applied to C
    log_note(db, client, "Called Ann: pays C on Friday.", datetime(2026, 4, 2, 15, 30))
    return {"client": client, "a": a, "b": b, "c": c}


def test_payment_behaviour_uses_payments_not_credit_notes(db: Database, history: dict[str, int]) -> None:
    detail = client_detail(db, history["client"], date(2026, 4, 15))
    behaviour = detail.behaviour
    # A: 60 after 10 days, 40 after 40; B: 150 after 19 (the credit note is not a payment);
    # C: 25 after 9.  (600 + 1600 + 2850 + 225) / 275 = 19.18...
    assert behaviour.average_days_to_pay == D("19.2")
    # Judged: A (settled late), B (settled on time), C (past due, unpaid): one in three.
    assert behaviour.invoices_considered == 3
    assert behaviour.paid_on_time_share == D("0.33")


def test_open_invoices_as_of_a_date(db: Database, history: dict[str, int]) -> None:
    detail = client_detail(db, history["client"], date(2026, 4, 15))
    assert [(i.id, i.open, i.days_overdue, i.state) for i in detail.open_invoices] == [
        (history["c"], D(55), 15, InvoiceState.OVERDUE)
    ]
    assert (detail.balance, detail.overdue, detail.on_account) == (D(55), D(55), D(0))
    early = client_detail(db, history["client"], date(2026, 2, 15))  # before B's payment
    assert [(i.id, i.open, i.days_overdue) for i in early.open_invoices] == [(history["b"], D(150), 0)]
    assert early.balance == D(150)
    assert early.behaviour.invoices_considered == 1  # only A was settled or due by then


def test_timeline_is_newest_first_with_every_kind(db: Database, history: dict[str, int]) -> None:
    detail = client_detail(db, history["client"], date(2026, 4, 15))
    timeline = detail.timeline
    days = [e.day for e in timeline]
    assert days == sorted(days, reverse=True)
    kinds = [e.kind for e in timeline]
    # The services' own "invoice issued" / "payment received" activity rows are not shown twice.
    assert sorted(kinds) == sorted(["note"] + ["invoice"] * 3 + ["payment"] * 4 + ["credit_note"])
    assert timeline[0].kind == "note" and timeline[0].text == "Called Ann: pays C on Friday."
    assert timeline[0].at == datetime(2026, 4, 2, 15, 30)
    first_invoice = next(e for e in timeline if e.invoice_id == history["a"] and e.kind == "invoice")
    assert (first_invoice.amount, first_invoice.state) == (D(100), InvoiceState.PAID)
    credit = next(e for e in timeline if e.kind == "credit_note")
    assert (credit.amount, credit.text, credit.label) == (D(50), "Price correction", "Credit note")
    number_b = next(e.number for e in timeline if e.invoice_id == history["b"] and e.kind == "invoice")
    assert credit.applied_to == (number_b,)
    last_payment = next(e for e in timeline if e.kind == "payment")
    assert (last_payment.day, last_payment.amount, last_payment.on_account) == (
        date(2026, 3, 10),
        D(25),
        D(0),
    )
    assert (last_payment.text, last_payment.reference) == ("BACS", "remittance")
    assert detail.last_contact == date(2026, 4, 2)


def test_money_on_account_shows_on_the_payment(db: Database) -> None:
    client = add_client(db, ClientInput("PRE", "Prepaid"))
    pay(db, client, date(2026, 11, 1), "90")
    detail = client_detail(db, client, TODAY)
    assert (detail.balance, detail.on_account) == (D(-90), D(90))
    (entry,) = detail.timeline
    assert (entry.kind, entry.applied_to, entry.on_account) == ("payment", (), D(90))
    assert detail.archive_blocker is not None and "on account" in detail.archive_blocker


def test_contact_details_and_flags(db: Database) -> None:
    client = add_client(
        db,
        ClientInput(
            "C1",
            "Contact Co",
            "ap@contact.example",
            contact_name="Ann Smith",
            phone="01632 960 001",
            address="1 High Street\nTruro",
            credit_limit=D("2500"),
            on_hold=True,
            do_not_chase=True,
            notes="Key account",
        ),
    )
    detail = client_detail(db, client, TODAY)
    assert (detail.contact_name, detail.email, detail.phone) == (
        "Ann Smith",
        "ap@contact.example",
        "01632 960 001",
    )
    assert (detail.address, detail.notes, detail.terms) == ("1 High Street\nTruro", "Key account", "Net 30")
    assert (detail.on_hold, detail.do_not_chase, detail.archived) == (True, True, False)
    assert (detail.credit_limit, detail.credit_used, detail.credit_remaining) == (D(2500), D(0), D(2500))
    assert detail.behaviour.invoices_considered == 0 and detail.behaviour.average_days_to_pay is None
    assert detail.archive_blocker is None and detail.last_contact is None


def test_a_busy_demo_client_reads_consistently(demo_db: Database) -> None:
    busiest = max(client_rows(demo_db, TODAY), key=lambda r: r.balance)
    detail = client_detail(demo_db, busiest.id, TODAY)
    opened = sum((i.open for i in detail.open_invoices), D(0))
    assert opened - detail.on_account == detail.balance
    assert sum((i.open for i in detail.open_invoices if i.days_overdue > 0), D(0)) == detail.overdue
    dues = [i.due_date for i in detail.open_invoices]
    assert dues == sorted(dues)
    assert all(i.days_overdue == max(0, (TODAY - i.due_date).days) for i in detail.open_invoices)
    assert len(detail.timeline) > len(detail.open_invoices)
    assert detail.timeline[0].day >= detail.timeline[-1].day
    assert detail.timeline[0].day <= TODAY + timedelta(days=1)


def test_a_missing_client_is_a_clear_error(db: Database) -> None:
    with pytest.raises(NotFoundError, match="no longer exists"):
        client_detail(db, 999, TODAY)
