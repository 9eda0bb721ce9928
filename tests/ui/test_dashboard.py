"""The dashboard draws the services' figures: DSO month by month, 13 forecast weeks, top debtors."""

from __future__ import annotations

from PySide6.QtCharts import QBarSeries, QLineSeries
from pytestqt.qtbot import QtBot

from creditdesk.services.reports.dashboard import dashboard
from creditdesk.services.reports.forecast import forecast
from creditdesk.ui.reports.aging_tab import AgingTab
from creditdesk.ui.reports.dashboard import DashboardView
from creditdesk.ui.workspace import Workspace


def test_dashboard_shows_the_services_figures(qtbot: QtBot, demo_workspace: Workspace) -> None:
    view = DashboardView(demo_workspace)
    qtbot.addWidget(view)
    today = demo_workspace.today()
    with qtbot.waitSignal(view.loaded, timeout=20000):
        view.load(today)
    figures = dashboard(demo_workspace.db, today)
    expected = forecast(demo_workspace.db, today)
    fmt = demo_workspace.formats

    assert view.outstanding_label.text() == fmt.money(figures.outstanding)
    assert figures.overdue_share is not None
    assert view.overdue_label.text() == f"{figures.overdue_share * 100:.1f} %"
    assert fmt.money(figures.overdue) in view.overdue_detail.text()

    (line,) = view.dso_chart.series()
    assert isinstance(line, QLineSeries)
    known = [p.dso for p in figures.dso_trend if p.dso is not None]
    assert len(figures.dso_trend) == 12
    assert line.count() == len(known) > 0
    assert [round(line.at(i).y(), 6) for i in range(line.count())] == [round(float(d), 6) for d in known]

    (bars,) = view.forecast_chart.series()
    assert isinstance(bars, QBarSeries)
    (bar_set,) = bars.barSets()
    assert bar_set.count() == 13
    assert fmt.money(expected.later) in view.later_label.text()
    weeks = sum((w.expected for w in expected.weeks), figures.outstanding * 0)
    assert view.cash_label.text() == fmt.money(weeks)

    model = view.debtors_model
    assert model.rowCount() == len(figures.top_debtors) == 10
    assert model.index(0, 2).data() == fmt.amount(figures.top_debtors[0].balance)


def test_aging_tab_hosts_the_dashboard_and_opens_a_client(qtbot: QtBot, demo_workspace: Workspace) -> None:
    tab = AgingTab(demo_workspace)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=20000):
        tab.reload()
    assert tab.dashboard.data is None  # not worked out until it is shown
    with qtbot.waitSignal(tab.dashboard.loaded, timeout=20000):
        tab.show_dashboard()
    assert tab.dashboard.data is not None
    first = tab.dashboard.data.figures.top_debtors[0]
    with qtbot.waitSignal(demo_workspace.events.show_client, timeout=2000) as blocker:
        tab.dashboard.on_debtors_double_clicked(tab.dashboard.debtors_model.index(0, 1))
    assert blocker.args == [first.client_id]
