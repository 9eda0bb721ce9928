"""Where company files live."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "CreditDesk"
ENV_DB = "CREDITDESK_DB"


def default_database_path() -> Path:
    return user_data_path(APP_NAME, appauthor=False) / "company.sqlite"


def database_path(explicit: str | None = None) -> Path:
    """``--db`` first, then ``CREDITDESK_DB``, then the user data folder."""
    chosen = explicit or os.environ.get(ENV_DB)
    return Path(chosen).expanduser() if chosen else default_database_path()
