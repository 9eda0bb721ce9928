"""Promises to pay: open, kept or broken as of any date.

A promise covers some invoices of one client: "we will pay ``amount`` by
``promised_date``". While it is open, reminders for those invoices pause.

The rules, exactly as implemented:

1. Kept. Money received on the covered invoices (payments and credit notes
   alike) from ``made_on`` to ``promised_date`` inclusive adds up to the
   amount promised; or the covered invoices were cleared by the promised
   date (``open_now`` is zero and the last money received came no later
   than that day). A kept promise stays kept.
2. Broken. ``as_of`` is after the promised date and it was not kept: it
   breaks on the day after the promised date. Money that arrives later
   does not mend it (the record says what happened).
3. Open. Otherwise, including a promise judged before the day it was made.

Chasing resumes after a broken promise "at the stage it had reached":
the reminder planner reads the history of what was sent, so nothing needs
replaying here; the invoices simply stop being paused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from creditdesk.domain.errors import ValidationError

ZERO = Decimal(0)


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"


@dataclass(frozen=True)
class Promise:
    id: int
    client_id: int
    invoice_ids: frozenset[int]
    amount: Decimal
    promised_date: date
    made_on: date

    def __post_init__(self) -> None:
        if not self.invoice_ids:
            raise ValidationError("a promise to pay must cover at least one invoice")
        if self.amount <= ZERO:
            raise ValidationError(f"the promised amount must be more than zero (not {self.amount})")
        if self.promised_date < self.made_on:
            raise ValidationError(
                f"the promised date {self.promised_date.isoformat()} is before the day the promise "
                f"was made ({self.made_on.isoformat()}); pick a later date"
            )

    @property
    def broken_on(self) -> date:
        """The first day the promise counts as broken if nothing came in."""
        return self.promised_date + timedelta(days=1)


@dataclass(frozen=True)
class PromiseCheck:
    status: PromiseStatus
    received: Decimal  # counted towards the promise: within made_on..promised_date, by as_of
    kept_on: date | None  # the day it was kept
    broken_on: date | None  # the day it broke


def check_promise(
    promise: Promise, receipts: Iterable[tuple[date, Decimal]], open_now: Decimal, as_of: date
) -> PromiseCheck:
    """The promise as of ``as_of``, by the module rules.

    ``receipts`` is the money applied to the covered invoices with its date
    (any dates; those after ``as_of`` are ignored); ``open_now`` is what the
    covered invoices still owed on ``as_of``.
    """
    known = sorted((on, amount) for on, amount in receipts if on <= as_of)
    window_end = min(promise.promised_date, as_of)
    received = ZERO
    kept_on: date | None = None
    for on, amount in known:
        if promise.made_on <= on <= window_end:
            received += amount
            if kept_on is None and received >= promise.amount:
                kept_on = on
    if kept_on is None and open_now <= ZERO:
        cleared_on = known[-1][0] if known else promise.made_on
        if cleared_on <= promise.promised_date:
            kept_on = max(cleared_on, promise.made_on)
    if kept_on is not None:
        return PromiseCheck(PromiseStatus.KEPT, received, kept_on, None)
    if as_of > promise.promised_date:
        return PromiseCheck(PromiseStatus.BROKEN, received, None, promise.broken_on)
    return PromiseCheck(PromiseStatus.OPEN, received, None, None)


def promise_status(
    promise: Promise, receipts: Iterable[tuple[date, Decimal]], open_now: Decimal, as_of: date
) -> PromiseStatus:
    return check_promise(promise, receipts, open_now, as_of).status


def check_promises(
    promises: Iterable[Promise],
    receipts_by_invoice: Mapping[int, Sequence[tuple[date, Decimal]]],
    open_by_invoice: Mapping[int, Decimal],
    as_of: date,
) -> dict[int, PromiseCheck]:
    """Every promise made by ``as_of``, by id, judged from per-invoice receipts and open amounts."""
    result: dict[int, PromiseCheck] = {}
    for promise in promises:
        if promise.made_on > as_of:
            continue
        receipts = [r for i in sorted(promise.invoice_ids) for r in receipts_by_invoice.get(i, ())]
        open_now = sum((open_by_invoice.get(i, ZERO) for i in promise.invoice_ids), ZERO)
        result[promise.id] = check_promise(promise, receipts, open_now, as_of)
    return result


def paused_invoice_ids(
    promises: Iterable[Promise],
    receipts_by_invoice: Mapping[int, Sequence[tuple[date, Decimal]]],
    open_by_invoice: Mapping[int, Decimal],
    as_of: date,
) -> frozenset[int]:
    """Invoices under a promise that is open as of ``as_of``: the planner leaves them alone."""
    promises = list(promises)
    checks = check_promises(promises, receipts_by_invoice, open_by_invoice, as_of)
    return frozenset(
        invoice_id
        for promise in promises
        if promise.id in checks and checks[promise.id].status is PromiseStatus.OPEN
        for invoice_id in promise.invoice_ids
    )


@dataclass(frozen=True)
class PromiseRecord:
    kept: int
    broken: int

    @property
    def judged(self) -> int:
        return self.kept + self.broken


def promise_record(statuses: Iterable[PromiseStatus]) -> PromiseRecord:
    """Kept against broken, for payment behaviour; open promises are not judged yet."""
    kept = broken = 0
    for status in statuses:
        kept += status is PromiseStatus.KEPT
        broken += status is PromiseStatus.BROKEN
    return PromiseRecord(kept, broken)
