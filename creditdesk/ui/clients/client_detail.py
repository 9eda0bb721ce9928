"""The Clients tab's detail pane: the selected client's figures, facts, open invoices and timeline."""

from __future__ import annotations

import html
from decimal import Decimal
from functools import partial

from babel.numbers import format_decimal, format_percent
from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.risk import RiskRating
from creditdesk.services.clients.overview import ClientDetail
from creditdesk.ui.clients.client_actions import WORKFLOW_ACTIONS
from creditdesk.ui.clients.client_widgets import Figure, WithEmptyText, row_table, scaled_font
from creditdesk.ui.clients.clients_model import (
    CREDIT_COLOUR,
    RISK_COLOURS,
    RISK_WORDS,
    OpenInvoicesModel,
    TimelineModel,
    days_text,
)
from creditdesk.ui.widgets import ID_ROLE, OVERDUE_COLOUR, QUIET_COLOUR
from creditdesk.ui.workspace import Workspace

ZERO = Decimal(0)
BUSY_DELAY_MS = 150  # a detail that loads faster than this never flashes a busy bar

# Badge colours: text always says what the badge means, the colour only draws the eye.
BADGES = {
    "On hold": ("#fde7e9", "#8c1d18"),
    "Over limit": ("#fde7e9", "#8c1d18"),
    "Do not chase": ("#fff4d6", "#6d4c00"),
    "Archived": ("#ececec", "#444444"),
}


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
        self.name_label.setFont(scaled_font(self, 1.45, bold=True))
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
        self.balance_figure = Figure("Balance")
        self.overdue_figure = Figure("Overdue")
        self.limit_figure = Figure("Credit limit")
        self.days_figure = Figure("Average days to pay")
        self.on_time_figure = Figure("Paid on time")
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
        self.invoices_view = row_table()
        self.invoices_view.setModel(self.invoices_model)
        self.invoices_view.doubleClicked.connect(self.on_invoices_view_double_clicked)
        self.timeline_model = TimelineModel(formats, self)
        self.timeline_view = row_table()
        self.timeline_view.setModel(self.timeline_model)
        self.timeline_view.horizontalHeader().setStretchLastSection(False)
        self.timeline_view.doubleClicked.connect(self.on_timeline_view_double_clicked)
        self._size_columns()
        self.tables = QTabWidget()
        self.tables.setDocumentMode(True)
        self.invoices_page = WithEmptyText(self.invoices_view)
        self.timeline_page = WithEmptyText(self.timeline_view)
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
            # One whole phrase per count, so that a translation can word each.
            of_due = "of 1 invoice due so far" if count == 1 else f"of {count:,} invoices due so far"
            self.on_time_figure.show_figure(
                str(format_percent(behaviour.paid_on_time_share, locale=fmt.locale)), of_due
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
