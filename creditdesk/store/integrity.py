"""Checks that a company file is sound: SQLite's own, then the ledger's rules."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import Connection, text

from creditdesk.domain.invoice import InvoiceLine, invoice_totals
from creditdesk.domain.money import from_minor, to_minor
from creditdesk.store.queries import company_exponent

# Each check: what a broken row means to a person, and the SQL that finds such rows
# (first column an identifier people know, such as an invoice number).
LEDGER_CHECKS: tuple[tuple[str, str], ...] = (
    (
        "more money is allocated to invoice {} than its total",
        """SELECT i.number FROM invoice i JOIN allocation a ON a.invoice_id = i.id
           GROUP BY i.id HAVING SUM(a.amount) > i.gross""",
    ),
    (
        "payment #{} is allocated beyond its amount",
        """SELECT p.id FROM payment p JOIN allocation a ON a.payment_id = p.id
           GROUP BY p.id HAVING SUM(a.amount) > p.amount""",
    ),
    (
        "credit note {} is allocated beyond its amount",
        """SELECT c.number FROM credit_note c JOIN allocation a ON a.credit_note_id = c.id
           GROUP BY c.id HAVING SUM(a.amount) > c.amount""",
    ),
    (
        "invoice {} is draft or void but has money allocated to it",
        """SELECT DISTINCT i.number FROM invoice i JOIN allocation a ON a.invoice_id = i.id
           WHERE i.status != 'issued'""",
    ),
    (
        "allocation #{} moves money between two different clients",
        """SELECT a.id FROM allocation a JOIN invoice i ON i.id = a.invoice_id
           LEFT JOIN payment p ON p.id = a.payment_id
           LEFT JOIN credit_note c ON c.id = a.credit_note_id
           WHERE COALESCE(p.client_id, c.client_id) != i.client_id""",
    ),
    (
        "allocation #{} takes effect before its payment, credit note or invoice existed",
        """SELECT a.id FROM allocation a JOIN invoice i ON i.id = a.invoice_id
           LEFT JOIN payment p ON p.id = a.payment_id
           LEFT JOIN credit_note c ON c.id = a.credit_note_id
           WHERE a.date < i.issue_date OR a.date < COALESCE(p.date, c.date)""",
    ),
    (
        "allocation #{} has a zero or negative amount",
        "SELECT id FROM allocation WHERE amount <= 0",
    ),
    (
        "invoice {} has a due date before its issue date",
        "SELECT number FROM invoice WHERE due_date < issue_date",
    ),
    (
        "invoice {}'s gross total is not its net plus tax",
        "SELECT number FROM invoice WHERE gross != net + tax",
    ),
    (
        "credit note {} names an invoice of another client",
        """SELECT c.number FROM credit_note c JOIN invoice i ON i.id = c.invoice_id
           WHERE i.client_id != c.client_id""",
    ),
)

MAX_LISTED = 20


def sqlite_problems(conn: Connection) -> list[str]:
    problems = [
        f"SQLite integrity: {row}" for (row,) in conn.exec_driver_sql("PRAGMA integrity_check") if row != "ok"
    ]
    for table, rowid, parent, _ in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        problems.append(f"{table} row {rowid} points to a missing {parent} row")
    return problems


def ledger_problems(conn: Connection) -> list[str]:
    problems: list[str] = []
    for message, sql in LEDGER_CHECKS:
        found = [row[0] for row in conn.execute(text(sql))]
        problems += [message.format(key) for key in found[:MAX_LISTED]]
        if len(found) > MAX_LISTED:
            problems.append(f"... and {len(found) - MAX_LISTED} more like that")
    problems += _line_total_problems(conn)
    return problems


def _invoice_lines(conn: Connection, exponent: int) -> Iterator[tuple[str, int, int, list[InvoiceLine]]]:
    """(number, net, tax, lines) per invoice, streamed in invoice order."""
    rows = conn.execute(
        text("""SELECT i.id, i.number, i.net, i.tax, l.quantity, l.unit_price, l.tax_rate
                FROM invoice i JOIN invoice_line l ON l.invoice_id = i.id
                ORDER BY i.id, l.position""")
    )
    current: tuple[int, str, int, int] | None = None
    lines: list[InvoiceLine] = []
    for inv_id, number, net, tax, qty, unit, rate in rows:
        if current is not None and current[0] != inv_id:
            yield current[1], current[2], current[3], lines
            lines = []
        current = (inv_id, number, net, tax)
        lines.append(InvoiceLine("", Decimal(qty), from_minor(unit, exponent), Decimal(rate)))
    if current is not None:
        yield current[1], current[2], current[3], lines


def _line_total_problems(conn: Connection) -> list[str]:
    """Stored totals must be what the domain's per-line rounding gives."""
    exponent = company_exponent(conn)
    problems: list[str] = []
    for number, net, tax, lines in _invoice_lines(conn, exponent):
        totals = invoice_totals(lines, exponent)
        if (to_minor(totals.net, exponent), to_minor(totals.tax, exponent)) != (net, tax):
            problems.append(f"invoice {number}'s totals do not match its lines")
            if len(problems) >= MAX_LISTED:
                break
    return problems
