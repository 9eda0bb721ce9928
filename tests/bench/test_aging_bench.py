"""Aging benchmark: the service against the fastest raw sqlite3 query on a 200,000-invoice company.

Run with ``make bench``. It prints figures and ratios measured in this process
and asserts only that the service and the raw queries agree on every figure,
never on wall time: timings depend on the machine and on what else it runs.

The baseline is the fastest of a few hand-written aggregate shapes, timed here
rather than picked in advance, so "fastest" holds on whatever machine runs it:

- ``scan+seek``: a sequential scan of the invoice table with one seek per
  invoice into the covering allocation index (the shape the store now uses);
- ``join-materialised``: allocations summed per invoice first, then joined;
- ``split-union``: invoiced money from the invoice table, applied money from
  the allocation index joined back to its invoice, added up in one GROUP BY.
"""

from __future__ import annotations

import sqlite3
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

from creditdesk.domain.aging import AgingReport, Basis
from creditdesk.domain.money import to_minor
from creditdesk.services.reports.aging import run_aging
from tests.bench.conftest import AS_OF, Demo

REPEATS = 5

# Per client: open money per bucket (minor units) followed by money on account.
Figures = dict[int, tuple[int, ...]]

# Days an item must be past its reference date to leave each bucket, written out
# independently of the domain so that the comparison checks the buckets too.
BUCKET_LOWS = {Basis.DUE: (1, 31, 61, 91), Basis.INVOICE: (31, 61, 91)}


# --- the raw baseline ---------------------------------------------------------------------------------


def _case(column: str, as_of: date, basis: Basis) -> str:
    lows = BUCKET_LOWS[basis]
    whens = " ".join(
        f"WHEN {column} > '{(as_of - timedelta(days=low)).isoformat()}' THEN {index}"
        for index, low in enumerate(lows)
    )
    return f"CASE {whens} ELSE {len(lows)} END"


def _reference(basis: Basis) -> str:
    return "i.due_date" if basis is Basis.DUE else "i.issue_date"


def scan_seek(as_of: date, basis: Basis) -> str:
    return f"""
        SELECT client_id, bucket, SUM(gross), SUM(paid) FROM (
            SELECT i.client_id AS client_id, {_case(_reference(basis), as_of, basis)} AS bucket,
                   i.gross AS gross,
                   COALESCE((SELECT SUM(a.amount) FROM allocation a
                             WHERE a.invoice_id = i.id AND a.date <= :as_of), 0) AS paid
            FROM invoice i NOT INDEXED
            WHERE i.status = 'issued' AND i.issue_date <= :as_of
        ) GROUP BY client_id, bucket"""


def join_materialised(as_of: date, basis: Basis) -> str:
    return f"""
        WITH paid AS MATERIALIZED (
            SELECT invoice_id, SUM(amount) AS paid FROM allocation WHERE date <= :as_of GROUP BY invoice_id
        )
        SELECT client_id, bucket, SUM(gross), SUM(paid) FROM (
            SELECT i.client_id AS client_id, {_case(_reference(basis), as_of, basis)} AS bucket,
                   i.gross AS gross, COALESCE(p.paid, 0) AS paid
            FROM invoice i LEFT JOIN paid p ON p.invoice_id = i.id
            WHERE i.status = 'issued' AND i.issue_date <= :as_of
        ) GROUP BY client_id, bucket"""


def split_union(as_of: date, basis: Basis) -> str:
    case = _case(_reference(basis), as_of, basis)
    return f"""
        SELECT client_id, bucket, SUM(gross), SUM(paid) FROM (
            SELECT i.client_id AS client_id, {case} AS bucket, i.gross AS gross, 0 AS paid
            FROM invoice i NOT INDEXED WHERE i.status = 'issued' AND i.issue_date <= :as_of
            UNION ALL
            SELECT i.client_id, {case}, 0, a.amount
            FROM allocation a INDEXED BY ix_allocation_invoice_date_amount
            CROSS JOIN invoice i ON i.id = a.invoice_id
            WHERE a.date <= :as_of AND i.status = 'issued' AND i.issue_date <= :as_of
        ) GROUP BY client_id, bucket"""


RECEIVED = """
    SELECT client_id, SUM(amount) FROM (
        SELECT client_id, amount FROM payment WHERE date <= :as_of
        UNION ALL
        SELECT client_id, amount FROM credit_note WHERE date <= :as_of
    ) GROUP BY client_id"""

SHAPES: dict[str, Callable[[date, Basis], str]] = {
    "scan+seek": scan_seek,
    "join-materialised": join_materialised,
    "split-union": split_union,
}


