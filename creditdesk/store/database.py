"""Opening a company file: engine set-up, version checks, migration with a safety copy."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool

from creditdesk.domain.errors import DatabaseError
from creditdesk.private_files import create_private_file, tighten
from creditdesk.store.backup import copy_database, read_only_uri, remove_with_sidecars
from creditdesk.store.server import (
    ServerAddress,
    is_address,
    local_stand_in,
    make_server_engine,
    parse_address,
)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000
# A command run by hand or by a schedule has no window to freeze: it waits out a long import.
COMMAND_BUSY_TIMEOUT_MS = 120_000
# The execution option a writing unit of work sets on its connection (see UnitOfWork).
WRITE_OPTION = "creditdesk_write"


class Database:
    """A handle on an open company file; sessions and connections are made per unit of work.

    Every handle on one file in this process shares one engine (see ``open_database``);
    closing a handle disposes the engine when the last handle on the file closes.
    """

    def __init__(
        self, path: Path, engine: Engine, key: FileKey | None = None, address: ServerAddress | None = None
    ) -> None:
        # For books on a server, ``path`` is a stand-in in this computer's own folder for that
        # server: its parent is where backups and documents made here go.
        self.path = path
        self.engine = engine
        self.address = address
        self._key = key
        self._closed = False

    @property
    def on_server(self) -> bool:
        return self.address is not None

    @property
    def shown(self) -> str:
        """Where the books are, for the user: the file's path or the server's address."""
        return self.address.shown if self.address is not None else str(self.path)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._key is None:
            self.engine.dispose()
        else:
            _release(self._key)


# A file's device and inode, or ("server", host:port/dbname) for books on a server.
FileKey = tuple[int, int] | tuple[str, str]


@dataclass
class _Shared:
    engine: Engine
    handles: int


# One engine per company file per process, keyed on the file itself (device and inode), so a
# second open through another name or a symlink reuses it instead of touching the file again.
_OPEN: dict[FileKey, _Shared] = {}
_OPEN_LOCK = threading.Lock()


def file_key(path: Path) -> FileKey:
    """The file's identity; ``stat`` never opens it, so it is safe beside a live connection."""
    info = path.stat()
    return info.st_dev, info.st_ino


def _release(key: FileKey) -> None:
    with _OPEN_LOCK:
        shared = _OPEN.get(key)
        if shared is None:
            return
        shared.handles -= 1
        if shared.handles > 0:
            return
        del _OPEN[key]
    shared.engine.dispose()


def is_open_here(path: Path) -> bool:
    """Whether this process holds a connection to the file at ``path``."""
    try:
        return file_key(Path(path)) in _OPEN
    except OSError:
        return False


def is_busy(exc: BaseException) -> bool:
    """SQLite's "locked"/"busy": another process is writing and the busy timeout ran out."""
    text_ = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text_ or "busy" in text_)


class CompanyFileBusy(DatabaseError):
    """Another program kept the company file's write lock beyond the busy timeout."""

    def __init__(self) -> None:
        super().__init__(
            "The company file is busy: another CreditDesk (the window, an import or a reminder run) "
            "is saving to it. Nothing was changed; try again in a moment."
        )


def make_engine(path: Path, *, read_only: bool = False, busy_timeout_ms: int | None = None) -> Engine:
    timeout = BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
    if read_only:
        uri = read_only_uri(path)
        # A URI through ``creator``: SQLAlchemy would otherwise take "sqlite://" for a memory
        # database and share one connection per thread.
        engine = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=QueuePool
        )
    else:
        engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions
        # begin, so that schema changes are transactional too.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={timeout}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # A writer takes the write lock at once and waits its turn on the busy timeout; a
        # deferred BEGIN that later writes fails at once when another writer got in between.
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(engine, "handle_error")
    def on_error(context: ExceptionContext) -> None:
        if is_busy(context.original_exception):
            raise CompanyFileBusy() from context.original_exception

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
    if not inspect(conn).has_table("alembic_version"):
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


def known_revisions() -> frozenset[str]:
    """Every revision this CreditDesk has scripts for, read from their text (see ``quick_head``)."""
    return frozenset(
        name
        for script in (MIGRATIONS / "versions").glob("*.py")
        for down, name in _REVISION.findall(script.read_text(encoding="utf-8"))
        if not down
    )


