"""The agreed payment plan as a PDF for the client: which invoices, each instalment's date and amount.

Sent with a covering letter, it is the written record of the arrangement,
so it says plainly what happens if an instalment is missed.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from creditdesk.documents.blocks import addressing, beside_width, document_heading
from creditdesk.documents.figures import currency_sign
from creditdesk.documents.layout import Sheet, content_width, render
from creditdesk.documents.model import PlanScheduleDocument
from creditdesk.documents.payment import bank_facts
from creditdesk.documents.styles import BODY, CELL, CELL_BOLD, LETTER_BODY, SECTION, accent
from creditdesk.documents.tables import Cell, figure_width, headings, ledger_table
from creditdesk.documents.text import escape


def render_plan_schedule(doc: PlanScheduleDocument) -> bytes:
    width = content_width(doc.branding.page_size)
    day = doc.formats.day(doc.agreed_on)
    sheet = Sheet(
        branding=doc.branding,
        title=f"Payment plan {doc.plan_number} {doc.client.code}",
        identity=f"Payment plan {doc.plan_number} · {doc.client.name} ({doc.client.code}) · agreed {day}",
        continued=f"Payment plan {doc.plan_number} (continued)",
    )
    return render(sheet, lambda: _story(doc, width))


def _story(doc: PlanScheduleDocument, width: float) -> list[Flowable]:
    formats = doc.formats
    facts = [
        ("Agreed on", formats.day(doc.agreed_on)),
        ("Account", doc.client.code),
        ("Plan", str(doc.plan_number)),
        ("Total", formats.money(doc.total)),
    ]
    count = len(doc.instalments)
    noun = "instalment" if count == 1 else "instalments"
    story: list[Flowable] = [
        addressing(
            doc.client,
            document_heading("PAYMENT PLAN", doc.branding.accent_colour, facts, beside_width(width)),
            width,
        ),
        Spacer(1, 10 * mm),
        Paragraph(
            escape(
                f"As agreed, the balance of {formats.money(doc.total)} on the invoices below is to be "
                f"paid in {count} {doc.frequency} {noun}, on or before the dates shown. Please quote "
                f"{doc.payment_reference} with each payment."
            ),
            LETTER_BODY,
        ),
        Paragraph("Invoices covered", SECTION),
        _invoices(doc, width),
        Spacer(1, 6 * mm),
        Paragraph("Instalments", SECTION),
        _instalments(doc, width),
        Spacer(1, 6 * mm),
        Paragraph(
            escape(
                "While the instalments are paid on time we will not send reminders for these invoices. If an "
                f"instalment is more than {doc.grace_days} days late the plan ends and the whole balance "
                "becomes due."
            ),
            LETTER_BODY,
        ),
    ]
    bank = bank_facts(doc.branding.bank)
    if bank:
        lines = " · ".join(f"{label} {value}" for label, value in bank)
        story.append(KeepTogether([Paragraph("How to pay", SECTION), Paragraph(escape(lines), BODY)]))
    return story


def _invoices(doc: PlanScheduleDocument, width: float) -> Table:
    formats = doc.formats
    sign = currency_sign(formats)
    labels = ["Invoice", "Issue date", "Due date", f"Owed {sign}"]
    rows: list[list[Cell]] = [
        [
            Paragraph(escape(i.number), CELL),
            formats.day(i.issue_date),
            formats.day(i.due_date),
            formats.amount(i.open_amount),
        ]
        for i in doc.invoices
    ]
    date_w = figure_width([str(r[1]) for r in rows] + [str(r[2]) for r in rows], labels[1])
    amount_w = max(figure_width([str(r[3]) for r in rows], labels[3]), 26 * mm)
    return ledger_table(
        [headings(labels, right_aligned=(3,)), *rows],
        [width - 2 * date_w - amount_w, date_w, date_w, amount_w],
        accent=accent(doc.branding.accent_colour),
        figures=(3,),
    )


def _instalments(doc: PlanScheduleDocument, width: float) -> Table:
    formats = doc.formats
    sign = currency_sign(formats)
    labels = ["No.", "Pay by", f"Amount {sign}"]
    rows: list[list[Cell]] = [
        [str(i.number), formats.day(i.due_date), formats.amount(i.amount)] for i in doc.instalments
    ]
    total = formats.amount(doc.total)
    rows.append([Paragraph("Total", CELL_BOLD), "", total])
    number_w = figure_width([str(r[0]) for r in rows[:-1]], labels[0]) + 8 * mm
    amount_w = max(figure_width([str(r[2]) for r in rows], labels[2], bold=[total]), 26 * mm)
    return ledger_table(
        [headings(labels, right_aligned=(2,)), *rows],
        [number_w, width - number_w - amount_w, amount_w],
        accent=accent(doc.branding.accent_colour),
        figures=(2,),
        total_rows=1,
    )
