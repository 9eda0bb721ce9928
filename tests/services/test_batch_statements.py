"""Month-end statements in a batch: one PDF per client with a balance, in worker processes or not."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from pypdf import PdfReader

from creditdesk.documents.model import StatementStyle
from creditdesk.domain.aging import sort_key
from creditdesk.domain.errors import CreditDeskError, NotFoundError, ValidationError
from creditdesk.services.company.demo import generate_demo
from creditdesk.services.reports.aging import run_aging
from creditdesk.services.reports.batch_statements import (
    BatchRequest,
    BatchSummary,
    clients_with_balance,
    write_statements,
)
from creditdesk.services.reports.statements import StatementRequest, statement_file_name
from creditdesk.store.database import open_database

AS_OF = date(2026, 6, 30)
REQUEST = StatementRequest(AS_OF)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "demo.sqlite"
    db = open_database(path, create=True)
    generate_demo(db, clients=200, invoices=3000, as_of=AS_OF)
    db.close()
    return path


@pytest.fixture(scope="module")
def everyone(demo: Path) -> tuple[int, ...]:
    db = open_database(demo)
    try:
        return tuple(choice.id for choice in clients_with_balance(db, AS_OF))
    finally:
        db.close()


@pytest.fixture(scope="module")
def in_process(
    demo: Path, everyone: tuple[int, ...], tmp_path_factory: pytest.TempPathFactory
) -> BatchSummary:
    """The whole batch rendered in this process, with the combined file: shared by several tests."""
    folder = tmp_path_factory.mktemp("one")
    seen: list[tuple[int, int]] = []
    request = BatchRequest(demo, everyone, REQUEST, folder / "out", folder / "all.pdf", workers=1)
    summary = write_statements(request, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, len(everyone)) and seen[-1] == (len(everyone), len(everyone))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    return summary


def pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def test_clients_with_a_balance_are_the_aging_tabs_rows(demo: Path) -> None:
    db = open_database(demo)
    try:
        choices = clients_with_balance(db, AS_OF)
        report = run_aging(db, AS_OF)
    finally:
        db.close()
    assert 100 < len(choices) < 200
    expected = {row.client_id: row.total for row in report.rows if row.total != 0}
    assert {c.id: c.balance for c in choices} == expected
    assert [c.name for c in choices] == sorted((c.name for c in choices), key=sort_key)
    assert all(isinstance(c.balance, D) for c in choices)


def test_one_statement_per_client_and_one_file_with_them_all(
    in_process: BatchSummary, everyone: tuple[int, ...]
) -> None:
    summary = in_process
    assert not summary.cancelled
    assert summary.count == len(summary.files) == len(everyone) > 100
    folder = summary.files[0].parent
    assert sorted(folder.iterdir()) == sorted(summary.files)  # nothing else left behind
    assert summary.total_bytes == sum(path.stat().st_size for path in summary.files)
    assert all(
        path.name.startswith("Statement C") and path.name.endswith(" 2026-06-30.pdf")
        for path in summary.files
    )
    assert summary.combined is not None and summary.combined.name == "all.pdf"
    combined = PdfReader(summary.combined)
    assert len(combined.pages) == sum(pages(path) for path in summary.files)
    # In client-name order: the first page of the combined file is the first client's.
    first = PdfReader(summary.files[0]).pages[0].extract_text()
    assert combined.pages[0].extract_text() == first


@pytest.mark.long
def test_two_workers_write_the_same_statements(
    demo: Path, everyone: tuple[int, ...], in_process: BatchSummary, tmp_path: Path
) -> None:
    seen: list[int] = []
    request = BatchRequest(demo, everyone, REQUEST, tmp_path / "out", tmp_path / "all.pdf", workers=2)
    summary = write_statements(request, progress=lambda done, total: seen.append(done))
    assert [path.name for path in summary.files] == [path.name for path in in_process.files]
    assert summary.total_bytes == in_process.total_bytes
    assert seen[-1] == len(everyone) and seen == sorted(seen)
    for mine, theirs in list(zip(summary.files, in_process.files, strict=True))[:: len(everyone) // 8]:
        assert PdfReader(mine).pages[0].extract_text() == PdfReader(theirs).pages[0].extract_text()
    assert summary.combined is not None
    assert pages(summary.combined) == pages(in_process.combined)  # type: ignore[arg-type]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_cancel_keeps_whole_files_and_makes_no_combined_one(
    demo: Path, everyone: tuple[int, ...], tmp_path: Path, workers: int
) -> None:
    request = BatchRequest(demo, everyone, REQUEST, tmp_path / "out", tmp_path / "all.pdf", workers=workers)
    seen: list[int] = []
    summary = write_statements(
        request, progress=lambda done, total: seen.append(done), cancelled=lambda: seen[-1] > 0
    )
    assert summary.cancelled and summary.combined is None
    assert not (tmp_path / "all.pdf").exists()
    assert 0 < summary.count < len(everyone)
    if workers == 1:
        assert summary.count == seen[1]  # stopped right after the first chunk
    assert sorted((tmp_path / "out").iterdir()) == sorted(summary.files)  # no partial files
    for path in summary.files:
        assert PdfReader(path).pages  # each one whole


def test_open_items_and_a_chosen_few(demo: Path, everyone: tuple[int, ...], tmp_path: Path) -> None:
    few = (everyone[5], everyone[2], everyone[5])
    statement = StatementRequest(AS_OF, StatementStyle.OPEN_ITEMS)
    summary = write_statements(BatchRequest(demo, few, statement, tmp_path / "new" / "folder", workers=1))
    assert summary.count == 2 and summary.combined is None
    text = PdfReader(summary.files[0]).pages[0].extract_text()
    assert "Open items only" in text


def test_mistakes_are_refused_before_any_work(demo: Path, everyone: tuple[int, ...], tmp_path: Path) -> None:
    taken = tmp_path / "a-file"
    taken.write_text("")
    with pytest.raises(ValidationError, match="is a file, not a folder"):
        write_statements(BatchRequest(demo, everyone, REQUEST, taken))
    with pytest.raises(ValidationError, match=r"statements cannot be written in .*; choose another folder"):
        write_statements(BatchRequest(demo, everyone, REQUEST, taken / "inside"))
    with pytest.raises(NotFoundError, match="1 of the clients chosen no longer exist"):
        write_statements(BatchRequest(demo, (everyone[0], 99_999), REQUEST, tmp_path / "out"))
    with pytest.raises(ValidationError, match="does not exist"):
        write_statements(BatchRequest(demo, everyone, REQUEST, tmp_path / "out", tmp_path / "no" / "all.pdf"))
    with pytest.raises(ValidationError, match="at least 1"):
        write_statements(BatchRequest(demo, everyone, REQUEST, tmp_path / "out", workers=0))
    assert not any((tmp_path / "out").glob("*.pdf"))


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="needs a folder this user cannot write")
def test_a_folder_that_cannot_be_written_is_refused(
    demo: Path, everyone: tuple[int, ...], tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(ValidationError, match="statements cannot be written in"):
        write_statements(BatchRequest(demo, everyone, REQUEST, locked))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failure_names_the_client(
    demo: Path, everyone: tuple[int, ...], tmp_path: Path, workers: int
) -> None:
    # A period that starts after the statement date is refused for the first client asked.
    bad = StatementRequest(AS_OF, StatementStyle.ACTIVITY, date(2026, 7, 1))
    with pytest.raises(
        CreditDeskError, match=r"the statement for C\d{4} \(.+\) was not made: the statement period"
    ):
        write_statements(BatchRequest(demo, everyone[:3], bad, tmp_path / "out", workers=workers))


def test_statement_files_are_named_by_client_and_date() -> None:
    assert statement_file_name("C0001", AS_OF) == "Statement C0001 2026-06-30.pdf"
