"""The dashboard beside the aging table: headline figures, DSO over a year, top debtors, cash-in forecast.

Every figure comes from ``services.dashboard`` and ``services.forecast``;
this view only lays them out. Both run together in the background, so the
window stays responsive on a large company file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QModelIndex, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.forecast import Forecast
from creditdesk.domain.formats import Formats
from creditdesk.services.company.company_file import Database
from creditdesk.services.reports.dashboard import Dashboard, Debtor, dashboard
from creditdesk.services.reports.forecast import forecast
from creditdesk.ui.loading import BackgroundLoad
from creditdesk.ui.rows_model import RowsModel
from creditdesk.ui.widgets import LEFT, RIGHT, Index
from creditdesk.ui.workspace import Workspace

DSO_MONTHS = 12
FORECAST_WEEKS = 13
LINE_COLOUR = "#1f4e79"
BAR_COLOUR = "#5b8c5a"
THOUSANDS_FROM = Decimal(10000)  # larger axis figures are shown in thousands, so labels stay short


@dataclass(frozen=True)
class DashboardData:
    """Both halves of the dashboard, fetched in one background run."""

    figures: Dashboard
    forecast: Forecast


def load_dashboard(db: Database, as_of: date) -> DashboardData:
    return DashboardData(dashboard(db, as_of, DSO_MONTHS), forecast(db, as_of, FORECAST_WEEKS))


class DebtorsModel(RowsModel[Debtor]):
    """The ten largest balances, largest first."""

    HEADERS = ("Code", "Client", "Balance", "Overdue")
    CODE, NAME, BALANCE, OVERDUE = range(4)

    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(formats, self.HEADERS, parent)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        money = section in (self.BALANCE, self.OVERDUE)
        if role == Qt.ItemDataRole.DisplayRole:
            header = self.HEADERS[section]
            return f"{header} ({self.formats.currency})" if money else header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if money else LEFT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.CODE:
                return row.code
            if col == self.NAME:
                return row.name
            return self.formats.amount(row.balance if col == self.BALANCE else row.overdue)
        if role == Qt.ItemDataRole.UserRole:
            return row.client_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col in (self.BALANCE, self.OVERDUE) else LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Double-click to open the client"
        return None


def _headline(title: str) -> tuple[QFrame, QLabel, QLabel]:
    """A small card: a caption, a large figure and a line of detail."""
    card = QFrame()
    card.setFrameShape(QFrame.Shape.StyledPanel)
    caption = QLabel(title)
    caption.setStyleSheet("color: #555;")
    figure = QLabel("–")
    font = QFont(figure.font())
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    figure.setFont(font)
    figure.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    detail = QLabel()
    detail.setStyleSheet("color: #555;")
    detail.setWordWrap(True)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(10, 6, 10, 6)
    layout.addWidget(caption)
    layout.addWidget(figure)
    layout.addWidget(detail)
    return card, figure, detail


def _chart() -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().hide()
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)
    return chart, view


def _clear(chart: QChart) -> None:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)


def money_axis(formats: Formats, largest: Decimal) -> tuple[QValueAxis, Decimal]:
    """A value axis for money, and the divisor its figures are drawn at (1 or 1,000)."""
    axis = QValueAxis()
    if largest >= THOUSANDS_FROM:
        axis.setLabelFormat("%.0fk")  # "200k": the suffix says thousands, so the title stays short
        axis.setTitleText(formats.currency)
        return axis, Decimal(1000)
    axis.setLabelFormat("%.0f")
    axis.setTitleText(formats.currency)
    return axis, Decimal(1)


class DashboardView(QWidget):
    """Shown as the Aging tab's "Dashboard" page; ``load`` runs both services for a day."""

    loaded = Signal()  # after every finished background run
    client_chosen = Signal(int)  # a debtor was double-clicked

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.data: DashboardData | None = None
        self._as_of: date | None = None  # the day asked for last; a queued load reads it
        self._load = BackgroundLoad(self, self._start_load, self._on_loaded)

        outstanding_card, self.outstanding_label, self.outstanding_detail = _headline("Total outstanding")
        overdue_card, self.overdue_label, self.overdue_detail = _headline("Overdue share")
        dso_card, self.dso_label, self.dso_detail = _headline("Days sales outstanding (DSO)")
        cash_card, self.cash_label, self.cash_detail = _headline(
            f"Expected in the next {FORECAST_WEEKS} weeks"
        )
        cards = QHBoxLayout()
        for card in (outstanding_card, overdue_card, dso_card, cash_card):
            cards.addWidget(card, 1)

        self.dso_chart, self.dso_view = _chart()
        self.forecast_chart, self.forecast_view = _chart()
        self.later_label = QLabel()
        self.later_label.setWordWrap(True)
        self.later_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.debtors_model = DebtorsModel(workspace.formats, self)
        self.debtors_view = QTableView()
        self.debtors_view.setModel(self.debtors_model)
        self.debtors_view.verticalHeader().hide()
        self.debtors_view.setAlternatingRowColors(True)
        self.debtors_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.debtors_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.debtors_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.debtors_view.setWordWrap(False)
        # Compact rows, so all ten fit beside the DSO chart without a scroll bar.
        self.debtors_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.debtors_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DebtorsModel.NAME, QHeaderView.ResizeMode.Stretch)
        debtors_title = QLabel("<b>Top 10 debtors</b>")

        debtors_box = QVBoxLayout()
        debtors_box.addWidget(debtors_title)
        debtors_box.addWidget(self.debtors_view, 1)
        forecast_box = QVBoxLayout()
        forecast_box.addWidget(self.forecast_view, 1)
        forecast_box.addWidget(self.later_label)

        grid = QGridLayout()
        grid.addWidget(self.dso_view, 0, 0)
        grid.addLayout(debtors_box, 0, 1)
        grid.addLayout(forecast_box, 1, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(cards)
        layout.addLayout(grid, 1)

        self.debtors_view.doubleClicked.connect(self.on_debtors_double_clicked)

    # -- loading -------------------------------------------------------------------------------
    def load(self, as_of: date) -> None:
        """Work the figures out for ``as_of``; a request while one runs waits its turn."""
        self._as_of = as_of
        self._load.request()

    def _start_load(self) -> Callable[[], DashboardData]:
        db, as_of = self.workspace.db, self._as_of
        assert as_of is not None  # set by load before any request
        return lambda: load_dashboard(db, as_of)

    def _on_loaded(self, data: DashboardData) -> None:
        self.data = data
        self._show_headlines(data)
        self.debtors_model.set_rows(data.figures.top_debtors)
        self._show_dso(data.figures)
        self._show_forecast(data.forecast)
        self.loaded.emit()

    # -- drawing -------------------------------------------------------------------------------
    def _show_headlines(self, data: DashboardData) -> None:
        fmt = self.workspace.formats
        figures = data.figures
        self.outstanding_label.setText(fmt.money(figures.outstanding))
        self.outstanding_detail.setText(f"owed to you on {fmt.day(figures.as_of)}")
        if figures.overdue_share is None:
            self.overdue_label.setText("–")
            self.overdue_detail.setText("nothing is owed")
        else:
            self.overdue_label.setText(f"{figures.overdue_share * 100:.1f} %")
            self.overdue_detail.setText(f"{fmt.money(figures.overdue)} is past its due date")
        latest = figures.dso_trend[-1] if figures.dso_trend else None
        if latest is None or latest.dso is None:
            self.dso_label.setText("–")
            self.dso_detail.setText("no credit sales in the last 90 days")
        else:
            self.dso_label.setText(f"{latest.dso:.0f} days")
            self.dso_detail.setText(f"at {fmt.day(latest.month_end)}, over the 90 days before")
        weeks = sum((w.expected for w in data.forecast.weeks), Decimal(0))
        self.cash_label.setText(fmt.money(weeks))
        self.cash_detail.setText(f"and {fmt.money(data.forecast.later)} later")

    def _show_dso(self, figures: Dashboard) -> None:
        chart = self.dso_chart
        _clear(chart)
        points = figures.dso_trend
        if not points:
            chart.setTitle("No months to show")
            return
        series = QLineSeries()
        series.setName("DSO")
        series.setPointsVisible(True)
        pen = QPen(QColor(LINE_COLOUR))
        pen.setWidth(2)
        series.setPen(pen)
        known = [p.dso for p in points if p.dso is not None]
        for index, point in enumerate(points):
            if point.dso is not None:  # a month without credit sales has no DSO: leave a gap in the line
                series.append(QPointF(index, float(point.dso)))  # a picture of the figure, never summed
        chart.addSeries(series)
        months = QBarCategoryAxis()
        months.append([p.month_end.strftime("%b %y") for p in points])
        days = QValueAxis()
        days.setLabelFormat("%.0f")
        days.setTitleText("Days")
        days.setRange(0, float(max(known)) * 1.15 if known else 1.0)
        chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(days, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(months)
        series.attachAxis(days)
        days.applyNiceNumbers()
        chart.setTitle(f"DSO at each month end, last {len(points)} months")

    def _show_forecast(self, result: Forecast) -> None:
        fmt = self.workspace.formats
        chart = self.forecast_chart
        _clear(chart)
        if not result.weeks:
            chart.setTitle("No weeks to show")
            return
        largest = max(w.expected for w in result.weeks)
        values, divisor = money_axis(fmt, largest)
        bars = QBarSet("Expected")
        bars.setColor(QColor(BAR_COLOUR))
        bars.setBorderColor(QColor(BAR_COLOUR))
        bars.append([float(w.expected / divisor) for w in result.weeks])
        series = QBarSeries()
        series.append(bars)
        chart.addSeries(series)
        weeks = QBarCategoryAxis()
        weeks.append([_week_label(w.start, i) for i, w in enumerate(result.weeks)])
        weeks.setTitleText("Week starting")
        chart.addAxis(weeks, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(weeks)
        series.attachAxis(values)
        values.setRange(0, float(largest / divisor) * 1.05 if largest > 0 else 1.0)
        values.applyNiceNumbers()
        chart.setTitle(f"Cash expected in, week by week ({len(result.weeks)} weeks)")
        text = f"Expected after week {len(result.weeks)}: <b>{fmt.money(result.later)}</b>."
        if result.rolled_over > 0:
            text += (
                f" The first week includes {fmt.money(result.rolled_over)} that clients' usual "
                "timing says should already have come in."
            )
        self.later_label.setText(text)

    # -- actions -------------------------------------------------------------------------------
    def on_debtors_double_clicked(self, index: QModelIndex) -> None:
        client_id = self.debtors_model.index(index.row(), 0).data(Qt.ItemDataRole.UserRole)
        if client_id is not None:
            self.client_chosen.emit(int(client_id))


def _week_label(start: date, index: int) -> str:
    """ "This week" for the first (often short) bucket, else the Monday as "30 Nov"."""
    return "This week" if index == 0 else f"{start.day} {start.strftime('%b')}"
