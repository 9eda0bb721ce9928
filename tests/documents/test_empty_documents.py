"""Documents with nothing in their tables still print: a new client, a quiet month."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from creditdesk.documents.aged_debtors import render_aged_debtors
from creditdesk.documents.invoice import render_invoice
from creditdesk.documents.letter import render_letter
from creditdesk.documents.statement import render_statement
from tests.documents.factories import GBP, OPENING, activity_statement, aged_debtors, invoice, letter
from tests.documents.pdfcheck import all_text

ZERO = Decimal(0)


def test_empty_tables_still_print_their_headings_and_totals() -> None:
    empty_invoice = replace(invoice(), lines=(), tax_summary=(), net=ZERO, tax=ZERO, gross=ZERO, paid=ZERO)
    empty_invoice = replace(empty_invoice, amount_due=ZERO)
    assert "Description" in all_text(render_invoice(empty_invoice))

    quiet = activity_statement(0)
    text = all_text(render_statement(quiet))
    assert "Opening balance" in text and "Closing balance" in text and GBP.amount(OPENING) in text

    assert "Dear Ms Kowalska," in all_text(render_letter(replace(letter(), invoices=())))
    assert "Aged debtors" in all_text(render_aged_debtors(aged_debtors(0)))
