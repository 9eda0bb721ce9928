from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creditdesk.domain.chasing import (
    Channel,
    ChaseClient,
    ChaseInvoice,
    PlannedReminder,
    Schedule,
    SentReminder,
    Stage,
    check_schedule,
    dedupe_key,
    plan_reminders,
    schedule_problems,
)
from creditdesk.domain.errors import ValidationError

DUE = date(2026, 6, 1)


def stage(key: str, offset: int, channel: Channel = Channel.EMAIL) -> Stage:
    return Stage(key, key.title(), offset, channel, f"{key} subject", f"{key} body")


SCHEDULE = Schedule(
    "Test",
    (
        stage("heads-up", -3),
        stage("first", 1),
        stage("second", 14),
        stage("final", 30),
        stage("letter", 45, Channel.LETTER),
    ),
)
KEYS = [s.key for s in SCHEDULE.stages]


def invoice(
    id: int = 1,
    client_id: int = 1,
    due: date = DUE,
    open_amount: str = "100.00",
    *,
    disputed: bool = False,
    paused: bool = False,
    start_stage: int | None = None,
) -> ChaseInvoice:
    issued = due - timedelta(days=30)
    return ChaseInvoice(
        id, client_id, f"INV-{id}", issued, due, D("100.00"), D(open_amount), disputed, paused, start_stage
    )


def client(
    id: int = 1,
    email: str = "ap@client.example",
    *,
    do_not_chase: bool = False,
    schedule: Schedule | None = None,
) -> ChaseClient:
    return ChaseClient(id, f"Client {id}", email, do_not_chase, schedule)


def plan(
    as_of: date,
    invoices: Sequence[ChaseInvoice],
    history: Sequence[SentReminder] = (),
    clients: Sequence[ChaseClient] | None = None,
    schedule: Schedule = SCHEDULE,
) -> tuple[PlannedReminder, ...]:
    clients = [client(i) for i in sorted({inv.client_id for inv in invoices})] if clients is None else clients
    return plan_reminders(as_of, clients, invoices, history, schedule)


def sent(key: str, on: date, *invoice_ids: int, client_id: int = 1) -> SentReminder:
    return SentReminder(client_id, key, frozenset(invoice_ids or (1,)), on)


def day(offset: int) -> date:
    return DUE + timedelta(days=offset)


def replay(
    start: date,
    end: date,
    clients: Sequence[ChaseClient],
    invoices: Sequence[ChaseInvoice],
    schedule: Schedule = SCHEDULE,
) -> list[tuple[date, PlannedReminder]]:
    """Plan every day as if the app ran daily, recording each planned message as sent."""
    history: list[SentReminder] = []
    out: list[tuple[date, PlannedReminder]] = []
    today = start
    while today <= end:
        for p in plan_reminders(today, clients, invoices, history, schedule):
            history.append(SentReminder(p.client_id, p.stage.key, frozenset(p.invoice_ids), today))
            out.append((today, p))
        today += timedelta(days=1)
    return out


# --- the whole schedule ---------------------------------------------------------------------------------


def test_one_invoice_goes_through_the_whole_schedule_in_order() -> None:
    got = [(d, p.stage.key, p.channel) for d, p in replay(day(-10), day(90), [client()], [invoice()])]
    assert got == [
        (day(-3), "heads-up", Channel.EMAIL),
        (day(4), "first", Channel.EMAIL),  # +1 waits for the 7-day gap after the heads-up
        (day(14), "second", Channel.EMAIL),
        (day(30), "final", Channel.EMAIL),
        (day(45), "letter", Channel.LETTER),
    ]


def test_without_a_minimum_gap_each_stage_goes_on_its_own_day() -> None:
    schedule = replace(SCHEDULE, min_gap_days=0)
    got = [(d, p.stage.key) for d, p in replay(day(-10), day(90), [client()], [invoice()], schedule)]
    assert got == [(day(o), k) for o, k in zip((-3, 1, 14, 30, 45), KEYS, strict=True)]


def test_nothing_before_the_first_offset() -> None:
    assert plan(day(-4), [invoice()]) == ()
    (only,) = plan(day(-3), [invoice()])
    assert only.stage.key == "heads-up"


def test_the_plan_carries_what_the_outbox_needs() -> None:
    invoices = [invoice(7, open_amount="40.00"), invoice(3, open_amount="60.50")]
    (only,) = plan(day(2), invoices)
    assert only.client_id == 1
    assert only.invoice_ids == (3, 7)
    assert only.total == D("100.50")
    assert only.dedupe_key == f"1:first:3-7:{day(2).isoformat()}"
    assert only.dedupe_key == dedupe_key(1, "first", [7, 3], day(2))
    assert plan(day(2), invoices) == (only,)  # the same day plans the same key


