"""What the Invoices tab and the money dialogs read.

The tab's table is columnar plain data loaded by one aggregate query: an array
or a list per column, one entry per invoice, never an object per cell. On a
200,000-invoice file it loads in about a second (off the GUI thread), a search
keystroke scans a precomputed lower-case text per row in tens of
milliseconds, and a sort is a ``sorted`` over one column's keys. Amounts stay
integer minor units in the arrays and become ``Decimal`` only for the few
cells on screen.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from heapq import merge
from itertools import islice
from time import perf_counter, sleep
from typing import Any

from babel.numbers import get_decimal_symbol
from sqlalchemy import select

from creditdesk.domain.aging import sort_key
from creditdesk.domain.allocation import OpenInvoice, oldest_first
from creditdesk.domain.errors import NotFoundError
from creditdesk.domain.invoice import (
    InvoiceLine,
    InvoiceState,
    InvoiceStatus,
    InvoiceTotals,
    invoice_state,
)
from creditdesk.domain.money import currency_exponent, from_minor
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.company.settings import company_in, terms_of
from creditdesk.store.database import Database
from creditdesk.store.models import (
    AllocationRow,
    Client,
    CreditNote,
    Invoice,
    InvoiceLineRow,
    Payment,
    PaymentTermsRow,
)
from creditdesk.store.queries.company import company_exponent
from creditdesk.store.queries.ledger import (
    InvoiceListColumns,
    invoice_list_chunks,
    open_invoices_of,
    unapplied_receipts_of,
)
from creditdesk.store.queries.reports import ClientRefRow, client_refs
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)

# A row's state is stored as its index in this tuple (one byte per invoice).
STATES: tuple[InvoiceState, ...] = tuple(InvoiceState)
_STATE_CODE = {state: code for code, state in enumerate(STATES)}
# Sorting by status puts what needs attention first.
_STATUS_RANK = {
    InvoiceState.OVERDUE: 0,
    InvoiceState.DISPUTED: 1,
    InvoiceState.OPEN: 2,
    InvoiceState.DRAFT: 3,
    InvoiceState.PAID: 4,
    InvoiceState.VOID: 5,
}
_SEPARATOR = "\x1f"  # between the parts of a row's search text; nobody types it


def fold(text: str) -> str:
    """Text as search compares it: case and accents ignored (``böhm`` finds Böhm and BOHM)."""
    return text.lower() if text.isascii() else sort_key(text)


class SortKey(StrEnum):
    NUMBER = "number"
    CLIENT = "client"
    ISSUED = "issued"
    DUE = "due"
    TOTAL = "total"
    OPEN = "open"
    DAYS_OVERDUE = "days_overdue"
    STATUS = "status"
    REFERENCE = "reference"


class StatusFilter(StrEnum):
    ALL = "all"
    OPEN = "open"  # everything still owed: open, overdue and disputed
    OVERDUE = "overdue"
    PAID = "paid"
    DISPUTED = "disputed"
    DRAFT = "draft"
    VOID = "void"


FILTER_STATES: dict[StatusFilter, frozenset[InvoiceState]] = {
    StatusFilter.ALL: frozenset(InvoiceState),
    StatusFilter.OPEN: frozenset({InvoiceState.OPEN, InvoiceState.OVERDUE, InvoiceState.DISPUTED}),
    StatusFilter.OVERDUE: frozenset({InvoiceState.OVERDUE}),
    StatusFilter.PAID: frozenset({InvoiceState.PAID}),
    StatusFilter.DISPUTED: frozenset({InvoiceState.DISPUTED}),
    StatusFilter.DRAFT: frozenset({InvoiceState.DRAFT}),
    StatusFilter.VOID: frozenset({InvoiceState.VOID}),
}


@dataclass(frozen=True, eq=False, repr=False)
class InvoiceTable:
    """Every invoice as of a day, one entry per invoice in each column, in id order.

    Clients are stored once (``client_*`` tuples) and referred to by position
    (``client_index``). Dates are ``date.toordinal()`` numbers, amounts minor units.
    """

    as_of: date
    exponent: int
    ids: array[int]
    numbers: list[str]
    references: list[str]
    client_index: array[int]
    client_ids: tuple[int, ...]
    client_codes: tuple[str, ...]
    client_names: tuple[str, ...]
    issue_days: array[int]
    due_days: array[int]
    gross: array[int]
    open: array[int]  # minor units still owed on ``as_of``; 0 for drafts and void invoices
    overdue_days: array[int]  # days past due on ``as_of`` with money still owed, else 0
    states: bytes  # index into STATES
    search_texts: list[str]  # folded number, reference, total, client code and name
    _orders: dict[SortKey, array[int]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"<InvoiceTable of {len(self)} invoices as of {self.as_of.isoformat()}>"

    # -- one cell ------------------------------------------------------------------------------
    def row_of(self, invoice_id: int) -> int | None:
        row = bisect_left(self.ids, invoice_id)
        return row if row < len(self.ids) and self.ids[row] == invoice_id else None

    def state(self, row: int) -> InvoiceState:
        return STATES[self.states[row]]

    def client_id(self, row: int) -> int:
        return self.client_ids[self.client_index[row]]

    def client_code(self, row: int) -> str:
        return self.client_codes[self.client_index[row]]

    def client_name(self, row: int) -> str:
        return self.client_names[self.client_index[row]]

    def issue_date(self, row: int) -> date:
        return date.fromordinal(self.issue_days[row])

    def due_date(self, row: int) -> date:
        return date.fromordinal(self.due_days[row])

    def gross_amount(self, row: int) -> Decimal:
        return from_minor(self.gross[row], self.exponent)

    def open_amount(self, row: int) -> Decimal:
        return from_minor(self.open[row], self.exponent)

    # -- many rows -----------------------------------------------------------------------------
    def order(self, key: SortKey) -> array[int]:
        """Row numbers sorted ascending by ``key`` (ties in id order), worked out once per table."""
        found = self._orders.get(key)
        if found is None:
            found = array("l", stable_order(self._sort_keys(key)))
            self._orders[key] = found
        return found

    def sorted_keys(self) -> frozenset[SortKey]:
        """The columns whose order is worked out already (sorting by them again is instant)."""
        return frozenset(self._orders)

    def _sort_keys(self, key: SortKey) -> Sequence[Any]:
        if key is SortKey.NUMBER:
            return [_number_key(n) for n in self.numbers]
        if key is SortKey.CLIENT:
            by_name = sorted(
                range(len(self.client_ids)),
                key=lambda i: (sort_key(self.client_names[i]), self.client_codes[i]),
            )
            rank = [0] * len(by_name)
            for position, index in enumerate(by_name):
                rank[index] = position
            return [rank[i] for i in self.client_index]
        if key is SortKey.STATUS:
            ranks = [_STATUS_RANK[state] for state in STATES]
            return [ranks[code] for code in self.states]
        if key is SortKey.REFERENCE:
            return [fold(r) for r in self.references]
        columns: dict[SortKey, array[int]] = {
            SortKey.ISSUED: self.issue_days,
            SortKey.DUE: self.due_days,
            SortKey.TOTAL: self.gross,
            SortKey.OPEN: self.open,
            SortKey.DAYS_OVERDUE: self.overdue_days,
        }
        return columns[key]

    def in_states(self, rows: Iterable[int], states: frozenset[InvoiceState]) -> array[int]:
        if states == FILTER_STATES[StatusFilter.ALL]:
            return array("l", rows)
        codes = bytes(s in states for s in STATES)
        flags = self.states
        return array("l", [r for r in rows if codes[flags[r]]])

    def matching(self, rows: Iterable[int], text: str) -> array[int]:
        """The rows whose search text holds every word of ``text``, in the order given."""
        texts = self.search_texts
        found = rows
        for word in fold(text).split():
            found = [r for r in found if word in texts[r]]
        return array("l", found)


def _number_key(number: str) -> str:
    """INV-9 before INV-10: the trailing digits padded, so plain text order is natural order.

    A string, not a tuple: strings compare in C, and 200,000 of them sort in tens of ms.
    """
    stem = number.rstrip("0123456789")
    return f"{stem.lower()}\x00{number[len(stem) :].rjust(_NUMBER_WIDTH, '0')}\x00{number}"


_NUMBER_WIDTH = 20
_SORT_RUN = 10_000


def let_others_run(every: float = 0.004, pause: float = 0.0005) -> Callable[[], None]:
    """A call to make often in long pure-Python work, so that other threads get a turn.

    CPython runs one thread at a time. A worker busy with Python makes the GUI thread
    wait for its turn on every call into Python (each cell painted, each event), so
    painting stalls for as long as the work lasts. A short sleep every few
    milliseconds hands the GUI thread the lock uncontested; the work takes about a
    tenth longer and the window keeps painting.
    """
    last = perf_counter()

    def breathe() -> None:
        nonlocal last
        now = perf_counter()
        if now - last >= every:
            sleep(pause)
            last = perf_counter()

    return breathe


def stable_order(keys: Sequence[Any]) -> list[int]:
    """Positions of ``keys`` in ascending order, ties in position order.

    Runs of 10,000 are sorted apiece and then merged a slice at a time, so the work,
    run off the GUI thread, never holds Python's lock for long: the window stays
    responsive while a 200,000-row column sorts.
    """
    count = len(keys)
    get = keys.__getitem__
    if count <= _SORT_RUN:
        return sorted(range(count), key=get)
    breathe = let_others_run()
    runs = []
    for start in range(0, count, _SORT_RUN):
        runs.append(sorted(range(start, min(start + _SORT_RUN, count)), key=get))
        breathe()
    merged = merge(*runs, key=get)  # merge keeps earlier runs first among equals: stable
    order: list[int] = []
    while len(order) < count:
        order.extend(islice(merged, _SORT_RUN // 4))
        breathe()
    return order


class InvoiceView:
    """Which rows of a table show, in which order: a status filter, search words and a sort.

    Pure Python, so the Qt model stays a thin adapter and the rules are tested without Qt.
    A search that only adds letters to the last one narrows the last result instead of
    scanning every row again.
    """

    def __init__(self, table: InvoiceTable | None = None) -> None:
        self.table = table
        self.sort_key: SortKey | None = SortKey.ISSUED  # None: in the order invoices were made
        self.descending = True
        self.status = StatusFilter.ALL
        self.text = ""
        self.rows: array[int] = array("l")
        self._candidates: array[int] = array("l")  # sorted, status-filtered rows before the search
        self._refresh_candidates()

    def __len__(self) -> int:
        return len(self.rows)

    def set_table(self, table: InvoiceTable, sort: tuple[SortKey | None, bool] | None = None) -> None:
        """A fresh table with the same filters; ``sort`` changes the sort at the same time."""
        self.table = table
        if sort is not None:
            self.sort_key, self.descending = sort
        self._refresh_candidates()

    def set_sort(self, key: SortKey | None, descending: bool) -> None:
        if (key, descending) != (self.sort_key, self.descending):
            self.sort_key, self.descending = key, descending
            self._refresh_candidates()

    def set_status(self, status: StatusFilter) -> None:
        if status is not self.status:
            self.status = status
            self._refresh_candidates()

    def set_text(self, text: str) -> None:
        old, new = fold(self.text).split(), fold(text).split()
        self.text = text
        if self.table is None:
            return
        narrower = len(new) >= len(old) and all(n.find(o) >= 0 for o, n in zip(old, new, strict=False))
        if old and narrower:
            self.rows = self.table.matching(self.rows, text)
        else:
            self.rows = self.table.matching(self._candidates, text)

    def position_of(self, invoice_id: int) -> int | None:
        """Where an invoice shows now, or None when it is filtered out."""
        if self.table is None:
            return None
        row = self.table.row_of(invoice_id)
        if row is None:
            return None
        try:
            return self.rows.index(row)
        except ValueError:
            return None

    def _refresh_candidates(self) -> None:
        table = self.table
        if table is None:
            self._candidates = self.rows = array("l")
            return
        ascending: Sequence[int] = range(len(table)) if self.sort_key is None else table.order(self.sort_key)
        order: Iterable[int] = reversed(ascending) if self.descending else ascending
        self._candidates = table.in_states(order, FILTER_STATES[self.status])
        self.rows = table.matching(self._candidates, self.text) if self.text.strip() else self._candidates


def invoice_table(db: Database, as_of: date) -> InvoiceTable:
    """Every invoice with its open amount and state as of ``as_of``: the Invoices tab's one load."""
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        exponent = company_exponent(conn)
        locale = company_in(uow.session).locale
        clients = sorted(client_refs(conn))
        return build_table(
            invoice_list_chunks(conn, as_of), clients, as_of, exponent, get_decimal_symbol(locale)
        )


