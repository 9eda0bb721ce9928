"""A client's chasing settings: its schedule, "do not chase", and where late-entered invoices start.

An invoice entered weeks after it fell due would otherwise start at the
gentlest stage; "start at stage" lets the user pick up where the paper trail
really is. Everything in the dialog is saved together, in one transaction
(``services.clients.chasing_settings``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from creditdesk.services.clients.chasing_settings import (
    ChasingInvoice,
    ClientChasing,
    client_chasing,
    save_client_chasing,
)
from creditdesk.ui.forms import FormDialog, Write, open_form
from creditdesk.ui.widgets import hint_label
from creditdesk.ui.workspace import Change, Workspace

FROM_FIRST = "The next stage as usual"


class ChasingDialog(FormDialog):
    changes = Change.CLIENTS

    def __init__(self, workspace: Workspace, client_id: int, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.client_id = client_id
        self.saved = False
        self.settings: ClientChasing = client_chasing(workspace.db, client_id, workspace.today())
        settings = self.settings
        formats = workspace.formats
        self.setWindowTitle(f"Chasing — {settings.name}")

        self.schedule_combo = QComboBox()
        self.schedule_combo.addItem(f"Company default ({settings.default.name})", None)
        for choice in settings.schedules:
            self.schedule_combo.addItem(choice.name, choice.id)
        index = self.schedule_combo.findData(settings.schedule_id) if settings.schedule_id is not None else 0
        self.schedule_combo.setCurrentIndex(max(0, index))
        self.do_not_chase_box = QCheckBox("&Do not chase this client")
        self.do_not_chase_box.setChecked(settings.do_not_chase)
        self.do_not_chase_box.setToolTip(
            "No reminders are planned for this client; the outbox keeps what it has"
        )

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        schedule_label = QLabel("&Schedule")
        schedule_label.setBuddy(self.schedule_combo)
        form.addRow(schedule_label, self.schedule_combo)
        form.addRow("", self.do_not_chase_box)

        # One row per open invoice: when it was due, what is open, and where chasing starts.
        self.stage_combos: dict[int, QComboBox] = {}
        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        for column, text in enumerate(("Invoice", "Due", "Open", "Overdue", "Start at")):
            heading = QLabel(f"<b>{text}</b>")
            if column in (2, 3):
                heading.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(heading, 0, column)
        for row, invoice in enumerate(settings.invoices, start=1):
            self._add_invoice_row(grid, row, invoice)
            open_label = QLabel(formats.money(invoice.open_amount))
            open_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(open_label, row, 2)
            overdue = QLabel(f"{invoice.days_overdue} days" if invoice.days_overdue > 0 else "—")
            overdue.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(overdue, row, 3)
        grid.setColumnStretch(4, 1)
        grid.setRowStretch(len(settings.invoices) + 1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_widget)
        scroll.setMinimumHeight(min(360, 60 + 34 * max(1, len(settings.invoices))))

        self.message_line = self.message
        self.save_button: QPushButton = self.ok_button

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addLayout(form)
        if settings.invoices:
            layout.addWidget(QLabel("<b>Open invoices</b>"))
            layout.addWidget(
                hint_label(
                    "For an invoice entered late, choose the stage its chasing should start at, "
                    "so it does not begin again with the gentlest reminder."
                )
            )
            layout.addWidget(scroll, 1)
        else:
            layout.addWidget(hint_label("This client has no open invoices."))
        layout.addWidget(self.message_line)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)

        self._fill_stage_combos()
        self.schedule_combo.currentIndexChanged.connect(lambda _=None: self._fill_stage_combos())

    def _add_invoice_row(self, grid: QGridLayout, row: int, invoice: ChasingInvoice) -> None:
        grid.addWidget(QLabel(invoice.number), row, 0)
        grid.addWidget(QLabel(self.workspace.formats.day(invoice.due_date)), row, 1)
        combo = QComboBox()
        combo.setProperty("start_stage", invoice.start_stage)
        self.stage_combos[invoice.id] = combo
        grid.addWidget(combo, row, 4)

    def schedule_id(self) -> int | None:
        data = self.schedule_combo.currentData()
        return data if isinstance(data, int) else None

    def _fill_stage_combos(self) -> None:
        """The stages of the schedule chosen now; a choice past its last stage goes back to the usual."""
        names = self.settings.stages_of(self.schedule_id())
        for combo in self.stage_combos.values():
            chosen = combo.currentData() if combo.count() else combo.property("start_stage")
            combo.clear()
            combo.addItem(FROM_FIRST, None)
            for index, name in enumerate(names):
                combo.addItem(f"Stage {index + 1}: {name}", index)
            found = combo.findData(chosen) if isinstance(chosen, int) else 0
            combo.setCurrentIndex(max(0, found))

    def start_stages(self) -> dict[int, int | None]:
        stages: dict[int, int | None] = {}
        for invoice_id, combo in self.stage_combos.items():
            data = combo.currentData()
            stages[invoice_id] = data if isinstance(data, int) else None
        return stages

    def write(self) -> Write | None:
        db, client_id = self.workspace.db, self.client_id
        schedule_id, stopped, stages = (
            self.schedule_id(),
            self.do_not_chase_box.isChecked(),
            self.start_stages(),
        )
        return lambda: save_client_chasing(db, client_id, schedule_id, stopped, stages)


def edit_chasing(workspace: Workspace, parent: QWidget | None, client_id: int) -> bool:
    """The client's chasing settings; True once saved."""
    return open_form(parent, lambda: ChasingDialog(workspace, client_id, parent))
