"""A client's chasing settings: the schedule, do-not-chase and start stages, saved together."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from creditdesk.mail.default_schedule import DEFAULT_SCHEDULE
from creditdesk.services.chasing.schedules import save_schedule
from creditdesk.services.chasing.template_preview import default_preview_client, preview_clients
from creditdesk.services.clients.chasing_settings import client_chasing
from creditdesk.ui.clients.chasing_dialog import FROM_FIRST, ChasingDialog
from creditdesk.ui.workspace import Workspace
from tests.ui.helpers import wait_for_op

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def test_schedule_do_not_chase_and_start_stage_are_saved(qtbot: QtBot, demo_workspace: Workspace) -> None:
    workspace = demo_workspace
    db, today = workspace.db, workspace.today()
    gentle = save_schedule(
        db, None, replace(DEFAULT_SCHEDULE, name="Gentle", stages=DEFAULT_SCHEDULE.stages[:3])
    )
    client = default_preview_client(preview_clients(db, today))
    assert client is not None

    d = ChasingDialog(workspace, client.id)
    qtbot.addWidget(d)
    assert d.schedule_combo.currentText() == "Company default (Standard)"
    assert not d.do_not_chase_box.isChecked()
    first_invoice = next(iter(d.stage_combos))
    combo = d.stage_combos[first_invoice]
    assert combo.currentText() == FROM_FIRST and combo.count() == 1 + 5

    d.schedule_combo.setCurrentIndex(d.schedule_combo.findData(gentle))
    assert combo.count() == 1 + 3  # the stages of the schedule chosen now
    combo.setCurrentIndex(combo.findData(2))
    d.do_not_chase_box.click()
    with qtbot.waitSignal(workspace.events.changed):
        QTest.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert d.result() == QDialog.DialogCode.Accepted

    saved = client_chasing(db, client.id, today)
    assert saved.schedule_id == gentle and saved.do_not_chase
    assert {i.id: i.start_stage for i in saved.invoices}[first_invoice] == 2

    again = ChasingDialog(workspace, client.id)  # shown as saved; back to the default
    qtbot.addWidget(again)
    assert again.schedule_combo.currentText() == "Gentle" and again.do_not_chase_box.isChecked()
    assert again.stage_combos[first_invoice].currentText().startswith("Stage 3: ")
    again.schedule_combo.setCurrentIndex(0)
    again.do_not_chase_box.setChecked(False)
    again.accept()
    wait_for_op(qtbot, again)
    saved = client_chasing(db, client.id, today)
    assert saved.schedule_id is None and not saved.do_not_chase
    assert {i.id: i.start_stage for i in saved.invoices}[first_invoice] == 2
