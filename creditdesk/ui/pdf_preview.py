"""Looking at a PDF before it goes out: preview, print, save as.

Documents are made by the services as PDF bytes; this window shows exactly
those bytes, prints them page by page and saves them unchanged, so what is
previewed, printed and saved is one and the same document.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QMargins,
    QObject,
    QPoint,
    QRect,
    QSettings,
    QSize,
    QStandardPaths,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPainter,
    QPalette,
    QShortcut,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import CreditDeskError
from creditdesk.services.company.output_files import write_atomically
from creditdesk.ui.errors import show_error
from creditdesk.ui.workers import run_in_background

ZOOM_STEP = 1.25
ZOOM_RANGE = (0.25, 4.0)
MAX_PRINT_DPI = 300  # sharp on paper; a 1200 dpi page image would take half a gigabyte
FOLDER_KEY = "documents/folder"


# --- printing ---------------------------------------------------------------------------


def print_pdf(document: QPdfDocument, printer: QPrinter) -> int:
    """Print the document's pages (those chosen in the print dialog); returns how many were printed.

    Each page is rendered as an image at the printer's resolution (at most
    300 dpi), turned a quarter if that fits the paper better, scaled to the
    printable area keeping its shape and centred on it.
    """
    count = document.pageCount()
    if document.status() is not QPdfDocument.Status.Ready or count == 0:
        return 0
    first, last = 1, count
    if printer.printRange() is QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = max(1, printer.fromPage()), min(count, printer.toPage() or count)
    painter = QPainter()
    if not painter.begin(printer):
        raise CreditDeskError("The printer could not be started. Check that it is switched on and try again.")
    printed = 0
    try:
        area = QRect(0, 0, printer.width(), printer.height())
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        for page in range(first - 1, last):
            if printed:
                printer.newPage()
            _print_page(painter, document, page, area, dpi)
            printed += 1
    finally:
        painter.end()
    return printed


def _print_page(painter: QPainter, document: QPdfDocument, page: int, area: QRect, dpi: int) -> None:
    points = document.pagePointSize(page)
    width, height = points.width(), points.height()
    turn = (width > height) != (area.width() > area.height()) and width != height
    if turn:
        width, height = height, width
    scale = min(area.width() / width, area.height() / height)
    target = QRect(0, 0, round(width * scale), round(height * scale))
    target.moveCenter(area.center())
    pixels = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    image = QImage(pixels, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))  # pdfium leaves the page transparent; paper is white
    on_image = QPainter(image)
    on_image.drawImage(QPoint(0, 0), document.render(page, pixels))
    on_image.end()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    if turn:  # a landscape page on portrait paper (or the other way): a quarter turn
        painter.translate(target.center())
        painter.rotate(-90)  # the top of the page to the left edge, as printers turn landscape pages
        painter.translate(-target.height() / 2, -target.width() / 2)
        painter.drawImage(QRect(0, 0, target.height(), target.width()), image)
    else:
        painter.drawImage(target, image)
    painter.restore()


# --- the preview window -------------------------------------------------------------------------------


def documents_folder() -> Path:
    """Where documents were last saved, else the user's Documents folder."""
    saved = QSettings().value(FOLDER_KEY)
    if isinstance(saved, str) and Path(saved).is_dir():
        return Path(saved)
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


def remember_documents_folder(folder: Path) -> None:
    """The next save of a document, a statement batch or an export starts in ``folder``."""
    QSettings().setValue(FOLDER_KEY, str(folder))


def ask_pdf_path(parent: QWidget | None, title: str, file_name: str) -> Path | None:
    """Ask where to save a PDF, suggesting ``file_name`` in the last folder used."""
    name, _ = QFileDialog.getSaveFileName(
        parent, title, str(documents_folder() / file_name), "PDF documents (*.pdf)"
    )
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    remember_documents_folder(path.parent)
    return path


