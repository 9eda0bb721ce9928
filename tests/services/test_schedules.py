"""Chasing schedules stored in a real company file: the default, editing, choosing, deleting."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from creditdesk.domain.chasing import Attachment, Channel, Schedule, Stage
from creditdesk.domain.errors import LedgerError, NotFoundError, ValidationError
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.mail.default_schedule import DEFAULT_SCHEDULE
from creditdesk.services.chasing.schedules import (
    ScheduleRefused,
    client_schedule,
    default_schedule_id,
    delete_schedule,
    get_schedule,
    list_schedules,
    new_stage_key,
    save_schedule,
    set_client_schedule,
    set_default_schedule,
    set_do_not_chase,
    set_start_stage,
)
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice, void_invoice
from creditdesk.store.database import Database
from creditdesk.store.models import ChaseSchedule, ChaseStage, Client, Company, Invoice
from creditdesk.store.unit_of_work import UnitOfWork

CUSTOM = Schedule(
    "Firm",
    (
        Stage(
            "nudge", "Nudge", 0, Channel.EMAIL, "Due today: {{ total_overdue }}", "Hello {{ client.name }}"
        ),
        Stage(
            "call",
            "Phone them",
            10,
            Channel.PHONE,
            "",
            "Call {{ client.contact_name }} about {{ total_overdue }}",
            automatic=True,
        ),
        Stage(
            "final",
            "Final word",
            21,
            Channel.EMAIL,
            "Final: {{ total_overdue }}",
            "{% for invoice in invoices %}{{ invoice.number }}\n{% endfor %}",
            frozenset({Attachment.INVOICES, Attachment.STATEMENT}),
            fee=D("40.00"),
        ),
    ),
    min_gap_days=5,
    min_amount=D("25.50"),
)


def count(db: Database, model: type[ChaseSchedule] | type[ChaseStage]) -> int:
    with UnitOfWork(db) as uow:
        return int(uow.session.scalar(select(func.count(model.id))) or 0)


def test_the_default_schedule_is_stored_once_and_is_the_shipped_one(db: Database) -> None:
    assert count(db, ChaseSchedule) == 0  # nothing until it is needed
    first = default_schedule_id(db)
    assert default_schedule_id(db) == first
    (choice,) = list_schedules(db)
    assert (choice.id, choice.name, choice.stages, choice.is_default) == (first, "Standard", 5, True)
    assert count(db, ChaseSchedule) == 1
    assert get_schedule(db, first) == DEFAULT_SCHEDULE
    with UnitOfWork(db) as uow:
        company = uow.session.get(Company, 1)
        assert company is not None and company.chase_schedule_id == first


def test_save_schedule_round_trips_money_flags_and_keys(db: Database) -> None:
    schedule_id = save_schedule(db, None, CUSTOM)
    assert get_schedule(db, schedule_id) == CUSTOM
    with UnitOfWork(db) as uow:
        row = uow.session.get(ChaseSchedule, schedule_id)
        assert row is not None and row.min_amount == 2550
        assert [(s.key, s.fee, s.attach_statement) for s in row.stages][-1] == ("final", 4000, True)
    # Edited: a stage renamed and moved, one removed, one added; the keys of the kept ones stay.
    edited = replace(
        CUSTOM,
        name="Firm but fair",
        stages=(
            replace(CUSTOM.stages[0], name="Gentle nudge", offset_days=2),
            CUSTOM.stages[2],
            Stage("letter", "Letter", 40, Channel.LETTER, "", "Dear {{ client.name }}"),
        ),
    )
    assert save_schedule(db, schedule_id, edited) == schedule_id
    assert get_schedule(db, schedule_id) == edited
    assert [s.key for s in get_schedule(db, schedule_id).stages] == ["nudge", "final", "letter"]
    assert count(db, ChaseStage) == 5 + 3  # the default's and these; the removed stage is gone
    names = [c.name for c in list_schedules(db)]
    assert names == ["Standard", "Firm but fair"]  # the default first


def test_a_template_problem_is_refused_naming_stage_and_line_and_nothing_is_saved(db: Database) -> None:
    stored = default_schedule_id(db)
    second = DEFAULT_SCHEDULE.stages[2]
    body = "Dear {{ client.name }},\n\nLine three.\nWe wrote to {{ client.nam }} before.\n"
    final = DEFAULT_SCHEDULE.stages[3]
    broken = replace(
        DEFAULT_SCHEDULE,
        min_gap_days=3,
        stages=(
            *DEFAULT_SCHEDULE.stages[:2],
            replace(second, body_template=body),
            replace(final, subject_template="Final notice: {{ total_overdu }}"),
            DEFAULT_SCHEDULE.stages[4],
        ),
    )
    with pytest.raises(ScheduleRefused) as refused:
        save_schedule(db, stored, broken)
    problems = refused.value.problems
    assert problems[0].startswith("Second reminder, body line 4: 'client.nam' is not a placeholder")
    assert problems[1].startswith("Final notice, subject: 'total_overdu' is not a placeholder")
    assert "Second reminder, body line 4" in refused.value.message
    assert get_schedule(db, stored) == DEFAULT_SCHEDULE  # not even the gap changed


def test_schedule_rules_money_places_and_names_are_checked(db: Database) -> None:
    out_of_order = replace(CUSTOM, stages=(CUSTOM.stages[1], CUSTOM.stages[0]))
    with pytest.raises(ScheduleRefused, match=r"must come after the stage before it"):
        save_schedule(db, None, out_of_order)
    with pytest.raises(ScheduleRefused, match=r"Final word: the fee 40\.005 has more than 2 decimal places"):
        save_schedule(db, None, replace(CUSTOM, stages=(replace(CUSTOM.stages[2], fee=D("40.005")),)))
    with pytest.raises(ScheduleRefused, match=r"minimum amount 0\.001"):
        save_schedule(db, None, replace(CUSTOM, min_amount=D("0.001")))
    with pytest.raises(ValidationError, match="already called 'Standard'"):
        save_schedule(db, None, replace(CUSTOM, name="Standard"))
    assert count(db, ChaseSchedule) == 0  # a refusal writes nothing, not even the default


def test_deleting_a_schedule_in_use_is_refused(db: Database) -> None:
    firm = save_schedule(db, None, CUSTOM)
    client = add_client(db, ClientInput("ACME", "Acme Ltd"))
    set_client_schedule(db, client, firm)
    assert client_schedule(db, client) == CUSTOM
    with pytest.raises(LedgerError, match=r"'Firm' is the schedule of 1 client \(ACME\)"):
        delete_schedule(db, firm)
    with pytest.raises(LedgerError, match="company's default schedule"):
        delete_schedule(db, default_schedule_id(db))
    set_client_schedule(db, client, None)
    assert client_schedule(db, client) == DEFAULT_SCHEDULE
    delete_schedule(db, firm)
    assert [c.name for c in list_schedules(db)] == ["Standard"]
    with pytest.raises(NotFoundError):
        get_schedule(db, firm)


def test_choosing_the_default_and_marking_do_not_chase(db: Database) -> None:
    firm = save_schedule(db, None, CUSTOM)
    set_default_schedule(db, firm)
    client = add_client(db, ClientInput("ACME", "Acme Ltd"))
    assert client_schedule(db, client) == CUSTOM
    assert [c.name for c in list_schedules(db) if c.is_default] == ["Firm"]
    set_do_not_chase(db, client, True)
    with UnitOfWork(db) as uow:
        row = uow.session.get(Client, client)
        assert row is not None and row.do_not_chase


def test_start_stage_must_exist_in_the_clients_schedule(db: Database) -> None:
    client = add_client(db, ClientInput("ACME", "Acme Ltd"))
    line = [InvoiceLine("Work", D(1), D("10.00"))]
    invoice = create_invoice(db, InvoiceInput(client, date(2026, 1, 1), line))
    set_start_stage(db, invoice, 4)
    with pytest.raises(ValidationError, match="stage 6 does not exist: schedule 'Standard' has 5 stages"):
        set_start_stage(db, invoice, 5)
    with UnitOfWork(db) as uow:
        row = uow.session.get(Invoice, invoice)
        assert row is not None and row.chase_start_stage == 4
    set_start_stage(db, invoice, None)
    void_invoice(db, invoice)
    with pytest.raises(LedgerError, match="void"):
        set_start_stage(db, invoice, 1)


def test_new_stage_keys_come_from_the_name_and_never_repeat() -> None:
    assert new_stage_key("Second reminder", set()) == "second-reminder"
    assert new_stage_key("Second reminder", {"second-reminder"}) == "second-reminder-2"
    assert new_stage_key("  !!  ", set()) == "stage"
    assert new_stage_key("Éclair über", set()) == "eclair-uber"
