"""The fast SQL aging and the pure reference aging agree on random ledgers built through the services."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from creditdesk.domain.aging import (
    Basis,
    ClientRef,
    LedgerReceipt,
    aging_report,
)
from creditdesk.domain.money import from_minor
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database, open_database
from creditdesk.store.models import AllocationRow, Client, CreditNote, Invoice, Payment
from creditdesk.store.unit_of_work import UnitOfWork
from tests.random_ledger import START, Action, action, allocations, build, issued_invoices


def reference(db: Database, as_of: date, basis: Basis) -> object:
    with UnitOfWork(db) as uow:
        s = uow.session
        clients = {c.id: ClientRef(c.id, c.code, c.name) for c in s.scalars(select(Client))}
        invoices = issued_invoices(s)
        applied = allocations(s)
        receipts = [
            LedgerReceipt(p.client_id, p.date, from_minor(p.amount)) for p in s.scalars(select(Payment))
        ]
        receipts += [
            LedgerReceipt(c.client_id, c.date, from_minor(c.amount)) for c in s.scalars(select(CreditNote))
        ]
    return aging_report(invoices, applied, receipts, clients, as_of, basis)


def over_allocations(db: Database) -> int:
    """Invoices, payments and credit notes with more allocated than their amount."""
    with UnitOfWork(db) as uow:
        s = uow.session
        alloc_by = {
            "invoice": select(func.sum(AllocationRow.amount)).where(AllocationRow.invoice_id == Invoice.id),
            "payment": select(func.sum(AllocationRow.amount)).where(AllocationRow.payment_id == Payment.id),
            "credit": select(func.sum(AllocationRow.amount)).where(
                AllocationRow.credit_note_id == CreditNote.id
            ),
        }
        bad = s.scalar(select(func.count()).where(alloc_by["invoice"].scalar_subquery() > Invoice.gross)) or 0
        bad += (
            s.scalar(select(func.count()).where(alloc_by["payment"].scalar_subquery() > Payment.amount)) or 0
        )
        bad += (
            s.scalar(select(func.count()).where(alloc_by["credit"].scalar_subquery() > CreditNote.amount))
            or 0
        )
        return bad


@pytest.mark.long
@settings(max_examples=40)
@given(st.lists(action, max_size=25), st.lists(st.integers(0, 300), min_size=1, max_size=4))
def test_sql_aging_equals_the_reference(actions: list[Action], offsets: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "prop.sqlite", create=True)
        try:
            build(db, actions, "Prop Co")
            assert over_allocations(db) == 0
            for offset in offsets:
                as_of = START + timedelta(days=offset)
                for basis in Basis:
                    fast = run_aging(db, as_of, basis)
                    assert fast == reference(db, as_of, basis)
                    for row in fast.rows:
                        assert sum(row.buckets, D(0)) + row.unallocated == row.total
            with UnitOfWork(db) as uow:
                s = uow.session
                invoiced = s.scalar(select(func.coalesce(func.sum(Invoice.gross), 0)))
                paid = s.scalar(select(func.coalesce(func.sum(Payment.amount), 0)))
                credited = s.scalar(select(func.coalesce(func.sum(CreditNote.amount), 0)))
            everything = run_aging(db, START + timedelta(days=400))
            net = int(invoiced or 0) - int(paid or 0) - int(credited or 0)
            assert everything.totals.total == from_minor(net)
        finally:
            db.close()
