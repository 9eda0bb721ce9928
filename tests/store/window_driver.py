"""A child process that uses a company file the way the window does, until told to stop.

``python -m tests.store.window_driver DB STOP_FILE`` writes about five times a second (a new
client each time), renders and saves an invoice PDF, opens the file a second time as a
dialog's worker might, and takes backups, until ``STOP_FILE`` exists. It prints the codes of
the clients it wrote, one per line, and exits 0 only if every write succeeded
(a write refused as busy is tried again, as a person would, and counted on stderr).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.backups import backup_now
from creditdesk.services.reports.invoice_print import invoice_pdf
from creditdesk.store.database import CompanyFileBusy, open_database

WRITE_EVERY_S = 0.2


def main(db_path: Path, stop: Path) -> int:
    db = open_database(db_path)
    written: list[str] = []
    try:
        step = busy = 0
        while not stop.exists():
            code = f"WIN{step:05d}"
            try:
                add_client(db, ClientInput(code=code, name=f"Walk-in client {step}"))
            except CompanyFileBusy:
                # The window keeps the form open with "the company file is busy"; the user saves again.
                busy += 1
                continue
            written.append(code)
            if step % 5 == 0:
                (db_path.parent / "saved-invoice.pdf").write_bytes(invoice_pdf(db, 1))
                again = open_database(db_path)  # a second handle: shares the engine, touches nothing
                again.close()
            if step % 20 == 10:
                backup_now(db)
            step += 1
            time.sleep(WRITE_EVERY_S)
    finally:
        db.close()
    print("\n".join(written), flush=True)
    print(f"busy {busy}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
