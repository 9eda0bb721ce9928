"""The printed invoice: figures from the ledger, tax per rate, money paid, early-payment discount."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from pypdf import PdfReader

from creditdesk.documents.model import PageSize
from creditdesk.domain.errors import NotFoundError
from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice, void_invoice
from creditdesk.services.ledger.payments import (
    CreditNoteInput,
    PaymentInput,
    issue_credit_note,
    record_payment,
)
from creditdesk.services.reports.invoice_print import (
    invoice_document,
    invoice_file_name,
    invoice_id_by_number,
    invoice_pdf,
)
from creditdesk.store.database import Database, open_database
from creditdesk.store.models import Invoice
from creditdesk.store.unit_of_work import UnitOfWork

ISSUE = date(2026, 3, 4)
LINES = [
    InvoiceLine("Joinery labour (hour)", D("1.5"), D("48.33"), D(20)),  # 72.495 -> 72.50, tax 14.50
    InvoiceLine("Skirting (per metre)", D("18.5"), D("12.75"), D(20)),  # 235.875 -> 235.88, tax 47.18
    InvoiceLine("Draught-proofing", D(3), D("145.01"), D(5)),  # 435.03, tax 21.7515 -> 21.75
    InvoiceLine("Delivery", D(1), D("65.00"), D(0)),
]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def a_client(db: Database, terms: PaymentTerms | None = None, code: str = "ACME") -> int:
    return add_client(
        db, ClientInput(code, "Acme Ltd", contact_name="Ann Jones", terms=terms or PaymentTerms(30))
    )


def stored(db: Database, invoice_id: int) -> tuple[int, int, int, str]:
    """(net, tax, gross, number) as stored, in minor units."""
    with UnitOfWork(db) as uow:
        invoice = uow.session.get(Invoice, invoice_id)
        assert invoice is not None
        return invoice.net, invoice.tax, invoice.gross, invoice.number


def test_totals_and_tax_per_rate_add_up_to_what_is_stored(db: Database) -> None:
    client = a_client(db)
    invoice_id = create_invoice(db, InvoiceInput(client, ISSUE, LINES, reference="PO 7781", notes="Thanks!"))
    doc = invoice_document(db, invoice_id)
    net, tax, gross, number = stored(db, invoice_id)
    assert (doc.net, doc.tax, doc.gross) == (D(net) / 100, D(tax) / 100, D(gross) / 100)
    assert doc.net == D("808.41") and doc.tax == D("83.43") and doc.gross == D("891.84")
    assert [(s.rate, s.net, s.tax) for s in doc.tax_summary] == [
        (D(20), D("308.38"), D("61.68")),
        (D(5), D("435.03"), D("21.75")),
        (D(0), D("65.00"), D("0.00")),
    ]
    assert sum(s.tax for s in doc.tax_summary) == doc.tax
    assert sum(s.net for s in doc.tax_summary) == doc.net
    assert [line.net for line in doc.lines] == [D("72.50"), D("235.88"), D("435.03"), D("65.00")]
    assert doc.number == number == doc.payment_reference
    assert (doc.issue_date, doc.due_date, doc.reference, doc.notes) == (
        ISSUE,
        date(2026, 4, 3),
        "PO 7781",
        "Thanks!",
    )
    assert (doc.client.name, doc.client.code, doc.client.contact_name) == ("Acme Ltd", "ACME", "Ann Jones")
    assert (doc.paid, doc.amount_due, doc.terms, doc.discount, doc.watermark) == (
        D(0),
        doc.gross,
        "Net 30",
        "",
        "",
    )
    assert doc.branding.name == "Test Co" and doc.formats.currency == "EUR"


def test_paid_counts_payments_and_credit_notes_applied_to_it(db: Database) -> None:
    client = a_client(db)
    invoice_id = create_invoice(db, InvoiceInput(client, ISSUE, [InvoiceLine("Work", D(1), D("1000.00"))]))
    other = create_invoice(db, InvoiceInput(client, ISSUE, [InvoiceLine("Work", D(1), D("50.00"))]))
    record_payment(db, PaymentInput(client, date(2026, 3, 10), D("300.00"), invoice_id=invoice_id))
    issue_credit_note(db, CreditNoteInput(client, date(2026, 3, 12), D("25.50"), invoice_id=invoice_id))
    record_payment(db, PaymentInput(client, date(2026, 3, 13), D("50.00"), invoice_id=other))
    issue_credit_note(db, CreditNoteInput(client, date(2026, 3, 14), D("10.00")))  # on account: not applied
    doc = invoice_document(db, invoice_id)
    assert (doc.gross, doc.paid, doc.amount_due) == (D("1000.00"), D("325.50"), D("674.50"))


def test_early_payment_discount_is_spelt_out(db: Database) -> None:
    terms = PaymentTerms(30, discount_percent=D(2), discount_days=10)
    client = a_client(db, terms)
    invoice_id = create_invoice(
        db, InvoiceInput(client, ISSUE, [InvoiceLine("Staircase", D(1), D("600.00"))])
    )
    doc = invoice_document(db, invoice_id)
    assert doc.terms == "2 % 10, net 30"
    assert doc.discount == "2 % discount if paid by 14 March 2026: pay €588.00 instead of €600.00"
    # Paid in part: the discount comes off what is left to pay.
    record_payment(db, PaymentInput(client, date(2026, 3, 5), D("100.00"), invoice_id=invoice_id))
    assert invoice_document(db, invoice_id).discount.endswith("pay €488.00 instead of €500.00")
    half = PaymentTerms(30, discount_percent=D("2.5"), discount_days=7)
    other = a_client(db, half, code="HALF")
    second = create_invoice(db, InvoiceInput(other, ISSUE, [InvoiceLine("Door", D(1), D("99.99"))]))
    assert invoice_document(db, second).discount == (
        "2.5 % discount if paid by 11 March 2026: pay €97.49 instead of €99.99"
    )


def test_drafts_and_void_invoices_are_marked(db: Database) -> None:
    client = a_client(db)
    line = [InvoiceLine("Work", D(1), D("10.00"))]
    draft = create_invoice(db, InvoiceInput(client, ISSUE, line, status=InvoiceStatus.DRAFT))
    issued = create_invoice(db, InvoiceInput(client, ISSUE, line))
    voided = create_invoice(db, InvoiceInput(client, ISSUE, line))
    record_payment(db, PaymentInput(client, ISSUE, D("4.00"), invoice_id=voided))
    void_invoice(db, voided, "raised twice")
    assert invoice_document(db, draft).watermark == "DRAFT"
    assert invoice_document(db, issued).watermark == ""
    doc = invoice_document(db, voided)
    assert doc.watermark == "VOID"
    assert doc.paid == D(0)  # voiding sent the payment back on account


def test_invoice_numbers_and_file_names(db: Database) -> None:
    client = a_client(db)
    invoice_id = create_invoice(db, InvoiceInput(client, ISSUE, [InvoiceLine("Work", D(1), D("10.00"))]))
    assert invoice_id_by_number(db, " INV-00001 ") == invoice_id
    with pytest.raises(NotFoundError, match="no invoice numbered 'INV-99999'"):
        invoice_id_by_number(db, "INV-99999")
    with pytest.raises(NotFoundError, match="no longer exists"):
        invoice_document(db, 4242)
    assert invoice_file_name("INV-00012") == "Invoice INV-00012.pdf"
    assert invoice_file_name("2026/03:7") == "Invoice 2026-03-7.pdf"
    assert invoice_file_name("..") == "Invoice unnamed.pdf"


def test_the_pdf_shows_the_figures(db: Database) -> None:
    terms = PaymentTerms(30, discount_percent=D(2), discount_days=10)
    client = a_client(db, terms)
    invoice_id = create_invoice(db, InvoiceInput(client, ISSUE, LINES, reference="PO 7781"))
    record_payment(db, PaymentInput(client, date(2026, 3, 10), D("91.84"), invoice_id=invoice_id))
    data = invoice_pdf(db, invoice_id)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for figure in ("€808.41", "€83.43", "€891.84", "€91.84", "€800.00", "INV-00001", "PO 7781", "Acme Ltd"):
        assert figure in text, figure


@pytest.mark.parametrize(
    ("locale", "size"), [("en_US", PageSize.LETTER), ("en_CA", PageSize.LETTER), ("de_DE", PageSize.A4)]
)
def test_a_new_company_prints_on_the_paper_of_its_country(
    tmp_path: Path, locale: str, size: PageSize
) -> None:
    db = open_database(tmp_path / "new.sqlite", create=True)
    try:
        create_company(db, "New Co", "USD", locale)
        client = a_client(db)
        invoice_id = create_invoice(db, InvoiceInput(client, ISSUE, [InvoiceLine("Work", D(1), D("10.00"))]))
        assert invoice_document(db, invoice_id).branding.page_size is size
    finally:
        db.close()
