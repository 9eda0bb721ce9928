"""The ``creditdesk`` command: imports, the aged-debt report, exports, PDFs, demo data and upkeep.

Bad input never shows a traceback: a one-line message on stderr and exit code 1.

Each command group lives in its own module (books, import_mappings, reports, documents, reminders,
mail, backups, window); each of its ``add_…`` functions adds one sub-command and sets the function it runs.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from datetime import date

from creditdesk import __version__
from creditdesk.cli import backups, bank, books, documents, import_mappings, mail, reminders, reports, window
from creditdesk.cli.mail import CLI_NO_KEYRING
from creditdesk.cli.parsing import Parser, Subcommands
from creditdesk.cli.running import run_command

__all__ = ["CLI_NO_KEYRING", "build_parser", "main"]

# In the order `creditdesk --help` lists them.
SUBCOMMANDS: tuple[Callable[[Subcommands], None], ...] = (
    books.add_init,
    books.add_import,
    import_mappings.add_import_mappings,
    bank.add_bank,
    reports.add_aging,
    books.add_export,
    books.add_demo,
    documents.add_invoice_pdf,
    documents.add_statement,
    documents.add_statements,
    documents.add_letter,
    documents.add_aged_debtors,
    reminders.add_reminders,
    mail.add_smtp,
    window.add_gui,
    books.add_check,
    backups.add_backup,
    backups.add_backups,
    backups.add_restore,
    backups.add_move_to,
    reports.add_today,
    reports.add_forecast,
)


def build_parser() -> Parser:
    parser = Parser(
        prog="creditdesk",
        description="CreditDesk: clients, invoices, aged debts and polite reminders for a small business.",
        epilog="The books are chosen by --db, else $CREDITDESK_DB, else the user data folder. A server's "
        "password, if it asks for one, is kept in this computer's password store.",
    )
    parser.add_argument("--version", action="version", version=f"CreditDesk {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help="company file to use, or books on a server: postgresql://user@host:5432/dbname",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation (window, documents, password store) in a scratch folder and exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, today: date | None = None) -> int:
    # Batch statements start worker processes; a frozen build must let them run as workers.
    multiprocessing.freeze_support()
    args = build_parser().parse_args(argv)
    if args.self_test:
        from creditdesk.selftest import run_self_test  # before any command: it touches no company file

        return run_self_test()
    if args.command in (None, "gui"):
        return window.open_window(args)
    as_of = getattr(args, "as_of", None) or today or date.today()
    return run_command(args, as_of)
