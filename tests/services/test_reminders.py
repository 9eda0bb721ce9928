"""Planning and queueing reminders on a real company file, the ledger built through the services.

The chasing rules themselves are tested in tests/domain/test_chasing.py; these
tests check what the service reads from the file and writes to the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select, update

from creditdesk.domain.chasing import Channel
from creditdesk.domain.errors import ValidationError
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.mail.default_schedule import DEFAULT_SCHEDULE
from creditdesk.services.chasing.reminders import PlanItem, plan, queue
from creditdesk.services.chasing.schedules import (
    default_schedule_id,
    save_schedule,
    set_client_schedule,
    set_do_not_chase,
    set_start_stage,
)
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import PaymentInput, record_payment
from creditdesk.store.database import Database
from creditdesk.store.models import ChaseStage, Company, Invoice, Reminder, ReminderInvoice
from creditdesk.store.unit_of_work import UnitOfWork

AS_OF = date(2026, 6, 10)
DUE = date(2026, 6, 1)  # nine days overdue on AS_OF


def invoice(db: Database, client: int, due: date, amount: str = "100.00") -> int:
    line = InvoiceLine("Joinery work", D(1), D(amount))
    return create_invoice(db, InvoiceInput(client, due - timedelta(days=30), [line], due_date=due))


@dataclass(frozen=True)
class Ledger:
    """A small book of clients, each showing one thing planning must get right."""

    acme: int  # one invoice overdue, one falling due in two days
    acme_overdue: int
    acme_soon: int
    beta: int  # part paid before the day, the rest paid after it
    beta_invoice: int
    gamma: int  # its only invoice is disputed
    delta: int  # marked do not chase
    epsilon: int  # no email address: gets a letter
    epsilon_invoice: int


def build_ledger(db: Database) -> Ledger:
    with UnitOfWork(db, write=True) as uow:
        company = uow.session.get(Company, 1)
        assert company is not None
        company.bank_account_name = "Test Co"
        company.bank_iban = "GB29NWBK60161331926819"
        company.email = "accounts@testco.example"
        uow.commit()
    acme = add_client(db, ClientInput("ACME", "Acme Ltd", "ap@acme.example", contact_name="Ada Acme"))
    acme_overdue = invoice(db, acme, DUE, "100.00")
    acme_soon = invoice(db, acme, AS_OF + timedelta(days=2), "50.00")
    beta = add_client(db, ClientInput("BETA", "Beta plc", "ledger@beta.example"))
    beta_invoice = invoice(db, beta, DUE, "100.00")
    record_payment(db, PaymentInput(beta, date(2026, 6, 5), D("40.00"), invoice_id=beta_invoice))
    record_payment(db, PaymentInput(beta, date(2026, 6, 15), D("60.00"), invoice_id=beta_invoice))
    gamma = add_client(db, ClientInput("GAMMA", "Gamma GmbH", "gamma@gamma.example"))
    disputed = invoice(db, gamma, DUE)
    with UnitOfWork(db, write=True) as uow:
        uow.session.execute(update(Invoice).where(Invoice.id == disputed).values(disputed=True))
        uow.commit()
    delta = add_client(db, ClientInput("DELTA", "Delta & Sons", "delta@delta.example"))
    invoice(db, delta, DUE)
    set_do_not_chase(db, delta, True)
    epsilon = add_client(db, ClientInput("EPS", "Epsilon Farm"))
    epsilon_invoice = invoice(db, epsilon, DUE, "75.00")
    return Ledger(acme, acme_overdue, acme_soon, beta, beta_invoice, gamma, delta, epsilon, epsilon_invoice)


@pytest.fixture
def ledger(db: Database) -> Ledger:
    return build_ledger(db)


def by_client(items: list[PlanItem]) -> dict[str, list[PlanItem]]:
    grouped: dict[str, list[PlanItem]] = {}
    for item in items:
        grouped.setdefault(item.client_code, []).append(item)
    return grouped


def reminders(db: Database) -> list[Reminder]:
    with UnitOfWork(db) as uow:
        rows = list(uow.session.scalars(select(Reminder).order_by(Reminder.id)))
        uow.session.expunge_all()  # kept readable after the unit of work rolls back
        return rows


def covered(db: Database, reminder_id: int) -> set[int]:
    with UnitOfWork(db) as uow:
        return set(
            uow.session.scalars(
                select(ReminderInvoice.invoice_id).where(ReminderInvoice.reminder_id == reminder_id)
            )
        )


# --- planning -----------------------------------------------------------------------------------------


def test_plan_picks_the_right_clients_stages_and_invoices(db: Database, ledger: Ledger) -> None:
    items = plan(db, AS_OF)
    grouped = by_client(items)
    assert set(grouped) == {"ACME", "BETA", "EPS"}  # not the disputed GAMMA, not do-not-chase DELTA
    acme = {item.stage_key: item for item in grouped["ACME"]}
    assert set(acme) == {"heads-up", "reminder"}  # one message per stage, the overdue one skips the heads-up
    assert acme["heads-up"].invoice_ids == (ledger.acme_soon,)
    assert acme["reminder"].invoice_ids == (ledger.acme_overdue,)
    assert acme["reminder"].invoice_numbers == ("INV-00001",)
    assert acme["reminder"].total == D("100.00")
    assert acme["reminder"].channel is Channel.EMAIL
    assert acme["reminder"].recipient == "ap@acme.example"
    assert acme["reminder"].stage_name == "Just a reminder"
    assert acme["reminder"].client_name == "Acme Ltd"
    assert acme["reminder"].dedupe_key == f"{ledger.acme}:reminder:{ledger.acme_overdue}:2026-06-10"
    assert [item.client_code for item in items] == ["ACME", "ACME", "BETA", "EPS"]  # by name, then stage


def test_open_amounts_are_as_of_the_day(db: Database, ledger: Ledger) -> None:
    """A payment dated after the plan's day does not count; one before it does."""
    (beta,) = by_client(plan(db, AS_OF))["BETA"]
    assert beta.total == D("60.00")
    assert "BETA" not in by_client(plan(db, date(2026, 6, 15)))  # paid in full that day


