"""The SMTP password: in the OS keyring, or only in memory when there is none.

It never goes to the database, a log, a file or an error message. Errors from the
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

    def get(self, username: str) -> str | None:
        with self._lock:
            return self._passwords.get(username)

    def set(self, username: str, password: str) -> None:
        with self._lock:
            self._passwords[username] = password

    def forget(self, username: str | None = None) -> None:
        with self._lock:
            if username is None:
                self._passwords.clear()
            else:
                self._passwords.pop(username, None)


MEMORY = PasswordMemory()


class PasswordPlace(StrEnum):
    KEYRING = "keyring"
    MEMORY = "memory"


def _store_error(action: str, error: Exception) -> PasswordStoreError:
    return PasswordStoreError(
        f"The password store refused to {action} the email password ({type(error).__name__}). "
        "Unlock it or allow CreditDesk access, then try again."
    )


def get_password(username: str) -> str | None:
    """The password typed this session if any, else the keyring's; None when neither has one."""
    if not username:
        return None
    remembered = MEMORY.get(username)
    if remembered is not None or not keyring_status().usable:
        return remembered
    try:
        return keyring.get_password(SERVICE, username)
    except KeyringError as error:
        raise _store_error("read", error) from None


def set_password(username: str, password: str) -> PasswordPlace:
    """Keep the password in the keyring when there is a usable one, otherwise in memory."""
    if not username:
        raise ValidationError("Enter the user name before the password: the password is kept under it")
    if not password:
        raise ValidationError("The password is empty")
    if not keyring_status().usable:
        MEMORY.set(username, password)
        return PasswordPlace.MEMORY
    try:
        keyring.set_password(SERVICE, username, password)
    except KeyringError as error:
        raise _store_error("save", error) from None
    MEMORY.forget(username)
    return PasswordPlace.KEYRING


def remember_for_session(username: str, password: str) -> None:
    """Keep a password typed at start-up in memory only (no keyring, or the user declined it)."""
    if not username:
        raise ValidationError("Enter the user name before the password: the password is kept under it")
    MEMORY.set(username, password)


def delete_password(username: str) -> None:
    """Forget the password everywhere; forgetting one that was never stored is fine."""
    if not username:
        return
    MEMORY.forget(username)
    if not keyring_status().usable:
        return
    try:
        keyring.delete_password(SERVICE, username)
    except PasswordDeleteError:
        pass
    except KeyringError as error:
        raise _store_error("delete", error) from None
