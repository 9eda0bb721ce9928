"""Payment plans: agreeing instalments for some invoices, following them, printing the schedule.

The instalments are stored as agreed (amount and date each), so a plan prints
and judges the same way for ever. Whether it is kept, broken or completed is
worked out from the money applied to its invoices: payments (not credit
notes) dated on or after the day the plan was made, oldest instalment first
(``domain.payment_plans``). A kept plan pauses the chasing of its invoices; a
broken one (an instalment unpaid past the grace period) lets it resume.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from creditdesk.documents.model import PlanScheduleDocument, PlanScheduleInvoice, PlanScheduleLine
from creditdesk.domain.errors import LedgerError, NotFoundError, ValidationError
from creditdesk.domain.money import currency_exponent, format_plain, from_minor, to_minor
from creditdesk.domain.payment_plans import (
    DEFAULT_GRACE_DAYS,
    Frequency,
    Instalment,
    InstalmentNudge,
    PaidInstalment,
    PaymentPlan,
    PlanAllocation,
    PlanStatus,
    allocate_to_instalments,
    broken_on,
    instalment_nudges,
    instalments,
    plan_status,
)
from creditdesk.domain.ranges import check_amount, check_date
from creditdesk.domain.validation import check_text
from creditdesk.services.arrangements.promises import checked_invoices
from creditdesk.services.company.settings import company_in
from creditdesk.services.reports.invoice_print import addressee_of, letterhead_in
from creditdesk.store.activity import log_activity, on_day
from creditdesk.store.database import Database
from creditdesk.store.models import Client, PaymentPlanInvoice, PaymentPlanRow, PlanInstalment, Reminder
from creditdesk.store.queries.arrangements import InvoiceFacts, invoice_amounts, money_applied_to
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)
NOTES_MAX_LENGTH = 1000
MAX_INSTALMENTS = 600  # fifty years of monthly instalments; keeps every due date a real date


@dataclass(frozen=True)
class PlanInput:
    client_id: int
    invoice_ids: Sequence[int]
    first_date: date
    frequency: Frequency
    made_on: date
    count: int | None = None  # equal instalments...
    custom_amounts: tuple[Decimal, ...] | None = None  # ...or these, in order
    total: Decimal | None = None  # None: what the invoices owe on ``made_on``
    grace_days: int = DEFAULT_GRACE_DAYS
    notes: str = ""


@dataclass(frozen=True)
class PlanView:
    id: int
    client_id: int
    client_name: str
    invoice_ids: tuple[int, ...]
    invoice_numbers: tuple[str, ...]
    made_on: date
    first_date: date
    frequency: Frequency
    grace_days: int
    total: Decimal
    notes: str
    status: PlanStatus
    instalments: tuple[PaidInstalment, ...]
    broken_on: date | None

    @property
    def paid(self) -> Decimal:
        return sum((i.paid for i in self.instalments), ZERO)

    @property
    def outstanding(self) -> Decimal:
        return sum((i.outstanding for i in self.instalments), ZERO)

    def missed(self, as_of: date) -> tuple[PaidInstalment, ...]:
        """Instalments past their due date on ``as_of`` and not fully paid."""
        return tuple(i for i in self.instalments if i.due_date < as_of and i.outstanding > ZERO)


def create_plan(db: Database, data: PlanInput) -> int:
    """Agree a plan; its invoices stop being chased while it is kept."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        exponent = currency_exponent(company_in(session).currency)
        client = session.get(Client, data.client_id)
        if client is None:
            raise NotFoundError("this client no longer exists")
        ids = checked_invoices(session, client.id, data.invoice_ids, "payment plan")
        check_date(data.made_on, field="the day the plan is made")
        check_date(data.first_date, field="the first instalment's date")
        if data.total is not None:
            check_amount(data.total, field="the plan's total")
        for number, custom in enumerate(data.custom_amounts or (), start=1):
            check_amount(custom, field=f"instalment {number}")
        if (data.count or len(data.custom_amounts or ())) > MAX_INSTALMENTS:
            raise ValidationError(f"a payment plan can have at most {MAX_INSTALMENTS} instalments")
        if data.first_date < data.made_on:
            raise ValidationError(
                f"the first instalment on {data.first_date.isoformat()} is before the plan is made "
                f"({data.made_on.isoformat()}); pick a later date"
            )
        for view in plan_views_in(session, data.made_on, client.id):
            if view.status is PlanStatus.KEPT and set(view.invoice_ids) & set(ids):
                raise LedgerError(
                    f"plan {view.id} already covers some of these invoices and is being kept; "
                    "let it finish or break before agreeing another"
                )
        conn = session.connection()
        facts = invoice_amounts(conn, ids, exponent)
        applied: dict[int, Decimal] = defaultdict(Decimal)
        for alloc in money_applied_to(conn, ids, exponent):
            if alloc.date <= data.made_on:
                applied[alloc.invoice_id] += alloc.amount
        owed = sum((facts[i].gross - applied[i] for i in ids), ZERO)
        total = owed if data.total is None else data.total
        if total > owed:
            raise LedgerError(
                f"the plan is for {format_plain(total, exponent)} but the invoices owe "
                f"{format_plain(owed, exponent)}; plan no more than is owed"
            )
        plan = PaymentPlan(
            0,
            client.id,
            frozenset(ids),
            total,
            data.first_date,
            data.frequency,
            data.count,
            data.custom_amounts,
            data.grace_days,
            exponent,
        )
        schedule = instalments(plan)
        check_date(schedule[-1].due_date, field="the last instalment's date")
        row = PaymentPlanRow(
            client_id=client.id,
            made_on=data.made_on,
            first_date=data.first_date,
            frequency=data.frequency.value,
            total=to_minor(total, exponent),
            grace_days=data.grace_days,
            notes=check_text(data.notes, field="the notes", max_length=NOTES_MAX_LENGTH),
            instalments=[
                PlanInstalment(number=i.number, due_date=i.due_date, amount=to_minor(i.amount, exponent))
                for i in schedule
            ],
            invoices=[PaymentPlanInvoice(invoice_id=i) for i in ids],
        )
        session.add(row)
        session.flush()
        log_activity(
            session,
            client.id,
            "payment_plan",
            f"Payment plan agreed: {format_plain(total, exponent)} in {len(schedule)} {data.frequency.value} "
            f"instalments from {data.first_date.isoformat()} for {', '.join(facts[i].number for i in ids)}",
            at=on_day(data.made_on),
        )
        uow.commit()
        return row.id


