"""Importing clients from CSV files.

A file is taken whole or not at all. Every row is checked first (against the
file itself and against what is already stored, looked up once, not per row);
if any row is bad, every bad row is reported with its line number and nothing
is written. Only then are the rows written through the same services the
window uses, in one unit of work, so the house rules apply exactly as they do
for a row typed in by hand.
A dry run does all of that and rolls back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from creditdesk.domain.errors import CreditDeskError, ImportRefused, ValidationError
from creditdesk.domain.money import currency_exponent, parse_amount
from creditdesk.domain.terms import PaymentTerms
from creditdesk.domain.validation import check_code, check_email, check_text
from creditdesk.services.clients.records import ClientInput, add_client_in
from creditdesk.services.imports.common import ImportSummary, ensure_import_company
from creditdesk.services.imports.csv_io import Record, read_table
from creditdesk.store.database import Database
from creditdesk.store.models import Client, Company
from creditdesk.store.unit_of_work import UnitOfWork

P = ParamSpec("P")
T = TypeVar("T")
Plan = TypeVar("Plan")

ZERO = Decimal(0)
DEFAULT_TERMS_DAYS = 30
MAX_TERMS_DAYS = 3650

CLIENT_COLUMNS = (("code", "name"), ("email", "terms_days", "credit_limit"))

_WHOLE_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class _Outcome:
    count: int
    total: Decimal | None = None
    allocated: Decimal | None = None
    on_account: Decimal | None = None


class _Problems:
    """Bad lines found so far, reported in file order."""

    def __init__(self, initial: Sequence[tuple[int, str]] = ()) -> None:
        self._items: list[tuple[int, int, str]] = []
        for line, message in initial:
            self.add(line, message)

    def add(self, line: int, message: str) -> None:
        self._items.append((line, len(self._items), f"line {line}: {message}"))

    def __bool__(self) -> bool:
        return bool(self._items)

    def lines(self) -> list[str]:
        return [text for _, _, text in sorted(self._items)]


class _Row:
    """Checks of one record's fields; every failure is recorded, not just the first."""

    def __init__(self, record: Record, problems: _Problems) -> None:
        self.record = record
        self.problems = problems
        self.ok = True

    def take(self, default: T, check: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return check(*args, **kwargs)
        except CreditDeskError as exc:
            self.problem(exc.message)
            return default

    def problem(self, message: str) -> None:
        self.problems.add(self.record.line, message)
        self.ok = False

    def cell(self, column: str) -> str:
        return self.record.get(column)


def _terms_days(text: str) -> int:
    value = text.strip()
    if not value:
        return DEFAULT_TERMS_DAYS
    if not _WHOLE_NUMBER.fullmatch(value) or int(value) > MAX_TERMS_DAYS:
        raise ValidationError(
            f"terms_days '{text}' must be a whole number of days from 0 to {MAX_TERMS_DAYS}"
        )
    return int(value)


def _credit_limit(text: str, exponent: int) -> Decimal | None:
    if not text.strip():
        return None
    amount = parse_amount(text, exponent, field="credit_limit")
    if amount < ZERO:
        raise ValidationError(f"credit_limit '{text}' cannot be negative")
    return amount


def _company(session: Session) -> tuple[Company, bool]:
    """The file's company, made as ``ensure_company`` would if there is none (same transaction)."""
    company = session.get(Company, 1)
    if company is not None:
        return company, False
    return ensure_import_company(session), True


def _run(
    db: Database,
    path: Path | str,
    kind: str,
    columns: tuple[tuple[str, ...], tuple[str, ...]],
    check: Callable[[Session, Sequence[Record], int, _Problems], Plan],
    write: Callable[[Session, Plan, _Problems], _Outcome],
    dry_run: bool,
) -> ImportSummary:
    path = Path(path)
    table = read_table(path, *columns)
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        company, created = _company(session)
        exponent = currency_exponent(company.currency)
        problems = _Problems(table.problems)
        plan = check(session, table.records, exponent, problems)
        if problems:
            raise ImportRefused(path.name, problems.lines())
        outcome = write(session, plan, problems)
        if problems:
            raise ImportRefused(path.name, problems.lines())
        session.flush()
        if not dry_run:
            uow.commit()
        currency = company.currency
    return ImportSummary(
        kind,
        path.name,
        outcome.count,
        dry_run,
        currency,
        exponent,
        outcome.total,
        outcome.allocated,
        outcome.on_account,
        created,
    )


def _write_each(rows: Sequence[tuple[int, T]], problems: _Problems, action: Callable[[T], object]) -> None:
    """Write rows one by one; a service's refusal becomes a problem on that row's line.

    The services refuse before adding anything, so the rows after a refused one
    can still be tried and their problems reported too. A database constraint
    failure leaves the session unusable, so it ends the run.
    """
    for line, item in rows:
        try:
            action(item)
        except CreditDeskError as exc:
            problems.add(line, exc.message)
        except IntegrityError as exc:
            problems.add(line, f"the database refused this row ({exc.orig})")
            return


# --- clients ---------------------------------------------------------------------------


def import_clients(db: Database, path: Path | str, *, dry_run: bool = False) -> ImportSummary:
    """Clients from ``code,name,email,terms_days,credit_limit`` (only code and name required)."""
    return _run(db, path, "clients", CLIENT_COLUMNS, _check_clients, _write_clients, dry_run)


def _check_clients(
    session: Session, records: Sequence[Record], exponent: int, problems: _Problems
) -> list[tuple[int, ClientInput]]:
    stored = set(session.scalars(select(Client.code)))
    first_seen: dict[str, int] = {}
    plan = []
    for record in records:
        row = _Row(record, problems)
        code = row.take("", check_code, row.cell("code"), field="code")
        name = row.take("", check_text, row.cell("name"), field="name", required=True, max_length=200)
        email = row.take("", check_email, row.cell("email"), field="email")
        days = row.take(DEFAULT_TERMS_DAYS, _terms_days, row.cell("terms_days"))
        limit = row.take(None, _credit_limit, row.cell("credit_limit"), exponent)
        if code in stored:
            row.problem(f"client code '{code}' already exists")
        elif code in first_seen:
            row.problem(f"client code '{code}' is repeated (first on line {first_seen[code]})")
        elif code:
            first_seen[code] = record.line
        if row.ok:
            client = ClientInput(code, name, email, terms=PaymentTerms(days), credit_limit=limit)
            plan.append((record.line, client))
    return plan


def _write_clients(session: Session, plan: list[tuple[int, ClientInput]], problems: _Problems) -> _Outcome:
    _write_each(plan, problems, lambda data: add_client_in(session, data))
    return _Outcome(len(plan))
