"""The ``creditdesk`` command: imports, the aged-debt report, exports, PDFs, demo data and upkeep.

Bad input never shows a traceback: a one-line message on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NoReturn, TextIO, TypeVar

from babel.numbers import format_decimal

from creditdesk import __version__
from creditdesk.domain.aging import AgingReport, Basis
from creditdesk.domain.errors import CreditDeskError, ImportRefused
from creditdesk.domain.money import format_plain
from creditdesk.domain.ranges import check_date
from creditdesk.services.clients.records import count_clients
from creditdesk.services.company.company_file import COMMAND_BUSY_TIMEOUT_MS, Database, open_database
from creditdesk.services.company.demo import generate_demo
from creditdesk.services.company.locations import ENV_DB, database_path
from creditdesk.services.company.maintenance import check_database
from creditdesk.services.company.settings import CompanyInfo, create_company, get_company
from creditdesk.services.imports import exporting, importing
from creditdesk.services.reports.aging import run_aging

EXIT_OK, EXIT_USER_ERROR, EXIT_INTERNAL = 0, 1, 2
ENV_BUSY_TIMEOUT = "CREDITDESK_BUSY_TIMEOUT"
T = TypeVar("T")


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is a user error like any other (exit 1, one line)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USER_ERROR, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def iso_date(text: str) -> date:
    """A date in the range CreditDesk accepts; anything else is a usage error (exit 1, one line)."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY-MM-DD") from None
    try:
        return check_date(value)
    except CreditDeskError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number above zero")
    return value


MAX_FORECAST_WEEKS = 520  # ten years: the last week stays a real date for any accepted --as-of


def forecast_weeks(text: str) -> int:
    value = positive_int(text)
    if value > MAX_FORECAST_WEEKS:
        raise argparse.ArgumentTypeError(
            f"'{text}' weeks is more than the {MAX_FORECAST_WEEKS} a forecast covers"
        )
    return value


def build_parser() -> Parser:
    parser = Parser(
        prog="creditdesk",
        description="CreditDesk: clients, invoices, aged debts and polite reminders for a small business.",
        epilog="The company file is chosen by --db, else $CREDITDESK_DB, else the user data folder.",
    )
    parser.add_argument("--version", action="version", version=f"CreditDesk {__version__}")
    parser.add_argument("--db", metavar="PATH", help="company file to use")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation (window, documents, password store) in a scratch folder and exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    init = sub.add_parser("init", help="create a new, empty company file")
    init.add_argument("--name", required=True, help="the company's name")
    init.add_argument("--currency", help="ISO currency code, e.g. EUR (default: from the locale)")
    init.add_argument("--locale", help="for money and dates, e.g. en_GB (default: the system's)")

    imp = sub.add_parser("import", help="import clients, invoices or payments from a CSV file")
    imp.add_argument("kind", choices=["clients", "invoices", "payments"])
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.add_argument("--dry-run", action="store_true", help="check and report, but write nothing")

    aging = sub.add_parser("aging", help="print the aged-debt report")
    _add_as_of(aging)
    aging.add_argument(
        "--basis",
        choices=[b.value for b in Basis],
        default=Basis.DUE.value,
        help="age by days past due (default) or days since the invoice date",
    )
    aging.add_argument("--format", choices=["table", "csv", "json"], default="table")

    export = sub.add_parser("export", help="write clients, invoices, payments or the aging to CSV")
    export.add_argument("kind", choices=["clients", "invoices", "payments", "aging"])
    export.add_argument("file", type=Path, metavar="FILE.csv")
    _add_as_of(export)
    export.add_argument("--basis", choices=[b.value for b in Basis], default=Basis.DUE.value)

    demo = sub.add_parser("demo", help="fill an empty company file with a believable demo business")
    demo.add_argument("--clients", type=positive_int, default=200)
    demo.add_argument("--invoices", type=positive_int, default=5000)
    demo.add_argument("--seed", type=int, default=1)
    _add_as_of(demo)
    demo.add_argument(
        "--if-empty",
        action="store_true",
        help="leave a file that already has clients untouched instead of failing",
    )

    _add_document_commands(sub)
    _add_reminder_commands(sub)
    _add_smtp_commands(sub)

    gui = sub.add_parser("gui", help="open the window (the default when no command is given)")
    gui.add_argument(
        "--demo",
        action="store_true",
        help="with no company file yet, open the demo company instead of the welcome screen",
    )

    sub.add_parser("check", help="check the file's integrity and the ledger's rules")
    _add_backup_commands(sub)
    _add_workflow_commands(sub)
    return parser


