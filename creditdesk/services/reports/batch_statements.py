"""Month-end statements for many clients at once: one PDF each, and optionally all in one file.

Rendering is CPU-bound, so the work is spread over processes, started with
"spawn" (the window's process has Qt loaded, and forking it is unsafe).
Each worker opens the company file itself and is sent client ids a chunk at
a time; the caller's thread hears of progress and is asked between chunks
whether to stop. Only a few chunks are in flight at once, so a cancel leaves
exactly the files the summary lists, each complete: every file is written
beside its target and renamed over it.
"""

from __future__ import annotations

import math
import multiprocessing
import secrets
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from creditdesk.domain.aging import sort_key
from creditdesk.domain.errors import CreditDeskError, NotFoundError, ValidationError
from creditdesk.domain.money import from_minor
from creditdesk.services.company.output_files import remove_leftovers, write_atomically
from creditdesk.services.reports.invoice_print import letterhead_in
from creditdesk.services.reports.statements import StatementRequest, build_statement, statement_file_name
from creditdesk.store.database import Database, open_database
from creditdesk.store.queries.company import company_exponent
from creditdesk.store.queries.ledger import client_balances
from creditdesk.store.queries.reports import client_refs
from creditdesk.store.unit_of_work import UnitOfWork

MAX_CHUNK = 20  # statements per chunk: small enough to cancel promptly, big enough to keep workers busy
CHUNKS_PER_WORKER = 8  # aim for at least this many chunks per worker, so they finish together


@dataclass(frozen=True)
class BalanceChoice:
    id: int
    code: str
    name: str
    balance: Decimal


def clients_with_balance(db: Database, as_of: date) -> list[BalanceChoice]:
    """Clients who owe something, or are owed, on ``as_of``: those who get a statement, by name."""
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        exponent = company_exponent(conn)
        rows = client_balances(conn, as_of)
    choices = [BalanceChoice(r.id, r.code, r.name, from_minor(r.balance, exponent)) for r in rows]
    choices.sort(key=lambda c: (sort_key(c.name), c.code))
    return choices


@dataclass(frozen=True)
class BatchRequest:
    db_path: Path
    client_ids: tuple[int, ...]
    statement: StatementRequest
    out_dir: Path
    combined: Path | None = None  # also join every statement into this one file, in client-name order
    workers: int = 2  # processes; 1 renders in the calling thread


@dataclass
class BatchSummary:
    files: list[Path]  # written, in client-name order
    combined: Path | None  # None when not asked for, cancelled, or there was nothing to print
    count: int
    total_bytes: int  # of the per-client files
    cancelled: bool


class StatementFailed(CreditDeskError):
    """One client's statement could not be made; the message names the client."""


# --- writing files ----------------------------------------------------------------------------------


def _ready_folder(folder: Path) -> Path:
    """The output folder, made if missing, and proven writable before any work starts."""
    if folder.exists() and not folder.is_dir():
        raise ValidationError(f"{folder} is a file, not a folder; choose a folder for the statements")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_leftovers(folder)  # of a batch that was killed
        probe = folder / f".creditdesk-{secrets.token_hex(4)}.probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ValidationError(
            f"statements cannot be written in {folder} ({exc.strerror or exc}); choose another folder"
        ) from exc
    return folder


# --- the work of one chunk, in whichever process runs it ------------------------------------------

# (client id, code, name, file name)
Job = tuple[int, str, str, str]


def render_chunk(db: Database, jobs: Sequence[Job], statement: StatementRequest, out_dir: Path) -> list[int]:
    """Write the statements of ``jobs``; returns the size of each file, in order."""
    from creditdesk.documents.statement import render_statement  # ReportLab loads only when printing

    sizes = []
    with UnitOfWork(db) as uow:
        head = letterhead_in(uow.session)
        for client_id, code, name, file_name in jobs:
            try:
                data = render_statement(build_statement(uow.session, head, client_id, statement))
                write_atomically(out_dir / file_name, data)
            except CreditDeskError as exc:
                raise StatementFailed(
                    f"the statement for {code} ({name}) was not made: {exc.message}"
                ) from exc
            except Exception as exc:
                raise StatementFailed(
                    f"the statement for {code} ({name}) was not made: {type(exc).__name__}: {exc}"
                ) from exc
            sizes.append(len(data))
    return sizes


_WORKER_DATABASES: dict[str, Database] = {}  # in a worker process: the company file, opened once


def _worker_chunk(db_path: str, jobs: Sequence[Job], statement: StatementRequest, out_dir: str) -> list[int]:
    """Entry point in a worker process (module level, so "spawn" can find it by name)."""
    db = _WORKER_DATABASES.get(db_path)
    if db is None:
        db = _WORKER_DATABASES[db_path] = open_database(db_path)
    return render_chunk(db, jobs, statement, Path(out_dir))


# --- the batch ------------------------------------------------------------------------------------------