def test_a_client_without_email_gets_a_letter(db: Database, ledger: Ledger) -> None:
    (eps,) = by_client(plan(db, AS_OF))["EPS"]
    assert eps.channel is Channel.LETTER
    assert eps.recipient == ""
    assert eps.stage_key == "reminder"


def test_the_minimum_amount_is_read_in_the_company_currency(db: Database) -> None:
    small = add_client(db, ClientInput("SMALL", "Small Change", "s@small.example"))
    invoice(db, small, DUE, "0.99")
    assert plan(db, AS_OF) == []
    invoice(db, small, DUE - timedelta(days=1), "0.01")
    (item,) = plan(db, AS_OF)
    assert item.total == D("1.00")


def test_start_stage_and_a_clients_own_schedule_are_used(db: Database, ledger: Ledger) -> None:
    set_start_stage(db, ledger.epsilon_invoice, 3)  # entered late: begin at the final notice
    assert "EPS" not in by_client(plan(db, DUE + timedelta(days=29)))
    (eps,) = by_client(plan(db, DUE + timedelta(days=30)))["EPS"]
    assert eps.stage_key == "final"

    quick = replace(
        DEFAULT_SCHEDULE,
        name="Quick",
        stages=(replace(DEFAULT_SCHEDULE.stages[1], key="nudge", name="Nudge", offset_days=0),),
    )
    set_client_schedule(db, ledger.beta, save_schedule(db, None, quick))
    (beta,) = by_client(plan(db, AS_OF))["BETA"]
    assert (beta.stage_key, beta.stage_name) == ("nudge", "Nudge")


# --- queueing -----------------------------------------------------------------------------------------


def test_queue_writes_rendered_drafts_with_their_invoices(db: Database, ledger: Ledger) -> None:
    summary = queue(db, AS_OF)
    assert (summary.queued, summary.skipped_existing, summary.approved) == (4, 0, 0)
    assert summary.describe() == "Queued 4 reminders (0 already in the outbox)"
    rows = {(r.client_id, r.stage_key): r for r in reminders(db)}
    first = rows[(ledger.acme, "reminder")]
    assert first.status == "draft"
    assert first.channel == "email"
    assert first.recipient == "ap@acme.example"
    assert first.planned_on == AS_OF
    assert first.subject == "Just a reminder: €100.00 now due to Test Co"
    assert first.body.startswith("Dear Ada Acme,\n")
    assert "- Invoice INV-00001 of 2 May 2026, due 1 Jun 2026: €100.00" in first.body
    assert "IBAN: GB29 NWBK 6016 1331 9268 19" in first.body
    assert "quoting the reference ACME" in first.body
    assert (first.attach_invoices, first.attach_statement) == (True, False)
    assert (first.total, first.fee) == (10000, None)
    assert first.dedupe_key == f"{ledger.acme}:reminder:{ledger.acme_overdue}:2026-06-10"
    assert covered(db, first.id) == {ledger.acme_overdue}
    letter = rows[(ledger.epsilon, "reminder")]
    assert (letter.channel, letter.recipient, letter.total) == ("letter", "", 7500)
    # The default schedule was stored on the way, once.
    assert default_schedule_id(db) == default_schedule_id(db)


