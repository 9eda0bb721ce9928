"""The command line, end to end on real files: output, exit codes and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from creditdesk.cli import main
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import open_database
from tests.cli.command import run_command

TODAY = date(2026, 11, 22)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run_command(capsys, argv, TODAY)


@pytest.fixture
def demo_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "demo.sqlite"
    code, out, _ = run(capsys, "--db", str(path), "demo", "--clients", "25", "--invoices", "300")
    assert code == 0
    assert "Demo company written" in out
    return path


def test_help_lists_every_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "creditdesk", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    for command in ("init", "import", "aging", "export", "demo", "check", "backup"):
        assert command in result.stdout


def test_aging_table_is_for_people(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(demo_db), "aging")
    assert code == 0, err
    lines = out.splitlines()
    assert "aged debts as of 2026-11-22 (days past due)" in lines[0]
    assert lines[1].split()[:2] == ["Code", "Client"]
    assert lines[-1].lstrip().startswith("Total")
    # Amount columns are right-aligned: every body line is as long as the header.
    assert {len(line) for line in lines[1:]} == {len(lines[1])}


def test_aging_json_matches_the_service(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(demo_db), "aging", "--format", "json", "--as-of", "2026-09-30")
    assert code == 0
    document = json.loads(out)
    assert document["as_of"] == "2026-09-30"
    assert document["basis"] == "due"
    assert document["buckets"] == ["current", "1-30", "31-60", "61-90", "90+"]
    db = open_database(demo_db)
    report = run_aging(db, date(2026, 9, 30))
    db.close()
    assert len(document["rows"]) == len(report.rows) > 0
    for row, expected in zip(document["rows"], report.rows, strict=True):
        assert row["client_code"] == expected.client_code
        assert Decimal(row["total"]) == expected.total
        assert all(len(row[k].split(".")[1]) == 2 for k in ["unallocated", "total", *document["buckets"]])
    for key in [*document["buckets"], "unallocated", "total"]:
        assert Decimal(document["totals"][key]) == sum(Decimal(r[key]) for r in document["rows"])


def test_aging_csv_has_the_json_columns(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(demo_db), "aging", "--format", "csv", "--basis", "invoice")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert list(rows[0]) == [
        "client_code",
        "client_name",
        "0-30",
        "31-60",
        "61-90",
        "90+",
        "unallocated",
        "total",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["aging", "--as-of", "2026-13-01"], "'2026-13-01' is not a date"),
        (["aging", "--basis", "weekly"], "invalid choice"),
        (["demo", "--clients", "0"], "whole number above zero"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_mistakes_are_one_line_and_exit_1(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(tmp_path / "x.sqlite"), *argv], today=TODAY)
    _, err = capsys.readouterr()
    assert exit_info.value.code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_a_missing_company_file_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path / "missing.sqlite"), "aging")
    assert code == 1
    assert "no company file" in err
    assert not (tmp_path / "missing.sqlite").exists()


def test_environment_variable_chooses_the_file(
    demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDITDESK_DB", str(demo_db))
    code, out, _ = run(capsys, "aging", "--format", "json")
    assert code == 0
    assert json.loads(out)["rows"]


def test_import_refusal_names_every_bad_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "books.sqlite")
    clients = tmp_path / "clients.csv"
    clients.write_text("code,name,email\nA1,Alpha Ltd,a@alpha.example\nB2,Beta GmbH,\n", encoding="utf-8")
    assert run(capsys, "--db", db, "import", "clients", str(clients))[0] == 0
    invoices = tmp_path / "invoices.csv"
    invoices.write_text(
        "number,client_code,issue_date,due_date,amount,description\n"
        "I-1,A1,2026-10-01,,100.00,Work\n"
        "I-2,ZZ,2026-10-01,,100.00,Work\n"
        "I-3,B2,2026-13-01,,100.00,Work\n"
        "I-4,B2,2026-10-01,,-5,Work\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--db", db, "import", "invoices", str(invoices))
    assert code == 1
    assert "nothing was imported" in err
    for line in ("line 3", "line 4", "line 5"):
        assert line in err
    assert "Traceback" not in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM invoice").fetchone() == (0,)


def test_import_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "books.sqlite")
    clients = tmp_path / "clients.csv"
    clients.write_text("code,name\nA1,Alpha Ltd\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "import", "clients", str(clients), "--dry-run")
    assert code == 0
    assert out.startswith("Dry run, nothing written")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM client").fetchone() == (0,)


def test_check_backup_and_demo_guards(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", str(demo_db), "check")
    assert code == 0
    assert "no problems found" in out

    target = tmp_path / "copy.sqlite"
    assert run(capsys, "--db", str(demo_db), "backup", str(target))[0] == 0
    code, _, err = run(capsys, "--db", str(demo_db), "backup", str(target))
    assert code == 1
    assert "already exists" in err

    code, _, err = run(capsys, "--db", str(demo_db), "demo")
    assert code == 1
    code, out, _ = run(capsys, "--db", str(demo_db), "demo", "--if-empty")
    assert code == 0
    assert "left it as it is" in out

    with sqlite3.connect(target) as conn:
        conn.execute("UPDATE allocation SET amount = amount + 1000000 WHERE id = 1")
    code, _, err = run(capsys, "--db", str(target), "check")
    assert code == 1
    assert "more money is allocated" in err


def test_init_creates_a_company_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "new.sqlite")
    code, out, _ = run(capsys, "--db", path, "init", "--name", "Łódź Logistics", "--locale", "pl_PL")
    assert code == 0
    assert "PLN" in out
    code, _, err = run(capsys, "--db", path, "init", "--name", "Again")
    assert code == 1
    assert "already exists" in err


def test_export_writes_a_file(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "invoices.csv"
    code, _, _ = run(capsys, "--db", str(demo_db), "export", "invoices", str(target))
    assert code == 0
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 300


def test_import_invoices_of_an_accounting_report_then_keep_in_step(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    books = str(tmp_path / "books.sqlite")
    report = Path(__file__).parents[1] / "imports" / "fixtures" / "quickbooks_ar_aging_detail.csv"
    assert (
        main(["--db", books, "init", "--name", "Acme Design", "--currency", "USD", "--locale", "en_US"]) == 0
    )
    assert main(["--db", books, "import", "invoices", str(report), "--source", "quickbooks"]) == 0
    assert (
        "Imported 6 invoices from quickbooks_ar_aging_detail.csv totalling 7870.49 USD"
        in capsys.readouterr().out
    )
    assert main(["--db", books, "import", "invoices", str(report)]) == 1
    refusal = capsys.readouterr().err
    assert "was imported from this source before" in refusal
    assert refusal.rstrip().endswith(
        "Add --sync to keep the books in step with the earlier import of this source."
    )
    assert main(["--db", books, "import", "invoices", str(report), "--sync"]) == 0
    out = capsys.readouterr().out
    assert (
        "invoices from quickbooks_ar_aging_detail.csv: new invoices: 0; updated: 0; settled: 0; unchanged: 6"
        in out
    )