def build_table(
    chunks: Iterable[InvoiceListColumns],
    clients: Sequence[ClientRefRow],
    as_of: date,
    exponent: int,
    decimal_mark: str = ".",
) -> InvoiceTable:
    """Turn the query's columns into the table's, a chunk at a time, column by column (C loops mostly)."""
    client_ids = tuple(c.id for c in clients)
    position = {cid: i for i, cid in enumerate(client_ids)}
    client_texts = [f"{fold(c.code)}{_SEPARATOR}{fold(c.name)}" for c in clients]
    as_of_day = as_of.toordinal()
    issued = InvoiceStatus.ISSUED.value
    ids, client_index, issue_days, due_days = array("q"), array("l"), array("l"), array("l")
    gross, open_, overdue = array("q"), array("q"), array("l")
    numbers: list[str] = []
    references: list[str] = []
    texts: list[str] = []
    states = bytearray()
    memo: dict[tuple[str, int, bool, int], int] = {}
    breathe = let_others_run()
    for chunk in chunks:
        breathe()
        if not chunk.ids:
            continue
        owed = [
            g - a if s == issued else 0
            for s, g, a in zip(chunk.statuses, chunk.gross, chunk.applied, strict=True)
        ]
        c_index = array("l", map(position.__getitem__, chunk.client_ids))
        ids.extend(chunk.ids)
        numbers.extend(chunk.numbers)
        references.extend(chunk.references)
        client_index.extend(c_index)
        issue_days.extend(chunk.issue_days)
        due_days.extend(chunk.due_days)
        gross.extend(chunk.gross)
        open_.extend(owed)
        overdue.extend(
            [
                as_of_day - d if o > 0 and d < as_of_day else 0
                for o, d in zip(owed, chunk.due_days, strict=True)
            ]
        )
        states.extend(
            _state_codes(chunk.statuses, owed, chunk.due_days, chunk.disputed, as_of, exponent, memo)
        )
        texts.extend(
            _search_texts(
                chunk.numbers, chunk.references, chunk.gross, c_index, client_texts, exponent, decimal_mark
            )
        )
    return InvoiceTable(
        as_of=as_of,
        exponent=exponent,
        ids=ids,
        numbers=numbers,
        references=references,
        client_index=client_index,
        client_ids=client_ids,
        client_codes=tuple(c.code for c in clients),
        client_names=tuple(c.name for c in clients),
        issue_days=issue_days,
        due_days=due_days,
        gross=gross,
        open=open_,
        overdue_days=overdue,
        states=bytes(states),
        search_texts=texts,
    )


