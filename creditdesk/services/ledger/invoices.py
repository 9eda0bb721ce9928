"""Raising invoices: drafts, issuing, voiding, and the credit checks around them.

A draft carries a placeholder number (``DRAFT-<id>``) and takes the next number
of the company's series only when it is issued, so deleting a draft never
leaves a gap among issued invoices. An issued invoice is never deleted: it is
voided (its money goes back on account) or credited.

Issuing (``save_invoice`` with an issued status, ``issue_invoice``) is where a
person decides to let new work through: over the credit limit or to a client
on hold it needs an ``Override`` (who and why), written on the client's
timeline in the same transaction. ``create_invoice`` records invoices that
exist already (set-up, imports, interest) and applies no credit check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from creditdesk.domain.errors import LedgerError, NotFoundError, ValidationError
from creditdesk.domain.formats import Formats
from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus, InvoiceTotals, invoice_totals
from creditdesk.domain.money import currency_exponent, from_minor, to_minor
from creditdesk.domain.ranges import MAX_AMOUNT_TEXT, amount_in_range, check_amount, check_date
from creditdesk.domain.terms import resolve_due_date
from creditdesk.domain.validation import check_code, check_text
from creditdesk.services.clients.records import client_terms
from creditdesk.services.company.settings import company_in
from creditdesk.services.ledger.credit_control import Override, record_override_in
from creditdesk.services.ledger.invoice_list import draft_placeholder
from creditdesk.services.row_versions import refuse_if_changed
from creditdesk.store.activity import log_activity
from creditdesk.store.database import Database
from creditdesk.store.dialect import dialect_of
from creditdesk.store.models import Activity, AllocationRow, Client, Company, Invoice, InvoiceLineRow
from creditdesk.store.queries.ledger import client_exposure
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)
DESCRIPTION_MAX_LENGTH = 1000
REFERENCE_MAX_LENGTH = 100
VOID_REASON_MAX_LENGTH = 200


@dataclass(frozen=True)
class InvoiceInput:
    client_id: int
    issue_date: date
    lines: Sequence[InvoiceLine]
    due_date: date | None = None  # None: from the client's terms
    number: str | None = None  # None: the company's next number (a placeholder for a draft)
    reference: str = ""
    notes: str = ""
    status: InvoiceStatus = InvoiceStatus.ISSUED
    # The draft's version when the form was read (None: no check); not one of its details.
    version: int | None = field(default=None, compare=False)


def formats_of(company: Company) -> Formats:
    return Formats(company.currency, company.locale, currency_exponent(company.currency))


def next_invoice_number(session: Session, company: Company) -> str:
    """The next free number in the company's series (skipping numbers taken by imports)."""
    while True:
        number = f"{company.invoice_prefix}{company.invoice_next_number:0{company.invoice_number_digits}d}"
        company.invoice_next_number += 1
        if session.scalar(select(Invoice.id).where(Invoice.number == number)) is None:
            return number


def invoice_number_taken(session: Session, number: str, except_id: int | None = None) -> bool:
    query = select(Invoice.id).where(Invoice.number == number)
    if except_id is not None:
        query = query.where(Invoice.id != except_id)
    return session.scalar(query) is not None


def _fill(session: Session, invoice: Invoice, client: Client, data: InvoiceInput, exponent: int) -> None:
    """Client, dates, lines and totals of ``invoice`` from ``data`` (new or draft alike)."""
    if not data.lines:
        raise ValidationError("an invoice needs at least one line")
    check_date(data.issue_date, field="the issue date")
    due = check_date(
        resolve_due_date(data.issue_date, data.due_date, client_terms(session, client)), field="the due date"
    )
    for pos, line in enumerate(data.lines, start=1):
        check_amount(line.unit_price, field=f"line {pos}'s unit price")
        check_amount(line.quantity * line.unit_price, field=f"line {pos}'s amount")
    totals = invoice_totals(data.lines, exponent)
    check_amount(totals.gross, field="the invoice's total")
    invoice.client_id = client.id
    invoice.issue_date = data.issue_date
    invoice.due_date = due
    invoice.reference = check_text(data.reference, field="reference", max_length=REFERENCE_MAX_LENGTH)
    invoice.notes = data.notes
    invoice.net = to_minor(totals.net, exponent)
    invoice.tax = to_minor(totals.tax, exponent)
    invoice.gross = to_minor(totals.gross, exponent)
    invoice.lines = [
        InvoiceLineRow(
            position=pos,
            description=check_text(
                line.description, field=f"line {pos} description", max_length=DESCRIPTION_MAX_LENGTH
            ),
            quantity=line.quantity,
            unit_price=to_minor(line.unit_price, exponent),
            tax_rate=line.tax_rate,
        )
        for pos, line in enumerate(data.lines, start=1)
    ]