@dataclass(frozen=True)
class FileState:
    """What a company file holds, read through a read-only SQLite connection."""

    revision: str | None
    tables: frozenset[str]


def inspect_file(path: Path) -> FileState:
    """Read the schema version without writing a byte, or refuse a file that is no company file.

    This runs before any read-write connection exists, so nothing (not even the switch to WAL
    mode) reaches a file that is then refused; and it reads through SQLite rather than
    ``open()``, whose ``close()`` would drop this process's locks on a file it has open.
    """
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a company file.")
    if path.stat().st_size == 0:
        raise DatabaseError(
            f"{path} is empty (0 bytes), so it is not a company file. "
            "Choose another file, or delete this one and create the company again."
        )
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path} cannot be opened: {exc}.") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        tables = frozenset(
            str(name) for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        )
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = None if row is None else str(row[0])
    except sqlite3.DatabaseError as exc:
        if is_busy(exc):
            raise CompanyFileBusy() from exc
        raise DatabaseError(f"{path} is not a CreditDesk company file.") from exc
    finally:
        conn.close()
    if revision is None:
        if tables - {"alembic_version"}:
            raise DatabaseError(f"{path} is an SQLite file but not a CreditDesk company file.")
        raise DatabaseError(f"{path} is an empty SQLite file, not a CreditDesk company file.")
    if revision not in known_revisions():
        raise DatabaseError(
            f"{path} was saved by a newer version of CreditDesk. "
            "Install the latest CreditDesk to open it; the file has not been changed."
        )
    return FileState(revision, tables)


# Held while a file is opened, so two threads opening one file end with one engine.
_OPENING = threading.RLock()


def open_database(
    path: Path | str,
    *,
    create: bool = False,
    busy_timeout_ms: int | None = None,
    password: str | None = None,
) -> Database:
    """Open (and if needed create or upgrade) the company file at ``path``, or the books at an address.

    A ``postgresql://`` address opens books on a server (``password`` is the
    user's, from the keyring); see ``_open_server``.

    A file this process already has open is not touched again: the new handle
    shares its engine. An older file is first copied to ``backups/`` beside it;
    if the upgrade fails, that copy is put back and the user is told. A file
    written by a newer CreditDesk, or one that is not a company file, is
    refused untouched. ``busy_timeout_ms`` is how long a writer waits for another
    program's write to finish: a scheduled command can wait longer than the window.
    """
    if isinstance(path, str) and is_address(path):
        return _open_server(parse_address(path), password, create=create)
    path = Path(path).expanduser()
    with _OPENING:
        fresh = False
        if not path.exists():
            if not create:
                raise DatabaseError(
                    f"There is no company file at {path}. Create one with 'creditdesk demo' or an import, "
                    "or choose another with --db."
                )
            path.parent.mkdir(parents=True, exist_ok=True)
            create_private_file(path)  # SQLite gives its -wal and -shm the same owner-only mode
            fresh = True
        real = path.resolve()
        if real.is_dir():
            raise DatabaseError(f"{path} is a folder, not a company file.")
        key = file_key(real)
        with _OPEN_LOCK:
            shared = _OPEN.get(key)
            if shared is not None:
                shared.handles += 1
                return Database(real, shared.engine, key)
        current = None if fresh else inspect_file(real).revision
        if not fresh:
            tighten(real)
        engine = make_engine(real, busy_timeout_ms=busy_timeout_ms)
        try:
            if fresh:
                _create(engine, real)
            elif current != quick_head():
                _upgrade(engine, real, current)
        except BaseException:
            engine.dispose()
            if fresh:
                remove_with_sidecars(real)
            raise
        with _OPEN_LOCK:
            _OPEN[key] = _Shared(engine, 1)
        return Database(real, engine, key)


