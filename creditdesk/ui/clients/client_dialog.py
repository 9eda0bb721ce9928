"""Adding and editing a client, checked as you type.

The rules are the service's (``client_problems`` and ``code_is_free``): the
dialog only shows them. Save stays disabled while a rule is broken, and one
line under the form names the field and what is wrong with it.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import ValidationError
from creditdesk.services.clients.records import (
    ClientInput,
    add_client,
    client_form,
    client_problems,
    code_is_free,
    terms_choices,
    update_client,
)
from creditdesk.ui.forms import FormDialog, Write, open_form
from creditdesk.ui.widgets import ERROR_COLOUR, HINT_COLOUR, sentence
from creditdesk.ui.workspace import Change, Workspace

INVALID_STYLE = f"border: 1px solid {ERROR_COLOUR}; border-radius: 3px; padding: 2px 1px;"

# The form's order, which is the order problems are reported in.
FIELDS = ("code", "name", "contact_name", "email", "phone", "address", "credit_limit")


class ClientDialog(FormDialog):
    """New client (``client_id`` None) or edit one. ``saved_id`` is set once saved."""

    changes = Change.CLIENTS

    def __init__(
        self, workspace: Workspace, client_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(workspace, parent)
        self.client_id = client_id
        self.saved_id: int | None = None
        self._touched: set[str] = set()
        self._problems: dict[str, str] = {}
        self.choices = terms_choices(workspace.db)
        original = client_form(workspace.db, client_id) if client_id is not None else None
        self.read_version = None if original is None else original.version
        fmt = workspace.formats

        self.setWindowTitle("New client" if original is None else f"Edit client — {original.name}")

        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(30)
        self.code_edit.setPlaceholderText("e.g. ACME")
        self.code_edit.setToolTip("A short unique code: letters, digits and . _ / -")
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.name_edit.setPlaceholderText("As it appears on invoices")
        self.contact_edit = QLineEdit()
        self.contact_edit.setMaxLength(200)
        self.contact_edit.setPlaceholderText("Who pays the bills")
        self.email_edit = QLineEdit()
        self.email_edit.setMaxLength(254)
        self.email_edit.setPlaceholderText("accounts@example.com")
        self.email_edit.setToolTip("Invoices, statements and reminders go to this address")
        self.phone_edit = QLineEdit()
        self.phone_edit.setMaxLength(50)
        self.address_edit = QPlainTextEdit()
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)

        self.terms_combo = QComboBox()
        for choice in self.choices:
            self.terms_combo.addItem(choice.label + (" (usual)" if choice.is_default else ""), choice.id)
        self.limit_edit = QLineEdit()
        self.limit_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.limit_edit.setPlaceholderText("No limit")
        self.limit_edit.setToolTip("The most this client may owe; leave empty for no limit")
        limit_row = QHBoxLayout()
        limit_row.setContentsMargins(0, 0, 0, 0)
        limit_row.addWidget(self.limit_edit, 1)
        currency = QLabel(fmt.currency)
        currency.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        limit_row.addWidget(currency)
        self.on_hold_box = QCheckBox("On &hold: no new work or invoices until they pay")
        self.do_not_chase_box = QCheckBox("&Do not chase: send no reminders")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText("Standing notes, e.g. “Quote the PO number on every invoice.”")
        self.notes_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)

        who = QGroupBox("Client")
        who_form = QFormLayout(who)
        who_form.addRow(self._caption("&Code", self.code_edit, required=True), self.code_edit)
        who_form.addRow(self._caption("&Name", self.name_edit, required=True), self.name_edit)
        who_form.addRow(self._caption("Con&tact", self.contact_edit), self.contact_edit)
        who_form.addRow(self._caption("&Email", self.email_edit), self.email_edit)
        who_form.addRow(self._caption("&Phone", self.phone_edit), self.phone_edit)
        who_form.addRow(self._caption("Add&ress", self.address_edit), self.address_edit)
        credit = QGroupBox("Credit control")
        credit_box = QVBoxLayout(credit)
        credit_form = QFormLayout()
        credit_box.addLayout(credit_form)
        credit_box.addStretch(1)
        credit_form.addRow(self._caption("Ter&ms", self.terms_combo), self.terms_combo)
        credit_form.addRow(self._caption("Credit &limit", self.limit_edit), limit_row)
        credit_form.addRow("", self.on_hold_box)
        credit_form.addRow("", self.do_not_chase_box)
        credit_form.addRow(self._caption("N&otes", self.notes_edit), self.notes_edit)
        for form in (who_form, credit_form):
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.message_label = self.message  # a hint while required fields are empty, else the problems
        self.message_label.show()
        self.message_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        self.ok_button.setText("Add client" if original is None else "Save")
        self.ok_button.setDefault(True)

        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addWidget(who, 1)
        columns.addWidget(credit, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(820)

        if original is not None:
            self._fill(original)
        else:
            default = next((i for i, c in enumerate(self.choices) if c.is_default), 0)
            self.terms_combo.setCurrentIndex(default)

        edits = {
            "code": self.code_edit,
            "name": self.name_edit,
            "contact_name": self.contact_edit,
            "email": self.email_edit,
            "phone": self.phone_edit,
            "credit_limit": self.limit_edit,
        }
        for name, edit in edits.items():
            edit.textEdited.connect(lambda _text, name=name: self._on_edited(name))
        self.address_edit.textChanged.connect(lambda: self._on_edited("address"))
        self.notes_edit.textChanged.connect(self.validate)
        self.terms_combo.currentIndexChanged.connect(self.validate)
        self.validate()

    def _caption(self, text: str, buddy: QWidget, *, required: bool = False) -> QLabel:
        label = QLabel(text + (" *" if required else ""))
        label.setBuddy(buddy)
        if required:
            label.setToolTip("Required")
        return label

    def _fill(self, data: ClientInput) -> None:
        fmt = self.workspace.formats
        self.code_edit.setText(data.code)
        self.name_edit.setText(data.name)
        self.contact_edit.setText(data.contact_name)
        self.email_edit.setText(data.email)
        self.phone_edit.setText(data.phone)
        self.address_edit.setPlainText(data.address)
        self.limit_edit.setText("" if data.credit_limit is None else fmt.amount(data.credit_limit))
        self.on_hold_box.setChecked(data.on_hold)
        self.do_not_chase_box.setChecked(data.do_not_chase)
        self.notes_edit.setPlainText(data.notes)
        index = next((i for i, c in enumerate(self.choices) if c.terms == data.terms), 0)
        self.terms_combo.setCurrentIndex(index)

    # -- checking --------------------------------------------------------------------------------
    def _on_edited(self, name: str) -> None:
        self._touched.add(name)
        self.validate()

    def _credit_limit(self) -> Decimal | None:
        text = self.limit_edit.text().strip()
        if not text:
            return None
        return self.workspace.formats.parse_amount(text, field="credit limit")

    def client_input(self) -> ClientInput:
        """The form as the service takes it (a credit limit that cannot be read counts as none)."""
        try:
            limit = self._credit_limit()
        except ValidationError:
            limit = None
        index = self.terms_combo.currentIndex()
        return ClientInput(
            code=self.code_edit.text(),
            name=self.name_edit.text(),
            email=self.email_edit.text(),
            contact_name=self.contact_edit.text(),
            phone=self.phone_edit.text(),
            address=self.address_edit.toPlainText(),
            terms=self.choices[index].terms if 0 <= index < len(self.choices) else None,
            credit_limit=limit,
            on_hold=self.on_hold_box.isChecked(),
            do_not_chase=self.do_not_chase_box.isChecked(),
            notes=self.notes_edit.toPlainText(),
            version=self.read_version,
        )

    def problems(self) -> dict[str, str]:
        """Field name -> what is wrong with it, in the form's order."""
        data = self.client_input()
        found = {p.field: sentence(p.message) for p in client_problems(data)}
        try:
            self._credit_limit()
        except ValidationError as exc:
            found["credit_limit"] = sentence(exc.message)
        if "code" not in found and not code_is_free(self.workspace.db, data.code, self.client_id):
            found["code"] = sentence(f"client code '{data.code.strip()}' is already used by another client")
        return {name: found[name] for name in FIELDS if name in found}

    def validate(self) -> bool:
        self._problems = self.problems()
        widgets: dict[str, QWidget] = {
            "code": self.code_edit,
            "name": self.name_edit,
            "contact_name": self.contact_edit,
            "email": self.email_edit,
            "phone": self.phone_edit,
            "address": self.address_edit,
            "credit_limit": self.limit_edit,
        }
        shown = {name for name in self._problems if name in self._touched or self.client_id is not None}
        for name, widget in widgets.items():
            widget.setStyleSheet(INVALID_STYLE if name in shown else "")
        self.ok_button.setEnabled(not self._problems)
        visible = [name for name in self._problems if name in shown]
        if visible:
            self.message_label.setStyleSheet(f"color: {ERROR_COLOUR};")
            self.message_label.setText("\n".join(f"⚠ {self._problems[name]}" for name in visible))
        elif self._problems:  # nothing typed there yet: a hint, not a telling-off
            self.message_label.setStyleSheet(f"color: {HINT_COLOUR};")
            self.message_label.setText("Fields marked * are required: enter a client code and a name.")
        else:
            self.message_label.setText("")
        return not self._problems

    # -- saving ----------------------------------------------------------------------------------
    def write(self) -> Write | None:
        self._touched.update(FIELDS)
        if not self.validate():
            return None
        db, client_id, data = self.workspace.db, self.client_id, self.client_input()
        if client_id is None:
            return lambda: add_client(db, data)

        def update() -> int:
            update_client(db, client_id, data)
            return client_id

        return update

    def saved_with(self, result: object) -> None:
        assert isinstance(result, int)
        self.saved_id = result


def new_client(workspace: Workspace, parent: QWidget | None = None) -> int | None:
    """Ask for a new client; its id once saved, None if cancelled."""
    made: list[ClientDialog] = []

    def make() -> ClientDialog:
        made.append(ClientDialog(workspace, None, parent))
        return made[0]

    return made[0].saved_id if open_form(parent, make) else None


def edit_client(workspace: Workspace, parent: QWidget | None, client_id: int) -> bool:
    """Edit a client; True once saved (a client removed meanwhile is said so, and nothing opens)."""
    return open_form(parent, lambda: ClientDialog(workspace, client_id, parent))
