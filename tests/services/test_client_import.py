"""Importing clients on a real company file: known clients never repeated, ``--sync`` keeping them in step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import func, select

from creditdesk.domain.errors import ImportRefused
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.imports.client_import import (
    ClientImportOptions,
    apply_client_plan,
    import_clients,
    plan_client_import,
)
from creditdesk.services.imports.common import BooksChanged, ImportSummary
from creditdesk.services.imports.exporting import export_clients
from creditdesk.store.database import Database
from creditdesk.store.models import Activity, ChaseSchedule, Client
from creditdesk.store.unit_of_work import UnitOfWork

TODAY = date(2026, 12, 7)
FIXTURES = Path(__file__).parents[1] / "imports" / "fixtures"
SYNC = ClientImportOptions(sync=True)
CLIENTS = (
    "code,name,email,terms_days,credit_limit\nACME,Acme Ltd,ap@acme.example,14,5000\nBETA,Beta GmbH,,,\n"
)


def csv_file(tmp_path: Path, text: str, name: str = "clients.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def refusal(action: Callable[[], object]) -> tuple[str, ...]:
    with pytest.raises(ImportRefused) as info:
        action()
    return info.value.problems


def clients(db: Database) -> dict[str, tuple[object, ...]]:
    with UnitOfWork(db) as uow:
        return {
            c.code: (c.name, c.email, c.contact_name, c.phone, c.address, c.terms.name, c.credit_limit)
            for c in uow.session.scalars(select(Client))
        }


def count(db: Database, model: type[Client] | type[Activity]) -> int:
    with UnitOfWork(db) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def summary(db: Database, path: Path, **options: object) -> ImportSummary:
    return import_clients(db, path, options=ClientImportOptions(**options), today=TODAY)  # type: ignore[arg-type]


# --- new clients ------------------------------------------------------------------------


def test_clients_are_imported_with_terms_and_limits(db: Database, tmp_path: Path) -> None:
    text = CLIENTS + "GAMMA,Gamma SA,,45,0.50\n"
    done = import_clients(db, csv_file(tmp_path, text), today=TODAY)
    assert (done.kind, done.count, done.source, done.dry_run) == ("clients", 3, "clients.csv", False)
    assert done.describe() == (
        "clients from clients.csv: new clients: 3; updated: 0; already known: 0; problems: 0"
    )
    with UnitOfWork(db) as uow:
        stored = {
            c.code: (c.email, c.terms.name, c.terms.days, c.credit_limit)
            for c in uow.session.scalars(select(Client))
        }
    assert stored == {
        "ACME": ("ap@acme.example", "Net 14", 14, 500000),  # limits in minor units
        "BETA": ("", "Net 30", 30, None),
        "GAMMA": ("", "Net 45", 45, 50),
    }


def test_extra_columns_order_and_header_case_do_not_matter(db: Database, tmp_path: Path) -> None:
    text = " Name ,Remark,CODE,Fax\nAcme Ltd,ignored,ACME,+44 1234\n\n,,,\nBeta GmbH,,BETA,\n"
    assert import_clients(db, csv_file(tmp_path, text), today=TODAY).count == 2
    with UnitOfWork(db) as uow:
        rows = uow.session.execute(select(Client.code, Client.name, Client.notes).order_by(Client.code)).all()
    assert [tuple(r) for r in rows] == [("ACME", "Acme Ltd", ""), ("BETA", "Beta GmbH", "")]


def test_a_semicolon_file_is_read_as_it_is(db: Database, tmp_path: Path) -> None:
    assert import_clients(db, csv_file(tmp_path, "code;name\nA1;Alpha\n"), today=TODAY).count == 1
    assert clients(db)["A1"][0] == "Alpha"


def test_a_client_without_a_code_gets_one_from_its_name(db: Database, tmp_path: Path) -> None:
    add_client(db, ClientInput("NORTHWIN", "Northwind Traders"))
    text = "name,email\nNorthwind Design,hello@northwind.example\nnorth-wind design,other@northwind.example\n"
    problems = refusal(lambda: import_clients(db, csv_file(tmp_path, text), today=TODAY))
    assert problems == ("line 3, field 'name': client 'north-wind design' is repeated (first on line 2)",)
    import_clients(db, csv_file(tmp_path, text.rsplit("north-wind", 1)[0]), today=TODAY)
    assert set(clients(db)) == {"NORTHWIN", "NORTHWIN-2"}


def test_every_fixture_imports_into_an_empty_company(db: Database) -> None:
    names = sorted(
        path.name
        for path in FIXTURES.iterdir()
        if ("client" in path.name or "contact" in path.name) and "payments" not in path.name
    )
    names += ["wave_customers.csv", "sage_customers.csv"]
    created = {name: import_clients(db, FIXTURES / name, today=TODAY).count for name in names}
    assert created == {
        "creditdesk_clients.csv": 4,
        "de_clients_excel_semicolon_cp1252.csv": 3,
        "fr_clients_unicode_text_utf16le.txt": 2,
        "freeagent_contacts.csv": 3,
        "nl_clients_excel_semicolon_utf8.csv": 2,
        "quickbooks_customer_contact_list.csv": 3,
        "sage_customers.csv": 3,
        "us_clients_excel_comma_utf8bom.csv": 2,
        "wave_customers.csv": 2,
        "xero_contacts.csv": 3,
        "zoho_contacts.csv": 3,
    }
    assert count(db, Client) == 30
    assert count(db, Activity) == 30  # each new client's timeline says where it came from


def test_export_then_import_round_trips_every_column(db: Database, tmp_path: Path, db_path: Path) -> None:
    import_clients(db, FIXTURES / "creditdesk_clients.csv", today=TODAY)
    exported = tmp_path / "clients.csv"
    export_clients(db, exported)
    assert exported.read_bytes() == (FIXTURES / "creditdesk_clients.csv").read_bytes()


# --- clients already kept -----------------------------------------------------------------


def test_known_clients_are_matched_by_code_email_or_name_and_not_repeated(
    db: Database, tmp_path: Path
) -> None:
    add_client(db, ClientInput("ACME", "Acme Ltd"))
    add_client(db, ClientInput("BETA", "Beta GmbH", email="ap@beta.example"))
    add_client(db, ClientInput("GAMMA", "Gamma S.A."))
    text = (
        "code,name,email\n"
        "acme,Acme Limited,\n"  # by code (case ignored)
        ",Beta,AP@beta.example\n"  # by e-mail
        ",GAMMA SA,\n"  # by name (case and punctuation ignored)
        "DELTA,Delta BV,\n"  # new
    )
    done = import_clients(db, csv_file(tmp_path, text), today=TODAY)
    assert done.describe() == (
        "clients from clients.csv: new clients: 1; updated: 0; already known: 3; problems: 0"
    )
    assert clients(db)["ACME"][0] == "Acme Ltd"  # without --sync a known client is left as it is
    assert count(db, Client) == 4


def test_sync_brings_contact_details_up_to_date_and_nothing_the_user_set_for_chasing(
    db: Database, tmp_path: Path
) -> None:
    client_id = add_client(db, ClientInput("ACME", "Acme Ltd", email="old@acme.example", phone="1"))
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        schedule = ChaseSchedule(name="Gentle")
        session.add(schedule)
        session.flush()
        client = session.get(Client, client_id)
        assert client is not None
        client.chase_schedule_id = schedule.id
        client.do_not_chase = True
        client.on_hold = True
        client.notes = "Call Sam, never e-mail."
        client.handed_over_on = date(2026, 11, 1)
        client.archived = True
        uow.commit()
    text = (
        "code,name,email,phone,address,terms,credit_limit,contact_name,do_not_chase,on_hold,archived,notes\n"
        "ACME,Acme Limited,ap@acme.example,+44 20 7946 0000,"
        '"1 High St\nLondon",Net 14,2500.00,Sam,no,no,no,x\n'
    )
    path = csv_file(tmp_path, text)
    plain = summary(db, path)
    assert plain.describe().endswith("new clients: 0; updated: 0; already known: 1; problems: 0")
    done = summary(db, path, sync=True)
    assert done.describe().endswith("new clients: 0; updated: 1; already known: 0; problems: 0")
    assert clients(db)["ACME"] == (
        "Acme Limited", "ap@acme.example", "Sam", "+44 20 7946 0000", "1 High St\nLondon", "Net 14", 250000
    )  # fmt: skip
    with UnitOfWork(db) as uow:
        kept = uow.session.get(Client, client_id)
        assert kept is not None
        assert (kept.chase_schedule_id, kept.do_not_chase, kept.on_hold, kept.notes) == (
            schedule.id, True, True, "Call Sam, never e-mail.",
        )  # fmt: skip
        assert (kept.handed_over_on, kept.archived) == (date(2026, 11, 1), True)
        note = uow.session.scalars(select(Activity.text).where(Activity.client_id == client_id)).one()
    assert note == (
        "Contact details brought up to date from CreditDesk (export clients): "
        "name, e-mail, contact, phone, address, payment terms, credit limit."
    )
    again = summary(db, path, sync=True)  # the same file twice changes nothing
    assert again.describe().endswith("new clients: 0; updated: 0; already known: 1; problems: 0")
    assert count(db, Activity) == 1


def test_an_empty_cell_keeps_what_is_stored(db: Database, tmp_path: Path) -> None:
    add_client(db, ClientInput("ACME", "Acme Ltd", email="ap@acme.example", terms=PaymentTerms(14)))
    path = csv_file(tmp_path, "code,name,email,terms_days,credit_limit\nACME,Acme Ltd,,,\n")
    assert summary(db, path, sync=True).describe().endswith("updated: 0; already known: 1; problems: 0")
    assert clients(db)["ACME"][1] == "ap@acme.example" and clients(db)["ACME"][5] == "Net 14"


def test_two_rows_naming_one_known_client_are_refused(db: Database, tmp_path: Path) -> None:
    add_client(db, ClientInput("ACME", "Acme Ltd", email="ap@acme.example"))
    text = "code,name,email\nA1,Acme Ltd,ap@acme.example\nA2,Acme Ltd.,\n"
    assert refusal(lambda: summary(db, csv_file(tmp_path, text))) == (
        "line 3, field 'name': this row names the same client as line 2 (ACME, Acme Ltd)",
    )


def test_an_email_two_rows_share_does_not_make_them_one_client(db: Database, tmp_path: Path) -> None:
    text = "name,email\nNorth Shop,accounts@group.example\nSouth Shop,accounts@group.example\n"
    path = csv_file(tmp_path, text)
    assert summary(db, path).count == 2
    assert summary(db, path, sync=True).describe().endswith("updated: 0; already known: 2; problems: 0")
    assert sorted(str(details[0]) for details in clients(db).values()) == ["North Shop", "South Shop"]


def test_a_dry_run_plans_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    preview = import_clients(db, csv_file(tmp_path, CLIENTS), today=TODAY, dry_run=True)
    assert preview.dry_run and preview.count == 2
    assert count(db, Client) == 0


def test_the_plan_lists_what_the_window_shows(db: Database, tmp_path: Path) -> None:
    add_client(db, ClientInput("ACME", "Acme"))
    plan = plan_client_import(db, csv_file(tmp_path, CLIENTS), SYNC)
    assert [new.code for new in plan.create] == ["BETA"]
    assert [sorted(change.values) for change in plan.updates] == [["credit_limit", "email", "name", "terms"]]
    assert plan.updates[0].values["credit_limit"] == 500000 and plan.read.clients[0].credit_limit == D(5000)


# --- refusals ---------------------------------------------------------------------------


def test_empty_and_header_only_files_are_refused_clearly(db: Database, tmp_path: Path) -> None:
    expected = ("no header row was found; the first row of the table must name its columns",)
    assert refusal(lambda: summary(db, csv_file(tmp_path, ""))) == expected
    assert refusal(lambda: summary(db, csv_file(tmp_path, "\r\n\r\n"))) == expected
    (problem,) = refusal(lambda: summary(db, csv_file(tmp_path, "code,name\n\n")))
    assert problem == "line 1: there is a header row but no rows to import"


def test_a_missing_file_and_the_company_file_are_refused_clearly(db: Database, tmp_path: Path) -> None:
    (problem,) = refusal(lambda: summary(db, tmp_path / "nowhere.csv"))
    assert problem.startswith("there is no file at") and "check the name and the folder" in problem
    (problem,) = refusal(lambda: summary(db, db.path))
    assert problem == f"{db.path.name} is a CreditDesk company file, not a table to import; choose the export"


def test_every_bad_client_row_is_reported_and_nothing_written(db: Database, tmp_path: Path) -> None:
    add_client(db, ClientInput("OLD", "Already here"))
    text = (
        "code,name,email,terms_days,credit_limit\n"  # 1
        "ACME,Acme Ltd,,,\n"  # 2 fine
        "ACME,Acme again,,,\n"  # 3 repeated
        "OLD,Old Ltd,,,\n"  # 4 already kept: known, not a problem
        "MAIL,Mail Ltd,not-an-address,,\n"  # 5
        "NEG,Negative Ltd,,,-1.00\n"  # 6
        "NAN,Bad Limit,,,1'000x\n"  # 7
        "NONAME,,,,\n"  # 8
        "TERMS,Terms Ltd,,-5,\n"  # 9
        "BAD CODE,Spaces,,,\n"  # 10
    )
    problems = refusal(lambda: summary(db, csv_file(tmp_path, text)))
    assert problems == (
        "line 3, field 'code': client code 'ACME' is repeated (first on line 2)",
        "line 5, field 'email': the e-mail 'not-an-address' is not a valid email address",
        "line 6, field 'credit_limit': -1.00 cannot be negative; leave it empty for no limit",
        "line 7, field 'credit_limit': expected an amount like 1234.50, got '1'000x'",
        "line 8, field 'name': is empty; every client needs its name",
        "line 9, field 'terms_days': expected payment terms such as 30, Net 30 or 30 days after end of "
        "month, got '-5'",
        "line 10, field 'code': the client code 'BAD CODE' may only hold letters, digits and . _ / -",
    )
    assert count(db, Client) == 1


def test_line_numbers_count_every_physical_line(db: Database, tmp_path: Path) -> None:
    text = (
        "code,name,email\r\n"  # 1
        '"ML","Multi\r\nLine\r\nLtd",\r\n'  # 2-4: one record over three lines
        "\r\n"  # 5: blank, skipped
        "BAD,Bad Ltd,nope\r\n"  # 6
        'ML2,"Two\nlines",\n'  # 7-8
        "BAD2,Bad Two,@\n"  # 9
    )
    problems = refusal(lambda: summary(db, csv_file(tmp_path, text)))
    assert problems == (
        "line 6, field 'email': the e-mail 'nope' is not a valid email address",
        "line 9, field 'email': the e-mail '@' is not a valid email address",
    )
    good = text.replace("nope", "").replace(",@", ",")
    assert summary(db, csv_file(tmp_path, good)).count == 4
    assert clients(db)["ML"][0] == "Multi\r\nLine\r\nLtd"


def test_a_damaged_file_is_reported_where_it_breaks(db: Database, tmp_path: Path) -> None:
    text = 'code,name\nA1,Alpha\nB2,"Beta\nC3,Gamma\nD4,Delta\n'
    (problem,) = refusal(lambda: summary(db, csv_file(tmp_path, text)))
    assert problem.startswith(
        "line 3: the file is damaged here (a quote opened on this line is never closed)"
    )
    assert count(db, Client) == 0


def test_a_dry_run_still_refuses_bad_files(db: Database, tmp_path: Path) -> None:
    problems = refusal(
        lambda: import_clients(db, csv_file(tmp_path, "code,name\nA,\n"), today=TODAY, dry_run=True)
    )
    assert problems == ("line 2, field 'name': is empty; every client needs its name",)


def client_codes(db: Database) -> set[str]:
    with UnitOfWork(db) as uow:
        return set(uow.session.scalars(select(Client.code)))


def test_a_client_added_meanwhile_that_is_not_the_files_leaves_the_plan_good(db: Database) -> None:
    plan = plan_client_import(db, FIXTURES / "creditdesk_clients.csv", ClientImportOptions())
    add_client(db, ClientInput(code="WINDOW", name="Added In The Window Ltd", email="ap@window.example"))
    apply_client_plan(db, plan, TODAY)
    assert {"WINDOW", "ALPINE"} <= client_codes(db)
    assert len(client_codes(db)) == 1 + len(plan.create)


def test_a_client_of_the_file_added_meanwhile_refuses_the_plan_and_writes_nothing(db: Database) -> None:
    plan = plan_client_import(db, FIXTURES / "creditdesk_clients.csv", ClientImportOptions())
    add_client(
        db, ClientInput(code="ALPINE", name="Alpine Bakery GmbH", email="buchhaltung@alpine-bakery.example")
    )
    with pytest.raises(BooksChanged):
        apply_client_plan(db, plan, TODAY)
    assert client_codes(db) == {"ALPINE"}
