"""Showing errors to people: a clear message for their mistakes, a crash dialog for ours."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from creditdesk.domain.errors import CreditDeskError, ImportRefused

log = logging.getLogger("creditdesk")


def show_error(parent: QWidget | None, exc: BaseException, *, title: str = "CreditDesk") -> None:
    """A user error as a plain message; anything else as a crash report (and logged)."""
    if isinstance(exc, ImportRefused):
        box = QMessageBox(QMessageBox.Icon.Warning, title, exc.message, QMessageBox.StandardButton.Ok, parent)
        box.setDetailedText("\n".join(exc.problems))
        box.exec()
    elif isinstance(exc, CreditDeskError):
        QMessageBox.warning(parent, title, exc.message)
    else:
        show_crash(parent, type(exc), exc, exc.__traceback__)


def show_crash(
    parent: QWidget | None,
    kind: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
) -> None:
    details = "".join(traceback.format_exception(kind, exc, tb))
    log.error("unexpected error\n%s", details)
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "Something went wrong",
        "CreditDesk ran into an unexpected problem. Nothing was half-saved: the action you were "
        "taking was rolled back.\n\nThe details below help us fix it.",
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setDetailedText(details)
    box.exec()


def install_crash_handler() -> None:
    """Unexpected exceptions in slots open the crash dialog instead of vanishing."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt) or QApplication.instance() is None:
            sys.__excepthook__(kind, exc, tb)
            return
        if isinstance(exc, CreditDeskError):
            show_error(QApplication.activeWindow(), exc)
        else:
            show_crash(QApplication.activeWindow(), kind, exc, tb)

    sys.excepthook = hook
