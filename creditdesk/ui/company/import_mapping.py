"""The mapping step: which source to read a file as, which column holds which field, and
"Save this mapping as…" so the user's own mapping can be chosen again by its name.

One panel for every import: invoices, clients and payments (fields of
``Field``) and bank exports (fields of ``BankField``), each giving its own
sources and fields. The panel holds no rules: it turns the user's choices into
a source (a preset's key, a saved mapping, or the columns being edited) and
asks its page to read the file again; saving goes through the op helper.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Generic, TypeVar

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QInputDialog, QPushButton, QVBoxLayout, QWidget

from creditdesk.services.imports.mappings import SavedMapping, save_mapping, saved_mappings
from creditdesk.ui.ops import run_read, run_write
from creditdesk.ui.widgets import MessageLine, hint_label, secondary
from creditdesk.ui.workspace import Change, Workspace

Key = TypeVar("Key", bound=StrEnum)
OWN_MAPPING = "Your own mapping"
NOT_IN_FILE = "Not in the file"


def saved_label(name: str) -> str:
    return QCoreApplication.translate("MappingPanel", "Saved mapping: {name}").format(name=name)


class MappingPanel(QWidget, Generic[Key]):
    """Source and column choices; ``source_changed`` asks for the file to be read again with ``choice()``.

    ``saved_kind``: the kind whose saved mappings are offered (None: none, and no saving);
    ``to_saved(name)`` makes what "Save this mapping as…" saves, from the file as read now.
    """

    source_changed = Signal()

    def __init__(
        self,
        workspace: Workspace,
        sources: Sequence[tuple[str, str]],
        fields: Sequence[tuple[Key, str]],
        saved_kind: str | None = None,
        to_saved: Callable[[str], SavedMapping | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.sources = tuple(sources)
        self.saved_kind = saved_kind
        self.to_saved = to_saved
        self.saved: list[SavedMapping] = []
        self.columns: dict[Key, str] = {}  # the columns as the file was read last
        self.edited: dict[Key, str] | None = None  # the user's own changes to the columns
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("source")
        self.field_combos: dict[Key, QComboBox] = {}
        form = QFormLayout()
        form.addRow(self.tr("&Read as:"), self.source_combo)
        for target, label in fields:
            combo = QComboBox()
            combo.setObjectName(f"field:{target.value}")
            combo.activated.connect(self.on_field_combo_activated)
            self.field_combos[target] = combo
            form.addRow(label, combo)
        self.save_button = secondary(QPushButton(self.tr("&Save this mapping as…")))
        self.save_button.setEnabled(False)
        self.save_button.setVisible(saved_kind is not None)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        # Shown under the (scrolled) columns by the page, so saving is always in sight.
        self.footer = QWidget()
        below = QVBoxLayout(self.footer)
        below.setContentsMargins(0, 0, 0, 0)
        hint = (
            self.tr("Change a column to map the file by hand; save the mapping to choose it again next time.")
            if saved_kind is not None
            else self.tr("Change a column to map the file by hand.")
        )
        below.addWidget(hint_label(hint))
        below.addWidget(self.save_button)
        below.addWidget(self.message)
        self._fill_sources()
        self.source_combo.activated.connect(self.on_source_combo_activated)
        self.save_button.clicked.connect(self.on_save_button_clicked)

    # -- the sources ------------------------------------------------------------------------------
    def load_saved(self, then: Callable[[], None] | None = None) -> None:
        """Read the saved mappings of this kind (off the GUI thread) and list them among the sources."""
        kind = self.saved_kind
        if kind is None:
            return
        db = self.workspace.db

        def done(found: list[SavedMapping]) -> None:
            self.saved = found
            self._fill_sources()
            if then is not None:
                then()

        run_read(self, lambda: saved_mappings(db, kind), done)

    def _fill_sources(self) -> None:
        current = self.source_combo.currentText()
        self.source_combo.clear()
        for label, _ in self.sources:
            self.source_combo.addItem(label)
        for saved in self.saved:
            self.source_combo.addItem(saved_label(saved.name))
        if self.edited is not None:
            self.source_combo.addItem(self.tr(OWN_MAPPING))
        index = self.source_combo.findText(current)
        self.source_combo.setCurrentIndex(max(index, 0))

    def reset(self) -> None:
        self.edited = None
        self._fill_sources()
        self.source_combo.setCurrentIndex(0)

    def choice(self) -> str | SavedMapping | dict[Key, str]:
        """A source's key, a saved mapping, or the user's own columns."""
        index = self.source_combo.currentIndex()
        if index < len(self.sources):
            return self.sources[max(index, 0)][1]
        index -= len(self.sources)
        if index < len(self.saved):
            return self.saved[index]
        assert self.edited is not None
        return dict(self.edited)

    def on_source_combo_activated(self) -> None:
        self.message.show_problem(None)
        self.source_changed.emit()

    # -- the columns ------------------------------------------------------------------------------
    def show_columns(self, header: Sequence[str], columns: Mapping[Key, str], *, can_save: bool) -> None:
        """The file's ``header`` in each field's list, each field's column (as read) chosen."""
        self.columns = dict(columns)
        names = [name for name in header if name]
        for target, combo in self.field_combos.items():
            combo.clear()
            combo.addItem(self.tr(NOT_IN_FILE))
            combo.addItems(names)
            combo.setCurrentIndex(max(combo.findText(columns.get(target, "")), 0))
            combo.setEnabled(bool(names))
        self.save_button.setEnabled(can_save and bool(columns))

    def on_field_combo_activated(self) -> None:
        columns = dict(self.columns)
        for target, combo in self.field_combos.items():
            columns.pop(target, None)
            if combo.currentIndex() > 0:
                columns[target] = combo.currentText()
        self.edited = columns
        self._fill_sources()
        self.source_combo.setCurrentIndex(self.source_combo.findText(self.tr(OWN_MAPPING)))
        self.source_changed.emit()

    # -- saving -----------------------------------------------------------------------------------
    def ask_name(self) -> str | None:
        name, ok = QInputDialog.getText(
            self, self.tr("Save this mapping"), self.tr("A name to choose this mapping by next time:")
        )
        return name.strip() if ok and name.strip() else None

    def on_save_button_clicked(self) -> None:
        if self.to_saved is None:
            return
        name = self.ask_name()
        saved = None if name is None else self.to_saved(name)
        if name is None or saved is None:
            return
        db = self.workspace.db
        run_write(
            self,
            self.workspace,
            lambda: save_mapping(db, saved),
            Change(0),
            done=lambda _: self.on_saved(name),
            busy=self.save_button,
            problem=self.message,
        )

    def on_saved(self, name: str) -> None:
        self.message.show_problem(None)

        def choose() -> None:
            self.source_combo.setCurrentIndex(self.source_combo.findText(saved_label(name)))

        self.load_saved(choose)
