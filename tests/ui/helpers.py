"""Driving real widgets as a person does: modal dialogs, table cells, the client picker."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QHeaderView, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from creditdesk.ui.ops import is_busy


def when_modal(handle: Callable[[QWidget], object], tries: int = 500) -> None:
    """Once a modal window is up (a message box or an entry point's dialog), hand it to ``handle``."""

    def attempt(left: int) -> None:
        widget = QApplication.activeModalWidget()
        if widget is not None:
            handle(widget)
        elif left > 0:
            QTimer.singleShot(10, lambda: attempt(left - 1))

    QTimer.singleShot(0, lambda: attempt(tries))


def editor_of(view: QAbstractItemView) -> QLineEdit:
    editors = [e for e in view.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1, editors
    return editors[0]


def type_cell(qtbot: QtBot, view: QAbstractItemView, row: int, column: int, text: str) -> None:
    """Edit one cell: go there, start typing, press Enter."""
    model = view.model()
    assert model is not None
    index = model.index(row, column)
    view.setFocus()
    view.setCurrentIndex(index)
    view.edit(index)
    editor = editor_of(view)
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def pick_client(qtbot: QtBot, picker: QComboBox, typed: str) -> None:
    """Type into the client box; the completer's list closes as when a person moves on."""
    edit = picker.lineEdit()
    assert edit is not None
    edit.clear()
    qtbot.keyClicks(edit, typed)
    completer = picker.completer()
    assert completer is not None
    popup = completer.popup()
    if popup is not None and popup.isVisible():
        popup.hide()


def wait_for_op(qtbot: QtBot, owner: QWidget) -> None:
    """A save (or read) started by ``owner`` runs in the background: wait for its answer."""
    qtbot.waitUntil(lambda: not is_busy(owner), timeout=10000)


def click_header(qtbot: QtBot, header: QHeaderView, section: int) -> None:
    """Click the middle of a column's heading, as a user sorting by it would."""
    at = QPoint(
        header.sectionViewportPosition(section) + header.sectionSize(section) // 2, header.height() // 2
    )
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
