"""A scripted session in a fresh process: start CreditDesk on a company file and time what a person waits for.

Run by ``test_window_bench.py`` as ``python window_session.py DB SETTINGS_DIR T0`` where T0 is the
parent's ``time.time()`` just before starting this process, so start-up includes the interpreter
and every import. Prints one JSON line of figures.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from creditdesk.ui.app import Application
from creditdesk.ui.main_window import AGING, INVOICES


def wait_for(signal: object, timeout_ms: int = 60000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def main() -> None:
    db_path, settings_dir, t0 = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    qt_app = QApplication(sys.argv[:1])
    QCoreApplication.setOrganizationName("CreditDeskBench")
    QCoreApplication.setApplicationName("CreditDeskBench")
    app = Application()
    figures: dict[str, float] = {}

    assert app.start(db_path)
    window = app.window
    assert window is not None
    pending = {"clients", "figures"}

    def ready(part: str) -> None:
        pending.discard(part)
        if not pending:
            figures["window_ready_s"] = time.time() - t0
            loop.quit()

    loop = QEventLoop()
    window.clients_tab.loaded.connect(lambda: ready("clients"))
    window.figures_shown.connect(lambda: ready("figures"))
    QTimer.singleShot(60000, loop.quit)
    loop.exec()
    figures["clients_rows"] = window.clients_tab.table_view.model().rowCount()

    # The invoices table loads in the background meanwhile; wait for it, then type.
    window.tabs.setCurrentIndex(INVOICES)
    if window.invoices_tab.table_view.model().rowCount() == 0:
        wait_for(window.invoices_tab.loaded)
    box = window.invoices_tab.search_box
    model = window.invoices_tab.table_view.model()
    timings = []
    for text in ("c", "ca", "car", "carr", "carri"):
        start = time.perf_counter()
        box.setText(text)
        qt_app.processEvents()
        timings.append(time.perf_counter() - start)
    figures["filter_keystroke_ms"] = 1000 * sorted(timings)[len(timings) // 2]
    figures["filter_rows"] = model.rowCount()
    box.clear()
    qt_app.processEvents()
    figures["invoice_rows"] = model.rowCount()

    start = time.perf_counter()
    window.tabs.setCurrentIndex(AGING)
    if window.aging_tab.model.report is None:
        wait_for(window.aging_tab.loaded)
    qt_app.processEvents()
    figures["aging_tab_ms"] = 1000 * (time.perf_counter() - start)
    figures["aging_rows"] = window.aging_tab.model.rowCount()

    # A date nobody has asked for yet: the aging is worked out afresh, in the background.
    start = time.perf_counter()
    window.aging_tab.as_of_edit.setDate(window.aging_tab.as_of_edit.date().addMonths(-1))
    wait_for(window.aging_tab.loaded)
    figures["aging_new_date_ms"] = 1000 * (time.perf_counter() - start)

    figures["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures), flush=True)
    window.close()
    app.close()


if __name__ == "__main__":
    main()
