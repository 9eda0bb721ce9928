"""Reading a table from a file: encodings, delimiters, quoted fields, Excel workbooks, refusals."""

from __future__ import annotations

import codecs
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from creditdesk.imports.problems import Problem
from creditdesk.imports.tables import (
    UTF8,
    UTF8_BOM,
    UTF16_BE,
    UTF16_LE,
    WINDOWS_1252,
    Row,
    TableFile,
    open_table,
)

FIXTURES = Path(__file__).parent / "fixtures"


def opened(path: Path, **options: str) -> TableFile:
    table = open_table(path, **options)
    assert isinstance(table, TableFile), table
    return table


def rows(table: TableFile) -> list[Row]:
    found = list(table.rows())
    assert all(isinstance(row, Row) for row in found), found
    return [row for row in found if isinstance(row, Row)]


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter", "described"),
    [
        ("de_excel_semicolon_cp1252.csv", WINDOWS_1252, ";", "CSV, Windows-1252, separated by semicolons"),
        ("us_excel_comma_utf8bom.csv", UTF8_BOM, ",", "CSV, UTF-8 with BOM, separated by commas"),
        ("fr_unicode_text_utf16le.txt", UTF16_LE, "\t", "CSV, UTF-16 LE, separated by tabs"),
        ("nl_unicode_text_utf16be.txt", UTF16_BE, "\t", "CSV, UTF-16 BE, separated by tabs"),
    ],
)
def test_encoding_and_delimiter_are_detected(
    name: str, encoding: object, delimiter: str, described: str
) -> None:
    table = opened(FIXTURES / name)
    assert (table.encoding, table.delimiter) == (encoding, delimiter)
    assert table.describe() == described
    read = rows(table)
    assert len(read) == 5
    assert all(len(row.cells) == len(read[0].cells) for row in read)


def test_accented_text_decodes_in_each_encoding() -> None:
    german = rows(opened(FIXTURES / "de_excel_semicolon_cp1252.csv"))
    assert german[0].cells[4] == "Fällig am"
    assert german[1].cells[1] == "Müller & Söhne GmbH"
    french = rows(opened(FIXTURES / "fr_unicode_text_utf16le.txt"))
    assert french[0].cells[3] == "Échéance"
    assert french[1].cells[4] == "1\u202f234,50 €"
    dutch = rows(opened(FIXTURES / "nl_unicode_text_utf16be.txt"))
    assert dutch[2].cells[1] == "Café 't Hoekje"


def test_quoted_delimiters_and_line_breaks_stay_in_their_field_and_lines_count_physically() -> None:
    read = rows(opened(FIXTURES / "de_excel_semicolon_cp1252.csv"))
    assert [row.line for row in read] == [1, 2, 3, 5, 6]
    assert read[2].cells[1] == "Bäckerei Schmidt; Filiale Süd"
    assert read[2].cells[6] == "Lieferung Brötchen\r\nund Brezeln"


def test_plain_utf8_without_bom_and_a_late_windows_1252_byte(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_bytes("number,name\n1,Zoë\n".encode())
    assert opened(plain).encoding == UTF8
    late = tmp_path / "late.csv"
    late.write_bytes(b"number,name\n" + b"1,plain\n" * 200_000 + "2,Zoë\n".encode("cp1252"))
    table = opened(late)
    assert table.encoding == WINDOWS_1252
    assert rows(table)[-1].cells == ("2", "Zoë")


def test_a_single_column_file_stays_comma_separated_and_blank_rows_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("number\n\nA-1\n   \nA-2\n", encoding="utf-8")
    table = opened(path)
    assert table.delimiter == ","
    assert [(row.line, row.cells) for row in rows(table)] == [
        (1, ("number",)),
        (3, ("A-1",)),
        (5, ("A-2",)),
    ]


def test_title_rows_do_not_sway_the_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(
        "Acme Ltd\nInvoice List\nAs of 30 November 2026\n\nDate;Num;Customer\n01.11.2026;1;A, B and C\n",
        encoding="utf-8",
    )
    assert opened(path).delimiter == ";"


def test_the_delimiter_can_be_given(tmp_path: Path) -> None:
    path = tmp_path / "given.csv"
    path.write_text("a;b,c\n1;2,3\n", encoding="utf-8")
    assert rows(opened(path, delimiter=","))[1].cells == ("1;2", "3")
    assert open_table(path, delimiter="|") == Problem(
        0, "the delimiter must be a comma, a semicolon or a tab"
    )


def test_an_unclosed_quote_ends_the_file_with_a_problem_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text('number,name\n1,fine\n2,"never closed\n3,lost\n', encoding="utf-8")
    found = list(opened(path).rows())
    assert found[:2] == [Row(1, ("number", "name")), Row(2, ("1", "fine"))]
    assert len(found) == 3
    assert isinstance(found[2], Problem)
    assert str(found[2]).startswith(
        "line 3: the file is damaged here (a quote opened on this line is never closed)"
    )


def test_utf16_without_a_bom_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "nobom.txt"
    path.write_bytes("number\tname\r\n1\tZoë\r\n".encode("utf-16-le"))
    table = opened(path)
    assert table.describe() == "CSV, UTF-16 LE without BOM, separated by tabs"
    assert rows(table)[1].cells == ("1", "Zoë")


def test_bytes_of_no_known_encoding_are_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"number,name\n1,\x81\x8d\xff\n")
    problem = open_table(path)
    assert isinstance(problem, Problem)
    assert "not text in any encoding CreditDesk knows" in str(problem)
    assert "save it from your spreadsheet as CSV UTF-8" in str(problem)


