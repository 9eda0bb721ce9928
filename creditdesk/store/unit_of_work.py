"""One transaction per user action: commit explicitly, roll back otherwise."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session

from creditdesk.store.database import WRITE_OPTION, Database


class UnitOfWork:
    """``with UnitOfWork(db, write=True) as uow: ...; uow.commit()`` -- nothing half-written on error.

    A writing unit of work takes the file's write lock when it starts (``BEGIN IMMEDIATE``),
    waiting its turn behind other writers; a reading one never blocks them and may not commit.
    """

    session: Session

    def __init__(self, db: Database, *, write: bool = False) -> None:
        self.db = db
        self.write = write

    def __enter__(self) -> Self:
        bind = self.db.engine.execution_options(**{WRITE_OPTION: True}) if self.write else self.db.engine
        self.session = Session(bind, expire_on_commit=False, autoflush=True)
        if self.write:
            try:
                self.session.connection()  # BEGIN IMMEDIATE now, so a busy file fails before any work
            except BaseException:
                self.session.close()
                raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        if not self.write:
            raise RuntimeError("a unit of work that writes must be opened with write=True")
        self.session.commit()
