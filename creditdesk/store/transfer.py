"""Copying a company's books, row for row, from one database to another (a file or a server).

This is how books move from a file to an office server and back, and how books
on a server are backed up: into a new company file, which CreditDesk can open,
check and copy back. The source is read in one snapshot, so what is copied is
consistent even while others keep working; the target is written in one
transaction, so a failure leaves it as empty as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Table, func, select

from creditdesk.domain.errors import DatabaseError
from creditdesk.store.database import WRITE_OPTION, Database
from creditdesk.store.models import Base

BATCH_ROWS = 5000


@dataclass(frozen=True)
class CopiedBooks:
    rows: dict[str, int]  # table name -> rows copied

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)  # parents before children, so every reference holds


def refuse_unless_empty(conn: Connection, shown: str) -> None:
    for table in _tables():
        if conn.execute(select(func.count()).select_from(table)).scalar_one():
            raise DatabaseError(f"{shown} already holds books; copy into a new file or an empty database.")


def copy_books(
    source: Database, target: Database, progress: Callable[[str, int], None] | None = None
) -> CopiedBooks:
    """Copy every row of ``source`` into ``target``, which must hold CreditDesk's schema and no rows."""
    counts: dict[str, int] = {}
    reading = source.engine.connect()
    if source.on_server:
        reading = reading.execution_options(isolation_level="REPEATABLE READ")
    writing = target.engine.connect().execution_options(**{WRITE_OPTION: True})
    with reading, writing, reading.begin(), writing.begin():
        refuse_unless_empty(writing, target.shown)
        for table in _tables():
            counts[table.name] = _copy_table(reading, writing, table)
            if progress is not None:
                progress(table.name, counts[table.name])
        if target.on_server:
            _continue_numbering(writing)
    return CopiedBooks(counts)


def _copy_table(reading: Connection, writing: Connection, table: Table) -> int:
    copied = 0
    rows = reading.execution_options(yield_per=BATCH_ROWS).execute(
        select(table).order_by(*table.primary_key.columns)
    )
    for batch in rows.partitions():
        writing.execute(table.insert(), [row._asdict() for row in batch])
        copied += len(batch)
    return copied


def _continue_numbering(writing: Connection) -> None:
    """PostgreSQL numbers new rows from a sequence, which copied ids did not advance."""
    for table in _tables():
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or not columns[0].autoincrement or columns[0].type.python_type is not int:
            continue
        name = columns[0].name
        # Names from the models, never from a user.
        writing.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{name}'), "  # noqa: S608
            f"COALESCE(MAX({name}), 1), MAX({name}) IS NOT NULL) FROM {table.name}"
        )