def _add_backup_commands(sub: argparse._SubParsersAction[Parser]) -> None:
    backup = sub.add_parser("backup", help="write a consistent copy of the company file")
    backup.add_argument(
        "file",
        type=Path,
        nargs="?",
        metavar="FILE",
        help="where to write it (never replaced); default: a dated copy in backups/ beside the file",
    )
    sub.add_parser("backups", help="list the backups of the company file, newest first")
    restore = sub.add_parser(
        "restore",
        help="restore a backup into a new company file, after checking it",
        description="Restore a backup into a new company file. The backup is checked first (SQLite's "
        "integrity and every ledger rule); nothing is written if it fails, and an existing file is "
        "never replaced.",
    )
    restore.add_argument("backup", type=Path, metavar="BACKUP")
    restore.add_argument("--to", type=Path, required=True, metavar="NEW_FILE", help="the new company file")


PDF_OUT_HELP = "the PDF file to write (replaced if it already exists)"
STYLES = ("activity", "open-items")  # the values of documents.model.StatementStyle


def _add_document_commands(sub: argparse._SubParsersAction[Parser]) -> None:
    invoice = sub.add_parser("invoice-pdf", help="print one invoice to a PDF file")
    invoice.add_argument("number", metavar="NUMBER", help="the invoice number, e.g. INV-00012")
    invoice.add_argument("--out", type=Path, required=True, metavar="FILE", help=PDF_OUT_HELP)

    statement = sub.add_parser("statement", help="print one client's statement of account to a PDF file")
    statement.add_argument("client", metavar="CLIENT_CODE")
    statement.add_argument(
        "--from",
        dest="period_start",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="first day of the period (default: the first of the statement's month)",
    )
    statement.add_argument(
        "--to", type=iso_date, metavar="YYYY-MM-DD", help="statement date (default: today)"
    )
    statement.add_argument(
        "--style",
        choices=STYLES,
        default="activity",
        help="activity: opening balance, every movement, closing balance (default); "
        "open-items: only what is unpaid on the statement date",
    )
    statement.add_argument("--out", type=Path, required=True, metavar="FILE", help=PDF_OUT_HELP)

    batch = sub.add_parser(
        "statements", help="print a statement for every client with a balance, one PDF each"
    )
    batch.add_argument("--as-of", type=iso_date, required=True, metavar="YYYY-MM-DD", help="statement date")
    batch.add_argument(
        "--out-dir",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder for the PDFs, made if missing (files of the same name are replaced)",
    )
    batch.add_argument(
        "--combined", type=Path, metavar="FILE", help="also join them all into this one PDF, by client name"
    )
    batch.add_argument("--style", choices=STYLES, default="activity")
    batch.add_argument(
        "--workers", type=positive_int, default=2, help="processes to render with (default: 2)"
    )

    letter = sub.add_parser("letter", help="print a reminder letter or final demand to a PDF file")
    letter.add_argument("client", metavar="CLIENT_CODE")
    letter.add_argument("--kind", choices=["reminder", "final-demand"], default="reminder")
    _add_as_of(letter)
    letter.add_argument("--out", type=Path, required=True, metavar="FILE", help=PDF_OUT_HELP)

    aged = sub.add_parser("aged-debtors", help="print the aged-debtors report to a PDF file")
    _add_as_of(aged)
    aged.add_argument(
        "--basis",
        choices=[b.value for b in Basis],
        default=Basis.DUE.value,
        help="age by days past due (default) or days since the invoice date",
    )
    aged.add_argument("--out", type=Path, required=True, metavar="FILE", help=PDF_OUT_HELP)


