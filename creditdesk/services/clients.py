"""Adding and finding clients."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creditdesk.domain.errors import NotFoundError, ValidationError
from creditdesk.domain.money import currency_exponent, to_minor
from creditdesk.domain.terms import PaymentTerms
from creditdesk.domain.validation import check_code, check_email, check_text
from creditdesk.services.company import company_in, terms_of, terms_row
from creditdesk.store.database import Database
from creditdesk.store.models import Client, PaymentTermsRow
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


def add_client_in(session: Session, data: ClientInput) -> Client:
    company = company_in(session)
    code = check_code(data.code, field="client code")
    name = check_text(data.name, field="client name", required=True)
    email = check_email(data.email, field="billing email")
    if data.credit_limit is not None and data.credit_limit < 0:
        raise ValidationError(f"credit limit {data.credit_limit} cannot be negative")
    if session.scalar(select(Client.id).where(Client.code == code)) is not None:
        raise ValidationError(f"client code '{code}' is already used by another client")
    if data.terms is not None:
        terms_id = terms_row(session, data.terms).id
    elif company.default_terms_id is not None:
        terms_id = company.default_terms_id
    else:
        terms_id = terms_row(session, PaymentTerms()).id
    exponent = currency_exponent(company.currency)
    client = Client(
        code=code,
        name=name,
        email=email,
        contact_name=check_text(data.contact_name, field="contact name"),
        phone=check_text(data.phone, field="phone", max_length=50),
        address=check_text(data.address, field="address", max_length=1000),
        terms_id=terms_id,
        credit_limit=None if data.credit_limit is None else to_minor(data.credit_limit, exponent),
        on_hold=data.on_hold,
        do_not_chase=data.do_not_chase,
        notes=data.notes,
    )
    session.add(client)
    session.flush()
    return client


def add_client(db: Database, data: ClientInput) -> int:
    with UnitOfWork(db) as uow:
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
