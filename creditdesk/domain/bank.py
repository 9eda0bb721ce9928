"""What a bank statement says, as plain values shared by the readers and the matcher.

A bank file reader (``imports/bank``) turns CAMT, OFX, MT940 or a bank's CSV
into a :class:`BankStatement`; the matcher (``domain/matching``) decides what
each credit pays. Neither knows about the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class BankTransaction:
    """One booked entry on the statement.

    ``reference`` is the bank's own identifier of the entry (CAMT AcctSvcrRef,
    OFX FITID, the MT940 ``:61:`` bank reference), so a statement read twice,
    or two statements that overlap, name each entry once. ``amount`` is
    positive for money in (a credit) and negative for money out (a debit).
    """

    reference: str
    booked: date
    amount: Decimal
    currency: str
    payer_name: str = ""
    payer_iban: str = ""
    text: str = ""
    creditor_reference: str = ""
    line: int = 0  # where in the file it was read, for messages
    reversal: bool = False  # the bank undoes an earlier entry (CAMT RvslInd, MT940 RC/RD)
    # True when the file gave no reference of its own and the reader derived a stable key.
    reference_derived: bool = False

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


@dataclass(frozen=True)
class BankStatement:
    """The entries of one statement file, for one account in one currency."""

    format: str  # "camt.053", "camt.054", "ofx", "mt940", "csv"
    account_iban: str
    currency: str
    transactions: tuple[BankTransaction, ...] = field(default_factory=tuple)
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    statement_date: date | None = None
    account: str = ""  # the account as the file names it, IBAN or not (OFX BANKID/ACCTID, MT940 :25:)

    @property
    def credits(self) -> tuple[BankTransaction, ...]:
        """Money in: the only entries that can be customer payments.

        A reversal booked as a credit gives back money the business paid out; it pays no invoice.
        """
        return tuple(entry for entry in self.transactions if entry.is_credit and not entry.reversal)
