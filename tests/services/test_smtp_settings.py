"""The mail account's settings: checked per field, saved all or nothing, the password only in the keyring."""

from __future__ import annotations

import ssl
from dataclasses import replace
from pathlib import Path

import keyring
import keyring.backends.null
import pytest
import trustme
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordSetError

from creditdesk.domain.errors import ValidationError
from creditdesk.mail.secrets import MEMORY, NO_KEYRING, SERVICE, Account, PasswordPlace, PasswordStoreError
from creditdesk.mail.smtp import TEST_SUBJECT, AuthenticationFailed, Security, SmtpConfig
from creditdesk.services.chasing import mail_account as smtp_settings
from creditdesk.services.chasing.mail_account import (
    NOT_SET_UP,
    SmtpForm,
    password_for,
    save_smtp_settings,
    smtp_config,
    smtp_form,
    smtp_problems,
)
from creditdesk.store.database import Database
from tests.mail.smtp_server import (
    FROM_ADDRESS,
    HOST,
    PASSWORD,
    USERNAME,
    client_context,
    make_ca,
    smtp_server,
)

FORM = SmtpForm(
    host="smtp.example.com",
    port=587,
    security=Security.STARTTLS,
    username=USERNAME,
    from_name="Test Co Accounts",
    from_address=FROM_ADDRESS,
    reply_to="help@shop.test",
    bcc_me=True,
)


@pytest.fixture(autouse=True)
def _test_keyring(file_keyring: Path) -> Path:
    return file_keyring


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return make_ca()


class LockedKeyring(KeyringBackend):
    """A password store that exists but refuses, as a locked one does."""

    viable = False
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"could not store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("the collection is locked")


def file_bytes(db_path: Path) -> bytes:
    """The company file and its write-ahead log, as they are on disk now."""
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


# --- checking the form ----------------------------------------------------------------------------


def test_every_problem_is_named_by_its_field_and_warnings_are_apart() -> None:
    problems = smtp_problems(
        replace(
            FORM, host="", port=0, from_address="", reply_to="not an address", from_name="A\r\nBcc: x@y.z"
        )
    )
    assert not problems.ok and problems.warnings == ()
    assert {p.field for p in problems.errors} == {"host", "port", "from_address", "reply_to", "from_name"}
    assert problems.error_for("from_name") == "From name may not contain a line break; put it on one line"
    assert problems.error_for("username") is None

    plain_local = smtp_problems(replace(FORM, host="localhost", port=25, security=Security.PLAIN))
    assert plain_local.ok and [p.field for p in plain_local.warnings] == ["security"]
    plain_remote = smtp_problems(replace(FORM, security=Security.PLAIN))
    assert plain_remote.error_for("security") is not None
    assert "only to this computer" in (plain_remote.error_for("security") or "")
    odd_port = smtp_problems(replace(FORM, port=465))
    assert odd_port.ok and [p.field for p in odd_port.warnings] == ["port"]
    too_long = smtp_problems(replace(FORM, from_name="x" * 201))
    assert too_long.error_for("from_name") == "From name is longer than 200 characters"


