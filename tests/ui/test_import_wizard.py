"""File → Import invoices…: the wizard on a real company file, from choosing the file to the aging after."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMenu, QWidget, QWizard
from pytestqt.qtbot import QtBot

from creditdesk.services.company.settings import create_company, get_company
from creditdesk.services.imports.invoice_import import (
    InvoiceImportOptions,
    InvoicePlan,
    import_invoice_file,
)
from creditdesk.services.imports.mappings import (
    ColumnMapping,
    DateOrder,
    Field,
    SavedMapping,
    save_mapping,
    saved_mappings,
)
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import open_database
from creditdesk.ui.company.import_wizard import ImportWizard
from creditdesk.ui.main_window import MainWindow
from creditdesk.ui.widgets import to_qdate
from creditdesk.ui.workers import wait_for_background_work
from creditdesk.ui.workspace import Change, Workspace
from tests.ui.helpers import wait_for_op, when_modal

FIXTURES = Path(__file__).parents[1] / "imports" / "fixtures"
TODAY = date(2026, 12, 3)
FILE_DATE = date(2026, 11, 30)  # the QuickBooks report's "As of"
FREEAGENT = "Reference,Contact,Dated On,Due On,Status,Currency,Total Value,Paid Value,Due Value"


@pytest.fixture
def usd_workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A US company, as the QuickBooks report's is, with today fixed."""
    db = open_database(tmp_path / "usd.sqlite", create=True)
    create_company(db, "Acme Design Studio", "USD", "en_US")
    yield Workspace(db, get_company(db), today=lambda: TODAY)
    wait_for_background_work()
    db.close()


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([FREEAGENT, *rows]) + "\n", encoding="utf-8")
    return path


