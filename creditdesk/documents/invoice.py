"""The invoice PDF."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from creditdesk.documents.blocks import addressing, beside_width, document_heading
from creditdesk.documents.figures import currency_sign, quantity, rate, rate_number
from creditdesk.documents.fonts import BOLD
from creditdesk.documents.layout import Sheet, content_width, render
from creditdesk.documents.model import InvoiceDocument
from creditdesk.documents.payment import payment_panel
from creditdesk.documents.styles import BODY, CELL, INK, MUTED, SECTION, accent, tint
from creditdesk.documents.tables import figure_width, grid, headings, ledger_table, side_by_side
from creditdesk.documents.text import escape

_SUMMARY_GAP = 10 * mm


def render_invoice(doc: InvoiceDocument) -> bytes:
    width = content_width(doc.branding.page_size)
    sheet = Sheet(
        branding=doc.branding,
        title=f"Invoice {doc.number}",
        identity=f"Invoice {doc.number} · {doc.client.name}",
        continued=f"Invoice {doc.number} (continued)",
        watermark=doc.watermark.strip(),
    )
    return render(sheet, lambda: _story(doc, width))


def _story(doc: InvoiceDocument, width: float) -> list[Flowable]:
    story: list[Flowable] = [
        addressing(doc.client, _heading(doc, width), width),
        Spacer(1, 10 * mm),
        _lines(doc, width),
        Spacer(1, 5 * mm),
        _summary(doc, width),
        Spacer(1, 7 * mm),
        KeepTogether(
            payment_panel(
                doc.branding,
                doc.formats,
                width=width,
                terms=doc.terms,
                discount=doc.discount,
                reference=doc.payment_reference,
                amount_due=doc.amount_due,
                payable=not doc.watermark.strip(),
                creditor_reference=doc.creditor_reference,
            )
        ),
    ]
    if doc.notes.strip():
        story += [
            Spacer(1, 6 * mm),
            KeepTogether([Paragraph("NOTES", SECTION), Paragraph(escape(doc.notes), BODY)]),
        ]
    return story


def _heading(doc: InvoiceDocument, width: float) -> list[Flowable]:
    days = doc.formats.day
    facts = [
        ("Invoice number", doc.number),
        ("Issue date", days(doc.issue_date)),
        ("Due date", days(doc.due_date)),
    ]
    if doc.reference.strip():
        facts.append(("Your reference", doc.reference))
    facts.append(("Account", doc.client.code))
    return document_heading("INVOICE", doc.branding.accent_colour, facts, beside_width(width))


def _lines(doc: InvoiceDocument, width: float) -> Table:
    formats = doc.formats
    sign = currency_sign(formats)
    labels = ["Description", "Qty", f"Unit price {sign}", "Tax %", f"Amount {sign}"]
    body = [
        [
            Paragraph(escape(line.description), CELL),
            quantity(line.quantity, formats),
            formats.amount(line.unit_price),
            rate_number(line.tax_rate, formats),
            formats.amount(line.net),
        ]
        for line in doc.lines
    ]
    qty_w = max(figure_width((row[1] for row in body), labels[1]), 14 * mm)
    price_w = max(figure_width((row[2] for row in body), labels[2]), 24 * mm)
    tax_w = max(figure_width((row[3] for row in body), labels[3]), 14 * mm)
    amount_w = max(figure_width((row[4] for row in body), labels[4]), 26 * mm)
    description_w = width - qty_w - price_w - tax_w - amount_w
    return ledger_table(
        [headings(labels, right_aligned=(1, 2, 3, 4)), *body],
        [description_w, qty_w, price_w, tax_w, amount_w],
        accent=accent(doc.branding.accent_colour),
        figures=(1, 2, 3, 4),
    )


def _summary(doc: InvoiceDocument, width: float) -> Table:
    """Tax per rate on the left, the totals on the right, kept together on one page."""
    totals, totals_width = _totals(doc)
    left_width = width - totals_width
    left: Flowable = _tax_summary(doc, left_width - _SUMMARY_GAP) if doc.tax_summary else Spacer(1, 1)
    return side_by_side([left, totals], [left_width, totals_width])


def _tax_summary(doc: InvoiceDocument, width: float) -> Table:
    formats = doc.formats
    sign = currency_sign(formats)
    labels = ["Tax rate", f"Net {sign}", f"Tax {sign}"]
    body = [[rate(s.rate, formats), formats.amount(s.net), formats.amount(s.tax)] for s in doc.tax_summary]
    net_w = max(figure_width((row[1] for row in body), labels[1]), 24 * mm)
    tax_w = max(figure_width((row[2] for row in body), labels[2]), 24 * mm)
    rate_w = max(figure_width((row[0] for row in body), labels[0]), 20 * mm)
    return ledger_table(
        [headings(labels, right_aligned=(1, 2)), *body],
        [min(rate_w, width - net_w - tax_w), net_w, tax_w],
        accent=accent(doc.branding.accent_colour),
        figures=(1, 2),
        zebra=False,
    )


def _totals(doc: InvoiceDocument) -> tuple[Table, float]:
    money = doc.formats.money
    rows: list[list[str]] = [
        ["Net total", money(doc.net)],
        ["Tax", money(doc.tax)],
        ["Total", money(doc.gross)],
    ]
    if doc.paid:
        rows.append(["Paid", money(-doc.paid)])
    rows.append(["Amount due", money(doc.amount_due)])
    figure_w = max(figure_width([row[1] for row in rows], bold=[money(doc.amount_due)]) * 1.35, 30 * mm)
    colour = doc.branding.accent_colour
    widths = [34 * mm, figure_w]
    due = len(rows) - 1
    table = grid(
        rows,
        widths,
        [
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
            ("TEXTCOLOR", (1, 0), (1, -1), INK),
            ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("FONTNAME", (0, 2), (-1, 2), BOLD),
            ("TEXTCOLOR", (0, 2), (0, 2), INK),
            ("LINEABOVE", (0, 2), (-1, 2), 0.5, INK),
            ("FONTNAME", (0, due), (-1, due), BOLD),
            ("FONTSIZE", (0, due), (-1, due), 11.5),
            ("TEXTCOLOR", (0, due), (-1, due), accent(colour)),
            ("BACKGROUND", (0, due), (-1, due), tint(colour, 0.1)),
            ("LINEABOVE", (0, due), (-1, due), 1.2, accent(colour)),
            ("TOPPADDING", (0, due), (-1, due), 6),
            ("BOTTOMPADDING", (0, due), (-1, due), 6),
        ],
        align="RIGHT",
    )
    return table, sum(widths)
