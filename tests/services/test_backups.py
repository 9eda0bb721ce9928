"""Automatic rotating backups, Backup now, the list of backups, and restoring into a new file."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest

from creditdesk.domain.errors import DatabaseError
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.backups import (
    BackupKind,
    BackupRefused,
    automatic_backup,
    backup_now,
    backups_folder,
    list_backups,
    restore_backup,
    retained_days,
)
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database, head_revision, open_database

FIXTURE = Path(__file__).parents[1] / "store" / "fixtures" / "first-schema.sqlite"
NOW = datetime(2026, 11, 22, 9, 30)


@pytest.fixture
def ledger(db: Database) -> Database:
    client = add_client(db, ClientInput("A", "Alpha"))
    lines = [InvoiceLine("Consulting", D("1.5"), D("99.99"), D(20))]
    for day in (1, 2, 3):
        create_invoice(db, InvoiceInput(client, date(2026, 3, day), lines))
    record_payment(db, PaymentInput(client, date(2026, 4, 1), D("250.00")))
    return db


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# --- automatic backups ------------------------------------------------------------------------------


def test_one_automatic_backup_a_day_with_what_is_still_in_the_wal(ledger: Database) -> None:
    first = automatic_backup(ledger, NOW)
    assert first == backups_folder(ledger.path) / "company-daily-2026-11-22.sqlite"
    assert automatic_backup(ledger, NOW + timedelta(hours=8)) is None
    assert automatic_backup(ledger.path, NOW + timedelta(days=1)) is not None
    with sqlite3.connect(first) as conn:
        assert conn.execute("SELECT COUNT(*) FROM invoice").fetchone() == (3,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not list(backups_folder(ledger.path).glob("*.partial"))


def test_retention_keeps_fourteen_days_and_a_year_of_month_ends() -> None:
    today = date(2026, 11, 22)
    every_day = [today - timedelta(days=n) for n in range(800)]
    kept = retained_days(every_day, today)
    recent = {today - timedelta(days=n) for n in range(14)}
    month_ends = {date(2025, 12, 31), *(date(2026, m + 1, 1) - timedelta(days=1) for m in range(1, 11))}
    assert kept == recent | month_ends  # November's newest is today, already among the recent ones
    assert len(kept) == 14 + 11


def test_retention_with_gaps_keeps_the_newest_fourteen_copies_not_fourteen_days() -> None:
    today = date(2026, 11, 22)
    sparse = [today - timedelta(days=10 * n) for n in range(30)]
    kept = retained_days(sparse, today)
    assert set(sparse[:14]) <= kept
    assert today - timedelta(days=400) not in kept


def test_pruning_touches_only_old_daily_copies_of_this_file(ledger: Database) -> None:
    folder = backups_folder(ledger.path)
    folder.mkdir()
    start = NOW.date() - timedelta(days=500)
    for n in range(500):
        (folder / f"company-daily-{start + timedelta(days=n)}.sqlite").write_bytes(b"x")
    others = {
        "company-0001-20250101-101010.sqlite",  # a safety copy from before an upgrade
        "company-manual-2025-01-01-101010.sqlite",
        "other-daily-2024-01-01.sqlite",  # another company file in the same folder
        "my own copy.sqlite",
        "company-daily-2020-01-01.sqlite.txt",
    }
    for name in others:
        (folder / name).write_bytes(b"keep me")
    (folder / "company-daily-2026-11-21.sqlite.partial").write_bytes(b"torn")
    made = automatic_backup(ledger, NOW)
    assert made is not None
    dailies = sorted(p.name for p in folder.glob("company-daily-*.sqlite"))
    kept_days = {
        date.fromisoformat(n.removeprefix("company-daily-").removesuffix(".sqlite")) for n in dailies
    }
    assert kept_days == retained_days(
        kept_days | {NOW.date() - timedelta(days=n) for n in range(500)}, NOW.date()
    )
    assert len(dailies) == 14 + 11
    assert others <= names(folder)
    assert not list(folder.glob("*.partial"))


# --- backup now and the list ------------------------------------------------------------------------


def test_backup_now_names_each_copy_and_never_overwrites(ledger: Database, tmp_path: Path) -> None:
    first = backup_now(ledger, now=NOW)
    second = backup_now(ledger, now=NOW)
    assert first.name == "company-manual-2026-11-22-093000.sqlite"
    assert second.name == "company-manual-2026-11-22-093000-2.sqlite"
    chosen = backup_now(ledger, tmp_path / "elsewhere" / "copy.sqlite")
    assert chosen.is_file()
    with pytest.raises(DatabaseError, match="already exists"):
        backup_now(ledger, chosen)


def test_list_backups_newest_first_with_kinds(ledger: Database) -> None:
    folder = backups_folder(ledger.path)
    for n in range(30):  # 24 October to 22 November, one open a day
        automatic_backup(ledger, NOW - timedelta(days=29 - n))
    backup_now(ledger, now=NOW + timedelta(hours=1))
    shutil.copy(folder / "company-daily-2026-11-22.sqlite", folder / "company-0002-20261001-120000.sqlite")
    (folder / "unrelated.sqlite").write_bytes(b"x")
    found = list_backups(ledger.path)
    assert [info.taken_at for info in found] == sorted((info.taken_at for info in found), reverse=True)
    kinds = [info.kind for info in found]
    assert kinds[0] is BackupKind.MANUAL
    assert kinds.count(BackupKind.DAILY) == 14
    assert kinds.count(BackupKind.MONTHLY_KEPT) == 1  # October's newest, the 31st
    assert kinds[-1] is BackupKind.BEFORE_UPGRADE
    assert all(info.size > 0 for info in found)
    assert "unrelated.sqlite" not in {info.path.name for info in found}


def test_no_backups_yet_is_an_empty_list(tmp_path: Path) -> None:
    assert list_backups(tmp_path / "company.sqlite") == []


# --- restoring ---------------------------------------------------------------------------------------


def test_restore_into_a_new_file_reports_what_it_holds(ledger: Database, tmp_path: Path) -> None:
    backup = automatic_backup(ledger, datetime(2026, 3, 2, 8, 0))
    assert backup is not None
    target = tmp_path / "restored" / "books.sqlite"
    summary = restore_backup(backup, target, current=ledger.path)
    assert summary.path == target
    assert (summary.clients, summary.invoices, summary.company) == (1, 3, "Test Co")
    assert summary.as_of == date(2026, 3, 2)
    assert summary.outstanding == run_aging(ledger, date(2026, 3, 2)).totals.total == D("359.98")
    assert summary.upgraded_from is None
    assert "359.98 EUR outstanding on 2026-03-02" in summary.describe()
    assert names(target.parent) == {"books.sqlite"}
    reopened = open_database(target)
    assert run_aging(reopened, date(2026, 5, 1)) == run_aging(ledger, date(2026, 5, 1))
    reopened.close()


def test_restore_never_writes_over_a_file(ledger: Database, tmp_path: Path) -> None:
    backup = backup_now(ledger, now=NOW)
    with pytest.raises(DatabaseError, match="the company file you have open"):
        restore_backup(backup, ledger.path, current=ledger.path)
    existing = tmp_path / "existing.sqlite"
    existing.write_bytes(b"precious")
    with pytest.raises(DatabaseError, match="already exists"):
        restore_backup(backup, existing)
    assert existing.read_bytes() == b"precious"
    stale_wal = tmp_path / "fresh.sqlite-wal"
    stale_wal.write_bytes(b"left over from another file")
    with pytest.raises(DatabaseError, match="already exists"):
        restore_backup(backup, tmp_path / "fresh.sqlite")
    with pytest.raises(DatabaseError, match="no backup"):
        restore_backup(tmp_path / "missing.sqlite", tmp_path / "new.sqlite")


def refused(backup: Path, target: Path) -> BackupRefused:
    with pytest.raises(BackupRefused) as caught:
        restore_backup(backup, target)
    assert not target.exists()
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}")] == []
    return caught.value


def test_a_backup_that_breaks_a_ledger_rule_is_refused_and_nothing_written(
    ledger: Database, tmp_path: Path
) -> None:
    backup = backup_now(ledger, now=NOW)
    with sqlite3.connect(backup) as conn:
        conn.execute("UPDATE allocation SET amount = amount + 100000 WHERE id = 1")
    before = backup.read_bytes()
    error = refused(backup, tmp_path / "new.sqlite")
    assert any("more money is allocated to invoice INV-00001" in p for p in error.problems)
    assert "was not restored and nothing was written" in error.message
    assert backup.read_bytes() == before


def test_a_torn_or_foreign_or_newer_file_is_refused(ledger: Database, tmp_path: Path) -> None:
    torn = backup_now(ledger, now=NOW)
    data = bytearray(torn.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page * 2, len(data), page):
        data[offset : offset + 64] = b"\xff" * 64
    torn.write_bytes(bytes(data))
    assert refused(torn, tmp_path / "a.sqlite").problems

    notes = tmp_path / "notes.sqlite"
    notes.write_text("shopping list")
    assert refused(notes, tmp_path / "b.sqlite").problems == (
        "it is not a CreditDesk company file or backup",
    )

    photos = tmp_path / "photos.sqlite"
    with sqlite3.connect(photos) as conn:
        conn.execute("CREATE TABLE photo (id INTEGER)")
    assert "not a CreditDesk company file" in refused(photos, tmp_path / "c.sqlite").problems[0]

    newer = backup_now(ledger, now=NOW + timedelta(seconds=1))
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00d9999'")
    assert "newer version of CreditDesk" in refused(newer, tmp_path / "d.sqlite").problems[0]


def test_an_older_schema_backup_is_upgraded_with_a_safety_copy(tmp_path: Path) -> None:
    backup = tmp_path / "old-books.sqlite"
    shutil.copy(FIXTURE, backup)
    target = tmp_path / "restored.sqlite"
    summary = restore_backup(backup, target, as_of=date(2026, 6, 30))
    assert summary.upgraded_from == "0001"
    assert summary.clients > 0 and summary.invoices > 0
    (safety,) = (tmp_path / "backups").glob("restored-0001-*.sqlite")
    with sqlite3.connect(safety) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    db = open_database(target)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
    db.close()
