"""Chasing schedules and the pure answer to "who gets which reminder today?".

A schedule is an ordered list of stages, each falling due a number of days
from an invoice's due date. ``plan_reminders`` decides, as of a date, which
clients get which stage for which invoices. It reads only the plain data it is
given (open invoices, clients, the reminders already sent), so the window, the
CLI and the benchmark all plan the same way, as of any date.

The rules, exactly as implemented:

1. Who is left out. An invoice is chased only while its open amount is above
   zero and it is neither disputed nor paused (a promise or plan being kept).
   Void and draft invoices are not passed in. Clients marked do-not-chase get
   nothing; invoices of clients that are not passed in are ignored.
2. Which schedule. The client's own schedule, else the company default.
   Stage indexes below are 0-based positions in that schedule.
3. The next stage of an invoice (escalation is earned). ``h`` is the highest
   index of a stage already sent for that invoice, found in the history by
   stage key in the client's schedule (keys the schedule no longer has are
   ignored, which can only make the next stage gentler). The candidate is
   ``h + 1``, or 0 with no history; the user's "start at stage N" raises it
   to at least ``N`` (clamped to the last stage). While the candidate is a
   before-due courtesy stage (negative offset) and the invoice is already
   overdue (``as_of > due_date``), it moves on to the next stage. Past the
   last stage there is nothing more to send.
4. Due, and catch-up. The candidate is planned only once
   ``as_of >= due_date + offset_days``. Only that one stage is ever
   considered per invoice, so after days without planning an invoice gets
   its next stage, never a backlog of several.
5. Minimum gap. Nothing is planned for a client while
   ``as_of < last + min_gap_days``, where ``last`` is the latest ``sent_on``
   of any reminder in the history to that client (any stage, any schedule,
   also a date after ``as_of``: what was sent stays sent).
6. One message per client per stage. The client's due invoices are grouped
   by their next stage; each group is one planned reminder covering all its
   invoices. A client may therefore get two messages on one day when two
   invoices stand at different stages, but never two for one stage.
7. Minimum amount. A group is planned only if the open amounts of the
   invoices it covers add up to at least the schedule's ``min_amount``.
8. Channel. An email stage goes as a letter when the client has no email
   address; letters and phone calls stay as they are.

The plan lists clients in the order given and, per client, stages in
schedule order. The service should pass reminders that are queued but not
yet sent as history too, so that a plan never repeats what is on its way.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from creditdesk.domain.errors import ValidationError

ZERO = Decimal(0)

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,29}$")
_MAX_IDS_IN_KEY = 100


class Channel(StrEnum):
    EMAIL = "email"
    LETTER = "letter"  # printed and posted
    PHONE = "phone"  # a call task for the user


class Attachment(StrEnum):
    INVOICES = "invoices"  # the PDFs of the invoices the reminder is about
    STATEMENT = "statement"  # a statement of the client's account


@dataclass(frozen=True)
class Stage:
    """One step of a schedule; ``key`` is what the history refers to, so it never changes."""

    key: str
    name: str
    offset_days: int  # from the due date; negative = before it falls due
    channel: Channel
    subject_template: str
    body_template: str  # the email body, the letter text or the call notes
    attachments: frozenset[Attachment] = field(default_factory=frozenset)
    fee: Decimal | None = None
    automatic: bool = False  # True: goes out without the user approving it

    @property
    def courtesy(self) -> bool:
        """A before-due nudge, pointless (and skipped) once the invoice is overdue."""
        return self.offset_days < 0

    def due_on(self, invoice_due_date: date) -> date:
        return invoice_due_date + timedelta(days=self.offset_days)


@dataclass(frozen=True)
class Schedule:
    name: str
    stages: tuple[Stage, ...]
    min_gap_days: int = 7
    min_amount: Decimal = Decimal("1.00")

    def index_of(self, key: str) -> int | None:
        return next((i for i, stage in enumerate(self.stages) if stage.key == key), None)


def schedule_problems(schedule: Schedule) -> tuple[str, ...]:
    """Everything wrong with a schedule, for the editor to list before saving."""
    problems: list[str] = []
    if not schedule.name.strip():
        problems.append("the schedule needs a name")
    if not schedule.stages:
        problems.append(f"schedule '{schedule.name}' has no stages; add at least one")
    if schedule.min_gap_days < 0:
        problems.append(
            f"the minimum gap between reminders cannot be negative ({schedule.min_gap_days} days)"
        )
    if schedule.min_amount < ZERO:
        problems.append(f"the minimum amount to chase cannot be negative ({schedule.min_amount})")
    names: set[str] = set()
    keys: set[str] = set()
    previous: Stage | None = None
    for number, stage in enumerate(schedule.stages, start=1):
        label = f"stage {number}" + (f" '{stage.name.strip()}'" if stage.name.strip() else "")
        name = stage.name.strip().casefold()
        if not name:
            problems.append(f"stage {number} needs a name")
        elif name in names:
            problems.append(f"{label}: another stage already has this name; give each stage its own")
        names.add(name)
        if not _KEY.match(stage.key):
            problems.append(f"{label}: key '{stage.key}' must be 1 to 30 lower-case letters, digits, - or _")
        elif stage.key in keys:
            problems.append(f"{label}: key '{stage.key}' is used by another stage")
        keys.add(stage.key)
        if previous is not None and stage.offset_days <= previous.offset_days:
            problems.append(
                f"{label}: its day ({stage.offset_days:+d}) must come after the stage before it "
                f"({previous.offset_days:+d}); order the stages from first to last"
            )
        if stage.channel is Channel.EMAIL and not stage.subject_template.strip():
            problems.append(f"{label}: an email needs a subject")
        if "\n" in stage.subject_template or "\r" in stage.subject_template:
            problems.append(f"{label}: the subject must be a single line")
        if stage.fee is not None and stage.fee < ZERO:
            problems.append(f"{label}: the fee cannot be negative ({stage.fee})")
        previous = stage
    return tuple(problems)


def check_schedule(schedule: Schedule) -> Schedule:
    problems = schedule_problems(schedule)
    if problems:
        raise ValidationError(f"schedule '{schedule.name}': " + "; ".join(problems))
    return schedule


@dataclass(frozen=True)
class ChaseInvoice:
    """An issued, not void invoice as planning sees it."""

    id: int
    client_id: int
    number: str
    issue_date: date
    due_date: date
    gross: Decimal
    open_amount: Decimal
    disputed: bool = False
    paused: bool = False  # under a promise to pay or a payment plan that is being kept
    start_stage: int | None = None  # the user's "start at stage N" (0-based) for late imports


@dataclass(frozen=True)
class ChaseClient:
    id: int
    name: str
    email: str
    do_not_chase: bool = False
    schedule: Schedule | None = None  # None: the company's default schedule


@dataclass(frozen=True)
class SentReminder:
    """A reminder already sent (or on its way) to a client about some invoices."""

    client_id: int
    stage_key: str
    invoice_ids: frozenset[int]
    sent_on: date


@dataclass(frozen=True)
class PlannedReminder:
    client_id: int
    stage: Stage
    channel: Channel  # the stage's channel after the letter fallback
    invoice_ids: tuple[int, ...]  # ascending
    total: Decimal  # open amount of the invoices covered
    dedupe_key: str  # the same reminder planned again the same day has the same key


def dedupe_key(client_id: int, stage_key: str, invoice_ids: Iterable[int], as_of: date) -> str:
    """``client:stage:ids:date``, at most about 150 characters.

    Stage keys hold no ``:`` so the parts never run together. A long list of
    invoice ids is replaced by its count and a hash, so the key fits a
    bounded column whatever the number of invoices.
    """
    ordered = sorted(invoice_ids)
    ids = "-".join(str(i) for i in ordered)
    if len(ids) > _MAX_IDS_IN_KEY:
        ids = f"{len(ordered)}x{hashlib.sha256(ids.encode()).hexdigest()[:20]}"
    return f"{client_id}:{stage_key}:{ids}:{as_of.isoformat()}"


def next_stage_index(
    invoice: ChaseInvoice, highest_sent: int | None, schedule: Schedule, as_of: date
) -> int | None:
    """Rule 3: the one stage an invoice may get next, due or not; None when the schedule is done."""
    stages = schedule.stages
    if not stages:
        return None
    candidate = 0 if highest_sent is None else highest_sent + 1
    if invoice.start_stage is not None:
        candidate = max(candidate, min(max(invoice.start_stage, 0), len(stages) - 1))
    overdue = as_of > invoice.due_date
    while candidate < len(stages) and overdue and stages[candidate].courtesy:
        candidate += 1
    return candidate if candidate < len(stages) else None


def plan_reminders(
    as_of: date,
    clients: Iterable[ChaseClient],
    invoices: Iterable[ChaseInvoice],
    history: Iterable[SentReminder],
    default_schedule: Schedule,
) -> tuple[PlannedReminder, ...]:
    """The reminders due as of ``as_of``, by the rules in the module docstring.

    Work is linear in the number of invoices and history entries: everything
    is grouped by client once and each invoice looks at one stage only.
    """
    client_by_id = {c.id: c for c in clients}
    steps: dict[int, tuple[timedelta, ...]] = {}  # per schedule object: the stages' offsets
    key_index: dict[int, dict[str, int]] = {}  # per schedule object: stage key -> index
    schedule_for: dict[int, Schedule] = {}
    for client in client_by_id.values():
        schedule = client.schedule if client.schedule is not None else default_schedule
        if id(schedule) not in steps:
            check_schedule(schedule)
            steps[id(schedule)] = tuple(timedelta(days=s.offset_days) for s in schedule.stages)
            key_index[id(schedule)] = {s.key: i for i, s in enumerate(schedule.stages)}
        schedule_for[client.id] = schedule

    last_sent: dict[int, date] = {}
    highest: dict[int, int] = {}  # invoice id -> highest stage index sent
    for sent in history:
        if sent.client_id not in schedule_for:
            continue
        previous = last_sent.get(sent.client_id)
        if previous is None or sent.sent_on > previous:
            last_sent[sent.client_id] = sent.sent_on
        index = key_index[id(schedule_for[sent.client_id])].get(sent.stage_key)
        if index is None:
            continue
        for invoice_id in sent.invoice_ids:
            if highest.get(invoice_id, -1) < index:
                highest[invoice_id] = index

    chased: set[int] = set()
    for client in client_by_id.values():
        last = last_sent.get(client.id)
        gap = timedelta(days=schedule_for[client.id].min_gap_days)
        if not client.do_not_chase and (last is None or as_of >= last + gap):
            chased.add(client.id)

    # client id -> stage index -> invoices due at that stage
    due: dict[int, dict[int, list[ChaseInvoice]]] = defaultdict(lambda: defaultdict(list))
    for invoice in invoices:
        if (
            invoice.client_id not in chased
            or invoice.open_amount <= ZERO
            or invoice.disputed
            or invoice.paused
        ):
            continue
        schedule = schedule_for[invoice.client_id]
        index = next_stage_index(invoice, highest.get(invoice.id), schedule, as_of)
        if index is not None and as_of >= invoice.due_date + steps[id(schedule)][index]:
            due[invoice.client_id][index].append(invoice)

    plan: list[PlannedReminder] = []
    for client in client_by_id.values():
        groups = due.get(client.id)
        if not groups:
            continue
        schedule = schedule_for[client.id]
        has_email = bool(client.email.strip())
        for index in sorted(groups):
            covered = groups[index]
            total = sum((inv.open_amount for inv in covered), ZERO)
            if total < schedule.min_amount:
                continue
            stage = schedule.stages[index]
            channel = Channel.LETTER if stage.channel is Channel.EMAIL and not has_email else stage.channel
            ids = tuple(sorted(inv.id for inv in covered))
            plan.append(
                PlannedReminder(
                    client.id, stage, channel, ids, total, dedupe_key(client.id, stage.key, ids, as_of)
                )
            )
    return tuple(plan)
