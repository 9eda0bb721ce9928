"""Company settings through the dialog: saved when right, refused field by field when not."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.services.company.branding import branding_form
from creditdesk.ui.company.company_dialog import BANK, DOCUMENTS, CompanyDialog
from creditdesk.ui.main_window import MainWindow
from creditdesk.ui.workspace import Workspace
from tests.ui.helpers import when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def dialog(qtbot: QtBot, workspace: Workspace) -> CompanyDialog:
    widget = CompanyDialog(workspace)
    qtbot.addWidget(widget)
    return widget


def logo_file(folder: Path) -> Path:
    path = folder / "logo.png"
    Image.new("RGBA", (2400, 600), (31, 78, 121, 255)).save(path)
    return path


def test_edits_are_saved(qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> None:
    d = dialog(qtbot, workspace)
    assert d.name_edit.text() == "Test Co" and d.message == ""
    d.name_edit.clear()
    QTest.keyClicks(d.name_edit, "Northwind Supplies Ltd")
    d.address_edit.setPlainText("1 Harbour Road\nBristol BS1 4AA")
    QTest.keyClicks(d.email_edit, "accounts@northwind.example")
    QTest.keyClicks(d.iban_edit, "GB82 WEST 1234 5698 7654 32")
    QTest.keyClicks(d.bic_edit, "westgb2l")
    d.page_size_combo.setCurrentIndex(d.page_size_combo.findData("Letter"))
    d.colour_edit.clear()
    QTest.keyClicks(d.colour_edit, "#a0522d")
    QTest.keyClicks(d.signatory_edit, "Jane Smith")
    d.choose_logo(logo_file(tmp_path))
    qtbot.waitUntil(lambda: d.logo is not None, timeout=10000)
    pixmap = d.logo_label.pixmap()
    assert not pixmap.isNull() and pixmap.width() <= d.logo_label.width()
    assert d.remove_logo_button.isEnabled()
    QTest.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.result() == QDialog.DialogCode.Accepted and d.saved
    form = branding_form(workspace.db)
    assert form.name == "Northwind Supplies Ltd"
    assert form.address == "1 Harbour Road\nBristol BS1 4AA"
    assert (form.bank_iban, form.bank_bic) == ("GB82WEST12345698765432", "WESTGB2L")
    assert (form.page_size, form.accent_colour, form.signatory) == ("Letter", "#A0522D", "Jane Smith")
    assert form.logo is not None and form.logo == d.logo
    with Image.open(io.BytesIO(form.logo)) as image:
        assert image.size == (1200, 300)

    again = dialog(qtbot, workspace)  # shown back as saved, the IBAN in groups of four
    assert again.iban_edit.text() == "GB82 WEST 1234 5698 7654 32"
    QTest.mouseClick(again.remove_logo_button, Qt.MouseButton.LeftButton)
    assert again.logo_label.text() == "No logo" and not again.remove_logo_button.isEnabled()
    again.accept()
    assert branding_form(workspace.db).logo is None


def test_a_bad_iban_is_named_and_nothing_is_saved(qtbot: QtBot, workspace: Workspace) -> None:
    before = branding_form(workspace.db)
    d = dialog(qtbot, workspace)
    d.name_edit.setText("Renamed Ltd")
    QTest.keyClicks(d.iban_edit, "GB82 WEST 1234 5698 7654 33")
    assert d.iban_edit.property("invalid")
    assert d.tabs.tabText(BANK) == "⚠ Bank and payment"
    d.tabs.setCurrentIndex(DOCUMENTS)
    QTest.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.result() != QDialog.DialogCode.Accepted and not d.saved
    assert d.tabs.currentIndex() == BANK  # taken to the field at fault
    assert (
        d.message
        == "⚠ IBAN GB82 WEST 1234 5698 7654 33 fails its check digits; copy it again from a bank statement."
    )
    assert d.iban_edit.toolTip() == d.message.removeprefix("⚠ ")
    assert branding_form(workspace.db) == before


def test_an_iban_of_the_wrong_length_for_its_country_says_what_is_expected(
    qtbot: QtBot, workspace: Workspace
) -> None:
    d = dialog(qtbot, workspace)
    QTest.keyClicks(d.iban_edit, "DE41 3704 0044 0532 013")
    assert d.iban_edit.property("invalid")
    assert d.iban_edit.toolTip() == (
        "IBAN DE41 3704 0044 0532 013 has 19 characters, but an IBAN from Germany has 22; "
        "copy it again from a bank statement."
    )


def test_a_file_that_is_not_a_picture_is_refused(qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> None:
    fake = tmp_path / "logo.png"
    fake.write_text("not a picture")
    d = dialog(qtbot, workspace)
    seen: list[str] = []

    def read(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.accept()

    when_modal(read)
    d.choose_logo(fake)
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    assert seen == ["logo.png is not a PNG or JPEG picture; save the logo as PNG and try again"]
    assert d.logo is None and d.logo_label.text() == "No logo"


def test_the_window_title_follows_a_new_name(qtbot: QtBot, workspace: Workspace) -> None:
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    assert window.windowTitle() == "Test Co — CreditDesk"

    def rename(widget: QWidget) -> None:
        assert isinstance(widget, CompanyDialog)
        widget.name_edit.setText("Northwind Supplies Ltd")
        widget.accept()

    when_modal(rename)
    window.company_settings_action.trigger()
    assert window.windowTitle() == "Northwind Supplies Ltd — CreditDesk"
    assert workspace.company.name == "Northwind Supplies Ltd"
