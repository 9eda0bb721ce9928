"""Typed and imported values beyond CreditDesk's range: exit 1 and one clear line, never exit 2."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from tests.cli.command import run_command

TODAY = date(2026, 11, 22)
RANGE = "is outside 1900-01-01 to 2199-12-31"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The exit code, whether a command returned it or argparse exited with it (a usage error)."""
    return run_command(capsys, argv, TODAY, usage_exits=False)


@pytest.fixture
def company(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "books.sqlite"
    assert run(capsys, "--db", str(path), "init", "--name", "Test Co", "--currency", "EUR")[0] == 0
    clients = tmp_path / "clients.csv"
    clients.write_text("code,name\nACME,Acme Ltd\n", encoding="utf-8")
    assert run(capsys, "--db", str(path), "import", "clients", str(clients))[0] == 0
    invoices = tmp_path / "invoices.csv"
    invoices.write_text(
        "number,client_code,issue_date,amount\nINV-1,ACME,2026-09-01,120.00\n", encoding="utf-8"
    )
    assert run(capsys, "--db", str(path), "import", "invoices", str(invoices))[0] == 0
    return path


@pytest.mark.parametrize("amount", ["50000000000000000.00", "99999999999999999999.99"])
def test_import_of_a_too_large_amount_is_refused_and_aging_still_works(
    company: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], amount: str
) -> None:
    invoices = tmp_path / "big.csv"
    invoices.write_text(
        f"number,client_code,issue_date,amount\nINV-9,ACME,2026-09-02,{amount}\n", encoding="utf-8"
    )
    code, out, err = run(capsys, "--db", str(company), "import", "invoices", str(invoices))
    assert code == 1
    assert "big.csv: nothing was imported; 1 problem found" in err
    assert (
        f"line 2, field 'amount': amount {amount} is larger than the largest amount CreditDesk accepts" in err
    )
    assert "unexpected error" not in err
    code, out, err = run(capsys, "--db", str(company), "aging")
    assert code == 0, err
    assert "INV-9" not in out and "120.00" in out


def test_import_with_a_far_future_date_is_refused(
    company: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoices = tmp_path / "late.csv"
    invoices.write_text(
        "number,client_code,issue_date,amount\nINV-9,ACME,9999-12-31,10.00\n", encoding="utf-8"
    )
    code, _, err = run(capsys, "--db", str(company), "import", "invoices", str(invoices))
    assert code == 1
    assert f"line 2, field 'issue_date': 9999-12-31 {RANGE}" in err


@pytest.mark.parametrize(
    "command",
    [["aging"], ["today"], ["forecast"], ["reminders", "plan"], ["demo"], ["export", "aging", "x.csv"]],
)
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01"])
def test_as_of_outside_the_range_is_a_one_line_usage_error(
    company: Path, capsys: pytest.CaptureFixture[str], command: list[str], day: str
) -> None:
    code, out, err = run(capsys, "--db", str(company), *command, "--as-of", day)
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert f"argument --as-of: date {day} {RANGE}" in err


@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31"])
@pytest.mark.parametrize(
    "command", [["aging"], ["today"], ["forecast", "--weeks", "520"], ["reminders", "plan"]]
)
def test_the_edges_of_the_range_run(
    company: Path, capsys: pytest.CaptureFixture[str], command: list[str], day: str
) -> None:
    code, _, err = run(capsys, "--db", str(company), *command, "--as-of", day)
    assert code == 0, err


def test_statement_from_outside_the_range_exits_1(
    company: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_pdf = tmp_path / "s.pdf"
    for day in ("0001-01-01", "9999-12-31"):
        code, _, err = run(
            capsys, "--db", str(company), "statement", "ACME", "--from", day, "--out", str(out_pdf)
        )
        assert code == 1
        assert f"argument --from: date {day} {RANGE}" in err
    code, _, err = run(
        capsys, "--db", str(company), "statement", "ACME", "--from", "1900-01-01", "--out", str(out_pdf)
    )
    assert code == 0, err


def test_forecast_weeks_are_bounded(company: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "--db", str(company), "forecast", "--weeks", "100000000", "--as-of", "2199-12-31"
    )
    assert code == 1
    assert "more than the 520 a forecast covers" in err


def test_demo_near_the_edges_is_refused_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for day in ("1900-06-01", "2199-06-01"):
        path = tmp_path / f"demo-{day}.sqlite"
        code, _, err = run(
            capsys, "--db", str(path), "demo", "--clients", "2", "--invoices", "5", "--as-of", day
        )
        assert code == 1
        assert "demo data can be made as of" in err


def test_check_reports_a_too_large_amount_written_with_sql(
    company: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--db", str(company), "check")[0] == 0
    with sqlite3.connect(company) as conn:
        conn.execute("UPDATE invoice SET net = 5000000000000000000, gross = 5000000000000000000")
        conn.execute("UPDATE invoice_line SET unit_price = 5000000000000000000")
    conn.close()
    code, _, err = run(capsys, "--db", str(company), "check")
    assert code == 1
    assert "invoice INV-1 has an amount larger than CreditDesk accepts" in err
    assert "invoice INV-1 has a line whose unit price is larger than CreditDesk accepts" in err


def test_check_reports_totals_that_would_overflow_a_report(
    company: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(company) as conn:
        conn.execute("UPDATE invoice SET net = 5000000000000000000, gross = 5000000000000000000")
        conn.execute(
            "INSERT INTO invoice (number, client_id, issue_date, due_date, currency, reference, status, "
            "disputed, notes, net, tax, gross, created_at) SELECT 'INV-2', client_id, issue_date, due_date, "
            "currency, reference, status, disputed, notes, net, tax, gross, created_at FROM invoice"
        )
    conn.close()
    code, _, err = run(capsys, "--db", str(company), "aging")
    assert code != 0  # what the check is there to warn of
    code, _, err = run(capsys, "--db", str(company), "check")
    assert code == 1
    assert "the invoices' totals add up to more than CreditDesk's reports can hold" in err
