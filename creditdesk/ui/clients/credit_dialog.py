"""A client's credit limit and hold: the limit (or none) and whether new work is stopped.

Putting a client on hold asks why, because the reason goes on the timeline
and is what a colleague reads before overriding it. The rules (a limit in
range, a hold with a reason) are the credit-control service's: the dialog
reads what was typed, saves limit and hold in one call, and marks the field
the service names.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from creditdesk.domain.errors import CreditDeskError, FieldError
from creditdesk.services.ledger.credit_control import (
    LIMIT_FIELD,
    REASON_FIELD,
    TEXT_MAX_LENGTH,
    credit_status,
    set_limit_and_hold,
)
from creditdesk.ui.forms import FormDialog, Write, open_form
from creditdesk.ui.widgets import AmountEdit, mark_invalid, sentence
from creditdesk.ui.workspace import Change, Workspace


class CreditDialog(FormDialog):
    changes = Change.EVERYTHING  # a hold or a limit shows in the lists, the aging and the timeline

    def __init__(self, workspace: Workspace, client_id: int, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.client_id = client_id
        fmt = workspace.formats
        self.status = credit_status(workspace.db, client_id, workspace.today())
        self.setWindowTitle(f"Credit limit and hold — {self.status.name}")
        used = QLabel(f"Owed today: {fmt.money(self.status.used)}")
        self.limit_edit = AmountEdit(fmt)
        self.limit_edit.setPlaceholderText("No limit")
        self.limit_edit.setToolTip("Leave empty for no limit")
        if self.status.credit_limit is not None:
            self.limit_edit.setText(fmt.amount(self.status.credit_limit))
        self.hold_box = QCheckBox("&On hold: no new work until they have paid")
        self.hold_box.setChecked(self.status.on_hold)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(TEXT_MAX_LENGTH)
        self.reason_edit.setPlaceholderText("Why, for the client's timeline")
        self.reason_label = QLabel("&Reason")
        self.reason_label.setBuddy(self.reason_edit)
        self.save_button: QPushButton = self.ok_button
        form = QFormLayout()
        limit_label = QLabel("Credit &limit")
        limit_label.setBuddy(self.limit_edit)
        form.addRow(limit_label, self.limit_edit)
        form.addRow("", used)
        form.addRow("", self.hold_box)
        form.addRow(self.reason_label, self.reason_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self.hold_box.toggled.connect(self._update_reason)
        self.limit_edit.textEdited.connect(lambda _: mark_invalid(self.limit_edit, False))
        self.reason_edit.textEdited.connect(lambda _: mark_invalid(self.reason_edit, False))
        self._update_reason()

    def _update_reason(self) -> None:
        changed = self.hold_box.isChecked() != self.status.on_hold
        self.reason_edit.setEnabled(changed)
        self.reason_label.setEnabled(changed)

    def write(self) -> Write | None:
        mark_invalid(self.limit_edit, False)
        mark_invalid(self.reason_edit, False)
        text = self.limit_edit.text().strip()
        limit: Decimal | None = None
        if text:
            try:
                limit = self.workspace.formats.parse_amount(text, field="the credit limit")
            except CreditDeskError as exc:
                mark_invalid(self.limit_edit, True)
                self.message.show_problem(sentence(exc.message))
                return None
        hold = self.hold_box.isChecked()
        reason = self.reason_edit.text() if hold != self.status.on_hold else ""
        db, client_id = self.workspace.db, self.client_id
        return lambda: set_limit_and_hold(db, client_id, limit, hold, reason)

    def save_refused(self, exc: BaseException) -> None:
        """Nothing was saved: the message says what to fix; mark the field it names."""
        if isinstance(exc, FieldError):
            fields = {LIMIT_FIELD: self.limit_edit, REASON_FIELD: self.reason_edit}
            field = fields.get(exc.field)
            if field is not None:
                mark_invalid(field, True)
                field.setFocus()


def edit_credit(workspace: Workspace, parent: QWidget | None, client_id: int) -> bool:
    return open_form(parent, lambda: CreditDialog(workspace, client_id, parent))
