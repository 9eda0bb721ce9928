"""What an import compares a file with: each stored invoice's key and what is owed on it now; each client."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import Connection, text

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
