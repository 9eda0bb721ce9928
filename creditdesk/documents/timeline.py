"""A client's timeline as a PDF: every contact, reminder and ledger event, for a collection hand-over.

An agency or a court wants to see that the debt was chased fairly and what
was said when; this prints the timeline in date order on the company's
letterhead, addressed like a letter so it files with the statement.
"""

from __future__ import annotations

from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from creditdesk.documents.blocks import addressing, beside_width, document_heading
from creditdesk.documents.layout import Sheet, content_width, render
from creditdesk.documents.model import TimelineDocument
from creditdesk.documents.styles import BODY, CELL, accent
from creditdesk.documents.tables import Cell, figure_width, headings, ledger_table
from creditdesk.documents.text import escape


def _when(doc: TimelineDocument, at: datetime | date) -> str:
    if isinstance(at, datetime):
        return f"{doc.formats.day(at.date())} {at:%H:%M}"
    return doc.formats.day(at)


def render_timeline(doc: TimelineDocument) -> bytes:
    width = content_width(doc.branding.page_size)
    day = doc.formats.day(doc.as_of)
    sheet = Sheet(
        branding=doc.branding,
        title=f"Account history {doc.client.code} {day}",
        identity=f"Account history · {doc.client.name} ({doc.client.code}) · {day}",
        continued=f"Account history of {doc.client.name} (continued)",
    )
    return render(sheet, lambda: _story(doc, width))


def _story(doc: TimelineDocument, width: float) -> list[Flowable]:
    facts = [
        ("Date", doc.formats.day(doc.as_of)),
        ("Account", doc.client.code),
        ("Entries", str(len(doc.entries))),
    ]
    story: list[Flowable] = [
        addressing(
            doc.client,
            document_heading("ACCOUNT HISTORY", doc.branding.accent_colour, facts, beside_width(width)),
            width,
        ),
        Spacer(1, 10 * mm),
    ]
    if not doc.entries:
        story.append(Paragraph("Nothing has been recorded for this account.", BODY))
        return story
    story.append(_table(doc, width))
    return story


def _table(doc: TimelineDocument, width: float) -> Table:
    labels = ["When", "What", "Details"]
    rows: list[list[Cell]] = [
        [_when(doc, e.at), Paragraph(escape(e.label), CELL), Paragraph(escape(e.text), CELL)]
        for e in doc.entries
    ]
    when_w = figure_width([str(r[0]) for r in rows], labels[0])
    what_w = 32 * mm
    return ledger_table(
        [headings(labels, right_aligned=()), *rows],
        [when_w, what_w, width - when_w - what_w],
        accent=accent(doc.branding.accent_colour),
    )
