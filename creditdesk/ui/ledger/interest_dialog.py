"""Settings → Late-payment interest: the company's policy, the base-rate table, clients' own policies.

Each part is saved by its own button, as one action, so nothing is
half-saved when the dialog is closed. Interest becomes money owed only
through "Raise interest invoice…", which lists what would be charged and
asks first: never silently.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import CreditDeskError, ValidationError
from creditdesk.domain.formats import Formats
from creditdesk.domain.interest import BaseRate, InterestKind, InterestPolicy
from creditdesk.domain.ranges import MAX_DATE, MAX_RATE, MIN_DATE
from creditdesk.services.ledger.interest import (
    ClientInterest,
    ClientPolicy,
    base_rates,
    client_interest,
    client_interest_policy,
    client_policies,
    company_interest_policy,
    delete_base_rate,
    describe_policy,
    raise_interest_invoice,
    set_base_rate,
    set_client_interest_policy,
    set_company_interest_policy,
)
from creditdesk.services.ledger.invoice_list import client_choices
from creditdesk.ui.ops import run_write
from creditdesk.ui.rows_model import RowsModel
from creditdesk.ui.widgets import (
    LEFT,
    RIGHT,
    ClientPicker,
    Index,
    MessageLine,
    from_qdate,
    mark_invalid,
    secondary,
    sentence,
    to_qdate,
)
from creditdesk.ui.workspace import Change, Workspace

T = TypeVar("T")

KIND_CHOICES = (
    ("No interest", InterestKind.NONE),
    ("Contractual annual rate", InterestKind.CONTRACTUAL),
    ("Statutory interest (UK business debts)", InterestKind.STATUTORY_UK),
)


def parse_rate(text: str, what: str) -> Decimal:
    """A percentage as typed: "8", "8.5", "8.5 %"."""
    cleaned = text.replace("%", "").replace(",", ".").strip()
    try:
        rate = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"{what} '{text.strip()}' is not a number; type it like 8 or 8.25") from None
    if not rate.is_finite() or rate < 0 or rate > MAX_RATE:
        raise ValidationError(f"{what} must be a percentage from 0 to {MAX_RATE}, such as 8 or 8.25")
    return rate


class PolicyEditor(QWidget):
    """A policy combo and, for contractual interest, its annual rate."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_combo = QComboBox()
        for label, kind in KIND_CHOICES:
            self.kind_combo.addItem(label, kind.value)
        self.rate_edit = QLineEdit()
        self.rate_edit.setPlaceholderText("e.g. 8")
        self.rate_edit.setMaximumWidth(80)
        self.rate_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind_combo, 1)
        layout.addWidget(self.rate_edit)
        layout.addWidget(QLabel("% a year"))
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self._on_kind_changed()

    def kind(self) -> InterestKind:
        return InterestKind(self.kind_combo.currentData())

    def set_policy(self, policy: InterestPolicy) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(policy.kind.value))
        self.rate_edit.setText("" if policy.annual_rate is None else f"{policy.annual_rate.normalize():f}")

    def policy(self) -> InterestPolicy:
        """The policy shown; raises ValidationError (and marks the rate) when the rate is wrong."""
        kind = self.kind()
        mark_invalid(self.rate_edit, False)
        if kind is not InterestKind.CONTRACTUAL:
            return InterestPolicy(kind)
        try:
            if not self.rate_edit.text().strip():
                raise ValidationError("contractual interest needs an annual rate, such as 8")
            return InterestPolicy.contractual(parse_rate(self.rate_edit.text(), "the annual rate"))
        except ValidationError:
            mark_invalid(self.rate_edit, True)
            raise

    def _on_kind_changed(self) -> None:
        self.rate_edit.setEnabled(self.kind() is InterestKind.CONTRACTUAL)


class BaseRatesModel(RowsModel[BaseRate]):
    HEADERS = ("In force from", "Base rate")

    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(formats, self.HEADERS, parent)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section == 1 else LEFT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        rate = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.formats.day(rate.effective_from) if index.column() == 0 else f"{rate.rate:f} %"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if index.column() == 1 else LEFT
        return None


class ClientPoliciesModel(RowsModel[ClientPolicy]):
    HEADERS = ("Code", "Client", "Own policy")

    def __init__(self, formats: Formats, parent: QObject | None = None) -> None:
        super().__init__(formats, self.HEADERS, parent)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.code, row.name, describe_policy(row.policy))[index.column()]
        return None


def _table(model: RowsModel[Any]) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setMinimumHeight(110)
    return view


def interest_lines_text(formats: Formats, accrued: ClientInterest) -> str:
    """What an interest invoice would charge, line by line, for the confirmation."""
    lines = []
    for item in accrued.invoices:
        if item.uncharged_interest > 0:
            noun = "day" if item.figure.days == 1 else "days"
            lines.append(
                f"Invoice {item.number} (due {formats.day(item.due_date)}), {item.figure.days} {noun} late: "
                f"interest {formats.money(item.uncharged_interest)}"
            )
        if item.uncharged_compensation > 0:
            lines.append(
                f"Invoice {item.number}: fixed compensation {formats.money(item.uncharged_compensation)}"
            )
    return "\n".join(lines)


class InterestDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.raised_id: int | None = None  # the last interest invoice raised here
        self.setWindowTitle("Late-payment interest")
        fmt = workspace.formats

        # The company's policy.
        self.company_policy = PolicyEditor()
        self.company_policy.set_policy(company_interest_policy(workspace.db))
        self.save_company_button = secondary(QPushButton("&Save company policy"))
        company_box = QGroupBox("Company policy (for every client without its own)")
        company_layout = QHBoxLayout(company_box)
        company_layout.addWidget(self.company_policy, 1)
        company_layout.addWidget(self.save_company_button)

        # The base-rate table.
        self.rates_model = BaseRatesModel(fmt, self)
        self.rates_view = _table(self.rates_model)
        # Two short columns: keep the rate next to its date rather than across the dialog.
        self.rates_view.horizontalHeader().setStretchLastSection(False)
        self.rates_view.setMaximumHeight(150)
        self.rate_date_edit = QDateEdit(to_qdate(workspace.today()))
        self.rate_date_edit.setDateRange(to_qdate(MIN_DATE), to_qdate(MAX_DATE))
        self.rate_date_edit.setCalendarPopup(True)
        self.rate_date_edit.setDisplayFormat("d MMM yyyy")
        self.rate_edit = QLineEdit()
        self.rate_edit.setPlaceholderText("e.g. 4.75")
        self.rate_edit.setMaximumWidth(80)
        self.rate_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.add_rate_button = secondary(QPushButton("&Add rate"))
        self.remove_rate_button = secondary(QPushButton("&Remove rate"))
        rates_box = QGroupBox("Bank of England base rate (for statutory interest)")
        add_row = QHBoxLayout()
        add_row.addWidget(QLabel("From"))
        add_row.addWidget(self.rate_date_edit)
        add_row.addWidget(self.rate_edit)
        add_row.addWidget(QLabel("%"))
        add_row.addWidget(self.add_rate_button)
        add_row.addStretch(1)
        add_row.addWidget(self.remove_rate_button)
        rates_layout = QVBoxLayout(rates_box)
        rates_layout.addWidget(self.rates_view, 0, Qt.AlignmentFlag.AlignLeft)
        rates_layout.addLayout(add_row)

        # Clients with a policy of their own.
        self.clients_model = ClientPoliciesModel(fmt, self)
        self.clients_view = _table(self.clients_model)
        self.client_picker = ClientPicker(client_choices(workspace.db))
        self.client_policy = PolicyEditor()
        self.set_client_button = secondary(QPushButton("Set &client policy"))
        self.clear_client_button = secondary(QPushButton("&Use company policy"))
        self.raise_button = secondary(QPushButton("Raise &interest invoice…"))
        self.raise_button.setToolTip("See the interest accrued for this client, then charge it on an invoice")
        clients_box = QGroupBox("Clients with their own policy")
        form = QFormLayout()
        form.addRow("Client", self.client_picker)
        form.addRow("Policy", self.client_policy)
        client_buttons = QHBoxLayout()
        client_buttons.addWidget(self.set_client_button)
        client_buttons.addWidget(self.clear_client_button)
        client_buttons.addStretch(1)
        client_buttons.addWidget(self.raise_button)
        clients_layout = QVBoxLayout(clients_box)
        clients_layout.addWidget(self.clients_view)
        clients_layout.addLayout(form)
        clients_layout.addLayout(client_buttons)

        self.message = MessageLine()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(company_box)
        layout.addWidget(rates_box)
        layout.addWidget(clients_box, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(680, 640)

        self.save_company_button.clicked.connect(self.on_save_company_clicked)
        self.add_rate_button.clicked.connect(self.on_add_rate_clicked)
        self.remove_rate_button.clicked.connect(self.on_remove_rate_clicked)
        self.set_client_button.clicked.connect(self.on_set_client_clicked)
        self.clear_client_button.clicked.connect(self.on_clear_client_clicked)
        self.raise_button.clicked.connect(self.on_raise_clicked)
        self.client_picker.client_changed.connect(self.on_client_changed)
        self.clients_view.clicked.connect(self.on_clients_view_clicked)
        self._reload()

    # -- loading -------------------------------------------------------------------------------
    def _reload(self) -> None:
        self.rates_model.set_rows(base_rates(self.workspace.db))
        self.clients_model.set_rows(client_policies(self.workspace.db))

    def _done(self, text: str) -> None:
        self.message.show_warning(None)
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText(text)
        self.message.show()

    def _problem(self, exc: CreditDeskError) -> None:
        self.message.show_problem(sentence(exc.message))

    def _client(self) -> int | None:
        client_id = self.client_picker.client_id()
        mark_invalid(self.client_picker, client_id is None)
        if client_id is None:
            self.message.show_problem("Choose a client first: type part of its name or code.")
        return client_id

    # -- actions -------------------------------------------------------------------------------
    def _save(
        self,
        work: Callable[[], T],
        busy: QPushButton,
        done: Callable[[T], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """One part's save, off the GUI thread; its refusal goes on the message line."""
        run_write(
            self,
            self.workspace,
            work,
            Change.LEDGER,
            done=done,
            busy=busy,
            problem=self.message,
            failed=failed,
        )

    def on_save_company_clicked(self) -> None:
        try:
            policy = self.company_policy.policy()
        except CreditDeskError as exc:
            self._problem(exc)
            return
        db = self.workspace.db
        self._save(
            lambda: set_company_interest_policy(db, policy),
            self.save_company_button,
            lambda _: self._done(f"Company policy saved: {describe_policy(policy)}."),
        )

    def on_add_rate_clicked(self) -> None:
        day = from_qdate(self.rate_date_edit.date())
        mark_invalid(self.rate_edit, False)
        try:
            rate = parse_rate(self.rate_edit.text(), "the base rate")
        except CreditDeskError as exc:
            mark_invalid(self.rate_edit, True)
            self._problem(exc)
            return

        def added(_: object) -> None:
            self.rate_edit.clear()
            self._reload()
            self._done(f"Base rate {rate:f} % recorded from {self.workspace.formats.day(day)}.")

        db = self.workspace.db
        self._save(
            lambda: set_base_rate(db, day, rate),
            self.add_rate_button,
            added,
            failed=lambda _: mark_invalid(self.rate_edit, True),
        )

    def on_remove_rate_clicked(self) -> None:
        rows = self.rates_view.selectionModel().selectedRows()
        if not rows:
            self.message.show_problem("Select the rate to remove in the table first.")
            return
        rate = self.rates_model.rows[rows[0].row()]

        def removed(_: object) -> None:
            self._reload()
            self._done(f"Base rate from {self.workspace.formats.day(rate.effective_from)} removed.")

        db = self.workspace.db
        self._save(lambda: delete_base_rate(db, rate.effective_from), self.remove_rate_button, removed)

    def on_client_changed(self, client_id: int | None) -> None:
        mark_invalid(self.client_picker, False)
        if client_id is not None:
            self.client_policy.set_policy(client_interest_policy(self.workspace.db, client_id))

    def on_clients_view_clicked(self) -> None:
        rows = self.clients_view.selectionModel().selectedRows()
        if rows:
            self.client_picker.set_client(self.clients_model.rows[rows[0].row()].client_id)

    def on_set_client_clicked(self) -> None:
        client_id = self._client()
        if client_id is None:
            return
        try:
            policy = self.client_policy.policy()
        except CreditDeskError as exc:
            self._problem(exc)
            return
        name = self.client_picker.currentText()

        def set_(_: object) -> None:
            self._reload()
            self._done(f"{name} now has its own policy: {describe_policy(policy)}.")

        db = self.workspace.db
        self._save(lambda: set_client_interest_policy(db, client_id, policy), self.set_client_button, set_)

    def on_clear_client_clicked(self) -> None:
        client_id = self._client()
        if client_id is None:
            return
        name = self.client_picker.currentText()

        def cleared(_: object) -> None:
            self.client_policy.set_policy(client_interest_policy(self.workspace.db, client_id))
            self._reload()
            self._done(f"{name} follows the company policy again.")

        db = self.workspace.db
        self._save(lambda: set_client_interest_policy(db, client_id, None), self.clear_client_button, cleared)

    def on_raise_clicked(self) -> None:
        client_id = self._client()
        if client_id is not None:
            self.raise_interest(client_id)

    def raise_interest(self, client_id: int) -> bool:
        """Show what would be charged, then raise the invoice only if the user says so.

        True once the user said so and the invoice is being raised; ``raised_id`` holds it once made.
        """
        fmt, as_of = self.workspace.formats, self.workspace.today()
        try:
            accrued = client_interest(self.workspace.db, client_id, as_of)
        except CreditDeskError as exc:
            self._problem(exc)
            return False
        name = self.client_picker.currentText()
        if accrued.uncharged <= 0:
            QMessageBox.information(
                self,
                "Raise interest invoice",
                f"No interest is due from {name} as of {fmt.day(as_of)} under "
                f"its policy ({describe_policy(accrued.policy).lower()}), so there is nothing to charge.",
            )
            return False
        box = QMessageBox(QMessageBox.Icon.Question, "Raise interest invoice", "", parent=self)
        box.setText(
            f"Raise an invoice to {name} dated {fmt.day(as_of)} for {fmt.money(accrued.uncharged)} "
            "of late-payment interest?"
        )
        box.setInformativeText(interest_lines_text(fmt, accrued))
        raise_button = box.addButton("Raise invoice", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        if box.clickedButton() is not raise_button:
            return False

        def raised(invoice_id: int) -> None:
            self.raised_id = invoice_id
            self._done(f"Interest invoice for {fmt.money(accrued.uncharged)} raised to {name}.")

        db = self.workspace.db
        self._save(lambda: raise_interest_invoice(db, client_id, as_of), self.raise_button, raised)
        return True


def edit_interest(workspace: Workspace, parent: QWidget | None = None) -> None:
    dialog = InterestDialog(workspace, parent)
    dialog.exec()
