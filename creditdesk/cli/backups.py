"""Backups of the company file: backup, backups and restore."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from creditdesk.cli.output import print_table
from creditdesk.cli.parsing import Subcommands
from creditdesk.cli.running import EXIT_OK, fail, with_db
from creditdesk.services.company.company_file import Database
from creditdesk.services.company.locations import BooksPlace, file_only


def add_backup(sub: Subcommands) -> None:
    backup = sub.add_parser("backup", help="write a consistent copy of the company file")
    backup.add_argument(
        "file",
        type=Path,
        nargs="?",
        metavar="FILE",
        help="where to write it (never replaced); default: a dated copy in backups/ beside the file",
    )
    backup.set_defaults(run=cmd_backup)


def cmd_backup(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    from creditdesk.services.company.backups import backup_now

    def action(db: Database) -> int:
        target = backup_now(db, args.file)
        print(f"Backed up {path} to {target}")
        return EXIT_OK

    return with_db(path, action)


def add_backups(sub: Subcommands) -> None:
    backups = sub.add_parser("backups", help="list the backups of the company file, newest first")
    backups.set_defaults(run=cmd_backups)


def cmd_backups(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    from creditdesk.services.company.backups import backups_folder, list_backups

    path = file_only(path, "Listing backups")
    found = list_backups(path)
    if not found:
        print(f"No backups of {path.name} yet in {backups_folder(path)}")
        return EXIT_OK
    print(f"Backups of {path.name} in {backups_folder(path)}, newest first:")
    # Sizes padded to 13 places, so the column keeps its place from one listing to the next.
    body = [
        [info.taken_at.strftime("%Y-%m-%d %H:%M"), info.kind.value, f"{info.size:>13,} bytes", info.path.name]
        for info in found
    ]
    print_table(body, right={2}, indent="  ")
    return EXIT_OK


def add_restore(sub: Subcommands) -> None:
    restore = sub.add_parser(
        "restore",
        help="restore a backup into a new company file, after checking it",
        description="Restore a backup into a new company file. The backup is checked first (SQLite's "
        "integrity and every ledger rule); nothing is written if it fails, and an existing file is "
        "never replaced.",
    )
    restore.add_argument("backup", type=Path, metavar="BACKUP")
    restore.add_argument("--to", type=Path, required=True, metavar="NEW_FILE", help="the new company file")
    restore.set_defaults(run=cmd_restore)


def cmd_restore(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    from creditdesk.services.company.backups import BackupRefused, restore_backup

    try:
        summary = restore_backup(args.backup, args.to, current=file_only(path, "restore"))
    except BackupRefused as exc:
        return fail(f"{args.backup.name} was not restored and nothing was written:", exc.problems)
    print(f"Restored {args.backup} into {summary.path}")
    print(f"  {summary.describe()}")
    print(f"Open it with: creditdesk --db {summary.path}")
    return EXIT_OK
