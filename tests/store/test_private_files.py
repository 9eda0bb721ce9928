"""Owner-only files whatever the umask, and no Python-level open() of a company file in use."""

from __future__ import annotations

import builtins
import os
import pathlib
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.backups import automatic_backup, backup_now, backups_folder, restore_backup
from creditdesk.services.company.settings import create_company
from creditdesk.store.backup import copy_problems
from creditdesk.store.database import known_revisions, open_database

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """The common default, under which new files are readable by every user of the computer."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_company_file_and_its_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "books.sqlite"
    db = open_database(path, create=True)
    create_company(db, "Books Ltd", "EUR", "en_IE")
    add_client(db, ClientInput("A", "Alpha"))
    for name in ("books.sqlite", "books.sqlite-wal", "books.sqlite-shm"):
        assert mode(tmp_path / name) == 0o600, name
    db.close()


def test_an_existing_readable_file_is_tightened_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "books.sqlite"
    db = open_database(path, create=True)
    create_company(db, "Books Ltd", "EUR", "en_IE")
    db.close()
    path.chmod(0o644)
    open_database(path).close()
    assert mode(path) == 0o600


def test_backups_and_restored_files_are_owner_only(db_path: Path, tmp_path: Path) -> None:
    db = open_database(db_path, create=True)
    create_company(db, "Books Ltd", "EUR", "en_IE")
    daily = automatic_backup(db, datetime(2026, 11, 22, 9, 0))
    manual = backup_now(db, now=datetime(2026, 11, 22, 10, 0))
    elsewhere = backup_now(db, tmp_path / "usb" / "copy.sqlite")
    db.close()
    assert daily is not None
    assert mode(backups_folder(db_path)) == 0o700
    for copy in (daily, manual, elsewhere):
        assert mode(copy) == 0o600, copy.name
    restored = tmp_path / "restored.sqlite"
    restore_backup(manual, restored)
    assert mode(restored) == 0o600


def test_an_existing_backups_folder_is_tightened(db_path: Path) -> None:
    db = open_database(db_path, create=True)
    create_company(db, "Books Ltd", "EUR", "en_IE")
    backups_folder(db_path).mkdir(mode=0o755)
    backups_folder(db_path).chmod(0o755)
    backup_now(db)
    db.close()
    assert mode(backups_folder(db_path)) == 0o700


@pytest.fixture
def no_python_open_of(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """Fails any open() through Python of a file listed: closing such a descriptor would drop this
    process's POSIX locks on it (SQLite's own access does not go through here)."""
    guarded: list[Path] = []
    real_open = builtins.open
    real_path_open = pathlib.Path.open

    def refuse(file: Any) -> None:
        if isinstance(file, str | os.PathLike) and any(
            Path(file).resolve() == g.resolve() for g in guarded if Path(file).exists()
        ):
            raise AssertionError(f"{file} was opened through Python while in use")

    def guarded_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        refuse(file)
        return real_open(file, *args, **kwargs)

    def guarded_path_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        refuse(self)
        return real_path_open(self, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(pathlib.Path, "open", guarded_path_open)
    yield guarded


def test_checking_or_restoring_the_open_file_never_opens_it_in_python(
    db_path: Path, tmp_path: Path, no_python_open_of: list[Path]
) -> None:
    db = open_database(db_path, create=True)
    create_company(db, "Books Ltd", "EUR", "en_IE")
    no_python_open_of.append(db_path)
    assert copy_problems(db_path, known_revisions())[1] == []
    restore_backup(db_path, tmp_path / "copy of the open file.sqlite")  # a user picking the wrong file
    add_client(db, ClientInput("A", "Alpha"))  # still writable: its locks are intact
    db.close()
