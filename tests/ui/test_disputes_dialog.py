"""View → Open disputes…: every open dispute with its age, and resolving one from the list."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from creditdesk.domain.disputes import DisputeReason
from creditdesk.services.arrangements.disputes import disputes, open_dispute
from creditdesk.ui.arrangements.dispute_dialog import ResolveDisputeDialog
from creditdesk.ui.arrangements.disputes_dialog import DisputesDialog
from creditdesk.ui.workspace import Workspace
from tests.services.workflow_ledger import client, invoice
from tests.ui.conftest import TODAY
from tests.ui.helpers import wait_for_op, when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def cell(dialog: DisputesDialog, row: int, col: int) -> str:
    return str(dialog.model.data(dialog.model.index(row, col, QModelIndex()), Qt.ItemDataRole.DisplayRole))


def test_open_disputes_are_listed_with_their_age_and_can_be_resolved(
    qtbot: QtBot, workspace: Workspace
) -> None:
    acme = client(workspace.db, "ACME")
    older = invoice(workspace.db, acme, date(2026, 10, 1), "300.00")
    newer = invoice(workspace.db, acme, date(2026, 10, 20), "80.00")
    open_dispute(workspace.db, older, DisputeReason.QUALITY, "Doors warped", date(2026, 11, 1))
    open_dispute(workspace.db, newer, DisputeReason.WRONG_PO, "", date(2026, 11, 21))

    dialog = DisputesDialog(workspace)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=10000)
    assert [cell(dialog, r, 4) for r in range(2)] == ["21 days", "1 day"]  # oldest first
    assert cell(dialog, 0, 2) == "Quality" and cell(dialog, 1, 2) == "Wrong PO"
    assert dialog.summary.text().startswith("2 open disputes")

    def resolve(widget: QWidget) -> None:
        assert isinstance(widget, ResolveDisputeDialog)
        widget.outcome_combo.setCurrentIndex(1)
        widget.save_button.click()
        wait_for_op(qtbot, widget)  # the save runs off the GUI thread
        if widget.isVisible():  # a refusal keeps it open: close it so the test fails, not hangs
            widget.reject()

    dialog.table.selectRow(0)
    when_modal(resolve)
    dialog.resolve_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10000)
    assert [d.invoice_id for d in disputes(workspace.db, TODAY)] == [newer]
    assert cell(dialog, 0, 4) == "1 day" and cell(dialog, 0, 2) == "Wrong PO"
    assert dialog.summary.text().startswith("1 open dispute,")
