"""The Clients tab: every client with what they owe, and the selected client in detail.

The list and the detail pane both load in the background (``run_in_background``);
while a load runs the tab shows a busy bar and stays usable. A reload keeps the
search, the sort, the "Show archived" choice and the client shown.
"""

from __future__ import annotations

import html
from decimal import Decimal
from functools import partial
from pathlib import Path

from babel.numbers import format_decimal, format_percent
from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import NotFoundError
from creditdesk.domain.risk import RiskRating
from creditdesk.services.chasing.collection_handover import HandOverPack, hand_over
from creditdesk.services.chasing.demand_letters import letter_pdf
from creditdesk.services.clients.overview import ClientDetail, client_detail, client_rows
from creditdesk.services.clients.records import archive_client
from creditdesk.services.clients.risk import client_risks
from creditdesk.services.reports.invoice_print import safe_file_part
from creditdesk.services.reports.statements import statement_file_name, statement_pdf
from creditdesk.ui.arrangements import plan_dialog, promise_dialog
from creditdesk.ui.clients import (
    chasing_dialog,
    client_dialog,
    conversation_dialog,
    credit_dialog,
    note_dialog,
)
from creditdesk.ui.clients.clients_model import (
    BALANCE,
    CODE,
    CONTACT,
    CREDIT_COLOUR,
    LIMIT,
    NAME,
    OLDEST,
    OVERDUE,
    RISK,
    RISK_COLOURS,
    RISK_WORDS,
    STATUS,
    TERMS,
    USED,
    ClientsModel,
    ClientsProxy,
    ClientTable,
    OpenInvoicesModel,
    TimelineModel,
    build_table,
    days_text,
)
from creditdesk.ui.errors import show_error
from creditdesk.ui.pdf_preview import preview_pdf
from creditdesk.ui.reports.statement_dialog import LETTER_TITLES, LetterDialog, StatementDialog
from creditdesk.ui.views import FollowsChanges
from creditdesk.ui.widgets import ID_ROLE, OVERDUE_COLOUR, QUIET_COLOUR
from creditdesk.ui.workers import run_in_background
from creditdesk.ui.workspace import Change, Workspace

ZERO = Decimal(0)
WORKFLOW_ACTIONS = {
    "log_call": "Log call or conversation…",
    "promise": "Promise to pay…",
    "plan": "Payment plan…",
    "credit": "Credit limit and hold…",
    "hand_over": "Hand over to collections…",
}
BUSY_DELAY_MS = 150  # a detail that loads faster than this never flashes a busy bar

# Badge colours: text always says what the badge means, the colour only draws the eye.
BADGES = {
    "On hold": ("#fde7e9", "#8c1d18"),
    "Over limit": ("#fde7e9", "#8c1d18"),
    "Do not chase": ("#fff4d6", "#6d4c00"),
    "Archived": ("#ececec", "#444444"),
}


def _table(parent: QWidget | None = None) -> QTableView:
    view = QTableView(parent)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


