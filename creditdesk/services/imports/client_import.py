"""Importing clients from the user's books (any known source or a saved mapping), and keeping them in step.

The file is read into checked records (``creditdesk.imports.client_lists``),
each matched with the clients already kept (by code, else e-mail, else name)
and turned into a plan: clients to add, clients whose contact details the
file brings up to date (only with ``sync``), and clients already known. The
plan is what the window and ``--dry-run`` show; writing it is one transaction
of bulk statements, all or nothing. An import never touches what the user set
in CreditDesk for chasing: the chase schedule, paused chasing, notes, the
hand-over to an agency and archiving stay as they are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session

from creditdesk.domain.errors import ImportRefused
from creditdesk.domain.money import currency_exponent, to_minor
from creditdesk.domain.terms import PaymentTerms
from creditdesk.imports.client_lists import ClientRead, read_clients
from creditdesk.imports.client_presets import CLIENT_SOURCE_KEYS as CLIENT_SOURCE_KEYS
from creditdesk.imports.clients import ClientIndex, KnownClient, email_key
from creditdesk.imports.formats import FormatChoices
from creditdesk.imports.mapping import ColumnMapping as ColumnMapping
from creditdesk.imports.mapping import Field
from creditdesk.imports.memory import collection_paused
from creditdesk.imports.problems import Problem, sorted_problems
from creditdesk.imports.records import ClientRecord, ClientRef
from creditdesk.services.company.settings import terms_of, terms_row
from creditdesk.services.imports.client_codes import free_code
from creditdesk.services.imports.common import (
    BooksChanged,
    ImportSummary,
    ensure_import_company,
    new_clients_clash,
    replanning,
)
from creditdesk.services.imports.watch import Steps, WriteWatch
from creditdesk.store.activity import on_day
from creditdesk.store.bulk import BulkWriter
from creditdesk.store.database import Database
from creditdesk.store.models import Activity, Client, Company, PaymentTermsRow
from creditdesk.store.queries.imports import (
    BooksMark,
    StoredClientDetails,
    added_since,
    books_mark,
    stored_client_details,
)
from creditdesk.store.unit_of_work import UnitOfWork

# The details ``sync`` brings up to date, with how the timeline names them.
DETAILS = (
    ("name", "name"),
    ("email", "e-mail"),
    ("contact_name", "contact"),
    ("phone", "phone"),
    ("address", "address"),
    ("terms", "payment terms"),
    ("credit_limit", "credit limit"),
)
CLIENT_COLUMNS = (
    "id", "code", "name", "email", "contact_name", "phone", "address", "terms_id", "credit_limit",
    "on_hold", "do_not_chase", "archived", "notes",
)  # fmt: skip
ACTIVITY_COLUMNS = ("id", "client_id", "invoice_id", "at", "kind", "text")


@dataclass(frozen=True)
class ClientImportOptions:
    source: str | ColumnMapping = "auto"
    choices: FormatChoices = field(default_factory=FormatChoices)
    sync: bool = False  # bring the contact details of clients already kept up to date from the file


@dataclass(frozen=True)
class NewClientRow:
    record: ClientRecord
    code: str  # the file's, or one made from the name


@dataclass(frozen=True)
class ClientChange:
    """A client already kept whose contact details differ from the file's (written only with ``sync``)."""

    record: ClientRecord
    client_id: int
    values: dict[
        str, object
    ]  # column -> the file's value; "terms" holds PaymentTerms, "credit_limit" minor units


@dataclass(frozen=True)
class ClientPlan:
    """What importing the file would do; nothing is written until ``apply_client_plan``."""

    path: Path
    read: ClientRead
    sync: bool
    currency: str
    exponent: int
    create: tuple[NewClientRow, ...]
    updates: tuple[ClientChange, ...]
    known: int  # clients already kept, left as they are
    problems: tuple[Problem, ...]
    books: BooksMark | None = None  # where the books stood when it was made

    @property
    def ready(self) -> bool:
        return not self.problems and not self.read.questions

    @property
    def rows_to_write(self) -> int:
        """How many rows writing it sends: each client added or updated, and its timeline note."""
        return 2 * (len(self.create) + len(self.updates))

    def describe(self) -> str:
        """What the import does, as counts after their labels (one wording for one and for many)."""
        counts = [
            ("new clients", len(self.create)),
            ("updated", len(self.updates)),
            ("already known", self.known),
            ("problems", len(self.problems) + len(self.read.questions)),
        ]
        return "; ".join(f"{label}: {count}" for label, count in counts)


