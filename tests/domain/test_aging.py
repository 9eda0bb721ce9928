from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.domain.aging import (
    BUCKETS,
    Basis,
    ClientRef,
    LedgerAllocation,
    LedgerInvoice,
    LedgerReceipt,
    aging_report,
    bucket_cutoffs,
    bucket_index,
    sort_key,
)

AS_OF = date(2026, 6, 30)
CLIENTS = {1: ClientRef(1, "A1", "Alpha"), 2: ClientRef(2, "B2", "Beta")}


def one_invoice_due(days_before_as_of: int) -> list[LedgerInvoice]:
    due = AS_OF - timedelta(days=days_before_as_of)
    return [LedgerInvoice(1, 1, due - timedelta(days=30), due, D("100.00"))]


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-5, "current"),
        (0, "current"),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "90+"),
        (400, "90+"),
    ],
)
def test_due_basis_boundaries(days: int, bucket: str) -> None:
    report = aging_report(one_invoice_due(days), [], [], CLIENTS, AS_OF)
    (row,) = report.rows
    assert row.amount(bucket, report.bucket_keys) == D("100.00")
    assert row.total == D("100.00")


@pytest.mark.parametrize(
    ("days", "bucket"), [(0, "0-30"), (30, "0-30"), (31, "31-60"), (90, "61-90"), (91, "90+")]
)
def test_invoice_basis_boundaries(days: int, bucket: str) -> None:
    issue = AS_OF - timedelta(days=days)
    invoices = [LedgerInvoice(1, 1, issue, issue + timedelta(days=60), D("10.00"))]
    report = aging_report(invoices, [], [], CLIENTS, AS_OF, Basis.INVOICE)
    assert report.rows[0].amount(bucket, report.bucket_keys) == D("10.00")


def test_partial_payments_and_dates_after_as_of() -> None:
    invoices = [
        LedgerInvoice(1, 1, date(2026, 5, 1), date(2026, 5, 31), D("300.00")),
        LedgerInvoice(2, 1, date(2026, 7, 2), date(2026, 8, 1), D("50.00")),  # issued after as-of
    ]
    receipts = [
        LedgerReceipt(1, date(2026, 6, 10), D("100.00")),
        LedgerReceipt(1, date(2026, 7, 5), D("200.00")),
    ]
    allocations = [
        LedgerAllocation(1, date(2026, 6, 10), D("100.00")),
        LedgerAllocation(1, date(2026, 7, 5), D("200.00")),
    ]
    report = aging_report(invoices, allocations, receipts, CLIENTS, AS_OF)
    (row,) = report.rows
    assert row.amount("1-30", report.bucket_keys) == D("200.00")  # 30 days past due
    assert row.unallocated == D(0)
    assert row.total == D("200.00")
    # A historic date sees the invoice before any payment.
    before = aging_report(invoices, allocations, receipts, CLIENTS, date(2026, 5, 31))
    assert before.rows[0].buckets == (D("300.00"), D(0), D(0), D(0), D(0))
    # Later, everything is paid and nothing shows.
    assert aging_report(invoices[:1], allocations, receipts, CLIENTS, date(2026, 8, 1)).rows == ()


def test_money_on_account_is_negative_and_counts_in_the_total() -> None:
    invoices = [LedgerInvoice(1, 1, date(2026, 6, 1), date(2026, 6, 30), D("40.00"))]
    receipts = [LedgerReceipt(1, date(2026, 6, 5), D("100.00"))]
    allocations = [LedgerAllocation(1, date(2026, 6, 5), D("40.00"))]
    report = aging_report(invoices, allocations, receipts, CLIENTS, AS_OF)
    (row,) = report.rows
    assert row.unallocated == D("-60.00")
    assert row.total == D("-60.00")
    assert report.totals.total == D("-60.00")


def test_rows_are_sorted_by_name_and_zero_rows_left_out() -> None:
    invoices = [
        LedgerInvoice(1, 2, date(2026, 6, 1), date(2026, 6, 30), D("1.00")),
        LedgerInvoice(2, 1, date(2026, 6, 1), date(2026, 6, 30), D("1.00")),
    ]
    allocations = [LedgerAllocation(2, date(2026, 6, 2), D("1.00"))]
    receipts = [LedgerReceipt(1, date(2026, 6, 2), D("1.00"))]
    report = aging_report(invoices, allocations, receipts, CLIENTS, AS_OF)
    assert [r.client_code for r in report.rows] == ["B2"]


