"""Queries that must be fast on 200,000 invoices, written as SQL aggregates.

Amounts come back as integer minor units; the services turn them into Decimals.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

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


def client_ledger(
    conn: Connection, client_id: int
) -> tuple[list[tuple[int, str, str, str, int]], list[tuple[int, str, int]], list[tuple[str, str, int]]]:
    """One client's issued invoices, allocations and receipts, for per-client reports.

    Invoices: (id, number, issue, due, gross); allocations: (invoice_id, date, amount);
    receipts: (kind, date, amount) for payments and credit notes. Dates are ISO text.
    """
    invoices = [
        (i, n, iss, due, g)
        for i, n, iss, due, g in conn.execute(
            text(
                "SELECT id, number, issue_date, due_date, gross FROM invoice "
                "WHERE client_id = :c AND status = 'issued'"
            ),
            {"c": client_id},
        )
    ]
    allocations = [
        (inv, d, a)
        for inv, d, a in conn.execute(
            text(
                "SELECT a.invoice_id, a.date, a.amount FROM allocation a "
                "JOIN invoice i ON i.id = a.invoice_id WHERE i.client_id = :c"
            ),
            {"c": client_id},
        )
    ]
    receipts = [
        (k, d, a)
        for k, d, a in conn.execute(
            text(
                "SELECT 'payment', date, amount FROM payment WHERE client_id = :c "
                "UNION ALL SELECT 'credit note', date, amount FROM credit_note WHERE client_id = :c"
            ),
            {"c": client_id},
        )
    ]
    return invoices, allocations, receipts


# --- the Clients tab: the list and one client's detail ------------------------------------------

LEDGER_ACTIVITY_KINDS = ("invoice", "payment", "credit_note")  # already shown from the ledger itself
CONTACT_ACTIVITY_KINDS = ("note", "call", "email", "meeting")  # what counts as "last contact"


def _day(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _moment(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def client_list(conn: Connection) -> list[tuple[int, str, str, str, int | None, bool, bool, bool, str]]:
    """Every client with the columns of the list:
    (id, code, name, email, credit limit, on hold, do not chase, archived, terms name)."""
    rows = conn.execute(
        text("""
            SELECT c.id, c.code, c.name, c.email, c.credit_limit,
                   c.on_hold, c.do_not_chase, c.archived, t.name
            FROM client AS c JOIN payment_terms AS t ON t.id = c.terms_id
        """)
    )
    return [
        (cid, code, name, email, limit, bool(hold), bool(no_chase), bool(archived), terms)
        for cid, code, name, email, limit, hold, no_chase, archived, terms in rows
    ]


def oldest_overdue_due_dates(conn: Connection, as_of: date) -> dict[int, date]:
    """Per client, the due date of its oldest invoice still owing money and past due on ``as_of``.

    Same reading of the ledger as ``aging_sql`` (issued by ``as_of``, money applied
    by ``as_of``, overdue = due before ``as_of``), and the same scan-and-seek shape.
    """
    rows = conn.execute(
        text("""
            SELECT i.client_id, MIN(i.due_date)
            FROM invoice AS i NOT INDEXED
            WHERE i.status = 'issued' AND i.issue_date <= :as_of AND i.due_date < :as_of
              AND i.gross > COALESCE((SELECT SUM(a.amount) FROM allocation AS a
                                      WHERE a.invoice_id = i.id AND a.date <= :as_of), 0)
            GROUP BY i.client_id
        """),
        {"as_of": as_of.isoformat()},
    )
    return {client_id: _day(due) for client_id, due in rows}


def last_contacts(conn: Connection, kinds: tuple[str, ...] = CONTACT_ACTIVITY_KINDS) -> dict[int, datetime]:
    """Per client, when the latest logged note or call was made."""
    marks = ", ".join(f":k{i}" for i in range(len(kinds)))
    rows = conn.execute(
        text(f"SELECT client_id, MAX(at) FROM activity WHERE kind IN ({marks}) GROUP BY client_id"),  # noqa: S608 - placeholders only
        {f"k{i}": kind for i, kind in enumerate(kinds)},
    )
    return {client_id: _moment(at) for client_id, at in rows}


def last_contact_of(
    conn: Connection, client_id: int, kinds: tuple[str, ...] = CONTACT_ACTIVITY_KINDS
) -> datetime | None:
    marks = ", ".join(f":k{i}" for i in range(len(kinds)))
    at = conn.execute(
        text(f"SELECT MAX(at) FROM activity WHERE client_id = :client AND kind IN ({marks})"),  # noqa: S608 - placeholders only
        {"client": client_id, **{f"k{i}": kind for i, kind in enumerate(kinds)}},
    ).scalar_one_or_none()
    return None if at is None else _moment(at)


def client_invoices(
    conn: Connection, client_id: int
) -> list[tuple[int, str, date, date, int, str, bool, str, datetime]]:
    """A client's invoices other than drafts:
    (id, number, issue, due, gross, status, disputed, reference, created at)."""
    rows = conn.execute(
        text("""
            SELECT id, number, issue_date, due_date, gross, status, disputed, reference, created_at
            FROM invoice
            WHERE client_id = :client AND status IN ('issued', 'void')
        """),
        {"client": client_id},
    )
    return [
        (iid, number, _day(issue), _day(due), gross, status, bool(disputed), ref, _moment(created))
        for iid, number, issue, due, gross, status, disputed, ref, created in rows
    ]


def client_allocations(
    conn: Connection, client_id: int
) -> list[tuple[int, date, int, int | None, int | None]]:
    """Money applied to a client's issued invoices:
    (invoice id, date, amount, payment id, credit note id), oldest first."""
    rows = conn.execute(
        text("""
            SELECT a.invoice_id, a.date, a.amount, a.payment_id, a.credit_note_id
            FROM invoice AS i JOIN allocation AS a ON a.invoice_id = i.id
            WHERE i.client_id = :client AND i.status = 'issued'
            ORDER BY a.date, a.id
        """),
        {"client": client_id},
    )
    return [(inv, _day(day), amount, pay, note) for inv, day, amount, pay, note in rows]


def client_payments(conn: Connection, client_id: int) -> list[tuple[int, date, int, str, str, datetime]]:
    """A client's payments: (id, date, amount, method, reference, created at)."""
    rows = conn.execute(
        text("""
            SELECT id, date, amount, method, reference, created_at
            FROM payment WHERE client_id = :client
        """),
        {"client": client_id},
    )
    return [
        (pid, _day(day), amount, method, ref, _moment(created))
        for pid, day, amount, method, ref, created in rows
    ]


