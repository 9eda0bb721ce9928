"""The invoice PDF read back: what a client needs to see, on every page it runs to."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from creditdesk.documents.figures import rate
from creditdesk.documents.invoice import render_invoice
from creditdesk.documents.model import PageSize
from tests.documents.factories import BRANDING, EUR, EURO_BRANDING, GBP, invoice
from tests.documents.pdfcheck import all_text, page_texts, qpdf_check, reader, squash


def test_an_invoice_shows_its_facts_totals_tax_summary_and_how_to_pay(tmp_path: Path) -> None:
    doc = invoice()
    pdf = render_invoice(doc)
    text = all_text(pdf)

    for expected in ("INVOICE", doc.number, "2 Mar 2026", "1 Apr 2026", doc.reference, doc.client.code):
        assert expected in text
    for figure in (doc.net, doc.tax, doc.gross, -doc.paid, doc.amount_due):
        assert GBP.money(figure) in text
    for line in doc.tax_summary:
        assert rate(line.rate, GBP) in text
        assert GBP.amount(line.net) in text
        assert GBP.amount(line.tax) in text
    assert f"Amount due {GBP.money(doc.amount_due)}" in squash(text)
    assert "30 days net" in text and doc.discount in text
    assert "20-45-77" in text and "41958823" in text and "Payment reference" in text
    assert "Thank you for your business." in text
    assert "Page 1 of 1" in text
    qpdf_check(pdf, tmp_path)


def test_a_120_line_invoice_runs_over_pages_with_heading_repeated_and_totals_once_at_the_end(
    tmp_path: Path,
) -> None:
    doc = invoice(120)
    pdf = render_invoice(doc)
    pages = page_texts(pdf)
    count = len(pages)

    assert count >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {count}" in text
        if number > 1:
            assert f"Invoice {doc.number} (continued)" in text
        else:
            assert "(continued)" not in text
        if "[line" in text:
            assert "Description" in text and "Unit price £" in text and "Amount £" in text
    everything = squash(" ".join(pages))
    for line in doc.lines:
        assert squash(line.description) in everything
    assert everything.count("Amount due") == 1 and everything.count("Net total") == 1
    assert "Amount due" in pages[-1]
    assert "[line 120]" in squash(pages[-1]) or "[line 120]" in squash(pages[-2])
    qpdf_check(pdf, tmp_path)


def test_a_paid_nothing_invoice_leaves_the_paid_line_out() -> None:
    doc = invoice(paid=invoice().paid * 0)
    text = all_text(render_invoice(doc))
    assert "Paid" not in text.replace("Paid to", "")
    assert GBP.money(doc.amount_due) in text


def test_a_draft_carries_its_watermark_on_every_page() -> None:
    pages = page_texts(render_invoice(invoice(120, watermark="DRAFT")))
    assert all("DRAFT" in text for text in pages)
    assert "DRAFT" not in all_text(render_invoice(invoice()))


def test_letter_paper_is_used_when_the_company_prints_on_it() -> None:
    pdf = render_invoice(invoice(branding=replace(BRANDING, page_size=PageSize.LETTER)))
    box = reader(pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    a4 = reader(render_invoice(invoice())).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)


def test_euro_invoice_with_sepa_bank_details_carries_the_payment_code(tmp_path: Path) -> None:
    pdf = render_invoice(invoice(branding=EURO_BRANDING, formats=EUR))
    text = squash(all_text(pdf))
    assert "Scan with your banking app" in text
    assert "DE89 3704 0044 0532 0130 00" in text and "COBADEFFXXX" in text
    assert EUR.money(invoice(formats=EUR).amount_due).replace("\u00a0", " ") in text
    assert f"Payment reference {invoice().payment_reference}" in text
    qpdf_check(pdf, tmp_path)


def test_no_payment_code_for_pounds_or_when_nothing_is_due() -> None:
    assert "Scan with your banking app" not in all_text(render_invoice(invoice(branding=EURO_BRANDING)))
    settled = invoice(branding=EURO_BRANDING, formats=EUR)
    settled = replace(settled, paid=settled.gross, amount_due=settled.gross * 0)
    assert "Scan with your banking app" not in all_text(render_invoice(settled))


def test_a_draft_or_void_invoice_carries_no_payment_code() -> None:
    for word in ("DRAFT", "VOID"):
        text = squash(all_text(render_invoice(invoice(branding=EURO_BRANDING, formats=EUR, watermark=word))))
        assert "Scan with your banking app" not in text
        assert "DE89 3704 0044 0532 0130 00" in text


def test_the_creditor_reference_is_printed_beside_the_payment_reference() -> None:
    doc = replace(invoice(branding=EURO_BRANDING, formats=EUR), creditor_reference="RF18539007547034")
    text = squash(all_text(render_invoice(doc)))
    assert f"Payment reference {doc.payment_reference}" in text
    assert "Creditor reference RF18 5390 0754 7034" in text