def test_an_xls_a_damaged_workbook_a_folder_and_a_missing_file_are_refused_with_what_to_do(
    tmp_path: Path,
) -> None:
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    refused = open_table(xls)
    assert isinstance(refused, Problem)
    assert "Excel 97-2003 workbook (.xls)" in str(refused)
    assert "save it as an Excel workbook (.xlsx) or as CSV" in str(refused)
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04" + b"not really a zip")
    refused = open_table(damaged)
    assert isinstance(refused, Problem)
    assert "cannot be read as an Excel workbook" in str(refused)
    refused = open_table(tmp_path)
    assert isinstance(refused, Problem) and "is a folder" in str(refused)
    refused = open_table(tmp_path / "nowhere.csv")
    assert isinstance(refused, Problem) and "there is no file at" in str(refused)
    company = tmp_path / "books.sqlite"
    company.write_bytes(b"SQLite format 3\x00" + bytes(84))
    refused = open_table(company)
    assert isinstance(refused, Problem) and "company file" in str(refused)


def workbook(path: Path) -> Path:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["nothing to import here"])
    sheet = book.create_sheet("Invoices")
    sheet.append(["Number", "Date", "Due", "Amount"])
    sheet.append(["INV-1", datetime(2026, 11, 2), "02.12.2026", 1234.5])
    sheet.append([])
    sheet.append(["INV-2", date(2026, 11, 15), "15.12.2026", "98,00"])
    sheet.append([1003, 46387, "31.12.2026", 0.1])
    book.save(path)
    return path


def test_an_xlsx_sheet_reads_dates_text_and_numbers_without_floats(tmp_path: Path) -> None:
    path = workbook(tmp_path / "book.xlsx")
    first = opened(path)
    assert first.describe() == "Excel workbook, sheet 'Notes'"
    assert rows(first) == [Row(1, ("nothing to import here",))]
    table = opened(path, sheet="Invoices")
    assert table.describe() == "Excel workbook, sheet 'Invoices'"
    read = rows(table)
    assert read == [
        Row(1, ("Number", "Date", "Due", "Amount")),
        Row(2, ("INV-1", date(2026, 11, 2), "02.12.2026", Decimal("1234.5"))),
        Row(4, ("INV-2", date(2026, 11, 15), "15.12.2026", "98,00")),
        Row(5, (Decimal(1003), Decimal(46387), "31.12.2026", Decimal("0.1"))),
    ]
    assert all(not isinstance(cell, float) for row in read for cell in row.cells)


def test_an_unknown_sheet_is_refused_naming_the_sheets(tmp_path: Path) -> None:
    path = workbook(tmp_path / "book.xlsx")
    assert open_table(path, sheet="Sales") == Problem(
        0, "book.xlsx has no sheet 'Sales'; its sheets are 'Notes', 'Invoices'"
    )


def test_bom_constants_are_the_codecs_own() -> None:
    assert codecs.BOM_UTF16_LE == b"\xff\xfe" and codecs.BOM_UTF16_BE == b"\xfe\xff"
