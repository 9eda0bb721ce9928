"""One sender for books on a server: a lock the database server holds, shared by every computer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from creditdesk.services.chasing.sending import AlreadySending, OneSender
from creditdesk.store.database import Database, open_database

HOLDER = """
import sys, time
from creditdesk.services.chasing.sending import OneSender
from creditdesk.store.database import open_database
lock = OneSender(open_database(sys.argv[1]))
print("held" if lock.acquire() else "refused", flush=True)
time.sleep(600)
"""


@pytest.fixture
def books(server_company: str) -> Iterator[Database]:
    db = open_database(server_company)
    yield db
    db.close()


def holder(address: str) -> subprocess.Popen[str]:
    """Another computer's sending run, as a real process holding the lock."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, address], stdout=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_sender_is_refused_while_the_first_runs_and_let_in_after(books: Database) -> None:
    first = OneSender(books)
    assert first.acquire()
    with pytest.raises(AlreadySending, match="here or on another computer"), OneSender(books):
        pass
    first.release()
    with OneSender(books):
        assert not OneSender(books).acquire()


def test_a_sender_on_another_computer_holds_it_until_it_dies(server_company: str, books: Database) -> None:
    process = holder(server_company)
    try:
        assert not OneSender(books).acquire(), "the other process's run holds it"
        process.send_signal(signal.SIGKILL)  # a crash: nobody releases anything
        process.wait(timeout=30)
        assert process.stdout is not None
        process.stdout.close()
        deadline = time.monotonic() + 10
        lock = OneSender(books)
        while not lock.acquire():
            assert time.monotonic() < deadline, "the server never freed a dead sender's lock"
            time.sleep(0.1)
        lock.release()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
