"""Batch statements on the demo company: every file written, progress to the end, cancel kept tidy."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from creditdesk.services.reports.batch_statements import clients_with_balance
from creditdesk.ui.reports.batch_dialog import BatchStatementsDialog, combined_name, shown_path
from creditdesk.ui.workspace import Workspace

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
RUN_MS = 60000


def loaded_dialog(qtbot: QtBot, workspace: Workspace, folder: Path) -> BatchStatementsDialog:
    dialog = BatchStatementsDialog(workspace)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=10000)
    dialog.folder_edit.setText(str(folder))
    return dialog


def test_the_clients_are_chosen_filtered_and_counted(
    qtbot: QtBot, demo_workspace: Workspace, tmp_path: Path
) -> None:
    dialog = loaded_dialog(qtbot, demo_workspace, tmp_path)
    choices = clients_with_balance(demo_workspace.db, demo_workspace.today())
    total = len(choices)
    assert dialog.model.rowCount() == total > 0
    assert dialog.count_label.text().startswith(f"{total} of {total} clients chosen · £")
    first = choices[0]
    dialog.filter_edit.setText(first.code)
    assert dialog.proxy.rowCount() == 1
    QTest.mouseClick(dialog.none_button, Qt.MouseButton.LeftButton)  # only the one shown
    assert [c.id for c in dialog.model.choices if c.id in dialog.model.unticked] == [first.id]
    assert dialog.count_label.text().startswith(f"{total - 1} of {total} clients chosen")
    dialog.filter_edit.clear()
    QTest.mouseClick(dialog.none_button, Qt.MouseButton.LeftButton)
    assert not dialog.start_button.isEnabled()  # nobody chosen: nothing to start
    QTest.mouseClick(dialog.all_button, Qt.MouseButton.LeftButton)
    assert len(dialog.model.chosen()) == total and dialog.start_button.isEnabled()
    assert dialog.request().client_ids == tuple(c.id for c in choices)
    assert dialog.request().db_path == demo_workspace.db.path


def test_a_run_writes_every_statement_and_a_combined_pdf(
    qtbot: QtBot, demo_workspace: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "Statements"
    dialog = loaded_dialog(qtbot, demo_workspace, out)
    chosen = len(dialog.model.chosen())
    QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.running and dialog.cancel_button.isVisibleTo(dialog)
    assert not dialog.close_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=RUN_MS)
    summary = dialog.summary
    assert summary is not None and not summary.cancelled
    assert summary.count == chosen == len(summary.files)
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum() == chosen  # 100 %
    combined = out / combined_name(demo_workspace.today())
    assert summary.combined == combined
    written = sorted(p for p in out.iterdir() if p != combined)
    assert written == sorted(summary.files)
    assert summary.total_bytes == sum(p.stat().st_size for p in written)
    assert len(PdfReader(combined).pages) >= chosen
    assert dialog.summary_label.text().startswith(f"{chosen} statements, ")
    assert f"saved to {shown_path(out)}; combined PDF: {combined.name}." in dialog.summary_label.text()
    assert dialog.open_folder_button.isVisibleTo(dialog) and dialog.close_button.isEnabled()


def test_cancel_stops_with_a_consistent_summary(
    qtbot: QtBot, demo_workspace: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "Statements"
    dialog = loaded_dialog(qtbot, demo_workspace, out)
    chosen = len(dialog.model.chosen())
    QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    QTest.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)  # before the workers are up
    assert dialog.cancel_button.text() == "Cancelling…" and not dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=RUN_MS)
    summary = dialog.summary
    assert summary is not None and summary.cancelled and summary.combined is None
    assert summary.count < chosen
    assert sorted(out.iterdir()) == sorted(summary.files)  # exactly the files listed, each whole
    for path in summary.files:
        assert len(PdfReader(path).pages) >= 1
    assert dialog.progress_bar.value() == summary.count
    assert dialog.summary_label.text().startswith(f"Cancelled: {summary.count} of {chosen} statements")
    assert dialog.summary_label.text().endswith("No combined PDF was made.")
    assert dialog.start_button.isVisibleTo(dialog) and not dialog.running


def test_closing_during_a_run_cancels_it_first(
    qtbot: QtBot, demo_workspace: Workspace, tmp_path: Path
) -> None:
    dialog = loaded_dialog(qtbot, demo_workspace, tmp_path / "Statements")
    dialog.show()
    QTest.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.cancel_button.text() == "Cancelling…"  # not while files are written
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=RUN_MS)
    assert dialog.summary is not None and dialog.summary.cancelled
