"""OFX 1.02 (SGML), OFX 2.2 (XML) and QFX read field by field; FITID kept as the reference."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from creditdesk.imports.bank import read_bank_file
from creditdesk.imports.problems import FileRefused
from tests.imports.bank_support import FIXTURES, rows

SGML = FIXTURES / "ofx102_sgml_lakeside.ofx"
XML = FIXTURES / "ofx220_xml_baybank.ofx"
QFX = FIXTURES / "qfx_prairie_federal.qfx"


def test_ofx_1_sgml_every_field() -> None:
    statement = read_bank_file(SGML)
    assert (statement.format, statement.account_iban, statement.account, statement.currency) == (
        "ofx",
        "",
        "121000248/4012345678",
        "USD",
    )
    # OFX states only the ledger balance at the end: nothing to add up against.
    assert (statement.opening_balance, statement.closing_balance) == (None, Decimal("5850.10"))
    assert statement.statement_date == date(2026, 12, 3)
    assert rows(statement) == [
        ("202612010001", "2026-12-01", "1190.00", "ACME WIDGETS INC", "", "INV A-1002", "", False),
        ("202612020001", "2026-12-02", "250.00", "Smith & Jones LLC", "", "A1003 and A-1004", "", False),
        ("202612020002", "2026-12-02", "-89.90", "CITY WATER & POWER", "", "ACH DEBIT WEB PMT", "", False),
        ("202612030001", "2026-12-03", "-500.00", "CHECK 1045", "", "", "", False),
    ]
    assert [entry.line for entry in statement.transactions] == [43, 51, 60, 68]
    assert all(entry.currency == "USD" and not entry.reference_derived for entry in statement.transactions)


def test_ofx_2_xml_every_field() -> None:
    statement = read_bank_file(XML)
    assert (statement.format, statement.account, statement.currency) == (
        "ofx",
        "322271627/000123456789",
        "USD",
    )
    assert (statement.closing_balance, statement.statement_date) == (Decimal("10348.25"), date(2026, 12, 3))
    assert rows(statement) == [
        # The payee aggregate's name, when there is no NAME of its own.
        (
            "2026120200000917",
            "2026-12-02",
            "2420.00",
            "Golden Gate Fixtures",
            "",
            "Payment for invoices A-1005 & A-1006",
            "",
            False,
        ),
        ("2026120300000003", "2026-12-03", "-12.00", "MONTHLY SERVICE FEE", "", "", "", False),
        ("2026120300000011", "2026-12-03", "640.25", "ZELLE FROM ORTIZ CARPENTRY", "", "#1003", "", False),
    ]


def test_qfx_with_closed_leaf_elements_and_intuit_tags() -> None:
    statement = read_bank_file(QFX)
    assert (statement.format, statement.account, statement.currency) == ("ofx", "101089742/88001234", "USD")
    assert (statement.closing_balance, statement.statement_date) == (Decimal("3191.33"), date(2026, 12, 5))
    assert rows(statement) == [
        (
            "20261204-4521-000077",
            "2026-12-04",
            "1234.50",
            "KLEIN & SONS HARDWARE",
            "",
            "REMITTANCE A-1007",
            "",
            False,
        ),
        ("20261204-4521-000078", "2026-12-04", "-43.17", "OFFICE SUPPLY #221", "", "", "", False),
    ]
    assert [entry.amount for entry in statement.credits] == [Decimal("1234.50")]


def test_the_same_file_read_twice_names_each_entry_alike() -> None:
    assert read_bank_file(SGML) == read_bank_file(SGML)


def _refused(tmp_path: Path, source: Path, old: str, new: str) -> FileRefused:
    text = source.read_bytes().decode("cp1252")
    assert old in text
    path = tmp_path / source.name
    path.write_bytes(text.replace(old, new, 1).encode("cp1252"))
    with pytest.raises(FileRefused) as refused:
        read_bank_file(path)
    return refused.value


def test_sgml_amount_that_is_not_money_names_its_line(tmp_path: Path) -> None:
    refused = _refused(tmp_path, SGML, "<TRNAMT>-89.90", "<TRNAMT>-89.90.1")
    assert refused.problem.line == 63
    assert "expected an amount like 1234.50, got '-89.90.1'" in str(refused)


def test_xml_amount_that_is_not_money_names_its_element(tmp_path: Path) -> None:
    refused = _refused(tmp_path, XML, "<TRNAMT>-12.00<", "<TRNAMT>twelve<")
    assert refused.problem.element == "OFX/BANKMSGSRSV1/STMTTRNRS/STMTRS/BANKTRANLIST/STMTTRN[2]/TRNAMT"


def test_a_transaction_without_fitid_is_refused(tmp_path: Path) -> None:
    refused = _refused(tmp_path, SGML, "<FITID>202612020002\r\n", "")
    assert refused.problem.line == 60  # the STMTTRN that lacks it
    assert "FITID" in refused.problem.message


def test_a_transaction_in_another_currency_is_refused(tmp_path: Path) -> None:
    refused = _refused(
        tmp_path,
        SGML,
        "<TRNAMT>250.00",
        "<TRNAMT>250.00\r\n<CURRENCY>\r\n<CURRATE>1.1\r\n<CURSYM>EUR\r\n</CURRENCY>",
    )
    assert refused.problem.message.startswith("this entry is in EUR but the statement is in USD")
    assert refused.problem.line == 51


def test_an_amount_beyond_any_the_books_hold_is_refused(tmp_path: Path) -> None:
    refused = _refused(tmp_path, SGML, "<TRNAMT>250.00", "<TRNAMT>250000000000.00")
    assert refused.problem.line == 55
    assert "larger than the largest amount CreditDesk accepts" in refused.problem.message
