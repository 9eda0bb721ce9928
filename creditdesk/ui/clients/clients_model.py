"""Item models of the Clients tab: the client list (with its search filter) and one client's tables.

The list model is filled in one go from ``client_rows`` (an aggregate query run
in the background). A rank per column is worked out in the worker too (from
the exact Decimals), so sorting 5,000 clients on the GUI thread is one Python
``sorted`` over integers, done by the source model; the proxy only filters,
on precomputed search keys. Selections survive both (persistent indexes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import format_percent
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from creditdesk.domain.aging import sort_key
from creditdesk.domain.allocation import natural_key
from creditdesk.domain.formats import Formats
from creditdesk.domain.invoice import InvoiceState
from creditdesk.domain.risk import RiskLevel, RiskRating
from creditdesk.services.clients.overview import ClientRow, OpenInvoiceItem, TimelineEntry
from creditdesk.ui.rows_model import RowsModel
from creditdesk.ui.widgets import ID_ROLE, LARGEST_FIRST, LEFT, OVERDUE_COLOUR, QUIET_COLOUR, RIGHT, Index

ZERO = Decimal(0)

CREDIT_COLOUR = QColor("#1b6e3a")  # money in the client's favour


VALUE_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value behind a cell (Decimal, int, date), for tests

CODE, NAME, BALANCE, OVERDUE, OLDEST, LIMIT, USED, TERMS, CONTACT, RISK, STATUS = range(11)
AMOUNT_COLUMNS = (BALANCE, OVERDUE, LIMIT)
NUMBER_COLUMNS = (BALANCE, OVERDUE, OLDEST, LIMIT, USED)


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def days_text(days: int) -> str:
    return "1 day" if days == 1 else f"{days:,} days"


def status_words(row: ClientRow) -> list[str]:
    words = []
    if row.archived:
        words.append("Archived")
    if row.on_hold:
        words.append("On hold")
    if row.do_not_chase:
        words.append("Do not chase")
    if row.over_limit:
        words.append("Over limit")
    return words


# --- the client list -------------------------------------------------------------------------------


def fold(text: str) -> str:
    """``sort_key`` (accents and case ignored), with a shortcut for plain ASCII, the usual case."""
    return text.lower() if text.isascii() else sort_key(text)


@dataclass(frozen=True)
class ClientTable:
    """Client rows ready for the view: built off the GUI thread by ``build_table``."""

    rows: tuple[ClientRow, ...]
    ranks: tuple[tuple[int, ...], ...]  # ranks[column][row]
    search_keys: tuple[str, ...]  # code, name and e-mail, folded by ``fold``
    risks: Mapping[int, RiskRating] = field(default_factory=dict)  # by client id; rated in the worker

    @staticmethod
    def empty() -> ClientTable:
        return ClientTable((), tuple(() for _ in range(STATUS + 1)), ())

    def risk(self, client_id: int) -> RiskRating | None:
        return self.risks.get(client_id)


RISK_WORDS = {RiskLevel.LOW: "Low", RiskLevel.MEDIUM: "Medium", RiskLevel.HIGH: "High"}
RISK_COLOURS = {
    RiskLevel.HIGH: OVERDUE_COLOUR,
    RiskLevel.MEDIUM: QColor("#8a5a00"),
    RiskLevel.LOW: QUIET_COLOUR,
}


def build_table(rows: Sequence[ClientRow], risks: Mapping[int, RiskRating] | None = None) -> ClientTable:
    """Sort ranks and search keys, worked out once per load (in the worker, not per keystroke)."""
    risks = risks or {}
    names = [fold(r.name) for r in rows]
    codes = [fold(r.code) for r in rows]
    code_keys = [natural_key(code) for code in codes]
    terms: dict[str, str] = {}
    columns: dict[int, list[Any]] = {
        CODE: code_keys,
        NAME: names,
        BALANCE: [r.balance for r in rows],
        OVERDUE: [r.overdue for r in rows],
        OLDEST: [-1 if r.oldest_overdue_days is None else r.oldest_overdue_days for r in rows],
        # No limit is the most generous limit of all.
        LIMIT: [(r.credit_limit is None, r.credit_limit or ZERO) for r in rows],
        USED: [(r.over_limit, r.credit_usage is not None, r.credit_usage or ZERO) for r in rows],
        TERMS: [terms.setdefault(r.terms, fold(r.terms)) for r in rows],
        CONTACT: [r.last_contact or date.min for r in rows],
        RISK: [(risks[r.id].score if r.id in risks else -1) for r in rows],
        STATUS: [", ".join(status_words(r)) for r in rows],
    }
    ties = list(zip(names, code_keys, strict=True))
    ranks = []
    for column in range(STATUS + 1):
        values = columns[column]
        order = sorted(range(len(rows)), key=lambda i, v=values: (v[i], ties[i]))  # type: ignore[misc]
        rank = [0] * len(rows)
        for position, index in enumerate(order):
            rank[index] = position
        ranks.append(tuple(rank))
    keys = tuple(f"{codes[i]}\n{names[i]}\n{fold(r.email)}" for i, r in enumerate(rows))
    return ClientTable(tuple(rows), tuple(ranks), keys, dict(risks))


class ClientsModel(QAbstractTableModel):
    """Every client from the last load, archived ones included (the proxy hides them)."""

    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.formats = formats
        self.table = ClientTable.empty()
        self.order: list[int] = []  # model row -> index into table.rows
        self.sort_column = NAME
        self.sort_order = Qt.SortOrder.AscendingOrder
        self._row_of: dict[int, int] = {}  # client id -> model row

    # -- data in -------------------------------------------------------------------------------
    def set_table(self, table: ClientTable) -> None:
        self.beginResetModel()
        self.table = table
        self._arrange()
        self.endResetModel()

    def _arrange(self) -> None:
        rows = self.table.rows
        rank = self.table.ranks[self.sort_column] if rows else ()
        descending = self.sort_order == Qt.SortOrder.DescendingOrder
        self.order = sorted(range(len(rows)), key=rank.__getitem__, reverse=descending)
        self._row_of = {rows[index].id: position for position, index in enumerate(self.order)}

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder by the precomputed ranks: milliseconds for thousands of clients, on the GUI thread."""
        if not 0 <= column <= STATUS:
            return
        self.sort_column, self.sort_order = column, order
        if not self.table.rows:
            return
        self.layoutAboutToBeChanged.emit()
        old_order = self.order
        persistent = self.persistentIndexList()
        self._arrange()
        rows = self.table.rows
        moved = [self.index(self._row_of[rows[old_order[i.row()]].id], i.column()) for i in persistent]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def row_of(self, client_id: int) -> int | None:
        """The model row of a client, if the last load had it."""
        return self._row_of.get(client_id)

    def client(self, row: int) -> ClientRow:
        return self.table.rows[self.order[row]]

    def search_key(self, row: int) -> str:
        return self.table.search_keys[self.order[row]]

    def headers(self) -> list[str]:
        currency = self.formats.currency
        return [
            "Code",
            "Client",
            f"Balance ({currency})",
            f"Overdue ({currency})",
            "Oldest overdue",
            f"Limit ({currency})",
            "Limit used",
            "Terms",
            "Last contact",
            "Risk",
            "Status",
        ]

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else STATUS + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section <= STATUS:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section in NUMBER_COLUMNS else LEFT
        if role == Qt.ItemDataRole.InitialSortOrderRole and section in NUMBER_COLUMNS:
            return LARGEST_FIRST
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.order):
            return None
        row, col = self.table.rows[self.order[index.row()]], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == ID_ROLE:
            return row.id
        if role == VALUE_ROLE:
            return self._value(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col in NUMBER_COLUMNS else LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(row, col)
        if role == Qt.ItemDataRole.FontRole and self._alarming(row, col):
            return _bold()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, col)
        return None

    def _value(self, row: ClientRow, col: int) -> Any:
        return (
            row.code,
            row.name,
            row.balance,
            row.overdue,
            row.oldest_overdue_days,
            row.credit_limit,
            row.credit_usage,
            row.terms,
            row.last_contact,
            self._risk_level(row),
            ", ".join(status_words(row)),
        )[col]

    def _risk_level(self, row: ClientRow) -> RiskLevel | None:
        rating = self.table.risk(row.id)
        return None if rating is None else rating.level

    def _text(self, row: ClientRow, col: int) -> str:
        fmt = self.formats
        if col == CODE:
            return row.code
        if col == NAME:
            return row.name
        if col == BALANCE:
            return fmt.amount(row.balance)
        if col == OVERDUE:
            return "" if row.overdue == ZERO else fmt.amount(row.overdue)
        if col == OLDEST:
            return "" if row.oldest_overdue_days is None else days_text(row.oldest_overdue_days)
        if col == LIMIT:
            return "No limit" if row.credit_limit is None else fmt.amount(row.credit_limit)
        if col == USED:
            if row.credit_usage is None:
                return "Over" if row.over_limit else ""
            return str(format_percent(row.credit_usage, locale=fmt.locale))
        if col == TERMS:
            return row.terms
        if col == CONTACT:
            return "" if row.last_contact is None else fmt.day(row.last_contact)
        if col == RISK:
            level = self._risk_level(row)
            return "" if level is None else RISK_WORDS[level]
        return ", ".join(status_words(row))

    def _alarming(self, row: ClientRow, col: int) -> bool:
        return (
            (col in (OVERDUE, OLDEST) and row.overdue > ZERO)
            or (col == USED and row.over_limit)
            or (col == STATUS and (row.on_hold or row.over_limit))
            or (col == RISK and self._risk_level(row) is RiskLevel.HIGH)
        )

    def _colour(self, row: ClientRow, col: int) -> QBrush | None:
        if col == RISK:
            level = self._risk_level(row)
            return None if level is None else QBrush(RISK_COLOURS[level])
        if self._alarming(row, col):
            return QBrush(OVERDUE_COLOUR)
        if col == BALANCE and row.balance < ZERO:
            return QBrush(CREDIT_COLOUR)
        if (col == BALANCE and row.balance == ZERO) or (col == LIMIT and row.credit_limit is None):
            return QBrush(QUIET_COLOUR)
        if row.archived and col in (CODE, NAME, STATUS):
            return QBrush(QUIET_COLOUR)
        return None

    def _tip(self, row: ClientRow, col: int) -> str | None:
        fmt = self.formats
        if col == BALANCE and row.balance < ZERO:
            return f"In credit: {fmt.money(-row.balance)} received and not yet used"
        if col in (OVERDUE, OLDEST) and row.overdue > ZERO:
            days = days_text(row.oldest_overdue_days or 0)
            return f"{fmt.money(row.overdue)} overdue; the oldest invoice is {days} past due"
        if col == USED and row.credit_limit is not None:
            owed = fmt.money(max(row.balance, ZERO))
            verdict = " — over the limit" if row.over_limit else ""
            return f"{owed} owed of a {fmt.money(row.credit_limit)} limit{verdict}"
        if col == RISK and (rating := self.table.risk(row.id)) is not None:
            return f"{RISK_WORDS[rating.level]} risk (score {rating.score}):\n" + "\n".join(
                f"• {reason}" for reason in rating.reasons
            )
        if col == CONTACT and row.last_contact is None:
            return "No note or call logged yet"
        if col == NAME:
            return f"{row.name}\n{row.email}" if row.email else row.name
        if col == TERMS:
            return row.terms
        if col == STATUS and status_words(row):
            return ", ".join(status_words(row))
        return None