class _Figure(QFrame):
    """A headline figure of the detail pane: a caption, the figure and a line under it."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figure")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.caption = QLabel(caption)
        self.caption.setStyleSheet(f"color: {QUIET_COLOUR.name()};")
        self.value = QLabel()
        self.value.setFont(_scaled_font(self, 1.35, bold=True))
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel()
        self.note.setStyleSheet(f"color: {QUIET_COLOUR.name()};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(1)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.note)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_figure(self, value: str, note: str = "", *, colour: str | None = None) -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"color: {colour};" if colour else "")
        self.note.setText(note)


class _WithEmptyText(QStackedWidget):
    """A table, or a quiet sentence in its place when it has nothing to show."""

    def __init__(self, view: QTableView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(f"color: {QUIET_COLOUR.name()};")
        self.addWidget(view)
        self.addWidget(self.empty)

    def show_empty_text(self, text: str | None) -> None:
        self.empty.setText(text or "")
        self.setCurrentWidget(self.view if text is None else self.empty)


class ClientDetailPane(QWidget):
    """The selected client: headline figures, contact and terms, open invoices and the timeline."""

    edit_clicked = Signal()
    archive_clicked = Signal()
    note_clicked = Signal()
    new_invoice_clicked = Signal()
    record_payment_clicked = Signal()
    statement_clicked = Signal()
    letter_clicked = Signal()
    chasing_clicked = Signal()
    invoice_activated = Signal(int)
    workflow_requested = Signal(str)  # one of WORKFLOW_ACTIONS' keys

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.detail: ClientDetail | None = None

        # Nothing chosen yet (or the client has gone).
        self.placeholder = QLabel("Select a client to see their account, open invoices and history.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet(f"color: {QUIET_COLOUR.name()};")

        # Header: who, flags, and what can be done.
        self.name_label = QLabel()
        self.name_label.setFont(_scaled_font(self, 1.45, bold=True))
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label = QLabel()
        self.code_label.setStyleSheet(f"color: {QUIET_COLOUR.name()};")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badges: dict[str, QLabel] = {}
        for text, (background, colour) in BADGES.items():
            badge = QLabel(text)
            badge.setStyleSheet(
                f"background: {background}; color: {colour}; border: 1px solid {colour};"
                "border-radius: 4px; padding: 1px 6px; font-weight: bold;"
            )
            badge.hide()
            self.badges[text] = badge
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(90)
        self.busy.hide()
        self.busy_timer = QTimer(self)
        self.busy_timer.setSingleShot(True)
        self.busy_timer.setInterval(BUSY_DELAY_MS)
        self.busy_timer.timeout.connect(self.busy.show)

        self.edit_button = QPushButton("E&dit…")
        self.edit_button.setToolTip("Change the client's details, terms, credit limit and flags")
        self.note_button = QPushButton("Log &note…")
        self.note_button.setToolTip("Write down a call, a promise or anything agreed")
        self.archive_button = QPushButton("A&rchive…")
        self.new_invoice_button = QPushButton("New inv&oice…")
        self.payment_button = QPushButton("Record &payment…")
        self.payment_button.setToolTip("Record money received from this client")
        self.statement_button = QPushButton("State&ment…")
        self.statement_button.setToolTip("Preview a statement of account to print or save (Ctrl+P)")
        self.letter_button = QPushButton("Le&tter…")
        self.letter_button.setToolTip("Preview a reminder or final demand for what is overdue")
        self.chasing_button = QPushButton("C&hasing…")
        self.chasing_button.setToolTip(
            "This client's reminder schedule, do-not-chase, and where late invoices start"
        )
        self.arrange_button = QPushButton("Arran&gements")
        self.arrange_button.setToolTip(
            "Log a call, record a promise, agree a payment plan, set the credit limit or hold, hand over"
        )
        arrange_menu = QMenu(self.arrange_button)
        for key, text in WORKFLOW_ACTIONS.items():
            arrange_menu.addAction(text, partial(self.workflow_requested.emit, key))
        self.arrange_button.setMenu(arrange_menu)

        title_row = QHBoxLayout()
        title_row.setSpacing(8)
        title_row.addWidget(self.name_label)
        title_row.addWidget(self.code_label)
        for badge in self.badges.values():
            title_row.addWidget(badge)
        title_row.addWidget(self.busy)
        title_row.addStretch(1)
        for button in (self.edit_button, self.note_button, self.archive_button):
            title_row.addWidget(button)
        title_row.addSpacing(12)
        title_row.addWidget(self.new_invoice_button)
        title_row.addWidget(self.payment_button)

        # Headline figures.
        self.balance_figure = _Figure("Balance")
        self.overdue_figure = _Figure("Overdue")
        self.limit_figure = _Figure("Credit limit")
        self.days_figure = _Figure("Average days to pay")
        self.on_time_figure = _Figure("Paid on time")
        self.days_figure.setToolTip(
            "Days from invoice to payment, weighted by the amounts paid (credit notes left out)"
        )
        self.on_time_figure.setToolTip(
            "Invoices settled by their due date, of those settled or already past due"
        )
        figures = QHBoxLayout()
        figures.setSpacing(8)
        for figure in (
            self.balance_figure,
            self.overdue_figure,
            self.limit_figure,
            self.days_figure,
            self.on_time_figure,
        ):
            figures.addWidget(figure)

        # Contact and terms.
        self.contact_value = self._value_label()
        self.email_value = self._value_label()
        self.email_value.setOpenExternalLinks(True)
        self.email_value.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.phone_value = self._value_label()
        self.address_value = self._value_label()
        self.terms_value = self._value_label()
        self.last_contact_value = self._value_label()
        self.risk_value = self._value_label()
        self.notes_value = self._value_label()
        facts = QWidget()
        form = QFormLayout(facts)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(5)
        form.setContentsMargins(0, 0, 6, 0)
        for caption, label in (
            ("Contact", self.contact_value),
            ("Email", self.email_value),
            ("Phone", self.phone_value),
            ("Address", self.address_value),
            ("Terms", self.terms_value),
            ("Last contact", self.last_contact_value),
            ("Risk", self.risk_value),
            ("Notes", self.notes_value),
        ):
            title = QLabel(caption)
            title.setStyleSheet(f"color: {QUIET_COLOUR.name()};")
            form.addRow(title, label)
        facts_scroll = QScrollArea()
        facts_scroll.setWidget(facts)
        facts_scroll.setWidgetResizable(True)
        facts_scroll.setFrameShape(QFrame.Shape.NoFrame)
        facts_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        facts_scroll.setMinimumWidth(350)
        facts_scroll.setMaximumWidth(420)

        # Open invoices and timeline.
        formats = workspace.formats
        self.invoices_model = OpenInvoicesModel(formats, self)
        self.invoices_view = _table()
        self.invoices_view.setModel(self.invoices_model)
        self.invoices_view.doubleClicked.connect(self.on_invoices_view_double_clicked)
        self.timeline_model = TimelineModel(formats, self)
        self.timeline_view = _table()
        self.timeline_view.setModel(self.timeline_model)
        self.timeline_view.horizontalHeader().setStretchLastSection(False)
        self.timeline_view.doubleClicked.connect(self.on_timeline_view_double_clicked)
        self._size_columns()
        self.tables = QTabWidget()
        self.tables.setDocumentMode(True)
        self.invoices_page = _WithEmptyText(self.invoices_view)
        self.timeline_page = _WithEmptyText(self.timeline_view)
        self.tables.addTab(self.invoices_page, "Open invoices")
        self.tables.addTab(self.timeline_page, "Timeline")
        # Documents about the account sit over its invoices, leaving the title row room for long names.
        documents = QWidget()
        documents_row = QHBoxLayout(documents)
        documents_row.setContentsMargins(0, 0, 0, 4)
        documents_row.addWidget(self.statement_button)
        documents_row.addWidget(self.letter_button)
        documents_row.addWidget(self.chasing_button)
        self.tables.setCornerWidget(documents, Qt.Corner.TopRightCorner)

        # Arrangements sit under the facts: the rows above have no room left at 900 pixels.
        facts_column = QVBoxLayout()
        facts_column.setSpacing(6)
        facts_column.addWidget(facts_scroll, 1)
        arrange_row = QHBoxLayout()
        arrange_row.addWidget(self.arrange_button)
        arrange_row.addStretch(1)
        facts_column.addLayout(arrange_row)
        body = QHBoxLayout()
        body.setSpacing(12)
        body.addLayout(facts_column)
        body.addWidget(self.tables, 1)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(8)
        content_layout.addLayout(title_row)
        content_layout.addLayout(figures)
        content_layout.addLayout(body, 1)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.placeholder)
        self.pages.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 0)
        layout.addWidget(self.pages)

        self.edit_button.clicked.connect(self.edit_clicked)
        self.note_button.clicked.connect(self.note_clicked)
        self.archive_button.clicked.connect(self.archive_clicked)
        self.new_invoice_button.clicked.connect(self.new_invoice_clicked)
        self.payment_button.clicked.connect(self.record_payment_clicked)
        self.statement_button.clicked.connect(self.statement_clicked)
        self.letter_button.clicked.connect(self.letter_clicked)
        self.chasing_button.clicked.connect(self.chasing_clicked)

    def _value_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return label

    def _size_columns(self) -> None:
        metrics = self.fontMetrics()

        def width(text: str) -> int:
            return metrics.horizontalAdvance(text) + 24

        day = width("30 Sept 2026")
        amount = width("0,000,000.00 (GBP)")
        inv = self.invoices_view.horizontalHeader()
        m = OpenInvoicesModel
        for column, size in (
            (m.NUMBER, width("INV-000000")),
            (m.ISSUED, day),
            (m.DUE, day),
            (m.REFERENCE, width("PO-000000")),
            (m.AMOUNT, amount),
            (m.OPEN, amount),
        ):
            inv.resizeSection(column, size)
        line = self.timeline_view.horizontalHeader()
        t = TimelineModel
        line.resizeSection(t.DAY, day)
        line.resizeSection(t.EVENT, width("Credit note CN-00000"))
        line.resizeSection(t.AMOUNT, amount)
        line.setSectionResizeMode(t.DETAILS, QHeaderView.ResizeMode.Stretch)

    # -- showing -------------------------------------------------------------------------------
    def clear(self, message: str | None = None) -> None:
        self.detail = None
        self.set_busy(False)
        self.placeholder.setText(
            message or "Select a client to see their account, open invoices and history."
        )
        self.invoices_model.set_rows(())
        self.timeline_model.set_rows(())
        self.pages.setCurrentIndex(0)

    def set_busy(self, busy: bool) -> None:
        if busy:
            if not self.busy.isVisible() and not self.busy_timer.isActive():
                self.busy_timer.start()
        else:
            self.busy_timer.stop()
            self.busy.hide()

    def show_detail(self, detail: ClientDetail) -> None:
        fmt = self.workspace.formats
        same_client = self.detail is not None and self.detail.id == detail.id
        self.detail = detail
        self.pages.setCurrentIndex(1)
        self.name_label.setText(detail.name)
        self.code_label.setText(detail.code)
        self.badges["On hold"].setVisible(detail.on_hold)
        self.badges["Do not chase"].setVisible(detail.do_not_chase)
        self.badges["Archived"].setVisible(detail.archived)
        self.badges["Over limit"].setVisible(detail.over_limit)

        # Balance.
        if detail.balance < ZERO:
            self.balance_figure.show_figure(
                fmt.money(detail.balance), "in credit", colour=CREDIT_COLOUR.name()
            )
        else:
            note = f"{fmt.money(detail.on_account)} on account" if detail.on_account > ZERO else "owed today"
            self.balance_figure.show_figure(fmt.money(detail.balance), note)
        # Overdue.
        if detail.overdue > ZERO:
            oldest = max((i.days_overdue for i in detail.open_invoices), default=0)
            self.overdue_figure.show_figure(
                fmt.money(detail.overdue),
                f"oldest {days_text(oldest)} past due",
                colour=OVERDUE_COLOUR.name(),
            )
        else:
            self.overdue_figure.show_figure(fmt.money(ZERO), "nothing overdue")
        # Credit limit.
        if detail.credit_limit is None:
            self.limit_figure.show_figure("No limit", f"{fmt.money(detail.credit_used)} in use")
        elif detail.over_limit:
            assert detail.credit_remaining is not None
            self.limit_figure.show_figure(
                fmt.money(detail.credit_limit),
                f"over the limit by {fmt.money(-detail.credit_remaining)}",
                colour=OVERDUE_COLOUR.name(),
            )
        else:
            assert detail.credit_remaining is not None
            used = (
                "none"
                if detail.credit_usage is None
                else str(format_percent(detail.credit_usage, locale=fmt.locale))
            )
            self.limit_figure.show_figure(
                fmt.money(detail.credit_limit), f"{used} used, {fmt.money(detail.credit_remaining)} left"
            )
        # Behaviour.
        behaviour = detail.behaviour
        if behaviour.average_days_to_pay is None:
            self.days_figure.show_figure("—", "no payments yet")
        else:
            days = format_decimal(behaviour.average_days_to_pay, format="#,##0.0", locale=fmt.locale)
            self.days_figure.show_figure(f"{days} days", f"terms: {detail.terms.lower()}")
        if behaviour.paid_on_time_share is None:
            self.on_time_figure.show_figure("—", "nothing due yet")
        else:
            count = behaviour.invoices_considered
            self.on_time_figure.show_figure(
                str(format_percent(behaviour.paid_on_time_share, locale=fmt.locale)),
                f"of {count:,} invoice{'s' if count != 1 else ''} due so far",
            )

        # Facts.
        dash = "—"
        self.contact_value.setText(detail.contact_name or dash)
        if detail.email:
            address = html.escape(detail.email, quote=True)
            self.email_value.setText(f'<a href="mailto:{address}">{address}</a>')
        else:
            self.email_value.setText("None on file: reminders cannot be e-mailed")
        self.phone_value.setText(detail.phone or dash)
        self.address_value.setText(detail.address or dash)
        self.terms_value.setText(detail.terms)
        self.last_contact_value.setText(
            fmt.day(detail.last_contact) if detail.last_contact else "No note or call logged yet"
        )
        self.notes_value.setText(detail.notes or dash)

        # Buttons.
        self.archive_button.setText("&Unarchive" if detail.archived else "A&rchive…")
        self.archive_button.setToolTip(
            "Show the client in the list again"
            if detail.archived
            else detail.archive_blocker or "Hide the client from the list; nothing is deleted"
        )
        self.new_invoice_button.setEnabled(not detail.archived)
        self.new_invoice_button.setToolTip(
            "Unarchive the client to invoice them" if detail.archived else "Raise an invoice for this client"
        )

        # Tables.
        self.invoices_model.set_rows(detail.open_invoices)
        self.timeline_model.set_rows(detail.timeline)
        self.invoices_page.show_empty_text(
            None
            if detail.open_invoices
            else "Nothing is owed: every invoice is paid."
            if detail.timeline
            else "No invoices yet."
        )
        self.timeline_page.show_empty_text(
            None if detail.timeline else "Nothing has happened with this client yet."
        )
        self.tables.setTabText(0, f"Open invoices ({len(detail.open_invoices):,})")
        self.tables.setTabText(1, f"Timeline ({len(detail.timeline):,})")
        if not same_client:
            self.invoices_view.scrollToTop()
            self.timeline_view.scrollToTop()

    def show_risk(self, rating: RiskRating | None) -> None:
        """The reasons behind the rating, listed: a rating nobody can explain is not trusted."""
        if rating is None:
            self.risk_value.setText("—")
            return
        colour = RISK_COLOURS[rating.level].name()
        reasons = "".join(f"<br>• {html.escape(reason)}" for reason in rating.reasons)
        self.risk_value.setText(f"<b style='color:{colour}'>{RISK_WORDS[rating.level]}</b>{reasons}")

    # -- slots ---------------------------------------------------------------------------------
    def on_invoices_view_double_clicked(self, index: QModelIndex) -> None:
        invoice_id = index.data(ID_ROLE)
        if isinstance(invoice_id, int):
            self.invoice_activated.emit(invoice_id)

    def on_timeline_view_double_clicked(self, index: QModelIndex) -> None:
        invoice_id = index.data(ID_ROLE)
        if isinstance(invoice_id, int):
            self.invoice_activated.emit(invoice_id)


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
        self.table_view = _table()
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
        """The credit-control arrangements; each dialog refreshes every view when it saves."""
        w = self.workspace
        if key == "log_call":
            conversation_dialog.log_call(w, self, client_id)
        elif key == "promise":
            if promise_dialog.promise_to_pay(w, self, client_id):
                self.status_message.emit("Promise recorded: reminders for its invoices pause until then")
        elif key == "plan":
            if plan_dialog.agree_plan(w, self, client_id) is not None:
                self.status_message.emit("Payment plan agreed: its invoices are no longer chased")
        elif key == "credit":
            credit_dialog.edit_credit(w, self, client_id)
        elif key == "hand_over":
            self.hand_over(client_id)

    def hand_over(self, client_id: int) -> None:
        names = self._names(client_id)
        if names is None:
            return
        name = names[1]
        answer = QMessageBox.question(
            self,
            "Hand over to collections",
            f"Hand {name} over to a collection agency?\n\nA pack (statement, copies of the open "
            "invoices, a CSV of open items and the timeline of contacts) is written into a folder "
            "you choose, and chasing stops for this client.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        folder = QFileDialog.getExistingDirectory(self, "Where to write the hand-over pack")
        if not folder:
            return
        db, as_of = self.workspace.db, self.workspace.today()
        self.detail_pane.set_busy(True)

        def done(pack: HandOverPack) -> None:
            self.detail_pane.set_busy(False)
            self.status_message.emit(f"{name} handed over; the pack is in {pack.folder}")
            self.workspace.changed(Change.CLIENTS | Change.TIMELINE)

        def failed(exc: BaseException) -> None:
            self.detail_pane.set_busy(False)
            show_error(self, exc)

        run_in_background(self, lambda: hand_over(db, client_id, Path(folder), as_of), done, failed)

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
        if names is None:
            return
        code, name = names
        dialog = StatementDialog(self.workspace, name, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            request = dialog.request()
        finally:
            dialog.deleteLater()
        db = self.workspace.db
        preview_pdf(
            self,
            lambda: statement_pdf(db, client_id, request),
            f"Statement — {name}",
            statement_file_name(code, request.statement_date),
            self.detail_pane.set_busy,
        )

    def on_chasing_clicked(self) -> None:
        if self._client_id is not None:
            chasing_dialog.edit_chasing(self.workspace, self, self._client_id)

    def on_letter_clicked(self) -> None:
        if self._client_id is not None:
            self.letter_for(self._client_id)

    def letter_for(self, client_id: int) -> None:
        names = self._names(client_id)
        if names is None:
            return
        code, name = names
        dialog = LetterDialog(self.workspace, name, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            kind, as_of = dialog.kind, dialog.letter_date
        finally:
            dialog.deleteLater()
        db = self.workspace.db
        title = LETTER_TITLES[kind]
        preview_pdf(
            self,
            lambda: letter_pdf(db, client_id, as_of, kind),
            f"{title} — {name}",
            f"{title} {safe_file_part(code)} {as_of.isoformat()}.pdf",
            self.detail_pane.set_busy,
        )

    def on_archive_clicked(self) -> None:
        detail = self.detail_pane.detail
        if detail is None:
            return
        if detail.archived:
            self._set_archived(detail.id, False)
            return
        if detail.archive_blocker:
            QMessageBox.information(
                self, "Archive client", f"{detail.name} cannot be archived yet.\n\n{detail.archive_blocker}"
            )
            return
        answer = QMessageBox.question(
            self,
            "Archive client",
            f"Archive {detail.name}?\n\nArchived clients are hidden from the client list unless "
            "Show archived is ticked. Their invoices, payments and notes are all kept, and you can "
            "unarchive them at any time.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._set_archived(detail.id, True)

    def _set_archived(self, client_id: int, archived: bool) -> None:
        try:
            archive_client(self.workspace.db, client_id, archived)
        except Exception as exc:  # shown to the user; a crash report for anything unexpected
            show_error(self, exc)
            return
        self.workspace.changed(Change.CLIENTS)
