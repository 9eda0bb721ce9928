"""The Clients tab's list: the search row, the table of clients, their loading and the client chosen.

The list is two widgets that the tab places, the search row above and the table in the
tab's splitter (so saved splitter sizes keep their meaning). It loads in the background,
keeps the search, the sort, the "Show archived" choice and the chosen client across
reloads, and tells the tab which client is chosen with ``client_chosen``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from creditdesk.services.clients.overview import ClientRow, client_rows
from creditdesk.services.clients.risk import client_risks
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
from creditdesk.ui.loading import BackgroundLoad
from creditdesk.ui.widgets import ID_ROLE, QUIET_COLOUR
from creditdesk.ui.workspace import Workspace


def count_line(shown: int, total: int, hidden: int) -> str:
    """The line beside the search: clients listed, how many of them the search shows, and how many
    archived ones are hidden. Each case is one whole string, the one for 1 client or the one for
    any other number, never a phrase with more added, so that a translation can word each case."""
    n, s, h = f"{total:,}", f"{shown:,}", f"{hidden:,}"
    if shown == total and not hidden:
        return "1 client" if total == 1 else f"{n} clients"
    if shown == total:
        return f"1 client ({h} archived, hidden)" if total == 1 else f"{n} clients ({h} archived, hidden)"
    if not hidden:
        return f"{s} of 1 client" if total == 1 else f"{s} of {n} clients"
    if total == 1:
        return f"{s} of 1 client ({h} archived, hidden)"
    return f"{s} of {n} clients ({h} archived, hidden)"


class ClientSearchRow(QWidget):
    """The row above the list: search, "Show archived", a busy bar and the count; buttons go last."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)  # sits in the tab's layout as a bare row did
        self._layout.addWidget(search_label)
        self._layout.addWidget(self.search_box)
        self._layout.addWidget(self.show_archived_box)
        self._layout.addSpacing(8)
        self._layout.addWidget(self.busy)
        self._layout.addWidget(self.count_label)
        self._layout.addStretch(1)

    def add_button(self, button: QPushButton) -> None:
        """A button at the row's right end, for what the tab does (such as adding a client)."""
        self._layout.addWidget(button)


class ClientList(QObject):
    """The clients with what they owe, filtered as typed; it owns which client is chosen."""

    loaded = Signal()  # after every finished background load
    client_chosen = Signal(int)  # a client to show: picked in the table or asked for by select_client()
    client_activated = Signal(int)  # a row double-clicked (its client's id)
    menu_requested = Signal(int, QPoint)  # a row right-clicked: its client's id and the global position

    def __init__(self, workspace: Workspace, parent: QWidget) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model = ClientsModel(workspace.formats, self)
        self.proxy = ClientsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.has_loaded = False
        self._client_id: int | None = None
        self._reveal_pending = False  # select_client() came before the list was there
        self._restoring = False

        self.search_row = ClientSearchRow()
        self.search_box = self.search_row.search_box
        self.show_archived_box = self.search_row.show_archived_box
        self.count_label = self.search_row.count_label
        self.busy = self.search_row.busy

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

        # The table answers for the loads: it is the list's widget that lives as long as the list.
        self._load = BackgroundLoad(
            self.table_view,
            self._start_load,
            self._on_loaded,
            failed=self._on_failed,
            busy=self._show_loading,
        )
        self.reload_timer = QTimer(self)
        self.reload_timer.setSingleShot(True)
        self.reload_timer.setInterval(0)  # both change signals of one action give one load
        self.reload_timer.timeout.connect(self._load.request)

        self.search_box.textChanged.connect(self.on_search_box_text_changed)
        self.show_archived_box.toggled.connect(self.on_show_archived_box_toggled)
        self.table_view.selectionModel().currentRowChanged.connect(self.on_table_current_row_changed)
        self.table_view.doubleClicked.connect(self.on_table_double_clicked)
        self.table_view.customContextMenuRequested.connect(self.on_table_context_menu)
        self.proxy.layoutChanged.connect(self._update_count)

    def _size_columns(self) -> None:
        metrics = self.table_view.fontMetrics()
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

    # -- loading -------------------------------------------------------------------------------
    @property
    def client_id(self) -> int | None:
        """The client chosen, whether or not its row is shown."""
        return self._client_id

    def client_row(self, client_id: int) -> ClientRow | None:
        """A client as the last load listed it, or None if it was not there."""
        row = self.model.row_of(client_id)
        return None if row is None else self.model.client(row)

    def reload(self) -> None:
        """Reload in the background, keeping search, sort and the client chosen."""
        self.reload_timer.start()

    def _start_load(self) -> Callable[[], ClientTable]:
        workspace, as_of = self.workspace, self.workspace.today()
        return lambda: build_table(
            client_rows(workspace.db, as_of, lambda: workspace.aging(as_of)),
            client_risks(workspace.db, as_of),
        )

    def _show_loading(self, loading: bool) -> None:
        self.busy.setVisible(loading)
        if loading and not self.has_loaded:
            self.count_label.setText("Loading clients…")

    def _on_loaded(self, table: ClientTable) -> None:
        self.has_loaded = True
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
        self.loaded.emit()

    def _on_failed(self, _: BaseException) -> None:
        self._update_count()  # the line says what the last load found; the error follows

    def _update_count(self) -> None:
        if not self.has_loaded:
            return
        archived = sum(1 for r in self.model.table.rows if r.archived)
        hidden = 0 if self.proxy.show_archived else archived
        shown = self.proxy.rowCount()
        self.count_label.setText(count_line(shown, self.model.rowCount() - hidden, hidden))
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
        """Choose this client: select its row (clearing a search that hides it) and say so."""
        self._client_id = client_id
        if not self.has_loaded or self.model.row_of(client_id) is None:
            # Not in the list yet (first load running, or added a moment ago): after the next load.
            self._reveal_pending = True
            if self.has_loaded:
                self.reload()
        else:
            self._reveal(client_id)
            self._select_row_of(client_id)
        self.client_chosen.emit(client_id)

    def forget_client(self) -> None:
        """Nothing is chosen any more (the client has gone); its row, if any, goes with the next load."""
        self._client_id = None

    def _choose(self, client_id: int) -> None:
        if client_id != self._client_id:
            self._client_id = client_id
            self.client_chosen.emit(client_id)

    def _reveal(self, client_id: int) -> None:
        client = self.client_row(client_id)
        if client is None:
            return
        if client.archived and not self.show_archived_box.isChecked():
            self.show_archived_box.setChecked(True)
        row = self.model.row_of(client_id)
        assert row is not None
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
        if isinstance(client_id, int):
            self._choose(client_id)

    def on_table_double_clicked(self, index: QModelIndex) -> None:
        client_id = index.data(ID_ROLE)
        if isinstance(client_id, int):
            self.client_activated.emit(client_id)

    def on_table_context_menu(self, pos: QPoint) -> None:
        index = self.table_view.indexAt(pos)
        client_id = index.data(ID_ROLE) if index.isValid() else None
        if isinstance(client_id, int):
            self._choose(client_id)  # the menu acts on this client, so the detail shows it
            self.menu_requested.emit(client_id, self.table_view.viewport().mapToGlobal(pos))

    # -- filtering -----------------------------------------------------------------------------
    def on_search_box_text_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._select_row_of(self._client_id)
        self._update_count()

    def on_show_archived_box_toggled(self, checked: bool) -> None:
        self.proxy.set_show_archived(checked)
        self._select_row_of(self._client_id)
        self._update_count()
