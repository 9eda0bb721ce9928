"""Keeping a company file sound: integrity checks and backups."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from creditdesk.domain.errors import DatabaseError
from creditdesk.store.backup import copy_database
from creditdesk.store.database import Database, current_revision, head_revision, open_read_only
from creditdesk.store.integrity import ledger_problems, sqlite_problems


@dataclass(frozen=True)
class CheckReport:
    counts: dict[str, int]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


COUNTED = ("client", "invoice", "payment", "credit_note", "allocation")


def check_database(path: Path) -> CheckReport:
    """SQLite's integrity and foreign keys, the schema version, then every ledger rule.

    A file too damaged to open is reported as a problem rather than raised,
    so the user always gets a verdict. The file is opened read-only: a check
    never migrates, creates or switches anything.
    """
    try:
        db = open_read_only(path)
    except DatabaseError as exc:
        return CheckReport({}, (exc.message,))
    try:
        with db.engine.connect() as conn:
            problems = sqlite_problems(conn)
            if current_revision(db.engine) != head_revision():
                problems.append("the file's schema is not at the version this CreditDesk expects")
            if not problems:
                problems += ledger_problems(conn)
            counts = {
                table: int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())  # noqa: S608
                for table in COUNTED
            }
    except (DBAPIError, sqlite3.DatabaseError) as exc:
        return CheckReport({}, (f"the file is damaged: {exc.orig if isinstance(exc, DBAPIError) else exc}",))
    finally:
        db.close()
    return CheckReport(counts, tuple(problems))


def backup_database(db: Database, target: Path) -> Path:
    """A consistent copy of the open company file; an existing file is never overwritten."""
    return copy_database(db.path, target)
