"""Backups of a company file: daily automatic copies, "Backup now", and restoring into a new file.

Every copy goes through SQLite's backup API into a temporary file that is
renamed into place, so a crash leaves either the whole copy or none. All
copies live in ``backups/`` beside the company file, where the safety copies
made before a schema upgrade go too. Only files whose names this module wrote
are ever deleted there: a user's own files and the upgrade copies stay.

A backup is restored only into a new file, never over the open one, and only
after SQLite and the ledger's rules have passed it: a person who restores
wants the books as they were, not a second problem.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from sqlalchemy import text

from creditdesk.domain.errors import DatabaseError
from creditdesk.domain.money import currency_exponent
from creditdesk.services.company.moving import back_up_server_books
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.backup import (
    copy_database,
    copy_problems,
    has_sidecars,
    is_sqlite_file,
    remove_with_sidecars,
)
from creditdesk.store.database import Database, alembic_config, head_revision, open_database
from creditdesk.store.unit_of_work import UnitOfWork

BACKUP_FOLDER = "backups"
KEEP_DAILY = 14
KEEP_MONTHS = 12
MAX_PROBLEMS_IN_MESSAGE = 5


class BackupKind(StrEnum):
    DAILY = "daily"  # one of the last 14 automatic copies
    MONTHLY_KEPT = "monthly-kept"  # an older automatic copy kept as its month's newest
    BEFORE_UPGRADE = "before-upgrade"  # made by open_database before a schema migration
    MANUAL = "manual"  # File → Backup now, or `creditdesk backup`


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: BackupKind
    taken_at: datetime
    size: int  # bytes


@dataclass(frozen=True)
class RestoreSummary:
    """What a restored file holds, for a person to confirm before switching to it."""

    path: Path  # the new company file
    backup: Path
    as_of: date  # the day the figures are taken on: the backup's own date
    company: str | None  # None: the backup has no company yet
    currency: str | None
    clients: int
    invoices: int
    outstanding: Decimal  # owed by clients as of ``as_of``, less money on account
    upgraded_from: str | None  # the backup's schema revision, when it had to be upgraded

    def describe(self) -> str:
        exponent = currency_exponent(self.currency) if self.currency else 2
        money = f"{self.outstanding:,.{exponent}f}" + (f" {self.currency}" if self.currency else "")
        who = f"{self.company}: " if self.company else ""
        upgraded = f"; upgraded from schema {self.upgraded_from}" if self.upgraded_from else ""
        return (
            f"{who}{self.clients:,} clients, {self.invoices:,} invoices, "
            f"{money} outstanding on {self.as_of.isoformat()}{upgraded}"
        )


class BackupRefused(DatabaseError):
    """A backup failed its checks and nothing was restored; ``problems`` lists each one."""

    def __init__(self, backup: Path, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        shown = "; ".join(self.problems[:MAX_PROBLEMS_IN_MESSAGE])
        more = len(self.problems) - MAX_PROBLEMS_IN_MESSAGE
        if more > 0:
            shown += f"; and {more} more"
        super().__init__(f"{backup.name} was not restored and nothing was written: {shown}")


# --- where backups live and what their names say ---------------------------------------------------


def backups_folder(company_file: Path) -> Path:
    return Path(company_file).parent / BACKUP_FOLDER


def daily_name(stem: str, day: date) -> str:
    return f"{stem}-daily-{day.isoformat()}.sqlite"


def manual_name(stem: str, at: datetime) -> str:
    return f"{stem}-manual-{at:%Y-%m-%d-%H%M%S}.sqlite"


def _patterns(stem: str | None) -> dict[BackupKind, re.Pattern[str]]:
    """Backup names for a company file's stem; with None, for any stem (a copy brought from elsewhere)."""
    s = ".+" if stem is None else re.escape(stem)
    return {
        BackupKind.DAILY: re.compile(rf"^{s}-daily-(\d{{4}}-\d{{2}}-\d{{2}})\.sqlite$"),
        BackupKind.MANUAL: re.compile(rf"^{s}-manual-(\d{{4}}-\d{{2}}-\d{{2}}-\d{{6}})(?:-\d+)?\.sqlite$"),
        # store.database._safety_copy: <stem>-<revision>-<YYYYmmdd-HHMMSS>.sqlite
        BackupKind.BEFORE_UPGRADE: re.compile(rf"^{s}-\w+-(\d{{8}}-\d{{6}})\.sqlite$"),
    }


def _stamp(kind: BackupKind, text: str) -> datetime | None:
    formats = {
        BackupKind.DAILY: "%Y-%m-%d",
        BackupKind.MANUAL: "%Y-%m-%d-%H%M%S",
        BackupKind.BEFORE_UPGRADE: "%Y%m%d-%H%M%S",
    }
    try:
        return datetime.strptime(text, formats[kind])
    except ValueError:
        return None


