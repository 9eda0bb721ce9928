"""Late-payment interest and fixed compensation, accrued to any date.

Interest is worked out, shown ("interest accrued to date") and only charged
when the user raises an interest invoice; nothing here touches a balance.

The rules, exactly as implemented:

1. Which days. Interest runs for each day after the due date up to and
   including ``as_of``. On each day it accrues on what was open at the
   start of that day: money applied on a day stops interest from the next
   day, so an invoice paid 15 days late bears 15 days of interest.
2. Contractual. Simple interest: open amount x annual rate x days / 365.
3. Statutory (UK, Late Payment of Commercial Debts (Interest) Act 1998).
   8 % plus the Bank of England reference rate. The reference rate is fixed
   for each half-year: the base rate in force on 31 December applies from
   1 January to 30 June, the one in force on 30 June from 1 July to
   31 December. A period crossing half-years is split there. Every year
   counts 365 days, as the Act's daily rate does.
4. Rounding. Segments are summed exactly and the total is rounded half-up
   to the currency's minor unit once, at the end.
5. Compensation (statutory only). A fixed sum per invoice, by the debt that
   fell overdue (what was open the day after the due date): 40.00 under
   1,000.00; 70.00 from 1,000.00 to 9,999.99; 100.00 from 10,000.00. The
   Act states these in pounds sterling; for a debt in another currency the
   caller decides whether the statutory policy applies at all.

Rates are percentages (``Decimal("10")`` is 10 % a year).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.money import format_plain, round_money

ZERO = Decimal(0)
DAYS_IN_YEAR = 365
STATUTORY_MARGIN = Decimal(8)  # percentage points over the reference rate

# (debt at least, compensation), highest band first; amounts in pounds sterling.
COMPENSATION_BANDS: tuple[tuple[Decimal, Decimal], ...] = (
    (Decimal("10000.00"), Decimal("100.00")),
    (Decimal("1000.00"), Decimal("70.00")),
    (ZERO, Decimal("40.00")),
)


class InterestKind(StrEnum):
    NONE = "none"
    CONTRACTUAL = "contractual"  # an annual rate agreed in the terms
    STATUTORY_UK = "statutory_uk"  # 8 % over the reference rate, plus compensation


@dataclass(frozen=True)
class InterestPolicy:
    kind: InterestKind = InterestKind.NONE
    annual_rate: Decimal | None = None  # percent a year; only for CONTRACTUAL

    def __post_init__(self) -> None:
        if self.kind is InterestKind.CONTRACTUAL:
            if self.annual_rate is None:
                raise ValidationError("contractual interest needs an annual rate, such as 8 %")
            if self.annual_rate < ZERO:
                raise ValidationError(f"an interest rate cannot be negative ({self.annual_rate} %)")
        elif self.annual_rate is not None:
            raise ValidationError(f"only contractual interest takes a rate; '{self.kind}' does not")

    @classmethod
    def none(cls) -> InterestPolicy:
        return cls(InterestKind.NONE)

    @classmethod
    def contractual(cls, annual_rate: Decimal) -> InterestPolicy:
        return cls(InterestKind.CONTRACTUAL, annual_rate)

    @classmethod
    def statutory_uk(cls) -> InterestPolicy:
        return cls(InterestKind.STATUTORY_UK)


@dataclass(frozen=True)
class BaseRate:
    """The Bank of England base rate (percent) from ``effective_from`` until the next change."""

    effective_from: date
    rate: Decimal


@dataclass(frozen=True)
class InterestInvoice:
    """What interest needs to know about one invoice.

    ``allocations`` is every reduction of the invoice with its date
    (payments, credit notes, write-offs), so the open amount can be traced
    day by day.
    """

    due_date: date
    gross: Decimal
    allocations: tuple[tuple[date, Decimal], ...] = field(default=())
    exponent: int = 2

    def open_at_start_of(self, day: date) -> Decimal:
        """What was owed when ``day`` began (money applied on ``day`` not yet counted)."""
        return self.gross - sum((amount for on, amount in self.allocations if on < day), ZERO)


@dataclass(frozen=True)
class InterestSegment:
    """Consecutive days with the same open amount and the same rate."""

    start: date
    end: date  # inclusive
    balance: Decimal
    annual_rate: Decimal  # percent, all in
    reference_rate: Decimal | None  # the base rate within it, for statutory interest

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class InterestFigure:
    interest: Decimal  # rounded to the minor unit
    compensation: Decimal
    days: int  # days on which interest ran (something was open)
    explanation: str
    segments: tuple[InterestSegment, ...] = field(default=())

    @property
    def total(self) -> Decimal:
        return self.interest + self.compensation


def check_base_rates(rates: Iterable[BaseRate]) -> tuple[BaseRate, ...]:
    """The table ordered by date; two different rates on one date are refused."""
    ordered = sorted(rates, key=lambda r: r.effective_from)
    for before, after in pairwise(ordered):
        if before.effective_from == after.effective_from and before.rate != after.rate:
            raise ValidationError(
                f"the base-rate table has two rates from {after.effective_from.isoformat()} "
                f"({before.rate} % and {after.rate} %); keep one"
            )
    for rate in ordered:
        if rate.rate < ZERO:
            raise ValidationError(
                f"the base rate from {rate.effective_from.isoformat()} is negative ({rate.rate} %)"
            )
    return tuple(ordered)


def base_rate_on(rates: Sequence[BaseRate], day: date) -> Decimal:
    """The rate in force on ``day``: the latest change on or before it."""
    found: BaseRate | None = None
    for rate in rates:
        if rate.effective_from <= day and (found is None or rate.effective_from >= found.effective_from):
            found = rate
    if found is None:
        raise ValidationError(
            f"no Bank of England base rate is recorded on or before {day.isoformat()}; "
            "add the rate in force then to the base-rate table"
        )
    return found.rate


def reference_date(day: date) -> date:
    """The day whose base rate fixes the reference rate for ``day``'s half-year."""
    return date(day.year - 1, 12, 31) if day.month <= 6 else date(day.year, 6, 30)


