"""Typed tables of a company file.

Money columns hold integer minor units (cents, 64-bit); quantities and rates that are
not money are kept as exact decimal text. Dates are ISO ``YYYY-MM-DD``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    func,
    inspect,
    text,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, object_session, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Minor units: 64-bit on PostgreSQL, whose INTEGER stops at 21,474,836.47 in cents; SQLite's
# INTEGER is 64-bit already (and the company files say INTEGER).
Money = BigInteger().with_variant(Integer(), "sqlite")


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as its text, so SQLite never turns it into a float."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else format(value, "f")

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Company(Base):
    """The one row of business settings of this company file."""

    __tablename__ = "company"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("page_size IN ('A4', 'Letter')", name="page_size_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    tax_number: Mapped[str] = mapped_column(String(50), default="")
    currency: Mapped[str] = mapped_column(String(3))
    locale: Mapped[str] = mapped_column(String(20))
    bank_account_name: Mapped[str] = mapped_column(String(200), default="")
    bank_iban: Mapped[str] = mapped_column(String(34), default="")
    bank_bic: Mapped[str] = mapped_column(String(11), default="")
    bank_account_number: Mapped[str] = mapped_column(String(34), default="")
    bank_sort_code: Mapped[str] = mapped_column(String(20), default="")
    # Branding of printed documents.
    payment_instructions: Mapped[str] = mapped_column(Text, default="")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)  # PNG or JPEG, already checked and scaled
    page_size: Mapped[str] = mapped_column(String(10), default="A4")
    accent_colour: Mapped[str] = mapped_column(String(7), default="#1F4E79")
    signatory: Mapped[str] = mapped_column(String(200), default="")  # signs letters
    invoice_prefix: Mapped[str] = mapped_column(String(20), default="INV-")
    invoice_next_number: Mapped[int] = mapped_column(Integer, default=1)
    invoice_number_digits: Mapped[int] = mapped_column(Integer, default=5)
    credit_note_prefix: Mapped[str] = mapped_column(String(20), default="CN-")
    credit_note_next_number: Mapped[int] = mapped_column(Integer, default=1)
    default_terms_id: Mapped[int | None] = mapped_column(ForeignKey("payment_terms.id"))
    chase_schedule_id: Mapped[int | None] = mapped_column(ForeignKey("chase_schedule.id"))
    # Late-payment interest for every client without a policy of its own (domain.interest.InterestKind).
    interest_kind: Mapped[str] = mapped_column(String(20), default="none", server_default="none")
    interest_rate: Mapped[Decimal | None] = mapped_column(ExactDecimal)  # percent a year; contractual only
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class PaymentTermsRow(Base):
    __tablename__ = "payment_terms"
    __table_args__ = (
        CheckConstraint("days >= 0", name="days_not_negative"),
        CheckConstraint("basis IN ('net', 'eom')", name="basis_known"),
        CheckConstraint("(discount_percent IS NULL) = (discount_days IS NULL)", name="discount_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    days: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str] = mapped_column(String(3), default="net")
    discount_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    discount_days: Mapped[int | None] = mapped_column(Integer)


class Client(Base):
    __tablename__ = "client"
    __table_args__ = (
        CheckConstraint("credit_limit IS NULL OR credit_limit >= 0", name="credit_limit_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    terms_id: Mapped[int] = mapped_column(ForeignKey("payment_terms.id"))
    credit_limit: Mapped[int | None] = mapped_column(Money)  # minor units; None = no limit
    on_hold: Mapped[bool] = mapped_column(default=False)
    do_not_chase: Mapped[bool] = mapped_column(default=False)
    chase_schedule_id: Mapped[int | None] = mapped_column(ForeignKey("chase_schedule.id"))  # None = company's
    interest_kind: Mapped[str | None] = mapped_column(String(20))  # None: the company's policy
    interest_rate: Mapped[Decimal | None] = mapped_column(ExactDecimal)  # percent a year; contractual only
    handed_over_on: Mapped[date | None] = mapped_column(Date)  # to a collection agency: chasing stops
    archived: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    # Raised by every edit through a form, so a form read before someone else's edit is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    terms: Mapped[PaymentTermsRow] = relationship()


class Invoice(Base):
    __tablename__ = "invoice"
    __table_args__ = (
        CheckConstraint("due_date >= issue_date", name="due_not_before_issue"),
        CheckConstraint("status IN ('draft', 'issued', 'void')", name="status_known"),
        CheckConstraint("gross = net + tax", name="gross_is_net_plus_tax"),
        CheckConstraint("net >= 0 AND tax >= 0", name="amounts_not_negative"),
        Index("ix_invoice_client_status", "client_id", "status"),
        Index("ix_invoice_source_key", "source", "external_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    issue_date: Mapped[date] = mapped_column(Date, index=True)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    disputed: Mapped[bool] = mapped_column(default=False)
    # "Start at stage N" for an invoice entered late: chasing begins there, not at the first stage.
    chase_start_stage: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    net: Mapped[int] = mapped_column(Money, default=0)
    tax: Mapped[int] = mapped_column(Money, default=0)
    gross: Mapped[int] = mapped_column(Money, default=0)
    # An imported invoice: the system it came from ("quickbooks", a mapping's name) and its key there.
    source: Mapped[str] = mapped_column(String(40), server_default=text("''"))
    external_key: Mapped[str] = mapped_column(String(100), server_default=text("''"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))  # as the client's

    client: Mapped[Client] = relationship()
    lines: Mapped[list[InvoiceLineRow]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLineRow.position"
    )


class InvoiceLineRow(Base):
    __tablename__ = "invoice_line"
    __table_args__ = (CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal)
    unit_price: Mapped[int] = mapped_column(Money)  # minor units
    tax_rate: Mapped[Decimal] = mapped_column(ExactDecimal)  # percent

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class Payment(Base):
    __tablename__ = "payment"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Money)
    method: Mapped[str] = mapped_column(String(30), default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class CreditNote(Base):
    __tablename__ = "credit_note"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"))  # the invoice it names
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class AllocationRow(Base):
    """Money from one payment or credit note applied to one invoice.

    ``date`` is when the money took effect on the invoice: the payment's date
    when applied on receipt, or the day money on account was allocated later.
    Aging as of D counts allocations dated on or before D, so past reports
    never change when money on account is applied today.
    """

    __tablename__ = "allocation"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("(payment_id IS NULL) != (credit_note_id IS NULL)", name="one_source"),
        Index("ix_allocation_invoice_date_amount", "invoice_id", "date", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"), index=True)
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("credit_note.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Money)


class Activity(Base):
    """The client's timeline: what happened and what was said."""

    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_client_at", "client_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")


