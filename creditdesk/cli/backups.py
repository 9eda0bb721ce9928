"""Backups of the company file: backup, backups and restore."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from creditdesk.cli.output import print_table
from creditdesk.cli.parsing import Subcommands
from creditdesk.cli.running import EXIT_OK, ask_server_password, fail, with_db
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


def add_move_to(sub: Subcommands) -> None:
    move = sub.add_parser(
        "move-to",
        help="copy the books into a new company file or an empty database on a server",
        description="Copy every record of these books into a new company file, or into an empty "
        "PostgreSQL database for an office (postgresql://user@host:5432/dbname). The books here stay "
        "as they are; open the copy with --db. A copy that fails leaves nothing behind.",
    )
    move.add_argument("target", metavar="FILE|URL", help="a new company file, or a server database's address")
    move.set_defaults(run=cmd_move_to)


def cmd_move_to(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    from creditdesk.services.company.locations import database_path
    from creditdesk.services.company.moving import copy_books_to

    target = database_path(args.target)
    ask = ask_server_password if sys.stdin.isatty() else None
    started = time.perf_counter()
    moved = with_db(path, lambda db: copy_books_to(db, target, ask=ask))
    print(f"Copied {moved.describe()} to {moved.target} in {time.perf_counter() - started:.1f} s")
    print(f"Open them with: creditdesk --db {moved.target}")
    return EXIT_OK
