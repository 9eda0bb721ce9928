"""A credit note against one of a client's invoices, or on their account."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.allocation import OpenInvoice
from creditdesk.domain.errors import CreditDeskError, ValidationError
from creditdesk.domain.invoice import InvoiceStatus
from creditdesk.services.ledger.invoice_list import client_choices, invoice_detail, open_invoices_for
from creditdesk.services.ledger.payments import CreditNoteInput, Receipt, issue_credit_note, read_amount
from creditdesk.ui.errors import show_error
from creditdesk.ui.forms import FormDialog, Write, open_form
from creditdesk.ui.widgets import (
    AmountEdit,
    ClientPicker,
    date_edit,
    from_qdate,
    mark_invalid,
    sentence,
)
from creditdesk.ui.workspace import Change, Workspace

ON_ACCOUNT = "On account (no invoice)"


class CreditNoteDialog(FormDialog):
    changes = Change.LEDGER

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        client_id: int | None = None,
        invoice_id: int | None = None,
    ) -> None:
        super().__init__(workspace, parent)
        self.setWindowTitle("Credit note")
        self.formats = workspace.formats
        self.receipt: Receipt | None = None
        self.named: OpenInvoice | None = None  # the invoice asked for, even if nothing is open on it
        if invoice_id is not None:
            detail = invoice_detail(workspace.db, invoice_id, workspace.today())
            if detail.status is not InvoiceStatus.ISSUED:
                raise ValidationError(
                    f"invoice {detail.number} is {detail.status.value}; it cannot be credited"
                )
            client_id = detail.client_id
            self.named = OpenInvoice(
                detail.id, detail.number, detail.issue_date, detail.due_date, detail.open_amount
            )
        self.invoices: list[OpenInvoice] = []

        self.client_picker = ClientPicker(client_choices(workspace.db, include_id=client_id))
        self.against_combo = QComboBox()
        self.against_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.date_edit = date_edit(workspace, workspace.today())
        self.amount_edit = AmountEdit(self.formats)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(500)
        self.reason_edit.setPlaceholderText("Why: damaged goods, agreed discount, overcharge…")
        self.effect = QLabel()
        self.effect.setWordWrap(True)
        self.issue_button = self.ok_button
        self.issue_button.setText("&Issue credit note")
        self.issue_button.setDefault(True)

        form = QFormLayout()
        for text, widget in (
            ("&Client", self.client_picker),
            ("A&gainst", self.against_combo),
            ("&Date", self.date_edit),
            ("&Amount", self.amount_edit),
            ("&Reason", self.reason_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.effect)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        order = [self.client_picker, self.against_combo, self.date_edit, self.amount_edit, self.reason_edit]
        for first, second in pairwise(order):
            self.setTabOrder(first, second)

        self.client_picker.client_changed.connect(self.on_client_picker_client_changed)
        self.client_picker.currentTextChanged.connect(self.revalidate)
        self.against_combo.currentIndexChanged.connect(self.on_against_combo_current_index_changed)
        self.date_edit.dateChanged.connect(self.on_date_edit_date_changed)
        self.amount_edit.textChanged.connect(self.on_amount_edit_text_changed)
        if client_id is not None:
            self.client_picker.set_client(client_id)
        self.on_client_picker_client_changed(self.client_picker.client_id())
        if self.named is not None:
            self.against_combo.setCurrentIndex(self.against_combo.findData(self.named.id))
            self.amount_edit.setFocus()
        self.setMinimumWidth(560)

    # -- reading the form ------------------------------------------------------------------------------
    def invoice(self) -> OpenInvoice | None:
        invoice_id = self.against_combo.currentData()
        return next((i for i in self.invoices if i.id == invoice_id), None)

    def revalidate(self) -> Decimal | None:
        fmt = self.formats
        problems: list[str] = []
        choice = self.client_picker.choice()
        if choice is None:
            problems.append("choose the client to credit")
        amount = None
        try:
            amount = read_amount(self.amount_edit.text(), fmt, field="the amount")
        except ValidationError as exc:
            problems.append(exc.message)
        mark_invalid(self.amount_edit, amount is None and bool(self.amount_edit.text().strip()))
        mark_invalid(self.client_picker, choice is None and bool(self.client_picker.currentText().strip()))
        invoice = self.invoice()
        if choice is None:
            effect = ""
        elif invoice is None:
            effect = f"The credit stays on {choice.name}'s account until you allocate it to an invoice."
        elif amount is None:
            effect = f"{invoice.number} has {fmt.money(invoice.open_amount)} still owed on it."
        elif amount <= invoice.open_amount:
            effect = (
                f"Reduces what is owed on {invoice.number} from {fmt.money(invoice.open_amount)} "
                f"to {fmt.money(invoice.open_amount - amount)}."
            )
        else:
            effect = (
                f"Clears the {fmt.money(invoice.open_amount)} owed on {invoice.number}; "
                f"the other {fmt.money(amount - invoice.open_amount)} stays on {choice.name}'s account."
            )
        self.effect.setText(effect)
        self.message.show_problem(sentence(problems[0]) if problems else None)
        self.issue_button.setEnabled(not problems)
        return amount

    # -- slots -----------------------------------------------------------------------------------------
    def on_client_picker_client_changed(self, client_id: int | None) -> None:
        self.invoices = []
        if client_id is not None:
            try:
                self.invoices = open_invoices_for(self.workspace.db, client_id)
            except CreditDeskError as exc:
                show_error(self, exc)
        named = self.named
        if named is not None and named not in self.invoices and client_id is not None:
            self.invoices.insert(0, named)  # a paid invoice may still be credited (a refund)
        self.against_combo.blockSignals(True)
        self.against_combo.clear()
        self.against_combo.addItem(ON_ACCOUNT, None)
        fmt = self.formats
        for invoice in self.invoices:
            self.against_combo.addItem(
                f"{invoice.number} — {fmt.money(invoice.open_amount)} owed, due {fmt.day(invoice.due_date)}",
                invoice.id,
            )
        self.against_combo.blockSignals(False)
        self.revalidate()

    def on_against_combo_current_index_changed(self, _: int) -> None:
        self.revalidate()

    def on_date_edit_date_changed(self, _: QDate) -> None:
        self.revalidate()

    def on_amount_edit_text_changed(self, _: str) -> None:
        self.revalidate()

    def write(self) -> Write | None:
        amount = self.revalidate()
        client_id = self.client_picker.client_id()
        if not self.issue_button.isEnabled() or client_id is None or amount is None:
            return None
        invoice = self.invoice()
        data = CreditNoteInput(
            client_id=client_id,
            date=from_qdate(self.date_edit.date()),
            amount=amount,
            invoice_id=None if invoice is None else invoice.id,
            reason=self.reason_edit.text().strip(),
        )
        db = self.workspace.db
        return lambda: issue_credit_note(db, data)

    def saved_with(self, result: object) -> None:
        assert isinstance(result, Receipt)
        self.receipt = result


def new_credit_note(
    workspace: Workspace,
    parent: QWidget | None,
    client_id: int | None = None,
    invoice_id: int | None = None,
) -> bool:
    """Credit a client, against ``invoice_id`` or on account; True when a credit note was issued."""
    return open_form(parent, lambda: CreditNoteDialog(workspace, parent, client_id, invoice_id))
