"""The Aging tab: who owes what, for how long, as of any date; and the dashboard beside the table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.aging import AgingReport, Basis
from creditdesk.domain.ranges import MAX_DATE, MIN_DATE
from creditdesk.services.imports.exporting import export_aging
from creditdesk.services.reports.aged_debtors_print import aged_debtors_pdf
from creditdesk.ui.errors import show_error
from creditdesk.ui.loading import BackgroundLoad
from creditdesk.ui.pdf_preview import documents_folder, preview_pdf, remember_documents_folder
from creditdesk.ui.reports.aging_drill import AgingDrillDialog
from creditdesk.ui.reports.aging_model import AgingModel
from creditdesk.ui.reports.dashboard import DashboardView
from creditdesk.ui.views import FollowsChanges
from creditdesk.ui.widgets import from_qdate, to_qdate
from creditdesk.ui.workers import run_in_background
from creditdesk.ui.workspace import AGING_INPUTS, Workspace

# From "not yet due" to "over 90 days": calm to alarming, readable on white.
BUCKET_COLOURS = ("#5b8c5a", "#e0b03a", "#e07b39", "#d1495b", "#8e1b2e")
CHART_CLIENTS = 10


class AgingTab(FollowsChanges, QWidget):
    loaded = Signal()  # emitted after every finished background run
    status_message = Signal(str)  # a short note for the window's status bar

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model = AgingModel(workspace.formats)
        self._load = BackgroundLoad(self, self._start_load, self._on_loaded, busy=self._show_loading)

        self.as_of_edit = QDateEdit(to_qdate(workspace.today()))
        self.as_of_edit.setDateRange(to_qdate(MIN_DATE), to_qdate(MAX_DATE))
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("d MMM yyyy")
        self.as_of_edit.setToolTip("Age the debts as they stood at the end of this day")
        self.basis_combo = QComboBox()
        self.basis_combo.addItem("Days past due date", Basis.DUE.value)
        self.basis_combo.addItem("Days since invoice date", Basis.INVOICE.value)
        self.today_button = QPushButton("&Today")
        self.export_button = QPushButton("&Export CSV…")
        self.print_button = QPushButton("&Print report…")
        self.print_button.setToolTip(
            "Preview the aged debtors report for this date and basis, to print or save (Ctrl+P)"
        )
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.summary = QLabel()
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        as_of_label = QLabel("&As of")
        as_of_label.setBuddy(self.as_of_edit)
        basis_label = QLabel("&Basis")
        basis_label.setBuddy(self.basis_combo)
        controls = QHBoxLayout()
        for widget in (
            as_of_label,
            self.as_of_edit,
            self.today_button,
            basis_label,
            self.basis_combo,
            self.busy,
        ):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.print_button)
        controls.addWidget(self.export_button)

        self.table_view = QTableView()
        self.table_view.setModel(self.model)
        self.table_view.setSortingEnabled(True)
        self.table_view.setAlternatingRowColors(True)
        self.table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table_view.verticalHeader().hide()
        self.table_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Size columns from the first rows only: measuring thousands of formatted cells takes seconds.
        self.table_view.horizontalHeader().setResizeContentsPrecision(60)
        self.table_view.setWordWrap(False)
        self.table_view.sortByColumn(1, Qt.SortOrder.AscendingOrder)

        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(300)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table_view)
        self.splitter.addWidget(self.chart_view)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)

        # The dashboard shares the date picker; it is worked out only while it is on show.
        self.dashboard = DashboardView(workspace)
        self._dashboard_as_of: date | None = None
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.splitter, "&Debts by client")
        self.pages.addTab(self.dashboard, "Dash&board")

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.pages, 1)
        self.setTabOrder(self.as_of_edit, self.today_button)
        self.setTabOrder(self.today_button, self.basis_combo)
        self.setTabOrder(self.basis_combo, self.print_button)
        self.setTabOrder(self.print_button, self.export_button)
        self.setTabOrder(self.export_button, self.table_view)

        self.as_of_edit.dateChanged.connect(self.reload)
        self.basis_combo.currentIndexChanged.connect(self.reload)
        self.today_button.clicked.connect(self.on_today_clicked)
        self.export_button.clicked.connect(self.on_export_clicked)
        self.print_button.clicked.connect(self.preview_document)
        self.table_view.doubleClicked.connect(self.on_table_double_clicked)
        self.pages.currentChanged.connect(self.on_pages_current_changed)
        self.dashboard.client_chosen.connect(workspace.events.show_client)
        self.follow_changes(workspace, AGING_INPUTS, self.reload)

    # -- state ---------------------------------------------------------------------------------
    @property
    def as_of(self) -> date:
        return from_qdate(self.as_of_edit.date())

    @property
    def basis(self) -> Basis:
        return Basis(self.basis_combo.currentData())

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Run the aging in the background; a request while one runs is queued, not lost."""
        self._load.request()

    def _start_load(self) -> Callable[[], AgingReport]:
        workspace, as_of, basis = self.workspace, self.as_of, self.basis
        self._dashboard_as_of = None  # stale: the books or the date changed
        self.refresh_dashboard()
        return lambda: workspace.aging(as_of, basis)

    def _show_loading(self, loading: bool) -> None:
        self.busy.setVisible(loading)

    def show_dashboard(self) -> None:
        self.pages.setCurrentWidget(self.dashboard)

    def refresh_dashboard(self) -> None:
        """Bring the dashboard up to date, but only when someone is looking at it."""
        if self.pages.currentWidget() is not self.dashboard or self._dashboard_as_of == self.as_of:
            return
        self._dashboard_as_of = self.as_of
        self.dashboard.load(self.as_of)

    def on_pages_current_changed(self, _: int) -> None:
        self.refresh_dashboard()

    def _on_loaded(self, report: AgingReport) -> None:
        first_load = self.model.report is None
        header = self.table_view.horizontalHeader()
        self.model.set_report(report)
        if header.sortIndicatorSection() >= 0:
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        if first_load:
            self.table_view.resizeColumnsToContents()
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._update_summary(report)
        self._update_chart(report)
        self.loaded.emit()

    def _update_summary(self, report: AgingReport) -> None:
        fmt = self.workspace.formats
        owing = sum(1 for r in report.rows if r.total > 0)
        overdue = sum((r.overdue for r in report.rows), Decimal(0))
        text = f"{owing:,} clients owe {fmt.money(report.totals.total)} in all"
        if report.basis is Basis.DUE:
            text += f"; {fmt.money(overdue)} of it is overdue"
        self.summary.setText(text + f" (as of {fmt.day(report.as_of)}).")

    def _update_chart(self, report: AgingReport) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        top = sorted((r for r in report.rows if r.total > 0), key=lambda r: r.total, reverse=True)[
            :CHART_CLIENTS
        ]
        top.reverse()  # the largest balance on top of a horizontal chart
        if not top:  # an empty chart would ask Qt for an axis from NaN to NaN
            self.chart.setTitle("Nobody owes anything as of this date")
            return
        series = QHorizontalStackedBarSeries()
        colours = (
            BUCKET_COLOURS[-len(report.bucket_keys) :] if report.basis is Basis.INVOICE else BUCKET_COLOURS
        )
        for index, title in enumerate(self.model.headers()[2 : 2 + len(report.bucket_keys)]):
            bar = QBarSet(title)
            bar.setColor(QColor(colours[index]))
            bar.setBorderColor(QColor(colours[index]))
            # Qt charts draw with floats; these are pictures of figures, never used for sums.
            bar.append([float(r.buckets[index]) if r.buckets[index] > 0 else 0.0 for r in top])
            series.append(bar)
        self.chart.addSeries(series)
        names = QBarCategoryAxis()
        names.append([_short(r.client_name) for r in top])
        names.setTruncateLabels(False)
        values = QValueAxis()
        values.setLabelFormat("%.0f")
        values.setTitleText(self.workspace.company.currency)
        self.chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(names)
        series.attachAxis(values)
        values.applyNiceNumbers()
        self.chart.setTitle(f"The {len(top)} largest balances by age")

    # -- actions -------------------------------------------------------------------------------
    def on_today_clicked(self) -> None:
        self.as_of_edit.setDate(to_qdate(self.workspace.today()))

    def on_table_double_clicked(self, index: QModelIndex) -> None:
        row = self.model.client_at(index.row())
        if row is None or self.model.report is None:
            return
        bucket = index.column() - 2 if 2 <= index.column() < 2 + len(self.model.bucket_keys) else None
        dialog = AgingDrillDialog(self.workspace, row, self.as_of, self.basis, bucket, self)
        dialog.open()

    def preview_document(self) -> None:
        """The aged debtors report for the date and basis shown (Ctrl+P), with the tab's own figures."""
        workspace, as_of, basis = self.workspace, self.as_of, self.basis
        fmt = workspace.formats
        preview_pdf(
            self,
            lambda: aged_debtors_pdf(workspace.db, as_of, basis, workspace.aging(as_of, basis)),
            f"Aged debtors {fmt.day(as_of)}",
            f"Aged debtors {as_of.isoformat()}.pdf",
            self.busy.setVisible,
        )

    def on_export_clicked(self) -> None:
        suggested = documents_folder() / f"aged-debts-{self.as_of.isoformat()}.csv"
        name, _ = QFileDialog.getSaveFileName(self, "Export aged debts", str(suggested), "CSV files (*.csv)")
        if name:
            remember_documents_folder(Path(name).parent)
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        db, as_of, basis = self.workspace.db, self.as_of, self.basis
        self.busy.show()

        def done(_: object) -> None:
            self.busy.hide()
            self.status_message.emit(f"Aged debts written to {path}")

        def failed(exc: BaseException) -> None:
            self.busy.hide()
            show_error(self, exc)

        run_in_background(self, lambda: export_aging(db, path, as_of, basis), done, failed)


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"
