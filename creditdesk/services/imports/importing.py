"""Importing payments from CSV files (clients and invoices have readers of their own).

A file is taken whole or not at all. Every row is checked first (against the
file itself and against what is already stored, looked up once, not per row);
if any row is bad, every bad row is reported with its line number and nothing
is written. Only then are the rows written through the same services the
window uses, in one unit of work, so the house rules (due dates from terms,
oldest-first allocation) apply exactly as they do for a row typed in by hand.
A dry run does all of that and rolls back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from creditdesk.domain.errors import CreditDeskError, ImportRefused, ValidationError
from creditdesk.domain.invoice import InvoiceStatus
from creditdesk.domain.money import currency_exponent, parse_amount
from creditdesk.domain.ranges import check_date
from creditdesk.domain.validation import check_text
from creditdesk.services.imports.common import ImportSummary, ensure_import_company
from creditdesk.services.imports.csv_io import Record, read_table
from creditdesk.services.ledger.payments import PaymentInput, record_payment_in
from creditdesk.store.database import Database
from creditdesk.store.models import Client, Company, Invoice, PaymentTermsRow
from creditdesk.store.unit_of_work import UnitOfWork

P = ParamSpec("P")
T = TypeVar("T")
Plan = TypeVar("Plan")

ZERO = Decimal(0)

PAYMENT_COLUMNS = (("client_code", "date", "amount"), ("reference", "invoice_number"))

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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


def _parse_date(text: str, *, field: str) -> date:
    value = text.strip()
    if not value:
        raise ValidationError(f"{field} is required")
    if _ISO_DATE.fullmatch(value):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return check_date(parsed, field=field)
    raise ValidationError(f"{field} '{text}' is not a date")


def _optional_date(text: str, *, field: str) -> date | None:
    return _parse_date(text, field=field) if text.strip() else None


def _positive_amount(text: str, exponent: int, *, field: str = "amount") -> Decimal:
    if not text.strip():
        raise ValidationError(f"{field} is required")
    amount = parse_amount(text, exponent, field=field)
    if amount <= ZERO:
        raise ValidationError(f"{field} '{text}' must be more than zero")
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


def _hold(session: Session, client_ids: Collection[int], invoice_ids: Collection[int] = ()) -> list[object]:
    """Load the rows the services will ask for, and keep them referenced.

    A Session only holds rows weakly, so without this every ``session.get``
    of a client (and its terms) in the services would be a query again.
    """
    held: list[object] = list(session.scalars(select(PaymentTermsRow)))
    held.extend(_chunked(session, Client, client_ids))
    held.extend(_chunked(session, Invoice, invoice_ids))
    return held


def _chunked(session: Session, model: type[Client] | type[Invoice], ids: Collection[int]) -> list[object]:
    found: list[object] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        found.extend(session.scalars(select(model).where(model.id.in_(ordered[start : start + 500]))))
    return found


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


# --- payments --------------------------------------------------------------------------


def import_payments(db: Database, path: Path | str, *, dry_run: bool = False) -> ImportSummary:
    """Payments from ``client_code,date,amount,reference,invoice_number``.

    Applied in date order, then file order, each by the house rules: to the
    invoice it names up to its open amount, otherwise oldest first; the rest
    stays on account.
    """
    return _run(db, path, "payments", PAYMENT_COLUMNS, _check_payments, _write_payments, dry_run)


def _check_payments(
    session: Session, records: Sequence[Record], exponent: int, problems: _Problems
) -> list[tuple[int, PaymentInput]]:
    clients = dict(session.execute(select(Client.code, Client.id)).all())
    codes = {client_id: code for code, client_id in clients.items()}
    invoices = {
        number: (invoice_id, client_id, status)
        for number, invoice_id, client_id, status in session.execute(
            select(Invoice.number, Invoice.id, Invoice.client_id, Invoice.status)
        )
    }
    plan = []
    for record in records:
        row = _Row(record, problems)
        client_code = row.take("", check_text, row.cell("client_code"), field="client_code", required=True)
        paid_on = row.take(None, _parse_date, row.cell("date"), field="date")
        amount = row.take(ZERO, _positive_amount, row.cell("amount"), exponent)
        reference = row.take("", check_text, row.cell("reference"), field="reference", max_length=100)
        client_id = clients.get(client_code)
        if client_code and client_id is None:
            row.problem(f"client_code '{client_code}' is not a known client")
        invoice_id = None
        number = row.cell("invoice_number")
        if number:
            found = invoices.get(number)
            if found is None:
                row.problem(f"invoice_number '{number}' does not exist")
            else:
                invoice_id, owner_id, status = found
                if client_id is not None and owner_id != client_id:
                    owner = codes[owner_id]
                    row.problem(f"invoice_number '{number}' belongs to client '{owner}', not '{client_code}'")
                if status != InvoiceStatus.ISSUED.value:
                    state = "a draft" if status == InvoiceStatus.DRAFT.value else status
                    row.problem(f"invoice_number '{number}' is {state}; money cannot be applied to it")
        if row.ok and client_id is not None and paid_on is not None:
            data = PaymentInput(client_id, paid_on, amount, reference=reference, invoice_id=invoice_id)
            plan.append((record.line, data))
    # Money is applied in the order it arrived; same-day payments keep the file's order.
    plan.sort(key=lambda item: (item[1].date, item[0]))
    return plan


def _write_payments(session: Session, plan: list[tuple[int, PaymentInput]], problems: _Problems) -> _Outcome:
    named = {data.invoice_id for _, data in plan if data.invoice_id is not None}
    held = _hold(session, {data.client_id for _, data in plan}, named)
    allocated = on_account = ZERO

    def record(data: PaymentInput) -> None:
        nonlocal allocated, on_account
        receipt = record_payment_in(session, data)
        allocated += receipt.result.allocated
        on_account += receipt.result.on_account

    _write_each(plan, problems, record)
    del held
    total = sum((data.amount for _, data in plan), ZERO)
    return _Outcome(len(plan), total=total, allocated=allocated, on_account=on_account)