def test_the_dedupe_key_stays_short_for_many_invoices() -> None:
    many = range(100_000, 100_500)
    key = dedupe_key(12, "final", many, day(30))
    assert key.startswith("12:final:500x") and key.endswith(":2026-07-01")
    assert len(key) < 200
    assert key == dedupe_key(12, "final", reversed(many), day(30))
    assert key != dedupe_key(12, "final", range(100_000, 100_499), day(30))


# --- who is left out -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "left_out",
    [
        invoice(disputed=True),
        invoice(paused=True),
        invoice(open_amount="0.00"),
        invoice(open_amount="-5.00"),  # overpaid
    ],
    ids=["disputed", "promise or plan kept", "paid", "overpaid"],
)
def test_disputed_paused_and_paid_invoices_are_not_chased(left_out: ChaseInvoice) -> None:
    assert plan(day(20), [left_out]) == ()
    # The client's other invoices are still chased.
    (only,) = plan(day(20), [left_out, invoice(2)])
    assert only.invoice_ids == (2,)


def test_do_not_chase_clients_get_nothing() -> None:
    invoices = [invoice(1, client_id=1), invoice(2, client_id=2)]
    got = plan(day(20), invoices, clients=[client(1, do_not_chase=True), client(2)])
    assert [p.client_id for p in got] == [2]


def test_invoices_of_clients_not_passed_in_are_ignored() -> None:
    assert plan(day(20), [invoice(client_id=9)], clients=[client(1)]) == ()


# --- channel ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["", "   "])
def test_a_client_without_an_email_gets_a_letter(email: str) -> None:
    (only,) = plan(day(2), [invoice()], clients=[client(email=email)])
    assert only.stage.channel is Channel.EMAIL
    assert only.channel is Channel.LETTER


def test_phone_and_letter_stages_keep_their_channel() -> None:
    schedule = Schedule("Calls", (stage("call", 1, Channel.PHONE), stage("post", 10, Channel.LETTER)))
    for email in ("", "ap@client.example"):
        got = replay(day(0), day(40), [client(email=email)], [invoice()], schedule)
        assert [p.channel for _, p in got] == [Channel.PHONE, Channel.LETTER]


# --- escalation is earned, and catch-up -------------------------------------------------------------------


def test_a_late_import_starts_gently_and_catch_up_plans_one_stage() -> None:
    # Due 90 days ago, never chased: the first overdue stage, not the final notice, not a backlog.
    (only,) = plan(day(90), [invoice()])
    assert only.stage.key == "first"


def test_after_a_long_gap_only_the_next_stage_is_planned() -> None:
    history = [sent("heads-up", day(-3)), sent("first", day(4))]
    (only,) = plan(day(80), [invoice()], history)  # second, final and letter all fell due meanwhile
    assert only.stage.key == "second"


def test_escalation_follows_each_invoices_own_history() -> None:
    history = [sent("first", day(1), 1), sent("second", day(14), 1)]
    got = plan(day(40), [invoice(1), invoice(2)], history)
    assert [(p.stage.key, p.invoice_ids) for p in got] == [("first", (2,)), ("final", (1,))]


def test_the_highest_stage_sent_counts_whatever_the_order_of_the_history() -> None:
    history = [sent("second", day(14)), sent("first", day(4))]
    (only,) = plan(day(31), [invoice()], history)
    assert only.stage.key == "final"


def test_a_finished_schedule_sends_nothing_more() -> None:
    history = [sent(key, day(o)) for key, o in zip(KEYS, (-3, 4, 14, 30, 45), strict=True)]
    assert plan(day(400), [invoice()], history) == ()


def test_history_under_a_stage_key_the_schedule_no_longer_has() -> None:
    # It does not count towards escalation (gentler, never harsher) but does count for the gap.
    history = [sent("old-final", day(10))]
    assert plan(day(12), [invoice()], history) == ()
    (only,) = plan(day(17), [invoice()], history)
    assert only.stage.key == "first"


def test_history_after_as_of_still_counts() -> None:
    """What was sent stays sent: planning as of an earlier day must not offer it again."""
    history = [sent("first", day(5))]
    assert plan(day(3), [invoice()], history) == ()


# --- courtesy stages --------------------------------------------------------------------------------------


def test_courtesy_stage_is_skipped_once_overdue() -> None:
    (only,) = plan(day(1), [invoice()])
    assert only.stage.key == "first"


