"""Importing payments received (CreditDesk's own export or a spreadsheet): a checked plan, then a bulk write.

The file is read into checked records (``creditdesk.imports.payments``) and
compared with the books: every client and named invoice is looked up, and
every problem is reported with its line and field; a file with any problem
writes nothing. A payment already in the books (same client, date, amount
and reference) is counted as already recorded and not doubled, so importing
a file twice changes nothing.

Money is applied as ``record_payment_in`` applies a payment typed in by hand,
in date order and then file order: to the invoice the payer named up to its
open amount, otherwise oldest first, the rest on account; a payment that
earns an early-payment discount gets the same credit note. The allocations
are worked out in memory by the domain's rules (``OpenBook``,
``discount_applies``) and written with executemany in one transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditdesk.domain.allocation import Allocation, OpenBook, OpenInvoice
from creditdesk.domain.discounts import discount_applies
from creditdesk.domain.errors import ImportRefused, ValidationError
from creditdesk.domain.invoice import InvoiceStatus
from creditdesk.domain.money import currency_exponent, from_minor
from creditdesk.domain.ranges import check_amount, check_date
from creditdesk.domain.terms import PaymentTerms
from creditdesk.imports.clients import ClientIndex, KnownClient
from creditdesk.imports.formats import FormatChoices
from creditdesk.imports.mapping import ColumnMapping, Field
from creditdesk.imports.memory import collection_paused
from creditdesk.imports.payment_presets import PAYMENT_SOURCE_KEYS as PAYMENT_SOURCE_KEYS
from creditdesk.imports.payments import PaymentRead, PaymentRecord, read_payments
from creditdesk.imports.problems import Problem, sorted_problems
from creditdesk.services.company.settings import terms_of
from creditdesk.services.imports.common import (
    BooksChanged,
    ImportSummary,
    ensure_import_company,
    replanning,
)
from creditdesk.services.imports.watch import Steps, WriteWatch
from creditdesk.services.ledger.payments import (
    EARLY_PAYMENT_DISCOUNT_REASON,
    METHOD_MAX_LENGTH,
    REFERENCE_MAX_LENGTH,
    take_credit_note_number,
)
from creditdesk.store.activity import on_day
from creditdesk.store.bulk import BulkWriter
from creditdesk.store.database import Database
from creditdesk.store.models import (
    Activity,
    AllocationRow,
    Client,
    Company,
    CreditNote,
    Payment,
    PaymentTermsRow,
)
from creditdesk.store.queries.imports import (
    BooksMark,
    books_mark,
    numbered_invoices,
    owed_invoices,
    stored_clients,
    stored_payments,
)
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)


@dataclass(frozen=True)
class PaymentImportOptions:
    source: str | ColumnMapping = "auto"
    choices: FormatChoices = field(default_factory=FormatChoices)


class PlannedPayment(NamedTuple):
    line: int
    client_id: int
    date: date
    amount: Decimal
    method: str
    reference: str
    invoice_id: int | None  # the invoice the payer named


@dataclass(frozen=True)
class PaymentPlan:
    """What importing the file would record; nothing is written until ``apply_payment_plan``."""

    path: Path
    read: PaymentRead
    currency: str
    exponent: int
    payments: tuple[PlannedPayment, ...]  # new to the books, in the order they are applied
    already_recorded: tuple[int, ...]  # the lines of payments the books hold already
    problems: tuple[Problem, ...]
    books: BooksMark | None = None  # where the books stood when it was made

    @property
    def ready(self) -> bool:
        return not self.problems and not self.read.questions

    @property
    def total(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), ZERO)

    @property
    def rows_to_write(self) -> int:
        """About how many rows writing it sends: each payment and (at least) one allocation of it."""
        return 2 * len(self.payments)

    def describe(self) -> str:
        """What the import does, as counts after their labels (one wording for one and for many)."""
        counts = [
            ("new payments", len(self.payments)),
            ("already recorded", len(self.already_recorded)),
            ("problems", len(self.problems) + len(self.read.questions)),
        ]
        return "; ".join(f"{label}: {count}" for label, count in counts)


@dataclass(frozen=True)
class PaymentOutcome:
    """Where the money went (or, in a dry run, would go)."""

    allocated: Decimal
    on_account: Decimal
    discounts: int  # early-payment discounts credited


def plan_payment_import(db: Database, path: Path | str, options: PaymentImportOptions) -> PaymentPlan:
    """Read ``path`` and check it against the books; raises ``ImportRefused`` only for an unusable file."""
    path = Path(path)
    with UnitOfWork(db) as uow:
        company = uow.session.get(Company, 1)
        currency = company.currency if company is not None else "EUR"
        choices = options.choices
        if choices.locale is None and company is not None and company.locale:
            choices = choices.with_locale(company.locale)
        read = read_payments(path, source=options.source, choices=choices, currency=currency)
        if isinstance(read, Problem):
            raise ImportRefused(path.name, [str(read)])
        return _Planner(uow.session, path, read, currency).plan(books_mark(uow.session.connection()))


def refuse_unless_ready(plan: PaymentPlan) -> None:
    lines = [str(problem) for problem in plan.problems]
    lines += [
        f"{question} (give it with --date-format or --number-format)" for question in plan.read.questions
    ]
    if lines:
        raise ImportRefused(plan.path.name, lines)


def import_payment_file(
    db: Database, path: Path | str, options: PaymentImportOptions, *, dry_run: bool = False
) -> tuple[PaymentPlan, PaymentOutcome]:
    """Plan and, if nothing is wrong, write it (a dry run works out the same and writes nothing)."""
    with collection_paused():
        return replanning(
            lambda: plan_payment_import(db, path, options),
            refuse_unless_ready,
            lambda planned: apply_payment_plan(db, planned, dry_run=dry_run),
        )


def import_payments(
    db: Database,
    path: Path | str,
    *,
    options: PaymentImportOptions | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Import (or, dry, check) a file of payments and say what was done in one line."""
    with UnitOfWork(db) as uow:
        had_company = uow.session.get(Company, 1) is not None
    plan, outcome = import_payment_file(db, path, options or PaymentImportOptions(), dry_run=dry_run)
    counts = [("already recorded", len(plan.already_recorded))]
    if outcome.discounts:
        counts.append(("early-payment discounts", outcome.discounts))
    return ImportSummary(
        "payments",
        plan.path.name,
        len(plan.payments),
        dry_run,
        plan.currency,
        plan.exponent,
        total=plan.total,
        allocated=outcome.allocated,
        on_account=outcome.on_account,
        company_created=not had_company,
        counts=tuple(counts),
    )


