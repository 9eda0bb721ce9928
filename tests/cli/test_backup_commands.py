"""`creditdesk backup`, `backups` and `restore`, end to end on real files."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from tests.cli.command import run_command

TODAY = date(2026, 11, 22)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run_command(capsys, argv, TODAY)


@pytest.fixture
def company(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "books.sqlite"
    code, _, err = run(capsys, "--db", str(path), "demo", "--clients", "8", "--invoices", "60")
    assert code == 0, err
    return path


def test_backup_without_a_target_goes_to_the_backups_folder(
    company: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", str(company), "backup")
    assert code == 0, err
    (made,) = (company.parent / "backups").glob("books-manual-*.sqlite")
    assert str(made) in out
    with sqlite3.connect(made) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_backup_to_a_named_file_never_overwrites(company: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = company.parent / "copy.sqlite"
    assert run(capsys, "--db", str(company), "backup", str(target))[0] == 0
    code, _, err = run(capsys, "--db", str(company), "backup", str(target))
    assert code == 1
    assert "already exists" in err and err.count("\n") == 1  # one line, no traceback


def test_backups_lists_newest_first(company: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(company), "backups")
    assert code == 0 and "No backups of books.sqlite yet" in out
    folder = company.parent / "backups"
    folder.mkdir(exist_ok=True)
    run(capsys, "--db", str(company), "backup", str(folder / "books-daily-2026-11-01.sqlite"))
    run(capsys, "--db", str(company), "backup", str(folder / "books-manual-2026-11-20-101500.sqlite"))
    code, out, _ = run(capsys, "--db", str(company), "backups")
    assert code == 0
    lines = out.splitlines()
    assert "newest first" in lines[0]
    assert "2026-11-20 10:15" in lines[1] and "manual" in lines[1]
    assert "daily" in lines[2] and lines[2].rstrip().endswith("books-daily-2026-11-01.sqlite")


def test_restore_into_a_new_file(company: Path, capsys: pytest.CaptureFixture[str]) -> None:
    backup = company.parent / "backups" / "books-manual-2026-11-20-101500.sqlite"
    run(capsys, "--db", str(company), "backup", str(backup))
    target = company.parent / "restored.sqlite"
    code, out, err = run(capsys, "--db", str(company), "restore", str(backup), "--to", str(target))
    assert code == 0, err
    assert "8 clients, 60 invoices" in out and "outstanding on 2026-11-20" in out
    assert run(capsys, "--db", str(target), "check")[0] == 0


def test_restore_refuses_the_open_file_and_a_bad_backup(
    company: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = company.parent / "b.sqlite"
    run(capsys, "--db", str(company), "backup", str(backup))
    code, _, err = run(capsys, "--db", str(company), "restore", str(backup), "--to", str(company))
    assert code == 1 and "the company file you have open" in err
    with sqlite3.connect(backup) as conn:
        conn.execute("UPDATE invoice_line SET unit_price = unit_price + 1 WHERE id = 1")
    target = company.parent / "new.sqlite"
    code, _, err = run(capsys, "--db", str(company), "restore", str(backup), "--to", str(target))
    assert code == 1
    assert "was not restored and nothing was written" in err
    assert "totals do not match its lines" in err
    assert not target.exists()
    with pytest.raises(SystemExit) as usage:
        run(capsys, "--db", str(company), "restore", "--to", str(target))
    assert usage.value.code == 1 and "BACKUP" in capsys.readouterr().err
