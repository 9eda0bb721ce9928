"""A reminder or final demand on letterhead; the reminders decide the words, this lays them out."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from creditdesk.documents.blocks import addressing, beside_width, document_heading
from creditdesk.documents.figures import currency_sign
from creditdesk.documents.layout import Sheet, content_width, render
from creditdesk.documents.model import LetterDocument, interest_accrued_line
from creditdesk.documents.styles import (
    CELL,
    CELL_BOLD,
    LETTER_BODY,
    LETTER_LINE,
    LETTER_LINE_BOLD,
    SUBJECT,
    accent,
)
from creditdesk.documents.tables import Cell, figure_width, headings, ledger_table
from creditdesk.documents.text import escape

_SIGNATURE_ROOM = 16 * mm


def render_letter(doc: LetterDocument) -> bytes:
    width = content_width(doc.branding.page_size)
    day = doc.formats.day(doc.letter_date)
    sheet = Sheet(
        branding=doc.branding,
        title=doc.subject or f"Letter to {doc.client.name}",
        identity=f"{doc.client.name} ({doc.client.code}) · {day}",
        continued=f"Letter to {doc.client.name}, {day} (continued)",
    )
    return render(sheet, lambda: _story(doc, width))


def _story(doc: LetterDocument, width: float) -> list[Flowable]:
    facts = [("Date", doc.formats.day(doc.letter_date)), ("Account", doc.client.code)]
    story: list[Flowable] = [
        addressing(
            doc.client, document_heading("", doc.branding.accent_colour, facts, beside_width(width)), width
        ),
        Spacer(1, 12 * mm),
    ]
    if doc.subject.strip():
        story += [Paragraph(escape(doc.subject), SUBJECT), Spacer(1, 5 * mm)]
    if doc.salutation.strip():
        story.append(Paragraph(escape(doc.salutation), LETTER_BODY))
    story += [Paragraph(escape(text), LETTER_BODY) for text in doc.paragraphs if text.strip()]
    if doc.invoices:
        story += [Spacer(1, 2 * mm), _invoices(doc, width), Spacer(1, 6 * mm)]
    if doc.interest_accrued:
        line = interest_accrued_line(doc.formats, doc.interest_accrued)
        story += [Paragraph(escape(line), LETTER_BODY)]
    story += [Paragraph(escape(text), LETTER_BODY) for text in doc.closing_paragraphs if text.strip()]
    story.append(KeepTogether(_signature(doc)))
    return story


def _invoices(doc: LetterDocument, width: float) -> Table:
    formats = doc.formats
    sign = currency_sign(formats)
    labels = ["Invoice", "Issue date", "Due date", f"Amount {sign}", f"Outstanding {sign}", "Days overdue"]
    rows: list[list[Cell]] = [
        [
            Paragraph(escape(invoice.number), CELL),
            formats.day(invoice.issue_date),
            formats.day(invoice.due_date),
            formats.amount(invoice.amount),
            formats.amount(invoice.open_amount),
            str(invoice.days_overdue),
        ]
        for invoice in doc.invoices
    ]
    total_text = formats.amount(doc.total_overdue)
    date_w = figure_width([str(row[1]) for row in rows] + [str(row[2]) for row in rows], labels[1])
    amount_w = max(figure_width([str(row[3]) for row in rows], labels[3]), 24 * mm)
    open_w = max(figure_width([str(row[4]) for row in rows], labels[4], bold=[total_text]), 26 * mm)
    days_w = max(figure_width([str(row[5]) for row in rows], labels[5]), 20 * mm)
    number_w = width - 2 * date_w - amount_w - open_w - days_w
    rows.append([Paragraph("Total outstanding", CELL_BOLD), "", "", "", total_text, ""])
    last = len(rows)
    return ledger_table(
        [headings(labels, right_aligned=(3, 4, 5)), *rows],
        [number_w, date_w, date_w, amount_w, open_w, days_w],
        accent=accent(doc.branding.accent_colour),
        figures=(3, 4, 5),
        total_rows=1,
        extra=[("SPAN", (0, last), (3, last))],
    )


def _signature(doc: LetterDocument) -> list[Flowable]:
    """Sign-off, a blank for the pen, then who signs."""
    signatory = doc.signatory.strip() or doc.branding.signatory.strip()
    block: list[Flowable] = [Spacer(1, 2 * mm)]
    if doc.sign_off.strip():
        block.append(Paragraph(escape(doc.sign_off), LETTER_BODY))
    block.append(Spacer(1, _SIGNATURE_ROOM))
    if signatory:
        block.append(Paragraph(escape(signatory), LETTER_LINE_BOLD))
    if doc.signatory_title.strip():
        block.append(Paragraph(escape(doc.signatory_title), LETTER_LINE))
    block.append(Paragraph(escape(doc.branding.name), LETTER_LINE))
    return block
