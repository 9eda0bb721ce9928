"""Moving books between a company file and an office server, and backing up books on a server.

Both are a copy, row for row, into a new file or an empty database: the books
where they were stay as they are, so nothing is lost if the copy fails half way
(it then leaves nothing behind) or if the user changes their mind.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from creditdesk.domain.errors import DatabaseError
from creditdesk.private_files import private_folder
from creditdesk.services.company.locations import BooksPlace
from creditdesk.services.company.server_login import AskPassword, open_server_books, parse_address
from creditdesk.store.backup import make_standalone, remove_with_sidecars
from creditdesk.store.database import Database, open_database
from creditdesk.store.transfer import CopiedBooks, copy_books


@dataclass(frozen=True)
class MovedBooks:
    target: str  # the new file's path or the server's address, as shown
    copied: CopiedBooks

    def describe(self) -> str:
        return (
            f"{self.copied.rows.get('client', 0)} clients, {self.copied.rows.get('invoice', 0)} invoices and "
            f"{self.copied.rows.get('payment', 0)} payments ({self.copied.total} records in all)"
        )


def copy_books_to(db: Database, target: BooksPlace, *, ask: AskPassword | None = None) -> MovedBooks:
    """Copy the books of ``db`` to a new company file or an empty database on a server."""
    if isinstance(target, Path):
        return MovedBooks(str(target), _copy_to_file(db, target.expanduser()))
    address = parse_address(target)
    if db.on_server and db.address is not None and db.address.key == address.key:
        raise DatabaseError("These books are already in that database.")
    destination = open_server_books(target, create=True, ask=ask)
    try:
        return MovedBooks(address.shown, copy_books(db, destination))
    finally:
        destination.close()


def _copy_to_file(db: Database, path: Path) -> CopiedBooks:
    if path.exists():
        raise DatabaseError(f"{path} already exists; choose a new file name.")
    private_folder(path.parent)
    partial = path.with_name(path.name + ".partial")
    remove_with_sidecars(partial)
    destination = open_database(partial, create=True)
    try:
        copied = copy_books(db, destination)
        destination.close()
        make_standalone(partial)
    except BaseException:
        destination.close()
        remove_with_sidecars(partial)
        raise
    os.replace(partial, path)  # never a half-written file under the final name
    return copied


def back_up_server_books(db: Database, target: Path) -> Path:
    """Books on a server, copied into a new company file: one snapshot, openable and checkable here."""
    _copy_to_file(db, target)
    return target
