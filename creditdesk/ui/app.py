"""The application: which company file is open, one window per file, and the file lock."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from platformdirs import user_log_path
from PySide6.QtCore import QEvent, QEventLoop, QLockFile, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QFileOpenEvent, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog, QWidget

from creditdesk.domain.errors import CreditDeskError, DatabaseError
from creditdesk.private_files import ensure_private_file, private_folder
from creditdesk.resources import resource_path
from creditdesk.services.company.backups import automatic_backup, closing_backup
from creditdesk.services.company.company_file import Database, open_database
from creditdesk.services.company.demo import generate_demo
from creditdesk.services.company.locations import APP_NAME, BooksPlace, default_database_path
from creditdesk.services.company.server_login import is_address, open_server_books
from creditdesk.services.company.settings import create_company, get_company
from creditdesk.ui.company.server_dialog import ask_server_address, ask_server_password
from creditdesk.ui.errors import install_crash_handler, show_error
from creditdesk.ui.main_window import MainWindow
from creditdesk.ui.welcome import Choice, WelcomeDialog
from creditdesk.ui.workers import run_in_background, wait_for_background_work
from creditdesk.ui.workspace import Workspace

FILE_FILTER = "CreditDesk company files (*.sqlite);;All files (*)"
MAX_RECENT = 8
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
BACKUP_WARNING_MS = 30000
log = logging.getLogger("creditdesk")


def demo_database_path() -> Path:
    return default_database_path().with_name("Demo company.sqlite")


class CompanyLocked(DatabaseError):
    pass


def app_icon() -> QIcon:
    """The icon from its PNG sizes: the frozen build leaves QtSvg out, so the SVG would not load."""
    icon = QIcon()
    for size in ICON_SIZES:
        try:
            icon.addFile(str(resource_path("icons", f"creditdesk-{size}.png")))
        except FileNotFoundError:
            log.warning("the %d px app icon is missing", size)
    return icon


def backup_failure(exc: BaseException) -> str:
    if isinstance(exc, CreditDeskError):
        return exc.message.rstrip(".")
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__


class DeskApplication(QApplication):
    """Hands on macOS's "open this file" (a double-clicked company file, or one dropped on the Dock)."""

    file_open_requested = Signal(str)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent) and event.file():
            self.file_open_requested.emit(event.file())
            return True
        return super().event(event)


