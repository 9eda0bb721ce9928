"""Everything at once on one company file, in real processes: nothing lost, nothing sent twice.

A window-like process writes five times a second, saves PDFs, re-opens the file and takes
backups, while the command line imports clients and invoices, queues reminders and sends the
approved outbox to a real SMTP server. ``CREDITDESK_SLOW=1`` runs more and larger rounds.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import trustme

from creditdesk.services.chasing import outbox
from creditdesk.services.company.maintenance import check_database
from creditdesk.store.database import Database
from tests.mail.smtp_server import PASSWORD, make_ca, smtp_server
from tests.services.test_sending import AS_OF, account, build_ledger, message_ids, queue_approved

SLOW = bool(os.environ.get("CREDITDESK_SLOW"))
ROUNDS = 4 if SLOW else 1
CLIENT_ROWS = 20_000 if SLOW else 2_000
INVOICE_ROWS = 20_000 if SLOW else 2_000


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return make_ca()


def emails(db_path: Path) -> list[tuple[str, str]]:
    """(message id, status) of every email in the outbox."""
    with sqlite3.connect(db_path) as conn:
        return [
            (str(m), str(s))
            for m, s in conn.execute("SELECT message_id, status FROM reminder WHERE channel = 'email'")
        ]


def write_csv(path: Path, header: list[str], lines: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(lines)
    return path


def command(db_path: Path, env: dict[str, str], *args: str, stdin: str = "") -> subprocess.Popen[str]:
    reading, writing = os.pipe()
    os.write(writing, stdin.encode())
    os.close(writing)
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "creditdesk", "--db", str(db_path), *args],
            stdin=reading,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
    finally:
        os.close(reading)


@pytest.mark.long
def test_window_imports_queueing_and_sending_at_once(
    db: Database, db_path: Path, tmp_path: Path, ca: trustme.CA
) -> None:
    build_ledger(db, AS_OF)
    ca_file = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    env = os.environ | {
        "SSL_CERT_FILE": str(ca_file),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    stop = tmp_path / "stop"
    expected_codes: set[str] = set()
    expected_invoices: set[str] = set()
    with smtp_server(ca) as server:
        account(db, server)
        window = subprocess.Popen(
            [sys.executable, "-m", "tests.store.window_driver", str(db_path), str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for round_ in range(ROUNDS):
            as_of = AS_OF + timedelta(days=7 * round_)
            if round_ == 0:
                queue_approved(db)
            else:
                queuing = command(db_path, env, "reminders", "queue", "--as-of", as_of.isoformat())
                out, err = queuing.communicate(timeout=120)
                assert queuing.returncode == 0, (out, err)
                outbox.approve_all_drafts(db)
            codes = [f"R{round_}C{i:05d}" for i in range(CLIENT_ROWS)]
            numbers = [f"R{round_}-{i:05d}" for i in range(INVOICE_ROWS)]
            clients = write_csv(
                tmp_path / f"clients{round_}.csv",
                ["code", "name", "email"],
                [[code, f"Client {code}", f"{code.lower()}@example.test"] for code in codes],
            )
            invoices = write_csv(
                tmp_path / f"invoices{round_}.csv",
                ["number", "client_code", "issue_date", "amount"],
                [
                    [
                        number,
                        ("ACME", "BRICK", "CRATE", "DUNE")[i % 4],
                        str(as_of - timedelta(days=i % 90)),
                        f"{10 + i % 500}.{i % 100:02d}",
                    ]
                    for i, number in enumerate(numbers)
                ],
            )
            started = [
                command(db_path, env, "import", "clients", str(clients)),
                command(db_path, env, "import", "invoices", str(invoices)),
                command(
                    db_path, env, "reminders", "queue", "--as-of", (as_of + timedelta(days=1)).isoformat()
                ),
                command(
                    db_path,
                    env,
                    *("reminders", "send", "--as-of", as_of.isoformat(), "--password-stdin"),
                    stdin=PASSWORD + "\n",
                ),
            ]
            results = [(p.args, *p.communicate(timeout=600), p.returncode) for p in started]
            for args, out, err, code in results:
                assert code == 0, (args, out, err)
            expected_codes |= set(codes)
            expected_invoices |= set(numbers)
        stop.touch()
        window_out, window_err = window.communicate(timeout=120)
        assert window.returncode == 0, window_err
    window_codes = set(window_out.split())
    assert len(window_codes) >= 3, window_out  # it really ran beside the commands

    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored_codes = {code for (code,) in conn.execute("SELECT code FROM client")}
        stored_numbers = {n for (n,) in conn.execute("SELECT number FROM invoice")}
    assert expected_codes | window_codes <= stored_codes
    assert expected_invoices <= stored_numbers
    report = check_database(db_path)
    assert report.ok, report.problems

    delivered = message_ids(server.handler)
    assert set(delivered.values()) == {1}, delivered  # nothing twice
    final = emails(db_path)
    sent = {message_id for message_id, status in final if status == "sent"}
    assert sent == set(delivered)  # every delivery recorded sent, every "sent" delivered
    statuses = Counter(status for _, status in final)
    assert statuses["sending"] == statuses["failed"] == 0, statuses
    assert len(sent) >= 3
