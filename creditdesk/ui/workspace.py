"""What every window part needs: the open company file, its formats, "today", and change news."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QObject, Signal

from creditdesk.domain.aging import AgingReport, Basis
from creditdesk.domain.formats import Formats
from creditdesk.services.company.company_file import Database
from creditdesk.services.company.settings import CompanyInfo
from creditdesk.services.reports.aging import run_aging


class Events(QObject):
    """Signals that tell every view to catch up after a user action."""

    ledger_changed = Signal()  # anything in the books changed: every view reloads (see Workspace.changed)
    clients_changed = Signal()  # only client details changed (views that show nothing else may listen)
    show_client = Signal(int)  # "open this client": switch to the Clients tab and select it


@dataclass
class Workspace:
    db: Database
    company: CompanyInfo
    today: Callable[[], date] = date.today
    events: Events = field(default_factory=Events)
    _aging: dict[tuple[date, Basis], Future[AgingReport]] = field(default_factory=dict, repr=False)
    _aging_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def aging(self, as_of: date, basis: Basis = Basis.DUE) -> AgingReport:
        """The aging, worked out once per change of the books and shared.

        The status bar, the client list and the Aging tab all want today's aging
        when the window opens; on a large company each run takes about half a
        second. Safe to call from worker threads: a second caller waits for the
        run already under way instead of starting another.
        """
        key = (as_of, basis)
        with self._aging_lock:
            future = self._aging.get(key)
            owner = future is None
            if future is None:
                future = self._aging[key] = Future()
        if owner:
            try:
                future.set_result(run_aging(self.db, as_of, basis))
            except BaseException as exc:
                with self._aging_lock:
                    self._aging.pop(key, None)
                future.set_exception(exc)
        return future.result()

    @property
    def formats(self) -> Formats:
        return Formats(self.company.currency, self.company.locale, self.company.exponent)

    def changed(self) -> None:
        """After any write: one signal, so a view listening to both reloads once, not twice."""
        with self._aging_lock:
            self._aging.clear()
        self.events.ledger_changed.emit()
