"""Row versions: an edit made through a form never overwrites someone else's newer change unseen.

A form remembers the version of the record it showed; saving it checks that the
record is still at that version and raises it by one. Writers take turns (one
write transaction at a time, on a file and on a server), so the check and the
save cannot interleave with another writer's.
"""

from __future__ import annotations

from creditdesk.domain.errors import ChangedElsewhere
from creditdesk.store.models import Client, Invoice


def refuse_if_changed(record: Client | Invoice, read_at: int | None) -> None:
    """Refuse a form read at version ``read_at`` when the record has moved on since."""
    if read_at is not None and record.version != read_at:
        what = f"Client {record.name}" if isinstance(record, Client) else f"Invoice {record.number}"
        raise ChangedElsewhere(what)