def reference_rate(rates: Sequence[BaseRate], day: date) -> Decimal:
    return base_rate_on(rates, reference_date(day))


def statutory_compensation(debt: Decimal) -> Decimal:
    """The fixed sum for one overdue invoice (pounds); nothing when nothing is owed."""
    if debt <= ZERO:
        return ZERO
    return next(amount for floor, amount in COMPENSATION_BANDS if debt >= floor)


def _half_year_starts(first: date, last: date) -> list[date]:
    starts = []
    for year in range(first.year, last.year + 1):
        for month in (1, 7):
            start = date(year, month, 1)
            if first < start <= last:
                starts.append(start)
    return starts


def _pct(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return f"{text} %"


def accrued_interest(
    invoice: InterestInvoice, policy: InterestPolicy, base_rates: Iterable[BaseRate], as_of: date
) -> InterestFigure:
    """Interest (and statutory compensation) on one invoice as of ``as_of``, by the module rules."""
    if policy.kind is InterestKind.NONE:
        return InterestFigure(ZERO, ZERO, 0, "No late-payment interest is charged.")
    first = invoice.due_date + timedelta(days=1)
    if as_of < first:
        return InterestFigure(ZERO, ZERO, 0, "Not overdue: no interest has accrued.")
    statutory = policy.kind is InterestKind.STATUTORY_UK
    rates = check_base_rates(base_rates) if statutory else ()

    cuts = {first}
    cuts.update(on + timedelta(days=1) for on, _ in invoice.allocations if first <= on < as_of)
    if statutory:
        cuts.update(_half_year_starts(first, as_of))
    starts = sorted(cuts)

    segments: list[InterestSegment] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - timedelta(days=1) if index + 1 < len(starts) else as_of
        balance = invoice.open_at_start_of(start)
        if balance <= ZERO:
            continue
        if statutory:
            ref: Decimal | None = reference_rate(rates, start)
            assert ref is not None
            rate = STATUTORY_MARGIN + ref
        else:
            assert policy.annual_rate is not None
            ref, rate = None, policy.annual_rate
        last = segments[-1] if segments else None
        if (
            last is not None
            and last.end + timedelta(days=1) == start
            and (last.balance, last.annual_rate, last.reference_rate) == (balance, rate, ref)
        ):
            segments[-1] = InterestSegment(last.start, end, balance, rate, ref)
        else:
            segments.append(InterestSegment(start, end, balance, rate, ref))

    exact = sum((s.balance * s.annual_rate * s.days for s in segments), ZERO)
    interest = round_money(exact / (100 * DAYS_IN_YEAR), invoice.exponent)
    days = sum(s.days for s in segments)
    debt = invoice.open_at_start_of(first)
    compensation = statutory_compensation(debt) if statutory else ZERO
    return InterestFigure(
        interest,
        compensation,
        days,
        _explain(policy, segments, interest, compensation, invoice.exponent),
        tuple(segments),
    )


def _explain(
    policy: InterestPolicy,
    segments: Sequence[InterestSegment],
    interest: Decimal,
    compensation: Decimal,
    exponent: int,
) -> str:
    if not segments:
        return "Nothing was open after the due date: no interest has accrued."
    if policy.kind is InterestKind.STATUTORY_UK:
        head = "Statutory interest at 8 % over the Bank of England reference rate"
    else:
        head = "Contractual interest"
    parts = []
    for s in segments:
        noun = "day" if s.days == 1 else "days"
        rate = _pct(s.annual_rate)
        if s.reference_rate is not None:
            rate += f" (reference rate {_pct(s.reference_rate)})"
        parts.append(
            f"{s.days} {noun} from {s.start.isoformat()} to {s.end.isoformat()} "
            f"on {format_plain(s.balance, exponent)} at {rate} a year"
        )
    text = f"{head}: " + "; ".join(parts) + f". Interest {format_plain(interest, exponent)}"
    if compensation:
        text += f"; fixed compensation {format_plain(compensation)}"
    return text + "."
