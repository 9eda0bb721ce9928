"""The outbox table: one row per reminder, in the order the service lists them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from creditdesk.domain.chasing import Channel
from creditdesk.domain.formats import Formats
from creditdesk.services.chasing.outbox import OutboxRow, ReminderStatus
from creditdesk.ui.rows_model import RowsModel
from creditdesk.ui.widgets import QUIET_COLOUR, Index

PLANNED, CLIENT, STAGE, CHANNEL, RECIPIENT, SUBJECT, TOTAL, STATUS = range(8)
HEADERS = ("Planned", "Client", "Stage", "Channel", "To", "Subject", "Total", "Status")
WIDTHS = (11, 28, 17, 10, 26, 40, 12, 11)  # in digits of the table's font; the subject stretches

CHANNEL_WORDS = {Channel.EMAIL: "Email", Channel.LETTER: "Letter", Channel.PHONE: "Phone call"}
STATUS_WORDS = {
    ReminderStatus.DRAFT: "Draft",
    ReminderStatus.APPROVED: "Approved",
    ReminderStatus.SENDING: "Sending…",
    ReminderStatus.SENT: "Sent",
    ReminderStatus.FAILED: "Failed",
    ReminderStatus.CANCELLED: "Cancelled",
}
NO_RECIPIENT = {Channel.LETTER: "By post", Channel.PHONE: "By phone"}
FAILED_COLOUR = QColor("#b3261e")


def status_text(row: OutboxRow) -> str:
    """ "Sent", or "Printed"/"Called" for what a person did by hand."""
    if row.status is ReminderStatus.SENT and row.channel is not Channel.EMAIL:
        return "Printed" if row.channel is Channel.LETTER else "Called"
    return STATUS_WORDS[row.status]


class OutboxModel(RowsModel[OutboxRow]):
    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(formats, HEADERS, parent)

    def row_of(self, reminder_id: int) -> int | None:
        return next((i for i, row in enumerate(self.rows) if row.id == reminder_id), None)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if section == TOTAL else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == TOTAL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == STATUS and row.status is ReminderStatus.FAILED:
                return FAILED_COLOUR
            if row.status is ReminderStatus.CANCELLED or (column == RECIPIENT and not row.recipient):
                return QUIET_COLOUR
        return None

    def _text(self, row: OutboxRow, column: int) -> str:
        fmt = self.formats
        if column == PLANNED:
            return fmt.day(row.planned_on)
        if column == CLIENT:
            return row.client_name
        if column == STAGE:
            return row.stage_name
        if column == CHANNEL:
            return CHANNEL_WORDS[row.channel]
        if column == RECIPIENT:
            return row.recipient or NO_RECIPIENT.get(row.channel, "")
        if column == SUBJECT:
            return row.subject
        if column == TOTAL:
            return fmt.money(row.total)
        return status_text(row)

    def _tip(self, row: OutboxRow, column: int) -> str | None:
        if column == STATUS:
            if row.error:
                return row.error
            if row.sent_at is not None:
                return f"{status_text(row)} {self.formats.day(row.sent_at.date())} at {row.sent_at:%H:%M}"
            return None
        if column == CLIENT:
            return f"{row.client_name} ({row.client_code})"
        if column == SUBJECT:
            return row.subject or None
        return None
