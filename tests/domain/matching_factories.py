"""Small books for the matcher's tests: two clients with a few open invoices each."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from creditdesk.domain.bank import BankTransaction
from creditdesk.domain.creditor_reference import creditor_reference
from creditdesk.domain.matching import ClientIdentity, MatchingBooks, OpenItem, RecordedPayment

STATEMENT_DATE = date(2026, 3, 31)
ACME, BOLT = 10, 20
ACME_IBAN = "DE89 3704 0044 0532 0130 00"
BOLT_IBAN = "GB82WEST12345698765432"

INVOICES = (
    OpenItem(1, ACME, "A-1001", D("100.00"), date(2026, 2, 1)),
    OpenItem(2, ACME, "A-1002", D("250.00"), date(2026, 3, 1)),
    OpenItem(3, ACME, "A-1003", D("80.00"), date(2026, 4, 30)),
    OpenItem(4, BOLT, "B-1003", D("80.00"), date(2026, 3, 15)),
    OpenItem(5, BOLT, "B-2001", D("1200.00"), date(2026, 4, 15)),
)
CLIENTS = (
    ClientIdentity(ACME, "Acme Trading Ltd", ibans=(ACME_IBAN,), payer_names=("ACME TRADING",)),
    ClientIdentity(BOLT, "Bolt & Nut GmbH", ibans=(BOLT_IBAN,)),
)


def books(
    *,
    payments: tuple[RecordedPayment, ...] = (),
    known: frozenset[str] = frozenset(),
    invoices: tuple[OpenItem, ...] = INVOICES,
) -> MatchingBooks:
    return MatchingBooks(
        invoices=invoices,
        clients=CLIENTS,
        creditor_references={creditor_reference(i.number): i.invoice_id for i in invoices},
        payments=payments,
        known_references=known,
    )


def credit(
    amount: str,
    text: str = "",
    *,
    reference: str = "E1",
    booked: date = date(2026, 3, 30),
    payer_name: str = "",
    payer_iban: str = "",
    creditor_ref: str = "",
) -> BankTransaction:
    return BankTransaction(
        reference=reference,
        booked=booked,
        amount=D(amount),
        currency="EUR",
        payer_name=payer_name,
        payer_iban=payer_iban,
        text=text,
        creditor_reference=creditor_ref,
    )
