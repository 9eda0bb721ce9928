"""Queries that must be fast on 200,000 invoices, written as SQL aggregates.

Amounts come back as integer minor units; the services turn them into Decimals.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text

from creditdesk.domain.aging import Basis, bucket_cutoffs
from creditdesk.domain.money import currency_exponent


def company_exponent(conn: Connection) -> int:
    """Decimal places of the company currency (2 for a file with no company yet)."""
    currency = conn.exec_driver_sql("SELECT currency FROM company WHERE id = 1").scalar_one_or_none()
    return currency_exponent(currency) if currency else 2


def _bucket_case(column: str, cutoffs: tuple[date, ...]) -> tuple[str, dict[str, str]]:
    whens = " ".join(f"WHEN {column} > :c{i} THEN {i}" for i in range(len(cutoffs)))
    params = {f"c{i}": cut.isoformat() for i, cut in enumerate(cutoffs)}
    return f"CASE {whens} ELSE {len(cutoffs)} END", params


def aging_sql(as_of: date, basis: Basis) -> tuple[str, dict[str, str]]:
    """One pass over issued invoices: money invoiced and money applied per (client, bucket).

    Allocations count when dated on or before ``as_of``. Shape chosen by
    measurement on 200,000 invoices (``make bench``): a sequential scan of the
    invoice table (NOT INDEXED: the planner otherwise walks the client index
    and fetches every row by rowid), one seek per invoice into the covering
    index on allocation(invoice_id, date, amount), and each sub-query column
    referenced once, because SQLite copies a flattened sub-query's expression
    into every place it is used. Open money is ``invoiced - applied``, worked
    out by the caller, for the same reason.
    """
    column = "i.due_date" if basis is Basis.DUE else "i.issue_date"
    case, params = _bucket_case(column, bucket_cutoffs(as_of, basis))
    sql = f"""
        SELECT client_id, bucket, SUM(gross) AS invoiced, SUM(paid) AS applied
        FROM (
            SELECT i.client_id AS client_id,
                   {case} AS bucket,
                   i.gross AS gross,
                   COALESCE((SELECT SUM(a.amount) FROM allocation AS a
                             WHERE a.invoice_id = i.id AND a.date <= :as_of), 0) AS paid
            FROM invoice AS i NOT INDEXED
            WHERE i.status = 'issued' AND i.issue_date <= :as_of
        )
        GROUP BY client_id, bucket
    """  # noqa: S608 - only bucket numbers and fixed column names are formatted in
    params["as_of"] = as_of.isoformat()
    return sql, params


RECEIVED_SQL = """
    SELECT client_id, SUM(amount) FROM (
        SELECT client_id, amount FROM payment WHERE date <= :as_of
        UNION ALL
        SELECT client_id, amount FROM credit_note WHERE date <= :as_of
    ) GROUP BY client_id
"""


def aging_sums(
    conn: Connection, as_of: date, basis: Basis
) -> tuple[list[tuple[int, int, int]], dict[int, int]]:
    """``(client_id, bucket, open)`` rows and money on account per client, in minor units."""
    sql, params = aging_sql(as_of, basis)
    open_rows: list[tuple[int, int, int]] = []
    applied: dict[int, int] = {}
    for client_id, bucket, invoiced, applied_amount in conn.execute(text(sql), params):
        if invoiced != applied_amount:
            open_rows.append((client_id, bucket, invoiced - applied_amount))
        applied[client_id] = applied.get(client_id, 0) + applied_amount
    received: dict[int, int] = dict(conn.execute(text(RECEIVED_SQL), {"as_of": as_of.isoformat()}).all())
    on_account = {
        client_id: received.get(client_id, 0) - applied.get(client_id, 0)
        for client_id in received.keys() | applied.keys()
    }
    return open_rows, on_account


def client_refs(conn: Connection) -> list[tuple[int, str, str]]:
    return list(conn.execute(text("SELECT id, code, name FROM client")))


def credit_sales(conn: Connection, start: date, end: date) -> int:
    """Gross invoiced in [start, end] (issued invoices), minor units."""
    value = conn.execute(
        text(
            "SELECT COALESCE(SUM(gross), 0) FROM invoice WHERE status = 'issued' "
            "AND issue_date >= :start AND issue_date <= :end"
        ),
        {"start": start.isoformat(), "end": end.isoformat()},
    ).scalar_one()
    return int(value)


def open_invoices_of(conn: Connection, client_id: int) -> list[tuple[int, str, date, date, int]]:
    """Issued invoices of a client with money still owed now: (id, number, issue, due, open)."""
    rows = conn.execute(
        text("""
            SELECT i.id, i.number, i.issue_date, i.due_date,
                   i.gross - COALESCE((SELECT SUM(a.amount) FROM allocation a WHERE a.invoice_id = i.id), 0)
            FROM invoice i
            WHERE i.client_id = :client AND i.status = 'issued'
        """),
        {"client": client_id},
    )
    return [
        (inv_id, number, date.fromisoformat(issue), date.fromisoformat(due), open_amount)
        for inv_id, number, issue, due, open_amount in rows
        if open_amount > 0
    ]