def _plan_of(row: PaymentPlanRow, exponent: int) -> PaymentPlan:
    return PaymentPlan(
        row.id,
        row.client_id,
        frozenset(link.invoice_id for link in row.invoices),
        from_minor(row.total, exponent),
        row.first_date,
        Frequency(row.frequency),
        custom_amounts=tuple(from_minor(i.amount, exponent) for i in row.instalments),
        grace_days=row.grace_days,
        exponent=exponent,
    )


def plan_views_in(session: Session, as_of: date, client_id: int | None = None) -> list[PlanView]:
    """Every plan made by ``as_of`` (one client's when given), judged as of that day."""
    exponent = currency_exponent(company_in(session).currency)
    query = (
        select(PaymentPlanRow)
        .options(selectinload(PaymentPlanRow.instalments), selectinload(PaymentPlanRow.invoices))
        .where(PaymentPlanRow.made_on <= as_of)
        .order_by(PaymentPlanRow.id)
    )
    if client_id is not None:
        query = query.where(PaymentPlanRow.client_id == client_id)
    rows = session.scalars(query).all()
    if not rows:
        return []
    ids = sorted({link.invoice_id for r in rows for link in r.invoices})
    conn = session.connection()
    facts: dict[int, InvoiceFacts] = invoice_amounts(conn, ids, exponent)
    payments: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for alloc in money_applied_to(conn, ids, exponent):
        if alloc.payment_id is not None:
            payments[alloc.invoice_id].append((alloc.date, alloc.amount))
    names = dict(session.execute(select(Client.id, Client.name)).all())
    views = []
    for row in rows:
        plan = _plan_of(row, exponent)
        # The instalments as agreed and printed, not recomputed.
        schedule = tuple(
            Instalment(i.number, i.due_date, from_minor(i.amount, exponent)) for i in row.instalments
        )
        money = [
            (day, amount)
            for iid in sorted(plan.invoice_ids)
            for day, amount in payments[iid]
            if day >= row.made_on
        ]
        allocation = allocate_to_instalments(schedule, money, as_of)
        invoice_ids = tuple(sorted(plan.invoice_ids))
        views.append(
            PlanView(
                id=row.id,
                client_id=row.client_id,
                client_name=names.get(row.client_id, ""),
                invoice_ids=invoice_ids,
                invoice_numbers=tuple(facts[i].number for i in invoice_ids),
                made_on=row.made_on,
                first_date=row.first_date,
                frequency=plan.frequency,
                grace_days=row.grace_days,
                total=plan.total,
                notes=row.notes,
                status=plan_status(plan, allocation, as_of),
                instalments=allocation.instalments,
                broken_on=broken_on(plan, allocation, as_of),
            )
        )
    return views


