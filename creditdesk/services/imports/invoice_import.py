"""Importing invoices from the user's books (any known source or a saved mapping), and keeping in step.

The file is read into checked records (``creditdesk.imports``), compared with
what is stored, and turned into a plan: invoices to create, money to record
against invoices already here (the accounting system says less is due now),
invoices to settle or void, and conflicts (more is due than CreditDesk
thinks: a payment recorded here that the books do not know yet, say). The
plan is what the window previews; writing it is one transaction of bulk
inserts, all or nothing.

Money the file says was received is recorded as a payment dated at the
file's "as of" date, applied to that invoice; a void becomes a credit note
of what was still owed, on the same date. So the aging as of that date
equals the accounting system's, and every earlier report stays as it was.
Nothing the user did in CreditDesk (disputes, promises, plans, notes, their
own allocations) is changed: an import only adds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from creditdesk.domain.errors import ImportRefused, ValidationError
from creditdesk.domain.invoice import InvoiceStatus
from creditdesk.domain.money import currency_exponent, format_plain, from_minor, to_minor
from creditdesk.domain.ranges import check_date
from creditdesk.domain.terms import PaymentTerms, resolve_due_date
from creditdesk.imports.clients import ClientIndex, KnownClient, client_key
from creditdesk.imports.dates import DateOrder as DateOrder
from creditdesk.imports.formats import FormatChoices as FormatChoices
from creditdesk.imports.invoices import InvoiceRead, read_invoices
from creditdesk.imports.mapping import ColumnMapping, Field
from creditdesk.imports.memory import collection_paused
from creditdesk.imports.numbers import COMMA as COMMA
from creditdesk.imports.numbers import POINT as POINT
from creditdesk.imports.numbers import NumberFormat as NumberFormat
from creditdesk.imports.presets import SOURCE_KEYS as SOURCE_KEYS
from creditdesk.imports.problems import Problem, sorted_problems
from creditdesk.imports.recognise import header_of
from creditdesk.imports.records import ClientRef, InvoiceRecord, SourceStatus
from creditdesk.services.company.settings import terms_of
from creditdesk.services.imports.client_codes import free_code
from creditdesk.services.imports.common import (
    BooksChanged,
    ImportSummary,
    ensure_import_company,
    new_clients_clash,
    replanning,
)
from creditdesk.services.imports.watch import Steps, WriteWatch
from creditdesk.services.ledger.payments import take_credit_note_number
from creditdesk.store.activity import on_day
from creditdesk.store.bulk import BulkWriter
from creditdesk.store.database import Database
from creditdesk.store.models import (
    Activity,
    AllocationRow,
    Client,
    Company,
    CreditNote,
    Invoice,
    InvoiceLineRow,
    Payment,
    PaymentTermsRow,
)
from creditdesk.store.queries.imports import (
    BooksMark,
    StoredInvoice,
    added_since,
    books_mark,
    stored_clients,
    stored_invoices,
)
from creditdesk.store.unit_of_work import UnitOfWork

_UNMATCHED = object()


@dataclass(frozen=True)
class InvoiceImportOptions:
    source: str | ColumnMapping = "auto"
    choices: FormatChoices = field(default_factory=FormatChoices)
    sync: bool = False  # keep in step with invoices imported before from this source
    complete: bool = False  # the file lists every open invoice of the source: one missing from it is settled
    as_of: date | None = None  # the date the file describes; default: the date it states, else today
    drafts: bool = False  # import the file's drafts as drafts (else they are left out)


@dataclass(frozen=True)
class NewInvoice:
    record: InvoiceRecord
    client: int | str  # a known client's id, or the key of a client this import creates
    due_date: date
    gross: Decimal
    paid: Decimal  # received already, by the file: recorded as a payment at as_of
    status: InvoiceStatus


@dataclass(frozen=True)
class NewCredit:
    """A credit note row (or a spreadsheet's negative row): a credit note for the client, left on account."""

    record: InvoiceRecord
    client: int | str
    amount: Decimal


@dataclass(frozen=True)
class MoneyIn:
    """Money to record against an invoice already stored: received, or written off by a void."""

    line: int  # 0 for an invoice the file no longer lists
    invoice_id: int
    client_id: int
    number: str
    amount: Decimal
    void: bool = False  # a credit note rather than a payment


@dataclass(frozen=True)
class NewClient:
    key: str
    code: str
    name: str
    email: str
    terms_id: int | None  # None: the company's default terms (a new file's company is made when writing)


@dataclass(frozen=True)
class InvoicePlan:
    """What importing the file would do; nothing is written until ``apply_invoice_plan``."""

    path: Path
    read: InvoiceRead
    as_of: date
    currency: str
    exponent: int
    create: tuple[NewInvoice, ...]
    credits: tuple[NewCredit, ...]
    money_in: tuple[MoneyIn, ...]  # part payments, full payments and voids of stored invoices
    new_clients: tuple[NewClient, ...]
    unchanged: int
    left_out: tuple[
        tuple[int, str], ...
    ]  # lines not imported, with why (drafts, voids never seen, report rows)
    conflicts: tuple[Problem, ...]  # more due than CreditDesk thinks: looked at by the user, not changed
    problems: tuple[Problem, ...]
    books: BooksMark | None = None  # where the books stood when it was made
    imported_before: bool = False  # it lists invoices imported earlier, and keeping in step was not chosen

    @property
    def settled(self) -> int:
        return sum(1 for item in self.money_in if item.line == 0)

    @property
    def updated(self) -> int:
        return len(self.money_in) - self.settled

    @property
    def ready(self) -> bool:
        return not self.problems and not self.read.questions

    @property
    def rows_to_write(self) -> int:
        """Roughly the rows writing it sends: each invoice with its line, each payment with its allocation."""
        paid = sum(1 for new in self.create if new.paid > 0)
        return (
            len(self.new_clients) + 2 * len(self.create) + 2 * (len(self.money_in) + paid) + len(self.credits)
        )

    def describe(self) -> str:
        """What the import does, as counts after their labels (one wording for one and for many)."""
        counts = [("new invoices", len(self.create))]
        if self.credits:
            counts.append(("new credit notes", len(self.credits)))
        if self.new_clients:
            counts.append(("new clients", len(self.new_clients)))
        counts += [("updated", self.updated), ("settled", self.settled), ("unchanged", self.unchanged)]
        if self.conflicts:
            counts.append(("to look at", len(self.conflicts)))
        return "; ".join(f"{label}: {count}" for label, count in counts)


def plan_invoice_import(
    db: Database, path: Path | str, options: InvoiceImportOptions, today: date
) -> InvoicePlan:
    """Read ``path`` and compare it with the books; raises ``ImportRefused`` only for an unreadable file."""
    path = Path(path)
    with UnitOfWork(db) as uow:
        company = uow.session.get(Company, 1)
        currency = company.currency if company is not None else None
        locale = company.locale if company is not None else None
        choices = options.choices
        if choices.locale is None and locale:
            choices = choices.with_locale(locale)
        read = read_invoices(path, source=options.source, choices=choices, currency=currency or "EUR")
        if isinstance(read, Problem):
            raise ImportRefused(path.name, [str(read)])
        return _Planner(uow.session, path, read, options, today).plan()


def file_header(path: Path | str) -> tuple[str, ...]:
    """The columns of a file's header row, so a file no source recognises can be mapped by hand."""
    with collection_paused():
        return header_of(Path(path))


def import_invoice_file(
    db: Database,
    path: Path | str,
    options: InvoiceImportOptions,
    today: date,
    *,
    dry_run: bool = False,
) -> InvoicePlan:
    """Plan and, if nothing is wrong, write it; every problem refuses the whole file."""
    with collection_paused():
        plan, _ = replanning(
            lambda: plan_invoice_import(db, path, options, today),
            refuse_unless_ready,
            lambda planned: None if dry_run else apply_invoice_plan(db, planned, today),
        )
    return plan


def import_invoices(
    db: Database,
    path: Path | str,
    *,
    options: InvoiceImportOptions | None = None,
    today: date | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Import (or, dry, check) a file of invoices and say what was done in one line.

    ``today`` is the date a file that states none describes; without it that is
    the newest issue date in the file (only a file that says money was received
    needs it at all).
    """
    options = options or InvoiceImportOptions()
    with UnitOfWork(db) as uow:
        had_company = uow.session.get(Company, 1) is not None
    plan = import_invoice_file(db, path, options, today or date.min, dry_run=dry_run)
    return ImportSummary(
        "invoices",
        plan.path.name,
        len(plan.create),
        dry_run,
        plan.currency,
        plan.exponent,
        total=sum((new.gross for new in plan.create), Decimal(0)),
        company_created=not had_company,
        detail=plan.describe() if options.sync or plan.money_in or plan.conflicts else "",
    )


class PlanRefused(ImportRefused):
    """A file with problems or open questions; ``plan`` lets the caller say how to answer them."""

    def __init__(self, plan: InvoicePlan) -> None:
        super().__init__(plan.path.name, [*map(str, plan.problems), *plan.read.questions])
        self.plan = plan


def refuse_unless_ready(plan: InvoicePlan) -> None:
    if not plan.ready:
        raise PlanRefused(plan)


class _Planner:
    def __init__(
        self, session: Session, path: Path, read: InvoiceRead, options: InvoiceImportOptions, today: date
    ) -> None:
        self.session = session
        self.path = path
        self.read = read
        self.options = options
        company = session.get(Company, 1)
        self.currency = (
            company.currency if company is not None else read.invoices[0].currency if read.invoices else ""
        )
        self.exponent = currency_exponent(self.currency) if self.currency else 2
        newest = max((r.issue_date for r in read.invoices), default=today)
        self.as_of = options.as_of or read.as_of or (today if today > date.min else newest)
        self.problems: list[Problem] = list(read.problems)
        self.conflicts: list[Problem] = []
        self.left_out: list[tuple[int, str]] = list(read.set_aside)
        conn = session.connection()
        clients = stored_clients(conn)
        self.index = ClientIndex(KnownClient(c.id, c.code, c.name, c.email) for c in clients)
        self.codes = {c.code.casefold() for c in clients}
        self.client_terms = {row.id: terms_of(row) for row in session.scalars(select(PaymentTermsRow))}
        self.terms_of_client: dict[int, int] = {
            client_id: terms_id for client_id, terms_id in session.execute(select(Client.id, Client.terms_id))
        }
        self.default_terms_id = company.default_terms_id if company is not None else None
        invoices = stored_invoices(conn)
        self.by_number = {inv.number.casefold(): inv for inv in invoices}
        self.source = read.source
        self.by_key = {
            inv.external_key: inv for inv in invoices if inv.source == read.source and inv.external_key
        }
        self.new_clients: dict[str, NewClient] = {}
        self.credit_numbers = {number.casefold() for number in session.scalars(select(CreditNote.number))}
        self.matched: dict[ClientRef, object] = {}  # a file names each client many times: match each once
        self.imported_before = False

    def plan(self) -> InvoicePlan:
        create: list[NewInvoice] = []
        credits: list[NewCredit] = []
        money_in: list[MoneyIn] = []
        unchanged = 0
        seen: set[int] = set()
        for record in self.read.invoices:
            stored = self.by_key.get(record.number)
            if stored is not None:
                seen.add(stored.id)
                change = self._keep_in_step(record, stored)
                if change is None:
                    unchanged += 1
                else:
                    money_in.append(change)
                continue
            if record.is_credit or (
                self.read.negative_is_credit and record.total is not None and record.total < 0
            ):
                if record.number.casefold() in self.credit_numbers:
                    unchanged += 1  # imported before: a credit note's number is its key
                    continue
                credit = self._credit(record)
                if credit is not None:
                    credits.append(credit)
                continue
            new = self._new(record)
            if new is not None:
                create.append(new)
        if self.options.sync and self.options.complete:
            for stored in self.by_key.values():
                if stored.id not in seen and stored.status == InvoiceStatus.ISSUED.value and stored.owed > 0:
                    amount = from_minor(stored.owed, self.exponent)
                    money_in.append(MoneyIn(0, stored.id, stored.client_id, stored.number, amount))
        return InvoicePlan(
            self.path,
            self.read,
            self.as_of,
            self.currency,
            self.exponent,
            tuple(create),
            tuple(credits),
            tuple(money_in),
            tuple(self.new_clients.values()),
            unchanged,
            tuple(self.left_out),
            tuple(self.conflicts),
            sorted_problems(self.problems),
            books_mark(self.session.connection()),
            self.imported_before,
        )

    # -- invoices the books already hold ---------------------------------------------------

    def _keep_in_step(self, record: InvoiceRecord, stored: StoredInvoice) -> MoneyIn | None:
        if not self.options.sync:
            self.problems.append(
                Problem(
                    record.line,
                    f"invoice {record.number} was imported from this source before; "
                    "import the file keeping in step with that import to bring it up to date",
                    self.read.columns.get(Field.NUMBER),
                )
            )
            self.imported_before = True
            return None
        due = self._due_now(record)
        owed = from_minor(stored.owed, self.exponent)
        if due is None or stored.status == InvoiceStatus.DRAFT.value:
            return None
        if stored.status == InvoiceStatus.VOID.value:
            if due > 0:
                self.conflicts.append(
                    Problem(
                        record.line,
                        f"invoice {record.number} is void in CreditDesk but the file says "
                        f"{self._money(due)} is due",
                    )
                )
            return None
        if due < owed:
            return MoneyIn(
                record.line,
                stored.id,
                stored.client_id,
                stored.number,
                owed - due,
                void=record.status is SourceStatus.VOID,
            )
        if due > owed:
            self.conflicts.append(
                Problem(
                    record.line,
                    f"invoice {record.number}: the file says {self._money(due)} is due, CreditDesk "
                    f"{self._money(owed)}; left as it is (was a payment recorded here that the books lack?)",
                )
            )
        return None

    def _due_now(self, record: InvoiceRecord) -> Decimal | None:
        """What the file says is still owed on the invoice; None when it does not say."""
        if record.status in (SourceStatus.VOID, SourceStatus.PAID):
            return Decimal(0)
        if record.amount_due is not None:
            return record.amount_due
        if record.total is not None and record.amount_paid is not None:
            return record.total - record.amount_paid
        return None

    # -- invoices new to the books ---------------------------------------------------------

    def _new(self, record: InvoiceRecord) -> NewInvoice | None:
        if record.status is SourceStatus.DRAFT and not self.options.drafts:
            self.left_out.append((record.line, f"invoice {record.number} is a draft"))
            return None
        if record.status is SourceStatus.VOID:
            self.left_out.append((record.line, f"invoice {record.number} is void"))
            return None
        if self.currency and record.currency != self.currency:
            # A multi-currency export: other currencies' invoices are listed, not a reason to refuse the file.
            self.left_out.append(
                (
                    record.line,
                    f"invoice {record.number} is in {record.currency}; the books are kept in {self.currency}",
                )
            )
            return None
        before = len(self.problems)
        taken = self.by_number.get(record.number.casefold())
        if taken is not None:
            where = f"imported from {taken.source}" if taken.source else "made in CreditDesk"
            self._problem(
                record, f"invoice number {record.number} is already used by an invoice {where}", Field.NUMBER
            )
        gross = record.total if record.total is not None else record.amount_due
        if gross is None or gross <= 0:
            target = Field.TOTAL if record.total is not None else Field.AMOUNT_DUE
            shown = "nothing" if gross is None else format_plain(gross, self.exponent)
            self._problem(record, f"the invoice's total must be more than zero, got {shown}", target)
            gross = Decimal(0)
        due_now = self._due_now(record)
        paid = Decimal(0) if due_now is None else gross - due_now
        if record.amount_paid is not None and due_now is None:
            paid = record.amount_paid
        if not Decimal(0) <= paid <= gross:
            self._problem(
                record,
                f"the amount due ({self._money(gross - paid)}) must be between nothing and the total "
                f"({self._money(gross)})",
            )
        client = self._client(record)
        due_date = record.due_date
        if due_date is None:
            terms_id = self._terms_id(client)
            terms = self.client_terms.get(terms_id) if terms_id is not None else PaymentTerms()
            if record.terms_days is not None:
                due_date = record.issue_date + timedelta(days=record.terms_days)
            else:
                due_date = resolve_due_date(record.issue_date, None, terms or PaymentTerms())
        if due_date < record.issue_date:
            self._problem(
                record,
                f"the due date {due_date.isoformat()} is before the issue date {record.issue_date:%Y-%m-%d}",
                Field.DUE_DATE,
            )
        try:
            check_date(record.issue_date, field="the issue date")
            check_date(due_date, field="the due date")
        except ValidationError as exc:
            self._problem(record, exc.message)
        if len(self.problems) > before or client is None:
            return None
        self.by_number[record.number.casefold()] = StoredInvoice(
            0, record.number, self.source, record.number, 0, "issued", record.issue_date, 0, 0
        )
        status = InvoiceStatus.DRAFT if record.status is SourceStatus.DRAFT else InvoiceStatus.ISSUED
        return NewInvoice(
            record, client, due_date, gross, paid if status is InvoiceStatus.ISSUED else Decimal(0), status
        )

    def _credit(self, record: InvoiceRecord) -> NewCredit | None:
        """A credit note for the row's client, on account; None when it cannot be (the reason is recorded)."""
        if self.currency and record.currency != self.currency:
            self.left_out.append((record.line, f"credit {record.number} is in {record.currency}"))
            return None
        client = self._client(record)
        if client is None:
            return None
        # What is still on account: an aging report states it beside the credit note's total.
        left = -(record.amount_due if record.amount_due is not None else record.total or Decimal(0))
        if left <= 0:
            self.left_out.append((record.line, f"credit {record.number} is used up"))
            return None
        self.credit_numbers.add(record.number.casefold())
        return NewCredit(record, client, left)

    def _client(self, record: InvoiceRecord) -> int | str | None:
        found = self.matched.get(record.client, _UNMATCHED)
        if found is _UNMATCHED:
            found = self.matched[record.client] = self._match(record)
        return found  # type: ignore[return-value]

    def _match(self, record: InvoiceRecord) -> int | str | None:
        known = self.index.match(record.client)
        if known is not None:
            return known.id
        key = client_key(record.client)
        if key in self.new_clients:
            return key
        name = (record.client.name or "").strip()
        if not name:
            if record.client.code:
                self._problem(
                    record,
                    f"'{record.client.code}' is not a known client code; add the client first, "
                    "or give the client's name in the file so it can be added",
                    Field.CLIENT_CODE,
                )
            else:
                self._problem(record, "the invoice names no client", Field.CLIENT_NAME)
            return None
        code = (record.client.code or "").strip() or self._code_for(name)
        if len(code) > 30:
            self._problem(record, f"the client code '{code}' is longer than 30 characters")
            return None
        if code.casefold() in self.codes:
            code = self._code_for(code)
        self.codes.add(code.casefold())
        self.new_clients[key] = NewClient(
            key, code, name[:200], record.client.email or "", self.default_terms_id
        )
        return key

    def _code_for(self, name: str) -> str:
        return free_code(name, self.codes)

    def _terms_id(self, client: int | str | None) -> int | None:
        if isinstance(client, int):
            return self.terms_of_client.get(client)
        if isinstance(client, str):
            return self.new_clients[client].terms_id
        return None

    def _problem(self, record: InvoiceRecord, message: str, target: Field | None = None) -> None:
        column = self.read.columns.get(target) if target is not None else None
        self.problems.append(Problem(record.line, message, column))

    def _money(self, amount: Decimal) -> str:
        return f"{format_plain(amount, self.exponent)} {self.currency}"


# --- writing ------------------------------------------------------------------------------------

CLIENT_COLUMNS = ("id", "code", "name", "email", "terms_id")
INVOICE_COLUMNS = (
    "id", "number", "client_id", "issue_date", "due_date", "currency", "reference", "status",
    "net", "tax", "gross", "source", "external_key",
)  # fmt: skip
LINE_COLUMNS = ("id", "invoice_id", "position", "description", "quantity", "unit_price", "tax_rate")
PAYMENT_COLUMNS = ("id", "client_id", "date", "amount", "method", "reference")
CREDIT_NOTE_COLUMNS = ("id", "number", "client_id", "invoice_id", "date", "amount", "reason")
ALLOCATION_COLUMNS = ("id", "invoice_id", "payment_id", "credit_note_id", "date", "amount")
ACTIVITY_COLUMNS = ("id", "client_id", "invoice_id", "at", "kind", "text")
_TALLIES = (
    ("added", "client added"),
    ("invoices", "new invoices"),
    ("credits", "credit notes on account"),
    ("paid", "payments recorded"),
    ("settled", "settled (no longer listed)"),
    ("voided", "voided with a credit note"),
)


def apply_invoice_plan(db: Database, plan: InvoicePlan, today: date, watch: WriteWatch | None = None) -> None:
    """Write ``plan`` in one transaction (the file is read again by no one: the plan holds it all).

    Raises ``BooksChanged``, writing nothing, when the books are no longer as the plan found them;
    ``ImportCancelled``, writing nothing, when ``watch`` is cancelled before the commit.
    """
    steps = Steps(watch, plan.rows_to_write)
    with UnitOfWork(db, write=True) as uow:
        if _changed_under(uow.session.connection(), plan):
            raise BooksChanged
        company = ensure_import_company(uow.session, plan.currency)
        _Writer(uow.session, company, plan, on_day(today), steps.on_sent).write()
        steps.commit(uow)


def _changed_under(conn: Connection, plan: InvoicePlan) -> bool:
    """Whether what was written since the plan was made clashes with it.

    Other writers go on meanwhile (the window adding a client, a payment
    recorded): only what the plan relies on counts. New clients that are the
    file's clients or take their codes, invoices and credit notes with its
    numbers, and, for a plan that records money against stored invoices, any
    money recorded or removed since.
    """
    mark = plan.books
    if mark is None:
        return True
    now = books_mark(conn)
    if plan.money_in and now.money != mark.money:
        return True
    if (now.client, now.invoice, now.credit_note) == (mark.client, mark.invoice, mark.credit_note):
        return False
    added = added_since(conn, mark)
    planned = (ClientRef(c.name, c.code, c.email or None) for c in plan.new_clients)
    if new_clients_clash(added.clients, planned):
        return True
    numbers = {new.record.number.casefold() for new in plan.create}
    if any(number.casefold() in numbers for number, _, _ in added.invoices):
        return True
    credits = {credit.record.number.casefold() for credit in plan.credits}
    return any(number.casefold() in credits for number in added.credit_notes)


class _Writer:
    def __init__(
        self,
        session: Session,
        company: Company,
        plan: InvoicePlan,
        at: datetime,
        on_sent: Callable[[int], None] | None,
    ) -> None:
        self.session = session
        self.company = company
        self.plan = plan
        self.exponent = plan.exponent
        self.out = BulkWriter(session.connection(), on_sent)
        self.at = self.out.moment(at)
        self.source_label = plan.read.source_label
        # One timeline entry per client says what the import did (the ledger's own rows show each invoice).
        self.tally: dict[int, Counter[str]] = defaultdict(Counter)

    def write(self) -> None:
        out = self.out
        client_ids = self._clients()
        invoice_id = out.next_id(Invoice)
        line_id = out.next_id(InvoiceLineRow)
        invoices, lines = [], []
        received: list[MoneyIn] = list(self.plan.money_in)
        one = self.out.decimal(Decimal(1))
        nothing = self.out.decimal(Decimal(0))
        for new in self.plan.create:
            record = new.record
            client_id = new.client if isinstance(new.client, int) else client_ids[new.client]
            gross = to_minor(new.gross, self.exponent)
            invoices.append(
                (
                    invoice_id, record.number, client_id, out.day(record.issue_date), out.day(new.due_date),
                    self.plan.currency, record.reference[:100], new.status.value, gross, 0, gross,
                    self.plan.read.source, record.number,
                )
            )  # fmt: skip
            items = [item for item in record.items if item.amount is not None]
            if items and sum(item.amount or 0 for item in items) == new.gross:
                for position, item in enumerate(items, start=1):
                    lines.append(
                        (line_id, invoice_id, position, item.description[:1000], one,
                         to_minor(item.amount or Decimal(0), self.exponent), nothing)
                    )  # fmt: skip
                    line_id += 1
            else:
                description = record.items[0].description if record.items else ""
                lines.append((line_id, invoice_id, 1, description[:1000], one, gross, nothing))
                line_id += 1
            self.tally[client_id]["invoices"] += 1
            if new.paid > 0:
                received.append(MoneyIn(record.line, invoice_id, client_id, record.number, new.paid))
            invoice_id += 1
        out.insert(Invoice, INVOICE_COLUMNS, invoices)
        out.insert(InvoiceLineRow, LINE_COLUMNS, lines)
        self._money(received)
        self._credits(client_ids)
        self._timeline()

    def _credits(self, client_ids: dict[str, int]) -> None:
        first = self.out.next_id(CreditNote)
        rows = []
        for n, credit in enumerate(self.plan.credits):
            client_id = credit.client if isinstance(credit.client, int) else client_ids[credit.client]
            reason = credit.record.reference or f"Credit from {self.source_label}"
            rows.append(
                (
                    first + n, credit.record.number, client_id, None, self.out.day(credit.record.issue_date),
                    to_minor(credit.amount, self.exponent), reason[:1000],
                )
            )  # fmt: skip
            self.tally[client_id]["credits"] += 1
        self.out.insert(CreditNote, CREDIT_NOTE_COLUMNS, rows)

    def _timeline(self) -> None:
        first = self.out.next_id(Activity)
        heading = f"Imported from {self.source_label} as of {self.plan.as_of.isoformat()}"
        rows = []
        for n, (client_id, tally) in enumerate(self.tally.items()):
            done = [f"{label}: {tally[key]}" for key, label in _TALLIES if tally[key]]
            rows.append((first + n, client_id, None, self.at, "note", f"{heading}; {'; '.join(done)}"))
        self.out.insert(Activity, ACTIVITY_COLUMNS, rows)

    def _clients(self) -> dict[str, int]:
        first = self.out.next_id(Client)
        ids = {client.key: first + n for n, client in enumerate(self.plan.new_clients)}
        self.out.insert(
            Client,
            CLIENT_COLUMNS,
            (
                (ids[c.key], c.code, c.name, c.email, c.terms_id or self.company.default_terms_id)
                for c in self.plan.new_clients
            ),
        )
        for client in self.plan.new_clients:
            self.tally[ids[client.key]]["added"] += 1
        return ids

    def _money(self, received: list[MoneyIn]) -> None:
        out = self.out
        as_of = self.plan.as_of
        payment_id = out.next_id(Payment)
        note_id = out.next_id(CreditNote)
        allocation_id = out.next_id(AllocationRow)
        issued = {new.record.number: new.record.issue_date for new in self.plan.create}
        payments: list[tuple[object, ...]] = []
        notes: list[tuple[object, ...]] = []
        allocations: list[tuple[object, ...]] = []
        company = self.company
        reference = f"{self.source_label} as of {as_of.isoformat()}"[:100]
        for item in received:
            amount = to_minor(item.amount, self.exponent)
            day = out.day(max(as_of, issued.get(item.number, as_of)))
            if item.void:
                number = take_credit_note_number(company)
                notes.append(
                    (
                        note_id,
                        number,
                        item.client_id,
                        item.invoice_id,
                        day,
                        amount,
                        f"Void in {self.source_label}",
                    )
                )
                allocations.append((allocation_id, item.invoice_id, None, note_id, day, amount))
                note_id += 1
                self.tally[item.client_id]["voided"] += 1
            else:
                payments.append((payment_id, item.client_id, day, amount, "import", reference))
                allocations.append((allocation_id, item.invoice_id, payment_id, None, day, amount))
                payment_id += 1
                self.tally[item.client_id]["paid" if item.line else "settled"] += 1
            allocation_id += 1
        out.insert(Payment, PAYMENT_COLUMNS, payments)
        out.insert(CreditNote, CREDIT_NOTE_COLUMNS, notes)
        out.insert(AllocationRow, ALLOCATION_COLUMNS, allocations)
        self.session.flush()