def test_courtesy_stage_still_goes_on_the_due_date() -> None:
    (only,) = plan(day(0), [invoice()])
    assert only.stage.key == "heads-up"


def test_courtesy_stage_held_back_by_the_gap_is_skipped_once_overdue() -> None:
    history = [sent("first", day(-5), 9)]  # about another invoice: the client waits until day +2
    assert plan(day(1), [invoice()], history) == ()
    (only,) = plan(day(2), [invoice()], history)
    assert only.stage.key == "first"


# --- start at stage N -------------------------------------------------------------------------------------


def test_start_at_stage_lets_the_user_begin_later() -> None:
    (only,) = plan(day(35), [invoice(start_stage=3)])
    assert only.stage.key == "final"


def test_start_at_stage_waits_for_that_stages_day() -> None:
    assert plan(day(20), [invoice(start_stage=3)]) == ()
    (only,) = plan(day(30), [invoice(start_stage=3)])
    assert only.stage.key == "final"


def test_start_at_stage_past_the_end_means_the_last_stage() -> None:
    (only,) = plan(day(50), [invoice(start_stage=99)])
    assert only.stage.key == "letter"


def test_history_beyond_the_start_stage_wins() -> None:
    history = [sent("final", day(30))]
    (only,) = plan(day(50), [invoice(start_stage=1)], history)
    assert only.stage.key == "letter"


# --- minimum gap ------------------------------------------------------------------------------------------


def test_minimum_gap_after_any_reminder_to_the_same_client() -> None:
    history = [sent("second", day(-2), 99)]  # about another invoice
    assert plan(day(4), [invoice()], history) == ()
    (only,) = plan(day(5), [invoice()], history)
    assert only.stage.key == "first"


def test_minimum_gap_is_per_client() -> None:
    history = [sent("first", day(1), 5, client_id=2)]
    got = plan(day(2), [invoice(1, client_id=1), invoice(2, client_id=2)], history)
    assert [p.client_id for p in got] == [1]


def test_minimum_gap_from_the_clients_own_schedule() -> None:
    patient = replace(SCHEDULE, name="Patient", min_gap_days=20)
    history = [sent("first", day(1))]
    assert plan(day(15), [invoice()], history, clients=[client(schedule=patient)]) == ()
    (only,) = plan(day(21), [invoice()], history, clients=[client(schedule=patient)])
    assert only.stage.key == "second"


# --- minimum amount ---------------------------------------------------------------------------------------


def test_minimum_amount_counts_the_whole_message() -> None:
    assert plan(day(2), [invoice(open_amount="0.99")]) == ()
    (only,) = plan(day(2), [invoice(1, open_amount="0.50"), invoice(2, open_amount="0.50")])
    assert only.total == D("1.00")


def test_minimum_amount_from_the_schedule() -> None:
    schedule = replace(SCHEDULE, min_amount=D("50.00"))
    assert plan(day(2), [invoice(open_amount="49.99")], schedule=schedule) == ()
    assert len(plan(day(2), [invoice(open_amount="50.00")], schedule=schedule)) == 1


def test_minimum_amount_applies_to_each_stage_message() -> None:
    history = [sent("first", day(1), 1)]
    invoices = [invoice(1, open_amount="500.00"), invoice(2, open_amount="0.40")]
    got = plan(day(14), invoices, history)
    assert [(p.stage.key, p.invoice_ids) for p in got] == [("second", (1,))]


# --- one message per client per stage ---------------------------------------------------------------------


def test_several_invoices_at_one_stage_make_one_message() -> None:
    invoices = [invoice(i, due=day(-i)) for i in range(1, 6)]
    (only,) = plan(day(7), invoices)
    assert only.stage.key == "first"
    assert only.invoice_ids == (1, 2, 3, 4, 5)
    assert only.total == D("500.00")


def test_invoices_at_different_stages_make_one_message_per_stage() -> None:
    invoices = [invoice(1), invoice(2), invoice(3, due=day(22)), invoice(4)]
    history = [sent("first", day(1), 1, 2), sent("heads-up", day(-3), 4)]
    got = plan(day(20), invoices, history)
    assert [(p.stage.key, p.invoice_ids) for p in got] == [
        ("heads-up", (3,)),  # due in two days
        ("first", (4,)),
        ("second", (1, 2)),
    ]


def test_clients_come_in_the_order_given() -> None:
    invoices = [invoice(1, client_id=1), invoice(2, client_id=2)]
    got = plan(day(2), invoices, clients=[client(2), client(1)])
    assert [p.client_id for p in got] == [2, 1]


# --- schedules --------------------------------------------------------------------------------------------


