"""The dashboard agrees with the Aging tab and with ``company_figures`` month end by month end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from creditdesk.services.reports.aging import company_figures
from creditdesk.services.reports.dashboard import dashboard, month_ends
from creditdesk.store.database import Database
from tests.services.test_forecast_service import AS_OF, build


def test_month_ends() -> None:
    assert month_ends(date(2026, 6, 10), 3) == (date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31))
    assert month_ends(date(2026, 5, 31), 2) == (date(2026, 4, 30), date(2026, 5, 31))


def test_figures_agree_with_the_aging(db: Database) -> None:
    build(db)
    board = dashboard(db, AS_OF)
    figures = company_figures(db, AS_OF)
    assert (
        (board.outstanding, board.overdue)
        == (figures.outstanding, figures.overdue)
        == (D("1695.49"), D("420.00"))
    )
    assert board.overdue_share == D("0.2477")
    assert len(board.dso_trend) == 12
    for point in board.dso_trend:
        again = company_figures(db, point.month_end)
        assert (point.receivables, point.dso) == (again.outstanding, again.dso), point.month_end
    assert [d.code for d in board.top_debtors] == ["SLOW", "FAST", "NEW"]
