"""File → Import bank statement… (and the Bank tab's button): choose the bank's file, see what was
read and what importing it would do, then import it with progress and cancel.

Checking is a dry run of the bank service (``check_bank_file``): the same
matching as the import, written nowhere. A file the readers refuse is said in
plain words; a bank CSV export no preset recognises gets the mapping panel, so
the user says which column holds the date, the amount (or credit and debit),
the payer and the text, instead of the file being turned away.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import CreditDeskError
from creditdesk.domain.matching import Outcome
from creditdesk.services.bank.statement_import import (
    BankCheck,
    BankField,
    BankImportSummary,
    bank_file_columns,
    check_bank_file,
    import_bank_statement,
)
from creditdesk.services.company.company_file import Database
from creditdesk.services.imports.watch import ImportCancelled
from creditdesk.ui.company.import_mapping import MappingPanel
from creditdesk.ui.company.import_preview import PREVIEW_ROWS, TextRowsModel
from creditdesk.ui.company.import_progress import WriteProgress
from creditdesk.ui.ops import run_read
from creditdesk.ui.widgets import SUCCESS_COLOUR, MessageLine, hint_label, secondary, sentence
from creditdesk.ui.workspace import Change, Workspace

CHANGES = Change.BANK | Change.LEDGER


@dataclass(frozen=True)
class Checked:
    """One reading of the file: what importing it would do, or why it cannot be read."""

    check: BankCheck | None
    refusal: str = ""
    header: tuple[str, ...] = ()  # a table no bank preset recognised: its columns, to map by hand


def _check(db: Database, path: Path, columns: dict[BankField, str] | None) -> Checked:
    try:
        return Checked(check_bank_file(db, path, columns=columns))
    except CreditDeskError as exc:  # FileRefused, another currency, the company file: said in words
        problems = getattr(exc, "problems", None)
        text = "; ".join(problems) if problems else str(getattr(exc, "problem", exc))
        return Checked(None, sentence(text), bank_file_columns(path))


class StatementDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.checked: Checked | None = None
        self.imported: BankImportSummary | None = None
        self.checked_path: Path | None = None
        self.again = False
        self.setWindowTitle(self.tr("Import bank statement"))

        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(
            self.tr("The statement file's full name, or choose it with Browse.")
        )
        self.browse_button = secondary(QPushButton(self.tr("&Browse…")))
        file_label = QLabel(self.tr("&File:"))
        file_label.setBuddy(self.path_edit)
        file_row = QHBoxLayout()
        file_row.addWidget(file_label)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        intro = hint_label(
            self.tr(
                "Download the statement from your online banking as CAMT.053 or CAMT.054 (XML), OFX or "
                "QFX, MT940, or CSV, and choose it here. CreditDesk records the payments it can prove, "
                "suggests the ones it can guess and leaves the rest for you on the Bank tab; nothing is "
                "recorded twice."
            )
        )

        self.values: dict[str, QLabel] = {}
        read_box = QGroupBox(self.tr("What was read"))
        read_form = QFormLayout(read_box)
        for key, label in (
            ("format", self.tr("Format:")),
            ("account", self.tr("Account:")),
            ("period", self.tr("Period:")),
            ("credits", self.tr("Money in:")),
            ("debits", self.tr("Money out:")),
        ):
            read_form.addRow(label, self._value(key))
        self.do_box = do_box = QGroupBox(self.tr("What importing it would do"))
        do_form = QFormLayout(do_box)
        for key, label in (
            ("applied", self.tr("Recorded and applied to invoices:")),
            ("suggested", self.tr("Suggested, for you to confirm:")),
            ("unmatched", self.tr("Left for you to assign to a client:")),
            ("linked", self.tr("Linked to payments entered already:")),
            ("known", self.tr("Imported before, left as they are:")),
        ):
            do_form.addRow(label, self._value(key))
        figures = QHBoxLayout()
        figures.addWidget(read_box, 1)
        figures.addWidget(do_box, 1)

        fields = (
            (BankField.BOOKED, self.tr("Booking date:")),
            (BankField.AMOUNT, self.tr("Amount (signed):")),
            (BankField.CREDIT, self.tr("Credit (money in):")),
            (BankField.DEBIT, self.tr("Debit (money out):")),
            (BankField.PAYER_NAME, self.tr("Payer:")),
            (BankField.PAYER_IBAN, self.tr("Payer's IBAN:")),
            (BankField.TEXT, self.tr("Text or reference:")),
            (BankField.REFERENCE, self.tr("Bank's own reference:")),
            (BankField.CURRENCY, self.tr("Currency:")),
        )
        self.mapping_panel: MappingPanel[BankField] = MappingPanel(
            workspace, ((self.tr("Recognise the bank from its columns"), "auto"),), fields
        )
        self.mapping_box = QGroupBox(self.tr("Which column holds what"))
        mapping_layout = QVBoxLayout(self.mapping_box)
        mapping_layout.addWidget(
            hint_label(
                self.tr(
                    "CreditDesk does not know this bank's CSV layout. Choose the column of the booking date, "
                    "the amount (or the credit and debit columns), and the payer or the text of each entry."
                )
            )
        )
        mapping_layout.addWidget(self.mapping_panel)
        mapping_layout.addWidget(self.mapping_panel.footer)
        mapping_layout.addStretch(1)
        self.mapping_box.setMaximumWidth(520)
        self.mapping_box.hide()

        self.entries_caption = hint_label()
        self.entries_model = TextRowsModel(
            workspace.formats,
            (self.tr("Booked"), self.tr("Payer"), self.tr("Amount"), self.tr("Text")),
            (2,),
            self,
        )
        self.entries_table = QTableView()
        self.entries_table.setModel(self.entries_model)
        self.entries_table.verticalHeader().hide()
        self.entries_table.setWordWrap(False)
        self.entries_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        entries = QVBoxLayout()
        entries.addWidget(self.entries_caption)
        entries.addWidget(self.entries_table, 1)
        body = QHBoxLayout()
        body.addWidget(self.mapping_box, 1)
        body.addLayout(entries, 2)

        self.message = MessageLine()
        self.progress = WriteProgress()
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setStyleSheet(f"color: {SUCCESS_COLOUR};")
        self.import_button = QPushButton(self.tr("&Import"))
        self.import_button.setEnabled(False)
        self.close_button = secondary(QPushButton(self.tr("Close")))
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(intro)
        layout.addLayout(figures)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.done_label)
        layout.addLayout(buttons)
        self.resize(1000, 640)
        self._show_figures(None)

        self.path_edit.editingFinished.connect(self.on_path_edit_editing_finished)
        self.browse_button.clicked.connect(self.on_browse_button_clicked)
        self.mapping_panel.source_changed.connect(self.check)
        self.import_button.clicked.connect(self.on_import_button_clicked)
        self.close_button.clicked.connect(self.reject)

    def _value(self, key: str) -> QLabel:
        label = QLabel()
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        self.values[key] = label
        return label

    # -- choosing and checking the file ----------------------------------------------------------
    def path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def on_browse_button_clicked(self) -> None:
        start = str(self.path().parent) if self.path_edit.text().strip() else ""
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the bank statement"),
            start,
            self.tr(
                "Bank statements (*.xml *.053 *.054 *.ofx *.qfx *.sta *.mt940 *.txt *.csv);;All files (*)"
            ),
        )
        if name:
            self.path_edit.setText(name)
            self.on_path_edit_editing_finished()

    def on_path_edit_editing_finished(self) -> None:
        if not self.path_edit.text().strip() or self.path() == self.checked_path:
            return
        self.checked_path = self.path()
        self.mapping_panel.reset()
        self.mapping_box.hide()
        self.imported = None
        self.done_label.clear()
        self.check()

    def columns(self) -> dict[BankField, str] | None:
        choice = self.mapping_panel.choice()
        return choice if isinstance(choice, dict) else None

    def check(self) -> None:
        """Read the file again, as it is mapped now, and work out what importing it would do."""
        path = self.checked_path
        if path is None:
            return
        db, columns = self.workspace.db, self.columns()
        if not run_read(self, lambda: _check(db, path, columns), self.on_checked, busy=self.import_button):
            self.again = True
            return
        self.checked = None
        self.message.show_problem(None)
        self.values["format"].setText(self.tr("CreditDesk is reading the file…"))

    def on_checked(self, checked: Checked) -> None:
        if self.again:
            self.again = False
            self.check()
            return
        self.checked = checked
        self._show_figures(checked.check)
        if checked.check is None:
            self.message.show_problem(
                self.tr("Nothing can be imported from this file: {why}").format(why=checked.refusal)
            )
            if checked.header:
                self.mapping_panel.show_columns(checked.header, self.columns() or {}, can_save=False)
                self.mapping_box.show()
        self.import_button.setEnabled(checked.check is not None and self.imported is None)

    def _show_figures(self, check: BankCheck | None) -> None:
        self._show_entries(check)
        if check is None:
            for label in self.values.values():
                label.setText("—")
            self.do_box.setTitle(self.tr("What importing it would do"))
            return
        formats, summary = self.workspace.formats, check.summary
        statement = check.statement
        self.values["format"].setText(statement.format.upper())
        self.values["account"].setText(check.account or self.tr("not named in the file"))
        period = check.period
        if period is None:
            self.values["period"].setText(self.tr("no entries"))
        elif period[0] == period[1]:
            self.values["period"].setText(formats.day(period[0]))
        else:
            self.values["period"].setText(
                self.tr("{first} to {last}").format(first=formats.day(period[0]), last=formats.day(period[1]))
            )
        credited = sum((entry.amount for entry in statement.credits), Decimal(0))
        paid_in = (
            self.tr("1 payment, {money}") if check.credits == 1 else self.tr("{count} payments, {money}")
        )
        self.values["credits"].setText(
            paid_in.format(count=formats.count(check.credits), money=formats.money(credited))
        )
        paid_out = (
            self.tr("1 entry, left out (it is not a customer's payment)")
            if summary.debits == 1
            else self.tr("{count} entries, left out (they are not customers' payments)")
        )
        self.values["debits"].setText(paid_out.format(count=formats.count(summary.debits)))
        self._show_outcome(summary)

    def _show_outcome(self, summary: BankImportSummary) -> None:
        """What the import would do (a dry run) or, once imported, what it did."""
        formats, counts = self.workspace.formats, summary.counts
        applied = counts[Outcome.APPLIED]
        self.values["applied"].setText(
            (self.tr("1 payment, {money}") if applied == 1 else self.tr("{count} payments, {money}")).format(
                count=formats.count(applied), money=formats.money(summary.applied_total)
            )
        )
        for key, outcome in (
            ("suggested", Outcome.SUGGESTED),
            ("unmatched", Outcome.UNMATCHED),
            ("linked", Outcome.LINKED),
            ("known", Outcome.KNOWN),
        ):
            self.values[key].setText(formats.count(counts[outcome]))
        self.do_box.setTitle(
            self.tr("What importing it would do") if summary.dry_run else self.tr("What the import did")
        )

    def _show_entries(self, check: BankCheck | None) -> None:
        """The money in as the file was read, to check the columns were read the right way round."""
        credits = () if check is None else check.statement.credits
        formats = self.workspace.formats
        self.entries_model.set_rows(
            [
                (formats.day(entry.booked), entry.payer_name, formats.amount(entry.amount), entry.text)
                for entry in credits[:PREVIEW_ROWS]
            ]
        )
        self.entries_table.resizeColumnsToContents()
        header = self.entries_table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        if check is None:
            self.entries_caption.setText(self.tr("The payments read from the file are listed here."))
        elif len(credits) > PREVIEW_ROWS:
            self.entries_caption.setText(
                self.tr("Money in, as read (the first {shown}):").format(shown=PREVIEW_ROWS)
            )
        else:
            self.entries_caption.setText(self.tr("Money in, as read:"))

    # -- importing --------------------------------------------------------------------------------
    def on_import_button_clicked(self) -> None:
        checked = self.checked
        if checked is None or checked.check is None or self.progress.running or self.imported is not None:
            return
        check, db = checked.check, self.workspace.db
        self.message.show_problem(None)
        started = self.progress.run(
            self,
            self.workspace,
            lambda progress: import_bank_statement(db, check.statement, check.file_name, watch=progress),
            CHANGES,
            done=self.on_imported,
            failed=self.on_import_failed,
            problem=self.message,
            busy=self.import_button,
        )
        if started:
            for widget in (self.path_edit, self.browse_button, self.mapping_box, self.close_button):
                widget.setEnabled(False)

    def _end_import(self) -> None:
        for widget in (self.path_edit, self.browse_button, self.mapping_box, self.close_button):
            widget.setEnabled(True)

    def on_imported(self, summary: BankImportSummary) -> None:
        self._end_import()
        self.imported = summary
        self.import_button.setEnabled(False)
        self._show_outcome(summary)
        counts = summary.counts
        self.done_label.setText(
            self.tr(
                "Imported: {applied} payments recorded, {suggested} suggested and {unmatched} left for you "
                "on the Bank tab; {known} were imported before."
            ).format(
                applied=counts[Outcome.APPLIED],
                suggested=counts[Outcome.SUGGESTED],
                unmatched=counts[Outcome.UNMATCHED],
                known=counts[Outcome.KNOWN],
            )
        )
        self.close_button.setFocus()

    def on_import_failed(self, exc: BaseException) -> None:
        self._end_import()
        if isinstance(exc, ImportCancelled):
            self.check()  # the figures as the books are now

    def _stop_before_closing(self) -> bool:
        if self.progress.running:
            self.progress.cancel()
        return self.progress.running

    def reject(self) -> None:  # Esc, Close
        if not self._stop_before_closing():
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._stop_before_closing():
            event.ignore()
            return
        super().closeEvent(event)


def import_bank_file(workspace: Workspace, parent: QWidget | None = None) -> BankImportSummary | None:
    """Open the dialog; what was imported, if anything."""
    dialog = StatementDialog(workspace, parent)
    try:
        dialog.exec()
        return dialog.imported
    finally:
        dialog.deleteLater()