class ChaseSchedule(Base):
    """An ordered list of reminder stages; the company has a default, a client may have its own."""

    __tablename__ = "chase_schedule"
    __table_args__ = (
        CheckConstraint("min_gap_days >= 0", name="min_gap_not_negative"),
        CheckConstraint("min_amount >= 0", name="min_amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    min_gap_days: Mapped[int] = mapped_column(Integer, default=7)
    min_amount: Mapped[int] = mapped_column(Money, default=100)  # minor units

    stages: Mapped[list[ChaseStage]] = relationship(
        back_populates="schedule", cascade="all, delete-orphan", order_by="ChaseStage.offset_days"
    )


class ChaseStage(Base):
    __tablename__ = "chase_stage"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'letter', 'phone')", name="channel_known"),
        CheckConstraint("fee IS NULL OR fee >= 0", name="fee_not_negative"),
        UniqueConstraint("schedule_id", "key", name="uq_chase_stage_schedule_key"),
        UniqueConstraint("schedule_id", "offset_days", name="uq_chase_stage_schedule_offset"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("chase_schedule.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(30))  # stable across renames: reminders sent refer to it
    name: Mapped[str] = mapped_column(String(100))
    offset_days: Mapped[int] = mapped_column(Integer)  # from the due date; negative = before it
    channel: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    attach_invoices: Mapped[bool] = mapped_column(default=False)
    attach_statement: Mapped[bool] = mapped_column(default=False)
    fee: Mapped[int | None] = mapped_column(Money)  # minor units
    automatic: Mapped[bool] = mapped_column(default=False)  # sends without approval

    schedule: Mapped[ChaseSchedule] = relationship(back_populates="stages")


class Reminder(Base):
    """One outbox message: a stage of the schedule for some of a client's invoices.

    ``dedupe_key`` (client, stage, invoices, day) is unique, so the same reminder
    can never be queued twice, even across restarts.
    """

    __tablename__ = "reminder"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'approved', 'sending', 'sent', 'failed', 'cancelled')", name="status_known"
        ),
        CheckConstraint("channel IN ('email', 'letter', 'phone')", name="channel_known"),
        Index("ix_reminder_status", "status"),
        Index("ix_reminder_client_planned", "client_id", "planned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    stage_key: Mapped[str] = mapped_column(String(30))
    stage_name: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(10))
    planned_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    recipient: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    attach_invoices: Mapped[bool] = mapped_column(default=False)
    attach_statement: Mapped[bool] = mapped_column(default=False)
    total: Mapped[int] = mapped_column(Money, default=0)  # minor units chased
    fee: Mapped[int | None] = mapped_column(Money)
    message_id: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    eml: Mapped[bytes | None] = mapped_column(LargeBinary)  # exactly what went out
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    invoices: Mapped[list[ReminderInvoice]] = relationship(cascade="all, delete-orphan")


class ReminderInvoice(Base):
    __tablename__ = "reminder_invoice"

    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminder.id", ondelete="CASCADE"), primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), primary_key=True, index=True)


class SmtpSettings(Base):
    """Where reminders go out. The password is never here: it lives in the OS keyring."""

    __tablename__ = "smtp_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("security IN ('starttls', 'ssl', 'plain')", name="security_known"),
        CheckConstraint("port BETWEEN 1 AND 65535", name="port_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(253))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(10))
    username: Mapped[str] = mapped_column(String(254), default="")
    from_name: Mapped[str] = mapped_column(String(200), default="")
    from_address: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    bcc_me: Mapped[bool] = mapped_column(default=False)
    # "password", or the OAuth2 provider ("microsoft", "google"); its refresh token is in the keyring.
    sign_in: Mapped[str] = mapped_column(String(12), default="password", server_default="password")


# --- credit-control workflow: conversations, promises, disputes, plans, interest ------------------


class Conversation(Base):
    """A call, an email received, a meeting or a note, with what came of it and when to follow up."""

    __tablename__ = "conversation"
    __table_args__ = (
        CheckConstraint("kind IN ('call', 'email', 'meeting', 'note')", name="kind_known"),
        Index("ix_conversation_follow_up", "follow_up_on", "follow_up_done"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    follow_up_done: Mapped[bool] = mapped_column(default=False)

    invoices: Mapped[list[ConversationInvoice]] = relationship(cascade="all, delete-orphan")


class ConversationInvoice(Base):
    __tablename__ = "conversation_invoice"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), primary_key=True
    )
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), primary_key=True)


