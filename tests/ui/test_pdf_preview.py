"""The preview shows the very bytes it was given, saves them unchanged and prints every page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from creditdesk.ui.pdf_preview import PdfPreviewDialog, print_pdf

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def sample_pdf(pages: int = 3) -> bytes:
    """Portrait pages and, last, a landscape one (as a wide report may have)."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for number in range(1, pages + 1):
        if number == pages:
            canvas.setPageSize(landscape(A4))
        canvas.setFont("Helvetica", 24)
        canvas.drawString(72, 500, f"Page {number}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def preview(qtbot: QtBot, pdf: bytes) -> PdfPreviewDialog:
    dialog = PdfPreviewDialog(pdf, "Invoice INV-00001", "Invoice INV-00001.pdf")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_preview_shows_every_page(qtbot: QtBot) -> None:
    dialog = preview(qtbot, sample_pdf(3))
    assert dialog.windowTitle() == "Invoice INV-00001 — Preview"
    assert dialog.page_count == 3
    assert dialog.page_label.text() == "Page 1 of 3"
    assert dialog.view.pageMode() is QPdfView.PageMode.MultiPage
    assert dialog.view.zoomMode() is QPdfView.ZoomMode.FitToWidth and dialog.fit_button.isChecked()
    dialog.zoom_in()
    assert dialog.view.zoomMode() is QPdfView.ZoomMode.Custom and not dialog.fit_button.isChecked()
    zoomed = dialog.view.zoomFactor()
    dialog.zoom_out()
    assert dialog.view.zoomFactor() == pytest.approx(zoomed / 1.25)
    assert dialog.zoom_label.text() == f"{round(dialog.view.zoomFactor() * 100)} %"
    dialog.fit_width()
    assert dialog.fit_button.isChecked()
    dialog.view.pageNavigator().jump(2, dialog.view.pageNavigator().currentLocation())
    assert dialog.page_label.text() == "Page 3 of 3"


def test_save_as_writes_the_same_bytes(qtbot: QtBot, tmp_path: Path) -> None:
    pdf = sample_pdf(2)
    dialog = preview(qtbot, pdf)
    target = tmp_path / "Invoice INV-00001.pdf"
    target.write_bytes(b"an older file")
    assert dialog.save_to(target)
    assert target.read_bytes() == pdf
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no partial file left behind


def test_print_pdf_prints_every_page(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = preview(qtbot, sample_pdf(3))
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert print_pdf(dialog.document, printer) == 3
    reader = PdfReader(out)
    assert len(reader.pages) == 3
    # Printed pages keep the paper's shape: the landscape page was turned, not squeezed.
    assert all(p.mediabox.height > p.mediabox.width for p in reader.pages)


def test_print_pdf_honours_a_page_range(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = preview(qtbot, sample_pdf(3))
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "two.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert print_pdf(dialog.document, printer) == 2
    assert len(PdfReader(tmp_path / "two.pdf").pages) == 2