def test_queue_twice_on_the_same_day_queues_nothing_more(db: Database, ledger: Ledger) -> None:
    assert queue(db, AS_OF).queued == 4
    again = queue(db, AS_OF)
    assert (again.queued, again.skipped_existing) == (0, 0)
    assert len(reminders(db)) == 4


def test_a_stage_queued_is_not_queued_again_on_later_days(db: Database, ledger: Ledger) -> None:
    queue(db, AS_OF)
    assert plan(db, AS_OF + timedelta(days=1)) == []  # within the minimum gap
    later = AS_OF + timedelta(days=7)  # gap over; the overdue invoice's second reminder is due
    acme = {item.stage_key: item.invoice_ids for item in by_client(plan(db, later))["ACME"]}
    assert acme == {"second": (ledger.acme_overdue,), "reminder": (ledger.acme_soon,)}
    assert queue(db, later).queued == 3  # ACME twice, EPS's second reminder (by letter)
    sent = [(invoice_id, r.stage_key) for r in reminders(db) for invoice_id in covered(db, r.id)]
    assert len(sent) == len(set(sent)) == 7  # no invoice ever got a stage twice


def test_cancelled_and_failed_reminders_count_as_handled(db: Database, ledger: Ledger) -> None:
    queue(db, AS_OF)
    with UnitOfWork(db, write=True) as uow:
        uow.session.execute(
            update(Reminder).where(Reminder.client_id == ledger.acme).values(status="cancelled")
        )
        uow.session.execute(
            update(Reminder).where(Reminder.client_id == ledger.epsilon).values(status="failed")
        )
        uow.commit()
    later = by_client(plan(db, AS_OF + timedelta(days=7)))
    assert {item.stage_key for item in later["ACME"]} == {"second", "reminder"}
    assert [item.stage_key for item in later["EPS"]] == ["second"]


def test_an_automatic_stage_is_queued_approved(db: Database, ledger: Ledger) -> None:
    automatic = replace(
        DEFAULT_SCHEDULE,
        name="Hands off",
        stages=tuple(replace(stage, automatic=True) for stage in DEFAULT_SCHEDULE.stages),
    )
    set_client_schedule(db, ledger.beta, save_schedule(db, None, automatic))
    summary = queue(db, AS_OF)
    assert (summary.queued, summary.approved) == (4, 1)
    statuses = {r.client_id: r.status for r in reminders(db) if r.stage_key == "reminder"}
    assert statuses == {ledger.acme: "draft", ledger.beta: "approved", ledger.epsilon: "draft"}


def test_a_template_failing_on_real_data_queues_nothing(db: Database, ledger: Ledger) -> None:
    """A template broken outside the editor (an older file, say) is named, and nothing is queued."""
    stored = default_schedule_id(db)
    with UnitOfWork(db, write=True) as uow:
        uow.session.execute(
            update(ChaseStage)
            .where(ChaseStage.schedule_id == stored, ChaseStage.key == "reminder")
            .values(body="Dear {{ client.name }},\n{{ client.nam }}\n")
        )
        uow.commit()
    with pytest.raises(ValidationError, match=r"stage 'Just a reminder'.*line 2.*'client\.nam'"):
        queue(db, AS_OF)
    with UnitOfWork(db) as uow:
        assert uow.session.scalar(select(func.count(Reminder.id))) == 0


def test_a_reminder_already_in_the_outbox_is_skipped_not_doubled(db: Database, ledger: Ledger) -> None:
    """The dedupe key guards even when the history misses it (another process queueing at once)."""
    queue(db, AS_OF)
    with UnitOfWork(db, write=True) as uow:  # as if the plan had been made before those rows existed
        uow.session.execute(update(Reminder).values(stage_key="unknown", planned_on=date(2026, 1, 1)))
        uow.commit()
    summary = queue(db, AS_OF)
    assert (summary.queued, summary.skipped_existing) == (0, 4)
    assert summary.describe() == "Queued 0 reminders (4 already in the outbox)"
