from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.payment_plans import (
    Frequency,
    Instalment,
    NudgeKind,
    PaymentPlan,
    PlanStatus,
    add_months,
    allocate_to_instalments,
    broken_on,
    instalment_nudges,
    instalments,
    plan_status,
)

IDS = frozenset({21, 22})
FIRST = date(2026, 5, 1)


def plan(total: str = "100.00", count: int | None = 3, **kwargs: object) -> PaymentPlan:
    fields: dict[str, object] = {
        "id": 9,
        "client_id": 4,
        "invoice_ids": IDS,
        "total": D(total),
        "first_date": FIRST,
        "frequency": Frequency.WEEKLY,
        "count": count,
    }
    return PaymentPlan(**(fields | kwargs))  # type: ignore[arg-type]


def test_equal_split_puts_the_remainder_on_the_last_instalment() -> None:
    rows = instalments(plan("100.00", 3))
    assert [(r.number, r.due_date, r.amount) for r in rows] == [
        (1, date(2026, 5, 1), D("33.33")),
        (2, date(2026, 5, 8), D("33.33")),
        (3, date(2026, 5, 15), D("33.34")),
    ]
    assert [r.amount for r in instalments(plan("100.00", 7))] == [D("14.28")] * 6 + [D("14.32")]
    assert [r.amount for r in instalments(plan("1000", 3, exponent=0))] == [D(333), D(333), D(334)]


def test_fortnightly_and_monthly_dates() -> None:
    fortnightly = instalments(plan(count=3, frequency=Frequency.FORTNIGHTLY))
    assert [r.due_date for r in fortnightly] == [date(2026, 5, 1), date(2026, 5, 15), date(2026, 5, 29)]
    monthly = instalments(plan(count=5, frequency=Frequency.MONTHLY, first_date=date(2028, 1, 31)))
    # The 31st where the month has one, the month's last day where it has not (2028 is a leap year).
    assert [r.due_date for r in monthly] == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
        date(2028, 5, 31),
    ]
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), -2) == date(2025, 11, 15)


def test_custom_amounts_must_add_up_to_the_total() -> None:
    rows = instalments(plan("100.00", None, custom_amounts=(D("50.00"), D("30.00"), D("20.00"))))
    assert [r.amount for r in rows] == [D("50.00"), D("30.00"), D("20.00")]
    with pytest.raises(ValidationError, match=r"add up to 99\.99 but the plan is for 100\.00"):
        plan("100.00", None, custom_amounts=(D("50.00"), D("49.99")))


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"count": None}, "either a number of equal instalments"),
        ({"custom_amounts": (D("100.00"),)}, "either a number of equal instalments"),
        ({"count": 0}, "at least one instalment"),
        ({"total": D("0.02"), "count": 3}, "cannot be split into 3"),
        ({"total": D("10.001")}, "decimal places"),
        ({"total": D(0)}, "above zero"),
        ({"grace_days": -1}, "grace period"),
        ({"invoice_ids": frozenset()}, "at least one invoice"),
        ({"count": None, "custom_amounts": (D("100.00"), D("0.00"))}, "instalment 2 must be a positive"),
    ],
)
def test_bad_plans_are_refused(kwargs: dict[str, object], fragment: str) -> None:
    fields: dict[str, object] = {"total": "100.00", "count": 3} | kwargs
    total = fields.pop("total")
    count = fields.pop("count")
    with pytest.raises(ValidationError, match=fragment):
        plan(str(total), count, **fields)  # type: ignore[arg-type]


@given(st.integers(1, 10_000_000), st.integers(1, 60), st.sampled_from([0, 2, 3]))
def test_instalments_add_up_exactly(units: int, count: int, exponent: int) -> None:
    total = D(units).scaleb(-exponent)
    if units < count:
        with pytest.raises(ValidationError):
            plan(str(total), count, exponent=exponent)
        return
    rows = instalments(plan(str(total), count, exponent=exponent))
    assert len(rows) == count
    assert sum(r.amount for r in rows) == total
    assert all(r.amount > 0 for r in rows)
    assert all(r.amount == rows[0].amount for r in rows[:-1])
    assert D(0) <= rows[-1].amount - rows[0].amount < D(count).scaleb(-exponent)
    assert [r.number for r in rows] == list(range(1, count + 1))


def test_payments_fill_the_oldest_instalment_first_and_overpayment_flows_on() -> None:
    rows = instalments(plan("100.00", 3))  # 33.33, 33.33, 33.34
    result = allocate_to_instalments(rows, [(date(2026, 5, 1), D("40.00")), (date(2026, 5, 9), D("30.00"))])
    assert [(r.paid, r.paid_on) for r in result.instalments] == [
        (D("33.33"), date(2026, 5, 1)),
        (D("33.33"), date(2026, 5, 9)),  # 6.67 from the first payment, 26.66 from the second
        (D("3.34"), None),
    ]
    assert result.paid == D("70.00")
    assert result.outstanding == D("30.00")
    over = allocate_to_instalments(rows, [(date(2026, 5, 2), D("120.00"))])
    assert over.unallocated == D("20.00")
    assert all(r.outstanding == 0 for r in over.instalments)


def test_payments_are_taken_in_date_order_and_future_ones_ignored() -> None:
    rows = instalments(plan("100.00", 2))
    payments = [(date(2026, 5, 20), D("50.00")), (date(2026, 5, 3), D("50.00"))]
    result = allocate_to_instalments(rows, payments)
    assert [r.paid_on for r in result.instalments] == [date(2026, 5, 3), date(2026, 5, 20)]
    assert allocate_to_instalments(rows, payments, as_of=date(2026, 5, 10)).paid == D("50.00")


