"""The aged-debt report and the company's headline figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from creditdesk.domain.aging import AgingReport, Basis, ClientRef, assemble_report
from creditdesk.domain.behaviour import days_sales_outstanding
from creditdesk.domain.money import from_minor
from creditdesk.store.database import Database
from creditdesk.store.queries import aging_sums, client_refs, company_exponent, credit_sales
from creditdesk.store.unit_of_work import UnitOfWork

DSO_PERIOD_DAYS = 90


def run_aging(db: Database, as_of: date, basis: Basis = Basis.DUE) -> AgingReport:
    """Aged debts of every client as of ``as_of``; the one figure the tab, CLI and PDFs share."""
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        exponent = company_exponent(conn)
        open_rows, on_account = aging_sums(conn, as_of, basis)
        clients = {cid: ClientRef(cid, code, name) for cid, code, name in client_refs(conn)}
    return assemble_report(
        as_of,
        basis,
        clients,
        ((cid, bucket, from_minor(amount, exponent)) for cid, bucket, amount in open_rows),
        {cid: from_minor(amount, exponent) for cid, amount in on_account.items()},
    )


@dataclass(frozen=True)
class CompanyFigures:
    outstanding: Decimal
    overdue: Decimal
    dso: Decimal | None


def company_figures(db: Database, as_of: date) -> CompanyFigures:
    """Total owed, total overdue and DSO over the last 90 days, as of a date."""
    report = run_aging(db, as_of, Basis.DUE)
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        exponent = company_exponent(conn)
        sales = from_minor(credit_sales(conn, as_of - timedelta(days=DSO_PERIOD_DAYS - 1), as_of), exponent)
    overdue = sum((row.overdue for row in report.rows), Decimal(0))
    total = report.totals.total
    return CompanyFigures(total, overdue, days_sales_outstanding(total, sales, DSO_PERIOD_DAYS))
