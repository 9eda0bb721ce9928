"""The argument parser's pieces: a parser whose mistakes exit 1, argument types and shared options."""

from __future__ import annotations

import argparse
from datetime import date
from typing import NoReturn, TypeAlias

from creditdesk.cli.running import EXIT_USER_ERROR
from creditdesk.domain.aging import Basis
from creditdesk.domain.errors import CreditDeskError
from creditdesk.domain.ranges import check_date


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is a user error like any other (exit 1, one line)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USER_ERROR, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


# What a command group adds its sub-commands to.
Subcommands: TypeAlias = "argparse._SubParsersAction[Parser]"


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


def add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help="report date (default: today)")


BASIS_HELP = "age by days past due (default) or days since the invoice date"


def add_basis(parser: argparse.ArgumentParser, help: str | None = BASIS_HELP) -> None:
    parser.add_argument("--basis", choices=[b.value for b in Basis], default=Basis.DUE.value, help=help)


def add_format(parser: argparse.ArgumentParser, *formats: str) -> None:
    """``--format``, its first choice the default."""
    parser.add_argument("--format", choices=list(formats), default=formats[0])
