"""Recording a payment with its allocations, and allocating money on account later.

Both dialogs show the client's open invoices with an amount to apply to each,
pre-filled oldest first. Once a person changes an amount by hand, the
pre-filling stops (until they ask for it again with "Oldest first"), so a
later change of the amount never undoes their choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.allocation import OpenInvoice
from creditdesk.domain.errors import CreditDeskError, ValidationError
from creditdesk.domain.formats import Formats
from creditdesk.services.ledger.invoice_list import client_choices, money_on_account, open_invoices_for
from creditdesk.services.ledger.payments import (
    AllocationForm,
    PaymentInput,
    Receipt,
    read_allocation_form,
    read_amount,
    suggest_allocations,
)
from creditdesk.services.ledger.payments import allocate_on_account as apply_on_account
from creditdesk.services.ledger.payments import record_payment as save_payment
from creditdesk.ui.errors import show_error
from creditdesk.ui.forms import FormDialog, Write, open_form
from creditdesk.ui.widgets import (
    OVERDUE_COLOUR,
    RIGHT,
    AmountEdit,
    ClientPicker,
    GridView,
    Index,
    LiveDelegate,
    ask,
    date_edit,
    from_qdate,
    mark_invalid,
    secondary,
    sentence,
)
from creditdesk.ui.workspace import Change, Workspace

INVALID_CELL = QColor("#fde7e9")
METHODS = ("Bank transfer", "Card", "Cash", "Cheque", "Direct debit", "Other")

ALLOCATION_COLUMNS = ("Invoice", "Issued", "Due", "Overdue", "Open", "Apply")
NUMBER, ISSUED, DUE, OVERDUE, OPEN, APPLY = range(len(ALLOCATION_COLUMNS))


class AllocationModel(QAbstractTableModel):
    """A client's open invoices and the amount typed against each."""

    edited = Signal()  # a person typed an amount

    def __init__(self, formats: Formats) -> None:
        super().__init__()
        self.formats = formats
        self.invoices: list[OpenInvoice] = []
        self.texts: list[str] = []
        self.as_of = date.today()
        self.problems: dict[int, str] = {}

    def set_invoices(self, invoices: Sequence[OpenInvoice], as_of: date) -> None:
        self.beginResetModel()
        self.invoices = list(invoices)
        self.texts = [""] * len(self.invoices)
        self.as_of = as_of
        self.problems = {}
        self.endResetModel()

    def set_as_of(self, as_of: date) -> None:
        self.as_of = as_of
        if self.invoices:
            self.dataChanged.emit(self.index(0, OVERDUE), self.index(len(self.invoices) - 1, OVERDUE))

    def fill(self, amounts: dict[int, Decimal]) -> None:
        """Put amounts in (the pre-filling); every other invoice gets none."""
        self.texts = [
            self.formats.amount(amounts[i.id]) if amounts.get(i.id, Decimal(0)) > 0 else ""
            for i in self.invoices
        ]
        if self.invoices:
            self.dataChanged.emit(self.index(0, APPLY), self.index(len(self.invoices) - 1, APPLY))

    def set_problems(self, problems: dict[int, str]) -> None:
        if problems != self.problems:
            self.problems = problems
            if self.invoices:
                self.dataChanged.emit(self.index(0, APPLY), self.index(len(self.invoices) - 1, APPLY))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.invoices)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ALLOCATION_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return ALLOCATION_COLUMNS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (OVERDUE, OPEN, APPLY):
            return RIGHT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():  # the root: nothing to select, edit or tick
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == APPLY else flags

    def _days_late(self, invoice: OpenInvoice) -> int:
        return max(0, (self.as_of - invoice.due_date).days)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        invoice = self.invoices[row]
        late = self._days_late(invoice)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == NUMBER:
                return invoice.number
            if column == ISSUED:
                return self.formats.day(invoice.issue_date)
            if column == DUE:
                return self.formats.day(invoice.due_date)
            if column == OVERDUE:
                return f"{late:,} days" if late else ""
            if column == OPEN:
                return self.formats.amount(invoice.open_amount)
            return self.texts[row]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (OVERDUE, OPEN, APPLY):
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column == OVERDUE and late:
            return QBrush(OVERDUE_COLOUR)
        if role == Qt.ItemDataRole.FontRole and column == OVERDUE and late:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and column == APPLY and row in self.problems:
            return QBrush(INVALID_CELL)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == APPLY:
                return self.problems.get(row, "The amount to apply to this invoice; empty for none")
            if column == OVERDUE and late:
                return f"Past its due date by {late:,} days"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != APPLY:
            return False
        text = str(value)
        if self.texts[index.row()] != text:
            self.texts[index.row()] = text
            self.dataChanged.emit(index, index)
            self.edited.emit()
        return True