def _open_server(address: ServerAddress, password: str | None, *, create: bool) -> Database:
    """Books on a server: created in an empty database, upgraded in one transaction, else refused.

    A database holding tables that are not CreditDesk's is never written to.
    """
    key: FileKey = ("server", address.key)
    with _OPENING:
        with _OPEN_LOCK:
            shared = _OPEN.get(key)
            if shared is not None:
                shared.handles += 1
                return Database(local_stand_in(address), shared.engine, key, address)
        engine = make_server_engine(address, password)
        try:
            with engine.connect() as conn:
                tables = set(inspect(conn).get_table_names())
                current = _stored_revision(conn)
            if current is None:
                if tables:
                    raise DatabaseError(
                        f"The database {address.shown} holds other tables, so it is not CreditDesk's; "
                        "give CreditDesk an empty database of its own."
                    )
                if not create:
                    raise DatabaseError(
                        f"There are no books in {address.shown} yet. Create them with 'creditdesk init' "
                        "or an import, or choose another database with --db."
                    )
            elif current not in known_revisions():
                raise DatabaseError(
                    f"The books in {address.shown} were saved by a newer version of CreditDesk. "
                    "Install the latest CreditDesk to open them; nothing has been changed."
                )
            if current != quick_head():
                with engine.begin() as conn:  # PostgreSQL changes its schema in a transaction too
                    _alembic_upgrade()(alembic_config(conn), "head")
        except DatabaseError:
            engine.dispose()
            raise
        except Exception as exc:
            engine.dispose()
            if refused_login(exc):
                raise ServerLoginRefused(address, asked=password is not None) from None
            raise DatabaseError(
                f"The books in {address.shown} cannot be opened: {server_reason(exc)}"
            ) from exc
        with _OPEN_LOCK:
            _OPEN[key] = _Shared(engine, 1)
        return Database(local_stand_in(address), engine, key, address)


class ServerLoginRefused(DatabaseError):
    """The server wants a password, or refused the one given; the caller may ask the user for one."""

    def __init__(self, address: ServerAddress, *, asked: bool) -> None:
        self.address = address
        user = address.url.username or "(no user name)"
        if asked:
            message = (
                f"The server refused the password for {user} at {address.shown}; check it and try again."
            )
        else:
            message = f"The server at {address.shown} asks for the password of {user}."
        super().__init__(message)


# PostgreSQL's SQLSTATEs for a refused login: invalid password, invalid authorisation.
_LOGIN_REFUSED = frozenset({"28P01", "28000"})


def refused_login(exc: BaseException) -> bool:
    """Whether connecting failed because of the login (libpq says so before asking the server, too)."""
    original = getattr(exc, "orig", None) or exc
    if getattr(original, "sqlstate", None) in _LOGIN_REFUSED:
        return True
    text = str(original)
    return "no password supplied" in text or "password authentication failed" in text


def server_reason(exc: BaseException) -> str:
    """libpq's own words for why connecting failed, without the driver's class names and links."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    fatal = [line.split("FATAL:", 1)[1].strip() for line in lines if "FATAL:" in line]
    reason = fatal[-1] if fatal else ("; ".join(lines) or type(exc).__name__)
    reason = reason.removeprefix("connection failed:").strip()
    return reason if reason.endswith((".", "?")) else reason + "."


def open_read_only(path: Path | str) -> Database:
    """A read-only handle for checks: it never migrates, creates or switches the file to WAL."""
    real = Path(path).expanduser().resolve()
    if not real.exists():
        raise DatabaseError(f"There is no company file at {path}.")
    inspect_file(real)
    return Database(real, make_engine(real, read_only=True))


def _create(engine: Engine, path: Path) -> None:
    try:
        _migrate(engine, _alembic_upgrade())
    except CompanyFileBusy:
        raise
    except Exception as exc:
        raise DatabaseError(f"Creating the company file {path} failed: {exc}") from exc


def _alembic_upgrade() -> Callable[[Config, str], None]:
    from alembic import command

    return command.upgrade


def _upgrade(engine: Engine, path: Path, current: str | None) -> None:
    from alembic.script import ScriptDirectory

    if current == ScriptDirectory.from_config(alembic_config()).get_current_head():
        return
    backup = _safety_copy(path, current) if current is not None else None
    try:
        _migrate(engine, _alembic_upgrade())
    except Exception as exc:
        engine.dispose()
        if backup is not None:
            copy_database(backup, path, overwrite=True)
            raise DatabaseError(
                f"Upgrading {path.name} failed ({exc}). It has been restored from {backup}."
            ) from exc
        raise DatabaseError(f"Upgrading the company file {path} failed: {exc}") from exc


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
