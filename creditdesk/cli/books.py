"""The company file's books: init, import, export, demo and check."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from creditdesk.cli.parsing import Subcommands, add_as_of, add_basis, iso_date, positive_int
from creditdesk.cli.running import EXIT_OK, EXIT_USER_ERROR, fail, print_problems, with_db
from creditdesk.domain.aging import Basis
from creditdesk.services.bank.statement_import import import_bank_file
from creditdesk.services.clients.records import count_clients
from creditdesk.services.company.company_file import Database
from creditdesk.services.company.demo import generate_demo
from creditdesk.services.company.locations import BooksPlace, file_only
from creditdesk.services.company.maintenance import check_database
from creditdesk.services.company.settings import create_company
from creditdesk.services.imports import client_import, exporting, invoice_import, mappings, payment_import
from creditdesk.services.imports.client_import import CLIENT_SOURCE_KEYS, ColumnMapping
from creditdesk.services.imports.invoice_import import COMMA, POINT, SOURCE_KEYS, DateOrder, NumberFormat


def add_init(sub: Subcommands) -> None:
    init = sub.add_parser("init", help="create a new, empty company file")
    init.add_argument("--name", required=True, help="the company's name")
    init.add_argument("--currency", help="ISO currency code, e.g. EUR (default: from the locale)")
    init.add_argument("--locale", help="for money and dates, e.g. en_GB (default: the system's)")
    init.set_defaults(run=cmd_init)


def cmd_init(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    if isinstance(path, Path) and path.exists():
        return fail(f"{path} already exists; choose a new file with --db")
    info = with_db(path, lambda db: create_company(db, args.name, args.currency, args.locale), create=True)
    print(f"Created {info.name} ({info.currency}, {info.locale}) in {path}")
    return EXIT_OK


DATE_FORMATS = {"DD/MM/YYYY": DateOrder.DAY_FIRST, "MM/DD/YYYY": DateOrder.MONTH_FIRST}
NUMBER_FORMATS = {
    "1,234.50": NumberFormat(POINT, ","),
    "1.234,50": NumberFormat(COMMA, "."),
    "1 234,50": NumberFormat(COMMA, " "),
    "1234.50": NumberFormat(POINT),
    "1234,50": NumberFormat(COMMA),
}


def add_import(sub: Subcommands) -> None:
    imp = sub.add_parser(
        "import",
        help="import clients, invoices or payments from a CSV or Excel file",
        description="Clients and invoices come from CreditDesk's own export, from QuickBooks Online, Xero, "
        "Sage, Zoho Books, FreeAgent or Wave exports, or from any spreadsheet with the usual columns.",
    )
    imp.add_argument("kind", choices=["clients", "invoices", "payments", "bank"])
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--dry-run", action="store_true", help="check and report, but write nothing")
    imp.add_argument(
        "--format",
        choices=["camt", "ofx", "mt940", "csv"],
        help="bank: the statement's format (default: recognised from its content)",
    )
    imp.add_argument(
        "--source",
        default="auto",
        metavar="SOURCE",
        help="clients, invoices and payments: the system the file comes from (auto, "
        f"{', '.join(SOURCE_KEYS)}) or the name of a saved mapping (default: recognised from its columns)",
    )
    imp.add_argument(
        "--sync",
        action="store_true",
        help="keep in step with an earlier import from the same system: invoices record what was paid, "
        "clients get the file's contact details",
    )
    imp.add_argument(
        "--complete",
        action="store_true",
        help="invoices, with --sync: the file lists every open invoice, so one missing from it is settled",
    )
    imp.add_argument(
        "--as-of",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="invoices: the date the file describes (default: the date it states, else today)",
    )
    imp.add_argument(
        "--date-format", choices=list(DATE_FORMATS), help="invoices and payments: how the file writes dates"
    )
    imp.add_argument(
        "--number-format", choices=list(NUMBER_FORMATS), help="invoices and payments: how it writes amounts"
    )
    imp.add_argument("--drafts", action="store_true", help="invoices: import the file's drafts as drafts")
    imp.set_defaults(run=cmd_import)


def cmd_import(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    def action(db: Database) -> int:
        if args.kind == "bank":
            return import_bank(db, args)
        if args.kind == "invoices":
            try:
                summary = invoice_import.import_invoices(
                    db, args.file, options=invoice_options(db, args), today=as_of, dry_run=args.dry_run
                )
            except invoice_import.PlanRefused as refused:
                code = fail(refused.message, refused.problems)
                for hint in how_to_answer(refused.plan):
                    print(hint, file=sys.stderr)
                return code
        elif args.kind == "clients":
            summary = client_import.import_clients(
                db, args.file, options=client_options(db, args), today=as_of, dry_run=args.dry_run
            )
        else:
            summary = payment_import.import_payments(
                db, args.file, options=payment_options(db, args), dry_run=args.dry_run
            )
        prefix = "Dry run, nothing written: would import" if args.dry_run else "Imported"
        print(f"{prefix} {summary.describe()}")
        return EXIT_OK

    return with_db(path, action, create=True)


def import_bank(db: Database, args: argparse.Namespace) -> int:
    summary = import_bank_file(db, args.file, format=args.format, dry_run=args.dry_run)
    prefix = "Dry run, nothing written:" if args.dry_run else "Imported bank statement"
    print(f"{prefix} {summary.describe()}")
    return EXIT_OK


def how_to_answer(plan: invoice_import.InvoicePlan) -> list[str]:
    """The options that settle what a refused invoice file asked."""
    hints = []
    if plan.read.questions:
        hints.append("Give the file's formats with --date-format or --number-format.")
    if plan.imported_before:
        hints.append("Add --sync to keep the books in step with the earlier import of this source.")
    return hints


def format_choices(args: argparse.Namespace) -> invoice_import.FormatChoices:
    return invoice_import.FormatChoices(
        every_date=DATE_FORMATS.get(args.date_format or ""),
        every_amount=NUMBER_FORMATS.get(args.number_format or ""),
    )


def chosen_source(
    db: Database, kind: str, args: argparse.Namespace, presets: Sequence[str]
) -> tuple[str | ColumnMapping, invoice_import.FormatChoices]:
    """The preset or saved mapping ``--source`` names, and the formats to read with (the mapping's own)."""
    found = mappings.source_for(db, kind, args.source, presets)
    if isinstance(found, str):
        return found, format_choices(args)
    return found.mapping, found.choices(format_choices(args))


def client_options(db: Database, args: argparse.Namespace) -> client_import.ClientImportOptions:
    source, choices = chosen_source(db, "clients", args, CLIENT_SOURCE_KEYS)
    return client_import.ClientImportOptions(source=source, choices=choices, sync=args.sync)


def invoice_options(db: Database, args: argparse.Namespace) -> invoice_import.InvoiceImportOptions:
    source, choices = chosen_source(db, "invoices", args, SOURCE_KEYS)
    return invoice_import.InvoiceImportOptions(
        source=source,
        choices=choices,
        sync=args.sync,
        complete=args.complete,
        as_of=args.as_of,
        drafts=args.drafts,
    )


def payment_options(db: Database, args: argparse.Namespace) -> payment_import.PaymentImportOptions:
    source, choices = chosen_source(db, "payments", args, payment_import.PAYMENT_SOURCE_KEYS)
    return payment_import.PaymentImportOptions(source=source, choices=choices)


def add_export(sub: Subcommands) -> None:
    export = sub.add_parser("export", help="write clients, invoices, payments or the aging to CSV")
    export.add_argument("kind", choices=["clients", "invoices", "payments", "aging"])
    export.add_argument("file", type=Path, metavar="FILE.csv")
    add_as_of(export)
    add_basis(export, help=None)
    export.set_defaults(run=cmd_export)


def cmd_export(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    def action(db: Database) -> int:
        if args.kind == "clients":
            exporting.export_clients(db, args.file)
        elif args.kind == "invoices":
            exporting.export_invoices(db, args.file, as_of)
        elif args.kind == "payments":
            exporting.export_payments(db, args.file)
        else:
            exporting.export_aging(db, args.file, as_of, Basis(args.basis))
        print(f"Wrote {args.kind} to {args.file}")
        return EXIT_OK

    return with_db(path, action)


def add_demo(sub: Subcommands) -> None:
    demo = sub.add_parser("demo", help="fill an empty company file with a believable demo business")
    demo.add_argument("--clients", type=positive_int, default=200)
    demo.add_argument("--invoices", type=positive_int, default=5000)
    demo.add_argument("--seed", type=int, default=1)
    add_as_of(demo)
    demo.add_argument(
        "--if-empty",
        action="store_true",
        help="leave a file that already has clients untouched instead of failing",
    )
    demo.set_defaults(run=cmd_demo)


def cmd_demo(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    def action(db: Database) -> int:
        if args.if_empty and count_clients(db) > 0:
            print(f"{path} already holds a company with clients; left it as it is.")
            return EXIT_OK
        summary = generate_demo(db, clients=args.clients, invoices=args.invoices, seed=args.seed, as_of=as_of)
        print(f"Demo company written to {path}: {summary.describe()}")
        return EXIT_OK

    return with_db(path, action, create=True)


def add_check(sub: Subcommands) -> None:
    check = sub.add_parser("check", help="check the file's integrity and the ledger's rules")
    check.set_defaults(run=cmd_check)


def cmd_check(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    path = file_only(path, "check")
    if not path.exists():
        return fail(f"there is no company file at {path}")
    report = check_database(path)
    if report.ok:
        counts = ", ".join(f"{n} {table.replace('_', ' ')}s" for table, n in report.counts.items())
        print(f"{path}: no problems found ({counts})")
        return EXIT_OK
    print(f"{path}: {len(report.problems)} problem(s) found", file=sys.stderr)
    print_problems(report.problems)
    return EXIT_USER_ERROR
