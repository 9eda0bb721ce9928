"""The Invoices tab's read side: the columnar table, its filters and sorts, and what dialogs read."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditdesk.domain.invoice import InvoiceLine, InvoiceState, InvoiceStatus
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.company.demo import generate_demo
from creditdesk.services.company.settings import create_company
from creditdesk.services.imports.exporting import export_invoices
from creditdesk.services.ledger.invoice_list import (
    FILTER_STATES,
    InvoiceTable,
    InvoiceView,
    SortKey,
    StatusFilter,
    build_table,
    client_choices,
    default_tax_rate,
    fold,
    invoice_detail,
    invoice_table,
    money_on_account,
    open_invoices_for,
    unapplied_receipts,
)
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import (
    CreditNoteInput,
    PaymentInput,
    issue_credit_note,
    record_payment,
)
from creditdesk.store.database import Database, open_database
from creditdesk.store.models import Client, Invoice
from creditdesk.store.queries.ledger import InvoiceListColumns
from creditdesk.store.queries.reports import ClientRefRow
from creditdesk.store.unit_of_work import UnitOfWork

AS_OF = date(2026, 6, 30)


def invoice(db: Database, client: int, number: str, issue: date, amount: str, **kw: object) -> int:
    lines = [InvoiceLine("Work", D(1), D(amount))]
    return create_invoice(db, InvoiceInput(client, issue, lines, number=number, **kw))  # type: ignore[arg-type]


def set_flag(db: Database, model: type[Invoice] | type[Client], row_id: int, **values: object) -> None:
    with UnitOfWork(db, write=True) as uow:
        row = uow.session.get(model, row_id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)
        uow.commit()


@pytest.fixture
def ledger(db: Database) -> Database:
    """Acme: paid, part-paid overdue, disputed, draft, void and future invoices; Böhm paid ahead."""
    acme = add_client(db, ClientInput("ACME", "Acme Ltd", terms=PaymentTerms(14)))
    bohm = add_client(db, ClientInput("BOHM", "Böhm & Söhne GmbH", terms=PaymentTerms(30)))
    invoice(db, acme, "A-1", date(2026, 1, 10), "100.00")  # paid in full
    invoice(db, acme, "A-2", date(2026, 3, 1), "200.00")  # part paid, overdue since 15 March
    disputed = invoice(db, acme, "A-10", date(2026, 6, 1), "50.00", reference="PO-7")
    invoice(db, acme, "A-9", date(2026, 6, 25), "80.00", status=InvoiceStatus.DRAFT)
    invoice(db, acme, "A-5", date(2026, 2, 1), "70.00", status=InvoiceStatus.VOID)
    invoice(db, acme, "A-6", date(2026, 7, 15), "999.00")  # issued after AS_OF
    invoice(db, bohm, "B-1", date(2026, 6, 10), "1234.50", reference="Café order")
    record_payment(db, PaymentInput(acme, date(2026, 3, 20), D("160.00"), "bank"))
    record_payment(db, PaymentInput(bohm, date(2026, 7, 2), D("1234.50")))  # after AS_OF
    set_flag(db, Invoice, disputed, disputed=True)
    return db


def by_number(table: InvoiceTable) -> dict[str, int]:
    return {number: row for row, number in enumerate(table.numbers)}


def test_the_table_holds_every_invoice_with_its_state_as_of_a_date(ledger: Database) -> None:
    table = invoice_table(ledger, AS_OF)
    rows = by_number(table)
    assert len(table) == 7
    seen = {
        n: (table.state(r), table.gross_amount(r), table.open_amount(r), table.overdue_days[r])
        for n, r in rows.items()
    }
    assert seen == {
        "A-1": (InvoiceState.PAID, D("100.00"), D("0.00"), 0),
        "A-2": (InvoiceState.OVERDUE, D("200.00"), D("140.00"), 107),
        "A-10": (InvoiceState.DISPUTED, D("50.00"), D("50.00"), 15),
        "A-9": (InvoiceState.DRAFT, D("80.00"), D("0.00"), 0),
        "A-5": (InvoiceState.VOID, D("70.00"), D("0.00"), 0),
        "A-6": (InvoiceState.OPEN, D("999.00"), D("999.00"), 0),
        "B-1": (InvoiceState.OPEN, D("1234.50"), D("1234.50"), 0),  # paid on 2 July: open on 30 June
    }
    b1 = rows["B-1"]
    assert (table.client_code(b1), table.client_name(b1), table.references[b1]) == (
        "BOHM",
        "Böhm & Söhne GmbH",
        "Café order",
    )
    assert (table.issue_date(b1), table.due_date(b1)) == (date(2026, 6, 10), date(2026, 7, 10))
    assert table.row_of(table.ids[b1]) == b1
    assert table.row_of(10_000) is None
    # A month later the payment has arrived.
    later = invoice_table(ledger, date(2026, 7, 31))
    assert later.state(by_number(later)["B-1"]) is InvoiceState.PAID


def test_states_agree_with_the_invoice_export(tmp_path: Path) -> None:
    db = open_database(tmp_path / "demo.sqlite", create=True)
    try:
        as_of = date(2026, 11, 22)
        generate_demo(db, clients=25, invoices=300, seed=3, as_of=as_of)
        table = invoice_table(db, as_of)
        target = tmp_path / "invoices.csv"
        export_invoices(db, target, as_of)
        with target.open(encoding="utf-8-sig", newline="") as handle:
            exported = {r["number"]: r for r in csv.DictReader(handle)}
    finally:
        db.close()
    assert len(exported) == len(table)
    for row, number in enumerate(table.numbers):
        record = exported[number]
        assert table.state(row).value == record["status"], number
        assert str(table.open_amount(row)) == record["open"], number
        assert str(table.overdue_days[row]) == record["days_overdue"], number


def test_status_filters(ledger: Database) -> None:
    view = InvoiceView(invoice_table(ledger, AS_OF))
    table = view.table
    assert table is not None

    def shown(status: StatusFilter) -> set[str]:
        view.set_status(status)
        return {table.numbers[r] for r in view.rows}

    assert shown(StatusFilter.ALL) == set(table.numbers)
    assert shown(StatusFilter.OPEN) == {"A-2", "A-10", "A-6", "B-1"}
    assert shown(StatusFilter.OVERDUE) == {"A-2"}
    assert shown(StatusFilter.PAID) == {"A-1"}
    assert shown(StatusFilter.DISPUTED) == {"A-10"}
    assert shown(StatusFilter.DRAFT) == {"A-9"}
    assert shown(StatusFilter.VOID) == {"A-5"}
    assert set(FILTER_STATES) == set(StatusFilter)


def test_text_search_ignores_case_and_accents_and_needs_every_word(ledger: Database) -> None:
    view = InvoiceView(invoice_table(ledger, AS_OF))
    table = view.table
    assert table is not None

    def found(text: str) -> set[str]:
        view.set_text(text)
        return {table.numbers[r] for r in view.rows}

    assert found("bohm") == {"B-1"}  # Böhm
    assert found("SÖHNE") == {"B-1"}
    assert found("cafe") == {"B-1"}  # the reference
    assert found("1234.50") == {"B-1"}  # the total, as typed
    assert found("po-7") == {"A-10"}
    assert found("acme a-1") == {"A-1", "A-10"}
    assert found("  ") == set(table.numbers)
    assert found("nobody") == set()
    view.set_status(StatusFilter.PAID)
    assert found("acme") == {"A-1"}
    assert fold("Łódź") == "lodz"


@given(st.lists(st.text(alphabet="ac-1 0bé", max_size=5), min_size=1, max_size=8))
def test_narrowing_a_search_finds_what_a_fresh_search_finds(texts: list[str]) -> None:
    rows = [
        (i, f"INV-{i:03d}", i % 3, 700_000 + i, 700_030 + i, "issued", 0, 1000 + i, ref, i % 4)
        for i, ref in enumerate(["", "abc", "Café", "a-1", "b 0"] * 8, start=1)
    ]
    clients = [
        ClientRefRow(0, "AC", "Acme"),
        ClientRefRow(1, "BE", "Bé Ltd"),
        ClientRefRow(2, "C-1", "Cee 10"),
    ]
    chunks = [InvoiceListColumns.of_rows(rows[:17]), InvoiceListColumns.of_rows(rows[17:])]
    table = build_table(chunks, clients, date.fromordinal(700_020), 2)
    typed = InvoiceView(table)
    for text in texts:
        typed.set_text(text)
        fresh = InvoiceView(table)
        fresh.set_text(text)
        assert list(typed.rows) == list(fresh.rows), text


def values(table: InvoiceTable, key: SortKey, row: int) -> object:
    if key is SortKey.NUMBER:
        return table.numbers[row]
    if key is SortKey.CLIENT:
        return fold(table.client_name(row))
    if key is SortKey.STATUS:
        return table.state(row)
    if key is SortKey.REFERENCE:
        return fold(table.references[row])
    columns = {
        SortKey.ISSUED: table.issue_days,
        SortKey.DUE: table.due_days,
        SortKey.TOTAL: table.gross,
        SortKey.OPEN: table.open,
        SortKey.DAYS_OVERDUE: table.overdue_days,
    }
    return columns[key][row]


def test_every_column_sorts_both_ways(ledger: Database) -> None:
    view = InvoiceView(invoice_table(ledger, AS_OF))
    table = view.table
    assert table is not None
    numeric = {SortKey.ISSUED, SortKey.DUE, SortKey.TOTAL, SortKey.OPEN, SortKey.DAYS_OVERDUE}
    for key in SortKey:
        for descending in (False, True):
            view.set_sort(key, descending)
            assert sorted(view.rows) == list(range(len(table)))
            if key in numeric or key in (SortKey.CLIENT, SortKey.REFERENCE):
                shown = [values(table, key, r) for r in view.rows]
                assert shown == sorted(shown, reverse=descending), key  # type: ignore[type-var]
    view.set_sort(SortKey.NUMBER, False)
    assert [table.numbers[r] for r in view.rows] == ["A-1", "A-2", "A-5", "A-6", "A-9", "A-10", "B-1"]
    view.set_sort(SortKey.STATUS, False)
    assert table.state(view.rows[0]) is InvoiceState.OVERDUE  # what needs attention first
    assert table.state(view.rows[-1]) is InvoiceState.VOID


def test_sort_filter_and_search_combine_and_positions_follow(ledger: Database) -> None:
    view = InvoiceView(invoice_table(ledger, AS_OF))
    table = view.table
    assert table is not None
    view.set_sort(SortKey.TOTAL, True)
    view.set_status(StatusFilter.OPEN)
    view.set_text("acme")
    assert [table.numbers[r] for r in view.rows] == ["A-6", "A-2", "A-10"]
    a2 = table.ids[by_number(table)["A-2"]]
    assert view.position_of(a2) == 1
    view.set_text("a-10")
    assert view.position_of(a2) is None
    # A new load keeps the view's settings.
    view.set_table(invoice_table(ledger, date(2026, 7, 31)))
    assert [view.table.numbers[r] for r in view.rows] == ["A-10"]  # type: ignore[union-attr]


def test_an_empty_company_gives_an_empty_table(db: Database) -> None:
    table = invoice_table(db, AS_OF)
    view = InvoiceView(table)
    view.set_text("x")
    view.set_sort(SortKey.NUMBER, True)
    assert len(table) == 0 and len(view) == 0


def test_invoice_detail_has_lines_totals_and_money_applied(ledger: Database) -> None:
    with UnitOfWork(ledger) as uow:
        ids = {n: i for n, i in uow.session.query(Invoice.number, Invoice.id)}
    a2 = invoice_detail(ledger, ids["A-2"], AS_OF)
    assert (a2.number, a2.status, a2.state, a2.client_code) == (
        "A-2",
        InvoiceStatus.ISSUED,
        InvoiceState.OVERDUE,
        "ACME",
    )
    assert a2.lines == (InvoiceLine("Work", D(1), D("200.00")),)
    assert a2.totals.gross == D("200.00") and a2.open_amount == D("140.00")
    assert [(m.date, m.source, m.amount) for m in a2.applied] == [
        (date(2026, 3, 20), "Payment (bank)", D("60.00"))
    ]
    assert a2.number_assigned and not a2.is_draft
    draft = invoice_detail(ledger, ids["A-9"], AS_OF)
    assert draft.is_draft and draft.open_amount == 0


def test_open_invoices_money_on_account_and_choices(ledger: Database) -> None:
    clients = {c.code: c for c in client_choices(ledger)}
    assert list(clients) == ["ACME", "BOHM"]  # by name
    assert clients["ACME"].terms == PaymentTerms(14) and clients["ACME"].label == "Acme Ltd (ACME)"
    acme = clients["ACME"].id
    assert [(i.number, i.open_amount) for i in open_invoices_for(ledger, acme)] == [
        ("A-2", D("140.00")),
        ("A-10", D("50.00")),
        ("A-6", D("999.00")),
    ]
    assert money_on_account(ledger, acme, AS_OF) == 0
    issue_credit_note(ledger, CreditNoteInput(acme, date(2026, 6, 28), D("10.00")))
    record_payment(ledger, PaymentInput(acme, date(2026, 7, 5), D("1.00"), invoice_id=None))
    assert [(r.kind, r.left) for r in unapplied_receipts(ledger, acme)] == [("credit_note", D("10.00"))]
    assert money_on_account(ledger, acme, AS_OF) == D("10.00")
    set_flag(ledger, Client, clients["BOHM"].id, archived=True)
    assert [c.code for c in client_choices(ledger)] == ["ACME"]
    assert [c.code for c in client_choices(ledger, include_id=clients["BOHM"].id)] == ["ACME", "BOHM"]


def test_default_tax_rate_follows_the_last_line_written(db: Database) -> None:
    assert default_tax_rate(db) == 0
    client = add_client(db, ClientInput("T", "Tax"))
    create_invoice(db, InvoiceInput(client, AS_OF, [InvoiceLine("Work", D(1), D(10), D("20"))]))
    assert default_tax_rate(db) == D(20)


@pytest.fixture
def other_company(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "jpy.sqlite", create=True)
    create_company(db, "Yen Co", "JPY", "ja_JP")
    yield db
    db.close()


def test_amounts_without_minor_units_are_searchable(other_company: Database) -> None:
    client = add_client(other_company, ClientInput("Y", "Yamada"))
    invoice(other_company, client, "Y-1", AS_OF, "15000")
    view = InvoiceView(invoice_table(other_company, AS_OF))
    view.set_text("15000")
    assert len(view) == 1
    assert view.table is not None and view.table.gross_amount(0) == D(15000)
