"""Choosing what a statement of account or a letter says before it is previewed.

``StatementOptions`` (statement date, style, from date) is shared with the
batch statements dialog, so one client's statement and a month-end run are
asked for the same way.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from creditdesk.services.chasing.demand_letters import LetterKind
from creditdesk.services.reports.statements import StatementRequest, StatementStyle
from creditdesk.ui.widgets import date_edit, from_qdate, hint_label, to_qdate
from creditdesk.ui.workspace import Workspace

STYLES = (
    (
        StatementStyle.ACTIVITY,
        "&Activity",
        "Balance brought forward, every movement since, and the balance due",
    ),
    (StatementStyle.OPEN_ITEMS, "&Open items", "Only what is unpaid on the statement date"),
)
LETTERS = (
    (LetterKind.REMINDER, "&Reminder", "A polite reminder listing what is overdue"),
    (LetterKind.FINAL_DEMAND, "&Final demand", "The last letter before further action, with a deadline"),
)
LETTER_TITLES = {LetterKind.REMINDER: "Reminder", LetterKind.FINAL_DEMAND: "Final demand"}


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row


class StatementOptions(QWidget):
    """Statement date, style, and (for an activity statement) the date it starts from."""

    changed = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        today = workspace.today()
        self.date_edit = date_edit(workspace, today)
        self.date_edit.setToolTip("The statement shows the account as it stood at the end of this day")
        self.from_edit = date_edit(workspace, today.replace(day=1))
        self.from_edit.setToolTip("An activity statement lists what happened from this day on")
        self.from_edit.setMaximumDate(to_qdate(today))
        self._from_follows = True  # the from date follows the statement date until it is changed
        self.style_group = QButtonGroup(self)
        self.style_buttons: dict[StatementStyle, QRadioButton] = {}
        for index, (style, text, tip) in enumerate(STYLES):
            button = QRadioButton(text)
            button.setToolTip(tip)
            self.style_group.addButton(button, index)
            self.style_buttons[style] = button
        self.style_buttons[StatementStyle.ACTIVITY].setChecked(True)
        self.style_hint = hint_label("")

        date_label = QLabel("Statement &date")
        date_label.setBuddy(self.date_edit)
        self.from_label = QLabel("&From")
        self.from_label.setBuddy(self.from_edit)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        style_box = QVBoxLayout()
        style_box.setSpacing(2)
        style_box.addLayout(_row(*self.style_buttons.values()))
        style_box.addWidget(self.style_hint)
        form.addRow("Style", style_box)
        form.addRow(self.from_label, _row(self.from_edit))
        form.addRow(date_label, _row(self.date_edit))

        self.date_edit.dateChanged.connect(self.on_date_edit_date_changed)
        self.from_edit.dateChanged.connect(self.on_from_edit_date_changed)
        self.style_group.idToggled.connect(self._update)
        self._update()

    @property
    def statement_style(self) -> StatementStyle:
        return STYLES[max(0, self.style_group.checkedId())][0]

    def set_statement_style(self, style: StatementStyle) -> None:
        self.style_buttons[style].setChecked(True)

    @property
    def statement_date(self) -> date:
        return from_qdate(self.date_edit.date())

    def request(self) -> StatementRequest:
        activity = self.statement_style is StatementStyle.ACTIVITY
        start = from_qdate(self.from_edit.date()) if activity else None
        return StatementRequest(self.statement_date, self.statement_style, start)

    def on_date_edit_date_changed(self, day: QDate) -> None:
        self.from_edit.setMaximumDate(day)
        if self._from_follows:
            self.from_edit.blockSignals(True)
            self.from_edit.setDate(QDate(day.year(), day.month(), 1))
            self.from_edit.blockSignals(False)
        self.changed.emit()

    def on_from_edit_date_changed(self, _: QDate) -> None:
        self._from_follows = False
        self.changed.emit()

    def _update(self) -> None:
        activity = self.statement_style is StatementStyle.ACTIVITY
        self.from_edit.setEnabled(activity)
        self.from_label.setEnabled(activity)
        self.style_hint.setText(next(tip for style, _, tip in STYLES if style is self.statement_style) + ".")
        self.changed.emit()


class StatementDialog(QDialog):
    """One client's statement: what it covers."""

    def __init__(self, workspace: Workspace, client_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Statement — {client_name}")
        self.options = StatementOptions(workspace)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        ok.setText("Pre&view")
        layout = QVBoxLayout(self)
        layout.addWidget(self.options)
        layout.addSpacing(8)
        layout.addWidget(buttons)
        self.setMinimumWidth(540)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def request(self) -> StatementRequest:
        return self.options.request()


class LetterDialog(QDialog):
    """A reminder or a final demand, as of a day."""

    def __init__(self, workspace: Workspace, client_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Letter — {client_name}")
        self.date_edit = date_edit(workspace, workspace.today())
        self.date_edit.setToolTip("The letter's date; it lists what is overdue on that day")
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[LetterKind, QRadioButton] = {}
        for index, (kind, text, tip) in enumerate(LETTERS):
            button = QRadioButton(text)
            button.setToolTip(tip)
            self.kind_group.addButton(button, index)
            self.kind_buttons[kind] = button
        self.kind_buttons[LetterKind.REMINDER].setChecked(True)
        self.kind_hint = hint_label("")
        date_label = QLabel("Letter &date")
        date_label.setBuddy(self.date_edit)
        form = QFormLayout()
        kind_box = QVBoxLayout()
        kind_box.setSpacing(2)
        kind_box.addLayout(_row(*self.kind_buttons.values()))
        kind_box.addWidget(self.kind_hint)
        form.addRow("Letter", kind_box)
        form.addRow(date_label, _row(self.date_edit))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        ok.setText("Pre&view")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addWidget(buttons)
        self.setMinimumWidth(540)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.kind_group.idToggled.connect(self._update)
        self._update()

    @property
    def kind(self) -> LetterKind:
        return LETTERS[max(0, self.kind_group.checkedId())][0]

    @property
    def letter_date(self) -> date:
        return from_qdate(self.date_edit.date())

    def _update(self) -> None:
        self.kind_hint.setText(next(tip for kind, _, tip in LETTERS if kind is self.kind) + ".")
