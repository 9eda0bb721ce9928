"""Agreeing a payment plan: which invoices, how many instalments and how often, previewed live.

The preview is the domain's own schedule (``instalments``), so what the
dialog shows is what ``create_plan`` stores and the PDF prints. In custom
mode the amounts in the preview table are typed over.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import CreditDeskError, ValidationError
from creditdesk.domain.formats import Formats
from creditdesk.domain.payment_plans import (
    DEFAULT_GRACE_DAYS,
    Frequency,
    PaymentPlan,
    instalment_date,
    instalments,
)
from creditdesk.services.arrangements.payment_plans import PlanInput, create_plan, payment_plan_pdf
from creditdesk.services.clients.overview import client_detail
from creditdesk.ui.arrangements.promise_dialog import default_checked
from creditdesk.ui.forms import FormDialog, Write, open_form
from creditdesk.ui.ledger.invoice_picker import InvoicePicker
from creditdesk.ui.pdf_preview import preview_pdf
from creditdesk.ui.widgets import (
    RIGHT,
    GridView,
    Index,
    LiveDelegate,
    date_edit,
    from_qdate,
    sentence,
)
from creditdesk.ui.workspace import Change, Workspace

FREQUENCY_LABELS = {
    Frequency.WEEKLY: "Weekly",
    Frequency.FORTNIGHTLY: "Fortnightly",
    Frequency.MONTHLY: "Monthly",
}
NUMBER, DUE, AMOUNT = range(3)


class ScheduleModel(QAbstractTableModel):
    """The instalments as they would be agreed; amounts editable in custom mode."""

    amounts_edited = Signal()

    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.formats = formats
        self.dates: list[date] = []
        self.amounts: list[str] = []  # as typed or as shown
        self.editable = False

    def set_schedule(self, dates: list[date], amounts: list[str], editable: bool) -> None:
        self.beginResetModel()
        self.dates, self.amounts, self.editable = dates, amounts, editable
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.dates)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return ("No.", "Due", f"Amount ({self.formats.currency})")[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == AMOUNT:
            return RIGHT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():  # the root: nothing to select, edit or tick
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if self.editable and index.column() == AMOUNT else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.dates):
            return None
        row, col = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (str(row + 1), self.formats.day(self.dates[row]), self.amounts[row])[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (NUMBER, AMOUNT):
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and self.editable and col == AMOUNT:
            return "Type this instalment's amount; together they must make the total"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != AMOUNT or not self.editable:
            return False
        self.amounts[index.row()] = str(value).strip()
        self.dataChanged.emit(index, index, [role])
        self.amounts_edited.emit()
        return True


class PlanDialog(FormDialog):
    changes = Change.ARRANGEMENTS | Change.TIMELINE

    def __init__(self, workspace: Workspace, client_id: int, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.client_id = client_id
        self.saved_id: int | None = None
        fmt = workspace.formats
        today = workspace.today()
        self.detail = client_detail(workspace.db, client_id, today)
        self.setWindowTitle(f"Payment plan — {self.detail.name}")

        self.invoices = InvoicePicker(fmt)
        self.invoices.pick_model.set_items(self.detail.open_invoices, default_checked(self.detail))
        self.total_label = QLabel()
        self.equal_button = QRadioButton("&Equal instalments")
        self.custom_button = QRadioButton("C&ustom amounts")
        self.equal_button.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.equal_button)
        group.addButton(self.custom_button)
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, 60)
        self.count_spin.setValue(3)
        self.count_spin.setSuffix(" instalments")
        self.frequency_combo = QComboBox()
        for frequency, label in FREQUENCY_LABELS.items():
            self.frequency_combo.addItem(label, frequency.value)
        self.frequency_combo.setCurrentIndex(self.frequency_combo.findData(Frequency.MONTHLY.value))
        self.first_edit = date_edit(workspace, today + timedelta(days=7))
        self.grace_spin = QSpinBox()
        self.grace_spin.setRange(0, 60)
        self.grace_spin.setValue(DEFAULT_GRACE_DAYS)
        self.grace_spin.setSuffix(" days")
        self.grace_spin.setToolTip("How long an instalment may be late before the plan counts as broken")
        self.notes_edit = QLineEdit()
        self.notes_edit.setPlaceholderText("Optional: kept with the plan, for your own reference")
        self.schedule = ScheduleModel(fmt, self)
        # Enter in a cell ends its editing instead of pressing Agree plan.
        self.schedule_view = GridView([AMOUNT])
        self.schedule_view.setItemDelegate(LiveDelegate([AMOUNT], self.schedule_view))
        self.schedule_view.setModel(self.schedule)
        self.schedule_view.setAlternatingRowColors(True)
        self.schedule_view.horizontalHeader().setSectionResizeMode(AMOUNT, QHeaderView.ResizeMode.Stretch)
        self.schedule_view.setMinimumHeight(self.fontMetrics().height() * 8)
        self.pdf_box = QCheckBox("&Preview the schedule as a PDF to send to the client")
        self.pdf_box.setChecked(True)
        self.save_button = self.ok_button
        self.save_button.setText("Agree plan")

        how = QHBoxLayout()
        for widget in (self.equal_button, self.custom_button, self.count_spin, self.frequency_combo):
            how.addWidget(widget)
        how.addStretch(1)
        when = QHBoxLayout()
        when.addWidget(self.first_edit)
        when.addSpacing(16)
        grace_label = QLabel("&Grace")
        grace_label.setBuddy(self.grace_spin)
        when.addWidget(grace_label)
        when.addWidget(self.grace_spin)
        when.addStretch(1)
        form = QFormLayout()
        invoices_label = QLabel("&Invoices")
        invoices_label.setBuddy(self.invoices)
        form.addRow(invoices_label, self.invoices)
        form.addRow("Total", self.total_label)
        form.addRow("Split", how)
        first_label = QLabel("&First due")
        first_label.setBuddy(self.first_edit)
        form.addRow(first_label, when)
        notes_label = QLabel("N&otes")
        notes_label.setBuddy(self.notes_edit)
        form.addRow(notes_label, self.notes_edit)
        form.addRow("Schedule", self.schedule_view)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.pdf_box)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)

        self.invoices.pick_model.checked_changed.connect(self.refresh)
        self.equal_button.toggled.connect(self.on_mode_toggled)
        self.count_spin.valueChanged.connect(self.refresh)
        self.frequency_combo.currentIndexChanged.connect(self.refresh)
        self.first_edit.dateChanged.connect(self.refresh)
        self.schedule.amounts_edited.connect(self.check)
        self.refresh()

    # -- reading the form ----------------------------------------------------------------------
    @property
    def total(self) -> Decimal:
        return self.invoices.pick_model.checked_total()

    @property
    def frequency(self) -> Frequency:
        return Frequency(self.frequency_combo.currentData())

    def plan(self) -> PaymentPlan:
        """The plan as the form stands; ValidationError says what is wrong."""
        ids = self.invoices.checked_ids()
        if not ids:
            raise ValidationError("tick at least one invoice for the plan")
        custom: tuple[Decimal, ...] | None = None
        if self.custom_button.isChecked():
            amounts = []
            for number, text in enumerate(self.schedule.amounts, start=1):
                amounts.append(self.workspace.formats.parse_amount(text, field=f"instalment {number}"))
            custom = tuple(amounts)
        return PaymentPlan(
            0,
            self.client_id,
            frozenset(ids),
            self.total,
            from_qdate(self.first_edit.date()),
            self.frequency,
            None if custom is not None else self.count_spin.value(),
            custom,
            self.grace_spin.value(),
            self.workspace.formats.exponent,
        )

    # -- the live preview ----------------------------------------------------------------------
    def on_mode_toggled(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the preview: equal amounts, or in custom mode the typed ones kept where they can be."""
        fmt = self.workspace.formats
        self.total_label.setText(fmt.money(self.total))
        count = self.count_spin.value()
        first = from_qdate(self.first_edit.date())
        dates = [instalment_date(first, self.frequency, i) for i in range(count)]
        custom = self.custom_button.isChecked()
        try:
            equal = [fmt.amount(i.amount) for i in instalments(self._equal_plan(count))]
        except CreditDeskError:
            equal = [""] * count
        if custom and len(self.schedule.amounts) == count and self.schedule.editable:
            amounts = list(self.schedule.amounts)
        else:
            amounts = equal
        self.schedule.set_schedule(dates, amounts, custom)
        self.check()

    def _equal_plan(self, count: int) -> PaymentPlan:
        return PaymentPlan(
            0,
            self.client_id,
            frozenset(self.invoices.checked_ids()) or frozenset({0}),
            self.total,
            from_qdate(self.first_edit.date()),
            self.frequency,
            count,
            None,
            self.grace_spin.value(),
            self.workspace.formats.exponent,
        )

    def check(self) -> bool:
        try:
            self.plan()
        except CreditDeskError as exc:
            self.message.show_problem(sentence(exc.message))
            self.save_button.setEnabled(False)
            return False
        self.message.show_problem(None)
        self.save_button.setEnabled(True)
        return True

    def write(self) -> Write | None:
        if not self.check():
            return None
        plan = self.plan()
        data = PlanInput(
            client_id=self.client_id,
            invoice_ids=sorted(plan.invoice_ids),
            first_date=plan.first_date,
            frequency=plan.frequency,
            made_on=self.workspace.today(),
            count=plan.count,
            custom_amounts=plan.custom_amounts,
            total=plan.total,
            grace_days=plan.grace_days,
            notes=self.notes_edit.text().strip(),
        )
        db = self.workspace.db
        return lambda: create_plan(db, data)

    def saved_with(self, result: object) -> None:
        assert isinstance(result, int)
        self.saved_id = result


def agree_plan(workspace: Workspace, parent: QWidget, client_id: int) -> int | None:
    """Agree a plan and, if asked, preview its schedule PDF; the plan's id once saved."""
    made: list[PlanDialog] = []

    def make() -> PlanDialog:
        made.append(PlanDialog(workspace, client_id, parent))
        return made[0]

    if not open_form(parent, make):
        return None
    dialog = made[0]  # closed, not yet deleted: what it was asked is still there to read
    plan_id, want_pdf, name = dialog.saved_id, dialog.pdf_box.isChecked(), dialog.detail.name
    if plan_id is None:
        return None
    if want_pdf:
        db = workspace.db
        preview_pdf(
            parent,
            lambda: payment_plan_pdf(db, plan_id),
            f"Payment plan — {name}",
            f"Payment plan {plan_id}.pdf",
        )
    return plan_id
