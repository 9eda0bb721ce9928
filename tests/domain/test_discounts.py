from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from creditdesk.domain.discounts import discount_applies
from creditdesk.domain.terms import PaymentTerms

TWO_TEN = PaymentTerms(30, discount_percent=D(2), discount_days=10)  # 2 % if paid within 10 days
ISSUED = date(2026, 3, 4)
DEADLINE = date(2026, 3, 14)


def test_discount_applies_up_to_and_including_the_deadline_day() -> None:
    # 1,000.00 less 2 % = 980.00
    assert discount_applies(TWO_TEN, ISSUED, ISSUED, D("1000.00"), D("980.00")) == D("20.00")
    assert discount_applies(TWO_TEN, ISSUED, DEADLINE, D("1000.00"), D("980.00")) == D("20.00")
    assert discount_applies(TWO_TEN, ISSUED, DEADLINE + timedelta(days=1), D("1000.00"), D("980.00")) is None


def test_the_payment_must_settle_the_discounted_amount() -> None:
    assert discount_applies(TWO_TEN, ISSUED, DEADLINE, D("1000.00"), D("979.99")) is None
    # Paying a little more than the discounted amount: only the rest is written off.
    assert discount_applies(TWO_TEN, ISSUED, DEADLINE, D("1000.00"), D("985.00")) == D("15.00")
    # Paying in full leaves nothing to write off.
    assert discount_applies(TWO_TEN, ISSUED, DEADLINE, D("1000.00"), D("1000.00")) is None


def test_no_discount_without_discount_terms_or_money() -> None:
    assert discount_applies(PaymentTerms(30), ISSUED, ISSUED, D("1000.00"), D("980.00")) is None
    assert discount_applies(TWO_TEN, ISSUED, ISSUED, D("0.00"), D("980.00")) is None
    assert discount_applies(TWO_TEN, ISSUED, ISSUED, D("1000.00"), D("0.00")) is None


def test_discount_rounds_half_up_to_the_currency() -> None:
    # 2 % of 1,234.56 = 24.6912 -> 24.69; in a currency without minor units, 2 % of 1,235 = 24.7 -> 25.
    assert discount_applies(TWO_TEN, ISSUED, ISSUED, D("1234.56"), D("1209.87")) == D("24.69")
    assert discount_applies(TWO_TEN, ISSUED, ISSUED, D("1235"), D("1210"), 0) == D("25")


def test_discount_on_the_invoice_total_when_paid_in_two_parts() -> None:
    # 1,000.00 invoice, 500.00 paid on 6 Mar, 480.00 on 12 Mar: the printed discount (20.00) holds.
    assert discount_applies(
        TWO_TEN, ISSUED, date(2026, 3, 12), D("500.00"), D("480.00"), gross=D("1000.00")
    ) == D("20.00")
    # Judged on the open amount alone the second part would fall short (2 % of 500.00 = 10.00).
    assert discount_applies(TWO_TEN, ISSUED, date(2026, 3, 12), D("500.00"), D("480.00")) is None


@given(
    st.integers(1, 10_000_000),
    st.integers(1, 10_000_000),
    st.integers(0, 20),
)
def test_a_discount_never_over_settles(open_cents: int, paid_cents: int, day: int) -> None:
    open_amount = D(open_cents).scaleb(-2)
    payment = D(paid_cents).scaleb(-2)
    write_off = discount_applies(TWO_TEN, ISSUED, ISSUED + timedelta(days=day), open_amount, payment)
    if write_off is None:
        return
    assert day <= 10
    assert D(0) < write_off <= TWO_TEN.discount_amount(open_amount)
    assert payment + write_off == open_amount
