"""What a printed document says, as plain immutable data.

The services fill these from the ledger; the renderers in this package only lay
them out. Amounts are ``Decimal`` in the company currency, text is exactly what
the user typed (the renderers escape it), and ``formats`` says how money and
dates are written in the company's locale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from creditdesk.domain.formats import Formats


class PageSize(StrEnum):
    A4 = "A4"
    LETTER = "Letter"


@dataclass(frozen=True)
class BankDetails:
    account_name: str = ""
    iban: str = ""
    bic: str = ""
    account_number: str = ""
    sort_code: str = ""

    @property
    def sepa_ready(self) -> bool:
        """An EPC payment QR code needs both an IBAN and a BIC."""
        return bool(self.iban and self.bic)

    @property
    def is_empty(self) -> bool:
        return not (self.iban or self.account_number)


@dataclass(frozen=True)
class Branding:
    """The sender: letterhead, bank details and the look of every document."""

    name: str
    address: str = ""  # several lines
    phone: str = ""
    email: str = ""
    tax_number: str = ""
    bank: BankDetails = BankDetails()
    payment_instructions: str = ""
    logo: bytes | None = None  # PNG or JPEG
    page_size: PageSize = PageSize.A4
    accent_colour: str = "#1F4E79"
    signatory: str = ""  # the person who signs letters


@dataclass(frozen=True)
class Addressee:
    """The client as printed in the window of an envelope."""

    name: str
    code: str
    contact_name: str = ""
    address: str = ""  # several lines


@dataclass(frozen=True)
class InvoiceDocLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal  # percent, e.g. 20
    net: Decimal  # quantity x unit price, rounded


@dataclass(frozen=True)
class TaxSummaryLine:
    rate: Decimal  # percent
    net: Decimal
    tax: Decimal


@dataclass(frozen=True)
class InvoiceDocument:
    branding: Branding
    formats: Formats
    client: Addressee
    number: str
    issue_date: date
    due_date: date
    reference: str  # the client's reference or purchase order
    lines: tuple[InvoiceDocLine, ...]
    tax_summary: tuple[TaxSummaryLine, ...]  # one line per rate
    net: Decimal
    tax: Decimal
    gross: Decimal
    paid: Decimal  # payments and credit notes applied to it so far
    amount_due: Decimal  # gross - paid
    terms: str  # "Net 30", in words
    discount: str  # "2 % discount if paid by 14 March 2026", or ""
    payment_reference: str  # what the client should quote with the payment
    notes: str = ""
    watermark: str = ""  # "DRAFT" or "VOID" across the page; empty for an issued invoice
    creditor_reference: str = ""  # ISO 11649, built from the number; in the EPC QR code when present


class StatementStyle(StrEnum):
    ACTIVITY = "activity"  # balance forward: opening balance, every movement, closing balance
    OPEN_ITEMS = "open-items"  # only what is unpaid at the statement date


class EntryKind(StrEnum):
    INVOICE = "invoice"
    PAYMENT = "payment"
    CREDIT_NOTE = "credit-note"


@dataclass(frozen=True)
class StatementLine:
    day: date
    kind: EntryKind
    reference: str  # invoice, payment or credit-note number
    details: str  # the invoice's PO / the payment's method and reference
    debit: Decimal  # invoices
    credit: Decimal  # payments and credit notes
    balance: Decimal  # running balance after this line (activity style)
    due_date: date | None = None  # invoices only
    open_amount: Decimal | None = None  # open-items style: what is left of it (negative on account)
    days_overdue: int | None = None  # open-items style: past the due date, 0 when not yet due


@dataclass(frozen=True)
class AgingBucketFigure:
    label: str  # "Current", "1-30 days", ...
    amount: Decimal


@dataclass(frozen=True)
class StatementDocument:
    branding: Branding
    formats: Formats
    client: Addressee
    style: StatementStyle
    statement_date: date
    period_start: date | None  # activity style; None for open items
    opening_balance: Decimal  # activity style; 0 for open items
    lines: tuple[StatementLine, ...]
    closing_balance: Decimal  # = the amount due
    aging: tuple[AgingBucketFigure, ...]  # sums to closing_balance (money on account included)
    payment_reference: str
    terms: str
    interest_accrued: Decimal | None = None  # shown, never added to the balance; None: nothing to say
    # ISO 11649, built from the client's code: a payment quoting it pays the client's invoices oldest first.
    creditor_reference: str = ""


@dataclass(frozen=True)
class LetterInvoice:
    number: str
    issue_date: date
    due_date: date
    amount: Decimal
    open_amount: Decimal
    days_overdue: int


@dataclass(frozen=True)
class LetterDocument:
    """A reminder or final demand sent by post; the reminders decide its words."""

    branding: Branding
    formats: Formats
    client: Addressee
    letter_date: date
    subject: str
    salutation: str  # "Dear Ms Jones,"
    paragraphs: tuple[str, ...]  # before the table
    invoices: tuple[LetterInvoice, ...]
    total_overdue: Decimal
    closing_paragraphs: tuple[str, ...]  # after the table
    sign_off: str  # "Yours sincerely,"
    signatory: str
    signatory_title: str = "Credit control"
    interest_accrued: Decimal | None = None  # shown under the table, never added to the total


def interest_accrued_line(formats: Formats, amount: Decimal) -> str:
    """The one wording of accrued interest on paper, so statements and letters agree."""
    return f"Interest accrued to date (not included above): {formats.money(amount)}"


@dataclass(frozen=True)
class AgedDebtorRow:
    code: str
    name: str
    buckets: tuple[Decimal, ...]
    on_account: Decimal  # money received and not applied, as a negative figure
    total: Decimal


@dataclass(frozen=True)
class AgedDebtorsDocument:
    branding: Branding
    formats: Formats
    as_of: date
    basis_label: str  # "by due date" / "by invoice date"
    bucket_labels: tuple[str, ...]
    rows: tuple[AgedDebtorRow, ...]
    totals: AgedDebtorRow


@dataclass(frozen=True)
class PlanScheduleInvoice:
    number: str
    issue_date: date
    due_date: date
    open_amount: Decimal  # owed on it when the plan was agreed


@dataclass(frozen=True)
class PlanScheduleLine:
    number: int
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class PlanScheduleDocument:
    branding: Branding
    formats: Formats
    client: Addressee
    plan_number: int
    agreed_on: date
    frequency: str  # "monthly", in words
    grace_days: int
    invoices: tuple[PlanScheduleInvoice, ...]
    instalments: tuple[PlanScheduleLine, ...]
    total: Decimal
    payment_reference: str


@dataclass(frozen=True)
class TimelineDocEntry:
    at: datetime | date  # a time for logged conversations, a day for ledger events
    label: str  # "Call", "Invoice", "Reminder sent", ...
    text: str  # what happened, exactly as recorded


@dataclass(frozen=True)
class TimelineDocument:
    branding: Branding
    formats: Formats
    client: Addressee
    as_of: date
    entries: tuple[TimelineDocEntry, ...]  # oldest first
