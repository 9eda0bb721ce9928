"""The company logo, decoded once per distinct image however many documents print it."""

from __future__ import annotations

import io
import logging
from functools import lru_cache

from PIL import Image, UnidentifiedImageError
from reportlab.lib.utils import ImageReader

log = logging.getLogger(__name__)

# Enough pixels for a 60 x 25 mm box at 300 dpi; a 4000-pixel upload would only make every PDF heavy.
_MAX_PIXELS = (720, 300)


def logo_image(data: bytes | None) -> ImageReader | None:
    """The logo ready to draw, or None when there is none or it cannot be read (the document still prints)."""
    if not data:
        return None
    return _decode(data)


@lru_cache(maxsize=4)
def _decode(data: bytes) -> ImageReader | None:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = opened.convert("RGBA") if _has_alpha(opened) else opened.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        log.warning("The company logo is not a readable PNG or JPEG image; documents print without it")
        return None
    image.thumbnail(_MAX_PIXELS, Image.Resampling.LANCZOS)
    return ImageReader(image)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