def _checked_number(session: Session, number: str, except_id: int | None = None) -> str:
    number = check_code(number, field="invoice number", max_length=40)
    if invoice_number_taken(session, number, except_id):
        raise ValidationError(f"invoice number '{number}' is already used")
    return number


def create_invoice_in(session: Session, data: InvoiceInput) -> Invoice:
    company = company_in(session)
    client = session.get(Client, data.client_id)
    if client is None:
        raise ValidationError("choose a client for the invoice")
    invoice = Invoice(currency=company.currency, status=data.status.value)
    _fill(session, invoice, client, data, currency_exponent(company.currency))
    if data.number is not None:
        invoice.number = _checked_number(session, data.number)
    elif data.status is InvoiceStatus.DRAFT:
        invoice.id = int(session.scalar(select(func.max(Invoice.id))) or 0) + 1
        invoice.number = draft_placeholder(invoice.id)
    else:
        invoice.number = next_invoice_number(session, company)
    session.add(invoice)
    session.flush()
    if data.number is None and data.status is InvoiceStatus.DRAFT:
        conn = session.connection()
        dialect_of(conn).after_explicit_ids(conn, Invoice.__table__)  # type: ignore[arg-type]
    if data.status is InvoiceStatus.ISSUED:
        _log_issued(session, invoice)
    return invoice


def create_invoice(db: Database, data: InvoiceInput) -> int:
    with UnitOfWork(db, write=True) as uow:
        invoice = create_invoice_in(uow.session, data)
        uow.commit()
        return invoice.id


def _log_issued(session: Session, invoice: Invoice) -> None:
    log_activity(
        session, invoice.client_id, "invoice", f"Invoice {invoice.number} issued", invoice_id=invoice.id
    )


def _invoice(session: Session, invoice_id: int) -> Invoice:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFoundError("this invoice no longer exists; it may have been deleted in another window")
    return invoice


def _draft(session: Session, invoice_id: int, doing: str) -> Invoice:
    invoice = _invoice(session, invoice_id)
    if invoice.status != InvoiceStatus.DRAFT.value:
        raise LedgerError(
            f"invoice {invoice.number} is already {invoice.status}, so it cannot be {doing}; "
            "void it or issue a credit note instead"
        )
    return invoice


