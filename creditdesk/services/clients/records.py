"""Adding, finding, editing and archiving clients, and notes on their timeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creditdesk.domain.errors import LedgerError, NotFoundError, ValidationError
from creditdesk.domain.formats import Formats
from creditdesk.domain.money import currency_exponent, from_minor, to_minor
from creditdesk.domain.ranges import check_amount
from creditdesk.domain.terms import PaymentTerms
from creditdesk.domain.validation import check_code, check_email, check_text
from creditdesk.services.clients.overview import archive_blocker
from creditdesk.services.company.settings import company_in, terms_of, terms_row
from creditdesk.services.row_versions import refuse_if_changed
from creditdesk.store.activity import log_activity
from creditdesk.store.database import Database
from creditdesk.store.models import Client, Company, PaymentTermsRow
from creditdesk.store.queries.clients import client_ledger_balance
from creditdesk.store.queries.company import company_exponent
from creditdesk.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ClientInput:
    code: str
    name: str
    email: str = ""
    contact_name: str = ""
    phone: str = ""
    address: str = ""
    terms: PaymentTerms | None = None  # None: the company's default terms
    credit_limit: Decimal | None = None  # None: no limit
    on_hold: bool = False
    do_not_chase: bool = False
    notes: str = ""
    # The client's version when the form was read (None: no check); not one of its details.
    version: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class FieldProblem:
    """A rule one field of a ``ClientInput`` breaks; ``field`` is the attribute's name."""

    field: str
    message: str


def check_credit_limit(limit: Decimal | None) -> Decimal | None:
    if limit is not None and limit < 0:
        raise ValidationError(f"credit limit {limit} cannot be negative")
    return None if limit is None else check_amount(limit, field="credit limit")


def client_problems(data: ClientInput) -> list[FieldProblem]:
    """Every field rule ``data`` breaks, without the database (for checking as people type).

    Saving applies the same rules and, in addition, that the code is not taken.
    """
    checks: list[tuple[str, Callable[[], object]]] = [
        ("code", lambda: check_code(data.code, field="client code")),
        ("name", lambda: check_text(data.name, field="client name", required=True)),
        ("email", lambda: check_email(data.email, field="billing email")),
        ("credit_limit", lambda: check_credit_limit(data.credit_limit)),
        ("contact_name", lambda: check_text(data.contact_name, field="contact name")),
        ("phone", lambda: check_text(data.phone, field="phone", max_length=50)),
        ("address", lambda: check_text(data.address, field="address", max_length=1000)),
    ]
    problems = []
    for name, check in checks:
        try:
            check()
        except ValidationError as exc:
            problems.append(FieldProblem(name, exc.message))
    return problems


def _code_taken(session: Session, code: str, except_id: int | None = None) -> bool:
    query = select(Client.id).where(Client.code == code)
    if except_id is not None:
        query = query.where(Client.id != except_id)
    return session.scalar(query.limit(1)) is not None


def _checked(session: Session, data: ClientInput, except_id: int | None = None) -> None:
    problems = client_problems(data)
    if problems:
        raise ValidationError(problems[0].message)
    code = data.code.strip()
    if _code_taken(session, code, except_id):
        raise ValidationError(f"client code '{code}' is already used by another client")


def _terms_id(session: Session, company: Company, terms: PaymentTerms | None) -> int:
    if terms is not None:
        return terms_row(session, terms).id
    if company.default_terms_id is not None:
        return company.default_terms_id
    return terms_row(session, PaymentTerms()).id


def _fill(client: Client, data: ClientInput, terms_id: int, exponent: int) -> None:
    client.code = data.code.strip()
    client.name = data.name.strip()
    client.email = data.email.strip()
    client.contact_name = data.contact_name.strip()
    client.phone = data.phone.strip()
    client.address = data.address.strip()
    client.terms_id = terms_id
    client.credit_limit = None if data.credit_limit is None else to_minor(data.credit_limit, exponent)
    client.on_hold = data.on_hold
    client.do_not_chase = data.do_not_chase
    client.notes = data.notes


def add_client_in(session: Session, data: ClientInput) -> Client:
    company = company_in(session)
    _checked(session, data)
    client = Client()
    _fill(client, data, _terms_id(session, company, data.terms), currency_exponent(company.currency))
    session.add(client)
    session.flush()
    return client


