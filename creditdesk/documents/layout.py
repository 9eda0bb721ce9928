"""The page around every document: size, margins, letterhead, running header, footer, watermark.

Everything drawn around the story happens once the whole document is laid out,
so the footer can say "Page 1 of 3" without laying the document out twice.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from creditdesk import __version__
from creditdesk.documents.blocks import company_details, fit_paragraphs, name_mark
from creditdesk.documents.fonts import BOLD, REGULAR, register_fonts, text_width
from creditdesk.documents.geometry import (
    FIRST_FRAME_TOP,
    FOOTER_BASELINE,
    FRAME_BOTTOM,
    LATER_FRAME_TOP,
    LETTERHEAD_HEIGHT,
    LETTERHEAD_TOP,
    LOGO_BOX,
    MARGIN_X,
    REPORT_FRAME_TOP,
)
from creditdesk.documents.logo import logo_image
from creditdesk.documents.model import Branding, PageSize
from creditdesk.documents.styles import MUTED, RULE, WATERMARK, accent
from creditdesk.documents.text import clip

_LAYOUT_LOCK = threading.Lock()


@dataclass(frozen=True)
class Sheet:
    """What a document prints around its story."""

    branding: Branding
    title: str  # PDF metadata
    identity: str  # footer of every page: which document this page belongs to
    continued: str  # top of pages 2+: "Invoice INV-0042 (continued)"
    letterhead: bool = True
    watermark: str = ""  # across every page, e.g. "DRAFT"
    landscape: bool = False


def page_size(page: PageSize, wide: bool = False) -> tuple[float, float]:
    size = LETTER if page is PageSize.LETTER else A4
    width, height = landscape(size) if wide else size
    return float(width), float(height)


def content_width(page: PageSize, wide: bool = False) -> float:
    return page_size(page, wide)[0] - 2 * MARGIN_X


def render(sheet: Sheet, story: Callable[[], list[Flowable]]) -> bytes:
    """Lay out the flowables ``story`` makes on the company's paper and return the PDF.

    ``story`` is called once the fonts are registered: Paragraphs and widths need them.
    """
    register_fonts()
    width, height = page_size(sheet.branding.page_size, sheet.landscape)
    first_top = FIRST_FRAME_TOP if sheet.letterhead else REPORT_FRAME_TOP

    buffer = io.BytesIO()
    with _LAYOUT_LOCK:  # ReportLab keeps some module-level state; one document is laid out at a time
        _build(buffer, sheet, story, width, height, first_top)
    return buffer.getvalue()


def _build(
    buffer: io.BytesIO,
    sheet: Sheet,
    story: Callable[[], list[Flowable]],
    width: float,
    height: float,
    first_top: float,
) -> None:
    def frame(top: float, name: str) -> Frame:
        return Frame(
            MARGIN_X,
            FRAME_BOTTOM,
            width - 2 * MARGIN_X,
            height - top - FRAME_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=name,
        )

    template = BaseDocTemplate(
        buffer,
        pagesize=(width, height),
        pageTemplates=[
            PageTemplate("first", [frame(first_top, "first")], autoNextPageTemplate="later"),
            PageTemplate("later", [frame(LATER_FRAME_TOP, "later")]),
        ],
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=first_top,
        bottomMargin=FRAME_BOTTOM,
        title=sheet.title,
        author=sheet.branding.name,
        creator=f"CreditDesk {__version__}",
        pageCompression=1,
        initialFontName=REGULAR,
        initialFontSize=9,
    )
    template.build(story(), canvasmaker=partial(_CountingCanvas, decorate=partial(_decorate, sheet)))


class _CountingCanvas(Canvas):
    """Holds finished pages back until the end, when the page count is known, then decorates them."""

    def __init__(self, *args: Any, decorate: Callable[[Canvas, int, int], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decorate = decorate
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        held, total = self._held, len(self._held)
        for number, state in enumerate(held, start=1):
            self.__dict__.update(state)
            self._decorate(self, number, total)
            Canvas.showPage(self)
        Canvas.save(self)


def _decorate(sheet: Sheet, canvas: Canvas, number: int, total: int) -> None:
    width, height = canvas._pagesize
    canvas.saveState()
    if number == 1 and sheet.letterhead:
        _draw_letterhead(canvas, sheet.branding, width, height)
    if number > 1:
        _draw_continued(canvas, sheet, width, height)
    _draw_footer(canvas, sheet, width, number, total)
    if sheet.watermark:
        _draw_watermark(canvas, sheet.watermark, width, height)
    canvas.restoreState()


def _draw_continued(canvas: Canvas, sheet: Sheet, width: float, height: float) -> None:
    baseline = height - 18 * mm
    right_room = (width - 2 * MARGIN_X) * 0.4
    company = clip(sheet.branding.name, REGULAR, 8, right_room)
    canvas.setFont(REGULAR, 8)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(width - MARGIN_X, baseline, company)
    left_room = width - 2 * MARGIN_X - text_width(company, REGULAR, 8) - 6 * mm
    canvas.setFont(BOLD, 9.5)
    canvas.setFillColor(accent(sheet.branding.accent_colour))
    canvas.drawString(MARGIN_X, baseline, clip(sheet.continued, BOLD, 9.5, left_room))
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, baseline - 3 * mm, width - MARGIN_X, baseline - 3 * mm)


def _draw_footer(canvas: Canvas, sheet: Sheet, width: float, number: int, total: int) -> None:
    page = f"Page {number} of {total}"
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, FOOTER_BASELINE + 3.5 * mm, width - MARGIN_X, FOOTER_BASELINE + 3.5 * mm)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 7.5)
    canvas.drawRightString(width - MARGIN_X, FOOTER_BASELINE, page)
    room = width - 2 * MARGIN_X - text_width(page, REGULAR, 7.5) - 8 * mm
    canvas.drawString(MARGIN_X, FOOTER_BASELINE, clip(sheet.identity, REGULAR, 7.5, room))


def _draw_watermark(canvas: Canvas, word: str, width: float, height: float) -> None:
    """Across the page, over the content but faint enough to read through."""
    angle = math.degrees(math.atan2(height, width))
    diagonal = math.hypot(width, height)
    size = min(150.0, 0.6 * diagonal / max(text_width(word, BOLD, 1), 1))
    canvas.saveState()
    canvas.setFillColor(WATERMARK, alpha=0.11)
    canvas.setFont(BOLD, size)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(angle)
    canvas.drawCentredString(0, -size * 0.35, word)
    canvas.restoreState()


def _draw_letterhead(canvas: Canvas, branding: Branding, width: float, height: float) -> None:
    """Logo (or the name as a word mark) on the left, the company's details right-aligned."""
    top = height - LETTERHEAD_TOP
    room = width - 2 * MARGIN_X
    logo = logo_image(branding.logo)
    if logo is not None:
        pixels_w, pixels_h = logo.getSize()
        scale = min(LOGO_BOX[0] / pixels_w, LOGO_BOX[1] / pixels_h)
        logo_w, logo_h = pixels_w * scale, pixels_h * scale
        canvas.drawImage(logo, MARGIN_X, top - logo_h, logo_w, logo_h, mask="auto")
        details_w = room - logo_w - 8 * mm
    else:
        mark, _ = fit_paragraphs(partial(name_mark, branding), room * 0.5, LETTERHEAD_HEIGHT)
        _draw_stack(canvas, mark, MARGIN_X, top, room * 0.5)
        details_w = room * 0.5 - 8 * mm
    details, _ = fit_paragraphs(
        partial(company_details, branding, with_name=logo is not None), details_w, LETTERHEAD_HEIGHT
    )
    _draw_stack(canvas, details, width - MARGIN_X - details_w, top, details_w)


def _draw_stack(canvas: Canvas, paragraphs: list[Paragraph], x: float, top: float, width: float) -> None:
    for paragraph in paragraphs:
        _, h = paragraph.wrap(width, LETTERHEAD_HEIGHT * 4)
        paragraph.drawOn(canvas, x, top - h)
        top -= h
