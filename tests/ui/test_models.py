"""Every Qt item model of the window, checked by Qt's model tester while it holds a real company's data.

The clients, aging and invoices models (and the clients proxy, open invoices and timeline) are
checked in their tabs' tests; this module covers the rest. Each model is checked with
``qtmodeltester.check`` (Qt's own QAbstractItemModelTester, which stays attached: every reset,
insertion, removal and change of data afterwards is checked too, and any complaint is a Qt
warning, which fails the test) and with pytest-qt's Python port, which also checks the type of
what each role returns. ``sweep`` then reads every cell and header in every role the views ask
for, so a row past the first that raises or returns the wrong type fails as well.

One small demo company (20 clients, 200 invoices) is built once for the module, with the
arrangements, reminders, interest settings and backups the demo does not make. No test writes
to it: edits go into the models only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from creditdesk.domain.aging import Basis
from creditdesk.domain.chasing import Channel
from creditdesk.domain.disputes import DisputeReason
from creditdesk.domain.interest import InterestPolicy
from creditdesk.domain.payment_plans import Frequency
from creditdesk.services.arrangements.disputes import disputes, open_dispute
from creditdesk.services.arrangements.payment_plans import PlanInput, create_plan
from creditdesk.services.arrangements.promises import PromiseInput, record_promise
from creditdesk.services.chasing import outbox, reminders
from creditdesk.services.chasing.outbox import ReminderStatus
from creditdesk.services.chasing.schedules import default_schedule_id, get_schedule
from creditdesk.services.chasing.today import TodayKind, today
from creditdesk.services.clients.conversations import ConversationInput, ConversationKind, log_conversation
from creditdesk.services.clients.overview import client_detail, client_rows
from creditdesk.services.company.backups import backup_now, list_backups
from creditdesk.services.company.demo import generate_demo
from creditdesk.services.company.settings import get_company
from creditdesk.services.ledger.interest import (
    base_rates,
    client_policies,
    describe_policy,
    set_base_rate,
    set_client_interest_policy,
)
from creditdesk.services.ledger.invoice_list import invoice_detail, open_invoices_for
from creditdesk.services.ledger.invoices import LineText, format_number
from creditdesk.services.reports.aging import client_aging
from creditdesk.services.reports.batch_statements import clients_with_balance
from creditdesk.services.reports.dashboard import dashboard
from creditdesk.store.database import Database, open_database
from creditdesk.ui.arrangements.disputes_dialog import HEADERS, DisputesDialog
from creditdesk.ui.arrangements.plan_dialog import AMOUNT, PlanDialog
from creditdesk.ui.chasing.message_dialog import CoveredInvoicesModel
from creditdesk.ui.chasing.outbox_model import STATUS, OutboxModel
from creditdesk.ui.chasing.schedule_dialog import NAME, StagesModel, when_text
from creditdesk.ui.chasing.today_model import TodayModel, arranged
from creditdesk.ui.company.backup_dialog import BackupRow, BackupsModel
from creditdesk.ui.ledger.interest_dialog import BaseRatesModel, ClientPoliciesModel
from creditdesk.ui.ledger.invoice_dialog import (
    DESCRIPTION,
    NET,
    QUANTITY,
    TAX_RATE,
    UNIT_PRICE,
    InvoiceDialog,
    LinesModel,
)
from creditdesk.ui.ledger.invoice_picker import NUMBER, InvoicePickModel
from creditdesk.ui.ledger.payment_dialog import APPLY, OPEN, PaymentDialog
from creditdesk.ui.reports.aging_drill import AgedInvoicesModel
from creditdesk.ui.reports.batch_dialog import ChoicesModel, ChoicesProxy
from creditdesk.ui.reports.dashboard import DebtorsModel
from creditdesk.ui.widgets import ID_ROLE
from creditdesk.ui.workers import wait_for_background_work
from creditdesk.ui.workspace import Workspace
from tests.ui.conftest import TODAY

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")
LOAD_MS = 10000

ROLE = Qt.ItemDataRole
TEXT = (str,)
BRUSH = (QBrush, QColor)
# What a view may ask each cell for, and what the answer may be (None always may).
ROLE_TYPES: dict[Qt.ItemDataRole, tuple[type, ...]] = {
    ROLE.DisplayRole: TEXT,
    ROLE.EditRole: TEXT,
    ROLE.ToolTipRole: TEXT,
    ROLE.StatusTipRole: TEXT,
    ROLE.WhatsThisRole: TEXT,
    ROLE.TextAlignmentRole: (int, Qt.AlignmentFlag),
    ROLE.FontRole: (QFont,),
    ROLE.ForegroundRole: BRUSH,
    ROLE.BackgroundRole: BRUSH,
    ROLE.DecorationRole: (QIcon, QPixmap, QImage, QColor),
    ROLE.CheckStateRole: (Qt.CheckState,),
    ROLE.AccessibleTextRole: TEXT,
    ROLE.UserRole: (int,),
}


# --- the company ------------------------------------------------------------------------------------


def _busiest(db: Database) -> list[int]:
    """The clients with open invoices, most open invoices first."""
    counts = {row.id: len(open_invoices_for(db, row.id)) for row in client_rows(db, TODAY)}
    return sorted((cid for cid, n in counts.items() if n), key=lambda cid: (-counts[cid], cid))


def _arrange(db: Database) -> None:
    """What the demo does not make: arrangements, a follow-up, interest settings, reminders, backups."""
    busy = _busiest(db)
    assert len(busy) >= 6, busy
    disputed, planned, broken, due, second_dispute, called = busy[:6]
    oldest = open_invoices_for(db, disputed)[0]
    open_dispute(db, oldest.id, DisputeReason.QUALITY, "Doors warped;\nsent photos", date(2026, 10, 1))
    newest = open_invoices_for(db, second_dispute)[-1]
    open_dispute(db, newest.id, DisputeReason.WRONG_PO, "", date(2026, 11, 21))
    plan_ids = [i.id for i in open_invoices_for(db, planned)]
    create_plan(
        db,
        PlanInput(planned, plan_ids, date(2026, 10, 15), Frequency.MONTHLY, date(2026, 10, 1), count=4),
    )
    first = open_invoices_for(db, broken)[0]
    record_promise(
        db, PromiseInput(broken, [first.id], Decimal("50.00"), date(2026, 11, 18), date(2026, 11, 10))
    )
    first = open_invoices_for(db, due)[0]
    record_promise(db, PromiseInput(due, [first.id], Decimal("80.00"), TODAY, date(2026, 11, 15)))
    log_conversation(
        db,
        ConversationInput(
            called,
            ConversationKind.CALL,
            datetime(2026, 11, 19, 10, 30),
            "Will pay on Friday",
            "",
            date(2026, 11, 21),
        ),
    )
    set_base_rate(db, date(2025, 8, 7), Decimal("4.00"))
    set_base_rate(db, date(2026, 2, 5), Decimal("3.75"))
    set_client_interest_policy(db, busy[0], InterestPolicy.statutory_uk())
    set_client_interest_policy(db, busy[1], InterestPolicy.contractual(Decimal("8")))
    reminders.queue(db, TODAY)
    queued = outbox.outbox_rows(db)
    assert len(queued) >= 3, queued
    outbox.approve(db, [queued[0].id])
    outbox.cancel(db, [queued[1].id])
    backup_now(db, now=datetime(2026, 11, 20, 9, 0))
    backup_now(db, now=datetime(2026, 11, 21, 17, 30))


@pytest.fixture(scope="module")
def books(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    db = open_database(tmp_path_factory.mktemp("models") / "demo.sqlite", create=True)
    generate_demo(db, clients=20, invoices=200, seed=7, as_of=TODAY)
    _arrange(db)
    yield Workspace(db, get_company(db), today=lambda: TODAY)
    wait_for_background_work()
    db.close()


@pytest.fixture(scope="module")
def busy(books: Workspace) -> list[int]:
    return _busiest(books.db)


# --- reading models as views do ---------------------------------------------------------------------


Check = Callable[[QAbstractItemModel], None]


@pytest.fixture
def check(qtmodeltester: ModelTester, pytestconfig: pytest.Config) -> Iterator[Check]:
    """``qtmodeltester.check(model)`` and pytest-qt's port beside it; a second model gets its own."""
    testers: list[ModelTester] = []

    def check(model: QAbstractItemModel) -> None:
        qt = ModelTester(pytestconfig) if testers else qtmodeltester
        qt.check(model)  # Qt's own tester, attached to the model from now on
        port = ModelTester(pytestconfig)
        port.check(model, force_py=True)  # also the types of the answers
        testers.extend((qt, port))

    yield check
    for tester in testers:
        # The fixture cleans up its own; a dialog's model is gone once qtbot has closed the dialog.
        if tester is not qtmodeltester and tester._model is not None and shiboken6.isValid(tester._model):
            tester._cleanup()


