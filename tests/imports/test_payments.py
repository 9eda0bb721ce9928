"""Files of payments read into checked records: CreditDesk's own exports and spreadsheets of four locales."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import Workbook

from creditdesk.imports.dates import DateOrder
from creditdesk.imports.formats import FormatChoices
from creditdesk.imports.mapping import ColumnMapping, Field
from creditdesk.imports.payments import PaymentRead, read_payments
from creditdesk.imports.problems import Problem
from creditdesk.imports.records import ClientRef

FIXTURES = Path(__file__).parent / "fixtures"
Seen = tuple[int, ClientRef, date, D, str, str, str]


def read(path: Path, **options: object) -> PaymentRead:
    result = read_payments(path, **options)  # type: ignore[arg-type]
    assert isinstance(result, PaymentRead), result
    return result


def seen(result: PaymentRead) -> list[Seen]:
    return [
        (p.line, p.client, p.date, p.amount, p.reference, p.invoice_number, p.method) for p in result.payments
    ]


@pytest.mark.parametrize(
    ("name", "currency", "table", "formats", "payments"),
    [
        (
            "de_payments_semicolon_cp1252.csv",
            "EUR",
            "CSV, Windows-1252, separated by semicolons",
            ("Zahlungsdatum: dates like 31.12.2026", "Betrag: amounts like 1.234,50"),
            [
                (4, ClientRef("Müller Werkzeuge GmbH", "K-001"), date(2026, 11, 2), D("1234.50"),
                 "RE-1001; vielen Dank", "RE-1001", "Überweisung"),
                (5, ClientRef("Bäckerei Schäfer KG", "K-002"), date(2026, 11, 5), D("250.00"),
                 "Abschlag November", "", "Lastschrift"),
                (6, ClientRef("Müller Werkzeuge GmbH", "K-001"), date(2026, 11, 13), D("99.95"),
                 "Teilzahlung RE-1002", "", "Überweisung"),
            ],
        ),
        (
            "fr_payments_unicode_text_utf16le.txt",
            "EUR",
            "CSV, UTF-16 LE, separated by tabs",
            ("Date de paiement: dates like 31/12/2026", "Montant: amounts like 1\u00a0234,50"),
            [
                (2, ClientRef("Épicerie Lefèvre SARL", "C-01"), date(2026, 11, 2), D("1234.50"),
                 "VIR Lefèvre F-2026-001", "F-2026-001", "Virement"),
                (3, ClientRef("Café des Arts", "C-02"), date(2026, 11, 15), D("480.00"),
                 "Chèque n° 0012345", "", "Chèque"),
                (4, ClientRef("Épicerie Lefèvre SARL", "C-01"), date(2026, 11, 28), D("65.10"),
                 "Acompte", "", "Virement"),
            ],
        ),
        (
            "nl_payments_unicode_text_utf16be.txt",
            "EUR",
            "CSV, UTF-16 BE, separated by tabs",
            ("Betaaldatum: dates like 31-12-2026", "Bedrag: amounts like 1.234,50"),
            [
                (2, ClientRef("Bakkerij de Vries B.V.", "K100"), date(2026, 11, 2), D("1234.50"),
                 "Factuur 2026-0101", "2026-0101", ""),
                (3, ClientRef("Fietsenmaker Jansen", "K200"), date(2026, 11, 19), D("75.00"),
                 "Termijn november", "", ""),
            ],
        ),
        (
            "us_payments_comma_utf8bom.csv",
            "USD",
            "CSV, UTF-8 with BOM, separated by commas",
            ("Payment Date: dates like 12/31/2026", "Amount Paid: amounts like 1,234.50"),
            [
                (2, ClientRef("Harbor Lights Diner", None, "ap@harborlights.example"), date(2026, 11, 2),
                 D("1234.50"), "Check 4410", "INV-2001", "Check"),
                (3, ClientRef("Granite State Supply", None, "billing@granite.example"), date(2026, 11, 13),
                 D("300.00"), "ACH NOV", "", "ACH"),
                (4, ClientRef("Harbor Lights Diner", None, "ap@harborlights.example"), date(2026, 11, 20),
                 D("2000.00"), "Wire 77", "", "Wire"),
            ],
        ),
    ],
)  # fmt: skip
def test_spreadsheets_of_four_locales(
    name: str, currency: str, table: str, formats: tuple[str, ...], payments: list[Seen]
) -> None:
    result = read(FIXTURES / name, currency=currency)
    assert result.ready
    assert (result.source, result.table, result.formats.describe()) == ("spreadsheet", table, formats)
    assert seen(result) == payments


def test_creditdesks_own_export_and_the_earlier_client_code_files() -> None:
    exported = read(FIXTURES / "creditdesk_payments.csv")
    assert (exported.source, exported.source_label) == ("creditdesk", "CreditDesk (export payments)")
    assert seen(exported) == [
        (2, ClientRef(None, "ACME"), date(2026, 2, 1), D("150.00"), "BACS 1", "", "bank transfer"),
        # The export's guard against spreadsheet formulas is undone.
        (3, ClientRef(None, "ACME"), date(2026, 2, 15), D("100.00"), "=HYPERLINK(1)", "", "card"),
        (4, ClientRef(None, "BETA"), date(2026, 3, 1), D("30.00"), "", "", ""),
    ]
    earlier = read(FIXTURES / "creditdesk_payments_client_code.csv")
    assert earlier.source == "creditdesk"
    assert [(p.line, p.reference, p.invoice_number, p.amount) for p in earlier.payments] == [
        (2, "BACS 1", "", D("150.00")),
        (3, "BACS 2", "A-3", D("100.00")),
        (4, "", "", D("30.00")),
    ]


def test_an_xlsx_with_real_dates_and_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Customer Code", "Date Paid", "Amount", "Reference"])
    sheet.append(["ACME", date(2026, 11, 2), 1234.5, "BACS 9"])
    sheet.append(["BETA", "2026-11-03", 12, None])
    book.save(tmp_path / "payments.xlsx")
    result = read(tmp_path / "payments.xlsx")
    assert result.ready and result.table.startswith("Excel workbook")
    assert [(p.client.code, p.date, p.amount, p.reference) for p in result.payments] == [
        ("ACME", date(2026, 11, 2), D("1234.50"), "BACS 9"),
        ("BETA", date(2026, 11, 3), D("12.00"), ""),
    ]


def test_an_ambiguous_date_column_is_asked_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_text(
        "Customer,Date,Amount\nKestrel,02/11/2026,10.00\nOtter,05/11/2026,20.00\n", encoding="utf-8"
    )
    result = read(path)
    assert not result.ready and result.payments == ()
    assert result.questions == (
        "Column 'Date': dates like 31/12/2026 could be day first or month first; choose which.",
    )
    answered = read(path, choices=FormatChoices(every_date=DateOrder.DAY_FIRST))
    assert answered.ready
    assert [p.date for p in answered.payments] == [date(2026, 11, 2), date(2026, 11, 5)]
    american = read(path, choices=FormatChoices(locale="en_US"))
    assert [p.date for p in american.payments] == [date(2026, 2, 11), date(2026, 5, 11)]


def test_every_bad_field_is_refused_with_its_line_field_and_what_is_expected(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "Kundennummer;Zahlungsdatum;Betrag;Verwendungszweck\n"
        "K-1;02.11.2026;1.234,50;ok\n"
        "K-2;31.13.2026;98,001;\n"
        ";20.11.2026;zwölf;\n"
        "K-4;;-5,00;\n"
        "K-5;21.11.2026;;\n",
        encoding="utf-8",
    )
    result = read(path)
    assert [str(problem) for problem in result.problems] == [
        "line 3, field 'Zahlungsdatum': expected a date like 31.12.2026, got '31.13.2026'",
        "line 3, field 'Betrag': 98.001 has more than 2 decimal places",
        "line 4, field 'Kundennummer': is empty; every payment needs the client who paid",
        "line 4, field 'Betrag': expected an amount like 1.234,50, got 'zwölf'",
        "line 5, field 'Zahlungsdatum': is empty; every payment needs the date it was received",
        "line 5, field 'Betrag': a payment must be more than zero, got '-5,00'",
        "line 6, field 'Betrag': is empty; every payment needs its amount",
    ]
    assert seen(result)[0][:4] == (2, ClientRef(None, "K-1"), date(2026, 11, 2), D("1234.50"))


def test_a_users_mapping_and_what_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    path.write_text("Payer,Booked,Credit,Text\nAcme Ltd,2026-11-02,15.00,INV 7\n", encoding="utf-8")
    mapping = ColumnMapping(
        "Bank list",
        {
            Field.CLIENT_NAME: "Payer",
            Field.PAYMENT_DATE: "Booked",
            Field.AMOUNT: "Credit",
            Field.REFERENCE: "Text",
        },
    )
    result = read(path, source=mapping)
    assert (result.source, seen(result)) == (
        "Bank list",
        [(2, ClientRef("Acme Ltd"), date(2026, 11, 2), D("15.00"), "INV 7", "", "")],
    )
    no_amount = ColumnMapping("No amount", {Field.CLIENT_NAME: "Payer", Field.PAYMENT_DATE: "Booked"})
    assert read_payments(path, source=no_amount) == Problem(
        1, "the mapping has no column for the amount of each payment; map one"
    )
    unknown = read_payments(path)
    assert unknown == Problem(
        1,
        "CreditDesk does not recognise the source of these columns: 'Payer', 'Booked', 'Credit', 'Text'; "
        "map each column to a CreditDesk field",
    )
    assert read_payments(path, source="xero") == Problem(
        0,
        "'xero' is not a source CreditDesk knows; "
        "choose one of auto, creditdesk, spreadsheet or map the columns",
    )
    header_only = tmp_path / "header.csv"
    header_only.write_text("client_code,date,amount\n", encoding="utf-8")
    assert [str(p) for p in read(header_only).problems] == [
        "line 1: there is a header row but no payments below it to import"
    ]
