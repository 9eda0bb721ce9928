"""Shared fixtures: a real company file on disk for every test that needs one."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from creditdesk.services.company.settings import create_company
from creditdesk.store.database import Database, open_database
from tests.postgres_server import ScratchServer

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


# Where tests taking ``db`` run on both kinds of books, a file and a server. Empty until every
# query of the store runs on PostgreSQL; then ("tests/store/", "tests/services/").
BOTH_BACKENDS: tuple[str, ...] = ()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "books_backend" in metafunc.fixturenames:
        where = metafunc.definition.path.as_posix()
        both = any(folder in where for folder in BOTH_BACKENDS)
        metafunc.parametrize("books_backend", ["file", "server"] if both else ["file"])


@pytest.fixture
def db(books_backend: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh copy of the template company: in a file, or in a database on the test server."""
    if books_backend == "server":
        address = request.getfixturevalue("server_company")
        database = open_database(address)
    else:
        db_path, template = request.getfixturevalue("db_path"), request.getfixturevalue("company_template")
        shutil.copy2(template, db_path)
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


@pytest.fixture(scope="session")
def postgres() -> Iterator[ScratchServer]:
    """A real PostgreSQL server for this test process, in a scratch folder; stopped at the end."""
    server = ScratchServer()
    server.start()
    yield server
    server.stop()


_DATABASES = itertools.count(1)
TEMPLATE_DATABASE = "company_template"


@pytest.fixture(scope="session")
def server_template(postgres: ScratchServer) -> str:
    """Test Co (EUR, en_GB) on the server, migrated and created once per run, to copy from."""
    import psycopg

    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {TEMPLATE_DATABASE}")
    database = open_database(postgres.url(TEMPLATE_DATABASE), create=True)
    create_company(database, "Test Co", "EUR", "en_GB")
    database.close()
    return TEMPLATE_DATABASE


@pytest.fixture
def server_company(postgres: ScratchServer, server_template: str) -> Iterator[str]:
    """A new database on the test server, a copy of the template company."""
    import psycopg

    name = f"books_{next(_DATABASES)}"
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {server_template}")
    yield postgres.url(name)
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def server_address(postgres: ScratchServer) -> Iterator[str]:
    """The address of a new, empty database on the test server, dropped afterwards."""
    import psycopg

    name = f"books_{next(_DATABASES)}"
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield postgres.url(name)
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
