"""How money received is applied to invoices.

A payment that names an invoice goes to that invoice up to its open amount;
one that names none goes oldest-first. Whatever is left stays on the
client's account: money on account is never applied silently later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby
from operator import attrgetter

from creditdesk.domain.errors import LedgerError, ValidationError

ZERO = Decimal(0)
_DATES = attrgetter("due_date", "issue_date")


def natural_key(number: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts INV-9 before INV-10."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", number) if part
    )


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    number: str
    issue_date: date
    due_date: date
    open_amount: Decimal


@dataclass(frozen=True)
class Allocation:
    invoice_id: int
    amount: Decimal


@dataclass(frozen=True)
class AllocationResult:
    allocations: tuple[Allocation, ...]
    on_account: Decimal

    @property
    def allocated(self) -> Decimal:
        return sum((a.amount for a in self.allocations), ZERO)


def oldest_first(invoices: Iterable[OpenInvoice]) -> list[OpenInvoice]:
    """By due date, then issue date, then number (INV-9 before INV-10).

    The number's key is worked out only where both dates are the same: an
    import orders tens of thousands of open invoices, and few share both.
    """
    ordered: list[OpenInvoice] = []
    for _, run in groupby(sorted(invoices, key=_DATES), _DATES):
        same = list(run)
        if len(same) > 1:
            same.sort(key=lambda i: natural_key(i.number))
        ordered.extend(same)
    return ordered


def allocate_payment(
    amount: Decimal,
    payment_date: date,
    open_invoices: Iterable[OpenInvoice],
    named_invoice_id: int | None = None,
) -> AllocationResult:
    """Apply ``amount`` by the house rules and return what goes where."""
    if amount <= ZERO:
        raise ValidationError(f"a payment must be more than zero (got {amount})")
    invoices = [i for i in open_invoices if i.open_amount > ZERO]
    if named_invoice_id is not None:
        targets = [i for i in invoices if i.id == named_invoice_id]
    else:
        targets = oldest_first(i for i in invoices if i.issue_date <= payment_date)
    return apply_in_order(amount, ((i.id, i.open_amount) for i in targets))


def apply_in_order(amount: Decimal, targets: Iterable[tuple[int, Decimal]]) -> AllocationResult:
    """Apply ``amount`` to ``(invoice id, open amount)`` pairs in their order, each up to its open amount."""
    remaining = amount
    allocations: list[Allocation] = []
    for invoice_id, open_amount in targets:
        if remaining <= ZERO:
            break
        applied = min(remaining, open_amount)
        allocations.append(Allocation(invoice_id, applied))
        remaining -= applied
    return AllocationResult(tuple(allocations), remaining)


class OpenBook:
    """One client's open invoices while many payments are applied in turn (an import of a whole file).

    Each ``pay`` gives what ``allocate_payment`` would give over the invoices'
    open amounts at that moment, and lowers them by it; the oldest-first order
    is worked out once, not for every payment.
    """

    def __init__(self, invoices: Iterable[OpenInvoice]) -> None:
        ordered = oldest_first(i for i in invoices if i.open_amount > ZERO)
        self._order = [i.id for i in ordered]
        self._issued = {i.id: i.issue_date for i in ordered}
        self.open = {i.id: i.open_amount for i in ordered}  # what is still owed on each, as payments go in
        self._start = 0  # invoices before it in the order are settled

    def pay(
        self, amount: Decimal, payment_date: date, named_invoice_id: int | None = None
    ) -> AllocationResult:
        if amount <= ZERO:
            raise ValidationError(f"a payment must be more than zero (got {amount})")
        open_now = self.open
        if named_invoice_id is not None:
            owed = open_now.get(named_invoice_id, ZERO)
            targets: Iterable[tuple[int, Decimal]] = [(named_invoice_id, owed)] if owed > ZERO else []
        else:
            order, start = self._order, self._start
            while start < len(order) and open_now[order[start]] <= ZERO:
                start += 1
            self._start = start
            issued = self._issued
            targets = (
                (order[k], open_now[order[k]])
                for k in range(start, len(order))
                if open_now[order[k]] > ZERO and issued[order[k]] <= payment_date
            )
        result = apply_in_order(amount, targets)
        for allocation in result.allocations:
            open_now[allocation.invoice_id] -= allocation.amount
        return result


def check_allocations(
    available: Decimal,
    open_amounts: Mapping[int, Decimal],
    requested: Iterable[Allocation],
) -> Decimal:
    """Validate allocations chosen by hand; return what stays on account.

    No allocation may exceed its invoice's open amount, and together they may
    not exceed the money available.
    """
    total = ZERO
    per_invoice: dict[int, Decimal] = {}
    for alloc in requested:
        if alloc.amount <= ZERO:
            raise LedgerError("an allocation must be more than zero")
        if alloc.invoice_id not in open_amounts:
            raise LedgerError("money can only be allocated to an open invoice of the same client")
        per_invoice[alloc.invoice_id] = per_invoice.get(alloc.invoice_id, ZERO) + alloc.amount
        total += alloc.amount
    for invoice_id, amount in per_invoice.items():
        if amount > open_amounts[invoice_id]:
            raise LedgerError(
                f"{amount} is more than the invoice's open amount of {open_amounts[invoice_id]}"
            )
    if total > available:
        raise LedgerError(f"allocations of {total} are more than the {available} available")
    return available - total
