"""Disputed invoices: why, for how long, and how it ended.

A dispute takes its invoice out of the chasing schedule until it is
resolved; resolving it records the outcome and the invoice goes back to
the schedule (the planner's history keeps the stage it had reached).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from creditdesk.domain.errors import ValidationError

DEFAULT_WAITING_DAYS = 14  # after this long an open dispute shows in Today as waiting too long


class DisputeReason(StrEnum):
    PRICE = "price"
    QUALITY = "quality"
    NOT_RECEIVED = "not_received"
    WRONG_PO = "wrong_po"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


class DisputeOutcome(StrEnum):
    CREDIT_NOTE = "credit_note"  # a credit note for the whole disputed amount
    RESOLVED_IN_OUR_FAVOUR = "in_our_favour"
    PARTIAL_CREDIT = "partial_credit"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_REASON_LABELS = {
    DisputeReason.PRICE: "Price",
    DisputeReason.QUALITY: "Quality",
    DisputeReason.NOT_RECEIVED: "Not received",
    DisputeReason.WRONG_PO: "Wrong PO",
    DisputeReason.OTHER: "Other",
}
_OUTCOME_LABELS = {
    DisputeOutcome.CREDIT_NOTE: "Credit note raised",
    DisputeOutcome.RESOLVED_IN_OUR_FAVOUR: "Resolved in our favour",
    DisputeOutcome.PARTIAL_CREDIT: "Partial credit",
}


@dataclass(frozen=True)
class Dispute:
    id: int
    invoice_id: int
    reason: DisputeReason
    opened_on: date
    notes: str = ""
    resolved_on: date | None = None
    outcome: DisputeOutcome | None = None

    def __post_init__(self) -> None:
        if self.reason is DisputeReason.OTHER and not self.notes.strip():
            raise ValidationError("a dispute for another reason needs a note saying what it is about")
        if (self.resolved_on is None) != (self.outcome is None):
            raise ValidationError("a resolved dispute needs both the date it was resolved and the outcome")
        if self.resolved_on is not None and self.resolved_on < self.opened_on:
            raise ValidationError(
                f"the dispute cannot be resolved on {self.resolved_on.isoformat()}, "
                f"before it was opened on {self.opened_on.isoformat()}"
            )

    def is_open(self, as_of: date) -> bool:
        return self.opened_on <= as_of and (self.resolved_on is None or self.resolved_on > as_of)

    def age_days(self, as_of: date) -> int:
        """Days open: to ``as_of`` while open, to the day it was resolved after that."""
        end = as_of if self.resolved_on is None or self.resolved_on > as_of else self.resolved_on
        return max(0, (end - self.opened_on).days)


def disputed_invoice_ids(disputes: Iterable[Dispute], as_of: date) -> frozenset[int]:
    """Invoices with a dispute open on ``as_of``: the planner leaves them out."""
    return frozenset(d.invoice_id for d in disputes if d.is_open(as_of))


def waiting_too_long(
    disputes: Iterable[Dispute], as_of: date, days: int = DEFAULT_WAITING_DAYS
) -> tuple[Dispute, ...]:
    """Open disputes at least ``days`` old, oldest first, for the Today list."""
    found = [d for d in disputes if d.is_open(as_of) and d.age_days(as_of) >= days]
    return tuple(sorted(found, key=lambda d: (d.opened_on, d.id)))
