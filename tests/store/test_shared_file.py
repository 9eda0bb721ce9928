"""One company file, several processes: nothing of this process touches the file behind SQLite's back.

SQLite's POSIX locks belong to the process: closing any descriptor on the file drops them all,
after which another process can write over pages this one still believes it owns. These tests
run the command line in real child processes beside a file this process holds.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from creditdesk.services.chasing.sending import lock_path
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.maintenance import check_database
from creditdesk.services.company.settings import create_company
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.store import database
from creditdesk.store.database import CompanyFileBusy, is_open_here, open_database
from creditdesk.store.unit_of_work import UnitOfWork

DAY = date(2026, 6, 1)


def cli(db_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "creditdesk", "--db", str(db_path), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"} | (env or {}),
    )


def clients_csv(path: Path, prefix: str, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["code", "name", "email"])
        for i in range(count):
            out.writerow([f"{prefix}{i:04d}", f"{prefix} Client {i}", f"{prefix.lower()}{i}@example.test"])
    return path


def client_codes(db_path: Path) -> set[str]:
    with sqlite3.connect(db_path) as conn:
        return {code for (code,) in conn.execute("SELECT code FROM client")}


def integrity(db_path: Path) -> str:
    with sqlite3.connect(db_path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.mark.long
def test_a_second_open_shares_the_engine_and_the_cli_beside_it_loses_nothing(tmp_path: Path) -> None:
    """The issue's scenario: hold the file, open it again, let the CLI write beside it, write, close."""
    path = tmp_path / "books.sqlite"
    link = tmp_path / "link.sqlite"
    first = open_database(path, create=True)
    create_company(first, "Shared Co", "EUR", "en_GB")
    add_client(first, ClientInput(code="HELD", name="Held by the window"))
    link.symlink_to(path)
    second = open_database(link)  # through another name: still the same engine
    assert second.engine is first.engine and second.path == first.path
    second.close()
    assert is_open_here(path)

    imported = cli(path, "import", "clients", str(clients_csv(tmp_path / "c.csv", "CLI", 300)))
    assert imported.returncode == 0, imported.stderr
    assert cli(path, "today").returncode == 0
    for i in range(50):  # the holder goes on writing after the command line did
        add_client(first, ClientInput(code=f"WIN{i:03d}", name=f"Window client {i}"))
    first.close()
    assert not is_open_here(path)

    codes = client_codes(path)
    assert {"HELD", *(f"WIN{i:03d}" for i in range(50)), *(f"CLI{i:04d}" for i in range(300))} <= codes
    assert integrity(path) == "ok"
    report = check_database(path)
    assert report.ok, report.problems


def test_the_sending_lock_is_the_same_through_a_symlink(db_path: Path, tmp_path: Path) -> None:
    db = open_database(db_path, create=True)
    link = tmp_path / "elsewhere.sqlite"
    link.symlink_to(db_path)
    other = open_database(link)
    try:
        assert lock_path(other) == lock_path(db) == db_path.resolve().with_name("company.sqlite.sending-lock")
    finally:
        other.close()
        db.close()


# --- writers wait their turn ----------------------------------------------------------------------

HOLD_SCRIPT = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE company SET name = name")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def hold_write_lock(db_path: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_SCRIPT, str(db_path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


def finish(holder: subprocess.Popen[str], *, kill: bool = False) -> int:
    if kill:
        holder.kill()
    code = holder.wait(30)
    assert holder.stdout is not None
    holder.stdout.close()
    return code


@pytest.fixture
def company(db_path: Path) -> Path:
    db = open_database(db_path, create=True)
    create_company(db, "Busy Co", "EUR", "en_GB")
    add_client(db, ClientInput(code="ACME", name="Acme"))
    db.close()
    return db_path