@given(st.integers(-400, 400), st.sampled_from(list(Basis)))
def test_sql_cutoffs_agree_with_bucket_index(days: int, basis: Basis) -> None:
    reference = AS_OF - timedelta(days=days)
    cutoffs = bucket_cutoffs(AS_OF, basis)
    index = next((i for i, cut in enumerate(cutoffs) if reference > cut), len(cutoffs))
    assert index == bucket_index(days, basis)


def test_buckets_cover_every_day_once() -> None:
    for basis, buckets in BUCKETS.items():
        for days in range(-30, 500):
            assert sum(b.holds(days) for b in buckets) == 1, (basis, days)


# --- invariants over random ledgers --------------------------------------------------------------

START = date(2025, 1, 1)


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[list[LedgerInvoice], list[LedgerAllocation], list[LedgerReceipt]]:
    invoices: list[LedgerInvoice] = []
    for i in range(draw(st.integers(0, 10))):
        issue = START + timedelta(days=draw(st.integers(0, 400)))
        due = issue + timedelta(days=draw(st.integers(0, 90)))
        gross = D(draw(st.integers(0, 100_000))) / 100
        invoices.append(LedgerInvoice(i + 1, draw(st.sampled_from([1, 2])), issue, due, gross))
    allocations: list[LedgerAllocation] = []
    receipts: list[LedgerReceipt] = []
    for _ in range(draw(st.integers(0, 10))):
        client = draw(st.sampled_from([1, 2]))
        paid_on = START + timedelta(days=draw(st.integers(0, 500)))
        amount = D(draw(st.integers(1, 100_000))) / 100
        receipts.append(LedgerReceipt(client, paid_on, amount))
        left = amount
        for inv in invoices:
            applied = sum((a.amount for a in allocations if a.invoice_id == inv.id), D(0))
            if inv.client_id != client or left <= 0 or applied >= inv.gross:
                continue
            take = min(left, inv.gross - applied, D(draw(st.integers(1, 100_000))) / 100)
            allocations.append(LedgerAllocation(inv.id, max(paid_on, inv.issue_date), take))
            left -= take
    return invoices, allocations, receipts


@given(ledgers(), st.integers(0, 600), st.sampled_from(list(Basis)))
def test_buckets_add_up_to_each_balance(
    ledger: tuple[list[LedgerInvoice], list[LedgerAllocation], list[LedgerReceipt]], offset: int, basis: Basis
) -> None:
    invoices, allocations, receipts = ledger
    as_of = START + timedelta(days=offset)
    report = aging_report(invoices, allocations, receipts, CLIENTS, as_of, basis)
    for row in report.rows:
        owed = sum(
            (inv.gross for inv in invoices if inv.client_id == row.client_id and inv.issue_date <= as_of),
            D(0),
        )
        received = sum((r.amount for r in receipts if r.client_id == row.client_id and r.date <= as_of), D(0))
        assert sum(row.buckets, D(0)) + row.unallocated == row.total == owed - received
    assert report.totals.total == sum((r.total for r in report.rows), D(0))


@given(ledgers(), st.sampled_from(list(Basis)))
def test_all_client_totals_equal_invoices_minus_receipts(
    ledger: tuple[list[LedgerInvoice], list[LedgerAllocation], list[LedgerReceipt]], basis: Basis
) -> None:
    invoices, allocations, receipts = ledger
    report = aging_report(invoices, allocations, receipts, CLIENTS, date(2030, 1, 1), basis)
    invoiced = sum((i.gross for i in invoices), D(0))
    received = sum((r.amount for r in receipts), D(0))
    assert report.totals.total == invoiced - received


def test_names_sort_as_people_expect() -> None:
    names = ["Zeta Café", "Łódź Logistics", "Brückner", "böhm", "Bolt", "Lodge"]
    assert sorted(names, key=sort_key) == ["böhm", "Bolt", "Brückner", "Lodge", "Łódź Logistics", "Zeta Café"]
