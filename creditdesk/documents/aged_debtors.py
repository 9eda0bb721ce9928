"""The aged debtors report: who owes what, by age of the debt, for the bookkeeper's month end."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from creditdesk.documents.fonts import BOLD, register_fonts
from creditdesk.documents.layout import Sheet, content_width, render
from creditdesk.documents.model import AgedDebtorRow, AgedDebtorsDocument
from creditdesk.documents.styles import BODY, CELL, INK, SMALL, TABLE_LEADING, TABLE_SIZE, accent, title_style
from creditdesk.documents.tables import Cell, figure_width, headings, ledger_table
from creditdesk.documents.text import escape

CLIENT_MIN = 45 * mm  # room for a client's name before it wraps onto a third line
CLIENT_MAX = 85 * mm  # beyond this the figures drift away from the names; they get the room instead
CODE_MAX = 28 * mm
# Portrait at the normal size first; landscape when the figures need it; smaller type only as a last resort.
_CHOICES = ((False, TABLE_SIZE), (True, TABLE_SIZE), (True, 7.5), (True, 6.5))


@dataclass(frozen=True)
class PageFit:
    """The orientation and type size the report's columns fit at, and their widths."""

    landscape: bool
    size: float
    code_width: float
    figure_widths: tuple[float, ...]


def render_aged_debtors(doc: AgedDebtorsDocument) -> bytes:
    day = doc.formats.day(doc.as_of)
    fit = choose_fit(doc)
    sheet = Sheet(
        branding=doc.branding,
        title=f"Aged debtors as of {day}",
        identity=f"Aged debtors · {doc.branding.name} · as of {day}",
        continued=f"Aged debtors as of {day} (continued)",
        letterhead=False,
        landscape=fit.landscape,
    )
    return render(sheet, lambda: _story(doc, fit))


def choose_fit(doc: AgedDebtorsDocument) -> PageFit:
    """Portrait when every column fits at a readable size, measured on the widest formatted figure."""
    register_fonts()
    columns = _figure_columns(doc)
    headings_ = [*doc.bucket_labels, "On account", "Total"]
    codes = [row.code for row in doc.rows]
    for wide, size in _CHOICES:
        figure_widths = tuple(
            figure_width(values, heading, bold=[total], size=size)
            for (values, total), heading in zip(columns, headings_, strict=True)
        )
        code_width = min(figure_width(codes, "Code", size=size), CODE_MAX)
        needed = code_width + CLIENT_MIN + sum(figure_widths)
        if needed <= content_width(doc.branding.page_size, wide):
            return PageFit(wide, size, code_width, figure_widths)
    return PageFit(True, _CHOICES[-1][1], code_width, figure_widths)


def _figure(value: Decimal, doc: AgedDebtorsDocument) -> str:
    """A dash for nothing owed keeps a sparse report readable."""
    return doc.formats.amount(value) if value else "–"


def _cells(row: AgedDebtorRow, doc: AgedDebtorsDocument) -> list[str]:
    return [
        *(_figure(value, doc) for value in row.buckets),
        _figure(row.on_account, doc),
        _figure(row.total, doc),
    ]


def _figure_columns(doc: AgedDebtorsDocument) -> list[tuple[list[str], str]]:
    rows = [_cells(row, doc) for row in doc.rows]
    totals = _cells(doc.totals, doc)
    return [([row[i] for row in rows], totals[i]) for i in range(len(totals))]


def _story(doc: AgedDebtorsDocument, fit: PageFit) -> list[Flowable]:
    colour = doc.branding.accent_colour
    width = content_width(doc.branding.page_size, fit.landscape)
    subtitle = " · ".join(
        part
        for part in (
            f"As of {doc.formats.day(doc.as_of)}",
            escape(doc.basis_label),
            f"amounts in {doc.formats.currency}",
        )
        if part
    )
    return [
        Paragraph("Aged debtors", title_style(colour, 18)),
        Spacer(1, 2),
        Paragraph(f"<b>{escape(doc.branding.name)}</b>", BODY),
        Paragraph(subtitle, SMALL),
        Spacer(1, 6 * mm),
        _table(doc, fit, width),
    ]


def _table(doc: AgedDebtorsDocument, fit: PageFit, width: float) -> Table:
    size = fit.size
    cell = ParagraphStyle(
        f"aged-{size}", parent=CELL, fontSize=size, leading=size * TABLE_LEADING / TABLE_SIZE
    )
    bold = ParagraphStyle(f"aged-bold-{size}", parent=cell, fontName=BOLD)
    labels = ["Code", "Client", *doc.bucket_labels, "On account", "Total"]
    figures = range(2, len(labels))
    rows: list[list[Cell]] = [
        [row.code, Paragraph(escape(row.name), cell), *_cells(row, doc)] for row in doc.rows
    ]
    rows.append(["", Paragraph("Total", bold), *_cells(doc.totals, doc)])
    figure_widths = list(fit.figure_widths)
    client_width = width - fit.code_width - sum(figure_widths)
    if client_width > CLIENT_MAX:
        share = (client_width - CLIENT_MAX) / len(figure_widths)
        figure_widths = [w + share for w in figure_widths]
        client_width = CLIENT_MAX
    last = len(rows)
    return ledger_table(
        [headings(labels, right_aligned=figures), *rows],
        [fit.code_width, client_width, *figure_widths],
        accent=accent(doc.branding.accent_colour),
        figures=figures,
        total_rows=1,
        size=size,
        # Accounts' double rule under the grand total: weight, colour, cap, dash, join, count, space.
        extra=[
            (
                "LINEBELOW",
                (0, last),
                (-1, last),
                0.6,
                INK,
                None,
                None,
                None,
                2,
                1.2,
            )
        ],
    )