def plan_client_import(db: Database, path: Path | str, options: ClientImportOptions) -> ClientPlan:
    """Read ``path`` and compare it with the clients kept; ``ImportRefused`` only for an unreadable file."""
    path = Path(path)
    with UnitOfWork(db) as uow:
        company = uow.session.get(Company, 1)
        choices = options.choices
        if choices.locale is None and company is not None:
            choices = choices.with_locale(company.locale)
        currency = company.currency if company is not None else "EUR"
        read = read_clients(path, source=options.source, choices=choices, currency=currency)
        if isinstance(read, Problem):
            raise ImportRefused(path.name, [str(read)])
        return _Planner(uow.session, path, read, options, currency).plan(books_mark(uow.session.connection()))


def refuse_unless_ready(plan: ClientPlan) -> None:
    lines = [str(problem) for problem in plan.problems]
    lines += [f"{question} (give it with --number-format)" for question in plan.read.questions]
    if lines:
        raise ImportRefused(plan.path.name, lines)


def import_client_file(
    db: Database, path: Path | str, options: ClientImportOptions, today: date, *, dry_run: bool = False
) -> ClientPlan:
    """Plan and, if nothing is wrong, write it; every problem refuses the whole file."""
    with collection_paused():
        plan, _ = replanning(
            lambda: plan_client_import(db, path, options),
            refuse_unless_ready,
            lambda planned: None if dry_run else apply_client_plan(db, planned, today),
        )
    return plan


