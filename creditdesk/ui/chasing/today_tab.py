"""The Today tab: what needs a person today, each row with its one-click actions.

The list is worked out in the background (it reads the reminder plan, which
takes a moment on a large company) and reloaded after every change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from creditdesk.services.chasing.today import TodayAction, TodayItem, today
from creditdesk.ui.chasing.today_model import KIND_LABELS, KIND_ORDER, TodayModel, arranged
from creditdesk.ui.clients import client_actions, conversation_dialog
from creditdesk.ui.loading import BackgroundLoad
from creditdesk.ui.views import FollowsChanges
from creditdesk.ui.widgets import QUIET_COLOUR
from creditdesk.ui.workspace import Change, Workspace

MAX_CLIENT_PX = 360
ACTION_TEXT = {
    TodayAction.LOG_CALL: "Log call…",
    TodayAction.OPEN_CLIENT: "Open client",
    TodayAction.SEND_STATEMENT: "Send statement…",
    TodayAction.OPEN_BANK: "Open the Bank tab",
}


class TodayTab(FollowsChanges, QWidget):
    loaded = Signal()
    count_changed = Signal(int)  # how many things need doing today, for the tab's title
    status_message = Signal(str)
    bank_requested = Signal()  # the bank line's action: show the Bank tab

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.items: list[TodayItem] = []
        self.has_loaded = False
        self._load = BackgroundLoad(
            self, self._start_load, self._on_loaded, failed=self._on_failed, busy=self._show_loading
        )

        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.kind_combo = QComboBox()
        self.kind_combo.setToolTip("Show one kind of task only")
        show_label = QLabel("Sho&w")
        show_label.setBuddy(self.kind_combo)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(100)
        self.busy.hide()
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.busy)
        top.addStretch(1)
        top.addWidget(show_label)
        top.addWidget(self.kind_combo)

        self.model = TodayModel(workspace.formats, self)
        self.table_view = QTableView()
        self.table_view.setModel(self.model)
        self.table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_view.setAlternatingRowColors(True)
        self.table_view.setWordWrap(False)
        self.table_view.verticalHeader().hide()
        self.table_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.table_view.horizontalHeader()
        header.setHighlightSections(False)
        width = self.fontMetrics().horizontalAdvance
        m = TodayModel
        header.resizeSection(m.KIND, width("Instalment missed") + 28)
        header.resizeSection(m.CLIENT, width("Crème de la Crème Patisserie (C0000)") + 20)
        header.resizeSection(m.SINCE, width("30 Sept 2026") + 24)
        header.resizeSection(m.ACTIONS, width("Log call…  ·  Open client  ·  Send statement…") + 24)
        header.setSectionResizeMode(m.DETAILS, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(f"color: {QUIET_COLOUR.name()}; font-size: 120%;")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table_view)
        self.pages.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)

        self.kind_combo.currentIndexChanged.connect(self._show)
        self.table_view.doubleClicked.connect(self.on_table_view_double_clicked)
        self.follow_changes(workspace, Change.EVERYTHING & ~Change.SETTINGS, self.reload, even_hidden=True)

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        self._load.request()

    def _start_load(self) -> Callable[[], list[TodayItem]]:
        if not self.has_loaded:
            self.heading.setText("Working out today's list…")
        db, as_of = self.workspace.db, self.workspace.today()
        return lambda: arranged(today(db, as_of))

    def _show_loading(self, loading: bool) -> None:
        self.busy.setVisible(loading)

    def _on_loaded(self, items: list[TodayItem]) -> None:
        self.has_loaded = True
        self.items = items
        self._fill_kinds()
        self._show()
        self.count_changed.emit(len(items))
        self.loaded.emit()

    def _on_failed(self, _: BaseException) -> None:
        self.heading.setText("Today's list could not be worked out")

    def _fill_kinds(self) -> None:
        chosen = self.kind_combo.currentData()
        counts = Counter(i.kind for i in self.items)
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        self.kind_combo.addItem(f"Everything ({len(self.items):,})", None)
        for kind in KIND_ORDER:
            if counts[kind]:
                self.kind_combo.addItem(f"{KIND_LABELS[kind]} ({counts[kind]:,})", kind.value)
        index = self.kind_combo.findData(chosen)
        self.kind_combo.setCurrentIndex(max(index, 0))
        self.kind_combo.blockSignals(False)

    def _show(self) -> None:
        chosen = self.kind_combo.currentData()
        shown = [i for i in self.items if chosen is None or i.kind.value == chosen]
        self.model.set_rows(shown)
        for row, item in enumerate(shown):
            self.table_view.setIndexWidget(self.model.index(row, TodayModel.ACTIONS), self._actions_for(item))
        if shown:  # names are the thing people scan for: show them whole, within reason
            self.table_view.resizeColumnToContents(TodayModel.CLIENT)
            header = self.table_view.horizontalHeader()
            header.resizeSection(
                TodayModel.CLIENT, min(header.sectionSize(TodayModel.CLIENT) + 12, MAX_CLIENT_PX)
            )
        day = self.workspace.formats.day(self.workspace.today())
        n = len(self.items)
        self.heading.setText(
            f"Today, {day}: {n:,} thing{'s' if n != 1 else ''} to do" if n else f"Today, {day}"
        )
        if shown:
            self.pages.setCurrentWidget(self.table_view)
        else:
            self.empty.setText(
                "Nothing needs you today: no follow-ups, promises or calls due, "
                "no disputes waiting and nobody over their limit."
            )
            self.pages.setCurrentWidget(self.empty)

    def _actions_for(self, item: TodayItem) -> QLabel:
        links = "  ·  ".join(f'<a href="{a.value}">{ACTION_TEXT[a]}</a>' for a in item.actions)
        label = QLabel(links)
        label.setContentsMargins(6, 0, 6, 0)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        label.linkActivated.connect(lambda href, it=item: self.act(it, TodayAction(href)))
        return label

    # -- actions -------------------------------------------------------------------------------
    def act(self, item: TodayItem, action: TodayAction) -> None:
        if action is TodayAction.OPEN_BANK or item.client_id is None:
            self.bank_requested.emit()
        elif action is TodayAction.LOG_CALL:
            if conversation_dialog.log_call(self.workspace, self, item.client_id, item.invoice_ids):
                self.status_message.emit(f"Logged for {item.client_name}")
        elif action is TodayAction.OPEN_CLIENT:
            self.workspace.events.show_client.emit(item.client_id)
        else:
            self.statement_for(item)

    def statement_for(self, item: TodayItem) -> None:
        assert item.client_id is not None  # only a client's line offers a statement
        client_actions.preview_statement(
            self, self.workspace, item.client_id, item.client_code, item.client_name
        )

    def on_table_view_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.act(self.model.item(index.row()), TodayAction.OPEN_CLIENT)
