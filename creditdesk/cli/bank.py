"""``creditdesk bank``: the bank entries waiting for a person, worked through without the window."""

from __future__ import annotations

import argparse
from datetime import date

from creditdesk.cli.output import clip, print_table
from creditdesk.cli.parsing import Parser, Subcommands, positive_int
from creditdesk.cli.running import EXIT_OK, with_db
from creditdesk.domain.formats import Formats
from creditdesk.services.bank.entries import (
    BankEntryView,
    assign_entry,
    confirm_entries,
    ignore_entries,
    list_bank_entries,
    undo_entry,
)
from creditdesk.services.bank.reasons import reason_text
from creditdesk.services.company.company_file import Database
from creditdesk.services.company.locations import BooksPlace
from creditdesk.services.company.settings import get_company
from creditdesk.services.reports.statements import client_id_for_code

WAITING = "waiting"
STATUSES = (WAITING, "suggested", "unmatched", "applied", "linked", "ignored", "all")


def add_bank(sub: Subcommands) -> None:
    bank = sub.add_parser("bank", help="the payments read from bank statements: list, confirm, assign, undo")
    actions = bank.add_subparsers(dest="bank_command", metavar="ACTION", parser_class=Parser, required=True)
    listing = actions.add_parser("list", help="list bank entries (default: those waiting for you)")
    listing.add_argument(
        "--status", choices=STATUSES, default=WAITING, help="which entries (default: waiting)"
    )
    listing.set_defaults(run=cmd_bank_list)
    confirm = actions.add_parser("confirm", help="record the payment each suggestion proposes")
    confirm.add_argument("ids", nargs="+", type=positive_int, metavar="ID")
    confirm.set_defaults(run=cmd_bank_confirm)
    assign = actions.add_parser("assign", help="say which client paid an entry; its payer is remembered")
    assign.add_argument("id", type=positive_int, metavar="ID")
    assign.add_argument("client", metavar="CLIENT_CODE")
    assign.add_argument("--forget", action="store_true", help="do not remember the payer for next time")
    assign.set_defaults(run=cmd_bank_assign)
    ignore = actions.add_parser("ignore", help="set entries aside that are not customer payments")
    ignore.add_argument("ids", nargs="+", type=positive_int, metavar="ID")
    ignore.set_defaults(run=cmd_bank_ignore)
    undo = actions.add_parser("undo", help="take back what was done with an entry (its payment goes)")
    undo.add_argument("id", type=positive_int, metavar="ID")
    undo.set_defaults(run=cmd_bank_undo)


def _shown(entries: list[BankEntryView], status: str) -> list[BankEntryView]:
    if status == WAITING:
        return [e for e in entries if e.status in ("suggested", "unmatched")]
    return entries if status == "all" else [e for e in entries if e.status == status]


def cmd_bank_list(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    def action(db: Database) -> int:
        company = get_company(db)
        entries = _shown(list_bank_entries(db), args.status)
        if not entries:
            print("No bank entries are waiting." if args.status == WAITING else "No bank entries to list.")
            return EXIT_OK
        formats = Formats(company.currency, company.locale, company.exponent)
        body = [
            [
                str(e.id),
                e.booked.isoformat(),
                formats.amount(e.amount),
                clip(e.payer_name, 28),
                clip(e.text, 36),
                e.status,
                clip(e.client_name, 24),
                clip(e.invoices, 24),
                reason_text(e.reason),
            ]
            for e in entries
        ]
        heads = ["ID", "Booked", "Amount", "Payer", "Text", "Status", "Client", "Invoices", "Why"]
        print(f"Bank entries, amounts in {company.currency}:")
        print_table(body, heads, right={0, 2})
        return EXIT_OK

    return with_db(path, action)


def cmd_bank_confirm(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    def action(db: Database) -> int:
        count = confirm_entries(db, args.ids)
        print("Confirmed 1 bank entry." if count == 1 else f"Confirmed {count} bank entries.")
        return EXIT_OK

    return with_db(path, action)


def cmd_bank_assign(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    def action(db: Database) -> int:
        client_id = client_id_for_code(db, args.client)
        assign_entry(db, args.id, client_id, remember=not args.forget)
        print(f"Bank entry {args.id} recorded as a payment from {args.client}.")
        return EXIT_OK

    return with_db(path, action)


def cmd_bank_ignore(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    def action(db: Database) -> int:
        count = ignore_entries(db, args.ids)
        print("Ignored 1 bank entry." if count == 1 else f"Ignored {count} bank entries.")
        return EXIT_OK

    return with_db(path, action)


def cmd_bank_undo(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    def action(db: Database) -> int:
        undo_entry(db, args.id)
        print(f"Bank entry {args.id} is waiting again; what was recorded for it is gone.")
        return EXIT_OK

    return with_db(path, action)
