"""Company settings: the letterhead, bank details and look of every printed document.

The rules live in ``services.company.branding``; this dialog shows what breaks them
next to the field (a red frame, a ⚠ on its tab) and in words under the tabs,
and saves nothing until every field is right.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import CreditDeskError
from creditdesk.services.company.branding import (
    BrandingInput,
    PageSize,
    branding_form,
    branding_problems,
    grouped_iban,
    load_logo,
    save_branding,
)
from creditdesk.ui.errors import show_error
from creditdesk.ui.widgets import MessageLine, hint_label, mark_invalid, secondary, sentence
from creditdesk.ui.workers import run_in_background
from creditdesk.ui.workspace import Workspace

COMPANY, BANK, DOCUMENTS = 0, 1, 2
TAB_TITLES = ("&Company", "&Bank and payment", "&Documents")
LOGO_BOX = (260, 130)  # the thumbnail's frame, in pixels
PAGE_SIZES = (
    (PageSize.A4, "A4 (210 × 297 mm)"),
    (PageSize.LETTER, "Letter (8½ × 11 in)"),
)


def _text_box(lines: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


class CompanyDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.saved = False
        self.setWindowTitle("Company settings")
        data = branding_form(workspace.db)
        self.logo: bytes | None = data.logo
        self._touched: set[str] = set()
        self._problems: dict[str, str] = {}

        # Company.
        self.name_edit = QLineEdit()
        self.address_edit = _text_box(4)
        self.address_edit.setPlaceholderText("Street, town and postcode, one per line")
        self.phone_edit = QLineEdit()
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText("accounts@example.com")
        self.tax_number_edit = QLineEdit()
        self.tax_number_edit.setPlaceholderText("VAT or other tax registration number")
        company_page = QWidget()
        form = self._form(company_page)
        form.addRow("Company &name *", self.name_edit)
        form.addRow("&Address", self.address_edit)
        form.addRow("&Phone", self.phone_edit)
        form.addRow("&Email", self.email_edit)
        form.addRow("&Tax number", self.tax_number_edit)
        form.addRow("", hint_label("Printed at the head of every invoice, statement and letter."))

        # Bank and payment.
        self.account_name_edit = QLineEdit()
        self.iban_edit = QLineEdit()
        self.iban_edit.setPlaceholderText("e.g. GB82 WEST 1234 5698 7654 32")
        self.bic_edit = QLineEdit()
        self.bic_edit.setPlaceholderText("8 or 11 characters, e.g. WESTGB2L")
        self.account_number_edit = QLineEdit()
        self.sort_code_edit = QLineEdit()
        self.sort_code_edit.setPlaceholderText("e.g. 12-34-56")
        self.instructions_edit = _text_box(3)
        self.instructions_edit.setPlaceholderText("e.g. Please quote the invoice number with your payment.")
        bank_page = QWidget()
        form = self._form(bank_page)
        form.addRow("Account &holder", self.account_name_edit)
        form.addRow("&IBAN", self.iban_edit)
        form.addRow("&BIC (SWIFT)", self.bic_edit)
        form.addRow("Account n&umber", self.account_number_edit)
        form.addRow("S&ort code", self.sort_code_edit)
        form.addRow("Payment &instructions", self.instructions_edit)
        form.addRow("", hint_label("Printed on invoices and statements so clients know how to pay you."))

        # Documents.
        self.logo_label = QLabel()
        self.logo_label.setFixedSize(*LOGO_BOX)
        self.logo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.logo_label.setStyleSheet("background: white;")
        self.choose_logo_button = secondary(QPushButton("C&hoose…"))
        self.choose_logo_button.setToolTip("Choose a PNG or JPEG picture of your logo")
        self.remove_logo_button = secondary(QPushButton("&Remove"))
        self.remove_logo_button.setToolTip("Print documents without a logo")
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(self.choose_logo_button)
        logo_buttons.addWidget(self.remove_logo_button)
        logo_buttons.addStretch(1)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_label)
        logo_row.addLayout(logo_buttons)
        logo_row.addStretch(1)
        logo_box = QVBoxLayout()
        logo_box.setSpacing(4)
        logo_box.addLayout(logo_row)
        logo_box.addWidget(hint_label("PNG or JPEG, up to 5 MB; larger pictures are scaled down."))
        self.page_size_combo = QComboBox()
        for size, text in PAGE_SIZES:
            self.page_size_combo.addItem(text, size.value)
        self.colour_swatch = QLabel()
        self.colour_swatch.setFixedSize(40, self.fontMetrics().height() + 10)
        self.colour_edit = QLineEdit()
        self.colour_edit.setMaxLength(7)
        self.colour_edit.setFixedWidth(self.fontMetrics().horizontalAdvance("#MMMMMM") + 16)
        self.colour_edit.setToolTip("The colour of headings and rules, written as #RRGGBB")
        self.choose_colour_button = secondary(QPushButton("Choo&se…"))
        colour_row = QHBoxLayout()
        colour_row.addWidget(self.colour_swatch)
        colour_row.addWidget(self.colour_edit)
        colour_row.addWidget(self.choose_colour_button)
        colour_row.addStretch(1)
        self.signatory_edit = QLineEdit()
        self.signatory_edit.setPlaceholderText("The person who signs letters, e.g. Jane Smith")
        page_row = QHBoxLayout()
        page_row.addWidget(self.page_size_combo)
        page_row.addStretch(1)
        documents_page = QWidget()
        form = self._form(documents_page)
        form.addRow(self._caption("&Logo", self.choose_logo_button, top=True), logo_box)
        form.addRow(self._caption("&Page size", self.page_size_combo), page_row)
        form.addRow(self._caption("Accent &colour", self.colour_edit), colour_row)
        form.addRow("Si&gnatory", self.signatory_edit)

        self.tabs = QTabWidget()
        for page, title in zip((company_page, bank_page, documents_page), TAB_TITLES, strict=True):
            self.tabs.addTab(page, title.replace("&", ""))
        self.message_line = MessageLine()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.save_button: QPushButton = save
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message_line)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)

        # field name (as the service calls it) -> (widget, tab)
        self.fields: dict[str, tuple[QWidget, int]] = {
            "name": (self.name_edit, COMPANY),
            "address": (self.address_edit, COMPANY),
            "phone": (self.phone_edit, COMPANY),
            "email": (self.email_edit, COMPANY),
            "tax_number": (self.tax_number_edit, COMPANY),
            "bank_account_name": (self.account_name_edit, BANK),
            "bank_iban": (self.iban_edit, BANK),
            "bank_bic": (self.bic_edit, BANK),
            "bank_account_number": (self.account_number_edit, BANK),
            "bank_sort_code": (self.sort_code_edit, BANK),
            "payment_instructions": (self.instructions_edit, BANK),
            "page_size": (self.page_size_combo, DOCUMENTS),
            "accent_colour": (self.colour_edit, DOCUMENTS),
            "signatory": (self.signatory_edit, DOCUMENTS),
            "logo": (self.logo_label, DOCUMENTS),
        }
        self._fill(data)
        for name, (widget, _) in self.fields.items():
            if isinstance(widget, QLineEdit):
                widget.textEdited.connect(lambda _=None, n=name: self._on_edited(n))
            elif isinstance(widget, QPlainTextEdit):
                widget.textChanged.connect(lambda n=name: self._on_edited(n))
        self.colour_edit.textChanged.connect(self._show_colour)
        self.choose_logo_button.clicked.connect(self.on_choose_logo_clicked)
        self.remove_logo_button.clicked.connect(self.on_remove_logo_clicked)
        self.choose_colour_button.clicked.connect(self.on_choose_colour_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.validate()
        self.name_edit.setFocus()

    @staticmethod
    def _form(page: QWidget) -> QFormLayout:
        form = QFormLayout(page)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        form.setContentsMargins(16, 16, 16, 12)
        return form

    @staticmethod
    def _caption(text: str, buddy: QWidget, *, top: bool = False) -> QLabel:
        """A form label for a row that holds several widgets; its mnemonic goes to ``buddy``."""
        label = QLabel(text)
        label.setBuddy(buddy)
        vertical = Qt.AlignmentFlag.AlignTop if top else Qt.AlignmentFlag.AlignVCenter
        label.setAlignment(Qt.AlignmentFlag.AlignRight | vertical)
        return label

    def _fill(self, data: BrandingInput) -> None:
        self.name_edit.setText(data.name)
        self.address_edit.setPlainText(data.address)
        self.phone_edit.setText(data.phone)
        self.email_edit.setText(data.email)
        self.tax_number_edit.setText(data.tax_number)
        self.account_name_edit.setText(data.bank_account_name)
        self.iban_edit.setText(grouped_iban(data.bank_iban))
        self.bic_edit.setText(data.bank_bic)
        self.account_number_edit.setText(data.bank_account_number)
        self.sort_code_edit.setText(data.bank_sort_code)
        self.instructions_edit.setPlainText(data.payment_instructions)
        self.page_size_combo.setCurrentIndex(max(0, self.page_size_combo.findData(data.page_size)))
        self.colour_edit.setText(data.accent_colour)
        self.signatory_edit.setText(data.signatory)
        self._show_logo()
        self._show_colour()

    # -- the form as the service takes it --------------------------------------------------------
    def branding_input(self) -> BrandingInput:
        return BrandingInput(
            name=self.name_edit.text(),
            address=self.address_edit.toPlainText(),
            phone=self.phone_edit.text(),
            email=self.email_edit.text(),
            tax_number=self.tax_number_edit.text(),
            bank_account_name=self.account_name_edit.text(),
            bank_iban=self.iban_edit.text(),
            bank_bic=self.bic_edit.text(),
            bank_account_number=self.account_number_edit.text(),
            bank_sort_code=self.sort_code_edit.text(),
            payment_instructions=self.instructions_edit.toPlainText(),
            page_size=str(self.page_size_combo.currentData()),
            accent_colour=self.colour_edit.text(),
            signatory=self.signatory_edit.text(),
            logo=self.logo,
        )

    def _on_edited(self, name: str) -> None:
        self._touched.add(name)
        self.validate()

    def validate(self) -> bool:
        """Mark the fields that break a rule; only those already edited, until Save is pressed."""
        self._problems = {p.field: sentence(p.message) for p in branding_problems(self.branding_input())}
        shown = [name for name in self._problems if name in self._touched]
        for name, (widget, _) in self.fields.items():
            if widget is not self.logo_label:
                mark_invalid(widget, name in shown)
            widget.setToolTip(self._problems[name] if name in shown else "")
        bad_tabs = {self.fields[name][1] for name in shown}
        for index, title in enumerate(TAB_TITLES):
            self.tabs.setTabText(index, ("⚠ " if index in bad_tabs else "") + title.replace("&", ""))
        self.message_line.show_problem("\n".join(self._problems[name] for name in shown) or None)
        return not self._problems

    @property
    def message(self) -> str:
        return "" if self.message_line.isHidden() else self.message_line.text()

    # -- logo and colour -------------------------------------------------------------------------
    def _show_logo(self) -> None:
        pixmap = QPixmap()
        if self.logo is not None and pixmap.loadFromData(QByteArray(self.logo)):
            width, height = LOGO_BOX
            self.logo_label.setPixmap(
                pixmap.scaled(
                    width - 12,
                    height - 12,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.logo_label.clear()
            self.logo_label.setText("No logo")
        self.remove_logo_button.setEnabled(self.logo is not None)

    def on_choose_logo_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose your logo", "", "Pictures (*.png *.jpg *.jpeg);;All files (*)"
        )
        if name:
            self.choose_logo(Path(name))

    def choose_logo(self, path: Path) -> None:
        """Check and scale the picture off the GUI thread (a large photo takes a moment)."""
        self.choose_logo_button.setEnabled(False)
        self.logo_label.setText("Reading the picture…")

        def done(logo: bytes) -> None:
            self.choose_logo_button.setEnabled(True)
            self.logo = logo
            self._show_logo()
            self._on_edited("logo")

        def failed(exc: BaseException) -> None:
            self.choose_logo_button.setEnabled(True)
            self._show_logo()
            show_error(self, exc, title="Company settings")

        run_in_background(self, lambda: load_logo(path), done, failed)

    def on_remove_logo_clicked(self) -> None:
        self.logo = None
        self._show_logo()
        self._on_edited("logo")

    def _show_colour(self) -> None:
        colour = QColor(self.colour_edit.text().strip())
        valid = colour.isValid() and len(self.colour_edit.text().strip()) == 7
        self.colour_swatch.setStyleSheet(
            f"background: {colour.name() if valid else 'transparent'}; border: 1px solid #8a8a8a;"
            "border-radius: 3px;"
        )

    def on_choose_colour_clicked(self) -> None:
        current = QColor(self.colour_edit.text().strip())
        colour = QColorDialog.getColor(
            current if current.isValid() else QColor("#1F4E79"), self, "Accent colour"
        )
        if colour.isValid():
            self.colour_edit.setText(colour.name().upper())
            self._on_edited("accent_colour")

    # -- saving ----------------------------------------------------------------------------------
    def accept(self) -> None:
        self._touched.update(self.fields)
        if not self.validate():
            first = next(iter(self._problems))
            widget, tab = self.fields[first]
            self.tabs.setCurrentIndex(tab)
            widget.setFocus()
            return
        try:
            save_branding(self.workspace.db, self.branding_input())
        except CreditDeskError as exc:
            self.message_line.show_problem(sentence(exc.message))
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.saved = True
        super().accept()


def edit_company(workspace: Workspace, parent: QWidget | None = None) -> bool:
    """Edit the company settings; True once saved."""
    try:
        dialog = CompanyDialog(workspace, parent)
    except CreditDeskError as exc:
        show_error(parent, exc)
        return False
    try:
        dialog.exec()
        return dialog.saved
    finally:
        dialog.deleteLater()
