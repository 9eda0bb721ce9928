"""File → Import bank statement… and the Bank tab's button: a dry run's figures, the import, a refused
file that writes nothing, and a bank CSV no preset knows, mapped by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from creditdesk.domain.invoice import InvoiceLine
from creditdesk.services.bank.entries import list_bank_entries
from creditdesk.services.bank.statement_import import BankField
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company, get_company
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import open_database
from creditdesk.ui.bank.statement_dialog import StatementDialog
from creditdesk.ui.main_window import MainWindow
from creditdesk.ui.workers import wait_for_background_work
from creditdesk.ui.workspace import Change, Workspace
from tests.ui.helpers import wait_for_op, when_modal

BANK = Path(__file__).parents[1] / "imports" / "fixtures" / "bank"
TODAY = date(2026, 12, 3)
INVOICES = (  # what the Commerzbank statement pays: two named, one guessed by the payer's name
    ("A-1002", "Müller Maschinenbau GmbH", "1190.00"),
    ("A-1003", "Weber Elektro e.K.", "125.00"),
    ("A-1004", "Weber Elektro e.K.", "125.00"),
    ("S-1", "Schmidt & Co. KG", "500.00"),
)


@pytest.fixture
def books(tmp_path: Path) -> Iterator[Workspace]:
    db = open_database(tmp_path / "books.sqlite", create=True)
    create_company(db, "Harbour Design", "EUR", "de_DE")
    clients: dict[str, int] = {}
    for number, name, gross in INVOICES:
        if name not in clients:
            clients[name] = add_client(db, ClientInput(f"C{len(clients) + 1}", name))
        line = InvoiceLine("Work", D(1), D(gross))
        create_invoice(db, InvoiceInput(clients[name], date(2026, 11, 2), [line], number=number))
    yield Workspace(db, get_company(db), today=lambda: TODAY)
    wait_for_background_work()
    db.close()


def open_dialog(qtbot: QtBot, workspace: Workspace) -> StatementDialog:
    dialog = StatementDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose(qtbot: QtBot, dialog: StatementDialog, path: Path) -> None:
    dialog.path_edit.setText(str(path))
    dialog.path_edit.editingFinished.emit()
    wait_for_op(qtbot, dialog)


def shown(dialog: StatementDialog, key: str) -> str:
    return dialog.values[key].text()


def test_a_camt_statement_is_checked_dry_then_imported(qtbot: QtBot, books: Workspace) -> None:
    announced: list[Change] = []
    books.events.changed.connect(announced.append)
    owed_before = run_aging(books.db, TODAY).totals.total
    dialog = open_dialog(qtbot, books)
    assert not dialog.import_button.isEnabled(), "no file yet"
    choose(qtbot, dialog, BANK / "camt053_001_02_commerzbank.xml")

    assert shown(dialog, "format") == "CAMT.053"
    assert shown(dialog, "account") == "DE89370400440532013000"
    fmt = books.formats
    assert shown(dialog, "period") == fmt.day(date(2026, 12, 1)), "a one-day statement names the day once"
    assert shown(dialog, "credits") == f"3 payments, {fmt.money(D('1940.00'))}", "a batch of two, and one"
    assert shown(dialog, "applied").startswith("2 payments, ")
    assert shown(dialog, "suggested") == "1"
    assert shown(dialog, "known") == "0"
    assert "left out" in shown(dialog, "debits")
    assert run_aging(books.db, TODAY).totals.total == owed_before, "a dry run writes nothing"
    assert list_bank_entries(books.db) == []

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, dialog)
    assert dialog.imported is not None
    assert dialog.done_label.text().startswith("Imported: 2 payments recorded, 1 suggested")
    assert not dialog.import_button.isEnabled(), "the same statement is not imported twice from here"
    assert announced == [Change.BANK | Change.LEDGER]
    assert run_aging(books.db, TODAY).totals.total == owed_before - D("1440.00"), "A-1002, A-1003, A-1004"
    assert len(list_bank_entries(books.db)) == 3

    again = open_dialog(qtbot, books)
    choose(qtbot, again, BANK / "camt053_001_02_commerzbank.xml")
    assert shown(again, "applied").startswith("0 payments, "), "nothing twice"
    assert shown(again, "known") == "3"


def test_a_file_that_is_no_statement_is_refused_in_plain_words_and_writes_nothing(
    qtbot: QtBot, books: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "letter.xml"
    path.write_text("<?xml version='1.0'?><letter>Dear Sir</letter>", encoding="utf-8")
    dialog = open_dialog(qtbot, books)
    choose(qtbot, dialog, path)
    assert dialog.message.isVisible()
    text = dialog.message.text()
    assert text.startswith("⚠ Nothing can be imported from this file:")
    assert "Traceback" not in text and "SELECT" not in text
    assert not dialog.import_button.isEnabled()
    assert not dialog.mapping_box.isVisibleTo(dialog), "an XML file has no columns to map"
    assert shown(dialog, "applied") == "—"
    assert list_bank_entries(books.db) == []


def test_a_bank_csv_no_preset_knows_is_mapped_by_hand_and_imported(
    qtbot: QtBot, books: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "umsaetze.csv"
    path.write_text(
        "Tag;Wer;Zweck;Eingang;Ausgang;Währung\n"
        "01.12.2026;Müller Maschinenbau GmbH;Rechnung A-1002;1.190,00;;EUR\n"
        "02.12.2026;Stadtwerke;Strom;;89,90;EUR\n",
        encoding="utf-8",
    )
    dialog = open_dialog(qtbot, books)
    choose(qtbot, dialog, path)
    assert not dialog.import_button.isEnabled()
    assert dialog.mapping_box.isVisibleTo(dialog), "its columns are offered for mapping"
    combos = dialog.mapping_panel.field_combos
    assert [combos[BankField.BOOKED].itemText(i) for i in range(combos[BankField.BOOKED].count())] == [
        "Not in the file", "Tag", "Wer", "Zweck", "Eingang", "Ausgang", "Währung",
    ]  # fmt: skip
    for target, column in (
        (BankField.BOOKED, "Tag"),
        (BankField.CREDIT, "Eingang"),
        (BankField.DEBIT, "Ausgang"),
        (BankField.PAYER_NAME, "Wer"),
        (BankField.TEXT, "Zweck"),
        (BankField.CURRENCY, "Währung"),
    ):
        combo = combos[target]
        combo.setCurrentIndex(combo.findText(column))
        combo.activated.emit(combo.currentIndex())
        wait_for_op(qtbot, dialog)
    assert dialog.import_button.isEnabled(), dialog.message.text()
    assert shown(dialog, "format") == "CSV"
    assert shown(dialog, "credits").startswith("1 payment, ")
    assert shown(dialog, "applied").startswith("1 payment, ")
    assert shown(dialog, "debits").startswith("1 entry, left out")

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, dialog)
    assert dialog.imported is not None
    owed = run_aging(books.db, TODAY).totals.total
    assert owed == D("750.00"), "A-1002 is paid; A-1003, A-1004 and S-1 are still owed"


def test_file_menu_and_the_bank_tab_open_the_dialog(qtbot: QtBot, books: Workspace) -> None:
    window = MainWindow(books)
    qtbot.addWidget(window)
    opened: list[QWidget] = []

    def close(widget: QWidget) -> None:
        opened.append(widget)
        assert isinstance(widget, StatementDialog)
        widget.reject()

    when_modal(close)
    window.import_bank_action.trigger()
    when_modal(close)
    qtbot.mouseClick(window.bank_tab.import_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 2
    assert list_bank_entries(books.db) == []
