"""Each source read end to end: the preset recognised, every figure exact, stated totals checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from creditdesk.imports.invoices import InvoiceRead, read_invoices
from creditdesk.imports.problems import Problem
from creditdesk.imports.records import ClientRef, InvoiceRecord, LineItem, SourceStatus

FIXTURES = Path(__file__).parent / "fixtures"
OPEN, PAID, DRAFT, VOID = SourceStatus.OPEN, SourceStatus.PAID, SourceStatus.DRAFT, SourceStatus.VOID

Figures = tuple[str, str | None, date, date | None, str | None, str | None, str | None, str, SourceStatus]


def read(name: str, **options: object) -> InvoiceRead:
    result = read_invoices(FIXTURES / name, **options)  # type: ignore[arg-type]
    assert isinstance(result, InvoiceRead), result
    return result


def figures(record: InvoiceRecord) -> Figures:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else f"{value:f}"

    return (
        record.number,
        record.client.name,
        record.issue_date,
        record.due_date,
        text(record.total),
        text(record.amount_due),
        text(record.amount_paid),
        record.currency,
        record.status,
    )


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_quickbooks_aging_detail() -> None:
    result = read("quickbooks_ar_aging_detail.csv", currency="USD")
    assert (result.source, result.source_label) == (
        "quickbooks",
        "QuickBooks Online (A/R Aging Detail report)",
    )
    assert result.as_of == d("2026-11-30")
    assert result.ready
    assert [figures(invoice) for invoice in result.invoices] == [
        (
            "1042",
            "Blue Sky Café",
            d("2026-11-16"),
            d("2026-12-16"),
            "1250.00",
            "1250.00",
            "0.00",
            "USD",
            OPEN,
        ),
        (
            "1045",
            "Northwind Traders",
            d("2026-11-25"),
            d("2026-12-25"),
            "640.50",
            "640.50",
            "0.00",
            "USD",
            OPEN,
        ),
        (
            "1031",
            "Acme Widgets, Inc.",
            d("2026-10-20"),
            d("2026-11-19"),
            "3400.00",
            "1400.00",
            "2000.00",
            "USD",
            OPEN,
        ),
        ("1036", "Blue Sky Café", d("2026-10-28"), d("2026-11-27"), "99.99", "99.99", "0.00", "USD", OPEN),
        (
            "1019",
            "Northwind Traders",
            d("2026-09-15"),
            d("2026-10-15"),
            "2000.00",
            "2000.00",
            "0.00",
            "USD",
            OPEN,
        ),
        (
            "0988",
            "Old Mill Bakery",
            d("2026-06-01"),
            d("2026-07-01"),
            "480.00",
            "480.00",
            "0.00",
            "USD",
            OPEN,
        ),
    ]
    assert [invoice.line for invoice in result.invoices] == [7, 8, 11, 12, 15, 18]
    assert sum(invoice.amount_due or 0 for invoice in result.invoices) == Decimal("5870.49")
    assert [client.name for client in result.clients] == [
        "Blue Sky Café",
        "Northwind Traders",
        "Acme Widgets, Inc.",
        "Old Mill Bakery",
    ]
    assert result.formats.describe() == (
        "Date: dates like 12/31/2026",
        "Due Date: dates like 12/31/2026",
        "Amount: amounts like 1,234.50",
        "Open Balance: amounts like 1,234.50",
    )


def test_quickbooks_invoice_list() -> None:
    result = read("quickbooks_invoice_list.csv", currency="USD")
    assert result.source_label == "QuickBooks Online (Invoice List report)"
    assert result.ready and result.as_of is None
    assert [figures(invoice) for invoice in result.invoices] == [
        (
            "1028",
            "Old Mill Bakery",
            d("2026-10-05"),
            d("2026-11-04"),
            "850.00",
            "0.00",
            "850.00",
            "USD",
            PAID,
        ),
        (
            "1031",
            "Acme Widgets, Inc.",
            d("2026-10-20"),
            d("2026-11-19"),
            "3400.00",
            "1400.00",
            "2000.00",
            "USD",
            OPEN,
        ),
        (
            "1042",
            "Blue Sky Café",
            d("2026-11-16"),
            d("2026-12-16"),
            "1250.00",
            "1250.00",
            "0.00",
            "USD",
            OPEN,
        ),
        (
            "1045",
            "Northwind Traders",
            d("2026-11-25"),
            d("2026-12-25"),
            "640.50",
            "640.50",
            "0.00",
            "USD",
            OPEN,
        ),
    ]
    assert result.invoices[3].reference == "Trade show banner, 2 m"
    assert result.set_aside == ((13, "footer"),)


def test_xero_sales_invoices_collapse_line_items_into_one_invoice_per_number() -> None:
    result = read("xero_sales_invoices.csv", currency="EUR")
    assert result.source_label == "Xero (sales invoices export)"
    assert result.ready
    assert [figures(invoice) for invoice in result.invoices] == [
        (
            "INV-0041",
            "Bramble & Co",
            d("2026-11-02"),
            d("2026-12-02"),
            "972.00",
            "972.00",
            "0.00",
            "GBP",
            OPEN,
        ),
        (
            "INV-0042",
            "Harbour Lights Ltd",
            d("2026-11-15"),
            d("2026-12-15"),
            "1440.00",
            "0.00",
            "1440.00",
            "GBP",
            PAID,
        ),
        (
            "INV-0043",
            "Bramble & Co",
            d("2026-11-20"),
            d("2026-12-20"),
            "600.00",
            "400.00",
            "200.00",
            "GBP",
            OPEN,
        ),
        (
            "INV-0044",
            "Quayside Café",
            d("2026-11-25"),
            d("2026-12-25"),
            "120.00",
            "120.00",
            "0.00",
            "GBP",
            DRAFT,
        ),
        (
            "INV-0045",
            "Harbour Lights Ltd",
            d("2026-11-03"),
            d("2026-12-03"),
            "240.00",
            "0.00",
            "0.00",
            "GBP",
            VOID,
        ),
    ]
    first = result.invoices[0]
    assert first.lines == (2, 3)
    assert first.client == ClientRef("Bramble & Co", None, "accounts@bramble.example")
    assert first.reference == "PO 7781"
    assert first.items == (
        LineItem(2, "Design work, November", Decimal(3), Decimal("250.00"), Decimal("750.00")),
        LineItem(3, "Hosting\nNovember", Decimal(1), Decimal("60.00"), Decimal("60.00")),
    )
    assert result.invoices[1].lines == (5,)  # the quoted line break counts as a line
    assert [client.name for client in result.clients] == [
        "Bramble & Co",
        "Harbour Lights Ltd",
        "Quayside Café",
    ]


def test_xero_aged_receivables_detail_takes_clients_from_the_groups_and_checks_the_totals() -> None:
    result = read("xero_aged_receivables_detail.csv", currency="GBP")
    assert result.source_label == "Xero (Aged Receivables Detail report)"
    assert result.ready and result.as_of == d("2026-11-30")
    assert [figures(invoice) for invoice in result.invoices] == [
        ("INV-0041", "Bramble & Co", d("2026-11-02"), d("2026-12-02"), None, "972.00", None, "GBP", OPEN),
        ("INV-0043", "Bramble & Co", d("2026-11-20"), d("2026-12-20"), None, "400.00", None, "GBP", OPEN),
        ("INV-0017", "Bramble & Co", d("2026-08-01"), d("2026-08-31"), None, "250.00", None, "GBP", OPEN),
        ("INV-0033", "Quayside Café", d("2026-10-14"), d("2026-11-13"), None, "85.50", None, "GBP", OPEN),
    ]
    assert result.set_aside == ((7, "group 'Bramble & Co'"), (12, "group 'Quayside Café'"), (16, "footer"))


def test_sage_aged_debtors_reads_credit_notes_as_credits_and_checks_the_totals() -> None:
    result = read("sage_aged_debtors.csv", currency="GBP")
    assert result.source_label == "Sage Accounting (Aged Debtors, detailed)"
    assert result.ready and result.as_of == d("2026-11-30")
    assert [figures(invoice) for invoice in result.invoices] == [
        (
            "SI-1041",
            "Bramble & Co",
            d("2026-11-02"),
            d("2026-12-02"),
            "972.00",
            "972.00",
            "0.00",
            "GBP",
            OPEN,
        ),
        ("SC-0007", "Bramble & Co", d("2026-11-18"), None, "-60.00", "-60.00", None, "GBP", OPEN),
        (
            "SI-1019",
            "Harbour Lights Ltd",
            d("2026-09-14"),
            d("2026-10-14"),
            "2000.00",
            "1250.00",
            "750.00",
            "GBP",
            OPEN,
        ),
        (
            "SI-0988",
            "Quayside Café",
            d("2026-06-01"),
            d("2026-07-01"),
            "480.00",
            "480.00",
            "0.00",
            "GBP",
            OPEN,
        ),
    ]
    assert [invoice.client.code for invoice in result.invoices] == [
        "BRAMBLE001",
        "BRAMBLE001",
        "HARBOUR01",
        "QUAYSIDE1",
    ]
    assert [invoice.is_credit for invoice in result.invoices] == [False, True, False, False]
    assert result.set_aside == ()


def test_zoho_books_invoices_with_currencies_terms_and_statuses() -> None:
    result = read("zoho_invoices.csv", currency="USD")
    assert result.source_label == "Zoho Books (invoices export)"
    assert result.ready
    assert [figures(invoice) for invoice in result.invoices] == [
        (
            "INV-000041",
            "Lakeside Yoga Studio",
            d("2026-11-02"),
            d("2026-12-02"),
            "1150.00",
            "1150.00",
            "0.00",
            "USD",
            OPEN,
        ),
        (
            "INV-000036",
            "Pine & Pixel GmbH",
            d("2026-10-12"),
            d("2026-11-11"),
            "1800.00",
            "800.00",
            "1000.00",
            "EUR",
            OPEN,
        ),
        (
            "INV-000029",
            "Lakeside Yoga Studio",
            d("2026-09-01"),
            d("2026-09-16"),
            "300.00",
            "0.00",
            "300.00",
            "USD",
            PAID,
        ),
        (
            "INV-000044",
            "Riverbend Books",
            d("2026-11-20"),
            d("2026-11-20"),
            "90.00",
            "90.00",
            None,
            "USD",
            DRAFT,
        ),
        (
            "INV-000033",
            "Riverbend Books",
            d("2026-10-05"),
            d("2026-11-04"),
            "120.00",
            "0.00",
            None,
            "USD",
            VOID,
        ),
        (
            "INV-000031",
            "Riverbend Books",
            d("2026-09-15"),
            d("2026-10-15"),
            "1234.56",
            "1234.56",
            "0.00",
            "USD",
            OPEN,
        ),
    ]
    assert [invoice.terms_days for invoice in result.invoices] == [30, 30, 15, 0, 30, 30]
    assert [item.description for item in result.invoices[0].items] == ["Brand workshop", "Printed flyers"]
    assert result.invoices[0].items[1].quantity == 500
    assert result.invoices[0].client.code == "3217000000101"


def test_freeagent_invoices() -> None:
    result = read("freeagent_invoices.csv", currency="GBP")
    assert result.source_label == "FreeAgent (invoices export)"
    assert result.ready
    assert [figures(invoice) for invoice in result.invoices] == [
        (
            "007",
            "Kestrel Joinery",
            d("2026-11-02"),
            d("2026-12-02"),
            "1200.00",
            "1200.00",
            "0.00",
            "GBP",
            OPEN,
        ),
        (
            "006",
            "Moss & Fern Florists",
            d("2026-10-14"),
            d("2026-11-13"),
            "450.00",
            "300.00",
            "150.00",
            "GBP",
            OPEN,
        ),
        ("005", "Kestrel Joinery", d("2026-10-01"), d("2026-10-31"), "600.00", "0.00", "600.00", "GBP", PAID),
        ("004", "Otter Lane Café", d("2026-09-15"), d("2026-10-15"), "96.00", "0.00", "0.00", "GBP", VOID),
        (
            "008",
            "Moss & Fern Florists",
            d("2026-11-28"),
            d("2026-12-28"),
            "300.00",
            "300.00",
            "0.00",
            "GBP",
            DRAFT,
        ),
        ("003", "Otter Lane Café", d("2026-09-01"), d("2026-10-01"), "72.00", "0.00", "0.00", "GBP", VOID),
    ]


def test_wave_invoices() -> None:
    result = read("wave_invoices.csv", currency="USD")
    assert result.source_label == "Wave (invoices export)"
    assert result.ready
    assert [figures(invoice) for invoice in result.invoices] == [
        (
            "1017",
            "Maple Street Dental",
            d("2026-11-03"),
            d("2026-12-03"),
            "1695.00",
            "1695.00",
            "0.00",
            "CAD",
            OPEN,
        ),
        (
            "1016",
            "Northern Lights Gym",
            d("2026-10-20"),
            d("2026-11-19"),
            "565.00",
            "300.00",
            "265.00",
            "CAD",
            OPEN,
        ),
        (
            "1015",
            "Maple Street Dental",
            d("2026-10-01"),
            d("2026-10-31"),
            "226.00",
            "0.00",
            "226.00",
            "CAD",
            PAID,
        ),
        (
            "1014",
            "Cedar & Stone Realty",
            d("2026-09-12"),
            d("2026-10-12"),
            "2260.00",
            "2260.00",
            "0.00",
            "CAD",
            OPEN,
        ),
        (
            "1018",
            "Northern Lights Gym",
            d("2026-11-29"),
            d("2026-12-29"),
            "113.00",
            "113.00",
            "0.00",
            "CAD",
            DRAFT,
        ),
    ]
    assert result.invoices[0].client.email == "billing@maplestreet.example"
    assert result.invoices[0].reference == "PO-55"


def test_creditdesks_own_export_reads_back_with_its_formula_guard_undone() -> None:
    result = read("creditdesk_invoices.csv", currency="EUR")
    assert (result.source, result.table) == ("creditdesk", "CSV, UTF-8 with BOM, separated by commas")
    assert result.ready
    assert [figures(invoice) for invoice in result.invoices] == [
        (
            "2026-0101",
            "Acme Widgets Ltd",
            d("2026-10-01"),
            d("2026-10-31"),
            "1200.00",
            "700.00",
            "500.00",
            "EUR",
            OPEN,
        ),
        (
            "2026-0102",
            "-Minus Studio",
            d("2026-10-15"),
            d("2026-11-14"),
            "300.00",
            "300.00",
            "0.00",
            "EUR",
            OPEN,
        ),
        (
            "2026-0103",
            "Acme Widgets Ltd",
            d("2026-11-02"),
            d("2026-12-02"),
            "100.00",
            "100.00",
            "0.00",
            "EUR",
            OPEN,
        ),
        (
            "2026-0104",
            "Beta & Sons",
            d("2026-09-01"),
            d("2026-10-01"),
            "480.00",
            "0.00",
            "480.00",
            "EUR",
            PAID,
        ),
        ("2026-0105", "Beta & Sons", d("2026-11-20"), d("2026-12-20"), "60.00", "0.00", None, "EUR", DRAFT),
        ("2026-0106", "-Minus Studio", d("2026-08-01"), d("2026-08-31"), "108.00", "0.00", None, "EUR", VOID),
    ]
    assert result.invoices[2].reference == "=SUM(A1)"
    assert [invoice.client.code for invoice in result.invoices[:2]] == ["ACME", "MINUS"]


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("quickbooks_ar_aging_detail.csv", "quickbooks"),
        ("xero_sales_invoices.csv", "xero"),
        ("sage_aged_debtors.csv", "sage"),
        ("zoho_invoices.csv", "zoho"),
        ("freeagent_invoices.csv", "freeagent"),
        ("wave_invoices.csv", "wave"),
        ("creditdesk_invoices.csv", "creditdesk"),
    ],
)
def test_naming_the_source_gives_the_same_as_recognising_it(name: str, source: str) -> None:
    assert read(name, source=source) == read(name)


def test_a_named_source_that_does_not_fit_and_an_unknown_source_are_refused(tmp_path: Path) -> None:
    refused = read_invoices(FIXTURES / "wave_invoices.csv", source="xero")
    assert isinstance(refused, Problem)
    assert str(refused).startswith(
        "line 1: these columns are not those of Xero (sales invoices export) or Xero (Aged Receivables "
        "Detail report): 'Invoice Number', 'Customer'"
    )
    unknown = read_invoices(FIXTURES / "wave_invoices.csv", source="sap")
    assert isinstance(unknown, Problem)
    assert str(unknown) == (
        "'sap' is not a source CreditDesk knows; choose one of auto, creditdesk, quickbooks, xero, sage, "
        "zoho, freeagent, wave, spreadsheet or map the columns"
    )
    strange = tmp_path / "belege.csv"
    strange.write_text("Belegnummer;Geschäftspartner;Wert\nB-1;Müller;12,50\n", encoding="utf-8")
    nothing = read_invoices(strange)
    assert isinstance(nothing, Problem)
    assert str(nothing).startswith(
        "line 1: CreditDesk does not recognise the source of these columns: 'Belegnummer', 'Geschäftspartner'"
    )
    assert str(nothing).endswith("map each column to a CreditDesk field")
