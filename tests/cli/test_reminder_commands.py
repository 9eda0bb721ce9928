"""`creditdesk reminders plan` and `queue` on a real company file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from creditdesk.cli import main
from creditdesk.services.company.settings import create_company
from creditdesk.store.database import open_database
from tests.cli.command import run_command
from tests.services.test_reminders import AS_OF, build_ledger

TODAY = AS_OF


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run_command(capsys, argv, TODAY)


@pytest.fixture
def company_file(tmp_path: Path) -> Path:
    path = tmp_path / "books.sqlite"
    db = open_database(path, create=True)
    try:
        create_company(db, "Test Co", "EUR", "en_GB")
        build_ledger(db)
    finally:
        db.close()
    return path


def test_plan_as_json(company_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(company_file), "reminders", "plan", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert (document["as_of"], document["currency"]) == ("2026-06-10", "EUR")
    rows = [
        (r["client_code"], r["stage_key"], r["channel"], r["invoices"], r["total"])
        for r in document["reminders"]
    ]
    assert rows == [
        ("ACME", "heads-up", "email", ["INV-00002"], "50.00"),
        ("ACME", "reminder", "email", ["INV-00001"], "100.00"),
        ("BETA", "reminder", "email", ["INV-00003"], "60.00"),
        ("EPS", "reminder", "letter", ["INV-00006"], "75.00"),
    ]
    first = document["reminders"][1]
    assert (first["stage"], first["recipient"], first["automatic"], first["fee"]) == (
        "Just a reminder",
        "ap@acme.example",
        False,
        None,
    )
    assert first["dedupe_key"].endswith(":reminder:1:2026-06-10")
    code, out, _ = run(
        capsys, "--db", str(company_file), "reminders", "plan", "--format", "json", "--as-of", "2026-06-15"
    )
    later = [(r["client_code"], r["invoices"]) for r in json.loads(out)["reminders"]]
    # BETA has paid; both of ACME's invoices are now overdue, so one reminder covers them.
    assert later == [("ACME", ["INV-00001", "INV-00002"]), ("EPS", ["INV-00006"])]


def test_plan_table_and_queue(company_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(company_file), "reminders", "plan")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Test Co: 4 reminders due as of 2026-06-10, totals in EUR"
    assert lines[1].split() == ["Code", "Client", "Stage", "Channel", "Invoices", "Total", "Recipient"]
    assert "Epsilon Farm" in lines[-1] and "letter" in lines[-1] and "75.00" in lines[-1]

    code, out, err = run(capsys, "--db", str(company_file), "reminders", "queue")
    assert (code, out, err) == (0, "Queued 4 reminders (0 already in the outbox)\n", "")
    code, out, _ = run(capsys, "--db", str(company_file), "reminders", "queue")
    assert out == "Queued 0 reminders (0 already in the outbox)\n"
    code, out, _ = run(capsys, "--db", str(company_file), "reminders", "plan", "--as-of", "2026-06-11")
    assert out == "No reminders are due as of 2026-06-11.\n"
    code, out, _ = run(capsys, "--db", str(company_file), "reminders", "queue", "--as-of", "2026-06-17")
    assert out == "Queued 3 reminders (0 already in the outbox)\n"


def test_reminders_needs_an_action(company_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(company_file), "reminders"], today=TODAY)
    assert exited.value.code == 1
    assert "required: ACTION" in capsys.readouterr().err


def test_a_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(tmp_path / "none.sqlite"), "reminders", "queue")
    assert code == 1 and out == ""
    assert err.startswith("creditdesk: There is no company file at") and err.count("\n") == 1
