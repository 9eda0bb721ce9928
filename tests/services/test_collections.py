"""Handing a debt over: the pack's files, their contents, and chasing stopping for good."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from creditdesk.domain.errors import LedgerError
from creditdesk.services.chasing.collection_handover import OPEN_ITEMS_CSV, TIMELINE_PDF, hand_over
from creditdesk.services.chasing.reminders import queue
from creditdesk.services.clients.conversations import ConversationInput, ConversationKind, log_conversation
from creditdesk.services.clients.overview import client_detail
from creditdesk.store.database import Database
from creditdesk.store.models import Client
from creditdesk.store.unit_of_work import UnitOfWork
from tests.services.workflow_ledger import client, invoice, pay, stages

AS_OF = date(2026, 9, 1)


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_the_pack_is_written_and_the_client_is_no_longer_chased(db: Database, tmp_path: Path) -> None:
    acme = client(db, "ACME")
    first = invoice(db, acme, date(2026, 6, 1), "100.00")
    invoice(db, acme, date(2026, 6, 15), "250.00")
    pay(db, acme, date(2026, 6, 20), "40.00", invoice_id=first)
    queue(db, date(2026, 6, 2))
    log_conversation(
        db, ConversationInput(acme, ConversationKind.CALL, datetime(2026, 7, 1, 11, 0), "refused to pay")
    )
    assert stages(db, AS_OF, acme) != []

    pack = hand_over(db, acme, tmp_path, AS_OF)
    assert pack.folder == tmp_path / "Collection ACME 2026-09-01"
    assert (
        sorted(p.name for p in pack.folder.iterdir())
        == sorted(p.name for p in pack.files)
        == [
            "Account history.pdf",
            "Invoice INV-00001.pdf",
            "Invoice INV-00002.pdf",
            "Open items.csv",
            "Statement ACME 2026-09-01.pdf",
        ]
    )
    rows = list(csv.DictReader((pack.folder / OPEN_ITEMS_CSV).read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["invoice"], r["open"], r["days_overdue"]) for r in rows] == [
        ("INV-00001", "60.00", "92"),
        ("INV-00002", "250.00", "78"),
    ]
    history = pdf_text(pack.folder / TIMELINE_PDF)
    assert "ACCOUNT HISTORY" in history and "refused to pay" in history and "INV-00002" in history
    assert "310.00" in pdf_text(pack.folder / "Statement ACME 2026-09-01.pdf")

    assert stages(db, AS_OF, acme) == []
    with UnitOfWork(db) as uow:
        row = uow.session.get(Client, acme)
        assert row is not None and (row.handed_over_on, row.do_not_chase) == (AS_OF, True)
    texts = [e.text for e in client_detail(db, acme, AS_OF).timeline if e.kind == "handed_over"]
    assert texts == [
        "Handed over for collection: 310.00 owed on 2 invoices; pack written to Collection ACME 2026-09-01"
    ]
    with pytest.raises(LedgerError, match="already handed over"):
        hand_over(db, acme, tmp_path, AS_OF)


def test_nothing_owed_nothing_written(db: Database, tmp_path: Path) -> None:
    paid = client(db, "PAID")
    pay(db, paid, date(2026, 6, 1), "100.00", invoice_id=invoice(db, paid, date(2026, 6, 1)))
    target = tmp_path / "packs"
    with pytest.raises(LedgerError, match="owes nothing"):
        hand_over(db, paid, target, AS_OF)
    assert not target.exists()
