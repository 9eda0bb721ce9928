"""The widget kit every window and dialog shares.

A client picker that finds a client by any part of its name or code, date and
amount fields, an inline message line, a yes/no question whose safe answer is
the default, a table editor whose cells report each keystroke, and the colours
and alignments the house uses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from creditdesk.domain.formats import Formats
from creditdesk.domain.ranges import MAX_DATE, MIN_DATE
from creditdesk.services.ledger.invoice_list import ClientChoice
from creditdesk.ui.workspace import Workspace

Index = QModelIndex | QPersistentModelIndex
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
# A header's first click on money or days puts the largest at the top (Qt's InitialSortOrderRole).
LARGEST_FIRST = Qt.SortOrder.DescendingOrder.value
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
HINT_COLOUR = "#6b6b6b"
SUCCESS_COLOUR = "#1b6e2a"
ERROR_COLOUR = "#b3261e"
WARNING_COLOUR = "#8a5300"
OVERDUE_COLOUR = QColor(ERROR_COLOUR)  # the same red in every table and the status bar
QUIET_COLOUR = QColor(HINT_COLOUR)  # "nothing here" text in tables
ID_ROLE = Qt.ItemDataRole.UserRole  # the client (or invoice) id of a row
INVALID_CELL = QColor("#fde7e9")
INVALID_STYLE = f"border: 1px solid {ERROR_COLOUR};"


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def sentence(message: str) -> str:
    """A service message as a sentence: capital first letter, full stop."""
    text = message.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def limit_dates(edit: QDateEdit) -> QDateEdit:
    """Keep a date edit within the dates CreditDesk accepts (``domain.ranges``)."""
    edit.setDateRange(to_qdate(MIN_DATE), to_qdate(MAX_DATE))
    return edit


def date_edit(workspace: Workspace, day: date) -> QDateEdit:
    edit = limit_dates(QDateEdit(to_qdate(day)))
    edit.setCalendarPopup(True)
    edit.setLocale(QLocale(workspace.company.locale))
    edit.setDisplayFormat("d MMM yyyy")
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("00 Mmm. 0000") + 48)
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return edit


def hint_label(text: str = "") -> QLabel:
    """Grey explanatory text under or beside a field."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {HINT_COLOUR};")
    return label


def secondary(button: QPushButton) -> QPushButton:
    """A button that Enter never presses (only the dialog's own default button takes Enter)."""
    button.setAutoDefault(False)
    button.setDefault(False)
    return button


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    widget.setStyleSheet(INVALID_STYLE if invalid else "")
    widget.setProperty("invalid", invalid)


class AmountEdit(QLineEdit):
    """An amount typed the company's way, right-aligned like the figures it becomes.

    Not cut to a length (a cut figure would be a different amount): ``Formats.parse_amount``
    refuses one beyond ``domain.ranges.MAX_AMOUNT`` in words, as it refuses any other.
    """

    def __init__(self, formats: Formats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText(formats.amount(Decimal(0)))
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("0,000,000,000.00") + 24)


class MessageLine(QLabel):
    """One line under a form: what is wrong (red) or worth knowing (amber), always in words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_problem(self, message: str | None) -> None:
        self._show(message, ERROR_COLOUR, "⚠ ")

    def show_warning(self, message: str | None) -> None:
        self._show(message, WARNING_COLOUR, "⚠ ")

    def _show(self, message: str | None, colour: str, mark: str) -> None:
        if not message:
            self.clear()
            self.hide()
            return
        self.setStyleSheet(f"color: {colour};")
        self.setText(mark + message)
        self.show()


def ask(parent: QWidget | None, title: str, text: str, yes: str, *, detail: str = "") -> bool:
    """A yes/no question whose safe answer is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    if detail:
        box.setInformativeText(detail)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


