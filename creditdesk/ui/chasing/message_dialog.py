"""One outbox message exactly as it will go out: read it, change it, approve or cancel it.

The rules are the outbox service's (``message_problems``): the dialog shows
each next to its field as people type, and Save stays disabled while one is
broken, so nothing half-right is ever stored. Sent and cancelled messages
open read-only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.chasing import Channel
from creditdesk.domain.formats import Formats
from creditdesk.services.chasing import outbox
from creditdesk.services.chasing.outbox import MessageDetail, MessageInvoice, ReminderStatus
from creditdesk.services.chasing.template_preview import text_to_html
from creditdesk.ui.chasing.outbox_model import CHANNEL_WORDS
from creditdesk.ui.errors import show_error
from creditdesk.ui.rows_model import RowsModel
from creditdesk.ui.widgets import ERROR_COLOUR, HINT_COLOUR, Index, mark_invalid, secondary, sentence
from creditdesk.ui.workspace import Workspace

FIELDS = ("recipient", "subject", "body")
PLAIN, HTML = 0, 1


class CoveredInvoicesModel(RowsModel[MessageInvoice]):
    """The invoices a message is about, with what was owed then and what is owed now."""

    def __init__(self, formats: Formats) -> None:
        super().__init__(formats, ("Invoice", "Issued", "Due", "Amount", "Owed then", "Owed now"))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if section >= 3 else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and section == 4:
            return "Still owed on the day the message was written: the figure the message quotes"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        invoice, column = self.rows[index.row()], index.column()
        fmt = self.formats
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                invoice.number,
                fmt.day(invoice.issue_date),
                fmt.day(invoice.due_date),
                fmt.amount(invoice.amount),
                fmt.amount(invoice.open_amount),
                fmt.amount(invoice.open_now),
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 5 and invoice.open_now < invoice.open_amount:
            return "Money has come in against this invoice since the message was written"
        return None


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.hide()
    return label


class MessageDialog(QDialog):
    """``changed`` is True once anything was saved, approved or cancelled: the outbox reloads."""

    def __init__(self, workspace: Workspace, reminder_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.reminder_id = reminder_id
        self.changed = False
        self.detail: MessageDetail = outbox.message_detail(workspace.db, reminder_id)
        detail, fmt = self.detail, workspace.formats
        noun = {Channel.EMAIL: "Email", Channel.LETTER: "Letter", Channel.PHONE: "Call"}[detail.channel]
        self.setWindowTitle(f"{detail.stage_name} — {noun} to {detail.client_name}")

        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.recipient_edit = QLineEdit(detail.recipient)
        self.recipient_edit.setMaxLength(outbox.RECIPIENT_MAX_LENGTH + 10)  # room to see it is too long
        self.recipient_edit.setToolTip("The client's address; changing it here changes this message only")
        self.subject_edit = QLineEdit(detail.subject)
        self.subject_edit.setMaxLength(outbox.SUBJECT_MAX_LENGTH + 10)
        self.body_edit = QPlainTextEdit(detail.body)
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.html_view = QTextBrowser()
        self.html_view.setOpenLinks(False)
        self.errors = {name: _error_label() for name in FIELDS}

        self.body_tabs = QTabWidget()
        self.body_tabs.setDocumentMode(True)
        text_page = QWidget()
        text_box = QVBoxLayout(text_page)
        text_box.setContentsMargins(0, 4, 0, 0)
        text_box.addWidget(self.body_edit, 1)
        text_box.addWidget(self.errors["body"])
        self.body_tabs.addTab(text_page, "Plain te&xt")
        self.body_tabs.addTab(self.html_view, "As it &looks (HTML)")
        if detail.channel is not Channel.EMAIL:
            self.body_tabs.setTabText(HTML, "As it &looks")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if detail.channel is Channel.EMAIL:
            to_label = QLabel("&To")
            to_label.setBuddy(self.recipient_edit)
            form.addRow(to_label, self._with_error(self.recipient_edit, "recipient"))
        else:
            self.recipient_edit.hide()
            how = (
                "By post, to the client's address"
                if detail.channel is Channel.LETTER
                else "A phone call: the text is what to say"
            )
            form.addRow("To", QLabel(how))
        subject_label = QLabel("&Subject")
        subject_label.setBuddy(self.subject_edit)
        form.addRow(subject_label, self._with_error(self.subject_edit, "subject"))
        attachments = QLabel(", ".join(detail.attachments) if detail.attachments else "None")
        attachments.setWordWrap(True)
        attachments.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if detail.channel is Channel.EMAIL:
            form.addRow("Attached", attachments)
        elif detail.attachments:
            form.addRow("Enclose", attachments)

        self.invoices_model = CoveredInvoicesModel(fmt)
        self.invoices_model.set_rows(detail.invoices)
        self.invoices_view = QTableView()
        self.invoices_view.setModel(self.invoices_model)
        self.invoices_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.invoices_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.invoices_view.setAlternatingRowColors(True)
        self.invoices_view.verticalHeader().hide()
        header = self.invoices_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        row_height = self.fontMetrics().height() + 8
        self.invoices_view.verticalHeader().setDefaultSectionSize(row_height)
        shown_rows = min(max(len(detail.invoices), 1), 4)  # more scroll
        frame = 2 * self.invoices_view.frameWidth()
        self.invoices_view.setFixedHeight(header.sizeHint().height() + row_height * shown_rows + frame)
        total = f"Total {fmt.money(detail.total)}"
        if detail.fee is not None:
            total += f" · fee {fmt.money(detail.fee)}"
        self.total_label = QLabel(total)
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        paid = [i.number for i in detail.invoices if i.open_now < i.open_amount]
        self.paid_label = QLabel(
            f"Money has come in since this was written ({', '.join(paid)}): check the message still "
            "says the right thing."
        )
        self.paid_label.setWordWrap(True)
        self.paid_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.paid_label.setVisible(bool(paid) and detail.editable)
        invoices_heading = QLabel(
            f"<b>{'Invoice' if len(detail.invoices) == 1 else 'Invoices'} covered</b> "
            f"<span style='color:{HINT_COLOUR}'>as on {fmt.day(detail.planned_on)}</span>"
        )

        self.save_button = secondary(QPushButton("&Save edits"))
        self.save_button.setToolTip("Keep your changes; the message stays as it is (draft or approved)")
        self.approve_button = secondary(QPushButton("&Approve"))
        self.approve_button.setToolTip("Save any changes and let this message go with the next send")
        self.cancel_message_button = secondary(QPushButton("Ca&ncel message"))
        self.cancel_message_button.setToolTip("This message will not go out; its stage counts as done")
        self.close_button = QPushButton("Close")
        self.close_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_message_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.state_label)
        layout.addLayout(form)
        layout.addWidget(self.body_tabs, 1)
        layout.addWidget(invoices_heading)
        layout.addWidget(self.invoices_view)
        layout.addWidget(self.total_label)
        layout.addWidget(self.paid_label)
        layout.addLayout(buttons)
        self.resize(780, 720)

        self.recipient_edit.textChanged.connect(self.validate)
        self.subject_edit.textChanged.connect(self.validate)
        self.body_edit.textChanged.connect(self.validate)
        self.body_edit.textChanged.connect(self._update_html)
        self.subject_edit.textChanged.connect(self._update_html)
        self.save_button.clicked.connect(self.on_save_button_clicked)
        self.approve_button.clicked.connect(self.on_approve_button_clicked)
        self.cancel_message_button.clicked.connect(self.on_cancel_message_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self._show_state()
        self._update_html()
        self.validate()
        self.body_edit.setFocus()

    def _with_error(self, edit: QLineEdit, name: str) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(edit)
        column.addWidget(self.errors[name])
        return box

    # -- what the message is -----------------------------------------------------------------------
    def _show_state(self) -> None:
        detail, fmt = self.detail, self.workspace.formats
        channel = CHANNEL_WORDS[detail.channel].lower()
        self.heading.setText(
            f"<b>{_html(detail.stage_name)}</b> · {channel} to <b>{_html(detail.client_name)}</b> "
            f"({_html(detail.client_code)})"
        )
        status = detail.status
        planned = f"planned for {fmt.day(detail.planned_on)}"
        if status is ReminderStatus.SENT and detail.sent_at is not None:
            done = {Channel.EMAIL: "Sent", Channel.LETTER: "Printed", Channel.PHONE: "Called"}[detail.channel]
            when = f"{fmt.day(detail.sent_at.date())} at {detail.sent_at:%H:%M}"
            text = f"{done} {when}. It can no longer be changed."
        elif status is ReminderStatus.CANCELLED:
            text = f"Cancelled ({planned}): it will not go out."
        elif status is ReminderStatus.SENDING:
            text = "Being sent right now."
        elif status is ReminderStatus.FAILED:
            text = f"Failed to send: {detail.error or 'no reason given'}. Correct it if need be, then Retry."
        elif status is ReminderStatus.APPROVED:
            text = f"Approved, {planned}: it goes with the next send."
            if detail.channel is not Channel.EMAIL:
                text = f"Approved, {planned}: print it or make the call, then mark it done."
            if detail.error:
                text += f" Last try: {detail.error}"
        else:
            text = f"Draft, {planned}: read it, change anything, then approve it."
        self.state_label.setText(text)
        failed = status is ReminderStatus.FAILED
        self.state_label.setStyleSheet(f"color: {ERROR_COLOUR};" if failed else f"color: {HINT_COLOUR};")
        editable = detail.editable
        for edit in (self.recipient_edit, self.subject_edit):
            edit.setReadOnly(not editable)
        self.body_edit.setReadOnly(not editable)
        self.save_button.setVisible(editable)
        self.approve_button.setVisible(status is ReminderStatus.DRAFT)
        self.cancel_message_button.setVisible(status in outbox.CANCELLABLE)

    def _update_html(self) -> None:
        scroll = self.html_view.verticalScrollBar().value()
        self.html_view.setHtml(text_to_html(self.body_edit.toPlainText(), self.subject_edit.text()))
        self.html_view.verticalScrollBar().setValue(scroll)

    # -- checking ----------------------------------------------------------------------------------
    def values(self) -> tuple[str, str, str]:
        return self.recipient_edit.text(), self.subject_edit.text(), self.body_edit.toPlainText()

    def is_dirty(self) -> bool:
        detail = self.detail
        recipient, subject, body = self.values()
        typed = (recipient.strip(), subject.strip(), body.strip())
        return typed != (detail.recipient.strip(), detail.subject.strip(), detail.body.strip())

    def problems(self) -> dict[str, str]:
        found = outbox.message_problems(self.detail.channel, *self.values())
        return {p.field: sentence(p.message) for p in found}

    def validate(self) -> bool:
        problems = self.problems() if self.detail.editable else {}
        widgets: dict[str, QWidget] = {
            "recipient": self.recipient_edit,
            "subject": self.subject_edit,
            "body": self.body_edit,
        }
        for name in FIELDS:
            message = problems.get(name)
            label = self.errors[name]
            label.setText(message or "")
            label.setVisible(message is not None)
            mark_invalid(widgets[name], message is not None)
        if problems and "body" in problems:
            self.body_tabs.setCurrentIndex(PLAIN)
        ok = not problems
        self.save_button.setEnabled(ok and self.is_dirty())
        self.approve_button.setEnabled(ok)
        return ok

    # -- acting ------------------------------------------------------------------------------------
    def save(self) -> bool:
        """Store the edits (if any); False, with nothing stored, when a rule is broken."""
        if not self.validate():
            return False
        if not self.is_dirty():
            return True
        try:
            outbox.edit_message(self.workspace.db, self.reminder_id, *self.values())
        except Exception as exc:
            show_error(self, exc)
            return False
        self.changed = True
        self.detail = outbox.message_detail(self.workspace.db, self.reminder_id)
        self.validate()
        return True

    def on_save_button_clicked(self) -> None:
        if self.save():
            self._show_state()
            self.state_label.setText("Your changes are saved. " + self.state_label.text())

    def on_approve_button_clicked(self) -> None:
        if not self.save():
            return
        try:
            outbox.approve(self.workspace.db, [self.reminder_id])
        except Exception as exc:
            show_error(self, exc)
            return
        self.changed = True
        self.accept()

    def on_cancel_message_button_clicked(self) -> None:
        answer = QMessageBox.question(
            self,
            "Cancel this message?",
            f"The '{self.detail.stage_name}' message to {self.detail.client_name} will not go out, and "
            "this stage counts as done for its invoices.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            outbox.cancel(self.workspace.db, [self.reminder_id])
        except Exception as exc:
            show_error(self, exc)
            return
        self.changed = True
        self.accept()

    def reject(self) -> None:
        """Close; unsaved edits are only dropped when the user says so."""
        if self.detail.editable and self.is_dirty():
            answer = QMessageBox.question(
                self,
                "Discard your changes?",
                "You changed this message without saving. Close and lose those changes?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def open_message(workspace: Workspace, parent: QWidget, reminder_id: int) -> bool:
    """Show the message; True when something about it changed."""
    try:
        dialog = MessageDialog(workspace, reminder_id, parent)
    except Exception as exc:
        show_error(parent, exc)
        return False
    try:
        dialog.exec()
        return dialog.changed
    finally:
        dialog.deleteLater()
