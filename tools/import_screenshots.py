"""Take the README's pictures of File → Import invoices… at 1280×720, on a scratch US company.

Usage: ``QT_QPA_PLATFORM=offscreen python tools/import_screenshots.py [OUT_DIR]``
(default ``resources/screenshots``). Writes import-file.png, import-found.png,
import-ready.png, import-problems.png and import-done.png.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from creditdesk.services.company.settings import create_company, get_company
from creditdesk.store.database import open_database
from creditdesk.ui.company.import_wizard import ImportWizard
from creditdesk.ui.ops import is_busy
from creditdesk.ui.workers import wait_for_background_work
from creditdesk.ui.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
QUICKBOOKS = ROOT / "tests" / "imports" / "fixtures" / "quickbooks_ar_aging_detail.csv"
SIZE = (1280, 720)
TODAY = date(2026, 12, 3)
REPORT = "A-R Aging Detail.csv"
BAD = "Invoices.csv"
BAD_FILE = """Reference,Contact,Dated On,Due On,Status,Currency,Total Value,Paid Value,Due Value
3001,Lark Studio,2026-11-01,2026-12-01,Sent,USD,500.00,0.00,500.00
3002,Fen Bakery,2026-11-02,2026-10-02,Sent,USD,12x.00,0.00,12x.00
3003,Heron Press,2026-11-20,2026-12-20,Draft,USD,90.00,0.00,90.00
"""


def settle(app: QApplication, owner: QWidget) -> None:
    """Let the background read or write finish and its answer reach the page."""
    while True:
        wait_for_background_work()
        app.processEvents()
        if not is_busy(owner):
            break
    app.processEvents()


def shoot(wizard: ImportWizard, path: Path) -> None:
    wizard.grab().save(str(path))
    print(path)


def main(out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    scratch = Path(tempfile.mkdtemp())
    db = open_database(scratch / "company.sqlite", create=True)
    create_company(db, "Acme Design Studio", "USD", "en_US")
    workspace = Workspace(db, get_company(db), today=lambda: TODAY)
    # Relative names, read in the scratch folder: the pictures show a file's name, not where it was made.
    os.chdir(scratch)
    shutil.copyfile(QUICKBOOKS, scratch / REPORT)
    (scratch / BAD).write_text(BAD_FILE, encoding="utf-8")

    wizard = ImportWizard(workspace)
    wizard.resize(*SIZE)
    wizard.show()
    wizard.file_page.path_edit.setText(REPORT)
    app.processEvents()
    shoot(wizard, out / "import-file.png")

    wizard.next()
    settle(app, wizard.found_page)
    shoot(wizard, out / "import-found.png")
    wizard.next()
    app.processEvents()
    shoot(wizard, out / "import-ready.png")
    wizard.import_page.on_import_button_clicked()
    settle(app, wizard.import_page)
    shoot(wizard, out / "import-done.png")
    wizard.close()

    problems = ImportWizard(workspace)
    problems.resize(*SIZE)
    problems.show()
    problems.file_page.path_edit.setText(BAD)
    problems.next()
    settle(app, problems.found_page)
    shoot(problems, out / "import-problems.png")
    problems.close()
    db.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "resources" / "screenshots")
