"""Settings → Chasing schedules: problems shown with their line, Save only when right, a real preview."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.services.chasing.schedules import default_schedule_id, get_schedule, list_schedules
from creditdesk.services.chasing.template_preview import default_preview_client, preview_clients
from creditdesk.ui.chasing.schedule_dialog import ScheduleDialog
from creditdesk.ui.workspace import Workspace
from tests.ui.helpers import when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")

BROKEN = "Dear {{ client.contact_name }},\n\nThank you.\nRegards from {{ client.nam }}\n"
FIXED = "Dear {{ client.contact_name }},\n\nThank you.\nRegards from {{ company.name }}, {{ client.name }}\n"


def dialog(qtbot: QtBot, workspace: Workspace) -> ScheduleDialog:
    widget = ScheduleDialog(workspace)
    qtbot.addWidget(widget)
    return widget


def press_yes(box: QWidget) -> None:
    assert isinstance(box, QMessageBox)
    yes = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    yes.click()


def test_the_default_is_listed_and_cannot_be_deleted(qtbot: QtBot, workspace: Workspace) -> None:
    d = dialog(qtbot, workspace)
    default_id = default_schedule_id(workspace.db)
    item = d.schedule_list.item(0)
    assert item is not None and item.text().endswith("(default)")
    assert d.schedule_id == default_id and d.stages_model.rowCount() == 5
    assert not d.default_button.isEnabled() and d.save_button.isEnabled() and d.message == ""
    when_modal(press_yes)
    QTest.mouseClick(d.delete_button, Qt.MouseButton.LeftButton)
    assert "is the company's default schedule" in d.message
    assert [c.id for c in list_schedules(workspace.db)] == [default_id]


def test_a_template_problem_names_its_line_and_blocks_saving_until_fixed(
    qtbot: QtBot, demo_workspace: Workspace
) -> None:
    workspace = demo_workspace
    d = dialog(qtbot, workspace)
    expected = default_preview_client(preview_clients(workspace.db, workspace.today()))
    assert expected is not None and expected.overdue > 0
    editor = d.template_editor
    qtbot.waitUntil(lambda: expected.name in editor.preview_text, timeout=15000)
    assert editor.client_combo.currentData() == expected.id

    d.select_stage(1)
    editor.body_edit.setPlainText(BROKEN)
    qtbot.waitUntil(lambda: bool(editor.problems), timeout=3000)
    assert editor.problems[0].startswith("Line 4: 'client.nam' is not a placeholder")
    assert editor.tinted_lines == [4]
    assert not d.save_button.isEnabled()
    assert "body line 4" in d.message
    assert d.stages_model.index(1, 1).data().startswith("⚠ ")
    assert get_schedule(workspace.db, d.schedule_id or 0).stages[1].body_template != BROKEN

    editor.body_edit.setPlainText(FIXED)
    qtbot.waitUntil(lambda: d.save_button.isEnabled(), timeout=3000)
    assert editor.problems == [] and editor.tinted_lines == []
    qtbot.waitUntil(lambda: f"Regards from {workspace.company.name}, {expected.name}" in editor.preview_text)
    QTest.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    assert not d.dirty
    saved = get_schedule(workspace.db, default_schedule_id(workspace.db))
    assert saved.stages[1].body_template == FIXED


def test_stages_are_added_and_removed(qtbot: QtBot, workspace: Workspace) -> None:
    d = dialog(qtbot, workspace)
    schedule_id = d.schedule_id or 0
    QTest.mouseClick(d.add_stage_button, Qt.MouseButton.LeftButton)
    assert d.stages_model.rowCount() == 6 and d.stage_name_edit.text() == "New stage"
    d.stage_name_edit.selectAll()
    QTest.keyClicks(d.stage_name_edit, "Phone them")
    d.channel_combo.setCurrentIndex(d.channel_combo.findData("phone"))
    d.offset_spin.setValue(60)
    QTest.keyClicks(d.fee_edit, "15")
    assert d.stages_model.index(5, 0).data() == "60 days after due"
    assert d.save_button.isEnabled(), d.problems
    QTest.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    stages = get_schedule(workspace.db, schedule_id).stages
    assert [s.name for s in stages][-1] == "Phone them"
    assert stages[-1].key == "new-stage" and stages[-1].offset_days == 60 and str(stages[-1].fee) == "15.00"

    d.select_stage(0)
    QTest.mouseClick(d.remove_stage_button, Qt.MouseButton.LeftButton)
    assert d.stages_model.rowCount() == 5 and d.dirty
    d.save()
    stages = get_schedule(workspace.db, schedule_id).stages
    assert len(stages) == 5 and stages[0].name == "Just a reminder"


def test_new_and_make_default(qtbot: QtBot, workspace: Workspace) -> None:
    d = dialog(qtbot, workspace)
    QTest.mouseClick(d.new_button, Qt.MouseButton.LeftButton)
    assert d.name_edit.text() == "New schedule" and d.schedule_list.count() == 2
    QTest.mouseClick(d.default_button, Qt.MouseButton.LeftButton)
    assert default_schedule_id(workspace.db) == d.schedule_id
    d.name_edit.setText("")
    QTest.keyClicks(d.name_edit, "Gentle")
    assert d.dirty and d.save_button.isEnabled()
    assert d.save()
    assert [c.name for c in list_schedules(workspace.db)] == ["Gentle", "Standard"]
