"""Settings → Chasing schedules: which reminders go out when, and what they say.

The schedule is edited as a whole and saved as a whole: ``services.schedules``
checks it (``schedule_save_problems``, the same list ``save_schedule`` refuses
with) after every change, the problems are listed under the editor, and Save
stays disabled until there are none. Stage keys are kept for every stage that
was already there, because the reminders already sent refer to them.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.chasing import Attachment, Channel, Schedule, Stage
from creditdesk.domain.errors import CreditDeskError
from creditdesk.domain.formats import Formats
from creditdesk.services.chasing.schedules import (
    DEFAULT_SCHEDULE,
    ScheduleChoice,
    ScheduleRefused,
    delete_schedule,
    get_schedule,
    list_schedules,
    new_stage_key,
    save_schedule,
    schedule_save_problems,
    set_default_schedule,
)
from creditdesk.services.chasing.template_preview import check_template
from creditdesk.ui.chasing.template_editor import TemplateEditor
from creditdesk.ui.errors import show_error
from creditdesk.ui.widgets import AmountEdit, MessageLine, ask, mark_invalid, secondary, sentence
from creditdesk.ui.workspace import Workspace

CHANNEL_NAMES = {Channel.EMAIL: "Email", Channel.LETTER: "Letter by post", Channel.PHONE: "Phone call task"}
WHEN, NAME, CHANNEL, SENDS, FEE, ATTACHMENTS = range(6)
HEADERS = ("When", "Stage", "Channel", "Goes out", "Fee", "Attachments")
SHOWN_PROBLEMS = 6  # more than this and the list says how many more
NEW_STAGE_SUBJECT = "Reminder: {{ total_overdue }} to pay"
NEW_STAGE_BODY = """\
Dear {{ client.contact_name or client.name }},

This is a reminder that the following invoices are still open:

{% for invoice in invoices %}
- Invoice {{ invoice.number }}, due {{ invoice.due_date }}: {{ invoice.open_amount }}
{% endfor %}

Please quote {{ payment_reference }} when you pay. Thank you for your business.

{{ company.name }}
"""


def when_text(offset_days: int) -> str:
    """The stage's day in words: "3 days before due", "on the due date", "1 day after due"."""
    if offset_days == 0:
        return "On the due date"
    days = abs(offset_days)
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} {'before' if offset_days < 0 else 'after'} due"


def _stage_has_template_problem(stage: Stage) -> bool:
    return bool(
        check_template(stage.subject_template, single_line=True) or check_template(stage.body_template)
    )


