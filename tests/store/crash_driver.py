"""The child process of the crash-consistency test: real user actions, over and over, until killed.

``python -m tests.store.crash_driver DB ACTION TOKEN`` repeats one action
(import, invoice, payment, queue, backup) and prints ``start ACTION KEY`` before and
``done ACTION KEY`` after each, so the parent knows what it interrupted.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from creditdesk.domain.allocation import Allocation
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.domain.money import from_minor
from creditdesk.services.chasing import reminders
from creditdesk.services.company.backups import backup_now
from creditdesk.services.imports import invoice_import
from creditdesk.services.ledger.invoices import InvoiceInput, save_invoice
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.store.database import Database, open_database

CLIENTS = 20
IMPORT_ROWS = 10_000
PAID_ON = date(2026, 6, 30)
ON_ACCOUNT = Decimal("5.00")  # every driver payment leaves this much over, so "whole" is checkable


def import_batch(db: Database, folder: Path, key: str) -> None:
    source = folder / f"{key}.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["number", "client_code", "issue_date", "amount", "description"])
        for i in range(IMPORT_ROWS):
            day = date(2026, 1, 1) + timedelta(days=i % 150)
            out.writerow(
                [f"{key}-{i:05d}", f"C{i % CLIENTS:02d}", day, f"{10 + i % 490}.{i % 100:02d}", "Goods"]
            )
    invoice_import.import_invoices(db, source)
    source.unlink()


def save_one_invoice(db: Database, rng: random.Random, key: str) -> None:
    lines = [
        InvoiceLine("Consulting", Decimal("1.5"), Decimal("480.00"), Decimal(20)),
        InvoiceLine("Materials", Decimal(rng.randint(1, 9)), Decimal("12.34"), Decimal(5)),
        InvoiceLine("Travel", Decimal(1), Decimal("37.45"), Decimal(0)),
    ]
    issued = date(2026, 1, 1) + timedelta(days=rng.randrange(150))
    save_invoice(db, InvoiceInput(rng.randint(1, CLIENTS), issued, lines, reference=key))


def pay_with_allocations(db: Database, rng: random.Random, key: str) -> None:
    client = rng.randint(1, CLIENTS)
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            """SELECT i.id, i.gross - COALESCE((SELECT SUM(a.amount) FROM allocation a
                                                 WHERE a.invoice_id = i.id), 0) AS open
               FROM invoice i WHERE i.client_id = ? AND i.status = 'issued' AND i.issue_date <= ?
               AND open > 0 ORDER BY i.id LIMIT 3""",
            (client, PAID_ON.isoformat()),
        ).all()
    if not rows:
        return
    # Part of what is open on each, so there is always more to pay next time.
    allocations = [
        Allocation(invoice_id, from_minor(min(open_units, rng.randint(100, 5000)), 2))
        for invoice_id, open_units in rows
    ]
    amount = sum((a.amount for a in allocations), ON_ACCOUNT)
    record_payment(db, PaymentInput(client, PAID_ON, amount, "bank", key), allocations)


def main(path: str, action: str, token: str) -> None:
    rng = random.Random(token)
    db = open_database(Path(path))
    folder = Path(path).parent
    print("ready", flush=True)
    for n in range(1, 1_000_000):
        key = f"B{token}x{n}" if action == "import" else f"DRV-{token}-{n}"
        print(f"start {action} {key}", flush=True)
        if action == "import":
            import_batch(db, folder, key)
        elif action == "invoice":
            save_one_invoice(db, rng, key)
        elif action == "payment":
            pay_with_allocations(db, rng, key)
        elif action == "backup":
            backup_now(db)
        else:
            reminders.queue(db, date(2026, 7, 1) + timedelta(days=rng.randrange(365)))
        print(f"done {action} {key}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
