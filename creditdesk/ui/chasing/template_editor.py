"""The subject and body of one reminder stage, checked as you type and previewed for a real client.

Checking and filling in are ``mail.templates``' (the same sandbox that sends);
this widget only waits for a pause in the typing (300 ms), lists each problem
with its line, tints that line, and shows the message as the chosen client
would get it today. A sample client hides mistakes a real one shows, so the
preview starts with the client owing the most overdue money.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from creditdesk.domain.errors import CreditDeskError
from creditdesk.services.chasing.template_preview import (
    PLACEHOLDERS,
    PreviewClient,
    ReminderContext,
    TemplateError,
    TemplateProblem,
    check_template,
    default_preview_client,
    preview_clients,
    preview_context,
    render_reminder,
    sample_context,
)
from creditdesk.ui.errors import show_error
from creditdesk.ui.widgets import ERROR_COLOUR, HINT_COLOUR, sentence
from creditdesk.ui.workers import run_in_background
from creditdesk.ui.workspace import Workspace

CHECK_DELAY_MS = 300
PROBLEM_LINE_COLOUR = "#fde3e1"
LOOP_SNIPPET = (
    "{% for invoice in invoices %}\n- {{ invoice.number }}: {{ invoice.open_amount }}\n{% endfor %}\n"
)


def problem_text(part: str, problem: TemplateProblem) -> str:
    """``Line 4: …`` for the body, ``Subject: …`` for the subject: where to look, then what is wrong."""
    if part == "subject":
        return f"Subject: {sentence(problem.message)}"
    where = "Body" if problem.line is None else f"Line {problem.line}"
    return f"{where}: {sentence(problem.message)}"


class TemplateEditor(QWidget):
    """``changed`` is emitted after a pause in the typing, once the new text has been checked."""

    changed = Signal()
    preview_shown = Signal()  # the preview caught up with the text and the chosen client

    def __init__(
        self, workspace: Workspace, parent: QWidget | None = None, *, place_subject: bool = True
    ) -> None:
        """``place_subject=False`` leaves ``subject_edit`` for the caller to place in its own form."""
        super().__init__(parent)
        self.workspace = workspace
        self._context: ReminderContext | None = None
        self._context_client: int | None = None
        self._subject_problems: list[TemplateProblem] = []
        self._body_problems: list[TemplateProblem] = []
        self._filling = False
        self._target: QLineEdit | QPlainTextEdit | None = None

        self.subject_edit = QLineEdit()
        self.subject_edit.setPlaceholderText("e.g. Invoice {{ invoices[0].number }} is now due")
        self.body_edit = QPlainTextEdit()
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        fixed.setPointSizeF(max(fixed.pointSizeF(), self.font().pointSizeF()) - 0.5)
        self.body_edit.setFont(fixed)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.problems_label.hide()

        self.placeholder_list = QListWidget()
        self.placeholder_list.setToolTip("Double-click to insert at the cursor")
        for name, meaning in PLACEHOLDERS.items():
            text = "{% for invoice in invoices %}" if name == "invoices" else f"{{{{ {name} }}}}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, LOOP_SNIPPET if name == "invoices" else text)
            item.setToolTip(meaning[0].upper() + meaning[1:])
            self.placeholder_list.addItem(item)
        self.placeholder_list.setMinimumWidth(
            self.fontMetrics().horizontalAdvance("{{ company.bank_details }}") + 36
        )
        self.placeholder_meaning = QLabel()
        self.placeholder_meaning.setWordWrap(True)
        self.placeholder_meaning.setStyleSheet(f"color: {HINT_COLOUR};")
        self.placeholder_meaning.setText("Double-click a placeholder to insert it.")

        self.client_combo = QComboBox()
        self.client_combo.setMinimumContentsLength(18)
        self.client_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.client_combo.addItem("Loading clients…")
        self.client_combo.setEnabled(False)
        self.recipient_label = QLabel()
        self.recipient_label.setTextFormat(Qt.TextFormat.PlainText)
        self.subject_preview = QLabel()
        self.subject_preview.setTextFormat(Qt.TextFormat.PlainText)
        self.subject_preview.setWordWrap(True)
        self.subject_preview.setStyleSheet("font-weight: 600;")
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview_note = QLabel()
        self.preview_note.setWordWrap(True)
        self.preview_note.setStyleSheet(f"color: {HINT_COLOUR};")

        # Left: the template itself.
        editor = QWidget()
        left = QVBoxLayout(editor)
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(6)
        body_label = QLabel("Message &text")
        body_label.setBuddy(self.body_edit)
        left.addWidget(body_label)
        left.addWidget(self.body_edit, 1)
        left.addWidget(self.problems_label)

        # Middle: what can be used.
        helpers = QWidget()
        middle = QVBoxLayout(helpers)
        middle.setContentsMargins(0, 0, 0, 0)
        middle.setSpacing(6)
        places_label = QLabel("&Placeholders")
        places_label.setBuddy(self.placeholder_list)
        middle.addWidget(places_label)
        middle.addWidget(self.placeholder_list, 1)
        middle.addWidget(self.placeholder_meaning)

        # Right: what the client would get.
        preview_box = QWidget()
        right = QVBoxLayout(preview_box)
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(6)
        client_row = QHBoxLayout()
        client_label = QLabel("Pre&view for")
        client_label.setBuddy(self.client_combo)
        client_row.addWidget(client_label)
        client_row.addWidget(self.client_combo, 1)
        right.addLayout(client_row)
        right.addWidget(self.recipient_label)
        right.addWidget(self.subject_preview)
        right.addWidget(self.preview, 1)
        right.addWidget(self.preview_note)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(editor)
        self.splitter.addWidget(helpers)
        self.splitter.addWidget(preview_box)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        if place_subject:
            subject_row = QHBoxLayout()
            subject_label = QLabel("Su&bject")
            subject_label.setBuddy(self.subject_edit)
            subject_row.addWidget(subject_label)
            subject_row.addWidget(self.subject_edit, 1)
            layout.addLayout(subject_row)
        layout.addWidget(self.splitter, 1)

        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(CHECK_DELAY_MS)
        self.check_timer.timeout.connect(self.on_check_timer_timeout)
        self.subject_edit.textChanged.connect(self.on_subject_edit_text_changed)
        self.body_edit.textChanged.connect(self.on_body_edit_text_changed)
        self.subject_edit.cursorPositionChanged.connect(lambda *_: self._aim(self.subject_edit))
        self.body_edit.cursorPositionChanged.connect(lambda: self._aim(self.body_edit))
        self.placeholder_list.itemDoubleClicked.connect(self.on_placeholder_list_item_double_clicked)
        self.placeholder_list.currentItemChanged.connect(self.on_placeholder_list_current_item_changed)
        self.client_combo.currentIndexChanged.connect(self.on_client_combo_current_index_changed)
        self._load_clients()

    # -- the text ----------------------------------------------------------------------------------
    def set_template(self, subject: str, body: str) -> None:
        """Show another stage's template, checked and previewed at once (no ``changed``)."""
        self._filling = True
        try:
            self.subject_edit.setText(subject)
            self.body_edit.setPlainText(body)
        finally:
            self._filling = False
        self.check_timer.stop()
        self._check()

    def subject(self) -> str:
        return self.subject_edit.text()

    def body(self) -> str:
        return self.body_edit.toPlainText()

    @property
    def problems(self) -> list[str]:
        """What is wrong with the text on screen, as last checked: ``Subject: …``, ``Line 4: …``."""
        return [problem_text("subject", p) for p in self._subject_problems] + [
            problem_text("body", p) for p in self._body_problems
        ]

    def flush(self) -> None:
        """Check a pending edit now (before saving or switching stage) rather than after the pause."""
        if self.check_timer.isActive():
            self.check_timer.stop()
            self._check()
            self.changed.emit()

    def on_subject_edit_text_changed(self, _text: str) -> None:
        if not self._filling:
            self.check_timer.start()

    def on_body_edit_text_changed(self) -> None:
        if not self._filling:
            self.check_timer.start()

    def on_check_timer_timeout(self) -> None:
        self._check()
        self.changed.emit()

    def _check(self) -> None:
        self._subject_problems = check_template(self.subject(), single_line=True)
        self._body_problems = check_template(self.body())
        problems = self.problems
        self.problems_label.setText("\n".join(f"⚠ {p}" for p in problems))
        self.problems_label.setVisible(bool(problems))
        self._tint_problem_lines()
        self._render()

    def _tint_problem_lines(self) -> None:
        selections: list[QTextEdit.ExtraSelection] = []
        document = self.body_edit.document()
        for line in sorted({p.line for p in self._body_problems if p.line is not None}):
            block = document.findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor(PROBLEM_LINE_COLOUR))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            cursor = QTextCursor(block)
            cursor.clearSelection()
            selection.cursor = cursor
            selections.append(selection)
        self.body_edit.setExtraSelections(selections)

    @property
    def tinted_lines(self) -> list[int]:
        """The 1-based lines of the body shown as having a problem."""
        return [s.cursor.blockNumber() + 1 for s in self.body_edit.extraSelections()]

    # -- placeholders ------------------------------------------------------------------------------
    def _aim(self, edit: QLineEdit | QPlainTextEdit) -> None:
        self._target = edit

    def on_placeholder_list_current_item_changed(
        self, item: QListWidgetItem | None, _previous: object
    ) -> None:
        if item is not None:
            self.placeholder_meaning.setText(item.toolTip() + ". Double-click to insert it.")

    def on_placeholder_list_item_double_clicked(self, item: QListWidgetItem) -> None:
        self.insert(str(item.data(Qt.ItemDataRole.UserRole)))

    def insert(self, text: str) -> None:
        """Insert at the cursor of the subject or the body, whichever was used last (the body at first)."""
        target = self._target or self.body_edit
        if isinstance(target, QLineEdit):
            target.insert(" ".join(text.split()) if "\n" in text else text)
        else:
            target.insertPlainText(text)
        target.setFocus()

    # -- the preview -------------------------------------------------------------------------------
    def _load_clients(self) -> None:
        workspace, today = self.workspace, self.workspace.today()
        run_in_background(
            self,
            lambda: preview_clients(workspace.db, today, lambda: workspace.aging(today)),
            self._show_clients,
            self._preview_failed,
        )

    def _show_clients(self, clients: list[PreviewClient]) -> None:
        chosen = default_preview_client(clients)
        self.client_combo.blockSignals(True)
        self.client_combo.clear()
        for client in clients:
            self.client_combo.addItem(f"{client.name} ({client.code})", client.id)
        if not clients:
            self.client_combo.addItem("A sample client (no clients yet)")
        self.client_combo.setEnabled(bool(clients))
        self.client_combo.setCurrentIndex(0 if chosen is None else self.client_combo.findData(chosen.id))
        self.client_combo.blockSignals(False)
        if chosen is None:
            self._context = sample_context()
            self._render()
        else:
            self._load_context(chosen.id)

    def choose_client(self, client_id: int) -> None:
        self.client_combo.setCurrentIndex(self.client_combo.findData(client_id))

    def on_client_combo_current_index_changed(self, index: int) -> None:
        client_id = self.client_combo.itemData(index)
        if isinstance(client_id, int):
            self._load_context(client_id)

    def _load_context(self, client_id: int) -> None:
        db, today = self.workspace.db, self.workspace.today()
        self._context_client = client_id
        self.preview_note.setText("Filling in for this client…")

        def done(context: ReminderContext) -> None:
            if client_id == self._context_client:
                self._context = context
                self._render()

        run_in_background(self, lambda: preview_context(db, client_id, today), done, self._preview_failed)

    def _preview_failed(self, exc: BaseException) -> None:
        if isinstance(exc, CreditDeskError):
            self.preview_note.setText(sentence(exc.message))
        else:
            show_error(self, exc)

    def _render(self) -> None:
        context = self._context
        if context is None:
            return
        if self._subject_problems or self._body_problems:
            self.preview_note.setText("The preview waits until the problems on the left are put right.")
            self.preview_shown.emit()
            return
        try:
            message = render_reminder(self.subject(), self.body(), context)
        except TemplateError as exc:
            self.preview_note.setText(f"Cannot be filled in for this client: {sentence(exc.message)}")
            self.preview_shown.emit()
            return
        email = context.client.email or "no email address: this stage would go as a letter"
        self.recipient_label.setText(
            f"To: {context.client.name} <{email}>" if context.client.email else f"To: {email}"
        )
        self.subject_preview.setText(message.subject or "(no subject)")
        scroll = self.preview.verticalScrollBar().value()
        self.preview.setHtml(message.html)
        self.preview.verticalScrollBar().setValue(scroll)
        today = self.workspace.formats.day(self.workspace.today())
        self.preview_note.setText(f"As it would go out today, {today}.")
        self.preview_shown.emit()

    @property
    def preview_text(self) -> str:
        """Everything the preview shows, as text: recipient, subject and message."""
        return "\n".join(
            (self.recipient_label.text(), self.subject_preview.text(), self.preview.toPlainText())
        )
