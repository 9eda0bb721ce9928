"""Real widgets on a real company file. QT_QPA_PLATFORM=offscreen is set by `make test`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from creditdesk.services.company.demo import generate_demo
from creditdesk.services.company.settings import get_company
from creditdesk.store.database import Database, open_database
from creditdesk.ui.workers import wait_for_background_work
from creditdesk.ui.workspace import Workspace

TODAY = date(2026, 11, 22)


@pytest.fixture
def workspace(db: Database) -> Iterator[Workspace]:
    """An empty company (Test Co, EUR, en_GB) with today fixed."""
    yield Workspace(db, get_company(db), today=lambda: TODAY)
    wait_for_background_work()  # before the company file is closed and removed


@pytest.fixture
def demo_workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A small demo business (30 clients, 400 invoices) with today fixed."""
    db = open_database(tmp_path / "demo.sqlite", create=True)
    generate_demo(db, clients=30, invoices=400, seed=7, as_of=TODAY)
    yield Workspace(db, get_company(db), today=lambda: TODAY)
    wait_for_background_work()
    db.close()


@pytest.fixture
def settings_dir(tmp_path: Path, qapp: QApplication) -> Iterator[Path]:
    """Window state goes to a scratch folder, never to the real user settings."""
    folder = tmp_path / "settings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QCoreApplication.setOrganizationName("CreditDeskTests")
    QCoreApplication.setApplicationName("CreditDeskTests")
    QSettings().clear()
    yield folder
    QSettings().clear()