def client_credit_notes(
    conn: Connection, client_id: int
) -> list[tuple[int, str, date, int, str, int | None, datetime]]:
    """A client's credit notes: (id, number, date, amount, reason, invoice id named, created at)."""
    rows = conn.execute(
        text("""
            SELECT id, number, date, amount, reason, invoice_id, created_at
            FROM credit_note WHERE client_id = :client
        """),
        {"client": client_id},
    )
    return [
        (nid, number, _day(day), amount, reason, invoice_id, _moment(created))
        for nid, number, day, amount, reason, invoice_id, created in rows
    ]


def client_activities(
    conn: Connection, client_id: int, exclude_kinds: tuple[str, ...] = LEDGER_ACTIVITY_KINDS
) -> list[tuple[int, datetime, str, str, int | None]]:
    """A client's logged activity other than ``exclude_kinds``: (id, at, kind, text, invoice id)."""
    marks = ", ".join(f":k{i}" for i in range(len(exclude_kinds)))
    rows = conn.execute(
        text(f"""
            SELECT id, at, kind, text, invoice_id FROM activity
            WHERE client_id = :client AND kind NOT IN ({marks})
        """),  # noqa: S608 - placeholders only
        {"client": client_id, **{f"k{i}": kind for i, kind in enumerate(exclude_kinds)}},
    )
    return [(aid, _moment(at), kind, body, invoice_id) for aid, at, kind, body, invoice_id in rows]


