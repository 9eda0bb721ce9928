"""Files written for people: whole or not at all, through links, and no leftovers from killed writers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from creditdesk.domain.errors import ValidationError
from creditdesk.services.company.output_files import remove_leftovers, replacing, write_atomically


def test_files_are_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "x.pdf"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]
    with pytest.raises(ValidationError, match="is a folder"):
        write_atomically(tmp_path, b"")


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing(target) as stream:
        stream.write(b"half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_a_link_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "clients.csv"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "clients.csv"
    link.symlink_to(real)
    write_atomically(link, b"new")
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_bytes() == b"new"
    dangling = tmp_path / "later.csv"
    dangling.symlink_to(tmp_path / "shared" / "later.csv")
    write_atomically(dangling, b"first")  # a link to a file not made yet makes that file
    assert dangling.is_symlink() and (tmp_path / "shared" / "later.csv").read_bytes() == b"first"


WRITER = """
import sys, time
from pathlib import Path
from creditdesk.services.company.output_files import replacing
with replacing(Path(sys.argv[1])) as stream:
    stream.write(b"part of it")
    stream.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


@pytest.mark.skipif(os.name != "posix", reason="kills a process with SIGKILL")
def test_a_killed_writer_leaves_a_hidden_file_the_next_write_removes(tmp_path: Path) -> None:
    target = tmp_path / "statement.pdf"
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
    ) as writer:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
        assert len(leftovers) == 1
        assert remove_leftovers(tmp_path) == []  # its writer still runs: left alone
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=10)
    assert leftovers[0].exists() and not target.exists()
    write_atomically(tmp_path / "other.pdf", b"done")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.pdf"]


def test_a_partial_file_of_someone_else_is_not_touched(tmp_path: Path) -> None:
    theirs = tmp_path / ".notes.txt.partial"  # not a name CreditDesk writes
    theirs.write_bytes(b"x")
    old = time.time() - 10 * 86400
    os.utime(theirs, (old, old))
    assert remove_leftovers(tmp_path) == []
    assert theirs.exists()
