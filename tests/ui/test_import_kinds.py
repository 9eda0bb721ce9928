"""File → Import clients… and Import payments…: the one wizard for every kind, end to end on real
company files, and the import step's progress and cancel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QWidget, QWizard
from pytestqt.qtbot import QtBot

from creditdesk.domain.invoice import InvoiceLine
from creditdesk.services.clients.overview import client_rows
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company, get_company
from creditdesk.services.imports.client_import import ClientImportOptions, import_client_file
from creditdesk.services.imports.mappings import Field
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import open_database
from creditdesk.store.unit_of_work import UnitOfWork
from creditdesk.ui.company.import_kinds import clients_kind, payments_kind
from creditdesk.ui.company.import_progress import WriteProgress
from creditdesk.ui.company.import_wizard import ImportWizard
from creditdesk.ui.main_window import MainWindow
from creditdesk.ui.widgets import MessageLine
from creditdesk.ui.workers import Progress, wait_for_background_work
from creditdesk.ui.workspace import Change, Workspace
from tests.ui.helpers import wait_for_op, when_modal

FIXTURES = Path(__file__).parents[1] / "imports" / "fixtures"
TODAY = date(2026, 12, 3)


@pytest.fixture
def eur_workspace(tmp_path: Path) -> Iterator[Workspace]:
    db = open_database(tmp_path / "eur.sqlite", create=True)
    create_company(db, "Harbour Design", "EUR", "en_GB")
    yield Workspace(db, get_company(db), today=lambda: TODAY)
    wait_for_background_work()
    db.close()


def open_wizard(qtbot: QtBot, wizard: ImportWizard) -> ImportWizard:
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def next_page(qtbot: QtBot, wizard: ImportWizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def choose_file(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    wizard.file_page.path_edit.setText(str(path))
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.found_page
    wait_for_op(qtbot, wizard.found_page)


def press_import(qtbot: QtBot, wizard: ImportWizard) -> None:
    page = wizard.import_page
    assert page.import_button.isEnabled()
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, page)


def preview(wizard: ImportWizard) -> list[list[str]]:
    model = wizard.found_page.preview_model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


# --- clients ---------------------------------------------------------------------------------------


def test_a_client_list_is_previewed_mapped_and_imported(qtbot: QtBot, eur_workspace: Workspace) -> None:
    announced: list[Change] = []
    eur_workspace.events.changed.connect(announced.append)
    wizard = open_wizard(qtbot, ImportWizard(eur_workspace, kind=clients_kind()))
    assert wizard.windowTitle() == "Import clients"
    choose_file(qtbot, wizard, FIXTURES / "creditdesk_clients.csv")

    found = wizard.found_page
    assert "CreditDesk" in found.source_value.text()
    rows = preview(wizard)
    assert rows[0][:4] == ["2", "ALPINE", "Alpine Bakery GmbH", "buchhaltung@alpine-bakery.example"]
    assert rows[0][6] == "5,000.00", "the credit limit in the company's format"
    panel = found.mapping_panel
    assert panel.field_combos[Field.CLIENT_CODE].currentText() == "code"
    assert panel.field_combos[Field.CREDIT_LIMIT].currentText() == "credit_limit"
    assert Field.NUMBER not in panel.field_combos, "the clients' fields, not the invoices'"
    assert found.sync_box.text().startswith("&Bring the contact details")
    assert not found.as_of_edit.isVisibleTo(found), "a client list describes no day"
    count = len(rows)
    assert found.summary_label.text() == (
        f"What the import would do: new clients: {count}; updated: 0; already known: 0; problems: 0."
    )
    assert client_rows(eur_workspace.db, TODAY) == [], "nothing is written before Import"

    next_page(qtbot, wizard)
    press_import(qtbot, wizard)
    assert wizard.import_page.imported
    assert f"new clients: {count}" in wizard.import_page.done_label.text()
    assert announced == [Change.CLIENTS]
    codes = {row.code for row in client_rows(eur_workspace.db, TODAY)}
    assert {"ALPINE", "BRIGHT"} <= codes and len(codes) == count


def test_a_client_added_meanwhile_makes_the_wizard_check_the_file_again(
    qtbot: QtBot, eur_workspace: Workspace
) -> None:
    path = FIXTURES / "creditdesk_clients.csv"
    wizard = open_wizard(qtbot, ImportWizard(eur_workspace, kind=clients_kind()))
    choose_file(qtbot, wizard, path)
    next_page(qtbot, wizard)
    # Another window imports the same list while this one waits on its last page.
    import_client_file(eur_workspace.db, path, ClientImportOptions(), TODAY)
    before = len(client_rows(eur_workspace.db, TODAY))

    press_import(qtbot, wizard)
    page = wizard.import_page
    assert not page.imported
    assert "The books changed after the file was checked" in page.message.text()
    wait_for_op(qtbot, wizard.found_page)
    qtbot.waitUntil(lambda: "already known" in page.summary_label.text())
    assert "new clients: 0" in page.summary_label.text(), "the figures are those of the books now"
    assert len(client_rows(eur_workspace.db, TODAY)) == before, "nobody doubled"


# --- payments --------------------------------------------------------------------------------------


def test_payments_in_a_file_of_its_own_columns_are_mapped_by_hand_and_applied(
    qtbot: QtBot, eur_workspace: Workspace, tmp_path: Path
) -> None:
    db = eur_workspace.db
    acme = add_client(db, ClientInput("ACME", "Acme Tools"))
    create_invoice(
        db, InvoiceInput(acme, date(2026, 11, 2), [InvoiceLine("Work", D(1), D("500.00"))], number="A-1")
    )
    path = tmp_path / "eingang.csv"
    path.write_text(
        "Kundennr;Eingang;Summe\nACME;2026-11-20;200,00\nACME;2026-11-27;50,00\n", encoding="utf-8"
    )
    wizard = open_wizard(qtbot, ImportWizard(eur_workspace, kind=payments_kind()))
    choose_file(qtbot, wizard, path)
    found = wizard.found_page
    assert found.plan is None and found.summary_label.text() == "CreditDesk cannot read this file."
    panel = found.mapping_panel
    sources = [panel.source_combo.itemText(i) for i in range(panel.source_combo.count())]
    assert "Xero" not in sources, "payments are read from CreditDesk's export or a spreadsheet"
    for target, column in (
        (Field.CLIENT_CODE, "Kundennr"),
        (Field.PAYMENT_DATE, "Eingang"),
        (Field.AMOUNT, "Summe"),
    ):
        combo = panel.field_combos[target]
        index = combo.findText(column)
        combo.setCurrentIndex(index)
        combo.activated.emit(index)
        wait_for_op(qtbot, found)
    assert found.plan is not None and found.plan.ready, found.notes_model.stringList()
    assert preview(wizard)[0][1:4] == ["ACME", eur_workspace.formats.day(date(2026, 11, 20)), "200.00"]
    assert found.summary_label.text() == (
        "What the import would do: new payments: 2; already recorded: 0; problems: 0."
    )

    next_page(qtbot, wizard)
    assert "would make: new payments: 2" in wizard.import_page.summary_label.text()
    press_import(qtbot, wizard)
    assert wizard.import_page.imported
    assert run_aging(db, TODAY).totals.total == D("250.00"), "500 invoiced less the two payments"


def test_file_menu_offers_every_kind_and_each_opens_its_wizard(
    qtbot: QtBot, eur_workspace: Workspace
) -> None:
    window = MainWindow(eur_workspace)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    texts = [action.text() for action in file_menu.actions()]
    for text in ("&Import invoices…", "Import c&lients…", "Import pa&yments…", "Import bank stat&ement…"):
        assert text in texts
    titles: list[str] = []

    def close(widget: QWidget) -> None:
        titles.append(widget.windowTitle())
        assert isinstance(widget, QWizard)
        widget.reject()

    for action in (window.import_clients_action, window.import_payments_action):
        when_modal(close)
        action.trigger()
    assert titles == ["Import clients", "Import payments"]


# --- progress and cancel ---------------------------------------------------------------------------


def test_cancel_while_the_import_waits_for_the_file_writes_nothing(
    qtbot: QtBot, eur_workspace: Workspace
) -> None:
    wizard = open_wizard(qtbot, ImportWizard(eur_workspace, kind=clients_kind()))
    choose_file(qtbot, wizard, FIXTURES / "creditdesk_clients.csv")
    next_page(qtbot, wizard)
    page = wizard.import_page
    # Another program holds the company file's write lock: the import waits for its turn.
    with UnitOfWork(eur_workspace.db, write=True):
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
        assert page.progress.isVisible() and page.progress.cancel_button.isEnabled()
        assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled(), "no going back while writing"
        qtbot.mouseClick(page.progress.cancel_button, Qt.MouseButton.LeftButton)
        assert "nothing will be written" in page.progress.state_label.text()
    wait_for_op(qtbot, page)
    assert not page.imported
    assert page.message.text() == "⚠ The import was cancelled before it was saved, so nothing was written."
    assert not page.progress.isVisible()
    assert page.import_button.isEnabled(), "the file can be imported after all"
    assert client_rows(eur_workspace.db, TODAY) == []


def test_once_saving_has_begun_cancel_is_disabled_and_says_so(qtbot: QtBot, eur_workspace: Workspace) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    line, busy = MessageLine(), QWidget()
    shown = WriteProgress(owner)
    release = threading.Event()
    finished: list[str] = []

    def work(progress: Progress) -> str:
        progress.report(10, 10)
        assert progress.begin_commit()
        release.wait(5)
        return "saved"

    assert shown.run(
        owner,
        eur_workspace,
        work,
        Change(0),
        done=finished.append,
        failed=lambda exc: None,
        problem=line,
        busy=busy,
    )
    qtbot.waitUntil(lambda: not shown.cancel_button.isEnabled())
    assert shown.state_label.text() == "Saving to the company file; this can no longer be cancelled."
    assert shown.bar.value() == 10
    assert shown.progress is not None and not shown.progress.cancel(), "a cancel now is refused"
    release.set()
    qtbot.waitUntil(lambda: finished == ["saved"])
    assert not shown.running