def test_plan_breaks_after_the_grace_period() -> None:
    agreed = plan("100.00", 2)  # 50.00 due 1 May and 8 May, 7 days' grace
    rows = instalments(agreed)

    def status(as_of: date, payments: list[tuple[date, D]]) -> PlanStatus:
        return plan_status(agreed, allocate_to_instalments(rows, payments, as_of), as_of)

    assert status(date(2026, 5, 8), []) is PlanStatus.KEPT  # the last day of grace
    assert status(date(2026, 5, 9), []) is PlanStatus.BROKEN
    assert broken_on(agreed, allocate_to_instalments(rows, []), date(2026, 5, 9)) == date(2026, 5, 9)
    # Paid within grace: kept; the second instalment then breaks it on 16 May.
    late_but_ok = [(date(2026, 5, 8), D("50.00"))]
    assert status(date(2026, 5, 15), late_but_ok) is PlanStatus.KEPT
    assert status(date(2026, 5, 16), late_but_ok) is PlanStatus.BROKEN
    # Paid the day grace ran out: the plan had broken and stays broken...
    too_late = [(date(2026, 5, 9), D("50.00"))]
    assert status(date(2026, 5, 10), too_late) is PlanStatus.BROKEN
    # ...until everything is paid.
    assert status(date(2026, 5, 20), [*too_late, (date(2026, 5, 20), D("50.00"))]) is PlanStatus.COMPLETED


def test_no_grace() -> None:
    agreed = plan("100.00", 1, grace_days=0)
    rows = instalments(agreed)
    assert plan_status(agreed, allocate_to_instalments(rows, []), FIRST) is PlanStatus.KEPT
    next_day = FIRST + timedelta(days=1)
    assert plan_status(agreed, allocate_to_instalments(rows, []), next_day) is PlanStatus.BROKEN


def test_nudges_coming_up_and_missed() -> None:
    agreed = plan("90.00", 3)  # 30.00 due 1, 8 and 15 May
    rows = instalments(agreed)

    def nudges(
        as_of: date, payments: tuple[tuple[date, D], ...] = (), sent: frozenset[str] = frozenset()
    ) -> list[tuple[int, NudgeKind]]:
        allocation = allocate_to_instalments(rows, payments, as_of)
        return [(n.number, n.kind) for n in instalment_nudges(agreed, allocation, as_of, sent_keys=sent)]

    assert nudges(date(2026, 4, 27)) == []
    assert nudges(date(2026, 4, 28)) == [(1, NudgeKind.COMING_UP)]  # 3 days before
    assert nudges(date(2026, 5, 1)) == [(1, NudgeKind.COMING_UP)]  # the due day itself
    assert nudges(date(2026, 5, 2)) == [(1, NudgeKind.MISSED)]
    assert nudges(date(2026, 5, 5)) == [(1, NudgeKind.MISSED), (2, NudgeKind.COMING_UP)]
    # Already sent: not again.
    assert nudges(date(2026, 5, 5), sent=frozenset({"plan:9:1:missed"})) == [(2, NudgeKind.COMING_UP)]
    # Paid instalments need nothing.
    assert nudges(date(2026, 5, 2), ((date(2026, 5, 1), D("30.00")),)) == []
    # Past grace the plan is broken: normal chasing takes over, no more plan nudges.
    assert nudges(date(2026, 5, 9)) == []


def test_nudge_keys_do_not_depend_on_the_day() -> None:
    agreed = plan("90.00", 3)
    rows = instalments(agreed)
    keys = {
        n.dedupe_key
        for day in range(-3, 1)
        for n in instalment_nudges(agreed, allocate_to_instalments(rows, []), FIRST + timedelta(days=day))
    }
    assert keys == {"plan:9:1:coming_up"}
    nudge = instalment_nudges(agreed, allocate_to_instalments(rows, []), FIRST)[0]
    assert (nudge.plan_id, nudge.due_date, nudge.outstanding) == (9, FIRST, D("30.00"))


def test_allocation_of_custom_instalments_against_a_hand_built_schedule() -> None:
    rows = (Instalment(1, FIRST, D("10.00")), Instalment(2, FIRST + timedelta(days=7), D("5.00")))
    result = allocate_to_instalments(rows, [(FIRST, D("12.00"))])
    assert [r.paid for r in result.instalments] == [D("10.00"), D("2.00")]


@given(
    st.integers(100, 1_000_000),
    st.integers(1, 12),
    st.lists(st.tuples(st.integers(0, 120), st.integers(1, 500_000)), max_size=8),
)
def test_allocation_never_exceeds_an_instalment_and_loses_nothing(
    units: int, count: int, raw: list[tuple[int, int]]
) -> None:
    agreed = plan(str(D(units).scaleb(-2)), count, frequency=Frequency.MONTHLY)
    rows = instalments(agreed)
    payments = [(FIRST + timedelta(days=d), D(c).scaleb(-2)) for d, c in raw]
    result = allocate_to_instalments(rows, payments)
    assert result.paid + result.unallocated == sum((a for _, a in payments), D(0))
    assert all(D(0) <= r.paid <= r.amount for r in result.instalments)
    # Oldest first: an instalment holds money only when every earlier one is full.
    for before, after in zip(result.instalments, result.instalments[1:], strict=False):
        if after.paid > 0:
            assert before.outstanding == 0
    assert (result.unallocated > 0) <= (result.outstanding == 0)
