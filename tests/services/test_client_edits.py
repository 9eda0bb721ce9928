"""Editing, archiving and noting clients: the same rules as adding one, nothing half-written."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from creditdesk.domain.errors import LedgerError, NotFoundError, ValidationError
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.domain.terms import PaymentTerms, TermsBasis
from creditdesk.services.clients.overview import client_detail, client_rows
from creditdesk.services.clients.records import (
    ClientInput,
    FieldProblem,
    add_client,
    archive_client,
    client_form,
    client_problems,
    code_is_free,
    log_note,
    terms_choices,
    update_client,
)
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import (
    CreditNoteInput,
    PaymentInput,
    issue_credit_note,
    record_payment,
)
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database
from creditdesk.store.models import Activity
from creditdesk.store.unit_of_work import UnitOfWork

TODAY = date(2026, 11, 22)
ACME = ClientInput(
    "ACME",
    "Acme Ltd",
    "ap@acme.example",
    contact_name="Ann",
    phone="01632 960 000",
    address="1 Quay Street\nFalmouth",
    terms=PaymentTerms(14),
    credit_limit=D("5000.00"),
    on_hold=False,
    do_not_chase=True,
    notes="Quote the PO number.",
)


def test_the_form_reads_back_what_was_saved(db: Database) -> None:
    client = add_client(db, ACME)
    assert client_form(db, client) == ACME


def test_update_changes_every_field(db: Database) -> None:
    client = add_client(db, ACME)
    edited = ClientInput(
        " ACME-2 ",
        " Acme Holdings Ltd ",
        "accounts@acme.example",
        contact_name="Bob",
        phone="01632 960 111",
        address="2 Market Place",
        terms=PaymentTerms(30, TermsBasis.END_OF_MONTH),
        credit_limit=None,
        on_hold=True,
        do_not_chase=False,
        notes="",
    )
    update_client(db, client, edited)
    form = client_form(db, client)
    assert (form.code, form.name) == ("ACME-2", "Acme Holdings Ltd")
    assert form == ClientInput(**{**edited.__dict__, "code": "ACME-2", "name": "Acme Holdings Ltd"})
    row = next(r for r in client_rows(db, TODAY) if r.id == client)
    assert row.terms == "30 days after end of month"


def test_update_without_terms_keeps_the_terms(db: Database) -> None:
    client = add_client(db, ACME)
    update_client(db, client, ClientInput("ACME", "Acme Ltd"))
    assert client_form(db, client).terms == PaymentTerms(14)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "  "}, "client name is required"),
        ({"code": "BETA"}, "client code 'BETA' is already used by another client"),
        ({"code": ""}, "client code is required"),
        ({"code": "A B"}, "may only hold letters"),
        ({"email": "not-an-address"}, "'not-an-address' is not a valid email address"),
        ({"credit_limit": D(-1)}, "credit limit -1 cannot be negative"),
    ],
)
def test_a_bad_edit_is_refused_and_nothing_is_written(
    db: Database, change: dict[str, object], message: str
) -> None:
    client = add_client(db, ACME)
    add_client(db, ClientInput("BETA", "Beta Ltd"))
    with pytest.raises(ValidationError, match=message):
        update_client(db, client, ClientInput(**{**ACME.__dict__, **change}))
    assert client_form(db, client) == ACME


def test_a_client_keeps_its_own_code(db: Database) -> None:
    client = add_client(db, ACME)
    assert not code_is_free(db, "ACME")
    assert code_is_free(db, "ACME", except_id=client)
    assert code_is_free(db, " NEW ")
    update_client(db, client, ClientInput(**{**ACME.__dict__, "name": "Acme Two"}))
    assert client_form(db, client).name == "Acme Two"


def test_problems_name_every_field_at_once() -> None:
    problems = client_problems(ClientInput("", "", "nope", credit_limit=D(-5), phone="9" * 51))
    assert [p.field for p in problems] == ["code", "name", "email", "credit_limit", "phone"]
    assert problems[0] == FieldProblem("code", "client code is required")
    assert client_problems(ACME) == []


def test_adding_still_refuses_what_it_refused(db: Database) -> None:
    add_client(db, ACME)
    with pytest.raises(ValidationError, match="already used"):
        add_client(db, ClientInput("ACME", "Another"))
    with pytest.raises(ValidationError, match="not a valid email"):
        add_client(db, ClientInput("B", "Bee", "not-an-address"))


def test_editing_a_missing_client_says_so(db: Database) -> None:
    with pytest.raises(NotFoundError):
        update_client(db, 404, ACME)
    with pytest.raises(NotFoundError):
        client_form(db, 404)


# --- archiving ------------------------------------------------------------------------------------


def test_archiving_keeps_the_history_and_can_be_undone(db: Database) -> None:
    client = add_client(db, ClientInput("OLD", "Old Customer"))
    inv = create_invoice(db, InvoiceInput(client, date(2026, 1, 5), [InvoiceLine("Work", D(1), D(120))]))
    record_payment(db, PaymentInput(client, date(2026, 1, 20), D(120), invoice_id=inv))
    log_note(db, client, "Moving abroad; no more work.", datetime(2026, 2, 1, 10, 0))
    archive_client(db, client)
    detail = client_detail(db, client, TODAY)
    assert detail.archived
    assert [e.kind for e in detail.timeline] == ["note", "payment", "invoice"]
    assert next(r for r in client_rows(db, TODAY) if r.id == client).archived
    archive_client(db, client, archived=False)
    assert not client_detail(db, client, TODAY).archived


def test_a_client_who_owes_money_cannot_be_archived(db: Database) -> None:
    client = add_client(db, ClientInput("OWES", "Owes Ltd"))
    inv = create_invoice(db, InvoiceInput(client, date(2026, 11, 1), [InvoiceLine("Work", D(1), D(300))]))
    with pytest.raises(LedgerError, match=r"Owes Ltd cannot be archived\. This client still owes €300\.00"):
        archive_client(db, client)
    assert not client_detail(db, client, TODAY).archived
    # A future-dated invoice counts too: the rule looks at everything on file.
    issue_credit_note(db, CreditNoteInput(client, date(2026, 11, 2), D(300), inv, "Cancelled"))
    archive_client(db, client)
    assert client_detail(db, client, TODAY).archived


def test_money_on_account_blocks_archiving_too(db: Database) -> None:
    client = add_client(db, ClientInput("PRE", "Prepaid Ltd"))
    record_payment(db, PaymentInput(client, date(2026, 11, 1), D(40)))
    with pytest.raises(LedgerError, match=r"has €40\.00 on account"):
        archive_client(db, client)
    assert run_aging(db, TODAY).row_for(client) is not None  # still visible in the aging


# --- notes and terms ------------------------------------------------------------------------------


def test_a_note_goes_on_the_timeline_as_last_contact(db: Database) -> None:
    client = add_client(db, ClientInput("N", "Noted"))
    log_note(db, client, "  Called Ann; promised payment Friday.  ", datetime(2026, 11, 20, 9, 15, 42, 7))
    detail = client_detail(db, client, TODAY)
    (entry,) = detail.timeline
    assert (entry.kind, entry.label, entry.text) == ("note", "Note", "Called Ann; promised payment Friday.")
    assert entry.at == datetime(2026, 11, 20, 9, 15, 42)
    assert detail.last_contact == date(2026, 11, 20)
    assert next(r for r in client_rows(db, TODAY) if r.id == client).last_contact == date(2026, 11, 20)


def test_an_empty_note_or_a_missing_client_writes_nothing(db: Database) -> None:
    client = add_client(db, ClientInput("N", "Noted"))
    with pytest.raises(ValidationError, match="the note is required"):
        log_note(db, client, "   ", datetime(2026, 11, 20, 9, 0))
    with pytest.raises(NotFoundError):
        log_note(db, 404, "Hello", datetime(2026, 11, 20, 9, 0))
    with UnitOfWork(db) as uow:
        assert uow.session.scalar(select(func.count(Activity.id))) == 0


def test_terms_choices_are_the_company_terms_with_the_default_marked(db: Database) -> None:
    choices = terms_choices(db)
    labels = [c.label for c in choices]
    assert labels[:4] == ["Due on receipt", "Net 7", "Net 14", "Net 30"]
    assert [c.label for c in choices if c.is_default] == ["Net 30"]
    assert next(c for c in choices if c.label == "Net 60").terms == PaymentTerms(60)