class Application(QObject):
    """Owns the open file (its lock and database) and the window showing it."""

    daily_backup_finished = Signal(object)  # the new copy's Path; None (one today already) or the error

    def __init__(self, today: Callable[[], date] = date.today) -> None:
        super().__init__()
        self.today = today
        self.window: MainWindow | None = None
        self.lock: QLockFile | None = None
        self.db: Database | None = None
        QApplication.setWindowIcon(app_icon())  # every window and dialog, the welcome included

    # -- choosing a file -----------------------------------------------------------------------
    def start(self, explicit: BooksPlace | None, *, demo_first: bool = False) -> bool:
        """Open the books asked for, else the last ones, else the default file, else welcome the user."""
        settings = QSettings()
        last = str(settings.value("files/last") or "")
        if isinstance(explicit, str):
            return self.open_server(explicit) or self.welcome()
        if explicit is None and is_address(last) and self.open_server(last):
            return True
        for candidate in (explicit, Path(last) if last else None, default_database_path()):
            if candidate is not None and candidate.is_file():
                return self.open_path(candidate)
            if candidate is explicit and explicit is not None:
                break  # a named file that does not exist yet: offer to create it
        if demo_first:
            return self.open_demo()
        return self.welcome(explicit)

    def welcome(self, target: Path | None = None) -> bool:
        dialog = WelcomeDialog()
        if dialog.exec() != WelcomeDialog.DialogCode.Accepted or dialog.choice is None:
            return False
        if dialog.choice is Choice.OPEN:
            return self.ask_open()
        if dialog.choice is Choice.SERVER:
            return self.ask_server()
        if dialog.choice is Choice.DEMO:
            return self.open_demo()
        return self.create(target, dialog.company_name, dialog.currency, dialog.locale_code)

    def ask_open(self, parent: QWidget | None = None) -> bool:
        start = str(default_database_path().parent)
        name, _ = QFileDialog.getOpenFileName(parent, "Open a company file", start, FILE_FILTER)
        return bool(name) and self.open_path(Path(name))

    def ask_server(self, parent: QWidget | None = None) -> bool:
        last = str(QSettings().value("files/last") or "")
        address = ask_server_address(parent, last if is_address(last) else "")
        return address is not None and self.open_server(address)

    def ask_new(self, parent: QWidget | None = None) -> bool:
        dialog = WelcomeDialog(parent)
        dialog.open_button.hide()
        dialog.demo_button.hide()
        if dialog.exec() != WelcomeDialog.DialogCode.Accepted:
            return False
        suggested = str(default_database_path().with_name(f"{dialog.company_name}.sqlite"))
        name, _ = QFileDialog.getSaveFileName(parent, "Save the new company file as", suggested, FILE_FILTER)
        if not name:
            return False
        return self.create(Path(name), dialog.company_name, dialog.currency, dialog.locale_code)

    def create(self, target: Path | None, name: str, currency: str, locale: str) -> bool:
        path = target or default_database_path()
        if path.exists():
            show_error(
                None, DatabaseError(f"{path} already exists; open it instead, or choose another name.")
            )
            return False
        db = open_database(path, create=True)
        try:
            create_company(db, name, currency, locale)
        except CreditDeskError as exc:
            db.close()
            path.unlink(missing_ok=True)
            show_error(None, exc)
            return False
        db.close()
        return self.open_path(path)

    def open_demo(self) -> bool:
        """Open the demo company, building it first (in the background) if needed."""
        path = demo_database_path()
        if path.is_file():
            return self.open_path(path)
        progress = QProgressDialog("Setting up the demo company…", "", 0, 0)
        progress.setCancelButton(None)
        progress.setWindowTitle("CreditDesk")
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.show()
        outcome: list[bool] = []
        loop = QEventLoop()
        as_of = self.today()

        def build() -> None:
            db = open_database(path, create=True)
            try:
                generate_demo(db, as_of=as_of)
            finally:
                db.close()

        def done(_: object) -> None:
            progress.close()
            outcome.append(self.open_path(path))
            loop.quit()

        def failed(exc: BaseException) -> None:
            progress.close()
            path.unlink(missing_ok=True)
            show_error(None, exc)
            outcome.append(False)
            loop.quit()

        run_in_background(self, build, done, failed)
        loop.exec()  # the window keeps painting while the demo is built
        return outcome[0]

    # -- opening -------------------------------------------------------------------------------
    def open_path(self, path: Path) -> bool:
        """Lock, open (upgrading if needed) and show ``path``; the current file stays open on failure."""
        path = path.resolve()
        if self.db is not None and self.db.path.resolve() == path:
            return True
        lock = QLockFile(str(path) + ".lock")
        if not lock.tryLock(200):
            show_error(
                self.window,
                CompanyLocked(
                    f"{path.name} is already open in another CreditDesk window. "
                    "Close it there first: two copies writing to one file could damage it."
                ),
            )
            return False
        try:
            db = open_database(path)
        except CreditDeskError as exc:
            lock.unlock()
            show_error(self.window, exc)
            return False
        if not self._show_books(db, lock):
            return False
        self._daily_backup(path)
        return True

    def open_server(self, address: str) -> bool:
        """Open books on a server: the password from the keyring, else asked once; several windows
        on several computers may have them open at once, so there is no file lock."""
        if self.db is not None and self.db.shown == address:
            return True
        try:
            db = open_server_books(address, ask=lambda at: ask_server_password(self.window, at))
        except CreditDeskError as exc:
            show_error(self.window, exc)
            return False
        return self._show_books(db, None)

    def _show_books(self, db: Database, lock: QLockFile | None) -> bool:
        """Show ``db`` in a new window in place of the current one; on failure the current one stays."""
        try:
            company = get_company(db)
        except CreditDeskError as exc:
            db.close()
            if lock is not None:
                lock.unlock()
            show_error(self.window, exc)
            return False
        self._close_current()
        self.db, self.lock = db, lock
        workspace = Workspace(db, company, today=self.today)
        window = MainWindow(workspace, self.recent_files)
        window.new_file_requested.connect(lambda: self.ask_new(self.window))
        window.open_file_requested.connect(lambda: self.ask_open(self.window))
        window.open_recent_requested.connect(self.open_place)
        window.connect_server_requested.connect(lambda: self.ask_server(self.window))
        window.open_path_requested.connect(lambda p: self.open_path(Path(p)))
        window.closing.connect(self.on_window_closing)
        window.restore_state(QSettings())
        window.show()
        window.load()
        window.watch_for_changes()
        self.window = window
        self._remember(db.shown)
        return True

    def open_place(self, place: str) -> bool:
        """A recent entry: a company file's path or a server's address."""
        return self.open_server(place) if is_address(place) else self.open_path(Path(place))

    def _daily_backup(self, path: Path) -> None:
        """Today's automatic copy, made beside the window's own loading; a failure only warns."""
        now = datetime.combine(self.today(), datetime.now().time())

        def failed(exc: BaseException) -> None:
            log.error("the daily backup of %s failed: %s", path, exc)
            if self.window is not None and self.db is not None and self.db.path.resolve() == path:
                self.window.show_message(
                    f"Today's automatic backup was not made ({backup_failure(exc)}). "
                    "Use File → Back up now… to try again.",
                    BACKUP_WARNING_MS,
                )
            self.daily_backup_finished.emit(exc)

        run_in_background(self, lambda: automatic_backup(path, now), self.daily_backup_finished.emit, failed)

    def _closing_backup(self, path: Path) -> None:
        """Today's copy brought up to date as the file closes (its lock still held); failures are said."""
        try:
            closing_backup(path, datetime.combine(self.today(), datetime.now().time()))
        except (CreditDeskError, OSError) as exc:
            log.error("the backup on closing %s failed: %s", path, exc)
            show_error(
                None,
                DatabaseError(
                    f"Today's work in {path.name} was not backed up ({backup_failure(exc)}). "
                    "Your books are saved; open the file again and use File → Back up now…"
                ),
            )

    def on_file_open_requested(self, name: str) -> None:
        """macOS: a company file was double-clicked. A welcome dialog gives way to it; another dialog
        is not closed under the user, who is asked to finish there first."""
        modal = QApplication.activeModalWidget()
        if isinstance(modal, WelcomeDialog):
            modal.reject()
        elif modal is not None:
            if self.window is not None:
                self.window.show_message(f"Close the open dialog first, then open {Path(name).name} again.")
            return
        self.open_path(Path(name))

    def on_window_closing(self) -> None:
        sender = self.sender()
        if sender is self.window:
            wait_for_background_work()
            self.close()

    def _close_current(self) -> None:
        if self.window is not None:
            old, self.window = self.window, None
            old.closing.disconnect(self.on_window_closing)
            old.close()
            old.deleteLater()
        wait_for_background_work()
        self.close()

    def close(self) -> None:
        """Release the open file: the day's backup, then database connections, then the lock."""
        if self.db is not None:
            db, self.db = self.db, None
            db.close()
            if not db.on_server:  # a server's books are backed up on the server (see the README)
                self._closing_backup(db.path)
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None

    # -- recent files --------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = QSettings().value("files/recent", [])
        paths = (
            [value] if isinstance(value, str) else [str(p) for p in value] if isinstance(value, list) else []
        )
        return [p for p in paths if is_address(p) or Path(p).is_file()]

    def _remember(self, place: str) -> None:
        settings = QSettings()
        recent = [place, *[p for p in self.recent_files() if p != place]][:MAX_RECENT]
        settings.setValue("files/recent", recent)
        settings.setValue("files/last", place)