def raw_aging(conn: sqlite3.Connection, sql: str, as_of: date, basis: Basis) -> Figures:
    """Per-client figures straight from sqlite3: the least a caller could do."""
    width = len(BUCKET_LOWS[basis]) + 1
    params = {"as_of": as_of.isoformat()}
    buckets: dict[int, list[int]] = {}
    applied: dict[int, int] = {}
    for client_id, bucket, invoiced, paid in conn.execute(sql, params):
        row = buckets.get(client_id)
        if row is None:
            row = buckets[client_id] = [0] * width
        row[bucket] += invoiced - paid
        applied[client_id] = applied.get(client_id, 0) + paid
    received = dict(conn.execute(RECEIVED, params).fetchall())
    figures: Figures = {}
    for client_id in buckets.keys() | received.keys():
        on_account = received.get(client_id, 0) - applied.get(client_id, 0)
        row = buckets.get(client_id, [0] * width)
        if on_account or any(row):
            figures[client_id] = (*row, on_account)
    return figures


def service_figures(report: AgingReport) -> Figures:
    return {
        row.client_id: (*(to_minor(amount) for amount in row.buckets), -to_minor(row.unallocated))
        for row in report.rows
    }


# --- measuring ------------------------------------------------------------------------------------


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def compare(
    demo: Demo, raw: sqlite3.Connection, as_of: date, basis: Basis, repeats: int
) -> tuple[float, float]:
    """Best-of-``repeats`` times of the service and the raw baseline, interleaved; figures must agree."""
    shape_times = {}
    expected: Figures | None = None
    for name, shape in SHAPES.items():
        sql = shape(as_of, basis)
        best = float("inf")
        for _ in range(2):
            seconds, figures = timed(partial(raw_aging, raw, sql, as_of, basis))
            best = min(best, seconds)
        if expected is None:
            expected = figures
        assert figures == expected, f"raw shape {name} disagrees with scan+seek"
        shape_times[name] = best
    fastest = min(shape_times, key=shape_times.__getitem__)
    sql = SHAPES[fastest](as_of, basis)

    service_best = raw_best = float("inf")
    for repeat in range(repeats):
        calls: list[tuple[str, Callable[[], Any]]] = [
            ("service", lambda: run_aging(demo.db, as_of, basis)),
            ("raw", lambda: raw_aging(raw, sql, as_of, basis)),
        ]
        if repeat % 2:
            calls.reverse()  # neither side always runs on a warmer cache
        for side, call in calls:
            seconds, result = timed(call)
            if side == "service":
                service_best = min(service_best, seconds)
                report = result
            else:
                raw_best = min(raw_best, seconds)
                figures = result
        assert service_figures(report) == figures == expected

    assert expected is not None
    owed = sum(sum(f[:-1]) for f in expected.values())
    print(
        f"\nAging as of {as_of.isoformat()}, basis {basis.value}: {len(expected):,} clients with a balance, "
        f"{owed / 100:,.2f} owed"
    )
    shapes = ", ".join(f"{name} {t * 1000:.0f} ms" for name, t in shape_times.items())
    print(f"  raw shapes (best of 2): {shapes}; baseline = {fastest}")
    print(
        f"  best of {repeats}, interleaved: service {service_best * 1000:.0f} ms, "
        f"raw {raw_best * 1000:.0f} ms, service/raw {service_best / raw_best:.2f}x"
    )
    return service_best, raw_best


def max_rss() -> int:
    """The process's peak resident set in bytes (0 where the platform does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS counts bytes, Linux KiB


def test_aging_service_against_raw_sqlite(demo: Demo) -> None:
    raw = sqlite3.connect(f"{demo.path.as_uri()}?mode=ro", uri=True)
    try:
        service, baseline = compare(demo, raw, AS_OF, Basis.DUE, REPEATS)
        compare(demo, raw, AS_OF, Basis.INVOICE, 3)
        compare(demo, raw, AS_OF - timedelta(days=182), Basis.DUE, 3)
    finally:
        raw.close()

    tracemalloc.start()
    run_aging(demo.db, AS_OF)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss_mb = max_rss() / 2**20
    print(
        f"\nMemory: tracemalloc peak of one run_aging {peak / 2**20:.1f} MB; "
        f"process max RSS {max_rss_mb:.0f} MB (includes generating the demo)"
    )
    print(
        f"Target: service within 1.5x of raw and under 1 s -> "
        f"{service / baseline:.2f}x, {service:.2f} s "
        f"({'met' if service <= 1.5 * baseline and service < 1 else 'NOT met'})\n"
    )
