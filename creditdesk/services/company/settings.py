"""The company behind a file: its settings, currency and default payment terms."""

from __future__ import annotations

import locale as stdlib_locale
import os
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import get_territory_currencies
from sqlalchemy import select
from sqlalchemy.orm import Session

from creditdesk.documents.model import PageSize
from creditdesk.domain.errors import DatabaseError, ValidationError
from creditdesk.domain.money import check_currency, currency_exponent
from creditdesk.domain.terms import PaymentTerms, TermsBasis
from creditdesk.store.database import Database
from creditdesk.store.models import Company, PaymentTermsRow
from creditdesk.store.unit_of_work import UnitOfWork

DEFAULT_TERMS: tuple[tuple[str, PaymentTerms], ...] = (
    ("Due on receipt", PaymentTerms(0)),
    ("Net 7", PaymentTerms(7)),
    ("Net 14", PaymentTerms(14)),
    ("Net 30", PaymentTerms(30)),
    ("Net 60", PaymentTerms(60)),
    ("30 days after end of month", PaymentTerms(30, TermsBasis.END_OF_MONTH)),
    ("2 % 10, net 30", PaymentTerms(30, discount_percent=Decimal(2), discount_days=10)),
)


@dataclass(frozen=True)
class CompanyInfo:
    name: str
    currency: str
    locale: str
    exponent: int


def system_locale() -> str:
    """The user's locale as Babel knows it, falling back to en_US."""
    candidates = [os.environ.get(v, "") for v in ("LC_ALL", "LC_MONETARY", "LANG")]
    candidates.append(stdlib_locale.getlocale()[0] or "")
    for raw in candidates:
        name = raw.split(".")[0].split("@")[0]
        if name and name not in ("C", "POSIX"):
            try:
                return str(Locale.parse(name))
            except (UnknownLocaleError, ValueError):
                continue
    return "en_US"


def check_locale(name: str) -> str:
    try:
        return str(Locale.parse(name.strip().replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        raise ValidationError(f"'{name}' is not a known locale (try en_GB, de_DE or fr_FR)") from None


def currency_for_locale(name: str) -> str:
    territory = Locale.parse(name).territory
    currencies = get_territory_currencies(territory) if territory else []
    return currencies[0] if currencies else "USD"


# Territories that print on US Letter; everyone else uses A4 (migration 0002 keeps its own copy).
LETTER_TERRITORIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE"})


def page_size_for_locale(name: str) -> PageSize:
    """The paper a company in this locale has in its printer."""
    territory = Locale.parse(name).territory
    return PageSize.LETTER if territory in LETTER_TERRITORIES else PageSize.A4


def terms_row(session: Session, terms: PaymentTerms) -> PaymentTermsRow:
    """The stored row for these terms, added under their usual name if missing."""
    found = session.scalars(
        select(PaymentTermsRow).where(
            PaymentTermsRow.days == terms.days,
            PaymentTermsRow.basis == terms.basis.value,
            PaymentTermsRow.discount_days.is_(None)
            if terms.discount_days is None
            else PaymentTermsRow.discount_days == terms.discount_days,
        )
    ).all()
    for row in found:
        if row.discount_percent == terms.discount_percent:
            return row
    row = PaymentTermsRow(
        name=terms.describe(),
        days=terms.days,
        basis=terms.basis.value,
        discount_percent=terms.discount_percent,
        discount_days=terms.discount_days,
    )
    session.add(row)
    session.flush()
    return row


def terms_of(row: PaymentTermsRow) -> PaymentTerms:
    return PaymentTerms(row.days, TermsBasis(row.basis), row.discount_percent, row.discount_days)


def create_company_in(session: Session, name: str, currency: str, locale: str) -> Company:
    if session.get(Company, 1) is not None:
        raise DatabaseError("This file already belongs to a company.")
    name = name.strip()
    if not name:
        raise ValidationError("the company name is required")
    rows = [
        PaymentTermsRow(
            name=label,
            days=t.days,
            basis=t.basis.value,
            discount_percent=t.discount_percent,
            discount_days=t.discount_days,
        )
        for label, t in DEFAULT_TERMS
    ]
    session.add_all(rows)
    session.flush()
    default = next(r for r in rows if r.name == "Net 30")
    locale = check_locale(locale)
    company = Company(
        id=1,
        name=name,
        currency=check_currency(currency),
        locale=locale,
        page_size=page_size_for_locale(locale).value,
        default_terms_id=default.id,
    )
    session.add(company)
    session.flush()
    return company


def create_company(
    db: Database, name: str, currency: str | None = None, locale: str | None = None
) -> CompanyInfo:
    locale = check_locale(locale) if locale else system_locale()
    currency = currency or currency_for_locale(locale)
    with UnitOfWork(db, write=True) as uow:
        company = create_company_in(uow.session, name, currency, locale)
        uow.commit()
        return info_of(company)


def info_of(company: Company) -> CompanyInfo:
    return CompanyInfo(company.name, company.currency, company.locale, currency_exponent(company.currency))


def company_in(session: Session) -> Company:
    company = session.get(Company, 1)
    if company is None:
        raise DatabaseError(
            "This company file has no company yet; run 'creditdesk demo' or import clients first."
        )
    return company


def get_company(db: Database) -> CompanyInfo:
    with UnitOfWork(db) as uow:
        return info_of(company_in(uow.session))


def has_company(db: Database) -> bool:
    with UnitOfWork(db) as uow:
        return uow.session.get(Company, 1) is not None


def ensure_company(db: Database) -> CompanyInfo:
    """The file's company, creating one from the system locale for a brand-new file."""
    if has_company(db):
        return get_company(db)
    return create_company(db, "My Company")