def plans(db: Database, as_of: date, client_id: int | None = None) -> list[PlanView]:
    with UnitOfWork(db) as uow:
        return plan_views_in(uow.session, as_of, client_id)


def plan_view(db: Database, plan_id: int, as_of: date) -> PlanView:
    with UnitOfWork(db) as uow:
        row = uow.session.get(PaymentPlanRow, plan_id)
        if row is None:
            raise NotFoundError("this payment plan no longer exists")
        found = [v for v in plan_views_in(uow.session, as_of, row.client_id) if v.id == plan_id]
    if not found:
        raise ValidationError(f"the payment plan was made after {as_of.isoformat()}")
    return found[0]


def kept_plan_invoice_ids_in(session: Session, as_of: date) -> frozenset[int]:
    """Invoices under a plan being kept on ``as_of``: chasing leaves them alone."""
    return frozenset(
        iid
        for view in plan_views_in(session, as_of)
        if view.status is PlanStatus.KEPT
        for iid in view.invoice_ids
    )


def plan_nudges(db: Database, as_of: date) -> list[InstalmentNudge]:
    """The instalment reminders due on ``as_of`` (coming up, missed), leaving out any already in the outbox.

    A nudge's ``dedupe_key`` is the key of the reminder that carries it, so
    one queued or sent under that key is never planned again.
    """
    with UnitOfWork(db) as uow:
        return [found.nudge for found in plan_nudges_in(uow.session, as_of)]


@dataclass(frozen=True)
class PlannedNudge:
    """A nudge with what the outbox needs to address it."""

    client_id: int
    invoice_ids: tuple[int, ...]
    nudge: InstalmentNudge


def plan_nudges_in(session: Session, as_of: date) -> list[PlannedNudge]:
    """``plan_nudges`` inside an open session, so the reminder queue can add them in its own transaction."""
    exponent = currency_exponent(company_in(session).currency)
    sent = set(session.scalars(select(Reminder.dedupe_key).where(Reminder.dedupe_key.like("plan:%"))))
    rows = {
        r.id: r
        for r in session.scalars(
            select(PaymentPlanRow)
            .options(selectinload(PaymentPlanRow.instalments), selectinload(PaymentPlanRow.invoices))
            .where(PaymentPlanRow.made_on <= as_of)
        )
    }
    found: list[PlannedNudge] = []
    for view in plan_views_in(session, as_of):
        row = rows[view.id]
        plan = _plan_of(row, exponent)
        allocation = PlanAllocation(view.instalments, ZERO)
        invoice_ids = tuple(sorted(link.invoice_id for link in row.invoices))
        found.extend(
            PlannedNudge(row.client_id, invoice_ids, nudge)
            for nudge in instalment_nudges(plan, allocation, as_of, sent_keys=sent)
        )
    return found


# --- the schedule as a PDF for the client ------------------------------------------------------------


def plan_schedule_document(db: Database, plan_id: int) -> PlanScheduleDocument:
    with UnitOfWork(db) as uow:
        session = uow.session
        row = session.get(PaymentPlanRow, plan_id)
        if row is None:
            raise NotFoundError("this payment plan no longer exists")
        client = session.get(Client, row.client_id)
        assert client is not None
        head = letterhead_in(session)
        exponent = head.formats.exponent
        ids = sorted(link.invoice_id for link in row.invoices)
        conn = session.connection()
        facts = invoice_amounts(conn, ids, exponent)
        applied: dict[int, Decimal] = defaultdict(Decimal)
        for alloc in money_applied_to(conn, ids, exponent):
            if alloc.date <= row.made_on:
                applied[alloc.invoice_id] += alloc.amount
        return PlanScheduleDocument(
            branding=head.branding,
            formats=head.formats,
            client=addressee_of(client),
            plan_number=row.id,
            agreed_on=row.made_on,
            frequency=row.frequency,
            grace_days=row.grace_days,
            invoices=tuple(
                PlanScheduleInvoice(
                    facts[i].number,
                    facts[i].issue_date,
                    facts[i].due_date,
                    facts[i].gross - applied[i],
                )
                for i in sorted(ids, key=lambda i: (facts[i].due_date, facts[i].number))
            ),
            instalments=tuple(
                PlanScheduleLine(i.number, i.due_date, from_minor(i.amount, exponent))
                for i in row.instalments
            ),
            total=from_minor(row.total, exponent),
            payment_reference=client.code,
        )


def payment_plan_pdf(db: Database, plan_id: int) -> bytes:
    """The agreed schedule, to send to the client."""
    from creditdesk.documents.plan_schedule import render_plan_schedule  # ReportLab loads only when printing

    return render_plan_schedule(plan_schedule_document(db, plan_id))