def _jobs(db_path: Path, client_ids: Sequence[int], statement_date: date) -> list[Job]:
    """One job per client, in client-name order, each with a file name no other job has."""
    db = open_database(db_path)
    try:
        with UnitOfWork(db) as uow:
            refs = {c.id: c for c in client_refs(uow.session.connection())}
    finally:
        db.close()
    unique = list(dict.fromkeys(client_ids))
    missing = [cid for cid in unique if cid not in refs]
    if missing:
        raise NotFoundError(
            f"{len(missing)} of the clients chosen no longer exist; refresh the list and try again"
        )
    unique.sort(key=lambda cid: (sort_key(refs[cid].name), refs[cid].code))
    jobs = []
    taken: set[str] = set()
    for cid in unique:
        ref = refs[cid]
        file_name = statement_file_name(ref.code, statement_date)
        if file_name.casefold() in taken:  # codes that differ only in characters a file name cannot hold
            file_name = f"{file_name.removesuffix('.pdf')} ({cid}).pdf"
        taken.add(file_name.casefold())
        jobs.append((cid, ref.code, ref.name, file_name))
    return jobs


def _chunks(jobs: list[Job], workers: int) -> list[list[Job]]:
    size = max(1, min(MAX_CHUNK, math.ceil(len(jobs) / (workers * CHUNKS_PER_WORKER))))
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


def _names(jobs: Sequence[Job]) -> str:
    shown = ", ".join(code for _, code, _, _ in jobs[:5])
    return shown + (f" and {len(jobs) - 5} more" if len(jobs) > 5 else "")


def write_statements(
    request: BatchRequest,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BatchSummary:
    """Write one statement per client into ``request.out_dir`` (and the combined file, if asked).

    ``progress(done, total)`` and ``cancelled()`` are called in the calling
    thread, between chunks. On cancel the files already written stay, and are
    listed; no combined file is made. A failure names the client it failed on.
    """
    if request.workers < 1:
        raise ValidationError(f"the number of workers must be at least 1 (got {request.workers})")
    out_dir = _ready_folder(request.out_dir)
    if request.combined is not None and request.combined.is_dir():
        raise ValidationError(f"{request.combined} is a folder; give a file name for the combined PDF")
    if request.combined is not None and not request.combined.parent.is_dir():
        raise ValidationError(f"the folder {request.combined.parent} does not exist")
    jobs = _jobs(request.db_path, request.client_ids, request.statement.statement_date)
    total = len(jobs)
    sizes: dict[int, int] = {}  # client id -> bytes written
    report = progress or (lambda done, total: None)
    should_stop = cancelled or (lambda: False)
    report(0, total)
    stopped = False
    if total and request.workers == 1:
        stopped = _in_process(request, jobs, out_dir, sizes, report, should_stop)
    elif total:
        stopped = _in_pool(request, jobs, out_dir, sizes, report, should_stop)
    files = [out_dir / file_name for cid, _, _, file_name in jobs if cid in sizes]
    combined = None
    if request.combined is not None and files and not stopped:
        stopped = should_stop()  # joining a thousand files takes a while: a last chance to stop
    if request.combined is not None and files and not stopped:
        from creditdesk.documents.combine import combine_pdfs  # pypdf loads only when joining

        write_atomically(request.combined, combine_pdfs(path.read_bytes() for path in files))
        combined = request.combined
    return BatchSummary(files, combined, len(files), sum(sizes.values()), stopped)


def _in_process(
    request: BatchRequest,
    jobs: list[Job],
    out_dir: Path,
    sizes: dict[int, int],
    report: Callable[[int, int], None],
    should_stop: Callable[[], bool],
) -> bool:
    db = open_database(request.db_path)
    try:
        for chunk in _chunks(jobs, 1):
            if should_stop():
                return True
            for job, size in zip(chunk, render_chunk(db, chunk, request.statement, out_dir), strict=True):
                sizes[job[0]] = size
            report(len(sizes), len(jobs))
    finally:
        db.close()
    return False


def _in_pool(
    request: BatchRequest,
    jobs: list[Job],
    out_dir: Path,
    sizes: dict[int, int],
    report: Callable[[int, int], None],
    should_stop: Callable[[], bool],
) -> bool:
    """Keep every worker busy with one chunk queued behind, never more: a stop waits for little."""
    queue = deque(_chunks(jobs, request.workers))
    workers = min(request.workers, len(queue))
    pending: dict[Future[list[int]], list[Job]] = {}
    failure: CreditDeskError | None = None
    stopped = False
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        while queue or pending:
            while queue and len(pending) <= workers:
                chunk = queue.popleft()
                future = pool.submit(
                    _worker_chunk, str(request.db_path), chunk, request.statement, str(out_dir)
                )
                pending[future] = chunk
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                chunk = pending.pop(future)
                try:
                    chunk_sizes = future.result()
                except CreditDeskError as exc:
                    failure = failure or exc
                    queue.clear()
                    continue
                except BrokenProcessPool:
                    failure = failure or StatementFailed(
                        f"a statement worker stopped unexpectedly while making the statements for "
                        f"{_names(chunk)}; the statements already written were kept"
                    )
                    queue.clear()
                    continue
                for job, size in zip(chunk, chunk_sizes, strict=True):
                    sizes[job[0]] = size
                report(len(sizes), len(jobs))
            if queue and failure is None and should_stop():
                stopped = True
                queue.clear()  # what is in flight finishes, so every file listed is whole
    if failure is not None:
        raise failure
    return stopped
