"""First run: create a company, open a file, or explore the demo company."""

from __future__ import annotations

from enum import Enum

from babel import Locale
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from creditdesk.services.company.settings import currency_for_locale, system_locale

COMMON_LOCALES = (
    "en_GB", "en_US", "en_IE", "en_AU", "en_CA", "en_NZ", "en_IN", "en_ZA", "de_DE", "de_AT", "de_CH",
    "fr_FR", "fr_BE", "fr_CA", "nl_NL", "nl_BE", "es_ES", "it_IT", "pt_PT", "pl_PL", "sv_SE", "da_DK",
    "nb_NO", "fi_FI", "cs_CZ", "ja_JP",
)  # fmt: skip
COMMON_CURRENCIES = (
    "EUR", "GBP", "USD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "CAD", "AUD", "NZD", "INR", "ZAR", "JPY",
)  # fmt: skip


class Choice(Enum):
    CREATE = "create"
    OPEN = "open"
    SERVER = "server"
    DEMO = "demo"


class WelcomeDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to CreditDesk")
        self.choice: Choice | None = None

        intro = QLabel(
            "<h2>Welcome to CreditDesk</h2>"
            "<p>CreditDesk keeps your clients, invoices and payments in one file on this computer, "
            "shows who owes you what, and helps you get paid on time.</p>"
        )
        intro.setWordWrap(True)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Harbour & Pine Joinery Ltd")
        self.locale_combo = QComboBox()
        here = system_locale()
        for code in dict.fromkeys((here, *COMMON_LOCALES)):
            self.locale_combo.addItem(f"{Locale.parse(code).display_name} ({code})", code)
        self.currency_combo = QComboBox()
        for code in dict.fromkeys((currency_for_locale(here), *COMMON_CURRENCIES)):
            self.currency_combo.addItem(code, code)
        self.locale_combo.currentIndexChanged.connect(self.on_locale_changed)
        self.name_edit.textChanged.connect(self.on_name_changed)

        form = QFormLayout()
        form.addRow("Company &name", self.name_edit)
        form.addRow("&Language and region", self.locale_combo)
        form.addRow("&Currency", self.currency_combo)
        self.create_button = QPushButton("&Create company")
        self.create_button.setDefault(True)
        self.create_button.setEnabled(False)
        self.create_button.clicked.connect(lambda: self._finish(Choice.CREATE))
        create_box = QGroupBox("Start your own books")
        box_layout = QVBoxLayout(create_box)
        box_layout.addLayout(form)
        box_layout.addWidget(self.create_button)

        self.open_button = QPushButton("&Open a company file…")
        self.open_button.clicked.connect(lambda: self._finish(Choice.OPEN))
        self.demo_button = QPushButton("&Explore the demo company")
        self.demo_button.setToolTip("A made-up joinery business with 200 clients and 18 months of trading")
        self.demo_button.clicked.connect(lambda: self._finish(Choice.DEMO))
        self.server_button = QPushButton(self.tr("Connect to an office &server…"))
        self.server_button.setToolTip(
            self.tr("Books kept in a PostgreSQL database that several computers share")
        )
        self.server_button.clicked.connect(lambda: self._finish(Choice.SERVER))
        others = QHBoxLayout()
        others.addWidget(self.open_button)
        others.addWidget(self.server_button)
        others.addWidget(self.demo_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(create_box)
        layout.addLayout(others)
        self.setMinimumWidth(600)

    @property
    def company_name(self) -> str:
        return self.name_edit.text().strip()

    @property
    def locale_code(self) -> str:
        return str(self.locale_combo.currentData())

    @property
    def currency(self) -> str:
        return str(self.currency_combo.currentData())

    def on_locale_changed(self) -> None:
        index = self.currency_combo.findData(currency_for_locale(self.locale_code))
        if index >= 0:
            self.currency_combo.setCurrentIndex(index)

    def on_name_changed(self, text: str) -> None:
        self.create_button.setEnabled(bool(text.strip()))

    def _finish(self, choice: Choice) -> None:
        self.choice = choice
        self.accept()