def sweep(model: QAbstractItemModel) -> list[list[Any]]:
    """Every cell and header in every role, each answer of its role's type; the texts shown."""
    for orientation, count in (
        (Qt.Orientation.Horizontal, model.columnCount()),
        (Qt.Orientation.Vertical, model.rowCount()),
    ):
        for section in range(count):
            for role in (ROLE.DisplayRole, ROLE.ToolTipRole, ROLE.TextAlignmentRole):
                value = model.headerData(section, orientation, role)
                types = ROLE_TYPES[role]
                if orientation is Qt.Orientation.Vertical and role == ROLE.DisplayRole:
                    types = (str, int)  # Qt's own row numbers
                assert value is None or isinstance(value, types), (orientation, section, role, value)
    shown = []
    for row in range(model.rowCount()):
        texts = []
        for column in range(model.columnCount()):
            index = model.index(row, column)
            assert index.isValid() and not index.parent().isValid()
            assert model.rowCount(index) == 0 and model.columnCount(index) == 0
            for role, types in ROLE_TYPES.items():
                value = model.data(index, role)
                assert value is None or isinstance(value, types), (row, column, role, value)
            flags = model.flags(index)
            assert flags & Qt.ItemFlag.ItemIsEnabled, (row, column)
            texts.append(model.data(index, ROLE.DisplayRole))
        shown.append(texts)
    assert not model.index(model.rowCount(), 0).isValid()
    return shown


