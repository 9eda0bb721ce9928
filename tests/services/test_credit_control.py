"""Credit limits, holds and overrides: figures to the cent and every decision on the timeline."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from creditdesk.domain.errors import ValidationError
from creditdesk.services.chasing.today import TodayKind, today
from creditdesk.services.clients.overview import client_detail
from creditdesk.services.ledger.credit_control import (
    credit_status,
    over_limit_clients,
    record_override,
    set_credit_limit,
    set_on_hold,
)
from creditdesk.store.database import Database
from tests.services.workflow_ledger import client, invoice, pay

AS_OF = date(2026, 6, 10)


def timeline(db: Database, client_id: int, kind: str) -> list[str]:
    return [e.text for e in client_detail(db, client_id, AS_OF).timeline if e.kind == kind]


def test_used_and_remaining_follow_the_ledger(db: Database) -> None:
    acme = client(db, "ACME", limit="500.00")
    invoice(db, acme, date(2026, 6, 1), "300.00")
    invoice(db, acme, date(2026, 6, 5), "250.00")
    pay(db, acme, date(2026, 6, 8), "20.00")
    status = credit_status(db, acme, AS_OF)
    assert (status.credit_limit, status.used, status.remaining, status.over_limit) == (
        D("500.00"),
        D("530.00"),
        D("-30.00"),
        True,
    )
    assert [s.client_id for s in over_limit_clients(db, AS_OF)] == [acme]
    items = [i for i in today(db, AS_OF) if i.kind is TodayKind.OVER_LIMIT]
    assert [i.text for i in items] == ["Owes €530.00, over the credit limit of €500.00 by €30.00"]


def test_limits_and_holds_are_written_on_the_timeline(db: Database) -> None:
    acme = client(db, "ACME")
    invoice(db, acme, date(2026, 6, 1), "300.00")
    at = datetime(2026, 6, 9, 10, 0)
    set_credit_limit(db, acme, D("250.00"), at=at)
    assert credit_status(db, acme, AS_OF).over_limit
    set_on_hold(db, acme, True, "two invoices unpaid", at=at)
    assert over_limit_clients(db, AS_OF) == []  # on hold already: nothing new to act on
    with pytest.raises(ValidationError, match="already on hold"):
        set_on_hold(db, acme, True)
    set_on_hold(db, acme, False, at=at)
    set_credit_limit(db, acme, None, at=at)
    assert credit_status(db, acme, AS_OF).remaining is None
    assert sorted(timeline(db, acme, "credit_limit")) == [
        "Credit limit removed",
        "Credit limit set to 250.00",
    ]
    assert sorted(timeline(db, acme, "hold")) == ["Put on hold: two invoices unpaid", "Taken off hold"]


def test_an_override_records_who_and_why(db: Database) -> None:
    acme = client(db, "ACME", limit="100.00")
    inv = invoice(db, acme, date(2026, 6, 1), "300.00")
    record_override(db, acme, "Sam", "long-standing customer, paying on Friday", invoice_id=inv)
    assert timeline(db, acme, "override") == [
        "Credit warning overridden for INV-00001 over the credit limit by Sam: "
        "long-standing customer, paying on Friday"
    ]
    with pytest.raises(ValidationError, match="why the warning was overridden"):
        record_override(db, acme, "Sam", " ")