def client_ledger_balance(conn: Connection, client_id: int) -> int:
    """Everything ever invoiced to a client less everything received, whatever the dates (minor units)."""
    value = conn.execute(
        text("""
            SELECT COALESCE((SELECT SUM(gross) FROM invoice
                             WHERE client_id = :client AND status = 'issued'), 0)
                 - COALESCE((SELECT SUM(amount) FROM payment WHERE client_id = :client), 0)
                 - COALESCE((SELECT SUM(amount) FROM credit_note WHERE client_id = :client), 0)
        """),
        {"client": client_id},
    ).scalar_one()
    return int(value)


# --- the Invoices tab and the money dialogs -----------------------------------------------------

# SQLite's julianday() of a date, less this, is Python's ``date.toordinal()`` of it.
_JULIAN_DAY_OF_ORDINAL_ZERO = 1721424.5

INVOICE_LIST_SQL = f"""
    SELECT i.id, i.number, i.client_id,
           CAST(julianday(i.issue_date) - {_JULIAN_DAY_OF_ORDINAL_ZERO} AS INTEGER),
           CAST(julianday(i.due_date) - {_JULIAN_DAY_OF_ORDINAL_ZERO} AS INTEGER),
           i.status, i.disputed, i.gross, i.reference,
           COALESCE((SELECT SUM(a.amount) FROM allocation AS a
                     WHERE a.invoice_id = i.id AND a.date <= :as_of), 0)
    FROM invoice AS i NOT INDEXED
    ORDER BY i.id
"""  # noqa: S608 - a constant is formatted in, nothing else

# (id, number, client id, issue day, due day, status, disputed, gross, reference, applied by as_of)
InvoiceListRow = tuple[int, str, int, int, int, str, int, int, str, int]


def invoice_list_chunks(conn: Connection, as_of: date, size: int = 2_000) -> Iterator[list[InvoiceListRow]]:
    """Every invoice, drafts and void ones too, with the money applied to it by ``as_of``, in id order.

    Same scan-and-seek shape as ``aging_sql``. Dates come back as ``date.toordinal()``
    numbers and the rows through the driver's own cursor (about a quarter faster on
    200,000 invoices than ISO text parsed through ``Result``), ``size`` rows at a time:
    memory stays bounded and the reader, run off the GUI thread, never holds Python's
    lock for long.
    """
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(INVOICE_LIST_SQL, {"as_of": as_of.isoformat()})
        while chunk := cursor.fetchmany(size):
            yield chunk
    finally:
        cursor.close()


def client_exposure(conn: Connection, client_id: int, as_of: date) -> int:
    """What a client owes on ``as_of`` less money on account: issued by then less received by then."""
    value = conn.execute(
        text("""
            SELECT COALESCE((SELECT SUM(gross) FROM invoice WHERE client_id = :client
                             AND status = 'issued' AND issue_date <= :as_of), 0)
                 - COALESCE((SELECT SUM(amount) FROM payment
                             WHERE client_id = :client AND date <= :as_of), 0)
                 - COALESCE((SELECT SUM(amount) FROM credit_note
                             WHERE client_id = :client AND date <= :as_of), 0)
        """),
        {"client": client_id, "as_of": as_of.isoformat()},
    ).scalar_one()
    return int(value)