def headers(model: QAbstractItemModel) -> list[Any]:
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def column(model: QAbstractItemModel, col: int, role: int = ROLE.DisplayRole) -> list[Any]:
    return [model.data(model.index(row, col), role) for row in range(model.rowCount())]


def editable(model: QAbstractItemModel, col: int) -> list[bool]:
    return [
        bool(model.flags(model.index(row, col)) & Qt.ItemFlag.ItemIsEditable)
        for row in range(model.rowCount())
    ]


# --- arrangements -----------------------------------------------------------------------------------


def test_disputes_model_while_the_dialog_loads_and_reloads(
    qtbot: QtBot, books: Workspace, check: Check
) -> None:
    expected = disputes(books.db, TODAY)
    assert len(expected) == 2
    dialog = DisputesDialog(books)
    qtbot.addWidget(dialog)
    model = dialog.model
    check(model)  # empty, before the background load resets it
    qtbot.waitUntil(lambda: model.rowCount() == len(expected), timeout=LOAD_MS)
    shown = sweep(model)
    assert headers(model) == list(HEADERS)  # the column names, not Qt's numbers
    assert [r[1] for r in shown] == [d.invoice_number for d in expected]
    assert [r[4] for r in shown] == ["52 days", "1 day"]
    assert shown[0][6] == "Doors warped; sent photos"  # one line in the cell...
    assert (
        model.data(model.index(0, 6), ROLE.ToolTipRole) == "Doors warped;\nsent photos"
    )  # ...whole in the tip
    model.set_rows(expected[1:])
    assert column(model, 1) == [expected[1].invoice_number]
    with qtbot.waitSignal(model.modelReset, timeout=LOAD_MS):
        dialog.reload()
    assert model.rowCount() == 2 and sweep(model) == shown


