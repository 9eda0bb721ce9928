"""The Clients tab: the client list over the chosen client's detail, and the actions on a client.

The list (``client_list``) and the detail pane (``client_detail``) both load in the
background; while a load runs the tab shows a busy bar and stays usable. The list says
which client is chosen, and the tab loads that client into the pane.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QPushButton, QSplitter, QVBoxLayout, QWidget

from creditdesk.domain.errors import NotFoundError
from creditdesk.services.clients.overview import ClientDetail, client_detail
from creditdesk.ui.clients import (
    chasing_dialog,
    client_actions,
    client_dialog,
    note_dialog,
)
from creditdesk.ui.clients.client_actions import WORKFLOW_ACTIONS
from creditdesk.ui.clients.client_detail import ClientDetailPane
from creditdesk.ui.clients.client_list import ClientList
from creditdesk.ui.errors import show_error
from creditdesk.ui.views import FollowsChanges
from creditdesk.ui.workers import run_in_background
from creditdesk.ui.workspace import Change, Workspace


class ClientsTab(FollowsChanges, QWidget):
    """The client list over the selected client's detail."""

    loaded = Signal()  # after every finished background load of the list
    detail_loaded = Signal(int)  # after the detail pane has shown a freshly loaded client (its id)
    new_invoice_requested = Signal(int)  # client id
    record_payment_requested = Signal(int)  # client id
    open_invoice_requested = Signal(int)  # invoice id (double-click in open invoices or the timeline)
    status_message = Signal(str)  # a short note for the window's status bar

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._detail_running = False
        self._detail_pending: int | None = None

        self.client_list = ClientList(workspace, self)
        # The list's parts under the names the window, its saved state and the tests use.
        listing = self.client_list
        self.model, self.proxy, self.table_view = listing.model, listing.proxy, listing.table_view
        self.search_box, self.show_archived_box = listing.search_box, listing.show_archived_box
        self.busy, self.count_label, self.empty_label = listing.busy, listing.count_label, listing.empty_label
        self.new_client_button = QPushButton("New c&lient…")
        self.new_client_button.setToolTip("Add a client")
        listing.search_row.add_button(self.new_client_button)

        self.detail_pane = ClientDetailPane(workspace)
        self.detail_pane.clear()

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("clients_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table_view)
        self.splitter.addWidget(self.detail_pane)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([400, 500])

        layout = QVBoxLayout(self)
        layout.addWidget(listing.search_row)
        layout.addWidget(self.splitter, 1)
        self.setTabOrder(self.search_box, self.show_archived_box)
        self.setTabOrder(self.show_archived_box, self.new_client_button)
        self.setTabOrder(self.new_client_button, self.table_view)

        self.new_client_button.clicked.connect(self.on_new_client_clicked)
        listing.loaded.connect(self.on_list_loaded)
        listing.client_chosen.connect(self._load_detail)
        listing.client_activated.connect(self.on_list_client_activated)
        listing.menu_requested.connect(self.on_list_menu_requested)
        pane = self.detail_pane
        pane.edit_clicked.connect(self.on_edit_clicked)
        pane.note_clicked.connect(self.on_note_clicked)
        pane.archive_clicked.connect(self.on_archive_clicked)
        pane.new_invoice_clicked.connect(self.on_new_invoice_clicked)
        pane.record_payment_clicked.connect(self.on_record_payment_clicked)
        pane.statement_clicked.connect(self.preview_document)
        pane.letter_clicked.connect(self.on_letter_clicked)
        pane.chasing_clicked.connect(self.on_chasing_clicked)
        pane.workflow_requested.connect(self.on_workflow_requested)
        pane.invoice_activated.connect(self.open_invoice_requested)
        self.follow_changes(workspace, Change.EVERYTHING & ~(Change.SETTINGS | Change.BANK), self.reload)
        workspace.events.show_client.connect(self.select_client)

    # -- the list ------------------------------------------------------------------------------
    @property
    def has_loaded(self) -> bool:
        return self.client_list.has_loaded

    @property
    def client_id(self) -> int | None:
        """The client shown in the detail pane."""
        return self.client_list.client_id

    def reload(self) -> None:
        """Reload the list (and then the client shown) in the background, keeping search, sort and choice."""
        self.client_list.reload()

    def select_client(self, client_id: int) -> None:
        """Show this client: select its row (clearing a search that hides it) and load its detail."""
        self.client_list.select_client(client_id)

    def on_list_loaded(self) -> None:
        if self.client_id is not None:  # its figures may have changed with the list's
            self._load_detail(self.client_id)
        self.loaded.emit()

    # -- loading the detail --------------------------------------------------------------------
    def _load_detail(self, client_id: int) -> None:
        """One detail load at a time; while it runs, only the latest request is kept."""
        if self._detail_running:
            self._detail_pending = client_id
            return
        self._detail_running = True
        self.detail_pane.set_busy(True)
        db, as_of = self.workspace.db, self.workspace.today()
        run_in_background(
            self, lambda: client_detail(db, client_id, as_of), self._on_detail_loaded, self._on_detail_failed
        )

    def _next_detail(self) -> bool:
        self._detail_running = False
        pending, self._detail_pending = self._detail_pending, None
        if pending is not None:
            self._load_detail(pending)
            return True
        self.detail_pane.set_busy(False)
        return False

    def _on_detail_loaded(self, detail: ClientDetail) -> None:
        if self._next_detail() or detail.id != self.client_id:
            return  # a newer request is on its way
        self.detail_pane.show_detail(detail)
        self.detail_pane.show_risk(self.model.table.risk(detail.id))
        self.detail_loaded.emit(detail.id)

    def _on_detail_failed(self, exc: BaseException) -> None:
        if self._next_detail():
            return
        if isinstance(exc, NotFoundError):
            self.client_list.forget_client()
            self.detail_pane.clear(exc.message[0].upper() + exc.message[1:] + ".")
            return
        self.detail_pane.clear()
        show_error(self, exc)

    # -- actions -------------------------------------------------------------------------------
    def on_new_client_clicked(self) -> None:
        client_id = client_dialog.new_client(self.workspace, self)
        if client_id is not None:
            self.select_client(client_id)

    def on_list_client_activated(self, client_id: int) -> None:
        client_dialog.edit_client(self.workspace, self, client_id)

    def on_list_menu_requested(self, client_id: int, where: QPoint) -> None:
        client = self.client_list.client_row(client_id)
        archived = client is not None and client.archived
        menu = QMenu(self)
        actions: list[tuple[str, object]] = [
            ("Edit…", lambda: client_dialog.edit_client(self.workspace, self, client_id)),
            ("Log note…", lambda: note_dialog.log_note(self.workspace, self, client_id)),
            *((text, lambda k=key: self.workflow(k, client_id)) for key, text in WORKFLOW_ACTIONS.items()),
            ("New invoice…", lambda: self.new_invoice_requested.emit(client_id)),
            ("Record payment…", lambda: self.record_payment_requested.emit(client_id)),
            ("Statement…", lambda: self.statement_for(client_id)),
            ("Letter…", lambda: self.letter_for(client_id)),
            ("Chasing…", lambda: chasing_dialog.edit_chasing(self.workspace, self, client_id)),
        ]
        for text, slot in actions:
            action = QAction(text, menu)
            action.triggered.connect(slot)
            if text == "New invoice…":
                action.setEnabled(not archived)
            menu.addAction(action)
        menu.popup(where)

    def on_workflow_requested(self, key: str) -> None:
        if self.client_id is not None:
            self.workflow(key, self.client_id)

    def workflow(self, key: str, client_id: int) -> None:
        """The credit-control arrangements, the hand-over among them."""
        if key != "hand_over":
            client_actions.arrange(self, self.workspace, client_id, key, self.status_message.emit)
            return
        names = self._names(client_id)
        if names is not None:
            client_actions.hand_over_to_collections(
                self, self.workspace, client_id, names[1], self.status_message.emit, self.detail_pane.set_busy
            )

    def on_edit_clicked(self) -> None:
        if self.client_id is not None:
            client_dialog.edit_client(self.workspace, self, self.client_id)

    def on_note_clicked(self) -> None:
        if self.client_id is not None:
            note_dialog.log_note(self.workspace, self, self.client_id)

    def on_new_invoice_clicked(self) -> None:
        if self.client_id is not None:
            self.new_invoice_requested.emit(self.client_id)

    def on_record_payment_clicked(self) -> None:
        if self.client_id is not None:
            self.record_payment_requested.emit(self.client_id)

    def _names(self, client_id: int) -> tuple[str, str] | None:
        """(code, name) of a client in the list, or None if it is not there."""
        client = self.client_list.client_row(client_id)
        return None if client is None else (client.code, client.name)

    def preview_document(self) -> None:
        """A statement for the client shown (Ctrl+P)."""
        if self.client_id is None:
            self.status_message.emit("Select a client to preview a statement")
            return
        self.statement_for(self.client_id)

    def statement_for(self, client_id: int) -> None:
        names = self._names(client_id)
        if names is not None:
            client_actions.preview_statement(
                self, self.workspace, client_id, *names, self.detail_pane.set_busy
            )

    def on_chasing_clicked(self) -> None:
        if self.client_id is not None:
            chasing_dialog.edit_chasing(self.workspace, self, self.client_id)

    def on_letter_clicked(self) -> None:
        if self.client_id is not None:
            self.letter_for(self.client_id)

    def letter_for(self, client_id: int) -> None:
        names = self._names(client_id)
        if names is not None:
            client_actions.preview_letter(self, self.workspace, client_id, *names, self.detail_pane.set_busy)

    def on_archive_clicked(self) -> None:
        if self.detail_pane.detail is not None:
            client_actions.archive_or_unarchive(self, self.workspace, self.detail_pane.detail)
