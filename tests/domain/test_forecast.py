from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.forecast import (
    ForecastInvoice,
    cash_forecast,
    expected_payment_date,
    typical_delay,
    week_starts,
)

AS_OF = date(2026, 7, 1)  # a Wednesday


def test_weeks_run_monday_to_sunday_with_a_short_first_week() -> None:
    forecast = cash_forecast([], {}, 0, AS_OF)
    assert len(forecast.weeks) == 13
    assert (forecast.weeks[0].start, forecast.weeks[0].end) == (date(2026, 7, 1), date(2026, 7, 5))
    assert (forecast.weeks[1].start, forecast.weeks[1].end) == (date(2026, 7, 6), date(2026, 7, 12))
    assert (forecast.weeks[-1].start, forecast.weeks[-1].end) == (date(2026, 9, 21), date(2026, 9, 27))
    assert all(w.start.weekday() == 0 and w.end.weekday() == 6 for w in forecast.weeks[1:])
    assert forecast.total == D(0)
    # On a Monday the first week is a whole one.
    assert week_starts(date(2026, 7, 6), 2) == (date(2026, 7, 6), date(2026, 7, 13))


def test_each_invoice_lands_in_its_clients_expected_week() -> None:
    invoices = [
        ForecastInvoice(1, 10, date(2026, 7, 1), D("100.00")),  # client 10 pays 10 days late: 11 Jul (week 1)
        ForecastInvoice(2, 20, date(2026, 7, 1), D("200.00")),  # no history: company 3 days -> 4 Jul (week 0)
        ForecastInvoice(3, 10, date(2026, 5, 1), D("300.00")),  # expected 11 May, already past -> week 0
        ForecastInvoice(4, 30, date(2026, 9, 30), D("400.00")),  # pays 2 days early: 28 Sep -> later
        ForecastInvoice(5, 30, date(2026, 9, 29), D("50.00")),  # 27 Sep, the last day of the last week
    ]
    forecast = cash_forecast(invoices, {10: 10, 30: -2}, 3, AS_OF)
    assert forecast.weeks[0].expected == D("500.00")
    assert forecast.weeks[0].invoice_count == 2
    assert forecast.rolled_over == D("300.00")
    assert forecast.weeks[1].expected == D("100.00")
    assert forecast.weeks[-1].expected == D("50.00")
    assert forecast.later == D("400.00")
    assert forecast.total == D("1050.00")


def test_the_monday_after_a_sunday_starts_a_new_week() -> None:
    invoices = [
        ForecastInvoice(1, 1, date(2026, 7, 5), D("1.00")),
        ForecastInvoice(2, 1, date(2026, 7, 6), D("2.00")),
    ]
    forecast = cash_forecast(invoices, {}, 0, AS_OF, weeks=2)
    assert [w.expected for w in forecast.weeks] == [D("1.00"), D("2.00")]
    a_week_later = cash_forecast(invoices, {}, 7, AS_OF, weeks=2)  # 12 Jul (Sunday) and 13 Jul
    assert [w.expected for w in a_week_later.weeks] == [D(0), D("1.00")]
    assert a_week_later.later == D("2.00")


def test_typical_delay_is_the_median() -> None:
    assert typical_delay([]) is None
    assert typical_delay([3, 400, 5]) == 5  # one lost invoice does not drag the forecast
    assert typical_delay([2, 4, 6, 8]) == 4  # the lower middle value
    assert typical_delay([-3, -1]) == -3
    assert expected_payment_date(date(2026, 7, 1), -2) == date(2026, 6, 29)


def test_at_least_one_week() -> None:
    with pytest.raises(ValidationError, match="at least one week"):
        cash_forecast([], {}, 0, AS_OF, weeks=0)
    one = cash_forecast([ForecastInvoice(1, 1, AS_OF, D("5.00"))], {}, 0, AS_OF, weeks=1)
    assert (one.weeks[0].end, one.weeks[0].expected) == (date(2026, 7, 5), D("5.00"))


open_invoices = st.lists(
    st.builds(
        ForecastInvoice,
        invoice_id=st.integers(1, 10_000),
        client_id=st.integers(1, 8),
        due_date=st.dates(date(2025, 6, 1), date(2027, 6, 1)),
        open_amount=st.integers(1, 10_000_000).map(lambda c: D(c).scaleb(-2)),
    ),
    max_size=40,
)


@given(
    open_invoices,
    st.dictionaries(st.integers(1, 8), st.integers(-30, 120), max_size=8),
    st.integers(-10, 60),
    st.dates(date(2026, 1, 1), date(2026, 12, 31)),
    st.integers(1, 26),
)
def test_weeks_and_later_add_up_to_the_open_balance(
    invoices: list[ForecastInvoice], delays: dict[int, int], company: int, as_of: date, weeks: int
) -> None:
    forecast = cash_forecast(invoices, delays, company, as_of, weeks)
    assert forecast.total == sum((i.open_amount for i in invoices), D(0))
    expected = {i: expected_payment_date(i.due_date, delays.get(i.client_id, company)) for i in invoices}
    later = [i for i in invoices if expected[i] > forecast.weeks[-1].end]
    assert forecast.later == sum((i.open_amount for i in later), D(0))
    assert sum(w.invoice_count for w in forecast.weeks) + len(later) == len(invoices)
    for week in forecast.weeks[1:]:
        inside = [i for i in invoices if week.start <= expected[i] <= week.end]
        assert week.expected == sum((i.open_amount for i in inside), D(0))
    assert len(forecast.weeks) == weeks
    assert forecast.weeks[0].start == as_of
    for before, after in zip(forecast.weeks, forecast.weeks[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
    assert D(0) <= forecast.rolled_over <= forecast.weeks[0].expected