def test_schedule_model_previewed_then_typed_over(
    qtbot: QtBot, books: Workspace, busy: list[int], check: Check
) -> None:
    dialog = PlanDialog(books, busy[0])
    qtbot.addWidget(dialog)
    model = dialog.schedule
    check(model)
    assert model.rowCount() == 3 and not any(editable(model, AMOUNT))
    total = sum((books.formats.parse_amount(a, field="") for a in column(model, AMOUNT)), Decimal(0))
    assert total == dialog.total > 0
    dialog.count_spin.setValue(6)  # a reset with more rows
    assert model.rowCount() == 6 and len(sweep(model)) == 6
    dialog.custom_button.setChecked(True)
    assert all(editable(model, AMOUNT)) and not any(editable(model, 0))
    amounts = column(model, AMOUNT)
    edits: list[None] = []
    model.amounts_edited.connect(lambda: edits.append(None))
    assert model.setData(model.index(0, AMOUNT), " 10.00 ")
    assert not model.setData(model.index(0, 1), "1 Jan 2027")  # the date is not typed over
    assert not model.setData(model.index(1, AMOUNT), "5", ROLE.DisplayRole)
    assert column(model, AMOUNT) == ["10.00", *amounts[1:]] and len(edits) == 1
    assert not dialog.save_button.isEnabled()  # no longer adds up to the total
    dialog.count_spin.setValue(2)  # the typed amounts give way to equal ones
    assert model.rowCount() == 2 and "10.00" not in column(model, AMOUNT)
    dialog.equal_button.setChecked(True)
    assert not any(editable(model, AMOUNT)) and len(sweep(model)) == 2


def test_invoice_pick_model_ticked_and_unticked(books: Workspace, busy: list[int], check: Check) -> None:
    detail = client_detail(books.db, busy[0], TODAY)
    model = InvoicePickModel(books.formats)
    check(model)
    ticks: list[None] = []
    model.checked_changed.connect(lambda: ticks.append(None))
    first = detail.open_invoices[0].id
    model.set_items(detail.open_invoices, [first, -1])
    shown = sweep(model)
    assert [r[NUMBER] for r in shown] == [i.number for i in detail.open_invoices]
    assert model.rowCount() == len(detail.open_invoices) > 3
    assert column(model, NUMBER, ROLE.CheckStateRole) == [
        Qt.CheckState.Checked if i.id == first else Qt.CheckState.Unchecked for i in detail.open_invoices
    ]
    assert model.setData(model.index(2, NUMBER), Qt.CheckState.Checked.value, ROLE.CheckStateRole)
    assert not model.setData(model.index(2, 1), Qt.CheckState.Checked.value, ROLE.CheckStateRole)
    model.set_checked(first, False)
    assert model.checked_items() == [detail.open_invoices[2]] and len(ticks) == 3
    assert model.checked_total() == detail.open_invoices[2].open
    model.set_items(detail.open_invoices[:1], [])  # reset to fewer rows
    assert model.rowCount() == 1 and model.checked_items() == []
    sweep(model)


# --- chasing ----------------------------------------------------------------------------------------


def test_outbox_model_holds_every_status(books: Workspace, check: Check) -> None:
    rows = outbox.outbox_rows(books.db)
    model = OutboxModel(books.formats)
    check(model)
    model.set_rows(rows)
    shown = sweep(model)
    assert len(shown) == len(rows) >= 3
    assert {r[STATUS] for r in shown} == {"Draft", "Approved", "Cancelled"}
    assert [r[1] for r in shown] == [r.client_name for r in rows]
    assert model.row_of(rows[-1].id) == len(rows) - 1 and model.row_of(-1) is None
    model.set_rows([r for r in rows if r.status is ReminderStatus.DRAFT])
    assert set(column(model, STATUS)) == {"Draft"} and model.rowCount() == len(rows) - 2
    model.set_rows([])
    assert model.rowCount() == 0


def test_today_model_with_every_kind_the_books_have(books: Workspace, check: Check) -> None:
    items = arranged(today(books.db, TODAY))
    model = TodayModel(books.formats)
    check(model)
    model.set_rows(items)
    shown = sweep(model)
    assert len(shown) == len(items)
    kinds = {i.kind for i in items}
    assert {
        TodayKind.PROMISE_BROKEN,
        TodayKind.PROMISE_DUE,
        TodayKind.FOLLOW_UP,
        TodayKind.DISPUTE_WAITING,
    } <= kinds
    assert shown[0][TodayModel.KIND] == "Promise broken"  # the most urgent first
    assert column(model, TodayModel.CLIENT, ID_ROLE) == [i.client_id for i in items]
    assert [model.item(r) for r in range(len(items))] == items
    model.set_rows(items[::-1])
    assert column(model, TodayModel.DETAILS) == [i.text for i in items[::-1]]