HEADER_TIPS = {
    BALANCE: "What the client owes today, less money on account (as on the Aging tab)",
    OVERDUE: "The part of the balance past its due date",
    OLDEST: "Days past due of the oldest unpaid invoice",
    LIMIT: "Credit limit: the most the client may owe",
    USED: "Balance owed as a share of the credit limit",
    CONTACT: "When the latest note or call was logged",
    RISK: "Low, medium or high, from how they pay, promises, disputes and credit used; hover for why",
}


class ClientsProxy(QSortFilterProxyModel):
    """Search as you type (every word must appear in the code, name or e-mail) and hide archived.

    Sorting is handed to the source model, which sorts by precomputed ranks;
    the proxy's own sort would call back into Python for every comparison.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._show_archived = False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if isinstance(model, ClientsModel):
            model.sort(column, order)

    @property
    def show_archived(self) -> bool:
        return self._show_archived

    def set_search(self, text: str) -> None:
        words = fold(text).split()
        if words != self._words:
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_show_archived(self, show: bool) -> None:
        if show != self._show_archived:
            self.beginFilterChange()
            self._show_archived = show
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def accepts(self, client: ClientRow, key: str) -> bool:
        if client.archived and not self._show_archived:
            return False
        return all(word in key for word in self._words)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ClientsModel)
        index = model.order[source_row]
        return self.accepts(model.table.rows[index], model.table.search_keys[index])


# --- one client's tables ---------------------------------------------------------------------------


class OpenInvoicesModel(RowsModel[OpenInvoiceItem]):
    """A client's open invoices on the day shown, oldest due first."""

    HEADERS = ("Invoice", "Issued", "Due", "Reference", "Amount", "Open", "Status")
    NUMBER, ISSUED, DUE, REFERENCE, AMOUNT, OPEN, STATE = range(7)

    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(formats, self.HEADERS, parent)

    @property
    def items(self) -> tuple[OpenInvoiceItem, ...]:
        return self.rows

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            header = self.HEADERS[section]
            return f"{header} ({self.formats.currency})" if section in (self.AMOUNT, self.OPEN) else header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section in (self.AMOUNT, self.OPEN) else LEFT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item, col = self.items[index.row()], index.column()
        late = item.days_overdue > 0
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, col)
        if role == ID_ROLE:
            return item.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col in (self.AMOUNT, self.OPEN) else LEFT
        if role == Qt.ItemDataRole.ForegroundRole and late and col in (self.DUE, self.OPEN, self.STATE):
            return QBrush(OVERDUE_COLOUR)
        if role == Qt.ItemDataRole.FontRole and late and col == self.STATE:
            return _bold()
        if role == Qt.ItemDataRole.ToolTipRole and col == self.NUMBER:
            return "Double-click to open the invoice"
        return None

    def _text(self, item: OpenInvoiceItem, col: int) -> str:
        fmt = self.formats
        if col == self.NUMBER:
            return item.number
        if col == self.ISSUED:
            return fmt.day(item.issue_date)
        if col == self.DUE:
            return fmt.day(item.due_date)
        if col == self.REFERENCE:
            return item.reference
        if col == self.AMOUNT:
            return fmt.amount(item.gross)
        if col == self.OPEN:
            return fmt.amount(item.open)
        return open_invoice_status(item)


