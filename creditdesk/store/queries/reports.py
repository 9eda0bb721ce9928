"""The reports' queries: the aging, the dashboard, the forecast and statements of account.

Queries given the company's ``exponent`` hand money as Decimal (converted here once);
the others return integer minor units.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Connection, text

from creditdesk.domain.aging import Basis, bucket_cutoffs
from creditdesk.store.dialect import Dialect, dialect_of
from creditdesk.store.queries._money import money_reader
from creditdesk.store.queries._sql import as_date, bucket_case
from creditdesk.store.queries.owed import APPLIED_BY_AS_OF, COUNTS_ON_AS_OF


def aging_sql(dialect: Dialect, as_of: date, basis: Basis) -> tuple[str, dict[str, str]]:
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
    case, params = bucket_case(column, bucket_cutoffs(as_of, basis))
    sql = f"""
        SELECT client_id, bucket, SUM(gross) AS invoiced, SUM(paid) AS applied
        FROM (
            SELECT i.client_id AS client_id,
                   {case} AS bucket,
                   i.gross AS gross,
                   {APPLIED_BY_AS_OF} AS paid
            FROM invoice AS i{dialect.full_scan}
            WHERE {COUNTS_ON_AS_OF}
        ) AS owed
        GROUP BY client_id, bucket
    """  # noqa: S608 - only bucket numbers, fixed column names and an index hint are formatted in
    params["as_of"] = as_of.isoformat()
    return sql, params


RECEIVED_SQL = """
    SELECT client_id, SUM(amount) FROM (
        SELECT client_id, amount FROM payment WHERE date <= :as_of
        UNION ALL
        SELECT client_id, amount FROM credit_note WHERE date <= :as_of
    ) AS received GROUP BY client_id
"""


class AgingSum(NamedTuple):
    """Money owed by one client in one aging bucket (never nil)."""

    client_id: int
    bucket: int
    open: Decimal


class AgingSums(NamedTuple):
    open_rows: list[AgingSum]
    on_account: dict[int, Decimal]  # per client: money received and not applied (may be negative)


def aging_sums(conn: Connection, as_of: date, basis: Basis, exponent: int) -> AgingSums:
    """Open money per (client, bucket) and money on account per client.

    Summed in minor units, handed over as Decimal at ``exponent``.
    """
    sql, params = aging_sql(dialect_of(conn), as_of, basis)
    money = money_reader(exponent)
    open_rows: list[AgingSum] = []
    applied: dict[int, int] = {}
    for client_id, bucket, invoiced, applied_amount in conn.execute(text(sql), params):
        if invoiced != applied_amount:
            open_rows.append(AgingSum(client_id, bucket, money(invoiced - applied_amount)))
        applied[client_id] = applied.get(client_id, 0) + applied_amount
    received: dict[int, int] = dict(conn.execute(text(RECEIVED_SQL), {"as_of": as_of.isoformat()}).all())
    on_account = {
        client_id: money(received.get(client_id, 0) - applied.get(client_id, 0))
        for client_id in received.keys() | applied.keys()
    }
    return AgingSums(open_rows, on_account)


def received_by_client(conn: Connection, as_of: date) -> dict[int, int]:
    """Payments and credit notes received by ``as_of`` per client (minor units)."""
    return dict(conn.execute(text(RECEIVED_SQL), {"as_of": as_of.isoformat()}).all())


class ClientRefRow(NamedTuple):
    id: int
    code: str
    name: str


def client_refs(conn: Connection) -> list[ClientRefRow]:
    """Every client's id, code and name."""
    return list(map(ClientRefRow._make, conn.execute(text("SELECT id, code, name FROM client"))))


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


class LedgerInvoiceRow(NamedTuple):
    id: int
    number: str
    issue_date: date
    due_date: date
    gross: Decimal


class LedgerAllocationRow(NamedTuple):
    invoice_id: int
    date: date
    amount: Decimal


class LedgerReceiptRow(NamedTuple):
    kind: str  # 'payment' or 'credit note'
    date: date
    amount: Decimal


class ClientLedger(NamedTuple):
    invoices: list[LedgerInvoiceRow]
    allocations: list[LedgerAllocationRow]
    receipts: list[LedgerReceiptRow]


