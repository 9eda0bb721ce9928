"""`creditdesk smtp set|test` and `creditdesk reminders send`, end to end against a real SMTP server.

The commands use the system's certificate store as the app does; the test points
it at its throwaway CA with ``SSL_CERT_FILE``, which OpenSSL reads for that.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.null
import pytest
import trustme

from creditdesk.cli import CLI_NO_KEYRING
from creditdesk.mail.secrets import SERVICE
from creditdesk.services.chasing.mail_account import smtp_form
from creditdesk.store.database import open_database
from tests.cli.command import run_command
from tests.mail.smtp_server import FROM_ADDRESS, HOST, PASSWORD, USERNAME, Server, make_ca, smtp_server
from tests.services.test_sending import ACME, AS_OF, BRICK, DUNE, build_ledger, queue_approved, rows

TODAY = AS_OF


@pytest.fixture(autouse=True)
def _test_keyring(file_keyring: Path) -> Path:
    return file_keyring


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return make_ca()


@pytest.fixture
def trusted(ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands' default TLS context trusts the test CA (and only it)."""
    path = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    monkeypatch.setenv("SSL_CERT_FILE", str(path))


@pytest.fixture
def server(ca: trustme.CA, trusted: None) -> Iterator[Server]:
    with smtp_server(ca) as running:
        yield running