def add_client(db: Database, data: ClientInput) -> int:
    with UnitOfWork(db, write=True) as uow:
        client = add_client_in(uow.session, data)
        uow.commit()
        return client.id


def client_by_code(session: Session, code: str) -> Client:
    client = session.scalar(select(Client).where(Client.code == code.strip()))
    if client is None:
        raise NotFoundError(f"there is no client with code '{code}'")
    return client


def client_terms(session: Session, client: Client) -> PaymentTerms:
    row = session.get(PaymentTermsRow, client.terms_id)
    assert row is not None
    return terms_of(row)


def count_clients(db: Database) -> int:
    with UnitOfWork(db) as uow:
        return int(uow.session.scalar(select(func.count(Client.id))) or 0)


# --- editing, archiving and notes (the Clients tab) ------------------------------------------------


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError("this client no longer exists; it may have been removed by an import")
    return client


def client_form(db: Database, client_id: int) -> ClientInput:
    """A client as the edit form shows it."""
    with UnitOfWork(db) as uow:
        session = uow.session
        client = _client(session, client_id)
        exponent = currency_exponent(company_in(session).currency)
        return ClientInput(
            code=client.code,
            name=client.name,
            email=client.email,
            contact_name=client.contact_name,
            phone=client.phone,
            address=client.address,
            terms=client_terms(session, client),
            credit_limit=None if client.credit_limit is None else from_minor(client.credit_limit, exponent),
            on_hold=client.on_hold,
            do_not_chase=client.do_not_chase,
            notes=client.notes,
            version=client.version,
        )


def update_client(db: Database, client_id: int, data: ClientInput) -> None:
    """Save an edited client; the same rules as adding one. ``terms=None`` keeps its terms."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        company = company_in(session)
        client = _client(session, client_id)
        refuse_if_changed(client, data.version)
        _checked(session, data, except_id=client_id)
        terms_id = client.terms_id if data.terms is None else terms_row(session, data.terms).id
        _fill(client, data, terms_id, currency_exponent(company.currency))
        uow.commit()


def code_is_free(db: Database, code: str, except_id: int | None = None) -> bool:
    """Whether no other client uses ``code`` (one indexed look-up: fine while typing)."""
    with UnitOfWork(db) as uow:
        return not _code_taken(uow.session, code.strip(), except_id)


def archive_client(db: Database, client_id: int, archived: bool = True) -> None:
    """Archive (or bring back) a client; every invoice, payment and note is kept.

    A client who still owes money, or has money on account, is refused: archived
    clients drop out of the client list, and a debt nobody sees is a debt nobody
    chases. Bringing a client back is always allowed.
    """
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        client = _client(session, client_id)
        if archived and not client.archived:
            company = company_in(session)
            conn = session.connection()
            formats = Formats(company.currency, company.locale, company_exponent(conn))
            blocker = archive_blocker(client_ledger_balance(conn, client_id), formats)
            if blocker is not None:
                raise LedgerError(f"{client.name} cannot be archived. {blocker}")
        client.archived = archived
        uow.commit()


NOTE_MAX_LENGTH = 4000


def log_note(db: Database, client_id: int, text: str, at: datetime) -> None:
    """Write a note on the client's timeline (a call, a promise, anything said)."""
    body = check_text(text, field="the note", required=True, max_length=NOTE_MAX_LENGTH)
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        _client(session, client_id)
        log_activity(session, client_id, "note", body, at=at.replace(microsecond=0))
        uow.commit()


@dataclass(frozen=True)
class TermsChoice:
    id: int
    label: str
    terms: PaymentTerms
    is_default: bool  # the company's default terms for new clients


def terms_choices(db: Database) -> list[TermsChoice]:
    """The payment terms on file, in the order they were set up, for a drop-down."""
    with UnitOfWork(db) as uow:
        session = uow.session
        default_id = company_in(session).default_terms_id
        rows = session.scalars(select(PaymentTermsRow).order_by(PaymentTermsRow.id)).all()
        return [TermsChoice(row.id, row.name, terms_of(row), row.id == default_id) for row in rows]