def client_ledger(conn: Connection, client_id: int, exponent: int) -> ClientLedger:
    """One client's issued invoices, every allocation to its invoices, and its payments and credit notes."""
    money = money_reader(exponent)
    invoices = [
        LedgerInvoiceRow(i, n, as_date(iss), as_date(due), money(g))
        for i, n, iss, due, g in conn.execute(
            text(
                "SELECT id, number, issue_date, due_date, gross FROM invoice "
                "WHERE client_id = :c AND status = 'issued'"
            ),
            {"c": client_id},
        )
    ]
    allocations = [
        LedgerAllocationRow(inv, as_date(d), money(a))
        for inv, d, a in conn.execute(
            text(
                "SELECT a.invoice_id, a.date, a.amount FROM allocation a "
                "JOIN invoice i ON i.id = a.invoice_id WHERE i.client_id = :c"
            ),
            {"c": client_id},
        )
    ]
    receipts = [
        LedgerReceiptRow(k, as_date(d), money(a))
        for k, d, a in conn.execute(
            text(
                "SELECT 'payment', date, amount FROM payment WHERE client_id = :c "
                "UNION ALL SELECT 'credit note', date, amount FROM credit_note WHERE client_id = :c"
            ),
            {"c": client_id},
        )
    ]
    return ClientLedger(invoices, allocations, receipts)


def receivables_at(conn: Connection, day: date) -> int:
    """What all clients owe at the end of ``day``: issued by then less received by then (minor units).

    The aging's grand total for that day, money on account netted off.
    """
    value = conn.execute(
        text(f"""
            SELECT COALESCE((SELECT SUM(gross) FROM invoice{dialect_of(conn).full_scan}
                             WHERE status = 'issued' AND issue_date <= :day), 0)
                 - COALESCE((SELECT SUM(amount) FROM payment WHERE date <= :day), 0)
                 - COALESCE((SELECT SUM(amount) FROM credit_note WHERE date <= :day), 0)
        """),  # noqa: S608 - only an index hint is formatted in
        {"day": day.isoformat()},
    ).scalar_one()
    return int(value)


class PaymentDelay(NamedTuple):
    """How many of a client's payments came ``days_late`` days after the due date (negative: early)."""

    client_id: int
    days_late: int
    payments: int


def payment_delays(conn: Connection, as_of: date) -> list[PaymentDelay]:
    """How late the payments applied by ``as_of`` came, counted per client and number of days.

    Days are negative for early money. Counted in SQL: half as many rows reach Python.
    """
    dialect = dialect_of(conn)
    rows = conn.execute(
        text(f"""
            SELECT i.client_id, {dialect.days_between("a.date", "i.due_date")} AS days, COUNT(*)
            FROM invoice AS i{dialect.full_scan} JOIN allocation AS a ON a.invoice_id = i.id
            WHERE a.payment_id IS NOT NULL AND a.date <= :as_of AND i.status = 'issued'
            GROUP BY i.client_id, days
        """),  # noqa: S608 - only fixed fragments are formatted in
        {"as_of": as_of.isoformat()},
    )
    return list(map(PaymentDelay._make, rows))


def invoice_id_of_number(conn: Connection, number: str) -> int | None:
    value = conn.execute(text("SELECT id FROM invoice WHERE number = :number"), {"number": number}).scalar()
    return None if value is None else int(value)


class Movement(NamedTuple):
    """An issued invoice, a credit note or a payment, as a statement lists it."""

    kind: str  # 'invoice', 'credit-note' or 'payment'
    id: int
    day: date
    number: str  # '' for a payment
    details: str  # an invoice's reference, a credit note's reason, a payment's method
    payer_reference: str  # a payment's reference, else ''
    amount: Decimal
    due_date: date | None  # an invoice's, else None