def test_a_clients_own_schedule_is_used() -> None:
    gentle = Schedule("Gentle", (stage("nudge", 5),))
    got = plan(
        day(6),
        [invoice(1, client_id=1), invoice(2, client_id=2)],
        clients=[client(1, schedule=gentle), client(2)],
    )
    assert [(p.client_id, p.stage.key) for p in got] == [(1, "nudge"), (2, "first")]


def test_a_good_schedule_has_no_problems() -> None:
    assert schedule_problems(SCHEDULE) == ()
    assert check_schedule(SCHEDULE) is SCHEDULE
    assert SCHEDULE.stages[0].courtesy and not SCHEDULE.stages[1].courtesy
    assert SCHEDULE.index_of("final") == 3 and SCHEDULE.index_of("nope") is None


def test_schedule_problems_are_all_listed() -> None:
    bad = Schedule(
        "Bad",
        (
            stage("a", 5),
            replace(stage("b", 5), name="A"),  # same day, same name (case aside)
            replace(stage("c", 3), key="Bad Key!", name=""),
            replace(stage("a", 9), fee=D("-1"), subject_template="two\nlines"),
            replace(stage("e", 20), subject_template="  "),
        ),
        min_gap_days=-1,
        min_amount=D("-0.01"),
    )
    problems = schedule_problems(bad)
    expected = [
        "minimum gap between reminders cannot be negative (-1 days)",
        "minimum amount to chase cannot be negative (-0.01)",
        "stage 2 'A': another stage already has this name",
        "stage 2 'A': its day (+5) must come after the stage before it (+5)",
        "stage 3 needs a name",
        "stage 3: key 'Bad Key!' must be 1 to 30 lower-case letters",
        "stage 3: its day (+3) must come after the stage before it (+5)",
        "stage 4 'A': another stage already has this name",
        "stage 4 'A': key 'a' is used by another stage",
        "stage 4 'A': the subject must be a single line",
        "stage 4 'A': the fee cannot be negative (-1)",
        "stage 5 'E': an email needs a subject",
    ]
    for text in expected:
        assert any(text in p for p in problems), (text, problems)
    assert len(problems) == len(expected)


def test_an_empty_schedule_is_refused_when_planning() -> None:
    empty = Schedule("Empty", ())
    assert schedule_problems(empty) == ("schedule 'Empty' has no stages; add at least one",)
    with pytest.raises(ValidationError, match="has no stages"):
        plan(day(2), [invoice()], schedule=empty)


def test_a_bad_client_schedule_is_refused_when_planning() -> None:
    unordered = Schedule("Unordered", (stage("b", 9), stage("a", 2)))
    with pytest.raises(ValidationError, match=r"schedule 'Unordered'.*must come after"):
        plan(day(2), [invoice()], clients=[client(schedule=unordered)])


# --- properties -------------------------------------------------------------------------------------------

BASE = date(2026, 1, 1)


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    offsets = sorted(draw(st.sets(st.integers(-10, 60), min_size=1, max_size=5)))
    channels = draw(st.lists(st.sampled_from(Channel), min_size=len(offsets), max_size=len(offsets)))
    stages = tuple(stage(f"s{i}", o, c) for i, (o, c) in enumerate(zip(offsets, channels, strict=True)))
    return Schedule(
        "Generated",
        stages,
        min_gap_days=draw(st.integers(0, 10)),
        min_amount=draw(st.sampled_from([D(0), D("1.00"), D("50.00")])),
    )


@st.composite
def books(draw: st.DrawFn) -> tuple[Schedule, list[ChaseClient], list[ChaseInvoice]]:
    schedule = draw(schedules())
    clients = [
        client(
            i,
            email=draw(st.sampled_from(["", "ap@client.example"])),
            do_not_chase=draw(st.integers(0, 4)) == 0,
        )
        for i in range(1, draw(st.integers(1, 3)) + 1)
    ]
    count = draw(st.integers(1, 8))
    invoices = [
        invoice(
            i,
            client_id=draw(st.integers(1, len(clients))),
            due=BASE + timedelta(days=draw(st.integers(0, 40))),
            open_amount=draw(st.sampled_from(["0.00", "0.60", "10.00", "100.00"])),
            disputed=draw(st.integers(0, 5)) == 0,
            paused=draw(st.integers(0, 5)) == 0,
            start_stage=draw(st.none() | st.integers(0, len(schedule.stages))),
        )
        for i in range(1, count + 1)
    ]
    return schedule, clients, invoices


def chased(inv: ChaseInvoice, clients: Sequence[ChaseClient]) -> bool:
    owner = next(c for c in clients if c.id == inv.client_id)
    return inv.open_amount > 0 and not inv.disputed and not inv.paused and not owner.do_not_chase