class _Planner:
    def __init__(self, session: Session, path: Path, read: PaymentRead, currency: str) -> None:
        self.path = path
        self.read = read
        self.currency = currency
        self.exponent = currency_exponent(currency)
        self.problems: list[Problem] = list(read.problems)
        conn = session.connection()
        clients = stored_clients(conn)
        self.index = ClientIndex(KnownClient(c.id, c.code, c.name, c.email) for c in clients)
        self.codes = {c.id: c.code for c in clients}
        # Only a file that names invoices needs them, and only a payment dated within the file's days can
        # be one of its payments already recorded: a month's file does not read the whole ledger.
        invoices = numbered_invoices(conn) if any(p.invoice_number for p in read.payments) else []
        self.by_number = {inv.number: inv for inv in invoices}
        self.by_folded = {inv.number.casefold(): inv for inv in reversed(invoices)}
        days = [p.date for p in read.payments]
        stored = stored_payments(conn, min(days), max(days)) if days else []
        self.recorded = Counter((p.client_id, p.date, p.amount, p.reference) for p in stored)
        self.matched: dict[object, int | None] = {}  # a file names each client many times: match each once

    def plan(self, books: BooksMark) -> PaymentPlan:
        planned: list[PlannedPayment] = []
        already: list[int] = []
        for record in self.read.payments:
            payment = self._payment(record)
            if payment is None:
                continue
            key = (
                payment.client_id,
                payment.date,
                _units(payment.amount, self.exponent),
                payment.reference,
            )
            if self.recorded[key] > 0:  # each payment in the books accounts for one row of the file
                self.recorded[key] -= 1
                already.append(record.line)
                continue
            planned.append(payment)
        # Money is applied in the order it arrived; same-day payments keep the file's order.
        planned.sort(key=lambda payment: (payment.date, payment.line))
        return PaymentPlan(
            self.path,
            self.read,
            self.currency,
            self.exponent,
            tuple(planned),
            tuple(already),
            sorted_problems(self.problems),
            books,
        )

    def _problem(self, record: PaymentRecord, message: str, target: Field | None = None) -> None:
        column = self.read.columns.get(target) if target is not None else None
        self.problems.append(Problem(record.line, message, column))

    def _payment(self, record: PaymentRecord) -> PlannedPayment | None:
        before = len(self.problems)
        client_id = self._client(record)
        try:
            check_date(record.date, field="the payment's date")
        except ValidationError as exc:
            self._problem(record, exc.message, Field.PAYMENT_DATE)
        try:
            check_amount(record.amount, field="the payment's amount")
        except ValidationError as exc:
            self._problem(record, exc.message, Field.AMOUNT)
        reference = self._text(record, record.reference, Field.REFERENCE, REFERENCE_MAX_LENGTH)
        method = self._text(record, record.method, Field.METHOD, METHOD_MAX_LENGTH)
        invoice_id = self._invoice(record, client_id) if record.invoice_number else None
        if len(self.problems) > before or client_id is None:
            return None
        return PlannedPayment(
            record.line, client_id, record.date, record.amount, method, reference, invoice_id
        )

    def _text(self, record: PaymentRecord, value: str, target: Field, longest: int) -> str:
        """The table reader strips every cell, so only the length is left to check."""
        if len(value) > longest:
            self._problem(record, f"is longer than {longest} characters", target)
            return ""
        return value

    def _client(self, record: PaymentRecord) -> int | None:
        ref = record.client
        if ref not in self.matched:
            known = self.index.match(ref)
            self.matched[ref] = None if known is None else known.id
        client_id = self.matched[ref]
        if client_id is None:
            named = ref.code or ref.email or ref.name or ""
            target = Field.CLIENT_CODE if ref.code else Field.CLIENT_EMAIL if ref.email else Field.CLIENT_NAME
            self._problem(
                record,
                f"'{named}' is not a client CreditDesk keeps; add the client first, then import the payments",
                target,
            )
        return client_id

    def _invoice(self, record: PaymentRecord, client_id: int | None) -> int | None:
        number = record.invoice_number
        found = self.by_number.get(number) or self.by_folded.get(number.casefold())
        if found is None:
            self._problem(record, f"there is no invoice {number}", Field.INVOICE_NUMBER)
            return None
        if client_id is not None and found.client_id != client_id:
            owner, payer = self.codes.get(found.client_id, ""), self.codes.get(client_id, "")
            self._problem(
                record,
                f"invoice {number} belongs to client '{owner}', not to '{payer}'",
                Field.INVOICE_NUMBER,
            )
        if found.status == InvoiceStatus.DRAFT.value:
            self._problem(
                record, f"invoice {number} is a draft; money cannot be applied to it", Field.INVOICE_NUMBER
            )
        elif found.status != InvoiceStatus.ISSUED.value:
            self._problem(
                record,
                f"invoice {number} is {found.status}; money cannot be applied to it",
                Field.INVOICE_NUMBER,
            )
        return found.id


