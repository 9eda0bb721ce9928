"""The cash forecast from the ledger: each client's own delay, the company's for newcomers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from creditdesk.services.reports.aging import run_aging
from creditdesk.services.reports.forecast import forecast, typical_delays
from creditdesk.store.database import Database
from tests.services.workflow_ledger import client, invoice, pay

AS_OF = date(2026, 6, 10)  # a Wednesday


def build(db: Database) -> dict[str, int]:
    fast = client(db, "FAST")
    for due, paid in (
        (date(2026, 3, 1), date(2026, 3, 11)),
        (date(2026, 4, 1), date(2026, 4, 11)),
        (date(2026, 5, 1), date(2026, 4, 26)),
    ):
        pay(db, fast, paid, "50.00", invoice_id=invoice(db, fast, due, "50.00"))
    slow = client(db, "SLOW")
    for due in (date(2026, 1, 1), date(2026, 2, 1)):
        pay(db, slow, due + timedelta(days=40), "80.00", invoice_id=invoice(db, slow, due, "80.00"))
    invoice(db, fast, date(2026, 6, 20), "200.00")  # expected 30 June
    invoice(db, slow, date(2026, 5, 1), "300.00")  # expected 10 June, today
    invoice(db, slow, date(2026, 4, 1), "120.00")  # expected 11 May: already late
    invoice(
        db, slow, date(2026, 9, 30), "999.99", issue=date(2026, 6, 1)
    )  # expected 9 November: after the 13 weeks
    new = client(db, "NEW")
    invoice(db, new, date(2026, 6, 12), "75.50")  # no history: the company's delay
    return {"fast": fast, "slow": slow, "new": new}


def test_delays_are_each_clients_median_and_the_companys_for_the_rest(db: Database) -> None:
    ids = build(db)
    clients, company = typical_delays(db, AS_OF)
    assert clients == {ids["fast"]: 10, ids["slow"]: 40}
    assert company == 10  # the lower middle of -5, 10, 10, 40, 40


def test_each_invoice_lands_in_its_week_and_the_weeks_add_up_to_the_open_balance(db: Database) -> None:
    build(db)
    result = forecast(db, AS_OF)
    assert len(result.weeks) == 13
    assert (result.weeks[0].start, result.weeks[0].end) == (AS_OF, date(2026, 6, 14))
    assert (result.weeks[1].start, result.weeks[-1].end) == (date(2026, 6, 15), date(2026, 9, 6))
    expected = {w.start: (w.expected, w.invoice_count) for w in result.weeks if w.invoice_count}
    assert expected == {
        AS_OF: (D("420.00"), 2),  # due today by habit, and the late one rolled in
        date(2026, 6, 22): (D("75.50"), 1),
        date(2026, 6, 29): (D("200.00"), 1),
    }
    assert (result.rolled_over, result.later) == (D("120.00"), D("999.99"))
    open_balance = run_aging(db, AS_OF).totals.total
    assert result.total == open_balance == D("1695.49")


def test_fewer_weeks_send_more_to_later(db: Database) -> None:
    build(db)
    result = forecast(db, AS_OF, weeks=2)
    assert [w.expected for w in result.weeks] == [D("420.00"), D(0)]
    assert result.later == D("1275.49")
