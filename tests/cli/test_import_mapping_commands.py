"""``--source NAME`` with a saved mapping, and ``creditdesk import-mappings list|delete``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from creditdesk.imports.mapping import ColumnMapping, Field
from creditdesk.services.company.settings import create_company
from creditdesk.services.imports.client_import import CLIENT_SOURCE_KEYS
from creditdesk.services.imports.mappings import SavedMapping, save_mapping, saved_mappings
from creditdesk.store.database import open_database
from tests.cli.command import run_command

TODAY = date(2026, 12, 7)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run_command(capsys, argv, TODAY)


@pytest.fixture
def books(tmp_path: Path) -> Path:
    path = tmp_path / "books.sqlite"
    db = open_database(path, create=True)
    try:
        create_company(db, "Kiosk GmbH", "EUR", "de_DE")
        save_mapping(
            db,
            SavedMapping(
                "clients", ColumnMapping("Till", {Field.CLIENT_CODE: "Nr", Field.CLIENT_NAME: "Wer"})
            ),
        )
        save_mapping(db, SavedMapping("invoices", ColumnMapping("Till", {Field.NUMBER: "Beleg"})))
    finally:
        db.close()
    return path


def test_a_saved_mapping_is_named_with_source(
    books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clients = tmp_path / "till.csv"
    clients.write_text("Nr;Wer\nK1;Kiosk Nord\nK2;Kiosk Süd\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", str(books), "import", "clients", str(clients), "--source", "till")
    assert (code, err) == (0, "")
    assert (
        out == "Imported clients from till.csv: new clients: 2; updated: 0; already known: 0; problems: 0\n"
    )


def test_an_unknown_source_is_a_plain_error_listing_the_choices(
    books: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clients = tmp_path / "till.csv"
    clients.write_text("Nr;Wer\nK1;Kiosk Nord\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", str(books), "import", "clients", str(clients), "--source", "sap")
    assert code == 1  # not argparse's exit 2: the user typed a name, and is told the choices
    choices = ", ".join(("auto", *CLIENT_SOURCE_KEYS, "Till"))
    assert err == (
        "creditdesk: 'sap' is neither a source CreditDesk knows nor a saved client mapping; "
        f"choose one of: {choices}.\n"
    )


def test_mappings_are_listed_and_deleted(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(books), "import-mappings", "list")
    assert code == 0
    assert out.splitlines() == [
        "Kind      Name  Columns",
        "--------  ----  " + "-" * len("Nr → client_code, Wer → client_name"),
        "clients   Till  Nr → client_code, Wer → client_name",
        "invoices  Till  Beleg → number",
    ]
    code, _, err = run(capsys, "--db", str(books), "import-mappings", "delete", "till")
    assert code == 1
    assert "are saved for clients, invoices; choose one with --kind." in err
    code, out, _ = run(capsys, "--db", str(books), "import-mappings", "delete", "till", "--kind", "invoices")
    assert (code, out) == (0, "Deleted the saved mapping 'Till' (invoices).\n")
    code, _, err = run(capsys, "--db", str(books), "import-mappings", "delete", "Other")
    assert code == 1
    assert err == "creditdesk: There is no saved mapping named 'Other'; the saved ones are: Till (clients).\n"
    db = open_database(books)
    try:
        assert [(m.kind, m.name) for m in saved_mappings(db)] == [("clients", "Till")]
    finally:
        db.close()
