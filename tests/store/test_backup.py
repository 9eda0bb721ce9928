import sqlite3
from pathlib import Path

import pytest

from creditdesk.domain.errors import DatabaseError
from creditdesk.store.backup import copy_database
from creditdesk.store.database import open_database


def test_backup_includes_committed_data_still_in_the_wal(tmp_path: Path) -> None:
    db = open_database(tmp_path / "live.sqlite", create=True)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO payment_terms (name, days, basis) VALUES ('Net 45', 45, 'net')")
    # The pool keeps its connection open, so the committed row is still in the -wal file.
    assert (tmp_path / "live.sqlite-wal").stat().st_size > 0
    target = copy_database(db.path, tmp_path / "copy.sqlite")
    db.close()
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT days FROM payment_terms WHERE name = 'Net 45'").fetchone() == (45,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not (tmp_path / "copy.sqlite.partial").exists()


def test_backup_never_overwrites(tmp_path: Path) -> None:
    db = open_database(tmp_path / "live.sqlite", create=True)
    db.close()
    existing = tmp_path / "existing.sqlite"
    existing.write_bytes(b"precious")
    with pytest.raises(DatabaseError, match="already exists"):
        copy_database(db.path, existing)
    assert existing.read_bytes() == b"precious"
    with pytest.raises(DatabaseError, match="no company file"):
        copy_database(tmp_path / "missing.sqlite", tmp_path / "x.sqlite")
