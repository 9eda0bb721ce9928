"""Statements benchmark: 1,000 statements from the 200,000-invoice company, in-process and on two workers.

Run with ``make bench``. Prints statements per second for one process and
for two worker processes (and their ratio), the cost of the figures alone,
the size of a statement and of the combined file; asserts only that both
runs write the same statements, never on time.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from creditdesk.documents.combine import combine_pdfs
from creditdesk.services.reports.batch_statements import (
    BatchRequest,
    BatchSummary,
    clients_with_balance,
    write_statements,
)
from creditdesk.services.reports.statements import StatementRequest, statement_document
from tests.bench.conftest import AS_OF, Demo

STATEMENTS = 1_000


def timed_batch(demo: Demo, ids: tuple[int, ...], folder: Path, workers: int) -> tuple[float, BatchSummary]:
    request = BatchRequest(demo.path, ids, StatementRequest(AS_OF), folder, workers=workers)
    start = time.perf_counter()
    summary = write_statements(request)
    return time.perf_counter() - start, summary


def test_statements_per_second(demo: Demo, tmp_path: Path) -> None:
    start = time.perf_counter()
    choices = clients_with_balance(demo.db, AS_OF)
    listing = time.perf_counter() - start
    ids = tuple(choice.id for choice in choices[:STATEMENTS])
    count = len(ids)
    print(
        f"\nStatements as of {AS_OF.isoformat()}: {len(choices):,} clients with a balance "
        f"(listed in {listing * 1000:.0f} ms); {count:,} printed"
    )

    start = time.perf_counter()
    for client_id in ids:
        statement_document(demo.db, client_id, StatementRequest(AS_OF))
    figures = time.perf_counter() - start
    print(f"  figures only (queries + data objects): {count / figures:,.0f} statements/s")

    one, single = timed_batch(demo, ids, tmp_path / "one", 1)
    two, double = timed_batch(demo, ids, tmp_path / "two", 2)
    assert single.count == double.count == count
    assert [p.name for p in single.files] == [p.name for p in double.files]
    assert single.total_bytes == double.total_bytes
    print(f"  workers=1 (in process): {count / one:6.1f} statements/s ({one:.1f} s)")
    print(
        f"  workers=2 (spawned):    {count / two:6.1f} statements/s ({two:.1f} s, process start-up included)"
    )
    print(f"  two workers / one: {one / two:.2f}x on {os.cpu_count()} CPUs")

    sizes = [path.stat().st_size for path in double.files]
    print(
        f"  bytes per statement: mean {statistics.mean(sizes) / 1024:.1f} KiB, "
        f"max {max(sizes) / 1024:.1f} KiB, total {sum(sizes) / 2**20:.1f} MiB"
    )
    start = time.perf_counter()
    combined = combine_pdfs(path.read_bytes() for path in double.files)
    print(
        f"  combined PDF of {count:,} statements: {len(combined) / 2**20:.1f} MiB "
        f"in {time.perf_counter() - start:.1f} s\n"
    )
