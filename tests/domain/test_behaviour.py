from datetime import date
from decimal import Decimal as D

from creditdesk.domain.behaviour import InvoiceHistory, days_sales_outstanding, payment_behaviour

AS_OF = date(2026, 6, 30)


def test_average_days_to_pay_is_weighted_by_amount() -> None:
    history = [
        # 900 paid after 10 days, 100 paid after 60 days: (9000 + 6000) / 1000 = 15.0
        InvoiceHistory(
            date(2026, 1, 1), date(2026, 1, 31), D(900), ((date(2026, 1, 11), D(900)),), date(2026, 1, 11)
        ),
        InvoiceHistory(
            date(2026, 2, 1), date(2026, 3, 3), D(100), ((date(2026, 4, 2), D(100)),), date(2026, 4, 2)
        ),
    ]
    result = payment_behaviour(history, AS_OF)
    assert result.average_days_to_pay == D("15.0")
    assert result.paid_on_time_share == D("0.50")
    assert result.invoices_considered == 2


def test_unpaid_overdue_counts_as_late_and_future_payments_are_ignored() -> None:
    history = [
        InvoiceHistory(date(2026, 5, 1), date(2026, 5, 31), D(50)),  # overdue, unpaid
        InvoiceHistory(date(2026, 6, 20), date(2026, 7, 20), D(50)),  # not yet due: not judged
        InvoiceHistory(
            date(2026, 6, 1), date(2026, 6, 30), D(50), ((date(2026, 7, 15), D(50)),), date(2026, 7, 15)
        ),
    ]
    result = payment_behaviour(history, AS_OF)
    assert result.average_days_to_pay is None
    assert result.paid_on_time_share == D("0.00")
    assert result.invoices_considered == 1


def test_no_history_means_no_verdict() -> None:
    result = payment_behaviour([], AS_OF)
    assert (result.average_days_to_pay, result.paid_on_time_share, result.invoices_considered) == (
        None,
        None,
        0,
    )


def test_dso() -> None:
    assert days_sales_outstanding(D(30_000), D(90_000), 90) == D("30.0")
    assert days_sales_outstanding(D(-5), D(100), 90) == D("0.0")
    assert days_sales_outstanding(D(100), D(0)) is None
