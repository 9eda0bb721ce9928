"""Payment plans: a debt split into dated instalments, and how the plan is going.

The rules, exactly as implemented:

1. Instalments. Equal amounts are the total divided by the count, rounded
   down to the minor unit; the remainder goes on the last instalment, so
   the instalments add up to the total exactly and the last is never the
   smallest. Custom amounts must add up to the total.
2. Dates. Weekly and fortnightly instalments fall every 7 or 14 days from
   the first date. Monthly ones keep the first date's day of the month
   where the month has it and fall on the month's last day otherwise,
   always counted from the first date (31 Jan, 28/29 Feb, 31 Mar, 30 Apr).
3. Allocation. Payments towards the plan, in date order, fill the oldest
   instalment first; what is left flows to the next; anything beyond the
   last instalment is reported as unallocated.
4. Status as of a date. COMPLETED when every instalment is paid. BROKEN
   once an instalment is still unpaid more than ``grace_days`` after its
   due date (it breaks on due + grace + 1 day); a broken plan stays broken
   even if the money arrives later, until it is completed. KEPT otherwise.
5. Nudges, only while the plan is kept, one per instalment per kind: a
   gentle "coming up" reminder from ``lead_days`` before the due date to the
   due date, and a "missed" nudge from the day after the due date to the
   end of the grace period. Each carries a key that does not depend on the
   day, so the caller can tell it has already been sent.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.money import format_plain, quantum, round_money

ZERO = Decimal(0)
DEFAULT_GRACE_DAYS = 7
DEFAULT_LEAD_DAYS = 3


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class PlanStatus(StrEnum):
    KEPT = "kept"
    BROKEN = "broken"
    COMPLETED = "completed"


class NudgeKind(StrEnum):
    COMING_UP = "coming_up"
    MISSED = "missed"


@dataclass(frozen=True)
class PaymentPlan:
    id: int
    client_id: int
    invoice_ids: frozenset[int]
    total: Decimal
    first_date: date
    frequency: Frequency
    count: int | None = None  # equal instalments...
    custom_amounts: tuple[Decimal, ...] | None = None  # ...or these, in order
    grace_days: int = DEFAULT_GRACE_DAYS
    exponent: int = 2

    def __post_init__(self) -> None:
        if not self.invoice_ids:
            raise ValidationError("a payment plan must cover at least one invoice")
        if self.total <= ZERO:
            raise ValidationError(f"a payment plan needs an amount above zero (not {self.total})")
        if self.total != round_money(self.total, self.exponent):
            raise ValidationError(f"the plan total {self.total} has more than {self.exponent} decimal places")
        if self.grace_days < 0:
            raise ValidationError(f"the grace period cannot be negative ({self.grace_days} days)")
        if (self.count is None) == (self.custom_amounts is None):
            raise ValidationError("give either a number of equal instalments or the amount of each one")
        if self.count is not None:
            if self.count < 1:
                raise ValidationError(f"a plan needs at least one instalment (not {self.count})")
            if self.count > 1 and _equal_share(self.total, self.count, self.exponent) <= ZERO:
                raise ValidationError(
                    f"{format_plain(self.total, self.exponent)} cannot be split into {self.count} "
                    "instalments of at least one minor unit; use fewer instalments"
                )
        if self.custom_amounts is not None:
            if not self.custom_amounts:
                raise ValidationError("a plan needs at least one instalment")
            for number, amount in enumerate(self.custom_amounts, start=1):
                if amount <= ZERO or amount != round_money(amount, self.exponent):
                    raise ValidationError(
                        f"instalment {number} must be a positive amount in whole minor units (not {amount})"
                    )
            added = sum(self.custom_amounts, ZERO)
            if added != self.total:
                raise ValidationError(
                    f"the instalments add up to {format_plain(added, self.exponent)} but the plan is for "
                    f"{format_plain(self.total, self.exponent)}; make them add up to the total"
                )

    @property
    def instalment_count(self) -> int:
        return self.count if self.count is not None else len(self.custom_amounts or ())


@dataclass(frozen=True)
class Instalment:
    number: int  # from 1
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class PaidInstalment:
    number: int
    due_date: date
    amount: Decimal
    paid: Decimal
    paid_on: date | None  # the day it was fully paid

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid


@dataclass(frozen=True)
class PlanAllocation:
    instalments: tuple[PaidInstalment, ...]
    unallocated: Decimal  # paid beyond the last instalment

    @property
    def paid(self) -> Decimal:
        return sum((i.paid for i in self.instalments), ZERO)

    @property
    def outstanding(self) -> Decimal:
        return sum((i.outstanding for i in self.instalments), ZERO)


@dataclass(frozen=True)
class InstalmentNudge:
    plan_id: int
    number: int
    kind: NudgeKind
    due_date: date
    outstanding: Decimal
    dedupe_key: str  # the same nudge has the same key whatever the day it is planned


def _equal_share(total: Decimal, count: int, exponent: int) -> Decimal:
    return (total / count).quantize(quantum(exponent), rounding=ROUND_DOWN)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def instalment_date(first: date, frequency: Frequency, index: int) -> date:
    """The due date of the instalment ``index`` (0-based) after ``first``."""
    if frequency is Frequency.WEEKLY:
        return first + timedelta(weeks=index)
    if frequency is Frequency.FORTNIGHTLY:
        return first + timedelta(weeks=2 * index)
    return add_months(first, index)


def instalments(plan: PaymentPlan) -> tuple[Instalment, ...]:
    if plan.custom_amounts is not None:
        amounts = list(plan.custom_amounts)
    else:
        assert plan.count is not None
        share = _equal_share(plan.total, plan.count, plan.exponent)
        amounts = [share] * (plan.count - 1) + [plan.total - share * (plan.count - 1)]
    return tuple(
        Instalment(n, instalment_date(plan.first_date, plan.frequency, n - 1), amount)
        for n, amount in enumerate(amounts, start=1)
    )


def allocate_to_instalments(
    schedule: Iterable[Instalment], payments: Iterable[tuple[date, Decimal]], as_of: date | None = None
) -> PlanAllocation:
    """Payments (those by ``as_of`` when given) applied oldest instalment first."""
    rows = sorted(schedule, key=lambda i: i.number)
    paid = [ZERO] * len(rows)
    paid_on: list[date | None] = [None] * len(rows)
    spare = ZERO
    index = 0
    for on, amount in sorted(payments, key=lambda p: p[0]):
        if as_of is not None and on > as_of:
            continue
        left = amount
        while left > ZERO and index < len(rows):
            take = min(left, rows[index].amount - paid[index])
            paid[index] += take
            left -= take
            if paid[index] >= rows[index].amount:
                paid_on[index] = on
                index += 1
        spare += left
    return PlanAllocation(
        tuple(
            PaidInstalment(r.number, r.due_date, r.amount, paid[i], paid_on[i]) for i, r in enumerate(rows)
        ),
        spare,
    )


def broken_on(plan: PaymentPlan, allocation: PlanAllocation, as_of: date) -> date | None:
    """The day the plan broke, if it had by ``as_of``: the first instalment left unpaid past grace."""
    grace = timedelta(days=plan.grace_days + 1)
    for row in allocation.instalments:
        breaks = row.due_date + grace
        if breaks <= as_of and (row.paid_on is None or row.paid_on >= breaks):
            return breaks
    return None


def plan_status(plan: PaymentPlan, allocation: PlanAllocation, as_of: date) -> PlanStatus:
    """Rule 4; ``allocation`` should be made with the same ``as_of`` so later money is not seen."""
    if all(row.outstanding <= ZERO for row in allocation.instalments):
        return PlanStatus.COMPLETED
    if broken_on(plan, allocation, as_of) is not None:
        return PlanStatus.BROKEN
    return PlanStatus.KEPT


def nudge_key(plan_id: int, number: int, kind: NudgeKind) -> str:
    return f"plan:{plan_id}:{number}:{kind}"


def instalment_nudges(
    plan: PaymentPlan,
    allocation: PlanAllocation,
    as_of: date,
    *,
    lead_days: int = DEFAULT_LEAD_DAYS,
    sent_keys: Collection[str] = frozenset(),
) -> tuple[InstalmentNudge, ...]:
    """The instalment reminders to send as of ``as_of`` (rule 5), leaving out keys already sent."""
    if plan_status(plan, allocation, as_of) is not PlanStatus.KEPT:
        return ()
    nudges = []
    for row in allocation.instalments:
        if row.outstanding <= ZERO:
            continue
        if row.due_date - timedelta(days=lead_days) <= as_of <= row.due_date:
            kind = NudgeKind.COMING_UP
        elif row.due_date < as_of <= row.due_date + timedelta(days=plan.grace_days):
            kind = NudgeKind.MISSED
        else:
            continue
        key = nudge_key(plan.id, row.number, kind)
        if key not in sent_keys:
            nudges.append(InstalmentNudge(plan.id, row.number, kind, row.due_date, row.outstanding, key))
    return tuple(nudges)