@pytest.fixture
def company(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "company.sqlite"
    assert (
        run(capsys, "--db", str(path), "init", "--name", "Test Co", "--currency", "EUR", "--locale", "en_GB")[
            0
        ]
        == 0
    )
    return path


def run(
    capsys: pytest.CaptureFixture[str],
    *argv: str,
    stdin: str | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return run_command(capsys, argv, TODAY)


def set_account(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, company: Path, server: Server
) -> tuple[int, str, str]:
    return run(
        capsys,
        *("--db", str(company), "smtp", "set", "--host", HOST, "--port", str(server.port)),
        *("--security", "starttls", "--username", USERNAME, "--from", FROM_ADDRESS, "--from-name", "Test Co"),
        "--password-stdin",
        stdin=PASSWORD + "\n",
        monkeypatch=monkeypatch,
    )


def test_help_names_the_mail_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "creditdesk", "reminders", "send", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "--approved-only" in result.stdout and "Only approved" in result.stdout
    top = subprocess.run(
        [sys.executable, "-m", "creditdesk", "--help"], capture_output=True, text=True, check=False
    )
    assert "smtp" in top.stdout and "reminders" in top.stdout


def test_smtp_set_saves_the_settings_and_puts_the_password_in_the_keyring(
    company: Path, server: Server, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = set_account(capsys, monkeypatch, company, server)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Saved the email settings: starttls to {HOST}:{server.port} as {USERNAME}",
        "Password saved in the system keyring (test file keyring)",
    ]
    assert keyring.get_password(SERVICE, f"{USERNAME}@{HOST}") == PASSWORD
    db = open_database(company)
    try:
        form = smtp_form(db)
    finally:
        db.close()
    assert form is not None and (form.host, form.port, form.from_name) == (HOST, server.port, "Test Co")
    assert PASSWORD.encode() not in company.read_bytes()
    assert PASSWORD not in out


def test_smtp_set_without_a_keyring_says_so_in_plain_words(
    company: Path, server: Server, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(keyring.backends.null.Keyring())
    code, out, _ = set_account(capsys, monkeypatch, company, server)
    assert code == 0
    assert out.splitlines()[-1] == CLI_NO_KEYRING
    assert "No password store (keyring) was found on this computer" in CLI_NO_KEYRING


def test_smtp_set_refuses_bad_settings_in_one_line(company: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        "--db",
        str(company),
        "smtp",
        "set",
        "--host",
        "mail.example.com",
        "--security",
        "plain",
        "--from",
        "a@b.test",
    )
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith(
        "creditdesk: SMTP settings: Security: Plain connections are allowed only to this computer"
    )

    code, _, err = run(capsys, "--db", str(company), "smtp", "test", "--to", "me@shop.test")
    assert code == 1 and "Set up your email account first" in err


def test_smtp_set_on_localhost_plain_warns_and_asks_for_the_password(
    company: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        *("--db", str(company), "smtp", "set", "--host", "localhost", "--security", "plain"),
        *("--username", "relay", "--from", "a@b.test"),
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Saved the email settings: plain to localhost:25 as relay"
    assert lines[1].startswith("Warning: Plain connections are not encrypted")
    assert lines[2] == "No password is saved for relay yet: run this again with --password-stdin"


def test_smtp_test_reports_the_servers_answer_or_its_reason(
    company: Path, server: Server, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    set_account(capsys, monkeypatch, company, server)
    code, out, err = run(capsys, "--db", str(company), "smtp", "test", "--to", "me@shop.test")
    assert (code, err) == (0, "")
    assert out.startswith("Test message sent to me@shop.test; the server answered: 250 ")
    assert server.handler.recipients() == ["me@shop.test"]

    code, out, err = run(
        capsys,
        *("--db", str(company), "smtp", "test", "--to", "me@shop.test", "--password-stdin"),
        stdin="Wrong-Password-3\n",
        monkeypatch=monkeypatch,
    )
    assert (code, out) == (1, "")
    assert err.startswith("creditdesk: The server refused the user name or password: 535")
    assert "Wrong-Password-3" not in err and PASSWORD not in err


def test_reminders_send_reports_what_went_and_why_not(
    company: Path, server: Server, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(company)
    try:
        build_ledger(db, AS_OF)
        queue_approved(db, AS_OF)
    finally:
        db.close()
    send = ("--db", str(company), "reminders", "send", "--approved-only")

    code, _, err = run(capsys, *send)
    assert code == 1 and err.startswith("creditdesk: Set up your email account first")

    set_account(capsys, monkeypatch, company, server)
    server.handler.refuse[BRICK] = "550 5.1.1 No such user here"
    code, out, err = run(capsys, *send)
    assert (code, out) == (1, "")
    assert err == (
        f"creditdesk: Sent 2, failed 1 (to {BRICK}: The server refused the recipient {BRICK}: "
        "550 5.1.1 No such user here), still queued 0\n"
    )
    assert server.handler.recipients() == [ACME, DUNE]

    code, out, err = run(capsys, *send)  # nothing left to send: the failed one waits for a person
    assert (code, out, err) == (0, "Sent 0, failed 0, still queued 0\n", "")
    db = open_database(company)
    try:
        state = rows(db)
    finally:
        db.close()
    assert (state[ACME].status, state[BRICK].status, state[DUNE].status) == ("sent", "failed", "sent")


def test_reminders_send_stops_on_a_refused_login_and_keeps_everything(
    company: Path, server: Server, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(company)
    try:
        build_ledger(db, AS_OF)
        queue_approved(db, AS_OF)
    finally:
        db.close()
    set_account(capsys, monkeypatch, company, server)
    send = ("--db", str(company), "reminders", "send")

    code, out, err = run(
        capsys, *send, "--password-stdin", stdin="Wrong-Password-3\n", monkeypatch=monkeypatch
    )
    assert (code, out) == (1, "")
    assert err.startswith(
        "creditdesk: Sent 0, failed 0, still queued 3. Stopped: The server refused the user"
    )
    assert "535" in err and "Wrong-Password-3" not in err

    keyring.set_keyring(keyring.backends.null.Keyring())  # another computer: nothing saved there
    code, _, err = run(capsys, *send)
    assert code == 1 and err.startswith(f"creditdesk: no password is saved for {USERNAME} on this computer")

    code, out, err = run(capsys, *send, "--password-stdin", stdin=PASSWORD + "\n", monkeypatch=monkeypatch)
    assert (code, out, err) == (0, "Sent 3, failed 0, still queued 0\n", "")
    for path in company.parent.iterdir():
        if path.is_file() and path.name != "keyring.json":
            assert PASSWORD.encode() not in path.read_bytes(), path.name


def test_nothing_to_send_needs_no_account(company: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(company), "reminders", "send")
    assert (code, out, err) == (0, "Sent 0, failed 0, still queued 0\n", "")
