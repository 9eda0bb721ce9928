"""The Clients tab's queries: the list, one client's detail, and what the risk rating reads.

Amounts come back as integer minor units; the services turn them into Decimals.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Connection, text

from creditdesk.store.dialect import dialect_of
from creditdesk.store.queries._sql import as_date, as_moment
from creditdesk.store.queries.owed import APPLIED_BY_AS_OF, COUNTS_ON_AS_OF

LEDGER_ACTIVITY_KINDS = ("invoice", "payment", "credit_note")  # already shown from the ledger itself


CONTACT_ACTIVITY_KINDS = ("note", "call", "email", "meeting")  # what counts as "last contact"


class ClientListRow(NamedTuple):
    id: int
    code: str
    name: str
    email: str
    credit_limit: int | None
    on_hold: bool
    do_not_chase: bool
    archived: bool
    terms_name: str


def client_list(conn: Connection) -> list[ClientListRow]:
    """Every client with the columns of the list."""
    rows = conn.execute(
        text("""
            SELECT c.id, c.code, c.name, c.email, c.credit_limit,
                   c.on_hold, c.do_not_chase, c.archived, t.name
            FROM client AS c JOIN payment_terms AS t ON t.id = c.terms_id
        """)
    )
    return [
        ClientListRow(cid, code, name, email, limit, bool(hold), bool(no_chase), bool(archived), terms)
        for cid, code, name, email, limit, hold, no_chase, archived, terms in rows
    ]


def oldest_overdue_due_dates(conn: Connection, as_of: date) -> dict[int, date]:
    """Per client, the due date of its oldest invoice still owing money and past due on ``as_of``.

    Same reading of the ledger as ``aging_sql`` (issued by ``as_of``, money applied
    by ``as_of``, overdue = due before ``as_of``), and the same scan-and-seek shape.
    """
    rows = conn.execute(
        text(f"""
            SELECT i.client_id, MIN(i.due_date)
            FROM invoice AS i{dialect_of(conn).full_scan}
            WHERE {COUNTS_ON_AS_OF} AND i.due_date < :as_of
              AND i.gross > {APPLIED_BY_AS_OF}
            GROUP BY i.client_id
        """),  # noqa: S608 - only the owed-as-of fragments and an index hint are formatted in
        {"as_of": as_of.isoformat()},
    )
    return {client_id: as_date(due) for client_id, due in rows}


def last_contacts(conn: Connection, kinds: tuple[str, ...] = CONTACT_ACTIVITY_KINDS) -> dict[int, datetime]:
    """Per client, when the latest logged note or call was made."""
    marks = ", ".join(f":k{i}" for i in range(len(kinds)))
    rows = conn.execute(
        text(f"SELECT client_id, MAX(at) FROM activity WHERE kind IN ({marks}) GROUP BY client_id"),  # noqa: S608 - placeholders only
        {f"k{i}": kind for i, kind in enumerate(kinds)},
    )
    return {client_id: as_moment(at) for client_id, at in rows}


def last_contact_of(
    conn: Connection, client_id: int, kinds: tuple[str, ...] = CONTACT_ACTIVITY_KINDS
) -> datetime | None:
    marks = ", ".join(f":k{i}" for i in range(len(kinds)))
    at = conn.execute(
        text(f"SELECT MAX(at) FROM activity WHERE client_id = :client AND kind IN ({marks})"),  # noqa: S608 - placeholders only
        {"client": client_id, **{f"k{i}": kind for i, kind in enumerate(kinds)}},
    ).scalar_one_or_none()
    return None if at is None else as_moment(at)


class ClientInvoiceRow(NamedTuple):
    id: int
    number: str
    issue_date: date
    due_date: date
    gross: int
    status: str
    disputed: bool
    reference: str
    created_at: datetime


def client_invoices(conn: Connection, client_id: int) -> list[ClientInvoiceRow]:
    """A client's invoices other than drafts."""
    rows = conn.execute(
        text("""
            SELECT id, number, issue_date, due_date, gross, status, disputed, reference, created_at
            FROM invoice
            WHERE client_id = :client AND status IN ('issued', 'void')
        """),
        {"client": client_id},
    )
    return [
        ClientInvoiceRow(
            iid, number, as_date(issue), as_date(due), gross, status, bool(disputed), ref, as_moment(created)
        )
        for iid, number, issue, due, gross, status, disputed, ref, created in rows
    ]


class ClientAllocationRow(NamedTuple):
    """Money applied to an invoice from a payment or (``payment_id`` None) a credit note."""

    invoice_id: int
    date: date
    amount: int
    payment_id: int | None
    credit_note_id: int | None


def client_allocations(conn: Connection, client_id: int) -> list[ClientAllocationRow]:
    """Money applied to a client's issued invoices, oldest first."""
    rows = conn.execute(
        text("""
            SELECT a.invoice_id, a.date, a.amount, a.payment_id, a.credit_note_id
            FROM invoice AS i JOIN allocation AS a ON a.invoice_id = i.id
            WHERE i.client_id = :client AND i.status = 'issued'
            ORDER BY a.date, a.id
        """),
        {"client": client_id},
    )
    return [ClientAllocationRow(inv, as_date(day), amount, pay, note) for inv, day, amount, pay, note in rows]


class ClientPaymentRow(NamedTuple):
    id: int
    date: date
    amount: int
    method: str
    reference: str
    created_at: datetime


def client_payments(conn: Connection, client_id: int) -> list[ClientPaymentRow]:
    """A client's payments."""
    rows = conn.execute(
        text("""
            SELECT id, date, amount, method, reference, created_at
            FROM payment WHERE client_id = :client
        """),
        {"client": client_id},
    )
    return [
        ClientPaymentRow(pid, as_date(day), amount, method, ref, as_moment(created))
        for pid, day, amount, method, ref, created in rows
    ]


