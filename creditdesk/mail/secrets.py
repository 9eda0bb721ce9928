"""The SMTP password and OAuth2 refresh token: in the OS keyring, or only in memory when there is none.

Each is kept under its account (user name and server), so one login used for two
servers never overwrites the other. Neither ever goes to the database, a log, a
file or an error message. Errors from the
password store are reported by kind only, since a backend might echo what it was
given.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from enum import StrEnum

import keyring
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

from creditdesk.domain.errors import CreditDeskError, ValidationError

SERVICE = "creditdesk"

NO_KEYRING = (
    "No password store (keyring) was found on this computer, so CreditDesk will ask for your "
    "email password each time it starts and keep it only in memory."
)


# A person who accepts a password store that keeps passwords in a readable file says so here.
ENV_ALLOW_INSECURE = "CREDITDESK_ALLOW_INSECURE_KEYRING"


def insecure_message(name: str) -> str:
    return (
        f"The password store found on this computer ({name}) keeps passwords where other programs "
        "can read them, so CreditDesk does not use it: it will ask for your email password each time "
        "it starts and keep it only in memory. Install your system's keyring (GNOME Keyring, KWallet, "
        f"macOS Keychain, Windows Credential Manager), or set {ENV_ALLOW_INSECURE}=1 to use it anyway."
    )


class PasswordStoreError(CreditDeskError):
    """The OS password store exists but refused (locked, or the user said no)."""


@dataclass(frozen=True)
class KeyringStatus:
    usable: bool
    backend_name: str
    message: str


def _unusable(backend: KeyringBackend) -> bool:
    if isinstance(backend, keyring.backends.fail.Keyring | keyring.backends.null.Keyring):
        return True
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        return not backend.backends
    return False


def _insecure(backend: KeyringBackend) -> bool:
    """keyrings.alt's stores (a plaintext file, a file encrypted with a password typed at a console,
    the Windows registry) are not a system keyring; a chain writes to its first member."""
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        return bool(backend.backends) and _insecure(backend.backends[0])
    return type(backend).__module__.startswith("keyrings.alt")


def keyring_status() -> KeyringStatus:
    backend = keyring.get_keyring()
    name = str(backend.name)
    if _unusable(backend):
        return KeyringStatus(False, name, NO_KEYRING)
    if _insecure(backend) and os.environ.get(ENV_ALLOW_INSECURE) != "1":
        return KeyringStatus(False, name, insecure_message(name))
    return KeyringStatus(
        True, name, f"Your email password is kept in this computer's password store ({name})."
    )


class PasswordMemory:
    """Passwords typed this session, for computers without a keyring; gone when the app quits."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._passwords: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"<PasswordMemory holding {len(self._passwords)} password(s)>"

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._passwords.get(key)

    def set(self, key: str, secret: str) -> None:
        with self._lock:
            self._passwords[key] = secret

    def forget(self, key: str | None = None) -> None:
        with self._lock:
            if key is None:
                self._passwords.clear()
            else:
                self._passwords.pop(key, None)


MEMORY = PasswordMemory()


class PasswordPlace(StrEnum):
    KEYRING = "keyring"
    MEMORY = "memory"


@dataclass(frozen=True)
class Account:
    """A mail login: the same user name on two servers is two accounts, each with its own secret."""

    host: str
    username: str

    @property
    def key(self) -> str:
        """The keyring entry's name; a server name never holds '@', so the last one splits it."""
        return f"{self.username}@{self.host.strip().lower().rstrip('.')}"

    @property
    def token_key(self) -> str:
        return f"oauth2:{self.key}"


def _store_error(action: str, what: str, error: Exception) -> PasswordStoreError:
    return PasswordStoreError(
        f"The password store refused to {action} the {what} ({type(error).__name__}). "
        "Unlock it or allow CreditDesk access, then try again."
    )


def _read(key: str, what: str) -> str | None:
    remembered = MEMORY.get(key)
    if remembered is not None or not keyring_status().usable:
        return remembered
    try:
        return keyring.get_password(SERVICE, key)
    except KeyringError as error:
        raise _store_error("read", what, error) from None


def _write(key: str, secret: str, what: str) -> PasswordPlace:
    if not keyring_status().usable:
        MEMORY.set(key, secret)
        return PasswordPlace.MEMORY
    try:
        keyring.set_password(SERVICE, key, secret)
    except KeyringError as error:
        raise _store_error("save", what, error) from None
    MEMORY.forget(key)
    return PasswordPlace.KEYRING


def _delete(key: str, what: str) -> None:
    MEMORY.forget(key)
    if not keyring_status().usable:
        return
    try:
        keyring.delete_password(SERVICE, key)
    except PasswordDeleteError:
        pass
    except KeyringError as error:
        raise _store_error("delete", what, error) from None


PASSWORD = "email password"
SIGN_IN = "email sign-in"


def _migrate_legacy(account: Account) -> str | None:
    """Earlier versions kept the password under the user name alone: move it under the account."""
    try:
        legacy = keyring.get_password(SERVICE, account.username)
    except KeyringError as error:
        raise _store_error("read", PASSWORD, error) from None
    if legacy is None:
        return None
    _write(account.key, legacy, PASSWORD)
    _delete(account.username, PASSWORD)
    return legacy


def get_password(account: Account) -> str | None:
    """The password typed this session if any, else the keyring's; None when neither has one."""
    if not account.username:
        return None
    found = _read(account.key, PASSWORD)
    if found is None and keyring_status().usable:
        found = _migrate_legacy(account)
    return found


def _check_account(account: Account) -> None:
    if not account.username:
        raise ValidationError("Enter the user name before the password: the password is kept under it")


def set_password(account: Account, password: str) -> PasswordPlace:
    """Keep the password in the keyring when there is a usable one, otherwise in memory."""
    _check_account(account)
    if not password:
        raise ValidationError("The password is empty")
    return _write(account.key, password, PASSWORD)


def remember_for_session(account: Account, password: str) -> None:
    """Keep a password typed at start-up in memory only (no keyring, or the user declined it)."""
    _check_account(account)
    MEMORY.set(account.key, password)


def delete_password(account: Account) -> None:
    """Forget the password everywhere; forgetting one that was never stored is fine."""
    if account.username:
        _delete(account.key, PASSWORD)


def get_refresh_token(account: Account) -> str | None:
    """The OAuth2 refresh token the provider gave at sign-in, if this computer has one."""
    return _read(account.token_key, SIGN_IN) if account.username else None


def set_refresh_token(account: Account, token: str) -> PasswordPlace:
    if not account.username:
        raise ValidationError("Enter the user name before signing in: the sign-in is kept under it")
    return _write(account.token_key, token, SIGN_IN)


def delete_refresh_token(account: Account) -> None:
    if account.username:
        _delete(account.token_key, SIGN_IN)
