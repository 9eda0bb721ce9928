"""Settings → Email account: the user's own mail server, checked as they type and tried before saving.

The rules are ``services.chasing.mail_account``; this dialog marks the field that
breaks one (red frame, tooltip, a line naming the field) and shows warnings
(a plain connection, an unusual port) in amber without blocking. "Send test
email" tries what is on screen, saved or not, so a wrong port is found
before anything is written. The password box is never filled in: left empty,
the stored password is kept.
"""

from __future__ import annotations

import ssl

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import CreditDeskError
from creditdesk.services.chasing.mail_account import (
    USUAL_PORTS,
    Security,
    SmtpForm,
    SmtpProblems,
    keyring_status,
    labelled,
    password_for,
    save_smtp_settings,
    smtp_form,
    smtp_problems,
)
from creditdesk.services.chasing.mail_account_check import send_test_with_form
from creditdesk.ui.errors import show_error
from creditdesk.ui.widgets import (
    ERROR_COLOUR,
    HINT_COLOUR,
    SUCCESS_COLOUR,
    MessageLine,
    hint_label,
    mark_invalid,
    secondary,
    sentence,
)
from creditdesk.ui.workers import run_in_background
from creditdesk.ui.workspace import Workspace

SECURITY_CHOICES = (
    (Security.STARTTLS, "STARTTLS (recommended)"),
    (Security.SSL, "SSL/TLS"),
    (Security.PLAIN, "None — only for a mail relay on this computer"),
)


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setHorizontalSpacing(12)
    form.setVerticalSpacing(8)
    form.setContentsMargins(12, 12, 12, 12)
    return form


