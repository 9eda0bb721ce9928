"""Checks that a company file is sound: SQLite's own, then the ledger's rules."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import Connection, text

from creditdesk.domain.invoice import InvoiceLine, invoice_totals
from creditdesk.domain.money import from_minor, to_minor
from creditdesk.domain.ranges import INT64_MAX, MAX_DATE, MIN_DATE, max_minor
from creditdesk.store.queries.company import company_exponent

DATE_RANGE = f"{MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}"

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
    # Values beyond ``domain.ranges``: refused on the way in, but a file written by other means
    # may hold them, and they overflow the reports' sums and date arithmetic.
    (
        "invoice {} has an amount larger than CreditDesk accepts",
        """SELECT number FROM invoice
           WHERE gross > :max_minor OR gross < :min_minor OR net > :max_minor OR net < :min_minor
              OR tax > :max_minor OR tax < :min_minor""",
    ),
    (
        "invoice {} has a line whose unit price is larger than CreditDesk accepts",
        """SELECT DISTINCT i.number FROM invoice i JOIN invoice_line l ON l.invoice_id = i.id
           WHERE l.unit_price > :max_minor OR l.unit_price < :min_minor""",
    ),
    (
        "payment #{} has an amount larger than CreditDesk accepts",
        "SELECT p.id FROM payment p WHERE p.amount > :max_minor OR p.amount < :min_minor",
    ),
    (
        "credit note {} has an amount larger than CreditDesk accepts",
        "SELECT c.number FROM credit_note c WHERE c.amount > :max_minor OR c.amount < :min_minor",
    ),
    (
        "allocation #{} has an amount larger than CreditDesk accepts",
        "SELECT a.id FROM allocation a WHERE a.amount > :max_minor OR a.amount < :min_minor",
    ),
    (
        "invoice {} has an issue or due date outside " + DATE_RANGE,
        """SELECT number FROM invoice
           WHERE issue_date < :min_date OR issue_date > :max_date
              OR due_date < :min_date OR due_date > :max_date""",
    ),
    (
        "payment #{} has a date outside " + DATE_RANGE,
        "SELECT p.id FROM payment p WHERE p.date < :min_date OR p.date > :max_date",
    ),
    (
        "credit note {} has a date outside " + DATE_RANGE,
        "SELECT c.number FROM credit_note c WHERE c.date < :min_date OR c.date > :max_date",
    ),
    (
        "allocation #{} has a date outside " + DATE_RANGE,
        "SELECT a.id FROM allocation a WHERE a.date < :min_date OR a.date > :max_date",
    ),
)

# Columns whose sum a report takes; each total must stay within 64-bit integers.
SUMMED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("the invoices' totals", "SELECT gross FROM invoice"),
    ("the payments", "SELECT amount FROM payment"),
    ("the credit notes", "SELECT amount FROM credit_note"),
    ("the allocations", "SELECT amount FROM allocation"),
)

MAX_LISTED = 20


def sqlite_problems(conn: Connection) -> list[str]:
    problems = [
        f"SQLite integrity: {row}" for (row,) in conn.exec_driver_sql("PRAGMA integrity_check") if row != "ok"
    ]
    for table, rowid, parent, _ in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        problems.append(f"{table} row {rowid} points to a missing {parent} row")
    return problems


def range_parameters(exponent: int) -> dict[str, int | str]:
    """The bounds the range checks compare with: minor units of the company currency, ISO dates."""
    largest = max_minor(exponent)
    return {
        "max_minor": largest,
        "min_minor": -largest,
        "min_date": MIN_DATE.isoformat(),
        "max_date": MAX_DATE.isoformat(),
    }


def ledger_problems(conn: Connection) -> list[str]:
    problems: list[str] = []
    bounds = range_parameters(company_exponent(conn))
    for message, sql in LEDGER_CHECKS:
        params = {name: value for name, value in bounds.items() if f":{name}" in sql}
        found = [row[0] for row in conn.execute(text(sql), params)]
        problems += [message.format(key) for key in found[:MAX_LISTED]]
        if len(found) > MAX_LISTED:
            problems.append(f"... and {len(found) - MAX_LISTED} more like that")
    problems += _sum_problems(conn)
    problems += _line_total_problems(conn)
    return problems


def _sum_problems(conn: Connection) -> list[str]:
    """Totals a report would overflow on (added up here, where Python's integers cannot overflow)."""
    problems: list[str] = []
    for what, sql in SUMMED_COLUMNS:
        total = sum(abs(int(value)) for (value,) in conn.execute(text(sql)) if value is not None)
        if total > INT64_MAX:
            problems.append(f"{what} add up to more than CreditDesk's reports can hold")
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
        try:
            totals = invoice_totals(lines, exponent)
        except ArithmeticError:  # values far beyond the range, reported above
            problems.append(f"invoice {number}'s lines hold amounts too large to add up")
            continue
        if (to_minor(totals.net, exponent), to_minor(totals.tax, exponent)) != (net, tax):
            problems.append(f"invoice {number}'s totals do not match its lines")
            if len(problems) >= MAX_LISTED:
                break
    return problems
