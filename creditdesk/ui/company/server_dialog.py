"""Connecting to books on an office server: the address, and the password when the server asks for it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import CreditDeskError
from creditdesk.services.company.server_login import ServerAddress, parse_address


class ServerAddressDialog(QDialog):
    """Asks for a PostgreSQL address and refuses one CreditDesk cannot read, saying why, in place."""

    def __init__(self, parent: QWidget | None = None, suggested: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connect to books on a server"))
        intro = QLabel(
            self.tr(
                "An office keeps its books in a PostgreSQL database that every computer connects to. "
                "Ask whoever set it up for its address. If the server asks for a password, CreditDesk "
                "asks you once and keeps it in this computer's password store."
            )
        )
        intro.setWordWrap(True)
        self.address_edit = QLineEdit(suggested)
        self.address_edit.setPlaceholderText("postgresql://bookkeeper@office-server:5432/books")
        self.address_edit.setMinimumWidth(420)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()
        form = QFormLayout()
        form.addRow(self.tr("&Address"), self.address_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        connect = buttons.button(QDialogButtonBox.StandardButton.Ok)
        connect.setText(self.tr("&Connect"))
        buttons.accepted.connect(self.on_connect_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(600)  # an address and its refusal on as few lines as they need

    @property
    def address(self) -> str:
        return self.address_edit.text().strip()

    def on_connect_clicked(self) -> None:
        if "://" not in self.address:
            self._show(self.tr("Give an address that starts with postgresql://, such as the example shown."))
            return
        try:
            parse_address(self.address)
        except CreditDeskError as exc:
            self._show(exc.message)
            return
        self.accept()

    def _show(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()
        self.address_edit.setFocus()


def ask_server_address(parent: QWidget | None, suggested: str = "") -> str | None:
    dialog = ServerAddressDialog(parent, suggested)
    return dialog.address if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_server_password(parent: QWidget | None, address: ServerAddress) -> str | None:
    """The password, typed once; None when the user cancels."""
    user = address.url.username or ""
    text, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("ServerPassword", "Password for the server"),
        QCoreApplication.translate(
            "ServerPassword", "The server at {address} asks for the password of {user}:"
        ).format(address=address.shown, user=user),
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None
