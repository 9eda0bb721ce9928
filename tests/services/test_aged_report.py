"""The printed aged-debtors report carries the Aging tab's figures, row for row."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from creditdesk.domain.aging import Basis
from creditdesk.services.company.demo import generate_demo
from creditdesk.services.reports.aged_debtors_print import aged_debtors_document, aged_debtors_pdf
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database, open_database

AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Database:
    db = open_database(tmp_path_factory.mktemp("aged") / "demo.sqlite", create=True)
    generate_demo(db, clients=60, invoices=900, as_of=AS_OF)
    return db


@pytest.mark.parametrize("basis", list(Basis))
def test_rows_and_totals_are_the_aging_reports(demo: Database, basis: Basis) -> None:
    report = run_aging(demo, AS_OF, basis)
    doc = aged_debtors_document(demo, AS_OF, basis)
    assert doc.as_of == AS_OF
    assert len(doc.rows) == len(report.rows) > 0
    for printed, row in zip(doc.rows, report.rows, strict=True):
        assert (printed.code, printed.name) == (row.client_code, row.client_name)
        assert (printed.buckets, printed.on_account, printed.total) == (
            row.buckets,
            row.unallocated,
            row.total,
        )
        assert sum(printed.buckets, D(0)) + printed.on_account == printed.total
    totals = report.totals
    assert (doc.totals.buckets, doc.totals.on_account, doc.totals.total) == (
        totals.buckets,
        totals.unallocated,
        totals.total,
    )
    assert doc.totals.name == "Total"
    assert any(row.on_account < 0 for row in doc.rows)  # the demo has over-payers
    if basis is Basis.DUE:
        assert doc.basis_label == "by due date"
        assert doc.bucket_labels == ("Current", "1–30 days", "31–60 days", "61–90 days", "Over 90 days")
    else:
        assert doc.basis_label == "by invoice date"
        assert doc.bucket_labels == ("0–30 days", "31–60 days", "61–90 days", "Over 90 days")
    assert doc.branding.name == "Harbour & Pine Joinery Ltd" and doc.formats.currency == "GBP"


def test_a_report_in_hand_is_used_as_it_is(demo: Database) -> None:
    report = run_aging(demo, AS_OF)
    assert aged_debtors_document(demo, AS_OF, report=report).rows == aged_debtors_document(demo, AS_OF).rows
    with pytest.raises(ValueError, match="not as of"):
        aged_debtors_document(demo, date(2026, 5, 31), report=report)


def test_an_empty_ledger_prints_an_empty_report(db: Database) -> None:
    doc = aged_debtors_document(db, AS_OF)
    assert doc.rows == () and doc.totals.total == D(0)


def test_the_pdf_shows_every_client_and_the_totals(demo: Database) -> None:
    doc = aged_debtors_document(demo, AS_OF)
    reader = PdfReader(io.BytesIO(aged_debtors_pdf(demo, AS_OF)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for row in doc.rows:
        assert row.code in text, row.code
    assert doc.formats.amount(doc.totals.total) in text
