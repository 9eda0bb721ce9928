"""A window notices changes made by another process, on a company file and on a server alike."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from creditdesk.services.clients.records import ClientInput, add_client, count_clients
from creditdesk.services.company.settings import create_company
from creditdesk.store.changes import ChangeWatcher
from creditdesk.store.database import Database, open_database

ADD_CLIENT = """
import sys
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.store.database import open_database
db = open_database(sys.argv[1])
add_client(db, ClientInput(code="FAR", name="Far Away Ltd", email="ap@far.example"))
db.close()
"""


@pytest.fixture(params=["file", "server"])
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "server":
        yield request.getfixturevalue("server_company")
        return
    path = tmp_path / "books.sqlite"
    db = open_database(path, create=True)
    create_company(db, "Test Co", "EUR", "en_GB")
    db.close()
    yield str(path)


@pytest.fixture
def books(place: str) -> Iterator[Database]:
    db = open_database(place)
    yield db
    db.close()


def test_a_commit_by_another_process_is_noticed_once(place: str, books: Database) -> None:
    watcher = ChangeWatcher(books)
    try:
        assert not watcher.changed(), "nothing happened yet"
        subprocess.run([sys.executable, "-c", ADD_CLIENT, place], check=True, timeout=60)
        assert watcher.changed()
        assert not watcher.changed(), "the same change is told once"
        assert count_clients(books) == 1
    finally:
        watcher.close()


def test_reading_is_not_a_change_and_the_watcher_holds_up_no_writer(books: Database) -> None:
    watcher = ChangeWatcher(books)
    try:
        count_clients(books)
        assert not watcher.changed()
        add_client(books, ClientInput(code="NEAR", name="Near Ltd", email="ap@near.example"))  # not blocked
        assert watcher.changed(), "a write through another connection of this process counts too"
    finally:
        watcher.close()
