from datetime import date
from decimal import Decimal

import pytest

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.terms import PaymentTerms, TermsBasis, resolve_due_date


def test_net_days_count_from_the_issue_date() -> None:
    assert PaymentTerms(30).due_date(date(2026, 1, 15)) == date(2026, 2, 14)
    assert PaymentTerms(0).due_date(date(2026, 1, 15)) == date(2026, 1, 15)


def test_end_of_month_terms_count_from_the_last_day_of_the_month() -> None:
    eom30 = PaymentTerms(30, TermsBasis.END_OF_MONTH)
    assert eom30.due_date(date(2026, 1, 2)) == date(2026, 3, 2)  # 31 Jan + 30
    assert eom30.due_date(date(2028, 2, 10)) == date(2028, 3, 30)  # leap year: 29 Feb + 30
    assert PaymentTerms(0, TermsBasis.END_OF_MONTH).due_date(date(2026, 4, 1)) == date(2026, 4, 30)


def test_early_payment_discount() -> None:
    terms = PaymentTerms(30, discount_percent=Decimal(2), discount_days=10)
    assert terms.discount_deadline(date(2026, 3, 4)) == date(2026, 3, 14)
    assert terms.discount_amount(Decimal("1234.56")) == Decimal("24.69")
    assert terms.describe() == "2 % 10, net 30"
    assert PaymentTerms(14).discount_deadline(date(2026, 3, 4)) is None


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"days": -1}, "negative"),
        ({"discount_percent": Decimal(2)}, "both"),
        ({"discount_percent": Decimal(100), "discount_days": 5}, "between 0 and 100"),
    ],
)
def test_bad_terms_are_refused(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        PaymentTerms(**kwargs)  # type: ignore[arg-type]


def test_blank_due_date_takes_the_terms_and_none_is_before_issue() -> None:
    issue = date(2026, 5, 1)
    assert resolve_due_date(issue, None, PaymentTerms(14)) == date(2026, 5, 15)
    assert resolve_due_date(issue, date(2026, 5, 1), PaymentTerms(14)) == issue
    with pytest.raises(ValidationError, match="before the issue date"):
        resolve_due_date(issue, date(2026, 4, 30), PaymentTerms(14))


def test_descriptions() -> None:
    assert PaymentTerms(30).describe() == "Net 30"
    assert PaymentTerms(0).describe() == "Due on receipt"
    assert PaymentTerms(30, TermsBasis.END_OF_MONTH).describe() == "30 days after end of month"
