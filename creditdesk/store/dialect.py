"""Where SQLite and PostgreSQL differ, and nowhere else.

Every query of the store is written once; the few places where the two
databases spell a thing differently take their fragment from the ``Dialect``
of the connection they run on:

- index hints: ``NOT INDEXED`` makes SQLite scan a table its planner would
  otherwise walk through an index row by row; PostgreSQL's planner needs none;
- day arithmetic: ``julianday()`` on SQLite, date subtraction on PostgreSQL;
- two-argument ``MAX``/``MIN``: ``GREATEST``/``LEAST`` on PostgreSQL;
- case-insensitive ordering: ``COLLATE NOCASE`` on SQLite, ``lower()`` on PostgreSQL;
- the day of a timestamp, inserting while skipping duplicates, the raw driver's
  parameter style, and moving PostgreSQL's id sequences past ids written by hand.

Dates come back from SQLite as ISO text and from PostgreSQL as ``date``;
``as_date`` (``queries._sql``) reads both. Sums of 64-bit columns come back from
PostgreSQL as ``numeric``; ``read_whole_sums_as_int`` makes them Python ints,
as SQLite gives them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

# SQLite's julianday() of a date, less this, is Python's ``date.toordinal()`` of it.
_JULIAN_DAY_OF_ORDINAL_ZERO = 1721424.5
_NAMED_MARK = re.compile(r"(?<![:\w]):(\w+)")


@dataclass(frozen=True)
class Dialect:
    """The SQL fragments of one kind of database."""

    name: str  # SQLAlchemy's dialect name: 'sqlite' or 'postgresql'

    @property
    def is_sqlite(self) -> bool:
        return self.name == "sqlite"

    @property
    def full_scan(self) -> str:
        """Written after a table in FROM: read the whole table rather than walk an index to it."""
        return " NOT INDEXED" if self.is_sqlite else ""

    def days_between(self, later: str, earlier: str) -> str:
        """Whole days from date ``earlier`` to date ``later`` (negative when ``later`` is earlier)."""
        if self.is_sqlite:
            return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
        return f"({later} - {earlier})"

    def day_number(self, day: str) -> str:
        """Python's ``date.toordinal()`` of a date column, as an integer."""
        if self.is_sqlite:
            return f"CAST(julianday({day}) - {_JULIAN_DAY_OF_ORDINAL_ZERO} AS INTEGER)"
        return f"({day} - DATE '0001-01-01' + 1)"

    def greatest(self, first: str, second: str) -> str:
        return f"MAX({first}, {second})" if self.is_sqlite else f"GREATEST({first}, {second})"

    def least(self, first: str, second: str) -> str:
        return f"MIN({first}, {second})" if self.is_sqlite else f"LEAST({first}, {second})"

    def caseless(self, column: str) -> str:
        """An ORDER BY term sorting ``column`` without regard to case."""
        return f"{column} COLLATE NOCASE" if self.is_sqlite else f"lower({column})"

    def day_of(self, moment: str) -> str:
        """The date of a timestamp column, comparable with (and coalescing with) a date column."""
        return f"substr({moment}, 1, 10)" if self.is_sqlite else f"CAST({moment} AS DATE)"

    def insert_skipping_duplicates(self, table: Table | Any, unique: Sequence[Any]) -> Insert:
        """An INSERT that leaves out rows clashing with ``unique`` columns of rows already there."""
        if self.is_sqlite:
            return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(unique))
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(unique))

    def driver_sql(self, sql: str) -> str:
        """SQL written with ``:name`` parameters in the paramstyle of the raw driver's cursor."""
        if self.is_sqlite:
            return sql
        return _NAMED_MARK.sub(r"%(\1)s", sql.replace("%", "%%"))

    def after_explicit_ids(self, conn: Connection, table: Table) -> None:
        """Once rows were written with ids chosen by the caller: new rows get ids after them.

        SQLite gives a new row the largest id plus one anyway; a PostgreSQL
        sequence knows nothing of ids it did not hand out.
        """
        if self.is_sqlite or "id" not in table.c or not table.c.id.autoincrement:
            return
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 - a model's table name
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
        )


SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")


def dialect_of(conn: Connection) -> Dialect:
    """The fragments for the database ``conn`` is connected to."""
    return SQLITE if conn.dialect.name == "sqlite" else POSTGRESQL


def table_names(conn: Connection) -> frozenset[str]:
    """The tables in the database, asked the way each database answers it."""
    return frozenset(inspect(conn).get_table_names())


def read_whole_sums_as_int(dbapi_connection: Any) -> None:
    """On a new psycopg connection: whole ``numeric`` values load as ``int``, others as ``Decimal``.

    The store keeps no ``numeric`` column (decimals are stored as text), so the
    only numerics a query meets are sums of 64-bit integer columns, which
    SQLite hands back as integers.
    """
    from decimal import Decimal

    from psycopg.adapt import Loader

    class WholeNumericLoader(Loader):
        def load(self, data: Any) -> int | Decimal:
            text = bytes(data)
            return int(text) if text.lstrip(b"-").isdigit() else Decimal(text.decode())

    dbapi_connection.adapters.register_loader("numeric", WholeNumericLoader)
