"""Opening a company file: engine set-up, version checks, migration with a safety copy."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.pool import ConnectionPoolEntry

from creditdesk.domain.errors import DatabaseError
from creditdesk.store.backup import copy_database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class Database:
    """An open company file. Sessions and connections are made per unit of work."""

    path: Path
    engine: Engine

    def close(self) -> None:
        self.engine.dispose()


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions
        # begin, so that schema changes are transactional too.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return _stored_revision(conn)


def _stored_revision(conn: Connection) -> str | None:
    if not conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).first():
        return None
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return None if row is None else str(row[0])


_REVISION = re.compile(r"^(down_)?revision(?:: [^=]+)? = ['\"]?([\w]+)['\"]?", re.MULTILINE)


def quick_head() -> str | None:
    """The newest revision, read from the scripts' text without importing Alembic.

    Opening an up-to-date file is the common case; Alembic (a quarter of a
    second to import) loads only when a file really needs upgrading.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for down, name in _REVISION.findall(script.read_text(encoding="utf-8")):
            (parents if down else revisions).add(name)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def open_database(path: Path | str, *, create: bool = False) -> Database:
    """Open (and if needed create or upgrade) the company file at ``path``.

    An older file is first copied to ``backups/`` beside it; if the upgrade
    fails, that copy is put back and the user is told. A file written by a
    newer CreditDesk, or one that is not a company file, is refused untouched.
    """
    path = Path(path).expanduser()
    if not path.exists():
        if not create:
            raise DatabaseError(
                f"There is no company file at {path}. Create one with 'creditdesk demo' or an import, "
                "or choose another with --db."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    elif path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a company file.")
    elif path.stat().st_size > 0:
        with path.open("rb") as handle:
            if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                raise DatabaseError(f"{path} is not a CreditDesk company file.")
    engine = make_engine(path)
    try:
        _upgrade(engine, path)
    except BaseException:
        engine.dispose()
        raise
    return Database(path, engine)


def _upgrade(engine: Engine, path: Path) -> None:
    try:
        with engine.connect() as conn:
            current = _stored_revision(conn)
            tables = set(inspect(conn).get_table_names())
    except Exception as exc:  # a damaged or locked file
        raise DatabaseError(f"{path} cannot be read as a company file: {exc}") from exc
    if current is not None and current == quick_head():
        return
    from alembic import command
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    script = ScriptDirectory.from_config(alembic_config())
    if current == script.get_current_head():
        return
    if current is None and tables - {"alembic_version"}:
        raise DatabaseError(f"{path} is an SQLite file but not a CreditDesk company file.")
    if current is not None:
        try:
            script.get_revision(current)
        except CommandError:
            raise DatabaseError(
                f"{path} was saved by a newer version of CreditDesk. "
                "Install the latest CreditDesk to open it; the file has not been changed."
            ) from None
    backup = _safety_copy(path, current) if current is not None else None
    try:
        _migrate(engine, command.upgrade)
    except Exception as exc:
        engine.dispose()
        if backup is not None:
            copy_database(backup, path, overwrite=True)
            raise DatabaseError(
                f"Upgrading {path.name} failed ({exc}). It has been restored from {backup}."
            ) from exc
        raise DatabaseError(f"Creating the company file {path} failed: {exc}") from exc


def _migrate(engine: Engine, upgrade: Callable[[Config, str], None]) -> None:
    """Run the migrations in one transaction with foreign keys off, then check every key.

    A batch migration rebuilds a table (copy, drop, rename); with foreign keys
    on, dropping a table other rows point to (client, invoice) fails. SQLite
    ignores the pragma inside a transaction, so it is set before BEGIN, and the
    connection gets it back before it returns to the pool.
    """
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                upgrade(alembic_config(conn), "head")
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    table, rowid, parent, _ = broken[0]
                    raise DatabaseError(f"{table} row {rowid} would point to a missing {parent} row")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def _safety_copy(path: Path, revision: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.parent / "backups" / f"{path.stem}-{revision}-{stamp}.sqlite"
    copy_database(path, target)
    return target
