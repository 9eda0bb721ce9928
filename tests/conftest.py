"""Shared fixtures: a real company file on disk for every test that needs one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from creditdesk.services.company.settings import create_company
from creditdesk.store.database import Database, open_database

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile("default")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``long`` first: started last, one of them would keep a worker busy alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "company.sqlite"


@pytest.fixture(scope="session")
def company_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Test Co (EUR, en_GB), migrated and created once per run; closed, so it is one whole file."""
    path = tmp_path_factory.mktemp("template") / "company.sqlite"
    database = open_database(path, create=True)
    create_company(database, "Test Co", "EUR", "en_GB")
    database.close()
    return path


@pytest.fixture
def db(db_path: Path, company_template: Path) -> Iterator[Database]:
    """A fresh copy of the template company: what migrating a new file gives, at a copy's cost."""
    shutil.copy2(company_template, db_path)
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[Path]:
    """A real keyring backend in this test's own file; the user's keyring is never touched."""
    import keyring

    from creditdesk.mail.secrets import MEMORY
    from tests.file_keyring import FileKeyring

    original = keyring.get_keyring()
    keyring.set_keyring(FileKeyring(tmp_path / "keyring.json"))
    yield tmp_path / "keyring.json"
    keyring.set_keyring(original)
    MEMORY.forget()