def open_wizard(qtbot: QtBot, workspace: Workspace) -> ImportWizard:
    wizard = ImportWizard(workspace)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def next_page(qtbot: QtBot, wizard: ImportWizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def choose_file(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    """Page 1: type the file's name, go on, and wait for the file to be read."""
    wizard.file_page.path_edit.setText(str(path))
    next_page(qtbot, wizard)
    assert wizard.currentPage() is wizard.found_page
    wait_for_op(qtbot, wizard.found_page)


def invoice_plan(wizard: ImportWizard) -> InvoicePlan:
    plan = wizard.found_page.plan
    assert isinstance(plan, InvoicePlan)
    return plan


def issued_and_due(wizard: ImportWizard) -> tuple[date, date | None]:
    first = invoice_plan(wizard).read.invoices[0]
    return first.issue_date, first.due_date


def notes(wizard: ImportWizard) -> list[str]:
    return wizard.found_page.notes_model.stringList()


def test_a_quickbooks_report_is_previewed_then_imported_and_ages_as_of_its_date(
    qtbot: QtBot, usd_workspace: Workspace
) -> None:
    announced: list[Change] = []
    usd_workspace.events.changed.connect(announced.append)
    wizard = open_wizard(qtbot, usd_workspace)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled(), "no file chosen yet"
    choose_file(qtbot, wizard, FIXTURES / "quickbooks_ar_aging_detail.csv")

    found = wizard.found_page
    assert "QuickBooks" in found.source_value.text()
    assert "CSV" in found.table_value.text()
    assert "Due Date: dates like 12/31/2026" in found.formats_value.text()
    assert found.as_of_edit.date().toPython() == FILE_DATE
    model = found.preview_model
    assert model.rowCount() == 6
    first = [model.index(0, column).data() for column in range(model.columnCount())]
    assert first[1:3] == ["1042", "Blue Sky Café"]
    assert first[5:] == ["1,250.00", "1,250.00"]
    part_paid = [model.index(2, column).data() for column in (1, 5, 6)]
    assert part_paid == ["1031", "3,400.00", "1,400.00"], "the total and what is still due"
    assert found.summary_label.text() == (
        "What the import would do: new invoices: 6; new clients: 4; updated: 0; settled: 0; unchanged: 0."
    )
    assert not found.message.isVisible()
    assert run_aging(usd_workspace.db, FILE_DATE).totals.total == 0, "nothing is written before Import"

    next_page(qtbot, wizard)
    page = wizard.import_page
    assert page.import_button.isEnabled()
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, page)
    assert page.imported
    assert "new invoices: 6" in page.done_label.text()
    assert not page.import_button.isEnabled(), "the same plan is not written twice"
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert announced == [Change.LEDGER | Change.CLIENTS]

    aging = run_aging(usd_workspace.db, FILE_DATE)
    assert aging.totals.total == D("5870.49"), "the report's own open total"
    by_bucket = dict(zip(aging.bucket_keys, aging.totals.buckets, strict=True))
    assert sum(by_bucket.values()) == D("5870.49")
    assert by_bucket[aging.bucket_keys[0]] == D("1890.50"), "the report's Current section"
    assert sorted(row.client_name for row in aging.rows) == [
        "Acme Widgets, Inc.",
        "Blue Sky Café",
        "Northwind Traders",
        "Old Mill Bakery",
    ]


def test_a_bad_row_is_shown_with_its_line_and_nothing_can_be_imported(
    qtbot: QtBot, usd_workspace: Workspace, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "invoices.csv",
        [
            "3001,Lark Studio,2026-11-01,2026-12-01,Sent,USD,500.00,0.00,500.00",
            "3002,Fen Bakery,2026-11-02,2026-12-02,Sent,USD,12x.00,0.00,12x.00",
        ],
    )
    wizard = open_wizard(qtbot, usd_workspace)
    choose_file(qtbot, wizard, path)
    found = wizard.found_page
    problems = [note for note in notes(wizard) if note.startswith("Problem:")]
    assert problems and all("line 3" in note for note in problems), notes(wizard)
    assert any("'Total Value'" in note and "12x.00" in note for note in problems)
    assert found.message.isVisible()

    next_page(qtbot, wizard)
    assert not wizard.import_page.import_button.isEnabled()
    assert wizard.import_page.message.isVisible()
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert run_aging(usd_workspace.db, TODAY).totals.total == 0
    assert run_aging(usd_workspace.db, TODAY).rows == ()


def test_a_date_column_the_file_leaves_open_is_answered_with_a_choice_that_reads_it_again(
    qtbot: QtBot, usd_workspace: Workspace, tmp_path: Path
) -> None:
    # 03/04/2026 and 04/05/2026 are dates either way round: the company's US order reads them first.
    path = write_csv(
        tmp_path / "invoices.csv", ["3001,Lark Studio,03/04/2026,04/05/2026,Sent,USD,100.00,0.00,100.00"]
    )
    wizard = open_wizard(qtbot, usd_workspace)
    choose_file(qtbot, wizard, path)
    found = wizard.found_page
    assert issued_and_due(wizard)[0] == date(2026, 3, 4)
    combo = found.findChild(QComboBox, "order:Dated On")
    assert combo is not None
    assert combo.currentText() == "Month first, as in 12/31/2026."

    combo.setCurrentIndex(combo.findText("Day first, as in 31/12/2026."))
    combo.activated.emit(combo.currentIndex())
    wait_for_op(qtbot, found)
    assert issued_and_due(wizard) == (date(2026, 4, 3), date(2026, 4, 5)), (
        "the due date's column keeps the company's order"
    )
    assert found.preview_model.rows[0][3] == usd_workspace.formats.day(date(2026, 4, 3))
    answered = found.findChild(QComboBox, "order:Dated On")
    assert answered is not None and answered.currentText() == "Day first, as in 31/12/2026."


def test_changing_the_as_of_date_plans_again_and_a_file_it_cannot_read_stops_at_page_two(
    qtbot: QtBot, usd_workspace: Workspace, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, usd_workspace)
    choose_file(qtbot, wizard, FIXTURES / "quickbooks_ar_aging_detail.csv")
    found = wizard.found_page
    found.as_of_edit.setDate(to_qdate(date(2026, 12, 31)))
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled(), "shown for the old date"
    qtbot.waitUntil(lambda: found.plan is not None and invoice_plan(wizard).as_of == date(2026, 12, 31))

    other = tmp_path / "notes.csv"
    other.write_text("Shopping,Price\nBread,2.50\n", encoding="utf-8")
    wizard.back()
    choose_file(qtbot, wizard, other)
    assert found.plan is None
    assert found.summary_label.text() == "CreditDesk cannot read this file."
    assert notes(wizard), "the reason is given"
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_file_import_invoices_opens_the_wizard_and_cancelling_writes_nothing(
    qtbot: QtBot, usd_workspace: Workspace
) -> None:
    window = MainWindow(usd_workspace)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    assert "&Import invoices…" in [action.text() for action in file_menu.actions()]
    opened: list[QWidget] = []

    def cancel(widget: QWidget) -> None:
        opened.append(widget)
        assert isinstance(widget, ImportWizard)
        widget.reject()

    when_modal(cancel)
    window.import_invoices_action.trigger()
    assert len(opened) == 1
    assert run_aging(usd_workspace.db, TODAY).rows == ()


def test_books_written_meanwhile_refuse_the_old_plan_and_the_file_is_checked_again(
    qtbot: QtBot, usd_workspace: Workspace
) -> None:
    path = FIXTURES / "quickbooks_ar_aging_detail.csv"
    wizard = open_wizard(qtbot, usd_workspace)
    choose_file(qtbot, wizard, path)
    next_page(qtbot, wizard)
    page = wizard.import_page
    # Another window (or computer) imports the same report while this one waits on its last page.
    import_invoice_file(usd_workspace.db, path, InvoiceImportOptions(), usd_workspace.today())

    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, page)
    assert not page.imported
    assert page.message.isVisible()
    assert "The books changed after the file was checked" in page.message.text()
    wait_for_op(qtbot, wizard.found_page)
    assert wizard.found_page.plan is not None and not wizard.found_page.plan.ready
    assert "unchanged: 6" in page.summary_label.text(), "the figures shown are those of the books now"
    assert not page.import_button.isEnabled(), "a file already imported is not imported again"
    assert run_aging(usd_workspace.db, FILE_DATE).totals.total == D("5870.49"), "nothing doubled"