def _recognised(folder: Path, stem: str) -> list[tuple[Path, BackupKind, datetime]]:
    if not folder.is_dir():
        return []
    found = []
    patterns = _patterns(stem)
    for entry in folder.iterdir():
        for kind, pattern in patterns.items():
            match = pattern.match(entry.name)
            stamp = _stamp(kind, match.group(1)) if match else None
            if stamp is not None and entry.is_file():
                found.append((entry, kind, stamp))
                break
    return found


def retained_days(days: Iterable[date], today: date) -> set[date]:
    """Which daily copies to keep: the newest 14, and the newest of each of the last 12 months."""
    ordered = sorted(set(days), reverse=True)
    keep = set(ordered[:KEEP_DAILY])
    first_month = (today.year * 12 + today.month - 1) - (KEEP_MONTHS - 1)
    newest_of_month: dict[int, date] = {}
    for day in ordered:
        month = day.year * 12 + day.month - 1
        if first_month <= month and month not in newest_of_month:
            newest_of_month[month] = day
    return keep | set(newest_of_month.values())


# --- making backups --------------------------------------------------------------------------------


def automatic_backup(db_or_path: Database | Path, now: datetime) -> Path | None:
    """Today's automatic copy, if there is none yet; then the old ones beyond the rotation go.

    Call once whenever a company file is opened. Returns the new copy, or None
    when today's already exists. Raises DatabaseError if the copy cannot be
    written (a full disk, a read-only folder): warn and carry on working.
    """
    source = db_or_path.path if isinstance(db_or_path, Database) else Path(db_or_path)
    folder = backups_folder(source)
    today = now.date()
    target = folder / daily_name(source.stem, today)
    if target.exists():
        return None
    # A copy cut short by a crash left only its temporary file; it is of no use to anyone.
    for leftover in folder.glob(f"{glob_escape(source.stem)}-daily-*.sqlite.partial"):
        remove_with_sidecars(leftover)
    copy_database(source, target)
    _prune(folder, source.stem, today)
    return target


def changed_since(company_file: Path, copy: Path) -> bool:
    """Whether the books may have been written after ``copy`` was taken.

    A copy's time is when its snapshot began (see ``copy_database``); the
    file's time, or a ``-wal`` with pages in it, newer than that means a write
    since. ``stat`` never opens the files. Checkpoints count as writes, so at
    worst one copy too many is made.
    """
    taken = copy.stat().st_mtime_ns
    with contextlib.suppress(FileNotFoundError):
        if company_file.stat().st_mtime_ns > taken:
            return True
    with contextlib.suppress(FileNotFoundError):
        wal = company_file.with_name(company_file.name + "-wal").stat()
        return wal.st_size > 0 and wal.st_mtime_ns > taken
    return False


def closing_backup(company_file: Path, now: datetime) -> Path | None:
    """When the window has closed a file: bring today's automatic copy up to date if the books changed.

    The copy made on opening holds the books as they were that morning; this
    one holds the day's work. Called after the window's connections are
    closed, so the file is checkpointed and a session that only read finds
    nothing changed. Returns the copy written, or None. Raises DatabaseError
    when it cannot be written.
    """
    source = Path(company_file)
    target = backups_folder(source) / daily_name(source.stem, now.date())
    if not target.exists():
        return automatic_backup(source, now)
    if not changed_since(source, target):
        return None
    return copy_database(source, target, overwrite=True)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _prune(folder: Path, stem: str, today: date) -> None:
    dailies = [
        (path, stamp.date()) for path, kind, stamp in _recognised(folder, stem) if kind is BackupKind.DAILY
    ]
    keep = retained_days((day for _, day in dailies), today)
    for path, day in dailies:
        if day not in keep:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def backup_now(db: Database, target: Path | None = None, *, now: datetime | None = None) -> Path:
    """File → Backup now: a consistent copy at ``target`` (never overwritten), or in ``backups/``.

    Books on a server are copied into a new company file (``backups/`` beside this
    computer's stand-in for that server), which ``restore`` and ``move-to`` accept.
    """
    copy = copy_database if not db.on_server else lambda _, to: back_up_server_books(db, to)
    if target is not None:
        return copy(db.path, Path(target).expanduser())
    at = now or datetime.now()
    folder = backups_folder(db.path)
    name = manual_name(db.path.stem, at)
    target = folder / name
    count = 1
    while target.exists():  # twice in the same second
        count += 1
        target = folder / f"{name.removesuffix('.sqlite')}-{count}.sqlite"
    return copy(db.path, target)


