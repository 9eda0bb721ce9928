"""Writing many rows at once: SQLAlchemy Core ``executemany`` in bounded chunks.

The demo generator and the imports write hundreds of thousands of rows; the
ORM's per-row unit of work costs a hundred times what the database itself
does at that volume. Here the statement is a Core ``insert()`` compiled once
for the connection's dialect, and the rows are plain tuples already in the
form the column types store (ISO dates, decimal text, 0/1), so the driver gets
them without per-row parameter processing. Primary keys are assigned by the
caller (``next_ids``), so related rows can point at each other before they are
written. Everything goes through the caller's connection: one transaction,
all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import DeclarativeBase

from creditdesk.store.dialect import dialect_of

CHUNK = 20_000  # rows per executemany: bounded memory, few round trips
WATCHED_CHUNK = 2_000  # rows per executemany when someone watches: progress moves, a cancel is heard soon
Row = tuple[Any, ...]


class BulkWriter:
    """Inserts rows given as tuples in ``columns`` order, through ``conn``'s transaction."""

    def __init__(self, conn: Connection, on_sent: Callable[[int], None] | None = None) -> None:
        """``on_sent(count)`` hears of every chunk sent; it may raise to stop the write (a cancel)."""
        self.conn = conn
        self.on_sent = on_sent
        self.chunk = CHUNK if on_sent is None else WATCHED_CHUNK
        self._days: dict[date, str] = {}
        self._decimals: dict[Decimal, str] = {}

    def day(self, value: date) -> str:
        """A DATE as SQLAlchemy stores it; dates repeat a lot, so their text is memoised."""
        text = self._days.get(value)
        if text is None:
            text = self._days[value] = value.isoformat()
        return text

    def decimal(self, value: Decimal) -> str:
        text = self._decimals.get(value)
        if text is None:
            text = self._decimals[value] = format(value, "f")  # as ExactDecimal stores it
        return text

    def moment(self, value: datetime) -> str:
        """A DATETIME as SQLAlchemy stores it."""
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def next_id(self, entity: type[DeclarativeBase]) -> int:
        """The first free primary key of ``entity``'s table, for the caller to count up from."""
        table = entity.__table__
        return int(self.conn.scalar(select(func.max(table.c.id))) or 0) + 1

    def insert(self, entity: type[DeclarativeBase], columns: Sequence[str], rows: Iterable[Row]) -> int:
        """Insert ``rows``; returns how many went in.

        Columns left out that have a plain Python default (``default=""``) are
        filled with it, as the ORM would; columns with a server default are left
        to the database.
        """
        compiled = insert(entity).compile(dialect=self.conn.dialect, column_keys=list(columns))
        order = list(compiled.positiontup) if compiled.positiontup is not None else list(compiled.params)
        if order != list(columns):
            rows = self._with_defaults(entity, columns, order, rows)
        sql = str(compiled)
        count = 0
        chunk: list[Row] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= self.chunk:
                count += self._send(sql, chunk, order, compiled.positiontup is not None)
                chunk = []
        if chunk:
            count += self._send(sql, chunk, order, compiled.positiontup is not None)
        if count:
            dialect_of(self.conn).after_explicit_ids(self.conn, entity.__table__)  # type: ignore[arg-type]
        return count

    def _with_defaults(
        self, entity: type[DeclarativeBase], columns: Sequence[str], order: list[str], rows: Iterable[Row]
    ) -> Iterator[Row]:
        table = entity.__table__
        given = {name: index for index, name in enumerate(columns)}
        picks: list[tuple[bool, Any]] = []
        for name in order:
            if name in given:
                picks.append((True, given[name]))
                continue
            default = table.c[name].default
            if default is None or not default.is_scalar:
                raise AssertionError(f"{entity.__name__}.{name} needs a value: it has no plain default")
            picks.append((False, default.arg))
        for row in rows:
            yield tuple(row[value] if is_given else value for is_given, value in picks)

    def _send(self, sql: str, chunk: list[Row], columns: Sequence[str], positional: bool) -> int:
        if positional:
            self.conn.exec_driver_sql(sql, chunk)
        else:  # a driver with named parameters (psycopg's %(name)s) takes dictionaries
            self.conn.exec_driver_sql(sql, [dict(zip(columns, row, strict=True)) for row in chunk])
        if self.on_sent is not None:
            self.on_sent(len(chunk))
        return len(chunk)
