"""The company's letterhead and the look of its documents."""

from __future__ import annotations

from creditdesk.documents.model import BankDetails, Branding, PageSize
from creditdesk.services.company import company_in
from creditdesk.store.database import Database
from creditdesk.store.models import Company
from creditdesk.store.unit_of_work import UnitOfWork


def branding_of(company: Company) -> Branding:
    return Branding(
        name=company.name,
        address=company.address,
        phone=company.phone,
        email=company.email,
        tax_number=company.tax_number,
        bank=BankDetails(
            account_name=company.bank_account_name,
            iban=company.bank_iban,
            bic=company.bank_bic,
            account_number=company.bank_account_number,
            sort_code=company.bank_sort_code,
        ),
        payment_instructions=company.payment_instructions,
        logo=company.logo,
        page_size=PageSize(company.page_size),
        accent_colour=company.accent_colour,
        signatory=company.signatory,
    )


def get_branding(db: Database) -> Branding:
    with UnitOfWork(db) as uow:
        return branding_of(company_in(uow.session))
