"""Aged debts as of any date.

The bucket definitions live here once. Two evaluators use them: the pure
``aging_report`` below (the reference, used for statements and small sets)
and the SQL aggregate in the store (for a whole company at speed), which is
built from ``bucket_cutoffs``. Both end in ``assemble_report``, so a figure
is put together one way only; tests check the two agree.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal(0)


class Basis(StrEnum):
    DUE = "due"  # days past the due date
    INVOICE = "invoice"  # days since the issue date


@dataclass(frozen=True)
class Bucket:
    key: str
    low: int | None  # inclusive lower bound in days; None = unbounded
    high: int | None  # inclusive upper bound in days; None = unbounded

    def holds(self, days: int) -> bool:
        return (self.low is None or days >= self.low) and (self.high is None or days <= self.high)


BUCKETS: dict[Basis, tuple[Bucket, ...]] = {
    Basis.DUE: (
        Bucket("current", None, 0),
        Bucket("1-30", 1, 30),
        Bucket("31-60", 31, 60),
        Bucket("61-90", 61, 90),
        Bucket("90+", 91, None),
    ),
    Basis.INVOICE: (
        Bucket("0-30", None, 30),
        Bucket("31-60", 31, 60),
        Bucket("61-90", 61, 90),
        Bucket("90+", 91, None),
    ),
}


def bucket_keys(basis: Basis) -> tuple[str, ...]:
    return tuple(b.key for b in BUCKETS[basis])


def age_in_days(as_of: date, issue_date: date, due_date: date, basis: Basis) -> int:
    reference = due_date if basis is Basis.DUE else issue_date
    return (as_of - reference).days


def bucket_index(days: int, basis: Basis) -> int:
    for index, bucket in enumerate(BUCKETS[basis]):
        if bucket.holds(days):
            return index
    raise AssertionError(f"no bucket holds {days} days")  # pragma: no cover - buckets cover all integers


def bucket_cutoffs(as_of: date, basis: Basis) -> tuple[date, ...]:
    """Dates that split a reference date into buckets, for a SQL ``CASE``.

    An item is in bucket ``i`` for the first ``i`` with ``reference > cutoffs[i]``,
    otherwise in the last bucket. (days >= low  <=>  reference <= as_of - low.)
    """
    lows = [b.low for b in BUCKETS[basis][1:]]
    return tuple(as_of - timedelta(days=low) for low in lows if low is not None)


@dataclass(frozen=True)
class ClientRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class LedgerInvoice:
    """An issued (not draft, not void) invoice."""

    id: int
    client_id: int
    issue_date: date
    due_date: date
    gross: Decimal


@dataclass(frozen=True)
class LedgerReceipt:
    """Money in the client's favour: a payment or a credit note."""

    client_id: int
    date: date
    amount: Decimal


@dataclass(frozen=True)
class LedgerAllocation:
    """Part of a receipt applied to an invoice, effective from ``date``."""

    invoice_id: int
    date: date
    amount: Decimal


@dataclass(frozen=True)
class AgingRow:
    client_id: int
    client_code: str
    client_name: str
    buckets: tuple[Decimal, ...]
    unallocated: Decimal  # money on account, as a negative figure

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, ZERO) + self.unallocated

    @property
    def overdue(self) -> Decimal:
        """Everything past its due date (all but the first bucket on the due basis)."""
        return sum(self.buckets[1:], ZERO)

    def amount(self, key: str, keys: tuple[str, ...]) -> Decimal:
        return self.buckets[keys.index(key)]


@dataclass(frozen=True)
class AgingTotals:
    buckets: tuple[Decimal, ...]
    unallocated: Decimal

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, ZERO) + self.unallocated


@dataclass(frozen=True)
class AgingReport:
    as_of: date
    basis: Basis
    rows: tuple[AgingRow, ...]
    totals: AgingTotals

    @property
    def bucket_keys(self) -> tuple[str, ...]:
        return bucket_keys(self.basis)

    def row_for(self, client_id: int) -> AgingRow | None:
        return next((r for r in self.rows if r.client_id == client_id), None)


# Letters Unicode does not split into base letter + accent.
_UNDECOMPOSABLE = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe", "þ": "th"})


def sort_key(name: str) -> str:
    """Alphabetical as people expect: accents and case do not move a name (Böhm sits by Bohm)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(_UNDECOMPOSABLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def assemble_report(
    as_of: date,
    basis: Basis,
    clients: Mapping[int, ClientRef],
    open_sums: Iterable[tuple[int, int, Decimal]],
    unallocated: Mapping[int, Decimal],
) -> AgingReport:
    """Build the report from open money per (client, bucket index) and money on account.

    ``unallocated`` holds positive amounts on account; the report shows them negative.
    """
    width = len(BUCKETS[basis])
    per_client: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO] * width)
    for client_id, index, amount in open_sums:
        per_client[client_id][index] += amount
    rows = []
    for client_id in set(per_client) | set(unallocated):
        amounts = tuple(per_client.get(client_id, [ZERO] * width))
        on_account = -unallocated.get(client_id, ZERO)
        if all(a == ZERO for a in amounts) and on_account == ZERO:
            continue
        ref = clients[client_id]
        rows.append(AgingRow(client_id, ref.code, ref.name, amounts, on_account))
    rows.sort(key=lambda r: (sort_key(r.client_name), r.client_code))
    totals = AgingTotals(
        tuple(sum((r.buckets[i] for r in rows), ZERO) for i in range(width)),
        sum((r.unallocated for r in rows), ZERO),
    )
    return AgingReport(as_of, basis, tuple(rows), totals)


def open_amounts(
    invoices: Iterable[LedgerInvoice], allocations: Iterable[LedgerAllocation], as_of: date
) -> dict[int, Decimal]:
    """Each invoice issued by ``as_of`` with what was still owed on it that day."""
    applied: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for alloc in allocations:
        if alloc.date <= as_of:
            applied[alloc.invoice_id] += alloc.amount
    return {inv.id: inv.gross - applied[inv.id] for inv in invoices if inv.issue_date <= as_of}


def aging_report(
    invoices: Iterable[LedgerInvoice],
    allocations: Iterable[LedgerAllocation],
    receipts: Iterable[LedgerReceipt],
    clients: Mapping[int, ClientRef],
    as_of: date,
    basis: Basis = Basis.DUE,
) -> AgingReport:
    """The reference aging: invoices issued by ``as_of``, money applied by ``as_of``."""
    invoices = list(invoices)
    allocations = list(allocations)
    owed = open_amounts(invoices, allocations, as_of)
    by_id = {inv.id: inv for inv in invoices}
    sums = []
    applied_per_client: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for invoice_id, amount in owed.items():
        inv = by_id[invoice_id]
        applied_per_client[inv.client_id] += inv.gross - amount
        if amount != ZERO:
            days = age_in_days(as_of, inv.issue_date, inv.due_date, basis)
            sums.append((inv.client_id, bucket_index(days, basis), amount))
    received: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for receipt in receipts:
        if receipt.date <= as_of:
            received[receipt.client_id] += receipt.amount
    on_account = {
        client_id: received[client_id] - applied_per_client[client_id]
        for client_id in set(received) | set(applied_per_client)
    }
    return assemble_report(as_of, basis, clients, sums, on_account)