def _add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="report date (default: today)")


def main(argv: Sequence[str] | None = None, *, today: date | None = None) -> int:
    # Batch statements start worker processes; a frozen build must let them run as workers.
    multiprocessing.freeze_support()
    args = build_parser().parse_args(argv)
    if args.self_test:
        from creditdesk.selftest import run_self_test  # before any command: it touches no company file

        return run_self_test()
    if args.command in (None, "gui"):
        return cmd_gui(args)
    as_of = getattr(args, "as_of", None) or today or date.today()
    try:
        return COMMANDS[args.command](args, database_path(args.db), as_of)
    except ImportRefused as exc:
        print(f"creditdesk: {exc.message}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_USER_ERROR
    except CreditDeskError as exc:
        print(f"creditdesk: {exc.message}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("creditdesk: interrupted; nothing was half-written", file=sys.stderr)
        return EXIT_USER_ERROR
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


Command = Callable[[argparse.Namespace, Path, date], int]


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


def _with_db(path: Path, action: Callable[[Database], T], *, create: bool = False) -> T:
    db = open_database(path, create=create, busy_timeout_ms=command_busy_timeout_ms())
    try:
        return action(db)
    finally:
        db.close()


def cmd_init(args: argparse.Namespace, path: Path, as_of: date) -> int:
    if path.exists():
        print(f"creditdesk: {path} already exists; choose a new file with --db", file=sys.stderr)
        return EXIT_USER_ERROR
    info = _with_db(path, lambda db: create_company(db, args.name, args.currency, args.locale), create=True)
    print(f"Created {info.name} ({info.currency}, {info.locale}) in {path}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace, path: Path, as_of: date) -> int:
    run = {
        "clients": importing.import_clients,
        "invoices": importing.import_invoices,
        "payments": importing.import_payments,
    }[args.kind]

    def action(db: Database) -> int:
        summary = run(db, args.file, dry_run=args.dry_run)
        prefix = "Dry run, nothing written: would import" if args.dry_run else "Imported"
        print(f"{prefix} {summary.describe()}")
        return EXIT_OK

    return _with_db(path, action, create=True)


def cmd_aging(args: argparse.Namespace, path: Path, as_of: date) -> int:
    def action(db: Database) -> int:
        company = get_company(db)
        report = run_aging(db, as_of, Basis(args.basis))
        if args.format == "json":
            print_json(report, company, sys.stdout)
        elif args.format == "csv":
            exporting.write_csv(exporting.aging_records(report, company.exponent), sys.stdout)
        else:
            print_table(report, company, sys.stdout)
        return EXIT_OK

    return _with_db(path, action)


def print_json(report: AgingReport, company: CompanyInfo, out: TextIO) -> None:
    totals = report.totals
    total_figures = [*totals.buckets, totals.unallocated, totals.total]
    document = {
        "as_of": report.as_of.isoformat(),
        "basis": report.basis.value,
        "currency": company.currency,
        "buckets": list(report.bucket_keys),
        "rows": exporting.aging_records(report, company.exponent),
        "totals": {
            key: format_plain(value, company.exponent)
            for key, value in zip([*report.bucket_keys, "unallocated", "total"], total_figures, strict=True)
        },
    }
    json.dump(document, out, ensure_ascii=False, indent=2)
    out.write("\n")


def print_table(report: AgingReport, company: CompanyInfo, out: TextIO) -> None:
    def money(value: Decimal) -> str:
        return format_decimal(
            value,
            format=f"#,##0.{'0' * company.exponent}" if company.exponent else "#,##0",
            locale=company.locale,
        )

    basis = "days past due" if report.basis is Basis.DUE else "days since invoice"
    heads = ["Code", "Client", *report.bucket_keys, "On account", "Total"]
    body = [
        [
            r.client_code,
            _clip(r.client_name, 32),
            *map(money, r.buckets),
            money(r.unallocated),
            money(r.total),
        ]
        for r in report.rows
    ]
    totals = report.totals
    foot = ["", "Total", *map(money, totals.buckets), money(totals.unallocated), money(totals.total)]
    widths = [max(len(row[i]) for row in [heads, *body, foot]) for i in range(len(heads))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(
        f"{company.name}: aged debts as of {report.as_of.isoformat()} ({basis}), in {company.currency}",
        file=out,
    )
    print(line(heads), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in body:
        print(line(row), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    print(line(foot), file=out)
    if not report.rows:
        print("Nobody owes anything and nothing is on account.", file=out)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_export(args: argparse.Namespace, path: Path, as_of: date) -> int:
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

    return _with_db(path, action)


def cmd_demo(args: argparse.Namespace, path: Path, as_of: date) -> int:
    def action(db: Database) -> int:
        if args.if_empty and count_clients(db) > 0:
            print(f"{path} already holds a company with clients; left it as it is.")
            return EXIT_OK
        summary = generate_demo(db, clients=args.clients, invoices=args.invoices, seed=args.seed, as_of=as_of)
        print(f"Demo company written to {path}: {summary.describe()}")
        return EXIT_OK

    return _with_db(path, action, create=True)


def cmd_gui(args: argparse.Namespace) -> int:
    from creditdesk.ui.app import run_gui  # Qt loads only for the window, not for every command

    explicit = database_path(args.db) if (args.db or os.environ.get(ENV_DB)) else None
    return run_gui(explicit, demo_first=getattr(args, "demo", False))


def cmd_check(args: argparse.Namespace, path: Path, as_of: date) -> int:
    if not path.exists():
        print(f"creditdesk: there is no company file at {path}", file=sys.stderr)
        return EXIT_USER_ERROR
    report = check_database(path)
    if report.ok:
        counts = ", ".join(f"{n} {table.replace('_', ' ')}s" for table, n in report.counts.items())
        print(f"{path}: no problems found ({counts})")
        return EXIT_OK
    print(f"{path}: {len(report.problems)} problem(s) found", file=sys.stderr)
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_USER_ERROR


def cmd_backup(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from creditdesk.services.company.backups import backup_now

    def action(db: Database) -> int:
        target = backup_now(db, args.file)
        print(f"Backed up {path} to {target}")
        return EXIT_OK

    return _with_db(path, action)


def cmd_backups(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from creditdesk.services.company.backups import backups_folder, list_backups

    found = list_backups(path)
    if not found:
        print(f"No backups of {path.name} yet in {backups_folder(path)}")
        return EXIT_OK
    print(f"Backups of {path.name} in {backups_folder(path)}, newest first:")
    width = max(len(info.kind.value) for info in found)
    for info in found:
        taken = info.taken_at.strftime("%Y-%m-%d %H:%M")
        print(f"  {taken}  {info.kind.value.ljust(width)}  {info.size:>13,} bytes  {info.path.name}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from creditdesk.services.company.backups import BackupRefused, restore_backup

    try:
        summary = restore_backup(args.backup, args.to, current=path)
    except BackupRefused as exc:
        print(f"creditdesk: {args.backup.name} was not restored and nothing was written:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_USER_ERROR
    print(f"Restored {args.backup} into {summary.path}")
    print(f"  {summary.describe()}")
    print(f"Open it with: creditdesk --db {summary.path}")
    return EXIT_OK


def _write_pdf(target: Path, data: bytes, what: str) -> int:
    from creditdesk.services.company.output_files import write_atomically

    write_atomically(target, data)
    print(f"Wrote {what} to {target} ({len(data):,} bytes)")
    return EXIT_OK


def cmd_invoice_pdf(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from creditdesk.services.reports.invoice_print import invoice_id_by_number, invoice_pdf

    def action(db: Database) -> int:
        data = invoice_pdf(db, invoice_id_by_number(db, args.number))
        return _write_pdf(args.out, data, f"invoice {args.number.strip()}")

    return _with_db(path, action)


def cmd_statement(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from creditdesk.services.reports.statements import (
        StatementRequest,
        StatementStyle,
        client_id_for_code,
        statement_pdf,
    )

    request = StatementRequest(args.to or as_of, StatementStyle(args.style), args.period_start)

    def action(db: Database) -> int:
        data = statement_pdf(db, client_id_for_code(db, args.client), request)
        return _write_pdf(args.out, data, f"the statement of {args.client.strip()}")

    return _with_db(path, action)


def cmd_statements(args: argparse.Namespace, path: Path, as_of: date) -> int:
    import time

    from creditdesk.services.reports.batch_statements import (
        BatchRequest,
        clients_with_balance,
        write_statements,
    )
    from creditdesk.services.reports.statements import StatementRequest, StatementStyle

    start = time.perf_counter()
    choices = _with_db(path, lambda db: clients_with_balance(db, as_of))
    if not choices:
        print(f"No client has a balance on {as_of.isoformat()}; no statements written.")
        return EXIT_OK
    request = BatchRequest(
        db_path=path,
        client_ids=tuple(c.id for c in choices),
        statement=StatementRequest(as_of, StatementStyle(args.style)),
        out_dir=args.out_dir,
        combined=args.combined,
        workers=args.workers,
    )
    summary = write_statements(request)
    seconds = time.perf_counter() - start
    print(
        f"Wrote {summary.count:,} statements ({summary.total_bytes:,} bytes) to {args.out_dir} "
        f"in {seconds:.1f} s"
    )
    if summary.combined is not None:
        print(f"Combined into {summary.combined} ({summary.combined.stat().st_size:,} bytes)")
    return EXIT_OK


def cmd_letter(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from creditdesk.services.chasing.demand_letters import LetterKind, letter_pdf
    from creditdesk.services.reports.statements import client_id_for_code

    kind = LetterKind(args.kind)

    def action(db: Database) -> int:
        data = letter_pdf(db, client_id_for_code(db, args.client), as_of, kind)
        what = "final demand" if kind is LetterKind.FINAL_DEMAND else "reminder"
        return _write_pdf(args.out, data, f"the {what} to {args.client.strip()}")

    return _with_db(path, action)


def cmd_aged_debtors(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from creditdesk.services.reports.aged_debtors_print import aged_debtors_pdf

    def action(db: Database) -> int:
        data = aged_debtors_pdf(db, as_of, Basis(args.basis))
        return _write_pdf(args.out, data, f"the aged-debtors report as of {as_of.isoformat()}")

    return _with_db(path, action)


COMMANDS: dict[str, Command] = {
    "init": cmd_init,
    "import": cmd_import,
    "aging": cmd_aging,
    "export": cmd_export,
    "demo": cmd_demo,
    "check": cmd_check,
    "backup": cmd_backup,
    "backups": cmd_backups,
    "restore": cmd_restore,
    "invoice-pdf": cmd_invoice_pdf,
    "statement": cmd_statement,
    "statements": cmd_statements,
    "letter": cmd_letter,
    "aged-debtors": cmd_aged_debtors,
}


# --- reminders --------------------------------------------------------------------------------------


def _add_reminder_commands(sub: argparse._SubParsersAction[Parser]) -> None:
    reminders = sub.add_parser("reminders", help="plan, queue and send reminders to clients who owe money")
    actions = reminders.add_subparsers(
        dest="reminders_command", metavar="ACTION", parser_class=Parser, required=True
    )
    plan = actions.add_parser("plan", help="list the reminders due, queueing nothing")
    _add_as_of(plan)
    plan.add_argument("--format", choices=["table", "json"], default="table")
    queue = actions.add_parser(
        "queue", help="put the reminders due into the outbox: drafts to review, automatic stages approved"
    )
    _add_as_of(queue)
    _add_send_command(actions)


def cmd_reminders_plan(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from creditdesk.domain.formats import Formats
    from creditdesk.services.chasing.reminders import plan

    def action(db: Database) -> int:
        company = get_company(db)
        items = plan(db, as_of)
        if args.format == "json":
            document = {
                "as_of": as_of.isoformat(),
                "currency": company.currency,
                "reminders": [
                    {
                        "client_code": i.client_code,
                        "client_name": i.client_name,
                        "stage_key": i.stage_key,
                        "stage": i.stage_name,
                        "channel": i.channel.value,
                        "automatic": i.automatic,
                        "invoices": list(i.invoice_numbers),
                        "total": format_plain(i.total, company.exponent),
                        "fee": None if i.fee is None else format_plain(i.fee, company.exponent),
                        "recipient": i.recipient,
                        "dedupe_key": i.dedupe_key,
                    }
                    for i in items
                ],
            }
            json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            return EXIT_OK
        if not items:
            print(f"No reminders are due as of {as_of.isoformat()}.")
            return EXIT_OK
        formats = Formats(company.currency, company.locale, company.exponent)
        heads = ["Code", "Client", "Stage", "Channel", "Invoices", "Total", "Recipient"]
        body = [
            [
                i.client_code,
                _clip(i.client_name, 32),
                i.stage_name,
                i.channel.value,
                _clip(", ".join(i.invoice_numbers), 40),
                formats.amount(i.total),
                i.recipient,
            ]
            for i in items
        ]
        widths = [max(len(row[n]) for row in [heads, *body]) for n in range(len(heads))]
        noun = "reminder" if len(items) == 1 else "reminders"
        print(
            f"{company.name}: {len(items)} {noun} due as of {as_of.isoformat()}, totals in {company.currency}"
        )
        for row in [heads, ["-" * w for w in widths], *body]:
            cells = [
                c.rjust(w) if n == 5 else c.ljust(w) for n, (c, w) in enumerate(zip(row, widths, strict=True))
            ]
            print("  ".join(cells).rstrip())
        return EXIT_OK

    return _with_db(path, action)


def cmd_reminders_queue(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from creditdesk.services.chasing.reminders import queue

    def action(db: Database) -> int:
        print(queue(db, as_of).describe())
        return EXIT_OK

    return _with_db(path, action)


REMINDER_COMMANDS: dict[str, Command] = {
    "plan": cmd_reminders_plan,
    "queue": cmd_reminders_queue,
}


def cmd_reminders(args: argparse.Namespace, path: Path, as_of: date) -> int:
    return REMINDER_COMMANDS[args.reminders_command](args, path, as_of)


COMMANDS["reminders"] = cmd_reminders


# --- sending reminders and the mail account ---------------------------------------------------------

SEND_DESCRIPTION = (
    "Send every approved email reminder through your mail account, over one connection. Only approved "
    "messages are ever sent (drafts wait for review in the outbox); --approved-only spells that out and "
    "changes nothing. Letters and phone calls are never emailed. Exit code 1 when a message failed, the "
    "server refused the login or could not be reached."
)
PASSWORD_STDIN_HELP = (
    "read the mail password from the first line of standard input "
    "(for computers without a password store, or to use another one just this once)"
)


def _add_send_command(actions: argparse._SubParsersAction[Parser]) -> None:
    send = actions.add_parser("send", help="send the approved email reminders", description=SEND_DESCRIPTION)
    send.add_argument(
        "--approved-only", action="store_true", help="send approved messages only (what send always does)"
    )
    send.add_argument(
        "--as-of",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="send what was planned up to this day (default: today)",
    )
    send.add_argument("--password-stdin", action="store_true", help=PASSWORD_STDIN_HELP)


def _add_smtp_commands(sub: argparse._SubParsersAction[Parser]) -> None:
    smtp = sub.add_parser("smtp", help="set up and test the mail account reminders are sent from")
    actions = smtp.add_subparsers(dest="smtp_command", metavar="ACTION", parser_class=Parser, required=True)
    settings = actions.add_parser(
        "set",
        help="save the mail server settings (the password goes to the system keyring, never the file)",
    )
    settings.add_argument("--host", required=True, help="the mail server, e.g. smtp.example.com")
    settings.add_argument(
        "--port", type=positive_int, help="default: 587 for starttls, 465 for ssl, 25 for plain"
    )
    settings.add_argument(
        "--security",
        choices=["starttls", "ssl", "plain"],
        default="starttls",
        help="starttls (default) or ssl; plain only for a relay on this computer",
    )
    settings.add_argument("--username", default="", help="the login, often your email address")
    settings.add_argument("--from", dest="from_address", required=True, metavar="ADDRESS")
    settings.add_argument("--from-name", default="", metavar="NAME", help="e.g. your company's name")
    settings.add_argument("--reply-to", default="", metavar="ADDRESS")
    settings.add_argument("--bcc-me", action="store_true", help="send yourself a copy of every reminder")
    settings.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    test = actions.add_parser("test", help="send a short test message and show the server's answer")
    test.add_argument("--to", required=True, metavar="ADDRESS")
    test.add_argument("--password-stdin", action="store_true", help=PASSWORD_STDIN_HELP)


def _password_from_stdin() -> str:
    """The first line of standard input; never echoed, never put into a message."""
    from creditdesk.domain.errors import ValidationError

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise ValidationError("--password-stdin was given but standard input held no password")
    return password


CLI_NO_KEYRING = (
    "No password store (keyring) was found on this computer, so the password was not saved: give it with "
    "--password-stdin each time you run 'creditdesk reminders send' or 'creditdesk smtp test'."
)


def cmd_smtp_set(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from creditdesk.services.chasing.mail_account import (
        USUAL_PORTS,
        PasswordPlace,
        Security,
        SmtpForm,
        password_for,
        save_smtp_settings,
    )

    security = Security(args.security)
    form = SmtpForm(
        host=args.host,
        port=args.port or USUAL_PORTS[security],
        security=security,
        username=args.username,
        from_name=args.from_name,
        from_address=args.from_address,
        reply_to=args.reply_to,
        bcc_me=args.bcc_me,
    )
    password = _password_from_stdin() if args.password_stdin else None

    def action(db: Database) -> int:
        saved = save_smtp_settings(db, form, password)
        config = form.config()
        login = f" as {config.username}" if config.username else " without a login"
        print(f"Saved the email settings: {config.security.value} to {config.host}:{config.port}{login}")
        for warning in saved.warnings:
            print(f"Warning: {warning.message}")
        if saved.password_place is PasswordPlace.MEMORY:
            print(CLI_NO_KEYRING)
        elif saved.password_place is not None:
            print(saved.password_message)
        elif config.username and password_for(config) is None:
            print(f"No password is saved for {config.username} yet: run this again with --password-stdin")
        return EXIT_OK

    return _with_db(path, action)


def cmd_smtp_test(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from creditdesk.services.chasing import mail_account

    password = _password_from_stdin() if args.password_stdin else None

    def action(db: Database) -> int:
        reply = mail_account.test_email(db, args.to, password)
        print(f"Test message sent to {args.to.strip()}; the server answered: {reply}")
        return EXIT_OK

    return _with_db(path, action)


def cmd_reminders_send(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from datetime import datetime

    from creditdesk.domain.errors import ValidationError
    from creditdesk.services.chasing.mail_account import password_for, smtp_form
    from creditdesk.services.chasing.sending import approved_email_ids, describe, send_approved

    typed = _password_from_stdin() if args.password_stdin else None

    def action(db: Database) -> int:
        password = typed
        form = smtp_form(db)
        if password is None and form is not None and form.username:
            password = password_for(form.config())
            if password is None and approved_email_ids(db, as_of):
                raise ValidationError(
                    f"no password is saved for {form.username} on this computer; save it with "
                    "'creditdesk smtp set … --password-stdin' or give it to this command "
                    "with --password-stdin"
                )
        summary = send_approved(db, as_of=as_of, now=lambda: datetime.now().astimezone(), password=password)
        if summary.ok:
            print(describe(summary))
            return EXIT_OK
        print(f"creditdesk: {describe(summary)}", file=sys.stderr)
        return EXIT_USER_ERROR

    return _with_db(path, action)


REMINDER_COMMANDS["send"] = cmd_reminders_send
SMTP_COMMANDS: dict[str, Command] = {"set": cmd_smtp_set, "test": cmd_smtp_test}


def cmd_smtp(args: argparse.Namespace, path: Path, as_of: date) -> int:
    return SMTP_COMMANDS[args.smtp_command](args, path, as_of)


COMMANDS["smtp"] = cmd_smtp


# --- the credit-control workflow: the Today list and the cash forecast -------------------------------


def _add_workflow_commands(sub: argparse._SubParsersAction[Parser]) -> None:
    today = sub.add_parser(
        "today",
        help="list what needs a person today: follow-ups, promises, calls, disputes, limits, instalments",
    )
    _add_as_of(today)
    today.add_argument("--format", choices=["table", "json"], default="table")
    forecast = sub.add_parser("forecast", help="expected receipts per week, from each client's way of paying")
    forecast.add_argument(
        "--weeks",
        type=forecast_weeks,
        default=13,
        help=f"how many weeks (default 13, at most {MAX_FORECAST_WEEKS})",
    )
    _add_as_of(forecast)
    forecast.add_argument("--format", choices=["table", "json"], default="table")


def _print_rows(heads: list[str], body: list[list[str]], right: frozenset[int] = frozenset()) -> None:
    widths = [max(len(row[n]) for row in [heads, *body]) for n in range(len(heads))]
    for row in [heads, ["-" * w for w in widths], *body]:
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [c.rjust(w) if n in right else c.ljust(w) for n, (c, w) in pairs]
        print("  ".join(cells).rstrip())


def cmd_today(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from creditdesk.services.chasing.today import today

    def action(db: Database) -> int:
        items = today(db, as_of)
        if args.format == "json":
            document = {
                "as_of": as_of.isoformat(),
                "items": [
                    {
                        "kind": i.kind.value,
                        "client_code": i.client_code,
                        "client_name": i.client_name,
                        "text": i.text,
                        "due_date": i.due_date.isoformat(),
                        "actions": [a.value for a in i.actions],
                    }
                    for i in items
                ],
            }
            json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            return EXIT_OK
        if not items:
            print(f"Nothing needs doing as of {as_of.isoformat()}.")
            return EXIT_OK
        noun = "item" if len(items) == 1 else "items"
        print(f"{get_company(db).name}: {len(items)} {noun} for {as_of.isoformat()}")
        body = [
            [
                i.due_date.isoformat(),
                i.kind.value.replace("_", " "),
                i.client_code,
                _clip(i.client_name, 28),
                i.text,
            ]
            for i in items
        ]
        _print_rows(["Due", "Kind", "Code", "Client", "What"], body)
        return EXIT_OK

    return _with_db(path, action)


def cmd_forecast(args: argparse.Namespace, path: Path, as_of: date) -> int:
    from creditdesk.domain.formats import Formats
    from creditdesk.services.reports.forecast import forecast

    def action(db: Database) -> int:
        company = get_company(db)
        result = forecast(db, as_of, args.weeks)

        def plain(value: Decimal) -> str:
            return format_plain(value, company.exponent)

        if args.format == "json":
            document = {
                "as_of": as_of.isoformat(),
                "currency": company.currency,
                "weeks": [
                    {
                        "start": w.start.isoformat(),
                        "end": w.end.isoformat(),
                        "expected": plain(w.expected),
                        "invoices": w.invoice_count,
                    }
                    for w in result.weeks
                ],
                "later": plain(result.later),
                "rolled_over": plain(result.rolled_over),
                "total": plain(result.total),
            }
            json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            return EXIT_OK
        formats = Formats(company.currency, company.locale, company.exponent)
        print(
            f"{company.name}: expected receipts for {len(result.weeks)} weeks from {as_of.isoformat()}, "
            f"in {company.currency}"
        )
        body = [
            [f"{w.start} to {w.end}", formats.amount(w.expected), str(w.invoice_count)] for w in result.weeks
        ]
        body.append(["Later", formats.amount(result.later), ""])
        body.append(["Total open", formats.amount(result.total), ""])
        _print_rows(["Week", "Expected", "Invoices"], body, frozenset({1, 2}))
        if result.rolled_over:
            late = formats.amount(result.rolled_over)
            print(f"The first week includes {late} that was expected before {as_of.isoformat()}.")
        return EXIT_OK

    return _with_db(path, action)


COMMANDS["today"] = cmd_today
COMMANDS["forecast"] = cmd_forecast


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
