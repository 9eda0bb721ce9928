"""Report layouts: title rows, groups, totals and footers set aside; the stated totals checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from creditdesk.imports.layout import Report, check_totals, read_report
from creditdesk.imports.numbers import NumberFormat, read_number
from creditdesk.imports.problems import Problem
from creditdesk.imports.tables import Cell, TableFile, open_table

FIXTURES = Path(__file__).parent / "fixtures"
US = NumberFormat(".", ",")


def report_of(path: Path) -> Report:
    table = open_table(path)
    assert isinstance(table, TableFile), table
    report = read_report(table.rows())
    assert isinstance(report, Report), report
    return report


def read_us(cell: Cell, line: int, column: int) -> Decimal | Problem:
    value = read_number(str(cell), US)
    return value if value is not None else Problem(line, f"not an amount: '{cell}'")


def test_a_quickbooks_aging_report_is_taken_apart() -> None:
    report = report_of(FIXTURES / "quickbooks_ar_aging_detail.csv")
    assert report.header_line == 5
    assert report.header[1:5] == ("Date", "Transaction Type", "Num", "Customer")
    assert report.title == ("Acme Design Studio", "A/R Aging Detail", "As of November 30, 2026")
    assert report.as_of == date(2026, 11, 30)
    assert [(row.line, row.cells[3], row.group) for row in report.rows] == [
        (7, "1042", "Current"),
        (8, "1045", "Current"),
        (11, "1031", "1 - 30 days past due"),
        (12, "1036", "1 - 30 days past due"),
        (15, "1019", "31 - 60 days past due"),
        (18, "0988", "91 or more days past due"),
    ]
    assert [(total.line, total.scope) for total in report.totals] == [
        (9, "Current"),
        (13, "1 - 30 days past due"),
        (16, "31 - 60 days past due"),
        (19, "91 or more days past due"),
        (20, None),
    ]
    assert report.set_aside == [
        (6, "group 'Current'"),
        (10, "group '1 - 30 days past due'"),
        (14, "group '31 - 60 days past due'"),
        (17, "group '91 or more days past due'"),
        (24, "footer"),
    ]
    assert check_totals(report, [7, 8], read_us) == []


def test_a_total_that_disagrees_with_its_rows_is_a_problem(tmp_path: Path) -> None:
    text = (FIXTURES / "quickbooks_ar_aging_detail.csv").read_text(encoding="utf-8")
    path = tmp_path / "changed.csv"
    path.write_text(text.replace('"1,400.00"', '"1,300.00"'), encoding="utf-8")
    problems = check_totals(report_of(path), [7, 8], read_us)
    assert [str(problem) for problem in problems] == [
        "line 13, field 'Open Balance': the report states a total of 1499.99 for 1 - 30 days past due, "
        "but the rows above it add up to 1399.99",
        "line 20, field 'Open Balance': the report states a total of 5870.49 for the whole report, "
        "but the rows above it add up to 5770.49",
    ]


def test_contact_groups_with_total_rows_named_after_them(tmp_path: Path) -> None:
    path = tmp_path / "aged.csv"
    path.write_text(
        "Aged Receivables Detail\nDemo Company (UK)\nAs at 30 November 2026\n\n"
        "Invoice Date,Invoice Number,Due Date,Total\n"
        "Total Logistics Ltd\n"
        "1 Nov 2026,INV-1,1 Dec 2026,100.00\n"
        "2 Nov 2026,INV-2,2 Dec 2026,50.00\n"
        "Total Total Logistics Ltd,,,150.00\n"
        "Bramble & Co\n"
        "3 Nov 2026,INV-3,3 Dec 2026,25.50\n"
        "Total Bramble & Co,,,25.50\n"
        "Percentage of total,,,100%\n"
        "Total,,,175.50\n",
        encoding="utf-8",
    )
    report = report_of(path)
    assert report.as_of == date(2026, 11, 30)
    assert [(row.cells[1], row.group) for row in report.rows] == [
        ("INV-1", "Total Logistics Ltd"),
        ("INV-2", "Total Logistics Ltd"),
        ("INV-3", "Bramble & Co"),
    ]
    assert [total.scope for total in report.totals] == ["Total Logistics Ltd", "Bramble & Co", None]
    assert check_totals(report, [3], read_us) == []


def test_in_a_plain_export_a_row_with_one_cell_stays_data_and_a_total_named_customer_is_a_customer(
    tmp_path: Path,
) -> None:
    path = tmp_path / "plain.csv"
    path.write_text(
        "number,customer,amount\nA-1,Total Logistics Ltd,5.00\nA-2\nA-3,Bramble,1.00\n", encoding="utf-8"
    )
    report = report_of(path)
    assert report.title == () and report.totals == [] and report.as_of is None
    assert [row.cells for row in report.rows] == [
        ("A-1", "Total Logistics Ltd", "5.00"),
        ("A-2", "", ""),
        ("A-3", "Bramble", "1.00"),
    ]


def test_no_header_and_a_damaged_file(tmp_path: Path) -> None:
    empty = tmp_path / "titles.csv"
    empty.write_text("Just a title\n\nAnother title\n", encoding="utf-8")
    table = open_table(empty)
    assert isinstance(table, TableFile)
    assert read_report(table.rows()) == Problem(
        0, "no header row was found; the first row of the table must name its columns"
    )
    damaged = tmp_path / "damaged.csv"
    damaged.write_text('number,name\n1,"open\n', encoding="utf-8")
    table = open_table(damaged)
    assert isinstance(table, TableFile)
    report = read_report(table.rows())
    assert isinstance(report, Report)
    assert [problem.line for problem in report.problems] == [2]


def test_a_header_can_be_recognised_by_the_caller(tmp_path: Path) -> None:
    path = tmp_path / "sage.csv"
    path.write_text(
        "Company:,Acme Ltd\nReport date:,Stand 30.11.2026\nRef,Name,Outstanding\nX1,Y,2\n", encoding="utf-8"
    )
    table = open_table(path)
    assert isinstance(table, TableFile)
    report = read_report(table.rows(), is_header=lambda cells: "Outstanding" in cells)
    assert isinstance(report, Report)
    assert report.header_line == 3
    assert report.as_of == date(2026, 11, 30)
