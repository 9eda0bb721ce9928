"""The SMTP password in a real keyring backend (a file one in tmp_path), or only in memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordSetError

from creditdesk.domain.errors import ValidationError
from creditdesk.mail import secrets
from creditdesk.mail.secrets import (
    MEMORY,
    NO_KEYRING,
    Account,
    PasswordPlace,
    PasswordStoreError,
    delete_password,
    delete_refresh_token,
    get_password,
    get_refresh_token,
    keyring_status,
    remember_for_session,
    set_password,
    set_refresh_token,
)

USER = "owner@shop.test"
ACCOUNT = Account("smtp.shop.test", USER)
SECRET = "Correct-Horse-Battery-42"


@pytest.fixture(autouse=True)
def restore_keyring() -> Iterator[None]:
    original = keyring.get_keyring()
    yield
    keyring.set_keyring(original)
    MEMORY.forget()


class LockedKeyring(KeyringBackend):
    """A password store that exists but refuses, as a locked one does."""

    viable = False  # never picked by keyring on its own
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"could not store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("the collection is locked")


def test_round_trip_through_the_keyring(file_keyring: Path) -> None:
    assert get_password(ACCOUNT) is None

    assert set_password(ACCOUNT, SECRET) is PasswordPlace.KEYRING
    assert get_password(ACCOUNT) == SECRET
    # service "creditdesk", under the account: the user at the server
    assert keyring.get_password(secrets.SERVICE, "owner@shop.test@smtp.shop.test") == SECRET
    assert MEMORY.get(ACCOUNT.key) is None

    delete_password(ACCOUNT)
    assert get_password(ACCOUNT) is None
    delete_password(ACCOUNT)  # forgetting twice is fine


def test_a_usable_keyring_is_reported_by_name(file_keyring: Path) -> None:
    status = keyring_status()
    assert status.usable
    assert status.backend_name == "test file keyring"
    assert "test file keyring" in status.message


@pytest.mark.parametrize(
    "backend", [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring()], ids=["fail", "null"]
)
def test_without_a_keyring_the_password_is_kept_in_memory_only(backend: KeyringBackend) -> None:
    keyring.set_keyring(backend)

    status = keyring_status()
    assert not status.usable
    assert status.message == NO_KEYRING
    assert "ask for your email password each time it starts" in status.message

    assert get_password(ACCOUNT) is None
    assert set_password(ACCOUNT, SECRET) is PasswordPlace.MEMORY
    assert get_password(ACCOUNT) == SECRET
    delete_password(ACCOUNT)
    assert get_password(ACCOUNT) is None


class PlaintextStandIn(KeyringBackend):
    """Stands for keyrings.alt's plaintext file store, which is deliberately not installed here."""

    priority = 1
    viable = False
    __module__ = "keyrings.alt.file"

    def __init__(self) -> None:
        super().__init__()
        self.stored: dict[str, str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.stored.get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self.stored[username] = password

    def delete_password(self, service: str, username: str) -> None:
        self.stored.pop(username, None)


def test_a_plaintext_store_is_never_used_silently(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(secrets.ENV_ALLOW_INSECURE, raising=False)
    store = PlaintextStandIn()
    keyring.set_keyring(store)
    status = keyring_status()
    assert not status.usable
    assert "does not use it" in status.message and secrets.ENV_ALLOW_INSECURE in status.message
    assert set_password(ACCOUNT, SECRET) is PasswordPlace.MEMORY  # asked again next run
    assert store.stored == {}
    delete_password(ACCOUNT)

    monkeypatch.setenv(secrets.ENV_ALLOW_INSECURE, "1")  # the user chose otherwise
    assert keyring_status().usable
    assert set_password(ACCOUNT, SECRET) is PasswordPlace.KEYRING
    assert store.stored == {ACCOUNT.key: SECRET}


def test_a_chain_that_writes_to_a_plaintext_store_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(secrets.ENV_ALLOW_INSECURE, raising=False)
    monkeypatch.setattr(keyring.backends.chainer.ChainerBackend, "backends", [PlaintextStandIn()])
    keyring.set_keyring(keyring.backends.chainer.ChainerBackend())
    assert not keyring_status().usable


def test_the_test_keyring_cannot_reach_the_app_environment() -> None:
    from importlib import metadata

    names = {dist.metadata["Name"].lower() for dist in metadata.distributions()}
    assert "keyrings.alt" not in names
    backends = {ep.value for ep in metadata.entry_points(group="keyring.backends")}
    assert not any("tests" in value or "keyrings.alt" in value for value in backends)


def test_a_chainer_with_nothing_to_chain_is_no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring.backends.chainer.ChainerBackend, "backends", [])
    keyring.set_keyring(keyring.backends.chainer.ChainerBackend())
    assert not keyring_status().usable


def test_a_password_typed_at_start_up_wins_for_this_session(file_keyring: Path) -> None:
    set_password(ACCOUNT, SECRET)
    remember_for_session(ACCOUNT, "typed-just-now")
    assert get_password(ACCOUNT) == "typed-just-now"
    set_password(ACCOUNT, "saved-again")
    assert get_password(ACCOUNT) == "saved-again"


def test_a_refusing_keyring_is_reported_without_the_password() -> None:
    keyring.set_keyring(LockedKeyring())

    with pytest.raises(PasswordStoreError, match="refused to read") as reading:
        get_password(ACCOUNT)
    with pytest.raises(PasswordStoreError, match="refused to save") as saving:
        set_password(ACCOUNT, SECRET)
    with pytest.raises(PasswordStoreError, match="refused to delete"):
        delete_password(ACCOUNT)
    assert SECRET not in str(saving.value) and saving.value.__cause__ is None
    assert saving.value.__suppress_context__
    assert "KeyringLocked" in str(reading.value)


def test_no_user_name_means_no_password() -> None:
    assert get_password(Account("smtp.shop.test", "")) is None
    with pytest.raises(ValidationError, match="user name"):
        set_password(Account("smtp.shop.test", ""), SECRET)
    with pytest.raises(ValidationError, match="empty"):
        set_password(ACCOUNT, "")


def test_memory_does_not_show_its_passwords() -> None:
    MEMORY.set(ACCOUNT.key, SECRET)
    assert SECRET not in repr(MEMORY)


def test_the_password_never_reaches_a_file_other_than_the_keyrings(
    file_keyring: Path, tmp_path: Path
) -> None:
    set_password(ACCOUNT, SECRET)
    stored = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert stored == [file_keyring]  # the keyring's own file, standing in for the OS store


def test_the_same_login_on_two_servers_keeps_two_passwords(file_keyring: Path) -> None:
    other = Account("mail.other.test", USER)
    set_password(ACCOUNT, SECRET)
    set_password(other, "Another-Secret-7")
    assert get_password(ACCOUNT) == SECRET
    assert get_password(other) == "Another-Secret-7"
    assert get_password(Account("SMTP.Shop.Test.", USER)) == SECRET  # the same server, however written


def test_a_password_kept_under_the_user_name_alone_moves_to_its_account(file_keyring: Path) -> None:
    keyring.set_password(secrets.SERVICE, USER, SECRET)  # as earlier versions kept it

    assert get_password(ACCOUNT) == SECRET
    assert keyring.get_password(secrets.SERVICE, ACCOUNT.key) == SECRET
    assert keyring.get_password(secrets.SERVICE, USER) is None  # moved, not copied
    assert get_password(ACCOUNT) == SECRET


def test_the_refresh_token_is_kept_apart_from_the_password(file_keyring: Path) -> None:
    set_password(ACCOUNT, SECRET)
    assert get_refresh_token(ACCOUNT) is None
    assert set_refresh_token(ACCOUNT, "refresh-1") is PasswordPlace.KEYRING
    assert get_refresh_token(ACCOUNT) == "refresh-1"
    assert get_password(ACCOUNT) == SECRET
    delete_refresh_token(ACCOUNT)
    assert get_refresh_token(ACCOUNT) is None
    assert get_password(ACCOUNT) == SECRET
