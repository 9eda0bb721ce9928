"""Saved mappings: kept in the company file by name, per kind of import, and chosen again by that name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from creditdesk.domain.errors import NotFoundError, ValidationError
from creditdesk.imports.dates import DateOrder
from creditdesk.imports.formats import FormatChoices
from creditdesk.imports.mapping import ColumnMapping, Field
from creditdesk.imports.numbers import COMMA, NumberFormat
from creditdesk.services.imports.client_import import ClientImportOptions, import_clients
from creditdesk.services.imports.invoice_import import SOURCE_KEYS, InvoiceImportOptions, import_invoices
from creditdesk.services.imports.mappings import (
    SavedMapping,
    delete_mapping,
    load_mapping,
    payment_source,
    save_mapping,
    saved_mappings,
    source_for,
)
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database
from creditdesk.store.models import Invoice
from creditdesk.store.unit_of_work import UnitOfWork

TODAY = date(2026, 12, 7)
INVOICES = SavedMapping(
    "invoices",
    ColumnMapping(
        "Our till",
        {
            Field.NUMBER: "Beleg",
            Field.CLIENT_NAME: "Wer",
            Field.ISSUE_DATE: "Am",
            Field.TOTAL: "Summe",
        },
        {"erledigt": "paid"},
    ),
    {"Am": DateOrder.DAY_FIRST},
    {"Summe": NumberFormat(COMMA, ".")},
)
CLIENTS = SavedMapping(
    "clients", ColumnMapping("Our till", {Field.CLIENT_CODE: "Nr", Field.CLIENT_NAME: "Wer"})
)


def test_a_mapping_is_saved_listed_loaded_and_deleted(db: Database) -> None:
    save_mapping(db, INVOICES)
    save_mapping(db, CLIENTS)  # the same name for another kind of import
    assert [(m.kind, m.name) for m in saved_mappings(db)] == [
        ("clients", "Our till"),
        ("invoices", "Our till"),
    ]
    assert load_mapping(db, "invoices", "our TILL") == INVOICES  # names are matched whatever their case
    assert delete_mapping(db, "invoices", "OUR till") == "Our till"
    assert saved_mappings(db, "invoices") == []
    assert saved_mappings(db, "clients") == [CLIENTS]


def test_a_name_is_unique_per_kind(db: Database) -> None:
    save_mapping(db, INVOICES)
    renamed = SavedMapping("invoices", ColumnMapping("OUR TILL", {Field.NUMBER: "No"}))
    with pytest.raises(ValidationError, match="An invoice mapping named 'OUR TILL' is already saved"):
        save_mapping(db, renamed)
    save_mapping(db, renamed, replace_saved=True)
    assert [m.mapping.columns for m in saved_mappings(db, "invoices")] == [{Field.NUMBER: "No"}]


def test_what_cannot_be_saved_is_refused(db: Database) -> None:
    with pytest.raises(ValidationError, match="is required"):
        save_mapping(db, SavedMapping("clients", ColumnMapping(" ", {Field.CLIENT_NAME: "A"})))
    with pytest.raises(ValidationError, match="at least one column"):
        save_mapping(db, SavedMapping("clients", ColumnMapping("Empty", {})))
    with pytest.raises(ValidationError, match="not part of this kind of import: issue_date"):
        save_mapping(db, SavedMapping("clients", ColumnMapping("Mixed", {Field.ISSUE_DATE: "Date"})))
    with pytest.raises(ValidationError, match="'bills' is not a kind of import"):
        save_mapping(db, SavedMapping("bills", ColumnMapping("B", {Field.NUMBER: "No"})))
    assert saved_mappings(db) == []


def test_an_unknown_source_lists_every_choice(db: Database) -> None:
    save_mapping(db, INVOICES)
    assert source_for(db, "invoices", "xero", SOURCE_KEYS) == "xero"
    assert source_for(db, "invoices", "our till", SOURCE_KEYS) == INVOICES
    with pytest.raises(ValidationError) as info:
        source_for(db, "invoices", "Sap", SOURCE_KEYS)
    assert info.value.message == (
        "'Sap' is neither a source CreditDesk knows nor a saved invoice mapping; choose one of: auto, "
        f"{', '.join(SOURCE_KEYS)}, Our till."
    )
    with pytest.raises(NotFoundError, match="none has been saved yet"):
        load_mapping(db, "payments", "Bank")


def test_the_payments_import_gets_a_key_or_the_mapping(db: Database) -> None:
    bank = SavedMapping("payments", ColumnMapping("Bank", {Field.NUMBER: "Ref", Field.TOTAL: "Betrag"}))
    save_mapping(db, bank)
    assert payment_source(db, "camt", ("camt", "ofx")) == "camt"
    assert payment_source(db, "bank", ("camt", "ofx")) == bank.mapping


def test_a_saved_mapping_reads_invoices_with_its_formats(db: Database, tmp_path: Path) -> None:
    save_mapping(db, INVOICES)
    path = tmp_path / "till.csv"
    path.write_text("Beleg;Wer;Am;Summe\nB-1;Kiosk Nord;02/11/2026;1.234,50\n", encoding="utf-8")
    saved = source_for(db, "invoices", "Our till", SOURCE_KEYS)
    assert isinstance(saved, SavedMapping)
    options = InvoiceImportOptions(source=saved.mapping, choices=saved.choices(FormatChoices()))
    done = import_invoices(db, path, options=options, today=TODAY)
    assert (done.count, str(done.total)) == (1, "1234.50")
    row = run_aging(db, TODAY).rows[0]
    assert row.client_name == "Kiosk Nord" and row.total == done.total
    with UnitOfWork(db) as uow:
        issued = uow.session.scalars(select(Invoice.issue_date)).one()
    assert issued == date(2026, 11, 2)  # 02/11/2026 read day first, as the mapping was saved


def test_the_users_own_format_outvotes_the_saved_one() -> None:
    given = FormatChoices(every_date=DateOrder.MONTH_FIRST)
    assert INVOICES.choices(given).date_orders == {}
    assert INVOICES.choices(FormatChoices()).date_orders == {"Am": DateOrder.DAY_FIRST}


def test_a_saved_mapping_reads_clients(db: Database, tmp_path: Path) -> None:
    save_mapping(db, CLIENTS)
    path = tmp_path / "till.csv"
    path.write_text("Nr,Wer\nK1,Kiosk Nord\n", encoding="utf-8")
    saved = source_for(db, "clients", "Our till", ("auto",))
    assert isinstance(saved, SavedMapping)
    done = import_clients(db, path, options=ClientImportOptions(source=saved.mapping), today=TODAY)
    assert done.count == 1
