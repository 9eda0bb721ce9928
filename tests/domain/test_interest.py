from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.interest import (
    BaseRate,
    InterestInvoice,
    InterestKind,
    InterestPolicy,
    accrued_interest,
    base_rate_on,
    reference_date,
    reference_rate,
    statutory_compensation,
)
from creditdesk.domain.money import round_money

TEN_PERCENT = InterestPolicy.contractual(D(10))
STATUTORY = InterestPolicy.statutory_uk()
# Bank of England base rate changes (percent).
BASE_RATES = (
    BaseRate(date(2023, 8, 3), D("5.25")),
    BaseRate(date(2024, 8, 1), D("5.00")),
    BaseRate(date(2024, 11, 7), D("4.75")),
    BaseRate(date(2025, 2, 6), D("4.50")),
    BaseRate(date(2025, 5, 8), D("4.25")),
)
DUE = date(2026, 3, 1)


def test_contractual_interest_the_issue_example() -> None:
    # 100.00 x 10 % x 15 / 365 = 0.410958... -> 0.41
    figure = accrued_interest(InterestInvoice(DUE, D("100.00")), TEN_PERCENT, (), date(2026, 3, 16))
    assert figure.interest == D("0.41")
    assert figure.days == 15
    assert figure.compensation == D(0)
    assert figure.total == D("0.41")
    assert "15 days from 2026-03-02 to 2026-03-16 on 100.00 at 10 % a year" in figure.explanation
    assert "Interest 0.41" in figure.explanation


def test_no_interest_on_or_before_the_due_date_and_one_day_after() -> None:
    invoice = InterestInvoice(DUE, D("100.00"))
    assert accrued_interest(invoice, TEN_PERCENT, (), DUE).interest == D(0)
    assert accrued_interest(invoice, TEN_PERCENT, (), DUE - timedelta(days=9)).days == 0
    one_day = accrued_interest(invoice, TEN_PERCENT, (), DUE + timedelta(days=1))
    assert (one_day.interest, one_day.days) == (D("0.03"), 1)  # 0.0274 rounds up


def test_policy_none_accrues_nothing() -> None:
    figure = accrued_interest(InterestInvoice(DUE, D("5000.00")), InterestPolicy.none(), (), date(2027, 1, 1))
    assert (figure.interest, figure.compensation, figure.days) == (D(0), D(0), 0)
    assert "No late-payment interest" in figure.explanation


def test_partial_payment_interest_is_piecewise() -> None:
    # 1,000.00 due 1 Mar, 400.00 paid on 11 Mar, as of 31 Mar, 10 % a year:
    # 2-11 Mar: 10 days on 1,000.00 (the day of payment still counts as late),
    # 12-31 Mar: 20 days on 600.00.
    # (1000 x 10 + 600 x 20) x 10 / 36500 = 220000 / 36500 = 6.0274 -> 6.03
    invoice = InterestInvoice(DUE, D("1000.00"), ((date(2026, 3, 11), D("400.00")),))
    figure = accrued_interest(invoice, TEN_PERCENT, (), date(2026, 3, 31))
    assert figure.interest == D("6.03")
    assert figure.days == 30
    assert [(s.start, s.end, s.days, s.balance) for s in figure.segments] == [
        (date(2026, 3, 2), date(2026, 3, 11), 10, D("1000.00")),
        (date(2026, 3, 12), date(2026, 3, 31), 20, D("600.00")),
    ]


def test_interest_stops_when_paid_and_later_money_is_not_seen_early() -> None:
    paid_late = InterestInvoice(DUE, D("100.00"), ((date(2026, 3, 16), D("100.00")),))
    # Paid 15 days late: 15 days of interest, however long after we look.
    for as_of in (date(2026, 3, 16), date(2026, 6, 1)):
        figure = accrued_interest(paid_late, TEN_PERCENT, (), as_of)
        assert (figure.interest, figure.days) == (D("0.41"), 15)
    # As of 10 Mar the payment has not happened yet: 9 days on 100.00.
    assert accrued_interest(paid_late, TEN_PERCENT, (), date(2026, 3, 10)).days == 9


def test_paid_by_the_due_date_accrues_nothing() -> None:
    on_time = InterestInvoice(DUE, D("100.00"), ((DUE, D("100.00")),))
    for policy in (TEN_PERCENT, STATUTORY):
        figure = accrued_interest(on_time, policy, BASE_RATES, date(2026, 5, 1))
        assert (figure.interest, figure.compensation, figure.days) == (D(0), D(0), 0)


