"""Copies of a company file made with SQLite's online backup API, and checks of such copies.

A plain file copy of a database in WAL mode can miss committed pages still in
the ``-wal`` file, or catch a page half-written; the backup API cannot.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, create_engine
from sqlalchemy.exc import DBAPIError

from creditdesk.domain.errors import DatabaseError
from creditdesk.private_files import create_private_file, private_folder
from creditdesk.store.integrity import ledger_problems, sqlite_problems

# Files SQLite keeps beside a database; a stale one would be applied to a new file of the same name.
SIDECARS = ("-wal", "-shm", "-journal")


def read_only_uri(path: Path) -> str:
    """An SQLite URI for ``path``; quoted, so a '#' or '?' in a folder name is not taken for syntax."""
    return f"file:{quote(str(Path(path).resolve()))}?mode=ro"


def copy_database(source: Path, target: Path, *, overwrite: bool = False) -> Path:
    """Copy ``source`` to ``target`` consistently; refuse to overwrite unless asked.

    The copy is written beside ``target`` and renamed into place, so a crash
    never leaves a half-written file under the final name. Its modification
    time is set to when the snapshot began: what was written before that is
    in the copy.
    """
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise DatabaseError(f"There is no company file at {source}.")
    if target.exists() and not overwrite:
        raise DatabaseError(f"{target} already exists; choose a new file name for the backup.")
    if target.resolve() == source.resolve():
        raise DatabaseError("A backup cannot be written over the company file itself.")
    private_folder(target.parent)
    partial = target.with_name(target.name + ".partial")
    remove_with_sidecars(partial)
    try:
        # Made owner-only before SQLite writes a page: a copy of the books is as private as they are.
        create_private_file(partial)
        began = time.time_ns()
        src = sqlite3.connect(read_only_uri(source), uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                # A standalone copy: no -wal file needs to travel with it.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        if overwrite:
            _replace_in_place(partial, target)
        else:
            os.replace(partial, target)
        os.utime(target, ns=(began, began))
    except (sqlite3.Error, OSError) as exc:
        remove_with_sidecars(partial)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise DatabaseError(f"Copying {source.name} to {target} failed: {reason}") from exc
    return target


def make_standalone(path: Path) -> None:
    """A closed company file as one file that travels alone: its WAL folded in and switched off."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()


def remove_with_sidecars(path: Path) -> None:
    for name in (path.name, *(path.name + suffix for suffix in SIDECARS)):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(name).unlink()


def has_sidecars(path: Path) -> bool:
    return any(path.with_name(path.name + suffix).exists() for suffix in SIDECARS)


def _replace_in_place(copy: Path, target: Path) -> None:
    """Put ``copy``'s content into ``target`` through SQLite, so stale WAL pages go too."""
    src = sqlite3.connect(copy)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    copy.unlink()


def is_sqlite_file(path: Path) -> bool:
    """Whether SQLite can read ``path`` as a database, asked of SQLite itself (read-only).

    Never ``open()`` a file that may be a company file in use: closing any
    descriptor of it drops every POSIX lock this process holds on it, which is
    how SQLite files get corrupted.
    """
    if not Path(path).is_file() or Path(path).stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return True


def stored_revision(conn: Connection) -> str | None:
    if not conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).first():
        return None
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return None if row is None else str(row[0])


def copy_problems(path: Path, known_revisions: frozenset[str]) -> tuple[str | None, list[str]]:
    """(schema revision, problems) of a copy, read without writing to it; problems say "it" for the file.

    Problems are SQLite's own (page damage, dangling keys), then "not a
    CreditDesk file" or "from a newer CreditDesk", then every ledger rule, so
    a person can tell a torn file from a file with a bad allocation in it.
    """
    path = Path(path)
    if not is_sqlite_file(path):
        return None, ["it is not a CreditDesk company file or backup"]
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(read_only_uri(path), uri=True))
    try:
        with engine.connect() as conn:
            problems = sqlite_problems(conn)
            if problems:
                return None, problems
            revision = stored_revision(conn)
            if revision is None:
                return None, ["it is an SQLite file but not a CreditDesk company file"]
            if revision not in known_revisions:
                return revision, [
                    "it was saved by a newer version of CreditDesk; "
                    "install the latest CreditDesk to restore it"
                ]
            return revision, ledger_problems(conn)
    except (DBAPIError, sqlite3.DatabaseError) as exc:
        reason = exc.orig if isinstance(exc, DBAPIError) else exc
        return None, [f"it is damaged ({reason})"]
    finally:
        engine.dispose()
