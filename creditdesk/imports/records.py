"""The normalised records a source is read into: one per invoice, whatever system wrote the file.

Immutable named tuples, as a file can hold hundreds of thousands of them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple


class SourceStatus(StrEnum):
    """What the file says of an invoice, in CreditDesk's terms."""

    DRAFT = "draft"  # not sent yet: imported as a draft or left out
    VOID = "void"  # cancelled, deleted or written off: not owed
    PAID = "paid"
    OPEN = "open"  # sent and not (fully) paid, overdue or not


class ClientRef(NamedTuple):
    """The client as the file names it; any of the keys may be missing, not all of them."""

    name: str | None
    code: str | None = None
    email: str | None = None


class LineItem(NamedTuple):
    line: int
    description: str
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None


class InvoiceRecord(NamedTuple):
    """One invoice, its figures exact, with the lines of the file it came from.

    ``total`` is the gross invoiced; an aging report states only what is still
    due, so there it is None and ``amount_due`` carries the figure.
    """

    lines: tuple[int, ...]
    number: str
    client: ClientRef
    issue_date: date
    due_date: date | None
    terms_days: int | None
    total: Decimal | None
    amount_due: Decimal | None
    amount_paid: Decimal | None
    currency: str
    status: SourceStatus
    reference: str = ""
    items: tuple[LineItem, ...] = ()
    is_credit: bool = False  # a credit note (money owed back), its figures negative

    @property
    def line(self) -> int:
        return self.lines[0]