def test_rounded_once_at_the_end_not_per_segment() -> None:
    # 20.00 for one day (0.005479) and 19.99 for one day (0.005477): 0.010956 -> 0.01,
    # where rounding each day first would give 0.01 + 0.01 = 0.02.
    invoice = InterestInvoice(DUE, D("20.00"), ((date(2026, 3, 2), D("0.01")),))
    figure = accrued_interest(invoice, TEN_PERCENT, (), date(2026, 3, 3))
    assert len(figure.segments) == 2
    assert figure.interest == D("0.01")


def test_statutory_interest_across_a_base_rate_change() -> None:
    # 1,000.00 due 15 Dec 2024, as of 14 Jan 2025.
    # 16-31 Dec 2024: the reference rate is the base rate on 30 Jun 2024, 5.25 %
    #   (the cuts of Aug and Nov 2024 wait for the next half-year): 8 + 5.25 = 13.25 %, 16 days.
    # 1-14 Jan 2025: the base rate on 31 Dec 2024, 4.75 %: 8 + 4.75 = 12.75 %, 14 days.
    # 1000 x (13.25 x 16 + 12.75 x 14) / 36500 = 1000 x 390.5 / 36500 = 10.6986 -> 10.70
    # Compensation: a 1,000.00 debt is in the 1,000.00-9,999.99 band: 70.00.
    invoice = InterestInvoice(date(2024, 12, 15), D("1000.00"))
    figure = accrued_interest(invoice, STATUTORY, BASE_RATES, date(2025, 1, 14))
    assert figure.interest == D("10.70")
    assert figure.compensation == D("70.00")
    assert figure.total == D("80.70")
    assert figure.days == 30
    assert [(s.start, s.end, s.annual_rate, s.reference_rate) for s in figure.segments] == [
        (date(2024, 12, 16), date(2024, 12, 31), D("13.25"), D("5.25")),
        (date(2025, 1, 1), date(2025, 1, 14), D("12.75"), D("4.75")),
    ]
    assert "reference rate 5.25 %" in figure.explanation
    assert "fixed compensation 70.00" in figure.explanation


def test_a_base_rate_change_within_a_half_year_waits_for_the_next_one() -> None:
    # Due 31 Jul 2024, 30 days to 30 Aug; the 1 Aug cut to 5.00 % does not apply yet.
    # 1000 x 13.25 x 30 / 36500 = 10.8904 -> 10.89
    invoice = InterestInvoice(date(2024, 7, 31), D("1000.00"))
    figure = accrued_interest(invoice, STATUTORY, BASE_RATES, date(2024, 8, 30))
    assert figure.interest == D("10.89")
    assert len(figure.segments) == 1


def test_statutory_interest_over_several_half_years() -> None:
    # 500.00 due 20 Jun 2024, as of 10 Jul 2025:
    # 21 Jun-31 Dec 2024: 194 days at 8 + 5.25 = 13.25 % (two half-years, same reference rate)
    # 1 Jan-30 Jun 2025: 181 days at 8 + 4.75 = 12.75 %
    # 1-10 Jul 2025: 10 days at 8 + 4.25 = 12.25 % (the rate on 30 Jun 2025)
    # 500 x (13.25 x 194 + 12.75 x 181 + 12.25 x 10) / 36500 = 500 x 5000.75 / 36500 = 68.5034 -> 68.50
    invoice = InterestInvoice(date(2024, 6, 20), D("500.00"))
    figure = accrued_interest(invoice, STATUTORY, BASE_RATES, date(2025, 7, 10))
    assert figure.interest == D("68.50")
    assert figure.days == 385
    assert [s.days for s in figure.segments] == [194, 181, 10]
    assert figure.compensation == D("40.00")


@pytest.mark.parametrize(
    ("debt", "compensation"),
    [
        ("0.01", "40.00"),
        ("999.99", "40.00"),
        ("1000.00", "70.00"),
        ("9999.99", "70.00"),
        ("10000.00", "100.00"),
        ("250000.00", "100.00"),
    ],
)
def test_compensation_bands(debt: str, compensation: str) -> None:
    assert statutory_compensation(D(debt)) == D(compensation)
    figure = accrued_interest(
        InterestInvoice(date(2025, 3, 1), D(debt)), STATUTORY, BASE_RATES, date(2025, 3, 2)
    )
    assert figure.compensation == D(compensation)


