"""Import a bank statement: what is proven is recorded, what is guessed waits, nothing is recorded twice.

One write transaction reads the snapshot the matcher decides against
(``domain.matching``), records a payment for each credit it applies (allocated
exactly as decided, any excess on account), links credits that are payments
already entered by hand, and keeps every credit as a bank entry, so reading
the same statement again, or one that overlaps it, adds nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from creditdesk.domain.bank import BankStatement, BankTransaction
from creditdesk.domain.creditor_reference import creditor_reference
from creditdesk.domain.errors import ImportRefused, ValidationError
from creditdesk.domain.matching import (
    LINK_WINDOW_DAYS,
    ClientIdentity,
    MatchDecision,
    MatchingBooks,
    OpenItem,
    Outcome,
    RecordedPayment,
    iban_key,
    match_transactions,
)
from creditdesk.domain.money import currency_exponent, from_minor, to_minor
from creditdesk.imports.bank import read_bank_file, table_header
from creditdesk.imports.bank.table_presets import BankField as BankField
from creditdesk.imports.formats import FormatChoices
from creditdesk.services.company.settings import company_in
from creditdesk.services.imports.watch import Steps, WriteWatch
from creditdesk.services.ledger.payments import PaymentInput, record_payment_in
from creditdesk.store.database import Database, is_open_here
from creditdesk.store.models import BankEntry, BankEntryInvoice
from creditdesk.store.queries.bank import (
    client_names,
    known_payers,
    known_references,
    open_invoices_for_matching,
    unlinked_payments,
)
from creditdesk.store.unit_of_work import UnitOfWork

BANK_METHOD = "bank transfer"


@dataclass(frozen=True)
class BankImportSummary:
    """What importing a statement did (or, in a dry run, would do)."""

    file: str
    format: str
    currency: str
    exponent: int
    counts: Counter[Outcome]
    applied_total: Decimal
    debits: int  # money out, not customer payments: left out
    dry_run: bool

    def describe(self) -> str:
        c = self.counts
        parts = [
            f"applied: {c[Outcome.APPLIED]}",
            f"suggested: {c[Outcome.SUGGESTED]}",
            f"unmatched: {c[Outcome.UNMATCHED]}",
            f"linked to payments already entered: {c[Outcome.LINKED]}",
            f"already imported: {c[Outcome.KNOWN]}",
        ]
        if self.debits:
            parts.append(f"money out, left out: {self.debits}")
        return f"{self.file} ({self.format}): " + "; ".join(parts)


@dataclass(frozen=True)
class BankCheck:
    """A statement file as read, and what importing it would do against the books as they were (a dry run)."""

    statement: BankStatement
    file_name: str
    summary: BankImportSummary

    @property
    def account(self) -> str:
        return self.statement.account_iban or self.statement.account

    @property
    def period(self) -> tuple[date, date] | None:
        """The first and last booking day of the file's entries; None for a file without entries."""
        days = [entry.booked for entry in self.statement.transactions]
        return (min(days), max(days)) if days else None

    @property
    def credits(self) -> int:
        return len(self.statement.credits)


def check_bank_file(
    db: Database, path: Path | str, *, columns: Mapping[BankField, str] | None = None
) -> BankCheck:
    """Read a statement file and work out, writing nothing, what importing it would do.

    ``columns`` maps a bank's CSV export by hand (see ``bank_file_columns``).
    Raises ``FileRefused`` for a file that cannot be read, ``ImportRefused`` for
    a statement in another currency.
    """
    path = Path(path)
    if is_open_here(path):  # reading it here would drop this process's locks on the books
        raise ValidationError(f"{path.name} is the company file itself; choose the bank's statement file")
    with UnitOfWork(db) as uow:
        company = company_in(uow.session)
        currency, locale = company.currency, company.locale
    # A bank CSV's dates and amounts that its values leave open are read as the company's locale writes them.
    choices = FormatChoices().with_locale(locale) if locale else None
    statement = read_bank_file(
        path, "csv" if columns else None, choices=choices, columns=columns, currency=currency
    )
    return BankCheck(statement, path.name, import_bank_statement(db, statement, path.name, dry_run=True))


def bank_file_columns(path: Path | str) -> tuple[str, ...]:
    """The columns of a table no bank preset recognised, so they can be mapped by hand; () for other files."""
    path = Path(path)
    return () if is_open_here(path) else table_header(path)


def import_bank_statement(
    db: Database,
    statement: BankStatement,
    file_name: str,
    *,
    dry_run: bool = False,
    watch: WriteWatch | None = None,
) -> BankImportSummary:
    """Match ``statement``'s credits against the books and, unless ``dry_run``, record what they pay.

    All in one transaction: ``ImportCancelled``, writing nothing, when ``watch`` is cancelled first.
    """
    with UnitOfWork(db, write=not dry_run) as uow:
        session = uow.session
        currency = company_in(session).currency
        _refuse_other_currency(statement, currency, file_name)
        exponent = currency_exponent(currency)
        credits = statement.credits
        account = statement.account_iban or statement.account or "unknown account"
        decisions = match_transactions(
            credits, _books(session, account, credits, exponent), _as_of(statement)
        )
        if not dry_run:
            steps = Steps(watch, len(decisions))
            for decision in decisions:
                _keep(session, account, decision, exponent, file_name)
                steps.sent(1)
            steps.commit(uow)
    applied = sum((d.transaction.amount for d in decisions if d.outcome is Outcome.APPLIED), Decimal(0))
    return BankImportSummary(
        file_name,
        statement.format,
        currency,
        exponent,
        Counter(d.outcome for d in decisions),
        applied,
        len(statement.transactions) - len(credits),
        dry_run,
    )


