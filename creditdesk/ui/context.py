"""What every window part needs: the open company file, its formats, "today", and change news."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QObject, Signal

from creditdesk.services.company import CompanyInfo
from creditdesk.services.formatting import Formats
from creditdesk.store.database import Database


class Events(QObject):
    """Signals that tell every view to catch up after a user action."""

    ledger_changed = Signal()  # invoices, payments, credit notes or allocations changed
    clients_changed = Signal()  # a client was added, edited, archived or a note logged
    show_client = Signal(int)  # "open this client": switch to the Clients tab and select it


@dataclass
class Workspace:
    db: Database
    company: CompanyInfo
    today: Callable[[], date] = date.today
    events: Events = field(default_factory=Events)

    @property
    def formats(self) -> Formats:
        return Formats(self.company.currency, self.company.locale, self.company.exponent)

    def changed(self) -> None:
        """After a write: every view reloads (clients depend on the ledger too)."""
        self.events.ledger_changed.emit()
        self.events.clients_changed.emit()
