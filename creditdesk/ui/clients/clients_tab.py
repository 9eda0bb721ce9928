"""The Clients tab: every client with what they owe, and the selected client in detail.

The list and the detail pane both load in the background (``run_in_background``);
while a load runs the tab shows a busy bar and stays usable. A reload keeps the
search, the sort, the "Show archived" choice and the client shown.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import NotFoundError
from creditdesk.services.clients.overview import ClientDetail, client_detail, client_rows
from creditdesk.services.clients.risk import client_risks
from creditdesk.ui.clients import (
    chasing_dialog,
    client_actions,
    client_dialog,
    note_dialog,
)
from creditdesk.ui.clients.client_actions import WORKFLOW_ACTIONS
from creditdesk.ui.clients.client_detail import ClientDetailPane
from creditdesk.ui.clients.client_widgets import row_table
from creditdesk.ui.clients.clients_model import (
    BALANCE,
    CODE,
    CONTACT,
    LIMIT,
    NAME,
    OLDEST,
    OVERDUE,
    RISK,
    STATUS,
    TERMS,
    USED,
    ClientsModel,
    ClientsProxy,
    ClientTable,
    build_table,
)
from creditdesk.ui.errors import show_error
from creditdesk.ui.views import FollowsChanges
from creditdesk.ui.widgets import ID_ROLE, QUIET_COLOUR
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
        self.model = ClientsModel(workspace.formats, self)
        self.proxy = ClientsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.has_loaded = False
        self._client_id: int | None = None  # the client shown in the detail pane
        self._reveal_pending = False  # select_client() came before the list was there
        self._running = False
        self._pending = False
        self._detail_running = False
        self._detail_pending: int | None = None
        self._restoring = False

        # Search row.
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search by code, name or e-mail")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip("Shows clients whose code, name or e-mail contain every word typed")
        self.search_box.setMinimumWidth(280)
        # Mnemonics avoid the window's menus (F, E, V, H) and tabs (C, I, A).
        search_label = QLabel("&Search")
        search_label.setBuddy(self.search_box)
        self.show_archived_box = QCheckBox("Sho&w archived")
        self.show_archived_box.setToolTip("List archived clients too (greyed, marked Archived)")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(120)
        self.busy.hide()
        self.count_label = QLabel()
        self.count_label.setStyleSheet(f"color: {QUIET_COLOUR.name()};")
        self.new_client_button = QPushButton("New c&lient…")
        self.new_client_button.setToolTip("Add a client")
        controls = QHBoxLayout()
        controls.addWidget(search_label)
        controls.addWidget(self.search_box)
        controls.addWidget(self.show_archived_box)
        controls.addSpacing(8)
        controls.addWidget(self.busy)
        controls.addWidget(self.count_label)
        controls.addStretch(1)
        controls.addWidget(self.new_client_button)

        # The list.
        self.table_view = row_table()
        self.table_view.setModel(self.proxy)
        self.table_view.setSortingEnabled(True)
        self.table_view.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.table_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._size_columns()
        self.empty_label = QLabel(self.table_view.viewport())
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(f"color: {QUIET_COLOUR.name()};")
        self.empty_label.hide()
        self.table_view.viewport().installEventFilter(self)
        self.search_box.installEventFilter(self)

        # The detail.
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
        layout.addLayout(controls)
        layout.addWidget(self.splitter, 1)
        self.setTabOrder(self.search_box, self.show_archived_box)
        self.setTabOrder(self.show_archived_box, self.new_client_button)
        self.setTabOrder(self.new_client_button, self.table_view)

        self.reload_timer = QTimer(self)
        self.reload_timer.setSingleShot(True)
        self.reload_timer.setInterval(0)  # both change signals of one action give one load
        self.reload_timer.timeout.connect(self._start_load)

        self.search_box.textChanged.connect(self.on_search_box_text_changed)
        self.show_archived_box.toggled.connect(self.on_show_archived_box_toggled)
        self.new_client_button.clicked.connect(self.on_new_client_clicked)
        self.table_view.selectionModel().currentRowChanged.connect(self.on_table_current_row_changed)
        self.table_view.doubleClicked.connect(self.on_table_double_clicked)
        self.table_view.customContextMenuRequested.connect(self.on_table_context_menu)
        self.proxy.layoutChanged.connect(self._update_count)
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
        events = workspace.events
        self.follow_changes(workspace, Change.EVERYTHING & ~Change.SETTINGS, self.reload)
        events.show_client.connect(self.select_client)

    def _size_columns(self) -> None:
        metrics = self.fontMetrics()
        header = self.table_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        currency = self.workspace.company.currency

        def width(text: str) -> int:
            return metrics.horizontalAdvance(text) + 26  # room for the sort arrow

        amount = "000,000.00"
        for column, sample in (
            (CODE, "C00000"),
            (NAME, "Crème de la Crème Patisserie L"),
            (BALANCE, max(f"Balance ({currency})", amount, key=len)),
            (OVERDUE, max(f"Overdue ({currency})", amount, key=len)),
            (OLDEST, "Oldest overdue"),
            (LIMIT, max(f"Limit ({currency})", amount, key=len)),
            (USED, "Limit used"),
            (TERMS, "30 days after end of mo"),
            (CONTACT, "30 Sept 2026"),
            (RISK, "Medium"),
        ):
            header.resizeSection(column, width(sample))
        header.resizeSection(STATUS, width("Do not chase"))  # the last column takes the rest

    # -- loading the list ----------------------------------------------------------------------
    @property
    def client_id(self) -> int | None:
        """The client shown in the detail pane."""
        return self._client_id

    def reload(self) -> None:
        """Reload the list (and the client shown) in the background, keeping search, sort and choice."""
        self.reload_timer.start()

    def _start_load(self) -> None:
        if self._running:
            self._pending = True
            return
        self._running = True
        self.busy.show()
        if not self.has_loaded:
            self.count_label.setText("Loading clients…")
        workspace, as_of = self.workspace, self.workspace.today()
        run_in_background(
            self,
            lambda: build_table(
                client_rows(workspace.db, as_of, lambda: workspace.aging(as_of)),
                client_risks(workspace.db, as_of),
            ),
            self._on_list_loaded,
            self._on_list_failed,
        )

    def _on_list_loaded(self, table: ClientTable) -> None:
        self._running = False
        self.has_loaded = True
        self.busy.hide()
        self._restoring = True
        try:
            self.model.set_table(table)
            if self._reveal_pending and self._client_id is not None:
                self._reveal(self._client_id)
            self._reveal_pending = False
            self._select_row_of(self._client_id)
        finally:
            self._restoring = False
        self._update_count()
        if self._client_id is not None:
            self._load_detail(self._client_id)
        self.loaded.emit()
        if self._pending:
            self._pending = False
            self._start_load()

    def _on_list_failed(self, exc: BaseException) -> None:
        self._running = False
        self.busy.hide()
        self._update_count()
        show_error(self, exc)
        if self._pending:
            self._pending = False
            self._start_load()

    def _update_count(self) -> None:
        if not self.has_loaded:
            return
        archived = sum(1 for r in self.model.table.rows if r.archived)
        total = self.model.rowCount() - (0 if self.proxy.show_archived else archived)
        shown = self.proxy.rowCount()
        noun = "client" if total == 1 else "clients"
        text = f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun}"
        if archived and not self.proxy.show_archived:
            text += f" ({archived:,} archived, hidden)"
        self.count_label.setText(text)
        if shown:
            self.empty_label.hide()
            return
        if self.search_box.text().strip():
            self.empty_label.setText(f"No client matches “{self.search_box.text().strip()}”.")
        elif self.model.rowCount():
            self.empty_label.setText("Every client is archived. Tick Show archived to see them.")
        else:
            self.empty_label.setText("No clients yet. Add your first one with New client…")
        self._place_empty_label()
        self.empty_label.show()

    def _place_empty_label(self) -> None:
        viewport = self.table_view.viewport()
        self.empty_label.setGeometry(20, 20, max(0, viewport.width() - 40), max(0, viewport.height() - 40))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table_view.viewport() and event.type() == QEvent.Type.Resize:
            self._place_empty_label()
        elif watched is self.search_box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down and self.proxy.rowCount():
                self.table_view.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.table_view.selectionModel().hasSelection():
                    self.table_view.selectRow(0)
                return True
            if event.key() == Qt.Key.Key_Escape and self.search_box.text():
                self.search_box.clear()
                return True
        return super().eventFilter(watched, event)

    # -- choosing a client ---------------------------------------------------------------------
    def select_client(self, client_id: int) -> None:
        """Show this client: select its row (clearing a search that hides it) and load its detail."""
        self._client_id = client_id
        if not self.has_loaded or self.model.row_of(client_id) is None:
            # Not in the list yet (first load running, or added a moment ago): after the next load.
            self._reveal_pending = True
            if self.has_loaded:
                self.reload()
            self._load_detail(client_id)
            return
        self._reveal(client_id)
        self._select_row_of(client_id)
        self._load_detail(client_id)

    def _reveal(self, client_id: int) -> None:
        row = self.model.row_of(client_id)
        if row is None:
            return
        client = self.model.client(row)
        if client.archived and not self.show_archived_box.isChecked():
            self.show_archived_box.setChecked(True)
        if not self.proxy.accepts(client, self.model.search_key(row)):
            self.search_box.clear()

    def _select_row_of(self, client_id: int | None) -> None:
        row = None if client_id is None else self.model.row_of(client_id)
        selection = self.table_view.selectionModel()
        if row is None:
            selection.clear()
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # hidden by the search or the archived filter
            selection.clear()
            return
        was = self._restoring
        self._restoring = True
        try:
            selection.setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._restoring = was
        self.table_view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def on_table_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._restoring or not current.isValid():
            return
        client_id = current.data(ID_ROLE)
        if isinstance(client_id, int) and client_id != self._client_id:
            self._client_id = client_id
            self._load_detail(client_id)

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
        if self._next_detail() or detail.id != self._client_id:
            return  # a newer request is on its way
        self.detail_pane.show_detail(detail)
        self.detail_pane.show_risk(self.model.table.risk(detail.id))
        self.detail_loaded.emit(detail.id)

    def _on_detail_failed(self, exc: BaseException) -> None:
        if self._next_detail():
            return
        if isinstance(exc, NotFoundError):
            self._client_id = None
            self.detail_pane.clear(exc.message[0].upper() + exc.message[1:] + ".")
            return
        self.detail_pane.clear()
        show_error(self, exc)

    # -- filtering -----------------------------------------------------------------------------
    def on_search_box_text_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._select_row_of(self._client_id)
        self._update_count()

    def on_show_archived_box_toggled(self, checked: bool) -> None:
        self.proxy.set_show_archived(checked)
        self._select_row_of(self._client_id)
        self._update_count()

    # -- actions -------------------------------------------------------------------------------
    def on_new_client_clicked(self) -> None:
        client_id = client_dialog.new_client(self.workspace, self)
        if client_id is not None:
            self.select_client(client_id)

    def on_table_double_clicked(self, index: QModelIndex) -> None:
        client_id = index.data(ID_ROLE)
        if isinstance(client_id, int):
            client_dialog.edit_client(self.workspace, self, client_id)

    def on_table_context_menu(self, pos: QPoint) -> None:
        index = self.table_view.indexAt(pos)
        if not index.isValid():
            return
        client_id = index.data(ID_ROLE)
        if not isinstance(client_id, int):
            return
        if client_id != self._client_id:
            self._client_id = client_id
            self._load_detail(client_id)
        archived = self.model.client(self.model.row_of(client_id) or 0).archived
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
        menu.popup(self.table_view.viewport().mapToGlobal(pos))

    def on_workflow_requested(self, key: str) -> None:
        if self._client_id is not None:
            self.workflow(key, self._client_id)

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
        if self._client_id is not None:
            client_dialog.edit_client(self.workspace, self, self._client_id)

    def on_note_clicked(self) -> None:
        if self._client_id is not None:
            note_dialog.log_note(self.workspace, self, self._client_id)

    def on_new_invoice_clicked(self) -> None:
        if self._client_id is not None:
            self.new_invoice_requested.emit(self._client_id)

    def on_record_payment_clicked(self) -> None:
        if self._client_id is not None:
            self.record_payment_requested.emit(self._client_id)

    def _names(self, client_id: int) -> tuple[str, str] | None:
        """(code, name) of a client in the list, or None if it is not there."""
        row = self.model.row_of(client_id)
        if row is None:
            return None
        client = self.model.client(row)
        return client.code, client.name

    def preview_document(self) -> None:
        """A statement for the client shown (Ctrl+P)."""
        if self._client_id is None:
            self.status_message.emit("Select a client to preview a statement")
            return
        self.statement_for(self._client_id)

    def statement_for(self, client_id: int) -> None:
        names = self._names(client_id)
        if names is not None:
            client_actions.preview_statement(
                self, self.workspace, client_id, *names, self.detail_pane.set_busy
            )

    def on_chasing_clicked(self) -> None:
        if self._client_id is not None:
            chasing_dialog.edit_chasing(self.workspace, self, self._client_id)

    def on_letter_clicked(self) -> None:
        if self._client_id is not None:
            self.letter_for(self._client_id)

    def letter_for(self, client_id: int) -> None:
        names = self._names(client_id)
        if names is not None:
            client_actions.preview_letter(self, self.workspace, client_id, *names, self.detail_pane.set_busy)

    def on_archive_clicked(self) -> None:
        if self.detail_pane.detail is not None:
            client_actions.archive_or_unarchive(self, self.workspace, self.detail_pane.detail)
