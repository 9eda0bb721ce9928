"""Bank CSV exports read through the table machinery: German and English layouts, presets, derived keys."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from creditdesk.imports.bank import read_bank_file
from creditdesk.imports.bank.table_presets import BankField
from creditdesk.imports.dates import DateOrder
from creditdesk.imports.formats import FormatChoices
from creditdesk.imports.problems import FileRefused
from tests.imports.bank_support import FIXTURES, rows

GERMAN = FIXTURES / "csv_sparkasse_camt_v2_cp1252.csv"
ENGLISH = FIXTURES / "csv_starling_gbp.csv"


def test_german_export_every_field() -> None:
    statement = read_bank_file(GERMAN)
    assert (statement.format, statement.account_iban, statement.currency) == (
        "csv",
        "DE89370400440532013000",
        "EUR",
    )
    assert (statement.opening_balance, statement.closing_balance) == (None, None)
    assert statement.statement_date == date(2026, 12, 3)
    found = [entry[1:] for entry in rows(statement)]
    # The pending row ("Umsatz vorgemerkt") is not on the statement; 1.234,50 and 01.12.26 read exactly.
    assert found == [
        ("2026-12-03", "1234.50", "Klein Holzbau GmbH", "DE44500105175407324931", "RE A-1007", "", False),
        (
            "2026-12-02",
            "250.00",
            "WEBER ELEKTRO E.K.",
            "DE02100500000024290661",
            "RE A1003 RE A-1004",
            "",
            False,
        ),
        (
            "2026-12-02",
            "250.00",
            "WEBER ELEKTRO E.K.",
            "DE02100500000024290661",
            "RE A1003 RE A-1004",
            "",
            False,
        ),
        (
            "2026-12-02",
            "-89.90",
            "Stadtwerke Köln GmbH",
            "DE09700202700015820000",
            "Abschlag Strom Dezember 2026",
            "",
            False,
        ),
        (
            "2026-12-01",
            "1190.00",
            "Müller Maschinenbau GmbH",
            "DE44500105175407324931",
            "INV A-1002 Rechnung vom 02.11.2026",
            "",
            False,
        ),
    ]
    assert [entry.line for entry in statement.transactions] == [3, 4, 5, 6, 7]
    # No reference of the bank's own in this export: each entry gets a derived key, distinct.
    references = [entry.reference for entry in statement.transactions]
    assert all(entry.reference_derived for entry in statement.transactions)
    assert len(set(references)) == 5


def test_english_export_every_field() -> None:
    statement = read_bank_file(ENGLISH)
    # The currency is named in the amount's heading, "Amount (GBP)"; 13/12/2026 says day first.
    assert (statement.format, statement.account_iban, statement.currency) == ("csv", "", "GBP")
    assert [entry[1:] for entry in rows(statement)] == [
        ("2026-12-01", "1190.00", "Acme Widgets Ltd", "", "INV A-1002", "", False),
        ("2026-12-02", "250.00", "Smith & Jones LLP", "", "A1003 A-1004", "", False),
        ("2026-12-02", "-89.90", "British Gas", "", "DD 8812 3349", "", False),
        ("2026-12-03", "-500.00", "HMRC VAT", "", "123456789 VAT Q3", "", False),
        ("2026-12-13", "640.25", "Ortiz Carpentry", "", "#1003", "", False),
    ]
    assert [entry.currency for entry in statement.credits] == ["GBP"] * 3


def _lines(path: Path, encoding: str) -> list[str]:
    return path.read_bytes().decode(encoding).split("\r\n")


def test_overlapping_exports_name_the_shared_entries_alike(tmp_path: Path) -> None:
    header, *body = [line for line in _lines(GERMAN, "cp1252") if line]
    later = tmp_path / "later.csv"
    extra = body[1].replace("03.12.26", "05.12.26").replace("RE A-1007", "RE A-1011")
    # A later export: a new entry, then the 3rd and 2nd of December again (one Weber payment of two).
    later.write_bytes("\r\n".join([header, extra, *body[1:4], ""]).encode("cp1252"))
    first = {entry.booked: entry for entry in read_bank_file(GERMAN).transactions if entry.booked.day == 3}
    again = read_bank_file(later)
    earlier_refs = [entry.reference for entry in read_bank_file(GERMAN).transactions]
    assert [entry.reference in earlier_refs for entry in again.transactions] == [False, True, True, True]
    assert again.transactions[1].reference == first[date(2026, 12, 3)].reference


def test_amount_that_is_not_money_names_line_and_column(tmp_path: Path) -> None:
    text = ENGLISH.read_bytes().decode("utf-8").replace("-89.90", "-89.9x", 1)
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8", newline="")
    with pytest.raises(FileRefused) as refused:
        read_bank_file(path)
    assert (refused.value.problem.line, refused.value.problem.field) == (4, "Amount (GBP)")
    assert "expected an amount like 1234.50, got '-89.9x'" in str(refused.value)


def test_ambiguous_dates_are_asked_not_guessed(tmp_path: Path) -> None:
    text = ENGLISH.read_bytes().decode("utf-8").replace("13/12/2026", "12/12/2026")
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8", newline="")
    with pytest.raises(FileRefused) as refused:
        read_bank_file(path)
    assert refused.value.problem.line == 1
    assert (
        "Column 'Date'" in refused.value.problem.message and "choose which" in refused.value.problem.message
    )
    american = read_bank_file(path, choices=FormatChoices(date_orders={"Date": DateOrder.MONTH_FIRST}))
    assert american.transactions[0].booked == date(2026, 1, 12)
    british = read_bank_file(path, choices=FormatChoices(locale="en_GB"))
    assert british.transactions[0].booked == date(2026, 12, 1)


def test_dutch_export_with_af_bij_and_compact_dates(tmp_path: Path) -> None:
    path = tmp_path / "NL20INGB0001234567_01-12-2026_03-12-2026.csv"
    path.write_text(
        '"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij","Bedrag (EUR)",'
        '"Mutatiesoort","Mededelingen"\r\n'
        '"20261202","Bakkerij Jansen","NL20INGB0001234567","NL44RABO0123456789","OV","Bij","600,00",'
        '"Overschrijving","Factuur #1003"\r\n'
        '"20261203","Energie Direct BV","NL20INGB0001234567","BE68539007547034","IC","Af","35,95",'
        '"Incasso","Energie december 2026"\r\n',
        encoding="utf-8",
        newline="",
    )
    statement = read_bank_file(path)
    assert (statement.account_iban, statement.currency) == ("NL20INGB0001234567", "EUR")
    assert [entry[1:] for entry in rows(statement)] == [
        ("2026-12-02", "600.00", "Bakkerij Jansen", "NL44RABO0123456789", "Factuur #1003", "", False),
        ("2026-12-03", "-35.95", "Energie Direct BV", "BE68539007547034", "Energie december 2026", "", False),
    ]


def test_german_export_with_the_account_in_its_title_rows(tmp_path: Path) -> None:
    path = tmp_path / "Umsatzanzeige.csv"
    path.write_bytes(
        "Umsatzanzeige;Datei erstellt am: 04.12.2026 08:12\r\n"
        "\r\n"
        "IBAN;DE89 3704 0044 0532 0130 00\r\n"
        "Kontoname;Girokonto\r\n"
        "Bank;ING\r\n"
        "Zeitraum;01.12.2026 - 03.12.2026\r\n"
        "\r\n"
        "Buchung;Valuta;Auftraggeber/Empfänger;Buchungstext;Verwendungszweck;Saldo;Währung;Betrag;Währung\r\n"
        "03.12.2026;03.12.2026;Klein Holzbau GmbH;Gutschrift;RE A-1007;12.579,60;EUR;1.234,50;EUR\r\n"
        "02.12.2026;02.12.2026;Stadtwerke Köln GmbH;Lastschrift;Abschlag;11.345,10;EUR;-89,90;EUR\r\n".encode(
            "cp1252"
        )
    )
    statement = read_bank_file(path)
    assert (statement.account_iban, statement.currency) == ("DE89370400440532013000", "EUR")
    assert [(entry.payer_name, f"{entry.amount:f}", entry.line) for entry in statement.transactions] == [
        ("Klein Holzbau GmbH", "1234.50", 9),
        ("Stadtwerke Köln GmbH", "-89.90", 10),
    ]


def test_french_export_with_debit_and_credit_columns(tmp_path: Path) -> None:
    path = tmp_path / "releve.csv"
    path.write_bytes(
        "Date opération;Libellé;Débit;Crédit;Devise\r\n"
        "01/12/2026;VIR SEPA RECU /DE DUPONT SARL /MOTIF FACTURE A-1002;;1 190,00;EUR\r\n"
        "02/12/2026;PRLV SEPA EDF;-89,90;;EUR\r\n"
        "15/12/2026;VIR SEPA RECU /DE MARTIN ET FILS /MOTIF A1003;;250,00;EUR\r\n".encode("cp1252")
    )
    statement = read_bank_file(path)
    assert [
        (entry.booked.isoformat(), f"{entry.amount:f}", entry.text) for entry in statement.transactions
    ] == [
        ("2026-12-01", "1190.00", "VIR SEPA RECU /DE DUPONT SARL /MOTIF FACTURE A-1002"),
        ("2026-12-02", "-89.90", "PRLV SEPA EDF"),
        ("2026-12-15", "250.00", "VIR SEPA RECU /DE MARTIN ET FILS /MOTIF A1003"),
    ]


def test_revolut_business_keeps_its_ids_and_leaves_pending_out(tmp_path: Path) -> None:
    path = tmp_path / "transactions.csv"
    path.write_text(
        "Date started (UTC),Date completed (UTC),ID,Type,State,Description,Reference,Payer,Card number,"
        "Orig currency,Orig amount,Payment currency,Amount,Fee,Balance\n"
        "2026-12-01 09:12:44,2026-12-01 09:12:45,6a1f0c2e-77aa-4b8e-9e1d-0b6a2f1d2c01,TRANSFER,COMPLETED,"
        "Payment from Acme Widgets Ltd,INV A-1002,Acme Widgets Ltd,,GBP,1190.00,GBP,1190.00,0.00,6190.00\n"
        "2026-12-02 10:00:00,,6a1f0c2e-77aa-4b8e-9e1d-0b6a2f1d2c02,TRANSFER,PENDING,"
        "Payment from Smith & Jones LLP,A1003,Smith & Jones LLP,,GBP,250.00,GBP,250.00,0.00,\n",
        encoding="utf-8",
    )
    statement = read_bank_file(path)
    assert rows(statement) == [
        (
            "6a1f0c2e-77aa-4b8e-9e1d-0b6a2f1d2c01",
            "2026-12-01",
            "1190.00",
            "Acme Widgets Ltd",
            "",
            "INV A-1002",
            "",
            False,
        ),
    ]
    assert not statement.transactions[0].reference_derived


def test_the_users_own_mapping(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("When,Who,What,How much,Ccy\n2026-12-01,Acme,INV A-1002,1190.00,EUR\n", encoding="utf-8")
    columns = {
        BankField.BOOKED: "When",
        BankField.PAYER_NAME: "Who",
        BankField.TEXT: "What",
        BankField.AMOUNT: "How much",
        BankField.CURRENCY: "Ccy",
    }
    statement = read_bank_file(path, columns=columns)
    assert [entry[1:] for entry in rows(statement)] == [
        ("2026-12-01", "1190.00", "Acme", "", "INV A-1002", "", False)
    ]
    # Without the mapping its columns say nothing; chosen as CSV, the user is asked to map them.
    with pytest.raises(FileRefused, match="not a bank statement CreditDesk can read"):
        read_bank_file(path)
    with pytest.raises(FileRefused, match="map the columns"):
        read_bank_file(path, format="csv")


def test_a_file_naming_no_currency_needs_the_accounts(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Date,Description,Amount\n2026-12-01,INV A-1002,1190.00\n", encoding="utf-8")
    with pytest.raises(FileRefused, match="names no currency"):
        read_bank_file(path)
    assert read_bank_file(path, currency="EUR").transactions[0].currency == "EUR"


def test_rabobank_export_keeps_its_sequence_numbers(tmp_path: Path) -> None:
    path = tmp_path / "CSV_A_20261203_120000.csv"
    path.write_text(
        '"IBAN/BBAN","Munt","BIC","Volgnr","Datum","Rentedatum","Bedrag","Saldo na trn",'
        '"Tegenrekening IBAN/BBAN","Naam tegenpartij","Naam uiteindelijke partij","Naam initiërende partij",'
        '"BIC tegenpartij","Code","Batch ID","Transactiereferentie","Machtigingskenmerk","Incassant ID",'
        '"Betalingskenmerk","Omschrijving-1","Omschrijving-2","Omschrijving-3"\n'
        '"NL44RABO0123456789","EUR","RABONL2U","000000000000007213","2026-12-02","2026-12-02","+600,00",'
        '"+5600,00","NL20INGB0001234567","De Vries Installatietechniek","","","INGBNL2A","cb","","",'
        '"","","","Factuur A-1005"," ",""\n'
        '"NL44RABO0123456789","EUR","RABONL2U","000000000000007214","2026-12-02","2026-12-02","-35,95",'
        '"+5564,05","BE68539007547034","Energie Direct BV","","","GEBABEBB","ei","","","MD0001",'
        '"NL98ZZZ999999999999","","Energie december 2026","",""\n',
        encoding="utf-8",
    )
    statement = read_bank_file(path)
    assert (statement.account_iban, statement.currency) == ("NL44RABO0123456789", "EUR")
    assert rows(statement) == [
        (
            "000000000000007213",
            "2026-12-02",
            "600.00",
            "De Vries Installatietechniek",
            "NL20INGB0001234567",
            "Factuur A-1005",
            "",
            False,
        ),
        (
            "000000000000007214",
            "2026-12-02",
            "-35.95",
            "Energie Direct BV",
            "BE68539007547034",
            "Energie december 2026",
            "",
            False,
        ),
    ]
    assert not any(entry.reference_derived for entry in statement.transactions)


def test_volksbank_export(tmp_path: Path) -> None:
    path = tmp_path / "Umsaetze_DE02100500000024290661_2026.12.03.csv"
    path.write_bytes(
        "Bezeichnung Auftragskonto;IBAN Auftragskonto;BIC Auftragskonto;Bankname Auftragskonto;Buchungstag;"
        "Valutadatum;Name Zahlungsbeteiligter;IBAN Zahlungsbeteiligter;BIC (SWIFT-Code) Zahlungsbeteiligter;"
        "Buchungstext;Verwendungszweck;Betrag;Waehrung;Saldo nach Buchung;Bemerkung;Kategorie;"
        "Steuerrelevant;Glaeubiger ID;Mandatsreferenz\r\n"
        "Geschäftskonto;DE02100500000024290661;BEVODEBBXXX;Berliner Volksbank;03.12.2026;03.12.2026;"
        "Klein Holzbau GmbH;DE44500105175407324931;INGDDEFFXXX;Gutschrift;RE A-1007;1.234,50;EUR;"
        "13.579,60;;;;;\r\n".encode("cp1252")
    )
    statement = read_bank_file(path)
    assert statement.account_iban == "DE02100500000024290661"
    assert [entry[1:] for entry in rows(statement)] == [
        ("2026-12-03", "1234.50", "Klein Holzbau GmbH", "DE44500105175407324931", "RE A-1007", "", False)
    ]
