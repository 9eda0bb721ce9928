"""The application: which company file is open, one window per file, and the file lock."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from platformdirs import user_log_path
from PySide6.QtCore import QEventLoop, QLockFile, QObject, QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog, QWidget

from creditdesk.domain.errors import CreditDeskError, DatabaseError
from creditdesk.services.company import create_company, get_company
from creditdesk.services.demo import generate_demo
from creditdesk.services.locations import APP_NAME, default_database_path
from creditdesk.store.database import Database, open_database
from creditdesk.ui.context import Workspace
from creditdesk.ui.errors import install_crash_handler, show_error
from creditdesk.ui.main_window import MainWindow
from creditdesk.ui.welcome import Choice, WelcomeDialog
from creditdesk.ui.workers import run_in_background, wait_for_background_work

FILE_FILTER = "CreditDesk company files (*.sqlite);;All files (*)"
MAX_RECENT = 8


def demo_database_path() -> Path:
    return default_database_path().with_name("Demo company.sqlite")


class CompanyLocked(DatabaseError):
    pass


class Application(QObject):
    """Owns the open file (its lock and database) and the window showing it."""

    def __init__(self, today: Callable[[], date] = date.today) -> None:
        super().__init__()
        self.today = today
        self.window: MainWindow | None = None
        self.lock: QLockFile | None = None
        self.db: Database | None = None

    # -- choosing a file -----------------------------------------------------------------------
    def start(self, explicit: Path | None, *, demo_first: bool = False) -> bool:
        """Open the file asked for, else the last one, else the default, else welcome the user."""
        settings = QSettings()
        last = settings.value("files/last")
        for candidate in (explicit, Path(str(last)) if last else None, default_database_path()):
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
        if dialog.choice is Choice.DEMO:
            return self.open_demo()
        return self.create(target, dialog.company_name, dialog.currency, dialog.locale_code)

    def ask_open(self, parent: QWidget | None = None) -> bool:
        start = str(default_database_path().parent)
        name, _ = QFileDialog.getOpenFileName(parent, "Open a company file", start, FILE_FILTER)
        return bool(name) and self.open_path(Path(name))

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
            company = get_company(db)
        except CreditDeskError as exc:
            lock.unlock()
            show_error(self.window, exc)
            return False
        self._close_current()
        self.db, self.lock = db, lock
        workspace = Workspace(db, company, today=self.today)
        window = MainWindow(workspace, self.recent_files)
        window.new_file_requested.connect(lambda: self.ask_new(self.window))
        window.open_file_requested.connect(lambda: self.ask_open(self.window))
        window.open_recent_requested.connect(lambda p: self.open_path(Path(p)))
        window.closing.connect(self.on_window_closing)
        window.restore_state(QSettings())
        window.show()
        window.load()
        self.window = window
        self._remember(path)
        return True

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
        """Release the open file: database connections first, then the lock."""
        if self.db is not None:
            self.db.close()
            self.db = None
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None

    # -- recent files --------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = QSettings().value("files/recent", [])
        paths = (
            [value] if isinstance(value, str) else [str(p) for p in value] if isinstance(value, list) else []
        )
        return [p for p in paths if Path(p).is_file()]

    def _remember(self, path: Path) -> None:
        settings = QSettings()
        recent = [str(path), *[p for p in self.recent_files() if p != str(path)]][:MAX_RECENT]
        settings.setValue("files/recent", recent)
        settings.setValue("files/last", str(path))


def configure_logging() -> None:
    folder = user_log_path(APP_NAME, appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=folder / "creditdesk.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def run_gui(explicit: Path | None = None, *, demo_first: bool = False) -> int:
    """Start the window; returns the process exit code."""
    qt_app = QApplication.instance() or QApplication(sys.argv)
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(APP_NAME)
    QApplication.setApplicationDisplayName(APP_NAME)
    configure_logging()
    install_crash_handler()
    app = Application()
    if not app.start(explicit, demo_first=demo_first):
        return 0
    code = qt_app.exec()
    wait_for_background_work()
    app.close()
    return int(code)
