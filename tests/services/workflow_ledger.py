"""Small helpers for building credit-control ledgers through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from creditdesk.domain.invoice import InvoiceLine
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.chasing.reminders import PlanItem, plan
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.store.database import Database


def client(
    db: Database,
    code: str,
    *,
    email: str | None = None,
    terms: PaymentTerms | None = None,
    limit: str | None = None,
) -> int:
    return add_client(
        db,
        ClientInput(
            code,
            f"{code.title()} Ltd",
            f"{code.lower()}@example.com" if email is None else email,
            terms=terms,
            credit_limit=None if limit is None else D(limit),
        ),
    )


def invoice(
    db: Database, client_id: int, due: date, amount: str = "100.00", issue: date | None = None
) -> int:
    issued = issue if issue is not None else due - timedelta(days=30)
    line = InvoiceLine("Consulting", D(1), D(amount))
    return create_invoice(db, InvoiceInput(client_id, issued, [line], due_date=due))


def pay(db: Database, client_id: int, on: date, amount: str, invoice_id: int | None = None) -> int:
    return record_payment(db, PaymentInput(client_id, on, D(amount), invoice_id=invoice_id)).id


def stages(db: Database, as_of: date, client_id: int) -> list[tuple[str, tuple[int, ...], D]]:
    """The client's planned reminders as (stage key, invoice ids, total)."""
    items: list[PlanItem] = plan(db, as_of)
    return [(i.stage_key, i.invoice_ids, i.total) for i in items if i.client_id == client_id]
