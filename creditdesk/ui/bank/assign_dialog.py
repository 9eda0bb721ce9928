"""Assign a bank payment to a client: the payment is recorded for them, and the payer remembered."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from creditdesk.services.bank.entries import BankEntryView, assign_entry
from creditdesk.services.ledger.invoice_list import client_choices
from creditdesk.ui.bank.bank_model import grouped_iban
from creditdesk.ui.forms import FormDialog, Write, open_form
from creditdesk.ui.widgets import ClientPicker, hint_label, mark_invalid
from creditdesk.ui.workspace import Change, Workspace

# The payment goes on the client's timeline, and the Bank tab and Today's bank line change.
ASSIGN_CHANGES = Change.LEDGER | Change.BANK | Change.TIMELINE


def remember_text(entry: BankEntryView) -> str:
    """What "remember" will keep: the IBAN when the bank gave one (as the service does), else the name."""
    if entry.payer_iban:
        return f"Remember that payments from {grouped_iban(entry.payer_iban)} are from this client"
    return f"Remember that payments from “{entry.payer_name}” are from this client"


class AssignDialog(FormDialog):
    changes = ASSIGN_CHANGES

    def __init__(self, workspace: Workspace, entry: BankEntryView, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.entry = entry
        fmt = workspace.formats
        self.setWindowTitle("Assign the bank payment to a client")
        payer = entry.payer_name or entry.payer_iban
        if payer:
            summary = f"{fmt.money(entry.amount)} from {payer}, booked {fmt.day(entry.booked)}"
        else:
            summary = f"{fmt.money(entry.amount)}, booked {fmt.day(entry.booked)}"
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.bank_text = hint_label(" ".join(entry.text.split()))
        self.bank_text.setVisible(bool(entry.text.strip()))
        self.client_picker = ClientPicker(client_choices(workspace.db, include_id=entry.client_id))
        self.remember_box = QCheckBox(remember_text(entry))
        self.remember_box.setChecked(True)
        self.remember_box.setToolTip(
            "The next statement's payments from this payer are suggested for the client"
        )
        self.remember_box.setVisible(bool(entry.payer_iban or entry.payer_name.strip()))
        self.effect = hint_label(
            "The payment is recorded for the client and applied to their open invoices, "
            "as a payment entered by hand would be; what is left stays on their account."
        )
        self.ok_button.setText("&Assign")
        self.ok_button.setDefault(True)

        form = QFormLayout()
        client_label = QLabel("&Client")
        client_label.setBuddy(self.client_picker)
        form.addRow(client_label, self.client_picker)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.bank_text)
        layout.addLayout(form)
        layout.addWidget(self.remember_box)
        layout.addWidget(self.effect)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        if entry.client_id is not None:
            self.client_picker.set_client(entry.client_id)
        self.client_picker.client_changed.connect(self.on_client_picker_client_changed)
        self.client_picker.setFocus()

    def on_client_picker_client_changed(self, client_id: object) -> None:
        if client_id is not None:
            mark_invalid(self.client_picker, False)
            self.message.show_problem(None)

    def write(self) -> Write | None:
        client_id = self.client_picker.client_id()
        if client_id is None:
            mark_invalid(self.client_picker, True)
            self.message.show_problem("Choose the client who paid: type part of their name or code.")
            return None
        db, entry_id, remember = self.workspace.db, self.entry.id, self.remember_box.isChecked()
        return lambda: assign_entry(db, entry_id, client_id, remember=remember)


def assign_to_client(workspace: Workspace, parent: QWidget | None, entry: BankEntryView) -> bool:
    """Ask for the client and assign the entry; True once saved."""
    return open_form(parent, lambda: AssignDialog(workspace, entry, parent))
