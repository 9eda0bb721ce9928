"""Type sizes, colours and paragraph styles shared by every document.

One restrained palette: near-black text, a grey for labels and rules, and the
company's accent colour only for its name, document titles and key totals.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from creditdesk.documents.fonts import BOLD, REGULAR

INK_HEX = "#1E1E1E"
MUTED_HEX = "#5F6368"
INK = colors.HexColor(INK_HEX)
MUTED = colors.HexColor(MUTED_HEX)
RULE = colors.HexColor("#C5CAD0")
ZEBRA = colors.HexColor("#F3F5F7")
PANEL = colors.HexColor("#F7F8FA")
WATERMARK = colors.HexColor("#B00020")  # drawn faint, across the page
DEFAULT_ACCENT = "#1F4E79"

TABLE_SIZE = 8.5  # body text of tables
TABLE_LEADING = 10.5
HEAD_SIZE = 7.5  # column headings and labels
CELL_PAD = 4.0  # left and right padding of every table cell, in points

_BASE = ParagraphStyle(
    "base",
    fontName=REGULAR,
    fontSize=9,
    leading=12.5,
    textColor=INK,
    bulletFontName=REGULAR,
    splitLongWords=1,
)

BODY = _BASE
BODY_BOLD = ParagraphStyle("body-bold", parent=_BASE, fontName=BOLD)
SMALL = ParagraphStyle("small", parent=_BASE, fontSize=7.5, leading=9.5, textColor=MUTED)
SMALL_CENTRE = ParagraphStyle("small-centre", parent=SMALL, alignment=TA_CENTER)
LABEL = ParagraphStyle("label", parent=_BASE, fontSize=HEAD_SIZE, leading=9.5, textColor=MUTED)
CELL = ParagraphStyle("cell", parent=_BASE, fontSize=TABLE_SIZE, leading=TABLE_LEADING)
CELL_RIGHT = ParagraphStyle("cell-right", parent=CELL, alignment=TA_RIGHT)
CELL_BOLD = ParagraphStyle("cell-bold", parent=CELL, fontName=BOLD)
CELL_MUTED = ParagraphStyle("cell-muted", parent=CELL, fontSize=7.5, leading=9.5, textColor=MUTED)
HEAD = ParagraphStyle("head", parent=_BASE, fontName=BOLD, fontSize=HEAD_SIZE, leading=9, textColor=MUTED)
HEAD_RIGHT = ParagraphStyle("head-right", parent=HEAD, alignment=TA_RIGHT)
SUBJECT = ParagraphStyle("subject", parent=_BASE, fontName=BOLD, fontSize=10.5, leading=14)
LETTER_BODY = ParagraphStyle("letter-body", parent=_BASE, fontSize=10, leading=14, spaceAfter=7)
LETTER_LINE = ParagraphStyle("letter-line", parent=_BASE, fontSize=10, leading=13.5)
LETTER_LINE_BOLD = ParagraphStyle("letter-line-bold", parent=LETTER_LINE, fontName=BOLD)
SECTION = ParagraphStyle(
    "section", parent=_BASE, fontName=BOLD, fontSize=8, leading=11, textColor=MUTED, spaceAfter=3
)


def accent(colour: str) -> colors.Color:
    """The company's colour (or any ``#RRGGBB``), the default accent when the value is not a colour."""
    return _accent(colour)


@lru_cache(maxsize=32)
def _accent(colour: str) -> colors.Color:
    try:
        return colors.HexColor(colour.strip() or DEFAULT_ACCENT)
    except ValueError:
        return colors.HexColor(DEFAULT_ACCENT)


@lru_cache(maxsize=32)
def title_style(colour: str, size: float = 20) -> ParagraphStyle:
    """A document title in the accent colour."""
    return ParagraphStyle(
        f"title-{colour}-{size}",
        parent=_BASE,
        fontName=BOLD,
        fontSize=size,
        leading=size * 1.2,
        textColor=accent(colour),
        alignment=TA_LEFT,
    )


def tint(colour: str, strength: float = 0.1) -> colors.Color:
    """The accent colour washed out towards white, for a quiet background behind a key figure."""
    base = accent(colour)
    return colors.Color(
        1 - (1 - base.red) * strength, 1 - (1 - base.green) * strength, 1 - (1 - base.blue) * strength
    )