class ClientPicker(QComboBox):
    """Choose a client by typing any part of its name or code."""

    client_changed = Signal(object)  # the client's id, or None while the text names nobody

    def __init__(self, choices: Sequence[ClientChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = {c.id: c for c in choices}
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(36)
        for choice in choices:
            self.addItem(choice.label, choice.id)
        completer = self.completer()
        assert completer is not None  # an editable combo box has one
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(15)
        self.setCurrentIndex(-1)
        edit = self.lineEdit()
        assert edit is not None
        edit.setPlaceholderText("Type part of a name or code")
        self._last: int | None = None
        self.currentTextChanged.connect(self._on_text_changed)

    def client_id(self) -> int | None:
        index = self.findText(self.currentText().strip(), Qt.MatchFlag.MatchFixedString)
        return int(self.itemData(index)) if index >= 0 else None

    def choice(self) -> ClientChoice | None:
        client_id = self.client_id()
        return None if client_id is None else self.choices.get(client_id)

    def set_client(self, client_id: int | None) -> None:
        self.setCurrentIndex(-1 if client_id is None else self.findData(client_id))

    def _on_text_changed(self, _: str) -> None:
        client_id = self.client_id()
        if client_id != self._last:
            self._last = client_id
            self.client_changed.emit(client_id)


class LiveDelegate(QStyledItemDelegate):
    """Cell editors that hand every keystroke to the model, so totals and checks follow typing."""

    def __init__(self, right_aligned: Sequence[int] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.right_aligned = set(right_aligned)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if index.column() in self.right_aligned:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.textEdited.connect(lambda _: self.commitData.emit(editor))
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, QLineEdit) and editor.text() != text:  # never move the cursor while typing
            editor.setText(text)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter ends the cell's editing here and now. Qt's own handling commits later and
        # lets the key through, so a dialog would also press its default button (Issue).
        if (
            isinstance(watched, QLineEdit)
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.commitData.emit(watched)
            self.closeEditor.emit(watched, QAbstractItemDelegate.EndEditHint.SubmitModelCache)
            return True
        return super().eventFilter(watched, event)


def list_table(
    owner: QWidget,
    model: QAbstractItemModel,
    widths: Mapping[int, int],
    *,
    selection: QAbstractItemView.SelectionMode = QAbstractItemView.SelectionMode.ExtendedSelection,
) -> QTableView:
    """A read-only list of rows as the tabs show them: whole rows selected, alternating colours,
    no row numbers, rows one line high, columns ``widths`` digits wide (section -> digits)."""
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(selection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(owner.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    header.setHighlightSections(False)
    digit = owner.fontMetrics().horizontalAdvance("0")
    for section, width in widths.items():
        header.resizeSection(section, width * digit + 16)
    return view


class GridView(QTableView):
    """A small editable table: Tab walks the editable cells and leaves the table at either end;
    Enter starts editing rather than pressing the dialog's default button."""

    def __init__(self, editable_columns: Sequence[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editable_columns = list(editable_columns)
        self.leave_after: Callable[[int], bool] = lambda row: False  # Tab past this row leaves the table
        self.setTabKeyNavigation(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.setWordWrap(False)

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        model = self.model()
        current = self.currentIndex()
        steps = {
            QAbstractItemView.CursorAction.MoveNext: 1,
            QAbstractItemView.CursorAction.MovePrevious: -1,
        }
        if model is None or action not in steps or not self.editable_columns:
            return super().moveCursor(action, modifiers)
        cells = [(r, c) for r in range(model.rowCount()) for c in self.editable_columns]
        if not cells:
            return QModelIndex()
        if not current.isValid():
            row, column = cells[0] if steps[action] > 0 else cells[-1]
            return model.index(row, column)
        if steps[action] > 0 and self.leave_after(current.row()):
            return QModelIndex()
        here = (current.row(), current.column() if current.column() in self.editable_columns else -1)
        if here[1] < 0:
            position = next((i for i, cell in enumerate(cells) if cell[0] == here[0]), 0)
        else:
            position = cells.index(here) + steps[action]
        if not 0 <= position < len(cells):
            return QModelIndex()  # past either end: Tab moves on to the next field
        row, column = cells[position]
        return model.index(row, column)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        editing = self.state() == QAbstractItemView.State.EditingState
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not editing:
            index = self.currentIndex()
            if index.isValid() and index.flags() & Qt.ItemFlag.ItemIsEditable:
                self.edit(index)
                return
        super().keyPressEvent(event)
