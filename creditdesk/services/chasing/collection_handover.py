"""Handing a debt over to a collection agency or the small-claims court.

The pack is what they ask for: a statement of the open items, a copy of
each open invoice, the open items as a CSV and the account's history (every
contact, reminder and payment) as a PDF. It is written into a new folder
beside nothing else, all files or none, and only then is the client marked
handed over, after which the reminders never chase it again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from creditdesk.documents.model import StatementStyle, TimelineDocEntry, TimelineDocument
from creditdesk.domain.errors import LedgerError, NotFoundError, ValidationError
from creditdesk.domain.formats import Formats
from creditdesk.domain.money import format_plain
from creditdesk.services.clients.overview import TimelineEntry, client_detail
from creditdesk.services.imports.csv_io import write_csv
from creditdesk.services.reports.invoice_print import (
    addressee_of,
    invoice_file_name,
    invoice_pdf,
    letterhead_in,
    safe_file_part,
)
from creditdesk.services.reports.statements import StatementRequest, statement_file_name, statement_pdf
from creditdesk.store.activity import log_activity
from creditdesk.store.database import Database
from creditdesk.store.models import Client
from creditdesk.store.queries.company import company_exponent
from creditdesk.store.unit_of_work import UnitOfWork

OPEN_ITEMS_CSV = "Open items.csv"
TIMELINE_PDF = "Account history.pdf"
OPEN_ITEM_COLUMNS = ("invoice", "issue_date", "due_date", "reference", "gross", "open", "days_overdue")


@dataclass(frozen=True)
class HandOverPack:
    folder: Path
    files: tuple[Path, ...]


def pack_folder_name(client_code: str, as_of: date) -> str:
    return f"Collection {safe_file_part(client_code)} {as_of.isoformat()}"


def _entry_text(entry: TimelineEntry, formats: Formats) -> str:
    parts = [entry.number] if entry.number else []
    if entry.amount is not None:
        parts.append(formats.money(entry.amount))
    if entry.due_date is not None:
        parts.append(f"due {formats.day(entry.due_date)}")
    if entry.reference:
        parts.append(f"ref. {entry.reference}")
    if entry.text:
        parts.append(entry.text)
    if entry.applied_to:
        parts.append("applied to " + ", ".join(entry.applied_to))
    return " · ".join(parts)


def timeline_document(db: Database, client_id: int, as_of: date) -> TimelineDocument:
    """The client's timeline up to ``as_of``, oldest first, as the history PDF prints it."""
    detail = client_detail(db, client_id, as_of)
    with UnitOfWork(db) as uow:
        head = letterhead_in(uow.session)
        client = uow.session.get(Client, client_id)
        assert client is not None
        addressee = addressee_of(client)
    entries = tuple(
        TimelineDocEntry(e.at or e.day, e.label, _entry_text(e, head.formats))
        for e in reversed(detail.timeline)
        if e.day <= as_of
    )
    return TimelineDocument(head.branding, head.formats, addressee, as_of, entries)


def timeline_pdf(db: Database, client_id: int, as_of: date) -> bytes:
    from creditdesk.documents.timeline import render_timeline  # ReportLab loads only when printing

    return render_timeline(timeline_document(db, client_id, as_of))


def hand_over(db: Database, client_id: int, folder: Path, as_of: date) -> HandOverPack:
    """Write the pack into a new folder inside ``folder``, then mark the client handed over on ``as_of``."""
    with UnitOfWork(db) as uow:
        client = uow.session.get(Client, client_id)
        if client is None:
            raise NotFoundError("this client no longer exists")
        if client.handed_over_on is not None:
            raise LedgerError(f"{client.name} was already handed over on {client.handed_over_on.isoformat()}")
        code = client.code
        exponent = company_exponent(uow.session.connection())
    detail = client_detail(db, client_id, as_of)
    if not detail.open_invoices:
        raise LedgerError(f"{detail.name} owes nothing on {as_of.isoformat()}; there is nothing to hand over")
    target = Path(folder) / pack_folder_name(code, as_of)
    if target.exists():
        raise ValidationError(f"{target} already exists; choose another folder or move it away first")
    Path(folder).mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".collection-", dir=folder))
    try:
        files = {
            statement_file_name(code, as_of): statement_pdf(
                db, client_id, StatementRequest(as_of, StatementStyle.OPEN_ITEMS)
            )
        }
        for item in detail.open_invoices:
            files[invoice_file_name(item.number)] = invoice_pdf(db, item.id)
        files[TIMELINE_PDF] = timeline_pdf(db, client_id, as_of)
        for name, data in files.items():
            (staging / name).write_bytes(data)
        with (staging / OPEN_ITEMS_CSV).open("w", encoding="utf-8-sig", newline="") as stream:
            write_csv(
                (
                    {
                        "invoice": item.number,
                        "issue_date": item.issue_date.isoformat(),
                        "due_date": item.due_date.isoformat(),
                        "reference": item.reference,
                        "gross": format_plain(item.gross, exponent),
                        "open": format_plain(item.open, exponent),
                        "days_overdue": str(item.days_overdue),
                    }
                    for item in detail.open_invoices
                ),
                stream,
                fieldnames=OPEN_ITEM_COLUMNS,
            )
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    with UnitOfWork(db, write=True) as uow:
        client = uow.session.get(Client, client_id)
        assert client is not None
        client.handed_over_on = as_of
        client.do_not_chase = True
        log_activity(
            uow.session,
            client_id,
            "handed_over",
            f"Handed over for collection: {format_plain(detail.balance, exponent)} owed on "
            f"{len(detail.open_invoices)} invoices; pack written to {target.name}",
        )
        uow.commit()
    names = sorted([*files, OPEN_ITEMS_CSV])
    return HandOverPack(target, tuple(target / n for n in names))
