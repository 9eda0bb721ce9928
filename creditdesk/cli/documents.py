"""Documents printed to PDF files: invoice-pdf, statement, statements, letter and aged-debtors."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from creditdesk.cli.parsing import Subcommands, add_as_of, add_basis, iso_date, positive_int
from creditdesk.cli.running import EXIT_OK, with_db
from creditdesk.domain.aging import Basis
from creditdesk.services.company.company_file import Database
from creditdesk.services.company.locations import BooksPlace, file_only

PDF_OUT_HELP = "the PDF file to write (replaced if it already exists)"
# The values of documents.model.StatementStyle (re-exported by services.reports.statements), written
# out so that building the parser does not load the PDF code.
STYLES = ("activity", "open-items")


def _add_pdf_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help=PDF_OUT_HELP)


def _write_pdf(target: Path, data: bytes, what: str) -> int:
    from creditdesk.services.company.output_files import write_atomically

    write_atomically(target, data)
    print(f"Wrote {what} to {target} ({len(data):,} bytes)")
    return EXIT_OK


def add_invoice_pdf(sub: Subcommands) -> None:
    invoice = sub.add_parser("invoice-pdf", help="print one invoice to a PDF file")
    invoice.add_argument("number", metavar="NUMBER", help="the invoice number, e.g. INV-00012")
    _add_pdf_out(invoice)
    invoice.set_defaults(run=cmd_invoice_pdf)


def cmd_invoice_pdf(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    from creditdesk.services.reports.invoice_print import invoice_id_by_number, invoice_pdf

    def action(db: Database) -> int:
        data = invoice_pdf(db, invoice_id_by_number(db, args.number))
        return _write_pdf(args.out, data, f"invoice {args.number.strip()}")

    return with_db(path, action)


def add_statement(sub: Subcommands) -> None:
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
    _add_pdf_out(statement)
    statement.set_defaults(run=cmd_statement)


def cmd_statement(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
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

    return with_db(path, action)


def add_statements(sub: Subcommands) -> None:
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
    batch.set_defaults(run=cmd_statements)


def cmd_statements(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    import time

    from creditdesk.services.reports.batch_statements import (
        BatchRequest,
        clients_with_balance,
        write_statements,
    )
    from creditdesk.services.reports.statements import StatementRequest, StatementStyle

    start = time.perf_counter()
    choices = with_db(path, lambda db: clients_with_balance(db, as_of))
    if not choices:
        print(f"No client has a balance on {as_of.isoformat()}; no statements written.")
        return EXIT_OK
    request = BatchRequest(
        db_path=file_only(path, "Writing statements in parallel"),
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


def add_letter(sub: Subcommands) -> None:
    letter = sub.add_parser("letter", help="print a reminder letter or final demand to a PDF file")
    letter.add_argument("client", metavar="CLIENT_CODE")
    letter.add_argument("--kind", choices=["reminder", "final-demand"], default="reminder")
    add_as_of(letter)
    _add_pdf_out(letter)
    letter.set_defaults(run=cmd_letter)


def cmd_letter(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    from creditdesk.services.chasing.demand_letters import LetterKind, letter_pdf
    from creditdesk.services.reports.statements import client_id_for_code

    kind = LetterKind(args.kind)

    def action(db: Database) -> int:
        data = letter_pdf(db, client_id_for_code(db, args.client), as_of, kind)
        what = "final demand" if kind is LetterKind.FINAL_DEMAND else "reminder"
        return _write_pdf(args.out, data, f"the {what} to {args.client.strip()}")

    return with_db(path, action)


def add_aged_debtors(sub: Subcommands) -> None:
    aged = sub.add_parser("aged-debtors", help="print the aged-debtors report to a PDF file")
    add_as_of(aged)
    add_basis(aged)
    _add_pdf_out(aged)
    aged.set_defaults(run=cmd_aged_debtors)


def cmd_aged_debtors(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    from creditdesk.services.reports.aged_debtors_print import aged_debtors_pdf

    def action(db: Database) -> int:
        data = aged_debtors_pdf(db, as_of, Basis(args.basis))
        return _write_pdf(args.out, data, f"the aged-debtors report as of {as_of.isoformat()}")

    return with_db(path, action)
