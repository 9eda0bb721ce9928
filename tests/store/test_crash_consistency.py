"""A process killed in the middle of any write leaves a sound file, with the action whole or absent.

A child process (crash_driver.py) repeats one real user action: importing a
10,000-row CSV, saving an invoice, recording a payment with its allocations,
queueing a day's reminders, taking a backup. The parent SIGKILLs it at a seeded random moment,
then runs `creditdesk check` as a separate process and reads the file to see
that every action it finds is there in full. The fast run (in `make test`)
kills ten times; CREDITDESK_SLOW=1 runs the long loop.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from creditdesk.domain.invoice import InvoiceLine
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.settings import create_company
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from tests.store.crash_driver import CLIENTS, IMPORT_ROWS, ON_ACCOUNT

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

REPO = Path(__file__).parents[2]
SEED = 20261122
SLOW = bool(os.environ.get("CREDITDESK_SLOW"))
MARKER_TIMEOUT = 120.0


@dataclass(frozen=True)
class Kill:
    action: str
    delay: float  # seconds after the action started (or, with after_done, after it finished)
    after_done: bool = False  # kill just after a commit: what was committed must survive


@dataclass(frozen=True)
class Outcome:
    kill: Kill
    interrupted: str  # the last marker the child printed
    import_rows: int | None  # for an import: rows of the interrupted batch found afterwards


def plan(count: int, rng: random.Random, import_seconds: float) -> list[Kill]:
    """Two kills inside imports (one of them just after its commit) and the rest among the quick actions.

    Kills into an import land at a fraction of the time an import was measured
    to take on this machine, so they fall inside it however fast it is; the
    quick actions take milliseconds, so they are repeated back to back and
    killed after a random delay.
    """
    kills = [
        Kill("import", rng.uniform(0.1, 0.8) * import_seconds),
        Kill("import", rng.uniform(0.0, 0.01), after_done=True),
    ]
    if count > 10:
        # Up to twice an import's length, so some land on or after its commit.
        kills += [Kill("import", rng.uniform(0.0, 2.0) * import_seconds) for _ in range(count // 6)]
    quick = ("invoice", "payment", "queue", "backup")
    while len(kills) < count:
        kills.append(Kill(rng.choice(quick), rng.uniform(0.0, 0.6)))
    rng.shuffle(kills)
    return kills


def import_seconds(path: Path) -> float:
    """How long one import takes here, from its start marker to its done marker."""
    child = Child(path, "import", "timing")
    child.wait_for("start import")
    began = time.monotonic()
    child.wait_for("done import")
    took = time.monotonic() - began
    child.kill()
    return took


def make_company_file(path: Path) -> None:
    from creditdesk.store.database import open_database

    db = open_database(path, create=True)
    create_company(db, "Crash Test Ltd", "EUR", "en_IE")
    for n in range(CLIENTS):
        add_client(db, ClientInput(f"C{n:02d}", f"Client {n}", email=f"c{n}@example.com"))
    lines = [InvoiceLine("Setup", D(1), D("120.00"), D(20))]
    for n in range(200):
        create_invoice(db, InvoiceInput(1 + n % CLIENTS, date(2026, 1, 1 + n % 28), lines))
    db.close()


class Child:
    def __init__(self, path: Path, action: str, token: str) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.last = ""
        self.errors = path.with_name(f"{path.stem}-driver-{token}.err")
        with self.errors.open("w") as errors:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.store.crash_driver", str(path), action, token],
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def wait_for(self, prefix: str) -> str:
        deadline = time.monotonic() + MARKER_TIMEOUT
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.kill()
                pytest.fail(f"the driver never printed '{prefix}': {self.errors.read_text()}")
            self.last = line
            if line.startswith(prefix):
                return line

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        assert self.process.stdout is not None
        self.process.stdout.close()
        while not self.lines.empty():
            self.last = self.lines.get()
        assert self.process.returncode == -signal.SIGKILL, self.errors.read_text()


def run_check(path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CREDITDESK_DB"}
    return subprocess.run(
        [sys.executable, "-m", "creditdesk", "--db", str(path), "check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def ledger_violations(path: Path) -> list[str]:
    """What `check` cannot see: an action found only in part."""
    on_account = int(ON_ACCOUNT * 100)
    queries = {
        "an import batch is partial": f"""SELECT substr(number, 1, instr(number, '-') - 1) AS batch, COUNT(*)
            FROM invoice WHERE number GLOB 'B*x*-*' GROUP BY batch HAVING COUNT(*) != {IMPORT_ROWS}""",
        "an invoice has no lines": """SELECT number FROM invoice
            WHERE id NOT IN (SELECT invoice_id FROM invoice_line)""",
        "a saved invoice lacks lines": """SELECT i.number FROM invoice i
            JOIN invoice_line l ON l.invoice_id = i.id WHERE i.reference LIKE 'DRV-%'
            GROUP BY i.id HAVING COUNT(*) != 3""",
        "a payment lacks its allocations": f"""SELECT p.reference FROM payment p
            LEFT JOIN allocation a ON a.payment_id = p.id WHERE p.reference LIKE 'DRV-%'
            GROUP BY p.id HAVING COALESCE(SUM(a.amount), 0) != p.amount - {on_account}""",
        "a reminder covers no invoice": """SELECT r.id FROM reminder r
            WHERE NOT EXISTS (SELECT 1 FROM reminder_invoice ri WHERE ri.reminder_id = r.id)""",
    }
    with sqlite3.connect(path) as conn:
        found = {what: conn.execute(sql).fetchall() for what, sql in queries.items()}
    return [f"{what}: {rows[:3]}" for what, rows in found.items() if rows]


def backups_sound(path: Path) -> bool:
    """Every backup under its final name is whole (a kill may leave only a hidden partial copy)."""
    from creditdesk.store.backup import copy_problems
    from creditdesk.store.database import known_revisions

    finished = [p for p in (path.parent / "backups").glob("*.sqlite") if not p.name.endswith(".partial")]
    return all(copy_problems(p, known_revisions())[1] == [] for p in finished)


def batch_rows(path: Path, key: str) -> int:
    with sqlite3.connect(path) as conn:
        (count,) = conn.execute("SELECT COUNT(*) FROM invoice WHERE number GLOB ?", (f"{key}-*",)).fetchone()
    return int(count)


def kill_loop(path: Path, kills: list[Kill]) -> list[Outcome]:
    outcomes = []
    for index, kill in enumerate(kills):
        child = Child(path, kill.action, str(index))
        started = child.wait_for(f"{'done' if kill.after_done else 'start'} {kill.action}")
        time.sleep(kill.delay)
        child.kill()
        check = run_check(path)
        where = f"{path.name} kill {index} ({kill}, after '{child.last}')"
        assert check.returncode == 0, f"{where}: {check.stderr}"
        assert ledger_violations(path) == [], where
        rows = None
        if kill.action == "import":
            rows = batch_rows(path, started.split()[-1])
            assert rows in (0, IMPORT_ROWS), f"{where}: the import left {rows} of {IMPORT_ROWS} rows"
            if kill.after_done:
                assert rows == IMPORT_ROWS, f"{where}: a committed import was lost"
        if kill.action == "backup":
            assert backups_sound(path), f"{where}: a finished backup does not pass its checks"
        outcomes.append(Outcome(kill, child.last, rows))
    return outcomes


def run_kills(tmp_path: Path, count: int) -> list[Outcome]:
    """The imports on one company file and the quick actions on another, side by side.

    The two loops run at once, so the whole is as long as the longer of them.
    """
    files = tmp_path / "imports.sqlite", tmp_path / "actions.sqlite"
    for path in files:  # one at a time: Alembic's context is global to the process
        make_company_file(path)
    kills = plan(count, random.Random(SEED), import_seconds(files[0]))
    imports = [k for k in kills if k.action == "import"]
    quick = [k for k in kills if k.action != "import"]
    with ThreadPoolExecutor(2) as pool:
        slow_part = pool.submit(kill_loop, files[0], imports)
        quick_part = pool.submit(kill_loop, files[1], quick)
        return slow_part.result() + quick_part.result()


def describe(outcomes: list[Outcome]) -> str:
    lines = []
    for n, o in enumerate(outcomes):
        result = "" if o.import_rows is None else (" import whole" if o.import_rows else " import absent")
        at = "after its end" if o.kill.after_done else "into it"
        lines.append(
            f"  kill {n}: {o.kill.action} +{o.kill.delay:.2f}s {at}, child at '{o.interrupted}'{result}"
        )
    return "\n".join(lines)


@pytest.mark.long
def test_killed_writers_leave_a_sound_file_with_every_action_whole_or_absent(tmp_path: Path) -> None:
    outcomes = run_kills(tmp_path, 10)
    print(f"\n{len(outcomes)} kills:\n{describe(outcomes)}")
    imports = [o.import_rows for o in outcomes if o.import_rows is not None]
    assert 0 in imports and IMPORT_ROWS in imports  # both outcomes seen, each whole or absent


@pytest.mark.skipif(not SLOW, reason="the long kill loop runs with CREDITDESK_SLOW=1")
def test_the_long_kill_loop(tmp_path: Path) -> None:
    outcomes = run_kills(tmp_path, 60)
    print(f"\n{len(outcomes)} kills:\n{describe(outcomes)}")
    mid_action = [o for o in outcomes if o.interrupted.startswith("start")]
    assert len(mid_action) >= len(outcomes) // 4  # most kills land inside a write, not between them