class AllocationPanel(QWidget):
    """The open invoices table with its two helpers and a running summary."""

    def __init__(self, formats: Formats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = AllocationModel(formats)
        self.view = GridView([APPLY])
        self.view.setModel(self.model)
        self.view.setItemDelegate(LiveDelegate((APPLY,), self.view))
        header = self.view.horizontalHeader()
        width = self.fontMetrics().horizontalAdvance("0")
        for column, chars in ((NUMBER, 12), (ISSUED, 12), (DUE, 12), (OVERDUE, 10), (OPEN, 13), (APPLY, 13)):
            header.resizeSection(column, chars * width + 18)
        header.setSectionResizeMode(NUMBER, QHeaderView.ResizeMode.Stretch)
        self.view.setMinimumHeight(self.view.verticalHeader().defaultSectionSize() * 6 + 28)
        self.view.setMinimumWidth(sum(header.sectionSize(c) for c in range(APPLY + 1)) + 24)
        self.oldest_first_button = secondary(QPushButton("&Oldest first"))
        self.oldest_first_button.setToolTip("Fill in the amounts again, oldest invoice first")
        self.clear_button = secondary(QPushButton("Clea&r"))
        self.clear_button.setToolTip("Apply nothing now: everything stays on account")
        self.empty_note = QLabel("No open invoices: the money stays on account.")
        self.summary = QLabel()
        self.summary.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        buttons = QHBoxLayout()
        buttons.addWidget(self.oldest_first_button)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.empty_note)
        buttons.addStretch(1)
        buttons.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def show_summary(self, form: AllocationForm, formats: Formats, what: str) -> None:
        text = f"Applied {formats.money(form.allocated)}"
        if form.left_over > 0:
            text += f" · <b>{formats.money(form.left_over)} {what}</b>"
        self.summary.setText(text)
        empty = not self.model.invoices
        self.empty_note.setVisible(empty)
        self.oldest_first_button.setEnabled(not empty)
        self.clear_button.setEnabled(not empty)


class _AllocatingDialog(FormDialog):
    """What the payment and allocate dialogs share: an allocation panel refilled oldest first or cleared."""

    changes = Change.LEDGER
    panel: AllocationPanel
    _by_hand: bool

    def revalidate(self) -> AllocationForm:
        raise NotImplementedError

    def _prefill(self) -> None:
        raise NotImplementedError

    def _cancel_button(self) -> QPushButton:
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel is not None
        return cancel

    def on_oldest_first_clicked(self) -> None:
        self._by_hand = False
        self._prefill()
        self.revalidate()

    def on_clear_clicked(self) -> None:
        self._by_hand = True
        self.panel.model.fill({})
        self.revalidate()