def test_covered_invoices_model_of_the_longest_message(books: Workspace, check: Check) -> None:
    details = [outbox.message_detail(books.db, r.id) for r in outbox.outbox_rows(books.db)]
    detail = max(details, key=lambda d: len(d.invoices))
    model = CoveredInvoicesModel(books.formats)
    check(model)
    model.set_rows(detail.invoices)
    shown = sweep(model)
    assert [r[0] for r in shown] == [i.number for i in detail.invoices]
    assert [r[5] for r in shown] == [books.formats.amount(i.open_now) for i in detail.invoices]
    model.set_rows(min(details, key=lambda d: len(d.invoices)).invoices)
    assert 0 < model.rowCount() <= len(detail.invoices)


def test_stages_model_of_the_standard_schedule_edited(books: Workspace, check: Check) -> None:
    schedule = get_schedule(books.db, default_schedule_id(books.db))
    stages = list(schedule.stages)
    model = StagesModel(books.formats)
    check(model)
    model.set_stages(stages)
    shown = sweep(model)
    assert [r[NAME] for r in shown] == [s.name for s in stages]
    assert [r[0] for r in shown] == [when_text(s.offset_days) for s in stages]
    assert {s.channel for s in stages} >= {Channel.EMAIL}
    broken = replace(stages[1], name="Second reminder", body_template="Dear {{ client.name ")
    model.update_stage(1, broken)
    assert column(model, NAME)[1] == "⚠ Second reminder"
    assert model.data(model.index(1, NAME), ROLE.ToolTipRole)
    model.update_stage(1, stages[1])
    assert sweep(model) == shown
    model.set_stages(stages[:2])
    assert model.rowCount() == 2


# --- ledger -----------------------------------------------------------------------------------------


def test_allocation_model_as_a_payment_is_typed_and_allocated(
    qtbot: QtBot, books: Workspace, busy: list[int], check: Check
) -> None:
    dialog = PaymentDialog(books, client_id=busy[0])
    qtbot.addWidget(dialog)
    model = dialog.panel.model
    check(model)
    invoices = open_invoices_for(books.db, busy[0])
    assert [r[0] for r in sweep(model)] == [i.number for i in invoices] and len(invoices) > 3
    assert editable(model, APPLY) == [True] * len(invoices) and not any(editable(model, OPEN))
    fmt = books.formats
    first, second = invoices[0].open_amount, invoices[1].open_amount
    dialog.amount_edit.setText(fmt.amount(first + second))  # pre-filled oldest first
    assert column(model, APPLY)[:3] == [fmt.amount(first), fmt.amount(second), ""]
    edits: list[None] = []
    model.edited.connect(lambda: edits.append(None))
    assert model.setData(model.index(2, APPLY), "1.00")
    assert model.setData(model.index(0, APPLY), "")
    assert model.setData(model.index(1, APPLY), "lots")  # refused by the dialog, shown on the cell
    assert not model.setData(model.index(1, OPEN), "0.00")
    assert column(model, APPLY)[:3] == ["", "lots", "1.00"] and len(edits) == 3
    assert model.data(model.index(1, APPLY), ROLE.BackgroundRole) is not None
    assert not dialog.record_button.isEnabled()
    sweep(model)
    dialog.date_edit.setDate(dialog.date_edit.date().addDays(30))  # the Overdue column changes
    assert not dialog.record_button.isEnabled()
    dialog.panel.clear_button.click()
    assert set(column(model, APPLY)) == {""}
    dialog.client_picker.set_client(busy[1])  # a reset to another client's invoices
    dialog.on_client_picker_client_changed(busy[1])
    assert column(model, 0) == [i.number for i in open_invoices_for(books.db, busy[1])]
    sweep(model)


def _lines_of(books: Workspace, busy: list[int]) -> list[LineText]:
    """The lines of an invoice with several, typed as the invoice dialog shows them."""
    locale, fmt = books.company.locale, books.formats
    for client_id in busy:
        for invoice in open_invoices_for(books.db, client_id):
            detail = invoice_detail(books.db, invoice.id, TODAY)
            if len(detail.lines) > 1:
                return [
                    LineText(
                        line.description,
                        format_number(line.quantity, locale),
                        fmt.amount(line.unit_price),
                        format_number(line.tax_rate, locale),
                    )
                    for line in detail.lines
                ]
    raise AssertionError("no invoice with several lines")