def test_a_read_then_write_action_waits_for_another_writer(company: Path) -> None:
    """A deferred BEGIN that later writes failed at once; BEGIN IMMEDIATE waits on the busy timeout."""
    db = open_database(company)
    holder = hold_write_lock(company, 1.0)
    try:
        started = time.monotonic()
        record_payment(db, PaymentInput(1, DAY, Decimal("10.00"), "bank", "while busy"))
        assert time.monotonic() - started > 0.5  # it waited for the other writer...
    finally:
        assert finish(holder) == 0
        db.close()
    with sqlite3.connect(company) as conn:  # ...and then wrote
        assert conn.execute("SELECT amount FROM payment").fetchall() == [(1000,)]


def test_a_file_busy_beyond_the_timeout_is_a_plain_error(
    company: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    db = open_database(company)
    holder = hold_write_lock(company, 3.0)
    try:
        with pytest.raises(CompanyFileBusy, match="company file is busy"), UnitOfWork(db, write=True):
            pass
    finally:
        finish(holder)
        db.close()


def test_the_cli_says_the_file_is_busy_and_exits_1(company: Path, tmp_path: Path) -> None:
    holder = hold_write_lock(company, 8.0)
    try:
        wait_1s = {"CREDITDESK_BUSY_TIMEOUT": "1"}
        done = cli(company, "import", "clients", str(clients_csv(tmp_path / "c.csv", "B", 5)), env=wait_1s)
    finally:
        finish(holder, kill=True)
    assert done.returncode == 1, done.stderr
    assert "company file is busy" in done.stderr
    for leak in ("sqlalche.me", "INSERT", "SELECT", "Traceback", "OperationalError"):
        assert leak not in done.stderr
    assert "B0000" not in client_codes(company)


@pytest.mark.long
def test_two_imports_at_once_both_land(company: Path, tmp_path: Path) -> None:
    files = [clients_csv(tmp_path / f"{p}.csv", p, 2000) for p in ("X", "Y")]
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "creditdesk", "--db", str(company), "import", "clients", str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    codes = client_codes(company)
    assert {f"{p}{i:04d}" for p in "XY" for i in range(2000)} <= codes


# --- refused means untouched ----------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def newer_file(path: Path) -> None:
    db = open_database(path, create=True)
    db.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    assert conn.execute("PRAGMA journal_mode=DELETE").fetchone() == ("delete",)
    conn.close()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def foreign_file(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE recipe (name TEXT)")
    conn.execute("INSERT INTO recipe VALUES ('bread')")
    conn.close()


def empty_sqlite_file(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 1")  # writes a header and nothing else
    conn.close()


def zero_byte_file(path: Path) -> None:
    path.write_bytes(b"")


def text_file(path: Path) -> None:
    path.write_text("not a database\n")


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (newer_file, "newer version of CreditDesk"),
        (foreign_file, "not a CreditDesk company file"),
        (empty_sqlite_file, "empty SQLite file"),
        (zero_byte_file, "empty (0 bytes)"),
        (text_file, "not a CreditDesk company file"),
    ],
)
@pytest.mark.parametrize("command", ["aging", "check", "import"])
def test_a_refused_file_is_left_byte_for_byte(tmp_path: Path, make: object, said: str, command: str) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    path = folder / "other.sqlite"
    assert callable(make)
    make(path)
    before = snapshot(folder)
    args = {"aging": ("aging",), "check": ("check",), "import": ("import", "clients", os.devnull)}[command]
    done = cli(path, *args)
    assert done.returncode == 1, done.stderr
    assert said in done.stdout + done.stderr
    assert snapshot(folder) == before  # same bytes, and no -wal, -shm or backups beside it
    assert not (folder / "backups").exists()


def test_check_never_migrates_an_old_file(tmp_path: Path) -> None:
    fixture = Path(__file__).with_name("fixtures") / "first-schema.sqlite"
    path = tmp_path / "old.sqlite"
    path.write_bytes(fixture.read_bytes())
    before = path.read_bytes()
    report = check_database(path)
    assert "schema is not at the version" in " ".join(report.problems)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.sqlite"]
