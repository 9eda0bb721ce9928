"""The PDF commands end to end on a demo file: files written whole, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from creditdesk.cli import main
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import open_database
from tests.cli.command import run_command

TODAY = date(2026, 11, 22)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run_command(capsys, argv, TODAY)


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--clients", "25", "--invoices", "300"], today=TODAY) == 0
    return path


@pytest.fixture(scope="module")
def overdue_and_not(demo_db: Path) -> tuple[str, str]:
    """The code of a client with something overdue today, and of one with nothing overdue."""
    db = open_database(demo_db)
    report = run_aging(db, TODAY)
    db.close()
    late = next(row.client_code for row in report.rows if row.overdue > 0)
    fine = {f"C{n:04d}" for n in range(1, 26)} - {row.client_code for row in report.rows if row.overdue > 0}
    return late, sorted(fine)[0]


def one_line_error(code: int, out: str, err: str, message: str) -> None:
    assert code == 1
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_help_lists_the_pdf_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "creditdesk", "--help"], capture_output=True, text=True, check=False
    )
    for command in ("invoice-pdf", "statement", "statements", "letter", "aged-debtors"):
        assert command in result.stdout
    help_text = subprocess.run(
        [sys.executable, "-m", "creditdesk", "invoice-pdf", "--help"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert "replaced if it already exists" in help_text


def test_invoice_pdf(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "inv.pdf"
    out.write_bytes(b"an older file")
    code, stdout, err = run(capsys, "--db", str(demo_db), "invoice-pdf", "INV-00007", "--out", str(out))
    assert code == 0, err
    assert stdout.startswith(f"Wrote invoice INV-00007 to {out} (")
    assert "INV-00007" in text_of(out)
    assert [p.name for p in tmp_path.iterdir()] == ["inv.pdf"]


def test_an_unknown_invoice_number_is_one_line(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "inv.pdf"
    code, stdout, err = run(capsys, "--db", str(demo_db), "invoice-pdf", "NOPE-1", "--out", str(out))
    one_line_error(code, stdout, err, "there is no invoice numbered 'NOPE-1'")
    assert not out.exists()


def test_statement_of_one_client(
    demo_db: Path, overdue_and_not: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    late, _ = overdue_and_not
    out = tmp_path / "st.pdf"
    code, stdout, err = run(
        capsys,
        "--db",
        str(demo_db),
        "statement",
        late,
        "--from",
        "2026-09-01",
        "--to",
        "2026-10-31",
        "--out",
        str(out),
    )
    assert code == 0, err
    assert f"the statement of {late}" in stdout
    text = text_of(out)
    assert "1 Sept 2026 – 31 Oct 2026" in text and late in text
    code, _, err = run(
        capsys, "--db", str(demo_db), "statement", late, "--style", "open-items", "--out", str(out)
    )
    assert code == 0, err
    text = text_of(out)
    assert "Open items only" in text and "22 Nov 2026" in text  # --to defaults to today


def test_statement_mistakes_are_one_line(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "st.pdf")
    one_line_error(
        *run(capsys, "--db", str(demo_db), "statement", "ZZZ", "--out", out),
        "there is no client with code 'ZZZ'",
    )
    one_line_error(
        *run(capsys, "--db", str(demo_db), "statement", "C0001", "--from", "2026-12-01", "--out", out),
        "after the statement date",
    )
    one_line_error(
        *run(
            capsys, "--db", str(demo_db), "statement", "C0001", "--out", str(tmp_path / "missing" / "x.pdf")
        ),
        "does not exist",
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(demo_db), "statement", "C0001"], today=TODAY)
    assert exit_info.value.code == 1
    assert "--out" in capsys.readouterr().err


def test_statements_for_everyone_with_a_balance(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, combined = tmp_path / "month", tmp_path / "all.pdf"
    code, stdout, err = run(
        capsys,
        "--db",
        str(demo_db),
        "statements",
        "--as-of",
        "2026-10-31",
        "--out-dir",
        str(folder),
        "--combined",
        str(combined),
        "--workers",
        "1",
    )
    assert code == 0, err
    files = sorted(folder.iterdir())
    first, second = stdout.splitlines()
    assert first.startswith(f"Wrote {len(files)} statements (") and f"bytes) to {folder} in " in first
    assert second.startswith(f"Combined into {combined} (")
    assert len(PdfReader(combined).pages) == sum(len(PdfReader(path).pages) for path in files)
    assert all(path.name.endswith(" 2026-10-31.pdf") for path in files)


def test_statements_need_a_date(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(demo_db), "statements", "--out-dir", str(tmp_path)], today=TODAY)
    assert exit_info.value.code == 1
    assert "--as-of" in capsys.readouterr().err


def test_statements_with_two_workers_from_the_installed_command(demo_db: Path, tmp_path: Path) -> None:
    """A real ``python -m creditdesk`` process: the workers are spawned from it, not forked."""
    folder = tmp_path / "month"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "creditdesk",
            "--db",
            str(demo_db),
            "statements",
            "--as-of",
            "2026-10-31",
            "--out-dir",
            str(folder),
            "--style",
            "open-items",
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    count = len(list(folder.iterdir()))
    assert count > 0 and result.stdout.startswith(f"Wrote {count} statements (")
    assert "Combined" not in result.stdout


def test_letters(
    demo_db: Path, overdue_and_not: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    late, fine = overdue_and_not
    out = tmp_path / "letter.pdf"
    code, stdout, err = run(
        capsys, "--db", str(demo_db), "letter", late, "--kind", "final-demand", "--out", str(out)
    )
    assert code == 0, err
    assert f"Wrote the final demand to {late}" in stdout
    text = text_of(out)
    assert "Final demand" in text and "29 November 2026" in text  # seven days from today
    code, stdout, err = run(
        capsys, "--db", str(demo_db), "letter", late, "--as-of", "2026-10-31", "--out", str(out)
    )
    assert code == 0, err
    assert "Payment reminder" in text_of(out)
    one_line_error(
        *run(capsys, "--db", str(demo_db), "letter", fine, "--out", str(tmp_path / "no.pdf")),
        "has nothing overdue",
    )
    assert not (tmp_path / "no.pdf").exists()
    with pytest.raises(SystemExit):
        main(["--db", str(demo_db), "letter", late, "--kind", "rude", "--out", str(out)], today=TODAY)
    assert "invalid choice" in capsys.readouterr().err


def test_aged_debtors(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "aged.pdf"
    code, stdout, err = run(
        capsys,
        "--db",
        str(demo_db),
        "aged-debtors",
        "--basis",
        "invoice",
        "--as-of",
        "2026-10-31",
        "--out",
        str(out),
    )
    assert code == 0, err
    assert "aged-debtors report as of 2026-10-31" in stdout
    text = text_of(out)
    assert "by invoice date" in text and "0–30 days" in text
    db = open_database(demo_db)
    report = run_aging(db, date(2026, 10, 31))
    db.close()
    for row in report.rows:
        assert row.client_code in text


def test_a_missing_company_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one_line_error(
        *run(capsys, "--db", str(tmp_path / "none.sqlite"), "aged-debtors", "--out", str(tmp_path / "a.pdf")),
        "no company file",
    )
    assert not (tmp_path / "none.sqlite").exists()
