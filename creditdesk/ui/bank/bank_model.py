"""The Bank table: one row per credit read from a bank statement, with what was done and why."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from creditdesk.domain.formats import Formats
from creditdesk.domain.matching import Outcome
from creditdesk.services.bank.entries import IGNORED, BankEntryView
from creditdesk.services.bank.reasons import reason_text
from creditdesk.ui.rows_model import RowsModel
from creditdesk.ui.widgets import ID_ROLE, QUIET_COLOUR, RIGHT, SUCCESS_COLOUR, WARNING_COLOUR, Index

BOOKED, AMOUNT, PAYER, TEXT, DONE, REASON = range(6)
HEADERS = ("Booked", "Amount", "Payer", "Text", "What was done", "Why")
APPLIED_COLOUR = QColor(SUCCESS_COLOUR)
SUGGESTED_COLOUR = QColor(WARNING_COLOUR)


def what_was_done(entry: BankEntryView) -> str:
    """The entry's state in words, naming the invoices (and for a suggestion, the client)."""
    status, invoices, client = entry.status, entry.invoices, entry.client_name
    if status == Outcome.APPLIED:
        return f"Applied to {invoices}" if invoices else f"Applied on account of {client}"
    if status == Outcome.SUGGESTED:
        return f"Suggested for {client}: {invoices}" if invoices else f"Suggested for {client}, on account"
    if status == Outcome.LINKED:
        return "Linked to a payment entered by hand"
    if status == Outcome.UNMATCHED:
        return "Unmatched"
    if status == IGNORED:
        return "Ignored"
    return str(status)  # a state this version does not know: shown as it is


def payer_text(entry: BankEntryView) -> str:
    return entry.payer_name or entry.payer_iban


def grouped_iban(iban: str) -> str:
    """An IBAN as it is printed, in groups of four: easier to compare with a letter or an invoice."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


class BankModel(RowsModel[BankEntryView]):
    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(formats, HEADERS, parent)

    def row_of(self, entry_id: int) -> int | None:
        return next((i for i, row in enumerate(self.rows) if row.id == entry_id), None)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if section == AMOUNT else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        entry, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(entry, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == AMOUNT:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole:
            if entry.status == IGNORED:
                return QUIET_COLOUR
            if column == DONE and entry.status in (Outcome.APPLIED, Outcome.LINKED):
                return APPLIED_COLOUR
            if column == DONE and entry.status == Outcome.SUGGESTED:
                return SUGGESTED_COLOUR
            if column == REASON:
                return QUIET_COLOUR
        if role == ID_ROLE:
            return entry.id
        return None

    def _text(self, entry: BankEntryView, column: int) -> str:
        if column == BOOKED:
            return self.formats.day(entry.booked)
        if column == AMOUNT:
            return self.formats.money(entry.amount)
        if column == PAYER:
            return payer_text(entry)
        if column == TEXT:
            return " ".join(entry.text.split())  # a bank's text keeps its line breaks; a row has one line
        if column == DONE:
            return what_was_done(entry)
        return reason_text(entry.reason)

    def _tip(self, entry: BankEntryView, column: int) -> str | None:
        if column == PAYER:
            lines = [entry.payer_name, grouped_iban(entry.payer_iban)]
            return "\n".join(line for line in lines if line) or None
        if column == TEXT:
            return entry.text or None
        if column == DONE:
            done = what_was_done(entry)
            if entry.client_name and entry.status != Outcome.SUGGESTED:
                return f"{done} ({entry.client_name})"
            return done
        if column == REASON:
            return reason_text(entry.reason)
        return None
