"""Books on a server from the command line: the address kept whole, the password from the keyring."""

from __future__ import annotations

import itertools
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest

from creditdesk.services.company.server_login import open_server_books, stored_password
from creditdesk.services.company.settings import create_company, get_company
from creditdesk.store.database import ServerLoginRefused
from creditdesk.store.server import ServerAddress, parse_address
from tests.cli.command import run_command
from tests.postgres_server import ScratchServer

TODAY = date(2026, 12, 7)
USER, PASSWORD = "bookkeeper", "harbour-ledger-7"
_NAMES = itertools.count(1)


@pytest.fixture(scope="module")
def guarded(postgres: ScratchServer) -> ScratchServer:
    postgres.add_password_user(USER, PASSWORD)
    return postgres


@pytest.fixture
def guarded_address(guarded: ScratchServer) -> Iterator[str]:
    """An empty database owned by the password-only user."""
    name = f"office_{next(_NAMES)}"
    with psycopg.connect(guarded.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} OWNER {USER}")
    yield guarded.url_as(USER, name)
    with psycopg.connect(guarded.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_an_address_is_kept_whole_and_a_trusted_server_needs_no_password(
    capsys: pytest.CaptureFixture[str], server_address: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_command(capsys, ["--db", server_address, "init", "--name", "Harbour Design"], TODAY)
    assert (code, err) == (0, "")
    assert "Created Harbour Design" in out
    assert list(tmp_path.iterdir()) == [], "nothing was made on disk for books on a server"
    code, out, err = run_command(capsys, ["--db", server_address, "init", "--name", "Again"], TODAY)
    assert code == 1 and "already belongs to a company" in err
    code, out, err = run_command(capsys, ["--db", server_address, "export", "clients", "clients.csv"], TODAY)
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir()] == ["clients.csv"]


def test_what_only_a_file_can_do_is_refused_in_plain_words(
    capsys: pytest.CaptureFixture[str], server_company: str
) -> None:
    for argv in (["check"], ["backups"]):
        code, _, err = run_command(capsys, ["--db", server_company, *argv], TODAY)
        assert code == 1
        assert "works on a company file" in err and "on a server" in err
        assert "Traceback" not in err


@pytest.mark.parametrize("target", ["ftp://files.example.com/books", "mysql://u@db.example.com/books"])
def test_an_address_of_anything_else_is_refused_and_nothing_is_created(
    capsys: pytest.CaptureFixture[str], target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run_command(capsys, ["--db", target, "init", "--name", "X"], TODAY)
    assert code == 1
    assert "is not a database CreditDesk can keep books in" in err
    assert list(tmp_path.rglob("*")) == []


@pytest.mark.usefixtures("file_keyring")
def test_a_scheduled_run_never_waits_for_a_password_and_says_what_to_do(
    capsys: pytest.CaptureFixture[str], guarded_address: str
) -> None:
    code, _, err = run_command(capsys, ["--db", guarded_address, "init", "--name", "Harbour"], TODAY)
    assert code == 1
    assert f"asks for the password of {USER}" in err
    assert "Run a creditdesk command by hand once" in err
    assert "postgresql+psycopg" not in err and PASSWORD not in err


@pytest.mark.usefixtures("file_keyring")
def test_the_password_is_asked_once_kept_in_the_keyring_and_never_on_disk(
    guarded_address: str, file_keyring: Path
) -> None:
    asked: list[ServerAddress] = []
    answers = iter(["not-the-password", PASSWORD])

    def ask(address: ServerAddress) -> str | None:
        asked.append(address)
        return next(answers)

    db = open_server_books(guarded_address, create=True, ask=ask)
    create_company(db, "Harbour Design", "EUR", "en_GB")
    db.close()
    assert len(asked) == 2, "a refused password is asked again"
    assert asked[0].url.password is None and USER in asked[0].shown
    assert stored_password(parse_address(guarded_address)) == PASSWORD
    assert PASSWORD in file_keyring.read_text(), "kept in the password store"

    def never(address: ServerAddress) -> str | None:
        raise AssertionError("the kept password should have been used")

    again = open_server_books(guarded_address, ask=never)
    assert get_company(again).name == "Harbour Design"
    again.close()


@pytest.mark.usefixtures("file_keyring")
def test_declining_to_give_the_password_opens_nothing(guarded_address: str) -> None:
    with pytest.raises(ServerLoginRefused, match="asks for the password"):
        open_server_books(guarded_address, create=True, ask=lambda address: None)
    assert stored_password(parse_address(guarded_address)) is None


def test_a_server_that_cannot_be_reached_is_named_in_plain_words(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, _, err = run_command(capsys, ["--db", f"postgresql://u@127.0.0.1:{port}/books", "aging"], TODAY)
    assert code == 1
    assert f"The books in postgresql://u@127.0.0.1:{port}/books cannot be opened" in err
    assert "refused" in err.casefold()
    assert "psycopg" not in err and "sqlalche.me" not in err