class PdfPreviewDialog(QDialog):
    """One document on screen, every page one under another, with Print…, Save as… and Close."""

    def __init__(self, pdf: bytes, title: str, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.file_name = file_name
        self.setWindowTitle(f"{title} — Preview")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        self.setModal(False)

        # The view first: children go in the order they came, so the view lets go of the
        # document before the document (and the buffer it reads from) is deleted.
        self.view = QPdfView(self)
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(16)
        self.view.setDocumentMargins(QMargins(16, 16, 16, 16))
        self.view.viewport().installEventFilter(self)
        palette = self.view.palette()
        palette.setColor(QPalette.ColorRole.Dark, QColor("#8a8a8a"))  # around the pages, so their edges show
        self.view.setPalette(palette)

        self.zoom_out_button = self._tool_button("−", "Zoom out (Ctrl+-)", self.zoom_out)
        self.zoom_in_button = self._tool_button("+", "Zoom in (Ctrl++)", self.zoom_in)
        self.fit_button = self._tool_button(
            "Fit &width", "Make the page as wide as the window", self.fit_width
        )
        self.fit_button.setCheckable(True)
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("400 %") + 8)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_label = QLabel()
        controls = QHBoxLayout()
        controls.setContentsMargins(8, 6, 8, 0)
        controls.addWidget(self.zoom_out_button)
        controls.addWidget(self.zoom_label)
        controls.addWidget(self.zoom_in_button)
        controls.addSpacing(8)
        controls.addWidget(self.fit_button)
        controls.addStretch(1)
        controls.addWidget(self.page_label)

        self.buttons = QDialogButtonBox()
        self.print_button = self.buttons.addButton("&Print…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = self.buttons.addButton("&Save as…", QDialogButtonBox.ButtonRole.ActionRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        assert close is not None
        self.close_button: QPushButton = close
        self.print_button.setToolTip("Print the document (Ctrl+P)")
        self.save_button.setToolTip(f"Save the document as a PDF file, e.g. {file_name} (Ctrl+S)")
        for button in (self.print_button, self.save_button, self.close_button):
            button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.addLayout(controls)
        layout.addWidget(self.view, 1)
        buttons_row = QHBoxLayout()
        buttons_row.setContentsMargins(8, 0, 8, 0)
        buttons_row.addWidget(self.buttons)
        layout.addLayout(buttons_row)

        for keys, slot in (
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            ("Ctrl+=", self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            (QKeySequence.StandardKey.Print, self.on_print_clicked),
            (QKeySequence.StandardKey.Save, self.on_save_clicked),
        ):
            QShortcut(QKeySequence(keys), self, slot)
        self.print_button.clicked.connect(self.on_print_clicked)
        self.save_button.clicked.connect(self.on_save_clicked)
        self.close_button.clicked.connect(self.close)
        self.view.pageNavigator().currentPageChanged.connect(self._update_page_label)
        self.view.zoomFactorChanged.connect(self._update_zoom_label)
        self.view.zoomModeChanged.connect(self._update_zoom_label)

        self._update_page_label()
        self._update_zoom_label()
        self._size_to_screen()
        self.view.setFocus()

    def _tool_button(self, text: str, tip: str, slot: Callable[[], None]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def _size_to_screen(self) -> None:
        screen = (self.parentWidget() or self).screen().availableGeometry()
        self.resize(min(860, screen.width() - 40), min(1000, screen.height() - 60))

    # -- what it shows -------------------------------------------------------------------------
    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def _update_page_label(self) -> None:
        count = self.page_count
        if count == 0:
            self.page_label.setText("This document could not be shown")
            return
        page = self.view.pageNavigator().currentPage() + 1
        self.page_label.setText(f"Page {page} of {count}")

    def zoom(self) -> float:
        """The zoom as shown: QPdfView keeps its zoom factor at 1 while it fits the width."""
        if self.view.zoomMode() is QPdfView.ZoomMode.Custom or self.page_count == 0:
            return self.view.zoomFactor()
        # As QPdfView lays out a page fitted to the width: at 100 % a point is 1/72 of a logical inch.
        page = self.document.pagePointSize(self.view.pageNavigator().currentPage())
        margins = self.view.documentMargins()
        width = self.view.viewport().width() - margins.left() - margins.right()
        dots_per_point = QGuiApplication.primaryScreen().logicalDotsPerInch() / 72
        return max(0.01, width / (page.width() * dots_per_point))

    def _update_zoom_label(self) -> None:
        fit = self.view.zoomMode() is QPdfView.ZoomMode.FitToWidth
        self.fit_button.setChecked(fit)
        self.zoom_label.setText(f"{round(self.zoom() * 100)} %")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._update_zoom_label()  # fitted to the width, the zoom follows the window's size
        return super().eventFilter(watched, event)

    def zoom_in(self) -> None:
        self._zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom(self.zoom() / ZOOM_STEP)

    def _zoom(self, factor: float) -> None:
        low, high = ZOOM_RANGE
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(high, max(low, factor)))
        self._update_zoom_label()

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._update_zoom_label()

    # -- actions -------------------------------------------------------------------------------
    def on_print_clicked(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.file_name)
        printer.setFromTo(1, self.page_count)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print")
        dialog.setMinMax(1, self.page_count)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            print_pdf(self.document, printer)
        except Exception as exc:
            QApplication.restoreOverrideCursor()
            show_error(self, exc)
        else:
            QApplication.restoreOverrideCursor()

    def on_save_clicked(self) -> None:
        path = ask_pdf_path(self, "Save the document as", self.file_name)
        if path is not None:
            self.save_to(path)

    def save_to(self, path: Path) -> bool:
        try:
            write_atomically(path, self.pdf)
        except Exception as exc:
            show_error(self, exc)
            return False
        return True


# --- making a document and showing it -----------------------------------------------------------------


def preview_pdf(
    parent: QWidget,
    make: Callable[[], bytes],
    title: str,
    file_name: str,
    busy: Callable[[bool], None] | None = None,
) -> None:
    """Make a PDF off the GUI thread (``make`` uses its own sessions) and open it in a preview.

    ``busy`` is told when the work starts and ends, so the caller can show it;
    the window stays usable meanwhile. A failure is shown, never swallowed.
    """
    window = parent.window()

    def done(pdf: bytes) -> None:
        _finished(parent, busy)
        dialog = PdfPreviewDialog(pdf, title, file_name, window)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def failed(exc: BaseException) -> None:
        _finished(parent, busy)
        show_error(window, exc)

    _started(parent, busy)
    run_in_background(parent, make, done, failed)


def save_pdf(
    parent: QWidget,
    make: Callable[[], bytes],
    file_name: str,
    saved: Callable[[Path], None],
    busy: Callable[[bool], None] | None = None,
) -> None:
    """Ask where to save, then make the PDF and write it off the GUI thread; ``saved`` gets the path."""
    path = ask_pdf_path(parent, "Save the document as", file_name)
    if path is None:
        return
    target = path

    def work() -> Path:
        write_atomically(target, make())
        return target

    def done(written: Path) -> None:
        _finished(parent, busy)
        saved(written)

    def failed(exc: BaseException) -> None:
        _finished(parent, busy)
        show_error(parent.window(), exc)

    _started(parent, busy)
    run_in_background(parent, work, done, failed)


def _started(parent: QWidget, busy: Callable[[bool], None] | None) -> None:
    parent.setCursor(Qt.CursorShape.BusyCursor)
    if busy is not None:
        busy(True)


def _finished(parent: QWidget, busy: Callable[[bool], None] | None) -> None:
    parent.unsetCursor()
    if busy is not None:
        busy(False)
