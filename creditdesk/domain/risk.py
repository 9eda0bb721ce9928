"""An explained risk rating for a client: points with reasons, never a black box.

Each warning sign adds fixed points and one reason in plain words; the
score is their sum and the level follows from it. Nothing is weighted by a
model, so the owner can see why a client is rated as it is and what would
change it.

Points, exactly as implemented:

- Not enough history: fewer than 3 invoices judged (settled, or past due
  unpaid) adds 20, so a new client starts at MEDIUM. Unknown is not the
  same as good: the rating says so rather than vouching for a stranger,
  and the reason tells the owner why.
- Average days late beyond terms (weighted by amount paid): more than 0 up
  to 7 adds 5; over 7 up to 30 adds 15; over 30 up to 60 adds 25; over 60
  adds 35.
- Share paid on time: under 50 % adds 15; 50 % to under 80 % adds 5.
- Trend: paying 7 or more days later on average in the last 6 months than
  in the 6 before adds 10.
- Promises broken: 10 for each, at most 30.
- Open disputes: 5 for each, at most 15.
- Oldest overdue invoice: 1 to 30 days past due adds 5; 31 to 60 adds 15;
  61 to 90 adds 25; over 90 adds 35.
- Overdue share: half or more of the balance overdue adds 5.
- Credit limit: from 90 % to 100 % used adds 10; over 100 % adds 20.

Levels: LOW under 20, MEDIUM from 20 to 44, HIGH from 45.

More of any warning sign never lowers the score (the tests check this).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from creditdesk.domain.behaviour import InvoiceHistory

ZERO = Decimal(0)
ONE_PLACE = Decimal("0.1")
MIN_HISTORY = 3
MEDIUM_FROM = 20
HIGH_FROM = 45
TREND_DAYS = 7
TREND_MONTHS = 6


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True)
class RiskFacts:
    """What is known about a client on the day of the rating."""

    invoices_judged: int = 0
    average_days_late: Decimal | None = None  # beyond terms, weighted by amount paid
    on_time_share: Decimal | None = None  # 0..1
    recent_days_late: Decimal | None = None  # average days late, last 6 months
    previous_days_late: Decimal | None = None  # average days late, the 6 months before
    promises_kept: int = 0
    promises_broken: int = 0
    open_disputes: int = 0
    balance: Decimal = ZERO  # what the client owes now
    overdue_amount: Decimal = ZERO
    oldest_overdue_due_date: date | None = None  # due date of the oldest overdue invoice
    credit_limit: Decimal | None = None  # None: no limit set


@dataclass(frozen=True)
class RiskFactor:
    points: int
    reason: str


@dataclass(frozen=True)
class RiskRating:
    level: RiskLevel
    score: int
    factors: tuple[RiskFactor, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reasons to show; a clean record says so rather than showing nothing."""
        return tuple(f.reason for f in self.factors) or ("No warning signs",)


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def level_for(score: int) -> RiskLevel:
    if score >= HIGH_FROM:
        return RiskLevel.HIGH
    if score >= MEDIUM_FROM:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def _lateness_points(days: Decimal) -> int:
    if days > 60:
        return 35
    if days > 30:
        return 25
    if days > 7:
        return 15
    return 5 if days > 0 else 0


def _overdue_points(days: int) -> int:
    if days > 90:
        return 35
    if days > 60:
        return 25
    if days > 30:
        return 15
    return 5 if days > 0 else 0


def risk_rating(facts: RiskFacts, as_of: date) -> RiskRating:
    """The rating as of ``as_of`` by the points in the module docstring."""
    factors: list[RiskFactor] = []

    def add(points: int, reason: str) -> None:
        if points:
            factors.append(RiskFactor(points, reason))

    if facts.invoices_judged < MIN_HISTORY:
        judged = facts.invoices_judged
        add(20, f"Not enough history ({judged} invoice{'' if judged == 1 else 's'} to judge by)")

    late = facts.average_days_late
    if late is not None:
        shown = max(_whole(late), 1)
        add(_lateness_points(late), f"Pays {_days(shown)} late on average")

    share = facts.on_time_share
    if share is not None:
        percent = _whole(share * 100)
        if share < Decimal("0.5"):
            add(15, f"Only {percent} % of invoices paid on time")
        elif share < Decimal("0.8"):
            add(5, f"{percent} % of invoices paid on time")

    recent, previous = facts.recent_days_late, facts.previous_days_late
    if recent is not None and previous is not None and recent - previous >= TREND_DAYS:
        add(
            10,
            f"Paying later: {_days(_whole(recent))} late on average in the last 6 months, "
            f"{_days(_whole(previous))} in the 6 before",
        )

    broken = facts.promises_broken
    if broken > 0:
        made = broken + facts.promises_kept
        add(min(10 * broken, 30), f"{broken} of {made} promise{'' if made == 1 else 's'} to pay broken")

    disputes = facts.open_disputes
    if disputes > 0:
        add(min(5 * disputes, 15), f"{disputes} open dispute{'' if disputes == 1 else 's'}")

    if facts.oldest_overdue_due_date is not None and facts.overdue_amount > ZERO:
        days = (as_of - facts.oldest_overdue_due_date).days
        add(_overdue_points(days), f"Oldest overdue invoice is {_days(days)} past due")

    if facts.balance > ZERO and facts.overdue_amount * 2 >= facts.balance:
        percent = _whole(min(facts.overdue_amount, facts.balance) * 100 / facts.balance)
        add(5, f"{percent} % of the balance is overdue")

    limit = facts.credit_limit
    if limit is not None and facts.balance > ZERO:
        if limit <= ZERO:
            add(20, "Over credit limit (no credit allowed)")
        else:
            used = facts.balance * 100 / limit
            if used > 100:
                add(20, f"Over credit limit ({_whole(used)} % used)")
            elif used >= 90:
                add(10, f"Close to credit limit ({_whole(used)} % used)")

    score = sum(f.points for f in factors)
    return RiskRating(level_for(score), score, tuple(factors))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def average_days_late(history: Iterable[InvoiceHistory], start: date, end: date) -> Decimal | None:
    """Days past the due date of the money paid from ``start`` to ``end`` inclusive, by amount.

    Early payments count as 0 days late, not as credit against late ones.
    """
    weighted = paid = ZERO
    for inv in history:
        for on, amount in inv.payments:
            if start <= on <= end and amount > ZERO:
                weighted += amount * max(0, (on - inv.due_date).days)
                paid += amount
    return (weighted / paid).quantize(ONE_PLACE, ROUND_HALF_UP) if paid > ZERO else None


@dataclass(frozen=True)
class Lateness:
    overall: Decimal | None
    recent: Decimal | None  # the last 6 months up to as_of
    previous: Decimal | None  # the 6 months before those


def lateness(history: Iterable[InvoiceHistory], as_of: date) -> Lateness:
    """Average days late overall and for the two half-years the trend compares."""
    items = list(history)
    six_ago = _add_months(as_of, -TREND_MONTHS)
    twelve_ago = _add_months(as_of, -2 * TREND_MONTHS)
    return Lateness(
        average_days_late(items, date.min, as_of),
        average_days_late(items, six_ago + timedelta(days=1), as_of),
        average_days_late(items, twelve_ago + timedelta(days=1), six_ago),
    )
