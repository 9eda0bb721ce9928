"""Clients, invoices, payments and the aged debts as CSV files for spreadsheets.

Files are UTF-8 with a byte-order mark, which is how Excel recognises UTF-8
(without it, accented names come out garbled); the importer reads them back.
Amounts are plain decimals with a point and the currency's places, dates ISO.
Text cells that a spreadsheet would run as a formula are made inert. An
export replaces the named file only once it is completely written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creditdesk.domain.aging import AgingReport, Basis, bucket_keys
from creditdesk.domain.errors import ValidationError
from creditdesk.domain.invoice import InvoiceStatus, invoice_state
from creditdesk.domain.money import currency_exponent, format_plain, from_minor
from creditdesk.services.company.settings import company_in, terms_of
from creditdesk.services.imports.csv_io import replacing_file, write_csv
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database
from creditdesk.store.models import AllocationRow, Client, Invoice, Payment, PaymentTermsRow
from creditdesk.store.unit_of_work import UnitOfWork

__all__ = [
    "CLIENT_FIELDS",
    "INVOICE_FIELDS",
    "PAYMENT_FIELDS",
    "aging_fields",
    "aging_records",
    "export_aging",
    "export_clients",
    "export_invoices",
    "export_payments",
    "write_csv",
]

# The first five are the import's columns, so an exported file can be imported elsewhere.
CLIENT_FIELDS = (
    "code",
    "name",
    "email",
    "terms_days",
    "credit_limit",
    "terms",
    "contact_name",
    "phone",
    "address",
    "on_hold",
    "do_not_chase",
    "archived",
    "notes",
)
INVOICE_FIELDS = (
    "number",
    "client_code",
    "client_name",
    "issue_date",
    "due_date",
    "reference",
    "status",
    "disputed",
    "net",
    "tax",
    "gross",
    "open",
    "days_overdue",
)
PAYMENT_FIELDS = ("client_code", "date", "amount", "method", "reference", "allocated", "on_account")


def _minor(units: int, exponent: int) -> str:
    return format_plain(from_minor(units, exponent), exponent)


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _target(db: Database, path: Path | str) -> Path:
    target = Path(path).expanduser()
    company_file = db.path.resolve()
    sidecars = {company_file.with_name(company_file.name + suffix) for suffix in ("-wal", "-shm", "-journal")}
    if target.resolve() in {company_file, *sidecars}:
        raise ValidationError(f"{target} is the company file itself; choose another name for the export")
    return target


def _exponent(session: Session) -> int:
    return currency_exponent(company_in(session).currency)


def export_clients(db: Database, path: Path | str) -> int:
    """Every client, archived ones included; returns the number of rows written."""
    target = _target(db, path)
    with UnitOfWork(db) as uow:
        exponent = _exponent(uow.session)
        rows = uow.session.execute(
            select(Client, PaymentTermsRow)
            .join(PaymentTermsRow, PaymentTermsRow.id == Client.terms_id)
            .order_by(Client.code)
        )

        def records() -> Iterator[dict[str, str]]:
            for client, terms in rows:
                yield {
                    "code": client.code,
                    "name": client.name,
                    "email": client.email,
                    "terms_days": str(terms.days),
                    "credit_limit": ""
                    if client.credit_limit is None
                    else _minor(client.credit_limit, exponent),
                    "terms": terms_of(terms).describe(),
                    "contact_name": client.contact_name,
                    "phone": client.phone,
                    "address": client.address,
                    "on_hold": _yes_no(client.on_hold),
                    "do_not_chase": _yes_no(client.do_not_chase),
                    "archived": _yes_no(client.archived),
                    "notes": client.notes,
                }

        with replacing_file(target) as stream:
            return write_csv(records(), stream, fieldnames=CLIENT_FIELDS)


def export_invoices(db: Database, path: Path | str, as_of: date) -> int:
    """Invoices issued by ``as_of`` with what was open on them that day (as the aging counts it).

    ``status`` is the invoice's state on ``as_of`` (draft, void, paid,
    disputed, overdue or open); drafts and void invoices have nothing open.
    """
    target = _target(db, path)
    with UnitOfWork(db) as uow:
        exponent = _exponent(uow.session)
        paid = (
            select(AllocationRow.invoice_id, func.sum(AllocationRow.amount).label("paid"))
            .where(AllocationRow.date <= as_of)
            .group_by(AllocationRow.invoice_id)
            .subquery()
        )
        statement = (
            select(
                Invoice.number,
                Client.code,
                Client.name,
                Invoice.issue_date,
                Invoice.due_date,
                Invoice.reference,
                Invoice.status,
                Invoice.disputed,
                Invoice.net,
                Invoice.tax,
                Invoice.gross,
                func.coalesce(paid.c.paid, 0),
            )
            .join(Client, Client.id == Invoice.client_id)
            .outerjoin(paid, paid.c.invoice_id == Invoice.id)
            .where(Invoice.issue_date <= as_of)
            .order_by(Invoice.issue_date, Invoice.id)
        )
        rows = uow.session.connection().execute(statement)

        def records() -> Iterator[dict[str, str]]:
            for (
                number,
                code,
                name,
                issued,
                due,
                reference,
                status,
                disputed,
                net,
                tax,
                gross,
                applied,
            ) in rows:
                stored = InvoiceStatus(status)
                open_units = gross - int(applied) if stored is InvoiceStatus.ISSUED else 0
                open_amount = from_minor(open_units, exponent)
                overdue = max(0, (as_of - due).days) if open_units > 0 else 0
                yield {
                    "number": number,
                    "client_code": code,
                    "client_name": name,
                    "issue_date": issued.isoformat(),
                    "due_date": due.isoformat(),
                    "reference": reference,
                    "status": invoice_state(stored, open_amount, due, disputed, as_of).value,
                    "disputed": _yes_no(disputed),
                    "net": _minor(net, exponent),
                    "tax": _minor(tax, exponent),
                    "gross": _minor(gross, exponent),
                    "open": format_plain(open_amount, exponent),
                    "days_overdue": str(overdue),
                }

        with replacing_file(target) as stream:
            return write_csv(records(), stream, fieldnames=INVOICE_FIELDS)


def export_payments(db: Database, path: Path | str) -> int:
    """Every payment with what has been applied to invoices so far and what is still on account."""
    target = _target(db, path)
    with UnitOfWork(db) as uow:
        exponent = _exponent(uow.session)
        applied = (
            select(AllocationRow.payment_id, func.sum(AllocationRow.amount).label("applied"))
            .where(AllocationRow.payment_id.is_not(None))
            .group_by(AllocationRow.payment_id)
            .subquery()
        )
        statement = (
            select(
                Client.code,
                Payment.date,
                Payment.amount,
                Payment.method,
                Payment.reference,
                func.coalesce(applied.c.applied, 0),
            )
            .join(Client, Client.id == Payment.client_id)
            .outerjoin(applied, applied.c.payment_id == Payment.id)
            .order_by(Payment.date, Payment.id)
        )
        rows = uow.session.connection().execute(statement)

        def records() -> Iterator[dict[str, str]]:
            for code, paid_on, amount, method, reference, allocated in rows:
                yield {
                    "client_code": code,
                    "date": paid_on.isoformat(),
                    "amount": _minor(amount, exponent),
                    "method": method,
                    "reference": reference,
                    "allocated": _minor(int(allocated), exponent),
                    "on_account": _minor(amount - int(allocated), exponent),
                }

        with replacing_file(target) as stream:
            return write_csv(records(), stream, fieldnames=PAYMENT_FIELDS)


def aging_fields(basis: Basis) -> tuple[str, ...]:
    """Column names of ``aging_records`` rows, in order (the header even when nobody owes anything)."""
    return ("client_code", "client_name", *bucket_keys(basis), "unallocated", "total")


def aging_records(report: AgingReport, exponent: int) -> list[dict[str, str]]:
    """One row per client of the report, amounts as plain text with the currency's places.

    ``unallocated`` is money on account, negative as in the report; ``total``
    is the buckets plus it. The CLI's CSV and JSON output use these rows too.
    """
    keys = report.bucket_keys
    records = []
    for row in report.rows:
        record = {"client_code": row.client_code, "client_name": row.client_name}
        for key, value in zip(keys, row.buckets, strict=True):
            record[key] = format_plain(value, exponent)
        record["unallocated"] = format_plain(row.unallocated, exponent)
        record["total"] = format_plain(row.total, exponent)
        records.append(record)
    return records


def export_aging(db: Database, path: Path | str, as_of: date, basis: Basis = Basis.DUE) -> int:
    """The aged-debt report as the Aging tab and the CLI show it; one row per client."""
    target = _target(db, path)
    report = run_aging(db, as_of, basis)
    with UnitOfWork(db) as uow:
        exponent = _exponent(uow.session)
    with replacing_file(target) as stream:
        return write_csv(aging_records(report, exponent), stream, fieldnames=aging_fields(basis))
