"""What an import compares a file with: each stored invoice's key and what is owed on it now; each client."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import Connection, Date, bindparam, text

from creditdesk.store.queries._sql import as_date


class StoredInvoice(NamedTuple):
    id: int
    number: str
    source: str  # '' for an invoice made in CreditDesk
    external_key: str
    client_id: int
    status: str
    issue_date: date
    gross: int  # minor units
    owed: int  # gross less everything applied to it, whatever the dates


class StoredClient(NamedTuple):
    id: int
    code: str
    name: str
    email: str


def stored_invoices(conn: Connection) -> list[StoredInvoice]:
    rows = conn.execute(
        text("""
            SELECT i.id, i.number, i.source, i.external_key, i.client_id, i.status, i.issue_date, i.gross,
                   i.gross - COALESCE(applied.total, 0) AS owed
            FROM invoice i
            LEFT JOIN (SELECT a.invoice_id, SUM(a.amount) AS total FROM allocation a GROUP BY a.invoice_id)
                AS applied ON applied.invoice_id = i.id
        """)
    )
    return [
        StoredInvoice(row[0], row[1], row[2], row[3], row[4], row[5], as_date(row[6]), row[7], row[8])
        for row in rows
    ]


def stored_clients(conn: Connection) -> list[StoredClient]:
    return [StoredClient(*row) for row in conn.execute(text("SELECT id, code, name, email FROM client"))]


class BooksMark(NamedTuple):
    """Where the books stood when an import was planned: the newest rows, and the money applied."""

    client: int
    invoice: int
    credit_note: int
    money: tuple[int, int, int, int]  # payments and allocations: how many, and the newest of each


class AddedSince(NamedTuple):
    clients: list[StoredClient]
    invoices: list[tuple[str, str, str]]  # number, source, external key
    credit_notes: list[str]


_MARK = text("""
    SELECT (SELECT COALESCE(MAX(id), 0) FROM client), (SELECT COALESCE(MAX(id), 0) FROM invoice),
           (SELECT COALESCE(MAX(id), 0) FROM credit_note),
           (SELECT COUNT(*) FROM payment), (SELECT COALESCE(MAX(id), 0) FROM payment),
           (SELECT COUNT(*) FROM allocation), (SELECT COALESCE(MAX(id), 0) FROM allocation)
""")


def books_mark(conn: Connection) -> BooksMark:
    row = [int(value) for value in conn.execute(_MARK).one()]
    return BooksMark(row[0], row[1], row[2], (row[3], row[4], row[5], row[6]))


def added_since(conn: Connection, mark: BooksMark) -> AddedSince:
    """The clients, invoices and credit notes written after ``mark`` was taken."""
    clients = [
        StoredClient(*row)
        for row in conn.execute(
            text("SELECT id, code, name, email FROM client WHERE id > :after"), {"after": mark.client}
        )
    ]
    newer_invoices = text("SELECT number, source, external_key FROM invoice WHERE id > :after")
    invoices = [(row[0], row[1], row[2]) for row in conn.execute(newer_invoices, {"after": mark.invoice})]
    credits = [
        row[0]
        for row in conn.execute(
            text("SELECT number FROM credit_note WHERE id > :after"), {"after": mark.credit_note}
        )
    ]
    return AddedSince(clients, invoices, credits)


class StoredClientDetails(NamedTuple):
    """What a client import compares and may bring up to date (never what the user set for chasing)."""

    id: int
    code: str
    name: str
    email: str
    contact_name: str
    phone: str
    address: str
    terms_id: int
    credit_limit: int | None  # minor units


def stored_client_details(conn: Connection) -> list[StoredClientDetails]:
    rows = conn.execute(
        text("SELECT id, code, name, email, contact_name, phone, address, terms_id, credit_limit FROM client")
    )
    return [StoredClientDetails(*row) for row in rows]


class OwedInvoice(NamedTuple):
    """An issued invoice with money still owed on it now, as a payments import applies money to it."""

    id: int
    client_id: int
    number: str
    issue_date: date
    due_date: date
    gross: int  # minor units
    owed: int  # gross less everything applied to it, whatever the dates


class NumberedInvoice(NamedTuple):
    """What a payment naming an invoice by its number needs to know of it."""

    id: int
    number: str
    client_id: int
    status: str


class StoredPayment(NamedTuple):
    """What tells a payment already in the books from a new one: who paid, when, how much, quoting what."""

    client_id: int
    date: date
    amount: int  # minor units
    reference: str


def owed_invoices(conn: Connection) -> list[OwedInvoice]:
    rows = conn.execute(
        text("""
            SELECT i.id, i.client_id, i.number, i.issue_date, i.due_date, i.gross,
                   i.gross - COALESCE(applied.total, 0) AS owed
            FROM invoice i
            LEFT JOIN (SELECT a.invoice_id, SUM(a.amount) AS total FROM allocation a GROUP BY a.invoice_id)
                AS applied ON applied.invoice_id = i.id
            WHERE i.status = 'issued' AND i.gross - COALESCE(applied.total, 0) > 0
        """)
    ).all()  # fetched at once: a whole ledger's open invoices, row by row, cost a third more
    return [
        OwedInvoice(row[0], row[1], row[2], as_date(row[3]), as_date(row[4]), row[5], row[6]) for row in rows
    ]


def numbered_invoices(conn: Connection) -> list[NumberedInvoice]:
    return [
        NumberedInvoice(*row)
        for row in conn.execute(text("SELECT id, number, client_id, status FROM invoice"))
    ]


def stored_payments(conn: Connection, first: date, last: date) -> list[StoredPayment]:
    """The payments dated from ``first`` to ``last``: only those can be a file's payments already recorded."""
    query = text(
        "SELECT p.client_id, p.date, p.amount, p.reference FROM payment p "
        "WHERE p.date BETWEEN :first AND :last"
    ).bindparams(bindparam("first", type_=Date), bindparam("last", type_=Date))
    rows = conn.execute(query, {"first": first, "last": last})
    return [StoredPayment(row[0], as_date(row[1]), row[2], row[3]) for row in rows]
