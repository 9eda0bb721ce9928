"""What bank matching reads from the books, in one pass each, and the bank entries as the user sees them.

Amounts come back as integer minor units; the bank services turn them into Decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import Connection, text

from creditdesk.store.queries._sql import as_date


class OpenForMatching(NamedTuple):
    id: int
    client_id: int
    number: str
    open: int  # minor units, whatever the dates of the money applied
    due_date: date


class PayerOfClient(NamedTuple):
    client_id: int
    iban: str
    name_key: str


class UnlinkedPayment(NamedTuple):
    id: int
    client_id: int
    date: date
    amount: int
    reference: str


class BankEntryRow(NamedTuple):
    id: int
    booked: date
    amount: int
    payer_name: str
    payer_iban: str
    text: str
    status: str
    reason: str
    client_id: int | None
    client_name: str | None
    payment_id: int | None
    invoices: str  # the numbers it pays or would pay, comma-separated, in number order


def open_invoices_for_matching(conn: Connection) -> list[OpenForMatching]:
    """Every issued invoice with money still owed on it now."""
    rows = conn.execute(
        text("""
            SELECT owing.id, owing.client_id, owing.number, owing.gross - owing.applied, owing.due_date
            FROM (
                SELECT i.id, i.client_id, i.number, i.gross, i.due_date,
                       COALESCE((SELECT SUM(a.amount) FROM allocation a WHERE a.invoice_id = i.id), 0)
                           AS applied
                FROM invoice i
                WHERE i.status = 'issued'
            ) AS owing
            WHERE owing.gross > owing.applied
        """)
    )
    return [OpenForMatching(row[0], row[1], row[2], row[3], as_date(row[4])) for row in rows]


def client_names(conn: Connection) -> list[tuple[int, str, str]]:
    """Clients a payment may come from, with their codes (archived ones included: old clients still pay)."""
    return [(row[0], row[1], row[2]) for row in conn.execute(text("SELECT id, name, code FROM client"))]


def known_payers(conn: Connection) -> list[PayerOfClient]:
    rows = conn.execute(text("SELECT client_id, iban, name_key FROM known_payer"))
    return [PayerOfClient(*row) for row in rows]


def unlinked_payments(conn: Connection, start: date, end: date) -> list[UnlinkedPayment]:
    """Payments dated from ``start`` to ``end`` that no bank entry stands for yet."""
    rows = conn.execute(
        text("""
            SELECT p.id, p.client_id, p.date, p.amount, p.reference
            FROM payment p
            WHERE p.date >= :start AND p.date <= :end
              AND NOT EXISTS (SELECT 1 FROM bank_entry b WHERE b.payment_id = p.id)
        """),
        {"start": start.isoformat(), "end": end.isoformat()},
    )
    return [UnlinkedPayment(row[0], row[1], as_date(row[2]), row[3], row[4]) for row in rows]


def known_references(conn: Connection, account: str) -> frozenset[str]:
    """The bank references of an account's entries already read (whatever was done with them)."""
    rows = conn.execute(
        text("SELECT bank_reference FROM bank_entry WHERE account = :account"), {"account": account}
    )
    return frozenset(row[0] for row in rows)


def bank_entries(conn: Connection, statuses: Sequence[str] | None = None) -> list[BankEntryRow]:
    """The entries newest first (all of them, or those of ``statuses``), with their client's name and
    the invoices each pays or would pay."""
    if statuses is not None and not statuses:
        return []
    # No WHERE rather than ":status IS NULL": PostgreSQL cannot type a parameter compared with NULL only.
    params = {f"s{i}": status for i, status in enumerate(statuses or ())}
    where = "" if statuses is None else f"WHERE b.status IN ({', '.join(':' + key for key in params)})"
    rows = conn.execute(
        text(f"""
            SELECT b.id, b.booked, b.amount, b.payer_name, b.payer_iban, b.text, b.status, b.reason,
                   b.client_id, c.name, b.payment_id
            FROM bank_entry b
            LEFT JOIN client c ON c.id = b.client_id
            {where}
            ORDER BY b.booked DESC, b.id DESC
        """),  # noqa: S608 - the WHERE holds only numbered parameter marks
        params,
    ).all()
    numbers: dict[int, list[str]] = {}
    # Only the listed entries' invoices: the waiting few are read after every payment, years of
    # applied entries are not.
    for entry_id, number in conn.execute(
        text(f"""
            SELECT e.bank_entry_id, i.number
            FROM bank_entry_invoice e
            JOIN invoice i ON i.id = e.invoice_id
            JOIN bank_entry b ON b.id = e.bank_entry_id
            {where}
            ORDER BY e.bank_entry_id, i.number
        """),  # noqa: S608 - the WHERE holds only numbered parameter marks
        params,
    ):
        numbers.setdefault(entry_id, []).append(number)
    return [
        BankEntryRow(
            row[0],
            as_date(row[1]),
            row[2],
            row[3],
            row[4],
            row[5],
            row[6],
            row[7],
            row[8],
            row[9],
            row[10],
            ", ".join(numbers.get(row[0], ())),
        )
        for row in rows
    ]


def entries_to_look_at(conn: Connection) -> int:
    """Suggested and unmatched entries: the bank payments waiting for the user."""
    found = conn.execute(
        text("SELECT COUNT(*) FROM bank_entry WHERE status IN ('suggested', 'unmatched')")
    ).scalar_one()
    return int(found)
