"""One transaction per user action: commit explicitly, roll back otherwise."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session

from creditdesk.store.database import Database


class UnitOfWork:
    """``with UnitOfWork(db) as uow: ...; uow.commit()`` -- nothing half-written on error."""

    session: Session

    def __init__(self, db: Database) -> None:
        self.db = db

    def __enter__(self) -> Self:
        self.session = Session(self.db.engine, expire_on_commit=False, autoflush=True)
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
        self.session.commit()
