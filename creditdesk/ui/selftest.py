"""The window half of ``creditdesk --self-test``: open a company file as a user would, then close it.

The window is opened through ``Application.open_path`` (lock, open, show, load),
with settings kept in the self-test's own folder so the user's recent files and
window state are left alone. A dialog popping up would block a headless run, so
any modal widget is read, closed and reported as the failure.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from types import TracebackType

import PySide6
from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QSettings,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from creditdesk.ui.app import Application
from creditdesk.ui.workers import wait_for_background_work

# The offscreen platform cannot do these; they say nothing about the app.
QT_NOISE = re.compile(r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")
LOAD_TIMEOUT_S = 30.0
SETTLE_ROUNDS = 3  # idle checks in a row before the window counts as loaded (loads start more loads)


class WindowProbe:
    def __init__(self, settings_dir: Path) -> None:
        self.errors: list[str] = []
        qInstallMessageHandler(self._on_qt_message)
        self.qt_app = QApplication.instance() or QApplication([sys.argv[0]])
        QCoreApplication.setOrganizationName("CreditDesk self-test")
        QCoreApplication.setApplicationName("CreditDesk self-test")
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
        self.application = Application()
        self._old_hook = sys.excepthook
        sys.excepthook = self._on_exception
        self._dialog_guard = QTimer()
        self._dialog_guard.setInterval(100)
        self._dialog_guard.timeout.connect(self._close_dialogs)
        self._dialog_guard.start()

    @property
    def qt_version(self) -> str:
        return str(PySide6.__version__)

    @property
    def platform(self) -> str:
        return QGuiApplication.platformName()

    def open(self, path: Path) -> None:
        opened = self.application.open_path(path)
        QApplication.processEvents()
        self._raise_errors()
        window = self.application.window
        if not opened or window is None:
            raise RuntimeError("the main window did not open")
        if not window.isVisible():
            raise RuntimeError("the main window opened but is not shown")

    def wait_loaded(self) -> None:
        """Until the window's background loads have finished and their results been shown."""
        deadline = time.monotonic() + LOAD_TIMEOUT_S
        idle_rounds = 0
        while idle_rounds < SETTLE_ROUNDS:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the window was still loading after {LOAD_TIMEOUT_S:.0f} s")
            QApplication.processEvents()
            idle = wait_for_background_work(timeout_ms=20)
            QApplication.processEvents()
            idle_rounds = idle_rounds + 1 if idle else 0
            self._raise_errors()

    def close(self) -> None:
        self._dialog_guard.stop()
        window = self.application.window
        if window is not None:
            window.close()
        wait_for_background_work()
        QApplication.processEvents()
        self.application.close()
        sys.excepthook = self._old_hook
        qInstallMessageHandler(None)

    # -- what goes wrong, collected rather than shown ------------------------------------------
    def _raise_errors(self) -> None:
        if self.errors:
            errors, self.errors = self.errors, []
            raise RuntimeError("; ".join(errors))

    def _close_dialogs(self) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            return
        text = dialog.text() if isinstance(dialog, QMessageBox) else dialog.windowTitle()
        self.errors.append(f"a dialog opened: {text}")
        dialog.close()

    def _on_exception(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        self.errors.append(f"{kind.__name__}: {exc}")

    def _on_qt_message(self, kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if QT_NOISE.search(message):
            return
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            self.errors.append(f"Qt: {message}")
        elif kind is QtMsgType.QtWarningMsg:
            print(f"     Qt warning: {message}", file=sys.stderr)
