"""What the bank reader tests share: where the fixtures are and a row of figures per transaction."""

from __future__ import annotations

from pathlib import Path

from creditdesk.domain.bank import BankStatement, BankTransaction

FIXTURES = Path(__file__).parent / "fixtures" / "bank"

Row = tuple[str, str, str, str, str, str, str, bool]


def rows(statement: BankStatement) -> list[Row]:
    """Each transaction as (reference, booked, amount, payer, IBAN, text, creditor reference, reversal)."""
    return [row(entry) for entry in statement.transactions]


def row(entry: BankTransaction) -> Row:
    return (
        entry.reference,
        entry.booked.isoformat(),
        f"{entry.amount:f}",
        entry.payer_name,
        entry.payer_iban,
        entry.text,
        entry.creditor_reference,
        entry.reversal,
    )


def balances_add_up(statement: BankStatement) -> bool:
    assert statement.opening_balance is not None and statement.closing_balance is not None
    moved = sum((entry.amount for entry in statement.transactions), start=statement.opening_balance)
    return moved == statement.closing_balance