def unapplied_receipts_of(conn: Connection, client_id: int) -> list[tuple[str, int, date, int]]:
    """A client's payments and credit notes with money not yet applied to any invoice:
    (kind 'payment' or 'credit_note', id, date, amount left), oldest money first."""
    rows = conn.execute(
        text("""
            SELECT kind, id, date, amount - applied FROM (
                SELECT 'payment' AS kind, p.id AS id, p.date AS date, p.amount AS amount,
                       COALESCE((SELECT SUM(a.amount) FROM allocation AS a
                                 WHERE a.payment_id = p.id), 0) AS applied
                FROM payment AS p WHERE p.client_id = :client
                UNION ALL
                SELECT 'credit_note', c.id, c.date, c.amount,
                       COALESCE((SELECT SUM(a.amount) FROM allocation AS a
                                 WHERE a.credit_note_id = c.id), 0)
                FROM credit_note AS c WHERE c.client_id = :client
            )
            WHERE amount > applied
            ORDER BY date, kind DESC, id
        """),
        {"client": client_id},
    )
    return [(kind, rid, _day(day), left) for kind, rid, day, left in rows]


# --- printed documents: invoices, statements of account, letters, batches -----------------------


def invoice_applied(conn: Connection, invoice_id: int) -> int:
    """Money applied to one invoice so far, from payments and credit notes alike (minor units)."""
    value = conn.execute(
        text("SELECT COALESCE(SUM(amount), 0) FROM allocation WHERE invoice_id = :invoice"),
        {"invoice": invoice_id},
    ).scalar_one()
    return int(value)


def invoice_id_of_number(conn: Connection, number: str) -> int | None:
    value = conn.execute(text("SELECT id FROM invoice WHERE number = :number"), {"number": number}).scalar()
    return None if value is None else int(value)


# (kind 'invoice' / 'credit-note' / 'payment', id, day, number, details, payer's reference, amount,
#  due date of an invoice or None)
Movement = tuple[str, int, date, str, str, str, int, date | None]


def client_movements(conn: Connection, client_id: int, start: date, end: date) -> list[Movement]:
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
    return [
        (kind, rid, _day(day), number, details, ref, amount, None if due is None else _day(due))
        for kind, rid, day, number, details, ref, amount, due in rows
    ]


# (id, number, issue date, due date, gross, reference, applied by as_of)
OpenItem = tuple[int, str, date, date, int, str, int]


def client_open_items(conn: Connection, client_id: int, as_of: date) -> list[OpenItem]:
    """A client's invoices issued by ``as_of`` with money still owed on them that day.

    The aging's reading of the ledger for one client: allocations count when
    dated on or before ``as_of``.
    """
    rows = conn.execute(
        text("""
            SELECT i.id, i.number, i.issue_date, i.due_date, i.gross, i.reference,
                   COALESCE((SELECT SUM(a.amount) FROM allocation AS a
                             WHERE a.invoice_id = i.id AND a.date <= :as_of), 0)
            FROM invoice AS i
            WHERE i.client_id = :client AND i.status = 'issued' AND i.issue_date <= :as_of
        """),
        {"client": client_id, "as_of": as_of.isoformat()},
    )
    return [
        (iid, number, _day(issue), _day(due), gross, ref, applied)
        for iid, number, issue, due, gross, ref, applied in rows
        if gross != applied
    ]


# (kind 'payment' / 'credit-note', id, day, number, details, payer's reference, amount, applied by as_of)
UnappliedReceipt = tuple[str, int, date, str, str, str, int, int]


