"""Writing to a client's timeline."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from creditdesk.store.models import Activity


def log_activity(
    session: Session,
    client_id: int,
    kind: str,
    text: str,
    *,
    invoice_id: int | None = None,
    at: datetime | None = None,
) -> None:
    session.add(
        Activity(
            client_id=client_id,
            invoice_id=invoice_id,
            kind=kind,
            text=text,
            at=at or datetime.now().replace(microsecond=0),
        )
    )


def on_day(day: date) -> datetime:
    """A moment on ``day`` for an event agreed that day: the timeline shows it where it happened,
    not on the day it was typed in (the clock's time of day only orders entries within the day)."""
    return datetime.combine(day, datetime.now().time().replace(microsecond=0))
