"""``creditdesk --self-test``: does this installation work, end to end, on this computer?

Run by the build script against the frozen bundle, by the CI matrix on every OS,
and by a user asked by support. Everything happens in a temporary folder: the
user's company files, settings and logs are never touched.

The window opens on Qt's offscreen platform unless QT_QPA_PLATFORM says
otherwise (set it to xcb, wayland, windows or cocoa to try the real one).

A missing password store is a warning, not a failure: CI machines and headless
servers have none, and CreditDesk then keeps the SMTP password in memory only.
Set CREDITDESK_SELFTEST_STRICT=1 to make warnings fail (CI does on Windows and
macOS, whose password stores are always there).
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from creditdesk import __version__

if TYPE_CHECKING:
    from creditdesk.store.database import Database
    from creditdesk.ui.selftest import WindowProbe

STRICT_ENV = "CREDITDESK_SELFTEST_STRICT"
WATCHDOG_SECONDS = 120.0  # a modal dialog or a deadlock must not hang CI for hours
FONT_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf", "OFL.txt")
# The backend each OS's password store is reached through, by its keyring entry-point name.
NATIVE_BACKEND = {"linux": "SecretService", "win32": "Windows", "darwin": "macOS"}
# Non-Latin-1 text proves the bundled Noto Sans, not Helvetica, is printing.
CLIENT_NAME = "Łódź Café & Söhne Ltd"


class Outcome(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


class CheckWarning(Exception):
    """A check that found something worth saying but not worth failing for."""


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    label: str
    seconds: float
    detail: str


class Report:
    """Runs checks one by one and prints one line for each as it finishes."""

    def __init__(self, out: TextIO, *, strict: bool) -> None:
        self.out = out
        self.strict = strict
        self.results: list[Result] = []

    def check(self, label: str, action: Callable[[], str | None]) -> bool:
        start = time.perf_counter()
        try:
            detail = action() or ""
            outcome = Outcome.OK
        except CheckWarning as warning:
            detail, outcome = str(warning), Outcome.FAIL if self.strict else Outcome.WARN
        except Exception as exc:
            detail, outcome = f"{type(exc).__name__}: {exc}", Outcome.FAIL
            if os.environ.get("CREDITDESK_DEBUG"):
                traceback.print_exc(file=self.out)
        result = Result(outcome, label, time.perf_counter() - start, detail)
        self.results.append(result)
        self.print(result)
        return outcome is not Outcome.FAIL

    def skip(self, label: str, reason: str) -> None:
        result = Result(Outcome.FAIL, label, 0.0, f"not run: {reason}")
        self.results.append(result)
        self.print(result)

    def print(self, result: Result) -> None:
        line = f"{result.outcome.value:<4} {result.label} ({result.seconds:.2f} s)"
        if result.detail:
            line += f": {result.detail}"
        print(line, file=self.out, flush=True)

    def failed(self) -> list[Result]:
        return [r for r in self.results if r.outcome is Outcome.FAIL]


def process_age() -> float | None:
    """Seconds since this process started (the frozen app's launcher included); Linux only."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start time in clock ticks
        return float(Path("/proc/uptime").read_text().split()[0]) - started
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _worker_probe() -> int:
    """Runs in a spawned worker, as batch statements do: proves freeze_support() works."""
    from creditdesk.documents.fonts import register_fonts

    register_fonts()
    return os.getpid()


def _pdf_pages(pdf: bytes, what: str) -> str:
    from pypdf import PdfReader

    if not pdf.startswith(b"%PDF-"):
        raise ValueError(f"the {what} is not a PDF (starts with {pdf[:8]!r})")
    if b"NotoSans" not in pdf:
        raise ValueError(f"the {what} does not embed the bundled Noto Sans font")
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    if pages < 1:
        raise ValueError(f"the {what} has no pages")
    return f"{pages} page{'s' if pages != 1 else ''}, {len(pdf) / 1024:.0f} kB"


@contextmanager
def _watchdog(out: TextIO) -> Iterator[None]:
    def expire() -> None:
        print(f"FAIL self-test still running after {WATCHDOG_SECONDS:.0f} s; giving up", file=out, flush=True)
        os._exit(1)

    timer = threading.Timer(WATCHDOG_SECONDS, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


class SelfTest:
    """The checks, in the order a user meets the parts: files, window, data, documents, mail."""

    def __init__(self, folder: Path, report: Report) -> None:
        self.folder = folder
        self.report = report
        self.company_path = folder / "Self-test company.sqlite"
        self.db: Database | None = None
        self.probe: WindowProbe | None = None
        self.client_id = 0
        self.invoice_id = 0
        self.today = date.today()

    def run(self) -> None:
        check = self.report.check
        check("resources bundled", self.resources)
        if not check("company file created", self.create_company):
            self.report.skip("window shown", "no company file")
        elif check("window shown", self.show_window):
            check("window loaded", self.load_window)
        if self.db is None or not check("client and invoice created", self.create_client_and_invoice):
            self.report.skip("invoice and statement PDFs", "no invoice")
        else:
            check("invoice PDF rendered", self.invoice_pdf)
            check("statement PDF rendered", self.statement_pdf)
        check("worker process started", self.worker_process)
        check("keyring backends discovered", self.keyring_backends)
        check("password store", self.password_store)

    def close(self) -> None:
        if self.probe is not None:
            self.probe.close()
        if self.db is not None:
            self.db.close()

    # -- the checks: each returns a detail for its line or raises ------------------------------
    def resources(self) -> str:
        from creditdesk.resources import resource_path

        fonts = [resource_path("fonts", name) for name in FONT_FILES]
        resource_path("icons", "creditdesk.svg")
        return f"fonts and icons in {fonts[0].parent.parent}"

    def create_company(self) -> None:
        from creditdesk.services.company.settings import create_company
        from creditdesk.store.database import open_database

        self.db = open_database(self.company_path, create=True)
        create_company(self.db, "CreditDesk Self-Test Ltd", "EUR", "en_GB")

    def show_window(self) -> str:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from creditdesk.ui.selftest import WindowProbe  # Qt loads here, not for every command

        self.probe = WindowProbe(self.folder / "settings")
        self.probe.open(self.company_path)
        age = process_age()
        detail = f"Qt {self.probe.qt_version}, {self.probe.platform} platform"
        if age is None:
            return detail
        # A user's start opens an existing file; creating one (schema migrations) is the self-test's own.
        creating = next(r.seconds for r in self.report.results if r.label == "company file created")
        return f"{detail}; {age:.2f} s after the process started ({age - creating:.2f} s less the new file)"

    def load_window(self) -> str | None:
        assert self.probe is not None
        self.probe.wait_loaded()
        return None

    def create_client_and_invoice(self) -> str:
        from creditdesk.domain.invoice import InvoiceLine
        from creditdesk.services.clients.records import ClientInput, add_client
        from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice

        assert self.db is not None
        self.client_id = add_client(
            self.db,
            ClientInput(
                code="SELFTEST",
                name=CLIENT_NAME,
                email="accounts@example.com",
                address="1 Ledger Lane\nDublin",
            ),
        )
        line = InvoiceLine("Bookkeeping, March", Decimal(3), Decimal("120.00"), Decimal(23))
        self.invoice_id = create_invoice(self.db, InvoiceInput(self.client_id, self.today, [line]))
        return f"client SELFTEST, invoice #{self.invoice_id}"

    def invoice_pdf(self) -> str:
        from creditdesk.services.reports.invoice_print import invoice_pdf

        assert self.db is not None
        return _pdf_pages(invoice_pdf(self.db, self.invoice_id), "invoice")

    def statement_pdf(self) -> str:
        from creditdesk.services.reports.statements import StatementRequest, statement_pdf

        assert self.db is not None
        pdf = statement_pdf(self.db, self.client_id, StatementRequest(self.today))
        return _pdf_pages(pdf, "statement")

    def worker_process(self) -> str:
        import multiprocessing

        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            pid = pool.submit(_worker_probe).result(timeout=60)
        if pid == os.getpid():
            raise RuntimeError("the worker ran in this process")
        return "spawned, as batch statements do"

    def keyring_backends(self) -> str:
        names = sorted(ep.name for ep in metadata.entry_points(group="keyring.backends"))
        if not names:
            raise RuntimeError("keyring's entry-point metadata is missing, so no password store can be found")
        native = NATIVE_BACKEND.get(sys.platform)
        if native is not None and native not in names:
            raise RuntimeError(f"this system's backend ({native}) is not among {', '.join(names)}")
        return ", ".join(names)

    def password_store(self) -> str:
        import keyring

        from creditdesk.mail.secrets import keyring_status

        status = keyring_status()
        if type(keyring.get_keyring()).__module__.startswith("keyrings.alt"):
            # keyrings.alt keeps passwords outside the system's keyring; a build that carries it is wrong.
            raise CheckWarning(f"{status.backend_name} comes from keyrings.alt, not the system's keyring")
        if not status.usable:
            raise CheckWarning(
                f"none usable ({status.backend_name}); the SMTP password would be kept in memory only"
            )
        return status.backend_name


def run_self_test(out: TextIO | None = None) -> int:
    """Run every check; 0 when none failed, 1 otherwise."""
    out = out or sys.stdout
    strict = os.environ.get(STRICT_ENV, "") not in ("", "0")
    where = f"frozen build in {Path(sys.executable).parent}" if getattr(sys, "frozen", False) else "source"
    print(f"CreditDesk {__version__} self-test ({where}, Python {sys.version.split()[0]})", file=out)
    report = Report(out, strict=strict)
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="creditdesk-selftest-"))
    with _watchdog(out):
        test = SelfTest(tmp, report)
        try:
            test.run()
        finally:
            test.close()
            _remove(tmp)
    failed = report.failed()
    warned = sum(r.outcome is Outcome.WARN for r in report.results)
    took = time.perf_counter() - started
    if failed:
        print(f"self-test FAILED ({took:.1f} s): {', '.join(r.label for r in failed)}", file=out)
        return 1
    note = f", {warned} warning{'s' if warned != 1 else ''}" if warned else ""
    print(f"self-test passed ({took:.1f} s): {len(report.results)} checks{note}", file=out)
    return 0


def _remove(folder: Path) -> None:
    """Delete the self-test's folder, trying again if finishing background work (the daily
    backup, SQLite's side files) writes into it while it is being removed."""
    for _ in range(10):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.2)
