"""Conversations with clients: calls, emails received, meetings and notes, and their follow-ups.

Each one is also written on the client's timeline, so the timeline stays the
one record of everything that happened; the conversation row keeps what the
Today list needs (the follow-up date and whether it was done).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from creditdesk.domain.errors import NotFoundError, ValidationError
from creditdesk.domain.validation import check_text
from creditdesk.services.arrangements.promises import checked_invoices
from creditdesk.store.activity import log_activity
from creditdesk.store.database import Database
from creditdesk.store.models import Client, Conversation, ConversationInvoice, Invoice
from creditdesk.store.unit_of_work import UnitOfWork

TEXT_MAX_LENGTH = 4000


class ConversationKind(StrEnum):
    CALL = "call"
    EMAIL = "email"  # an email received from the client
    MEETING = "meeting"
    NOTE = "note"

    @property
    def label(self) -> str:
        return {"call": "Call", "email": "Email received", "meeting": "Meeting", "note": "Note"}[self.value]


@dataclass(frozen=True)
class ConversationInput:
    client_id: int
    kind: ConversationKind
    at: datetime
    outcome: str = ""
    notes: str = ""
    follow_up_on: date | None = None
    invoice_ids: Sequence[int] = ()


@dataclass(frozen=True)
class FollowUp:
    conversation_id: int
    client_id: int
    client_name: str
    kind: ConversationKind
    at: datetime
    follow_up_on: date
    outcome: str
    notes: str
    invoice_numbers: tuple[str, ...]


def timeline_text(kind: ConversationKind, outcome: str, notes: str, follow_up_on: date | None) -> str:
    parts = [kind.label]
    if outcome:
        parts.append(f"outcome: {outcome}")
    text = ", ".join(parts)
    if notes:
        text += f". {notes}"
    if follow_up_on is not None:
        text += f" (follow up on {follow_up_on.isoformat()})"
    return text


def log_conversation(db: Database, data: ConversationInput) -> int:
    """Record a conversation and put it on the client's timeline (one entry per invoice named, or one)."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        client = session.get(Client, data.client_id)
        if client is None:
            raise NotFoundError("this client no longer exists")
        outcome = check_text(data.outcome, field="the outcome", max_length=TEXT_MAX_LENGTH)
        notes = check_text(data.notes, field="the notes", max_length=TEXT_MAX_LENGTH)
        if not (outcome or notes):
            raise ValidationError("say what was said: an outcome or a note")
        if data.follow_up_on is not None and data.follow_up_on < data.at.date():
            raise ValidationError(
                f"the follow-up date {data.follow_up_on.isoformat()} is before the conversation; "
                "pick a later one"
            )
        ids = (
            checked_invoices(session, client.id, data.invoice_ids, "conversation") if data.invoice_ids else []
        )
        row = Conversation(
            client_id=client.id,
            kind=data.kind.value,
            at=data.at.replace(microsecond=0),
            outcome=outcome,
            notes=notes,
            follow_up_on=data.follow_up_on,
            follow_up_done=False,
            invoices=[ConversationInvoice(invoice_id=i) for i in ids],
        )
        session.add(row)
        session.flush()
        text = timeline_text(data.kind, outcome, notes, data.follow_up_on)
        targets: list[int | None] = list(ids) or [None]
        for invoice_id in targets:
            log_activity(session, client.id, data.kind.value, text, invoice_id=invoice_id, at=row.at)
        uow.commit()
        return row.id


def complete_follow_up(db: Database, conversation_id: int) -> None:
    """The follow-up was done: it leaves the Today list."""
    with UnitOfWork(db, write=True) as uow:
        row = uow.session.get(Conversation, conversation_id)
        if row is None:
            raise NotFoundError("this conversation no longer exists")
        row.follow_up_done = True
        uow.commit()


def follow_ups_due(db: Database, as_of: date) -> list[FollowUp]:
    """Follow-ups not yet done that fall on or before ``as_of``, the oldest first."""
    with UnitOfWork(db) as uow:
        session = uow.session
        query = (
            select(Conversation, Client.name)
            .join(Client, Client.id == Conversation.client_id)
            .options(selectinload(Conversation.invoices))
            .where(Conversation.follow_up_on <= as_of, Conversation.follow_up_done.is_(False))
            .order_by(Conversation.follow_up_on, Conversation.id)
        )
        found = session.execute(query).all()
        ids = {link.invoice_id for row, _ in found for link in row.invoices}
        numbers = (
            dict(session.execute(select(Invoice.id, Invoice.number).where(Invoice.id.in_(ids))).all())
            if ids
            else {}
        )
        result = []
        for row, name in found:
            assert row.follow_up_on is not None
            result.append(
                FollowUp(
                    conversation_id=row.id,
                    client_id=row.client_id,
                    client_name=name,
                    kind=ConversationKind(row.kind),
                    at=row.at,
                    follow_up_on=row.follow_up_on,
                    outcome=row.outcome,
                    notes=row.notes,
                    invoice_numbers=tuple(sorted(numbers[link.invoice_id] for link in row.invoices)),
                )
            )
        return result