def test_bad_settings_are_refused_whole_and_nothing_is_written(db: Database, db_path: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        save_smtp_settings(db, replace(FORM, host="", from_address=""), PASSWORD)
    assert refused.value.message == (
        "SMTP settings: Server: Enter the mail server's name, for example smtp.example.com; "
        "From address is required"
    )
    assert smtp_form(db) is None
    assert (
        keyring.get_password(SERVICE, Account("smtp.example.com", USERNAME).key) is None
    )  # no password stored for refused settings

    with pytest.raises(ValidationError, match="enter the user name as well"):
        save_smtp_settings(db, replace(FORM, username=""), PASSWORD)
    assert smtp_form(db) is None
    assert PASSWORD not in str(refused.value)


# --- saving ---------------------------------------------------------------------------------------


def test_the_settings_go_to_the_file_and_the_password_to_the_keyring_only(
    db: Database, db_path: Path, file_keyring: Path
) -> None:
    assert smtp_form(db) is None
    saved = save_smtp_settings(db, replace(FORM, host=" smtp.example.com "), PASSWORD)

    assert saved.password_place is PasswordPlace.KEYRING
    assert saved.password_message == "Password saved in the system keyring (test file keyring)"
    assert smtp_form(db) == FORM  # stripped
    assert keyring.get_password(SERVICE, Account("smtp.example.com", USERNAME).key) == PASSWORD
    assert password_for(smtp_config(db)) == PASSWORD
    assert PASSWORD.encode() not in file_bytes(db_path)
    assert file_keyring.exists()

    # Saving without a password keeps the one in the keyring.
    again = save_smtp_settings(db, replace(FORM, from_name="Accounts"), None)
    assert again.password_place is None and again.password_message == ""
    assert keyring.get_password(SERVICE, Account("smtp.example.com", USERNAME).key) == PASSWORD
    form = smtp_form(db)
    assert form is not None and form.from_name == "Accounts"


def test_a_new_user_name_forgets_the_old_ones_password(db: Database) -> None:
    save_smtp_settings(db, FORM, PASSWORD)
    save_smtp_settings(db, replace(FORM, username="someone@shop.test"), "Another-Secret-7")
    assert keyring.get_password(SERVICE, Account("smtp.example.com", USERNAME).key) is None
    assert keyring.get_password(SERVICE, "someone@shop.test@smtp.example.com") == "Another-Secret-7"


def test_without_a_keyring_the_password_is_kept_in_memory_and_the_user_told(
    db: Database, db_path: Path
) -> None:
    keyring.set_keyring(keyring.backends.null.Keyring())
    saved = save_smtp_settings(db, FORM, PASSWORD)
    assert saved.password_place is PasswordPlace.MEMORY
    assert saved.password_message == NO_KEYRING
    assert MEMORY.get(Account("smtp.example.com", USERNAME).key) == PASSWORD
    assert password_for(smtp_config(db)) == PASSWORD
    assert PASSWORD.encode() not in file_bytes(db_path)


def test_a_refusing_keyring_leaves_the_old_settings_and_never_shows_the_password(db: Database) -> None:
    save_smtp_settings(db, FORM, PASSWORD)
    keyring.set_keyring(LockedKeyring())
    with pytest.raises(PasswordStoreError) as refused:
        save_smtp_settings(db, replace(FORM, host="smtp.other.example"), "New-Secret-99")
    assert "New-Secret-99" not in str(refused.value)
    assert smtp_form(db) == FORM  # the row was rolled back with the password


def test_the_config_to_send_with_or_a_request_to_set_one_up(db: Database) -> None:
    with pytest.raises(ValidationError) as missing:
        smtp_config(db)
    assert missing.value.message == NOT_SET_UP
    assert missing.value.message.startswith("Set up your email account first (Settings → Email")
    save_smtp_settings(db, FORM, None)
    assert smtp_config(db) == SmtpConfig(
        host="smtp.example.com",
        port=587,
        security=Security.STARTTLS,
        username=USERNAME,
        from_name="Test Co Accounts",
        from_address=FROM_ADDRESS,
        reply_to="help@shop.test",
        bcc_me=True,
    )
    assert password_for(smtp_config(db)) is None
    assert password_for(replace(smtp_config(db), username="")) is None  # no login, no password


# --- the test message -----------------------------------------------------------------------------


def test_the_test_message_reaches_the_server_or_brings_back_its_reason(db: Database, ca: trustme.CA) -> None:
    context: ssl.SSLContext = client_context(ca)
    with pytest.raises(ValidationError, match="Set up your email account first"):
        smtp_settings.test_email(db, "me@shop.test", ssl_context=context)
    with smtp_server(ca) as server:
        form = SmtpForm(
            host=HOST,
            port=server.port,
            security=Security.STARTTLS,
            username=USERNAME,
            from_address=FROM_ADDRESS,
            bcc_me=True,
        )
        save_smtp_settings(db, form, PASSWORD)

        reply = smtp_settings.test_email(db, " me@shop.test ", ssl_context=context)  # the keyring's password
        assert reply.startswith("250 ")
        [received] = server.handler.received
        assert received.rcpt_tos == ("me@shop.test",)  # no Bcc copy of a test
        assert str(received.message()["Subject"]) == TEST_SUBJECT

        with pytest.raises(AuthenticationFailed) as refused:
            smtp_settings.test_email(db, "me@shop.test", "Wrong-password-1", ssl_context=context)
        assert "535" in refused.value.reason and "Wrong-password-1" not in refused.value.reason
        with pytest.raises(ValidationError, match="not a valid email address"):
            smtp_settings.test_email(db, "me at shop", ssl_context=context)
    assert len(server.handler.received) == 1
