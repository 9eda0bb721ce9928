"""The demo company: a believable ledger that obeys every rule of the real one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, select

from creditdesk.domain.aging import (
    Basis,
    ClientRef,
    LedgerAllocation,
    LedgerInvoice,
    LedgerReceipt,
    aging_report,
)
from creditdesk.domain.errors import DatabaseError, ValidationError
from creditdesk.domain.invoice import InvoiceLine, invoice_totals
from creditdesk.domain.money import from_minor, to_minor
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.demo import DemoSummary, generate_demo
from creditdesk.services.company.settings import DEFAULT_TERMS
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database, open_database
from creditdesk.store.integrity import ledger_problems, sqlite_problems
from creditdesk.store.models import (
    Activity,
    AllocationRow,
    Base,
    Client,
    Company,
    CreditNote,
    Invoice,
    InvoiceLineRow,
    Payment,
)
from creditdesk.store.unit_of_work import UnitOfWork

AS_OF = date(2026, 3, 31)
CLIENTS = 40
INVOICES = 600
TABLES = ("client", "invoice", "invoice_line", "payment", "credit_note", "allocation", "activity", "company")


def make(
    path: Path, *, seed: int = 1, as_of: date = AS_OF, clients: int = CLIENTS, invoices: int = INVOICES
) -> tuple[Database, DemoSummary]:
    db = open_database(path, create=True)
    return db, generate_demo(db, clients=clients, invoices=invoices, seed=seed, as_of=as_of)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoSummary]]:
    db, summary = make(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    yield db, summary
    db.close()


@pytest.fixture
def conn(demo: tuple[Database, DemoSummary]) -> Iterator[Connection]:
    with UnitOfWork(demo[0]) as uow:
        yield uow.session.connection()


def scalar(conn: Connection, sql: str) -> Any:
    return conn.exec_driver_sql(sql).scalar_one()


def rows(conn: Connection, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.exec_driver_sql(sql)]


# --- what was asked for ---------------------------------------------------------------------------


def test_the_counts_asked_for_are_written_and_reported(
    demo: tuple[Database, DemoSummary], conn: Connection
) -> None:
    _, summary = demo
    assert (summary.clients, summary.invoices) == (CLIENTS, INVOICES)
    assert scalar(conn, "SELECT COUNT(*) FROM client") == CLIENTS
    assert scalar(conn, "SELECT COUNT(*) FROM invoice") == INVOICES
    assert scalar(conn, "SELECT COUNT(*) FROM invoice_line") == summary.invoice_lines
    assert scalar(conn, "SELECT COUNT(*) FROM payment") == summary.payments
    assert scalar(conn, "SELECT COUNT(*) FROM credit_note") == summary.credit_notes
    assert scalar(conn, "SELECT COUNT(*) FROM allocation") == summary.allocations
    assert scalar(conn, "SELECT COUNT(*) FROM activity") == summary.activities
    assert summary.payments > INVOICES // 2
    assert f"{CLIENTS} clients" in summary.describe()


def test_the_company_is_complete_and_numbering_continues_after_the_demo(conn: Connection) -> None:
    company = conn.execute(select(Company)).one()
    assert company.name and company.currency == "GBP" and company.locale == "en_GB"
    for field in ("address", "email", "phone", "bank_account_name", "bank_sort_code", "bank_account_number"):
        assert getattr(company, field), field
    assert "\n" in company.address
    numbers = [n for (n,) in rows(conn, "SELECT number FROM invoice ORDER BY id")]
    assert numbers[0] == "INV-00001" and numbers[-1] == f"INV-{INVOICES:05d}"
    assert len(set(numbers)) == INVOICES
    assert company.invoice_next_number == INVOICES + 1
    notes = scalar(conn, "SELECT COUNT(*) FROM credit_note")
    assert company.credit_note_next_number == notes + 1
    assert scalar(conn, "SELECT MAX(number) FROM credit_note") == f"CN-{notes:05d}"


def test_history_spans_eighteen_months_up_to_as_of(conn: Connection) -> None:
    first = date.fromisoformat(scalar(conn, "SELECT MIN(issue_date) FROM invoice"))
    last = date.fromisoformat(scalar(conn, "SELECT MAX(issue_date) FROM invoice"))
    assert AS_OF - timedelta(days=560) <= first <= AS_OF - timedelta(days=480)
    assert AS_OF - timedelta(days=7) <= last <= AS_OF


def test_clients_are_varied_like_real_ones(conn: Connection) -> None:
    clients = conn.execute(select(Client)).all()
    names = [c.name for c in clients]
    assert len(set(names)) == len(names)
    assert len({c.code for c in clients}) == len(clients)
    assert {"Zeta Café", "Łódź Logistics Sp. z o.o.", "Müller & Söhne GmbH"} <= set(names)
    assert any(n.endswith(" Ltd") for n in names) and any(n.endswith(" GmbH") for n in names)
    assert sum(1 for c in clients if not c.email) < len(clients) // 4
    assert all(c.email.endswith(".example") for c in clients if c.email)
    assert all("\n" in c.address and c.phone and c.contact_name for c in clients)
    assert any(c.credit_limit for c in clients) and any(c.credit_limit is None for c in clients)
    assert any(c.on_hold for c in clients) or any(c.do_not_chase for c in clients)
    terms = dict(rows(conn, "SELECT id, name FROM payment_terms"))
    used = {terms[c.terms_id] for c in clients}
    assert used <= {label for label, _ in DEFAULT_TERMS}
    assert len(used) >= 4


def test_every_kind_of_ledger_event_is_present(conn: Connection) -> None:
    statuses = dict(rows(conn, "SELECT status, COUNT(*) FROM invoice GROUP BY status"))
    assert statuses.keys() == {"draft", "issued", "void"}
    assert statuses["issued"] > 0.95 * INVOICES
    assert scalar(conn, "SELECT COUNT(*) FROM invoice WHERE disputed") > 0
    assert scalar(conn, "SELECT COUNT(*) FROM credit_note WHERE invoice_id IS NULL") > 0
    assert scalar(conn, "SELECT COUNT(*) FROM credit_note WHERE invoice_id IS NOT NULL") > 0
    part_paid = """
        SELECT COUNT(*) FROM invoice i JOIN (SELECT invoice_id, SUM(amount) AS paid FROM allocation
        GROUP BY invoice_id) p ON p.invoice_id = i.id WHERE p.paid < i.gross"""
    assert scalar(conn, part_paid) > 0
    instalments = (
        "SELECT COUNT(*) FROM (SELECT invoice_id FROM allocation GROUP BY invoice_id HAVING COUNT(*) > 1)"
    )
    assert scalar(conn, instalments) > 0
    over_paid = """SELECT COUNT(*) FROM payment p
                   WHERE p.amount > (SELECT COALESCE(SUM(amount), 0) FROM allocation
                                     WHERE payment_id = p.id)"""
    assert scalar(conn, over_paid) > 0
    # Payments come late as well as on time.
    late = """SELECT COUNT(*) FROM allocation a JOIN invoice i ON i.id = a.invoice_id
              WHERE a.date > date(i.due_date, '+10 days')"""
    on_time = (
        "SELECT COUNT(*) FROM allocation a JOIN invoice i ON i.id = a.invoice_id WHERE a.date <= i.due_date"
    )
    assert scalar(conn, late) > 0 and scalar(conn, on_time) > 0
    assert scalar(conn, "SELECT COUNT(*) FROM activity WHERE kind = 'note'") > 0


# --- the ledger's rules ----------------------------------------------------------------------------


# Each rule of the ledger as the rows that would break it (the `?` is as_of).
LEDGER_RULES: dict[str, str] = {
    "no invoice gets more than its gross": """
        SELECT i.id FROM invoice i JOIN allocation a ON a.invoice_id = i.id
        GROUP BY i.id HAVING SUM(a.amount) > i.gross""",
    "no payment is allocated beyond its amount": """
        SELECT p.id FROM payment p JOIN allocation a ON a.payment_id = p.id
        GROUP BY p.id HAVING SUM(a.amount) > p.amount""",
    "no credit note is allocated beyond its amount": """
        SELECT c.id FROM credit_note c JOIN allocation a ON a.credit_note_id = c.id
        GROUP BY c.id HAVING SUM(a.amount) > c.amount""",
    "money takes effect when both it and the invoice exist, by as_of": """
        SELECT a.id FROM allocation a JOIN invoice i ON i.id = a.invoice_id
        LEFT JOIN payment p ON p.id = a.payment_id LEFT JOIN credit_note c ON c.id = a.credit_note_id
        WHERE a.date != MAX(COALESCE(p.date, c.date), i.issue_date) OR a.date > ?""",
    "money goes only to undisputed issued invoices of the payer, from one source": """
        SELECT a.id FROM allocation a JOIN invoice i ON i.id = a.invoice_id
        LEFT JOIN payment p ON p.id = a.payment_id LEFT JOIN credit_note c ON c.id = a.credit_note_id
        WHERE i.status != 'issued' OR i.disputed OR COALESCE(p.client_id, c.client_id) != i.client_id
           OR (a.payment_id IS NULL) = (a.credit_note_id IS NULL) OR a.amount <= 0""",
    "a credit note names an issued invoice of its own client": """
        SELECT c.id FROM credit_note c JOIN invoice i ON i.id = c.invoice_id
        WHERE i.client_id != c.client_id OR i.status != 'issued'""",
    "nothing is dated after as_of": """
        SELECT 'invoice' FROM invoice WHERE issue_date > ?1
        UNION ALL SELECT 'payment' FROM payment WHERE date > ?1
        UNION ALL SELECT 'credit note' FROM credit_note WHERE date > ?1
        UNION ALL SELECT 'activity' FROM activity WHERE substr(at, 1, 10) > ?1""",
    "gross is net plus tax, due on or after issue": """
        SELECT id FROM invoice WHERE gross != net + tax OR gross <= 0 OR due_date < issue_date""",
}


def broken_rules(conn: Connection, as_of: date) -> dict[str, list[Any]]:
    broken = {}
    for rule, sql in LEDGER_RULES.items():
        params = (as_of.isoformat(),) if "?" in sql else ()
        found = [row[0] for row in conn.exec_driver_sql(sql, params)]
        if found:
            broken[rule] = found[:10]
    return broken


def test_the_demo_obeys_every_ledger_rule(conn: Connection) -> None:
    assert broken_rules(conn, AS_OF) == {}


@pytest.mark.parametrize(
    ("seed", "as_of"), [(2, date(2025, 12, 31)), (3, date(2026, 6, 7)), (4, date(2027, 2, 28))]
)
def test_bigger_files_obey_every_ledger_rule_too(tmp_path: Path, seed: int, as_of: date) -> None:
    db, _ = make(tmp_path / "bigger.sqlite", seed=seed, as_of=as_of, clients=150, invoices=4000)
    try:
        with UnitOfWork(db) as uow:
            conn = uow.session.connection()
            assert broken_rules(conn, as_of) == {}
            assert ledger_problems(conn) == []
    finally:
        db.close()


def test_totals_are_the_domain_rule_over_the_lines(conn: Connection) -> None:
    lines: dict[int, list[InvoiceLine]] = {}
    for invoice_id, quantity, unit_price, rate in rows(
        conn,
        "SELECT invoice_id, quantity, unit_price, tax_rate FROM invoice_line ORDER BY invoice_id, position",
    ):
        lines.setdefault(invoice_id, []).append(
            InvoiceLine("", Decimal(quantity), from_minor(unit_price), Decimal(rate))
        )
    invoices = rows(conn, "SELECT id, net, tax, gross, due_date >= issue_date FROM invoice")
    assert len(invoices) == len(lines) == INVOICES
    assert {len(v) for v in lines.values()} == {1, 2, 3, 4}
    rates = {line.tax_rate for v in lines.values() for line in v}
    assert {Decimal(0), Decimal(5), Decimal(20)} <= rates
    for invoice_id, net, tax, gross, due_ok in invoices:
        totals = invoice_totals(lines[invoice_id])
        assert (net, tax) == (to_minor(totals.net), to_minor(totals.tax)), invoice_id
        assert gross == net + tax and gross > 0 and due_ok


def test_due_dates_follow_each_clients_terms(demo: tuple[Database, DemoSummary]) -> None:
    from creditdesk.services.company.settings import terms_of
    from creditdesk.store.models import PaymentTermsRow

    with UnitOfWork(demo[0]) as uow:
        terms = {row.id: terms_of(row) for row in uow.session.scalars(select(PaymentTermsRow))}
        client_terms = dict(uow.session.execute(select(Client.id, Client.terms_id)).all())
        for inv in uow.session.scalars(select(Invoice)):
            assert inv.due_date == terms[client_terms[inv.client_id]].due_date(inv.issue_date), inv.number


def test_the_integrity_check_finds_nothing(conn: Connection) -> None:
    assert sqlite_problems(conn) == []
    assert ledger_problems(conn) == []


def test_stored_values_are_what_the_models_would_store(demo: tuple[Database, DemoSummary]) -> None:
    """Rows were written without the ORM: read them back through it and bind them again."""
    db = demo[0]
    dialect = db.engine.dialect
    with UnitOfWork(db) as uow:
        session = uow.session
        for model in (Client, Invoice, InvoiceLineRow, Payment, CreditNote, AllocationRow, Activity):
            table = Base.metadata.tables[model.__tablename__]
            names = [c.name for c in table.columns]
            processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns]
            raw = {
                r[0]: tuple(r)
                for r in session.connection().exec_driver_sql(
                    f"SELECT {', '.join(names)} FROM {table.name} ORDER BY id LIMIT 200"
                )
            }
            assert raw, table.name
            for obj in session.scalars(select(model).order_by(table.c.id).limit(200)):
                values = [getattr(obj, name) for name in names]
                bound = tuple(
                    p(v) if p and v is not None else v for p, v in zip(processors, values, strict=True)
                )
                assert bound == raw[values[0]], (table.name, values[0])


# --- what the reports see --------------------------------------------------------------------------


def test_money_sits_in_every_due_bucket_and_on_account(demo: tuple[Database, DemoSummary]) -> None:
    report = run_aging(demo[0], AS_OF)
    assert report.bucket_keys == ("current", "1-30", "31-60", "61-90", "90+")
    for key, amount in zip(report.bucket_keys, report.totals.buckets, strict=True):
        assert amount > 0, key
    assert report.totals.unallocated < 0
    assert any(row.unallocated < 0 for row in report.rows)


def reference_report(db: Database, as_of: date, basis: Basis) -> object:
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        clients = {
            cid: ClientRef(cid, code, name)
            for cid, code, name in rows(conn, "SELECT id, code, name FROM client")
        }
        invoices = [
            LedgerInvoice(i, c, date.fromisoformat(iss), date.fromisoformat(due), from_minor(g))
            for i, c, iss, due, g in rows(
                conn, "SELECT id, client_id, issue_date, due_date, gross FROM invoice WHERE status = 'issued'"
            )
        ]
        allocations = [
            LedgerAllocation(i, date.fromisoformat(d), from_minor(a))
            for i, d, a in rows(conn, "SELECT invoice_id, date, amount FROM allocation")
        ]
        receipts = [
            LedgerReceipt(c, date.fromisoformat(d), from_minor(a))
            for c, d, a in rows(
                conn,
                "SELECT client_id, date, amount FROM payment "
                "UNION ALL SELECT client_id, date, amount FROM credit_note",
            )
        ]
    return aging_report(invoices, allocations, receipts, clients, as_of, basis)


@pytest.mark.parametrize("basis", list(Basis))
@pytest.mark.parametrize("days_back", [0, 45, 200])
def test_the_fast_aging_agrees_with_the_reference_on_the_demo(
    demo: tuple[Database, DemoSummary], basis: Basis, days_back: int
) -> None:
    as_of = AS_OF - timedelta(days=days_back)
    assert run_aging(demo[0], as_of, basis) == reference_report(demo[0], as_of, basis)


# --- the same every time, and only into an empty file ----------------------------------------------


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        return {
            table: rows(conn, f"SELECT * FROM {table} ORDER BY 1") for table in (*TABLES, "payment_terms")
        }


def test_the_same_seed_gives_the_same_file(tmp_path: Path) -> None:
    first, a = make(tmp_path / "a.sqlite", seed=7, clients=25, invoices=300)
    second, b = make(tmp_path / "b.sqlite", seed=7, clients=25, invoices=300)
    other, _ = make(tmp_path / "c.sqlite", seed=8, clients=25, invoices=300)
    try:
        assert a == b
        one, two, three = dump(first), dump(second), dump(other)
        for table in TABLES:
            if table != "company":  # its created_at is the moment the file was made
                assert one[table] == two[table], table
        assert one["invoice"] != three["invoice"]
    finally:
        for db in (first, second, other):
            db.close()


@pytest.mark.parametrize(("clients", "invoices"), [(1, 0), (3, 5), (12, 4), (7, 40)])
def test_tiny_files_still_obey_the_rules(tmp_path: Path, clients: int, invoices: int) -> None:
    db, summary = make(tmp_path / "tiny.sqlite", clients=clients, invoices=invoices)
    try:
        assert (summary.clients, summary.invoices) == (clients, invoices)
        with UnitOfWork(db) as uow:
            assert ledger_problems(uow.session.connection()) == []
    finally:
        db.close()


def test_a_file_with_clients_is_refused_and_left_alone(db: Database) -> None:
    add_client(db, ClientInput("REAL1", "A real client"))
    with pytest.raises(DatabaseError, match="already has clients"):
        generate_demo(db, clients=5, invoices=20, as_of=AS_OF)
    with UnitOfWork(db) as uow:
        conn = uow.session.connection()
        assert scalar(conn, "SELECT COUNT(*) FROM client") == 1
        assert scalar(conn, "SELECT COUNT(*) FROM invoice") == 0


def test_a_second_demo_into_the_same_file_is_refused(tmp_path: Path) -> None:
    db, _ = make(tmp_path / "twice.sqlite", clients=5, invoices=20)
    try:
        before = dump(db)
        with pytest.raises(DatabaseError):
            generate_demo(db, clients=5, invoices=20, as_of=AS_OF)
        assert dump(db) == before
    finally:
        db.close()


def test_an_empty_company_keeps_its_name_and_currency(db: Database) -> None:
    generate_demo(db, clients=6, invoices=50, seed=3, as_of=AS_OF)
    with UnitOfWork(db) as uow:
        company = uow.session.get(Company, 1)
        assert company is not None
        assert (company.name, company.currency) == ("Test Co", "EUR")
        assert company.address  # blanks are filled in
        currencies = uow.session.connection().exec_driver_sql("SELECT DISTINCT currency FROM invoice").all()
        assert [c for (c,) in currencies] == ["EUR"]


@pytest.mark.parametrize(("clients", "invoices"), [(0, 10), (5, -1)])
def test_impossible_sizes_are_refused(tmp_path: Path, clients: int, invoices: int) -> None:
    db = open_database(tmp_path / "bad.sqlite", create=True)
    try:
        with pytest.raises(ValidationError):
            generate_demo(db, clients=clients, invoices=invoices, as_of=AS_OF)
    finally:
        db.close()