def _state_codes(
    statuses: Sequence[str],
    owed: Sequence[int],
    due_days: Sequence[int],
    disputed: Sequence[int],
    as_of: date,
    exponent: int,
    memo: dict[tuple[str, int, bool, int], int],
) -> bytes:
    """``invoice_state`` of every row, asked once per distinct (status, disputed, owing?, due day).

    The state reads the open amount only through its sign, so the answer for one
    row holds for every row with the same key: a few thousand calls, not 200,000.
    """
    stored = {s.value: s for s in InvoiceStatus}

    def code(key: tuple[str, int, bool, int], units: int) -> int:
        status = stored[key[0]]
        dispute = bool(key[1]) and status is InvoiceStatus.ISSUED
        state = invoice_state(status, from_minor(units, exponent), date.fromordinal(key[3]), dispute, as_of)
        memo[key] = found = _STATE_CODE[state]
        return found

    get = memo.get
    return bytes(
        found if (found := get(key := (s, d, o > 0, day))) is not None else code(key, o)
        for s, d, o, day in zip(statuses, disputed, owed, due_days, strict=True)
    )


def _search_texts(
    numbers: Sequence[str],
    references: Sequence[str],
    gross: Sequence[int],
    client_index: Sequence[int],
    client_texts: Sequence[str],
    exponent: int,
    decimal_mark: str,
) -> list[str]:
    """Per row: number, reference, total (as typed, ``1234.50``) and client code and name, folded."""
    scale = 10**exponent
    amounts = (
        [f"{g // scale}{decimal_mark}{g % scale:0{exponent}d}" for g in gross]
        if exponent
        else [str(g) for g in gross]
    )
    per_row = map(client_texts.__getitem__, client_index)
    parts = zip(numbers, references, amounts, per_row, strict=True)
    if "".join(numbers).isascii() and "".join(references).isascii():
        # One lower() over one long string; the client part is folded already (lower() keeps it).
        texts = "\x1e".join(map(_SEPARATOR.join, parts)).lower().split("\x1e")
        if len(texts) == len(numbers):  # no reference held the separator
            return texts
        parts = zip(numbers, references, amounts, map(client_texts.__getitem__, client_index), strict=True)
    return [_SEPARATOR.join((fold(n), fold(r), a, c)) for n, r, a, c in parts]


