"""Recording a promise to pay: how much, by when, for which open invoices.

While the promise is open the reminders for its invoices pause (the
reminder plan reads promises), so the dialog defaults to what is overdue.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import CreditDeskError
from creditdesk.domain.invoice import InvoiceState
from creditdesk.services.arrangements.promises import PromiseInput, record_promise
from creditdesk.services.clients.overview import ClientDetail, client_detail
from creditdesk.ui.forms import FormDialog, Write, open_form
from creditdesk.ui.ledger.invoice_picker import InvoicePicker
from creditdesk.ui.widgets import (
    HINT_COLOUR,
    AmountEdit,
    date_edit,
    from_qdate,
    mark_invalid,
    sentence,
)
from creditdesk.ui.workspace import Change, Workspace

PROMISE_DAYS = 7  # a week is what people usually ask for


def default_checked(detail: ClientDetail) -> list[int]:
    """The overdue invoices, or every open one when nothing is overdue yet; never disputed ones,
    which wait for the dispute rather than for a promise or a plan."""
    undisputed = [i for i in detail.open_invoices if i.state is not InvoiceState.DISPUTED]
    overdue = [i.id for i in undisputed if i.days_overdue > 0]
    return overdue or [i.id for i in undisputed]


class PromiseDialog(FormDialog):
    changes = Change.ARRANGEMENTS | Change.TIMELINE

    def __init__(self, workspace: Workspace, client_id: int, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.client_id = client_id
        self.saved_id: int | None = None
        today = workspace.today()
        self.detail = client_detail(workspace.db, client_id, today)
        self.setWindowTitle(f"Promise to pay — {self.detail.name}")
        fmt = workspace.formats

        self.invoices = InvoicePicker(fmt)
        self.invoices.pick_model.set_items(self.detail.open_invoices, default_checked(self.detail))
        self.amount_edit = AmountEdit(fmt)
        self.amount_edit.setText(fmt.amount(self.invoices.pick_model.checked_total()))
        self._amount_follows = True  # follows the ticked invoices until typed over
        self.date_edit = date_edit(workspace, today + timedelta(days=PROMISE_DAYS))
        self.notes_edit = QLineEdit()
        self.notes_edit.setPlaceholderText("Optional: who promised, how they will pay")
        self.hint = QLabel("Reminders for these invoices pause until the promised date.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {HINT_COLOUR};")

        self.save_button: QPushButton = self.ok_button
        self.save_button.setText("Record promise")

        form = QFormLayout()
        for text, widget in (
            ("&Invoices", self.invoices),
            ("&Amount", self.amount_edit),
            ("&By", self.date_edit),
            ("N&otes", self.notes_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

        self.invoices.pick_model.checked_changed.connect(self.on_invoices_changed)
        self.amount_edit.textEdited.connect(self.on_amount_edited)
        if not self.detail.open_invoices:
            self.message.show_problem(f"{self.detail.name} owes nothing: there is nothing to promise.")
            self.save_button.setEnabled(False)

    def on_invoices_changed(self) -> None:
        if self._amount_follows:
            self.amount_edit.setText(self.workspace.formats.amount(self.invoices.pick_model.checked_total()))

    def on_amount_edited(self, _: str) -> None:
        self._amount_follows = False
        mark_invalid(self.amount_edit, False)
        self.message.show_problem(None)

    def read(self) -> PromiseInput | None:
        """The form as a promise, or None with the field marked and the problem said."""
        mark_invalid(self.amount_edit, False)
        ids = self.invoices.checked_ids()
        if not ids:
            self.message.show_problem("Tick at least one invoice the promise is for.")
            return None
        try:
            amount = self.workspace.formats.parse_amount(self.amount_edit.text(), field="the promised amount")
        except CreditDeskError as exc:
            mark_invalid(self.amount_edit, True)
            self.message.show_problem(sentence(exc.message))
            self.amount_edit.setFocus()
            return None
        if amount <= Decimal(0):
            mark_invalid(self.amount_edit, True)
            self.message.show_problem("The promised amount must be above zero.")
            self.amount_edit.setFocus()
            return None
        return PromiseInput(
            client_id=self.client_id,
            invoice_ids=ids,
            amount=amount,
            promised_date=from_qdate(self.date_edit.date()),
            made_on=self.workspace.today(),
            notes=self.notes_edit.text().strip(),
        )

    def write(self) -> Write | None:
        data = self.read()
        if data is None:
            return None
        db = self.workspace.db
        return lambda: record_promise(db, data)

    def saved_with(self, result: object) -> None:
        assert isinstance(result, int)
        self.saved_id = result


def promise_to_pay(workspace: Workspace, parent: QWidget | None, client_id: int) -> bool:
    """Ask for a promise and record it; True once saved."""
    return open_form(parent, lambda: PromiseDialog(workspace, client_id, parent))