def configure_logging() -> None:
    """The log, owner-only: it names clients and files."""
    folder = private_folder(user_log_path(APP_NAME, appauthor=False))
    logging.basicConfig(
        filename=ensure_private_file(folder / "creditdesk.log"),
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def keep_settings_private() -> None:
    """The window's settings name recent company files: owner-only, like the log.

    Qt keeps them in a file of their own on Linux and macOS (the registry on
    Windows); only a folder that is CreditDesk's own is tightened.
    """
    path = Path(QSettings().fileName())
    if os.name != "posix" or not path.is_absolute():
        return
    if path.parent.name == APP_NAME:
        private_folder(path.parent)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    ensure_private_file(path)


def run_gui(explicit: BooksPlace | None = None, *, demo_first: bool = False) -> int:
    """Start the window; returns the process exit code."""
    qt_app = QApplication.instance() or DeskApplication(sys.argv)
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(APP_NAME)
    QApplication.setApplicationDisplayName(APP_NAME)
    configure_logging()
    keep_settings_private()
    install_crash_handler()
    app = Application()
    if isinstance(qt_app, DeskApplication):
        qt_app.file_open_requested.connect(app.on_file_open_requested)
    if not app.start(explicit, demo_first=demo_first) and app.window is None:
        return 0
    code = qt_app.exec()
    wait_for_background_work()
    app.close()
    return int(code)