class StagesModel(QAbstractTableModel):
    """The stages of the schedule being edited, as a small read-only table."""

    def __init__(self, formats: Formats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.formats = formats
        self.stages: list[Stage] = []
        self.flagged: set[str] = set()  # keys of stages whose template has a problem

    def set_stages(self, stages: list[Stage]) -> None:
        self.beginResetModel()
        self.stages = list(stages)
        self.flagged = {s.key for s in stages if _stage_has_template_problem(s)}
        self.endResetModel()

    def update_stage(self, row: int, stage: Stage) -> None:
        self.stages[row] = stage
        self.flagged.discard(stage.key)
        if _stage_has_template_problem(stage):
            self.flagged.add(stage.key)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.stages)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        stage = self.stages[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == WHEN:
                return when_text(stage.offset_days)
            if column == NAME:
                return ("⚠ " if stage.key in self.flagged else "") + stage.name
            if column == CHANNEL:
                return CHANNEL_NAMES[stage.channel]
            if column == SENDS:
                return "Automatically" if stage.automatic else "After approval"
            if column == FEE:
                return "—" if stage.fee is None else self.formats.money(stage.fee)
            if column == ATTACHMENTS:
                parts = [
                    text
                    for kind, text in ((Attachment.INVOICES, "Invoices"), (Attachment.STATEMENT, "Statement"))
                    if kind in stage.attachments
                ]
                return ", ".join(parts) or "—"
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME and stage.key in self.flagged:
            return "This stage's template has a problem; select the stage to see it"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == FEE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ScheduleDialog(QDialog):
    schedule_saved = Signal(int)  # schedule id

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Chasing schedules")
        self.schedule_id: int | None = None
        self.stored: Schedule | None = None
        self.dirty = False
        self._filling = False
        self._stage_row: int | None = None
        self._problems: tuple[str, ...] = ()
        self._choices: list[ScheduleChoice] = []
        formats = workspace.formats

        # Left: the schedules.
        self.schedule_list = QListWidget()
        self.new_button = secondary(QPushButton("&New"))
        self.new_button.setToolTip("A new schedule, starting from the shipped wording")
        self.duplicate_button = secondary(QPushButton("D&uplicate"))
        self.delete_button = secondary(QPushButton("&Delete…"))
        self.default_button = secondary(QPushButton("Ma&ke default"))
        self.default_button.setToolTip("Chase every client without a schedule of its own with this one")
        list_buttons = QGridLayout()
        list_buttons.addWidget(self.new_button, 0, 0)
        list_buttons.addWidget(self.duplicate_button, 0, 1)
        list_buttons.addWidget(self.delete_button, 1, 0)
        list_buttons.addWidget(self.default_button, 1, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        schedules_label = QLabel("Sc&hedules")
        schedules_label.setBuddy(self.schedule_list)
        left_layout.addWidget(schedules_label)
        left_layout.addWidget(self.schedule_list, 1)
        left_layout.addLayout(list_buttons)

        # Right, top: the schedule as a whole.
        self.name_edit = QLineEdit()
        self.gap_spin = QSpinBox()
        self.gap_spin.setRange(0, 365)
        self.gap_spin.setSuffix(" days")
        self.gap_spin.setToolTip(
            "Wait at least this long after any reminder before sending the client another"
        )
        self.min_amount_edit = AmountEdit(formats)
        self.min_amount_edit.setToolTip("Invoices owing less than this in total are not chased")
        schedule_row = QHBoxLayout()
        schedule_row.setSpacing(8)
        for text, widget in (
            ("Na&me", self.name_edit),
            ("Minimum &gap", self.gap_spin),
            (f"Minimum a&mount ({workspace.company.currency})", self.min_amount_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            if schedule_row.count():
                schedule_row.addSpacing(10)
            schedule_row.addWidget(label)
            schedule_row.addWidget(widget, 1 if widget is self.name_edit else 0)

        # The stages.
        self.stages_model = StagesModel(formats, self)
        self.stages_view = QTableView()
        self.stages_view.setModel(self.stages_model)
        self.stages_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.stages_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.stages_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.stages_view.verticalHeader().hide()
        self.stages_view.setAlternatingRowColors(True)
        header = self.stages_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        row_height = self.stages_view.verticalHeader().defaultSectionSize()
        self.stages_view.setFixedHeight(row_height * 6 + header.sizeHint().height() + 4)
        self.add_stage_button = secondary(QPushButton("&Add stage"))
        self.remove_stage_button = secondary(QPushButton("&Remove stage"))
        stage_buttons = QVBoxLayout()
        stage_buttons.addWidget(self.add_stage_button)
        stage_buttons.addWidget(self.remove_stage_button)
        stage_buttons.addStretch(1)
        stages_row = QHBoxLayout()
        stages_row.addWidget(self.stages_view, 1)
        stages_row.addLayout(stage_buttons)

        # The selected stage.
        self.stage_name_edit = QLineEdit()
        self.offset_spin = QSpinBox()
        self.offset_spin.setRange(0, 365)
        self.direction_combo = QComboBox()
        self.direction_combo.addItem("days before due", -1)
        self.direction_combo.addItem("days after due", 1)
        self.channel_combo = QComboBox()
        for channel, text in CHANNEL_NAMES.items():
            self.channel_combo.addItem(text, channel.value)
        self.automatic_box = QCheckBox("Send without asking me first")
        self.automatic_box.setToolTip("Otherwise the reminder waits in the outbox until you approve it")
        self.fee_edit = AmountEdit(formats)
        self.fee_edit.setPlaceholderText("No fee")
        self.invoices_box = QCheckBox("The &invoices (PDF)")
        self.statement_box = QCheckBox("A statement")
        when_row = QHBoxLayout()
        when_row.setSpacing(6)
        when_row.addWidget(self.offset_spin)
        when_row.addWidget(self.direction_combo)
        when_row.addStretch(1)
        attach_row = QHBoxLayout()
        attach_row.setSpacing(12)
        attach_row.addWidget(self.invoices_box)
        attach_row.addWidget(self.statement_box)
        attach_row.addStretch(1)
        self.stage_box = QGroupBox("Stage")
        stage_form = QGridLayout(self.stage_box)
        stage_form.setHorizontalSpacing(10)
        stage_form.setVerticalSpacing(6)
        right_aligned = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        cells: list[tuple[int, int, str, QWidget, QWidget | QHBoxLayout]] = [
            (0, 0, "Stage nam&e", self.stage_name_edit, self.stage_name_edit),
            (0, 2, "&When", self.offset_spin, when_row),
            (1, 0, "&Channel", self.channel_combo, self.channel_combo),
            (1, 2, "&Fee", self.fee_edit, self.fee_edit),
            (2, 0, "Attach", self.invoices_box, attach_row),
            (2, 2, "", self.automatic_box, self.automatic_box),
        ]
        for row, column, text, buddy, field in cells:
            label = QLabel(text)
            label.setBuddy(buddy)
            stage_form.addWidget(label, row, column, right_aligned)
            if isinstance(field, QHBoxLayout):
                stage_form.addLayout(field, row, column + 1)
            else:
                stage_form.addWidget(field, row, column + 1)
        stage_form.setColumnStretch(1, 1)
        stage_form.setColumnStretch(3, 1)
        self.template_editor = TemplateEditor(workspace, place_subject=False)
        subject_label = QLabel("Su&bject")
        subject_label.setBuddy(self.template_editor.subject_edit)
        stage_form.addWidget(subject_label, 3, 0, right_aligned)
        stage_form.addWidget(self.template_editor.subject_edit, 3, 1, 1, 3)
        stage_form.addWidget(self.template_editor, 4, 0, 1, 4)
        stage_form.setRowStretch(4, 1)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(8)
        right_layout.addLayout(schedule_row)
        stages_label = QLabel("Stages, from first to last")
        right_layout.addWidget(stages_label)
        right_layout.addLayout(stages_row)
        right_layout.addWidget(self.stage_box, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 1060])

        self.message_line = MessageLine()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.save_button: QPushButton = save
        self.save_button.setToolTip("Save this schedule")
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message_line)
        layout.addWidget(self.buttons)
        self.resize(1280, 860)

        self.schedule_list.currentItemChanged.connect(self.on_schedule_list_current_item_changed)
        self.new_button.clicked.connect(self.on_new_button_clicked)
        self.duplicate_button.clicked.connect(self.on_duplicate_button_clicked)
        self.delete_button.clicked.connect(self.on_delete_button_clicked)
        self.default_button.clicked.connect(self.on_default_button_clicked)
        self.name_edit.textEdited.connect(lambda _=None: self._edited())
        self.gap_spin.valueChanged.connect(lambda _=None: self._edited())
        self.min_amount_edit.textEdited.connect(lambda _=None: self._edited())
        self.stages_view.selectionModel().currentRowChanged.connect(self.on_stages_view_current_row_changed)
        self.add_stage_button.clicked.connect(self.on_add_stage_button_clicked)
        self.remove_stage_button.clicked.connect(self.on_remove_stage_button_clicked)
        self.stage_name_edit.textEdited.connect(lambda _=None: self._stage_edited())
        self.offset_spin.valueChanged.connect(lambda _=None: self._stage_edited())
        self.offset_spin.editingFinished.connect(self._keep_stages_in_order)
        self.direction_combo.currentIndexChanged.connect(lambda _=None: self._stage_edited(reorder=True))
        self.channel_combo.currentIndexChanged.connect(lambda _=None: self._stage_edited())
        self.automatic_box.toggled.connect(lambda _=None: self._stage_edited())
        self.fee_edit.textEdited.connect(lambda _=None: self._stage_edited())
        self.invoices_box.toggled.connect(lambda _=None: self._stage_edited())
        self.statement_box.toggled.connect(lambda _=None: self._stage_edited())
        self.template_editor.changed.connect(self._stage_edited)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        self._load_list()

    # -- the list of schedules -----------------------------------------------------------------
    def _load_list(self, select: int | None = None) -> None:
        self._choices = list_schedules(self.workspace.db)
        select = select if select is not None else self.schedule_id
        self.schedule_list.blockSignals(True)
        self.schedule_list.clear()
        for choice in self._choices:
            notes = ["default"] if choice.is_default else []
            if choice.clients:
                notes.append(f"{choice.clients} client{'s' if choice.clients != 1 else ''}")
            text = choice.name + (f" ({', '.join(notes)})" if notes else "")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            if choice.is_default:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                item.setToolTip("Chases every client that has no schedule of its own")
            self.schedule_list.addItem(item)
        self.schedule_list.blockSignals(False)
        ids = [c.id for c in self._choices]
        if not ids:
            return
        row = ids.index(select) if select in ids else 0
        self.schedule_list.blockSignals(True)
        self.schedule_list.setCurrentRow(row)
        self.schedule_list.blockSignals(False)
        if ids[row] != self.schedule_id:
            self.load_schedule(ids[row])
        self._update_list_buttons()

    def choice(self) -> ScheduleChoice | None:
        return next((c for c in self._choices if c.id == self.schedule_id), None)

    def _update_list_buttons(self) -> None:
        choice = self.choice()
        self.default_button.setEnabled(choice is not None and not choice.is_default)
        self.delete_button.setEnabled(choice is not None)
        self.duplicate_button.setEnabled(choice is not None)

    def on_schedule_list_current_item_changed(
        self, current: QListWidgetItem | None, previous: QListWidgetItem | None
    ) -> None:
        if current is None:
            return
        schedule_id = current.data(Qt.ItemDataRole.UserRole)
        if schedule_id == self.schedule_id:
            return
        if not self.settle():
            self.schedule_list.blockSignals(True)
            if previous is not None:
                self.schedule_list.setCurrentItem(previous)
            self.schedule_list.blockSignals(False)
            return
        self.load_schedule(int(schedule_id))

    def load_schedule(self, schedule_id: int) -> None:
        try:
            schedule = get_schedule(self.workspace.db, schedule_id)
        except CreditDeskError as exc:
            self.message_line.show_problem(sentence(exc.message))
            return
        self.schedule_id, self.stored = schedule_id, schedule
        formats = self.workspace.formats
        self._filling = True
        try:
            self.name_edit.setText(schedule.name)
            self.gap_spin.setValue(schedule.min_gap_days)
            self.min_amount_edit.setText(formats.amount(schedule.min_amount))
        finally:
            self._filling = False
        self._stage_row = None
        self.stages_model.set_stages(list(schedule.stages))
        self.dirty = False
        self._select_stage(0)
        self._update_list_buttons()
        self.validate()

    def settle(self) -> bool:
        """Before leaving the schedule on screen: save or drop its changes; False to stay."""
        self.template_editor.flush()
        if not self.dirty:
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Chasing schedules",
            f"Save the changes to '{self.name_edit.text().strip() or 'this schedule'}'?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.dirty = False
            return True
        return False

    # -- the schedule being edited ---------------------------------------------------------------
    def _min_amount(self) -> Decimal | None:
        text = self.min_amount_edit.text()
        if not text.strip():
            return Decimal(0)
        try:
            return self.workspace.formats.parse_amount(text, field="minimum amount")
        except CreditDeskError:
            return None

    def _fee(self) -> Decimal | str | None:
        """The fee, None for no fee, or the reason it cannot be read."""
        text = self.fee_edit.text()
        if not text.strip():
            return None
        try:
            return self.workspace.formats.parse_amount(text, field="fee")
        except CreditDeskError as exc:
            return sentence(exc.message)

    def schedule(self) -> Schedule:
        """The schedule as on screen, its stages in the order of their days."""
        stages = sorted(self.stages_model.stages, key=lambda s: s.offset_days)
        return Schedule(
            name=self.name_edit.text(),
            stages=tuple(stages),
            min_gap_days=self.gap_spin.value(),
            min_amount=self._min_amount() or Decimal(0),
        )

    def _edited(self) -> None:
        if not self._filling:
            self.dirty = True
            self.validate()

    def validate(self) -> bool:
        """List every problem the service would refuse the schedule for; Save only when there are none."""
        problems: list[str] = []
        amount_ok = self._min_amount() is not None
        if not amount_ok:
            problems.append(
                f"The minimum amount '{self.min_amount_edit.text().strip()}' is not an amount; "
                f"write it like {self.workspace.formats.amount(Decimal('1'))}"
            )
        fee = self._fee()
        if isinstance(fee, str):
            problems.append(f"{self.stage_name_edit.text().strip() or 'This stage'}: {fee}")
        mark_invalid(self.min_amount_edit, not amount_ok)
        mark_invalid(self.fee_edit, isinstance(fee, str))
        problems.extend(
            sentence(p) for p in schedule_save_problems(self.schedule(), self.workspace.company.exponent)
        )
        self._problems = tuple(problems)
        self.save_button.setEnabled(self.schedule_id is not None and not problems)
        shown = list(problems[:SHOWN_PROBLEMS])
        if len(problems) > SHOWN_PROBLEMS:
            shown.append(f"… and {len(problems) - SHOWN_PROBLEMS} more.")
        self.message_line.show_problem("\n".join(shown) or None)
        return not problems

    @property
    def problems(self) -> tuple[str, ...]:
        return self._problems

    @property
    def message(self) -> str:
        return "" if self.message_line.isHidden() else self.message_line.text()

    # -- stages --------------------------------------------------------------------------------
    def _select_stage(self, row: int) -> None:
        if not self.stages_model.stages:
            self.on_stages_view_current_row_changed(QModelIndex(), QModelIndex())
            return
        row = max(0, min(row, len(self.stages_model.stages) - 1))
        self.stages_view.setCurrentIndex(self.stages_model.index(row, NAME))

    def select_stage(self, row: int) -> None:
        self._select_stage(row)

    def on_stages_view_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.template_editor.flush()
        row = current.row() if current.isValid() else None
        self._stage_row = None  # filling the fields below is not an edit
        has_stage = row is not None
        self.stage_box.setEnabled(has_stage)
        self.remove_stage_button.setEnabled(has_stage)
        if row is None:
            self.stage_box.setTitle("Stage")
            return
        stage = self.stages_model.stages[row]
        formats = self.workspace.formats
        self._filling = True
        try:
            self.stage_box.setTitle(f"Stage {row + 1}: {stage.name}")
            self.stage_name_edit.setText(stage.name)
            self.offset_spin.setValue(abs(stage.offset_days))
            self.direction_combo.setCurrentIndex(0 if stage.offset_days < 0 else 1)
            self.channel_combo.setCurrentIndex(self.channel_combo.findData(stage.channel.value))
            self.automatic_box.setChecked(stage.automatic)
            self.fee_edit.setText("" if stage.fee is None else formats.amount(stage.fee))
            self.invoices_box.setChecked(Attachment.INVOICES in stage.attachments)
            self.statement_box.setChecked(Attachment.STATEMENT in stage.attachments)
            self.template_editor.set_template(stage.subject_template, stage.body_template)
        finally:
            self._filling = False
        self._stage_row = row

    def _stage_on_screen(self, stage: Stage) -> Stage:
        fee = self._fee()
        attachments = {
            kind
            for kind, box in (
                (Attachment.INVOICES, self.invoices_box),
                (Attachment.STATEMENT, self.statement_box),
            )
            if box.isChecked()
        }
        sign = int(self.direction_combo.currentData())
        return replace(
            stage,
            name=self.stage_name_edit.text(),
            offset_days=sign * self.offset_spin.value(),
            channel=Channel(str(self.channel_combo.currentData())),
            subject_template=self.template_editor.subject(),
            body_template=self.template_editor.body(),
            attachments=frozenset(attachments),
            fee=fee if isinstance(fee, Decimal) else stage.fee,
            automatic=self.automatic_box.isChecked(),
        )

    def _stage_edited(self, *, reorder: bool = False) -> None:
        row = self._stage_row
        if self._filling or row is None:
            return
        stage = self._stage_on_screen(self.stages_model.stages[row])
        self.stages_model.update_stage(row, stage)
        self.stage_box.setTitle(f"Stage {row + 1}: {stage.name}")
        self.dirty = True
        if reorder:
            self._keep_stages_in_order()
        self.validate()

    def _keep_stages_in_order(self) -> None:
        """Stages stay listed by their day, the stage being edited staying selected."""
        row = self._stage_row
        stages = self.stages_model.stages
        ordered = sorted(stages, key=lambda s: s.offset_days)
        if row is None or ordered == stages:
            return
        key = stages[row].key
        self._stage_row = None
        new_row = next(i for i, s in enumerate(ordered) if s.key == key)
        selection = self.stages_view.selectionModel()
        selection.blockSignals(True)  # the same stage stays on screen: nothing to refill
        try:
            self.stages_model.set_stages(ordered)
            self.stages_view.setCurrentIndex(self.stages_model.index(new_row, NAME))
        finally:
            selection.blockSignals(False)
        self._stage_row = new_row
        self.stage_box.setTitle(f"Stage {new_row + 1}: {ordered[new_row].name}")

    def on_add_stage_button_clicked(self) -> None:
        self.template_editor.flush()
        stages = self.stages_model.stages
        taken = {s.key for s in stages} | {s.key for s in (self.stored.stages if self.stored else ())}
        names = {s.name.casefold() for s in stages}
        name, number = "New stage", 2
        while name.casefold() in names:
            name, number = f"New stage {number}", number + 1
        offset = stages[-1].offset_days + 7 if stages else 7
        stage = Stage(
            key=new_stage_key(name, taken),
            name=name,
            offset_days=offset,
            channel=Channel.EMAIL,
            subject_template=NEW_STAGE_SUBJECT,
            body_template=NEW_STAGE_BODY,
            attachments=frozenset({Attachment.INVOICES}),
        )
        self.stages_model.set_stages([*stages, stage])
        self.dirty = True
        self._select_stage(len(stages))
        self.stage_name_edit.setFocus()
        self.stage_name_edit.selectAll()
        self.validate()

    def on_remove_stage_button_clicked(self) -> None:
        row = self._stage_row
        if row is None:
            return
        stages = list(self.stages_model.stages)
        del stages[row]
        self._stage_row = None
        self.stages_model.set_stages(stages)
        self.dirty = True
        self._select_stage(row)
        self.validate()

    # -- saving and the list's buttons ----------------------------------------------------------
    def save(self) -> bool:
        """Save the schedule on screen; nothing is written while anything is wrong."""
        self.template_editor.flush()
        if self.schedule_id is None or not self.validate():
            return False
        try:
            save_schedule(self.workspace.db, self.schedule_id, self.schedule())
        except ScheduleRefused as exc:
            self.message_line.show_problem("\n".join(sentence(p) for p in exc.problems))
            self.save_button.setEnabled(False)
            return False
        except CreditDeskError as exc:
            self.message_line.show_problem(sentence(exc.message))
            return False
        except Exception as exc:
            show_error(self, exc)
            return False
        self.dirty = False
        schedule_id = self.schedule_id
        self.schedule_id = None  # reloaded from the file, as saved
        self._load_list(schedule_id)
        self.schedule_saved.emit(schedule_id)
        return True

    def _free_name(self, base: str) -> str:
        taken = {c.name.casefold() for c in self._choices}
        name, number = base, 2
        while name.casefold() in taken:
            name, number = f"{base} {number}", number + 1
        return name

    def _create(self, schedule: Schedule) -> None:
        try:
            new_id = save_schedule(self.workspace.db, None, schedule)
        except CreditDeskError as exc:
            self.message_line.show_problem(sentence(exc.message))
            return
        self._load_list(new_id)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def on_new_button_clicked(self) -> None:
        if self.settle():
            self._create(replace(DEFAULT_SCHEDULE, name=self._free_name("New schedule")))

    def on_duplicate_button_clicked(self) -> None:
        if self.settle() and self.stored is not None:
            self._create(replace(self.stored, name=self._free_name(f"{self.stored.name.strip()} (copy)")))

    def on_delete_button_clicked(self) -> None:
        choice = self.choice()
        if choice is None or not ask(
            self,
            "Delete schedule",
            f"Delete the schedule '{choice.name}'?",
            "Delete",
            detail="Reminders already sent stay on the clients' timelines.",
        ):
            return
        try:
            delete_schedule(self.workspace.db, choice.id)
        except CreditDeskError as exc:
            self.message_line.show_problem(sentence(exc.message))
            return
        self.dirty = False
        self.schedule_id = None
        self._load_list()

    def on_default_button_clicked(self) -> None:
        choice = self.choice()
        if choice is None:
            return
        try:
            set_default_schedule(self.workspace.db, choice.id)
        except CreditDeskError as exc:
            self.message_line.show_problem(sentence(exc.message))
            return
        self._load_list(choice.id)

    def reject(self) -> None:
        if self.settle():
            super().reject()


def edit_schedules(workspace: Workspace, parent: QWidget | None = None) -> None:
    try:
        dialog = ScheduleDialog(workspace, parent)
    except CreditDeskError as exc:
        show_error(parent, exc)
        return
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()
