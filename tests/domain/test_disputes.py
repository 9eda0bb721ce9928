from datetime import date

import pytest

from creditdesk.domain.disputes import (
    Dispute,
    DisputeOutcome,
    DisputeReason,
    disputed_invoice_ids,
    waiting_too_long,
)
from creditdesk.domain.errors import ValidationError

OPENED = date(2026, 5, 1)


def test_age_runs_while_open_and_stops_when_resolved() -> None:
    open_one = Dispute(1, 31, DisputeReason.PRICE, OPENED)
    assert open_one.age_days(date(2026, 5, 1)) == 0
    assert open_one.age_days(date(2026, 5, 21)) == 20
    resolved = Dispute(
        2, 32, DisputeReason.QUALITY, OPENED, "", date(2026, 5, 11), DisputeOutcome.CREDIT_NOTE
    )
    assert resolved.age_days(date(2026, 6, 30)) == 10
    assert resolved.age_days(date(2026, 5, 5)) == 4
    assert not resolved.is_open(date(2026, 5, 11))
    assert resolved.is_open(date(2026, 5, 10))
    assert not open_one.is_open(date(2026, 4, 30))


def test_disputed_invoices_leave_the_schedule_until_resolved() -> None:
    disputes = [
        Dispute(1, 31, DisputeReason.NOT_RECEIVED, OPENED),
        Dispute(
            2, 32, DisputeReason.WRONG_PO, OPENED, "", date(2026, 5, 3), DisputeOutcome.RESOLVED_IN_OUR_FAVOUR
        ),
    ]
    assert disputed_invoice_ids(disputes, date(2026, 5, 2)) == frozenset({31, 32})
    assert disputed_invoice_ids(disputes, date(2026, 5, 3)) == frozenset({31})


def test_waiting_too_long_lists_the_oldest_first() -> None:
    disputes = [
        Dispute(1, 31, DisputeReason.PRICE, date(2026, 5, 10)),
        Dispute(2, 32, DisputeReason.PRICE, date(2026, 5, 1)),
        Dispute(3, 33, DisputeReason.PRICE, date(2026, 5, 20)),
    ]
    assert [d.id for d in waiting_too_long(disputes, date(2026, 5, 24))] == [2, 1]
    assert [d.id for d in waiting_too_long(disputes, date(2026, 5, 24), days=5)] == [2, 1]
    assert [d.id for d in waiting_too_long(disputes, date(2026, 5, 24), days=4)] == [2, 1, 3]


def test_labels() -> None:
    assert DisputeReason.WRONG_PO.label == "Wrong PO"
    assert DisputeOutcome.PARTIAL_CREDIT.label == "Partial credit"
    assert all(reason.label for reason in DisputeReason)
    assert all(outcome.label for outcome in DisputeOutcome)


@pytest.mark.parametrize(
    ("dispute", "fragment"),
    [
        ((1, 31, DisputeReason.OTHER, OPENED, "  "), "needs a note"),
        ((1, 31, DisputeReason.PRICE, OPENED, "", date(2026, 5, 2)), "both the date"),
        ((1, 31, DisputeReason.PRICE, OPENED, "", None, DisputeOutcome.CREDIT_NOTE), "both the date"),
        (
            (1, 31, DisputeReason.PRICE, OPENED, "", date(2026, 4, 30), DisputeOutcome.CREDIT_NOTE),
            "before it was opened",
        ),
    ],
)
def test_bad_disputes_are_refused(dispute: tuple[object, ...], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        Dispute(*dispute)  # type: ignore[arg-type]
