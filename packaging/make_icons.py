"""Render the app icon from its SVG sources into every size the three platforms want.

    python packaging/make_icons.py

resources/icons/creditdesk.svg is the icon; creditdesk-small.svg is the same
picture drawn on a 32 px grid for 16 to 32 px, where the big one's thin lines
would blur. Writes creditdesk-<size>.png (Linux hicolor theme, the window),
creditdesk.ico (Windows: the .exe, the installer, shortcuts) and creditdesk.icns
(macOS). The outputs are checked in; run this again after editing an SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PIL import Image

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
SMALL_UP_TO = 32
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(svg: Path, size: int, out: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(out)):  # PNG, from the suffix
        raise SystemExit(f"could not write {out}")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication(sys.argv[:1])
    pngs: dict[int, Path] = {}
    for size in PNG_SIZES:
        source = ICONS / ("creditdesk-small.svg" if size <= SMALL_UP_TO else "creditdesk.svg")
        pngs[size] = ICONS / f"creditdesk-{size}.png"
        render(source, size, pngs[size])
    images = {size: Image.open(path).convert("RGBA") for size, path in pngs.items()}
    # Each size from its own rendering, not scaled down from the biggest.
    largest = images[max(ICO_SIZES)]
    largest.save(
        ICONS / "creditdesk.ico",
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)],
    )
    images[1024].save(
        ICONS / "creditdesk.icns",
        format="ICNS",
        append_images=[images[s] for s in (16, 32, 64, 128, 256, 512)],
    )
    for path in sorted(ICONS.iterdir()):
        print(f"{path.stat().st_size:>9,} B  {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
