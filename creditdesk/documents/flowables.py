"""Small flowables the documents need and ReportLab lacks."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable

from creditdesk.documents.fonts import REGULAR
from creditdesk.documents.styles import MUTED


class AtFoot(Flowable):
    """Pins its content to the bottom of the frame it lands in, moving to a new page when there is no room.

    The remittance slip must be tearable from the foot of the last page, however
    long the statement above it runs.
    """

    def __init__(self, content: Flowable) -> None:
        super().__init__()
        self._content = content
        self._content_height = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _, self._content_height = self._content.wrap(avail_width, avail_height)
        self.width = avail_width
        self.height = max(self._content_height, avail_height)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        return []

    def draw(self) -> None:
        self._content.drawOn(self.canv, 0, 0)


class CutLine(Flowable):
    """A dashed line across the page with a short instruction under it."""

    def __init__(self, instruction: str, size: float = 7.5) -> None:
        super().__init__()
        self._instruction = instruction
        self._size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = self._size * 2.6
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.6)
        canvas.setDash(3, 2.5)
        canvas.line(0, self.height, self.width, self.height)
        canvas.setFillColor(MUTED)
        canvas.setFont(REGULAR, self._size)
        canvas.drawCentredString(self.width / 2, self.height - self._size * 1.5, self._instruction)
        canvas.restoreState()
