"""What promises and payment plans read: invoice facts and the money applied to them.

Money comes back as Decimal at the company's exponent, converted here once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Connection, text

from creditdesk.store.queries._money import money_reader
from creditdesk.store.queries._sql import as_date, in_marks


class MoneyApplied(NamedTuple):
    """One allocation to an invoice, from a payment or (``payment_id`` None) a credit note."""

    invoice_id: int
    date: date
    amount: Decimal
    payment_id: int | None


def money_applied_to(conn: Connection, invoice_ids: list[int], exponent: int) -> list[MoneyApplied]:
    """Every allocation to these invoices, payments and credit notes alike, oldest first."""
    money = money_reader(exponent)
    result: list[MoneyApplied] = []
    for start in range(0, len(invoice_ids), 500):  # SQLite limits the number of parameters
        marks, params = in_marks("i", invoice_ids[start : start + 500])
        rows = conn.execute(
            text(f"""
                SELECT invoice_id, date, amount, payment_id FROM allocation
                WHERE invoice_id IN ({marks}) ORDER BY date, id
            """),  # noqa: S608 - placeholders only
            params,
        )
        result.extend(MoneyApplied(inv, as_date(day), money(amount), pay) for inv, day, amount, pay in rows)
    result.sort(key=lambda r: r.date)
    return result


class InvoiceFacts(NamedTuple):
    """An invoice as promises and plans read it, whatever its status."""

    client_id: int
    number: str
    issue_date: date
    due_date: date
    gross: Decimal
    status: str


def invoice_amounts(conn: Connection, invoice_ids: list[int], exponent: int) -> dict[int, InvoiceFacts]:
    """Per invoice id, the invoice's facts, whatever its status."""
    money = money_reader(exponent)
    found: dict[int, InvoiceFacts] = {}
    for start in range(0, len(invoice_ids), 500):
        marks, params = in_marks("i", invoice_ids[start : start + 500])
        rows = conn.execute(
            text(f"""
                SELECT id, client_id, number, issue_date, due_date, gross, status FROM invoice
                WHERE id IN ({marks})
            """),  # noqa: S608 - placeholders only
            params,
        )
        for iid, cid, number, issue, due, gross, status in rows:
            found[iid] = InvoiceFacts(cid, number, as_date(issue), as_date(due), money(gross), status)
    return found