# --- working out and writing -------------------------------------------------------------------

PAYMENT_COLUMNS = ("id", "client_id", "date", "amount", "method", "reference", "notes")
ALLOCATION_COLUMNS = ("id", "invoice_id", "payment_id", "credit_note_id", "date", "amount")
CREDIT_NOTE_COLUMNS = ("id", "number", "client_id", "invoice_id", "date", "amount", "reason")
ACTIVITY_COLUMNS = ("id", "client_id", "invoice_id", "at", "kind", "text")


def apply_payment_plan(
    db: Database, plan: PaymentPlan, *, dry_run: bool = False, watch: WriteWatch | None = None
) -> PaymentOutcome:
    """Work out where the money goes against the books as they are now; write it in one transaction.

    A dry run works it out the same way and rolls back. Raises ``BooksChanged``, writing nothing,
    when payments were recorded or removed since the plan was made (one may be a payment of the
    file, already recorded by then); ``ImportCancelled``, writing nothing, when ``watch`` is cancelled.
    """
    steps = Steps(watch, plan.rows_to_write)
    with UnitOfWork(db, write=True) as uow:
        mark = books_mark(uow.session.connection())
        if plan.books is None or mark.money[:2] != plan.books.money[:2]:
            raise BooksChanged
        company = ensure_import_company(uow.session, plan.currency)
        outcome = _Writer(uow.session, company, plan, steps.on_sent).write()
        if not dry_run:
            steps.commit(uow)
        return outcome


