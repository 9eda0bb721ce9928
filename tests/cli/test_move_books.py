"""Books moved from a file to an office server and back, every figure unchanged; server books backed up."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.moving import copy_books_to
from creditdesk.services.company.settings import create_company
from creditdesk.store.database import open_database
from tests.cli.command import run_command

TODAY = date(2026, 12, 7)
KINDS = ("clients", "invoices", "payments")


def exports(capsys: pytest.CaptureFixture[str], place: str, folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    found = {}
    for kind in KINDS:
        code, _, err = run_command(
            capsys, ["--db", place, "export", kind, str(folder / f"{kind}.csv")], TODAY
        )
        assert code == 0, err
        found[kind] = (folder / f"{kind}.csv").read_bytes()
    return found


def test_file_to_server_and_back_gives_byte_identical_exports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, server_address: str
) -> None:
    original = str(tmp_path / "books.sqlite")
    code, _, err = run_command(
        capsys, ["--db", original, "demo", "--clients", "30", "--invoices", "400"], TODAY
    )
    assert code == 0, err
    code, out, err = run_command(capsys, ["--db", original, "move-to", server_address], TODAY)
    assert code == 0, err
    assert "400 invoices" in out and f"--db {server_address}" in out
    back = str(tmp_path / "back.sqlite")
    code, out, err = run_command(capsys, ["--db", server_address, "move-to", back], TODAY)
    assert code == 0, err
    before, after = exports(capsys, original, tmp_path / "before"), exports(capsys, back, tmp_path / "after")
    assert before == after
    assert all(len(content.splitlines()) > 1 for content in before.values())
    code, out, err = run_command(capsys, ["--db", back, "check"], TODAY)
    assert code == 0 and "no problems found" in out, err


def test_new_records_on_the_server_are_numbered_after_the_copied_ones(
    tmp_path: Path, server_address: str
) -> None:
    original = open_database(tmp_path / "books.sqlite", create=True)

    create_company(original, "Harbour Design", "EUR", "en_GB")
    first = add_client(original, ClientInput(code="ACME", name="Acme Ltd", email="ap@acme.example"))
    copy_books_to(original, server_address)
    original.close()
    server = open_database(server_address)
    try:
        second = add_client(server, ClientInput(code="BRICK", name="Brick & Co", email="ap@brick.example"))
        assert second > first
    finally:
        server.close()


def test_a_target_that_holds_books_or_exists_is_refused_and_left_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, server_company: str
) -> None:
    source = str(tmp_path / "books.sqlite")
    run_command(capsys, ["--db", source, "init", "--name", "Harbour Design"], TODAY)
    code, _, err = run_command(capsys, ["--db", source, "move-to", server_company], TODAY)
    assert code == 1 and "already holds books" in err
    existing = tmp_path / "taken.sqlite"
    existing.write_bytes(b"keep me")
    code, _, err = run_command(capsys, ["--db", source, "move-to", str(existing)], TODAY)
    assert code == 1 and "already exists" in err
    assert existing.read_bytes() == b"keep me"
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm")))
    assert left == ["books.sqlite", "taken.sqlite"], "no half-made copy is left behind"


def test_books_on_a_server_are_backed_up_into_a_company_file_that_checks_out(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, server_address: str
) -> None:
    source = str(tmp_path / "books.sqlite")
    run_command(capsys, ["--db", source, "demo", "--clients", "10", "--invoices", "60"], TODAY)
    run_command(capsys, ["--db", source, "move-to", server_address], TODAY)
    copy = tmp_path / "server-backup.sqlite"
    code, out, err = run_command(capsys, ["--db", server_address, "backup", str(copy)], TODAY)
    assert code == 0, err
    assert copy.is_file() and copy.stat().st_mode & 0o077 == 0, "a copy of the books is owner-only"
    assert not copy.with_name(copy.name + "-wal").exists()
    code, out, err = run_command(capsys, ["--db", str(copy), "check"], TODAY)
    assert code == 0 and "60 invoices" in out, err
