"""Where things sit on the paper, in one place.

The client's address must show through the window of an envelope, whichever
paper the company uses:

* A4 folded in three into a DL or C5/6 envelope with a left window (UK/EU):
  the window sits about 20 mm from the left and shows roughly 45-90 mm from the
  top of the sheet.
* US Letter folded in three into a #10 window envelope: the window starts 7/8"
  (22 mm) from the envelope's left edge, the sheet can slide about 6 mm sideways,
  and depending on how far the sheet slips down the window shows about
  52-80 mm from the top of the sheet.

So the address text starts 25 mm from the left edge and at 52 mm from the top,
at most 80 mm wide and (font shrinking to fit) at most 28 mm tall: inside both
windows. The story of page 1 starts at 45 mm, the top of the DL window.
"""

from __future__ import annotations

from reportlab.lib.units import mm

MARGIN_X: float = 20 * mm
LETTERHEAD_TOP: float = 14 * mm  # from the top edge
LETTERHEAD_HEIGHT: float = 25 * mm
LOGO_BOX: tuple[float, float] = (60 * mm, LETTERHEAD_HEIGHT)
FIRST_FRAME_TOP: float = 45 * mm
LATER_FRAME_TOP: float = 27 * mm  # below the "(continued)" line of later pages
REPORT_FRAME_TOP: float = 16 * mm  # documents without a letterhead
FRAME_BOTTOM: float = 20 * mm
FOOTER_BASELINE: float = 11 * mm

ADDRESS_LEFT: float = 25 * mm  # from the left edge of the sheet
ADDRESS_TOP: float = 52 * mm  # from the top edge
ADDRESS_WIDTH: float = 80 * mm
ADDRESS_HEIGHT: float = 28 * mm
