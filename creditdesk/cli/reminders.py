"""Reminders to clients who owe money: reminders plan, queue and send."""

from __future__ import annotations

import argparse
from datetime import date

from creditdesk.cli.mail import add_password_stdin, password_from_stdin
from creditdesk.cli.output import clip, print_json, print_table
from creditdesk.cli.parsing import Parser, Subcommands, add_as_of, add_format, iso_date
from creditdesk.cli.running import EXIT_OK, fail, with_db
from creditdesk.domain.money import format_plain
from creditdesk.services.company.company_file import Database
from creditdesk.services.company.locations import BooksPlace
from creditdesk.services.company.settings import get_company

SEND_DESCRIPTION = (
    "Send every approved email reminder through your mail account, over one connection. Only approved "
    "messages are ever sent (drafts wait for review in the outbox); --approved-only spells that out and "
    "changes nothing. Letters and phone calls are never emailed. Exit code 1 when a message failed, the "
    "server refused the login or could not be reached."
)


def add_reminders(sub: Subcommands) -> None:
    reminders = sub.add_parser("reminders", help="plan, queue and send reminders to clients who owe money")
    actions = reminders.add_subparsers(
        dest="reminders_command", metavar="ACTION", parser_class=Parser, required=True
    )
    plan = actions.add_parser("plan", help="list the reminders due, queueing nothing")
    add_as_of(plan)
    add_format(plan, "table", "json")
    plan.set_defaults(run=cmd_reminders_plan)
    queue = actions.add_parser(
        "queue", help="put the reminders due into the outbox: drafts to review, automatic stages approved"
    )
    add_as_of(queue)
    queue.set_defaults(run=cmd_reminders_queue)
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
    add_password_stdin(send)
    send.set_defaults(run=cmd_reminders_send)


def cmd_reminders_plan(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    from creditdesk.domain.formats import Formats
    from creditdesk.services.chasing.reminders import plan

    def action(db: Database) -> int:
        company = get_company(db)
        items = plan(db, as_of)
        if args.format == "json":
            print_json(
                {
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
            )
            return EXIT_OK
        if not items:
            print(f"No reminders are due as of {as_of.isoformat()}.")
            return EXIT_OK
        formats = Formats(company.currency, company.locale, company.exponent)
        body = [
            [
                i.client_code,
                clip(i.client_name, 32),
                i.stage_name,
                i.channel.value,
                clip(", ".join(i.invoice_numbers), 40),
                formats.amount(i.total),
                i.recipient,
            ]
            for i in items
        ]
        noun = "reminder" if len(items) == 1 else "reminders"
        print(
            f"{company.name}: {len(items)} {noun} due as of {as_of.isoformat()}, totals in {company.currency}"
        )
        print_table(body, ["Code", "Client", "Stage", "Channel", "Invoices", "Total", "Recipient"], right={5})
        return EXIT_OK

    return with_db(path, action)


def cmd_reminders_queue(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    from creditdesk.services.chasing.reminders import queue

    def action(db: Database) -> int:
        print(queue(db, as_of).describe())
        return EXIT_OK

    return with_db(path, action)


def cmd_reminders_send(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    from datetime import datetime

    from creditdesk.domain.errors import ValidationError
    from creditdesk.services.chasing.mail_account import password_for, smtp_form
    from creditdesk.services.chasing.sending import approved_email_ids, describe, send_approved

    typed = password_from_stdin() if args.password_stdin else None

    def action(db: Database) -> int:
        password = typed
        form = smtp_form(db)
        if password is None and form is not None and form.username and not form.sign_in.oauth:
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
        return fail(describe(summary))

    return with_db(path, action)
