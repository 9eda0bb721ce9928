"""CAMT.053 (.001.02 and .001.08) and CAMT.054 read field by field, balances checked, batches split."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from creditdesk.imports.bank import read_bank_file
from creditdesk.imports.problems import FileRefused
from tests.imports.bank_support import FIXTURES, balances_add_up, rows


def test_camt053_version_02_every_field() -> None:
    statement = read_bank_file(FIXTURES / "camt053_001_02_commerzbank.xml")
    assert (statement.format, statement.account_iban, statement.account, statement.currency) == (
        "camt.053",
        "DE89370400440532013000",
        "DE89370400440532013000",
        "EUR",
    )
    assert statement.opening_balance == Decimal("12345.67")  # stated as PRCD, the previous closing
    assert statement.closing_balance == Decimal("13895.77")
    assert statement.statement_date == date(2026, 12, 1)
    assert rows(statement) == [
        (
            "2026120100047110001",
            "2026-12-01",
            "1190.00",
            "Müller Maschinenbau GmbH",
            "DE44500105175407324931",
            "INV A-1002 Rechnung vom 02.11.2026",
            "",
            False,
        ),
        # The batch entry of 750.00: one transaction each, with its own amount and reference.
        (
            "2026120100047110002-01",
            "2026-12-01",
            "500.00",
            "Schmidt & Co. KG",
            "DE70120300001009876543",
            "",
            "RF18539007547034",
            False,
        ),
        (
            "2026120100047110002-02",
            "2026-12-01",
            "250.00",
            "Weber Elektro e.K.",
            "DE02100500000024290661",
            "A1003 und A-1004",
            "",
            False,
        ),
        # A debit: the other party is the creditor; kept with its negative amount.
        (
            "2026120100047110003",
            "2026-12-01",
            "-89.90",
            "Stadtwerke Köln GmbH",
            "DE09700202700015820000",
            "Abschlag Strom November 2026",
            "",
            False,
        ),
        (
            "2026120100047110004",
            "2026-12-01",
            "-300.00",
            "Hansen Logistik AG",
            "",
            "STORNO Gutschrift vom 30.11.2026 A-0998",
            "",
            True,
        ),
    ]
    assert balances_add_up(statement)
    assert all(entry.currency == "EUR" and entry.line == 0 for entry in statement.transactions)
    assert not any(entry.reference_derived for entry in statement.transactions)


def test_camt053_pending_entries_are_left_out() -> None:
    statement = read_bank_file(FIXTURES / "camt053_001_02_commerzbank.xml")
    assert "2026120200047119999" not in {entry.reference for entry in statement.transactions}
    assert [entry.amount for entry in statement.credits] == [
        Decimal("1190.00"),
        Decimal("500.00"),
        Decimal("250.00"),
    ]


def test_camt053_version_08_every_field() -> None:
    statement = read_bank_file(FIXTURES / "camt053_001_08_abnamro.xml")
    assert (statement.format, statement.account_iban, statement.currency) == (
        "camt.053",
        "NL91ABNA0417164300",
        "EUR",
    )
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("5000.00"), Decimal("8329.50"))
    assert statement.statement_date == date(2026, 12, 2)
    assert rows(statement) == [
        # The .08 forms: Dbtr/Pty/Nm, Sts/Cd, TxDtls/Amt, BookgDt/DtTm; the reference at transaction level.
        (
            "0417164300-1202-000101",
            "2026-12-02",
            "2420.00",
            "De Vries Installatietechniek B.V.",
            "NL20INGB0001234567",
            "",
            "RF51A1004",
            False,
        ),
        (
            "0417164300-1202-000102-1",
            "2026-12-02",
            "600.00",
            "Bakkerij Jansen",
            "NL44RABO0123456789",
            "Factuur #1003",
            "",
            False,
        ),
        # No reference of its own in the batch: the entry's, with its place in the batch.
        (
            "0417164300-1202-000102/2",
            "2026-12-02",
            "400.00",
            "Peeters & Zonen BVBA",
            "BE68539007547034",
            "INV A-1005, A-1006",
            "",
            False,
        ),
        (
            "0417164300-1202-000103",
            "2026-12-02",
            "-15.00",
            "",
            "",
            "Kosten betalingsverkeer november 2026",
            "",
            False,
        ),
        (
            "0417164300-1202-000104",
            "2026-12-02",
            "-125.00",
            "Visser Transport",
            "",
            "Terugboeking A-0990",
            "",
            True,
        ),
        (
            "0417164300-1202-000105",
            "2026-12-02",
            "49.50",
            "Energie Direct B.V.",
            "NL44RABO0123456789",
            "Storno incasso MD0001",
            "",
            True,
        ),
    ]
    assert balances_add_up(statement)


def test_a_reversal_booked_as_a_credit_is_no_customer_payment() -> None:
    statement = read_bank_file(FIXTURES / "camt053_001_08_abnamro.xml")
    returned = statement.transactions[-1]
    assert returned.is_credit and returned.reversal
    assert returned not in statement.credits
    assert [entry.amount for entry in statement.credits] == [
        Decimal("2420.00"),
        Decimal("600.00"),
        Decimal("400.00"),
    ]


def test_camt054_notification() -> None:
    statement = read_bank_file(FIXTURES / "camt054_001_04_sparkasse.xml")
    assert (statement.format, statement.account_iban, statement.currency) == (
        "camt.054",
        "DE89370400440532013000",
        "EUR",
    )
    assert (statement.opening_balance, statement.closing_balance) == (None, None)
    assert statement.statement_date == date(2026, 12, 3)
    assert rows(statement) == [
        (
            "2026120300047112001",
            "2026-12-03",
            "1234.50",
            "Klein Holzbau GmbH",
            "DE44500105175407324931",
            "Rechnung A-1007",
            "",
            False,
        ),
        # Two Strd blocks: the referred invoice number and the creditor reference; the latter is read.
        (
            "2026120300047112002",
            "2026-12-03",
            "80.00",
            "Fischer, Anna",
            "DE02100500000024290661",
            "",
            "RF15CD10042026",
            False,
        ),
    ]


@pytest.mark.parametrize("version", ["02", "03", "04", "05", "06", "07", "08"])
def test_every_version_namespace_is_read(tmp_path: Path, version: str) -> None:
    source = (FIXTURES / "camt053_001_08_abnamro.xml").read_text(encoding="utf-8")
    path = tmp_path / "statement.xml"
    path.write_text(source.replace("camt.053.001.08", f"camt.053.001.{version}"), encoding="utf-8")
    assert len(read_bank_file(path).transactions) == 6


def _edited(tmp_path: Path, name: str, old: str, new: str) -> FileRefused:
    source = (FIXTURES / name).read_text(encoding="utf-8")
    assert old in source
    path = tmp_path / "statement.xml"
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(FileRefused) as refused:
        read_bank_file(path)
    return refused.value


def test_closing_balance_that_does_not_add_up_is_refused(tmp_path: Path) -> None:
    refused = _edited(tmp_path, "camt053_001_02_commerzbank.xml", "13895.77", "13895.78")
    assert refused.problem.element == "Document/BkToCstmrStmt/Stmt"
    assert "closing balance of 13895.78" in str(refused) and "make 13895.77" in str(refused)


def test_an_amount_that_is_not_money_names_its_element(tmp_path: Path) -> None:
    refused = _edited(tmp_path, "camt053_001_02_commerzbank.xml", ">89.90<", ">89.9O<")
    assert refused.problem.element == "Document/BkToCstmrStmt/Stmt/Ntry[3]/Amt"
    assert "expected an amount like 1234.50, got '89.9O'" in str(refused)


def test_more_places_than_the_currency_has_are_refused(tmp_path: Path) -> None:
    refused = _edited(tmp_path, "camt053_001_02_commerzbank.xml", ">89.90<", ">89.905<")
    assert "more than 2 decimal places" in refused.problem.message


def test_an_entry_in_another_currency_is_refused(tmp_path: Path) -> None:
    refused = _edited(
        tmp_path, "camt053_001_02_commerzbank.xml", '<Amt Ccy="EUR">89.90</Amt>', '<Amt Ccy="USD">89.90</Amt>'
    )
    assert refused.problem.element == "Document/BkToCstmrStmt/Stmt/Ntry[3]/Amt"
    assert refused.problem.message.startswith("this amount is in USD but the account is in EUR")


def test_a_batch_whose_transactions_do_not_add_up_is_refused(tmp_path: Path) -> None:
    refused = _edited(
        tmp_path, "camt053_001_08_abnamro.xml", '<Amt Ccy="EUR">400.00</Amt>', '<Amt Ccy="EUR">390.00</Amt>'
    )
    assert refused.problem.element == "Document/BkToCstmrStmt/Stmt/Ntry[2]"
    assert "1000.00" in refused.problem.message and "990.00" in refused.problem.message


def test_an_indicator_other_than_credit_or_debit_is_refused(tmp_path: Path) -> None:
    refused = _edited(
        tmp_path, "camt054_001_04_sparkasse.xml", "<CdtDbtInd>CRDT</CdtDbtInd>", "<CdtDbtInd>CR</CdtDbtInd>"
    )
    assert refused.problem.element == "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry[1]/CdtDbtInd"
    assert "expected CRDT or DBIT, got 'CR'" in refused.problem.message


def test_other_iso_20022_messages_are_not_statements(tmp_path: Path) -> None:
    refused = _edited(tmp_path, "camt053_001_08_abnamro.xml", "camt.053.001.08", "pain.001.001.09")
    assert "not a CAMT.053 or CAMT.054 statement" in refused.problem.message
