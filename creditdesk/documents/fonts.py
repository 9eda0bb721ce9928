"""The one typeface of every document: Noto Sans, embedded and subset.

ReportLab's built-in Helvetica only covers Latin-1, so "Łódź", "Ελλάδα" or the
rupee sign would print as boxes; Noto Sans covers them. The TTF files are parsed
once per process (a batch of statements must not pay for it per document).
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from creditdesk.resources import resource_path

REGULAR = "NotoSans"
BOLD = "NotoSans-Bold"
ITALIC = "NotoSans-Italic"

_FILES = {REGULAR: "NotoSans-Regular.ttf", BOLD: "NotoSans-Bold.ttf", ITALIC: "NotoSans-Italic.ttf"}
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the family once; safe to call before every document and from worker threads."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, file_name in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file_name))))
        # <b>, <i> and <b><i> in Paragraph markup; there is no bold italic file, bold stands in.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, ITALIC)
        addMapping(REGULAR, 1, 1, BOLD)
        _registered = True


def text_width(text: str, font: str, size: float) -> float:
    """Width in points of one line of text, for sizing number columns and fitting one-liners."""
    return float(pdfmetrics.stringWidth(text, font, size))
