"""What every window part needs: the open company file, its formats, "today", and change news."""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QObject, Signal

from creditdesk.domain.aging import AgingReport, Basis
from creditdesk.domain.formats import Formats
from creditdesk.services.company.company_file import ChangeWatcher, Database
from creditdesk.services.company.settings import CompanyInfo
from creditdesk.services.reports.aging import run_aging


class Change(enum.Flag):
    """What a user action changed, so that only the views showing it reload."""

    LEDGER = enum.auto()  # invoices, credit notes, payments, interest: balances and aging
    CLIENTS = enum.auto()  # client details, chasing settings, credit limits and holds, archiving
    ARRANGEMENTS = enum.auto()  # promises, payment plans, disputes
    TIMELINE = enum.auto()  # conversations and notes on a client's timeline
    OUTBOX = enum.auto()  # reminders queued, edited, approved or sent
    SETTINGS = enum.auto()  # company settings, reminder schedules, the mail account
    BANK = enum.auto()  # bank entries confirmed, assigned, ignored or undone; payers remembered
    EVERYTHING = LEDGER | CLIENTS | ARRANGEMENTS | TIMELINE | OUTBOX | SETTINGS | BANK


# What the shared aging depends on: a note or a queued reminder leaves it as it was.
AGING_INPUTS = Change.LEDGER | Change.CLIENTS | Change.ARRANGEMENTS


class Events(QObject):
    """Signals that tell the views to catch up after a user action."""

    changed = Signal(object)  # a Change: what the action changed (see Workspace.changed)
    show_client = Signal(int)  # "open this client": switch to the Clients tab and select it


@dataclass
class Workspace:
    db: Database
    company: CompanyInfo
    today: Callable[[], date] = date.today
    events: Events = field(default_factory=Events)
    # Set by the window that shows these books: it polls for changes made elsewhere.
    watcher: ChangeWatcher | None = field(default=None, repr=False)
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

    def changed(self, what: Change = Change.EVERYTHING) -> None:
        """After a write: say what it changed; the views that show it reload (hidden ones when shown)."""
        if what & AGING_INPUTS:
            with self._aging_lock:
                self._aging.clear()
        if self.watcher is not None:
            self.watcher.changed()  # this window's own write, already told: not news from elsewhere
        self.events.changed.emit(what)

    def refresh(self) -> None:
        """Reread everything: the company file may have been changed from outside this window."""
        self.changed(Change.EVERYTHING)
