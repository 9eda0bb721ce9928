"""Writing to a client's timeline."""

from __future__ import annotations

from datetime import datetime

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
