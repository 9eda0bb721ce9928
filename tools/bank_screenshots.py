"""Take the README's pictures of the Bank tab, on a scratch copy of the demo company.

Usage: ``QT_QPA_PLATFORM=offscreen python tools/bank_screenshots.py [OUT_DIR]``
(default ``resources/screenshots``). Builds the demo business, imports a statement
that names some of its invoices the ways customers write them (and holds guesses,
strangers, a payment already entered by hand and a refund), then shoots the window
at 1280×720 and 1600×1000: bank-waiting.png, bank-all.png, bank-waiting-1600.png,
bank-all-1600.png, bank-assign.png and bank-today.png.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from creditdesk.domain.bank import BankStatement, BankTransaction
from creditdesk.domain.money import from_minor
from creditdesk.services.bank.entries import IGNORED, ignore_entries, list_bank_entries
from creditdesk.services.bank.statement_import import import_bank_statement
from creditdesk.services.company.demo import generate_demo
from creditdesk.services.company.settings import get_company
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.store.database import Database, open_database
from creditdesk.store.queries.bank import OpenForMatching, client_names, open_invoices_for_matching
from creditdesk.store.unit_of_work import UnitOfWork
from creditdesk.ui.bank.assign_dialog import AssignDialog
from creditdesk.ui.main_window import BANK, TODAY, MainWindow
from creditdesk.ui.workers import wait_for_background_work
from creditdesk.ui.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"": (1280, 720), "-1600": (1600, 1000)}
TODAY_DATE = date(2026, 12, 3)
ACCOUNT = "GB33BUKB20201555555555"


def settle(app: QApplication, done: Callable[[], bool] = lambda: True, seconds: float = 20) -> None:
    """Let background reads finish and their answers (handed over by a timer) reach the widgets."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        wait_for_background_work()
        for _ in range(5):
            app.processEvents()
            time.sleep(0.02)
        if done():
            break
    app.processEvents()


def shoot(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


def money(minor: int) -> Decimal:
    return from_minor(minor, 2)  # the demo books are kept in pounds


def open_invoices(db: Database) -> tuple[list[OpenForMatching], dict[int, str]]:
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        return open_invoices_for_matching(conn), {
            client_id: name for client_id, name, _code in client_names(conn)
        }


def statement(db: Database) -> BankStatement:
    """A week of money in, written the ways customers and banks write it."""
    invoices, names = open_invoices(db)
    by_client: dict[int, list[OpenForMatching]] = {}
    for item in sorted(invoices, key=lambda i: (i.due_date, i.id)):
        by_client.setdefault(item.client_id, []).append(item)
    several = [items for items in by_client.values() if len(items) >= 2]
    single = [items[0] for items in by_client.values()]
    day = TODAY_DATE - timedelta(days=1)
    entries: list[BankTransaction] = []

    def credit(ref: str, booked: date, amount: Decimal, name: str, iban: str, text: str) -> None:
        entries.append(BankTransaction(ref, booked, amount, "GBP", name, iban, text))

    a, b = several[0][:2]
    credit(
        "FPS-3301",
        day,
        money(a.open + b.open),
        names[a.client_id].upper(),
        "",
        f"INV {a.number} + {b.number}",
    )
    c = single[3]
    credit(
        "FPS-3302", day, money(c.open), names[c.client_id], "GB82WEST12345698765432", f"Payment {c.number}"
    )
    d = single[4]
    part = money(d.open // 2)
    credit("FPS-3303", day - timedelta(days=1), part, names[d.client_id], "", f"{d.number} part payment")
    e = single[5]
    credit("BGC-7710", day - timedelta(days=1), money(e.open), names[e.client_id], "", "Thank you")
    f = single[6]
    credit(
        "FPS-3304",
        day - timedelta(days=2),
        money(f.open) + Decimal("40.00"),
        names[f.client_id],
        "",
        f"Inv {f.number.lower()} incl. delivery",
    )
    credit(
        "FPS-3305",
        day - timedelta(days=2),
        Decimal("325.00"),
        "M HOLLOWAY",
        "GB29NWBK60161331926819",
        "Kitchen worktop deposit",
    )
    credit("BGC-7711", day - timedelta(days=3), Decimal("18.40"), "HMRC", "", "VAT repayment ref 8841203")
    g = single[8]
    record_payment(
        db, PaymentInput(g.client_id, day - timedelta(days=4), money(g.open), reference="Cheque 100417")
    )
    credit(
        "CHQ-0417", day - timedelta(days=3), money(g.open), names[g.client_id], "", "Cheque paid in 100417"
    )
    h = single[9]
    credit("FPS-3306", day - timedelta(days=4), Decimal("150.00"), names[h.client_id], "", "On account")
    return BankStatement("camt.053", ACCOUNT, "GBP", tuple(entries), statement_date=TODAY_DATE)


def main(out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName("CreditDesk screenshots")  # a scratch settings file, not the user's
    scratch = Path(tempfile.mkdtemp())
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(scratch))
    db = open_database(scratch / "company.sqlite", create=True)
    generate_demo(db, clients=40, invoices=600, seed=7, as_of=TODAY_DATE)
    import_bank_statement(db, statement(db), "statement-2026-12-02.xml")
    refund = next(e for e in list_bank_entries(db) if e.payer_name == "HMRC")
    ignore_entries(db, [refund.id])
    assert any(e.status == IGNORED for e in list_bank_entries(db))
    workspace = Workspace(db, get_company(db), today=lambda: TODAY_DATE)

    window = MainWindow(workspace)
    window.show()
    window.load()
    tab = window.bank_tab
    for suffix, size in SIZES.items():
        window.resize(*size)
        window.tabs.setCurrentIndex(BANK)
        tab.status_combo.setCurrentIndex(0)
        settle(app, lambda: tab.listing is not None and not tab._load.running)
        tab.table_view.selectRow(0)
        app.processEvents()
        shoot(window, out / f"bank-waiting{suffix}.png")
        tab.status_combo.setCurrentIndex(2)
        settle(app, lambda: not tab._load.running and tab.model.rowCount() > 5)
        shoot(window, out / f"bank-all{suffix}.png")

    window.resize(*SIZES[""])
    window.tabs.setCurrentIndex(TODAY)
    settle(app, lambda: window.today_tab.has_loaded)
    shoot(window, out / "bank-today.png")

    tab.status_combo.setCurrentIndex(0)
    settle(app, lambda: not tab._load.running)
    waiting = next(e for e in tab.model.rows if e.payer_name == "M HOLLOWAY")
    dialog = AssignDialog(workspace, waiting, window)
    dialog.show()
    dialog.client_picker.set_client(dialog.client_picker.itemData(2))
    app.processEvents()
    shoot(dialog, out / "bank-assign.png")
    dialog.reject()
    window.close()
    settle(app)
    db.close()
    shutil.rmtree(scratch, ignore_errors=True)  # the scratch company and its settings


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "resources" / "screenshots")
