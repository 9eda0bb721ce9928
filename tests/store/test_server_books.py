"""Books on a PostgreSQL server: opened by address, migrated to the models' schema, foreign ones refused."""

from __future__ import annotations

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from creditdesk.domain.errors import DatabaseError
from creditdesk.services.company.settings import create_company, get_company
from creditdesk.store.database import open_database
from creditdesk.store.models import Base
from tests.postgres_server import ScratchServer


def test_new_books_on_a_server_have_exactly_the_models_schema(server_address: str) -> None:
    db = open_database(server_address, create=True)
    try:
        assert db.on_server and db.shown == server_address
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        create_company(db, "Harbour Design GmbH", "EUR", "de_DE")
        again = open_database(server_address)
        assert again.engine is db.engine, "one engine per database per process"
        assert get_company(again).name == "Harbour Design GmbH"
        again.close()
    finally:
        db.close()


def test_an_empty_database_is_not_opened_without_create_and_a_foreign_one_never(
    server_address: str, postgres: ScratchServer
) -> None:
    with pytest.raises(DatabaseError, match=r"There are no books in .* yet"):
        open_database(server_address)
    with psycopg.connect(server_address, autocommit=True) as conn:
        conn.execute("CREATE TABLE orders (id integer)")
    with pytest.raises(DatabaseError, match="holds other tables, so it is not CreditDesk's"):
        open_database(server_address, create=True)
    with psycopg.connect(server_address, autocommit=True) as conn:
        assert conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'client'"
        ).fetchone() == (0,)


def test_books_saved_by_a_newer_version_are_refused_untouched(server_address: str) -> None:
    open_database(server_address, create=True).close()
    with psycopg.connect(server_address, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseError, match="saved by a newer version of CreditDesk"):
        open_database(server_address)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("mysql://me@host/books", "'mysql://' is not a database CreditDesk can keep books in"),
        ("postgresql://me@host", "names no database"),
    ],
)
def test_an_address_that_is_not_a_postgresql_database_is_refused(target: str, message: str) -> None:
    with pytest.raises(DatabaseError, match=message):
        open_database(target)
