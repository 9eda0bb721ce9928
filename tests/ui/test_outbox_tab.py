"""The Outbox tab and the message dialog on a real company file, driven as a person does."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from creditdesk.domain.chasing import Channel
from creditdesk.services.chasing import outbox, reminders
from creditdesk.services.chasing.outbox import OutboxFilters, ReminderStatus
from creditdesk.services.company.settings import get_company
from creditdesk.store.database import Database
from creditdesk.store.models import Activity, Reminder
from creditdesk.store.unit_of_work import UnitOfWork
from creditdesk.ui.chasing.message_dialog import MessageDialog
from creditdesk.ui.chasing.outbox_model import STATUS
from creditdesk.ui.chasing.outbox_tab import EMPTY_TEXT, OutboxTab
from creditdesk.ui.pdf_preview import PdfPreviewDialog
from creditdesk.ui.workers import wait_for_background_work
from creditdesk.ui.workspace import Workspace
from tests.services.test_sending import AS_OF, build_ledger
from tests.ui.helpers import when_modal

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
LOAD_MS = 10000
RENDER_MS = 20000  # the first document of a test run loads ReportLab and the fonts


@pytest.fixture
def workspace(db: Database) -> Iterator[Workspace]:
    """Four clients due a reminder on AS_OF: three emails and a letter (Crate plc has no address)."""
    build_ledger(db, AS_OF)
    yield Workspace(db, get_company(db), today=lambda: AS_OF)
    wait_for_background_work()


def loaded(qtbot: QtBot, workspace: Workspace) -> OutboxTab:
    tab = OutboxTab(workspace)
    qtbot.addWidget(tab)
    tab.resize(1200, 600)
    with qtbot.waitSignal(tab.loaded, timeout=LOAD_MS):
        tab.reload()
    return tab


def queued(qtbot: QtBot, workspace: Workspace) -> OutboxTab:
    reminders.queue(workspace.db, AS_OF)
    return loaded(qtbot, workspace)


def shown(tab: OutboxTab) -> dict[str, str]:
    """Client name → the Status column, as on screen."""
    return {row.client_name: tab.model.index(i, STATUS).data() for i, row in enumerate(tab.model.rows)}


def pick(tab: OutboxTab, *clients: str) -> list[int]:
    ids = [row.id for row in tab.model.rows if row.client_name in clients]
    tab.select_ids(ids)
    return ids


def reload_after(qtbot: QtBot, tab: OutboxTab, act: object) -> None:
    with qtbot.waitSignal(tab.loaded, timeout=LOAD_MS):
        assert callable(act)
        act()


def answer(button: QMessageBox.StandardButton) -> None:
    def press(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        pressed = widget.button(button)
        assert pressed is not None
        pressed.click()

    when_modal(press)


# --- queueing and filtering -------------------------------------------------------------------------


def test_an_empty_outbox_says_what_to_do(qtbot: QtBot, workspace: Workspace) -> None:
    tab = loaded(qtbot, workspace)
    assert tab.model.rowCount() == 0
    assert tab.placeholder.text() == EMPTY_TEXT
    assert tab.placeholder.isVisibleTo(tab)
    assert not tab.send_action.isEnabled() and not tab.approve_all_action.isEnabled()


def test_queueing_from_the_tab_shows_the_drafts(qtbot: QtBot, workspace: Workspace) -> None:
    tab = loaded(qtbot, workspace)
    waiting: list[int] = []
    tab.waiting_changed.connect(waiting.append)

    qtbot.mouseClick(tab.queue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 4, timeout=LOAD_MS)

    assert tab.notice_label.text() == "Queued 4 reminders (0 already in the outbox)"
    assert shown(tab) == {
        "Acme Ltd": "Draft",
        "Brick & Co": "Draft",
        "Crate plc": "Draft",
        "Dune GmbH": "Draft",
    }
    assert waiting[-1] == 4
    assert not tab.placeholder.isVisible()
    acme = tab.model.rows[0]
    assert tab.model.index(0, 4).data() == acme.recipient == "pay@acme.test"
    assert tab.model.index(0, 6).data() == "€350.00"
    assert tab.model.index(0, 6).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    crate = tab.model.row_of(next(r.id for r in tab.model.rows if r.client_name == "Crate plc"))
    assert crate is not None and tab.model.index(crate, 4).data() == "By post"
    assert "4 drafts to review" in tab.count_label.text()
    assert tab.approve_all_action.text() == "Approve all &drafts (4)"

    qtbot.mouseClick(tab.queue_button, Qt.MouseButton.LeftButton)  # planned already: nothing new
    qtbot.waitUntil(lambda: "Nothing new" in tab.notice_label.text(), timeout=LOAD_MS)
    assert tab.notice_label.text() == "Nothing new to queue for 9 Mar 2026."
    assert tab.model.rowCount() == 4


def test_filters_choose_what_is_shown(qtbot: QtBot, workspace: Workspace) -> None:
    tab = queued(qtbot, workspace)
    pick(tab, "Acme Ltd")
    reload_after(qtbot, tab, tab.approve_action.trigger)

    reload_after(qtbot, tab, lambda: tab.status_combo.setCurrentText("Drafts"))
    assert sorted(shown(tab)) == ["Brick & Co", "Crate plc", "Dune GmbH"]
    reload_after(qtbot, tab, lambda: tab.status_combo.setCurrentText("Approved"))
    assert shown(tab) == {"Acme Ltd": "Approved"}
    reload_after(qtbot, tab, lambda: tab.status_combo.setCurrentText("All waiting"))
    reload_after(qtbot, tab, lambda: tab.channel_combo.setCurrentText("Letter"))
    assert list(shown(tab)) == ["Crate plc"]
    reload_after(qtbot, tab, lambda: tab.channel_combo.setCurrentText("All channels"))

    with qtbot.waitSignal(tab.loaded, timeout=LOAD_MS):
        qtbot.keyClicks(tab.search_box, "brick")
    assert list(shown(tab)) == ["Brick & Co"]
    with qtbot.waitSignal(tab.loaded, timeout=LOAD_MS):
        tab.search_box.setText("nobody")
    assert tab.model.rowCount() == 0
    assert tab.placeholder.text() == "No messages in “all waiting” match “nobody”."

    reload_after(qtbot, tab, lambda: tab.status_combo.setCurrentText("Sent"))
    tab.search_box.clear()
    with qtbot.waitSignal(tab.loaded, timeout=LOAD_MS):
        pass
    assert tab.placeholder.text() == "Nothing in “sent”."


# --- actions ------------------------------------------------------------------------------------------


def test_approve_cancel_and_retry_move_the_messages_on(qtbot: QtBot, workspace: Workspace) -> None:
    tab = queued(qtbot, workspace)
    pick(tab, "Acme Ltd", "Brick & Co")
    assert tab.approve_action.isEnabled() and not tab.retry_action.isEnabled()
    reload_after(qtbot, tab, tab.approve_action.trigger)
    assert shown(tab)["Acme Ltd"] == shown(tab)["Brick & Co"] == "Approved"
    assert tab.selected_ids() and {r.client_name for r in tab.selected_rows()} == {"Acme Ltd", "Brick & Co"}
    assert tab.send_action.text() == "&Send approved now (2)"
    assert not tab.approve_action.isEnabled()  # nothing left to approve in the selection

    pick(tab, "Dune GmbH")
    answer(QMessageBox.StandardButton.No)
    tab.cancel_action.trigger()
    assert shown(tab)["Dune GmbH"] == "Draft"  # the user said no
    answer(QMessageBox.StandardButton.Yes)
    reload_after(qtbot, tab, tab.cancel_action.trigger)
    assert "Dune GmbH" not in shown(tab)  # cancelled: no longer waiting
    assert tab.notice_label.text() == "Cancelled 1 message"

    with UnitOfWork(workspace.db, write=True) as uow:
        uow.session.execute(
            update(Reminder)
            .where(Reminder.recipient == "ap@brick.test")
            .values(status="failed", error="550 5.1.1 No such mailbox")
        )
        uow.commit()
    reload_after(qtbot, tab, tab.reload)
    row = tab.model.row_of(pick(tab, "Brick & Co")[0])
    assert row is not None
    status = tab.model.index(row, STATUS)
    assert status.data() == "Failed"
    assert status.data(Qt.ItemDataRole.ToolTipRole) == "550 5.1.1 No such mailbox"
    assert tab.retry_action.isEnabled() and not tab.approve_action.isEnabled()
    reload_after(qtbot, tab, tab.retry_action.trigger)
    assert shown(tab)["Brick & Co"] == "Approved"

    reload_after(qtbot, tab, tab.approve_all_action.trigger)
    assert set(shown(tab).values()) == {"Approved"}
    assert not tab.approve_all_action.isEnabled()


def test_a_letter_is_printed_in_its_own_words_and_marked_done(qtbot: QtBot, workspace: Workspace) -> None:
    tab = queued(qtbot, workspace)
    (letter,) = outbox.outbox_rows(workspace.db, OutboxFilters(channel=Channel.LETTER))
    detail = outbox.message_detail(workspace.db, letter.id)
    outbox.edit_message(workspace.db, letter.id, "", "A word about invoice INV-00004", detail.body)
    reload_after(qtbot, tab, tab.reload)
    pick(tab, "Acme Ltd")
    assert not tab.print_letter_action.isEnabled() and not tab.mark_done_action.isEnabled()
    pick(tab, "Crate plc")
    assert tab.print_letter_action.isEnabled() and tab.mark_done_action.isEnabled()

    tab.print_letter_action.trigger()
    qtbot.waitUntil(lambda: bool(tab.findChildren(PdfPreviewDialog)), timeout=RENDER_MS)
    (preview,) = tab.findChildren(PdfPreviewDialog)
    assert preview.file_name == "Just a reminder CRATE 2026-03-09.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(preview.pdf)).pages)
    assert "A word about invoice INV-00004" in text
    preview.close()

    answer(QMessageBox.StandardButton.Yes)
    reload_after(qtbot, tab, tab.mark_done_action.trigger)
    assert "Crate plc" not in shown(tab)
    reload_after(qtbot, tab, lambda: tab.status_combo.setCurrentText("Sent"))
    assert shown(tab) == {"Crate plc": "Printed"}
    with UnitOfWork(workspace.db) as uow:
        kinds = uow.session.scalars(select(Activity.kind).where(Activity.client_id == letter.client_id)).all()
    assert "reminder_sent" in kinds


# --- the message dialog -------------------------------------------------------------------------------


def acme_draft(workspace: Workspace) -> int:
    reminders.queue(workspace.db, AS_OF)
    return next(r.id for r in outbox.outbox_rows(workspace.db) if r.client_name == "Acme Ltd")


def test_the_dialog_shows_the_message_as_it_goes_out(qtbot: QtBot, workspace: Workspace) -> None:
    reminder_id = acme_draft(workspace)
    dialog = MessageDialog(workspace, reminder_id)
    qtbot.addWidget(dialog)
    detail = outbox.message_detail(workspace.db, reminder_id)
    assert dialog.recipient_edit.text() == "pay@acme.test"
    assert dialog.subject_edit.text() == detail.subject
    assert dialog.body_edit.toPlainText() == detail.body
    assert "Dear Ann Acme" in dialog.html_view.toPlainText()
    assert dialog.html_view.isReadOnly()
    assert dialog.invoices_model.rowCount() == 2
    assert dialog.invoices_model.index(0, 0).data() == "INV-00002"  # due first
    assert "Total €350.00" in dialog.total_label.text()
    assert not dialog.save_button.isEnabled()  # nothing changed yet
    assert dialog.approve_button.isVisibleTo(dialog)


def test_a_line_break_in_the_subject_is_shown_and_nothing_is_saved(
    qtbot: QtBot, workspace: Workspace
) -> None:
    reminder_id = acme_draft(workspace)
    before = outbox.message_detail(workspace.db, reminder_id)
    dialog = MessageDialog(workspace, reminder_id)
    qtbot.addWidget(dialog)

    dialog.subject_edit.setText("Payment reminder\nBcc: everyone@example.test")

    error = dialog.errors["subject"]
    assert error.isVisibleTo(dialog)
    assert error.text() == "The subject must be one line; remove the line break."
    assert dialog.subject_edit.property("invalid") is True
    assert not dialog.save_button.isEnabled() and not dialog.approve_button.isEnabled()
    assert dialog.save() is False
    assert outbox.message_detail(workspace.db, reminder_id) == before
    assert not dialog.changed

    dialog.subject_edit.setText("A small reminder from Test Co")
    dialog.body_edit.setPlainText(before.body.replace("We hope all is well.", "We hope you are well."))
    assert not error.isVisibleTo(dialog)
    assert "We hope you are well." in dialog.html_view.toPlainText()
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    after = outbox.message_detail(workspace.db, reminder_id)
    assert after.subject == "A small reminder from Test Co"
    assert "We hope you are well." in after.body
    assert after.status is ReminderStatus.DRAFT
    assert dialog.changed and not dialog.save_button.isEnabled()
    assert dialog.state_label.text().startswith("Your changes are saved.")


def test_an_empty_address_is_refused_next_to_the_field(qtbot: QtBot, workspace: Workspace) -> None:
    reminder_id = acme_draft(workspace)
    dialog = MessageDialog(workspace, reminder_id)
    qtbot.addWidget(dialog)
    dialog.recipient_edit.clear()
    assert dialog.errors["recipient"].text().startswith("The recipient is empty")
    dialog.body_edit.clear()
    assert dialog.errors["body"].text().startswith("The message is empty")
    assert not dialog.save_button.isEnabled()


def test_editing_from_the_tab_and_approving(qtbot: QtBot, workspace: Workspace) -> None:
    reminder_id = acme_draft(workspace)
    tab = loaded(qtbot, workspace)
    tab.select_ids([reminder_id])

    def edit(widget: QWidget) -> None:
        assert isinstance(widget, MessageDialog)
        widget.subject_edit.setText("Invoices INV-00001 and INV-00002")
        qtbot.mouseClick(widget.approve_button, Qt.MouseButton.LeftButton)

    when_modal(edit)
    reload_after(qtbot, tab, tab.open_action.trigger)

    assert shown(tab)["Acme Ltd"] == "Approved"
    assert tab.selected_ids() == [reminder_id]
    assert outbox.message_detail(workspace.db, reminder_id).subject == "Invoices INV-00001 and INV-00002"


def test_a_sent_message_opens_read_only(qtbot: QtBot, workspace: Workspace) -> None:
    reminders.queue(workspace.db, AS_OF)
    (letter,) = outbox.outbox_rows(workspace.db, OutboxFilters(channel=Channel.LETTER))
    from datetime import datetime

    outbox.mark_done(workspace.db, [letter.id], datetime(2026, 3, 9, 14, 5))
    dialog = MessageDialog(workspace, letter.id)
    qtbot.addWidget(dialog)
    assert dialog.body_edit.isReadOnly() and dialog.subject_edit.isReadOnly()
    assert not dialog.save_button.isVisibleTo(dialog)
    assert not dialog.approve_button.isVisibleTo(dialog)
    assert not dialog.cancel_message_button.isVisibleTo(dialog)
    assert dialog.state_label.text() == "Printed 9 Mar 2026 at 14:05. It can no longer be changed."
