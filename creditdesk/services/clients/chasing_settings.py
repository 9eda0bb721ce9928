"""One client's chasing settings, read for the dialog and saved in one transaction.

The dialog changes three things at once (the schedule, "do not chase" and the
start stage of invoices entered late); saving them one by one could leave half
of them written when the last one is refused, so they are saved together here.
A start stage is checked against the schedule chosen in the same save, since
changing the schedule changes which stages exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from creditdesk.domain.errors import NotFoundError, ValidationError
from creditdesk.domain.invoice import InvoiceStatus
from creditdesk.services.chasing.schedules import ScheduleChoice, default_schedule_in, list_schedules
from creditdesk.services.clients.overview import client_detail
from creditdesk.store.database import Database
from creditdesk.store.models import ChaseSchedule, ChaseStage, Client, Invoice
from creditdesk.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ChasingInvoice:
    id: int
    number: str
    due_date: date
    open_amount: Decimal
    days_overdue: int
    start_stage: int | None  # 0-based "start at stage N"; None: from the first stage


@dataclass(frozen=True)
class ClientChasing:
    client_id: int
    name: str
    schedule_id: int | None  # the client's own; None: the company default
    do_not_chase: bool
    invoices: tuple[ChasingInvoice, ...]  # open on the day, oldest due first
    schedules: tuple[ScheduleChoice, ...]  # the default first
    stage_names: Mapping[int, tuple[str, ...]]  # schedule id -> its stages' names, in order

    @property
    def default(self) -> ScheduleChoice:
        return next(choice for choice in self.schedules if choice.is_default)

    def stages_of(self, schedule_id: int | None) -> tuple[str, ...]:
        """The stages an invoice can start at under a schedule (None: the default)."""
        return self.stage_names.get(self.default.id if schedule_id is None else schedule_id, ())


def client_chasing(db: Database, client_id: int, as_of: date) -> ClientChasing:
    schedules = tuple(list_schedules(db))  # stores the default if it was not yet
    detail = client_detail(db, client_id, as_of)
    with UnitOfWork(db) as uow:
        session = uow.session
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError("this client no longer exists; it may have been removed by an import")
        ids = [item.id for item in detail.open_invoices]
        starts = dict(
            session.execute(select(Invoice.id, Invoice.chase_start_stage).where(Invoice.id.in_(ids))).all()
        )
        names: dict[int, list[str]] = {}
        for owner, name in session.execute(
            select(ChaseStage.schedule_id, ChaseStage.name).order_by(
                ChaseStage.schedule_id, ChaseStage.offset_days
            )
        ):
            names.setdefault(owner, []).append(name)
        schedule_id, flag = client.chase_schedule_id, client.do_not_chase
    invoices = tuple(
        ChasingInvoice(item.id, item.number, item.due_date, item.open, item.days_overdue, starts.get(item.id))
        for item in detail.open_invoices
    )
    return ClientChasing(
        client_id,
        detail.name,
        schedule_id,
        flag,
        invoices,
        schedules,
        {sid: tuple(stage_names) for sid, stage_names in names.items()},
    )


def save_client_chasing(
    db: Database,
    client_id: int,
    schedule_id: int | None,
    do_not_chase: bool,
    start_stages: Mapping[int, int | None],
) -> None:
    """Write the client's schedule (None: the default), the flag and the invoices' start stages together."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError("this client no longer exists; it may have been removed by an import")
        if schedule_id is None:
            schedule = default_schedule_in(session)
        else:
            found = session.get(ChaseSchedule, schedule_id)
            if found is None:
                raise NotFoundError(
                    "this schedule no longer exists; it may have been deleted in another window"
                )
            schedule = found
        client.chase_schedule_id = schedule_id
        client.do_not_chase = do_not_chase
        count = len(schedule.stages)
        for invoice_id, index in start_stages.items():
            invoice = session.get(Invoice, invoice_id)
            if invoice is None or invoice.client_id != client_id:
                raise NotFoundError(
                    "an invoice of this client no longer exists; close and open the window again"
                )
            if invoice.status == InvoiceStatus.VOID.value:
                raise ValidationError(f"invoice {invoice.number} is void, so it is not chased")
            if index is not None and not 0 <= index < count:
                raise ValidationError(
                    f"invoice {invoice.number}: stage {index + 1} does not exist; schedule "
                    f"'{schedule.name}' has {count} stages"
                )
            invoice.chase_start_stage = index
        uow.commit()
