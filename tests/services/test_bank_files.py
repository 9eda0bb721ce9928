"""Real statement files of every format, imported into books that hold the invoices they pay.

Each file's credits are matched against a small ledger written for it: the
named invoices end paid, guesses wait, strangers and debits change nothing,
and reading the file again (or an overlapping one) records nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import func, select

from creditdesk.domain.invoice import InvoiceLine
from creditdesk.domain.matching import Outcome
from creditdesk.services.bank.statement_import import import_bank_file
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.store.database import Database, open_database
from creditdesk.store.models import AllocationRow, Invoice, Payment
from creditdesk.store.unit_of_work import UnitOfWork

BANK = Path(__file__).parents[1] / "imports" / "fixtures" / "bank"
ISSUED = date(2026, 11, 2)


@dataclass(frozen=True)
class Case:
    file: str
    currency: str
    invoices: tuple[tuple[str, str, str], ...]  # number, client name, gross
    paid: frozenset[str]  # the invoices the statement pays in full
    applied: int
    suggested: int = 0


CASES = [
    Case(
        "camt053_001_02_commerzbank.xml",
        "EUR",
        (
            ("A-1002", "Müller Maschinenbau GmbH", "1190.00"),
            ("A-1003", "Weber Elektro e.K.", "125.00"),
            ("A-1004", "Weber Elektro e.K.", "125.00"),
            ("S-1", "Schmidt & Co. KG", "500.00"),  # it quotes a reference not of ours: a guess by its name
        ),
        frozenset({"A-1002", "A-1003", "A-1004"}),
        applied=2,
        suggested=1,
    ),
    Case(
        "camt053_001_08_abnamro.xml",
        "EUR",
        (
            ("A-1004", "De Vries Installatietechniek B.V.", "2420.00"),  # paid by its creditor reference
            ("A-1003", "Bakkerij Jansen", "600.00"),  # "#1003"
            ("A-1005", "Peeters & Zonen BVBA", "150.00"),
            ("A-1006", "Peeters & Zonen BVBA", "250.00"),
        ),
        frozenset({"A-1003", "A-1004", "A-1005", "A-1006"}),
        applied=3,
    ),
    Case(
        "camt054_001_04_sparkasse.xml",
        "EUR",
        (("A-1007", "Klein Holzbau GmbH", "1234.50"),),
        frozenset({"A-1007"}),
        applied=1,
    ),
    Case(
        "csv_sparkasse_camt_v2_cp1252.csv",
        "EUR",
        (
            ("A-1002", "Müller Maschinenbau GmbH", "1190.00"),
            ("A-1003", "Weber Elektro e.K.", "125.00"),
            ("A-1004", "Weber Elektro e.K.", "125.00"),
            ("A-1007", "Klein Holzbau GmbH", "1234.50"),
        ),
        frozenset({"A-1002", "A-1003", "A-1004", "A-1007"}),
        applied=3,
        suggested=1,  # Weber's second payment names the invoices the first one paid: a person looks
    ),
    Case(
        "csv_starling_gbp.csv",
        "GBP",
        (
            ("A-1002", "Acme Widgets Ltd", "1190.00"),
            ("A-1003", "Smith & Jones LLP", "100.00"),
            ("A-1004", "Smith & Jones LLP", "150.00"),
            ("O-77", "Ortiz Carpentry", "640.25"),  # Ortiz quotes "#1003", Smith & Jones's invoice
        ),
        frozenset({"A-1002", "A-1003", "A-1004"}),
        applied=2,
        suggested=1,  # Ortiz, a client, names another client's invoice: never applied to it
    ),
    Case(
        "mt940_ing_nl_20261203.940",
        "EUR",
        (
            ("A-1004", "De Vries Installatietechniek", "2420.00"),
            ("A-1003", "Bakkerij Jansen", "350.00"),
            ("A-1005", "Bakkerij Jansen", "250.00"),
            ("A-0990", "Visser Transport", "50.00"),
            ("A-0991", "Visser Transport", "70.00"),
        ),
        frozenset({"A-1003", "A-1004", "A-1005", "A-0990", "A-0991"}),
        applied=3,
    ),
    Case(
        "ofx102_sgml_lakeside.ofx",
        "USD",
        (
            ("A-1002", "Acme Widgets Inc", "1190.00"),
            ("A-1003", "Smith & Jones LLC", "100.00"),
            ("A-1004", "Smith & Jones LLC", "150.00"),
        ),
        frozenset({"A-1002", "A-1003", "A-1004"}),
        applied=2,
    ),
    Case(
        "ofx220_xml_baybank.ofx",
        "USD",
        (
            ("A-1005", "Golden Gate Fixtures", "1210.00"),
            ("A-1006", "Golden Gate Fixtures", "1210.00"),
            ("A-1003", "Ortiz Carpentry", "640.25"),
        ),
        frozenset({"A-1003", "A-1005", "A-1006"}),
        applied=2,
    ),
    Case(
        "qfx_prairie_federal.qfx",
        "USD",
        (("A-1007", "Klein & Sons Hardware", "1234.50"),),
        frozenset({"A-1007"}),
        applied=1,
    ),
]


def books(tmp_path: Path, case: Case) -> Database:
    db = open_database(tmp_path / "books.sqlite", create=True)
    create_company(db, "Harbour Design", case.currency, "en_GB")
    clients: dict[str, int] = {}
    for number, name, gross in case.invoices:
        if name not in clients:
            clients[name] = add_client(db, ClientInput(f"C{len(clients) + 1}", name))
        line = InvoiceLine("Work", D(1), D(gross))
        create_invoice(db, InvoiceInput(clients[name], ISSUED, [line], number=number))
    return db


def owed(db: Database) -> dict[str, D]:
    with UnitOfWork(db) as uow:
        applied = dict(
            uow.session.execute(
                select(AllocationRow.invoice_id, func.sum(AllocationRow.amount)).group_by(
                    AllocationRow.invoice_id
                )
            ).all()
        )
        return {
            invoice.number: D(invoice.gross - int(applied.get(invoice.id, 0))) / 100
            for invoice in uow.session.scalars(select(Invoice))
        }


def payments(db: Database) -> int:
    with UnitOfWork(db) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Payment)) or 0)


@pytest.mark.parametrize("case", CASES, ids=[case.file for case in CASES])
def test_each_format_pays_the_invoices_it_names_and_a_second_reading_adds_nothing(
    tmp_path: Path, case: Case
) -> None:
    db = books(tmp_path, case)
    try:
        summary = import_bank_file(db, BANK / case.file)
        assert summary.counts[Outcome.APPLIED] == case.applied
        assert summary.counts[Outcome.SUGGESTED] == case.suggested
        left = owed(db)
        assert {number for number, amount in left.items() if amount == 0} == case.paid
        assert all(amount >= 0 for amount in left.values()), "no invoice is paid more than it owes"
        recorded = payments(db)
        assert recorded == case.applied

        again = import_bank_file(db, BANK / case.file)
        assert again.counts[Outcome.APPLIED] == 0 and again.counts[Outcome.SUGGESTED] == 0
        assert again.counts[Outcome.KNOWN] == sum(
            summary.counts[o] for o in Outcome if o is not Outcome.KNOWN
        )
        assert payments(db) == recorded and owed(db) == left
    finally:
        db.close()


def test_overlapping_statements_record_each_entry_once(tmp_path: Path) -> None:
    case = Case(
        "mt940",
        "EUR",
        (
            ("A-1002", "Müller Maschinenbau GmbH", "1190.00"),
            ("A-1003", "Weber Elektro e.K.", "125.00"),
            ("A-1004", "Weber Elektro e.K.", "125.00"),
            ("A-1007", "Klein Holzbau GmbH", "1234.50"),
        ),
        frozenset(),
        applied=0,
    )
    db = books(tmp_path, case)
    try:
        first = import_bank_file(db, BANK / "mt940_commerzbank_20261201.sta")
        assert first.counts[Outcome.APPLIED] == 2  # Müller, and Weber's first payment
        assert first.counts[Outcome.UNMATCHED] == 1  # a cash deposit at the branch
        second = import_bank_file(db, BANK / "mt940_commerzbank_20261202.sta")
        assert second.counts[Outcome.KNOWN] == 2, "Weber's two payments of 2 December are in both files"
        assert second.counts[Outcome.APPLIED] == 1  # Klein
        assert {n for n, amount in owed(db).items() if amount == 0} == {
            "A-1002",
            "A-1003",
            "A-1004",
            "A-1007",
        }
        assert payments(db) == 3
    finally:
        db.close()


def test_a_payment_entered_by_hand_is_linked_not_recorded_again(tmp_path: Path) -> None:
    case = CASES[2]  # camt.054: Klein pays A-1007
    db = books(tmp_path, case)
    try:
        with UnitOfWork(db) as uow:
            invoice = uow.session.scalars(select(Invoice).where(Invoice.number == "A-1007")).one()
            invoice_id, client_id = invoice.id, invoice.client_id
        record_payment(db, PaymentInput(client_id, date(2026, 12, 2), D("1234.50"), invoice_id=invoice_id))
        summary = import_bank_file(db, BANK / case.file)
        assert summary.counts[Outcome.LINKED] == 1 and summary.counts[Outcome.APPLIED] == 0
        assert payments(db) == 1
        assert owed(db)["A-1007"] == 0
    finally:
        db.close()


def test_a_statement_in_another_currency_is_refused(tmp_path: Path) -> None:
    from creditdesk.domain.errors import ImportRefused

    db = books(tmp_path, Case("ofx", "EUR", (), frozenset(), 0))
    try:
        with pytest.raises(ImportRefused) as refused:
            import_bank_file(db, BANK / "ofx102_sgml_lakeside.ofx")
        assert "the statement is in USD, but the books are kept in EUR" in refused.value.problems[0]
        assert payments(db) == 0
    finally:
        db.close()