class SmtpDialog(QDialog):
    """``ssl_context`` is for tests that trust their own CA; None means the system's trusted certificates."""

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.ssl_context = ssl_context
        self.saved_message = ""
        self.setWindowTitle("Email account")
        self._touched: set[str] = set()
        self._problems = SmtpProblems()
        self._port_typed = False
        self._filling = False

        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("e.g. smtp.example.com")
        self.security_combo = QComboBox()
        for security, text in SECURITY_CHOICES:
            self.security_combo.addItem(text, security.value)
        self.port_spin = QSpinBox()
        self.port_spin.setRange(0, 99999)  # out-of-range ports are explained, not silently clamped
        self.port_spin.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
        self.port_spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.port_spin.setFixedWidth(self.fontMetrics().horizontalAdvance("999999") + 20)
        self.username_edit = QLineEdit()
        self.username_edit.setPlaceholderText("Usually your email address")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_hint = hint_label()
        self.from_name_edit = QLineEdit()
        self.from_name_edit.setPlaceholderText("e.g. Northwind Accounts")
        self.from_address_edit = QLineEdit()
        self.from_address_edit.setPlaceholderText("accounts@example.com")
        self.reply_to_edit = QLineEdit()
        self.reply_to_edit.setPlaceholderText("Optional: where replies should go instead")
        self.bcc_box = QCheckBox("Send me a copy (Bcc) of every reminder")

        server_box = QGroupBox("Mail server")
        form = _form(server_box)
        form.addRow("&Server *", self.host_edit)
        security_row = QHBoxLayout()
        security_row.setSpacing(8)
        security_row.addWidget(self.security_combo, 1)
        port_label = QLabel("P&ort")
        port_label.setBuddy(self.port_spin)
        security_row.addSpacing(8)
        security_row.addWidget(port_label)
        security_row.addWidget(self.port_spin)
        security_label = QLabel("Se&curity")
        security_label.setBuddy(self.security_combo)
        form.addRow(security_label, security_row)
        form.addRow("&User name", self.username_edit)
        password_box = QVBoxLayout()
        password_box.setSpacing(3)
        password_box.addWidget(self.password_edit)
        password_box.addWidget(self.password_hint)
        password_label = QLabel("Pass&word")
        password_label.setBuddy(self.password_edit)
        password_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        password_label.setContentsMargins(0, 4, 0, 0)  # level with the box's text, not the hint
        form.addRow(password_label, password_box)

        sender_box = QGroupBox("Reminders come from")
        form = _form(sender_box)
        form.addRow("From &name", self.from_name_edit)
        form.addRow("From &address *", self.from_address_edit)
        form.addRow("&Reply-to", self.reply_to_edit)
        form.addRow("", self.bcc_box)

        # Both boxes' fields start at the same x, so the form reads as one column.
        labels = [
            label
            for box in (server_box, sender_box)
            for label in box.findChildren(QLabel)
            if label.buddy() is not None and label is not port_label
        ]
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(width)
            if label is not password_label:
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.message_line = MessageLine()
        self.warning_line = MessageLine()
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_result.hide()
        self.test_button = secondary(QPushButton("Send &test email…"))
        self.test_button.setToolTip("Send a short message with the settings shown here, saved or not")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.save_button: QPushButton = save

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(server_box)
        layout.addWidget(sender_box)
        layout.addWidget(self.message_line)
        layout.addWidget(self.warning_line)
        layout.addWidget(self.test_result)
        layout.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.test_button)  # apart from Save and Cancel: it saves nothing
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.setMinimumWidth(600)

        # field name (as the service calls it) -> widget
        self.fields: dict[str, QWidget] = {
            "host": self.host_edit,
            "port": self.port_spin,
            "security": self.security_combo,
            "username": self.username_edit,
            "from_name": self.from_name_edit,
            "from_address": self.from_address_edit,
            "reply_to": self.reply_to_edit,
        }
        self._fill(smtp_form(workspace.db))
        for name in ("host", "username", "from_name", "from_address", "reply_to"):
            widget = self.fields[name]
            assert isinstance(widget, QLineEdit)
            widget.textEdited.connect(lambda _=None, n=name: self._on_edited(n))
        self.port_spin.valueChanged.connect(self.on_port_spin_value_changed)
        self.security_combo.currentIndexChanged.connect(self.on_security_combo_current_index_changed)
        self.username_edit.textEdited.connect(lambda _=None: self._show_password_hint())
        self.test_button.clicked.connect(self.on_test_button_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.validate()
        self.host_edit.setFocus()

    def _fill(self, form: SmtpForm | None) -> None:
        self._filling = True
        try:
            if form is None:
                company = self.workspace.company
                self.security_combo.setCurrentIndex(0)
                self.port_spin.setValue(USUAL_PORTS[Security.STARTTLS])
                self.from_name_edit.setText(company.name)
            else:
                self.host_edit.setText(form.host)
                self.security_combo.setCurrentIndex(max(0, self.security_combo.findData(form.security.value)))
                self.port_spin.setValue(form.port)
                self._port_typed = form.port != USUAL_PORTS[form.security]
                self.username_edit.setText(form.username)
                self.from_name_edit.setText(form.from_name)
                self.from_address_edit.setText(form.from_address)
                self.reply_to_edit.setText(form.reply_to)
                self.bcc_box.setChecked(form.bcc_me)
        finally:
            self._filling = False
        self._show_password_hint()

    # -- the form as the service takes it --------------------------------------------------------
    @property
    def security(self) -> Security:
        return Security(str(self.security_combo.currentData()))

    def form(self) -> SmtpForm:
        return SmtpForm(
            host=self.host_edit.text(),
            port=self.port_spin.value(),
            security=self.security,
            username=self.username_edit.text(),
            from_name=self.from_name_edit.text(),
            from_address=self.from_address_edit.text(),
            reply_to=self.reply_to_edit.text(),
            bcc_me=self.bcc_box.isChecked(),
        )

    def password(self) -> str | None:
        """What was typed, or None to keep the stored password."""
        return self.password_edit.text() or None

    def _show_password_hint(self) -> None:
        status = keyring_status()
        if not status.usable:
            self.password_hint.setText(status.message)
            self.password_edit.setPlaceholderText("")
            return
        try:
            stored = password_for(self.form().config()) is not None
        except CreditDeskError:
            stored = False  # a locked store: say nothing is known to be saved
        if stored:
            self.password_hint.setText(f"A password is saved in {status.backend_name}.")
            self.password_edit.setPlaceholderText("Leave empty to keep the saved password")
        else:
            self.password_hint.setText(
                f"The password will be kept in {status.backend_name}, never in the company file."
            )
            self.password_edit.setPlaceholderText("")

    # -- checking as you type ------------------------------------------------------------------
    def on_port_spin_value_changed(self, _value: int) -> None:
        if not self._filling:
            self._port_typed = True
            self._on_edited("port")

    def on_security_combo_current_index_changed(self, _index: int) -> None:
        if self._filling:
            return
        if not self._port_typed:
            self._filling = True
            try:
                self.port_spin.setValue(USUAL_PORTS[self.security])
            finally:
                self._filling = False
        self._on_edited("security")

    def _on_edited(self, name: str) -> None:
        self._touched.add(name)
        self.test_result.hide()
        self.validate()

    def validate(self) -> bool:
        """Mark broken fields (only those already edited, until Save); warnings always show."""
        self._problems = smtp_problems(self.form())
        shown = [p for p in self._problems.errors if p.field in self._touched]
        bad = {p.field: sentence(p.message) for p in shown}
        for name, widget in self.fields.items():
            mark_invalid(widget, name in bad)
            widget.setToolTip(bad.get(name, ""))
        self.message_line.show_problem("\n".join(sentence(labelled(p)) for p in shown) or None)
        self.warning_line.show_warning(
            "\n".join(sentence(labelled(p)) for p in self._problems.warnings) or None
        )
        return self._problems.ok

    @property
    def message(self) -> str:
        return "" if self.message_line.isHidden() else self.message_line.text()

    @property
    def warning(self) -> str:
        return "" if self.warning_line.isHidden() else self.warning_line.text()

    def _focus_first_problem(self) -> None:
        first = self._problems.errors[0].field if self._problems.errors else None
        if first in self.fields:
            self.fields[first].setFocus()

    # -- trying it ------------------------------------------------------------------------------
    def on_test_button_clicked(self) -> None:
        self._touched.update(self.fields)
        if not self.validate():
            self._focus_first_problem()
            return
        to, ok = QInputDialog.getText(
            self,
            "Send test email",
            "Send a test message to:",
            QLineEdit.EchoMode.Normal,
            self.from_address_edit.text().strip(),
        )
        if ok and to.strip():
            self.send_test(to.strip())

    def send_test(self, to: str) -> None:
        """Send in the background with what is on screen; the answer appears under the form."""
        form, password, context = self.form(), self.password(), self.ssl_context
        self.test_button.setEnabled(False)
        self._show_result(f"Sending a test message to {to}…", HINT_COLOUR)

        def done(reply: str) -> None:
            self.test_button.setEnabled(True)
            self._show_result(f"✓ The server accepted the test message for {to}: {reply}", SUCCESS_COLOUR)

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            if isinstance(exc, CreditDeskError):
                self._show_result(f"⚠ The test message was not sent. {sentence(exc.message)}", ERROR_COLOUR)
            else:
                self._show_result("⚠ The test message was not sent.", ERROR_COLOUR)
                show_error(self, exc)

        run_in_background(
            self, lambda: send_test_with_form(form, to, password, ssl_context=context), done, failed
        )

    def _show_result(self, text: str, colour: str) -> None:
        self.test_result.setStyleSheet(f"color: {colour};")
        self.test_result.setText(text)
        self.test_result.show()

    @property
    def test_message(self) -> str:
        return "" if self.test_result.isHidden() else self.test_result.text()

    # -- saving ----------------------------------------------------------------------------------
    def accept(self) -> None:
        self._touched.update(self.fields)
        if not self.validate():
            self._focus_first_problem()
            return
        try:
            saved = save_smtp_settings(self.workspace.db, self.form(), self.password())
        except CreditDeskError as exc:
            self.message_line.show_problem(sentence(exc.message))
            return
        except Exception as exc:
            show_error(self, exc)
            return
        note = saved.password_message
        self.saved_message = "Email account saved." + (f" {sentence(note)}" if note else "")
        super().accept()


def edit_smtp(
    workspace: Workspace, parent: QWidget | None = None, *, ssl_context: ssl.SSLContext | None = None
) -> str | None:
    """Edit the mail account; what to tell the user once saved, or None when cancelled."""
    try:
        dialog = SmtpDialog(workspace, parent, ssl_context=ssl_context)
    except CreditDeskError as exc:
        show_error(parent, exc)
        return None
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        if not keyring_status().usable and dialog.password() is not None:
            QMessageBox.information(parent, "Email account", keyring_status().message)
        return dialog.saved_message
    finally:
        dialog.deleteLater()
