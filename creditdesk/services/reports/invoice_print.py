"""An invoice as printed: its lines, per-rate tax, what has been paid and how to pay the rest.

Also the few things every printed document needs (the letterhead, the
addressee, a file name that any file system accepts), kept here once for the
statement, letter and report services.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_decimal
from sqlalchemy.orm import Session

from creditdesk.documents.model import (
    Addressee,
    Branding,
    InvoiceDocLine,
    InvoiceDocument,
    TaxSummaryLine,
)
from creditdesk.domain.creditor_reference import creditor_reference
from creditdesk.domain.errors import NotFoundError
from creditdesk.domain.formats import Formats
from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus
from creditdesk.domain.money import from_minor
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.clients.records import client_terms
from creditdesk.services.company.branding import branding_of
from creditdesk.services.company.settings import company_in
from creditdesk.services.ledger.invoices import formats_of
from creditdesk.store.database import Database
from creditdesk.store.models import Client, Invoice
from creditdesk.store.queries.ledger import invoice_applied
from creditdesk.store.queries.reports import invoice_id_of_number
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)
WATERMARKS = {InvoiceStatus.DRAFT: "DRAFT", InvoiceStatus.VOID: "VOID"}


# --- shared by the document services ---------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    """The sender and the locale, read once per batch rather than once per page."""

    branding: Branding
    formats: Formats


def letterhead_in(session: Session) -> Letterhead:
    company = company_in(session)
    return Letterhead(branding_of(company), formats_of(company))


def addressee_of(client: Client) -> Addressee:
    return Addressee(client.name, client.code, client.contact_name, client.address)


# Characters Windows, macOS or Linux refuse (or treat specially) in a file name.
_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def safe_file_part(text: str, max_length: int = 80) -> str:
    """``text`` made safe to put in a file name on any system; invoice numbers may hold ``/``."""
    cleaned = _UNSAFE_IN_NAMES.sub("-", text).strip(" .")[:max_length].strip(" .")
    return cleaned or "unnamed"


# --- the invoice ------------------------------------------------------------------------------------


def invoice_file_name(number: str) -> str:
    return f"Invoice {safe_file_part(number)}.pdf"


def invoice_id_by_number(db: Database, number: str) -> int:
    with UnitOfWork(db) as uow:
        invoice_id = invoice_id_of_number(uow.session.connection(), number.strip())
    if invoice_id is None:
        raise NotFoundError(
            f"there is no invoice numbered '{number.strip()}'; check the number and try again"
        )
    return invoice_id


def tax_summary(lines: list[InvoiceLine], exponent: int) -> tuple[TaxSummaryLine, ...]:
    """Net and tax per rate, highest rate first, each line rounded as the stored totals were."""
    net: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    tax: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:  # 20 and 20.0 are one key: equal Decimals hash alike
        net[line.tax_rate] += line.net(exponent)
        tax[line.tax_rate] += line.tax(exponent)
    return tuple(TaxSummaryLine(rate, net[rate], tax[rate]) for rate in sorted(net, reverse=True))


def discount_sentence(
    terms: PaymentTerms, invoice: Invoice, gross: Decimal, amount_due: Decimal, formats: Formats
) -> str:
    """What paying early earns, in figures, or "" when the terms offer nothing (or nothing is due)."""
    deadline = terms.discount_deadline(invoice.issue_date)
    if deadline is None or terms.discount_percent is None or invoice.status == InvoiceStatus.VOID.value:
        return ""
    discount = terms.discount_amount(gross, formats.exponent)
    if discount <= ZERO or discount >= amount_due:
        return ""
    percent = format_decimal(terms.discount_percent.normalize(), locale=formats.locale)
    return (
        f"{percent} % discount if paid by {formats.long_day(deadline)}: "
        f"pay {formats.money(amount_due - discount)} instead of {formats.money(amount_due)}"
    )


def invoice_document(db: Database, invoice_id: int) -> InvoiceDocument:
    with UnitOfWork(db) as uow:
        session = uow.session
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFoundError("this invoice no longer exists; it may have been deleted in another window")
        head = letterhead_in(session)
        exponent = head.formats.exponent
        client = invoice.client
        terms = client_terms(session, client)
        lines = [
            InvoiceLine(row.description, row.quantity, from_minor(row.unit_price, exponent), row.tax_rate)
            for row in invoice.lines
        ]
        gross = from_minor(invoice.gross, exponent)
        paid = from_minor(invoice_applied(session.connection(), invoice.id), exponent)
        amount_due = gross - paid
        watermark = WATERMARKS.get(InvoiceStatus(invoice.status), "")
        return InvoiceDocument(
            branding=head.branding,
            formats=head.formats,
            client=addressee_of(client),
            number=invoice.number,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            reference=invoice.reference,
            lines=tuple(
                InvoiceDocLine(
                    line.description, line.quantity, line.unit_price, line.tax_rate, line.net(exponent)
                )
                for line in lines
            ),
            tax_summary=tax_summary(lines, exponent),
            net=from_minor(invoice.net, exponent),
            tax=from_minor(invoice.tax, exponent),
            gross=gross,
            paid=paid,
            amount_due=amount_due,
            terms=terms.describe(),
            discount=discount_sentence(terms, invoice, gross, amount_due, head.formats),
            payment_reference=invoice.number,
            notes=invoice.notes,
            watermark=watermark,
            # Only an issued invoice's number is final; a draft or void one gets no reference to pay by.
            creditor_reference="" if watermark else creditor_reference(invoice.number),
        )


def invoice_pdf(db: Database, invoice_id: int) -> bytes:
    from creditdesk.documents.invoice import render_invoice  # ReportLab loads only when printing

    return render_invoice(invoice_document(db, invoice_id))