# --- what the dialogs read ----------------------------------------------------------------------


@dataclass(frozen=True)
class ClientChoice:
    """A client as the dialogs offer it: enough to propose a due date and warn about credit."""

    id: int
    code: str
    name: str
    terms: PaymentTerms
    on_hold: bool
    archived: bool

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


def client_choices(db: Database, include_id: int | None = None) -> list[ClientChoice]:
    """Clients one may invoice or receive money from, by name; archived ones only if ``include_id``."""
    with UnitOfWork(db) as uow:
        rows = uow.session.execute(
            select(Client, PaymentTermsRow)
            .join(PaymentTermsRow, PaymentTermsRow.id == Client.terms_id)
            .where((Client.archived.is_(False)) | (Client.id == include_id))
        ).all()
        choices = [ClientChoice(c.id, c.code, c.name, terms_of(t), c.on_hold, c.archived) for c, t in rows]
    choices.sort(key=lambda c: (sort_key(c.name), c.code))
    return choices


@dataclass(frozen=True)
class AppliedMoney:
    """Money applied to an invoice: when, from what, how much."""

    date: date
    source: str
    amount: Decimal


@dataclass(frozen=True)
class InvoiceDetail:
    id: int
    number: str
    number_assigned: bool  # False for a draft: its number comes from the series when issued
    status: InvoiceStatus
    state: InvoiceState
    disputed: bool
    client_id: int
    client_code: str
    client_name: str
    issue_date: date
    due_date: date
    reference: str
    notes: str
    lines: tuple[InvoiceLine, ...]
    totals: InvoiceTotals
    open_amount: Decimal  # owed now, whatever the dates of the money applied
    applied: tuple[AppliedMoney, ...]
    version: int = field(default=1, compare=False)  # for saving an edited draft (see services/row_versions)

    @property
    def is_draft(self) -> bool:
        return self.status is InvoiceStatus.DRAFT


