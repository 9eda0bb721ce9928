"""The invoice dialog (new, draft, or issued read-only), issuing, voiding and deleting from the tab."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import CreditDeskError
from creditdesk.domain.invoice import InvoiceStatus
from creditdesk.services.ledger.credit_control import TEXT_MAX_LENGTH, WHO_MAX_LENGTH, Override
from creditdesk.services.ledger.invoice_list import InvoiceDetail, client_choices, default_tax_rate
from creditdesk.services.ledger.invoice_list import invoice_detail as load_invoice_detail
from creditdesk.services.ledger.invoices import (
    CreditPosition,
    InvoiceInput,
    LineText,
    OverrideRequired,
    credit_position,
    credit_warnings_for,
    delete_draft,
    format_number,
    issue_invoice,
    read_invoice_form,
    save_invoice,
    void_invoice,
)
from creditdesk.ui.errors import show_error
from creditdesk.ui.forms import FormDialog, Write, open_form
from creditdesk.ui.ops import Busy, run_write
from creditdesk.ui.widgets import (
    HINT_COLOUR,
    INVALID_CELL,
    RIGHT,
    ClientPicker,
    GridView,
    Index,
    LiveDelegate,
    MessageLine,
    ask,
    date_edit,
    from_qdate,
    mark_invalid,
    secondary,
    sentence,
    to_qdate,
)
from creditdesk.ui.workspace import Change, Workspace


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers and services
        return ""


class OverrideDialog(QDialog):
    """Issuing over the credit limit or to a client on hold: who decided it and why, for the timeline."""

    def __init__(self, warnings: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Issue anyway?")
        text = QLabel(" ".join(warnings))
        text.setWordWrap(True)
        self.who_edit = QLineEdit(_login_name())
        self.who_edit.setMaxLength(WHO_MAX_LENGTH)
        self.who_edit.setPlaceholderText("Your name")
        self.why_edit = QLineEdit()
        self.why_edit.setMaxLength(TEXT_MAX_LENGTH)
        self.why_edit.setPlaceholderText("e.g. “Agreed with the director: paying the old invoices on Friday”")
        self.message = MessageLine()
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.issue_button = box.addButton("&Issue anyway", QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel is not None
        cancel.setDefault(True)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form = QFormLayout()
        who = QLabel("&Who decided")
        who.setBuddy(self.who_edit)
        why = QLabel("W&hy")
        why.setBuddy(self.why_edit)
        form.addRow(who, self.who_edit)
        form.addRow(why, self.why_edit)
        note = QLabel("Both go on the client's timeline.")
        note.setStyleSheet(f"color: {HINT_COLOUR};")
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(box)
        self.setMinimumWidth(520)
        self.why_edit.setFocus()

    def accept(self) -> None:
        for edit in (self.who_edit, self.why_edit):
            mark_invalid(edit, not edit.text().strip())
        if not self.who_edit.text().strip():
            self.message.show_problem("Who decided: write the name of the person overriding the warning.")
            self.who_edit.setFocus()
            return
        if not self.why_edit.text().strip():
            self.message.show_problem("Why: write the reason for issuing despite the warning.")
            self.why_edit.setFocus()
            return
        super().accept()

    @property
    def who(self) -> str:
        return self.who_edit.text().strip()

    @property
    def why(self) -> str:
        return self.why_edit.text().strip()


def ask_override(parent: QWidget | None, warnings: Sequence[str]) -> Override | None:
    """Who and why once confirmed, or None when the person thinks better of it."""
    dialog = OverrideDialog(warnings, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return Override(dialog.who, dialog.why)
    finally:
        dialog.deleteLater()


T = TypeVar("T")


def issue_confirming(
    owner: QWidget,
    workspace: Workspace,
    issue: Callable[[Override | None], T],
    done: Callable[[T], None],
    override: Override | None = None,
    *,
    busy: Busy | None = None,
) -> bool:
    """Run ``issue`` (one service call) off the GUI thread; if the service says a credit warning
    needs confirming, ask who and why and run it once more with that. ``done`` once issued;
    nothing when the person thinks better of it. False if ``owner`` is still busy; ``busy``
    (the button or action that asked) is disabled meanwhile, else the owner.

    The service decides whether a warning applies, so the question is asked
    exactly when issuing would otherwise be refused.
    """

    def work() -> T | OverrideRequired:
        try:
            return issue(override)
        except OverrideRequired as exc:
            if override is not None:
                raise
            return exc  # a question for the person, not a refusal: nothing was written

    def answered(result: T | OverrideRequired) -> None:
        if not isinstance(result, OverrideRequired):
            done(result)
            return
        confirmed = ask_override(owner, result.warnings)
        if confirmed is not None:
            issue_confirming(owner, workspace, issue, done, confirmed, busy=busy)

    def changes(result: T | OverrideRequired) -> Change:
        return Change(0) if isinstance(result, OverrideRequired) else Change.EVERYTHING

    return run_write(owner, workspace, work, changes, done=answered, busy=busy)


# --- the invoice lines ------------------------------------------------------------------------------

LINE_COLUMNS = ("Description", "Quantity", "Unit price", "Tax %", "Net")
LINE_FIELDS = ("description", "quantity", "unit_price", "tax_rate")
DESCRIPTION, QUANTITY, UNIT_PRICE, TAX_RATE, NET = range(len(LINE_COLUMNS))


class LinesModel(QAbstractTableModel):
    """Lines as typed; there is always one blank line at the end to type into."""

    edited = Signal()

    def __init__(self, lines: Sequence[LineText], default_rate: str, read_only: bool = False) -> None:
        super().__init__()
        self.rows: list[LineText] = list(lines)
        self.default_rate = default_rate
        self.read_only = read_only
        self.nets: dict[int, str] = {}
        self.problems: dict[tuple[int, int], str] = {}
        if not read_only:
            self._keep_blank_line()

    def lines(self) -> list[LineText]:
        return list(self.rows)

    def is_trailing_blank(self, row: int) -> bool:
        return not self.read_only and row == len(self.rows) - 1 and self.rows[row].is_blank()

    def _keep_blank_line(self) -> None:
        if not self.rows or not self.rows[-1].is_blank():
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
            self.rows.append(LineText())
            self.endInsertRows()

    def remove_line(self, row: int) -> None:
        if self.read_only or not 0 <= row < len(self.rows) or self.is_trailing_blank(row):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rows[row]
        self.endRemoveRows()
        self._keep_blank_line()
        self.edited.emit()

    def set_feedback(self, nets: dict[int, str], problems: dict[tuple[int, int], str]) -> None:
        if (nets, problems) == (self.nets, self.problems):
            return
        self.nets, self.problems = nets, problems
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, NET))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LINE_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return LINE_COLUMNS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section != DESCRIPTION:
            return RIGHT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():  # the root: nothing to select, edit or tick
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.read_only and index.column() != NET:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        line = self.rows[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == NET:
                return self.nets.get(row, "")
            return getattr(line, LINE_FIELDS[column])
        if role == Qt.ItemDataRole.TextAlignmentRole and column != DESCRIPTION:
            return RIGHT
        if role == Qt.ItemDataRole.BackgroundRole and (row, column) in self.problems:
            return QBrush(INVALID_CELL)
        if role == Qt.ItemDataRole.ToolTipRole:
            if (row, column) in self.problems:
                return self.problems[(row, column)]
            if column == TAX_RATE:
                return "Tax rate in percent; empty means no tax"
        if role == Qt.ItemDataRole.ForegroundRole and self.is_trailing_blank(row):
            return QBrush(QColor("#6b6b6b"))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == NET or self.read_only:
            return False
        row, field = index.row(), LINE_FIELDS[index.column()]
        line = self.rows[row]
        text = str(value)
        if getattr(line, field) == text:
            return True
        was_blank = line.is_blank()
        values = {f: getattr(line, f) for f in LINE_FIELDS}
        values[field] = text
        if was_blank and field != "tax_rate" and not values["tax_rate"]:
            values["tax_rate"] = self.default_rate  # a new line starts with the usual rate
        if was_blank and field != "quantity" and not values["quantity"]:
            values["quantity"] = "1"
        self.rows[row] = LineText(**values)
        self.dataChanged.emit(self.index(row, 0), self.index(row, NET))
        self._keep_blank_line()
        self.edited.emit()
        return True


# --- the invoice dialog -------------------------------------------------------------------------------


class InvoiceDialog(FormDialog):
    """A new invoice, a draft to change, or an issued invoice to read."""

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        invoice_id: int | None = None,
        client_id: int | None = None,
    ) -> None:
        super().__init__(workspace, parent)
        self.formats = workspace.formats
        db = workspace.db
        self.detail: InvoiceDetail | None = (
            None if invoice_id is None else load_invoice_detail(db, invoice_id, workspace.today())
        )
        detail = self.detail
        self.read_only = detail is not None and not detail.is_draft
        self.saved_id: int | None = None
        self._save_as = InvoiceStatus.ISSUED  # what Save makes of the invoice; "Save as draft" says DRAFT
        self._issue: Callable[[Override | None], int] | None = None  # the last save, to run again confirmed
        self._position: CreditPosition | None = None
        self._due_by_hand = detail is not None
        self._dirty = False
        self._loading = True
        self._form = read_invoice_form(None, workspace.today(), workspace.today(), "", [], self.formats)

        wanted_client = detail.client_id if detail else client_id
        self.client_picker = ClientPicker(client_choices(db, include_id=wanted_client))
        self.client_info = QLabel()
        today = workspace.today()
        self.issue_edit = date_edit(workspace, detail.issue_date if detail else today)
        self.due_edit = date_edit(workspace, detail.due_date if detail else today)
        self.terms_hint = QLabel()
        self.terms_hint.setTextFormat(Qt.TextFormat.RichText)
        self.terms_hint.linkActivated.connect(self.on_terms_hint_link_activated)
        self.reference_edit = QLineEdit(detail.reference if detail else "")
        self.reference_edit.setMaxLength(100)
        self.reference_edit.setPlaceholderText("The client's purchase order or reference, if any")

        locale = workspace.company.locale
        lines = [
            LineText(
                line.description,
                format_number(line.quantity, locale),
                self.formats.amount(line.unit_price),
                format_number(line.tax_rate, locale),
            )
            for line in (detail.lines if detail else ())
        ]
        self.lines_model = LinesModel(lines, format_number(default_tax_rate(db), locale), self.read_only)
        self.lines_view = GridView([DESCRIPTION, QUANTITY, UNIT_PRICE, TAX_RATE])
        self.lines_view.setModel(self.lines_model)
        self.lines_view.setItemDelegate(LiveDelegate((QUANTITY, UNIT_PRICE, TAX_RATE), self.lines_view))
        self.lines_view.leave_after = self.lines_model.is_trailing_blank
        header = self.lines_view.horizontalHeader()
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        width = self.fontMetrics().horizontalAdvance("0")
        for column, chars in ((QUANTITY, 9), (UNIT_PRICE, 13), (TAX_RATE, 7), (NET, 13)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, chars * width + 16)
        self.lines_view.setMinimumHeight(self.lines_view.verticalHeader().defaultSectionSize() * 6 + 28)
        self.add_line_button = secondary(QPushButton("&Add line"))
        self.remove_line_button = secondary(QPushButton("Re&move line"))

        self.net_value, self.tax_value, self.gross_value = QLabel(), QLabel(), QLabel()
        for label in (self.net_value, self.tax_value, self.gross_value):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setMinimumWidth(self.fontMetrics().horizontalAdvance("€ 000,000,000.00") + 8)
        bold = QFont(self.gross_value.font())
        bold.setBold(True)
        self.gross_value.setFont(bold)
        self.notes_edit = QPlainTextEdit(detail.notes if detail else "")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText("Printed under the lines (thanks, bank details, anything else)")
        self.notes_edit.setFixedHeight(self.fontMetrics().height() * 3 + 14)
        self.warning = MessageLine()
        self.applied_label = QLabel()
        self.applied_label.setWordWrap(True)

        self.issue_button: QPushButton | None
        self.draft_button: QPushButton | None
        if self.read_only:  # nothing to save: only Close; Save goes (write() never runs a save here)
            self.issue_button = self.draft_button = None
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
            close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
            assert close is not None
            self.cancel_button = close
        else:
            self.issue_button = self.ok_button
            self.issue_button.setText("&Issue")
            self.draft_button = self.buttons.addButton(
                "Save as dra&ft", QDialogButtonBox.ButtonRole.ActionRole
            )
            cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
            assert cancel is not None
            self.cancel_button = cancel
            self.issue_button.setDefault(True)
            self.issue_button.setToolTip("Give the invoice its number and add it to what the client owes")
            self.draft_button.setToolTip("Keep it to finish later; a draft is not owed and has no number yet")
        self._lay_out()
        self._connect()
        if detail is not None:
            self.client_picker.set_client(detail.client_id)
        elif client_id is not None:
            self.client_picker.set_client(client_id)
        self._on_client(self.client_picker.client_id())
        self._loading = False
        self._set_read_only()
        self.revalidate()
        self.resize(820, 640)

    # -- building ----------------------------------------------------------------------------------
    def _lay_out(self) -> None:
        detail = self.detail
        if detail is None:
            self.setWindowTitle("New invoice")
            heading = "New invoice — it gets its number when issued"
        elif detail.is_draft:
            self.setWindowTitle("Draft invoice")
            heading = "Draft invoice — it gets its number when issued"
        else:
            self.setWindowTitle(f"Invoice {detail.number}")
            heading = f"Invoice {detail.number} — {detail.state.value}"
        title = QLabel(heading)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        title.setFont(font)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        client_label = QLabel("&Client")
        client_label.setBuddy(self.client_picker)
        form.addRow(client_label, self.client_picker)
        form.addRow("", self.client_info)
        dates = QHBoxLayout()
        dates.addWidget(self.issue_edit)
        due_label = QLabel("D&ue date")
        due_label.setBuddy(self.due_edit)
        dates.addSpacing(16)
        dates.addWidget(due_label)
        dates.addWidget(self.due_edit)
        dates.addWidget(self.terms_hint)
        dates.addStretch(1)
        issue_label = QLabel("Issue &date")
        issue_label.setBuddy(self.issue_edit)
        form.addRow(issue_label, dates)
        reference_label = QLabel("&Reference / PO")
        reference_label.setBuddy(self.reference_edit)
        form.addRow(reference_label, self.reference_edit)

        line_buttons = QHBoxLayout()
        line_buttons.addWidget(self.add_line_button)
        line_buttons.addWidget(self.remove_line_button)
        line_buttons.addStretch(1)
        totals = QGridLayout()
        totals.setColumnStretch(0, 1)
        for row, (name, value) in enumerate(
            (("Net", self.net_value), ("Tax", self.tax_value), ("Total", self.gross_value))
        ):
            label = QLabel(name)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if name == "Total":
                label.setFont(self.gross_value.font())
            totals.addWidget(label, row, 1)
            totals.addWidget(value, row, 2)
        line_buttons.addLayout(totals)

        notes_label = QLabel("&Notes")
        notes_label.setBuddy(self.notes_edit)
        lines_label = QLabel("&Lines")
        lines_label.setBuddy(self.lines_view)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(lines_label)
        layout.addWidget(self.lines_view, 1)
        layout.addLayout(line_buttons)
        layout.addWidget(self.applied_label)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes_edit)
        layout.addWidget(self.warning)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        order = [
            self.client_picker,
            self.issue_edit,
            self.due_edit,
            self.reference_edit,
            self.lines_view,
            self.add_line_button,
            self.remove_line_button,
            self.notes_edit,
        ]
        for first, second in pairwise(order):
            self.setTabOrder(first, second)

    def _connect(self) -> None:
        self.client_picker.client_changed.connect(self._on_client)
        self.client_picker.currentTextChanged.connect(self.revalidate)
        self.issue_edit.dateChanged.connect(self.on_issue_edit_date_changed)
        self.due_edit.dateChanged.connect(self.on_due_edit_date_changed)
        self.reference_edit.textChanged.connect(self._changed)
        self.notes_edit.textChanged.connect(self._changed)
        self.lines_model.edited.connect(self._changed)
        self.lines_view.selectionModel().currentChanged.connect(self._update_remove_button)
        self.add_line_button.clicked.connect(self.on_add_line_clicked)
        self.remove_line_button.clicked.connect(self.on_remove_line_clicked)
        if self.draft_button is not None:
            self.draft_button.clicked.connect(self.on_draft_clicked)

    def _set_read_only(self) -> None:
        detail = self.detail
        if not self.read_only or detail is None:
            return
        for widget in (self.client_picker, self.issue_edit, self.due_edit):
            widget.setEnabled(False)
        self.reference_edit.setReadOnly(True)
        self.reference_edit.setPlaceholderText("")
        self.notes_edit.setReadOnly(True)
        self.notes_edit.setPlaceholderText("")
        self.cancel_button.setFocus()
        self.add_line_button.hide()
        self.remove_line_button.hide()
        fmt = self.formats
        applied = [f"{fmt.day(a.date)}  {a.source}  {fmt.money(a.amount)}" for a in detail.applied]
        text = "Paid or credited: " + "; ".join(applied) if applied else "Nothing paid or credited yet."
        if detail.status is InvoiceStatus.ISSUED:
            text += f"  Still owed: {fmt.money(detail.open_amount)}."
        self.applied_label.setText(text)

    # -- what the form says --------------------------------------------------------------------------
    @property
    def issue_date(self) -> date:
        return from_qdate(self.issue_edit.date())

    @property
    def due_date(self) -> date:
        return from_qdate(self.due_edit.date())

    def _proposed_due(self) -> date | None:
        choice = self.client_picker.choice()
        return None if choice is None else choice.terms.due_date(self.issue_date)

    def _changed(self) -> None:
        if not self._loading:
            self._dirty = True
        self.revalidate()

    def _on_client(self, client_id: int | None) -> None:
        choice = self.client_picker.choice()
        self._position = None
        if choice is not None:
            try:
                self._position = credit_position(self.workspace.db, choice.id, self.workspace.today())
            except CreditDeskError as exc:
                show_error(self, exc)
        self._propose_due_date()
        self._changed()

    def _propose_due_date(self) -> None:
        proposed = self._proposed_due()
        if proposed is not None and not self._due_by_hand:
            self.due_edit.blockSignals(True)
            self.due_edit.setDate(to_qdate(proposed))
            self.due_edit.blockSignals(False)
        self._update_terms_hint()

    def _update_terms_hint(self) -> None:
        choice = self.client_picker.choice()
        proposed = self._proposed_due()
        if choice is None or proposed is None or self.read_only:
            self.terms_hint.clear()
            return
        terms = choice.terms.describe()
        if proposed == self.due_date:
            self.terms_hint.setText(f"{terms}")
        else:
            self.terms_hint.setText(
                f"{terms} gives {self.formats.day(proposed)} — <a href='terms'>use it</a>"
            )

    def revalidate(self) -> None:
        fmt = self.formats
        form = read_invoice_form(
            self.client_picker.client_id(),
            self.issue_date,
            self.due_date,
            self.reference_edit.text(),
            self.lines_model.lines(),
            fmt,
        )
        self.net_value.setText(fmt.money(form.totals.net))
        self.tax_value.setText(fmt.money(form.totals.tax))
        self.gross_value.setText(fmt.money(form.totals.gross))
        nets = {
            row: fmt.amount(line.net(fmt.exponent)) for row, line in zip(form.rows, form.lines, strict=True)
        }
        cells = {
            (p.line, LINE_FIELDS.index(p.field)): sentence(p.message)
            for p in form.problems
            if p.line is not None and p.field in LINE_FIELDS
        }
        self.lines_model.set_feedback(nets, cells)
        fields = {p.field for p in form.problems}
        typed_client = bool(self.client_picker.currentText().strip())
        mark_invalid(self.client_picker, "client" in fields and typed_client)
        mark_invalid(self.due_edit, "due_date" in fields)
        mark_invalid(self.reference_edit, "reference" in fields)
        self._update_client_info(form.totals.gross)
        if self.read_only:
            return
        self.message.show_problem(sentence(form.problems[0].message) if form.problems else None)
        assert self.issue_button is not None and self.draft_button is not None
        self.issue_button.setEnabled(form.ok)
        self.draft_button.setEnabled(form.ok)
        self._update_remove_button()
        self._form = form

    def _update_remove_button(self) -> None:
        row = self._current_line()
        self.remove_line_button.setEnabled(row >= 0 and not self.lines_model.is_trailing_blank(row))

    def _update_client_info(self, gross: Decimal) -> None:
        choice = self.client_picker.choice()
        position = self._position
        if choice is None or position is None:
            self.client_info.setText("")
            self.client_info.setVisible(False)
            self.warning.show_warning(None)
            return
        fmt = self.formats
        parts = [choice.terms.describe(), f"owes {fmt.money(position.owed)}"]
        if position.credit_limit is not None:
            parts.append(f"credit limit {fmt.money(position.credit_limit)}")
        if position.on_hold:
            parts.append("ON HOLD")
        self.client_info.setText(" · ".join(parts))
        self.client_info.setVisible(True)
        extra = gross if (self.detail is None or self.detail.is_draft) else Decimal(0)
        warnings = credit_warnings_for(position, extra, fmt) if not self.read_only else []
        self.warning.show_warning(" ".join(warnings) if warnings else None)

    def _current_line(self) -> int:
        index = self.lines_view.currentIndex()
        return index.row() if index.isValid() else -1

    # -- slots ---------------------------------------------------------------------------------------
    def on_issue_edit_date_changed(self, _: QDate) -> None:
        self._propose_due_date()
        self._changed()

    def on_due_edit_date_changed(self, _: QDate) -> None:
        if not self._loading:
            self._due_by_hand = self.due_date != self._proposed_due()
        self._update_terms_hint()
        self._changed()

    def on_terms_hint_link_activated(self, _: str) -> None:
        self._due_by_hand = False
        self._propose_due_date()
        self._changed()

    def on_add_line_clicked(self) -> None:
        row = len(self.lines_model.rows) - 1  # the blank line is always last
        index = self.lines_model.index(row, DESCRIPTION)
        self.lines_view.setFocus()
        self.lines_view.setCurrentIndex(index)
        self.lines_view.edit(index)

    def on_remove_line_clicked(self) -> None:
        self.lines_model.remove_line(self._current_line())

    def on_draft_clicked(self) -> None:
        self._save_as = InvoiceStatus.DRAFT
        try:
            self.accept()
        finally:
            self._save_as = InvoiceStatus.ISSUED

    # -- saving --------------------------------------------------------------------------------------
    def write(self) -> Write | None:
        if self.read_only:
            return None
        self.lines_view.setFocus()  # an open cell editor hands over what it holds
        self.revalidate()
        form = self._form
        client_id = self.client_picker.client_id()
        if not form.ok or client_id is None:
            return None
        data = InvoiceInput(
            client_id=client_id,
            issue_date=self.issue_date,
            lines=form.lines,
            due_date=self.due_date,
            reference=self.reference_edit.text().strip(),
            notes=self.notes_edit.toPlainText().strip(),
            status=self._save_as,
            version=None if self.detail is None else self.detail.version,
        )
        db, draft_id, today = (
            self.workspace.db,
            None if self.detail is None else self.detail.id,
            self.workspace.today(),
        )

        def save(override: Override | None) -> int:
            return save_invoice(db, data, draft_id, as_of=today, override=override)

        self._issue = save
        return lambda: save(None)

    def save_refused(self, exc: BaseException) -> None:
        """A credit warning to confirm: ask who and why, then save once more with that."""
        issue = self._issue
        if not isinstance(exc, OverrideRequired) or issue is None:
            return
        self.message.show_problem(None)  # not a mistake in the form: a question, asked next
        override = ask_override(self, exc.warnings)
        if override is not None:  # else nothing is saved and the form stays as it was
            self.run_save(lambda: issue(override))

    def saved_with(self, result: object) -> None:
        assert isinstance(result, int)
        self.saved_id = result
        self._dirty = False

    def reject(self) -> None:
        if self._dirty and not self.read_only:
            what = "changes to this draft" if self.detail is not None else "this invoice"
            if not ask(self, "Discard?", f"Discard {what}? Nothing has been saved.", "&Discard"):
                return
        super().reject()


# --- entry points -----------------------------------------------------------------------------------


def new_invoice(workspace: Workspace, parent: QWidget | None, client_id: int | None = None) -> bool:
    """Raise an invoice (or save a draft); True when something was saved."""
    return open_form(parent, lambda: InvoiceDialog(workspace, parent, client_id=client_id))


def edit_invoice(workspace: Workspace, parent: QWidget | None, invoice_id: int) -> bool:
    """Open an invoice: a draft to change and issue, anything else to read."""
    return open_form(parent, lambda: InvoiceDialog(workspace, parent, invoice_id=invoice_id))


def issue_draft(
    workspace: Workspace,
    parent: QWidget,
    invoice_id: int,
    done: Callable[[], None] | None = None,
    *,
    busy: Busy | None = None,
) -> bool:
    """Issue a draft as it stands, after the same credit warning the dialog gives; ``done`` once issued.

    False, starting nothing, while ``parent`` is still busy with an earlier op.
    """
    db, today = workspace.db, workspace.today()
    return issue_confirming(
        parent,
        workspace,
        lambda override: issue_invoice(db, invoice_id, today, override=override),
        lambda _number: None if done is None else done(),
        busy=busy,
    )


def delete_draft_asking(
    workspace: Workspace, parent: QWidget, invoice_id: int, *, busy: Busy | None = None
) -> bool:
    """Ask, then delete a draft off the GUI thread; True once asked and started."""
    try:
        detail = load_invoice_detail(workspace.db, invoice_id, workspace.today())
    except CreditDeskError as exc:
        show_error(parent, exc)
        return False
    total = workspace.formats.money(detail.totals.gross)
    question = f"Delete the draft for {detail.client_name} ({total})?"
    if not ask(parent, "Delete draft?", question, "&Delete"):
        return False
    db = workspace.db
    return run_write(parent, workspace, lambda: delete_draft(db, invoice_id), Change.EVERYTHING, busy=busy)


class VoidDialog(FormDialog):
    """Voiding says what happens to the money first, and asks why (for the client's timeline)."""

    def __init__(self, workspace: Workspace, detail: InvoiceDetail, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.detail = detail
        fmt = workspace.formats
        self.setWindowTitle(f"Void invoice {detail.number}")
        applied = sum((a.amount for a in detail.applied), Decimal(0))
        text = (
            f"Void invoice {detail.number} to {detail.client_name} for {fmt.money(detail.totals.gross)}? "
            "It stays on file for the record, but nothing is owed on it any more and it leaves the aging."
        )
        if applied > 0:
            text += (
                f"\n\n{fmt.money(applied)} already paid or credited against it goes back on "
                f"{detail.client_name}'s account, ready to allocate to another invoice."
            )
        explanation = QLabel(text)
        explanation.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setPlaceholderText("Optional: why, for the client's timeline")
        reason_label = QLabel("&Reason")
        reason_label.setBuddy(self.reason_edit)
        self.void_button = secondary(self.ok_button)
        self.void_button.setText("&Void invoice")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel is not None
        cancel.setDefault(True)  # the safe answer
        form = QFormLayout()
        form.addRow(reason_label, self.reason_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def write(self) -> Write | None:
        db, invoice_id, reason = self.workspace.db, self.detail.id, self.reason_edit.text()
        return lambda: void_invoice(db, invoice_id, reason)


def void_invoice_asking(workspace: Workspace, parent: QWidget | None, invoice_id: int) -> bool:
    try:
        detail = load_invoice_detail(workspace.db, invoice_id, workspace.today())
    except CreditDeskError as exc:
        show_error(parent, exc)
        return False
    return open_form(parent, lambda: VoidDialog(workspace, detail, parent))
