"""Where the books live: a company file's path, or the address of a PostgreSQL database."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

from creditdesk.domain.errors import CreditDeskError
from creditdesk.store.server import is_address, parse_address

APP_NAME = "CreditDesk"
ENV_DB = "CREDITDESK_DB"

# A company file by its path, or books on a server by their address (``postgresql://…``).
BooksPlace = Path | str


class NotForServerBooks(CreditDeskError):
    """An action that only means something for a company file was asked of books on a server."""


def default_database_path() -> Path:
    return user_data_path(APP_NAME, appauthor=False) / "company.sqlite"


def database_path(explicit: str | None = None) -> BooksPlace:
    """``--db`` first, then ``CREDITDESK_DB``, then the user data folder.

    An address stays text (a ``Path`` would fold its ``//``); one that names no
    database CreditDesk supports is refused here, before anything is created.
    """
    chosen = explicit or os.environ.get(ENV_DB)
    if not chosen:
        return default_database_path()
    if is_address(chosen):
        parse_address(chosen)
        return chosen
    return Path(chosen).expanduser()


def file_only(place: BooksPlace, action: str) -> Path:
    """The company file's path, or a plain refusal naming ``action`` for books on a server."""
    if isinstance(place, Path):
        return place
    raise NotForServerBooks(
        f"{action} works on a company file; the books at {parse_address(place).shown} are on a server."
    )