def draft_placeholder(invoice_id: int) -> str:
    """The number a draft carries until it is issued (issued numbers never have gaps)."""
    return f"DRAFT-{invoice_id}"


def invoice_detail(db: Database, invoice_id: int, as_of: date) -> InvoiceDetail:
    """One invoice as its dialog shows it; ``as_of`` decides whether it is overdue."""
    with UnitOfWork(db) as uow:
        session = uow.session
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFoundError("this invoice no longer exists")
        exponent = currency_exponent(company_in(session).currency)
        lines = tuple(
            InvoiceLine(line.description, line.quantity, from_minor(line.unit_price, exponent), line.tax_rate)
            for line in session.scalars(
                select(InvoiceLineRow)
                .where(InvoiceLineRow.invoice_id == invoice_id)
                .order_by(InvoiceLineRow.position)
            )
        )
        applied_rows = session.execute(
            select(AllocationRow.date, AllocationRow.amount, Payment, CreditNote)
            .outerjoin(Payment, Payment.id == AllocationRow.payment_id)
            .outerjoin(CreditNote, CreditNote.id == AllocationRow.credit_note_id)
            .where(AllocationRow.invoice_id == invoice_id)
            .order_by(AllocationRow.date, AllocationRow.id)
        ).all()
        applied = tuple(
            AppliedMoney(day, _source(payment, note), from_minor(amount, exponent))
            for day, amount, payment, note in applied_rows
        )
        status = InvoiceStatus(invoice.status)
        paid = sum((a.amount for a in applied), ZERO)
        gross = from_minor(invoice.gross, exponent)
        open_amount = gross - paid if status is InvoiceStatus.ISSUED else ZERO
        client = invoice.client
        return InvoiceDetail(
            id=invoice.id,
            number=invoice.number,
            number_assigned=invoice.number != draft_placeholder(invoice.id),
            status=status,
            state=invoice_state(status, open_amount, invoice.due_date, invoice.disputed, as_of),
            disputed=invoice.disputed,
            client_id=client.id,
            client_code=client.code,
            client_name=client.name,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            reference=invoice.reference,
            notes=invoice.notes,
            lines=lines,
            totals=InvoiceTotals(from_minor(invoice.net, exponent), from_minor(invoice.tax, exponent)),
            open_amount=open_amount,
            applied=applied,
            version=invoice.version,
        )


