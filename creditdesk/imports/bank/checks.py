"""The checks every bank file passes, whatever its format: one account, one currency, balances that add up.

A file may hold several statements of the account (an MT940 file of daily
statements, a CAMT file of several ``Stmt``): each is checked against its
own stated balances, then they are joined into one ``BankStatement``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from creditdesk.domain.bank import BankStatement, BankTransaction
from creditdesk.imports.problems import Problem


class StatementProblem(Exception):
    """Raised inside a reader to stop at the first thing that makes the file unusable."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def stop(message: str, *, line: int = 0, element: str | None = None) -> StatementProblem:
    return StatementProblem(Problem(line, message, element=element))


@dataclass
class Part:
    """One statement of the file as read, before the checks."""

    line: int  # where it starts, for messages (0 in XML)
    element: str | None  # or the XML element it is
    account_iban: str
    account: str
    currency: str  # the account's currency as stated, "" when the statement names none
    entries: list[BankTransaction] = field(default_factory=list)
    opening: Decimal | None = None
    closing: Decimal | None = None
    statement_date: date | None = None


def joined(
    format_name: str,
    parts: list[Part],
    *,
    empty: str = "the file holds no statement; export the statement again from your bank",
) -> BankStatement:
    """The parts as one statement, after checking each of them; raises ``StatementProblem``.

    ``empty`` is what to tell the user when the file holds no statement at all.
    """
    if not parts:
        raise stop(empty)
    accounts = list(dict.fromkeys(part.account_iban or part.account for part in parts))
    if len(accounts) > 1:
        listed = ", ".join(accounts)
        raise stop(f"the file holds statements of several accounts ({listed}); export one account per file")
    currencies = []
    for part in parts:
        currency = _currency(part)
        if currency:
            currencies.append(currency)
        _check_balances(part)
    found = list(dict.fromkeys(currencies))
    if len(found) > 1:
        raise stop(
            f"the file has entries in more than one currency ({', '.join(found)}); "
            "CreditDesk reads a statement of one account in one currency"
        )
    first, last = parts[0], parts[-1]
    return BankStatement(
        format=format_name,
        account_iban=first.account_iban,
        currency=found[0] if found else "",
        transactions=tuple(entry for part in parts for entry in part.entries),
        opening_balance=first.opening,
        closing_balance=last.closing,
        statement_date=last.statement_date,
        account=first.account,
    )


def _currency(part: Part) -> str:
    """The part's one currency; an entry in another is refused."""
    currency = part.currency
    for entry in part.entries:
        if not currency:
            currency = entry.currency
        elif entry.currency != currency:
            raise StatementProblem(
                Problem(
                    entry.line,
                    f"this entry is in {entry.currency} but the statement is in {currency}; "
                    "CreditDesk reads a statement of one account in one currency",
                    element=None if entry.line else part.element,
                )
            )
    return currency


def _check_balances(part: Part) -> None:
    if part.opening is None or part.closing is None:
        return
    moved = sum((entry.amount for entry in part.entries), Decimal(0))
    if part.opening + moved != part.closing:
        raise StatementProblem(
            Problem(
                part.line,
                f"the opening balance {part.opening:f} and the entries ({moved:f}) make "
                f"{part.opening + moved:f}, but the statement states a closing balance of {part.closing:f}; "
                "the file is incomplete or damaged, so export it again from your bank",
                element=part.element,
            )
        )
