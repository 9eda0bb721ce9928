"""Copies of a company file made with SQLite's online backup API.

A plain file copy of a database in WAL mode can miss committed pages still in
the ``-wal`` file, or catch a page half-written; the backup API cannot.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from creditdesk.domain.errors import DatabaseError


def copy_database(source: Path, target: Path, *, overwrite: bool = False) -> Path:
    """Copy ``source`` to ``target`` consistently; refuse to overwrite unless asked."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise DatabaseError(f"There is no company file at {source}.")
    if target.exists() and not overwrite:
        raise DatabaseError(f"{target} already exists; choose a new file name for the backup.")
    if target.resolve() == source.resolve():
        raise DatabaseError("A backup cannot be written over the company file itself.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
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
    except sqlite3.Error as exc:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise DatabaseError(f"Copying {source.name} to {target} failed: {exc}") from exc
    return target


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
