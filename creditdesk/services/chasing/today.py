"""The Today list: what needs a person today, each with the actions the window offers for it.

Read as of a day, from the same services every other view uses: follow-ups
due, promises due that day or broken, phone-call stages the chasing plan
has reached, disputes open too long, clients over their credit limit and
not on hold, payment-plan instalments missed, and one line for the bank
payments waiting to be looked at (a line of no client).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from creditdesk.domain.chasing import Channel
from creditdesk.domain.disputes import DEFAULT_WAITING_DAYS
from creditdesk.domain.formats import Formats
from creditdesk.domain.payment_plans import PlanStatus
from creditdesk.domain.promises import PromiseStatus
from creditdesk.services.arrangements.disputes import waiting_disputes_in
from creditdesk.services.arrangements.payment_plans import plan_views_in
from creditdesk.services.arrangements.promises import promise_views_in
from creditdesk.services.bank.entries import count_entries_to_look_at
from creditdesk.services.chasing.reminders import plan
from creditdesk.services.clients.conversations import follow_ups_due
from creditdesk.services.company.settings import company_in
from creditdesk.services.ledger.credit_control import over_limit_clients
from creditdesk.services.ledger.invoices import formats_of
from creditdesk.store.database import Database
from creditdesk.store.queries.clients import client_flags
from creditdesk.store.unit_of_work import UnitOfWork


class TodayKind(StrEnum):
    FOLLOW_UP = "follow_up"
    PROMISE_DUE = "promise_due"
    PROMISE_BROKEN = "promise_broken"
    PHONE_CALL = "phone_call"
    DISPUTE_WAITING = "dispute_waiting"
    OVER_LIMIT = "over_limit"
    INSTALMENT_MISSED = "instalment_missed"
    BANK_PAYMENTS = "bank_payments"


class TodayAction(StrEnum):
    LOG_CALL = "log_call"
    OPEN_CLIENT = "open_client"
    SEND_STATEMENT = "send_statement"
    OPEN_BANK = "open_bank"


ALL_ACTIONS = (TodayAction.LOG_CALL, TodayAction.OPEN_CLIENT, TodayAction.SEND_STATEMENT)
_ORDER = {kind: n for n, kind in enumerate(TodayKind)}


@dataclass(frozen=True)
class TodayItem:
    kind: TodayKind
    client_id: int | None  # None on the bank line, which is about no one client
    client_code: str
    client_name: str
    text: str
    due_date: date  # when it fell due: the follow-up date, promised date, instalment date...
    actions: tuple[TodayAction, ...]
    invoice_ids: tuple[int, ...] = ()
    source_id: int | None = None  # the conversation, promise, dispute or plan it comes from


def today(db: Database, as_of: date) -> list[TodayItem]:
    """Everything for today, oldest due first, then by kind and client."""
    items: list[TodayItem] = []
    with UnitOfWork(db) as uow:
        session = uow.session
        conn = session.connection()
        # People read these lines: money and dates as the company writes them.
        fmt = formats_of(company_in(session))
        flags = client_flags(conn)

        def who(client_id: int) -> tuple[str, str]:
            found = flags[client_id]
            return found.code, found.name

        promises = promise_views_in(session, as_of)
        newest_made: dict[int, date] = {}
        for p in promises:
            newest_made[p.client_id] = max(p.made_on, newest_made.get(p.client_id, p.made_on))
        for p in promises:
            owed = fmt.money(p.open_amount)
            if p.status is PromiseStatus.OPEN and p.promised_date == as_of:
                text = f"Promised {fmt.money(p.amount)} today for {', '.join(p.invoice_numbers)}"
                kind = TodayKind.PROMISE_DUE
            elif (
                p.status is PromiseStatus.BROKEN
                and p.open_amount > 0
                and p.broken_on is not None
                and newest_made[p.client_id] < p.broken_on  # no fresh promise since
            ):
                text = (
                    f"Promise of {fmt.money(p.amount)} by {fmt.day(p.promised_date)} broken; "
                    f"{owed} still owed on {', '.join(p.invoice_numbers)}"
                )
                kind = TodayKind.PROMISE_BROKEN
            else:
                continue
            code, name = who(p.client_id)
            items.append(
                TodayItem(
                    kind, p.client_id, code, name, text, p.promised_date, ALL_ACTIONS, p.invoice_ids, p.id
                )
            )

        for d in waiting_disputes_in(session, as_of, DEFAULT_WAITING_DAYS):
            code, name = who(d.client_id)
            text = f"Dispute on {d.invoice_number} ({d.reason.label}) open for {d.age_days} days"
            items.append(
                TodayItem(
                    TodayKind.DISPUTE_WAITING,
                    d.client_id,
                    code,
                    name,
                    text,
                    d.opened_on,
                    (TodayAction.LOG_CALL, TodayAction.OPEN_CLIENT),
                    (d.invoice_id,),
                    d.id,
                )
            )

        for view in plan_views_in(session, as_of):
            if view.status is PlanStatus.COMPLETED:
                continue
            missed = view.missed(as_of)
            if not missed:
                continue
            first = missed[0]
            text = (
                f"Instalment {first.number} of plan {view.id} ({fmt.money(first.amount)} due "
                f"{fmt.day(first.due_date)}) unpaid: "
                f"{fmt.money(first.outstanding)} outstanding"
            )
            if view.status is PlanStatus.BROKEN:
                text += "; the plan is broken and chasing has resumed"
            code, name = who(view.client_id)
            items.append(
                TodayItem(
                    TodayKind.INSTALMENT_MISSED,
                    view.client_id,
                    code,
                    name,
                    text,
                    first.due_date,
                    ALL_ACTIONS,
                    view.invoice_ids,
                    view.id,
                )
            )

    for f in follow_ups_due(db, as_of):
        code, name = who(f.client_id)
        text = f"Follow up the {f.kind.label.lower()} of {fmt.day(f.at.date())}"
        if f.outcome:
            text += f": {f.outcome}"
        items.append(
            TodayItem(
                TodayKind.FOLLOW_UP,
                f.client_id,
                code,
                name,
                text,
                f.follow_up_on,
                ALL_ACTIONS,
                (),
                f.conversation_id,
            )
        )

    for reminder in plan(db, as_of):
        if reminder.channel is not Channel.PHONE:
            continue
        text = (
            f"Call: {reminder.stage_name} for {', '.join(reminder.invoice_numbers)} "
            f"({fmt.money(reminder.total)})"
        )
        items.append(
            TodayItem(
                TodayKind.PHONE_CALL,
                reminder.client_id,
                reminder.client_code,
                reminder.client_name,
                text,
                as_of,
                ALL_ACTIONS,
                reminder.invoice_ids,
            )
        )

    for status in over_limit_clients(db, as_of):
        assert status.credit_limit is not None
        text = (
            f"Owes {fmt.money(status.used)}, over the credit limit of "
            f"{fmt.money(status.credit_limit)} "
            f"by {fmt.money(status.used - status.credit_limit)}"
        )
        items.append(
            TodayItem(
                TodayKind.OVER_LIMIT, status.client_id, status.code, status.name, text, as_of, ALL_ACTIONS
            )
        )

    waiting = count_entries_to_look_at(db)
    if waiting:
        items.append(
            TodayItem(
                TodayKind.BANK_PAYMENTS,
                None,
                "",
                "",
                bank_payments_text(waiting, fmt),
                as_of,
                (TodayAction.OPEN_BANK,),
            )
        )

    items.sort(key=lambda i: (i.due_date, _ORDER[i.kind], i.client_name.casefold(), i.source_id or 0))
    return items


def bank_payments_text(count: int, fmt: Formats) -> str:
    """The bank line's words: one whole sentence for one and one for many."""
    if count == 1:
        return "1 bank payment to look at"
    return f"{fmt.count(count)} bank payments to look at"
