"""The actions on one client: documents, arrangements, hand-over and archiving.

Plain functions over the parent widget, the workspace and the client, so the
Clients tab and the Today tab offer the same action, written once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from creditdesk.services.chasing.collection_handover import HandOverPack, hand_over
from creditdesk.services.chasing.demand_letters import letter_pdf
from creditdesk.services.clients.overview import ClientDetail
from creditdesk.services.clients.records import archive_client
from creditdesk.services.reports.invoice_print import safe_file_part
from creditdesk.services.reports.statements import statement_file_name, statement_pdf
from creditdesk.ui.arrangements import plan_dialog, promise_dialog
from creditdesk.ui.clients import conversation_dialog, credit_dialog
from creditdesk.ui.ops import run_write
from creditdesk.ui.pdf_preview import documents_folder, preview_pdf, remember_documents_folder
from creditdesk.ui.reports.statement_dialog import LETTER_TITLES, LetterDialog, StatementDialog
from creditdesk.ui.workspace import Change, Workspace

WORKFLOW_ACTIONS = {
    "log_call": "Log call or conversation…",
    "promise": "Promise to pay…",
    "plan": "Payment plan…",
    "credit": "Credit limit and hold…",
    "hand_over": "Hand over to collections…",
}

Say = Callable[[str], None]  # a short note for the window's status bar
Busy = Callable[[bool], None]  # told when background work starts and ends


def preview_statement(
    parent: QWidget, workspace: Workspace, client_id: int, code: str, name: str, busy: Busy | None = None
) -> None:
    """Ask for the statement's options, then preview it."""
    dialog = StatementDialog(workspace, name, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        request = dialog.request()
    finally:
        dialog.deleteLater()
    db = workspace.db
    preview_pdf(
        parent,
        lambda: statement_pdf(db, client_id, request),
        f"Statement — {name}",
        statement_file_name(code, request.statement_date),
        busy,
    )


def preview_letter(
    parent: QWidget, workspace: Workspace, client_id: int, code: str, name: str, busy: Busy | None = None
) -> None:
    """Ask which letter and as of when, then preview it."""
    dialog = LetterDialog(workspace, name, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        kind, as_of = dialog.kind, dialog.letter_date
    finally:
        dialog.deleteLater()
    db = workspace.db
    title = LETTER_TITLES[kind]
    preview_pdf(
        parent,
        lambda: letter_pdf(db, client_id, as_of, kind),
        f"{title} — {name}",
        f"{title} {safe_file_part(code)} {as_of.isoformat()}.pdf",
        busy,
    )


def arrange(parent: QWidget, workspace: Workspace, client_id: int, key: str, say: Say) -> None:
    """One of the arrangement dialogs (not the hand-over); each refreshes every view when it saves."""
    if key == "log_call":
        conversation_dialog.log_call(workspace, parent, client_id)
    elif key == "promise":
        if promise_dialog.promise_to_pay(workspace, parent, client_id):
            say("Promise recorded: reminders for its invoices pause until then")
    elif key == "plan":
        if plan_dialog.agree_plan(workspace, parent, client_id) is not None:
            say("Payment plan agreed: its invoices are no longer chased")
    elif key == "credit":
        credit_dialog.edit_credit(workspace, parent, client_id)


def hand_over_to_collections(
    parent: QWidget, workspace: Workspace, client_id: int, name: str, say: Say, busy: Busy
) -> None:
    """Once confirmed, write the collection agency's pack into a chosen folder, in the background."""
    answer = QMessageBox.question(
        parent,
        "Hand over to collections",
        f"Hand {name} over to a collection agency?\n\nA pack (statement, copies of the open "
        "invoices, a CSV of open items and the timeline of contacts) is written into a folder "
        "you choose, and chasing stops for this client.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return
    folder = QFileDialog.getExistingDirectory(
        parent, "Where to write the hand-over pack", str(documents_folder())
    )
    if not folder:
        return
    remember_documents_folder(Path(folder))
    db, as_of = workspace.db, workspace.today()

    def done(pack: HandOverPack) -> None:
        busy(False)
        say(f"{name} handed over; the pack is in {pack.folder}")

    def write() -> HandOverPack:
        return hand_over(db, client_id, Path(folder), as_of)

    if run_write(
        parent, workspace, write, Change.CLIENTS | Change.TIMELINE, done=done, failed=lambda _: busy(False)
    ):
        busy(True)


def archive_or_unarchive(parent: QWidget, workspace: Workspace, detail: ClientDetail) -> None:
    """Unarchive at once; archive only when nothing blocks it and the user confirms."""
    if detail.archived:
        _set_archived(parent, workspace, detail.id, False)
        return
    if detail.archive_blocker:
        QMessageBox.information(
            parent, "Archive client", f"{detail.name} cannot be archived yet.\n\n{detail.archive_blocker}"
        )
        return
    answer = QMessageBox.question(
        parent,
        "Archive client",
        f"Archive {detail.name}?\n\nArchived clients are hidden from the client list unless "
        "Show archived is ticked. Their invoices, payments and notes are all kept, and you can "
        "unarchive them at any time.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    if answer == QMessageBox.StandardButton.Yes:
        _set_archived(parent, workspace, detail.id, True)


def _set_archived(parent: QWidget, workspace: Workspace, client_id: int, archived: bool) -> None:
    db = workspace.db
    run_write(parent, workspace, lambda: archive_client(db, client_id, archived), Change.CLIENTS)
