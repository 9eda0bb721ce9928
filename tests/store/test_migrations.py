"""Migrations build exactly the models' schema, and opening a file is safe."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from creditdesk.domain.errors import DatabaseError
from creditdesk.store import database
from creditdesk.store.database import current_revision, head_revision, make_engine, open_database, quick_head
from creditdesk.store.models import Base


def test_migrations_produce_exactly_the_models_schema(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.sqlite", create=True)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, Base.metadata) == []
    db.close()


def test_migrated_ddl_matches_create_all(tmp_path: Path) -> None:
    """Belt and braces: the SQL SQLite stores for both routes is the same, table by table."""
    migrated = open_database(tmp_path / "a.sqlite", create=True)
    migrated.close()
    engine = make_engine(tmp_path / "b.sqlite")
    Base.metadata.create_all(engine)
    engine.dispose()

    def schema(path: Path) -> dict[str, list[str]]:
        with sqlite3.connect(path) as conn:
            rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
        return {name: clauses(sql) for name, sql in rows if name != "alembic_version"}

    assert schema(tmp_path / "a.sqlite") == schema(tmp_path / "b.sqlite")


def clauses(sql: str) -> list[str]:
    """A CREATE statement's top-level clauses, sorted: the order of constraints does not matter."""
    head, _, body = " ".join(sql.split()).partition("(")
    body = body.strip().removesuffix(")")
    parts, depth, current = [], 0, ""
    for char in body:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    # A table rebuilt by a batch migration has its name quoted and its defaults bracketed;
    # neither changes anything.
    parts = [re.sub(r"DEFAULT \((\w+)\)", r"DEFAULT \1", p) for p in [*parts, current.strip()]]
    return [head.strip().replace('"', ""), *sorted(parts)]


def test_pragmas_are_set_on_every_connection(db_path: Path) -> None:
    db = open_database(db_path, create=True)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    db.close()


def test_a_missing_file_is_not_created_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no company file"):
        open_database(tmp_path / "nope.sqlite")
    assert not (tmp_path / "nope.sqlite").exists()


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("shopping list\n")
    with pytest.raises(DatabaseError, match="not a CreditDesk company file"):
        open_database(path)
    assert path.read_text() == "shopping list\n"


def test_another_apps_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER)")
    with pytest.raises(DatabaseError, match="not a CreditDesk company file"):
        open_database(path)


def test_a_file_from_a_newer_creditdesk_is_refused_unchanged(db_path: Path) -> None:
    open_database(db_path, create=True).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00d9999'")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="newer version of CreditDesk"):
        open_database(db_path)
    assert db_path.read_bytes() == before


# --- upgrading an older file, with real extra migrations in a copy of the scripts -----------------

ADD_COLUMN = """
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("nickname", sa.String(50), nullable=False, server_default=""))
    {extra}


def downgrade():
    pass
"""


def scripts_with_extra_revision(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "migrations"
    shutil.copytree(database.MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    source = ADD_COLUMN.format(down=head_revision(), extra=extra)
    (folder / "versions" / "9999_test.py").write_text(source)
    return folder


def seeded_file(path: Path) -> None:
    db = open_database(path, create=True)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO payment_terms (name, days, basis) VALUES ('Net 9', 9, 'net')")
    db.close()


def test_upgrade_copies_the_old_file_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "books.sqlite"
    seeded_file(path)
    old = head_revision()
    monkeypatch.setattr(database, "MIGRATIONS", scripts_with_extra_revision(tmp_path, "pass"))
    db = open_database(path)
    assert current_revision(db.engine) == "9999"
    with db.engine.connect() as conn:
        assert "nickname" in [row[1] for row in conn.exec_driver_sql("PRAGMA table_info(client)")]
    db.close()
    (backup,) = (tmp_path / "backups").glob(f"books-{old}-*.sqlite")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (old,)
        assert conn.execute("SELECT name FROM payment_terms WHERE days = 9").fetchone() == ("Net 9",)


def test_a_failed_upgrade_restores_the_file_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "books.sqlite"
    seeded_file(path)
    old = head_revision()
    failing = 'op.execute("INSERT INTO no_such_table VALUES (1)")'
    monkeypatch.setattr(database, "MIGRATIONS", scripts_with_extra_revision(tmp_path, failing))
    with pytest.raises(DatabaseError, match="restored from"):
        open_database(path)
    monkeypatch.undo()
    db = open_database(path)
    assert current_revision(db.engine) == old
    with db.engine.connect() as conn:
        assert "nickname" not in [row[1] for row in conn.exec_driver_sql("PRAGMA table_info(client)")]
        assert conn.exec_driver_sql("SELECT count(*) FROM payment_terms WHERE days = 9").scalar() == 1
    db.close()


def test_the_quick_head_is_alembics_head() -> None:
    assert quick_head() == head_revision()


# --- migration 0002: the page size follows the company's locale --------------------------------------


@pytest.mark.parametrize(("locale", "page_size"), [("en_US", "Letter"), ("en_GB", "A4"), ("es_MX", "Letter")])
def test_0002_gives_letter_paper_to_letter_countries(tmp_path: Path, locale: str, page_size: str) -> None:
    from alembic import command

    path = tmp_path / "old.sqlite"
    engine = make_engine(path)
    with engine.begin() as conn:
        command.upgrade(database.alembic_config(conn), "0001")
        conn.exec_driver_sql(
            "INSERT INTO company (id, name, address, email, phone, tax_number, currency, locale, "
            "bank_account_name, bank_iban, bank_bic, bank_account_number, bank_sort_code, invoice_prefix, "
            "invoice_next_number, invoice_number_digits, credit_note_prefix, credit_note_next_number) "
            "VALUES (1, 'Old Co', '', '', '', '', 'USD', ?, '', '', '', '', '', 'INV-', 1, 5, 'CN-', 1)",
            (locale,),
        )
    assert current_revision(engine) == "0001"
    engine.dispose()
    db = open_database(path)
    with db.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT page_size, signatory, accent_colour FROM company").one()
    db.close()
    assert tuple(stored) == (page_size, "", "#1F4E79")