def expected_next(inv: ChaseInvoice, highest: int | None, schedule: Schedule, as_of: date) -> int:
    """The rule restated: one past the highest sent (or the start), courtesy skipped when overdue."""
    n = len(schedule.stages)
    index = 0 if highest is None else highest + 1
    if inv.start_stage is not None:
        index = max(index, min(inv.start_stage, n - 1))
    while index < n and schedule.stages[index].offset_days < 0 and as_of > inv.due_date:
        index += 1
    return index


@given(books(), st.data())
@settings(max_examples=150)
def test_a_single_plan_keeps_every_rule(
    book: tuple[Schedule, list[ChaseClient], list[ChaseInvoice]], data: st.DataObject
) -> None:
    schedule, clients, invoices = book
    as_of = BASE + timedelta(days=data.draw(st.integers(-15, 110)))
    history = [
        SentReminder(
            inv.client_id,
            data.draw(st.sampled_from(schedule.stages)).key,
            frozenset({inv.id}),
            as_of - timedelta(days=data.draw(st.integers(0, 60))),
        )
        for inv in data.draw(st.lists(st.sampled_from(invoices), max_size=6))
    ]
    got = plan_reminders(as_of, clients, invoices, history, schedule)
    by_id = {inv.id: inv for inv in invoices}
    keys = [s.key for s in schedule.stages]
    highest: dict[int, int] = {}
    last: dict[int, date] = {}
    for h in history:
        for i in h.invoice_ids:
            highest[i] = max(highest.get(i, -1), keys.index(h.stage_key))
        last[h.client_id] = max(last.get(h.client_id, h.sent_on), h.sent_on)

    assert len({(p.client_id, p.stage.key) for p in got}) == len(got)
    covered = [i for p in got for i in p.invoice_ids]
    assert len(covered) == len(set(covered))
    for p in got:
        owner = next(c for c in clients if c.id == p.client_id)
        assert p.invoice_ids == tuple(sorted(p.invoice_ids))
        assert p.total == sum(by_id[i].open_amount for i in p.invoice_ids) >= schedule.min_amount
        expected_channel = (
            Channel.LETTER if p.stage.channel is Channel.EMAIL and not owner.email else p.stage.channel
        )
        assert p.channel is expected_channel
        if p.client_id in last:
            assert (as_of - last[p.client_id]).days >= schedule.min_gap_days
        for i in p.invoice_ids:
            inv = by_id[i]
            assert inv.client_id == p.client_id
            assert chased(inv, clients)
            assert keys.index(p.stage.key) == expected_next(inv, highest.get(i), schedule, as_of)
            assert as_of >= p.stage.due_on(inv.due_date)


@given(books())
@settings(max_examples=60)
def test_replaying_day_by_day_sends_every_stage_in_order(
    book: tuple[Schedule, list[ChaseClient], list[ChaseInvoice]],
) -> None:
    schedule, clients, invoices = book
    offsets = [s.offset_days for s in schedule.stages]
    start = min(inv.due_date for inv in invoices) + timedelta(days=offsets[0])
    end = max(inv.due_date for inv in invoices) + timedelta(
        days=offsets[-1] + len(offsets) * (schedule.min_gap_days + 1)
    )
    log = replay(start, end, clients, invoices, schedule)

    received: dict[int, list[int]] = defaultdict(list)
    days_by_client: dict[int, set[date]] = defaultdict(set)
    for today, p in log:
        days_by_client[p.client_id].add(today)
        for i in p.invoice_ids:
            received[i].append(schedule.stages.index(p.stage))
    for days in days_by_client.values():
        ordered = sorted(days)
        assert all((b - a).days >= schedule.min_gap_days for a, b in pairwise(ordered))

    last = len(schedule.stages) - 1
    for inv in invoices:
        got = received.get(inv.id, [])
        if not chased(inv, clients):
            assert got == []
            continue
        start_at = 0 if inv.start_stage is None else min(inv.start_stage, last)
        expected_skips = set(range(start_at))  # before the user's chosen start
        assert got == sorted(set(got))
        missing = set(range(got[-1] + 1 if got else 0)) - set(got) - expected_skips
        assert all(schedule.stages[m].courtesy for m in missing), (got, missing)
        if inv.open_amount >= schedule.min_amount:
            # Nothing is left stuck: the only stages never reached are before-due courtesies,
            # which the minimum gap may push past the due date (and then they are skipped).
            reached = got[-1] if got else start_at - 1
            assert all(schedule.stages[m].courtesy for m in range(reached + 1, last + 1)), got