def test_compensation_is_on_the_debt_that_fell_overdue() -> None:
    # 1,200.00 invoiced, 300.00 paid by the due date: 900.00 fell overdue -> 40.00.
    invoice = InterestInvoice(date(2025, 3, 1), D("1200.00"), ((date(2025, 2, 20), D("300.00")),))
    figure = accrued_interest(invoice, STATUTORY, BASE_RATES, date(2025, 4, 1))
    assert figure.compensation == D("40.00")
    assert statutory_compensation(D(0)) == D(0)
    # Contractual interest carries no compensation.
    assert accrued_interest(invoice, TEN_PERCENT, (), date(2025, 4, 1)).compensation == D(0)


def test_reference_rate_dates() -> None:
    assert reference_date(date(2025, 1, 1)) == date(2024, 12, 31)
    assert reference_date(date(2025, 6, 30)) == date(2024, 12, 31)
    assert reference_date(date(2025, 7, 1)) == date(2025, 6, 30)
    assert reference_date(date(2025, 12, 31)) == date(2025, 6, 30)
    assert reference_rate(BASE_RATES, date(2025, 3, 1)) == D("4.75")
    assert base_rate_on(BASE_RATES, date(2025, 2, 6)) == D("4.50")
    assert base_rate_on(BASE_RATES, date(2025, 2, 5)) == D("4.75")


def test_missing_or_conflicting_base_rates_are_explained() -> None:
    invoice = InterestInvoice(date(2023, 3, 1), D("100.00"))
    with pytest.raises(ValidationError, match=r"on or before 2022-12-31.*base-rate table"):
        accrued_interest(invoice, STATUTORY, BASE_RATES, date(2023, 3, 5))
    clash = (*BASE_RATES, BaseRate(date(2024, 8, 1), D("5.10")))
    with pytest.raises(ValidationError, match="two rates from 2024-08-01"):
        accrued_interest(invoice, STATUTORY, clash, date(2023, 3, 5))


def test_policy_validation() -> None:
    with pytest.raises(ValidationError, match="needs an annual rate"):
        InterestPolicy(InterestKind.CONTRACTUAL)
    with pytest.raises(ValidationError, match="negative"):
        InterestPolicy.contractual(D(-1))
    with pytest.raises(ValidationError, match="only contractual"):
        InterestPolicy(InterestKind.STATUTORY_UK, D(8))


@st.composite
def invoices(draw: st.DrawFn) -> InterestInvoice:
    gross = D(draw(st.integers(1, 5_000_000))).scaleb(-2)
    allocations = []
    for _ in range(draw(st.integers(0, 4))):
        on = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
        allocations.append((on, D(draw(st.integers(1, 2_000_000))).scaleb(-2)))
    return InterestInvoice(
        date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 400))), gross, tuple(allocations)
    )


@given(invoices(), st.integers(0, 800), st.booleans())
def test_interest_equals_a_day_by_day_sum(invoice: InterestInvoice, offset: int, statutory: bool) -> None:
    as_of = date(2024, 1, 1) + timedelta(days=offset)
    policy = STATUTORY if statutory else InterestPolicy.contractual(D("7.5"))
    figure = accrued_interest(invoice, policy, BASE_RATES, as_of)
    exact = D(0)
    days = 0
    day = invoice.due_date + timedelta(days=1)
    while day <= as_of:
        balance = invoice.gross - sum((a for on, a in invoice.allocations if on < day), D(0))
        if balance > 0:
            rate = D(8) + reference_rate(BASE_RATES, day) if statutory else D("7.5")
            exact += balance * rate
            days += 1
        day += timedelta(days=1)
    assert figure.interest == round_money(exact / 36500)
    assert figure.days == days
    assert sum(s.days for s in figure.segments) == days


@given(invoices(), st.integers(0, 700), st.integers(0, 100))
def test_interest_never_falls_as_time_passes(invoice: InterestInvoice, offset: int, more: int) -> None:
    as_of = date(2024, 1, 1) + timedelta(days=offset)
    earlier = accrued_interest(invoice, STATUTORY, BASE_RATES, as_of)
    later = accrued_interest(invoice, STATUTORY, BASE_RATES, as_of + timedelta(days=more))
    assert later.interest >= earlier.interest
    assert later.compensation >= earlier.compensation
