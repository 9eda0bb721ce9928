"""The Today list as a table: most urgent kinds first, then the oldest due."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from creditdesk.domain.formats import Formats
from creditdesk.services.chasing.today import TodayItem, TodayKind
from creditdesk.ui.rows_model import RowsModel
from creditdesk.ui.widgets import ID_ROLE, OVERDUE_COLOUR, QUIET_COLOUR, Index

# The bank first (a payment waiting there may be the broken promise kept), then broken arrangements
# (money that was promised and did not come), then what falls due today.
KIND_ORDER = (
    TodayKind.BANK_PAYMENTS,
    TodayKind.PROMISE_BROKEN,
    TodayKind.INSTALMENT_MISSED,
    TodayKind.OVER_LIMIT,
    TodayKind.PROMISE_DUE,
    TodayKind.PHONE_CALL,
    TodayKind.FOLLOW_UP,
    TodayKind.DISPUTE_WAITING,
)
KIND_LABELS = {
    TodayKind.PROMISE_BROKEN: "Promise broken",
    TodayKind.INSTALMENT_MISSED: "Instalment missed",
    TodayKind.OVER_LIMIT: "Over credit limit",
    TodayKind.PROMISE_DUE: "Promise due today",
    TodayKind.PHONE_CALL: "Phone call due",
    TodayKind.FOLLOW_UP: "Follow-up",
    TodayKind.DISPUTE_WAITING: "Dispute waiting",
    TodayKind.BANK_PAYMENTS: "Bank payments",
}
URGENT = frozenset({TodayKind.PROMISE_BROKEN, TodayKind.INSTALMENT_MISSED, TodayKind.OVER_LIMIT})
_RANK = {kind: n for n, kind in enumerate(KIND_ORDER)}


def arranged(items: Sequence[TodayItem]) -> list[TodayItem]:
    return sorted(items, key=lambda i: (_RANK[i.kind], i.due_date, i.client_name.casefold()))


class TodayModel(RowsModel[TodayItem]):
    HEADERS = ("What", "Client", "Details", "Due", "Actions")
    KIND, CLIENT, DETAILS, SINCE, ACTIONS = range(5)

    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(formats, self.HEADERS, parent)

    def item(self, row: int) -> TodayItem:
        return self.rows[row]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        item, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.KIND:
                return KIND_LABELS[item.kind]
            if col == self.CLIENT:
                return f"{item.client_name} ({item.client_code})" if item.client_id is not None else ""
            if col == self.DETAILS:
                return item.text
            if col == self.SINCE:
                return self.formats.day(item.due_date)
            return None
        if role == ID_ROLE:
            return item.client_id
        if role == Qt.ItemDataRole.ToolTipRole and col in (self.DETAILS, self.CLIENT):
            if col == self.DETAILS:
                return item.text
            if item.client_id is None:
                return "Double-click to open the Bank tab"
            return "Double-click to open the client"
        if role == Qt.ItemDataRole.ToolTipRole and col == self.SINCE:
            return "When it fell due: the follow-up day, the promised day, the instalment's day…"
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.KIND and item.kind in URGENT:
                return QBrush(OVERDUE_COLOUR)
            if col == self.SINCE:
                return QBrush(QUIET_COLOUR)
        if role == Qt.ItemDataRole.FontRole and col == self.KIND:
            font = QFont()
            font.setBold(item.kind in URGENT)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and col == self.KIND and item.kind in URGENT:
            return QBrush(QColor("#fdf0f0"))
        return None
