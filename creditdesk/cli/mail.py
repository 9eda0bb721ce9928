"""The mail account reminders are sent from: smtp set and smtp test, and the password they take."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from creditdesk.cli.parsing import Parser, Subcommands, positive_int
from creditdesk.cli.running import EXIT_OK, with_db
from creditdesk.services.company.company_file import Database
from creditdesk.services.company.locations import BooksPlace

PASSWORD_STDIN_HELP = (
    "read the mail password from the first line of standard input "
    "(for computers without a password store, or to use another one just this once)"
)
CLI_NO_KEYRING = (
    "No password store (keyring) was found on this computer, so the password was not saved: give it with "
    "--password-stdin each time you run 'creditdesk reminders send' or 'creditdesk smtp test'."
)


def add_password_stdin(parser: argparse.ArgumentParser, help: str = PASSWORD_STDIN_HELP) -> None:
    parser.add_argument("--password-stdin", action="store_true", help=help)


def password_from_stdin() -> str:
    """The first line of standard input; never echoed, never put into a message."""
    from creditdesk.domain.errors import ValidationError

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise ValidationError("--password-stdin was given but standard input held no password")
    return password


def add_smtp(sub: Subcommands) -> None:
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
    add_password_stdin(settings, help="read the password from the first line of standard input")
    settings.set_defaults(run=cmd_smtp_set)
    test = actions.add_parser("test", help="send a short test message and show the server's answer")
    test.add_argument("--to", required=True, metavar="ADDRESS")
    add_password_stdin(test)
    test.set_defaults(run=cmd_smtp_test)


def cmd_smtp_set(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
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
    password = password_from_stdin() if args.password_stdin else None

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

    return with_db(path, action)


def cmd_smtp_test(args: argparse.Namespace, path: BooksPlace, as_of: date) -> int:
    from creditdesk.services.chasing import mail_account

    password = password_from_stdin() if args.password_stdin else None

    def action(db: Database) -> int:
        reply = mail_account.test_email(db, args.to, password)
        print(f"Test message sent to {args.to.strip()}; the server answered: {reply}")
        return EXIT_OK

    return with_db(path, action)
