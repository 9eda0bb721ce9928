"""Running a command: exit codes, the company file it works on, and what becomes of its errors.

Bad input never shows a traceback: a one-line message on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from creditdesk.domain.errors import CreditDeskError, ImportRefused
from creditdesk.services.company.company_file import COMMAND_BUSY_TIMEOUT_MS, Database, open_database
from creditdesk.services.company.locations import BooksPlace, database_path
from creditdesk.services.company.server_login import ServerAddress, open_server_books

EXIT_OK, EXIT_USER_ERROR, EXIT_INTERNAL = 0, 1, 2
ENV_BUSY_TIMEOUT = "CREDITDESK_BUSY_TIMEOUT"
T = TypeVar("T")

# What each sub-command runs (its parser's ``run`` default): the parsed arguments, the company
# file and the report date.
Command = Callable[[argparse.Namespace, BooksPlace, date], int]


def run_command(args: argparse.Namespace, as_of: date) -> int:
    """Run the command the arguments chose, turning every failure into a message and an exit code."""
    command: Command = args.run
    try:
        return command(args, database_path(args.db), as_of)
    except ImportRefused as exc:
        return fail(exc.message, exc.problems)
    except CreditDeskError as exc:
        return fail(exc.message)
    except KeyboardInterrupt:
        return fail("interrupted; nothing was half-written")
    except BrokenPipeError:
        # The reader went away (`creditdesk aging | head`): not an error worth a word.
        # Point stdout at devnull so the interpreter's final flush does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("CREDITDESK_DEBUG"):
            raise
        print(
            f"creditdesk: unexpected error ({type(exc).__name__}: {exc}); set CREDITDESK_DEBUG=1 for details",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def fail(message: str, problems: Iterable[str] = ()) -> int:
    """``creditdesk: message`` on stderr, then one indented line per problem; the exit code for it."""
    print(f"creditdesk: {message}", file=sys.stderr)
    print_problems(problems)
    return EXIT_USER_ERROR


def print_problems(problems: Iterable[str]) -> None:
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def command_busy_timeout_ms() -> int:
    """How long a command waits for another program's write: $CREDITDESK_BUSY_TIMEOUT seconds if set."""
    text = os.environ.get(ENV_BUSY_TIMEOUT, "").strip()
    try:
        seconds = float(text) if text else None
    except ValueError:
        seconds = None
    if seconds is None or not 0 < seconds <= 3600:
        return COMMAND_BUSY_TIMEOUT_MS
    return int(seconds * 1000)


def with_db(path: BooksPlace, action: Callable[[Database], T], *, create: bool = False) -> T:
    if isinstance(path, str):
        ask = ask_server_password if sys.stdin.isatty() else None
        db = open_server_books(path, create=create, busy_timeout_ms=command_busy_timeout_ms(), ask=ask)
    else:
        db = open_database(path, create=create, busy_timeout_ms=command_busy_timeout_ms())
    try:
        return action(db)
    finally:
        db.close()


def ask_server_password(address: ServerAddress) -> str | None:
    """Asked at the terminal, once: it is kept in the password store after the server accepts it."""
    user = address.url.username or "you"
    try:
        return getpass.getpass(f"Password for {user} at {address.shown}: ") or None
    except EOFError:
        return None