def client_unapplied_on(conn: Connection, client_id: int, as_of: date) -> list[UnappliedReceipt]:
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
            )
            WHERE amount > applied
        """),
        {"client": client_id, "as_of": as_of.isoformat()},
    )
    return [
        (kind, rid, _day(day), number, details, ref, amount, applied)
        for kind, rid, day, number, details, ref, amount, applied in rows
    ]


def client_balances(conn: Connection, as_of: date) -> list[tuple[int, str, str, int]]:
    """Every client whose balance on ``as_of`` is not nil: (id, code, name, balance in minor units).

    Balance = issued invoices dated by then less payments and credit notes dated
    by then, which is also what the aging's row for the client adds up to.
    """
    rows = conn.execute(
        text("""
            SELECT c.id, c.code, c.name, b.balance
            FROM (
                SELECT client_id, SUM(amount) AS balance FROM (
                    SELECT client_id, gross AS amount FROM invoice NOT INDEXED
                    WHERE status = 'issued' AND issue_date <= :as_of
                    UNION ALL
                    SELECT client_id, -amount FROM payment WHERE date <= :as_of
                    UNION ALL
                    SELECT client_id, -amount FROM credit_note WHERE date <= :as_of
                )
                GROUP BY client_id
                HAVING SUM(amount) <> 0
            ) AS b
            JOIN client AS c ON c.id = b.client_id
        """),
        {"as_of": as_of.isoformat()},
    )
    return [(cid, code, name, int(balance)) for cid, code, name, balance in rows]


# --- reminders: what is open to chase, who is chased, what was already sent ---------------------

# (id, client id, number, issue date, due date, gross, applied by as_of, disputed, start stage)
ChaseRow = tuple[int, int, str, date, date, int, int, bool, int | None]


def chase_open_invoices(conn: Connection, as_of: date, due_by: date) -> list[ChaseRow]:
    """Issued invoices with money owed on ``as_of`` and due on or before ``due_by``.

    ``due_by`` is ``as_of`` less the earliest stage offset of any schedule: an
    invoice due later cannot be at any stage yet, so it is never read. Open
    money is the aging's (allocations dated on or before ``as_of``), with the
    aging's scan-and-seek shape; the filter on it runs in SQL, so only the
    few thousand open invoices of 200,000 reach Python.
    """
    rows = conn.execute(
        text("""
            SELECT id, client_id, number, issue_date, due_date, gross, paid, disputed, chase_start_stage
            FROM (
                SELECT i.id AS id, i.client_id AS client_id, i.number AS number,
                       i.issue_date AS issue_date, i.due_date AS due_date, i.gross AS gross,
                       i.disputed AS disputed, i.chase_start_stage AS chase_start_stage,
                       COALESCE((SELECT SUM(a.amount) FROM allocation AS a
                                 WHERE a.invoice_id = i.id AND a.date <= :as_of), 0) AS paid
                FROM invoice AS i NOT INDEXED
                WHERE i.status = 'issued' AND i.issue_date <= :as_of AND i.due_date <= :due_by
            )
            WHERE gross > paid
        """),
        {"as_of": as_of.isoformat(), "due_by": due_by.isoformat()},
    )
    fromiso = date.fromisoformat
    return [
        (iid, cid, number, fromiso(issue), fromiso(due), gross, paid, bool(disputed), start)
        for iid, cid, number, issue, due, gross, paid, disputed, start in rows
    ]


# (id, code, name, contact name, email, do not chase, own schedule id or None)
ChaseClientRow = tuple[int, str, str, str, str, bool, int | None]


def chase_clients(conn: Connection) -> list[ChaseClientRow]:
    """Every client as planning sees it, by name (the order a plan is listed in)."""
    rows = conn.execute(
        text("""
            SELECT id, code, name, contact_name, email, do_not_chase, chase_schedule_id
            FROM client ORDER BY name COLLATE NOCASE, code
        """)
    )
    return [
        (cid, code, name, contact, email, bool(no_chase), schedule_id)
        for cid, code, name, contact, email, no_chase, schedule_id in rows
    ]


# (reminder id, client id, stage key, day, invoice id or None)
ReminderHistoryRow = tuple[int, int, str, date, int | None]


def reminder_history(conn: Connection) -> list[ReminderHistoryRow]:
    """Every reminder in the outbox, whatever its status, one row per invoice it covers.

    The day is when it was sent, else when it was planned.
    """
    rows = conn.execute(
        text("""
            SELECT r.id, r.client_id, r.stage_key, COALESCE(substr(r.sent_at, 1, 10), r.planned_on),
                   ri.invoice_id
            FROM reminder AS r LEFT JOIN reminder_invoice AS ri ON ri.reminder_id = r.id
        """)
    )
    return [(rid, cid, key, _day(day), invoice_id) for rid, cid, key, day, invoice_id in rows]


# --- the credit-control workflow: promises, plans, risk, forecast ------------------------------------


def _marks(prefix: str, values: list[int]) -> tuple[str, dict[str, int]]:
    return ", ".join(f":{prefix}{i}" for i in range(len(values))), {
        f"{prefix}{i}": v for i, v in enumerate(values)
    }


# (invoice id, date, amount, payment id or None)
MoneyApplied = tuple[int, date, int, int | None]


def money_applied_to(conn: Connection, invoice_ids: list[int]) -> list[MoneyApplied]:
    """Every allocation to these invoices, payments and credit notes alike, oldest first."""
    result: list[MoneyApplied] = []
    for start in range(0, len(invoice_ids), 500):  # SQLite limits the number of parameters
        marks, params = _marks("i", invoice_ids[start : start + 500])
        rows = conn.execute(
            text(f"""
                SELECT invoice_id, date, amount, payment_id FROM allocation
                WHERE invoice_id IN ({marks}) ORDER BY date, id
            """),  # noqa: S608 - placeholders only
            params,
        )
        result.extend((inv, _day(day), amount, pay) for inv, day, amount, pay in rows)
    result.sort(key=lambda r: r[1])
    return result


# (client id, number, issue date, due date, gross, status)
InvoiceFacts = tuple[int, str, date, date, int, str]


def invoice_amounts(conn: Connection, invoice_ids: list[int]) -> dict[int, InvoiceFacts]:
    """Per invoice, whatever its status: (client id, number, issue date, due date, gross, status)."""
    found: dict[int, InvoiceFacts] = {}
    for start in range(0, len(invoice_ids), 500):
        marks, params = _marks("i", invoice_ids[start : start + 500])
        rows = conn.execute(
            text(f"""
                SELECT id, client_id, number, issue_date, due_date, gross, status FROM invoice
                WHERE id IN ({marks})
            """),  # noqa: S608 - placeholders only
            params,
        )
        for iid, cid, number, issue, due, gross, status in rows:
            found[iid] = (cid, number, _day(issue), _day(due), gross, status)
    return found


# (client id, invoices judged, judged on time, invoiced, open, overdue open, oldest overdue due date or None)
RiskSums = tuple[int, int, int, int, int, int, date | None]


def risk_sums(conn: Connection, as_of: date) -> list[RiskSums]:
    """Per client, what the risk rating reads from the invoices, in one pass (the aging's shape).

    An invoice is judged once settled (money applied by ``as_of`` covers it) or
    once past due unpaid, as ``domain.behaviour.payment_behaviour`` counts it;
    on time when settled on or before its due date (the last money's date).
    The per-invoice figures are worked out once in a materialised CTE so each
    correlated sub-query runs once per invoice.
    """
    rows = conn.execute(
        text("""
            WITH per_invoice AS MATERIALIZED (
                SELECT i.client_id AS client_id, i.gross AS gross, i.issue_date AS issue_date,
                       i.due_date AS due_date,
                       COALESCE(SUM(a.amount), 0) AS paid, MAX(a.date) AS last_paid
                FROM invoice AS i NOT INDEXED
                LEFT JOIN allocation AS a ON a.invoice_id = i.id AND a.date <= :as_of
                WHERE i.status = 'issued' AND i.issue_date <= :as_of
                GROUP BY i.id
            )
            SELECT client_id,
                   SUM(CASE WHEN paid >= gross OR due_date < :as_of THEN 1 ELSE 0 END),
                   SUM(CASE WHEN paid >= gross AND COALESCE(last_paid, issue_date) <= due_date
                            THEN 1 ELSE 0 END),
                   SUM(gross),
                   SUM(gross - paid),
                   SUM(CASE WHEN due_date < :as_of THEN gross - paid ELSE 0 END),
                   MIN(CASE WHEN due_date < :as_of AND gross > paid THEN due_date END)
            FROM per_invoice
            GROUP BY client_id
        """),
        {"as_of": as_of.isoformat()},
    )
    return [
        (cid, judged, on_time, invoiced, open_, overdue, None if oldest is None else _day(oldest))
        for cid, judged, on_time, invoiced, open_, overdue, oldest in rows
    ]


# (client id, window, money x days late, money paid); window 0: before the previous half-year,
# 1: the previous half-year, 2: the recent half-year
LatenessSums = tuple[int, int, int, int]


def lateness_sums(
    conn: Connection, as_of: date, recent_from: date, previous_from: date
) -> list[LatenessSums]:
    """Per client and window, money paid (payments only, not credit notes) by ``as_of`` and money x days late.

    Early money counts as 0 days late, as in ``domain.risk.average_days_late``.
    One row per (client, window), so each expression is worked out once per
    allocation (a flattened sub-query would copy it into every SUM that uses it).
    """
    rows = conn.execute(
        text("""
            SELECT i.client_id,
                   CASE WHEN a.date >= :recent_from THEN 2 WHEN a.date >= :previous_from THEN 1 ELSE 0 END
                       AS window,
                   SUM(a.amount * MAX(0, CAST(julianday(a.date) - julianday(i.due_date) AS INTEGER))),
                   SUM(a.amount)
            FROM invoice AS i NOT INDEXED JOIN allocation AS a ON a.invoice_id = i.id
            WHERE a.payment_id IS NOT NULL AND a.date <= :as_of AND i.status = 'issued'
            GROUP BY i.client_id, window
        """),
        {
            "as_of": as_of.isoformat(),
            "recent_from": recent_from.isoformat(),
            "previous_from": previous_from.isoformat(),
        },
    )
    return [(cid, window, int(weighted), int(paid)) for cid, window, weighted, paid in rows]


def payment_delays(conn: Connection, as_of: date) -> list[tuple[int, int, int]]:
    """(client id, days after the due date, how many payments) for the payments applied by ``as_of``.

    Days are negative for early money. Counted in SQL: half as many rows reach Python.
    """
    rows = conn.execute(
        text("""
            SELECT i.client_id, CAST(julianday(a.date) - julianday(i.due_date) AS INTEGER) AS days, COUNT(*)
            FROM invoice AS i NOT INDEXED JOIN allocation AS a ON a.invoice_id = i.id
            WHERE a.payment_id IS NOT NULL AND a.date <= :as_of AND i.status = 'issued'
            GROUP BY i.client_id, days
        """),
        {"as_of": as_of.isoformat()},
    )
    return [(cid, days, count) for cid, days, count in rows]


def received_by_client(conn: Connection, as_of: date) -> dict[int, int]:
    """Payments and credit notes received by ``as_of`` per client (minor units)."""
    return dict(conn.execute(text(RECEIVED_SQL), {"as_of": as_of.isoformat()}).all())


def client_flags(conn: Connection) -> dict[int, tuple[str, str, int | None, bool, date | None]]:
    """Per client: (code, name, credit limit, on hold, handed over on)."""
    rows = conn.execute(text("SELECT id, code, name, credit_limit, on_hold, handed_over_on FROM client"))
    return {
        cid: (code, name, limit, bool(hold), None if handed is None else _day(handed))
        for cid, code, name, limit, hold, handed in rows
    }


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


def receivables_at(conn: Connection, day: date) -> int:
    """What all clients owe at the end of ``day``: issued by then less received by then (minor units).

    The aging's grand total for that day, money on account netted off.
    """
    value = conn.execute(
        text("""
            SELECT COALESCE((SELECT SUM(gross) FROM invoice NOT INDEXED
                             WHERE status = 'issued' AND issue_date <= :day), 0)
                 - COALESCE((SELECT SUM(amount) FROM payment WHERE date <= :day), 0)
                 - COALESCE((SELECT SUM(amount) FROM credit_note WHERE date <= :day), 0)
        """),
        {"day": day.isoformat()},
    ).scalar_one()
    return int(value)
