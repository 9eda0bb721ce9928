from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from creditdesk.domain.behaviour import InvoiceHistory
from creditdesk.domain.risk import (
    RiskFacts,
    RiskLevel,
    average_days_late,
    lateness,
    level_for,
    risk_rating,
)

AS_OF = date(2026, 6, 30)
GOOD = RiskFacts(
    invoices_judged=12,
    average_days_late=D(0),
    on_time_share=D("0.95"),
    recent_days_late=D(0),
    previous_days_late=D(0),
    promises_kept=2,
    balance=D("1000.00"),
    credit_limit=D("5000.00"),
)


def test_a_good_payer_is_low_with_no_warning_signs() -> None:
    rating = risk_rating(GOOD, AS_OF)
    assert (rating.level, rating.score, rating.factors) == (RiskLevel.LOW, 0, ())
    assert rating.reasons == ("No warning signs",)


def test_no_history_is_medium_and_says_why() -> None:
    rating = risk_rating(RiskFacts(), AS_OF)
    assert rating.level is RiskLevel.MEDIUM
    assert rating.score == 20
    assert rating.reasons == ("Not enough history (0 invoices to judge by)",)
    assert risk_rating(RiskFacts(invoices_judged=1), AS_OF).reasons == (
        "Not enough history (1 invoice to judge by)",
    )


def test_reasons_in_plain_words() -> None:
    facts = replace(
        GOOD,
        average_days_late=D("23.4"),
        on_time_share=D("0.40"),
        recent_days_late=D("30"),
        previous_days_late=D("12"),
        promises_kept=1,
        promises_broken=2,
        open_disputes=1,
        balance=D("5600.00"),
        overdue_amount=D("3000.00"),
        oldest_overdue_due_date=AS_OF - timedelta(days=45),
        credit_limit=D("5000.00"),
    )
    rating = risk_rating(facts, AS_OF)
    assert [(f.points, f.reason) for f in rating.factors] == [
        (15, "Pays 23 days late on average"),
        (15, "Only 40 % of invoices paid on time"),
        (10, "Paying later: 30 days late on average in the last 6 months, 12 days in the 6 before"),
        (20, "2 of 3 promises to pay broken"),
        (5, "1 open dispute"),
        (15, "Oldest overdue invoice is 45 days past due"),
        (5, "54 % of the balance is overdue"),
        (20, "Over credit limit (112 % used)"),
    ]
    assert rating.score == 105
    assert rating.level is RiskLevel.HIGH


def test_thresholds_at_their_edges() -> None:
    def points(**changes: object) -> int:
        return risk_rating(replace(GOOD, **changes), AS_OF).score  # type: ignore[arg-type]

    assert [points(average_days_late=D(d)) for d in ("0", "0.1", "7", "7.1", "30", "30.1", "60", "60.1")] == [
        0,
        5,
        5,
        15,
        15,
        25,
        25,
        35,
    ]
    assert [points(on_time_share=D(s)) for s in ("0.49", "0.50", "0.79", "0.80")] == [15, 5, 5, 0]
    assert points(recent_days_late=D("6.9")) == 0
    assert points(recent_days_late=D("7")) == 10
    assert [points(promises_broken=n) for n in (1, 3, 5)] == [10, 30, 30]
    assert [points(open_disputes=n) for n in (1, 3, 4)] == [5, 15, 15]
    overdue = {"overdue_amount": D("100.00"), "balance": D("1000.00")}
    assert [
        points(oldest_overdue_due_date=AS_OF - timedelta(days=d), **overdue)
        for d in (1, 30, 31, 60, 61, 90, 91)
    ] == [5, 5, 15, 15, 25, 25, 35]
    assert [points(balance=D(b)) for b in ("4499.99", "4500.00", "5000.00", "5000.01")] == [0, 10, 10, 20]
    assert points(credit_limit=D(0)) == 20
    assert points(credit_limit=None, balance=D("99999.00")) == 0
    assert points(overdue_amount=D("499.99")) == 0
    assert points(overdue_amount=D("500.00")) == 5