def client_movements(
    conn: Connection, client_id: int, start: date, end: date, exponent: int
) -> list[Movement]:
    """A client's issued invoices, credit notes and payments dated within [start, end], unsorted.

    Each arm is a seek on an index by client (invoices by client and status),
    so a client with hundreds of invoices costs a few milliseconds.
    """
    rows = conn.execute(
        text("""
            SELECT 'invoice', id, issue_date, number, reference, '', gross, due_date
            FROM invoice
            WHERE client_id = :client AND status = 'issued' AND issue_date BETWEEN :start AND :end
            UNION ALL
            SELECT 'credit-note', id, date, number, reason, '', amount, NULL
            FROM credit_note
            WHERE client_id = :client AND date BETWEEN :start AND :end
            UNION ALL
            SELECT 'payment', id, date, '', method, reference, amount, NULL
            FROM payment
            WHERE client_id = :client AND date BETWEEN :start AND :end
        """),
        {"client": client_id, "start": start.isoformat(), "end": end.isoformat()},
    )
    money = money_reader(exponent)
    return [
        Movement(
            kind,
            rid,
            as_date(day),
            number,
            details,
            ref,
            money(amount),
            None if due is None else as_date(due),
        )
        for kind, rid, day, number, details, ref, amount, due in rows
    ]


class OpenItem(NamedTuple):
    """An invoice with money owed on ``as_of``."""

    id: int
    number: str
    issue_date: date
    due_date: date
    gross: Decimal
    reference: str
    applied: Decimal  # money applied by ``as_of``

    @property
    def open(self) -> Decimal:
        return self.gross - self.applied


def client_open_items(conn: Connection, client_id: int, as_of: date, exponent: int) -> list[OpenItem]:
    """A client's invoices issued by ``as_of`` with money still owed on them that day.

    The aging's reading of the ledger for one client: allocations count when
    dated on or before ``as_of``.
    """
    rows = conn.execute(
        text(f"""
            SELECT i.id, i.number, i.issue_date, i.due_date, i.gross, i.reference,
                   {APPLIED_BY_AS_OF}
            FROM invoice AS i
            WHERE i.client_id = :client AND {COUNTS_ON_AS_OF}
        """),  # noqa: S608 - only the owed-as-of fragments are formatted in
        {"client": client_id, "as_of": as_of.isoformat()},
    )
    money = money_reader(exponent)
    return [
        OpenItem(iid, number, as_date(issue), as_date(due), money(gross), ref, money(applied))
        for iid, number, issue, due, gross, ref, applied in rows
        if gross != applied
    ]


class UnappliedReceipt(NamedTuple):
    """A payment or credit note with money on account on ``as_of``."""

    kind: str  # 'payment' or 'credit-note'
    id: int
    day: date
    number: str  # a credit note's, else ''
    details: str  # a payment's method, a credit note's reason
    payer_reference: str  # a payment's reference, else ''
    amount: Decimal
    applied: Decimal  # applied by ``as_of``

    @property
    def left(self) -> Decimal:
        return self.amount - self.applied


def client_unapplied_on(
    conn: Connection, client_id: int, as_of: date, exponent: int
) -> list[UnappliedReceipt]:
    """A client's payments and credit notes received by ``as_of`` with money not applied by then.

    Together they make the money on account the aging shows for that day: an
    allocation is never dated before the money it comes from.
    """
    rows = conn.execute(
        text("""
            SELECT kind, id, day, number, details, ref, amount, applied FROM (
                SELECT 'payment' AS kind, p.id AS id, p.date AS day, '' AS number,
                       p.method AS details, p.reference AS ref, p.amount AS amount,
                       COALESCE((SELECT SUM(a.amount) FROM allocation AS a
                                 WHERE a.payment_id = p.id AND a.date <= :as_of), 0) AS applied
                FROM payment AS p WHERE p.client_id = :client AND p.date <= :as_of
                UNION ALL
                SELECT 'credit-note', c.id, c.date, c.number, c.reason, '', c.amount,
                       COALESCE((SELECT SUM(a.amount) FROM allocation AS a
                                 WHERE a.credit_note_id = c.id AND a.date <= :as_of), 0)
                FROM credit_note AS c WHERE c.client_id = :client AND c.date <= :as_of
            ) AS receipts
            WHERE amount > applied
        """),
        {"client": client_id, "as_of": as_of.isoformat()},
    )
    money = money_reader(exponent)
    return [
        UnappliedReceipt(kind, rid, as_date(day), number, details, ref, money(amount), money(applied))
        for kind, rid, day, number, details, ref, amount, applied in rows
    ]
