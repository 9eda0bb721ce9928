"""The Today list on one ledger holding one case of every kind, each with its date and actions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

from creditdesk.domain.bank import BankStatement, BankTransaction
from creditdesk.domain.disputes import DisputeReason
from creditdesk.domain.payment_plans import Frequency
from creditdesk.services.arrangements.disputes import open_dispute
from creditdesk.services.arrangements.payment_plans import PlanInput, create_plan
from creditdesk.services.arrangements.promises import PromiseInput, record_promise
from creditdesk.services.bank.entries import ignore_entry, list_bank_entries
from creditdesk.services.bank.statement_import import import_bank_statement
from creditdesk.services.chasing.schedules import save_schedule, set_client_schedule, set_start_stage
from creditdesk.services.chasing.today import ALL_ACTIONS, TodayAction, TodayKind, today
from creditdesk.services.clients.conversations import (
    ConversationInput,
    ConversationKind,
    complete_follow_up,
    follow_ups_due,
    log_conversation,
)
from creditdesk.store.database import Database
from tests.services.test_schedules import CUSTOM
from tests.services.workflow_ledger import client, invoice

AS_OF = date(2026, 6, 20)


def build(db: Database) -> dict[str, int]:
    ids: dict[str, int] = {}
    ids["call"] = client(db, "CALLER")
    ids["call_inv"] = invoice(db, ids["call"], date(2026, 6, 1), "90.00")
    ids["convo"] = log_conversation(
        db,
        ConversationInput(
            ids["call"],
            ConversationKind.CALL,
            datetime(2026, 6, 12, 9, 30),
            "will check with AP",
            follow_up_on=date(2026, 6, 19),
            invoice_ids=[ids["call_inv"]],
        ),
    )
    ids["promise"] = client(db, "PROMISER")
    ids["promise_id"] = record_promise(
        db,
        PromiseInput(
            ids["promise"],
            [invoice(db, ids["promise"], date(2026, 6, 10))],
            D("100.00"),
            AS_OF,
            date(2026, 6, 15),
        ),
    )
    ids["broke"] = client(db, "BREAKER")
    ids["broke_id"] = record_promise(
        db,
        PromiseInput(
            ids["broke"],
            [invoice(db, ids["broke"], date(2026, 6, 1))],
            D("50.00"),
            date(2026, 6, 18),
            date(2026, 6, 10),
        ),
    )
    ids["phone"] = client(db, "PHONED")
    phoned = invoice(db, ids["phone"], date(2026, 6, 10), "40.00")
    set_client_schedule(db, ids["phone"], save_schedule(db, None, CUSTOM))
    set_start_stage(db, phoned, 1)  # the "call" stage, 10 days after the due date
    ids["dispute"] = client(db, "DISPUTER")
    ids["dispute_id"] = open_dispute(
        db, invoice(db, ids["dispute"], date(2026, 6, 1)), DisputeReason.NOT_RECEIVED, "", date(2026, 6, 1)
    )
    ids["limit"] = client(db, "OVER", limit="50.00")
    invoice(db, ids["limit"], date(2026, 7, 1), "80.00")
    ids["plan"] = client(db, "PLANNER")
    ids["plan_id"] = create_plan(
        db,
        PlanInput(
            ids["plan"],
            [invoice(db, ids["plan"], date(2026, 5, 1), "300.00")],
            date(2026, 6, 15),
            Frequency.WEEKLY,
            date(2026, 6, 1),
            count=3,
        ),
    )
    return ids


def test_every_kind_is_listed_once_with_its_date(db: Database) -> None:
    ids = build(db)
    items = today(db, AS_OF)
    found = {(i.kind, i.client_id): i for i in items}
    assert set(found) == {
        (TodayKind.FOLLOW_UP, ids["call"]),
        (TodayKind.PROMISE_DUE, ids["promise"]),
        (TodayKind.PROMISE_BROKEN, ids["broke"]),
        (TodayKind.PHONE_CALL, ids["phone"]),
        (TodayKind.DISPUTE_WAITING, ids["dispute"]),
        (TodayKind.OVER_LIMIT, ids["limit"]),
        (TodayKind.INSTALMENT_MISSED, ids["plan"]),
    }
    follow = found[TodayKind.FOLLOW_UP, ids["call"]]
    assert (follow.due_date, follow.source_id, follow.actions) == (
        date(2026, 6, 19),
        ids["convo"],
        ALL_ACTIONS,
    )
    assert follow.text == "Follow up the call of 12 Jun 2026: will check with AP"
    assert found[TodayKind.PHONE_CALL, ids["phone"]].text == "Call: Phone them for INV-00004 (€40.00)"
    assert found[TodayKind.DISPUTE_WAITING, ids["dispute"]].actions == (
        TodayAction.LOG_CALL,
        TodayAction.OPEN_CLIENT,
    )
    assert found[TodayKind.INSTALMENT_MISSED, ids["plan"]].due_date == date(2026, 6, 15)
    assert found[TodayKind.PROMISE_BROKEN, ids["broke"]].due_date == date(2026, 6, 18)
    assert [i.due_date for i in items] == sorted(i.due_date for i in items)


def test_a_done_follow_up_leaves_the_list(db: Database) -> None:
    ids = build(db)
    assert [f.conversation_id for f in follow_ups_due(db, AS_OF)] == [ids["convo"]]
    assert follow_ups_due(db, date(2026, 6, 18)) == []
    complete_follow_up(db, ids["convo"])
    assert follow_ups_due(db, AS_OF) == []
    assert TodayKind.FOLLOW_UP not in {i.kind for i in today(db, AS_OF)}


def test_an_empty_day(db: Database) -> None:
    client(db, "QUIET")
    assert today(db, AS_OF) == []


def test_bank_payments_waiting_are_one_line_of_no_client_that_opens_the_bank_view(db: Database) -> None:
    quiet = client(db, "QUIET")
    invoice(db, quiet, date(2026, 6, 1), "90.00")
    credits = (
        BankTransaction("B1", AS_OF, D("12.00"), "EUR", "Someone", text="gift"),
        BankTransaction("B2", AS_OF, D("13.00"), "EUR", "Someone else", text="refund"),
    )
    import_bank_statement(db, BankStatement("camt.053", "DE89370400440532013000", "EUR", credits), "june.xml")
    [line] = [i for i in today(db, AS_OF) if i.kind is TodayKind.BANK_PAYMENTS]
    assert (line.client_id, line.text, line.actions) == (
        None,
        "2 bank payments to look at",
        (TodayAction.OPEN_BANK,),
    )
    first, second = list_bank_entries(db)
    ignore_entry(db, first.id)
    assert [i.text for i in today(db, AS_OF) if i.kind is TodayKind.BANK_PAYMENTS] == [
        "1 bank payment to look at"
    ]
    ignore_entry(db, second.id)
    assert today(db, AS_OF) == [], "nothing waiting: no line"