def import_bank_file(
    db: Database, path: Path | str, *, format: str | None = None, dry_run: bool = False
) -> BankImportSummary:
    """Read a statement file (CAMT, OFX, MT940 or a bank's CSV) and import it; a bad file writes nothing."""
    path = Path(path)
    with UnitOfWork(db) as uow:
        currency = company_in(uow.session).currency
    statement = read_bank_file(path, format, currency=currency)
    return import_bank_statement(db, statement, path.name, dry_run=dry_run)


def _refuse_other_currency(statement: BankStatement, currency: str, file_name: str) -> None:
    others = sorted({t.currency for t in statement.transactions if t.currency and t.currency != currency})
    if statement.currency and statement.currency != currency:
        others = sorted({statement.currency, *others})
    if others:
        raise ImportRefused(
            file_name,
            [
                f"the statement is in {', '.join(others)}, but the books are kept in {currency}; "
                f"import a statement of the account that receives {currency}"
            ],
        )


def _as_of(statement: BankStatement) -> date:
    """The day "overdue" is judged on: the statement's own date, else its last booking."""
    if statement.statement_date is not None:
        return statement.statement_date
    return max((t.booked for t in statement.transactions), default=date.min)


def _books(
    session: Session, account: str, credits: tuple[BankTransaction, ...], exponent: int
) -> MatchingBooks:
    conn = session.connection()
    invoices = [
        OpenItem(row.id, row.client_id, row.number, from_minor(row.open, exponent), row.due_date)
        for row in open_invoices_for_matching(conn)
    ]
    ibans: dict[int, list[str]] = {}
    names: dict[int, list[str]] = {}
    for payer in known_payers(conn):
        if payer.iban:
            ibans.setdefault(payer.client_id, []).append(payer.iban)
        if payer.name_key:
            names.setdefault(payer.client_id, []).append(payer.name_key)
    named = client_names(conn)
    clients = [
        ClientIdentity(client_id, name, tuple(ibans.get(client_id, ())), tuple(names.get(client_id, ())))
        for client_id, name, _code in named
    ]
    references: dict[str, int] = {}
    client_references: dict[str, int] = {}
    if any(t.creditor_reference or "RF" in t.text.upper() for t in credits):
        # Invoices carry their number's reference, statements their client code's.
        references = _unambiguous((item.number, item.invoice_id) for item in invoices)
        client_references = _unambiguous((code, client_id) for client_id, _name, code in named)
    payments: list[RecordedPayment] = []
    if credits:
        window = timedelta(days=LINK_WINDOW_DAYS)
        start = min(t.booked for t in credits) - window
        end = max(t.booked for t in credits) + window
        payments = [
            RecordedPayment(p.id, p.client_id, p.date, from_minor(p.amount, exponent), p.reference)
            for p in unlinked_payments(conn, start, end)
        ]
    return MatchingBooks(
        invoices, clients, references, payments, known_references(conn, account), client_references
    )


def _unambiguous(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Each creditor reference and what it names; one built from two names (``A-1``, ``A1``) names neither."""
    found: dict[str, int] = {}
    twice: set[str] = set()
    for name, target in pairs:
        try:
            reference = creditor_reference(name)
        except ValueError:
            continue  # nothing to build a reference from
        if reference in found and found[reference] != target:
            twice.add(reference)
        found[reference] = target
    return {reference: target for reference, target in found.items() if reference not in twice}


def _keep(session: Session, account: str, decision: MatchDecision, exponent: int, file_name: str) -> None:
    if decision.outcome is Outcome.KNOWN:
        return
    entry = decision.transaction
    payment_id = decision.payment_id
    if decision.outcome is Outcome.APPLIED:
        assert decision.client_id is not None
        receipt = record_payment_in(
            session,
            PaymentInput(
                decision.client_id,
                entry.booked,
                entry.amount,
                method=BANK_METHOD,
                reference=entry.reference[:100],
            ),
            decision.allocations,
        )
        payment_id = receipt.id
    row = BankEntry(
        account=account[:34],
        bank_reference=entry.reference[:140],
        booked=entry.booked,
        amount=to_minor(entry.amount, exponent),
        payer_name=entry.payer_name[:140],
        payer_iban=iban_key(entry.payer_iban)[:34],
        text=entry.text,
        creditor_reference=entry.creditor_reference[:35],
        status=decision.outcome.value,
        reason=decision.reason.value,
        client_id=decision.client_id,
        payment_id=payment_id,
        statement=file_name[:260],
    )
    session.add(row)
    session.flush()
    for allocation in decision.allocations:
        session.add(
            BankEntryInvoice(
                bank_entry_id=row.id,
                invoice_id=allocation.invoice_id,
                amount=to_minor(allocation.amount, exponent),
            )
        )
