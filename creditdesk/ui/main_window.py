"""The main window: Clients, Invoices, Aging, Outbox, Today and Bank tabs, menus, toolbar and the money
in the status bar."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from creditdesk import __version__
from creditdesk.services.company.company_file import ChangeWatcher
from creditdesk.services.company.settings import get_company
from creditdesk.services.reports.aging import CompanyFigures, company_figures
from creditdesk.ui.arrangements import disputes_dialog
from creditdesk.ui.bank import statement_dialog
from creditdesk.ui.bank.bank_tab import BankTab
from creditdesk.ui.chasing import mail_account_dialog as smtp_dialog
from creditdesk.ui.chasing import schedule_dialog
from creditdesk.ui.chasing.outbox_tab import OutboxTab
from creditdesk.ui.chasing.today_tab import TodayTab
from creditdesk.ui.clients import client_dialog
from creditdesk.ui.clients.clients_tab import ClientsTab
from creditdesk.ui.company import backup_dialog, company_dialog, import_wizard
from creditdesk.ui.errors import show_error
from creditdesk.ui.ledger import credit_note_dialog, interest_dialog, invoice_dialog, payment_dialog
from creditdesk.ui.ledger.invoices_tab import InvoicesTab
from creditdesk.ui.reports import batch_dialog
from creditdesk.ui.reports.aging_tab import AgingTab
from creditdesk.ui.views import FollowsChanges
from creditdesk.ui.workers import run_in_background
from creditdesk.ui.workspace import AGING_INPUTS, Workspace

# The Bank tab comes last, beside Today whose bank line leads to it: the tabs people know keep their
# places and their Ctrl+1 to Ctrl+5.
CLIENTS, INVOICES, AGING, OUTBOX, TODAY, BANK = 0, 1, 2, 3, 4, 5
TODAY_TITLE = "Toda&y"
# How often the window asks whether the books were changed elsewhere (a window or a command).
CHANGE_POLL_MS = 3000
BANK_TITLE = "&Bank"


class MainWindow(FollowsChanges, QMainWindow):
    """One open company file. File actions are handed to the application, which owns the files."""

    new_file_requested = Signal()
    open_file_requested = Signal()
    open_recent_requested = Signal(str)
    connect_server_requested = Signal()
    open_path_requested = Signal(str)  # switch to this file (a restored backup)
    figures_shown = Signal()  # the status bar has caught up with the ledger
    closing = Signal()

    def __init__(self, workspace: Workspace, recent_files: Callable[[], list[str]] | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.recent_files = recent_files or (lambda: [])
        self.setWindowTitle(f"{workspace.company.name} — CreditDesk")
        self.setMinimumSize(900, 560)

        self.clients_tab = ClientsTab(workspace)
        self.invoices_tab = InvoicesTab(workspace)
        self.aging_tab = AgingTab(workspace)
        self.outbox_tab = OutboxTab(workspace)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.clients_tab, "&Clients")
        self.tabs.addTab(self.invoices_tab, "&Invoices")
        self.tabs.addTab(self.aging_tab, "&Aging")
        self.tabs.addTab(self.outbox_tab, "&Outbox")
        self.today_tab = TodayTab(workspace)
        self.tabs.addTab(self.today_tab, TODAY_TITLE)
        self.bank_tab = BankTab(workspace)
        self.tabs.addTab(self.bank_tab, BANK_TITLE)
        self.setCentralWidget(self.tabs)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()

        events = workspace.events
        self.follow_changes(workspace, AGING_INPUTS, self.refresh_figures)
        events.show_client.connect(self.on_show_client)
        self.clients_tab.new_invoice_requested.connect(self.on_new_invoice_for_client)
        self.clients_tab.record_payment_requested.connect(self.on_record_payment_for_client)
        self.aging_tab.status_message.connect(self.show_message)
        self.invoices_tab.status_message.connect(self.show_message)
        self.clients_tab.status_message.connect(self.show_message)
        self.outbox_tab.status_message.connect(self.show_message)
        self.outbox_tab.waiting_changed.connect(self.on_outbox_tab_waiting_changed)
        self.today_tab.status_message.connect(self.show_message)
        self.today_tab.count_changed.connect(self.on_today_tab_count_changed)
        self.today_tab.bank_requested.connect(self.on_today_tab_bank_requested)
        self.bank_tab.status_message.connect(self.show_message)
        self.bank_tab.waiting_changed.connect(self.on_bank_tab_waiting_changed)
        self.bank_tab.import_requested.connect(self.on_import_bank_statement)
        self.tabs.currentChanged.connect(self.on_tabs_current_changed)
        self._aging_loaded = False
        self._load_later: list[ClientsTab | InvoicesTab] = []

    # -- building ------------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip or text.replace('&', '').rstrip('…')}" + (f" ({keys})" if keys else ""))
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.new_invoice_action = a(
            "New &invoice…", self.on_new_invoice, "Ctrl+N", "Raise an invoice for a client"
        )
        self.record_payment_action = a(
            "&Record payment…",
            self.on_record_payment,
            "Ctrl+R",
            "Record money received and apply it to invoices",
        )
        self.new_client_action = a("New c&lient…", self.on_new_client, "Ctrl+Shift+N", "Add a client")
        self.credit_note_action = a(
            "&Credit note…", self.on_credit_note, None, "Credit a client against an invoice or on account"
        )
        self.allocate_action = a(
            "&Allocate money on account…",
            self.on_allocate,
            None,
            "Apply money received earlier to open invoices",
        )
        self.find_action = a("&Find", self.on_find, QKeySequence.StandardKey.Find, "Search the current list")
        self.refresh_action = a(
            "&Refresh",
            self.on_refresh,
            QKeySequence.StandardKey.Refresh,
            "Reload every list from the company file",
        )
        self.new_file_action = a(
            "&New company file…", self.new_file_requested.emit, None, "Start the books of another company"
        )
        self.open_file_action = a(
            "&Open…",
            self.open_file_requested.emit,
            QKeySequence.StandardKey.Open,
            "Open another company file",
        )
        self.connect_server_action = a(
            self.tr("Connect to an office &server…"),
            self.connect_server_requested.emit,
            None,
            self.tr("Open books kept in a PostgreSQL database that several computers share"),
        )
        self.backup_action = a(
            "&Back up now…", self.on_backup, None, "Save a copy of this company file in its backups folder"
        )
        self.restore_action = a(
            "Restore from bac&kup…", self.on_restore, None, "Restore a backup into a new company file"
        )
        self.company_settings_action = a(
            "&Company settings…",
            self.on_company_settings,
            None,
            "Your letterhead, bank details and the look of printed documents",
        )
        self.import_invoices_action = a(
            self.tr("&Import invoices…"),
            partial(self.on_import, "invoices"),
            None,
            self.tr("Bring in the open invoices of your accounting system from its export"),
        )
        self.import_clients_action = a(
            self.tr("Import c&lients…"),
            partial(self.on_import, "clients"),
            None,
            self.tr("Bring in your customers from your accounting system's contact export or a spreadsheet"),
        )
        self.import_payments_action = a(
            self.tr("Import pa&yments…"),
            partial(self.on_import, "payments"),
            None,
            self.tr("Record payments received from a file and apply them to invoices"),
        )
        self.import_bank_action = a(
            self.tr("Import bank stat&ement…"),
            self.on_import_bank_statement,
            None,
            self.tr("Read the bank's statement file and apply the payments it proves"),
        )
        self.print_preview_action = a(
            "&Print preview…",
            self.on_print_preview,
            QKeySequence.StandardKey.Print,
            "Preview the selected invoice, the client's statement or the aged debtors report",
        )
        self.batch_statements_action = a(
            "Batch s&tatements…",
            self.on_batch_statements,
            None,
            "Write a statement for every client with a balance, ready to print and post",
        )
        self.email_settings_action = a(
            "&Email account…",
            self.on_email_settings,
            None,
            "The mail server and address reminders are sent from",
        )
        self.schedules_action = a(
            "&Chasing schedules…",
            self.on_chasing_schedules,
            None,
            "When reminders go out and what they say",
        )
        self.disputes_action = a(
            "Open &disputes…",
            self.on_disputes,
            None,
            "Every invoice in dispute with its age, ready to resolve",
        )
        self.interest_action = a(
            "Late-payment &interest…",
            self.on_interest_settings,
            None,
            "Interest policy, base rates, clients' own policies and interest invoices",
        )
        self.quit_action = a("&Quit", self.close, QKeySequence.StandardKey.Quit, "Close CreditDesk")
        self.about_action = a("&About CreditDesk", self.on_about)
        self.tab_actions = [
            a(
                name,
                partial(self.tabs.setCurrentIndex, i),
                f"Ctrl+{i + 1}",
                f"Show the {name.replace('&', '')} tab",
            )
            for i, name in enumerate(("&Clients", "&Invoices", "&Aging", "&Outbox", TODAY_TITLE, BANK_TITLE))
        ]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.new_file_action)
        file_menu.addAction(self.open_file_action)
        file_menu.addAction(self.connect_server_action)
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.company_settings_action)
        file_menu.addAction(self.import_invoices_action)
        file_menu.addAction(self.import_clients_action)
        file_menu.addAction(self.import_payments_action)
        file_menu.addAction(self.import_bank_action)
        file_menu.addSeparator()
        file_menu.addAction(self.print_preview_action)
        file_menu.addAction(self.batch_statements_action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        for action in (
            self.new_invoice_action,
            self.record_payment_action,
            self.credit_note_action,
            self.allocate_action,
        ):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.new_client_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        view_menu = bar.addMenu("&View")
        for action in self.tab_actions:
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.disputes_action)
        view_menu.addAction(self.refresh_action)
        settings_menu = bar.addMenu("&Settings")
        settings_menu.addAction(self.email_settings_action)
        settings_menu.addAction(self.schedules_action)
        settings_menu.addAction(self.interest_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = self.addToolBar("Everyday actions")
        toolbar.setObjectName("everyday")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.new_invoice_action)
        toolbar.addAction(self.record_payment_action)
        toolbar.addAction(self.new_client_action)

    def _build_status_bar(self) -> None:
        self.outstanding_label = QLabel()
        self.overdue_label = QLabel()
        self.dso_label = QLabel()
        for label, tip in (
            (self.outstanding_label, "Everything clients owe today, less money on account"),
            (self.overdue_label, "The part of it past its due date"),
            (self.dso_label, "Days sales outstanding: what is owed, in days of the last 90 days' sales"),
        ):
            label.setToolTip(tip)
            label.setContentsMargins(8, 0, 8, 0)
            self.statusBar().addPermanentWidget(label)
        self.outstanding_label.setText("Working out totals…")

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = [p for p in self.recent_files() if p != self.workspace.db.shown]
        for path in paths:
            action = self.recent_menu.addAction(path if "://" in path else Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_recent_requested.emit(p))
        if not paths:
            self.recent_menu.addAction("No other company files yet").setEnabled(False)

    # -- loading -------------------------------------------------------------------------------
    def load(self) -> None:
        """First fill of the visible tab and the status bar, all in the background."""
        # The visible tab first: on two cores, loading everything at once makes every part late.
        tabs: list[ClientsTab | InvoicesTab] = [self.clients_tab, self.invoices_tab]
        tabs.sort(key=lambda tab: tab is not self.tabs.currentWidget())
        first, self._load_later = tabs[0], tabs[1:]
        first.loaded.connect(self._load_the_rest)
        self.refresh_figures()  # starts today's aging, which the client list shares
        first.reload()
        self.outbox_tab.reload()  # a small read; its count belongs in the tab's title from the start
        self.today_tab.reload()  # its count too: the day's work should be visible from any tab
        self.bank_tab.reload()  # and the bank payments waiting, for the same reason
        if self.tabs.currentIndex() == AGING:  # otherwise the aging waits until it is first shown
            self._load_aging()

    def _load_the_rest(self) -> None:
        later, self._load_later = self._load_later, []
        for tab in later:
            tab.reload()

    def _load_aging(self) -> None:
        if not self._aging_loaded:
            self._aging_loaded = True
            self.aging_tab.reload()

    def refresh_figures(self) -> None:
        workspace, today = self.workspace, self.workspace.today()
        run_in_background(
            self,
            lambda: company_figures(workspace.db, today, workspace.aging(today)),
            self._show_figures,
            self._figures_failed,
        )

    def _show_figures(self, figures: CompanyFigures) -> None:
        fmt = self.workspace.formats
        self.outstanding_label.setText(f"Outstanding {fmt.money(figures.outstanding)}")
        overdue = fmt.money(figures.overdue)
        self.overdue_label.setText(
            f"<span style='color:#b3261e'><b>Overdue {overdue}</b></span>"
            if figures.overdue > 0
            else f"Overdue {overdue}"
        )
        self.dso_label.setText("DSO —" if figures.dso is None else f"DSO {figures.dso} days")
        self.figures_shown.emit()

    def _figures_failed(self, exc: BaseException) -> None:
        self.outstanding_label.setText("Totals unavailable")
        show_error(self, exc)

    # -- slots ---------------------------------------------------------------------------------
    def on_tabs_current_changed(self, index: int) -> None:
        if index == AGING:
            self._load_aging()

    def on_today_tab_count_changed(self, count: int) -> None:
        self.tabs.setTabText(TODAY, f"{TODAY_TITLE} ({count:,})" if count else TODAY_TITLE)
        self.tabs.setTabToolTip(TODAY, f"{count:,} things need you today (Ctrl+5)" if count else "")

    def on_today_tab_bank_requested(self) -> None:
        self.tabs.setCurrentIndex(BANK)

    def on_bank_tab_waiting_changed(self, waiting: int) -> None:
        self.tabs.setTabText(BANK, f"{BANK_TITLE} ({waiting:,})" if waiting else BANK_TITLE)
        if waiting == 1:
            tip = "1 bank payment is waiting for you (Ctrl+6)"
        elif waiting:
            tip = f"{waiting:,} bank payments are waiting for you (Ctrl+6)"
        else:
            tip = ""
        self.tabs.setTabToolTip(BANK, tip)

    def on_outbox_tab_waiting_changed(self, waiting: int) -> None:
        self.tabs.setTabText(OUTBOX, f"&Outbox ({waiting:,})" if waiting else "&Outbox")
        self.tabs.setTabToolTip(
            OUTBOX, f"{waiting:,} reminders waiting: drafts to review, approved, or failed" if waiting else ""
        )

    def on_new_invoice(self) -> None:
        invoice_dialog.new_invoice(self.workspace, self)

    def on_new_invoice_for_client(self, client_id: int) -> None:
        invoice_dialog.new_invoice(self.workspace, self, client_id)

    def on_record_payment(self) -> None:
        payment_dialog.record_payment(self.workspace, self)

    def on_record_payment_for_client(self, client_id: int) -> None:
        payment_dialog.record_payment(self.workspace, self, client_id)

    def on_credit_note(self) -> None:
        credit_note_dialog.new_credit_note(self.workspace, self)

    def on_allocate(self) -> None:
        payment_dialog.allocate_on_account(self.workspace, self)

    def on_new_client(self) -> None:
        client_dialog.new_client(self.workspace, self)

    def on_show_client(self, client_id: int) -> None:
        self.tabs.setCurrentIndex(CLIENTS)
        self.clients_tab.select_client(client_id)

    def on_find(self) -> None:
        box = getattr(self.tabs.currentWidget(), "search_box", None)
        if box is not None:
            box.setFocus(Qt.FocusReason.ShortcutFocusReason)
            box.selectAll()

    def on_company_settings(self) -> None:
        if company_dialog.edit_company(self.workspace, self):
            # The name may have changed; currency and locale are not edited there.
            self.workspace.company = get_company(self.workspace.db)
            self.setWindowTitle(f"{self.workspace.company.name} — CreditDesk")
            self.show_message("Company settings saved")

    def on_import(self, kind: str) -> None:
        done = import_wizard.import_file(kind, self.workspace, self)
        if done:
            self.show_message(done)

    def on_import_bank_statement(self) -> None:
        summary = statement_dialog.import_bank_file(self.workspace, self)
        if summary is not None:
            self.show_message(self.tr("The bank statement {file} was imported.").format(file=summary.file))

    def on_email_settings(self) -> None:
        message = smtp_dialog.edit_smtp(self.workspace, self)
        if message:
            self.show_message(message)

    def on_chasing_schedules(self) -> None:
        schedule_dialog.edit_schedules(self.workspace, self)

    def on_disputes(self) -> None:
        disputes_dialog.show_disputes(self.workspace, self)

    def on_interest_settings(self) -> None:
        interest_dialog.edit_interest(self.workspace, self)

    def on_print_preview(self) -> None:
        """Ctrl+P: the document that goes with what the current tab shows."""
        tab = self.tabs.currentWidget()
        if isinstance(tab, ClientsTab | InvoicesTab | AgingTab | OutboxTab):
            tab.preview_document()

    def on_batch_statements(self) -> None:
        batch_dialog.batch_statements(self.workspace, self)

    def on_refresh(self) -> None:
        self.workspace.refresh()

    def watch_for_changes(self) -> None:
        """Reread what is shown when another program or computer changes the books."""
        self.workspace.watcher = ChangeWatcher(self.workspace.db)
        self._change_timer = QTimer(self)
        self._change_timer.setInterval(CHANGE_POLL_MS)
        self._change_timer.timeout.connect(self.on_change_timer_timeout)
        self._change_timer.start()

    def on_change_timer_timeout(self) -> None:
        watcher = self.workspace.watcher
        if watcher is not None and watcher.changed():
            self.workspace.refresh()
            self.show_message(self.tr("The books were changed elsewhere; the lists are up to date again."))

    def on_backup(self) -> None:
        backup_dialog.back_up_now(self.workspace, self)

    def on_restore(self) -> None:
        restored = backup_dialog.restore_from_backup(self.workspace, self)
        if restored is not None:
            self.open_path_requested.emit(str(restored))

    def on_about(self) -> None:
        QMessageBox.about(
            self,
            "About CreditDesk",
            f"<h3>CreditDesk {__version__}</h3>"
            "<p>Credit control for small businesses: clear terms, friendly reminders and "
            "aged debts you can trust.</p>"
            f"<p>Company file:<br><code>{self.workspace.db.path}</code></p>",
        )

    def show_message(self, text: str, timeout_ms: int = 6000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    # -- window state --------------------------------------------------------------------------
    def splitters_and_headers(self) -> dict[str, QWidget]:
        return {
            "clients/splitter": self.clients_tab.splitter,
            "clients/header": self.clients_tab.table_view.horizontalHeader(),
            "invoices/header": self.invoices_tab.table_view.horizontalHeader(),
            "aging/splitter": self.aging_tab.splitter,
            "outbox/header": self.outbox_tab.table_view.horizontalHeader(),
            "bank/header": self.bank_tab.table_view.horizontalHeader(),
        }

    def restore_state(self, settings: QSettings) -> None:
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            screen = QApplication.primaryScreen().availableGeometry()
            self.resize(min(1280, screen.width()), min(800, screen.height()))
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        for key, widget in self.splitters_and_headers().items():
            value = settings.value(key)
            if isinstance(value, QByteArray):
                widget.restoreState(value)  # type: ignore[attr-defined]
        tab = settings.value("window/tab", 0)
        self.tabs.setCurrentIndex(int(tab) if isinstance(tab, (int, str)) and str(tab).isdigit() else 0)

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/tab", self.tabs.currentIndex())
        for key, widget in self.splitters_and_headers().items():
            settings.setValue(key, widget.saveState())  # type: ignore[attr-defined]

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state(QSettings())
        watcher, self.workspace.watcher = self.workspace.watcher, None
        if watcher is not None:
            self._change_timer.stop()
            watcher.close()
        self.closing.emit()
        super().closeEvent(event)
