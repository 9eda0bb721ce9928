"""The aged-debt report and the company's headline figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from creditdesk.domain.aging import (
    AgingReport,
    Basis,
    ClientRef,
    LedgerAllocation,
    LedgerInvoice,
    age_in_days,
    assemble_report,
    bucket_index,
    open_amounts,
)
from creditdesk.domain.allocation import natural_key
from creditdesk.domain.behaviour import days_sales_outstanding
from creditdesk.domain.money import from_minor
from creditdesk.store.database import Database
from creditdesk.store.queries.company import company_exponent
from creditdesk.store.queries.reports import aging_sums, client_ledger, client_refs, credit_sales
from creditdesk.store.unit_of_work import UnitOfWork

DSO_PERIOD_DAYS = 90


def run_aging(db: Database, as_of: date, basis: Basis = Basis.DUE) -> AgingReport:
    """Aged debts of every client as of ``as_of``; the one figure the tab, CLI and PDFs share."""
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        exponent = company_exponent(conn)
        open_rows, on_account = aging_sums(conn, as_of, basis, exponent)
        clients = {c.id: ClientRef(c.id, c.code, c.name) for c in client_refs(conn)}
    return assemble_report(
        as_of,
        basis,
        clients,
        ((row.client_id, row.bucket, row.open) for row in open_rows),
        on_account,
    )


@dataclass(frozen=True)
class CompanyFigures:
    outstanding: Decimal
    overdue: Decimal
    dso: Decimal | None


def company_figures(db: Database, as_of: date, report: AgingReport | None = None) -> CompanyFigures:
    """Total owed, total overdue and DSO over the last 90 days, as of a date.

    ``report`` is the due-basis aging as of the same day, when the caller already has it.
    """
    if report is None:
        report = run_aging(db, as_of, Basis.DUE)
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        exponent = company_exponent(conn)
        sales = from_minor(credit_sales(conn, as_of - timedelta(days=DSO_PERIOD_DAYS - 1), as_of), exponent)
    overdue = sum((row.overdue for row in report.rows), Decimal(0))
    total = report.totals.total
    return CompanyFigures(total, overdue, days_sales_outstanding(total, sales, DSO_PERIOD_DAYS))


@dataclass(frozen=True)
class AgedInvoice:
    """One invoice behind an aging figure."""

    invoice_id: int
    number: str
    issue_date: date
    due_date: date
    gross: Decimal
    open_amount: Decimal
    days: int  # by the report's basis: past due, or since the invoice date
    bucket: int


@dataclass(frozen=True)
class ClientAging:
    invoices: tuple[AgedInvoice, ...]  # open on the day, oldest first
    on_account: Decimal  # money received and not applied, as a positive figure


def client_aging(db: Database, client_id: int, as_of: date, basis: Basis = Basis.DUE) -> ClientAging:
    """The invoices behind one client's row, worked out with the reference rules."""
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        exponent = company_exponent(conn)
        ledger = client_ledger(conn, client_id, exponent)
    invoices = [LedgerInvoice(i.id, client_id, i.issue_date, i.due_date, i.gross) for i in ledger.invoices]
    numbers = {i.id: i.number for i in ledger.invoices}
    allocations = [LedgerAllocation(a.invoice_id, a.date, a.amount) for a in ledger.allocations]
    owed = open_amounts(invoices, allocations, as_of)
    rows = []
    for inv in invoices:
        amount = owed.get(inv.id, Decimal(0))
        if amount == 0:
            continue
        days = age_in_days(as_of, inv.issue_date, inv.due_date, basis)
        rows.append(
            AgedInvoice(
                inv.id,
                numbers[inv.id],
                inv.issue_date,
                inv.due_date,
                inv.gross,
                amount,
                days,
                bucket_index(days, basis),
            )
        )
    rows.sort(key=lambda r: (r.due_date, r.issue_date, natural_key(r.number)))
    received = sum((r.amount for r in ledger.receipts if r.date <= as_of), Decimal(0))
    applied = sum((a.amount for a in allocations if a.date <= as_of), Decimal(0))
    return ClientAging(tuple(rows), received - applied)
