"""Blocks of text several documents share: the sender's details, the addressee, the facts beside it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from functools import lru_cache

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from creditdesk.documents.fonts import BOLD, REGULAR, text_width
from creditdesk.documents.geometry import (
    ADDRESS_HEIGHT,
    ADDRESS_LEFT,
    ADDRESS_TOP,
    ADDRESS_WIDTH,
    FIRST_FRAME_TOP,
    MARGIN_X,
)
from creditdesk.documents.model import Addressee, Branding
from creditdesk.documents.styles import CELL, CELL_BOLD, INK_HEX, MUTED, MUTED_HEX, accent, title_style
from creditdesk.documents.tables import grid
from creditdesk.documents.text import escape

# Tried in turn until a block fits its box; the last one is used even if it does not.
_SCALES = (1.0, 0.94, 0.88, 0.82, 0.76, 0.7)
_BESIDE_GAP = 6.0


def fit_paragraphs(
    build: Callable[[float], list[Paragraph]], width: float, height: float
) -> tuple[list[Paragraph], float]:
    """The paragraphs at the largest scale whose height fits ``height``: long text shrinks, never spills."""
    paragraphs: list[Paragraph] = []
    total = 0.0
    for scale in _SCALES:
        paragraphs = build(scale)
        total = sum(p.wrap(width, 10_000)[1] for p in paragraphs)
        if total <= height:
            break
    return paragraphs, total


@lru_cache(maxsize=256)
def _style(  # the letterhead and address shrink in steps, so a handful of sizes recur
    font: str, size: float, colour: str, align: int = TA_LEFT, leading: float = 1.25
) -> ParagraphStyle:
    return ParagraphStyle(
        f"{font}-{size}-{colour}-{align}",
        fontName=font,
        fontSize=size,
        leading=size * leading,
        textColor=accent(colour),
        alignment=align,
        splitLongWords=1,
    )


def name_mark(branding: Branding, scale: float) -> list[Paragraph]:
    """The company name set large, where a logo would go."""
    return [
        Paragraph(
            escape(branding.name), _style(BOLD, round(17 * scale, 1), branding.accent_colour, leading=1.15)
        )
    ]


def company_details(branding: Branding, scale: float, *, with_name: bool) -> list[Paragraph]:
    size = round(8 * scale, 1)
    lines: list[Paragraph] = []
    if with_name:
        style = _style(BOLD, round(11.5 * scale, 1), branding.accent_colour, TA_RIGHT, 1.3)
        lines.append(Paragraph(escape(branding.name), style))
    body = _style(REGULAR, size, MUTED_HEX, TA_RIGHT, 1.32)
    if branding.address.strip():
        lines.append(Paragraph(escape(branding.address), body))
    contact = " · ".join(escape(part) for part in (branding.phone.strip(), branding.email.strip()) if part)
    if contact:
        lines.append(Paragraph(contact, body))
    if branding.tax_number.strip():
        lines.append(Paragraph(f"Tax no. {escape(branding.tax_number.strip())}", body))
    return lines


def address_block(client: Addressee, scale: float) -> list[Paragraph]:
    size = round(10 * scale, 1)
    plain = _style(REGULAR, size, INK_HEX)
    lines = [Paragraph(escape(client.name), _style(BOLD, size, INK_HEX))]
    if client.contact_name.strip():
        lines.append(Paragraph(f"Attn: {escape(client.contact_name.strip())}", plain))
    if client.address.strip():
        lines.append(Paragraph(escape(client.address), plain))
    return lines


def addressing(client: Addressee, beside: Sequence[Flowable], width: float) -> Table:
    """Page 1's top: the addressee where the envelope window is, the document's own facts to its right.

    The story of page 1 starts at ``FIRST_FRAME_TOP``, so a spacer brings the
    address down to ``ADDRESS_TOP`` and the cell padding moves it to ``ADDRESS_LEFT``.
    """
    indent = ADDRESS_LEFT - MARGIN_X
    left_width = indent + ADDRESS_WIDTH
    address, _ = fit_paragraphs(lambda scale: address_block(client, scale), ADDRESS_WIDTH, ADDRESS_HEIGHT)
    left: list[Flowable] = [Spacer(1, ADDRESS_TOP - FIRST_FRAME_TOP), *address]
    return grid(
        [[left, list(beside)]],
        [left_width, width - left_width],
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (0, 0), indent),
            ("LEFTPADDING", (1, 0), (1, 0), _BESIDE_GAP),
        ],
        flush=True,
    )


def beside_width(width: float) -> float:
    """Room to the right of the address block, for the document's title and facts."""
    return width - (ADDRESS_LEFT - MARGIN_X + ADDRESS_WIDTH) - _BESIDE_GAP


def document_heading(
    title: str, colour: str, facts: Sequence[tuple[str, str]], width: float
) -> list[Flowable]:
    """The title (INVOICE, STATEMENT) over a small table of label and value."""
    flowables: list[Flowable] = []
    if title:
        flowables += [Paragraph(escape(title), title_style(colour, 19)), Spacer(1, 6)]
    else:  # a letter: the date lines up with the top of the address
        flowables.append(Spacer(1, ADDRESS_TOP - FIRST_FRAME_TOP))
    flowables.append(facts_table(facts, width))
    return flowables


def facts_table(facts: Sequence[tuple[str, str]], width: float, *, bold: Collection[str] = ()) -> Table:
    """Label and value pairs; the values named in ``bold`` stand out (the payment reference)."""
    label_width = max((text_width(label, REGULAR, 8) for label, _ in facts), default=0) + 10
    label_width = min(label_width, width * 0.45)
    rows = [[label, Paragraph(escape(value), CELL_BOLD if label in bold else CELL)] for label, value in facts]
    return grid(
        rows,
        [label_width, width - label_width],
        [
            ("FONTSIZE", (0, 0), (0, -1), 8),
            ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
            # The label's 8 pt baseline sits on the value's 8.5 pt one.
            ("TOPPADDING", (0, 0), (0, -1), 1.9),
        ],
        flush=True,
    )