class PaymentDialog(_AllocatingDialog):
    """Money received: who, when, how much, how, and which invoices it pays."""

    def __init__(
        self, workspace: Workspace, parent: QWidget | None = None, client_id: int | None = None
    ) -> None:
        super().__init__(workspace, parent)
        self.setWindowTitle("Record payment")
        self.formats = workspace.formats
        self.receipt: Receipt | None = None
        self._by_hand = False
        self._dirty = False

        self.client_picker = ClientPicker(client_choices(workspace.db, include_id=client_id))
        self.date_edit = date_edit(workspace, workspace.today())
        self.amount_edit = AmountEdit(self.formats)
        self.method_combo = QComboBox()
        self.method_combo.setEditable(True)
        self.method_combo.setMinimumContentsLength(22)
        self.method_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.method_combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.method_combo.addItems(["", *METHODS])
        method_edit = self.method_combo.lineEdit()
        assert method_edit is not None
        method_edit.setMaxLength(30)
        method_edit.setPlaceholderText("How it was paid")
        self.reference_edit = QLineEdit()
        self.reference_edit.setMaxLength(100)
        self.reference_edit.setPlaceholderText("The bank's or the payer's reference")
        self.panel = AllocationPanel(self.formats)
        self.record_button = self.ok_button
        self.record_button.setText("Record &payment")
        self.record_button.setDefault(True)
        self.cancel_button = self._cancel_button()

        form = QFormLayout()
        for text, widget in (
            ("&Client", self.client_picker),
            ("&Date received", self.date_edit),
            ("&Amount", self.amount_edit),
            ("&Method", self.method_combo),
            ("R&eference", self.reference_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        apply_label = QLabel("Apply &to invoices")
        apply_label.setBuddy(self.panel.view)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(apply_label)
        layout.addWidget(self.panel, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        for first, second in (
            (self.client_picker, self.date_edit),
            (self.date_edit, self.amount_edit),
            (self.amount_edit, self.method_combo),
            (self.method_combo, self.reference_edit),
            (self.reference_edit, self.panel.view),
            (self.panel.view, self.panel.oldest_first_button),
            (self.panel.oldest_first_button, self.panel.clear_button),
        ):
            self.setTabOrder(first, second)

        self.client_picker.client_changed.connect(self.on_client_picker_client_changed)
        self.client_picker.currentTextChanged.connect(self.revalidate)
        self.date_edit.dateChanged.connect(self.on_date_edit_date_changed)
        self.amount_edit.textChanged.connect(self.on_amount_edit_text_changed)
        self.method_combo.currentTextChanged.connect(self._touched)
        self.reference_edit.textChanged.connect(self._touched)
        self.panel.model.edited.connect(self.on_allocations_edited)
        self.panel.oldest_first_button.clicked.connect(self.on_oldest_first_clicked)
        self.panel.clear_button.clicked.connect(self.on_clear_clicked)
        if client_id is not None:
            self.client_picker.set_client(client_id)
        self.on_client_picker_client_changed(self.client_picker.client_id())
        self._dirty = False
        self.resize(720, 560)

    # -- reading the form ----------------------------------------------------------------------------
    @property
    def received_on(self) -> date:
        return from_qdate(self.date_edit.date())

    def amount(self) -> Decimal | None:
        try:
            return read_amount(self.amount_edit.text(), self.formats, field="the amount")
        except ValidationError:
            return None

    def revalidate(self) -> AllocationForm:
        problems: list[str] = []
        client_id = self.client_picker.client_id()
        if client_id is None:
            problems.append("choose the client who paid")
        amount = None
        try:
            amount = read_amount(self.amount_edit.text(), self.formats, field="the amount")
        except ValidationError as exc:
            problems.append(exc.message)
        mark_invalid(self.amount_edit, amount is None and bool(self.amount_edit.text().strip()))
        mark_invalid(self.client_picker, client_id is None and bool(self.client_picker.currentText().strip()))
        model = self.panel.model
        form = read_allocation_form(amount or Decimal(0), model.invoices, model.texts, self.formats)
        model.set_problems({row: sentence(text) for row, text in form.problems if row is not None})
        if amount is not None:
            problems += [text for _, text in form.problems]
        else:
            problems += [text for row, text in form.problems if row is not None]
        self.panel.show_summary(form, self.formats, "stays on account")
        self.message.show_problem(sentence(problems[0]) if problems else None)
        self.record_button.setEnabled(not problems)
        return form

    def _prefill(self) -> None:
        if self._by_hand:
            return
        amount = self.amount()
        model = self.panel.model
        model.fill(suggest_allocations(amount, self.received_on, model.invoices) if amount else {})

    def _touched(self) -> None:
        self._dirty = True

    # -- slots -----------------------------------------------------------------------------------------
    def on_client_picker_client_changed(self, client_id: int | None) -> None:
        invoices: list[OpenInvoice] = []
        if client_id is not None:
            try:
                invoices = open_invoices_for(self.workspace.db, client_id)
            except CreditDeskError as exc:
                show_error(self, exc)
        self.panel.model.set_invoices(invoices, self.received_on)
        self._by_hand = False
        self._prefill()
        self._touched()
        self.revalidate()

    def on_date_edit_date_changed(self, _: QDate) -> None:
        self.panel.model.set_as_of(self.received_on)
        self._prefill()
        self._touched()
        self.revalidate()

    def on_amount_edit_text_changed(self, _: str) -> None:
        self._prefill()
        self._touched()
        self.revalidate()

    def on_allocations_edited(self) -> None:
        self._by_hand = True
        self._touched()
        self.revalidate()

    def write(self) -> Write | None:
        self.panel.view.setFocus()  # an open cell editor hands over what it holds
        form = self.revalidate()
        client_id, amount = self.client_picker.client_id(), self.amount()
        if not self.record_button.isEnabled() or client_id is None or amount is None:
            return None
        data = PaymentInput(
            client_id=client_id,
            date=self.received_on,
            amount=amount,
            method=self.method_combo.currentText().strip(),
            reference=self.reference_edit.text().strip(),
        )
        db, allocations = self.workspace.db, form.allocations
        return lambda: save_payment(db, data, allocations)

    def saved_with(self, result: object) -> None:
        assert isinstance(result, Receipt)
        self.receipt = result
        self._dirty = False

    def reject(self) -> None:
        question = "Discard this payment? Nothing has been recorded."
        if (
            self._dirty
            and self.amount_edit.text().strip()
            and not ask(self, "Discard?", question, "&Discard")
        ):
            return
        super().reject()


class AllocateDialog(_AllocatingDialog):
    """Money a client has on account, applied to their open invoices today."""

    def __init__(
        self, workspace: Workspace, parent: QWidget | None = None, client_id: int | None = None
    ) -> None:
        super().__init__(workspace, parent)
        self.setWindowTitle("Allocate money on account")
        self.formats = workspace.formats
        self.today = workspace.today()
        self.available = Decimal(0)
        self._by_hand = False

        self.client_picker = ClientPicker(client_choices(workspace.db, include_id=client_id))
        self.available_label = QLabel()
        self.panel = AllocationPanel(self.formats)
        note = QLabel(
            f"The money is applied today, {self.formats.day(self.today)}; reports for earlier days "
            "still show it on account."
        )
        note.setWordWrap(True)
        self.allocate_button = self.ok_button
        self.allocate_button.setText("&Allocate")
        self.allocate_button.setDefault(True)
        self.cancel_button = self._cancel_button()

        form = QFormLayout()
        client_label = QLabel("&Client")
        client_label.setBuddy(self.client_picker)
        form.addRow(client_label, self.client_picker)
        form.addRow("On account", self.available_label)
        apply_label = QLabel("Apply &to invoices")
        apply_label.setBuddy(self.panel.view)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(apply_label)
        layout.addWidget(self.panel, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.client_picker, self.panel.view)
        self.setTabOrder(self.panel.view, self.panel.oldest_first_button)
        self.setTabOrder(self.panel.oldest_first_button, self.panel.clear_button)

        self.client_picker.client_changed.connect(self.on_client_picker_client_changed)
        self.client_picker.currentTextChanged.connect(self.revalidate)
        self.panel.model.edited.connect(self.on_allocations_edited)
        self.panel.oldest_first_button.clicked.connect(self.on_oldest_first_clicked)
        self.panel.clear_button.clicked.connect(self.on_clear_clicked)
        if client_id is not None:
            self.client_picker.set_client(client_id)
        self.on_client_picker_client_changed(self.client_picker.client_id())
        self.resize(720, 520)

    def revalidate(self) -> AllocationForm:
        model = self.panel.model
        form = read_allocation_form(
            self.available, model.invoices, model.texts, self.formats, what="on account"
        )
        model.set_problems({row: sentence(text) for row, text in form.problems if row is not None})
        choice = self.client_picker.choice()
        problems = [text for _, text in form.problems]
        if choice is None:
            problems.insert(0, "choose the client whose money on account to allocate")
        elif self.available <= 0:
            problems.insert(0, f"{choice.name} has no money on account to allocate")
        elif not model.invoices:
            problems.insert(0, f"{choice.name} has no open invoices to allocate to")
        elif not form.allocations and not problems:
            problems.append("enter an amount against at least one invoice")
        mark_invalid(self.client_picker, choice is None and bool(self.client_picker.currentText().strip()))
        self.panel.show_summary(form, self.formats, "stays on account")
        self.message.show_problem(sentence(problems[0]) if problems else None)
        self.allocate_button.setEnabled(not problems)
        return form

    def _prefill(self) -> None:
        model = self.panel.model
        model.fill(suggest_allocations(self.available, self.today, model.invoices))

    def on_client_picker_client_changed(self, client_id: int | None) -> None:
        invoices: list[OpenInvoice] = []
        self.available = Decimal(0)
        if client_id is not None:
            try:
                invoices = open_invoices_for(self.workspace.db, client_id)
                self.available = money_on_account(self.workspace.db, client_id, self.today)
            except CreditDeskError as exc:
                show_error(self, exc)
        self.available_label.setText(self.formats.money(self.available) if client_id is not None else "")
        self.panel.model.set_invoices(invoices, self.today)
        self._by_hand = False
        self._prefill()
        self.revalidate()

    def on_allocations_edited(self) -> None:
        self._by_hand = True
        self.revalidate()

    def write(self) -> Write | None:
        self.panel.view.setFocus()  # an open cell editor hands over what it holds
        form = self.revalidate()
        client_id = self.client_picker.client_id()
        if not self.allocate_button.isEnabled() or client_id is None:
            return None
        db, allocations, today = self.workspace.db, form.allocations, self.today
        return lambda: apply_on_account(db, client_id, allocations, today)


def record_payment(workspace: Workspace, parent: QWidget | None, client_id: int | None = None) -> bool:
    """Record money received; True when a payment was saved."""
    return open_form(parent, lambda: PaymentDialog(workspace, parent, client_id))


def allocate_on_account(workspace: Workspace, parent: QWidget | None, client_id: int | None = None) -> bool:
    """Apply money on account to invoices; True when something was allocated."""
    return open_form(parent, lambda: AllocateDialog(workspace, parent, client_id))