def open_invoice_status(item: OpenInvoiceItem) -> str:
    text = f"{days_text(item.days_overdue)} overdue" if item.days_overdue > 0 else "Not yet due"
    return f"Disputed, {text[0].lower()}{text[1:]}" if item.state is InvoiceState.DISPUTED else text


STATE_WORDS = {
    InvoiceState.PAID: "paid",
    InvoiceState.OPEN: "open",
    InvoiceState.OVERDUE: "overdue",
    InvoiceState.DISPUTED: "disputed",
    InvoiceState.VOID: "void",
    InvoiceState.DRAFT: "draft",
}


class TimelineModel(RowsModel[TimelineEntry]):
    """What happened with a client, newest first: documents, money received and logged notes."""

    HEADERS = ("Date", "Event", "Details", "Amount")
    DAY, EVENT, DETAILS, AMOUNT = range(4)

    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(formats, self.HEADERS, parent)

    @property
    def entries(self) -> tuple[TimelineEntry, ...]:
        return self.rows

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            header = self.HEADERS[section]
            return f"{header} ({self.formats.currency})" if section == self.AMOUNT else header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section == self.AMOUNT else LEFT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        entry, col = self.entries[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, col)
        if role == ID_ROLE:
            return entry.invoice_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col == self.AMOUNT else LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.AMOUNT and entry.kind in ("payment", "credit_note"):
                return QBrush(CREDIT_COLOUR)
            if col == self.DETAILS and entry.state in (InvoiceState.OVERDUE, InvoiceState.DISPUTED):
                return QBrush(OVERDUE_COLOUR)
            if entry.state is InvoiceState.VOID:
                return QBrush(QUIET_COLOUR)
        if role == Qt.ItemDataRole.FontRole and col == self.EVENT and entry.amount is None:
            font = QFont()
            font.setItalic(True)  # notes read differently from documents
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(entry)
        return None

    def _text(self, entry: TimelineEntry, col: int) -> str:
        fmt = self.formats
        if col == self.DAY:
            return fmt.day(entry.day)
        if col == self.EVENT:
            return (
                f"{entry.label} {entry.number}" if entry.number and entry.amount is not None else entry.label
            )
        if col == self.AMOUNT:
            return "" if entry.amount is None else fmt.amount(entry.amount)
        return self.details(entry)

    def details(self, entry: TimelineEntry) -> str:
        fmt = self.formats
        parts: list[str] = []
        if entry.kind == "invoice":
            assert entry.due_date is not None
            parts.append(f"Due {fmt.day(entry.due_date)}")
            if entry.state is not None:
                parts.append(STATE_WORDS[entry.state])
            if entry.reference:
                parts.append(f"ref. {entry.reference}")
        elif entry.kind in ("payment", "credit_note"):
            if entry.text:
                parts.append(entry.text)
            if entry.reference:
                parts.append(f"ref. {entry.reference}")
            if entry.applied_to:
                shown = ", ".join(entry.applied_to[:3])
                more = len(entry.applied_to) - 3
                parts.append(f"applied to {shown}" + (f" and {more} more" if more > 0 else ""))
            if entry.on_account > ZERO:
                parts.append(f"{fmt.money(entry.on_account)} on account")
        else:
            if entry.number:
                parts.append(f"({entry.number})")
            parts.insert(0, " ".join(entry.text.split()))  # one line in the table
        return " · ".join(parts)

    def _tip(self, entry: TimelineEntry) -> str | None:
        if entry.amount is None:
            when = entry.at.strftime("%H:%M") if entry.at is not None else ""
            return f"{self.formats.day(entry.day)} {when}\n{entry.text}".strip()
        if entry.kind in ("payment", "credit_note") and len(entry.applied_to) > 3:
            return "Applied to " + ", ".join(entry.applied_to)
        return None
