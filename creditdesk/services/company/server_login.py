"""The password for books on a server: from the OS keyring, asked once, never written anywhere else.

A server that trusts this computer (a local socket, a client certificate, a
``.pgpass`` file) is opened with no password at all; only when the server asks
is the keyring consulted, and only when it has none (or a stale one) is the
user asked. A password that opened the books is kept in the keyring under the
server, database and user it belongs to.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from creditdesk.mail.secrets import keyring_status
from creditdesk.store.database import Database, ServerLoginRefused, open_database
from creditdesk.store.server import ServerAddress as ServerAddress
from creditdesk.store.server import is_address as is_address
from creditdesk.store.server import parse_address as parse_address

SERVICE = "creditdesk-server"

# Asked for a password: the address as shown and the user name; None when the user declines.
AskPassword = Callable[[ServerAddress], str | None]


def _key(address: ServerAddress) -> str:
    return f"{address.url.username or ''}@{address.key}"


def stored_password(address: ServerAddress) -> str | None:
    if not keyring_status().usable:
        return None
    try:
        return keyring.get_password(SERVICE, _key(address))
    except KeyringError:
        return None  # a locked store: the user is asked instead


def remember_password(address: ServerAddress, password: str) -> bool:
    """Keep the password in the keyring; False where there is none (it is then asked each time)."""
    if not keyring_status().usable:
        return False
    try:
        keyring.set_password(SERVICE, _key(address), password)
    except KeyringError:
        return False
    return True


def forget_password(address: ServerAddress) -> None:
    if not keyring_status().usable:
        return
    with contextlib.suppress(PasswordDeleteError, KeyringError):  # never kept: nothing to forget
        keyring.delete_password(SERVICE, _key(address))


def open_server_books(
    target: str,
    *,
    create: bool = False,
    busy_timeout_ms: int | None = None,
    ask: AskPassword | None = None,
) -> Database:
    """Open the books at ``target``: first as the server allows, then with the kept password, then asking.

    Without ``ask`` (a scheduled command) a refused login is reported, never waited on.
    """
    address = parse_address(target)
    password, typed = stored_password(address), False
    while True:
        try:
            db = open_database(target, create=create, busy_timeout_ms=busy_timeout_ms, password=password)
        except ServerLoginRefused as refused:
            if password is not None and not typed:
                forget_password(address)  # changed on the server: a stale one would be tried forever
            if ask is None:
                raise _unattended(refused) from None
            answer = ask(address)
            if not answer:
                raise
            password, typed = answer, True
            continue
        if typed and password is not None:
            remember_password(address, password)
        return db


def _unattended(refused: ServerLoginRefused) -> ServerLoginRefused:
    refused.message += (
        " Run a creditdesk command by hand once and type it: it is then kept in this computer's "
        "password store for scheduled runs."
    )
    refused.args = (refused.message,)
    return refused