class _Invoice(NamedTuple):
    issue_date: date
    gross: int  # minor units; made Decimal only for the few payments that may earn a discount


class _Writer:
    def __init__(
        self, session: Session, company: Company, plan: PaymentPlan, on_sent: Callable[[int], None] | None
    ) -> None:
        self.session = session
        self.company = company
        self.plan = plan
        self.exponent = plan.exponent
        self.out = BulkWriter(session.connection(), on_sent)
        self.books: dict[int, OpenBook] = {}
        self.invoices: dict[int, _Invoice] = {}
        self.discount_terms = self._discount_terms()
        self.discounted: Counter[int] = Counter()  # early-payment discounts credited, by client

    def _discount_terms(self) -> dict[int, PaymentTerms]:
        """The terms of each client whose terms offer an early-payment discount."""
        terms = {row.id: terms_of(row) for row in self.session.scalars(select(PaymentTermsRow))}
        offering = {terms_id for terms_id, t in terms.items() if t.discount_days is not None}
        return {
            client_id: terms[terms_id]
            for client_id, terms_id in self.session.execute(select(Client.id, Client.terms_id))
            if terms_id in offering
        }

    def _open_books(self) -> None:
        clients = {payment.client_id for payment in self.plan.payments}
        owed: dict[int, list[OpenInvoice]] = defaultdict(list)
        exponent = self.exponent
        for row in owed_invoices(self.session.connection()):
            if row.client_id in clients:
                owed[row.client_id].append(
                    OpenInvoice(
                        row.id, row.number, row.issue_date, row.due_date, from_minor(row.owed, exponent)
                    )
                )
                self.invoices[row.id] = _Invoice(row.issue_date, row.gross)
        self.books = {client_id: OpenBook(owed.get(client_id, ())) for client_id in clients}

    def write(self) -> PaymentOutcome:
        self._open_books()
        out = self.out
        exponent = self.exponent
        payment_id = out.next_id(Payment)
        self.allocation_id = out.next_id(AllocationRow)
        self.note_id = out.next_id(CreditNote)
        payments: list[tuple[object, ...]] = []
        self.allocations: list[tuple[object, ...]] = []
        self.notes: list[tuple[object, ...]] = []
        allocated = on_account = ZERO
        allocations = self.allocations
        invoices = self.invoices
        books = self.books
        discount_terms = self.discount_terms
        for payment in self.plan.payments:
            client_id, day = payment.client_id, payment.date
            book = books[client_id]
            result = book.pay(payment.amount, day, payment.invoice_id)
            text_day = out.day(day)
            payments.append(
                (
                    payment_id,
                    client_id,
                    text_day,
                    _units(payment.amount, exponent),
                    payment.method,
                    payment.reference,
                    "",
                )
            )
            for allocation in result.allocations:
                issued = invoices[allocation.invoice_id].issue_date
                # Money cannot take effect on an invoice before the invoice exists.
                on = text_day if issued <= day else out.day(issued)
                amount = _units(allocation.amount, exponent)
                allocations.append((self.allocation_id, allocation.invoice_id, payment_id, None, on, amount))
                self.allocation_id += 1
                allocated += allocation.amount
            terms = discount_terms.get(client_id)
            if terms is not None:
                self._discounts(terms, book, client_id, day, result.allocations)
            on_account += result.on_account
            payment_id += 1
        out.insert(Payment, PAYMENT_COLUMNS, payments)
        out.insert(CreditNote, CREDIT_NOTE_COLUMNS, self.notes)
        out.insert(AllocationRow, ALLOCATION_COLUMNS, allocations)
        self._timeline()
        self.session.flush()
        return PaymentOutcome(allocated, on_account, len(self.notes))

    def _discounts(
        self,
        terms: PaymentTerms,
        book: OpenBook,
        client_id: int,
        day: date,
        allocations: Sequence[Allocation],
    ) -> None:
        """What ``apply_early_payment_discount_in`` does after a payment: a credit note per discount earned.

        The invoice's open amount before this payment is what it owed less
        everything applied to it by others, as there; the credit note is
        applied to the invoice by the house rules, dated the payment's day.
        """
        exponent, out = self.exponent, self.out
        for allocation in allocations:
            invoice = self.invoices[allocation.invoice_id]
            open_before = book.open[allocation.invoice_id] + allocation.amount
            gross = from_minor(invoice.gross, exponent)
            discount = discount_applies(
                terms, invoice.issue_date, day, open_before, allocation.amount, exponent, gross=gross
            )
            if discount is None:
                continue
            credited = book.pay(discount, day, allocation.invoice_id)
            number = take_credit_note_number(self.company)
            text_day = out.day(day)
            self.notes.append(
                (
                    self.note_id,
                    number,
                    client_id,
                    allocation.invoice_id,
                    text_day,
                    _units(discount, exponent),
                    EARLY_PAYMENT_DISCOUNT_REASON,
                )
            )
            for applied in credited.allocations:
                on = text_day if invoice.issue_date <= day else out.day(invoice.issue_date)
                amount = _units(applied.amount, exponent)
                self.allocations.append(
                    (self.allocation_id, applied.invoice_id, None, self.note_id, on, amount)
                )
                self.allocation_id += 1
            self.note_id += 1
            self.discounted[client_id] += 1

    def _timeline(self) -> None:
        """One entry per client says what the import did (the ledger's own rows show each payment)."""
        recorded = Counter(payment.client_id for payment in self.plan.payments)
        last_day = {payment.client_id: payment.date for payment in self.plan.payments}  # in date order
        first = self.out.next_id(Activity)
        heading = f"Payments imported from {self.plan.path.name}"
        rows = []
        for n, (client_id, count) in enumerate(recorded.items()):
            done = f"payments recorded: {count}"
            if self.discounted[client_id]:
                done += f"; early-payment discounts: {self.discounted[client_id]}"
            at = self.out.moment(on_day(last_day[client_id]))
            rows.append((first + n, client_id, None, at, "payment", f"{heading}; {done}"))
        self.out.insert(Activity, ACTIVITY_COLUMNS, rows)


def _units(amount: Decimal, exponent: int) -> int:
    """Minor units of an amount that has the currency's places already (as every amount of a plan has)."""
    return int(amount.scaleb(exponent))