def test_levels() -> None:
    assert [level_for(s) for s in (0, 19, 20, 44, 45, 200)] == [
        RiskLevel.LOW,
        RiskLevel.LOW,
        RiskLevel.MEDIUM,
        RiskLevel.MEDIUM,
        RiskLevel.HIGH,
        RiskLevel.HIGH,
    ]


def test_close_to_limit_wording() -> None:
    rating = risk_rating(replace(GOOD, balance=D("4750.00")), AS_OF)
    assert rating.reasons == ("Close to credit limit (95 % used)",)


def test_lateness_from_history() -> None:
    history = [
        # 8 months ago: 100.00 paid 5 days late
        InvoiceHistory(date(2025, 10, 1), date(2025, 10, 31), D(100), ((date(2025, 11, 5), D(100)),)),
        # 2 months ago: 300.00 paid 20 days late and 100.00 paid early (counts as 0)
        InvoiceHistory(date(2026, 3, 1), date(2026, 3, 31), D(300), ((date(2026, 4, 20), D(300)),)),
        InvoiceHistory(date(2026, 4, 1), date(2026, 5, 1), D(100), ((date(2026, 4, 15), D(100)),)),
    ]
    result = lateness(history, AS_OF)
    assert result.recent == D("15.0")  # (300 x 20 + 100 x 0) / 400
    assert result.previous == D("5.0")
    assert result.overall == D("13.0")  # (100 x 5 + 300 x 20 + 100 x 0) / 500
    assert average_days_late(history, date(2027, 1, 1), date(2027, 12, 31)) is None


facts_strategy = st.builds(
    RiskFacts,
    invoices_judged=st.integers(0, 50),
    average_days_late=st.none() | st.decimals(0, 200, places=1),
    on_time_share=st.none() | st.decimals(0, 1, places=2),
    recent_days_late=st.none() | st.decimals(0, 200, places=1),
    previous_days_late=st.none() | st.decimals(0, 200, places=1),
    promises_kept=st.integers(0, 10),
    promises_broken=st.integers(0, 10),
    open_disputes=st.integers(0, 10),
    balance=st.decimals(0, 100_000, places=2),
    overdue_amount=st.decimals(0, 100_000, places=2),
    oldest_overdue_due_date=st.none() | st.dates(date(2025, 1, 1), AS_OF),
    credit_limit=st.none() | st.decimals(0, 100_000, places=2),
)


@given(facts_strategy, st.integers(1, 5), st.integers(1, 5), st.integers(1, 60))
def test_more_warning_signs_never_lower_the_score(
    facts: RiskFacts, broken: int, disputes: int, days: int
) -> None:
    score = risk_rating(facts, AS_OF).score
    share = D(1) if facts.on_time_share is None else facts.on_time_share
    worse = [
        replace(facts, promises_broken=facts.promises_broken + broken),
        replace(facts, open_disputes=facts.open_disputes + disputes),
        replace(facts, average_days_late=(facts.average_days_late or D(0)) + days),
        replace(facts, recent_days_late=(facts.recent_days_late or D(0)) + days),
        replace(facts, on_time_share=max(D(0), share - D(days) / 100)),
        replace(facts, overdue_amount=facts.overdue_amount + days),
    ]
    if facts.oldest_overdue_due_date is not None:
        worse.append(
            replace(facts, oldest_overdue_due_date=facts.oldest_overdue_due_date - timedelta(days=days))
        )
    if facts.credit_limit is not None:
        worse.append(replace(facts, credit_limit=max(D(0), facts.credit_limit - days * 100)))
    for changed in worse:
        assert risk_rating(changed, AS_OF).score >= score


@given(facts_strategy)
def test_every_point_has_a_reason_and_the_level_follows_the_score(facts: RiskFacts) -> None:
    rating = risk_rating(facts, AS_OF)
    assert rating.score == sum(f.points for f in rating.factors)
    assert all(f.points > 0 and f.reason for f in rating.factors)
    assert rating.level is level_for(rating.score)
    assert rating == risk_rating(facts, AS_OF)  # deterministic
