"""The 13-week cash-in forecast from each client's own way of paying (``domain.forecast`` decides).

A client's typical delay is the median of the days between due date and
payment over every payment applied to its invoices by the day of the
forecast; a client with no payments yet takes the company's median over
all payments. Every invoice open on the day is placed, so the weeks plus
``later`` add up to what is owed on invoices (money on account aside).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from creditdesk.domain.forecast import DEFAULT_WEEKS, Forecast, ForecastInvoice, cash_forecast, typical_delay
from creditdesk.store.database import Database
from creditdesk.store.queries.chasing import chase_open_invoices
from creditdesk.store.queries.company import company_exponent
from creditdesk.store.queries.reports import PaymentDelay, payment_delays
from creditdesk.store.unit_of_work import UnitOfWork


def typical_delays(db: Database, as_of: date) -> tuple[dict[int, int], int]:
    """(per-client typical delay in days, the company's), from payments applied by ``as_of``."""
    with UnitOfWork(db) as uow:
        rows = payment_delays(uow.session.connection(), as_of)
    return _delays(rows)


def _delays(rows: list[PaymentDelay]) -> tuple[dict[int, int], int]:
    by_client: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_client[row.client_id].extend([row.days_late] * row.payments)
    clients = {cid: delay for cid, days in by_client.items() if (delay := typical_delay(days)) is not None}
    everyone = [day for days in by_client.values() for day in days]
    return clients, typical_delay(everyone) or 0


def forecast(db: Database, as_of: date, weeks: int = DEFAULT_WEEKS) -> Forecast:
    """Expected receipts per week from ``as_of``, for the chart and ``creditdesk forecast``."""
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        exponent = company_exponent(conn)
        delays = payment_delays(conn, as_of)
        open_rows = chase_open_invoices(conn, as_of, date.max, exponent)
    clients, company = _delays(delays)
    invoices = [ForecastInvoice(row.id, row.client_id, row.due_date, row.owed) for row in open_rows]
    return cash_forecast(invoices, clients, company, as_of, weeks)
