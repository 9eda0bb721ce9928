"""Take the README's pictures of importing from the window at 1280×720, on scratch companies.

Usage: ``QT_QPA_PLATFORM=offscreen python tools/import_screenshots.py [OUT_DIR]``
(default ``resources/screenshots``). Writes, for File → Import invoices…,
import-file.png, import-found.png, import-ready.png, import-progress.png,
import-done.png and import-problems.png; for clients and payments,
import-clients-found.png, import-clients-done.png, import-payments-mapping.png and
import-payments-done.png; and for File → Import bank statement…,
bank-import-check.png, bank-import-done.png, bank-import-mapping.png and
bank-import-refused.png.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from creditdesk.domain.invoice import InvoiceLine
from creditdesk.services.bank.statement_import import BankField
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company, get_company
from creditdesk.services.imports.mappings import Field
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.store.database import Database, open_database
from creditdesk.store.unit_of_work import UnitOfWork
from creditdesk.ui.bank.statement_dialog import StatementDialog
from creditdesk.ui.company.import_kinds import clients_kind, payments_kind
from creditdesk.ui.company.import_wizard import ImportWizard
from creditdesk.ui.ops import is_busy
from creditdesk.ui.workers import wait_for_background_work
from creditdesk.ui.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "imports" / "fixtures"
SIZE = (1280, 720)
TODAY = date(2026, 12, 3)
REPORT = "A-R Aging Detail.csv"
CONTACTS = "Customer Contact List.csv"
BAD = "Invoices.csv"
BAD_FILE = """Reference,Contact,Dated On,Due On,Status,Currency,Total Value,Paid Value,Due Value
3001,Lark Studio,2026-11-01,2026-12-01,Sent,USD,500.00,0.00,500.00
3002,Fen Bakery,2026-11-02,2026-10-02,Sent,USD,12x.00,0.00,12x.00
3003,Heron Press,2026-11-20,2026-12-20,Draft,USD,90.00,0.00,90.00
"""
RECEIVED = "Takings December.csv"
RECEIVED_FILE = """Received,Customer,Sum,Memo
12/01/2026,Blue Sky Café,"1,250.00",Check 1187
12/02/2026,Northwind Traders,400.00,ACH 20261202
12/02/2026,Old Mill Bakery,120.49,Card
"""
STATEMENT = "Kontoauszug 2026-12-01.xml"
EXPORT = "Umsaetze Dezember.csv"
EXPORT_FILE = """Tag;Wer;Zweck;Eingang;Ausgang;Währung
01.12.2026;Müller Maschinenbau GmbH;Rechnung A-1002;1.190,00;;EUR
02.12.2026;Weber Elektro e.K.;A1003 und A-1004;250,00;;EUR
02.12.2026;Stadtwerke Köln;Strom Dezember;;89,90;EUR
03.12.2026;Jana Neumann;Rückerstattung;45,00;;EUR
"""
LETTER = "Letter.xml"
BANK_INVOICES = (
    ("A-1002", "Müller Maschinenbau GmbH", "1190.00"),
    ("A-1003", "Weber Elektro e.K.", "125.00"),
    ("A-1004", "Weber Elektro e.K.", "125.00"),
    ("S-1", "Schmidt & Co. KG", "500.00"),
)


def settle(app: QApplication, owner: QWidget) -> None:
    """Let the background read or write finish and its answer reach the page."""
    while True:
        wait_for_background_work()
        app.processEvents()
        if not is_busy(owner):
            break
    app.processEvents()


def shoot(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


def choose(app: QApplication, owner: QWidget, combo: QComboBox, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))
    combo.activated.emit(combo.currentIndex())
    settle(app, owner)


def opened(wizard: ImportWizard, file_name: str) -> ImportWizard:
    wizard.resize(*SIZE)
    wizard.show()
    wizard.file_page.path_edit.setText(file_name)
    return wizard


def invoices(app: QApplication, workspace: Workspace, out: Path) -> None:
    wizard = opened(ImportWizard(workspace), REPORT)
    app.processEvents()
    shoot(wizard, out / "import-file.png")
    wizard.next()
    settle(app, wizard.found_page)
    shoot(wizard, out / "import-found.png")
    wizard.next()
    app.processEvents()
    shoot(wizard, out / "import-ready.png")
    page = wizard.import_page
    with UnitOfWork(workspace.db, write=True):  # another program writes: the import waits its turn
        page.on_import_button_clicked()
        app.processEvents()
        shoot(wizard, out / "import-progress.png")
    settle(app, page)
    shoot(wizard, out / "import-done.png")
    wizard.close()

    problems = opened(ImportWizard(workspace), BAD)
    problems.next()
    settle(app, problems.found_page)
    shoot(problems, out / "import-problems.png")
    problems.close()


def clients(app: QApplication, workspace: Workspace, out: Path) -> None:
    wizard = opened(ImportWizard(workspace, kind=clients_kind()), CONTACTS)
    wizard.next()
    settle(app, wizard.found_page)
    shoot(wizard, out / "import-clients-found.png")
    wizard.next()
    app.processEvents()
    wizard.import_page.on_import_button_clicked()
    settle(app, wizard.import_page)
    shoot(wizard, out / "import-clients-done.png")
    wizard.close()


def payments(app: QApplication, workspace: Workspace, out: Path) -> None:
    wizard = opened(ImportWizard(workspace, kind=payments_kind()), RECEIVED)
    wizard.next()
    found = wizard.found_page
    settle(app, found)
    for target, column in (
        (Field.PAYMENT_DATE, "Received"),
        (Field.AMOUNT, "Sum"),
        (Field.CLIENT_NAME, "Customer"),
    ):
        choose(app, found, found.mapping_panel.field_combos[target], column)
    shoot(wizard, out / "import-payments-mapping.png")
    wizard.next()
    app.processEvents()
    wizard.import_page.on_import_button_clicked()
    settle(app, wizard.import_page)
    shoot(wizard, out / "import-payments-done.png")
    wizard.close()


def bank_books(scratch: Path) -> Database:
    db = open_database(scratch / "bank.sqlite", create=True)
    create_company(db, "Harbour Design GmbH", "EUR", "de_DE")
    ids: dict[str, int] = {}
    for number, name, gross in BANK_INVOICES:
        if name not in ids:
            ids[name] = add_client(db, ClientInput(f"K{len(ids) + 1:03}", name))
        line = InvoiceLine("Gestaltung", Decimal(1), Decimal(gross))
        create_invoice(db, InvoiceInput(ids[name], date(2026, 11, 2), [line], number=number))
    return db


def opened_dialog(app: QApplication, workspace: Workspace, file_name: str) -> StatementDialog:
    dialog = StatementDialog(workspace)
    dialog.resize(*SIZE)
    dialog.show()
    dialog.path_edit.setText(file_name)
    dialog.path_edit.editingFinished.emit()
    settle(app, dialog)
    return dialog


def bank(app: QApplication, scratch: Path, out: Path) -> None:
    db = bank_books(scratch)
    workspace = Workspace(db, get_company(db), today=lambda: TODAY)
    mapped = opened_dialog(app, workspace, EXPORT)
    combos = mapped.mapping_panel.field_combos
    for target, column in (
        (BankField.BOOKED, "Tag"),
        (BankField.CREDIT, "Eingang"),
        (BankField.DEBIT, "Ausgang"),
        (BankField.PAYER_NAME, "Wer"),
        (BankField.TEXT, "Zweck"),
        (BankField.CURRENCY, "Währung"),
    ):
        choose(app, mapped, combos[target], column)
    shoot(mapped, out / "bank-import-mapping.png")
    mapped.close()

    dialog = opened_dialog(app, workspace, STATEMENT)
    shoot(dialog, out / "bank-import-check.png")
    dialog.on_import_button_clicked()
    settle(app, dialog)
    shoot(dialog, out / "bank-import-done.png")
    dialog.close()

    refused = opened_dialog(app, workspace, LETTER)
    shoot(refused, out / "bank-import-refused.png")
    refused.close()
    db.close()


def main(out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    scratch = Path(tempfile.mkdtemp())
    try:
        db = open_database(scratch / "company.sqlite", create=True)
        create_company(db, "Acme Design Studio", "USD", "en_US")
        workspace = Workspace(db, get_company(db), today=lambda: TODAY)
        # Relative names, read in the scratch folder: the pictures show a file's name, not where it was made.
        os.chdir(scratch)
        shutil.copyfile(FIXTURES / "quickbooks_ar_aging_detail.csv", scratch / REPORT)
        shutil.copyfile(FIXTURES / "quickbooks_customer_contact_list.csv", scratch / CONTACTS)
        shutil.copyfile(FIXTURES / "bank" / "camt053_001_02_commerzbank.xml", scratch / STATEMENT)
        (scratch / BAD).write_text(BAD_FILE, encoding="utf-8")
        (scratch / RECEIVED).write_text(RECEIVED_FILE, encoding="utf-8")
        (scratch / EXPORT).write_text(EXPORT_FILE, encoding="utf-8")
        (scratch / LETTER).write_text("<?xml version='1.0'?><letter>Dear Sir</letter>\n", encoding="utf-8")
        invoices(app, workspace, out)
        clients(app, workspace, out)
        payments(app, workspace, out)
        db.close()
        bank(app, scratch, out)
    finally:
        os.chdir(ROOT)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "resources" / "screenshots")