# --- the mapping step: choosing a source, mapping by hand, saving the mapping -----------------------

OWN_HEADER = "Beleg;Wer;Am;Fällig;Summe"


def choose_in(qtbot: QtBot, wizard: ImportWizard, combo: QComboBox, text: str) -> None:
    """Pick ``text`` as the user would (``activated`` is only sent for a user's choice), then wait."""
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    wait_for_op(qtbot, wizard.found_page)


def test_a_file_of_its_own_columns_is_mapped_by_hand_saved_and_imported(
    qtbot: QtBot, usd_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "till.csv"
    path.write_text(f"{OWN_HEADER}\nB-1;Corner Deli;2026-11-02;2026-12-02;250.00\n", encoding="utf-8")
    wizard = open_wizard(qtbot, usd_workspace)
    choose_file(qtbot, wizard, path)
    found, panel = wizard.found_page, wizard.found_page.mapping_panel
    assert found.plan is None and not panel.save_button.isEnabled()
    assert found.summary_label.text() == "CreditDesk cannot read this file."
    combo = panel.field_combos[Field.NUMBER]
    assert [combo.itemText(i) for i in range(combo.count())] == ["Not in the file", *OWN_HEADER.split(";")]
    for target, column in (
        (Field.NUMBER, "Beleg"),
        (Field.CLIENT_NAME, "Wer"),
        (Field.ISSUE_DATE, "Am"),
        (Field.DUE_DATE, "Fällig"),
        (Field.TOTAL, "Summe"),
    ):
        choose_in(qtbot, wizard, panel.field_combos[target], column)
    assert found.plan is not None and found.plan.ready
    assert panel.source_combo.currentText() == "Your own mapping"
    assert found.summary_label.text().startswith("What the import would do: new invoices: 1;")

    monkeypatch.setattr(panel, "ask_name", lambda: "Corner till")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, panel)
    qtbot.waitUntil(lambda: panel.source_combo.currentText() == "Saved mapping: Corner till", timeout=5000)
    (saved,) = saved_mappings(usd_workspace.db, "invoices")
    assert saved.name == "Corner till"
    assert dict(saved.mapping.columns) == {
        Field.NUMBER: "Beleg",
        Field.CLIENT_NAME: "Wer",
        Field.ISSUE_DATE: "Am",
        Field.DUE_DATE: "Fällig",
        Field.TOTAL: "Summe",
    }

    next_page(qtbot, wizard)
    qtbot.mouseClick(wizard.import_page.import_button, Qt.MouseButton.LeftButton)
    wait_for_op(qtbot, wizard.import_page)
    assert wizard.import_page.imported
    assert run_aging(usd_workspace.db, TODAY).totals.total == D("250.00")


def test_saved_mappings_are_offered_among_the_sources(
    qtbot: QtBot, usd_workspace: Workspace, tmp_path: Path
) -> None:
    mapping = ColumnMapping(
        "Corner till",
        {Field.NUMBER: "Beleg", Field.CLIENT_NAME: "Wer", Field.ISSUE_DATE: "Am", Field.TOTAL: "Summe"},
    )
    save_mapping(usd_workspace.db, SavedMapping("invoices", mapping, {"Am": DateOrder.DAY_FIRST}))
    path = tmp_path / "till.csv"
    path.write_text(f"{OWN_HEADER}\nB-7;Corner Deli;02/11/2026;;99.50\n", encoding="utf-8")
    wizard = open_wizard(qtbot, usd_workspace)
    choose_file(qtbot, wizard, path)
    panel = wizard.found_page.mapping_panel
    qtbot.waitUntil(lambda: panel.source_combo.findText("Saved mapping: Corner till") >= 0, timeout=5000)
    sources = [panel.source_combo.itemText(i) for i in range(panel.source_combo.count())]
    assert sources[0] == "Recognise the source from its columns" and "Xero" in sources
    assert sources[-1] == "Saved mapping: Corner till"
    choose_in(qtbot, wizard, panel.source_combo, "Saved mapping: Corner till")
    plan = invoice_plan(wizard)
    assert plan.ready  # the saved date order answers 02/11/2026
    assert wizard.found_page.source_value.text() == "Corner till"
    assert [invoice.issue_date for invoice in plan.read.invoices] == [date(2026, 11, 2)]