def _source(payment: Payment | None, note: CreditNote | None) -> str:
    if note is not None:
        return f"Credit note {note.number}"
    assert payment is not None
    details = ", ".join(part for part in (payment.method, payment.reference) if part)
    return f"Payment ({details})" if details else "Payment"


def open_invoices_for(db: Database, client_id: int) -> list[OpenInvoice]:
    """A client's issued invoices with money still owed, oldest first (for allocation tables)."""
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        exponent = company_exponent(conn)
        rows = open_invoices_of(conn, client_id)
    return oldest_first(
        OpenInvoice(r.id, r.number, r.issue_date, r.due_date, from_minor(r.open, exponent)) for r in rows
    )


@dataclass(frozen=True)
class UnappliedReceipt:
    """A payment or credit note with money still on account."""

    kind: str  # "payment" or "credit_note"
    id: int
    date: date
    left: Decimal


def unapplied_receipts(db: Database, client_id: int) -> list[UnappliedReceipt]:
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        exponent = company_exponent(conn)
        rows = unapplied_receipts_of(conn, client_id)
    return [UnappliedReceipt(r.kind, r.id, r.date, from_minor(r.left, exponent)) for r in rows]


def money_on_account(db: Database, client_id: int, as_of: date) -> Decimal:
    """Money received by ``as_of`` and not yet applied to any invoice."""
    return sum((r.left for r in unapplied_receipts(db, client_id) if r.date <= as_of), ZERO)


def default_tax_rate(db: Database) -> Decimal:
    """The tax rate of the latest invoice line written, so a new line starts where the last one did."""
    with UnitOfWork(db) as uow:
        rate = uow.session.scalar(select(InvoiceLineRow.tax_rate).order_by(InvoiceLineRow.id.desc()).limit(1))
    return ZERO if rate is None else rate
