"""Marking an invoice disputed, and resolving the dispute.

A disputed invoice leaves the chasing schedule until the dispute is resolved,
so both dialogs say so in words.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.disputes import DisputeOutcome, DisputeReason
from creditdesk.domain.errors import CreditDeskError, NotFoundError
from creditdesk.services.arrangements.disputes import DisputeView, disputes, open_dispute, resolve_dispute
from creditdesk.services.ledger.invoice_list import invoice_detail
from creditdesk.ui.forms import FormDialog, Write, open_form
from creditdesk.ui.widgets import HINT_COLOUR, AmountEdit, mark_invalid, sentence
from creditdesk.ui.workspace import Change, Workspace


def _notes_edit(placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 14)
    return edit


class DisputeDialog(FormDialog):
    changes = Change.ARRANGEMENTS | Change.TIMELINE

    def __init__(self, workspace: Workspace, invoice_id: int, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.invoice_id = invoice_id
        self.saved_id: int | None = None
        detail = invoice_detail(workspace.db, invoice_id, workspace.today())
        self.setWindowTitle(f"Dispute {detail.number} — {detail.client_name}")
        self.reason_combo = QComboBox()
        for reason in DisputeReason:
            self.reason_combo.addItem(reason.label, reason.value)
        self.notes_edit = _notes_edit("What the client says is wrong, and what was agreed to check")
        hint = QLabel(
            f"{detail.number} leaves the chasing schedule until the dispute is resolved; "
            "no reminders go out for it meanwhile."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {HINT_COLOUR};")
        self.save_button = self.ok_button
        self.save_button.setText("Mark disputed")
        form = QFormLayout()
        for text, widget in (("&Reason", self.reason_combo), ("&Notes", self.notes_edit)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def write(self) -> Write | None:
        db, invoice_id = self.workspace.db, self.invoice_id
        reason = DisputeReason(self.reason_combo.currentData())
        notes, today = self.notes_edit.toPlainText().strip(), self.workspace.today()
        return lambda: open_dispute(db, invoice_id, reason, notes, today)

    def saved_with(self, result: object) -> None:
        assert isinstance(result, int)
        self.saved_id = result


def open_dispute_for(workspace: Workspace, invoice_id: int) -> DisputeView | None:
    """The invoice's unresolved dispute, if it has one."""
    for view in disputes(workspace.db, workspace.today()):
        if view.invoice_id == invoice_id and view.resolved_on is None:
            return view
    return None


class ResolveDisputeDialog(FormDialog):
    changes = Change.ARRANGEMENTS | Change.TIMELINE

    def __init__(self, workspace: Workspace, dispute: DisputeView, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.dispute = dispute
        fmt = workspace.formats
        self.setWindowTitle(f"Resolve the dispute on {dispute.invoice_number} — {dispute.client_name}")
        about = QLabel(
            f"Disputed on {fmt.day(dispute.opened_on)} ({dispute.reason.label.lower()}), "
            f"{dispute.age_days:,} days ago; {fmt.money(dispute.open_amount)} still open."
            + (f"\n“{dispute.notes}”" if dispute.notes else "")
        )
        about.setWordWrap(True)
        self.outcome_combo = QComboBox()
        for outcome in DisputeOutcome:
            self.outcome_combo.addItem(outcome.label, outcome.value)
        self.amount_edit = AmountEdit(fmt)
        self.amount_edit.setToolTip("The part of the invoice credited; the rest is chased again")
        self.notes_edit = _notes_edit("Optional: how it was settled")
        self.save_button = self.ok_button
        self.save_button.setText("Resolve")
        form = QFormLayout()
        self.amount_label = QLabel("&Credit amount")
        self.amount_label.setBuddy(self.amount_edit)
        outcome_label = QLabel("&Outcome")
        outcome_label.setBuddy(self.outcome_combo)
        notes_label = QLabel("&Notes")
        notes_label.setBuddy(self.notes_edit)
        form.addRow(outcome_label, self.outcome_combo)
        form.addRow(self.amount_label, self.amount_edit)
        form.addRow(notes_label, self.notes_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.outcome_combo.currentIndexChanged.connect(self.on_outcome_changed)
        self.amount_edit.textEdited.connect(lambda _: mark_invalid(self.amount_edit, False))
        self.on_outcome_changed()

    @property
    def outcome(self) -> DisputeOutcome:
        return DisputeOutcome(self.outcome_combo.currentData())

    def on_outcome_changed(self) -> None:
        partial = self.outcome is DisputeOutcome.PARTIAL_CREDIT
        self.amount_edit.setEnabled(partial)
        self.amount_label.setEnabled(partial)
        self.message.show_problem(None)

    def write(self) -> Write | None:
        amount: Decimal | None = None
        if self.outcome is DisputeOutcome.PARTIAL_CREDIT:
            try:
                amount = self.workspace.formats.parse_amount(
                    self.amount_edit.text(), field="the credit amount"
                )
            except CreditDeskError as exc:
                mark_invalid(self.amount_edit, True)
                self.message.show_problem(sentence(exc.message))
                self.amount_edit.setFocus()
                return None
        db, dispute_id, outcome = self.workspace.db, self.dispute.id, self.outcome
        today, notes = self.workspace.today(), self.notes_edit.toPlainText().strip()
        return lambda: resolve_dispute(db, dispute_id, outcome, today, notes, amount)


def dispute_invoice(workspace: Workspace, parent: QWidget | None, invoice_id: int) -> bool:
    return open_form(parent, lambda: DisputeDialog(workspace, invoice_id, parent))


def _resolve_dialog(workspace: Workspace, parent: QWidget | None, invoice_id: int) -> ResolveDisputeDialog:
    view = open_dispute_for(workspace, invoice_id)
    if view is None:
        raise NotFoundError("this invoice has no open dispute to resolve")
    return ResolveDisputeDialog(workspace, view, parent)


def resolve_invoice_dispute(workspace: Workspace, parent: QWidget | None, invoice_id: int) -> bool:
    return open_form(parent, lambda: _resolve_dialog(workspace, parent, invoice_id))
