"""Importing bank statements: what is proven is recorded, guesses wait, nothing is recorded twice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import func, select

from creditdesk.domain.bank import BankStatement, BankTransaction
from creditdesk.domain.creditor_reference import creditor_reference
from creditdesk.domain.errors import ImportRefused, LedgerError
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.domain.matching import Outcome, Reason
from creditdesk.services.bank.entries import (
    IGNORED,
    IN_THE_BOOKS,
    WAITING,
    assign_entry,
    confirm_entries,
    count_entries_to_look_at,
    ignore_entries,
    ignore_entry,
    list_bank_entries,
    undo_entry,
)
from creditdesk.services.bank.reasons import reason_text
from creditdesk.services.bank.statement_import import import_bank_statement
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database, open_database
from creditdesk.store.models import AllocationRow, BankEntry, Invoice, Payment
from creditdesk.store.unit_of_work import UnitOfWork

DAY = date(2026, 12, 1)
ACCOUNT = "DE89370400440532013000"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "bank.sqlite", create=True)
    create_company(database, "Harbour Design GmbH", "EUR", "de_DE")
    return database


def client(db: Database, code: str, name: str) -> int:
    return add_client(db, ClientInput(code, name))


def invoice(db: Database, client_id: int, number: str, amount: str, issued: date = date(2026, 10, 1)) -> int:
    return create_invoice(
        db, InvoiceInput(client_id, issued, [InvoiceLine("Design", D(1), D(amount))], number=number)
    )


def credit(
    reference: str, amount: str, text: str = "", name: str = "", iban: str = "", **kw: object
) -> BankTransaction:
    return BankTransaction(reference, kw.pop("booked", DAY), D(amount), "EUR", name, iban, text, **kw)  # type: ignore[arg-type]


def statement(*entries: BankTransaction, currency: str = "EUR") -> BankStatement:
    return BankStatement("camt.053", ACCOUNT, currency, entries, statement_date=DAY)


def owed(db: Database, invoice_id: int) -> D:
    with UnitOfWork(db) as uow:
        row = uow.session.get(Invoice, invoice_id)
        assert row is not None
        applied = uow.session.scalar(
            select(func.coalesce(func.sum(AllocationRow.amount), 0)).where(
                AllocationRow.invoice_id == invoice_id
            )
        )
        return D(row.gross - int(applied or 0)) / 100


def payments(db: Database) -> int:
    with UnitOfWork(db) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Payment)) or 0)


def test_named_invoices_are_paid_guesses_wait_and_debits_and_strangers_change_nothing(db: Database) -> None:
    bramble = client(db, "BRAMBLE", "Bramble & Co")
    quay = client(db, "QUAY", "Quayside Café")
    first = invoice(db, bramble, "A-1002", "500.00")
    second = invoice(db, bramble, "A-1003", "250.00")
    cafe = invoice(db, quay, "A-1010", "120.00")
    summary = import_bank_statement(
        db,
        statement(
            credit("B1", "750.00", "INV A-1002 and a 1003", "Bramble & Co"),
            credit("B2", "120.00", "December", "Quayside Cafe"),
            credit("B3", "-80.00", "Office rent"),
            credit("B4", "33.00", "Gift", "Someone Else"),
        ),
        "dec.xml",
    )
    assert summary.counts[Outcome.APPLIED] == 1
    assert summary.counts[Outcome.SUGGESTED] == 1
    assert summary.counts[Outcome.UNMATCHED] == 1
    assert summary.debits == 1
    assert owed(db, first) == 0 and owed(db, second) == 0
    assert owed(db, cafe) == D("120.00"), "a suggestion records nothing until it is confirmed"
    assert payments(db) == 1
    assert count_entries_to_look_at(db) == 2
    waiting = {entry.payer_name: entry for entry in list_bank_entries(db, "suggested")}
    assert waiting["Quayside Cafe"].client_id == quay and waiting["Quayside Cafe"].invoices == "A-1010"

    confirm_entries(db, [waiting["Quayside Cafe"].id])
    assert owed(db, cafe) == 0
    assert count_entries_to_look_at(db) == 1


def test_the_same_statement_or_an_overlapping_one_records_nothing_twice(db: Database) -> None:
    bramble = client(db, "BRAMBLE", "Bramble & Co")
    first = invoice(db, bramble, "A-1002", "500.00")
    invoice(db, bramble, "A-1003", "250.00")
    november = statement(credit("B1", "200.00", "A-1002 part", "Bramble & Co"))
    import_bank_statement(db, november, "nov.xml")
    again = import_bank_statement(db, november, "nov.xml")
    assert again.counts[Outcome.KNOWN] == 1 and again.counts[Outcome.APPLIED] == 0
    overlapping = statement(
        credit("B1", "200.00", "A-1002 part", "Bramble & Co"),
        credit("B2", "300.00", "A-1002 rest", "Bramble & Co", booked=date(2026, 12, 2)),
    )
    later = import_bank_statement(db, overlapping, "dec.xml")
    assert later.counts[Outcome.KNOWN] == 1 and later.counts[Outcome.APPLIED] == 1
    assert owed(db, first) == 0
    assert payments(db) == 2


def test_a_payment_entered_by_hand_is_linked_not_doubled(db: Database) -> None:
    bramble = client(db, "BRAMBLE", "Bramble & Co")
    first = invoice(db, bramble, "A-1002", "500.00")
    record_payment(db, PaymentInput(bramble, date(2026, 11, 29), D("500.00"), invoice_id=first))
    summary = import_bank_statement(
        db, statement(credit("B1", "500.00", "A-1002", "Bramble & Co")), "dec.xml"
    )
    assert summary.counts[Outcome.LINKED] == 1
    assert payments(db) == 1
    assert owed(db, first) == 0


def test_a_creditor_reference_is_matched_exactly(db: Database) -> None:
    bramble = client(db, "BRAMBLE", "Bramble & Co")
    first = invoice(db, bramble, "A-1002", "500.00")
    reference = creditor_reference("A-1002")
    summary = import_bank_statement(
        db, statement(credit("B1", "500.00", "", "B. & Co", creditor_reference=reference)), "dec.xml"
    )
    assert summary.counts[Outcome.APPLIED] == 1
    assert owed(db, first) == 0


def test_an_assigned_payer_is_remembered_and_undo_opens_the_invoices_again(db: Database) -> None:
    bramble = client(db, "BRAMBLE", "Bramble & Co")
    first = invoice(db, bramble, "A-1002", "500.00")
    iban = "GB33BUKB20201555555555"
    import_bank_statement(db, statement(credit("B1", "480.00", "thanks", "J Smith", iban)), "a.xml")
    [entry] = list_bank_entries(db, "unmatched")
    assign_entry(db, entry.id, bramble)
    assert owed(db, first) == D("20.00"), "applied oldest first by the house rules"

    summary = import_bank_statement(
        db, statement(credit("B2", "20.00", "rest", "J Smith", iban, booked=date(2026, 12, 5))), "b.xml"
    )
    assert summary.counts[Outcome.SUGGESTED] == 1, "the payer's IBAN now means Bramble & Co"
    [suggested] = list_bank_entries(db, "suggested")
    assert suggested.client_id == bramble and suggested.invoices == "A-1002"

    before = run_aging(db, DAY).totals.total
    undo_entry(db, entry.id)
    assert owed(db, first) == D("500.00"), "its payment and allocation are gone"
    assert run_aging(db, DAY).totals.total == before + D("480.00")
    assert payments(db) == 0
    with UnitOfWork(db) as uow:
        row = uow.session.get(BankEntry, entry.id)
        assert row is not None and row.status == "unmatched" and row.payment_id is None
    ignore_entry(db, entry.id)
    ignore_entry(db, suggested.id)
    assert count_entries_to_look_at(db) == 0
    with pytest.raises(LedgerError):
        ignore_entry(db, entry.id)


def test_a_statement_in_another_currency_is_refused_and_writes_nothing(db: Database) -> None:
    client(db, "BRAMBLE", "Bramble & Co")
    with pytest.raises(ImportRefused) as refused:
        import_bank_statement(db, statement(credit("B1", "10.00"), currency="USD"), "usd.xml")
    assert "the statement is in USD, but the books are kept in EUR" in refused.value.problems[0]
    assert list_bank_entries(db) == []


def test_a_dry_run_says_what_would_happen_and_writes_nothing(db: Database) -> None:
    bramble = client(db, "BRAMBLE", "Bramble & Co")
    invoice(db, bramble, "A-1002", "500.00")
    summary = import_bank_statement(
        db, statement(credit("B1", "500.00", "A-1002", "Bramble")), "dec.xml", dry_run=True
    )
    assert summary.counts[Outcome.APPLIED] == 1
    assert payments(db) == 0 and list_bank_entries(db) == []


def test_every_reason_the_matcher_gives_has_a_sentence() -> None:
    for reason in Reason:
        words = reason_text(reason)
        assert words != reason.value and words.endswith("."), reason


def test_the_reference_on_a_statement_pays_that_clients_invoices_oldest_first(db: Database) -> None:
    bramble = client(db, "BRAMBLE", "Bramble & Co")
    older = invoice(db, bramble, "A-1002", "500.00", issued=date(2026, 9, 1))
    newer = invoice(db, bramble, "A-1003", "250.00", issued=date(2026, 10, 1))
    summary = import_bank_statement(
        db,
        statement(credit("B1", "600.00", "", "B & Co", creditor_reference=creditor_reference("BRAMBLE"))),
        "s.xml",
    )
    assert summary.counts[Outcome.APPLIED] == 1
    assert owed(db, older) == 0 and owed(db, newer) == D("150.00")


def test_entries_are_listed_by_several_statuses_and_ignored_together_or_not_at_all(db: Database) -> None:
    bramble = client(db, "BRAMBLE", "Bramble & Co")
    invoice(db, bramble, "A-1002", "500.00")
    invoice(db, bramble, "A-1003", "80.00")
    import_bank_statement(
        db,
        statement(
            credit("B1", "500.00", "A-1002", "Bramble & Co"),
            credit("B2", "80.00", "thanks", "Bramble & Co"),
            credit("B3", "12.50", "refund", "Kiosk am Hafen"),
        ),
        "dec.xml",
    )
    waiting = list_bank_entries(db, WAITING)
    assert sorted(e.status for e in waiting) == ["suggested", "unmatched"]
    assert [e.status for e in list_bank_entries(db, IN_THE_BOOKS)] == ["applied"]
    assert list_bank_entries(db, ()) == []
    applied = list_bank_entries(db, "applied")[0]

    with pytest.raises(LedgerError) as refused:
        ignore_entries(db, [waiting[0].id, applied.id])
    # The entry is named as the Bank view shows it, in the company's locale, not by its row id.
    assert refused.value.message.startswith("the bank payment of 500,00\xa0€ from Bramble & Co on 01.12.2026")
    assert count_entries_to_look_at(db) == 2, "all or none: the waiting one is still waiting"

    assert ignore_entries(db, [e.id for e in waiting]) == 2
    assert count_entries_to_look_at(db) == 0
    assert sorted(e.status for e in list_bank_entries(db, IGNORED)) == ["ignored", "ignored"]
