"""The errors CreditDesk raises for people to read.

Every message is written for the user: what was wrong and, where it helps,
how to put it right. Only the UI turns these into dialogs and only the CLI
into a one-line message, so they never carry tracebacks.
"""

from __future__ import annotations

from collections.abc import Sequence


class CreditDeskError(Exception):
    """Base of every error a user may see."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(CreditDeskError):
    """A value the user gave is not acceptable (a form field, an argument)."""


class FieldError(ValidationError):
    """A form value is not acceptable, and ``field`` names which one, so a form can mark it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(CreditDeskError):
    """Something the user named does not exist."""


class LedgerError(CreditDeskError):
    """An action would break a rule of the ledger (over-allocation and the like)."""


class ChangedElsewhere(CreditDeskError):
    """A form was read before someone else saved a change to the same record."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} was changed by someone else since you opened it; nothing was saved. "
            "Close this form and open it again to see their change, then make yours."
        )


class DatabaseError(CreditDeskError):
    """The company file cannot be opened or used as asked."""


class ImportRefused(CreditDeskError):
    """A whole file was refused; ``problems`` lists every bad line."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{source}: nothing was imported; {count} {noun} found")
        self.source = source
        self.problems = tuple(problems)
