"""What the imports share: the summary of what an import did, and the company a brand-new file gets."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from sqlalchemy.orm import Session

from creditdesk.domain.errors import LedgerError
from creditdesk.domain.money import format_plain
from creditdesk.imports.clients import ClientIndex, KnownClient
from creditdesk.imports.records import ClientRef
from creditdesk.services.company.settings import create_company_in, currency_for_locale, system_locale
from creditdesk.store.models import Company
from creditdesk.store.queries.imports import StoredClient

NEW_COMPANY_NAME = "My Company"  # what ``ensure_company`` calls a brand-new file's company
REPLANS = 5  # how often a file is compared with the books again when they change meanwhile
Plan = TypeVar("Plan")
Written = TypeVar("Written")


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, in a dry run, would do)."""

    kind: str  # "clients", "invoices" or "payments"
    source: str  # the file's name
    count: int  # rows imported
    dry_run: bool
    currency: str
    exponent: int
    total: Decimal | None = None  # invoices: gross invoiced; payments: money received
    allocated: Decimal | None = None  # payments: applied to invoices
    on_account: Decimal | None = None  # payments: left on the clients' accounts
    company_created: bool = False  # the file had no company; one was made for it
    detail: str = ""  # keeping in step: what was updated, settled and left to look at
    counts: tuple[tuple[str, int], ...] = ()  # more to say, as counts after their labels ("already recorded")

    def describe(self) -> str:
        """What was imported, for "Imported ..." or "Dry run: would import ..." in front of it."""
        if self.detail:  # keeping in step, or a client list: the counts say it all
            text = f"{self.kind} from {self.source}: {self.detail}"
        else:
            noun = self.kind if self.count != 1 else self.kind[:-1]
            text = f"{self.count} {noun} from {self.source}"
        if self.total is not None and not self.detail:
            text += f" totalling {self._money(self.total)}"
        if self.allocated is not None and self.on_account is not None:
            text += (
                f" ({self._money(self.allocated)} allocated to invoices, "
                f"{self._money(self.on_account)} left on account)"
            )
        if self.counts:
            text += "; " + "; ".join(f"{label}: {count}" for label, count in self.counts)
        if self.company_created:
            verb = "would be" if self.dry_run else "was"
            text += f"; the file had no company, so '{NEW_COMPANY_NAME}' ({self.currency}) {verb} created"
        return text

    def _money(self, amount: Decimal) -> str:
        return f"{format_plain(amount, self.exponent)} {self.currency}"


def ensure_import_company(session: Session, currency: str | None = None) -> Company:
    """The file's company; a new file gets one in the system's locale (and the file's currency, if given)."""
    company = session.get(Company, 1)
    if company is not None:
        return company
    locale = system_locale()
    return create_company_in(session, NEW_COMPANY_NAME, currency or currency_for_locale(locale), locale)


class BooksChanged(LedgerError):
    """The books were written to between checking a file and importing it; nothing was written."""

    def __init__(self) -> None:
        super().__init__(
            "The books changed after the file was checked (another window or computer wrote to them), "
            "so nothing was imported; check the file again before importing it."
        )


def replanning(
    plan: Callable[[], Plan], refuse: Callable[[Plan], None], write: Callable[[Plan], Written]
) -> tuple[Plan, Written]:
    """Plan, ``refuse`` a plan with problems, then write; plan again when the books changed in between.

    Another program may write between planning and writing (a file is read
    without holding the write lock, so the window is never kept waiting).
    """
    for attempt in range(1, REPLANS + 1):
        planned = plan()
        refuse(planned)
        try:
            return planned, write(planned)
        except BooksChanged:
            if attempt == REPLANS:
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")


def new_clients_clash(added: list[StoredClient], planned: Iterable[ClientRef]) -> bool:
    """Whether clients others added since a plan was made take a planned client's code or are one of them.

    Any other client added meanwhile (the window's, another file's) leaves the plan as good as it was.
    """
    if not added:
        return False
    taken = {c.code.casefold() for c in added}
    index = ClientIndex(KnownClient(c.id, c.code, c.name, c.email) for c in added)
    return any(
        (ref.code is not None and ref.code.casefold() in taken) or index.match(ref) is not None
        for ref in planned
    )