class PromiseRow(Base):
    """A promise to pay ``amount`` by ``promised_date``; open, kept or broken is worked out, not stored."""

    __tablename__ = "promise"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("promised_date >= made_on", name="not_before_made"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    amount: Mapped[int] = mapped_column(Money)  # minor units
    promised_date: Mapped[date] = mapped_column(Date, index=True)
    made_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    invoices: Mapped[list[PromiseInvoice]] = relationship(cascade="all, delete-orphan")


class PromiseInvoice(Base):
    __tablename__ = "promise_invoice"

    promise_id: Mapped[int] = mapped_column(ForeignKey("promise.id", ondelete="CASCADE"), primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), primary_key=True, index=True)


class DisputeRow(Base):
    """Why an invoice is disputed and how it ended; ``Invoice.disputed`` mirrors an open one."""

    __tablename__ = "dispute"
    __table_args__ = (
        CheckConstraint(
            "reason IN ('price', 'quality', 'not_received', 'wrong_po', 'other')", name="reason_known"
        ),
        CheckConstraint(
            "outcome IS NULL OR outcome IN ('credit_note', 'in_our_favour', 'partial_credit')",
            name="outcome_known",
        ),
        CheckConstraint("(resolved_on IS NULL) = (outcome IS NULL)", name="resolution_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    opened_on: Mapped[date] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(20))
    resolution_notes: Mapped[str] = mapped_column(Text, default="")
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("credit_note.id"))


class PaymentPlanRow(Base):
    """Invoices' open amount split into dated instalments; kept, broken or completed is worked out."""

    __tablename__ = "payment_plan"
    __table_args__ = (
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint("frequency IN ('weekly', 'fortnightly', 'monthly')", name="frequency_known"),
        CheckConstraint("grace_days >= 0", name="grace_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    made_on: Mapped[date] = mapped_column(Date)  # money applied from this day on counts towards it
    first_date: Mapped[date] = mapped_column(Date)
    frequency: Mapped[str] = mapped_column(String(12))
    total: Mapped[int] = mapped_column(Money)  # minor units
    grace_days: Mapped[int] = mapped_column(Integer, default=7)
    notes: Mapped[str] = mapped_column(Text, default="")

    instalments: Mapped[list[PlanInstalment]] = relationship(
        cascade="all, delete-orphan", order_by="PlanInstalment.number"
    )
    invoices: Mapped[list[PaymentPlanInvoice]] = relationship(cascade="all, delete-orphan")


class PlanInstalment(Base):
    __tablename__ = "plan_instalment"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("payment_plan.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)  # from 1
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Money)  # minor units


class PaymentPlanInvoice(Base):
    __tablename__ = "payment_plan_invoice"

    plan_id: Mapped[int] = mapped_column(ForeignKey("payment_plan.id", ondelete="CASCADE"), primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), primary_key=True, index=True)


class BaseRateRow(Base):
    """The Bank of England base rate from a date, for statutory interest."""

    __tablename__ = "base_rate"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, unique=True)
    rate: Mapped[Decimal] = mapped_column(ExactDecimal)  # percent


class InterestCharge(Base):
    """Interest and compensation on one invoice already charged by an interest invoice.

    Raising interest again charges only what accrued beyond these, so nothing is charged twice.
    """

    __tablename__ = "interest_charge"
    __table_args__ = (CheckConstraint("interest >= 0 AND compensation >= 0", name="amounts_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)  # the late invoice
    charged_by_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)  # the interest invoice
    through: Mapped[date] = mapped_column(Date)  # accrued up to and including this day
    interest: Mapped[int] = mapped_column(Money)  # minor units
    compensation: Mapped[int] = mapped_column(Money)  # minor units


class ImportMappingRow(Base):
    """A user's own mapping of a file's columns, saved under a name in the company file (so shared books share
    it): which column holds which field, and the date and number formats chosen for its columns."""

    __tablename__ = "import_mapping"
    __table_args__ = (
        UniqueConstraint("kind", "name", name="uq_import_mapping_kind_name"),
        CheckConstraint("kind IN ('clients', 'invoices', 'payments')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    columns: Mapped[str] = mapped_column(Text)  # JSON: field -> the file's column name
    statuses: Mapped[str] = mapped_column(Text, default="{}")  # JSON: the file's status word -> SourceStatus
    date_formats: Mapped[str] = mapped_column(Text, default="{}")  # JSON: column -> DateOrder
    number_formats: Mapped[str] = mapped_column(
        Text, default="{}"
    )  # JSON: column -> [decimal mark, grouping]
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class BankEntry(Base):
    """One credit read from a bank statement, and what was done with it.

    ``account`` and ``bank_reference`` name the entry as the bank does, so a
    statement imported twice, or two that overlap, add nothing. ``payment_id``
    is the payment recorded for it ("applied", "confirmed") or the payment
    already in the books that it was found to be ("linked").
    """

    __tablename__ = "bank_entry"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "status IN ('applied', 'suggested', 'unmatched', 'linked', 'ignored')", name="status_known"
        ),
        UniqueConstraint("account", "bank_reference", name="uq_bank_entry_account_reference"),
        Index("ix_bank_entry_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(34))  # the statement's account (an IBAN or the bank's number)
    bank_reference: Mapped[str] = mapped_column(String(140))
    booked: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[int] = mapped_column(Money)  # minor units, money in only
    payer_name: Mapped[str] = mapped_column(String(140), default="")
    payer_iban: Mapped[str] = mapped_column(String(34), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    creditor_reference: Mapped[str] = mapped_column(String(35), default="")
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(40), default="")  # why it was suggested or left
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"), index=True)
    statement: Mapped[str] = mapped_column(String(260), default="")  # the file it came from, for the user
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class BankEntryInvoice(Base):
    """The invoices a bank entry pays, or would pay if its suggestion is confirmed."""

    __tablename__ = "bank_entry_invoice"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    bank_entry_id: Mapped[int] = mapped_column(ForeignKey("bank_entry.id"), primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), primary_key=True)
    amount: Mapped[int] = mapped_column(Money)  # minor units


class KnownPayer(Base):
    """A payer's IBAN or name the user assigned to a client, so the next payment from it is known."""

    __tablename__ = "known_payer"
    __table_args__ = (UniqueConstraint("iban", "name_key", name="uq_known_payer_iban_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    iban: Mapped[str] = mapped_column(String(34), default="")  # '' when only the name is known
    name_key: Mapped[str] = mapped_column(String(140), default="")  # the payer's name, normalised


@event.listens_for(Client, "before_update")
@event.listens_for(Invoice, "before_update")
def _next_version(mapper: Mapper[Any], connection: Connection, record: Client | Invoice) -> None:
    """Every change saved through the ORM raises the record's version (see services/row_versions)."""
    if object_session(record) is not None and _has_column_changes(record):
        record.version += 1


def _has_column_changes(record: object) -> bool:
    state = inspect(record)
    return any(state.attrs[column.key].history.has_changes() for column in state.mapper.column_attrs)
