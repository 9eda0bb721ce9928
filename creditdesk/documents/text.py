"""User text made safe for ReportLab's Paragraph mini-markup."""

from __future__ import annotations

import re

from creditdesk.documents.fonts import text_width

# Control characters other than tab and line breaks break ReportLab's parser or print as boxes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape(text: str) -> str:
    """Markup-free text as Paragraph markup: ``<b>Bold & Co</b>`` prints literally, newlines break lines."""
    cleaned = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    escaped = cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<br/>".join(line.rstrip() for line in escaped.strip("\n").split("\n"))


def one_line(text: str) -> str:
    """Several typed lines joined into one, for places that have room for a single line."""
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())


def clip(text: str, font: str, size: float, width: float) -> str:
    """Cut a single line drawn straight on the canvas so it never runs past ``width``."""
    if text_width(text, font, size) <= width:
        return text
    while text and text_width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
