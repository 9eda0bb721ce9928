"""Noticing that someone else changed the books: another program on this computer, or another computer.

A window polls this every few seconds and rereads what it shows when it says
so. It is cheap enough to ask from the GUI thread: on a company file one
``PRAGMA data_version`` (SQLite bumps it whenever another connection commits),
on a server a look at notifications already received (every writing
transaction sends one on commit, see ``make_server_engine``). Neither holds a
transaction open, so nobody's writes or snapshots are held up by it.
"""

from __future__ import annotations

from typing import Any, cast

from creditdesk.store.database import Database
from creditdesk.store.server import CHANGES_CHANNEL


class ChangeWatcher:
    def __init__(self, db: Database) -> None:
        self._raw = db.engine.raw_connection()
        self._connection = cast(Any, self._raw.dbapi_connection)  # the driver's own (sqlite3 or psycopg)
        self._raw.detach()  # its own connection, never handed back to the pool in this state
        self._on_server = db.on_server
        if self._on_server:
            self._connection.autocommit = True
            self._connection.execute(f"LISTEN {CHANGES_CHANNEL}")
        self._version = self._read()

    def _read(self) -> int:
        if self._on_server:
            return sum(1 for _ in self._connection.notifies(timeout=0))
        return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def changed(self) -> bool:
        """Whether anyone committed a change since the last call (or since the watcher was made)."""
        if self._on_server:
            return self._read() > 0
        version = self._read()
        changed, self._version = version != self._version, version
        return changed

    def close(self) -> None:
        self._raw.close()
