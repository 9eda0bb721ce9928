"""`creditdesk today` and `creditdesk forecast` on a real company file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from creditdesk.domain.forecast import Forecast
from creditdesk.domain.money import format_plain
from creditdesk.services.company.settings import create_company
from creditdesk.services.reports.forecast import forecast
from creditdesk.store.database import open_database
from tests.cli.command import run_command
from tests.services.test_forecast_service import AS_OF as FORECAST_DAY
from tests.services.test_forecast_service import build as build_forecast
from tests.services.test_today import AS_OF, build


def service_forecast(path: Path, weeks: int) -> Forecast:
    db = open_database(path)
    try:
        return forecast(db, FORECAST_DAY, weeks)
    finally:
        db.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run_command(capsys, argv, AS_OF)


@pytest.fixture
def company_file(tmp_path: Path) -> Path:
    path = tmp_path / "books.sqlite"
    db = open_database(path, create=True)
    try:
        create_company(db, "Test Co", "EUR", "en_GB")
        build(db)
        build_forecast(db)
    finally:
        db.close()
    return path


def test_today_as_json(company_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(company_file), "today", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["as_of"] == "2026-06-20"
    kinds = {(i["kind"], i["client_code"]) for i in document["items"]}
    assert {
        ("follow_up", "CALLER"),
        ("promise_due", "PROMISER"),
        ("promise_broken", "BREAKER"),
        ("phone_call", "PHONED"),
        ("dispute_waiting", "DISPUTER"),
        ("over_limit", "OVER"),
        ("instalment_missed", "PLANNER"),
    } <= kinds
    follow = next(i for i in document["items"] if i["kind"] == "follow_up")
    assert (follow["due_date"], follow["actions"]) == (
        "2026-06-19",
        ["log_call", "open_client", "send_statement"],
    )


def test_today_as_a_table(company_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(company_file), "today")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Test Co: ") and "for 2026-06-20" in lines[0]
    assert lines[1].split() == ["Due", "Kind", "Code", "Client", "What"]
    assert any("PROMISER" in line and "promise due" in line for line in lines)
    code, out, _ = run(capsys, "--db", str(company_file), "today", "--as-of", "2020-01-01")
    assert (code, out) == (0, "Nothing needs doing as of 2020-01-01.\n")


def test_forecast_as_json_adds_up(company_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "--db",
        str(company_file),
        "forecast",
        "--as-of",
        FORECAST_DAY.isoformat(),
        "--format",
        "json",
        "--weeks",
        "4",
    )
    assert code == 0, err
    document = json.loads(out)
    assert (document["currency"], len(document["weeks"])) == ("EUR", 4)
    expected = service_forecast(company_file, 4)
    assert document["weeks"][0] == {
        "start": "2026-06-10",
        "end": "2026-06-14",
        "expected": format_plain(expected.weeks[0].expected),
        "invoices": expected.weeks[0].invoice_count,
    }
    weeks = sum(int(w["expected"].replace(".", "")) for w in document["weeks"])
    assert weeks + int(document["later"].replace(".", "")) == int(document["total"].replace(".", ""))


def test_forecast_as_a_table_and_bad_weeks(company_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(company_file), "forecast", "--as-of", FORECAST_DAY.isoformat())
    assert code == 0, err
    lines = out.splitlines()
    assert "expected receipts for 13 weeks from 2026-06-10" in lines[0]
    first = service_forecast(company_file, 13).weeks[0].expected
    assert lines[3].split()[:4] == ["2026-06-10", "to", "2026-06-14", f"{first:,}"]
    assert lines[-1].startswith("The first week includes ")
    with pytest.raises(SystemExit) as stopped:
        run(capsys, "--db", str(company_file), "forecast", "--weeks", "0")
    assert stopped.value.code == 1
    assert "not a whole number above zero" in capsys.readouterr().err
