"""The creditor reference makes the trip a client's money makes: printed invoice, QR code, bank, matcher."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import zxingcpp
from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication

from creditdesk.domain.bank import BankTransaction
from creditdesk.domain.creditor_reference import creditor_reference, printed_creditor_reference
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.domain.matching import (
    ClientIdentity,
    MatchingBooks,
    OpenItem,
    Outcome,
    Reason,
    match_transactions,
)
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.branding import BrandingInput, save_branding
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.reports.invoice_print import invoice_document, invoice_pdf
from creditdesk.store.database import Database

ISSUE = date(2026, 3, 4)
DPI = 200


def decoded_qr_codes(pdf: bytes, tmp_path: Path) -> list[str]:
    """Every QR code on the first page, read from a 200 dpi picture as a phone camera would see it.

    The page is drawn by pdfium, which Qt's Pdf module (a dependency of the window) carries, so the
    check needs nothing installed beside the project.
    """
    document = QPdfDocument()
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    assert document.status() is QPdfDocument.Status.Ready
    points = document.pagePointSize(0)
    pixels = QSize(round(points.width() * DPI / 72), round(points.height() * DPI / 72))
    page = QImage(pixels, QImage.Format.Format_RGB32)
    page.fill(QColor("white"))  # pdfium leaves the page transparent; paper is white
    painter = QPainter(page)
    painter.drawImage(QPoint(0, 0), document.render(0, pixels))
    painter.end()
    assert page.save(str(tmp_path / "page.png"))  # PNG, by its name
    with Image.open(tmp_path / "page.png") as picture:
        codes = zxingcpp.read_barcodes(picture)
    return [code.text for code in codes if code.format == zxingcpp.BarcodeFormat.QRCode]


def test_an_invoice_paid_by_its_qr_code_is_matched_exactly(
    db: Database, tmp_path: Path, qapp: QApplication
) -> None:
    """``qapp``: Qt draws the page, and it wants an application object first."""
    save_branding(
        db,
        BrandingInput(
            name="Test Co",
            bank_account_name="Test Co GmbH",
            bank_iban="DE89 3704 0044 0532 0130 00",
            bank_bic="COBADEFFXXX",
        ),
    )
    acme = add_client(db, ClientInput("ACME", "Acme Ltd"))
    other = add_client(db, ClientInput("BOLT", "Bolt Ltd"))
    lines = [InvoiceLine("Oak worktop", D(2), D("385.00"), D(19))]
    paid_by_qr = create_invoice(db, InvoiceInput(acme, ISSUE, lines))
    decoy = create_invoice(db, InvoiceInput(other, ISSUE, lines))  # the same amount, another client
    doc = invoice_document(db, paid_by_qr)

    [payload] = decoded_qr_codes(invoice_pdf(db, paid_by_qr), tmp_path)
    elements = payload.split("\n")
    assert elements[:4] == ["BCD", "002", "1", "SCT"]
    assert elements[7] == f"EUR{doc.amount_due:.2f}"
    assert len(elements) == 10  # structured reference, so no unstructured remittance line
    quoted = elements[9]
    assert quoted == creditor_reference(doc.number)

    # The banking app passes the reference on; the bank's file carries it, here in the text.
    credit = BankTransaction(
        reference="2026030900001",
        booked=date(2026, 3, 9),
        amount=D(elements[7].removeprefix("EUR")),
        currency="EUR",
        payer_name="A. N. Other on behalf of Acme",
        text=f"SEPA credit {printed_creditor_reference(quoted)}",
    )
    decoy_doc = invoice_document(db, decoy)
    books = MatchingBooks(
        invoices=(
            OpenItem(paid_by_qr, acme, doc.number, doc.amount_due, doc.due_date),
            OpenItem(decoy, other, decoy_doc.number, decoy_doc.amount_due, decoy_doc.due_date),
        ),
        clients=(ClientIdentity(acme, "Acme Ltd"), ClientIdentity(other, "Bolt Ltd")),
        creditor_references={
            creditor_reference(doc.number): paid_by_qr,
            creditor_reference(decoy_doc.number): decoy,
        },
    )
    [decision] = match_transactions([credit], books, as_of=date(2026, 3, 31))
    assert (decision.outcome, decision.reason, decision.client_id) == (
        Outcome.APPLIED,
        Reason.CREDITOR_REFERENCE,
        acme,
    )
    assert [(a.invoice_id, a.amount) for a in decision.allocations] == [(paid_by_qr, doc.amount_due)]
    assert decision.on_account == 0
