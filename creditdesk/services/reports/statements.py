"""Statements of account: what a client owes on a date and how it came about.

As-of semantics throughout: nothing dated after the statement date counts, so
a statement reprinted next year says what it said on the day. The aging strip
is put together by the domain's ``assemble_report`` from the same open
amounts the Aging tab uses, so both show the same figures, and they add up to
the closing balance (money on account included).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from creditdesk.documents.model import AgingBucketFigure, EntryKind, StatementDocument, StatementLine
from creditdesk.documents.model import StatementStyle as StatementStyle
from creditdesk.domain.aging import (
    AgingRow,
    Basis,
    ClientRef,
    age_in_days,
    assemble_report,
    bucket_index,
    bucket_keys,
)
from creditdesk.domain.allocation import natural_key
from creditdesk.domain.creditor_reference import creditor_reference
from creditdesk.domain.errors import NotFoundError, ValidationError
from creditdesk.domain.money import from_minor
from creditdesk.services.clients.records import client_by_code, client_terms
from creditdesk.services.ledger.interest import uncharged_interest_in
from creditdesk.services.reports.aged_debtors_print import bucket_label
from creditdesk.services.reports.invoice_print import Letterhead, addressee_of, letterhead_in, safe_file_part
from creditdesk.store.database import Database
from creditdesk.store.models import Client
from creditdesk.store.queries.ledger import client_exposure
from creditdesk.store.queries.reports import client_movements, client_open_items, client_unapplied_on
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)
ON_ACCOUNT_LABEL = "On account"
# Within a day: invoices before money received, credit notes (numbered) before payments.
_KIND_ORDER = {EntryKind.INVOICE: 0, EntryKind.CREDIT_NOTE: 1, EntryKind.PAYMENT: 2}


@dataclass(frozen=True)
class StatementRequest:
    statement_date: date
    style: StatementStyle = StatementStyle.ACTIVITY
    period_start: date | None = None  # activity style; None: the first day of the statement date's month

    @property
    def start(self) -> date:
        return self.period_start or self.statement_date.replace(day=1)


def statement_file_name(client_code: str, statement_date: date) -> str:
    return f"Statement {safe_file_part(client_code)} {statement_date.isoformat()}.pdf"


def client_id_for_code(db: Database, code: str) -> int:
    """The client a person names by code (the CLI's way of choosing one)."""
    with UnitOfWork(db) as uow:
        return client_by_code(uow.session, code).id


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError("this client no longer exists; it may have been removed by an import")
    return client


def _receipt_reference(kind: str, number: str, payer_reference: str) -> str:
    """A payment has no number of its own: the payer's reference says which; a credit note has its number."""
    return payer_reference if kind == "payment" and not number else number


def _sort_key(line: StatementLine) -> tuple[date, int, tuple[tuple[int, int | str], ...]]:
    return line.day, _KIND_ORDER[line.kind], natural_key(line.reference)


def _activity_lines(
    session: Session, client_id: int, start: date, end: date, opening: Decimal, exponent: int
) -> tuple[StatementLine, ...]:
    keyed = []
    for move in client_movements(session.connection(), client_id, start, end, exponent):
        money = move.amount
        entry = EntryKind(move.kind)
        if entry is EntryKind.INVOICE:
            line = StatementLine(
                move.day, entry, move.number, move.details, money, ZERO, ZERO, due_date=move.due_date
            )
        else:  # a payment has no number of its own: the payer's reference says which
            reference = _receipt_reference(move.kind, move.number, move.payer_reference)
            line = StatementLine(move.day, entry, reference, move.details, ZERO, money, ZERO)
        keyed.append((_sort_key(line), move.id, line))
    keyed.sort(key=lambda k: (k[0], k[1]))
    lines = []
    balance = opening
    for _, _, line in keyed:
        balance += line.debit - line.credit
        lines.append(
            StatementLine(
                line.day,
                line.kind,
                line.reference,
                line.details,
                line.debit,
                line.credit,
                balance,
                due_date=line.due_date,
            )
        )
    return tuple(lines)


@dataclass(frozen=True)
class _OpenPosition:
    lines: tuple[StatementLine, ...]  # open invoices, then money on account, by date; running balance
    aging: AgingRow | None  # the Aging tab's row for the client that day (None: nothing owed)


def _open_position(session: Session, client: Client, as_of: date, exponent: int) -> _OpenPosition:
    conn = session.connection()
    keyed = []
    sums = []
    for item in client_open_items(conn, client.id, as_of, exponent):
        open_amount = item.open
        days = age_in_days(as_of, item.issue_date, item.due_date, Basis.DUE)
        sums.append((client.id, bucket_index(days, Basis.DUE), open_amount))
        line = StatementLine(
            item.issue_date,
            EntryKind.INVOICE,
            item.number,
            item.reference,
            item.gross,
            ZERO,  # what was paid shows as the difference between the amount and what is open
            ZERO,
            due_date=item.due_date,
            open_amount=open_amount,
            days_overdue=max(days, 0),
        )
        keyed.append((_sort_key(line), item.id, line))
    on_account = ZERO
    for receipt in client_unapplied_on(conn, client.id, as_of, exponent):
        left = receipt.left
        on_account += left
        line = StatementLine(
            receipt.day,
            EntryKind(receipt.kind),
            _receipt_reference(receipt.kind, receipt.number, receipt.payer_reference),
            receipt.details,
            ZERO,
            receipt.amount,
            ZERO,
            open_amount=-left,
        )
        keyed.append((_sort_key(line), receipt.id, line))
    keyed.sort(key=lambda k: (k[0], k[1]))
    lines = []
    balance = ZERO
    for _, _, line in keyed:
        assert line.open_amount is not None
        balance += line.open_amount
        lines.append(
            StatementLine(
                line.day,
                line.kind,
                line.reference,
                line.details,
                line.debit,
                line.credit,
                balance,
                due_date=line.due_date,
                open_amount=line.open_amount,
                days_overdue=line.days_overdue,
            )
        )
    report = assemble_report(
        as_of,
        Basis.DUE,
        {client.id: ClientRef(client.id, client.code, client.name)},
        sums,
        {client.id: on_account} if on_account else {},
    )
    return _OpenPosition(tuple(lines), report.row_for(client.id))


def aging_strip(row: AgingRow | None) -> tuple[AgingBucketFigure, ...]:
    """The due-basis buckets under their printed names, and money on account when there is some."""
    keys = bucket_keys(Basis.DUE)
    amounts = row.buckets if row is not None else (ZERO,) * len(keys)
    figures = [
        AgingBucketFigure(bucket_label(key, Basis.DUE), amount)
        for key, amount in zip(keys, amounts, strict=True)
    ]
    if row is not None and row.unallocated != ZERO:
        figures.append(AgingBucketFigure(ON_ACCOUNT_LABEL, row.unallocated))
    return tuple(figures)


def build_statement(
    session: Session, head: Letterhead, client_id: int, request: StatementRequest
) -> StatementDocument:
    """One client's statement inside an open session; the batch reuses ``head`` for every client."""
    client = _client(session, client_id)
    exponent = head.formats.exponent
    as_of = request.statement_date
    position = _open_position(session, client, as_of, exponent)
    if request.style is StatementStyle.ACTIVITY:
        start = request.start
        if start > as_of:
            raise ValidationError(
                f"the statement period starts on {head.formats.day(start)}, after the statement date "
                f"{head.formats.day(as_of)}; choose a start on or before the statement date"
            )
        conn = session.connection()
        opening = from_minor(client_exposure(conn, client.id, start - timedelta(days=1)), exponent)
        lines = _activity_lines(session, client.id, start, as_of, opening, exponent)
        closing = lines[-1].balance if lines else opening
        period_start: date | None = start
    else:
        opening = ZERO
        lines = position.lines
        closing = lines[-1].balance if lines else ZERO
        period_start = None
    return StatementDocument(
        branding=head.branding,
        formats=head.formats,
        client=addressee_of(client),
        style=request.style,
        statement_date=as_of,
        period_start=period_start,
        opening_balance=opening,
        lines=lines,
        closing_balance=closing,
        aging=aging_strip(position.aging),
        payment_reference=client.code,
        terms=client_terms(session, client).describe(),
        interest_accrued=uncharged_interest_in(session, client, as_of),
        creditor_reference=creditor_reference(client.code),
    )


def statement_document(db: Database, client_id: int, request: StatementRequest) -> StatementDocument:
    with UnitOfWork(db) as uow:
        return build_statement(uow.session, letterhead_in(uow.session), client_id, request)


def statement_pdf(db: Database, client_id: int, request: StatementRequest) -> bytes:
    from creditdesk.documents.statement import render_statement  # ReportLab loads only when printing

    return render_statement(statement_document(db, client_id, request))
