"""Books on a PostgreSQL server: telling an address from a path, and the engine for one.

A company kept on a server is named by a libpq-style address,
``postgresql://user@host:port/dbname?sslmode=require``. The password is never
part of what CreditDesk stores: the caller passes it in (from the OS keyring).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platformdirs import user_data_path
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from creditdesk.domain.errors import DatabaseError
from creditdesk.store.dialect import read_whole_sums_as_int

SCHEMES = frozenset({"postgresql", "postgres", "postgresql+psycopg"})
# The key of the advisory lock every writing unit of work takes (see ``make_server_engine``).
WRITE_LOCK_KEY = 0x43524454  # "CRDT"
# Every writing transaction notifies this channel on commit, so windows elsewhere reload.
CHANGES_CHANNEL = "creditdesk_books"
# The key of the lock one sending run holds for its whole run (see ``SessionLock``).
SENDING_LOCK_KEY = 0x43525344  # "CRSD"


def is_address(target: str) -> bool:
    """Whether ``target`` names a database by address rather than a file by path."""
    return "://" in target


@dataclass(frozen=True)
class ServerAddress:
    """Where the books are: host, port, database and user, and the libpq options given."""

    url: URL  # without a password

    @property
    def shown(self) -> str:
        """The address as the user wrote it, never with a password."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=True)

    @property
    def key(self) -> str:
        """One name per database, whatever spelling of the address reached it."""
        return f"{self.url.host or 'localhost'}:{self.url.port or 5432}/{self.url.database}"


def parse_address(target: str) -> ServerAddress:
    """Read a database address, or refuse it saying what CreditDesk accepts."""
    scheme = target.split("://", 1)[0].casefold()
    if scheme not in SCHEMES:
        raise DatabaseError(
            f"'{scheme}://' is not a database CreditDesk can keep books in; give the path of a company "
            "file or a PostgreSQL address such as postgresql://user@host:5432/books."
        )
    try:
        url = make_url(target)
    except ArgumentError as exc:
        raise DatabaseError(f"'{target}' is not a PostgreSQL address CreditDesk can read ({exc}).") from None
    if not url.database:
        raise DatabaseError(f"'{url.render_as_string(hide_password=True)}' names no database; add /dbname.")
    return ServerAddress(url.set(drivername="postgresql+psycopg", password=None))


def make_server_engine(address: ServerAddress, password: str | None = None) -> Engine:
    """An engine on the server; a writing unit of work is one writer at a time, as on SQLite.

    SQLite lets one writer in at a time (``BEGIN IMMEDIATE``); the services rely
    on that to read what is open and then apply money to it. On the server a
    writing transaction takes a transaction-scoped advisory lock first, so the
    same holds between two computers, and readers are never blocked.
    """
    from creditdesk.store.database import WRITE_OPTION

    try:
        import psycopg  # noqa: F401  (the optional extra; a clear message when it is missing)
    except ImportError:
        raise DatabaseError(
            "This CreditDesk was installed without PostgreSQL support; install it with "
            "'pip install creditdesk[server]'."
        ) from None
    url = address.url if password is None else address.url.set(password=password)
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        read_whole_sums_as_int(dbapi_connection)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(WRITE_OPTION, False):
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
            connection.exec_driver_sql(f"NOTIFY {CHANGES_CHANNEL}")  # sent only if it commits

    return engine


class SessionLock:
    """A PostgreSQL advisory lock held on a connection of its own for as long as a run lasts.

    The server drops it when that connection ends, so a computer that crashes or
    loses the network mid-run frees it without anyone's help (once the server
    notices the dead connection, as it does for any client).
    """

    def __init__(self, engine: Engine, key: int) -> None:
        self.engine = engine
        self.key = key
        self._connection: Connection | None = None

    def acquire(self) -> bool:
        connection = self.engine.connect()
        try:
            held = connection.exec_driver_sql(f"SELECT pg_try_advisory_lock({self.key})").scalar_one()
            connection.commit()  # the lock is the session's: ending the query's transaction keeps it
        except BaseException:
            connection.close()
            raise
        if not held:
            connection.close()
            return False
        self._connection = connection
        return True

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({self.key})")
            connection.commit()
        finally:
            connection.close()


def local_stand_in(address: ServerAddress) -> Path:
    """Where this computer keeps what it makes for books on a server (backups, documents).

    The name of a file that does not exist, in a folder of its own per server
    and database, so everything that puts files "beside the company file" puts
    them there.
    """
    folder = re.sub(r"[^A-Za-z0-9.-]+", "_", address.key)
    return user_data_path("CreditDesk", appauthor=False) / "servers" / folder / "books"
