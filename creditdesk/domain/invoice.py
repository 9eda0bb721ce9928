"""Invoice lines, their totals and an invoice's state on a given day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.money import round_money

ZERO = Decimal(0)


class InvoiceStatus(StrEnum):
    """What is stored: the document's life cycle."""

    DRAFT = "draft"
    ISSUED = "issued"
    VOID = "void"


class InvoiceState(StrEnum):
    """What a person sees on a given day, derived from status and money."""

    DRAFT = "draft"
    VOID = "void"
    PAID = "paid"
    DISPUTED = "disputed"
    OVERDUE = "overdue"
    OPEN = "open"


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal = ZERO  # percent, e.g. Decimal("20")

    def __post_init__(self) -> None:
        if self.quantity <= ZERO:
            raise ValidationError(f"quantity {self.quantity} must be more than zero")
        if self.unit_price < ZERO:
            raise ValidationError(f"unit price {self.unit_price} cannot be negative")
        if not ZERO <= self.tax_rate <= Decimal(100):
            raise ValidationError(f"tax rate {self.tax_rate} % must be between 0 and 100")

    def net(self, exponent: int = 2) -> Decimal:
        return round_money(self.quantity * self.unit_price, exponent)

    def tax(self, exponent: int = 2) -> Decimal:
        return round_money(self.net(exponent) * self.tax_rate / 100, exponent)


@dataclass(frozen=True)
class InvoiceTotals:
    net: Decimal
    tax: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


def invoice_totals(lines: Iterable[InvoiceLine], exponent: int = 2) -> InvoiceTotals:
    """Totals rounded per line, so the document's lines always add up to its total."""
    net = tax = ZERO
    for line in lines:
        net += line.net(exponent)
        tax += line.tax(exponent)
    return InvoiceTotals(net, tax)


def invoice_state(
    status: InvoiceStatus,
    open_amount: Decimal,
    due_date: date,
    disputed: bool,
    as_of: date,
) -> InvoiceState:
    if status is InvoiceStatus.DRAFT:
        return InvoiceState.DRAFT
    if status is InvoiceStatus.VOID:
        return InvoiceState.VOID
    if open_amount <= ZERO:
        return InvoiceState.PAID
    if disputed:
        return InvoiceState.DISPUTED
    return InvoiceState.OVERDUE if as_of > due_date else InvoiceState.OPEN
