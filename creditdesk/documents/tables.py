"""The ledger-style tables of every document: headings, number columns, rules and zebra rows.

Text that a user typed goes in as Paragraphs (escaped, wrapping); figures go in
as plain strings, which ReportLab draws much faster, in columns measured wide
enough for the widest figure so they never need to wrap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle

from creditdesk.documents.fonts import BOLD, REGULAR, text_width
from creditdesk.documents.styles import (
    CELL_PAD,
    HEAD,
    HEAD_RIGHT,
    HEAD_SIZE,
    INK,
    RULE,
    TABLE_LEADING,
    TABLE_SIZE,
    ZEBRA,
)
from creditdesk.documents.text import escape

Cell = Any  # a str or a Flowable, as ReportLab takes them


def figure_width(
    values: Iterable[str], heading: str = "", *, bold: Iterable[str] = (), size: float = TABLE_SIZE
) -> float:
    """Width of a column of right-aligned figures: the widest figure, or the heading's longest word."""
    widest = max((text_width(value, REGULAR, size) for value in values), default=0.0)
    widest = max(widest, max((text_width(value, BOLD, size) for value in bold), default=0.0))
    words = heading.split()
    widest = max(widest, max((text_width(word, BOLD, HEAD_SIZE) for word in words), default=0.0))
    return widest + 2 * CELL_PAD + 1


def headings(labels: Sequence[str], right_aligned: Iterable[int]) -> list[Paragraph]:
    right = set(right_aligned)
    return [Paragraph(escape(label), HEAD_RIGHT if i in right else HEAD) for i, label in enumerate(labels)]


def ledger_table(
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    accent: colors.Color,
    figures: Iterable[int] = (),
    total_rows: int = 0,
    zebra: bool = True,
    extra: Sequence[tuple[Any, ...]] = (),
    size: float = TABLE_SIZE,
) -> Table:
    """A table whose first row is the heading, repeated on every page; the last ``total_rows`` are totals."""
    style: list[tuple[Any, ...]] = [
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * TABLE_LEADING / TABLE_SIZE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, accent),
    ]
    for column in figures:
        style.append(("ALIGN", (column, 1), (column, -1), "RIGHT"))
    body_end = len(rows) - 1 - total_rows
    if zebra and body_end >= 1:
        style.append(("ROWBACKGROUNDS", (0, 1), (-1, body_end), [colors.white, ZEBRA]))
    elif body_end >= 1:
        style.append(("LINEBELOW", (0, 1), (-1, body_end), 0.25, RULE))
    if total_rows:
        style += [
            ("FONTNAME", (0, -total_rows), (-1, -1), BOLD),
            ("LINEABOVE", (0, -total_rows), (-1, -total_rows), 0.8, INK),
            ("TOPPADDING", (0, -total_rows), (-1, -total_rows), 5),
        ]
    style += list(extra)
    return grid(rows, widths, style, repeat_rows=1)


def side_by_side(cells: Sequence[Cell], widths: Sequence[float]) -> Table:
    """Blocks next to each other, top-aligned, with no padding of their own."""
    return grid([cells], widths, [("VALIGN", (0, 0), (-1, -1), "TOP")], flush=True)


def grid(
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    style: Sequence[tuple[Any, ...]] = (),
    *,
    flush: bool = False,
    align: str = "LEFT",
    repeat_rows: int = 0,
) -> Table:
    """Every table of the documents is made here.

    ReportLab sets each cell's font even when the cell holds only flowables, and
    its default is Helvetica, which must not end up in the PDF. ``flush`` drops
    the cell padding, for tables that only place blocks side by side.
    """
    base: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
    ]
    if flush:
        base += [(side, (0, 0), (-1, -1), 0) for side in _PADDINGS]
    table = Table([list(row) for row in rows], colWidths=list(widths), hAlign=align, repeatRows=repeat_rows)
    table.setStyle(TableStyle([*base, *style]))
    return table


_PADDINGS = ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")
