from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.promises import (
    Promise,
    PromiseStatus,
    check_promise,
    paused_invoice_ids,
    promise_record,
    promise_status,
)

MADE = date(2026, 4, 1)
PROMISED = date(2026, 4, 10)
PROMISE = Promise(1, 7, frozenset({11, 12}), D("500.00"), PROMISED, MADE)


def test_open_until_the_promised_date_then_broken_the_day_after() -> None:
    for as_of in (MADE, PROMISED - timedelta(days=1), PROMISED):
        assert promise_status(PROMISE, [], D("800.00"), as_of) is PromiseStatus.OPEN
    check = check_promise(PROMISE, [], D("800.00"), PROMISED + timedelta(days=1))
    assert check.status is PromiseStatus.BROKEN
    assert check.broken_on == date(2026, 4, 11) == PROMISE.broken_on


def test_kept_by_payment_covering_the_amount() -> None:
    receipts = [(date(2026, 4, 8), D("500.00"))]
    check = check_promise(PROMISE, receipts, D("300.00"), date(2026, 4, 8))
    assert (check.status, check.kept_on, check.received) == (
        PromiseStatus.KEPT,
        date(2026, 4, 8),
        D("500.00"),
    )
    # ...and it stays kept afterwards.
    assert promise_status(PROMISE, receipts, D("300.00"), date(2026, 6, 1)) is PromiseStatus.KEPT


def test_kept_on_the_promised_date_itself() -> None:
    receipts = [(PROMISED, D("500.00"))]
    assert promise_status(PROMISE, receipts, D("300.00"), date(2026, 5, 1)) is PromiseStatus.KEPT


def test_kept_by_a_part_payment_and_a_credit_note() -> None:
    receipts = [(date(2026, 4, 3), D("350.00")), (date(2026, 4, 9), D("150.00"))]  # payment, credit note
    assert promise_status(PROMISE, receipts, D("450.00"), date(2026, 4, 5)) is PromiseStatus.OPEN
    check = check_promise(PROMISE, receipts, D("300.00"), date(2026, 4, 20))
    assert (check.status, check.kept_on) == (PromiseStatus.KEPT, date(2026, 4, 9))


def test_a_part_payment_alone_leaves_it_open_then_broken() -> None:
    receipts = [(date(2026, 4, 3), D("499.99"))]
    assert promise_status(PROMISE, receipts, D("300.01"), PROMISED) is PromiseStatus.OPEN
    assert (
        promise_status(PROMISE, receipts, D("300.01"), PROMISED + timedelta(days=1)) is PromiseStatus.BROKEN
    )


def test_money_before_the_promise_or_after_the_date_does_not_keep_it() -> None:
    receipts = [(date(2026, 3, 31), D("400.00")), (date(2026, 4, 11), D("500.00"))]
    check = check_promise(PROMISE, receipts, D("0.00"), date(2026, 4, 30))
    assert check.status is PromiseStatus.BROKEN  # paid off late: the promise still broke
    assert check.received == D(0)


def test_kept_when_the_invoices_are_cleared_by_the_promised_date() -> None:
    # Promised 500.00 but only 300.00 was left after an earlier payment: clearing it keeps the promise.
    receipts = [(date(2026, 3, 20), D("200.00")), (date(2026, 4, 6), D("300.00"))]
    check = check_promise(PROMISE, receipts, D("0.00"), date(2026, 4, 30))
    assert (check.status, check.kept_on) == (PromiseStatus.KEPT, date(2026, 4, 6))


def test_future_receipts_are_not_seen() -> None:
    receipts = [(date(2026, 4, 9), D("500.00"))]
    assert promise_status(PROMISE, receipts, D("800.00"), date(2026, 4, 8)) is PromiseStatus.OPEN


def test_paused_invoices_are_those_under_open_promises() -> None:
    kept = Promise(2, 7, frozenset({13}), D("100.00"), PROMISED, MADE)
    broken = Promise(3, 7, frozenset({14}), D("100.00"), date(2026, 4, 5), MADE)
    future = Promise(4, 7, frozenset({15}), D("100.00"), date(2026, 5, 30), date(2026, 5, 1))
    receipts = {13: [(date(2026, 4, 2), D("100.00"))]}
    open_amounts = {11: D("400.00"), 12: D("400.00"), 13: D("50.00"), 14: D("100.00"), 15: D("100.00")}
    paused = paused_invoice_ids([PROMISE, kept, broken, future], receipts, open_amounts, date(2026, 4, 8))
    assert paused == frozenset({11, 12})
    # The day after its promised date the broken promise's invoices are chased again; so are all.
    assert paused_invoice_ids([PROMISE], {}, open_amounts, date(2026, 4, 11)) == frozenset()


def test_promise_record_counts_kept_and_broken() -> None:
    record = promise_record(
        [PromiseStatus.KEPT, PromiseStatus.BROKEN, PromiseStatus.OPEN, PromiseStatus.BROKEN]
    )
    assert (record.kept, record.broken, record.judged) == (1, 2, 3)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"invoice_ids": frozenset()}, "at least one invoice"),
        ({"amount": D(0)}, "more than zero"),
        ({"promised_date": date(2026, 3, 31)}, "before the day the promise"),
    ],
)
def test_bad_promises_are_refused(kwargs: dict[str, object], fragment: str) -> None:
    fields: dict[str, object] = {
        "id": 1,
        "client_id": 1,
        "invoice_ids": frozenset({1}),
        "amount": D(10),
        "promised_date": PROMISED,
        "made_on": MADE,
    }
    with pytest.raises(ValidationError, match=fragment):
        Promise(**(fields | kwargs))  # type: ignore[arg-type]


@given(
    st.lists(st.tuples(st.integers(-5, 20), st.integers(1, 60_000)), max_size=5),
    st.integers(0, 30),
    st.integers(1, 30),
)
def test_status_moves_only_forward(receipts_raw: list[tuple[int, int]], start: int, step: int) -> None:
    """Over time a promise goes open -> kept or open -> broken, never back."""
    receipts = [(MADE + timedelta(days=d), D(c).scaleb(-2)) for d, c in receipts_raw]
    # Money applied to invoices never exceeds what they owe (800.00 here).
    assume(sum((a for _, a in receipts), D(0)) <= D("800.00"))

    def status(as_of: date) -> PromiseStatus:
        seen = sum((a for on, a in receipts if on <= as_of), D(0))
        return promise_status(PROMISE, receipts, max(D("800.00") - seen, D(0)), as_of)

    first = status(MADE + timedelta(days=start))
    second = status(MADE + timedelta(days=start + step))
    assert first is PromiseStatus.OPEN or first is second
    if MADE + timedelta(days=start) > PROMISED:
        assert first is not PromiseStatus.OPEN