def test_lines_model_of_a_new_invoice_typed_into(
    qtbot: QtBot, books: Workspace, busy: list[int], check: Check
) -> None:
    dialog = InvoiceDialog(books, client_id=busy[0])
    qtbot.addWidget(dialog)
    model, issue = dialog.lines_model, dialog.issue_button
    assert issue is not None
    check(model)
    assert model.rowCount() == 1 and model.is_trailing_blank(0)
    assert all(editable(model, c)[0] for c in (DESCRIPTION, QUANTITY, UNIT_PRICE, TAX_RATE))
    assert not any(editable(model, NET))
    assert model.setData(model.index(0, DESCRIPTION), "Oak door")  # a line begins: a blank one follows
    assert model.rowCount() == 2 and model.is_trailing_blank(1)
    assert model.setData(model.index(0, UNIT_PRICE), "120.00")
    assert model.setData(model.index(0, QUANTITY), "2")
    assert model.setData(model.index(1, UNIT_PRICE), "abc")  # the second line begins with a bad price
    assert not model.setData(model.index(0, NET), "1.00")
    assert model.rowCount() == 3
    shown = sweep(model)
    assert shown[0] == ["Oak door", "2", "120.00", model.default_rate, "240.00"]
    assert model.data(model.index(1, UNIT_PRICE), ROLE.BackgroundRole) is not None
    assert not issue.isEnabled()
    model.remove_line(1)
    model.remove_line(1)  # the blank line stays
    assert model.rowCount() == 2 and issue.isEnabled()
    model.remove_line(0)
    assert model.rowCount() == 1 and model.is_trailing_blank(0)
    sweep(model)


def test_lines_model_of_an_invoice_edited_line_by_line(
    books: Workspace, busy: list[int], check: Check
) -> None:
    lines = _lines_of(books, busy)
    model = LinesModel(lines, "20")
    check(model)
    shown = sweep(model)
    assert [r[:4] for r in shown] == [
        [x.description, x.quantity, x.unit_price, x.tax_rate] for x in lines
    ] + [["", "", "", ""]]
    model.set_feedback({0: "1.00"}, {(1, QUANTITY): "The quantity is not a number"})
    assert column(model, NET)[:2] == ["1.00", ""]
    assert model.setData(model.index(1, QUANTITY), "3")
    assert model.setData(model.index(len(lines), DESCRIPTION), "Delivery")  # into the blank line
    assert model.data(model.index(len(lines), TAX_RATE), ROLE.EditRole) == "20"
    assert model.rowCount() == len(lines) + 2
    model.remove_line(0)
    assert model.lines()[0].quantity == "3" and model.rowCount() == len(lines) + 1
    model.set_feedback({}, {})
    sweep(model)


def test_lines_model_of_an_issued_invoice_is_read_only(
    qtbot: QtBot, books: Workspace, busy: list[int], check: Check
) -> None:
    invoice = open_invoices_for(books.db, busy[0])[0]
    dialog = InvoiceDialog(books, invoice_id=invoice.id)
    qtbot.addWidget(dialog)
    model = dialog.lines_model
    check(model)
    detail = invoice_detail(books.db, invoice.id, TODAY)
    shown = sweep(model)
    assert [r[DESCRIPTION] for r in shown] == [line.description for line in detail.lines]
    assert all(r[NET] for r in shown)  # the dialog worked the nets out
    assert not any(any(editable(model, c)) for c in range(model.columnCount()))
    assert not model.setData(model.index(0, DESCRIPTION), "Changed")
    model.remove_line(0)
    assert model.rowCount() == len(detail.lines)


def test_interest_models_with_rates_and_client_policies(books: Workspace, check: Check) -> None:
    rates = BaseRatesModel(books.formats)
    check(rates)
    rates.set_rows(base_rates(books.db))
    assert [r[1] for r in sweep(rates)] == ["4.00 %", "3.75 %"]
    policies = ClientPoliciesModel(books.formats)
    check(policies)
    rows = client_policies(books.db)
    policies.set_rows(rows)
    shown = sweep(policies)
    assert len(shown) == len(rows) == 2
    assert [r[2] for r in shown] == [describe_policy(p.policy) for p in rows]