class ClientCreditNoteRow(NamedTuple):
    id: int
    number: str
    date: date
    amount: int
    reason: str
    invoice_id: int | None  # the invoice the note names, if any
    created_at: datetime


def client_credit_notes(conn: Connection, client_id: int) -> list[ClientCreditNoteRow]:
    """A client's credit notes."""
    rows = conn.execute(
        text("""
            SELECT id, number, date, amount, reason, invoice_id, created_at
            FROM credit_note WHERE client_id = :client
        """),
        {"client": client_id},
    )
    return [
        ClientCreditNoteRow(nid, number, as_date(day), amount, reason, invoice_id, as_moment(created))
        for nid, number, day, amount, reason, invoice_id, created in rows
    ]


class ClientActivityRow(NamedTuple):
    id: int
    at: datetime
    kind: str
    text: str
    invoice_id: int | None


def client_activities(
    conn: Connection, client_id: int, exclude_kinds: tuple[str, ...] = LEDGER_ACTIVITY_KINDS
) -> list[ClientActivityRow]:
    """A client's logged activity other than ``exclude_kinds``."""
    marks = ", ".join(f":k{i}" for i in range(len(exclude_kinds)))
    rows = conn.execute(
        text(f"""
            SELECT id, at, kind, text, invoice_id FROM activity
            WHERE client_id = :client AND kind NOT IN ({marks})
        """),  # noqa: S608 - placeholders only
        {"client": client_id, **{f"k{i}": kind for i, kind in enumerate(exclude_kinds)}},
    )
    return [
        ClientActivityRow(aid, as_moment(at), kind, body, invoice_id)
        for aid, at, kind, body, invoice_id in rows
    ]


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


class ClientFlags(NamedTuple):
    code: str
    name: str
    credit_limit: int | None
    on_hold: bool
    handed_over_on: date | None


def client_flags(conn: Connection) -> dict[int, ClientFlags]:
    """Per client id: its code, name, credit limit and holds."""
    rows = conn.execute(text("SELECT id, code, name, credit_limit, on_hold, handed_over_on FROM client"))
    return {
        cid: ClientFlags(code, name, limit, bool(hold), None if handed is None else as_date(handed))
        for cid, code, name, limit, hold, handed in rows
    }


class RiskSums(NamedTuple):
    """One client's invoice figures as the risk rating reads them (minor units)."""

    client_id: int
    judged: int  # invoices settled or past due
    on_time: int  # of those, settled by their due date
    invoiced: int
    open: int
    overdue: int  # open money past due
    oldest_overdue_due_date: date | None


def risk_sums(conn: Connection, as_of: date) -> list[RiskSums]:
    """Per client, what the risk rating reads from the invoices, in one pass (the aging's shape).

    An invoice is judged once settled (money applied by ``as_of`` covers it) or
    once past due unpaid, as ``domain.behaviour.payment_behaviour`` counts it;
    on time when settled on or before its due date (the last money's date).
    The per-invoice figures are worked out once in a materialised CTE so each
    correlated sub-query runs once per invoice.
    """
    rows = conn.execute(
        text(f"""
            WITH per_invoice AS MATERIALIZED (
                SELECT i.client_id AS client_id, i.gross AS gross, i.issue_date AS issue_date,
                       i.due_date AS due_date,
                       COALESCE(SUM(a.amount), 0) AS paid, MAX(a.date) AS last_paid
                FROM invoice AS i{dialect_of(conn).full_scan}
                LEFT JOIN allocation AS a ON a.invoice_id = i.id AND a.date <= :as_of
                WHERE {COUNTS_ON_AS_OF}
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
        """),  # noqa: S608 - only the owed-as-of fragments and an index hint are formatted in
        {"as_of": as_of.isoformat()},
    )
    return [
        RiskSums(cid, judged, on_time, invoiced, open_, overdue, None if oldest is None else as_date(oldest))
        for cid, judged, on_time, invoiced, open_, overdue, oldest in rows
    ]


class LatenessSums(NamedTuple):
    """One client's payments in one window (minor units)."""

    client_id: int
    window: int  # 0: before the previous half-year, 1: the previous half-year, 2: the recent half-year
    weighted: int  # money x days late
    paid: int


def lateness_sums(
    conn: Connection, as_of: date, recent_from: date, previous_from: date
) -> list[LatenessSums]:
    """Per client and window, money paid (payments only, not credit notes) by ``as_of`` and money x days late.

    Early money counts as 0 days late, as in ``domain.risk.average_days_late``.
    One row per (client, window), so each expression is worked out once per
    allocation (a flattened sub-query would copy it into every SUM that uses it).
    """
    dialect = dialect_of(conn)
    days_late = dialect.greatest("0", dialect.days_between("a.date", "i.due_date"))
    rows = conn.execute(
        text(f"""
            SELECT i.client_id,
                   CASE WHEN a.date >= :recent_from THEN 2 WHEN a.date >= :previous_from THEN 1 ELSE 0 END
                       AS period,
                   SUM(a.amount * {days_late}),
                   SUM(a.amount)
            FROM invoice AS i{dialect.full_scan} JOIN allocation AS a ON a.invoice_id = i.id
            WHERE a.payment_id IS NOT NULL AND a.date <= :as_of AND i.status = 'issued'
            GROUP BY i.client_id, period
        """),  # noqa: S608 - only fixed fragments are formatted in
        {
            "as_of": as_of.isoformat(),
            "recent_from": recent_from.isoformat(),
            "previous_from": previous_from.isoformat(),
        },
    )
    return [LatenessSums(cid, window, int(weighted), int(paid)) for cid, window, weighted, paid in rows]
