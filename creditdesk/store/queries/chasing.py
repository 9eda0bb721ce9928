"""What reminder planning reads: open invoices to chase, the clients chased, what was sent.

Open invoices' money comes back as Decimal at the company's exponent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Connection, text

from creditdesk.store.dialect import dialect_of
from creditdesk.store.queries._money import money_reader
from creditdesk.store.queries._sql import as_date
from creditdesk.store.queries.owed import APPLIED_BY_AS_OF, COUNTS_ON_AS_OF


class ChaseRow(NamedTuple):
    """An open invoice as reminder planning reads it."""

    id: int
    client_id: int
    number: str
    issue_date: date
    due_date: date
    gross: Decimal
    paid: Decimal  # money applied by ``as_of``
    disputed: bool
    start_stage: int | None  # the stage chasing starts at, when set on the invoice

    @property
    def owed(self) -> Decimal:
        return self.gross - self.paid


def chase_open_invoices(conn: Connection, as_of: date, due_by: date, exponent: int) -> list[ChaseRow]:
    """Issued invoices with money owed on ``as_of`` and due on or before ``due_by``.

    ``due_by`` is ``as_of`` less the earliest stage offset of any schedule: an
    invoice due later cannot be at any stage yet, so it is never read. Open
    money is the aging's (allocations dated on or before ``as_of``), with the
    aging's scan-and-seek shape; the filter on it runs in SQL, so only the
    few thousand open invoices of 200,000 reach Python.
    """
    rows = conn.execute(
        text(f"""
            SELECT id, client_id, number, issue_date, due_date, gross, paid, disputed, chase_start_stage
            FROM (
                SELECT i.id AS id, i.client_id AS client_id, i.number AS number,
                       i.issue_date AS issue_date, i.due_date AS due_date, i.gross AS gross,
                       i.disputed AS disputed, i.chase_start_stage AS chase_start_stage,
                       {APPLIED_BY_AS_OF} AS paid
                FROM invoice AS i{dialect_of(conn).full_scan}
                WHERE {COUNTS_ON_AS_OF} AND i.due_date <= :due_by
            ) AS owing
            WHERE gross > paid
        """),  # noqa: S608 - only the owed-as-of fragments and an index hint are formatted in
        {"as_of": as_of.isoformat(), "due_by": due_by.isoformat()},
    )
    money = money_reader(exponent)
    return [
        ChaseRow(
            iid, cid, number, as_date(issue), as_date(due), money(gross), money(paid), bool(disputed), start
        )
        for iid, cid, number, issue, due, gross, paid, disputed, start in rows
    ]


class ChaseClientRow(NamedTuple):
    """A client as reminder planning reads it."""

    id: int
    code: str
    name: str
    contact_name: str
    email: str
    do_not_chase: bool
    schedule_id: int | None  # its own chasing schedule, else the company's


def chase_clients(conn: Connection) -> list[ChaseClientRow]:
    """Every client as planning sees it, by name (the order a plan is listed in)."""
    rows = conn.execute(
        text(f"""
            SELECT id, code, name, contact_name, email, do_not_chase, chase_schedule_id
            FROM client ORDER BY {dialect_of(conn).caseless("name")}, code
        """)  # noqa: S608 - only the ordering term is formatted in
    )
    return [
        ChaseClientRow(cid, code, name, contact, email, bool(no_chase), schedule_id)
        for cid, code, name, contact, email, no_chase, schedule_id in rows
    ]


class ReminderHistoryRow(NamedTuple):
    """One invoice a reminder covers (``invoice_id`` None for a reminder that covers none)."""

    reminder_id: int
    client_id: int
    stage_key: str
    day: date  # sent on, else planned for
    invoice_id: int | None


def reminder_history(conn: Connection) -> list[ReminderHistoryRow]:
    """Every reminder in the outbox, whatever its status, one row per invoice it covers.

    The day is when it was sent, else when it was planned.
    """
    sent_on = dialect_of(conn).day_of("r.sent_at")
    rows = conn.execute(
        text(f"""
            SELECT r.id, r.client_id, r.stage_key, COALESCE({sent_on}, r.planned_on),
                   ri.invoice_id
            FROM reminder AS r LEFT JOIN reminder_invoice AS ri ON ri.reminder_id = r.id
        """)  # noqa: S608 - only the day of a column is formatted in
    )
    return [
        ReminderHistoryRow(rid, cid, key, as_date(day), invoice_id) for rid, cid, key, day, invoice_id in rows
    ]


def open_invoice_ids_of_handed_over(conn: Connection, as_of: date) -> list[int]:
    """Issued invoices of clients handed over to collection by ``as_of``: nobody chases them any more."""
    rows = conn.execute(
        text("""
            SELECT i.id FROM client AS c JOIN invoice AS i ON i.client_id = c.id
            WHERE c.handed_over_on IS NOT NULL AND c.handed_over_on <= :as_of AND i.status = 'issued'
        """),
        {"as_of": as_of.isoformat()},
    )
    return [iid for (iid,) in rows]