# --- reports and the company file -------------------------------------------------------------------


def test_choices_model_and_proxy_sorted_filtered_and_ticked(books: Workspace, check: Check) -> None:
    choices = clients_with_balance(books.db, TODAY)
    model = ChoicesModel(books.formats)
    proxy = ChoicesProxy()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    check(model)
    model.set_choices(choices)
    assert [r[1] for r in sweep(model)] == [c.name for c in choices] and len(choices) > 5
    check(proxy)
    proxy.sort(ChoicesModel.BALANCE, Qt.SortOrder.DescendingOrder)
    assert column(proxy, ChoicesModel.BALANCE) == [
        books.formats.amount(c.balance) for c in sorted(choices, key=lambda c: c.balance, reverse=True)
    ]
    proxy.sort(ChoicesModel.CODE, Qt.SortOrder.AscendingOrder)
    assert column(proxy, ChoicesModel.CODE) == sorted(c.code for c in choices)
    proxy.sort(ChoicesModel.NAME, Qt.SortOrder.DescendingOrder)
    assert column(proxy, ChoicesModel.NAME) == [c.name for c in reversed(choices)]
    sweep(proxy)
    proxy.setFilterFixedString(choices[0].code)
    assert column(proxy, ChoicesModel.CODE) == [choices[0].code]
    assert proxy.setData(
        proxy.index(0, ChoicesModel.CODE), Qt.CheckState.Unchecked.value, ROLE.CheckStateRole
    )
    assert proxy.data(proxy.index(0, ChoicesModel.CODE), ROLE.CheckStateRole) == Qt.CheckState.Unchecked
    proxy.setFilterFixedString("")
    assert proxy.rowCount() == len(choices)
    model.set_ticked(list(range(len(choices))), False)
    model.set_ticked([1, 3], True)
    assert model.chosen() == [choices[1], choices[3]]
    model.set_choices(choices[2:])  # a reload for another date keeps the ticks
    assert proxy.rowCount() == len(choices) - 2 and model.chosen() == [choices[3]]
    sweep(proxy)


def test_debtors_model_the_ten_largest(books: Workspace, check: Check) -> None:
    debtors = dashboard(books.db, TODAY).top_debtors
    model = DebtorsModel(books.formats)
    check(model)
    model.set_rows(debtors)
    shown = sweep(model)
    assert len(shown) == len(debtors) == 10
    assert [r[DebtorsModel.BALANCE] for r in shown] == [books.formats.amount(d.balance) for d in debtors]
    assert column(model, 0, ROLE.UserRole) == [d.client_id for d in debtors]
    model.set_rows(debtors[:3])
    assert model.rowCount() == 3


@pytest.mark.parametrize("basis", list(Basis))
def test_aged_invoices_model_of_the_busiest_client(
    books: Workspace, busy: list[int], basis: Basis, check: Check
) -> None:
    aged = client_aging(books.db, busy[0], TODAY, basis).invoices
    model = AgedInvoicesModel(books.formats, basis)
    check(model)
    model.set_rows(aged)
    shown = sweep(model)
    assert [r[0] for r in shown] == [i.number for i in aged] and len(aged) > 3
    assert [r[5] for r in shown] == [str(max(i.days, 0)) for i in aged]
    model.set_rows(client_aging(books.db, busy[-1], TODAY, basis).invoices)
    assert model.rowCount() > 0


def test_backups_model_listed_then_one_chosen(books: Workspace, check: Check) -> None:
    infos = list_backups(books.db.path)
    model = BackupsModel(books.formats)
    check(model)
    model.set_rows([BackupRow.listed(info) for info in infos])
    shown = sweep(model)
    assert len(shown) == len(infos) == 2
    assert column(model, BackupsModel.TAKEN, ROLE.ToolTipRole) == [info.path.name for info in infos]
    model.add_first(BackupRow.chosen(books.db.path))
    assert model.rowCount() == 3 and column(model, BackupsModel.KIND)[0] == "Chosen by you"
    assert sweep(model)[1:] == shown
    model.set_rows([])
    assert model.rowCount() == 0