def import_clients(
    db: Database,
    path: Path | str,
    *,
    today: date,
    options: ClientImportOptions | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """Import (or, dry, check) a file of clients and say what was done in one line.

    ``today`` dates the timeline note each client added or brought up to date gets.
    """
    options = options or ClientImportOptions()
    with UnitOfWork(db) as uow:
        had_company = uow.session.get(Company, 1) is not None
    plan = import_client_file(db, path, options, today, dry_run=dry_run)
    return ImportSummary(
        "clients",
        plan.path.name,
        len(plan.create),
        dry_run,
        plan.currency,
        plan.exponent,
        company_created=not had_company,
        detail=plan.describe(),
    )


class _Planner:
    def __init__(
        self, session: Session, path: Path, read: ClientRead, options: ClientImportOptions, currency: str
    ) -> None:
        self.path = path
        self.read = read
        self.options = options
        self.currency = currency
        self.exponent = currency_exponent(currency)
        self.stored = {c.id: c for c in stored_client_details(session.connection())}
        self.index = ClientIndex(KnownClient(c.id, c.code, c.name, c.email) for c in self.stored.values())
        self.terms = {row.id: terms_of(row) for row in session.scalars(select(PaymentTermsRow))}
        self.problems: list[Problem] = list(read.problems)
        if not read.clients and not read.problems and not read.questions:
            self.problems.append(Problem(read.header_line, "there is a header row but no rows to import"))
        # An e-mail several rows of the file share (a firm's accounts@ for two clients) tells no one apart.
        self.shared = {
            key
            for key, n in Counter(email_key(c.ref.email) for c in read.clients if c.ref.email).items()
            if n > 1
        }

    def plan(self, books: BooksMark) -> ClientPlan:
        create: list[NewClientRow] = []
        updates: list[ClientChange] = []
        known = 0
        matched: dict[int, int] = {}  # stored client -> the line that named it
        codes = {c.code.casefold() for c in self.stored.values()}
        codes |= {c.ref.code.casefold() for c in self.read.clients if c.ref.code}
        for record in self.read.clients:
            ref = record.ref
            if ref.email and email_key(ref.email) in self.shared:
                ref = ClientRef(ref.name, ref.code, None)
            found = self.index.match(ref)
            if found is None:
                code = record.ref.code or free_code(record.ref.name or "", codes)
                codes.add(code.casefold())
                create.append(NewClientRow(record, code))
                continue
            if found.id in matched:
                first = matched[found.id]
                message = f"this row names the same client as line {first} ({found.code}, {found.name})"
                self._problem(record, message, Field.CLIENT_NAME)
                continue
            matched[found.id] = record.line
            values = self._changes(record, self.stored[found.id]) if self.options.sync else {}
            if values:
                updates.append(ClientChange(record, found.id, values))
            else:
                known += 1
        return ClientPlan(
            self.path,
            self.read,
            self.options.sync,
            self.currency,
            self.exponent,
            tuple(create),
            tuple(updates),
            known,
            sorted_problems(self.problems),
            books,
        )

    def _changes(self, record: ClientRecord, stored: StoredClientDetails) -> dict[str, object]:
        """The file's contact details that differ from the stored ones; what the file leaves empty is kept."""
        given: dict[str, object | None] = {
            "name": record.ref.name,
            "email": record.ref.email,
            "contact_name": record.contact_name,
            "phone": record.phone,
            "address": record.address,
        }
        values = {
            column: value
            for column, value in given.items()
            if value is not None and value != getattr(stored, column)
        }
        if record.terms is not None and record.terms != self.terms.get(stored.terms_id):
            values["terms"] = record.terms
        if record.credit_limit is not None:
            limit = to_minor(record.credit_limit, self.exponent)
            if limit != stored.credit_limit:
                values["credit_limit"] = limit
        return values

    def _problem(self, record: ClientRecord, message: str, target: Field) -> None:
        self.problems.append(Problem(record.line, message, self.read.columns.get(target)))


# --- writing ------------------------------------------------------------------------------------


def _outran(conn: Connection, plan: ClientPlan) -> bool:
    if plan.books is None:
        return True
    if books_mark(conn).client == plan.books.client:
        return False
    planned = (ClientRef(new.record.ref.name, new.code, new.record.ref.email) for new in plan.create)
    return new_clients_clash(added_since(conn, plan.books).clients, planned)


def apply_client_plan(db: Database, plan: ClientPlan, today: date, watch: WriteWatch | None = None) -> None:
    """Write ``plan`` in one transaction.

    Raises ``BooksChanged``, writing nothing, when clients added since the plan was made take the
    code of a client it would create or are one of them; ``ImportCancelled``, writing nothing, when
    ``watch`` is cancelled.
    """
    steps = Steps(watch, plan.rows_to_write)
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        if _outran(session.connection(), plan):
            raise BooksChanged
        company = ensure_import_company(session, plan.currency)
        terms_ids = _terms_ids(session, plan)
        default_terms = company.default_terms_id or terms_row(session, PaymentTerms()).id
        session.flush()
        out = BulkWriter(session.connection(), steps.on_sent)
        at = out.moment(on_day(today))
        label = plan.read.source_label
        notes: list[tuple[int, str]] = []
        first = out.next_id(Client)
        rows = []
        for n, new in enumerate(plan.create):
            record = new.record
            terms = terms_ids[record.terms] if record.terms is not None else default_terms
            limit = None if record.credit_limit is None else to_minor(record.credit_limit, plan.exponent)
            rows.append(
                (
                    first + n, new.code, record.ref.name or "", record.ref.email or "",
                    record.contact_name or "", record.phone or "", record.address or "", terms, limit,
                    bool(record.on_hold), bool(record.do_not_chase), bool(record.archived),
                    record.notes or "",
                )
            )  # fmt: skip
            notes.append((first + n, f"Added by importing from {label}."))
        out.insert(Client, CLIENT_COLUMNS, rows)
        _update(session.connection(), plan, terms_ids)
        steps.sent(len(plan.updates))
        for change in plan.updates:
            changed = ", ".join(words for column, words in DETAILS if column in change.values)
            notes.append((change.client_id, f"Contact details brought up to date from {label}: {changed}."))
        activity = out.next_id(Activity)
        out.insert(
            Activity,
            ACTIVITY_COLUMNS,
            ((activity + n, client_id, None, at, "note", text) for n, (client_id, text) in enumerate(notes)),
        )
        steps.commit(uow)


def _terms_ids(session: Session, plan: ClientPlan) -> dict[PaymentTerms, int]:
    """The stored row of every set of terms the plan names, added once if the books lack it."""
    wanted = {new.record.terms for new in plan.create if new.record.terms is not None}
    wanted |= {change.values["terms"] for change in plan.updates if "terms" in change.values}  # type: ignore[misc]
    return {terms: terms_row(session, terms).id for terms in wanted if isinstance(terms, PaymentTerms)}


def _update(conn: Connection, plan: ClientPlan, terms_ids: dict[PaymentTerms, int]) -> None:
    """One executemany per set of columns changed: a file of many clients is a few statements."""
    groups: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    for change in plan.updates:
        values = {
            ("terms_id" if column == "terms" else column): (
                terms_ids[value] if isinstance(value, PaymentTerms) else value
            )
            for column, value in change.values.items()
        }
        columns = tuple(sorted(values))
        groups[columns].append({"client": change.client_id, **{f"new_{c}": values[c] for c in columns}})
    for columns, rows in groups.items():
        statement = (
            update(Client)
            .where(Client.id == bindparam("client"))
            .values(
                {**{column: bindparam(f"new_{column}") for column in columns}, "version": Client.version + 1}
            )
        )
        conn.execute(statement, rows)
