"""Risk ratings from the ledger: the reasons for clear cases; the bulk reading agrees with one client's."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from creditdesk.domain.disputes import DisputeReason
from creditdesk.domain.risk import RiskLevel
from creditdesk.services.arrangements.disputes import open_dispute
from creditdesk.services.arrangements.promises import PromiseInput, record_promise
from creditdesk.services.clients.risk import client_risk, client_risk_facts, client_risks, risk_facts
from creditdesk.store.database import Database
from tests.services.workflow_ledger import client, invoice, pay

AS_OF = date(2026, 11, 20)


def good_payer(db: Database) -> int:
    good = client(db, "GOOD", limit="10000.00")
    for month in range(1, 10):
        due = date(2026, month, 20)
        inv = invoice(db, good, due, "500.00")
        pay(db, good, due - timedelta(days=2), "500.00", invoice_id=inv)
    return good


def bad_payer(db: Database) -> int:
    bad = client(db, "BAD", limit="1000.00")
    for month in range(1, 7):
        due = date(2026, month, 10)
        inv = invoice(db, bad, due, "400.00")
        pay(db, bad, due + timedelta(days=45 + 10 * month), "400.00", invoice_id=inv)  # later and later
    old = invoice(db, bad, date(2026, 8, 1), "600.00")  # 111 days past due on AS_OF
    disputed = invoice(db, bad, date(2026, 9, 1), "500.00")
    open_dispute(db, disputed, DisputeReason.PRICE, "", date(2026, 9, 5))
    record_promise(db, PromiseInput(bad, [old], D("600.00"), date(2026, 10, 1), date(2026, 9, 20)))
    return bad


def test_a_clean_record_is_low_risk(db: Database) -> None:
    good = good_payer(db)
    rating = client_risks(db, AS_OF)[good]
    assert (rating.level, rating.score, rating.reasons) == (RiskLevel.LOW, 0, ("No warning signs",))


def test_a_new_client_is_rated_medium_and_told_why(db: Database) -> None:
    new = client(db, "NEW")
    invoice(db, new, AS_OF + timedelta(days=10), "100.00")
    rating = client_risks(db, AS_OF)[new]
    assert rating.level is RiskLevel.MEDIUM
    assert rating.reasons == ("Not enough history (0 invoices to judge by)",)


def test_a_bad_payer_is_high_risk_with_every_reason_listed(db: Database) -> None:
    bad = bad_payer(db)
    rating = client_risks(db, AS_OF)[bad]
    assert rating.level is RiskLevel.HIGH
    assert rating.reasons == (
        "Pays 80 days late on average",
        "Only 0 % of invoices paid on time",
        "Paying later: 90 days late on average in the last 6 months, 60 days in the 6 before",
        "1 of 1 promise to pay broken",
        "1 open dispute",
        "Oldest overdue invoice is 111 days past due",
        "100 % of the balance is overdue",
        "Over credit limit (110 % used)",
    )
    assert client_risk(db, bad, AS_OF) == rating


def test_the_bulk_reading_agrees_with_each_clients_own(db: Database) -> None:
    ids = [good_payer(db), bad_payer(db), client(db, "NEW")]
    for as_of in (date(2026, 5, 1), date(2026, 8, 15), AS_OF):
        bulk = risk_facts(db, as_of)
        for client_id in ids:
            assert bulk[client_id] == client_risk_facts(db, client_id, as_of), (client_id, as_of)
