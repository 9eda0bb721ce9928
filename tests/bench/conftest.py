"""One large demo company for every benchmark in the run (building it takes ~15 s)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from creditdesk.services.company.demo import DemoSummary, generate_demo
from creditdesk.store.database import Database, open_database

CLIENTS = 5_000
INVOICES = 200_000
AS_OF = date(2026, 11, 20)


@dataclass(frozen=True)
class Demo:
    path: Path
    db: Database
    summary: DemoSummary
    seconds: float


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    path = tmp_path_factory.mktemp("bench") / "demo.sqlite"
    db = open_database(path, create=True)
    start = time.perf_counter()
    summary = generate_demo(db, clients=CLIENTS, invoices=INVOICES, seed=1, as_of=AS_OF)
    seconds = time.perf_counter() - start
    # Reopen, as a person opening their company file would: closing the last
    # connection folds the write-ahead log back into the file.
    db.close()
    db = open_database(path)
    print(f"\n\nDemo company: {summary.describe()}, {summary.allocations:,} allocations")
    print(f"  generated in {seconds:.1f} s; file {path.stat().st_size / 2**20:.0f} MB")
    yield Demo(path, db, summary, seconds)
    db.close()