def list_backups(company_file: Path) -> list[BackupInfo]:
    """Every backup of this company file in its ``backups/`` folder, newest first."""
    company_file = Path(company_file).expanduser()
    found = _recognised(backups_folder(company_file), company_file.stem)
    newest_dailies = sorted((stamp for _, kind, stamp in found if kind is BackupKind.DAILY), reverse=True)
    recent = set(newest_dailies[:KEEP_DAILY])
    infos = []
    for path, kind, stamp in found:
        taken = _daily_time(path, stamp) if kind is BackupKind.DAILY else stamp
        if kind is BackupKind.DAILY and stamp not in recent:
            kind = BackupKind.MONTHLY_KEPT
        infos.append(BackupInfo(path, kind, taken, path.stat().st_size))
    return sorted(infos, key=lambda info: (info.taken_at, info.path.name), reverse=True)


def _daily_time(path: Path, day: datetime) -> datetime:
    """A daily copy's name gives the day; its file's time gives the hour, when the two agree."""
    written = datetime.fromtimestamp(path.stat().st_mtime)
    return written if written.date() == day.date() else day


def _taken_on(backup: Path) -> date:
    for kind, pattern in _patterns(None).items():
        match = pattern.match(backup.name)
        stamp = _stamp(kind, match.group(1)) if match else None
        if stamp is not None:
            return stamp.date()
    return datetime.fromtimestamp(backup.stat().st_mtime).date()


# --- restoring -------------------------------------------------------------------------------------


def _known_revisions() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return frozenset(s.revision for s in script.walk_revisions())


def _same_file(a: Path, b: Path) -> bool:
    return a.expanduser().resolve() == b.expanduser().resolve()


def restore_backup(
    backup: Path, target: Path, *, current: Path | None = None, as_of: date | None = None
) -> RestoreSummary:
    """Restore ``backup`` into the new file ``target`` and say what it holds.

    Refused, with nothing written, if ``target`` exists (or is ``current``, the
    file open now) or if the backup fails SQLite's integrity check, is not a
    CreditDesk file, or breaks a ledger rule (BackupRefused lists them). The
    check runs on a temporary copy, so what was checked is exactly what is
    restored, and the backup itself is only ever read. An older-schema backup
    is upgraded by open_database, with the usual safety copy first. The figures
    are as of ``as_of``, by default the day the backup was taken.
    """
    backup, target = Path(backup).expanduser(), Path(target).expanduser()
    if not backup.is_file():
        raise DatabaseError(f"There is no backup at {backup}.")
    if current is not None and _same_file(target, current):
        raise DatabaseError(
            f"{target.name} is the company file you have open; a backup is restored into a new file. "
            "Choose a new file name."
        )
    if target.exists() or has_sidecars(target):
        raise DatabaseError(
            f"{target} already exists; a backup is only ever restored into a new file. Choose a new name."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.restoring")
    remove_with_sidecars(staging)
    if not is_sqlite_file(backup):
        raise BackupRefused(backup, ["it is not a CreditDesk company file or backup"])
    try:
        try:
            copy_database(backup, staging)
        except DatabaseError as exc:
            raise BackupRefused(backup, [f"it cannot be read ({exc.__cause__ or exc})"]) from exc
        revision, problems = copy_problems(staging, _known_revisions())
        if problems:
            raise BackupRefused(backup, problems)
        _move_into_new_file(staging, target)
    finally:
        remove_with_sidecars(staging)
    db = open_database(target)
    try:
        return _summary(
            db, backup, as_of or _taken_on(backup), None if revision == head_revision() else revision
        )
    finally:
        db.close()


def _move_into_new_file(staging: Path, target: Path) -> None:
    """Rename into place, but never over a file that appeared at ``target`` meanwhile."""
    try:
        os.link(staging, target)
    except FileExistsError:
        raise DatabaseError(f"{target} already exists; choose a new name for the restored file.") from None
    except OSError:  # a file system without hard links
        if target.exists():
            raise DatabaseError(
                f"{target} already exists; choose a new name for the restored file."
            ) from None
        os.replace(staging, target)


def _summary(db: Database, backup: Path, as_of: date, upgraded_from: str | None) -> RestoreSummary:
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        company = conn.execute(text("SELECT name, currency FROM company WHERE id = 1")).first()
        clients = int(conn.execute(text("SELECT COUNT(*) FROM client")).scalar_one())
        invoices = int(conn.execute(text("SELECT COUNT(*) FROM invoice")).scalar_one())
    outstanding = run_aging(db, as_of).totals.total
    return RestoreSummary(
        path=db.path,
        backup=backup,
        as_of=as_of,
        company=None if company is None else str(company[0]),
        currency=None if company is None else str(company[1]),
        clients=clients,
        invoices=invoices,
        outstanding=outstanding,
        upgraded_from=upgraded_from,
    )