def _invoiceable(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise ValidationError("choose a client for the invoice")
    if client.archived:
        raise LedgerError(f"{client.name} is archived; bring the client back before invoicing them")
    return client


def _issue(session: Session, invoice: Invoice, company: Company) -> None:
    if invoice.number == draft_placeholder(invoice.id):
        invoice.number = next_invoice_number(session, company)
    invoice.status = InvoiceStatus.ISSUED.value
    session.flush()
    _log_issued(session, invoice)


def save_invoice(
    db: Database,
    data: InvoiceInput,
    invoice_id: int | None = None,
    *,
    as_of: date | None = None,
    override: Override | None = None,
) -> int:
    """Save a new invoice or change a draft; ``data.status`` says whether it is issued now.

    The invoice dialog's one write: a draft edited and issued, with the override
    of a credit warning if there is one, is one transaction. Issuing over the
    limit or on hold without ``override`` raises ``OverrideRequired`` and writes
    nothing. The credit position is taken ``as_of`` (None: the issue date).
    """
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        client = _invoiceable(session, data.client_id)
        if data.status is InvoiceStatus.VOID:
            raise ValidationError("an invoice is saved as a draft or issued; void it with 'Void'")
        company = company_in(session)
        formats = formats_of(company)
        position = None  # what the client owed before this invoice, when it is issued now
        if data.status is InvoiceStatus.ISSUED:
            when = data.issue_date if as_of is None else as_of
            position = _position_in(session, client, when, formats.exponent)
        if invoice_id is None:
            invoice = create_invoice_in(session, data)
        else:
            invoice = _draft(session, invoice_id, "changed")
            refuse_if_changed(invoice, data.version)
            _fill(session, invoice, client, data, formats.exponent)
            if data.number is not None and data.number != invoice.number:
                invoice.number = _checked_number(session, data.number, except_id=invoice.id)
            if data.status is InvoiceStatus.ISSUED:
                _issue(session, invoice, company)
        if position is not None:
            _confirm_credit(session, client, position, invoice, override, formats)
        uow.commit()
        return invoice.id


def issue_invoice(
    db: Database, invoice_id: int, as_of: date | None = None, *, override: Override | None = None
) -> str:
    """Issue a draft as it stands; returns the number it was given.

    Over the credit limit or to a client on hold it needs ``override``, noted on
    the client's timeline in the same transaction; without one it raises
    ``OverrideRequired`` and writes nothing. The credit position is taken
    ``as_of`` (None: the invoice's issue date), as in ``save_invoice``.
    """
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        invoice = _draft(session, invoice_id, "issued again")
        client = _invoiceable(session, invoice.client_id)
        company = company_in(session)
        formats = formats_of(company)
        when = invoice.issue_date if as_of is None else as_of
        position = _position_in(session, client, when, formats.exponent)
        _issue(session, invoice, company)
        _confirm_credit(session, client, position, invoice, override, formats)
        uow.commit()
        return invoice.number


def delete_draft(db: Database, invoice_id: int) -> None:
    """Delete a draft (an issued invoice is voided instead, never deleted)."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        invoice = _draft(session, invoice_id, "deleted")
        session.execute(update(Activity).where(Activity.invoice_id == invoice.id).values(invoice_id=None))
        session.delete(invoice)
        uow.commit()


def void_invoice(db: Database, invoice_id: int, reason: str = "") -> Decimal:
    """Void an issued invoice: it leaves the aging and any money applied to it goes back on account.

    Returns the money that went back on account. The client's timeline says so.
    """
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        company = company_in(session)
        formats = formats_of(company)
        invoice = _invoice(session, invoice_id)
        if invoice.status == InvoiceStatus.DRAFT.value:
            raise LedgerError(f"{invoice.number} is a draft; delete it rather than void it")
        if invoice.status == InvoiceStatus.VOID.value:
            raise LedgerError(f"invoice {invoice.number} is already void")
        why = check_text(reason, field="the reason", max_length=VOID_REASON_MAX_LENGTH)
        allocations = session.scalars(
            select(AllocationRow).where(AllocationRow.invoice_id == invoice.id)
        ).all()
        returned = from_minor(sum(a.amount for a in allocations), formats.exponent)
        for allocation in allocations:
            session.delete(allocation)
        invoice.status = InvoiceStatus.VOID.value
        gross = from_minor(invoice.gross, formats.exponent)
        text = f"Invoice {invoice.number} for {formats.money(gross)} voided"
        if returned > ZERO:
            text += f"; {formats.money(returned)} applied to it went back on account"
        if why:
            text += f". Reason: {why}"
        log_activity(session, invoice.client_id, "void", text, invoice_id=invoice.id)
        uow.commit()
        return returned


# --- credit checks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditPosition:
    """What a client owes now (less money on account) against the limit set for them."""

    client_id: int
    name: str
    owed: Decimal
    credit_limit: Decimal | None  # None: no limit
    on_hold: bool


class OverrideRequired(LedgerError):
    """Issuing would go over the credit limit or to a client on hold: someone must confirm it.

    ``warnings`` are the sentences to show the person before they confirm.
    """

    def __init__(self, warnings: Sequence[str]) -> None:
        self.warnings = tuple(warnings)
        said = " ".join(self.warnings)
        super().__init__(
            f"this invoice needs a confirmed override before it is issued. {said} "
            "Say who decided to issue it anyway, and why."
        )


def _position_in(session: Session, client: Client, as_of: date, exponent: int) -> CreditPosition:
    owed = from_minor(client_exposure(session.connection(), client.id, as_of), exponent)
    limit = None if client.credit_limit is None else from_minor(client.credit_limit, exponent)
    return CreditPosition(client.id, client.name, owed, limit, client.on_hold)


def credit_position(db: Database, client_id: int, as_of: date) -> CreditPosition:
    with UnitOfWork(db) as uow:
        session = uow.session
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError("this client no longer exists")
        return _position_in(session, client, as_of, currency_exponent(company_in(session).currency))


def _confirm_credit(
    session: Session,
    client: Client,
    before: CreditPosition,
    invoice: Invoice,
    override: Override | None,
    formats: Formats,
) -> None:
    """The credit rule of issuing ``invoice``, inside the transaction that issues it.

    ``before`` is what the client owed without it. When a warning applies, the
    override is noted on the timeline, or ``OverrideRequired`` is raised and the
    caller's transaction rolls back. With no warning nothing is noted, even if
    an override was given: there was nothing to override.
    """
    warnings = credit_warnings_for(before, from_minor(invoice.gross, formats.exponent), formats)
    if not warnings:
        return
    if override is None:
        raise OverrideRequired(warnings)
    record_override_in(session, client, override, invoice=invoice)


def credit_warnings_for(position: CreditPosition, extra_amount: Decimal, formats: Formats) -> list[str]:
    """Why one might think twice before invoicing ``extra_amount`` more: a warning, never a block."""
    warnings = []
    if position.on_hold:
        warnings.append(f"{position.name} is on hold: new work for them usually waits until they have paid.")
    limit = position.credit_limit
    after = position.owed + extra_amount
    if limit is not None and after > limit:
        over = formats.money(after - limit)
        if extra_amount > ZERO:
            warnings.append(
                f"This invoice takes {position.name} to {formats.money(after)}, {over} over "
                f"their credit limit of {formats.money(limit)}."
            )
        else:
            warnings.append(
                f"{position.name} already owes {formats.money(after)}, {over} over "
                f"their credit limit of {formats.money(limit)}."
            )
    return warnings


def credit_warnings(db: Database, client_id: int, extra_amount: Decimal, as_of: date) -> list[str]:
    """Warnings for invoicing ``extra_amount`` more to a client on ``as_of`` (over limit, on hold)."""
    with UnitOfWork(db) as uow:
        formats = formats_of(company_in(uow.session))
    return credit_warnings_for(credit_position(db, client_id, as_of), extra_amount, formats)


# --- reading the invoice form as people type ---------------------------------------------------


@dataclass(frozen=True)
class LineText:
    """One invoice line as typed, before it is read."""

    description: str = ""
    quantity: str = ""
    unit_price: str = ""
    tax_rate: str = ""

    def is_blank(self) -> bool:
        return not any(v.strip() for v in (self.description, self.quantity, self.unit_price, self.tax_rate))


@dataclass(frozen=True)
class FormProblem:
    """One thing wrong with a form: which field (and line), and what to do about it."""

    field: str  # "client", "due_date", "reference", "lines", or a line's "description", "quantity", ...
    message: str
    line: int | None = None  # 0-based row of the lines table


@dataclass(frozen=True)
class InvoiceForm:
    lines: tuple[InvoiceLine, ...]  # the lines that read correctly; blank lines are left out
    rows: tuple[int, ...]  # the row of the form each of those lines came from
    totals: InvoiceTotals  # of those lines, so the totals follow every keystroke
    problems: tuple[FormProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_number(text: str, locale: str, *, field: str) -> Decimal:
    """A quantity or a rate typed the locale's way (``2,5`` in Germany); a trailing % is allowed."""
    cleaned = text.strip().removesuffix("%").strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        raise ValidationError(f"{field} is empty")
    try:
        value = Decimal(parse_decimal(cleaned, locale=locale, strict=True))
    except NumberFormatError:
        raise ValidationError(f"{field} '{text.strip()}' is not a number") from None
    if not value.is_finite():
        raise ValidationError(f"{field} '{text.strip()}' is not a number")
    return value


def format_number(value: Decimal, locale: str) -> str:
    """A quantity or rate as the form shows it: no grouping, no trailing zeros (``2.5``, ``20``)."""
    return str(
        format_decimal(value.normalize(), locale=locale, decimal_quantization=False, group_separator=False)
    )


_FIELD_OF_MESSAGE = (("quantity", "quantity"), ("unit price", "unit_price"), ("tax rate", "tax_rate"))


def read_invoice_form(
    client_id: int | None,
    issue_date: date,
    due_date: date,
    reference: str,
    lines: Sequence[LineText],
    formats: Formats,
) -> InvoiceForm:
    """Every problem of an invoice form, and the lines and totals read so far.

    The same rules the save applies, plus what a person must give on a form
    (a description on each line); blank lines are ignored.
    """
    problems: list[FormProblem] = []
    if client_id is None:
        problems.append(FormProblem("client", "choose the client to invoice"))
    if due_date < issue_date:
        problems.append(
            FormProblem("due_date", f"the due date {formats.day(due_date)} is before the issue date")
        )
    if len(reference.strip()) > REFERENCE_MAX_LENGTH:
        problems.append(
            FormProblem("reference", f"the reference is longer than {REFERENCE_MAX_LENGTH} characters")
        )
    read: list[InvoiceLine] = []
    rows: list[int] = []
    for row, text in enumerate(lines):
        if text.is_blank():
            continue
        line, problem = _read_line(row, text, formats)
        if line is not None:
            read.append(line)
            rows.append(row)
        if problem is not None:
            problems.append(problem)
    if not read and not any(p.line is not None for p in problems):
        problems.append(FormProblem("lines", "add at least one line: what is being invoiced"))
    totals = invoice_totals(read, formats.exponent)
    if not amount_in_range(totals.gross):
        problems.append(
            FormProblem("lines", f"the invoice's total is larger than CreditDesk accepts ({MAX_AMOUNT_TEXT})")
        )
    return InvoiceForm(tuple(read), tuple(rows), totals, tuple(problems))


def _read_line(row: int, text: LineText, formats: Formats) -> tuple[InvoiceLine | None, FormProblem | None]:
    name = f"line {row + 1}"
    try:
        quantity = parse_number(text.quantity, formats.locale, field="quantity")
    except ValidationError as exc:
        return None, FormProblem("quantity", f"{name}: {exc.message}", row)
    try:
        price = formats.parse_amount(text.unit_price, field="unit price")
    except ValidationError as exc:
        return None, FormProblem("unit_price", f"{name}: {exc.message}", row)
    try:
        rate = parse_number(text.tax_rate or "0", formats.locale, field="tax rate")
    except ValidationError as exc:
        return None, FormProblem("tax_rate", f"{name}: {exc.message}", row)
    try:
        line = InvoiceLine(text.description.strip(), quantity, price, rate)
    except ValidationError as exc:
        field = next((f for start, f in _FIELD_OF_MESSAGE if exc.message.startswith(start)), "quantity")
        return None, FormProblem(field, f"{name}: {exc.message}", row)
    try:
        check_amount(quantity * price, field="the line's amount")
    except ValidationError as exc:
        return None, FormProblem("quantity", f"{name}: {exc.message}", row)
    if not line.description:
        return line, FormProblem("description", f"{name}: describe what is being invoiced", row)
    if len(line.description) > DESCRIPTION_MAX_LENGTH:
        return line, FormProblem(
            "description", f"{name}: the description is longer than {DESCRIPTION_MAX_LENGTH} characters", row
        )
    return line, None
