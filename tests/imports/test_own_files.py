"""The user's own files: a saved mapping, Excel CSVs of four locales, a workbook, questions and refusals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from creditdesk.imports.dates import DateOrder
from creditdesk.imports.formats import FormatChoices
from creditdesk.imports.invoices import InvoiceRead, read_invoices
from creditdesk.imports.mapping import ColumnMapping, Field
from creditdesk.imports.numbers import NumberFormat
from creditdesk.imports.problems import Problem
from creditdesk.imports.records import SourceStatus

FIXTURES = Path(__file__).parent / "fixtures"

GERMAN = ColumnMapping(
    "Meine Rechnungen",
    {
        Field.NUMBER: "Rechnungsnummer",
        Field.CLIENT_NAME: "Kunde",
        Field.CLIENT_CODE: "Kundennummer",
        Field.ISSUE_DATE: "Rechnungsdatum",
        Field.DUE_DATE: "Fällig am",
        Field.TOTAL: "Betrag",
        Field.REFERENCE: "Bemerkung",
    },
)
US = ColumnMapping(
    "Spreadsheet",
    {
        Field.NUMBER: "Invoice",
        Field.CLIENT_NAME: "Customer",
        Field.CLIENT_CODE: "Customer ID",
        Field.ISSUE_DATE: "Date",
        Field.DUE_DATE: "Due Date",
        Field.TOTAL: "Amount",
        Field.REFERENCE: "Memo",
    },
)
FRENCH = ColumnMapping(
    "Factures",
    {
        Field.NUMBER: "N° facture",
        Field.CLIENT_NAME: "Client",
        Field.ISSUE_DATE: "Date",
        Field.DUE_DATE: "Échéance",
        Field.TOTAL: "Montant TTC",
    },
)
DUTCH = ColumnMapping(
    "Facturen",
    {
        Field.NUMBER: "Factuurnummer",
        Field.CLIENT_NAME: "Klant",
        Field.ISSUE_DATE: "Factuurdatum",
        Field.DUE_DATE: "Vervaldatum",
        Field.TOTAL: "Bedrag",
    },
)


def read(path: Path, mapping: ColumnMapping, **options: object) -> InvoiceRead:
    result = read_invoices(path, source=mapping, **options)  # type: ignore[arg-type]
    assert isinstance(result, InvoiceRead), result
    return result


def rows(result: InvoiceRead) -> list[tuple[int, str, str | None, date, date | None, Decimal | None]]:
    return [(i.line, i.number, i.client.name, i.issue_date, i.due_date, i.total) for i in result.invoices]


def test_a_mapping_is_saved_and_read_back() -> None:
    saved = GERMAN.to_json()
    assert ColumnMapping.from_json(saved) == GERMAN
    with_words = ColumnMapping("x", {Field.NUMBER: "Nr"}, {"Erledigt": "paid"})
    assert ColumnMapping.from_json(with_words.to_json()) == with_words
    broken = ColumnMapping.from_json('{"name": "x", "columns": {"colour": "Farbe"}}')
    assert isinstance(broken, Problem) and "map the columns again" in str(broken)
    assert isinstance(ColumnMapping.from_json("not json"), Problem)


def test_a_german_excel_csv() -> None:
    result = read(FIXTURES / "de_excel_semicolon_cp1252.csv", GERMAN)
    assert result.table == "CSV, Windows-1252, separated by semicolons"
    assert result.source == "Meine Rechnungen"
    assert result.ready
    assert result.formats.describe() == (
        "Rechnungsdatum: dates like 31.12.2026",
        "Fällig am: dates like 31.12.2026",
        "Betrag: amounts like 1.234,50",
    )
    assert rows(result) == [
        (2, "RE-2026-101", "Müller & Söhne GmbH", date(2026, 11, 2), date(2026, 12, 2), Decimal("1234.50")),
        (
            3,
            "RE-2026-102",
            "Bäckerei Schmidt; Filiale Süd",
            date(2026, 11, 15),
            date(2026, 12, 15),
            Decimal("98.00"),
        ),
        (5, "RE-2026-103", "Weiß Elektro KG", date(2026, 11, 20), date(2026, 12, 20), Decimal("12000.00")),
        (6, "RE-2026-104", "Müller & Söhne GmbH", date(2026, 12, 31), date(2027, 1, 30), Decimal("-250.00")),
    ]
    assert result.invoices[1].reference == "Lieferung Brötchen\r\nund Brezeln"
    assert [client.code for client in result.clients] == ["K-1001", "K-1002", "K-1003"]


def test_a_us_excel_csv() -> None:
    result = read(FIXTURES / "us_excel_comma_utf8bom.csv", US, currency="USD")
    assert result.table == "CSV, UTF-8 with BOM, separated by commas"
    assert result.ready
    assert result.formats.describe() == (
        "Date: dates like 12/31/2026",
        "Due Date: dates like 12/31/2026",
        "Amount: amounts like 1,234.50",
    )
    assert rows(result) == [
        (2, "2026-501", "Acme Widgets, Inc.", date(2026, 11, 2), date(2026, 12, 2), Decimal("1234.50")),
        (3, "2026-502", "Blue Sky Café", date(2026, 11, 15), date(2026, 12, 15), Decimal("98.00")),
        (4, "2026-503", "Northwind Traders", date(2026, 12, 31), date(2027, 1, 30), Decimal("12000.00")),
        (5, "2026-504", "Acme Widgets, Inc.", date(2026, 12, 31), date(2027, 1, 30), Decimal("-250.00")),
    ]


def test_a_french_unicode_text_file_in_utf16_le() -> None:
    result = read(FIXTURES / "fr_unicode_text_utf16le.txt", FRENCH)
    assert result.table == "CSV, UTF-16 LE, separated by tabs"
    assert result.ready
    assert result.formats.describe()[2] == "Montant TTC: amounts like 1\u00a0234,50"
    assert [(i.number, i.client.name, i.issue_date, i.total) for i in result.invoices] == [
        ("FA-2026-0301", "Boulangerie Lefèvre", date(2026, 11, 2), Decimal("1234.50")),
        ("FA-2026-0302", "Café de la Gare", date(2026, 11, 15), Decimal("98.00")),
        ("FA-2026-0303", "Électricité Dubois SARL", date(2026, 11, 20), Decimal("12000.00")),
        ("FA-2026-0304", "Boulangerie Lefèvre", date(2026, 12, 31), Decimal("-250.00")),
    ]


def test_a_dutch_unicode_text_file_in_utf16_be() -> None:
    result = read(FIXTURES / "nl_unicode_text_utf16be.txt", DUTCH)
    assert result.table == "CSV, UTF-16 BE, separated by tabs"
    assert result.ready
    assert result.formats.describe() == (
        "Factuurdatum: dates like 31-12-2026",
        "Vervaldatum: dates like 31-12-2026",
        "Bedrag: amounts like 1.234,50",
    )
    assert [(i.number, i.due_date, i.total) for i in result.invoices] == [
        ("F2026-0701", date(2026, 12, 2), Decimal("1234.50")),
        ("F2026-0702", date(2026, 12, 15), Decimal("98.00")),
        ("F2026-0703", date(2026, 12, 20), Decimal("12000.00")),
        ("F2026-0704", date(2027, 1, 30), Decimal("-250.00")),
    ]


def test_an_xlsx_with_real_dates_text_dates_and_numbers_stored_as_text(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Export"
    sheet.append(["Acme Ltd"])
    sheet.append(["Invoices as of 30.11.2026"])
    sheet.append([])
    sheet.append(
        [
            "Invoice Number",
            "Customer",
            "Invoice Date",
            "Due Date",
            "Status",
            "Total",
            "Amount Paid",
            "Amount Due",
        ]
    )
    sheet.append(["W-1", "Kestrel Joinery", datetime(2026, 11, 2), "02.12.2026", "Sent", 1234.5, 0, 1234.5])
    sheet.append(
        [
            "W-2",
            "Otter Lane Café",
            datetime(2026, 11, 15),
            "15.12.2026",
            "Partial",
            "1.000,00",
            "400,00",
            "600,00",
        ]
    )
    sheet.append([1003, "Moss & Fern", 46387, "30.01.2027", "Paid", 0.1, 0.1, 0])
    sheet.append(["TOTAL", "", "", "", "", 2234.6, 400.1, 1834.5])
    path = tmp_path / "wave.xlsx"
    book.save(path)
    result = read_invoices(path, currency="EUR")
    assert isinstance(result, InvoiceRead), result
    assert (result.source, result.table) == ("wave", "Excel workbook, sheet 'Export'")
    assert result.as_of == date(2026, 11, 30)
    assert result.ready, result.problems
    assert [
        (i.line, i.number, i.issue_date, i.due_date, i.total, i.amount_paid, i.amount_due)
        for i in result.invoices
    ] == [
        (
            5,
            "W-1",
            date(2026, 11, 2),
            date(2026, 12, 2),
            Decimal("1234.50"),
            Decimal("0.00"),
            Decimal("1234.50"),
        ),
        (
            6,
            "W-2",
            date(2026, 11, 15),
            date(2026, 12, 15),
            Decimal("1000.00"),
            Decimal("400.00"),
            Decimal("600.00"),
        ),
        (7, "1003", date(2026, 12, 31), date(2027, 1, 30), Decimal("0.10"), Decimal("0.10"), Decimal("0.00")),
    ]
    assert [i.status for i in result.invoices] == [SourceStatus.OPEN, SourceStatus.OPEN, SourceStatus.PAID]


def ambiguous_file(tmp_path: Path) -> Path:
    path = tmp_path / "ambiguous.csv"
    path.write_text(
        "Invoice Number,Customer,Invoice Date,Due Date,Total,Amount Due\n"
        "A-1,Kestrel,02/11/2026,03/12/2026,10.00,10.00\n"
        "A-2,Otter,05/11/2026,06/12/2026,20.00,20.00\n",
        encoding="utf-8",
    )
    return path


def test_an_ambiguous_date_column_is_asked_not_guessed(tmp_path: Path) -> None:
    path = ambiguous_file(tmp_path)
    result = read_invoices(path)
    assert isinstance(result, InvoiceRead)
    assert not result.ready and result.invoices == () and result.problems == ()
    assert result.questions == (
        "Column 'Invoice Date': dates like 31/12/2026 could be day first or month first; choose which.",
        "Column 'Due Date': dates like 31/12/2026 could be day first or month first; choose which.",
    )
    answered = read_invoices(
        path,
        choices=FormatChoices(
            date_orders={"Invoice Date": DateOrder.DAY_FIRST, "Due Date": DateOrder.DAY_FIRST}
        ),
    )
    assert isinstance(answered, InvoiceRead) and answered.ready
    assert [i.issue_date for i in answered.invoices] == [date(2026, 11, 2), date(2026, 11, 5)]
    american = read_invoices(path, choices=FormatChoices(locale="en_US"))
    assert isinstance(american, InvoiceRead) and american.ready
    assert [i.issue_date for i in american.invoices] == [date(2026, 2, 11), date(2026, 5, 11)]


def test_an_ambiguous_amount_column_is_asked_and_answered(tmp_path: Path) -> None:
    path = tmp_path / "amounts.csv"
    path.write_text(
        'Invoice Number,Customer,Invoice Date,Total,Amount Due\nB-1,Kestrel,2026-11-02,"1,250","1,250"\n'
    )
    result = read_invoices(path)
    assert isinstance(result, InvoiceRead)
    assert result.questions == (
        "Column 'Total': amounts like 1,234 could be read with either decimal mark; choose which.",
        "Column 'Amount Due': amounts like 1,234 could be read with either decimal mark; choose which.",
    )
    point = NumberFormat(".", ",")
    answered = read_invoices(
        path, choices=FormatChoices(number_formats={"Total": point, "Amount Due": point})
    )
    assert isinstance(answered, InvoiceRead) and answered.ready
    assert answered.invoices[0].total == Decimal("1250.00")


def test_every_bad_field_is_refused_with_its_line_field_and_what_is_expected(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "Rechnungsnummer;Kunde;Kundennummer;Rechnungsdatum;Fällig am;Betrag;Bemerkung\n"
        "R-1;Müller;K-1;02.11.2026;02.12.2026;1.234,50;\n"
        "R-2;Schmidt;K-2;31.13.2026;15.12.2026;98,001;\n"
        ";;K-3;20.11.2026;20.12.2026;zwölf;\n"
        "R-4;Weiß;K-4;;20.12.2026;1,00;\n",
        encoding="utf-8",
    )
    result = read(path, GERMAN)
    assert not result.ready
    assert [str(problem) for problem in result.problems] == [
        "line 3, field 'Rechnungsdatum': expected a date like 31.12.2026, got '31.13.2026'",
        "line 3, field 'Betrag': 98.001 has more than 2 decimal places",
        "line 4, field 'Rechnungsnummer': is empty; every invoice needs its number",
        "line 4, field 'Betrag': expected an amount like 1.234,50, got 'zwölf'",
        "line 5, field 'Rechnungsdatum': is empty; every invoice needs the date it was issued",
    ]
    assert [invoice.number for invoice in result.invoices] == ["R-1"]


def test_amounts_and_statuses_that_do_not_add_up_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "wave.csv"
    path.write_text(
        "Invoice Number,Customer,Customer Email,Invoice Date,Status,Total,Amount Paid,Amount Due\n"
        "1,Kestrel,not-an-address,2026-11-02,Sent,10.00,0.00,10.00\n"
        "2,Otter,,2026-11-02,Sent,10.00,4.00,7.00\n"
        "3,Moss,,2026-11-02,Lost,10.00,0.00,10.00\n"
        "4,Moss,,2026-11-02,Sent,10.00,0.00,10.00,\n",
        encoding="utf-8",
    )
    result = read_invoices(path, currency="USD")
    assert isinstance(result, InvoiceRead)
    assert [str(problem) for problem in result.problems] == [
        "line 2, field 'Customer Email': email 'not-an-address' is not a valid email address",
        "line 3, field 'Amount Due': is 7.00, but the total 10.00 less the 4.00 paid is 6.00",
        "line 4, field 'Status': expected a status such as draft, overdue, paid, partial, saved, sent, "
        "unpaid, viewed, got 'Lost'",
    ]
    assert [invoice.number for invoice in result.invoices] == ["4"]


def test_lines_of_one_invoice_that_disagree_on_its_total_are_a_problem(tmp_path: Path) -> None:
    text = (FIXTURES / "xero_sales_invoices.csv").read_bytes().decode("utf-8")
    lines = text.split("\r\n")
    lines[2] = lines[2].replace(",972.00,162.00,", ",982.00,162.00,")
    path = tmp_path / "xero.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    result = read_invoices(path)
    assert isinstance(result, InvoiceRead)
    assert [str(problem) for problem in result.problems] == [
        "line 3, field 'Total': invoice INV-0041 has 982.00 here but 972.00 on line 2"
    ]


def test_a_report_whose_stated_total_disagrees_is_a_problem(tmp_path: Path) -> None:
    text = (FIXTURES / "sage_aged_debtors.csv").read_text(encoding="utf-8")
    path = tmp_path / "sage.csv"
    path.write_text(text.replace('"1,250.00",,,"1,250.00"', '"1,205.00",,,"1,250.00"'), encoding="utf-8")
    result = read_invoices(path)
    assert isinstance(result, InvoiceRead)
    assert [str(problem) for problem in result.problems] == [
        "line 10, field 'Outstanding': the report states a total of 2642.00 for the whole report, "
        "but the rows above it add up to 2597.00"
    ]


def test_an_unreadable_file_and_a_mapping_the_file_lacks_are_refused(tmp_path: Path) -> None:
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    refused = read_invoices(old)
    assert isinstance(refused, Problem) and ".xls" in str(refused)
    refused = read_invoices(FIXTURES / "us_excel_comma_utf8bom.csv", source=GERMAN)
    assert isinstance(refused, Problem)
    assert str(refused).startswith(
        "line 1: the file has no column 'Rechnungsnummer', 'Kunde', 'Kundennummer', 'Rechnungsdatum', "
        "'Fällig am', 'Betrag', 'Bemerkung' of the mapping 'Meine Rechnungen'; its columns are 'Invoice'"
    )
