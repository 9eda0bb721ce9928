"""The dashboard beside the Aging tab: headline figures, DSO month by month, the largest debtors.

Outstanding, overdue and the top debtors come from one due-basis aging, so
they agree with the Aging tab to the cent. DSO uses the same method and
period as ``services.reports.aging.company_figures``; receivables at each month end
are summed in one cheap query (issued less received), which is what the
aging's total comes to, rather than running the whole aging twelve times.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from creditdesk.domain.aging import Basis
from creditdesk.domain.behaviour import days_sales_outstanding
from creditdesk.domain.money import from_minor
from creditdesk.services.reports.aging import DSO_PERIOD_DAYS, run_aging
from creditdesk.store.database import Database
from creditdesk.store.queries.company import company_exponent
from creditdesk.store.queries.reports import credit_sales, receivables_at
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)
TOP_DEBTORS = 10
SHARE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class DsoPoint:
    month_end: date
    receivables: Decimal
    dso: Decimal | None  # None: no credit sales in the 90 days before


@dataclass(frozen=True)
class Debtor:
    client_id: int
    code: str
    name: str
    balance: Decimal
    overdue: Decimal


@dataclass(frozen=True)
class Dashboard:
    as_of: date
    outstanding: Decimal
    overdue: Decimal
    overdue_share: Decimal | None  # 0..1, four places; None when nothing is owed
    dso_trend: tuple[DsoPoint, ...]  # oldest first
    top_debtors: tuple[Debtor, ...]


def month_ends(as_of: date, months: int) -> tuple[date, ...]:
    """The last ``months`` month ends on or before ``as_of``, oldest first."""
    last = as_of.replace(day=calendar.monthrange(as_of.year, as_of.month)[1])
    if last > as_of:
        last = as_of.replace(day=1) - timedelta(days=1)
    ends = [last]
    while len(ends) < months:
        ends.append(ends[-1].replace(day=1) - timedelta(days=1))
    return tuple(reversed(ends))


def dashboard(db: Database, as_of: date, months: int = 12) -> Dashboard:
    report = run_aging(db, as_of, Basis.DUE)
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        exponent = company_exponent(conn)
        trend = []
        for end in month_ends(as_of, months):
            receivables = from_minor(receivables_at(conn, end), exponent)
            sales = from_minor(credit_sales(conn, end - timedelta(days=DSO_PERIOD_DAYS - 1), end), exponent)
            trend.append(
                DsoPoint(end, receivables, days_sales_outstanding(receivables, sales, DSO_PERIOD_DAYS))
            )
    outstanding = report.totals.total
    overdue = sum((row.overdue for row in report.rows), ZERO)
    share = (overdue / outstanding).quantize(SHARE_PLACES, ROUND_HALF_UP) if outstanding > ZERO else None
    debtors = sorted(
        (row for row in report.rows if row.total > ZERO), key=lambda r: (-r.total, r.client_code)
    )
    top = tuple(
        Debtor(row.client_id, row.client_code, row.client_name, row.total, row.overdue)
        for row in debtors[:TOP_DEBTORS]
    )
    return Dashboard(as_of, outstanding, overdue, share, tuple(trend), top)
